//! Azure DevOps as a source of pipeline variables: the project's variable groups and the
//! variables of the pipeline definitions built from the repository's `azure-pipelines*.yml`,
//! read over the REST API (7.1). Half of a team's credentials live there rather than in the
//! repository, and a production group holding staging's client id breaks a deploy just as a
//! file would.
//!
//! Every failure becomes a `remote-source` finding and the scan goes on; the token is only ever
//! put into an `Authorization` header marked sensitive, never into a message.

mod http;
mod problems;
mod variables;

use self::http::{get_json, Failure};
use self::problems::{List, TokenKind};
use self::variables::Owner;
use crate::model::ReferenceKind;
use crate::secret::SecretValue;
use crate::sources::{DefinedName, RemoteFacts};
use base64::Engine;
use reqwest::header::HeaderValue;
use reqwest::Url;
use std::time::Instant;
use zeroize::Zeroizing;

/// The REST API version every request asks for.
const API_VERSION: &str = "7.1";
/// Pages read from one list at most: a guard against a server that hands out continuation
/// tokens forever.
const MAX_PAGES: usize = 1000;

/// How credgate authenticates to Azure DevOps: the job's own token inside a pipeline, or a
/// personal access token anywhere else.
#[derive(Clone, Debug)]
pub enum AdoAuth {
    /// `SYSTEM_ACCESSTOKEN` (the job's `$(System.AccessToken)`), sent as a Bearer token.
    Bearer(SecretValue),
    /// A PAT from `AZURE_DEVOPS_TOKEN`, sent as Basic with an empty user name.
    Pat(SecretValue),
}

impl AdoAuth {
    /// The `Authorization` header, marked sensitive so that no `Debug` of a request shows it;
    /// `None` when the token holds characters a header cannot carry.
    fn header(&self) -> Option<HeaderValue> {
        let text = Zeroizing::new(match self {
            AdoAuth::Bearer(token) => format!("Bearer {}", token.expose().trim()),
            AdoAuth::Pat(pat) => {
                let pair = Zeroizing::new(format!(":{}", pat.expose().trim()));
                let encoded =
                    Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*pair));
                format!("Basic {}", &*encoded)
            }
        });
        let mut value = HeaderValue::from_str(&text).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    fn kind(&self) -> TokenKind {
        match self {
            AdoAuth::Bearer(_) => TokenKind::JobToken,
            AdoAuth::Pat(_) => TokenKind::Pat,
        }
    }
}

/// Where and as whom to read: the organization (collection), the project and the credential.
#[derive(Clone, Debug)]
pub struct AdoConfig {
    /// `SYSTEM_COLLECTIONURI` or `--ado-org`, e.g. `https://dev.azure.com/contoso/`, as given.
    pub collection_uri: String,
    /// `SYSTEM_TEAMPROJECT` or `--ado-project`, as Azure DevOps names it (spaces allowed).
    pub project: String,
    /// The credential.
    pub auth: AdoAuth,
}

