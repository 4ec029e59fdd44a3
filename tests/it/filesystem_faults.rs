//! Filesystem faults: one tree holding an unreadable file and folder, symbolic-link loops, a
//! FIFO and a socket, a 5 GB sparse file, 1 MB single-line minified files, YAML nested 10,000
//! levels (flow and block), a YAML "billion laughs" and a folder named like a config file. The
//! scan ends with exit 1 (the tree's real secrets), not 2, in bounded time and memory; each
//! problem is a `parse-error` note or a skip count; the real findings are all still there.
//! A second test deletes files while the walk runs.
//!
//! Tests run as root in CI, and root reads a `chmod 000` file. Where that is so, the scan runs
//! under `setpriv` without `CAP_DAC_OVERRIDE`/`CAP_DAC_READ_SEARCH`, which makes permissions
//! bite again for root; without `setpriv`, the unreadable cases are skipped with a note.

use crate::common::{self, entra_secret, storage_key, write, CI_VARS};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every fault run must end well inside this (debug build, shared 2-core machine).
const TIME_BOUND: Duration = Duration::from_secs(30);
/// Peak resident memory allowed for a fault run.
const MEMORY_BOUND_KIB: u64 = 512 * 1024;

/// How the scan is started so that permission bits are honoured.
enum Privilege {
    /// Not privileged: `chmod 000` already denies reads.
    Plain,
    /// Root: run under `setpriv` without the capabilities that bypass permission checks.
    DropDacCapabilities,
    /// Root and no way to drop the capabilities: unreadable cases cannot be made.
    CannotDeny,
}

