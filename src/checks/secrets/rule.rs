//! The shape of a secret rule: data, not code (the gitleaks model).
//!
//! Each rule names the report id it feeds, the keywords that must appear before it is worth
//! running, a regular expression with a `secret` capture, a validator that decides confidence,
//! and the samples that prove it: true positives with their exact column, false positives that
//! must stay silent. Adding a rule means adding a table entry, and the sample test covers it.

use super::filekind::FileKind;
use crate::model::Severity;
use crate::secret::SecretValue;

/// How far from a keyword hit a rule's expression is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The hit's line; on very long lines a bounded window around the hit, so minified
    /// files cost linear time.
    Line,
    /// Anchored at the start of the name (identifier) that holds the keyword, up to the end of
    /// the line (bounded): for `name = value` rules, where the keyword is part of the name. Each
    /// hit costs one anchored attempt instead of a scan of the line.
    Name,
    /// From `before` bytes ahead of the hit to `after` bytes past it, across lines (PEM blocks).
    Lines {
        /// Bytes to look back from the hit.
        before: usize,
        /// Bytes to look ahead from the hit.
        after: usize,
    },
}

/// A synthetic example kept next to its rule and run as a unit test.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Path the sample is scanned as (some rules depend on the file kind).
    pub path: &'static str,
    /// File content.
    pub text: &'static str,
    /// 1-based line of the expected finding (0 for a false-positive sample).
    pub line: u32,
    /// 1-based column of the secret's first character (0 for a false-positive sample).
    pub column: u32,
}

impl Sample {
    /// A text that must produce exactly this rule's finding at `line`:`column`.
    pub const fn found(text: &'static str, line: u32, column: u32) -> Self {
        Self {
            path: "config/settings.env",
            text,
            line,
            column,
        }
    }

    /// A text that must produce no finding at all.
    pub const fn clean(text: &'static str) -> Self {
        Self {
            path: "config/settings.env",
            text,
            line: 0,
            column: 0,
        }
    }

    /// The same sample scanned as if it lived at `path`.
    pub const fn at(self, path: &'static str) -> Self {
        Self { path, ..self }
    }
}

/// What a validator concluded about a match it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Severity, the rule's default unless confidence is lower.
    pub severity: Severity,
    /// What was found and how sure the rule is. Never contains the value.
    pub message: String,
    /// The value to fingerprint when the raw capture is not canonical (a PEM body without
    /// its line breaks); `None` keeps the capture. A [`SecretValue`], so `Debug` hides it.
    pub value: Option<SecretValue>,
    /// Whether the match is proven to be a real secret of its format (its checksum holds),
    /// so that no file context (a test, an example) lowers its severity.
    pub certain: bool,
}

impl Verdict {
    /// A verdict at `severity` with `message`, fingerprinting the captured value.
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Self {
            severity,
            message: message.into(),
            value: None,
            certain: false,
        }
    }

    /// The same verdict, proven real by a checksum.
    pub fn proven(self) -> Self {
        Self {
            certain: true,
            ..self
        }
    }
}

/// How much a rule's match says on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// A fixed format (a signature, a prefix, a key structure): the match is the secret's
    /// own shape.
    Format,
    /// A name and a random-looking value agreeing: documentation and examples are full of
    /// these, so there they are notes.
    Heuristic,
}

/// One regex match handed to a validator, with enough context to judge it. It holds the raw
/// secret and the file's bytes, so `Debug` shows only positions and lengths.
#[derive(Clone, Copy)]
pub struct Candidate<'a> {
    /// The whole file, for looking around the match (bounded by each validator).
    pub bytes: &'a [u8],
    /// What kind of file this is.
    pub file: FileKind,
    /// The captured secret.
    pub secret: &'a str,
    /// Byte offset of the secret in `bytes`.
    pub start: usize,
    /// Byte offset just past the secret.
    pub end: usize,
    /// The `key` capture (the name a value is assigned to), when the rule has one.
    pub key: Option<&'a str>,
    /// The `kind` capture (e.g. the PEM header's key type), when the rule has one.
    pub kind: Option<&'a str>,
    /// Whether the value was written between quotes.
    pub quoted: bool,
    /// The rule's default severity from `crate::rules`.
    pub default: Severity,
}

