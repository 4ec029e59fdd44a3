//! GitHub Actions: workflow-command annotations on the log, plus the job summary and step
//! outputs that only exist as files ([`write_github_side_files`]).
//!
//! GitHub shows at most 10 error, 10 warning and 10 notice annotations per step. Findings arrive
//! most severe first, so the ones GitHub keeps are the ones that matter; a closing plain line says
//! how many there are in all and points at the job summary, which lists them all.

use super::common::{plural, repo_path, severity_counts};
use super::markdown;
use crate::model::{Finding, Report, Severity};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// GitHub's cap on one step's job summary.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// The annotations, then one plain summary line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&annotation(report, finding));
        out.push('\n');
    }
    let s = &report.summary;
    if report.findings.is_empty() {
        let _ = writeln!(
            out,
            "credgate: no findings ({} scanned).",
            plural(s.files_scanned, "file")
        );
    } else {
        let _ = writeln!(
            out,
            "credgate: {} in all ({}); GitHub shows at most 10 annotations of each kind per step, the job summary lists every finding.",
            plural(report.findings.len() as u64, "finding"),
            severity_counts(s)
        );
    }
    out
}

/// One `::error file=…,line=…,col=…,endColumn=…,title=…::message` command. Properties that are
/// unknown are omitted; `endColumn` is inclusive for GitHub, one less than credgate's exclusive
/// end, and only sent when the span is longer than one character.
fn annotation(report: &Report, finding: &Finding) -> String {
    let command = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let loc = &finding.location;
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(file) = &loc.file {
        props.push(("file", repo_path(&report.root, file)));
        if let Some(line) = loc.line.filter(|l| *l >= 1) {
            props.push(("line", line.to_string()));
            if let Some(col) = loc.column.filter(|c| *c >= 1) {
                props.push(("col", col.to_string()));
                if let Some(end) = loc.end_column.filter(|e| *e > col + 1) {
                    props.push(("endColumn", (end - 1).to_string()));
                }
            }
        }
    }
    let title = match &finding.environment {
        Some(env) => format!("credgate: {} ({env})", finding.rule_id),
        None => format!("credgate: {}", finding.rule_id),
    };
    props.push(("title", title));
    let props = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect::<Vec<_>>()
        .join(",");
    format!("::{command} {props}::{}", escape_data(&message(finding)))
}

/// The description, where a non-file value came from, the redacted secret, then the fix.
fn message(finding: &Finding) -> String {
    let mut text = finding.message.clone();
    if finding.location.file.is_none() {
        if let Some(source) = &finding.location.source {
            let _ = write!(text, "\nSource: {source}");
        }
    }
    if let Some(secret) = &finding.secret {
        let _ = write!(text, "\nSecret: {secret}");
    }
    if let Some(fix) = &finding.fix {
        let _ = write!(text, "\nFix: {fix}");
    }
    text
}

/// Escapes a command's message as the Actions toolkit does (`%`, CR, LF), so a newline in a
/// repository value cannot end the command and start another.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property: as [`escape_data`], plus `:` and `,`, which delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub side files, written only when the variables are set: appends the Markdown summary to
/// $GITHUB_STEP_SUMMARY (stay under GitHub's 1 MiB cap: truncate the findings list with a "N more" line)
/// and writes `findings=<n>`, `errors=<n>`, `warnings=<n>`, `status=<passed|failed>` lines to $GITHUB_OUTPUT.
///
/// `notes=<n>` is written too, so a workflow can branch on every severity.
pub fn write_github_side_files(
    report: &Report,
    failed: bool,
    step_summary: Option<&Path>,
    output: Option<&Path>,
) -> std::io::Result<()> {
    if let Some(path) = step_summary {
        // Earlier writers in the same step share the cap; a missing file holds nothing yet.
        let existing = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let existing = usize::try_from(existing).unwrap_or(usize::MAX);
        let separator = if existing > 0 { "\n" } else { "" };
        let budget = STEP_SUMMARY_LIMIT
            .saturating_sub(existing)
            .saturating_sub(separator.len());
        let summary = markdown::render_limited(report, failed, budget);
        if summary.len() <= budget {
            append(path, &format!("{separator}{summary}"))?;
        }
    }
    if let Some(path) = output {
        let s = &report.summary;
        let status = if failed { "failed" } else { "passed" };
        let lines = format!(
            "findings={}\nerrors={}\nwarnings={}\nnotes={}\nstatus={status}\n",
            report.findings.len(),
            s.errors,
            s.warnings,
            s.notes
        );
        append(path, &lines)?;
    }
    Ok(())
}

