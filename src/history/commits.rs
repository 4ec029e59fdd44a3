//! Which commits a history scan reads: the selection (`--history`, `--all-refs`, `--commits
//! RANGE`) resolved to tips and hidden commits, walked, and put in an order where every commit
//! comes after its parents, so the first commit a blob is seen in is the one that introduced it.

use anyhow::{anyhow, bail, Result};
use gix::ObjectId;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// What part of the history to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every commit reachable from `HEAD` (`--history`), or from every ref (`--all-refs`).
    Reachable {
        /// Every ref (branches, tags, remotes, stashes), not only `HEAD`.
        all_refs: bool,
    },
    /// A git rev-range (`BASE..HEAD`, `A...B`, `HEAD~5..`): only the commits it names.
    Range(String),
}

impl Selection {
    /// How a report names the selection: `HEAD`, `all refs`, or the range as written.
    pub fn label(&self) -> String {
        match self {
            Selection::Reachable { all_refs: false } => "HEAD".to_string(),
            Selection::Reachable { all_refs: true } => "all refs".to_string(),
            Selection::Range(spec) => spec.clone(),
        }
    }
}

/// One walked commit.
#[derive(Clone, Debug)]
pub struct Node {
    /// Its id.
    pub id: ObjectId,
    /// Its parents' ids (some may lie outside the walk).
    pub parents: Vec<ObjectId>,
    /// Committer time, seconds since the epoch: the tie-break between unrelated branches.
    pub time: i64,
}

/// The walked commits in parents-first order, and what lies just outside the walk.
#[derive(Debug, Default)]
pub struct Walked {
    /// Every selected commit, each after all of its selected parents.
    pub order: Vec<Node>,
    /// Parents of selected commits that are not selected themselves but are in the repository
    /// (the base of a range): their content was there before, so it is not introduced again.
    pub boundary: Vec<ObjectId>,
    /// Selected commits whose parents the clone does not have (a shallow clone's edge).
    pub shallow_edge: Vec<ObjectId>,
}

/// The tips to walk from and the commits to hide, for a selection.
pub fn resolve(
    repo: &gix::Repository,
    selection: &Selection,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
    match selection {
        Selection::Reachable { all_refs: false } => match repo.head_id() {
            Ok(id) => Ok((vec![id.detach()], Vec::new())),
            // An unborn HEAD (a repository without commits) has no history to read.
            Err(_) => Ok((Vec::new(), Vec::new())),
        },
        Selection::Reachable { all_refs: true } => {
            let mut tips = Vec::new();
            let platform = repo
                .references()
                .map_err(|e| anyhow!("cannot list the repository's refs: {e}"))?;
            let refs = platform
                .all()
                .map_err(|e| anyhow!("cannot list the repository's refs: {e}"))?;
            for reference in refs.flatten() {
                let mut reference = reference;
                // Tags of trees or blobs, and refs to missing objects, have no commits to walk.
                if let Ok(commit) = reference.peel_to_commit() {
                    tips.push(commit.id);
                }
            }
            if let Ok(id) = repo.head_id() {
                tips.push(id.detach());
            }
            tips.sort();
            tips.dedup();
            Ok((tips, Vec::new()))
        }
        Selection::Range(spec) => resolve_range(repo, spec),
    }
}

fn resolve_range(repo: &gix::Repository, spec: &str) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
    use gix::revision::plumbing::Spec;
    let parsed = repo.rev_parse(spec).map_err(|e| {
        // Name the side that does not resolve, as `git log` does.
        let unknown = spec
            .split("...")
            .flat_map(|s| s.split(".."))
            .map(str::trim)
            .find(|side| !side.is_empty() && repo.rev_parse_single(*side).is_err());
        match unknown {
            Some(side) => anyhow!("--commits {spec}: unknown revision `{side}` ({e})"),
            None => anyhow!("--commits {spec}: not a revision range git understands ({e})"),
        }
    })?;
    Ok(match parsed.detach() {
        Spec::Range { from, to } => (vec![to], vec![from]),
        Spec::Merge { theirs, ours } => {
            let bases = repo
                .merge_bases_many(theirs, &[ours])
                .map_err(|e| anyhow!("--commits {spec}: no merge base ({e})"))?;
            (
                vec![theirs, ours],
                bases.into_iter().map(|b| b.detach()).collect(),
            )
        }
        Spec::Include(id) => (vec![id], Vec::new()),
        _ => bail!(
            "--commits {spec}: not a range of commits; write BASE..HEAD (or A...B, or one \
             revision for it and its ancestors)"
        ),
    })
}

