//! The `credgate.toml` that `credgate init` writes, rendered from a scan: a pure function of the
//! inventory, the environment matrix and the CI files found, so it is tested without a file
//! system. What a person must confirm (ids, variable names, shared apps) is commented out, each
//! suggestion says where it came from (`file:line`), and only names and ids are ever written:
//! never a secret value, a secret's fingerprint or hint, nor anything a Key Vault returned.

use crate::checks::consistency::message::{join_and, join_or};
use crate::checks::consistency::normalize;
use crate::checks::consistency::references::Matcher;
use crate::dryrun::credentials::{
    convention_names, convention_pair, convention_prefixes, identity_variables, split_convention,
    variable_form, CREDENTIALS_KEY, SECRET_KEY,
};
use crate::extract::value::is_placeholder;
use crate::inventory::app;
use crate::inventory::environment::{promotion_rank, EnvironmentNames};
use crate::inventory::summary::{fact_origin, short_reference};
use crate::model::{EnvironmentSummary, Fact, FactValue, Field, Inventory};
use crate::report::text::write_wrapped;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What the renderer reads: the scan's inventory and matrix, and the CI definitions found.
pub struct Input<'a> {
    /// The inventory the scan built (every environment, no `--env` narrowing).
    pub inventory: &'a Inventory,
    /// The environment names known to the scan (built-in aliases, pipelines' names).
    pub names: &'a EnvironmentNames,
    /// The environment matrix, in promotion order: the value each environment uses.
    pub environments: &'a [EnvironmentSummary],
    /// GitHub workflow files (`.github/workflows/*.yml`), relative to the root.
    pub github_workflows: &'a [String],
    /// Azure Pipelines definitions and templates, relative to the root.
    pub azure_pipelines: &'a [String],
}

/// What the written file suggests, for the summary line `credgate init` prints.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Environments declared.
    pub environments: usize,
    /// Commented tenant and client ids to confirm.
    pub ids: usize,
    /// Commented `*_env` variable names.
    pub variables: usize,
    /// Commented `[[shared_apps]]` suggestions.
    pub shared_apps: usize,
}

/// The file's text and what it suggests.
pub fn render(input: &Input<'_>) -> (String, Counts) {
    let mut out = String::new();
    let mut counts = Counts::default();
    out.push_str(HEADER);
    let mut ci_names: BTreeMap<String, String> = BTreeMap::new();
    // The matrix is in promotion order already (inventory::summary::summaries).
    let rows = input.environments;
    if rows.is_empty() {
        out.push_str(NO_ENVIRONMENT);
    }
    let matcher = Matcher::new(input.inventory, input.names);
    for row in rows {
        environment(&mut out, input, &matcher, row, &mut counts, &mut ci_names);
    }
    counts.environments = rows.len();
    counts.shared_apps = shared_apps(&mut out, input.inventory);
    identity_references(input.inventory, &mut ci_names);
    ci_step(&mut out, input, &ci_names);
    (out, counts)
}

const HEADER: &str = "\
# credgate.toml, written by `credgate init` from a scan of this repository.
#
# Review it before you commit it. What a person must confirm is commented out: read each
# suggestion and where it came from, correct it, then remove the `# ` in front. Unknown keys are
# errors (credgate names the key and the line), so a typo never switches a setting off.
# No secret is written here: only environment names, tenant and client ids (which are not
# secrets) and the names of CI variables. Every setting, explained: templates/credgate.toml in
# the credgate repository.
";

const NO_ENVIRONMENT: &str = "
# No environment was found: no file is named for one (appsettings.Production.json,
# .env.staging, values-prod.yaml, deploy/prod/...) and no pipeline job says `environment:`.
# Declare the names this repository uses, for example:
# [environments.production]
# aliases = [\"prd-weu\"]
";

/// A TOML string, quoted and escaped by the `toml` crate.
fn quoted(value: &str) -> String {
    toml::Value::String(value.to_string()).to_string()
}

/// A table key: bare when TOML allows it, else quoted.
fn key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_string()
    } else {
        quoted(name)
    }
}

/// Comment lines of `text`, wrapped under 100 columns, each starting with `# ` (the lines
/// after the first indented, so that none reads as a setting to uncomment). Paths and names are
/// never split (`4-WebApp-your-API/` stays whole).
fn comment(out: &mut String, text: &str) {
    write_wrapped(out, text, "# ", "#   ", COMMENT_WIDTH);
}

