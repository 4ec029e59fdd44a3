use super::*;

const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const TENANT: &str = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const SECRET: &str = "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678";

/// `(field, line, column)` of every fact.
fn places(out: &FileFacts) -> Vec<(Field, u32, u32)> {
    out.facts
        .iter()
        .map(|f| {
            (
                f.field,
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
            )
        })
        .collect()
}

fn reference(name: &str) -> FactValue {
    FactValue::Reference {
        kind: "terraform".into(),
        name: name.into(),
    }
}

#[test]
fn tfvars_attributes_and_maps() {
    let text = format!(
        "client_id = \"{CLIENT}\"\ntenant_id = \"{TENANT}\"\nclient_secret = \"{SECRET}\"\nlocation = \"westeurope\"\nsubscription_id = \"{CLIENT}\"\nazuread = {{\n  client_id = \"{CLIENT}\"\n  \"ARM_TENANT_ID\" = \"{TENANT}\"\n}}\n"
    );
    let out = extract("env/prod/prod.tfvars", &text);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        places(&out),
        vec![
            (Field::ClientId, 1, 14),
            (Field::TenantId, 2, 14),
            (Field::ClientSecret, 3, 18),
            (Field::ClientId, 7, 16),
            (Field::TenantId, 8, 22),
        ]
    );
    assert_eq!(out.facts[0].value, FactValue::Plain(CLIENT.into()));
    assert!(matches!(&out.facts[2].value, FactValue::Secret(s) if s.expose() == SECRET));
    assert_eq!(out.facts[2].location.end_column, Some(18 + 40));
    assert!(out
        .facts
        .iter()
        .all(|f| f.source == "terraform" && f.environment.is_none()));
    assert!(!format!("{out:?}").contains(SECRET));
}

#[test]
fn provider_blocks_with_expressions_are_references() {
    let text = r#"terraform {
  backend "azurerm" {
    use_oidc = true
  }
}

provider "azurerm" {
  features {}
  client_id       = var.client_id
  tenant_id       = "${var.tenant_id}"
  client_secret   = data.azurerm_key_vault_secret.sp.value
  subscription_id = var.subscription_id
}

provider "azuread" {
  tenant_id     = local.tenant
  client_secret = coalesce(var.secret, "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678")
}
"#;
    let out = extract("infra/main.tf", text);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        places(&out),
        vec![
            (Field::ClientId, 9, 21),
            (Field::TenantId, 10, 24),
            (Field::ClientSecret, 11, 21),
            (Field::TenantId, 16, 19),
            (Field::ClientSecret, 17, 19),
        ]
    );
    let values: Vec<_> = out.facts.iter().map(|f| f.value.clone()).collect();
    assert_eq!(
        values,
        vec![
            reference("var.client_id"),
            reference("var.tenant_id"),
            reference("data.azurerm_key_vault_secret.sp.value"),
            reference("local.tenant"),
            reference("coalesce(var.secret, \"…\")"),
        ]
    );
    assert!(!format!("{out:?}").contains("abc8Q"));
}

#[test]
fn literal_provider_credentials_are_facts() {
    let text = format!(
        "provider \"azurerm\" {{\n  features {{}}\n  client_id     = \"{CLIENT}\"\n  client_secret = \"{SECRET}\"\n  client_certificate = \"MIIKmQIBAzCCCl8GCSqGSIb3DQEHAaCCClAEggpM\"\n  client_certificate_path = \"/certs/sp.pfx\"\n}}\n"
    );
    let out = extract("infra/providers.tf", &text);
    let fields: Vec<_> = out.facts.iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        vec![
            Field::ClientId,
            Field::ClientSecret,
            Field::Certificate,
            Field::Certificate
        ]
    );
    assert!(
        matches!(out.facts[2].value, FactValue::Secret(_)),
        "inline certificate content holds the private key"
    );
    assert_eq!(out.facts[3].value, FactValue::Plain("/certs/sp.pfx".into()));
}

