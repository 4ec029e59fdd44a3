//! Joins Key Vault providers to the references they resolve, once every value has its
//! environment: a container's `secretKeyRef` to the Kubernetes Secret a CSI
//! `SecretProviderClass` syncs from a vault, a Spring `${name}` placeholder to the app's Key
//! Vault property source. A resolved client secret becomes a `key-vault` reference, written as
//! `extract::keyvault::derived_text` writes it, so the dry-run reads it through the one parser
//! and allow-list like every other reference. Pure: it only rewrites what the extractors found.
//!
//! Which providers count for a reference, never guessing a vault:
//!
//! - **Matching**: a `secretKeyRef {name, key}` matches a `secretObjects` entry with that
//!   `secretName` and `key` (anywhere in the repository: manifests rarely sit beside the app);
//!   a placeholder without a default matches a property source of the same app whose
//!   `secret-keys` (if set) lists it, under Spring Cloud Azure's name mapping
//!   (`extract::keyvault::spring_secret_name`). A name no vault can hold matches nothing.
//! - **Scope**: for a value of environment X, X's own providers, else the base
//!   configuration's (as a profile's `property-sources` replace the base list in Spring). A
//!   base value is resolved by the base providers; an environment with providers of its own
//!   (`overlays/prod/spc.yaml`, `application-prod.yml`) and no secret of its own also gets the
//!   value through them, as a fact on that provider.
//! - **Ambiguity**: the matching providers of the scope must name one and the same vault
//!   secret. Two property sources that may both hold the name (Spring asks them in order and
//!   takes the first vault that has it, which only the vaults know), two Secrets synced from
//!   different vault secrets, or a source whose endpoint is no literal, leave the reference as
//!   it is. A reference that matches nothing stays what it was.

use crate::extract::keyvault::{derived_in_vault, spring_secret_name, valid_secret_name};
use crate::extract::vault_sources::{ProviderKind, VaultProvider};
use crate::model::{Fact, FactValue, Field, Inventory, Location};
use std::collections::{BTreeSet, HashSet};

/// A provider with the canonical environment its file or document gives it (`None`: base).
pub type ScopedProvider = (VaultProvider, Option<String>);

/// Resolves every client-secret reference the providers supply; see the module comment.
/// `placeholders` are the places of Spring placeholders without a default.
pub fn resolve(inventory: &mut Inventory, providers: &[ScopedProvider], placeholders: &[Location]) {
    if providers.is_empty() {
        return;
    }
    let placeholders: HashSet<&Location> = placeholders.iter().collect();
    let roots = inventory.project_roots.clone();
    let join = Join {
        providers,
        placeholders: &placeholders,
        roots: &roots,
    };
    let has_own_secret: BTreeSet<String> = inventory
        .environments
        .iter()
        .filter(|(_, facts)| facts.iter().any(|f| f.field == Field::ClientSecret))
        .map(|(env, _)| env.clone())
        .collect();
    for (env, facts) in inventory.environments.iter_mut() {
        for fact in facts.iter_mut() {
            let resolved = match join.resolved(fact, Some(env.as_str())) {
                Resolution::NoMatch => join.resolved(fact, None),
                own => own,
            };
            if let Resolution::One(text, _) = resolved {
                fact.value = vault_value(text);
            }
        }
    }
    let scoped_envs: BTreeSet<&str> = providers.iter().filter_map(|(_, e)| e.as_deref()).collect();
    let mut derived: Vec<(String, Fact)> = Vec::new();
    for fact in inventory.unassigned.iter_mut() {
        for env in &scoped_envs {
            if has_own_secret.contains(*env) {
                continue;
            }
            match join.resolved(fact, Some(env)) {
                Resolution::One(text, at) => {
                    let copy = Fact {
                        environment: Some(env.to_string()),
                        value: vault_value(text),
                        location: at.clone(),
                        ..fact.clone()
                    };
                    derived.push((env.to_string(), copy));
                }
                // The profile's sources replace the base's and none holds it: the environment
                // keeps the placeholder unresolved rather than inherit the base's vault.
                Resolution::Replaced => {
                    let copy = Fact {
                        environment: Some(env.to_string()),
                        ..fact.clone()
                    };
                    derived.push((env.to_string(), copy));
                }
                Resolution::NoMatch | Resolution::Ambiguous => {}
            }
        }
        if let Resolution::One(text, _) = join.resolved(fact, None) {
            fact.value = vault_value(text);
        }
    }
    let mut seen = HashSet::new();
    for (env, fact) in derived {
        if seen.insert((env.clone(), fact.location.clone(), fact.field)) {
            inventory.environments.entry(env).or_default().push(fact);
        }
    }
}

