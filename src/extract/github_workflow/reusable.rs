//! Reusable workflows (`on: workflow_call`): a job whose environment is one of the workflow's
//! inputs (`environment: ${{ inputs.environment }}`) deploys wherever its callers say
//! (`uses: ./.github/workflows/deploy.yml` with `with: environment: production`).
//!
//! One file cannot tell which environments those are, so the extractor records both halves and
//! the inventory joins them once every file is read (`inventory::reusable`):
//! - the callee's job as a [`ReusableJob`]: the input naming its environment, and its facts,
//!   references and files, not yet given an environment;
//! - each caller's job as a [`WorkflowCall`]: the workflow called, the literal values of its
//!   `with:` inputs (a `${{ matrix.KEY }}` input stands for each of the matrix's values), whether
//!   it passes its secrets on (`secrets: inherit`), and, when the caller names no environment of
//!   its own, its facts and references too, since they belong to the environments the call
//!   resolves to; inputs it passes on from its own workflow's inputs are [`Forward`]s, so that
//!   calls can nest;
//! - a manually run workflow as a call of itself (`dispatch_call`): each `type: choice` input
//!   with its options.

use super::expressions::matrix_key;
use super::scopes;
use super::shared::{expression_ranges, resolve_path};
use crate::extract::yaml::Node;
use crate::model::{Fact, Location, ReferenceKind};
use regex::Regex;
use std::sync::LazyLock;

/// A whole expression that is `inputs.NAME` or `inputs['NAME']` (without the `${{ }}`), or the
/// older `github.event.inputs.NAME` of manually dispatched runs.
static INPUT_EXPRESSION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"^\s*(?:github\s*\.\s*event\s*\.\s*)?inputs\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\])\s*$"#,
    )
    .ok()
});

/// What a job yields before it is given an environment.
#[derive(Clone, Debug, Default)]
pub struct PendingJob {
    /// Facts, with no environment.
    pub facts: Vec<Fact>,
    /// Secrets and variables read, each where it is written.
    pub references: Vec<(ReferenceKind, String, Location)>,
    /// Repository-relative files the job hands to its steps or calls.
    pub files: Vec<String>,
}

/// A job of a reusable workflow whose environment is one of the workflow's inputs.
#[derive(Clone, Debug)]
pub struct ReusableJob {
    /// The workflow file, relative to the scanned root.
    pub workflow: String,
    /// The input naming the environment (`environment` in `${{ inputs.environment }}`).
    pub input: String,
    /// Literal text written before the expression (`app-` in `app-${{ inputs.env }}`).
    pub prefix: String,
    /// Literal text written after it.
    pub suffix: String,
    /// The input's literal `default:` under `on.workflow_call.inputs`, used by calls that do
    /// not pass it.
    pub default: Option<String>,
    /// What the job yields.
    pub job: PendingJob,
}

impl ReusableJob {
    /// The environment this job deploys to when its input has `value`.
    pub fn environment_for(&self, value: &str) -> String {
        format!("{}{}{}", self.prefix, value, self.suffix)
    }
}

/// An input a calling job passes on from its own workflow's inputs
/// (`environment: ${{ inputs.environment }}` in a reusable workflow that calls another).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    /// The called workflow's input.
    pub input: String,
    /// The calling workflow's own input whose value is passed on.
    pub from: String,
    /// Literal text written before the expression.
    pub prefix: String,
    /// Literal text written after it.
    pub suffix: String,
}

/// A job that calls a reusable workflow of the same repository.
#[derive(Clone, Debug)]
pub struct WorkflowCall {
    /// The workflow the call is written in, relative to the scanned root.
    pub caller: String,
    /// The called workflow, relative to the scanned root.
    pub workflow: String,
    /// Each `with:` input and its literal values (several for a matrix input).
    pub inputs: Vec<(String, Vec<String>)>,
    /// Inputs passed on from the calling workflow's own inputs: their values are those of the
    /// calls of the calling workflow (nested reusable workflows).
    pub forwarded: Vec<Forward>,
    /// `secrets: inherit`: the called workflow reads the caller's secrets by their own names.
    pub inherits_secrets: bool,
    /// The caller's own facts and references when it names no environment of its own: they
    /// belong to the environments the call resolves to.
    pub pending: Option<PendingJob>,
}

impl WorkflowCall {
    /// The values passed for an input (input names are case-insensitive in GitHub).
    pub fn input(&self, name: &str) -> Option<&[String]> {
        input_values(&self.inputs, name)
    }
}

/// The values of input `name` in a list of inputs (names are case-insensitive in GitHub).
pub fn input_values<'a>(inputs: &'a [(String, Vec<String>)], name: &str) -> Option<&'a [String]> {
    inputs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

/// The environment of a job written as `${{ inputs.NAME }}` (with literal text around it, if
/// any): `(NAME, prefix, suffix)`.
pub(crate) fn input_environment(job: &Node) -> Option<(String, String, String)> {
    let written = match job.get("environment")? {
        env if env.is_map() => env.get_str("name")?,
        env => env.as_str()?,
    };
    input_expression(written)
}

