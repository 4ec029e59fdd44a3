//! The GitHub Action's contract, tested without Docker: the built binary is started exactly as
//! the runner starts the image's ENTRYPOINT (no arguments, `GITHUB_ACTIONS=true`, every input of
//! action.yml as `INPUT_*` with its default or the step's value, `GITHUB_WORKSPACE`,
//! `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files), and its outputs, job summary, annotations
//! and SARIF copy are checked; action.yml and the Dockerfile are checked against what the code
//! reads and the runner requires.

use crate::common::{self, assert_no_leak, credgate_isolated, entra_secret, secret_tree, write};
use crate::dryrun_support::{jwt, serve, token_reply};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn action_yml() -> Yaml {
    let text = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// Input ids of action.yml with their defaults ("" when none), in file order.
fn declared_inputs() -> Vec<(String, String)> {
    let yml = action_yml();
    yml["inputs"]
        .as_hash()
        .expect("inputs")
        .iter()
        .map(|(k, v)| {
            let default = match &v["default"] {
                Yaml::String(s) => s.clone(),
                Yaml::Integer(i) => i.to_string(),
                Yaml::BadValue => String::new(),
                other => panic!("unexpected default {other:?}"),
            };
            (k.as_str().unwrap().to_string(), default)
        })
        .collect()
}

/// One run of the action as the runner would start it.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// `$GITHUB_OUTPUT` as written (None: never created).
    output: Option<String>,
    /// `$GITHUB_STEP_SUMMARY` as written.
    summary: Option<String>,
}

impl Run {
    /// `name=value` lines of `$GITHUB_OUTPUT`.
    fn outputs(&self) -> BTreeMap<String, String> {
        let text = self.output.as_deref().expect("GITHUB_OUTPUT written");
        text.lines()
            .map(|l| {
                let (k, v) = l
                    .split_once('=')
                    .unwrap_or_else(|| panic!("bad line {l:?}"));
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    fn count(&self, name: &str) -> usize {
        self.outputs()[name].parse().unwrap()
    }

    /// Everything the run wrote anywhere, for leak checks.
    fn everything(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}",
            self.stdout,
            self.stderr,
            self.output.as_deref().unwrap_or_default(),
            self.summary.as_deref().unwrap_or_default()
        )
    }
}

/// Starts credgate with no arguments in a directory that is not the workspace, with every input
/// of action.yml set (the step's `with:` value, else the default, else empty) plus `env`.
fn run_action(workspace: &Path, with: &[(&str, &str)], env: &[(&str, String)]) -> Run {
    let files = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let output = files.path().join("output");
    let summary = files.path().join("summary.md");
    let mut cmd = credgate_isolated();
    cmd.current_dir(elsewhere.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary);
    for (id, default) in declared_inputs() {
        let value = with
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| v.to_string())
            .unwrap_or(default);
        cmd.env(format!("INPUT_{}", id.to_ascii_uppercase()), value);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        output: std::fs::read_to_string(&output).ok(),
        summary: std::fs::read_to_string(&summary).ok(),
    }
}

fn lines_starting(text: &str, prefix: &str) -> usize {
    text.lines().filter(|l| l.starts_with(prefix)).count()
}

#[test]
fn action_yml_declares_what_credgate_reads_and_writes() {
    let yml = action_yml();
    assert_eq!(yml["runs"]["using"].as_str(), Some("docker"));
    assert_eq!(yml["runs"]["image"].as_str(), Some("Dockerfile"));
    // No shell wrapper: the image's ENTRYPOINT runs with no arguments.
    for key in ["args", "entrypoint", "pre-entrypoint", "post-entrypoint"] {
        assert!(yml["runs"][key].is_badvalue(), "runs.{key} is set");
    }
    assert!(matches!(
        yml["branding"]["icon"].as_str(),
        Some("shield" | "lock")
    ));
    let inputs: Vec<String> = declared_inputs().into_iter().map(|(k, _)| k).collect();
    let mut sorted = inputs.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "allow_missing_credentials",
            "authority_host",
            "baseline",
            "command",
            "config",
            "environments",
            "expiry_warning_days",
            "fail_on",
            "format",
            "history",
            "path",
            "sarif_file"
        ]
    );
    for (id, _) in declared_inputs() {
        assert!(
            !id.contains('-'),
            "{id}: the runner keeps hyphens in INPUT_*"
        );
        assert!(
            yml["inputs"][id.as_str()]["description"].as_str().is_some(),
            "{id} has no description"
        );
    }
    // Every output credgate writes is declared, and every declared output is written.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing here\n");
    let run = run_action(
        dir.path(),
        &[("command", "scan"), ("sarif_file", "credgate.sarif")],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let written: Vec<String> = run.outputs().into_keys().collect();
    let mut declared: Vec<String> = yml["outputs"]
        .as_hash()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    declared.sort();
    assert_eq!(written, declared);
}

