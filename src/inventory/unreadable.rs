//! Configuration files that define an environment and cannot be read or parsed. A broken
//! `appsettings.Production.json` is not a footnote: production's values there are unknown, so
//! nothing about production's wiring can be trusted until it is fixed. Such a `parse-error`
//! becomes an error for that environment, and the environment stays in the matrix, marked
//! unreadable, even when the file was its only source.

use super::environment::EnvironmentNames;
use crate::model::{Finding, Severity};
use std::collections::BTreeMap;

/// The rule id of files that could not be read or parsed.
pub const PARSE_ERROR: &str = "parse-error";

/// Turns every `parse-error` whose file belongs to an environment (by its name or folder) into
/// an error for that environment, and returns environment → its unreadable files.
///
/// A line of a `.env` file that dotenvy refuses is the exception: it stays a note. The file's
/// other lines were read, and the loaders teams use read such lines differently (node's dotenv
/// and python-dotenv take `TITLE=My App`, which dotenvy refuses), so the application may well
/// start with it; calling the environment unreadable for it would be a false alarm. A credential
/// setting on such a line is still missed, and then the dry-run reports it missing.
pub fn escalate(
    findings: &mut [Finding],
    names: &EnvironmentNames,
) -> BTreeMap<String, Vec<String>> {
    let mut unreadable: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in findings.iter_mut().filter(|f| f.rule_id == PARSE_ERROR) {
        let Some(file) = finding.location.file.clone() else {
            continue;
        };
        if is_refused_dotenv_line(finding, &file) {
            continue;
        }
        let Some(env) = names.infer_from_path(&file) else {
            continue;
        };
        finding.severity = Severity::Error;
        let place = format!("{}: ", finding.location);
        let why = finding
            .message
            .strip_prefix(&place)
            .unwrap_or(&finding.message);
        finding.message = format!(
            "{env}'s configuration in {file} cannot be read, so {env} is not fully checked: {why}"
        );
        finding.fix = Some(format!(
            "Fix {} (the application would fail to start with it too), then run credgate \
             again: until then nothing proves {env} is wired to the right app and secret.",
            finding.location
        ));
        finding.environment = Some(env.clone());
        let files = unreadable.entry(env).or_default();
        if !files.contains(&file) {
            files.push(file);
        }
    }
    unreadable
}

/// A `parse-error` at a line of a `.env` file: that line was refused, the rest was read. A
/// `.env` file that could not be read at all has no line.
fn is_refused_dotenv_line(finding: &Finding, file: &str) -> bool {
    finding.location.line.is_some()
        && crate::extract::kind::detect(file, b"") == Some(crate::extract::kind::FileKind::Dotenv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    fn parse_error(file: &str) -> Finding {
        Finding::new(
            PARSE_ERROR,
            Severity::Note,
            Location::file(file, 4, 21),
            format!("{file}:4:21: unterminated string"),
            "x",
        )
    }

    #[test]
    fn an_environments_broken_file_is_an_error_for_it() {
        let mut findings = vec![
            parse_error("src/Api/appsettings.Production.json"),
            parse_error(".github/workflows/deploy.yml"),
            parse_error("deploy/staging/values.yaml"),
        ];
        let unreadable = escalate(&mut findings, &EnvironmentNames::default());
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].environment.as_deref(), Some("production"));
        let m = &findings[0].message;
        assert!(
            m.starts_with(
                "production's configuration in src/Api/appsettings.Production.json cannot be read"
            ),
            "{m}"
        );
        assert!(
            m.ends_with("is not fully checked: unterminated string"),
            "{m}"
        );
        assert_eq!(
            findings[1].severity,
            Severity::Note,
            "no environment: stays a note"
        );
        assert_eq!(findings[2].environment.as_deref(), Some("staging"));
        assert_eq!(
            unreadable.get("production").map(Vec::as_slice),
            Some(&["src/Api/appsettings.Production.json".to_string()][..])
        );
        assert_eq!(unreadable.len(), 2);
    }

    #[test]
    fn a_refused_dotenv_line_stays_a_note_but_an_unreadable_dotenv_file_does_not() {
        let mut findings = vec![parse_error(".env.production")];
        let mut unreadable_file = parse_error("svc/.env.production");
        unreadable_file.location = Location::whole_file("svc/.env.production");
        findings.push(unreadable_file);
        let unreadable = escalate(&mut findings, &EnvironmentNames::default());
        assert_eq!(findings[0].severity, Severity::Note);
        assert_eq!(findings[1].severity, Severity::Error);
        assert_eq!(
            unreadable.get("production").map(Vec::as_slice),
            Some(&["svc/.env.production".to_string()][..])
        );
    }
}
