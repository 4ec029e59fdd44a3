//! `--report FORMAT=FILE` (and its shorthand `--sarif-file FILE`): one run writes the same Report
//! in several formats, so a pipeline gets Markdown, JUnit and SARIF from the very run that made
//! the token requests.

use crate::common::{assert_no_leak, credgate_isolated, entra_secret, secret_tree, write};
use crate::dryrun_support::*;
use std::path::Path;

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const CLIENT: &str = "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3";

const FORMATS: [&str; 7] = [
    "text",
    "json",
    "sarif",
    "github",
    "azure-devops",
    "junit",
    "markdown",
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn one_check_run_writes_markdown_junit_and_sarif_with_the_dry_run_result_and_no_secret() {
    let authority = serve(|_, _| {
        entra_error(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided.",
        )
    });
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    let planted = secret_tree(&repo);
    // A secret committed in production's own settings: the scan's part of `check --env production`.
    let committed = entra_secret(9);
    write(
        &repo,
        "src/Api/appsettings.Production.json",
        &format!("{{\n  \"AzureAd\": {{\n    \"ClientSecret\": \"{committed}\"\n  }}\n}}\n"),
    );
    let secret = entra_secret(7);
    let out = credgate_isolated()
        .current_dir(work.path())
        .args(["check", "repo", "--env", "production", "--no-remote"])
        .args(["--authority-host", &authority.url(), "--format", "json"])
        // Relative paths, as for --output, in folders that do not exist yet.
        .args([
            "--report",
            "markdown=reports/md/credgate.md",
            "--report=junit=reports/junit/credgate.xml",
            "--report",
            "sarif=reports/credgate.sarif",
        ])
        .envs(convention_vars("production", TENANT, CLIENT, &secret))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(authority.hits() >= 1, "no token request was made");

    // The main report has the dry-run row …
    let report = json(&out.stdout);
    assert_eq!(status_of(&report, "production"), "invalid_secret");

    // … and so has every extra file, next to the scan's own findings.
    let reports = work.path().join("reports");
    let markdown = read(&reports.join("md/credgate.md"));
    let junit = read(&reports.join("junit/credgate.xml"));
    let sarif_text = read(&reports.join("credgate.sarif"));
    for (name, text) in [("markdown", &markdown), ("junit", &junit)] {
        assert!(
            text.contains("AADSTS7000215"),
            "{name} lacks the dry-run result:\n{text}"
        );
        assert!(
            text.contains("dry-run-failed"),
            "{name} lacks the dry-run finding"
        );
        assert!(
            text.contains("azure-client-secret"),
            "{name} lacks the scan's finding"
        );
    }
    assert!(markdown.contains("production"), "{markdown}");
    junit_is_xml(&junit);
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"dry-run-failed"), "{rules:?}");
    assert!(rules.contains(&"azure-client-secret"), "{rules:?}");
    assert!(
        sarif_text.contains("AADSTS7000215"),
        "SARIF lacks the dry-run result"
    );

    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    for (what, text) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("markdown", &markdown),
        ("junit", &junit),
        ("sarif", &sarif_text),
    ] {
        for planted in [&secret, &planted.entra, &planted.storage, &planted.pem_line] {
            assert_no_leak(text, planted, what);
        }
    }
}

/// The JUnit file has the shape test-result publishers read: an XML declaration, one
/// `testsuites` root, and every opened `testcase` closed.
fn junit_is_xml(text: &str) {
    assert!(text.starts_with("<?xml "), "{text}");
    assert_eq!(text.matches("<testsuites ").count(), 1, "{text}");
    assert!(text.trim_end().ends_with("</testsuites>"), "{text}");
    let opened = text.matches("<testcase ").count();
    let closed = text.matches("</testcase>").count() + text.matches("/>").count();
    assert!(opened > 0 && closed >= opened, "{text}");
}

#[test]
fn every_format_is_the_same_report_as_with_format() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    secret_tree(&repo);
    let mut cmd = credgate_isolated();
    cmd.current_dir(work.path())
        .args(["scan", "repo", "--format", "text"]);
    for format in FORMATS {
        cmd.arg("--report")
            .arg(format!("{format}=all/{format}.out"));
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for format in FORMATS {
        let alone = work.path().join(format!("{format}.alone"));
        let single = credgate_isolated()
            .current_dir(work.path())
            .args(["scan", "repo", "-q", "--format", format, "-o"])
            .arg(&alone)
            .output()
            .unwrap();
        assert_eq!(single.status.code(), Some(1));
        assert_eq!(
            read(&work.path().join(format!("all/{format}.out"))),
            read(&alone),
            "--report {format}=… differs from --format {format}"
        );
    }
    // The main output is unchanged by the extra reports.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        read(&work.path().join("text.alone"))
    );
}

#[test]
fn sarif_file_is_shorthand_for_report_sarif() {
    let work = tempfile::tempdir().unwrap();
    secret_tree(&work.path().join("repo"));
    let run = |flag: &[&str]| {
        let out = credgate_isolated()
            .current_dir(work.path())
            .args(["scan", "repo", "--format", "json"])
            .args(flag)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["--sarif-file", "a/one.sarif"]);
    run(&["--report", "sarif=b/two.sarif"]);
    assert_eq!(
        read(&work.path().join("a/one.sarif")),
        read(&work.path().join("b/two.sarif"))
    );
}

#[test]
fn a_github_report_writes_no_side_files() {
    let work = tempfile::tempdir().unwrap();
    secret_tree(&work.path().join("repo"));
    let outputs = work.path().join("github_output");
    let summary = work.path().join("step_summary");
    let out = credgate_isolated()
        .current_dir(work.path())
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "scan",
            "repo",
            "--format",
            "json",
            "--report",
            "github=annotations.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(read(&work.path().join("annotations.txt")).contains("::error "));
    assert!(
        !outputs.exists(),
        "GITHUB_OUTPUT written for an extra report"
    );
    assert!(
        !summary.exists(),
        "GITHUB_STEP_SUMMARY written for an extra report"
    );
}

#[test]
fn an_invalid_spec_is_a_usage_error_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    for spec in ["sarif", "pdf=x.pdf", "markdown=", "=x.md"] {
        let out = credgate_isolated()
            .args(["scan"])
            .arg(dir.path())
            .args(["--report", spec])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{spec}: {stderr}");
        assert!(stderr.contains("--report"), "{spec}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn two_reports_to_one_file_are_refused_before_any_request() {
    let authority = recorder();
    let work = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 3] = [
        &["--report", "sarif=r.out", "--report", "junit=r.out"],
        &["--report", "markdown=r.out", "-o", "r.out"],
        &["--report", "sarif=r.out", "--sarif-file", "r.out"],
    ];
    for flags in cases {
        let out = credgate_isolated()
            .current_dir(work.path())
            .args(["check", ".", "--env", "production", "--no-remote"])
            .args(["--authority-host", &authority.url()])
            .args(flags)
            .envs(convention_vars(
                "production",
                TENANT,
                CLIENT,
                &entra_secret(8),
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(
            stderr.contains("r.out") && stderr.contains("--report"),
            "{stderr}"
        );
        assert!(!work.path().join("r.out").exists());
    }
    assert_eq!(authority.connections(), 0, "a token request was sent");
}

#[test]
fn baseline_refuses_report_flags() {
    let dir = tempfile::tempdir().unwrap();
    let out = credgate_isolated()
        .arg("baseline")
        .arg(dir.path())
        .args(["--report", "json=x.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--report"));
    assert!(!dir.path().join(".credgate-baseline.json").exists());
}
