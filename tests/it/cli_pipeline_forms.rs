//! Whole-command tests of the pipeline forms real repositories use (reusable workflows, step
//! credentials, Azure Pipelines files outside the root `azure-pipelines.yml`): each repository
//! under `tests/fixtures/pipeline-forms/` is scanned by the binary and must give exactly the
//! environments and findings its `EXPECTED` lists.

use crate::common::credgate;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline-forms")
}

/// `credgate scan DIR --format json`, as `EXPECTED` lines.
fn scan(dir: &Path) -> Vec<String> {
    let out = credgate()
        .arg("scan")
        .arg(dir)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", dir.display());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let mut lines = vec![format!("environments: {}", names.join(" "))];
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule_id"].as_str().unwrap();
        let env = f["environment"].as_str().unwrap_or("-");
        let file = f["file"].as_str().unwrap_or("-");
        lines.push(match f["line"].as_u64() {
            Some(line) => format!("{rule} {env} {file}:{line}"),
            None => format!("{rule} {env} {file}"),
        });
    }
    lines
}

#[test]
fn every_pipeline_form_gives_exactly_its_expected_report() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 6, "{dirs:?}");
    let mut failures = Vec::new();
    for dir in &dirs {
        let expected: Vec<String> = std::fs::read_to_string(dir.join("EXPECTED"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let got = scan(dir);
        if got != expected {
            failures.push(format!(
                "{}:\n  expected {expected:#?}\n  got      {got:#?}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
