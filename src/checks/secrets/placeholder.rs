//! Values that look like secrets but are not: references to a secret kept elsewhere,
//! placeholders, documented public keys, ids and digests.
//!
//! A gate that cries wolf gets switched off, so every rule drops these before reporting:
//! `${{ secrets.X }}` is the *fix* for a hard-coded secret, `<your-client-secret>` is a
//! template, and the Azurite key is printed in Microsoft's own docs.

/// The Azurite (and old storage emulator) account key, published in Microsoft's docs.
pub const AZURITE_ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// The Cosmos DB emulator key, published in Microsoft's docs.
pub const COSMOS_EMULATOR_KEY: &str =
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

/// Words that mark a value as a stand-in written for humans, matched case-insensitively
/// anywhere in the value.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "replaceme",
    "replace_me",
    "replace-me",
    "placeholder",
    "dummy",
    "example",
    "sample",
    "redacted",
    "your_",
    "your-",
    "yoursecret",
    "yourpassword",
    "enter_",
    "_here",
    "notasecret",
    "not_a_secret",
    "not-a-secret",
    "usedevelopmentstorage=true",
];

/// Whether `value` should never be reported by any rule: a reference, a placeholder or a
/// documented public key.
pub fn is_not_a_secret(value: &str) -> bool {
    is_reference(value) || is_placeholder(value) || is_well_known_public(value)
}

/// The emulator a published development key belongs to (Azurite's `devstoreaccount1` key,
/// the Cosmos DB emulator's key), if `value` is one.
pub fn emulator_key(value: &str) -> Option<&'static str> {
    if value == AZURITE_ACCOUNT_KEY {
        Some("the Azurite storage emulator's published key for devstoreaccount1")
    } else if value == COSMOS_EMULATOR_KEY {
        Some("the Cosmos DB emulator's published key")
    } else {
        None
    }
}

/// A documented, public emulator credential.
pub fn is_well_known_public(value: &str) -> bool {
    value == AZURITE_ACCOUNT_KEY
        || value == COSMOS_EMULATOR_KEY
        || value
            .to_ascii_lowercase()
            .contains("usedevelopmentstorage=true")
}

/// A reference to a value kept elsewhere: `${{ secrets.X }}`, `${X}`, `$(X)`, `$X`, `$env:X`,
/// `%X%`, `{{ x }}`, `#{X}#`, `__X__`, `@Microsoft.KeyVault(…)`.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    if v.contains("${") || v.contains("$(") || v.contains("{{") || v.contains("#{") {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if lower.contains("@microsoft.keyvault(") || lower.contains("@microsoft.appconfiguration(") {
        return true;
    }
    if let Some(name) = v.strip_prefix("$env:").or_else(|| v.strip_prefix('$')) {
        if is_identifier(name) {
            return true;
        }
    }
    if let Some(name) = v.strip_prefix('%').and_then(|s| s.strip_suffix('%')) {
        if is_identifier(name) {
            return true;
        }
    }
    if let Some(name) = v.strip_prefix("__").and_then(|s| s.strip_suffix("__")) {
        if !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return true;
        }
    }
    false
}

