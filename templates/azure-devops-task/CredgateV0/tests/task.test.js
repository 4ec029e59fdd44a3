// @ts-check
'use strict';
// The task under MockTestRunner with a mocked credgate: the command lines it runs, how each
// exit code becomes the task result, what it publishes, and how it fails without a binary.

const path = require('node:path');
const test = require('node:test');
const assert = require('node:assert/strict');
const { AGENT_TEMP, commands, completion, runTask } = require('./support');

const REPORT_DIR = path.join(AGENT_TEMP, 'credgate');

const BIN = '/usr/local/bin/credgate';
const NO_REPORTS = { publishSummary: 'false', publishJunit: 'false', publishSarif: 'false' };
const ISSUE =
  '##vso[task.logissue type=error;sourcepath=src/app.env;linenumber=3;columnnumber=21;code=azure-client-secret]Entra ID client secret';

/**
 * A scenario with credgate on PATH answering `exec` for each given command line.
 * @param {Record<string, string>} inputs
 * @param {Record<string, { code: number, stdout?: string, stderr?: string }>} exec
 */
function mocked(inputs, exec) {
  return { inputs: { ...NO_REPORTS, ...inputs }, answers: { which: { credgate: BIN }, exec } };
}

test('every input reaches the command line', async () => {
  const line =
    `${BIN} check services/api --env staging --env production --config ci/credgate.toml ` +
    '--baseline .credgate-baseline.json --fail-on warning --timeout 30 ' +
    '--authority-host https://login.microsoftonline.us --allow-unreachable --allow-missing-credentials ' +
    '--no-remote --format azure-devops';
  const tr = await runTask(
    mocked(
      {
        command: 'check',
        path: 'services/api',
        environments: 'staging, production\nproduction',
        configFile: 'ci/credgate.toml',
        baseline: '.credgate-baseline.json',
        failOn: 'warning',
        authorityHost: 'https://login.microsoftonline.us',
        allowUnreachable: 'true',
        allowMissingCredentials: 'true',
        timeout: '30',
        readPipelineVariables: 'false',
      },
      { [line]: { code: 0, stdout: 'credgate: no findings (12 files scanned).' } },
    ),
  );
  assert.ok(tr.ran(line), `did not run:\n${line}\nstdout:\n${tr.stdout}`);
  assert.equal(tr.invokedToolCount, 1);
  assert.ok(tr.succeeded, tr.stdout);
  assert.match(completion(tr.stdout), /result=Succeeded;\]credgate found nothing/);
});

test('exit 0 with findings below failOn: succeeded with issues', async () => {
  const line = `${BIN} scan . --fail-on error --timeout 10 --format azure-devops`;
  const stdout = `${ISSUE.replace('type=error', 'type=warning')}\n##vso[task.complete result=SucceededWithIssues;]`;
  const tr = await runTask(mocked({ command: 'scan' }, { [line]: { code: 0, stdout } }));
  assert.ok(tr.ran(line), tr.stdout);
  assert.ok(tr.succeeded, tr.stdout);
  assert.match(
    completion(tr.stdout),
    /result=SucceededWithIssues;\]credgate reported findings, none at or above failOn \(error\)/,
  );
});

test('exit 1: failed on findings', async () => {
  const line = `${BIN} check . --fail-on error --timeout 10 --format azure-devops`;
  const stdout = `${ISSUE}\n##vso[task.complete result=Failed;]`;
  const tr = await runTask(mocked({ command: 'check' }, { [line]: { code: 1, stdout } }));
  assert.ok(tr.ran(line), tr.stdout);
  assert.ok(tr.failed);
  assert.ok(tr.stdout.includes(ISSUE), 'the issue line reaches the log unchanged');
  assert.match(
    completion(tr.stdout),
    /result=Failed;\]credgate found findings at or above failOn \(error\)/,
  );
});

test('exit 2: failed as a usage or configuration error', async () => {
  const line = `${BIN} scan . --config missing.toml --fail-on error --timeout 10 --format azure-devops`;
  const tr = await runTask(
    mocked(
      { command: 'scan', configFile: 'missing.toml' },
      { [line]: { code: 2, stderr: 'credgate: error: cannot read config file missing.toml' } },
    ),
  );
  assert.ok(tr.ran(line), tr.stdout);
  assert.ok(tr.failed);
  assert.match(
    completion(tr.stdout),
    /result=Failed;\]credgate could not run \(exit code 2: a usage, configuration or internal error\)/,
  );
});

test('any other exit code: failed as unexpected', async () => {
  const line = `${BIN} dry-run . --env production --fail-on error --timeout 10 --format azure-devops`;
  const tr = await runTask(
    mocked({ command: 'dry-run', environments: 'production' }, { [line]: { code: 101 } }),
  );
  assert.ok(tr.ran(line), tr.stdout);
  assert.ok(tr.failed);
  assert.match(completion(tr.stdout), /credgate ended unexpectedly \(exit code 101\)/);
});

