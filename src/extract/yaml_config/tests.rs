use super::*;
use crate::extract::vault_sources::ProviderKind;
use crate::model::{Fact, FactValue};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT: &str = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const OTHER_CLIENT: &str = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
const SECRET: &str = "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678";

fn with_field(out: &FileFacts, field: Field) -> Vec<&Fact> {
    out.facts.iter().filter(|f| f.field == field).collect()
}

fn only(out: &FileFacts, field: Field) -> &Fact {
    let found = with_field(out, field);
    assert_eq!(found.len(), 1, "{field:?} in {:#?}", out.facts);
    found[0]
}

fn plain(fact: &Fact) -> &str {
    match &fact.value {
        FactValue::Plain(v) => v,
        other => panic!("expected a plain value, got {other:?}"),
    }
}

fn secret(fact: &Fact) -> &str {
    match &fact.value {
        FactValue::Secret(v) => v.expose(),
        other => panic!("expected a secret, got {other:?}"),
    }
}

fn reference(fact: &Fact) -> (&str, &str) {
    match &fact.value {
        FactValue::Reference { kind, name } => (kind, name),
        other => panic!("expected a reference, got {other:?}"),
    }
}

fn place(fact: &Fact) -> (u32, u32) {
    (
        fact.location.line.unwrap_or(0),
        fact.location.column.unwrap_or(0),
    )
}

fn clean(out: &FileFacts) {
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
}

// ---------------------------------------------------------------- Spring

#[test]
fn spring_nested_keys_fold_with_positions() {
    let text = format!(
        "spring:\n  cloud:\n    azure:\n      active-directory:\n        enabled: true\n        \
         profile:\n          tenant-id: {TENANT}\n        credential:\n          \
         client-id: \"{CLIENT}\"\n          client-secret: {SECRET}\n        \
         redirect-uri-template: \"{{baseUrl}}/login/oauth2/code/\"\n"
    );
    let out = extract("src/main/resources/application-prod.yml", &text);
    clean(&out);
    assert_eq!(out.facts.len(), 4, "{:#?}", out.facts);
    let tenant = only(&out, Field::TenantId);
    assert_eq!((plain(tenant), place(tenant)), (TENANT, (7, 22)));
    let client = only(&out, Field::ClientId);
    assert_eq!((plain(client), place(client)), (CLIENT, (9, 23)));
    assert_eq!(client.location.end_column, Some(23 + 36));
    let secret_fact = only(&out, Field::ClientSecret);
    assert_eq!(
        (secret(secret_fact), place(secret_fact)),
        (SECRET, (10, 26))
    );
    let redirect = only(&out, Field::RedirectUri);
    assert_eq!(plain(redirect), "{baseUrl}/login/oauth2/code/");
    assert!(out.facts.iter().all(|f| f.source == "spring"));
    assert!(
        out.facts.iter().all(|f| f.environment.is_none()),
        "the file name decides, not the extractor"
    );
}

#[test]
fn spring_dotted_keys_and_placeholders() {
    let text = "spring.cloud.azure.credential.client-id: ${AZURE_CLIENT_ID:fallback}\n\
                spring.cloud.azure.credential.client-secret: ${AZURE_CLIENT_SECRET}\n\
                spring.cloud.azure.profile.tenant-id: ${azure.tenant}\n\
                spring.cloud.azure.profile.environment.active-directory-endpoint: \
                https://login.microsoftonline.us/\n";
    let out = extract("application.yml", text);
    clean(&out);
    assert_eq!(
        reference(only(&out, Field::ClientId)),
        ("env-var", "AZURE_CLIENT_ID")
    );
    assert_eq!(
        reference(only(&out, Field::ClientSecret)),
        ("env-var", "AZURE_CLIENT_SECRET")
    );
    assert_eq!(
        reference(only(&out, Field::TenantId)),
        ("env-var", "azure.tenant")
    );
    let authority = only(&out, Field::Authority);
    assert_eq!(plain(authority), "https://login.microsoftonline.us/");
    assert_eq!(place(authority), (4, 67));
}

