//! YAML configuration files: Spring `application*.yml`, Helm `values*.yaml`, Kubernetes
//! manifests, docker-compose files and generic YAML config under `config/<env>/…`-style folders.
//!
//! The file is parsed once into the positioned tree of [`super::yaml`]; each document then goes
//! to the reader that knows its shape. A document with top-level `apiVersion` and `kind` is a
//! Kubernetes manifest whatever the file is called (Argo CD's `application.yaml` is one);
//! otherwise the file name decides: `application*`/`bootstrap*` are Spring, `*compose*` is
//! docker-compose, `values*` is Helm, anything else is walked as generic config. Facts carry an
//! environment only where the document itself scopes them (a Spring profile document, a
//! Kubernetes namespace named like an environment); otherwise the inventory infers it from the
//! path.

mod compose;
mod csi;
mod kubernetes;
mod spring;
mod tree;

use super::yaml::{self, Node};
use super::FileFacts;
use crate::inventory::environment::EnvironmentNames;
use crate::model::{Field, Location};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Source name of facts from Spring Boot configuration.
pub const SOURCE_SPRING: &str = "spring";
/// Source name of facts from Helm values files.
pub const SOURCE_HELM: &str = "helm";
/// Source name of facts from Kubernetes manifests.
pub const SOURCE_KUBERNETES: &str = "kubernetes";
/// Source name of facts from docker-compose files.
pub const SOURCE_COMPOSE: &str = "compose";
/// Source name of facts from other YAML configuration.
pub const SOURCE_GENERIC: &str = "yaml-config";

/// The built-in environment names, for the few places where a document names its own
/// environment (a namespace, a Spring profile list) and only a well-known name should count.
static BUILT_IN_NAMES: LazyLock<EnvironmentNames> = LazyLock::new(EnvironmentNames::default);

/// Whether `name` is one of the built-in environment aliases (`prod`, `staging`, `qa`, …).
fn is_built_in_environment(name: &str) -> bool {
    BUILT_IN_NAMES.known(name).is_some()
}

/// What the file's name says about the documents that are not Kubernetes manifests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    /// `application*` / `bootstrap*`.
    Spring,
    /// `*compose*`.
    Compose,
    /// `values*`.
    Helm,
    /// Anything else kind detection sent here (config folders).
    Generic,
}

/// The reader for a file's non-manifest documents, from its name.
fn flavor_of(path: &str) -> Flavor {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.starts_with("application") || name.starts_with("bootstrap") {
        Flavor::Spring
    } else if name.contains("compose") {
        Flavor::Compose
    } else if name.starts_with("values") {
        Flavor::Helm
    } else {
        Flavor::Generic
    }
}

/// Facts from one YAML configuration file. A file that is not valid YAML becomes a
/// `parse-error` note at the error's place, and the documents before the broken one still count;
/// Go templates (Helm chart templates, which are not YAML until rendered) are skipped quietly.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = FileFacts::default();
    match yaml::parse(text) {
        Ok(documents) => read_documents(path, text, &documents, &mut out),
        Err(error) => {
            if is_go_template(text) {
                return out;
            }
            if let Some(documents) = documents_before(text, error.line) {
                read_documents(path, text, &documents, &mut out);
            }
            let why = format!("invalid YAML: {}", error.message);
            out.parse_error(path, Some(error.line), Some(error.column), &why);
        }
    }
    dedupe(&mut out);
    out
}

/// Sends each document to the reader for its shape.
fn read_documents(path: &str, text: &str, documents: &[Node], out: &mut FileFacts) {
    let flavor = flavor_of(path);
    for doc in documents {
        if kubernetes::is_manifest(doc) || kubernetes::is_kustomization_file(path) {
            kubernetes::read(path, text, doc, out);
            continue;
        }
        match flavor {
            Flavor::Spring => spring::read(path, doc, out),
            Flavor::Compose => compose::read(path, doc, out),
            Flavor::Helm => tree::Sink::new(path, SOURCE_HELM, None, out).walk_document(doc),
            Flavor::Generic => tree::Sink::new(path, SOURCE_GENERIC, None, out).walk_document(doc),
        }
    }
}

/// A Go/Helm template: `{{ … }}` actions make it invalid YAML until rendered, and its values are
/// template references anyway.
fn is_go_template(text: &str) -> bool {
    text.contains("{{") && text.contains("}}")
}

/// The documents that end before the line of a syntax error, so that one broken document does
/// not hide the credentials of the others. Only the error path pays for the second parse.
fn documents_before(text: &str, error_line: u32) -> Option<Vec<Node>> {
    let mut offset = 0usize;
    let mut last_separator = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index as u32 + 1 >= error_line {
            break;
        }
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare.starts_with("--- ") || bare == "..." {
            last_separator = Some(offset);
        }
        offset += line.len();
    }
    let prefix = text.get(..last_separator?)?;
    yaml::parse(prefix).ok()
}

/// Drops repeated facts: an anchor's value is seen once per alias that expands it, but it is
/// written, and must be reported, once.
fn dedupe(out: &mut FileFacts) {
    let mut seen: HashSet<(Field, Location, Option<String>)> = HashSet::new();
    let facts = std::mem::take(&mut out.facts);
    out.facts = facts
        .into_iter()
        .filter(|f| seen.insert((f.field, f.location.clone(), f.environment.clone())))
        .collect();
}

#[cfg(test)]
mod tests;
