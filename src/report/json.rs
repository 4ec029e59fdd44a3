//! The JSON report of docs/design.md, the machine-readable contract other tools build on.
//!
//! The structs below *are* the contract, field for field and in order, so that it can be read in
//! one place and cannot drift with internal model changes. Fields marked "additive" go beyond
//! docs/design.md's example; consumers must ignore fields they do not know. Absent values are `null`,
//! never omitted, so every key is always there.

use crate::model::{Report, Severity};
use serde::{Deserialize, Serialize};

/// Bumped only for incompatible changes; additive fields keep it.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonReport {
    /// Contract version, [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Which tool and version produced the report.
    pub tool: JsonTool,
    /// The scanned root as given on the command line; `file` paths are relative to it.
    pub root: String,
    /// The environment matrix.
    pub environments: Vec<JsonEnvironment>,
    /// Findings, most severe first.
    pub findings: Vec<JsonFinding>,
    /// Live token request outcomes.
    pub dry_run: Vec<JsonDryRun>,
    /// Totals.
    pub summary: JsonSummary,
}

/// `tool`: name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonTool {
    /// Always `credgate`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

/// `environments[]`: one row of the environment matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonEnvironment {
    /// Canonical environment name.
    pub name: String,
    /// Tenant id in use, or `null`.
    pub tenant_id: Option<String>,
    /// Client id in use, or `null`.
    pub client_id: Option<String>,
    /// How the secret is known (never its value).
    pub secret: JsonSecretPresence,
    /// Files and API paths that contributed facts.
    pub sources: Vec<String>,
    /// Additive: files that define the environment but could not be read or parsed (its
    /// values there are unknown); empty when every file was read.
    pub unreadable: Vec<String>,
    /// Additive: values of the environment's own sources that disagree with `tenant_id` /
    /// `client_id` (which show the value most sources agree on); empty when they all agree.
    pub conflicts: Vec<JsonConflict>,
}

/// `environments[].conflicts[]` (additive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonConflict {
    /// `client_id` or `tenant_id`.
    pub field: String,
    /// The disagreeing value.
    pub value: String,
    /// Where it is set (`file:line`).
    pub sources: Vec<String>,
}

/// `environments[].secret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonSecretPresence {
    /// Whether any secret (literal or reference) is configured.
    pub present: bool,
    /// Where it comes from, or `null`.
    pub source: Option<String>,
    /// `sha256:<12 hex>` of a literal value, or `null` for references.
    pub fingerprint: Option<String>,
}

/// `findings[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonFinding {
    /// Stable rule id.
    pub rule_id: String,
    /// `error`, `warning` or `note`.
    pub severity: Severity,
    /// Canonical environment name, or `null`.
    pub environment: Option<String>,
    /// Path relative to `root`, `/`-separated; `null` when the finding is not in a file.
    pub file: Option<String>,
    /// 1-based line, or `null`.
    pub line: Option<u32>,
    /// 1-based column in characters, or `null`.
    pub column: Option<u32>,
    /// Additive: 1-based column just past the flagged value, or `null`.
    pub end_column: Option<u32>,
    /// Additive: the non-file origin (`env:X`, `github:environment/…`), or `null`.
    pub source: Option<String>,
    /// What is wrong. Never contains a secret value.
    pub message: String,
    /// Additive: how to fix it, or `null`.
    pub fix: Option<String>,
    /// Additive: the redacted secret involved, or `null`.
    pub secret: Option<JsonRedacted>,
    /// Stable identity for baselines; survives lines moving.
    pub fingerprint: String,
    /// Additive, and the one key left out when absent (only history scans set it): the commit
    /// that introduced the finding, `{id, author, email, date, summary}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<crate::model::CommitInfo>,
}

/// `findings[].secret` (additive): what a report may show of a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonRedacted {
    /// First three characters (Entra's own hint), empty for short values.
    pub hint: String,
    /// `sha256:<12 hex>`.
    pub fingerprint: String,
}

