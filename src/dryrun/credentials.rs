//! Which tenant, client id and credential each environment's dry-run uses, and where each came
//! from. docs/design.md "Where values come from", first match wins per value:
//!
//! 1. `credgate.toml` `[environments.<name>]`: `client_secret_env`, `tenant_id_env`,
//!    `client_id_env`, `certificate_path_env` (+ `certificate_password_env`) name variables;
//!    literal `tenant_id` / `client_id`;
//! 2. `<ENV>_AZURE_*` / `AZURE_*_<ENV>` for every alias of the environment;
//! 3. plain `AZURE_*` (and GitHub's OIDC token) only when exactly one environment is selected;
//! 4. tenant and client ids (never secrets) from the inventory;
//! 5. literal secrets in the repository's files: if one authenticates it is `live-secret-committed`.
//!
//! A variable that is set but empty, or holds an unexpanded `$(NAME)` macro or `${{ … }}`
//! expression (what a step gets when the secret behind it does not exist), counts as absent:
//! resolution goes on to the next place, and [`UnsetVariable::note`] says so by name.
//!
//! The process environment is read through a function so tests never touch the real one.

use crate::config::EnvironmentConfig;
use crate::extract::value::reference;
use crate::inventory::environment::EnvironmentNames;
use crate::model::{Fact, FactValue, Field, Finding, Inventory, Location, Severity};
use crate::secret::SecretValue;
use std::path::PathBuf;

/// The process environment, injectable.
pub type EnvLookup<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// Where a value came from, for messages and finding locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A process environment variable.
    Env(String),
    /// A literal in `credgate.toml` (the key, e.g. `environments.production.tenant_id`).
    Config(String),
    /// A repository file position.
    File(Location),
    /// GitHub Actions' OIDC token endpoint.
    GithubOidc,
    /// A Key Vault secret (`key-vault:{vault}/{name}`) that a repository file references.
    KeyVault {
        /// `key-vault:{vault}/{name}`.
        source: String,
        /// Where the reference is written.
        reference: Location,
    },
}

impl Origin {
    /// `env:NAME`, `credgate.toml (key)`, `file:line`, `github-oidc`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Env(name) => format!("env:{name}"),
            Origin::Config(key) => format!("credgate.toml ({key})"),
            Origin::File(loc) => match (&loc.file, loc.line) {
                (Some(f), Some(l)) => format!("{f}:{l}"),
                _ => loc.to_string(),
            },
            Origin::GithubOidc => "github-oidc (ACTIONS_ID_TOKEN_REQUEST_URL)".into(),
            Origin::KeyVault { source, .. } => source.clone(),
        }
    }

    /// The place a finding about this value points at.
    pub fn location(&self) -> Location {
        match self {
            Origin::File(loc) | Origin::KeyVault { reference: loc, .. } => loc.clone(),
            Origin::Config(key) => {
                Location::source(format!("{}:{key}", crate::config::DEFAULT_FILE))
            }
            other => Location::source(other.describe()),
        }
    }
}

/// A value with its origin.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
}

/// How the environment's app proves itself.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A client secret.
    Secret(SecretValue),
    /// A certificate file (PEM with key, or PFX) turned into a signed assertion.
    Certificate {
        /// The file.
        path: PathBuf,
        /// The PFX password, when one is configured.
        password: Option<SecretValue>,
    },
    /// A federated token read from a file (`AZURE_FEDERATED_TOKEN_FILE`).
    FederatedFile(PathBuf),
    /// GitHub Actions' OIDC token, requested with the runner's request token.
    GithubOidc {
        /// `ACTIONS_ID_TOKEN_REQUEST_URL`.
        request_url: String,
        /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
        request_token: SecretValue,
    },
}

impl Credential {
    /// A word for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::Secret(_) => "client secret",
            Credential::Certificate { .. } => "certificate",
            Credential::FederatedFile(_) | Credential::GithubOidc { .. } => "federated token",
        }
    }
}

/// Everything one environment's dry-run needs.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Canonical environment name.
    pub environment: String,
    /// Tenant id or domain.
    pub tenant: Option<Sourced<String>>,
    /// Application (client) id.
    pub client_id: Option<Sourced<String>>,
    /// The credential.
    pub credential: Option<Sourced<Credential>>,
    /// The credential is a literal from a repository file (level 5).
    pub committed: bool,
    /// The authority written in the repository, if any (checked against the allow-list later).
    pub authority: Option<Sourced<String>>,
    /// Redirect URIs the repository configures for this environment.
    pub redirect_uris: Vec<Sourced<String>>,
    /// App roles the token must carry.
    pub required_roles: Vec<String>,
    /// Scope from `credgate.toml`.
    pub scope: Option<String>,
    /// What was looked for, for the `missing_credentials` note.
    pub looked_for: Vec<String>,
    /// The environment's secret as a Key Vault reference, read by the dry-run when nothing
    /// above found a credential.
    pub key_vault: Option<super::keyvault::KeyVaultSource>,
}

/// The client secret's variable of the azure-identity convention: public so that `credgate
/// init` names it as the dry-run reads it instead of spelling it again.
pub const SECRET_KEY: &str = "AZURE_CLIENT_SECRET";

/// The variables of the azure-identity convention, in the order they are tried.
const KEYS: [&str; 5] = [
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    SECRET_KEY,
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_FEDERATED_TOKEN_FILE",
];
const PASSWORD_KEY: &str = "AZURE_CLIENT_CERTIFICATE_PASSWORD";

