//! GitHub Actions: workflow-command annotations on the log, plus the job summary and step
//! outputs that only exist as files ([`write_github_side_files`]).
//!
//! GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and drops the
//! rest silently. So credgate sends at most [`ANNOTATIONS_PER_KIND`] of each kind, the most
//! important first, prints the others as plain log lines, and says how many were left out both
//! in the closing log line and in the job summary, which lists every finding.

use super::common::{escape_controls, escape_line_breaks, plural, repo_path, severity_counts};
use super::markdown;
use crate::model::{Finding, Report, Severity};
use crate::rules::Family;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// GitHub's cap on one step's job summary.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// GitHub's cap on annotations of one kind (error, warning, notice) shown for a step.
pub const ANNOTATIONS_PER_KIND: usize = 10;

/// The annotations (capped per kind), the findings left out as plain lines, then one summary line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let (annotated, left_out) = split_for_annotation(report);
    for finding in &annotated {
        out.push_str(&annotation(report, finding));
        out.push('\n');
    }
    for finding in &left_out {
        out.push_str(&plain_line(report, finding));
        out.push('\n');
    }
    let s = &report.summary;
    if report.findings.is_empty() {
        let _ = writeln!(
            out,
            "credgate: no findings ({} scanned).",
            plural(s.files_scanned, "file")
        );
    } else if left_out.is_empty() {
        let _ = writeln!(
            out,
            "credgate: {} in all ({}); the job summary lists every finding.",
            plural(report.findings.len() as u64, "finding"),
            severity_counts(s)
        );
    } else {
        let _ = writeln!(
            out,
            "credgate: {} in all ({}); {} not annotated, as GitHub shows at most {ANNOTATIONS_PER_KIND} annotations of each kind per step: they are listed above and in the job summary.",
            plural(report.findings.len() as u64, "finding"),
            severity_counts(s),
            left_out.len()
        );
    }
    out
}

/// The findings to annotate and the ones left out, each in the order they are written: most
/// severe first; within a severity a secret proven live, then committed secrets (they must be
/// rotated), then failed dry-runs (the deploy would fail), consistency, and input problems;
/// report order otherwise. At most [`ANNOTATIONS_PER_KIND`] of each severity are annotated.
fn split_for_annotation(report: &Report) -> (Vec<&Finding>, Vec<&Finding>) {
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    // Stable: report order within a rank. Cached: `importance` looks the rule up.
    ordered.sort_by_cached_key(|f| (std::cmp::Reverse(f.severity), importance(f)));
    let (mut errors, mut warnings, mut notes) = (0usize, 0usize, 0usize);
    let (mut annotated, mut left_out) = (Vec::new(), Vec::new());
    for finding in ordered {
        let count = match finding.severity {
            Severity::Error => &mut errors,
            Severity::Warning => &mut warnings,
            Severity::Note => &mut notes,
        };
        if *count < ANNOTATIONS_PER_KIND {
            *count += 1;
            annotated.push(finding);
        } else {
            left_out.push(finding);
        }
    }
    (annotated, left_out)
}

/// Rank within a severity, lower first (see [`split_for_annotation`]).
fn importance(finding: &Finding) -> u8 {
    if finding.rule_id == "live-secret-committed" {
        return 0;
    }
    match crate::rules::find(&finding.rule_id).map(|r| r.family) {
        Some(Family::Secrets) => 1,
        Some(Family::DryRun) => 2,
        Some(Family::Consistency) => 3,
        Some(Family::Input) | None => 4,
    }
}

/// A finding GitHub would not show as an annotation, as one plain log line. Control characters
/// are made visible, so no value can start a line the runner reads as a command.
fn plain_line(report: &Report, finding: &Finding) -> String {
    let mut at = finding.location.clone();
    at.file = at.file.map(|file| repo_path(&report.root, &file));
    let mut line = format!("credgate: {} {}", finding.severity, finding.rule_id);
    if let Some(env) = &finding.environment {
        let _ = write!(line, " ({env})");
    }
    let _ = write!(line, " at {at}: {}", finding.message);
    if let Some(secret) = &finding.secret {
        let _ = write!(line, " Secret: {secret}");
    }
    if let Some(commit) = super::common::commit_line(finding) {
        let _ = write!(line, " {commit}");
    }
    escape_controls(&line)
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
    if let Some(commit) = super::common::commit_line(finding) {
        let _ = write!(text, "\n{commit}");
    }
    if let Some(fix) = &finding.fix {
        let _ = write!(text, "\nFix: {fix}");
    }
    text
}

/// Escapes a command's message as the Actions toolkit does (`%`, CR, LF), so a newline in a
/// repository value cannot end the command and start another.
pub fn escape_data(text: &str) -> String {
    escape_line_breaks(text, "%25")
}

