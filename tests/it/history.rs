//! `--history` and `--commits`: secrets in git history, built with git in each test. A secret
//! added then removed, renamed, added on a merged branch, in a deleted file, repeated over
//! several commits and in a binary blob; the range mode; a shallow clone; bad input; the CI
//! pull-request detection (GitHub event file, Azure Pipelines variables).

use crate::common::{
    credgate, entra_secret, finding, git_dated, pem_key, storage_key, write, LeakCheck,
};
use clap::ValueEnum;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn git_out(dir: &Path, args: &[&str], day: u32) -> String {
    git_dated(dir, args, &format!("2024-03-{day:02}T10:00:00+01:00"))
}

/// Commits everything with `message` on `day` of March 2024; returns the commit id.
fn commit(dir: &Path, message: &str, day: u32) -> String {
    git_out(dir, &["add", "-A"], day);
    git_out(dir, &["commit", "-q", "-m", message], day);
    git_out(dir, &["rev-parse", "HEAD"], day)
}

/// The planted history and its secrets.
struct Repo {
    dir: tempfile::TempDir,
    /// Commit ids by name.
    c: std::collections::HashMap<&'static str, String>,
    /// Secrets by name.
    s: std::collections::HashMap<&'static str, String>,
}

impl Repo {
    fn root(&self) -> &Path {
        self.dir.path()
    }
    fn leak_check(&self) -> LeakCheck {
        let pairs: Vec<(&str, &str)> = self.s.iter().map(|(k, v)| (*k, v.as_str())).collect();
        LeakCheck::new(&pairs)
    }
}

fn build() -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut c = std::collections::HashMap::new();
    let mut s = std::collections::HashMap::new();
    git_out(root, &["init", "-q"], 1);
    s.insert("removed", entra_secret(101));
    s.insert("renamed", entra_secret(102));
    s.insert("branch", storage_key(103));
    s.insert("deleted", pem_key(104));
    s.insert("binary", entra_secret(105));
    s.insert("repeated", entra_secret(106));

    write(root, "README.md", "# demo\n");
    write(
        root,
        "src/appsettings.json",
        &format!(
            "{{\n  \"AzureAd\": {{\n    \"ClientSecret\": \"{}\"\n  }}\n}}\n",
            s["removed"]
        ),
    );
    c.insert("added", commit(root, "Add settings", 1));
    write(
        root,
        "src/appsettings.json",
        "{\n  \"AzureAd\": {\n    \"ClientSecret\": \"${AZURE_CLIENT_SECRET}\"\n  }\n}\n",
    );
    c.insert("removed", commit(root, "Use a variable", 2));

    write(
        root,
        "app.env",
        &format!("# app\nAZURE_CLIENT_SECRET={}\n", s["renamed"]),
    );
    c.insert("env", commit(root, "Add env", 3));
    git_out(root, &["mv", "app.env", "deploy.env"], 4);
    c.insert("rename", commit(root, "Rename env", 4));

    git_out(root, &["checkout", "-q", "-b", "feature"], 5);
    write(
        root,
        "scripts/storage.ps1",
        &format!(
            "# upload\n$conn = \"DefaultEndpointsProtocol=https;AccountName=demoacct;AccountKey={};EndpointSuffix=core.windows.net\"\n",
            s["branch"]
        ),
    );
    c.insert("branch", commit(root, "Upload script", 5));
    std::fs::remove_file(root.join("scripts/storage.ps1")).unwrap();
    write(
        root,
        "scripts/upload.ps1",
        "# upload with managed identity\n",
    );
    c.insert("branch_fix", commit(root, "Managed identity", 6));
    git_out(root, &["checkout", "-q", "main"], 7);
    git_out(
        root,
        &["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"],
        7,
    );
    c.insert("merge", git_out(root, &["rev-parse", "HEAD"], 7));

    write(root, "keys/deploy.pem", &s["deleted"]);
    c.insert("key", commit(root, "Add deploy key", 8));
    git_out(root, &["rm", "-q", "-r", "keys"], 9);
    c.insert("key_gone", commit(root, "Remove key", 9));

    let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0".to_vec();
    binary.extend_from_slice(format!("AZURE_CLIENT_SECRET={}\n", s["binary"]).as_bytes());
    std::fs::write(root.join("logo.png"), binary).unwrap();
    for (n, name, message) in [
        (1, "old", "Add logo and old env"),
        (2, "old2", "Bump A"),
        (3, "old3", "Bump A again"),
    ] {
        let text = format!("A={n}\nAZURE_CLIENT_SECRET={}\n", s["repeated"]);
        write(root, "old.env", &text);
        c.insert(name, commit(root, message, 9 + n));
    }
    std::fs::remove_file(root.join("old.env")).unwrap();
    c.insert("old_gone", commit(root, "Drop old env", 13));
    Repo { dir, c, s }
}

