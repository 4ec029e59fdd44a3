//! The Azure DevOps source against a stand-in of the REST API on 127.0.0.1 answering with the
//! real shapes: `{count, value}` lists paged by `x-ms-continuationtoken`, secret variables with
//! `value: null`, 401, the 203 sign-in page of a bad PAT, 403, 404 and 429 with `Retry-After`.

use crate::dryrun_support::{closed_port, serve, Reply, Seen};
use base64::Engine;
use credgate::model::{FactValue, Field, ReferenceKind, Severity};
use credgate::secret::SecretValue;
use credgate::sources::azure_devops::{collect, AdoAuth, AdoConfig};
use credgate::sources::RemoteFacts;
use serde_json::json;
use std::time::{Duration, Instant};

const PAT: &str = "x7k2pq9ztokenthatmustneverbeprinted4mw8ra1bc5nd0fgh3";
const JOB_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.job-token-never-printed.sig";
const GROUPS: &str = "/contoso/Web%20Shop/_apis/distributedtask/variablegroups";
const DEFINITIONS: &str = "/contoso/Web%20Shop/_apis/build/definitions";

fn config(url: &str, auth: AdoAuth) -> AdoConfig {
    AdoConfig {
        collection_uri: format!("{url}/contoso/"),
        project: "Web Shop".into(),
        auth,
    }
}

fn pat() -> AdoAuth {
    AdoAuth::Pat(SecretValue::new(PAT))
}

fn job_token() -> AdoAuth {
    AdoAuth::Bearer(SecretValue::new(JOB_TOKEN))
}

fn run(config: &AdoConfig, paths: &[&str], budget: Duration) -> RemoteFacts {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(collect(&client, config, &paths, Instant::now() + budget))
}

fn page(items: serde_json::Value, next: Option<&str>) -> Reply {
    let count = items.as_array().map_or(0, Vec::len);
    let reply = Reply::json(200, json!({"count": count, "value": items}));
    match next {
        Some(token) => reply.header("x-ms-continuationtoken", token),
        None => reply,
    }
}

fn group(id: u32, name: &str, variables: serde_json::Value) -> serde_json::Value {
    json!({"id": id, "name": name, "type": "Vsts", "description": "", "isShared": false, "variables": variables})
}

