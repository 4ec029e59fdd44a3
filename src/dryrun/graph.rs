//! Best-effort Microsoft Graph look-ups after a successful token.
//!
//! A token proves the secret works today; the app registration says how long it will keep working
//! (`passwordCredentials[].endDateTime`) and which redirect URIs are registered. Graph needs
//! `Application.Read.All`, which many CI apps rightly lack, so every outcome other than success is
//! a plain value for the caller to turn into a note — never an error that fails the run.
//!
//! The access token goes only to the Graph base the caller chose (built-in host or the loopback
//! `--graph-host`); redirects are not followed, and no outcome carries token bytes.

use super::client;
use crate::secret::SecretValue;
use std::time::Instant;

/// Largest Graph answer read: an application object is a few KiB; this bounds memory if a
/// stand-in or proxy misbehaves.
const MAX_GRAPH_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Fields of the application object that the checks use; asking for only these keeps the answer
/// small and the permission footprint obvious.
const SELECT: &str = "appId,passwordCredentials,web,spa,publicClient";

/// Everything one look-up needs. The client should be built without redirects (a token must not
/// follow a redirect off the Graph host); a 3xx answer is reported as a failure here regardless.
pub struct GraphRequest<'a> {
    /// Shared HTTP client (rustls, no redirects).
    pub client: &'a reqwest::Client,
    /// `https://graph.microsoft.com`, the cloud's Graph host, or a loopback stand-in.
    pub graph_base: &'a str,
    /// The dry-run's access token, whose audience must be Graph.
    pub access_token: &'a SecretValue,
    /// The client id whose registration is read.
    pub app_id: &'a str,
    /// The environment's overall deadline; the look-up never outlives it.
    pub deadline: Instant,
}

/// What Graph said about the registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphOutcome {
    /// The registration was read.
    App(AppRegistration),
    /// 403: the app lacks `Application.Read.All` (a note, not an error).
    Forbidden,
    /// 404: no application with this client id in the token's tenant.
    NotFound,
    /// Anything else (transport error, deadline, unexpected status or body), with a reason that
    /// is safe to print.
    Failed(String),
}

/// The parts of an application registration that the checks compare against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppRegistration {
    /// Client secrets registered on the app (metadata only: Graph never returns the values).
    pub password_credentials: Vec<PasswordCredential>,
    /// `web.redirectUris`.
    pub web_redirect_uris: Vec<String>,
    /// `spa.redirectUris`.
    pub spa_redirect_uris: Vec<String>,
    /// `publicClient.redirectUris`.
    pub public_client_redirect_uris: Vec<String>,
}

/// One registered client secret's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PasswordCredential {
    /// The secret's first three characters, which is how a configured secret is matched to it.
    pub hint: Option<String>,
    /// RFC 3339 end of validity.
    pub end_date_time: Option<String>,
    /// The description given when the secret was created.
    pub display_name: Option<String>,
    /// The "Secret ID" GUID (people sometimes paste this instead of the value).
    pub key_id: Option<String>,
}

/// Graph's JSON shapes, kept private so the public types do not depend on the wire format.
mod wire {
    use serde::Deserialize;

    /// `GET /applications(appId='…')`.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct Application {
        #[serde(default)]
        pub password_credentials: Option<Vec<PasswordCredential>>,
        #[serde(default)]
        pub web: Option<RedirectUris>,
        #[serde(default)]
        pub spa: Option<RedirectUris>,
        #[serde(default)]
        pub public_client: Option<RedirectUris>,
    }

    /// `passwordCredential` resource (`secretText` is always null on reads and is not read).
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct PasswordCredential {
        #[serde(default)]
        pub hint: Option<String>,
        #[serde(default)]
        pub end_date_time: Option<String>,
        #[serde(default)]
        pub display_name: Option<String>,
        #[serde(default)]
        pub key_id: Option<String>,
    }

    /// `web`, `spa` and `publicClient` all carry `redirectUris`.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct RedirectUris {
        #[serde(default)]
        pub redirect_uris: Option<Vec<String>>,
    }

    /// Graph's error envelope: `{"error": {"code": "...", "message": "..."}}`.
    #[derive(Deserialize)]
    pub(super) struct ErrorBody {
        pub error: ErrorDetail,
    }

    /// Only the code is used: it is a fixed identifier, unlike the message.
    #[derive(Deserialize)]
    pub(super) struct ErrorDetail {
        pub code: String,
    }
}

impl From<wire::Application> for AppRegistration {
    fn from(app: wire::Application) -> Self {
        let uris =
            |r: Option<wire::RedirectUris>| r.and_then(|r| r.redirect_uris).unwrap_or_default();
        Self {
            password_credentials: app
                .password_credentials
                .unwrap_or_default()
                .into_iter()
                .map(|p| PasswordCredential {
                    hint: p.hint,
                    end_date_time: p.end_date_time,
                    display_name: p.display_name,
                    key_id: p.key_id,
                })
                .collect(),
            web_redirect_uris: uris(app.web),
            spa_redirect_uris: uris(app.spa),
            public_client_redirect_uris: uris(app.public_client),
        }
    }
}