/// The widest a comment line is (`# ` included), so the file reads in a 100-column editor.
const COMMENT_WIDTH: usize = 98;

/// One `[environments.<name>]` table.
fn environment(
    out: &mut String,
    input: &Input<'_>,
    matcher: &Matcher,
    row: &EnvironmentSummary,
    counts: &mut Counts,
    ci_names: &mut BTreeMap<String, String>,
) {
    let name = &row.name;
    let own: &[Fact] = input
        .inventory
        .environments
        .get(name)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let _ = writeln!(out, "\n[environments.{}]", key(name));
    let files: Vec<String> = row
        .sources
        .iter()
        .filter(|s| !s.contains(':'))
        .cloned()
        .collect();
    if own.is_empty() {
        comment(
            out,
            &format!(
                "Named by {}, which {}: {name} runs on the base configuration it inherits.",
                join_and(&files),
                if files.len() > 1 {
                    "set no credential themselves"
                } else {
                    "sets no credential itself"
                }
            ),
        );
    } else if !files.is_empty() {
        comment(out, &format!("Found in {}.", join_and(&files)));
    }
    let context = |f: &String| crate::checks::secrets::filekind::FileKind::of(f);
    if !files.is_empty()
        && files.iter().all(|f| {
            let kind = context(f);
            kind.test || kind.vendored || kind.docs
        })
    {
        comment(
            out,
            &format!(
                "Every source of {name} is test data, vendored code or an example: if it \
                 deploys nothing, delete this table, or leave its folder out with [scan] ignore \
                 (at the cost of its hard-coded secrets no longer being reported)."
            ),
        );
    }
    let aliases = aliases(input.names, name, &files);
    if !aliases.is_empty() {
        let spelled: Vec<String> = aliases
            .iter()
            .map(|(alias, files)| format!("`{alias}` in {}", join_and(files)))
            .collect();
        comment(
            out,
            &format!(
                "Written as {} (built-in names of {name}, listed so you see them). Add the other \
                 names this repository uses for it (folders, file names, pipeline environments).",
                join_and(&spelled)
            ),
        );
    }
    let written: Vec<String> = aliases.keys().map(|a| quoted(a)).collect();
    let _ = writeln!(out, "aliases = [{}]", written.join(", "));
    let apps = apps_of(input.inventory, own, row);
    if apps.len() > 1 {
        comment(
            out,
            &format!(
                "{name} is configured by {} apps ({}), each with its own registration: an id \
                 pinned here would hold for all of them, so none is suggested (`credgate scan` \
                 compares each app's values on their own).",
                apps.len(),
                join_and(&apps)
            ),
        );
    } else {
        ids(out, input.inventory, row, own, counts);
    }
    secret(out, input.inventory, own, row);
    dry_run_variables(out, input.names, matcher, name, own, counts, ci_names);
}

/// The apps (project folders) whose files configure the environment, its own facts' files and
/// the files that name it, grouped as the rules group them ([`app::partition_by_app`]): one
/// entry per app, each with the shared files around it, so more than one means several apps.
fn apps_of(inventory: &Inventory, own: &[Fact], row: &EnvironmentSummary) -> Vec<String> {
    let mut files: Vec<&str> = own
        .iter()
        .filter_map(|f| f.location.file.as_deref())
        .collect();
    if let Some(named) = inventory.environment_files.get(&row.name) {
        files.extend(named.iter().map(String::as_str));
    }
    app::partition_by_app(&files, |f| f, &inventory.project_roots)
        .into_iter()
        .map(|(app, _)| if app.is_empty() { ".".to_string() } else { app })
        .collect()
}

/// The built-in names of `environment` that its files are named with (`prod` in
/// `values-prod.yaml`), each with the files; the canonical name itself is left out.
fn aliases(
    names: &EnvironmentNames,
    environment: &str,
    files: &[String],
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let parts = file
            .split(['/', '.', '-', '_'])
            .filter(|p| !p.is_empty())
            .map(str::to_ascii_lowercase);
        for part in parts {
            if part != environment && names.known(&part).as_deref() == Some(environment) {
                let files = out.entry(part).or_default();
                if !files.contains(file) {
                    files.push(file.clone());
                }
            }
        }
    }
    out
}

