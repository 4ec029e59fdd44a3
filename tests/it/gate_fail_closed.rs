//! A gate never passes what it did not check, and one mistake is one finding (issue 18): whole
//! commands against small repositories and a stand-in Entra on 127.0.0.1 that counts what it
//! is sent.

use crate::common::{assert_no_leak, credgate_isolated, entra_secret, write};
use crate::dryrun_support::*;
use std::path::Path;

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const PROD_CLIENT: &str = "1ee56472-6166-4e31-b902-c9f9c65b805e";
const STAGING_CLIENT: &str = "bf178375-4a86-4a0c-9256-9cf907bce18a";

fn run(dir: &Path, cmd: &str, args: &[&str], vars: &[(String, String)]) -> std::process::Output {
    let mut c = credgate_isolated();
    c.arg(cmd).arg(dir).args(args);
    for (k, v) in vars {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// production and staging, each with a settings file; staging's secret committed.
fn two_environments(root: &Path) -> String {
    let secret = entra_secret(18);
    write(
        root,
        "src/appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{PROD_CLIENT}\"\n  }}\n}}\n"),
    );
    write(
        root,
        "src/appsettings.Staging.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{STAGING_CLIENT}\",\n    \"ClientSecret\": \"{secret}\"\n  }}\n}}\n"),
    );
    secret
}

/// Refuses every secret, as Entra does for a wrong one.
fn refusing() -> StandIn {
    serve(|_, _| {
        entra_error(
            401,
            "invalid_client",
            7_000_215,
            "Invalid client secret provided.",
        )
    })
}

#[test]
fn an_env_that_matches_nothing_is_a_usage_error_that_lists_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    two_environments(dir.path());
    let authority = refusing();
    for cmd in ["scan", "check", "dry-run"] {
        for name in ["prodution", "${{ matrix.environment }}"] {
            let out = run(
                dir.path(),
                cmd,
                &["--env", name, "--authority-host", &authority.url()],
                &[],
            );
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{cmd} --env {name}: {err}");
            assert!(out.stdout.is_empty(), "{cmd}: a report was printed");
            assert!(err.contains("matches no environment"), "{err}");
            assert!(
                err.contains("production (files)") && err.contains("staging (files)"),
                "{err}"
            );
            assert!(err.contains("credgate.toml"), "{err}");
            if name == "prodution" {
                assert!(err.contains("Did you mean `production`"), "{err}");
                assert!(err.contains("[environments.prodution]"), "{err}");
            }
        }
    }
    assert_eq!(authority.hits(), 0, "a request was sent for no environment");
    // The environment's own convention variables make a name known without any file.
    let vars = convention_vars("uat", TENANT, PROD_CLIENT, &entra_secret(5));
    let out = run(
        dir.path(),
        "dry-run",
        &["--env", "uat", "--authority-host", &authority.url()],
        &vars,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(authority.hits(), 1);
}