/// The query parameter `name` of a request, decoded.
fn query(seen: &Seen, name: &str) -> Option<String> {
    let (_, q) = seen.path.split_once('?')?;
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

fn path_of(seen: &Seen) -> &str {
    seen.path.split('?').next().unwrap_or("")
}

/// Three pages of variable groups: production, staging and a shared group.
fn groups_handler(seen: &Seen) -> Reply {
    match query(seen, "continuationToken").as_deref() {
        None => page(
            json!([group(
                1,
                "prod-secrets",
                json!({
                    "AZURE_CLIENT_ID": {"value": "11111111-1111-4111-8111-111111111111", "isSecret": false},
                    "AZURE_CLIENT_SECRET": {"value": null, "isSecret": true},
                    "FEATURE_FLAG": {"value": "on"}
                })
            )]),
            Some("page-2"),
        ),
        Some("page-2") => page(
            json!([group(
                2,
                "staging-secrets",
                json!({
                    "AZURE_TENANT_ID": {"value": "contoso.onmicrosoft.com"},
                    "AZURE_CLIENT_SECRET": {"value": null, "isSecret": true}
                })
            )]),
            Some("page-3"),
        ),
        Some("page-3") => page(json!([group(3, "shared", json!({}))]), None),
        Some(_) => Reply::json(400, json!({"message": "bad continuation token"})),
    }
}

#[test]
fn variable_groups_are_read_over_every_page() {
    let server = serve(|seen, _| {
        if path_of(seen) == GROUPS {
            groups_handler(seen)
        } else {
            Reply::json(404, json!({"message": "not here"}))
        }
    });
    let facts = run(&config(&server.url(), pat()), &[], Duration::from_secs(10));

    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert!(facts.complete);
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "three pages, no definitions asked for");
    assert!(seen.iter().all(|s| path_of(s) == GROUPS));
    assert!(seen
        .iter()
        .all(|s| query(s, "api-version").as_deref() == Some("7.1")));
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(":{PAT}"))
    );
    assert!(seen
        .iter()
        .all(|s| s.authorization.as_deref() == Some(basic.as_str())));

    let groups: Vec<&str> = facts
        .defined
        .iter()
        .filter(|d| d.kind == ReferenceKind::VariableGroup)
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(groups, ["prod-secrets", "staging-secrets", "shared"]);
    let secrets = facts
        .defined
        .iter()
        .filter(|d| d.kind == ReferenceKind::Secret)
        .count();
    assert_eq!(secrets, 2);
    assert!(facts
        .defined
        .iter()
        .any(|d| d.name == "FEATURE_FLAG" && d.kind == ReferenceKind::Variable));

    let client_id = facts
        .facts
        .iter()
        .find(|f| f.field == Field::ClientId)
        .unwrap();
    assert_eq!(client_id.environment.as_deref(), Some("production"));
    assert_eq!(
        client_id.value,
        FactValue::Plain("11111111-1111-4111-8111-111111111111".into())
    );
    assert_eq!(client_id.source, "azure-devops-api");
    assert_eq!(
        client_id.location.source.as_deref(),
        Some("azure-devops:variablegroups/prod-secrets/AZURE_CLIENT_ID")
    );
    assert_eq!(client_id.location.file, None);
    let staging_secret = facts
        .facts
        .iter()
        .find(|f| f.field == Field::ClientSecret && f.environment.as_deref() == Some("staging"))
        .unwrap();
    assert_eq!(
        staging_secret.value,
        FactValue::Reference {
            kind: "ado-secret-variable".into(),
            name: "staging-secrets/AZURE_CLIENT_SECRET".into()
        }
    );
    assert_eq!(facts.facts.len(), 4, "FEATURE_FLAG is no credential");
}

/// Definitions over two pages: two built from the repository's files, one from another file.
fn definitions_handler(seen: &Seen) -> Reply {
    let path = path_of(seen);
    if path == DEFINITIONS {
        assert_eq!(query(seen, "includeAllProperties").as_deref(), Some("true"));
        return match query(seen, "continuationToken").as_deref() {
            None => page(
                json!([
                    {"id": 7, "name": "web-ci", "process": {"type": 2, "yamlFilename": "/azure-pipelines.yml"}},
                    {"id": 8, "name": "other-repo", "process": {"type": 2, "yamlFilename": "/tools/azure-pipelines.yml"}},
                    {"id": 9, "name": "classic", "process": {"type": 1}}
                ]),
                Some("defs-2"),
            ),
            _ => page(
                json!([{"id": 12, "name": "web deploy prod", "process": {"type": 2, "yamlFilename": "\\deploy\\azure-pipelines-prod.yml"}}]),
                None,
            ),
        };
    }
    match path.strip_prefix(&format!("{DEFINITIONS}/")) {
        Some("7") => Reply::json(
            200,
            json!({"id": 7, "name": "web-ci", "variables": {
                "ARM_TENANT_ID": {"value": "22222222-2222-4222-8222-222222222222", "allowOverride": true},
                "NODE_VERSION": {"value": "20"}
            }}),
        ),
        Some("12") => Reply::json(
            200,
            json!({"id": 12, "name": "web deploy prod", "variables": {
                "AZURE_CLIENT_SECRET": {"value": null, "isSecret": true}
            }}),
        ),
        _ => Reply::json(404, json!({"message": "unexpected definition"})),
    }
}

