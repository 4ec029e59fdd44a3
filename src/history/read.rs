//! Reads every distinct blob once, in parallel, and runs the hard-coded secret rules over it for
//! each path it was introduced at. Blobs over the size limit are passed over from their header
//! (never inflated), binary ones by the walker's own test, and a missing or corrupt object is a
//! `parse-error` note: the scan goes on.

use super::blobs::Blob;
use crate::checks::secrets;
use crate::model::Finding;
use crate::walk::{looks_binary, WalkStats};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// Blobs handed to a worker at a time: few enough to balance, enough to keep the shared
/// counter cold.
const CHUNK: usize = 32;

/// Reads and scans `blobs` on `threads` workers (0: one per core).
pub fn scan(
    repo: &gix::ThreadSafeRepository,
    blobs: &[Blob],
    paths: &[String],
    max_size: u64,
    threads: usize,
) -> Read {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(blobs.len().div_ceil(CHUNK).max(1));
    let next = AtomicUsize::new(0);
    let total = Mutex::new(Read::default());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut repo = repo.to_thread_local();
                // Trees and commits were read already; blobs are read once each.
                repo.object_cache_size(0);
                super::with_delta_cache(&mut repo);
                let mut part = Read::default();
                loop {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    let Some(chunk) = blobs.get(start..(start + CHUNK).min(blobs.len())) else {
                        break;
                    };
                    if chunk.is_empty() {
                        break;
                    }
                    for blob in chunk {
                        one(&repo, blob, paths, max_size, &mut part);
                    }
                }
                match total.lock() {
                    Ok(mut total) => total.absorb(part),
                    Err(poisoned) => poisoned.into_inner().absorb(part),
                }
            });
        }
    });
    match total.into_inner() {
        Ok(read) => read,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn one(repo: &gix::Repository, blob: &Blob, names: &[String], max_size: u64, part: &mut Read) {
    let name = |at: u32| names.get(at as usize).map_or("", String::as_str);
    let Some(first_path) = blob.paths.first().map(|(at, _)| name(*at)) else {
        return;
    };
    let unreadable = |part: &mut Read, why: String| part.stats.unreadable(first_path, &why);
    match repo.find_header(blob.id) {
        Ok(header) if header.size() > max_size => {
            part.stats.skipped.too_large += 1;
            return;
        }
        Ok(_) => {}
        Err(e) => {
            return unreadable(
                part,
                format!(
                    "git blob {} is missing from the object database ({e})",
                    blob.id
                ),
            )
        }
    }
    let object = match repo.find_object(blob.id) {
        Ok(object) => object,
        Err(e) => {
            return unreadable(
                part,
                format!("git blob {} could not be read ({e})", blob.id),
            )
        }
    };
    let bytes: &[u8] = &object.data;
    if looks_binary(bytes) {
        part.stats.skipped.binary += 1;
        return;
    }
    part.stats.files_scanned += 1;
    part.stats.bytes_scanned += bytes.len() as u64;
    let paths: Vec<&str> = blob.paths.iter().map(|(at, _)| name(*at)).collect();
    for (scanned, (_, commit)) in secrets::scan_paths(&paths, bytes)
        .into_iter()
        .zip(&blob.paths)
    {
        part.suppressed += scanned.suppressed;
        part.found
            .extend(scanned.findings.into_iter().map(|finding| Found {
                commit: *commit,
                finding,
            }));
    }
}
