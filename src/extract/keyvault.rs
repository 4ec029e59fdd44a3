//! Key Vault secret references, parsed and checked without I/O. A reference written in a
//! repository file decides where the dry-run sends the CI's vault token, so it goes through an
//! allow-list like the authority does: only Key Vault hosts of the Azure clouds, only valid
//! vault names. Anything else is refused before a byte is sent.

/// The Key Vault DNS suffixes of the Azure clouds: public, US Government, China.
pub const VAULT_SUFFIXES: &[&str] = &[
    "vault.azure.net",
    "vault.usgovcloudapi.net",
    "vault.azure.cn",
];

/// One secret in one vault, as a reference names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyVaultSecretRef {
    /// The vault name (the first label of its host), as written.
    pub vault: String,
    /// The cloud's vault DNS suffix, one of [`VAULT_SUFFIXES`].
    pub suffix: &'static str,
    /// The secret name.
    pub name: String,
    /// A pinned version, if the reference names one.
    pub version: Option<String>,
}

/// Why a Key Vault reference cannot be read. Messages name hosts and names, which are not
/// secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyVaultRefError {
    /// Not one of the reference syntaxes.
    #[error("`{0}` is not a Key Vault secret reference credgate can read")]
    Unparsable(String),
    /// The host is not a Key Vault host of an Azure cloud.
    #[error("host `{0}` is not a Key Vault host on credgate's allow-list (*.vault.azure.net, *.vault.usgovcloudapi.net, *.vault.azure.cn); nothing was sent")]
    NotAllowed(String),
    /// The vault or secret name breaks Key Vault's naming rules.
    #[error("`{0}` is not a valid Key Vault vault or secret name; nothing was sent")]
    BadName(String),
}

impl KeyVaultSecretRef {
    /// `{vault}.{suffix}`: the vault's host, sent as `Host` even to a stand-in.
    pub fn host(&self) -> String {
        format!("{}.{}", self.vault.to_ascii_lowercase(), self.suffix)
    }

    /// The resource the caller's token must be for: `https://{suffix}`.
    pub fn resource(&self) -> String {
        format!("https://{}", self.suffix)
    }

    /// `/secrets/{name}[/{version}]`: the request path.
    pub fn path(&self) -> String {
        match &self.version {
            Some(v) => format!("/secrets/{}/{v}", self.name),
            None => format!("/secrets/{}", self.name),
        }
    }

    /// `key-vault:{vault}/{name}`: the secret's source in reports.
    pub fn source(&self) -> String {
        format!("key-vault:{}/{}", self.vault, self.name)
    }

    /// The reference as App Service writes it, for facts that extractors derive (the ASP.NET
    /// provider, Terraform data sources): `SecretUri=https://{host}/secrets/{name}`.
    pub fn to_reference_text(&self) -> String {
        format!("SecretUri=https://{}{}", self.host(), self.path())
    }
}

/// Parses the inside of `@Microsoft.KeyVault(…)` (`SecretUri=…` or
/// `VaultName=…;SecretName=…[;SecretVersion=…]`) or a bare secret URI.
pub fn parse(text: &str) -> Result<KeyVaultSecretRef, KeyVaultRefError> {
    let text = text.trim();
    let text = text
        .strip_prefix("@Microsoft.KeyVault(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text);
    let field = |key: &str| {
        text.split(';').find_map(|part| {
            let (k, v) = part.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case(key)
                .then(|| v.trim().to_string())
        })
    };
    if let Some(uri) = field("SecretUri") {
        return parse_uri(&uri);
    }
    if let (Some(vault), Some(name)) = (field("VaultName"), field("SecretName")) {
        let version = field("SecretVersion").filter(|v| !v.is_empty());
        return checked(vault, "vault.azure.net", name, version);
    }
    if text.starts_with("https://") || text.starts_with("http://") {
        return parse_uri(text);
    }
    Err(KeyVaultRefError::Unparsable(shorten(text)))
}

/// `https://{vault}.{suffix}/secrets/{name}[/{version}][/]`.
pub fn parse_uri(uri: &str) -> Result<KeyVaultSecretRef, KeyVaultRefError> {
    let uri = uri.trim();
    let Some(rest) = uri.strip_prefix("https://") else {
        let host = uri.split("://").nth(1).unwrap_or(uri);
        return Err(KeyVaultRefError::NotAllowed(shorten(
            host.split('/').next().unwrap_or(host),
        )));
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or_default().to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    let (vault, suffix) = vault_host(host)?;
    let segments: Vec<&str> = parts.filter(|p| !p.is_empty()).collect();
    match segments.as_slice() {
        ["secrets", name] => checked(vault, suffix, name.to_string(), None),
        ["secrets", name, version] => {
            checked(vault, suffix, name.to_string(), Some(version.to_string()))
        }
        _ => Err(KeyVaultRefError::Unparsable(shorten(uri))),
    }
}

/// A vault base URI (`https://kv-prod.vault.azure.net/`) or a bare vault name, as the ASP.NET
/// and Spring providers take them, with the secret to read from it.
pub fn in_vault(vault: &str, name: &str) -> Result<KeyVaultSecretRef, KeyVaultRefError> {
    let vault = vault.trim().trim_end_matches('/');
    if vault.contains("://") {
        let host = vault
            .strip_prefix("https://")
            .ok_or_else(|| KeyVaultRefError::NotAllowed(shorten(vault)))?;
        if host.contains('/') {
            return Err(KeyVaultRefError::Unparsable(shorten(vault)));
        }
        let (v, suffix) = vault_host(&host.to_ascii_lowercase())?;
        return checked(v, suffix, name.to_string(), None);
    }
    checked(vault.to_string(), "vault.azure.net", name.to_string(), None)
}

/// The name the ASP.NET Key Vault configuration provider gives the secret behind a
/// configuration key: `AzureAd:ClientSecret` is the secret `AzureAd--ClientSecret`.
pub fn aspnet_secret_name(key_path: &str) -> String {
    key_path.replace(':', "--")
}

fn vault_host(host: &str) -> Result<(String, &'static str), KeyVaultRefError> {
    let found = VAULT_SUFFIXES.iter().find_map(|suffix| {
        let label = host.strip_suffix(suffix)?.strip_suffix('.')?;
        (!label.contains('.')).then(|| (label.to_string(), *suffix))
    });
    found.ok_or_else(|| KeyVaultRefError::NotAllowed(shorten(host)))
}

fn checked(
    vault: String,
    suffix: &'static str,
    name: String,
    version: Option<String>,
) -> Result<KeyVaultSecretRef, KeyVaultRefError> {
    if !valid_vault_name(&vault) {
        return Err(KeyVaultRefError::BadName(shorten(&vault)));
    }
    // Secret names: 1-127 of `[0-9a-zA-Z-]`; versions are 32 hex characters.
    let name_ok = (1..=127).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !name_ok {
        return Err(KeyVaultRefError::BadName(shorten(&name)));
    }
    if let Some(v) = &version {
        if v.len() != 32 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeyVaultRefError::BadName(shorten(v)));
        }
    }
    Ok(KeyVaultSecretRef {
        vault,
        suffix,
        name,
        version,
    })
}

