use super::*;

const TENANT: &str = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const SECRET: &str = "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678";

fn run(path: &str, text: &str) -> FileFacts {
    extract(path, text)
}

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

fn plain(out: &FileFacts, field: Field) -> Vec<String> {
    out.facts
        .iter()
        .filter(|f| f.field == field)
        .filter_map(|f| match &f.value {
            FactValue::Plain(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn azure_ad_section_with_comments_and_trailing_commas() {
    let text = format!(
        "{{\n  // Entra ID\n  \"AzureAd\": {{\n    \"Instance\": \"https://login.microsoftonline.com/\",\n    \"TenantId\": \"{TENANT}\",\n    /* app */ \"ClientId\": \"{CLIENT}\",\n    \"ClientSecret\": \"{SECRET}\",\n    \"CallbackPath\": \"/signin-oidc\",\n    \"SignedOutCallbackPath\": \"/signout-callback-oidc\",\n  }},\n  \"Logging\": {{ \"LogLevel\": {{ \"Default\": \"Information\" }} }},\n}}\n"
    );
    let out = run("src/Api/appsettings.Production.json", &text);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        places(&out),
        vec![
            (Field::Authority, 4, 18),
            (Field::TenantId, 5, 18),
            (Field::ClientId, 6, 28),
            (Field::ClientSecret, 7, 22),
            (Field::RedirectUri, 8, 22),
        ]
    );
    assert_eq!(
        plain(&out, Field::Authority),
        vec![format!("https://login.microsoftonline.com/{TENANT}")]
    );
    assert_eq!(plain(&out, Field::ClientId), vec![CLIENT.to_string()]);
    assert_eq!(
        plain(&out, Field::RedirectUri),
        vec!["/signin-oidc".to_string()]
    );
    let secret = &out.facts[3];
    assert!(matches!(&secret.value, FactValue::Secret(s) if s.expose() == SECRET));
    assert_eq!(secret.location.end_column, Some(22 + 40));
    assert_eq!(secret.source, "appsettings");
    assert!(out.facts.iter().all(|f| f.environment.is_none()));
    assert!(!format!("{out:?}").contains(SECRET));
}

#[test]
fn references_placeholders_and_key_vault_stay_what_they_are() {
    let text = r##"{
  "AzureAd": {
    "ClientId": "Enter_the_Application_Id_here",
    "ClientSecret": "@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net/secrets/api-secret/)",
    "TenantId": "#{TenantId}#",
    "Instance": "https://login.microsoftonline.com/"
  },
  "ConnectionStrings": { "Db": "Server=x" },
  "ApplicationInsights": { "InstrumentationKey": "abc" }
}"##;
    let out = run("appsettings.json", text);
    assert_eq!(out.facts.len(), 4);
    assert_eq!(
        plain(&out, Field::ClientId),
        vec!["Enter_the_Application_Id_here".to_string()]
    );
    let secret = out
        .facts
        .iter()
        .find(|f| f.field == Field::ClientSecret)
        .unwrap();
    assert!(matches!(&secret.value, FactValue::Reference { kind, .. } if kind == "key-vault"));
    let tenant = out
        .facts
        .iter()
        .find(|f| f.field == Field::TenantId)
        .unwrap();
    assert_eq!(
        tenant.value,
        FactValue::Reference {
            kind: "token-replacement".into(),
            name: "TenantId".into()
        }
    );
    // The tenant is not a literal, so the authority is the Instance as written.
    assert_eq!(
        plain(&out, Field::Authority),
        vec!["https://login.microsoftonline.com/".to_string()]
    );
}

#[test]
fn unrelated_json_produces_nothing() {
    let out = run(
        "config/prod/app.json",
        r#"{"Database": {"Instance": "db1", "Password": "x"}, "AppId": "abc", "Name": "api"}"#,
    );
    assert!(out.facts.is_empty(), "{:?}", out.facts);
    assert!(out.problems.is_empty());
}

#[test]
fn client_credentials_follow_source_type() {
    let text = format!(
        r#"{{
  "AzureAd": {{
    "ClientId": "{CLIENT}",
    "ClientCredentials": [
      {{ "SourceType": "ClientSecret", "ClientSecret": "{SECRET}" }},
      {{ "SourceType": "KeyVault", "KeyVaultUrl": "https://kv-prod.vault.azure.net/", "KeyVaultCertificateName": "api-cert" }},
      {{ "SourceType": "StoreWithThumbprint", "CertificateStorePath": "CurrentUser/My", "CertificateThumbprint": "962D129A859174EE8B5596985BD18EFEC6D6A4F3" }},
      {{ "SourceType": "Path", "CertificateDiskPath": "/certs/api.pfx", "CertificatePassword": "pfx-password" }},
      {{ "SourceType": "Base64Encoded", "Base64EncodedValue": "MIIKmQIBAzCCCl8GCSqGSIb3DQEHAaCCClAEggpMMIIKSDCCBg" }},
      {{ "SourceType": "SignedAssertionFromManagedIdentity", "ManagedIdentityClientId": "99999999-2222-3333-4444-555555555555" }}
    ]
  }}
}}"#
    );
    let out = run("appsettings.Staging.json", &text);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let got: Vec<_> = out
        .facts
        .iter()
        .map(|f| (f.field, f.location.line))
        .collect();
    assert_eq!(
        got,
        vec![
            (Field::ClientId, Some(3)),
            (Field::ClientSecret, Some(5)),
            (Field::Certificate, Some(6)),
            (Field::Certificate, Some(7)),
            (Field::Certificate, Some(8)),
            (Field::Certificate, Some(9)),
        ]
    );
    assert!(matches!(&out.facts[1].value, FactValue::Secret(s) if s.expose() == SECRET));
    assert_eq!(
        out.facts[2].value,
        FactValue::Reference {
            kind: "key-vault".into(),
            name: "https://kv-prod.vault.azure.net/certificates/api-cert".into()
        }
    );
    // The Key Vault fact sits on the certificate name.
    let line6 = text.lines().nth(5).unwrap();
    let name_col = line6.find("api-cert").unwrap() as u32 + 1;
    assert_eq!(out.facts[2].location.column, Some(name_col));
    assert_eq!(
        out.facts[3].value,
        FactValue::Plain("962D129A859174EE8B5596985BD18EFEC6D6A4F3".into())
    );
    assert_eq!(
        out.facts[4].value,
        FactValue::Plain("/certs/api.pfx".into())
    );
    assert!(matches!(out.facts[5].value, FactValue::Secret(_)));
    // The managed identity's client id is not the app's.
    assert_eq!(plain(&out, Field::ClientId), vec![CLIENT.to_string()]);
}