/// `dry_run[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonDryRun {
    /// Canonical environment name.
    pub environment: String,
    /// `ok`, `invalid_secret`, `timeout`, … (docs/design.md "Dry-run statuses").
    pub status: String,
    /// First AADSTS code of the error answer, or `null`.
    pub aadsts: Option<u32>,
    /// Entra's trace id, or `null`.
    pub trace_id: Option<String>,
    /// Entra's correlation id, or `null`.
    pub correlation_id: Option<String>,
    /// Wall time of the environment's whole dry-run, retries included.
    pub duration_ms: u64,
    /// Additive: with status `not_sent`, the rule id of the local finding whose value was
    /// not sent (`secret-id-as-value`, `placeholder-credential`, …); otherwise `null`.
    pub blocked_by: Option<String>,
}

/// `summary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonSummary {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity note.
    pub notes: usize,
    /// Files read and scanned.
    pub files_scanned: u64,
    /// Additive: bytes read and scanned.
    pub bytes_scanned: u64,
    /// Additive: files passed over, by reason.
    pub files_skipped: JsonSkipCounts,
    /// Additive: findings hidden by the baseline.
    pub baseline_suppressed: usize,
    /// Additive: findings hidden by `credgate:allow` comments.
    pub inline_suppressed: usize,
    /// Additive, left out when no history was scanned: what the git history scan read
    /// (`range`, `commits`, `blobs_scanned`, `bytes_scanned`, `blobs_skipped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::model::HistoryStats>,
}

/// `summary.files_skipped` (additive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonSkipCounts {
    /// Binary files.
    pub binary: u64,
    /// Files over the size limit.
    pub too_large: u64,
    /// Files that could not be read.
    pub unreadable: u64,
    /// Symbolic links, never followed.
    pub symlink: u64,
}

impl From<&Report> for JsonReport {
    fn from(report: &Report) -> Self {
        let s = &report.summary;
        Self {
            schema_version: SCHEMA_VERSION,
            tool: JsonTool {
                name: report.tool.name.clone(),
                version: report.tool.version.clone(),
            },
            root: report.root.clone(),
            environments: report
                .environments
                .iter()
                .map(|e| JsonEnvironment {
                    name: e.name.clone(),
                    tenant_id: e.tenant_id.clone(),
                    client_id: e.client_id.clone(),
                    secret: JsonSecretPresence {
                        present: e.secret.present,
                        source: e.secret.source.clone(),
                        fingerprint: e.secret.fingerprint.clone(),
                    },
                    sources: e.sources.clone(),
                    unreadable: e.unreadable.clone(),
                    conflicts: e
                        .conflicts
                        .iter()
                        .map(|c| JsonConflict {
                            field: c.field.clone(),
                            value: c.value.clone(),
                            sources: c.sources.clone(),
                        })
                        .collect(),
                })
                .collect(),
            findings: report
                .findings
                .iter()
                .map(|f| JsonFinding {
                    rule_id: f.rule_id.clone(),
                    severity: f.severity,
                    environment: f.environment.clone(),
                    file: f.location.file.clone(),
                    line: f.location.line,
                    column: f.location.column,
                    end_column: f.location.end_column,
                    source: f.location.source.clone(),
                    message: f.message.clone(),
                    fix: f.fix.clone(),
                    secret: f.secret.as_ref().map(|r| JsonRedacted {
                        hint: r.hint.clone(),
                        fingerprint: r.fingerprint.clone(),
                    }),
                    fingerprint: f.fingerprint.clone(),
                    commit: f.commit.clone(),
                })
                .collect(),
            dry_run: report
                .dry_run
                .iter()
                .map(|d| JsonDryRun {
                    environment: d.environment.clone(),
                    status: d.status.clone(),
                    aadsts: d.aadsts,
                    trace_id: d.trace_id.clone(),
                    correlation_id: d.correlation_id.clone(),
                    duration_ms: d.duration_ms,
                    blocked_by: d.blocked_by.clone(),
                })
                .collect(),
            summary: JsonSummary {
                errors: s.errors,
                warnings: s.warnings,
                notes: s.notes,
                files_scanned: s.files_scanned,
                bytes_scanned: s.bytes_scanned,
                files_skipped: JsonSkipCounts {
                    binary: s.files_skipped.binary,
                    too_large: s.files_skipped.too_large,
                    unreadable: s.files_skipped.unreadable,
                    symlink: s.files_skipped.symlink,
                },
                baseline_suppressed: s.baseline_suppressed,
                inline_suppressed: s.inline_suppressed,
                history: s.history.clone(),
            },
        }
    }
}

/// Pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> serde_json::Result<String> {
    let mut text = serde_json::to_string_pretty(&JsonReport::from(report))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;
    use serde_json::Value;

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn rich_report() {
        insta::assert_snapshot!(render(&fixtures::rich()).expect("json"));
    }

    #[test]
    fn empty_report() {
        insta::assert_snapshot!(render(&fixtures::empty()).expect("json"));
    }

    #[test]
    fn contract_field_names_are_all_present() {
        let v: Value =
            serde_json::from_str(&render(&fixtures::rich()).expect("json")).expect("valid json");
        for key in [
            "schema_version",
            "tool",
            "root",
            "environments",
            "findings",
            "dry_run",
            "summary",
        ] {
            assert!(v.get(key).is_some(), "missing top-level {key}");
        }
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["tool"]["name"], "credgate");
        let env = &v["environments"][0];
        for key in ["name", "tenant_id", "client_id", "secret", "sources"] {
            assert!(keys(env).contains(&key), "environment lacks {key}");
        }
        for key in ["present", "source", "fingerprint"] {
            assert!(keys(&env["secret"]).contains(&key), "secret lacks {key}");
        }
        for finding in v["findings"].as_array().expect("findings") {
            for key in [
                "rule_id",
                "severity",
                "environment",
                "file",
                "line",
                "column",
                "message",
                "fingerprint",
            ] {
                assert!(keys(finding).contains(&key), "finding lacks {key}");
            }
        }
        let dry = &v["dry_run"][0];
        for key in [
            "environment",
            "status",
            "aadsts",
            "trace_id",
            "correlation_id",
            "duration_ms",
        ] {
            assert!(keys(dry).contains(&key), "dry_run lacks {key}");
        }
        for key in ["errors", "warnings", "notes", "files_scanned"] {
            assert!(keys(&v["summary"]).contains(&key), "summary lacks {key}");
        }
    }

    #[test]
    fn absent_values_are_null_not_missing() {
        let v: Value =
            serde_json::from_str(&render(&fixtures::rich()).expect("json")).expect("valid json");
        let findings = v["findings"].as_array().expect("findings");
        let api = findings
            .iter()
            .find(|f| f["rule_id"] == "dry-run-failed")
            .expect("the finding without a file");
        assert_eq!(api["file"], Value::Null);
        assert_eq!(api["line"], Value::Null);
        assert_eq!(api["column"], Value::Null);
        assert_eq!(
            api["source"],
            "github:environment/staging/secrets/AZURE_CLIENT_SECRET"
        );
        assert_eq!(api["secret"], Value::Null);
        let whole = findings
            .iter()
            .find(|f| f["file"] == "values-prod.yaml")
            .expect("whole-file finding");
        assert_eq!(whole["line"], Value::Null);
        assert_eq!(whole["environment"], Value::Null);
        assert_eq!(whole["fix"], Value::Null);
        let ok = &v["dry_run"][0];
        assert_eq!(ok["status"], "ok");
        assert_eq!(ok["aadsts"], Value::Null);
        assert_eq!(v["environments"][1]["secret"]["fingerprint"], Value::Null);
    }

    #[test]
    fn severity_is_lowercase_and_secret_is_redacted() {
        let v: Value =
            serde_json::from_str(&render(&fixtures::rich()).expect("json")).expect("valid json");
        let with_secret = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule_id"] == "azure-client-secret")
            .expect("secret finding");
        assert_eq!(with_secret["severity"], "error");
        assert_eq!(with_secret["secret"]["hint"], "Fx9");
        assert!(with_secret["secret"]["fingerprint"]
            .as_str()
            .is_some_and(|s| s.starts_with("sha256:")));
    }

    #[test]
    fn round_trips_through_the_contract_types() {
        let text = render(&fixtures::rich()).expect("json");
        let parsed: JsonReport = serde_json::from_str(&text).expect("parse back");
        assert_eq!(parsed, JsonReport::from(&fixtures::rich()));
    }
}
