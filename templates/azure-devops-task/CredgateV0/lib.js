// @ts-check
'use strict';
// The task's decisions, kept free of I/O so they can be tested one by one: which arguments
// credgate gets, which environment it inherits, and what its exit code means for the task.

/** The subcommands the task may run (`explain`, `rules`, `baseline` make no sense as a gate). */
const COMMANDS = ['check', 'scan', 'dry-run'];

/** The values of credgate's `--fail-on`. */
const FAIL_ON = ['error', 'warning', 'never'];

/** The task's `history` input: a pull-request build's commits, every commit, or none. */
const HISTORY = ['pr', 'all', 'none'];

/** The reports the task can publish: input name and default (as in task.json), format, file. */
const REPORTS = [
  { input: 'publishSummary', byDefault: true, format: 'markdown', file: 'credgate.md' },
  { input: 'publishJunit', byDefault: true, format: 'junit', file: 'credgate-junit.xml' },
  { input: 'publishSarif', byDefault: false, format: 'sarif', file: 'credgate.sarif' },
];

/** An input problem the user must fix: its message is shown as the task's failure reason. */
class UserError extends Error {}

/**
 * Environment names from the multi-line input: one per line or comma-separated, blanks and
 * repeats dropped, so that `production` and `staging, production` both work.
 * @param {string | undefined} text
 * @returns {string[]}
 */