#[test]
fn source_type_is_case_insensitive_and_inferred_when_missing() {
    let out = run(
        "appsettings.json",
        r#"{"AzureAd": {"ClientCredentials": [
            {"sourceType": "clientsecret", "clientSecret": "s3cr3t-value-one"},
            {"CertificateThumbprint": "962D129A859174EE8B5596985BD18EFEC6D6A4F3"},
            {"SourceType": "KeyVault", "ClientSecret": "ignored-for-key-vault", "KeyVaultCertificateName": "only-name"}
        ]}}"#,
    );
    let got: Vec<_> = out.facts.iter().map(|f| f.field).collect();
    assert_eq!(
        got,
        vec![Field::ClientSecret, Field::Certificate, Field::Certificate]
    );
    assert_eq!(
        out.facts[2].value,
        FactValue::Reference {
            kind: "key-vault".into(),
            name: "only-name".into()
        }
    );
}

#[test]
fn callback_path_joins_the_public_base_url() {
    let out = run(
        "appsettings.Production.json",
        r#"{
  "AppUrl": "https://api.contoso.com/",
  "DownstreamApi": { "BaseUrl": "https://graph.microsoft.com/v1.0" },
  "AzureAd": { "CallbackPath": "/signin-oidc" }
}"#,
    );
    assert_eq!(
        plain(&out, Field::RedirectUri),
        vec!["https://api.contoso.com/signin-oidc".to_string()]
    );
    assert_eq!(
        places(&out),
        vec![(Field::RedirectUri, 4, 33)],
        "the fact sits on the CallbackPath value"
    );
}

