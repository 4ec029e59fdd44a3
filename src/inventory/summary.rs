//! The environment matrix: one row per environment with the tenant, client id and secret it
//! effectively uses (its own value, else the base configuration's) and where each came from.

use crate::checks::consistency::{normalize, secret_value};
use crate::extract::value::is_placeholder;
use crate::model::{
    Conflict, EnvironmentSummary, Fact, FactValue, Field, Inventory, SecretPresence,
};
use std::collections::BTreeMap;

/// Where a fact was seen, as the matrix shows it: `file:line`, or its source name.
pub fn fact_origin(fact: &Fact) -> String {
    match (&fact.location.file, fact.location.line) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        (Some(file), None) => file.clone(),
        (None, _) => fact
            .location
            .source
            .clone()
            .unwrap_or_else(|| fact.source.clone()),
    }
}

/// A reference as the matrix shows it: `kind:NAME`, Key Vault references shortened to
/// `key-vault:<vault>/<secret>` (the full URI is in the fact's file) by the dry-run's own
/// parser, its syntax stage only: a reference the allow-list refuses still shows what it
/// names, its host whole when that is no vault host (`key-vault:kv.example.com/s`).
pub fn short_reference(kind: &str, name: &str) -> String {
    if kind == "key-vault" {
        if let Ok(written) = crate::extract::keyvault::syntax(name) {
            if let Some((secret, _)) = &written.secret {
                return format!("key-vault:{}/{secret}", written.vault_label());
            }
        }
    }
    format!("{kind}:{name}")
}

/// How a value is shown in the matrix: ids as they are, references as `kind:NAME`.
fn shown(fact: &Fact) -> Option<String> {
    match &fact.value {
        FactValue::Plain(v) => Some(v.clone()),
        FactValue::Reference { kind, name } => Some(format!("{kind}:{name}")),
        FactValue::Secret(_) => None,
    }
}

/// The fact an environment effectively uses for `field`: a literal of its own first, then a
/// reference of its own, then the base configuration's.
fn effective<'a>(own: &'a [Fact], base: &'a [Fact], field: Field) -> Option<&'a Fact> {
    let pick = |facts: &'a [Fact]| {
        facts
            .iter()
            .filter(|f| f.field == field)
            .find(|f| !matches!(f.value, FactValue::Reference { .. }))
            .or_else(|| facts.iter().find(|f| f.field == field))
    };
    pick(own).or_else(|| pick(base))
}

/// The comparable form of an id: GUIDs without case or braces, tenants by their key.
fn comparable(field: Field, value: &str) -> String {
    let fallback = || value.trim().to_ascii_lowercase();
    match field {
        Field::TenantId => normalize::tenant(value)
            .key()
            .map(str::to_string)
            .unwrap_or_else(fallback),
        _ => normalize::guid(value).unwrap_or_else(fallback),
    }
}

/// The value an environment's own literal sources agree on most (the first one written on a
/// tie) and the other values with where each is set; `None` when it sets no literal.
fn agreement(facts: &[Fact], field: Field) -> Option<(String, Vec<Conflict>)> {
    // Distinct values in file order, each with its first spelling and its places.
    let mut values: Vec<(String, String, Vec<String>)> = Vec::new();
    for fact in facts.iter().filter(|f| f.field == field) {
        let FactValue::Plain(v) = &fact.value else {
            continue;
        };
        if is_placeholder(v) {
            continue;
        }
        let key = comparable(field, v);
        match values.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, places)) => places.push(fact_origin(fact)),
            None => values.push((key, v.clone(), vec![fact_origin(fact)])),
        }
    }
    let best = values
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.2.len().cmp(&b.2.len()).then(j.cmp(i)))
        .map(|(i, _)| i)?;
    let shown = values.get(best).map(|(_, v, _)| v.clone())?;
    let conflicts = values
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, (_, value, sources))| Conflict {
            field: field.as_str().to_string(),
            value,
            sources,
        })
        .collect();
    Some((shown, conflicts))
}

