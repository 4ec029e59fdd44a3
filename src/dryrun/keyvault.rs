//! Reading an environment's client secret from Key Vault with the CI job's own identity, so the
//! environment whose secret lives only in a vault (production, usually) is dry-run like any
//! other. This is I/O at the edge: the reference was parsed and allow-listed without I/O
//! ([`crate::extract::keyvault`]); here the caller's vault token is obtained (azure-identity
//! variables or a logged-in Azure CLI), each distinct secret is read once, and what the vault
//! says becomes the environment's credential or a `keyvault-unreadable` / `secret-expiring`
//! finding. Neither the vault token nor a value is ever printed: both live in [`SecretValue`].

use super::authority::{self, Endpoint};
use super::client;
use super::credentials::{Credential, EnvLookup, Origin, Resolved, Sourced, Unset};
use super::diagnose::{self, Verdict};
use super::run::{token_phase, Options};
use crate::extract::keyvault::{KeyVaultRefError, KeyVaultSecretRef};
use crate::model::{Finding, Location, Severity};
use crate::secret::SecretValue;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

/// The Key Vault REST API version credgate speaks.
pub const API_VERSION: &str = "7.5";

/// Largest vault answer read (a secret is at most 25 KB).
const MAX_BODY: usize = 64 * 1024;

/// An environment's Key Vault reference: what it names (or why it is refused) and where it is
/// written.
#[derive(Debug, Clone)]
pub struct KeyVaultSource {
    /// The parsed reference, or why it cannot be read.
    pub reference: Result<KeyVaultSecretRef, KeyVaultRefError>,
    /// The reference's place in the repository.
    pub location: Location,
}

/// Who reads the vault: the CI job's identity from variables (without one, the Azure CLI's
/// login that azure/login and AzureCLI@2 leave behind is asked).
#[derive(Debug, Clone)]
pub enum Caller {
    /// An app from the azure-identity variables (secret, certificate, federated token file or
    /// GitHub's OIDC token).
    Identity {
        /// Its tenant.
        tenant: String,
        /// Its client id.
        client_id: String,
        /// How it proves itself.
        credential: Credential,
        /// The variables it came from, for messages.
        origin: String,
    },
}

/// Variable names for the caller: the azure-identity convention, or `[keyvault]` in
/// credgate.toml.
#[derive(Debug, Clone)]
pub struct CallerVariables {
    /// The tenant id variable.
    pub tenant_id: String,
    /// The client id variable.
    pub client_id: String,
    /// The client secret variable.
    pub client_secret: String,
    /// The certificate path variable.
    pub certificate_path: String,
    /// The federated token file variable.
    pub federated_token_file: String,
}

impl Default for CallerVariables {
    fn default() -> Self {
        Self {
            tenant_id: "AZURE_TENANT_ID".into(),
            client_id: "AZURE_CLIENT_ID".into(),
            client_secret: "AZURE_CLIENT_SECRET".into(),
            certificate_path: "AZURE_CLIENT_CERTIFICATE_PATH".into(),
            federated_token_file: "AZURE_FEDERATED_TOKEN_FILE".into(),
        }
    }
}

