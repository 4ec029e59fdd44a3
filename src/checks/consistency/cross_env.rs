//! `cross-env-client-id` (an environment uses the client id that belongs to another one) and
//! `secret-reuse` (the same literal secret in two environments). Only values an environment sets
//! itself count: base configuration is inherited by all and belongs to none. Each finding sits
//! on the later environment of the pair in promotion order, where the copy usually landed.

use super::message::{place, severity};
use super::normalize::{guid, short_id};
use super::view::{plain_literal, secret_literal, View};
use crate::model::{Fact, Field, Finding};
use crate::secret::SecretValue;
use std::collections::{BTreeMap, BTreeSet};

/// Rule id: an environment uses another environment's client id.
pub const CROSS_ENV_CLIENT_ID: &str = "cross-env-client-id";
/// Rule id: one secret value in two environments.
pub const SECRET_REUSE: &str = "secret-reuse";

/// `cross-env-client-id`: one finding per pair of environments that set the same client id,
/// unless `credgate.toml` declares the app shared between them (`[[shared_apps]]`, or both
/// environments expecting that client id).
pub fn cross_env_client_id(view: &View) -> Vec<Finding> {
    let owners = view.owners(Field::ClientId, guid);
    let mut out = Vec::new();
    for (key, list) in &owners {
        for (j, (later, later_fact)) in list.iter().enumerate() {
            for (earlier, earlier_fact) in list.iter().take(j) {
                if is_shared_app(view, key, earlier, later) {
                    continue;
                }
                let id = short_id(key);
                let (here, there) = (place(&later_fact.location), place(&earlier_fact.location));
                out.push(
                    Finding::new(
                        CROSS_ENV_CLIENT_ID,
                        severity(CROSS_ENV_CLIENT_ID),
                        later_fact.location.clone(),
                        format!(
                            "{later} uses client id {id} from {here}, which is {earlier}'s client id \
                             in {there}; each environment should have its own app registration \
                             (AADSTS7000215 when {later}'s secret does not match {earlier}'s app, \
                             AADSTS700016 when that app is not in {later}'s tenant)."
                        ),
                        &format!("{earlier}|{later}|{key}"),
                    )
                    .with_environment(*later)
                    .with_fix(format!(
                        "Set {later}'s own app registration's client id in {here}. If the app is \
                         deliberately shared (e.g. a multi-tenant app used in both tenants), declare \
                         it in credgate.toml: [[shared_apps]] client_id = \"{key}\", environments = \
                         [\"{earlier}\", \"{later}\"]."
                    )),
                );
            }
        }
    }
    out
}

/// Whether `credgate.toml` makes `client_key` legitimately shared by environments `a` and `b`.
fn is_shared_app(view: &View, client_key: &str, a: &str, b: &str) -> bool {
    let lists = |app_envs: &[String], env: &str| {
        app_envs.is_empty() || app_envs.iter().any(|e| e.eq_ignore_ascii_case(env))
    };
    let declared = view.inventory.shared_apps.iter().any(|app| {
        guid(&app.client_id).as_deref() == Some(client_key)
            && lists(&app.environments, a)
            && lists(&app.environments, b)
    });
    let expected_by = |env: &str| {
        view.expectation(env)
            .and_then(|e| e.client_id.as_deref())
            .and_then(guid)
            .as_deref()
            == Some(client_key)
    };
    declared || (expected_by(a) && expected_by(b))
}

/// `secret-reuse`: one finding per pair of environments holding the same literal secret (exact
/// value, compared only here), unless they share a declared app, whose secrets are by nature the
/// same in every tenant. Messages show the redacted form only.
pub fn secret_reuse(view: &View) -> Vec<Finding> {
    // Grouped by fingerprint, so no raw value is ever a map key; equality is re-checked exactly.
    let mut by_fingerprint: BTreeMap<String, Vec<(&str, &Fact, &SecretValue)>> = BTreeMap::new();
    for (env, facts) in view.environments() {
        for fact in facts
            .iter()
            .copied()
            .filter(|f| f.field == Field::ClientSecret)
        {
            let Some(secret) = secret_literal(fact) else {
                continue;
            };
            let list = by_fingerprint.entry(secret.fingerprint()).or_default();
            if !list.iter().any(|(e, _, s)| *e == env && *s == secret) {
                list.push((env, fact, secret));
            }
        }
    }
    let mut out = Vec::new();
    for (fingerprint, list) in &by_fingerprint {
        let mut reported: BTreeSet<(&str, &str)> = BTreeSet::new();
        for (j, (later, later_fact, secret)) in list.iter().enumerate() {
            for (earlier, earlier_fact, other) in list.iter().take(j) {
                if earlier == later
                    || secret.expose() != other.expose()
                    || !reported.insert((earlier, later))
                    || shares_declared_app(view, earlier, later)
                {
                    continue;
                }
                let (here, there) = (place(&later_fact.location), place(&earlier_fact.location));
                let shown = secret.redacted();
                out.push(
                    Finding::new(
                        SECRET_REUSE,
                        severity(SECRET_REUSE),
                        later_fact.location.clone(),
                        format!(
                            "{later} uses the same client secret {shown} in {here} as {earlier} in \
                             {there}. A secret belongs to one app registration, so unless both \
                             environments run as the same app one of them fails with \
                             AADSTS7000215; if they do, a leak or rotation in one breaks the other."
                        ),
                        &format!("{earlier}|{later}|{fingerprint}"),
                    )
                    .with_environment(*later)
                    .with_secret(secret)
                    .with_fix(format!(
                        "Create a separate secret for {later}'s app (az ad app credential reset \
                         --id <{later} client id> --append), keep it only in {later}'s secret store \
                         and reference it from {here}; then rotate the shared secret, which is \
                         written in two places."
                    )),
                );
            }
        }
    }
    out
}

/// Whether two environments run as one app that `credgate.toml` declares shared between them.
fn shares_declared_app(view: &View, a: &str, b: &str) -> bool {
    let client_ids = |env: &str| -> BTreeSet<String> {
        let own: BTreeSet<String> = view
            .own(env)
            .iter()
            .filter(|f| f.field == Field::ClientId)
            .filter_map(|f| plain_literal(f).and_then(guid))
            .collect();
        if !own.is_empty() {
            return own;
        }
        view.unassigned()
            .iter()
            .filter(|f| f.field == Field::ClientId)
            .filter_map(|f| plain_literal(f).and_then(guid))
            .collect()
    };
    let ids_b = client_ids(b);
    client_ids(a)
        .intersection(&ids_b)
        .any(|key| is_shared_app(view, key, a, b))
}

#[cfg(test)]
mod tests;