/// Finds out whether `chmod 000` denies this process, and if not, whether `setpriv` can make it.
fn privilege(probe_dir: &Path) -> Privilege {
    let probe = probe_dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let result = if std::fs::read(&probe).is_err() {
        Privilege::Plain
    } else {
        let under_setpriv = |program: &str, arg: Option<&Path>| {
            let mut c = Command::new("setpriv");
            c.args(DROP_DAC).arg(program);
            if let Some(a) = arg {
                c.arg(a);
            }
            c.stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        // setpriv must work at all (it needs CAP_SETPCAP), and then deny the read.
        if under_setpriv("true", None) && !under_setpriv("cat", Some(&probe)) {
            Privilege::DropDacCapabilities
        } else {
            Privilege::CannotDeny
        }
    };
    std::fs::remove_file(&probe).unwrap();
    result
}

const DROP_DAC: &[&str] = &[
    "--bounding-set",
    "-dac_override,-dac_read_search",
    "--inh-caps",
    "-dac_override,-dac_read_search",
];

/// The credgate binary, wrapped in `setpriv` when permissions must be made to bite.
fn credgate_command(privilege: &Privilege) -> Command {
    let bin = assert_cmd::cargo::cargo_bin("credgate");
    let mut cmd = match privilege {
        Privilege::DropDacCapabilities => {
            let mut c = Command::new("setpriv");
            c.args(DROP_DAC).arg(bin);
            c
        }
        _ => Command::new(bin),
    };
    for var in CI_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// A finished run with its wall time and peak resident memory (VmHWM, sampled from /proc while
/// it ran; the last sample is taken just before it exits).
struct Measured {
    code: Option<i32>,
    took: Duration,
    peak_kib: u64,
    stderr: String,
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn measure(mut cmd: Command) -> Measured {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let pid = child.id();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("credgate ran for more than 120 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Measured {
        code: status.code(),
        took: started.elapsed(),
        peak_kib,
        stderr: reader.join().unwrap(),
    }
}

fn report_of(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn by_rule<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

fn files_of(findings: &[&serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .filter_map(|f| f["file"].as_str().map(str::to_string))
        .collect()
}

/// `rel` as a FIFO (via `mkfifo`, which every Linux has); false when it could not be made.
fn make_fifo(root: &Path, rel: &str) -> bool {
    Command::new("mkfifo")
        .arg(root.join(rel))
        .status()
        .is_ok_and(|s| s.success())
}

/// One line of `n` bytes of minified JSON settings ending with `tail`.
fn minified_json(n: usize, tail: &str) -> String {
    let mut s = String::from("{");
    let mut i = 0;
    while s.len() < n {
        s.push_str(&format!(
            "\"k{i}\":{{\"a\":[1,2,3],\"b\":\"value-{i}-{}\",\"c\":null}},",
            common::synth(i as u64, 24, common::B64)
        ));
        i += 1;
    }
    s.push_str(tail);
    s.push('}');
    s
}

/// What the fault tree holds that must still be reported.
struct Tree {
    /// Files with a real hard-coded secret, each must have a finding.
    secret_files: Vec<&'static str>,
    /// YAML files that must end in a parse-error note.
    bad_yaml: Vec<&'static str>,
    /// Paths that cannot be read (only when permissions can be made to bite).
    locked: Vec<&'static str>,
    /// Whether the FIFO could be made.
    fifo: bool,
}

fn fault_tree(root: &Path, lock: bool) -> Tree {
    // Real secrets in ordinary files.
    write(
        root,
        "src/Api/appsettings.Staging.json",
        &format!(
            "{{\n  \"AzureAd\": {{\n    \"ClientSecret\": \"{}\"\n  }}\n}}\n",
            entra_secret(1)
        ),
    );
    // A folder named like a config file, holding a file with a secret.
    write(
        root,
        "appsettings.json/deploy.env",
        &format!("AZURE_CLIENT_SECRET={}\n", entra_secret(2)),
    );
    // 1 MB single-line minified files with a secret at the far end.
    write(
        root,
        "appsettings.Production.json",
        &minified_json(
            1 << 20,
            &format!("\"AzureAd\":{{\"ClientSecret\":\"{}\"}}", entra_secret(3)),
        ),
    );
    let mut js = String::from("!function(){var a=[");
    while js.len() < 1 << 20 {
        js.push_str(&format!(
            "\"{}\",",
            common::synth(js.len() as u64, 40, common::B64)
        ));
    }
    js.push_str(&format!(
        "0];var c=\"DefaultEndpointsProtocol=https;AccountName=shop;AccountKey={};EndpointSuffix=core.windows.net\"}}();",
        storage_key(4)
    ));
    write(root, "wwwroot/dist/app.min.js", &js);
    // YAML: flow nesting 10,000 deep (a config file and a workflow, which is always parsed),
    // block nesting 10,000 deep (`- - - … x`), and a billion laughs.
    let deep_flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    write(
        root,
        "config/application-prod.yml",
        &format!("client-secret: x\nk: {deep_flow}\n"),
    );
    write(
        root,
        ".github/workflows/deep.yml",
        &format!(
            "on: push\njobs: {}1{}\n",
            "{a: ".repeat(10_000),
            "}".repeat(10_000)
        ),
    );
    write(
        root,
        "charts/api/values-prod.yaml",
        &format!("# client_id below\nitems:\n{}x\n", "- ".repeat(10_000)),
    );
    let mut laughs = String::from(
        "# AZURE_CLIENT_ID\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = "a".to_string();
    for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
        let refs = vec![format!("*{prev}"); 9].join(",");
        laughs.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name.to_string();
    }
    write(root, "docker-compose.yml", &laughs);
    // Links: a self loop, a folder loop, a dangling link.
    std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", root.join("src/up")).unwrap();
    std::os::unix::fs::symlink("does/not/exist", root.join("dangling.env")).unwrap();
    // Not regular files: a FIFO (reading it would block forever) and a socket.
    let fifo = make_fifo(root, "pipe.env");
    if !fifo {
        println!("note: mkfifo is not available; the FIFO case is skipped");
    }
    let socket = std::os::unix::net::UnixListener::bind(root.join("agent.sock")).unwrap();
    std::mem::forget(socket);
    // A 5 GB sparse file.
    std::fs::create_dir_all(root.join("logs")).unwrap();
    let huge = std::fs::File::create(root.join("logs/huge.log")).unwrap();
    huge.set_len(5 << 30).unwrap();
    // Unreadable file and folder.
    let mut locked = Vec::new();
    if lock {
        write(root, "secrets/locked.env", "AZURE_CLIENT_SECRET=x\n");
        write(root, "locked-dir/inside.env", "AZURE_CLIENT_SECRET=x\n");
        for rel in ["secrets/locked.env", "locked-dir"] {
            std::fs::set_permissions(root.join(rel), std::fs::Permissions::from_mode(0o000))
                .unwrap();
        }
        locked = vec!["secrets/locked.env", "locked-dir"];
    }
    Tree {
        secret_files: vec![
            "src/Api/appsettings.Staging.json",
            "appsettings.json/deploy.env",
            "appsettings.Production.json",
            "wwwroot/dist/app.min.js",
        ],
        bad_yaml: vec![
            "config/application-prod.yml",
            ".github/workflows/deep.yml",
            "charts/api/values-prod.yaml",
            "docker-compose.yml",
        ],
        locked,
        fifo,
    }
}

/// A scratch folder readable by a process without the permission-bypassing capabilities.
fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn one_tree_of_faults_is_reported_in_bounded_time_and_memory() {
    let dir = open_tempdir();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    let privilege = privilege(dir.path());
    let lock = !matches!(privilege, Privilege::CannotDeny);
    match privilege {
        Privilege::Plain => println!("unreadable cases: chmod 000 (not privileged)"),
        Privilege::DropDacCapabilities => {
            println!("unreadable cases: chmod 000, scan under setpriv without DAC capabilities")
        }
        Privilege::CannotDeny => {
            println!("note: running as root without setpriv: unreadable file/folder not exercised")
        }
    }
    let tree = fault_tree(&root, lock);
    let out = dir.path().join("report.json");
    let mut cmd = credgate_command(&privilege);
    cmd.arg("scan")
        .arg(&root)
        .args(["--format", "json", "-vv", "--output"])
        .arg(&out);
    let run = measure(cmd);
    println!(
        "fault tree: exit {:?} in {:?}, peak RSS {} KiB",
        run.code, run.took, run.peak_kib
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.took < TIME_BOUND, "took {:?}", run.took);
    assert!(run.peak_kib < MEMORY_BOUND_KIB, "peak {} KiB", run.peak_kib);
    assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
    let report = report_of(&out);

    // The real findings are all there.
    let mut secret_files = files_of(&by_rule(&report, "azure-client-secret"));
    secret_files.extend(files_of(&by_rule(&report, "azure-connection-string")));
    for file in &tree.secret_files {
        assert!(
            secret_files.iter().any(|f| f == file),
            "{file} not reported: {secret_files:?}"
        );
    }
    // Each YAML fault is a parse-error with a place, never a crash: a note, or an error for
    // production when the file is production's own configuration.
    let notes = by_rule(&report, "parse-error");
    for file in &tree.bad_yaml {
        let note = notes
            .iter()
            .find(|n| n["file"] == *file)
            .unwrap_or_else(|| panic!("no parse-error for {file}: {notes:?}"));
        if file.contains("prod") {
            assert_eq!(note["severity"], "error", "{note}");
            assert_eq!(note["environment"], "production", "{note}");
        } else {
            assert_eq!(note["severity"], "note", "{note}");
        }
        assert!(note["line"].as_u64().unwrap() >= 1, "{note}");
    }
    // Unreadable paths are notes naming them.
    for locked in &tree.locked {
        assert!(
            notes
                .iter()
                .any(|n| n["file"].as_str().is_some_and(|f| f.starts_with(locked))),
            "no note for unreadable {locked}: {notes:?}"
        );
    }
    // Skips are counted: the sparse file as too large, three links, the FIFO and socket.
    let skipped = &report["summary"]["files_skipped"];
    assert_eq!(skipped["too_large"], 1, "{skipped}");
    assert_eq!(skipped["symlink"], 3, "{skipped}");
    let not_regular = 1 + u64::from(tree.fifo);
    let unreadable = skipped["unreadable"].as_u64().unwrap();
    assert_eq!(
        unreadable,
        not_regular + tree.locked.len() as u64,
        "{skipped}"
    );
    // The text log says the same (-v and up).
    assert!(run.stderr.contains("1 too large"), "{}", run.stderr);

    // Clean up what the test locked so the temporary folder can be removed.
    for locked in &tree.locked {
        let _ = std::fs::set_permissions(root.join(locked), std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn a_huge_sparse_file_is_skipped_instantly_even_under_a_raised_size_limit() {
    let dir = open_tempdir();
    let file = dir.path().join("disk.img");
    std::fs::File::create(&file)
        .unwrap()
        .set_len(5 << 30)
        .unwrap();
    write(dir.path(), "note.txt", "nothing here\n");
    for (limit, skipped_as) in [(None, "too_large"), (Some("20000000000"), "binary")] {
        let out = dir.path().join("report.json");
        let mut cmd = credgate_command(&Privilege::Plain);
        cmd.arg("scan")
            .arg(dir.path())
            .args(["--format", "json", "--output"])
            .arg(&out);
        if let Some(l) = limit {
            cmd.args(["--max-file-size", l]);
        }
        let run = measure(cmd);
        println!(
            "5 GB sparse file, limit {limit:?}: {:?}, peak RSS {} KiB",
            run.took, run.peak_kib
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
        assert!(run.peak_kib < 128 * 1024, "peak {} KiB", run.peak_kib);
        let report = report_of(&out);
        let skipped = &report["summary"]["files_skipped"];
        // report.json itself is written after the walk: only disk.img and note.txt are seen.
        assert_eq!(skipped[skipped_as], 1, "{skipped}");
        std::fs::remove_file(&out).unwrap();
    }
}

#[test]
fn block_nesting_of_10000_levels_under_a_raised_size_limit() {
    // A block mapping nested 10,000 deep needs 50 MB of indentation: past the default size
    // limit, so it is skipped; with the limit raised, it is read and refused at the depth limit.
    let dir = open_tempdir();
    let mut text = String::from("# ClientSecret\n");
    for level in 0..10_000 {
        text.push_str(&" ".repeat(level));
        text.push_str("a:\n");
    }
    text.push_str(&" ".repeat(10_000));
    text.push_str("b: 1\n");
    write(dir.path(), "config/application-prod.yml", &text);
    write(
        dir.path(),
        ".env.production",
        &format!("AZURE_CLIENT_SECRET={}\n", entra_secret(9)),
    );
    let out = dir.path().join("report.json");
    let mut cmd = credgate_command(&Privilege::Plain);
    cmd.arg("scan")
        .arg(dir.path())
        .args([
            "--format",
            "json",
            "--max-file-size",
            "100000000",
            "--output",
        ])
        .arg(&out);
    let run = measure(cmd);
    println!(
        "{} MB block-nested YAML: {:?}, peak RSS {} KiB",
        text.len() >> 20,
        run.took,
        run.peak_kib
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.took < TIME_BOUND, "took {:?}", run.took);
    assert!(run.peak_kib < MEMORY_BOUND_KIB, "peak {} KiB", run.peak_kib);
    let report = report_of(&out);
    let notes = by_rule(&report, "parse-error");
    assert!(
        notes
            .iter()
            .any(|n| n["file"] == "config/application-prod.yml"
                && n["message"].as_str().unwrap().contains("nested deeper")),
        "{notes:?}"
    );
    assert_eq!(by_rule(&report, "azure-client-secret").len(), 1);
}

#[test]
fn files_deleted_during_the_walk_do_not_crash_the_run() {
    // Best effort at a race: thousands of files, a thread deleting them while credgate walks.
    let mut vanished = 0;
    for round in 0..3 {
        let dir = open_tempdir();
        let root = dir.path().join("repo");
        let keep = format!("AZURE_CLIENT_SECRET={}\n", entra_secret(50 + round));
        write(&root, "keep/.env.staging", &keep);
        let mut victims: Vec<PathBuf> = Vec::new();
        for d in 0..40 {
            for f in 0..100 {
                let rel = format!("config/d{d}/f{f}.env");
                write(
                    &root,
                    &rel,
                    &format!("AZURE_TENANT_ID=7c3e5f1a-2b4d-4c6e-8f0a-{d:04}{f:08}\n"),
                );
                victims.push(root.join(rel));
            }
        }
        let out = dir.path().join("report.json");
        let mut cmd = credgate_command(&Privilege::Plain);
        cmd.arg("scan")
            .arg(&root)
            .args(["--format", "json", "--output"])
            .arg(&out);
        let dirs: Vec<PathBuf> = (0..40)
            .step_by(2)
            .map(|d| root.join(format!("config/d{d}")))
            .collect();
        let deleter = std::thread::spawn(move || {
            // Whole folders and single files, interleaved, while the walk runs.
            for (i, path) in victims.iter().enumerate().rev() {
                let _ = std::fs::remove_file(path);
                if i % 200 == 0 {
                    if let Some(d) = dirs.get(i / 200) {
                        let _ = std::fs::remove_dir_all(d);
                    }
                }
            }
        });
        let run = measure(cmd);
        deleter.join().unwrap();
        assert!(
            matches!(run.code, Some(0 | 1)),
            "exit {:?}: {}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
        let report = report_of(&out);
        let secrets = by_rule(&report, "azure-client-secret");
        assert_eq!(files_of(&secrets), vec!["keep/.env.staging"], "{report}");
        assert_eq!(run.code, Some(1));
        let skipped = report["summary"]["files_skipped"]["unreadable"]
            .as_u64()
            .unwrap();
        let notes = by_rule(&report, "parse-error").len() as u64;
        assert_eq!(notes, skipped, "each vanished path is a note and a count");
        vanished += skipped;
        println!(
            "round {round}: {} scanned, {skipped} vanished mid-walk, {:?}",
            report["summary"]["files_scanned"], run.took
        );
    }
    println!("vanished mid-walk over 3 rounds: {vanished}");
}