/// A value written as `${{ inputs.NAME }}`, with literal text around it or none:
/// `(NAME, prefix, suffix)`.
fn input_expression(written: &str) -> Option<(String, String, String)> {
    let ranges = expression_ranges(written);
    let [range] = ranges.as_slice() else {
        return None;
    };
    let inner = written.get(range.start + 3..range.end - 2)?;
    let caps = INPUT_EXPRESSION.as_ref()?.captures(inner)?;
    let name = caps.get(1).or(caps.get(2))?.as_str().trim();
    let prefix = written.get(..range.start)?.trim_start();
    let suffix = written.get(range.end..)?.trim_end();
    Some((name.to_string(), prefix.to_string(), suffix.to_string()))
}

/// The literal default of a `workflow_call` input (`on.workflow_call.inputs.NAME.default`).
pub(crate) fn input_default(document: &Node, name: &str) -> Option<String> {
    let inputs = document.get("on")?.get("workflow_call")?.get("inputs")?;
    let (_, input) = inputs
        .entries()
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))?;
    let default = input.get_str("default")?.trim();
    (!default.is_empty() && !default.contains("${{")).then(|| default.to_string())
}

/// A manually run workflow (`on: workflow_dispatch`) as a call of itself: each `type: choice`
/// input with its literal `options`, which are the values a run can be given. A job deploying
/// to `${{ inputs.environment }}` then deploys to each option. `None` when no input has options.
pub(crate) fn dispatch_call(path: &str, document: &Node) -> Option<WorkflowCall> {
    let inputs = document
        .get("on")?
        .get("workflow_dispatch")?
        .get("inputs")?;
    let choices: Vec<(String, Vec<String>)> = inputs
        .entries()
        .iter()
        .filter_map(|(name, input)| {
            let options: Vec<String> = input
                .get("options")?
                .items()
                .iter()
                .filter_map(Node::as_str)
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty() && !o.contains("${{"))
                .collect();
            (!options.is_empty()).then(|| (name.as_str().unwrap_or("").to_string(), options))
        })
        .filter(|(name, _)| !name.is_empty())
        .collect();
    (!choices.is_empty()).then(|| WorkflowCall {
        caller: path.to_string(),
        workflow: path.to_string(),
        inputs: choices,
        forwarded: Vec::new(),
        // A dispatched run reads the repository's and the environment's secrets directly.
        inherits_secrets: true,
        pending: None,
    })
}

/// The repository-relative path of a local reusable workflow called by `uses:` from the
/// workflow at `caller` (`./.github/workflows/x.yml`, relative to the repository root, which is
/// the folder holding the caller's `.github`); `None` for workflows of other repositories.
pub(crate) fn local_workflow(caller: &str, uses: &str) -> Option<String> {
    let uses = uses.trim();
    let relative = uses.strip_prefix("./")?;
    if uses.contains('@') || uses.contains("${{") {
        return None;
    }
    let repository = caller
        .rfind(".github/workflows/")
        .and_then(|at| caller.get(..at))
        .unwrap_or("");
    resolve_path(repository, relative)
}

/// The literal values of each `with:` input of a calling job. A value that is exactly
/// `${{ matrix.KEY }}` stands for every literal value of that matrix key; other expressions
/// give no value.
pub(crate) fn call_inputs(job: &Node) -> Vec<(String, Vec<String>)> {
    let Some(with) = job.get("with") else {
        return Vec::new();
    };
    with.entries()
        .iter()
        .filter_map(|(key, value)| {
            let key = key.as_str()?;
            let raw = value.as_str()?;
            let values = if matrix_key(raw).is_some() {
                scopes::matrix_values(job, raw)
            } else if raw.contains("${{") {
                Vec::new()
            } else {
                vec![raw.trim().to_string()]
            };
            (!values.is_empty()).then(|| (key.to_string(), values))
        })
        .collect()
}

/// The `with:` inputs a calling job passes on from its own workflow's inputs
/// (`environment: ${{ inputs.environment }}`).
pub(crate) fn forwarded_inputs(job: &Node) -> Vec<Forward> {
    let Some(with) = job.get("with") else {
        return Vec::new();
    };
    with.entries()
        .iter()
        .filter_map(|(key, value)| {
            let (from, prefix, suffix) = input_expression(value.as_str()?)?;
            Some(Forward {
                input: key.as_str()?.to_string(),
                from,
                prefix,
                suffix,
            })
        })
        .collect()
}

