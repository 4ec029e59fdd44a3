// @ts-check
'use strict';
// The task with the real task library and the real credgate binary (CREDGATE_BIN, by default
// this repository's target/debug/credgate from `cargo build --locked`) on temporary
// repositories: what a pipeline would see, end to end.

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const test = require('node:test');
const assert = require('node:assert/strict');
const { assertNoLeak, commands, completion, runTask } = require('./support');

const EXE = process.platform === 'win32' ? '.exe' : '';
const BIN = path.resolve(
  process.env.CREDGATE_BIN ||
    path.join(__dirname, '..', '..', '..', '..', 'target', 'debug', `credgate${EXE}`),
);

test.before(() => {
  assert.ok(
    fs.existsSync(BIN),
    `no credgate binary at ${BIN}: run \`cargo build --locked\` or set CREDGATE_BIN`,
  );
});

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'credgate-task-real-'));
test.after(() => fs.rmSync(WORK, { recursive: true, force: true }));

/**
 * A fresh directory under the test's work folder.
 * @param {string} name
 * @param {Record<string, string>} files relative path -> content
 */
function tree(name, files) {
  const root = path.join(WORK, name);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  fs.mkdirSync(root, { recursive: true });
  return root;
}

/**
 * A random Entra client secret in the previous 37-character `xxx7Q~…` format, which credgate
 * reports as an error from its signature alone (no checksum to forge).
 */
function entraSecret() {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (/** @type {number} */ n) =>
    Array.from(crypto.randomBytes(n), (b) => chars[b % chars.length]).join('');
  return `${pick(3)}7Q~${pick(31)}`;
}

/**
 * A scenario running the real task with the real binary in `cwd`.
 * @param {string} cwd
 * @param {Record<string, string>} inputs
 * @param {Record<string, string>} [env]
 */
function real(cwd, inputs, env = {}) {
  const temp = fs.mkdtempSync(path.join(WORK, 'agent-temp-'));
  return {
    real: true,
    inputs: {
      credgatePath: BIN,
      workingDirectory: cwd,
      publishSummary: 'false',
      publishJunit: 'false',
      publishSarif: 'false',
      readPipelineVariables: 'false',
      ...inputs,
    },
    variables: { 'Agent.TempDirectory': temp },
    env: { NO_COLOR: '1', ...env },
    temp,
  };
}

test('a planted secret: an error issue at its line, the task failed, reports published, nothing leaked', async () => {
  const secret = entraSecret();
  const root = tree('planted', {
    'src/settings.py': `CLIENT_SECRET = "${secret}"\n`,
    'src/app.py': 'print("hello")\n',
  });
  const scenario = real(root, {
    command: 'scan',
    publishSummary: 'true',
    publishJunit: 'true',
    publishSarif: 'true',
  });
  const tr = await runTask(scenario);
  const issues = commands(tr.stdout, 'task.logissue');
  assert.equal(issues.length, 1, tr.stdout);
  assert.match(
    issues[0],
    /^##vso\[task\.logissue type=error;sourcepath=src\/settings\.py;linenumber=1;columnnumber=\d+;code=azure-client-secret\]/,
  );
  assert.ok(tr.failed, tr.stdout);
  assert.match(completion(tr.stdout), /credgate found findings at or above failOn \(error\)/);

  const dir = path.join(scenario.temp, 'credgate');
  const summary = path.join(dir, 'credgate.md');
  const junit = path.join(dir, 'credgate-junit.xml');
  const sarif = path.join(dir, 'credgate.sarif');
  assert.deepEqual(commands(tr.stdout, 'task.uploadsummary'), [
    `##vso[task.uploadsummary]${summary}`,
  ]);
  assert.equal(commands(tr.stdout, 'results.publish').length, 1, tr.stdout);
  assert.deepEqual(commands(tr.stdout, 'artifact.upload'), [
    `##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs;]${sarif}`,
  ]);
  assert.match(fs.readFileSync(summary, 'utf8'), /azure-client-secret/);
  assert.match(fs.readFileSync(junit, 'utf8'), /azure-client-secret/);
  const log = JSON.parse(fs.readFileSync(sarif, 'utf8'));
  assert.equal(log.version, '2.1.0');
  assert.deepEqual(
    log.runs[0].results.map((/** @type {{ ruleId: string }} */ r) => r.ruleId),
    ['azure-client-secret'],
  );

  assertNoLeak(tr.stdout, secret, 'stdout');
  assertNoLeak(tr.stderr, secret, 'stderr');
  for (const file of [summary, junit, sarif])
    assertNoLeak(fs.readFileSync(file, 'utf8'), secret, file);
});

test('a clean repository: succeeded, no issues', async () => {
  const root = tree('clean', { 'src/app.py': 'print("hello")\n', 'README.md': '# demo\n' });
  const tr = await runTask(real(root, { command: 'scan' }));
  assert.deepEqual(commands(tr.stdout, 'task.logissue'), []);
  assert.ok(tr.succeeded, tr.stdout);
  assert.match(completion(tr.stdout), /result=Succeeded;\]credgate found nothing/);
});