test('no credgate on PATH: failed, saying how to install it, nothing run', async () => {
  const tr = await runTask({ inputs: { command: 'scan', ...NO_REPORTS }, answers: { which: {} } });
  assert.ok(tr.failed);
  assert.equal(tr.invokedToolCount, 0);
  assert.match(
    completion(tr.stdout),
    /credgate is not on PATH: install it in an earlier step \(cargo install --locked --git/,
  );
});

test('credgatePath that does not exist: failed, naming it', async () => {
  const tr = await runTask({
    inputs: { command: 'scan', credgatePath: '/opt/tools/credgate', ...NO_REPORTS },
    answers: { which: { credgate: BIN }, exist: { '/opt/tools/credgate': false } },
  });
  assert.ok(tr.failed);
  assert.equal(tr.invokedToolCount, 0);
  assert.match(completion(tr.stdout), /credgatePath: \/opt\/tools\/credgate does not exist/);
});

test('credgatePath is used instead of PATH', async () => {
  const line = '/opt/tools/credgate scan . --fail-on error --timeout 10 --format azure-devops';
  const tr = await runTask({
    inputs: { command: 'scan', credgatePath: '/opt/tools/credgate', ...NO_REPORTS },
    answers: { which: {}, exist: { '/opt/tools/credgate': true }, exec: { [line]: { code: 0 } } },
  });
  assert.ok(tr.ran(line), tr.stdout);
  assert.ok(tr.succeeded, tr.stdout);
});

test('an invalid input fails before anything runs', async () => {
  const tr = await runTask(mocked({ command: 'scan', failOn: 'sometimes' }, {}));
  assert.ok(tr.failed);
  assert.equal(tr.invokedToolCount, 0);
  assert.match(
    completion(tr.stdout),
    /failOn must be one of error, warning, never \(got "sometimes"\)/,
  );
});

test('an empty file-path input (filled with the sources directory by the agent) is not passed', async () => {
  const line = `${BIN} scan . --fail-on error --timeout 10 --format azure-devops`;
  const tr = await runTask({
    ...mocked(
      { command: 'scan', configFile: '/agent/_work/1/s', baseline: '/agent/_work/1/s' },
      {
        [line]: { code: 0 },
      },
    ),
    variables: { 'Build.SourcesDirectory': '/agent/_work/1/s' },
  });
  assert.ok(tr.ran(line), tr.stdout);
});

test('reports: written by the one gating run, each published where Azure DevOps shows it', async () => {
  const md = `${REPORT_DIR}/credgate.md`;
  const junitFile = `${REPORT_DIR}/credgate-junit.xml`;
  const sarifFile = `${REPORT_DIR}/credgate.sarif`;
  const gate =
    `${BIN} check . --env production --fail-on error --timeout 10 --format azure-devops ` +
    `--report markdown=${md} --report junit=${junitFile} --report sarif=${sarifFile}`;
  const tr = await runTask({
    inputs: {
      command: 'check',
      environments: 'production',
      publishSummary: 'true',
      publishJunit: 'true',
      publishSarif: 'true',
    },
    answers: {
      which: { credgate: BIN },
      // The mock answers `exist` once per path: the Markdown and JUnit files exist (a stale
      // copy is removed before the run, the new one published after it); no SARIF was written.
      exist: { [md]: true, [junitFile]: true, [sarifFile]: false },
      rmRF: { [md]: { success: true }, [junitFile]: { success: true } },
      exec: { [gate]: { code: 1, stdout: `${ISSUE}\n##vso[task.complete result=Failed;]` } },
    },
  });
  assert.ok(tr.ran(gate), `did not run ${gate}\n${tr.stdout}`);
  assert.equal(tr.invokedToolCount, 1, 'one credgate run, no second scan for the reports');
  assert.deepEqual(commands(tr.stdout, 'task.uploadsummary'), [`##vso[task.uploadsummary]${md}`]);
  const junit = commands(tr.stdout, 'results.publish');
  assert.equal(junit.length, 1, tr.stdout);
  assert.match(junit[0], /type=JUnit/);
  assert.ok(junit[0].includes(`resultFiles=${junitFile}`), junit[0]);
  assert.match(junit[0], /runTitle=credgate check production/);
  // No SARIF file: a warning, no upload, and the gate's result stands.
  assert.deepEqual(commands(tr.stdout, 'artifact.upload'), []);
  assert.ok(
    tr.createdWarningIssue('credgate did not write the sarif report (exit code 1)'),
    tr.stdout,
  );
  assert.ok(tr.failed);
  assert.match(completion(tr.stdout), /credgate found findings at or above failOn/);
});

test('SARIF goes to the CodeAnalysisLogs artifact', async () => {
  const sarif = `${REPORT_DIR}/credgate.sarif`;
  const gate = `${BIN} scan . --fail-on error --timeout 10 --format azure-devops --report sarif=${sarif}`;
  const tr = await runTask({
    inputs: {
      command: 'scan',
      publishSummary: 'false',
      publishJunit: 'false',
      publishSarif: 'true',
    },
    answers: {
      which: { credgate: BIN },
      exist: { [sarif]: true },
      rmRF: { [sarif]: { success: true } },
      exec: { [gate]: { code: 0 } },
    },
  });
  assert.ok(tr.ran(gate), tr.stdout);
  assert.equal(tr.invokedToolCount, 1);
  assert.deepEqual(commands(tr.stdout, 'artifact.upload'), [
    `##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs;]${sarif}`,
  ]);
  assert.ok(tr.succeeded, tr.stdout);
});

test('a secret mapped to an undefined variable is dropped with a warning naming it', async () => {
  const line = `${BIN} check . --env production --fail-on error --timeout 10 --format azure-devops`;
  const tr = await runTask({
    ...mocked({ command: 'check', environments: 'production' }, { [line]: { code: 0 } }),
    env: { AZURE_CLIENT_SECRET: '$(AZURE_CLIENT_SECRET)' },
  });
  assert.ok(
    tr.createdWarningIssue(
      'AZURE_CLIENT_SECRET is mapped to $(AZURE_CLIENT_SECRET), which is not defined: ignored',
    ),
    tr.stdout,
  );
  assert.ok(tr.succeeded, tr.stdout);
});
