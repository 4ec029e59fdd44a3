//! The findings a dry-run reports about one environment: `dry-run-failed` (with where each value
//! came from, the support ids and `credgate explain`'s fix steps), the `missing_credentials` note
//! and `live-secret-committed`. One place builds them so every failure reads the same way.

use super::credentials::{Credential, Resolved};
use super::diagnose::{Diagnosis, UNREACHED};
use crate::model::{Finding, Location, Severity};

/// `dry-run-failed` for an environment whose request did not get a token.
pub struct Failure<'a> {
    /// The environment's resolved values.
    pub resolved: &'a Resolved,
    /// Status, code and ids.
    pub diagnosis: &'a Diagnosis,
    /// Extra sentences (cross-match result, federated subject, local reason).
    pub details: &'a [String],
    /// `--allow-unreachable`: faults become warnings.
    pub allow_unreachable: bool,
}

/// Builds the `dry-run-failed` finding.
pub fn dry_run_failed(f: &Failure<'_>) -> Finding {
    let r = f.resolved;
    let d = f.diagnosis;
    let env = &r.environment;
    let mut message = format!("{env}: the token request failed with status {}", d.status);
    if let Some(code) = d.aadsts {
        message.push_str(&format!(" (AADSTS{code}"));
        if let Some(entry) = crate::explain::find(code) {
            message.push_str(&format!(", {}", entry.name));
        }
        message.push(')');
    } else if !d.summary.is_empty() {
        message.push_str(&format!(" ({})", d.summary));
    }
    message.push_str(&format!(". {}.", origins(r)));
    for detail in f.details {
        message.push(' ');
        message.push_str(detail);
    }
    let ids: Vec<String> = [
        ("trace id", &d.trace_id),
        ("correlation id", &d.correlation_id),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.as_ref().map(|v| format!("{label} {v}")))
    .collect();
    if !ids.is_empty() {
        message.push_str(&format!(" For a support ticket: {}", ids.join(", ")));
        if let Some(ts) = &d.timestamp {
            message.push_str(&format!(", timestamp {ts}"));
        }
        message.push('.');
    }
    let severity = if f.allow_unreachable && UNREACHED.contains(&d.status.as_str()) {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut finding = Finding::new(
        "dry-run-failed",
        severity,
        blamed_location(r, &d.status),
        message,
        &format!("{env}:{}", d.status),
    )
    .with_environment(env.clone());
    if let Some(fix) = fix_text(d) {
        finding = finding.with_fix(fix);
    }
    if let Some(super::credentials::Sourced {
        value: Credential::Secret(secret),
        ..
    }) = &r.credential
    {
        finding = finding.with_redacted(crate::checks::consistency::secret_value::redacted(secret));
    }
    finding
}

/// `missing_credentials`: nothing to try, what was looked for, and what to set. A gate that
/// could not dry-run an environment has not checked it, so the caller makes this an error for
/// the environments a deploy job selects (`--env`) and a warning otherwise.
pub fn missing_credentials(r: &Resolved, severity: Severity) -> Finding {
    let mut missing = Vec::new();
    if r.tenant.is_none() {
        missing.push("tenant id");
    }
    if r.client_id.is_none() {
        missing.push("client id");
    }
    if r.credential.is_none() {
        missing.push("secret, certificate or federated token");
    }
    let mut looked: Vec<String> = r.looked_for.clone();
    looked.dedup();
    let env = &r.environment;
    let upper = env.to_ascii_uppercase().replace(['-', '.', ' '], "_");
    let consequence = if severity == Severity::Error {
        " The deploy is not proven to authenticate, so the gate fails (--allow-missing-credentials \
         makes this a warning)."
    } else {
        ""
    };
    Finding::new(
        "dry-run-failed",
        severity,
        Location::source("dry-run"),
        format!(
            "{env}: no token request was made (missing_credentials): it has no {}. Looked for: {}.{consequence}",
            missing.join(", "),
            looked.join(", ")
        ),
        &format!("{env}:missing_credentials"),
    )
    .with_environment(env.clone())
    .with_fix(format!(
        "Give the credgate step {env}'s credentials. GitHub Actions with azure/login's \
         service-principal JSON: pass the same secret to credgate as AZURE_CREDENTIALS \
         (`env: AZURE_CREDENTIALS: ${{{{ secrets.AZURE_CREDENTIALS }}}}`, or \
         {upper}_AZURE_CREDENTIALS when several environments run in one step). Otherwise set \
         AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or \
         AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_FEDERATED_TOKEN_FILE / the job's OIDC token \
         with `permissions: id-token: write`) with --env {env}, {upper}_AZURE_CLIENT_SECRET and \
         its _TENANT_ID/_CLIENT_ID for several environments at once, or name the variables in \
         credgate.toml ([environments.{env}] client_secret_env = \"…\"). Azure Pipelines: map \
         secret variables into the step with env:, they are not visible otherwise."
    ))
}

/// `live-secret-committed`: a secret from a repository file authenticated.
pub fn live_secret_committed(r: &Resolved) -> Option<Finding> {
    let cred = r.credential.as_ref()?;
    let Credential::Secret(secret) = &cred.value else {
        return None;
    };
    let app = r.client_id.as_ref().map_or("?", |c| c.value.as_str());
    Some(
        Finding::new(
            "live-secret-committed",
            Severity::Error,
            cred.origin.location(),
            format!(
                "{}: the client secret committed at {} authenticates as app {app}: anyone with \
                 read access to the repository can sign in as this app",
                r.environment,
                cred.origin.describe()
            ),
            &secret.fingerprint(),
        )
        .with_environment(r.environment.clone())
        .with_redacted(crate::checks::consistency::secret_value::redacted(secret))
        .with_fix(format!(
            "Rotate it now: `az ad app credential reset --id {app} --append`, move the new value to \
             the CI secret store, delete the old secret from the registration, and remove it from \
             the file (it stays in git history, so rotation is required)."
        )),
    )
}

/// "tenant from X, client id from Y, client secret from Z".
pub fn origins(r: &Resolved) -> String {
    let t = r.tenant.as_ref().map_or("none".into(), |v| {
        format!("{} ({})", v.value, v.origin.describe())
    });
    let c = r.client_id.as_ref().map_or("none".into(), |v| {
        format!("{} ({})", v.value, v.origin.describe())
    });
    let (kind, s) = r
        .credential
        .as_ref()
        .map_or(("credential", "none".into()), |v| {
            (v.value.kind(), v.origin.describe())
        });
    format!("Tenant {t}, client id {c}, {kind} from {s}")
}

/// The places of the values a failed status implicates, most likely first: what a local rule
/// may already have flagged (then the failure is folded into that finding). A request that
/// never reached the authority implicates no value.
pub fn implicated(r: &Resolved, status: &str) -> Vec<Location> {
    if UNREACHED.contains(&status) {
        return Vec::new();
    }
    let tenant = r.tenant.as_ref().map(|t| t.origin.location());
    let client = r.client_id.as_ref().map(|c| c.origin.location());
    let credential = r.credential.as_ref().map(|c| c.origin.location());
    let order = match status {
        "tenant_not_found" => vec![tenant],
        "app_not_found" | "missing_service_principal" | "app_disabled" | "invalid_scope" => {
            vec![client, tenant]
        }
        "invalid_secret" | "expired_secret" | "invalid_certificate" => vec![credential, client],
        _ => vec![credential, client, tenant],
    };
    order.into_iter().flatten().collect()
}

/// The source line of the value most likely wrong for a status.
fn blamed_location(r: &Resolved, status: &str) -> Location {
    let tenant = r.tenant.as_ref().map(|t| t.origin.location());
    let client = r.client_id.as_ref().map(|c| c.origin.location());
    let credential = r.credential.as_ref().map(|c| c.origin.location());
    let order = match status {
        "tenant_not_found" => [tenant, client, credential],
        "app_not_found" | "missing_service_principal" | "app_disabled" | "invalid_scope" => {
            [client, tenant, credential]
        }
        _ => [credential, client, tenant],
    };
    order
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_else(|| Location::source("dry-run"))
}

/// `credgate explain`'s fix steps for the code, numbered, with the documentation link.
fn fix_text(d: &Diagnosis) -> Option<String> {
    if let Some(entry) = d.aadsts.and_then(crate::explain::find) {
        let steps: Vec<String> = entry
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {s}", i + 1))
            .collect();
        return Some(format!("{} See {}", steps.join(" "), entry.doc_url));
    }
    let text = match d.status.as_str() {
        "timeout" => "The authority did not answer before --timeout: check the runner's outbound network (proxy, firewall to login.microsoftonline.com), or raise --timeout.",
        "unreachable" => "The authority could not be reached (DNS, connection or TLS failure): check the runner's outbound network and proxy settings.",
        "server_error" => "The authority answered 5xx on every attempt: retry later; check https://status.azure.com if it persists.",
        "throttled" => "The authority throttled the requests (429) on every attempt: retry later, and avoid running many token requests at once.",
        _ => return None,
    };
    Some(text.to_string())
}
