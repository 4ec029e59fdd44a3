//! Cross-match: when environment X's secret is rejected (`invalid_secret`) or its client id is
//! unknown (`app_not_found`), the most common cause is a secret or id swapped with another
//! environment's. Trying X's secret with the client id of another environment Y in the same
//! tenant proves it: "the secret configured for production belongs to the staging app". Values
//! the local rules reject ([`super::local`]) take no part, on either side.

use super::credentials::{Credential, Resolved};
use crate::checks::consistency::normalize;

/// At most this many extra token requests per run.
pub const MAX_EXTRA_REQUESTS: usize = 10;

/// Statuses that trigger a cross-match.
pub const TRIGGERS: &[&str] = &["invalid_secret", "app_not_found"];

/// One extra request: X's secret with Y's client id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Index of the failed environment X.
    pub failed: usize,
    /// Index of the other environment Y whose client id is tried.
    pub other: usize,
}

/// The pairs to try, in order, at most [`MAX_EXTRA_REQUESTS`]: every failed X (by `statuses`)
/// with a client secret, against every Y in the same tenant with a different client id.
pub fn plan(envs: &[Resolved], statuses: &[Option<String>]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    for x in 0..envs.len() {
        let status = statuses.get(x).and_then(|s| s.as_deref());
        for pair in plan_for(envs, x, status) {
            if pairs.len() < MAX_EXTRA_REQUESTS {
                pairs.push(pair);
            }
        }
    }
    pairs
}

/// The pairs for one failed environment X, as soon as its own request has come back with
/// `status`: its secret against every Y in the same tenant with a different client id.
pub fn plan_for(envs: &[Resolved], x: usize, status: Option<&str>) -> Vec<Pair> {
    let mut pairs = Vec::new();
    let Some(rx) = envs.get(x) else {
        return pairs;
    };
    let failed = status.is_some_and(|s| TRIGGERS.contains(&s));
    let has_secret = matches!(
        rx.credential.as_ref().map(|c| &c.value),
        Some(Credential::Secret(_))
    );
    let (Some(tx), Some(cx)) = (tenant_key(rx), client_key(rx)) else {
        return pairs;
    };
    // Only a request that was sent and refused triggers; a value the local rules reject
    // (status `not_sent`) is not tried with other apps either.
    let sendable = match rx.credential.as_ref().map(|c| &c.value) {
        Some(Credential::Secret(s)) => super::local::secret(s.expose()).is_none(),
        _ => false,
    } && rx
        .client_id
        .as_ref()
        .is_some_and(|c| super::local::client_id(&c.value).is_none());
    if !failed || !has_secret || !sendable {
        return pairs;
    }
    for (y, ry) in envs.iter().enumerate() {
        if y == x {
            continue;
        }
        let same_tenant = tenant_key(ry).is_some_and(|t| t == tx);
        // A client id the local rules reject is never sent, not even paired with X's secret.
        let sendable = ry
            .client_id
            .as_ref()
            .is_some_and(|c| super::local::client_id(&c.value).is_none());
        let other_app = sendable && client_key(ry).is_some_and(|c| c != cx);
        if same_tenant && other_app && pairs.len() < MAX_EXTRA_REQUESTS {
            pairs.push(Pair {
                failed: x,
                other: y,
            });
        }
    }
    pairs
}

/// The sentence added to X's failure when its secret authenticated with Y's client id.
pub fn belongs_to(x: &Resolved, y: &Resolved) -> String {
    let client = y.client_id.as_ref().map_or("?", |c| c.value.as_str());
    format!(
        "Cross-match: the secret configured for {} belongs to the {} app (client id {client}): \
         the two environments' secrets (or client ids) are swapped.",
        x.environment, y.environment
    )
}

fn tenant_key(r: &Resolved) -> Option<String> {
    let t = r.tenant.as_ref()?;
    normalize::tenant(&t.value).key().map(str::to_string)
}

fn client_key(r: &Resolved) -> Option<String> {
    let c = r.client_id.as_ref()?;
    Some(normalize::guid(&c.value).unwrap_or_else(|| c.value.trim().to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::super::credentials::{Origin, Sourced};
    use super::*;
    use crate::secret::SecretValue;

    fn env(name: &str, tenant: &str, client: &str) -> Resolved {
        let s = |v: &str| Sourced {
            value: v.to_string(),
            origin: Origin::Env("X".into()),
        };
        Resolved {
            environment: name.into(),
            tenant: Some(s(tenant)),
            client_id: Some(s(client)),
            credential: Some(Sourced {
                value: Credential::Secret(SecretValue::new("s")),
                origin: Origin::Env("S".into()),
            }),
            committed: false,
            authority: None,
            redirect_uris: vec![],
            required_roles: vec![],
            scope: None,
            looked_for: vec![],
            key_vault: None,
        }
    }

    #[test]
    fn pairs_failed_envs_with_same_tenant_other_apps() {
        let t = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
        let envs = vec![
            env("production", t, "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3"),
            env(
                "staging",
                &t.to_uppercase(),
                "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
            ),
            env(
                "dev",
                "4c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60",
                "5f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
            ),
            env("test", t, "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3"),
        ];
        let statuses = vec![Some("invalid_secret".into()), Some("ok".into()), None, None];
        assert_eq!(
            plan(&envs, &statuses),
            vec![Pair {
                failed: 0,
                other: 1
            }]
        );
        let statuses = vec![Some("timeout".into()), None, None, None];
        assert!(plan(&envs, &statuses).is_empty());
    }

    #[test]
    fn rejected_values_are_never_paired() {
        let t = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
        let mut guid_secret = env("production", t, "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3");
        guid_secret.credential = Some(Sourced {
            value: Credential::Secret(SecretValue::new("5138dde8-9caa-4786-bb56-0fb9e633ad29")),
            origin: Origin::Env("S".into()),
        });
        let placeholder_app = env("staging", t, "Enter_the_Application_Id_here");
        let good = env("test", t, "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b");
        let failed = Some("invalid_secret".to_string());
        let envs = vec![guid_secret, placeholder_app, good];
        let statuses = vec![failed.clone(), failed.clone(), failed];
        let pairs = plan(&envs, &statuses);
        // Only test's real secret, and only with production's real client id.
        assert_eq!(
            pairs,
            vec![Pair {
                failed: 2,
                other: 0
            }]
        );
    }

    #[test]
    fn never_more_than_ten_requests() {
        let t = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
        let envs: Vec<Resolved> = (0..8)
            .map(|i| {
                env(
                    &format!("e{i}"),
                    t,
                    &format!("{i}f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3"),
                )
            })
            .collect();
        let statuses = vec![Some("app_not_found".to_string()); 8];
        assert_eq!(plan(&envs, &statuses).len(), MAX_EXTRA_REQUESTS);
    }
}
