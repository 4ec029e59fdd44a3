//! What a failed Azure DevOps request means for the user, as a `remote-source` finding: which
//! list was not read, why, and which permission or setting fixes it. Built from statuses and
//! kinds only, so no finding can carry the token.

use super::http::Failure;
use crate::model::{Finding, Location, Severity};

/// The rule every problem of an API source is reported under.
pub const RULE: &str = "remote-source";

/// Which list a request was reading, for the message and the permission it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    /// The project's variable groups (Library).
    VariableGroups,
    /// The project's pipeline definitions, or one of them.
    Definitions,
}

impl List {
    fn what(self) -> &'static str {
        match self {
            List::VariableGroups => "the project's variable groups",
            List::Definitions => "the pipeline definitions' variables",
        }
    }

    fn permission(self) -> &'static str {
        match self {
            List::VariableGroups => "Variable Groups (Read)",
            List::Definitions => "Build (Read)",
        }
    }
}

/// Whether the token is the pipeline's own (`SYSTEM_ACCESSTOKEN`) or a PAT; the fix differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `SYSTEM_ACCESSTOKEN`, sent as a Bearer token.
    JobToken,
    /// A personal access token from `AZURE_DEVOPS_TOKEN`.
    Pat,
}

/// A finding for a request of `list` at `path` (`variablegroups`, `definitions/<name>`) that
/// ended in `failure`.
pub fn finding(list: List, path: &str, token: TokenKind, failure: &Failure) -> Finding {
    let location = Location::source(format!("azure-devops:{path}"));
    let what = list.what();
    let (severity, message, fix, identity) = match failure {
        Failure::Rejected { status } => (
            Severity::Error,
            format!(
                "Azure DevOps answered HTTP {status}{}: the token was rejected, so {what} were not read",
                if *status == 401 { "" } else { " with its sign-in page" }
            ),
            match token {
                TokenKind::Pat => "Renew the personal access token in AZURE_DEVOPS_TOKEN (it may have expired, been revoked, or belong to another organization).".to_string(),
                TokenKind::JobToken => "Map the job's token into the step as `env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`; it is valid only while the job runs.".to_string(),
            },
            "rejected".to_string(),
        ),
        Failure::Denied { status } => (
            Severity::Note,
            format!(
                "Azure DevOps answered HTTP {status}: the token may not read {what}, or the project is not visible to it"
            ),
            match token {
                TokenKind::Pat => format!(
                    "Give the personal access token the `{}` scope, and check the project name.",
                    list.permission()
                ),
                TokenKind::JobToken => format!(
                    "The pipeline must map the token as `env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`, and the project's build service identity needs `{}` access (for variable groups: the Reader role in Library security, or pipeline permission on each group).",
                    list.permission()
                ),
            },
            format!("denied-{status}"),
        ),
        Failure::Throttled { status } => (
            Severity::Warning,
            format!(
                "Azure DevOps answered HTTP {status} and did not recover within the time budget, so {what} were not read completely"
            ),
            "Run again later, or raise --timeout.".to_string(),
            "throttled".to_string(),
        ),
        Failure::Network(kind) => (
            Severity::Warning,
            format!("Azure DevOps could not be reached ({kind}), so {what} were not read"),
            "Check the collection URL (SYSTEM_COLLECTIONURI or --ado-org) and the network.".to_string(),
            "network".to_string(),
        ),
        Failure::TimedOut => (
            Severity::Warning,
            format!("Azure DevOps did not answer within the time budget, so {what} were not read completely"),
            "Raise --timeout, or run again.".to_string(),
            "timeout".to_string(),
        ),
        Failure::Unexpected(why) => (
            Severity::Warning,
            format!("{why}, so {what} were not read"),
            "Check the collection URL (SYSTEM_COLLECTIONURI or --ado-org) and the project name.".to_string(),
            "unexpected".to_string(),
        ),
    };
    Finding::new(RULE, severity, location, message, &identity).with_fix(fix)
}

/// A finding for a setting that makes every request impossible (a collection URL that is not
/// an address, plain HTTP to a remote host, a token that cannot be sent in a header).
pub fn unusable(why: &str, fix: &str) -> Finding {
    Finding::new(
        RULE,
        Severity::Warning,
        Location::source("azure-devops:configuration"),
        format!("{why}, so Azure DevOps was not asked for its variables"),
        why,
    )
    .with_fix(fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_follow_the_failure() {
        let f = |failure| {
            finding(
                List::VariableGroups,
                "variablegroups",
                TokenKind::Pat,
                &failure,
            )
        };
        assert_eq!(
            f(Failure::Rejected { status: 401 }).severity,
            Severity::Error
        );
        assert_eq!(
            f(Failure::Rejected { status: 203 }).severity,
            Severity::Error
        );
        assert_eq!(f(Failure::Denied { status: 403 }).severity, Severity::Note);
        assert_eq!(
            f(Failure::Throttled { status: 429 }).severity,
            Severity::Warning
        );
        assert_eq!(f(Failure::TimedOut).severity, Severity::Warning);
        let denied = f(Failure::Denied { status: 404 });
        assert!(denied.fix.unwrap().contains("Variable Groups (Read)"));
        assert_eq!(
            denied.location.source.as_deref(),
            Some("azure-devops:variablegroups")
        );
    }

    #[test]
    fn the_job_token_fix_names_the_mapping() {
        let f = finding(
            List::Definitions,
            "definitions",
            TokenKind::JobToken,
            &Failure::Denied { status: 403 },
        );
        let fix = f.fix.unwrap();
        assert!(fix.contains("SYSTEM_ACCESSTOKEN: $(System.AccessToken)"));
        assert!(fix.contains("Build (Read)"));
    }
}
