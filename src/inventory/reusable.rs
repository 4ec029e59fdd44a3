//! Joins reusable workflows to their callers, so that a job deploying to
//! `${{ inputs.environment }}` gets the environments its callers pass (`with: environment:
//! production`), and a caller that names no environment of its own gets them too. Pure: it only
//! rearranges what the extractors found, before the inventory groups it by environment.
//!
//! A called job's secret references count for an environment only when its caller (every
//! caller, for nested calls) passes its secrets on (`secrets: inherit`): with an explicit
//! `secrets:` mapping the called workflow's names are its own, and the names the platform must
//! define are those in the mapping, which the caller's job references itself. Its facts always
//! count: the job sets those credentials whatever they are called.

use crate::extract::github_workflow::reusable::{
    input_values, PendingJob, ReusableJob, WorkflowCall,
};
use crate::extract::github_workflow::shared::literal_environment;
use crate::extract::FileFacts;
use crate::model::{Fact, ReferenceKind, ScopedReference};
use std::collections::{HashSet, VecDeque};

/// How deep calls may nest (GitHub allows a caller and up to nine levels of called workflows).
const MAX_NESTING: usize = 10;

/// Most call instances one run resolves, whatever the repository holds.
const MAX_INSTANCES: usize = 10_000;

/// Input names with their values, as a call passes them.
type Inputs = Vec<(String, Vec<String>)>;

/// One call with the input values it has in one chain of calls.
struct Instance {
    /// Index of the call in the extracted calls.
    call: usize,
    /// Its inputs: the literal ones and, in a nested call, those passed on from its caller's.
    inputs: Inputs,
    /// Whether every call above it passed its secrets on (a top-level call: `true`).
    chain_inherits: bool,
    /// How many calls lead to it.
    depth: usize,
}

/// The environments a call resolved to, for its own pending yield.
#[derive(Default, Clone)]
struct Reached {
    /// Environments, first seen first.
    environments: Vec<String>,
    /// Whether the secret references of the caller's own job count (some chain to it inherits).
    with_secrets: bool,
}

