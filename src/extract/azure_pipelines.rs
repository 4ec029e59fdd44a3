//! Azure Pipelines (`azure-pipelines*.yml` and the local templates they include): the
//! credentials a pipeline sets, and which environment each stage and job deploys to.
//!
//! - A deployment job (`- deployment: x` with `environment: production`,
//!   `environment: {name: production, resourceType: …}` or `production.vmname`) is scoped to its
//!   environment. A stage is scoped to the environment of its deployment jobs when they all
//!   deploy to one; stage names are not environments. Plain jobs take their stage's scope.
//!   A template include passing a literal `environment:`/`env:` parameter counts as deploying
//!   there too (that is how job templates are usually given their environment).
//! - `variables:` as a map or a list (`name`/`value`, `group:`, `template:`), at pipeline, stage
//!   and job level; task `inputs:` (read in the task's context, so `AzureCLI@2` inputs are
//!   identity context); `env:` of steps; literal parameters passed to templates. Keys fold
//!   through the alias table; values keep their references (`$(Var)`, `${{ variables.Var }}`,
//!   `$[variables.Var]`, `${{ parameters.x }}`). Facts get their scope's environment.
//! - In a scoped stage or job: every variable group (`- group:`) is a [`ScopedReference`] of
//!   kind `VariableGroup`; every variable read by a macro or expression (inputs, scripts,
//!   conditions) is one of kind `Variable`; and the service connection of an Azure task
//!   (`azureSubscription:` and its aliases, or a `serviceConnection` template parameter) is
//!   one of kind `Variable` named after the connection, so that `cross-env-secret-reference`
//!   sees production deploying through `sc-staging`.
//! - Local templates (relative, `/`-rooted or `path@self`) included from a scoped stage or job
//!   are `file_uses` of that environment, resolved from this file's folder; templates in other
//!   repositories are ignored.
//!
//! Values computed from several macros or expressions are references of kind
//! [`EXPRESSION_KIND`]. Pipeline-level variables and anything outside a scoped stage or job
//! belong to no environment (the file's path may still give one).

mod macros;
mod templates;

use super::github_workflow::shared::{
    fact_at, field_of, for_each_scalar, literal_environment, parent_dir, SourceText, Span,
};
use super::yaml::{self, Node};
use super::FileFacts;
use crate::model::{Location, ReferenceKind, ScopedReference};

/// The `source` of every fact this extractor produces.
pub const SOURCE: &str = "azure-pipelines";

/// The reference kind of a value computed from macros or expressions that is not one whole
/// `$(X)` / `${{ variables.X }}` / `${{ parameters.X }}` / `$[variables.X]`.
pub const EXPRESSION_KIND: &str = "pipeline-expression";

/// Facts from one pipeline or pipeline template.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = FileFacts::default();
    let Some(documents) = yaml::parse_or_note(path, text, &mut out) else {
        return out;
    };
    let mut pipeline = Pipeline {
        path,
        dir: parent_dir(path),
        source: SourceText::new(text),
        out,
    };
    for document in &documents {
        pipeline.document(document);
    }
    pipeline.out
}

/// The extraction of one file in progress.
struct Pipeline<'a> {
    path: &'a str,
    /// The folder local template paths are relative to.
    dir: &'a str,
    source: SourceText<'a>,
    out: FileFacts,
}

