//! The GitHub Action's way in. The runner starts a Docker action's `ENTRYPOINT` with no arguments
//! and hands over the step's `with:` inputs as `INPUT_<ID>` variables (id upper-cased, hyphens
//! kept, which is why action.yml uses underscore ids). [`command_line`] turns those inputs into
//! the argv a user would type, and [`parse`] gives it to the very clap definitions of the command
//! line, so defaults, validation and messages are the CLI's own; only the error names the input
//! instead of the flag, because the input is what the workflow author wrote.

use crate::cli::Cli;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Parser;
use std::fmt;
use std::path::PathBuf;

/// Inputs that map one-to-one onto a flag taking a value.
const VALUE_INPUTS: &[(&str, &str)] = &[
    ("config", "--config"),
    ("baseline", "--baseline"),
    ("fail_on", "--fail-on"),
    ("format", "--format"),
    ("sarif_file", "--sarif-file"),
    ("authority_host", "--authority-host"),
    ("expiry_warning_days", "--expiry-warning-days"),
];

/// Inputs that switch a flag on: `true` or `false` (any case), as GitHub's boolean inputs are
/// strings.
const FLAG_INPUTS: &[(&str, &str)] =
    &[("allow_missing_credentials", "--allow-missing-credentials")];

/// The subcommands the action may run; the rest (`explain`, `rules`, `baseline`) make no sense
/// as a pipeline gate.
const COMMANDS: &[&str] = &["check", "scan", "dry-run"];

/// What the action runs: the argv for clap and the directory to run it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// Program name first, as clap expects.
    pub args: Vec<String>,
    /// `GITHUB_WORKSPACE`: relative inputs (`path`, `config`, `baseline`, `sarif_file`) are
    /// relative to it, and annotations must name files relative to it, so credgate runs there.
    pub workspace: Option<PathBuf>,
}

/// An input the action cannot use, named as the workflow author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The input id in action.yml, when the problem is in one input.
    pub input: Option<&'static str>,
    /// What is wrong, in the CLI's words where the CLI found it.
    pub detail: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.input {
            Some(id) => write!(
                f,
                "invalid action input `{id}` ({}): {}",
                variable(id),
                self.detail
            ),
            None => write!(
                f,
                "the action inputs do not make a valid command line: {}",
                self.detail
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Whether this process was started the way the runner starts a Docker action: inside GitHub
/// Actions with no arguments. `credgate` with arguments always means the command line.
pub fn started_by_runner(arg_count: usize, env: &dyn Fn(&str) -> Option<String>) -> bool {
    arg_count <= 1 && env("GITHUB_ACTIONS").as_deref() == Some("true")
}

/// Builds the command line from the inputs. An empty input is an absent one (the runner sets
/// every declared input, empty when the workflow gives none and action.yml has no default).
pub fn command_line(env: &dyn Fn(&str) -> Option<String>) -> Result<CommandLine, InputError> {
    let command = input(env, "command")?.unwrap_or_else(|| "check".to_string());
    if !COMMANDS.contains(&command.as_str()) {
        return Err(InputError {
            input: Some("command"),
            detail: format!(
                "{command:?} is not a command the action runs; use one of {}",
                COMMANDS.join(", ")
            ),
        });
    }
    let mut args = vec![
        "credgate".to_string(),
        command,
        "--github-action".to_string(),
    ];
    if let Some(list) = raw_input(env, "environments") {
        for name in list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|n| !n.is_empty())
        {
            if name.chars().any(char::is_control) {
                return Err(control_character("environments"));
            }
            args.push(format!("--env={name}"));
        }
    }
    for (id, flag) in VALUE_INPUTS {
        if let Some(value) = input(env, id)? {
            args.push(format!("{flag}={value}"));
        }
    }
    for (id, flag) in FLAG_INPUTS {
        match input(env, id)?.map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("false") => {}
            Some("true") => args.push(flag.to_string()),
            Some(_) => {
                return Err(InputError {
                    input: Some(id),
                    detail: "must be `true` or `false`".to_string(),
                })
            }
        }
    }
    match input(env, "history")?
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        // `pr` is what check and scan do by themselves in a pull_request run.
        None | Some("pr") => {}
        Some("all") => args.push("--history".to_string()),
        Some("none") => args.push("--no-history".to_string()),
        Some(_) => {
            return Err(InputError {
                input: Some("history"),
                detail: "must be `pr` (a pull request's commits, the default), `all` (every \
                         commit reachable from HEAD) or `none`"
                    .to_string(),
            })
        }
    }
    // After `--`, a path that starts with `-` is still a path.
    args.push("--".to_string());
    args.push(input(env, "path")?.unwrap_or_else(|| ".".to_string()));
    let workspace = env("GITHUB_WORKSPACE")
        .filter(|w| !w.trim().is_empty())
        .map(PathBuf::from);
    Ok(CommandLine { args, workspace })
}

