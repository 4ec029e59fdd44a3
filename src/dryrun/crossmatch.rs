//! Cross-match: when environment X's secret is rejected (`invalid_secret`) or its client id is
//! unknown (`app_not_found`), the most common cause is a secret or id swapped with another
//! environment's. Trying X's secret with the client id of another environment Y in the same
//! tenant proves it: "the secret configured for production belongs to the staging app".

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
    for (x, rx) in envs.iter().enumerate() {
        let failed = statuses
            .get(x)
            .and_then(|s| s.as_deref())
            .is_some_and(|s| TRIGGERS.contains(&s));
        let has_secret = matches!(
            rx.credential.as_ref().map(|c| &c.value),
            Some(Credential::Secret(_))
        );
        let (Some(tx), Some(cx)) = (tenant_key(rx), client_key(rx)) else {
            continue;
        };
        if !failed || !has_secret {
            continue;
        }
        for (y, ry) in envs.iter().enumerate() {
            if y == x {
                continue;
            }
            let same_tenant = tenant_key(ry).is_some_and(|t| t == tx);
            let other_app = client_key(ry).is_some_and(|c| c != cx);
            if same_tenant && other_app && pairs.len() < MAX_EXTRA_REQUESTS {
                pairs.push(Pair {
                    failed: x,
                    other: y,
                });
            }
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
        }
    }

    #[test]
    fn pairs_failed_envs_with_same_tenant_other_apps() {
        let t = "22222222-2222-2222-2222-222222222222";
        let envs = vec![
            env("production", t, "11111111-1111-1111-1111-111111111111"),
            env(
                "staging",
                &t.to_uppercase(),
                "33333333-3333-3333-3333-333333333333",
            ),
            env(
                "dev",
                "44444444-4444-4444-4444-444444444444",
                "55555555-5555-5555-5555-555555555555",
            ),
            env("test", t, "11111111-1111-1111-1111-111111111111"),
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
    fn never_more_than_ten_requests() {
        let t = "22222222-2222-2222-2222-222222222222";
        let envs: Vec<Resolved> = (0..8)
            .map(|i| {
                env(
                    &format!("e{i}"),
                    t,
                    &format!("{i}1111111-1111-1111-1111-111111111111"),
                )
            })
            .collect();
        let statuses = vec![Some("app_not_found".to_string()); 8];
        assert_eq!(plan(&envs, &statuses).len(), MAX_EXTRA_REQUESTS);
    }
}
