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

fn design() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/design.md")).unwrap()
}

/// docs/design.md is the contract: every rule `credgate rules` lists is in its rule table.
#[test]
fn design_lists_every_rule_id() {
    let text = design();
    for rule in credgate::rules::RULES {
        let row = format!("| `{}` | {} |", rule.id, rule.severity);
        assert!(
            text.contains(&row),
            "docs/design.md has no rule-table row starting {row:?}"
        );
    }
}

/// Every flag the scan-like commands accept (but the hidden one the Action sets) is in
/// docs/design.md's command line section, and every command is too.
#[test]
fn design_lists_every_command_and_flag() {
    use clap::CommandFactory;
    let text = design();
    let mut cli = credgate::cli::Cli::command();
    let help = cli.render_long_help().to_string();
    assert!(
        help.contains("docs/design.md"),
        "--help points at the contract: {help}"
    );
    let mut missing = Vec::new();
    for command in cli.get_subcommands().filter(|c| c.get_name() != "help") {
        let name = command.get_name();
        assert!(
            text.contains(&format!("credgate {name}")),
            "docs/design.md does not show `credgate {name}`"
        );
        for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                if ["help", "version"].contains(&long) {
                    continue;
                }
                let flag = format!("--{long}");
                let documented = text.match_indices(&flag).any(|(at, _)| {
                    text[at + flag.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric() && c != '-')
                });
                if !documented {
                    missing.push(format!("{flag} (of {name})"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/design.md does not document {missing:?}"
    );
}

/// The files docs/design.md names exist, so the map of the code cannot drift from the tree.
#[test]
fn design_names_only_files_that_exist() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = design();
    for piece in text.split('`').skip(1).step_by(2) {
        // Files (with an extension) and folders (written with a trailing `/`); other words
        // such as `src/Api` are examples of a user's layout.
        let named = piece.ends_with('/')
            || piece
                .rsplit('/')
                .next()
                .is_some_and(|name| name.contains('.'));
        let path = piece.trim_end_matches('/');
        let local = ["src/", "tests/", "docs/", "templates/"]
            .iter()
            .any(|p| path.starts_with(p));
        if named && local && !path.contains(['*', '<', '{', ' ', '…']) {
            let full = std::path::Path::new(root).join(path);
            assert!(
                full.exists(),
                "docs/design.md names {path}, which does not exist"
            );
        }
    }
}

/// Nothing in the repository points at a design file it does not have (the upper-case one
/// the project started from): the contract is docs/design.md.
#[test]
fn no_reference_to_a_missing_design_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src"), root.join("tests"), root.join("docs")];
    let mut files = vec![root.join("README.md"), root.join("SECURITY.md")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "md" || e == "py")
            {
                files.push(path);
            }
        }
    }
    let needle = ["DESIGN", ".md"].concat();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            !text.contains(&needle),
            "{} cites {needle}; the contract is docs/design.md",
            file.display()
        );
    }
}
