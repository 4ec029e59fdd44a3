use super::*;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ACCESS_TOKEN: &str = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJncmFwaCJ9.c2lnbmF0dXJlLWJ5dGVz";
const APP_OK: &str = "11111111-1111-1111-1111-111111111111";
const APP_FORBIDDEN: &str = "22222222-2222-2222-2222-222222222222";
const APP_MISSING: &str = "33333333-3333-3333-3333-333333333333";
const APP_SLOW: &str = "44444444-4444-4444-4444-444444444444";
const APP_BROKEN: &str = "55555555-5555-5555-5555-555555555555";
const APP_REDIRECT: &str = "66666666-6666-6666-6666-666666666666";
const APP_THROTTLED_ONCE: &str = "77777777-7777-7777-7777-777777777777";

/// The body Graph returns for `applications(appId=…)` with `$select`, trimmed to its real shape.
fn application_body(app_id: &str) -> String {
    serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications(appId,passwordCredentials,web,spa,publicClient)/$entity",
        "appId": app_id,
        "passwordCredentials": [
            {
                "customKeyIdentifier": null,
                "displayName": "ci-deploy",
                "endDateTime": "2026-03-01T10:00:00Z",
                "hint": "abc",
                "keyId": "9f2c7b1e-0c3d-4d5e-8f9a-b0c1d2e3f4a5",
                "secretText": null,
                "startDateTime": "2025-03-01T10:00:00Z"
            },
            {
                "customKeyIdentifier": null,
                "displayName": null,
                "endDateTime": "2027-01-01T00:00:00.1234567Z",
                "hint": "Xy_",
                "keyId": "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                "secretText": null,
                "startDateTime": "2025-01-01T00:00:00Z"
            }
        ],
        "web": {
            "homePageUrl": null,
            "logoutUrl": null,
            "redirectUris": ["https://app.contoso.com/signin-oidc"],
            "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false},
            "redirectUriSettings": [{"uri": "https://app.contoso.com/signin-oidc", "index": null}]
        },
        "spa": {"redirectUris": ["https://spa.contoso.com/"]},
        "publicClient": {"redirectUris": []}
    })
    .to_string()
}

const FORBIDDEN_BODY: &str = r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-01-01T00:00:00","request-id":"b1c2","client-request-id":"b1c2"}}}"#;
const NOT_FOUND_BODY: &str = r#"{"error":{"code":"Request_ResourceNotFound","message":"Resource '33333333-3333-3333-3333-333333333333' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2026-01-01T00:00:00","request-id":"c1","client-request-id":"c1"}}}"#;

/// Stand-in for Graph on 127.0.0.1: checks the bearer token, records each request's path and
/// query, and answers per app id like the real service.
async fn graph_stand_in() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let log = log.clone();
        async move {
            let earlier = {
                let mut log = log.lock().unwrap();
                let earlier = log.iter().filter(|u| **u == uri.to_string()).count();
                log.push(uri.to_string());
                earlier
            };
            let bearer = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if bearer != format!("Bearer {ACCESS_TOKEN}") {
                return (StatusCode::UNAUTHORIZED, HeaderMap::new(), String::new());
            }
            let path = uri.path();
            let id = |app: &str| path == format!("/v1.0/applications(appId='{app}')");
            if id(APP_OK) {
                (StatusCode::OK, HeaderMap::new(), application_body(APP_OK))
            } else if id(APP_FORBIDDEN) {
                (
                    StatusCode::FORBIDDEN,
                    HeaderMap::new(),
                    FORBIDDEN_BODY.into(),
                )
            } else if id(APP_SLOW) {
                tokio::time::sleep(Duration::from_secs(5)).await;
                (StatusCode::OK, HeaderMap::new(), application_body(APP_SLOW))
            } else if id(APP_BROKEN) {
                let body = r#"{"error":{"code":"Service_Unavailable","message":"x"}}"#;
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    HeaderMap::new(),
                    body.into(),
                )
            } else if id(APP_THROTTLED_ONCE) && earlier == 0 {
                let mut h = HeaderMap::new();
                h.insert("retry-after", "0".parse().unwrap());
                let body = r#"{"error":{"code":"TooManyRequests","message":"x"}}"#;
                (StatusCode::TOO_MANY_REQUESTS, h, body.into())
            } else if id(APP_THROTTLED_ONCE) {
                (
                    StatusCode::OK,
                    HeaderMap::new(),
                    application_body(APP_THROTTLED_ONCE),
                )
            } else if id(APP_REDIRECT) {
                let mut h = HeaderMap::new();
                h.insert("location", "http://127.0.0.1:9/elsewhere".parse().unwrap());
                (StatusCode::FOUND, h, String::new())
            } else {
                (
                    StatusCode::NOT_FOUND,
                    HeaderMap::new(),
                    NOT_FOUND_BODY.into(),
                )
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/"), seen)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn look_up(base: &str, app_id: &str, within: Duration) -> GraphOutcome {
    let token = SecretValue::new(ACCESS_TOKEN);
    let client = client();
    application(GraphRequest {
        client: &client,
        graph_base: base,
        access_token: &token,
        app_id,
        deadline: Instant::now() + within,
    })
    .await
}

