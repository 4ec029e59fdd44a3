//! Golden output of the bundled demo repository: the environment matrix and every finding, in the
//! text and JSON formats. A change here is a change users see; review the snapshot diff.

use crate::common::credgate;

fn scan_demo(format: &str) -> String {
    let out = credgate()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "scan",
            "examples/demo",
            "--no-color",
            "--fail-on",
            "never",
            "--format",
            format,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn demo_text_report() {
    insta::assert_snapshot!(scan_demo("text"));
}

#[test]
fn demo_json_environments_and_findings() {
    let report: serde_json::Value = serde_json::from_str(&scan_demo("json")).unwrap();
    let findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}:{} {}",
                f["severity"].as_str().unwrap_or(""),
                f["rule_id"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["line"],
                f["column"],
                f["environment"].as_str().unwrap_or("-")
            )
        })
        .collect();
    insta::assert_json_snapshot!("demo_environments", report["environments"]);
    insta::assert_snapshot!("demo_findings", findings.join("\n"));
}