/// Parses the command line with the CLI's definitions; a rejection names the input it came from.
pub fn parse(line: &CommandLine) -> Result<Cli, InputError> {
    Cli::try_parse_from(&line.args).map_err(|err| InputError {
        input: input_of(&err),
        detail: clap_detail(&err),
    })
}

/// The `INPUT_…` variable of an input id, as the runner names it.
fn variable(id: &str) -> String {
    format!("INPUT_{}", id.replace(' ', "_").to_ascii_uppercase())
}

/// An input's value, trimmed; `None` when unset or blank.
fn raw_input(env: &dyn Fn(&str) -> Option<String>, id: &str) -> Option<String> {
    env(&variable(id))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// [`raw_input`] for a single value: a control character (a newline from a templated
/// expression, say) is refused, as no flag takes one and echoing it could forge a log line.
fn input(
    env: &dyn Fn(&str) -> Option<String>,
    id: &'static str,
) -> Result<Option<String>, InputError> {
    match raw_input(env, id) {
        Some(v) if v.chars().any(char::is_control) => Err(control_character(id)),
        other => Ok(other),
    }
}

fn control_character(id: &'static str) -> InputError {
    InputError {
        input: Some(id),
        detail: "contains a control character (a line break?); give a single value".to_string(),
    }
}

/// Which input an error from clap is about, from the argument clap names.
fn input_of(err: &clap::Error) -> Option<&'static str> {
    let arg = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.as_str(),
        _ => return None,
    };
    // clap names the argument as `--fail-on <FAIL_ON>` or `[PATH]`.
    let flag = arg.split_whitespace().next().unwrap_or_default();
    if flag == "--env" {
        return Some("environments");
    }
    if flag == "[PATH]" {
        return Some("path");
    }
    VALUE_INPUTS
        .iter()
        .find(|(_, f)| *f == flag)
        .map(|(id, _)| *id)
}

