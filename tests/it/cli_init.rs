//! `credgate init`: the credgate.toml it writes from a scan loads with the real config loader
//! (environments, aliases and, once uncommented, ids and shared apps round-trip), an existing
//! file is refused without `--force`, the demo's file is a snapshot, and no planted secret
//! reaches the file or the terminal.

use crate::common::{credgate_isolated, secret_tree, write, LeakCheck};
use credgate::config::Config;
use std::path::Path;

/// A commented line that is a TOML setting or table header rather than prose (what a user
/// uncomments to accept a suggestion).
fn is_setting(line: &str) -> bool {
    line.starts_with('[')
        || line
            .split_once(" = ")
            .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// The file with every suggestion accepted: each commented setting uncommented.
fn accepted(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|rest| is_setting(rest))
                .unwrap_or(l)
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Copies the demo to a temporary folder, so that `init` can write its default file there.
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    copy_tree(&demo, dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `credgate init` with `args`; returns the exit code, stdout and stderr.
fn init(args: &[&str]) -> (Option<i32>, String, String) {
    let out = credgate_isolated().arg("init").args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_demo_gets_a_file_that_loads_and_round_trips() {
    let dir = demo_copy();
    let root = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = init(&[root]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("credgate: wrote"), "{stderr}");
    let path = dir.path().join("credgate.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!("demo_credgate_toml", text);

    // As written: the environments and their aliases, nothing unconfirmed.
    let config = Config::parse(&text, "credgate.toml").unwrap();
    let names: Vec<&str> = config.environments.keys().map(String::as_str).collect();
    assert_eq!(names, ["development", "production", "staging"]);
    assert_eq!(config.environments["production"].aliases, ["prod"]);
    assert!(config.environments.values().all(|e| e.client_id.is_none()));
    assert!(config.shared_apps.is_empty());

    // Every suggestion accepted: the ids and the shared app load as the scan found them.
    let all = Config::parse(&accepted(&text), "credgate.toml (accepted)").unwrap();
    let production = &all.environments["production"];
    assert_eq!(
        production.client_id.as_deref(),
        Some("1ee56472-6166-4e31-b902-c9f9c65b805e")
    );
    assert_eq!(
        production.tenant_id.as_deref(),
        Some("14fb8883-c356-4c34-98f6-34c369728963")
    );
    assert_eq!(all.shared_apps.len(), 1);
    assert_eq!(
        all.shared_apps[0].client_id,
        "bf178375-4a86-4a0c-9256-9cf907bce18a"
    );
    assert_eq!(all.shared_apps[0].environments, ["staging", "production"]);
    let settings = all.inventory_settings();
    assert_eq!(settings.declared["production"], ["prod"]);

    // The scan reads it: the same environments, and the file is no configuration error.
    let out = credgate_isolated()
        .args(["scan", root, "--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        crate::common::environment_names(&report),
        ["development", "staging", "production"]
    );
}

#[test]
fn an_existing_file_is_refused_without_force_and_replaced_with_it() {
    let dir = demo_copy();
    let root = dir.path().to_str().unwrap();
    let path = dir.path().join("credgate.toml");
    let mine = "# my own configuration\n[scan]\nignore = [\"vendor/\"]\n";
    std::fs::write(&path, mine).unwrap();

    let (code, stdout, stderr) = init(&[root]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        mine,
        "file unchanged"
    );

    // `-o` elsewhere leaves it too; `-o -` prints without writing.
    let (code, stdout, _) = init(&[root, "-o", "-"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("[environments.production]"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), mine);

    let (code, _, stderr) = init(&[root, "--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("[environments.production]"), "{written}");
    assert!(!written.contains("my own configuration"));
}

#[test]
fn a_tree_without_environments_gets_a_file_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# a library\n");
    write(dir.path(), "src/lib.rs", "pub fn f() {}\n");
    let out = dir.path().join("out/credgate.toml");
    let (code, _, stderr) = init(&[dir.path().to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("0 environment(s)"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("No environment was found"), "{text}");
    let config = Config::parse(&text, "credgate.toml").unwrap();
    assert!(config.environments.is_empty());
    // The example it shows is valid once uncommented; both CI platforms are offered.
    let all = Config::parse(&accepted(&text), "accepted").unwrap();
    assert!(all.environments.contains_key("production"));
    assert!(text.contains("credgate/credgate@v1") && text.contains("template: credgate.yml"));
}

#[test]
fn no_planted_secret_reaches_the_file_or_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let planted = secret_tree(dir.path());
    let entra = crate::common::entra_secret(77);
    let client = "5d2f6c1e-8a3b-4c7d-9e0f-1a2b3c4d5e6f";
    write(
        dir.path(),
        ".env.production",
        &format!(
            "AZURE_TENANT_ID=contoso.onmicrosoft.com\nAZURE_CLIENT_ID={client}\nAZURE_CLIENT_SECRET=\"{entra}\"\n"
        ),
    );
    // A secret pasted where the client id belongs, in another environment: never copied.
    let pasted = crate::common::entra_secret(78);
    write(
        dir.path(),
        ".env.staging",
        &format!("AZURE_CLIENT_ID={pasted}\nAZURE_CLIENT_SECRET={entra}\n"),
    );
    write(
        dir.path(),
        ".github/workflows/deploy.yml",
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: azure/login@v2\n        with:\n          creds: ${{ secrets.PROD_AZURE_CREDENTIALS }}\n",
    );
    let out = dir.path().join("credgate.toml");
    let (code, stdout, stderr) = init(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    let (_, printed, _) = init(&[dir.path().to_str().unwrap(), "-o", "-"]);
    assert_eq!(printed, text, "-o - prints what is written");
    let fingerprints: Vec<String> = [&entra, &pasted, &planted.entra, &planted.storage]
        .iter()
        .map(|s| credgate::secret::fingerprint_of(s))
        .collect();
    let mut secrets: Vec<(&str, &str)> = vec![
        ("entra", &entra),
        ("pasted", &pasted),
        ("tree entra", &planted.entra),
        ("storage key", &planted.storage),
        ("pem line", &planted.pem_line),
    ];
    for fp in &fingerprints {
        secrets.push(("fingerprint", fp.trim_start_matches("sha256:")));
    }
    let leaks = LeakCheck::new(&secrets);
    for (what, haystack) in [("file", &text), ("stdout", &stdout), ("stderr", &stderr)] {
        leaks.assert_clean(haystack, what);
    }
    // What it does say: the environment, its ids, where the secret is.
    assert!(
        text.contains(&format!("# client_id = \"{client}\"")),
        "{text}"
    );
    assert!(
        text.contains("# tenant_id = \"contoso.onmicrosoft.com\""),
        "{text}"
    );
    assert!(
        text.contains("a literal committed at .env.production:3"),
        "{text}"
    );
    Config::parse(&accepted(&text), "accepted").unwrap();
}