/// The caller from the process environment, first match wins: the variables (`vars`) with a
/// secret, certificate or federated token file, then GitHub's OIDC token; `None` leaves the
/// Azure CLI to try. With exactly one `--env` (`own_credentials`) the plain variables are that
/// environment's own credentials (docs/design.md step 3) and are not taken as the vault reader
/// unless `[keyvault]` named them.
pub fn caller_from_env(
    env: EnvLookup<'_>,
    vars: &CallerVariables,
    own_credentials: bool,
) -> Option<Caller> {
    if own_credentials {
        return None;
    }
    let get = |name: &str| env(name).filter(|v| Unset::of(v).is_none());
    let tenant = get(&vars.tenant_id)?;
    let client_id = get(&vars.client_id)?;
    let (credential, used) = if let Some(s) = get(&vars.client_secret) {
        (Credential::Secret(SecretValue::new(s)), &vars.client_secret)
    } else if let Some(p) = get(&vars.certificate_path) {
        let password = get("AZURE_CLIENT_CERTIFICATE_PASSWORD").map(SecretValue::new);
        (
            Credential::Certificate {
                path: PathBuf::from(p),
                password,
            },
            &vars.certificate_path,
        )
    } else if let Some(f) = get(&vars.federated_token_file) {
        (
            Credential::FederatedFile(PathBuf::from(f)),
            &vars.federated_token_file,
        )
    } else {
        let request_url = get("ACTIONS_ID_TOKEN_REQUEST_URL")?;
        let token = get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")?;
        return Some(Caller::Identity {
            tenant,
            client_id,
            credential: Credential::GithubOidc {
                request_url,
                request_token: SecretValue::new(token),
            },
            origin: format!("{}, {} and GitHub OIDC", vars.tenant_id, vars.client_id),
        });
    };
    Some(Caller::Identity {
        tenant,
        client_id,
        credential,
        origin: format!("{}, {}, {used}", vars.tenant_id, vars.client_id),
    })
}

/// How the vault phase runs, from the command line and the environment.
#[derive(Debug, Clone, Default)]
pub struct KeyVaultOptions {
    /// `--keyvault-host`: every vault request connects there, keeping the path and `Host`.
    pub host: Option<Endpoint>,
    /// The caller from variables; `None` falls back to the Azure CLI.
    pub caller: Option<Caller>,
    /// Whether the Azure CLI may be asked (off in unit tests).
    pub azure_cli: bool,
}

/// What one read gave.
enum Read {
    Value {
        secret: SecretValue,
        /// `attributes.exp`, seconds since the epoch.
        expires: Option<i64>,
    },
    Unreadable {
        why: String,
        fix: Fix,
    },
}

/// Which fix a failure calls for.
#[derive(Clone, Copy)]
enum Fix {
    Grant,
    Identity,
    NotFound,
    Disabled,
    Refused,
    Network,
}

/// The token for one vault resource, or why there is none, with the caller's app id.
struct VaultToken {
    token: Result<SecretValue, String>,
    app_id: Option<String>,
}

