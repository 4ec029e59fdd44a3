//! Network faults at the token endpoint, each from a stand-in on 127.0.0.1 reached through
//! `--authority-host` as a user would: every fault ends within the environment's deadline with a
//! status that says the authority could not be asked (`unreachable`, `timeout`, `server_error`)
//! or gave an answer credgate cannot read (`unexpected`), never `ok`; and a healthy environment
//! in the same run, talking to the same host, still gets its token.

use crate::common::{assert_no_leak, credgate_isolated, entra_secret};
use crate::dryrun_support::*;
use std::time::{Duration, Instant};

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
/// The client id of the environment that meets the fault (production).
const SICK: &str = "0000000a-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
/// The client id of the healthy environment (staging).
const WELL: &str = "0000000b-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
/// The client id of a second faulty environment, where a test needs one (test).
const ALSO_SICK: &str = "0000000c-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
/// Every fault must be over well inside this, with `--timeout 2`.
const BOUND: Duration = Duration::from_secs(15);

/// What a fault run produced.
struct Run {
    report: serde_json::Value,
    took: Duration,
    code: Option<i32>,
    all_text: String,
}

impl Run {
    fn status(&self, env: &str) -> String {
        status_of(&self.report, env)
    }

    fn row(&self, env: &str) -> &serde_json::Value {
        row_of(&self.report, env)
    }
}

fn secret_for(env: &str) -> String {
    match env {
        "prod" => entra_secret(501),
        "staging" => entra_secret(502),
        _ => entra_secret(503),
    }
}

fn client_for(env: &str) -> &'static str {
    match env {
        "prod" => SICK,
        "staging" => WELL,
        _ => ALSO_SICK,
    }
}

/// `credgate dry-run --timeout 2` for `envs` against `authority`.
fn dry_run(authority: &str, envs: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = credgate_isolated();
    cmd.arg("dry-run").arg(dir.path()).args([
        "--format",
        "json",
        "--timeout",
        "2",
        "--authority-host",
        authority,
    ]);
    for env in envs {
        cmd.args(["--env", env]);
        for (k, v) in convention_vars(env, TENANT, client_for(env), &secret_for(env)) {
            cmd.env(k, v);
        }
    }
    let started = Instant::now();
    let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
    let took = started.elapsed();
    let all_text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for env in envs {
        assert_no_leak(&all_text, &secret_for(env), env);
    }
    Run {
        report: json(&out.stdout),
        took,
        code: out.status.code(),
        all_text,
    }
}

/// A raw stand-in that grants the healthy environment and hands every other request to `fault`.
fn faulty(fault: impl Fn(RawConn, &RawRequest) + Send + Sync + 'static) -> RawServer {
    raw(move |mut conn| {
        let Some(request) = conn.read_request() else {
            return;
        };
        if request.form.get("client_id").map(String::as_str) == Some(WELL) {
            conn.grant(&jwt(
                serde_json::json!({"aud": "https://graph.microsoft.com", "appid": WELL, "tid": TENANT}),
            ));
        } else {
            fault(conn, &request);
        }
    })
}

/// The faulty environments end with one of `allowed`, as an error; the healthy one is `ok`
/// within its own short time; the run fails and ends inside the bound.
fn assert_contained(run: &Run, faulty_envs: &[(&str, &[&str])]) {
    assert!(run.took < BOUND, "took {:?}", run.took);
    for (env, allowed) in faulty_envs {
        let status = run.status(env);
        assert!(
            allowed.contains(&status.as_str()),
            "{env}: {status}, expected one of {allowed:?}: {}",
            run.report
        );
        let failure = findings(&run.report, "dry-run-failed")
            .into_iter()
            .find(|f| f["environment"] == *env)
            .cloned()
            .unwrap_or_else(|| panic!("no dry-run-failed for {env}: {}", run.report));
        assert_eq!(failure["severity"], "error", "{failure}");
    }
    if run.report["dry_run"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["environment"] == "staging")
    {
        assert_eq!(run.status("staging"), "ok", "{}", run.report);
        let ms = run.row("staging")["duration_ms"].as_u64().unwrap();
        assert!(ms < 2000, "the healthy environment waited {ms} ms");
    }
    assert_eq!(run.code, Some(1), "{}", run.all_text);
}

#[test]
fn connection_refused_is_unreachable() {
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let run = dry_run(&closed, &["prod", "test"]);
    assert_contained(
        &run,
        &[("production", &["unreachable"]), ("test", &["unreachable"])],
    );
    let message = findings(&run.report, "dry-run-failed")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("3 attempt"), "{message}");
}

#[test]
fn reset_in_the_middle_of_the_headers_is_unreachable() {
    let server = faulty(|mut conn, _| {
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: applic");
        std::thread::sleep(Duration::from_millis(20));
        conn.reset();
    });
    let run = dry_run(&server.url(), &["prod", "staging"]);
    assert_contained(&run, &[("production", &["unreachable"])]);
    // Retried (connection faults may pass), three attempts for production, one for staging.
    assert_eq!(server.connections(), 4);
}

#[test]
fn an_answer_cut_off_in_the_body_is_unreachable() {
    let server = faulty(|mut conn, _| {
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"token_type\":\"Bearer\",\"access_tok",
        );
        std::thread::sleep(Duration::from_millis(20));
        conn.reset();
    });
    let run = dry_run(&server.url(), &["prod", "staging"]);
    assert_contained(&run, &[("production", &["unreachable"])]);
    let message = findings(&run.report, "dry-run-failed")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!message.contains("access_tok"), "{message}");
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let server = faulty(|mut conn, _| conn.hold_until_closed());
    let run = dry_run(&server.url(), &["prod", "staging"]);
    assert_contained(&run, &[("production", &["timeout"])]);
    let ms = run.row("production")["duration_ms"].as_u64().unwrap();
    assert!((1900..4000).contains(&ms), "deadline of 2 s, took {ms} ms");

    // Accepted, and not even the request is read.
    let mute = raw(|mut conn| conn.hold_until_closed());
    let run = dry_run(&mute.url(), &["prod"]);
    assert_contained(&run, &[("production", &["timeout"])]);
    assert_eq!(mute.connections(), 1);
}

