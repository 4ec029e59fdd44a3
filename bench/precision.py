#!/usr/bin/env python3
"""Findings per rule and severity on a corpus of real repositories, next to Nosey Parker's count.

Usage: bench/precision.py CORPUS_DIR [--credgate BIN] [--noseyparker BIN] [--list]

CORPUS_DIR holds one checked-out repository per sub-folder (bench/README.md, "Precision corpus",
says which ones and at which commits). For each repository, credgate runs `scan --format json`
and, when a Nosey Parker binary is given, `noseyparker scan` + `report --format json` counts its
matches. --list prints every error and warning (rule, file:line, message) for review.
Nothing here is a test: it prints numbers.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile


def credgate(binary, repo):
    out = subprocess.run(
        [binary, "scan", repo, "--format", "json", "--fail-on", "never", "--no-color"],
        capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit(f"credgate failed on {repo} (exit {out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def noseyparker(binary, repo):
    with tempfile.TemporaryDirectory() as store:
        ds = os.path.join(store, "ds")
        subprocess.run([binary, "scan", "--datastore", ds, "--git-history", "none", repo],
                       capture_output=True, check=True)
        rep = subprocess.run([binary, "report", "--datastore", ds, "--format", "json"],
                             capture_output=True, text=True, check=True)
        findings = json.loads(rep.stdout)
        return sum(len(f.get("matches", [])) for f in findings)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--credgate", default="target/release/credgate")
    ap.add_argument("--noseyparker")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--json", help="write the per-repository counts to this file")
    args = ap.parse_args()
    repos = sorted(d for d in os.listdir(args.corpus) if os.path.isdir(os.path.join(args.corpus, d)))
    totals = collections.Counter()
    per_rule = collections.Counter()
    rows = []
    for name in repos:
        path = os.path.join(args.corpus, name)
        report = credgate(args.credgate, path)
        sev = collections.Counter(f["severity"] for f in report["findings"])
        for f in report["findings"]:
            per_rule[(f["rule_id"], f["severity"])] += 1
        np = noseyparker(args.noseyparker, path) if args.noseyparker else None
        rows.append((name, sev["error"], sev["warning"], sev["note"], np))
        totals.update(sev)
        if np is not None:
            totals["noseyparker"] += np
        if args.list:
            for f in report["findings"]:
                if f["severity"] in ("error", "warning"):
                    where = f"{f.get('file')}:{f.get('line')}"
                    print(f"  {name} {f['severity']:7} {f['rule_id']:28} {where}\n      {f['message'][:220]}")
    print(f"{'repository':70} {'errors':>6} {'warn':>6} {'notes':>6} {'NP':>6}")
    for name, e, w, n, np in rows:
        print(f"{name:70} {e:6} {w:6} {n:6} {'' if np is None else np:>6}")
    print(f"{'total':70} {totals['error']:6} {totals['warning']:6} {totals['note']:6} "
          f"{totals['noseyparker'] if args.noseyparker else '':>6}")
    print("\nper rule:")
    for (rule, sev), n in sorted(per_rule.items(), key=lambda x: -x[1]):
        print(f"  {rule:32} {sev:8} {n}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"repositories": [dict(zip(["name", "errors", "warnings", "notes", "noseyparker"], r)) for r in rows],
                       "per_rule": {f"{r}/{s}": n for (r, s), n in per_rule.items()}}, fh, indent=1)


if __name__ == "__main__":
    main()
