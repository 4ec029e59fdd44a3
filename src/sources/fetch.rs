//! Reading both platforms at once, on the run's deadline: the one place the scan talks to the
//! CI platforms' APIs.

use super::{azure_devops, github, Remote, RemoteFacts};
use std::time::{Duration, Instant};

/// Which platforms to read and how long they may take.
#[derive(Debug, Default)]
pub struct RemoteOptions {
    /// The GitHub repository and token, when configured.
    pub github: Option<github::GithubConfig>,
    /// The Azure DevOps organization, project and token, when configured.
    pub azure_devops: Option<azure_devops::AdoConfig>,
    /// The whole read's deadline, rate-limit waits included.
    pub timeout: Duration,
}

impl RemoteOptions {
    /// Whether any platform is configured.
    pub fn any(&self) -> bool {
        self.github.is_some() || self.azure_devops.is_some()
    }
}

/// Reads the configured platforms concurrently. Never fails: what could not be read becomes a
/// `remote-source` finding inside the results, and the rest of the scan goes on.
pub fn fetch_blocking(options: &RemoteOptions, pipeline_paths: &[String]) -> Remote {
    if !options.any() {
        return Remote::default();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return failed(options, &format!("could not start the HTTP runtime: {e}")),
    };
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("credgate/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => return failed(options, &format!("could not build the HTTP client: {e}")),
    };
    let deadline = Instant::now() + options.timeout;
    runtime.block_on(async {
        let gh = async {
            match &options.github {
                Some(cfg) => Some(github::collect(&client, cfg, deadline).await),
                None => None,
            }
        };
        let ado = async {
            match &options.azure_devops {
                Some(cfg) => {
                    Some(azure_devops::collect(&client, cfg, pipeline_paths, deadline).await)
                }
                None => None,
            }
        };
        let (gh, ado) = tokio::join!(gh, ado);
        let mut remote = Remote::default();
        if let Some(gh) = gh {
            remote.platforms.push(("github", gh));
        }
        if let Some(ado) = ado {
            remote.platforms.push(("azure-devops", ado));
        }
        remote
    })
}

/// Every configured platform reported as unread, with the reason.
fn failed(options: &RemoteOptions, why: &str) -> Remote {
    let mut remote = Remote::default();
    let note = |platform: &str| {
        let mut facts = RemoteFacts::default();
        facts.problems.push(crate::model::Finding::new(
            "remote-source",
            crate::model::Severity::Warning,
            crate::model::Location::source(platform),
            format!("{platform} variables were not read: {why}; the rules ran without them"),
            why,
        ));
        facts
    };
    if options.github.is_some() {
        remote.platforms.push(("github", note("github")));
    }
    if options.azure_devops.is_some() {
        remote
            .platforms
            .push(("azure-devops", note("azure-devops")));
    }
    remote
}
