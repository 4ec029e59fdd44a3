//! SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer), built from `serde-sarif`'s
//! types so that the document follows the schema by construction.
//!
//! What GitHub needs beyond the schema, and how it is met:
//! - every result has exactly one location with `artifactLocation.uri` (relative to the checkout,
//!   `uriBaseId` `%SRCROOT%`) and a `region.startLine`; lines and columns are never below 1,
//!   and what is unknown is omitted rather than guessed (a whole-file finding gets line 1);
//! - `partialFingerprints` carries credgate's own line-independent fingerprint, so alerts keep
//!   their identity when lines move;
//! - rules carry `security-severity` and `security` tags, which is what turns a result into a
//!   security alert with a severity.
//!
//! Findings that are not in a file (pipeline variables read over the GitHub or Azure DevOps API,
//! process environment variables) still need a file: code scanning rejects results without a
//! physical location. They point at line 1 of `credgate.toml` at the scanned root — the file
//! that decides which environments and variables credgate checks, so the alert sits with the
//! configuration that produced it, and its path stays stable across runs. The real origin is
//! kept as a logical location (`fullyQualifiedName`) and in the message.

use super::common::repo_path;
use crate::model::{Finding, Report, Severity};
use crate::rules::{Family, RuleInfo, RULES};
use serde_json::{json, Value};
use serde_sarif::sarif as s;
use std::collections::{BTreeMap, HashMap};

/// Where the tool is documented, shown by SARIF viewers.
pub const INFORMATION_URI: &str = "https://github.com/credgate/credgate";
/// The `$schema` of the document.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of credgate's fingerprint in `partialFingerprints`; versioned so the scheme can change.
pub const FINGERPRINT_KEY: &str = "credgate/v1";
/// Where findings without a file are placed, relative to the scanned root (see module docs).
pub const NO_FILE_URI: &str = "credgate.toml";
/// The base id GitHub resolves against the checkout root.
pub const SRCROOT: &str = "%SRCROOT%";

/// Pretty-printed SARIF with a trailing newline.
pub fn render(report: &Report) -> serde_json::Result<String> {
    let mut text = serde_json::to_string_pretty(&build(report))?;
    text.push('\n');
    Ok(text)
}

/// The SARIF log: one run, every rule of the catalog, one result per finding.
pub fn build(report: &Report) -> s::Sarif {
    let (rules, index) = descriptors(report);
    let results: Vec<s::Result> = report
        .findings
        .iter()
        .map(|f| result(report, f, index.get(f.rule_id.as_str()).copied()))
        .collect();
    let driver = s::ToolComponent::builder()
        .name(report.tool.name.clone())
        .version(report.tool.version.clone())
        .semantic_version(report.tool.version.clone())
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let mut run = s::Run::builder()
        .tool(s::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    // credgate counts columns in characters, not UTF-16 code units (SARIF's default).
    run.column_kind = Some(json!("unicodeCodePoints"));
    run.version_control_provenance = provenance(report).map(|details| vec![details]);
    s::Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The repository and commit a history scan read. SARIF requires the repository's URI, so a
/// clone without a reachable remote (a local path) gets none; the commits of single findings are
/// in their property bags either way.
fn provenance(report: &Report) -> Option<s::VersionControlDetails> {
    let history = report.summary.history.as_ref()?;
    let repository = history.repository.clone()?;
    let mut details = s::VersionControlDetails::builder()
        .repository_uri(repository)
        .build();
    details.revision_id = history.revision.clone();
    details.branch = history.branch.clone();
    Some(details)
}

/// One descriptor per catalog rule, plus one for any rule id a finding uses that the catalog
/// lacks (a rule added without a catalog entry must not produce a dangling `ruleId`).
fn descriptors(report: &Report) -> (Vec<s::ReportingDescriptor>, HashMap<String, usize>) {
    let mut rules: Vec<s::ReportingDescriptor> = RULES.iter().map(catalog_descriptor).collect();
    let mut index: HashMap<String, usize> = RULES
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.to_string(), i))
        .collect();
    for finding in &report.findings {
        if !index.contains_key(&finding.rule_id) {
            index.insert(finding.rule_id.clone(), rules.len());
            rules.push(extra_descriptor(&finding.rule_id, finding.severity));
        }
    }
    (rules, index)
}

