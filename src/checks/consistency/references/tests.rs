use super::*;
use crate::checks::consistency::testkit::*;
use crate::checks::consistency::view::View;
use crate::model::{Fact, Field, Inventory, ReferenceKind};

fn run(inv: &Inventory) -> Vec<Finding> {
    cross_env_secret_reference(&View::new(inv))
}

#[test]
fn names_split_into_words() {
    assert_eq!(
        words("STAGING_CLIENT_SECRET"),
        ["staging", "client", "secret"]
    );
    assert_eq!(words("stg-secrets"), ["stg", "secrets"]);
    assert_eq!(words("PRODClientSecret"), ["prod", "client", "secret"]);
    assert_eq!(
        words("stagingClientSecret"),
        ["staging", "client", "secret"]
    );
    assert_eq!(
        words("kv-prod01/secrets/api.key"),
        ["kv", "prod", "01", "secrets", "api", "key"]
    );
    assert_eq!(words("DEVOPS_PAT"), ["devops", "pat"]);
    assert!(words("__").is_empty());
}

#[test]
fn production_job_using_a_staging_secret_is_flagged() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientId,
            PROD_APP,
            "appsettings.Production.json",
            4,
        )
        .reference(
            "production",
            ReferenceKind::Secret,
            "STAGING_CLIENT_SECRET",
            ".github/workflows/deploy.yml",
            31,
        )
        .build();
    let findings = run(&inv);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.rule_id, CROSS_ENV_SECRET_REFERENCE);
    assert_eq!(f.environment.as_deref(), Some("production"));
    assert_eq!(at(f), ".github/workflows/deploy.yml:31");
    assert_eq!(f.location.column, Some(9));
    assert!(
        f.message.starts_with(
            "production's job in .github/workflows/deploy.yml:31 references the secret \
         STAGING_CLIENT_SECRET, which is named for staging, not production"
        ),
        "{}",
        f.message
    );
    assert!(f.message.contains("AADSTS7000215"));
}

#[test]
fn variable_groups_and_aliases_count() {
    let inv = Inv::new()
        .reference(
            "production",
            ReferenceKind::VariableGroup,
            "stg-secrets",
            "azure-pipelines.yml",
            12,
        )
        .reference(
            "staging",
            ReferenceKind::Secret,
            "PRD_SP_SECRET",
            "azure-pipelines.yml",
            40,
        )
        .reference(
            "test",
            ReferenceKind::Secret,
            "devClientSecret",
            "azure-pipelines.yml",
            50,
        )
        .build();
    let got: Vec<String> = run(&inv).iter().map(at).collect();
    assert_eq!(
        got,
        [
            "azure-pipelines.yml:12",
            "azure-pipelines.yml:40",
            "azure-pipelines.yml:50"
        ]
    );
    let findings = run(&inv);
    assert!(findings[0]
        .message
        .contains("variable group stg-secrets, which is named for staging"));
    assert!(findings[1]
        .message
        .contains("named for production, not staging"));
    assert!(findings[2]
        .message
        .contains("named for development, not test"));
}

#[test]
fn names_for_the_own_environment_or_none_are_fine() {
    let inv = Inv::new()
        .reference(
            "production",
            ReferenceKind::Secret,
            "PROD_CLIENT_SECRET",
            "d.yml",
            1,
        )
        .reference(
            "production",
            ReferenceKind::Secret,
            "AZURE_CLIENT_SECRET",
            "d.yml",
            2,
        )
        .reference(
            "production",
            ReferenceKind::Secret,
            "PROD_FROM_STAGING_SECRET",
            "d.yml",
            3,
        )
        .reference(
            "production",
            ReferenceKind::Secret,
            "DEVOPS_PAT",
            "d.yml",
            4,
        )
        .reference(
            "production",
            ReferenceKind::Secret,
            "LATEST_TOKEN",
            "d.yml",
            5,
        )
        .reference(
            "production",
            ReferenceKind::Variable,
            "STAGING_URL",
            "d.yml",
            6,
        )
        .reference(
            "staging",
            ReferenceKind::Secret,
            "preprod-secret",
            "d.yml",
            7,
        )
        .build();
    assert!(run(&inv).is_empty(), "{:#?}", run(&inv));
}