/// Reads every environment's Key Vault secret (each distinct secret once) and turns it into the
/// environment's credential; returns the findings (`keyvault-unreadable`, `secret-expiring`).
pub async fn read_all(
    envs: &mut [Resolved],
    http: &reqwest::Client,
    options: &Options,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let wanted: Vec<KeyVaultSecretRef> = {
        let mut refs: Vec<KeyVaultSecretRef> = envs
            .iter()
            .filter(|r| r.credential.is_none())
            .filter_map(|r| r.key_vault.as_ref()?.reference.clone().ok())
            .collect();
        refs.sort();
        refs.dedup();
        refs
    };
    if envs
        .iter()
        .all(|r| r.key_vault.is_none() || r.credential.is_some())
    {
        return findings;
    }
    let deadline = Instant::now() + options.timeout;
    let mut tokens: BTreeMap<String, VaultToken> = BTreeMap::new();
    let mut resources: Vec<String> = wanted.iter().map(KeyVaultSecretRef::resource).collect();
    resources.sort();
    resources.dedup();
    for resource in resources {
        let token = vault_token(http, options, &resource, deadline).await;
        tokens.insert(resource, token);
    }
    let mut reads = tokio::task::JoinSet::new();
    for reference in wanted {
        let (http, host) = (http.clone(), options.key_vault.host.clone());
        let token = tokens
            .get(&reference.resource())
            .map(|t| t.token.clone())
            .unwrap_or_else(|| Err("no vault token".into()));
        reads.spawn(async move {
            let read = match token {
                Ok(token) => {
                    let sent = tokio::time::timeout_at(
                        deadline.into(),
                        get_secret(&http, host.as_ref(), &reference, &token, deadline),
                    )
                    .await;
                    sent.unwrap_or_else(|_| Read::Unreadable {
                        why: "no answer from the vault within the deadline".into(),
                        fix: Fix::Network,
                    })
                }
                Err(why) => Read::Unreadable {
                    why,
                    fix: Fix::Identity,
                },
            };
            (reference, read)
        });
    }
    let mut results: BTreeMap<KeyVaultSecretRef, Read> = BTreeMap::new();
    while let Some(joined) = reads.join_next().await {
        if let Ok((reference, read)) = joined {
            results.insert(reference, read);
        }
    }
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .unwrap_or(0);
    for r in envs.iter_mut().filter(|r| r.credential.is_none()) {
        let Some(source) = r.key_vault.clone() else {
            continue;
        };
        let reference = match &source.reference {
            Ok(reference) => reference,
            Err(e) => {
                findings.push(unreadable(
                    r,
                    &source,
                    None,
                    &e.to_string(),
                    Fix::Refused,
                    None,
                ));
                continue;
            }
        };
        let app_id = tokens
            .get(&reference.resource())
            .and_then(|t| t.app_id.clone());
        match results.get(reference) {
            Some(Read::Value { secret, expires }) => {
                if let Some(f) = expiry(
                    r,
                    reference,
                    &source,
                    secret,
                    *expires,
                    now,
                    options.expiry_warning_days,
                ) {
                    findings.push(f);
                }
                r.credential = Some(Sourced {
                    value: Credential::Secret(secret.clone()),
                    origin: Origin::KeyVault {
                        source: reference.source(),
                        reference: source.location.clone(),
                    },
                });
                r.committed = false;
            }
            Some(Read::Unreadable { why, fix }) => findings.push(unreadable(
                r,
                &source,
                Some(reference),
                why,
                *fix,
                app_id.as_deref(),
            )),
            None => findings.push(unreadable(
                r,
                &source,
                Some(reference),
                "the read did not finish",
                Fix::Network,
                app_id.as_deref(),
            )),
        }
    }
    findings
}

/// The caller's token for `resource` (`https://vault.azure.net`), scope `{resource}/.default`.
async fn vault_token(
    http: &reqwest::Client,
    options: &Options,
    resource: &str,
    deadline: Instant,
) -> VaultToken {
    match &options.key_vault.caller {
        Some(Caller::Identity {
            tenant,
            client_id,
            credential,
            origin,
        }) => {
            let target = match authority::resolve(options.authority_host.as_deref(), None, None) {
                Ok(t) => t,
                Err(e) => {
                    return VaultToken {
                        token: Err(e.to_string()),
                        app_id: Some(client_id.clone()),
                    }
                }
            };
            let url = target.token_url(tenant.trim());
            let scope = format!("{resource}/.default");
            let phase = tokio::time::timeout_at(
                deadline.into(),
                token_phase(
                    http,
                    credential,
                    &url,
                    client_id.trim(),
                    &scope,
                    options,
                    deadline,
                ),
            )
            .await;
            let token = match phase {
                Err(_) => Err(format!(
                    "no vault token within {} s",
                    options.timeout.as_secs()
                )),
                Ok(phase) => match phase.answer {
                    Err(run) => Err(format!(
                        "the caller's token request for {scope} failed ({})",
                        run.status
                    )),
                    Ok(answer) => match diagnose::diagnose(answer.status, &answer.body) {
                        Verdict::Granted(g) => Ok(g.access_token),
                        Verdict::Failed(d) => Err(format!(
                            "the caller ({origin}) got no token for {scope}: {}{}",
                            d.status,
                            d.aadsts
                                .map(|c| format!(" (AADSTS{c})"))
                                .unwrap_or_default()
                        )),
                    },
                },
            };
            VaultToken {
                token,
                app_id: Some(client_id.clone()),
            }
        }
        None if options.key_vault.azure_cli => {
            let resource = resource.to_string();
            let got = tokio::task::spawn_blocking(move || azure_cli_token(&resource)).await;
            let token = got.unwrap_or_else(|_| Err("the Azure CLI could not be run".into()));
            let app_id = token
                .as_ref()
                .ok()
                .and_then(super::claims::decode)
                .and_then(|c| c.client_id().map(str::to_string));
            VaultToken { token, app_id }
        }
        None => VaultToken {
            token: Err("no identity to read the vault with".into()),
            app_id: None,
        },
    }
}

