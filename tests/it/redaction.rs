//! The redaction proof: no planted secret, nor any 12 characters of one, reaches stdout, stderr,
//! an output file, the GitHub step summary or GitHub outputs, for every command (`check`,
//! `scan`, `dry-run`, `baseline`, `explain`, `rules`), every format and `-v`/`-vv`, with the
//! network answering, refusing connections, saying `401 invalid_client`, or failing with `500`.
//!
//! Planted: client secrets (in files, in `credgate.toml`-named variables, in convention and
//! plain azure-identity variables), a storage key, Azure DevOps PATs (file and variable), a
//! GitHub token, GitHub's OIDC request token, PEM private keys (a synthetic one and a real
//! encrypted certificate key with its password), the access token the stand-in authority
//! grants (its signature part is a known unique string) and the certificate assertions credgate
//! signs. The stand-ins echo whatever credential they receive into their error bodies, so a
//! reporter that repeated an error body would be caught.
//!
//! Also: `Debug` of every public type that holds a secret prints a redacted form.

use crate::common::{
    self, credgate_isolated, entra_secret, pem_key, secret_tree, synth, write, LeakCheck,
};
use crate::dryrun_support::{
    self, closed_port, json, jwt_signed, serve, status_of, Reply, Seen, StandIn,
};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FORMATS: &[&str] = &[
    "text",
    "json",
    "sarif",
    "github",
    "azure-devops",
    "junit",
    "markdown",
];
const VERBOSITY: &[Option<&str>] = &[None, Some("-v"), Some("-vv")];

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const PROD_CLIENT: &str = "11111111-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
const STAGING_CLIENT: &str = "22222222-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
const DEV_CLIENT: &str = "33333333-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
const TEST_CLIENT: &str = "44444444-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
/// The signature part of the access token the stand-in grants: unique, so any 12 characters
/// of it in an output can only come from the token.
const TOKEN_SIGNATURE: &str = "Zq7RedactionProofTokenSignature_9f3c1e5a7b2d4f6081a3c5e7";
const CERT_PASSWORD: &str = "fixture-password";

/// Every planted value, by name.
struct Planted {
    secrets: Vec<(String, String)>,
    prod: String,
    staging: String,
    dev: String,
    github_token: String,
    ado_pat: String,
    plain: String,
    oidc: String,
    token: String,
    cert_path: PathBuf,
}

/// An 84-character Azure DevOps PAT in the current format.
fn pat(seed: u64) -> String {
    const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    format!(
        "{}JQQJ99B{}A{}AZDO{}",
        synth(seed, 52, ALNUM),
        synth(seed + 1, 1, ALNUM),
        synth(seed + 2, 16, ALNUM),
        synth(seed + 3, 4, ALNUM)
    )
}

/// The base64 body lines of every PEM private-key block in `text`.
fn key_lines(text: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("-----BEGIN") && line.contains("PRIVATE KEY") {
            inside = true;
        } else if line.starts_with("-----END") {
            inside = false;
        } else if inside && line.len() >= 12 && !line.contains(':') {
            out.push(line.to_string());
        }
    }
    out
}

