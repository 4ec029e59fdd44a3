//! The human-readable report for a terminal or a CI log: the environment matrix, findings
//! grouped by file so each file is read once, and a summary line.

use super::common::{escape_controls, group_findings, human_size, place, plural};
use super::matrix::{self, Matrix};
use super::{layout, status, RenderOptions};
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

/// Renders the text report: the verdict, the environment matrix fitted to the width, the
/// findings wrapped to it, then the verdict again and the summary, so a log cut at either end
/// still says whether the run passed and which environments are ready. `opts.verbose > 0`
/// shows the matrix whole and breaks the skipped-file count down by reason.
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let painter = Painter { on: opts.color };
    let width = opts.text_width();
    let mut out = String::new();
    let verdict = status::verdict(report, opts.failed);
    write_wrapped(&mut out, &painter.paint(BOLD, &verdict), "", "  ", width);
    out.push('\n');
    let matrix = if opts.verbose > 0 {
        matrix::detailed(report)
    } else {
        matrix::compact(report)
    };
    if let Some(matrix) = matrix {
        out.push_str(&painter.paint(BOLD, "Environments"));
        out.push('\n');
        out.push_str(&table(&matrix, painter, width));
        out.push('\n');
    }
    if report.findings.is_empty() {
        out.push_str("No findings.\n\n");
    }
    for (group, findings) in group_findings(&report.findings) {
        out.push_str(&painter.paint(BOLD, &escape_controls(&group)));
        out.push('\n');
        for finding in findings {
            write_finding(&mut out, finding, painter, width);
        }
        out.push('\n');
    }
    write_wrapped(&mut out, &painter.paint(BOLD, &verdict), "", "  ", width);
    let summary = totals_line(report, opts.verbose);
    write_wrapped(&mut out, &painter.paint(BOLD, &summary), "", "  ", width);
    out
}

fn write_finding(out: &mut String, finding: &Finding, painter: Painter, width: usize) {
    let style = match finding.severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Note => CYAN,
    };
    let head = format!(
        "  {}[{}]",
        finding.severity.as_str(),
        escape_controls(&finding.rule_id)
    );
    let shown_place = escape_controls(&place(finding));
    let environment = finding
        .environment
        .as_deref()
        .map(|e| format!("({})", escape_controls(e)));
    // The place and the environment each stay whole (a place is copied as it is); the
    // environment goes under the place when the line would pass the width.
    let length = head.chars().count()
        + 1
        + shown_place.chars().count()
        + environment.as_ref().map_or(0, |e| 1 + e.chars().count());
    let env_sep = if length > width { "\n    " } else { " " };
    let _ = writeln!(
        out,
        "  {}[{}] {}{}",
        painter.paint(style, finding.severity.as_str()),
        escape_controls(&finding.rule_id),
        painter.paint(DIM, &shown_place),
        environment
            .map(|e| format!("{env_sep}{e}"))
            .unwrap_or_default()
    );
    write_block(out, "", "", &finding.message, width);
    if let Some(secret) = &finding.secret {
        let _ = writeln!(out, "    secret: {}", escape_controls(&secret.to_string()));
    }
    if let Some(fix) = &finding.fix {
        write_block(out, &painter.paint(GREEN, "fix: "), "     ", fix, width);
    }
}

/// Writes a possibly multi-line text indented under its finding, later lines aligned under the
/// first (`hang` is as wide as `label` without colour codes), each wrapped to `width`. Every
/// line is escaped, so a newline inside a repository value cannot start a line of its own.
fn write_block(out: &mut String, label: &str, hang: &str, text: &str, width: usize) {
    let rest = format!("    {hang}");
    for (i, line) in text.lines().enumerate() {
        let lead = if i == 0 { label } else { hang };
        write_wrapped(
            out,
            &escape_controls(line),
            &format!("    {lead}"),
            &rest,
            width,
        );
    }
}

