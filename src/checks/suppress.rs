//! Inline suppression: `credgate:allow` on a line silences every rule there, and
//! `credgate:allow rule-a, rule-b` only those rules. Any comment syntax works because only the
//! marker text is looked for.
//!
//! A line another secret scanner's allow comment marks (`gitleaks:allow`, detect-secrets'
//! `pragma: allowlist secret`, `trufflehog:ignore`) was already reviewed by a person and
//! accepted: re-reporting it would make teams that switch to credgate triage it again.

use std::sync::LazyLock;

/// The marker users write in a comment.
pub const MARKER: &str = "credgate:allow";

/// [`MARKER`]'s searcher, built once: every file read is searched for it, and building a SIMD
/// substring searcher per file cost about 1 % of a scan.
static MARKER_FINDER: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(MARKER.as_bytes()));

/// Whether [`MARKER`] occurs anywhere in `bytes`: a file without it has no suppressed line
/// of ours to list.
pub fn mentions_marker(bytes: &[u8]) -> bool {
    MARKER_FINDER.find(bytes).is_some()
}

/// Allow comments of other secret scanners, honoured for every rule on their line.
pub const FOREIGN_MARKERS: &[&str] = &[
    "gitleaks:allow",
    "pragma: allowlist secret",
    "trufflehog:ignore",
];

/// Whether `line` carries an allow comment (ours or another scanner's) that covers `rule_id`.
pub fn line_allows(line: &[u8], rule_id: &str) -> bool {
    if FOREIGN_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(line, m.as_bytes()).is_some())
    {
        return true;
    }
    memchr::memmem::find(line, MARKER.as_bytes()).is_some_and(|at| {
        allows(
            &String::from_utf8_lossy(line.get(at..).unwrap_or(&[])),
            rule_id,
        )
    })
}

/// Whether `line` carries an allow comment that covers `rule_id`.
pub fn allows(line: &str, rule_id: &str) -> bool {
    let Some((_, rest)) = line.split_once(MARKER) else {
        return false;
    };
    // Rule ids listed right after the marker, separated by spaces or commas.
    let ids: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .take_while(|s| is_rule_id(s))
        .collect();
    // `credgate:allow` followed directly by something that is not a separator (e.g. `:`) is
    // still a bare allow.
    ids.is_empty() || ids.contains(&rule_id)
}

/// A rule id is kebab-case with at least one dash (`azure-client-secret`), which tells it apart
/// from the words of a trailing comment such as `credgate:allow test fixture`.
fn is_rule_id(s: &str) -> bool {
    s.contains('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart_by_the_marker_in_its_case() {
        assert!(mentions_marker(b"a\nKEY=abc # credgate:allow\n"));
        assert!(!mentions_marker(
            b"KEY=abc # credgate: allow, Credgate:Allow"
        ));
        assert!(!mentions_marker(b""));
    }

    #[test]
    fn bare_marker_allows_everything() {
        assert!(allows("KEY=abc # credgate:allow", "azure-client-secret"));
        assert!(allows(
            "x = 1 // credgate:allow test fixture",
            "private-key"
        ));
        assert!(allows("<!-- credgate:allow -->", "azure-sas-token"));
    }

    #[test]
    fn listed_ids_allow_only_those() {
        let line = "KEY=abc # credgate:allow azure-client-secret, generic-secret-assignment";
        assert!(allows(line, "azure-client-secret"));
        assert!(allows(line, "generic-secret-assignment"));
        assert!(!allows(line, "private-key"));
    }

    #[test]
    fn other_scanners_markers_allow_every_rule() {
        assert!(line_allows(
            b"token = \"abc\" // gitleaks:allow",
            "generic-secret-assignment"
        ));
        assert!(line_allows(
            b"key: x  # pragma: allowlist secret",
            "azure-storage-key"
        ));
        assert!(line_allows(b"k = 'v'  # trufflehog:ignore", "private-key"));
        assert!(!line_allows(b"k = 'v'  # gitleaks", "private-key"));
        assert!(line_allows(
            b"k = 'v'  # credgate:allow private-key",
            "private-key"
        ));
        assert!(!line_allows(
            b"k = 'v'  # credgate:allow private-key",
            "azure-sas-token"
        ));
    }

    #[test]
    fn no_marker_allows_nothing() {
        assert!(!allows("KEY=abc # allow", "azure-client-secret"));
        assert!(!allows("credgate: allow", "azure-client-secret"));
    }
}