/// Reads the registration of `req.app_id`:
/// `GET {graph_base}/v1.0/applications(appId='…')?$select=…`, bounded by `req.deadline`.
pub async fn application(req: GraphRequest<'_>) -> GraphOutcome {
    if !is_guid(req.app_id) {
        return GraphOutcome::Failed("the client id is not a GUID; Graph was not asked".into());
    }
    let url = format!(
        "{}/v1.0/applications(appId='{}')?$select={SELECT}",
        req.graph_base.trim_end_matches('/'),
        req.app_id
    );
    let Ok(url) = reqwest::Url::parse(&url) else {
        return GraphOutcome::Failed("the Graph host is not a valid URL".into());
    };
    let deadline = tokio::time::Instant::from_std(req.deadline);
    if deadline <= tokio::time::Instant::now() {
        return GraphOutcome::Failed("no time was left before the deadline".into());
    }
    let attempt = || async {
        let response = req
            .client
            .get(url.clone())
            .bearer_auth(req.access_token.expose())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| describe(&e))?;
        client::receive(response, MAX_GRAPH_RESPONSE_BYTES)
            .await
            .map_err(|e| describe(&e))
    };
    let call = client::with_retries(req.deadline, attempt);
    match tokio::time::timeout_at(deadline, call).await {
        Err(_) => GraphOutcome::Failed("Graph did not answer before the deadline".into()),
        Ok((Err(why), _)) => GraphOutcome::Failed(why),
        Ok((Ok(answer), _)) if answer.truncated => {
            GraphOutcome::Failed("Graph's answer is too large".into())
        }
        Ok((Ok(answer), _)) => outcome(answer.status, &answer.body),
    }
}

/// Maps Graph's answer to an outcome, by status code first and then by body shape.
fn outcome(status: u16, body: &[u8]) -> GraphOutcome {
    match status {
        200 => match serde_json::from_slice::<wire::Application>(body) {
            Ok(app) => GraphOutcome::App(app.into()),
            Err(_) => GraphOutcome::Failed("Graph answered 200 with an unexpected body".into()),
        },
        403 => GraphOutcome::Forbidden,
        404 => GraphOutcome::NotFound,
        300..=399 => GraphOutcome::Failed(format!(
            "Graph answered with a redirect (HTTP {}), which is not followed",
            status
        )),
        code => {
            let detail = error_code(body)
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            GraphOutcome::Failed(format!("Graph answered HTTP {code}{detail}"))
        }
    }
}

/// Graph's `error.code`, if it looks like one (a short identifier), so it can be shown safely.
fn error_code(body: &[u8]) -> Option<String> {
    let code = serde_json::from_slice::<wire::ErrorBody>(body)
        .ok()?
        .error
        .code;
    let plausible = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    plausible.then_some(code)
}

/// A fixed description of a transport failure (no URL, no headers).
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_redirect() {
        "redirected"
    } else if error.is_body() || error.is_decode() {
        "the answer could not be read"
    } else {
        "the request could not be sent"
    };
    format!("Graph request failed: {what}")
}

/// A client id must be a hyphenated GUID before it is put into a URL path.
fn is_guid(value: &str) -> bool {
    value.len() == 36 && uuid::Uuid::try_parse(value).is_ok()
}

/// The registered secret whose hint matches the first three characters of `secret_hint` and whose
/// end falls within `within_days` of `now_unix` (or has passed), with the whole days left
/// (negative once expired). When several entries share the hint, the one ending last is taken,
/// so a warning is raised only when even the most favourable match is close to its end.
pub fn expiring(
    creds: &[PasswordCredential],
    secret_hint: &str,
    now_unix: u64,
    within_days: u64,
) -> Option<(PasswordCredential, i64)> {
    let hint: String = secret_hint.chars().take(3).collect();
    if hint.chars().count() < 3 {
        return None;
    }
    let now = i64::try_from(now_unix).ok()?;
    let window = i64::try_from(within_days).ok()?.checked_mul(86_400)?;
    let (cred, end) = creds
        .iter()
        .filter(|c| c.hint.as_deref() == Some(hint.as_str()))
        .filter_map(|c| {
            let end = chrono::DateTime::parse_from_rfc3339(c.end_date_time.as_deref()?).ok()?;
            Some((c, end.timestamp()))
        })
        .max_by_key(|(_, end)| *end)?;
    let left = end.checked_sub(now)?;
    (left <= window).then(|| (cred.clone(), left.div_euclid(86_400)))
}

#[cfg(test)]
mod tests;
