//! Environment names: folding aliases to canonical names, the promotion order, and inferring a
//! file's environment from its name or folder.
//!
//! docs/design.md: `prod|prd|production|live` → production, `stg|stage|staging|preprod` → staging,
//! `dev|development` → development, `test|tst|qa` → test; other names are kept lower-cased. A
//! file name that a framework reads for one environment (`appsettings.UAT.json`,
//! `application-perf.yml`, `.env.canary`, `.azure/dr/.env`) names it whatever it is; any other
//! file-name part or folder counts as an environment only when it is a known alias, a name
//! declared in `credgate.toml`, or a name some pipeline uses, so `deploy/k8s/` is not an
//! environment called `k8s`.

use std::collections::{BTreeMap, BTreeSet};

/// The canonical names with a place in the promotion order.
pub const DEVELOPMENT: &str = "development";
/// See [`DEVELOPMENT`].
pub const TEST: &str = "test";
/// See [`DEVELOPMENT`].
pub const STAGING: &str = "staging";
/// See [`DEVELOPMENT`].
pub const PRODUCTION: &str = "production";

const BUILT_IN_ALIASES: &[(&str, &str)] = &[
    ("prod", PRODUCTION),
    ("prd", PRODUCTION),
    ("production", PRODUCTION),
    ("live", PRODUCTION),
    ("stg", STAGING),
    ("stage", STAGING),
    ("staging", STAGING),
    ("preprod", STAGING),
    ("dev", DEVELOPMENT),
    ("development", DEVELOPMENT),
    ("test", TEST),
    ("tst", TEST),
    ("qa", TEST),
];

/// Knows which names are environments and what they fold to.
#[derive(Clone, Debug)]
pub struct EnvironmentNames {
    /// Lower-cased alias → canonical name.
    aliases: BTreeMap<String, String>,
}

impl Default for EnvironmentNames {
    fn default() -> Self {
        let aliases = BUILT_IN_ALIASES
            .iter()
            .map(|(a, c)| (a.to_string(), c.to_string()))
            .collect();
        Self { aliases }
    }
}

impl EnvironmentNames {
    /// Declares an environment (from `credgate.toml` or a pipeline's `environment:`) with extra
    /// aliases. The name itself becomes known; aliases fold to its canonical form.
    pub fn declare(&mut self, name: &str, aliases: &[String]) {
        let canonical = self.canonical(name);
        self.aliases
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| canonical.clone());
        for alias in aliases {
            self.aliases
                .insert(alias.to_ascii_lowercase(), canonical.clone());
        }
    }

    /// The canonical name of any environment name: a known alias folds, anything else is kept
    /// lower-cased.
    pub fn canonical(&self, name: &str) -> String {
        let lower = name.trim().to_ascii_lowercase();
        self.aliases.get(&lower).cloned().unwrap_or(lower)
    }

    /// The canonical name when `name` is a known environment name, else `None`.
    pub fn known(&self, name: &str) -> Option<String> {
        self.aliases.get(&name.to_ascii_lowercase()).cloned()
    }

    /// Every canonical name known so far.
    pub fn canonical_names(&self) -> BTreeSet<String> {
        self.aliases.values().cloned().collect()
    }

    /// Every alias (lower-case) that folds to `canonical`, the canonical name included.
    pub fn aliases_of(&self, canonical: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .aliases
            .iter()
            .filter(|(_, c)| c.as_str() == canonical)
            .map(|(a, _)| a.clone())
            .collect();
        if !out.iter().any(|a| a == canonical) {
            out.push(canonical.to_string());
        }
        out
    }

    /// The environment a file belongs to by its path: the file name's parts first
    /// (`appsettings.Production.json`, `.env.staging`, `application-prod.yml`, `values-prod.yaml`,
    /// `prod.tfvars`), then folders from the innermost out (`env/prod/…`, `deploy/staging/…`).
    /// Templates (`.env.example`, `*.sample.json`, …) belong to none.
    pub fn infer_from_path(&self, path: &str) -> Option<String> {
        if is_template(path) {
            return None;
        }
        let mut components: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        let file = components.pop()?;
        if let Some(name) = framework_environment(&components, file) {
            return Some(self.canonical(name));
        }
        if let Some(env) = self.env_of_component(file, true) {
            return Some(env);
        }
        components
            .iter()
            .rev()
            .find_map(|dir| self.env_of_component(dir, false))
    }

    fn env_of_component(&self, component: &str, is_file: bool) -> Option<String> {
        if !is_file {
            if let Some(env) = self.known(component) {
                return Some(env);
            }
        }
        component
            .split(['.', '-', '_'])
            .filter(|p| !p.is_empty())
            .find_map(|part| self.known(part))
    }
}

