//! Extractors: one module per file kind, each turning a file into credential `Fact`s.
//!
//! Every extractor is a pure function of `(path, text)`. Format parsers produce [`Entry`]s (a key,
//! its enclosing sections and the value with its exact position); [`facts_from_entries`] folds
//! keys to fields through the one alias table (`keys`) and classifies values (`value`), so every
//! format agrees on what a credential is. Pipeline extractors also report which environment a
//! job or stage is scoped to and what it references ([`ScopedReference`]).

use crate::model::{Fact, FactValue, Field, Finding, Location, ScopedReference, Severity};
use crate::secret::SecretValue;

pub mod appsettings;
pub mod azure_pipelines;
pub mod dotenv;
pub mod github_workflow;
pub mod json_syntax;
pub mod keys;
pub mod keyvault;
pub mod kind;
pub mod offsets;
pub mod properties;
pub mod spring_keyvault;
pub mod terraform;
#[cfg(test)]
mod test_support;
pub mod toml_config;
pub mod value;
pub mod vault_sources;
pub mod yaml;
pub mod yaml_config;

pub use kind::FileKind;

/// Extracts credential facts from one file, choosing the extractor by the file's kind. Pure:
/// files of no credential-bearing kind cost a look at their name.
pub fn extract_file(path: &str, bytes: &[u8]) -> FileFacts {
    extract_kind(kind::detect(path, bytes), path, bytes)
}

/// [`extract_file`] for a file whose kind the caller already detected.
pub fn extract_kind(kind: Option<FileKind>, path: &str, bytes: &[u8]) -> FileFacts {
    let Some(kind) = kind else {
        return FileFacts::default();
    };
    // Pipelines always count (their environments and references matter); other config is
    // parsed only when it can hold a credential key.
    let pipeline = matches!(kind, FileKind::GithubWorkflow | FileKind::AzurePipeline);
    if !pipeline && !keys::may_mention_credentials(bytes) {
        return FileFacts::default();
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match kind {
        FileKind::Dotenv => dotenv::extract(path, text),
        FileKind::AppSettings | FileKind::JsonConfig => appsettings::extract(path, text),
        FileKind::Properties => properties::extract(path, text),
        FileKind::Terraform => terraform::extract(path, text),
        FileKind::TomlConfig => toml_config::extract(path, text),
        FileKind::YamlConfig => yaml_config::extract(path, text),
        FileKind::GithubWorkflow => github_workflow::extract(path, text),
        FileKind::AzurePipeline => azure_pipelines::extract(path, text),
    }
}

/// One key/value pair as a file format parser saw it, before it is mapped to a credential field.
/// The value may be a secret, so `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// Enclosing section names, outermost first (`["AzureAd"]` for `AzureAd:ClientId`).
    pub parents: Vec<String>,
    /// The key as written.
    pub key: String,
    /// The value with quotes and escapes resolved.
    pub value: String,
    /// 1-based line of the value's first character.
    pub line: u32,
    /// 1-based column (in characters) of the value's first character.
    pub column: u32,
}

impl Entry {
    /// An entry with no enclosing sections.
    pub fn new(key: &str, value: String, line: u32, column: u32) -> Self {
        Self {
            parents: Vec::new(),
            key: key.to_string(),
            value,
            line,
            column,
        }
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("parents", &self.parents)
            .field("key", &self.key)
            .field(
                "value",
                &format_args!("[REDACTED; {} chars]", self.value.chars().count()),
            )
            .field("line", &self.line)
            .field("column", &self.column)
            .finish()
    }
}

/// Everything one file tells about credentials.
#[derive(Debug, Default)]
pub struct FileFacts {
    /// Credential facts. `environment` is set when the file itself scopes the value (a pipeline
    /// job's `environment:`), as written; otherwise the inventory infers it from the path.
    pub facts: Vec<Fact>,
    /// Names referenced from environment-scoped jobs and stages.
    pub references: Vec<ScopedReference>,
    /// Environment names pipelines use (`environment: uat`), which makes them known names.
    pub declared_environments: Vec<String>,
    /// Files a pipeline job or stage of an environment uses: `(environment as written, path
    /// relative to the root)`, e.g. a local template or a settings file passed to a step.
    pub file_uses: Vec<(String, String)>,
    /// Jobs of reusable workflows deploying to the environment an input names
    /// (`environment: ${{ inputs.environment }}`), given their environments by the callers.
    pub reusable_jobs: Vec<github_workflow::reusable::ReusableJob>,
    /// Jobs calling a reusable workflow of the same repository, with the inputs they pass.
    pub workflow_calls: Vec<github_workflow::reusable::WorkflowCall>,
    /// `parse-error` notes.
    pub problems: Vec<Finding>,
    /// Folders holding a project manifest (`*.csproj`, `package.json`, `go.mod`…): the app
    /// scopes of [`crate::inventory::app`].
    pub project_roots: Vec<String>,
    /// Files whose name alone makes a framework read them for one environment
    /// (`appsettings.UAT.json`), whether or not they set a credential.
    pub environment_files: Vec<String>,
    /// Key Vault providers (CSI `SecretProviderClass` synced Secrets, Spring Key Vault property
    /// sources), joined to the references they resolve by `inventory::keyvault`.
    pub vault_providers: Vec<vault_sources::VaultProvider>,
    /// Where a credential fact holds a Spring placeholder without a default (`${name}`, not
    /// `${name:default}`): only those may be resolved from a Key Vault property source, since
    /// a default would apply whenever the vault lacks the secret.
    pub vault_placeholders: Vec<Location>,
}

