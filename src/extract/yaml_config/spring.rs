//! Spring Boot `application*.yml` / `bootstrap*.yml`: nested keys are the dotted property path
//! (`spring.cloud.azure.active-directory.credential.client-id`), a document activated by a
//! profile (`spring.config.activate.on-profile: prod`, or the legacy `spring.profiles: prod`) is
//! that profile's configuration, and `${NAME}` / `${NAME:default}` placeholders are resolved from
//! the environment at start-up, so they are references, not values.

use super::super::keys::normalize;
use super::super::spring_keyvault::{self, Property};
use super::super::yaml::{Node, NodeKind};
use super::super::FileFacts;
use super::tree::Sink;
use super::{is_built_in_environment, SOURCE_SPRING};
use regex::Regex;
use std::sync::LazyLock;

/// Reads one Spring document; its facts belong to the profile that activates it, if any.
pub(super) fn read(path: &str, doc: &Node, out: &mut FileFacts) {
    let environment = activating_profile(doc);
    let mut properties = Vec::new();
    key_vault_properties(doc, String::new(), &mut properties);
    out.vault_providers.extend(spring_keyvault::providers(
        path,
        &properties,
        environment.as_deref(),
    ));
    Sink::new(path, SOURCE_SPRING, environment, out)
        .with_spring_placeholders()
        .walk_document(doc);
}

/// The document's Key Vault property-source settings, flattened to dotted paths (list items
/// as `[N]`), whether written nested, with dotted keys, or both.
fn key_vault_properties<'n>(node: &'n Node, prefix: String, out: &mut Vec<Property<'n>>) {
    let child = |key: &str| match prefix.is_empty() {
        true => key.to_string(),
        false => format!("{prefix}.{key}"),
    };
    match &node.kind {
        NodeKind::Scalar { value, .. } => {
            if spring_keyvault::is_key_vault_path(&prefix) {
                let end = node.column + value.chars().count() as u32;
                out.push(Property {
                    path: prefix,
                    value,
                    at: (node.line, node.column, end),
                });
            }
        }
        NodeKind::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                key_vault_properties(item, format!("{prefix}[{index}]"), out);
            }
        }
        NodeKind::Map(_) => {
            for (key, value) in super::tree::effective_entries(node.entries()) {
                let Some(key) = key.as_str() else { continue };
                let path = child(key);
                // Only what can lead to a Key Vault setting is walked.
                let relaxed = normalize_path(&path);
                if ["springcloudazurekeyvault", "azurekeyvault"]
                    .iter()
                    .any(|p| p.starts_with(&relaxed) || relaxed.starts_with(p))
                {
                    key_vault_properties(value, path, out);
                }
            }
        }
    }
}

/// A path with case, `.`, `-`, `_` and list indexes ignored, to compare prefixes cheaply.
fn normalize_path(path: &str) -> String {
    normalize(&path.replace(|c: char| c == '[' || c == ']' || c.is_ascii_digit(), ""))
}

/// Spring's property placeholder: `${NAME}`, `${NAME:default}`, `${dotted.property:default}`.
static PLACEHOLDER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\$\{([A-Za-z_][A-Za-z0-9_.\[\]-]*)(?::[\s\S]*)?\}$").ok());

/// The name a Spring placeholder refers to, when the whole value is one.
pub(super) fn placeholder(raw: &str) -> Option<String> {
    let re = PLACEHOLDER.as_ref()?;
    let captures = re.captures(raw.trim())?;
    captures.get(1).map(|m| m.as_str().to_string())
}

/// Normalised property paths that scope a document to profiles.
const ACTIVATION_KEYS: [&str; 2] = ["springconfigactivateonprofile", "springprofiles"];

/// The profile a document is activated by, as written, when it names one environment: a single
/// profile (`prod`, `uat`), or among several (`prod, cloud`) the only one that is a built-in
/// environment name. Negations and other expressions (`!prod`) scope no environment.
fn activating_profile(doc: &Node) -> Option<String> {
    let node = find_activation(doc, String::new())?;
    let mut names: Vec<&str> = Vec::new();
    let values: Vec<&str> = match &node.kind {
        NodeKind::Scalar { value, .. } => vec![value.as_str()],
        NodeKind::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
        NodeKind::Map(_) => return None,
    };
    for value in values {
        for token in value.split([',', '&', '|', '(', ')', ' ']) {
            let token = token.trim();
            if token.starts_with('!') {
                return None;
            }
            if !token.is_empty() {
                names.push(token);
            }
        }
    }
    match names.as_slice() {
        [one] => Some((*one).to_string()),
        _ => {
            let mut known = names.iter().filter(|n| is_built_in_environment(n));
            match (known.next(), known.next()) {
                (Some(one), None) => Some((*one).to_string()),
                _ => None,
            }
        }
    }
}

/// The node at an activation property path, whether written nested or with dotted keys.
fn find_activation(node: &Node, prefix: String) -> Option<&Node> {
    let mut found = None;
    for (key, value) in super::tree::effective_entries(node.entries()) {
        let Some(key) = key.as_str() else { continue };
        let path = format!("{prefix}{}", normalize(key));
        if ACTIVATION_KEYS.contains(&path.as_str()) && !value.is_map() {
            found = Some(value);
        } else if value.is_map() && ACTIVATION_KEYS.iter().any(|k| k.starts_with(&path)) {
            if let Some(inner) = find_activation(value, path) {
                found = Some(inner);
            }
        }
    }
    found
}
