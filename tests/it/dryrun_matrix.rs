//! The environment matrix shows what the dry-run uses from outside the repository (CI
//! variables), never a secret value.

use crate::common::{assert_no_leak, credgate_isolated, entra_secret};
use crate::dryrun_support::{closed_port, json, status_of};

#[test]
fn credentials_from_ci_variables_fill_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let secret = entra_secret(77);
    let out = credgate_isolated()
        .arg("dry-run")
        .arg(dir.path())
        .args(["--format", "json", "--timeout", "2", "--authority-host"])
        .arg(format!("http://127.0.0.1:{}", closed_port()))
        .env(
            "PROD_AZURE_TENANT_ID",
            "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60",
        )
        .env(
            "PROD_AZURE_CLIENT_ID",
            "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        )
        .env("PROD_AZURE_CLIENT_SECRET", &secret)
        .args(["--env", "production"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let report = json(&out.stdout);
    let prod = &report["environments"][0];
    assert_eq!(prod["name"], "production", "{report:#}");
    assert_eq!(prod["tenant_id"], "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60");
    assert_eq!(prod["client_id"], "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b");
    assert_eq!(prod["secret"]["present"], true);
    assert_eq!(
        prod["secret"]["source"],
        "secret from env:PROD_AZURE_CLIENT_SECRET"
    );
    assert!(prod["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "env:PROD_AZURE_CLIENT_ID"));
    assert_eq!(status_of(&report, "production"), "unreachable");
    assert_no_leak(&stdout, &secret, "stdout");
    assert_no_leak(&String::from_utf8_lossy(&out.stderr), &secret, "stderr");
}

/// A CI job that sets `CANARY_AZURE_CLIENT_SECRET` means the dry-run to try `canary`, though no
/// file names it: the environment gets its row and its token request, on the base
/// configuration's ids. Variables that only look alike (`INPUT_…`, `…_FILE`) name none.
#[test]
fn credential_variables_name_environments_no_file_names() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::write(
        dir.path(),
        ".env",
        "AZURE_TENANT_ID=7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60\nAZURE_CLIENT_ID=3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\n",
    );
    let secret = entra_secret(78);
    let out = credgate_isolated()
        .arg("dry-run")
        .arg(dir.path())
        .args(["--format", "json", "--timeout", "2", "--no-cross-match"])
        .arg("--authority-host")
        .arg(format!("http://127.0.0.1:{}", closed_port()))
        .env("CANARY_AZURE_CLIENT_SECRET", &secret)
        .env("INPUT_AZURE_CLIENT_SECRET", &secret)
        .env("AZURE_CLIENT_SECRET_FILE", "/run/secrets/x")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let report = json(&out.stdout);
    let rows: Vec<&str> = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["canary"], "{report:#}");
    let canary = &report["environments"][0];
    assert_eq!(canary["client_id"], "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b");
    assert_eq!(
        canary["secret"]["source"],
        "secret from env:CANARY_AZURE_CLIENT_SECRET"
    );
    assert_eq!(status_of(&report, "canary"), "unreachable");
    assert_no_leak(&stdout, &secret, "stdout");
    assert_no_leak(&String::from_utf8_lossy(&out.stderr), &secret, "stderr");
}
