//! The GitHub source against a stand-in GitHub API on 127.0.0.1 that answers with the real
//! response shapes (`{total_count, environments|variables|secrets}`, `Link` headers, paging caps).

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use credgate::model::{FactValue, Field, ReferenceKind, Severity};
use credgate::secret::SecretValue;
use credgate::sources::github::{collect, GithubConfig};
use credgate::sources::RemoteFacts;
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "ghp_S3cretT0kenThatMustNeverBePrinted0001";
const CLIENT_SECRET: &str = "abc8Q~ThisIsAClientSecretValueInAVariable12";
const PROD_CLIENT_ID: &str = "6c1e4f0a-1b2c-4d3e-8f90-a1b2c3d4e5f6";

/// One request as the stand-in saw it: the raw path and query, and the headers that matter.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    query: BTreeMap<String, String>,
    authorization: Option<String>,
    accept: Option<String>,
    api_version: Option<String>,
    user_agent: Option<String>,
}

/// A canned answer that overrides the fake's data for one request.
struct Override {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Value,
}

type Rule = dyn Fn(&Seen, usize) -> Option<Override> + Send + Sync;

/// What the fake GitHub holds.
#[derive(Default, Clone)]
struct Data {
    environments: Vec<String>,
    env_variables: BTreeMap<String, Vec<(String, String)>>,
    env_secrets: BTreeMap<String, Vec<String>>,
    repo_variables: Vec<(String, String)>,
    repo_secrets: Vec<String>,
    org_variables: Vec<(String, String)>,
    org_secrets: Vec<String>,
    /// Whether `Link` headers are sent (GitHub always sends them; off to test `total_count`).
    no_links: bool,
}

struct Fake {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    _server: tokio::task::JoinHandle<()>,
}

impl Fake {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn config(&self) -> GithubConfig {
        GithubConfig {
            api_url: self.base.clone(),
            repository: "octo/app".to_string(),
            token: SecretValue::new(TOKEN),
        }
    }
}

async fn start(
    data: Data,
    rule: impl Fn(&Seen, usize) -> Option<Override> + Send + Sync + 'static,
) -> Fake {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let rule: Arc<Rule> = Arc::new(rule);
    let data = Arc::new(data);
    let (s, b) = (seen.clone(), base.clone());
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let (seen, rule, data, base) = (s.clone(), rule.clone(), data.clone(), b.clone());
        async move {
            let header = |n: &str| {
                headers
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .map(String::from)
            };
            let request = Seen {
                path: uri.path().to_string(),
                query: uri
                    .query()
                    .unwrap_or("")
                    .split('&')
                    .filter_map(|p| p.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                authorization: header("authorization"),
                accept: header("accept"),
                api_version: header("x-github-api-version"),
                user_agent: header("user-agent"),
            };
            let n = {
                let mut seen = seen.lock().unwrap();
                seen.push(request.clone());
                seen.len()
            };
            match rule(&request, n) {
                Some(o) => reply(o.status, &o.headers, o.body),
                None => answer(&data, &base, &request),
            }
        }
    });
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Fake {
        base,
        seen,
        _server: server,
    }
}

