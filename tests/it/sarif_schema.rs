//! The SARIF report validates against the official SARIF 2.1.0 schema (vendored in
//! tests/schemas/, see its README) and meets what GitHub code scanning adds on top: regions never
//! below 1, and every result's rule described in the driver.

use credgate::cli::Format;
use credgate::model::{
    DryRunResult, EnvironmentSummary, Finding, Location, Report, SecretPresence, Severity, Summary,
};
use credgate::report::{render, RenderOptions};
use credgate::secret::SecretValue;
use serde_json::Value;

const SCHEMA: &str = include_str!("../schemas/sarif-schema-2.1.0.json");

/// A report with every kind of location the reporters must handle.
fn rich_report() -> Report {
    let secret = SecretValue::new("Zq7.Kd3~Wm9Xp2Lr8Tb5Nc1Vh6Gf4Js0Ya3Ue7Io"); // credgate:allow
    let mut report = Report {
        root: ".".into(),
        environments: vec![
            EnvironmentSummary {
                name: "production".into(),
                tenant_id: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
                client_id: Some("11111111-2222-3333-4444-555555555555".into()),
                secret: SecretPresence {
                    present: true,
                    source: Some("appsettings.Production.json:9".into()),
                    fingerprint: Some(secret.fingerprint()),
                },
                sources: vec!["appsettings.Production.json".into()],
                ..EnvironmentSummary::default()
            },
            EnvironmentSummary {
                name: "staging".into(),
                client_id: Some("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into()),
                sources: vec![".env.staging".into()],
                ..EnvironmentSummary::default()
            },
        ],
        dry_run: vec![DryRunResult {
            environment: "staging".into(),
            status: "invalid_secret".into(),
            aadsts: Some(7_000_215),
            trace_id: Some("trace".into()),
            correlation_id: Some("correlation".into()),
            duration_ms: 212,
            blocked_by: None,
        }],
        summary: Summary {
            files_scanned: 12,
            // A history scan's repository and revision become `versionControlProvenance`.
            history: Some(credgate::model::HistoryStats {
                range: "HEAD".into(),
                revision: Some("0123456789abcdef0123456789abcdef01234567".into()),
                branch: Some("main".into()),
                repository: Some("https://github.com/org/app.git".into()),
                ..Default::default()
            }),
            ..Summary::default()
        },
        ..Report::default()
    };
    report.findings = vec![
        Finding::new(
            "azure-client-secret",
            Severity::Error,
            Location::file("appsettings.Production.json", 9, 21).with_end_column(61),
            "An Entra ID client secret is committed.",
            &secret.fingerprint(),
        )
        .with_environment("production")
        .with_secret(&secret)
        .with_fix("Rotate it."),
        Finding::new(
            "dry-run-failed",
            Severity::Error,
            Location::source("github:environment/staging/secrets/AZURE_CLIENT_SECRET"),
            "staging: invalid_secret (AADSTS7000215).",
            "staging",
        )
        .with_environment("staging"),
        Finding::new(
            "missing-credential",
            Severity::Warning,
            Location::whole_file(".env.staging"),
            "staging has no tenant id.",
            "staging/tenant",
        ),
        Finding::new(
            "redirect-uri-mismatch",
            Severity::Warning,
            Location::file("config/my settings#1.yaml", 4, 3),
            "Redirect URI on localhost.",
            "localhost",
        ),
        Finding::new(
            "parse-error",
            Severity::Note,
            // Zero is not a valid line or column; the reporter must not pass it on.
            Location::file("broken.json", 0, 0),
            "Not JSON.",
            "json",
        ),
        Finding::new(
            "rule-not-in-the-catalog",
            Severity::Note,
            Location::file("x.txt", 2, 1),
            "A finding of a rule without a catalog entry.",
            "x",
        ),
    ];
    report.finalize();
    report
}

fn sarif(report: &Report) -> Value {
    let text = render(report, Format::Sarif, &RenderOptions::default()).expect("render sarif");
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

/// The `language` pattern as published in SARIF 2.1.0, with a stray `]` (SARIF TC erratum,
/// oasis-tcs/sarif-spec#488): a strict ECMA-262 check rejects it when the schema itself is checked
/// against the draft-07 meta-schema, so the validator would not compile.
const ERRATUM_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
/// What the pattern was meant to say: a two-letter language with an optional region.
const INTENDED_PATTERN: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

/// Replaces the erratum pattern wherever it occurs (`run.language`, `toolComponent.language`;
/// credgate writes neither). The vendored file stays byte-for-byte the published one.
fn fix_erratum(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let mut fixed = 0;
            for (key, child) in map.iter_mut() {
                if key == "pattern" && child == ERRATUM_PATTERN {
                    *child = Value::from(INTENDED_PATTERN);
                    fixed += 1;
                } else {
                    fixed += fix_erratum(child);
                }
            }
            fixed
        }
        Value::Array(items) => items.iter_mut().map(fix_erratum).sum(),
        _ => 0,
    }
}

