//! What credgate learns from Graph once a token works: when the secret in use expires (matched
//! to its registration entry by Entra's 3-character hint, so the value is never compared or
//! sent), and which configured redirect URIs the registration lacks. Best-effort: a refusal or
//! failure is a note, never a failed run.

use super::credentials::{Credential, Resolved};
use super::graph::{AppRegistration, GraphOutcome};
use crate::model::{Finding, Location, Severity};
use std::time::SystemTime;

/// Findings from a Graph answer about the environment's app.
pub fn findings(
    r: &Resolved,
    outcome: &GraphOutcome,
    now: SystemTime,
    expiry_warning_days: u32,
) -> Vec<Finding> {
    let app_id = r.client_id.as_ref().map_or("", |c| c.value.as_str());
    match outcome {
        GraphOutcome::App(app) => {
            let mut out = expiry(r, app, now, expiry_warning_days)
                .into_iter()
                .collect::<Vec<_>>();
            out.extend(redirects(r, app));
            out
        }
        GraphOutcome::Forbidden => vec![note(
            r,
            format!(
                "{}: Graph refused to read app {app_id} (403): the app needs the Application.Read.All \
                 application permission for credgate to check secret expiry and redirect URIs",
                r.environment
            ),
            "graph-forbidden",
        )],
        GraphOutcome::NotFound => vec![note(
            r,
            format!(
                "{}: Graph has no application registration with appId {app_id} in this tenant \
                 (a multi-tenant app registered elsewhere?): expiry and redirect URIs not checked",
                r.environment
            ),
            "graph-not-found",
        )],
        GraphOutcome::Failed(why) => vec![note(
            r,
            format!(
                "{}: the Graph look-up failed ({why}): expiry and redirect URIs not checked",
                r.environment
            ),
            "graph-failed",
        )],
    }
}

/// A note about a look-up that could not run.
pub fn note(r: &Resolved, message: String, identity: &str) -> Finding {
    Finding::new(
        "dry-run-failed",
        Severity::Note,
        Location::source("graph"),
        message,
        &format!("{}:{identity}", r.environment),
    )
    .with_environment(r.environment.clone())
}

/// `secret-expiring` when the registration entry whose hint matches the secret ends within the
/// window.
fn expiry(r: &Resolved, app: &AppRegistration, now: SystemTime, days: u32) -> Option<Finding> {
    let cred = r.credential.as_ref()?;
    let Credential::Secret(secret) = &cred.value else {
        return None;
    };
    let hint: String = secret.expose().chars().take(3).collect();
    if hint.chars().count() < 3 {
        return None;
    }
    let now_secs: i64 = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_secs()
        .try_into()
        .ok()?;
    let window = i64::from(days) * 86_400;
    // Several entries can share a hint; the one that expires last is the most likely match,
    // and warning only when even that one is close avoids false alarms.
    let (end, shown) = app
        .password_credentials
        .iter()
        .filter(|p| p.hint.as_deref() == Some(hint.as_str()))
        .filter_map(|p| {
            let end = p.end_date_time.as_deref()?;
            let at = chrono::DateTime::parse_from_rfc3339(end).ok()?;
            Some((at.timestamp(), end.to_string()))
        })
        .max_by_key(|(t, _)| *t)?;
    let left: i64 = end - now_secs;
    if left > window {
        return None;
    }
    let when = if left < 0 {
        "has expired".to_string()
    } else {
        format!("expires in {} day(s)", left / 86_400)
    };
    let date = shown.get(..10).unwrap_or(&shown).to_string();
    Some(
        Finding::new(
            "secret-expiring",
            Severity::Warning,
            cred.origin.location(),
            format!(
                "{}: the client secret in use ({}) {when} (endDateTime {date}, per Graph)",
                r.environment,
                cred.origin.describe()
            ),
            &format!("{}:{}", r.environment, secret.fingerprint()),
        )
        .with_environment(r.environment.clone())
        .with_secret(secret)
        .with_fix(
            "Add a new secret now (`az ad app credential reset --id <client-id> --append`), roll it \
             out to this environment, then delete the old one from the registration.",
        ),
    )
}

