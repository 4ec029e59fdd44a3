//! One scan of a repository: walk (or read the git index), run the secret scanner on every file,
//! and assemble the [`Report`]. This is the pipeline's middle; reading config and writing output
//! stay in `app`.

use crate::baseline::Baseline;
use crate::checks::secrets;
use crate::config::Config;
use crate::model::{Finding, Report};
use crate::walk::{self, WalkOptions, WalkStats};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// Repository root (or a single file).
    pub root: PathBuf,
    /// The root as the user wrote it, for the report.
    pub root_display: String,
    /// Read staged blobs from the git index instead of walking the tree.
    pub staged: bool,
    /// Walker settings.
    pub walk: WalkOptions,
    /// Only findings of these canonical environments (plus findings with no environment).
    pub environments: Vec<String>,
}

/// What every file contributes, accumulated per walker thread.
#[derive(Debug, Default)]
pub struct FileResults {
    /// Findings from the scanner.
    pub findings: Vec<Finding>,
    /// Findings hidden by `credgate:allow` comments.
    pub suppressed: usize,
}

impl FileResults {
    fn absorb(&mut self, other: FileResults) {
        self.findings.extend(other.findings);
        self.suppressed += other.suppressed;
    }
}

/// Scans one file's bytes: the function both sources (walker, git index) call.
fn scan_one(acc: &mut FileResults, path: &str, bytes: &[u8]) {
    let scanned = secrets::scan_file(path, bytes);
    acc.findings.extend(scanned.findings);
    acc.suppressed += scanned.suppressed;
}

/// Reads every file and returns the raw findings with the walk statistics.
pub fn collect(request: &ScanRequest) -> Result<(FileResults, WalkStats)> {
    if request.staged {
        let mut acc = FileResults::default();
        let stats = crate::staged::visit_staged(&request.root, &request.walk, &mut acc, scan_one)?;
        return Ok((acc, stats));
    }
    let (parts, stats) = walk::walk(&request.root, &request.walk, scan_one);
    let mut acc = FileResults::default();
    for part in parts {
        acc.absorb(part);
    }
    Ok((acc, stats))
}

/// Runs the scan and builds the report: config overrides, the baseline and the environment filter
/// applied, findings sorted and counted.
pub fn run(request: &ScanRequest, config: &Config, baseline: Option<&Baseline>) -> Result<Report> {
    let (results, stats) = collect(request)?;
    let mut findings = results.findings;
    findings.extend(stats.problems);
    findings = config.apply(findings);
    if !request.environments.is_empty() {
        findings.retain(|f| match &f.environment {
            Some(env) => request.environments.iter().any(|e| e == env),
            None => true,
        });
    }
    let mut report = Report {
        root: request.root_display.clone(),
        ..Report::default()
    };
    if let Some(baseline) = baseline {
        let (kept, hidden) = baseline.filter(findings);
        findings = kept;
        report.summary.baseline_suppressed = hidden;
    }
    report.findings = findings;
    report.summary.files_scanned = stats.files_scanned;
    report.summary.bytes_scanned = stats.bytes_scanned;
    report.summary.files_skipped = stats.skipped;
    report.summary.inline_suppressed = results.suppressed;
    report.finalize();
    Ok(report)
}

/// The scan root as reports show it: the path as given, `/`-separated.
pub fn display_root(path: &Path) -> String {
    let shown = path.to_string_lossy().replace('\\', "/");
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}