#[test]
fn spring_key_vault_reference_and_placeholder_values() {
    let text = "spring:\n  cloud:\n    azure:\n      credential:\n        client-secret: \
                \"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)\"\n        \
                client-id: <client-id>\n";
    let out = extract("application-staging.yml", text);
    clean(&out);
    assert_eq!(reference(only(&out, Field::ClientSecret)).0, "key-vault");
    assert_eq!(
        plain(only(&out, Field::ClientId)),
        "<client-id>",
        "a placeholder is a present value for placeholder-credential"
    );
}

#[test]
fn spring_profile_documents_scope_their_facts() {
    let text = format!(
        "spring.cloud.azure.credential.client-id: {CLIENT}\n\
         ---\n\
         spring:\n  config:\n    activate:\n      on-profile: prod\n  \
         cloud.azure.credential.client-id: {OTHER_CLIENT}\n\
         ---\n\
         spring.profiles: uat\n\
         spring.cloud.azure.credential.client-id: {CLIENT}\n\
         ---\n\
         spring.config.activate.on-profile: \"!prod\"\n\
         spring.cloud.azure.profile.tenant-id: {TENANT}\n\
         ---\n\
         spring.config.activate.on-profile: cloud, staging\n\
         spring.cloud.azure.credential.client-secret: {SECRET}\n"
    );
    let out = extract("src/main/resources/application.yml", &text);
    clean(&out);
    let envs: Vec<(Field, Option<&str>, u32)> = out
        .facts
        .iter()
        .map(|f| {
            (
                f.field,
                f.environment.as_deref(),
                f.location.line.unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        envs,
        vec![
            (Field::ClientId, None, 1),
            (Field::ClientId, Some("prod"), 7),
            (Field::ClientId, Some("uat"), 10),
            (Field::TenantId, None, 13),
            (Field::ClientSecret, Some("staging"), 16),
        ]
    );
}

#[test]
fn spring_unrelated_keys_produce_nothing() {
    let text = "server:\n  port: 8080\nspring:\n  datasource:\n    password: hunter2hunter2\n  \
                profiles:\n    active: prod\nlogging.level.root: INFO\n";
    let out = extract("application.yml", text);
    clean(&out);
    assert!(out.facts.is_empty(), "{:#?}", out.facts);
}

// ---------------------------------------------------------------- Helm

#[test]
fn helm_values_nesting_env_lists_and_references() {
    let text = format!(
        "image:\n  repository: api\nazure:\n  clientId: {CLIENT}\n  tenantId: '{TENANT}'\n\
         env:\n  - name: AZURE_CLIENT_SECRET\n    value: \"{SECRET}\"\n  \
         - name: AZURE_CLIENT_ID\n    valueFrom:\n      secretKeyRef:\n        name: aad-creds\n        \
         key: client-id\n  - name: LOG_LEVEL\n    value: debug\n\
         redirectUris:\n  - https://app.contoso.com/signin-oidc\n  - https://api.contoso.com/signin-oidc\n"
    );
    let out = extract("charts/api/values-prod.yaml", &text);
    clean(&out);
    let ids = with_field(&out, Field::ClientId);
    assert_eq!(ids.len(), 2);
    assert_eq!((plain(ids[0]), place(ids[0])), (CLIENT, (4, 13)));
    assert_eq!(reference(ids[1]), ("k8s-secret", "aad-creds/client-id"));
    assert_eq!(place(ids[1]), (12, 15));
    let tenant = only(&out, Field::TenantId);
    assert_eq!((plain(tenant), place(tenant)), (TENANT, (5, 14)));
    let s = only(&out, Field::ClientSecret);
    assert_eq!((secret(s), place(s)), (SECRET, (8, 13)));
    let uris = with_field(&out, Field::RedirectUri);
    assert_eq!(uris.len(), 2);
    assert_eq!(place(uris[1]), (18, 5));
    assert!(out.facts.iter().all(|f| f.source == "helm"));
    assert!(out.facts.iter().all(|f| f.environment.is_none()));
}

#[test]
fn helm_anchors_and_merge_keys_report_each_written_value_once() {
    let text = format!(
        "common: &aad\n  tenantId: {TENANT}\n  clientId: {CLIENT}\n\
         api:\n  azure:\n    <<: *aad\n    clientId: {OTHER_CLIENT}\n\
         worker:\n  azure: *aad\n"
    );
    let out = extract("deploy/helm/values-staging.yaml", &text);
    clean(&out);
    let tenant = only(&out, Field::TenantId);
    assert_eq!(place(tenant), (2, 13), "the anchor is where it is written");
    let ids: Vec<(&str, (u32, u32))> = with_field(&out, Field::ClientId)
        .into_iter()
        .map(|f| (plain(f), place(f)))
        .collect();
    assert_eq!(ids, vec![(CLIENT, (3, 13)), (OTHER_CLIENT, (7, 15))]);
}

#[test]
fn duplicate_keys_keep_the_last_value() {
    let text = format!("azure:\n  clientId: {CLIENT}\n  clientId: {OTHER_CLIENT}\n");
    let out = extract("values.yaml", &text);
    clean(&out);
    let id = only(&out, Field::ClientId);
    assert_eq!((plain(id), place(id)), (OTHER_CLIENT, (3, 13)));
}

#[test]
fn nulls_and_empty_values_are_no_facts() {
    let text = "azure:\n  clientSecret: ~\n  clientId:\n  tenantId: \"\"\n  authority: null\n";
    let out = extract("values.yaml", text);
    clean(&out);
    assert!(out.facts.is_empty(), "{:#?}", out.facts);
}

// ---------------------------------------------------------------- Kubernetes

#[test]
fn kubernetes_container_env_and_secret_refs() {
    let text = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: payments\n\
         spec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            \
         - name: AZURE_CLIENT_ID\n              value: \"{CLIENT}\"\n            \
         - name: AZURE_CLIENT_SECRET\n              valueFrom:\n                secretKeyRef:\n                  \
         name: api-aad\n                  key: client-secret\n            \
         - name: AZURE_TENANT_ID\n              valueFrom:\n                configMapKeyRef:\n                  \
         name: aad\n                  key: tenant\n"
    );
    let out = extract("k8s/overlays/prod/deployment.yaml", &text);
    clean(&out);
    let id = only(&out, Field::ClientId);
    assert_eq!((plain(id), place(id)), (CLIENT, (13, 23)));
    let s = only(&out, Field::ClientSecret);
    assert_eq!(reference(s), ("k8s-secret", "api-aad/client-secret"));
    assert_eq!(place(s), (17, 25));
    assert_eq!(
        reference(only(&out, Field::TenantId)),
        ("k8s-configmap", "aad/tenant")
    );
    assert!(out.facts.iter().all(|f| f.source == "kubernetes"));
    assert!(
        out.facts.iter().all(|f| f.environment.is_none()),
        "`payments` is no environment name"
    );
}

#[test]
fn kubernetes_namespace_scopes_only_when_it_is_an_environment_name() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: azuread-settings\n  \
         namespace: production\ndata:\n  AZURE_TENANT_ID: {TENANT}\n  Instance: \
         https://login.microsoftonline.com/\n  LOG_LEVEL: info\n"
    );
    let out = extract("manifests/configmap.yaml", &text);
    clean(&out);
    assert_eq!(out.facts.len(), 2, "{:#?}", out.facts);
    assert!(out
        .facts
        .iter()
        .all(|f| f.environment.as_deref() == Some("production")));
    assert_eq!(place(only(&out, Field::TenantId)), (7, 20));
    assert_eq!(
        plain(only(&out, Field::Authority)),
        "https://login.microsoftonline.com/",
        "the ConfigMap's name is an identity section"
    );
}

