use super::*;
use crate::checks::consistency::testkit::*;
use crate::checks::consistency::view::View;
use crate::model::{Field, Inventory};

fn client_ids(inv: &Inventory) -> Vec<Finding> {
    cross_env_client_id(&View::new(inv))
}

fn reuse(inv: &Inventory) -> Vec<Finding> {
    secret_reuse(&View::new(inv))
}

#[test]
fn production_using_stagings_client_id_is_flagged_on_production() {
    let inv = Inv::new()
        .env(
            "staging",
            Field::ClientId,
            PROD_APP,
            "appsettings.Staging.json",
            7,
        )
        .env(
            "production",
            Field::ClientId,
            &PROD_APP.to_uppercase(),
            "appsettings.Production.json",
            7,
        )
        .build();
    let findings = client_ids(&inv);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.rule_id, CROSS_ENV_CLIENT_ID);
    assert_eq!(f.environment.as_deref(), Some("production"));
    assert_eq!(at(f), "appsettings.Production.json:7");
    assert!(
        f.message.starts_with(
            "production uses client id 1f…c3 from appsettings.Production.json:7, which is \
             staging's client id in appsettings.Staging.json:7; each environment should have its \
             own app registration"
        ),
        "{}",
        f.message
    );
    assert!(f.message.contains("AADSTS7000215"));
    assert!(f.fix.as_deref().unwrap_or("").contains("[[shared_apps]]"));
}

#[test]
fn one_finding_per_pair_on_the_later_environment() {
    let inv = Inv::new()
        .env("production", Field::ClientId, DEV_APP, "p.json", 1)
        .env("development", Field::ClientId, DEV_APP, "d.json", 1)
        .env("staging", Field::ClientId, DEV_APP, "s.json", 1)
        .env("uat", Field::ClientId, STG_APP, "u.json", 1)
        .build();
    let got: Vec<(String, String)> = client_ids(&inv)
        .iter()
        .map(|f| (f.environment.clone().unwrap_or_default(), at(f)))
        .collect();
    assert_eq!(
        got,
        [
            ("staging".to_string(), "s.json:1".to_string()),
            ("production".to_string(), "p.json:1".to_string()),
            ("production".to_string(), "p.json:1".to_string()),
        ]
    );
    let findings = client_ids(&inv);
    assert!(findings[1]
        .message
        .contains("development's client id in d.json:1"));
    assert!(findings[2]
        .message
        .contains("staging's client id in s.json:1"));
    assert_ne!(findings[1].fingerprint, findings[2].fingerprint);
}

#[test]
fn declared_shared_apps_are_not_flagged() {
    let base = || {
        Inv::new()
            .env("staging", Field::ClientId, PROD_APP, "s.json", 1)
            .env("production", Field::ClientId, PROD_APP, "p.json", 1)
            .env("test", Field::ClientId, PROD_APP, "t.json", 1)
    };
    assert!(client_ids(&base().shared(&PROD_APP.to_uppercase(), &[]).build()).is_empty());
    // Shared by staging and production only: test is still wired to their app.
    let partial = client_ids(&base().shared(PROD_APP, &["staging", "production"]).build());
    let got: Vec<String> = partial.iter().map(at).collect();
    assert_eq!(got, ["s.json:1", "p.json:1"]);
    assert!(partial
        .iter()
        .all(|f| f.message.contains("test's client id")));
    // Both environments expecting the same client id is a declaration too.
    let expected = base()
        .expect("staging", |e| e.client_id = Some(PROD_APP.to_string()))
        .expect("production", |e| e.client_id = Some(PROD_APP.to_string()))
        .expect("test", |e| e.client_id = Some(PROD_APP.to_string()))
        .build();
    assert!(client_ids(&expected).is_empty());
}