#[tokio::test]
async fn reads_the_registration_in_graphs_shape() {
    let (base, seen) = graph_stand_in().await;
    let outcome = look_up(&base, APP_OK, Duration::from_secs(5)).await;
    let GraphOutcome::App(app) = outcome else {
        panic!("expected the app, got {outcome:?}");
    };
    assert_eq!(app.password_credentials.len(), 2);
    let first = &app.password_credentials[0];
    assert_eq!(first.hint.as_deref(), Some("abc"));
    assert_eq!(first.end_date_time.as_deref(), Some("2026-03-01T10:00:00Z"));
    assert_eq!(first.display_name.as_deref(), Some("ci-deploy"));
    assert_eq!(
        first.key_id.as_deref(),
        Some("9f2c7b1e-0c3d-4d5e-8f9a-b0c1d2e3f4a5")
    );
    assert_eq!(app.password_credentials[1].display_name, None);
    assert_eq!(
        app.web_redirect_uris,
        vec!["https://app.contoso.com/signin-oidc"]
    );
    assert_eq!(app.spa_redirect_uris, vec!["https://spa.contoso.com/"]);
    assert!(app.public_client_redirect_uris.is_empty());
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].contains("$select=appId,passwordCredentials,web,spa,publicClient"),
        "{}",
        requests[0]
    );
}

#[tokio::test]
async fn forbidden_not_found_and_server_errors() {
    let (base, _) = graph_stand_in().await;
    let within = Duration::from_secs(5);
    assert_eq!(
        look_up(&base, APP_FORBIDDEN, within).await,
        GraphOutcome::Forbidden
    );
    assert_eq!(
        look_up(&base, APP_MISSING, within).await,
        GraphOutcome::NotFound
    );
    let GraphOutcome::Failed(why) = look_up(&base, APP_BROKEN, within).await else {
        panic!("a 503 is a failure");
    };
    assert!(
        why.contains("503") && why.contains("Service_Unavailable"),
        "{why}"
    );
    let GraphOutcome::Failed(why) = look_up(&base, APP_REDIRECT, within).await else {
        panic!("a redirect is a failure");
    };
    assert!(why.contains("redirect"), "{why}");
}

