//! Secrets that are Key Vault references, read with the CI identity and dry-run: the real
//! binary against an Entra stand-in and a Key Vault stand-in on 127.0.0.1 (`--authority-host`,
//! `--keyvault-host`). The vault stand-in checks what Key Vault checks: a bearer token for the
//! vault audience, the `Host` of the vault, an `api-version`.

use crate::common::{credgate_isolated, entra_secret, write, LeakCheck};
use crate::dryrun_support::*;
use std::path::Path;

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const PROD_APP: &str = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const STAGING_APP: &str = "8d1b2c3e-4f5a-4b6c-9d7e-0f1a2b3c4d5e";
const TEST_APP: &str = "2e4f6a8b-0c1d-4e2f-8a3b-4c5d6e7f8a9b";
const READER_APP: &str = "c0ffee00-1111-4222-8333-444455556666";

/// An Entra stand-in: the reader gets a vault token (only for the vault scope), the app whose
/// secret matches gets a Graph token, anything else AADSTS7000215.
fn entra(reader_secret: String, vault_token: String, apps: Vec<(&'static str, String)>) -> StandIn {
    serve(move |seen, _| {
        let client = seen.form.get("client_id").cloned().unwrap_or_default();
        let secret = seen.form.get("client_secret").cloned().unwrap_or_default();
        let scope = seen.form.get("scope").cloned().unwrap_or_default();
        if client == READER_APP && secret == reader_secret {
            if scope == "https://vault.azure.net/.default" {
                return token_reply(&vault_token);
            }
            return entra_error(
                400,
                "invalid_scope",
                70011,
                "The provided scope is not valid.",
            );
        }
        if let Some((app, _)) = apps.iter().find(|(a, s)| *a == client && *s == secret) {
            return token_reply(&jwt(serde_json::json!({
                "aud": "https://graph.microsoft.com", "appid": app, "tid": TENANT
            })));
        }
        entra_error(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided.",
        )
    })
}

fn settings(dir: &Path, env: &str, app: &str, secret: &str) {
    write(
        dir,
        &format!("src/Api/appsettings.{env}.json"),
        &format!(
            r#"{{"AzureAd": {{"Instance": "https://login.microsoftonline.com/", "TenantId": "{TENANT}", "ClientId": "{app}", "ClientSecret": "{secret}"}}}}"#
        ),
    );
}

/// A secret the vault serves, enabled, with no expiry.
fn readable(value: &str) -> VaultSecret {
    VaultSecret::Value {
        value: value.to_string(),
        exp: None,
        enabled: true,
    }
}

/// A repository whose production settings hold `reference` as the secret, and a reader secret
/// made from `seed`: the setup most tests start from.
fn production_referencing(reference: &str, seed: u64) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    settings(dir.path(), "Production", PROD_APP, reference);
    (dir, entra_secret(seed))
}

fn vault_token() -> String {
    jwt_signed(
        serde_json::json!({"aud": VAULT_AUDIENCE, "appid": READER_APP, "tid": TENANT}),
        "dmF1bHQtdG9rZW4tc2lnbmF0dXJlLXVuaXF1ZS0wMTIzNDU2Nzg5",
    )
}