impl Pipeline<'_> {
    fn document(&mut self, document: &Node) {
        if !document.is_map() {
            return;
        }
        self.variables(document.get("variables"), None);
        if let Some(extends) = document.get("extends") {
            let scope = templates::environment_parameter(extends);
            self.include(extends, scope);
            if let Some(env) = scope {
                self.scan_references(extends, env, None);
            }
        }
        for stage in flat_items(document.get("stages")) {
            self.stage(stage);
        }
        self.jobs(document.get("jobs"), None);
        self.steps(document.get("steps"), None);
    }

    fn stage(&mut self, stage: &Node) {
        if stage.get("template").is_some() {
            let scope = templates::environment_parameter(stage);
            self.include(stage, scope);
            if let Some(env) = scope {
                self.scan_references(stage, env, None);
            }
            return;
        }
        let scope = stage_environment(stage);
        self.variables(stage.get("variables"), scope);
        self.jobs(stage.get("jobs"), scope);
        if let Some(env) = scope {
            self.scan_references(stage, env, Some("jobs"));
        }
    }

    fn jobs(&mut self, jobs: Option<&Node>, stage_scope: Option<&str>) {
        for job in flat_items(jobs) {
            let scope = job_environment(job).or(stage_scope);
            if job.get("template").is_some() {
                self.include(job, scope);
            } else {
                self.variables(job.get("variables"), scope);
                self.steps(job.get("steps"), scope);
                if let Some(strategy) = job.get("strategy") {
                    for steps in strategy_steps(strategy) {
                        self.steps(Some(steps), scope);
                    }
                }
            }
            if let Some(env) = job_environment(job) {
                self.declare(env);
            }
            if let Some(env) = scope {
                self.scan_references(job, env, None);
            }
        }
    }

    fn steps(&mut self, steps: Option<&Node>, scope: Option<&str>) {
        for step in flat_items(steps) {
            if step.get("template").is_some() {
                self.include(step, scope);
                continue;
            }
            if let Some(inputs) = step.get("inputs") {
                let task = step.get_str("task").unwrap_or("");
                let sections: &[&str] = if task.is_empty() { &[] } else { &[task] };
                for (key, value) in flat_entries(inputs) {
                    let Some(key) = key.as_str() else { continue };
                    if templates::is_connection_key(key) {
                        self.named_reference(scope, ReferenceKind::Variable, value);
                    } else {
                        self.entry_fact(scope, sections, key, value);
                    }
                }
            }
            if let Some(env) = step.get("env") {
                for (key, value) in flat_entries(env) {
                    if let Some(key) = key.as_str() {
                        self.entry_fact(scope, &[], key, value);
                    }
                }
            }
        }
    }

    fn variables(&mut self, variables: Option<&Node>, scope: Option<&str>) {
        let Some(variables) = variables else { return };
        if variables.is_map() {
            for (key, value) in flat_entries(variables) {
                if let Some(key) = key.as_str() {
                    self.entry_fact(scope, &[], key, value);
                }
            }
            return;
        }
        for item in flat_items(Some(variables)) {
            if let (Some(name), Some(value)) = (item.get_str("name"), item.get("value")) {
                self.entry_fact(scope, &[], name, value);
            } else if let Some(group) = item.get("group") {
                self.named_reference(scope, ReferenceKind::VariableGroup, group);
            } else if item.get("template").is_some() {
                self.include(item, scope);
            }
        }
    }

    /// A `template:` include: the file it brings in (for a scoped include) and the literal
    /// parameters it passes.
    fn include(&mut self, include: &Node, scope: Option<&str>) {
        if let Some(env) = scope {
            self.declare(env);
            let local = include
                .get_str("template")
                .and_then(|t| templates::local_template(self.dir, t));
            if let Some(path) = local {
                let used = (env.to_string(), path);
                if !self.out.file_uses.contains(&used) {
                    self.out.file_uses.push(used);
                }
            }
        }
        let Some(parameters) = include.get("parameters") else {
            return;
        };
        for (key, value) in flat_entries(parameters) {
            let Some(key) = key.as_str() else { continue };
            if templates::is_connection_key(key) {
                self.named_reference(scope, ReferenceKind::Variable, value);
            } else if templates::is_group_key(key) {
                self.named_reference(scope, ReferenceKind::VariableGroup, value);
            } else {
                self.entry_fact(scope, &[], key, value);
            }
        }
    }

    /// The fact of one key/value, if the key names a credential.
    fn entry_fact(&mut self, scope: Option<&str>, sections: &[&str], key: &str, value: &Node) {
        let (Some(raw), Some(field)) = (value.as_str(), field_of(sections, key)) else {
            return;
        };
        let expression = macros::unresolved_expression(raw).map(|names| (EXPRESSION_KIND, names));
        let span = Span::of_node(value, raw);
        if let Some(mut fact) = fact_at(self.path, SOURCE, field, raw, span, expression) {
            fact.environment = scope.map(str::to_string);
            self.out.facts.push(fact);
        }
    }

    /// A literal service connection or variable group name used in a scoped stage or job.
    fn named_reference(&mut self, scope: Option<&str>, kind: ReferenceKind, value: &Node) {
        let (Some(env), Some(raw)) = (scope, value.as_str()) else {
            return;
        };
        let Some(name) = templates::literal_name(raw) else {
            return;
        };
        let location = self.located(value, raw, name);
        self.out.references.push(ScopedReference {
            environment: env.to_string(),
            kind,
            name: name.to_string(),
            location,
        });
    }

    /// The location of `piece` within the scalar `node` (whose value is `raw`).
    fn located(&self, node: &Node, raw: &str, piece: &str) -> Location {
        let offset = raw.find(piece).unwrap_or(0);
        let column = node.column + raw.get(..offset).map_or(0, |s| s.chars().count() as u32);
        let span = if raw.contains('\n') {
            Span::of_node(node, raw)
        } else {
            Span {
                line: node.line,
                column,
                end_column: Some(column + piece.chars().count() as u32),
            }
        };
        span.location(self.path)
    }

    /// Every variable read by macros and expressions under `node` (but not under the entry
    /// `skip`, which is scanned with its own scope), as references of environment `env`.
    fn scan_references(&mut self, node: &Node, env: &str, skip: Option<&str>) {
        let mut found = Vec::new();
        for (key, value) in node.entries() {
            if skip.is_some() && key.as_str() == skip {
                continue;
            }
            let condition_entry = key.as_str() == Some("condition");
            for_each_scalar(value, |scalar, parent_key| {
                let Some(raw) = scalar.as_str() else { return };
                let condition =
                    parent_key == Some("condition") || (condition_entry && parent_key.is_none());
                let refs = macros::variable_references(raw, condition);
                if refs.is_empty() {
                    return;
                }
                let mut cursor = self.source.cursor(scalar, raw);
                let mut last: Option<(std::ops::Range<usize>, Span)> = None;
                for r in refs {
                    let span = match &last {
                        Some((range, span)) if *range == r.needle => *span,
                        _ => {
                            let needle = raw.get(r.needle.clone()).unwrap_or("");
                            let span = cursor
                                .find(&self.source, needle)
                                .unwrap_or_else(|| Span::of_node(scalar, raw));
                            last = Some((r.needle.clone(), span));
                            span
                        }
                    };
                    found.push(ScopedReference {
                        environment: env.to_string(),
                        kind: ReferenceKind::Variable,
                        name: r.name,
                        location: span.location(self.path),
                    });
                }
            });
        }
        self.out.references.extend(found);
    }

    fn declare(&mut self, env: &str) {
        if !self.out.declared_environments.iter().any(|e| e == env) {
            self.out.declared_environments.push(env.to_string());
        }
    }
}

