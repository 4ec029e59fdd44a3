//! Which blobs the selected commits introduced, and where: each commit's tree is read in
//! parents-first order, a subtree already seen at the same path is passed over whole (so a
//! commit costs what it changed, not the size of its tree), and a `(path, blob)` pair is
//! credited to the first commit it appears in. Every distinct blob ends up listed once with all
//! the paths it was introduced at.

use super::commits::Walked;
use super::read::Introduced;
use crate::model::Finding;
use gix::ObjectId;
use std::collections::{HashMap, HashSet};

/// One distinct blob to read, with every path and commit that introduced it.
#[derive(Debug, Clone)]
pub struct Blob {
    /// The blob's id: the same content anywhere in history is read once.
    pub id: ObjectId,
    /// `(index into Collected::paths, index of the introducing commit in the walk order)`.
    pub paths: Vec<(u32, usize)>,
}

/// What the tree walk found besides blobs.
#[derive(Debug, Default)]
pub struct Collected {
    /// Distinct blobs in first-introduction order.
    pub blobs: Vec<Blob>,
    /// Every path a blob was introduced at, relative to the scan root, each once: blobs refer
    /// to them by index, so a path in ten thousand commits is one string.
    pub paths: Vec<String>,
    /// Symbolic links introduced (never followed, counted like the walker does).
    pub symlinks: u64,
    /// Trees that could not be read, as `parse-error` notes.
    pub problems: Vec<Finding>,
}

/// Which paths of the repository are scanned: those under the scan root (a folder of the
/// repository), minus what `.credgateignore` and `[scan] ignore` exclude.
pub struct Scope<'a> {
    /// The scan root relative to the repository's top level, `/`-separated; empty for the top.
    pub prefix: &'a str,
    /// `.credgateignore` and configured patterns.
    pub ignore: &'a ignore::gitignore::Gitignore,
}

impl Scope<'_> {
    /// The path relative to the scan root, when it is in scope.
    fn relative(&self, path: &str) -> Option<String> {
        let rel = crate::staged::strip_dir_prefix(path, self.prefix)?;
        let ignored = self
            .ignore
            .matched_path_or_any_parents(std::path::Path::new(&rel), false)
            .is_ignore();
        (!ignored).then_some(rel)
    }
}

/// Walks the trees of every selected commit; see the module documentation. Each blob is handed
/// to `hand_over` when it is first met, so it can be read while the walk goes on.
pub fn collect(
    repo: &gix::Repository,
    walked: &Walked,
    scope: &Scope<'_>,
    hand_over: &mut dyn FnMut(Introduced),
) -> Collected {
    let mut state = State {
        repo,
        scope,
        hand_over,
        names: vec![String::new()],
        ids: HashMap::from([(String::new(), 0)]),
        relative: vec![None],
        seen_trees: HashSet::new(),
        seen_blobs: HashSet::new(),
        index: HashMap::new(),
        out: Collected::default(),
        buf: Vec::new(),
    };
    // The base of a range was there before: its content is known, not introduced.
    for id in &walked.boundary {
        if let Some(tree) = tree_of(repo, *id) {
            state.tree(tree, None);
        }
    }
    for (at, node) in walked.order.iter().enumerate() {
        match tree_of(repo, node.id) {
            Some(tree) => state.tree(tree, Some(at)),
            None => state.out.problems.push(crate::walk::parse_error(
                &format!("commit {}", node.id),
                "its tree could not be read from the object database",
            )),
        }
    }
    state.out
}

fn tree_of(repo: &gix::Repository, commit: ObjectId) -> Option<ObjectId> {
    let commit = repo.find_commit(commit).ok()?;
    commit.tree_id().ok().map(|id| id.detach())
}

/// A repository path, interned: index into `State::names`.
type PathId = u32;

struct State<'a, 'h> {
    repo: &'a gix::Repository,
    scope: &'a Scope<'a>,
    /// Receives each blob when it is first met.
    hand_over: &'h mut dyn FnMut(Introduced),
    /// Every repository path met (folders and files), `/`-separated; 0 is the top.
    names: Vec<String>,
    /// Path → its id.
    ids: HashMap<String, PathId>,
    /// Per path id: not yet decided, out of scope, or its index in `out.paths`.
    relative: Vec<Option<Option<u32>>>,
    /// `(tree, path)` pairs already read: everything below them is known.
    seen_trees: HashSet<(ObjectId, PathId)>,
    /// `(blob, path)` pairs already credited (or present in a range's base).
    seen_blobs: HashSet<(ObjectId, PathId)>,
    /// Blob id → its position in `out.blobs`.
    index: HashMap<ObjectId, usize>,
    out: Collected,
    buf: Vec<u8>,
}