impl FileFacts {
    /// Merges another file's results into this one.
    pub fn absorb(&mut self, other: FileFacts) {
        self.facts.extend(other.facts);
        self.references.extend(other.references);
        self.declared_environments
            .extend(other.declared_environments);
        self.file_uses.extend(other.file_uses);
        self.reusable_jobs.extend(other.reusable_jobs);
        self.workflow_calls.extend(other.workflow_calls);
        self.problems.extend(other.problems);
        self.project_roots.extend(other.project_roots);
        self.environment_files.extend(other.environment_files);
        self.vault_providers.extend(other.vault_providers);
        self.vault_placeholders.extend(other.vault_placeholders);
    }

    /// Records a `parse-error` note at a place in the file. Call it after the facts read
    /// before the error are in `facts`: the note says whether any were.
    pub fn parse_error(&mut self, path: &str, line: Option<u32>, column: Option<u32>, why: &str) {
        let location = Location {
            file: Some(path.to_string()),
            line,
            column,
            ..Location::default()
        };
        let place = location.to_string();
        // Said from what the extractor kept, so the note never claims values it dropped.
        let kept = if self.facts.is_empty() {
            "no credential setting could be read from the file"
        } else {
            "only the credential settings that could be read despite it were kept"
        };
        self.problems.push(Finding::new(
            "parse-error",
            Severity::Note,
            location,
            format!("{place}: {why}; {kept}"),
            why,
        ));
    }
}

/// Turns a value as written into a fact value for `field`: references stay references, literal
/// secrets go into a [`SecretValue`] exactly as written (whitespace included, so that
/// `secret-whitespace` can see it), other literals are kept plain. Empty values are no fact.
pub fn fact_value(field: Field, raw: &str) -> Option<FactValue> {
    match value::classify(raw) {
        value::ValueKind::Empty => None,
        value::ValueKind::Reference(r) => Some(FactValue::Reference {
            kind: r.kind.to_string(),
            name: r.name,
        }),
        value::ValueKind::Placeholder | value::ValueKind::Literal => Some(match field {
            Field::ClientSecret => FactValue::Secret(SecretValue::new(raw)),
            // A certificate written inline (PEM or base64 content, not a path or thumbprint)
            // may carry its private key: never kept as plain text.
            Field::Certificate if is_inline_certificate(raw) => {
                FactValue::Secret(SecretValue::new(raw))
            }
            _ => FactValue::Plain(raw.trim().to_string()),
        }),
    }
}

/// Whether a certificate value is the certificate itself rather than a path, thumbprint or
/// name: PEM text, or a long run of base64.
fn is_inline_certificate(raw: &str) -> bool {
    let v = raw.trim();
    v.contains("-----BEGIN")
        || (v.len() > 100
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '\n' | '\r')))
}

/// Maps parsed entries to facts: keys through the alias table, values through [`fact_value`].
/// `source` names the extractor (`dotenv`, `appsettings`, …); `environment` is the scope the
/// file itself gives, if any.
pub fn facts_from_entries(
    path: &str,
    source: &str,
    environment: Option<&str>,
    entries: &[Entry],
) -> Vec<Fact> {
    entries
        .iter()
        .filter_map(|entry| {
            let parents: Vec<&str> = entry.parents.iter().map(String::as_str).collect();
            let field = keys::field_for_key(&parents, &entry.key)?;
            let value = fact_value(field, &entry.value)?;
            let end = entry.column + entry.value.chars().count() as u32;
            Some(Fact {
                environment: environment.map(str::to_string),
                field,
                value,
                location: Location::file(path, entry.line, entry.column).with_end_column(end),
                source: source.to_string(),
            })
        })
        .collect()
}
