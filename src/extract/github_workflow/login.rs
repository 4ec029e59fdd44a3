//! Inputs that carry several credentials in one JSON string: `azure/login`'s `creds`
//! (`{"clientId", "clientSecret", "tenantId", …}`) and `app-settings-json`
//! (`[{"name": "AzureAd__ClientId", "value": "…"}]`, as `azure/appservice-settings` takes it).
//! Each credential inside becomes its own fact, placed on its value in the file when it can be
//! found there.

use super::expressions::unresolved_expression;
use super::shared::{fact_at, field_of, SourceText, Span};
use crate::extract::value;
use crate::extract::yaml::Node;
use crate::model::{Fact, Field};

/// Most facts taken from one JSON input; real ones hold three or four.
const MAX_JSON_FACTS: usize = 16;

/// The sections the JSON keys of `creds` are read in, so that `clientId`-style keys and the
/// identity-only ones (`secret`, `tenant`) fold through the alias table.
const CREDS_SECTIONS: &[&str] = &["azure/login", "creds"];

/// What one JSON input gave.
#[derive(Debug, Default)]
pub(crate) struct JsonFacts {
    /// The credential facts, with no environment yet.
    pub facts: Vec<Fact>,
    /// Why the input could not be read, with the input's span.
    pub problem: Option<(Span, &'static str)>,
}

/// Whether a step's `uses:` is the `azure/login` action (any version or fork-free spelling).
pub(crate) fn is_azure_login(uses: &str) -> bool {
    let name = uses.split('@').next().unwrap_or(uses).trim();
    name.eq_ignore_ascii_case("azure/login")
}

/// What the `creds` JSON of `azure/login` always carries: a reference to the whole JSON supplies
/// each of them to the job, so none of them is missing from its environment.
const CREDS_FIELDS: [Field; 3] = [Field::TenantId, Field::ClientId, Field::ClientSecret];

/// Facts of `azure/login`'s `creds` input. A reference (`${{ secrets.AZURE_CREDENTIALS }}`)
/// stands for the whole JSON, so it becomes a tenant id, client id and client secret fact, each
/// a reference to that secret, at the same place; a literal is parsed and each credential in it
/// becomes a fact.
pub(crate) fn creds_facts(
    path: &str,
    source: &SourceText<'_>,
    node: &Node,
    raw: &str,
) -> JsonFacts {
    let mut out = JsonFacts::default();
    let span = Span::of_node(node, raw);
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return out;
    }
    if value::reference(trimmed).is_some() {
        out.facts.extend(
            CREDS_FIELDS
                .iter()
                .filter_map(|field| fact_at(path, super::SOURCE, *field, raw, span, None)),
        );
        return out;
    }
    if !trimmed.starts_with('{') {
        match unresolved_expression(trimmed) {
            Some(names) => out.facts.extend(CREDS_FIELDS.iter().filter_map(|field| {
                let expression = Some((super::EXPRESSION_KIND, names.clone()));
                fact_at(path, super::SOURCE, *field, raw, span, expression)
            })),
            None => out.problem = Some((span, "the azure/login creds input is not a JSON object")),
        }
        return out;
    }
    let Ok(object) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(trimmed)
    else {
        out.problem = Some((span, "the azure/login creds input is not valid JSON"));
        return out;
    };
    for (key, value) in &object {
        if out.facts.len() == MAX_JSON_FACTS {
            break;
        }
        let (Some(text), Some(field)) = (value.as_str(), field_of(CREDS_SECTIONS, key)) else {
            continue;
        };
        let at = locate_pair(source, node, raw, key, text).unwrap_or(span);
        out.facts.extend(json_value_fact(path, field, text, at));
    }
    out
}

/// Facts of an `app-settings-json` input written inline: each `{name, value}` whose name folds to
/// a credential field (`AzureAd__ClientId`). Inputs that are references or paths give none
/// (a path is picked up as a file the job uses).
pub(crate) fn app_settings_facts(
    path: &str,
    source: &SourceText<'_>,
    node: &Node,
    raw: &str,
) -> JsonFacts {
    let mut out = JsonFacts::default();
    let trimmed = raw.trim();
    if !trimmed.starts_with('[') {
        return out;
    }
    let span = Span::of_node(node, raw);
    let Ok(settings) = serde_json::from_str::<Vec<serde_json::Value>>(trimmed) else {
        out.problem = Some((span, "the app-settings-json input is not valid JSON"));
        return out;
    };
    for setting in &settings {
        if out.facts.len() == MAX_JSON_FACTS {
            break;
        }
        let name = setting.get("name").and_then(serde_json::Value::as_str);
        let text = setting.get("value").and_then(serde_json::Value::as_str);
        let (Some(name), Some(text)) = (name, text) else {
            continue;
        };
        let Some(field) = field_of(&[], name) else {
            continue;
        };
        let at = locate_pair(source, node, raw, name, text).unwrap_or(span);
        out.facts.extend(json_value_fact(path, field, text, at));
    }
    out
}

/// A fact for a string found inside a JSON input; expressions inside it (a `creds` literal whose
/// `clientSecret` is `${{ secrets.X }}`) are references like anywhere else.
fn json_value_fact(path: &str, field: Field, text: &str, at: Span) -> Option<Fact> {
    let expression = unresolved_expression(text).map(|n| (super::EXPRESSION_KIND, n));
    fact_at(path, super::SOURCE, field, text, at, expression)
}