#[test]
fn base_values_belong_to_no_environment() {
    let inv = Inv::new()
        .base(Field::ClientId, PROD_APP, "appsettings.json", 3)
        .env("staging", Field::ClientId, STG_APP, "s.json", 1)
        .env("production", Field::ClientId, PROD_APP, "p.json", 1)
        .base(Field::ClientSecret, SECRET_1, ".env", 2)
        .env(
            "production",
            Field::ClientSecret,
            SECRET_1,
            ".env.production",
            2,
        )
        .build();
    assert!(client_ids(&inv).is_empty());
    assert!(reuse(&inv).is_empty());
}

#[test]
fn references_and_placeholders_are_not_shared_ids() {
    let inv = Inv::new()
        .env(
            "staging",
            Field::ClientId,
            "${{ vars.CLIENT_ID }}",
            "s.yml",
            1,
        )
        .env(
            "production",
            Field::ClientId,
            "${{ vars.CLIENT_ID }}",
            "p.yml",
            1,
        )
        .env(
            "staging",
            Field::ClientId,
            "Enter_the_Application_Id_here",
            "s.json",
            1,
        )
        .env(
            "production",
            Field::ClientId,
            "Enter_the_Application_Id_here",
            "p.json",
            1,
        )
        .env(
            "staging",
            Field::ClientSecret,
            "<client-secret>",
            "s.json",
            2,
        )
        .env(
            "production",
            Field::ClientSecret,
            "<client-secret>",
            "p.json",
            2,
        )
        .build();
    assert!(client_ids(&inv).is_empty());
    assert!(reuse(&inv).is_empty());
}

#[test]
fn reused_secret_is_flagged_on_the_later_environment_without_the_value() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientSecret,
            SECRET_1,
            ".env.production",
            3,
        )
        .env(
            "development",
            Field::ClientSecret,
            SECRET_1,
            ".env.development",
            3,
        )
        .env("staging", Field::ClientSecret, SECRET_2, ".env.staging", 3)
        .build();
    let findings = reuse(&inv);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.rule_id, SECRET_REUSE);
    assert_eq!(f.environment.as_deref(), Some("production"));
    assert_eq!(at(f), ".env.production:3");
    let redacted = crate::secret::Redacted::of(SECRET_1);
    assert_eq!(f.secret.as_ref(), Some(&redacted));
    assert!(f.message.contains(&redacted.to_string()), "{}", f.message);
    assert!(f.message.contains("as development in .env.development:3"));
    for text in [&f.message, f.fix.as_deref().unwrap_or("")] {
        assert!(!text.contains(SECRET_1));
        assert!(!text.contains(&SECRET_1[..10]));
    }
}

#[test]
fn secrets_differing_only_in_whitespace_are_different_values() {
    let inv = Inv::new()
        .env("staging", Field::ClientSecret, SECRET_1, "s.env", 1)
        .env(
            "production",
            Field::ClientSecret,
            &format!("{SECRET_1} "),
            "p.env",
            1,
        )
        .build();
    assert!(reuse(&inv).is_empty());
}

#[test]
fn environments_sharing_a_declared_app_may_share_its_secret() {
    let inv = Inv::new()
        .env("staging", Field::ClientId, PROD_APP, "s.json", 1)
        .env("production", Field::ClientId, PROD_APP, "p.json", 1)
        .env("staging", Field::ClientSecret, SECRET_1, "s.json", 2)
        .env("production", Field::ClientSecret, SECRET_1, "p.json", 2)
        .shared(PROD_APP, &["staging", "production"])
        .build();
    assert!(reuse(&inv).is_empty());
    let undeclared = Inv::new()
        .env("staging", Field::ClientId, PROD_APP, "s.json", 1)
        .env("production", Field::ClientId, PROD_APP, "p.json", 1)
        .env("staging", Field::ClientSecret, SECRET_1, "s.json", 2)
        .env("production", Field::ClientSecret, SECRET_1, "p.json", 2)
        .build();
    assert_eq!(reuse(&undeclared).len(), 1);
}
