//! The one alias table that folds configuration key names to credential fields.
//!
//! Keys are compared with case and the separators `_ - . :` ignored, so `AZURE_CLIENT_ID`,
//! `ClientId`, `client-id` and `spring.cloud.azure.credential.client-id` all fold to `client_id`.
//! Extractors pass the key with its parent sections, because some names only mean something
//! inside an identity section (`Instance` under `AzureAd` is the authority; elsewhere it is not).

use crate::model::Field;
use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

/// Lower-case with the separators `_ - . :` and spaces removed.
pub fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ':' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Suffixes that identify a field wherever they appear (normalised form).
const SUFFIXES: &[(&str, Field)] = &[
    ("clientid", Field::ClientId),
    ("applicationid", Field::ClientId),
    ("serviceprincipalid", Field::ClientId),
    ("entraidid", Field::ClientId),
    ("tenantid", Field::TenantId),
    ("directoryid", Field::TenantId),
    ("clientsecret", Field::ClientSecret),
    ("serviceprincipalkey", Field::ClientSecret),
    ("clientpassword", Field::ClientSecret),
    ("entraidsecret", Field::ClientSecret),
    ("clientcertificatepath", Field::Certificate),
    ("clientcertificate", Field::Certificate),
    ("certificatepath", Field::Certificate),
    ("certificatethumbprint", Field::Certificate),
    ("authorityhost", Field::Authority),
    ("authority", Field::Authority),
    ("entraidissuer", Field::Authority),
    // Spring Cloud Azure `profile.environment.active-directory-endpoint` (sovereign clouds).
    ("activedirectoryendpoint", Field::Authority),
    ("redirecturi", Field::RedirectUri),
    // Spring `…active-directory.redirect-uri-template`; lists such as `redirectUris`.
    ("redirecturitemplate", Field::RedirectUri),
    ("redirecturis", Field::RedirectUri),
    ("redirecturl", Field::RedirectUri),
    ("replyurl", Field::RedirectUri),
    ("callbackpath", Field::RedirectUri),
];

/// Names that identify a field only inside an identity section (`AzureAd`, `azure/login`
/// inputs, `spring.cloud.azure.*`, a `ClientCredentials` entry …) or with an identity prefix.
const CONTEXTUAL: &[(&str, Field)] = &[
    ("instance", Field::Authority),
    ("tenant", Field::TenantId),
    ("domain", Field::TenantId),
    ("appid", Field::ClientId),
    ("secret", Field::ClientSecret),
    ("clientsecretvalue", Field::ClientSecret),
    ("scope", Field::Scope),
    ("scopes", Field::Scope),
];

/// Words that mark a section or prefix as being about Entra ID credentials.
const IDENTITY_MARKERS: &[&str] = &[
    "azuread",
    "aad",
    "entra",
    "microsoftidentity",
    "identityplatform",
    "azure",
    "arm",
    "msal",
    "oauth",
    "oidc",
    "credential",
    "serviceprincipal",
    "auth",
];

/// Keys that end like a credential field but are something else.
const NOT_CREDENTIALS: &[&str] = &[
    "subscriptionid",
    "objectid",
    "principalid",
    "resourceid",
    // Microsoft.Identity.Web's post-logout path: a front-channel logout URL, not a redirect URI.
    "signedoutcallbackpath",
    // Names of the Kubernetes / Key Vault secret that holds the value, not the value itself
    // (`clientSecret: { existingSecret: api-azuread, key: client-secret }`).
    "existingsecret",
    "secretname",
    "secretref",
    "secretkeyref",
    "secretkey",
    "secretprovider",
    "secretproviderclass",
];

/// Words of which every credential key, or the identity section that gives a contextual key its
/// meaning, contains at least one (checked by a test against the tables above). A config file
/// that contains none of them cannot yield a fact, so extractors skip parsing it.
const KEY_WORDS: &[&str] = &[
    "client",
    "application",
    "principal",
    "entra",
    "tenant",
    "directory",
    "secret",
    "certificate",
    "authority",
    "issuer",
    "redirect",
    "reply",
    "callback",
    "instance",
    "azure",
    "aad",
    "identity",
    "msal",
    "auth",
    "oidc",
    "credential",
    "arm",
];

static KEY_WORD_FINDER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(KEY_WORDS)
        .ok()
});

/// Whether a file's text may hold a credential key (one pass over the bytes). `true` when in
/// doubt.
pub fn may_mention_credentials(bytes: &[u8]) -> bool {
    match KEY_WORD_FINDER.as_ref() {
        Some(finder) => finder.is_match(bytes),
        None => true,
    }
}

/// Whether a section name (normalised or not) is about Entra ID credentials.
pub fn is_identity_context(name: &str) -> bool {
    let n = normalize(name);
    IDENTITY_MARKERS.iter().any(|m| n.contains(m))
}

