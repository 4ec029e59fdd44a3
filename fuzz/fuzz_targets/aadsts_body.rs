//! The authority's answer parser: the first two bytes are the HTTP status, the rest the body.
//! A granted token's claims are decoded as the dry-run does.
#![no_main]

use credgate::dryrun::claims::{self, Expected};
use credgate::dryrun::diagnose::{diagnose, Diagnosis, Granted, Verdict};
use credgate::model::Location;
use credgate::secret::SecretValue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    // Mostly the statuses Entra sends, with every other value reachable too.
    let raw = u16::from_le_bytes(*status);
    let http_status = match raw % 8 {
        0 => 200,
        1 => 400,
        2 => 401,
        3 => 429,
        4 => 500,
        5 => 503,
        _ => raw,
    };
    let verdict = diagnose(http_status, body);
    // The description is never kept: with or without it, the answer means the same. (Compared
    // on the body re-serialised both times, so that duplicate keys are resolved alike.)
    if let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_slice(body) {
        if fields
            .get("error_description")
            .is_some_and(|d| d.is_string())
        {
            let with = serde_json::to_vec(&fields).unwrap_or_default();
            fields.remove("error_description");
            let without = serde_json::to_vec(&fields).unwrap_or_default();
            assert_eq!(
                outcome(diagnose(http_status, &with)),
                outcome(diagnose(http_status, &without)),
                "the error description changed the diagnosis"
            );
        }
    }
    match verdict {
        Verdict::Granted(granted) => {
            assert_eq!(http_status, 200, "a token granted without HTTP 200");
            let token = granted.access_token.expose().to_string();
            assert!(!token.is_empty(), "an empty token granted");
            // `Debug` must not depend on the token at all.
            let shown = format!("{:?}", Verdict::Granted(granted.clone()));
            let other = Granted {
                access_token: SecretValue::new(format!("{token}x")),
            };
            assert_eq!(
                shown,
                format!("{:?}", Verdict::Granted(other)),
                "Debug shows the access token"
            );
            if let Some(claims) = claims::decode(&granted.access_token) {
                let location = Location::file("a.env", 1, 1);
                let expected = Expected {
                    environment: "production",
                    client_id: "00000000-0000-0000-0000-000000000001",
                    tenant: "00000000-0000-0000-0000-000000000002",
                    required_roles: &["Sites.Read.All".to_string()],
                    client_location: &location,
                };
                for finding in claims::check(&claims, &expected) {
                    let json = serde_json::to_string(&finding).unwrap_or_default();
                    assert!(
                        token.chars().count() < 12 || !json.contains(&token),
                        "a claims finding shows the token"
                    );
                }
            }
        }
        Verdict::Failed(diagnosis) => {
            assert_ne!(diagnosis.status, "ok", "a failed answer reported as ok");
            assert!(!diagnosis.status.is_empty(), "a failure without a status");
        }
    }
});

/// What a verdict says, in a comparable form (the token exposed only inside this process).
fn outcome(verdict: Verdict) -> (Option<String>, Option<Diagnosis>) {
    match verdict {
        Verdict::Granted(granted) => (Some(granted.access_token.expose().to_string()), None),
        Verdict::Failed(diagnosis) => (None, Some(diagnosis)),
    }
}
