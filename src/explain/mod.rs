//! The AADSTS knowledge base behind `credgate explain CODE` and the dry-run diagnosis.
//!
//! A failed deploy usually surfaces as a bare `AADSTS7000215` in a log. This module turns such a
//! code, offline, into what it means, which configured value is usually to blame, and concrete
//! fix steps, so that `credgate explain` and every `dry-run-failed` finding give the same advice
//! from one source. The data lives in [`codes`], the human and JSON output in [`render`].
//!
//! Nothing here ever sees a credential: the entries are static text, and
//! [`unknown_code_message`] refuses to echo an argument that could be a pasted secret.

mod codes;
mod render;

pub use codes::CODES;
pub use render::{render_json, render_text};

use serde::Serialize;

/// Everything credgate knows about one AADSTS error code.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AadstsCode {
    /// The number after `AADSTS`, as it appears in the token response's `error_codes`.
    pub code: u32,
    /// Microsoft's error name where its error-code reference publishes one (for example
    /// `InvalidClientSecretExpiredKeysProvided`); for codes the reference lists without a name,
    /// Entra's own error message, shortened, so the title matches what users find in their logs.
    pub name: &'static str,
    /// The credgate dry-run status this code maps to (docs/design.md's status list), so the dry-run
    /// and `explain` classify a failure the same way.
    pub status: &'static str,
    /// The HTTP status Entra typically answers with: 401 for credential failures, 400 otherwise.
    pub http_status: u16,
    /// What went wrong, in two or three sentences.
    pub meaning: &'static str,
    /// Which configured value is usually wrong, so users know where to look first.
    pub culprit: &'static str,
    /// Ordered, concrete fix steps naming portal blades, `az` commands and credgate rules.
    pub steps: &'static [&'static str],
    /// The Microsoft Learn page that documents the code or its fix, without a locale so that
    /// Learn serves the reader's language.
    pub doc_url: &'static str,
}

impl AadstsCode {
    /// The code as users see it in logs, e.g. `AADSTS7000215`.
    pub fn label(&self) -> String {
        format!("AADSTS{}", self.code)
    }
}

/// The status of a failure whose code credgate does not know.
pub const UNKNOWN_STATUS: &str = "unexpected";

/// Longest argument [`unknown_code_message`] repeats back. A code with its prefix is at most 16
/// characters; a client secret (32+) or a Secret ID (36) is longer and is never echoed.
const MAX_ECHO_LEN: usize = 20;

/// The entry for a numeric code, for callers that already hold the number (the dry-run reads
/// it from `error_codes`).
pub fn find(code: u32) -> Option<&'static AadstsCode> {
    CODES.iter().find(|entry| entry.code == code)
}

/// Parses what a user types after `credgate explain`: `AADSTS7000215`, `aadsts7000215`,
/// `7000215`, surrounding spaces, or the code copied with its trailing colon
/// (`AADSTS7000215:`). Returns `None` for anything that is not a code that fits a `u32`.
pub fn parse_code(input: &str) -> Option<u32> {
    let trimmed = input.trim();
    let without_colon = trimmed.strip_suffix(':').unwrap_or(trimmed);
    let digits = strip_prefix_ignore_case(without_colon, "AADSTS")
        .unwrap_or(without_colon)
        .trim_start();
    // `u32::from_str` alone would also accept a leading `+`.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The entry for what a user typed (see [`parse_code`] for the accepted forms), or `None` when
/// it is not a code or credgate does not know it.
pub fn lookup(input: &str) -> Option<&'static AadstsCode> {
    parse_code(input).and_then(find)
}

/// The dry-run status for any AADSTS code: a known code maps to its entry's status, every other
/// code to `unexpected`. An unknown code is reported as `unexpected` rather than guessed into
/// `invalid_client`, so that a new or rare failure is visibly unexplained instead of
/// confidently mislabelled; callers that also hold the OAuth `error` string may refine it.
pub fn status_for(code: u32) -> &'static str {
    find(code).map_or(UNKNOWN_STATUS, |entry| entry.status)
}