/// The field a key denotes, given its parent section names (outermost first).
pub fn field_for_key(parents: &[&str], key: &str) -> Option<Field> {
    let n = normalize(key);
    if n.is_empty() || NOT_CREDENTIALS.iter().any(|x| n.ends_with(x)) {
        return None;
    }
    if let Some((_, field)) = SUFFIXES.iter().find(|(s, _)| n.ends_with(s)) {
        return Some(*field);
    }
    let (exact, prefix) = CONTEXTUAL
        .iter()
        .find_map(|(s, f)| n.strip_suffix(s).map(|p| (*f, p)))?;
    let prefixed = !prefix.is_empty() && is_identity_context(prefix);
    let in_section = parents.iter().any(|p| is_identity_context(p));
    (prefixed || in_section).then_some(exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_design_examples() {
        for key in [
            "AZURE_CLIENT_ID",
            "ClientId",
            "client-id",
            "ARM_CLIENT_ID",
            "AZURE_AD_CLIENT_ID",
            "AUTH_MICROSOFT_ENTRA_ID_ID",
            "spring.cloud.azure.credential.client-id",
            "clientId",
        ] {
            assert_eq!(field_for_key(&[], key), Some(Field::ClientId), "{key}");
        }
        for key in [
            "TenantId",
            "ARM_TENANT_ID",
            "directory id",
            "AZURE_TENANT_ID",
        ] {
            assert_eq!(field_for_key(&[], key), Some(Field::TenantId), "{key}");
        }
        for key in [
            "ClientSecret",
            "ARM_CLIENT_SECRET",
            "AZURE_AD_CLIENT_SECRET",
            "AUTH_MICROSOFT_ENTRA_ID_SECRET",
        ] {
            assert_eq!(field_for_key(&[], key), Some(Field::ClientSecret), "{key}");
        }
        assert_eq!(
            field_for_key(&[], "AZURE_AUTHORITY_HOST"),
            Some(Field::Authority)
        );
        assert_eq!(field_for_key(&[], "Authority"), Some(Field::Authority));
        assert_eq!(field_for_key(&[], "RedirectUri"), Some(Field::RedirectUri));
        assert_eq!(field_for_key(&[], "CallbackPath"), Some(Field::RedirectUri));
        assert_eq!(field_for_key(&[], "reply url"), Some(Field::RedirectUri));
    }

    #[test]
    fn contextual_names_need_an_identity_section() {
        assert_eq!(
            field_for_key(&["AzureAd"], "Instance"),
            Some(Field::Authority)
        );
        assert_eq!(field_for_key(&["Database"], "Instance"), None);
        assert_eq!(field_for_key(&[], "Instance"), None);
        assert_eq!(field_for_key(&["AzureAd"], "Domain"), Some(Field::TenantId));
        assert_eq!(field_for_key(&[], "AZURE_APP_ID"), Some(Field::ClientId));
        assert_eq!(field_for_key(&[], "APP_ID"), None);
        assert_eq!(field_for_key(&[], "secret"), None);
    }

    #[test]
    fn spring_and_list_names() {
        let spring = ["spring", "cloud", "azure", "active-directory"];
        assert_eq!(
            field_for_key(&spring, "redirect-uri-template"),
            Some(Field::RedirectUri)
        );
        assert_eq!(
            field_for_key(
                &["spring", "cloud", "azure", "profile", "environment"],
                "active-directory-endpoint"
            ),
            Some(Field::Authority)
        );
        assert_eq!(field_for_key(&[], "redirectUris"), Some(Field::RedirectUri));
    }

    #[test]
    fn key_words_cover_every_key_and_identity_marker() {
        let covered = |name: &str| KEY_WORDS.iter().any(|w| name.contains(w));
        for (suffix, _) in SUFFIXES {
            assert!(covered(suffix), "no key word in {suffix}");
        }
        for marker in IDENTITY_MARKERS {
            assert!(covered(marker), "no key word in {marker}");
        }
        assert!(may_mention_credentials(b"AzureAd:\n  Instance: x"));
        assert!(may_mention_credentials(b"ARM_TENANT_ID=x"));
        assert!(!may_mention_credentials(b"replicas: 3\nimage: nginx\n"));
    }

    #[test]
    fn names_of_secret_holders_are_not_secrets() {
        for key in [
            "existingSecret",
            "secretName",
            "secretKeyRef",
            "clientSecretName",
        ] {
            assert_eq!(
                field_for_key(&["azureAd", "clientSecret"], key),
                None,
                "{key}"
            );
        }
    }

    #[test]
    fn look_alikes_are_not_credentials() {
        assert_eq!(field_for_key(&[], "ARM_SUBSCRIPTION_ID"), None);
        assert_eq!(field_for_key(&[], "AZURE_OBJECT_ID"), None);
        assert_eq!(field_for_key(&[], "DATABASE_URL"), None);
        assert_eq!(field_for_key(&["AzureAd"], "SignedOutCallbackPath"), None);
    }
}
