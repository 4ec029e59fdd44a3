//! GitHub's environments, variables and secrets, read over the REST API so that the values a
//! deploy really uses (which never appear in the repository) go through the same rules as files.
//!
//! **Why plain `reqwest` and not octocrab.** octocrab's typed helpers for environment secrets and
//! variables use the old `/repositories/{id}` routes, do not URL-encode environment names (so an
//! environment called `prod/eu west` reads the wrong list) and fetch a single page. What is left
//! is its generic `get`, which is one authenticated GET with four headers: `reqwest` (already a
//! dependency, with the caller's redirect policy) does that, and paging by `total_count` and the
//! `Link` header is ours either way. A second HTTP stack for one GET is not worth its weight.
//!
//! Nothing here fails the scan: a rejected token, a missing permission, a rate limit or a network
//! error becomes a `remote-source` finding and the rest of the run goes on. The token is only ever
//! sent in a sensitive `Authorization` header; it is never formatted into a message.

use super::{DefinedName, RemoteFacts};
use crate::extract::{fact_value, keys::field_for_key};
use crate::model::{Fact, FactValue, Finding, Location, ReferenceKind, Severity};
use crate::secret::SecretValue;
use reqwest::header::{HeaderMap, ACCEPT, LINK, RETRY_AFTER, USER_AGENT};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The public API, used when `GITHUB_API_URL` is not set (GitHub Enterprise Server sets it).
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The rule every problem of this source is reported under.
const RULE: &str = "remote-source";

/// `Fact::source` of every fact read here, so reports can tell API values from file values.
const SOURCE: &str = "github-api";

/// The REST API version whose response shapes this module reads.
const API_VERSION: &str = "2022-11-28";

/// A runaway `Link` chain must not loop until the deadline; 1000 pages is 30 000+ items.
const MAX_PAGES: u32 = 1000;

/// Rate limits are waited out a few times at most, so that a server that keeps answering 429
/// cannot hold the scan until the deadline one second at a time.
const MAX_RATE_LIMIT_WAITS: u32 = 5;

/// Without `retry-after` or a reset time, GitHub asks clients to wait at least a minute.
const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// Where and how to reach one repository's GitHub API, so that `collect` needs nothing from the
/// process environment and tests can point it at a stand-in server.
pub struct GithubConfig {
    /// `GITHUB_API_URL` or [`DEFAULT_API_URL`], without a trailing `/`.
    pub api_url: String,
    /// `OWNER/NAME`.
    pub repository: String,
    /// The token sent as `Authorization: Bearer`; never printed.
    pub token: SecretValue,
}

impl fmt::Debug for GithubConfig {
    /// Shows where requests go but never the token, so a config can be logged safely.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GithubConfig")
            .field("api_url", &self.api_url)
            .field("repository", &self.repository)
            .field("token", &"[REDACTED]")
            .finish()
    }
}