/// Whether an id may be written: a GUID, or for a tenant a domain (a value that is neither may
/// be anything, a secret pasted into the wrong field included, and is never copied).
fn writable(field: Field, value: &str) -> bool {
    if is_placeholder(value) {
        return false;
    }
    match field {
        Field::TenantId => normalize::tenant(value).key().is_some(),
        _ => normalize::guid(value).is_some(),
    }
}

/// The same id, compared as the rules compare them.
fn same_id(field: Field, a: &str, b: &str) -> bool {
    match field {
        Field::TenantId => {
            let (a, b) = (normalize::tenant(a), normalize::tenant(b));
            a.key().is_some() && a.key() == b.key()
        }
        _ => normalize::guid(a).is_some() && normalize::guid(a) == normalize::guid(b),
    }
}

/// Where `value` is set for `field`: the environment's own facts, else the base configuration's
/// (`inherited` says which).
fn places(inventory: &Inventory, own: &[Fact], field: Field, value: &str) -> (Vec<String>, bool) {
    let find = |facts: &[Fact]| -> Vec<String> {
        let mut places: Vec<String> = facts
            .iter()
            .filter(|f| f.field == field)
            .filter(|f| matches!(&f.value, FactValue::Plain(v) if same_id(field, v, value)))
            .map(fact_origin)
            .collect();
        places.dedup();
        places
    };
    let own_places = find(own);
    if own_places.is_empty() {
        (find(&inventory.unassigned), true)
    } else {
        (own_places, false)
    }
}

/// The commented `tenant_id` and `client_id` the environment uses, with where each is set.
fn ids(
    out: &mut String,
    inventory: &Inventory,
    row: &EnvironmentSummary,
    own: &[Fact],
    counts: &mut Counts,
) {
    let shown = [
        (Field::TenantId, "tenant_id", row.tenant_id.as_deref()),
        (Field::ClientId, "client_id", row.client_id.as_deref()),
    ];
    if shown.iter().all(|(_, _, v)| v.is_none()) {
        return;
    }
    comment(
        out,
        &format!(
            "The tenant and app {} uses, as the repository sets them. Uncomment to pin them: a \
             source that disagrees is then tenant-id-mismatch or client-id-mismatch, at that \
             source.",
            row.name
        ),
    );
    for (field, setting, value) in shown {
        let Some(value) = value else { continue };
        if writable(field, value) {
            let (places, inherited) = places(inventory, own, field, value);
            let from = match (places.is_empty(), inherited) {
                (true, _) => String::new(),
                (false, false) => format!("  # {}", places.join(", ")),
                (false, true) => format!("  # inherited: {}", places.join(", ")),
            };
            let _ = writeln!(out, "# {setting} = {}{from}", quoted(value));
            counts.ids += 1;
        } else if let Some((kind, name)) = value.split_once(':').filter(|(k, _)| is_kind(k)) {
            comment(
                out,
                &format!(
                    "{setting}: set by {} (the value is in CI, not in the repository).",
                    short_reference(kind, name)
                ),
            );
        } else if is_placeholder(value) {
            let at: Vec<String> = own
                .iter()
                .chain(&inventory.unassigned)
                .filter(|f| f.field == field)
                .filter(|f| matches!(&f.value, FactValue::Plain(v) if v == value))
                .map(fact_origin)
                .collect();
            comment(
                out,
                &format!(
                    "{setting}: {} holds a placeholder; to pin the real id, add a {setting} \
                     line with it here.",
                    if at.is_empty() {
                        "the repository".to_string()
                    } else {
                        join_and(&at)
                    }
                ),
            );
        } else {
            comment(
                out,
                &format!(
                    "{setting}: the value found is not a valid id (see malformed-id in \
                     `credgate scan`), so it is not copied here."
                ),
            );
        }
        for conflict in row.conflicts.iter().filter(|c| c.field == setting) {
            let value = if writable(field, &conflict.value) {
                conflict.value.clone()
            } else {
                "a value that is not a valid id".to_string()
            };
            comment(
                out,
                &format!(
                    "{setting} is also {value} in {}: `credgate scan` reports the disagreement; \
                     keep the one that is right.",
                    join_and(&conflict.sources)
                ),
            );
        }
    }
}

