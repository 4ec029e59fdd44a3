//! Whole-command tests of the environment inventory and the cross-environment rules.

use crate::common::{credgate, write};
use serde_json::Value;
use std::path::Path;

const STAGING_APP: &str = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const PROD_APP: &str = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

fn appsettings(client_id: &str, secret_line: &str) -> String {
    format!(
        "{{\n  // Entra ID app registration\n  \"AzureAd\": {{\n    \"Instance\": \"https://login.microsoftonline.com/\",\n    \"TenantId\": \"{TENANT}\",\n    \"ClientId\": \"{client_id}\",\n    {secret_line}\n  }},\n}}\n"
    )
}

fn json(root: &Path, extra: &[&str]) -> (i32, Value) {
    let out = credgate()
        .arg("scan")
        .arg(root)
        .args(["--format", "json", "--fail-on", "never"])
        .args(extra)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (out.status.code().unwrap_or(-1), value)
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

/// Production wired to staging's app: the classic mix-up.
fn crossed_repo(root: &Path) {
    let kv = |env: &str| {
        format!("\"ClientSecret\": \"@Microsoft.KeyVault(SecretUri=https://kv-{env}.vault.azure.net/secrets/api-secret/)\"")
    };
    write(
        root,
        "src/Api/appsettings.Staging.json",
        &appsettings(STAGING_APP, &kv("staging")),
    );
    write(
        root,
        "src/Api/appsettings.Production.json",
        &appsettings(STAGING_APP, &kv("prod")),
    );
    write(
        root,
        "src/Api/appsettings.Development.json",
        &appsettings(PROD_APP, "\"ClientSecret\": \"\""),
    );
}

#[test]
fn production_using_stagings_client_id_is_flagged_on_production() {
    let dir = tempfile::tempdir().unwrap();
    crossed_repo(dir.path());
    let (_, report) = json(dir.path(), &[]);
    let crossed = findings(&report, "cross-env-client-id");
    assert!(!crossed.is_empty(), "{report:#}");
    let f = crossed
        .iter()
        .find(|f| f["environment"] == "production")
        .unwrap_or_else(|| panic!("finding sits on production: {report:#}"));
    assert_eq!(f["file"], "src/Api/appsettings.Production.json");
    assert_eq!(f["line"], 6);
    assert_eq!(f["column"], 18);
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("appsettings.Staging.json:6"), "{message}");
    assert_eq!(f["severity"], "error");
}

#[test]
fn environments_matrix_is_in_json_and_text() {
    let dir = tempfile::tempdir().unwrap();
    crossed_repo(dir.path());
    let (_, report) = json(dir.path(), &[]);
    let envs: Vec<&str> = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        envs,
        vec!["development", "staging", "production"],
        "{report:#}"
    );
    let prod = &report["environments"][2];
    assert_eq!(prod["client_id"], STAGING_APP);
    assert_eq!(prod["tenant_id"], TENANT);
    assert_eq!(prod["secret"]["present"], true);
    assert_eq!(prod["sources"][0], "src/Api/appsettings.Production.json");

    let out = credgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--no-color", "--fail-on", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let matrix_at = text.find("production").unwrap_or(usize::MAX);
    let first_finding = text.find("cross-env-client-id").unwrap_or(0);
    assert!(
        matrix_at < first_finding,
        "the text report opens with the matrix:\n{text}"
    );
}

#[test]
fn declared_shared_app_is_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    crossed_repo(dir.path());
    write(
        dir.path(),
        "credgate.toml",
        &format!("[[shared_apps]]\nclient_id = \"{STAGING_APP}\"\nenvironments = [\"staging\", \"production\"]\ndescription = \"one multi-tenant app\"\n"),
    );
    let (_, report) = json(dir.path(), &[]);
    assert!(
        findings(&report, "cross-env-client-id").is_empty(),
        "{report:#}"
    );
}