/// Neither standard output nor standard error holds any of the secrets.
fn assert_quiet(leaks: &LeakCheck, out: &std::process::Output, what: &str) {
    leaks.assert_clean(&String::from_utf8_lossy(&out.stdout), what);
    leaks.assert_clean(
        &String::from_utf8_lossy(&out.stderr),
        &format!("{what} stderr"),
    );
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn dry_run(
    dir: &Path,
    authority: &str,
    vault: &str,
    reader_secret: &str,
    format: &str,
) -> std::process::Output {
    dry_run_with(dir, authority, vault, reader_secret, format, &[])
}

fn dry_run_with(
    dir: &Path,
    authority: &str,
    vault: &str,
    reader_secret: &str,
    format: &str,
    extra: &[&str],
) -> std::process::Output {
    credgate_isolated()
        .arg("dry-run")
        .arg(dir)
        .args(["--format", format, "--timeout", "5", "--no-color"])
        .args(extra)
        .args(["--authority-host", authority, "--keyvault-host", vault])
        .env("AZURE_TENANT_ID", TENANT)
        .env("AZURE_CLIENT_ID", READER_APP)
        .env("AZURE_CLIENT_SECRET", reader_secret)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap()
}

#[test]
fn every_app_service_form_is_read_with_the_ci_identity_and_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let (prod_secret, reader_secret) = (entra_secret(401), entra_secret(402));
    settings(
        dir.path(),
        "Production",
        PROD_APP,
        "@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net/secrets/AzureAd--ClientSecret/)",
    );
    settings(
        dir.path(),
        "Staging",
        STAGING_APP,
        "@Microsoft.KeyVault(VaultName=kv-stg;SecretName=api-secret)",
    );
    settings(
        dir.path(),
        "Test",
        TEST_APP,
        "@Microsoft.KeyVault(VaultName=kv-test;SecretName=gone)",
    );
    let token = vault_token();
    let idp = entra(
        reader_secret.clone(),
        token.clone(),
        vec![(PROD_APP, prod_secret.clone())],
    );
    let kv = key_vault(vec![
        (
            ("kv-prod.vault.azure.net", "/secrets/AzureAd--ClientSecret"),
            VaultSecret::Value {
                value: prod_secret.clone(),
                exp: Some(now() + 5 * 86_400),
                enabled: true,
            },
        ),
        (
            ("kv-stg.vault.azure.net", "/secrets/api-secret"),
            VaultSecret::Forbidden("ForbiddenByRbac"),
        ),
    ]);
    let out = dry_run(dir.path(), &idp.url(), &kv.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report:#}");
    for env in ["staging", "test"] {
        assert_eq!(status_of(&report, env), "missing_credentials", "{report:#}");
    }
    assert_eq!(
        source_of(&report, "production"),
        "key-vault:kv-prod/AzureAd--ClientSecret",
        "{report:#}"
    );
    // The vault token was asked for the vault scope, once, by the reader.
    let vault_asks: Vec<Seen> = idp
        .seen()
        .into_iter()
        .filter(|s| s.form.get("client_id").map(String::as_str) == Some(READER_APP))
        .collect();
    assert_eq!(vault_asks.len(), 1, "{vault_asks:?}");
    assert_eq!(
        vault_asks[0].form["scope"],
        "https://vault.azure.net/.default"
    );
    // One request per secret, each with its vault's Host, the real path and an api-version.
    let mut hosts: Vec<(String, String)> = kv
        .seen()
        .iter()
        .map(|s| (s.host.clone().unwrap(), s.path.clone()))
        .collect();
    hosts.sort();
    assert_eq!(
        hosts,
        vec![
            (
                "kv-prod.vault.azure.net".to_string(),
                "/secrets/AzureAd--ClientSecret?api-version=7.5".to_string()
            ),
            (
                "kv-stg.vault.azure.net".into(),
                "/secrets/api-secret?api-version=7.5".into()
            ),
            (
                "kv-test.vault.azure.net".into(),
                "/secrets/gone?api-version=7.5".into()
            ),
        ]
    );
    let expiring = findings(&report, "secret-expiring");
    assert_eq!(expiring.len(), 1, "{report:#}");
    let message = expiring[0]["message"].as_str().unwrap();
    assert!(
        message.contains("Key Vault") && message.contains("kv-prod/AzureAd--ClientSecret"),
        "{message}"
    );
    let unreadable = findings(&report, "keyvault-unreadable");
    assert_eq!(unreadable.len(), 2, "{report:#}");
    let staging = unreadable
        .iter()
        .find(|f| f["environment"] == "staging")
        .unwrap();
    let text = format!("{} {}", staging["message"], staging["fix"]);
    for expected in [
        "kv-stg",
        "api-secret",
        READER_APP,
        "ForbiddenByRbac",
        "Key Vault Secrets User",
        "get",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
    assert_eq!(staging["severity"], "warning");
    assert_eq!(staging["file"], "src/Api/appsettings.Staging.json");
    let test = unreadable
        .iter()
        .find(|f| f["environment"] == "test")
        .unwrap();
    assert!(
        test["message"].as_str().unwrap().contains("SecretNotFound"),
        "{test:#}"
    );
    // Neither the vault token nor any secret reaches any output format.
    let run = DryRun {
        dir: dir.path(),
        authority: &idp.url(),
        vault: &kv.url(),
        reader_secret: &reader_secret,
    };
    run.assert_no_secrets(
        &out,
        &token,
        &prod_secret,
        "key-vault:kv-prod/AzureAd--ClientSecret",
    );
}

/// One repository dry-run against the stand-ins, in any format.
struct DryRun<'a> {
    dir: &'a Path,
    authority: &'a str,
    vault: &'a str,
    reader_secret: &'a str,
}

impl DryRun<'_> {
    /// `out` (the JSON run) and every other format hold neither the vault token, the
    /// production secret nor the reader secret; the text matrix shows `shown`.
    fn assert_no_secrets(
        &self,
        out: &std::process::Output,
        token: &str,
        prod_secret: &str,
        shown: &str,
    ) {
        let leaks = LeakCheck::new(&[
            ("vault token", token),
            ("production secret", prod_secret),
            ("reader secret", self.reader_secret),
        ]);
        assert_quiet(&leaks, out, "json");
        self.quiet_in_every_format(&leaks, shown);
    }

    /// Every other format (with `-vv` and a `--report json` beside it) holds none of the
    /// secrets, and the text matrix shows the secret as `reference (shown)`.
    fn quiet_in_every_format(&self, leaks: &LeakCheck, shown: &str) {
        for format in [
            "text",
            "sarif",
            "github",
            "azure-devops",
            "junit",
            "markdown",
        ] {
            let report_dir = tempfile::tempdir().unwrap();
            let file = report_dir.path().join("also.json");
            let also = format!("json={}", file.display());
            let out = dry_run_with(
                self.dir,
                self.authority,
                self.vault,
                self.reader_secret,
                format,
                &["-vv", "--report", &also],
            );
            assert_quiet(leaks, &out, format);
            leaks.assert_clean(&std::fs::read_to_string(&file).unwrap(), "--report json");
            if format == "text" {
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(text.contains(&format!("reference ({shown})")), "{text}");
            }
        }
    }
}

