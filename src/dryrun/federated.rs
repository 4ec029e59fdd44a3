//! Federated credentials (workload identity federation).
//!
//! Instead of a secret, the app presents a token from another identity provider (a Kubernetes
//! service-account token file, or GitHub Actions' OIDC token) whose issuer/subject/audience match a
//! federated credential on the registration. When Entra refuses it (AADSTS70021, 700213…) the
//! only useful question is "which subject did we present?", so the token's `sub` claim is read
//! here — without verification, purely for the message. The token itself is never printed.

use crate::secret::SecretValue;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The audience GitHub's OIDC tokens must carry for Entra's token exchange.
pub const GITHUB_AUDIENCE: &str = "api://AzureADTokenExchange";

/// Largest OIDC answer accepted: a JWT is a few KiB; anything far larger is not a token.
const MAX_OIDC_RESPONSE_BYTES: usize = 256 * 1024;

/// Why no federated token could be obtained. Messages never contain token bytes.
#[derive(Debug, thiserror::Error)]
pub enum FederatedError {
    /// `AZURE_FEDERATED_TOKEN_FILE` could not be read.
    #[error("cannot read federated token file {} (AZURE_FEDERATED_TOKEN_FILE): {source}", path.display())]
    Unreadable {
        /// The token file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The token file holds nothing but whitespace.
    #[error("federated token file {} (AZURE_FEDERATED_TOKEN_FILE) is empty", path.display())]
    EmptyFile {
        /// The token file.
        path: PathBuf,
    },
    /// The token file is not text, so it cannot hold a JWT.
    #[error("federated token file {} (AZURE_FEDERATED_TOKEN_FILE) is not UTF-8 text", path.display())]
    NotText {
        /// The token file.
        path: PathBuf,
    },
    /// `ACTIONS_ID_TOKEN_REQUEST_URL` is not a usable URL.
    #[error("ACTIONS_ID_TOKEN_REQUEST_URL is not a valid URL")]
    InvalidRequestUrl,
    /// `ACTIONS_ID_TOKEN_REQUEST_URL` would send the request token in clear text off this host.
    #[error(
        "ACTIONS_ID_TOKEN_REQUEST_URL must use https (plain http only for loopback addresses)"
    )]
    InsecureRequestUrl,
    /// The OIDC endpoint could not be reached.
    #[error("the GitHub OIDC token request failed: {0}")]
    Request(&'static str),
    /// The OIDC endpoint answered with an error status.
    #[error("the GitHub OIDC token endpoint answered HTTP {0} (does the job have `permissions: id-token: write`?)")]
    Status(u16),
    /// The OIDC endpoint's answer was not `{"value": "<jwt>"}`.
    #[error("the GitHub OIDC token endpoint's answer has no token in `value`")]
    MalformedResponse,
}

/// Reads `AZURE_FEDERATED_TOKEN_FILE`, trimmed: the file is rewritten by the platform (e.g. AKS)
/// and usually ends with a newline that is not part of the token.
pub fn read_token_file(path: &Path) -> Result<SecretValue, FederatedError> {
    let bytes =
        Zeroizing::new(
            std::fs::read(path).map_err(|source| FederatedError::Unreadable {
                path: path.to_path_buf(),
                source,
            })?,
        );
    let text = std::str::from_utf8(&bytes).map_err(|_| FederatedError::NotText {
        path: path.to_path_buf(),
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(FederatedError::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    Ok(SecretValue::new(token))
}

/// Asks GitHub Actions for an OIDC token for `audience`: `GET {request_url}&audience=…` with the
/// runner's request token as bearer, answer `{"value": "<jwt>"}`.
pub async fn github_oidc_token(
    client: &reqwest::Client,
    request_url: &str,
    request_token: &SecretValue,
    audience: &str,
) -> Result<SecretValue, FederatedError> {
    let mut url =
        reqwest::Url::parse(request_url).map_err(|_| FederatedError::InvalidRequestUrl)?;
    if !transport_is_safe(&url) {
        return Err(FederatedError::InsecureRequestUrl);
    }
    url.query_pairs_mut().append_pair("audience", audience);
    let response = client
        .get(url)
        .bearer_auth(request_token.expose())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| FederatedError::Request(describe(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(FederatedError::Status(status.as_u16()));
    }
    if response
        .content_length()
        .is_some_and(|len| len > MAX_OIDC_RESPONSE_BYTES as u64)
    {
        return Err(FederatedError::MalformedResponse);
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| FederatedError::Request(describe(&e)))?;
    if body.len() > MAX_OIDC_RESPONSE_BYTES {
        return Err(FederatedError::MalformedResponse);
    }
    #[derive(serde::Deserialize)]
    struct OidcAnswer {
        value: Option<String>,
    }
    let answer: OidcAnswer =
        serde_json::from_slice(&body).map_err(|_| FederatedError::MalformedResponse)?;
    let value = Zeroizing::new(answer.value.ok_or(FederatedError::MalformedResponse)?);
    let token = value.trim();
    if token.is_empty() {
        return Err(FederatedError::MalformedResponse);
    }
    Ok(SecretValue::new(token))
}

/// `https`, or `http` to a loopback address (the tests' stand-in), never clear text elsewhere.
fn transport_is_safe(url: &reqwest::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url.host_str().is_some_and(|host| {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            bare.eq_ignore_ascii_case("localhost")
                || bare
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

/// A fixed description of a transport failure; `reqwest`'s own text is not needed here.
fn describe(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_redirect() {
        "too many redirects"
    } else if error.is_body() || error.is_decode() {
        "the answer could not be read"
    } else {
        "the request could not be sent"
    }
}

/// The token's `sub` claim (e.g. `repo:OWNER/REPO:environment:NAME`), decoded without
/// verification, so a federation mismatch can show what was presented next to what is configured.
pub fn token_subject(token: &SecretValue) -> Option<String> {
    let payload = token.expose().split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .or_else(|_| URL_SAFE.decode(payload))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("sub")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests;
