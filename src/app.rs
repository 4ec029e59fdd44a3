//! The command runner: turns parsed arguments into a scan, a report on the chosen output, and an
//! exit code (docs/design.md: 0 nothing at or above `--fail-on`, 1 findings at or above it, 2 usage,
//! config or internal error). Everything that touches the terminal or output files is here.

use crate::baseline::{self, Baseline};
use crate::cli::{
    Cli, Command, ExplainArgs, FailOn, Format, OutputArgs, ReportSpec, RulesArgs, ScanArgs,
};
use crate::config::Config;
use crate::model::{Report, Severity};
use crate::report::{self, RenderOptions};
use crate::scan::{self, ScanRequest};
use crate::walk::WalkOptions;
use anyhow::{bail, Context, Result};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Exit code: nothing at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage, configuration or internal error.
pub const EXIT_ERROR: i32 = 2;

/// Parses the process arguments, runs the command and returns the exit code. A panic is turned
/// into exit 2 with a short message that carries no data (a panic payload could hold a value).
pub fn main() -> i32 {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("credgate: internal error{place}; this is a bug, please report it");
    }));
    let from_action = crate::action::started_by_runner(std::env::args_os().len(), &env_var);
    let cli = match from_action.then(action_cli) {
        Some(Ok(cli)) => cli,
        Some(Err(err)) => {
            eprintln!("credgate: error: {err:#}");
            return EXIT_ERROR;
        }
        None => match Cli::try_parse() {
            Ok(cli) => cli,
            Err(err) => {
                let _ = err.print();
                return match err.kind() {
                    clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion => EXIT_OK,
                    _ => EXIT_ERROR,
                };
            }
        },
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(err)) => {
            eprintln!("credgate: error: {err:#}");
            EXIT_ERROR
        }
        Err(_) => EXIT_ERROR,
    }
}

/// The command line a GitHub Action step asks for through its `INPUT_*` variables, parsed by the
/// CLI's own definitions; credgate then runs in the workspace, where the inputs' relative paths
/// point and against which annotations name files.
fn action_cli() -> Result<Cli> {
    let line = crate::action::command_line(&env_var)?;
    let cli = crate::action::parse(&line)?;
    if let Some(dir) = &line.workspace {
        std::env::set_current_dir(dir)
            .with_context(|| format!("cannot enter GITHUB_WORKSPACE {}", dir.display()))?;
    }
    Ok(cli)
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Scan(args) => run_scan(&staged_root(args)?, Mode::Scan),
        Command::Check(args) => run_scan(&staged_root(args)?, Mode::Check),
        Command::DryRun(args) => run_scan(&staged_root(args)?, Mode::DryRun),
        Command::Baseline(args) => run_baseline(&staged_root(args)?),
        Command::Explain(args) => run_explain(&args),
        Command::Rules(args) => run_rules(&args),
        Command::Init(args) => crate::init::run(&args),
    }
}