/// The repository with secrets of every kind, and the secrets for the process environment.
fn plant(root: &Path) -> Planted {
    let tree = secret_tree(root);
    let dev = entra_secret(1001);
    let prod = entra_secret(1002);
    let staging = entra_secret(1003);
    let plain = entra_secret(1004);
    let file_pat = pat(1005);
    let ado_pat = pat(1006);
    let github_token = format!(
        "ghp_{}",
        synth(1007, 36, common::B64).replace(['+', '/'], "x")
    );
    let oidc = format!("oidc-request-{}", synth(1008, 40, common::B64));
    write(
        root,
        "src/Api/appsettings.Development.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{DEV_CLIENT}\",\n    \"ClientSecret\": \"{dev}\"\n  }}\n}}\n"),
    );
    write(
        root,
        "azure-pipelines.yml",
        &format!("trigger: [main]\nsteps:\n  - script: git clone https://build:{file_pat}@dev.azure.com/acme/_git/shop\n"),
    );
    // A reusable workflow and its callers: secrets reach the inventory through a caller's
    // `secrets:` mapping, a called job's step `env:` and an azure/login `creds` literal.
    let called_secret = entra_secret(1009);
    let mapped_secret = entra_secret(1010);
    let creds_secret = entra_secret(1011);
    write(
        root,
        ".github/workflows/deploy.yml",
        &format!("on:\n  workflow_call:\n    inputs:\n      environment: {{type: string}}\njobs:\n  deploy:\n    environment: ${{{{ inputs.environment }}}}\n    steps:\n      - uses: azure/login@v2\n        with:\n          creds: '{{\"clientId\": \"{STAGING_CLIENT}\", \"clientSecret\": \"{creds_secret}\", \"tenantId\": \"{TENANT}\"}}'\n      - run: ./deploy.sh\n        env:\n          AZURE_CLIENT_SECRET: {called_secret}\n"),
    );
    write(
        root,
        ".github/workflows/release.yml",
        &format!("on: push\njobs:\n  staging:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: staging\n    secrets:\n      AZURE_CLIENT_SECRET: {mapped_secret}\n  production:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: production\n    secrets: inherit\n"),
    );
    // The uat deploy job: `--env uat` names an environment the repository knows (its
    // credentials are the job's plain azure-identity variables).
    write(
        root,
        ".github/workflows/deploy-uat.yml",
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: uat\n    steps:\n      - run: ./deploy.sh\n",
    );
    let cert_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/certs/combined_encrypted.pem"),
    )
    .unwrap();
    write(root, "deploy/certs/test.pem", &cert_text);
    write(
        root,
        "credgate.toml",
        &format!(
            "[environments.production]\ntenant_id_env = \"PROD_TENANT\"\nclient_id_env = \"PROD_CLIENT\"\nclient_secret_env = \"PROD_SP_SECRET\"\n\n[environments.test]\ntenant_id = \"{TENANT}\"\nclient_id = \"{TEST_CLIENT}\"\ncertificate_path_env = \"TEST_CERT_PATH\"\ncertificate_password_env = \"TEST_CERT_PASSWORD\"\n"
        ),
    );
    let token = jwt_signed(
        serde_json::json!({"aud": "https://graph.microsoft.com", "appid": PROD_CLIENT, "tid": TENANT, "roles": ["Application.Read.All"]}),
        TOKEN_SIGNATURE,
    );
    let token_payload = token.split('.').nth(1).unwrap().to_string();
    let mut secrets: Vec<(String, String)> = vec![
        ("tree client secret".into(), tree.entra.clone()),
        ("tree storage key".into(), tree.storage.clone()),
        ("development client secret (file)".into(), dev.clone()),
        (
            "production client secret (PROD_SP_SECRET)".into(),
            prod.clone(),
        ),
        (
            "staging client secret (convention variable)".into(),
            staging.clone(),
        ),
        ("plain AZURE_CLIENT_SECRET".into(), plain.clone()),
        ("reusable workflow step secret".into(), called_secret),
        (
            "reusable workflow caller's mapped secret".into(),
            mapped_secret,
        ),
        ("azure/login creds secret".into(), creds_secret),
        ("PAT in azure-pipelines.yml".into(), file_pat),
        ("AZURE_DEVOPS_TOKEN".into(), ado_pat.clone()),
        ("GITHUB_TOKEN".into(), github_token.clone()),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN".into(), oidc.clone()),
        ("certificate password".into(), CERT_PASSWORD.into()),
        ("access token signature".into(), TOKEN_SIGNATURE.into()),
        ("access token payload".into(), token_payload),
        ("access token".into(), token.clone()),
    ];
    for (i, line) in key_lines(&pem_key(33)).into_iter().enumerate() {
        secrets.push((format!("synthetic PEM key line {i}"), line));
    }
    for (i, line) in key_lines(&cert_text).into_iter().enumerate() {
        secrets.push((format!("certificate key line {i}"), line));
    }
    Planted {
        secrets,
        prod,
        staging,
        dev,
        github_token,
        ado_pat,
        plain,
        oidc,
        token,
        cert_path: root.join("deploy/certs/test.pem"),
    }
}

impl Planted {
    /// The process environment of every run: credentials in every place credgate reads.
    fn env(&self, base: &str) -> Vec<(String, String)> {
        vec![
            ("PROD_TENANT".into(), TENANT.into()),
            ("PROD_CLIENT".into(), PROD_CLIENT.into()),
            ("PROD_SP_SECRET".into(), self.prod.clone()),
            ("STAGING_AZURE_TENANT_ID".into(), TENANT.into()),
            ("STAGING_AZURE_CLIENT_ID".into(), STAGING_CLIENT.into()),
            ("STAGING_AZURE_CLIENT_SECRET".into(), self.staging.clone()),
            ("AZURE_TENANT_ID".into(), TENANT.into()),
            ("AZURE_CLIENT_ID".into(), PROD_CLIENT.into()),
            ("AZURE_CLIENT_SECRET".into(), self.plain.clone()),
            (
                "TEST_CERT_PATH".into(),
                self.cert_path.display().to_string(),
            ),
            ("TEST_CERT_PASSWORD".into(), CERT_PASSWORD.into()),
            (
                "ACTIONS_ID_TOKEN_REQUEST_URL".into(),
                format!("{base}/oidc"),
            ),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN".into(), self.oidc.clone()),
            ("GITHUB_REPOSITORY".into(), "acme/shop".into()),
            ("GITHUB_TOKEN".into(), self.github_token.clone()),
            ("GITHUB_API_URL".into(), base.into()),
            ("SYSTEM_COLLECTIONURI".into(), format!("{base}/acme/")),
            ("SYSTEM_TEAMPROJECT".into(), "shop".into()),
            ("AZURE_DEVOPS_TOKEN".into(), self.ado_pat.clone()),
        ]
    }
}