#[test]
fn dockerfile_final_stage_suits_a_docker_action() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("Dockerfile")).unwrap();
    let instructions: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(
        text.contains("cargo build --release --locked"),
        "the image must build from Cargo.lock"
    );
    let last_from = instructions
        .iter()
        .rposition(|l| l.starts_with("FROM "))
        .unwrap();
    assert!(
        last_from > 0,
        "multi-stage: a builder, then the final stage"
    );
    let final_stage = &instructions[last_from..];
    for forbidden in ["WORKDIR", "USER"] {
        assert!(
            !final_stage.iter().any(|l| l.starts_with(forbidden)),
            "GitHub requires no {forbidden} in a Docker action's image"
        );
    }
    let entrypoint: Vec<&&str> = final_stage
        .iter()
        .filter(|l| l.starts_with("ENTRYPOINT"))
        .collect();
    assert_eq!(
        entrypoint,
        [&r#"ENTRYPOINT ["/usr/local/bin/credgate"]"#],
        "absolute exec-form ENTRYPOINT"
    );
    assert!(!final_stage.iter().any(|l| l.starts_with("CMD")));
}

#[test]
fn scan_writes_outputs_summary_annotations_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let planted = secret_tree(dir.path());
    let run = run_action(
        dir.path(),
        &[
            ("command", "scan"),
            ("sarif_file", "results/credgate.sarif"),
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let outputs = run.outputs();
    assert_eq!(outputs["status"], "failed");
    assert_eq!(outputs["sarif_file"], "results/credgate.sarif");
    let findings = run.count("findings");
    let errors = run.count("errors");
    assert!(errors >= 3, "{outputs:?}");
    assert_eq!(
        findings,
        errors + run.count("warnings") + run.count("notes")
    );

    // The SARIF copy sits in the workspace, not in the directory credgate was started in.
    let sarif_path = dir.path().join("results/credgate.sarif");
    let sarif_text = std::fs::read_to_string(&sarif_path).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings
    );

    // Annotations name files relative to the workspace.
    assert!(
        run.stdout
            .contains("::error file=src/Api/appsettings.Staging.json,line=4,"),
        "{}",
        run.stdout
    );
    assert_eq!(lines_starting(&run.stdout, "::error "), errors);

    let summary = run.summary.as_deref().unwrap();
    assert!(summary.starts_with("## ❌ credgate: failed"), "{summary}");
    assert!(summary.contains("### Findings"), "{summary}");
    assert!(summary.contains("`azure-client-secret`"), "{summary}");
    assert!(
        summary.contains("src/Api/appsettings.Staging.json:4"),
        "{summary}"
    );
    assert!(!summary.contains("not annotated"), "{summary}");

    let everything = format!("{}\n{sarif_text}", run.everything());
    for secret in [&planted.entra, &planted.storage, &planted.pem_line] {
        assert_no_leak(&everything, secret, "the action's output");
    }
}

#[test]
fn annotations_are_capped_at_ten_per_kind_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    let secrets: Vec<String> = (0..13).map(|i| entra_secret(500 + i * 7)).collect();
    for (i, secret) in secrets.iter().enumerate() {
        write(
            dir.path(),
            &format!("services/svc{i:02}/appsettings.json"),
            &format!("{{\n  \"AzureAd\": {{\n    \"ClientSecret\": \"{secret}\"\n  }}\n}}\n"),
        );
    }
    let run = run_action(dir.path(), &[("command", "scan")], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let (errors, warnings, notes) = (
        run.count("errors"),
        run.count("warnings"),
        run.count("notes"),
    );
    assert!(errors >= 13, "{:?}", run.outputs());
    assert_eq!(
        lines_starting(&run.stdout, "::error "),
        10,
        "{}",
        run.stdout
    );
    assert_eq!(lines_starting(&run.stdout, "::warning "), warnings.min(10));
    assert_eq!(lines_starting(&run.stdout, "::notice "), notes.min(10));
    let left_out =
        errors.saturating_sub(10) + warnings.saturating_sub(10) + notes.saturating_sub(10);
    // The others are plain log lines, and both the log and the summary say how many.
    assert_eq!(
        lines_starting(
            &run.stdout,
            "credgate: error azure-client-secret at services/svc"
        ),
        errors - 10
    );
    let last = run.stdout.lines().last().unwrap();
    assert!(
        last.contains(&format!("{left_out} not annotated")),
        "{last}"
    );
    let summary = run.summary.as_deref().unwrap();
    assert!(
        summary.contains(&format!("**{left_out} findings not annotated**")),
        "{summary}"
    );
    for secret in &secrets {
        assert_no_leak(&run.everything(), secret, "the capped output");
    }
}

