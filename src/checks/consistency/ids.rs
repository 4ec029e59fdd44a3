//! `client-id-mismatch` and `tenant-id-mismatch` (one environment, two values across its
//! sources, or a value other than the one `credgate.toml` expects) and `malformed-id` (a client
//! id that is not a GUID, a tenant that is neither a GUID nor a domain).
//!
//! Tenants can be named by GUID or by any verified domain, so a GUID and a domain are never
//! compared with each other: `contoso.onmicrosoft.com` and `72f9…b47` may be the same tenant.
//! GUIDs are compared with GUIDs and domains with domains. Values that are malformed (or the
//! `common`-style keywords) are left to `malformed-id`, not compared.

use super::message::{place, places, severity, sources};
use super::normalize::{guid, short_pair, tenant, Tenant};
use super::select::{judge, Blame, Sighting, Verdict};
use super::view::{is_placeholder_fact, plain_literal, View};
use crate::inventory::app;
use crate::model::{Fact, Field, Finding};
use crate::secret::fingerprint_of;
use std::collections::BTreeMap;

/// Rule id: one environment, two client ids.
pub const CLIENT_ID_MISMATCH: &str = "client-id-mismatch";
/// Rule id: one environment, two tenants.
pub const TENANT_ID_MISMATCH: &str = "tenant-id-mismatch";
/// Rule id: a client id that is not a GUID, a tenant that is neither a GUID nor a domain.
pub const MALFORMED_ID: &str = "malformed-id";

/// What differs between the client-id and tenant rules.
struct IdRule {
    id: &'static str,
    field: Field,
    noun: &'static str,
    /// `(comparability class, normal form)`; `None` for values that cannot be compared.
    classify: fn(&str) -> Option<(u8, String)>,
    expected: fn(&crate::model::EnvironmentExpectation) -> Option<&String>,
    consequence: &'static str,
}

fn classify_client_id(value: &str) -> Option<(u8, String)> {
    guid(value).map(|g| (GUID_CLASS, g))
}

fn classify_tenant(value: &str) -> Option<(u8, String)> {
    match tenant(value) {
        Tenant::Guid(g) => Some((GUID_CLASS, g)),
        Tenant::Domain(d) => Some((DOMAIN_CLASS, d)),
        Tenant::WellKnown(_) | Tenant::Malformed => None,
    }
}

const CLIENT_ID: IdRule = IdRule {
    id: CLIENT_ID_MISMATCH,
    field: Field::ClientId,
    noun: "client id",
    classify: classify_client_id,
    expected: |e| e.client_id.as_ref(),
    consequence: "a token request that pairs one app's id with the other app's secret fails \
                  with AADSTS7000215, or AADSTS700016 when the app does not exist in the tenant",
};

const TENANT_ID: IdRule = IdRule {
    id: TENANT_ID_MISMATCH,
    field: Field::TenantId,
    noun: "tenant",
    classify: classify_tenant,
    expected: |e| e.tenant_id.as_ref(),
    consequence: "the token request goes to whichever tenant the code happens to read, and the \
                  app is not found in the other one (AADSTS700016, or AADSTS90002 when the \
                  tenant itself is unknown)",
};

/// `client-id-mismatch`: an environment whose sources name two client ids, or one that
/// `credgate.toml` does not expect.
pub fn client_id_mismatch(view: &View) -> Vec<Finding> {
    mismatch(view, &CLIENT_ID)
}

/// `tenant-id-mismatch`: an environment whose sources name two tenants (GUID with GUID, domain
/// with domain), or one that `credgate.toml` does not expect.
pub fn tenant_id_mismatch(view: &View) -> Vec<Finding> {
    mismatch(view, &TENANT_ID)
}

/// Comparability classes of id values: GUIDs compare with GUIDs, domains with domains.
const GUID_CLASS: u8 = 0;
/// See [`GUID_CLASS`].
const DOMAIN_CLASS: u8 = 1;

/// Environment-specific values of a field, by normal form: which environments use each.
type Owners<'a> = BTreeMap<String, Vec<(&'a str, &'a Fact)>>;

