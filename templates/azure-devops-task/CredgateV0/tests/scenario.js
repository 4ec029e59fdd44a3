// @ts-check
'use strict';
// The task as MockTestRunner starts it: sets the inputs, variables, environment and answers of
// the scenario in CREDGATE_TEST_SCENARIO (see support.js), then runs index.js, with the mocked
// task library or, for `real`, the real one.

const path = require('node:path');
const { TaskMockRunner } = require('azure-pipelines-task-lib/mock-run');

const scenario = JSON.parse(process.env.CREDGATE_TEST_SCENARIO || '{}');
const tmr = new TaskMockRunner(path.join(__dirname, '..', 'index.js'));
for (const [name, value] of Object.entries(scenario.inputs || {})) tmr.setInput(name, value);
// Pipeline variables reach a task as environment variables: `Agent.TempDirectory` as
// AGENT_TEMPDIRECTORY.
for (const [name, value] of Object.entries(scenario.variables || {})) {
  process.env[name.replace(/\./g, '_').toUpperCase()] = value;
}
for (const [name, value] of Object.entries(scenario.env || {})) process.env[name] = value;
if (!scenario.real) tmr.setAnswers(scenario.answers || {});
tmr.run(scenario.real === true);