#[test]
fn kubernetes_secret_data_is_base64_decoded() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aad\ntype: Opaque\ndata:\n  \
         AZURE_CLIENT_SECRET: {}\n  AZURE_CLIENT_ID: \"{}\"\n  tls.key: {}\n\
         stringData:\n  AZURE_TENANT_ID: {TENANT}\n",
        b64(SECRET),
        b64(CLIENT),
        base64::engine::general_purpose::STANDARD.encode([0xff_u8, 0xfe, 0x00, 0x80]),
    );
    let out = extract("k8s/secret.yaml", &text);
    clean(&out);
    let s = only(&out, Field::ClientSecret);
    assert_eq!(secret(s), SECRET);
    assert_eq!(place(s), (7, 24), "the encoded scalar's position");
    assert_eq!(
        s.location.end_column,
        Some(24 + b64(SECRET).len() as u32),
        "spans the encoded text"
    );
    let id = only(&out, Field::ClientId);
    assert_eq!((plain(id), place(id)), (CLIENT, (8, 21)));
    let tenant = only(&out, Field::TenantId);
    assert_eq!((plain(tenant), place(tenant)), (TENANT, (11, 20)));
    assert_eq!(out.facts.len(), 3, "binary data is no credential");
}

#[test]
fn kubernetes_secret_data_keeps_a_stray_newline_for_the_whitespace_rule() {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{SECRET}\n"));
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aad\ndata:\n  client-secret: {encoded}\n"
    );
    let out = extract("k8s/secret.yaml", &text);
    assert_eq!(
        secret(only(&out, Field::ClientSecret)),
        format!("{SECRET}\n")
    );
}

