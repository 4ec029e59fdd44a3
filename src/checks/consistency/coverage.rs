//! `missing-credential`: an environment lacks a tenant, a client id or a secret (a certificate
//! counts as one) that another environment has, and the base configuration does not supply it.
//!
//! A value counts as present in every form: literal, placeholder (that is
//! `placeholder-credential`'s business) or reference, including a name a pipeline job of the
//! environment references (`PROD_CLIENT_SECRET` folds to a client secret). An environment that
//! takes variables from a variable group is not reported: the group may hold anything.

use super::message::{place, severity};
use super::view::View;
use crate::extract::keys::field_for_key;
use crate::model::{Field, Finding, Location, ReferenceKind};
use std::collections::{BTreeMap, BTreeSet};

/// Rule id: an environment lacks a credential the others have.
pub const MISSING_CREDENTIAL: &str = "missing-credential";

/// The three things a client-credentials token request cannot do without.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    Tenant,
    ClientId,
    Secret,
}

impl Need {
    const ALL: [Need; 3] = [Need::Tenant, Need::ClientId, Need::Secret];

    fn of(field: Field) -> Option<Need> {
        match field {
            Field::TenantId => Some(Need::Tenant),
            Field::ClientId => Some(Need::ClientId),
            Field::ClientSecret | Field::Certificate => Some(Need::Secret),
            Field::Authority | Field::RedirectUri | Field::Scope => None,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Need::Tenant => "tenant id",
            Need::ClientId => "client id",
            Need::Secret => "client secret or certificate",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Need::Tenant => "tenant_id",
            Need::ClientId => "client_id",
            Need::Secret => "secret",
        }
    }

    fn consequence(self) -> &'static str {
        match self {
            Need::Tenant => {
                "without it the authority names no tenant: libraries fall back to `common`, \
                 which app-only token requests cannot use (AADSTS50194), or send an empty tenant \
                 (AADSTS900023)"
            }
            Need::ClientId => {
                "without it the token request goes out with no client_id and fails (AADSTS90014)"
            }
            Need::Secret => {
                "without it the token request carries no credential and fails with \
                 AADSTS7000218"
            }
        }
    }

    fn fix(self, env: &str, at: &str) -> String {
        match self {
            Need::Secret => format!(
                "Give {env} its own secret: store it in {env}'s pipeline environment or Key Vault \
                 and reference it next to {env}'s other settings ({at}); never commit the value."
            ),
            _ => format!(
                "Add {env}'s {} next to its other settings ({at}), or in the shared base \
                 configuration if every environment uses the same value.",
                self.noun()
            ),
        }
    }
}

/// `missing-credential`: see the module documentation.
pub fn missing_credential(view: &View) -> Vec<Finding> {
    let inherited: BTreeSet<Need> = view
        .unassigned()
        .iter()
        .filter_map(|f| Need::of(f.field))
        .collect();
    // Environment → what it has, with the first place it is set.
    let mut has: BTreeMap<&str, BTreeMap<Need, &Location>> = BTreeMap::new();
    let mut first_source: BTreeMap<&str, Location> = BTreeMap::new();
    for (env, facts) in view.environments() {
        let entry = has.entry(env).or_default();
        for fact in facts {
            if let Some(need) = Need::of(fact.field) {
                entry.entry(need).or_insert(&fact.location);
            }
        }
        let source = facts
            .iter()
            .find_map(|f| f.location.file.clone().map(Location::whole_file))
            .or_else(|| facts.first().map(|f| f.location.clone()));
        if let Some(source) = source {
            first_source.insert(env, source);
        }
    }
    let mut grouped: BTreeSet<&str> = BTreeSet::new();
    let mut references: Vec<_> = view.inventory.references.iter().collect();
    references.sort_by(|a, b| a.location.cmp(&b.location));
    for r in references {
        let Some(entry) = has.get_mut(r.environment.as_str()) else {
            continue;
        };
        if r.kind == ReferenceKind::VariableGroup {
            grouped.insert(r.environment.as_str());
        } else if let Some(need) = field_for_key(&[], &r.name).and_then(Need::of) {
            entry.entry(need).or_insert(&r.location);
        }
    }

    let mut out = Vec::new();
    for env in &view.order {
        if grouped.contains(env) {
            continue;
        }
        let Some(location) = first_source.get(env) else {
            continue;
        };
        for need in Need::ALL {
            let present = |e: &str| has.get(e).is_some_and(|h| h.contains_key(&need));
            if inherited.contains(&need) || present(env) {
                continue;
            }
            let providers: Vec<String> = view
                .order
                .iter()
                .filter(|other| *other != env)
                .filter_map(|other| {
                    let at = has.get(other).and_then(|h| h.get(&need))?;
                    Some(format!("{other} ({})", place(at)))
                })
                .collect();
            if providers.is_empty() {
                continue;
            }
            let at = place(location);
            let noun = need.noun();
            let defined = super::message::join_and(&providers);
            let verb = if providers.len() == 1 { "has" } else { "have" };
            out.push(
                Finding::new(
                    MISSING_CREDENTIAL,
                    severity(MISSING_CREDENTIAL),
                    location.clone(),
                    format!(
                        "{env} has no {noun}, while {defined} {verb} one; {}.",
                        need.consequence()
                    ),
                    &format!("{env}|{}", need.key()),
                )
                .with_environment(*env)
                .with_fix(need.fix(env, &at)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests;
