// @ts-check
'use strict';
// Azure Pipelines task: runs credgate as a deployment gate. Findings become pipeline issues
// (credgate's own `--format azure-devops` output), the exit code becomes the task result, and
// the Markdown, JUnit and SARIF reports that the same run writes are published on request. The task never reads a secret:
// credgate reads the credentials from the environment the step maps (`env:`).

const path = require('node:path');
const tl = require('azure-pipelines-task-lib/task');
const {
  REPORTS,
  UserError,
  childEnvironment,
  gateArgs,
  outcome,
  parseEnvironments,
  reportsFindings,
  validate,
} = require('./lib');

/**
 * A file-path input the user actually gave: the agent fills an empty one with the sources
 * directory, which `filePathSupplied` recognises.
 * @param {string} name
 * @returns {string | undefined}
 */
function optionalPath(name) {
  return tl.filePathSupplied(name) ? tl.getPathInput(name, false) : undefined;
}

/**
 * A boolean input, with task.json's default when the agent passes none (as under test).
 * @param {string} name
 * @param {boolean} byDefault
 * @returns {boolean}
 */
function boolInput(name, byDefault) {
  const value = tl.getInput(name, false);
  return value ? value.trim().toLowerCase() === 'true' : byDefault;
}

/**
 * The task's inputs in the shape the argument builders take, with task.json's defaults.
 * @returns {import('./lib').Inputs}
 */
function readInputs() {
  return {
    command: tl.getInput('command', true) || '',
    path: tl.getInput('path', false) || '.',
    environments: parseEnvironments(tl.getInput('environments', false)),
    failOn: tl.getInput('failOn', false) || 'error',
    configFile: optionalPath('configFile'),
    baseline: optionalPath('baseline'),
    authorityHost: (tl.getInput('authorityHost', false) || '').trim() || undefined,
    allowUnreachable: boolInput('allowUnreachable', false),
    allowMissingCredentials: boolInput('allowMissingCredentials', false),
    history: (tl.getInput('history', false) || 'pr').trim(),
    timeout: (tl.getInput('timeout', false) || '10').trim(),
    readPipelineVariables: boolInput('readPipelineVariables', true),
  };
}

/**
 * The credgate binary: `credgatePath` when given (it must exist), else `credgate` on PATH.
 * @returns {string}
 */
function findCredgate() {
  const given = optionalPath('credgatePath');
  if (given) {
    if (!tl.exist(given)) {
      throw new UserError(`credgatePath: ${given} does not exist`);
    }
    return given;
  }
  const found = tl.which('credgate', false);
  if (!found) {
    throw new UserError(
      'credgate is not on PATH: install it in an earlier step ' +
        '(cargo install --locked --git https://github.com/credgate/credgate --tag <version> credgate) ' +
        'or set credgatePath',
    );
  }
  return found;
}

/**
 * Runs credgate once, its output going straight to the log (where the agent turns its
 * `##vso` lines into issues), and returns its exit code and whether it reported findings.
 * @param {string} bin
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string> }} where
 * @returns {Promise<{ code: number, findings: boolean }>}
 */
async function runCredgate(bin, args, where) {
  const tool = tl.tool(bin).arg(args);
  let findings = false;
  tool.on('stdline', (/** @type {string} */ line) => {
    findings = findings || reportsFindings(line);
  });
  const code = await tool.execAsync({
    cwd: where.cwd,
    env: where.env,
    ignoreReturnCode: true,
    failOnStdErr: false,
    silent: false,
  });
  return { code, findings };
}

/**
 * The reports the user asked for, with the files the gating run writes them to (in the agent's
 * temporary folder, which credgate creates if needed). Files left by an earlier run in the job
 * are removed first, so that a run that writes nothing publishes nothing.
 * @param {string} fallbackDir
 * @returns {import('./lib').ReportFile[]}
 */
function wantedReports(fallbackDir) {
  const wanted = REPORTS.filter((r) => boolInput(r.input, r.byDefault));
  const dir = path.join(tl.getVariable('Agent.TempDirectory') || fallbackDir, 'credgate');
  return wanted.map((r) => {
    const file = path.join(dir, r.file);
    if (tl.exist(file)) tl.rmRF(file);
    return { format: r.format, file };
  });
}

/**
 * Publishes each report the gating run wrote the way Azure DevOps shows it: the summary on the
 * run's Extensions tab, JUnit on its Tests tab, SARIF in the `CodeAnalysisLogs` artifact that
 * the SARIF SAST Scans Tab extension reads. A missing report (credgate could not run) is a
 * warning: the gate's result stands.
 * @param {import('./lib').ReportFile[]} reports
 * @param {import('./lib').Inputs} inputs
 * @param {number} code the gating run's exit code, for the warning
 */
function publishReports(reports, inputs, code) {
  for (const { format, file } of reports) {
    if (!tl.exist(file)) {
      tl.warning(`credgate did not write the ${format} report (exit code ${code})`);
      continue;
    }
    if (format === 'markdown') {
      tl.uploadSummary(file);
    } else if (format === 'junit') {
      const title = ['credgate', inputs.command, ...inputs.environments].join(' ');
      new tl.TestPublisher('JUnit').publish([file], 'false', '', '', title, 'true');
    } else {
      tl.uploadArtifact('CodeAnalysisLogs', file, 'CodeAnalysisLogs');
    }
  }
}

/**
 * The task: gate, reports, result. Every failure ends as a failed task with a message that
 * says what to fix, never as an unhandled rejection.
 */
async function run() {
  try {
    const inputs = readInputs();
    validate(inputs);
    const bin = findCredgate();
    const cwd =
      optionalPath('workingDirectory') ||
      tl.getVariable('System.DefaultWorkingDirectory') ||
      process.cwd();
    const { env, dropped } = childEnvironment(process.env);
    for (const { name, macro } of dropped) {
      tl.warning(`${name} is mapped to ${macro}, which is not defined: ignored`);
    }
    const reports = wantedReports(cwd);
    const gate = await runCredgate(bin, gateArgs(inputs, reports), { cwd, env });
    publishReports(reports, inputs, gate.code);
    const { result, message } = outcome(gate.code, inputs.failOn, gate.findings);
    tl.setResult(result, message);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    tl.setResult(
      tl.TaskResult.Failed,
      err instanceof UserError ? message : `credgate task failed: ${message}`,
    );
  }
}

run();