#[test]
fn kubernetes_invalid_base64_is_a_parse_error_naming_the_key() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aad\ndata:\n  \
                AZURE_CLIENT_ID: bm90LWJhc2U2NA==\n  AZURE_CLIENT_SECRET: not*base64!\n";
    let out = extract("k8s/secret.yaml", text);
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    let problem = &out.problems[0];
    assert_eq!(problem.rule_id, "parse-error");
    assert_eq!(problem.location.line, Some(7));
    assert_eq!(problem.location.column, Some(24));
    assert!(problem.message.contains("AZURE_CLIENT_SECRET"));
    assert!(
        !problem.message.contains("not*base64"),
        "no value in messages"
    );
    assert!(with_field(&out, Field::ClientSecret).is_empty());
    assert_eq!(
        plain(only(&out, Field::ClientId)),
        "not-base64",
        "the valid key still counts"
    );
}

#[test]
fn kubernetes_templated_secret_data_is_a_reference() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aad\ndata:\n  \
                AZURE_CLIENT_SECRET: ${CLIENT_SECRET_B64}\n";
    let out = extract("k8s/secret.yaml", text);
    clean(&out);
    assert_eq!(
        reference(only(&out, Field::ClientSecret)),
        ("env-var", "CLIENT_SECRET_B64")
    );
}

#[test]
fn kubernetes_multi_document_workload_identity_and_lists() {
    let text = format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    \
         azure.workload.identity/client-id: {CLIENT}\n    \
         azure.workload.identity/tenant-id: {TENANT}\n    \
         nginx.ingress.kubernetes.io/auth-secret: basic-auth\n\
         ---\n\
         apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    \
         metadata:\n      name: cfg\n      namespace: stg\n    data:\n      \
         AZURE_CLIENT_ID: {OTHER_CLIENT}\n"
    );
    let out = extract("deploy/k8s/all.yaml", &text);
    clean(&out);
    assert_eq!(out.facts.len(), 3, "{:#?}", out.facts);
    let ids = with_field(&out, Field::ClientId);
    assert_eq!((plain(ids[0]), place(ids[0])), (CLIENT, (6, 40)));
    assert_eq!(ids[0].environment, None);
    assert_eq!(plain(ids[1]), OTHER_CLIENT);
    assert_eq!(ids[1].environment.as_deref(), Some("stg"));
    assert_eq!(plain(only(&out, Field::TenantId)), TENANT);
}

