//! Reading the authority's answer into a dry-run status. The status comes from `error_codes`
//! (Entra's stable contract), never from the message text, which changes and can echo what was
//! sent. The description is never kept: only the code, the OAuth `error` word and the ids a
//! support ticket needs.

use crate::secret::SecretValue;
use serde::Deserialize;

/// Statuses that mean the authority could not be asked, rather than that it said no.
pub const UNREACHED: &[&str] = &["timeout", "unreachable", "server_error", "throttled"];

/// What an answer says, reduced to the parts that are safe to report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnosis {
    /// A docs/design.md status (`ok`, `invalid_secret`, …).
    pub status: String,
    /// The first AADSTS code of `error_codes`.
    pub aadsts: Option<u32>,
    /// The OAuth `error` word (`invalid_client`…), when it is one.
    pub error: Option<String>,
    /// Entra's trace id.
    pub trace_id: Option<String>,
    /// Entra's correlation id.
    pub correlation_id: Option<String>,
    /// Entra's timestamp of the failure.
    pub timestamp: Option<String>,
    /// A short, input-free summary for messages (never the body's description).
    pub summary: String,
}

/// A successful answer: the token, kept secret.
#[derive(Debug, Clone)]
pub struct Granted {
    /// The access token (never printed).
    pub access_token: SecretValue,
}

/// The error body of the Microsoft identity platform.
#[derive(Debug, Deserialize, Default)]
struct ErrorBody {
    error: Option<String>,
    #[serde(default)]
    error_codes: Vec<u64>,
    trace_id: Option<String>,
    correlation_id: Option<String>,
    timestamp: Option<String>,
    #[allow(dead_code)]
    error_uri: Option<String>,
    #[allow(dead_code)]
    error_description: Option<String>,
}

/// The success body.
#[derive(Deserialize)]
struct TokenBody {
    access_token: Option<String>,
}

/// What a final answer means: a token, or why not.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// A token was granted.
    Granted(Granted),
    /// No token; the diagnosis says why.
    Failed(Diagnosis),
}

impl Verdict {
    /// Whether a token was granted.
    pub fn is_granted(&self) -> bool {
        matches!(self, Verdict::Granted(_))
    }

    /// The diagnosis of a failure (tests and callers that only care about failures).
    pub fn failure(self) -> Option<Diagnosis> {
        match self {
            Verdict::Failed(d) => Some(d),
            Verdict::Granted(_) => None,
        }
    }
}

/// Reads a final HTTP answer (after retries): a token on 200, else a diagnosis.
pub fn diagnose(http_status: u16, body: &[u8]) -> Verdict {
    if http_status == 200 {
        return match serde_json::from_slice::<TokenBody>(body) {
            Ok(TokenBody {
                access_token: Some(token),
            }) if !token.is_empty() => Verdict::Granted(Granted {
                access_token: SecretValue::new(token),
            }),
            _ => Verdict::Failed(Diagnosis {
                status: "unexpected".into(),
                summary: "HTTP 200 without an access_token".into(),
                ..Diagnosis::default()
            }),
        };
    }
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let Some(parsed) = parsed.filter(|p| p.error.is_some() || !p.error_codes.is_empty()) else {
        return Verdict::Failed(Diagnosis {
            status: fallback_status(http_status).into(),
            summary: format!("HTTP {http_status} without an Entra error body"),
            ..Diagnosis::default()
        });
    };
    let aadsts = parsed
        .error_codes
        .first()
        .and_then(|c| u32::try_from(*c).ok());
    let error = parsed.error.as_deref().and_then(oauth_word);
    let status = match aadsts {
        Some(code) => {
            let known = crate::explain::status_for(code);
            if known == crate::explain::UNKNOWN_STATUS && error.as_deref() == Some("invalid_client")
            {
                "invalid_client".to_string()
            } else {
                known.to_string()
            }
        }
        None if error.as_deref() == Some("invalid_client") => "invalid_client".into(),
        None => fallback_status(http_status).into(),
    };
    let summary = match (aadsts, &error) {
        (Some(code), Some(e)) => match crate::explain::find(code) {
            Some(entry) => format!("{e}, AADSTS{code} ({})", entry.name),
            None => format!("{e}, AADSTS{code}"),
        },
        (Some(code), None) => format!("AADSTS{code}"),
        (None, Some(e)) => format!("{e} (HTTP {http_status})"),
        (None, None) => format!("HTTP {http_status}"),
    };
    Verdict::Failed(Diagnosis {
        status,
        aadsts,
        error,
        trace_id: parsed.trace_id.as_deref().and_then(safe_id),
        correlation_id: parsed.correlation_id.as_deref().and_then(safe_id),
        timestamp: parsed.timestamp.as_deref().and_then(safe_timestamp),
        summary,
    })
}

