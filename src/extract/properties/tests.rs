use super::*;
use crate::extract::keys::field_for_key;
use crate::model::{FactValue, Field};

fn entries(text: &str) -> Vec<Entry> {
    let (documents, error) = parse(text);
    assert!(error.is_none(), "{error:?}");
    documents.into_iter().flatten().collect()
}

fn kv(e: &Entry) -> (&str, &str, u32, u32) {
    (e.key.as_str(), e.value.as_str(), e.line, e.column)
}

#[test]
fn separators_comments_and_positions() {
    let got =
        entries("# comment\n! also a comment\n  a=1\nb : two words  \nc three\nd\t=\t4\n\ne=\n");
    let got: Vec<_> = got.iter().map(kv).collect();
    assert_eq!(
        got,
        vec![
            ("a", "1", 3, 5),
            ("b", "two words", 4, 5),
            ("c", "three", 5, 3),
            ("d", "4", 6, 5),
        ]
    );
}

#[test]
fn continuations_and_escapes() {
    let got = entries(
        "key = first \\\n      second\\\n third\nurl=https\\://x\\=y\nuni=caf\\u00e9 \\t\\\\\nemoji=\\uD83D\\uDE00\n",
    );
    let got: Vec<_> = got.iter().map(kv).collect();
    assert_eq!(
        got,
        vec![
            ("key", "first secondthird", 1, 7),
            ("url", "https://x=y", 4, 5),
            ("uni", "café \t\\", 5, 5),
            ("emoji", "\u{1F600}", 6, 7),
        ]
    );
}

#[test]
fn value_starting_on_a_continuation_line_points_there() {
    let got = entries("spring.cloud.azure.credential.client-id=\\\n    abc-123\n");
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].line, got[0].column), (2, 5));
}

#[test]
fn comment_lines_do_not_continue_and_escaped_backslash_ends_line() {
    let got = entries("# ends with \\\na=1\nb=c:\\\\\nd=2\n");
    let got: Vec<_> = got.iter().map(kv).collect();
    assert_eq!(
        got,
        vec![("a", "1", 2, 3), ("b", "c:\\", 3, 3), ("d", "2", 4, 3)]
    );
}

#[test]
fn malformed_unicode_escape_is_a_parse_error_keeping_earlier_entries() {
    let out = extract(
        "application-prod.properties",
        "spring.cloud.azure.profile.tenant-id=contoso.onmicrosoft.com\nx=\\u12G4\n",
    );
    assert_eq!(out.facts.len(), 1);
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].location.line, Some(2));
    assert_eq!(out.problems[0].location.column, Some(3));
}

#[test]
fn spring_azure_keys_fold_to_fields() {
    for (key, field) in [
        (
            "spring.cloud.azure.active-directory.credential.client-id",
            Field::ClientId,
        ),
        (
            "spring.cloud.azure.active-directory.credential.client-secret",
            Field::ClientSecret,
        ),
        ("spring.cloud.azure.credential.client-id", Field::ClientId),
        (
            "spring.cloud.azure.credential.client-secret",
            Field::ClientSecret,
        ),
        (
            "spring.cloud.azure.active-directory.profile.tenant-id",
            Field::TenantId,
        ),
        ("spring.cloud.azure.profile.tenant-id", Field::TenantId),
        (
            "spring.cloud.azure.credential.client-certificate-path",
            Field::Certificate,
        ),
        (
            "spring.cloud.azure.profile.environment.active-directory-endpoint",
            Field::Authority,
        ),
        (
            "spring.security.oauth2.client.registration.azure.client-id",
            Field::ClientId,
        ),
        ("azure.activedirectory.tenant-id", Field::TenantId),
    ] {
        assert_eq!(field_for_key(&[], key), Some(field), "{key}");
    }
    assert_eq!(
        field_for_key(&[], "spring.cloud.azure.profile.subscription-id"),
        None
    );
    assert_eq!(field_for_key(&[], "spring.datasource.password"), None);
}

#[test]
fn extracts_spring_credentials_with_kinds() {
    let out = extract(
        "src/main/resources/application-prod.properties",
        "spring.cloud.azure.active-directory.enabled=true\n\
         spring.cloud.azure.active-directory.profile.tenant-id=3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\n\
         spring.cloud.azure.active-directory.credential.client-id: 11111111-2222-3333-4444-555555555555\n\
         spring.cloud.azure.active-directory.credential.client-secret=abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678\n\
         spring.cloud.azure.credential.client-secret=${AZURE_CLIENT_SECRET}\n\
         spring.datasource.url=jdbc:postgresql://db/app\n",
    );
    assert!(out.problems.is_empty());
    let got: Vec<_> = out
        .facts
        .iter()
        .map(|f| {
            (
                f.field,
                f.location.line,
                f.location.column,
                f.environment.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Field::TenantId, Some(2), Some(55), None),
            (Field::ClientId, Some(3), Some(59), None),
            (Field::ClientSecret, Some(4), Some(62), None),
            (Field::ClientSecret, Some(5), Some(45), None),
        ]
    );
    assert!(matches!(out.facts[2].value, FactValue::Secret(_)));
    assert_eq!(
        out.facts[3].value,
        FactValue::Reference {
            kind: "env-var".into(),
            name: "AZURE_CLIENT_SECRET".into()
        }
    );
    assert_eq!(out.facts[2].location.end_column, Some(62 + 40));
}

