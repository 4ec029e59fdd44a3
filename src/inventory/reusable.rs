//! Joins reusable workflows to their callers, so that a job deploying to
//! `${{ inputs.environment }}` gets the environments its callers pass (`with: environment:
//! production`), and a caller that names no environment of its own gets them too. Pure: it only
//! rearranges what the extractors found, before the inventory groups it by environment.
//!
//! A called job's secret references count for an environment only when its caller passes its
//! secrets on (`secrets: inherit`): with an explicit `secrets:` mapping the called workflow's
//! names are its own, and the names the platform must define are those in the mapping, which
//! the caller's job references itself. Its facts always count: the job sets those credentials
//! whatever they are called.

use crate::extract::github_workflow::reusable::{PendingJob, ReusableJob};
use crate::extract::github_workflow::shared::literal_environment;
use crate::extract::FileFacts;
use crate::model::{Fact, ReferenceKind, ScopedReference};

/// Gives every deferred job its environments: the callee jobs those of their calls, the
/// callers without an environment of their own those their call resolves to. What no call
/// resolves stays without an environment, as any job that names none.
pub fn resolve(files: &mut FileFacts) {
    let jobs = std::mem::take(&mut files.reusable_jobs);
    let calls = std::mem::take(&mut files.workflow_calls);
    let mut called = vec![false; jobs.len()];
    for call in calls {
        let mut reached: Vec<String> = Vec::new();
        for (index, job) in jobs.iter().enumerate() {
            if job.workflow != call.workflow {
                continue;
            }
            let Some(values) = call.input(&job.input) else {
                continue;
            };
            for env in environments_of(job, values) {
                if let Some(seen) = called.get_mut(index) {
                    *seen = true;
                }
                give(files, &job.job, &env, call.inherits_secrets);
                if !reached.contains(&env) {
                    reached.push(env);
                }
            }
        }
        if let Some(pending) = call.pending {
            for env in &reached {
                give(files, &pending, env, true);
            }
            if reached.is_empty() {
                files.facts.extend(pending.facts);
            }
        }
    }
    for (job, was_called) in jobs.into_iter().zip(called) {
        if !was_called {
            files.facts.extend(job.job.facts);
        }
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
    if !files.declared_environments.iter().any(|e| e == env) {
        files.declared_environments.push(env.to_string());
    }
    files.facts.extend(job.facts.iter().map(|fact| Fact {
        environment: Some(env.to_string()),
        ..fact.clone()
    }));
    files.references.extend(
        job.references
            .iter()
            .filter(|(kind, _, _)| with_secrets || *kind != ReferenceKind::Secret)
            .map(|(kind, name, location)| ScopedReference {
                environment: env.to_string(),
                kind: *kind,
                name: name.clone(),
                location: location.clone(),
            }),
    );
    files
        .file_uses
        .extend(job.files.iter().map(|path| (env.to_string(), path.clone())));
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
