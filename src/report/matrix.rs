//! The environment matrix: one row per environment with its tenant, client id, how its secret
//! is known, where the values came from and, after a dry-run, whether it got a token.
//!
//! It answers "which environment is wired to what" at a glance, which is how most cross-env
//! mix-ups are spotted. The text and Markdown reporters draw the same rows, so the cells are
//! built here once; each format only escapes and lays them out.

use super::status;
use crate::checks::consistency::normalize::{self, short_id};
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
    /// How each column may give way to a narrow screen (one per header).
    pub(crate) fits: Vec<Fit>,
}

/// How a column gives way when the table is wider than the screen: a reader needs the
/// environment and its status whole, the rest can be cut (the full values are in `-v`, JSON and
/// Markdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Never cut.
    Keep,
    /// Cut with an ellipsis down to `min` characters; when even that does not fit, the
    /// shown column with the lowest `drop` is left out first.
    Shrink {
        /// The fewest characters worth showing.
        min: usize,
        /// Order of leaving out: lowest first.
        drop: u8,
    },
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
    let fits = vec![Fit::Keep; headers.len()];
    Some(Matrix {
        headers,
        rows,
        fits,
    })
}

/// The matrix of `-v`: every cell whole, as [`build`] makes it, with each environment's status
/// after its name.
pub(crate) fn detailed(report: &Report) -> Option<Matrix> {
    let mut matrix = build(report)?;
    let statuses = status::all(report);
    matrix.headers.insert(1, "Status");
    matrix.fits.insert(1, Fit::Keep);
    for row in &mut matrix.rows {
        let status = row
            .first()
            .and_then(|name| statuses.iter().find(|(n, _)| n == name))
            .map_or_else(|| NONE.to_string(), |(_, s)| s.to_string());
        row.insert(1, status);
    }
    Some(matrix)
}

/// The matrix a CI log can hold: each environment's status, ids shortened as findings show
/// them (`bf…8a`, longer only where two ids would look alike), how the secret is known, and
/// the sources as a count with the most telling one (an unreadable file, then one with an
/// error on this environment). Columns other than name and status may be cut to the width.
pub(crate) fn compact(report: &Report) -> Option<Matrix> {
    let full = build(report)?;
    let with_token = full.headers.contains(&"Token");
    let statuses = status::all(report);
    let mut rows_env: Vec<EnvironmentSummary> = report.environments.clone();
    for (name, _) in &statuses {
        if !rows_env.iter().any(|e| &e.name == name) {
            rows_env.push(EnvironmentSummary {
                name: name.clone(),
                ..EnvironmentSummary::default()
            });
        }
    }
    let ids: Vec<&str> = rows_env
        .iter()
        .flat_map(|e| {
            e.tenant_id
                .iter()
                .chain(e.client_id.iter())
                .map(String::as_str)
                .chain(e.conflicts.iter().map(|c| c.value.as_str()))
        })
        .collect();
    let digits = distinct_digits(&ids);
    let mut headers = vec!["Environment", "Status", "Tenant", "Client id", "Secret"];
    let mut fits = vec![
        Fit::Keep,
        Fit::Keep,
        Fit::Shrink { min: 5, drop: 4 },
        Fit::Shrink { min: 5, drop: 5 },
        // A fingerprint (`sha256:` and 12 digits) is only of use whole.
        Fit::Shrink { min: 19, drop: 3 },
    ];
    if with_token {
        headers.push("Token");
        fits.push(Fit::Shrink { min: 10, drop: 2 });
    }
    headers.push("Sources");
    fits.push(Fit::Shrink { min: 12, drop: 1 });
    let rows = rows_env
        .iter()
        .map(|env| {
            let status = statuses
                .iter()
                .find(|(n, _)| n == &env.name)
                .map_or_else(|| NONE.to_string(), |(_, s)| s.to_string());
            let mut cells = vec![
                env.name.clone(),
                status,
                short_id_cell(
                    env.tenant_id.as_deref(),
                    "tenant_id",
                    &env.conflicts,
                    digits,
                ),
                short_id_cell(
                    env.client_id.as_deref(),
                    "client_id",
                    &env.conflicts,
                    digits,
                ),
                compact_secret_cell(&env.secret),
            ];
            if with_token {
                cells.push(token_cell(dry_run_of(report, &env.name)));
            }
            cells.push(sources_cell(report, env));
            cells
        })
        .collect();
    Some(Matrix {
        headers,
        rows,
        fits,
    })
}

