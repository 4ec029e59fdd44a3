//! The parallel repository walker: the only place that reads the working tree.
//!
//! It streams one file at a time per thread into a visitor (nothing holds the whole tree), honours
//! `.gitignore`, `.ignore` and `.credgateignore` (also outside a git checkout), never follows
//! symbolic links, and passes over binary files (a NUL byte in the first 8 KiB), files over the size
//! limit and anything that is not a regular file, counting each reason.

use crate::model::{Finding, Location, Severity, SkipCounts};
use ignore::{WalkBuilder, WalkState};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Name of credgate's own ignore file, with `.gitignore` syntax.
pub const IGNORE_FILE: &str = ".credgateignore";

/// How many leading bytes decide whether a file is binary.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// Walker settings.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Files larger than this are skipped and counted.
    pub max_file_size: u64,
    /// Worker threads; 0 lets the walker choose (one per core).
    pub threads: usize,
    /// Extra glob patterns to ignore (from `credgate.toml`), `.gitignore` syntax.
    pub extra_ignores: Vec<String>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            max_file_size: 10 * 1024 * 1024,
            threads: 0,
            extra_ignores: Vec::new(),
        }
    }
}

/// What the walker did, besides what the visitor produced.
#[derive(Debug, Default)]
pub struct WalkStats {
    /// Files handed to the visitor.
    pub files_scanned: u64,
    /// Bytes handed to the visitor.
    pub bytes_scanned: u64,
    /// Files passed over, by reason.
    pub skipped: SkipCounts,
    /// `parse-error` notes for files and folders that could not be read.
    pub problems: Vec<Finding>,
}

impl WalkStats {
    /// Adds another worker's counts and notes into these.
    pub fn merge(&mut self, other: WalkStats) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.skipped.add(&other.skipped);
        self.problems.extend(other.problems);
    }

    /// Records a file that could not be read as a `parse-error` note and counts it.
    pub fn unreadable(&mut self, rel_path: &str, why: &str) {
        self.skipped.unreadable += 1;
        self.problems.push(parse_error(rel_path, why));
    }
}

/// A `parse-error` note for a whole file.
pub fn parse_error(rel_path: &str, why: &str) -> Finding {
    Finding::new(
        "parse-error",
        Severity::Note,
        Location::whole_file(rel_path),
        format!("{rel_path} could not be read: {why}; the rest of the run went on without it"),
        why,
    )
}

/// Whether the first bytes of a file mark it as binary.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..BINARY_SNIFF_LEN).unwrap_or(bytes);
    memchr::memchr(0, head).is_some()
}

/// The `/`-separated path of `path` relative to `root` (or its file name when it is the root).
pub fn relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = if rel.as_os_str().is_empty() {
        path.file_name().map(Path::new).unwrap_or(path)
    } else {
        rel
    };
    slash_path(rel)
}

/// A relative path written with `/` between its parts, whatever the platform.
pub fn slash_path(rel: &Path) -> String {
    // Nearly every path the walker hands over already is one (UTF-8, no empty or `.` part):
    // one check and one copy then, instead of a walk over its components with a lossy copy of
    // each, which cost about 2 % of a scan of a tree of small files.
    if cfg!(unix) {
        if let Some(text) = rel.to_str() {
            if text.split('/').all(|part| !part.is_empty() && part != ".") {
                return text.to_string();
            }
        }
    }
    slash_path_by_components(rel)
}

/// [`slash_path`] for any path: its components, each lossily decoded, joined by `/`.
fn slash_path_by_components(rel: &Path) -> String {
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    out
}