/// `az account get-access-token --resource {resource}`: the token azure/login and AzureCLI@2
/// leave behind. Its output is never echoed (it holds the token).
fn azure_cli_token(resource: &str) -> Result<SecretValue, String> {
    #[derive(Deserialize)]
    struct CliToken {
        #[serde(rename = "accessToken")]
        access_token: SecretString,
    }
    let out = std::process::Command::new("az")
        .args([
            "account",
            "get-access-token",
            "--resource",
            resource,
            "--output",
            "json",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|_| {
            "no identity to read the vault with: no AZURE_TENANT_ID/AZURE_CLIENT_ID with a \
             credential, and no Azure CLI (`az`) on PATH"
                .to_string()
        })?;
    if !out.status.success() {
        return Err(
            "the Azure CLI gave no token (`az account get-access-token` failed: not logged in?)"
                .into(),
        );
    }
    serde_json::from_slice::<CliToken>(&out.stdout)
        .map(|t| t.access_token.0)
        .map_err(|_| "the Azure CLI's answer had no accessToken".into())
}

/// A string deserialized straight into a [`SecretValue`].
struct SecretString(SecretValue);

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| SecretString(SecretValue::new(s)))
    }
}

#[derive(Deserialize)]
struct Bundle {
    value: Option<SecretString>,
    #[serde(default)]
    attributes: Attributes,
}

#[derive(Deserialize, Default)]
struct Attributes {
    enabled: Option<bool>,
    exp: Option<i64>,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    error: VaultError,
}

#[derive(Deserialize, Default)]
struct VaultError {
    code: Option<String>,
    innererror: Option<Box<VaultError>>,
}

/// `GET {vault}/secrets/{name}[/{version}]?api-version=7.5`, retried like the token request
/// (429, 5xx and connection faults, within `deadline`).
async fn get_secret(
    http: &reqwest::Client,
    host: Option<&Endpoint>,
    reference: &KeyVaultSecretRef,
    token: &SecretValue,
    deadline: Instant,
) -> Read {
    let (answer, _) =
        client::with_retries(deadline, || get_once(http, host, reference, token)).await;
    match answer {
        Ok(answer) => interpret(answer.status, &answer.body),
        Err(unreadable) => unreadable,
    }
}

async fn get_once(
    http: &reqwest::Client,
    host: Option<&Endpoint>,
    reference: &KeyVaultSecretRef,
    token: &SecretValue,
) -> Result<client::HttpAnswer, Read> {
    let base = host.map_or_else(
        || format!("https://{}", reference.host()),
        |h| h.base.clone(),
    );
    let url = format!("{base}{}?api-version={API_VERSION}", reference.path());
    let mut request = http.get(url).bearer_auth(token.expose());
    if host.is_some() {
        request = request.header(reqwest::header::HOST, reference.host());
    }
    let response = request.send().await.map_err(|e| {
        let why = if e.is_timeout() {
            "the vault did not answer in time"
        } else if e.is_connect() {
            "the vault could not be reached (connection failed)"
        } else {
            "the request to the vault failed"
        };
        Read::Unreadable {
            why: why.into(),
            fix: Fix::Network,
        }
    })?;
    client::receive(response, MAX_BODY)
        .await
        .map_err(|_| Read::Unreadable {
            why: "the vault's answer could not be read".into(),
            fix: Fix::Network,
        })
}

