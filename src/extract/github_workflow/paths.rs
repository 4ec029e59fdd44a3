//! Settings files a workflow step hands to a command or action, e.g.
//! `dotnet run --settings appsettings.Production.json`, `az deployment group create
//! --parameters @infra/prod.parameters.json`, `with: app-settings-json: ./settings/prod.json`.
//!
//! Best effort, by design: any word of a `run:` script or of an input value that looks like a
//! relative path to a configuration file (a known extension, or a `.env.*` name) counts. Words
//! with expressions, variables, globs or URLs are skipped, since they cannot be resolved from the
//! file. The inventory uses these to give such a file the job's environment when neither its
//! name nor its folder says which environment it belongs to.

use super::shared::resolve_path;

/// Extensions of files that hold configuration.
const CONFIG_EXTENSIONS: &[&str] = &[
    "json",
    "jsonc",
    "env",
    "yml",
    "yaml",
    "properties",
    "tfvars",
    "toml",
    "ini",
    "conf",
    "config",
];

/// Prefixes meaning "the checked-out repository", removed before a word is read as a path.
const WORKSPACE_PREFIXES: &[&str] = &[
    "${{ github.workspace }}/",
    "${{github.workspace}}/",
    "${GITHUB_WORKSPACE}/",
    "$GITHUB_WORKSPACE/",
];

/// Stands for a workspace prefix while the text is split into words.
const ROOT_MARKER: &str = "\u{1}";

/// Characters that make a word something other than a plain relative path.
const NOT_IN_PATHS: &[char] = &['$', '*', '?', '{', '}', '<', '>', '%', '~', '|', '&', '!'];

/// The repository-relative configuration files named in `text`, resolved against
/// `working_dir` (a repository-relative folder, `""` for the root).
pub(crate) fn config_paths(text: &str, working_dir: &str) -> Vec<String> {
    // The workspace prefixes hold spaces, so they are replaced by a marker before the text is
    // split into words; a marked word is relative to the repository root.
    let mut cleaned = text.to_string();
    for prefix in WORKSPACE_PREFIXES {
        if cleaned.contains(prefix) {
            cleaned = cleaned.replace(prefix, ROOT_MARKER);
        }
    }
    cleaned
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '=' | ',' | ';' | '(' | ')' | '`')
        })
        .filter_map(|word| {
            let word = word.trim_start_matches('@').trim_end_matches([':', '.']);
            let (base, word) = match word.strip_prefix(ROOT_MARKER) {
                Some(rest) => ("", rest),
                None => (working_dir, word),
            };
            is_config_path(word)
                .then(|| resolve_path(base, word))
                .flatten()
        })
        .collect()
}

/// Whether a word is a relative path to a configuration file.
fn is_config_path(word: &str) -> bool {
    if word.is_empty()
        || word.starts_with(['-', '/'])
        || word.contains("://")
        || word.contains(NOT_IN_PATHS)
    {
        return false;
    }
    let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
    if name.starts_with(".env.") || name == ".env" {
        return true;
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && CONFIG_EXTENSIONS
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(ext))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_settings_files_in_scripts() {
        let script = "dotnet run --settings appsettings.Production.json\naz deployment group create --parameters @infra/prod.parameters.json --name x\ncp .env.production ./out/";
        assert_eq!(
            config_paths(script, ""),
            vec![
                "appsettings.Production.json",
                "infra/prod.parameters.json",
                ".env.production"
            ]
        );
    }

    #[test]
    fn resolves_against_the_working_directory() {
        assert_eq!(
            config_paths("--settings=./config/prod.json", "src/api"),
            vec!["src/api/config/prod.json"]
        );
        assert_eq!(
            config_paths(
                "${{ github.workspace }}/deploy/values-prod.yaml",
                "ignored/for/root"
            ),
            vec!["deploy/values-prod.yaml"]
        );
    }

    #[test]
    fn skips_what_cannot_be_resolved() {
        for text in [
            "https://example.com/x.json",
            "/etc/app/settings.json",
            "${{ inputs.file }}.json",
            "$SETTINGS.json",
            "**/*.json",
            "../../outside.json",
            "echo done.",
            "version 1.2",
            "--config",
        ] {
            assert!(config_paths(text, "").is_empty(), "{text}");
        }
    }
}