/// Escapes a command property: as [`escape_data`], plus `:` and `,`, which delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub side files, written only when the variables are set: appends the Markdown summary to
/// $GITHUB_STEP_SUMMARY (stay under GitHub's 1 MiB cap: truncate the findings list with a "N more" line)
/// and writes `findings=<n>`, `errors=<n>`, `warnings=<n>`, `status=<passed|failed>` lines to $GITHUB_OUTPUT.
///
/// `notes=<n>` is written too, so a workflow can branch on every severity, and `sarif_file=<path>`
/// when a SARIF copy was written, so the upload step can take it from the outputs. When the log
/// carries the annotations (`annotated`: the `github` format) and some were left out over
/// GitHub's per-step cap, the summary says how many.
pub fn write_github_side_files(
    report: &Report,
    failed: bool,
    step_summary: Option<&Path>,
    output: Option<&Path>,
    sarif_file: Option<&Path>,
    annotated: bool,
) -> std::io::Result<()> {
    if let Some(path) = step_summary {
        // Earlier writers in the same step share the cap; a missing file holds nothing yet.
        let existing = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let existing = usize::try_from(existing).unwrap_or(usize::MAX);
        let separator = if existing > 0 { "\n" } else { "" };
        let note = if annotated {
            annotation_note(report)
        } else {
            String::new()
        };
        let budget = STEP_SUMMARY_LIMIT
            .saturating_sub(existing)
            .saturating_sub(separator.len())
            .saturating_sub(note.len());
        let summary = markdown::render_limited(report, failed, budget);
        if summary.len() <= budget {
            append(path, &format!("{separator}{summary}{note}"))?;
        }
    }
    if let Some(path) = output {
        let s = &report.summary;
        let status = if failed { "failed" } else { "passed" };
        let mut lines = format!(
            "findings={}\nerrors={}\nwarnings={}\nnotes={}\nstatus={status}\n",
            report.findings.len(),
            s.errors,
            s.warnings,
            s.notes
        );
        if let Some(sarif) = sarif_file {
            lines.push_str(&output_entry("sarif_file", &sarif.to_string_lossy()));
        }
        append(path, &lines)?;
    }
    Ok(())
}

/// The job summary's line about annotations GitHub would not show; empty when none were left out.
fn annotation_note(report: &Report) -> String {
    let (_, left_out) = split_for_annotation(report);
    if left_out.is_empty() {
        return String::new();
    }
    format!(
        "> **{} not annotated**: GitHub shows at most {ANNOTATIONS_PER_KIND} error, \
         {ANNOTATIONS_PER_KIND} warning and {ANNOTATIONS_PER_KIND} notice annotations per step, \
         so the most severe were annotated; the findings table and the step log list the rest.\n",
        plural(left_out.len() as u64, "finding")
    )
}