/// `--staged` without PATH scans what the commit will hold, wherever in the repository it is
/// run from: the root becomes the repository's top level (as a path relative to the working
/// directory, so reported paths still open from here). Outside a git repository this is an
/// error that says so.
fn staged_root(mut args: ScanArgs) -> Result<ScanArgs> {
    if args.staged && args.path.is_none() {
        args.path = Some(crate::staged::top_level_from(Path::new("."))?);
    }
    Ok(args)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Offline only.
    Scan,
    /// Scan and dry-run.
    Check,
    /// Only the dry-run's findings (the scan still runs to find each environment's values).
    DryRun,
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Completes the environment matrix with what the dry-run will use from outside the repository
/// (CI variables, `credgate.toml`, the GitHub OIDC token), so a row whose values live only in CI
/// does not read "missing" next to a token that worked. Never a secret value: secrets show
/// their source only.
fn fill_matrix(report: &mut Report, plans: &[crate::dryrun::credentials::Resolved]) {
    use crate::dryrun::credentials::{Credential, Origin};
    use crate::model::{EnvironmentSummary, SecretPresence};
    for plan in plans {
        // A row the scan did not have (an environment only CI variables name) shows every
        // value the dry-run uses, the base configuration's included.
        let new_row = !report
            .environments
            .iter()
            .any(|r| r.name == plan.environment);
        if new_row {
            report.environments.push(EnvironmentSummary {
                name: plan.environment.clone(),
                ..EnvironmentSummary::default()
            });
        }
        let Some(row) = report
            .environments
            .iter_mut()
            .find(|r| r.name == plan.environment)
        else {
            continue;
        };
        let outside = |origin: &Origin| new_row || !matches!(origin, Origin::File(_));
        let add_source = |sources: &mut Vec<String>, origin: &Origin| {
            let described = origin.describe();
            if !sources.contains(&described) {
                sources.push(described);
            }
        };
        for (shown, id) in [
            (&mut row.tenant_id, &plan.tenant),
            (&mut row.client_id, &plan.client_id),
        ] {
            if let Some(id) = id.as_ref().filter(|i| outside(&i.origin)) {
                if shown.is_none() {
                    *shown = Some(id.value.clone());
                    add_source(&mut row.sources, &id.origin);
                }
            }
        }
        if let Some(credential) = plan.credential.as_ref().filter(|c| outside(&c.origin)) {
            if !row.secret.present {
                let kind = match &credential.value {
                    Credential::Secret(_) => "secret",
                    Credential::Certificate { .. } => "certificate",
                    _ => "federated token",
                };
                row.secret = SecretPresence {
                    present: true,
                    source: Some(format!("{kind} from {}", credential.origin.describe())),
                    fingerprint: match &credential.value {
                        Credential::Secret(secret) => Some(
                            crate::checks::consistency::secret_value::redacted(secret).fingerprint,
                        ),
                        _ => None,
                    },
                };
                add_source(&mut row.sources, &credential.origin);
            }
        }
    }
    report.environments.sort_by(|a, b| {
        crate::inventory::environment::promotion_rank(&a.name)
            .cmp(&crate::inventory::environment::promotion_rank(&b.name))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// Which CI platforms `check` reads, from the flags and the CI's own variables; none with
/// `--no-remote`.
fn remote_options(args: &ScanArgs) -> crate::sources::fetch::RemoteOptions {
    use crate::sources::{azure_devops, github};
    if args.no_remote {
        return crate::sources::fetch::RemoteOptions::default();
    }
    let env = |name: &str| env_var(name).filter(|v| !v.is_empty());
    let github = github::config_from_env(
        &env,
        args.github_repo.as_deref(),
        args.github_token_env.as_deref(),
    );
    if github.is_none() && args.github_repo.is_some() && !args.output.quiet {
        eprintln!(
            "credgate: note: --github-repo is set but no token was found (GITHUB_TOKEN or the \
             variable named by --github-token-env): GitHub variables are not read"
        );
    }
    let azure_devops =
        azure_devops::config_from_env(&env, args.ado_org.as_deref(), args.ado_project.as_deref());
    crate::sources::fetch::RemoteOptions {
        github,
        azure_devops,
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
    }
}

/// Names (never values) of the set process variables that can name an environment's
/// credentials, and whether the plain `AZURE_*` credentials are set: what `--env` may match
/// besides the repository (docs/design.md "Where values come from").
fn credential_variables(dry_runs: bool) -> (Vec<String>, bool) {
    let usable = |v: &std::ffi::OsString| {
        v.to_str()
            .is_some_and(|v| crate::dryrun::credentials::Unset::of(v).is_none())
    };
    let variables: Vec<String> = std::env::vars_os()
        .filter(|(_, v)| usable(v))
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| k.contains("AZURE_"))
        .collect();
    let plain = dry_runs
        && [
            "AZURE_TENANT_ID",
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
            "AZURE_CLIENT_CERTIFICATE_PATH",
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_CREDENTIALS",
        ]
        .iter()
        .any(|k| variables.iter().any(|v| v == k));
    (variables, plain)
}

/// Builds the scan request and loads config and baseline for a scan-like command; `dry_runs`
/// says whether the command sends token requests (so the plain `AZURE_*` credentials count),
/// `ci_history` whether a CI run's pull request is scanned without a flag (`check`, `scan`).
fn prepare(
    args: &ScanArgs,
    dry_runs: bool,
    ci_history: bool,
) -> Result<(ScanRequest, Config, Option<Baseline>)> {
    if !args.root().exists() {
        bail!("path not found: {}", args.root().display());
    }
    let (config, _) = Config::load(args.config.as_deref(), args.root())?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let max_file_size = args
        .max_file_size
        .or(config.scan.max_file_size)
        .unwrap_or(crate::cli::DEFAULT_MAX_FILE_SIZE);
    let (variables, plain_credentials) = credential_variables(dry_runs);
    let request = ScanRequest {
        root: args.root().to_path_buf(),
        root_display: scan::display_root(args.root()),
        staged: args.staged,
        walk: WalkOptions {
            max_file_size,
            threads: 0,
            extra_ignores: config.scan.ignore.clone(),
        },
        environments: args
            .environments
            .iter()
            .map(|e| e.to_ascii_lowercase())
            .collect(),
        variables,
        plain_credentials,
        history: history_request(args, ci_history, max_file_size, &config)?,
    };
    Ok((request, config, baseline))
}

/// The git history to scan: `--history`, `--commits RANGE`, or (for `check` and `scan`, unless
/// `--no-history` or `--staged`) the pull request of the CI run, from its own variables.
fn history_request(
    args: &ScanArgs,
    ci_history: bool,
    max_file_size: u64,
    config: &Config,
) -> Result<Option<crate::history::Request>> {
    use crate::history::{ci, Request, Selection};
    let (selection, from_ci) = if args.history {
        (
            Selection::Reachable {
                all_refs: args.all_refs,
            },
            None,
        )
    } else if let Some(range) = &args.commits {
        (Selection::Range(range.clone()), None)
    } else if ci_history && !args.no_history && !args.staged {
        let read = |path: &Path| std::fs::read_to_string(path).ok();
        let Some(pr) = ci::pull_request(&env_var, &read) else {
            return Ok(None);
        };
        match pr.range {
            Ok(range) => (Selection::Range(range), Some(pr.platform)),
            Err(why) => {
                if !args.output.quiet {
                    eprintln!(
                        "credgate: note: a {} but its commits are not scanned: {why}",
                        pr.platform.name()
                    );
                }
                return Ok(None);
            }
        }
    } else {
        return Ok(None);
    };
    Ok(Some(Request {
        root: args.root().to_path_buf(),
        selection,
        from_ci,
        max_file_size,
        extra_ignores: config.scan.ignore.clone(),
        threads: 0,
    }))
}

fn run_scan(args: &ScanArgs, mode: Mode) -> Result<i32> {
    let extra = extra_reports(args)?;
    if mode == Mode::DryRun && (args.history || args.commits.is_some()) {
        bail!("--history and --commits apply to check, scan and baseline; dry-run sends token requests only");
    }
    let (request, config, baseline) = prepare(args, mode != Mode::Scan, mode != Mode::DryRun)?;
    let report = match mode {
        Mode::Scan => scan::run(&request, &config, baseline.as_ref())?,
        Mode::Check | Mode::DryRun => {
            let options = dry_run_options(args)?;
            // `check` also reads the CI platforms' variables; `dry-run` stays on token requests.
            let remote = if mode == Mode::Check {
                remote_options(args)
            } else {
                crate::sources::fetch::RemoteOptions::default()
            };
            let scanned =
                scan::run_with_remote(&request, &config, baseline.as_ref(), |pipelines| {
                    crate::sources::fetch::fetch_blocking(&remote, pipelines)
                })?;
            with_dry_run(
                scanned,
                args,
                &request,
                &config,
                baseline.as_ref(),
                &options,
                mode,
            )?
        }
    };
    let failed = fails(&report, args.fail_on);
    emit(&report, args, &extra, failed)?;
    if !args.output.quiet {
        if mode != Mode::Scan && report.dry_run.is_empty() {
            eprintln!(
                "credgate: note: no environment to dry-run (none found in the repository or credgate.toml; use --env NAME)"
            );
        }
        if let Some(path) = &args.baseline {
            if report.summary.baseline_suppressed > 0 {
                eprintln!(
                    "credgate: {} finding(s) hidden by the baseline {}",
                    report.summary.baseline_suppressed,
                    path.display()
                );
            }
        }
    }
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// The dry-run settings from the command line; a bad `--authority-host` or `--graph-host` is a
/// usage error (exit 2) before anything is sent.
fn dry_run_options(args: &ScanArgs) -> Result<crate::dryrun::Options> {
    use crate::dryrun::authority::parse_user_endpoint;
    let authority_host = args.authority_host.clone().filter(|h| !h.trim().is_empty());
    for (flag, value) in [
        ("--authority-host/AZURE_AUTHORITY_HOST", &authority_host),
        ("--graph-host", &args.graph_host),
    ] {
        if let Some(v) = value {
            parse_user_endpoint(v).map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
        }
    }
    let keyvault_host = match args
        .keyvault_host
        .as_deref()
        .filter(|h| !h.trim().is_empty())
    {
        Some(v) => {
            let endpoint =
                parse_user_endpoint(v).map_err(|e| anyhow::anyhow!("--keyvault-host: {e}"))?;
            if !crate::dryrun::authority::is_loopback(&endpoint.host) {
                bail!("--keyvault-host: only a loopback address is accepted (a local stand-in), not `{}`", endpoint.host);
            }
            Some(endpoint)
        }
        None => None,
    };
    Ok(crate::dryrun::Options {
        authority_host,
        graph_host: args.graph_host.clone(),
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        concurrency: usize::from(args.concurrency),
        cross_match: !args.no_cross_match,
        allow_unreachable: args.allow_unreachable,
        expiry_warning_days: args.expiry_warning_days,
        legacy_rs256: args.legacy_rs256,
        selected: !args.environments.is_empty(),
        allow_missing_credentials: args.allow_missing_credentials,
        key_vault: crate::dryrun::keyvault::KeyVaultOptions {
            host: keyvault_host,
            caller: None,
            azure_cli: true,
        },
    })
}

/// The identity that reads Key Vault: `[keyvault]` variables, else the azure-identity ones
/// when no single `--env` makes them that environment's own (docs/design.md step 3).
fn key_vault_caller(
    config: &Config,
    lookup: crate::dryrun::credentials::EnvLookup<'_>,
    single: bool,
) -> Option<crate::dryrun::keyvault::Caller> {
    use crate::dryrun::keyvault::{caller_from_env, CallerVariables};
    let k = &config.keyvault;
    let d = CallerVariables::default();
    let pick = |v: &Option<String>, default: String| v.clone().unwrap_or(default);
    let vars = CallerVariables {
        tenant_id: pick(&k.tenant_id_env, d.tenant_id),
        client_id: pick(&k.client_id_env, d.client_id),
        client_secret: pick(&k.client_secret_env, d.client_secret),
        certificate_path: pick(&k.certificate_path_env, d.certificate_path),
        federated_token_file: pick(&k.federated_token_file_env, d.federated_token_file),
    };
    caller_from_env(lookup, &vars, single && !k.names_any())
}

/// Runs the dry-run over the scanned inventory and merges it into the report: `check` keeps the
/// scan's findings, `dry-run` reports only its own.
fn with_dry_run(
    scanned: scan::Scanned,
    args: &ScanArgs,
    request: &ScanRequest,
    config: &Config,
    baseline: Option<&Baseline>,
    options: &crate::dryrun::Options,
    mode: Mode,
) -> Result<Report> {
    use crate::dryrun::credentials::{self, Context};
    let scan::Scanned {
        mut report,
        inventory,
        names,
    } = scanned;
    let selected: Vec<String> = request
        .environments
        .iter()
        .map(|e| names.canonical(e))
        .collect();
    let mut environments: Vec<String> = if selected.is_empty() {
        let mut found: Vec<String> = inventory
            .environments
            .keys()
            .cloned()
            .chain(config.environments.keys().map(|k| names.canonical(k)))
            .collect();
        found.extend(named_by_variables(&names, &found));
        found
    } else {
        selected.clone()
    };
    environments.sort();
    environments.dedup();
    let lookup = |name: &str| std::env::var(name).ok();
    let root = if args.root().is_dir() {
        args.root().to_path_buf()
    } else {
        std::path::PathBuf::from(".")
    };
    let ctx = Context {
        inventory: &inventory,
        names: &names,
        single: selected.len() == 1,
        root: &root,
        env: &lookup,
    };
    let (plans, unset): (
        Vec<credentials::Resolved>,
        Vec<Vec<credentials::UnsetVariable>>,
    ) = environments
        .iter()
        .map(|env| {
            let table = config
                .environments
                .iter()
                .find(|(k, _)| names.canonical(k) == *env)
                .map(|(_, v)| v);
            credentials::resolve(&ctx, env, table)
        })
        .unzip();
    fill_matrix(&mut report, &plans);
    let mut options = options.clone();
    options.key_vault.caller = key_vault_caller(config, &lookup, selected.len() == 1);
    let outcome = crate::dryrun::run_blocking(plans, &options)?;
    let mut raw = outcome.findings.clone();
    // A credential variable set to nothing usable was skipped: say so, by name.
    raw.extend(unset.iter().flatten().map(credentials::UnsetVariable::note));
    let mut found = config.apply(raw);
    if let Some(baseline) = baseline {
        let (kept, hidden) = baseline.filter(found);
        found = kept;
        report.summary.baseline_suppressed += hidden;
    }
    if mode == Mode::DryRun {
        report.findings.clear();
    }
    // A value the scan already flagged (malformed-id, secret-whitespace) is reported once, and
    // a failure it caused is part of that finding.
    let found =
        crate::checks::fold::dry_run_into_local(&mut report.findings, found, &outcome.causes);
    report.findings.extend(found);
    report.dry_run = outcome.results;
    report.finalize();
    crate::checks::fold::secret_fixes(&mut report.findings);
    Ok(report)
}

/// Environments the process's credential variables name (`UAT_AZURE_CLIENT_SECRET`): the CI
/// job set them for a dry-run, so that environment is tried even when no file names it. A
/// name spelled as one already `found` is that environment (`WESTEUROPE_PROD_…` is
/// `westeurope-prod`).
fn named_by_variables(
    names: &crate::inventory::environment::EnvironmentNames,
    found: &[String],
) -> Vec<String> {
    use crate::dryrun::credentials::{environments_named_by_variables, variable_form};
    let variables: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .collect();
    environments_named_by_variables(variables.iter().map(String::as_str))
        .iter()
        .map(|env| {
            let upper = variable_form(env);
            found
                .iter()
                .find(|known| variable_form(known) == upper)
                .cloned()
                .unwrap_or_else(|| names.canonical(env))
        })
        .collect()
}

fn run_baseline(args: &ScanArgs) -> Result<i32> {
    if !args.reports.is_empty() || args.sarif_file.is_some() {
        bail!(
            "--report and --sarif-file apply to check, scan and dry-run; baseline writes only \
             the baseline file"
        );
    }
    let (request, config, _) = prepare(args, false, false)?;
    let report = scan::run(&request, &config, None)?;
    write_baseline(args, &Baseline::from_findings(&report.findings))
}

fn write_baseline(args: &ScanArgs, baseline: &Baseline) -> Result<i32> {
    let path = match &args.output.output {
        Some(p) => p.clone(),
        None if args.root().is_dir() => args.root().join(baseline::DEFAULT_FILE),
        None => Path::new(baseline::DEFAULT_FILE).to_path_buf(),
    };
    create_parent(&path)?;
    baseline.save(&path)?;
    if !args.output.quiet {
        eprintln!(
            "credgate: wrote {} with {} accepted finding(s); use it with --baseline {}",
            path.display(),
            baseline.findings.len(),
            path.display()
        );
    }
    Ok(EXIT_OK)
}

fn run_explain(args: &ExplainArgs) -> Result<i32> {
    let Some(entry) = crate::explain::lookup(&args.code) else {
        eprintln!(
            "credgate: {}",
            crate::explain::unknown_code_message(&args.code)
        );
        return Ok(EXIT_ERROR);
    };
    let text = match Format::detect(args.output.format, env_var) {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&crate::explain::render_json(entry))?;
            s.push('\n');
            s
        }
        _ => crate::explain::render_text(entry),
    };
    write_output(&args.output, &text)?;
    Ok(EXIT_OK)
}

fn run_rules(args: &RulesArgs) -> Result<i32> {
    let text = match args.output.format {
        Some(Format::Json) => {
            let mut s = serde_json::to_string_pretty(crate::rules::RULES)?;
            s.push('\n');
            s
        }
        _ => {
            let width = crate::rules::RULES
                .iter()
                .map(|r| r.id.len())
                .max()
                .unwrap_or(0);
            crate::rules::RULES
                .iter()
                .map(|r| {
                    format!(
                        "{:<width$}  {:<7}  {}\n",
                        r.id,
                        r.severity.as_str(),
                        r.description
                    )
                })
                .collect()
        }
    };
    write_output(&args.output, &text)?;
    Ok(EXIT_OK)
}

/// Whether the report fails the run under `--fail-on`.
pub fn fails(report: &Report, fail_on: FailOn) -> bool {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Never => return false,
    };
    report.worst().is_some_and(|w| w >= threshold)
}

/// Whether to colour text output: only to a terminal, and never when NO_COLOR is set.
fn use_color(out: &OutputArgs) -> bool {
    if out.no_color || out.output.is_some() {
        return false;
    }
    if env_var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if env_var("TERM").as_deref() == Some("dumb") {
        return false;
    }
    std::io::stdout().is_terminal()
}

/// The text report's width when it goes to a terminal: `COLUMNS` first (what the shell says),
/// then the terminal's own size. `None` (the report's default, 120) for a file, a pipe or a CI
/// log, whose reader's width is unknown.
fn terminal_width(out: &OutputArgs) -> Option<usize> {
    if out.output.is_some() || !std::io::stdout().is_terminal() {
        return None;
    }
    env_var("COLUMNS")
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
}

/// The extra report files of a run: `--sarif-file FILE` (short for `--report sarif=FILE`), then
/// every `--report FORMAT=FILE`; the first SARIF one is the `sarif_file` step output. Two of
/// them, or one and `--output`, naming the same file would overwrite each other: that is a
/// usage error, found before anything is scanned or sent.
fn extra_reports(args: &ScanArgs) -> Result<Vec<ReportSpec>> {
    let sarif_file = args.sarif_file.iter().map(|path| ReportSpec {
        format: Format::Sarif,
        path: path.clone(),
    });
    let specs: Vec<ReportSpec> = sarif_file.chain(args.reports.iter().cloned()).collect();
    for (at, spec) in specs.iter().enumerate() {
        let earlier = specs.get(..at).unwrap_or_default();
        if earlier.iter().any(|e| e.path == spec.path)
            || args.output.output.as_ref() == Some(&spec.path)
        {
            bail!(
                "--report/--sarif-file: {} is named twice (with --output or another report); \
                 give each report its own file",
                spec.path.display()
            );
        }
    }
    Ok(specs)
}

/// Renders the report in the chosen format, writes it, writes each `--report` file (the same
/// Report in its format; missing folders are created) and GitHub's side files. The GitHub
/// Action gets its side files whatever the format.
fn emit(report: &Report, args: &ScanArgs, extra: &[ReportSpec], failed: bool) -> Result<()> {
    let out = &args.output;
    let format = Format::detect(out.format, env_var);
    let options = RenderOptions {
        color: format == Format::Text && use_color(out),
        failed,
        verbose: out.verbose,
        width: terminal_width(out),
    };
    let text = report::render(report, format, &options)?;
    write_output(out, &text)?;
    let plain = RenderOptions {
        color: false,
        width: None,
        ..options
    };
    for spec in extra {
        let rendered = report::render(report, spec.format, &plain)?;
        let path = &spec.path;
        create_parent(path)?;
        std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if format == Format::Github || args.github_action {
        let summary = env_var("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty());
        let output = env_var("GITHUB_OUTPUT").filter(|s| !s.is_empty());
        let sarif = extra
            .iter()
            .find(|s| s.format == Format::Sarif)
            .map(|s| s.path.as_path());
        report::write_github_side_files(
            report,
            failed,
            summary.as_deref().map(Path::new),
            output.as_deref().map(Path::new),
            sarif,
            format == Format::Github,
        )
        .context("cannot write the GitHub step summary or outputs")?;
    }
    if out.verbose > 0 && !out.quiet {
        let s = &report.summary;
        eprintln!(
            "credgate: scanned {} file(s), {} bytes; skipped {} binary, {} too large, {} unreadable, {} symlink(s); {} suppressed inline, {} by baseline",
            s.files_scanned,
            s.bytes_scanned,
            s.files_skipped.binary,
            s.files_skipped.too_large,
            s.files_skipped.unreadable,
            s.files_skipped.symlink,
            s.inline_suppressed,
            s.baseline_suppressed
        );
    }
    Ok(())
}

/// Creates the folders a report file goes into, so that `-o out/credgate.sarif` and
/// `--report sarif=out/credgate.sarif` behave alike on a fresh checkout.
/// Creates the folder a report or file is written into, so `-o out/report.sarif` just works.
pub(crate) fn create_parent(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(())
}

/// Writes text to `--output` or standard output.
fn write_output(out: &OutputArgs, text: &str) -> Result<()> {
    match &out.output {
        Some(path) => {
            create_parent(path)?;
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => write_stdout(text),
    }
}

/// Writes `text` to standard output; a closed pipe (`credgate scan | head`) is not an error
/// worth reporting.
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e).context("cannot write to standard output"),
    }
}