/// How the network behaves for a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Network {
    /// Production, development (committed secret) and test (certificate) get a token;
    /// staging's secret is refused; Graph answers; GitHub and Azure DevOps say 401.
    Mixed,
    /// Every host is a closed port.
    Closed,
    /// Every request is answered `401 invalid_client` (AADSTS7000215).
    InvalidClient,
    /// Every request is answered `500`.
    ServerError,
}

/// An error body that repeats every credential the request carried, as a careless server
/// might: credgate must never print an error body.
fn echo(seen: &Seen) -> String {
    let mut parts: Vec<String> = seen
        .form
        .iter()
        .filter(|(k, _)| k.contains("secret") || k.contains("assertion"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if let Some(auth) = &seen.authorization {
        parts.push(format!("authorization={auth}"));
    }
    parts.join("; ")
}

fn stand_in(network: Network, planted: &Planted) -> Option<StandIn> {
    let granted = [
        planted.prod.clone(),
        planted.dev.clone(),
        planted.plain.clone(),
    ];
    let token = planted.token.clone();
    // Graph shows a secret's first three characters as its hint, as Entra does.
    let hint: String = planted.prod.chars().take(3).collect();
    let refuse = |seen: &Seen| {
        Reply::json(
            401,
            serde_json::json!({
                "error": "invalid_client",
                "error_description": format!("AADSTS7000215: Invalid client secret provided. You sent: {}", echo(seen)),
                "error_codes": [7000215],
                "trace_id": dryrun_support::TRACE,
                "correlation_id": dryrun_support::CORRELATION,
            }),
        )
    };
    match network {
        Network::Closed => None,
        Network::Mixed => Some(serve(move |seen, _| {
            if seen.path.contains("/oauth2/v2.0/token") {
                let secret = seen.form.get("client_secret");
                if secret.is_some_and(|s| granted.contains(s))
                    || seen.form.contains_key("client_assertion")
                {
                    dryrun_support::token_reply(&token)
                } else {
                    refuse(seen)
                }
            } else if seen.path.contains("/v1.0/applications") {
                Reply::json(
                    200,
                    serde_json::json!({
                        "appId": PROD_CLIENT,
                        "passwordCredentials": [{"hint": hint, "endDateTime": "2099-01-01T00:00:00Z", "displayName": "ci", "keyId": TENANT}],
                        "web": {"redirectUris": []}, "spa": {"redirectUris": []}, "publicClient": {"redirectUris": []}
                    }),
                )
            } else {
                Reply::json(
                    401,
                    serde_json::json!({"message": format!("Bad credentials: {}", echo(seen))}),
                )
            }
        })),
        Network::InvalidClient => Some(serve(move |seen, _| refuse(seen))),
        Network::ServerError => Some(serve(|seen, _| {
            Reply::json(
                500,
                serde_json::json!({"error": "server_error", "error_description": format!("upstream failed for {}", echo(seen))}),
            )
            .header("retry-after", "0")
        })),
    }
}

/// One command line of the matrix.
#[derive(Clone, Debug)]
struct Combo {
    command: &'static str,
    format: &'static str,
    verbosity: Option<&'static str>,
    /// `--env`: one selected environment makes the plain `AZURE_*` variables count.
    env: Option<&'static str>,
}

/// Every combination of `commands` × formats × verbosity, with `env` selected. `baseline`,
/// `explain` and `rules` print only text or JSON and use `-v`/`-vv` for nothing but where the
/// output goes (a file or stdout): the other formats run once for them, without `-v`.
fn matrix(commands: &[&'static str], env: Option<&'static str>) -> Vec<Combo> {
    let mut out = Vec::new();
    for command in commands {
        for format in FORMATS {
            for verbosity in VERBOSITY {
                if matches!(*command, "baseline" | "explain" | "rules")
                    && verbosity.is_some()
                    && !matches!(*format, "text" | "json")
                {
                    continue;
                }
                out.push(Combo {
                    command,
                    format,
                    verbosity: *verbosity,
                    env,
                });
            }
        }
    }
    out
}

/// What one run left behind: every place a secret could show, by name.
struct Traces {
    combo: Combo,
    label: String,
    places: Vec<(&'static str, String)>,
    report: Option<serde_json::Value>,
    code: Option<i32>,
}

/// Runs one combination once. With `-v` the report goes to `--output`, otherwise to stdout;
/// the GitHub side files are always offered.
fn run_once(
    root: &Path,
    scratch: &Path,
    combo: &Combo,
    env: &[(String, String)],
    base: &str,
    n: usize,
) -> Traces {
    let label = format!(
        "{} --format {} {}{}",
        combo.command,
        combo.format,
        combo.verbosity.unwrap_or(""),
        combo.env.map(|e| format!(" --env {e}")).unwrap_or_default()
    );
    let summary = scratch.join(format!("summary-{n}.md"));
    let gh_output = scratch.join(format!("output-{n}.txt"));
    let file = scratch.join(format!("report-{n}.out"));
    let mut cmd = credgate_isolated();
    cmd.arg(combo.command);
    match combo.command {
        "explain" => {
            cmd.arg("AADSTS7000215");
        }
        "rules" => {}
        _ => {
            cmd.arg(root).args(["--timeout", "5"]);
        }
    }
    if matches!(combo.command, "check" | "dry-run") {
        cmd.args(["--authority-host", base, "--graph-host", base]);
    }
    cmd.args(["--format", combo.format])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &gh_output)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let to_file = combo.verbosity == Some("-v") || combo.command == "baseline";
    if to_file {
        cmd.arg("--output").arg(&file);
    }
    if let Some(v) = combo.verbosity {
        cmd.arg(v);
    }
    if let Some(e) = combo.env {
        cmd.args(["--env", e]);
    }
    let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let mut places = vec![("stderr", String::from_utf8_lossy(&out.stderr).to_string())];
    let written = std::fs::read_to_string(&file).ok();
    if to_file {
        assert!(
            written.as_ref().is_some_and(|w| !w.is_empty()),
            "{label} wrote no file"
        );
    }
    let report_text = if to_file {
        written.clone()
    } else {
        Some(stdout.clone())
    };
    let report = (combo.format == "json"
        && !matches!(combo.command, "baseline" | "explain" | "rules"))
    .then(|| report_text.as_deref().map(|t| json(t.as_bytes())))
    .flatten();
    places.push(("stdout", stdout));
    if let Some(w) = written {
        places.push(("output file", w));
    }
    if combo.format == "github" && matches!(combo.command, "check" | "scan" | "dry-run") {
        assert!(summary.exists(), "{label}: no step summary was written");
        assert!(
            gh_output.exists(),
            "{label}: no GitHub outputs were written"
        );
    }
    for (what, side) in [
        ("GITHUB_STEP_SUMMARY", &summary),
        ("GITHUB_OUTPUT", &gh_output),
    ] {
        if let Ok(text) = std::fs::read_to_string(side) {
            places.push((what, text));
        }
    }
    assert!(
        !places.iter().any(|(_, t)| t.contains("internal error")),
        "{label}: {places:?}",
        places = places.iter().map(|(w, _)| *w).collect::<Vec<_>>()
    );
    Traces {
        combo: combo.clone(),
        label,
        places,
        report,
        code: out.status.code(),
    }
}

/// Runs `combos` on `threads` threads (most of a run's time is waiting on the network or the
/// process), returning every run's traces.
fn run_all(
    root: &Path,
    combos: &[Combo],
    env: &[(String, String)],
    base: &str,
    threads: usize,
) -> Vec<Traces> {
    let scratch = tempfile::tempdir().unwrap();
    let results = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(combo) = combos.get(i) else { break };
                let traces = run_once(root, scratch.path(), combo, env, base, i);
                results.lock().unwrap().push(traces);
            });
        }
    });
    results.into_inner().unwrap()
}

