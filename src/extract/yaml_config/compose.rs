//! docker-compose files: each service's `environment:`, written as a map (`KEY: value`) or a
//! list of `KEY=value` strings. A variable given without a value (`- KEY`, or `KEY:` with
//! nothing) is passed through from the shell that runs compose, so it is a reference to the
//! environment variable of that name. `env_file:` names files that are scanned on their own.

use super::super::yaml::{Node, NodeKind};
use super::super::FileFacts;
use super::tree::{effective_entries, non_null, split_assignment, Sink};
use super::SOURCE_COMPOSE;

/// Reads the `environment:` of every service of one compose document.
pub(super) fn read(path: &str, doc: &Node, out: &mut FileFacts) {
    let Some(services) = doc.get("services") else {
        return;
    };
    let mut sink = Sink::new(path, SOURCE_COMPOSE, None, out);
    for (name, service) in effective_entries(services.entries()) {
        let Some(name) = name.as_str() else { continue };
        let Some(environment) = service.get("environment") else {
            continue;
        };
        let parents = ["services", name, "environment"];
        match &environment.kind {
            NodeKind::Map(entries) => {
                for (key, value) in effective_entries(entries) {
                    let Some(key_text) = key.as_str() else {
                        continue;
                    };
                    if non_null(value).is_some() {
                        sink.scalar(&parents, key_text, value);
                    } else if !value.is_map() && !value.is_seq() {
                        pass_through(&mut sink, &parents, key_text, key);
                    }
                }
            }
            NodeKind::Seq(items) => {
                for item in items {
                    let Some(text) = item.as_str() else { continue };
                    list_item(&mut sink, &parents, text, item);
                }
            }
            NodeKind::Scalar { .. } => {}
        }
    }
}

/// One `KEY=value` (or bare `KEY`) item of an `environment:` list.
fn list_item(sink: &mut Sink<'_>, parents: &[&str], text: &str, item: &Node) {
    match split_assignment(text) {
        (key, Some((value, offset))) => {
            let column = item.column + offset;
            let end = column + value.chars().count() as u32;
            sink.text(parents, key, value, (item.line, column, end));
        }
        (key, None) => pass_through(sink, parents, key, item),
    }
}

/// A variable compose takes from its own environment: a reference to that variable, placed on
/// the name (there is no value to point at).
fn pass_through(sink: &mut Sink<'_>, parents: &[&str], key: &str, at: &Node) {
    let end = at.column + key.chars().count() as u32;
    sink.reference(
        parents,
        key,
        "env-var",
        key.to_string(),
        (at.line, at.column, end),
    );
}
