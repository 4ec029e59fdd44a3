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

/// Where a reference points, as written, before the allow-list looks at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WrittenVault {
    /// A URI's host, lower-cased, and whether the scheme was `https`.
    Host {
        /// `https://`, the only scheme a vault token is ever sent over.
        https: bool,
        /// The host as written, lower-cased, without a trailing dot.
        host: String,
    },
    /// `VaultName=…`: a bare vault name, in the public cloud.
    Name(String),
}

/// A Key Vault reference taken apart by its syntax alone: the first stage of [`parse`], which
/// the allow-list ([`allow`]) then accepts or refuses. Kept separate so that a reference the
/// allow-list refuses can still be shown for what it names (the matrix), never read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenRef {
    /// The vault, as the reference writes it.
    pub vault: WrittenVault,
    /// The secret name and version, when the path is `/secrets/{name}[/{version}]` (or the
    /// `SecretName=` form); `None` for another path (`/keys/…`).
    pub secret: Option<(String, Option<String>)>,
    /// The reference as written (shortened), for messages.
    written: String,
}

impl WrittenRef {
    /// The vault as reports name it: the vault name when the host is an allowed vault host,
    /// else the whole host, so a look-alike (`kv.vault.azure.net.evil.example`) never passes
    /// for a vault name.
    pub fn vault_label(&self) -> String {
        match &self.vault {
            WrittenVault::Name(name) => name.clone(),
            WrittenVault::Host { https: true, host } => match vault_host(host) {
                Ok((vault, _)) => vault,
                Err(_) => host.clone(),
            },
            WrittenVault::Host { host, .. } => format!("http://{host}"),
        }
    }
}

/// Parses the inside of `@Microsoft.KeyVault(…)` (`SecretUri=…` or
/// `VaultName=…;SecretName=…[;SecretVersion=…]`) or a bare secret URI, and checks it against the
/// allow-list: [`syntax`] then [`allow`].
pub fn parse(text: &str) -> Result<KeyVaultSecretRef, KeyVaultRefError> {
    allow(syntax(text)?)
}

/// The syntax stage of [`parse`]: what the reference names, nothing checked yet.
pub fn syntax(text: &str) -> Result<WrittenRef, KeyVaultRefError> {
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
        return Ok(uri_syntax(&uri));
    }
    if let (Some(vault), Some(name)) = (field("VaultName"), field("SecretName")) {
        let version = field("SecretVersion").filter(|v| !v.is_empty());
        return Ok(WrittenRef {
            vault: WrittenVault::Name(vault),
            secret: Some((name, version)),
            written: shorten(text),
        });
    }
    if text.starts_with("https://") || text.starts_with("http://") {
        return Ok(uri_syntax(text));
    }
    Err(KeyVaultRefError::Unparsable(shorten(text)))
}

/// The allow-list stage of [`parse`]: only Key Vault hosts of the Azure clouds over `https`,
/// then Key Vault's naming rules. The host is judged before the path, so a host off the list is
/// refused as such whatever follows it.
fn allow(written: WrittenRef) -> Result<KeyVaultSecretRef, KeyVaultRefError> {
    let (vault, suffix) = match written.vault {
        WrittenVault::Name(vault) => (vault, "vault.azure.net"),
        WrittenVault::Host { https: false, host } => {
            return Err(KeyVaultRefError::NotAllowed(shorten(&host)))
        }
        WrittenVault::Host { https: true, host } => vault_host(&host)?,
    };
    match written.secret {
        Some((name, version)) => checked(vault, suffix, name, version),
        None => Err(KeyVaultRefError::Unparsable(written.written)),
    }
}

