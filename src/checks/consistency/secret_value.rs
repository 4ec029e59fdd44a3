//! Rules about one credential value on its own: `secret-whitespace` (leading or trailing
//! whitespace, invisible characters or stray quotes in a secret), `secret-id-as-value` (a GUID
//! where the secret belongs: the Secret ID was pasted) and `placeholder-credential` (a
//! placeholder left in a deployed environment).

use super::message::{field_noun, place, severity};
use super::normalize::is_strict_guid;
use super::view::{is_placeholder_fact, secret_literal, View};
use crate::inventory::environment::DEVELOPMENT;
use crate::model::{Fact, FactValue, Field, Finding};
use crate::secret::{Redacted, SecretValue};

/// Rule id: whitespace or quotes around a secret.
pub const SECRET_WHITESPACE: &str = "secret-whitespace";
/// Rule id: the Secret ID pasted instead of the secret's value.
pub const SECRET_ID_AS_VALUE: &str = "secret-id-as-value";
/// Rule id: a placeholder in a deployed environment.
pub const PLACEHOLDER_CREDENTIAL: &str = "placeholder-credential";

/// Every fact with the environment it belongs to (`None` for base configuration).
fn scoped<'a>(view: &View<'a>) -> Vec<(Option<&'a str>, &'a Fact)> {
    let mut out: Vec<(Option<&str>, &Fact)> = Vec::new();
    for (env, facts) in view.environments() {
        out.extend(facts.iter().map(|f| (Some(env), *f)));
    }
    out.extend(view.unassigned().iter().map(|f| (None, *f)));
    out
}

fn subject(env: Option<&str>, noun: &str) -> String {
    env.map_or_else(|| format!("The {noun}"), |e| format!("{e}'s {noun}"))
}

fn scoped_finding(finding: Finding, env: Option<&str>) -> Finding {
    match env {
        Some(env) => finding.with_environment(env),
        None => finding,
    }
}

/// `secret-whitespace`: in every environment and in base configuration.
pub fn secret_whitespace(view: &View) -> Vec<Finding> {
    let mut out = Vec::new();
    for (env, fact) in scoped(view) {
        let Some(secret) = secret_literal(fact) else {
            continue;
        };
        let Some(flaw) = describe_flaws(secret.expose()) else {
            continue;
        };
        let here = place(&fact.location);
        out.push(scoped_finding(
            Finding::new(
                SECRET_WHITESPACE,
                severity(SECRET_WHITESPACE),
                fact.location.clone(),
                format!(
                    "{} in {here} {flaw}. Entra compares secrets character for character, so the \
                     token request fails with AADSTS7000215.",
                    subject(env, "client secret")
                ),
                &format!("{}|{}", env.unwrap_or(""), secret.fingerprint()),
            )
            .with_redacted(redacted(secret))
            .with_fix(format!(
                "Remove the extra characters around the secret in {here} (check how the value was \
                 pasted, and that the file or variable has no quoting of its own)."
            )),
            env,
        ));
    }
    out
}

/// The secret without what a paste or a quoting mistake added at its edges (whitespace,
/// invisible characters, quotes): the value as Entra knows it. Every report fingerprints this
/// form, so one secret has one fingerprint whether or not a copy of it carries a trailing space.
pub fn trimmed(value: &str) -> &str {
    value.trim_matches(is_flaw)
}

/// The redacted form (hint and fingerprint) of a credential secret, taken from [`trimmed`].
pub fn redacted(secret: &SecretValue) -> Redacted {
    Redacted::of(trimmed(secret.expose()))
}

/// What is wrong at the edges of a secret, e.g. `has a trailing newline` or `is wrapped in
/// double quotes`; `None` when the edges are clean. Never includes the value.
pub fn describe_flaws(value: &str) -> Option<String> {
    let chars: Vec<char> = value.chars().collect();
    let lead = chars.iter().take_while(|c| is_flaw(**c)).count();
    let trail = if lead == chars.len() {
        0
    } else {
        chars.iter().rev().take_while(|c| is_flaw(**c)).count()
    };
    if lead == 0 && trail == 0 {
        return None;
    }
    let leading = chars.get(..lead).unwrap_or_default();
    let trailing = chars.get(chars.len() - trail..).unwrap_or_default();
    if let ([open], [close]) = (leading, trailing) {
        if open == close && matches!(open, '"' | '\'') {
            return Some(format!("is wrapped in {}s", char_name(*open)));
        }
    }
    let parts: Vec<String> = [("leading", leading), ("trailing", trailing)]
        .into_iter()
        .filter(|(_, run)| !run.is_empty())
        .map(|(side, run)| edge_phrase(side, run))
        .collect();
    Some(format!("has {}", parts.join(" and ")))
}

/// `a trailing space`, `2 trailing spaces`, `a trailing carriage return and newline`.
fn edge_phrase(side: &str, run: &[char]) -> String {
    let groups = run_groups(run);
    match groups.as_slice() {
        [(c, n)] if *n > 1 => format!("{n} {side} {}s", char_name(*c)),
        _ => format!("a {side} {}", names(&groups)),
    }
}