#[test]
fn callback_path_prefers_a_sibling_base_url_and_never_another_services() {
    let out = run(
        "appsettings.json",
        r#"{"AzureAd": {"CallbackPath": "signin-oidc", "BaseUrl": "https://web.contoso.com"},
            "AppUrl": "https://other.contoso.com"}"#,
    );
    assert_eq!(
        plain(&out, Field::RedirectUri),
        vec!["https://web.contoso.com/signin-oidc".to_string()]
    );
    let out = run(
        "appsettings.json",
        r#"{"DownstreamApi": {"BaseUrl": "https://graph.microsoft.com/v1.0"},
            "AzureAd": {"CallbackPath": "/signin-oidc"}}"#,
    );
    assert_eq!(
        plain(&out, Field::RedirectUri),
        vec!["/signin-oidc".to_string()]
    );
}

#[test]
fn callback_path_uses_concrete_bind_addresses_only() {
    let out = run(
        "appsettings.Production.json",
        r#"{"Kestrel": {"Endpoints": {"Http": {"Url": "http://localhost:5000"}, "Https": {"Url": "https://app.contoso.com:443"}}},
            "AzureAd": {"CallbackPath": "/signin-oidc"}}"#,
    );
    assert_eq!(
        plain(&out, Field::RedirectUri),
        vec!["https://app.contoso.com:443/signin-oidc".to_string()]
    );
    let out = run(
        "appsettings.json",
        r#"{"urls": "http://*:80;http://localhost:5000", "AzureAd": {"CallbackPath": "/signin-oidc"}}"#,
    );
    assert_eq!(
        plain(&out, Field::RedirectUri),
        vec!["/signin-oidc".to_string()]
    );
    let out = run(
        "appsettings.Production.json",
        r#"{"AppUrl": "http://localhost:5000", "AzureAd": {"CallbackPath": "/signin-oidc"}}"#,
    );
    assert_eq!(
        plain(&out, Field::RedirectUri),
        vec!["http://localhost:5000/signin-oidc".to_string()],
        "a stated app URL on localhost is kept: that is the mistake to catch"
    );
}

#[test]
fn duplicate_keys_keep_the_last_value_case_insensitively() {
    let out = run(
        "appsettings.json",
        r#"{"AzureAd": {"ClientId": "first-id", "clientid": "second-id"},
            "azuread": {"CLIENTID": "third-id"}}"#,
    );
    assert_eq!(plain(&out, Field::ClientId), vec!["third-id".to_string()]);
    assert_eq!(out.facts[0].location.line, Some(2));
}

#[test]
fn colon_keys_are_sections_too() {
    let out = run(
        "appsettings.json",
        r#"{"AzureAd:Instance": "https://login.microsoftonline.us/", "AzureAd:TenantId": "contoso.onmicrosoft.us"}"#,
    );
    assert_eq!(
        plain(&out, Field::Authority),
        vec!["https://login.microsoftonline.us/contoso.onmicrosoft.us".to_string()]
    );
}

#[test]
fn an_instance_that_names_a_tenant_is_not_joined_again() {
    let out = run(
        "appsettings.json",
        r#"{"AzureAd": {"Instance": "https://login.microsoftonline.com/contoso.onmicrosoft.com/", "TenantId": "other"}}"#,
    );
    assert_eq!(
        plain(&out, Field::Authority),
        vec!["https://login.microsoftonline.com/contoso.onmicrosoft.com/".to_string()]
    );
}