#[test]
fn the_vault_refuses_a_token_for_another_audience() {
    let (dir, reader_secret) = production_referencing(
        "@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net/secrets/s/)",
        403,
    );
    // The identity provider hands out a Graph token: the vault must say 401.
    let graph_token =
        jwt(serde_json::json!({"aud": "https://graph.microsoft.com", "appid": READER_APP}));
    let idp = entra(reader_secret.clone(), graph_token, vec![]);
    let kv = key_vault(vec![(
        ("kv-prod.vault.azure.net", "/secrets/s"),
        readable(&entra_secret(404)),
    )]);
    let out = dry_run(dir.path(), &idp.url(), &kv.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "missing_credentials");
    let f = findings(&report, "keyvault-unreadable");
    assert_eq!(f.len(), 1, "{report:#}");
    assert!(
        f[0]["message"].as_str().unwrap().contains("HTTP 401"),
        "{:#}",
        f[0]
    );
    assert_eq!(kv.hits(), 1);
}

/// A vault that answers `503` with `Retry-After: 0` to its first `outages` requests (hits count
/// from 1), and the one secret it serves after that.
fn vault_down_for(outages: usize, value: String) -> StandIn {
    serve(move |_, hit| {
        if hit <= outages {
            return Reply::json(
                503,
                serde_json::json!({"error": {"code": "ServiceUnavailable", "message": "Try again."}}),
            )
            .header("retry-after", "0");
        }
        Reply::json(
            200,
            serde_json::json!({
                "value": value,
                "id": "https://kv-prod.vault.azure.net/secrets/s/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                "attributes": {"enabled": true},
            }),
        )
    })
}

