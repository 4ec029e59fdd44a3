//! Precision on the classes of value that real repositories are full of (issue: precision).
//!
//! `tests/fixtures/precision/negatives` holds one file per false-alarm class seen on public
//! repositories (strong-name tokens, code in Markdown, template syntax, B2C policy names, test
//! code, vendored code, sample apps' placeholders, two apps in one repository…): a scan of it
//! must report no error and no warning. `positives` holds the recall cases other scanners'
//! samples use (any-version Entra secrets, PATs under any name and in XML, storage keys with a
//! literal fallback and in XML, `common` beside app-only settings): exactly its `EXPECTED`.

use crate::common::{credgate, entra_secret, write};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/precision")
        .join(name)
}

/// The JSON report of `credgate scan DIR`.
fn scan(dir: &Path) -> Value {
    let out = credgate()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

/// `rule file:line` of every finding at `severities`.
fn listed(report: &Value, severities: &[&str]) -> Vec<String> {
    let mut got: Vec<String> = findings(report)
        .iter()
        .filter(|f| severities.contains(&f["severity"].as_str().unwrap_or("")))
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule_id"].as_str().unwrap(),
                f["file"].as_str().unwrap_or("-"),
                f["line"]
            )
        })
        .collect();
    got.sort();
    got
}

#[test]
fn false_alarm_classes_report_no_error_or_warning() {
    let report = scan(&fixture("negatives"));
    assert_eq!(
        listed(&report, &["error", "warning"]),
        Vec::<String>::new(),
        "every finding here is a false alarm"
    );
    // Secrets in test code, test data and vendored code are still reported, as notes.
    let notes = listed(&report, &["note"]);
    for expected in [
        "private-key pkg/auth/client_test.go:5",
        "private-key testdata/key.pem:1",
        "generic-secret-assignment src/Api.Tests/AuthTests.cs:3",
        "generic-secret-assignment src/test/resources/application.yml:3",
        "generic-secret-assignment web/src/auth.test.ts:1",
        "azure-connection-string vendor/github.com/acme/sdk/sas.go:4",
        "azure-connection-string local.settings.json:4",
    ] {
        assert!(
            notes.contains(&expected.to_string()),
            "{expected} in {notes:#?}"
        );
    }
    // The two apps' development settings are two apps, not one environment in disagreement,
    // and the matrix row takes both ids from one of them.
    let dev = report["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "development")
        .unwrap();
    let pair = (dev["tenant_id"].as_str(), dev["client_id"].as_str());
    assert!(
        pair == (
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47"),
            Some("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
        ) || pair
            == (
                Some("5a1c9b1e-8f0d-4c55-9d51-3c1b2a7e6f40"),
                Some("0b403db9-bc99-4148-8c0f-1b2a0d70518b")
            ),
        "{dev}"
    );
}

#[test]
fn recall_cases_are_exactly_the_expected_findings() {
    let dir = fixture("positives");
    let report = scan(&dir);
    let mut expected: Vec<String> = std::fs::read_to_string(dir.join("EXPECTED"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    expected.sort();
    assert_eq!(listed(&report, &["error", "warning"]), expected);
}

#[test]
fn a_checksum_valid_secret_stays_an_error_in_test_code() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = entra_secret(11);
    write(
        tmp.path(),
        "pkg/auth/client_test.go",
        &format!("const clientSecret = \"{secret}\"\n"),
    );
    write(
        tmp.path(),
        "tests/fixtures/app.env",
        &format!("AZURE_CLIENT_SECRET={secret}\n"),
    );
    let report = scan(tmp.path());
    assert_eq!(
        listed(&report, &["error"]),
        [
            "azure-client-secret pkg/auth/client_test.go:1",
            "azure-client-secret tests/fixtures/app.env:1"
        ]
    );
}
