//! The environment matrix: one row per environment with its tenant, client id, how its secret
//! is known, where the values came from and, after a dry-run, whether it got a token.
//!
//! It answers "which environment is wired to what" at a glance, which is how most cross-env
//! mix-ups are spotted. The text and Markdown reporters draw the same rows, so the cells are
//! built here once; each format only escapes and lays them out.

use crate::checks::consistency::normalize::short_id;
use crate::model::{Conflict, DryRunResult, EnvironmentSummary, Report, SecretPresence};

/// Placeholder for a cell with no value, the same in every format.
pub(crate) const NONE: &str = "-";

/// Column headings and rows, cells unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matrix {
    /// Column headings, in order.
    pub(crate) headers: Vec<&'static str>,
    /// One row per environment, each with as many cells as there are headers.
    pub(crate) rows: Vec<Vec<String>>,
}

/// Builds the matrix, or `None` when there is nothing to show. Environments that only appear
/// in the dry-run (credentials from process variables, no file facts) still get a row, so a
/// token failure is never missing from the matrix.
pub(crate) fn build(report: &Report) -> Option<Matrix> {
    if report.environments.is_empty() && report.dry_run.is_empty() {
        return None;
    }
    let with_token = !report.dry_run.is_empty();
    let mut headers = vec!["Environment", "Tenant", "Client id", "Secret", "Sources"];
    if with_token {
        headers.push("Token");
    }
    let mut rows: Vec<Vec<String>> = report
        .environments
        .iter()
        .map(|env| {
            row(
                env,
                with_token.then(|| token_cell(dry_run_of(report, &env.name))),
            )
        })
        .collect();
    for result in &report.dry_run {
        if !report
            .environments
            .iter()
            .any(|e| e.name == result.environment)
        {
            let env = EnvironmentSummary {
                name: result.environment.clone(),
                ..EnvironmentSummary::default()
            };
            rows.push(row(&env, Some(token_cell(Some(result)))));
        }
    }
    Some(Matrix { headers, rows })
}

fn row(env: &EnvironmentSummary, token: Option<String>) -> Vec<String> {
    let unreadable = |f: &String| format!("{f} (unreadable)");
    let mut sources: Vec<String> = env
        .sources
        .iter()
        .map(|s| {
            if env.unreadable.contains(s) {
                unreadable(s)
            } else {
                s.clone()
            }
        })
        .collect();
    sources.extend(
        env.unreadable
            .iter()
            .filter(|f| !env.sources.contains(f))
            .map(unreadable),
    );
    let mut cells = vec![
        env.name.clone(),
        id_cell(env.tenant_id.as_deref(), "tenant_id", &env.conflicts),
        id_cell(env.client_id.as_deref(), "client_id", &env.conflicts),
        secret_cell(&env.secret),
        if sources.is_empty() {
            NONE.to_string()
        } else {
            sources.join(", ")
        },
    ];
    cells.extend(token);
    cells
}

/// An id as the row shows it: the value in full when the environment's sources agree, else
/// every value shortened with the files that set the odd ones (`1e…5e ≠ bf…8a in
/// appsettings.Production.json`), so a disagreement is seen in the matrix itself.
pub(crate) fn id_cell(value: Option<&str>, field: &str, conflicts: &[Conflict]) -> String {
    let Some(value) = value else {
        return NONE.to_string();
    };
    let others: Vec<&Conflict> = conflicts.iter().filter(|c| c.field == field).collect();
    if others.is_empty() {
        return value.to_string();
    }
    let mut cell = short_id(value);
    for other in others {
        let mut files: Vec<&str> = other
            .sources
            .iter()
            .map(|s| {
                s.rsplit_once(':')
                    .filter(|(_, l)| l.parse::<u32>().is_ok())
                    .map_or(s.as_str(), |(f, _)| f)
            })
            .collect();
        files.dedup();
        cell.push_str(&format!(
            " ≠ {} in {}",
            short_id(&other.value),
            files.join(", ")
        ));
    }
    cell
}

fn dry_run_of<'a>(report: &'a Report, environment: &str) -> Option<&'a DryRunResult> {
    report.dry_run.iter().find(|r| r.environment == environment)
}

