//! Reads every distinct blob once, in parallel, and runs the hard-coded secret rules over it for
//! each path it was introduced at. Blobs over the size limit are passed over from their header
//! (never inflated), binary ones by the walker's own test, and a missing or corrupt object is a
//! `parse-error` note: the scan goes on.
//!
//! Reading starts while the trees are still being walked: the walk hands over each blob the
//! moment it first meets it, with that first path, so the single-threaded walk and the parallel
//! reads overlap. A blob the walk later meets at another path is read again only when that path
//! could give another answer: a file name the rules treat differently (a lock file, source
//! code), or a blob that had matches, whose places and context are worked out per path. A copy
//! of a file without secrets, the common case, costs nothing more.

use super::blobs::{Blob, Collected};
use crate::checks::secrets::{self, FileKind};
use crate::model::Finding;
use crate::walk::{looks_binary, WalkStats};
use gix::ObjectId;
use std::borrow::Borrow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

/// A finding in a blob, with the walk index of the commit that introduced it at its path.
#[derive(Debug)]
pub struct Found {
    /// Walk index of the introducing commit.
    pub commit: usize,
    /// The finding; its file is the path in that commit.
    pub finding: Finding,
}

/// What reading the blobs produced.
#[derive(Debug, Default)]
pub struct Read {
    /// Findings, in no particular order.
    pub found: Vec<Found>,
    /// Findings hidden by `credgate:allow` comments in the blobs.
    pub suppressed: usize,
    /// Blobs read and scanned (as `files_scanned`), their bytes, those passed over by reason,
    /// and `parse-error` notes for those that could not be read: the walker's own counts.
    pub stats: WalkStats,
}

impl Read {
    fn absorb(&mut self, other: Read) {
        self.found.extend(other.found);
        self.suppressed += other.suppressed;
        self.stats.merge(other.stats);
    }
}

/// A blob the walk met for the first time, at its first path.
#[derive(Debug)]
pub struct Introduced {
    /// Its index in the walk's list of distinct blobs.
    pub blob: usize,
    /// Its id.
    pub id: ObjectId,
    /// The path, relative to the scan root.
    pub path: String,
    /// Walk index of the commit that introduced it there.
    pub commit: usize,
}

/// What the first read of a blob told about its other paths.
#[derive(Clone, Copy, Debug)]
enum FirstRead {
    /// Too large, binary or unreadable: so it is at every path.
    PassedOver,
    /// Scanned as a file of `kind`; `matched`: the rules found something (kept or allowed).
    Scanned { kind: FileKind, matched: bool },
}

/// One read: a blob and the paths to scan it for. `first` reads count in the statistics; the
/// re-reads for further paths do not (the blob was counted once already).
struct Job {
    blob: usize,
    id: ObjectId,
    paths: Vec<(String, usize)>,
    first: bool,
}

/// Runs `walk` on this thread, reading and scanning each blob it introduces on `threads`
/// workers (0: one per core) as it goes, then re-reads what further paths need. `walk` gets a
/// callback to hand each first introduction to; the blobs it returns, with all their paths,
/// decide the re-reads.
pub fn scan_while_walking(
    repo: &gix::ThreadSafeRepository,
    max_size: u64,
    threads: usize,
    walk: impl FnOnce(&mut dyn FnMut(Introduced)) -> Collected,
) -> (Collected, Read) {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let (send, receive) = mpsc::channel::<Introduced>();
    let receive = Mutex::new(receive);
    let first_reads: Mutex<Vec<(usize, FirstRead)>> = Mutex::new(Vec::new());
    let total = Mutex::new(Read::default());
    let collected = std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let next = || {
                    let job = lock(&receive).recv().ok()?;
                    Some(Job {
                        blob: job.blob,
                        id: job.id,
                        paths: vec![(job.path, job.commit)],
                        first: true,
                    })
                };
                let (part, seen) = work(repo, max_size, next);
                lock(&first_reads).extend(seen);
                lock(&total).absorb(part);
            });
        }
        let mut hand_over = |introduced: Introduced| {
            // The workers outlive the walk inside this scope, so the receiver is there.
            let _ = send.send(introduced);
        };
        let collected = walk(&mut hand_over);
        drop(send);
        collected
    });
    let mut first = vec![None; collected.blobs.len()];
    for (blob, read) in into_inner(first_reads) {
        if let Some(slot) = first.get_mut(blob) {
            *slot = Some(read);
        }
    }
    let rereads = rereads(&collected.blobs, &collected.paths, &first);
    let mut read = into_inner(total);
    read.absorb(run_all(repo, max_size, threads, &rereads));
    (collected, read)
}

/// The re-reads further paths need (see the module documentation).
fn rereads(blobs: &[Blob], paths: &[String], first: &[Option<FirstRead>]) -> Vec<Job> {
    let name = |at: u32| paths.get(at as usize).map_or("", String::as_str);
    blobs
        .iter()
        .enumerate()
        .filter_map(|(index, blob)| {
            let Some(Some(FirstRead::Scanned { kind, matched })) = first.get(index) else {
                return None;
            };
            let further: Vec<(String, usize)> = blob
                .paths
                .iter()
                .skip(1)
                .map(|(at, commit)| (name(*at), *commit))
                .filter(|(path, _)| *matched || FileKind::of_name(path) != *kind)
                .map(|(path, commit)| (path.to_string(), commit))
                .collect();
            (!further.is_empty()).then_some(Job {
                blob: index,
                id: blob.id,
                paths: further,
                first: false,
            })
        })
        .collect()
}