/// `credgate scan ROOT ARGS…`.
fn run(root: &Path, args: &[&str]) -> Output {
    credgate()
        .arg("scan")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

/// `credgate scan ROOT --format json ARGS…` and its report (`null` when there is none).
fn scan(root: &Path, args: &[&str]) -> (Output, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = run(root, &all);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, json)
}

/// Asserts that `field` of `finding` contains `needle`.
fn says(finding: &Value, field: &str, needle: &str) {
    let text = finding[field].as_str().unwrap_or_default();
    assert!(
        text.contains(needle),
        "{field} lacks {needle:?}: {finding:#}"
    );
}

/// Asserts exit 2 with `needle` in the message.
fn usage_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(needle), "{stderr}");
}

/// A `--depth` clone of the planted repository, and the folder holding it.
fn shallow_clone(repo: &Repo, depth: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.root().display());
    let target = clone.path().join("c");
    let target_arg = target.to_str().unwrap().to_string();
    git_out(
        clone.path(),
        &["clone", "-q", "--depth", depth, &url, &target_arg],
        20,
    );
    (clone, target)
}

/// A GitHub `pull_request` event file for `base..head`, and the variables of such a run.
fn pull_request_event(base: &str, head: &str) -> (tempfile::TempDir, Vec<(&'static str, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        format!(
            r#"{{"action":"opened","number":7,"pull_request":{{"base":{{"ref":"main","sha":"{base}"}},"head":{{"ref":"feature","sha":"{head}"}}}}}}"#
        ),
    )
    .unwrap();
    let vars = vec![
        ("GITHUB_ACTIONS", "true".to_string()),
        ("GITHUB_EVENT_NAME", "pull_request".to_string()),
        ("GITHUB_EVENT_PATH", event.display().to_string()),
    ];
    (dir, vars)
}