/// What the vault's answer means.
fn interpret(status: u16, body: &[u8]) -> Read {
    if status == 200 {
        let Ok(bundle) = serde_json::from_slice::<Bundle>(body) else {
            return Read::Unreadable {
                why: "the vault's 200 answer is not a secret bundle".into(),
                fix: Fix::Network,
            };
        };
        if bundle.attributes.enabled == Some(false) {
            return Read::Unreadable {
                why: "the secret is disabled (attributes.enabled is false)".into(),
                fix: Fix::Disabled,
            };
        }
        return match bundle.value {
            Some(SecretString(secret)) if !secret.expose().is_empty() => Read::Value {
                secret,
                expires: bundle.attributes.exp,
            },
            _ => Read::Unreadable {
                why: "the vault's answer holds no value".into(),
                fix: Fix::NotFound,
            },
        };
    }
    let error = serde_json::from_slice::<ErrorBody>(body)
        .unwrap_or_default()
        .error;
    let code = error.code.clone().unwrap_or_default();
    let inner = error
        .innererror
        .as_ref()
        .and_then(|i| i.code.clone())
        .unwrap_or_default();
    let codes = [code.as_str(), inner.as_str()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    let shown = if codes.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status} {codes}")
    };
    let fix = match status {
        401 => Fix::Identity,
        403 if inner == "SecretDisabled" => Fix::Disabled,
        403 => Fix::Grant,
        404 => Fix::NotFound,
        _ => Fix::Network,
    };
    let why = match fix {
        Fix::Identity => format!("the vault refused the caller's token ({shown})"),
        Fix::Grant => format!("the caller may not read secrets in this vault ({shown})"),
        Fix::NotFound => format!("the vault has no such secret ({shown})"),
        Fix::Disabled => format!("the secret is disabled ({shown})"),
        _ => format!("the vault answered {shown}"),
    };
    Read::Unreadable { why, fix }
}

/// `keyvault-unreadable`: names the vault, the secret, the caller and the fix.
fn unreadable(
    r: &mut Resolved,
    source: &KeyVaultSource,
    reference: Option<&KeyVaultSecretRef>,
    why: &str,
    fix: Fix,
    app_id: Option<&str>,
) -> Finding {
    let env = r.environment.clone();
    let (vault, name) = reference.map_or(("?", "?"), |k| (k.vault.as_str(), k.name.as_str()));
    let caller = app_id.map_or_else(|| "the CI identity".to_string(), |a| format!("app {a}"));
    r.looked_for.push(match reference {
        Some(k) => format!("Key Vault secret {} (unreadable)", k.source()),
        None => "a Key Vault reference (refused)".into(),
    });
    let what = match reference {
        Some(k) => format!("secret `{}` in vault `{}` ({})", k.name, k.vault, k.host()),
        None => "a Key Vault secret".into(),
    };
    let fix_text = match fix {
        Fix::Grant | Fix::Identity => format!(
            "Grant {caller} the *Key Vault Secrets User* role on the vault (`az role assignment \
             create --role \"Key Vault Secrets User\" --assignee <app-id> --scope $(az keyvault \
             show -n {vault} --query id -o tsv)`), or, for a vault that uses access policies, a \
             `get` secret permission (`az keyvault set-policy -n {vault} --spn <app-id> \
             --secret-permissions get`). Run credgate after azure/login or inside AzureCLI@2, \
             or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for the reader."
        ),
        Fix::NotFound => format!(
            "Create the secret `{name}` in vault `{vault}`, or correct the reference's vault or \
             secret name."
        ),
        Fix::Disabled => format!(
            "Enable the secret (`az keyvault secret set-attributes --vault-name {vault} --name \
             {name} --enabled true`) or point the reference at the current one."
        ),
        Fix::Refused => "Point the reference at a vault of an Azure cloud \
             (https://<vault>.vault.azure.net/secrets/<name>) with a valid vault name \
             (3-24 letters, digits and dashes, starting with a letter)."
            .to_string(),
        Fix::Network => "Check that the CI runner can reach the vault (firewall, private \
             endpoint, DNS), then run again."
            .to_string(),
    };
    let place = match (&source.location.file, source.location.line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        _ => source.location.to_string(),
    };
    Finding::new(
        "keyvault-unreadable",
        Severity::Warning,
        source.location.clone(),
        format!(
            "{env}: the client secret is a Key Vault reference ({place}) to {what}, which \
             credgate could not read as {caller}: {why}. The environment was not dry-run \
             (missing_credentials)."
        ),
        &format!("{env}:{vault}/{name}"),
    )
    .with_environment(env)
    .with_fix(fix_text)
}

