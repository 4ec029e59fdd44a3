//! Which extractor reads a file, decided from its path (and, for YAML, a cheap look at its
//! content), so that the inventory costs next to nothing on ordinary source files.

/// The credential-bearing file kinds credgate understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.env`, `.env.<env>`, `<env>.env`, `.env.<env>.local`.
    Dotenv,
    /// `appsettings*.json`, Azure Functions `local.settings.json` (JSON with comments).
    AppSettings,
    /// Other JSON config under a config/deploy/env folder.
    JsonConfig,
    /// Spring `application*.properties`.
    Properties,
    /// `*.tfvars`, `*.auto.tfvars`, `*.tf`.
    Terraform,
    /// TOML config under a config/deploy/env folder.
    TomlConfig,
    /// Spring `application*.yml`, Helm values, Kubernetes manifests, docker-compose, YAML config.
    YamlConfig,
    /// `.github/workflows/*.yml`.
    GithubWorkflow,
    /// `azure-pipelines*.yml` and the pipeline templates they include.
    AzurePipeline,
}

/// Folder names under which generic JSON/YAML/TOML files are read as configuration.
const CONFIG_DIRS: &[&str] = &[
    "config",
    "configs",
    "configuration",
    "deploy",
    "deployment",
    "deployments",
    "env",
    "envs",
    "environments",
    "settings",
    "k8s",
    "kubernetes",
    "helm",
    "charts",
    "manifests",
    "infra",
    ".azure",
];

/// The kind of a file, or `None` when no extractor reads it.
pub fn detect(path: &str, bytes: &[u8]) -> Option<FileKind> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let dirs: Vec<&str> = lower.split('/').collect();
    let dirs = dirs.split_last().map_or(&[][..], |(_, dirs)| dirs);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");

    if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
        return Some(FileKind::Dotenv);
    }
    let is_yaml = matches!(ext, "yml" | "yaml");
    if is_yaml {
        if lower.starts_with(".github/workflows/") || lower.contains("/.github/workflows/") {
            return Some(FileKind::GithubWorkflow);
        }
        if name.starts_with("azure-pipelines") || looks_like_azure_pipeline(bytes) {
            return Some(FileKind::AzurePipeline);
        }
        let config_named = name.starts_with("application")
            || name.starts_with("bootstrap")
            || name.starts_with("values")
            || name.contains("compose")
            || dirs.iter().any(|d| CONFIG_DIRS.contains(d));
        if config_named || looks_like_kubernetes(bytes) {
            return Some(FileKind::YamlConfig);
        }
        return None;
    }
    match ext {
        "json" => {
            if name.starts_with("appsettings") || name == "local.settings.json" {
                Some(FileKind::AppSettings)
            } else if name.ends_with(".tfvars.json") || name.ends_with(".tf.json") {
                // Terraform's JSON syntax: the JSON reader sees the same sections
                // (`provider` → `azurerm` → `client_id`).
                Some(FileKind::JsonConfig)
            } else if dirs.iter().any(|d| CONFIG_DIRS.contains(d))
                && !name.starts_with("package")
                && !name.ends_with(".lock.json")
            {
                Some(FileKind::JsonConfig)
            } else {
                None
            }
        }
        "properties" if name.starts_with("application") || name.starts_with("bootstrap") => {
            Some(FileKind::Properties)
        }
        "tfvars" | "tf" => Some(FileKind::Terraform),
        "toml" if dirs.iter().any(|d| CONFIG_DIRS.contains(d)) => Some(FileKind::TomlConfig),
        _ => None,
    }
}

/// A YAML file with both `apiVersion:` and `kind:` at the start of a line.
fn looks_like_kubernetes(bytes: &[u8]) -> bool {
    let head = bytes.get(..64 * 1024).unwrap_or(bytes);
    memchr::memmem::find(head, b"apiVersion:").is_some()
        && memchr::memmem::find(head, b"kind:").is_some()
}

/// A YAML file whose top level has Azure Pipelines keys (`stages:`, `jobs:` or `steps:` at column
/// one, together with `pool:`, `trigger:`, `parameters:`, `variables:` or `- task:`), as local
/// templates do.
fn looks_like_azure_pipeline(bytes: &[u8]) -> bool {
    let head = bytes.get(..64 * 1024).unwrap_or(bytes);
    let at_line_start = |needle: &[u8]| {
        memchr::memmem::find_iter(head, needle).any(|i| i == 0 || head.get(i - 1) == Some(&b'\n'))
    };
    let structural =
        at_line_start(b"stages:") || at_line_start(b"jobs:") || at_line_start(b"steps:");
    let azure = at_line_start(b"pool:")
        || at_line_start(b"trigger:")
        || at_line_start(b"parameters:")
        || memchr::memmem::find(head, b"- task:").is_some()
        || memchr::memmem::find(head, b"- deployment:").is_some()
        || memchr::memmem::find(head, b"- stage:").is_some();
    structural && azure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds_by_path() {
        let k = |p: &str| detect(p, b"");
        assert_eq!(k("prod.tfvars.json"), Some(FileKind::JsonConfig));
        assert_eq!(k("stacks/main.tf.json"), Some(FileKind::JsonConfig));
        assert_eq!(k("infra/prod.auto.tfvars"), Some(FileKind::Terraform));
        assert_eq!(k(".env"), Some(FileKind::Dotenv));
        assert_eq!(k("svc/.env.staging.local"), Some(FileKind::Dotenv));
        assert_eq!(k("prod.env"), Some(FileKind::Dotenv));
        assert_eq!(
            k("src/Api/appsettings.Production.json"),
            Some(FileKind::AppSettings)
        );
        assert_eq!(k("func/local.settings.json"), Some(FileKind::AppSettings));
        assert_eq!(k("config/prod/app.json"), Some(FileKind::JsonConfig));
        assert_eq!(k("web/package.json"), None);
        assert_eq!(
            k("src/main/resources/application-prod.yml"),
            Some(FileKind::YamlConfig)
        );
        assert_eq!(
            k("src/main/resources/application-prod.properties"),
            Some(FileKind::Properties)
        );
        assert_eq!(k("charts/api/values-prod.yaml"), Some(FileKind::YamlConfig));
        assert_eq!(k("docker-compose.yml"), Some(FileKind::YamlConfig));
        assert_eq!(k("infra/prod.tfvars"), Some(FileKind::Terraform));
        assert_eq!(k("infra/main.tf"), Some(FileKind::Terraform));
        assert_eq!(
            k(".github/workflows/deploy.yml"),
            Some(FileKind::GithubWorkflow)
        );
        assert_eq!(k("azure-pipelines.yml"), Some(FileKind::AzurePipeline));
        assert_eq!(
            k("azure-pipelines-release.yaml"),
            Some(FileKind::AzurePipeline)
        );
        assert_eq!(k("src/lib.rs"), None);
        assert_eq!(k("docs/mkdocs.yml"), None);
    }

    #[test]
    fn detects_kinds_by_content() {
        assert_eq!(
            detect("manifests-x/deploy.yaml", b"apiVersion: v1\nkind: Secret\n"),
            Some(FileKind::YamlConfig)
        );
        assert_eq!(
            detect(
                "ci/templates/deploy.yml",
                b"parameters:\n- name: env\nsteps:\n- task: AzureCLI@2\n"
            ),
            Some(FileKind::AzurePipeline)
        );
    }
}
