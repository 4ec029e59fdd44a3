//! `authority-mismatch`: one environment's authority settings disagree on the cloud (public, US
//! Government, China, or a B2C / External ID host of its own) or on the tenant named in the
//! authority URL. The public cloud's three host names are one cloud; a GUID and a domain in the
//! tenant segment may be the same tenant and are not compared, while `common`-style keywords
//! disagree with any specific tenant.

use super::message::{place, places, severity};
use super::normalize::{authority, short_pair, Cloud, Tenant};
use super::select::{judge, Blame, Sighting};
use super::view::{plain_literal, View};
use crate::inventory::app;
use crate::model::{Fact, Field, Finding};

/// Rule id: an environment's authority disagrees across its sources.
pub const AUTHORITY_MISMATCH: &str = "authority-mismatch";

/// `authority-mismatch`: see the module documentation.
pub fn authority_mismatch(view: &View) -> Vec<Finding> {
    let mut out = Vec::new();
    for (env, facts) in view.environments() {
        let parsed: Vec<(Cloud, Option<Tenant>, &Fact)> = facts
            .iter()
            .copied()
            .filter(|f| f.field == Field::Authority)
            .filter_map(|f| {
                let a = authority(plain_literal(f)?)?;
                Some((a.cloud, a.tenant, f))
            })
            .collect();
        // Several apps in one repository may sign in to different authorities.
        let roots = &view.inventory.project_roots;
        for group in app::partition(
            &parsed,
            |(_, _, f)| f.location.file.as_deref().unwrap_or(""),
            roots,
        ) {
            clouds(env, &group, &mut out);
            tenants(view, env, &group, &mut out);
        }
    }
    out
}

fn clouds(env: &str, parsed: &[(Cloud, Option<Tenant>, &Fact)], out: &mut Vec<Finding>) {
    let keys: Vec<(String, &Cloud, &Fact)> =
        parsed.iter().map(|(c, _, f)| (c.key(), c, *f)).collect();
    let sightings: Vec<Sighting> = keys
        .iter()
        .map(|(k, _, fact)| Sighting { key: k, fact })
        .collect();
    let Some(verdict) = judge(&sightings, None, |_| None) else {
        return;
    };
    let describe = |key: &str| {
        keys.iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, c, _)| c.describe())
            .unwrap_or_default()
    };
    for (sighting, blame) in &verdict.wrong {
        let here = place(&sighting.fact.location);
        let message = format!(
            "{env}'s authority in {here} is on {}, but {} use{} {}{}. A tenant lives in one \
             cloud (and a B2C or External ID tenant on its own host), so token requests sent to \
             the other fail with AADSTS90002 (tenant not found).",
            describe(sighting.key),
            places(verdict.kept_at.iter().map(|f| &f.location), 3),
            if verdict.kept_at.len() == 1 { "s" } else { "" },
            describe(&verdict.kept),
            reason(blame),
        );
        out.push(finding(
            env,
            sighting,
            &format!("cloud|{}", sighting.key),
            message,
        ));
    }
}

fn tenants(
    view: &View,
    env: &str,
    parsed: &[(Cloud, Option<Tenant>, &Fact)],
    out: &mut Vec<Finding>,
) {
    let named: Vec<(&Tenant, &Fact)> = parsed
        .iter()
        .filter_map(|(_, t, f)| Some((t.as_ref()?, *f)))
        .collect();
    let specific: Vec<&Fact> = named
        .iter()
        .filter(|(t, _)| matches!(t, Tenant::Guid(_) | Tenant::Domain(_)))
        .map(|(_, f)| *f)
        .collect();
    // `common` and its kin name no tenant: wrong next to any specific tenant.
    if !specific.is_empty() {
        for (tenant, fact) in named
            .iter()
            .filter(|(t, _)| matches!(t, Tenant::WellKnown(_)))
        {
            let keyword = tenant.key().unwrap_or_default();
            let here = place(&fact.location);
            let message = format!(
                "{env}'s authority in {here} uses `{keyword}`, while {} name{} a tenant; an \
                 app-only token request must name one tenant and fails on `{keyword}` \
                 (AADSTS50194 for a single-tenant app).",
                places(specific.iter().map(|f| &f.location), 3),
                if specific.len() == 1 { "s" } else { "" },
            );
            let sighting = Sighting { key: keyword, fact };
            out.push(finding(
                env,
                &sighting,
                &format!("tenant|{keyword}"),
                message,
            ));
        }
    }
    let expected = view
        .expectation(env)
        .and_then(|e| e.tenant_id.as_deref())
        .map(super::normalize::tenant);
    let classes: [fn(&Tenant) -> bool; 3] = [
        |t| matches!(t, Tenant::Guid(_)),
        |t| matches!(t, Tenant::Domain(_)),
        // Keywords among themselves, only when nothing specific is named.
        |t| matches!(t, Tenant::WellKnown(_)),
    ];
    for (i, in_class) in classes.iter().enumerate() {
        if i == 2 && !specific.is_empty() {
            continue;
        }
        let sightings: Vec<Sighting> = named
            .iter()
            .filter(|(t, _)| in_class(t))
            .filter_map(|(t, fact)| {
                Some(Sighting {
                    key: t.key()?,
                    fact,
                })
            })
            .collect();
        let distinct = sightings
            .iter()
            .map(|s| s.key)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if distinct < 2 {
            continue;
        }
        let expected_key = expected
            .as_ref()
            .filter(|t| in_class(t))
            .and_then(Tenant::key);
        let Some(verdict) = judge(&sightings, expected_key, |_| None) else {
            continue;
        };
        for (sighting, blame) in &verdict.wrong {
            let (wrong, kept) = short_pair(sighting.key, &verdict.kept);
            let here = place(&sighting.fact.location);
            let kept_places = if verdict.kept_at.is_empty() {
                "credgate.toml".to_string()
            } else {
                places(verdict.kept_at.iter().map(|f| &f.location), 3)
            };
            let message = format!(
                "{env}'s authority in {here} names tenant {wrong}, but {kept_places} name{} \
                 {kept}{}. Tokens would come from two directories, and the app is missing from \
                 one of them (AADSTS700016, or AADSTS90002 when the tenant is unknown).",
                if verdict.kept_at.len() == 1 { "s" } else { "" },
                reason(blame),
            );
            out.push(finding(
                env,
                sighting,
                &format!("tenant|{}", sighting.key),
                message,
            ));
        }
    }
}

/// Said after the value believed right, when `credgate.toml` is why it is believed right (the
/// listed places already say how many sources agree).
fn reason(blame: &Blame) -> &'static str {
    match blame {
        Blame::Expected => " (the tenant credgate.toml expects)",
        Blame::Minority | Blame::OtherEnvironment(_) | Blame::Later => "",
    }
}

fn finding(env: &str, sighting: &Sighting, identity: &str, message: String) -> Finding {
    let here = place(&sighting.fact.location);
    Finding::new(
        AUTHORITY_MISMATCH,
        severity(AUTHORITY_MISMATCH),
        sighting.fact.location.clone(),
        message,
        &format!("{env}|{identity}"),
    )
    .with_environment(env)
    .with_fix(format!(
        "Make {env}'s authority in {here} agree with its other sources: the cloud its tenant \
         lives in (https://login.microsoftonline.com for the public cloud) followed by its tenant."
    ))
}

#[cfg(test)]
mod tests;
