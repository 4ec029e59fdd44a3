//! `credgate scan --staged`: reads what is staged in the git index, not the working tree.

use crate::common::{self, credgate, entra_secret, write};
use std::path::Path;
use std::process::{Command, Output};

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

/// `credgate scan ROOT --staged --format json EXTRA…`: the run and its JSON report.
fn scan_staged(root: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let out = credgate()
        .arg("scan")
        .arg(root)
        .args(["--staged", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (out, json)
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

    let (out, json) = scan_staged(root, &["--fail-on", "warning"]);
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

/// A symlink replaced by a regular file is a type change (`T`) in git's diff, not a
/// modification: its new content is committed all the same and must be scanned.
#[cfg(unix)]
#[test]
fn staged_mode_scans_a_symlink_turned_into_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "settings.example.env", "AZURE_CLIENT_SECRET=\n");
    std::os::unix::fs::symlink("settings.example.env", root.join("settings.env")).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);

    std::fs::remove_file(root.join("settings.env")).unwrap();
    let secret = entra_secret(5);
    write(
        root,
        "settings.env",
        &format!("AZURE_CLIENT_SECRET={secret}\n"),
    );
    git(root, &["add", "settings.env"]);

    let (out, json) = scan_staged(root, &[]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    assert_eq!(findings[0]["file"], "settings.env");
    assert_eq!(findings[0]["line"], 1);
    common::assert_no_leak(&String::from_utf8_lossy(&out.stdout), &secret, "stdout");
}

/// An oversized staged blob is skipped (and counted) without losing the place in git's blob
/// stream: the file after it is still read and scanned.
#[test]
fn staged_mode_skips_oversized_blobs_and_reads_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    // Sorted first by git: the big blob comes before the secret in the batch.
    write(root, "a-big.txt", &"x".repeat(4096));
    let secret = entra_secret(6);
    write(root, "b.env", &format!("AZURE_CLIENT_SECRET={secret}\n"));
    git(root, &["add", "."]);

    let (out, json) = scan_staged(root, &["--max-file-size", "1024"]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    assert_eq!(json["summary"]["files_skipped"]["too_large"], 1, "{json:#}");
    assert_eq!(json["summary"]["files_scanned"], 1, "{json:#}");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    assert_eq!(findings[0]["file"], "b.env");
}

/// `scan --staged` from a subfolder (no PATH) scans the whole commit: the repository's staged
/// files, named relative to the repository; an explicit PATH still narrows it.
#[test]
fn staged_mode_from_a_subfolder_scans_the_repositorys_staged_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let secret = entra_secret(7);
    write(
        root,
        "config/app.env",
        &format!("AZURE_CLIENT_SECRET={secret}\n"),
    );
    write(root, "src/api/main.rs", "fn main() {}\n");
    git(root, &["add", "."]);
    let sub = root.join("src/api");

    let out = credgate()
        .current_dir(&sub)
        .args(["scan", "--staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["files_scanned"], 2, "{json:#}");
    assert_eq!(json["root"], "../..");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    assert_eq!(findings[0]["file"], "config/app.env");
    common::assert_no_leak(&String::from_utf8_lossy(&out.stdout), &secret, "stdout");

    // `scan --staged .` means this folder only.
    let out = credgate()
        .current_dir(&sub)
        .args(["scan", "--staged", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["files_scanned"], 1, "{json:#}");
}

/// Without PATH and outside a repository, `--staged` says why it cannot run.
#[test]
fn staged_mode_without_path_outside_git_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = credgate()
        .current_dir(dir.path())
        .args(["scan", "--staged"])
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--staged reads the git index")
            && stderr.contains("not inside a git repository"),
        "{stderr}"
    );
}
