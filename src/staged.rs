//! The pre-commit source: the files staged in git, read from the index (what will be committed),
//! not from the working tree (which may differ).
//!
//! It asks git for the staged blobs (`git diff --cached --raw -z`) and streams their contents
//! through one `git cat-file --batch`, so a commit of twenty files costs two git processes.

use crate::walk::{looks_binary, WalkOptions, WalkStats, IGNORE_FILE};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One staged file: its path relative to the repository top level and its blob id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    /// Path as git prints it, `/`-separated, relative to the top level.
    pub path: String,
    /// The staged blob's object id.
    pub blob: String,
    /// The staged mode (`100644`, `100755`, `120000` for a symlink, `160000` for a submodule).
    pub mode: String,
}

/// Parses `git diff --cached --raw -z` output: `:old new oldsha newsha status\0path\0`.
pub fn parse_raw_diff(raw: &[u8]) -> Vec<StagedFile> {
    let mut out = Vec::new();
    let mut fields = raw.split(|b| *b == 0);
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            continue;
        }
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let Some(path) = fields.next() else { break };
        // Renames and copies carry two paths; the second is the new one.
        let status = parts.get(4).copied().unwrap_or("");
        let path = if status.starts_with('R') || status.starts_with('C') {
            match fields.next() {
                Some(new_path) => new_path,
                None => break,
            }
        } else {
            path
        };
        if status.starts_with('D') {
            continue;
        }
        if let (Some(mode), Some(blob)) = (parts.get(1), parts.get(3)) {
            out.push(StagedFile {
                path: String::from_utf8_lossy(path).into_owned(),
                blob: (*blob).to_string(),
                mode: (*mode).to_string(),
            });
        }
    }
    out
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir);
    cmd
}

fn git_output(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = git(dir)
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .context("could not run git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// The top level of the git repository holding `dir`, as a path relative to `dir` (`.` when
/// `dir` is the top level, `../..` two folders down), from `git rev-parse --show-cdup`. Outside
/// a repository, or without git, the error says which and that `--staged` needs one.
pub fn top_level_from(dir: &Path) -> Result<PathBuf> {
    let cdup = git_output(dir, &["rev-parse", "--show-cdup"]).map_err(|e| {
        anyhow!(
            "--staged reads the git index, but {} is not inside a git repository ({e}); run it \
             in a checkout or pass the folder to scan",
            dir.display()
        )
    })?;
    let cdup = String::from_utf8_lossy(&cdup);
    let up = cdup.trim().trim_end_matches('/');
    Ok(if up.is_empty() {
        dir.to_path_buf()
    } else if dir == Path::new(".") {
        PathBuf::from(up)
    } else {
        dir.join(up)
    })
}

/// Calls `visit` with the staged content of every added, copied, modified, renamed or
/// type-changed file under `root` (paths relative to `root`). Binary and oversized blobs, symlinks
/// and submodules are skipped and counted like the walker does.
pub fn visit_staged<A, V>(
    root: &Path,
    options: &WalkOptions,
    acc: &mut A,
    visit: V,
) -> Result<WalkStats>
where
    V: Fn(&mut A, &str, &[u8]),
{
    let top = git_output(root, &["rev-parse", "--show-toplevel"])
        .map_err(|e| anyhow!("--staged needs a git repository at {}: {e}", root.display()))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim().to_string());
    let root_abs = root
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", root.display()))?;
    let top_abs = top.canonicalize().unwrap_or(top);
    let prefix = root_abs
        .strip_prefix(&top_abs)
        .map(crate::walk::slash_path)
        .unwrap_or_default();

    let raw = git_output(
        &top_abs,
        &[
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            // `T` too: a symlink replaced by a regular file is a type change, and its new
            // content is as much a part of the commit as an added file's.
            "--diff-filter=ACMRT",
        ],
    )?;
    let ignore = credgate_ignore(&root_abs, &options.extra_ignores);
    let mut stats = WalkStats::default();
    let mut wanted = Vec::new();
    for file in parse_raw_diff(&raw) {
        let Some(rel) = strip_dir_prefix(&file.path, &prefix) else {
            continue;
        };
        if ignore
            .matched_path_or_any_parents(Path::new(&rel), false)
            .is_ignore()
        {
            continue;
        }
        match file.mode.as_str() {
            "120000" => stats.skipped.symlink += 1,
            "160000" => {}
            _ => wanted.push((rel, file.blob)),
        }
    }
    if wanted.is_empty() {
        return Ok(stats);
    }

    let mut child = git(&top_abs)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("could not run git cat-file")?;
    let mut stdin = child.stdin.take().context("git cat-file has no stdin")?;
    let blobs: String = wanted.iter().map(|(_, b)| format!("{b}\n")).collect();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(blobs.as_bytes());
    });
    let stdout = child.stdout.take().context("git cat-file has no stdout")?;
    let mut reader = BufReader::new(stdout);
    let mut header = String::new();
    let mut buf = Vec::new();
    for (rel, _) in &wanted {
        header.clear();
        reader.read_line(&mut header)?;
        // `<oid> blob <size>` or `<oid> missing`.
        let size: Option<u64> = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok());
        let Some(size) = size else {
            stats.unreadable(rel, "the staged blob could not be read from the index");
            continue;
        };
        buf.clear();
        let mut newline = [0u8; 1];
        if size > options.max_file_size {
            // Skip the content without holding it: a staged multi-gigabyte file must not cost
            // its size in memory.
            std::io::copy(&mut (&mut reader).take(size), &mut std::io::sink())?;
            reader.read_exact(&mut newline)?;
            stats.skipped.too_large += 1;
            continue;
        }
        (&mut reader).take(size).read_to_end(&mut buf)?;
        reader.read_exact(&mut newline)?;
        if looks_binary(&buf) {
            stats.skipped.binary += 1;
            continue;
        }
        stats.files_scanned += 1;
        stats.bytes_scanned += size;
        visit(acc, rel, &buf);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(stats)
}

/// `.credgateignore` at the scan root plus configured ignore patterns, as one matcher.
pub(crate) fn credgate_ignore(root: &Path, extra: &[String]) -> ignore::gitignore::Gitignore {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
    let _ = builder.add(root.join(IGNORE_FILE));
    for pattern in extra {
        let _ = builder.add_line(None, pattern);
    }
    builder
        .build()
        .unwrap_or_else(|_| ignore::gitignore::Gitignore::empty())
}

/// `path` relative to the folder `prefix` (both `/`-separated, relative to the top level), or
/// `None` when it lies outside it.
pub(crate) fn strip_dir_prefix(path: &str, prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some(path.to_string());
    }
    path.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_raw_diff_with_renames_and_deletes() {
        let raw = b":000000 100644 0000 aaaa A\0new.txt\0:100644 100644 bbbb cccc R100\0old.txt\0moved.txt\0:100644 000000 dddd 0000 D\0gone.txt\0:000000 120000 0000 eeee A\0link\0";
        let files = parse_raw_diff(raw);
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["new.txt", "moved.txt", "link"]);
        assert_eq!(files[0].blob, "aaaa");
        assert_eq!(files[1].blob, "cccc");
        assert_eq!(files[2].mode, "120000");
    }

    #[test]
    fn strips_folder_prefix() {
        assert_eq!(strip_dir_prefix("a/b.txt", ""), Some("a/b.txt".into()));
        assert_eq!(strip_dir_prefix("a/b.txt", "a"), Some("b.txt".into()));
        assert_eq!(strip_dir_prefix("ab/c.txt", "a"), None);
    }
}
