//! The walk every YAML reader shares: keys fold to credential fields through the alias table
//! with their enclosing keys as sections, and the shapes YAML config uses for environment
//! variables (`- name: X` / `value:` lists, `valueFrom.secretKeyRef`, `KEY=value` strings) become
//! the same facts as a plain `key: value`.

use super::super::spring_keyvault::bare_placeholder;
use super::super::vault_sources::{ProviderKind, VaultProvider};
use super::super::yaml::{Node, NodeKind};
use super::super::{fact_value, keys, value, FileFacts};
use crate::model::{Fact, FactValue, Field, Location};
use std::collections::HashMap;

/// Collects the facts of one YAML document into the file's results, with the source name and
/// the environment (if the document scopes one) every fact of the document shares.
pub(super) struct Sink<'a> {
    path: &'a str,
    source: &'static str,
    environment: Option<String>,
    spring_placeholders: bool,
    out: &'a mut FileFacts,
}

impl<'a> Sink<'a> {
    /// A sink for facts of `source`, scoped to `environment` when the document names one.
    pub(super) fn new(
        path: &'a str,
        source: &'static str,
        environment: Option<String>,
        out: &'a mut FileFacts,
    ) -> Self {
        Self {
            path,
            source,
            environment,
            spring_placeholders: false,
            out,
        }
    }

    /// Also reads Spring's `${name:default}` and `${dotted.property}` placeholders as
    /// references, which the shared value classifier does not know.
    pub(super) fn with_spring_placeholders(mut self) -> Self {
        self.spring_placeholders = true;
        self
    }

    /// Records a `parse-error` note; `why` must name keys and places, never values.
    pub(super) fn problem(&mut self, line: u32, column: u32, why: &str) {
        self.out
            .parse_error(self.path, Some(line), Some(column), why);
    }

    /// The whole document, every key folded with its parents.
    pub(super) fn walk_document(&mut self, doc: &Node) {
        let mut parents = Vec::new();
        self.walk(doc, &mut parents);
    }

