//! Azure Pipelines logging commands: each error or warning becomes a pipeline issue on the run
//! summary, notes are plain log lines (`task.logissue` only knows errors and warnings), and the
//! task result is set so a run with findings is visibly "succeeded with issues" or "failed".
//!
//! Escaping follows the agent (and azure-pipelines-task-lib's `escape`/`escapedata`): property
//! values turn `%`, CR, LF, `]` and `;` into `%AZP25`, `%0D`, `%0A`, `%5D`, `%3B`; the message
//! after `]` only `%`, CR and LF, because that is all the agent decodes there (a `%5D` in a
//! message would be shown as is).

use super::common::{
    escape_controls, escape_line_breaks, place, plural, repo_path, severity_counts,
};
use crate::model::{Finding, Report, Severity};
use std::fmt::Write as _;

/// The issues, the notes, a human summary line and, when needed, the task result.
pub fn render(report: &Report, failed: bool) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        match finding.severity {
            Severity::Error | Severity::Warning => {
                out.push_str(&logissue(report, finding));
                out.push('\n');
            }
            Severity::Note => out.push_str(&note(finding)),
        }
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
    format!(
        "##vso[task.logissue {props}]{}",
        escape_message(&message(finding))
    )
}

/// A note as plain log lines: the first names the rule and place, each further line of the
/// message (the fix, a line break inside a value) follows indented, so a line break shows as
/// one instead of as an escape.
fn note(finding: &Finding) -> String {
    let text = message(finding);
    let mut out = String::new();
    for (at, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if at == 0 {
            format!(
                "credgate note [{}] {}: {line}",
                finding.rule_id,
                place(finding)
            )
        } else {
            format!("  {line}")
        };
        out.push_str(&plain_line(&line));
        out.push('\n');
    }
    out
}

/// The description (prefixed with its environment unless it already starts with it), where a
/// non-file value came from, the redacted secret, then the fix.
fn message(finding: &Finding) -> String {
    let mut text = match &finding.environment {
        Some(env) if !starts_with_name(&finding.message, env) => {
            format!("[{env}] {}", finding.message)
        }
        _ => finding.message.clone(),
    };
    if finding.location.file.is_none() {
        if let Some(source) = &finding.location.source {
            let _ = write!(text, " Source: {source}.");
        }
    }
    if let Some(secret) = &finding.secret {
        let _ = write!(text, " Secret: {secret}.");
    }
    if let Some(commit) = super::common::commit_line(finding) {
        let _ = write!(text, " {commit}.");
    }
    if let Some(fix) = &finding.fix {
        let _ = write!(text, "\nFix: {fix}");
    }
    text
}