/// Whether a calling job passes all its secrets on (`secrets: inherit`).
pub(crate) fn inherits_secrets(job: &Node) -> bool {
    job.get_str("secrets")
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("inherit"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml;

    fn doc(text: &str) -> Node {
        yaml::parse(text).unwrap().remove(0)
    }

    #[test]
    fn environments_named_by_an_input() {
        let got = |t: &str| input_environment(&doc(t));
        assert_eq!(
            got("environment: ${{ inputs.environment }}\n"),
            Some(("environment".into(), String::new(), String::new()))
        );
        assert_eq!(
            got("environment:\n  name: app-${{ inputs['target-env'] }}\n  url: https://x\n"),
            Some(("target-env".into(), "app-".into(), String::new()))
        );
        assert_eq!(got("environment: ${{ matrix.env }}\n"), None);
        assert_eq!(got("environment: ${{ inputs.a }}-${{ inputs.b }}\n"), None);
        assert_eq!(got("environment: ${{ inputs.env || 'dev' }}\n"), None);
        assert_eq!(got("environment: production\n"), None);
        assert_eq!(
            got("environment: ${{ github.event.inputs.target }}\n"),
            Some(("target".into(), String::new(), String::new()))
        );
    }

    #[test]
    fn dispatch_choices_are_a_call_of_the_workflow_itself() {
        let workflow = doc("on:\n  workflow_dispatch:\n    inputs:\n      environment:\n        type: choice\n        options: [dev, ' prod ']\n      dry:\n        type: boolean\n  push: {}\njobs: {}\n");
        let call = dispatch_call(".github/workflows/manual.yml", &workflow).expect("a call");
        assert_eq!(call.workflow, ".github/workflows/manual.yml");
        assert_eq!(
            call.input("environment"),
            Some(&["dev".to_string(), "prod".to_string()][..])
        );
        assert!(call.input("dry").is_none() && call.inherits_secrets);
        assert!(dispatch_call("w.yml", &doc("on: workflow_dispatch\n")).is_none());
        let free =
            doc("on:\n  workflow_dispatch:\n    inputs:\n      environment: {type: environment}\n");
        assert!(dispatch_call("w.yml", &free).is_none());
    }

    #[test]
    fn input_defaults() {
        let workflow = doc("on:\n  workflow_call:\n    inputs:\n      Environment:\n        type: string\n        default: staging\n      other:\n        default: ${{ github.ref_name }}\njobs: {}\n");
        assert_eq!(
            input_default(&workflow, "environment").as_deref(),
            Some("staging")
        );
        assert_eq!(input_default(&workflow, "other"), None);
        assert_eq!(input_default(&workflow, "missing"), None);
        assert_eq!(input_default(&doc("on: push\n"), "environment"), None);
    }

    #[test]
    fn local_workflows_only() {
        assert_eq!(
            local_workflow(
                ".github/workflows/release.yml",
                "./.github/workflows/deploy.yml"
            )
            .as_deref(),
            Some(".github/workflows/deploy.yml")
        );
        assert_eq!(
            local_workflow(
                "services/api/.github/workflows/release.yml",
                " ./.github/workflows/deploy.yml "
            )
            .as_deref(),
            Some("services/api/.github/workflows/deploy.yml")
        );
        assert_eq!(
            local_workflow(
                ".github/workflows/r.yml",
                "octo/shared/.github/workflows/deploy.yml@v1"
            ),
            None
        );
        assert_eq!(
            local_workflow(".github/workflows/r.yml", "./../outside.yml"),
            None
        );
    }

    #[test]
    fn literal_and_matrix_inputs() {
        let job = doc("uses: ./.github/workflows/d.yml\nstrategy:\n  matrix:\n    target: [staging, production]\nwith:\n  environment: ${{ matrix.target }}\n  region: westeurope\n  computed: ${{ needs.a.outputs.x }}\n  flag: true\nsecrets: inherit\n");
        let inputs = call_inputs(&job);
        assert_eq!(
            inputs,
            vec![
                (
                    "environment".to_string(),
                    vec!["staging".to_string(), "production".to_string()]
                ),
                ("region".to_string(), vec!["westeurope".to_string()]),
                ("flag".to_string(), vec!["true".to_string()]),
            ]
        );
        assert!(inherits_secrets(&job));
        assert!(!inherits_secrets(&doc("secrets:\n  A: ${{ secrets.B }}\n")));
        assert!(forwarded_inputs(&job).is_empty());
    }

    #[test]
    fn inputs_passed_on_from_the_calling_workflow() {
        let job = doc("uses: ./.github/workflows/login.yml\nwith:\n  environment: ${{ inputs.environment }}\n  slot: web-${{ inputs['region'] }}\n  other: ${{ github.ref }}\n");
        assert_eq!(
            forwarded_inputs(&job),
            vec![
                Forward {
                    input: "environment".into(),
                    from: "environment".into(),
                    prefix: String::new(),
                    suffix: String::new(),
                },
                Forward {
                    input: "slot".into(),
                    from: "region".into(),
                    prefix: "web-".into(),
                    suffix: String::new(),
                },
            ]
        );
        assert!(call_inputs(&job).is_empty());
    }
}
