//! Which environments a GitHub Actions job deploys to: its `environment:` (a name or
//! `{name, url}`), expanded over a literal `strategy.matrix` when the name is
//! `${{ matrix.KEY }}`; for a job that calls a reusable workflow (which may not set
//! `environment:` itself), the literal environment input it passes (`with: environment: prod`);
//! for an Azure Developer CLI job without `environment:`, its literal `AZURE_ENV_NAME` (the
//! job's own, else the workflow's).

use super::expressions::matrix_key;
use super::shared::{expression_ranges, is_environment_parameter, literal_environment};
use crate::extract::yaml::Node;

/// Most environments one job may expand to; GitHub itself caps a matrix at 256 jobs, and no
/// real pipeline deploys one job to more environments than this.
pub(crate) const MAX_SCOPES: usize = 32;

/// One environment a job runs in.
#[derive(Debug)]
pub(crate) struct Scope<'n> {
    /// The environment name as written (after matrix substitution).
    pub name: String,
    /// The `strategy.matrix.include` entry that produced it, whose other keys give the values of
    /// `${{ matrix.KEY }}` in this scope.
    pub row: Option<&'n Node>,
}

impl Scope<'_> {
    /// The node of `matrix.KEY` in this scope's matrix row.
    pub fn matrix_value(&self, key: &str) -> Option<&Node> {
        self.row
            .and_then(|row| row.get(key))
            .filter(|n| n.as_str().is_some())
    }
}

/// The environments `job` of the workflow `document` runs in; empty when it names none or names
/// one by an expression that cannot be resolved from the file (`${{ inputs.environment }}`).
pub(crate) fn job_scopes<'n>(document: &'n Node, job: &'n Node) -> Vec<Scope<'n>> {
    let Some(written) = environment_as_written(document, job) else {
        return Vec::new();
    };
    if let Some(name) = literal_environment(written) {
        return vec![Scope {
            name: name.to_string(),
            row: None,
        }];
    }
    expand_matrix(job, written)
}

/// The job's environment name as written, from `environment:`, a reusable-workflow input, or
/// the Azure Developer CLI's `AZURE_ENV_NAME` in the job's `env:`, else the workflow's (which
/// selects `.azure/{name}/` for every `azd` step of the job).
fn environment_as_written<'n>(document: &'n Node, job: &'n Node) -> Option<&'n str> {
    match job.get("environment") {
        Some(env) if env.is_map() => env.get_str("name"),
        Some(env) => env.as_str(),
        None if job.get_str("uses").is_some() => job
            .get("with")?
            .entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str().is_some_and(is_environment_parameter))
            .and_then(|(_, v)| v.as_str()),
        None => [job, document]
            .into_iter()
            .find_map(|node| node.get("env")?.get_str("AZURE_ENV_NAME")),
    }
}

/// The values a text holding one `${{ matrix.KEY }}` takes over the job's literal matrix (the
/// text with each value substituted), for a reusable-workflow input such as
/// `environment: ${{ matrix.target }}`.
pub(crate) fn matrix_values(job: &Node, written: &str) -> Vec<String> {
    expand_matrix(job, written)
        .into_iter()
        .map(|scope| scope.name)
        .collect()
}

