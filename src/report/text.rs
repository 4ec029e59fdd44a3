//! The human-readable report for a terminal or a CI log: the environment matrix, findings
//! grouped by file so each file is read once, and a summary line.

use super::common::{escape_controls, group_findings, human_size, place, plural, severity_counts};
use super::matrix::{self, Matrix};
use super::RenderOptions;
use crate::model::{Finding, Report, Severity};
use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default();

/// Applies styles only when colour is on, so piped output carries no escape codes.
#[derive(Clone, Copy)]
struct Painter {
    on: bool,
}

impl Painter {
    fn paint(self, style: Style, text: &str) -> String {
        if self.on {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }
}

/// Renders the text report. `opts.verbose > 0` breaks the skipped-file count down by reason.
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let painter = Painter { on: opts.color };
    let mut out = String::new();
    if let Some(matrix) = matrix::build(report) {
        out.push_str(&painter.paint(BOLD, "Environments"));
        out.push('\n');
        out.push_str(&table(&matrix, painter));
        out.push('\n');
    }
    if report.findings.is_empty() {
        out.push_str("No findings.\n\n");
    }
    for (group, findings) in group_findings(&report.findings) {
        out.push_str(&painter.paint(BOLD, &escape_controls(&group)));
        out.push('\n');
        for finding in findings {
            write_finding(&mut out, finding, painter);
        }
        out.push('\n');
    }
    out.push_str(&painter.paint(BOLD, &summary_line(report, opts.verbose)));
    out.push('\n');
    out
}

fn write_finding(out: &mut String, finding: &Finding, painter: Painter) {
    let style = match finding.severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Note => CYAN,
    };
    let environment = finding
        .environment
        .as_deref()
        .map(|e| format!(" ({})", escape_controls(e)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {}[{}] {}{}",
        painter.paint(style, finding.severity.as_str()),
        escape_controls(&finding.rule_id),
        painter.paint(DIM, &escape_controls(&place(finding))),
        environment
    );
    write_block(out, "", "", &finding.message);
    if let Some(secret) = &finding.secret {
        let _ = writeln!(out, "    secret: {}", escape_controls(&secret.to_string()));
    }
    if let Some(fix) = &finding.fix {
        write_block(out, &painter.paint(GREEN, "fix: "), "     ", fix);
    }
}

/// Writes a possibly multi-line text indented under its finding, later lines aligned under the
/// first (`hang` is as wide as `label` without colour codes). Every line is escaped, so a newline
/// inside a repository value cannot start a line of its own.
fn write_block(out: &mut String, label: &str, hang: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        let lead = if i == 0 { label } else { hang };
        let _ = writeln!(out, "    {lead}{}", escape_controls(line));
    }
}

/// Left-aligned columns, indented under the heading; the last column is not padded.
fn table(matrix: &Matrix, painter: Painter) -> String {
    let rows: Vec<Vec<String>> = matrix
        .rows
        .iter()
        .map(|r| r.iter().map(|c| escape_controls(c)).collect())
        .collect();
    let headers: Vec<String> = matrix.headers.iter().map(|h| h.to_string()).collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            std::iter::once(&headers)
                .chain(rows.iter())
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let last = cells.len().saturating_sub(1);
        let mut s = String::from("  ");
        for (i, cell) in cells.iter().enumerate() {
            s.push_str(cell);
            if i < last {
                let width = widths.get(i).copied().unwrap_or(0);
                let pad = width.saturating_sub(cell.chars().count()) + 2;
                s.push_str(&" ".repeat(pad));
            }
        }
        s
    };
    let mut out = String::new();
    out.push_str(&painter.paint(DIM, &line(&headers)));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

/// Counts per severity, what was scanned, and what was skipped or suppressed: the numbers that
/// tell a reader whether "no findings" means "nothing wrong" or "nothing read".
fn summary_line(report: &Report, verbose: u8) -> String {
    let s = &report.summary;
    let skipped = &s.files_skipped;
    let mut skipped_text = format!("{} skipped", plural(skipped.total(), "file"));
    if verbose > 0 {
        let _ = write!(
            skipped_text,
            " ({} binary, {} too large, {} unreadable, {})",
            skipped.binary,
            skipped.too_large,
            skipped.unreadable,
            plural(skipped.symlink, "symlink")
        );
    }
    let suppressed = (s.baseline_suppressed + s.inline_suppressed) as u64;
    let mut line = format!(
        "{}; {} scanned ({}); {}; {} suppressed ({} by baseline, {} inline)",
        severity_counts(s),
        plural(s.files_scanned, "file"),
        human_size(s.bytes_scanned),
        skipped_text,
        plural(suppressed, "finding"),
        s.baseline_suppressed,
        s.inline_suppressed
    );
    if let Some(history) = &s.history {
        let _ = write!(
            line,
            "; git history {}: {}, {} scanned ({})",
            history.range,
            plural(history.commits, "commit"),
            plural(history.blobs_scanned, "blob"),
            human_size(history.bytes_scanned)
        );
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    fn plain() -> RenderOptions {
        RenderOptions::default()
    }

    #[test]
    fn rich_report() {
        insta::assert_snapshot!(render(&fixtures::rich(), &plain()));
    }

    #[test]
    fn rich_report_verbose() {
        let opts = RenderOptions {
            verbose: 1,
            ..plain()
        };
        let out = render(&fixtures::rich(), &opts);
        let last = out.lines().last().unwrap_or_default();
        insta::assert_snapshot!(last);
    }

    #[test]
    fn empty_report() {
        insta::assert_snapshot!(render(&fixtures::empty(), &plain()));
    }

    #[test]
    fn colour_only_when_asked() {
        let report = fixtures::rich();
        assert!(!render(&report, &plain()).contains('\u{1b}'));
        let coloured = render(
            &report,
            &RenderOptions {
                color: true,
                ..plain()
            },
        );
        assert!(coloured.contains("\u{1b}["));
        // The colour codes wrap the same words.
        assert!(coloured.contains(&format!("{RED}error{RED:#}")));
    }

    #[test]
    fn repository_text_cannot_inject_lines_or_escapes() {
        let mut report = fixtures::empty();
        report.findings.push(crate::model::Finding::new(
            "parse-error",
            Severity::Note,
            crate::model::Location::whole_file("evil\n::error::x\u{1b}[2J.json"),
            "bad\u{1b}]0;title\u{7}",
            "x",
        ));
        let out = render(&report, &plain());
        assert!(!out.contains('\u{1b}'));
        assert!(!out.lines().any(|l| l.starts_with("::")));
    }
}