/// The reference kinds the extractors write (`github-secret:NAME` in the matrix).
fn is_kind(kind: &str) -> bool {
    matches!(
        kind,
        "github-secret"
            | "github-variable"
            | "github-env"
            | "template-variable"
            | "pipeline-variable"
            | "env-var"
            | "key-vault"
            | "token-replacement"
            | "terraform"
    )
}

/// Where the environment's secret comes from, in words: its source only, never the value, its
/// hint or its fingerprint.
fn secret(out: &mut String, inventory: &Inventory, own: &[Fact], row: &EnvironmentSummary) {
    let Some(source) = row.secret.source.as_deref() else {
        return;
    };
    let text = if source.starts_with("key-vault:") {
        // Where the reference is written: the environment's own files, else the base's.
        let at = own
            .iter()
            .chain(&inventory.unassigned)
            .find(|f| match &f.value {
                FactValue::Reference { kind, name } => short_reference(kind, name) == source,
                _ => false,
            })
            .map(|f| format!(" at {}", fact_origin(f)))
            .unwrap_or_default();
        format!(
            "Its secret is the Key Vault reference {source}{at}: `check` and `dry-run` read it with \
             the CI identity, which needs the \"Key Vault Secrets User\" role on the vault (a \
             [keyvault] table names other variables for that identity)."
        )
    } else if row.secret.fingerprint.is_some() && placeholder_secret(inventory, own, source) {
        format!(
            "Its secret at {source} is a placeholder: keep the real one in a CI secret or Key \
             Vault, never in the file."
        )
    } else if row.secret.fingerprint.is_some() {
        format!(
            "Its secret is a literal committed at {source}: `credgate scan` reports it. Rotate it \
             and keep the new one in a CI secret or Key Vault."
        )
    } else {
        format!("Its secret comes from {source}.")
    };
    comment(out, &text);
}

/// Whether the literal secret at `source` (`file:line`) is a placeholder such as
/// `Enter_the_Client_Secret_Here` (looked at, never written).
fn placeholder_secret(inventory: &Inventory, own: &[Fact], source: &str) -> bool {
    own.iter()
        .chain(&inventory.unassigned)
        .filter(|f| fact_origin(f) == source)
        .any(|f| matches!(&f.value, FactValue::Secret(s) if is_placeholder(s.expose())))
}

/// The CI variable names the dry-run reads for the environment, and commented `*_env` settings
/// for the names its pipelines and files reference.
fn dry_run_variables(
    out: &mut String,
    names: &EnvironmentNames,
    matcher: &Matcher,
    environment: &str,
    own: &[Fact],
    counts: &mut Counts,
    ci_names: &mut BTreeMap<String, String>,
) {
    let prefixes = convention_prefixes(names, environment);
    let main = variable_form(environment);
    let others: Vec<String> = prefixes.iter().filter(|p| **p != main).cloned().collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!("; the {main} part may also be {}", join_or(&others))
    };
    // The other keys, from the list the dry-run reads (so none is left out, as the federated
    // token file once was).
    let likewise: Vec<String> = identity_variables()
        .filter(|key| *key != SECRET_KEY)
        .map(|key| format!("_{key}"))
        .collect();
    comment(
        out,
        &format!(
            "Dry-run: `check` reads {environment}'s credentials from {} (likewise {}{also}), or \
             with `--env {environment}` alone from the plain names ({}).",
            convention_pair(&main, SECRET_KEY).join(" or "),
            likewise.join(", "),
            identity_variables().collect::<Vec<_>>().join(", ")
        ),
    );
    let settings = [
        (Field::ClientSecret, "client_secret_env"),
        (Field::TenantId, "tenant_id_env"),
        (Field::ClientId, "client_id_env"),
        (Field::Certificate, "certificate_path_env"),
    ];
    let read = convention_names(names, environment);
    let [credentials, _] = convention_pair(&main, CREDENTIALS_KEY);
    let mut wrote_intro = false;
    for (field, setting) in settings {
        let Some((fact, kind, name)) = own.iter().find_map(|f| match &f.value {
            FactValue::Reference { kind, name }
                if f.field == field && is_variable_kind(kind) && is_variable_name(name) =>
            {
                Some((f, kind.as_str(), name.as_str()))
            }
            _ => None,
        }) else {
            continue;
        };
        if identity_variables().any(|key| key == name) || read.iter().any(|n| n == name) {
            // The dry-run reads these names already: nothing to rename.
            continue;
        }
        let others = matcher.others_named(environment, name);
        if !others.is_empty() {
            comment(
                out,
                &format!(
                    "{environment}'s pipeline passes {name} ({} at {}), named for {}: \
                     `credgate scan` reports it (cross-env-secret-reference), so it is not \
                     suggested here.",
                    short_reference(kind, name),
                    fact_origin(fact),
                    join_and(&others)
                ),
            );
            continue;
        }
        if name.to_ascii_uppercase().contains("CREDENTIALS") {
            comment(
                out,
                &format!(
                    "{environment}'s pipeline passes azure/login's JSON in {name} ({}): pass it \
                     to credgate's step as {credentials}, which the dry-run reads.",
                    fact_origin(fact)
                ),
            );
            continue;
        }
        if !wrote_intro {
            comment(
                out,
                "The names its pipelines and files use instead; uncomment to read them (and \
                 pass each to credgate's step):",
            );
            wrote_intro = true;
        }
        let _ = writeln!(
            out,
            "# {setting} = {}  # {} at {}",
            quoted(name),
            short_reference(kind, name),
            fact_origin(fact)
        );
        counts.variables += 1;
        ci_names.insert(name.to_string(), kind.to_string());
    }
}