#[test]
fn a_server_that_dribbles_a_byte_every_half_second_is_a_timeout() {
    let server = faulty(|mut conn, _| {
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9999\r\n\r\n{\"access_token\":\"" {
            if !conn.send(&[*byte]) {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    let run = dry_run(&server.url(), &["prod", "staging"]);
    assert_contained(&run, &[("production", &["timeout"])]);
    assert!(run.took < Duration::from_secs(6), "took {:?}", run.took);
}

#[test]
fn invalid_json_is_unexpected() {
    let server = faulty(|mut conn, request| {
        let status = if request.form.get("client_id").map(String::as_str) == Some(SICK) {
            200
        } else {
            400
        };
        conn.respond(
            status,
            "application/json",
            "{\"access_token\": \"eyJ0eXAi\", \"error_codes\": [7000215",
        );
    });
    let run = dry_run(&server.url(), &["prod", "test", "staging"]);
    assert_contained(
        &run,
        &[("production", &["unexpected"]), ("test", &["unexpected"])],
    );
    // Nothing to retry: one attempt each.
    assert_eq!(server.connections(), 3);
}

#[test]
fn an_html_error_page_is_unexpected_or_a_server_error() {
    let page = "<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><h1>Oops</h1><p>The gateway could not reach the upstream.</p></body></html>";
    let server = faulty(move |mut conn, request| {
        let status = if request.form.get("client_id").map(String::as_str) == Some(SICK) {
            200
        } else {
            502
        };
        conn.respond(status, "text/html; charset=utf-8", page);
    });
    let run = dry_run(&server.url(), &["prod", "test", "staging"]);
    assert_contained(
        &run,
        &[("production", &["unexpected"]), ("test", &["server_error"])],
    );
    assert!(!run.all_text.contains("upstream"), "{}", run.all_text);
    // The 502 is retried (three attempts), the 200 page is final.
    assert_eq!(server.connections(), 1 + 3 + 1);
}

#[test]
fn a_200_without_an_access_token_is_unexpected() {
    let server = faulty(|mut conn, request| {
        let body = if request.form.get("client_id").map(String::as_str) == Some(SICK) {
            serde_json::json!({"token_type": "Bearer", "expires_in": 3599})
        } else {
            serde_json::json!({"token_type": "Bearer", "access_token": ""})
        };
        conn.respond(200, "application/json", &body.to_string());
    });
    let run = dry_run(&server.url(), &["prod", "test", "staging"]);
    assert_contained(
        &run,
        &[("production", &["unexpected"]), ("test", &["unexpected"])],
    );
    let failure = findings(&run.report, "dry-run-failed")
        .into_iter()
        .find(|f| f["environment"] == "production")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(failure.contains("without an access_token"), "{failure}");
}

#[test]
fn a_tls_handshake_with_a_plain_http_port_is_unreachable() {
    // The allow-list accepts any https host the user names, loopback included: the client
    // starts a TLS handshake and a plain HTTP server answers it with a 400 in clear text.
    let server = raw(|mut conn| {
        let mut first = [0u8; 5];
        use std::io::Read;
        let _ = conn.stream.read(&mut first);
        conn.respond(
            400,
            "text/plain",
            "Client sent an HTTP request to an HTTPS server.",
        );
    });
    let https = format!("https://127.0.0.1:{}", server.port);
    let run = dry_run(&https, &["prod", "test"]);
    assert_contained(
        &run,
        &[("production", &["unreachable"]), ("test", &["unreachable"])],
    );
    assert!(server.connections() >= 2, "the handshake was attempted");
    // Nothing but handshakes reached the port: no form, no secret.
    let bytes = server.received();
    let seen = String::from_utf8_lossy(&bytes);
    assert!(!seen.contains("client_secret"));
    assert_no_leak(&seen, &secret_for("prod"), "bytes on the wire");
}

#[test]
fn a_graph_look_up_that_never_answers_ends_at_the_deadline() {
    // The token is granted; Graph hangs. The environment is still `ok` (the token is the
    // proof), the look-up ends with the deadline and says so.
    let authority = raw(|mut conn| {
        if conn.read_request().is_some() {
            conn.grant(&jwt(
                serde_json::json!({"aud": "https://graph.microsoft.com", "appid": SICK, "tid": TENANT}),
            ));
        }
    });
    let graph = raw(|mut conn| conn.hold_until_closed());
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = credgate_isolated()
        .arg("dry-run")
        .arg(dir.path())
        .args(["--format", "json", "--timeout", "2", "--env", "prod"])
        .args([
            "--authority-host",
            &authority.url(),
            "--graph-host",
            &graph.url(),
        ])
        .envs(convention_vars("prod", TENANT, SICK, &secret_for("prod")))
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(took < BOUND, "took {took:?}");
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report}");
    assert!(graph.connections() >= 1);
    let note = findings(&report, "dry-run-failed")
        .into_iter()
        .find(|f| f["source"] == "graph")
        .cloned()
        .unwrap_or_else(|| panic!("no Graph note: {report}"));
    assert_eq!(note["severity"], "note");
    assert!(
        note["message"].as_str().unwrap().contains("deadline"),
        "{note}"
    );
}