#[test]
fn placeholders_and_unrelated_keys() {
    let out = extract(
        "application.properties",
        "spring.cloud.azure.credential.client-id=<your-client-id>\nserver.port=8080\nlogging.level.root=INFO\n",
    );
    assert_eq!(out.facts.len(), 1);
    assert_eq!(
        out.facts[0].value,
        FactValue::Plain("<your-client-id>".into())
    );
}

#[test]
fn duplicate_keys_keep_the_last_value() {
    let out = extract(
        "application.properties",
        "azure.activedirectory.client-id=first-id\nazure.activedirectory.client-id=second-id\n",
    );
    assert_eq!(out.facts.len(), 1);
    assert_eq!(out.facts[0].value, FactValue::Plain("second-id".into()));
    assert_eq!(out.facts[0].location.line, Some(2));
}

#[test]
fn profile_documents_scope_their_facts() {
    let out = extract(
        "src/main/resources/application.properties",
        "spring.cloud.azure.profile.tenant-id=common-tenant\n\
         #---\n\
         spring.config.activate.on-profile=prod\n\
         spring.cloud.azure.credential.client-id=prod-id\n\
         #---\n\
         spring.cloud.azure.credential.client-id=shared-id\n\
         spring.config.activate.on-profile=staging | uat\n\
         !---\n\
         spring.config.activate.on-profile=!dev & cloud\n\
         spring.cloud.azure.credential.client-id=not-dev-id\n",
    );
    let got: Vec<_> = out
        .facts
        .iter()
        .map(|f| (f.location.line, f.environment.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(1), None),
            (Some(4), Some("prod")),
            (Some(6), Some("staging")),
            (Some(6), Some("uat")),
            (Some(10), None),
        ]
    );
}

#[test]
fn crlf_bom_and_trailing_separator_lines() {
    let got = entries("\u{feff}a=1\r\nb=2\\\r\n  3\r\n");
    let got: Vec<_> = got.iter().map(kv).collect();
    assert_eq!(got, vec![("a", "1", 1, 3), ("b", "23", 2, 3)]);
}

#[test]
fn a_secret_never_reaches_a_parse_error() {
    let out = extract(
        "application.properties",
        "spring.cloud.azure.credential.client-secret=abc8Q~QWErtyuiop\\uZZZZ\n",
    );
    assert_eq!(out.problems.len(), 1);
    assert!(!out.problems[0].message.contains("abc8Q"));
    assert!(!format!("{:?}", out.problems).contains("abc8Q"));
}

/// `field line:column [environment] value` per fact, secrets shown only as `<secret>`.
use crate::extract::test_support::describe;

#[test]
fn fixture_repository_matches_its_expected_facts() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "src/main/resources/application.properties",
            include_str!(
                "../../../tests/fixtures/properties/src/main/resources/application.properties"
            ),
            &[
                "tenant_id 3:55 72f988bf-86f1-41af-91ab-2d7cd011db47",
                "client_secret 4:62 env-var:AZURE_CLIENT_SECRET",
                "client_id 7:58 [staging] 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
            ],
        ),
        (
            "src/main/resources/application-prod.properties",
            include_str!(
                "../../../tests/fixtures/properties/src/main/resources/application-prod.properties"
            ),
            &[
                "client_id 3:5 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                "tenant_id 4:39 72f988bf-86f1-41af-91ab-2d7cd011db47",
                "authority 5:66 https://login.microsoftonline.com/",
                "client_secret 6:62 key-vault:VaultName=kv-prod;SecretName=api-secret",
            ],
        ),
        (
            "src/main/resources/application-dev.properties",
            include_str!(
                "../../../tests/fixtures/properties/src/main/resources/application-dev.properties"
            ),
            &[
                "client_id 1:41 <your-client-id>",
                "client_secret 2:45 <secret>",
            ],
        ),
    ];
    for (path, text, expected) in cases {
        let out = extract(path, text);
        assert!(out.problems.is_empty(), "{path}: {:?}", out.problems);
        assert_eq!(describe(&out), *expected, "{path}");
    }
    let broken = extract(
        "src/main/resources/bootstrap-broken.properties",
        include_str!(
            "../../../tests/fixtures/properties/src/main/resources/bootstrap-broken.properties"
        ),
    );
    assert_eq!(
        describe(&broken),
        vec!["tenant_id 1:38 72f988bf-86f1-41af-91ab-2d7cd011db47"]
    );
    assert_eq!(broken.problems.len(), 1);
    assert_eq!(
        (
            broken.problems[0].location.line,
            broken.problems[0].location.column
        ),
        (Some(2), Some(41))
    );
}
