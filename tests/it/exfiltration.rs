//! The exfiltration guard: a secret goes only to an allow-listed Entra cloud or to the host the
//! *user* names (`--authority-host` / `AZURE_AUTHORITY_HOST` in the process environment). A
//! repository file that names another host gets no byte sent to it, and an authority that
//! answers with a redirect does not get the secret forwarded. The hosts that must stay silent
//! are raw TCP recorders on 127.0.0.1 that count accepted connections, not just HTTP requests.

use crate::common::{assert_no_leak, credgate_isolated, entra_secret, write};
use crate::dryrun_support::*;
use std::path::Path;
use std::time::{Duration, Instant};

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const CLIENT: &str = "2d4f6a8c-1b3d-4e5f-8a9b-0c1d2e3f4a5b";

/// `credgate <command> <dir> --format json --timeout 2 <args>` with production's credentials in
/// the process environment, ready to be sent. Returns the report, exit code and all text.
fn armed(dir: &Path, command: &str, args: &[&str]) -> (serde_json::Value, Option<i32>, String) {
    let secret = entra_secret(700);
    let started = Instant::now();
    let out = credgate_isolated()
        .arg(command)
        .arg(dir)
        .args(["--format", "json", "--timeout", "2", "--no-remote"])
        .args(args)
        .envs(convention_vars("prod", TENANT, CLIENT, &secret))
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(15));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_leak(&text, &secret, command);
    let report = if out.stdout.is_empty() {
        serde_json::Value::Null
    } else {
        json(&out.stdout)
    };
    (report, out.status.code(), text)
}

/// The production row was refused before sending: `unexpected`, an error naming the allow-list
/// (or the value that is no host at all) and the file the authority came from.
fn assert_refused(report: &serde_json::Value, file: &str) {
    assert_eq!(status_of(report, "production"), "unexpected", "{report}");
    let failure = findings(report, "dry-run-failed")
        .into_iter()
        .find(|f| f["environment"] == "production")
        .cloned()
        .unwrap();
    assert_eq!(failure["severity"], "error");
    let message = failure["message"].as_str().unwrap();
    assert!(
        message.contains("allow-list") || message.contains("is not a URL or host name"),
        "{message}"
    );
    assert!(message.contains(file), "{file} not named: {message}");
}

#[test]
fn authorities_in_repository_files_never_receive_a_connection() {
    let recorder = recorder();
    let port = recorder.port;
    let appsettings = |instance: &str| {
        format!(
            "{{\n  \"AzureAd\": {{\n    \"Instance\": \"{instance}\",\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{CLIENT}\"\n  }}\n}}\n"
        )
    };
    let cases: Vec<(&str, String)> = vec![
        (
            "appsettings.Production.json",
            appsettings(&format!("http://127.0.0.1:{port}/")),
        ),
        (
            "appsettings.Production.json",
            appsettings(&format!("https://127.0.0.1:{port}/")),
        ),
        (
            "appsettings.Production.json",
            appsettings(&format!("https://login.microsoftonline.com@127.0.0.1:{port}/")),
        ),
        (
            "appsettings.Production.json",
            format!("{{\"AzureAd\": {{\"Authority\": \"http://localhost:{port}/{TENANT}/v2.0\"}}}}\n"),
        ),
        (
            ".env.production",
            format!("AZURE_AUTHORITY_HOST=http://127.0.0.1:{port}\n"),
        ),
        // Not scoped to an environment: the base of every environment.
        (".env", format!("AZURE_AUTHORITY_HOST=127.0.0.1:{port}\n")),
        (
            "config/prod/azure.toml",
            format!("[azure]\nauthority_host = \"http://127.0.0.1:{port}\"\n"),
        ),
        (
            "src/main/resources/application-prod.yml",
            format!("spring:\n  cloud:\n    azure:\n      profile:\n        environment:\n          active-directory-endpoint: http://127.0.0.1:{port}/\n      credential:\n        client-id: {CLIENT}\n"),
        ),
    ];
    for (file, content) in &cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), file, content);
        let (report, code, text) = armed(dir.path(), "dry-run", &["--env", "prod"]);
        assert_eq!(
            recorder.connections(),
            0,
            "{file} made credgate connect to the host it names"
        );
        assert_refused(&report, file);
        assert_eq!(code, Some(1), "{text}");
    }
    // `check` (scan, remote sources off, dry-run) holds the same line.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.Production.json",
        &appsettings(&recorder.url()),
    );
    let (report, _, _) = armed(dir.path(), "check", &[]);
    assert_refused(&report, "appsettings.Production.json");
    assert_eq!(recorder.connections(), 0);
}

