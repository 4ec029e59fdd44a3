//! One scan of a repository: walk (or read the git index), run the secret scanner on every file,
//! and assemble the [`Report`]. This is the pipeline's middle; reading config and writing output
//! stay in `app`.

use crate::baseline::Baseline;
use crate::checks::{secrets, suppress};
use crate::config::Config;
use crate::extract::{self, FileFacts};
use crate::inventory::{build, selection, summary, unreadable};
use crate::model::{Finding, Report};
use crate::sources::Remote;
use crate::walk::{self, WalkOptions, WalkStats};
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
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
    /// Only findings of these canonical environments (plus findings with no environment and
    /// hard-coded secrets, which `--env` never hides).
    pub environments: Vec<String>,
    /// Names (never values) of the set process variables that can define an environment
    /// (`UAT_AZURE_CLIENT_SECRET`), so `--env uat` matches with nothing in the repository.
    pub variables: Vec<String>,
    /// Whether the plain `AZURE_*` credentials are set and the command would dry-run with them.
    pub plain_credentials: bool,
    /// Also scan git history (`--history`, `--commits`, a CI run's pull request) with the
    /// hard-coded secret rules.
    pub history: Option<crate::history::Request>,
}

/// What every file contributes, accumulated per walker thread.
#[derive(Debug, Default)]
pub struct FileResults {
    /// Findings from the secret scanner.
    pub findings: Vec<Finding>,
    /// Secret findings hidden by `credgate:allow` comments.
    pub suppressed: usize,
    /// Credential facts and pipeline references for the inventory.
    pub facts: FileFacts,
    /// Lines carrying a `credgate:allow` comment: (path, line) → the line's text. Only these
    /// few lines are kept, so inventory findings can honour the comments after the walk.
    pub allow_lines: HashMap<(String, u32), String>,
    /// Azure Pipelines definitions and templates in the tree, whose pipeline variables the
    /// Azure DevOps source reads.
    pub pipeline_paths: Vec<String>,
}

impl FileResults {
    fn absorb(&mut self, other: FileResults) {
        self.findings.extend(other.findings);
        self.suppressed += other.suppressed;
        self.facts.absorb(other.facts);
        self.allow_lines.extend(other.allow_lines);
        self.pipeline_paths.extend(other.pipeline_paths);
    }
}

/// How much of each file a run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The secret scanner, the extractors and the allow comments: a scan.
    Full,
    /// The extractors only: what the inventory is built from (`credgate init`).
    Inventory,
}

/// Reads one file's bytes: the function both sources (walker, git index) call.
fn scan_one(acc: &mut FileResults, path: &str, bytes: &[u8], reading: Reading) {
    if reading == Reading::Full {
        let scanned = secrets::scan_file(path, bytes);
        acc.findings.extend(scanned.findings);
        acc.suppressed += scanned.suppressed;
    }
    let kind = extract::kind::detect(path, bytes);
    if kind == Some(extract::FileKind::AzurePipeline) {
        acc.pipeline_paths.push(path.to_string());
    }
    acc.facts.absorb(extract::extract_kind(kind, path, bytes));
    if let Some(root) = crate::inventory::app::project_root_of(path) {
        acc.facts.project_roots.push(root.to_string());
    }
    if crate::inventory::environment::names_an_environment(path) {
        acc.facts.environment_files.push(path.to_string());
    }
    if reading == Reading::Full && suppress::mentions_marker(bytes) {
        let text = String::from_utf8_lossy(bytes);
        for (i, line) in text.lines().enumerate() {
            if line.contains(suppress::MARKER) {
                let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
                acc.allow_lines
                    .insert((path.to_string(), line_no), line.to_string());
            }
        }
    }
}

/// Drops findings whose line carries an allow comment for their rule; returns how many.
fn apply_allow_lines(findings: &mut Vec<Finding>, lines: &HashMap<(String, u32), String>) -> usize {
    if lines.is_empty() {
        return 0;
    }
    let before = findings.len();
    findings.retain(|f| match (&f.location.file, f.location.line) {
        (Some(file), Some(line)) => lines
            .get(&(file.clone(), line))
            .is_none_or(|text| !suppress::allows(text, &f.rule_id)),
        _ => true,
    });
    before - findings.len()
}

