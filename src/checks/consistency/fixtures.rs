//! The fixture repositories under `tests/fixtures/consistency/<rule-id>/`, run through the real
//! pipeline (extractors → inventory → checks): each one must give exactly the consistency
//! findings its `EXPECTED` file lists (`rule-id file:line`, or `rule-id file` for findings on a
//! whole file), so that a fixture's negative cases are proven silent as well.

use super::{check_with_names, RULE_IDS};
use crate::config::Config;
use crate::extract::{extract_file, FileFacts};
use crate::inventory::build::{build, InventorySettings};
use std::path::{Path, PathBuf};

/// Files of a fixture that describe it rather than belong to the scanned repository.
const NOT_SCANNED: &[&str] = &["EXPECTED", "README.md", "credgate.toml"];

/// Secret-shaped values the fixtures use; none may appear in any finding.
const FIXTURE_SECRETS: &[&str] = &[
    "Qm7xT2vK9pL4wR8zN3cJ6hF1dS5aG0bY",
    "Hx4nB8qL2wE6rT0yU3iO7pA1sD5fG9jK",
    "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/consistency")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Scans one fixture repository and renders its consistency findings as `EXPECTED` lines.
fn scan(dir: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    files_under(dir, &mut paths);
    let mut facts = FileFacts::default();
    for path in &paths {
        let rel = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if NOT_SCANNED.contains(&rel.as_str()) {
            continue;
        }
        facts.absorb(extract_file(&rel, &std::fs::read(path).unwrap()));
    }
    assert!(
        facts.problems.is_empty(),
        "{}: {:?}",
        dir.display(),
        facts.problems
    );
    let settings = match std::fs::read_to_string(dir.join("credgate.toml")) {
        Ok(text) => Config::parse(&text, "credgate.toml")
            .unwrap()
            .inventory_settings(),
        Err(_) => InventorySettings::default(),
    };
    let (inventory, names) = build(facts, &settings);
    let findings = check_with_names(&inventory, &names);
    for f in &findings {
        let rendered = format!("{} {} {:?}", f.message, f.fix.as_deref().unwrap_or(""), f);
        for secret in FIXTURE_SECRETS {
            assert!(!rendered.contains(secret), "{} shows a secret", f.rule_id);
        }
    }
    findings
        .iter()
        .map(|f| {
            let file = f.location.file.as_deref().unwrap_or("-");
            match f.location.line {
                Some(line) => format!("{} {file}:{line}", f.rule_id),
                None => format!("{} {file}", f.rule_id),
            }
        })
        .collect()
}

#[test]
fn every_fixture_gives_exactly_its_expected_findings() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let expected_text = std::fs::read_to_string(dir.join("EXPECTED")).unwrap();
        let mut expected: Vec<String> = expected_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        expected.sort();
        let mut got = scan(dir);
        got.sort();
        if got != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  got      {got:?}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_fixture_repository() {
    for id in RULE_IDS {
        assert!(
            root().join(id).join("EXPECTED").is_file(),
            "no fixture for {id}"
        );
    }
}
