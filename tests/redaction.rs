//! No planted secret, nor any 12 characters of one, reaches stdout, stderr, an output file, the
//! GitHub step summary or GitHub outputs, in any format.

mod common;

use common::{assert_no_leak, credgate, secret_tree};

const FORMATS: &[&str] = &[
    "text",
    "json",
    "sarif",
    "github",
    "azure-devops",
    "junit",
    "markdown",
];

#[test]
fn no_format_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let planted = secret_tree(dir.path());
    let secrets = [
        planted.entra.as_str(),
        planted.storage.as_str(),
        planted.pem_line.as_str(),
    ];
    let out_dir = tempfile::tempdir().unwrap();
    for format in FORMATS {
        for verbosity in [None, Some("-v"), Some("-vv")] {
            let output_file = out_dir.path().join(format!("report.{format}"));
            let summary = out_dir.path().join("summary.md");
            let gh_output = out_dir.path().join("gh_output");
            let mut cmd = credgate();
            cmd.arg("scan")
                .arg(dir.path())
                .args(["--format", format])
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_OUTPUT", &gh_output);
            if let Some(v) = verbosity {
                cmd.arg(v);
            }
            let stdout_run = cmd.output().unwrap();
            assert_eq!(stdout_run.status.code(), Some(1), "{format}");
            let mut file_cmd = credgate();
            file_cmd
                .arg("scan")
                .arg(dir.path())
                .args(["--format", format, "--output"])
                .arg(&output_file);
            let file_run = file_cmd.output().unwrap();
            assert_eq!(file_run.status.code(), Some(1), "{format}");
            let written = std::fs::read_to_string(&output_file).unwrap();
            assert!(!written.is_empty(), "{format} wrote nothing");
            let mut places = vec![
                (
                    "stdout",
                    String::from_utf8_lossy(&stdout_run.stdout).to_string(),
                ),
                (
                    "stderr",
                    String::from_utf8_lossy(&stdout_run.stderr).to_string(),
                ),
                (
                    "file stderr",
                    String::from_utf8_lossy(&file_run.stderr).to_string(),
                ),
                ("output file", written),
            ];
            for side in [&summary, &gh_output] {
                if let Ok(text) = std::fs::read_to_string(side) {
                    places.push(("github side file", text));
                }
            }
            for (what, text) in &places {
                for secret in secrets {
                    assert_no_leak(text, secret, &format!("{format} {what}"));
                }
            }
        }
    }
}

#[test]
fn baseline_and_explain_print_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let planted = secret_tree(dir.path());
    let out = credgate()
        .arg("baseline")
        .arg(dir.path())
        .arg("-v")
        .output()
        .unwrap();
    assert!(out.status.success());
    for text in [
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
        std::fs::read_to_string(dir.path().join(".credgate-baseline.json")).unwrap(),
    ] {
        assert_no_leak(&text, &planted.entra, "baseline");
        assert_no_leak(&text, &planted.storage, "baseline");
    }
}