/// A variable name: a letter or `_`, then letters, digits and `_`.
fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A stand-in for a real value: `<your-client-secret>`, `changeme`, `xxxx…`, `****`, `…`,
/// a run of one character, a keyboard sequence, or a word such as `dummy` or `example`.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let wrapped =
        |open: char, close: char| v.len() >= 2 && v.starts_with(open) && v.ends_with(close);
    if wrapped('<', '>') || wrapped('[', ']') || wrapped('{', '}') {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if lower.contains("xxxx")
        || v.contains("***")
        || v.contains("...")
        || v.contains('…')
        || v.contains('•')
    {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    is_monotonous(v.as_bytes()) || is_sequence(&lower)
}

/// Mostly one character (`aaaa…`, `0000-0000`, `zzz8Q~zzzz…`), or very few distinct ones.
fn is_monotonous(bytes: &[u8]) -> bool {
    if bytes.len() < 4 {
        return false;
    }
    let mut counts = [0usize; 256];
    for b in bytes {
        if let Some(count) = counts.get_mut(usize::from(*b)) {
            *count += 1;
        }
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    let distinct = counts.iter().filter(|c| **c > 0).count();
    most * 2 >= bytes.len() || (bytes.len() >= 8 && distinct <= 3)
}

/// A keyboard-walk such as `abcdefgh…` or `12345678…`: most neighbours differ by one.
fn is_sequence(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    if bytes.len() < 6 {
        return false;
    }
    let steps = bytes
        .windows(2)
        .filter(|w| matches!(w, [a, b] if *b == a.wrapping_add(1)))
        .count();
    steps * 5 >= (bytes.len() - 1) * 4
}

/// A GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, optionally in braces): an id, not a secret.
pub fn is_guid(value: &str) -> bool {
    let v = value
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(value);
    let bytes = v.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A message digest such as a commit id or a SHA-256 (`sha256:…`, `sha512-…` integrity
/// strings, or bare hex of a digest's length): content-derived, not a credential.
pub fn is_digest(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let algorithms = ["sha1", "sha224", "sha256", "sha384", "sha512", "md5"];
    if algorithms.iter().any(|a| {
        lower.strip_prefix(a).is_some_and(|rest| {
            rest.starts_with(':') || rest.starts_with('-') || rest.starts_with('=')
        })
    }) {
        return true;
    }
    matches!(value.len(), 40 | 56 | 64 | 96 | 128) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_recognised() {
        for r in [
            "${{ secrets.AZURE_CLIENT_SECRET }}",
            "$(ClientSecret)",
            "${CLIENT_SECRET}",
            "$CLIENT_SECRET",
            "$env:CLIENT_SECRET",
            "%CLIENT_SECRET%",
            "{{ .Values.clientSecret }}",
            "#{ClientSecret}#",
            "__ClientSecret__",
            "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)",
            "@Microsoft.KeyVault(VaultName=kv;SecretName=x)",
        ] {
            assert!(is_reference(r), "{r}");
            assert!(is_not_a_secret(r), "{r}");
        }
        assert!(!is_reference("$ecr3t P4ss"));
        assert!(!is_reference("J5q-8Nw.S0_kX3vRt7ZpL2mB9cYh4Gd1"));
    }

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "<your-client-secret>",
            "[client secret]",
            "changeme",
            "ChangeMe123!",
            "xxxxxxxxxxxxxxxxxxxx",
            "abc8Q~XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "********",
            "sk-...",
            "dummy-secret-value",
            "an-example-key",
            "SAMPLE_SECRET",
            "REDACTED",
            "Enter_the_Secret_Here",
            "aaaaaaaaaaaaaaaa",
            "0000-0000-0000-0000",
            "abcdefghijklmnopqrstuvwxyz",
            "1234567890",
            "abababababab",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in [
            "J5q-8Nw.S0_kX3vRt7ZpL2mB9cYh4Gd1",
            "Summer2024!",
            "Xk9#mQ2vL7",
        ] {
            assert!(!is_placeholder(real), "{real}");
            assert!(!is_not_a_secret(real), "{real}");
        }
    }

    #[test]
    fn emulator_keys_are_public() {
        assert!(is_well_known_public(AZURITE_ACCOUNT_KEY));
        assert!(is_well_known_public(COSMOS_EMULATOR_KEY));
        assert!(is_well_known_public("UseDevelopmentStorage=true"));
        assert!(!is_well_known_public("UseDevelopmentStorage=false"));
    }

    #[test]
    fn guids_and_digests() {
        assert!(is_guid("0b403db9-bc99-4148-8c0f-1b2a0d70518b"));
        assert!(is_guid("{0B403DB9-BC99-4148-8C0F-1B2A0D70518B}"));
        assert!(!is_guid("0b403db9bc9941488c0f1b2a0d70518b"));
        assert!(is_digest("3f786850e387550fdab836ed7e6dc881de23001b"));
        assert!(is_digest(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ));
        assert!(is_digest("sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="));
        assert!(is_digest("sha256:abcdef"));
        assert!(!is_digest("0123456789abcdef0123456789abcdef"));
        assert!(!is_digest("J5q-8Nw.S0_kX3vRt7ZpL2mB9cYh4Gd1"));
    }
}
