#!/usr/bin/env bash
# Fuzz smoke run: builds every cargo-fuzz target in fuzz/ and runs each one briefly, starting
# from its seeds, so that a parser regression that panics, hangs or blows up memory fails CI.
# The long runs are done by hand (see fuzz/README.md).
#
# Seeds are the test fixtures and demo files each parser already has (listed in `seed` below),
# the committed crash regressions (tests/fixtures/fuzz-regressions/<target>-*) and, for inputs
# that exist nowhere else as files, fuzz/seeds/<target>/. `.ci/fuzz.sh --seeds DIR` only writes
# them to DIR/<target>/ (for the long runs).
#
# Runs from the repository root on a clean machine (Rust stable + nightly via rustup, cargo).
# FUZZ_SECONDS sets the time per target (default 15). New corpus entries go to a temporary
# directory; a crash's input is kept in fuzz/artifacts/<target>/ (ignored by git) for
# `cargo +nightly fuzz tmin`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0
SECONDS_PER_TARGET="${FUZZ_SECONDS:-15}"

# seed TARGET FILE...: copies the files into the target's seed folder. For secret_scanner, whose
# first input byte picks the path the rest is scanned as, the first argument is that byte.
seed() {
  local target=$1 prefix=""
  shift
  mkdir -p "$seeds/$target"
  if [[ "$target" == secret_scanner ]]; then
    prefix=$(printf '\\x%02x' "$1")
    shift
  fi
  local file
  for file in "$@"; do
    { printf %b "$prefix"; cat "$file"; } >"$seeds/$target/$(echo "$file" | tr '/' '_')"
  done
}
write_seeds() {
  seeds=$1
  shopt -s globstar dotglob nullglob
  local fx=tests/fixtures demo=examples/demo
  seed dotenv $fx/consistency/**/.env* $demo/.env*
  seed appsettings $fx/appsettings/**/*.json $fx/workflows/src/**/*.json $demo/src/Api/appsettings*.json
  seed yaml_config $fx/yaml-config/**/*.y*ml $demo/deploy/helm/*.yaml $demo/docker-compose.yml
  seed github_workflow $fx/workflows/.github/workflows/*.yml $demo/.github/workflows/*.yml \
    $fx/pipeline-forms/github-*/.github/workflows/*.yml
  seed azure_pipelines $fx/azure-pipelines/**/*.yml $demo/azure-pipelines.yml \
    $fx/pipeline-forms/azure-*/**/*.y*ml
  seed terraform $fx/terraform/**/*.tf* $demo/infra/*.tf*
  seed properties $fx/properties/**/*.properties
  seed credgate_toml $fx/consistency/*/credgate.toml templates/credgate.toml
  # Indices into PATHS of fuzz/fuzz_targets/secret_scanner.rs.
  seed secret_scanner 0 $fx/consistency/secret-reuse/.env.production \
    $fx/consistency/secret-whitespace/.env.production
  seed secret_scanner 1 $fx/appsettings/src/Api/appsettings.Production.json
  seed secret_scanner 2 $demo/azure-pipelines.yml
  seed secret_scanner 3 $demo/src/Api/Services/CarrierGatewayClient.cs
  seed secret_scanner 4 $demo/deploy/helm/values-prod.yaml
  seed secret_scanner 7 $fx/certs/key_pkcs8.pem $fx/certs/combined_encrypted.pem
  seed secret_scanner 9 $fx/terraform/env/prod/prod.tfvars
  seed secret_scanner 10 $fx/workflows/.github/workflows/deploy.yml
  seed secret_scanner 12 $demo/worker/settings.py
  seed secret_scanner 13 $demo/scripts/seed-staging-data.sh
  local dir regression
  for dir in fuzz/seeds/*/; do
    mkdir -p "$seeds/$(basename "$dir")"
    cp "$dir"* "$seeds/$(basename "$dir")/"
  done
  for regression in "$fx"/fuzz-regressions/*; do
    # <target>-<short>.bin; the target name itself holds underscores only.
    dir="$seeds/$(basename "$regression" | cut -d- -f1)"
    mkdir -p "$dir"
    cp "$regression" "$dir/"
  done
  shopt -u globstar dotglob nullglob
}
if [[ "${1:-}" == "--seeds" ]]; then
  write_seeds "${2:?usage: .ci/fuzz.sh --seeds DIR}"
  exit 0
fi

echo "== fuzz: toolchain"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
cargo fuzz --version

cd fuzz
# fuzz/Cargo.lock is committed: refuse to resolve dependencies anew.
cargo +nightly fetch --locked

# One build for all targets, without a sanitizer: the crate and its parsers are safe Rust, so
# ASan would mostly slow everything down, while debug assertions keep the overflow checks that
# catch position arithmetic going wrong. CI builds unoptimised (`--dev`): measured from a clean
# fuzz/target on 2 cores, the build takes about 3 min instead of 5 (the whole script 4.5 min
# instead of 7), at 15-60 times fewer executions per second. FUZZ_RELEASE=1 builds optimised
# (what the long local runs use).
if [[ "${FUZZ_RELEASE:-0}" == 1 ]]; then
  FLAGS=(--sanitizer none --debug-assertions)
  profile=release
else
  FLAGS=(--sanitizer none --dev)
  profile=debug
fi
echo "== fuzz: build"
build_start=$(date +%s)
cargo +nightly fuzz build "${FLAGS[@]}"
echo "built in $(($(date +%s) - build_start)) s"
# `.ci/run` builds early, in the background, and runs the targets later.
if [[ "${1:-}" == "--build-only" ]]; then
  exit 0
fi

# The targets run straight from their binaries: `cargo fuzz run` would rebuild them after a
# crash just to print the input.
host="$(rustc +nightly -vV | sed -n 's/^host: //p')"
bin_dir="target/$host/$profile"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Paths relative to the repository root, the seed folder absolute (we are in fuzz/).
(cd .. && write_seeds "$work/seeds")

# One target's run; its log and exit status land in $work.
run_target() {
  local target="$1"
  mkdir -p "$work/$target" "artifacts/$target"
  set +e
  "$bin_dir/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 "$work/$target" "$work/seeds/$target" >"$work/$target.log" 2>&1
  echo $? >"$work/$target.rc"
}

# As many targets at a time as there are cores.
jobs_max="${FUZZ_JOBS:-$(nproc)}"
targets=$(cargo +nightly fuzz list)
echo "== fuzz: run each target for ${SECONDS_PER_TARGET} s, ${jobs_max} at a time"
for target in $targets; do
  while (($(jobs -rp | wc -l) >= jobs_max)); do
    wait -n || true
  done
  run_target "$target" &
done
wait

failed=()
for target in $targets; do
  log="$work/$target.log"
  if [[ "$(cat "$work/$target.rc")" == 0 ]]; then
    echo "$target: $(grep -E '^Done' "$log")"
  else
    failed+=("$target")
    echo "== $target FAILED"
    # libFuzzer's report without its dump of the input (from `MS:` to `artifact_prefix`, and
    # the Base64 line): inputs grow from seeds that hold test secrets.
    awk '/^MS: /{skip=1} /^artifact_prefix/{skip=0} /^Base64:/{next} !skip' "$log" | tail -n 40
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: crashes in: ${failed[*]} (inputs under fuzz/artifacts/; reproduce with" \
    "fuzz/$bin_dir/<target> <input>, minimise with cargo +nightly fuzz tmin)" >&2
  exit 1
fi
echo "fuzz: all targets clean"