/// One matrix row per environment, in promotion order (development, test, others, staging,
/// production). An environment whose only configuration file could not be parsed still has
/// its row, marked by `unreadable`.
pub fn summaries(
    inventory: &Inventory,
    unreadable: &BTreeMap<String, Vec<String>>,
) -> Vec<EnvironmentSummary> {
    let mut rows: Vec<EnvironmentSummary> = inventory
        .environments
        .iter()
        .map(|(name, facts)| {
            // Inherit only from the base configuration of the same app (its project), so a
            // repository of several apps never shows one app's tenant with another's secret.
            let named_by = inventory.environment_files.get(name);
            let own_file = facts
                .iter()
                .find_map(|f| f.location.file.as_deref())
                .or_else(|| named_by.and_then(|files| files.first()).map(String::as_str));
            let base: Vec<Fact> = inventory
                .unassigned
                .iter()
                .filter(|f| match (own_file, f.location.file.as_deref()) {
                    (Some(a), Some(b)) => super::app::same_app(a, b, &inventory.project_roots),
                    _ => true,
                })
                .cloned()
                .collect();
            let base = &base;
            let mut conflicts = Vec::new();
            let mut id = |field| match agreement(facts, field) {
                Some((value, others)) => {
                    conflicts.extend(others);
                    Some(value)
                }
                None => effective(facts, base, field).and_then(shown),
            };
            let tenant_id = id(Field::TenantId);
            let client_id = id(Field::ClientId);
            // The environment's own secret or certificate beats anything inherited.
            let secret = effective(facts, &[], Field::ClientSecret)
                .or_else(|| effective(facts, &[], Field::Certificate))
                .or_else(|| effective(&[], base, Field::ClientSecret))
                .or_else(|| effective(&[], base, Field::Certificate));
            let secret = match secret {
                None => SecretPresence::default(),
                Some(fact) => SecretPresence {
                    present: true,
                    source: Some(match &fact.value {
                        FactValue::Reference { kind, name } => short_reference(kind, name),
                        _ => fact_origin(fact),
                    }),
                    fingerprint: match &fact.value {
                        FactValue::Secret(s) => Some(secret_value::redacted(s).fingerprint),
                        _ => None,
                    },
                },
            };
            let mut sources: Vec<String> = facts
                .iter()
                .map(|f| {
                    f.location
                        .file
                        .clone()
                        .or(f.location.source.clone())
                        .unwrap_or_else(|| f.source.clone())
                })
                .chain(named_by.into_iter().flatten().cloned())
                .collect();
            sources.sort();
            sources.dedup();
            EnvironmentSummary {
                name: name.clone(),
                tenant_id,
                client_id,
                secret,
                sources,
                unreadable: unreadable.get(name).cloned().unwrap_or_default(),
                conflicts,
            }
        })
        .collect();
    for (name, files) in unreadable {
        if !rows.iter().any(|r| &r.name == name) {
            rows.push(EnvironmentSummary {
                name: name.clone(),
                unreadable: files.clone(),
                ..EnvironmentSummary::default()
            });
        }
    }
    rows.sort_by(|a, b| {
        super::environment::promotion_rank(&a.name)
            .cmp(&super::environment::promotion_rank(&b.name))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::secret::SecretValue;

    fn fact(path: &str, line: u32, field: Field, value: FactValue) -> Fact {
        Fact {
            environment: None,
            field,
            value,
            location: Location::file(path, line, 1),
            source: "t".into(),
        }
    }

    #[test]
    fn disagreeing_ids_are_conflicts_next_to_the_value_most_sources_agree_on() {
        let id = |file: &str, line, v: &str| {
            fact(file, line, Field::ClientId, FactValue::Plain(v.into()))
        };
        let mut inv = Inventory::default();
        inv.environments.insert(
            "production".into(),
            vec![
                id(
                    "appsettings.Production.json",
                    10,
                    "BF178375-4A86-4A0C-9256-9CF907BCE18A",
                ),
                id(
                    "infra/prod.tfvars",
                    6,
                    "1ee56472-6166-4e31-b902-c9f9c65b805e",
                ),
                id(
                    "values-prod.yaml",
                    8,
                    "{1ee56472-6166-4e31-b902-c9f9c65b805e}",
                ),
                id("values-prod.yaml", 9, "<client-id>"),
            ],
        );
        // A tie keeps the first value written.
        inv.environments.insert(
            "staging".into(),
            vec![
                id("a.json", 1, "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"),
                id("b.json", 1, "4f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"),
            ],
        );
        let unreadable =
            BTreeMap::from([("uat".to_string(), vec!["appsettings.uat.json".to_string()])]);
        let rows = summaries(&inv, &unreadable);
        let prod = rows.iter().find(|r| r.name == "production").expect("row");
        assert_eq!(
            prod.client_id.as_deref(),
            Some("1ee56472-6166-4e31-b902-c9f9c65b805e")
        );
        assert_eq!(
            prod.conflicts,
            vec![Conflict {
                field: "client_id".into(),
                value: "BF178375-4A86-4A0C-9256-9CF907BCE18A".into(),
                sources: vec!["appsettings.Production.json:10".into()],
            }],
            "placeholders and spellings of one GUID are no disagreement"
        );
        let staging = rows.iter().find(|r| r.name == "staging").expect("row");
        assert_eq!(
            staging.client_id.as_deref(),
            Some("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
        );
        assert_eq!(staging.conflicts.len(), 1);
        let uat = rows
            .iter()
            .find(|r| r.name == "uat")
            .expect("an unreadable environment keeps its row");
        assert_eq!(uat.unreadable, ["appsettings.uat.json"]);
        assert!(uat.client_id.is_none());
    }

    #[test]
    fn one_secret_one_fingerprint_whatever_its_edges() {
        let secret = |v: &str| {
            let mut inv = Inventory::default();
            inv.environments.insert(
                "staging".into(),
                vec![fact(
                    ".env.staging",
                    5,
                    Field::ClientSecret,
                    FactValue::Secret(SecretValue::new(v)),
                )],
            );
            summaries(&inv, &BTreeMap::new())[0]
                .secret
                .fingerprint
                .clone()
        };
        let clean = "zt58Q~8RrbzqyJkq4KCZAyRs-IirLMBZfzHhsckP";
        assert_eq!(secret(&format!("{clean} ")), secret(clean));
        assert_eq!(secret(clean), Some(crate::secret::fingerprint_of(clean)));
    }

    #[test]
    fn key_vault_references_are_shortened() {
        assert_eq!(
            short_reference(
                "key-vault",
                "SecretUri=https://kv-prod.vault.azure.net/secrets/api/"
            ),
            "key-vault:kv-prod/api"
        );
        assert_eq!(
            short_reference("key-vault", "VaultName=kv; SecretName=s"),
            "key-vault:kv/s"
        );
        assert_eq!(short_reference("github-secret", "X"), "github-secret:X");
        // Refused by the allow-list, still shown for what it names, never as a vault name.
        assert_eq!(
            short_reference(
                "key-vault",
                "SecretUri=https://kv.vault.azure.net.evil.example/secrets/s"
            ),
            "key-vault:kv.vault.azure.net.evil.example/s"
        );
        assert_eq!(
            short_reference("key-vault", "VaultName=kv_prod;SecretName=s"),
            "key-vault:kv_prod/s"
        );
        assert_eq!(
            short_reference("key-vault", "https://kv.vault.azure.net/keys/k"),
            "key-vault:https://kv.vault.azure.net/keys/k"
        );
    }

    #[test]
    fn rows_inherit_base_values_and_never_show_secrets() {
        let mut inv = Inventory::default();
        inv.unassigned.push(fact(
            "appsettings.json",
            3,
            Field::TenantId,
            FactValue::Plain("tenant-guid".into()),
        ));
        inv.environments.insert(
            "production".into(),
            vec![
                fact(
                    "appsettings.Production.json",
                    4,
                    Field::ClientId,
                    FactValue::Plain("cid".into()),
                ),
                fact(
                    "appsettings.Production.json",
                    5,
                    Field::ClientSecret,
                    FactValue::Secret(SecretValue::new("abc8Q~not-a-real-secret-value-000000000")),
                ),
            ],
        );
        inv.environments.insert(
            "development".into(),
            vec![fact(
                ".env.development",
                1,
                Field::ClientSecret,
                FactValue::Reference {
                    kind: "env-var".into(),
                    name: "SECRET".into(),
                },
            )],
        );
        let rows = summaries(&inv, &BTreeMap::new());
        assert_eq!(rows[0].name, "development");
        assert_eq!(rows[1].name, "production");
        assert_eq!(rows[1].tenant_id.as_deref(), Some("tenant-guid"));
        assert_eq!(rows[1].client_id.as_deref(), Some("cid"));
        assert!(rows[1].secret.present);
        assert_eq!(
            rows[1].secret.source.as_deref(),
            Some("appsettings.Production.json:5")
        );
        assert!(rows[1]
            .secret
            .fingerprint
            .as_deref()
            .is_some_and(|f| f.starts_with("sha256:")));
        assert_eq!(rows[0].secret.source.as_deref(), Some("env-var:SECRET"));
        let shown = format!("{rows:?}");
        assert!(!shown.contains("not-a-real-secret"));
    }
}