/// Reads every file and returns the raw findings with the walk statistics.
pub fn collect(request: &ScanRequest) -> Result<(FileResults, WalkStats)> {
    collect_reading(request, Reading::Full)
}

/// [`collect`], reading each file as `reading` says.
fn collect_reading(request: &ScanRequest, reading: Reading) -> Result<(FileResults, WalkStats)> {
    let visit = |acc: &mut FileResults, path: &str, bytes: &[u8]| {
        scan_one(acc, path, bytes, reading);
    };
    if request.staged {
        let mut acc = FileResults::default();
        let stats = crate::staged::visit_staged(&request.root, &request.walk, &mut acc, visit)?;
        return Ok((acc, stats));
    }
    let (parts, stats) = walk::walk(&request.root, &request.walk, visit);
    let mut acc = FileResults::default();
    for part in parts {
        acc.absorb(part);
    }
    Ok((acc, stats))
}

/// Runs the scan and builds the report: the inventory and its checks, config overrides, the
/// baseline and the environment filter applied, findings sorted and counted.
pub fn run(request: &ScanRequest, config: &Config, baseline: Option<&Baseline>) -> Result<Report> {
    run_with_inventory(request, config, baseline).map(|scanned| scanned.report)
}

/// A scan's report with the inventory (already narrowed to `--env`) and the environment names
/// it was built with: what the dry-run needs to find each environment's values.
#[derive(Debug)]
pub struct Scanned {
    /// The offline report.
    pub report: Report,
    /// The inventory behind it.
    pub inventory: crate::model::Inventory,
    /// Environment names and aliases known for the run.
    pub names: crate::inventory::environment::EnvironmentNames,
}

/// [`run`], also returning the inventory and names for the dry-run.
pub fn run_with_inventory(
    request: &ScanRequest,
    config: &Config,
    baseline: Option<&Baseline>,
) -> Result<Scanned> {
    run_with_remote(request, config, baseline, |_| Remote::default())
}

/// The inventory stage of a scan: the files read by the extractors (and, for a scan, the
/// secret scanner), the CI platforms' variables joined, the inventory and the environment names
/// built, and the environments with an unreadable file found. What `credgate init` needs, and
/// where [`run_with_remote`] goes on from.
#[derive(Debug)]
pub struct Inventoried {
    /// The inventory, every environment (no `--env` narrowing yet).
    pub inventory: crate::model::Inventory,
    /// Environment names and aliases known for the run.
    pub names: crate::inventory::environment::EnvironmentNames,
    /// Environments whose configuration could not be read, with those files: they keep their
    /// matrix row.
    pub unreadable: BTreeMap<String, Vec<String>>,
    /// The tree's Azure Pipelines definitions and templates, sorted.
    pub pipeline_paths: Vec<String>,
    /// The walk's, the extractors' and the CI platforms' problems, after the secret scanner's
    /// findings when it ran.
    findings: Vec<Finding>,
    /// What the files contributed besides facts (allow lines, suppressed secret findings).
    results: FileResults,
    /// The walk statistics.
    stats: WalkStats,
    /// The environment names pipelines and CI platforms declare, for `--env` matching.
    declared: Vec<String>,
}

impl Inventoried {
    /// The environment matrix of the whole inventory, in promotion order.
    pub fn environments(&self) -> Vec<crate::model::EnvironmentSummary> {
        summary::summaries(&self.inventory, &self.unreadable)
    }
}

/// The inventory stage alone, for `credgate init`: the files read by the extractors only (no
/// secret rules, no allow comments, no checks), no CI platform, no history.
pub fn inventory(request: &ScanRequest, config: &Config) -> Result<Inventoried> {
    build_inventory(request, config, Reading::Inventory, |_| Remote::default())
}

