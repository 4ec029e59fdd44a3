#!/usr/bin/env bash
# Supply-chain check (issue 7): `cargo deny check` (advisories, bans, licenses, sources) against
# deny.toml, without fetching the RustSec advisory database.
#
# The database comes from a snapshot of plain files (default ../shared/advisory-db relative to
# the repository root; override with CREDGATE_ADVISORY_DB). cargo-deny only opens a database
# that is a git checkout at <db-path>/advisory-db-<hash of its URL>, so the snapshot is copied to
# a temporary folder and committed there, dated like the snapshot so its age stays visible.
# Without a snapshot, bans/licenses/sources still run and a loud notice says advisories did not.
#
# Needs network only for crates.io (installing cargo-deny, `cargo fetch`). Idempotent: an
# installed cargo-deny of the pinned version is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)

# Pinned: the database folder name below is cargo-deny's hash of the URL, and the flags used
# here (`--frozen` covering advisories) are this version's.
DENY_VERSION=0.20.2
# cargo-deny 0.20's folder name for deny.toml's db-urls entry https://github.com/rustsec/advisory-db
# (url_to_db_path: last path segment + XxHash64 of the lowercased URL). If it ever changes,
# cargo-deny fails with "failed to get HEAD timestamp" naming the folder it expected.
DB_DIR_NAME=advisory-db-3157b0e258782691
# Older snapshots still run, but the age is reported loudly past this many days.
STALE_DAYS=90

# A banner before the check, repeated after it (the check's output is long).
notices=()
banner() {
  local line='!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
  printf '%s\n' "$line" >&2
  printf '!!! %s\n' "$@" >&2
  printf '%s\n' "$line" >&2
}
notice() {
  banner "$@"
  notices+=("$@")
  if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
    printf '::warning title=cargo deny::%s\n' "$*"
  fi
}
repeat_notices() {
  if (( ${#notices[@]} > 0 )); then
    banner "${notices[@]}"
  fi
}

echo "== cargo-deny ${DENY_VERSION}"
if [[ "$(cargo deny --version 2>/dev/null || true)" != "cargo-deny ${DENY_VERSION}" ]]; then
  # An unoptimised build without debug info: about 1.5 min of CPU on 2 cores instead of 7.5 min
  # for the crate's fat-LTO release profile, and the check itself still takes seconds.
  CARGO_PROFILE_DEV_DEBUG=0 \
    cargo install cargo-deny --version "${DENY_VERSION}" --locked --debug --quiet
fi
cargo deny --version
# `.ci/run` installs early, in the background, while other stages leave a core idle.
if [[ "${1:-}" == "--install-only" ]]; then
  exit 0
fi

# `--frozen` below keeps cargo-deny (and the `cargo metadata` it runs) off the network; the
# crates must be in the local registry first, for every target (cargo-deny checks them all).
cargo fetch --locked --quiet

snapshot=${CREDGATE_ADVISORY_DB:-../shared/advisory-db}
case "$snapshot" in
  /*) ;;
  *) snapshot="$root/$snapshot" ;;
esac
snapshot=$(cd "$snapshot" 2>/dev/null && pwd || printf '%s' "$snapshot")

if [[ -d "$snapshot/crates" ]]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/credgate-deny.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  db="$work/$DB_DIR_NAME"
  mkdir -p "$db"
  # The snapshot may be read-only; the copy must be writable for `git init`.
  cp -R "$snapshot/." "$db/"
  chmod -R u+w "$db"
  rm -rf "$db/.git"

  # SNAPSHOT reads: `rustsec/advisory-db <commit> (<YYYY-MM-DD>)`.
  described=$(head -n 1 "$db/SNAPSHOT" 2>/dev/null || echo "unknown snapshot")
  day=$(sed -n 's/.*(\([0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}\)).*/\1/p' <<<"$described")
  if [[ -z "$day" ]]; then
    notice "advisory snapshot at $snapshot has no date in SNAPSHOT; dating it today"
    day=$(date -u +%Y-%m-%d)
  fi
  stamp="${day}T00:00:00Z"
  git -C "$db" init --quiet
  git -C "$db" add --all
  GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" git -C "$db" \
    -c user.name=credgate-ci -c user.email=ci@credgate.invalid \
    -c commit.gpgsign=false -c core.hooksPath=/dev/null \
    commit --quiet --message "RustSec advisory-db snapshot: $described"
  # cargo-deny dates the database by max(HEAD commit, .git/HEAD mtime): keep both at the
  # snapshot's date.
  touch -d "$stamp" "$db/.git/HEAD"

  age_days=$(( ($(date -u +%s) - $(date -u -d "$stamp" +%s)) / 86400 ))
  echo "== advisory database: $described, ${age_days} days old (offline copy of $snapshot)"
  if (( age_days > STALE_DAYS )); then
    notice "The RustSec advisory snapshot is ${age_days} days old (over ${STALE_DAYS})." \
      "Advisories published since ${day} were NOT checked. Refresh $snapshot."
  fi

  echo "== cargo deny check (advisories, bans, licenses, sources)"
  status=0
  CREDGATE_DENY_DB_PATH="$work" cargo deny --frozen check || status=$?
else
  notice "No RustSec advisory snapshot at $snapshot (set CREDGATE_ADVISORY_DB)." \
    "ADVISORIES WERE NOT CHECKED: known vulnerable or unmaintained crates may be in the tree." \
    "Only bans, licenses and sources were checked."
  echo "== cargo deny check bans licenses sources"
  status=0
  cargo deny --frozen check bans licenses sources || status=$?
fi

repeat_notices
echo "== cargo deny done in $(( $(date +%s) - started ))s (exit ${status})"
exit "$status"