#[test]
fn secret_value_mistakes_in_env_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".env.staging",
        &format!("AZURE_TENANT_ID={TENANT}\nAZURE_CLIENT_ID={STAGING_APP}\nAZURE_CLIENT_SECRET=\"Qx7~not.a.real.secret.but.long.enough \"\n"),
    );
    write(
        root,
        ".env.production",
        &format!("AZURE_TENANT_ID={TENANT}\nAZURE_CLIENT_ID={PROD_APP}\nAZURE_CLIENT_SECRET=0d9e8f7a-6b5c-4d3e-a2f1-0e9d8c7b6a5f\n"),
    );
    let (_, report) = json(root, &[]);
    let ws = findings(&report, "secret-whitespace");
    assert_eq!(ws.len(), 1, "{report:#}");
    assert_eq!(ws[0]["file"], ".env.staging");
    assert_eq!(ws[0]["line"], 3);
    let id = findings(&report, "secret-id-as-value");
    assert_eq!(id.len(), 1, "{report:#}");
    assert_eq!(id[0]["environment"], "production");
    let text = report.to_string();
    assert!(!text.contains("not.a.real.secret"), "secret value printed");
}

#[test]
fn workflow_job_referencing_another_environments_secret() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".github/workflows/deploy.yml",
        "name: deploy\non: push\njobs:\n  prod:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: azure/login@v2\n        with:\n          client-id: ${{ vars.AZURE_CLIENT_ID }}\n          tenant-id: ${{ vars.AZURE_TENANT_ID }}\n          client-secret: ${{ secrets.STAGING_CLIENT_SECRET }}\n",
    );
    let (_, report) = json(dir.path(), &[]);
    let refs = findings(&report, "cross-env-secret-reference");
    assert_eq!(refs.len(), 1, "{report:#}");
    assert_eq!(refs[0]["file"], ".github/workflows/deploy.yml");
    assert_eq!(refs[0]["line"], 12);
    assert_eq!(refs[0]["environment"], "production");
}

#[test]
fn env_filter_limits_reported_environments() {
    let dir = tempfile::tempdir().unwrap();
    crossed_repo(dir.path());
    let (_, report) = json(dir.path(), &["--env", "prod"]);
    let envs: Vec<&str> = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(envs, vec!["production"]);
    // The cross-environment finding still sees staging's side.
    assert!(
        !findings(&report, "cross-env-client-id").is_empty(),
        "{report:#}"
    );
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["environment"].is_null() || f["environment"] == "production"));
}

#[test]
fn malformed_config_file_is_a_note_and_others_still_count() {
    let dir = tempfile::tempdir().unwrap();
    crossed_repo(dir.path());
    write(
        dir.path(),
        "src/Api/appsettings.Test.json",
        "{\n  \"AzureAd\": {\n    \"ClientId\": \n}\n",
    );
    let (_, report) = json(dir.path(), &[]);
    let notes = findings(&report, "parse-error");
    assert_eq!(notes.len(), 1, "{report:#}");
    assert_eq!(notes[0]["file"], "src/Api/appsettings.Test.json");
    assert!(notes[0]["line"].as_i64().is_some());
    assert!(!findings(&report, "cross-env-client-id").is_empty());
}

#[test]
fn allow_comment_suppresses_an_inventory_finding() {
    let dir = tempfile::tempdir().unwrap();
    crossed_repo(dir.path());
    let path = dir.path().join("src/Api/appsettings.Production.json");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        &format!("\"ClientId\": \"{STAGING_APP}\","),
        &format!("\"ClientId\": \"{STAGING_APP}\", // credgate:allow cross-env-client-id"),
    );
    std::fs::write(&path, text).unwrap();
    let (_, report) = json(dir.path(), &[]);
    assert!(
        findings(&report, "cross-env-client-id")
            .iter()
            .all(|f| f["environment"] != "production"),
        "{report:#}"
    );
}

/// Every environment the repository names by a framework's convention is in the matrix,
/// whatever the name; folders still need a known name, and a pipeline file's own name never
/// makes one (issue: environments as teams name them).
#[test]
fn environments_as_frameworks_name_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ids = |client: &str| appsettings(client, "\"ClientSecret\": \"$(ClientSecret)\"");
    write(root, "src/Api/appsettings.UAT.json", &ids(STAGING_APP));
    write(root, "src/Api/appsettings.Perf.json", &ids(STAGING_APP));
    write(root, "src/Api/appsettings.DR.json", &ids(PROD_APP));
    write(
        root,
        "src/Worker/src/main/resources/application-canary.yml",
        &format!(
            "spring:\n  cloud:\n    azure:\n      credential:\n        client-id: {PROD_APP}\n"
        ),
    );
    write(
        root,
        "web/.env.westeurope-prod",
        &format!("AZURE_CLIENT_ID={PROD_APP}\n"),
    );
    write(
        root,
        ".azure/dr2/.env",
        &format!("AZURE_TENANT_ID={TENANT}\nAZURE_CLIENT_ID={PROD_APP}\n"),
    );
    // Negatives: a folder that is no known name, and the Azure Developer CLI's workflow.
    write(
        root,
        "deploy/k8s/values.yaml",
        &format!("azure:\n  clientId: {STAGING_APP}\n"),
    );
    write(
        root,
        ".github/workflows/azure-dev.yml",
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}\n    steps:\n      - run: azd up\n",
    );
    let (_, report) = json(root, &[]);
    let mut names: Vec<&str> = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["canary", "dr", "dr2", "perf", "uat", "westeurope-prod"]
    );
}

