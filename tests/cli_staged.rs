//! `credgate scan --staged`: reads what is staged in the git index, not the working tree.

mod common;

use common::{credgate, entra_secret, write};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn staged_mode_reads_the_index_not_the_working_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "clean.txt", "hello\n");
    git(root, &["add", "clean.txt"]);
    git(root, &["commit", "-q", "-m", "init"]);

    // Staged: a secret. Working tree: the secret removed again (not yet staged).
    let secret = entra_secret(3);
    write(
        root,
        "app.env",
        &format!("# config\nAZURE_CLIENT_SECRET={secret}\n"),
    );
    git(root, &["add", "app.env"]);
    write(root, "app.env", "AZURE_CLIENT_SECRET=${{ secrets.X }}\n");
    // Unstaged only: not scanned.
    write(root, "untracked.env", &format!("X={}\n", entra_secret(4)));

    let out = credgate()
        .arg("scan")
        .arg(root)
        .args(["--staged", "--format", "json", "--fail-on", "warning"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    assert_eq!(findings[0]["file"], "app.env");
    assert_eq!(findings[0]["line"], 2);
    assert_eq!(json["summary"]["files_scanned"], 1);
    common::assert_no_leak(&String::from_utf8_lossy(&out.stdout), &secret, "stdout");

    // A clean staged change passes.
    git(root, &["commit", "-q", "-m", "x"]);
    write(root, "docs.md", "# docs\n");
    git(root, &["add", "docs.md"]);
    credgate()
        .arg("scan")
        .arg(root)
        .arg("--staged")
        .assert()
        .success();
}

#[test]
fn staged_mode_outside_git_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = credgate()
        .arg("scan")
        .arg(dir.path())
        .arg("--staged")
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("git repository"));
}
