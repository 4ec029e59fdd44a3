#!/usr/bin/env bash
# credgate against the read limit (`rg -uuu`) and, when given, Nosey Parker, on one real tree, in
# one run: the same warm page cache, the same machine load, alternating runs.
#
#   bench/compare.sh TREE [RUNS]
#
# For each tool: the median wall time of RUNS runs after one warm-up, MB/s as the tree's bytes
# (every regular file outside .git, MB = 10^6) over that time, and the highest peak RSS. Then
# the ratios credgate/rg and credgate/Nosey Parker. rg searches, case-insensitively, for the
# words credgate's keyword pass looks for, so it reads and matches every byte (-uuu: no ignore
# files, hidden and binary files too) and does nothing else: no scanner can beat that.
#
# Environment:
#   CREDGATE_BIN=target/release/credgate   the binary to measure (built when it is the default)
#   NOSEYPARKER_BIN=…                       also measure Nosey Parker (scan without git history)
#
# A measurement, not a test: it exits non-zero only when a tool cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

TREE="${1:?usage: bench/compare.sh TREE [RUNS]}"
RUNS="${2:-5}"
BIN="${CREDGATE_BIN:-target/release/credgate}"
NP="${NOSEYPARKER_BIN:-}"
TIME=/usr/bin/time
die() { echo "compare: $*" >&2; exit 1; }

[[ -d "$TREE" ]] || die "$TREE is not a folder"
[[ -x "$TIME" ]] || die "$TIME not found (apt-get install time)"
command -v rg >/dev/null || die "rg not found (apt-get install ripgrep)"
if [[ -z "${CREDGATE_BIN:-}" ]]; then
    cargo build --release --quiet || die "cargo build --release failed"
fi
[[ -x "$BIN" ]] || die "$BIN is missing"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bytes=$(find "$TREE" -path '*/.git' -prune -o -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')

tools=(rg credgate)
[[ -n "$NP" ]] && tools+=(np)

measure() { # $1 = tool, $2 = run name; credgate exits 1 with findings, rg 1 without matches
    local rc=0 out="$work/$1.$2" start
    start=$EPOCHREALTIME
    case $1 in
        rg) "$TIME" -f '%M' -o "$out" rg -uuu -i -c -e secret -e password -e token -e key \
                -e 'q~' -e pat "$TREE" >/dev/null || rc=$? ;;
        credgate) "$TIME" -f '%M' -o "$out" "$BIN" scan "$TREE" --format json -o /dev/null \
                --fail-on never || rc=$? ;;
        np) rm -rf "$work/np"
            start=$EPOCHREALTIME
            "$TIME" -f '%M' -o "$out" "$NP" scan --datastore "$work/np" --git-history none \
                --progress never "$TREE" >/dev/null 2>&1 || rc=$? ;;
    esac
    [[ $rc -le 1 ]] || die "$1 exited with $rc ($(cat "$out"))"
    # Wall time from bash's microsecond clock: GNU time's %e counts in 10 ms steps, 5-9 % of a
    # 0.1-0.2 s run on a 170 MB tree. Every tool's time includes starting GNU time around it.
    echo "$start $EPOCHREALTIME" >>"$out"
}

for t in "${tools[@]}"; do measure "$t" warmup; done
for i in $(seq 1 "$RUNS"); do
    for t in "${tools[@]}"; do measure "$t" "$i"; done
done

python3 - "$work" "$bytes" "$RUNS" "$TREE" "${tools[@]}" <<'PY'
import statistics, sys
work, total, runs, tree, *tools = sys.argv[1:]
total, runs = int(total), int(runs)
names = {"rg": "rg -uuu", "credgate": "credgate scan", "np": "noseyparker scan"}
median = {}
print(f"tree: {tree}, {total / 1e6:.0f} MB, {runs} runs each after a warm-up")
for t in tools:
    # Each file: GNU time's peak RSS in KiB, then the start and end of the run in seconds.
    rows = [open(f"{work}/{t}.{i}").read().split()[-3:] for i in range(1, runs + 1)]
    rows = [(float(end) - float(start), float(rss)) for rss, start, end in rows]
    walls = [w for w, _ in rows]
    median[t] = statistics.median(walls)
    rss = max(m for _, m in rows) / 1024
    mbs = total / 1e6 / median[t] if median[t] > 0 else float("inf")
    print(f"  {names[t]:<18} median {median[t]:7.3f} s  {mbs:7.0f} MB/s  peak RSS {rss:6.1f} MiB")
if median.get("credgate"):
    print(f"  credgate / rg throughput: {median['rg'] / median['credgate']:.2f}x")
    if "np" in median:
        print(f"  credgate / Nosey Parker throughput: {median['np'] / median['credgate']:.2f}x")
PY
