//! Git history: the hard-coded secret rules over every blob the selected commits introduced, so
//! a secret committed and deleted the next day is still found (it stays readable in every
//! clone until it is rotated).
//!
//! The object database is read in-process (gitoxide): [`commits`] resolves and walks the
//! selection parents-first, [`blobs`] lists each distinct blob once with the paths and commits
//! that introduced it, [`read`] scans them in parallel, and [`attribute`] keeps one finding per
//! secret and path, credited to the first commit that had it there. [`ci`] finds a CI run's
//! pull request. Inventory and consistency rules stay on the working tree: history has no
//! single snapshot to compare environments in.

mod attribute;
mod blobs;
pub mod ci;
mod commits;
mod provenance;
mod read;

pub use attribute::merge_into_working_tree;
pub use commits::Selection;

use crate::model::{Finding, HistoryStats, Location, Severity};
use anyhow::{anyhow, bail, Result};
use std::path::{Path, PathBuf};

/// Rule id of the warning that the history asked for is not all in the clone.
pub const INCOMPLETE: &str = "history-incomplete";

/// What to read and how.
#[derive(Clone, Debug)]
pub struct Request {
    /// The scan root: a git repository or a folder inside one.
    pub root: PathBuf,
    /// Which commits.
    pub selection: Selection,
    /// Set when the selection is a CI run's pull request rather than a flag: problems with it
    /// are then warnings with the platform's fix, not usage errors.
    pub from_ci: Option<ci::Platform>,
    /// Blobs larger than this are passed over, as the walker passes over files.
    pub max_file_size: u64,
    /// `[scan] ignore` patterns, applied like `.credgateignore`.
    pub extra_ignores: Vec<String>,
    /// Worker threads for reading blobs; 0: one per core.
    pub threads: usize,
}

/// What a history scan found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Secret findings, one per secret and path, each with the commit that introduced it.
    pub findings: Vec<Finding>,
    /// `parse-error` notes (missing or corrupt objects) and `history-incomplete` warnings.
    pub problems: Vec<Finding>,
    /// Findings hidden by `credgate:allow` comments in the blobs.
    pub suppressed: usize,
    /// What was read.
    pub stats: HistoryStats,
    /// The repository has no working tree (a bare or mirror clone): nothing to join with.
    pub bare: bool,
}

/// Scans the history `request` selects. A folder outside any git repository, or a revision
/// that does not resolve, is an error for a flag and a `history-incomplete` warning for a CI
/// run's pull request (the rest of the run goes on either way in CI).
pub fn scan(request: &Request) -> Result<Outcome> {
    match (scan_inner(request), request.from_ci) {
        (Ok(outcome), _) => Ok(outcome),
        (Err(err), Some(platform)) => Ok(Outcome {
            problems: vec![incomplete(
                format!(
                    "the {}'s commits were not scanned for secrets: {err:#}",
                    platform.name()
                ),
                platform.full_clone_fix(),
            )],
            stats: HistoryStats {
                range: request.selection.label(),
                ..HistoryStats::default()
            },
            ..Outcome::default()
        }),
        (Err(err), None) => Err(err),
    }
}

fn scan_inner(request: &Request) -> Result<Outcome> {
    let mut repo = gix::discover(&request.root).map_err(|e| {
        anyhow!(
            "git history was asked for, but {} is not inside a git repository ({e})",
            request.root.display()
        )
    })?;
    with_delta_cache(&mut repo);
    let shallow = repo.is_shallow();
    let (tips, hidden) = commits::resolve(&repo, &request.selection).map_err(|e| {
        if shallow {
            anyhow!(
                "{e:#}; this clone is shallow, so the revision may be outside it: fetch the \
                 whole history (`git fetch --unshallow`, or a checkout with fetch-depth 0)"
            )
        } else {
            e
        }
    })?;
    let provenance = provenance::of(&repo, &tips);
    let walked = commits::walk(&repo, &tips, &hidden)?;
    let prefix = prefix_in_repository(&repo, &request.root)?;
    let ignore = crate::staged::credgate_ignore(&request.root, &request.extra_ignores);
    let scope = blobs::Scope {
        prefix: &prefix,
        ignore: &ignore,
    };
    let sync = repo.clone().into_sync();
    let (collected, read) =
        read::scan_while_walking(&sync, request.max_file_size, request.threads, |hand_over| {
            blobs::collect(&repo, &walked, &scope, hand_over)
        });
    let mut problems = collected.problems;
    problems.extend(read.stats.problems);
    if !walked.shallow_edge.is_empty() {
        problems.push(shallow_warning(&walked.shallow_edge, request.from_ci));
    }
    let mut skipped = read.stats.skipped;
    skipped.symlink += collected.symlinks;
    let stats = HistoryStats {
        range: request.selection.label(),
        commits: walked.order.len() as u64,
        blobs_scanned: read.stats.files_scanned,
        bytes_scanned: read.stats.bytes_scanned,
        blobs_skipped: skipped,
        revision: provenance.revision,
        branch: provenance.branch,
        repository: provenance.repository,
    };
    Ok(Outcome {
        findings: attribute::first_introductions(&repo, &walked.order, read.found),
        problems,
        suppressed: read.suppressed,
        stats,
        bare: repo.workdir().is_none(),
    })
}

/// Bytes of inflated delta bases each reader keeps: blobs and trees are mostly deltas against
/// their neighbours in a pack, so a base read once serves the next object too.
const DELTA_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Gives a repository handle its delta-base cache (gix sets none without its
/// `max-performance-safe` feature).
pub(crate) fn with_delta_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            DELTA_CACHE_BYTES,
        ))
    });
}

/// The scan root relative to the repository's top level, `/`-separated (empty at the top or
/// in a bare repository), so history paths read like the working tree's.
fn prefix_in_repository(repo: &gix::Repository, root: &Path) -> Result<String> {
    let Some(top) = repo.workdir() else {
        return Ok(String::new());
    };
    let top = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
    let root = root
        .canonicalize()
        .map_err(|e| anyhow!("cannot resolve {}: {e}", root.display()))?;
    if root.is_file() {
        bail!(
            "git history is read for a folder, and {} is a file; pass the repository's folder",
            root.display()
        );
    }
    Ok(root
        .strip_prefix(&top)
        .map(crate::walk::slash_path)
        .unwrap_or_default())
}

/// A `history-incomplete` warning: no place in a file, the git history as its source.
fn incomplete(message: String, fix: &str) -> Finding {
    Finding::new(
        INCOMPLETE,
        Severity::Warning,
        Location::source("git:history"),
        message,
        "history",
    )
    .with_fix(fix)
}

fn shallow_warning(edge: &[gix::ObjectId], from_ci: Option<ci::Platform>) -> Finding {
    let first = edge.first().map(|id| id.to_hex_with_len(7).to_string());
    let fix = from_ci.map_or(
        "fetch the whole history before scanning it: `git fetch --unshallow` (in CI, a checkout \
         with fetch-depth 0)",
        ci::Platform::full_clone_fix,
    );
    incomplete(
        format!(
            "this clone is shallow: the history before commit {} is not in it, so it was not \
             scanned, and what that commit holds is credited to it though it may be older",
            first.unwrap_or_default()
        ),
        fix,
    )
}
