//! `credgate.toml`: the optional per-repository configuration.
//!
//! Unknown keys are errors that name the key, file and line, so a typo never silently disables a
//! setting. Loading is I/O; everything after it works on the parsed [`Config`].

use crate::model::{Finding, Severity};
use anyhow::{anyhow, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default configuration file name, looked for at the scan root.
pub const DEFAULT_FILE: &str = "credgate.toml";

/// The whole configuration file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What to scan.
    #[serde(default)]
    pub scan: ScanConfig,
    /// Per-rule overrides, keyed by rule id.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
    /// Accepted findings.
    #[serde(default)]
    pub allow: AllowConfig,
    /// Environments: aliases and what each should look like.
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentConfig>,
    /// Apps that several environments legitimately share (e.g. one multi-tenant app).
    #[serde(default)]
    pub shared_apps: Vec<SharedAppConfig>,
    /// The variables holding the identity that reads Key Vault, when they are not the
    /// azure-identity ones.
    #[serde(default)]
    pub keyvault: KeyVaultConfig,
}

/// `[keyvault]`: which variables hold the CI identity that reads the secrets Key Vault
/// references point at (default: `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`,
/// `AZURE_CLIENT_CERTIFICATE_PATH`, `AZURE_FEDERATED_TOKEN_FILE`). Named variables are the
/// reader even with one `--env`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyVaultConfig {
    /// The reader's tenant id variable.
    pub tenant_id_env: Option<String>,
    /// The reader's client id variable.
    pub client_id_env: Option<String>,
    /// The reader's client secret variable.
    pub client_secret_env: Option<String>,
    /// The reader's certificate path variable.
    pub certificate_path_env: Option<String>,
    /// The reader's federated token file variable.
    pub federated_token_file_env: Option<String>,
}

impl KeyVaultConfig {
    /// Whether any variable is named.
    pub fn names_any(&self) -> bool {
        [
            &self.tenant_id_env,
            &self.client_id_env,
            &self.client_secret_env,
            &self.certificate_path_env,
            &self.federated_token_file_env,
        ]
        .iter()
        .any(|v| v.is_some())
    }
}

/// `[environments.<name>]`: declares an environment (so its folder and file-name parts are
/// recognised), its aliases, and what its values should be.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    /// Other names that fold to this environment (`prd-weu`, `live`…).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The tenant this environment must use; a different one is `tenant-id-mismatch`.
    pub tenant_id: Option<String>,
    /// The client id this environment must use; a different one is `client-id-mismatch`.
    pub client_id: Option<String>,
    /// Extra hosts its redirect URIs may use.
    #[serde(default)]
    pub redirect_hosts: Vec<String>,
    /// Whether it is deployed (placeholders are errors there); default: all but development.
    pub deployed: Option<bool>,
    /// Name of the process variable holding the dry-run's client secret (`PROD_SP_SECRET`):
    /// the first place the dry-run looks, so CI secrets with any naming scheme can be used.
    pub client_secret_env: Option<String>,
    /// Name of the process variable holding the tenant id for the dry-run.
    pub tenant_id_env: Option<String>,
    /// Name of the process variable holding the client id for the dry-run.
    pub client_id_env: Option<String>,
    /// Name of the process variable holding a certificate path (PEM or PFX) for the dry-run.
    pub certificate_path_env: Option<String>,
    /// Name of the process variable holding the PFX password, when the certificate needs one.
    pub certificate_password_env: Option<String>,
    /// App roles the environment's token must carry; a missing one is `dry-run-missing-role`.
    #[serde(default)]
    pub required_roles: Vec<String>,
    /// The scope the dry-run requests instead of the cloud's Graph `/.default`.
    pub scope: Option<String>,
}

/// `[[shared_apps]]`: a client id that the listed environments may share.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedAppConfig {
    /// The shared client id.
    pub client_id: String,
    /// Environments that share it; empty means all.
    #[serde(default)]
    pub environments: Vec<String>,
    /// Why it is shared, for readers.
    pub description: Option<String>,
}

/// `[scan]`: what the walker reads.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Paths to leave out, `.gitignore` syntax, relative to the root (e.g. `tests/fixtures/`).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Skip files larger than this many bytes (the command line wins when given).
    pub max_file_size: Option<u64>,
}

/// `[rules.<id>]`: turn a rule off or change its severity.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// `false` drops the rule's findings.
    pub enabled: Option<bool>,
    /// Replaces the rule's default severity.
    pub severity: Option<Severity>,
}

/// `[allow]`: findings accepted by fingerprint (as `credgate baseline` writes them).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowConfig {
    /// Finding fingerprints to hide.
    #[serde(default)]
    pub fingerprints: Vec<String>,
}

