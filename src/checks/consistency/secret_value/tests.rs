use super::*;
use crate::checks::consistency::testkit::*;
use crate::checks::consistency::view::View;
use crate::model::{Field, Inventory};

fn run(inv: &Inventory, rule: fn(&View) -> Vec<Finding>) -> Vec<Finding> {
    rule(&View::new(inv))
}

#[test]
fn flaws_are_named_without_the_value() {
    for (value, expected) in [
        ("abc ", Some("has a trailing space")),
        ("abc  ", Some("has 2 trailing spaces")),
        (
            "abc\r\n",
            Some("has a trailing carriage return and newline"),
        ),
        ("abc\n", Some("has a trailing newline")),
        ("\tabc", Some("has a leading tab")),
        (" abc\n", Some("has a leading space and a trailing newline")),
        ("abc\u{a0}", Some("has a trailing non-breaking space")),
        ("\u{feff}abc", Some("has a leading byte-order mark")),
        ("\"abc\"", Some("is wrapped in double quotes")),
        ("'abc'", Some("is wrapped in single quotes")),
        ("abc'", Some("has a trailing single quote")),
        ("abc", None),
        ("a b", None),
    ] {
        assert_eq!(describe_flaws(value).as_deref(), expected, "{value:?}");
    }
}

#[test]
fn secret_with_whitespace_is_flagged_everywhere() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientSecret,
            &format!("{SECRET_1} "),
            ".env.production",
            3,
        )
        .base(Field::ClientSecret, &format!("{SECRET_2}\r"), ".env", 3)
        .env("staging", Field::ClientSecret, SECRET_2, ".env.staging", 3)
        .env(
            "staging",
            Field::ClientSecret,
            " ${{ secrets.X }} ",
            "s.yml",
            3,
        )
        .build();
    let findings = run(&inv, secret_whitespace);
    let got: Vec<String> = findings.iter().map(at).collect();
    assert_eq!(got, [".env.production:3", ".env:3"]);
    let f = &findings[0];
    assert_eq!(f.rule_id, SECRET_WHITESPACE);
    assert_eq!(f.environment.as_deref(), Some("production"));
    assert!(f
        .message
        .starts_with("production's client secret in .env.production:3 has a trailing space."));
    assert_eq!(
        f.secret,
        // One secret, one fingerprint: the value without the space, as everywhere else.
        Some(crate::secret::Redacted::of(SECRET_1))
    );
    assert!(findings[1]
        .message
        .contains("has a trailing carriage return"));
    assert_eq!(findings[1].environment, None);
    for f in &findings {
        assert!(!f.message.contains(SECRET_1) && !f.message.contains(SECRET_2));
    }
}

#[test]
fn guid_secret_is_the_secret_id() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientSecret,
            TENANT_B,
            "appsettings.Production.json",
            9,
        )
        .env(
            "staging",
            Field::ClientSecret,
            "00000000-0000-0000-0000-000000000000",
            "s.json",
            9,
        )
        .env("test", Field::ClientSecret, SECRET_1, "t.json", 9)
        .build();
    let findings = run(&inv, secret_id_as_value);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.rule_id, SECRET_ID_AS_VALUE);
    assert_eq!(at(f), "appsettings.Production.json:9");
    assert!(f.message.contains("Secret ID"));
    assert!(f.message.contains("AADSTS7000215"));
    assert!(!f.message.contains(TENANT_B));
    assert!(f.secret.is_some());
}

#[test]
fn placeholders_in_deployed_environments() {
    let inv = Inv::new()
        .env(
            "production",
            Field::ClientSecret,
            "<client-secret>",
            "appsettings.Production.json",
            9,
        )
        .env(
            "production",
            Field::ClientId,
            "Enter_the_Application_Id_here",
            "appsettings.Production.json",
            8,
        )
        .env(
            "production",
            Field::Authority,
            "changeme",
            "appsettings.Production.json",
            10,
        )
        .env(
            "development",
            Field::ClientSecret,
            "changeme",
            ".env.development",
            2,
        )
        .env(
            "staging",
            Field::ClientSecret,
            "@Microsoft.KeyVault(VaultName=kv;SecretName=s)",
            "s.json",
            2,
        )
        .env("uat", Field::TenantId, "xxxxxxxx", "u.json", 2)
        .base(
            Field::ClientSecret,
            "<client-secret>",
            "appsettings.json",
            9,
        )
        .build();
    let findings = run(&inv, placeholder_credential);
    let got: Vec<(String, Option<&str>)> = findings
        .iter()
        .map(|f| (at(f), f.environment.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("u.json:2".to_string(), Some("uat")),
            (
                "appsettings.Production.json:8".to_string(),
                Some("production")
            ),
            (
                "appsettings.Production.json:9".to_string(),
                Some("production")
            ),
        ]
    );
    assert!(findings[0].message.contains("the placeholder `xxxxxxxx`"));
    assert!(findings[0].message.contains("AADSTS900023"));
    assert!(findings[1]
        .message
        .contains("`Enter_the_Application_Id_here`"));
    assert!(findings[2]
        .message
        .contains("client secret in appsettings.Production.json:9 is still a placeholder"));
    assert!(!findings[2].message.contains("<client-secret>"));
}

#[test]
fn deployed_can_be_overridden() {
    let inv = Inv::new()
        .env(
            "development",
            Field::ClientSecret,
            "changeme",
            ".env.development",
            2,
        )
        .env(
            "production",
            Field::ClientSecret,
            "changeme",
            ".env.production",
            2,
        )
        .expect("development", |e| e.deployed = Some(true))
        .expect("production", |e| e.deployed = Some(false))
        .build();
    let got: Vec<String> = run(&inv, placeholder_credential).iter().map(at).collect();
    assert_eq!(got, [".env.development:2"]);
}
