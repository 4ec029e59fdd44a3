//! Secret values and their printable stand-ins.
//!
//! A secret found in a file or read from the environment is held as a [`SecretValue`]: the bytes
//! live in a `secrecy` box that is zeroed on drop, and `Debug` prints `[REDACTED]`. The only views
//! that may reach a report are the [`Redacted`] form (the first three characters, which Entra
//! itself shows as the secret's *hint*) and a short SHA-256 fingerprint.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// A secret value that must never be printed. Cloning copies the protected buffer.
#[derive(Clone)]
pub struct SecretValue(SecretString);

impl SecretValue {
    /// Wraps a value so that it cannot be printed by accident.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The raw value, for the few places that must compare or send it (the dry-run, checks).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The printable stand-in: hint plus fingerprint.
    pub fn redacted(&self) -> Redacted {
        Redacted::of(self.expose())
    }

    /// `sha256:` and the first 12 hex digits of the value's SHA-256: enough to tell two values
    /// apart in a report, far too little to recover or brute-force a high-entropy secret.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(self.expose())
    }

    /// Length in characters, which some rules use (a Secret ID is 36, a current secret 40).
    pub fn char_len(&self) -> usize {
        self.expose().chars().count()
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl PartialEq for SecretValue {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for SecretValue {}

/// `sha256:<12 hex>` of a value. Used for secrets (never printed raw) and for stable ids.
pub fn fingerprint_of(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let short: String = hex(&digest).chars().take(12).collect();
    format!("sha256:{short}")
}

/// Full lowercase hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// What a report may show of a secret: its first three characters (Entra's own hint) and a
/// fingerprint. Short values (under 12 chars) show no hint at all, since three characters of a
/// short value give too much away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redacted {
    /// First three characters, or empty for short values.
    pub hint: String,
    /// `sha256:` plus 12 hex digits.
    pub fingerprint: String,
}

impl Redacted {
    /// Builds the redacted form of a raw value. The raw value is not kept.
    pub fn of(value: &str) -> Self {
        let hint = if value.chars().count() >= 12 {
            value.chars().take(3).collect()
        } else {
            String::new()
        };
        Self {
            hint,
            fingerprint: fingerprint_of(value),
        }
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}… ({})", self.hint, self.fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = SecretValue::new("abc8Q~supersecretvaluethatmustnotleak12");
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        assert!(!format!("{:?}", Some(&s)).contains("supersecret"));
    }

    #[test]
    fn redacted_keeps_hint_and_fingerprint_only() {
        let r = Redacted::of("abc8Q~supersecretvaluethatmustnotleak12");
        assert_eq!(r.hint, "abc");
        assert!(r.fingerprint.starts_with("sha256:"));
        assert_eq!(r.fingerprint.len(), "sha256:".len() + 12);
        assert!(!r.to_string().contains("supersecret"));
    }

    #[test]
    fn short_values_get_no_hint() {
        assert_eq!(Redacted::of("hunter2").hint, "");
    }

    #[test]
    fn fingerprints_differ_for_different_values() {
        assert_ne!(fingerprint_of("a"), fingerprint_of("b"));
        assert_eq!(fingerprint_of("a"), fingerprint_of("a"));
    }
}