/// The Azure DevOps source's settings when it can run: a collection URL and a project (flags
/// first, then the variables every Azure Pipelines job has) and a token. In a pipeline the
/// job's own `SYSTEM_ACCESSTOKEN` wins over a PAT in `AZURE_DEVOPS_TOKEN`, since it is scoped to
/// the run. `None` when any part is missing or empty: the source is then simply off.
pub fn config_from_env(
    env: &dyn Fn(&str) -> Option<String>,
    org_flag: Option<&str>,
    project_flag: Option<&str>,
) -> Option<AdoConfig> {
    let var = |name: &str| {
        env(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let flag = |f: Option<&str>| {
        f.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let collection_uri = flag(org_flag).or_else(|| var("SYSTEM_COLLECTIONURI"))?;
    let project = flag(project_flag).or_else(|| var("SYSTEM_TEAMPROJECT"))?;
    let auth = match var("SYSTEM_ACCESSTOKEN") {
        Some(token) => AdoAuth::Bearer(SecretValue::new(token)),
        None => AdoAuth::Pat(SecretValue::new(var("AZURE_DEVOPS_TOKEN")?)),
    };
    Some(AdoConfig {
        collection_uri,
        project,
        auth,
    })
}

/// Reads the project's variable groups and the variables of the pipeline definitions whose
/// YAML file is one of `pipeline_paths` (relative, `/`-separated), within `deadline`.
/// `complete` is true only when every list was read to its last page.
pub async fn collect(
    client: &reqwest::Client,
    config: &AdoConfig,
    pipeline_paths: &[String],
    deadline: Instant,
) -> RemoteFacts {
    let mut out = RemoteFacts {
        complete: true,
        ..RemoteFacts::default()
    };
    let api = match Api::new(client, config, deadline) {
        Ok(api) => api,
        Err(problem) => {
            out.problems.push(*problem);
            out.complete = false;
            return out;
        }
    };
    let rejected = read_groups(&api, &mut out).await;
    if !rejected && !pipeline_paths.is_empty() {
        read_definitions(&api, pipeline_paths, &mut out).await;
    }
    out
}

/// The variable groups: each group's name, and its variables. Returns whether the token was
/// rejected (then nothing else is worth asking).
async fn read_groups(api: &Api<'_>, out: &mut RemoteFacts) -> bool {
    let (groups, failure) = api.list(&["distributedtask", "variablegroups"], &[]).await;
    for group in &groups {
        let Some(name) = group.get("name").and_then(serde_json::Value::as_str) else {
            continue;
        };
        let place = format!("azure-devops:variablegroups/{name}");
        out.defined.push(DefinedName {
            environment: None,
            kind: ReferenceKind::VariableGroup,
            name: name.to_string(),
            source: place.clone(),
        });
        Owner { name, place }.read(group.get("variables"), &mut out.facts, &mut out.defined);
    }
    api.record(failure, List::VariableGroups, "variablegroups", out)
}

/// The variables of the definitions built from one of the repository's pipeline files.
async fn read_definitions(api: &Api<'_>, pipeline_paths: &[String], out: &mut RemoteFacts) {
    let wanted: Vec<String> = pipeline_paths.iter().map(|p| normalise_path(p)).collect();
    let (definitions, failure) = api
        .list(
            &["build", "definitions"],
            &[("includeAllProperties", "true")],
        )
        .await;
    if api.record(failure, List::Definitions, "definitions", out) {
        return;
    }
    for definition in &definitions {
        let yaml = definition
            .pointer("/process/yamlFilename")
            .and_then(serde_json::Value::as_str)
            .map(normalise_path);
        if !yaml.is_some_and(|y| wanted.iter().any(|w| w.eq_ignore_ascii_case(&y))) {
            continue;
        }
        let Some(id) = definition.get("id").and_then(serde_json::Value::as_u64) else {
            continue;
        };
        let id = id.to_string();
        let name = definition
            .get("name")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| id.clone(), str::to_string);
        let path = format!("definitions/{name}");
        match api.get(&["build", "definitions", &id], &[]).await {
            Ok(page) => {
                let owner = Owner {
                    name: &name,
                    place: format!("azure-devops:{path}/variables"),
                };
                owner.read(page.body.get("variables"), &mut out.facts, &mut out.defined);
            }
            Err(failure) => {
                if api.record(Some(failure), List::Definitions, &path, out) {
                    return;
                }
            }
        }
    }
}

/// A repository path as Azure DevOps and the walker may write it, reduced to one form:
/// `/`-separated, without a leading `/`, `\` or `./`.
fn normalise_path(path: &str) -> String {
    let forward = path.trim().replace('\\', "/");
    let mut rest = forward.as_str();
    loop {
        let next = rest.trim_start_matches('/');
        let next = next.strip_prefix("./").unwrap_or(next);
        if next == rest {
            return rest.to_string();
        }
        rest = next;
    }
}

/// The project's API root and everything a request needs.
struct Api<'a> {
    client: &'a reqwest::Client,
    /// `{collection}/{project}/_apis`, the project encoded as one path segment.
    root: Url,
    auth: HeaderValue,
    token: TokenKind,
    deadline: Instant,
}

impl<'a> Api<'a> {
    /// Checks the settings before any token leaves: a URL that is an address, HTTPS (or plain
    /// HTTP to this machine only, for tests), a token a header can carry.
    fn new(
        client: &'a reqwest::Client,
        config: &AdoConfig,
        deadline: Instant,
    ) -> Result<Self, Box<crate::model::Finding>> {
        const FIX_URL: &str =
            "Set SYSTEM_COLLECTIONURI or --ado-org to the organization's URL, e.g. https://dev.azure.com/contoso/.";
        let unusable = |why: &str, fix: &str| Box::new(problems::unusable(why, fix));
        let mut root = Url::parse(config.collection_uri.trim())
            .map_err(|_| unusable("The Azure DevOps collection URL is not a URL", FIX_URL))?;
        if !is_trusted_transport(&root) {
            return Err(unusable(
                "The Azure DevOps collection URL is not HTTPS",
                "Use the https:// URL of the organization; the token is never sent in clear text.",
            ));
        }
        // Credentials written into the URL are not ours to send; the header carries the token.
        let _ = root.set_username("");
        let _ = root.set_password(None);
        root.set_query(None);
        root.set_fragment(None);
        root.path_segments_mut()
            .map_err(|_| unusable("The Azure DevOps collection URL is not a URL", FIX_URL))?
            .pop_if_empty()
            .push(&config.project)
            .push("_apis");
        let auth = config.auth.header().ok_or_else(|| {
            unusable(
                "The Azure DevOps token holds characters an HTTP header cannot carry",
                "Check that AZURE_DEVOPS_TOKEN or SYSTEM_ACCESSTOKEN holds only the token.",
            )
        })?;
        Ok(Self {
            client,
            root,
            auth,
            token: config.auth.kind(),
            deadline,
        })
    }

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.root.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("api-version", API_VERSION);
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    async fn get(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<http::Page, Failure> {
        get_json(
            self.client,
            &self.url(segments, query),
            &self.auth,
            self.deadline,
        )
        .await
    }

    /// Every item of a `{count, value}` list, following `x-ms-continuationtoken` to the last
    /// page. Items read before a failure are kept: they are real, only the list is incomplete.
    async fn list(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> (Vec<serde_json::Value>, Option<Failure>) {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut q: Vec<(&str, &str)> = query.to_vec();
            if let Some(t) = &token {
                q.push(("continuationToken", t));
            }
            let page = match self.get(segments, &q).await {
                Ok(page) => page,
                Err(failure) => return (items, Some(failure)),
            };
            let Some(value) = page.body.get("value").and_then(serde_json::Value::as_array) else {
                let why = "Azure DevOps answered with something that is not a list".to_string();
                return (items, Some(Failure::Unexpected(why)));
            };
            items.extend(value.iter().cloned());
            match page.continuation {
                None => return (items, None),
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    let why = "Azure DevOps handed out the same continuation token twice".into();
                    return (items, Some(Failure::Unexpected(why)));
                }
                Some(next) => token = Some(next),
            }
        }
        let why = format!("the list has more than {MAX_PAGES} pages");
        (items, Some(Failure::Unexpected(why)))
    }

    /// Records a failure as a finding and marks the facts incomplete. Returns whether the token
    /// was rejected.
    fn record(
        &self,
        failure: Option<Failure>,
        list: List,
        path: &str,
        out: &mut RemoteFacts,
    ) -> bool {
        let Some(failure) = failure else {
            return false;
        };
        out.complete = false;
        out.problems
            .push(problems::finding(list, path, self.token, &failure));
        matches!(failure, Failure::Rejected { .. })
    }
}

/// HTTPS anywhere; plain HTTP only to this machine (the tests' stand-in).
fn is_trusted_transport(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url.host_str().is_some_and(|host| {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            host.eq_ignore_ascii_case("localhost")
                || bare
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env::env_of;

    const PIPELINE: &[(&str, &str)] = &[
        ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/"),
        ("SYSTEM_TEAMPROJECT", "Web Shop"),
        ("SYSTEM_ACCESSTOKEN", "job-token-value"),
    ];

    #[test]
    fn a_pipeline_job_uses_its_own_token() {
        let c = config_from_env(&env_of(PIPELINE), None, None).unwrap();
        assert_eq!(c.collection_uri, "https://dev.azure.com/contoso/");
        assert_eq!(c.project, "Web Shop");
        assert!(matches!(&c.auth, AdoAuth::Bearer(t) if t.expose() == "job-token-value"));
        assert!(!format!("{c:?}").contains("job-token-value"));
    }

    #[test]
    fn a_pat_is_used_outside_pipelines_and_flags_win() {
        let env = env_of(&[
            ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/other/"),
            ("AZURE_DEVOPS_TOKEN", " pat-value "),
        ]);
        let c = config_from_env(&env, Some("https://dev.azure.com/contoso"), Some("Shop")).unwrap();
        assert_eq!(c.collection_uri, "https://dev.azure.com/contoso");
        assert_eq!(c.project, "Shop");
        assert!(matches!(&c.auth, AdoAuth::Pat(t) if t.expose() == "pat-value"));
    }

    #[test]
    fn anything_missing_turns_the_source_off() {
        assert!(config_from_env(&env_of(&PIPELINE[..2]), None, None).is_none());
        assert!(config_from_env(&env_of(&PIPELINE[1..]), None, None).is_none());
        assert!(config_from_env(&env_of(&[PIPELINE[0], PIPELINE[2]]), None, None).is_none());
        let empty_token = env_of(&[PIPELINE[0], PIPELINE[1], ("SYSTEM_ACCESSTOKEN", "  ")]);
        assert!(config_from_env(&empty_token, None, None).is_none());
        assert!(config_from_env(&env_of(&[]), Some(""), Some("p")).is_none());
    }

    #[test]
    fn headers_are_bearer_or_basic_with_an_empty_user() {
        let bearer = AdoAuth::Bearer(SecretValue::new("abc")).header().unwrap();
        assert_eq!(bearer.to_str().unwrap(), "Bearer abc");
        assert!(bearer.is_sensitive());
        let basic = AdoAuth::Pat(SecretValue::new("pat")).header().unwrap();
        assert_eq!(basic.to_str().unwrap(), "Basic OnBhdA==");
        assert!(AdoAuth::Bearer(SecretValue::new("a\nb")).header().is_none());
    }

    #[test]
    fn urls_keep_the_collection_and_encode_the_project() {
        let client = reqwest::Client::new();
        for base in [
            "https://dev.azure.com/contoso/",
            "https://dev.azure.com/contoso",
        ] {
            let config = AdoConfig {
                collection_uri: base.into(),
                project: "Web Shop/x".into(),
                auth: AdoAuth::Pat(SecretValue::new("p")),
            };
            let api = Api::new(&client, &config, Instant::now()).ok().unwrap();
            assert_eq!(
                api.url(&["build", "definitions", "7"], &[]).as_str(),
                "https://dev.azure.com/contoso/Web%20Shop%2Fx/_apis/build/definitions/7?api-version=7.1"
            );
        }
    }

    #[test]
    fn tokens_go_only_over_https_or_to_this_machine() {
        let ok = |u: &str| is_trusted_transport(&Url::parse(u).unwrap());
        assert!(ok("https://dev.azure.com/contoso/"));
        assert!(ok("http://127.0.0.1:8080/contoso/"));
        assert!(ok("http://localhost/c/"));
        assert!(ok("http://[::1]:9/c/"));
        assert!(!ok("http://dev.azure.com/contoso/"));
        assert!(!ok("ftp://dev.azure.com/contoso/"));
    }

    #[test]
    fn pipeline_paths_are_compared_in_one_form() {
        assert_eq!(
            normalise_path("/azure-pipelines.yml"),
            "azure-pipelines.yml"
        );
        assert_eq!(
            normalise_path("\\ci\\azure-pipelines.yml"),
            "ci/azure-pipelines.yml"
        );
        assert_eq!(normalise_path("./ci/a.yml"), "ci/a.yml");
    }
}
