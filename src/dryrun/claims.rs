//! What a granted token says about itself. A token that works can still be the wrong one: issued
//! to another app or tenant than configured, or without an app role the service needs. The
//! payload is decoded without verification (it came straight from the authority over TLS) and is
//! never printed; only the ids and role names are read.

use crate::model::{Finding, Location, Severity};
use crate::secret::SecretValue;
use base64::Engine;
use serde::Deserialize;

/// The claims credgate compares with the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct TokenClaims {
    /// v1 tokens: the client id.
    pub appid: Option<String>,
    /// v2 tokens: the client id.
    pub azp: Option<String>,
    /// The tenant that issued the token.
    pub tid: Option<String>,
    /// App roles granted to the client.
    #[serde(default)]
    pub roles: Vec<String>,
}

impl TokenClaims {
    /// The client id the token was issued to.
    pub fn client_id(&self) -> Option<&str> {
        self.appid.as_deref().or(self.azp.as_deref())
    }
}

/// Decodes the payload of a JWT-shaped token; `None` when it is not one (opaque tokens exist).
pub fn decode(token: &SecretValue) -> Option<TokenClaims> {
    let payload = token.expose().split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What the environment was configured with, for comparison.
pub struct Expected<'a> {
    /// Environment name.
    pub environment: &'a str,
    /// The client id that was sent.
    pub client_id: &'a str,
    /// The tenant the request went to (a GUID or a domain).
    pub tenant: &'a str,
    /// App roles the configuration requires.
    pub required_roles: &'a [String],
    /// Where the client id came from, for the finding's place.
    pub client_location: &'a Location,
}

/// `dry-run-token-mismatch` and `dry-run-missing-role` findings for a granted token.
pub fn check(claims: &TokenClaims, expected: &Expected<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let env = expected.environment;
    if let Some(appid) = claims.client_id() {
        if !appid.eq_ignore_ascii_case(expected.client_id.trim()) {
            out.push(mismatch(
                expected,
                format!(
                    "the token issued for {env} names app {appid}, not the configured client id {}",
                    expected.client_id
                ),
                "appid",
            ));
        }
    }
    // A domain tenant cannot be compared with the token's GUID `tid` offline.
    let tenant_is_guid = crate::checks::consistency::normalize::guid(expected.tenant).is_some();
    if let (Some(tid), true) = (&claims.tid, tenant_is_guid) {
        if !tid.eq_ignore_ascii_case(expected.tenant.trim()) {
            out.push(mismatch(
                expected,
                format!(
                    "the token issued for {env} comes from tenant {tid}, not the configured tenant {}",
                    expected.tenant
                ),
                "tid",
            ));
        }
    }
    let missing: Vec<&String> = expected
        .required_roles
        .iter()
        .filter(|r| !claims.roles.iter().any(|have| have == *r))
        .collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|r| format!("`{r}`")).collect();
        out.push(
            Finding::new(
                "dry-run-missing-role",
                Severity::Error,
                expected.client_location.clone(),
                format!(
                    "the token for {env} lacks the app role(s) {} that credgate.toml requires",
                    names.join(", ")
                ),
                &format!("{env}:{}", names.join(",")),
            )
            .with_environment(env)
            .with_fix(
                "Grant the role: Entra admin center → App registrations → the API's app → App roles; \
                 then Enterprise applications → this app → Permissions → grant admin consent \
                 (or `az ad app permission admin-consent`).",
            ),
        );
    }
    out
}

fn mismatch(expected: &Expected<'_>, message: String, claim: &str) -> Finding {
    Finding::new(
        "dry-run-token-mismatch",
        Severity::Error,
        expected.client_location.clone(),
        message,
        &format!("{}:{claim}", expected.environment),
    )
    .with_environment(expected.environment)
    .with_fix("Check that the environment's client id and tenant id belong together and to the app the deploy expects.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: serde_json::Value) -> SecretValue {
        let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        SecretValue::new(format!(
            "{}.{}.sig",
            e(b"{\"alg\":\"RS256\"}"),
            e(payload.to_string().as_bytes())
        ))
    }

    const APP: &str = "11111111-1111-1111-1111-111111111111";
    const TID: &str = "22222222-2222-2222-2222-222222222222";

    #[test]
    fn decodes_and_compares() {
        let t = token(serde_json::json!({"appid": APP, "tid": TID, "roles": ["Reader"]}));
        let c = decode(&t).unwrap();
        assert_eq!(c.client_id(), Some(APP));
        let loc = Location::source("env:X");
        let roles = vec!["Reader".to_string(), "Writer".to_string()];
        let exp = Expected {
            environment: "production",
            client_id: APP,
            tenant: TID,
            required_roles: &roles,
            client_location: &loc,
        };
        let f = check(&c, &exp);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule_id, "dry-run-missing-role");
        assert!(f[0].message.contains("Writer"));
        let other = Expected {
            client_id: "33333333-3333-3333-3333-333333333333",
            tenant: "contoso.onmicrosoft.com",
            required_roles: &[],
            ..exp
        };
        let f = check(&c, &other);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule_id, "dry-run-token-mismatch");
    }

    #[test]
    fn opaque_tokens_have_no_claims() {
        assert_eq!(decode(&SecretValue::new("opaque")), None);
        assert_eq!(decode(&SecretValue::new("a.!!!.c")), None);
    }
}