/// The whole matrix for `commands` under `network`; checks every trace and returns them.
fn prove(
    commands: &[&'static str],
    network: Network,
    single: Option<&'static str>,
) -> (Vec<Traces>, Option<StandIn>, Planted) {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let planted = plant(dir.path());
    let server = stand_in(network, &planted);
    let base = server.as_ref().map_or_else(
        || format!("http://127.0.0.1:{}", closed_port()),
        StandIn::url,
    );
    let env = planted.env(&base);
    let mut combos = matrix(commands, None);
    if let Some(env) = single {
        combos.extend(matrix(&["dry-run"], Some(env)));
    }
    // Refused connections are retried with backoff (the CI sources' too): those runs mostly
    // sleep, so they all run at once; the others are busy and share the cores.
    let sleepy = network == Network::Closed
        && combos
            .iter()
            .any(|c| matches!(c.command, "check" | "dry-run"));
    let threads = if sleepy { combos.len() } else { 4 };
    let traces = run_all(dir.path(), &combos, &env, &base, threads);
    assert_eq!(traces.len(), combos.len());
    // Certificate assertions credgate signed are bearer credentials too.
    let mut secrets = planted.secrets.clone();
    if let Some(s) = &server {
        for seen in s.seen() {
            if let Some(assertion) = seen.form.get("client_assertion") {
                let signature = assertion.rsplit('.').next().unwrap().to_string();
                secrets.push(("client assertion signature".into(), signature));
            }
        }
    }
    let check = LeakCheck::new(&secrets);
    for t in &traces {
        for (what, text) in &t.places {
            check.assert_clean(text, &format!("{network:?} {}: {what}", t.label));
        }
        // scan finds the tree's secrets; baseline, explain and rules succeed; every dry-run
        // has a failing environment, except the one of `uat` alone that gets its token.
        let expected = match t.combo.command {
            "scan" => Some(1),
            "baseline" | "explain" | "rules" => Some(0),
            _ if network == Network::Mixed && t.combo.env.is_some() => Some(0),
            _ => Some(1),
        };
        assert!(
            expected == t.code,
            "{network:?} {}: exit {:?}",
            t.label,
            t.code
        );
    }
    println!(
        "{network:?}: {} runs of {commands:?} in {:?}",
        traces.len(),
        started.elapsed()
    );
    (traces, server, planted)
}

/// The statuses of the JSON runs, which show the runs really reached each environment.
fn statuses(traces: &[Traces]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for t in traces {
        let Some(report) = &t.report else { continue };
        let rows = report["dry_run"].as_array().unwrap();
        let expected = if t.combo.env.is_some() { 1 } else { 4 };
        assert_eq!(rows.len(), expected, "{}: {report}", t.label);
        for row in rows {
            let env = row["environment"].as_str().unwrap().to_string();
            out.push((t.label.clone(), env.clone(), status_of(report, &env)));
        }
    }
    assert!(!out.is_empty(), "no JSON run");
    out
}

#[test]
fn offline_commands_print_no_secret() {
    prove(
        &["scan", "baseline", "explain", "rules"],
        Network::Closed,
        None,
    );
}

#[test]
fn init_writes_and_prints_no_secret() {
    // Everything planted in the tree and the process environment (init reads neither the
    // process's variables nor the network, and must not copy what the tree holds).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let planted = plant(&root);
    let mut secrets = planted.secrets.clone();
    for (name, value) in &planted.secrets {
        let fingerprint = credgate::secret::fingerprint_of(value);
        secrets.push((
            format!("{name} fingerprint"),
            fingerprint.trim_start_matches("sha256:").to_string(),
        ));
    }
    let check = LeakCheck::new(&secrets);
    let file = dir.path().join("credgate.toml");
    for output in [file.as_os_str(), std::ffi::OsStr::new("-")] {
        let out = credgate_isolated()
            .arg("init")
            .arg(&root)
            .arg("-o")
            .arg(output)
            .arg("--force")
            .envs(planted.env("http://127.0.0.1:9"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "init -o {output:?}");
        let label = format!("init -o {output:?}");
        check.assert_output_clean(&out, &label);
    }
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("[environments."), "{written}");
    check.assert_clean(&written, "init's credgate.toml");
}

#[test]
fn network_answering_prints_no_secret_nor_token() {
    // `--env uat` alone: the plain azure-identity variables are the credential.
    let (traces, server, planted) = prove(&["check", "dry-run"], Network::Mixed, Some("uat"));
    for (label, env, status) in statuses(&traces) {
        let expected = if env == "staging" {
            "invalid_secret"
        } else {
            "ok"
        };
        assert_eq!(status, expected, "{label}: {env}");
    }
    // The secrets really travelled: the proof is about values credgate handled.
    let seen = server.unwrap().seen();
    let form = |key: &str| -> Vec<String> {
        seen.iter()
            .filter_map(|s| s.form.get(key).cloned())
            .collect()
    };
    let sent = form("client_secret");
    for secret in [
        &planted.prod,
        &planted.staging,
        &planted.dev,
        &planted.plain,
    ] {
        assert!(sent.contains(secret), "a planted secret was never sent");
    }
    assert!(
        !form("client_assertion").is_empty(),
        "no certificate assertion was sent"
    );
    let auth: Vec<String> = seen
        .iter()
        .filter_map(|s| s.authorization.clone())
        .collect();
    assert!(
        auth.iter()
            .any(|a| a == &format!("Bearer {}", planted.token)),
        "Graph never got the token"
    );
    assert!(
        auth.iter().any(|a| a.contains(&planted.github_token)),
        "GitHub never asked"
    );
    assert!(
        auth.iter().any(|a| a.starts_with("Basic ")),
        "Azure DevOps never asked"
    );
}

#[test]
fn refused_connections_print_no_secret() {
    let (traces, _, _) = prove(&["check", "dry-run"], Network::Closed, None);
    for (label, env, status) in statuses(&traces) {
        assert_eq!(status, "unreachable", "{label}: {env}");
    }
}

#[test]
fn invalid_client_answers_print_no_secret() {
    let (traces, _, _) = prove(&["check", "dry-run"], Network::InvalidClient, None);
    for (label, env, status) in statuses(&traces) {
        assert_eq!(status, "invalid_secret", "{label}: {env}");
    }
}

#[test]
fn server_errors_print_no_secret() {
    let (traces, _, _) = prove(&["check", "dry-run"], Network::ServerError, None);
    for (label, env, status) in statuses(&traces) {
        assert_eq!(status, "server_error", "{label}: {env}");
    }
}

#[test]
fn debug_of_every_secret_holder_is_redacted() {
    use credgate::dryrun::credentials::{Credential, Origin, Resolved, Sourced};
    use credgate::model::{Fact, FactValue, Field, Location};
    use credgate::secret::SecretValue;

    let raw = entra_secret(2001);
    let secret = SecretValue::new(raw.clone());
    let token = jwt_signed(serde_json::json!({"appid": PROD_CLIENT}), TOKEN_SIGNATURE);
    let cert_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/certs/combined_encrypted.pem");
    let cert_text = std::fs::read_to_string(&cert_path).unwrap();
    let password = SecretValue::new(CERT_PASSWORD);
    let mut shown: Vec<(&str, String)> = Vec::new();

    shown.push(("SecretValue", format!("{secret:?}")));
    let fact = Fact {
        environment: Some("production".into()),
        field: Field::ClientSecret,
        value: FactValue::Secret(secret.clone()),
        location: Location::file("appsettings.json", 3, 7),
        source: "appsettings".into(),
    };
    shown.push(("Fact", format!("{fact:?}")));
    // The Key Vault reader and its vault-read secret.
    let caller = credgate::dryrun::keyvault::Caller::Identity {
        tenant: TENANT.into(),
        client_id: PROD_CLIENT.into(),
        credential: Credential::Secret(secret.clone()),
        origin: "AZURE_CLIENT_SECRET".into(),
    };
    shown.push(("keyvault::Caller", format!("{caller:?}")));
    let from_vault = Sourced {
        value: Credential::Secret(secret.clone()),
        origin: Origin::KeyVault {
            source: "key-vault:kv-prod/AzureAd--ClientSecret".into(),
            reference: Location::file("appsettings.Production.json", 2, 5),
        },
    };
    shown.push(("Key Vault credential", format!("{from_vault:?}")));
    let sourced = |c: Credential| Sourced {
        value: c,
        origin: Origin::Env("AZURE_CLIENT_SECRET".into()),
    };
    let resolved = Resolved {
        environment: "production".into(),
        tenant: Some(Sourced {
            value: TENANT.into(),
            origin: Origin::Env("T".into()),
        }),
        client_id: Some(Sourced {
            value: PROD_CLIENT.into(),
            origin: Origin::Env("C".into()),
        }),
        credential: Some(sourced(Credential::Secret(secret.clone()))),
        committed: false,
        authority: None,
        redirect_uris: Vec::new(),
        required_roles: Vec::new(),
        scope: None,
        looked_for: Vec::new(),
        key_vault: None,
    };
    shown.push(("Resolved", format!("{resolved:?}")));
    shown.push((
        "Credential::Certificate",
        format!(
            "{:?}",
            Credential::Certificate {
                path: cert_path.clone(),
                password: Some(password.clone())
            }
        ),
    ));
    shown.push((
        "Credential::GithubOidc",
        format!(
            "{:?}",
            Credential::GithubOidc {
                request_url: "http://127.0.0.1:1/oidc".into(),
                request_token: secret.clone()
            }
        ),
    ));
    let body = serde_json::json!({"token_type": "Bearer", "access_token": token}).to_string();
    let verdict = credgate::dryrun::diagnose::diagnose(200, body.as_bytes());
    assert!(verdict.is_granted());
    shown.push(("Verdict", format!("{verdict:?}")));
    let answer = credgate::dryrun::client::Answer {
        status: 200,
        body: body.clone().into_bytes(),
        date: None,
        attempts: 1,
    };
    shown.push(("client::Answer", format!("{answer:?}")));
    shown.push((
        "client::Outcome",
        format!("{:?}", credgate::dryrun::client::Outcome::Answer(answer)),
    ));
    let ado = credgate::sources::azure_devops::config_from_env(
        &|k: &str| match k {
            "SYSTEM_COLLECTIONURI" => Some("https://dev.azure.com/acme/".into()),
            "SYSTEM_TEAMPROJECT" => Some("shop".into()),
            "AZURE_DEVOPS_TOKEN" => Some(raw.clone()),
            _ => None,
        },
        None,
        None,
    )
    .unwrap();
    shown.push(("AdoConfig", format!("{ado:?}")));
    let github = credgate::sources::github::config_from_env(
        &|k: &str| match k {
            "GITHUB_REPOSITORY" => Some("acme/shop".into()),
            "GITHUB_TOKEN" => Some(raw.clone()),
            _ => None,
        },
        None,
        None,
    )
    .unwrap();
    shown.push(("GithubConfig", format!("{github:?}")));
    let cert = credgate::dryrun::assertion::load_certificate(&cert_path, Some(&password)).unwrap();
    shown.push(("CertificateCredential", format!("{cert:?}")));
    let assertion = credgate::dryrun::assertion::client_assertion(
        &cert,
        PROD_CLIENT,
        "https://login.microsoftonline.com/t/oauth2/v2.0/token",
        1_700_000_000,
        false,
    )
    .unwrap();
    shown.push(("client assertion", format!("{assertion:?}")));
    let verdict = credgate::checks::secrets::Verdict {
        severity: credgate::model::Severity::Error,
        message: "PEM private key".into(),
        value: Some(SecretValue::new(key_lines(&cert_text).concat())),
        certain: false,
    };
    shown.push(("secrets::Verdict", format!("{verdict:?}")));
    let settings = format!("{{\"AzureAd\": {{\"ClientSecret\": \"{raw}\"}}}}");
    let facts = credgate::extract::extract_kind(
        credgate::extract::kind::detect("appsettings.Production.json", settings.as_bytes()),
        "appsettings.Production.json",
        settings.as_bytes(),
    );
    assert!(!facts.facts.is_empty(), "the extractor found the secret");
    shown.push(("FileFacts", format!("{facts:?}")));
    let (entries, _) = credgate::extract::dotenv::parse(&format!("AZURE_CLIENT_SECRET={raw}\n"));
    shown.push(("dotenv entries", format!("{entries:?}")));
    let yaml = credgate::extract::yaml::parse(&format!("client-secret: {raw}\n")).unwrap();
    shown.push(("YAML nodes", format!("{yaml:?}")));
    let scan =
        credgate::checks::secrets::scan_file("appsettings.Production.json", settings.as_bytes());
    assert!(!scan.findings.is_empty(), "the scanner found the secret");
    shown.push(("FileScan", format!("{scan:?}")));

    let mut secrets = vec![
        ("client secret".to_string(), raw.clone()),
        (
            "certificate password".to_string(),
            CERT_PASSWORD.to_string(),
        ),
        (
            "access token signature".to_string(),
            TOKEN_SIGNATURE.to_string(),
        ),
        ("access token".to_string(), token.clone()),
        (
            "assertion signature".to_string(),
            assertion.expose().rsplit('.').next().unwrap().to_string(),
        ),
    ];
    for (i, line) in key_lines(&cert_text).into_iter().enumerate() {
        secrets.push((format!("certificate key line {i}"), line));
    }
    // Bytes printed as a Debug list (`[123, 34, …]`) hide nothing: a body must not appear so.
    let body_as_list = format!("{:?}", &body.as_bytes()[..16]);
    let check = LeakCheck::new(&secrets);
    for (what, text) in &shown {
        check.assert_clean(text, what);
        assert!(
            !text.contains(body_as_list.trim_end_matches(']')),
            "{what} prints body bytes: {text}"
        );
    }
    for what in [
        "SecretValue",
        "Fact",
        "Resolved",
        "keyvault::Caller",
        "Key Vault credential",
        "Credential::GithubOidc",
        "Verdict",
        "client assertion",
        "secrets::Verdict",
    ] {
        let text = &shown.iter().find(|(w, _)| *w == what).unwrap().1;
        assert!(text.contains("[REDACTED"), "{what}: {text}");
    }
}

#[test]
fn the_leak_check_catches_any_12_characters() {
    let check = LeakCheck::new(&[("demo secret", "abc8Q~0123456789abcdefghijklmnopqrstuvwx")]);
    check.assert_clean("abc8Q~01234 and 456789abcde", "clean text");
    // 11 characters of the secret pass; 12 anywhere, or the whole secret, are caught.
    for (text, leaks) in [
        ("ends in 9abcdefghij", false),
        ("prefix 0123456789ab suffix", true),
        ("…mnopqrstuvwx", true),
        ("abc8Q~0123456789abcdefghijklmnopqrstuvwx", true),
    ] {
        let caught = std::panic::catch_unwind(|| check.assert_clean(text, "text")).is_err();
        assert_eq!(caught, leaks, "{text}");
    }
}

/// The outputs issue 18 added print no secret either, in any format: a parse error on the line
/// of a secret whose closing quote is missing, `not_sent` findings for rejected secrets (with a
/// trailing space, a Secret ID GUID), azure/login's `AZURE_CREDENTIALS` JSON as a source, the
/// matrix's disagreeing ids and unreadable files, and the usage error of an unknown `--env`.
#[test]
fn fail_closed_outputs_print_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let in_broken_file = entra_secret(1801);
    let spaced = entra_secret(1802);
    let guid_secret = "5138dde8-9caa-4786-bb56-0fb9e633ad29".to_string();
    let login_secret = entra_secret(1803);
    write(
        root,
        "src/appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{PROD_CLIENT}\",\n    \"ClientSecret\": \"{in_broken_file},\n    \"Instance\": \"https://login.microsoftonline.com/\"\n  }}\n}}\n"),
    );
    write(
        root,
        "deploy/helm/values-prod.yaml",
        &format!("azureAd:\n  tenantId: {TENANT}\n  clientId: {STAGING_CLIENT}\n"),
    );
    let creds = serde_json::json!({"clientId": DEV_CLIENT, "clientSecret": login_secret, "tenantId": TENANT})
        .to_string();
    let vars = [
        ("STAGING_AZURE_TENANT_ID", TENANT.to_string()),
        ("STAGING_AZURE_CLIENT_ID", STAGING_CLIENT.to_string()),
        ("STAGING_AZURE_CLIENT_SECRET", format!("{spaced} ")),
        ("DEV_AZURE_TENANT_ID", TENANT.to_string()),
        ("DEV_AZURE_CLIENT_ID", DEV_CLIENT.to_string()),
        ("DEV_AZURE_CLIENT_SECRET", guid_secret.clone()),
        ("UAT_AZURE_CREDENTIALS", creds),
    ];
    let check = LeakCheck::new(&[
        ("secret in a broken file", in_broken_file.as_str()),
        ("secret with a trailing space", spaced.as_str()),
        ("Secret ID pasted as the secret", guid_secret.as_str()),
        ("AZURE_CREDENTIALS clientSecret", login_secret.as_str()),
    ]);
    let authority = format!("http://127.0.0.1:{}", closed_port());
    for format in FORMATS {
        for envs in [&["production", "staging", "dev", "uat"][..], &["prodution"]] {
            let mut cmd = credgate_isolated();
            cmd.arg("check")
                .arg(root)
                .args(["--format", format, "--timeout", "2", "--no-remote"])
                .args(["--authority-host", &authority]);
            for e in envs {
                cmd.args(["--env", e]);
            }
            for (k, v) in &vars {
                cmd.env(k, v);
            }
            let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
            let label = format!("check --format {format} --env {envs:?}");
            let expected = if envs.len() == 1 { 2 } else { 1 };
            assert_eq!(out.status.code(), Some(expected), "{label}");
            check.assert_output_clean(&out, &label);
            if *format == "json" && envs.len() > 1 {
                let report = json(&out.stdout);
                assert_eq!(status_of(&report, "staging"), "not_sent");
                assert_eq!(status_of(&report, "development"), "not_sent");
                assert_eq!(status_of(&report, "uat"), "unreachable");
            }
        }
    }
}