/// `secret-expiring` from the vault's own `attributes.exp` (Key Vault still serves an expired
/// secret, so credgate checks it).
fn expiry(
    r: &Resolved,
    reference: &KeyVaultSecretRef,
    source: &KeyVaultSource,
    secret: &SecretValue,
    expires: Option<i64>,
    now: i64,
    days: u32,
) -> Option<Finding> {
    let exp = expires?;
    let left = exp - now;
    if left > i64::from(days) * 86_400 {
        return None;
    }
    let when = if left < 0 {
        "has expired".to_string()
    } else {
        format!("expires in {} day(s)", left / 86_400)
    };
    let date = chrono::DateTime::from_timestamp(exp, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Some(
        Finding::new(
            "secret-expiring",
            Severity::Warning,
            source.location.clone(),
            format!(
                "{}: the Key Vault secret in use ({}) {when} (attributes.exp {date}, per Key \
                 Vault; the vault still serves it after that date)",
                r.environment,
                reference.source()
            ),
            &format!("{}:key-vault:{}", r.environment, reference.source()),
        )
        .with_environment(r.environment.clone())
        .with_secret(secret)
        .with_fix(format!(
            "Store a new version of `{}` in vault `{}` with a later expiry (and rotate the app \
             registration's secret if it ends too), then roll it out.",
            reference.name, reference.vault
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreadable_why(status: u16, body: &str) -> String {
        match interpret(status, body.as_bytes()) {
            Read::Unreadable { why, .. } => why,
            Read::Value { .. } => panic!("read"),
        }
    }

    #[test]
    fn answers_are_read_by_status_and_code() {
        let ok = interpret(
            200,
            br#"{"value":"v4lue","id":"https://kv.vault.azure.net/secrets/s/1","attributes":{"enabled":true,"exp":1700000000}}"#,
        );
        assert!(matches!(
            ok,
            Read::Value {
                expires: Some(1_700_000_000),
                ..
            }
        ));
        assert!(
            unreadable_why(200, r#"{"value":"v","attributes":{"enabled":false}}"#)
                .contains("disabled")
        );
        assert!(unreadable_why(
            403,
            r#"{"error":{"code":"Forbidden","message":"Caller is not authorized","innererror":{"code":"ForbiddenByRbac"}}}"#
        )
        .contains("Forbidden/ForbiddenByRbac"));
        assert!(
            unreadable_why(404, r#"{"error":{"code":"SecretNotFound","message":"x"}}"#)
                .contains("no such secret")
        );
        assert!(unreadable_why(401, "").contains("HTTP 401"));
        assert!(unreadable_why(503, "<html>").contains("HTTP 503"));
    }

    #[test]
    fn plain_variables_are_the_reader_unless_they_are_the_environments_own() {
        let vars: std::collections::HashMap<&str, &str> = [
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_SECRET", "s3cr3t"),
        ]
        .into_iter()
        .collect();
        let lookup = |n: &str| vars.get(n).map(|v| v.to_string());
        let caller = caller_from_env(&lookup, &CallerVariables::default(), false);
        assert!(matches!(caller, Some(Caller::Identity { ref client_id, .. }) if client_id == "c"));
        assert!(!format!("{caller:?}").contains("s3cr3t"));
        assert!(caller_from_env(&lookup, &CallerVariables::default(), true).is_none());
        let none = |_: &str| None;
        assert!(caller_from_env(&none, &CallerVariables::default(), false).is_none());
    }
}