/// Turns the variables every GitHub Actions job has (`GITHUB_REPOSITORY`, `GITHUB_TOKEN`,
/// `GITHUB_API_URL`) or the `--github-repo` flag into a config, so that the source is on in CI
/// without any flag. The token comes from `GITHUB_TOKEN`, or from the variable named by
/// `token_env` (`--github-token-env`). `None` when there is no valid `OWNER/NAME` or no token:
/// every list this source reads needs an authenticated request.
pub fn config_from_env(
    env: &dyn Fn(&str) -> Option<String>,
    repo_flag: Option<&str>,
    token_env: Option<&str>,
) -> Option<GithubConfig> {
    let non_empty = |name: &str| {
        env(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let repository = match repo_flag {
        Some(flag) => flag.trim().to_string(),
        None => non_empty("GITHUB_REPOSITORY")?,
    };
    if !is_owner_and_name(&repository) {
        return None;
    }
    let token = non_empty(token_env.unwrap_or("GITHUB_TOKEN"))?;
    let api_url = non_empty("GITHUB_API_URL")
        .map(|u| u.trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_API_URL.to_string());
    Some(GithubConfig {
        api_url,
        repository,
        token: SecretValue::new(token),
    })
}

/// `OWNER/NAME` with both parts non-empty and nothing else: anything looser would build
/// routes to some other API path.
fn is_owner_and_name(repository: &str) -> bool {
    match repository.split_once('/') {
        Some((owner, name)) => {
            !owner.is_empty()
                && !name.is_empty()
                && !name.contains('/')
                && !repository.contains(' ')
        }
        None => false,
    }
}

/// Reads the repository's environments, each environment's variables and secrets, and the
/// repository- and organization-level ones, so that the rules can compare them with the files.
/// Never fails as a whole: whatever could not be read becomes a finding in
/// [`RemoteFacts::problems`] and `complete` turns false. Every request shares `deadline`.
pub async fn collect(
    client: &reqwest::Client,
    config: &GithubConfig,
    deadline: Instant,
) -> RemoteFacts {
    let mut session = Session::new(client, config, deadline);
    let repo = repo_route(&config.repository);

    let environments = session
        .list(
            &repo,
            "environments",
            "environments",
            ListKind::Environments,
        )
        .await
        .unwrap_or_default();
    let names: Vec<String> = environments.into_iter().map(|e| e.name).collect();
    session.out.environments.extend(names.iter().cloned());

    for name in &names {
        let scope = Scope::Environment(name);
        let route = format!("{repo}/environments/{}", encode_segment(name));
        for kind in [ListKind::Variables, ListKind::Secrets] {
            session.read_scope(&route, &scope, kind).await;
        }
    }
    let levels = [
        (Scope::Repository, "actions/variables", ListKind::Variables),
        (Scope::Repository, "actions/secrets", ListKind::Secrets),
        (
            Scope::Organization,
            "actions/organization-variables",
            ListKind::Variables,
        ),
        (
            Scope::Organization,
            "actions/organization-secrets",
            ListKind::Secrets,
        ),
    ];
    for (scope, tail, kind) in levels {
        let place = format!("{}/{}", scope.prefix(), kind.key());
        if let Some(items) = session.list(&repo, tail, &place, kind).await {
            session.record(&scope, kind, items);
        }
    }
    session.finish()
}

/// `/repos/{owner}/{name}` with both parts encoded as path segments.
fn repo_route(repository: &str) -> String {
    let (owner, name) = repository.split_once('/').unwrap_or((repository, ""));
    format!("/repos/{}/{}", encode_segment(owner), encode_segment(name))
}

/// Percent-encodes one path segment (`prod/eu west` → `prod%2Feu%20west`), since GitHub
/// environment names may hold `/` and spaces.
pub fn encode_segment(segment: &str) -> String {
    crate::uri::encode(segment, crate::uri::SEGMENT)
}

/// Which list a request reads: its JSON key, page size and the permission it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ListKind {
    Environments,
    Variables,
    Secrets,
}

impl ListKind {
    /// The key of the array in the response, also the last part of the route.
    fn key(self) -> &'static str {
        match self {
            ListKind::Environments => "environments",
            ListKind::Variables => "variables",
            ListKind::Secrets => "secrets",
        }
    }

    /// The largest page GitHub serves for the list (variables stop at 30).
    fn per_page(self) -> u32 {
        match self {
            ListKind::Variables => 30,
            ListKind::Environments | ListKind::Secrets => 100,
        }
    }

    /// The fine-grained permission that reads the list.
    fn permission(self) -> &'static str {
        match self {
            ListKind::Environments => "Environments",
            ListKind::Variables => "Variables",
            ListKind::Secrets => "Secrets",
        }
    }
}

/// Where a definition applies: one environment, or every environment of the repository.
enum Scope<'a> {
    Environment(&'a str),
    Repository,
    Organization,
}

impl Scope<'_> {
    /// The first part of a source path (`environment/production`, `repository`).
    fn prefix(&self) -> String {
        match self {
            Scope::Environment(name) => format!("environment/{name}"),
            Scope::Repository => "repository".to_string(),
            Scope::Organization => "organization".to_string(),
        }
    }

    /// The environment facts and names belong to; `None` for levels every environment sees.
    fn environment(&self) -> Option<String> {
        match self {
            Scope::Environment(name) => Some((*name).to_string()),
            Scope::Repository | Scope::Organization => None,
        }
    }
}

/// One page of any list: `{total_count, environments|variables|secrets: [...]}`.
#[derive(Deserialize)]
struct Page {
    total_count: Option<u64>,
    #[serde(alias = "environments", alias = "variables", alias = "secrets")]
    items: Vec<Item>,
}