#[test]
fn local_settings_values_are_environment_variables() {
    let text = format!(
        "{{\n  \"IsEncrypted\": false,\n  \"Values\": {{\n    \"AzureWebJobsStorage\": \"UseDevelopmentStorage=true\",\n    \"AZURE_CLIENT_ID\": \"{CLIENT}\",\n    \"AZURE_TENANT_ID\": \"{TENANT}\",\n    \"AZURE_CLIENT_SECRET\": \"{SECRET}\",\n    \"AzureAd__Instance\": \"https://login.microsoftonline.com/\",\n    \"AzureAd__TenantId\": \"{TENANT}\"\n  }}\n}}\n"
    );
    let out = run("func/local.settings.json", &text);
    let got: Vec<_> = out
        .facts
        .iter()
        .map(|f| (f.field, f.location.line))
        .collect();
    assert_eq!(
        got,
        vec![
            (Field::ClientId, Some(5)),
            (Field::TenantId, Some(6)),
            (Field::ClientSecret, Some(7)),
            (Field::Authority, Some(8)),
            (Field::TenantId, Some(9)),
        ]
    );
    assert_eq!(
        plain(&out, Field::Authority),
        vec![format!("https://login.microsoftonline.com/{TENANT}")]
    );
}

#[test]
fn string_arrays_are_named_by_their_key() {
    let out = run(
        "appsettings.json",
        r#"{"AzureAd": {"RedirectUris": ["https://a.contoso.com/cb", "https://b.contoso.com/cb"], "Scopes": ["api://x/.default"]}}"#,
    );
    let got: Vec<_> = out.facts.iter().map(|f| f.field).collect();
    assert_eq!(
        got,
        vec![Field::RedirectUri, Field::RedirectUri, Field::Scope]
    );
}

#[test]
fn malformed_json_is_a_parse_error_with_a_line() {
    let out = run(
        "appsettings.json",
        "{\n  \"AzureAd\": {\n    \"ClientId\": \"x\"\n    \"TenantId\": \"y\"\n  }\n}\n",
    );
    assert_eq!(out.problems.len(), 1);
    let problem = &out.problems[0];
    assert_eq!(problem.rule_id, "parse-error");
    // Named where the comma is missing: just after line 3's value, not at line 4's key where
    // the parser noticed it.
    assert_eq!(
        (problem.location.line, problem.location.column),
        (Some(3), Some(20))
    );
    assert!(
        problem.message.contains("missing comma"),
        "{}",
        problem.message
    );
    // What was written before the mistake is kept, and the note says so.
    let fields: Vec<Field> = out.facts.iter().map(|f| f.field).collect();
    assert_eq!(fields, [Field::ClientId]);
    assert!(
        problem
            .message
            .contains("could be read despite it were kept"),
        "{}",
        problem.message
    );
}

#[test]
fn an_unterminated_string_is_named_at_its_line_and_earlier_values_kept() {
    let out = run(
        "appsettings.Production.json",
        "{\n  \"AzureAd\": {\n    \"TenantId\": \"72f988bf-86f1-41af-91ab-2d7cd011db47\",\n    \"ClientSecret\": \"SET_VIA_USER_SECRETS,\n    \"ClientId\": \"8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f\"\n  }\n}\n",
    );
    let problem = &out.problems[0];
    assert_eq!(
        (problem.location.line, problem.location.column),
        (Some(4), Some(21))
    );
    assert!(
        problem.message.contains("unterminated string"),
        "{}",
        problem.message
    );
    assert!(!problem.message.contains("invalid escape"));
    assert!(!problem.message.contains("SET_VIA"));
    let fields: Vec<Field> = out.facts.iter().map(|f| f.field).collect();
    assert_eq!(fields, [Field::TenantId]);
}