fn mismatch(view: &View, rule: &IdRule) -> Vec<Finding> {
    let owners = view.owners(rule.field, |v| (rule.classify)(v).map(|(_, k)| k));
    let base: Vec<(u8, String, &Fact)> = classified(view.unassigned(), rule);
    let mut out = Vec::new();
    for (env, facts) in view.environments() {
        let expected = view
            .expectation(env)
            .and_then(rule.expected)
            .and_then(|v| (rule.classify)(v));
        let own = classified(facts, rule);
        // Without values of its own the environment runs on the base values; only an
        // expectation can say those are wrong (several base values may serve several apps).
        let inherited = own.is_empty();
        if inherited && expected.is_none() {
            continue;
        }
        let observed = if inherited { &base } else { &own };
        for class in [GUID_CLASS, DOMAIN_CLASS] {
            let all: Vec<Sighting> = observed
                .iter()
                .filter(|(c, _, _)| *c == class)
                .map(|(_, key, fact)| Sighting { key, fact })
                .collect();
            // A repository holding several apps (services/a, services/b) legitimately has
            // several client ids per environment: compare only sources of the same app.
            for sightings in app::partition(
                &all,
                |s| s.fact.location.file.as_deref().unwrap_or(""),
                &view.inventory.project_roots,
            ) {
                out.extend(judge_group(
                    rule,
                    env,
                    inherited,
                    &owners,
                    &sightings,
                    expected.as_ref(),
                    class,
                ));
            }
        }
    }
    out
}

/// Judges one app's sightings of one comparable class in one environment.
fn judge_group<'a>(
    rule: &IdRule,
    env: &'a str,
    inherited: bool,
    owners: &Owners<'a>,
    sightings: &[Sighting<'a>],
    expected: Option<&(u8, String)>,
    class: u8,
) -> Vec<Finding> {
    if sightings.is_empty() {
        return Vec::new();
    }
    let expected_key = expected
        .as_ref()
        .filter(|(c, _)| *c == class)
        .map(|(_, k)| k.as_str());
    let owner_elsewhere = |key: &str| {
        owners
            .get(key)
            .and_then(|list| list.iter().find(|(e, _)| *e != env))
            .map(|(e, _)| e.to_string())
    };
    let Some(verdict) = judge(sightings, expected_key, owner_elsewhere) else {
        return Vec::new();
    };
    let case = Case {
        rule,
        env,
        inherited,
        owners,
        verdict: &verdict,
    };
    verdict
        .wrong
        .iter()
        .map(|(s, blame)| case.finding(s, blame))
        .collect()
}

/// One environment's judged disagreement, ready to be worded.
struct Case<'c, 'a> {
    rule: &'c IdRule,
    env: &'a str,
    inherited: bool,
    owners: &'c Owners<'a>,
    verdict: &'c Verdict<'a>,
}

impl Case<'_, '_> {
    fn finding(&self, sighting: &Sighting, blame: &Blame) -> Finding {
        let (env, noun, verdict) = (self.env, self.rule.noun, self.verdict);
        let (wrong, kept) = short_pair(sighting.key, &verdict.kept);
        let here = place(&sighting.fact.location);
        let head = if self.inherited {
            format!("{env} inherits {noun} {wrong} from {here}, but credgate.toml expects {kept}")
        } else if verdict.kept_at.is_empty() {
            format!("{env} uses {noun} {wrong} in {here}, but credgate.toml expects {kept}")
        } else {
            let kept_places = places(verdict.kept_at.iter().map(|f| &f.location), 3);
            format!(
                "{env} disagrees on its {noun}: {wrong} in {here} but {kept} in {kept_places}; {}",
                self.reason(sighting, blame, &wrong, &kept)
            )
        };
        let fix = format!(
            "Set the {noun} in {here} to {} ({env}'s), or correct the other sources if {wrong} is \
             the right one; record the intended value as {} under [environments.{env}] in \
             credgate.toml.",
            verdict.kept,
            self.rule.field.as_str(),
        );
        Finding::new(
            self.rule.id,
            severity(self.rule.id),
            sighting.fact.location.clone(),
            format!("{head}. {}.", capitalize(self.rule.consequence)),
            &format!("{env}|{}", sighting.key),
        )
        .with_environment(env)
        .with_fix(fix)
    }

