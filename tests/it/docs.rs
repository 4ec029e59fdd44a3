//! Documentation that must not drift from the code.

#[test]
fn every_rule_has_a_section_in_docs_rules_md() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    for rule in credgate::rules::RULES {
        assert!(
            text.lines().any(|l| l.trim() == format!("## {}", rule.id)),
            "docs/rules.md has no `## {}` section (SARIF helpUri points there)",
            rule.id
        );
    }
}

#[test]
fn readme_names_every_rule_and_the_test_command() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for rule in credgate::rules::RULES {
        assert!(
            text.contains(&format!("`{}`", rule.id)),
            "README.md does not name `{}`",
            rule.id
        );
    }
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(text.contains("cargo test --locked") && ci.contains("cargo test --locked"));
}

#[test]
fn starter_config_template_is_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/credgate.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let config = credgate::config::Config::parse(&text, "templates/credgate.toml")
        .unwrap_or_else(|e| panic!("templates/credgate.toml does not parse: {e}"));
    assert!(config.environments.contains_key("production"));
    // Every commented-out setting must parse too once uncommented.
    let uncommented: String = text
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|rest| is_setting(rest))
                .unwrap_or(l)
        })
        .map(|l| format!("{l}\n"))
        .collect();
    credgate::config::Config::parse(&uncommented, "templates/credgate.toml (uncommented)")
        .unwrap_or_else(|e| panic!("an example setting in the template is wrong: {e}"));
}

/// A commented line that is a TOML setting or table header rather than prose.
fn is_setting(line: &str) -> bool {
    line.starts_with('[')
        || line
            .split_once(" = ")
            .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// The marker that puts a template file into README.md verbatim: the next fenced block after
/// `<!-- snippet: PATH -->` must equal the file at PATH.
const SNIPPET_MARKER: &str = "<!-- snippet: ";

/// Every template a user copies, in README.md byte for byte, so the two cannot drift.
#[test]
fn readme_snippets_are_the_template_files() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let mut seen = Vec::new();
    let mut rest = readme.as_str();
    while let Some(at) = rest.find(SNIPPET_MARKER) {
        let after = &rest[at + SNIPPET_MARKER.len()..];
        let (path, after) = after
            .split_once(" -->")
            .expect("a snippet marker ends with -->");
        let fence_start = after
            .find("```")
            .expect("a fenced block follows the marker");
        let body_start = fence_start + after[fence_start..].find('\n').unwrap() + 1;
        let body_len = after[body_start..]
            .find("\n```")
            .expect("the fenced block is closed");
        let snippet = &after[body_start..body_start + body_len + 1];
        let file = std::fs::read_to_string(format!("{root}/{path}"))
            .unwrap_or_else(|e| panic!("README.md shows {path}, which cannot be read: {e}"));
        assert_eq!(
            snippet, file,
            "README.md's snippet of {path} differs from the file; copy the file into README.md"
        );
        seen.push(path.to_string());
        rest = &after[body_start + body_len..];
    }
    for expected in copyable_templates(root) {
        assert!(
            seen.contains(&expected),
            "README.md does not show {expected}: add `{SNIPPET_MARKER}{expected} -->` and the file"
        );
    }
}

/// The template files meant to be copied into a user's repository.
fn copyable_templates(root: &str) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [
        "templates/github",
        "templates/azure-pipelines",
        "templates/azure-devops-task",
        "templates/pre-commit",
    ] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                found.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(found.len() >= 4, "templates are missing: {found:?}");
    found.sort();
    found
}