/// `(file, line, commit id)` of every secret finding, sorted.
fn places(json: &Value) -> Vec<(String, u64, String)> {
    let mut out: Vec<(String, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["secret"].is_null())
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["commit"]["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn history_finds_each_secret_once_at_the_commit_that_introduced_it() {
    let repo = build();
    let (out, json) = scan(repo.root(), &["--history"]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    let c = &repo.c;
    assert_eq!(
        places(&json),
        vec![
            ("deploy.env".to_string(), 2, c["env"].clone()),
            ("keys/deploy.pem".to_string(), 1, c["key"].clone()),
            ("old.env".to_string(), 2, c["old"].clone()),
            ("scripts/storage.ps1".to_string(), 2, c["branch"].clone()),
            ("src/appsettings.json".to_string(), 3, c["added"].clone()),
        ],
        "{json:#}"
    );
    let findings = json["findings"].as_array().unwrap();
    let at = |file: &str| findings.iter().find(|f| f["file"] == file).unwrap();
    // Still in the tree (renamed): reported there, with the commit that first had the value.
    let tree = at("deploy.env");
    assert!(!tree["message"]
        .as_str()
        .unwrap()
        .contains("only in git history"));
    // Gone from the tree: says so, and that only rotation helps.
    let gone = at("src/appsettings.json");
    assert!(
        gone["message"]
            .as_str()
            .unwrap()
            .contains("only in git history"),
        "{gone:#}"
    );
    assert!(
        gone["fix"].as_str().unwrap().starts_with("Rotate it"),
        "{gone:#}"
    );
    assert_eq!(gone["commit"]["author"], "Ada Lovelace");
    assert_eq!(gone["commit"]["email"], "ada@example.invalid");
    assert_eq!(gone["commit"]["date"], "2024-03-01T10:00:00+01:00");
    assert_eq!(gone["commit"]["summary"], "Add settings");
    let history = &json["summary"]["history"];
    assert_eq!(history["range"], "HEAD");
    assert_eq!(history["commits"], 13, "{history:#}");
    assert_eq!(
        history["blobs_skipped"]["binary"], 1,
        "the logo, never reported"
    );
    repo.leak_check()
        .assert_clean(&String::from_utf8_lossy(&out.stdout), "json");
}

#[test]
fn without_history_only_the_working_tree_is_scanned() {
    let repo = build();
    let (out, json) = scan(repo.root(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        places(&json),
        vec![("deploy.env".to_string(), 2, String::new())]
    );
    assert!(json["summary"]["history"].is_null());
}

#[test]
fn a_range_holds_only_its_own_commits() {
    let repo = build();
    let c = &repo.c;
    let range = format!("{}..HEAD", c["key_gone"]);
    let (out, json) = scan(repo.root(), &["--commits", &range]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    assert_eq!(
        places(&json),
        vec![
            ("deploy.env".to_string(), 2, String::new()),
            ("old.env".to_string(), 2, c["old"].clone()),
        ],
        "{json:#}"
    );
    assert_eq!(json["summary"]["history"]["commits"], 4);

    // The merge brings the branch's commits into a range that spans it.
    let range = format!("{}..{}", c["rename"], c["merge"]);
    let (_, json) = scan(repo.root(), &["--commits", &range]);
    assert_eq!(
        places(&json),
        vec![
            ("deploy.env".to_string(), 2, String::new()),
            ("scripts/storage.ps1".to_string(), 2, c["branch"].clone()),
        ],
        "{json:#}"
    );
    // Content the base already had is not introduced by the range.
    let range = format!("{}..{}", c["env"], c["rename"]);
    let (_, json) = scan(repo.root(), &["--commits", &range]);
    let commits: Vec<_> = places(&json).into_iter().map(|p| p.2).collect();
    assert_eq!(
        commits,
        vec![c["rename"].clone()],
        "the rename is new at its path: {json:#}"
    );
}

#[test]
fn every_format_names_the_commit_and_none_leaks() {
    let repo = build();
    let short = &repo.c["added"][..7];
    let check = repo.leak_check();
    for format in credgate::cli::Format::value_variants() {
        let format = format.to_possible_value().unwrap().get_name().to_string();
        let out = run(
            repo.root(),
            &["--history", "--no-color", "--format", &format],
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        check.assert_clean(&stdout, &format);
        check.assert_clean(&String::from_utf8_lossy(&out.stderr), &format);
        assert!(
            stdout.contains(short),
            "{format} does not name commit {short}:\n{stdout}"
        );
    }
    let out = run(repo.root(), &["--history", "--no-color"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "src/appsettings.json:3:22 @ {short} (2024-03-01, Ada Lovelace)"
        )),
        "{text}"
    );
    let out = run(repo.root(), &["--history", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["properties"]["commit"]["id"] == repo.c["added"].as_str()),
        "{sarif:#}"
    );
}

#[test]
fn sarif_names_the_repository_and_revision_without_the_remotes_credentials() {
    let repo = build();
    // A CI checkout's origin often carries a token; built here so no token sits in the source.
    let token = format!("ghs_{}", "Zq7Xw2".repeat(6));
    let remote = format!("https://x-access-token:{token}@github.com/org/app.git");
    git_out(repo.root(), &["remote", "add", "origin", &remote], 9);
    let branch = git_out(repo.root(), &["branch", "--show-current"], 9);
    let head = git_out(repo.root(), &["rev-parse", "HEAD"], 9);
    let out = run(repo.root(), &["--history", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["versionControlProvenance"],
        serde_json::json!([{
            "repositoryUri": "https://github.com/org/app.git",
            "revisionId": head,
            "branch": branch,
        }]),
        "{sarif:#}"
    );
    let (_, json) = scan(repo.root(), &["--history"]);
    assert_eq!(json["summary"]["history"]["revision"], head.as_str());
    let check = LeakCheck::new(&[("origin token", token.as_str())]);
    for format in credgate::cli::Format::value_variants() {
        let format = format.to_possible_value().unwrap().get_name().to_string();
        let out = run(repo.root(), &["--history", "--format", &format]);
        check.assert_clean(&String::from_utf8_lossy(&out.stdout), &format);
        check.assert_clean(&String::from_utf8_lossy(&out.stderr), &format);
    }
}

#[test]
fn baselines_and_allow_comments_apply_to_history() {
    let repo = build();
    let baseline = repo.root().join("base.json");
    let written = credgate()
        .args(["baseline", "--history", "-o"])
        .args([&baseline, repo.root()])
        .output()
        .unwrap();
    assert!(written.status.success(), "{written:?}");
    let (out, json) = scan(
        repo.root(),
        &["--history", "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    assert_eq!(json["summary"]["baseline_suppressed"], 5);

    // An allow comment in the commit that added the line keeps it out.
    let root = repo.root();
    write(
        root,
        "later.env",
        &format!("X={} # credgate:allow\n", entra_secret(200)),
    );
    commit(root, "Allowed", 14);
    std::fs::remove_file(root.join("later.env")).unwrap();
    commit(root, "Gone", 15);
    let (_, json) = scan(root, &["--history"]);
    assert!(places(&json).iter().all(|p| p.0 != "later.env"), "{json:#}");
    assert_eq!(json["summary"]["inline_suppressed"], 1);
    // --fail-on never passes whatever history holds.
    let (out, _) = scan(root, &["--history", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_shallow_clone_says_so_with_the_fix() {
    let repo = build();
    let (_clone, target) = shallow_clone(&repo, "2");
    let (out, json) = scan(&target, &["--history"]);
    let warning = finding(&json, "history-incomplete");
    says(warning, "message", "shallow");
    says(warning, "fix", "--unshallow");
    assert_eq!(json["summary"]["history"]["commits"], 2);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the planted secret in the tree still fails"
    );

    // A range reaching past the clone's edge is a usage error that names the cause.
    let range = format!("{}..HEAD", repo.c["added"]);
    usage_error(&run(&target, &["--commits", &range]), "shallow");
}

#[test]
fn bad_input_is_exit_2_with_a_clear_message() {
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "a.txt", "x\n");
    usage_error(
        &run(plain.path(), &["--history"]),
        "not inside a git repository",
    );
    let repo = build();
    usage_error(
        &run(repo.root(), &["--commits", "no-such-branch..HEAD"]),
        "unknown revision `no-such-branch`",
    );
}

#[test]
fn a_missing_blob_is_a_parse_error_note_and_the_scan_goes_on() {
    let repo = build();
    let root = repo.root();
    // Loose objects only: delete the one blob of the first README.
    let blob = git_out(
        root,
        &["rev-parse", &format!("{}:README.md", repo.c["added"])],
        1,
    );
    let path = root.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    std::fs::remove_file(&path).unwrap();
    let (out, json) = scan(root, &["--history"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notes: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "parse-error")
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n["file"] == "README.md" && n["severity"] == "note"),
        "{json:#}"
    );
    assert_eq!(places(&json).len(), 5, "every secret still found: {json:#}");
}

/// `credgate scan` in a CI run with the given variables (GitHub's format default overridden).
fn scan_in_ci(root: &Path, vars: &[(&str, String)], extra: &[&str]) -> (Output, Value) {
    let out = credgate()
        .current_dir(root)
        .args(["scan", "--format", "json"])
        .args(extra)
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, json)
}

/// What the range `key_gone..old_gone` holds: the tree's secret, and the repeated one.
fn pull_request_places(repo: &Repo) -> Vec<(String, u64, String)> {
    vec![
        ("deploy.env".to_string(), 2, String::new()),
        ("old.env".to_string(), 2, repo.c["old"].clone()),
    ]
}

#[test]
fn a_github_pull_request_run_scans_the_pull_requests_commits() {
    let repo = build();
    let c = &repo.c;
    let (_event, vars) = pull_request_event(&c["key_gone"], &c["old_gone"]);
    let (out, json) = scan_in_ci(repo.root(), &vars, &[]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    assert_eq!(places(&json), pull_request_places(&repo), "{json:#}");
    assert_eq!(
        json["summary"]["history"]["range"],
        format!("{}..{}", c["key_gone"], c["old_gone"])
    );
    // A push is not a pull request; --no-history turns the detection off.
    let mut push = vars.clone();
    push[1].1 = "push".to_string();
    let (_, json) = scan_in_ci(repo.root(), &push, &[]);
    assert!(json["summary"]["history"].is_null());
    let (_, json) = scan_in_ci(repo.root(), &vars, &["--no-history"]);
    assert!(json["summary"]["history"].is_null());
}

#[test]
fn a_shallow_github_checkout_is_a_warning_with_fetch_depth() {
    let repo = build();
    let (_clone, target) = shallow_clone(&repo, "1");
    let (_event, vars) = pull_request_event(&repo.c["key_gone"], &repo.c["old_gone"]);
    let (out, json) = scan_in_ci(&target, &vars, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warning = finding(&json, "history-incomplete");
    says(warning, "fix", "fetch-depth: 0");
    says(warning, "message", "shallow");
}

#[test]
fn an_azure_pipelines_pull_request_build_scans_since_the_target_branch() {
    let repo = build();
    git_out(
        repo.root(),
        &[
            "update-ref",
            "refs/remotes/origin/main",
            &repo.c["key_gone"],
        ],
        1,
    );
    let build_vars = |target: &str| {
        vec![
            ("TF_BUILD", "True".to_string()),
            ("BUILD_REASON", "PullRequest".to_string()),
            ("SYSTEM_PULLREQUEST_TARGETBRANCH", target.to_string()),
        ]
    };
    let (out, json) = scan_in_ci(repo.root(), &build_vars("refs/heads/main"), &[]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    assert_eq!(places(&json), pull_request_places(&repo), "{json:#}");
    // A target branch the agent did not fetch: a warning naming it, not a failed build.
    let (out, json) = scan_in_ci(repo.root(), &build_vars("refs/heads/release"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let warning = finding(&json, "history-incomplete");
    says(warning, "message", "release");
    says(warning, "fix", "fetchDepth: 0");
}

#[test]
fn a_folder_of_the_repository_scans_its_own_history_with_paths_relative_to_it() {
    let repo = build();
    let (out, json) = scan(&repo.root().join("src"), &["--history"]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    assert_eq!(
        places(&json),
        vec![("appsettings.json".to_string(), 3, repo.c["added"].clone())],
        "{json:#}"
    );
}

#[test]
fn a_bare_repository_reports_history_without_a_working_tree_to_join() {
    let repo = build();
    let bare = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.root().display());
    let target = bare.path().join("r.git");
    let target_arg = target.to_str().unwrap().to_string();
    git_out(
        bare.path(),
        &["clone", "-q", "--bare", &url, &target_arg],
        20,
    );
    let (out, json) = scan(&target, &["--history"]);
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    let found = places(&json);
    assert_eq!(
        found.len(),
        6,
        "deploy.env and the old app.env too: {json:#}"
    );
    for f in json["findings"].as_array().unwrap() {
        assert!(
            !f["message"]
                .as_str()
                .unwrap()
                .contains("only in git history"),
            "{f:#}"
        );
    }
}
