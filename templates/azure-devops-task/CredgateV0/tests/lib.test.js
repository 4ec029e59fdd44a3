// @ts-check
'use strict';
// The task's decisions, one by one: input parsing, arguments, environment, exit codes.

const test = require('node:test');
const assert = require('node:assert/strict');
const {
  Result,
  UserError,
  childEnvironment,
  gateArgs,
  outcome,
  parseEnvironments,
  reportsFindings,
  validate,
} = require('../lib');

/** @returns {import('../lib').Inputs} */
function inputs(overrides = {}) {
  return {
    command: 'check',
    path: '.',
    environments: [],
    failOn: 'error',
    allowUnreachable: false,
    timeout: '10',
    readPipelineVariables: true,
    ...overrides,
  };
}

test('environments: lines or commas, trimmed, blanks and repeats dropped', () => {
  assert.deepEqual(parseEnvironments('staging, production\r\n\nproduction\n  dev  '), [
    'staging',
    'production',
    'dev',
  ]);
  assert.deepEqual(parseEnvironments(''), []);
  assert.deepEqual(parseEnvironments(undefined), []);
});

test('gate arguments carry every input, in azure-devops format', () => {
  const args = gateArgs(
    inputs({
      path: 'services/api',
      environments: ['staging', 'production'],
      configFile: 'ci/credgate.toml',
      baseline: '.credgate-baseline.json',
      failOn: 'warning',
      authorityHost: 'https://login.microsoftonline.us',
      allowUnreachable: true,
      allowMissingCredentials: true,
      timeout: '30',
      readPipelineVariables: false,
    }),
  );
  assert.deepEqual(args, [
    'check',
    'services/api',
    '--env',
    'staging',
    '--env',
    'production',
    '--config',
    'ci/credgate.toml',
    '--baseline',
    '.credgate-baseline.json',
    '--fail-on',
    'warning',
    '--timeout',
    '30',
    '--authority-host',
    'https://login.microsoftonline.us',
    '--allow-unreachable',
    '--allow-missing-credentials',
    '--no-remote',
    '--format',
    'azure-devops',
  ]);
});

test('minimal gate arguments; --no-remote only for check', () => {
  assert.deepEqual(gateArgs(inputs()), [
    'check',
    '.',
    '--fail-on',
    'error',
    '--timeout',
    '10',
    '--format',
    'azure-devops',
  ]);
  const scan = gateArgs(inputs({ command: 'scan', readPipelineVariables: false }));
  assert.ok(!scan.includes('--no-remote'), scan.join(' '));
});

test('reports are written by the gating run itself, one --report per wanted file', () => {
  const args = gateArgs(inputs({ command: 'dry-run', environments: ['production'] }), [
    { format: 'markdown', file: '/tmp/r/credgate.md' },
    { format: 'junit', file: '/tmp/r dir/credgate-junit.xml' },
    { format: 'sarif', file: '/tmp/r/credgate.sarif' },
  ]);
  assert.deepEqual(args, [
    'dry-run',
    '.',
    '--env',
    'production',
    '--fail-on',
    'error',
    '--timeout',
    '10',
    '--format',
    'azure-devops',
    '--report',
    'markdown=/tmp/r/credgate.md',
    '--report',
    'junit=/tmp/r dir/credgate-junit.xml',
    '--report',
    'sarif=/tmp/r/credgate.sarif',
  ]);
  assert.deepEqual(gateArgs(inputs(), []), gateArgs(inputs()));
});

test('validation names the input', () => {
  assert.throws(
    () => validate(inputs({ command: 'explain' })),
    /command must be one of check, scan, dry-run/,
  );
  assert.throws(() => validate(inputs({ failOn: 'sometimes' })), /failOn must be one of/);
  assert.throws(() => validate(inputs({ timeout: '0' })), /timeout must be a whole number/);
  assert.throws(() => validate(inputs({ timeout: '5s' })), /timeout/);
  assert.throws(() => validate(inputs({ environments: ['--format'] })), UserError);
  assert.doesNotThrow(() =>
    validate(inputs({ command: 'dry-run', failOn: 'never', timeout: '120' })),
  );
});

test('unexpanded $(NAME) macros are dropped from the environment, other values kept', () => {
  const { env, dropped } = childEnvironment({
    AZURE_CLIENT_SECRET: '$(AZURE_CLIENT_SECRET)',
    PROD_AZURE_CLIENT_SECRET: '$(prod.secret)',
    AZURE_CLIENT_ID: '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    ODD: 'x$(NOT_ALONE)',
    EMPTY: '',
  });
  assert.deepEqual(Object.keys(env).sort(), ['AZURE_CLIENT_ID', 'EMPTY', 'ODD']);
  assert.deepEqual(dropped, [
    { name: 'AZURE_CLIENT_SECRET', macro: '$(AZURE_CLIENT_SECRET)' },
    { name: 'PROD_AZURE_CLIENT_SECRET', macro: '$(prod.secret)' },
  ]);
});

test('exit codes map to task results', () => {
  assert.equal(outcome(0, 'error', false).result, Result.Succeeded);
  const withIssues = outcome(0, 'error', true);
  assert.equal(withIssues.result, Result.SucceededWithIssues);
  assert.match(withIssues.message, /none at or above failOn \(error\)/);
  const one = outcome(1, 'warning', true);
  assert.equal(one.result, Result.Failed);
  assert.match(one.message, /findings at or above failOn \(warning\)/);
  const two = outcome(2, 'error', false);
  assert.equal(two.result, Result.Failed);
  assert.match(
    two.message,
    /could not run \(exit code 2: a usage, configuration or internal error\)/,
  );
  const crash = outcome(101, 'error', false);
  assert.equal(crash.result, Result.Failed);
  assert.match(crash.message, /ended unexpectedly \(exit code 101\)/);
  assert.equal(outcome(null, 'error', false).result, Result.Failed);
});

test('findings are recognised from credgate output lines', () => {
  assert.ok(reportsFindings('##vso[task.logissue type=warning;code=x]m'));
  assert.ok(reportsFindings('##vso[task.complete result=SucceededWithIssues;]'));
  assert.ok(!reportsFindings('##vso[task.complete result=Failed;]'));
  assert.ok(!reportsFindings('credgate: no findings (3 files scanned).'));
});

test('history: all and none become flags for check and scan, pr is the default', () => {
  assert.ok(!gateArgs(inputs({ history: 'pr' })).some((a) => a.includes('history')));
  assert.ok(gateArgs(inputs({ command: 'scan', history: 'all' })).includes('--history'));
  assert.ok(gateArgs(inputs({ history: 'none' })).includes('--no-history'));
  const dryRun = gateArgs(inputs({ command: 'dry-run', history: 'all' }));
  assert.ok(!dryRun.includes('--history'), dryRun.join(' '));
  assert.throws(() => validate(inputs({ history: 'everything' })), /history must be one of pr, all, none/);
});
