#!/usr/bin/env bash
# Fuzz smoke run: builds every cargo-fuzz target in fuzz/ and runs each one briefly, starting
# from its committed seeds (fuzz/seeds/<target>), so that a parser regression that panics, hangs
# or blows up memory fails CI. The long runs are done by hand (see fuzz/README.md).
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

# One target's run; its log and exit status land in $work.
run_target() {
  local target="$1"
  mkdir -p "$work/$target" "artifacts/$target"
  set +e
  "$bin_dir/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 "$work/$target" "seeds/$target" >"$work/$target.log" 2>&1
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