/// Words around a credential variable that name no environment: CI inputs and tool prefixes
/// (`INPUT_AZURE_CLIENT_ID`, `TF_VAR_AZURE_CLIENT_SECRET`), file and rotation markers
/// (`AZURE_CLIENT_SECRET_FILE`, `OLD_AZURE_CLIENT_SECRET`).
const NOT_ENVIRONMENTS: &[&str] = &[
    "INPUT", "INPUTS", "TF_VAR", "TF", "ARM", "GITHUB", "RUNNER", "SYSTEM", "BUILD", "AGENT",
    "ENDPOINT", "SECRETS", "SECRET", "VARS", "VAR", "ENV", "FILE", "PATH", "NAME", "VALUE", "KEY",
    "ID", "DEFAULT", "OLD", "NEW", "NEXT", "PREVIOUS", "CURRENT", "BACKUP",
];

/// The environments that credential variables in the process name by the convention
/// (`UAT_AZURE_CLIENT_SECRET`, `AZURE_CLIENT_ID_CANARY`): a CI job that sets them means the
/// dry-run to try that environment even when no file of the repository names it. Lower case,
/// `_` kept (an alias matches it again in upper case).
pub fn environments_named_by_variables<'a>(
    variables: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut out: Vec<String> = variables
        .into_iter()
        .filter_map(split_convention)
        .map(|(_, env)| env)
        .filter(|env| {
            env.starts_with(|c: char| c.is_ascii_uppercase())
                && env
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && !env.ends_with('_')
                && !env.contains("__")
                && !NOT_ENVIRONMENTS.contains(env)
                && !identity_variables().any(|key| key.starts_with(env) || env.starts_with("AZURE"))
        })
        .map(str::to_ascii_lowercase)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Inputs to resolution shared by every environment.
pub struct Context<'a> {
    /// The scanned inventory.
    pub inventory: &'a Inventory,
    /// Environment names and aliases.
    pub names: &'a EnvironmentNames,
    /// Whether exactly one environment was selected with `--env`.
    pub single: bool,
    /// Repository root, to resolve relative certificate paths from credgate.toml.
    pub root: &'a std::path::Path,
    /// The process environment.
    pub env: EnvLookup<'a>,
}

/// Why a variable that is set still holds no value: CI systems hand a step such text when the
/// variable or secret behind it does not exist, and sending it to Entra as a credential only
/// produces a confusing AADSTS error (or a token request with a wrong id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unset {
    /// Empty or only whitespace: GitHub expands a missing secret to the empty string.
    Empty,
    /// `$(NAME)`: Azure Pipelines leaves a macro as text when its variable is not defined.
    AzureMacro,
    /// `${{ … }}`: an expression that nothing evaluated (written where GitHub or Azure does not
    /// expand it, or passed on by another tool).
    Expression,
}

impl Unset {
    /// Why `value` is not a real value, or `None` when it is one. Only the shape is looked at;
    /// the value itself never leaves this function.
    pub fn of(value: &str) -> Option<Unset> {
        let value = value.trim();
        if value.is_empty() {
            return Some(Unset::Empty);
        }
        // The extractors' reading of a whole-value `$(NAME)` macro (not a `$[ … ]` expression).
        if value.starts_with("$(")
            && reference(value).is_some_and(|r| r.kind == "pipeline-variable")
        {
            return Some(Unset::AzureMacro);
        }
        if value
            .find("${{")
            .is_some_and(|at| value.get(at..).is_some_and(|rest| rest.contains("}}")))
        {
            return Some(Unset::Expression);
        }
        None
    }

    /// What the value looked like, for the note (never the value itself).
    fn describe(self) -> &'static str {
        match self {
            Unset::Empty => "is set but empty",
            Unset::AzureMacro => "holds an unexpanded Azure Pipelines macro `$(…)`",
            Unset::Expression => "holds an unexpanded `${{ … }}` expression",
        }
    }
}

/// A credential variable that is set but holds no usable value ([`Unset`]): resolution treats
/// it as absent, and the run says so in a note that names the variable, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetVariable {
    /// Canonical environment name whose resolution read it.
    pub environment: String,
    /// The variable's name.
    pub name: String,
    /// What was in it, by shape.
    pub why: Unset,
}

impl UnsetVariable {
    /// The note (`dry-run-failed` at note severity, like `missing_credentials`).
    pub fn note(&self) -> Finding {
        let origin = Origin::Env(self.name.clone());
        let cause = match self.why {
            Unset::Empty => {
                "a secret or variable that does not exist (or is not passed to this step) \
                 arrives empty"
            }
            Unset::AzureMacro => {
                "Azure Pipelines passes `$(NAME)` on as text when no variable NAME is defined \
                 for the job"
            }
            Unset::Expression => "the expression was never evaluated",
        };
        Finding::new(
            "dry-run-failed",
            Severity::Note,
            origin.location(),
            format!(
                "{}: {} {}, so credgate treated it as unset ({cause}).",
                self.environment,
                self.name,
                self.why.describe()
            ),
            &format!("{}:unset:{}", self.environment, self.name),
        )
        .with_environment(self.environment.clone())
        .with_fix(format!(
            "Define what {name} should carry for this job (Azure Pipelines: define the variable \
             or link its variable group, and map a secret with env:; GitHub: create the \
             repository or environment secret), or stop setting {name} for the credgate step.",
            name = self.name
        ))
    }
}

/// Which value a variable was read for, to tell whether an unset one mattered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Tenant,
    Client,
    Credential,
}

/// The reads of one environment's resolution: what was looked for and which variables were
/// set without a value.
struct Search<'a> {
    env: EnvLookup<'a>,
    environment: &'a str,
    /// Values an earlier level already found: an unset variable read for one of them would
    /// not have been used, so it is not reported.
    found: Vec<Slot>,
    looked_for: Vec<String>,
    unset: Vec<UnsetVariable>,
}

