//! Documentation that must not drift from the code.
// A test fails by panicking: unwrap, expect, panic and indexing state what must hold.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

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
