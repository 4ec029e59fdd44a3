use super::*;
use crate::extract::{properties, yaml_config, FileFacts};

/// A property source as the tests compare it: endpoint, secret keys, case-sensitive, profile.
type Source = (Option<String>, Option<Vec<String>>, bool, Option<String>);

fn sources(out: &FileFacts) -> Vec<Source> {
    out.vault_providers
        .iter()
        .map(|p| match &p.kind {
            ProviderKind::PropertySource {
                endpoint,
                secret_keys,
                case_sensitive,
            } => (
                endpoint.clone(),
                secret_keys.clone(),
                *case_sensitive,
                p.environment.clone(),
            ),
            other => panic!("{other:?}"),
        })
        .collect()
}

const KV: &str = "https://kv-prod.vault.azure.net/";

#[test]
fn yaml_property_sources_in_order_with_their_options() {
    let text = format!(
        "spring:\n  cloud:\n    azure:\n      keyvault:\n        secret:\n          \
         property-sources:\n            - name: one\n              endpoint: {KV}\n              \
         secret-keys: [aad-client-secret, other]\n            - endpoint: ${{KV_URI}}\n              \
         case-sensitive: true\n            - endpoint: https://kv-off.vault.azure.net/\n              \
         enabled: false\n      active-directory:\n        credential:\n          \
         client-secret: ${{aad-client-secret}}\n"
    );
    let out = yaml_config::extract("src/main/resources/application.yml", &text);
    assert_eq!(
        sources(&out),
        vec![
            (
                Some(KV.to_string()),
                Some(vec!["aad-client-secret".into(), "other".into()]),
                false,
                None
            ),
            (None, None, true, None),
        ]
    );
    assert_eq!(out.vault_providers[0].location.line, Some(8));
    // The credential's placeholder has no default: the join may resolve it.
    assert_eq!(out.vault_placeholders.len(), 1);
    assert_eq!(out.vault_placeholders[0].line, Some(16));
}

#[test]
fn properties_sources_legacy_starter_and_profiles() {
    let text = format!(
        "spring.cloud.azure.keyvault.secret.property-sources[0].endpoint={KV}\n\
         spring.cloud.azure.keyvault.secret.property-sources[0].secret-keys=a,b\n\
         spring.cloud.azure.active-directory.credential.client-secret=${{aad-client-secret:fallback}}\n\
         #---\nspring.config.activate.on-profile=prod\n\
         azure.keyvault.uri=https://kv-legacy.vault.azure.net\n\
         azure.keyvault.case-sensitive-keys=true\n"
    );
    let out = properties::extract("src/main/resources/application.properties", &text);
    assert_eq!(
        sources(&out),
        vec![
            (
                Some(KV.to_string()),
                Some(vec!["a".into(), "b".into()]),
                false,
                None
            ),
            (
                Some("https://kv-legacy.vault.azure.net".into()),
                None,
                true,
                Some("prod".into())
            ),
        ]
    );
    // A placeholder with a default is not one a vault resolves.
    assert!(out.vault_placeholders.is_empty());
}

#[test]
fn no_source_when_disabled_endpoint_only_or_multi_vault_legacy() {
    for text in [
        format!(
            "spring.cloud.azure.keyvault.secret.property-source-enabled=false\n\
             spring.cloud.azure.keyvault.secret.property-sources[0].endpoint={KV}\n"
        ),
        // The SecretClient bean's endpoint is no property source.
        format!("spring.cloud.azure.keyvault.secret.endpoint={KV}\n"),
        format!("azure.keyvault.enabled=false\nazure.keyvault.uri={KV}\n"),
        format!("azure.keyvault.order=a,b\nazure.keyvault.uri={KV}\n"),
        "spring.cloud.azure.keyvault.secret.property-sources[0].endpoint=\n".to_string(),
    ] {
        let out = properties::extract("application.properties", &text);
        assert!(out.vault_providers.is_empty(), "{text}");
    }
}

#[test]
fn bare_placeholders_only() {
    assert_eq!(
        bare_placeholder(" ${aad-client-secret} "),
        Some("aad-client-secret")
    );
    assert_eq!(
        bare_placeholder("${aad.client.secret}"),
        Some("aad.client.secret")
    );
    for raw in ["${x:default}", "${x:}", "pre${x}", "${}", "${a${b}}", "$x"] {
        assert_eq!(bare_placeholder(raw), None, "{raw}");
    }
}