/// Reads the files as `reading` says, calls `fetch` with the tree's Azure Pipelines paths and
/// joins what the platforms define, then builds the inventory: see [`Inventoried`].
fn build_inventory(
    request: &ScanRequest,
    config: &Config,
    reading: Reading,
    fetch: impl FnOnce(&[String]) -> Remote,
) -> Result<Inventoried> {
    let (mut results, mut stats) = collect_reading(request, reading)?;
    let mut findings = std::mem::take(&mut results.findings);
    findings.extend(std::mem::take(&mut stats.problems));
    let mut facts = std::mem::take(&mut results.facts);
    findings.extend(facts.problems.iter().cloned());
    results.pipeline_paths.sort();
    let remote = fetch(&results.pipeline_paths);
    for (_, platform) in &remote.platforms {
        facts.facts.extend(platform.facts.iter().cloned());
        facts
            .declared_environments
            .extend(platform.environments.iter().cloned());
        findings.extend(platform.problems.iter().cloned());
    }
    let declared = facts.declared_environments.clone();
    let (mut inventory, names) = build::build(facts, &config.inventory_settings());
    inventory.platforms = remote
        .platforms
        .iter()
        .map(|(platform, data)| data.names(platform, &names))
        .collect();
    // A broken file of an environment is an error for it, and keeps it in the matrix.
    let unreadable = unreadable::escalate(&mut findings, &names);
    Ok(Inventoried {
        inventory,
        names,
        unreadable,
        pipeline_paths: std::mem::take(&mut results.pipeline_paths),
        findings,
        results,
        stats,
        declared,
    })
}

