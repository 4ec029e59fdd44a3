//! Which tenant, client id and credential each environment's dry-run uses, and where each came
//! from. DESIGN.md "Where values come from", first match wins per value:
//!
//! 1. `credgate.toml` `[environments.<name>]`: `client_secret_env`, `tenant_id_env`,
//!    `client_id_env`, `certificate_path_env` (+ `certificate_password_env`) name variables;
//!    literal `tenant_id` / `client_id`;
//! 2. `<ENV>_AZURE_*` / `AZURE_*_<ENV>` for every alias of the environment;
//! 3. plain `AZURE_*` (and GitHub's OIDC token) only when exactly one environment is selected;
//! 4. tenant and client ids (never secrets) from the inventory;
//! 5. literal secrets in the repository's files: if one authenticates it is `live-secret-committed`.
//!
//! The process environment is read through a function so tests never touch the real one.

use crate::config::EnvironmentConfig;
use crate::inventory::environment::EnvironmentNames;
use crate::model::{Fact, FactValue, Field, Inventory, Location};
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
        }
    }

    /// The place a finding about this value points at.
    pub fn location(&self) -> Location {
        match self {
            Origin::File(loc) => loc.clone(),
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
}

/// The variables of the azure-identity convention, in the order they are tried.
const KEYS: [&str; 5] = [
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_FEDERATED_TOKEN_FILE",
];
const PASSWORD_KEY: &str = "AZURE_CLIENT_CERTIFICATE_PASSWORD";

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

/// One level's findings for the three values.
#[derive(Default)]
struct Level {
    tenant: Option<Sourced<String>>,
    client: Option<Sourced<String>>,
    credential: Option<Sourced<Credential>>,
}

/// Resolves one environment's values. `config` is its `[environments.<name>]` table, if any.
pub fn resolve(
    ctx: &Context<'_>,
    environment: &str,
    config: Option<&EnvironmentConfig>,
) -> Resolved {
    let mut looked_for = Vec::new();
    let levels = [
        from_config(ctx, environment, config, &mut looked_for),
        from_convention(ctx, environment, &mut looked_for),
        from_plain(ctx, &mut looked_for),
    ];
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
    tenant = tenant.or_else(|| plain_fact(own, base, Field::TenantId));
    client_id = client_id.or_else(|| plain_fact(own, base, Field::ClientId));
    let mut committed = false;
    if credential.is_none() {
        credential = secret_fact(own).or_else(|| secret_fact(base));
        committed = credential.is_some();
        looked_for.push("literal secrets in the repository's files".into());
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
    Resolved {
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
    }
}

fn from_config(
    ctx: &Context<'_>,
    environment: &str,
    config: Option<&EnvironmentConfig>,
    looked_for: &mut Vec<String>,
) -> Level {
    let mut level = Level::default();
    let Some(c) = config else {
        return level;
    };
    let key = |k: &str| format!("environments.{environment}.{k}");
    let var = |name: &Option<String>, looked_for: &mut Vec<String>| {
        let name = name.as_deref()?;
        looked_for.push(name.to_string());
        (ctx.env)(name).map(|v| (name.to_string(), v))
    };
    level.tenant = var(&c.tenant_id_env, looked_for)
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| sourced(v, Origin::Env(n)))
        .or_else(|| {
            c.tenant_id
                .clone()
                .map(|v| sourced(v, Origin::Config(key("tenant_id"))))
        });
    level.client = var(&c.client_id_env, looked_for)
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| sourced(v, Origin::Env(n)))
        .or_else(|| {
            c.client_id
                .clone()
                .map(|v| sourced(v, Origin::Config(key("client_id"))))
        });
    level.credential = var(&c.client_secret_env, looked_for)
        .map(|(n, v)| sourced(Credential::Secret(SecretValue::new(v)), Origin::Env(n)))
        .or_else(|| {
            let (name, path) =
                var(&c.certificate_path_env, looked_for).filter(|(_, v)| !v.is_empty())?;
            let password = c
                .certificate_password_env
                .as_deref()
                .and_then(|p| (ctx.env)(p))
                .map(SecretValue::new);
            Some(sourced(
                Credential::Certificate {
                    path: ctx.root.join(path),
                    password,
                },
                Origin::Env(name),
            ))
        });
    level
}