#[test]
fn a_vault_outage_is_retried_and_a_lasting_one_is_unreadable_not_a_pass() {
    let (dir, reader_secret) =
        production_referencing("https://kv-prod.vault.azure.net/secrets/s", 410);
    let prod_secret = entra_secret(411);
    let idp = entra(
        reader_secret.clone(),
        vault_token(),
        vec![(PROD_APP, prod_secret.clone())],
    );
    // One 503, then the secret: read on the second attempt, and the dry-run passes with it.
    let kv = vault_down_for(1, prod_secret.clone());
    let out = dry_run(dir.path(), &idp.url(), &kv.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report:#}");
    assert_eq!(kv.hits(), 2, "one retry after the 503");
    assert!(
        findings(&report, "keyvault-unreadable").is_empty(),
        "{report:#}"
    );
    // Down for longer than the retries: unreadable after three attempts, never a pass.
    let kv = vault_down_for(usize::MAX, prod_secret.clone());
    let out = dry_run(dir.path(), &idp.url(), &kv.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "missing_credentials");
    assert_eq!(kv.hits(), 3, "three attempts, then the answer stands");
    let unreadable = findings(&report, "keyvault-unreadable");
    assert!(
        unreadable[0]["message"].as_str().unwrap().contains("503"),
        "{report:#}"
    );
    assert_quiet(
        &LeakCheck::new(&[("vault secret", &prod_secret), ("reader", &reader_secret)]),
        &out,
        "json",
    );
}

#[test]
fn a_disabled_secret_is_unreadable_and_an_expired_one_is_flagged() {
    let (dir, reader_secret) =
        production_referencing("https://kv-prod.vault.azure.net/secrets/s", 406);
    let prod_secret = entra_secret(405);
    settings(
        dir.path(),
        "Staging",
        STAGING_APP,
        "@Microsoft.KeyVault(VaultName=kv-stg;SecretName=off)",
    );
    let idp = entra(
        reader_secret.clone(),
        vault_token(),
        vec![(PROD_APP, prod_secret.clone())],
    );
    let kv = key_vault(vec![
        (
            ("kv-prod.vault.azure.net", "/secrets/s"),
            VaultSecret::Value {
                value: prod_secret,
                exp: Some(now() - 86_400),
                enabled: true,
            },
        ),
        (
            ("kv-stg.vault.azure.net", "/secrets/off"),
            VaultSecret::Value {
                value: entra_secret(407),
                exp: None,
                enabled: false,
            },
        ),
    ]);
    let out = dry_run(dir.path(), &idp.url(), &kv.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report:#}");
    let expiring = findings(&report, "secret-expiring");
    assert!(
        expiring[0]["message"]
            .as_str()
            .unwrap()
            .contains("has expired"),
        "{report:#}"
    );
    assert_eq!(status_of(&report, "staging"), "missing_credentials");
    let off = findings(&report, "keyvault-unreadable");
    assert!(
        off[0]["message"].as_str().unwrap().contains("disabled"),
        "{report:#}"
    );
}

#[test]
fn a_reference_outside_the_allow_list_gets_no_connection() {
    let (dir, reader_secret) = production_referencing(
        "@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net.evil.example/secrets/s/)",
        408,
    );
    settings(
        dir.path(),
        "Staging",
        STAGING_APP,
        "@Microsoft.KeyVault(VaultName=1bad_name;SecretName=s)",
    );
    let idp = recorder();
    let vault = recorder();
    let out = dry_run(dir.path(), &idp.url(), &vault.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    assert_eq!(vault.connections(), 0);
    assert_eq!(
        idp.connections(),
        0,
        "no vault token is asked for a refused reference"
    );
    let f = findings(&report, "keyvault-unreadable");
    assert_eq!(f.len(), 2, "{report:#}");
    assert!(
        f.iter()
            .all(|f| f["message"].as_str().unwrap().contains("nothing was sent")),
        "{report:#}"
    );
}

#[test]
fn a_keyvault_host_that_is_not_loopback_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = credgate_isolated()
        .arg("dry-run")
        .arg(dir.path())
        .args(["--keyvault-host", "https://kv.example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--keyvault-host"));
}

#[test]
fn provider_and_terraform_references_are_read_and_a_crossed_vault_secret_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (prod_secret, reader_secret) = (entra_secret(410), entra_secret(411));
    // Production: the ASP.NET Key Vault configuration provider (`AzureAd--ClientSecret`).
    write(
        dir.path(),
        "src/Api/appsettings.Production.json",
        &format!(
            r#"{{"KeyVaultName": "kv-prod", "AzureAd": {{"TenantId": "{TENANT}", "ClientId": "{PROD_APP}"}}}}"#
        ),
    );
    // Staging: Terraform reads its secret from its vault, which holds production's secret.
    write(
        dir.path(),
        "deploy/staging/main.tf",
        &format!(
            r#"
data "azurerm_key_vault" "kv" {{
  name                = "kv-stg"
  resource_group_name = "rg-stg"
}}

data "azurerm_key_vault_secret" "sp" {{
  name         = "sp-secret"
  key_vault_id = data.azurerm_key_vault.kv.id
}}

provider "azuread" {{
  tenant_id     = "{TENANT}"
  client_id     = "{STAGING_APP}"
  client_secret = data.azurerm_key_vault_secret.sp.value
}}
"#
        ),
    );
    let token = vault_token();
    let idp = entra(
        reader_secret.clone(),
        token.clone(),
        vec![(PROD_APP, prod_secret.clone())],
    );
    let kv = key_vault(vec![
        (
            ("kv-prod.vault.azure.net", "/secrets/AzureAd--ClientSecret"),
            readable(&prod_secret),
        ),
        (
            ("kv-stg.vault.azure.net", "/secrets/sp-secret"),
            readable(&prod_secret),
        ),
    ]);
    let out = dry_run(dir.path(), &idp.url(), &kv.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report:#}");
    assert_eq!(
        status_of(&report, "staging"),
        "invalid_secret",
        "{report:#}"
    );
    let failed = findings(&report, "dry-run-failed");
    let staging = failed
        .iter()
        .find(|f| f["environment"] == "staging")
        .unwrap();
    let text = staging.to_string();
    assert!(text.contains("belongs to the production app"), "{text}");
    assert!(text.contains("key-vault:kv-stg/sp-secret"), "{text}");
    assert_eq!(kv.hits(), 2, "one request per distinct secret");
    let leaks = LeakCheck::new(&[
        ("vault token", token.as_str()),
        ("secret", prod_secret.as_str()),
    ]);
    assert_quiet(&leaks, &out, "json");
}

#[test]
fn without_variables_the_logged_in_azure_cli_reads_the_vault() {
    // No reader variables: the reader secret is not used.
    let (dir, _) =
        production_referencing("@Microsoft.KeyVault(VaultName=kv-prod;SecretName=api)", 413);
    let prod_secret = entra_secret(412);
    // What `az account get-access-token --resource https://vault.azure.net` prints after
    // azure/login: the fake CLI answers only that exact question.
    let token = vault_token();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let az = bin.join("az");
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\n[ \"$*\" = \"account get-access-token --resource https://vault.azure.net --output json\" ] || exit 1\n\
             echo '{{\"accessToken\": \"{token}\", \"expiresOn\": \"2030-01-01 00:00:00.000000\", \"tenant\": \"{TENANT}\", \"tokenType\": \"Bearer\"}}'\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let idp = entra(
        String::new(),
        String::new(),
        vec![(PROD_APP, prod_secret.clone())],
    );
    let kv = key_vault(vec![(
        ("kv-prod.vault.azure.net", "/secrets/api"),
        readable(&prod_secret),
    )]);
    let out = credgate_isolated()
        .arg("dry-run")
        .arg(dir.path())
        .args(["--format", "json", "--timeout", "5", "--env", "production"])
        .args(["--authority-host", &idp.url(), "--keyvault-host", &kv.url()])
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "ok", "{report:#}");
    assert_eq!(kv.hits(), 1);
    let leaks = LeakCheck::new(&[
        ("vault token", token.as_str()),
        ("secret", prod_secret.as_str()),
    ]);
    assert_quiet(&leaks, &out, "json");
}

/// A Deployment whose container reads its secret from the Kubernetes Secret `aad`, key
/// `sp-token`, with the tenant and client id as literals.
fn deployment() -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    \
         spec:\n      containers:\n        - name: api\n          env:\n            \
         - name: AZURE_TENANT_ID\n              value: {TENANT}\n            \
         - name: AZURE_CLIENT_ID\n              value: {PROD_APP}\n            \
         - name: AZURE_CLIENT_SECRET\n              valueFrom:\n                secretKeyRef:\n                  \
         name: aad\n                  key: sp-token\n"
    )
}