/// How many leading and trailing hex digits tell every GUID of `values` apart: 2 as in the
/// findings (`bf…8a`), more only when two different ids would otherwise look alike.
fn distinct_digits(values: &[&str]) -> usize {
    let mut guids: Vec<String> = values.iter().filter_map(|v| guid_hex(v)).collect();
    guids.sort();
    guids.dedup();
    [2, 4, 6, 8]
        .into_iter()
        .find(|&k| {
            let mut short: Vec<String> = guids.iter().map(|g| shorten_hex(g, k)).collect();
            short.sort();
            short.dedup();
            short.len() == guids.len()
        })
        .unwrap_or(16)
}

/// The 32 hex digits of a GUID, lower case; `None` for anything else.
fn guid_hex(value: &str) -> Option<String> {
    normalize::guid(value).map(|g| g.chars().filter(char::is_ascii_hexdigit).collect())
}

/// `k` leading and `k` trailing digits around an ellipsis; the whole GUID when that is no
/// shorter.
fn shorten_hex(hex: &str, k: usize) -> String {
    let chars: Vec<char> = hex.chars().collect();
    if 2 * k >= chars.len() {
        return hex.to_string();
    }
    let head: String = chars.iter().take(k).collect();
    let tail: String = chars.iter().skip(chars.len() - k).collect();
    format!("{head}…{tail}")
}

/// A value shortened when it is a GUID, else as written (a tenant domain, a reference).
fn short_value(value: &str, digits: usize) -> String {
    match guid_hex(value) {
        Some(hex) => shorten_hex(&hex, digits),
        None => value.trim().to_string(),
    }
}

/// [`id_cell`] for the compact matrix: every value shortened, a disagreement as `1e…5e ≠ bf…8a`
/// (the findings say where each is set).
fn short_id_cell(
    value: Option<&str>,
    field: &str,
    conflicts: &[Conflict],
    digits: usize,
) -> String {
    let Some(value) = value else {
        return NONE.to_string();
    };
    let mut cell = short_value(value, digits);
    for other in conflicts.iter().filter(|c| c.field == field) {
        cell.push_str(&format!(" ≠ {}", short_value(&other.value, digits)));
    }
    cell
}

/// [`secret_cell`] without the words around a reference: its fingerprint, the `kind:NAME` it is
/// read through, "present" or "missing".
fn compact_secret_cell(secret: &SecretPresence) -> String {
    match (&secret.fingerprint, &secret.source) {
        (None, Some(source)) if secret.present => source.clone(),
        _ => secret_cell(secret),
    }
}

/// The sources as one cell: the only one, or `4 files: first, …` (`sources` when some are not
/// files), the first being an unreadable file, else one an error of this environment points
/// at, else the first in order.
fn sources_cell(report: &Report, env: &EnvironmentSummary) -> String {
    let mut all: Vec<&String> = env.sources.iter().collect();
    all.extend(env.unreadable.iter().filter(|f| !env.sources.contains(f)));
    let has_error = |source: &str| {
        report.findings.iter().any(|f| {
            f.severity == crate::model::Severity::Error
                && f.environment.as_deref() == Some(env.name.as_str())
                && f.location.file.as_deref() == Some(source)
        })
    };
    let first = all
        .iter()
        .find(|s| env.unreadable.contains(s))
        .or_else(|| all.iter().find(|s| has_error(s)))
        .or_else(|| all.first());
    let Some(first) = first else {
        return NONE.to_string();
    };
    let first = if env.unreadable.contains(first) {
        format!("{first} (unreadable)")
    } else {
        first.to_string()
    };
    if all.len() == 1 {
        return first;
    }
    // API paths and Key Vault entries name their kind before a colon; files do not.
    let noun = if all.iter().all(|s| !s.contains(':')) {
        "files"
    } else {
        "sources"
    };
    format!("{} {noun}: {first}, …", all.len())
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
