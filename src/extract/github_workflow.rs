//! GitHub Actions workflows (`.github/workflows/*.yml`): the credentials a workflow passes to
//! its jobs and steps, and which environment each job deploys to.
//!
//! - `env:` at workflow, job (and job container) and step level, step `with:` inputs and the
//!   `with:`/`secrets:` a job passes to a reusable workflow fold through the alias table:
//!   `AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}` is a `client_id` fact whose value is a
//!   `github-variable` reference; `azure/login`'s `client-id`/`tenant-id` are read in the
//!   action's context, and its `creds` JSON is taken apart (see [`login`]).
//! - A job's `environment:` (a name or `{name, url}`) scopes its facts; `${{ matrix.KEY }}` with
//!   a literal matrix expands to one scope per value (see [`scopes`]). Workflow-level `env:`
//!   facts belong to no environment: they apply to every job, so the file's path decides.
//! - Every `secrets.X` / `vars.X` read anywhere in an environment-scoped job (env, inputs, `run:`
//!   scripts, `if:` conditions) becomes a [`ScopedReference`] pointing at its `${{` (or at the
//!   reference itself in a bare `if:`), which is what `cross-env-secret-reference` checks.
//! - Configuration files an environment-scoped job hands to its steps, and local reusable
//!   workflows it calls, are recorded as `file_uses` (see [`paths`]).
//!
//! Values computed by other expressions (`${{ matrix.client_id }}`, `${{ format(…) }}`) are not
//! literals: they become references of kind [`EXPRESSION_KIND`] naming the expressions, except
//! `${{ matrix.KEY }}` in a matrix-expanded job whose `include` entry gives the key a literal,
//! which becomes that literal, placed where the matrix writes it.

mod expressions;
mod login;
mod paths;
pub mod reusable;
mod scopes;
pub(crate) mod shared;

use super::yaml::{self, Node};
use super::{keys, FileFacts};
use crate::model::{Fact, Location, ReferenceKind, ScopedReference};
use reusable::{PendingJob, ReusableJob, WorkflowCall};
use scopes::Scope;
use shared::{fact_at, field_of, for_each_scalar, SourceText, Span};

/// The `source` of every fact this extractor produces.
pub const SOURCE: &str = "github-workflow";

/// The reference kind of a value computed by GitHub expressions other than a plain
/// `secrets.X` / `vars.X` / `env.X` (e.g. `${{ matrix.client_id }}`).
pub const EXPRESSION_KIND: &str = "github-expression";

/// Facts from one workflow file.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = FileFacts::default();
    let Some(documents) = yaml::parse_or_note(path, text, &mut out) else {
        return out;
    };
    let mut workflow = Workflow {
        path,
        source: SourceText::new(text),
        out,
    };
    for document in &documents {
        workflow.document(document);
    }
    workflow.out
}

/// The extraction of one file in progress.
struct Workflow<'a> {
    path: &'a str,
    source: SourceText<'a>,
    out: FileFacts,
}

/// What one job yields before it is attributed to its environments.
#[derive(Default)]
struct JobYield {
    /// Facts with no environment.
    facts: Vec<Fact>,
    /// Facts whose value is `${{ matrix.KEY }}`: the key, and the fact to use when the scope's
    /// matrix row does not give the key a literal.
    matrix_facts: Vec<(String, Fact)>,
    /// Secrets and variables read.
    references: Vec<(ReferenceKind, String, Location)>,
    /// Repository-relative files handed to steps or called as reusable workflows.
    files: Vec<String>,
}

impl JobYield {
    /// The yield of a job whose environments are not known yet; a `${{ matrix.KEY }}` value
    /// stays the expression, since no matrix row decides it.
    fn pending(&self) -> PendingJob {
        let mut files = self.files.clone();
        files.sort();
        files.dedup();
        PendingJob {
            facts: self
                .facts
                .iter()
                .chain(self.matrix_facts.iter().map(|(_, f)| f))
                .cloned()
                .collect(),
            references: self.references.clone(),
            files,
        }
    }
}