#[test]
fn kubernetes_secret_provider_class_objects_are_vault_references() {
    let text = format!(
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  \
         name: azure-kv\nspec:\n  provider: azure\n  secretObjects:\n    - secretName: aad\n      \
         type: Opaque\n      data:\n        - objectName: api-client-secret\n          \
         key: AZURE_CLIENT_SECRET\n  parameters:\n    keyvaultName: kv-prod\n    \
         tenantId: {TENANT}\n    clientID: {CLIENT}\n    objects: |\n      array:\n        \
         - |\n          objectName: api-client-secret\n          objectType: secret\n        \
         - |\n          objectName: unrelated-cert\n          objectType: cert\n"
    );
    let out = extract("k8s/spc.yaml", &text);
    clean(&out);
    let refs: Vec<_> = out
        .facts
        .iter()
        .map(|f| {
            assert_eq!(f.field, Field::ClientSecret);
            (reference(f), place(f))
        })
        .collect();
    let uri = "SecretUri=https://kv-prod.vault.azure.net/secrets/api-client-secret";
    assert_eq!(
        refs,
        vec![
            (("key-vault", uri), (20, 23)),
            (("key-vault", uri), (11, 23))
        ]
    );
    // The synced key is a provider for the join, whatever the key is called.
    assert_eq!(out.vault_providers.len(), 1);
    assert_eq!(
        out.vault_providers[0].kind,
        ProviderKind::SyncedKey {
            secret: "aad".into(),
            key: "AZURE_CLIENT_SECRET".into(),
            reference: uri.into(),
        }
    );
}

/// A SecretProviderClass whose secret object `api` (alias `api-alias`) is synced into Secret
/// `aad` under the key `clientsecret`, with `parameters` and `objects` lines to splice in.
fn spc(provider: &str, parameters: &str, object: &str) -> String {
    format!(
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  \
         name: kv\nspec:\n  provider: {provider}\n  secretObjects:\n    - secretName: aad\n      \
         type: Opaque\n      data:\n        - objectName: api-alias\n          key: clientsecret\n  \
         parameters:\n{parameters}    objects: |\n      array:\n        - |\n          \
         objectName: api\n          objectAlias: api-alias\n{object}"
    )
}

