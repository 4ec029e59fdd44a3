//! Values the local rules already reject are never sent to Entra: a placeholder, a Secret ID
//! (GUID) where the secret belongs, a secret with whitespace or quotes at its edges, a tenant or
//! client id that is not one. Sending them only turns a precise local finding into a vaguer
//! AADSTS error (and hands a wrong value to the authority); the environment's dry-run status is
//! `not_sent` with the rule id of the finding that stopped it, and the cross-match never tries
//! such a value either.

use super::credentials::{Credential, Origin, Resolved};
use crate::checks::consistency::secret_value::{self, SECRET_ID_AS_VALUE, SECRET_WHITESPACE};
use crate::checks::consistency::{
    ids::MALFORMED_ID, normalize, secret_value::PLACEHOLDER_CREDENTIAL,
};
use crate::extract::value::is_placeholder;
use crate::inventory::environment::DEVELOPMENT;
use crate::model::{Finding, Severity};

/// The dry-run status of an environment whose values were not sent.
pub const NOT_SENT: &str = "not_sent";

/// What is wrong with one value, by the rule that rejects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The rule id (`placeholder-credential`, `secret-id-as-value`, `secret-whitespace`,
    /// `malformed-id`).
    pub rule_id: &'static str,
    /// What the value is, e.g. `is a GUID (the Secret ID…)`. Never the value.
    pub why: String,
}

/// Why a tenant value cannot be sent, if it cannot.
pub fn tenant(value: &str) -> Option<Rejection> {
    if is_placeholder(value) {
        return Some(placeholder());
    }
    match normalize::tenant(value) {
        normalize::Tenant::Malformed => Some(Rejection {
            rule_id: MALFORMED_ID,
            why: "is neither a GUID nor a domain".into(),
        }),
        normalize::Tenant::WellKnown(name) => Some(Rejection {
            rule_id: MALFORMED_ID,
            why: format!("is `{name}`, which names no tenant and is refused for app-only tokens"),
        }),
        _ => None,
    }
}

/// Why a client id cannot be sent, if it cannot. Also decides which client ids the cross-match
/// may pair a secret with.
pub fn client_id(value: &str) -> Option<Rejection> {
    if is_placeholder(value) {
        return Some(placeholder());
    }
    normalize::guid(value).is_none().then(|| Rejection {
        rule_id: MALFORMED_ID,
        why: "is not a GUID".into(),
    })
}

/// Why a client secret cannot be sent, if it cannot: the value is only looked at, never kept.
pub fn secret(value: &str) -> Option<Rejection> {
    if value.trim().is_empty() {
        return Some(Rejection {
            rule_id: SECRET_WHITESPACE,
            why: "is empty".into(),
        });
    }
    if is_placeholder(value) {
        return Some(placeholder());
    }
    if normalize::is_strict_guid(secret_value::trimmed(value)) {
        return Some(Rejection {
            rule_id: SECRET_ID_AS_VALUE,
            why: "is a GUID: the Secret ID shown next to the secret in Certificates & secrets, \
                  not the secret's Value"
                .into(),
        });
    }
    secret_value::describe_flaws(value).map(|flaw| Rejection {
        rule_id: SECRET_WHITESPACE,
        why: flaw,
    })
}

fn placeholder() -> Rejection {
    Rejection {
        rule_id: PLACEHOLDER_CREDENTIAL,
        why: "is a placeholder, not a real value".into(),
    }
}