/// Writes one line of prose wrapped at spaces to `width` columns (colour codes take none), the
/// first piece after `first`, the others after `rest`. A word longer than the width (a path, a
/// URL) stays whole: cut, it could not be copied. Shared with `credgate init`, whose comments
/// wrap the same way.
pub(crate) fn write_wrapped(out: &mut String, text: &str, first: &str, rest: &str, width: usize) {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    for piece in textwrap::wrap(text, options) {
        out.push_str(piece.trim_end());
        out.push('\n');
    }
}

/// Left-aligned columns, indented under the heading; the last column is not padded. Cells are
/// cut to fit `width` as the matrix's [`matrix::Fit`]s allow, and a column that cannot fit at all is left
/// out with a line saying so.
fn table(matrix: &Matrix, painter: Painter, width: usize) -> String {
    let rows: Vec<Vec<String>> = matrix
        .rows
        .iter()
        .map(|r| r.iter().map(|c| escape_controls(c)).collect())
        .collect();
    let headers: Vec<String> = matrix.headers.iter().map(|h| h.to_string()).collect();
    let natural: Vec<usize> = (0..headers.len())
        .map(|i| {
            std::iter::once(&headers)
                .chain(rows.iter())
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let widths = layout::fit(&natural, &headers, &matrix.fits, width);
    let line = |cells: &[String]| -> String {
        let shown: Vec<(usize, &String)> = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| widths.get(i).copied().flatten().map(|w| (w, c)))
            .collect();
        let last = shown.len().saturating_sub(1);
        let mut s = String::from("  ");
        for (i, (w, cell)) in shown.into_iter().enumerate() {
            let cell = layout::cut(cell, w);
            s.push_str(&cell);
            if i < last {
                let pad = w.saturating_sub(cell.chars().count()) + 2;
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
    let left_out: Vec<&str> = headers
        .iter()
        .zip(&widths)
        .filter(|(_, w)| w.is_none())
        .map(|(h, _)| h.as_str())
        .collect();
    if !left_out.is_empty() {
        let note = format!(
            "({} left out at {width} columns; -v shows every column whole)",
            left_out.join(", ")
        );
        write_wrapped(&mut out, &painter.paint(DIM, &note), "  ", "  ", width);
    }
    out
}

/// What was scanned, and what was skipped or suppressed (the verdict above it has the counts per
/// severity): the numbers that tell a reader whether "no findings" means "nothing wrong" or
/// "nothing read".
fn totals_line(report: &Report, verbose: u8) -> String {
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
        "{} scanned ({}); {}; {} suppressed ({} by baseline, {} inline)",
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
    fn rich_report_at_80_columns() {
        let opts = RenderOptions {
            width: Some(80),
            ..plain()
        };
        let out = render(&fixtures::rich(), &opts);
        assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn rich_report_verbose_shows_the_matrix_whole() {
        let opts = RenderOptions {
            verbose: 1,
            failed: true,
            ..plain()
        };
        let out = render(&fixtures::rich(), &opts);
        let matrix: Vec<&str> = out
            .lines()
            .skip_while(|l| *l != "Environments")
            .take_while(|l| !l.is_empty())
            .collect();
        insta::assert_snapshot!(matrix.join("\n"));
    }

    #[test]
    fn the_verdict_opens_and_closes_the_report() {
        let report = fixtures::rich();
        let failed = RenderOptions {
            failed: true,
            ..plain()
        };
        let out = render(&report, &failed);
        let verdict = status::verdict(&report, true);
        assert!(out.starts_with(&verdict), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let closing = lines.iter().rev().nth(1).copied().unwrap_or_default();
        assert_eq!(closing, verdict);
    }

    #[test]
    fn rich_report_verbose() {
        let opts = RenderOptions {
            verbose: 1,
            ..plain()
        };
        let report = fixtures::rich();
        let out = render(&report, &opts);
        let verdict = status::verdict(&report, false);
        let totals = out.rsplit(verdict.as_str()).next().unwrap_or_default();
        insta::assert_snapshot!(totals.trim());
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