/// Gives every deferred job its environments: the called jobs those of their calls, the
/// callers without an environment of their own those their call resolves to, through nested
/// calls too (a reusable workflow passing `${{ inputs.environment }}` on to another). What no
/// call resolves stays without an environment, as any job that names none.
pub fn resolve(files: &mut FileFacts) {
    let jobs = std::mem::take(&mut files.reusable_jobs);
    let calls = std::mem::take(&mut files.workflow_calls);
    let mut called = vec![false; jobs.len()];
    let mut reached = vec![Reached::default(); calls.len()];
    let mut instantiated = vec![false; calls.len()];
    let mut instances = 0usize;
    let mut done: HashSet<(usize, Inputs, bool)> = HashSet::new();
    let mut given: HashSet<(usize, String)> = HashSet::new();
    let mut given_secrets: HashSet<(usize, String)> = HashSet::new();

    // Calls that pass nothing on start the chains; a call passing its workflow's inputs on is
    // reached through the calls of that workflow, or, when none calls it, on its own.
    let starts: Vec<usize> = (0..calls.len())
        .filter(|&i| calls.get(i).is_some_and(|c| c.forwarded.is_empty()))
        .collect();
    for phase in [starts, Vec::new()] {
        let mut queue: VecDeque<Instance> = if phase.is_empty() {
            (0..calls.len())
                .filter(|&i| !instantiated.get(i).copied().unwrap_or(true))
                .filter(|&i| calls.get(i).is_some_and(|c| !c.forwarded.is_empty()))
                .map(|call| instance_of(&calls, call))
                .collect()
        } else {
            phase
                .into_iter()
                .map(|call| instance_of(&calls, call))
                .collect()
        };
        while let Some(instance) = queue.pop_front() {
            instances += 1;
            if instances > MAX_INSTANCES {
                break;
            }
            // The same call with the same values gives the same environments: once is enough.
            let key = (
                instance.call,
                instance.inputs.clone(),
                instance.chain_inherits,
            );
            if !done.insert(key) {
                continue;
            }
            let Some(call) = calls.get(instance.call) else {
                continue;
            };
            let with_secrets = instance.chain_inherits && call.inherits_secrets;
            for (index, job) in jobs.iter().enumerate() {
                if job.workflow != call.workflow {
                    continue;
                }
                let values = match (input_values(&instance.inputs, &job.input), &job.default) {
                    (Some(values), _) => values,
                    (None, Some(default)) => std::slice::from_ref(default),
                    (None, None) => continue,
                };
                for env in environments_of(job, values) {
                    if let Some(seen) = called.get_mut(index) {
                        *seen = true;
                    }
                    // A job reached again (two calls, a cycle) adds only what it did not yet.
                    let parts = Parts {
                        base: given.insert((index, env.clone())),
                        secrets: with_secrets && given_secrets.insert((index, env.clone())),
                    };
                    give_parts(files, &job.job, &env, parts);
                    if let Some(r) = reached.get_mut(instance.call) {
                        if !r.environments.contains(&env) {
                            r.environments.push(env);
                        }
                    }
                }
            }
            if let Some(r) = reached.get_mut(instance.call) {
                r.with_secrets |= instance.chain_inherits;
            }
            // Bounded whatever the files say (GitHub forbids cycles; a repository may still
            // hold one): by depth, and by the work already queued.
            if instance.depth + 1 >= MAX_NESTING || instances + queue.len() >= MAX_INSTANCES {
                continue;
            }
            for (next, nested) in calls.iter().enumerate() {
                if nested.caller != call.workflow || nested.forwarded.is_empty() {
                    continue;
                }
                if let Some(seen) = instantiated.get_mut(next) {
                    *seen = true;
                }
                let mut inputs = nested.inputs.clone();
                for forward in &nested.forwarded {
                    if let Some(values) = input_values(&instance.inputs, &forward.from) {
                        let passed = values
                            .iter()
                            .map(|v| format!("{}{v}{}", forward.prefix, forward.suffix))
                            .collect();
                        inputs.push((forward.input.clone(), passed));
                    }
                }
                queue.push_back(Instance {
                    call: next,
                    inputs,
                    chain_inherits: with_secrets,
                    depth: instance.depth + 1,
                });
            }
        }
    }

    for (call, reached) in calls.into_iter().zip(reached) {
        let Some(pending) = call.pending else {
            continue;
        };
        for env in &reached.environments {
            give(files, &pending, env, reached.with_secrets);
        }
        if reached.environments.is_empty() {
            files.facts.extend(pending.facts);
        }
    }
    for (job, was_called) in jobs.into_iter().zip(called) {
        if !was_called {
            files.facts.extend(job.job.facts);
        }
    }
}

/// A call as the start of a chain, with its own literal inputs.
fn instance_of(calls: &[WorkflowCall], call: usize) -> Instance {
    Instance {
        call,
        inputs: calls
            .get(call)
            .map(|c| c.inputs.clone())
            .unwrap_or_default(),
        chain_inherits: true,
        depth: 0,
    }
}

/// The literal environment names a job's input values make.
fn environments_of(job: &ReusableJob, values: &[String]) -> Vec<String> {
    values
        .iter()
        .filter_map(|value| literal_environment(&job.environment_for(value)).map(str::to_string))
        .collect()
}

/// Adds a job's facts, references and files as environment `env`'s.
fn give(files: &mut FileFacts, job: &PendingJob, env: &str, with_secrets: bool) {
    give_parts(
        files,
        job,
        env,
        Parts {
            base: true,
            secrets: with_secrets,
        },
    );
}

/// Which parts of a job [`give_parts`] adds.
#[derive(Clone, Copy)]
struct Parts {
    /// Facts, variable and group references, files.
    base: bool,
    /// Secret references.
    secrets: bool,
}