#[test]
fn annotation_properties_escape_commas_and_colons() {
    let dir = tempfile::tempdir().unwrap();
    let secret = entra_secret(77);
    write(
        dir.path(),
        "cfg,v2:prod/appsettings.json",
        &format!("{{ \"AzureAd\": {{ \"ClientSecret\": \"{secret}\" }} }}\n"),
    );
    let run = run_action(dir.path(), &[("command", "scan")], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error ") && l.contains("appsettings.json"))
        .unwrap_or_else(|| panic!("no annotation: {}", run.stdout));
    assert!(
        line.starts_with("::error file=cfg%2Cv2%3Aprod/appsettings.json,line=1,"),
        "{line}"
    );
    assert!(
        line.contains("title=credgate%3A azure-client-secret::"),
        "{line}"
    );
    assert_no_leak(&run.everything(), &secret, "the escaped annotation");
}

#[test]
fn invalid_inputs_exit_2_and_name_the_input() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing here\n");
    for (input, value, expected) in [
        (
            "command",
            "deploy",
            "invalid action input `command` (INPUT_COMMAND): \"deploy\" is not a command",
        ),
        (
            "fail_on",
            "fatal",
            "invalid action input `fail_on` (INPUT_FAIL_ON): invalid value 'fatal'",
        ),
        (
            "expiry_warning_days",
            "-3",
            "invalid action input `expiry_warning_days` (INPUT_EXPIRY_WARNING_DAYS)",
        ),
    ] {
        let run = run_action(dir.path(), &[(input, value)], &[]);
        assert_eq!(run.code, Some(2), "{input}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{input}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{input}: {}", run.stdout);
        assert!(run.output.is_none(), "{input}: outputs written");
    }
    let missing = run_action(dir.path(), &[("path", "no/such/dir")], &[]);
    assert_eq!(missing.code, Some(2));
    assert!(
        missing.stderr.contains("path not found: no/such/dir"),
        "{}",
        missing.stderr
    );
}

/// Everything `check` could send a request with, all pointing at one stand-in.
fn network_bait(url: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "AZURE_TENANT_ID",
            "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60".to_string(),
        ),
        (
            "AZURE_CLIENT_ID",
            "0000000a-5b7d-4e8f-9a0b-1c2d3e4f5ac3".to_string(),
        ),
        ("AZURE_CLIENT_SECRET", entra_secret(901)),
        ("GITHUB_API_URL", url.to_string()),
        ("GITHUB_REPOSITORY", "octo/app".to_string()),
        (
            "GITHUB_TOKEN",
            "ghs_stand-in-token-not-a-secret".to_string(),
        ),
    ]
}

#[test]
fn scan_makes_no_network_request_and_check_does() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.Production.json",
        "{ \"AzureAd\": { \"TenantId\": \"7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60\", \"ClientId\": \"0000000a-5b7d-4e8f-9a0b-1c2d3e4f5ac3\" } }\n",
    );
    let stand_in = serve(|_, _| {
        token_reply(&jwt(serde_json::json!({
            "appid": "0000000a-5b7d-4e8f-9a0b-1c2d3e4f5ac3",
            "tid": "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60",
        })))
    });
    let url = stand_in.url();
    let bait = network_bait(&url);
    let secret = bait[2].1.clone();
    let with = [
        ("environments", "production"),
        ("authority_host", url.as_str()),
        ("command", "scan"),
    ];
    let scan = run_action(dir.path(), &with, &bait);
    assert_eq!(scan.code, Some(0), "{}", scan.stderr);
    assert_eq!(stand_in.hits(), 0, "scan sent a request");
    assert_eq!(scan.outputs()["status"], "passed");

    // The control: the same step with `check` does reach the stand-in, through the input.
    let with = [
        ("environments", "production"),
        ("authority_host", url.as_str()),
        ("command", "check"),
    ];
    let check = run_action(dir.path(), &with, &bait);
    assert!(stand_in.hits() > 0, "check sent nothing: {}", check.stderr);
    let token_requests = stand_in
        .seen()
        .iter()
        .filter(|s| s.path.contains("/oauth2/v2.0/token"))
        .count();
    assert!(token_requests >= 1, "{:?}", stand_in.seen());
    let summary = check.summary.as_deref().unwrap();
    assert!(summary.contains("### Environments"), "{summary}");
    assert!(summary.contains("production"), "{summary}");
    for run in [&scan, &check] {
        assert_no_leak(&run.everything(), &secret, "a network-bait run");
    }
}

