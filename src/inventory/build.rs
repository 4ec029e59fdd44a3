//! Building the inventory: every extracted fact gets its canonical environment (from the file
//! itself, the file's name or folder, or the pipeline job that uses the file), templates are
//! left out, and `credgate.toml`'s expectations are attached. Pure: no I/O.

use super::environment::{is_template, EnvironmentNames};
use crate::checks::consistency::view::is_placeholder_fact;
use crate::checks::secrets::filekind::FileKind;
use crate::extract::FileFacts;
use crate::model::{EnvironmentExpectation, Fact, Field, Inventory, SharedApp};
use std::collections::{BTreeMap, HashMap};

/// What `credgate.toml` contributes to the inventory.
#[derive(Clone, Debug, Default)]
pub struct InventorySettings {
    /// Declared environments: canonical-or-raw name → extra aliases.
    pub declared: BTreeMap<String, Vec<String>>,
    /// Expectations per environment name as written in the config.
    pub expectations: BTreeMap<String, EnvironmentExpectation>,
    /// Apps shared between environments.
    pub shared_apps: Vec<SharedApp>,
}

/// The environment names known for this run: built-in aliases, names declared in
/// `credgate.toml`, and names pipelines use.
pub fn known_names(settings: &InventorySettings, pipeline_names: &[String]) -> EnvironmentNames {
    let mut names = EnvironmentNames::default();
    for (name, aliases) in &settings.declared {
        names.declare(name, aliases);
    }
    for name in pipeline_names {
        if is_literal_name(name) {
            names.declare(name, &[]);
        }
    }
    names
}

/// A usable environment name: not an expression such as `${{ matrix.env }}` and not empty.
pub(crate) fn is_literal_name(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty() && !n.contains("${{") && !n.contains("$(") && !n.contains('{')
}

/// Extractors whose facts come from pipeline definitions, where jobs name their environment.
const PIPELINE_SOURCES: &[&str] = &[
    crate::extract::github_workflow::SOURCE,
    crate::extract::azure_pipelines::SOURCE,
];

/// Groups the facts of every file by canonical environment, once reusable workflows are joined
/// to their callers.
pub fn build(mut files: FileFacts, settings: &InventorySettings) -> (Inventory, EnvironmentNames) {
    super::reusable::resolve(&mut files);
    let names = known_names(settings, &files.declared_environments);

    // Files used by an environment-scoped job: path → environment (first use wins; a file used
    // by two environments' jobs stays unassigned, since it is shared).
    let mut used_by: HashMap<&str, Option<String>> = HashMap::new();
    for (env, path) in &files.file_uses {
        if !is_literal_name(env) {
            continue;
        }
        let canonical = names.canonical(env);
        used_by
            .entry(path.as_str())
            .and_modify(|e| {
                if e.as_deref() != Some(canonical.as_str()) {
                    *e = None;
                }
            })
            .or_insert(Some(canonical));
    }

    let mut inventory = Inventory {
        project_roots: files.project_roots.iter().cloned().collect(),
        ..Inventory::default()
    };
    // A value's environment: the one its file itself gives (a job's `environment:`), else its
    // name or folder, else the pipeline job that uses the file. A pipeline's jobs say which
    // environment they deploy; the pipeline file's name is weak evidence next to that
    // (`azure-dev.yml` is the Azure Developer CLI's standard workflow, not a "dev"
    // environment), so a job without one belongs to the repository-wide default.
    let environment_of = |written: Option<&str>, path: &str, source: &str| {
        written
            .filter(|e| is_literal_name(e))
            .map(|e| names.canonical(e))
            .or_else(|| {
                if PIPELINE_SOURCES.contains(&source) {
                    None
                } else {
                    names.infer_from_path(path)
                }
            })
            .or_else(|| used_by.get(path).cloned().flatten())
    };
    for mut fact in files.facts {
        let path = fact.location.file.clone().unwrap_or_default();
        if !path.is_empty() && is_template(&path) {
            continue;
        }
        let env = environment_of(fact.environment.as_deref(), &path, &fact.source);
        match env {
            Some(env) => {
                fact.environment = Some(env.clone());
                inventory.environments.entry(env).or_default().push(fact);
            }
            None => {
                fact.environment = None;
                inventory.unassigned.push(fact);
            }
        }
    }
    let providers: Vec<_> = files
        .vault_providers
        .into_iter()
        .filter_map(|p| {
            let path = p.location.file.clone().unwrap_or_default();
            if is_template(&path) {
                return None;
            }
            let env = environment_of(p.environment.as_deref(), &path, "");
            Some((p, env))
        })
        .collect();
    super::keyvault::resolve(&mut inventory, &providers, &files.vault_placeholders);
    add_environment_files(&mut inventory, &files.environment_files, &names);
    for mut reference in files.references {
        if !is_literal_name(&reference.environment) {
            continue;
        }
        reference.environment = names.canonical(&reference.environment);
        inventory.references.push(reference);
    }
    for (name, expectation) in &settings.expectations {
        inventory
            .expectations
            .insert(names.canonical(name), expectation.clone());
    }
    inventory.shared_apps = settings
        .shared_apps
        .iter()
        .map(|app| SharedApp {
            client_id: app.client_id.clone(),
            environments: app
                .environments
                .iter()
                .map(|e| names.canonical(e))
                .collect(),
        })
        .collect();
    sort_facts(&mut inventory);
    (inventory, names)
}