impl std::fmt::Debug for Candidate<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate")
            .field("file", &self.file)
            .field(
                "secret",
                &format_args!("[REDACTED; {} chars]", self.secret.chars().count()),
            )
            .field("start", &self.start)
            .field("end", &self.end)
            .field("key", &self.key)
            .field("kind", &self.kind)
            .field("quoted", &self.quoted)
            .field("default", &self.default)
            .finish_non_exhaustive()
    }
}

/// A [`Rule::parser`]: the match at the start of a name window, or `None`.
pub type Parser = fn(&[u8]) -> Option<super::assignment::Assignment>;

/// Decides whether a match is reported, at which severity and with which message.
pub type Validator = fn(&Candidate<'_>) -> Option<Verdict>;

/// One detection rule.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The report id (one of `crate::rules::RULES`); several rules may share one.
    pub id: &'static str,
    /// Unique name of this entry, for tests and debugging.
    pub name: &'static str,
    /// What the entry looks for.
    pub description: &'static str,
    /// Words (ASCII case-insensitive) one of which must occur for the rule to run at all.
    pub keywords: &'static [&'static str],
    /// Signatures written in one case only (Entra's `Q~`), found by a SIMD substring search
    /// beside the keyword pass; each occurrence also lets the rule run. Every keyword costs
    /// the keyword pass some speed, so a fixed-case signature is cheaper here.
    pub markers: &'static [&'static str],
    /// Byte regex. The first participating group whose name starts with `secret` is the value;
    /// optional `at` (where the finding points, default the value), `key` and `kind` groups
    /// feed the validator.
    pub pattern: &'static str,
    /// A hand-written matcher that finds exactly what `pattern` (anchored, a [`Reach::Name`]
    /// rule's) finds, for a rule run so often that its regex's capture search is a large share
    /// of a scan; `pattern` stays the specification, and a test holds the two equal.
    pub parser: Option<Parser>,
    /// Where around a keyword hit the pattern runs.
    pub reach: Reach,
    /// Bytes that make up the value: a match touching one on either side is part of a longer
    /// token and is not reported.
    pub token: Option<fn(u8) -> bool>,
    /// With `token`, the length of the shortest value the rule reports: a region without a
    /// run of that many token bytes cannot match, so the regex is not run on it (most lines
    /// that mention `key` or `token` hold no 52- or 88-character run).
    pub min_len: usize,
    /// Higher wins when two rules report overlapping spans (the more specific rule).
    pub precedence: u8,
    /// Whether the rule runs on dependency lock files (full of hashes that look random).
    pub in_lock_files: bool,
    /// How much a match says on its own, which decides its severity in documentation.
    pub confidence: Confidence,
    /// Confidence check; `None` drops the match.
    pub validate: Validator,
    /// Exact values never reported by this rule.
    pub allow: &'static [&'static str],
    /// How to remediate, shown with every finding of this rule.
    pub fix: &'static str,
    /// Texts this rule must find, with the expected position.
    pub true_positives: &'static [Sample],
    /// Texts that must produce no finding at all.
    pub false_positives: &'static [Sample],
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn candidate_debug_hides_the_secret_and_the_file() {
        let bytes = b"KEY=abc8Q~not-a-real-secret-but-shaped-like-one";
        let c = Candidate {
            bytes,
            file: FileKind::default(),
            secret: "abc8Q~not-a-real-secret-but-shaped-like-one",
            start: 4,
            end: bytes.len(),
            key: Some("KEY"),
            kind: None,
            quoted: false,
            default: Severity::Error,
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("not-a-real"), "{shown}");
        assert!(shown.contains("REDACTED"));
    }
}