/// A SecretProviderClass syncing `objectName` of vault `vault` into Secret `aad`, key
/// `sp-token`.
fn secret_provider_class(vault: &str, object: &str) -> String {
    format!(
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  \
         name: api-kv\nspec:\n  provider: azure\n  secretObjects:\n    - secretName: aad\n      \
         type: Opaque\n      data:\n        - objectName: sp\n          key: sp-token\n  \
         parameters:\n    keyvaultName: {vault}\n    tenantId: {TENANT}\n    objects: |\n      \
         array:\n        - |\n          objectName: {object}\n          objectAlias: sp\n          \
         objectType: secret\n"
    )
}

#[test]
fn a_deployment_reading_a_secret_synced_by_a_secret_provider_class_gets_the_vault_secret() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "k8s/base/deployment.yaml", &deployment());
    write(
        dir.path(),
        "k8s/overlays/prod/secret-provider-class.yaml",
        &secret_provider_class("kv-prod", "api-client-secret"),
    );
    // Staging's overlay names a vault Key Vault's naming rules refuse: nothing is sent.
    write(
        dir.path(),
        "k8s/overlays/staging/secret-provider-class.yaml",
        &secret_provider_class("kv_staging", "api-client-secret"),
    );
    let refused = production_from_vault_staging_refused(dir.path(), "api-client-secret", 420);
    assert!(refused.contains("kv_staging"), "{refused}");
}