/// Whitespace, invisible characters and quotes: what a copy-paste or a quoting mistake adds.
fn is_flaw(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}' | '"' | '\'')
}

/// Consecutive equal characters counted: `\r\n\n` → `[('\r', 1), ('\n', 2)]`.
fn run_groups(run: &[char]) -> Vec<(char, usize)> {
    let mut groups: Vec<(char, usize)> = Vec::new();
    for &c in run {
        match groups.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => groups.push((c, 1)),
        }
    }
    groups
}

/// `carriage return and 2 newlines`.
fn names(groups: &[(char, usize)]) -> String {
    let names: Vec<String> = groups
        .iter()
        .map(|(c, n)| {
            if *n == 1 {
                char_name(*c)
            } else {
                format!("{n} {}s", char_name(*c))
            }
        })
        .collect();
    names.join(" and ")
}

fn char_name(c: char) -> String {
    match c {
        ' ' => "space".to_string(),
        '\t' => "tab".to_string(),
        '\n' => "newline".to_string(),
        '\r' => "carriage return".to_string(),
        '\u{a0}' => "non-breaking space".to_string(),
        '\u{200b}' => "zero-width space".to_string(),
        '\u{feff}' => "byte-order mark".to_string(),
        '"' => "double quote".to_string(),
        '\'' => "single quote".to_string(),
        other => format!("U+{:04X} whitespace character", u32::from(other)),
    }
}

/// `secret-id-as-value`: a secret that is exactly a GUID, in every environment and in base
/// configuration.
pub fn secret_id_as_value(view: &View) -> Vec<Finding> {
    let mut out = Vec::new();
    for (env, fact) in scoped(view) {
        let Some(secret) = secret_literal(fact) else {
            continue;
        };
        if !is_strict_guid(secret.expose().trim()) {
            continue;
        }
        let here = place(&fact.location);
        out.push(scoped_finding(
            Finding::new(
                SECRET_ID_AS_VALUE,
                severity(SECRET_ID_AS_VALUE),
                fact.location.clone(),
                format!(
                    "{} in {here} is a GUID: that is the Secret ID shown next to the secret in \
                     Certificates & secrets, not the secret's Value, so the token request fails \
                     with AADSTS7000215.",
                    subject(env, "client secret")
                ),
                &format!("{}|{}", env.unwrap_or(""), secret.fingerprint()),
            )
            .with_redacted(redacted(secret))
            .with_fix(
                "Use the secret's Value, which the portal shows only right after the secret is \
                 created; if it is gone, create a new secret (az ad app credential reset --id \
                 <client id> --append) and store its value in the secret store.",
            ),
            env,
        ));
    }
    out
}

/// Credential fields a deployed environment needs real values for.
const CREDENTIAL_FIELDS: &[Field] = &[
    Field::TenantId,
    Field::ClientId,
    Field::ClientSecret,
    Field::Certificate,
];

/// `placeholder-credential`: placeholders in the environment's own values, for environments
/// that are deployed (every one but development, unless `credgate.toml` says otherwise).
/// Base configuration and templates are expected to hold placeholders.
pub fn placeholder_credential(view: &View) -> Vec<Finding> {
    let mut out = Vec::new();
    for (env, facts) in view.environments() {
        let deployed = view
            .expectation(env)
            .and_then(|e| e.deployed)
            .unwrap_or(env != DEVELOPMENT);
        if !deployed {
            continue;
        }
        for fact in facts {
            if !CREDENTIAL_FIELDS.contains(&fact.field) || !is_placeholder_fact(fact) {
                continue;
            }
            let here = place(&fact.location);
            let noun = field_noun(fact.field);
            let what = match &fact.value {
                FactValue::Plain(v) => format!("the placeholder `{}`", shorten(v, 60)),
                _ => "a placeholder".to_string(),
            };
            let consequence = match fact.field {
                Field::TenantId => "Entra cannot resolve it as a tenant (AADSTS900023)",
                Field::ClientId => "Entra finds no app with that id (AADSTS700016)",
                Field::ClientSecret => "it is sent as the secret and fails with AADSTS7000215",
                _ => {
                    "no certificate can be loaded to sign the client assertion, so the request \
                     carries no credential (AADSTS7000218)"
                }
            };
            out.push(
                Finding::new(
                    PLACEHOLDER_CREDENTIAL,
                    severity(PLACEHOLDER_CREDENTIAL),
                    fact.location.clone(),
                    format!("{env}'s {noun} in {here} is still {what}; {consequence}."),
                    &format!("{env}|{}", fact.field.as_str()),
                )
                .with_environment(env)
                .with_fix(format!(
                    "Put {env}'s real {noun} in {here}{}, or declare deployed = false under \
                     [environments.{env}] in credgate.toml if {env} is never deployed.",
                    if fact.field == Field::ClientSecret {
                        " as a reference to the pipeline's secret store or Key Vault, never the \
                         value itself"
                    } else {
                        ""
                    }
                )),
            );
        }
    }
    out
}

fn shorten(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_string()
    } else {
        let head: String = value.chars().take(max).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests;