/// The span of `text` written after `key` inside the scalar, when both can be found as written
/// (an escaped quote or backslash changes the spelling, and then the scalar's span is used).
fn locate_pair(
    source: &SourceText<'_>,
    node: &Node,
    raw: &str,
    key: &str,
    text: &str,
) -> Option<Span> {
    let mut cursor = source.cursor(node, raw);
    cursor.find(source, key)?;
    cursor.find(source, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml;
    use crate::model::FactValue;

    const SECRET: &str = "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678";

    fn run(text: &str, f: fn(&str, &SourceText<'_>, &Node, &str) -> JsonFacts) -> JsonFacts {
        let doc = yaml::parse(text).unwrap().remove(0);
        let node = doc.get("v").unwrap();
        let source = SourceText::new(text);
        f("w.yml", &source, node, node.as_str().unwrap())
    }

    #[test]
    fn creds_literal_on_one_line_points_inside_the_json() {
        let text = format!(
            "v: '{{\"clientId\": \"11111111-2222-3333-4444-555555555555\", \"clientSecret\": \"{SECRET}\", \"tenantId\": \"contoso.onmicrosoft.com\", \"subscriptionId\": \"x\"}}'\n"
        );
        let got = run(&text, creds_facts);
        assert!(got.problem.is_none());
        let by_field = |f: Field| got.facts.iter().find(|x| x.field == f).unwrap();
        let id = by_field(Field::ClientId);
        assert_eq!(id.location.column, Some(19));
        assert_eq!(
            id.value,
            FactValue::Plain("11111111-2222-3333-4444-555555555555".into())
        );
        let secret = by_field(Field::ClientSecret);
        assert!(matches!(&secret.value, FactValue::Secret(s) if s.expose() == SECRET));
        assert_eq!(secret.location.column, Some(75));
        assert_eq!(secret.location.end_column, Some(115));
        assert_eq!(by_field(Field::TenantId).location.line, Some(1));
        assert_eq!(got.facts.len(), 3, "subscriptionId is no credential");
    }

    #[test]
    fn creds_in_a_block_scalar_and_with_escaped_quotes() {
        let text = format!("v: |\n  {{\n    \"clientSecret\": \"{SECRET}\"\n  }}\n");
        let got = run(&text, creds_facts);
        let loc = &got.facts[0].location;
        assert_eq!((loc.line, loc.column), (Some(3), Some(22)));
        let text = format!("v: \"{{\\\"clientSecret\\\": \\\"{SECRET}\\\"}}\"\n");
        let got = run(&text, creds_facts);
        assert_eq!(got.facts.len(), 1);
        assert_eq!(got.facts[0].location.line, Some(1));
    }

    #[test]
    fn creds_reference_and_expressions_inside() {
        let got = run("v: ${{ secrets.AZURE_CREDENTIALS }}\n", creds_facts);
        let fields: Vec<Field> = got.facts.iter().map(|f| f.field).collect();
        assert_eq!(
            fields, CREDS_FIELDS,
            "the secret holds tenant, client id and secret"
        );
        for fact in &got.facts {
            assert_eq!(
                fact.value,
                FactValue::Reference {
                    kind: "github-secret".into(),
                    name: "AZURE_CREDENTIALS".into()
                }
            );
            assert_eq!(
                (fact.location.line, fact.location.column),
                (Some(1), Some(4))
            );
        }
        let got = run("v: ${{ matrix.creds }}\n", creds_facts);
        assert_eq!(got.facts.len(), 3);
        assert!(got.facts.iter().all(|f| matches!(
            &f.value,
            FactValue::Reference { kind, name } if kind == super::super::EXPRESSION_KIND && name == "matrix.creds"
        )));
        let got = run(
            "v: '{\"clientId\": \"${{ vars.ID }}\", \"clientSecret\": \"${{ secrets.S }}\"}'\n",
            creds_facts,
        );
        assert!(got
            .facts
            .iter()
            .all(|f| matches!(f.value, FactValue::Reference { .. })));
        assert_eq!(got.facts.len(), 2);
    }

    #[test]
    fn creds_that_are_not_json_are_a_problem_without_the_value() {
        let got = run(
            &format!("v: '{{\"clientSecret\": \"{SECRET}\"'\n"),
            creds_facts,
        );
        let (span, why) = got.problem.unwrap();
        assert_eq!(span.line, 1);
        assert!(!why.contains(SECRET));
        assert!(got.facts.is_empty());
        assert!(run("v: just-text\n", creds_facts).problem.is_some());
    }

    #[test]
    fn app_settings_json_inline() {
        let text = format!(
            "v: |\n  [\n    {{ \"name\": \"AzureAd__ClientSecret\", \"value\": \"{SECRET}\", \"slotSetting\": false }},\n    {{ \"name\": \"Logging__Level\", \"value\": \"Debug\" }}\n  ]\n"
        );
        let got = run(&text, app_settings_facts);
        assert_eq!(got.facts.len(), 1);
        assert_eq!(got.facts[0].field, Field::ClientSecret);
        assert_eq!(got.facts[0].location.line, Some(3));
        assert_eq!(got.facts[0].location.column, Some(50));
        assert!(run("v: ./settings/prod.json\n", app_settings_facts)
            .facts
            .is_empty());
    }
}