impl Search<'_> {
    /// The variable's value when it holds a real one; an empty or unexpanded one is recorded
    /// (once, and only if no earlier level found the value) and read as absent.
    fn get(&mut self, name: &str, slot: Slot) -> Option<String> {
        let value = (self.env)(name)?;
        let Some(why) = Unset::of(&value) else {
            return Some(value);
        };
        if !self.found.contains(&slot) && !self.unset.iter().any(|u| u.name == name) {
            self.unset.push(UnsetVariable {
                environment: self.environment.to_string(),
                name: name.to_string(),
                why,
            });
        }
        None
    }

    /// Marks the values `level` found, before the next level is read.
    fn level_done(&mut self, level: &Level) {
        for (slot, has) in [
            (Slot::Tenant, level.tenant.is_some()),
            (Slot::Client, level.client.is_some()),
            (Slot::Credential, level.credential.is_some()),
        ] {
            if has && !self.found.contains(&slot) {
                self.found.push(slot);
            }
        }
    }

    /// A variable named in credgate.toml: looked for, then read.
    fn named(&mut self, name: Option<&str>, slot: Slot) -> Option<(String, String)> {
        let name = name?;
        self.looked_for.push(name.to_string());
        self.get(name, slot).map(|v| (name.to_string(), v))
    }
}

/// One level's findings for the three values.
#[derive(Default)]
struct Level {
    tenant: Option<Sourced<String>>,
    client: Option<Sourced<String>>,
    credential: Option<Sourced<Credential>>,
}

/// Resolves one environment's values. `config` is its `[environments.<name>]` table, if any.
/// Also returns the credential variables that were set without a real value and would have
/// been used (a later level's unset variable is not reported once an earlier level has the
/// value).
pub fn resolve(
    ctx: &Context<'_>,
    environment: &str,
    config: Option<&EnvironmentConfig>,
) -> (Resolved, Vec<UnsetVariable>) {
    let mut search = Search {
        env: ctx.env,
        environment,
        found: Vec::new(),
        looked_for: Vec::new(),
        unset: Vec::new(),
    };
    let configured = from_config(ctx, environment, config, &mut search);
    search.level_done(&configured);
    let convention = from_convention(ctx, environment, &mut search);
    search.level_done(&convention);
    let plain = from_plain(ctx, &mut search);
    let levels = [configured, convention, plain];
    let unset = search.unset;
    let mut looked_for = search.looked_for;
    let mut tenant = None;
    let mut client_id = None;
    let mut credential = None;
    for level in levels {
        tenant = tenant.or(level.tenant);
        client_id = client_id.or(level.client);
        credential = credential.or(level.credential);
    }
    let own = ctx
        .inventory
        .environments
        .get(environment)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let base = ctx.inventory.unassigned.as_slice();
    // A placeholder of the environment's own is still its value: it is picked last, so that
    // the dry-run says `not_sent (placeholder-credential)` instead of "nothing found". The base
    // configuration's placeholders are templates, expected there, and never picked.
    tenant = tenant
        .or_else(|| plain_fact(own, base, Field::TenantId))
        .or_else(|| own_placeholder_id(own, Field::TenantId));
    client_id = client_id
        .or_else(|| plain_fact(own, base, Field::ClientId))
        .or_else(|| own_placeholder_id(own, Field::ClientId));
    let mut committed = false;
    let mut key_vault = None;
    if credential.is_none() {
        // The environment's own value first (a Key Vault reference or a literal), then the
        // base configuration's; a Key Vault reference is read by the dry-run.
        for facts in [own, base] {
            key_vault = vault_reference(facts);
            if key_vault.is_some() {
                looked_for.push("the Key Vault secret its configuration references".into());
                break;
            }
            credential = secret_fact(facts);
            if credential.is_some() {
                break;
            }
        }
        if key_vault.is_none() {
            credential = credential.or_else(|| own_placeholder_secret(own));
            committed = credential.is_some();
            looked_for.push("literal secrets in the repository's files".into());
        }
    }
    let redirect_uris = own
        .iter()
        .filter(|f| f.field == Field::RedirectUri)
        .filter_map(|f| match &f.value {
            FactValue::Plain(v) => Some(Sourced {
                value: v.clone(),
                origin: Origin::File(f.location.clone()),
            }),
            _ => None,
        })
        .collect();
    let resolved = Resolved {
        environment: environment.to_string(),
        tenant,
        client_id,
        credential,
        committed,
        authority: plain_fact(own, base, Field::Authority),
        redirect_uris,
        required_roles: config.map(|c| c.required_roles.clone()).unwrap_or_default(),
        scope: config.and_then(|c| c.scope.clone()),
        looked_for,
        key_vault,
    };
    (resolved, unset)
}

fn from_config(
    ctx: &Context<'_>,
    environment: &str,
    config: Option<&EnvironmentConfig>,
    search: &mut Search<'_>,
) -> Level {
    let mut level = Level::default();
    let Some(c) = config else {
        return level;
    };
    let key = |k: &str| format!("environments.{environment}.{k}");
    level.tenant = search
        .named(c.tenant_id_env.as_deref(), Slot::Tenant)
        .map(|(n, v)| sourced(v, Origin::Env(n)))
        .or_else(|| {
            c.tenant_id
                .clone()
                .map(|v| sourced(v, Origin::Config(key("tenant_id"))))
        });
    level.client = search
        .named(c.client_id_env.as_deref(), Slot::Client)
        .map(|(n, v)| sourced(v, Origin::Env(n)))
        .or_else(|| {
            c.client_id
                .clone()
                .map(|v| sourced(v, Origin::Config(key("client_id"))))
        });
    level.credential = match search.named(c.client_secret_env.as_deref(), Slot::Credential) {
        Some((n, v)) => Some(sourced(
            Credential::Secret(SecretValue::new(v)),
            Origin::Env(n),
        )),
        None => search
            .named(c.certificate_path_env.as_deref(), Slot::Credential)
            .map(|(name, path)| {
                let password = c
                    .certificate_password_env
                    .as_deref()
                    .and_then(|p| search.get(p, Slot::Credential))
                    .map(SecretValue::new);
                sourced(
                    Credential::Certificate {
                        path: ctx.root.join(path),
                        password,
                    },
                    Origin::Env(name),
                )
            }),
    };
    level
}

