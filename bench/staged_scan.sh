#!/usr/bin/env bash
# Latency of the pre-commit hook: `credgate scan --staged` on a commit of 20 changed files in a
# 10,000-file git repository (target: median under 50 ms).
#
# Builds the release binary, makes bench/out/staged-repo once (the generator's deterministic tree,
# cut to exactly FILES tracked files, committed), stages CHANGED modified files (a seeded choice
# across source and config files, planted secrets left out, so the commit is a clean one), then
# times the hook's command (`credgate scan --staged --format text`, from the repository root) with
# hyperfine when it is installed (apt-get install hyperfine), otherwise with a date +%s%N loop.
# Prints the median, the spread, and the three git calls credgate makes, timed on their own, so a
# slow figure can be told apart from git's share.
#
# A measurement, not a test: it exits non-zero only when something cannot run or when credgate
# does not read exactly the CHANGED staged files.
#
# Environment:
#   RUNS=50         timed runs (after 5 warm-up runs)
#   FILES=10000     tracked files in the repository
#   CHANGED=20      files modified and staged
#   SEED=1          generator and choice seed
#   REPO=bench/out/staged-repo
#   REGEN=1         rebuild the repository even if it exists
#   CREDGATE_BIN=…  measure this binary instead of building target/release/credgate
#   NO_HYPERFINE=1  time with the date loop even when hyperfine is installed
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

RUNS="${RUNS:-50}"
FILES="${FILES:-10000}"
CHANGED="${CHANGED:-20}"
SEED="${SEED:-1}"
REPO="${REPO:-bench/out/staged-repo}"
REPO="${REPO%/}"

die() { echo "staged_scan: $*" >&2; exit 1; }
for n in RUNS FILES CHANGED SEED; do
  [[ "${!n}" =~ ^[0-9]+$ && "${!n}" -gt 0 ]] || die "$n must be a positive integer, got '${!n}'"
done
command -v python3 >/dev/null || die "python3 not found"
command -v git >/dev/null || die "git not found"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY

if [[ -n "${CREDGATE_BIN:-}" ]]; then
  BIN="$CREDGATE_BIN"
else
  echo "== cargo build --release --locked"
  cargo build --release --locked --quiet
  BIN="$ROOT/target/release/credgate"
fi
[[ -x "$BIN" ]] || die "no credgate binary at $BIN"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

git_q() { git -C "$REPO" -c gc.auto=0 -c user.name=bench -c user.email=bench@example.invalid -c commit.gpgsign=false "$@"; }

marker="$REPO.ready"
if [[ "${REGEN:-}" == 1 || ! -f "$marker" || "$(cat "$marker")" != "$FILES $SEED" ]]; then
  echo "== generating a $FILES-file repository in $REPO (once; REGEN=1 to redo)"
  rm -rf "$REPO" "$marker" "$REPO.manifest.json"
  # About 19 KB a file with the generator's defaults; generous, then cut to FILES tracked files.
  size_mb=$(( FILES * 27 / 1000 ))
  python3 bench/gen_tree.py --size "${size_mb}M" --seed "$SEED" --out "$REPO" \
    --manifest "$REPO.manifest.json" >/dev/null
  git -C "$REPO" -c init.defaultBranch=main init -q
  # Keep FILES of the files git would track: configuration files (where credentials live,
  # .gitignore included) first, up to a tenth of FILES, then a seeded sample of the rest; delete
  # the others.
  python3 - "$FILES" "$SEED" "$REPO" <<'PY'
import os, random, subprocess, sys
files, seed, repo = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
listed = subprocess.run(["git", "-C", repo, "ls-files", "-z", "--others", "--exclude-standard"],
                        check=True, capture_output=True).stdout
paths = sorted(p for p in listed.decode().split("\0") if p)
if len(paths) < files:
    sys.exit(f"the generator made only {len(paths)} trackable files, {files} wanted")
def is_config(p):
    name = os.path.basename(p)
    return name.startswith((".env", "appsettings", ".gitignore")) or p.endswith((".yaml", ".yml", ".toml", ".tf"))