/// The status of an answer without a usable Entra body.
fn fallback_status(http_status: u16) -> &'static str {
    match http_status {
        429 => "throttled",
        500..=599 => "server_error",
        _ => "unexpected",
    }
}

/// The OAuth error word when it is a plain `snake_case` word (anything else is not repeated).
fn oauth_word(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= 40
        && value.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    ok.then(|| value.to_string())
}

/// A trace or correlation id when it looks like one (hex and dashes), so nothing else is echoed.
fn safe_id(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    ok.then(|| value.to_string())
}

/// Entra's timestamp (`2024-05-01 12:00:00Z`) when it is made of date characters only.
fn safe_timestamp(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | ' ' | 'T' | 'Z' | '.' | '+'));
    ok.then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(error: &str, code: u64) -> Vec<u8> {
        serde_json::json!({
            "error": error,
            "error_description": format!("AADSTS{code}: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'abc'. Trace ID: 0b6e Correlation ID: 9c1d Timestamp: 2024-05-01 12:00:00Z"),
            "error_codes": [code],
            "timestamp": "2024-05-01 12:00:00Z",
            "trace_id": "0b6e7a5c-1d2e-4f00-9a8b-7c6d5e4f3a00",
            "correlation_id": "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
            "error_uri": "https://login.microsoftonline.com/error?code=7000215"
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn status_comes_from_error_codes() {
        for (code, error, status) in [
            (7000215, "invalid_client", "invalid_secret"),
            (7000222, "invalid_client", "expired_secret"),
            (700016, "unauthorized_client", "app_not_found"),
            (90002, "invalid_request", "tenant_not_found"),
            (900023, "invalid_request", "tenant_not_found"),
            (1002012, "invalid_scope", "invalid_scope"),
            (7000229, "invalid_client", "missing_service_principal"),
            (7000112, "unauthorized_client", "app_disabled"),
            (53003, "access_denied", "blocked_by_policy"),
            (700024, "invalid_client", "clock_skew"),
            (700027, "invalid_client", "invalid_certificate"),
            (70021, "invalid_request", "federation_mismatch"),
            (700213, "invalid_request", "federation_mismatch"),
            (70002, "invalid_client", "invalid_client"),
            (1234567, "invalid_client", "invalid_client"),
            (1234567, "invalid_request", "unexpected"),
        ] {
            let d = diagnose(400, &body(error, code)).failure().unwrap();
            assert_eq!(d.status, status, "{code}");
            assert_eq!(d.aadsts, u32::try_from(code).ok());
            assert!(d.trace_id.is_some() && d.correlation_id.is_some());
            assert!(!d.summary.contains("Ensure the secret"), "{}", d.summary);
            assert!(!d.summary.contains("app 'abc'"), "{}", d.summary);
        }
    }

    #[test]
    fn non_json_and_odd_answers() {
        assert_eq!(
            diagnose(502, b"<html>bad gateway</html>")
                .failure()
                .unwrap()
                .status,
            "server_error"
        );
        assert_eq!(
            diagnose(404, b"<html>nope</html>")
                .failure()
                .unwrap()
                .status,
            "unexpected"
        );
        assert_eq!(diagnose(302, b"").failure().unwrap().status, "unexpected");
        assert_eq!(
            diagnose(200, b"{\"token_type\":\"Bearer\"}")
                .failure()
                .unwrap()
                .status,
            "unexpected"
        );
        assert!(diagnose(200, b"{\"access_token\":\"eyJ.a.b\"}").is_granted());
    }

    #[test]
    fn ids_that_do_not_look_like_ids_are_dropped() {
        let b = serde_json::json!({"error": "invalid client <script>", "error_codes": [7000215], "trace_id": "not an id: secret"}).to_string();
        let d = diagnose(401, b.as_bytes()).failure().unwrap();
        assert_eq!(d.trace_id, None);
        assert_eq!(d.error, None);
        assert_eq!(d.status, "invalid_secret");
    }
}