#[test]
fn variable_defaults_are_values() {
    let text = format!(
        "variable \"client_id\" {{\n  type    = string\n  default = \"{CLIENT}\"\n}}\n\nvariable \"client_secret\" {{\n  type      = string\n  sensitive = true\n}}\n\nvariable \"azure\" {{\n  default = {{\n    tenant_id = \"{TENANT}\"\n  }}\n}}\n\nvariable \"description\" {{\n  default = \"client_id\"\n}}\n"
    );
    let out = extract("infra/variables.tf", &text);
    assert_eq!(
        places(&out),
        vec![(Field::ClientId, 3, 14), (Field::TenantId, 13, 18)]
    );
}

#[test]
fn name_value_pairs_and_string_keys() {
    let text = format!(
        r#"resource "azuredevops_variable_group" "prod" {{
  name = "prod-secrets"
  variable {{
    name  = "ARM_CLIENT_ID"
    value = "{CLIENT}"
  }}
  variable {{
    name         = "ARM_CLIENT_SECRET"
    secret_value = var.sp_secret
    is_secret    = true
  }}
}}

resource "azurerm_linux_web_app" "api" {{
  app_settings = {{
    "AZURE_CLIENT_ID"  = "{CLIENT}"
    "WEBSITE_RUN_FROM_PACKAGE" = "1"
  }}
  site_config {{
    env = [{{ name = "AZURE_TENANT_ID", value = "{TENANT}" }}]
  }}
}}
"#
    );
    let out = extract("infra/app.tf", &text);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        places(&out),
        vec![
            (Field::ClientId, 5, 14),
            (Field::ClientSecret, 9, 20),
            (Field::ClientId, 16, 27),
            (Field::TenantId, 20, 49),
        ]
    );
    assert_eq!(out.facts[1].value, reference("var.sp_secret"));
}

#[test]
fn heredocs_and_templates() {
    let text = "client_secret = <<EOT\n  s3cr3t-from-heredoc\nEOT\ntenant_id = \"https://login.microsoftonline.com/${var.tenant}/v2.0\"\nclient_id = <<-EOT\n    indented-id\n    EOT\n";
    let out = extract("x.tfvars", text);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        places(&out),
        vec![
            (Field::ClientSecret, 2, 1),
            (Field::TenantId, 4, 14),
            (Field::ClientId, 6, 5),
        ]
    );
    assert!(
        matches!(&out.facts[0].value, FactValue::Secret(s) if s.expose() == "  s3cr3t-from-heredoc\n"),
        "a heredoc keeps its whitespace, which secret-whitespace must see"
    );
    assert_eq!(out.facts[1].value, reference("\"…${var.tenant}…\""));
    assert_eq!(out.facts[2].value, FactValue::Plain("indented-id".into()));
}

#[test]
fn placeholders_and_unrelated_attributes() {
    let text = "client_id = \"<client-id>\"\nname = \"api\"\ntags = { owner = \"team\" }\noutput \"client_secret\" {\n  value = \"not-read\"\n}\n";
    let out = extract("dev.tfvars", text);
    assert_eq!(out.facts.len(), 1);
    assert_eq!(out.facts[0].value, FactValue::Plain("<client-id>".into()));
}

#[test]
fn duplicate_attribute_is_a_parse_error_like_terraform() {
    let out = extract(
        "prod.tfvars",
        "client_id = \"first\"\nclient_id = \"second\"\n",
    );
    assert!(out.facts.is_empty());
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].location.line, Some(2));
    assert!(out.problems[0].message.contains("invalid HCL"));
}

#[test]
fn malformed_hcl_is_a_parse_error_without_the_source_line() {
    let out = extract(
        "main.tf",
        &format!("provider \"azurerm\" {{\n  client_secret = \"{SECRET}\n}}\n"),
    );
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].location.line, Some(2));
    let shown = format!("{:?}", out.problems);
    assert!(!shown.contains("abc8Q"), "{shown}");
}

#[test]
fn crlf_and_bom() {
    let out = extract(
        "prod.tfvars",
        &format!("\u{feff}location = \"x\"\r\nclient_id = \"{CLIENT}\"\r\n"),
    );
    assert_eq!(places(&out), vec![(Field::ClientId, 2, 14)]);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let deep = format!("x = {}", "[".repeat(10_000));
            extract("deep.tfvars", &deep).problems.len()
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), 1);
}

