//! Command-line definitions (clap derive). The contract is docs/design.md "Command line".

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// credgate: stop a deploy before it fails on Microsoft Entra ID credentials.
#[derive(Debug, Parser)]
#[command(
    name = "credgate",
    version,
    about = "Stop a deploy before it fails on Microsoft Entra ID (Azure AD) credentials",
    long_about = "credgate scans a repository for hard-coded secrets and for Entra ID credentials \
                  crossed between environments, and (with `check`) proves each environment can \
                  get a token before the deploy goes out.",
    after_help = "Examples:\n  credgate scan .                       offline scan of the current repository\n  \
                  credgate check --env production       scan, then a live token request for production\n  \
                  credgate explain AADSTS7000215        what the error means and how to fix it\n  \
                  credgate scan --format sarif -o credgate.sarif\n\n\
                  Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage, config or internal error.\n\n\
                  The contract (commands, exit codes, rule ids, JSON report): docs/design.md in the credgate repository."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of docs/design.md.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan, check consistency and dry-run where credentials are available (the CI default).
    #[command(
        after_help = "Examples:\n  credgate check\n  credgate check --env production --format json -o report.json"
    )]
    Check(ScanArgs),
    /// Offline only: scan files for secrets and check consistency; no network.
    #[command(
        after_help = "Examples:\n  credgate scan .\n  credgate scan --staged                 pre-commit: only what is staged\n  credgate scan --history                every commit reachable from HEAD too\n  credgate scan --commits origin/main..HEAD   a pull request's commits\n  credgate scan --format sarif -o credgate.sarif\n  credgate scan --baseline .credgate-baseline.json"
    )]
    Scan(ScanArgs),
    /// Only the live token requests, one per environment.
    #[command(
        name = "dry-run",
        after_help = "Examples:\n  credgate dry-run --env staging"
    )]
    DryRun(ScanArgs),
    /// Explain an AADSTS error code: cause, usual culprit and fix steps (offline).
    #[command(
        after_help = "Examples:\n  credgate explain AADSTS7000215\n  credgate explain 700016"
    )]
    Explain(ExplainArgs),
    /// List every rule id with its severity and a one-line description.
    #[command(after_help = "Examples:\n  credgate rules\n  credgate rules --format json")]
    Rules(RulesArgs),
    /// Write a baseline of the current findings so that they are accepted from now on.
    #[command(
        after_help = "Examples:\n  credgate baseline                      writes .credgate-baseline.json\n  credgate scan --baseline .credgate-baseline.json"
    )]
    Baseline(ScanArgs),
    /// Write a first credgate.toml from what a scan finds: environments and their aliases, the
    /// tenant and client ids to confirm, the CI variables the dry-run reads, shared apps, the CI
    /// step. Never a secret; an existing file only with --force.
    #[command(
        after_help = "Examples:\n  credgate init                          writes ./credgate.toml\n  credgate init path/to/repo -o -        prints it instead\n  credgate init --force                  replaces an existing credgate.toml"
    )]
    Init(InitArgs),
}

/// Flags of `init`.
#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// Repository root to scan [default: `.`].
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Where to write [default: credgate.toml at PATH]; `-` prints it to standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the file if it exists (without it, an existing file is an error, exit 2).
    #[arg(long)]
    pub force: bool,
    /// No summary line on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Files larger than this (10 MiB) are skipped unless `--max-file-size` or the config says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Output format of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by file, coloured on a terminal.
    Text,
    /// The JSON report of docs/design.md (schema_version 1).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations) plus a job summary.
    Github,
    /// Azure Pipelines logging commands (pipeline issues).
    AzureDevops,
    /// JUnit XML for test-result publishers.
    Junit,
    /// Markdown for a pull-request comment or job summary.
    Markdown,
}

/// The lowest severity that makes the run fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail on errors only (default).
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Never fail because of findings.
    Never,
}