/// Expands a name holding exactly one `${{ matrix.KEY }}` over the literal values of that key:
/// the `strategy.matrix.KEY` list and `include` entries, less single-key `exclude` entries.
fn expand_matrix<'n>(job: &'n Node, written: &str) -> Vec<Scope<'n>> {
    let ranges = expression_ranges(written);
    let [range] = ranges.as_slice() else {
        return Vec::new();
    };
    let (Some(expression), Some(prefix), Some(suffix)) = (
        written.get(range.clone()),
        written.get(..range.start),
        written.get(range.end..),
    ) else {
        return Vec::new();
    };
    let Some(key) = matrix_key(expression) else {
        return Vec::new();
    };
    let Some(matrix) = job.get("strategy").and_then(|s| s.get("matrix")) else {
        return Vec::new();
    };

    let mut values: Vec<(&str, Option<&Node>)> = Vec::new();
    match matrix.get(key) {
        Some(list) if list.is_seq() => {
            values.extend(
                list.items()
                    .iter()
                    .filter_map(Node::as_str)
                    .map(|v| (v, None)),
            );
        }
        Some(single) => values.extend(single.as_str().map(|v| (v, None))),
        None => {}
    }
    for row in matrix.get("include").map(Node::items).unwrap_or(&[]) {
        let Some(value) = row.get_str(key) else {
            continue;
        };
        match values.iter_mut().find(|(v, r)| *v == value && r.is_none()) {
            Some(existing) => existing.1 = Some(row),
            None => values.push((value, Some(row))),
        }
    }
    let excluded: Vec<&str> = matrix
        .get("exclude")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter(|e| e.entries().len() == 1)
        .filter_map(|e| e.get_str(key))
        .collect();

    let mut scopes: Vec<Scope<'n>> = Vec::new();
    for (value, row) in values {
        if excluded.contains(&value) {
            continue;
        }
        let name = format!("{prefix}{value}{suffix}");
        let Some(name) = literal_environment(&name) else {
            continue;
        };
        if scopes.iter().any(|s| s.name == name) {
            continue;
        }
        if scopes.len() == MAX_SCOPES {
            break;
        }
        scopes.push(Scope {
            name: name.to_string(),
            row,
        });
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml;

    fn scopes_of(text: &str) -> Vec<String> {
        scopes_in("name: ci\n", text)
    }

    /// The scopes of the job `job` inside a workflow whose top level is `workflow`.
    fn scopes_in(workflow: &str, job: &str) -> Vec<String> {
        let document = yaml::parse(workflow).unwrap().remove(0);
        let job = yaml::parse(job).unwrap().remove(0);
        job_scopes(&document, &job)
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn literal_and_map_forms() {
        assert_eq!(scopes_of("environment: production\n"), vec!["production"]);
        assert_eq!(
            scopes_of("environment:\n  name: staging\n  url: https://x\n"),
            vec!["staging"]
        );
        assert!(scopes_of("runs-on: ubuntu-latest\n").is_empty());
        assert!(scopes_of("environment: ${{ inputs.environment }}\n").is_empty());
    }

    #[test]
    fn matrix_expansion_with_include_and_exclude() {
        let text = "environment: ${{ matrix.env }}\nstrategy:\n  matrix:\n    env: [dev, staging, production]\n    include:\n      - env: production\n        client: p\n      - env: uat\n    exclude:\n      - env: dev\n";
        assert_eq!(scopes_of(text), vec!["staging", "production", "uat"]);
        let doc = yaml::parse(text).unwrap().remove(0);
        let scopes = job_scopes(&doc, &doc);
        assert_eq!(
            scopes[1].matrix_value("client").and_then(Node::as_str),
            Some("p")
        );
        assert!(scopes[0].matrix_value("client").is_none());
    }

    #[test]
    fn matrix_name_with_affixes_and_unresolvable_matrices() {
        let text = "environment:\n  name: app-${{ matrix.region }}\nstrategy:\n  matrix:\n    region: [eu, us]\n";
        assert_eq!(scopes_of(text), vec!["app-eu", "app-us"]);
        let computed = "environment: ${{ matrix.env }}\nstrategy:\n  matrix: ${{ fromJSON(needs.a.outputs.m) }}\n";
        assert!(scopes_of(computed).is_empty());
        let two = "environment: ${{ matrix.a }}-${{ matrix.b }}\nstrategy:\n  matrix:\n    a: [x]\n    b: [y]\n";
        assert!(scopes_of(two).is_empty());
    }

    #[test]
    fn azd_jobs_take_their_azure_env_name() {
        let text =
            "runs-on: ubuntu-latest\nenv:\n  AZURE_ENV_NAME: uat\nsteps:\n  - run: azd deploy\n";
        assert_eq!(scopes_of(text), vec!["uat"]);
        let variable = "env:\n  AZURE_ENV_NAME: ${{ vars.AZURE_ENV_NAME }}\n";
        assert!(scopes_of(variable).is_empty());
        let both = "environment: production\nenv:\n  AZURE_ENV_NAME: uat\n";
        assert_eq!(scopes_of(both), vec!["production"]);
    }

    #[test]
    fn azd_jobs_fall_back_to_the_workflow_azure_env_name() {
        let workflow = "on: push\nenv:\n  AZURE_ENV_NAME: westeurope-prod\n";
        let job = "runs-on: ubuntu-latest\nsteps:\n  - run: azd deploy\n";
        assert_eq!(scopes_in(workflow, job), vec!["westeurope-prod"]);
        let own = "env:\n  AZURE_ENV_NAME: canary\n";
        assert_eq!(scopes_in(workflow, own), vec!["canary"]);
        let declared = "environment: production\n";
        assert_eq!(scopes_in(workflow, declared), vec!["production"]);
        let expression = "on: push\nenv:\n  AZURE_ENV_NAME: ${{ vars.AZURE_ENV_NAME }}\n";
        assert!(scopes_in(expression, job).is_empty());
    }

    #[test]
    fn reusable_workflow_calls_take_the_environment_input() {
        let text = "uses: ./.github/workflows/deploy.yml\nwith:\n  environment: uat\n";
        assert_eq!(scopes_of(text), vec!["uat"]);
        let no_uses = "with:\n  environment: uat\n";
        assert!(scopes_of(no_uses).is_empty());
    }

    #[test]
    fn expansion_is_capped() {
        let values: Vec<String> = (0..100).map(|i| format!("e{i}")).collect();
        let text = format!(
            "environment: ${{{{ matrix.env }}}}\nstrategy:\n  matrix:\n    env: [{}]\n",
            values.join(", ")
        );
        assert_eq!(scopes_of(&text).len(), MAX_SCOPES);
    }
}
