//! Validators for the Azure-specific rules: each turns a regex match into a verdict with the
//! confidence the evidence supports, or drops it.

use super::entropy::shannon_entropy;
use super::marvin::{entra_secret_checksum_valid, is_entra_secret_char, ENTRA_SECRET_LEN};
use super::rule::{Candidate, Verdict};
use crate::model::Severity;
use crate::secret::SecretValue;
use regex::bytes::Regex;
use std::sync::LazyLock;

/// How far validators look around a match for context (same line).
const CONTEXT: usize = 1024;

/// The line holding `start..end`, at most `limit` bytes each side of it.
fn line_around(bytes: &[u8], start: usize, end: usize, limit: usize) -> &[u8] {
    let lo = start.saturating_sub(limit);
    let hi = end.saturating_add(limit).min(bytes.len());
    let before = bytes.get(lo..start).unwrap_or(&[]);
    let after = bytes.get(end..hi).unwrap_or(&[]);
    let from = memchr::memrchr(b'\n', before).map_or(lo, |i| lo + i + 1);
    let to = memchr::memchr(b'\n', after).map_or(hi, |i| end + i);
    bytes.get(from..to).unwrap_or(&[])
}

/// ASCII-lowercased copy of a (bounded) context slice, for case-insensitive look-ups.
fn lower(bytes: &[u8]) -> Vec<u8> {
    bytes.to_ascii_lowercase()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    memchr::memmem::find(haystack, needle.as_bytes()).is_some()
}

/// Current `xxx8Q~…` secrets: error when the Marvin32 checksum holds, warning when it does not.
pub fn client_secret_current(c: &Candidate<'_>) -> Option<Verdict> {
    if entra_secret_checksum_valid(c.secret) {
        Some(
            Verdict::new(
                c.default,
                "Entra ID client secret (current 40-char format, checksum valid: near-certainly a real secret)",
            )
            .proven(),
        )
    } else {
        Some(Verdict::new(
            c.default.min(Severity::Warning),
            "Possible Entra ID client secret (current 40-char 8Q~ format, but its checksum does not \
             match: an edited, truncated or made-up value; treat it as a secret until you know)",
        ))
    }
}

/// Previous `xxx7Q~…` secrets, which carry no checksum.
pub fn client_secret_previous(c: &Candidate<'_>) -> Option<Verdict> {
    Some(Verdict::new(
        c.default,
        "Entra ID client secret (previous 37-char 7Q~ format, which has no checksum: high \
         confidence from its fixed signature)",
    ))
}

/// `xxxNQ~…` secrets of a format version other than the two above: the signature Entra puts
/// in every secret it issues, with no checksum to confirm it.
pub fn client_secret_any_version(c: &Candidate<'_>) -> Option<Verdict> {
    Some(Verdict::new(
        c.default,
        "Entra ID client secret (the xxxNQ~ signature Entra puts in the secrets it issues)",
    ))
}

/// How far before a storage key its name may be written.
const KEY_NAME_REACH: usize = 100;

/// An 88-character base64 value next to a key or storage name.
pub fn storage_key(c: &Candidate<'_>) -> Option<Verdict> {
    // `sha512-…` is a subresource-integrity digest of exactly this shape.
    let before = c
        .bytes
        .get(c.start.saturating_sub(8)..c.start)
        .unwrap_or(&[]);
    if contains(&lower(before), "sha") {
        return None;
    }
    // The name must be written just before the value, on the same line.
    let lo = c.start.saturating_sub(KEY_NAME_REACH);
    let lead = c.bytes.get(lo..c.start).unwrap_or(&[]);
    let lead = memchr::memrchr(b'\n', lead).map_or(lead, |i| lead.get(i + 1..).unwrap_or(&[]));
    let lead = lower(lead);
    if !contains(&lead, "key") && !contains(&lead, "storage") {
        return None;
    }
    // Canonical base64 of 64 bytes: the last data character carries 2 bits and 4 zero bits.
    let last = c.secret.as_bytes().get(85).copied();
    if !matches!(last, Some(b'A' | b'Q' | b'g' | b'w')) || shannon_entropy(c.secret) < 4.5 {
        return None;
    }
    Some(Verdict::new(
        c.default,
        "Azure Storage account key (a 64-byte base64 key written next to a key or storage name)",
    ))
}