/// Flags shared by every command that writes a report.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format [default: text; github when GITHUB_ACTIONS=true; azure-devops when TF_BUILD=True].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to this file instead of standard output (missing folders are created).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Never colour the output (NO_COLOR is honoured too).
    #[arg(long)]
    pub no_color: bool,
    /// Print only findings, no progress or summary lines on stderr.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr: files and bytes scanned, files skipped by reason, findings
    /// suppressed (`-vv` is accepted and says the same).
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Flags of `check`, `scan`, `dry-run` and `baseline`.
#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Repository root to scan [default: `.`; with --staged, the top level of the git
    /// repository the working directory is in, so a commit from a subfolder is scanned whole].
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Configuration file [default: credgate.toml at the root, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only these environments (repeatable). A name that matches no environment is an error
    /// (exit 2); committed secrets are reported whatever is selected.
    #[arg(long = "env", value_name = "NAME")]
    pub environments: Vec<String>,
    /// Lowest severity that fails the run.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Hide findings listed in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Only files staged in git, read from the index (the pre-commit mode).
    #[arg(long)]
    pub staged: bool,
    /// Also scan every commit reachable from HEAD with the hard-coded secret rules (each
    /// distinct blob once; findings name the commit that introduced them).
    #[arg(long, conflicts_with = "staged")]
    pub history: bool,
    /// With --history: every ref (branches, tags, remotes), not only HEAD.
    #[arg(long, requires = "history")]
    pub all_refs: bool,
    /// Also scan the commits of this git range (e.g. origin/main..HEAD): the pull-request
    /// mode, chosen by itself in a GitHub pull_request run and an Azure Pipelines PR build.
    #[arg(long, value_name = "RANGE", conflicts_with_all = ["staged", "history"])]
    pub commits: Option<String>,
    /// Do not scan a CI run's pull-request commits (check and scan do by default).
    #[arg(long, conflicts_with_all = ["history", "commits"])]
    pub no_history: bool,
    /// Entra authority host to send token requests to (overrides the allow-list).
    #[arg(long, env = "AZURE_AUTHORITY_HOST", value_name = "URL")]
    pub authority_host: Option<String>,
    /// Each environment's whole dry-run deadline in seconds, retries included.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub timeout: u64,
    /// Skip files larger than this many bytes [default: 10485760, or `max_file_size` in credgate.toml].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Do not try a failed environment's secret with other environments' client ids.
    #[arg(long)]
    pub no_cross_match: bool,
    /// Report an unreachable authority (timeout, connection error, 5xx, 429) as a warning, not an error.
    #[arg(long)]
    pub allow_unreachable: bool,
    /// With --env, an environment that could not be dry-run (missing_credentials) is an error;
    /// this makes it a warning (without --env it always is one).
    #[arg(long)]
    pub allow_missing_credentials: bool,
    /// Warn when Graph says the secret in use expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub expiry_warning_days: u32,
    /// Send every Key Vault request to this loopback address (tests), keeping the path and
    /// `Host: {vault}.vault.azure.net`.
    #[arg(long, value_name = "URL")]
    pub keyvault_host: Option<String>,
    /// Microsoft Graph base URL for the look-ups after a token (https, or http to loopback).
    #[arg(long, value_name = "URL")]
    pub graph_host: Option<String>,
    /// How many environments' token requests run at once (cross-match requests share the budget).
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Sign certificate assertions with RS256 and `x5t` (older setups) instead of PS256 and `x5t#S256`.
    #[arg(long)]
    pub legacy_rs256: bool,
    /// GitHub repository whose environments, variables and secrets `check` reads
    /// [default: GITHUB_REPOSITORY].
    #[arg(long, value_name = "OWNER/NAME")]
    pub github_repo: Option<String>,
    /// Name of the variable holding the GitHub token [default: GITHUB_TOKEN].
    #[arg(long, value_name = "NAME")]
    pub github_token_env: Option<String>,
    /// Azure DevOps organization URL whose variable groups `check` reads
    /// [default: SYSTEM_COLLECTIONURI].
    #[arg(long, value_name = "URL")]
    pub ado_org: Option<String>,
    /// Azure DevOps project [default: SYSTEM_TEAMPROJECT].
    #[arg(long, value_name = "NAME")]
    pub ado_project: Option<String>,
    /// Never read pipeline variables over the GitHub or Azure DevOps APIs.
    #[arg(long)]
    pub no_remote: bool,
    /// Also write the report in FORMAT to FILE, whatever --format is (repeatable; any format;
    /// missing folders are created), e.g. --report junit=out/credgate.xml (check, scan, dry-run).
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report_spec)]
    pub reports: Vec<ReportSpec>,
    /// Also write the report as SARIF to this file: short for --report sarif=FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,
    /// Set by the GitHub Action (not by hand): write the step outputs and job summary whatever
    /// --format is, since action.yml promises them.
    #[arg(long, hide = true)]
    pub github_action: bool,
    /// Report and output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

