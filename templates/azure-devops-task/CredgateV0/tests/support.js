// @ts-check
'use strict';
// Shared by the task tests: runs a scenario through azure-pipelines-task-lib's MockTestRunner
// without internet. MockTestRunner runs the task with the Node version task.json names
// (Node20_1 -> 20), looked up in <HOME>/azure-pipelines-task-lib/_download/node20/ and
// downloaded from nodejs.org when missing. This seeds that folder, in a private HOME, with the
// Node running the tests, so nothing is downloaded and the user's own HOME is left alone.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const TASK_DIR = path.join(__dirname, '..');
const SCENARIO = path.join(__dirname, 'scenario.js');
const LIB_DIR = path.join(TASK_DIR, 'node_modules', 'azure-pipelines-task-lib');

/**
 * The Node 20 version MockTestRunner expects, read from its source: the folder name depends on
 * it, and a mismatch must fail here, loudly, rather than start a download.
 * @returns {string}
 */
function expectedNodeVersion() {
  const source = fs.readFileSync(path.join(LIB_DIR, 'mock-test.js'), 'utf8');
  const match = /\b20:\s*'(v20\.[0-9.]+)'/.exec(source);
  if (!match) throw new Error('cannot find the Node 20 version in mock-test.js');
  return match[1];
}

/**
 * Puts this Node where MockTestRunner looks for its Node 20 download, with the marker that
 * says the download completed.
 * @param {string} home
 */
function seedNode(home) {
  const version = expectedNodeVersion();
  const dest = path.join(home, 'azure-pipelines-task-lib', '_download', 'node20');
  /** @type {Record<string, string>} */
  const exes = {
    linux: path.join(dest, `node-${version}-linux-x64`, 'bin', 'node'),
    darwin: path.join(dest, `node-${version}-darwin-x64`, 'bin', 'node'),
    win32: path.join(dest, 'node.exe'),
  };
  const exe = exes[process.platform];
  if (!exe) throw new Error(`MockTestRunner does not support ${process.platform}`);
  fs.mkdirSync(path.dirname(exe), { recursive: true });
  fs.rmSync(exe, { force: true });
  if (process.platform === 'win32') {
    fs.copyFileSync(process.execPath, exe);
  } else {
    fs.symlinkSync(process.execPath, exe);
  }
  fs.writeFileSync(`${dest}.completed`, '');
}

const HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'credgate-task-home-'));
process.on('exit', () => fs.rmSync(HOME, { recursive: true, force: true }));
seedNode(HOME);

// mock-test.js reads HOME once, when it is loaded: load it with the private HOME, then give
// the tests (and the tasks they start) their HOME back.
const savedHome = process.env.HOME;
process.env.HOME = HOME;
/** @type {typeof import('azure-pipelines-task-lib/mock-test')} */
const { MockTestRunner } = require(path.join(LIB_DIR, 'mock-test'));
if (savedHome === undefined) delete process.env.HOME;
else process.env.HOME = savedHome;

/**
 * @typedef {object} Scenario
 * @property {Record<string, string>} [inputs] task inputs
 * @property {Record<string, string>} [variables] pipeline variables (Agent.TempDirectory, …)
 * @property {Record<string, string>} [env] extra process environment (what `env:` maps)
 * @property {object} [answers] MockTestRunner answers (which, exist, exec, …)
 * @property {boolean} [real] run the real task library and the real binary
 */

// The agent's temporary directory, where the task library keeps its key file (it falls back
// to the current directory, which would litter the task folder).
const AGENT_TEMP = fs.mkdtempSync(path.join(os.tmpdir(), 'credgate-agent-temp-'));
process.on('exit', () => fs.rmSync(AGENT_TEMP, { recursive: true, force: true }));

/**
 * Runs the task once under MockTestRunner with the given scenario.
 * @param {Scenario} scenario
 * @returns {Promise<InstanceType<typeof MockTestRunner>>}
 */
async function runTask(scenario) {
  scenario = {
    ...scenario,
    variables: { 'Agent.TempDirectory': AGENT_TEMP, ...scenario.variables },
  };
  const tr = new MockTestRunner();
  await tr.LoadAsync(SCENARIO, path.join(TASK_DIR, 'task.json'));
  if (fs.realpathSync(tr.nodePath) !== fs.realpathSync(process.execPath)) {
    throw new Error(`MockTestRunner chose ${tr.nodePath}, not the seeded Node`);
  }
  process.env.CREDGATE_TEST_SCENARIO = JSON.stringify(scenario);
  try {
    await tr.runAsync();
  } finally {
    delete process.env.CREDGATE_TEST_SCENARIO;
  }
  return tr;
}

/**
 * The `##vso[...]` commands of a run's output with the given name, e.g. `task.complete`.
 * @param {string} stdout
 * @param {string} name
 * @returns {string[]}
 */
function commands(stdout, name) {
  return stdout
    .split(/\r?\n/)
    .filter((line) => line.startsWith(`##vso[${name} `) || line.startsWith(`##vso[${name}]`));
}

/**
 * The last `task.complete` command of a run's output (the task's result and message).
 * @param {string} stdout
 * @returns {string}
 */
function completion(stdout) {
  const lines = commands(stdout, 'task.complete');
  assert.ok(lines.length > 0, `no task.complete in:\n${stdout}`);
  return lines[lines.length - 1];
}

/**
 * Fails when the secret, or any 12 characters of it, appears in the text.
 * @param {string} text
 * @param {string} secret
 * @param {string} where
 */
function assertNoLeak(text, secret, where) {
  for (let i = 0; i + 12 <= secret.length; i += 1) {
    const piece = secret.slice(i, i + 12);
    if (text.includes(piece)) {
      throw new Error(`${where} contains 12 characters of the planted secret (offset ${i})`);
    }
  }
}

module.exports = { AGENT_TEMP, assertNoLeak, commands, completion, runTask };
