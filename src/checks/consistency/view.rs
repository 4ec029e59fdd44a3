//! The inventory as the rules read it: environments in promotion order, facts in a stable order,
//! and only the values that can be compared (literals, placeholders set aside).

use crate::extract::value::is_placeholder;
use crate::inventory::environment::{promotion_rank, EnvironmentNames};
use crate::model::{EnvironmentExpectation, Fact, FactValue, Field, Inventory};
use crate::secret::SecretValue;
use std::collections::BTreeMap;

/// Read-only helpers over one inventory, shared by every rule so that they agree on order and
/// on what counts as a literal.
pub struct View<'a> {
    /// The inventory being checked.
    pub inventory: &'a Inventory,
    /// Environment names in promotion order (`development < test < others < staging <
    /// production`), ties by name, so "the later environment" is always well defined.
    pub order: Vec<&'a str>,
    /// Each environment's own facts, sorted by place once for every rule.
    own: BTreeMap<&'a str, Vec<&'a Fact>>,
    /// The base facts, sorted by place.
    unassigned: Vec<&'a Fact>,
    /// The run's environment names and aliases (built-in plus `credgate.toml`'s).
    pub names: EnvironmentNames,
}

impl<'a> View<'a> {
    /// A view with the built-in environment aliases only.
    pub fn new(inventory: &'a Inventory) -> Self {
        Self::with_names(inventory, &EnvironmentNames::default())
    }

    /// Orders the inventory's environments and facts once; `names` are the run's aliases.
    pub fn with_names(inventory: &'a Inventory, names: &EnvironmentNames) -> Self {
        let mut order: Vec<&str> = inventory.environments.keys().map(String::as_str).collect();
        order.sort_by_key(|env| (promotion_rank(env), *env));
        let own = inventory
            .environments
            .iter()
            .map(|(env, facts)| (env.as_str(), sorted(facts)))
            .collect();
        Self {
            inventory,
            order,
            own,
            unassigned: sorted(&inventory.unassigned),
            names: names.clone(),
        }
    }

    /// Whether environment `a` comes before `b` in promotion order.
    pub fn is_before(&self, a: &str, b: &str) -> bool {
        (promotion_rank(a), a) < (promotion_rank(b), b)
    }

    /// An environment's own facts (not the inherited base), sorted by place.
    pub fn own(&self, env: &str) -> &[&'a Fact] {
        self.own.get(env).map_or(&[], Vec::as_slice)
    }

    /// Environments with their own facts, in promotion order.
    pub fn environments(&self) -> impl Iterator<Item = (&'a str, &[&'a Fact])> + '_ {
        self.order.iter().map(|env| (*env, self.own(env)))
    }

    /// The base facts every environment inherits, sorted by place.
    pub fn unassigned(&self) -> &[&'a Fact] {
        &self.unassigned
    }

    /// What `credgate.toml` expects of an environment, if anything.
    pub fn expectation(&self, env: &str) -> Option<&'a EnvironmentExpectation> {
        self.inventory.expectations.get(env)
    }

    /// For one field, every environment-specific literal grouped by its normal form (`key`
    /// returns `None` for values that cannot be compared), environments in promotion order and
    /// each environment's first place only. Base values are never another environment's.
    pub fn owners(
        &self,
        field: Field,
        key: impl Fn(&str) -> Option<String>,
    ) -> BTreeMap<String, Vec<(&'a str, &'a Fact)>> {
        let mut owners: BTreeMap<String, Vec<(&'a str, &'a Fact)>> = BTreeMap::new();
        for (env, facts) in self.environments() {
            for fact in facts.iter().copied().filter(|f| f.field == field) {
                let Some(k) = plain_literal(fact).and_then(&key) else {
                    continue;
                };
                let list = owners.entry(k).or_default();
                if !list.iter().any(|(e, _)| *e == env) {
                    list.push((env, fact));
                }
            }
        }
        owners
    }
}

/// Facts sorted by place (file, line, column, source), the one order every rule reports in.
pub fn sorted<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> Vec<&'a Fact> {
    let mut out: Vec<&Fact> = facts.into_iter().collect();
    out.sort_by(|a, b| a.location.cmp(&b.location).then(a.field.cmp(&b.field)));
    out
}

/// A literal non-secret value that is not a placeholder.
pub fn plain_literal(fact: &Fact) -> Option<&str> {
    match &fact.value {
        FactValue::Plain(v) if !is_placeholder(v) => Some(v.as_str()),
        _ => None,
    }
}

/// A literal secret that is not a placeholder.
pub fn secret_literal(fact: &Fact) -> Option<&SecretValue> {
    match &fact.value {
        FactValue::Secret(s) if !is_placeholder(s.expose()) => Some(s),
        _ => None,
    }
}

/// Whether a fact holds a placeholder rather than a value (`<client-secret>`, `changeme`).
pub fn is_placeholder_fact(fact: &Fact) -> bool {
    match &fact.value {
        FactValue::Plain(v) => is_placeholder(v),
        FactValue::Secret(s) => is_placeholder(s.expose()),
        FactValue::Reference { .. } => false,
    }
}