/// The CI secrets and variables the repository's pipelines and files already reference under
/// a name the dry-run reads (`AZURE_CLIENT_ID`, `PROD_AZURE_CREDENTIALS`), so the CI step
/// passes those instead of names the repository does not define.
fn identity_references(inventory: &Inventory, names: &mut BTreeMap<String, String>) {
    let facts = inventory
        .environments
        .values()
        .flatten()
        .chain(&inventory.unassigned);
    for fact in facts {
        let FactValue::Reference { kind, name } = &fact.value else {
            continue;
        };
        let read = identity_variables().any(|key| key == name) || split_convention(name).is_some();
        if read && is_variable_kind(kind) && is_variable_name(name) {
            names.entry(name.clone()).or_insert_with(|| kind.clone());
        }
    }
}

/// Reference kinds whose name is a CI or process variable the dry-run can read.
fn is_variable_kind(kind: &str) -> bool {
    matches!(
        kind,
        "github-secret" | "github-variable" | "pipeline-variable" | "env-var"
    )
}

/// A variable name that a process environment can hold.
fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// `[[shared_apps]]` suggestions, commented: a client id that two environments' own files set.
/// Returns how many.
fn shared_apps(out: &mut String, inventory: &Inventory) -> usize {
    // Normalised client id → (its first spelling, environment → places).
    let mut apps: BTreeMap<String, (String, BTreeMap<String, Vec<String>>)> = BTreeMap::new();
    for (environment, facts) in &inventory.environments {
        for fact in facts.iter().filter(|f| f.field == Field::ClientId) {
            let FactValue::Plain(value) = &fact.value else {
                continue;
            };
            if !writable(Field::ClientId, value) {
                continue;
            }
            let Some(id) = normalize::guid(value) else {
                continue;
            };
            let (_, by_env) = apps
                .entry(id)
                .or_insert_with(|| (value.trim().to_string(), BTreeMap::new()));
            by_env
                .entry(environment.clone())
                .or_default()
                .push(fact_origin(fact));
        }
    }
    let mut count = 0;
    for (spelled, by_env) in apps.values() {
        if by_env.len() < 2 {
            continue;
        }
        let mut environments: Vec<&String> = by_env.keys().collect();
        environments.sort_by(|a, b| promotion_rank(a).cmp(&promotion_rank(b)).then(a.cmp(b)));
        let used: Vec<String> = environments
            .iter()
            .map(|env| {
                let places = by_env.get(*env).cloned().unwrap_or_default();
                format!("{env} at {}", join_and(&places))
            })
            .collect();
        out.push('\n');
        comment(
            out,
            &format!(
                "One app for several environments: {spelled} is the client id of {}. That is \
                 cross-env-client-id unless it is deliberate (one multi-tenant app, say); only \
                 then uncomment:",
                join_and(&used)
            ),
        );
        let names: Vec<String> = environments.iter().map(|e| quoted(e)).collect();
        let _ = writeln!(out, "# [[shared_apps]]");
        let _ = writeln!(out, "# client_id = {}", quoted(spelled));
        let _ = writeln!(out, "# environments = [{}]", names.join(", "));
        let _ = writeln!(
            out,
            "# description = {}",
            quoted("why these environments share one registration")
        );
        count += 1;
    }
    count
}