/// One environment, variable or secret. Deliberately not `Debug`: a variable's value may be a
/// credential.
#[derive(Deserialize)]
struct Item {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

/// Why a list could not be read.
enum Failure {
    /// 401: the token is not valid; nothing further can be read.
    Rejected,
    /// 403 or 404 without a rate limit: a permission or visibility problem for this list.
    Denied(u16),
    /// A rate limit that does not lift before the deadline (or after several waits).
    RateLimited(Duration),
    /// The deadline passed before or during the request.
    OutOfTime,
    /// The request could not be made or its answer not received.
    Network(&'static str),
    /// Any other status.
    Status(u16),
    /// The answer was not the documented JSON.
    BadBody,
    /// The `Link` chain did not end.
    TooManyPages,
}

impl Failure {
    /// Whether every later request would fail the same way, so reading stops.
    fn is_fatal(&self) -> bool {
        matches!(
            self,
            Failure::Rejected | Failure::RateLimited(_) | Failure::OutOfTime | Failure::Network(_)
        )
    }
}

/// The state of one `collect` run: what was read, what failed, and whether to go on.
struct Session<'a> {
    client: &'a reqwest::Client,
    config: &'a GithubConfig,
    deadline: Instant,
    out: RemoteFacts,
    /// 403/404 answers grouped by status and list kind, reported as one note per group so that
    /// the default Actions token does not produce a note per environment.
    denied: BTreeMap<(u16, ListKind), Vec<String>>,
    /// Set after a fatal failure: later lists are not requested.
    stopped: bool,
}

impl<'a> Session<'a> {
    fn new(client: &'a reqwest::Client, config: &'a GithubConfig, deadline: Instant) -> Self {
        Self {
            client,
            config,
            deadline,
            out: RemoteFacts {
                complete: true,
                ..RemoteFacts::default()
            },
            denied: BTreeMap::new(),
            stopped: false,
        }
    }

    /// Reads one environment's list and records it.
    async fn read_scope(&mut self, route: &str, scope: &Scope<'_>, kind: ListKind) {
        let place = format!("{}/{}", scope.prefix(), kind.key());
        if let Some(items) = self.list(route, kind.key(), &place, kind).await {
            self.record(scope, kind, items);
        }
    }

    /// Every item of `{route}/{tail}`, or `None` (with the problem recorded) when the list
    /// could not be read completely. `place` names the list in findings.
    async fn list(
        &mut self,
        route: &str,
        tail: &str,
        place: &str,
        kind: ListKind,
    ) -> Option<Vec<Item>> {
        if self.stopped {
            self.out.complete = false;
            return None;
        }
        match self.pages(&format!("{route}/{tail}"), kind).await {
            Ok(items) => Some(items),
            Err(failure) => {
                self.out.complete = false;
                self.stopped = failure.is_fatal();
                self.report(failure, place, kind);
                None
            }
        }
    }

    /// Pages through a list until `total_count` items were read, an empty page comes back or
    /// there is no next page. Follows `Link: rel="next"` when it stays on the API host.
    async fn pages(&self, route: &str, kind: ListKind) -> Result<Vec<Item>, Failure> {
        let per_page = kind.per_page();
        let page_url = |page: u32| {
            format!(
                "{}{route}?per_page={per_page}&page={page}",
                self.config.api_url
            )
        };
        let mut items = Vec::new();
        let mut page = 1;
        let mut url = page_url(page);
        loop {
            let (headers, body) = self.get(&url).await?;
            let parsed: Page = serde_json::from_slice(&body).map_err(|_| Failure::BadBody)?;
            let read = parsed.items.len();
            items.extend(parsed.items);
            let reached_total = parsed
                .total_count
                .is_some_and(|total| items.len() as u64 >= total);
            if read == 0 || reached_total {
                return Ok(items);
            }
            let next = next_link(&headers).filter(|u| self.on_api_host(u));
            if next.is_none() && parsed.total_count.is_none() {
                return Ok(items);
            }
            page += 1;
            if page > MAX_PAGES {
                return Err(Failure::TooManyPages);
            }
            url = next.unwrap_or_else(|| page_url(page));
        }
    }

    /// Whether a `Link` target may receive the token: only URLs under the configured API.
    fn on_api_host(&self, url: &str) -> bool {
        url.strip_prefix(self.config.api_url.as_str())
            .is_some_and(|rest| rest.starts_with('/'))
    }

