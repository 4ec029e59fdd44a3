//! Cross-environment consistency rules: pure functions from the [`Inventory`] to findings. They
//! catch, before a deploy, the mix-ups that make production fail with AADSTS7000215, 700016 or
//! 70002: an environment wired to another one's app, secret or tenant, values that disagree
//! across sources, and values that cannot work at all.
//!
//! Where each rule id lives:
//!
//! | rule id                      | module            |
//! |------------------------------|-------------------|
//! | `client-id-mismatch`         | [`ids`]           |
//! | `tenant-id-mismatch`         | [`ids`]           |
//! | `malformed-id`               | [`ids`]           |
//! | `cross-env-client-id`        | [`cross_env`]     |
//! | `secret-reuse`               | [`cross_env`]     |
//! | `cross-env-secret-reference` | [`references`]    |
//! | `missing-credential`         | [`coverage`], [`defined`] (names the CI platforms define) |
//! | `secret-whitespace`          | [`secret_value`]  |
//! | `secret-id-as-value`         | [`secret_value`]  |
//! | `placeholder-credential`     | [`secret_value`]  |
//! | `redirect-uri-mismatch`      | [`redirect`]      |
//! | `authority-mismatch`         | [`authority`]     |
//!
//! Shared ground rules ([`view`], [`normalize`], `select`): values are compared after
//! normalisation (GUIDs case-insensitive and without braces, hosts lower-case without trailing
//! `/`, domains lower-case); base configuration (`unassigned`) is a default every environment
//! inherits, never "another environment's" value; where two environments are involved the
//! finding sits on the later one in promotion order; secrets are compared only inside the rules
//! and shown only in redacted form.

pub mod authority;
pub mod coverage;
pub mod cross_env;
pub mod defined;
pub mod ids;
pub(crate) mod message;
pub mod normalize;
pub mod redirect;
pub mod references;
pub mod secret_value;
mod select;
pub mod view;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
pub(crate) mod testkit;

use crate::inventory::environment::EnvironmentNames;
use crate::model::{Finding, Inventory};
use view::View;

/// Every rule id this module reports, in the catalog's order.
pub const RULE_IDS: &[&str] = &[
    ids::CLIENT_ID_MISMATCH,
    ids::TENANT_ID_MISMATCH,
    cross_env::CROSS_ENV_CLIENT_ID,
    references::CROSS_ENV_SECRET_REFERENCE,
    cross_env::SECRET_REUSE,
    coverage::MISSING_CREDENTIAL,
    ids::MALFORMED_ID,
    secret_value::SECRET_WHITESPACE,
    secret_value::SECRET_ID_AS_VALUE,
    secret_value::PLACEHOLDER_CREDENTIAL,
    redirect::REDIRECT_URI_MISMATCH,
    authority::AUTHORITY_MISMATCH,
];

/// Runs every consistency rule over the inventory, so that one call answers "is any
/// environment wired wrong?", knowing only the built-in environment aliases. Pure and
/// deterministic: the same inventory gives the same findings in the same order (by place, then
/// rule id, then fingerprint).
pub fn check(inventory: &Inventory) -> Vec<Finding> {
    check_with_names(inventory, &EnvironmentNames::default())
}

/// [`check`] with the run's environment names, so that aliases declared in `credgate.toml`
/// (`acceptance` for `uat`) are recognised in secret and variable names too.
pub fn check_with_names(inventory: &Inventory, names: &EnvironmentNames) -> Vec<Finding> {
    let view = View::with_names(inventory, names);
    let rules: [fn(&View) -> Vec<Finding>; 14] = [
        ids::client_id_mismatch,
        ids::tenant_id_mismatch,
        cross_env::cross_env_client_id,
        references::cross_env_secret_reference,
        cross_env::secret_reuse,
        coverage::missing_credential,
        defined::undefined_references,
        defined::unevenly_defined,
        ids::malformed_id,
        secret_value::secret_whitespace,
        secret_value::secret_id_as_value,
        secret_value::placeholder_credential,
        redirect::redirect_uri_mismatch,
        authority::authority_mismatch,
    ];
    let mut findings: Vec<Finding> = rules.iter().flat_map(|rule| rule(&view)).collect();
    findings.sort_by(|a, b| {
        a.location
            .cmp(&b.location)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
            .then_with(|| a.environment.cmp(&b.environment))
    });
    findings.dedup_by(|a, b| {
        a.rule_id == b.rule_id
            && a.fingerprint == b.fingerprint
            && a.location == b.location
            && a.environment == b.environment
    });
    findings
}

#[cfg(test)]
mod tests;
