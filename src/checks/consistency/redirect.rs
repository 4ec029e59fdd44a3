//! `redirect-uri-mismatch`: a redirect URI of an environment ranked above test (staging,
//! production, any other named environment) that points at a developer machine (`localhost`,
//! loopback, `*.local`) or at a host an earlier environment's redirect URIs use, unless
//! `credgate.toml` lists the host in that environment's `redirect_hosts`. Relative redirect URIs
//! (a bare `CallbackPath`) take the request's own host and are skipped.

use super::message::{place, severity};
use super::normalize::{is_local_host, uri_host};
use super::view::{plain_literal, View};
use crate::inventory::environment::{promotion_rank, TEST};
use crate::model::{Fact, Field, Finding};
use std::collections::{BTreeMap, BTreeSet};

/// Rule id: a deployed redirect URI on localhost or another environment's host.
pub const REDIRECT_URI_MISMATCH: &str = "redirect-uri-mismatch";

/// `redirect-uri-mismatch`: see the module documentation.
pub fn redirect_uri_mismatch(view: &View) -> Vec<Finding> {
    // Host → environments whose own redirect URIs use it (first place each), promotion order.
    let mut users: BTreeMap<String, Vec<(&str, &Fact)>> = BTreeMap::new();
    for (env, facts) in view.environments() {
        for (host, fact) in redirect_hosts(facts) {
            let list = users.entry(host).or_default();
            if !list.iter().any(|(e, _)| *e == env) {
                list.push((env, fact));
            }
        }
    }

    let mut out = Vec::new();
    for (env, facts) in view.environments() {
        if promotion_rank(env) <= promotion_rank(TEST) {
            continue;
        }
        let allowed: BTreeSet<String> = view
            .expectation(env)
            .map(|e| e.redirect_hosts.iter().map(|h| allowed_host(h)).collect())
            .unwrap_or_default();
        for (host, fact) in redirect_hosts(facts) {
            if allowed.contains(&host) {
                continue;
            }
            let here = place(&fact.location);
            let message = if is_local_host(&host) {
                format!(
                    "{env}'s redirect URI in {here} points at {host}, which exists only on a \
                     developer's machine: after sign-in Entra sends {env}'s users there, and \
                     sign-in fails with AADSTS50011 when the app registration lacks {env}'s real \
                     redirect URI."
                )
            } else if let Some((other, other_fact)) = users.get(&host).and_then(|list| {
                list.iter()
                    .find(|(e, _)| *e != env && view.is_before(e, env))
            }) {
                format!(
                    "{env}'s redirect URI in {here} uses host {host}, which is {other}'s (redirect \
                     URI in {}): {env}'s users would land on {other}'s site after sign-in, or \
                     sign-in fails with AADSTS50011 when {env}'s app registration does not list it.",
                    place(&other_fact.location)
                )
            } else {
                continue;
            };
            out.push(
                Finding::new(
                    REDIRECT_URI_MISMATCH,
                    severity(REDIRECT_URI_MISMATCH),
                    fact.location.clone(),
                    message,
                    &format!("{env}|{host}"),
                )
                .with_environment(env)
                .with_fix(format!(
                    "Use {env}'s own host in {here} and register that URI on {env}'s app; if the \
                     host is meant to serve {env}, add \"{host}\" to redirect_hosts under \
                     [environments.{env}] in credgate.toml."
                )),
            );
        }
    }
    out
}

/// The hosts of the absolute, literal redirect URIs among `facts`.
fn redirect_hosts<'a>(facts: &[&'a Fact]) -> Vec<(String, &'a Fact)> {
    facts
        .iter()
        .filter(|f| f.field == Field::RedirectUri)
        .filter_map(|f| Some((uri_host(plain_literal(f)?)?, *f)))
        .collect()
}

/// A `redirect_hosts` entry as a host: `app.contoso.com`, `https://app.contoso.com/` and
/// `App.Contoso.com:443` all mean the same host.
fn allowed_host(entry: &str) -> String {
    let entry = entry.trim();
    uri_host(entry)
        .or_else(|| uri_host(&format!("https://{entry}")))
        .unwrap_or_else(|| entry.to_ascii_lowercase())
}

#[cfg(test)]
mod tests;
