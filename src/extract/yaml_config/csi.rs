//! Secrets Store CSI driver `SecretProviderClass` objects of the Azure provider
//! (`apiVersion: secrets-store.csi.x-k8s.io/v1`, `spec.provider: azure`): the vault
//! (`parameters.keyvaultName`, in the cloud `parameters.cloudName` names), the vault objects it
//! mounts (`parameters.objects`, YAML inside a string), and the Kubernetes Secrets it syncs them
//! into (`secretObjects`, each naming an object by its alias or name). Each synced key is a [`ProviderKind::SyncedKey`], which
//! `inventory::keyvault` joins to the containers' `secretKeyRef`s; a key or alias that is itself
//! a credential name (`AZURE_CLIENT_SECRET`, read through `envFrom`) is also a fact here. Only
//! `objectType: secret` objects stored as they are count: keys and certificates are no client
//! secret, and a base64 or hex `objectEncoding` is decoded by the driver, so the vault's value
//! is not the one the container sees. Other providers (HashiCorp Vault, AWS, GCP) name no Key
//! Vault.

use super::super::keyvault::{cloud_suffix, derived_text};
use super::super::value::reference;
use super::super::vault_sources::ProviderKind;
use super::super::yaml::{self, Node};
use super::tree::Sink;

/// One vault object of `parameters.objects` that can be a client secret.
struct VaultObject {
    /// `objectName`: the secret's name in the vault.
    name: String,
    /// `objectAlias`, else `objectName`: the name `secretObjects` and the mount use.
    alias: String,
    /// `objectVersion`, when pinned.
    version: Option<String>,
}

/// Reads a `SecretProviderClass`: facts for credential-named keys and aliases, providers for
/// every synced key. `object` is the object's `metadata.name`.
pub(super) fn read(sink: &mut Sink<'_>, text: &str, object: &str, doc: &Node) {
    let Some(spec) = doc.get("spec") else { return };
    if !spec
        .get_str("provider")
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("azure"))
    {
        return;
    }
    let parameters = spec.get("parameters");
    // A template's `$KEYVAULT_NAME` or `<your-vault>` names no vault yet.
    let Some(vault) = parameters
        .and_then(|p| p.get_str("keyvaultName"))
        .map(str::trim)
        .filter(|v| literal(v))
    else {
        return;
    };
    // A cloud off the allow-list (Azure Stack) names no vault credgate may read.
    let cloud = parameters
        .and_then(|p| p.get_str("cloudName"))
        .unwrap_or("");
    let Some(suffix) = cloud_suffix(cloud) else {
        return;
    };
    let reference = |o: &VaultObject| derived_text(vault, suffix, &o.name, o.version.as_deref());
    let Some(objects) = parameters.and_then(|p| p.get("objects")) else {
        return;
    };
    let listing = match objects.as_str() {
        Some(listing) => vault_objects(listing),
        None => Vec::new(),
    };
    let parents = [object, "objects"];
    for o in &listing {
        let at = locate_object_name(text, objects.line, &o.name)
            .unwrap_or((objects.line, objects.column));
        let end = at.1 + o.name.chars().count() as u32;
        sink.reference(
            &parents,
            &o.alias,
            "key-vault",
            reference(o),
            (at.0, at.1, end),
        );
    }
    let parents = [object, "secretObjects"];
    for secret in spec.get("secretObjects").map(Node::items).unwrap_or(&[]) {
        let Some(secret_name) = secret.get_str("secretName") else {
            continue;
        };
        for entry in secret.get("data").map(Node::items).unwrap_or(&[]) {
            let (Some(key), Some(name_node)) = (entry.get_str("key"), entry.get("objectName"))
            else {
                continue;
            };
            let Some(alias) = name_node.as_str() else {
                continue;
            };
            // "the object name or object alias" (the driver's own example): the alias first.
            let found = listing.iter().find(|o| o.alias == alias);
            let Some(o) = found.or_else(|| listing.iter().find(|o| o.name == alias)) else {
                continue;
            };
            let end = name_node.column + alias.chars().count() as u32;
            let at = (name_node.line, name_node.column, end);
            sink.reference(&parents, key, "key-vault", reference(o), at);
            let kind = ProviderKind::SyncedKey {
                secret: secret_name.to_string(),
                key: key.to_string(),
                reference: reference(o),
            };
            sink.provider(kind, at);
        }
    }
}

/// The secret objects of a `SecretProviderClass` `objects` parameter, which is YAML inside a
/// string: `array:` of strings that are each a small YAML mapping.
fn vault_objects(listing: &str) -> Vec<VaultObject> {
    let Ok(docs) = yaml::parse(listing) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in &docs {
        for item in doc.get("array").map(Node::items).unwrap_or(&[]) {
            let parsed;
            let object = match item.as_str() {
                Some(inner) => match yaml::parse(inner) {
                    Ok(mut d) if !d.is_empty() => {
                        parsed = d.swap_remove(0);
                        &parsed
                    }
                    _ => continue,
                },
                None => item,
            };
            let field = |key: &str| object.get_str(key).map(str::trim).filter(|v| !v.is_empty());
            let secret = field("objectType").is_some_and(|t| t.eq_ignore_ascii_case("secret"));
            let decoded = field("objectEncoding").is_some_and(|e| !e.eq_ignore_ascii_case("utf-8"));
            let Some(name) = field("objectName").filter(|n| literal(n)) else {
                continue;
            };
            let version = field("objectVersion");
            if secret && !decoded && version.is_none_or(literal) {
                out.push(VaultObject {
                    name: name.to_string(),
                    alias: field("objectAlias").unwrap_or(name).to_string(),
                    version: version.map(str::to_string),
                });
            }
        }
    }
    out
}

/// Whether a parameter is a name as written, not a reference or placeholder a template fills
/// in (`$SECRET_NAME`, `${KV}`, `<vault-name>`).
fn literal(value: &str) -> bool {
    // Not `value::classify`: `api-client-secret` is a fine secret name, not a placeholder.
    reference(value).is_none() && !value.contains(['$', '<', '>', '{', '}'])
}

/// Where `objectName: <name>` is written in the file, searching from the `objects` parameter's
/// line: the positions inside the embedded YAML string are relative to the string, not the file.
fn locate_object_name(text: &str, from_line: u32, name: &str) -> Option<(u32, u32)> {
    for (index, line) in text
        .lines()
        .enumerate()
        .skip(from_line.saturating_sub(1) as usize)
    {
        let Some(at) = line.find("objectName:") else {
            continue;
        };
        let rest = line.get(at + "objectName:".len()..)?;
        let value = rest.trim_start();
        let unquoted = value.trim_start_matches(['"', '\'']);
        if unquoted.trim_end().trim_end_matches(['"', '\'']) == name {
            let byte = line.len() - unquoted.len();
            let column = line.get(..byte)?.chars().count() as u32 + 1;
            return Some((index as u32 + 1, column));
        }
    }
    None
}
