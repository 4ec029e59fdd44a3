//! Pipeline variables held by the CI platforms, read over their REST APIs: GitHub environments,
//! variables and secrets (`github`), Azure DevOps variable groups and pipeline definitions
//! (`azure_devops`). They feed the same inventory and rules as the repository's files.
//!
//! This is an I/O edge: everything here talks HTTP; the rules stay pure over the inventory.

pub mod azure_devops;
pub mod fetch;
pub mod github;

use crate::inventory::environment::EnvironmentNames;
use crate::model::{Fact, Finding, PlatformNames, ReferenceKind};

/// A name the platform defines (a secret, variable or variable group), with or without its
/// value; secrets come back as names only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinedName {
    /// The environment it is defined for, as the platform names it; `None` for repository-,
    /// organization- or project-level definitions that every environment sees.
    pub environment: Option<String>,
    /// Secret, variable or variable group.
    pub kind: ReferenceKind,
    /// The name as defined (`AZURE_CLIENT_SECRET`, `prod-secrets`).
    pub name: String,
    /// Where it was read, e.g. `github:environment/production/secrets/AZURE_CLIENT_SECRET`.
    pub source: String,
}

/// What one platform told us.
#[derive(Debug, Default)]
pub struct RemoteFacts {
    /// Credential facts from variable values (located by `Location::source`, no file).
    pub facts: Vec<Fact>,
    /// Every secret, variable and group name the platform defines.
    pub defined: Vec<DefinedName>,
    /// Environment names the platform knows (GitHub environments).
    pub environments: Vec<String>,
    /// Notes and warnings: permissions missing, rate limits, a rejected token.
    pub problems: Vec<Finding>,
    /// Whether the lists were read completely, so that "not defined" can be concluded from
    /// them. False when any list could not be read.
    pub complete: bool,
}

impl RemoteFacts {
    /// Merges another platform's results.
    pub fn absorb(&mut self, other: RemoteFacts) {
        self.facts.extend(other.facts);
        self.defined.extend(other.defined);
        self.environments.extend(other.environments);
        self.problems.extend(other.problems);
    }
}

/// What the platforms that were read told us, each tagged with its platform.
#[derive(Debug, Default)]
pub struct Remote {
    /// `(platform, results)`: `github`, `azure-devops`.
    pub platforms: Vec<(&'static str, RemoteFacts)>,
}

impl RemoteFacts {
    /// The defined names as the inventory keeps them, environments canonicalised.
    pub fn names(&self, platform: &str, names: &EnvironmentNames) -> PlatformNames {
        let mut out = PlatformNames {
            platform: platform.to_string(),
            complete: self.complete,
            ..PlatformNames::default()
        };
        for defined in &self.defined {
            let key = (defined.kind, defined.name.clone());
            out.origins
                .entry(key.clone())
                .or_insert_with(|| defined.source.clone());
            match &defined.environment {
                Some(env) => {
                    out.by_environment
                        .entry(names.canonical(env))
                        .or_default()
                        .insert(key);
                }
                None => {
                    out.shared.insert(key);
                }
            }
        }
        out
    }
}