#[test]
fn masking_keeps_references_and_hides_literals() {
    assert_eq!(mask_string_literals("var.x"), "var.x");
    assert_eq!(
        mask_string_literals(r#"lookup(var.m, "k\"ey", "default")"#),
        r#"lookup(var.m, "…", "…")"#
    );
    assert_eq!(
        mask_string_literals(r#""pre-${upper("lit")}-post""#),
        r#""…${upper("…")}…""#
    );
    assert_eq!(mask_string_literals("\"unterminated"), "\"…");
    assert_eq!(reference_name("a  \n  b"), "a b");
    assert!(reference_name(&"x".repeat(500)).chars().count() <= MAX_REFERENCE_CHARS + 1);
}

/// `field line:column value` per fact, secrets shown only as `<secret>`.
use crate::extract::test_support::describe;

#[test]
fn fixture_repository_matches_its_expected_facts() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "env/prod/prod.tfvars",
            include_str!("../../../tests/fixtures/terraform/env/prod/prod.tfvars"),
            &[
                "client_id 2:19 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                "tenant_id 3:19 72f988bf-86f1-41af-91ab-2d7cd011db47",
            ],
        ),
        (
            "env/staging/staging.tfvars",
            include_str!("../../../tests/fixtures/terraform/env/staging/staging.tfvars"),
            &[
                "client_id 4:16 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                "tenant_id 5:16 72f988bf-86f1-41af-91ab-2d7cd011db47",
            ],
        ),
        (
            "env/dev/dev.auto.tfvars",
            include_str!("../../../tests/fixtures/terraform/env/dev/dev.auto.tfvars"),
            &[
                "client_id 1:18 Enter_the_Application_Id_here",
                "client_secret 2:18 <secret>",
            ],
        ),
        (
            "infra/main.tf",
            include_str!("../../../tests/fixtures/terraform/infra/main.tf"),
            &[
                "tenant_id 13:14 72f988bf-86f1-41af-91ab-2d7cd011db47",
                "client_id 18:21 terraform:var.client_id",
                "tenant_id 19:24 terraform:var.tenant_id",
                "tenant_id 24:19 terraform:var.tenant_id",
                "client_secret 25:19 terraform:data.azurerm_key_vault_secret.sp.value",
                "client_id 31:27 terraform:var.client_id",
                "authority 32:28 https://login.microsoftonline.com/",
            ],
        ),
    ];
    for (path, text, expected) in cases {
        let out = extract(path, text);
        assert!(out.problems.is_empty(), "{path}: {:?}", out.problems);
        assert_eq!(describe(&out), *expected, "{path}");
    }
    let broken = extract(
        "infra/broken.tf",
        include_str!("../../../tests/fixtures/terraform/infra/broken.tf"),
    );
    assert!(broken.facts.is_empty());
    assert_eq!(broken.problems.len(), 1);
    assert_eq!(broken.problems[0].location.line, Some(3));
}

fn secret_values(out: &FileFacts) -> Vec<FactValue> {
    out.facts
        .iter()
        .filter(|f| f.field == Field::ClientSecret)
        .map(|f| f.value.clone())
        .collect()
}

#[test]
fn key_vault_secret_data_sources_with_literal_vaults_become_key_vault_references() {
    let text = r#"
data "azurerm_key_vault" "kv" {
  name                = "kv-prod"
  resource_group_name = "rg"
}

data "azurerm_key_vault_secret" "api" {
  name         = "api-client-secret"
  key_vault_id = data.azurerm_key_vault.kv.id
}

data "azurerm_key_vault_secret" "by_id" {
  name         = "other"
  key_vault_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-stg"
}

data "azurerm_key_vault_secret" "computed" {
  name         = var.secret_name
  key_vault_id = azurerm_key_vault.made_here.id
}

provider "azuread" {
  client_secret = data.azurerm_key_vault_secret.api.value
}

module "a" {
  client_secret = data.azurerm_key_vault_secret.by_id.value
}

module "b" {
  client_secret = data.azurerm_key_vault_secret.computed.value
}
"#;
    let kv = |name: &str| FactValue::Reference {
        kind: "key-vault".into(),
        name: name.into(),
    };
    assert_eq!(
        secret_values(&extract("main.tf", text)),
        vec![
            kv("VaultName=kv-prod;SecretName=api-client-secret"),
            kv("VaultName=kv-stg;SecretName=other"),
            reference("data.azurerm_key_vault_secret.computed.value"),
        ]
    );
}
