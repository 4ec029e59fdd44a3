#!/usr/bin/env bash
# Azure DevOps integration (templates/azure-pipelines, templates/azure-devops-task), tested the
# way the platform would run it, offline:
#   1. the task's tests under azure-pipelines-task-lib's MockTestRunner (mocked and real binary);
#   2. the steps template run step by step with bash against the real binary;
#   3. both pipeline files against the official Azure Pipelines schema;
#   4. the extension packaged with tfx (task.json problems, which tfx only warns about, fail).
# Needs: node 20 + npm, python3 + pip, cargo. Set CREDGATE_BIN to test another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/python-tools.sh
ROOT=$PWD
TASK=templates/azure-devops-task
PIPELINES=templates/azure-pipelines
export PYTHONDONTWRITEBYTECODE=1
started=$SECONDS
section() { echo "== azure: $1 ($((SECONDS - started)) s)"; }

# npm ci, skipped when node_modules was installed from this very lock file (stamps kept in
# target/, so that none ends up in the extension package).
npm_ci() {
  local dir=$1
  shift
  mkdir -p target/azure-ci
  local stamp
  stamp="target/azure-ci/$(echo "$dir" | tr '/' '_').lock-sha256"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -f "$stamp"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "$@")
    echo "$want" >"$stamp"
  fi
}

section "tools"
# check-jsonschema, and ruamel.yaml (its dependency) for the template tests.
ci_python_tools
PYTHON=$CI_VENV/bin/python
npm_ci "$TASK"
npm_ci "$TASK/CredgateV0" --omit=dev

section "credgate binary"
if [ -z "${CREDGATE_BIN:-}" ]; then
  cargo build --locked --quiet --bin credgate
  CREDGATE_BIN=$ROOT/target/debug/credgate
fi
export CREDGATE_BIN
"$CREDGATE_BIN" --version

section "task type check (tsc over the JSDoc-annotated JavaScript)"
(cd "$TASK" && ./node_modules/.bin/tsc -p tsconfig.json)

section "task tests (MockTestRunner)"
(cd "$TASK/CredgateV0" && npm test --silent)

section "template tests (steps run with bash)"
"$PYTHON" -m unittest discover -s "$PIPELINES/tests"

section "pipeline schema"
# Azure reads every YAML scalar as a string (`default: false` is the string "false"); the
# schema is written for that, so load the files the same way before validating them.
# --data-transform unnests ${{ if }} / ${{ each }}; --regex-variant nonunicode because one of
# the schema's patterns is not valid in unicode mode.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" - "$work" "$PIPELINES/credgate.yml" "$PIPELINES/azure-pipelines.yml" <<'PY'
import json, sys
from pathlib import Path
from ruamel.yaml import YAML
out = Path(sys.argv[1])
for name in sys.argv[2:]:
    data = YAML(typ="base").load(Path(name).read_text())
    (out / (Path(name).stem + ".json")).write_text(json.dumps(data))
    # A control that must be rejected: proves the validation is not vacuous.
    bad = json.loads(json.dumps(data).replace('"displayName"', '"displayNme"', 1))
    (out / (Path(name).stem + ".broken.json")).write_text(json.dumps(bad))
PY
validate() {
  "$PYTHON" -m check_jsonschema --builtin-schema vendor.azure-pipelines --data-transform azure-pipelines \
    --regex-variant nonunicode "$@"
}
validate "$work/credgate.json" "$work/azure-pipelines.json"
for broken in "$work"/*.broken.json; do
  if validate "$broken" >/dev/null 2>&1; then
    echo "the schema accepted $broken: validation is not working" >&2
    exit 1
  fi
done

section "extension package (tfx)"
out="$work/vsix"
log="$work/tfx.log"
(cd "$TASK" && ./node_modules/.bin/tfx extension create --manifest-globs vss-extension.json \
  --output-path "$out" --no-color --no-prompt) >"$log" 2>&1 || { cat "$log"; exit 1; }
if grep -qi '^warning' "$log"; then
  cat "$log"
  echo "tfx warned: fix the manifest or task.json" >&2
  exit 1
fi
vsix=$(ls "$out"/*.vsix)
python3 - "$vsix" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = {"extension.vsixmanifest", "extension.vsomanifest", "CredgateV0/task.json",
        "CredgateV0/index.js", "CredgateV0/lib.js", "CredgateV0/icon.png",
        "CredgateV0/node_modules/azure-pipelines-task-lib/task.js"}
missing = need - names
tests = [n for n in names if "/tests/" in n and "node_modules" not in n]
if missing or tests:
    sys.exit(f"vsix: missing {sorted(missing)}, test files {tests}")
print(f"{sys.argv[1]}: {len(names)} files")
PY

section "done"
