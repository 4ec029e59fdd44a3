//! `credgate dry-run` and `credgate check` against a stand-in Entra token endpoint (and Graph) on
//! 127.0.0.1, reached through `--authority-host` exactly as a user would.

use crate::common::{assert_no_leak, credgate, entra_secret, write};
use crate::dryrun_support::*;
use std::time::{Duration, Instant};

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";

fn guid(n: u32) -> String {
    format!("{n:08x}-5b7d-4e8f-9a0b-1c2d3e4f5ac3")
}

/// `credgate <cmd>` in an empty repository with a clean environment and the given variables.
fn run(
    dir: &std::path::Path,
    cmd: &str,
    args: &[&str],
    vars: &[(String, String)],
) -> std::process::Output {
    let mut c = credgate();
    for v in [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "AZURE_FEDERATED_TOKEN_FILE",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    ] {
        c.env_remove(v);
    }
    c.arg(cmd).arg(dir).args(args);
    for (k, v) in vars {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// The three convention variables of one environment.
fn creds(env: &str, client: &str, secret: &str) -> Vec<(String, String)> {
    let up = env.to_ascii_uppercase();
    vec![
        (format!("{up}_AZURE_TENANT_ID"), TENANT.to_string()),
        (format!("{up}_AZURE_CLIENT_ID"), client.to_string()),
        (format!("AZURE_CLIENT_SECRET_{up}"), secret.to_string()),
    ]
}

fn ok_token(client: &str) -> String {
    jwt(
        serde_json::json!({"aud": "https://graph.microsoft.com", "appid": client, "tid": TENANT, "roles": ["Application.Read.All"]}),
    )
}

#[test]
fn every_status_comes_from_error_codes() {
    let cases: Vec<(u32, u16, &str, &str)> = vec![
        (7000215, 401, "invalid_client", "invalid_secret"),
        (7000222, 401, "invalid_client", "expired_secret"),
        (7000218, 401, "invalid_client", "invalid_client"),
        (700016, 400, "unauthorized_client", "app_not_found"),
        (90002, 400, "invalid_request", "tenant_not_found"),
        (900023, 400, "invalid_request", "tenant_not_found"),
        (1002012, 400, "invalid_scope", "invalid_scope"),
        (7000229, 400, "invalid_client", "missing_service_principal"),
        (7000112, 400, "unauthorized_client", "app_disabled"),
        (53003, 400, "access_denied", "blocked_by_policy"),
        (70021, 400, "invalid_request", "federation_mismatch"),
        (700213, 400, "invalid_request", "federation_mismatch"),
        (700024, 400, "invalid_client", "clock_skew"),
        (700027, 400, "invalid_client", "invalid_certificate"),
        (70002, 400, "invalid_client", "invalid_client"),
    ];
    let table = cases.clone();
    let server = serve(move |seen, _| {
        let client = seen.form.get("client_id").cloned().unwrap_or_default();
        let index = usize::from_str_radix(&client[..8], 16).unwrap_or(0);
        match table.get(index) {
            Some((code, http, error, _)) => {
                entra_error(*http, error, *code, "Description that may echo input.")
            }
            None => token_reply(&ok_token(&client)),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut vars = Vec::new();
    let mut args = vec!["--format", "json", "--authority-host"];
    let url = server.url();
    args.push(&url);
    let names: Vec<String> = (0..=cases.len()).map(|i| format!("env{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        vars.extend(creds(name, &guid(i as u32), &entra_secret(100 + i as u64)));
        args.push("--env");
        args.push(name);
    }
    let out = run(dir.path(), "dry-run", &args, &vars);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out.stdout);
    for (i, (code, _, _, status)) in cases.iter().enumerate() {
        assert_eq!(status_of(&report, &names[i]), *status, "AADSTS{code}");
        let row = report["dry_run"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["environment"] == names[i].as_str())
            .unwrap();
        assert_eq!(row["aadsts"], *code);
        assert_eq!(row["trace_id"], TRACE);
        assert_eq!(row["correlation_id"], CORRELATION);
    }
    assert_eq!(status_of(&report, &names[cases.len()]), "ok");
    let failed: Vec<_> = findings(&report, "dry-run-failed")
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(failed.len(), cases.len());
    let secret_failure = failed.iter().find(|f| f["environment"] == "env0").unwrap();
    let message = secret_failure["message"].as_str().unwrap();
    for needle in [
        "invalid_secret",
        "AADSTS7000215",
        "env:ENV0_AZURE_TENANT_ID",
        "env:ENV0_AZURE_CLIENT_ID",
        "env:AZURE_CLIENT_SECRET_ENV0",
        TRACE,
        CORRELATION,
    ] {
        assert!(message.contains(needle), "{needle} missing in {message}");
    }
    assert!(!message.contains("may echo input"), "{message}");
    assert_eq!(secret_failure["source"], "env:AZURE_CLIENT_SECRET_ENV0");
    let tenant_failure = failed.iter().find(|f| f["environment"] == "env4").unwrap();
    assert_eq!(tenant_failure["source"], "env:ENV4_AZURE_TENANT_ID");
    let app_failure = failed.iter().find(|f| f["environment"] == "env3").unwrap();
    assert_eq!(app_failure["source"], "env:ENV3_AZURE_CLIENT_ID");
    assert!(
        report.to_string().contains("az ad app credential"),
        "fix steps from explain"
    );
    // The form is the client-credentials grant with the default scope.
    let first = &server.seen()[0];
    assert_eq!(first.form["grant_type"], "client_credentials");
    assert_eq!(first.form["scope"], "https://graph.microsoft.com/.default");
    assert!(first.path.ends_with("/oauth2/v2.0/token"), "{}", first.path);
    assert!(first.path.starts_with(&format!("/{TENANT}/")));
}

#[test]
fn server_errors_are_retried_three_times() {
    let server = serve(|_, n| {
        if n < 3 {
            Reply::json(500, serde_json::json!({"error": "temporarily_unavailable"}))
        } else {
            token_reply(&ok_token(&guid(1)))
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "staging",
            "--authority-host",
            &server.url(),
        ],
        &creds("staging", &guid(1), &entra_secret(1)),
    );
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "staging"), "ok", "{report}");
    assert_eq!(server.hits(), 3);
    assert_eq!(out.status.code(), Some(0));

    let always =
        serve(|_, _| Reply::json(503, serde_json::json!({})).header("content-type", "text/html"));
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "staging",
            "--authority-host",
            &always.url(),
        ],
        &creds("staging", &guid(1), &entra_secret(1)),
    );
    assert_eq!(status_of(&json(&out.stdout), "staging"), "server_error");
    assert_eq!(always.hits(), 3, "three attempts, no more");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn throttling_honours_retry_after() {
    let server = serve(|_, n| {
        if n == 1 {
            Reply::json(429, serde_json::json!({"error": "too_many_requests"}))
                .header("retry-after", "1")
        } else {
            token_reply(&ok_token(&guid(1)))
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "prod",
            "--authority-host",
            &server.url(),
        ],
        &creds("prod", &guid(1), &entra_secret(1)),
    );
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(status_of(&json(&out.stdout), "production"), "ok");
    assert_eq!(server.hits(), 2);

    let always = serve(|_, _| Reply::json(429, serde_json::json!({})).header("retry-after", "0"));
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "prod",
            "--authority-host",
            &always.url(),
        ],
        &creds("prod", &guid(1), &entra_secret(1)),
    );
    assert_eq!(status_of(&json(&out.stdout), "production"), "throttled");
    assert_eq!(always.hits(), 3);
}

#[test]
fn deadline_ends_in_timeout_and_faults_are_never_a_pass() {
    let slow = serve(|_, _| token_reply(&ok_token(&guid(1))).after(Duration::from_secs(6)));
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "prod",
            "--timeout",
            "1",
            "--authority-host",
            &slow.url(),
        ],
        &creds("prod", &guid(1), &entra_secret(1)),
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status_of(&json(&out.stdout), "production"), "timeout");
    assert_eq!(out.status.code(), Some(1));

    let closed = format!("http://127.0.0.1:{}", closed_port());
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "prod",
            "--authority-host",
            &closed,
        ],
        &creds("prod", &guid(1), &entra_secret(1)),
    );
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "unreachable");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&report, "dry-run-failed")[0]["severity"], "error");

    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "prod",
            "--allow-unreachable",
            "--authority-host",
            &closed,
        ],
        &creds("prod", &guid(1), &entra_secret(1)),
    );
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "unreachable");
    assert_eq!(
        findings(&report, "dry-run-failed")[0]["severity"],
        "warning"
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--env",
            "prod",
            "--allow-unreachable",
            "--fail-on",
            "warning",
            "--authority-host",
            &closed,
        ],
        &creds("prod", &guid(1), &entra_secret(1)),
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn environments_run_concurrently() {
    let server = serve(|seen, _| {
        token_reply(&ok_token(
            seen.form.get("client_id").map_or("", String::as_str),
        ))
        .after(Duration::from_secs(1))
    });
    let dir = tempfile::tempdir().unwrap();
    let url = server.url();
    let mut args = vec!["--format", "json", "--authority-host", url.as_str()];
    let mut vars = Vec::new();
    let names = ["dev", "test", "staging", "prod", "uat"];
    for (i, n) in names.iter().enumerate() {
        args.push("--env");
        args.push(n);
        vars.extend(creds(n, &guid(i as u32 + 1), &entra_secret(i as u64 + 1)));
    }
    let started = Instant::now();
    let out = run(dir.path(), "dry-run", &args, &vars);
    let took = started.elapsed();
    let report = json(&out.stdout);
    assert_eq!(report["dry_run"].as_array().unwrap().len(), 5);
    for row in report["dry_run"].as_array().unwrap() {
        assert_eq!(row["status"], "ok", "{row}");
        assert!(row["duration_ms"].as_u64().unwrap() >= 1000);
    }
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cross_match_names_the_app_the_secret_belongs_to() {
    let staging_secret = entra_secret(7);
    let prod_client = guid(0xaa);
    let staging_client = guid(0xbb);
    let (s, sc) = (staging_secret.clone(), staging_client.clone());
    let server = serve(move |seen, _| {
        let ok =
            seen.form.get("client_id") == Some(&sc) && seen.form.get("client_secret") == Some(&s);
        if ok {
            token_reply(&ok_token(&sc))
        } else {
            entra_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided.",
            )
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut vars = creds("prod", &prod_client, &staging_secret);
    vars.extend(creds("staging", &staging_client, &staging_secret));
    let args = [
        "--format",
        "json",
        "--env",
        "prod",
        "--env",
        "staging",
        "--authority-host",
        &server.url(),
    ];
    let out = run(dir.path(), "dry-run", &args, &vars);
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "invalid_secret");
    assert_eq!(status_of(&report, "staging"), "ok");
    let failure = &findings(&report, "dry-run-failed")[0];
    let message = failure["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("the secret configured for production belongs to the staging app (client id {staging_client})")),
        "{message}"
    );
    assert_eq!(server.hits(), 3, "two environments and one cross-match");

    let out = run(
        dir.path(),
        "dry-run",
        &[&args[..], &["--no-cross-match"]].concat(),
        &vars,
    );
    let report = json(&out.stdout);
    assert!(!findings(&report, "dry-run-failed")[0]["message"]
        .as_str()
        .unwrap()
        .contains("belongs to"));
}

#[test]
fn missing_credentials_fails_a_selected_environment_and_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    // staging is declared, and the step has no credentials for it.
    write(dir.path(), "credgate.toml", "[environments.staging]\n");
    let gate = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let out = run(dir.path(), "dry-run", &args, &[]);
        let report = json(&out.stdout);
        assert_eq!(status_of(&report, "staging"), "missing_credentials");
        let finding = findings(&report, "dry-run-failed")[0].clone();
        (out.status.code(), finding)
    };
    // A deploy job (`--env`): nothing proved staging can get a token, so the gate fails.
    let (code, finding) = gate(&["--env", "staging"]);
    assert_eq!(code, Some(1));
    assert_eq!(finding["severity"], "error");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("STAGING") && message.contains("AZURE_CLIENT_SECRET"),
        "{message}"
    );
    assert!(message.contains("--allow-missing-credentials"), "{message}");
    let fix = finding["fix"].as_str().unwrap();
    assert!(fix.contains("AZURE_CREDENTIALS"), "{fix}");
    // Accepted on purpose, or a run over every environment: a warning.
    for extra in [
        &["--env", "staging", "--allow-missing-credentials"][..],
        &[],
    ] {
        let (code, finding) = gate(extra);
        assert_eq!(code, Some(0), "{extra:?}");
        assert_eq!(finding["severity"], "warning", "{extra:?}");
    }
}