/// Whether a framework reads `path` for one environment by its name alone
/// (`appsettings.UAT.json`, `.env.canary`), so the file defines that environment even when it
/// sets no credential itself: the environment then runs on what it inherits.
///
/// Called for every scanned file, so it allocates nothing: the framework conventions look at
/// the file name and at most its two innermost folders.
pub fn names_an_environment(path: &str) -> bool {
    let mut parts = path.rsplit('/').filter(|c| !c.is_empty());
    let Some(file) = parts.next() else {
        return false;
    };
    let (parent, grandparent) = (parts.next(), parts.next());
    let folders: &[&str] = match (grandparent, parent) {
        (Some(g), Some(p)) => &[g, p],
        (None, Some(p)) => &[p],
        _ => &[],
    };
    framework_environment(folders, file).is_some() && !is_template(path)
}

/// The environment a framework reads a file for, by the file's name: ASP.NET's
/// `appsettings.{Environment}.json`, Spring's `application-{profile}.yml|yaml|properties`,
/// dotenv-flow's, Vite's and Next.js's `.env.{mode}` (and `.env.{mode}.local`), and the Azure
/// Developer CLI's `.azure/{environment}/.env` and `config.json`. These names are environments
/// whatever they are (`appsettings.UAT.json` is `uat`), unlike other file-name parts and
/// folders, which must be known names.
fn framework_environment<'a>(folders: &[&'a str], file: &'a str) -> Option<&'a str> {
    let lower = file.to_ascii_lowercase();
    let name = if let Some(rest) = strip_prefix_ignore_case(file, "appsettings.") {
        rest.strip_suffix(".json")
            .or_else(|| rest.strip_suffix(".JSON"))
    } else if let Some(rest) = strip_prefix_ignore_case(file, "application-") {
        [".yml", ".yaml", ".properties"]
            .iter()
            .find_map(|ext| rest.strip_suffix(ext))
    } else if let Some(rest) = file.strip_prefix(".env.") {
        let mode = rest.strip_suffix(".local").unwrap_or(rest);
        // `.env.local` overrides every mode; it names none.
        (!lower.ends_with(".env.local")).then_some(mode)
    } else if (file == ".env" || file == "config.json")
        && folders.len() >= 2
        && folders.get(folders.len() - 2) == Some(&".azure")
    {
        folders.last().copied()
    } else {
        None
    };
    name.filter(|n| {
        !n.is_empty()
            && !n.contains('.')
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// Files that hold placeholders by design and describe no environment.
pub fn is_template(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    const MARKERS: &[&str] = &["example", "sample", "template", "dist", "tmpl"];
    file.split(['.', '-', '_'])
        .any(|part| MARKERS.contains(&part))
}

/// Position in the promotion order `development < test < (others) < staging < production`.
/// Where a rule involves two environments the finding sits on the later one.
pub fn promotion_rank(canonical: &str) -> u8 {
    match canonical {
        DEVELOPMENT => 0,
        TEST => 1,
        STAGING => 3,
        PRODUCTION => 4,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_a_framework_reads_for_one_environment() {
        for named in [
            "appsettings.UAT.json",
            "src/Api/appsettings.Perf.json",
            "web/.env.canary",
            ".azure/dr/.env",
            "infra/.azure/westeurope-prod/config.json",
            "src/main/resources/application-canary.yml",
        ] {
            assert!(names_an_environment(named), "{named}");
        }
        for not_named in [
            "appsettings.json",
            ".env",
            ".env.local",
            ".env.example",
            "appsettings.Example.json",
            "deploy/k8s/values.yaml",
            "config.json",
            "dr/config.json",
        ] {
            assert!(!names_an_environment(not_named), "{not_named}");
        }
    }

    #[test]
    fn aliases_fold() {
        let n = EnvironmentNames::default();
        for (alias, canonical) in [
            ("PROD", "production"),
            ("prd", "production"),
            ("Live", "production"),
            ("stg", "staging"),
            ("preprod", "staging"),
            ("stage", "staging"),
            ("dev", "development"),
            ("QA", "test"),
            ("tst", "test"),
            ("UAT", "uat"),
            ("westeurope-prod", "westeurope-prod"),
        ] {
            assert_eq!(n.canonical(alias), canonical, "{alias}");
        }
    }

    #[test]
    fn infers_from_file_names() {
        let n = EnvironmentNames::default();
        for (path, env) in [
            ("src/Api/appsettings.Production.json", Some("production")),
            ("appsettings.json", None),
            (".env.staging", Some("staging")),
            (".env.staging.local", Some("staging")),
            ("prod.env", Some("production")),
            (
                "src/main/resources/application-prod.yml",
                Some("production"),
            ),
            ("charts/api/values-stg.yaml", Some("staging")),
            ("infra/prod.tfvars", Some("production")),
            ("env/prod/main.tf", Some("production")),
            ("deploy/staging/config.yaml", Some("staging")),
            ("deploy/k8s/service.yaml", None),
            (".env.example", None),
            ("appsettings.Example.json", None),
            ("config/app.sample.json", None),
            ("src/devices/driver.rs", None),
        ] {
            assert_eq!(n.infer_from_path(path).as_deref(), env, "{path}");
        }
    }

    #[test]
    fn framework_file_names_define_environments_whatever_the_name() {
        let n = EnvironmentNames::default();
        for (path, env) in [
            ("src/Api/appsettings.UAT.json", Some("uat")),
            ("appsettings.Perf.json", Some("perf")),
            ("appsettings.DR.json", Some("dr")),
            ("appsettings.westeurope-prod.json", Some("westeurope-prod")),
            ("src/main/resources/application-canary.yml", Some("canary")),
            ("application-uat.properties", Some("uat")),
            (".env.canary", Some("canary")),
            (".env.uat.local", Some("uat")),
            (".env.local", None),
            (".azure/uat/.env", Some("uat")),
            (".azure/prod/config.json", Some("production")),
            ("appsettings.Development.json", Some("development")),
            // Folders keep the stricter rule.
            ("deploy/k8s/service.yaml", None),
            ("canary/values.yaml", None),
            ("appsettings.json", None),
            ("local.settings.json", None),
        ] {
            assert_eq!(n.infer_from_path(path).as_deref(), env, "{path}");
        }
    }

    #[test]
    fn declared_names_become_environments() {
        let mut n = EnvironmentNames::default();
        assert_eq!(n.infer_from_path("deploy/uat/values.yaml"), None);
        n.declare("uat", &["acceptance".to_string()]);
        assert_eq!(
            n.infer_from_path("deploy/uat/values.yaml").as_deref(),
            Some("uat")
        );
        assert_eq!(n.canonical("Acceptance"), "uat");
        n.declare("production", &["prod-weu".to_string()]);
        assert_eq!(n.canonical("prod-weu"), "production");
        assert_eq!(
            n.infer_from_path("env/prod-weu/x.tfvars").as_deref(),
            Some("production")
        );
    }

    #[test]
    fn promotion_order() {
        assert!(promotion_rank("development") < promotion_rank("test"));
        assert!(promotion_rank("test") < promotion_rank("uat"));
        assert!(promotion_rank("uat") < promotion_rank("staging"));
        assert!(promotion_rank("staging") < promotion_rank("production"));
    }
}