test('failOn never: findings are issues, the task succeeds with issues', async () => {
  const secret = entraSecret();
  const root = tree('never', { 'config/app.ini': `client_secret = ${secret}\n` });
  const tr = await runTask(real(root, { command: 'scan', failOn: 'never' }));
  assert.equal(commands(tr.stdout, 'task.logissue').length, 1, tr.stdout);
  assert.ok(tr.succeeded, tr.stdout);
  assert.match(
    completion(tr.stdout),
    /result=SucceededWithIssues;\]credgate reported findings, none at or above failOn \(never\)/,
  );
  assertNoLeak(tr.stdout, secret, 'stdout');
});

test('a missing configuration file: exit code 2 fails the task as a configuration error', async () => {
  const root = tree('badconfig', { 'src/app.py': 'print("hello")\n' });
  const tr = await runTask(
    real(root, { command: 'scan', configFile: path.join(root, 'missing.toml') }),
  );
  assert.ok(tr.failed, tr.stdout);
  assert.match(
    completion(tr.stdout),
    /credgate could not run \(exit code 2: a usage, configuration or internal error\)/,
  );
});

/**
 * Starts the stand-in authority; resolves with its URL and a stop that resolves with the
 * requests it saw (read once it has exited: the task run blocks this process meanwhile).
 * @returns {Promise<{ url: string, stop: () => Promise<string[]> }>}
 */
function standIn() {
  const child = spawn(process.execPath, [path.join(__dirname, 'stand-in-authority.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  /** @type {string[]} */
  const requests = [];
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const listening = /^listening (\d+)$/.exec(line);
      if (listening) {
        resolve({
          url: `http://127.0.0.1:${listening[1]}`,
          stop: () =>
            new Promise((done) => {
              child.on('close', () => done(requests));
              child.stdin.end();
            }),
        });
      } else if (line.startsWith('request ')) {
        requests.push(line);
      }
    });
  });
}

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

test('check: the secret mapped with env: reaches credgate, the rejected token request fails the task', async () => {
  const authority = await standIn();
  let stopped = false;
  try {
    const secret = entraSecret();
    const root = tree('dryrun', { 'src/app.py': 'print("hello")\n' });
    const scenario = real(
      root,
      {
        command: 'check',
        environments: 'production',
        authorityHost: authority.url,
        timeout: '5',
        publishSummary: 'true',
        publishJunit: 'true',
        publishSarif: 'true',
      },
      { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: secret },
    );
    const tr = await runTask(scenario);
    stopped = true;
    // One token request: the reports come from the gating run, not from a second one.
    assert.deepEqual(await authority.stop(), [`request POST /${TENANT}/oauth2/v2.0/token`]);
    const issues = commands(tr.stdout, 'task.logissue');
    assert.equal(issues.length, 1, tr.stdout);
    assert.match(issues[0], /type=error;code=dry-run-failed\]/);
    assert.match(issues[0], /invalid_secret/);
    assert.ok(tr.failed, tr.stdout);
    // Every published report holds the dry-run result.
    const dir = path.join(scenario.temp, 'credgate');
    for (const name of ['credgate.md', 'credgate-junit.xml', 'credgate.sarif']) {
      const file = path.join(dir, name);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /AADSTS7000215/, file);
      assertNoLeak(text, secret, file);
    }
    assert.equal(commands(tr.stdout, 'task.uploadsummary').length, 1, tr.stdout);
    assert.equal(commands(tr.stdout, 'results.publish').length, 1, tr.stdout);
    assert.equal(commands(tr.stdout, 'artifact.upload').length, 1, tr.stdout);
    assertNoLeak(tr.stdout, secret, 'stdout');
    assertNoLeak(tr.stderr, secret, 'stderr');
  } finally {
    if (!stopped) await authority.stop();
  }
});

test('check: a secret mapped to an undefined variable is not sent as $(NAME)', async () => {
  // Without the secret the environment is not proven: the task fails, unless the pipeline
  // accepts that with allowMissingCredentials.
  for (const { allow, passes } of [
    { allow: '', passes: false },
    { allow: 'true', passes: true },
  ]) {
    const authority = await standIn();
    let stopped = false;
    try {
      const root = tree(`undefined-secret-${allow || 'default'}`, { 'src/app.py': 'print("hello")\n' });
      /** @type {Record<string, string>} */
      const inputs = {
        command: 'check',
        environments: 'production',
        authorityHost: authority.url,
        timeout: '5',
      };
      if (allow) inputs.allowMissingCredentials = allow;
      const tr = await runTask(
        real(root, inputs, {
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: '$(AZURE_CLIENT_SECRET)',
        }),
      );
      stopped = true;
      assert.deepEqual(
        await authority.stop(),
        [],
        'no token request with the macro text as the secret',
      );
      assert.ok(
        tr.createdWarningIssue(
          'AZURE_CLIENT_SECRET is mapped to $(AZURE_CLIENT_SECRET), which is not defined: ignored',
        ),
        tr.stdout,
      );
      assert.match(tr.stdout, /missing_credentials/);
      assert.ok(passes ? tr.succeeded : tr.failed, tr.stdout);
    } finally {
      if (!stopped) await authority.stop();
    }
  }
});