#[test]
fn a_spring_placeholder_is_read_from_the_profiles_key_vault_property_source() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pom.xml", "<project/>");
    write(
        dir.path(),
        "src/main/resources/application.yml",
        &format!(
            "spring:\n  cloud:\n    azure:\n      active-directory:\n        enabled: true\n        \
             profile:\n          tenant-id: {TENANT}\n        credential:\n          \
             client-id: {PROD_APP}\n          client-secret: ${{aad-client-secret}}\n"
        ),
    );
    write(
        dir.path(),
        "src/main/resources/application-prod.properties",
        "spring.cloud.azure.keyvault.secret.property-sources[0].name=kv\n\
         spring.cloud.azure.keyvault.secret.property-sources[0].endpoint=https://kv-prod.vault.azure.net/\n",
    );
    // Staging's source is off the allow-list: refused, nothing sent.
    write(
        dir.path(),
        "src/main/resources/application-staging.yml",
        "spring.cloud.azure.keyvault.secret.property-sources:\n  - endpoint: https://kv.contoso.com/\n",
    );
    let refused = production_from_vault_staging_refused(dir.path(), "aad-client-secret", 422);
    assert!(refused.contains("kv.contoso.com"), "{refused}");
}

/// Dry-runs a repository whose production secret is the secret `name` of vault `kv-prod`
/// (the stand-in serves production's app secret there) and whose staging reference the
/// allow-list refuses: production is ok through the vault (`secret.source` and the matrix say
/// so), staging gets a `keyvault-unreadable` with nothing sent, the vault sees that one
/// request, and no output format holds a secret. Returns the refusal's message.
fn production_from_vault_staging_refused(dir: &Path, name: &str, seed: u64) -> String {
    let (prod_secret, reader_secret) = (entra_secret(seed), entra_secret(seed + 1));
    let token = vault_token();
    let idp = entra(
        reader_secret.clone(),
        token.clone(),
        vec![(PROD_APP, prod_secret.clone())],
    );
    let path = format!("/secrets/{name}");
    let kv = key_vault(vec![(
        ("kv-prod.vault.azure.net", &path),
        readable(&prod_secret),
    )]);
    let out = dry_run(dir, &idp.url(), &kv.url(), &reader_secret, "json");
    let report = json(&out.stdout);
    let source = format!("key-vault:kv-prod/{name}");
    assert_eq!(status_of(&report, "production"), "ok", "{report:#}");
    assert_eq!(source_of(&report, "production"), source, "{report:#}");
    assert_eq!(
        status_of(&report, "staging"),
        "missing_credentials",
        "{report:#}"
    );
    let refused = findings(&report, "keyvault-unreadable");
    assert_eq!(refused.len(), 1, "{report:#}");
    let message = refused[0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("nothing was sent"), "{message}");
    let seen: Vec<(Option<String>, String)> = kv
        .seen()
        .iter()
        .map(|s| (s.host.clone(), s.path.clone()))
        .collect();
    assert_eq!(
        seen,
        vec![(
            Some("kv-prod.vault.azure.net".to_string()),
            format!("{path}?api-version=7.5")
        )]
    );
    let run = DryRun {
        dir,
        authority: &idp.url(),
        vault: &kv.url(),
        reader_secret: &reader_secret,
    };
    run.assert_no_secrets(&out, &token, &prod_secret, &source);
    message
}

/// `environments[].secret.source` of one environment.
fn source_of(report: &serde_json::Value, env: &str) -> String {
    report["environments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == env)
        .and_then(|e| e["secret"]["source"].as_str())
        .unwrap_or_default()
        .to_string()
}