/// Appends, creating the file if needed: GitHub hands every step the same file paths and
/// expects each writer to add to them.
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::report::fixtures;

    #[test]
    fn rich_report() {
        insta::assert_snapshot!(render(&fixtures::rich()));
    }

    #[test]
    fn empty_report() {
        insta::assert_snapshot!(render(&fixtures::empty()));
    }

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("50% a\r\nb: c, d"),
            "50%25 a%0D%0Ab%3A c%2C d"
        );
        // `%` first, so the escapes themselves are not escaped again.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn one_line_per_annotation_and_no_forged_commands() {
        let mut report = fixtures::empty();
        report.findings.push(Finding::new(
            "parse-error",
            Severity::Note,
            Location::file("a,b:c\n::error::forged.json", 2, 1),
            "line one\n::warning::forged\r\nend",
            "x",
        ));
        report.finalize();
        let out = render(&report);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(
            lines[0],
            "::notice file=a%2Cb%3Ac%0A%3A%3Aerror%3A%3Aforged.json,line=2,col=1,title=credgate%3A parse-error::line one%0A::warning::forged%0D%0Aend"
        );
    }

    #[test]
    fn unknown_properties_are_omitted() {
        let report = fixtures::rich();
        let out = render(&report);
        let api = out
            .lines()
            .find(|l| l.contains("dry-run-failed"))
            .expect("api finding");
        assert!(api.starts_with("::error title="), "{api}");
        let whole = out
            .lines()
            .find(|l| l.contains("values-prod.yaml"))
            .expect("whole file");
        assert!(!whole.contains("line="), "{whole}");
        let spanned = out
            .lines()
            .find(|l| l.contains("azure-client-secret"))
            .expect("span");
        assert!(spanned.contains("line=9,col=21,endColumn=60,"), "{spanned}");
    }

    #[test]
    fn side_files_are_appended() {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = dir.path().join("summary.md");
        let output = dir.path().join("output");
        std::fs::write(&output, "earlier=1\n").expect("seed");
        let report = fixtures::rich();
        write_github_side_files(&report, true, Some(&summary), Some(&output)).expect("write");
        let out = std::fs::read_to_string(&output).expect("read");
        assert_eq!(
            out,
            "earlier=1\nfindings=9\nerrors=4\nwarnings=3\nnotes=2\nstatus=failed\n"
        );
        let md = std::fs::read_to_string(&summary).expect("read");
        assert!(md.starts_with("## "), "{md}");
        assert!(md.contains("azure-client-secret"));
        write_github_side_files(&fixtures::empty(), false, None, Some(&output)).expect("write");
        let out = std::fs::read_to_string(&output).expect("read");
        assert!(out.ends_with("findings=0\nerrors=0\nwarnings=0\nnotes=0\nstatus=passed\n"));
    }

    #[test]
    fn nothing_is_written_without_paths() {
        write_github_side_files(&fixtures::rich(), true, None, None).expect("no-op");
    }

    #[test]
    fn step_summary_stays_under_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = dir.path().join("summary.md");
        // Someone else already wrote to this step's summary.
        std::fs::write(&summary, "x".repeat(100_000)).expect("seed");
        let report = fixtures::huge(5_000);
        write_github_side_files(&report, true, Some(&summary), None).expect("write");
        let len = std::fs::metadata(&summary).expect("meta").len();
        assert!(len <= STEP_SUMMARY_LIMIT as u64, "{len}");
        let md = std::fs::read_to_string(&summary).expect("read");
        assert!(md.contains(" more"), "truncation line missing");
        // It used the room it had rather than the PR-comment cap.
        assert!(len > 900_000, "{len}");
    }
}