/// Adds the chosen parts of a job as environment `env`'s.
fn give_parts(files: &mut FileFacts, job: &PendingJob, env: &str, parts: Parts) {
    if parts.base {
        if !files.declared_environments.iter().any(|e| e == env) {
            files.declared_environments.push(env.to_string());
        }
        files.facts.extend(job.facts.iter().map(|fact| Fact {
            environment: Some(env.to_string()),
            ..fact.clone()
        }));
        files
            .file_uses
            .extend(job.files.iter().map(|path| (env.to_string(), path.clone())));
    }
    files.references.extend(
        job.references
            .iter()
            .filter(|(kind, _, _)| {
                if *kind == ReferenceKind::Secret {
                    parts.secrets
                } else {
                    parts.base
                }
            })
            .map(|(kind, name, location)| ScopedReference {
                environment: env.to_string(),
                kind: *kind,
                name: name.clone(),
                location: location.clone(),
            }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::github_workflow;

    fn extracted(files: &[(&str, &str)]) -> FileFacts {
        let mut all = FileFacts::default();
        for (path, text) in files {
            all.absorb(github_workflow::extract(path, text));
        }
        all
    }

    const CALLEE: &str = "\
on:
  workflow_call:
    inputs:
      environment: {type: string}
jobs:
  deploy:
    environment: ${{ inputs.environment }}
    env:
      AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}
    steps:
      - run: echo ${{ secrets.AZURE_CLIENT_SECRET }}
";

    fn caller(secrets: &str) -> String {
        format!(
            "on: push\njobs:\n  stg:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: staging\n    {secrets}\n  prd:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: production\n    {secrets}\n"
        )
    }

    fn envs_of_facts(files: &FileFacts) -> Vec<Option<&str>> {
        files
            .facts
            .iter()
            .map(|f| f.environment.as_deref())
            .collect()
    }

    #[test]
    fn a_called_job_deploys_to_each_callers_environment() {
        let mut files = extracted(&[
            (".github/workflows/deploy.yml", CALLEE),
            (".github/workflows/release.yml", &caller("secrets: inherit")),
        ]);
        resolve(&mut files);
        assert_eq!(
            envs_of_facts(&files),
            vec![Some("staging"), Some("production")]
        );
        let refs: Vec<(&str, &str)> = files
            .references
            .iter()
            .map(|r| (r.environment.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            refs,
            vec![
                ("staging", "AZURE_CLIENT_ID"),
                ("staging", "AZURE_CLIENT_SECRET"),
                ("production", "AZURE_CLIENT_ID"),
                ("production", "AZURE_CLIENT_SECRET"),
            ]
        );
        assert!(files
            .declared_environments
            .contains(&"production".to_string()));
        assert!(files.reusable_jobs.is_empty() && files.workflow_calls.is_empty());
    }

    #[test]
    fn explicit_secret_mappings_keep_the_callees_names_out() {
        let mut files = extracted(&[
            (".github/workflows/deploy.yml", CALLEE),
            (
                ".github/workflows/release.yml",
                &caller("secrets:\n      AZURE_CLIENT_SECRET: ${{ secrets.MY_SECRET }}"),
            ),
        ]);
        resolve(&mut files);
        let secrets: Vec<(&str, &str)> = files
            .references
            .iter()
            .filter(|r| r.kind == ReferenceKind::Secret)
            .map(|r| (r.environment.as_str(), r.name.as_str()))
            .collect();
        // The callers' own mapping is what the platform must define; the callee's name is not.
        assert_eq!(
            secrets,
            vec![("staging", "MY_SECRET"), ("production", "MY_SECRET")]
        );
    }

    #[test]
    fn a_call_without_the_input_gets_its_default() {
        let callee = CALLEE.replace(
            "environment: {type: string}",
            "environment: {type: string, default: staging}",
        );
        let caller = "on: push\njobs:\n  a:\n    uses: ./.github/workflows/deploy.yml\n  b:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: production\n";
        let mut files = extracted(&[
            (".github/workflows/deploy.yml", &callee),
            (".github/workflows/release.yml", caller),
        ]);
        resolve(&mut files);
        assert_eq!(
            envs_of_facts(&files),
            vec![Some("staging"), Some("production")]
        );
    }

    #[test]
    fn nested_calls_pass_the_environment_on() {
        // release → deploy (passes its input on) → login (deploys to its input).
        let deploy = "on:\n  workflow_call:\n    inputs:\n      environment: {type: string}\njobs:\n  sign-in:\n    uses: ./.github/workflows/login.yml\n    with:\n      target: ${{ inputs.environment }}\n    secrets: inherit\n";
        let login = "on:\n  workflow_call:\n    inputs:\n      target: {type: string}\njobs:\n  login:\n    environment: ${{ inputs.target }}\n    env:\n      AZURE_CLIENT_SECRET: ${{ secrets.LOGIN_SECRET }}\n";
        let mut files = extracted(&[
            (".github/workflows/deploy.yml", deploy),
            (".github/workflows/login.yml", login),
            (".github/workflows/release.yml", &caller("secrets: inherit")),
        ]);
        resolve(&mut files);
        assert_eq!(
            envs_of_facts(&files),
            vec![Some("staging"), Some("production")]
        );
        let refs: Vec<(&str, &str)> = files
            .references
            .iter()
            .map(|r| (r.environment.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            refs,
            vec![("staging", "LOGIN_SECRET"), ("production", "LOGIN_SECRET")]
        );

        // A link with an explicit mapping: the innermost names are not the platform's.
        let mut files = extracted(&[
            (".github/workflows/deploy.yml", deploy),
            (".github/workflows/login.yml", login),
            (
                ".github/workflows/release.yml",
                &caller("secrets:\n      X: ${{ secrets.Y }}"),
            ),
        ]);
        resolve(&mut files);
        assert_eq!(envs_of_facts(&files).len(), 2);
        assert!(files.references.iter().all(|r| r.name != "LOGIN_SECRET"));

        // Nobody calls deploy.yml: its call of login.yml resolves nothing.
        let mut files = extracted(&[
            (".github/workflows/deploy.yml", deploy),
            (".github/workflows/login.yml", login),
        ]);
        resolve(&mut files);
        assert_eq!(envs_of_facts(&files), vec![None]);
    }

    #[test]
    fn a_manual_run_deploys_to_each_choice() {
        let manual = "on:\n  workflow_dispatch:\n    inputs:\n      environment:\n        type: choice\n        options: [staging, production]\njobs:\n  deploy:\n    environment: ${{ github.event.inputs.environment }}\n    env:\n      AZURE_CLIENT_SECRET: ${{ secrets.AZURE_CLIENT_SECRET }}\n";
        let mut files = extracted(&[(".github/workflows/manual.yml", manual)]);
        resolve(&mut files);
        assert_eq!(
            envs_of_facts(&files),
            vec![Some("staging"), Some("production")]
        );
        assert_eq!(files.references.len(), 2, "its secrets are the run's own");
    }

    #[test]
    fn a_cycle_of_calls_ends() {
        let a = "on:\n  workflow_call:\n    inputs:\n      environment: {type: string}\njobs:\n  x:\n    uses: ./.github/workflows/b.yml\n    with:\n      environment: ${{ inputs.environment }}\n  y:\n    uses: ./.github/workflows/b.yml\n    with:\n      environment: ${{ inputs.environment }}\n  deploy:\n    environment: ${{ inputs.environment }}\n    env:\n      AZURE_CLIENT_ID: ${{ vars.ID }}\n";
        let b = a.replace("b.yml", "a.yml");
        let start = "on: push\njobs:\n  go:\n    uses: ./.github/workflows/a.yml\n    with:\n      environment: production\n";
        let mut files = extracted(&[
            (".github/workflows/a.yml", a),
            (".github/workflows/b.yml", &b),
            (".github/workflows/start.yml", start),
        ]);
        resolve(&mut files);
        // Each job once per environment, however often the cycle comes round.
        assert_eq!(files.facts.len(), 2, "{:?}", files.facts);
        assert!(files
            .facts
            .iter()
            .all(|f| f.environment.as_deref() == Some("production")));
    }

    #[test]
    fn uncalled_jobs_and_unresolved_calls_stay_without_environment() {
        let mut files = extracted(&[(".github/workflows/deploy.yml", CALLEE)]);
        resolve(&mut files);
        assert_eq!(envs_of_facts(&files), vec![None]);
        assert!(files.references.is_empty());

        let computed = "on: push\njobs:\n  a:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: ${{ github.ref_name }}\n      AZURE_CLIENT_ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n";
        let mut files = extracted(&[
            (".github/workflows/deploy.yml", CALLEE),
            (".github/workflows/release.yml", computed),
        ]);
        resolve(&mut files);
        assert_eq!(envs_of_facts(&files), vec![None, None]);
        assert!(files.references.is_empty());
    }
}