#[test]
fn a_secret_never_reaches_a_parse_error() {
    let out = run(
        "appsettings.json",
        &format!("{{\"AzureAd\": {{\"ClientSecret\": \"{SECRET}\\u12\"}}}}"),
    );
    assert_eq!(out.problems.len(), 1);
    let shown = format!("{:?}", out.problems);
    assert!(
        !shown.contains(SECRET) && !shown.contains("abc8Q"),
        "{shown}"
    );
}

#[test]
fn crlf_and_bom_keep_positions() {
    let text = format!(
        "\u{feff}{{\r\n  \"AzureAd\": {{\r\n    \"ClientId\": \"{CLIENT}\"\r\n  }}\r\n}}\r\n"
    );
    let out = run("appsettings.json", &text);
    assert_eq!(places(&out), vec![(Field::ClientId, 3, 18)]);
}

#[test]
fn non_ascii_text_counts_columns_in_characters() {
    let out = run(
        "appsettings.json",
        &format!("{{\"Beschreibung\": \"Grüße\", \"AzureAd\": {{\"ClientId\": \"{CLIENT}\"}}}}"),
    );
    assert_eq!(places(&out), vec![(Field::ClientId, 1, 52)]);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let arrays = "[".repeat(10_000) + &"]".repeat(10_000);
            let objects = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
            (
                run("config/prod/deep.json", &arrays).problems.len(),
                run("config/prod/deep.json", &objects).problems.len(),
            )
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), (1, 1));
}

#[test]
fn empty_and_non_object_documents() {
    for text in ["", "// only a comment\n", "{}", "null"] {
        let out = run("appsettings.json", text);
        assert!(out.facts.is_empty() && out.problems.is_empty(), "{text:?}");
    }
    let out = run(
        "config/prod/list.json",
        &format!(r#"[{{"clientId": "{CLIENT}"}}]"#),
    );
    assert_eq!(plain(&out, Field::ClientId), vec![CLIENT.to_string()]);
}

/// `field line:column value` per fact, secrets shown only as `<secret>`.
use crate::extract::test_support::describe;

#[test]
fn fixture_repository_matches_its_expected_facts() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "src/Api/appsettings.json",
            include_str!("../../../tests/fixtures/appsettings/src/Api/appsettings.json"),
            &[
                "authority 4:18 https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47",
                "tenant_id 5:18 72f988bf-86f1-41af-91ab-2d7cd011db47",
                "redirect_uri 6:22 /signin-oidc",
            ],
        ),
        (
            "src/Api/appsettings.Staging.json",
            include_str!("../../../tests/fixtures/appsettings/src/Api/appsettings.Staging.json"),
            &[
                "client_id 4:18 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                "client_secret 5:22 key-vault:SecretUri=https://kv-staging.vault.azure.net/secrets/api-secret/",
                "redirect_uri 6:22 https://staging.contoso.com/signin-oidc",
            ],
        ),
        (
            "src/Api/appsettings.Production.json",
            include_str!("../../../tests/fixtures/appsettings/src/Api/appsettings.Production.json"),
            &[
                "client_id 6:18 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                "redirect_uri 7:22 https://www.contoso.com/signin-oidc",
                "certificate 12:37 key-vault:https://kv-prod.vault.azure.net/certificates/api-signing-cert",
            ],
        ),
        (
            "src/Api/appsettings.Example.json",
            include_str!("../../../tests/fixtures/appsettings/src/Api/appsettings.Example.json"),
            &[
                "authority 3:18 https://login.microsoftonline.com/",
                "tenant_id 4:18 Enter_the_Tenant_Info_Here",
                "client_id 5:18 Enter_the_Application_Id_here",
                "client_secret 6:22 <secret>",
            ],
        ),
        (
            "func/local.settings.json",
            include_str!("../../../tests/fixtures/appsettings/func/local.settings.json"),
            &[
                "client_id 6:25 5d6e7f80-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
                "tenant_id 7:25 72f988bf-86f1-41af-91ab-2d7cd011db47",
                "client_secret 8:29 env-var:LOCAL_CLIENT_SECRET",
            ],
        ),
    ];
    for (path, text, expected) in cases {
        let out = run(path, text);
        assert!(out.problems.is_empty(), "{path}: {:?}", out.problems);
        assert_eq!(describe(&out), *expected, "{path}");
    }
    let broken = run(
        "config/prod/broken.json",
        include_str!("../../../tests/fixtures/appsettings/config/prod/broken.json"),
    );
    // The client id before the missing comma is kept.
    assert_eq!(broken.facts.len(), 1);
    assert_eq!(broken.facts[0].field, Field::ClientId);
    assert_eq!(broken.problems.len(), 1);
    assert_eq!(broken.problems[0].location.line, Some(3));
}