#[test]
fn a_pipeline_that_names_an_authority_does_not_redirect_the_secret() {
    let recorder = recorder();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".github/workflows/deploy.yml",
        &format!(
            "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    env:\n      AZURE_AUTHORITY_HOST: {}\n      AZURE_CLIENT_ID: {CLIENT}\n    steps:\n      - run: ./deploy.sh\n",
            recorder.url()
        ),
    );
    let (report, _, _) = armed(dir.path(), "dry-run", &[]);
    assert_eq!(recorder.connections(), 0);
    assert_refused(&report, ".github/workflows/deploy.yml");
}

#[test]
fn credgate_toml_cannot_name_an_authority() {
    // credgate.toml has no authority setting: an attempt is a configuration error (exit 2)
    // before any request, naming the key.
    let recorder = recorder();
    for table in ["", "[environments.production]\n", "[scan]\n"] {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "credgate.toml",
            &format!("{table}authority_host = \"{}\"\n", recorder.url()),
        );
        let (_, code, text) = armed(dir.path(), "check", &[]);
        assert_eq!(code, Some(2), "{text}");
        assert!(text.contains("authority_host"), "{text}");
    }
    assert_eq!(recorder.connections(), 0);
}

#[test]
fn the_users_own_override_wins_over_the_repository() {
    // The repository names the recorder; the user names the real stand-in: only the
    // stand-in hears from credgate, and the run is ok.
    let recorder = recorder();
    let authority = serve(|_, _| {
        token_reply(&jwt(
            serde_json::json!({"aud": "https://graph.microsoft.com", "appid": CLIENT, "tid": TENANT}),
        ))
    });
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".env.production",
        &format!("AZURE_AUTHORITY_HOST={}\n", recorder.url()),
    );
    let (report, code, _) = armed(
        dir.path(),
        "dry-run",
        &["--authority-host", &authority.url()],
    );
    assert_eq!(status_of(&report, "production"), "ok", "{report}");
    assert_eq!(code, Some(0));
    assert_eq!(authority.hits(), 1);
    assert_eq!(recorder.connections(), 0);
}

#[test]
fn a_redirect_from_the_authority_is_not_followed() {
    for code in [301u16, 302, 303, 307, 308] {
        let recorder = recorder();
        let target = format!("{}/{TENANT}/oauth2/v2.0/token", recorder.url());
        let authority = raw(move |mut conn| {
            if conn.read_request().is_some() {
                let text = format!(
                    "HTTP/1.1 {code} Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                conn.send(text.as_bytes());
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let (report, exit, text) = armed(
            dir.path(),
            "dry-run",
            &["--env", "prod", "--authority-host", &authority.url()],
        );
        assert_eq!(recorder.connections(), 0, "HTTP {code} was followed");
        let status = status_of(&report, "production");
        assert_ne!(status, "ok");
        assert_eq!(status, "unexpected", "HTTP {code}: {report}");
        assert_eq!(exit, Some(1), "{text}");
        assert_eq!(authority.connections(), 1, "a redirect is not retried");
    }
}

#[test]
fn a_redirect_from_graph_does_not_carry_the_token_away() {
    let recorder = recorder();
    let signature = "graph-redirect-token-signature-0123456789abcdef";
    let token = jwt_signed(
        serde_json::json!({"aud": "https://graph.microsoft.com", "appid": CLIENT, "tid": TENANT}),
        signature,
    );
    let t = token.clone();
    let authority = serve(move |_, _| token_reply(&t));
    let to = recorder.url();
    let graph = raw(move |mut conn| {
        if let Some(request) = conn.read_request() {
            let text = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {to}{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                request.path
            );
            conn.send(text.as_bytes());
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let (report, _, text) = armed(
        dir.path(),
        "dry-run",
        &[
            "--env",
            "prod",
            "--authority-host",
            &authority.url(),
            "--graph-host",
            &graph.url(),
        ],
    );
    assert_eq!(status_of(&report, "production"), "ok", "{report}");
    assert!(graph.connections() >= 1, "Graph was asked");
    assert_eq!(recorder.connections(), 0, "the token followed a redirect");
    assert_no_leak(&text, signature, "graph redirect run");
}