/// `AccountKey=` inside a Storage or Cosmos DB connection string.
pub fn account_key_connection_string(c: &Candidate<'_>) -> Option<Verdict> {
    if shannon_entropy(c.secret) < 4.0 {
        return None;
    }
    let context = lower(line_around(c.bytes, c.start, c.end, CONTEXT));
    let cosmos =
        contains(&context, "accountendpoint=") || contains(&context, ".documents.azure.com");
    let storage = [
        "accountname=",
        "defaultendpointsprotocol=",
        "blobendpoint=",
        "queueendpoint=",
        "tableendpoint=",
        "fileendpoint=",
        "endpointsuffix=",
    ]
    .iter()
    .any(|k| contains(&context, k));
    let message = if cosmos {
        "Cosmos DB connection string with its account key (AccountKey=): full data-plane access"
    } else if storage {
        "Azure Storage connection string with its account key (AccountKey=): full access to the account"
    } else {
        return None;
    };
    Some(Verdict::new(c.default, message))
}

/// `SharedAccessKey=` inside a Service Bus, Event Hubs, Relay or IoT Hub connection string.
pub fn shared_access_key_connection_string(c: &Candidate<'_>) -> Option<Verdict> {
    if shannon_entropy(c.secret) < 4.0 {
        return None;
    }
    let context = lower(line_around(c.bytes, c.start, c.end, CONTEXT));
    let message = if contains(&context, "azure-devices.net") || contains(&context, "hostname=") {
        "IoT Hub connection string with its shared access key (SharedAccessKey=)"
    } else if contains(&context, "endpoint=sb://") || contains(&context, "sharedaccesskeyname=") {
        "Service Bus / Event Hubs connection string with its shared access key (SharedAccessKey=)"
    } else {
        return None;
    };
    Some(Verdict::new(c.default, message))
}

/// `sv=<date>` as a parameter of the same query string.
static SAS_VERSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u)(?:^|[?&;=])sv=[0-9]{4}-[0-9]{2}-[0-9]{2}").ok());

/// Bytes that end a URL or query string in text.
fn ends_query(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>' | b'(' | b')' | b',')
}

/// `sig=` of a shared access signature: only when `sv=` is in the same query string.
pub fn sas_token(c: &Candidate<'_>) -> Option<Verdict> {
    let lo = c.start.saturating_sub(CONTEXT * 4);
    let hi = c.end.saturating_add(CONTEXT * 4).min(c.bytes.len());
    let before = c.bytes.get(lo..c.start).unwrap_or(&[]);
    let after = c.bytes.get(c.end..hi).unwrap_or(&[]);
    let from = before
        .iter()
        .rposition(|b| ends_query(*b))
        .map_or(lo, |i| lo + i + 1);
    let to = after
        .iter()
        .position(|b| ends_query(*b))
        .map_or(hi, |i| c.end + i);
    let query = c.bytes.get(from..to).unwrap_or(&[]);
    let versioned = SAS_VERSION.as_ref().is_some_and(|re| re.is_match(query));
    if !versioned || c.secret.len() > 512 || shannon_entropy(c.secret) < 3.5 {
        return None;
    }
    Some(Verdict::new(
        c.default,
        "Shared access signature (sig= with its sv= version in the same query string): anyone \
         holding it has the access it grants until it expires",
    ))
}

/// The 84-character Azure DevOps PAT with its fixed `JQQJ9` and `AZDO` signatures.
pub fn pat_current(c: &Candidate<'_>) -> Option<Verdict> {
    Some(Verdict::new(
        c.default,
        "Azure DevOps personal access token (84-char format with the AZDO signature: near-certainly real)",
    ))
}

/// A word near a legacy PAT that says what it is.
static PAT_CONTEXT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)(?:(?:^|[^a-z])(?:pat|ado)(?:[^a-z]|$)|devops|azdo|personal.?access.?token|dev\.azure\.com|visualstudio\.com|system.accesstoken|token|secret|passw(?:or)?d|credential)",
    )
    .ok()
});

/// A 52-character base32 string, reported only next to a PAT or Azure DevOps name.
pub fn pat_legacy(c: &Candidate<'_>) -> Option<Verdict> {
    let context = line_around(c.bytes, c.start, c.end, 256);
    let named = PAT_CONTEXT.as_ref().is_some_and(|re| re.is_match(context));
    let digits = c.secret.bytes().filter(u8::is_ascii_digit).count();
    if !named || digits < 2 || shannon_entropy(c.secret) < 4.0 {
        return None;
    }
    Some(Verdict::new(
        c.default,
        "Azure DevOps personal access token (legacy 52-char base32 format next to a PAT, DevOps or secret name)",
    ))
}