impl Config {
    /// Parses configuration text; `origin` names the file in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let (line, col) = line_col(text, span.start);
                    format!("{origin}:{line}:{col}")
                })
                .unwrap_or_else(|| origin.to_string());
            anyhow!("{place}: {}", e.message())
        })?;
        for id in config.rules.keys() {
            if crate::rules::find(id).is_none() {
                return Err(anyhow!(
                    "{origin}: unknown rule id `{id}` in [rules]; `credgate rules` lists them"
                ));
            }
        }
        Ok(config)
    }

    /// Loads the configuration: the explicit file (which must exist), else `credgate.toml` at the
    /// root when present, else defaults. Returns the path that was read, if any.
    pub fn load(explicit: Option<&Path>, root: &Path) -> Result<(Config, Option<PathBuf>)> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let candidate = root.join(DEFAULT_FILE);
                if !candidate.is_file() {
                    return Ok((Config::default(), None));
                }
                candidate
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let config = Config::parse(&text, &path.display().to_string())?;
        Ok((config, Some(path)))
    }

    /// Applies per-rule overrides and the fingerprint allow-list; returns the findings to keep.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| !self.allow.fingerprints.iter().any(|a| a == &f.fingerprint))
            .filter_map(|mut f| {
                if let Some(rule) = self.rules.get(&f.rule_id) {
                    if rule.enabled == Some(false) {
                        return None;
                    }
                    if let Some(severity) = rule.severity {
                        f.severity = severity;
                    }
                }
                Some(f)
            })
            .collect()
    }
}

impl Config {
    /// What the configuration contributes to the inventory.
    pub fn inventory_settings(&self) -> crate::inventory::build::InventorySettings {
        use crate::model::{EnvironmentExpectation, SharedApp};
        let mut settings = crate::inventory::build::InventorySettings::default();
        for (name, env) in &self.environments {
            settings.declared.insert(name.clone(), env.aliases.clone());
            settings.expectations.insert(
                name.clone(),
                EnvironmentExpectation {
                    tenant_id: env.tenant_id.clone(),
                    client_id: env.client_id.clone(),
                    redirect_hosts: env.redirect_hosts.clone(),
                    deployed: env.deployed,
                },
            );
        }
        settings.shared_apps = self
            .shared_apps
            .iter()
            .map(|app| SharedApp {
                client_id: app.client_id.clone(),
                environments: app.environments.clone(),
            })
            .collect();
        settings
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    #[test]
    fn parses_rules_and_allow() {
        let c = Config::parse(
            "[scan]\nignore = [\"vendor/\"]\n[rules.generic-secret-assignment]\nseverity = \"note\"\n[rules.private-key]\nenabled = false\n[allow]\nfingerprints = [\"abc\"]\n",
            "credgate.toml",
        )
        .unwrap();
        assert_eq!(c.scan.ignore, vec!["vendor/"]);
        let f = |rule: &str, fp: &str| {
            let mut f = Finding::new(rule, Severity::Error, Location::whole_file("a"), "m", "x");
            f.fingerprint = fp.into();
            f
        };
        let kept = c.apply(vec![
            f("generic-secret-assignment", "1"),
            f("private-key", "2"),
            f("azure-sas-token", "abc"),
            f("azure-sas-token", "3"),
        ]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].severity, Severity::Note);
    }

    #[test]
    fn parses_environments_and_shared_apps() {
        let c = Config::parse(
            "[environments.production]\naliases = [\"weu-live\"]\nclient_id = \"11111111-1111-1111-1111-111111111111\"\nredirect_hosts = [\"app.contoso.com\"]\n\n[[shared_apps]]\nclient_id = \"22222222-2222-2222-2222-222222222222\"\nenvironments = [\"staging\", \"production\"]\n",
            "credgate.toml",
        )
        .unwrap();
        let s = c.inventory_settings();
        assert_eq!(s.declared["production"], vec!["weu-live"]);
        assert!(s.expectations["production"].client_id.is_some());
        assert_eq!(s.shared_apps[0].environments.len(), 2);
        let err = Config::parse("[environments.prod]\nclientid = \"x\"\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("c.toml:2:1"), "{err}");
    }

    #[test]
    fn parses_dry_run_settings() {
        let c = Config::parse(
            "[environments.production]\nclient_secret_env = \"PROD_SP_SECRET\"\ntenant_id_env = \"PROD_TENANT\"\nclient_id_env = \"PROD_CLIENT\"\ncertificate_path_env = \"PROD_CERT\"\ncertificate_password_env = \"PROD_CERT_PW\"\nrequired_roles = [\"Orders.Read\"]\nscope = \"api://orders/.default\"\n",
            "credgate.toml",
        )
        .unwrap();
        let p = &c.environments["production"];
        assert_eq!(p.client_secret_env.as_deref(), Some("PROD_SP_SECRET"));
        assert_eq!(p.tenant_id_env.as_deref(), Some("PROD_TENANT"));
        assert_eq!(p.client_id_env.as_deref(), Some("PROD_CLIENT"));
        assert_eq!(p.certificate_path_env.as_deref(), Some("PROD_CERT"));
        assert_eq!(p.certificate_password_env.as_deref(), Some("PROD_CERT_PW"));
        assert_eq!(p.required_roles, vec!["Orders.Read"]);
        assert_eq!(p.scope.as_deref(), Some("api://orders/.default"));
        assert!(Config::parse("[environments.production]\nclient_secret = \"x\"\n", "c").is_err());
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::parse("[scan]\nignroe = []\n", "credgate.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("credgate.toml:2:1"), "{msg}");
        assert!(msg.contains("ignroe"), "{msg}");
    }

    #[test]
    fn unknown_rule_id_is_an_error() {
        let err = Config::parse("[rules.no-such-rule]\nenabled = false\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("no-such-rule"));
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