/// The environment a job itself deploys to: a deployment job's literal `environment:` (its
/// name part, before any `.resource`), or a template include's literal environment parameter.
fn job_environment(job: &Node) -> Option<&str> {
    if job.get("template").is_some() {
        return templates::environment_parameter(job);
    }
    job.get("deployment")?;
    let environment = job.get("environment")?;
    let written = if environment.is_map() {
        environment.get_str("name")?
    } else {
        environment.as_str()?
    };
    let name = written.split('.').next().unwrap_or(written);
    literal_environment(name)
}

/// A stage's environment: the one environment all its deploying jobs deploy to, if exactly one.
fn stage_environment(stage: &Node) -> Option<&str> {
    let mut found: Option<&str> = None;
    for job in flat_items(stage.get("jobs")) {
        if let Some(env) = job_environment(job) {
            match found {
                Some(seen) if seen != env => return None,
                _ => found = Some(env),
            }
        }
    }
    found
}

/// The `steps:` lists of a deployment strategy (`runOnce.deploy.steps`,
/// `rolling.on.failure.steps`, …), found in any of its hooks.
fn strategy_steps(strategy: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut stack = vec![strategy];
    while let Some(node) = stack.pop() {
        for (key, value) in node.entries() {
            if key.as_str() == Some("steps") {
                out.push(value);
            } else if value.is_map() {
                stack.push(value);
            }
        }
    }
    out
}

/// Whether a mapping entry is a template-expression block (`${{ if … }}:`, `${{ each … }}:`),
/// whose body belongs to the enclosing list or mapping.
fn is_conditional_key(key: &Node) -> bool {
    key.as_str()
        .is_some_and(|k| k.trim_start().starts_with("${{"))
}

/// The items of a list with `- ${{ if … }}:` blocks inlined (each branch is taken: which one
/// applies is decided at queue time).
fn flat_items(list: Option<&Node>) -> Vec<&Node> {
    let mut out = Vec::new();
    let Some(list) = list else { return out };
    let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![list.items().iter()];
    while let Some(top) = stack.last_mut() {
        let Some(item) = top.next() else {
            stack.pop();
            continue;
        };
        match item.entries() {
            [(key, body)] if is_conditional_key(key) => {
                if body.is_seq() {
                    stack.push(body.items().iter());
                } else if body.is_map() {
                    out.push(body);
                }
            }
            _ => out.push(item),
        }
    }
    out
}

/// The entries of a mapping with `${{ if … }}:` blocks inlined.
fn flat_entries(map: &Node) -> Vec<(&Node, &Node)> {
    let mut out = Vec::new();
    let mut stack: Vec<std::slice::Iter<'_, (Node, Node)>> = vec![map.entries().iter()];
    while let Some(top) = stack.last_mut() {
        let Some((key, value)) = top.next() else {
            stack.pop();
            continue;
        };
        if is_conditional_key(key) {
            if value.is_map() {
                stack.push(value.entries().iter());
            }
        } else {
            out.push((key, value));
        }
    }
    out
}

#[cfg(test)]
mod tests;
