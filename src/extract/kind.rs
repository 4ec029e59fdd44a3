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

/// Folders where teams keep Azure Pipelines definitions and templates; a YAML file there with a
/// top-level pipeline key is read as one, whatever else it holds.
const PIPELINE_DIRS: &[&str] = &[
    ".azuredevops",
    ".azure-pipelines",
    "azure-pipelines",
    ".pipelines",
    "pipelines",
];

/// Top-level keys of an Azure Pipelines file or template (pipeline, stages, jobs, steps or
/// variables template).
const PIPELINE_KEYS: &[&[u8]] = &[
    b"stages:",
    b"jobs:",
    b"steps:",
    b"variables:",
    b"extends:",
    b"parameters:",
    b"trigger:",
    b"pr:",
    b"resources:",
    b"schedules:",
    b"pool:",
];

/// A name that says "pipeline": `deploy.pipeline.yml`, `release-pipeline.yaml`,
/// `ci_pipelines.yml`, `pipeline.yml` (the extension already checked).
fn is_pipeline_name(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    ["pipeline", "pipelines"].iter().any(|word| {
        stem == *word
            || stem
                .strip_suffix(word)
                .is_some_and(|rest| rest.ends_with(['.', '-', '_']))
    })
}

/// Whether `key` starts a line of the first 64 KiB (a top-level YAML key).
fn at_line_start(bytes: &[u8], key: &[u8]) -> bool {
    let head = bytes.get(..64 * 1024).unwrap_or(bytes);
    memchr::memmem::find_iter(head, key).any(|i| i == 0 || head.get(i - 1) == Some(&b'\n'))
}

/// Whether the file has any top-level Azure Pipelines key.
fn has_pipeline_key(bytes: &[u8]) -> bool {
    PIPELINE_KEYS.iter().any(|key| at_line_start(bytes, key))
}

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
        let pipeline_place =
            is_pipeline_name(name) || dirs.iter().any(|d| PIPELINE_DIRS.contains(d));
        if name.starts_with("azure-pipelines")
            || (pipeline_place && has_pipeline_key(bytes))
            || looks_like_azure_pipeline(bytes)
        {
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

/// Items only Azure Pipelines lists hold (`- task: AzureCLI@2`, `- deployment: web`, …). Not
/// `- job:` or `- template:`, which GitLab CI writes too (`needs: [- job: x]`, `include:
/// [- template: x]`).
const PIPELINE_ITEMS: &[&[u8]] = &[
    b"- task:",
    b"- deployment:",
    b"- stage:",
    b"- checkout:",
    b"- bash:",
    b"- pwsh:",
    b"- powershell:",
    b"- script:",
];

/// A YAML file anywhere whose top level has Azure Pipelines keys: `stages:`, `jobs:`, `steps:`
/// or `extends:` at column one, together with `trigger:`, `pr:`, `pool:`, `parameters:`,
/// `resources:`, `schedules:` at column one or an item only a pipeline holds (`- task:`,
/// `- deployment:`, `- script:` …), as pipelines and their local templates do. `variables:`
/// alone is no evidence (GitLab CI has `stages:` and `variables:` too).
fn looks_like_azure_pipeline(bytes: &[u8]) -> bool {
    let head = bytes.get(..64 * 1024).unwrap_or(bytes);
    let structural = [&b"stages:"[..], b"jobs:", b"steps:", b"extends:"]
        .iter()
        .any(|key| at_line_start(head, key));
    let azure = [
        &b"pool:"[..],
        b"trigger:",
        b"pr:",
        b"parameters:",
        b"resources:",
        b"schedules:",
    ]
    .iter()
    .any(|key| at_line_start(head, key))
        || PIPELINE_ITEMS
            .iter()
            .any(|item| memchr::memmem::find(head, item).is_some());
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
    fn pipelines_outside_the_root_file() {
        let steps = b"steps:\n- bash: echo\n";
        let vars = b"variables:\n- name: AZURE_CLIENT_ID\n  value: x\n";
        assert_eq!(
            detect(".azuredevops/templates/login.yml", steps),
            Some(FileKind::AzurePipeline)
        );
        assert_eq!(
            detect("pipelines/vars/prod.yml", vars),
            Some(FileKind::AzurePipeline)
        );
        assert_eq!(
            detect("build/app.pipeline.yml", b"jobs:\n- job: a\n"),
            Some(FileKind::AzurePipeline)
        );
        assert_eq!(
            detect("ci/release-pipeline.yaml", vars),
            Some(FileKind::AzurePipeline)
        );
        assert_eq!(
            detect(
                "deploy-stages.yaml",
                b"trigger: none\nstages:\n- stage: a\n"
            ),
            Some(FileKind::AzurePipeline)
        );
        assert_eq!(
            detect(
                "release.yml",
                b"trigger:\n- main\nextends:\n  template: t.yml\n"
            ),
            Some(FileKind::AzurePipeline)
        );
        // A pipeline folder or name needs a pipeline key; GitLab CI is not Azure Pipelines.
        assert_eq!(detect("pipelines/notes.yml", b"title: x\n"), None);
        assert_eq!(detect("pipelines.yml", b"a: 1\n"), None);
        assert_eq!(
            detect(
                ".gitlab-ci.yml",
                b"stages:\n  - build\nvariables:\n  A: b\n"
            ),
            None
        );
        let gitlab = b"include:\n  - template: Security/SAST.gitlab-ci.yml\nstages: [build, deploy]\ndeploy:\n  stage: deploy\n  needs:\n    - job: build\n  script:\n    - ./deploy.sh\n";
        assert_eq!(detect(".gitlab-ci.yml", gitlab), None);
        assert_eq!(
            detect(
                "ci/jobs.yml",
                b"jobs:\n- job: build\n  steps:\n  - script: make\n"
            ),
            Some(FileKind::AzurePipeline)
        );
        assert!(!is_pipeline_name("mypipeline.yml"));
        assert!(is_pipeline_name("pipeline.yaml"));
        assert!(is_pipeline_name("ci_pipelines.yml"));
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