fn key_vault_refs(out: &FileFacts) -> Vec<(String, u32)> {
    out.facts
        .iter()
        .filter(|f| f.field == Field::ClientSecret)
        .filter_map(|f| match &f.value {
            FactValue::Reference { kind, name } if kind == "key-vault" => {
                Some((name.clone(), f.location.line.unwrap_or(0)))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_key_vault_configuration_provider_supplies_the_secret() {
    let by_name = format!(
        "{{\n  \"KeyVaultName\": \"kv-prod\",\n  \"AzureAd\": {{ \"TenantId\": \"{TENANT}\", \"ClientId\": \"{CLIENT}\" }}\n}}\n"
    );
    assert_eq!(
        key_vault_refs(&run("appsettings.Production.json", &by_name)),
        vec![(
            "SecretUri=https://kv-prod.vault.azure.net/secrets/AzureAd--ClientSecret".to_string(),
            2
        )]
    );
    let by_uri = format!(
        "{{\"KeyVault\": {{\"VaultUri\": \"https://kv-gov.vault.usgovcloudapi.net/\"}},\n \"Api\": {{\"AzureAd\": {{\"ClientId\": \"{CLIENT}\"}}}}}}"
    );
    assert_eq!(
        key_vault_refs(&run("appsettings.json", &by_uri)),
        vec![(
            "SecretUri=https://kv-gov.vault.usgovcloudapi.net/secrets/Api--AzureAd--ClientSecret"
                .to_string(),
            1
        )]
    );
    // A host outside the allow-list is kept as written, for the dry-run to refuse.
    let evil = format!(
        "{{\"KeyVaultUri\": \"https://kv.contoso.com\", \"AzureAd\": {{\"ClientId\": \"{CLIENT}\"}}}}"
    );
    let refs = key_vault_refs(&run("appsettings.json", &evil));
    assert_eq!(
        refs[0].0,
        "SecretUri=https://kv.contoso.com/secrets/AzureAd--ClientSecret"
    );
    assert!(crate::extract::keyvault::parse(&refs[0].0).is_err());
}

#[test]
fn no_provider_secret_without_an_app_a_literal_vault_or_when_the_file_has_a_secret() {
    for text in [
        // No app configured: a vault alone says nothing about Entra.
        "{\"KeyVaultName\": \"kv-prod\"}".to_string(),
        // A placeholder or a reference as the vault.
        format!("{{\"KeyVaultName\": \"<your-vault>\", \"AzureAd\": {{\"ClientId\": \"{CLIENT}\"}}}}"),
        format!("{{\"KeyVaultName\": \"${{KV_NAME}}\", \"AzureAd\": {{\"ClientId\": \"{CLIENT}\"}}}}"),
        // The file has its own secret.
        format!(
            "{{\"KeyVaultName\": \"kv-prod\", \"AzureAd\": {{\"ClientId\": \"{CLIENT}\", \"ClientSecret\": \"{SECRET}\"}}}}"
        ),
    ] {
        assert!(key_vault_refs(&run("appsettings.json", &text)).is_empty(), "{text}");
    }
}