/// Whether `message` begins with the environment's name as a word ("production: …",
/// "production uses …"), in which case a `[production]` prefix would only repeat it.
fn starts_with_name(message: &str, env: &str) -> bool {
    let Some(head) = message.get(..env.len()) else {
        return false;
    };
    let next = message
        .get(env.len()..)
        .and_then(|rest| rest.chars().next());
    !env.is_empty()
        && head.eq_ignore_ascii_case(env)
        && !next.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Escapes a logging-command property value the way the agent unescapes it: as
/// [`escape_message`], plus `;` and `]`, so no value can end a property or the command early.
pub fn escape(text: &str) -> String {
    escape_message(text).replace(';', "%3B").replace(']', "%5D")
}

/// Escapes a logging command's message (after the `]`): the agent decodes only `%AZP25`, `%0D`
/// and `%0A` there, so `;` and `]` stay as they are and line breaks reach the issue as line
/// breaks. `%` goes first, so the escapes themselves are not escaped again.
pub fn escape_message(text: &str) -> String {
    escape_line_breaks(text, "%AZP25")
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
        // Messages: only what the agent decodes after `]`.
        assert_eq!(
            escape_message("100%; [a] %0A\r\nb"),
            "100%AZP25; [a] %AZP250A%0D%0Ab"
        );
    }

    /// The agent's decoding (azure-pipelines-task-lib `unescape` / `unescapedata`, in its order).
    fn agent_unescape(property: &str) -> String {
        property
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%5D", "]")
            .replace("%3B", ";")
            .replace("%AZP25", "%")
    }

    fn agent_unescape_data(message: &str) -> String {
        message
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%AZP25", "%")
    }

    #[test]
    fn the_agent_reads_back_exactly_what_was_meant() {
        for text in [
            "plain",
            "100% of [prod]; a\r\nb",
            "%0A %3B %5D %AZP25 %%",
            "x]y;z\n##vso[task.complete result=Succeeded;]",
        ] {
            assert_eq!(agent_unescape(&escape(text)), text, "property {text:?}");
            assert_eq!(
                agent_unescape_data(&escape_message(text)),
                text,
                "message {text:?}"
            );
            assert!(!escape(text).contains([']', ';', '\n', '\r']));
            assert!(!escape_message(text).contains(['\n', '\r']));
        }
    }

    #[test]
    fn the_environment_is_named_once() {
        let finding = |env: &str, message: &str| {
            Finding::new(
                "dry-run-failed",
                Severity::Error,
                Location::source("dry-run"),
                message,
                "f",
            )
            .with_environment(env.to_string())
        };
        let cases = [
            (
                "production",
                "production: the token request failed",
                "production: the token request failed",
            ),
            (
                "production",
                "production uses the client id of staging",
                "production uses the client id of staging",
            ),
            (
                "staging",
                "A secret is committed",
                "[staging] A secret is committed",
            ),
            ("prod", "production: x", "[prod] production: x"),
            ("qa", "qa-eu has no tenant", "[qa] qa-eu has no tenant"),
        ];
        for (env, text, shown) in cases {
            let got = message(&finding(env, text));
            assert!(got.starts_with(shown), "{got}");
            assert!(!got.contains(&format!("[{env}] {env}:")), "{got}");
        }
    }

    #[test]
    fn a_note_with_a_fix_shows_it_on_its_own_line() {
        let mut report = fixtures::empty();
        report.findings.push(
            Finding::new(
                "dry-run-failed",
                Severity::Note,
                Location::source("dry-run"),
                "production: no token request was made (missing_credentials)",
                "n",
            )
            .with_environment("production".to_string())
            .with_fix("Set AZURE_CLIENT_SECRET_PRODUCTION; see ##vso[x]."),
        );
        report.finalize();
        let out = render(&report, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines.first().copied(),
            Some("credgate note [dry-run-failed] dry-run: production: no token request was made (missing_credentials) Source: dry-run.")
        );
        assert_eq!(
            lines.get(1).copied(),
            Some("  Fix: Set AZURE_CLIENT_SECRET_PRODUCTION; see # #vso[x].")
        );
        assert!(!out.contains("\\u{"), "{out}");
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
        assert_eq!(lines.len(), 5, "{out}");
        // The message part keeps `;` and `]` (the agent does not decode them there) and its
        // line break is `%0A`: the forged command is text inside the issue.
        assert_eq!(
            lines[0],
            "##vso[task.logissue type=error;sourcepath=k%3Be%5Dy%0A.pem;linenumber=1;columnnumber=1;code=private-key]m%0A##vso[task.complete result=Succeeded;]"
        );
        // The note's second line is its own line, indented, with every `##` broken up.
        assert_eq!(lines[1], "credgate note [parse-error] x.json:1:1: bad");
        assert!(lines[2].starts_with("  "), "{}", lines[2]);
        assert!(
            !lines[1].contains("##") && !lines[2].contains("##"),
            "{out}"
        );
        // The agent runs the first command of a line only; the only `task.complete` that
        // starts a line is ours, and only issues and it start with `##`.
        let complete = lines
            .iter()
            .filter(|l| l.starts_with("##vso[task.complete"))
            .count();
        assert_eq!(complete, 1);
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("##")).count(),
            2,
            "{out}"
        );
        assert_eq!(lines[4], "##vso[task.complete result=Failed;]");
    }
}
