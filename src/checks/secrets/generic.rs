//! The generic rule: a random-looking literal assigned to a name that says "secret".
//!
//! Without a fixed format to recognise, two weak signals must agree: the *name* (password,
//! client_secret, api_key, token…, but not token_url or secret_name) and the *value* (long
//! enough, mixed characters, high entropy, and not a word, path, URL, number, id or digest).
//! Legacy Entra secrets (32, 34 or 44 characters of no fixed shape) are caught here.

use super::entropy::{shannon_entropy, CharClasses};
use super::placeholder::{is_digest, is_guid};
use super::rule::{Candidate, Verdict};
use super::shapes;
use super::validate::sanitize;

/// Words that make a name secret-like wherever they occur in it.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "credential",
];

/// Endings that make a name secret-like: keys that are credentials, and PATs.
const SECRET_ENDINGS: &[&str] = &[
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
    "accountkey",
    "sharedkey",
    "sharedaccesskey",
    "masterkey",
    "signingkey",
    "encryptionkey",
    "authkey",
    "clientkey",
    "subscriptionkey",
    "storagekey",
    "primarykey",
    "secondarykey",
];

/// A name ending in `pat` is a personal access token only next to a platform word;
/// `pat` alone is usually a pattern.
const PAT_PLATFORMS: &[&str] = &["devops", "ado", "azdo", "github", "gitlab", "personal"];

/// Words that mark a human-chosen password, which may be short.
const PASSWORD_WORDS: &[&str] = &["password", "passwd", "passphrase", "pwd"];

/// Shortest value reported for a password-like name.
const MIN_PASSWORD_LEN: usize = 8;
/// Shortest value reported for any other name: tokens and keys are machine-generated and
/// long, and a 10-character `token=` is usually a public badge id.
const MIN_TOKEN_LEN: usize = 16;

/// Endings that make a secret-sounding name about something else: where the secret lives,
/// what it is called, how long it lasts (`secret_name`, `token_url`, `password_min_length`).
const NON_SECRET_ENDINGS: &[&str] = &[
    "name",
    "names",
    "id",
    "ids",
    "path",
    "file",
    "filename",
    "dir",
    "url",
    "uri",
    "endpoint",
    "host",
    "port",
    "type",
    "kind",
    "length",
    "len",
    "size",
    "count",
    "env",
    "var",
    "variable",
    "ref",
    "reference",
    "header",
    "field",
    "param",
    "parameter",
    "policy",
    "mode",
    "format",
    "version",
    "expiry",
    "expiration",
    "expires",
    "expiresin",
    "expiresat",
    "ttl",
    "timeout",
    "lifetime",
    "hint",
    "label",
    "description",
    "desc",
    "prefix",
    "suffix",
    "enabled",
    "required",
    "provider",
    "source",
    "store",
    "vault",
    "location",
    "method",
    "algorithm",
    "alg",
    "scope",
    "scopes",
    "issuer",
    "audience",
    "regex",
    "pattern",
    "template",
    "usage",
    "index",
    "hash",
    "digest",
    "checksum",
    "fingerprint",
    "thumbprint",
    "kid",
    "rotation",
    "created",
    "updated",
    "date",
    "time",
    "placeholder",
    "flow",
    "userflow",
];

/// Names that hold a secret word but whose values are public by design: a .NET strong-name
/// `PublicKeyToken` (16 hex digits of the signing key's hash), a `CancellationToken`
/// argument, a paging cursor (OData's and Azure REST's `$skiptoken`, a `continuationToken`,
/// a `nextPageToken`: the service hands it to every caller of the list), Azure AD B2C
/// user-flow names (`forgotPassword: 'B2C_1_reset'`).
const PUBLIC_NAMES: &[&str] = &[
    "publickeytoken",
    "cancellationtoken",
    "skiptoken",
    "continuationtoken",
    "pagetoken",
    "forgotpassword",
    "resetpassword",
    "changepassword",
    "passwordreset",
];

/// Values that are configuration switches, not secrets.
const KEYWORD_VALUES: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "nil",
    "none",
    "undefined",
    "required",
    "optional",
    "enabled",
    "disabled",
];

