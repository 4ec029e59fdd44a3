//! The pull request a CI run builds, found from the platform's own variables, so `check` and
//! `scan` read the commits of a pull request with no flag: GitHub's `pull_request` event file
//! (`GITHUB_EVENT_PATH`, base and head commits) and Azure Pipelines' pull-request variables
//! (`BUILD_REASON=PullRequest`, `SYSTEM_PULLREQUEST_TARGETBRANCH`).

use std::path::Path;

/// Which CI platform's pull request a range came from: the fix for a shallow clone is worded
/// in its terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// GitHub Actions, `actions/checkout`.
    GitHub,
    /// Azure Pipelines, `checkout: self`.
    AzurePipelines,
}

impl Platform {
    /// How to get the whole history in this platform's checkout step.
    pub fn full_clone_fix(self) -> &'static str {
        match self {
            Platform::GitHub => {
                "give actions/checkout `with: fetch-depth: 0` so the pull request's commits and \
                 its base are in the clone"
            }
            Platform::AzurePipelines => {
                "set `fetchDepth: 0` on the `- checkout: self` step (or turn off \"Shallow \
                 fetch\" in the pipeline's settings) so the pull request's commits and its \
                 target branch are in the clone"
            }
        }
    }

    /// The platform's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Platform::GitHub => "GitHub pull_request run",
            Platform::AzurePipelines => "Azure Pipelines pull-request build",
        }
    }
}

/// A pull request's commits as a rev-range, or why the run's variables did not give one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    /// Where it came from.
    pub platform: Platform,
    /// `BASE..HEAD`, or what is wrong with the variables.
    pub range: Result<String, String>,
}

/// The pull request this CI run builds, if it builds one. `env` reads process variables and
/// `read` a file (the GitHub event file).
pub fn pull_request(
    env: &dyn Fn(&str) -> Option<String>,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Option<PullRequest> {
    let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if set("GITHUB_ACTIONS").as_deref() == Some("true") {
        let event = set("GITHUB_EVENT_NAME")?;
        if event != "pull_request" && event != "pull_request_target" {
            return None;
        }
        let range = match set("GITHUB_EVENT_PATH") {
            None => Err("GITHUB_EVENT_PATH is not set".to_string()),
            Some(path) => match read(Path::new(&path)) {
                None => Err(format!("the event file {path} could not be read")),
                Some(text) => github_range(&text).ok_or_else(|| {
                    format!("the event file {path} has no pull_request.base.sha and head.sha")
                }),
            },
        };
        return Some(PullRequest {
            platform: Platform::GitHub,
            range,
        });
    }
    let tf_build = set("TF_BUILD").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if tf_build && set("BUILD_REASON").as_deref() == Some("PullRequest") {
        let range = match set("SYSTEM_PULLREQUEST_TARGETBRANCH") {
            None => Err("SYSTEM_PULLREQUEST_TARGETBRANCH is not set".to_string()),
            Some(target) => Ok(format!("{}..HEAD", remote_branch(target.trim()))),
        };
        return Some(PullRequest {
            platform: Platform::AzurePipelines,
            range,
        });
    }
    None
}

/// `base..head` from a `pull_request` event payload.
fn github_range(event: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(event).ok()?;
    let pr = value.get("pull_request")?;
    let sha = |side: &str| {
        pr.get(side)?
            .get("sha")?
            .as_str()
            .filter(|s| s.len() >= 7 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_string)
    };
    Some(format!("{}..{}", sha("base")?, sha("head")?))
}

/// The remote-tracking ref of the target branch the agent fetched: `refs/heads/main` →
/// `refs/remotes/origin/main`.
fn remote_branch(target: &str) -> String {
    let branch = target.strip_prefix("refs/heads/").unwrap_or(target);
    format!("refs/remotes/origin/{branch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn github_pull_request_event_gives_base_and_head() {
        let env = vars(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", "/e.json"),
        ]);
        let event = r#"{"pull_request":{"base":{"sha":"aaaaaaaa"},"head":{"sha":"bbbbbbbb"}}}"#;
        let pr = pull_request(&env, &|_| Some(event.to_string())).expect("a pull request");
        assert_eq!(pr.platform, Platform::GitHub);
        assert_eq!(pr.range, Ok("aaaaaaaa..bbbbbbbb".to_string()));
        let pr = pull_request(&env, &|_| Some("{}".to_string())).expect("still a pull request");
        assert!(pr.range.is_err());
    }

    #[test]
    fn a_push_is_no_pull_request() {
        let env = vars(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "push")]);
        assert_eq!(pull_request(&env, &|_| None), None);
        assert_eq!(pull_request(&vars(&[]), &|_| None), None);
    }

    #[test]
    fn event_shas_must_be_hex() {
        let event = r#"{"pull_request":{"base":{"sha":"--output=x"},"head":{"sha":"bbbbbbbb"}}}"#;
        assert_eq!(github_range(event), None);
    }

    #[test]
    fn azure_pull_request_uses_the_target_branch() {
        let env = vars(&[
            ("TF_BUILD", "True"),
            ("BUILD_REASON", "PullRequest"),
            ("SYSTEM_PULLREQUEST_TARGETBRANCH", "refs/heads/release/2.0"),
        ]);
        let pr = pull_request(&env, &|_| None).expect("a pull request");
        assert_eq!(pr.platform, Platform::AzurePipelines);
        assert_eq!(
            pr.range,
            Ok("refs/remotes/origin/release/2.0..HEAD".to_string())
        );
        let ci = vars(&[("TF_BUILD", "True"), ("BUILD_REASON", "IndividualCI")]);
        assert_eq!(pull_request(&ci, &|_| None), None);
    }
}
