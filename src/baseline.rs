//! Baselines: accept today's findings so that only new ones fail the build.
//!
//! A baseline lists finding fingerprints (rule + path + hash of what was found, never the line), so
//! an entry keeps matching when lines move. File and line are kept only to help a reader.

use crate::model::Finding;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// The file `credgate baseline` writes by default, at the scan root.
pub const DEFAULT_FILE: &str = ".credgate-baseline.json";

/// The on-disk baseline document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Baseline {
    /// Format version of this file.
    pub schema_version: u32,
    /// Accepted findings.
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BaselineEntry {
    /// The finding's fingerprint: what matching uses.
    pub fingerprint: String,
    /// Rule id, for readers.
    pub rule_id: String,
    /// File or source, for readers.
    #[serde(default)]
    pub file: Option<String>,
    /// Line when written, for readers; not used for matching.
    #[serde(default)]
    pub line: Option<u32>,
}

impl Baseline {
    /// A baseline accepting all of `findings`.
    pub fn from_findings(findings: &[Finding]) -> Self {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                file: f.location.file.clone().or(f.location.source.clone()),
                line: f.location.line,
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.file, a.line, &a.rule_id, &a.fingerprint).cmp(&(
                &b.file,
                b.line,
                &b.rule_id,
                &b.fingerprint,
            ))
        });
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Self {
            schema_version: 1,
            findings: entries,
        }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a credgate baseline (expected the JSON that `credgate baseline` writes)",
                path.display()
            )
        })
    }

    /// Writes the baseline as pretty JSON with a trailing newline.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text)
            .with_context(|| format!("cannot write baseline {}", path.display()))
    }

    /// Splits findings into those the baseline does not list, and the count it hid.
    pub fn filter(&self, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let known: HashSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let before = findings.len();
        let kept: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !known.contains(f.fingerprint.as_str()))
            .collect();
        let hidden = before - kept.len();
        (kept, hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Severity};

    fn finding(line: u32, identity: &str) -> Finding {
        Finding::new(
            "azure-client-secret",
            Severity::Error,
            Location::file("app.env", line, 1),
            "m",
            identity,
        )
    }

    #[test]
    fn survives_lines_moving_and_catches_new_findings() {
        let baseline = Baseline::from_findings(&[finding(3, "secret-a")]);
        let (kept, hidden) = baseline.filter(vec![finding(10, "secret-a"), finding(4, "secret-b")]);
        assert_eq!(hidden, 1);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].location.line, Some(4));
    }

    #[test]
    fn round_trips_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DEFAULT_FILE);
        let b = Baseline::from_findings(&[finding(1, "x"), finding(2, "x")]);
        assert_eq!(b.findings.len(), 1, "duplicates collapse");
        b.save(&path).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), b);
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "not json").unwrap();
        let err = Baseline::load(&path).unwrap_err().to_string();
        assert!(err.contains("not a credgate baseline"), "{err}");
    }
}