fn synced(out: &FileFacts) -> Vec<String> {
    out.vault_providers
        .iter()
        .map(|p| match &p.kind {
            ProviderKind::SyncedKey {
                secret,
                key,
                reference,
            } => {
                format!("{secret}/{key} {reference}")
            }
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn secret_provider_class_versions_clouds_and_refusals() {
    let version = "0123456789abcdef0123456789abcdef";
    let pinned = spc(
        "azure",
        "    keyvaultName: kv-gov\n    cloudName: AzureUSGovernmentCloud\n",
        &format!("          objectType: secret\n          objectVersion: {version}\n"),
    );
    assert_eq!(
        synced(&extract("k8s/spc.yaml", &pinned)),
        vec![format!(
            "aad/clientsecret SecretUri=https://kv-gov.vault.usgovcloudapi.net/secrets/api/{version}"
        )]
    );
    let china = spc(
        "Azure",
        "    keyvaultName: kv-cn\n    cloudName: azurechinacloud\n",
        "          objectType: SECRET\n",
    );
    assert_eq!(
        synced(&extract("k8s/spc.yaml", &china)),
        vec!["aad/clientsecret SecretUri=https://kv-cn.vault.azure.cn/secrets/api".to_string()]
    );
    // An invalid vault name is kept for the dry-run to refuse, with nothing sent.
    let bad = spc(
        "azure",
        "    keyvaultName: kv_prod;x\n",
        "          objectType: secret\n",
    );
    let refs = synced(&extract("k8s/spc.yaml", &bad));
    let text = refs[0].split_once(' ').map(|(_, t)| t).unwrap_or_default();
    assert!(matches!(
        crate::extract::keyvault::parse(text),
        Err(crate::extract::keyvault::KeyVaultRefError::BadName(_))
    ));
}

#[test]
fn secret_provider_class_without_a_readable_secret_object_provides_nothing() {
    let secret = "          objectType: secret\n";
    for (why, text) in [
        (
            "another provider",
            spc("vault", "    keyvaultName: kv-prod\n", secret),
        ),
        (
            "no vault",
            spc("azure", "    usePodIdentity: \"false\"\n", secret),
        ),
        (
            "a cloud off the allow-list",
            spc(
                "azure",
                "    keyvaultName: kv-prod\n    cloudName: AzureStackCloud\n",
                secret,
            ),
        ),
        (
            "a key",
            spc(
                "azure",
                "    keyvaultName: kv-prod\n",
                "          objectType: key\n",
            ),
        ),
        (
            "a certificate",
            spc(
                "azure",
                "    keyvaultName: kv-prod\n",
                "          objectType: cert\n",
            ),
        ),
        ("no type", spc("azure", "    keyvaultName: kv-prod\n", "")),
        (
            "a template's vault",
            spc("azure", "    keyvaultName: $KEYVAULT_NAME\n", secret),
        ),
        (
            "a template's version",
            spc(
                "azure",
                "    keyvaultName: kv-prod\n",
                "          objectType: secret\n          objectVersion: $SECRET_VERSION\n",
            ),
        ),
        (
            "decoded by the driver",
            spc(
                "azure",
                "    keyvaultName: kv-prod\n",
                "          objectType: secret\n          objectEncoding: base64\n",
            ),
        ),
    ] {
        let out = extract("k8s/spc.yaml", &text);
        assert!(
            out.vault_providers.is_empty(),
            "{why}: {:?}",
            out.vault_providers
        );
        assert!(out.facts.is_empty(), "{why}");
    }
}

#[test]
fn kustomize_literals_and_flux_values() {
    let text = format!(
        "namespace: prod\nconfigMapGenerator:\n  - name: aad\n    literals:\n      \
         - AZURE_CLIENT_ID={CLIENT}\n      - \"LOG_LEVEL=info\"\nsecretGenerator:\n  - name: s\n    \
         literals:\n      - \"AZURE_CLIENT_SECRET={SECRET}\"\n"
    );
    let out = extract("k8s/overlays/prod/kustomization.yaml", &text);
    clean(&out);
    let id = only(&out, Field::ClientId);
    assert_eq!((plain(id), place(id)), (CLIENT, (5, 25)));
    assert_eq!(id.environment.as_deref(), Some("prod"));
    let s = only(&out, Field::ClientSecret);
    assert_eq!((secret(s), place(s)), (SECRET, (10, 30)));

    let flux = format!(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\n\
         spec:\n  values:\n    azure:\n      tenantId: {TENANT}\n"
    );
    let out = extract("clusters/prod/api.yaml", &flux);
    clean(&out);
    assert_eq!(place(only(&out, Field::TenantId)), (8, 17));
}

#[test]
fn argo_application_inline_helm_values() {
    let text = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api\n\
         spec:\n  source:\n    helm:\n      parameters:\n        - name: azure.clientId\n          \
         value: {CLIENT}\n      valuesObject:\n        azure:\n          tenantId: {TENANT}\n"
    );
    // Named like a Spring file: the manifest shape wins.
    let out = extract("argocd/application.yaml", &text);
    clean(&out);
    assert_eq!(place(only(&out, Field::ClientId)), (10, 18));
    assert_eq!(place(only(&out, Field::TenantId)), (13, 21));
    assert!(out.facts.iter().all(|f| f.source == "kubernetes"));
}

// ---------------------------------------------------------------- compose

#[test]
fn compose_environment_as_map_and_as_list() {
    let text = format!(
        "services:\n  api:\n    image: api\n    environment:\n      AZURE_CLIENT_ID: {CLIENT}\n      \
         AZURE_CLIENT_SECRET: ${{AZURE_CLIENT_SECRET:?set it}}\n      AZURE_TENANT_ID:\n  \
         worker:\n    env_file: .env.prod\n    environment:\n      - AZURE_CLIENT_ID={OTHER_CLIENT}\n      \
         - \"AZURE_CLIENT_SECRET={SECRET}\"\n      - AZURE_TENANT_ID\n      - DEBUG=1\n"
    );
    let out = extract("docker-compose.yml", &text);
    clean(&out);
    let ids = with_field(&out, Field::ClientId);
    assert_eq!((plain(ids[0]), place(ids[0])), (CLIENT, (5, 24)));
    assert_eq!((plain(ids[1]), place(ids[1])), (OTHER_CLIENT, (11, 25)));
    assert_eq!(
        ids[1].location.end_column,
        Some(25 + 36),
        "the span is the value after `=`"
    );
    let secrets = with_field(&out, Field::ClientSecret);
    assert_eq!(reference(secrets[0]), ("env-var", "AZURE_CLIENT_SECRET"));
    assert_eq!((secret(secrets[1]), place(secrets[1])), (SECRET, (12, 30)));
    let tenants = with_field(&out, Field::TenantId);
    assert_eq!(tenants.len(), 2, "pass-through variables are references");
    assert_eq!(reference(tenants[0]), ("env-var", "AZURE_TENANT_ID"));
    assert_eq!(place(tenants[0]), (7, 7));
    assert_eq!(place(tenants[1]), (13, 9));
    assert!(out.facts.iter().all(|f| f.source == "compose"));
    assert_eq!(out.facts.len(), 6);
}

#[test]
fn compose_shared_environment_through_an_extension_anchor() {
    let text = format!(
        "x-aad: &aad\n  AZURE_CLIENT_ID: {CLIENT}\nservices:\n  a:\n    environment: *aad\n  \
         b:\n    environment:\n      <<: *aad\n      EXTRA: x\n"
    );
    let out = extract("compose.prod.yaml", &text);
    clean(&out);
    let id = only(&out, Field::ClientId);
    assert_eq!(place(id), (2, 20));
}

// ---------------------------------------------------------------- generic

#[test]
fn generic_config_walks_the_whole_tree() {
    let text = format!(
        "app:\n  name: orders\nauth:\n  azureAd:\n    instance: https://login.microsoftonline.com/\n    \
         tenant: contoso.onmicrosoft.com\n    clientId: {CLIENT}\n    clientSecret: \"#{{AadSecret}}#\"\n\
         database:\n  instance: db01\n  password: hunter2hunter2\n"
    );
    let out = extract("config/prod/app.yaml", &text);
    clean(&out);
    assert_eq!(out.facts.len(), 4, "{:#?}", out.facts);
    assert_eq!(place(only(&out, Field::Authority)), (5, 15));
    assert_eq!(
        plain(only(&out, Field::TenantId)),
        "contoso.onmicrosoft.com"
    );
    assert_eq!(
        reference(only(&out, Field::ClientSecret)),
        ("token-replacement", "AadSecret")
    );
    assert!(out.facts.iter().all(|f| f.source == "yaml-config"));
}

#[test]
fn unrelated_yaml_produces_nothing() {
    let text = "site_name: Docs\nnav:\n  - Home: index.md\n  - Setup: setup.md\ntheme:\n  \
                name: material\n  features: [navigation.tabs]\nsecret: not-a-credential\n";
    let out = extract("config/mkdocs.yml", text);
    clean(&out);
    assert!(out.facts.is_empty(), "{:#?}", out.facts);
}

// ---------------------------------------------------------------- bad input

#[test]
fn malformed_yaml_is_a_parse_error_with_a_line() {
    let out = extract(
        "values-prod.yaml",
        "azure:\n  clientId: [1, 2\n  tenantId: x\n",
    );
    assert!(out.facts.is_empty());
    assert_eq!(out.problems.len(), 1);
    let problem = &out.problems[0];
    assert_eq!(problem.rule_id, "parse-error");
    assert!(problem.location.line.is_some_and(|l| l >= 2));
    assert!(problem.message.contains("invalid YAML"));
}

#[test]
fn a_broken_document_keeps_the_documents_before_it() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  AZURE_CLIENT_ID: {CLIENT}\n\
         ---\napiVersion: v1\nkind: ConfigMap\ndata:\n  broken: [\n  : :\n"
    );
    let out = extract("k8s/cm.yaml", &text);
    assert_eq!(out.problems.len(), 1);
    assert!(out.problems[0].location.line.is_some_and(|l| l >= 11));
    assert_eq!(place(only(&out, Field::ClientId)), (6, 20));
}

#[test]
fn hostile_documents_end_in_a_parse_error_not_a_crash() {
    let deep = format!(
        "azure:\n  clientId: {}{}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let out = extract("values.yaml", &deep);
    assert_eq!(out.problems.len(), 1);
    let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
    ] {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        laughs.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let out = extract("config/prod/bomb.yaml", &laughs);
    assert_eq!(out.problems.len(), 1);
}

#[test]
fn helm_chart_templates_are_not_parse_errors() {
    let text = "{{- if .Values.secret.enabled }}\napiVersion: v1\nkind: Secret\nmetadata:\n  \
                name: {{ include \"api.fullname\" . }}\ndata:\n  \
                AZURE_CLIENT_SECRET: {{ .Values.azure.clientSecret | b64enc }}\n{{- end }}\n";
    let out = extract("charts/api/templates/secret.yaml", text);
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    assert!(out.facts.is_empty());
}

#[test]
fn crlf_and_bom() {
    let text =
        format!("\u{feff}azure:\r\n  clientId: {CLIENT}\r\n  clientSecret: \"{SECRET}\"\r\n");
    let out = extract("values-dev.yaml", &text);
    clean(&out);
    assert_eq!(place(only(&out, Field::ClientId)), (2, 13));
    let s = only(&out, Field::ClientSecret);
    assert_eq!((secret(s), place(s)), (SECRET, (3, 18)));
}

#[test]
fn debug_output_never_shows_a_secret() {
    let text = format!("azure:\n  clientSecret: {SECRET}\n");
    let out = extract("values.yaml", &text);
    assert_eq!(out.facts.len(), 1);
    assert!(!format!("{out:?}").contains(SECRET));
}

// ---------------------------------------------------------------- fixtures

fn fixture(path: &str) -> FileFacts {
    let full = format!(
        "{}/tests/fixtures/yaml-config/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&full).unwrap();
    crate::extract::extract_file(path, &bytes)
}

#[test]
fn fixture_repository_files_are_read_by_the_dispatcher() {
    for (path, expected) in [
        ("src/main/resources/application.yml", 4),
        ("charts/api/values-prod.yaml", 3),
        ("k8s/overlays/staging/secret.yaml", 3),
        ("docker-compose.yml", 3),
        ("config/test/auth.yaml", 3),
    ] {
        let out = fixture(path);
        clean(&out);
        assert_eq!(out.facts.len(), expected, "{path}: {:#?}", out.facts);
    }
    let broken = fixture("deploy/prod/broken.yaml");
    assert_eq!(broken.problems.len(), 1);
}