/// The names of the environment matrix's rows.
fn row_names(report: &Value) -> Vec<String> {
    let mut names: Vec<String> = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    names.sort_unstable();
    names
}

/// `appsettings.UAT.json` that sets only logging still makes ASP.NET run as `uat` on the base
/// `appsettings.json`: the environment is checked on what it inherits, with its file as the
/// source. An app that configures no Entra setting gets no rows from such files.
#[test]
fn environments_a_file_names_without_credentials_run_on_their_apps_base() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let logging = "{ \"Logging\": { \"LogLevel\": { \"Default\": \"Warning\" } } }\n";
    write(
        root,
        "src/Api/Api.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />\n",
    );
    write(
        root,
        "src/Api/appsettings.json",
        &appsettings(STAGING_APP, "\"ClientSecret\": \"\""),
    );
    write(root, "src/Api/appsettings.UAT.json", logging);
    write(root, "src/Api/appsettings.Perf.json", logging);
    write(root, "src/Api/.env.canary", "LOG_LEVEL=debug\n");
    write(
        root,
        "src/Api/appsettings.DR.json",
        &format!("{{ \"AzureAd\": {{ \"ClientId\": \"{PROD_APP}\" }} }}\n"),
    );
    // Another app with no Entra configuration: its environment files are not ours.
    write(
        root,
        "src/Shop/Shop.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />\n",
    );
    write(root, "src/Shop/appsettings.json", logging);
    write(root, "src/Shop/appsettings.Staging.json", logging);
    write(root, "src/Shop/appsettings.Development.json", logging);
    let (_, report) = json(root, &[]);
    assert_eq!(
        row_names(&report),
        ["canary", "dr", "perf", "uat"],
        "{report:#}"
    );
    let uat = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "uat")
        .unwrap();
    assert_eq!(uat["tenant_id"], TENANT);
    assert_eq!(uat["client_id"], STAGING_APP);
    assert_eq!(uat["sources"][0], "src/Api/appsettings.UAT.json");
    // `--env uat` matches it, as a name the files give.
    let (code, narrowed) = json(root, &["--env", "uat"]);
    assert_eq!(code, 0, "{narrowed:#}");
    assert_eq!(row_names(&narrowed), ["uat"]);

    // Without Entra in the base configuration, no file-named environment appears at all.
    let bare = tempfile::tempdir().unwrap();
    write(bare.path(), "appsettings.json", logging);
    write(bare.path(), "appsettings.UAT.json", logging);
    let (_, report) = json(bare.path(), &[]);
    assert!(row_names(&report).is_empty(), "{report:#}");
}

/// An Azure Developer CLI workflow selects its environment with `AZURE_ENV_NAME` at the top
/// level as often as in a job: a job without `environment:` takes the workflow's literal name.
#[test]
fn a_workflows_azure_env_name_scopes_its_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        ".github/workflows/azure-dev.yml",
        &format!(
            "on: push\nenv:\n  AZURE_ENV_NAME: westeurope-prod\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      AZURE_CLIENT_ID: {PROD_APP}\n      AZURE_TENANT_ID: {TENANT}\n    steps:\n      - run: azd deploy\n  canary:\n    runs-on: ubuntu-latest\n    env:\n      AZURE_ENV_NAME: canary\n      AZURE_CLIENT_ID: {STAGING_APP}\n    steps:\n      - run: azd deploy\n"
        ),
    );
    let (_, report) = json(root, &[]);
    assert_eq!(
        row_names(&report),
        ["canary", "westeurope-prod"],
        "{report:#}"
    );
}