    /// One authenticated GET, waiting out rate limits while the deadline allows.
    async fn get(&self, url: &str) -> Result<(HeaderMap, Vec<u8>), Failure> {
        let mut waits = 0;
        loop {
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Failure::OutOfTime);
            }
            let response = self
                .client
                .get(url)
                .header(ACCEPT, "application/vnd.github+json")
                .header("X-GitHub-Api-Version", API_VERSION)
                .header(USER_AGENT, "credgate")
                .bearer_auth(self.config.token.expose())
                .timeout(remaining)
                .send()
                .await
                .map_err(|e| network_failure(&e))?;
            let status = response.status().as_u16();
            if response.status().is_success() {
                let headers = response.headers().clone();
                let body = response.bytes().await.map_err(|e| network_failure(&e))?;
                return Ok((headers, body.to_vec()));
            }
            if status == 401 {
                return Err(Failure::Rejected);
            }
            if let Some(wait) = rate_limit_wait(status, response.headers(), SystemTime::now()) {
                waits += 1;
                let fits = Instant::now()
                    .checked_add(wait)
                    .is_some_and(|end| end < self.deadline);
                if waits > MAX_RATE_LIMIT_WAITS || !fits {
                    return Err(Failure::RateLimited(wait));
                }
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(match status {
                403 | 404 => Failure::Denied(status),
                other => Failure::Status(other),
            });
        }
    }

    /// Turns a failure into a finding (403/404 are grouped and reported in `finish`).
    fn report(&mut self, failure: Failure, place: &str, kind: ListKind) {
        let location = Location::source(format!("github:{place}"));
        let (severity, message, fix, identity) = match failure {
            Failure::Denied(status) => {
                self.denied
                    .entry((status, kind))
                    .or_default()
                    .push(place.to_string());
                return;
            }
            Failure::Rejected => (
                Severity::Error,
                format!(
                    "the GitHub token was rejected (401) when reading {place}; no further GitHub \
                     environments, variables or secrets were read"
                ),
                "Renew the token in GITHUB_TOKEN (or the variable named by --github-token-env), \
                 or pass --no-remote to scan without the GitHub API."
                    .to_string(),
                "401".to_string(),
            ),
            Failure::RateLimited(wait) => (
                Severity::Warning,
                format!(
                    "GitHub's rate limit did not lift within the time budget while reading \
                     {place} (it asked to wait about {}s); the lists not yet read were skipped",
                    wait.as_secs().max(1)
                ),
                "Run again once the limit resets, raise --timeout, or use a token with a higher \
                 limit (a GitHub App installation token)."
                    .to_string(),
                "rate-limit".to_string(),
            ),
            Failure::OutOfTime => (
                Severity::Warning,
                format!(
                    "the time budget ran out while reading {place} from GitHub; the lists not \
                     yet read were skipped"
                ),
                "Raise --timeout.".to_string(),
                "timeout".to_string(),
            ),
            Failure::Network(what) => (
                Severity::Warning,
                format!(
                    "could not read {place} from GitHub at {}: {what}; the lists not yet read \
                     were skipped",
                    self.config.api_url
                ),
                "Check the network and GITHUB_API_URL.".to_string(),
                "network".to_string(),
            ),
            Failure::Status(status) => (
                Severity::Warning,
                format!("GitHub answered {status} for {place}; that list was not read"),
                "Run again later; GitHub's status page says whether the API is degraded."
                    .to_string(),
                format!("status-{status}"),
            ),
            Failure::BadBody => (
                Severity::Warning,
                format!(
                    "GitHub's answer for {place} was not the expected JSON list; that list was \
                     not read"
                ),
                "Check that GITHUB_API_URL points at the REST API (…/api/v3 on GitHub \
                 Enterprise Server)."
                    .to_string(),
                "bad-body".to_string(),
            ),
            Failure::TooManyPages => (
                Severity::Warning,
                format!(
                    "GitHub kept returning further pages for {place} past {MAX_PAGES}; the list \
                     was not read completely"
                ),
                "Check that GITHUB_API_URL points at GitHub's REST API.".to_string(),
                "too-many-pages".to_string(),
            ),
        };
        self.out
            .problems
            .push(Finding::new(RULE, severity, location, message, &identity).with_fix(fix));
    }

