use super::*;
use crate::checks::consistency::testkit::*;
use crate::checks::consistency::view::View;
use crate::model::{Field, Inventory, Severity};

fn run(inv: &Inventory) -> Vec<Finding> {
    redirect_uri_mismatch(&View::new(inv))
}

#[test]
fn localhost_in_environments_above_test() {
    let inv = Inv::new()
        .env(
            "production",
            Field::RedirectUri,
            "https://localhost:5001/signin-oidc",
            "p.json",
            6,
        )
        .env(
            "uat",
            Field::RedirectUri,
            "http://127.0.0.1:8080/cb",
            "u.json",
            6,
        )
        .env(
            "staging",
            Field::RedirectUri,
            "http://[::1]/cb",
            "s.json",
            6,
        )
        .env(
            "development",
            Field::RedirectUri,
            "https://localhost:5001/signin-oidc",
            "d.json",
            6,
        )
        .env(
            "test",
            Field::RedirectUri,
            "https://myapp.local/cb",
            "t.json",
            6,
        )
        .build();
    let findings = run(&inv);
    let got: Vec<(String, Option<&str>)> = findings
        .iter()
        .map(|f| (at(f), f.environment.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("u.json:6".to_string(), Some("uat")),
            ("s.json:6".to_string(), Some("staging")),
            ("p.json:6".to_string(), Some("production")),
        ]
    );
    let f = &findings[2];
    assert_eq!(f.severity, Severity::Warning);
    assert!(f
        .message
        .starts_with("production's redirect URI in p.json:6 points at localhost"));
    assert!(f.message.contains("AADSTS50011"));
}

#[test]
fn another_environments_host_is_flagged_on_the_later_environment() {
    let inv = Inv::new()
        .env(
            "staging",
            Field::RedirectUri,
            "https://app-staging.contoso.com/signin-oidc",
            "appsettings.Staging.json",
            6,
        )
        .env(
            "production",
            Field::RedirectUri,
            "https://APP-STAGING.contoso.com:443/signin-oidc",
            "appsettings.Production.json",
            6,
        )
        .env(
            "production",
            Field::RedirectUri,
            "https://app.contoso.com/signin-oidc",
            "appsettings.Production.json",
            7,
        )
        .build();
    let findings = run(&inv);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(at(f), "appsettings.Production.json:6");
    assert!(f.message.contains(
        "uses host app-staging.contoso.com, which is staging's (redirect URI in appsettings.Staging.json:6)"
    ), "{}", f.message);
}

#[test]
fn allowed_hosts_relative_uris_and_base_values_are_skipped() {
    let inv = Inv::new()
        .env(
            "production",
            Field::RedirectUri,
            "https://localhost:5001/cb",
            "p.json",
            1,
        )
        .env(
            "production",
            Field::RedirectUri,
            "https://shared.contoso.com/cb",
            "p.json",
            2,
        )
        .env(
            "staging",
            Field::RedirectUri,
            "https://shared.contoso.com/cb",
            "s.json",
            2,
        )
        .env(
            "production",
            Field::RedirectUri,
            "/signin-oidc",
            "p.json",
            3,
        )
        .env(
            "production",
            Field::RedirectUri,
            "$(RedirectUri)",
            "p.yml",
            3,
        )
        .base(
            Field::RedirectUri,
            "https://localhost:5001/signin-oidc",
            "appsettings.json",
            3,
        )
        .expect("production", |e| {
            e.redirect_hosts = vec![
                "LOCALHOST".to_string(),
                "https://shared.contoso.com/".to_string(),
            ]
        })
        .build();
    assert!(run(&inv).is_empty(), "{:#?}", run(&inv));
}