/// Environments defined by a file a framework reads for them that sets no credential itself
/// (`appsettings.UAT.json` holding only logging): they run on what they inherit, so they are
/// checked like the others instead of vanishing. Only where the file's app configures Entra in
/// its base configuration: a web app's `appsettings.Development.json` in a repository that
/// never configures Entra is not an environment of ours.
fn add_environment_files(inventory: &mut Inventory, paths: &[String], names: &EnvironmentNames) {
    // A real Entra setting: a sample's `[Enter the Client Id here]` configures nothing.
    let entra = |f: &Fact| {
        matches!(
            f.field,
            Field::TenantId | Field::ClientId | Field::ClientSecret | Field::Certificate
        ) && !is_placeholder_fact(f)
    };
    let mut paths: Vec<&String> = paths.iter().collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        // Test data and vendored code configure no deployment of this repository.
        let context = FileKind::of(path);
        if context.test || context.vendored {
            continue;
        }
        let Some(env) = names.infer_from_path(path) else {
            continue;
        };
        // An environment with settings of its own is in the inventory already.
        if inventory
            .environments
            .get(&env)
            .is_some_and(|f| !f.is_empty())
        {
            continue;
        }
        let inherits = inventory.unassigned.iter().filter(|f| entra(f)).any(|f| {
            f.location
                .file
                .as_deref()
                .is_none_or(|base| super::app::same_app(path, base, &inventory.project_roots))
        });
        if inherits {
            inventory.environments.entry(env.clone()).or_default();
            inventory
                .environment_files
                .entry(env)
                .or_default()
                .push(path.clone());
        }
    }
}

/// Facts in a stable order (file, line, column), so findings come out the same on every run
/// whatever order the walker's threads finished in.
fn sort_facts(inventory: &mut Inventory) {
    let key = |f: &Fact| {
        (
            f.location.file.clone(),
            f.location.source.clone(),
            f.location.line,
            f.location.column,
            f.field,
        )
    };
    for facts in inventory.environments.values_mut() {
        facts.sort_by_key(key);
    }
    inventory.unassigned.sort_by_key(key);
    inventory.references.sort_by(|a, b| {
        (
            &a.location.file,
            a.location.line,
            a.location.column,
            &a.name,
        )
            .cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
                &b.name,
            ))
    });
}

