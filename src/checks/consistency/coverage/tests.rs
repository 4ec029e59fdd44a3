use super::*;
use crate::checks::consistency::testkit::*;
use crate::checks::consistency::view::View;
use crate::model::{Field, Inventory, Severity};

fn run(inv: &Inventory) -> Vec<Finding> {
    missing_credential(&View::new(inv))
}

fn complete(inv: Inv, env: &str, file: &str) -> Inv {
    inv.env(env, Field::TenantId, TENANT_A, file, 2)
        .env(env, Field::ClientId, PROD_APP, file, 3)
        .env(env, Field::ClientSecret, "${{ secrets.X }}", file, 4)
}

#[test]
fn missing_secret_is_reported_at_the_environments_first_file() {
    let inv = complete(Inv::new(), "development", ".env.development");
    let inv = complete(inv, "production", "appsettings.Production.json")
        .env(
            "staging",
            Field::TenantId,
            TENANT_A,
            "config/staging/b.yaml",
            2,
        )
        .env(
            "staging",
            Field::ClientId,
            STG_APP,
            "config/staging/a.yaml",
            3,
        )
        .build();
    let findings = run(&inv);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.rule_id, MISSING_CREDENTIAL);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.environment.as_deref(), Some("staging"));
    assert_eq!(f.location.file.as_deref(), Some("config/staging/a.yaml"));
    assert_eq!(f.location.line, None);
    assert_eq!(
        f.message,
        "staging has no client secret or certificate, while development (.env.development:4) \
         and production (appsettings.Production.json:4) have one; without it the token request \
         carries no credential and fails with AADSTS7000218."
    );
}

#[test]
fn base_configuration_supplies_what_environments_lack() {
    let inv = complete(Inv::new(), "production", "p.json")
        .env("staging", Field::ClientSecret, "$(Secret)", "s.yml", 1)
        .base(Field::TenantId, TENANT_A, "appsettings.json", 2)
        .base(Field::ClientId, DEV_APP, "appsettings.json", 3)
        .build();
    assert!(run(&inv).is_empty());
}

#[test]
fn certificates_placeholders_and_references_are_present() {
    let inv = complete(Inv::new(), "production", "p.json")
        .env("staging", Field::TenantId, "<tenant-id>", "s.json", 1)
        .env("staging", Field::ClientId, "$(ClientId)", "s.json", 2)
        .env(
            "staging",
            Field::Certificate,
            "/etc/certs/app.pem",
            "s.json",
            3,
        )
        .build();
    assert!(run(&inv).is_empty());
}

#[test]
fn pipeline_references_supply_the_field_they_name() {
    let inv = complete(Inv::new(), "production", "p.json")
        .env("staging", Field::TenantId, TENANT_A, "s.json", 1)
        .env("staging", Field::ClientId, STG_APP, "s.json", 2)
        .reference(
            "staging",
            crate::model::ReferenceKind::Secret,
            "STAGING_AZURE_CLIENT_SECRET",
            "d.yml",
            9,
        )
        .build();
    assert!(run(&inv).is_empty());
    // …and count as the other side's definition too.
    let inv = Inv::new()
        .env("production", Field::ClientId, PROD_APP, "p.json", 1)
        .env("staging", Field::ClientId, STG_APP, "s.json", 1)
        .reference(
            "staging",
            crate::model::ReferenceKind::Secret,
            "STAGING_AZURE_CLIENT_SECRET",
            "d.yml",
            9,
        )
        .build();
    let findings = run(&inv);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].message.starts_with(
        "production has no client secret or certificate, while staging (d.yml:9) has one"
    ));
}

#[test]
fn variable_groups_may_hold_anything() {
    let inv = complete(Inv::new(), "production", "p.json")
        .env("staging", Field::ClientId, STG_APP, "s.json", 1)
        .reference(
            "staging",
            crate::model::ReferenceKind::VariableGroup,
            "staging-secrets",
            "a.yml",
            3,
        )
        .build();
    assert!(run(&inv).is_empty());
}

#[test]
fn nothing_is_missing_when_no_environment_has_it() {
    let inv = Inv::new()
        .env("production", Field::ClientId, PROD_APP, "p.json", 1)
        .env("staging", Field::ClientId, STG_APP, "s.json", 1)
        .build();
    assert!(run(&inv).is_empty());
}

#[test]
fn each_missing_field_is_its_own_finding() {
    let inv = complete(Inv::new(), "production", "p.json")
        .env(
            "test",
            Field::Authority,
            "https://login.microsoftonline.com/",
            "t.json",
            1,
        )
        .build();
    let findings = run(&inv);
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(findings.len(), 3, "{messages:#?}");
    assert!(messages[0].starts_with("test has no tenant id"));
    assert!(messages[0].contains("AADSTS50194"));
    assert!(messages[1].starts_with("test has no client id"));
    assert!(messages[2].starts_with("test has no client secret"));
    let prints: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.fingerprint.as_str()).collect();
    assert_eq!(prints.len(), 3);
}
