//! A stand-in for the Entra token endpoint and Graph on 127.0.0.1, answering with the real wire
//! format (status codes, `error_codes` bodies, `Date`, `Retry-After`), started per test.

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
    /// The `Host` header (a Key Vault stand-in serves several vaults by it).
    pub host: Option<String>,
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
                    host: headers
                        .get("host")
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
    jwt_signed(
        claims,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(b"stand-in-signature-bytes-that-are-not-checked"),
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

/// The `dry_run[]` row of an environment.
pub fn row_of<'a>(report: &'a serde_json::Value, env: &str) -> &'a serde_json::Value {
    report["dry_run"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["environment"] == env)
        .unwrap_or_else(|| panic!("no dry_run row for {env}: {report}"))
}

/// `dry_run[]` status of an environment.
pub fn status_of(report: &serde_json::Value, env: &str) -> String {
    row_of(report, env)["status"].as_str().unwrap().to_string()
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

/// A JWT-shaped access token whose signature part is exactly `signature` (already base64url), so
/// a redaction test knows a unique string that must never be printed.
pub fn jwt_signed(claims: serde_json::Value, signature: &str) -> String {
    let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.{signature}",
        e(br#"{"typ":"JWT","alg":"RS256","kid":"stand-in"}"#),
        e(claims.to_string().as_bytes())
    )
}

/// A stand-in below HTTP: a plain TCP listener on 127.0.0.1 that counts every accepted
/// connection (a client that connects and sends nothing still counts) and hands each one to a
/// behaviour on its own thread, so tests can misbehave at the byte level (reset, stall,
/// dribble) or prove that nothing at all reached a host.
pub struct RawServer {
    pub port: u16,
    accepted: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<u8>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl RawServer {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Every byte the behaviours read, in arrival order (interleaved across connections).
    pub fn received(&self) -> Vec<u8> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so its thread ends; this connection is not counted.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One connection as a behaviour sees it: the stream, and a log of what it read.
pub struct RawConn {
    pub stream: std::net::TcpStream,
    received: Arc<Mutex<Vec<u8>>>,
}

/// An HTTP request read off a raw connection.
#[derive(Clone, Debug, Default)]
pub struct RawRequest {
    pub path: String,
    pub form: HashMap<String, String>,
}

impl RawConn {
    /// Reads one HTTP/1.1 request (head and a `Content-Length` body); `None` when the client
    /// closed or sent something that is not HTTP within 10 s.
    pub fn read_request(&mut self) -> Option<RawRequest> {
        use std::io::Read;
        self.stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        let mut data = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let n = self.stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
            self.log(&chunk[..n]);
            data.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&data[..head_end]).to_string();
        let length = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while data.len() < head_end + length {
            let n = self.stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
            self.log(&chunk[..n]);
            data.extend_from_slice(&chunk[..n]);
        }
        // The request line: method, path, version.
        let mut first = head.lines().next()?.split(' ');
        first.next()?;
        let path = first.next()?.to_string();
        let body = String::from_utf8_lossy(&data[head_end..head_end + length]).to_string();
        Some(RawRequest {
            path,
            form: parse_form(&body),
        })
    }

    /// Reads and discards until the client closes (or 30 s pass): a server that never answers.
    pub fn hold_until_closed(&mut self) {
        use std::io::Read;
        let _ = self.stream.set_read_timeout(Some(Duration::from_secs(30)));
        let mut chunk = [0u8; 4096];
        while let Ok(n) = self.stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            self.log(&chunk[..n]);
        }
    }

    /// Writes bytes, ignoring a client that has gone away.
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        use std::io::Write;
        self.stream
            .write_all(bytes)
            .and_then(|_| self.stream.flush())
            .is_ok()
    }

    /// Entra's success answer carrying `token`, written by hand.
    pub fn grant(&mut self, token: &str) -> bool {
        let body =
            serde_json::json!({"token_type": "Bearer", "expires_in": 3599, "access_token": token});
        self.respond(200, "application/json; charset=utf-8", &body.to_string())
    }

    /// A whole HTTP/1.1 answer with `Content-Length` and `Connection: close`.
    pub fn respond(&mut self, status: u16, content_type: &str, body: &str) -> bool {
        let reason = match status {
            200 => "OK",
            301 => "Moved Permanently",
            302 => "Found",
            307 => "Temporary Redirect",
            308 => "Permanent Redirect",
            400 => "Bad Request",
            401 => "Unauthorized",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            _ => "Status",
        };
        let text = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        self.send(text.as_bytes())
    }

    /// Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN.
    pub fn reset(self) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        else {
            return;
        };
        let _guard = runtime.enter();
        if self.stream.set_nonblocking(true).is_err() {
            return;
        }
        if let Ok(stream) = tokio::net::TcpStream::from_std(self.stream) {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
    }

    fn log(&self, bytes: &[u8]) {
        self.received.lock().unwrap().extend_from_slice(bytes);
    }
}