/// The findings for every value of `r` that must not be sent, in the order tenant, client id,
/// credential; empty when the request may go out. Each finding sits where the value came from
/// (the same place and rule as the scan's own finding for a value from a file, so the report
/// shows it once).
pub fn rejections(r: &Resolved) -> Vec<Finding> {
    let mut out = Vec::new();
    let env = &r.environment;
    let mut push = |noun: &str, origin: &Origin, rejection: Rejection| {
        // A placeholder is expected in development, which is never deployed by default.
        let severity = if rejection.rule_id == PLACEHOLDER_CREDENTIAL && env == DEVELOPMENT {
            Severity::Warning
        } else {
            Severity::Error
        };
        out.push(
            Finding::new(
                rejection.rule_id,
                severity,
                origin.location(),
                format!(
                    "{env}: the {noun} from {} {}; credgate did not send it to Entra (dry-run \
                     status {NOT_SENT}).",
                    origin.describe(),
                    rejection.why
                ),
                &format!("{env}:dry-run:{}", origin.describe()),
            )
            .with_environment(env.clone()),
        );
    };
    if let Some(t) = &r.tenant {
        if let Some(rejection) = tenant(&t.value) {
            push("tenant", &t.origin, rejection);
        }
    }
    if let Some(c) = &r.client_id {
        if let Some(rejection) = client_id(&c.value) {
            push("client id", &c.origin, rejection);
        }
    }
    if let Some(cred) = &r.credential {
        if let Credential::Secret(s) = &cred.value {
            if let Some(rejection) = secret(s.expose()) {
                push("client secret", &cred.origin, rejection);
                if let Some(last) = out.last_mut() {
                    last.secret = Some(secret_value::redacted(s));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_local_rules_reject() {
        let rule = |v: &str| secret(v).map(|r| r.rule_id);
        assert_eq!(rule("<client-secret>"), Some(PLACEHOLDER_CREDENTIAL));
        assert_eq!(rule("changeme"), Some(PLACEHOLDER_CREDENTIAL));
        assert_eq!(
            rule("5138dde8-9caa-4786-bb56-0fb9e633ad29"),
            Some(SECRET_ID_AS_VALUE)
        );
        assert_eq!(
            rule("5138dde8-9caa-4786-bb56-0fb9e633ad29\n"),
            Some(SECRET_ID_AS_VALUE)
        );
        assert_eq!(
            rule("zt58Q~8RrbzqyJkq4KCZAyRs-IirLMBZfzHhsckP "),
            Some(SECRET_WHITESPACE)
        );
        assert_eq!(rule("   "), Some(SECRET_WHITESPACE));
        assert_eq!(rule("zt58Q~8RrbzqyJkq4KCZAyRs-IirLMBZfzHhsckP"), None);
    }

    #[test]
    fn ids_local_rules_reject() {
        assert_eq!(
            client_id("Enter_the_Application_Id_here").map(|r| r.rule_id),
            Some(PLACEHOLDER_CREDENTIAL)
        );
        assert_eq!(client_id("my-app").map(|r| r.rule_id), Some(MALFORMED_ID));
        assert_eq!(client_id("{1F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5AC3}"), None);
        assert_eq!(tenant("contoso.onmicrosoft.com"), None);
        assert_eq!(tenant("common").map(|r| r.rule_id), Some(MALFORMED_ID));
        assert_eq!(
            tenant("<tenant-id>").map(|r| r.rule_id),
            Some(PLACEHOLDER_CREDENTIAL)
        );
    }

    #[test]
    fn findings_name_the_origin_and_never_the_value() {
        use super::super::credentials::Sourced;
        use crate::secret::SecretValue;
        let value = "5138dde8-9caa-4786-bb56-0fb9e633ad29";
        let r = Resolved {
            environment: "staging".into(),
            tenant: Some(Sourced {
                value: "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60".into(),
                origin: Origin::Env("STAGING_AZURE_TENANT_ID".into()),
            }),
            client_id: Some(Sourced {
                value: "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3".into(),
                origin: Origin::Env("STAGING_AZURE_CLIENT_ID".into()),
            }),
            credential: Some(Sourced {
                value: Credential::Secret(SecretValue::new(value)),
                origin: Origin::Env("STAGING_AZURE_CLIENT_SECRET".into()),
            }),
            committed: false,
            authority: None,
            redirect_uris: vec![],
            required_roles: vec![],
            scope: None,
            looked_for: vec![],
            key_vault: None,
        };
        let found = rejections(&r);
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.rule_id, SECRET_ID_AS_VALUE);
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message.contains("env:STAGING_AZURE_CLIENT_SECRET"),
            "{}",
            f.message
        );
        assert!(f.message.contains("not_sent"), "{}", f.message);
        assert!(!format!("{f:?}").contains(value));
    }
}
