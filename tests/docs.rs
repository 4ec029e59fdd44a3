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
