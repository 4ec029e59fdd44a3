//! Whole-command tests of `credgate scan`, `baseline`, `rules`, `explain` and the exit codes.

use crate::common::{self, credgate, finding, secret_tree, write};
use serde_json::Value;
use std::path::Path;

fn scan_json(root: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = credgate()
        .arg("scan")
        .arg(root)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn rule_ids(json: &Value) -> Vec<String> {
    let mut ids: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn finds_planted_secrets_with_place_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    secret_tree(dir.path());
    let (code, json, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1, "{json:#}");
    let ids = rule_ids(&json);
    assert!(ids.contains(&"azure-client-secret".to_string()), "{ids:?}");
    assert!(
        ids.contains(&"azure-connection-string".to_string()),
        "{ids:?}"
    );
    assert!(ids.contains(&"private-key".to_string()), "{ids:?}");
    // A key inside a connection string is one finding, not also a storage key.
    assert!(!ids.contains(&"azure-storage-key".to_string()), "{ids:?}");
    // The .env.example placeholder and the code are not findings.
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"] != ".env.example" && f["file"] != "src/main.rs"));

    let secret = finding(&json, "azure-client-secret");
    assert_eq!(secret["file"], "src/Api/appsettings.Staging.json");
    assert_eq!(secret["line"], 4);
    assert_eq!(
        secret["column"], 22,
        "column points at the value: {secret:#}"
    );
    assert!(secret["fingerprint"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));

    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["tool"]["name"], "credgate");
    assert_eq!(json["summary"]["files_scanned"], 5);
    assert!(json["dry_run"].as_array().is_some());
    assert!(json["environments"].as_array().is_some());
}

#[test]
fn clean_tree_passes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# hello\n");
    write(
        dir.path(),
        ".env.example",
        "AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}\n",
    );
    let (code, json, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn fail_on_controls_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    secret_tree(dir.path());
    let (code, _, _) = scan_json(dir.path(), &["--fail-on", "never"]);
    assert_eq!(code, 0);
    // Only a warning-level finding: the generic rule (legacy 34-char secret under a secret key).
    let warn = tempfile::tempdir().unwrap();
    write(
        warn.path(),
        "app.env",
        &format!(
            "LEGACY_CLIENT_SECRET=\"{}\"\n",
            common::synth(5, 34, common::SECRET_CHARS)
        ),
    );
    let (code, json, _) = scan_json(warn.path(), &[]);
    let severities: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, vec!["warning"], "{json:#}");
    assert_eq!(code, 0, "warnings do not fail by default");
    let (code, _, _) = scan_json(warn.path(), &["--fail-on", "warning"]);
    assert_eq!(code, 1);
}

#[test]
fn missing_path_exits_2_naming_it() {
    let out = credgate()
        .args(["scan", "/definitely/not/here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/definitely/not/here"), "{err}");
}

#[test]
fn bad_config_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "credgate.toml",
        "[scan]\nignore = []\nbogus_key = 1\n",
    );
    let out = credgate().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("credgate.toml:3"), "{err}");
    assert!(err.contains("bogus_key"), "{err}");

    let out = credgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--config", "/no/such/credgate.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/credgate.toml"));
}

#[test]
fn config_ignores_paths_and_overrides_rules() {
    let dir = tempfile::tempdir().unwrap();
    secret_tree(dir.path());
    write(
        dir.path(),
        "credgate.toml",
        "[scan]\nignore = [\"deploy/\"]\n[rules.azure-connection-string]\nseverity = \"note\"\n",
    );
    let (_, json, _) = scan_json(dir.path(), &[]);
    let ids = rule_ids(&json);
    assert!(!ids.contains(&"private-key".to_string()), "{ids:?}");
    assert_eq!(
        finding(&json, "azure-connection-string")["severity"],
        "note"
    );
}

#[test]
fn inline_allow_comments_suppress() {
    let dir = tempfile::tempdir().unwrap();
    let s1 = common::entra_secret(1);
    let s2 = common::entra_secret(2);
    let s3 = common::entra_secret(3);
    write(
        dir.path(),
        "a.env",
        &format!(
            "A={s1} # credgate:allow\nB={s2} # credgate:allow private-key\nC={s3} # credgate:allow azure-client-secret\n"
        ),
    );
    let (_, json, _) = scan_json(dir.path(), &["--fail-on", "never"]);
    let lines: Vec<i64> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_i64().unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![2],
        "only the line allowing another rule is reported: {json:#}"
    );
    assert_eq!(json["summary"]["inline_suppressed"], 2);
}

#[test]
fn baseline_accepts_findings_and_survives_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let planted = secret_tree(root);
    credgate().arg("baseline").arg(root).assert().success();
    let baseline = root.join(".credgate-baseline.json");
    assert!(baseline.is_file());
    let text = std::fs::read_to_string(&baseline).unwrap();
    common::assert_no_leak(&text, &planted.entra, "baseline");

    let (code, json, stderr) = scan_json(root, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["baseline_suppressed"], 3);
    assert!(stderr.contains("hidden by the baseline"), "{stderr}");

    // Lines move: still accepted.
    let path = root.join("src/Api/appsettings.Staging.json");
    let moved = format!("\n\n\n{}", std::fs::read_to_string(&path).unwrap());
    std::fs::write(&path, moved).unwrap();
    let (code, _, _) = scan_json(root, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 0);

    // A new secret is not.
    write(
        root,
        "new.env",
        &format!("X={}\n", common::entra_secret(99)),
    );
    let (code, json, _) = scan_json(root, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(json["findings"][0]["file"], "new.env");
}