#[test]
fn definitions_are_kept_by_yaml_path_and_read_one_by_one() {
    let server = serve(|seen, _| {
        if path_of(seen) == GROUPS {
            page(json!([]), None)
        } else {
            definitions_handler(seen)
        }
    });
    let facts = run(
        &config(&server.url(), job_token()),
        &["azure-pipelines.yml", "deploy/azure-pipelines-prod.yml"],
        Duration::from_secs(10),
    );
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert!(facts.complete);
    let seen = server.seen();
    let bearer = format!("Bearer {JOB_TOKEN}");
    assert!(seen
        .iter()
        .all(|s| s.authorization.as_deref() == Some(bearer.as_str())));
    let fetched: Vec<&str> = seen
        .iter()
        .filter_map(|s| path_of(s).strip_prefix(&format!("{DEFINITIONS}/")))
        .collect();
    assert_eq!(fetched, ["7", "12"]);

    let tenant = facts
        .facts
        .iter()
        .find(|f| f.field == Field::TenantId)
        .unwrap();
    assert_eq!(
        tenant.location.source.as_deref(),
        Some("azure-devops:definitions/web-ci/variables/ARM_TENANT_ID")
    );
    assert_eq!(tenant.environment, None);
    let secret = facts
        .facts
        .iter()
        .find(|f| f.field == Field::ClientSecret)
        .unwrap();
    assert_eq!(secret.environment.as_deref(), Some("production"));
    assert_eq!(
        secret.value,
        FactValue::Reference {
            kind: "ado-secret-variable".into(),
            name: "web deploy prod/AZURE_CLIENT_SECRET".into()
        }
    );
    assert!(facts.defined.iter().any(|d| d.name == "NODE_VERSION"));
}

fn only_problem(facts: &RemoteFacts) -> &credgate::model::Finding {
    assert_eq!(facts.problems.len(), 1, "{:?}", facts.problems);
    let problem = &facts.problems[0];
    assert_eq!(problem.rule_id, "remote-source");
    assert!(credgate::rules::find("remote-source").is_some());
    problem
}

#[test]
fn a_rejected_pat_is_an_error_and_stops_the_source() {
    let server = serve(|_, _| {
        Reply::json(401, json!({"message": "unauthorized"})).header(
            "www-authenticate",
            "Bearer authorization_uri=https://login.microsoftonline.com/x",
        )
    });
    let facts = run(
        &config(&server.url(), pat()),
        &["azure-pipelines.yml"],
        Duration::from_secs(10),
    );
    let problem = only_problem(&facts);
    assert_eq!(problem.severity, Severity::Error);
    assert!(problem.message.contains("the token was rejected"));
    assert_eq!(
        problem.location.source.as_deref(),
        Some("azure-devops:variablegroups")
    );
    assert!(!facts.complete);
    assert_eq!(
        server.hits(),
        1,
        "nothing more is asked with a rejected token"
    );
}

#[test]
fn the_sign_in_page_of_a_bad_pat_is_a_rejection() {
    let server = serve(|_, _| {
        Reply {
        status: 203,
        body: "<!DOCTYPE html>\r\n<html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>".into(),
        headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
        delay: Duration::ZERO,
    }
    });
    let facts = run(&config(&server.url(), pat()), &[], Duration::from_secs(10));
    let problem = only_problem(&facts);
    assert_eq!(problem.severity, Severity::Error);
    assert!(problem.message.contains("203"));
    assert!(problem.message.contains("the token was rejected"));
    assert!(!facts.complete);
}

#[test]
fn a_missing_permission_is_a_note_naming_it_and_the_rest_is_read() {
    let server = serve(|seen, _| {
        if path_of(seen) == GROUPS {
            Reply::json(
                403,
                json!({"message": "Access denied. Needs View permissions on the library."}),
            )
        } else {
            definitions_handler(seen)
        }
    });
    let facts = run(
        &config(&server.url(), pat()),
        &["azure-pipelines.yml"],
        Duration::from_secs(10),
    );
    let problem = only_problem(&facts);
    assert_eq!(problem.severity, Severity::Note);
    assert!(problem
        .fix
        .as_deref()
        .unwrap()
        .contains("Variable Groups (Read)"));
    assert!(!facts.complete);
    assert!(facts.facts.iter().any(|f| f.field == Field::TenantId));
}

