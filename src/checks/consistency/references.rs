//! `cross-env-secret-reference`: a job, stage or settings file of environment X that takes its
//! credential from a secret, variable, variable group or Key Vault entry whose name says it is
//! environment Y's (`STAGING_CLIENT_SECRET` in a production job, `group: stg-secrets` in a
//! production stage, `kv-staging` in `appsettings.Production.json`).
//!
//! Names are split into words (`_ - . /` and other punctuation, camelCase and letter/digit
//! boundaries) and a word sequence names an environment when it equals one of its aliases. A
//! name that also names X itself (`PROD_FROM_STAGING_…`) is not flagged, and words that are part
//! of X's own name (`prod` in `westeurope-prod`) are no evidence of another environment.

use super::message::{join_and, place, severity};
use super::view::View;
use crate::extract::keys::field_for_key;
use crate::inventory::environment::{promotion_rank, EnvironmentNames};
use crate::model::{FactValue, Finding, Inventory, Location, ReferenceKind};

/// Rule id: an environment references a secret, variable or group named for another.
pub const CROSS_ENV_SECRET_REFERENCE: &str = "cross-env-secret-reference";

/// Words that make a plain pipeline variable's name about credentials. Secrets, variable groups
/// and references written as a credential's value always count; a plain variable such as
/// `STAGING_URL` in a production smoke test does not.
const CREDENTIAL_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "password",
    "passwd",
    "pwd",
    "key",
    "credential",
    "credentials",
    "creds",
    "token",
    "cert",
    "certificate",
    "client",
    "clientid",
    "appid",
    "tenant",
    "sp",
    "spn",
    "principal",
    "azure",
    "arm",
    "aad",
    "entra",
    "identity",
    "auth",
    "oidc",
    "subscription",
    "connection",
];

/// One name an environment takes a value from.
struct Use<'a> {
    env: &'a str,
    /// `secret`, `variable group`, `Key Vault reference` …
    what: String,
    /// Set for references written as a credential setting's value (`client secret`).
    setting: Option<&'static str>,
    name: &'a str,
    location: &'a Location,
}

/// `cross-env-secret-reference`: see the module documentation.
pub fn cross_env_secret_reference(view: &View) -> Vec<Finding> {
    let matcher = Matcher::new(view.inventory, &view.names);
    let mut uses: Vec<Use> = view
        .inventory
        .references
        .iter()
        .filter(|r| {
            r.kind != ReferenceKind::Variable
                || field_for_key(&[], &r.name).is_some()
                || words(&r.name)
                    .iter()
                    .any(|w| CREDENTIAL_WORDS.contains(&w.as_str()))
        })
        .map(|r| Use {
            env: &r.environment,
            what: r.kind.as_str().to_string(),
            setting: None,
            name: &r.name,
            location: &r.location,
        })
        .collect();
    for (env, facts) in view.environments() {
        for fact in facts {
            if let FactValue::Reference { kind, name } = &fact.value {
                uses.push(Use {
                    env,
                    what: describe_kind(kind),
                    setting: Some(super::message::field_noun(fact.field)),
                    name,
                    location: &fact.location,
                });
            }
        }
    }
    // A pipeline extractor may report one reference both as a fact and as a scoped reference.
    uses.sort_by(|a, b| {
        (a.location, a.env, a.name, a.setting.is_none()).cmp(&(
            b.location,
            b.env,
            b.name,
            b.setting.is_none(),
        ))
    });
    uses.dedup_by(|a, b| a.location == b.location && a.env == b.env && a.name == b.name);

    let mut out = Vec::new();
    for u in uses {
        let others = matcher.others_named(u.env, u.name);
        if others.is_empty() {
            continue;
        }
        let (env, name, here) = (u.env, u.name, place(u.location));
        let named_for = join_and(&others);
        let first_other = others.first().map(String::as_str).unwrap_or_default();
        let subject = match u.setting {
            Some(setting) => format!("{env}'s {setting} in {here} is the {} {name}", u.what),
            None => format!("{env}'s job in {here} references the {} {name}", u.what),
        };
        out.push(
            Finding::new(
                CROSS_ENV_SECRET_REFERENCE,
                severity(CROSS_ENV_SECRET_REFERENCE),
                u.location.clone(),
                format!(
                    "{subject}, which is named for {named_for}, not {env}. {env} would \
                     authenticate with {first_other}'s credential: it fails with AADSTS7000215 \
                     when that secret does not belong to {env}'s app, and otherwise {env} runs as \
                     {first_other}'s app."
                ),
                &format!("{env}|{name}"),
            )
            .with_environment(env)
            .with_fix(format!(
                "Point {here} at {env}'s own {} (one whose name says {env}), or rename {name} if \
                 it really holds {env}'s value.",
                u.what
            )),
        );
    }
    out
}