/// An environment name as it appears inside a variable name: `westeurope-prod` is
/// `WESTEUROPE_PROD`.
pub fn variable_form(name: &str) -> String {
    name.to_ascii_uppercase().replace(['-', '.', ' '], "_")
}

/// The ENV parts of the variable names the dry-run reads for an environment by convention
/// (`<ENV>_AZURE_CLIENT_SECRET`, `AZURE_CLIENT_SECRET_<ENV>`): every alias in variable form,
/// sorted. Public so that `credgate init` names the same variables the dry-run reads.
pub fn convention_prefixes(names: &EnvironmentNames, environment: &str) -> Vec<String> {
    let mut prefixes: Vec<String> = names
        .aliases_of(environment)
        .iter()
        .map(|a| variable_form(a))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    prefixes
}

/// The azure-identity variable names (`AZURE_TENANT_ID`, …, `AZURE_CREDENTIALS`) the dry-run
/// reads, without an environment part: what `credgate init` lists and never suggests renaming.
pub fn identity_variables() -> impl Iterator<Item = &'static str> {
    KEYS.into_iter().chain([CREDENTIALS_KEY])
}

/// The two names the convention gives `key` for one environment part (`PROD`), in the order the
/// dry-run tries them: `<ENV>_<KEY>`, then `<KEY>_<ENV>`. The one place that spells the
/// convention, so the dry-run, `--env` matching and `credgate init` name the same variables.
pub fn convention_pair(part: &str, key: &str) -> [String; 2] {
    [format!("{part}_{key}"), format!("{key}_{part}")]
}

/// Every variable name the dry-run reads for `environment` by convention: for each of
/// [`identity_variables`], both orders of [`convention_pair`] for every alias. What `--env`
/// accepts as the environment's own variables and what `credgate init` never suggests renaming.
pub fn convention_names(names: &EnvironmentNames, environment: &str) -> Vec<String> {
    let prefixes = convention_prefixes(names, environment);
    identity_variables()
        .flat_map(|key| prefixes.iter().flat_map(move |p| convention_pair(p, key)))
        .collect()
}

/// The key and the environment part of a name written by the convention
/// (`UAT_AZURE_CLIENT_SECRET` and `AZURE_CLIENT_SECRET_UAT` are `(AZURE_CLIENT_SECRET, UAT)`),
/// or `None` for a plain key or any other name. The part is not checked to be an environment:
/// callers decide what counts as one.
pub fn split_convention(name: &str) -> Option<(&'static str, &str)> {
    identity_variables().find_map(|key| {
        name.strip_suffix(key)
            .and_then(|p| p.strip_suffix('_'))
            .or_else(|| name.strip_prefix(key).and_then(|s| s.strip_prefix('_')))
            .filter(|part| !part.is_empty())
            .map(|part| (key, part))
    })
}

/// `<ALIAS>_<KEY>` then `<KEY>_<ALIAS>` for every alias of the environment.
fn from_convention(ctx: &Context<'_>, environment: &str, search: &mut Search<'_>) -> Level {
    let prefixes = convention_prefixes(ctx.names, environment);
    let mut level = Level::default();
    let names = |key: &str| -> Vec<String> {
        prefixes
            .iter()
            .flat_map(|p| convention_pair(p, key))
            .collect()
    };
    let describe = |key: &str| {
        (!prefixes.is_empty()).then(|| {
            format!(
                "<ENV>_{key} or {key}_<ENV> with ENV in {}",
                prefixes.join("|")
            )
        })
    };
    fill(&mut level, search, &names, &describe);
    level
}

/// Plain `AZURE_*`, and GitHub's OIDC token, when one environment is selected.
fn from_plain(ctx: &Context<'_>, search: &mut Search<'_>) -> Level {
    let mut level = Level::default();
    if !ctx.single {
        return level;
    }
    let names = |key: &str| vec![key.to_string()];
    let describe = |key: &str| Some(key.to_string());
    fill(&mut level, search, &names, &describe);
    if level.credential.is_none() {
        if let Some(request_url) = search.get("ACTIONS_ID_TOKEN_REQUEST_URL", Slot::Credential) {
            if let Some(token) = search.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN", Slot::Credential) {
                level.credential = Some(sourced(
                    Credential::GithubOidc {
                        request_url,
                        request_token: SecretValue::new(token),
                    },
                    Origin::GithubOidc,
                ));
            }
        }
    }
    level
}

/// The first variable with a real value among `names(key)`, after noting what was looked for.
fn first(
    search: &mut Search<'_>,
    names: &dyn Fn(&str) -> Vec<String>,
    describe: &dyn Fn(&str) -> Option<String>,
    key: &str,
    slot: Slot,
) -> Option<(String, String)> {
    if let Some(d) = describe(key) {
        search.looked_for.push(d);
    }
    names(key)
        .into_iter()
        .find_map(|n| search.get(&n, slot).map(|v| (n, v)))
}

