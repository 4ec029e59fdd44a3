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