/// Keeps only the selected environments (`--env`), by canonical name.
pub fn retain_environments(
    inventory: &mut Inventory,
    selected: &[String],
    names: &EnvironmentNames,
) {
    if selected.is_empty() {
        return;
    }
    let wanted: Vec<String> = selected.iter().map(|s| names.canonical(s)).collect();
    inventory
        .environments
        .retain(|env, _| wanted.iter().any(|w| w == env));
    inventory
        .environment_files
        .retain(|env, _| wanted.iter().any(|w| w == env));
    inventory
        .references
        .retain(|r| wanted.contains(&r.environment));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FactValue, Field, Location, ReferenceKind, ScopedReference};

    fn fact(path: &str, field: Field, value: &str, env: Option<&str>) -> Fact {
        Fact {
            environment: env.map(str::to_string),
            field,
            value: FactValue::Plain(value.to_string()),
            location: Location::file(path, 1, 1),
            source: "test".to_string(),
        }
    }

    #[test]
    fn assigns_environments_from_file_path_job_and_use() {
        let files = FileFacts {
            facts: vec![
                fact(
                    "src/appsettings.Production.json",
                    Field::ClientId,
                    "a",
                    None,
                ),
                fact("src/appsettings.json", Field::ClientId, "base", None),
                fact(
                    ".github/workflows/deploy.yml",
                    Field::ClientId,
                    "b",
                    Some("Stage"),
                ),
                fact("config/settings.json", Field::TenantId, "t", None),
                fact(".env.example", Field::ClientId, "<id>", None),
                fact("deploy/uat/values.yaml", Field::ClientId, "u", None),
            ],
            declared_environments: vec!["uat".to_string(), "${{ matrix.env }}".to_string()],
            file_uses: vec![("prd".to_string(), "config/settings.json".to_string())],
            references: vec![ScopedReference {
                environment: "PROD".to_string(),
                kind: ReferenceKind::Secret,
                name: "STAGING_SECRET".to_string(),
                location: Location::file(".github/workflows/deploy.yml", 9, 20),
            }],
            ..FileFacts::default()
        };
        let (inv, _) = build(files, &InventorySettings::default());
        let envs: Vec<&str> = inv.environments.keys().map(String::as_str).collect();
        assert_eq!(envs, vec!["production", "staging", "uat"]);
        assert_eq!(inv.environments["production"].len(), 2);
        assert_eq!(
            inv.unassigned.len(),
            1,
            "base config only; templates dropped"
        );
        assert_eq!(inv.references[0].environment, "production");
    }

    #[test]
    fn declared_aliases_fold_and_selection_filters() {
        let mut settings = InventorySettings::default();
        settings
            .declared
            .insert("production".to_string(), vec!["weu-live".to_string()]);
        let files = FileFacts {
            facts: vec![
                fact("env/weu-live/app.env", Field::ClientId, "a", None),
                fact(".env.staging", Field::ClientId, "b", None),
            ],
            ..FileFacts::default()
        };
        let (mut inv, names) = build(files, &settings);
        assert!(inv.environments.contains_key("production"));
        retain_environments(&mut inv, &["prod".to_string()], &names);
        let envs: Vec<&str> = inv.environments.keys().map(String::as_str).collect();
        assert_eq!(envs, vec!["production"]);
    }

    #[test]
    fn environment_files_define_environments_only_over_a_real_base() {
        let files = |base_client: &str, env_file: &str| FileFacts {
            facts: vec![fact(
                "api/appsettings.json",
                Field::ClientId,
                base_client,
                None,
            )],
            environment_files: vec![env_file.to_string()],
            ..FileFacts::default()
        };
        let rows = |f: FileFacts| {
            let (inv, _) = build(f, &InventorySettings::default());
            (
                inv.environments.keys().cloned().collect::<Vec<_>>(),
                inv.environment_files,
            )
        };
        let guid = "8206b76f-586e-4098-b1e5-598c1aa3e2a1";
        let (envs, named) = rows(files(guid, "api/appsettings.UAT.json"));
        assert_eq!(envs, vec!["uat"]);
        assert_eq!(named["uat"], vec!["api/appsettings.UAT.json"]);
        // A placeholder base configures nothing, a secret's placeholder included; test data
        // deploys nothing.
        let mut placeholder_secret =
            files("[Enter the Client Id here]", "api/appsettings.UAT.json");
        placeholder_secret.facts.push(Fact {
            value: FactValue::Secret(crate::secret::SecretValue::new(
                "[Enter your secret here]".to_string(),
            )),
            ..fact("api/appsettings.json", Field::ClientSecret, "", None)
        });
        assert!(rows(placeholder_secret).0.is_empty());
        assert!(rows(files(
            "[Enter the Client Id here]",
            "api/appsettings.UAT.json"
        ))
        .0
        .is_empty());
        assert!(rows(files(guid, "api/tests/appsettings.UAT.json"))
            .0
            .is_empty());
        // A file with settings of its own is an environment already, not a file-named one.
        let mut own = files(guid, "api/appsettings.Perf.json");
        own.facts.push(fact(
            "api/appsettings.Perf.json",
            Field::ClientId,
            guid,
            None,
        ));
        let (envs, named) = rows(own);
        assert_eq!(envs, vec!["perf"]);
        assert!(named.is_empty());
    }
}