/// A URI taken apart: scheme, host (up to the first `/`), and a `/secrets/{name}[/{version}]`
/// path; query and fragment dropped.
fn uri_syntax(uri: &str) -> WrittenRef {
    let uri = uri.trim();
    let (https, rest) = match uri.strip_prefix("https://") {
        Some(rest) => (true, rest),
        None => (false, uri.split_once("://").map_or(uri, |(_, rest)| rest)),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or_default().to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_string();
    let segments: Vec<&str> = parts.filter(|p| !p.is_empty()).collect();
    let secret = match segments.as_slice() {
        ["secrets", name] => Some((name.to_string(), None)),
        ["secrets", name, version] => Some((name.to_string(), Some(version.to_string()))),
        _ => None,
    };
    WrittenRef {
        vault: WrittenVault::Host { https, host },
        secret,
        written: shorten(uri),
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

/// The vault DNS suffix of a Secrets Store CSI driver `cloudName` (the Azure provider's cloud
/// names, case-insensitive; empty is the public cloud). Other clouds (Azure Stack's custom
/// environment file) have no suffix on the allow-list: `None`.
pub fn cloud_suffix(cloud: &str) -> Option<&'static str> {
    match cloud.trim().to_ascii_lowercase().as_str() {
        "" | "azurepubliccloud" => Some("vault.azure.net"),
        "azureusgovernmentcloud" => Some("vault.usgovcloudapi.net"),
        "azurechinacloud" => Some("vault.azure.cn"),
        _ => None,
    }
}

/// The reference text of a fact an extractor or join derives for `vault` (a bare name in the
/// cloud of `suffix`) and a secret: the checked reference as App Service writes it, or, when
/// Key Vault's naming rules refuse it, [`refused_text`], which [`parse`] refuses again, so the
/// dry-run reports why and sends nothing.
pub fn derived_text(
    vault: &str,
    suffix: &'static str,
    name: &str,
    version: Option<&str>,
) -> String {
    let (vault, name) = (vault.trim(), name.trim());
    let version = version.map(str::trim).filter(|v| !v.is_empty());
    match checked(
        vault.to_string(),
        suffix,
        name.to_string(),
        version.map(str::to_string),
    ) {
        Ok(reference) => reference.to_reference_text(),
        Err(_) => {
            let mut text = format!(
                "VaultName={};SecretName={}",
                no_fields(vault),
                no_fields(name)
            );
            if let Some(v) = version {
                text.push_str(&format!(";SecretVersion={}", no_fields(v)));
            }
            refused_text(text)
        }
    }
}

/// [`in_vault`] as derived reference text: `SecretUri=…` when the vault (a URI or a name)
/// passes the allow-list, else the vault as written with the secret, made so that [`parse`]
/// refuses it again.
pub fn derived_in_vault(vault: &str, name: &str) -> String {
    match in_vault(vault, name) {
        Ok(reference) => reference.to_reference_text(),
        Err(_) if vault.contains("://") => refused_text(format!(
            "SecretUri={}/secrets/{}",
            no_fields(vault.trim().trim_end_matches('/')),
            no_fields(name.trim())
        )),
        Err(_) => refused_text(format!(
            "VaultName={};SecretName={}",
            no_fields(vault.trim()),
            no_fields(name.trim())
        )),
    }
}

/// `;` made `_` (invalid in every vault, secret and version name), so that a part written in a
/// repository file can never add a field to a derived reference.
fn no_fields(part: &str) -> String {
    part.replace(';', "_")
}

/// A derived reference for something the allow-list refused: kept as written when [`parse`]
/// refuses it again (its error then says why), else a reference refused whatever it names.
/// Nothing written in a repository file can turn a refusal into a read.
fn refused_text(text: String) -> String {
    if parse(&text).is_err() {
        text
    } else {
        "VaultName=_;SecretName=_".to_string()
    }
}

/// The Key Vault secret a Spring Cloud Azure property source reads for a property name:
/// `KeyVaultPropertySource.toKeyVaultSecretName` of spring-cloud-azure-autoconfigure 4.x/5.x
/// (<https://learn.microsoft.com/azure/developer/java/spring-framework/secret-management>,
/// "Special characters in property name" and "Case-sensitive"). Case-insensitive (the
/// default): a name of `[a-zA-Z0-9-]` is lower-cased (`aad-client-secret`), one of `[A-Z0-9_]`
/// lower-cased with `_` as `-` (`AAD_CLIENT_SECRET` is `aad-client-secret`), any other
/// lower-cased with `-` and `_` dropped and `.` as `-` (`aad.client-secret` is
/// `aad-clientsecret`). Case-sensitive: the name as written. The result may still break Key
/// Vault's naming rules (a case-sensitive dotted name): no vault can hold it then.
pub fn spring_secret_name(property: &str, case_sensitive: bool) -> String {
    if case_sensitive {
        return property.to_string();
    }
    let lower = property.to_ascii_lowercase();
    if !property.is_empty()
        && property
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        lower
    } else if !property.is_empty()
        && property
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        lower.replace('_', "-")
    } else {
        lower.replace(['-', '_'], "").replace('.', "-")
    }
}

