//! Markdown for a pull-request comment or a GitHub job summary: status, counts, the environment
//! matrix, a findings table and the fixes.
//!
//! Both destinations have size caps (a PR comment 65,536 characters, a step summary 1 MiB), and a
//! rejected comment shows nothing at all, so output is cut to a byte budget: rows are added while
//! they fit and the rest are counted in an "… and N more" row.

use super::common::{human_size, plural, severity_counts, severity_label, truncate_bytes};
use super::matrix;
use crate::model::{Finding, Report, Severity};
use std::fmt::Write as _;

/// Default budget in bytes: under a PR comment's 65,536-character cap with room to spare.
pub const COMMENT_LIMIT: usize = 60_000;

/// Room kept free for whatever closes the document after the row being added (section headings,
/// "more" rows, the end of the `<details>` block).
const TAIL_RESERVE: usize = 1_024;

/// Longest text kept from one message or fix, so a single value cannot eat the budget.
const CELL_LIMIT: usize = 1_000;

/// The Markdown report within [`COMMENT_LIMIT`].
pub fn render(report: &Report, failed: bool) -> String {
    render_limited(report, failed, COMMENT_LIMIT)
}

/// The Markdown report within `max_bytes` (at least a couple of KiB make sense: heading and
/// counts are always written).
pub fn render_limited(report: &Report, failed: bool, max_bytes: usize) -> String {
    let mut doc = Doc {
        out: String::new(),
        max: max_bytes,
    };
    doc.out.push_str(&heading(report, failed));
    environments(&mut doc, report);
    findings(&mut doc, report);
    fixes(&mut doc, report);
    doc.out
}

/// The document being written and its byte budget.
struct Doc {
    out: String,
    max: usize,
}

impl Doc {
    /// Whether `text` fits with the tail reserve still free.
    fn fits(&self, text: &str) -> bool {
        self.out.len() + text.len() + TAIL_RESERVE <= self.max
    }

    /// Adds rows while they fit; returns how many were left out.
    fn rows(&mut self, rows: impl ExactSizeIterator<Item = String>) -> usize {
        let total = rows.len();
        for (written, row) in rows.enumerate() {
            if !self.fits(&row) {
                return total - written;
            }
            self.out.push_str(&row);
        }
        0
    }
}

fn heading(report: &Report, failed: bool) -> String {
    let status = if failed {
        "❌ credgate: failed"
    } else if report.findings.is_empty() {
        "✅ credgate: passed"
    } else {
        "⚠️ credgate: passed with findings"
    };
    let s = &report.summary;
    let suppressed = (s.baseline_suppressed + s.inline_suppressed) as u64;
    format!(
        "## {status}\n\n**{}** · {} scanned ({}) · {} skipped · {} suppressed ({} by baseline, {} inline)\n\n",
        severity_counts(s),
        plural(s.files_scanned, "file"),
        human_size(s.bytes_scanned),
        plural(s.files_skipped.total(), "file"),
        plural(suppressed, "finding"),
        s.baseline_suppressed,
        s.inline_suppressed
    )
}

fn environments(doc: &mut Doc, report: &Report) {
    let Some(matrix) = matrix::build(report) else {
        return;
    };
    let columns = matrix.headers.len();
    let mut head = String::from("### Environments\n\n");
    head.push_str(&table_row(matrix.headers.iter().map(|h| h.to_string())));
    head.push_str(&table_row((0..columns).map(|_| "---".to_string())));
    if !doc.fits(&head) {
        return;
    }
    doc.out.push_str(&head);
    let rows = matrix
        .rows
        .iter()
        .map(|r| table_row(r.iter().map(|c| cell(c))));
    let left = doc.rows(rows.collect::<Vec<_>>().into_iter());
    if left > 0 {
        let mut more = vec![format!("… and {}", plural(left as u64, "more environment"))];
        more.resize(columns, String::new());
        doc.out.push_str(&table_row(more.into_iter()));
    }
    doc.out.push('\n');
}

fn findings(doc: &mut Doc, report: &Report) {
    if report.findings.is_empty() {
        doc.out.push_str("No findings.\n");
        return;
    }
    doc.out.push_str("### Findings\n\n");
    doc.out
        .push_str("| Severity | Rule | Location | Message |\n");
    doc.out.push_str("| --- | --- | --- | --- |\n");
    let rows = report.findings.iter().map(finding_row);
    let left = doc.rows(rows.collect::<Vec<_>>().into_iter());
    if left > 0 {
        let _ = writeln!(
            doc.out,
            "| … | | | … and {} (the JSON and SARIF reports list them all) |",
            plural(left as u64, "more finding")
        );
    }
    doc.out.push('\n');
}

fn finding_row(finding: &Finding) -> String {
    let icon = match finding.severity {
        Severity::Error => "🔴",
        Severity::Warning => "🟡",
        Severity::Note => "🔵",
    };
    let mut message = cell(&truncate_bytes(&finding.message, CELL_LIMIT));
    if let Some(env) = &finding.environment {
        let _ = write!(message, " ({})", cell(env));
    }
    if let Some(secret) = &finding.secret {
        let _ = write!(message, "<br>Secret: {}", cell(&secret.to_string()));
    }
    table_row(
        [
            format!("{icon} {}", severity_label(finding.severity)),
            format!("`{}`", finding.rule_id.replace('`', "")),
            cell(&short_place(finding)),
            message,
        ]
        .into_iter(),
    )
}

