//! `missing-credential`, from the CI platforms' side: a name a pipeline job references (or one
//! that other environments define) that the platform defines neither for the job's environment
//! nor at repository, organization or project level. The job would run with an empty value and
//! fail with AADSTS7000218 / 900144 ("client_secret missing") or AADSTS700016.
//!
//! Concluded only from platform lists read completely (`PlatformNames::complete`); offline, or
//! when a list could not be read, nothing is said.

use super::coverage::MISSING_CREDENTIAL;
use super::view::View;
use crate::model::{Finding, Location, PlatformNames, ReferenceKind, ScopedReference, Severity};
use std::collections::BTreeSet;

fn severity() -> Severity {
    crate::rules::find(MISSING_CREDENTIAL)
        .map(|r| r.severity)
        .unwrap_or(Severity::Warning)
}

/// Which platform defines the names a reference points at: workflows are GitHub's, every other
/// pipeline file Azure DevOps'.
fn platform_of(reference: &ScopedReference) -> &'static str {
    match reference.location.file.as_deref() {
        Some(f) if f.starts_with(".github/") || f.contains("/.github/workflows/") => "github",
        _ => "azure-devops",
    }
}

fn defined(platform: &PlatformNames, env: &str, key: &(ReferenceKind, String)) -> bool {
    platform.shared.contains(key)
        || platform
            .by_environment
            .get(env)
            .is_some_and(|names| names.contains(key))
}

/// Names referenced by environment-scoped jobs and stages that their platform does not define.
pub fn undefined_references(view: &View) -> Vec<Finding> {
    let inventory = view.inventory;
    let mut out = Vec::new();
    for reference in &inventory.references {
        let wanted = platform_of(reference);
        let Some(platform) = inventory
            .platforms
            .iter()
            .find(|p| p.platform == wanted && p.complete)
        else {
            continue;
        };
        // Azure Pipelines service connections are recorded as variable references; they are
        // not variables the platform lists, so only names that look like variables count there.
        if wanted == "azure-devops" && reference.kind == ReferenceKind::Variable {
            let known_anywhere = platform.shared.iter().any(|(_, n)| *n == reference.name)
                || platform
                    .by_environment
                    .values()
                    .any(|set| set.iter().any(|(_, n)| *n == reference.name));
            if !known_anywhere
                && crate::extract::keys::field_for_key(&[], &reference.name).is_none()
            {
                continue;
            }
        }
        let env = reference.environment.as_str();
        // A `$(X)` of Azure Pipelines may be a secret or a plain variable of a group.
        let kinds = if wanted == "azure-devops" && reference.kind == ReferenceKind::Variable {
            vec![ReferenceKind::Variable, ReferenceKind::Secret]
        } else {
            vec![reference.kind]
        };
        if kinds
            .iter()
            .any(|k| defined(platform, env, &(*k, reference.name.clone())))
        {
            continue;
        }
        let (what, scope) = match (wanted, reference.kind) {
            ("github", kind) => (
                format!("{} `{}`", kind.as_str(), reference.name),
                format!("the GitHub environment `{env}` nor at repository or organization level"),
            ),
            (_, ReferenceKind::VariableGroup) => (
                format!("variable group `{}`", reference.name),
                "the Azure DevOps project".to_string(),
            ),
            (_, kind) => (
                format!("{} `{}`", kind.as_str(), reference.name),
                "any variable group or the pipeline definition".to_string(),
            ),
        };
        let message = format!(
            "{env}'s job references {what} in {}, which is defined neither in {scope}: the job \
             runs with an empty value and the token request fails (AADSTS7000218 when the \
             secret is missing, AADSTS700016 when the client id is).",
            reference.location
        );
        let fix = if wanted == "github" {
            format!(
                "Define {} `{}` for the `{env}` environment (Settings → Environments → {env}), or \
                 fix the name in the workflow if it was meant to be another one.",
                reference.kind.as_str(),
                reference.name
            )
        } else {
            format!(
                "Create or link `{}` in Azure DevOps (Pipelines → Library), or fix the name in the \
                 pipeline YAML.",
                reference.name
            )
        };
        out.push(
            Finding::new(
                MISSING_CREDENTIAL,
                severity(),
                reference.location.clone(),
                message,
                &format!(
                    "undefined|{env}|{}|{}",
                    reference.kind.as_str(),
                    reference.name
                ),
            )
            .with_environment(env)
            .with_fix(fix),
        );
    }
    out
}

