//! The token request on the wire: one client-credentials POST, retried with backoff for the
//! faults that may pass (429, 5xx, connection errors), never past the environment's deadline.
//! Redirects are never followed: a secret must not travel to a host the allow-list did not pick.

use crate::secret::SecretValue;
use std::time::{Duration, Instant, SystemTime};
use zeroize::Zeroizing;

/// Attempts per request, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;
/// The first backoff pause; it doubles after each retry.
const BASE_BACKOFF: Duration = Duration::from_millis(200);
/// Largest answer body read; Entra's error bodies are far smaller.
const MAX_BODY: usize = 256 * 1024;

/// The HTTP client every request shares: rustls, no redirects, no proxy surprises in messages.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("credgate/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .build()
}

/// How the client proves who it is.
pub enum ClientProof<'a> {
    /// A client secret.
    Secret(&'a SecretValue),
    /// A signed JWT (certificate assertion or federated token).
    Assertion(&'a SecretValue),
}

/// One client-credentials token request.
pub struct TokenRequest<'a> {
    /// `https://<authority>/<tenant>/oauth2/v2.0/token`.
    pub url: &'a str,
    /// The application (client) id.
    pub client_id: &'a str,
    /// The requested scope (`…/.default`).
    pub scope: &'a str,
    /// The credential.
    pub proof: ClientProof<'a>,
}

/// The last answer of a request, or why none came.
#[derive(Debug)]
pub enum Outcome {
    /// An HTTP answer (any status, after retries).
    Answer(Answer),
    /// The connection failed on every attempt (DNS, refused, TLS).
    Unreachable {
        /// Attempts made.
        attempts: u32,
        /// A short kind of failure (never a URL with a credential: none is in the URL).
        reason: String,
    },
}

/// An HTTP answer.
pub struct Answer {
    /// HTTP status code.
    pub status: u16,
    /// The body, at most [`MAX_BODY`] bytes.
    pub body: Vec<u8>,
    /// The `Date` header, for clock skew.
    pub date: Option<SystemTime>,
    /// Attempts made.
    pub attempts: u32,
}

impl std::fmt::Debug for Answer {
    /// The body of a granted answer holds the access token: `Debug` shows its length only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field(
                "body",
                &format_args!("[REDACTED; {} bytes]", self.body.len()),
            )
            .field("date", &self.date)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// Sends the request, retrying 429, 5xx and connection errors up to [`MAX_ATTEMPTS`] times with
/// exponential backoff (or `Retry-After`), never sleeping past `deadline`. The caller wraps
/// this in the deadline itself, so an answer that never comes ends as a timeout.
pub async fn request_token(
    client: &reqwest::Client,
    request: &TokenRequest<'_>,
    deadline: Instant,
) -> Outcome {
    let (sent, attempts) = with_retries(deadline, || send_once(client, request)).await;
    match sent {
        Ok(mut a) => Outcome::Answer(Answer {
            status: a.status,
            body: std::mem::take(&mut *a.body),
            date: a.date,
            attempts,
        }),
        Err(reason) => Outcome::Unreachable { attempts, reason },
    }
}

/// An attempt's outcome, as the retry loop sees it: worth another try, and after how long the
/// server asked to wait.
pub trait Retryable {
    /// `(try again, the server's Retry-After)`.
    fn retry(&self) -> (bool, Option<Duration>);
}

/// Makes `attempt` until its outcome is final: up to [`MAX_ATTEMPTS`] times, pausing with
/// exponential backoff or the server's `Retry-After`, and never pausing past `deadline` (a pause
/// that would end after it is not taken). The token requests, the Key Vault reads and the
/// Graph look-ups go through it, so a brief outage or throttling is not reported as a broken
/// credential, an unreadable secret or an unchecked expiry.
/// Returns the last outcome and the attempts made.
pub async fn with_retries<T: Retryable, F: std::future::Future<Output = T>>(
    deadline: Instant,
    mut attempt: impl FnMut() -> F,
) -> (T, u32) {
    let mut made = 0;
    loop {
        made += 1;
        let outcome = attempt().await;
        let (retry, wait) = outcome.retry();
        let pause = wait.unwrap_or(BASE_BACKOFF * 2u32.saturating_pow(made - 1));
        let fits = Instant::now()
            .checked_add(pause)
            .is_some_and(|at| at < deadline);
        if !retry || made >= MAX_ATTEMPTS || !fits {
            return (outcome, made);
        }
        tokio::time::sleep(pause).await;
    }
}

/// Whether an HTTP status is worth retrying: throttling and server faults.
pub fn transient(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

impl<E> Retryable for Result<HttpAnswer, E> {
    fn retry(&self) -> (bool, Option<Duration>) {
        match self {
            Ok(answer) => (transient(answer.status), answer.retry_after),
            // Errors are transport faults: the request may not have arrived.
            Err(_) => (true, None),
        }
    }
}

/// One HTTP answer, read the same way from Entra ID, Graph and Key Vault: the status, the
/// server's `Date` and `Retry-After`, and at most a bound of body bytes, so a hostile or broken
/// server cannot make credgate hold an endless body. The body is wiped when dropped: a token
/// answer holds a token, a vault's answer the secret itself.
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The server's `Date` header.
    pub date: Option<SystemTime>,
    /// The server's `Retry-After`, as a wait.
    pub retry_after: Option<Duration>,
    /// The body's first bytes, up to the bound.
    pub body: Zeroizing<Vec<u8>>,
    /// The body went on past the bound.
    pub truncated: bool,
}

/// Reads `response` into an [`HttpAnswer`], keeping at most `max` body bytes.
pub async fn receive(
    mut response: reqwest::Response,
    max: usize,
) -> Result<HttpAnswer, reqwest::Error> {
    let status = response.status().as_u16();
    let headers = response.headers();
    let date = headers
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let retry_after = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let mut body = Zeroizing::new(Vec::new());
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        let room = max.saturating_sub(body.len());
        body.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or(&[]));
        if chunk.len() > room {
            truncated = true;
            break;
        }
    }
    Ok(HttpAnswer {
        status,
        date,
        retry_after,
        body,
        truncated,
    })
}

async fn send_once(
    client: &reqwest::Client,
    request: &TokenRequest<'_>,
) -> Result<HttpAnswer, String> {
    let mut form: Vec<(&str, &str)> = vec![
        ("client_id", request.client_id),
        ("scope", request.scope),
        ("grant_type", "client_credentials"),
    ];
    match &request.proof {
        ClientProof::Secret(secret) => form.push(("client_secret", secret.expose())),
        ClientProof::Assertion(jwt) => {
            form.push((
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ));
            form.push(("client_assertion", jwt.expose()));
        }
    }
    let response = client
        .post(request.url)
        .header("Accept", "application/json")
        .form(&form)
        .send()
        .await
        .map_err(|e| describe_error(&e))?;
    receive(response, MAX_BODY)
        .await
        .map_err(|e| describe_error(&e))
}

/// `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A short kind of transport failure. reqwest's own message names the URL, which holds no
/// credential (the secret travels in the body), but the kind is all a reader needs.
fn describe_error(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "connection failed".into()
    } else if e.is_timeout() {
        "connection timed out".into()
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off".into()
    } else {
        "request failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        let past = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH);
        assert_eq!(parse_retry_after(&past), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