/// What the providers of one scope make of a reference.
enum Resolution<'a> {
    /// None of them matches it.
    NoMatch,
    /// None matches, but a Spring property-source list of the fact's app is there: it replaces
    /// the base configuration's list, as Spring does, so the base is not asked either.
    Replaced,
    /// Several match and disagree, or one names no vault.
    Ambiguous,
    /// They all name this vault secret; the place is the first matching provider's.
    One(String, &'a Location),
}

/// The providers and what they may resolve.
struct Join<'a> {
    providers: &'a [ScopedProvider],
    placeholders: &'a HashSet<&'a Location>,
    roots: &'a crate::inventory::app::ProjectRoots,
}

impl Join<'_> {
    /// What the providers of `scope` (an environment, or `None`: the base configuration) make
    /// of `fact`.
    fn resolved(&self, fact: &Fact, scope: Option<&str>) -> Resolution<'_> {
        if fact.field != Field::ClientSecret {
            return Resolution::NoMatch;
        }
        let FactValue::Reference { kind, name } = &fact.value else {
            return Resolution::NoMatch;
        };
        let mut found: Option<(String, &Location)> = None;
        let mut replaced = false;
        for (provider, env) in self.providers {
            if env.as_deref() != scope {
                continue;
            }
            replaced |= self.spring_list_of_its_app(fact, kind, provider);
            let Some(candidate) = self.candidate(fact, kind, name, provider) else {
                continue;
            };
            // A match naming no vault (an endpoint that is no literal) makes it ambiguous.
            let Some(text) = candidate else {
                return Resolution::Ambiguous;
            };
            match &found {
                Some((first, _)) if *first != text => return Resolution::Ambiguous,
                Some(_) => {}
                None => found = Some((text, &provider.location)),
            }
        }
        match found {
            Some((text, at)) => Resolution::One(text, at),
            None if replaced => Resolution::Replaced,
            None => Resolution::NoMatch,
        }
    }

    /// Whether `provider` is a Spring Key Vault property source of the app `fact` is in, for a
    /// placeholder it could serve: then it is part of the list that replaces the base one.
    fn spring_list_of_its_app(&self, fact: &Fact, kind: &str, provider: &VaultProvider) -> bool {
        matches!(provider.kind, ProviderKind::PropertySource { .. })
            && kind == "env-var"
            && self.placeholders.contains(&fact.location)
            && match (&fact.location.file, &provider.location.file) {
                (Some(file), Some(source)) => {
                    crate::inventory::app::same_app(file, source, self.roots)
                }
                _ => false,
            }
    }

    /// Whether `provider` may supply the reference `kind:name` held by `fact`: `None` when it
    /// does not, `Some(None)` when it may but names no vault, else the vault secret.
    fn candidate(
        &self,
        fact: &Fact,
        kind: &str,
        name: &str,
        provider: &VaultProvider,
    ) -> Option<Option<String>> {
        match &provider.kind {
            ProviderKind::SyncedKey {
                secret,
                key,
                reference,
            } => {
                let matches = kind == "k8s-secret"
                    && name.split_once('/') == Some((secret.as_str(), key.as_str()));
                matches.then(|| Some(reference.clone()))
            }
            ProviderKind::PropertySource {
                endpoint,
                secret_keys,
                case_sensitive,
            } => {
                if !self.spring_list_of_its_app(fact, kind, provider) {
                    return None;
                }
                let secret = spring_secret_name(name, *case_sensitive);
                let listed = secret_keys.as_ref().is_none_or(|keys| {
                    keys.iter()
                        .any(|k| spring_secret_name(k, *case_sensitive) == secret)
                });
                (valid_secret_name(&secret) && listed)
                    .then(|| endpoint.as_ref().map(|e| derived_in_vault(e, &secret)))
            }
        }
    }
}

/// A client secret held in Key Vault, as reference text for `extract::keyvault::parse`.
fn vault_value(text: String) -> FactValue {
    FactValue::Reference {
        kind: "key-vault".to_string(),
        name: text,
    }
}

#[cfg(test)]
mod tests;