#[test]
fn an_environments_input_that_matches_nothing_fails_the_step() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "appsettings.Production.json",
        "{ \"AzureAd\": { \"TenantId\": \"7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60\", \"ClientId\": \"0000000a-5b7d-4e8f-9a0b-1c2d3e4f5ac3\" } }\n",
    );
    for command in ["scan", "check"] {
        // A typo, and what a template gets when the matrix value never reached it.
        for name in ["prodution", "${{ matrix.environment }}"] {
            let run = run_action(
                dir.path(),
                &[("command", command), ("environments", name)],
                &[],
            );
            assert_eq!(run.code, Some(2), "{command} {name}: {}", run.stderr);
            assert!(run.stderr.contains("production (files)"), "{}", run.stderr);
        }
    }
    // The same step with the right name passes the selection (and fails on what it finds:
    // no credentials for production's dry-run).
    let run = run_action(
        dir.path(),
        &[("command", "check"), ("environments", "production")],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let run = run_action(
        dir.path(),
        &[
            ("command", "check"),
            ("environments", "production"),
            ("allow_missing_credentials", "true"),
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn the_format_input_changes_the_log_not_the_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let planted = secret_tree(dir.path());
    let run = run_action(dir.path(), &[("command", "scan"), ("format", "json")], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap().len();
    assert_eq!(run.count("findings"), findings);
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    assert!(run.summary.as_deref().unwrap().contains("### Findings"));
    assert_no_leak(&run.everything(), &planted.entra, "the json run");
}

#[test]
fn the_path_input_is_relative_to_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let secret = entra_secret(31);
    write(
        dir.path(),
        "services/api/appsettings.json",
        &format!("{{ \"AzureAd\": {{ \"ClientSecret\": \"{secret}\" }} }}\n"),
    );
    write(
        dir.path(),
        "other/appsettings.json",
        &format!(
            "{{ \"AzureAd\": {{ \"ClientSecret\": \"{}\" }} }}\n",
            entra_secret(32)
        ),
    );
    let run = run_action(
        dir.path(),
        &[("command", "scan"), ("path", "services/api")],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.count("errors"), 1, "other/ is outside the path");
    assert!(
        run.stdout
            .contains("::error file=services/api/appsettings.json,line=1,"),
        "{}",
        run.stdout
    );
}

#[test]
fn arguments_mean_the_command_line_even_inside_actions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing here\n");
    let path: PathBuf = dir.path().to_path_buf();
    let out = credgate_isolated()
        .env("GITHUB_ACTIONS", "true")
        .env("INPUT_COMMAND", "deploy")
        .arg("scan")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("credgate: no findings"));
}

/// The `history` input: on a pull_request event the action scans the pull request's commits by
/// itself (`pr`, the default), `all` every commit on any event, `none` only the working tree.
#[test]
fn history_input_scans_the_pull_requests_commits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| common::git(root, args);
    git(&["init", "-q"]);
    write(root, "README.md", "demo\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    let base = git(&["rev-parse", "HEAD"]);
    write(
        root,
        "app.env",
        &format!("AZURE_CLIENT_SECRET={}\n", entra_secret(77)),
    );
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "add secret"]);
    let leak = git(&["rev-parse", "HEAD"]);
    git(&["rm", "-q", "app.env"]);
    git(&["commit", "-q", "-m", "remove secret"]);
    let head = git(&["rev-parse", "HEAD"]);
    let events = tempfile::tempdir().unwrap();
    let event = events.path().join("event.json");
    std::fs::write(
        &event,
        format!(r#"{{"pull_request":{{"base":{{"sha":"{base}"}},"head":{{"sha":"{head}"}}}}}}"#),
    )
    .unwrap();
    let pull_request = [
        ("GITHUB_EVENT_NAME", "pull_request".to_string()),
        ("GITHUB_EVENT_PATH", event.display().to_string()),
    ];
    let run = run_action(root, &[("command", "scan")], &pull_request);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let annotation = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error file=app.env"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        annotation.contains(&format!("Commit: {leak}")),
        "{annotation}"
    );
    let run = run_action(
        root,
        &[("command", "scan"), ("history", "none")],
        &pull_request,
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let push = [("GITHUB_EVENT_NAME", "push".to_string())];
    let run = run_action(root, &[("command", "scan")], &push);
    assert_eq!(
        run.code,
        Some(0),
        "a push is no pull request: {}",
        run.stdout
    );
    let run = run_action(root, &[("command", "scan"), ("history", "all")], &push);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
}