/// [`run_with_inventory`] with the CI platforms' pipeline variables: after the walk, `fetch` is
/// called with the tree's Azure Pipelines paths and returns what the platforms define; their
/// values join the inventory like the files' (I/O stays in `fetch`, supplied by the caller).
pub fn run_with_remote(
    request: &ScanRequest,
    config: &Config,
    baseline: Option<&Baseline>,
    fetch: impl FnOnce(&[String]) -> Remote,
) -> Result<Scanned> {
    let Inventoried {
        mut inventory,
        names,
        mut unreadable,
        pipeline_paths: _,
        mut findings,
        results,
        stats,
        declared: facts_declared,
    } = build_inventory(request, config, Reading::Full, fetch)?;
    let selected = &request.environments;
    if !selected.is_empty() {
        let mut known = known_environments(&inventory, &names, &facts_declared, config)
            .with_variables(request.variables.clone(), request.plain_credentials);
        for env in unreadable.keys() {
            known.add(env, "an unreadable file");
        }
        let unmatched = selection::unmatched(selected, &known, &names);
        if !unmatched.is_empty() {
            anyhow::bail!(selection::unmatched_message(&unmatched, &known));
        }
    }
    // Checks see every environment (production wired to staging's app needs both sides);
    // `--env` narrows what is reported afterwards.
    findings.extend(crate::checks::consistency::check_with_names(
        &inventory, &names,
    ));
    build::retain_environments(&mut inventory, selected, &names);
    let wanted: Vec<String> = selected.iter().map(|e| names.canonical(e)).collect();
    if !wanted.is_empty() {
        unreadable.retain(|env, _| wanted.contains(env));
    }
    let inline = apply_allow_lines(&mut findings, &results.allow_lines);
    // After the tree's allow lines, which are lines of the working tree, not of old blobs (the
    // blobs' own allow comments were applied by the scanner).
    let mut history = None;
    if let Some(wanted) = &request.history {
        let outcome = crate::history::scan(wanted)?;
        findings.extend(outcome.problems);
        if outcome.bare {
            // A bare repository has no working tree to say "only in history" against.
            findings.extend(outcome.findings);
        } else {
            let only_in_history =
                crate::history::merge_into_working_tree(&mut findings, outcome.findings);
            findings.extend(only_in_history);
        }
        history = Some((outcome.stats, outcome.suppressed));
    }
    // Secret findings belong to the environment their file is for.
    for finding in &mut findings {
        if finding.environment.is_none() {
            finding.environment = finding
                .location
                .file
                .as_deref()
                .and_then(|file| names.infer_from_path(file));
        }
    }
    findings = config.apply(findings);
    // One mistake, one finding: after allow comments and rule settings (a pair where one side
    // is turned off is no pair), before the baseline (which records the folded finding).
    crate::checks::fold::client_id_pairs(&mut findings);
    if !wanted.is_empty() {
        // A committed secret is a leak whatever environment is being deployed.
        findings.retain(|f| match &f.environment {
            Some(env) => wanted.iter().any(|e| e == env) || is_hard_coded_secret(f),
            None => true,
        });
    }
    let mut report = Report {
        root: request.root_display.clone(),
        environments: summary::summaries(&inventory, &unreadable),
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
    report.summary.inline_suppressed = results.suppressed + inline;
    if let Some((stats, suppressed)) = history {
        report.summary.inline_suppressed += suppressed;
        report.summary.history = Some(stats);
    }
    report.finalize();
    crate::checks::fold::secret_fixes(&mut report.findings);
    Ok(Scanned {
        report,
        inventory,
        names,
    })
}

/// Whether a finding is one of the hard-coded secret rules (`checks::secrets`).
fn is_hard_coded_secret(finding: &Finding) -> bool {
    crate::rules::find(&finding.rule_id).is_some_and(|r| r.family == crate::rules::Family::Secrets)
}

/// Every environment the run found, with where: the inventory's (files and CI platforms'
/// variables), `credgate.toml`'s tables, pipelines' `environment:` names and the CI platforms'
/// environments.
fn known_environments(
    inventory: &crate::model::Inventory,
    names: &crate::inventory::environment::EnvironmentNames,
    pipeline_names: &[String],
    config: &Config,
) -> selection::Known {
    let mut known = selection::Known::default();
    for (env, facts) in &inventory.environments {
        let place = if facts.iter().any(|f| f.location.file.is_some())
            || inventory.environment_files.contains_key(env)
        {
            "files"
        } else {
            "CI variables"
        };
        known.add(env, place);
    }
    for name in config.environments.keys() {
        known.add(&names.canonical(name), "credgate.toml");
    }
    for name in pipeline_names.iter().filter(|n| build::is_literal_name(n)) {
        known.add(&names.canonical(name), "a pipeline's environment:");
    }
    for platform in &inventory.platforms {
        for env in platform.by_environment.keys() {
            known.add(env, &format!("{} environment", platform.platform));
        }
    }
    known
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(root: &Path) -> ScanRequest {
        ScanRequest {
            root: root.to_path_buf(),
            root_display: display_root(root),
            staged: false,
            walk: WalkOptions {
                max_file_size: crate::cli::DEFAULT_MAX_FILE_SIZE,
                threads: 1,
                extra_ignores: Vec::new(),
            },
            environments: Vec::new(),
            variables: Vec::new(),
            plain_credentials: false,
            history: None,
        }
    }

    #[test]
    fn the_inventory_stage_runs_no_secret_rule_and_builds_what_the_scan_builds() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let secret =
            crate::checks::secrets::complete_entra_secret("abc8Q~dEfGhIjKlMnOpQrStUvWxYz01234567")
                .expect("37 secret characters");
        let env = format!(
            "AZURE_TENANT_ID=contoso.onmicrosoft.com\n\
             AZURE_CLIENT_ID=1ee56472-6166-4e31-b902-c9f9c65b805e\n\
             AZURE_CLIENT_SECRET={secret}\n\
             OTHER={secret} # credgate:allow\n"
        );
        std::fs::write(dir.path().join(".env.production"), env).expect("written");
        let request = request(dir.path());
        let config = Config::default();

        let stage = inventory(&request, &config).expect("inventory");
        assert!(stage.findings.is_empty(), "{:?}", stage.findings);
        assert_eq!(stage.results.suppressed, 0);
        assert!(stage.results.allow_lines.is_empty());

        let scanned = run_with_inventory(&request, &config, None).expect("scan");
        assert!(
            scanned.report.findings.iter().any(is_hard_coded_secret),
            "{:?}",
            scanned.report.findings
        );
        assert_eq!(stage.inventory.environments, scanned.inventory.environments);
        assert_eq!(stage.environments(), scanned.report.environments);
    }
}