/// ` (a.yml and b.yml)`: the CI files a platform's step is for, or nothing when none was found.
fn found_in(files: &[String]) -> String {
    if files.is_empty() {
        String::new()
    } else {
        format!(" ({})", join_and(files))
    }
}

/// The step to add to the CI: GitHub Actions, Azure Pipelines, or both when neither is found.
fn ci_step(out: &mut String, input: &Input<'_>, ci_names: &BTreeMap<String, String>) {
    let names: Vec<String> = input.environments.iter().map(|r| r.name.clone()).collect();
    let job_env = if names.is_empty() {
        "<the job's environment>".to_string()
    } else {
        format!("<the job's environment: {}>", join_or(&names))
    };
    let github = !input.github_workflows.is_empty();
    let azure = !input.azure_pipelines.is_empty();
    out.push('\n');
    comment(
        out,
        "CI: run credgate before each deploy, in the deploy job, with that environment's own \
         credentials: a failure there is the AADSTS error the deploy would have hit. On pull \
         requests, `credgate scan` needs no secrets.",
    );
    if github || !azure {
        comment(
            out,
            &format!(
                "GitHub Actions{}: add this step to each deploy job, before the deploy (whole \
                 workflows: templates/github/credgate-deploy.yml and credgate-pr.yml):",
                found_in(input.github_workflows)
            ),
        );
        let mut step = vec![
            "- uses: credgate/credgate@v1".to_string(),
            "  with:".to_string(),
            "    command: check".to_string(),
            format!("    environments: {job_env}"),
            "  env:".to_string(),
        ];
        let passed: Vec<String> = ci_names
            .iter()
            .filter_map(|(name, kind)| match kind.as_str() {
                "github-secret" => Some(format!("    {name}: ${{{{ secrets.{name} }}}}")),
                "github-variable" => Some(format!("    {name}: ${{{{ vars.{name} }}}}")),
                _ => None,
            })
            .collect();
        let secret = ci_names
            .iter()
            .any(|(name, kind)| kind == "github-secret" && !name.contains("_ID"));
        if passed.is_empty() {
            // Nothing in the repository names them: the plain names, to create.
            step.push("    AZURE_TENANT_ID: ${{ vars.AZURE_TENANT_ID }}".to_string());
            step.push("    AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}".to_string());
            step.push(format!("    {SECRET_KEY}: ${{{{ secrets.{SECRET_KEY} }}}}"));
        } else {
            step.extend(passed);
            if !secret {
                step.push(
                    "(no client secret: credgate uses the job's OIDC token, with \
                     `permissions: id-token: write`)"
                        .to_string(),
                );
            }
        }
        yaml(out, &step);
    }
    if azure || !github {
        comment(
            out,
            &format!(
                "Azure Pipelines{}: copy templates/azure-pipelines/credgate.yml into the \
                 repository and add this to each deployment job, before the deploy (or use the \
                 Azure DevOps task, templates/azure-devops-task):",
                found_in(input.azure_pipelines)
            ),
        );
        let mut step = vec![
            "- template: credgate.yml".to_string(),
            "  parameters:".to_string(),
            "    command: check".to_string(),
            format!("    environments: [ '{job_env}' ]"),
            "    env:".to_string(),
        ];
        let passed: Vec<String> = ci_names
            .iter()
            .filter(|(_, kind)| *kind == "pipeline-variable")
            .map(|(name, _)| format!("      {name}: $({name})"))
            .collect();
        if passed.is_empty() {
            // Nothing in the repository names it: the plain name, to define.
            step.push(format!("      {SECRET_KEY}: $({SECRET_KEY})"));
        } else {
            step.extend(passed);
        }
        yaml(out, &step);
    }
}

