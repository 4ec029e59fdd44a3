use super::*;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;

const REQUEST_TOKEN: &str = "ghs_requesttoken0123456789abcdefghijkl";

/// A JWT-shaped token (unsigned; only the payload matters here).
fn jwt(claims: serde_json::Value) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode("signature-bytes")
    )
}

fn github_jwt() -> String {
    jwt(serde_json::json!({
        "iss": "https://token.actions.githubusercontent.com",
        "aud": GITHUB_AUDIENCE,
        "sub": "repo:octo-org/octo-repo:environment:production",
    }))
}

/// Stand-in for GitHub's OIDC endpoint: answers only with the right bearer token and audience,
/// like the real one (which 401s without the runner's token).
async fn oidc_stand_in(answer: (StatusCode, String)) -> String {
    let token = github_jwt();
    let app = Router::new().route(
        "/_apis/token",
        get(
            move |headers: HeaderMap, Query(query): Query<HashMap<String, String>>| {
                let token = token.clone();
                let answer = answer.clone();
                async move {
                    let bearer = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    if bearer != format!("Bearer {REQUEST_TOKEN}") {
                        return (StatusCode::UNAUTHORIZED, String::new());
                    }
                    if query.get("api-version").map(String::as_str) != Some("2.0")
                        || query.get("audience").map(String::as_str) != Some(GITHUB_AUDIENCE)
                    {
                        return (StatusCode::BAD_REQUEST, String::new());
                    }
                    if answer.0 == StatusCode::OK && answer.1.is_empty() {
                        return (
                            StatusCode::OK,
                            serde_json::json!({ "value": token }).to_string(),
                        );
                    }
                    answer
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    // The runner's URL already carries a query string; the audience is appended to it.
    format!("http://{addr}/_apis/token?api-version=2.0")
}

fn request_token() -> SecretValue {
    SecretValue::new(REQUEST_TOKEN)
}

#[tokio::test]
async fn github_oidc_token_sends_bearer_and_audience() {
    let url = oidc_stand_in((StatusCode::OK, String::new())).await;
    let client = reqwest::Client::new();
    let token = github_oidc_token(&client, &url, &request_token(), GITHUB_AUDIENCE)
        .await
        .unwrap();
    assert_eq!(token.expose(), github_jwt());
    assert_eq!(
        token_subject(&token).as_deref(),
        Some("repo:octo-org/octo-repo:environment:production")
    );
}

#[tokio::test]
async fn github_oidc_wrong_request_token_or_audience_is_a_status_error() {
    let url = oidc_stand_in((StatusCode::OK, String::new())).await;
    let client = reqwest::Client::new();
    let wrong = SecretValue::new("ghs_wrongwrongwrongwrongwrong");
    let err = github_oidc_token(&client, &url, &wrong, GITHUB_AUDIENCE)
        .await
        .unwrap_err();
    assert!(matches!(err, FederatedError::Status(401)), "{err}");
    for shown in [err.to_string(), format!("{err:?}"), format!("{wrong:?}")] {
        assert!(
            !shown.contains("ghs_wrong") && !shown.contains(REQUEST_TOKEN),
            "{shown}"
        );
    }
    let err = github_oidc_token(&client, &url, &request_token(), "api://other")
        .await
        .unwrap_err();
    assert!(matches!(err, FederatedError::Status(400)), "{err}");
}

#[tokio::test]
async fn github_oidc_bad_answers_are_malformed() {
    let client = reqwest::Client::new();
    for body in [r#"{"count":1}"#, "not json", r#"{"value":"  "}"#] {
        let url = oidc_stand_in((StatusCode::OK, body.to_string())).await;
        let err = github_oidc_token(&client, &url, &request_token(), GITHUB_AUDIENCE)
            .await
            .unwrap_err();
        assert!(
            matches!(err, FederatedError::MalformedResponse),
            "{body}: {err}"
        );
    }
}

#[tokio::test]
async fn github_oidc_refuses_clear_text_off_host_and_bad_urls() {
    let client = reqwest::Client::new();
    let err = github_oidc_token(
        &client,
        "http://pipelines.example.com/_apis/token?api-version=2.0",
        &request_token(),
        GITHUB_AUDIENCE,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, FederatedError::InsecureRequestUrl));
    let err = github_oidc_token(&client, "not a url", &request_token(), GITHUB_AUDIENCE)
        .await
        .unwrap_err();
    assert!(matches!(err, FederatedError::InvalidRequestUrl));
}

#[tokio::test]
async fn github_oidc_closed_port_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = reqwest::Client::new();
    let err = github_oidc_token(
        &client,
        &format!("http://{addr}/_apis/token?api-version=2.0"),
        &request_token(),
        GITHUB_AUDIENCE,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, FederatedError::Request(_)), "{err}");
    assert!(!err.to_string().contains(REQUEST_TOKEN));
}

#[test]
fn token_file_is_read_and_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    let token = github_jwt();
    std::fs::write(&path, format!("  {token}\n\n")).unwrap();
    assert_eq!(read_token_file(&path).unwrap().expose(), token);
}

#[test]
fn token_file_missing_empty_or_binary_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing-token");
    let err = read_token_file(&missing).unwrap_err();
    assert!(matches!(err, FederatedError::Unreadable { .. }));
    assert!(err.to_string().contains("missing-token"));

    let empty = dir.path().join("empty-token");
    std::fs::write(&empty, " \n").unwrap();
    let err = read_token_file(&empty).unwrap_err();
    assert!(matches!(err, FederatedError::EmptyFile { .. }));
    assert!(err.to_string().contains("empty-token"));

    let binary = dir.path().join("binary-token");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x80]).unwrap();
    assert!(matches!(
        read_token_file(&binary).unwrap_err(),
        FederatedError::NotText { .. }
    ));
}

#[test]
fn subject_is_read_without_verification_and_tolerates_junk() {
    let token = SecretValue::new(jwt(
        serde_json::json!({"sub": "system:serviceaccount:ns:sa"}),
    ));
    assert_eq!(
        token_subject(&token).as_deref(),
        Some("system:serviceaccount:ns:sa")
    );
    // Padded base64url, as some issuers emit.
    let padded = format!(
        "h.{}.s",
        URL_SAFE.encode(serde_json::json!({"sub": "ab"}).to_string())
    );
    assert_eq!(
        token_subject(&SecretValue::new(padded)).as_deref(),
        Some("ab")
    );
    for junk in [
        "",
        "no-dots",
        "a.!!!.c",
        "a.e30.c",          /* {} */
        "a.eyJzdWIiOjF9.c", /* sub: 1 */
    ] {
        assert_eq!(token_subject(&SecretValue::new(junk)), None, "{junk}");
    }
}
