#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml, run the way pre-commit runs them.
#
# In a throw-away git repository, with a .pre-commit-config.yaml naming this repository (a
# snapshot of it, below) at a commit, as users configure it:
#   1. `pre-commit run credgate` (language: rust: pre-commit builds credgate with
#      `cargo install --bins --root <env> --path <clone>`) with a staged Entra client secret:
#      must fail, name the file and line, and print no 12 characters of the secret;
#   2. the same with a clean staged change: must pass (the environment built in 1 is reused,
#      as pre-commit caches it per repository and commit);
#   3. both again with `credgate-system` and the binary cargo already built (no install).
# The hook runs with GITHUB_ACTIONS=true and TF_BUILD=True set, to prove the pinned text format:
# no workflow or ##vso commands, nothing written to GITHUB_STEP_SUMMARY or GITHUB_OUTPUT.
#
# So that an uncommitted .pre-commit-hooks.yaml or src/ change is what gets tested, the hook
# repository is a one-commit snapshot of the working tree (tracked and untracked, not ignored,
# files). In CI, on a clean checkout, the snapshot is HEAD.
#
# Speed: pre-commit's rust install is a `release` build of credgate and its dependencies, in a
# fresh clone (so credgate itself is always rebuilt). For this run only, the release profile is
# made cheap (no LTO, opt-level 0, many codegen units, incremental) and builds go to a target
# dir kept between runs (target/pre-commit-ci/target, git-ignored). The hook in users' hands is
# a normal release build. PRE_COMMIT_CI_RELEASE=1 runs with the real release profile instead.
# pre-commit only downloads Rust when cargo is missing; a `rustup` guard on PATH fails the run
# if it ever tries (language_version would not be `system`).
#
# Environment:
#   PRE_COMMIT_CI_RELEASE=1   build the hook with the project's real release profile
#   CREDGATE_BIN=…            the binary for credgate-system [default: target/debug/credgate]
#   KEEP=1                    keep the temporary directory (its path is printed)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
source .ci/python-tools.sh

STATE="$REPO/target/pre-commit-ci"
# Called from a git hook, these would point git at the wrong repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_PREFIX
export CARGO_TERM_COLOR=never RUSTUP_AUTO_INSTALL=0

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
fail() { echo "pre-commit.sh: FAIL: $*" >&2; exit 1; }
T0=$(now)

echo "== pre-commit (pinned in python-tools.sh)"
mkdir -p "$STATE"
ci_python_tools
PRE_COMMIT="$CI_VENV/bin/pre-commit"
"$PRE_COMMIT" --version
"$PRE_COMMIT" validate-manifest .pre-commit-hooks.yaml
# The README's copy-paste configuration.
if [[ -f templates/pre-commit/pre-commit-config.yaml ]]; then
  "$PRE_COMMIT" validate-config templates/pre-commit/pre-commit-config.yaml
fi

echo "== credgate binary for credgate-system"
if [[ -z "${CREDGATE_BIN:-}" ]]; then
  # The build `cargo test` makes for the CLI tests: nothing to do after `cargo test`.
  cargo test --locked --quiet --no-run --test it
  target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
  CREDGATE_BIN="$target_dir/debug/credgate"
fi
[[ -x "$CREDGATE_BIN" ]] || fail "no credgate binary at $CREDGATE_BIN"