/// Whether `name` is a valid Key Vault secret name: 1-127 of `[0-9a-zA-Z-]`.
pub fn valid_secret_name(name: &str) -> bool {
    (1..=127).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
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
    // Versions are 32 hex characters.
    if !valid_secret_name(&name) {
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
    #[test]
    fn the_syntax_stage_names_what_the_allow_list_refuses() {
        let evil = syntax("SecretUri=https://kv.vault.azure.net.evil.example/secrets/s").unwrap();
        assert_eq!(evil.vault_label(), "kv.vault.azure.net.evil.example");
        assert_eq!(evil.secret, Some(("s".to_string(), None)));
        assert!(matches!(allow(evil), Err(KeyVaultRefError::NotAllowed(_))));
        let plain = syntax("http://kv.vault.azure.net/secrets/s").unwrap();
        assert_eq!(plain.vault_label(), "http://kv.vault.azure.net");
        let good = syntax("https://KV-Prod.vault.azure.net/secrets/s/").unwrap();
        assert_eq!(good.vault_label(), "kv-prod");
        // A host off the list is refused as such, whatever its path.
        assert!(matches!(
            parse("https://evil.example/keys/k"),
            Err(KeyVaultRefError::NotAllowed(_))
        ));
        assert!(matches!(
            syntax("not a reference"),
            Err(KeyVaultRefError::Unparsable(_))
        ));
    }

    #[test]
    fn derived_references_check_clouds_and_never_turn_a_refusal_into_a_read() {
        let v = "0123456789abcdef0123456789abcdef";
        let gov = derived_text("kv-gov", "vault.usgovcloudapi.net", "api", Some(v));
        assert_eq!(
            gov,
            format!("SecretUri=https://kv-gov.vault.usgovcloudapi.net/secrets/api/{v}")
        );
        assert_eq!(cloud_suffix("AzureChinaCloud"), Some("vault.azure.cn"));
        assert_eq!(cloud_suffix(""), Some("vault.azure.net"));
        assert_eq!(cloud_suffix("AzureStackCloud"), None);
        // `;` in a name cannot add a field: still refused.
        for text in [
            derived_text(
                "kvprod",
                "vault.azure.net",
                &format!("a;SecretVersion={v}"),
                None,
            ),
            derived_text("kvp;rod", "vault.azure.net", "s", None),
            derived_text(" kvprod", "vault.azure.net", "x/y", None),
            derived_text("kvprod", "vault.azure.net", "s", Some("not-a-version")),
            derived_in_vault("https://kv.vault.azure.net/secrets/other;x", "s"),
            derived_in_vault("https://kv.vault.azure.net/secrets", v),
            derived_in_vault("https://kv.contoso.com", "s"),
            derived_in_vault("http://kv.vault.azure.net", "s"),
        ] {
            assert!(parse(&text).is_err(), "{text}");
        }
        assert!(matches!(
            parse(&derived_in_vault("https://kv.contoso.com/", "s")),
            Err(KeyVaultRefError::NotAllowed(_))
        ));
        assert_eq!(
            derived_in_vault("https://kv-prod.vault.azure.net/", "s"),
            "SecretUri=https://kv-prod.vault.azure.net/secrets/s"
        );
    }

    #[test]
    fn spring_property_names_map_to_secret_names_as_spring_cloud_azure_does() {
        for (property, secret) in [
            ("aad-client-secret", "aad-client-secret"),
            ("AadClientSecret", "aadclientsecret"),
            ("AAD_CLIENT_SECRET", "aad-client-secret"),
            ("aad.client.secret", "aad-client-secret"),
            ("my-project.client_secret", "myproject-clientsecret"),
        ] {
            assert_eq!(spring_secret_name(property, false), secret, "{property}");
        }
        assert_eq!(spring_secret_name("AadSecret", true), "AadSecret");
        assert!(!valid_secret_name(&spring_secret_name("aad.secret", true)));
    }
}