#[test]
fn a_committed_secret_that_works_is_live_secret_committed() {
    let secret = entra_secret(42);
    let client = guid(0x42);
    let c = client.clone();
    let server = serve(move |_, _| token_reply(&ok_token(&c)));
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{client}\",\n    \"ClientSecret\": \"{secret}\"\n  }}\n}}\n"),
    );
    let out = run(
        dir.path(),
        "check",
        &["--format", "json", "--authority-host", &server.url()],
        &[],
    );
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok");
    let live = findings(&report, "live-secret-committed");
    assert_eq!(live.len(), 1, "{report}");
    assert_eq!(live[0]["file"], "appsettings.Production.json");
    assert_eq!(live[0]["line"], 5);
    assert_eq!(live[0]["severity"], "error");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&text, &secret, "json report");
    // `dry-run` reports only the dry-run's findings.
    let out = run(
        dir.path(),
        "dry-run",
        &["--format", "json", "--authority-host", &server.url()],
        &[],
    );
    let report = json(&out.stdout);
    assert!(findings(&report, "azure-client-secret").is_empty());
    assert_eq!(findings(&report, "live-secret-committed").len(), 1);
}

#[test]
fn a_repository_authority_outside_the_allow_list_is_never_contacted() {
    let server = serve(|_, _| token_reply(&ok_token(&guid(1))));
    let dir = tempfile::tempdir().unwrap();
    let secret = entra_secret(5);
    write(
        dir.path(),
        "appsettings.Production.json",
        &format!(
            "{{\n  \"AzureAd\": {{\n    \"Instance\": \"{}/\",\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{}\",\n    \"ClientSecret\": \"{secret}\"\n  }}\n}}\n",
            server.url(),
            guid(1)
        ),
    );
    let out = run(
        dir.path(),
        "dry-run",
        &["--format", "json"],
        &creds("prod", &guid(1), &entra_secret(6)),
    );
    let report = json(&out.stdout);
    assert_eq!(
        server.hits(),
        0,
        "no byte may reach a host a repository file names"
    );
    assert_eq!(status_of(&report, "production"), "unexpected");
    let message = findings(&report, "dry-run-failed")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("allow-list"), "{message}");
    assert_eq!(out.status.code(), Some(1));
    // A non-loopback http override is a usage error before anything is sent.
    let out = run(
        dir.path(),
        "dry-run",
        &["--authority-host", "http://example.com"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn redirects_are_not_followed() {
    let server = serve(|seen, _| {
        if seen.path.contains("/oauth2/") {
            Reply::json(302, serde_json::json!({})).header("location", "/elsewhere")
        } else {
            token_reply(&ok_token(&guid(1)))
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "prod",
            "--authority-host",
            &server.url(),
        ],
        &creds("prod", &guid(1), &entra_secret(1)),
    );
    assert_eq!(status_of(&json(&out.stdout), "production"), "unexpected");
    assert_eq!(server.hits(), 1);
    assert!(server.seen().iter().all(|s| !s.path.contains("elsewhere")));
}

#[test]
fn token_claims_roles_clock_skew_and_graph() {
    let client = guid(0x77);
    let secret = entra_secret(77);
    let wrong_app = guid(0x78);
    let hint: String = secret.chars().take(3).collect();
    let expiry = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(3600));
    let token = jwt(serde_json::json!({"appid": wrong_app, "tid": TENANT, "roles": ["Reader"]}));
    let t = token.clone();
    let soon = chrono_like_in_days(5);
    let server = serve(move |seen, _| {
        if seen.path.contains("/v1.0/applications") {
            Reply::json(
                200,
                serde_json::json!({
                    "appId": "x",
                    "passwordCredentials": [{"hint": hint, "endDateTime": soon, "displayName": "ci", "keyId": guid(9)}],
                    "web": {"redirectUris": ["https://app.contoso.com/signin-oidc"]},
                    "spa": {"redirectUris": []},
                    "publicClient": {"redirectUris": []}
                }),
            )
        } else {
            token_reply(&t).dated(&expiry)
        }
    });
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "credgate.toml",
        "[environments.production]\nclient_secret_env = \"PROD_SP_SECRET\"\nrequired_roles = [\"Orders.Write\"]\n",
    );
    write(
        dir.path(),
        "appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{client}\",\n    \"RedirectUri\": \"https://app.contoso.com/auth/callback\"\n  }}\n}}\n"),
    );
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--authority-host",
            &server.url(),
            "--graph-host",
            &server.url(),
        ],
        &[("PROD_SP_SECRET".to_string(), secret.clone())],
    );
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report}");
    assert_eq!(
        findings(&report, "dry-run-token-mismatch").len(),
        1,
        "{report}"
    );
    let role = findings(&report, "dry-run-missing-role");
    assert!(role[0]["message"]
        .as_str()
        .unwrap()
        .contains("Orders.Write"));
    assert_eq!(
        findings(&report, "dry-run-clock-skew")[0]["severity"],
        "warning"
    );
    let expiring = findings(&report, "secret-expiring");
    assert_eq!(expiring.len(), 1, "{report}");
    assert_eq!(expiring[0]["source"], "env:PROD_SP_SECRET");
    assert!(findings(&report, "redirect-uri-mismatch")
        .iter()
        .any(|f| f["message"].as_str().unwrap().contains("/auth/callback")));
    let graph_call = server
        .seen()
        .into_iter()
        .find(|s| s.path.contains("applications"))
        .unwrap();
    assert!(graph_call.path.contains(&client));
    assert_eq!(
        graph_call.authorization.as_deref(),
        Some(format!("Bearer {token}").as_str())
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&text, &secret, "json");
    assert_no_leak(
        &text,
        token.split('.').nth(1).unwrap(),
        "json token payload",
    );

    // Without --graph-host, an overridden authority skips Graph with a note.
    let out = run(
        dir.path(),
        "dry-run",
        &["--format", "json", "--authority-host", &server.url()],
        &[("PROD_SP_SECRET".to_string(), secret.clone())],
    );
    let report = json(&out.stdout);
    assert!(report.to_string().contains("no --graph-host"), "{report}");
}