impl Workflow<'_> {
    fn document(&mut self, document: &Node) {
        self.out
            .workflow_calls
            .extend(reusable::dispatch_call(self.path, document));
        if let Some(env) = document.get("env") {
            let mut facts = JobYield::default();
            self.mapping_facts(env, &[], &mut facts);
            self.out.facts.extend(facts.facts);
            self.out
                .facts
                .extend(facts.matrix_facts.into_iter().map(|(_, f)| f));
        }
        let default_dir = working_directory(document).unwrap_or("");
        let Some(jobs) = document.get("jobs") else {
            return;
        };
        for (_, job) in jobs.entries() {
            if job.is_map() {
                self.job(document, job, default_dir);
            }
        }
    }

    fn job(&mut self, document: &Node, job: &Node, default_dir: &str) {
        let scopes = scopes::job_scopes(document, job);
        for scope in &scopes {
            if !self.out.declared_environments.contains(&scope.name) {
                self.out.declared_environments.push(scope.name.clone());
            }
        }
        // A job deploying to `${{ inputs.X }}`, or calling a local reusable workflow without an
        // environment of its own, gets its environments once the callers are known.
        let by_input = if scopes.is_empty() {
            reusable::input_environment(job)
        } else {
            None
        };
        let called = job
            .get_str("uses")
            .and_then(|uses| reusable::local_workflow(self.path, uses));
        let deferred = scopes.is_empty() && (by_input.is_some() || called.is_some());
        let scoped = !scopes.is_empty() || deferred;
        let job_dir = working_directory(job).unwrap_or(default_dir);
        let mut got = JobYield::default();

        if let Some(env) = job.get("env") {
            self.mapping_facts(env, &[], &mut got);
        }
        if let Some(env) = job.get("container").and_then(|c| c.get("env")) {
            self.mapping_facts(env, &[], &mut got);
        }
        if let Some(uses) = job.get_str("uses") {
            for key in ["with", "secrets"] {
                if let Some(inputs) = job.get(key) {
                    self.mapping_facts(inputs, &[uses], &mut got);
                }
            }
        }
        if scoped {
            got.files.extend(called.clone());
        }
        for step in job.get("steps").map(Node::items).unwrap_or(&[]) {
            self.step(step, job_dir, scoped, &mut got);
        }
        if scoped {
            self.references(job, &mut got.references);
        }
        if let Some(workflow) = called {
            let pending = deferred.then(|| got.pending());
            self.out.workflow_calls.push(WorkflowCall {
                caller: self.path.to_string(),
                workflow,
                inputs: reusable::call_inputs(job),
                forwarded: reusable::forwarded_inputs(job),
                inherits_secrets: reusable::inherits_secrets(job),
                pending,
            });
            if deferred {
                return;
            }
        }
        if let Some((input, prefix, suffix)) = by_input {
            self.out.reusable_jobs.push(ReusableJob {
                workflow: self.path.to_string(),
                default: reusable::input_default(document, &input),
                input,
                prefix,
                suffix,
                job: got.pending(),
            });
            return;
        }
        self.attribute(got, &scopes);
    }

    fn step(&mut self, step: &Node, job_dir: &str, scoped: bool, got: &mut JobYield) {
        let uses = step.get_str("uses").unwrap_or("");
        if let Some(env) = step.get("env") {
            self.mapping_facts(env, &[], got);
            if scoped {
                for value in env.entries().iter().filter_map(|(_, v)| v.as_str()) {
                    got.files.extend(paths::config_paths(value, ""));
                }
            }
        }
        if let Some(inputs) = step.get("with") {
            let sections: &[&str] = if uses.is_empty() { &[] } else { &[uses] };
            for (key, value) in inputs.entries() {
                let (Some(key), Some(raw)) = (key.as_str(), value.as_str()) else {
                    continue;
                };
                let special = if key == "creds" && login::is_azure_login(uses) {
                    Some(login::creds_facts(self.path, &self.source, value, raw))
                } else if keys::normalize(key) == "appsettingsjson" {
                    Some(login::app_settings_facts(
                        self.path,
                        &self.source,
                        value,
                        raw,
                    ))
                } else {
                    None
                };
                match special {
                    Some(json) => {
                        got.facts.extend(json.facts);
                        if let Some((span, why)) = json.problem {
                            self.out.parse_error(
                                self.path,
                                Some(span.line),
                                Some(span.column),
                                why,
                            );
                        }
                    }
                    None => self.entry_fact(sections, key, value, got),
                }
                if scoped {
                    got.files.extend(paths::config_paths(raw, ""));
                }
            }
        }
        if scoped {
            if let Some(script) = step.get_str("run") {
                let dir = working_directory(step).unwrap_or(job_dir);
                got.files.extend(paths::config_paths(script, dir));
            }
        }
    }

    /// Facts from the entries of a mapping (an `env:` block or inputs).
    fn mapping_facts(&self, mapping: &Node, sections: &[&str], got: &mut JobYield) {
        for (key, value) in mapping.entries() {
            if let Some(key) = key.as_str() {
                self.entry_fact(sections, key, value, got);
            }
        }
    }

    /// The fact of one key/value, if the key names a credential.
    fn entry_fact(&self, sections: &[&str], key: &str, value: &Node, got: &mut JobYield) {
        let Some(raw) = value.as_str() else {
            return;
        };
        let Some(field) = field_of(sections, key) else {
            return;
        };
        let expression =
            expressions::unresolved_expression(raw).map(|names| (EXPRESSION_KIND, names));
        let span = Span::of_node(value, raw);
        let Some(fact) = fact_at(self.path, SOURCE, field, raw, span, expression) else {
            return;
        };
        match expressions::matrix_key(raw) {
            Some(key) => got.matrix_facts.push((key.to_string(), fact)),
            None => got.facts.push(fact),
        }
    }

    /// Every secret and variable the job reads, each placed on its expression.
    fn references(&self, job: &Node, found: &mut Vec<(ReferenceKind, String, Location)>) {
        for_each_scalar(job, |node, key| {
            let Some(raw) = node.as_str() else {
                return;
            };
            let refs = expressions::context_references(raw, key == Some("if"));
            if refs.is_empty() {
                return;
            }
            let mut cursor = self.source.cursor(node, raw);
            let mut last: Option<(std::ops::Range<usize>, Span)> = None;
            for r in refs {
                let span = match &last {
                    Some((range, span)) if *range == r.needle => *span,
                    _ => {
                        let needle = raw.get(r.needle.clone()).unwrap_or("");
                        let span = cursor
                            .find(&self.source, needle)
                            .unwrap_or_else(|| Span::of_node(node, raw));
                        last = Some((r.needle.clone(), span));
                        span
                    }
                };
                found.push((r.kind, r.name, span.location(self.path)));
            }
        });
    }

    /// Gives a job's facts, references and files to each environment it runs in (or to none).
    fn attribute(&mut self, got: JobYield, scopes: &[Scope<'_>]) {
        if scopes.is_empty() {
            self.out.facts.extend(got.facts);
            self.out
                .facts
                .extend(got.matrix_facts.into_iter().map(|(_, f)| f));
            return;
        }
        let mut files = got.files;
        files.sort();
        files.dedup();
        for scope in scopes {
            let env = Some(scope.name.clone());
            self.out.facts.extend(got.facts.iter().map(|f| Fact {
                environment: env.clone(),
                ..f.clone()
            }));
            for (key, fallback) in &got.matrix_facts {
                let resolved = scope.matrix_value(key).and_then(|node| {
                    let raw = node.as_str()?;
                    let span = Span::of_node(node, raw);
                    fact_at(self.path, SOURCE, fallback.field, raw, span, None)
                });
                let mut fact = resolved.unwrap_or_else(|| fallback.clone());
                fact.environment = env.clone();
                self.out.facts.push(fact);
            }
            self.out
                .references
                .extend(
                    got.references
                        .iter()
                        .map(|(kind, name, location)| ScopedReference {
                            environment: scope.name.clone(),
                            kind: *kind,
                            name: name.clone(),
                            location: location.clone(),
                        }),
                );
            self.out
                .file_uses
                .extend(files.iter().map(|f| (scope.name.clone(), f.clone())));
        }
    }
}

/// A literal `defaults.run.working-directory` (workflow or job) or `working-directory` (step),
/// as a repository-relative folder.
fn working_directory(node: &Node) -> Option<&str> {
    let dir = node.get_str("working-directory").or_else(|| {
        node.get("defaults")
            .and_then(|d| d.get("run"))
            .and_then(|r| r.get_str("working-directory"))
    })?;
    let dir = dir.trim().trim_start_matches("./");
    let plain = !dir.contains('$') && !dir.starts_with('/') && !dir.contains("..");
    plain.then_some(dir.trim_end_matches('/'))
}

#[cfg(test)]
mod tests;