/// `redirect-uri-mismatch` for each configured absolute redirect URI the registration lacks.
fn redirects(r: &Resolved, app: &AppRegistration) -> Vec<Finding> {
    let registered: Vec<String> = app
        .web_redirect_uris
        .iter()
        .chain(&app.spa_redirect_uris)
        .chain(&app.public_client_redirect_uris)
        .map(|u| normalize(u))
        .collect();
    let app_id = r.client_id.as_ref().map_or("", |c| c.value.as_str());
    r.redirect_uris
        .iter()
        .filter(|u| u.value.contains("://"))
        .filter(|u| !registered.contains(&normalize(&u.value)))
        .map(|u| {
            Finding::new(
                "redirect-uri-mismatch",
                Severity::Warning,
                u.origin.location(),
                format!(
                    "{}: redirect URI {} is not registered on app {app_id} (Graph lists {} redirect URI(s)); sign-in will fail with AADSTS50011",
                    r.environment,
                    u.value,
                    registered.len()
                ),
                &format!("{}:graph:{}", r.environment, u.value),
            )
            .with_environment(r.environment.clone())
            .with_fix("Add the URI under App registrations → Authentication → Redirect URIs, or correct the configured value.")
        })
        .collect()
}

/// Redirect URIs compare without a trailing `/` and with a lower-case scheme and host.
fn normalize(uri: &str) -> String {
    let t = uri.trim().trim_end_matches('/');
    match t.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').unwrap_or(rest.len());
            let (host, path) = rest.split_at(end);
            format!(
                "{}://{}{path}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::credentials::{Origin, Sourced};
    use super::super::graph::PasswordCredential;
    use super::*;
    use crate::secret::SecretValue;
    use std::time::Duration;

    fn resolved() -> Resolved {
        Resolved {
            environment: "production".into(),
            tenant: None,
            client_id: Some(Sourced {
                value: "11111111-1111-1111-1111-111111111111".into(),
                origin: Origin::Env("X".into()),
            }),
            credential: Some(Sourced {
                value: Credential::Secret(SecretValue::new(
                    "abc8Q~restofthesecretvalue0123456789abc",
                )),
                origin: Origin::Env("PROD_AZURE_CLIENT_SECRET".into()),
            }),
            committed: false,
            authority: None,
            redirect_uris: vec![Sourced {
                value: "https://App.contoso.com/signin-oidc/".into(),
                origin: Origin::File(Location::file("appsettings.Production.json", 9, 5)),
            }],
            required_roles: vec![],
            scope: None,
            looked_for: vec![],
            key_vault: None,
        }
    }

    fn app(end: &str, uris: &[&str]) -> AppRegistration {
        AppRegistration {
            password_credentials: vec![
                PasswordCredential {
                    hint: Some("xyz".into()),
                    end_date_time: Some("2020-01-01T00:00:00Z".into()),
                    display_name: None,
                    key_id: None,
                },
                PasswordCredential {
                    hint: Some("abc".into()),
                    end_date_time: Some(end.into()),
                    display_name: Some("ci".into()),
                    key_id: None,
                },
            ],
            web_redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
            spa_redirect_uris: vec![],
            public_client_redirect_uris: vec![],
        }
    }

    #[test]
    fn expiry_matches_by_hint_within_window() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600); // 2026-01-01
        let r = resolved();
        let soon = app(
            "2026-01-11T00:00:00Z",
            &["https://app.contoso.com/signin-oidc"],
        );
        let f = findings(&r, &GraphOutcome::App(soon), now, 30);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule_id, "secret-expiring");
        assert!(
            f[0].message.contains("expires in 10 day(s)"),
            "{}",
            f[0].message
        );
        let later = app("2026-06-01T00:00:00Z", &[]);
        let f = findings(&r, &GraphOutcome::App(later), now, 30);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule_id, "redirect-uri-mismatch");
        assert_eq!(f[0].location.line, Some(9));
    }

    #[test]
    fn refusals_are_notes() {
        let r = resolved();
        let f = findings(&r, &GraphOutcome::Forbidden, SystemTime::now(), 30);
        assert_eq!(f[0].severity, Severity::Note);
        assert!(f[0].message.contains("Application.Read.All"));
    }
}
