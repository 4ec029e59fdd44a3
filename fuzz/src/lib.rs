//! Invariants the fuzz targets assert beyond "does not panic".
//!
//! Every check here is a promise credgate makes to its reports: a position points into the file
//! that was read (an editor or SARIF viewer can jump to it), a client secret is never held as
//! plain text, and a finding never carries the secret it is about. A violation panics, which
//! libFuzzer records as a crash with the input that caused it.

use credgate::extract::FileFacts;
use credgate::model::{FactValue, Field, Finding, Location};

/// The lines of one input as credgate numbers them: split at `\n`, columns in characters (a
/// `\r` before the `\n` belongs to its line).
pub struct Lines {
    /// Characters on each line, `\n` excluded.
    lens: Vec<usize>,
}

impl Lines {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        Self {
            lens: text.split('\n').map(|l| l.chars().count()).collect(),
        }
    }

    /// Indexes bytes the way the secret scanner reads them (lossy UTF-8, one character per
    /// invalid sequence).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self::new(&String::from_utf8_lossy(bytes))
    }

    /// Characters on 1-based `line`, if the input has that line.
    pub fn len_of(&self, line: u32) -> Option<usize> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.lens.get(index).copied()
    }

    /// Asserts that `location` (of something `what` produced from `path`) lies within the input.
    pub fn check(&self, path: &str, location: &Location, what: &str) {
        if location.file.is_some() {
            assert_eq!(
                location.file.as_deref(),
                Some(path),
                "{what}: location names another file"
            );
        }
        if let Some(line) = location.line {
            let Some(len) = self.len_of(line) else {
                panic!(
                    "{what}: line {line} is past the end of a {}-line input",
                    self.lens.len()
                );
            };
            if let Some(column) = location.column {
                assert!(
                    column >= 1 && column as usize <= len + 1,
                    "{what}: column {column} outside line {line} of {len} characters"
                );
                if let Some(end) = location.end_column {
                    assert!(
                        end >= column,
                        "{what}: end column {end} before column {column}"
                    );
                }
            }
        } else {
            assert!(location.column.is_none(), "{what}: a column without a line");
        }
    }
}

/// Asserts what every extractor promises about its output for `text` read from `path`:
/// positions inside the text, client secrets never held as plain text, and only `parse-error`
/// notes as problems.
pub fn check_file_facts(path: &str, text: &str, out: &FileFacts) {
    let lines = Lines::new(text);
    // Facts and references of reusable-workflow jobs and their callers wait for the inventory
    // to give them environments; they keep the same promises.
    let pending = out
        .reusable_jobs
        .iter()
        .map(|job| &job.job)
        .chain(out.workflow_calls.iter().filter_map(|call| call.pending.as_ref()));
    let mut waiting_facts = Vec::new();
    for job in pending {
        waiting_facts.extend(job.facts.iter());
        for (_, _, location) in &job.references {
            lines.check(path, location, "reference of a reusable-workflow job");
        }
    }
    for fact in out.facts.iter().chain(waiting_facts) {
        lines.check(
            path,
            &fact.location,
            &format!("{} fact", fact.field.as_str()),
        );
        if fact.field == Field::ClientSecret {
            assert!(
                !matches!(fact.value, FactValue::Plain(_)),
                "a client secret fact holds its value as plain text"
            );
        }
    }
    for reference in &out.references {
        lines.check(path, &reference.location, "reference");
    }
    for problem in &out.problems {
        assert_eq!(problem.rule_id, "parse-error", "unexpected problem rule");
        lines.check(path, &problem.location, "parse-error");
    }
}

/// The text an extractor gets in production: lossy UTF-8 without a byte-order mark.
pub fn as_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()
}

/// Asserts what the secret scanner promises for findings in `bytes` read from `path`: each
/// finding's span lies in the input, it carries a redacted form, and neither its message, fix,
/// fingerprint nor its JSON form contains the matched text.
pub fn check_secret_findings(path: &str, bytes: &[u8], findings: &[Finding]) {
    let text = String::from_utf8_lossy(bytes);
    let lines = Lines::new(&text);
    let line_texts: Vec<&str> = text.split('\n').collect();
    for finding in findings {
        lines.check(path, &finding.location, &finding.rule_id);
        let redacted = finding
            .secret
            .as_ref()
            .unwrap_or_else(|| panic!("{} finding without a redacted secret", finding.rule_id));
        assert!(
            redacted.hint.chars().count() <= 3,
            "{}: hint longer than three characters",
            finding.rule_id
        );
        let (Some(line), Some(column), Some(end)) = (
            finding.location.line,
            finding.location.column,
            finding.location.end_column,
        ) else {
            panic!("{}: secret finding without a full span", finding.rule_id);
        };
        let Some(line_text) = usize::try_from(line)
            .ok()
            .and_then(|l| l.checked_sub(1))
            .and_then(|l| line_texts.get(l))
        else {
            continue;
        };
        // The match as the report would point at it; only single-line matches can be cut out
        // of one line (private keys span several).
        let matched: String = line_text
            .chars()
            .skip(column as usize - 1)
            .take((end - column) as usize)
            .collect();
        if matched.chars().count() < 16 || (end - column) as usize != matched.chars().count() {
            continue;
        }
        // Messages quote names from the file: none may show 12 characters of the match (the
        // redaction tests' measure). Private keys are located at their `BEGIN` line, whose
        // words the message names, so only their whole span is checked.
        if !matched.starts_with("-----BEGIN") {
            let chars: Vec<char> = matched.chars().collect();
            for window in chars.windows(12) {
                let window: String = window.iter().collect();
                assert!(
                    !finding.message.contains(&window),
                    "{}: the message shows 12 characters of the matched secret",
                    finding.rule_id
                );
            }
        }
        let json = serde_json::to_string(finding).unwrap_or_default();
        for (name, shown) in [
            ("message", finding.message.as_str()),
            ("fix", finding.fix.as_deref().unwrap_or("")),
            ("json", json.as_str()),
        ] {
            assert!(
                !shown.contains(matched.as_str()),
                "{}: the {name} contains the matched secret text",
                finding.rule_id
            );
        }
    }
}