/// One `$GITHUB_OUTPUT` entry. A value with a line break (a path can hold one) uses the
/// multi-line form with a random delimiter, as `@actions/core` does, so it cannot add outputs.
fn output_entry(name: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    let mut delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
    while value.contains(&delimiter) {
        delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
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
        write_github_side_files(&report, true, Some(&summary), Some(&output), None, true)
            .expect("write");
        let out = std::fs::read_to_string(&output).expect("read");
        assert_eq!(
            out,
            "earlier=1\nfindings=9\nerrors=4\nwarnings=3\nnotes=2\nstatus=failed\n"
        );
        let md = std::fs::read_to_string(&summary).expect("read");
        assert!(md.starts_with("## "), "{md}");
        assert!(md.contains("azure-client-secret"));
        write_github_side_files(&fixtures::empty(), false, None, Some(&output), None, true)
            .expect("write");
        let out = std::fs::read_to_string(&output).expect("read");
        assert!(out.ends_with("findings=0\nerrors=0\nwarnings=0\nnotes=0\nstatus=passed\n"));
    }

    #[test]
    fn nothing_is_written_without_paths() {
        write_github_side_files(&fixtures::rich(), true, None, None, None, true).expect("no-op");
    }

    #[test]
    fn step_summary_stays_under_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = dir.path().join("summary.md");
        // Someone else already wrote to this step's summary.
        std::fs::write(&summary, "x".repeat(100_000)).expect("seed");
        let report = fixtures::huge(5_000);
        write_github_side_files(&report, true, Some(&summary), None, None, true).expect("write");
        let len = std::fs::metadata(&summary).expect("meta").len();
        assert!(len <= STEP_SUMMARY_LIMIT as u64, "{len}");
        let md = std::fs::read_to_string(&summary).expect("read");
        assert!(md.contains(" more"), "truncation line missing");
        // It used the room it had rather than the PR-comment cap.
        assert!(len > 900_000, "{len}");
    }

    /// `errors`, `warnings` and `notes` findings of assorted rules, one file each.
    fn many(errors: usize, warnings: usize, notes: usize) -> Report {
        let mut report = fixtures::empty();
        for (severity, count, rule) in [
            (Severity::Error, errors, "azure-client-secret"),
            (Severity::Warning, warnings, "missing-credential"),
            (Severity::Note, notes, "parse-error"),
        ] {
            for i in 0..count {
                report.findings.push(Finding::new(
                    rule,
                    severity,
                    Location::file(format!("f{i:02}.{rule}"), 1, 1),
                    format!("finding {i}"),
                    &i.to_string(),
                ));
            }
        }
        report.finalize();
        report
    }

    fn count_prefix(out: &str, prefix: &str) -> usize {
        out.lines().filter(|l| l.starts_with(prefix)).count()
    }

    #[test]
    fn at_most_ten_annotations_of_each_kind() {
        let out = render(&many(13, 12, 3));
        assert_eq!(count_prefix(&out, "::error "), 10, "{out}");
        assert_eq!(count_prefix(&out, "::warning "), 10, "{out}");
        assert_eq!(count_prefix(&out, "::notice "), 3, "{out}");
        assert_eq!(count_prefix(&out, "credgate: error "), 3, "{out}");
        assert_eq!(count_prefix(&out, "credgate: warning "), 2, "{out}");
        let last = out.lines().last().expect("closing line");
        assert!(
            last.contains("28 findings in all") && last.contains("5 not annotated"),
            "{last}"
        );
        // Every annotation comes before every plain line.
        let first_plain = out.lines().position(|l| !l.starts_with("::"));
        assert_eq!(first_plain, Some(23));
    }

    #[test]
    fn no_note_when_everything_is_annotated() {
        let report = many(10, 10, 10);
        let out = render(&report);
        assert_eq!(count_prefix(&out, "::"), 30);
        assert!(!out.contains("not annotated"), "{out}");
        assert_eq!(annotation_note(&report), "");
    }

    #[test]
    fn the_most_important_findings_are_annotated_first() {
        let mut report = many(11, 0, 0);
        // Sorted by file, a live secret and a failed dry-run would come last.
        let mut live = Finding::new(
            "live-secret-committed",
            Severity::Error,
            Location::file("zz.env", 1, 1),
            "authenticates",
            "live",
        );
        live.environment = Some("production".into());
        report.findings.push(live);
        report.findings.push(Finding::new(
            "cross-env-client-id",
            Severity::Error,
            Location::file("zz.json", 1, 1),
            "crossed",
            "cross",
        ));
        report.finalize();
        let out = render(&report);
        let first = out.lines().next().expect("a line");
        assert!(first.contains("live-secret-committed"), "{first}");
        // Committed secrets outrank the consistency finding, which is left out.
        assert_eq!(count_prefix(&out, "::error "), 10);
        assert!(
            out.lines()
                .any(|l| l.starts_with("credgate: error cross-env-client-id at zz.json:1:1")),
            "{out}"
        );
    }

    #[test]
    fn left_out_findings_cannot_forge_commands() {
        let mut report = many(10, 0, 0);
        report.findings.push(Finding::new(
            "private-key",
            Severity::Error,
            Location::file("zz\n::error::forged.pem", 1, 1),
            "line\n::warning::forged",
            "x",
        ));
        report.finalize();
        let out = render(&report);
        assert_eq!(count_prefix(&out, "::"), 10, "{out}");
        assert!(!out
            .lines()
            .any(|l| l.contains("forged") && l.starts_with("::")));
    }

    #[test]
    fn the_summary_says_how_many_were_not_annotated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = dir.path().join("summary.md");
        write_github_side_files(&many(12, 0, 0), true, Some(&summary), None, None, true)
            .expect("write");
        let md = std::fs::read_to_string(&summary).expect("read");
        assert!(md.starts_with("## "), "{md}");
        assert!(md.contains("> **2 findings not annotated**"), "{md}");
        assert!(md.contains("### Findings"), "{md}");
        // With the log in another format nothing was annotated: no note claims otherwise.
        let other = dir.path().join("other.md");
        write_github_side_files(&many(12, 0, 0), true, Some(&other), None, None, false)
            .expect("write");
        let md = std::fs::read_to_string(&other).expect("read");
        assert!(md.contains("### Findings"), "{md}");
        assert!(!md.contains("not annotated"), "{md}");
    }

    #[test]
    fn the_sarif_path_is_an_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let output = dir.path().join("output");
        let sarif = Path::new("results/credgate.sarif");
        write_github_side_files(
            &fixtures::empty(),
            false,
            None,
            Some(&output),
            Some(sarif),
            true,
        )
        .expect("write");
        let out = std::fs::read_to_string(&output).expect("read");
        assert!(
            out.ends_with("status=passed\nsarif_file=results/credgate.sarif\n"),
            "{out}"
        );
    }

    #[test]
    fn multi_line_output_values_use_a_delimiter() {
        let entry = output_entry("sarif_file", "a\nevil=1");
        let mut lines = entry.lines();
        let head = lines.next().expect("head");
        let delimiter = head.strip_prefix("sarif_file<<").expect("heredoc form");
        assert!(delimiter.starts_with("ghadelimiter_"), "{entry}");
        assert_eq!(lines.next(), Some("a"));
        assert_eq!(lines.next(), Some("evil=1"));
        assert_eq!(lines.next(), Some(delimiter));
        assert_eq!(output_entry("findings", "3"), "findings=3\n");
    }
}
