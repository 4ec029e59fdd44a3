//! `credgate check` reading GitHub environment variables and secrets over the API (a stand-in on
//! 127.0.0.1 reached through `GITHUB_API_URL`), checked against the repository like the files.

use crate::common::{assert_no_leak, credgate, write};
use crate::dryrun_support::*;
use serde_json::json;

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const STAGING_APP: &str = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const TOKEN: &str = "ghp_standInTokenThatMustNeverBePrinted0001";

fn github_stand_in() -> StandIn {
    serve(|seen, _| {
        let p = seen.path.split('?').next().unwrap_or("");
        let list = |key: &str, items: serde_json::Value| {
            let n = items.as_array().map(|a| a.len()).unwrap_or(0);
            Reply::json(200, json!({ "total_count": n, key: items }))
        };
        if p.ends_with("/environments") {
            list(
                "environments",
                json!([{"name": "staging"}, {"name": "production"}]),
            )
        } else if p.ends_with("/environments/production/variables") {
            // Production's variable holds staging's app id: the classic mix-up, off the repo.
            list(
                "variables",
                json!([{"name": "AZURE_CLIENT_ID", "value": STAGING_APP}]),
            )
        } else if p.ends_with("/environments/staging/variables") {
            list(
                "variables",
                json!([{"name": "AZURE_CLIENT_ID", "value": STAGING_APP}]),
            )
        } else if p.ends_with("/environments/staging/secrets") {
            list("secrets", json!([{"name": "AZURE_CLIENT_SECRET"}]))
        } else if p.ends_with("/environments/production/secrets") {
            list("secrets", json!([]))
        } else if p.ends_with("/actions/variables") {
            list(
                "variables",
                json!([{"name": "AZURE_TENANT_ID", "value": TENANT}]),
            )
        } else if p.ends_with("/actions/secrets") || p.ends_with("/actions/organization-secrets") {
            list("secrets", json!([]))
        } else if p.ends_with("/actions/organization-variables") {
            list("variables", json!([]))
        } else {
            Reply::json(404, json!({"message": "Not Found"}))
        }
    })
}

#[test]
fn github_variables_join_the_inventory_and_undefined_secrets_are_missing() {
    let api = github_stand_in();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".github/workflows/deploy.yml",
        "on: push\njobs:\n  prod:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: azure/login@v2\n        with:\n          client-id: ${{ vars.AZURE_CLIENT_ID }}\n          tenant-id: ${{ vars.AZURE_TENANT_ID }}\n          client-secret: ${{ secrets.AZURE_CLIENT_SECRET }}\n",
    );
    let out = credgate()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "json", "--fail-on", "never", "--authority-host"])
        .arg(format!("http://127.0.0.1:{}", closed_port()))
        .env("GITHUB_API_URL", api.url())
        .env("GITHUB_REPOSITORY", "contoso/shipments")
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    assert!(api.hits() >= 5, "the GitHub API was read");
    assert!(api
        .seen()
        .iter()
        .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}")[..])));

    // The secret the production job references exists only for staging.
    let missing = findings(&report, "missing-credential");
    let on_workflow = missing
        .iter()
        .find(|f| f["file"] == ".github/workflows/deploy.yml" && f["line"] == 11)
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(on_workflow["environment"], "production");

    // Production's GitHub variable holds staging's client id.
    let crossed = findings(&report, "cross-env-client-id");
    let f = crossed
        .iter()
        .find(|f| f["environment"] == "production")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(f["file"].is_null());
    assert_eq!(
        f["source"],
        "github:environment/production/variables/AZURE_CLIENT_ID"
    );
    // The matrix lists the API source.
    let prod = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "production")
        .unwrap();
    assert!(prod["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().is_some_and(|s| s.starts_with("github:"))));
    assert_no_leak(&stdout, TOKEN, "stdout");
    assert_no_leak(&stderr, TOKEN, "stderr");
}

#[test]
fn scan_stays_offline_and_no_remote_turns_the_sources_off() {
    let api = github_stand_in();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# x\n");
    for (cmd, extra) in [("scan", None), ("check", Some("--no-remote"))] {
        let mut c = credgate();
        c.arg(cmd)
            .arg(dir.path())
            .args(["--format", "json", "--authority-host"])
            .arg(format!("http://127.0.0.1:{}", closed_port()))
            .env("GITHUB_API_URL", api.url())
            .env("GITHUB_REPOSITORY", "contoso/shipments")
            .env("GITHUB_TOKEN", TOKEN);
        if let Some(flag) = extra {
            c.arg(flag);
        }
        c.output().unwrap();
    }
    assert_eq!(api.hits(), 0);
}

#[test]
fn a_rejected_token_is_reported_and_the_scan_goes_on() {
    let api = serve(|_, _| Reply::json(401, json!({"message": "Bad credentials"})));
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".env.staging",
        &format!("AZURE_CLIENT_ID={STAGING_APP}\n"),
    );
    let out = credgate()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "json", "--fail-on", "never", "--authority-host"])
        .arg(format!("http://127.0.0.1:{}", closed_port()))
        .env("GITHUB_API_URL", api.url())
        .env("GITHUB_REPOSITORY", "contoso/shipments")
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let remote = findings(&report, "remote-source");
    assert_eq!(remote.len(), 1, "{report:#}");
    assert_eq!(remote[0]["severity"], "error");
    assert!(remote[0]["message"].as_str().unwrap().contains("rejected"));
    assert_eq!(report["environments"][0]["name"], "staging");
    assert_no_leak(&String::from_utf8_lossy(&out.stdout), TOKEN, "stdout");
}

