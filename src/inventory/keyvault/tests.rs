use crate::extract::{extract_file, FileFacts};
use crate::inventory::build::{build, InventorySettings};
use crate::model::{FactValue, Field, Inventory};

fn inventory(files: &[(&str, &str)]) -> Inventory {
    let mut all = FileFacts::default();
    for (path, text) in files {
        all.absorb(extract_file(path, text.as_bytes()));
    }
    build(all, &InventorySettings::default()).0
}

/// Each client secret as `env file:line kind:name` (`-` for the base configuration).
fn secrets(inv: &Inventory) -> Vec<String> {
    let base = inv.unassigned.iter().map(|f| ("-", f));
    let envs = inv
        .environments
        .iter()
        .flat_map(|(e, facts)| facts.iter().map(move |f| (e.as_str(), f)));
    base.chain(envs)
        .filter(|(_, f)| f.field == Field::ClientSecret)
        .map(|(env, f)| {
            let shown = match &f.value {
                FactValue::Reference { kind, name } => format!("{kind}:{name}"),
                _ => "literal".to_string(),
            };
            format!(
                "{env} {} {shown}",
                crate::inventory::summary::fact_origin(f)
            )
        })
        .collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  \
     template:\n    spec:\n      containers:\n        - name: api\n          env:\n            \
     - name: AZURE_CLIENT_SECRET\n              valueFrom:\n                secretKeyRef:\n                  \
     name: aad\n                  key: sp-token\n            - name: OTHER_CLIENT_SECRET\n              \
     valueFrom:\n                secretKeyRef:\n                  name: unrelated\n                  \
     key: sp-token\n";

fn spc(vault: &str, object: &str) -> String {
    format!(
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  \
         name: kv\nspec:\n  provider: azure\n  secretObjects:\n    - secretName: aad\n      \
         type: Opaque\n      data:\n        - objectName: {object}\n          key: sp-token\n  \
         parameters:\n    keyvaultName: {vault}\n    objects: |\n      array:\n        - |\n          \
         objectName: {object}\n          objectType: secret\n"
    )
}

const URI: &str = "key-vault:SecretUri=https://kv-prod.vault.azure.net/secrets/api-secret";

#[test]
fn a_secret_key_ref_to_a_synced_secret_is_the_vault_secret() {
    let inv = inventory(&[
        ("deploy/deployment.yaml", DEPLOYMENT),
        ("deploy/spc.yaml", &spc("kv-prod", "api-secret")),
    ]);
    assert_eq!(
        secrets(&inv),
        vec![
            format!("- deploy/deployment.yaml:14 {URI}"),
            // Unrelated Secret: stays what it is.
            "- deploy/deployment.yaml:19 k8s-secret:unrelated/sp-token".to_string(),
        ]
    );
    // One file with both documents reads the same.
    let both = format!("{DEPLOYMENT}---\n{}", spc("kv-prod", "api-secret"));
    assert_eq!(
        secrets(&inventory(&[("deploy/all.yaml", &both)]))[0],
        format!("- deploy/all.yaml:14 {URI}")
    );
    // Without a SecretProviderClass nothing changes.
    assert_eq!(
        secrets(&inventory(&[("deploy/deployment.yaml", DEPLOYMENT)]))[0],
        "- deploy/deployment.yaml:14 k8s-secret:aad/sp-token"
    );
}

#[test]
fn overlays_give_each_environment_its_vault_and_disagreement_resolves_nothing() {
    let inv = inventory(&[
        ("k8s/base/deployment.yaml", DEPLOYMENT),
        ("k8s/overlays/prod/spc.yaml", &spc("kv-prod", "api-secret")),
        (
            "k8s/overlays/staging/spc.yaml",
            &spc("kv-stg", "api-secret"),
        ),
    ]);
    let shown = secrets(&inv);
    assert!(
        shown.contains(&format!("production k8s/overlays/prod/spc.yaml:11 {URI}")),
        "{shown:#?}"
    );
    assert!(shown.contains(
        &"staging k8s/overlays/staging/spc.yaml:11 key-vault:SecretUri=https://kv-stg.vault.azure.net/secrets/api-secret"
            .to_string()
    ));
    // The base value itself names no single vault.
    assert!(shown.contains(&"- k8s/base/deployment.yaml:14 k8s-secret:aad/sp-token".to_string()));

    // Two base SecretProviderClasses syncing `aad` from different secrets: ambiguous.
    let inv = inventory(&[
        ("deploy/deployment.yaml", DEPLOYMENT),
        ("deploy/a.yaml", &spc("kv-prod", "api-secret")),
        ("deploy/b.yaml", &spc("kv-prod", "other-secret")),
    ]);
    assert!(
        secrets(&inv)
            .iter()
            .all(|s| !s.contains("key-vault:SecretUri")),
        "{:#?}",
        secrets(&inv)
    );
}

const APP: &str = "src/main/resources/application.yml";

fn spring(sources: &str, secret: &str) -> String {
    format!(
        "spring:\n  cloud:\n    azure:\n{sources}      active-directory:\n        credential:\n          \
         client-id: 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\n          client-secret: {secret}\n"
    )
}

fn vaults(endpoints: &[&str], extra: &str) -> String {
    let mut text = "      keyvault:\n        secret:\n          property-sources:\n".to_string();
    for e in endpoints {
        text.push_str(&format!("            - endpoint: {e}\n{extra}"));
    }
    text
}

#[test]
fn a_spring_placeholder_resolves_through_the_apps_one_property_source() {
    let text = spring(
        &vaults(&["https://kv-prod.vault.azure.net/"], ""),
        "${aad.client-secret}",
    );
    assert_eq!(
        secrets(&inventory(&[(APP, &text)])),
        vec![format!(
            "- {APP}:11 key-vault:SecretUri=https://kv-prod.vault.azure.net/secrets/aad-clientsecret"
        )]
    );
    // A profile's own source serves that profile; the base placeholder is the profile's too.
    let base = spring("", "${AAD_CLIENT_SECRET}");
    let prod =
        "spring.cloud.azure.keyvault.secret.property-sources[0].endpoint=https://kv-prod.vault.azure.net\n";
    let inv = inventory(&[
        (APP, &base),
        ("src/main/resources/application-prod.properties", prod),
    ]);
    assert_eq!(
        secrets(&inv),
        vec![
            format!("- {APP}:7 env-var:AAD_CLIENT_SECRET"),
            "production src/main/resources/application-prod.properties:1 \
             key-vault:SecretUri=https://kv-prod.vault.azure.net/secrets/aad-client-secret"
                .to_string(),
        ]
    );
}

#[test]
fn a_profiles_property_sources_replace_the_base_ones() {
    // The base lists kv-base; production's profile lists kv-prod, whose `secret-keys` leave the
    // name out. Spring then never asks kv-base for production, so neither does credgate.
    let base = spring(
        &vaults(&["https://kv-base.vault.azure.net/"], ""),
        "${aad-secret}",
    );
    let prod = "spring.cloud.azure.keyvault.secret.property-sources[0].endpoint=https://kv-prod.vault.azure.net\n\
                spring.cloud.azure.keyvault.secret.property-sources[0].secret-keys=other\n";
    let inv = inventory(&[
        (APP, &base),
        ("src/main/resources/application-prod.properties", prod),
    ]);
    let shown = secrets(&inv);
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("- ") && s.contains("kv-base")),
        "the base still reads kv-base: {shown:#?}"
    );
    let production: Vec<&String> = shown
        .iter()
        .filter(|s| s.starts_with("production "))
        .collect();
    assert_eq!(production.len(), 1, "{shown:#?}");
    assert!(production[0].contains("env-var:"), "{shown:#?}");
}