/// Whether a key name says its value is a credential.
pub fn is_secret_key(key: &str) -> bool {
    let norm = normalize(key);
    if norm.is_empty()
        || NON_SECRET_ENDINGS.iter().any(|e| norm.ends_with(e))
        || PUBLIC_NAMES.iter().any(|n| norm.ends_with(n))
    {
        return false;
    }
    norm == "key"
        || SECRET_WORDS.iter().any(|w| norm.contains(w))
        || SECRET_ENDINGS.iter().any(|e| norm.ends_with(e))
        || (norm.ends_with("pat") && PAT_PLATFORMS.iter().any(|p| norm.contains(p)))
}

/// Normalised name: lowercase letters and digits only.
fn normalize(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A path (`/etc/x`, `./x`, `~/x`, `C:\x`).
fn is_path(v: &str) -> bool {
    let b = v.as_bytes();
    v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.starts_with('\\')
        || (b.len() > 2
            && b.first().is_some_and(u8::is_ascii_alphabetic)
            && b.get(1) == Some(&b':')
            && matches!(b.get(2), Some(b'\\' | b'/')))
}

/// Whether one piece of a name is an ordinary word: `word`, `WORD`, `Word`, optionally with a
/// short number (`v2`, `utf8`), a short number alone (`2024`), or a short token in one case
/// (`B2C`, `x64`, `k8s`).
fn is_word(segment: &str) -> bool {
    let letters = segment.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = segment.len() - letters.len();
    if letters.is_empty() {
        return digits <= 4;
    }
    let one_case = !segment.bytes().any(|b| b.is_ascii_lowercase())
        || !segment.bytes().any(|b| b.is_ascii_uppercase());
    if segment.len() <= 4 && one_case && segment.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return true;
    }
    if digits > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let rest = letters.get(1..).unwrap_or("");
    letters.chars().all(|c| c.is_ascii_lowercase())
        || letters.chars().all(|c| c.is_ascii_uppercase())
        || rest.chars().all(|c| c.is_ascii_lowercase())
}

/// Separators between the words of a phrase or an identifier.
const WORD_SEPARATORS: &[char] = &[
    '-', '_', '.', '/', ':', ' ', '@', '\\', ',', '#', '=', ';', '&',
];

/// Text made of ordinary words (`release-2024`, `my prod secret`, `ProductionClientSecret`,
/// `SECRET_KEY_FROM_VAULT`, `leg1Result.BindingCertificate`): a name or a phrase, not
/// generated randomness. Short tokens (`B2C`, `v3`) count only beside a real word, so a
/// key of short random groups (`a8f2-k9q1-zz3p`) is not a phrase.
fn is_wordy(v: &str) -> bool {
    let mut any_long = false;
    let all = super::words::split(v, WORD_SEPARATORS).all(|w| {
        any_long |= w.len() >= 4 && w.bytes().all(|b| b.is_ascii_alphabetic());
        is_word(w)
    });
    all && any_long
}

/// Length in characters and entropy of a value that looks generated, or `None`.
pub fn random_value(c: &Candidate<'_>, min_len: usize) -> Option<(usize, f64)> {
    let v = c.secret.trim();
    let len = v.chars().count();
    if !(min_len..=512).contains(&len) {
        return None;
    }
    if !c.quoted && (c.file.code || v.contains('(') || v.contains('[') || continues(c)) {
        return None; // An expression or an unquoted phrase, not a literal.
    }
    if v.split_ascii_whitespace().count() > 1 {
        return None; // Prose or code, not a credential (generated secrets have no spaces).
    }
    if shapes::is_not_a_secret(v, c.file) {
        return None; // Code, a template, a pattern or a public identifier (see `shapes`).
    }
    let lower = v.to_ascii_lowercase();
    if is_guid(v)
        || is_digest(v)
        || KEYWORD_VALUES.contains(&lower.as_str())
        || v.bytes().all(|b| {
            b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'_' | b'+' | b':' | b' ')
        })
        || v.contains("://")
        || is_path(v)
        || is_wordy(v)
    {
        return None;
    }
    let classes = CharClasses::of(v);
    let entropy = shannon_entropy(v);
    let letters_only = !classes.digit && !classes.symbol;
    let enough = if len >= 20 { 3.5 } else { 3.0 };
    if classes.count() < 2 || (letters_only && len < 16) || entropy < enough {
        return None;
    }
    Some((len, entropy))
}

