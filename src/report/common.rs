//! Small pieces every reporter needs, kept in one place so that the seven formats agree on
//! paths, counts and wording.

use crate::model::{Finding, Severity, Summary};

/// `n word` with a plural `s` when `n != 1`, so summary lines read naturally.
pub(crate) fn plural(n: impl Into<u64>, word: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `2 errors, 1 warning, 0 notes`: the same severity tally in every format.
pub(crate) fn severity_counts(summary: &Summary) -> String {
    format!(
        "{}, {}, {}",
        plural(summary.errors as u64, "error"),
        plural(summary.warnings as u64, "warning"),
        plural(summary.notes as u64, "note")
    )
}

/// A size for a summary line, with one decimal: kilobytes (10^3 bytes) under one megabyte, so
/// that a small repository does not read "0.0 MB", else megabytes (10^6 bytes).
pub(crate) fn human_size(bytes: u64) -> String {
    // Precision loss above 2^53 bytes is irrelevant for a one-decimal display.
    let kilobytes = bytes as f64 / 1_000.0;
    // 999,960 bytes would print as "1000.0 KB": from there on it is a megabyte.
    if (kilobytes * 10.0).round() < 10_000.0 {
        format!("{kilobytes:.1} KB")
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

/// The path of a finding as CI systems want it: relative to the directory credgate runs in
/// (the checkout root in CI), `/`-separated.
///
/// Findings carry paths relative to the *scanned* root. When that root is a relative
/// sub-directory (`credgate scan services/api`), annotations and SARIF results must name
/// `services/api/appsettings.json`, or GitHub and Azure DevOps attach them to a file that does
/// not exist. An absolute root cannot be related to the checkout without I/O, so its paths are
/// left as they are.
pub(crate) fn repo_path(root: &str, file: &str) -> String {
    let file = strip_dot_slash(&file.replace('\\', "/"));
    let root = root.replace('\\', "/");
    let root = strip_dot_slash(root.trim_end_matches('/'));
    if root.is_empty() || root == "." || is_absolute(&root) {
        file
    } else {
        format!("{root}/{file}")
    }
}

/// Removes every leading `./`, which CI systems do not resolve in annotation paths.
fn strip_dot_slash(path: &str) -> String {
    let mut path = path;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.to_string()
}

/// Unix absolute paths, Windows drive paths (`C:/…`) and UNC paths (`//server/…`).
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/') || matches!(bytes, [drive, b':', ..] if drive.is_ascii_alphabetic())
}

/// Where a finding points, for a human: `file:line:col`, `file:line`, `file`, or its source,
/// then ` @ abc1234 (2024-05-01, Jane Doe)` when a commit introduced it.
pub(crate) fn place(finding: &Finding) -> String {
    with_commit(finding.location.to_string(), finding)
}

/// `place` followed by ` @ ` and the commit that introduced the finding, if one is known.
pub(crate) fn with_commit(place: String, finding: &Finding) -> String {
    match &finding.commit {
        Some(commit) => format!("{place} @ {}", commit.describe()),
        None => place,
    }
}

/// `Commit: abc1234… (2024-05-01, Jane Doe <jane@example.com>) "Add settings"`: the line the
/// message-based formats (annotations, SARIF, JUnit) add for a finding from git history.
pub(crate) fn commit_line(finding: &Finding) -> Option<String> {
    finding.commit.as_ref().map(|c| {
        format!(
            "Commit: {} ({}, {} <{}>) \"{}\"",
            c.id,
            c.day(),
            c.author,
            c.email,
            c.summary
        )
    })
}

/// The group a finding is listed under in grouped formats: its file, else its source.
pub(crate) fn group_key(finding: &Finding) -> String {
    finding
        .location
        .file
        .clone()
        .or_else(|| finding.location.source.clone())
        .unwrap_or_else(|| "(unknown)".to_string())
}

/// Findings grouped by [`group_key`], groups in order of first appearance. Findings arrive most
/// severe first, so the file with the worst finding comes first and order inside a group is kept.
pub(crate) fn group_findings(findings: &[Finding]) -> Vec<(String, Vec<&Finding>)> {
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for finding in findings {
        let key = group_key(finding);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(finding),
            None => groups.push((key, vec![finding])),
        }
    }
    groups
}

/// Replaces control characters (escape sequences, carriage returns, newlines…) with visible
/// `\u{…}` escapes. Paths, names and messages come from the scanned repository; printed raw, an
/// ESC could rewrite the terminal and a newline could forge a line a CI runner treats as a command.
pub(crate) fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The escaping GitHub's and Azure DevOps' command messages share: `%` first (as `percent`,
/// `%25` for GitHub, `%AZP25` for the agent), so the escapes themselves are not escaped again,
/// then CR and LF as `%0D` and `%0A`, so a line break in a repository value cannot end the
/// command and start another.
pub(crate) fn escape_line_breaks(text: &str, percent: &str) -> String {
    text.replace('%', percent)
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The one-word label of a severity, capitalised for headings and tables.
pub(crate) fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Note => "Note",
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary, marking the cut with `…`, so one
/// enormous message cannot blow a size cap on its own.
pub(crate) fn truncate_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let ellipsis = '…';
    let mut end = max.saturating_sub(ellipsis.len_utf8());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = text.get(..end).unwrap_or_default().to_string();
    out.push(ellipsis);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_path_joins_relative_roots_only() {
        assert_eq!(repo_path(".", "a/b.json"), "a/b.json");
        assert_eq!(repo_path("", "./a.json"), "a.json");
        assert_eq!(repo_path("./", "a.json"), "a.json");
        assert_eq!(repo_path("services/api/", "x.env"), "services/api/x.env");
        assert_eq!(repo_path("./services\\api", "x.env"), "services/api/x.env");
        assert_eq!(repo_path("/abs/repo", "x.env"), "x.env");
        assert_eq!(repo_path("C:\\repo", "x.env"), "x.env");
    }

    #[test]
    fn plural_and_counts() {
        assert_eq!(plural(1u64, "note"), "1 note");
        assert_eq!(plural(0u64, "note"), "0 notes");
        let s = Summary {
            errors: 2,
            warnings: 1,
            notes: 0,
            ..Summary::default()
        };
        assert_eq!(severity_counts(&s), "2 errors, 1 warning, 0 notes");
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(escape_controls("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_controls("x\ny"), "x\\u{a}y");
        assert_eq!(escape_controls("tab\tok"), "tab\tok");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let s = "ééééé"; // 10 bytes
        let t = truncate_bytes(s, 6);
        assert!(t.len() <= 6, "{t}");
        assert!(t.ends_with('…'));
        assert_eq!(truncate_bytes("short", 10), "short");
    }

    #[test]
    fn sizes_under_a_megabyte_are_in_kilobytes() {
        assert_eq!(human_size(1_260_000), "1.3 MB");
        assert_eq!(human_size(1_000_000), "1.0 MB");
        assert_eq!(human_size(999_960), "1.0 MB");
        assert_eq!(human_size(999_940), "999.9 KB");
        assert_eq!(human_size(12_345), "12.3 KB");
        assert_eq!(human_size(0), "0.0 KB");
    }
}
