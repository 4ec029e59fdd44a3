//! What a configured value is: a reference to a value held elsewhere, a placeholder left for a
//! human to fill in, or a literal.
//!
//! Extractors classify every value with [`classify`] so that the rules compare literals with
//! literals and never mistake `${{ secrets.PROD_SECRET }}` or `<client-secret>` for a credential.

use regex::Regex;
use std::sync::LazyLock;

/// A value that names where the real value lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// `github-secret`, `github-variable`, `github-env`, `pipeline-variable`, `template-variable`,
    /// `env-var`, `key-vault`, `token-replacement` or `template` from here; extractors add their
    /// own (`github-expression`, `pipeline-expression`, `terraform`, `k8s-secret`, …).
    pub kind: &'static str,
    /// The referenced name as written (`PROD_CLIENT_SECRET`, a Key Vault secret URI, …).
    pub name: String,
}

/// The three kinds of value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Empty or whitespace only.
    Empty,
    /// Points elsewhere.
    Reference(Reference),
    /// Left for a human to fill in (`<client-secret>`, `changeme`, `xxxx`).
    Placeholder,
    /// A value as it will be used.
    Literal,
}

struct Pattern {
    kind: &'static str,
    regex: Regex,
}

fn pattern(kind: &'static str, re: &str) -> Option<Pattern> {
    Regex::new(re).ok().map(|regex| Pattern { kind, regex })
}

/// Whole-value reference syntaxes; the first capture group is the referenced name.
static REFERENCES: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    [
        pattern("github-secret", r"^\$\{\{\s*secrets\.([A-Za-z0-9_-]+)\s*\}\}$"),
        pattern("github-variable", r"^\$\{\{\s*vars\.([A-Za-z0-9_-]+)\s*\}\}$"),
        pattern("github-env", r"^\$\{\{\s*env\.([A-Za-z0-9_-]+)\s*\}\}$"),
        pattern("template-variable", r"^\$\{\{\s*variables\.([A-Za-z0-9_.-]+)\s*\}\}$"),
        pattern("template-variable", r"^\$\{\{\s*parameters\.([A-Za-z0-9_.-]+)\s*\}\}$"),
        pattern("pipeline-variable", r"^\$\(([A-Za-z0-9_.-]+)\)$"),
        pattern("pipeline-variable", r"^\$\[\s*variables\[?'?([A-Za-z0-9_.-]+)'?\]?\s*\]$"),
        // `${X}`, shell defaults `${X:-d}`, Spring `${X:default}` and `${dotted.prop}`.
        pattern("env-var", r"^\$\{([A-Za-z_][A-Za-z0-9_.\[\]-]*)(?::?[-=?+]?[^}]*)?\}$"),
        pattern("env-var", r"^\$([A-Za-z_][A-Za-z0-9_]*)$"),
        pattern("env-var", r"^%([A-Za-z_][A-Za-z0-9_]*)%$"),
        pattern("key-vault", r"^@Microsoft\.KeyVault\((.+)\)$"),
        pattern("key-vault", r"^(https://[A-Za-z0-9-]+\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net)/secrets/\S+)$"),
        pattern("token-replacement", r"^#\{([A-Za-z0-9_.-]+)\}#?$"),
        pattern("token-replacement", r"^__([A-Za-z0-9_.-]+)__$"),
        pattern("template", r"^\{\{\s*(.+?)\s*\}\}$"),
        pattern("template", r"^\{\{-?\s*(.+?)\s*-?\}\}$"),
        pattern("env-var", r"^(?i:env)\(\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*\)$"),
    ]
    .into_iter()
    .flatten()
    .collect()
});

/// Words that mark a value as a placeholder when they make up (most of) it.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "replaceme",
    "todo",
    "tbd",
    "fixme",
    "placeholder",
    "dummy",
    "example",
    "sample",
    "redacted",
    "secret",
    "password",
    "notset",
    "none",
    "null",
    "nil",
    "undefined",
    "your",
    "yours",
    "insert",
    "enter",
    "fill",
    "put",
];

