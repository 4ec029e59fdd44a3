//! Kubernetes manifests: container `env:` lists (a `valueFrom.secretKeyRef` is a reference to
//! `secret/key`), `ConfigMap` `data`, `Secret` `stringData` and base64 `data`, workload-identity
//! annotations, Key Vault CSI `SecretProviderClass` objects (references to the vault), kustomize
//! generator `literals`, and the Helm values a Flux `HelmRelease` or an Argo CD `Application`
//! carries inline.
//!
//! A manifest's namespace scopes its facts only when it is a built-in environment name
//! (`production`, `staging`, `qa`, …): `payments` says nothing, and the path (`overlays/prod/`)
//! decides as for any file.

use super::super::yaml::{Node, NodeKind};
use super::super::{value, FileFacts};
use super::tree::{effective_entries, non_null, split_assignment, Sink};
use super::{is_built_in_environment, SOURCE_KUBERNETES};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use zeroize::Zeroize;

/// Base64 as the API server decodes `Secret.data` (Go's `StdEncoding`): padded standard
/// alphabet, non-zero trailing bits tolerated, line breaks ignored.
const SECRET_DATA: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// Whether a document is a Kubernetes object (it has `apiVersion` and `kind`).
pub(super) fn is_manifest(doc: &Node) -> bool {
    doc.get_str("apiVersion").is_some() && doc.get_str("kind").is_some()
}

/// Whether the file is a kustomization, which may omit `apiVersion` and `kind`.
pub(super) fn is_kustomization_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// Reads one manifest (a `List`'s items one by one).
pub(super) fn read(path: &str, text: &str, doc: &Node, out: &mut FileFacts) {
    let kind = doc.get_str("kind").unwrap_or("Kustomization");
    if kind == "List" {
        if let Some(items) = doc.get("items") {
            for item in items.items() {
                read(path, text, item, out);
            }
        }
        return;
    }
    let metadata = doc.get("metadata");
    let namespace = match kind {
        "Kustomization" => doc.get_str("namespace"),
        _ => metadata.and_then(|m| m.get_str("namespace")),
    };
    let environment = namespace
        .filter(|ns| is_built_in_environment(ns))
        .map(str::to_string);
    let name = metadata.and_then(|m| m.get_str("name")).unwrap_or("");
    let mut sink = Sink::new(path, SOURCE_KUBERNETES, environment, out);

    if let Some(annotations) = metadata.and_then(|m| m.get("annotations")) {
        workload_identity(&mut sink, annotations);
    }
    let mut parents = Vec::new();
    env_lists(&mut sink, doc, &mut parents);
    let api_version = doc.get_str("apiVersion").unwrap_or("");
    match kind {
        "ConfigMap" => {
            if let Some(data) = doc.get("data") {
                plain_data(&mut sink, name, "data", data);
            }
        }
        "Secret" => {
            if let Some(data) = doc.get("stringData") {
                plain_data(&mut sink, name, "stringData", data);
            }
            if let Some(data) = doc.get("data") {
                encoded_data(&mut sink, name, data);
            }
        }
        "SecretProviderClass" => super::csi::read(&mut sink, text, name, doc),
        "Kustomization" => kustomize_literals(&mut sink, doc),
        "HelmRelease" => {
            if let Some(values) = doc.get("spec").and_then(|s| s.get("values")) {
                let mut parents = vec!["values"];
                sink.walk(values, &mut parents);
            }
        }
        "Application" | "ApplicationSet" if api_version.starts_with("argoproj.io") => {
            argo_helm(&mut sink, doc);
        }
        _ => {}
    }
}

/// `azure.workload.identity/client-id` and `…/tenant-id` annotations (on a ServiceAccount):
/// the app a workload signs in as. Other annotations belong to other tools.
fn workload_identity(sink: &mut Sink<'_>, annotations: &Node) {
    let parents = ["metadata", "annotations"];
    for (key, value) in effective_entries(annotations.entries()) {
        let Some(key) = key.as_str() else { continue };
        if key.starts_with("azure.workload.identity/") {
            sink.scalar(&parents, key, value);
        }
    }
}

