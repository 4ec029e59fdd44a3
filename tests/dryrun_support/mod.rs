//! A stand-in for the Entra token endpoint and Graph on 127.0.0.1, answering with the real wire
//! format (status codes, `error_codes` bodies, `Date`, `Retry-After`), started per test.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Response, StatusCode, Uri};
use base64::Engine;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the stand-in saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub form: HashMap<String, String>,
    pub authorization: Option<String>,
}

/// One answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply {
            status,
            body: body.to_string(),
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the `Date` header (a skewed authority clock).
    pub fn dated(mut self, date: &str) -> Self {
        self.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("date"));
        self.header("date", date)
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

/// A running stand-in; dropped at the end of the test.
pub struct StandIn {
    pub port: u16,
    pub hits: Arc<AtomicUsize>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    _runtime: tokio::runtime::Runtime,
}

impl StandIn {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Starts a stand-in on a free port; `handler` gets each request and its 1-based number.
pub fn serve(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> StandIn {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler: Arc<Handler> = Arc::new(handler);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let (h, s) = (hits.clone(), seen.clone());
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: String| {
            let (handler, hits, seen) = (handler.clone(), h.clone(), s.clone());
            async move {
                let n = hits.fetch_add(1, Ordering::SeqCst) + 1;
                let request = Seen {
                    method: method.to_string(),
                    path: uri.to_string(),
                    form: parse_form(&body),
                    authorization: headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string),
                };
                seen.lock().unwrap().push(request.clone());
                let reply = handler(&request, n);
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                let mut response =
                    Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
                for (k, v) in &reply.headers {
                    response = response.header(k.as_str(), v.as_str());
                }
                response.body(Body::from(reply.body)).unwrap()
            }
        },
    );
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    StandIn {
        port,
        hits,
        seen,
        _runtime: runtime,
    }
}

fn parse_form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let dec = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (dec(k), dec(v))
        })
        .collect()
}

/// A port nothing listens on.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

pub const TRACE: &str = "0b6e7a5c-1d2e-4f00-9a8b-7c6d5e4f3a00";
pub const CORRELATION: &str = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";

/// Entra's error answer, as captured from the real endpoint.
pub fn entra_error(status: u16, error: &str, code: u32, text: &str) -> Reply {
    Reply::json(
        status,
        serde_json::json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {text} Trace ID: {TRACE} Correlation ID: {CORRELATION} Timestamp: 2025-05-01 12:00:00Z"),
            "error_codes": [code],
            "timestamp": "2025-05-01 12:00:00Z",
            "trace_id": TRACE,
            "correlation_id": CORRELATION,
            "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
        }),
    )
    .header("date", &httpdate::fmt_http_date(std::time::SystemTime::now()))
}

/// A JWT-shaped access token with the given claims.
pub fn jwt(claims: serde_json::Value) -> String {
    let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.{}",
        e(br#"{"typ":"JWT","alg":"RS256","kid":"stand-in"}"#),
        e(claims.to_string().as_bytes()),
        e(b"stand-in-signature-bytes-that-are-not-checked")
    )
}

/// Entra's success answer.
pub fn token_reply(token: &str) -> Reply {
    Reply::json(
        200,
        serde_json::json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}),
    )
    .header("date", &httpdate::fmt_http_date(std::time::SystemTime::now()))
}

/// The JSON report of a run's stdout.
pub fn json(stdout: &[u8]) -> serde_json::Value {
    serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(stdout)))
}

/// `dry_run[]` status of an environment.
pub fn status_of(report: &serde_json::Value, env: &str) -> String {
    report["dry_run"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["environment"] == env)
        .unwrap_or_else(|| panic!("no dry_run row for {env}: {report}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Findings of a rule.
pub fn findings<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}