fn catalog_descriptor(rule: &RuleInfo) -> s::ReportingDescriptor {
    let help_uri = rule.help_uri();
    // A file credgate could not parse is not a security problem; tagging it `security` would
    // file it among security alerts.
    let tags = match rule.family {
        Family::Input => vec!["reliability".to_string()],
        Family::Secrets => vec!["security".to_string(), "secrets".to_string()],
        Family::Consistency => vec!["security".to_string(), "configuration".to_string()],
        Family::DryRun => vec!["security".to_string(), "authentication".to_string()],
    };
    let mut extra = BTreeMap::new();
    if rule.family != Family::Input {
        extra.insert(
            "security-severity".to_string(),
            Value::from(rule.security_severity()),
        );
    }
    s::ReportingDescriptor::builder()
        .id(rule.id)
        .name(pascal_case(rule.id))
        .short_description(message_string(rule.description))
        .full_description(message_string(rule.description))
        .help(
            s::MultiformatMessageString::builder()
                .text(format!("{} Documentation: {help_uri}", rule.description))
                .markdown(format!(
                    "{}\n\n[Documentation]({help_uri})",
                    rule.description
                ))
                .build(),
        )
        .help_uri(help_uri)
        .default_configuration(configuration(rule.severity))
        .properties(
            s::PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build()
}

fn extra_descriptor(id: &str, severity: Severity) -> s::ReportingDescriptor {
    s::ReportingDescriptor::builder()
        .id(id)
        .name(pascal_case(id))
        .short_description(message_string(&format!("credgate rule {id}.")))
        .default_configuration(configuration(severity))
        .properties(
            s::PropertyBag::builder()
                .tags(vec!["security".to_string()])
                .build(),
        )
        .build()
}

fn configuration(severity: Severity) -> s::ReportingConfiguration {
    s::ReportingConfiguration::builder()
        .level(json!(severity.as_str()))
        .build()
}

fn message_string(text: &str) -> s::MultiformatMessageString {
    s::MultiformatMessageString::builder().text(text).build()
}

/// `azure-client-secret` → `AzureClientSecret`, the customary form of a SARIF rule name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn level(severity: Severity) -> s::ResultLevel {
    match severity {
        Severity::Error => s::ResultLevel::Error,
        Severity::Warning => s::ResultLevel::Warning,
        Severity::Note => s::ResultLevel::Note,
    }
}

fn result(report: &Report, finding: &Finding, rule_index: Option<usize>) -> s::Result {
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), finding.fingerprint.clone());
    let mut result = s::Result::builder()
        .rule_id(finding.rule_id.clone())
        .level(level(finding.severity))
        .message(s::Message::builder().text(message_text(finding)).build())
        .locations(vec![location(report, finding)])
        .partial_fingerprints(fingerprints)
        .build();
    result.rule_index = rule_index.and_then(|i| i64::try_from(i).ok());
    let mut extra = BTreeMap::new();
    if let Some(environment) = &finding.environment {
        extra.insert("environment".to_string(), json!(environment));
    }
    // SARIF's versionControlProvenance is per run (one revision); a finding's own commit goes
    // in its property bag, with the same fields as the JSON report's `commit`.
    if let Some(commit) = &finding.commit {
        extra.insert("commit".to_string(), json!(commit));
    }
    if !extra.is_empty() {
        result.properties = Some(
            s::PropertyBag::builder()
                .additional_properties(extra)
                .build(),
        );
    }
    result
}

/// The finding's message, then (each on its own line) where a non-file value came from, the
/// redacted secret, and the fix.
fn message_text(finding: &Finding) -> String {
    let mut lines = vec![finding.message.clone()];
    if finding.location.file.is_none() {
        if let Some(source) = &finding.location.source {
            lines.push(format!("Source: {source}"));
        }
    }
    if let Some(secret) = &finding.secret {
        lines.push(format!("Secret: {secret}"));
    }
    lines.extend(super::common::commit_line(finding));
    if let Some(fix) = &finding.fix {
        lines.push(format!("Fix: {fix}"));
    }
    lines.join("\n")
}

fn location(report: &Report, finding: &Finding) -> s::Location {
    let loc = &finding.location;
    let (path, region) = match &loc.file {
        Some(file) => (file.as_str(), region(loc.line, loc.column, loc.end_column)),
        None => (NO_FILE_URI, region(None, None, None)),
    };
    let uri = crate::uri::encode(&repo_path(&report.root, path), crate::uri::PATH);
    let physical = s::PhysicalLocation::builder()
        .artifact_location(
            s::ArtifactLocation::builder()
                .uri(uri)
                .uri_base_id(SRCROOT)
                .build(),
        )
        .region(region)
        .build();
    let mut location = s::Location::builder().physical_location(physical).build();
    if loc.file.is_none() {
        if let Some(source) = &loc.source {
            location.logical_locations = Some(vec![s::LogicalLocation::builder()
                .fully_qualified_name(source.clone())
                .build()]);
        }
    }
    location
}

