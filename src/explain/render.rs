//! How an [`AadstsCode`] is shown: wrapped text for a terminal or CI log, and JSON for tools.
//!
//! Both renderings carry the same fields so that `--format json` never knows less than the text.

use super::AadstsCode;
use serde_json::{json, Value};

/// Longest line the text rendering produces, so output stays readable in CI logs and
/// side-by-side terminals.
pub(crate) const WIDTH: usize = 100;

/// Indentation of section bodies under their headings.
const INDENT: &str = "  ";

/// The human output of `credgate explain`: title, dry-run status, what it means, the usual
/// culprit, numbered fix steps and the Microsoft reference, wrapped to [`WIDTH`] columns.
pub fn render_text(entry: &AadstsCode) -> String {
    let mut out = String::new();

    let label = entry.label();
    let title_indent = " ".repeat(label.len() + 2);
    let title = wrap(entry.name, &format!("{label}  "), &title_indent, WIDTH);
    push_lines(&mut out, &title);
    out.push_str(&format!(
        "Dry-run status: {} (Entra usually answers HTTP {})\n",
        entry.status, entry.http_status
    ));

    push_section(&mut out, "What it means", entry.meaning);
    push_section(&mut out, "Usual culprit", entry.culprit);

    out.push_str("\nHow to fix\n");
    let number_width = entry.steps.len().to_string().len();
    for (index, step) in entry.steps.iter().enumerate() {
        let first = format!("{INDENT}{:>number_width$}. ", index + 1);
        let rest = " ".repeat(first.len());
        push_lines(&mut out, &wrap(step, &first, &rest, WIDTH));
    }

    let reference = format!("Reference: {}", entry.doc_url);
    if reference.chars().count() <= WIDTH {
        out.push_str(&format!("\n{reference}\n"));
    } else {
        out.push_str(&format!("\nReference:\n{INDENT}{}\n", entry.doc_url));
    }
    out
}

/// The machine-readable form of an entry for `credgate explain --format json`: every field of
/// [`AadstsCode`] plus the `AADSTS…` label users search for.
pub fn render_json(entry: &AadstsCode) -> Value {
    json!({
        "code": entry.code,
        "aadsts": entry.label(),
        "name": entry.name,
        "status": entry.status,
        "http_status": entry.http_status,
        "meaning": entry.meaning,
        "culprit": entry.culprit,
        "steps": entry.steps,
        "doc_url": entry.doc_url,
    })
}

/// Words separated by `, ` and wrapped under `indent`, for lists such as the known codes.
pub(crate) fn wrap_list(items: &[String], indent: &str, width: usize) -> String {
    let joined = items.join(", ");
    let mut out = String::new();
    push_lines(&mut out, &wrap(&joined, indent, indent, width));
    out
}

/// Appends a blank line, a heading and its indented, wrapped body.
fn push_section(out: &mut String, heading: &str, body: &str) {
    out.push('\n');
    out.push_str(heading);
    out.push('\n');
    push_lines(out, &wrap(body, INDENT, INDENT, WIDTH));
}

fn push_lines(out: &mut String, lines: &[String]) {
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
}

/// Greedy word wrap: the first line starts with `first`, later ones with `rest`, and no line
/// exceeds `width` characters unless a single word is longer than the room left for it.
/// A `code span` is kept on one line when it fits, so commands stay copyable.
fn wrap(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut line_has_words = false;
    for token in tokens(text, width.saturating_sub(rest.chars().count())) {
        let needed = token.chars().count() + usize::from(line_has_words);
        if line_has_words && line.chars().count() + needed > width {
            lines.push(line);
            line = rest.to_string();
            line_has_words = false;
        }
        if line_has_words {
            line.push(' ');
        }
        line.push_str(&token);
        line_has_words = true;
    }
    lines.push(line.trim_end().to_string());
    lines
}

/// Splits `text` into the units [`wrap`] places: single words, except that the words of a
/// backtick-quoted span are joined into one unit when the span fits in `room` columns.
fn tokens(text: &str, room: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut span: Vec<&str> = Vec::new();
    for word in text.split_whitespace() {
        let opens_or_closes = word.matches('`').count() % 2 == 1;
        if span.is_empty() {
            if opens_or_closes {
                span.push(word);
            } else {
                out.push(word.to_string());
            }
            continue;
        }
        span.push(word);
        if opens_or_closes {
            flush_span(&mut out, &mut span, room);
        }
    }
    flush_span(&mut out, &mut span, room);
    out
}

