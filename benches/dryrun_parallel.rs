//! Dry-run wall time: 10 environments against a stand-in token endpoint that answers each
//! request after 500 ms must finish in under 1 s in total at the default settings (issue 4's
//! performance target), which holds only if the environments really run concurrently. Then
//! `--timeout` must bound the whole run: seven environments whose secrets are rejected, one
//! of which never gets an answer, with and without cross-match, against a 3 s timeout.
//! Run with `cargo bench --bench dryrun_parallel`.

use base64::Engine;
use credgate::dryrun::credentials::{Credential, Origin, Resolved, Sourced};
use credgate::dryrun::{run_blocking, Options};
use credgate::secret::SecretValue;
use std::time::{Duration, Instant};

const ENVIRONMENTS: u32 = 10;
const ANSWER_AFTER: Duration = Duration::from_millis(500);
const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(ANSWER_AFTER).await;
        let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let token = format!("{}.{}.sig", e(b"{\"alg\":\"RS256\"}"), e(b"{\"roles\":[]}"));
        axum::Json(
            serde_json::json!({"token_type": "Bearer", "expires_in": 3599, "access_token": token}),
        )
    });
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let envs = |n: u32| -> Vec<Resolved> {
        (0..n)
            .map(|i| {
                let s = |v: String| Sourced {
                    value: v,
                    origin: Origin::Env(format!("E{i}")),
                };
                Resolved {
                    environment: format!("env{i}"),
                    tenant: Some(s(TENANT.to_string())),
                    client_id: Some(s(format!("{i:08x}-5b7d-4e8f-9a0b-1c2d3e4f5ac3"))),
                    credential: Some(Sourced {
                        value: Credential::Secret(SecretValue::new(format!(
                            "bench-secret-{i}-0123456789abcdef"
                        ))),
                        origin: Origin::Env(format!("S{i}")),
                    }),
                    committed: false,
                    authority: None,
                    redirect_uris: vec![],
                    required_roles: vec![],
                    scope: None,
                    looked_for: vec![],
                    key_vault: None,
                }
            })
            .collect()
    };
    let measure = |concurrency: usize| -> Duration {
        let options = Options {
            authority_host: Some(format!("http://127.0.0.1:{port}")),
            concurrency,
            ..Options::default()
        };
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let outcome = run_blocking(envs(ENVIRONMENTS), &options).expect("dry-run");
            times.push(started.elapsed());
            assert!(
                outcome.results.iter().all(|r| r.status == "ok"),
                "{:?}",
                outcome.results
            );
        }
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "dryrun_parallel: {ENVIRONMENTS} environments, --concurrency {concurrency}, stand-in answers after {} ms: median {:.0} ms, min {:.0} ms, max {:.0} ms",
            ANSWER_AFTER.as_millis(),
            median.as_secs_f64() * 1000.0,
            times[0].as_secs_f64() * 1000.0,
            times[times.len() - 1].as_secs_f64() * 1000.0
        );
        median
    };
    let median = measure(credgate::dryrun::run::DEFAULT_CONCURRENCY);
    let mut over = median >= Duration::from_secs(1);
    over |= hanging(&runtime, &envs);
    if over {
        eprintln!("dryrun_parallel: over a target");
        std::process::exit(1);
    }
}

/// Seven environments in one tenant whose secrets are all rejected (so each failure starts a
/// cross-match), the first one's requests never answered: the run must end within the 3 s
/// timeout (plus scheduling), with cross-match as without. Returns whether it went over.
fn hanging(runtime: &tokio::runtime::Runtime, envs: &dyn Fn(u32) -> Vec<Resolved>) -> bool {
    const TIMEOUT: Duration = Duration::from_secs(3);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hanging_client = envs(1)[0].client_id.clone().expect("client id").value;
    let app = axum::Router::new().fallback(move |body: axum::body::Bytes| {
        let hangs = String::from_utf8_lossy(&body).contains(&hanging_client);
        async move {
            if hangs {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            (
                axum::http::StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                    "error_codes": [7000215],
                    "trace_id": "00000000-0000-0000-0000-000000000000",
                    "correlation_id": "00000000-0000-0000-0000-000000000000"
                })),
            )
        }
    });
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mut over = false;
    for cross_match in [true, false] {
        let options = Options {
            authority_host: Some(format!("http://127.0.0.1:{port}")),
            timeout: TIMEOUT,
            cross_match,
            ..Options::default()
        };
        let started = Instant::now();
        let outcome = run_blocking(envs(7), &options).expect("dry-run");
        let took = started.elapsed();
        let statuses: Vec<&str> = outcome.results.iter().map(|r| r.status.as_str()).collect();
        println!(
            "dryrun_parallel: 7 environments, one hanging, --timeout 3{}: {:.2} s ({statuses:?})",
            if cross_match { "" } else { " --no-cross-match" },
            took.as_secs_f64()
        );
        over |= took > TIMEOUT + Duration::from_millis(500);
    }
    over
}