/// Fills a level from the five keys; `names` lists a key's variable names in the order they
/// are tried (also for the certificate password), `describe` what to say was looked for.
fn fill(
    level: &mut Level,
    search: &mut Search<'_>,
    names: &dyn Fn(&str) -> Vec<String>,
    describe: &dyn Fn(&str) -> Option<String>,
) {
    let [tenant_key, client_key, secret_key, cert_key, federated_key] = KEYS;
    level.tenant = first(search, names, describe, tenant_key, Slot::Tenant)
        .map(|(n, v)| sourced(v, Origin::Env(n)));
    level.client = first(search, names, describe, client_key, Slot::Client)
        .map(|(n, v)| sourced(v, Origin::Env(n)));
    level.credential =
        if let Some((n, v)) = first(search, names, describe, secret_key, Slot::Credential) {
            Some(sourced(
                Credential::Secret(SecretValue::new(v)),
                Origin::Env(n),
            ))
        } else if let Some((n, path)) = first(search, names, describe, cert_key, Slot::Credential) {
            let password = names(PASSWORD_KEY)
                .iter()
                .find_map(|p| search.get(p, Slot::Credential))
                .map(SecretValue::new);
            Some(sourced(
                Credential::Certificate {
                    path: PathBuf::from(path),
                    password,
                },
                Origin::Env(n),
            ))
        } else {
            first(search, names, describe, federated_key, Slot::Credential).map(|(n, path)| {
                sourced(
                    Credential::FederatedFile(PathBuf::from(path)),
                    Origin::Env(n),
                )
            })
        };
    if level.tenant.is_none() || level.client.is_none() || level.credential.is_none() {
        if let Some((n, json)) = first(search, names, describe, CREDENTIALS_KEY, Slot::Credential) {
            let creds = LoginCreds::parse(&json);
            let origin = |member: &str| Origin::Env(format!("{n} ({member})"));
            if level.tenant.is_none() {
                level.tenant = creds.tenant.map(|v| sourced(v, origin("tenantId")));
            }
            if level.client.is_none() {
                level.client = creds.client.map(|v| sourced(v, origin("clientId")));
            }
            if level.credential.is_none() {
                level.credential = creds.secret.map(|v| {
                    sourced(
                        Credential::Secret(SecretValue::new(v)),
                        origin("clientSecret"),
                    )
                });
            }
        }
    }
}

/// azure/login's service-principal JSON (`creds: ${{ secrets.AZURE_CREDENTIALS }}`), the most
/// common way a GitHub repository holds its credentials: passing the same secret to credgate
/// as `AZURE_CREDENTIALS` (or `<ENV>_AZURE_CREDENTIALS`) is enough. Public so that `credgate
/// init` names it as the dry-run reads it.
pub const CREDENTIALS_KEY: &str = "AZURE_CREDENTIALS";

/// The members of an `AZURE_CREDENTIALS` JSON that the dry-run uses. Text that is not such JSON
/// yields nothing (and is never echoed: it may hold a secret).
#[derive(Default)]
struct LoginCreds {
    tenant: Option<String>,
    client: Option<String>,
    secret: Option<String>,
}

impl LoginCreds {
    fn parse(json: &str) -> Self {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json)
        else {
            return Self::default();
        };
        let member = |name: &str| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.as_str())
                .filter(|v| Unset::of(v).is_none())
                .map(str::to_string)
        };
        Self {
            tenant: member("tenantId"),
            client: member("clientId"),
            secret: member("clientSecret"),
        }
    }
}

fn sourced<T>(value: T, origin: Origin) -> Sourced<T> {
    Sourced { value, origin }
}

/// The first literal (non-reference) value of a field: the environment's own, else the base's.
fn plain_fact(own: &[Fact], base: &[Fact], field: Field) -> Option<Sourced<String>> {
    let pick = |facts: &[Fact]| {
        facts
            .iter()
            .filter(|f| f.field == field)
            .find_map(|f| match &f.value {
                FactValue::Plain(v) if !crate::extract::value::is_placeholder(v) => {
                    Some(sourced(v.clone(), Origin::File(f.location.clone())))
                }
                _ => None,
            })
    };
    pick(own).or_else(|| pick(base))
}

/// The environment's own placeholder id (`Enter_the_Application_Id_here`), when it has no
/// real one: the local rules then refuse to send it.
fn own_placeholder_id(own: &[Fact], field: Field) -> Option<Sourced<String>> {
    own.iter()
        .filter(|f| f.field == field)
        .find_map(|f| match &f.value {
            FactValue::Plain(v) if crate::extract::value::is_placeholder(v) => {
                Some(sourced(v.clone(), Origin::File(f.location.clone())))
            }
            _ => None,
        })
}

/// The environment's own placeholder secret (`<client-secret>`), when it has no real one.
fn own_placeholder_secret(own: &[Fact]) -> Option<Sourced<Credential>> {
    own.iter()
        .filter(|f| f.field == Field::ClientSecret)
        .find_map(|f| match &f.value {
            FactValue::Secret(s) if crate::extract::value::is_placeholder(s.expose()) => {
                Some(sourced(
                    Credential::Secret(s.clone()),
                    Origin::File(f.location.clone()),
                ))
            }
            _ => None,
        })
}

/// The first Key Vault reference among the facts' client secrets, parsed (or refused).
fn vault_reference(facts: &[Fact]) -> Option<super::keyvault::KeyVaultSource> {
    facts
        .iter()
        .filter(|f| f.field == Field::ClientSecret)
        .find_map(|f| match &f.value {
            FactValue::Reference { kind, name } if kind == "key-vault" => {
                Some(super::keyvault::KeyVaultSource {
                    reference: crate::extract::keyvault::parse(name),
                    location: f.location.clone(),
                })
            }
            _ => None,
        })
}