/// Git history: secrets that exist only in old commits (a client secret, a storage key in a
/// connection string, a private key, an Azure DevOps PAT) and one in a commit message, under
/// `scan --history` and `baseline --history` in every format and verbosity, with the GitHub
/// side files: no 12 characters of any of them anywhere.
#[test]
fn history_findings_print_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        common::git(root, args);
    };
    let client = entra_secret(901);
    let storage = common::storage_key(902);
    let key = pem_key(903);
    let ado = pat(904);
    let in_message = entra_secret(905);
    git(&["init", "-q"]);
    write(
        root,
        "appsettings.json",
        &format!("{{\"AzureAd\": {{\"ClientSecret\": \"{client}\"}}}}\n"),
    );
    write(root, "storage.env", &format!("CONN=DefaultEndpointsProtocol=https;AccountName=a;AccountKey={storage};EndpointSuffix=core.windows.net\n"));
    write(root, "deploy/key.pem", &key);
    write(root, "ado.env", &format!("AZURE_DEVOPS_PAT={ado}\n"));
    git(&["add", "-A"]);
    git(&[
        "commit",
        "-q",
        "-m",
        &format!("add config with {in_message}"),
    ]);
    for file in [
        "appsettings.json",
        "storage.env",
        "deploy/key.pem",
        "ado.env",
    ] {
        git(&["rm", "-q", file]);
    }
    write(root, "README.md", "clean\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "remove config"]);
    let check = LeakCheck::new(&[
        ("client secret", client.as_str()),
        ("storage key", storage.as_str()),
        ("private key line", key.lines().nth(2).unwrap()),
        ("ado pat", ado.as_str()),
        ("secret in a commit message", in_message.as_str()),
    ]);
    let scratch = tempfile::tempdir().unwrap();
    let mut reported = 0;
    for command in ["scan", "baseline"] {
        for format in FORMATS {
            for verbosity in VERBOSITY {
                let summary = scratch.path().join("summary.md");
                let outputs = scratch.path().join("outputs.txt");
                let file = scratch.path().join("report.out");
                let _ = std::fs::remove_file(&file);
                let mut cmd = credgate_isolated();
                cmd.arg(command)
                    .arg(root)
                    .args(["--history", "--format", format])
                    .env("GITHUB_STEP_SUMMARY", &summary)
                    .env("GITHUB_OUTPUT", &outputs);
                if command == "baseline" {
                    cmd.arg("-o").arg(&file);
                }
                if let Some(v) = verbosity {
                    cmd.arg(v);
                }
                let out = cmd.output().unwrap();
                let label = format!("{command} --history --format {format} {verbosity:?}");
                assert!(matches!(out.status.code(), Some(0 | 1)), "{label}");
                let stdout = String::from_utf8_lossy(&out.stdout).to_string();
                check.assert_clean(&stdout, &format!("{label}: stdout"));
                check.assert_clean(
                    &String::from_utf8_lossy(&out.stderr),
                    &format!("{label}: stderr"),
                );
                for side in [&summary, &outputs, &file] {
                    if let Ok(text) = std::fs::read_to_string(side) {
                        check.assert_clean(&text, &format!("{label}: {}", side.display()));
                    }
                }
                if command == "scan" && *format == "json" {
                    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                    let with_commit = json["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|f| f["commit"].is_object())
                        .count();
                    assert!(with_commit >= 4, "{label}: {json:#}");
                    let summaries: Vec<&str> = json["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|f| f["commit"]["summary"].as_str())
                        .collect();
                    assert!(
                        summaries.iter().all(|s| s.starts_with("(withheld")),
                        "{summaries:?}"
                    );
                    reported += with_commit;
                }
            }
        }
    }
    assert!(reported > 0);
}
