//! The catalog of every rule id credgate can report.
//!
//! Rule ids are a stable contract (JSON, SARIF, baselines and `credgate:allow` comments use them),
//! so they are listed once here with their default severity and a one-line description. The
//! matching logic lives with each family: `checks::secrets` (hard-coded secrets),
//! `checks::consistency` (cross-environment rules) and `dryrun` (live token requests).

use crate::model::Severity;
use serde::Serialize;

/// Which part of credgate reports a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Files that could not be read or parsed.
    Input,
    /// Hard-coded secrets (`checks::secrets`).
    Secrets,
    /// Cross-environment consistency (`checks::consistency`).
    Consistency,
    /// Live token requests (`dryrun`).
    DryRun,
}

/// Static description of one rule id.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RuleInfo {
    /// The stable id.
    pub id: &'static str,
    /// Default severity (configurable per rule).
    pub severity: Severity,
    /// Which part of credgate reports it.
    pub family: Family,
    /// One line: what the rule finds.
    pub description: &'static str,
}

impl RuleInfo {
    /// Where the rule is documented, used as SARIF `helpUri`.
    pub fn help_uri(&self) -> String {
        format!(
            "https://github.com/credgate/credgate/blob/main/docs/rules.md#{}",
            self.id
        )
    }

    /// GitHub code scanning's `security-severity` (0.0–10.0): critical for live secrets in the
    /// tree, high for errors, medium for warnings, low for notes.
    pub fn security_severity(&self) -> &'static str {
        match (self.family, self.severity) {
            (Family::Secrets, Severity::Error) => "9.0",
            (_, Severity::Error) => "7.5",
            (_, Severity::Warning) => "5.0",
            (_, Severity::Note) => "2.0",
        }
    }
}

use Family::*;
use Severity::*;

/// Every rule, in the order `credgate rules` lists them.
#[rustfmt::skip]
pub const RULES: &[RuleInfo] = &[
    RuleInfo { id: "parse-error", severity: Note, family: Input, description: "A file could not be read or parsed; the run went on without it." },
    RuleInfo { id: "azure-client-secret", severity: Error, family: Secrets, description: "An Entra ID client secret value (the xxx8Q~… or xxx7Q~… format) is committed." },
    RuleInfo { id: "azure-storage-key", severity: Error, family: Secrets, description: "An Azure Storage account key is committed." },
    RuleInfo { id: "azure-connection-string", severity: Error, family: Secrets, description: "A connection string with AccountKey= or SharedAccessKey= (Storage, Service Bus, Event Hubs, Cosmos DB) is committed." },
    RuleInfo { id: "azure-sas-token", severity: Error, family: Secrets, description: "A shared access signature (sv=…&sig=…) is committed." },
    RuleInfo { id: "azure-devops-pat", severity: Error, family: Secrets, description: "An Azure DevOps personal access token is committed." },
    RuleInfo { id: "azure-login-creds", severity: Error, family: Secrets, description: "The creds JSON of azure/login (service principal with clientSecret) is committed." },
    RuleInfo { id: "private-key", severity: Error, family: Secrets, description: "A PEM private key is committed." },
    RuleInfo { id: "generic-secret-assignment", severity: Warning, family: Secrets, description: "A high-entropy literal is assigned to a secret-like key (legacy Entra secrets are found here)." },
    RuleInfo { id: "client-id-mismatch", severity: Error, family: Consistency, description: "One environment declares two different client ids across its sources." },
    RuleInfo { id: "tenant-id-mismatch", severity: Error, family: Consistency, description: "One environment declares two different tenants across its sources." },
    RuleInfo { id: "cross-env-client-id", severity: Error, family: Consistency, description: "An environment uses the client id that belongs to another environment." },
    RuleInfo { id: "cross-env-secret-reference", severity: Error, family: Consistency, description: "A job or stage of one environment references a secret, variable or group named for another." },
    RuleInfo { id: "secret-reuse", severity: Error, family: Consistency, description: "The same secret value is used in two environments." },
    RuleInfo { id: "missing-credential", severity: Warning, family: Consistency, description: "An environment lacks a tenant, client id or secret that the other environments have." },
    RuleInfo { id: "malformed-id", severity: Error, family: Consistency, description: "A tenant or client id is not a GUID (or the tenant not a domain)." },
    RuleInfo { id: "secret-whitespace", severity: Error, family: Consistency, description: "A secret has leading or trailing whitespace or stray quotes." },
    RuleInfo { id: "secret-id-as-value", severity: Error, family: Consistency, description: "A GUID sits where the secret value belongs: the Secret ID was pasted instead of the value." },
    RuleInfo { id: "placeholder-credential", severity: Error, family: Consistency, description: "A deployed environment still holds a placeholder such as <client-secret> or changeme." },
    RuleInfo { id: "redirect-uri-mismatch", severity: Warning, family: Consistency, description: "A production redirect URI points at localhost or another environment's host." },
    RuleInfo { id: "authority-mismatch", severity: Error, family: Consistency, description: "An environment's authority host or cloud disagrees across its sources." },
    RuleInfo { id: "dry-run-failed", severity: Error, family: DryRun, description: "The live client-credentials token request failed; the status and AADSTS code say why." },
    RuleInfo { id: "live-secret-committed", severity: Error, family: DryRun, description: "A secret found in the repository's files authenticates: rotate it now." },
    RuleInfo { id: "dry-run-clock-skew", severity: Warning, family: DryRun, description: "The local clock differs from the authority's by more than 5 minutes." },
    RuleInfo { id: "dry-run-token-mismatch", severity: Error, family: DryRun, description: "The token's appid or tid differ from the configured client or tenant id." },
    RuleInfo { id: "dry-run-missing-role", severity: Error, family: DryRun, description: "The token lacks an app role that the configuration requires." },
    RuleInfo { id: "secret-expiring", severity: Warning, family: DryRun, description: "Graph or Key Vault says the secret in use expires within the warning window." },
    RuleInfo { id: "keyvault-unreadable", severity: Warning, family: DryRun, description: "An environment's secret is a Key Vault reference the CI identity could not read; it was not dry-run." },
    RuleInfo { id: "remote-source", severity: Warning, family: Input, description: "A CI platform's variables could not be read (token rejected, permission missing, rate limit); the rules ran without them." },
    RuleInfo { id: "history-incomplete", severity: Warning, family: Input, description: "The git history asked for (a pull request's commits, --history) is not all in the clone (a shallow clone, a missing base); what is missing was not scanned." },
];

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(r
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            assert!(!r.description.is_empty());
        }
    }

    #[test]
    fn find_knows_every_id() {
        assert!(find("azure-client-secret").is_some());
        assert!(find("nope").is_none());
    }
}