fn reply(status: u16, headers: &[(&'static str, String)], body: Value) -> Response {
    let mut response = (StatusCode::from_u16(status).unwrap(), body.to_string()).into_response();
    response.headers_mut().insert(
        "content-type",
        "application/json; charset=utf-8".parse().unwrap(),
    );
    for (k, v) in headers {
        response.headers_mut().append(*k, v.parse().unwrap());
    }
    response
}

/// GitHub's behaviour: routes, page size caps (30 for variables, 100 otherwise), `Link`.
fn answer(data: &Data, base: &str, request: &Seen) -> Response {
    let segments: Vec<String> = request
        .path
        .trim_start_matches('/')
        .split('/')
        .map(|s| percent_decode_str(s).decode_utf8().unwrap().into_owned())
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let vars = |list: &[(String, String)]| -> Vec<Value> {
        list.iter()
            .map(|(n, v)| json!({"name": n, "value": v, "created_at": "2024-01-10T10:00:00Z", "updated_at": "2024-01-10T10:00:00Z"}))
            .collect()
    };
    let secrets = |list: &[String]| -> Vec<Value> {
        list.iter()
            .map(|n| json!({"name": n, "created_at": "2024-01-10T10:00:00Z", "updated_at": "2024-01-10T10:00:00Z"}))
            .collect()
    };
    let (key, items, cap): (&str, Vec<Value>, usize) = match segments.as_slice() {
        ["repos", "octo", "app", "environments"] => (
            "environments",
            data.environments
                .iter()
                .enumerate()
                .map(|(i, n)| json!({"id": i, "node_id": "EN_x", "name": n, "url": "", "html_url": "", "created_at": "2024-01-10T10:00:00Z", "updated_at": "2024-01-10T10:00:00Z", "protection_rules": []}))
                .collect(),
            100,
        ),
        ["repos", "octo", "app", "environments", env, "variables"] => (
            "variables",
            vars(data.env_variables.get(*env).map(Vec::as_slice).unwrap_or(&[])),
            30,
        ),
        ["repos", "octo", "app", "environments", env, "secrets"] => (
            "secrets",
            secrets(data.env_secrets.get(*env).map(Vec::as_slice).unwrap_or(&[])),
            100,
        ),
        ["repos", "octo", "app", "actions", "variables"] => ("variables", vars(&data.repo_variables), 30),
        ["repos", "octo", "app", "actions", "secrets"] => ("secrets", secrets(&data.repo_secrets), 100),
        ["repos", "octo", "app", "actions", "organization-variables"] => {
            ("variables", vars(&data.org_variables), 30)
        }
        ["repos", "octo", "app", "actions", "organization-secrets"] => {
            ("secrets", secrets(&data.org_secrets), 100)
        }
        _ => {
            return reply(
                404,
                &[],
                json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}),
            )
        }
    };
    let per_page: usize = request
        .query
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(30)
        .min(cap);
    let page: usize = request
        .query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let mut headers = Vec::new();
    if !data.no_links && page < last {
        let link = |p: usize| format!("<{base}{}?per_page={per_page}&page={p}>", request.path);
        headers.push((
            "link",
            format!(
                "{}; rel=\"next\", {}; rel=\"last\"",
                link(page + 1),
                link(last)
            ),
        ));
    }
    reply(200, &headers, json!({"total_count": total, key: slice}))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn soon(seconds: u64) -> Instant {
    Instant::now() + Duration::from_secs(seconds)
}

/// Everything that could be printed from the results, to check that the token never is.
fn printable(facts: &RemoteFacts) -> String {
    let mut text = format!("{facts:?}");
    for p in &facts.problems {
        text.push_str(&p.message);
        text.push_str(p.fix.as_deref().unwrap_or(""));
        text.push_str(&serde_json::to_string(p).unwrap());
    }
    text
}

fn sample() -> Data {
    let mut prod_vars: Vec<(String, String)> = (1..=62)
        .map(|i| (format!("FEATURE_FLAG_{i:03}"), format!("value-{i}")))
        .collect();
    prod_vars.push(("AZURE_CLIENT_ID".into(), PROD_CLIENT_ID.into()));
    prod_vars.push(("AZURE_TENANT_ID".into(), "contoso.onmicrosoft.com".into()));
    prod_vars.push(("AZURE_CLIENT_SECRET".into(), CLIENT_SECRET.into()));
    let mut data = Data {
        environments: vec!["production".into(), "staging".into(), "prod/eu west".into()],
        repo_variables: vec![(
            "ARM_TENANT_ID".into(),
            "11111111-2222-3333-4444-555555555555".into(),
        )],
        repo_secrets: vec!["DEPLOY_KEY".into()],
        org_variables: vec![("ORG_REGION".into(), "westeurope".into())],
        org_secrets: vec!["AZURE_CLIENT_SECRET".into()],
        ..Data::default()
    };
    data.env_variables.insert("production".into(), prod_vars);
    data.env_secrets.insert(
        "production".into(),
        vec!["AZURE_CLIENT_SECRET".into(), "SLACK_WEBHOOK".into()],
    );
    data.env_variables.insert(
        "prod/eu west".into(),
        vec![(
            "AZURE_CLIENT_ID".into(),
            "7d2f5a1b-2c3d-4e5f-9a0b-b1c2d3e4f5a6".into(),
        )],
    );
    data.env_secrets
        .insert("staging".into(), vec!["STAGING_AZURE_CLIENT_SECRET".into()]);
    data
}

fn denied(status: u16) -> Override {
    Override {
        status,
        headers: vec![],
        body: json!({"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest"}),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_level_and_every_page() {
    let fake = start(sample(), |_, _| None).await;
    let facts = collect(&client(), &fake.config(), soon(30)).await;
    let seen = fake.seen();

    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert!(facts.complete);
    assert_eq!(
        facts.environments,
        ["production", "staging", "prod/eu west"]
    );

    // 65 production variables: three pages of 30, each requested.
    let prod_var_pages: Vec<&str> = seen
        .iter()
        .filter(|s| s.path == "/repos/octo/app/environments/production/variables")
        .map(|s| s.query["page"].as_str())
        .collect();
    assert_eq!(prod_var_pages, ["1", "2", "3"]);
    assert!(seen
        .iter()
        .filter(|s| s.path.ends_with("/variables"))
        .all(|s| s.query["per_page"] == "30"));
    assert!(seen
        .iter()
        .filter(|s| s.path.ends_with("/secrets") || s.path.ends_with("/environments"))
        .all(|s| s.query["per_page"] == "100"));

    // The environment name is one encoded path segment.
    assert!(seen
        .iter()
        .any(|s| s.path == "/repos/octo/app/environments/prod%2Feu%20west/variables"));
    assert!(seen
        .iter()
        .any(|s| s.path == "/repos/octo/app/environments/prod%2Feu%20west/secrets"));
    for path in [
        "/repos/octo/app/actions/variables",
        "/repos/octo/app/actions/secrets",
        "/repos/octo/app/actions/organization-variables",
        "/repos/octo/app/actions/organization-secrets",
    ] {
        assert!(seen.iter().any(|s| s.path == path), "{path} not requested");
    }

    // Headers of the current REST API.
    for s in &seen {
        assert_eq!(
            s.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(s.accept.as_deref(), Some("application/vnd.github+json"));
        assert_eq!(s.api_version.as_deref(), Some("2022-11-28"));
        assert_eq!(s.user_agent.as_deref(), Some("credgate"));
    }

    // Names: 65 + 1 variables and 2 + 1 secrets in environments, 1 + 1 repo, 1 + 1 org.
    assert_eq!(facts.defined.len(), 65 + 2 + 1 + 1 + 2 + 2);
    let flag = facts
        .defined
        .iter()
        .find(|d| d.name == "FEATURE_FLAG_061")
        .unwrap();
    assert_eq!(flag.environment.as_deref(), Some("production"));
    assert_eq!(flag.kind, ReferenceKind::Variable);
    assert_eq!(
        flag.source,
        "github:environment/production/variables/FEATURE_FLAG_061"
    );
    let staging_secret = facts
        .defined
        .iter()
        .find(|d| d.name == "STAGING_AZURE_CLIENT_SECRET")
        .unwrap();
    assert_eq!(staging_secret.kind, ReferenceKind::Secret);
    assert_eq!(staging_secret.environment.as_deref(), Some("staging"));
    let org_secret = facts
        .defined
        .iter()
        .find(|d| d.source == "github:organization/secrets/AZURE_CLIENT_SECRET")
        .unwrap();
    assert_eq!(
        (org_secret.kind, org_secret.environment.clone()),
        (ReferenceKind::Secret, None)
    );
    assert!(facts
        .defined
        .iter()
        .any(|d| d.source == "github:repository/secrets/DEPLOY_KEY" && d.environment.is_none()));

    // Facts: values of credential variables, presence of credential secrets.
    let fact = |source: &str| {
        facts
            .facts
            .iter()
            .find(|f| f.location.source.as_deref() == Some(source))
            .unwrap_or_else(|| panic!("no fact at {source}"))
    };
    let client_id = fact("github:environment/production/variables/AZURE_CLIENT_ID");
    assert_eq!(client_id.field, Field::ClientId);
    assert_eq!(client_id.value, FactValue::Plain(PROD_CLIENT_ID.into()));
    assert_eq!(client_id.environment.as_deref(), Some("production"));
    assert_eq!(client_id.source, "github-api");
    assert_eq!(client_id.location.file, None);
    let eu = fact("github:environment/prod/eu west/variables/AZURE_CLIENT_ID");
    assert_eq!(eu.environment.as_deref(), Some("prod/eu west"));
    let secret_var = fact("github:environment/production/variables/AZURE_CLIENT_SECRET");
    assert_eq!(
        secret_var.value,
        FactValue::Secret(SecretValue::new(CLIENT_SECRET))
    );
    let presence = fact("github:environment/production/secrets/AZURE_CLIENT_SECRET");
    assert_eq!(presence.field, Field::ClientSecret);
    assert_eq!(
        presence.value,
        FactValue::Reference {
            kind: "github-secret".into(),
            name: "AZURE_CLIENT_SECRET".into()
        }
    );
    let repo_tenant = fact("github:repository/variables/ARM_TENANT_ID");
    assert_eq!(
        (repo_tenant.field, repo_tenant.environment.clone()),
        (Field::TenantId, None)
    );
    assert!(fact("github:organization/secrets/AZURE_CLIENT_SECRET")
        .environment
        .is_none());
    // Names that are no credential give no fact.
    assert!(!facts.facts.iter().any(|f| f
        .location
        .source
        .as_deref()
        .unwrap_or("")
        .contains("FEATURE_FLAG")
        || f.location
            .source
            .as_deref()
            .unwrap_or("")
            .contains("SLACK_WEBHOOK")));

    let text = printable(&facts);
    assert!(!text.contains(TOKEN));
    assert!(
        !text.contains("ThisIsAClientSecret"),
        "a secret variable value was printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_by_total_count_without_link_headers() {
    let data = Data {
        no_links: true,
        ..sample()
    };
    let fake = start(data, |_, _| None).await;
    let facts = collect(&client(), &fake.config(), soon(30)).await;
    assert!(facts.complete, "{:?}", facts.problems);
    let pages = fake
        .seen()
        .iter()
        .filter(|s| s.path == "/repos/octo/app/environments/production/variables")
        .count();
    assert_eq!(pages, 3);
    assert_eq!(
        facts
            .defined
            .iter()
            .filter(|d| d.environment.as_deref() == Some("production"))
            .count(),
        67
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_one_error_and_stops_reading() {
    let fake = start(sample(), |_, _| {
        Some(Override {
            status: 401,
            headers: vec![],
            body: json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}),
        })
    })
    .await;
    let facts = collect(&client(), &fake.config(), soon(30)).await;
    assert_eq!(fake.seen().len(), 1, "no request after a 401");
    assert!(!facts.complete);
    assert_eq!(facts.problems.len(), 1);
    let p = &facts.problems[0];
    assert_eq!(p.rule_id, "remote-source");
    assert_eq!(p.severity, Severity::Error);
    assert!(p.message.contains("token was rejected"), "{}", p.message);
    assert_eq!(p.location.source.as_deref(), Some("github:environments"));
    assert!(!printable(&facts).contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_secrets_are_a_note_naming_the_permission() {
    let fake = start(sample(), |s, _| {
        s.path.ends_with("secrets").then(|| denied(403))
    })
    .await;
    let facts = collect(&client(), &fake.config(), soon(30)).await;
    assert!(!facts.complete);
    // Variables were still read everywhere.
    assert!(facts.facts.iter().any(|f| f.location.source.as_deref()
        == Some("github:environment/production/variables/AZURE_CLIENT_ID")));
    assert!(facts
        .defined
        .iter()
        .all(|d| d.kind == ReferenceKind::Variable));
    // One note for the five secrets lists (three environments, repository, organization).
    assert_eq!(facts.problems.len(), 1, "{:?}", facts.problems);
    let p = &facts.problems[0];
    assert_eq!(
        (p.rule_id.as_str(), p.severity),
        ("remote-source", Severity::Note)
    );
    assert!(p.message.contains("403"));
    assert!(p.message.contains("4 other lists"), "{}", p.message);
    assert!(p.message.contains("Secrets permission"));
    assert!(p.message.contains("`repo`"));
    let fix = p.fix.as_deref().unwrap();
    assert!(fix.contains("GITHUB_TOKEN of GitHub Actions cannot list secrets or variables"));
    assert!(fix.contains("Environments, Secrets and Variables"));
    assert_eq!(
        p.location.source.as_deref(),
        Some("github:environment/production/secrets")
    );
    assert!(!printable(&facts).contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_environments_are_a_note_and_the_repository_level_is_still_read() {
    let fake = start(sample(), |s, _| {
        s.path.ends_with("/environments").then(|| denied(404))
    })
    .await;
    let facts = collect(&client(), &fake.config(), soon(30)).await;
    assert!(!facts.complete);
    assert!(facts.environments.is_empty());
    assert_eq!(facts.problems.len(), 1);
    let p = &facts.problems[0];
    assert_eq!(p.severity, Severity::Note);
    assert!(p.message.contains("404") && p.message.contains("Environments permission"));
    assert_eq!(p.location.source.as_deref(), Some("github:environments"));
    assert!(
        facts
            .facts
            .iter()
            .any(|f| f.location.source.as_deref()
                == Some("github:repository/variables/ARM_TENANT_ID"))
    );
    assert_eq!(facts.defined.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_with_retry_after_is_waited_out() {
    let fake = start(sample(), |s, n| {
        (n == 1 && s.path.ends_with("/environments")).then(|| Override {
            status: 429,
            headers: vec![("retry-after", "1".to_string())],
            body: json!({"message": "You have exceeded a secondary rate limit."}),
        })
    })
    .await;
    let started = Instant::now();
    let facts = collect(&client(), &fake.config(), soon(30)).await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert!(facts.complete);
    let env_requests = fake
        .seen()
        .iter()
        .filter(|s| s.path == "/repos/octo/app/environments")
        .count();
    assert_eq!(env_requests, 2);
    assert_eq!(facts.environments.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_beyond_the_deadline_is_a_warning() {
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let fake = start(sample(), move |_, _| {
        Some(Override {
            status: 403,
            headers: vec![
                ("x-ratelimit-limit", "5000".to_string()),
                ("x-ratelimit-remaining", "0".to_string()),
                ("x-ratelimit-reset", reset.to_string()),
            ],
            body: json!({"message": "API rate limit exceeded"}),
        })
    })
    .await;
    let started = Instant::now();
    let facts = collect(&client(), &fake.config(), soon(5)).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "must not sleep past the deadline"
    );
    assert_eq!(fake.seen().len(), 1);
    assert!(!facts.complete);
    assert_eq!(facts.problems.len(), 1);
    let p = &facts.problems[0];
    assert_eq!(p.severity, Severity::Warning);
    assert!(p.message.contains("rate limit"), "{}", p.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_api_is_a_warning() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = GithubConfig {
        api_url: format!("http://127.0.0.1:{port}"),
        repository: "octo/app".into(),
        token: SecretValue::new(TOKEN),
    };
    let facts = collect(&client(), &config, soon(10)).await;
    assert!(!facts.complete);
    assert_eq!(facts.problems.len(), 1);
    assert_eq!(facts.problems[0].severity, Severity::Warning);
    assert!(!printable(&facts).contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_deadline_sends_nothing() {
    let fake = start(sample(), |_, _| None).await;
    let facts = collect(&client(), &fake.config(), Instant::now()).await;
    assert!(fake.seen().is_empty());
    assert!(!facts.complete);
    assert_eq!(facts.problems.len(), 1);
    assert_eq!(facts.problems[0].severity, Severity::Warning);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_to_another_host_is_not_followed() {
    let data = sample();
    let fake = start(data.clone(), |s, _| {
        (s.path == "/repos/octo/app/environments/production/variables"
            && s.query.get("page").map(String::as_str) == Some("1"))
        .then(|| {
            let items: Vec<Value> = (0..30)
                .map(|i| json!({"name": format!("V{i}"), "value": "x"}))
                .collect();
            Override {
                status: 200,
                headers: vec![(
                    "link",
                    "<https://attacker.example/steal?page=2>; rel=\"next\"".to_string(),
                )],
                body: json!({"total_count": 65, "variables": items}),
            }
        })
    })
    .await;
    let facts = collect(&client(), &fake.config(), soon(30)).await;
    assert!(facts.complete, "{:?}", facts.problems);
    let pages: Vec<String> = fake
        .seen()
        .iter()
        .filter(|s| s.path == "/repos/octo/app/environments/production/variables")
        .map(|s| s.query["page"].clone())
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
}

#[test]
fn the_config_never_shows_the_token() {
    let config = GithubConfig {
        api_url: "https://api.github.com".into(),
        repository: "octo/app".into(),
        token: SecretValue::new(TOKEN),
    };
    assert!(!format!("{config:?}").contains(TOKEN));
    assert!(!format!("{config:#?}").contains(TOKEN));
}