    /// Why this value, and not the other, is taken to be the wrong one.
    fn reason(&self, sighting: &Sighting, blame: &Blame, wrong: &str, kept: &str) -> String {
        let noun = self.rule.noun;
        match blame {
            Blame::Expected => format!("credgate.toml expects {kept}"),
            Blame::OtherEnvironment(other) => {
                let other_place = self
                    .owners
                    .get(sighting.key)
                    .and_then(|l| l.iter().find(|(e, _)| e == other))
                    .map(|(_, f)| place(&f.location))
                    .unwrap_or_default();
                format!("{wrong} is {other}'s {noun} ({other_place}), likely copied from there")
            }
            Blame::Minority => format!("{} agree on {kept}", sources(self.verdict.kept_at.len())),
            Blame::Later => "as many sources name each value, so the later one is marked".into(),
        }
    }
}

/// The comparable literals of `rule.field` among `facts`, in the facts' order.
fn classified<'a>(facts: &[&'a Fact], rule: &IdRule) -> Vec<(u8, String, &'a Fact)> {
    facts
        .iter()
        .copied()
        .filter(|f| f.field == rule.field)
        .filter_map(|f| {
            let (class, key) = plain_literal(f).and_then(rule.classify)?;
            Some((class, key, f))
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `malformed-id`: client ids that are not GUIDs and tenants that are neither GUIDs nor domains,
/// in every environment and in the base configuration. Placeholders are left to
/// `placeholder-credential` and references are not values.
pub fn malformed_id(view: &View) -> Vec<Finding> {
    let mut scoped: Vec<(Option<&str>, &Fact)> = Vec::new();
    for (env, facts) in view.environments() {
        scoped.extend(facts.iter().map(|f| (Some(env), *f)));
    }
    scoped.extend(view.unassigned().iter().map(|f| (None, *f)));

    let all: Vec<&Fact> = scoped.iter().map(|(_, f)| *f).collect();
    let mut out = Vec::new();
    for (env, fact) in scoped {
        let Some(value) = plain_literal(fact) else {
            continue;
        };
        // In base configuration that no environment claims, a value made of words
        // (`timeout`, `prev_model`) under a key that merely ends in `ClientId` is some other
        // setting, not a mangled Entra id: only id-shaped mistakes are worth a finding there.
        let keyword = matches!(tenant(value), Tenant::WellKnown(_));
        if env.is_none() && is_word_value(value) && !keyword {
            continue;
        }
        let problem = match fact.field {
            Field::ClientId if guid(value).is_none() => Some(client_id_problem(value)),
            Field::TenantId => tenant_problem(value, || app_only_credential(fact, &all)),
            _ => None,
        };
        let Some((what, fix)) = problem else {
            continue;
        };
        let here = place(&fact.location);
        let noun = if fact.field == Field::ClientId {
            "client id"
        } else {
            "tenant"
        };
        let subject = env.map_or_else(|| format!("The {noun}"), |e| format!("{e}'s {noun}"));
        let mut finding = Finding::new(
            MALFORMED_ID,
            severity(MALFORMED_ID),
            fact.location.clone(),
            format!("{subject} in {here} {what}"),
            &format!(
                "{}|{}|{}",
                env.unwrap_or(""),
                fact.field.as_str(),
                fingerprint_of(value)
            ),
        )
        .with_fix(fix);
        if let Some(env) = env {
            finding = finding.with_environment(env);
        }
        out.push(finding);
    }
    out
}

/// Letters, `_` and `-` only: a name or a word, with nothing of a GUID, a URL or a secret.
fn is_word_value(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && v == value
        && v.chars()
            .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-')
}

fn client_id_problem(value: &str) -> (String, String) {
    (
        format!(
            "is not a GUID: it {}. Entra looks the app up by its Application (client) ID, so the \
             token request fails with AADSTS700016.",
            shape(value, false)
        ),
        "Copy the Application (client) ID (a GUID such as 00000000-0000-0000-0000-000000000000 in \
         form) from the app registration's Overview blade; it is neither the Object ID nor an \
         App ID URI."
            .to_string(),
    )
}

/// Sources that configure an app through environment variables or a pipeline, the way
/// daemons, azure-identity's `EnvironmentCredential`, azure/login and Terraform's provider
/// are set up: each requests app-only tokens.
const APP_ONLY_SOURCES: &[&str] = &["dotenv", "github-workflow", "azure-pipelines", "terraform"];

/// Why the file holding `tenant` requests app-only (client credentials) tokens, if it does:
/// it configures a client secret or certificate, or it is environment-variable or pipeline
/// configuration with a client id, and it configures no redirect URI. An app that signs
/// users in has a redirect URI, and for it `common`, `organizations` and `consumers` are right.
fn app_only_credential(tenant: &Fact, all: &[&Fact]) -> Option<String> {
    let file = tenant.location.file.as_deref()?;
    let same_file = || {
        all.iter()
            .copied()
            .filter(move |f| f.location.file.as_deref() == Some(file))
    };
    if same_file().any(|f| f.field == Field::RedirectUri) {
        return None;
    }
    let credential = same_file().find(|f| {
        matches!(f.field, Field::ClientSecret | Field::Certificate) && !is_placeholder_fact(f)
    });
    if let Some(f) = credential {
        let noun = if f.field == Field::Certificate {
            "certificate"
        } else {
            "client secret"
        };
        return Some(format!(
            "this file also configures a {noun} ({}) and no redirect URI",
            place(&f.location)
        ));
    }
    let by_variables = APP_ONLY_SOURCES.contains(&tenant.source.as_str())
        && same_file().any(|f| f.field == Field::ClientId);
    by_variables.then(|| {
        "this file configures the app's tenant and client id as environment or pipeline \
         variables with no redirect URI, as daemons, azure-identity and deployment tools do"
            .to_string()
    })
}

/// What is wrong with a tenant value, if anything. `credential` finds the app-only
/// credential beside a `common`-style tenant, which is what makes that keyword a mistake.
fn tenant_problem(
    value: &str,
    credential: impl FnOnce() -> Option<String>,
) -> Option<(String, String)> {
    let fix_tenant = "Use the Directory (tenant) ID GUID from the app registration's Overview \
                      blade, or a domain verified in that tenant.";
    match tenant(value) {
        Tenant::Guid(_) | Tenant::Domain(_) => None,
        Tenant::WellKnown(keyword) => {
            // Multi-tenant sign-in apps use these keywords legitimately.
            let why = credential()?;
            Some((
                format!(
                    "is `{keyword}`, which Entra accepts only for user sign-in; {why}, so the \
                     app requests app-only (client credentials) tokens, which must name one \
                     tenant and fail with `{keyword}` (AADSTS50194 for a single-tenant app)."
                ),
                format!(
                    "{fix_tenant} Keep `{keyword}` only in the settings of an app that signs \
                     users in."
                ),
            ))
        }
        Tenant::Malformed => Some((
            format!(
                "is neither a GUID nor a domain name: it {}. Entra cannot resolve it \
                 (AADSTS900023).",
                shape(value, true)
            ),
            fix_tenant.to_string(),
        )),
    }
}

/// What is wrong with a value's shape, described without repeating the value (a secret pasted
/// into an id field must not end up in a report).
fn shape(value: &str, tenant: bool) -> String {
    let v = value.trim();
    let len = v.chars().count();
    let bare_name = !v.contains('.') && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if v.contains("://") {
        "is a URL".to_string()
    } else if v.starts_with(['"', '\'']) || v.ends_with(['"', '\'']) {
        "carries quote characters".to_string()
    } else if v.chars().any(char::is_whitespace) {
        "contains whitespace".to_string()
    } else if tenant && bare_name && len != 32 && len != 36 {
        "is a bare name without a domain suffix such as .onmicrosoft.com".to_string()
    } else if len == 32 && v.chars().all(|c| c.is_ascii_hexdigit()) {
        "has the 32 hex digits of a GUID but not its dashes (8-4-4-4-12)".to_string()
    } else if len == 36 {
        "has a GUID's length but a character that is not a hex digit or a misplaced dash"
            .to_string()
    } else {
        format!("has {len} characters where a GUID has 36 (8-4-4-4-12 hex digits)")
    }
}

#[cfg(test)]
mod tests;