/// Whether an unquoted value is followed by more words on its line (`key: cache-v1-<< x >>`),
/// i.e. it is only the first word of a phrase. A trailing comment or separator is fine.
fn continues(c: &Candidate<'_>) -> bool {
    let rest = c.bytes.get(c.end..).unwrap_or(&[]);
    let rest = rest.get(..rest.len().min(256)).unwrap_or(&[]);
    let Some(next) = rest.iter().position(|b| *b != b' ' && *b != b'\t') else {
        return false;
    };
    let after = rest.get(next..).unwrap_or(&[]);
    match after.first() {
        None | Some(b'\r' | b'\n' | b'#' | b',' | b';' | b'}' | b']' | b'&') => false,
        Some(b'/') => after.get(1) != Some(&b'/'),
        // Right after the value (no blank): not another word.
        Some(_) => next > 0,
    }
}

/// A secret-like name assigned a random-looking literal.
pub fn assignment(c: &Candidate<'_>) -> Option<Verdict> {
    if c.file.code && !c.quoted {
        return None; // In source code only literals are values; this is an expression.
    }
    let key = c.key?;
    if !is_secret_key(key) {
        return None;
    }
    let norm = normalize(key);
    let min_len = if PASSWORD_WORDS.iter().any(|w| norm.contains(w)) {
        MIN_PASSWORD_LEN
    } else {
        MIN_TOKEN_LEN
    };
    let (len, entropy) = random_value(c, min_len)?;
    if PASSWORD_WORDS.iter().any(|w| norm.contains(w)) && shapes::is_sample_password(c.secret) {
        return Some(Verdict::new(
            crate::model::Severity::Note,
            format!(
                "Literal password assigned to `{}` that reads like a documentation sample \
                 (a common word with letters swapped for symbols): replace it if it is used anywhere",
                sanitize(key, 64)
            ),
        ));
    }
    let legacy = if norm.contains("secret") && matches!(len, 32 | 34 | 44) {
        "; the length of a legacy Entra ID client secret"
    } else {
        ""
    };
    Some(Verdict::new(
        c.default,
        format!(
            "High-entropy literal assigned to secret-like name `{}` ({len} chars, {entropy:.1} bits/char{legacy}): likely a hard-coded credential",
            sanitize(key, 64)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_like_names() {
        for k in [
            "password",
            "DB_PASSWORD",
            "spring.datasource.password",
            "AZURE_CLIENT_SECRET",
            "ClientSecret",
            "AzureAd:ClientSecret",
            "api_key",
            "apiKey",
            "x-api-key",
            "access_token",
            "AWS_SECRET_ACCESS_KEY",
            "StorageAccountKey",
            "key",
            "AZURE_DEVOPS_PAT",
            "credentials",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "secret_name",
            "token_url",
            "tokenEndpoint",
            "password_min_length",
            "client_secret_id",
            "keyVaultUri",
            "primaryKeyType",
            "monkey",
            "keyboard",
            "hotkey",
            "partitionKey",
            "path",
            "pattern",
            "token_type",
            "pat",
            "regex_pat",
            "",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn wordy_values() {
        for v in [
            "production",
            "user-profile-v2",
            "ProductionClientSecret",
            "SECRET_KEY_FROM_VAULT_REF",
            "release-2024",
            "my pass phrase",
            "v1.2.3-beta",
        ] {
            assert!(is_wordy(v), "{v}");
        }
        for v in [
            "J5q-8Nw.S0_kX3vRt7ZpL2mB9cYh4Gd1",
            "Summer2024!",
            "Xk9#mQ2vL7",
        ] {
            assert!(!is_wordy(v), "{v}");
        }
    }

    #[test]
    fn paths() {
        assert!(is_path("/etc/ssl/private.pem"));
        assert!(is_path("C:\\keys\\a.pfx"));
        assert!(is_path("./secrets/dev.json"));
        assert!(!is_path("J5q/8Nw+S0kX3vRt7ZpL2mB9cYh4Gd1="));
    }
}