TMP="$(mktemp -d)"
cleanup() { if [[ "${KEEP:-}" == 1 ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT
BIN_DIR="$TMP/bin"
mkdir -p "$BIN_DIR"
ln -s "$(cd "$(dirname "$CREDGATE_BIN")" && pwd)/$(basename "$CREDGATE_BIN")" "$BIN_DIR/credgate"

echo "== snapshot of the working tree (the hook repository)"
SNAP="$TMP/hook-repo"
mkdir -p "$SNAP"
# Tracked and untracked files that git does not ignore, as they are on disk (deleted ones
# skipped); node_modules of the JavaScript templates have nothing to do with the hook.
git ls-files -z --cached --others --exclude-standard --deduplicate |
  python3 -c '
import os, sys
for path in sys.stdin.buffer.read().split(b"\0"):
    if path and b"node_modules/" not in path and os.path.lexists(path):
        sys.stdout.buffer.write(path + b"\0")
' | tar --null --files-from=- -cf - | tar -xf - -C "$SNAP"
git -C "$SNAP" -c init.defaultBranch=main init -q
git -C "$SNAP" add -A
git -C "$SNAP" -c user.name=ci -c user.email=ci@example.invalid -c commit.gpgsign=false \
  commit -q -m "snapshot of $(git rev-parse --short HEAD 2>/dev/null || echo working tree)"
echo "$(git -C "$SNAP" ls-files | wc -l) files"
# Outside the project repository: pre-commit refuses a configuration file with unstaged changes.
CONFIG="$TMP/pre-commit-config.yaml"
cat >"$CONFIG" <<YAML
repos:
  - repo: $SNAP
    rev: $(git -C "$SNAP" rev-parse HEAD)
    hooks:
      - id: credgate
      - id: credgate-system
YAML
"$PRE_COMMIT" validate-config "$CONFIG"

echo "== project repository with a staged secret"
PROJECT="$TMP/project"
mkdir -p "$PROJECT"
cd "$PROJECT"
git -c init.defaultBranch=main init -q
git config user.name ci
git config user.email ci@example.invalid
git config commit.gpgsign false
mkdir -p config docs
printf '# orders\n\nThe orders service.\n' >README.md
printf 'ASPNETCORE_ENVIRONMENT=Staging\nAZURE_CLIENT_SECRET=\n' >config/app.env
git add -A
git commit -q -m init
# A current-format Entra client secret with a valid checksum (the benchmark generator's
# implementation, self-tested against Marvin32 vectors), fresh on every run; it exists only in
# this temporary repository and in $TMP/secret, never on the console.
python3 - "$REPO/bench" "$TMP/secret" config/app.env <<'PY'
import random, sys
sys.path.insert(0, sys.argv[1])
import gen_tree
gen_tree.self_test()
secret = gen_tree.entra_secret_current(random.SystemRandom())
with open(sys.argv[2], "w", encoding="ascii") as fh:
    fh.write(secret)
with open(sys.argv[3], "w", encoding="ascii") as fh:
    fh.write(f"ASPNETCORE_ENVIRONMENT=Staging\nAZURE_CLIENT_SECRET={secret}\n")
PY
git add config/app.env

# Fails unless the file holds no secret and no 12-character window of it.
assert_no_leak() {
  python3 - "$TMP/secret" "$1" <<'PY'
import sys
secret = open(sys.argv[1], encoding="ascii").read()
text = open(sys.argv[2], encoding="utf-8", errors="replace").read()
leaks = [i for i in range(len(secret) - 11) if secret[i:i + 12] in text]
if leaks:
    sys.exit(f"{sys.argv[2]}: contains 12 characters of the staged secret (offsets {leaks})")
PY
}

GUARD="$TMP/guard"
mkdir -p "$GUARD"
cat >"$GUARD/rustup" <<'SH'
#!/bin/sh
echo "pre-commit tried to install a Rust toolchain: rustup $*" >&2
exit 97
SH
chmod +x "$GUARD/rustup"

HOOK_ENV=(
  "PATH=$GUARD:$PATH"
  "PRE_COMMIT_HOME=$TMP/pre-commit-home"
  "CARGO_TARGET_DIR=$STATE/target"
  "GITHUB_ACTIONS=true"
  "TF_BUILD=True"
  "GITHUB_STEP_SUMMARY=$TMP/step-summary"
  "GITHUB_OUTPUT=$TMP/step-output"
)
if [[ "${PRE_COMMIT_CI_RELEASE:-}" != 1 ]]; then
  HOOK_ENV+=(
    CARGO_PROFILE_RELEASE_LTO=off
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
    CARGO_PROFILE_RELEASE_INCREMENTAL=true
    CARGO_INCREMENTAL=1
  )
fi
: >"$TMP/step-summary"
: >"$TMP/step-output"

# run_hook NAME HOOK_ID EXPECTED_EXIT [extra PATH dir]: `pre-commit run`, output in $TMP/NAME.out.
run_hook() {
  local name=$1 hook=$2 want=$3 extra_path=${4:-} start rc=0
  local env=("${HOOK_ENV[@]}")
  [[ -n "$extra_path" ]] && env[0]="PATH=$extra_path:$GUARD:$PATH"
  start=$(now)
  env "${env[@]}" "$PRE_COMMIT" run "$hook" --config "$CONFIG" --verbose --color never \
    >"$TMP/$name.out" 2>&1 || rc=$?
  echo "$name: exit $rc in $(secs "$start") s"
  assert_no_leak "$TMP/$name.out"
  if [[ -f "$TMP/pre-commit-home/pre-commit.log" ]]; then
    assert_no_leak "$TMP/pre-commit-home/pre-commit.log"
  fi
  if [[ "$rc" != "$want" ]]; then
    sed 's/^/    /' "$TMP/$name.out" >&2
    [[ -f "$TMP/pre-commit-home/pre-commit.log" ]] && sed 's/^/    log: /' "$TMP/pre-commit-home/pre-commit.log" >&2
    fail "$name: pre-commit exited $rc, expected $want"
  fi
  [[ -s "$TMP/step-summary" || -s "$TMP/step-output" ]] &&
    fail "$name: the hook wrote GITHUB_STEP_SUMMARY or GITHUB_OUTPUT"
  if grep -qE '^::(error|warning|notice)|##vso\[' "$TMP/$name.out"; then
    fail "$name: CI logging commands in the hook output (--format text not in effect)"
  fi
  return 0
}

# expect_finding NAME: the report names the file and the line of the secret.
expect_finding() {
  grep -qE 'error\[azure-client-secret\] config/app\.env:2(:|$| )' "$TMP/$1.out" ||
    { sed 's/^/    /' "$TMP/$1.out" >&2; fail "$1: no azure-client-secret finding at config/app.env:2"; }
  grep -q 'Failed' "$TMP/$1.out" || fail "$1: pre-commit did not report the hook as Failed"
}

echo "== credgate (language: rust) with the staged secret: must fail"
run_hook rust-secret credgate 1
expect_finding rust-secret
sed -n '/hook id: credgate/,$p' "$TMP/rust-secret.out" | head -20 | sed 's/^/    /'

echo "== credgate-system with the staged secret: must fail"
run_hook system-secret credgate-system 1 "$BIN_DIR"
expect_finding system-secret

echo "== a clean change instead"
git rm -q --cached config/app.env
printf 'ASPNETCORE_ENVIRONMENT=Staging\nAZURE_CLIENT_SECRET=@Microsoft.KeyVault(SecretUri=https://kv-orders.vault.azure.net/secrets/client-secret/)\n' >config/app.env
printf '# Deploying\n\nSecrets come from Key Vault.\n' >docs/deploy.md
git add config/app.env docs/deploy.md

echo "== credgate-system with the clean change: must pass"
run_hook system-clean credgate-system 0 "$BIN_DIR"
grep -q 'Passed' "$TMP/system-clean.out" || fail "system-clean: the hook did not pass"

echo "== credgate (language: rust) with the clean change: must pass"
run_hook rust-clean credgate 0
grep -q 'Passed' "$TMP/rust-clean.out" || fail "rust-clean: the hook did not pass"

echo "== pre-commit hooks: ok in $(secs "$T0") s"