/// Walks from `tips`, leaving out everything reachable from `hidden`.
pub fn walk(repo: &gix::Repository, tips: &[ObjectId], hidden: &[ObjectId]) -> Result<Walked> {
    if tips.is_empty() {
        return Ok(Walked::default());
    }
    let shallow: Vec<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let walk = repo
        .rev_walk(tips.iter().copied())
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            gix::traverse::commit::simple::CommitTimeOrder::NewestFirst,
        ))
        .with_hidden(hidden.iter().copied())
        .all()
        .map_err(|e| anyhow!("cannot walk the git history: {e}"))?;
    let mut nodes = Vec::new();
    for info in walk {
        let info = info.map_err(|e| anyhow!("cannot walk the git history: {e}"))?;
        nodes.push(Node {
            id: info.id,
            parents: info.parent_ids.iter().copied().collect(),
            time: info.commit_time.unwrap_or(0),
        });
    }
    let selected: HashMap<ObjectId, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut boundary = Vec::new();
    let mut shallow_edge = Vec::new();
    for node in &nodes {
        if shallow.binary_search(&node.id).is_ok() {
            shallow_edge.push(node.id);
            continue;
        }
        for parent in &node.parents {
            if !selected.contains_key(parent) && repo.has_object(parent) {
                boundary.push(*parent);
            }
        }
    }
    boundary.sort();
    boundary.dedup();
    Ok(Walked {
        order: parents_first(nodes, &selected),
        boundary,
        shallow_edge,
    })
}

/// Kahn's algorithm over the selected commits: a commit is ready once its selected parents are
/// placed, and among ready commits the oldest goes first, so of two branches that introduce
/// the same content the earlier one is credited with it.
fn parents_first(nodes: Vec<Node>, selected: &HashMap<ObjectId, usize>) -> Vec<Node> {
    let mut waiting: Vec<usize> = vec![0; nodes.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (index, node) in nodes.iter().enumerate() {
        for parent in &node.parents {
            if let Some(&p) = selected.get(parent) {
                if let (Some(w), Some(c)) = (waiting.get_mut(index), children.get_mut(p)) {
                    *w += 1;
                    c.push(index);
                }
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, usize)>> = waiting
        .iter()
        .enumerate()
        .filter(|(_, w)| **w == 0)
        .filter_map(|(i, _)| nodes.get(i).map(|n| Reverse((n.time, i))))
        .collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(Reverse((_, index))) = ready.pop() {
        order.push(index);
        for &child in children.get(index).map(Vec::as_slice).unwrap_or_default() {
            if let Some(w) = waiting.get_mut(child) {
                *w -= 1;
                if *w == 0 {
                    if let Some(n) = nodes.get(child) {
                        ready.push(Reverse((n.time, child)));
                    }
                }
            }
        }
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn parents_come_first_and_the_older_branch_wins_ties() {
        // 1 ─ 2 ─ 4 (merge of 2 and 3)
        //   └ 3 ┘   with 3 older than 2
        let nodes = vec![
            Node {
                id: id(4),
                parents: vec![id(2), id(3)],
                time: 40,
            },
            Node {
                id: id(2),
                parents: vec![id(1)],
                time: 30,
            },
            Node {
                id: id(3),
                parents: vec![id(1)],
                time: 20,
            },
            Node {
                id: id(1),
                parents: vec![],
                time: 10,
            },
        ];
        let selected = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        let order: Vec<ObjectId> = parents_first(nodes, &selected)
            .iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(order, vec![id(1), id(3), id(2), id(4)]);
    }

    #[test]
    fn a_parent_outside_the_selection_does_not_block() {
        let nodes = vec![Node {
            id: id(2),
            parents: vec![id(9)],
            time: 5,
        }];
        let selected = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        assert_eq!(parents_first(nodes, &selected).len(), 1);
    }
}