configs = set([p for p in paths if is_config(p)][: files // 10])
rest = [p for p in paths if p not in configs]
random.Random(seed).shuffle(rest)
keep = configs | set(rest[: files - len(configs)])
for p in paths:
    if p not in keep:
        os.remove(os.path.join(repo, p))
PY
  git_q add -A
  tracked=$(git -C "$REPO" ls-files | wc -l)
  [[ "$tracked" -eq "$FILES" ]] || die "expected $FILES tracked files, git has $tracked"
  git_q commit -q -m "generated tree, $FILES files"
  git -C "$REPO" gc -q
  echo "$FILES $SEED" >"$marker"
fi

echo "== staging $CHANGED modified files"
git_q reset -q --hard HEAD
python3 - "$CHANGED" "$SEED" "$REPO" "$REPO.manifest.json" <<'PY'
import json, os, random, re, subprocess, sys
changed, seed, repo, manifest = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
listed = subprocess.run(["git", "-C", repo, "ls-files", "-z"], check=True, capture_output=True).stdout
paths = sorted(p for p in listed.decode().split("\0") if p)
with open(manifest, encoding="utf-8") as fh:
    m = json.load(fh)
secret_files = {p["file"] for p in m["planted"]} | {p["file"] for p in m["suppressed"]}
def text(p):
    with open(os.path.join(repo, p), "rb") as fh:
        head = fh.read(8192)
    return b"\0" not in head
candidates = [p for p in paths if p not in secret_files and text(p)]
structured = (".json", ".yaml", ".yml", ".toml", ".tf", ".env", ".config")
rng = random.Random(seed)
def is_config(p):
    return p.endswith(structured) or os.path.basename(p).startswith(".env") or "appsettings" in p
configs = [p for p in candidates if is_config(p)]
code = [p for p in candidates if not is_config(p)]
picked = rng.sample(configs, min(len(configs), max(2, changed // 5)))
picked += rng.sample(code, changed - len(picked))
comment = {".py": "#", ".sh": "#", ".rb": "#", ".rs": "//", ".ts": "//", ".js": "//", ".go": "//",
           ".java": "//", ".cs": "//", ".c": "//", ".h": "//", ".sql": "--", ".md": "",
           ".css": "/*", ".html": "<!--"}
close = {"/*": " */", "<!--": " -->"}
for p in picked:
    full = os.path.join(repo, p)
    with open(full, encoding="utf-8", errors="surrogateescape") as fh:
        body = fh.read()
    ext = os.path.splitext(p)[1]
    if is_config(p):
        # A value edit that keeps the file parseable: the last digit changes.
        digits = list(re.finditer(r"\d", body))
        if digits:
            d = digits[-1]
            body = body[: d.start()] + str((int(d.group()) + 1) % 10) + body[d.end():]
        else:
            body += "\n"
    else:
        lines = body.split("\n")
        mark = comment.get(ext, "#")
        line = f"{mark} reviewed: keep in sync with the orders contract{close.get(mark, '')}".lstrip()
        lines.insert(len(lines) // 2, line)
        body = "\n".join(lines) + f"\n{line}\n"
    with open(full, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(body)
print("\n".join(picked), file=sys.stderr)
PY
git_q add -u
staged=$(git -C "$REPO" diff --cached --name-only | wc -l)
[[ "$staged" -eq "$CHANGED" ]] || die "expected $CHANGED staged files, git has $staged"

CMD=("$BIN" scan --staged --format text --fail-on never)
echo "== sanity run (JSON)"
(cd "$REPO" && "$BIN" scan --staged --format json --fail-on never) >"$REPO.report.json"
python3 - "$REPO.report.json" "$CHANGED" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print(f"files scanned {s['files_scanned']}, findings {len(r['findings'])}")
if s["files_scanned"] != int(sys.argv[2]):
    sys.exit(f"credgate scanned {s['files_scanned']} files, {sys.argv[2]} are staged")
PY

median_ms() { python3 -c 'import statistics, sys; v = [float(x) for x in sys.stdin.read().split()]; print(f"{statistics.median(v):.1f} {min(v):.1f} {max(v):.1f}")'; }

# loop_ms N CMD…: N runs' wall times in ms, one per line (after a few warm-up runs).
loop_ms() {
  local n=$1 start end i
  shift
  for i in 1 2 3 4 5; do "$@" >/dev/null 2>&1 </dev/null || true; done
  for ((i = 0; i < n; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 </dev/null || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000 ))e-3"
  done
}

# time_ms NAME COMMAND [shell]: median, min and max wall time in ms of COMMAND. Without `shell`
# it is run directly (hyperfine -N: split on spaces, no quoting), with it through a shell, whose
# start-up hyperfine measures and subtracts (noisy on a loaded machine). The fallback loop runs
# `sh -c` either way and subtracts nothing.
time_ms() {
  local name=$1 cmd=$2 how=(-N)
  [[ "${3:-}" == shell ]] && how=()
  if [[ "$tool" == hyperfine ]]; then
    hyperfine "${how[@]}" --style basic --warmup 5 --runs "$RUNS" \
      --export-json "$ROOT/$REPO.$name.json" "$cmd" >/dev/null
    python3 -c '
import json, statistics, sys
t = [x * 1000 for x in json.load(open(sys.argv[1]))["results"][0]["times"]]
print(f"{statistics.median(t):.1f} {min(t):.1f} {max(t):.1f}")' "$ROOT/$REPO.$name.json"
  else
    loop_ms "$RUNS" sh -c "$cmd" | median_ms
  fi
}
tool="date loop"
if [[ -z "${NO_HYPERFINE:-}" ]] && command -v hyperfine >/dev/null; then tool=hyperfine; fi

echo "== timing: credgate scan --staged --format text (in $REPO, $RUNS runs, $tool)"
cd "$REPO"
read -r med lo hi < <(time_ms scan "${CMD[*]}")
# The git calls of src/staged.rs on their own, to tell git's share from credgate's.
git diff --cached --raw -z --no-abbrev --diff-filter=ACMRT | tr '\0' '\n' |
  awk '/^:/ { print $4 }' >"$ROOT/$REPO.blobs"
read -r top_med _ _ < <(time_ms rev-parse "git rev-parse --show-toplevel")
read -r diff_med _ _ < <(time_ms diff "git diff --cached --raw -z --no-abbrev --diff-filter=ACMRT")
read -r cat_med _ _ < <(time_ms cat-file "git cat-file --batch <$(printf '%q' "$ROOT/$REPO.blobs")" shell)

echo
echo "repository:        $FILES tracked files, $CHANGED staged ($(du -sh .git | cut -f1) in .git)"
echo "credgate scan --staged: median $med ms (min $lo, max $hi) over $RUNS runs [$tool]"
echo "  git rev-parse --show-toplevel:   median $top_med ms"
echo "  git diff --cached --raw:         median $diff_med ms"
echo "  git cat-file --batch ($CHANGED blobs): median $cat_med ms"
python3 -c 'import sys; print("target < 50 ms:", "met" if float(sys.argv[1]) < 50 else "MISSED")' "$med"