/// Walks `root` in parallel. Each worker thread owns an accumulator `A` (made by
/// `A::default()`), `visit` is called with it for every readable text file, and the accumulators
/// come back in no particular order together with the merged statistics.
pub fn walk<A, V>(root: &Path, options: &WalkOptions, visit: V) -> (Vec<A>, WalkStats)
where
    A: Default + Send,
    V: Fn(&mut A, &str, &[u8]) + Sync,
{
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .git_global(false)
        .add_custom_ignore_filename(IGNORE_FILE)
        .threads(options.threads)
        .filter_entry(|entry| entry.file_name() != ".git");
    if !options.extra_ignores.is_empty() {
        let mut overrides = ignore::overrides::OverrideBuilder::new(root);
        for pattern in &options.extra_ignores {
            // An override glob *selects*; prefixed with `!` it excludes.
            let _ = overrides.add(&format!("!{pattern}"));
        }
        if let Ok(built) = overrides.build() {
            builder.overrides(built);
        }
    }

    let results: Mutex<Vec<(A, WalkStats)>> = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let mut worker = Worker {
            acc: A::default(),
            stats: WalkStats::default(),
            buf: Vec::new(),
            sink: &results,
        };
        let visit = &visit;
        Box::new(move |entry| {
            worker.entry(root, options, entry, visit);
            WalkState::Continue
        })
    });

    let mut stats = WalkStats::default();
    let mut accs = Vec::new();
    let parts = match results.into_inner() {
        Ok(parts) => parts,
        Err(poisoned) => poisoned.into_inner(),
    };
    for (acc, s) in parts {
        accs.push(acc);
        stats.merge(s);
    }
    (accs, stats)
}

/// One walker thread's state; hands its accumulator back when the thread is done with it.
struct Worker<'a, A: Default> {
    acc: A,
    stats: WalkStats,
    buf: Vec<u8>,
    sink: &'a Mutex<Vec<(A, WalkStats)>>,
}

impl<A: Default> Drop for Worker<'_, A> {
    fn drop(&mut self) {
        let acc = std::mem::take(&mut self.acc);
        let stats = std::mem::take(&mut self.stats);
        match self.sink.lock() {
            Ok(mut sink) => sink.push((acc, stats)),
            Err(poisoned) => poisoned.into_inner().push((acc, stats)),
        }
    }
}

impl<A: Default> Worker<'_, A> {
    fn entry<V>(
        &mut self,
        root: &Path,
        options: &WalkOptions,
        entry: Result<ignore::DirEntry, ignore::Error>,
        visit: &V,
    ) where
        V: Fn(&mut A, &str, &[u8]),
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let (path, why) = describe_walk_error(root, &err);
                self.stats.unreadable(&path, &why);
                return;
            }
        };
        let Some(file_type) = entry.file_type() else {
            return; // stdin, never produced by a directory walk
        };
        if file_type.is_dir() {
            return;
        }
        let rel = relative_path(root, entry.path());
        if file_type.is_symlink() {
            self.stats.skipped.symlink += 1;
            return;
        }
        if !file_type.is_file() {
            // FIFOs, sockets, devices: reading them could block or never end.
            self.stats.skipped.unreadable += 1;
            return;
        }
        match read_limited(entry.path(), options.max_file_size, &mut self.buf) {
            Ok(ReadOutcome::Read) => {}
            Ok(ReadOutcome::TooLarge) => {
                self.stats.skipped.too_large += 1;
                return;
            }
            Ok(ReadOutcome::Binary) => {
                self.stats.skipped.binary += 1;
                return;
            }
            Err(err) => {
                self.stats.unreadable(&rel, &err.to_string());
                return;
            }
        }
        self.stats.files_scanned += 1;
        self.stats.bytes_scanned += self.buf.len() as u64;
        visit(&mut self.acc, &rel, &self.buf);
    }
}

enum ReadOutcome {
    Read,
    TooLarge,
    Binary,
}

/// Reads at most `limit` bytes into `buf` (reused between files); a file larger than the limit
/// is passed over without reading it (its size comes from the open file, one `fstat`, not a
/// second look-up of the path), and one that grows past the limit while it is read is reported
/// as too large rather than read without bound.
fn read_limited(path: &Path, limit: u64, buf: &mut Vec<u8>) -> std::io::Result<ReadOutcome> {
    buf.clear();
    let file = File::open(path)?;
    if file.metadata()?.len() > limit {
        return Ok(ReadOutcome::TooLarge);
    }
    let mut file = file.take(limit.saturating_add(1));
    // The head alone first: a binary file is passed over without reading the rest, so a huge
    // sparse or binary file costs one small read whatever `--max-file-size` allows.
    Read::by_ref(&mut file)
        .take(BINARY_SNIFF_LEN as u64)
        .read_to_end(buf)?;
    if looks_binary(buf) {
        buf.clear();
        return Ok(ReadOutcome::Binary);
    }
    file.read_to_end(buf)?;
    if buf.len() as u64 > limit {
        buf.clear();
        return Ok(ReadOutcome::TooLarge);
    }
    Ok(ReadOutcome::Read)
}

