//! JUnit XML, for test-result publishers (Azure Pipelines `PublishTestResults@2`, GitHub test
//! reporter actions) that turn findings into a test tab with per-case history.
//!
//! Shape, chosen for how those publishers display it:
//! - one `testsuite` per environment for findings that carry one, otherwise per file group (the
//!   top-level folder, or the file at the root), because publishers group by suite and those are
//!   the units a reader owns;
//! - errors and warnings are failed test cases (`failure` with the message and `type` = rule id),
//!   since both publishers list failures first with their message;
//! - notes are *passing* test cases whose details are in `system-out`: a note never fails a run,
//!   and a failed or skipped case would make publishers report a failing or incomplete test run
//!   that contradicts credgate's exit code, while the output stays one click away;
//! - a report with no findings is one suite with one passing "no findings" case, because
//!   publishers warn about, or fail on, a file without test cases.

use super::common::{plural, severity_label};
use crate::model::{Finding, Report, Severity};
use quick_junit::{NonSuccessKind, Report as JUnitReport, TestCase, TestCaseStatus, TestSuite};

/// The name of the report and of the suite of an empty run.
const NAME: &str = "credgate";

/// Suite name for findings with neither environment nor file.
const OTHER_SOURCES: &str = "other sources";

/// The JUnit XML document.
pub fn render(report: &Report) -> Result<String, quick_junit::SerializeError> {
    let mut junit = JUnitReport::new(NAME);
    if report.findings.is_empty() {
        let mut suite = TestSuite::new(NAME);
        let mut case = TestCase::new("no findings", TestCaseStatus::success());
        case.set_classname(NAME);
        case.set_system_out(format!(
            "{} scanned, no findings.",
            plural(report.summary.files_scanned, "file")
        ));
        suite.add_test_case(case);
        junit.add_test_suite(suite);
        return junit.to_string();
    }
    let mut suites: Vec<(String, TestSuite)> = Vec::new();
    for finding in &report.findings {
        let name = suite_name(finding);
        let case = test_case(finding);
        match suites.iter_mut().find(|(n, _)| *n == name) {
            Some((_, suite)) => {
                suite.add_test_case(case);
            }
            None => {
                let mut suite = TestSuite::new(name.clone());
                suite.add_test_case(case);
                suites.push((name, suite));
            }
        }
    }
    junit.add_test_suites(suites.into_iter().map(|(_, suite)| suite));
    junit.to_string()
}

/// The environment, else the top-level folder (`config/`) or root-level file, else a bucket for
/// values read from outside the tree.
fn suite_name(finding: &Finding) -> String {
    if let Some(env) = &finding.environment {
        return env.clone();
    }
    match &finding.location.file {
        Some(file) => match file.split_once('/') {
            Some((top, _)) if !top.is_empty() => format!("{top}/"),
            _ => file.clone(),
        },
        None => OTHER_SOURCES.to_string(),
    }
}

/// `rule-id file:line` (or `rule-id source`), class name the file or source.
fn test_case(finding: &Finding) -> TestCase {
    let loc = &finding.location;
    let origin = loc
        .file
        .clone()
        .or_else(|| loc.source.clone())
        .unwrap_or_else(|| "(unknown)".to_string());
    let name = match (&loc.file, loc.line) {
        (Some(file), Some(line)) => format!("{} {file}:{line}", finding.rule_id),
        _ => format!("{} {origin}", finding.rule_id),
    };
    let details = details(finding);
    let status = match finding.severity {
        Severity::Error | Severity::Warning => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            // Attribute values lose their line breaks when parsed; say so with spaces.
            let one_line = finding.message.lines().collect::<Vec<_>>().join(" ");
            status
                .set_message(one_line)
                .set_type(finding.rule_id.clone())
                .set_description(details.clone());
            status
        }
        Severity::Note => TestCaseStatus::success(),
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(origin);
    if finding.severity == Severity::Note {
        case.set_system_out(details);
    }
    case
}

/// Everything a reader needs in the failure body or the output of a note.
fn details(finding: &Finding) -> String {
    let mut lines = vec![
        format!(
            "{} [{}] {}",
            severity_label(finding.severity),
            finding.rule_id,
            finding.location
        ),
        finding.message.clone(),
    ];
    if let Some(env) = &finding.environment {
        lines.push(format!("Environment: {env}"));
    }
    if let Some(secret) = &finding.secret {
        lines.push(format!("Secret: {secret}"));
    }
    lines.extend(super::common::commit_line(finding));
    if let Some(fix) = &finding.fix {
        lines.push(format!("Fix: {fix}"));
    }
    lines.push(format!("Fingerprint: {}", finding.fingerprint));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::report::fixtures;

    #[test]
    fn rich_report() {
        insta::assert_snapshot!(render(&fixtures::rich()).expect("xml"));
    }

    #[test]
    fn empty_report_has_one_passing_case() {
        let xml = render(&fixtures::empty()).expect("xml");
        assert!(xml.contains(r#"tests="1""#));
        assert!(xml.contains(r#"failures="0""#));
        assert!(xml.contains(r#"<testcase name="no findings""#));
        insta::assert_snapshot!(xml);
    }

    #[test]
    fn notes_pass_and_errors_and_warnings_fail() {
        let xml = render(&fixtures::rich()).expect("xml");
        // 9 cases: 4 errors and 3 warnings fail, 2 notes pass.
        assert!(
            xml.contains(
                r#"<testsuites name="credgate" tests="9" skipped="0" failures="7" errors="0""#
            ),
            "{xml}"
        );
    }

    #[test]
    fn suites_by_environment_then_folder() {
        let f =
            |file: &str| Finding::new("x-y", Severity::Note, Location::whole_file(file), "m", "i");
        assert_eq!(suite_name(&f("config/app/a.json")), "config/");
        assert_eq!(suite_name(&f("a.json")), "a.json");
        assert_eq!(
            suite_name(&f("a.json").with_environment("staging")),
            "staging"
        );
        let api = Finding::new("x-y", Severity::Note, Location::source("env:X"), "m", "i");
        assert_eq!(suite_name(&api), OTHER_SOURCES);
    }

    #[test]
    fn xml_special_characters_are_escaped() {
        let mut report = fixtures::empty();
        report.findings.push(Finding::new(
            "parse-error",
            Severity::Warning,
            Location::file("a&b<c>.json", 1, 1),
            "\"quoted\" <tag> & \u{1b}[31m",
            "i",
        ));
        report.finalize();
        let xml = render(&report).expect("xml");
        assert!(xml.contains("a&amp;b&lt;c&gt;.json"));
        assert!(!xml.contains('\u{1b}'));
    }
}