#[test]
fn a_hidden_definitions_list_names_build_read_and_the_job_token_mapping() {
    let server = serve(|seen, _| {
        if path_of(seen) == GROUPS {
            page(json!([group(1, "shared", json!({}))]), None)
        } else {
            Reply::json(404, json!({"message": "project not found"}))
        }
    });
    let facts = run(
        &config(&server.url(), job_token()),
        &["azure-pipelines.yml"],
        Duration::from_secs(10),
    );
    let problem = only_problem(&facts);
    assert_eq!(problem.severity, Severity::Note);
    assert_eq!(
        problem.location.source.as_deref(),
        Some("azure-devops:definitions")
    );
    let fix = problem.fix.as_deref().unwrap();
    assert!(fix.contains("Build (Read)"));
    assert!(fix.contains("env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)"));
    assert_eq!(facts.defined.len(), 1, "the groups were still read");
    assert!(!facts.complete);
}

#[test]
fn throttling_is_waited_out_within_the_deadline() {
    let server = serve(|seen, n| {
        if n == 1 {
            Reply::json(429, json!({"message": "slow down"})).header("retry-after", "1")
        } else {
            groups_handler(seen)
        }
    });
    let started = Instant::now();
    let facts = run(&config(&server.url(), pat()), &[], Duration::from_secs(10));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert!(facts.complete);
    assert_eq!(server.hits(), 4);
}

#[test]
fn throttling_past_the_deadline_is_a_warning() {
    let server = serve(|_, _| {
        Reply::json(503, json!({"message": "unavailable"})).header("retry-after", "120")
    });
    let started = Instant::now();
    let facts = run(&config(&server.url(), pat()), &[], Duration::from_secs(3));
    assert!(started.elapsed() < Duration::from_secs(3));
    let problem = only_problem(&facts);
    assert_eq!(problem.severity, Severity::Warning);
    assert!(problem.message.contains("503"));
    assert!(!facts.complete);
}

#[test]
fn an_unreachable_server_is_a_warning() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let facts = run(&config(&url, pat()), &[], Duration::from_secs(3));
    let problem = only_problem(&facts);
    assert_eq!(problem.severity, Severity::Warning);
    assert!(problem.message.contains("could not be reached"));
    assert!(!facts.complete);
}

#[test]
fn plain_http_to_a_remote_host_sends_nothing() {
    let c = config("http://dev.azure.com", pat());
    let facts = run(&c, &[], Duration::from_secs(3));
    let problem = only_problem(&facts);
    assert!(problem.message.contains("not HTTPS"));
    assert!(!facts.complete);
}

#[test]
fn the_token_is_never_printed() {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!(":{PAT}"));
    for status in [200, 203, 401, 403, 404, 429, 500] {
        let server = serve(move |seen, _| match status {
            200 if path_of(seen) == GROUPS => groups_handler(seen),
            200 => definitions_handler(seen),
            203 => Reply {
                status,
                body: "<html>Sign In</html>".into(),
                headers: vec![],
                delay: Duration::ZERO,
            },
            _ => Reply::json(status, json!({"message": "no"})),
        });
        for auth in [pat(), job_token()] {
            let config = config(&server.url(), auth);
            let facts = run(&config, &["azure-pipelines.yml"], Duration::from_secs(2));
            let mut printed = format!("{facts:?} {config:?}");
            for problem in &facts.problems {
                printed.push_str(&serde_json::to_string(problem).unwrap());
                printed.push_str(&problem.location.to_string());
            }
            for needle in [PAT, JOB_TOKEN, encoded.as_str(), "job-token-never-printed"] {
                assert!(
                    !printed.contains(needle),
                    "status {status} printed the token"
                );
            }
        }
    }
}