/// The message `credgate explain` prints (and exits 2 with) when it cannot explain the argument:
/// it says why, points at Microsoft's online lookup for well-formed codes, and lists every code
/// credgate knows.
pub fn unknown_code_message(input: &str) -> String {
    let mut message = match parse_code(input) {
        Some(code) => format!(
            "credgate has no explanation for AADSTS{code}. Microsoft's lookup page may know it:\n  \
             https://login.microsoftonline.com/error?code={code}\n"
        ),
        None if is_safe_to_echo(input) => format!(
            "`{}` is not an AADSTS error code; write it as AADSTS7000215 or 7000215.\n",
            input.trim()
        ),
        None => "The argument is not an AADSTS error code; write it as AADSTS7000215 or \
                 7000215.\n"
            .to_string(),
    };
    let mut codes: Vec<u32> = CODES.iter().map(|entry| entry.code).collect();
    codes.sort_unstable();
    let known: Vec<String> = codes.iter().map(|code| format!("AADSTS{code}")).collect();
    message.push_str("Codes credgate can explain:\n");
    message.push_str(&render::wrap_list(&known, "  ", render::WIDTH));
    message
}

/// Whether an argument is harmless to repeat in an error message: short and made only of
/// characters a code could contain. Anything that might be a pasted secret is not echoed.
fn is_safe_to_echo(input: &str) -> bool {
    let trimmed = input.trim();
    !trimmed.is_empty()
        && trimmed.chars().count() <= MAX_ECHO_LEN
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-' || c == ' ')
}