function parseEnvironments(text) {
  const names = (text || '')
    .split(/[\r\n,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return [...new Set(names)];
}

/**
 * @typedef {object} Inputs
 * @property {string} command check, scan or dry-run
 * @property {string} path what to scan
 * @property {string[]} environments names for `--env`
 * @property {string} failOn error, warning or never
 * @property {string} [configFile]
 * @property {string} [baseline]
 * @property {string} [authorityHost]
 * @property {boolean} allowUnreachable
 * @property {boolean} [allowMissingCredentials] missing_credentials stays a warning with `--env`
 * @property {string} [history] pr (default: a pull-request build's commits), all or none
 * @property {string} timeout seconds, as typed
 * @property {boolean} readPipelineVariables
 */

/**
 * Rejects values credgate would reject anyway, with a message that names the task input
 * instead of a command-line flag.
 * @param {Inputs} inputs
 */
function validate(inputs) {
  if (!COMMANDS.includes(inputs.command)) {
    throw new UserError(`command must be one of ${COMMANDS.join(', ')} (got "${inputs.command}")`);
  }
  if (!FAIL_ON.includes(inputs.failOn)) {
    throw new UserError(`failOn must be one of ${FAIL_ON.join(', ')} (got "${inputs.failOn}")`);
  }
  if (inputs.history !== undefined && !HISTORY.includes(inputs.history)) {
    throw new UserError(`history must be one of ${HISTORY.join(', ')} (got "${inputs.history}")`);
  }
  if (!/^[1-9][0-9]{0,4}$/.test(inputs.timeout)) {
    throw new UserError(`timeout must be a whole number of seconds (got "${inputs.timeout}")`);
  }
  for (const name of inputs.environments) {
    if (name.startsWith('-')) {
      throw new UserError(`environments: "${name}" is not an environment name`);
    }
  }
}

/**
 * @typedef {object} ReportFile
 * @property {string} format a credgate format (markdown, junit, sarif)
 * @property {string} file where credgate writes it
 */

/**
 * The one gating run: the chosen command with `--format azure-devops`, so findings become
 * pipeline issues and the exit code says whether anything reached `failOn`, and a
 * `--report FORMAT=FILE` per wanted report, so the reports come from the same run (with its
 * dry-run results) instead of a second, offline one.
 * @param {Inputs} inputs
 * @param {ReportFile[]} [reports]
 * @returns {string[]}
 */
function gateArgs(inputs, reports = []) {
  const args = [inputs.command, inputs.path];
  for (const name of inputs.environments) args.push('--env', name);
  if (inputs.configFile) args.push('--config', inputs.configFile);
  if (inputs.baseline) args.push('--baseline', inputs.baseline);
  args.push('--fail-on', inputs.failOn, '--timeout', inputs.timeout);
  if (inputs.authorityHost) args.push('--authority-host', inputs.authorityHost);
  if (inputs.allowUnreachable) args.push('--allow-unreachable');
  if (inputs.allowMissingCredentials) args.push('--allow-missing-credentials');
  // `pr` is what check and scan do by themselves in a pull-request build.
  if (inputs.command !== 'dry-run' && inputs.history === 'all') args.push('--history');
  if (inputs.command !== 'dry-run' && inputs.history === 'none') args.push('--no-history');
  if (inputs.command === 'check' && !inputs.readPipelineVariables) args.push('--no-remote');
  args.push('--format', 'azure-devops');
  for (const report of reports) args.push('--report', `${report.format}=${report.file}`);
  return args;
}

/** An Azure macro left as text because its variable is not defined: `$(NAME)`. */
const UNEXPANDED_MACRO = /^\$\([A-Za-z0-9_.]+\)$/;

/**
 * The environment credgate inherits: the task's own, minus variables whose value is an
 * unexpanded `$(NAME)` macro (a secret mapped with `env:` whose variable does not exist), so
 * credgate reports the credential as missing instead of sending that text as a secret. Values
 * are only compared with the macro pattern, never logged; the names dropped are returned.
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ env: Record<string, string>, dropped: { name: string, macro: string }[] }}
 */
function childEnvironment(env) {
  /** @type {Record<string, string>} */
  const kept = {};
  const dropped = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (UNEXPANDED_MACRO.test(value)) {
      dropped.push({ name, macro: value });
    } else {
      kept[name] = value;
    }
  }
  return { env: kept, dropped };
}

/** Task results, as azure-pipelines-task-lib numbers them (`TaskResult`). */
const Result = { Succeeded: 0, SucceededWithIssues: 1, Failed: 2 };

/**
 * What credgate's exit code means for the task (README "Exit codes"): 0 passes (with issues
 * when credgate reported findings below `failOn`), 1 fails on findings, 2 is a usage,
 * configuration or internal error, anything else (a crash, a signal) is unexpected.
 * @param {number | null} code
 * @param {string} failOn
 * @param {boolean} findings credgate reported findings (issues, or "succeeded with issues")
 * @returns {{ result: number, message: string }}
 */
function outcome(code, failOn, findings) {
  switch (code) {
    case 0:
      return findings
        ? {
            result: Result.SucceededWithIssues,
            message: `credgate reported findings, none at or above failOn (${failOn})`,
          }
        : { result: Result.Succeeded, message: 'credgate found nothing' };
    case 1:
      return {
        result: Result.Failed,
        message: `credgate found findings at or above failOn (${failOn}): see the issues above`,
      };
    case 2:
      return {
        result: Result.Failed,
        message:
          'credgate could not run (exit code 2: a usage, configuration or internal error): ' +
          'see its message in the log above',
      };
    default:
      return {
        result: Result.Failed,
        message: `credgate ended unexpectedly (exit code ${code}): see the log above`,
      };
  }
}

/**
 * Whether a line of credgate's azure-devops output says it found something: a pipeline issue,
 * or its own "succeeded with issues" verdict (notes only).
 * @param {string} line
 * @returns {boolean}
 */
function reportsFindings(line) {
  return (
    line.startsWith('##vso[task.logissue') ||
    line.startsWith('##vso[task.complete result=SucceededWithIssues')
  );
}

module.exports = {
  COMMANDS,
  HISTORY,
  FAIL_ON,
  REPORTS,
  Result,
  UserError,
  childEnvironment,
  gateArgs,
  outcome,
  parseEnvironments,
  reportsFindings,
  validate,
};