fn schema_errors(instance: &Value) -> Vec<String> {
    let mut schema: Value = serde_json::from_str(SCHEMA).expect("vendored schema is JSON");
    assert_eq!(
        fix_erratum(&mut schema),
        2,
        "the erratum is where it is documented"
    );
    let validator = jsonschema::options()
        // Formats are checked too: `uri` and `uri-reference` cover the artifact URIs.
        .should_validate_formats(true)
        .build(&schema)
        .expect("vendored schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn rich_report_is_valid_sarif_2_1_0() {
    assert!(
        sarif(&rich_report())["runs"][0]["versionControlProvenance"][0]["repositoryUri"]
            .is_string()
    );
    let errors = schema_errors(&sarif(&rich_report()));
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn empty_report_is_valid_sarif_2_1_0() {
    let errors = schema_errors(&sarif(&Report::default()));
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_check_catches_invalid_documents() {
    // Guards the test itself: a broken document must fail validation.
    let mut doc = sarif(&rich_report());
    doc["version"] = Value::from("2.0.0");
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(schema_errors(&doc).len() >= 2);
    // Formats are checked: an unencoded space is not a URI reference.
    let mut doc = sarif(&rich_report());
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Value::from("my settings.yaml");
    assert_eq!(schema_errors(&doc).len(), 1);
}

#[test]
fn regions_are_never_below_one() {
    let doc = sarif(&rich_report());
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    for result in results {
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "GitHub uses exactly one location");
        let physical = &locations[0]["physicalLocation"];
        assert!(physical["artifactLocation"]["uri"].is_string());
        let region = &physical["region"];
        let start_line = region["startLine"]
            .as_i64()
            .expect("GitHub needs startLine");
        assert!(start_line >= 1, "{region}");
        for key in ["startColumn", "endColumn", "endLine"] {
            if let Some(v) = region.get(key) {
                assert!(v.as_i64().expect("integer") >= 1, "{key} in {region}");
            }
        }
        if let (Some(start), Some(end)) =
            (region["startColumn"].as_i64(), region["endColumn"].as_i64())
        {
            assert!(end > start, "{region}");
        }
    }
}

#[test]
fn every_result_has_a_rule_object() {
    let doc = sarif(&rich_report());
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in run["results"].as_array().expect("results") {
        let id = result["ruleId"].as_str().expect("ruleId");
        assert!(
            rules.iter().any(|r| r["id"] == id),
            "no rule object for {id}"
        );
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at another rule");
    }
}

#[test]
fn sarif_shows_only_the_redacted_secret() {
    let doc = sarif(&rich_report());
    let text = doc.to_string();
    assert!(!text.contains("Kd3~Wm9"));
    assert!(text.contains("Zq7\\u2026") || text.contains("Zq7…"));
}