/// `file:line`, `file`, or the source: columns add noise in a table.
fn short_place(finding: &Finding) -> String {
    let loc = &finding.location;
    let place = match (&loc.file, loc.line) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        (Some(file), None) => file.clone(),
        (None, _) => loc
            .source
            .clone()
            .unwrap_or_else(|| "(unknown)".to_string()),
    };
    super::common::with_commit(place, finding)
}

fn fixes(doc: &mut Doc, report: &Report) {
    let with_fix: Vec<&Finding> = report.findings.iter().filter(|f| f.fix.is_some()).collect();
    if with_fix.is_empty() {
        return;
    }
    let open = format!(
        "<details>\n<summary>How to fix ({})</summary>\n\n",
        with_fix.len()
    );
    if !doc.fits(&open) {
        return;
    }
    doc.out.push_str(&open);
    let items = with_fix.iter().map(|f| {
        format!(
            "- `{}` at {}: {}\n",
            f.rule_id.replace('`', ""),
            cell(&short_place(f)),
            cell(&truncate_bytes(
                f.fix.as_deref().unwrap_or_default(),
                CELL_LIMIT
            ))
        )
    });
    let left = doc.rows(items.collect::<Vec<_>>().into_iter());
    if left > 0 {
        let _ = writeln!(doc.out, "- … and {}", plural(left as u64, "more fix"));
    }
    doc.out.push_str("\n</details>\n");
}

fn table_row(cells: impl Iterator<Item = String>) -> String {
    let mut row = String::from("|");
    for c in cells {
        row.push(' ');
        row.push_str(&c);
        row.push_str(" |");
    }
    row.push('\n');
    row
}

/// Makes repository text inert inside a table cell or list item: `|` would end the cell, a
/// newline the row, `<`/`>` would be read as HTML (hiding `<client-secret>`), Markdown
/// punctuation would format, and `@name` would notify someone from a PR comment.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("&#64;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn rich_report_failed() {
        insta::assert_snapshot!(render(&fixtures::rich(), true));
    }

    #[test]
    fn empty_report() {
        insta::assert_snapshot!(render(&fixtures::empty(), false));
    }

    #[test]
    fn status_follows_failed_and_findings() {
        assert!(
            render(&fixtures::rich(), false).starts_with("## ⚠️ credgate: passed with findings")
        );
        assert!(render(&fixtures::empty(), false).starts_with("## ✅ credgate: passed"));
        assert!(render(&fixtures::rich(), true).starts_with("## ❌ credgate: failed"));
    }

    #[test]
    fn cells_escape_pipes_newlines_html_and_mentions() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("one\r\ntwo\nthree"), "one<br>two<br>three");
        assert_eq!(cell("<client-secret>"), "&lt;client-secret&gt;");
        assert_eq!(cell("@Microsoft.KeyVault(x)"), "&#64;Microsoft.KeyVault(x)");
        assert_eq!(cell("*a* _b_ `c`"), "\\*a\\* \\_b\\_ \\`c\\`");
    }

    #[test]
    fn every_table_row_has_four_cells() {
        let out = render(&fixtures::rich(), true);
        let table: Vec<&str> = out
            .lines()
            .skip_while(|l| !l.starts_with("| Severity"))
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(table.len(), 2 + 9);
        for row in table {
            // Unescaped pipes delimit cells: 5 per row of 4 cells.
            let pipes = row.matches('|').count() - row.matches("\\|").count();
            assert_eq!(pipes, 5, "{row}");
        }
    }

    #[test]
    fn comment_stays_under_60000_bytes_and_says_how_many_more() {
        let report = fixtures::huge(2_000);
        let out = render(&report, true);
        assert!(out.len() <= COMMENT_LIMIT, "{}", out.len());
        assert!(out.contains("more findings (the JSON and SARIF reports list them all)"));
        // The count in the "more" row plus the rows shown equals the findings.
        let shown = out
            .lines()
            .filter(|l| l.starts_with("| 🔴") || l.starts_with("| 🟡") || l.starts_with("| 🔵"))
            .count();
        let more_line = out
            .lines()
            .find(|l| l.starts_with("| … |"))
            .expect("more row");
        let more: usize = more_line
            .split("and ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("count");
        assert_eq!(shown + more, 2_000);
        assert!(out.trim_end().ends_with("</details>") || !out.contains("<details>"));
    }

    #[test]
    fn limit_applies_to_any_budget() {
        let report = fixtures::huge(10_000);
        for limit in [4_096, 20_000, 1024 * 1024] {
            let out = render_limited(&report, false, limit);
            assert!(out.len() <= limit, "{limit}: {}", out.len());
            assert!(out.contains("more finding"));
        }
    }

    #[test]
    fn small_reports_are_not_truncated() {
        let out = render(&fixtures::rich(), true);
        assert!(!out.contains("more finding"));
        assert!(out.contains("<summary>How to fix (5)</summary>"));
    }
}