/// Credential names (folding to a field) that some GitHub environments define and another
/// environment the platform knows does not, with no repository- or organization-level fallback.
pub fn unevenly_defined(view: &View) -> Vec<Finding> {
    let mut out = Vec::new();
    for platform in view.inventory.platforms.iter().filter(|p| p.complete) {
        let envs: Vec<&String> = platform.by_environment.keys().collect();
        let credential_names: BTreeSet<&(ReferenceKind, String)> = platform
            .by_environment
            .values()
            .flatten()
            .filter(|(kind, name)| {
                *kind != ReferenceKind::VariableGroup
                    && crate::extract::keys::field_for_key(&[], name).is_some()
            })
            .collect();
        for key in credential_names {
            if platform.shared.contains(key) {
                continue;
            }
            let holders: Vec<&str> = platform
                .by_environment
                .iter()
                .filter(|(_, defined)| defined.contains(key))
                .map(|(env, _)| env.as_str())
                .collect();
            for env in envs.iter().filter(|e| !holders.contains(&e.as_str())) {
                let source = format!("{}:environment/{env}", platform.platform);
                out.push(
                    Finding::new(
                        MISSING_CREDENTIAL,
                        severity(),
                        Location::source(source.clone()),
                        format!(
                            "{env} has no {} `{}` on {}, though {} define{} it and there is no \
                             repository- or organization-level one: a job deployed to {env} gets \
                             an empty value.",
                            key.0.as_str(),
                            key.1,
                            platform.platform,
                            holders.join(", "),
                            if holders.len() == 1 { "s" } else { "" }
                        ),
                        &format!("uneven|{env}|{}|{}", key.0.as_str(), key.1),
                    )
                    .with_environment(env.as_str())
                    .with_fix(format!(
                        "Define {} `{}` for the {env} environment, with {env}'s own value.",
                        key.0.as_str(),
                        key.1
                    )),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inventory;

    fn reference(env: &str, kind: ReferenceKind, name: &str, file: &str) -> ScopedReference {
        ScopedReference {
            environment: env.to_string(),
            kind,
            name: name.to_string(),
            location: Location::file(file, 9, 20),
        }
    }

    fn github(complete: bool) -> PlatformNames {
        let mut p = PlatformNames {
            platform: "github".into(),
            complete,
            ..PlatformNames::default()
        };
        let key = (ReferenceKind::Secret, "AZURE_CLIENT_SECRET".to_string());
        p.by_environment
            .entry("staging".into())
            .or_default()
            .insert(key.clone());
        p.shared
            .insert((ReferenceKind::Variable, "AZURE_TENANT_ID".to_string()));
        p
    }

    fn inventory(platform: PlatformNames, refs: Vec<ScopedReference>) -> Inventory {
        let mut inv = Inventory::default();
        inv.platforms.push(platform);
        inv.references = refs;
        inv.environments.insert("staging".into(), Vec::new());
        inv.environments.insert("production".into(), Vec::new());
        inv
    }

    #[test]
    fn a_secret_defined_only_for_another_environment_is_missing() {
        let wf = ".github/workflows/deploy.yml";
        let inv = inventory(
            github(true),
            vec![
                reference(
                    "production",
                    ReferenceKind::Secret,
                    "AZURE_CLIENT_SECRET",
                    wf,
                ),
                reference("staging", ReferenceKind::Secret, "AZURE_CLIENT_SECRET", wf),
                reference("production", ReferenceKind::Variable, "AZURE_TENANT_ID", wf),
            ],
        );
        let view = View::new(&inv);
        let found = undefined_references(&view);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].environment.as_deref(), Some("production"));
        assert!(found[0].message.contains("AZURE_CLIENT_SECRET"));
        let uneven = unevenly_defined(&view);
        assert_eq!(
            uneven.len(),
            0,
            "production is not a GitHub environment here"
        );
    }

    #[test]
    fn incomplete_lists_conclude_nothing() {
        let inv = inventory(
            github(false),
            vec![reference(
                "production",
                ReferenceKind::Secret,
                "AZURE_CLIENT_SECRET",
                ".github/workflows/deploy.yml",
            )],
        );
        assert!(undefined_references(&View::new(&inv)).is_empty());
    }

    #[test]
    fn missing_variable_group_is_reported() {
        let mut ado = PlatformNames {
            platform: "azure-devops".into(),
            complete: true,
            ..PlatformNames::default()
        };
        ado.shared
            .insert((ReferenceKind::VariableGroup, "stg-secrets".to_string()));
        let inv = inventory(
            ado,
            vec![
                reference(
                    "production",
                    ReferenceKind::VariableGroup,
                    "prod-secrets",
                    "azure-pipelines.yml",
                ),
                reference(
                    "staging",
                    ReferenceKind::VariableGroup,
                    "stg-secrets",
                    "azure-pipelines.yml",
                ),
                reference(
                    "production",
                    ReferenceKind::Variable,
                    "sc-production",
                    "azure-pipelines.yml",
                ),
            ],
        );
        let found = undefined_references(&View::new(&inv));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("prod-secrets"));
    }

    #[test]
    fn environments_lacking_what_others_define() {
        let mut p = github(true);
        p.by_environment.entry("production".into()).or_default();
        let inv = inventory(p, Vec::new());
        let found = unevenly_defined(&View::new(&inv));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].environment.as_deref(), Some("production"));
        assert_eq!(
            found[0].location.source.as_deref(),
            Some("github:environment/production")
        );
    }
}