/// A region with only what is known and valid: line 1 when the line is unknown (GitHub requires
/// one), columns only on a known line, `endColumn` (exclusive, as in credgate) only past the start.
fn region(line: Option<u32>, column: Option<u32>, end_column: Option<u32>) -> s::Region {
    let mut region = s::Region::builder().build();
    let line = line.filter(|l| *l >= 1);
    region.start_line = Some(line.map_or(1, i64::from));
    if line.is_some() {
        if let Some(start) = column.filter(|c| *c >= 1) {
            region.start_column = Some(i64::from(start));
            region.end_column = end_column.filter(|e| *e > start).map(i64::from);
        }
    }
    region
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::report::fixtures;

    fn value(report: &Report) -> Value {
        serde_json::from_str(&render(report).expect("sarif")).expect("json")
    }

    #[test]
    fn rich_report() {
        insta::assert_snapshot!(render(&fixtures::rich()).expect("sarif"));
    }

    #[test]
    fn empty_report() {
        let v = value(&fixtures::empty());
        // A log of an actual scan must carry `results`, even when empty.
        assert_eq!(v["runs"][0]["results"], json!([]));
        insta::assert_snapshot!(render(&fixtures::empty()).expect("sarif"));
    }

    #[test]
    fn a_history_scan_names_its_repository_and_revision() {
        let mut report = fixtures::empty();
        let v = value(&report);
        assert!(v["runs"][0].get("versionControlProvenance").is_none());
        let history = crate::model::HistoryStats {
            range: "HEAD".to_string(),
            revision: Some("0123456789abcdef0123456789abcdef01234567".to_string()),
            branch: Some("main".to_string()),
            ..Default::default()
        };
        // Without a remote URI there is nothing SARIF accepts as provenance.
        report.summary.history = Some(history.clone());
        assert!(value(&report)["runs"][0]
            .get("versionControlProvenance")
            .is_none());
        report.summary.history = Some(crate::model::HistoryStats {
            repository: Some("https://github.com/org/app.git".to_string()),
            ..history
        });
        let v = value(&report);
        assert_eq!(
            v["runs"][0]["versionControlProvenance"],
            json!([{
                "repositoryUri": "https://github.com/org/app.git",
                "revisionId": "0123456789abcdef0123456789abcdef01234567",
                "branch": "main"
            }])
        );
    }

    #[test]
    fn every_catalog_rule_is_described() {
        let v = value(&fixtures::empty());
        let rules = v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules");
        assert_eq!(rules.len(), RULES.len());
        for (rule, info) in rules.iter().zip(RULES) {
            assert_eq!(rule["id"], info.id);
            assert_eq!(rule["helpUri"], info.help_uri());
            assert_eq!(
                rule["defaultConfiguration"]["level"],
                info.severity.as_str()
            );
            assert_eq!(rule["shortDescription"]["text"], info.description);
        }
        let secret = &rules[1];
        assert_eq!(secret["name"], "AzureClientSecret");
        assert_eq!(secret["properties"]["security-severity"], "9.0");
        assert_eq!(secret["properties"]["tags"][0], "security");
    }

    #[test]
    fn results_point_at_valid_regions_and_rules() {
        let v = value(&fixtures::rich());
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        for r in run["results"].as_array().expect("results") {
            let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert!(region["startLine"].as_i64().expect("startLine") >= 1);
            if let Some(c) = region["startColumn"].as_i64() {
                assert!(c >= 1);
            }
            if let Some(e) = region["endColumn"].as_i64() {
                assert!(e > region["startColumn"].as_i64().expect("start with end"));
            }
            assert!(r["partialFingerprints"][FINGERPRINT_KEY].is_string());
        }
    }

    #[test]
    fn findings_without_a_file_point_at_the_config() {
        let v = value(&fixtures::rich());
        let api = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["ruleId"] == "dry-run-failed")
            .expect("api finding");
        let loc = &api["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            NO_FILE_URI
        );
        assert_eq!(loc["physicalLocation"]["region"], json!({"startLine": 1}));
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            "github:environment/staging/secrets/AZURE_CLIENT_SECRET"
        );
    }

    #[test]
    fn uris_are_encoded_and_joined_with_a_relative_root() {
        let mut report = fixtures::empty();
        report.root = "services/api".into();
        report.findings.push(Finding::new(
            "parse-error",
            Severity::Note,
            Location::file("my dir/a#b%c:d.json", 0, 0),
            "m",
            "x",
        ));
        let v = value(&report);
        let loc = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "services/api/my%20dir/a%23b%25c%3Ad.json"
        );
        assert_eq!(loc["artifactLocation"]["uriBaseId"], SRCROOT);
        // Line 0 and column 0 are invalid: line falls back to 1, the column is dropped.
        assert_eq!(loc["region"], json!({"startLine": 1}));
    }

    #[test]
    fn unknown_rule_ids_get_a_descriptor() {
        let mut report = fixtures::empty();
        report.findings.push(Finding::new(
            "brand-new-rule",
            Severity::Warning,
            Location::file("a", 1, 1),
            "m",
            "x",
        ));
        let v = value(&report);
        let driver = &v["runs"][0]["tool"]["driver"];
        let index = v["runs"][0]["results"][0]["ruleIndex"]
            .as_u64()
            .expect("index") as usize;
        assert_eq!(index, RULES.len());
        assert_eq!(driver["rules"][index]["id"], "brand-new-rule");
        assert_eq!(
            driver["rules"][index]["defaultConfiguration"]["level"],
            "warning"
        );
    }

    #[test]
    fn regions_drop_what_is_invalid() {
        let r = region(Some(4), Some(3), Some(3));
        assert_eq!(
            (r.start_line, r.start_column, r.end_column),
            (Some(4), Some(3), None)
        );
        let r = region(None, Some(3), Some(9));
        assert_eq!(
            (r.start_line, r.start_column, r.end_column),
            (Some(1), None, None)
        );
        let r = region(Some(2), Some(3), Some(9));
        assert_eq!(r.end_column, Some(9));
    }
}