    /// Adds the names, values and presence of one list to the results.
    fn record(&mut self, scope: &Scope<'_>, kind: ListKind, items: Vec<Item>) {
        let prefix = scope.prefix();
        for item in items {
            let source = format!("github:{prefix}/{}/{}", kind.key(), item.name);
            let field = field_for_key(&[], &item.name);
            let value = match kind {
                ListKind::Environments => continue,
                ListKind::Variables => field
                    .zip(item.value.as_deref())
                    .and_then(|(f, raw)| fact_value(f, raw).map(|v| (f, v))),
                ListKind::Secrets => field.map(|f| {
                    let reference = FactValue::Reference {
                        kind: "github-secret".to_string(),
                        name: item.name.clone(),
                    };
                    (f, reference)
                }),
            };
            if let Some((field, value)) = value {
                self.out.facts.push(Fact {
                    environment: scope.environment(),
                    field,
                    value,
                    location: Location::source(source.clone()),
                    source: SOURCE.to_string(),
                });
            }
            self.out.defined.push(DefinedName {
                environment: scope.environment(),
                kind: match kind {
                    ListKind::Secrets => ReferenceKind::Secret,
                    _ => ReferenceKind::Variable,
                },
                name: item.name,
                source,
            });
        }
    }

    /// The results, with one note per group of lists the token may not read.
    fn finish(mut self) -> RemoteFacts {
        for ((status, kind), places) in std::mem::take(&mut self.denied) {
            let Some(first) = places.first() else {
                continue;
            };
            let others = match places.len() - 1 {
                0 => String::new(),
                1 => " and 1 other list".to_string(),
                n => format!(" and {n} other lists"),
            };
            let why = if status == 404 {
                "it is not visible to the token (GitHub answers 404 when access is missing)"
            } else {
                "the token may not read it"
            };
            let message = format!(
                "GitHub answered {status} for {first}{others}: {why}. Reading {} needs the \
                 {} permission (read) on a fine-grained token, or the `repo` scope on a classic \
                 token; the rules ran without these lists",
                kind.key(),
                kind.permission()
            );
            let fix = "Give credgate a personal access token or GitHub App token with read \
                       access to Environments, Secrets and Variables (classic token: `repo`) in \
                       GITHUB_TOKEN or the variable named by --github-token-env; the default \
                       GITHUB_TOKEN of GitHub Actions cannot list secrets or variables.";
            let location = Location::source(format!("github:{first}"));
            let identity = format!("{status}:{}", kind.key());
            self.out.problems.push(
                Finding::new(RULE, Severity::Note, location, message, &identity).with_fix(fix),
            );
        }
        self.out
    }
}

/// A short description of a transport error that never includes headers (nor the token).
fn network_failure(error: &reqwest::Error) -> Failure {
    if error.is_timeout() {
        Failure::OutOfTime
    } else if error.is_connect() {
        Failure::Network("could not connect")
    } else if error.is_redirect() {
        Failure::Network("the server answered with a redirect, which is not followed")
    } else if error.is_body() || error.is_decode() {
        Failure::Network("the answer was cut off")
    } else {
        Failure::Network("the request failed")
    }
}