#[test]
fn plain_variables_count_only_when_about_credentials() {
    let inv = Inv::new()
        .reference(
            "production",
            ReferenceKind::Variable,
            "StagingClientSecret",
            "p.yml",
            1,
        )
        .reference(
            "production",
            ReferenceKind::Variable,
            "STAGING_BASE_URL",
            "p.yml",
            2,
        )
        .reference(
            "production",
            ReferenceKind::Variable,
            "stg-sp-password",
            "p.yml",
            3,
        )
        .build();
    let got: Vec<String> = run(&inv).iter().map(at).collect();
    assert_eq!(got, ["p.yml:1", "p.yml:3"]);
}

#[test]
fn key_vault_reference_named_for_another_environment() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientSecret,
            "@Microsoft.KeyVault(SecretUri=https://kv-staging.vault.azure.net/secrets/api-secret/)",
            "appsettings.Production.json",
            9,
        )
        .env(
            "staging",
            Field::ClientSecret,
            "@Microsoft.KeyVault(SecretUri=https://kv-staging.vault.azure.net/secrets/api-secret/)",
            "appsettings.Staging.json",
            9,
        )
        .build();
    let findings = run(&inv);
    assert_eq!(findings.len(), 1);
    assert_eq!(at(&findings[0]), "appsettings.Production.json:9");
    assert!(findings[0].message.starts_with(
        "production's client secret in appsettings.Production.json:9 is the Key Vault reference"
    ));
}

#[test]
fn words_of_the_own_name_are_no_evidence() {
    let inv = Inv::new()
        .env(
            "westeurope-prod",
            Field::ClientId,
            PROD_APP,
            "deploy/westeurope-prod/values.yaml",
            1,
        )
        .reference(
            "westeurope-prod",
            ReferenceKind::Secret,
            "PROD_SECRET",
            "p.yml",
            1,
        )
        .reference(
            "westeurope-prod",
            ReferenceKind::Secret,
            "STAGING_SECRET",
            "p.yml",
            2,
        )
        .build();
    let got: Vec<String> = run(&inv).iter().map(at).collect();
    assert_eq!(got, ["p.yml:2"]);
}

#[test]
fn one_reference_seen_twice_is_one_finding() {
    let mut inv = Inv::new()
        .reference(
            "production",
            ReferenceKind::Secret,
            "STAGING_CLIENT_SECRET",
            "d.yml",
            7,
        )
        .build();
    let location = inv.references[0].location.clone();
    inv.environments
        .entry("production".to_string())
        .or_default()
        .push(Fact {
            environment: Some("production".to_string()),
            field: Field::ClientSecret,
            value: crate::model::FactValue::Reference {
                kind: "github-secret".to_string(),
                name: "STAGING_CLIENT_SECRET".to_string(),
            },
            location,
            source: "test".to_string(),
        });
    let findings = run(&inv);
    assert_eq!(findings.len(), 1);
    // The fact's wording (which setting it feeds) wins over the bare reference.
    assert!(findings[0]
        .message
        .contains("client secret in d.yml:7 is the GitHub secret"));
}

#[test]
fn aliases_declared_in_the_configuration_are_recognised() {
    let inv = Inv::new()
        .env("uat", Field::ClientId, STG_APP, "deploy/uat/values.yaml", 1)
        .reference(
            "production",
            ReferenceKind::Secret,
            "ACCEPTANCE_CLIENT_SECRET",
            "p.yml",
            4,
        )
        .build();
    assert!(run(&inv).is_empty());
    let mut names = crate::inventory::environment::EnvironmentNames::default();
    names.declare("uat", &["acceptance".to_string()]);
    let findings = cross_env_secret_reference(&View::with_names(&inv, &names));
    assert_eq!(findings.len(), 1);
    assert!(findings[0]
        .message
        .contains("named for uat, not production"));
}