/// Reads `jobs` on `threads` workers, each taking the next job in turn.
fn run_all(repo: &gix::ThreadSafeRepository, max_size: u64, threads: usize, jobs: &[Job]) -> Read {
    if jobs.is_empty() {
        return Read::default();
    }
    let next = AtomicUsize::new(0);
    let total = Mutex::new(Read::default());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(jobs.len()) {
            scope.spawn(|| {
                let take = || jobs.get(next.fetch_add(1, Ordering::Relaxed));
                let (part, _) = work(repo, max_size, take);
                lock(&total).absorb(part);
            });
        }
    });
    into_inner(total)
}

/// One worker: reads and scans the jobs `next` hands out until it has none.
fn work<J: Borrow<Job>>(
    repo: &gix::ThreadSafeRepository,
    max_size: u64,
    mut next: impl FnMut() -> Option<J>,
) -> (Read, Vec<(usize, FirstRead)>) {
    let mut repo = repo.to_thread_local();
    // Trees and commits were read by the walk; blobs are read once each.
    repo.object_cache_size(0);
    super::with_delta_cache(&mut repo);
    let mut part = Read::default();
    let mut seen = Vec::new();
    while let Some(job) = next() {
        let job = job.borrow();
        let read = one(&repo, job, max_size, &mut part);
        if job.first {
            seen.push((job.blob, read));
        }
    }
    (part, seen)
}

fn one(repo: &gix::Repository, job: &Job, max_size: u64, part: &mut Read) -> FirstRead {
    let Some((first_path, _)) = job.paths.first() else {
        return FirstRead::PassedOver;
    };
    let counts = job.first;
    let unreadable = |part: &mut Read, why: String| {
        if counts {
            part.stats.unreadable(first_path, &why);
        }
        FirstRead::PassedOver
    };
    match repo.find_header(job.id) {
        Ok(header) if header.size() > max_size => {
            part.stats.skipped.too_large += u64::from(counts);
            return FirstRead::PassedOver;
        }
        Ok(_) => {}
        Err(e) => {
            return unreadable(
                part,
                format!(
                    "git blob {} is missing from the object database ({e})",
                    job.id
                ),
            )
        }
    }
    let object = match repo.find_object(job.id) {
        Ok(object) => object,
        Err(e) => return unreadable(part, format!("git blob {} could not be read ({e})", job.id)),
    };
    let bytes: &[u8] = &object.data;
    if looks_binary(bytes) {
        part.stats.skipped.binary += u64::from(counts);
        return FirstRead::PassedOver;
    }
    if counts {
        part.stats.files_scanned += 1;
        part.stats.bytes_scanned += bytes.len() as u64;
    }
    let paths: Vec<&str> = job.paths.iter().map(|(path, _)| path.as_str()).collect();
    let mut matched = false;
    for (scanned, (_, commit)) in secrets::scan_paths(&paths, bytes)
        .into_iter()
        .zip(&job.paths)
    {
        matched |= scanned.suppressed > 0 || !scanned.findings.is_empty();
        part.suppressed += scanned.suppressed;
        part.found
            .extend(scanned.findings.into_iter().map(|finding| Found {
                commit: *commit,
                finding,
            }));
    }
    FirstRead::Scanned {
        kind: FileKind::of_name(first_path),
        matched,
    }
}

/// A lock that a panicking worker poisoned still holds what the others produced.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::{rereads, Blob, FileKind, FirstRead};
    use gix::ObjectId;

    fn blob(n: u8, paths: &[u32]) -> Blob {
        Blob {
            id: ObjectId::from_bytes_or_panic(&[n; 20]),
            paths: paths.iter().map(|&at| (at, at as usize)).collect(),
        }
    }

    #[test]
    fn further_paths_are_read_again_only_when_they_can_change_the_answer() {
        let paths: Vec<String> = ["a/settings.json", "b/settings.json", "b/Cargo.lock", "c.cs"]
            .map(String::from)
            .to_vec();
        let json = FileKind::of_name("a/settings.json");
        let blobs = vec![
            // A clean copy under another folder, same kind of name: nothing to do.
            blob(1, &[0, 1]),
            // A copy the rules read differently (a lock file): read again for it alone.
            blob(2, &[0, 1, 2]),
            // A blob with matches: every further path needs its own places and context.
            blob(3, &[0, 1]),
            // Binary or too large: so at every path.
            blob(4, &[0, 3]),
            // Only one path: nothing further.
            blob(5, &[3]),
        ];
        let clean = Some(FirstRead::Scanned {
            kind: json,
            matched: false,
        });
        let first = vec![
            clean,
            clean,
            Some(FirstRead::Scanned {
                kind: json,
                matched: true,
            }),
            Some(FirstRead::PassedOver),
            clean,
        ];
        let jobs = rereads(&blobs, &paths, &first);
        let planned: Vec<(usize, Vec<&str>)> = jobs
            .iter()
            .map(|j| (j.blob, j.paths.iter().map(|(p, _)| p.as_str()).collect()))
            .collect();
        assert_eq!(
            planned,
            vec![(1, vec!["b/Cargo.lock"]), (2, vec!["b/settings.json"])]
        );
        assert!(
            jobs.iter().all(|j| !j.first),
            "re-reads are not counted again"
        );
        assert_eq!(jobs[0].paths[0].1, 2, "the commit of that path is kept");
    }
}
