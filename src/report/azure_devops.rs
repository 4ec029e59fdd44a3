//! Azure Pipelines logging commands: each error or warning becomes a pipeline issue on the run
//! summary, notes are plain log lines (`task.logissue` only knows errors and warnings), and the
//! task result is set so a run with findings is visibly "succeeded with issues" or "failed".

use super::common::{escape_controls, place, plural, repo_path, severity_counts};
use crate::model::{Finding, Report, Severity};
use std::fmt::Write as _;

/// The issues, the notes, a human summary line and, when needed, the task result.
pub fn render(report: &Report, failed: bool) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        match finding.severity {
            Severity::Error | Severity::Warning => out.push_str(&logissue(report, finding)),
            Severity::Note => out.push_str(&plain_line(&format!(
                "credgate note [{}] {}: {}",
                finding.rule_id,
                place(finding),
                message(finding)
            ))),
        }
        out.push('\n');
    }
    let s = &report.summary;
    let summary = if report.findings.is_empty() {
        format!(
            "credgate: no findings ({} scanned).",
            plural(s.files_scanned, "file")
        )
    } else {
        format!(
            "credgate: {} ({}), {} scanned.",
            plural(report.findings.len() as u64, "finding"),
            severity_counts(s),
            plural(s.files_scanned, "file")
        )
    };
    out.push_str(&plain_line(&summary));
    out.push('\n');
    if failed {
        out.push_str("##vso[task.complete result=Failed;]\n");
    } else if !report.findings.is_empty() {
        out.push_str("##vso[task.complete result=SucceededWithIssues;]\n");
    }
    out
}

/// `##vso[task.logissue type=error;sourcepath=…;linenumber=…;columnnumber=…;code=…]message`,
/// leaving out what is unknown.
fn logissue(report: &Report, finding: &Finding) -> String {
    let kind = if finding.severity == Severity::Error {
        "error"
    } else {
        "warning"
    };
    let loc = &finding.location;
    let mut props = format!("type={kind}");
    if let Some(file) = &loc.file {
        let _ = write!(
            props,
            ";sourcepath={}",
            escape(&repo_path(&report.root, file))
        );
        if let Some(line) = loc.line.filter(|l| *l >= 1) {
            let _ = write!(props, ";linenumber={line}");
            if let Some(col) = loc.column.filter(|c| *c >= 1) {
                let _ = write!(props, ";columnnumber={col}");
            }
        }
    }
    let _ = write!(props, ";code={}", escape(&finding.rule_id));
    format!("##vso[task.logissue {props}]{}", escape(&message(finding)))
}

/// The description (with its environment), where a non-file value came from, the redacted
/// secret, then the fix.
fn message(finding: &Finding) -> String {
    let mut text = match &finding.environment {
        Some(env) => format!("[{env}] {}", finding.message),
        None => finding.message.clone(),
    };
    if finding.location.file.is_none() {
        if let Some(source) = &finding.location.source {
            let _ = write!(text, " Source: {source}.");
        }
    }
    if let Some(secret) = &finding.secret {
        let _ = write!(text, " Secret: {secret}.");
    }
    if let Some(fix) = &finding.fix {
        let _ = write!(text, "\nFix: {fix}");
    }
    text
}

/// Escapes a logging-command property value or message the way the agent unescapes it
/// (`%`→`%AZP25` first, then `;`, CR, LF and `]`), so no value can end the command early.
pub fn escape(text: &str) -> String {
    text.replace('%', "%AZP25")
        .replace(';', "%3B")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(']', "%5D")
}

/// A line that must stay plain text: the agent acts on `##vso[` anywhere in a line and on `##[`
/// at its start, so every `##` is broken up and control characters (newlines included) are made
/// visible, so that no repository value can issue a command.
fn plain_line(text: &str) -> String {
    escape_controls(text).replace("##", "# #")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::report::fixtures;

    #[test]
    fn rich_report_failed() {
        insta::assert_snapshot!(render(&fixtures::rich(), true));
    }

    #[test]
    fn rich_report_passed_with_issues_ends_with_succeeded_with_issues() {
        let out = render(&fixtures::rich(), false);
        assert!(out.ends_with("##vso[task.complete result=SucceededWithIssues;]\n"));
        assert!(!out.contains("result=Failed"));
    }

    #[test]
    fn empty_report() {
        let out = render(&fixtures::empty(), false);
        assert!(!out.contains("task.complete"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn escaping_follows_the_agent() {
        assert_eq!(escape("100%; a]\r\nb"), "100%AZP25%3B a%5D%0D%0Ab");
        // `%` first, so the escapes themselves are not escaped again.
        assert_eq!(escape("%3B"), "%AZP253B");
    }

    #[test]
    fn one_line_per_finding_and_no_forged_commands() {
        let mut report = fixtures::empty();
        report.findings.push(Finding::new(
            "parse-error",
            Severity::Note,
            Location::file("x.json", 1, 1),
            "bad\n##vso[task.setvariable variable=X]1 and ##vso[task.complete result=Succeeded;]",
            "a",
        ));
        report.findings.push(Finding::new(
            "private-key",
            Severity::Error,
            Location::file("k;e]y\n.pem", 1, 1),
            "m\n##vso[task.complete result=Succeeded;]",
            "b",
        ));
        report.finalize();
        let out = render(&report, true);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert_eq!(
            lines[0],
            "##vso[task.logissue type=error;sourcepath=k%3Be%5Dy%0A.pem;linenumber=1;columnnumber=1;code=private-key]m%0A##vso[task.complete result=Succeeded%3B%5D"
        );
        assert!(!lines[1].contains("##"), "{}", lines[1]);
        // The agent runs the first command of a line only; the only `task.complete` that
        // starts a line is ours.
        let complete = lines
            .iter()
            .filter(|l| l.starts_with("##vso[task.complete"))
            .count();
        assert_eq!(complete, 1);
        assert_eq!(lines[3], "##vso[task.complete result=Failed;]");
    }
}
