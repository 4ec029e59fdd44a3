#!/usr/bin/env bash
# Throughput and peak memory of `credgate scan` on a generated source tree.
#
# Builds the release binary, generates bench/out/tree once (deterministic, see gen_tree.py), runs
# one warm-up scan (which also fills the page cache and gives the report that is checked), then
# RUNS timed scans under /usr/bin/time. Prints the median wall time, MB/s, the highest peak RSS,
# the findings by rule id, and whether the planted secrets were found.
#
# It is a measurement, not a test: missing the 500 MB/s or 100 MB target does not fail it. It
# exits non-zero only when something could not run (build, generator, credgate itself), or when
# credgate produced no usable JSON report.
#
# Environment:
#   RUNS=5          timed runs
#   SIZE=300M       tree size when it has to be generated
#   SEED=1          generator seed
#   TREE=bench/out/tree
#   REGEN=1         regenerate the tree even if it exists
#   STRICT=1        also exit 1 when a planted secret is missed or a decoy is reported
#   CREDGATE_BIN=…  measure this binary instead of building target/release/credgate
set -euo pipefail

cd "$(dirname "$0")/.."

RUNS="${RUNS:-5}"
SIZE="${SIZE:-300M}"
SEED="${SEED:-1}"
TREE="${TREE:-bench/out/tree}"
TREE="${TREE%/}"
MANIFEST="${TREE}.manifest.json"
OUT_DIR="$(dirname "$TREE")"
BIN="${CREDGATE_BIN:-target/release/credgate}"
TIME=/usr/bin/time

die() { echo "scan_throughput: $*" >&2; exit 1; }

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ -x "$TIME" ]] || die "$TIME not found (install GNU time: apt-get install time)"
command -v python3 >/dev/null || die "python3 not found"

if [[ -z "${CREDGATE_BIN:-}" ]]; then
    echo "== build"
    cargo build --release --quiet || die "cargo build --release failed"
fi
[[ -x "$BIN" ]] || die "$BIN is missing or not executable"

if [[ "${REGEN:-0}" == 1 || ! -d "$TREE" || ! -f "$MANIFEST" ]]; then
    echo "== generate $TREE ($SIZE, seed $SEED)"
    python3 bench/gen_tree.py --size "$SIZE" --seed "$SEED" --out "$TREE" --manifest "$MANIFEST" --force \
        || die "tree generation failed"
fi
mkdir -p "$OUT_DIR"

REPORT="$OUT_DIR/report.json"
TIMES="$OUT_DIR/times.txt"
: > "$TIMES"

# credgate exits 0 or 1 by findings (1 cannot happen with --fail-on never) and 2 on a usage,
# config or internal error: only 2 (or a crash) is a failure to run.
run_scan() { # $1 = report path, $2 = time output path
    local rc=0
    "$TIME" -f '%e %M' -o "$2" "$BIN" scan "$TREE" --format json -o "$1" --fail-on never || rc=$?
    if [[ $rc -ne 0 && $rc -ne 1 ]]; then
        echo "credgate exited with $rc; its time/stderr:" >&2
        cat "$2" >&2 || true
        die "credgate scan failed"
    fi
}

echo "== warm-up"
rm -f "$REPORT"
run_scan "$REPORT" "$OUT_DIR/time.warmup"

echo "== $RUNS timed runs"
for i in $(seq 1 "$RUNS"); do
    run_scan /dev/null "$OUT_DIR/time.$i"
    # GNU time may prepend "Command exited with non-zero status N"; the numbers are the last line.
    tail -n 1 "$OUT_DIR/time.$i" >> "$TIMES"
    echo "run $i: $(tail -n 1 "$OUT_DIR/time.$i" | awk '{printf "%.2f s, peak RSS %.1f MiB", $1, $2/1024}')"
done

echo "== results"
python3 - "$TIMES" "$REPORT" "$MANIFEST" "${STRICT:-0}" <<'PY'
import json
import statistics
import sys
from collections import Counter

times_path, report_path, manifest_path, strict = sys.argv[1:5]
runs = [tuple(map(float, line.split())) for line in open(times_path) if line.strip()]
walls = [w for w, _ in runs]
peak_kib = max(m for _, m in runs)
median = statistics.median(walls)

with open(manifest_path) as fh:
    manifest = json.load(fh)

report = None
try:
    with open(report_path) as fh:
        report = json.load(fh)
except (OSError, ValueError) as err:
    print(f"warning: no usable JSON report from the warm-up run ({err})")

summary = (report or {}).get("summary") or {}
scanned = summary.get("bytes_scanned")
source = "summary.bytes_scanned"
if not isinstance(scanned, int) or scanned <= 0:
    scanned = manifest["scanned_bytes"]
    source = "generator's count (the report has no bytes_scanned)"

mb = scanned / 1e6
print(f"tree:            {manifest['tree']} (seed {manifest['seed']})")
print(f"bytes scanned:   {scanned} ({source}); generator expects {manifest['scanned_bytes']}")
print(f"files scanned:   {summary.get('files_scanned', 'n/a')}; generator expects {manifest['scanned_files']}")
print(f"wall (median):   {median:.2f} s over {len(walls)} runs (min {min(walls):.2f}, max {max(walls):.2f})")
print(f"throughput:      {mb / median:.0f} MB/s (MB = 10^6 bytes; target >= 500)" if median > 0
      else "throughput:      wall time below the 10 ms resolution of /usr/bin/time")
print(f"peak RSS (max):  {peak_kib / 1024:.1f} MiB (target < 100)")

if report is None:
    sys.exit(1)

findings = report.get("findings") or []
by_rule = Counter(f.get("rule_id") for f in findings)
print(f"findings:        {len(findings)}; inline suppressed: {summary.get('inline_suppressed', 'n/a')}")
for rule, n in sorted(by_rule.items()):
    print(f"  {rule:<28} {n}")

at = {(f.get("rule_id"), f.get("file"), f.get("line")) for f in findings}
files_with_findings = {f.get("file") for f in findings}
planted = manifest["planted"]
expected = Counter(p["rule_id"] for p in planted)
found = Counter(p["rule_id"] for p in planted if (p["rule_id"], p["file"], p["line"]) in at)
print(f"planted found:   {sum(found.values())}/{len(planted)}")
for rule in sorted(expected):
    print(f"  {rule:<28} {found[rule]}/{expected[rule]}")
missed = [p for p in planted if (p["rule_id"], p["file"], p["line"]) not in at]
for p in missed:
    print(f"  missed: {p['rule_id']} at {p['file']}:{p['line']} ({p['kind']})")

leaks = [d for d in manifest["must_not_report"] if d["file"] in files_with_findings]
leaks += [s for s in manifest["suppressed"] if (s["rule_id"], s["file"], s["line"]) in at]
for d in leaks:
    print(f"  reported but should not be: {d['file']} ({d.get('reason', 'credgate:allow')})")
if not leaks:
    print("decoys:          none reported (ignored folders, binary file, allow comment)")

if strict == "1" and (missed or leaks):
    sys.exit(1)
PY
