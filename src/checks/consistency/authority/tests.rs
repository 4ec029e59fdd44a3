use super::*;
use crate::checks::consistency::testkit::*;
use crate::checks::consistency::view::View;
use crate::model::{Field, Inventory};

fn run(inv: &Inventory) -> Vec<Finding> {
    authority_mismatch(&View::new(inv))
}

#[test]
fn public_cloud_aliases_agree() {
    let inv = Inv::new()
        .env(
            "production",
            Field::Authority,
            "https://login.microsoftonline.com/",
            "a.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            "https://LOGIN.windows.net",
            "b.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            "login.microsoft.com",
            "c.env",
            1,
        )
        .env(
            "production",
            Field::Authority,
            &format!("https://login.microsoftonline.com/{TENANT_A}/v2.0"),
            "d.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            &format!(
                "https://login.microsoftonline.com/{}",
                TENANT_A.to_uppercase()
            ),
            "e.json",
            1,
        )
        .build();
    assert!(run(&inv).is_empty(), "{:#?}", run(&inv));
}

#[test]
fn cloud_disagreement_is_flagged_on_the_minority() {
    let inv = Inv::new()
        .env(
            "production",
            Field::Authority,
            "https://login.microsoftonline.us/",
            "appsettings.Production.json",
            3,
        )
        .env(
            "production",
            Field::Authority,
            "https://login.microsoftonline.com/",
            "a.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            "https://login.windows.net/",
            "b.json",
            1,
        )
        .build();
    let findings = run(&inv);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.rule_id, AUTHORITY_MISMATCH);
    assert_eq!(at(f), "appsettings.Production.json:3");
    assert!(f.message.starts_with(
        "production's authority in appsettings.Production.json:3 is on the US Government cloud \
         (login.microsoftonline.us), but a.json:1 and b.json:1 use the public cloud"
    ), "{}", f.message);
    assert!(f.message.contains("AADSTS90002"));
}

#[test]
fn b2c_host_is_its_own_authority() {
    let inv = Inv::new()
        .env(
            "staging",
            Field::Authority,
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin",
            "a.json",
            1,
        )
        .env(
            "staging",
            Field::Authority,
            "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_signin",
            "b.json",
            1,
        )
        .build();
    let findings = run(&inv);
    // The cloud (host) and the tenant segment both disagree.
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert!(findings.iter().all(|f| at(f) == "b.json:1"));
    assert!(findings[0]
        .message
        .contains("the authority host fabrikam.b2clogin.com"));
    assert!(findings[1]
        .message
        .contains("names tenant fabrikam.onmicrosoft.com"));
    assert_ne!(findings[0].fingerprint, findings[1].fingerprint);
}

#[test]
fn tenant_segments_compare_like_tenants() {
    let guid_vs_domain = Inv::new()
        .env(
            "production",
            Field::Authority,
            &format!("https://login.microsoftonline.com/{TENANT_A}"),
            "a.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            "https://login.microsoftonline.com/contoso.com",
            "b.json",
            1,
        )
        .build();
    assert!(run(&guid_vs_domain).is_empty());

    let two_guids = Inv::new()
        .env(
            "production",
            Field::Authority,
            &format!("https://login.microsoftonline.com/{TENANT_A}"),
            "a.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            &format!("https://login.microsoftonline.com/{TENANT_B}/v2.0"),
            "b.json",
            1,
        )
        .expect("production", |e| e.tenant_id = Some(TENANT_B.to_string()))
        .build();
    let findings = run(&two_guids);
    assert_eq!(findings.iter().map(at).collect::<Vec<_>>(), ["a.json:1"]);
    assert!(
        findings[0].message.contains(
            "names tenant 72…47, but b.json:1 names 9a…02 (the tenant credgate.toml expects)"
        ),
        "{}",
        findings[0].message
    );

    let common = Inv::new()
        .env(
            "production",
            Field::Authority,
            "https://login.microsoftonline.com/common/v2.0",
            "a.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            "https://login.microsoftonline.com/contoso.com",
            "b.json",
            1,
        )
        .build();
    let findings = run(&common);
    assert_eq!(findings.iter().map(at).collect::<Vec<_>>(), ["a.json:1"]);
    assert!(findings[0]
        .message
        .contains("uses `common`, while b.json:1 names a tenant"));
}

#[test]
fn each_environment_is_judged_on_its_own() {
    let inv = Inv::new()
        .env(
            "staging",
            Field::Authority,
            "https://login.microsoftonline.com/",
            "s.json",
            1,
        )
        .env(
            "production",
            Field::Authority,
            "https://login.microsoftonline.us/",
            "p.json",
            1,
        )
        .base(
            Field::Authority,
            "https://login.chinacloudapi.cn/",
            "appsettings.json",
            1,
        )
        .build();
    assert!(run(&inv).is_empty());
}
