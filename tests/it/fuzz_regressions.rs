//! Inputs the fuzz targets (fuzz/, `cargo +nightly fuzz`) found to crash or to break an
//! invariant, replayed through the same entry point on stable so each fix stays fixed. One test
//! per finding; the minimised input is committed under `tests/fixtures/fuzz-regressions/`, named
//! `<target>-<short>.bin`.

use credgate::extract::{self, FileFacts};
use credgate::model::Location;
use std::path::Path;

/// The committed input `name`.
fn input(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz-regressions")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text an extractor gets from `extract_kind`: lossy UTF-8 without a byte-order mark.
fn text_of(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()
}

/// Asserts that `location` points into `text` (lines split at `\n`, columns in characters), as
/// the fuzz targets do.
fn assert_within(text: &str, location: &Location, what: &str) {
    let lens: Vec<usize> = text.split('\n').map(|l| l.chars().count()).collect();
    let Some(line) = location.line else { return };
    assert!(
        line >= 1 && line as usize <= lens.len(),
        "{what}: line {line} outside a {}-line input",
        lens.len()
    );
    if let Some(column) = location.column {
        let len = lens[line as usize - 1];
        assert!(
            column >= 1 && column as usize <= len + 1,
            "{what}: column {column} outside line {line} of {len} characters"
        );
    }
}

/// Asserts that every fact, reference and problem of `out` points into `text`.
fn assert_facts_within(text: &str, out: &FileFacts) {
    for fact in &out.facts {
        assert_within(text, &fact.location, fact.field.as_str());
    }
    for reference in &out.references {
        assert_within(text, &reference.location, "reference");
    }
    for problem in &out.problems {
        assert_within(text, &problem.location, &problem.rule_id);
    }
}

/// `%r` (a truncated YAML directive): yaml-rust2 placed the end-of-input error on line 2 of a
/// one-line file, so the `parse-error` note pointed past the end. Lone `\r` line breaks, which
/// YAML counts and the rest of credgate does not, moved positions the same way.
#[test]
fn yaml_config_error_past_eof() {
    let text = text_of(&input("yaml_config-error-past-eof.bin"));
    let out = extract::yaml_config::extract("config/prod/application.yml", &text);
    assert_eq!(out.problems.len(), 1, "{out:?}");
    assert_eq!(out.problems[0].location.line, Some(1));
    assert_facts_within(&text, &out);

    let text = "azure:\r  client_id: 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\r  tenant_id: %\r";
    let out = extract::yaml_config::extract("config/prod/application.yml", text);
    assert_facts_within(text, &out);
    assert_eq!(out.problems.len(), 1, "{out:?}");
}

/// `SECRET<value>=<value>` in `.env`: a generic assignment whose key name holds the value, and
/// the message quoted the key, so it showed the secret it was about. The first byte is the
/// fuzz target's path selector (0: `.env`).
#[test]
fn secret_scanner_key_holds_value() {
    let bytes = input("secret_scanner-key-holds-value.bin");
    let (&selector, file) = bytes.split_first().unwrap();
    assert_eq!(selector, 0);
    let scan = credgate::checks::secrets::scan_file(".env", file);
    assert_eq!(scan.findings.len(), 1, "{:?}", scan.findings);
    let finding = &scan.findings[0];
    assert_eq!(finding.rule_id, "generic-secret-assignment");
    let text = String::from_utf8_lossy(file);
    let value = text.split_once('=').unwrap().1.trim_end();
    let chars: Vec<char> = value.chars().collect();
    let json = serde_json::to_string(finding).unwrap();
    for window in chars.windows(12) {
        let window: String = window.iter().collect();
        assert!(
            !finding.message.contains(&window),
            "message shows the secret"
        );
        assert!(!json.contains(&window), "report shows the secret");
    }
    assert!(finding.message.contains('…'), "{}", finding.message);
}

/// `\r:`: jsonc-parser counts a lone `\r` as a line break, so the `parse-error` note went to
/// line 2 of a one-line file.
#[test]
fn appsettings_lone_cr_error() {
    let text = text_of(&input("appsettings-lone-cr-error.bin"));
    let out = extract::appsettings::extract("src/Api/appsettings.Production.json", &text);
    assert_eq!(out.problems.len(), 1, "{out:?}");
    assert_eq!(out.problems[0].location.line, Some(1));
    assert_facts_within(&text, &out);
}

/// `%n` in a workflow: the same end-of-input YAML error as `yaml_config_error_past_eof`,
/// reached through the GitHub workflow reader.
#[test]
fn github_workflow_error_past_eof() {
    let text = text_of(&input("github_workflow-error-past-eof.bin"));
    let out = extract::github_workflow::extract(".github/workflows/deploy.yml", &text);
    assert_eq!(out.problems.len(), 1, "{out:?}");
    assert_facts_within(&text, &out);
}

/// `%b` in a pipeline: the end-of-input YAML error again, through the Azure Pipelines reader.
#[test]
fn azure_pipelines_error_past_eof() {
    let text = text_of(&input("azure_pipelines-error-past-eof.bin"));
    let out = extract::azure_pipelines::extract("azure-pipelines.yml", &text);
    assert_eq!(out.problems.len(), 1, "{out:?}");
    assert_facts_within(&text, &out);
}

/// A 2 KB `.tfvars` of unterminated strings, interpolations and objects nested in each other
/// took over 5 s: hcl-edit backtracks through every level of a failing nested expression, so
/// each level doubles the time. Nesting beyond 16 levels is now a `parse-error` note without
/// parsing.
#[test]
fn terraform_nested_backtracking() {
    let path = "env/prod/prod.tfvars";
    let text = text_of(&input("terraform-nested-backtracking.bin"));
    let started = std::time::Instant::now();
    let out = extract::terraform::extract(path, &text);
    assert_eq!(out.problems.len(), 1, "{out:?}");
    assert!(out.problems[0].message.contains("nested deeper"), "{out:?}");
    assert_facts_within(&text, &out);

    // The smallest shapes that double per level (objects, parentheses, interpolations), 40
    // levels deep: 2^40 steps unguarded.
    for unit in [
        "{ a = a.b!=c/",
        "a.b!=c/(",
        "x${ a!=b/\"",
        "{ a = a.b!=c/\"${ a.b!=c/(",
    ] {
        let text = format!("l = {}", unit.repeat(40));
        let out = extract::terraform::extract(path, &text);
        assert_eq!(out.problems.len(), 1, "{unit}: {out:?}");
        assert!(out.problems[0].message.contains("nested deeper"), "{unit}");
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );

    // Closing brackets in comments, strings and heredocs do not hide the depth.
    let hidden = format!(
        "l = {}",
        "{ a = a.b!=c/ # }\n\"}\" + <<EOT\n}\nEOT\n/* } */".repeat(40)
    );
    let out = extract::terraform::extract(path, &hidden);
    assert_eq!(out.problems.len(), 1, "{out:?}");

    // Real nesting still reads: 12 levels around a client secret.
    let mut deep = String::from("locals {\n  cfg = ");
    for _ in 0..5 {
        deep.push_str("{ a = [ ");
    }
    deep.push_str("{ client_secret = \"${var.sp_secret}\" }");
    for _ in 0..5 {
        deep.push_str(" ] }");
    }
    // Brackets in strings, comments and heredocs are text, not nesting.
    let text = "[".repeat(20);
    deep.push_str(&format!(
        "\n  # {text}\n  note = \"{text}\"\n  policy = <<-EOT\n    {text}\n    EOT\n}}\n"
    ));
    let out = extract::terraform::extract("infra/main.tf", &deep);
    assert!(out.problems.is_empty(), "{out:?}");
    assert_eq!(out.facts.len(), 1, "{out:?}");
}

/// `{"Azure":{"Instance":"b⏎"}}`: a string with a raw line break (jsonc-parser accepts it). The
/// value's end column was taken from its last line, before its start column on the first, which
/// makes an invalid SARIF region.
#[test]
fn appsettings_multiline_string_end() {
    let text = text_of(&input("appsettings-multiline-string-end.bin"));
    let out = extract::appsettings::extract("src/Api/appsettings.Production.json", &text);
    assert!(!out.facts.is_empty(), "{out:?}");
    for fact in &out.facts {
        let location = &fact.location;
        assert!(
            location.end_column >= location.column,
            "{}: {location:?}",
            fact.field.as_str()
        );
    }
    assert_facts_within(&text, &out);
}