#[test]
fn skipped_files_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.txt", "hello\n");
    std::fs::write(dir.path().join("img.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    write(dir.path(), "big.log", &"x".repeat(4096));
    let (_, json, _) = scan_json(dir.path(), &["--max-file-size", "1024"]);
    assert_eq!(json["summary"]["files_scanned"], 1);
    assert_eq!(json["summary"]["files_skipped"]["binary"], 1);
    assert_eq!(json["summary"]["files_skipped"]["too_large"], 1);
    let out = credgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--max-file-size", "1024", "-v", "--format", "json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 binary") && err.contains("1 too large"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_scanned_lossily() {
    let dir = tempfile::tempdir().unwrap();
    let secret = common::entra_secret(7);
    let mut bytes = b"\xff\xfe garbage \xc3\x28\n".to_vec();
    bytes.extend_from_slice(format!("SECRET={secret}\n").as_bytes());
    std::fs::write(dir.path().join("weird.env"), bytes).unwrap();
    let (_, json, _) = scan_json(dir.path(), &["--fail-on", "never"]);
    assert_eq!(finding(&json, "azure-client-secret")["line"], 2);
}

#[cfg(unix)]
#[test]
fn fifo_and_symlink_loop_do_not_hang_or_crash() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/ok.txt", "hello\n");
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("a/loop")).unwrap();
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    let (code, json, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["files_scanned"], 1);
    if status.is_ok_and(|s| s.success()) {
        assert_eq!(json["summary"]["files_skipped"]["unreadable"], 1);
    }
}

#[test]
fn rules_lists_every_rule() {
    let out = credgate().arg("rules").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for rule in credgate::rules::RULES {
        assert!(text.contains(rule.id), "missing {}", rule.id);
    }
    let out = credgate()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), credgate::rules::RULES.len());
    assert!(json[0]["id"].is_string() && json[0]["severity"].is_string());
}

#[test]
fn explain_known_and_unknown_codes() {
    let out = credgate()
        .args(["explain", "AADSTS7000215"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("7000215"), "{text}");
    assert!(text.contains("learn.microsoft.com"), "{text}");
    assert!(text.contains("1."), "numbered steps: {text}");

    let out = credgate().args(["explain", "123"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("7000215"), "lists the codes it knows: {err}");

    let out = credgate()
        .args(["explain", "700016", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["code"], 700016);
}

/// The codes seen on real tenants beyond the dry-run's own: the disabled or unknown app, a
/// missing request parameter, a request naming no tenant.
#[test]
fn explain_covers_70001_900144_and_50059() {
    for (code, status, words) in [
        ("AADSTS70001", "app_disabled", "UnauthorizedClient"),
        ("aadsts900144", "invalid_client", "parameter"),
        ("50059", "tenant_not_found", "MissingTenantRealm"),
    ] {
        let out = credgate().args(["explain", code]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{code}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(words) && text.contains("1."),
            "{code}: {text}"
        );
        let out = credgate()
            .args(["explain", code, "--format", "json"])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["status"], status, "{code}");
    }
}

/// `-o` into folders that do not exist creates them, as `--report` does; the summary line gives
/// a small scan in KB, not "0.0 MB".
#[test]
fn output_file_in_a_missing_folder_and_sizes_in_kb() {
    let work = tempfile::tempdir().unwrap();
    write(work.path(), "repo/notes.txt", &"x".repeat(2_500));
    let out = credgate()
        .current_dir(work.path())
        .args(["scan", "repo", "--no-color", "-o", "out/reports/scan.txt"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(work.path().join("out/reports/scan.txt")).unwrap();
    assert!(text.contains("1 file scanned (2.5 KB)"), "{text}");
    // Baselines too.
    let out = credgate()
        .current_dir(work.path())
        .args(["baseline", "repo", "-o", "new/dir/baseline.json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(work.path().join("new/dir/baseline.json").is_file());
}

#[test]
fn help_shows_examples_for_every_command() {
    for cmd in ["check", "scan", "dry-run", "explain", "rules", "baseline"] {
        let out = credgate().args([cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "{cmd}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:"), "{cmd} --help has no example");
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = credgate()
        .args(["scan", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = credgate().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn format_defaults_follow_the_ci_system() {
    let dir = tempfile::tempdir().unwrap();
    secret_tree(dir.path());
    let out = credgate()
        .arg("scan")
        .arg(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("::error file="), "{text}");
    let out = credgate()
        .arg("scan")
        .arg(dir.path())
        .env("TF_BUILD", "True")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("##vso[task.logissue type=error"), "{text}");
    assert!(
        text.contains("##vso[task.complete result=Failed;]"),
        "{text}"
    );
}

#[test]
fn check_runs_the_scan_and_dry_run_reports_missing_credentials_offline() {
    let dir = tempfile::tempdir().unwrap();
    secret_tree(dir.path());
    // The planted secrets fail the check; the dry-run has nothing to try (no credentials in the
    // environment), which is a note naming what was looked for, never a pass.
    let out = credgate().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = credgate()
        .arg("dry-run")
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let staging = json["dry_run"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["environment"] == "staging")
        .unwrap_or_else(|| panic!("staging has a dry-run entry: {json:#}"));
    assert_eq!(staging["status"], "missing_credentials", "{json:#}");
    assert_ne!(out.status.code(), Some(2));
}

#[test]
fn checksum_decides_the_confidence_of_an_entra_secret() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.env",
        &format!(
            "GOOD={}\nBAD={}\n",
            common::entra_secret(41),
            common::entra_secret_bad_checksum(41)
        ),
    );
    let (_, json, _) = scan_json(dir.path(), &["--fail-on", "never"]);
    let by_line: Vec<(i64, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "azure-client-secret")
        .map(|f| (f["line"].as_i64().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    let mut by_line = by_line;
    by_line.sort();
    assert_eq!(by_line, vec![(1, "error"), (2, "warning")], "{json:#}");
}