/// `<ALIAS>_<KEY>` then `<KEY>_<ALIAS>` for every alias of the environment.
fn from_convention(ctx: &Context<'_>, environment: &str, looked_for: &mut Vec<String>) -> Level {
    let mut prefixes: Vec<String> = ctx
        .names
        .aliases_of(environment)
        .iter()
        .map(|a| a.to_ascii_uppercase().replace(['-', '.', ' '], "_"))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    let mut level = Level::default();
    let first = |key: &str, looked_for: &mut Vec<String>| {
        let mut names = Vec::new();
        for p in &prefixes {
            names.push(format!("{p}_{key}"));
            names.push(format!("{key}_{p}"));
        }
        if !prefixes.is_empty() {
            looked_for.push(format!(
                "<ENV>_{key} or {key}_<ENV> with ENV in {}",
                prefixes.join("|")
            ));
        }
        names
            .into_iter()
            .find_map(|n| (ctx.env)(&n).map(|v| (n, v)))
    };
    fill(&mut level, ctx, looked_for, first, |key| {
        prefixes
            .iter()
            .flat_map(|p| [format!("{p}_{key}"), format!("{key}_{p}")])
            .collect()
    });
    level
}

/// Plain `AZURE_*`, and GitHub's OIDC token, when one environment is selected.
fn from_plain(ctx: &Context<'_>, looked_for: &mut Vec<String>) -> Level {
    let mut level = Level::default();
    if !ctx.single {
        return level;
    }
    let first = |key: &str, looked_for: &mut Vec<String>| {
        looked_for.push(key.to_string());
        (ctx.env)(key).map(|v| (key.to_string(), v))
    };
    fill(&mut level, ctx, looked_for, first, |key| {
        vec![key.to_string()]
    });
    if level.credential.is_none() {
        let url = (ctx.env)("ACTIONS_ID_TOKEN_REQUEST_URL").filter(|v| !v.is_empty());
        let token = (ctx.env)("ACTIONS_ID_TOKEN_REQUEST_TOKEN").filter(|v| !v.is_empty());
        if let (Some(request_url), Some(token)) = (url, token) {
            level.credential = Some(sourced(
                Credential::GithubOidc {
                    request_url,
                    request_token: SecretValue::new(token),
                },
                Origin::GithubOidc,
            ));
        }
    }
    level
}

/// Fills a level from the five keys; `first` finds the first set variable for a key, `names`
/// lists the variable names for the certificate password.
fn fill(
    level: &mut Level,
    ctx: &Context<'_>,
    looked_for: &mut Vec<String>,
    first: impl Fn(&str, &mut Vec<String>) -> Option<(String, String)>,
    names: impl Fn(&str) -> Vec<String>,
) {
    let [tenant_key, client_key, secret_key, cert_key, federated_key] = KEYS;
    level.tenant = first(tenant_key, looked_for)
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| sourced(v, Origin::Env(n)));
    level.client = first(client_key, looked_for)
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| sourced(v, Origin::Env(n)));
    level.credential = first(secret_key, looked_for)
        .map(|(n, v)| sourced(Credential::Secret(SecretValue::new(v)), Origin::Env(n)))
        .or_else(|| {
            let (n, path) = first(cert_key, looked_for).filter(|(_, v)| !v.is_empty())?;
            let password = names(PASSWORD_KEY)
                .iter()
                .find_map(|p| (ctx.env)(p))
                .map(SecretValue::new);
            Some(sourced(
                Credential::Certificate {
                    path: PathBuf::from(path),
                    password,
                },
                Origin::Env(n),
            ))
        })
        .or_else(|| {
            let (n, path) = first(federated_key, looked_for).filter(|(_, v)| !v.is_empty())?;
            Some(sourced(
                Credential::FederatedFile(PathBuf::from(path)),
                Origin::Env(n),
            ))
        });
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

    fn resolve_with(
        vars: &[(&str, &str)],
        single: bool,
        config: Option<&EnvironmentConfig>,
    ) -> Resolved {
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
}