#[tokio::test]
async fn throttling_is_retried_and_a_lasting_fault_is_tried_three_times() {
    let (base, seen) = graph_stand_in().await;
    let outcome = look_up(&base, APP_THROTTLED_ONCE, Duration::from_secs(5)).await;
    assert!(matches!(outcome, GraphOutcome::App(_)), "{outcome:?}");
    let outcome = look_up(&base, APP_BROKEN, Duration::from_secs(5)).await;
    assert!(matches!(outcome, GraphOutcome::Failed(_)), "{outcome:?}");
    let requests = seen.lock().unwrap().clone();
    let to = |app: &str| requests.iter().filter(|u| u.contains(app)).count();
    assert_eq!(to(APP_THROTTLED_ONCE), 2, "one retry after the 429");
    assert_eq!(to(APP_BROKEN), 3, "a 503 that stays is tried three times");
    // Not-found and forbidden are answers, not faults: asked once.
    let (base, seen) = graph_stand_in().await;
    look_up(&base, APP_MISSING, Duration::from_secs(5)).await;
    look_up(&base, APP_FORBIDDEN, Duration::from_secs(5)).await;
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_slow_answer_ends_at_the_deadline() {
    let (base, _) = graph_stand_in().await;
    let started = Instant::now();
    let outcome = look_up(&base, APP_SLOW, Duration::from_millis(300)).await;
    assert!(matches!(outcome, GraphOutcome::Failed(ref why) if why.contains("deadline")));
    assert!(started.elapsed() < Duration::from_secs(2));
    // A deadline already past sends nothing.
    let outcome = look_up(&base, APP_OK, Duration::ZERO).await;
    assert!(matches!(outcome, GraphOutcome::Failed(_)), "{outcome:?}");
}

#[tokio::test]
async fn a_non_guid_client_id_is_never_sent() {
    let (base, seen) = graph_stand_in().await;
    for bad in [
        "not-a-guid",
        "11111111-1111-1111-1111-111111111111')/owners?x=('",
        "",
    ] {
        let outcome = look_up(&base, bad, Duration::from_secs(5)).await;
        assert!(matches!(outcome, GraphOutcome::Failed(_)), "{bad}");
    }
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_closed_port_is_a_failure_without_the_token() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let outcome = look_up(&format!("http://{addr}"), APP_OK, Duration::from_secs(5)).await;
    let GraphOutcome::Failed(why) = &outcome else {
        panic!("expected a failure, got {outcome:?}");
    };
    for shown in [why.clone(), format!("{outcome:?}")] {
        assert!(!shown.contains(ACCESS_TOKEN), "{shown}");
        assert!(!shown.contains("c2lnbmF0dXJl"), "{shown}");
    }
}

fn cred(hint: &str, end: &str) -> PasswordCredential {
    PasswordCredential {
        hint: Some(hint.into()),
        end_date_time: Some(end.into()),
        display_name: None,
        key_id: None,
    }
}

/// 2026-01-01T00:00:00Z.
const NOW: u64 = 1_767_225_600;

#[test]
fn expiring_boundaries() {
    // Exactly 30 days away: inside a 30-day window.
    let creds = [cred("abc", "2026-01-31T00:00:00Z")];
    assert_eq!(
        expiring(&creds, "abc8Q~rest", NOW, 30).map(|(_, d)| d),
        Some(30)
    );
    // One second later: outside.
    let creds = [cred("abc", "2026-01-31T00:00:01Z")];
    assert_eq!(expiring(&creds, "abc8Q~rest", NOW, 30), None);
    // Half a day left counts as 0 whole days; one second past the end is -1.
    let creds = [cred("abc", "2026-01-01T12:00:00Z")];
    assert_eq!(expiring(&creds, "abc", NOW, 30).map(|(_, d)| d), Some(0));
    let creds = [cred("abc", "2025-12-31T23:59:59Z")];
    assert_eq!(expiring(&creds, "abc", NOW, 30).map(|(_, d)| d), Some(-1));
    // Offsets and fractional seconds are honoured.
    let creds = [cred("abc", "2026-01-11T02:00:00.1234567+02:00")];
    assert_eq!(expiring(&creds, "abc", NOW, 30).map(|(_, d)| d), Some(10));
    // A zero-day window still reports an expired secret.
    let creds = [cred("abc", "2025-06-01T00:00:00Z")];
    assert!(expiring(&creds, "abc", NOW, 0).is_some_and(|(_, d)| d < -200));
}

#[test]
fn expiring_matches_only_by_hint() {
    let creds = [
        cred("xyz", "2026-01-02T00:00:00Z"),
        cred("abc", "2027-01-01T00:00:00Z"),
    ];
    assert_eq!(expiring(&creds, "abc-secret", NOW, 30), None);
    let (hit, days) = expiring(&creds, "xyz-secret", NOW, 30).unwrap();
    assert_eq!(hit.hint.as_deref(), Some("xyz"));
    assert_eq!(days, 1);
    // Hints are case-sensitive, and too-short secrets match nothing.
    assert_eq!(expiring(&creds, "XYZ-secret", NOW, 30), None);
    assert_eq!(expiring(&creds, "xy", NOW, 30), None);
}

#[test]
fn expiring_with_a_shared_hint_takes_the_latest_end() {
    let creds = [
        cred("abc", "2026-01-05T00:00:00Z"),
        cred("abc", "2026-06-01T00:00:00Z"),
    ];
    assert_eq!(expiring(&creds, "abc", NOW, 30), None);
    let creds = [
        cred("abc", "2026-01-05T00:00:00Z"),
        cred("abc", "2026-01-20T00:00:00Z"),
    ];
    assert_eq!(expiring(&creds, "abc", NOW, 30).map(|(_, d)| d), Some(19));
}

#[test]
fn expiring_skips_missing_or_unparseable_dates() {
    let mut no_date = cred("abc", "");
    no_date.end_date_time = None;
    let creds = [no_date, cred("abc", "next tuesday")];
    assert_eq!(expiring(&creds, "abc", NOW, 30), None);
}