/// A YAML snippet as comment lines, indented under the prose.
fn yaml(out: &mut String, lines: &[String]) {
    for line in lines {
        let _ = writeln!(out, "#   {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    fn fact(env: Option<&str>, file: &str, line: u32, field: Field, value: FactValue) -> Fact {
        Fact {
            environment: env.map(str::to_string),
            field,
            value,
            location: Location::file(file, line, 1),
            source: "t".into(),
        }
    }

    /// A production reference in the deploy workflow.
    fn reference(line: u32, field: Field, kind: &str, name: &str) -> Fact {
        fact(
            Some("production"),
            ".github/workflows/deploy.yml",
            line,
            field,
            FactValue::Reference {
                kind: kind.into(),
                name: name.into(),
            },
        )
    }

    /// An inventory of production's own facts.
    fn production(facts: Vec<Fact>) -> Inventory {
        let mut inv = Inventory::default();
        inv.environments.insert("production".into(), facts);
        inv
    }

    /// The comments' prose on one line: `#` and the wrapping indent gone.
    fn prose<'a>(lines: impl Iterator<Item = &'a str>) -> String {
        lines
            .map(|l| l.trim_start_matches('#').trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn input_of(inventory: &Inventory) -> String {
        let names = EnvironmentNames::default();
        let rows = crate::inventory::summary::summaries(inventory, &BTreeMap::new());
        render(&Input {
            inventory,
            names: &names,
            environments: &rows,
            github_workflows: &[],
            azure_pipelines: &[],
        })
        .0
    }

    #[test]
    fn ids_are_commented_with_their_places_and_bad_ones_never_copied() {
        let mut inv = Inventory::default();
        let id = "1ee56472-6166-4e31-b902-c9f9c65b805e";
        inv.environments.insert(
            "production".into(),
            vec![
                fact(
                    Some("production"),
                    "values-prod.yaml",
                    8,
                    Field::ClientId,
                    FactValue::Plain(id.into()),
                ),
                fact(
                    Some("production"),
                    "values-prod.yaml",
                    7,
                    Field::TenantId,
                    FactValue::Plain("not a tenant, maybe a pasted secret".into()),
                ),
            ],
        );
        let text = input_of(&inv);
        assert!(
            text.contains(&format!("# client_id = \"{id}\"  # values-prod.yaml:8")),
            "{text}"
        );
        assert!(text.contains("aliases = [\"prod\"]"), "{text}");
        assert!(!text.contains("pasted secret"), "{text}");
        assert!(text.contains("PRODUCTION_AZURE_CLIENT_SECRET"), "{text}");
    }

    #[test]
    fn the_dry_run_comment_names_every_variable_the_dry_run_reads() {
        let mut inv = Inventory::default();
        inv.environments.insert(
            "staging".into(),
            vec![fact(
                Some("staging"),
                ".env.staging",
                1,
                Field::TenantId,
                FactValue::Plain("contoso.onmicrosoft.com".into()),
            )],
        );
        let text = input_of(&inv);
        let comment = prose(
            text.lines()
                .skip_while(|l| !l.starts_with("# Dry-run:"))
                .take_while(|l| l.starts_with('#') && !l.starts_with("# CI:")),
        );
        assert!(
            comment.contains("STAGING_AZURE_CLIENT_SECRET or AZURE_CLIENT_SECRET_STAGING"),
            "{comment}"
        );
        for key in identity_variables() {
            assert!(comment.contains(&format!("_{key}")), "{key}: {comment}");
        }
        assert!(
            comment.contains("_AZURE_FEDERATED_TOKEN_FILE,"),
            "{comment}"
        );
    }

    #[test]
    fn variable_names_are_suggested_only_when_the_dry_run_would_not_read_them() {
        let inv = production(vec![
            reference(
                10,
                Field::ClientSecret,
                "github-secret",
                "STAGING_SP_SECRET",
            ),
            reference(11, Field::TenantId, "github-secret", "PROD_AZURE_TENANT_ID"),
            reference(12, Field::ClientId, "github-variable", "API_APP_ID"),
            reference(13, Field::Certificate, "github-secret", "LOGIN_CREDENTIALS"),
        ]);
        let text = input_of(&inv);
        // Named for staging: the cross-environment mistake, never a suggestion.
        assert!(!text.contains("client_secret_env ="), "{text}");
        assert!(text.contains("named for staging"), "{text}");
        // Read by convention already.
        assert!(!text.contains("tenant_id_env ="), "{text}");
        assert!(text.contains("# client_id_env = \"API_APP_ID\"  # github-variable:API_APP_ID at .github/workflows/deploy.yml:12"), "{text}");
        assert!(
            text.contains("API_APP_ID: ${{ vars.API_APP_ID }}"),
            "{text}"
        );
        // azure/login's JSON is no id: said, not suggested.
        assert!(!text.contains("certificate_path_env ="), "{text}");
        assert!(text.contains("PRODUCTION_AZURE_CREDENTIALS"), "{text}");
    }

    #[test]
    fn a_name_is_for_another_environment_exactly_when_the_scan_says_so() {
        let inv = production(vec![
            // Names production too: cross-env-secret-reference does not report it.
            reference(
                10,
                Field::ClientSecret,
                "github-secret",
                "PROD_FROM_STAGING_SECRET",
            ),
            // camelCase words name staging.
            reference(11, Field::ClientId, "github-secret", "stagingAppId"),
        ]);
        let text = input_of(&inv);
        assert!(
            text.contains("# client_secret_env = \"PROD_FROM_STAGING_SECRET\""),
            "{text}"
        );
        assert!(!text.contains("client_id_env ="), "{text}");
        assert!(text.contains("stagingAppId"), "{text}");
        assert!(text.contains("named for staging"), "{text}");
        let reported = crate::checks::consistency::check(&inv);
        let flagged: Vec<&str> = reported
            .iter()
            .filter(|f| f.rule_id == "cross-env-secret-reference")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(flagged.len(), 1, "{flagged:?}");
        assert!(flagged[0].contains("stagingAppId"), "{flagged:?}");
    }

    #[test]
    fn an_environment_of_several_apps_pins_no_id_and_counts_apps_as_the_rules_do() {
        let client = |file: &str, id: &str| {
            fact(
                Some("production"),
                file,
                3,
                Field::ClientId,
                FactValue::Plain(id.into()),
            )
        };
        let mut inv = Inventory::default();
        inv.project_roots.insert("services/orders/src/Api".into());
        inv.environments.insert(
            "production".into(),
            vec![
                client(
                    "services/orders/helm/values-prod.yaml",
                    "1ee56472-6166-4e31-b902-c9f9c65b805e",
                ),
                client(
                    "services/orders/src/Api/appsettings.Production.json",
                    "1ee56472-6166-4e31-b902-c9f9c65b805e",
                ),
                client(
                    "services/billing/appsettings.Production.json",
                    "bf178375-4a86-4a0c-9256-9cf907bce18a",
                ),
            ],
        );
        let text = input_of(&inv);
        let joined = prose(text.lines());
        // The orders chart configures the Api inside its folder: two apps, not three.
        assert!(
            joined.contains(
                "production is configured by 2 apps (services/billing and \
                 services/orders/src/Api)"
            ),
            "{text}"
        );
        assert!(!text.contains("client_id = "), "{text}");
    }

    #[test]
    fn a_repository_that_names_no_variable_gets_the_plain_names_in_both_steps() {
        let text = input_of(&Inventory::default());
        for line in [
            "#       AZURE_TENANT_ID: ${{ vars.AZURE_TENANT_ID }}",
            "#       AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}",
            "#       AZURE_CLIENT_SECRET: ${{ secrets.AZURE_CLIENT_SECRET }}",
            "#         AZURE_CLIENT_SECRET: $(AZURE_CLIENT_SECRET)",
        ] {
            assert!(text.lines().any(|l| l == line), "{line}\n{text}");
        }
        assert!(!text.contains("OIDC token"), "{text}");
        // Every comment line fits the width, its `# ` included.
        let widest = text.lines().map(|l| l.chars().count()).max();
        assert!(widest.is_some_and(|w| w <= COMMENT_WIDTH), "{text}");
    }

    #[test]
    fn quoting_round_trips_through_toml() {
        for value in ["a\"b\\c", "west europe", "it's", "tab\there", "\u{e9}"] {
            let table: toml::Table =
                toml::from_str(&format!("k = {}\n[{}]\n", quoted(value), key(value)))
                    .expect("valid TOML");
            assert_eq!(table["k"].as_str(), Some(value));
            assert!(table.contains_key(value), "{value:?}");
        }
        assert_eq!(key("westeurope-prod"), "westeurope-prod");
    }
}
