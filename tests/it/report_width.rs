//! The text report fits a CI log: on the bundled demo, no line of the default report passes 120
//! columns, the matrix answers "which environments are ready?", and at 80 and 120 columns the
//! report is golden (the library renders it at a width, as the binary does for a terminal).

use crate::common::credgate;
use credgate::config::Config;
use credgate::report::{render, RenderOptions};
use credgate::scan::{self, ScanRequest};
use std::path::Path;

fn demo_at(width: usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let request = ScanRequest {
        root,
        root_display: "examples/demo".to_string(),
        staged: false,
        walk: credgate::walk::WalkOptions::default(),
        environments: Vec::new(),
        variables: Vec::new(),
        plain_credentials: false,
        history: None,
    };
    let report = scan::run(&request, &Config::default(), None).unwrap();
    let opts = RenderOptions {
        failed: true,
        width: Some(width),
        ..RenderOptions::default()
    };
    render(&report, credgate::cli::Format::Text, &opts).unwrap()
}

fn too_wide(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().count() > width)
        .map(str::to_string)
        .collect()
}

#[test]
fn no_line_of_the_default_demo_report_passes_120_columns() {
    let out = credgate()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", "examples/demo", "--no-color"])
        // A terminal's width is not taken from COLUMNS when stdout is not a terminal.
        .env("COLUMNS", "300")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(too_wide(&text, 120), Vec::<String>::new(), "{text}");
    // The first line is the verdict, and the last two are the verdict and the totals.
    let lines: Vec<&str> = text.lines().collect();
    let verdict = lines[0];
    assert!(
        verdict.starts_with("credgate FAILED: 0 of 3 environments ready"),
        "{text}"
    );
    assert_eq!(lines[lines.len() - 2], verdict);
    assert!(lines[lines.len() - 1].contains("files scanned"), "{text}");
    // One status per environment, from the findings that sit on it.
    for row in [
        "development  blocked (1 error)",
        "staging      blocked (4 errors)",
    ] {
        assert!(text.contains(row), "{row}:\n{text}");
    }
}

#[test]
fn verbose_keeps_the_matrix_whole() {
    let out = credgate()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", "examples/demo", "--no-color", "-v"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for whole in [
        "1ee56472-6166-4e31-b902-c9f9c65b805e",
        "reference (key-vault:kv-shipments-prod/AzureAd--ClientSecret)",
        "src/Api/appsettings.Production.json",
    ] {
        assert!(text.contains(whole), "{whole}:\n{text}");
    }
}

#[test]
fn demo_report_at_80_columns() {
    let text = demo_at(80);
    assert_eq!(too_wide(&text, 80), Vec::<String>::new(), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn demo_report_at_120_columns() {
    let text = demo_at(120);
    assert_eq!(too_wide(&text, 120), Vec::<String>::new(), "{text}");
    insta::assert_snapshot!(text);
}