/// A readable path and reason for an error from the walker itself (an unreadable folder, a
/// vanished entry, a bad ignore file).
fn describe_walk_error(root: &Path, err: &ignore::Error) -> (String, String) {
    fn find(err: &ignore::Error) -> Option<(PathBuf, String)> {
        match err {
            ignore::Error::WithPath { path, err } => {
                let why = match err.as_ref() {
                    ignore::Error::Io(io) => io.to_string(),
                    other => other.to_string(),
                };
                Some((path.clone(), why))
            }
            ignore::Error::WithLineNumber { err, .. } | ignore::Error::WithDepth { err, .. } => {
                find(err)
            }
            ignore::Error::Loop { child, .. } => {
                Some((child.clone(), "symbolic link loop".to_string()))
            }
            _ => None,
        }
    }
    match find(err) {
        Some((path, why)) => (relative_path(root, &path), why),
        None => (".".to_string(), err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn slash_paths_are_the_components_joined_by_a_slash() {
        let cases = [
            "a",
            "a/b.yml",
            "src/.env",
            "..",
            "a/../b",
            "./a",
            "a//b",
            "a/./b",
            "a/",
            "/a",
            "",
            ".",
            "a\\b",
            "é/ü.json",
            "a/.hidden/.",
        ];
        for case in cases {
            let path = Path::new(case);
            assert_eq!(slash_path(path), slash_path_by_components(path), "{case:?}");
        }
        assert_eq!(slash_path(Path::new("a//b/")), "a/b");
        assert_eq!(slash_path(Path::new("infra/app.yml")), "infra/app.yml");
    }

    fn collect(root: &Path, options: &WalkOptions) -> (Vec<String>, WalkStats) {
        let (accs, stats) = walk(root, options, |acc: &mut Vec<String>, path, _| {
            acc.push(path.to_string())
        });
        let mut all: Vec<String> = accs.into_iter().flatten().collect();
        all.sort();
        (all, stats)
    }

    #[test]
    fn honours_ignore_files_and_skips_binary_and_large() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("src")).unwrap();
        fs::create_dir_all(root.join("node_modules/pkg")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join(".gitignore"), "node_modules/\n").unwrap();
        fs::write(root.join(IGNORE_FILE), "fixtures/\n").unwrap();
        fs::create_dir_all(root.join("fixtures")).unwrap();
        fs::write(root.join("fixtures/a.txt"), "x").unwrap();
        fs::write(root.join("src/main.rs"), "fn main() {}").unwrap();
        fs::write(root.join(".env"), "A=1").unwrap();
        fs::write(root.join(".git/config"), "x").unwrap();
        fs::write(root.join("node_modules/pkg/index.js"), "x").unwrap();
        fs::write(root.join("logo.png"), b"\x89PNG\0\0\0").unwrap();
        fs::write(root.join("big.txt"), vec![b'a'; 2048]).unwrap();
        let options = WalkOptions {
            max_file_size: 1024,
            ..WalkOptions::default()
        };
        let (files, stats) = collect(root, &options);
        assert_eq!(
            files,
            vec![".credgateignore", ".env", ".gitignore", "src/main.rs"]
        );
        assert_eq!(stats.skipped.binary, 1);
        assert_eq!(stats.skipped.too_large, 1);
        assert_eq!(stats.files_scanned, 4);
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_symlinks_and_survives_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/f.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a/f.txt"), root.join("link.txt")).unwrap();
        let (files, stats) = collect(root, &WalkOptions::default());
        assert_eq!(files, vec!["a/f.txt"]);
        assert_eq!(stats.skipped.symlink, 2);
    }

    #[test]
    fn extra_ignores_exclude_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("vendor")).unwrap();
        fs::write(root.join("vendor/x.txt"), "x").unwrap();
        fs::write(root.join("y.txt"), "y").unwrap();
        let options = WalkOptions {
            extra_ignores: vec!["vendor/".to_string()],
            ..WalkOptions::default()
        };
        let (files, _) = collect(root, &options);
        assert_eq!(files, vec!["y.txt"]);
    }

    #[test]
    fn relative_paths_use_forward_slashes() {
        assert_eq!(
            relative_path(Path::new("/r"), Path::new("/r/a/b.txt")),
            "a/b.txt"
        );
        assert_eq!(
            relative_path(Path::new("/r/f.txt"), Path::new("/r/f.txt")),
            "f.txt"
        );
    }
}