/// Field names that, written as the value, say "put the real one here".
const FIELD_NAMES: &[&str] = &[
    "clientid",
    "tenantid",
    "applicationid",
    "appid",
    "directoryid",
    "clientsecret",
    "subscriptionid",
];

/// Nouns that, before a final `guid` (`tenant-guid`, `web-api-application-guid`), say which
/// id the value stands in for.
const ID_NOUNS: &[&str] = &[
    "tenant",
    "client",
    "application",
    "app",
    "directory",
    "subscription",
];

/// Classifies a value as written (quotes already removed).
pub fn classify(raw: &str) -> ValueKind {
    let value = raw.trim();
    if value.is_empty() {
        return ValueKind::Empty;
    }
    if let Some(reference) = reference(value) {
        return ValueKind::Reference(reference);
    }
    if is_placeholder(value) {
        return ValueKind::Placeholder;
    }
    ValueKind::Literal
}

/// The reference a whole value makes, if it is one.
pub fn reference(value: &str) -> Option<Reference> {
    let value = value.trim();
    REFERENCES.iter().find_map(|p| {
        p.regex.captures(value).and_then(|c| {
            c.get(1).map(|name| Reference {
                kind: p.kind,
                name: name.as_str().to_string(),
            })
        })
    })
}

/// Whether a value is an obvious placeholder: `<…>`, `[…]`, `{…}` wrappers, runs of one character
/// (`xxxx`, `****`, `0000…`), `Enter_the_Application_Id_here`, `your-client-secret`, `changeme`.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    // `[a, b]` with quotes is a list written out; `[Enter the Client Id, e.g. …]` is prose.
    let wrapped = (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('[') && v.ends_with(']') && (!v.contains(',') || !v.contains('"')))
        || (v.starts_with('{')
            && v.ends_with('}')
            && !v.contains(':')
            && !v.contains('"')
            && !is_braced_guid(v));
    if wrapped {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let letters: Vec<char> = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if letters.is_empty() {
        // `***`, `...`, `---`.
        return true;
    }
    // One character repeated, separators aside: `xxxx`, `XXXX-XXXX`, the all-zero GUID.
    if letters.len() >= 3 && letters.iter().all(|c| Some(c) == letters.first()) {
        return true;
    }
    let compact: String = letters.iter().collect();
    if PLACEHOLDER_WORDS.contains(&compact.as_str()) {
        return true;
    }
    // An instruction in capitals (`SET_VIA_USER_SECRETS`, `REPLACE_WITH_KEY_VAULT_VALUE`):
    // three or more upper-case words, nothing a generated value or an id would be.
    let caps_words: Vec<&str> = v.split('_').collect();
    if caps_words.len() >= 3
        && caps_words
            .iter()
            .all(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return true;
    }
    // A value that names the field it stands in for (`aadclientid`, `my-tenant-id`,
    // `MicrosoftClientSecret`): letters only, so it cannot be a mangled GUID or a secret.
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if !compact.bytes().any(|b| b.is_ascii_digit())
        && (FIELD_NAMES.iter().any(|f| compact.contains(f))
            || (words.last() == Some(&"guid") && words.iter().any(|w| ID_NOUNS.contains(w))))
    {
        return true;
    }
    if lower.starts_with("xxxx") {
        return true;
    }
    if lower.starts_with("enter_the_")
        || lower.starts_with("enter-the-")
        || lower.ends_with("_here")
    {
        return true;
    }
    // Made only of words, some of them placeholder words: `your-client-secret`, `change_me`.
    let all_wordlike = words
        .iter()
        .all(|w| w.chars().all(|c| c.is_ascii_lowercase()));
    all_wordlike && words.iter().any(|w| PLACEHOLDER_WORDS.contains(w))
}