/// Every `env:` list of the object, wherever its containers sit (Pod, Deployment, CronJob …).
fn env_lists<'n>(sink: &mut Sink<'_>, node: &'n Node, parents: &mut Vec<&'n str>) {
    match &node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => {
            for item in items {
                env_lists(sink, item, parents);
            }
        }
        NodeKind::Map(entries) => {
            for (key, value) in effective_entries(entries) {
                let Some(key) = key.as_str() else { continue };
                parents.push(key);
                if key == "env" && value.is_seq() {
                    for item in value.items() {
                        sink.name_value(parents, item);
                    }
                } else {
                    env_lists(sink, value, parents);
                }
                parents.pop();
            }
        }
    }
}

/// `ConfigMap.data` and `Secret.stringData`: keys with literal values. The object's name is a
/// section, so `Instance` in a ConfigMap named `azuread-config` is the authority.
fn plain_data(sink: &mut Sink<'_>, object: &str, section: &str, data: &Node) {
    let parents = [object, section];
    for (key, value) in effective_entries(data.entries()) {
        if let Some(key) = key.as_str() {
            sink.scalar(&parents, key, value);
        }
    }
}

/// `Secret.data`: every value must be base64 (the API server rejects the object otherwise, so
/// an invalid one is a `parse-error` note naming the key); credential keys are decoded. The
/// fact points at the encoded scalar. References and templates (`${B64}`, `{{ … }}`) stay
/// references.
fn encoded_data(sink: &mut Sink<'_>, object: &str, data: &Node) {
    let parents = [object, "data"];
    for (key, node) in effective_entries(data.entries()) {
        let Some(key) = key.as_str() else { continue };
        let Some(encoded) = non_null(node) else {
            continue;
        };
        let end = node.column + encoded.chars().count() as u32;
        let at = (node.line, node.column, end);
        if value::reference(encoded).is_some() {
            sink.text(&parents, key, encoded, at);
            continue;
        }
        let mut compact: String = encoded
            .chars()
            .filter(|c| !matches!(c, '\r' | '\n'))
            .collect();
        let decoded = SECRET_DATA.decode(compact.as_bytes());
        compact.zeroize();
        match decoded {
            Ok(bytes) => {
                // Binary data (keystores, images) cannot be a credential setting.
                match String::from_utf8(bytes) {
                    Ok(mut decoded) => {
                        sink.text(&parents, key, &decoded, at);
                        decoded.zeroize();
                    }
                    Err(binary) => binary.into_bytes().zeroize(),
                }
            }
            Err(_) => sink.problem(
                node.line,
                node.column,
                &format!(
                    "the value of `{key}` in the data of Secret `{object}` is not valid base64 \
                     (Kubernetes rejects it; put plain text under `stringData` instead)"
                ),
            ),
        }
    }
}

/// kustomize `configMapGenerator` / `secretGenerator` `literals: [KEY=value]`.
fn kustomize_literals(sink: &mut Sink<'_>, doc: &Node) {
    for generator in ["configMapGenerator", "secretGenerator"] {
        for item in doc.get(generator).map(Node::items).unwrap_or(&[]) {
            let name = item.get_str("name").unwrap_or("");
            let parents = [name, "literals"];
            for literal in item.get("literals").map(Node::items).unwrap_or(&[]) {
                let Some(text) = literal.as_str() else {
                    continue;
                };
                if let (key, Some((value, offset))) = split_assignment(text) {
                    let column = literal.column + offset;
                    let end = column + value.chars().count() as u32;
                    sink.text(&parents, key, value, (literal.line, column, end));
                }
            }
        }
    }
}

/// An Argo CD `Application`'s inline Helm values (`valuesObject`) and `parameters`
/// (`{name: azure.clientId, value: …}`), for one `source` or each of `sources`.
fn argo_helm(sink: &mut Sink<'_>, doc: &Node) {
    let Some(spec) = doc.get("spec") else { return };
    // An ApplicationSet keeps the Application under `template`.
    let spec = spec
        .get("template")
        .and_then(|t| t.get("spec"))
        .unwrap_or(spec);
    let sources = spec
        .get("source")
        .into_iter()
        .chain(spec.get("sources").map(Node::items).unwrap_or(&[]));
    for source in sources {
        let Some(helm) = source.get("helm") else {
            continue;
        };
        if let Some(values) = helm.get("valuesObject") {
            let mut parents = vec!["valuesObject"];
            sink.walk(values, &mut parents);
        }
        for parameter in helm.get("parameters").map(Node::items).unwrap_or(&[]) {
            sink.name_value(&["parameters"], parameter);
        }
    }
}