/// How the secret is known, never its value: the fingerprint of a literal, the reference it is
/// read through, a bare "present", or "missing".
pub(crate) fn secret_cell(secret: &SecretPresence) -> String {
    if !secret.present {
        return "missing".to_string();
    }
    match (&secret.fingerprint, &secret.source) {
        (Some(fingerprint), _) => fingerprint.clone(),
        (None, Some(source)) => format!("reference ({source})"),
        (None, None) => "present".to_string(),
    }
}

/// `ok`, `invalid_secret (AADSTS7000215)`, `not_sent (secret-id-as-value)`, a bare status, or
/// "not run".
pub(crate) fn token_cell(result: Option<&DryRunResult>) -> String {
    match result {
        None => "not run".to_string(),
        Some(r) => match (r.aadsts, &r.blocked_by) {
            (Some(code), _) => format!("{} (AADSTS{code})", r.status),
            (None, Some(rule)) => format!("{} ({rule})", r.status),
            (None, None) => r.status.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dry(env: &str, status: &str, aadsts: Option<u32>) -> DryRunResult {
        DryRunResult {
            environment: env.to_string(),
            status: status.to_string(),
            aadsts,
            trace_id: None,
            correlation_id: None,
            duration_ms: 1,
            blocked_by: None,
        }
    }

    #[test]
    fn disagreeing_ids_show_every_value_and_where_the_odd_one_is() {
        let conflicts = vec![Conflict {
            field: "client_id".into(),
            value: "bf178375-4a86-4a0c-9256-9cf907bce18a".into(),
            sources: vec!["src/Api/appsettings.Production.json:10".into()],
        }];
        let prod = "1ee56472-6166-4e31-b902-c9f9c65b805e";
        assert_eq!(
            id_cell(Some(prod), "client_id", &conflicts),
            "1e…5e ≠ bf…8a in src/Api/appsettings.Production.json"
        );
        assert_eq!(id_cell(Some(prod), "tenant_id", &conflicts), prod);
        assert_eq!(id_cell(None, "client_id", &conflicts), NONE);
    }

    #[test]
    fn empty_report_has_no_matrix() {
        assert_eq!(build(&Report::default()), None);
    }

    #[test]
    fn secret_cells_never_need_the_value() {
        let missing = SecretPresence::default();
        assert_eq!(secret_cell(&missing), "missing");
        let reference = SecretPresence {
            present: true,
            source: Some("env:PROD_SECRET".into()),
            fingerprint: None,
        };
        assert_eq!(secret_cell(&reference), "reference (env:PROD_SECRET)");
        let literal = SecretPresence {
            present: true,
            source: Some("a.env:3".into()),
            fingerprint: Some("sha256:0123456789ab".into()),
        };
        assert_eq!(secret_cell(&literal), "sha256:0123456789ab");
        let bare = SecretPresence {
            present: true,
            ..SecretPresence::default()
        };
        assert_eq!(secret_cell(&bare), "present");
    }

    #[test]
    fn token_column_only_with_a_dry_run_and_extra_rows_for_dry_run_only_envs() {
        let mut report = Report {
            environments: vec![EnvironmentSummary {
                name: "staging".into(),
                ..EnvironmentSummary::default()
            }],
            ..Report::default()
        };
        let m = build(&report).expect("matrix");
        assert!(!m.headers.contains(&"Token"));
        report.dry_run = vec![
            dry("production", "invalid_secret", Some(7_000_215)),
            dry("other", "ok", None),
        ];
        report.environments.push(EnvironmentSummary {
            name: "production".into(),
            ..EnvironmentSummary::default()
        });
        let m = build(&report).expect("matrix");
        assert_eq!(m.headers.last(), Some(&"Token"));
        assert_eq!(m.rows.len(), 3);
        assert_eq!(m.rows[0][5], "not run");
        assert_eq!(m.rows[1][5], "invalid_secret (AADSTS7000215)");
        assert_eq!(m.rows[2][0], "other");
        assert_eq!(m.rows[2][5], "ok");
        assert!(m.rows.iter().all(|r| r.len() == m.headers.len()));
    }
}
