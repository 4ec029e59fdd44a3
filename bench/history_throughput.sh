#!/usr/bin/env bash
# Git history scanning on a real repository: `credgate scan --history` against the working-tree
# scan, `git log -p --all` (what a reader of the history must at least decompress and diff) and,
# when given, Nosey Parker, plus `--commits` on a 20-commit range.
#
#   bench/history_throughput.sh GIT_DIR [TREE] [RUNS]
#
# GIT_DIR is a repository (bare, as under /work/.mirror/<owner+name>/repo, or a checkout's .git
# folder); TREE a working tree of the same repository for the working-tree figure (default: none,
# that line is skipped). For each measurement: the median wall time of RUNS runs after one
# warm-up and the highest peak RSS (/usr/bin/time). MB = 10^6 bytes.
#
#   history MB/s   distinct blob bytes credgate scanned (summary.history.bytes_scanned) over the
#                  whole run's wall time (commit walk, tree reads, blob reads and the scan)
#   tree MB/s      summary.bytes_scanned of `credgate scan TREE` over its wall time
#   git log -p     bytes `git log -p --all` prints, over its wall time
#   --commits      `scan --commits HEAD~20..HEAD` minus `credgate --version` (process start)
#
# Environment:
#   CREDGATE_BIN=target/release/credgate   the binary to measure (built when it is the default)
#   NOSEYPARKER_BIN=…                       also time `noseyparker scan` of GIT_DIR (history)
#
# A measurement, not a test: it exits non-zero only when a tool cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

GIT_DIR_ARG="${1:?usage: bench/history_throughput.sh GIT_DIR [TREE] [RUNS]}"
TREE="${2:-}"
RUNS="${3:-3}"
BIN="${CREDGATE_BIN:-target/release/credgate}"
NP="${NOSEYPARKER_BIN:-}"
TIME=/usr/bin/time
die() { echo "history_throughput: $*" >&2; exit 1; }

[[ -d "$GIT_DIR_ARG" ]] || die "$GIT_DIR_ARG is not a folder"
[[ -x "$TIME" ]] || die "$TIME not found (apt-get install time)"
if [[ -z "${CREDGATE_BIN:-}" ]]; then
    cargo build --release --quiet || die "cargo build --release failed"
fi
[[ -x "$BIN" ]] || die "$BIN is missing"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME CMD…: RUNS timed runs after a warm-up; records wall seconds and peak RSS (KB).
run() {
    local name=$1
    shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" || [[ $? -le 1 ]] || die "$name failed: $(tail -3 "$work/$name.err")"
    : >"$work/$name.times"
    for _ in $(seq "$RUNS"); do
        "$TIME" -f '%e %M' -o "$work/$name.t" "$@" >"$work/$name.out" 2>"$work/$name.err" || [[ $? -le 1 ]] || die "$name failed"
        tail -1 "$work/$name.t" >>"$work/$name.times"
    done
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { cut -d' ' -f1 "$work/$1.times" | median; }
rss_mb() { cut -d' ' -f2 "$work/$1.times" | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}'; }
json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'d': d}))" "$@"; }

commits=$(git --git-dir="$GIT_DIR_ARG" rev-list --count HEAD)
echo "repository: $GIT_DIR_ARG ($commits commits reachable from HEAD), $RUNS runs each, $(nproc) cores"

run history "$BIN" scan "$GIT_DIR_ARG" --history --format json -o "$work/history.json" -q
hist_bytes=$(json_field "$work/history.json" "d['summary']['history']['bytes_scanned']")
hist_blobs=$(json_field "$work/history.json" "d['summary']['history']['blobs_scanned']")
hist_commits=$(json_field "$work/history.json" "d['summary']['history']['commits']")
hist_skipped=$(json_field "$work/history.json" "d['summary']['history']['blobs_skipped']")
hist_findings=$(json_field "$work/history.json" "len([f for f in d['findings'] if f.get('commit')])")
t=$(wall history)
printf 'credgate --history : %6.2f s  %7.1f MB/s  peak %s MB  (%s commits, %s distinct blobs, %.1f MB; skipped %s; %s findings with a commit)\n' \
    "$t" "$(awk -v b="$hist_bytes" -v t="$t" 'BEGIN {print b / 1e6 / t}')" "$(rss_mb history)" \
    "$hist_commits" "$hist_blobs" "$(awk -v b="$hist_bytes" 'BEGIN {print b / 1e6}')" "$hist_skipped" "$hist_findings"

if [[ -n "$TREE" ]]; then
    run tree "$BIN" scan "$TREE" --format json -o "$work/tree.json" -q
    tree_bytes=$(json_field "$work/tree.json" "d['summary']['bytes_scanned']")
    t=$(wall tree)
    printf 'credgate (tree)    : %6.2f s  %7.1f MB/s  peak %s MB  (%.1f MB)\n' \
        "$t" "$(awk -v b="$tree_bytes" -v t="$t" 'BEGIN {print b / 1e6 / t}')" "$(rss_mb tree)" \
        "$(awk -v b="$tree_bytes" 'BEGIN {print b / 1e6}')"
fi

# git log -p prints every change of every commit: the bytes a line-oriented history scanner
# reads, and the time git needs to produce them.
run gitlog sh -c "git --git-dir='$GIT_DIR_ARG' log -p --all 2>/dev/null | wc -c"
log_bytes=$(tr -d ' ' <"$work/gitlog.out")
t=$(wall gitlog)
printf 'git log -p --all   : %6.2f s  %7.1f MB/s  peak %s MB  (%.1f MB of patches)\n' \
    "$t" "$(awk -v b="$log_bytes" -v t="$t" 'BEGIN {print b / 1e6 / t}')" "$(rss_mb gitlog)" \
    "$(awk -v b="$log_bytes" 'BEGIN {print b / 1e6}')"

if [[ -n "$NP" ]]; then
    run noseyparker sh -c "rm -rf '$work/np' && '$NP' scan --datastore '$work/np' '$GIT_DIR_ARG' --progress never"
    t=$(wall noseyparker)
    printf 'noseyparker scan   : %6.2f s  %7.1f MB/s (credgate blob bytes over its time)  peak %s MB\n' \
        "$t" "$(awk -v b="$hist_bytes" -v t="$t" 'BEGIN {print b / 1e6 / t}')" "$(rss_mb noseyparker)"
fi

# The pull-request mode: 20 first-parent commits, on top of process start.
if git --git-dir="$GIT_DIR_ARG" rev-parse -q --verify HEAD~20 >/dev/null; then
    run start "$BIN" --version
    run plain "$BIN" scan "$GIT_DIR_ARG" --format json -o "$work/plain.json" -q
    run range "$BIN" scan "$GIT_DIR_ARG" --commits HEAD~20..HEAD --format json -o "$work/range.json" -q
    range_commits=$(json_field "$work/range.json" "d['summary']['history']['commits']")
    ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", (a - b) * 1000}'; }
    printf -- '--commits HEAD~20..HEAD: %.3f s (%s commits, peak %s MB); %s ms over process start (%.3f s), %s ms over the same scan without --commits (%.3f s)\n' \
        "$(wall range)" "$range_commits" "$(rss_mb range)" \
        "$(ms "$(wall range)" "$(wall start)")" "$(wall start)" \
        "$(ms "$(wall range)" "$(wall plain)")" "$(wall plain)"
fi
