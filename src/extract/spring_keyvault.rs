//! Spring Cloud Azure Key Vault property sources, from the flattened properties of one Spring
//! document (`application.yml`, `application.properties`, a profile's file or document). Each
//! enabled source with an endpoint is a [`ProviderKind::PropertySource`]; `inventory::keyvault`
//! resolves a credential's `${name}` placeholder through it.
//!
//! Read as spring-cloud-azure-autoconfigure reads them
//! (<https://learn.microsoft.com/azure/developer/java/spring-framework/secret-management>,
//! "All configurable properties"): `spring.cloud.azure.keyvault.secret.property-sources[N]`
//! with `endpoint`, `enabled`, `case-sensitive` and `secret-keys`, all off with
//! `spring.cloud.azure.keyvault.secret.property-source-enabled=false`. The 4.x/5.x
//! `spring.cloud.azure.keyvault.secret.endpoint` alone makes no property source (it configures
//! the `SecretClient` bean; `KeyVaultEnvironmentPostProcessor` skips an empty
//! `property-sources`), so it is not one here either. The 3.x
//! azure-keyvault-secrets-spring-boot-starter's `azure.keyvault.uri` (with `enabled`,
//! `secret-keys`, `case-sensitive-keys`) is one source; its multi-vault `azure.keyvault.order`
//! form is not read. Keys bind relaxed, as Spring binds them: case, `-` and `_` ignored.

use super::value::{classify, ValueKind};
use super::vault_sources::{ProviderKind, VaultProvider};
use crate::model::Location;
use std::collections::BTreeMap;

/// One property of a Spring document, flattened: the dotted path (list items as `[N]`) and the
/// value with its place.
pub struct Property<'a> {
    /// The path as written (`spring.cloud.azure.keyvault.secret.property-sources[0].endpoint`).
    pub path: String,
    /// The value as written.
    pub value: &'a str,
    /// 1-based line, column and end column of the value.
    pub at: (u32, u32, u32),
}

/// Whether a property path (as written) is one this module reads, so that flattening a YAML
/// document can skip everything else.
pub fn is_key_vault_path(path: &str) -> bool {
    let p = relaxed(path);
    p.starts_with("spring.cloud.azure.keyvault") || p.starts_with("azure.keyvault")
}

/// The property sources a document configures, in priority order (a source listed first is
/// asked first). `environment` is the document's profile, as written.
pub fn providers(
    path: &str,
    properties: &[Property<'_>],
    environment: Option<&str>,
) -> Vec<VaultProvider> {
    let mut by_path: BTreeMap<String, &Property<'_>> = BTreeMap::new();
    for p in properties {
        // A repeated key keeps its last value.
        by_path.insert(relaxed(&p.path), p);
    }
    let get = |key: &str| by_path.get(key).copied();
    let off = |key: &str| get(key).is_some_and(|p| p.value.trim().eq_ignore_ascii_case("false"));
    let on = |key: &str| get(key).is_some_and(|p| p.value.trim().eq_ignore_ascii_case("true"));
    let provider = |endpoint: &Property<'_>, prefix: &str, case_key: &str| VaultProvider {
        kind: ProviderKind::PropertySource {
            endpoint: (classify(endpoint.value) == ValueKind::Literal)
                .then(|| endpoint.value.trim().to_string()),
            secret_keys: secret_keys(&by_path, &format!("{prefix}secretkeys")),
            case_sensitive: on(&format!("{prefix}{case_key}")),
        },
        location: Location::file(path, endpoint.at.0, endpoint.at.1).with_end_column(endpoint.at.2),
        environment: environment.map(str::to_string),
    };
    let mut out = Vec::new();
    const SOURCES: &str = "spring.cloud.azure.keyvault.secret.propertysources[";
    if !off("spring.cloud.azure.keyvault.secret.propertysourceenabled") {
        let mut indexes: Vec<u32> = by_path
            .keys()
            .filter_map(|k| k.strip_prefix(SOURCES)?.split_once(']')?.0.parse().ok())
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        for index in indexes {
            let prefix = format!("{SOURCES}{index}].");
            let endpoint = get(&format!("{prefix}endpoint")).filter(|e| !e.value.trim().is_empty());
            if let (Some(endpoint), false) = (endpoint, off(&format!("{prefix}enabled"))) {
                out.push(provider(endpoint, &prefix, "casesensitive"));
            }
        }
    }
    let legacy = get("azure.keyvault.uri").filter(|e| !e.value.trim().is_empty());
    if let (Some(uri), false, None) = (
        legacy,
        off("azure.keyvault.enabled"),
        get("azure.keyvault.order"),
    ) {
        out.push(provider(uri, "azure.keyvault.", "casesensitivekeys"));
    }
    out
}

/// `secret-keys`, written as a comma-separated string or as a list (`secret-keys[0]`).
fn secret_keys(by_path: &BTreeMap<String, &Property<'_>>, key: &str) -> Option<Vec<String>> {
    let items = format!("{key}[");
    let mut keys: Vec<String> = by_path
        .iter()
        .filter(|(k, _)| k.as_str() == key || k.starts_with(&items))
        .flat_map(|(_, p)| p.value.split(','))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    keys.dedup();
    (!keys.is_empty()).then_some(keys)
}

/// A property path as Spring's relaxed binding compares it: lower case, `-` and `_` dropped.
fn relaxed(path: &str) -> String {
    path.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The name of a Spring placeholder without a default: `${aad-client-secret}` is
/// `aad-client-secret`; `${name:default}` and anything around the placeholder are not.
pub fn bare_placeholder(raw: &str) -> Option<&str> {
    let name = raw.trim().strip_prefix("${")?.strip_suffix('}')?;
    let plain = !name.is_empty() && !name.contains([':', '{', '}', '$']) && name.trim() == name;
    plain.then_some(name)
}

#[cfg(test)]
mod tests;
