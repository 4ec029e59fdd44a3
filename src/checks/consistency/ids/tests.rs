use super::*;
use crate::checks::consistency::testkit::*;
use crate::checks::consistency::view::View;
use crate::model::{Field, Severity};

fn run(inv: &crate::model::Inventory, rule: fn(&View) -> Vec<Finding>) -> Vec<Finding> {
    rule(&View::new(inv))
}

#[test]
fn copy_of_another_environments_client_id_is_blamed() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            PROD_APP,
            "appsettings.Production.json",
            7,
        )
        .env(
            "production",
            Field::ClientId,
            STG_APP,
            ".github/workflows/deploy.yml",
            22,
        )
        .env(
            "staging",
            Field::ClientId,
            STG_APP,
            "appsettings.Staging.json",
            7,
        )
        .build();
    let findings = run(&inv, client_id_mismatch);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.rule_id, CLIENT_ID_MISMATCH);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.environment.as_deref(), Some("production"));
    assert_eq!(at(f), ".github/workflows/deploy.yml:22");
    assert_eq!(f.location.column, Some(5));
    assert!(
        f.message
            .contains("5a…c2 in .github/workflows/deploy.yml:22"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("1f…c3 in appsettings.Production.json:7"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("staging's client id (appsettings.Staging.json:7)"),
        "{}",
        f.message
    );
    assert!(f.message.contains("AADSTS7000215"));
    assert!(f.fix.as_deref().unwrap_or("").contains(PROD_APP));
}

#[test]
fn expectation_decides_which_value_is_wrong() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            STG_APP,
            "a/appsettings.Production.json",
            7,
        )
        .env(
            "production",
            Field::ClientId,
            STG_APP,
            "b/appsettings.Production.json",
            7,
        )
        .env("production", Field::ClientId, PROD_APP, "deploy.yml", 3)
        .expect("production", |e| {
            e.client_id = Some(format!("{{{}}}", PROD_APP.to_uppercase()))
        })
        .build();
    let findings = run(&inv, client_id_mismatch);
    let places: Vec<String> = findings.iter().map(at).collect();
    assert_eq!(
        places,
        [
            "a/appsettings.Production.json:7",
            "b/appsettings.Production.json:7"
        ]
    );
    assert!(findings[0].message.contains("credgate.toml expects 1f…c3"));
}

#[test]
fn a_lone_value_differing_from_the_expectation_is_flagged() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            STG_APP,
            "appsettings.Production.json",
            7,
        )
        .expect("production", |e| e.client_id = Some(PROD_APP.to_string()))
        .build();
    let findings = run(&inv, client_id_mismatch);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message.split(". ").next().unwrap_or(""),
        "production uses client id 5a…c2 in appsettings.Production.json:7, but credgate.toml expects 1f…c3"
    );
}

#[test]
fn minority_then_later_source() {
    let minority = Inv::new()
        .env("production", Field::ClientId, PROD_APP, "a.json", 1)
        .env("production", Field::ClientId, PROD_APP, "b.json", 1)
        .env("production", Field::ClientId, DEV_APP, "c.json", 1)
        .build();
    let findings = run(&minority, client_id_mismatch);
    assert_eq!(findings.iter().map(at).collect::<Vec<_>>(), ["c.json:1"]);
    assert!(findings[0].message.contains("2 sources agree on 1f…c3"));

    let tie = Inv::new()
        .env("production", Field::ClientId, DEV_APP, "z.json", 1)
        .env("production", Field::ClientId, PROD_APP, "a.json", 1)
        .build();
    let findings = run(&tie, client_id_mismatch);
    assert_eq!(findings.iter().map(at).collect::<Vec<_>>(), ["z.json:1"]);
}

#[test]
fn overriding_the_base_value_is_not_a_mismatch() {
    let inv = Inv::new()
        .base(Field::ClientId, DEV_APP, "appsettings.json", 4)
        .env(
            "production",
            Field::ClientId,
            PROD_APP,
            "appsettings.Production.json",
            4,
        )
        .base(Field::TenantId, TENANT_A, "appsettings.json", 5)
        .env(
            "production",
            Field::TenantId,
            TENANT_B,
            "appsettings.Production.json",
            5,
        )
        .build();
    assert!(run(&inv, client_id_mismatch).is_empty());
    assert!(run(&inv, tenant_id_mismatch).is_empty());
}

