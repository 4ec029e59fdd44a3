//! Every integration test suite, compiled into one test binary (`autotests = false` and the one
//! `[[test]]` in Cargo.toml): one suite per module, `common` and `dryrun_support` shared by them.
//! One binary links tokio, reqwest, axum and the crate once instead of once per suite.
//!
//! A new suite is `tests/it/<suite>.rs` plus a `mod <suite>;` line here; it reaches the helpers as
//! `crate::common` and `crate::dryrun_support`. All suites share one process and run on parallel
//! threads: a test passes environment variables and working directories to the `Command`s it
//! starts, never to its own process (`std::env::set_var`, `set_current_dir`).

mod common;
mod dryrun_support;

mod action_contract;
mod cli_golden;
mod cli_init;
mod cli_inventory;
mod cli_pipeline_forms;
mod cli_remote;
mod cli_reports;
mod cli_scan;
mod cli_staged;
mod docs;
mod dotenv_oracle;
mod dryrun_credentials;
mod dryrun_entra;
mod dryrun_keyvault;
mod dryrun_matrix;
mod exfiltration;
mod filesystem_faults;
mod fuzz_regressions;
mod gate_fail_closed;
mod history;
mod network_faults;
mod precision;
mod redaction;
mod report_width;
mod sarif_schema;
mod sources_azure_devops;
mod sources_github;

/// With `autotests = false`, cargo compiles only this binary: a suite left at `tests/<suite>.rs`
/// (or in its own `tests/<dir>/main.rs`), or a `tests/it/<suite>.rs` without its `mod` line
/// above, would never run, and nothing else would say so.
#[test]
fn every_suite_is_a_module_of_this_binary() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(tests.join("it/main.rs")).unwrap();
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if (path.is_file() && name.ends_with(".rs"))
            || (name != "it" && path.join("main.rs").is_file())
        {
            stray.push(format!("tests/{name}"));
        }
    }
    assert!(
        stray.is_empty(),
        "{stray:?} would not be compiled: move each suite to tests/it/<suite>.rs (git mv), add \
         `mod <suite>;` to tests/it/main.rs and use `crate::common` instead of `mod common;`"
    );
    let mut undeclared = Vec::new();
    for entry in std::fs::read_dir(tests.join("it")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(module) = name.strip_suffix(".rs").filter(|m| *m != "main") {
            if !main.lines().any(|l| l.trim() == format!("mod {module};")) {
                undeclared.push(name);
            }
        }
    }
    assert!(
        undeclared.is_empty(),
        "{undeclared:?} in tests/it/ would not be compiled: add `mod <suite>;` to tests/it/main.rs"
    );
}