/// clap's message without its `error:` prefix and its `--help` hint, which point at a command
/// line the workflow author never typed.
fn clap_detail(err: &clap::Error) -> String {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        return "asks for help or the version, which the action does not print".to_string();
    }
    let rendered = err.render().to_string();
    let text = rendered.trim_start().trim_start_matches("error: ");
    text.lines()
        .filter(|l| !l.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Command, FailOn, Format};
    use crate::test_env::env_of;
    use std::path::Path;

    /// Every input the runner sets, all empty: what a step with no `with:` gets, minus defaults.
    fn empty_inputs() -> Vec<(&'static str, &'static str)> {
        vec![
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_WORKSPACE", "/github/workspace"),
            ("INPUT_PATH", ""),
            ("INPUT_COMMAND", ""),
            ("INPUT_ENVIRONMENTS", ""),
            ("INPUT_CONFIG", ""),
            ("INPUT_BASELINE", ""),
            ("INPUT_FAIL_ON", ""),
            ("INPUT_FORMAT", ""),
            ("INPUT_SARIF_FILE", ""),
            ("INPUT_AUTHORITY_HOST", ""),
            ("INPUT_EXPIRY_WARNING_DAYS", ""),
            ("INPUT_HISTORY", ""),
        ]
    }

    fn with(overrides: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let mut pairs = empty_inputs();
        for (k, v) in overrides {
            pairs.retain(|(key, _)| key != k);
            pairs.push((k, v));
        }
        env_of(&pairs)
    }

    fn args_of(cli: Cli) -> crate::cli::ScanArgs {
        match cli.command {
            Command::Check(a) | Command::Scan(a) | Command::DryRun(a) => a,
            other => panic!("not a scan-like command: {other:?}"),
        }
    }

    #[test]
    fn only_an_argumentless_start_inside_actions_reads_inputs() {
        let gh = env_of(&[("GITHUB_ACTIONS", "true")]);
        assert!(started_by_runner(1, &gh));
        assert!(
            !started_by_runner(2, &gh),
            "arguments mean the command line"
        );
        assert!(!started_by_runner(1, &env_of(&[])));
        assert!(!started_by_runner(
            1,
            &env_of(&[("GITHUB_ACTIONS", "false")])
        ));
    }

    #[test]
    fn empty_inputs_are_the_cli_defaults() {
        let line = command_line(&with(&[])).expect("valid");
        assert_eq!(
            line.args,
            ["credgate", "check", "--github-action", "--", "."]
        );
        assert_eq!(
            line.workspace.as_deref(),
            Some(Path::new("/github/workspace"))
        );
        let cli = parse(&line).expect("parses");
        assert!(matches!(cli.command, Command::Check(_)));
        let args = args_of(cli);
        assert_eq!(args.path.as_deref(), Some(Path::new(".")));
        assert_eq!(args.fail_on, FailOn::Error);
        assert!(args.github_action);
        assert!(args.environments.is_empty());
        assert_eq!(args.output.format, None, "github comes from GITHUB_ACTIONS");
    }

    #[test]
    fn every_input_becomes_its_flag() {
        let env = with(&[
            ("INPUT_COMMAND", "scan"),
            ("INPUT_PATH", " services/api "),
            ("INPUT_ENVIRONMENTS", "staging, production\nqa,,  dev"),
            ("INPUT_CONFIG", "ci/credgate.toml"),
            ("INPUT_BASELINE", ".credgate-baseline.json"),
            ("INPUT_FAIL_ON", "warning"),
            ("INPUT_FORMAT", "json"),
            ("INPUT_SARIF_FILE", "results/credgate.sarif"),
            ("INPUT_AUTHORITY_HOST", "https://login.microsoftonline.us"),
            ("INPUT_EXPIRY_WARNING_DAYS", "14"),
            ("INPUT_ALLOW_MISSING_CREDENTIALS", "True"),
        ]);
        let args = args_of(parse(&command_line(&env).expect("valid")).expect("parses"));
        assert!(args.allow_missing_credentials);
        assert_eq!(args.path.as_deref(), Some(Path::new("services/api")));
        assert_eq!(args.environments, ["staging", "production", "qa", "dev"]);
        assert_eq!(args.config.as_deref(), Some(Path::new("ci/credgate.toml")));
        assert_eq!(
            args.baseline.as_deref(),
            Some(Path::new(".credgate-baseline.json"))
        );
        assert_eq!(args.fail_on, FailOn::Warning);
        assert_eq!(args.output.format, Some(Format::Json));
        assert_eq!(
            args.sarif_file.as_deref(),
            Some(Path::new("results/credgate.sarif"))
        );
        assert_eq!(
            args.authority_host.as_deref(),
            Some("https://login.microsoftonline.us")
        );
        assert_eq!(args.expiry_warning_days, 14);
    }

    #[test]
    fn boolean_inputs_take_true_or_false_only() {
        let parsed = |v: &'static str| {
            command_line(&with(&[("INPUT_ALLOW_MISSING_CREDENTIALS", v)]))
                .map(|line| args_of(parse(&line).expect("parses")).allow_missing_credentials)
        };
        assert_eq!(parsed("false"), Ok(false));
        assert_eq!(parsed(""), Ok(false));
        assert_eq!(parsed("TRUE"), Ok(true));
        let err = parsed("yes").expect_err("not a boolean");
        assert_eq!(err.input, Some("allow_missing_credentials"));
    }

    #[test]
    fn dry_run_is_a_command_and_odd_paths_stay_paths() {
        let env = with(&[("INPUT_COMMAND", "dry-run"), ("INPUT_PATH", "-weird")]);
        let cli = parse(&command_line(&env).expect("valid")).expect("parses");
        assert!(matches!(&cli.command, Command::DryRun(_)));
        assert_eq!(args_of(cli).path.as_deref(), Some(Path::new("-weird")));
    }

    #[test]
    fn an_unknown_command_names_the_input() {
        let err = command_line(&with(&[("INPUT_COMMAND", "deploy")])).expect_err("invalid");
        assert_eq!(err.input, Some("command"));
        let text = err.to_string();
        assert!(
            text.starts_with("invalid action input `command` (INPUT_COMMAND): \"deploy\""),
            "{text}"
        );
        assert!(text.contains("check, scan, dry-run"), "{text}");
        // Commands the CLI has but the gate does not run are refused too.
        assert!(command_line(&with(&[("INPUT_COMMAND", "baseline")])).is_err());
    }

    #[test]
    fn clap_rejections_name_the_input_and_keep_the_cli_wording() {
        for (var, value, id, words) in [
            (
                "INPUT_FAIL_ON",
                "fatal",
                "fail_on",
                "possible values: error, warning, never",
            ),
            ("INPUT_FORMAT", "html", "format", "invalid value 'html'"),
            (
                "INPUT_EXPIRY_WARNING_DAYS",
                "soon",
                "expiry_warning_days",
                "invalid value 'soon' for '--expiry-warning-days <DAYS>'",
            ),
        ] {
            let line = command_line(&with(&[(var, value)])).expect("built");
            let err = parse(&line).expect_err("clap rejects it");
            assert_eq!(err.input, Some(id), "{err}");
            let text = err.to_string();
            assert!(text.contains(words), "{text}");
            assert!(text.contains(var), "{text}");
            assert!(!text.contains("--help"), "{text}");
            assert!(!text.contains("error: "), "{text}");
        }
    }

    #[test]
    fn line_breaks_in_single_value_inputs_are_refused() {
        let err = command_line(&with(&[("INPUT_CONFIG", "a.toml\n::error::forged")]))
            .expect_err("refused");
        assert_eq!(err.input, Some("config"));
        assert!(!err.to_string().contains("forged"), "{err}");
        // In `environments` a line break is a separator.
        let line = command_line(&with(&[("INPUT_ENVIRONMENTS", "a\r\nb")])).expect("valid");
        assert!(line.args.contains(&"--env=b".to_string()));
    }

    #[test]
    fn no_workspace_means_the_current_directory() {
        let env = env_of(&[("GITHUB_ACTIONS", "true")]);
        let line = command_line(&env).expect("valid");
        assert_eq!(line.workspace, None);
        assert!(parse(&line).is_ok());
    }

    #[test]
    fn input_variables_follow_the_runner() {
        assert_eq!(variable("fail_on"), "INPUT_FAIL_ON");
        assert_eq!(variable("my input"), "INPUT_MY_INPUT");
    }

    #[test]
    fn history_input_picks_the_commits_scanned() {
        for (value, flag, history, no_history) in [
            ("", None, false, false),
            ("pr", None, false, false),
            ("ALL", Some("--history"), true, false),
            ("none", Some("--no-history"), false, true),
        ] {
            let line = command_line(&with(&[("INPUT_HISTORY", value)])).expect("valid");
            if let Some(flag) = flag {
                assert!(
                    line.args.contains(&flag.to_string()),
                    "{value}: {:?}",
                    line.args
                );
            }
            let args = args_of(parse(&line).expect("parses"));
            assert_eq!(
                (args.history, args.no_history),
                (history, no_history),
                "{value}"
            );
        }
        let err = command_line(&with(&[("INPUT_HISTORY", "everything")])).expect_err("refused");
        assert_eq!(err.input, Some("history"));
    }
}
