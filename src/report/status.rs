//! Whether each environment is ready to deploy, and the one-line verdict of a run.
//!
//! A release manager reads a CI log for one answer: "which environments are ready?". The
//! answer is derived here from the report itself (the error findings that sit on each
//! environment and its dry-run outcome), never kept as data of its own, so every format that
//! shows it says the same thing the findings say.

use super::common::{plural, severity_counts};
use crate::model::{DryRunResult, Report, Severity};
use std::fmt;

/// The readiness of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EnvStatus {
    /// No error sits on it and its token request succeeded.
    Ready,
    /// Errors sit on it (the count), so its deploy should not go out.
    Blocked(usize),
    /// Its token request was refused although no error finding sits on it (the finding was
    /// accepted by a baseline or turned down in `credgate.toml`): the status says why.
    Refused(String),
    /// Nothing proved it can get a token: why (an offline scan, no credentials, unreachable…).
    NotChecked(String),
}

impl fmt::Display for EnvStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvStatus::Ready => f.write_str("ready"),
            EnvStatus::Blocked(n) => write!(f, "blocked ({})", plural(*n as u64, "error")),
            EnvStatus::Refused(why) => write!(f, "blocked ({why})"),
            EnvStatus::NotChecked(why) => write!(f, "not checked ({why})"),
        }
    }
}

/// Dry-run statuses that mean no answer about the credentials came back: the request was not
/// made, or the authority never answered it.
const UNANSWERED: [&str; 6] = [
    "missing_credentials",
    "not_sent",
    "timeout",
    "unreachable",
    "server_error",
    "throttled",
];

/// A dry-run status in words for a reader (`missing_credentials` → "no credentials").
fn status_words(status: &str) -> String {
    match status {
        "missing_credentials" => "no credentials".to_string(),
        other => other.replace('_', " "),
    }
}

/// The status of `environment` in `report`. Errors block whatever the token said; without
/// errors, a successful token request makes it ready, and anything short of that says why it
/// was not proven.
pub(crate) fn of(report: &Report, environment: &str) -> EnvStatus {
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| f.environment.as_deref() == Some(environment))
        .count();
    if errors > 0 {
        return EnvStatus::Blocked(errors);
    }
    let result: Option<&DryRunResult> =
        report.dry_run.iter().find(|r| r.environment == environment);
    match result {
        None if report.dry_run.is_empty() => EnvStatus::NotChecked("offline scan".to_string()),
        None => EnvStatus::NotChecked("no token request".to_string()),
        Some(r) if r.status == "ok" => EnvStatus::Ready,
        Some(r) if UNANSWERED.contains(&r.status.as_str()) => {
            EnvStatus::NotChecked(status_words(&r.status))
        }
        Some(r) => EnvStatus::Refused(status_words(&r.status)),
    }
}

/// Every environment of the report (the matrix's rows: the inventory's, then those only the
/// dry-run knows) with its status, in the matrix's order.
pub(crate) fn all(report: &Report) -> Vec<(String, EnvStatus)> {
    let mut names: Vec<&str> = report
        .environments
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    for result in &report.dry_run {
        if !names.contains(&result.environment.as_str()) {
            names.push(&result.environment);
        }
    }
    names
        .into_iter()
        .map(|name| (name.to_string(), of(report, name)))
        .collect()
}

/// The run's verdict in one line: passed or failed (as the exit code says), how many
/// environments are ready, which are blocked or unproven, and the severity tally. It opens the
/// text report and closes it, so a log cut at either end still answers.
pub(crate) fn verdict(report: &Report, failed: bool) -> String {
    let statuses = all(report);
    let outcome = if failed { "FAILED" } else { "passed" };
    let counts = severity_counts(&report.summary);
    if statuses.is_empty() {
        return format!("credgate {outcome}: no environment found; {counts}");
    }
    let named = |want: fn(&EnvStatus) -> bool| -> Vec<&str> {
        statuses
            .iter()
            .filter(|(_, s)| want(s))
            .map(|(n, _)| n.as_str())
            .collect()
    };
    let ready = named(|s| matches!(s, EnvStatus::Ready));
    let blocked = named(|s| matches!(s, EnvStatus::Blocked(_) | EnvStatus::Refused(_)));
    let unproven = named(|s| matches!(s, EnvStatus::NotChecked(_)));
    let mut line = format!(
        "credgate {outcome}: {} of {} ready",
        ready.len(),
        plural(statuses.len() as u64, "environment")
    );
    for (label, names) in [("blocked", &blocked), ("not checked", &unproven)] {
        if !names.is_empty() {
            line.push_str(&format!("; {label}: {}", names.join(", ")));
        }
    }
    line.push_str(&format!("; {counts}"));
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnvironmentSummary, Finding, Location, Summary};

    fn env(name: &str) -> EnvironmentSummary {
        EnvironmentSummary {
            name: name.to_string(),
            ..EnvironmentSummary::default()
        }
    }

    fn error_on(environment: &str) -> Finding {
        let mut f = Finding::new(
            "cross-env-client-id",
            Severity::Error,
            Location::whole_file("a.json"),
            "m",
            "x",
        );
        f.environment = Some(environment.to_string());
        f
    }

    fn dry(environment: &str, status: &str) -> DryRunResult {
        DryRunResult {
            environment: environment.to_string(),
            status: status.to_string(),
            aadsts: None,
            trace_id: None,
            correlation_id: None,
            duration_ms: 1,
            blocked_by: None,
        }
    }

    #[test]
    fn errors_block_and_a_scan_proves_nothing_else() {
        let mut report = Report {
            environments: vec![env("staging"), env("production")],
            findings: vec![error_on("production"), error_on("production")],
            ..Report::default()
        };
        report.findings.push({
            let mut w = error_on("staging");
            w.severity = Severity::Warning;
            w
        });
        assert_eq!(of(&report, "production"), EnvStatus::Blocked(2));
        assert_eq!(of(&report, "production").to_string(), "blocked (2 errors)");
        assert_eq!(
            of(&report, "staging").to_string(),
            "not checked (offline scan)",
            "a warning does not block"
        );
    }

    #[test]
    fn the_dry_run_decides_when_nothing_blocks() {
        let report = Report {
            environments: vec![env("development"), env("staging"), env("production")],
            dry_run: vec![
                dry("development", "missing_credentials"),
                dry("staging", "ok"),
                dry("production", "invalid_secret"),
                dry("dr", "unreachable"),
            ],
            ..Report::default()
        };
        let shown: Vec<String> = all(&report)
            .iter()
            .map(|(n, s)| format!("{n}: {s}"))
            .collect();
        assert_eq!(
            shown,
            [
                "development: not checked (no credentials)",
                "staging: ready",
                "production: blocked (invalid secret)",
                "dr: not checked (unreachable)",
            ]
        );
    }

    #[test]
    fn verdict_names_what_is_not_ready_and_follows_the_exit_code() {
        let report = Report {
            environments: vec![env("development"), env("staging"), env("production")],
            findings: vec![error_on("production")],
            dry_run: vec![
                dry("development", "missing_credentials"),
                dry("staging", "ok"),
            ],
            summary: Summary {
                errors: 1,
                ..Summary::default()
            },
            ..Report::default()
        };
        assert_eq!(
            verdict(&report, true),
            "credgate FAILED: 1 of 3 environments ready; blocked: production; not checked: \
             development; 1 error, 0 warnings, 0 notes"
        );
        assert!(verdict(&report, false).starts_with("credgate passed: "));
        assert_eq!(
            verdict(&Report::default(), false),
            "credgate passed: no environment found; 0 errors, 0 warnings, 0 notes"
        );
    }
}