/// Moves a collected code span into `out`: as one unit when it fits in `room`, else word by word.
fn flush_span(out: &mut Vec<String>, span: &mut Vec<&str>, room: usize) {
    if span.is_empty() {
        return;
    }
    let joined = span.join(" ");
    if joined.chars().count() <= room {
        out.push(joined);
    } else {
        out.extend(span.iter().map(|word| word.to_string()));
    }
    span.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::{find, CODES};

    #[test]
    fn text_has_title_sections_numbered_steps_and_reference() {
        let entry = find(7000215).expect("7000215 is known");
        let text = render_text(entry);
        let first_line = text.lines().next().unwrap_or_default();
        assert_eq!(first_line, format!("AADSTS7000215  {}", entry.name));
        assert!(text.contains("Dry-run status: invalid_secret (Entra usually answers HTTP 401)"));
        for heading in ["\nWhat it means\n", "\nUsual culprit\n", "\nHow to fix\n"] {
            assert!(text.contains(heading), "missing {heading:?}");
        }
        for number in 1..=entry.steps.len() {
            assert!(
                text.contains(&format!("\n  {number}. ")),
                "step {number} not numbered"
            );
        }
        assert!(!text.contains(&format!("\n  {}. ", entry.steps.len() + 1)));
        assert!(text.ends_with(&format!("\nReference: {}\n", entry.doc_url)));
    }

    #[test]
    fn text_keeps_every_word_of_every_entry() {
        for entry in CODES {
            let text = render_text(entry);
            let rendered: Vec<&str> = text.split_whitespace().collect();
            for field in [entry.meaning, entry.culprit].iter().chain(entry.steps) {
                let words: Vec<&str> = field.split_whitespace().collect();
                assert!(
                    rendered.windows(words.len()).any(|w| w == words.as_slice()),
                    "{}: text lost or reordered words of {field:?}",
                    entry.label()
                );
            }
        }
    }

    #[test]
    fn no_line_is_longer_than_the_width() {
        for entry in CODES {
            for line in render_text(entry).lines() {
                assert!(
                    line.chars().count() <= WIDTH,
                    "{}: {} chars: {line}",
                    entry.label(),
                    line.chars().count()
                );
                assert_eq!(line, line.trim_end(), "trailing space in {line:?}");
            }
        }
    }

    #[test]
    fn code_spans_stay_on_one_line() {
        for entry in CODES {
            for line in render_text(entry).lines() {
                assert_eq!(
                    line.matches('`').count() % 2,
                    0,
                    "{}: code span split across lines: {line}",
                    entry.label()
                );
            }
        }
    }

    #[test]
    fn a_reference_too_long_for_its_line_moves_below_the_label() {
        let entry = AadstsCode {
            doc_url: "https://learn.microsoft.com/entra/identity/enterprise-apps/a-rather-long-page-name-that-goes-on",
            ..*find(7000215).expect("7000215 is known")
        };
        let text = render_text(&entry);
        assert!(text.ends_with(&format!("\nReference:\n  {}\n", entry.doc_url)));
        assert!(text.lines().all(|line| line.chars().count() <= WIDTH));
    }

    #[test]
    fn json_carries_every_field() {
        let entry = find(700016).expect("700016 is known");
        let value = render_json(entry);
        assert_eq!(value["code"], 700016);
        assert_eq!(value["aadsts"], "AADSTS700016");
        assert_eq!(value["name"], "UnauthorizedClient_DoesNotMatchRequest");
        assert_eq!(value["status"], "app_not_found");
        assert_eq!(value["http_status"], 400);
        assert_eq!(value["meaning"], entry.meaning);
        assert_eq!(value["culprit"], entry.culprit);
        assert_eq!(value["doc_url"], entry.doc_url);
        let steps = value["steps"].as_array().expect("steps is an array");
        assert_eq!(steps.len(), entry.steps.len());
        assert_eq!(steps[0], entry.steps[0]);
    }

    #[test]
    fn json_matches_the_serde_form_of_the_struct() {
        for entry in CODES {
            let mut from_serde = serde_json::to_value(entry).expect("serializes");
            let rendered = render_json(entry);
            if let Some(map) = from_serde.as_object_mut() {
                map.insert("aadsts".into(), Value::from(entry.label()));
            }
            assert_eq!(rendered, from_serde, "{}", entry.label());
        }
    }

    #[test]
    fn wrap_breaks_at_width_and_indents_continuations() {
        let lines = wrap("aaa bbb ccc ddd", "> ", "  ", 9);
        assert_eq!(lines, vec!["> aaa bbb", "  ccc ddd"]);
    }

    #[test]
    fn wrap_keeps_a_fitting_code_span_whole_and_splits_one_that_cannot_fit() {
        let lines = wrap("run `az ad sp show` now", "", "", 12);
        assert_eq!(lines, vec!["run `az ad", "sp show` now"]);
        let lines = wrap("run `az ad sp show` now", "", "", 20);
        assert_eq!(lines, vec!["run `az ad sp show`", "now"]);
    }

    #[test]
    fn wrap_puts_an_overlong_word_on_its_own_line() {
        let lines = wrap("see https://example.invalid/very/long/path ok", "", "", 10);
        assert_eq!(
            lines,
            vec!["see", "https://example.invalid/very/long/path", "ok"]
        );
    }
}