/// A PEM private key block with a real body.
pub fn private_key(c: &Candidate<'_>) -> Option<Verdict> {
    let body = pem_body(c.secret);
    let base64 = body
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        .count();
    // Key material comes in unbroken base64 lines; prose ("your key goes here") does not.
    let longest_run = c
        .secret
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || matches!(ch, '+' | '/' | '=')))
        .map(str::len)
        .max()
        .unwrap_or(0);
    if base64 < 64 || longest_run < 40 {
        return None;
    }
    if !could_be_key_material(&body) {
        return None;
    }
    let kind = c.kind.map(str::trim).unwrap_or("");
    let message = match kind {
        "" => "PEM private key block (PKCS#8)".to_string(),
        "ENCRYPTED" => "PEM private key block (encrypted PKCS#8: the passphrase is often committed or weak, so it is still a leak)".to_string(),
        other => format!("PEM private key block ({})", sanitize(other, 16)),
    };
    Some(Verdict {
        value: Some(SecretValue::new(body)),
        ..Verdict::new(c.default, message)
    })
}

/// Whether a PEM body can hold key material. Documentation fills the block with base64 of
/// some text (`d29ybGQK…` is "world" repeated), often with an ellipsis line, to show the
/// shape; key material is binary (DER or an OpenSSH blob), never printable text. Each long
/// run of base64 is decoded on its own (whole 4-character groups), so one ellipsis does not
/// hide what the lines are.
fn could_be_key_material(body: &str) -> bool {
    use base64::Engine as _;
    let mut runs = body
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/'))
        .filter(|run| run.len() >= 40)
        .peekable();
    if runs.peek().is_none() {
        return true;
    }
    !runs.all(|run| {
        let whole = run.get(..run.len() / 4 * 4).unwrap_or(run);
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(whole)
            .is_ok_and(|bytes| {
                bytes
                    .iter()
                    .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
            })
    })
}

/// The key material of a PEM body without line breaks, escaped line breaks, indentation or
/// string-literal quotes, so the same key fingerprints the same in every file.
fn pem_body(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\\' && matches!(chars.peek(), Some('n' | 'r')) {
            chars.next();
        } else if !ch.is_ascii_whitespace() && !matches!(ch, '\\' | '"' | '\'') {
            out.push(ch);
        }
    }
    out
}

/// Keeps printable ASCII words only, so text taken from the file stays a short label.
pub fn sanitize(text: &str, max: usize) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | ':'))
        .take(max)
        .collect()
}

/// `clientId` as a JSON key, escaped or not.
static CLIENT_ID_KEY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?-u)\\?"clientId\\?"\s*:"#).ok());
/// `tenantId` as a JSON key, escaped or not.
static TENANT_ID_KEY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?-u)\\?"tenantId\\?"\s*:"#).ok());

/// How far to look for the braces of the object holding a `clientSecret`.
const OBJECT_REACH: usize = 8 * 1024;

/// The `{…}` holding `start..end`, found by counting braces within [`OBJECT_REACH`].
fn enclosing_object(bytes: &[u8], start: usize, end: usize) -> Option<&[u8]> {
    let lo = start.saturating_sub(OBJECT_REACH);
    let mut depth = 0usize;
    let mut open = None;
    for i in (lo..start).rev() {
        match bytes.get(i) {
            Some(b'}') => depth += 1,
            Some(b'{') if depth == 0 => {
                open = Some(i);
                break;
            }
            Some(b'{') => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let hi = end.saturating_add(OBJECT_REACH).min(bytes.len());
    let mut depth = 0usize;
    for i in end..hi {
        match bytes.get(i) {
            Some(b'{') => depth += 1,
            Some(b'}') if depth == 0 => return bytes.get(open..=i),
            Some(b'}') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The `creds` JSON of azure/login: a `clientSecret` in the same object as a `clientId`.
pub fn login_creds(c: &Candidate<'_>) -> Option<Verdict> {
    if !(8..=512).contains(&c.secret.chars().count()) {
        return None;
    }
    let object = enclosing_object(c.bytes, c.start, c.end)?;
    let has = |re: &LazyLock<Option<Regex>>| re.as_ref().is_some_and(|re| re.is_match(object));
    if !has(&CLIENT_ID_KEY) {
        return None;
    }
    let tenant = if has(&TENANT_ID_KEY) {
        ", tenantId"
    } else {
        ""
    };
    let format = if entra_secret_checksum_valid(c.secret) {
        "; the secret is in the current Entra format with a valid checksum"
    } else if c.secret.len() + 3 == ENTRA_SECRET_LEN
        && c.secret.get(3..6) == Some("7Q~")
        && c.secret.bytes().all(is_entra_secret_char)
    {
        "; the secret is in the previous Entra 7Q~ format"
    } else {
        ""
    };
    Some(Verdict::new(
        c.default,
        format!(
            "azure/login credentials JSON with a literal clientSecret (clientId, clientSecret{tenant}: \
             everything needed to sign in as the service principal{format})"
        ),
    ))
}