#[test]
fn an_empty_repository_has_no_environment_to_select() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing here\n");
    let out = run(dir.path(), "scan", &["--env", "production"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("No environment was found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn env_filters_the_inventory_never_the_committed_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let secret = two_environments(dir.path());
    let out = run(
        dir.path(),
        "scan",
        &["--env", "production", "--format", "json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    let leaks = findings(&report, "azure-client-secret");
    assert_eq!(leaks.len(), 1, "{report:#}");
    assert_eq!(leaks[0]["environment"], "staging");
    // The inventory is production's only.
    assert_eq!(crate::common::environment_names(&report), ["production"]);
    assert_no_leak(&String::from_utf8_lossy(&out.stdout), &secret, "stdout");
}

#[test]
fn a_broken_settings_file_fails_its_environment_and_keeps_it_in_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    two_environments(dir.path());
    // The closing quote of the secret is missing; the tenant before it is still read.
    write(
        dir.path(),
        "src/appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientSecret\": \"SET_VIA_USER_SECRETS,\n    \"ClientId\": \"{PROD_CLIENT}\"\n  }}\n}}\n"),
    );
    for args in [
        &["--format", "json"][..],
        &["--format", "json", "--env", "prod"],
    ] {
        let out = run(dir.path(), "scan", args, &[]);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let report = json(&out.stdout);
        let broken = findings(&report, "parse-error");
        assert_eq!(broken.len(), 1, "{report:#}");
        let f = broken[0];
        assert_eq!(f["severity"], "error");
        assert_eq!(f["environment"], "production");
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(4), Some(21))
        );
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("unterminated string"), "{message}");
        assert!(!message.contains("SET_VIA"), "{message}");
        let row = report["environments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "production")
            .expect("production stays in the matrix");
        assert_eq!(row["unreadable"][0], "src/appsettings.Production.json");
        assert_eq!(
            row["tenant_id"], TENANT,
            "values before the mistake are kept"
        );
    }
    // Nothing readable at all: still production's error, still its row, --env still matches.
    write(
        dir.path(),
        "src/appsettings.Production.json",
        "{\n  \"AzureAd\": { 'ClientId': 1 }\n}\n",
    );
    let out = run(
        dir.path(),
        "scan",
        &["--format", "json", "--env", "production"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(report["environments"][0]["name"], "production");
    assert_eq!(findings(&report, "parse-error")[0]["severity"], "error");
    // The text matrix says so too.
    let out = run(dir.path(), "scan", &["--no-color"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("src/appsettings.Production.json (unreadable)"),
        "{text}"
    );
}

#[test]
fn values_local_rules_reject_are_never_sent_not_even_in_the_cross_match() {
    let authority = refusing();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing here\n");
    let guid_secret = "5138dde8-9caa-4786-bb56-0fb9e633ad29".to_string();
    let spaced = format!("{} ", entra_secret(21));
    let good = entra_secret(22);
    let staging_secret = entra_secret(23);
    let mut vars = Vec::new();
    vars.extend(convention_vars(
        "dev",
        TENANT,
        "7a09fea6-5e87-4345-9b83-3522dfe9799d",
        &guid_secret,
    ));
    vars.extend(convention_vars(
        "test",
        TENANT,
        "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        "changeme",
    ));
    vars.extend(convention_vars(
        "uat",
        TENANT,
        "4f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        &spaced,
    ));
    vars.extend(convention_vars(
        "staging",
        TENANT,
        "Enter_the_Application_Id_here",
        &staging_secret,
    ));
    vars.extend(convention_vars("production", TENANT, PROD_CLIENT, &good));
    let mut args = vec!["--format", "json", "--authority-host"];
    let url = authority.url();
    args.push(&url);
    for env in ["dev", "test", "uat", "staging", "production"] {
        args.extend(["--env", env]);
    }
    let out = run(dir.path(), "dry-run", &args, &vars);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    for (env, rule) in [
        ("development", "secret-id-as-value"),
        ("test", "placeholder-credential"),
        ("uat", "secret-whitespace"),
        ("staging", "placeholder-credential"),
    ] {
        let row = row_of(&report, env);
        assert_eq!(row["status"], "not_sent", "{env}: {row}");
        assert_eq!(row["blocked_by"], rule, "{env}: {row}");
        let local: Vec<_> = findings(&report, rule)
            .into_iter()
            .filter(|f| f["environment"] == env)
            .collect();
        assert_eq!(local.len(), 1, "{env}: {report:#}");
        assert!(local[0]["message"].as_str().unwrap().contains("not_sent"));
    }
    assert_eq!(status_of(&report, "production"), "invalid_secret");
    assert_eq!(
        row_of(&report, "production")["blocked_by"],
        serde_json::Value::Null
    );
    // Only production's request went out, and its cross-match tried only the client ids that
    // may be sent (not staging's placeholder); no rejected secret ever travelled.
    let seen = authority.seen();
    for s in &seen {
        let secret = s.form.get("client_secret").cloned().unwrap_or_default();
        let client = s.form.get("client_id").cloned().unwrap_or_default();
        assert_eq!(secret, good, "a rejected secret was sent");
        assert_ne!(client, "Enter_the_Application_Id_here");
    }
    assert_eq!(seen.len(), 4, "production + 3 cross-matches: {seen:?}");
    // One finding per mistake: no dry-run-failed besides production's.
    let failed = findings(&report, "dry-run-failed");
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["environment"], "production");
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in [&guid_secret, &spaced, &good, &staging_secret] {
        assert_no_leak(&text, secret.trim(), "stdout");
        assert_no_leak(&stderr(&out), secret.trim(), "stderr");
    }
}

#[test]
fn a_refusal_caused_by_a_flagged_value_is_part_of_that_finding() {
    let authority = refusing();
    let dir = tempfile::tempdir().unwrap();
    // production's settings carry staging's client id (copied from staging's file).
    write(
        dir.path(),
        "src/appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{STAGING_CLIENT}\"\n  }}\n}}\n"),
    );
    write(
        dir.path(),
        ".env.staging",
        &format!("AZURE_TENANT_ID={TENANT}\nAZURE_CLIENT_ID={STAGING_CLIENT}\n"),
    );
    let secret = entra_secret(31);
    let vars = vec![("PROD_AZURE_CLIENT_SECRET".to_string(), secret.clone())];
    let out = run(
        dir.path(),
        "check",
        &[
            "--env",
            "production",
            "--format",
            "json",
            "--no-remote",
            "--authority-host",
            &authority.url(),
        ],
        &vars,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "invalid_secret");
    assert!(findings(&report, "dry-run-failed").is_empty(), "{report:#}");
    let crossed = findings(&report, "cross-env-client-id");
    assert_eq!(crossed.len(), 1, "{report:#}");
    let message = crossed[0]["message"].as_str().unwrap();
    assert!(message.contains("staging"), "{message}");
    assert!(message.contains("The dry-run confirms it"), "{message}");
    assert!(message.contains("AADSTS7000215"), "{message}");
    assert!(message.contains(TRACE), "support ids are kept: {message}");
    assert_eq!(authority.hits(), 1);
    assert_no_leak(&String::from_utf8_lossy(&out.stdout), &secret, "stdout");
}

#[test]
fn azure_logins_credentials_json_is_read() {
    let client = PROD_CLIENT;
    let authority = serve(move |_, _| {
        token_reply(&jwt(serde_json::json!({
            "aud": "https://graph.microsoft.com", "appid": client, "tid": TENANT,
        })))
    });
    let dir = tempfile::tempdir().unwrap();
    let secret = entra_secret(41);
    let creds = serde_json::json!({
        "clientId": PROD_CLIENT,
        "clientSecret": secret,
        "tenantId": TENANT,
        "subscriptionId": "573e986c-4c08-4b49-bfb8-568ecbd23220",
    })
    .to_string();
    let vars = vec![("AZURE_CREDENTIALS".to_string(), creds)];
    let out = run(
        dir.path(),
        "dry-run",
        &[
            "--env",
            "prod",
            "--format",
            "json",
            "--authority-host",
            &authority.url(),
        ],
        &vars,
    );
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report:#}");
    let seen = authority.seen();
    let sent = seen
        .iter()
        .find(|s| s.path.contains("/oauth2/v2.0/token"))
        .unwrap();
    assert_eq!(
        sent.form.get("client_id").map(String::as_str),
        Some(PROD_CLIENT)
    );
    assert_eq!(sent.form.get("client_secret"), Some(&secret));
    assert!(sent.path.contains(TENANT));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("env:AZURE_CREDENTIALS (clientId)"), "{text}");
    assert_no_leak(&text, &secret, "stdout");
}

#[test]
fn a_placeholder_in_the_environments_own_file_is_not_sent() {
    let authority = refusing();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{PROD_CLIENT}\",\n    \"ClientSecret\": \"<your-client-secret>\"\n  }}\n}}\n"),
    );
    let out = run(
        dir.path(),
        "check",
        &[
            "--env",
            "production",
            "--format",
            "json",
            "--no-remote",
            "--authority-host",
            &authority.url(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    let row = row_of(&report, "production");
    assert_eq!(row["status"], "not_sent", "{row}");
    assert_eq!(row["blocked_by"], "placeholder-credential");
    // The scan's finding, said once, with the dry-run's word added.
    let placeholder = findings(&report, "placeholder-credential");
    assert_eq!(placeholder.len(), 1, "{report:#}");
    assert_eq!(placeholder[0]["line"], 5);
    assert!(placeholder[0]["message"]
        .as_str()
        .unwrap()
        .contains("not_sent"));
    assert!(findings(&report, "dry-run-failed").is_empty(), "{report:#}");
    assert_eq!(authority.hits(), 0, "a placeholder was sent");
}