/// An RFC 3339 instant `days` from now, without a date crate in the tests.
fn chrono_like_in_days(days: u64) -> String {
    let at = std::time::SystemTime::now() + Duration::from_secs(days * 86_400);
    let secs = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (d, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant).
    let z = d as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[test]
fn no_secret_or_token_bytes_in_any_format() {
    let good_secret = entra_secret(300);
    let bad_secret = entra_secret(301);
    let token = ok_token(&guid(2));
    let (g, t) = (good_secret.clone(), token.clone());
    let server = serve(move |seen, _| {
        if seen.form.get("client_secret") == Some(&g) {
            token_reply(&t)
        } else {
            entra_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided.",
            )
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut vars = creds("prod", &guid(1), &bad_secret);
    vars.extend(creds("staging", &guid(2), &good_secret));
    for format in [
        "text",
        "json",
        "sarif",
        "github",
        "azure-devops",
        "junit",
        "markdown",
    ] {
        let out = run(
            dir.path(),
            "check",
            &[
                "--format",
                format,
                "--env",
                "prod",
                "--env",
                "staging",
                "--authority-host",
                &server.url(),
                "-v",
            ],
            &vars,
        );
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in [&good_secret, &bad_secret] {
            assert_no_leak(&all, secret, format);
        }
        for part in token.split('.') {
            assert_no_leak(&all, part, format);
        }
        assert_eq!(out.status.code(), Some(1), "{format}: {all}");
    }
}

#[test]
fn bad_values_are_reported_without_a_request() {
    let server = serve(|_, _| token_reply(&ok_token(&guid(1))));
    let dir = tempfile::tempdir().unwrap();
    let mut vars = creds("prod", &guid(1), " padded-secret-value-0123456789 ");
    vars.extend(creds("staging", "not-a-guid", &entra_secret(3)));
    vars.push(("TEST_AZURE_TENANT_ID".into(), "contoso".into()));
    vars.push(("TEST_AZURE_CLIENT_ID".into(), guid(4)));
    // (An empty variable counts as unset, so a stray-quoted value is the bad secret here.)
    vars.push((
        "TEST_AZURE_CLIENT_SECRET".into(),
        "\"quoted-secret-value-0123456789\"".into(),
    ));
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--format",
            "json",
            "--env",
            "prod",
            "--env",
            "staging",
            "--env",
            "test",
            "--authority-host",
            &server.url(),
        ],
        &vars,
    );
    let report = json(&out.stdout);
    assert_eq!(server.hits(), 0);
    assert_eq!(findings(&report, "secret-whitespace").len(), 2, "{report}");
    assert_eq!(findings(&report, "malformed-id").len(), 2, "{report}");
    assert_eq!(out.status.code(), Some(1));
}