/// Key Vault's rule for vault names: 3-24 of `[a-zA-Z0-9-]`, starting with a letter.
pub fn valid_vault_name(name: &str) -> bool {
    (3..=24).contains(&name.len())
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn shorten(value: &str) -> String {
    value.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> KeyVaultSecretRef {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn app_service_secret_uri_with_and_without_version() {
        let r = ok("SecretUri=https://kv-prod.vault.azure.net/secrets/AzureAd--ClientSecret/");
        assert_eq!(
            (r.vault.as_str(), r.name.as_str(), r.version.as_deref()),
            ("kv-prod", "AzureAd--ClientSecret", None)
        );
        let v = "0123456789abcdef0123456789abcdef";
        let r = ok(&format!(
            "@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net/secrets/api/{v})"
        ));
        assert_eq!(r.version.as_deref(), Some(v));
        assert_eq!(r.path(), format!("/secrets/api/{v}"));
        assert_eq!(r.host(), "kv-prod.vault.azure.net");
    }

    #[test]
    fn app_service_vault_name_form() {
        let r = ok("VaultName=kv-stg; SecretName=api-secret; SecretVersion=");
        assert_eq!(r.source(), "key-vault:kv-stg/api-secret");
        assert_eq!(r.resource(), "https://vault.azure.net");
        assert_eq!(r.version, None);
    }

    #[test]
    fn sovereign_clouds_keep_their_suffix() {
        let r = ok("https://kv-gov.vault.usgovcloudapi.net/secrets/s");
        assert_eq!(r.resource(), "https://vault.usgovcloudapi.net");
        assert_eq!(
            ok("https://kv-cn.vault.azure.cn/secrets/s").suffix,
            "vault.azure.cn"
        );
    }

    #[test]
    fn hosts_outside_the_allow_list_and_bad_names_are_refused() {
        // `true`: refused as a host off the allow-list; `false`: refused as a bad name.
        let (not_allowed, bad_name) = (true, false);
        let cases: [(&str, bool); 11] = [
            (
                "SecretUri=https://kv.vault.azure.net.evil.example/secrets/s",
                not_allowed,
            ),
            ("SecretUri=https://evil.example/secrets/s", not_allowed),
            ("SecretUri=http://kv.vault.azure.net/secrets/s", not_allowed),
            (
                "SecretUri=https://a.b.vault.azure.net/secrets/s",
                not_allowed,
            ),
            (
                "SecretUri=https://kv.vault.azure.net@evil.example/secrets/s",
                not_allowed,
            ),
            ("VaultName=1kv;SecretName=s", bad_name),
            ("VaultName=kv;SecretName=s", bad_name),
            (
                "VaultName=a-very-long-vault-name-over-24;SecretName=s",
                bad_name,
            ),
            ("VaultName=kv_prod;SecretName=s", bad_name),
            ("VaultName=kvprod;SecretName=a/b", bad_name),
            (
                "SecretUri=https://kvprod.vault.azure.net/secrets/s/notaversion",
                bad_name,
            ),
        ];
        for (text, host) in cases {
            let got = parse(text);
            let refused = match &got {
                Err(KeyVaultRefError::NotAllowed(_)) => host,
                Err(KeyVaultRefError::BadName(_)) => !host,
                _ => false,
            };
            assert!(refused, "{text}: {got:?}");
        }
        assert!(matches!(
            parse("SecretUri=https://kvprod.vault.azure.net/keys/k"),
            Err(KeyVaultRefError::Unparsable(_))
        ));
    }

    #[test]
    fn provider_vaults_and_names() {
        let r = in_vault(
            "https://kv-prod.vault.azure.net/",
            &aspnet_secret_name("AzureAd:ClientSecret"),
        )
        .unwrap();
        assert_eq!(r.source(), "key-vault:kv-prod/AzureAd--ClientSecret");
        assert_eq!(
            in_vault("kv-prod", "s").unwrap().host(),
            "kv-prod.vault.azure.net"
        );
        assert!(in_vault("https://kv.example.com", "s").is_err());
        assert_eq!(
            parse(&r.to_reference_text()).unwrap(),
            r,
            "derived references parse back"
        );
    }
}