/// How long GitHub asks to wait when an answer is a rate limit (403 or 429 with
/// `retry-after`, or with `x-ratelimit-remaining: 0`); `None` when it is not one.
fn rate_limit_wait(status: u16, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if status != 403 && status != 429 {
        return None;
    }
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(retry) = header(RETRY_AFTER.as_str()) {
        if let Ok(seconds) = retry.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(when) = httpdate::parse_http_date(retry) {
            return Some(when.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = header("x-ratelimit-reset")
            .and_then(|r| r.parse::<u64>().ok())
            .map(|secs| UNIX_EPOCH + Duration::from_secs(secs));
        return Some(match reset {
            // One second more: the reset time is rounded down to the second.
            Some(at) => at.duration_since(now).unwrap_or(Duration::ZERO) + Duration::from_secs(1),
            None => DEFAULT_RATE_LIMIT_WAIT,
        });
    }
    (status == 429).then_some(DEFAULT_RATE_LIMIT_WAIT)
}

/// The `rel="next"` target of a `Link` header (`<url>; rel="next", <url>; rel="last"`).
fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|part| {
            let mut pieces = part.split(';');
            let target = pieces.next()?.trim();
            let is_next = pieces.any(|p| {
                p.trim()
                    .strip_prefix("rel=")
                    .map(|r| r.trim_matches('"'))
                    .is_some_and(|r| r.split_whitespace().any(|w| w == "next"))
            });
            let url = target.strip_prefix('<')?.strip_suffix('>')?;
            is_next.then(|| url.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env::env_of;
    use reqwest::header::HeaderValue;

    #[test]
    fn config_from_the_actions_variables() {
        let env = env_of(&[
            ("GITHUB_REPOSITORY", "octo/app"),
            ("GITHUB_TOKEN", "ghs_tokenvalue123"),
        ]);
        let config = config_from_env(&env, None, None).unwrap();
        assert_eq!(config.repository, "octo/app");
        assert_eq!(config.api_url, DEFAULT_API_URL);
        assert_eq!(config.token.expose(), "ghs_tokenvalue123");
    }

    #[test]
    fn config_takes_the_enterprise_url_without_trailing_slash() {
        let env = env_of(&[
            ("GITHUB_REPOSITORY", "octo/app"),
            ("GITHUB_TOKEN", "t"),
            ("GITHUB_API_URL", "https://ghe.example.com/api/v3/"),
        ]);
        let config = config_from_env(&env, None, None).unwrap();
        assert_eq!(config.api_url, "https://ghe.example.com/api/v3");
    }

    #[test]
    fn config_prefers_the_repo_flag_and_the_named_token_variable() {
        let env = env_of(&[
            ("GITHUB_REPOSITORY", "octo/app"),
            ("GITHUB_TOKEN", "default"),
            ("MY_PAT", "pat-value"),
        ]);
        let config = config_from_env(&env, Some("other/repo"), Some("MY_PAT")).unwrap();
        assert_eq!(config.repository, "other/repo");
        assert_eq!(config.token.expose(), "pat-value");
    }

    #[test]
    fn config_is_off_without_repository_or_token() {
        let no_repo = env_of(&[("GITHUB_TOKEN", "t")]);
        assert!(config_from_env(&no_repo, None, None).is_none());
        let no_token = env_of(&[("GITHUB_REPOSITORY", "octo/app")]);
        assert!(config_from_env(&no_token, None, None).is_none());
        assert!(config_from_env(&no_token, Some("octo/app"), None).is_none());
        let empty_token = env_of(&[("GITHUB_REPOSITORY", "octo/app"), ("GITHUB_TOKEN", " ")]);
        assert!(config_from_env(&empty_token, None, None).is_none());
        let named_missing = env_of(&[("GITHUB_REPOSITORY", "octo/app"), ("GITHUB_TOKEN", "t")]);
        assert!(config_from_env(&named_missing, None, Some("MY_PAT")).is_none());
    }

    #[test]
    fn config_rejects_malformed_repositories() {
        let env = env_of(&[("GITHUB_TOKEN", "t")]);
        for bad in ["octo", "octo/", "/app", "a/b/c", "a b/c"] {
            assert!(config_from_env(&env, Some(bad), None).is_none(), "{bad}");
        }
    }

    #[test]
    fn config_debug_hides_the_token() {
        let env = env_of(&[
            ("GITHUB_REPOSITORY", "octo/app"),
            ("GITHUB_TOKEN", "ghp_verysecrettoken"),
        ]);
        let config = config_from_env(&env, None, None).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("verysecret"));
        assert!(shown.contains("octo/app"));
    }

    #[test]
    fn segments_encode_slash_and_space() {
        assert_eq!(encode_segment("prod/eu west"), "prod%2Feu%20west");
        assert_eq!(encode_segment("pre-prod_1.x~"), "pre-prod_1.x~");
        assert_eq!(repo_route("octo/my.app"), "/repos/octo/my.app");
    }

    #[test]
    fn next_link_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<https://api.github.com/x?page=1>; rel=\"prev\", \
                 <https://api.github.com/x?page=3>; rel=\"next\", \
                 <https://api.github.com/x?page=9>; rel=\"last\"",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.github.com/x?page=3")
        );
        headers.insert(
            LINK,
            HeaderValue::from_static("<https://api.github.com/x?page=1>; rel=\"first\""),
        );
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn rate_limits_are_recognized() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit_wait(403, &h, now), None);
        assert_eq!(rate_limit_wait(429, &h, now), Some(DEFAULT_RATE_LIMIT_WAIT));
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(rate_limit_wait(403, &h, now), Some(Duration::from_secs(7)));
        assert_eq!(rate_limit_wait(500, &h, now), None);
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1030"));
        assert_eq!(rate_limit_wait(403, &h, now), Some(Duration::from_secs(31)));
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("12"));
        assert_eq!(rate_limit_wait(403, &h, now), None);
    }
}