/// Starts a raw stand-in on a free port; `behaviour` gets each accepted connection.
pub fn raw(behaviour: impl Fn(RawConn) + Send + Sync + 'static) -> RawServer {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let behaviour = Arc::new(behaviour);
    let (count, log, halt) = (accepted.clone(), received.clone(), stop.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if halt.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            count.fetch_add(1, Ordering::SeqCst);
            let (behaviour, received) = (behaviour.clone(), log.clone());
            std::thread::spawn(move || behaviour(RawConn { stream, received }));
        }
    });
    RawServer {
        port,
        accepted,
        received,
        stop,
    }
}

/// A host a secret must never reach: counts connections and, to be as tempting as possible,
/// grants a token to any request it does get.
pub fn recorder() -> RawServer {
    raw(|mut conn| {
        if conn.read_request().is_some() {
            conn.grant(&jwt(serde_json::json!({"appid": "recorder"})));
        }
    })
}

/// The azure-identity convention variables of one environment (`<ENV>_AZURE_TENANT_ID`,
/// `<ENV>_AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET_<ENV>`).
pub fn convention_vars(
    env: &str,
    tenant: &str,
    client: &str,
    secret: &str,
) -> Vec<(String, String)> {
    let up = env.to_ascii_uppercase();
    vec![
        (format!("{up}_AZURE_TENANT_ID"), tenant.to_string()),
        (format!("{up}_AZURE_CLIENT_ID"), client.to_string()),
        (format!("AZURE_CLIENT_SECRET_{up}"), secret.to_string()),
    ]
}

/// A secret as a Key Vault stand-in holds it.
#[derive(Clone, Debug)]
pub enum VaultSecret {
    /// Served with `value`, `id` and `attributes` (`exp` in seconds since the epoch).
    Value {
        value: String,
        exp: Option<i64>,
        enabled: bool,
    },
    /// 403 with this `innererror` code (`ForbiddenByRbac`, `ForbiddenByPolicy`, `AccessDenied`).
    Forbidden(&'static str),
}

/// The audience a Key Vault token must carry.
pub const VAULT_AUDIENCE: &str = "https://vault.azure.net";

/// A Key Vault stand-in serving several vaults by `Host`: `secrets` maps
/// `({vault}.vault.azure.net, /secrets/{name})` to what it holds; anything else is
/// `404 SecretNotFound`. Like the real service it answers a request without a bearer token, or
/// with a token for another audience, `401` with the `WWW-Authenticate` challenge, and wants an
/// `api-version`.
pub fn key_vault(secrets: Vec<((&str, &str), VaultSecret)>) -> StandIn {
    let secrets: HashMap<(String, String), VaultSecret> = secrets
        .into_iter()
        .map(|((h, p), s)| ((h.to_string(), p.to_string()), s))
        .collect();
    serve(move |seen, _| {
        let error = |status: u16, code: &str, inner: Option<&str>, message: &str| {
            let mut error = serde_json::json!({"code": code, "message": message});
            if let Some(inner) = inner {
                error["innererror"] = serde_json::json!({"code": inner});
            }
            Reply::json(status, serde_json::json!({ "error": error }))
        };
        let challenge = || {
            error(401, "Unauthorized", None, "AKV10000: Request is missing a Bearer or PoP token.")
                .header(
                    "www-authenticate",
                    &format!("Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\", resource=\"{VAULT_AUDIENCE}\""),
                )
        };
        let Some(token) = seen
            .authorization
            .as_deref()
            .and_then(|a| a.strip_prefix("Bearer "))
        else {
            return challenge();
        };
        let audience = token
            .split('.')
            .nth(1)
            .and_then(|p| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(p)
                    .ok()
            })
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|c| c["aud"].as_str().map(str::to_string));
        if audience.as_deref() != Some(VAULT_AUDIENCE) {
            return error(401, "Unauthorized", None, "AKV10022: Invalid audience.");
        }
        let (path, query) = seen.path.split_once('?').unwrap_or((&seen.path, ""));
        let version_ok = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("api-version="))
            .and_then(|v| v.parse::<f32>().ok())
            .is_some_and(|v| v >= 7.5);
        if !version_ok {
            return error(
                400,
                "BadParameter",
                None,
                "The 'api-version' query parameter is missing or unsupported.",
            );
        }
        let host = seen.host.clone().unwrap_or_default();
        let host = host.split(':').next().unwrap_or_default().to_string();
        let name = path
            .trim_start_matches("/secrets/")
            .split('/')
            .next()
            .unwrap_or_default();
        match secrets.get(&(host.clone(), format!("/secrets/{name}"))) {
            Some(VaultSecret::Value {
                value,
                exp,
                enabled,
            }) => Reply::json(
                200,
                serde_json::json!({
                    "value": value,
                    "id": format!("https://{host}/secrets/{name}/4387e9f3d6e14c459867679a90fd0f79"),
                    "attributes": {"enabled": enabled, "exp": exp, "created": 1_700_000_000, "updated": 1_700_000_000, "recoveryLevel": "Recoverable+Purgeable"},
                    "tags": {},
                }),
            ),
            Some(VaultSecret::Forbidden(inner)) => error(
                403,
                "Forbidden",
                Some(inner),
                "Caller is not authorized to perform action on resource.",
            ),
            None => error(
                404,
                "SecretNotFound",
                None,
                &format!("A secret with (name/id) {name} was not found in this key vault."),
            ),
        }
    })
}