/// The first literal secret among facts.
fn secret_fact(facts: &[Fact]) -> Option<Sourced<Credential>> {
    facts
        .iter()
        .filter(|f| f.field == Field::ClientSecret)
        .find_map(|f| match &f.value {
            FactValue::Secret(s) if !crate::extract::value::is_placeholder(s.expose()) => {
                Some(sourced(
                    Credential::Secret(s.clone()),
                    Origin::File(f.location.clone()),
                ))
            }
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::Path;

    fn fact(field: Field, value: FactValue, file: &str, line: u32) -> Fact {
        Fact {
            environment: None,
            field,
            value,
            location: Location::file(file, line, 1),
            source: "test".into(),
        }
    }

    fn inventory() -> Inventory {
        let mut inv = Inventory::default();
        inv.environments.insert(
            "production".into(),
            vec![
                fact(
                    Field::TenantId,
                    FactValue::Plain("contoso.onmicrosoft.com".into()),
                    "appsettings.Production.json",
                    3,
                ),
                fact(
                    Field::ClientId,
                    FactValue::Plain("1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3".into()),
                    "appsettings.Production.json",
                    4,
                ),
                fact(
                    Field::ClientSecret,
                    FactValue::Secret(SecretValue::new("committed-secret-value-0123456789")),
                    "appsettings.Production.json",
                    5,
                ),
            ],
        );
        inv
    }

    #[test]
    fn own_placeholders_are_picked_last_and_base_ones_never() {
        let placeholder = |field, raw: &str, file: &str| {
            let value = match field {
                Field::ClientSecret => FactValue::Secret(SecretValue::new(raw)),
                _ => FactValue::Plain(raw.into()),
            };
            fact(field, value, file, 4)
        };
        let mut inv = Inventory::default();
        inv.unassigned.push(placeholder(
            Field::ClientSecret,
            "<client-secret>",
            "appsettings.json",
        ));
        inv.environments.insert(
            "production".into(),
            vec![placeholder(
                Field::ClientId,
                "Enter_the_Application_Id_here",
                "appsettings.Production.json",
            )],
        );
        inv.environments.insert(
            "staging".into(),
            vec![placeholder(
                Field::ClientSecret,
                "changeme",
                "appsettings.Staging.json",
            )],
        );
        let names = EnvironmentNames::default();
        let env = |_: &str| None;
        let ctx = Context {
            inventory: &inv,
            names: &names,
            single: false,
            root: std::path::Path::new("/repo"),
            env: &env,
        };
        let (prod, _) = resolve(&ctx, "production", None);
        assert_eq!(
            prod.client_id.map(|c| c.value).as_deref(),
            Some("Enter_the_Application_Id_here")
        );
        assert!(
            prod.credential.is_none(),
            "the base's template placeholder is never taken"
        );
        let (staging, _) = resolve(&ctx, "staging", None);
        assert!(matches!(
            staging.credential.map(|c| c.value),
            Some(Credential::Secret(s)) if s.expose() == "changeme"
        ));
    }

    fn resolve_with(
        vars: &[(&str, &str)],
        single: bool,
        config: Option<&EnvironmentConfig>,
    ) -> Resolved {
        resolve_noting(vars, single, config).0
    }

    fn resolve_noting(
        vars: &[(&str, &str)],
        single: bool,
        config: Option<&EnvironmentConfig>,
    ) -> (Resolved, Vec<UnsetVariable>) {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |k: &str| map.get(k).cloned();
        let inv = inventory();
        let names = EnvironmentNames::default();
        let ctx = Context {
            inventory: &inv,
            names: &names,
            single,
            root: std::path::Path::new("/repo"),
            env: &env,
        };
        resolve(&ctx, "production", config)
    }

    #[test]
    fn config_names_win_over_conventions() {
        let c = EnvironmentConfig {
            client_secret_env: Some("PROD_SP_SECRET".into()),
            tenant_id: Some("22222222-2222-2222-2222-222222222222".into()),
            ..EnvironmentConfig::default()
        };
        let r = resolve_with(
            &[
                ("PROD_SP_SECRET", "from-config-var"),
                ("PROD_AZURE_CLIENT_SECRET", "from-convention"),
                (
                    "AZURE_CLIENT_ID_PRD",
                    "33333333-3333-3333-3333-333333333333",
                ),
            ],
            false,
            Some(&c),
        );
        let cred = r.credential.unwrap();
        assert_eq!(cred.origin, Origin::Env("PROD_SP_SECRET".into()));
        assert!(matches!(cred.value, Credential::Secret(s) if s.expose() == "from-config-var"));
        assert!(!r.committed);
        assert_eq!(
            r.tenant.unwrap().origin,
            Origin::Config("environments.production.tenant_id".into())
        );
        let client = r.client_id.unwrap();
        assert_eq!(client.origin, Origin::Env("AZURE_CLIENT_ID_PRD".into()));
    }

    #[test]
    fn credential_variables_name_environments_by_the_convention() {
        let named = environments_named_by_variables([
            "UAT_AZURE_CLIENT_SECRET",
            "AZURE_CLIENT_ID_CANARY",
            "WESTEUROPE_PROD_AZURE_TENANT_ID",
            "DR_AZURE_CREDENTIALS",
            "PERF_AZURE_CLIENT_CERTIFICATE_PATH",
            "UAT_AZURE_CLIENT_ID",
        ]);
        assert_eq!(
            named,
            vec!["canary", "dr", "perf", "uat", "westeurope_prod"]
        );
        let not_named = environments_named_by_variables([
            "AZURE_CLIENT_SECRET",
            "AZURE_CLIENT_CERTIFICATE_PASSWORD",
            "INPUT_AZURE_CLIENT_ID",
            "TF_VAR_AZURE_CLIENT_SECRET",
            "AZURE_CLIENT_SECRET_FILE",
            "OLD_AZURE_CLIENT_SECRET",
            "uat_azure_client_secret",
            "_AZURE_CLIENT_ID",
            "UAT__AZURE_CLIENT_ID",
            "PATH",
        ]);
        assert!(not_named.is_empty(), "{not_named:?}");
    }

    #[test]
    fn convention_names_split_back_into_their_key_and_part() {
        let names = EnvironmentNames::default();
        let all = convention_names(&names, "production");
        assert!(all.contains(&"PROD_AZURE_CLIENT_SECRET".to_string()));
        assert!(all.contains(&"AZURE_FEDERATED_TOKEN_FILE_LIVE".to_string()));
        assert!(all.contains(&"PRD_AZURE_CREDENTIALS".to_string()));
        assert_eq!(all.len(), identity_variables().count() * 2 * 4, "{all:?}");
        for name in &all {
            let (key, part) = split_convention(name).unwrap_or_else(|| panic!("{name}"));
            assert!(convention_pair(part, key).contains(name), "{name}");
        }
        assert_eq!(
            split_convention("AZURE_CLIENT_ID_CANARY"),
            Some(("AZURE_CLIENT_ID", "CANARY"))
        );
        for plain in [
            "AZURE_CLIENT_SECRET",
            "_AZURE_CLIENT_ID",
            "AZURE_CLIENT_ID_",
            "PATH",
        ] {
            assert_eq!(split_convention(plain), None, "{plain}");
        }
    }

    #[test]
    fn conventions_cover_every_alias_and_both_orders() {
        for var in [
            "PROD_AZURE_CLIENT_SECRET",
            "AZURE_CLIENT_SECRET_LIVE",
            "PRODUCTION_AZURE_CLIENT_SECRET",
        ] {
            let r = resolve_with(&[(var, "s")], false, None);
            assert_eq!(
                r.credential.unwrap().origin,
                Origin::Env(var.into()),
                "{var}"
            );
        }
    }

    #[test]
    fn plain_variables_only_for_a_single_environment() {
        let vars = [("AZURE_CLIENT_SECRET", "plain")];
        let r = resolve_with(&vars, true, None);
        assert_eq!(
            r.credential.unwrap().origin,
            Origin::Env("AZURE_CLIENT_SECRET".into())
        );
        let r = resolve_with(&vars, false, None);
        assert!(r.committed, "falls back to the committed secret");
        let r = resolve_with(
            &[
                ("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:1/oidc"),
                ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t"),
            ],
            true,
            None,
        );
        assert!(matches!(
            r.credential.unwrap().value,
            Credential::GithubOidc { .. }
        ));
    }

    #[test]
    fn inventory_gives_ids_and_committed_secrets_last() {
        let r = resolve_with(&[], false, None);
        let t = r.tenant.unwrap();
        assert_eq!(t.origin.describe(), "appsettings.Production.json:3");
        assert_eq!(
            r.client_id.unwrap().value,
            "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3"
        );
        assert!(r.committed);
        assert!(r
            .looked_for
            .iter()
            .any(|l| l.contains("<ENV>_AZURE_CLIENT_SECRET") && l.contains("|PROD|")));
    }

    #[test]
    fn certificates_and_federated_files() {
        let r = resolve_with(
            &[
                ("STAGING_AZURE_CLIENT_SECRET", "other env"),
                ("PROD_AZURE_CLIENT_CERTIFICATE_PATH", "/certs/p.pfx"),
                ("PROD_AZURE_CLIENT_CERTIFICATE_PASSWORD", "pw"),
            ],
            false,
            None,
        );
        match r.credential.unwrap().value {
            Credential::Certificate { path, password } => {
                assert_eq!(path, PathBuf::from("/certs/p.pfx"));
                assert_eq!(password.unwrap().expose(), "pw");
            }
            other => panic!("{}", other.kind()),
        }
        let r = resolve_with(&[("AZURE_FEDERATED_TOKEN_FILE_PROD", "/t")], false, None);
        assert!(matches!(
            r.credential.unwrap().value,
            Credential::FederatedFile(_)
        ));
    }

    #[test]
    fn unset_shapes() {
        for (value, why) in [
            ("", Some(Unset::Empty)),
            ("  \t\n", Some(Unset::Empty)),
            ("$(AZURE_CLIENT_SECRET)", Some(Unset::AzureMacro)),
            (" $(prod.sp-secret) ", Some(Unset::AzureMacro)),
            (
                "${{ secrets.AZURE_CLIENT_SECRET }}",
                Some(Unset::Expression),
            ),
            ("${{secrets.X}}", Some(Unset::Expression)),
            ("'${{ variables.secret }}'", Some(Unset::Expression)),
            ("$()", None),
            ("$(a b)", None),
            ("x$(NOT_ALONE)", None),
            ("${{ unterminated", None),
            ("abc8Q~defghijklmnopqrstuvwxyz0123456789AB", None),
            ("1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3", None),
            ("/certs/prod.pfx", None),
        ] {
            assert_eq!(Unset::of(value), why, "{value:?}");
        }
    }

    /// The notes' variable names, and a check that no note carries the values.
    fn noted(unset: &[UnsetVariable], values: &[&str]) -> Vec<String> {
        for u in unset {
            let note = u.note();
            let text = format!("{} {:?} {}", note.message, note.fix, note.fingerprint);
            for value in values.iter().filter(|v| !v.trim().is_empty()) {
                assert!(
                    !text.contains(value),
                    "a note shows the value {value:?}: {text}"
                );
            }
            assert_eq!(note.severity, Severity::Note);
            assert_eq!(note.environment.as_deref(), Some("production"));
            assert!(note.message.contains(&u.name), "{}", note.message);
        }
        unset.iter().map(|u| u.name.clone()).collect()
    }

    #[test]
    fn an_empty_or_unexpanded_secret_is_skipped_for_the_next_place() {
        for value in [
            "",
            "$(PROD_AZURE_CLIENT_SECRET)",
            "${{ secrets.PROD_SECRET }}",
        ] {
            let vars = [
                ("PROD_AZURE_CLIENT_SECRET", value),
                ("AZURE_CLIENT_SECRET", "real-plain-secret-value"),
            ];
            let (r, unset) = resolve_noting(&vars, true, None);
            let cred = r.credential.expect("the plain variable");
            assert_eq!(
                cred.origin,
                Origin::Env("AZURE_CLIENT_SECRET".into()),
                "{value:?}"
            );
            assert!(
                matches!(cred.value, Credential::Secret(s) if s.expose() == "real-plain-secret-value")
            );
            assert_eq!(
                noted(&unset, &[value]),
                ["PROD_AZURE_CLIENT_SECRET"],
                "{value:?}"
            );
            let expected = match value {
                "" => Unset::Empty,
                v if v.starts_with("$(") => Unset::AzureMacro,
                _ => Unset::Expression,
            };
            assert_eq!(unset.first().map(|u| u.why), Some(expected));
        }
        // Nothing else: the committed secret of the repository, never the macro text.
        let (r, unset) = resolve_noting(
            &[("AZURE_CLIENT_SECRET", "$(AZURE_CLIENT_SECRET)")],
            true,
            None,
        );
        assert!(r.committed, "falls back to the committed secret");
        assert_eq!(
            noted(&unset, &["$(AZURE_CLIENT_SECRET)"]),
            ["AZURE_CLIENT_SECRET"]
        );
    }

    #[test]
    fn unset_variables_named_in_credgate_toml_are_absent_too() {
        let c = EnvironmentConfig {
            client_secret_env: Some("PROD_SP_SECRET".into()),
            tenant_id_env: Some("PROD_TENANT".into()),
            client_id_env: Some("PROD_CLIENT".into()),
            tenant_id: Some("22222222-2222-2222-2222-222222222222".into()),
            ..EnvironmentConfig::default()
        };
        let (r, unset) = resolve_noting(
            &[
                ("PROD_SP_SECRET", "$(PROD_SP_SECRET)"),
                ("PROD_TENANT", ""),
                ("PROD_CLIENT", "${{ vars.CLIENT }}"),
                ("PROD_AZURE_CLIENT_SECRET", "from-convention"),
            ],
            false,
            Some(&c),
        );
        assert_eq!(
            r.credential.expect("convention").origin,
            Origin::Env("PROD_AZURE_CLIENT_SECRET".into())
        );
        assert_eq!(
            r.tenant.expect("literal").origin,
            Origin::Config("environments.production.tenant_id".into())
        );
        assert_eq!(
            r.client_id.expect("inventory").origin.describe(),
            "appsettings.Production.json:4"
        );
        let mut names = noted(&unset, &["$(PROD_SP_SECRET)", "${{ vars.CLIENT }}"]);
        names.sort();
        assert_eq!(names, ["PROD_CLIENT", "PROD_SP_SECRET", "PROD_TENANT"]);
    }

    #[test]
    fn ids_certificates_passwords_and_token_files_that_are_unset_are_absent() {
        let (r, unset) = resolve_noting(
            &[
                ("PROD_AZURE_TENANT_ID", " "),
                (
                    "AZURE_TENANT_ID_PROD",
                    "33333333-3333-3333-3333-333333333333",
                ),
                ("PROD_AZURE_CLIENT_ID", "$(CLIENT)"),
                ("PROD_AZURE_CLIENT_CERTIFICATE_PATH", "/certs/p.pfx"),
                ("PROD_AZURE_CLIENT_CERTIFICATE_PASSWORD", "$(PfxPassword)"),
            ],
            false,
            None,
        );
        assert_eq!(
            r.tenant.expect("second name").origin,
            Origin::Env("AZURE_TENANT_ID_PROD".into())
        );
        assert_eq!(
            r.client_id.expect("inventory").origin.describe(),
            "appsettings.Production.json:4"
        );
        match r.credential.expect("certificate").value {
            Credential::Certificate { password, .. } => assert!(password.is_none()),
            other => panic!("{}", other.kind()),
        }
        let mut names = noted(&unset, &["$(CLIENT)", "$(PfxPassword)"]);
        names.sort();
        assert_eq!(
            names,
            [
                "PROD_AZURE_CLIENT_CERTIFICATE_PASSWORD",
                "PROD_AZURE_CLIENT_ID",
                "PROD_AZURE_TENANT_ID"
            ]
        );

        let (r, unset) = resolve_noting(
            &[
                ("PROD_AZURE_CLIENT_CERTIFICATE_PATH", ""),
                ("PROD_AZURE_FEDERATED_TOKEN_FILE", "${{ env.TOKEN_FILE }}"),
                ("AZURE_FEDERATED_TOKEN_FILE_PROD", "/var/run/token"),
            ],
            false,
            None,
        );
        assert!(matches!(
            r.credential.expect("the second token file name").value,
            Credential::FederatedFile(p) if p == Path::new("/var/run/token")
        ));
        assert_eq!(
            noted(&unset, &["${{ env.TOKEN_FILE }}"]),
            [
                "PROD_AZURE_CLIENT_CERTIFICATE_PATH",
                "PROD_AZURE_FEDERATED_TOKEN_FILE"
            ]
        );
    }

    #[test]
    fn an_unexpanded_oidc_request_token_is_absent() {
        let (r, unset) = resolve_noting(
            &[
                ("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:1/oidc"),
                ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "${{ env.REQ }}"),
            ],
            true,
            None,
        );
        assert!(
            r.committed,
            "no OIDC credential; the committed secret is the fallback"
        );
        assert_eq!(
            noted(&unset, &["${{ env.REQ }}"]),
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
        );
    }

    #[test]
    fn an_unset_variable_that_would_not_have_been_used_is_not_reported() {
        let c = EnvironmentConfig {
            client_secret_env: Some("PROD_SP_SECRET".into()),
            ..EnvironmentConfig::default()
        };
        let (r, unset) = resolve_noting(
            &[
                ("PROD_SP_SECRET", "from-config-var"),
                ("PROD_AZURE_CLIENT_SECRET", ""),
                ("AZURE_CLIENT_SECRET", "$(AZURE_CLIENT_SECRET)"),
            ],
            true,
            Some(&c),
        );
        assert_eq!(
            r.credential.expect("config").origin,
            Origin::Env("PROD_SP_SECRET".into())
        );
        assert!(unset.is_empty(), "{unset:?}");
    }
}