impl ScanArgs {
    /// The folder to scan: PATH as given, else `.` (the command resolves the `--staged` default
    /// before it reads this).
    pub fn root(&self) -> &std::path::Path {
        self.path
            .as_deref()
            .unwrap_or_else(|| std::path::Path::new("."))
    }
}

/// One `--report FORMAT=FILE`: the same report rendered in another format into a file, so one
/// run (one set of token requests) feeds every consumer of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    /// The format of the file.
    pub format: Format,
    /// The file; a relative path is relative to the working directory, as for `--output`.
    pub path: PathBuf,
}

/// Parses `FORMAT=FILE` for clap, which names the flag and exits 2 on an error.
fn parse_report_spec(spec: &str) -> Result<ReportSpec, String> {
    let names = || {
        Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((format, path)) = spec.split_once('=') else {
        return Err(format!("expected FORMAT=FILE, FORMAT one of {}", names()));
    };
    let format = Format::from_str(format.trim(), false)
        .map_err(|_| format!("unknown format {format:?}: use one of {}", names()))?;
    if path.trim().is_empty() {
        return Err("the FILE after `=` is empty".to_string());
    }
    Ok(ReportSpec {
        format,
        path: PathBuf::from(path),
    })
}

/// Flags of `explain`.
#[derive(Debug, Args, Clone)]
pub struct ExplainArgs {
    /// The code, e.g. AADSTS7000215 or 7000215.
    pub code: String,
    /// Report and output options (text or json).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Flags of `rules`.
#[derive(Debug, Args, Clone)]
pub struct RulesArgs {
    /// Report and output options (text or json).
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Format {
    /// The format to use when `--format` is absent: CI systems get their native annotations.
    pub fn detect(explicit: Option<Format>, env: impl Fn(&str) -> Option<String>) -> Format {
        if let Some(f) = explicit {
            return f;
        }
        if env("GITHUB_ACTIONS").as_deref() == Some("true") {
            return Format::Github;
        }
        if env("TF_BUILD")
            .map(|v| v.eq_ignore_ascii_case("true"))
            .unwrap_or(false)
        {
            return Format::AzureDevops;
        }
        Format::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn report_specs_take_every_format_and_keep_the_rest_as_the_path() {
        for format in Format::value_variants() {
            let name = format
                .to_possible_value()
                .expect("named")
                .get_name()
                .to_string();
            let spec = parse_report_spec(&format!("{name}=out/r.{name}")).expect("valid");
            assert_eq!(spec.format, *format);
            assert_eq!(spec.path, PathBuf::from(format!("out/r.{name}")));
        }
        let spec = parse_report_spec("json=a=b.json").expect("valid");
        assert_eq!(spec.path, PathBuf::from("a=b.json"));
        for bad in [
            "sarif",
            "=x.sarif",
            "sarif=",
            "SARIF=x",
            "html=x.html",
            "sarif= ",
        ] {
            let err = parse_report_spec(bad).expect_err(bad);
            assert!(
                err.contains("FORMAT") || err.contains("format") || err.contains("FILE"),
                "{err}"
            );
        }
    }

    #[test]
    fn report_flag_is_repeatable_and_invalid_specs_name_it() {
        let cli = Cli::try_parse_from([
            "credgate",
            "check",
            "--report",
            "markdown=a.md",
            "--report=junit=b/c.xml",
            "--sarif-file",
            "d.sarif",
        ])
        .expect("parses");
        let Command::Check(args) = cli.command else {
            panic!("not check");
        };
        assert_eq!(args.reports.len(), 2);
        assert_eq!(args.reports[1].format, Format::Junit);
        assert_eq!(args.sarif_file, Some(PathBuf::from("d.sarif")));
        let err = Cli::try_parse_from(["credgate", "scan", "--report", "pdf=x.pdf"])
            .expect_err("pdf is no format");
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(err.to_string().contains("--report"), "{err}");
    }

    #[test]
    fn format_detection_follows_ci_variables() {
        let none = |_: &str| None;
        assert_eq!(Format::detect(None, none), Format::Text);
        let gh = |k: &str| (k == "GITHUB_ACTIONS").then(|| "true".to_string());
        assert_eq!(Format::detect(None, gh), Format::Github);
        let ado = |k: &str| (k == "TF_BUILD").then(|| "True".to_string());
        assert_eq!(Format::detect(None, ado), Format::AzureDevops);
        assert_eq!(Format::detect(Some(Format::Json), gh), Format::Json);
    }
}