/// `s` without `prefix`, compared ASCII case-insensitively.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// docs/design.md's dry-run statuses, in its order.
    const DESIGN_STATUSES: &[&str] = &[
        "ok",
        "invalid_secret",
        "expired_secret",
        "app_not_found",
        "missing_service_principal",
        "tenant_not_found",
        "invalid_client",
        "app_disabled",
        "invalid_scope",
        "clock_skew",
        "invalid_certificate",
        "federation_mismatch",
        "blocked_by_policy",
        "throttled",
        "timeout",
        "unreachable",
        "server_error",
        "missing_credentials",
        "unexpected",
    ];

    /// Codes the brief requires, with the status docs/design.md assigns.
    const REQUIRED: &[(u32, &str)] = &[
        (7000215, "invalid_secret"),
        (7000222, "expired_secret"),
        (700016, "app_not_found"),
        (7000229, "missing_service_principal"),
        (90002, "tenant_not_found"),
        (900023, "tenant_not_found"),
        (70002, "invalid_client"),
        (7000112, "app_disabled"),
        (70011, "invalid_scope"),
        (1002012, "invalid_scope"),
        (700024, "clock_skew"),
        (700027, "invalid_certificate"),
        (70021, "federation_mismatch"),
        (700211, "federation_mismatch"),
        (700213, "federation_mismatch"),
        (53003, "blocked_by_policy"),
        (7000218, "invalid_client"),
        (50011, ""),
        (50194, ""),
        (65001, ""),
        (500011, ""),
        (700025, ""),
        (90014, ""),
        (70001, "app_disabled"),
        (900144, "invalid_client"),
        (50059, "tenant_not_found"),
    ];

    #[test]
    fn every_required_code_is_present_with_its_design_status() {
        for &(code, status) in REQUIRED {
            let entry = find(code).unwrap_or_else(|| panic!("AADSTS{code} missing"));
            if !status.is_empty() {
                assert_eq!(entry.status, status, "status of AADSTS{code}");
            }
        }
        assert_eq!(CODES.len(), REQUIRED.len(), "an entry is not in REQUIRED");
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        let mut seen = HashSet::new();
        for entry in CODES {
            assert!(seen.insert(entry.code), "duplicate AADSTS{}", entry.code);
        }
        assert!(CODES.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn every_status_is_a_design_status() {
        for entry in CODES {
            assert!(
                DESIGN_STATUSES.contains(&entry.status),
                "AADSTS{} has status {}",
                entry.code,
                entry.status
            );
            // A code explains a failure, never a success or a transport fault.
            assert!(!matches!(
                entry.status,
                "ok" | "throttled" | "timeout" | "unreachable" | "server_error"
            ));
        }
    }

    #[test]
    fn every_entry_is_complete() {
        for entry in CODES {
            let label = entry.label();
            assert!(
                (3..=7).contains(&entry.steps.len()),
                "{label} has {} steps",
                entry.steps.len()
            );
            assert!(
                entry.doc_url.starts_with("https://learn.microsoft.com/"),
                "{label} doc_url {}",
                entry.doc_url
            );
            assert!(!entry.doc_url.contains(char::is_whitespace));
            // Fits on its own indented line of the text rendering.
            assert!(
                entry.doc_url.len() <= render::WIDTH - 2,
                "{label} doc_url too long"
            );
            assert!(matches!(entry.http_status, 400 | 401), "{label}");
            assert!(!entry.name.trim().is_empty(), "{label}");
            for text in [entry.meaning, entry.culprit].iter().chain(entry.steps) {
                assert!(!text.trim().is_empty(), "{label} has an empty text");
                assert!(
                    text.is_ascii(),
                    "{label}: keep text ASCII for every terminal"
                );
                assert!(!text.contains("  "), "{label}: doubled space in {text:?}");
            }
            let sentences = entry.meaning.matches(". ").count() + 1;
            assert!(
                (2..=3).contains(&sentences),
                "{label}: meaning has {sentences} sentences"
            );
        }
    }

    #[test]
    fn credential_failures_are_401_and_lookups_400() {
        for code in [7000215, 7000222, 70002, 700027, 7000229] {
            assert_eq!(find(code).map(|e| e.http_status), Some(401), "{code}");
        }
        for code in [700016, 90002, 900023, 70011, 1002012, 53003, 70021] {
            assert_eq!(find(code).map(|e| e.http_status), Some(400), "{code}");
        }
    }

    #[test]
    fn lookup_accepts_every_form_users_type() {
        for input in [
            "AADSTS7000215",
            "aadsts7000215",
            "AadSts7000215",
            "7000215",
            " 7000215 ",
            "\tAADSTS7000215\n",
            "AADSTS7000215:",
            "AADSTS 7000215",
        ] {
            assert_eq!(lookup(input).map(|e| e.code), Some(7000215), "{input:?}");
        }
        assert_eq!(
            lookup("700016").map(|e| e.name),
            Some("UnauthorizedClient_DoesNotMatchRequest")
        );
    }

    #[test]
    fn lookup_rejects_garbage() {
        for input in [
            "",
            "   ",
            "AADSTS",
            "aadsts:",
            "abc",
            "-1",
            "+7000215",
            "7000215x",
            "70 00215",
            "99999999999",
            "AADSTS99999999999",
            "7000215.0",
            "AADSTS-7000215",
            "XXSTS7000215",
            "\u{00e9}7000215",
        ] {
            assert!(lookup(input).is_none(), "{input:?} was accepted");
            assert!(parse_code(input).is_none(), "{input:?} parsed");
        }
    }

    #[test]
    fn well_formed_but_unknown_codes_parse_without_an_entry() {
        assert_eq!(parse_code("AADSTS50058"), Some(50058));
        assert!(lookup("AADSTS50058").is_none());
        assert_eq!(parse_code("4294967295"), Some(u32::MAX));
        assert!(parse_code("4294967296").is_none());
    }

    #[test]
    fn status_for_known_and_unknown_codes() {
        assert_eq!(status_for(7000215), "invalid_secret");
        assert_eq!(status_for(7000222), "expired_secret");
        assert_eq!(status_for(53003), "blocked_by_policy");
        assert_eq!(status_for(50058), "unexpected");
        assert_eq!(status_for(0), "unexpected");
        assert_eq!(status_for(u32::MAX), UNKNOWN_STATUS);
        for entry in CODES {
            assert_eq!(status_for(entry.code), entry.status);
        }
    }

    #[test]
    fn unknown_code_message_lists_every_known_code() {
        let message = unknown_code_message("AADSTS50058");
        assert!(message.contains("AADSTS50058"));
        assert!(message.contains("https://login.microsoftonline.com/error?code=50058"));
        for entry in CODES {
            assert!(
                message.contains(&entry.label()),
                "{} not listed",
                entry.label()
            );
        }
        assert!(message.lines().all(|l| l.chars().count() <= render::WIDTH));
        // Listed in numeric order.
        let listed: Vec<u32> = message
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter_map(|w| w.strip_prefix("AADSTS"))
            .filter_map(|n| n.parse().ok())
            .skip(1)
            .collect();
        assert!(listed.windows(2).all(|w| w[0] < w[1]), "{listed:?}");
    }

    #[test]
    fn unknown_code_message_explains_non_codes() {
        let message = unknown_code_message("abc");
        assert!(message.contains("`abc` is not an AADSTS error code"));
        assert!(message.contains("AADSTS7000215"));
    }

    #[test]
    fn unknown_code_message_never_echoes_what_could_be_a_secret() {
        let secret_like = "Abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let secret_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        for input in [secret_like, secret_id, "pa ss\"word", "x=y"] {
            let message = unknown_code_message(input);
            assert!(!message.contains(input), "echoed {input:?}");
            assert!(message.contains("not an AADSTS error code"));
        }
    }

    #[test]
    fn labels_carry_the_prefix() {
        assert_eq!(
            find(700016).map(AadstsCode::label).as_deref(),
            Some("AADSTS700016")
        );
    }
}
