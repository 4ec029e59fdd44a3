//! One GET against the Azure DevOps REST API, as the rest of the source needs it: authenticated,
//! bounded by the run's deadline, throttling waited out when the wait fits, and every answer
//! that is not a JSON page sorted into a [`Failure`] the caller can explain. Nothing here
//! formats the token or echoes an answer's body, so no error can carry a credential.

use crate::dryrun::client::parse_retry_after;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::Url;
use std::time::{Duration, Instant};

/// Attempts per request, the first one included: throttling and server faults are retried a
/// few times, never forever.
const MAX_ATTEMPTS: u32 = 4;
/// The first pause when the server gives no `Retry-After`; it doubles after each retry.
const BASE_BACKOFF: Duration = Duration::from_millis(250);
/// Largest answer read. Variable groups of a big project fit many times over; anything larger
/// is not an answer credgate should hold in memory.
const MAX_BODY: usize = 32 * 1024 * 1024;
/// The header Azure DevOps uses to hand out the next page of a list.
const CONTINUATION: &str = "x-ms-continuationtoken";

/// One page of a list, or one object.
pub struct Page {
    /// The parsed JSON answer.
    pub body: serde_json::Value,
    /// The `x-ms-continuationtoken` header, when more pages follow.
    pub continuation: Option<String>,
}

/// Why a request gave no usable answer. Carries statuses and kinds only, never a body or a
/// header value, so it is safe to describe in a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 401, a 203 sign-in page or a redirect to sign-in: the credential was not accepted.
    Rejected {
        /// The HTTP status as answered.
        status: u16,
    },
    /// 403 or 404: the credential lacks a permission, or the object is not visible to it.
    Denied {
        /// The HTTP status as answered.
        status: u16,
    },
    /// 429 or 5xx still answered after waiting within the deadline.
    Throttled {
        /// The HTTP status as answered last.
        status: u16,
    },
    /// The connection failed (DNS, refused, TLS, cut off).
    Network(&'static str),
    /// The deadline passed before an answer came.
    TimedOut,
    /// An answer credgate cannot use (another status, not JSON, too large).
    Unexpected(String),
}

/// GETs `url` with the `Authorization` header `auth`, retrying 429, 5xx and connection faults
/// while the pause fits before `deadline`.
pub async fn get_json(
    client: &reqwest::Client,
    url: &Url,
    auth: &HeaderValue,
    deadline: Instant,
) -> Result<Page, Failure> {
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let (failure, retry_after) = match get_once(client, url, auth, deadline).await {
            Attempt::Done(result) => return result,
            Attempt::Retry {
                failure,
                retry_after,
            } => (failure, retry_after),
        };
        let pause = retry_after.unwrap_or(BASE_BACKOFF * 2u32.saturating_pow(attempt - 1));
        let fits = Instant::now()
            .checked_add(pause)
            .is_some_and(|at| at < deadline);
        if attempt >= MAX_ATTEMPTS || !fits {
            return Err(failure);
        }
        tokio::time::sleep(pause).await;
    }
}

/// The outcome of one attempt: final, or worth another try after a pause.
enum Attempt {
    Done(Result<Page, Failure>),
    Retry {
        failure: Failure,
        retry_after: Option<Duration>,
    },
}

async fn get_once(
    client: &reqwest::Client,
    url: &Url,
    auth: &HeaderValue,
    deadline: Instant,
) -> Attempt {
    let request = client
        .get(url.clone())
        .header(AUTHORIZATION, auth.clone())
        .header(ACCEPT, "application/json")
        // Asks Azure DevOps to answer a bad credential with 401 rather than a sign-in page.
        .header("X-TFS-FedAuthRedirect", "Suppress");
    let until = tokio::time::Instant::from_std(deadline);
    let response = match tokio::time::timeout_at(until, request.send()).await {
        Err(_) => return Attempt::Done(Err(Failure::TimedOut)),
        Ok(Err(e)) => {
            return Attempt::Retry {
                failure: Failure::Network(describe_error(&e)),
                retry_after: None,
            }
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let headers = response.headers();
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let continuation = headers
        .get(CONTINUATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let is_html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("text/html"));
    let to_sign_in = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_sign_in_address);
    match status {
        401 => return Attempt::Done(Err(Failure::Rejected { status })),
        403 | 404 => return Attempt::Done(Err(Failure::Denied { status })),
        429 | 500..=599 => {
            return Attempt::Retry {
                failure: Failure::Throttled { status },
                retry_after,
            }
        }
        300..=399 if to_sign_in => return Attempt::Done(Err(Failure::Rejected { status })),
        200..=299 => {}
        _ => {
            return Attempt::Done(Err(Failure::Unexpected(format!(
                "Azure DevOps answered HTTP {status}"
            ))))
        }
    }
    let body = match tokio::time::timeout_at(until, read_body(response)).await {
        Err(_) => return Attempt::Done(Err(Failure::TimedOut)),
        Ok(Err(failure)) => {
            return Attempt::Retry {
                failure,
                retry_after: None,
            }
        }
        Ok(Ok(body)) => body,
    };
    // A bad PAT gets 203 and the HTML sign-in page instead of a 401.
    if status == 203 || is_html || looks_like_html(&body) {
        return Attempt::Done(Err(Failure::Rejected { status }));
    }
    Attempt::Done(match serde_json::from_slice(&body) {
        Ok(body) => Ok(Page { body, continuation }),
        Err(_) => Err(Failure::Unexpected(format!(
            "Azure DevOps answered HTTP {status} with something that is not JSON"
        ))),
    })
}

async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(Failure::Unexpected(format!(
                        "the answer is larger than {} MiB",
                        MAX_BODY / (1024 * 1024)
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(Failure::Network(describe_error(&e))),
        }
    }
}

/// Whether an answer's body is an HTML page (the sign-in page) rather than JSON.
fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    body.get(start..).is_some_and(|rest| rest.starts_with(b"<"))
}

/// Whether a redirect goes to a sign-in page: Azure DevOps redirects an unauthenticated API
/// call there when it does not answer 401.
fn is_sign_in_address(location: &str) -> bool {
    let l = location.to_ascii_lowercase();
    l.contains("signin") || l.contains("login") || l.contains("/_signedin")
}

/// A short kind of transport failure. reqwest's own message names the URL, which holds no
/// credential (the token travels in a header), but the kind is all a reader needs.
fn describe_error(e: &reqwest::Error) -> &'static str {
    if e.is_connect() {
        "the connection failed"
    } else if e.is_timeout() {
        "the connection timed out"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "the request failed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised_after_whitespace() {
        assert!(looks_like_html(b"\r\n  <!DOCTYPE html><html>"));
        assert!(!looks_like_html(b"{\"count\":0}"));
        assert!(!looks_like_html(b""));
    }

    #[test]
    fn sign_in_redirects_are_recognised() {
        assert!(is_sign_in_address(
            "https://spsprodweu5.vssps.visualstudio.com/_signin?realm=dev.azure.com"
        ));
        assert!(is_sign_in_address("https://login.microsoftonline.com/x"));
        assert!(!is_sign_in_address("https://dev.azure.com/contoso/_apis/x"));
    }
}