/// A reusable workflow whose job deploys to `${{ inputs.environment }}`: the callers' environments.
const REUSABLE_DEPLOY: &str = "on:\n  workflow_call:\n    inputs:\n      environment: {type: string}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: ${{ inputs.environment }}\n    steps:\n      - uses: azure/login@v2\n        with:\n          client-id: ${{ vars.AZURE_CLIENT_ID }}\n          tenant-id: ${{ vars.AZURE_TENANT_ID }}\n          client-secret: ${{ secrets.AZURE_CLIENT_SECRET }}\n";

/// `credgate check` of a repository with [`REUSABLE_DEPLOY`] and `caller` as its caller.
fn check_reusable(caller: &str) -> serde_json::Value {
    let api = github_stand_in();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".github/workflows/deploy.yml", REUSABLE_DEPLOY);
    write(dir.path(), ".github/workflows/release.yml", caller);
    let out = credgate()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "json", "--fail-on", "never", "--authority-host"])
        .arg(format!("http://127.0.0.1:{}", closed_port()))
        .env("GITHUB_API_URL", api.url())
        .env("GITHUB_REPOSITORY", "contoso/shipments")
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_no_leak(&String::from_utf8_lossy(&out.stdout), TOKEN, "stdout");
    json(&out.stdout)
}

/// `(environment, file:line)` of every `missing-credential` finding placed in a file (those on
/// the platform's own lists, "staging defines it, production does not", have no file).
fn missing_at(report: &serde_json::Value) -> Vec<(String, String)> {
    findings(report, "missing-credential")
        .iter()
        .filter(|f| f["file"].is_string())
        .map(|f| {
            (
                f["environment"].as_str().unwrap_or("-").to_string(),
                format!("{}:{}", f["file"].as_str().unwrap_or("-"), f["line"]),
            )
        })
        .collect()
}

#[test]
fn a_reusable_workflows_secrets_are_checked_for_each_callers_environment() {
    // Both callers pass their secrets on: the called job's `secrets.AZURE_CLIENT_SECRET` must
    // exist for each environment, and production (the stand-in) has none.
    let inherit = "on: push\njobs:\n  staging:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: staging\n    secrets: inherit\n  production:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: production\n    secrets: inherit\n";
    let report = check_reusable(inherit);
    assert_eq!(
        missing_at(&report),
        vec![(
            "production".to_string(),
            ".github/workflows/deploy.yml:14".to_string()
        )],
        "{report:#}"
    );

    // An explicit mapping: the name the platform must define is the caller's, not the callee's.
    let mapped = "on: push\njobs:\n  staging:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: staging\n    secrets: inherit\n  production:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: production\n    secrets:\n      AZURE_CLIENT_SECRET: ${{ secrets.PROD_CLIENT_SECRET }}\n";
    let report = check_reusable(mapped);
    assert_eq!(
        missing_at(&report),
        vec![(
            "production".to_string(),
            ".github/workflows/release.yml:13".to_string()
        )],
        "{report:#}"
    );
}