impl State<'_, '_> {
    /// Reads a root tree and everything below it not seen before; `commit` is the walk index of
    /// the commit to credit, `None` for a range's base (recorded as known, not scanned).
    fn tree(&mut self, root: ObjectId, commit: Option<usize>) {
        let mut stack: Vec<(ObjectId, PathId)> = vec![(root, 0)];
        let mut child = String::new();
        while let Some((tree, path)) = stack.pop() {
            if !self.seen_trees.insert((tree, path)) {
                continue;
            }
            let Some(entries) = self.entries(tree) else {
                let shown = match self.name(path) {
                    "" => ".".to_string(),
                    name => name.to_string(),
                };
                self.out.problems.push(crate::walk::parse_error(
                    &shown,
                    &format!("git tree {tree} is missing or corrupt in the object database"),
                ));
                continue;
            };
            for (kind, name, id) in entries {
                child.clear();
                child.push_str(self.name(path));
                if !child.is_empty() {
                    child.push('/');
                }
                child.push_str(&name);
                let child_id = self.intern(&child);
                match kind {
                    gix::object::tree::EntryKind::Tree => stack.push((id, child_id)),
                    gix::object::tree::EntryKind::Blob
                    | gix::object::tree::EntryKind::BlobExecutable => {
                        self.blob(id, child_id, commit);
                    }
                    gix::object::tree::EntryKind::Link => {
                        if commit.is_some() && self.seen_blobs.insert((id, child_id)) {
                            self.out.symlinks += 1;
                        }
                    }
                    // A submodule's commit lives in another repository.
                    gix::object::tree::EntryKind::Commit => {}
                }
            }
        }
    }

    fn name(&self, path: PathId) -> &str {
        self.names.get(path as usize).map_or("", String::as_str)
    }

    fn intern(&mut self, path: &str) -> PathId {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = PathId::try_from(self.names.len()).unwrap_or(PathId::MAX);
        self.names.push(path.to_string());
        self.ids.insert(path.to_string(), id);
        self.relative.push(None);
        id
    }

    /// The path's index in `out.paths` when it is in scope, decided once per path.
    fn in_scope(&mut self, path: PathId) -> Option<u32> {
        if let Some(Some(decided)) = self.relative.get(path as usize) {
            return *decided;
        }
        let decided = self.scope.relative(self.name(path)).map(|rel| {
            self.out.paths.push(rel);
            u32::try_from(self.out.paths.len() - 1).unwrap_or(u32::MAX)
        });
        if let Some(slot) = self.relative.get_mut(path as usize) {
            *slot = Some(decided);
        }
        decided
    }

    fn blob(&mut self, id: ObjectId, path: PathId, commit: Option<usize>) {
        if self.seen_blobs.contains(&(id, path)) {
            return;
        }
        let Some(rel) = self.in_scope(path) else {
            return;
        };
        self.seen_blobs.insert((id, path));
        let Some(commit) = commit else {
            return;
        };
        match self.index.get(&id) {
            Some(&at) => {
                if let Some(blob) = self.out.blobs.get_mut(at) {
                    blob.paths.push((rel, commit));
                }
            }
            None => {
                let blob = self.out.blobs.len();
                self.index.insert(id, blob);
                self.out.blobs.push(Blob {
                    id,
                    paths: vec![(rel, commit)],
                });
                let path = self
                    .out
                    .paths
                    .get(rel as usize)
                    .cloned()
                    .unwrap_or_default();
                (self.hand_over)(Introduced {
                    blob,
                    id,
                    path,
                    commit,
                });
            }
        }
    }

    /// A tree's entries, names decoded lossily (a path is for people to read).
    fn entries(
        &mut self,
        tree: ObjectId,
    ) -> Option<Vec<(gix::object::tree::EntryKind, String, ObjectId)>> {
        let object = self.repo.try_find_object(tree).ok()??;
        if object.kind != gix::object::Kind::Tree {
            return None;
        }
        self.buf.clear();
        self.buf.extend_from_slice(&object.data);
        let hash = self.repo.object_hash();
        let mut out = Vec::new();
        for entry in gix::objs::TreeRefIter::from_bytes(&self.buf, hash) {
            let entry = entry.ok()?;
            out.push((
                entry.mode.kind(),
                String::from_utf8_lossy(entry.filename).into_owned(),
                entry.oid.to_owned(),
            ));
        }
        Some(out)
    }
}