/// `{5a1b…}`: a GUID written in braces, as .NET prints them; an id, not a placeholder.
fn is_braced_guid(v: &str) -> bool {
    let inner = v.trim_start_matches('{').trim_end_matches('}');
    inner.len() == 36
        && inner.chars().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(v: &str) -> Option<&'static str> {
        match classify(v) {
            ValueKind::Reference(r) => Some(r.kind),
            _ => None,
        }
    }

    #[test]
    fn recognises_references() {
        assert_eq!(
            kind("${{ secrets.PROD_CLIENT_SECRET }}"),
            Some("github-secret")
        );
        assert_eq!(kind("${{secrets.X}}"), Some("github-secret"));
        assert_eq!(kind("${{ vars.AZURE_CLIENT_ID }}"), Some("github-variable"));
        assert_eq!(kind("$(ClientSecret)"), Some("pipeline-variable"));
        assert_eq!(kind("${{ variables.clientId }}"), Some("template-variable"));
        assert_eq!(kind("${AZURE_CLIENT_SECRET}"), Some("env-var"));
        assert_eq!(kind("${AZURE_CLIENT_SECRET:-}"), Some("env-var"));
        assert_eq!(kind("${AZURE_CLIENT_SECRET:fallback}"), Some("env-var"));
        assert_eq!(kind("${azure.client.secret}"), Some("env-var"));
        assert_eq!(kind("$AZURE_CLIENT_SECRET"), Some("env-var"));
        assert_eq!(kind("%CLIENT_SECRET%"), Some("env-var"));
        assert_eq!(
            kind("@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net/secrets/api-secret/)"),
            Some("key-vault")
        );
        assert_eq!(
            kind("@Microsoft.KeyVault(VaultName=kv;SecretName=s)"),
            Some("key-vault")
        );
        assert_eq!(kind("#{ClientSecret}#"), Some("token-replacement"));
        assert_eq!(kind("{{ .Values.azure.clientSecret }}"), Some("template"));
        match classify("${{ secrets.PROD_SECRET }}") {
            ValueKind::Reference(r) => assert_eq!(r.name, "PROD_SECRET"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn recognises_placeholders() {
        for v in [
            "<client-secret>",
            "<your-client-secret>",
            "changeme",
            "CHANGE_ME",
            "xxxxxxxx",
            "XXXX-XXXX",
            "****",
            "...",
            "Enter_the_Application_Id_here",
            "Enter_the_Client_Secret_Here",
            "your-client-secret",
            "[client-secret]",
            "{client_secret}",
            "00000000-0000-0000-0000-000000000000",
            // Seen on real sample apps and Terraform examples.
            "[Enter the Client Id (Application ID obtained from the Azure portal), e.g. ba74781c2-53c2-442a-97c2-3d60re42f403]",
            "[Copy the client secret added to the app from the Azure portal]",
            "aadclientid",
            "MicrosoftClientSecret",
            "my-tenant-id",
            "tenant-guid",
            "web-api-application-guid",
            "SET_VIA_USER_SECRETS",
            "REPLACE_WITH_KEY_VAULT_VALUE",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn braced_guids_are_values() {
        assert!(!is_placeholder("{5A1B2C3D-6E7F-4A80-9B1C-2D3E4F5A6BC2}"));
        assert!(is_placeholder("{00000000-0000-0000-0000-000000000000}"));
        assert!(is_placeholder("{client_id}"));
        assert!(is_placeholder("<client-secret>"));
        assert!(!is_placeholder("5a1b2c3d-6e7f-4a80-9b1c-2d3e4f5a6bc2"));
    }

    #[test]
    fn literals_stay_literals() {
        for v in [
            "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678",
            "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
            "contoso.onmicrosoft.com",
            "https://login.microsoftonline.com/",
            "/signin-oidc",
            "{3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b}",
            "[\"https://a.contoso.com/\", \"https://b.contoso.com/\"]",
            "clientid2024",
            "not-a-guid",
        ] {
            assert_eq!(classify(v), ValueKind::Literal, "{v}");
        }
        assert_eq!(classify("  "), ValueKind::Empty);
    }
}