#[test]
fn inherited_base_value_is_checked_against_the_expectation() {
    let inv = Inv::new()
        .base(Field::ClientId, DEV_APP, "appsettings.json", 4)
        .env(
            "production",
            Field::TenantId,
            TENANT_A,
            "appsettings.Production.json",
            5,
        )
        .expect("production", |e| e.client_id = Some(PROD_APP.to_string()))
        .build();
    let findings = run(&inv, client_id_mismatch);
    assert_eq!(findings.len(), 1);
    assert_eq!(at(&findings[0]), "appsettings.json:4");
    assert_eq!(findings[0].environment.as_deref(), Some("production"));
    assert!(findings[0]
        .message
        .starts_with("production inherits client id d0…d1 from appsettings.json:4"));
}

#[test]
fn references_placeholders_and_spelling_are_not_mismatches() {
    let inv = Inv::new()
        .env("production", Field::ClientId, PROD_APP, "a.json", 1)
        .env(
            "production",
            Field::ClientId,
            &PROD_APP.to_uppercase(),
            "b.json",
            1,
        )
        .env(
            "production",
            Field::ClientId,
            &format!("{{{PROD_APP}}}"),
            "c.json",
            1,
        )
        .env(
            "production",
            Field::ClientId,
            "${{ vars.AZURE_CLIENT_ID }}",
            "d.yml",
            1,
        )
        .env(
            "production",
            Field::ClientId,
            "Enter_the_Application_Id_here",
            "e.json",
            1,
        )
        .env(
            "production",
            Field::ClientId,
            "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/id/)",
            "f.json",
            1,
        )
        .env("production", Field::ClientId, "not-a-guid", "g.json", 1)
        .build();
    assert!(run(&inv, client_id_mismatch).is_empty());
}

#[test]
fn tenant_guid_and_domain_are_not_compared() {
    let inv = Inv::new()
        .env("production", Field::TenantId, TENANT_A, "a.json", 1)
        .env(
            "production",
            Field::TenantId,
            "contoso.onmicrosoft.com",
            "b.json",
            1,
        )
        .env(
            "production",
            Field::TenantId,
            "Contoso.OnMicrosoft.com",
            "c.json",
            1,
        )
        .build();
    assert!(run(&inv, tenant_id_mismatch).is_empty());
    // A domain expectation says nothing about a GUID value either.
    let inv = Inv::new()
        .env("production", Field::TenantId, TENANT_A, "a.json", 1)
        .expect("production", |e| {
            e.tenant_id = Some("contoso.com".to_string())
        })
        .build();
    assert!(run(&inv, tenant_id_mismatch).is_empty());
}

#[test]
fn two_tenant_guids_or_two_domains_are_a_mismatch() {
    let inv = Inv::new()
        .env(
            "staging",
            Field::TenantId,
            TENANT_A,
            "appsettings.Staging.json",
            3,
        )
        .env(
            "staging",
            Field::TenantId,
            TENANT_B,
            "deploy/staging/values.yaml",
            9,
        )
        .env(
            "production",
            Field::TenantId,
            "contoso.onmicrosoft.com",
            "a.json",
            1,
        )
        .env(
            "production",
            Field::TenantId,
            "fabrikam.onmicrosoft.com",
            "b.json",
            1,
        )
        .build();
    let findings = run(&inv, tenant_id_mismatch);
    let got: Vec<(String, Option<&str>)> = findings
        .iter()
        .map(|f| (at(f), f.environment.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("deploy/staging/values.yaml:9".to_string(), Some("staging")),
            ("b.json:1".to_string(), Some("production")),
        ]
    );
    assert!(findings[0]
        .message
        .contains("9a…02 in deploy/staging/values.yaml:9 but 72…47 in appsettings.Staging.json:3"));
    assert!(findings[1].message.contains("fabrikam.onmicrosoft.com"));
}