#[test]
fn spring_placeholders_stay_unresolved_when_no_single_vault_holds_them() {
    let kv = "https://kv-prod.vault.azure.net/";
    for (why, text) in [
        (
            "a default",
            spring(&vaults(&[kv], ""), "${aad-secret:fallback}"),
        ),
        (
            "two sources",
            spring(
                &vaults(&[kv, "https://kv-two.vault.azure.net/"], ""),
                "${aad-secret}",
            ),
        ),
        (
            "an endpoint nobody can name",
            spring(&vaults(&["${KV}"], ""), "${aad-secret}"),
        ),
        (
            "secret-keys that leave it out",
            spring(
                &vaults(&[kv], "              secret-keys: other\n"),
                "${aad-secret}",
            ),
        ),
        (
            "a case-sensitive dotted name",
            spring(
                &vaults(&[kv], "              case-sensitive: true\n"),
                "${aad.secret}",
            ),
        ),
    ] {
        let shown = secrets(&inventory(&[(APP, &text)]));
        assert!(
            shown.iter().all(|s| s.contains("env-var:")),
            "{why}: {shown:#?}"
        );
    }
    // `secret-keys` picks the one source that holds it.
    let sources = "      keyvault:\n        secret:\n          property-sources:\n            \
         - endpoint: https://kv-prod.vault.azure.net/\n              secret-keys: [aad-secret]\n            \
         - endpoint: https://kv-two.vault.azure.net/\n              secret-keys: [other]\n";
    let text = spring(sources, "${aad-secret}");
    assert!(secrets(&inventory(&[(APP, &text)]))[0]
        .ends_with("key-vault:SecretUri=https://kv-prod.vault.azure.net/secrets/aad-secret"));
}

#[test]
fn a_spring_endpoint_off_the_allow_list_is_refused_by_the_parser() {
    let text = spring(&vaults(&["https://kv.contoso.com/"], ""), "${aad-secret}");
    let shown = secrets(&inventory(&[(APP, &text)]));
    let reference = shown[0]
        .split_once("key-vault:")
        .map(|(_, r)| r)
        .unwrap_or_default();
    assert_eq!(
        reference,
        "SecretUri=https://kv.contoso.com/secrets/aad-secret"
    );
    assert!(matches!(
        crate::extract::keyvault::parse(reference),
        Err(crate::extract::keyvault::KeyVaultRefError::NotAllowed(_))
    ));
}