/// `Key Vault reference`, `GitHub secret`, … for a fact reference kind.
fn describe_kind(kind: &str) -> String {
    match kind {
        "key-vault" => "Key Vault reference",
        "github-secret" => "GitHub secret",
        "github-variable" => "GitHub variable",
        "github-env" => "workflow env variable",
        "pipeline-variable" => "pipeline variable",
        "template-variable" => "template variable",
        "env-var" => "environment variable",
        "token-replacement" => "replacement token",
        "template" => "template value",
        other => other,
    }
    .to_string()
}

/// Knows every environment's aliases as word sequences: the one test of "this name is named for
/// another environment", shared with `credgate init` so that what init declines to suggest is
/// exactly what this rule reports.
pub(crate) struct Matcher {
    /// `(canonical name, alias as words)`, canonical names in promotion order.
    aliases: Vec<(String, Vec<String>)>,
}

impl Matcher {
    /// The run's aliases (built-in and `credgate.toml`'s) plus every environment the inventory
    /// mentions.
    pub(crate) fn new(inventory: &Inventory, names: &EnvironmentNames) -> Self {
        let mut names = names.clone();
        let mentioned = inventory
            .environments
            .keys()
            .chain(inventory.expectations.keys())
            .chain(inventory.references.iter().map(|r| &r.environment));
        for env in mentioned {
            names.declare(env, &[]);
        }
        let mut canonical: Vec<String> = names.canonical_names().into_iter().collect();
        canonical.sort_by_key(|c| (promotion_rank(c), c.clone()));
        let aliases = canonical
            .iter()
            .flat_map(|c| {
                names
                    .aliases_of(c)
                    .into_iter()
                    .map(|alias| (c.clone(), words(&alias)))
                    .filter(|(_, w)| !w.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        Self { aliases }
    }

    /// The environments other than `env` that `name` names, in promotion order; empty when the
    /// name also names `env` itself.
    pub(crate) fn others_named(&self, env: &str, name: &str) -> Vec<String> {
        let words = words(name);
        let own: Vec<&Vec<String>> = self
            .aliases
            .iter()
            .filter(|(c, _)| c == env)
            .map(|(_, w)| w)
            .collect();
        if own.iter().any(|alias| contains(&words, alias)) {
            return Vec::new();
        }
        let mut others: Vec<String> = Vec::new();
        for (canonical, alias) in &self.aliases {
            if canonical == env || others.contains(canonical) {
                continue;
            }
            let part_of_own_name = own.iter().any(|o| contains(o, alias));
            if !part_of_own_name && contains(&words, alias) {
                others.push(canonical.clone());
            }
        }
        others
    }
}

/// Whether `needle` occurs as a contiguous run in `haystack`.
fn contains(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The lower-case words of a name: split on anything not alphanumeric, on camelCase
/// (`stagingSecret`, `PRODClientSecret`) and on letter/digit boundaries (`kv-prod01`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut current, &mut out);
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        if let Some(prev) = prev.filter(|p| p.is_alphanumeric()) {
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_uppercase()
                    && c.is_uppercase()
                    && next.is_some_and(char::is_lowercase))
                || (prev.is_alphabetic() && c.is_numeric())
                || (prev.is_numeric() && c.is_alphabetic());
            if boundary {
                flush(&mut current, &mut out);
            }
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut current, &mut out);
    out
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    if !current.is_empty() {
        out.push(std::mem::take(current));
    }
}

#[cfg(test)]
mod tests;