#[test]
fn malformed_client_ids_and_tenants() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            "my-api-app",
            "appsettings.Production.json",
            4,
        )
        .env(
            "production",
            Field::TenantId,
            "common",
            "appsettings.Production.json",
            5,
        )
        .env(
            "production",
            Field::ClientSecret,
            "$(ProdSecret)",
            "appsettings.Production.json",
            6,
        )
        .env(
            "staging",
            Field::TenantId,
            "contoso",
            "appsettings.Staging.json",
            5,
        )
        .env(
            "staging",
            Field::ClientId,
            &STG_APP.replace('-', ""),
            "appsettings.Staging.json",
            4,
        )
        .base(
            Field::TenantId,
            "https://login.microsoftonline.com/contoso.com",
            "appsettings.json",
            2,
        )
        .env(
            "test",
            Field::TenantId,
            "contoso.onmicrosoft.com",
            "a.json",
            1,
        )
        .env("test", Field::TenantId, TENANT_A, "b.json", 1)
        .env("test", Field::ClientId, "<client-id>", "c.json", 1)
        .env("test", Field::ClientId, "$(ClientId)", "d.yml", 1)
        .build();
    let findings = run(&inv, malformed_id);
    let got: Vec<String> = findings.iter().map(at).collect();
    assert_eq!(
        got,
        [
            "appsettings.Staging.json:4",
            "appsettings.Staging.json:5",
            "appsettings.Production.json:4",
            "appsettings.Production.json:5",
            "appsettings.json:2",
        ]
    );
    assert!(findings[0].message.contains("32 hex digits"));
    assert!(findings[1].message.contains("bare name"));
    assert!(findings[2]
        .message
        .starts_with("production's client id in appsettings.Production.json:4 is not a GUID"));
    assert!(findings[2].message.contains("AADSTS700016"));
    assert!(findings[3].message.contains("`common`"));
    assert!(findings[3].message.contains("user sign-in"));
    assert!(findings[3]
        .message
        .contains("client secret (appsettings.Production.json:6)"));
    assert!(findings[4]
        .message
        .starts_with("The tenant in appsettings.json:2"));
    assert!(findings[4].message.contains("is a URL"));
    assert_eq!(findings[4].environment, None);
}

#[test]
fn common_tenants_are_fine_for_sign_in_apps() {
    // A multi-tenant web app: `common` with a redirect URI, or with no credential at all.
    let inv = Inv::new()
        .base(Field::TenantId, "organizations", "web/appsettings.json", 5)
        .base(
            Field::ClientSecret,
            "$(WebSecret)",
            "web/appsettings.json",
            6,
        )
        .base(
            Field::RedirectUri,
            "https://app.contoso.com/signin-oidc",
            "web/appsettings.json",
            7,
        )
        .base(Field::TenantId, "common", "spa/.env", 1)
        .base(
            Field::ClientSecret,
            "[Copy the client secret here]",
            "api/appsettings.json",
            3,
        )
        .base(Field::TenantId, "consumers", "api/appsettings.json", 2)
        // Words under a key that ends in ClientId, in base configuration: another setting.
        .base(Field::ClientId, "timeout", "deploy/catalog/item.yaml", 9)
        .build();
    assert!(run(&inv, malformed_id).is_empty());
    // `common` beside app-only settings in base configuration is still reported.
    let inv = Inv::new()
        .base(Field::TenantId, "common", "daemon/appsettings.json", 1)
        .base(
            Field::ClientSecret,
            "$(DaemonSecret)",
            "daemon/appsettings.json",
            2,
        )
        .build();
    assert_eq!(run(&inv, malformed_id).len(), 1);
}

#[test]
fn malformed_messages_never_repeat_the_value() {
    // A secret pasted into the client id field must not reach the report.
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            SECRET_1,
            "appsettings.Production.json",
            4,
        )
        .build();
    let findings = run(&inv, malformed_id);
    assert_eq!(findings.len(), 1);
    assert!(!findings[0].message.contains(SECRET_1));
    assert!(!findings[0].message.contains(&SECRET_1[..12]));
    assert!(findings[0].message.contains("40 characters"));
}

#[test]
fn separate_apps_of_one_repository_are_not_a_mismatch() {
    // A monorepo: each service has its own app registration in production.
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            PROD_APP,
            "services/orders/.env.prod",
            2,
        )
        .env(
            "production",
            Field::ClientId,
            STG_APP,
            "services/billing/.env.prod",
            2,
        )
        .build();
    assert!(run(&inv, client_id_mismatch).is_empty());
    // A repository-level source is compared with every app: here it disagrees with billing.
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            PROD_APP,
            "services/orders/.env.prod",
            2,
        )
        .env(
            "production",
            Field::ClientId,
            PROD_APP,
            "deploy/values-prod.yaml",
            4,
        )
        .env(
            "production",
            Field::ClientId,
            STG_APP,
            "services/billing/.env.prod",
            2,
        )
        .build();
    let findings = run(&inv, client_id_mismatch);
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f.location.file.as_deref() != Some("services/orders/.env.prod")));
}