    /// Walks a subtree whose enclosing keys are `parents`.
    pub(super) fn walk<'n>(&mut self, node: &'n Node, parents: &mut Vec<&'n str>) {
        match &node.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => {
                for item in items {
                    self.walk(item, parents);
                }
            }
            NodeKind::Map(entries) => {
                for (key, value) in effective_entries(entries) {
                    let Some(key) = key.as_str() else { continue };
                    match &value.kind {
                        NodeKind::Scalar { .. } => self.scalar(parents, key, value),
                        NodeKind::Map(_) => {
                            parents.push(key);
                            self.walk(value, parents);
                            parents.pop();
                        }
                        NodeKind::Seq(items) => {
                            parents.push(key);
                            self.walk_list(key, items, parents);
                            parents.pop();
                        }
                    }
                }
            }
        }
    }

    /// A list under `key` (already the last of `parents`): scalars are values of `key` (a list
    /// of redirect URIs), `name`/`value` maps are environment variables, other maps are walked.
    fn walk_list<'n>(&mut self, key: &str, items: &'n [Node], parents: &mut Vec<&'n str>) {
        for item in items {
            match &item.kind {
                NodeKind::Scalar { .. } => {
                    let outer = parents.split_last().map(|(_, rest)| rest).unwrap_or(&[]);
                    self.scalar(outer, key, item);
                }
                NodeKind::Map(_) => {
                    if !self.name_value(parents, item) {
                        self.walk(item, parents);
                    }
                }
                NodeKind::Seq(inner) => self.walk_list(key, inner, parents),
            }
        }
    }

    /// An environment variable written as `{name: X, value: …}` or `{name: X, valueFrom: …}`
    /// (Kubernetes container `env:`, Helm values copying it, Argo CD `parameters`). Returns
    /// whether `item` had that shape.
    pub(super) fn name_value(&mut self, parents: &[&str], item: &Node) -> bool {
        let Some(name) = item.get_str("name") else {
            return false;
        };
        if let Some(value) = item.get("value") {
            if value.as_str().is_some() {
                self.scalar(parents, name, value);
            }
            return true;
        }
        let Some(from) = item.get("valueFrom") else {
            return false;
        };
        for (selector, kind) in [
            ("secretKeyRef", "k8s-secret"),
            ("configMapKeyRef", "k8s-configmap"),
        ] {
            let Some(source) = from.get(selector) else {
                continue;
            };
            let object = source.get("name");
            let object_name = object.and_then(Node::as_str).unwrap_or("");
            let key = source.get_str("key").unwrap_or("");
            let at = object.or_else(|| source.get("key")).unwrap_or(source);
            let end = at.column + at.as_str().map_or(0, |s| s.chars().count() as u32);
            self.reference(
                parents,
                name,
                kind,
                format!("{object_name}/{key}"),
                (at.line, at.column, end),
            );
        }
        true
    }

    /// A scalar value of `key`; YAML nulls (`~`, `null`, nothing) are no value.
    pub(super) fn scalar(&mut self, parents: &[&str], key: &str, node: &Node) {
        let Some(text) = non_null(node) else { return };
        let end = node.column + text.chars().count() as u32;
        self.text(parents, key, text, (node.line, node.column, end));
    }

    /// A value of `key` at `(line, column, end_column)`: kept when the key is a credential field
    /// and the value is not empty.
    pub(super) fn text(&mut self, parents: &[&str], key: &str, raw: &str, at: (u32, u32, u32)) {
        let Some(field) = keys::field_for_key(parents, key) else {
            return;
        };
        let spring_reference = if self.spring_placeholders && value::reference(raw).is_none() {
            super::spring::placeholder(raw)
        } else {
            None
        };
        let fact_value = match spring_reference {
            Some(name) => FactValue::Reference {
                kind: "env-var".to_string(),
                name,
            },
            None => match fact_value(field, raw) {
                Some(v) => v,
                None => return,
            },
        };
        self.push(field, fact_value, at);
        if self.spring_placeholders && bare_placeholder(raw).is_some() {
            let (line, column, end) = at;
            self.out
                .vault_placeholders
                .push(Location::file(self.path, line, column).with_end_column(end));
        }
    }

    /// A reference of `kind` to `name`, stored under `key` when the key is a credential field.
    pub(super) fn reference(
        &mut self,
        parents: &[&str],
        key: &str,
        kind: &str,
        name: String,
        at: (u32, u32, u32),
    ) {
        let Some(field) = keys::field_for_key(parents, key) else {
            return;
        };
        let value = FactValue::Reference {
            kind: kind.to_string(),
            name,
        };
        self.push(field, value, at);
    }

    /// A Key Vault provider configured at `(line, column, end_column)`, scoped like the
    /// document's facts.
    pub(super) fn provider(&mut self, kind: ProviderKind, (line, column, end): (u32, u32, u32)) {
        self.out.vault_providers.push(VaultProvider {
            kind,
            location: Location::file(self.path, line, column).with_end_column(end),
            environment: self.environment.clone(),
        });
    }

    fn push(&mut self, field: Field, value: FactValue, (line, column, end): (u32, u32, u32)) {
        self.out.facts.push(Fact {
            environment: self.environment.clone(),
            field,
            value,
            location: Location::file(self.path, line, column).with_end_column(end),
            source: self.source.to_string(),
        });
    }
}

/// The scalar text of a node, `None` for collections and YAML nulls.
pub(super) fn non_null(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar {
            value,
            quoted: false,
        } if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL") => None,
        NodeKind::Scalar { value, .. } => Some(value),
        _ => None,
    }
}

/// A mapping's entries as a YAML loader sees them: when a key repeats, only its last entry
/// counts (this is also how a merge key's entries are overridden by the mapping's own keys).
pub(super) fn effective_entries(entries: &[(Node, Node)]) -> impl Iterator<Item = &(Node, Node)> {
    const SMALL: usize = 32;
    let last: Option<HashMap<&str, usize>> = (entries.len() > SMALL).then(|| {
        entries
            .iter()
            .enumerate()
            .filter_map(|(i, (k, _))| k.as_str().map(|k| (k, i)))
            .collect()
    });
    entries.iter().enumerate().filter_map(move |(i, entry)| {
        let Some(key) = entry.0.as_str() else {
            return Some(entry);
        };
        let shadowed = match &last {
            Some(last) => last.get(key).is_some_and(|&j| j != i),
            None => entries
                .get(i + 1..)
                .unwrap_or(&[])
                .iter()
                .any(|(k, _)| k.as_str() == Some(key)),
        };
        (!shadowed).then_some(entry)
    })
}

/// A `KEY=value` string (compose `environment:` lists, kustomize `literals`): the key, the value
/// and the value's character offset from the start of the string. A bare `KEY` has no value.
pub(super) fn split_assignment(item: &str) -> (&str, Option<(&str, u32)>) {
    match item.split_once('=') {
        Some((key, value)) => (key.trim(), Some((value, key.chars().count() as u32 + 1))),
        None => (item.trim(), None),
    }
}
