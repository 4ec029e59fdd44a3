//! Azure DevOps variables as credgate sees them: every name becomes a [`DefinedName`], and the
//! names that fold to a credential field become [`Fact`]s, literal values through the same
//! classification as the repository's files and secret variables (whose values Azure DevOps
//! never returns) as presence facts.

use crate::extract::{fact_value, keys};
use crate::inventory::environment::EnvironmentNames;
use crate::model::{Fact, FactValue, Location, ReferenceKind};
use crate::sources::DefinedName;

/// The `source` of every fact this platform yields.
pub const SOURCE: &str = "azure-devops-api";
/// The reference kind of a secret variable's presence fact.
pub const SECRET_REFERENCE: &str = "ado-secret-variable";

/// The variables of one owner (a variable group or a pipeline definition), read from the
/// `variables` object of its JSON: `{NAME: {value, isSecret}}`.
pub struct Owner<'a> {
    /// The group's or definition's name.
    pub name: &'a str,
    /// The location prefix, e.g. `azure-devops:variablegroups/prod-secrets`.
    pub place: String,
}

impl Owner<'_> {
    /// Adds each variable of `variables` to `facts` and `defined`.
    pub fn read(
        &self,
        variables: Option<&serde_json::Value>,
        facts: &mut Vec<Fact>,
        defined: &mut Vec<DefinedName>,
    ) {
        let Some(variables) = variables.and_then(serde_json::Value::as_object) else {
            return;
        };
        let environment = environment_of(self.name);
        for (name, variable) in variables {
            let is_secret = variable
                .get("isSecret")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            let source = format!("{}/{name}", self.place);
            defined.push(DefinedName {
                environment: None,
                kind: if is_secret {
                    ReferenceKind::Secret
                } else {
                    ReferenceKind::Variable
                },
                name: name.clone(),
                source: source.clone(),
            });
            let Some(field) = keys::field_for_key(&[], name) else {
                continue;
            };
            let value = if is_secret {
                Some(FactValue::Reference {
                    kind: SECRET_REFERENCE.to_string(),
                    name: format!("{}/{name}", self.name),
                })
            } else {
                variable
                    .get("value")
                    .and_then(serde_json::Value::as_str)
                    .and_then(|raw| fact_value(field, raw))
            };
            if let Some(value) = value {
                facts.push(Fact {
                    environment: environment.clone(),
                    field,
                    value,
                    location: Location::source(source),
                    source: SOURCE.to_string(),
                });
            }
        }
    }
}

/// The environment a group or definition is named for: its name's parts (split at `-`, `_`,
/// `.` and spaces) that are known environment aliases, when they all name the same one
/// (`prod-secrets` → production). A name with no such part, or parts naming two environments
/// (`dev-to-prod`), belongs to none.
pub fn environment_of(name: &str) -> Option<String> {
    let names = EnvironmentNames::default();
    let mut found: Option<String> = None;
    for part in name
        .split(['-', '_', '.', ' ', '/'])
        .filter(|p| !p.is_empty())
    {
        if let Some(env) = names.known(part) {
            match &found {
                Some(seen) if *seen != env => return None,
                _ => found = Some(env),
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use serde_json::json;

    fn read(name: &str, variables: serde_json::Value) -> (Vec<Fact>, Vec<DefinedName>) {
        let owner = Owner {
            name,
            place: format!("azure-devops:variablegroups/{name}"),
        };
        let (mut facts, mut defined) = (Vec::new(), Vec::new());
        owner.read(Some(&variables), &mut facts, &mut defined);
        (facts, defined)
    }

    #[test]
    fn environment_folds_from_one_known_part() {
        assert_eq!(
            environment_of("prod-secrets").as_deref(),
            Some("production")
        );
        assert_eq!(environment_of("Staging Keys").as_deref(), Some("staging"));
        assert_eq!(
            environment_of("app_prd_prod").as_deref(),
            Some("production")
        );
        assert_eq!(environment_of("dev-to-prod"), None);
        assert_eq!(environment_of("shared-secrets"), None);
        assert_eq!(environment_of("product-keys"), None);
    }

    #[test]
    fn secret_variables_become_presence_facts() {
        let (facts, defined) = read(
            "prod-secrets",
            json!({
                "AZURE_CLIENT_SECRET": {"value": null, "isSecret": true},
                "AZURE_CLIENT_ID": {"value": "6c1e2f3a-0000-4000-8000-00000000abcd"},
                "BUILD_FLAVOUR": {"value": "release", "isSecret": false}
            }),
        );
        assert_eq!(defined.len(), 3);
        assert!(defined
            .iter()
            .any(|d| d.name == "AZURE_CLIENT_SECRET" && d.kind == ReferenceKind::Secret));
        assert!(defined
            .iter()
            .any(|d| d.name == "BUILD_FLAVOUR" && d.kind == ReferenceKind::Variable));
        assert_eq!(facts.len(), 2);
        let secret = facts
            .iter()
            .find(|f| f.field == Field::ClientSecret)
            .unwrap();
        assert_eq!(
            secret.value,
            FactValue::Reference {
                kind: SECRET_REFERENCE.into(),
                name: "prod-secrets/AZURE_CLIENT_SECRET".into()
            }
        );
        assert_eq!(secret.environment.as_deref(), Some("production"));
        assert_eq!(
            secret.location.source.as_deref(),
            Some("azure-devops:variablegroups/prod-secrets/AZURE_CLIENT_SECRET")
        );
        let id = facts.iter().find(|f| f.field == Field::ClientId).unwrap();
        assert_eq!(
            id.value,
            FactValue::Plain("6c1e2f3a-0000-4000-8000-00000000abcd".into())
        );
    }

    #[test]
    fn a_plain_variable_holding_a_secret_stays_secret() {
        let (facts, _) = read(
            "shared",
            json!({"ARM_CLIENT_SECRET": {"value": "abc8Q~notarealsecretvalue0123456789abcd"}}),
        );
        assert!(matches!(facts[0].value, FactValue::Secret(_)));
        assert_eq!(facts[0].environment, None);
    }

    #[test]
    fn missing_or_odd_shapes_yield_nothing() {
        let (facts, defined) = read("g", json!([1, 2]));
        assert!(facts.is_empty() && defined.is_empty());
        let (facts, defined) = read("g", json!({"AZURE_TENANT_ID": {"value": 7}}));
        assert!(facts.is_empty());
        assert_eq!(defined.len(), 1);
    }
}
