//! One finding per secret and path, credited to the commit that first had it there, and the
//! join with the working tree: a secret still in the tree is reported there (with the commit
//! that introduced it), one that is only in history says that deleting it was not enough.

use super::commits::Node;
use super::read::Found;
use crate::checks::secrets;
use crate::model::{CommitInfo, Finding};
use std::collections::{HashMap, HashSet};

/// Keeps the earliest finding of each fingerprint (rule, path and secret: the same identity
/// the working tree uses, so baselines apply to both) and gives it its commit.
pub fn first_introductions(
    repo: &gix::Repository,
    order: &[Node],
    mut found: Vec<Found>,
) -> Vec<Finding> {
    found.sort_by(|a, b| {
        a.commit
            .cmp(&b.commit)
            .then_with(|| a.finding.location.file.cmp(&b.finding.location.file))
            .then_with(|| a.finding.location.line.cmp(&b.finding.location.line))
            .then_with(|| a.finding.location.column.cmp(&b.finding.location.column))
    });
    let mut seen = HashSet::new();
    let mut infos: HashMap<usize, Option<CommitInfo>> = HashMap::new();
    let mut out = Vec::new();
    for Found {
        commit,
        mut finding,
    } in found
    {
        if !seen.insert(finding.fingerprint.clone()) {
            continue;
        }
        finding.commit = infos
            .entry(commit)
            .or_insert_with(|| order.get(commit).and_then(|n| commit_info(repo, n.id)))
            .clone();
        out.push(finding);
    }
    out
}

/// Author, date and summary of a commit, as reports show them.
fn commit_info(repo: &gix::Repository, id: gix::ObjectId) -> Option<CommitInfo> {
    let commit = repo.find_commit(id).ok()?;
    let author = commit.author().ok()?;
    let date = author
        .time()
        .ok()
        .and_then(|t| t.format(gix::date::time::format::ISO8601_STRICT).ok())
        .unwrap_or_default();
    let name = author.name.to_string().trim().to_string();
    let email = author.email.to_string().trim().to_string();
    let summary = commit
        .message_raw_sloppy()
        .to_string()
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_string();
    Some(CommitInfo {
        id: id.to_string(),
        author: name,
        email,
        date,
        summary: safe_summary(summary),
    })
}

/// A commit summary is text from the repository like any file: one that the secret rules match
/// is not shown (`add key abc8Q~…` would otherwise print the key).
fn safe_summary(summary: String) -> String {
    let scanned = secrets::scan_file("COMMIT_EDITMSG", summary.as_bytes());
    if scanned.findings.is_empty() && scanned.suppressed == 0 {
        summary
    } else {
        "(withheld: the commit summary looks like it holds a secret)".to_string()
    }
}

/// Joins history findings to the working tree's. A working-tree finding whose secret (same rule,
/// same value) history also saw gets the commit that introduced it first, and history adds
/// nothing for that secret; what is left exists only in history, and its message says so. A
/// secret only in history at several paths (a file moved, then deleted) is one finding, at
/// its first path, naming the others. Returns the history-only findings.
pub fn merge_into_working_tree(working: &mut [Finding], history: Vec<Finding>) -> Vec<Finding> {
    let key = |f: &Finding| {
        f.secret
            .as_ref()
            .map(|s| (f.rule_id.clone(), s.fingerprint.clone()))
    };
    // History findings are in introduction order: the first of each secret is the earliest.
    let mut earliest: HashMap<(String, String), &Finding> = HashMap::new();
    for finding in &history {
        if let Some(k) = key(finding) {
            earliest.entry(k).or_insert(finding);
        }
    }
    let mut in_tree = HashSet::new();
    for finding in working.iter_mut() {
        let Some(k) = key(finding) else { continue };
        if let Some(first) = earliest.get(&k) {
            if finding.commit.is_none() {
                finding.commit = first.commit.clone();
            }
            in_tree.insert(k);
        }
    }
    let mut only: Vec<(Finding, Vec<String>)> = Vec::new();
    let mut first_of: HashMap<(String, String), usize> = HashMap::new();
    for finding in history {
        let k = key(&finding);
        if k.as_ref().is_some_and(|k| in_tree.contains(k)) {
            continue;
        }
        if let Some(&at) = k.as_ref().and_then(|k| first_of.get(k)) {
            if let Some((kept, others)) = only.get_mut(at) {
                // The most severe place leads (a config file, not the README that quotes it),
                // the earliest among equals.
                if finding.severity > kept.severity {
                    let earlier = std::mem::replace(kept, finding);
                    others.insert(0, place_of(&earlier));
                } else {
                    others.push(place_of(&finding));
                }
            }
            continue;
        }
        if let Some(k) = k {
            first_of.insert(k, only.len());
        }
        only.push((finding, Vec::new()));
    }
    only.into_iter()
        .map(|(finding, others)| only_in_history(finding, &others))
        .collect()
}

/// `path:line @ abc1234`: where else a secret was introduced, for the message.
fn place_of(finding: &Finding) -> String {
    let mut place = finding.location.file.clone().unwrap_or_default();
    if let Some(line) = finding.location.line {
        place.push_str(&format!(":{line}"));
    }
    if let Some(commit) = &finding.commit {
        place.push_str(&format!(" @ {}", commit.short_id()));
    }
    place
}

/// Says that the secret is gone from the working tree but not from the repository.
fn only_in_history(mut finding: Finding, others: &[String]) -> Finding {
    let also = match others {
        [] => String::new(),
        [one] => format!(" (also at {one})"),
        [first, second] => format!(" (also at {first} and {second})"),
        [first, second, rest @ ..] => {
            format!(" (also at {first}, {second} and {} more)", rest.len())
        }
    };
    finding.message = format!(
        "{}; only in git history{also}: it is no longer in the working tree, but every clone \
         still holds it",
        finding.message
    );
    finding.fix = Some(
        "Rotate it: deleting the line or file is not enough, the value stays readable in git \
         history. Create a new credential, switch its users over, revoke this one; rewrite \
         history (git filter-repo) only after it is revoked."
            .to_string(),
    );
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Severity};
    use crate::secret::SecretValue;

    fn secret_finding(file: &str, value: &str, commit: Option<&str>) -> Finding {
        let secret = SecretValue::new(value.to_string());
        let mut f = Finding::new(
            "azure-client-secret",
            Severity::Error,
            Location::file(file, 1, 1),
            "An Entra client secret is committed",
            &secret.fingerprint(),
        )
        .with_secret(&secret);
        f.commit = commit.map(|id| CommitInfo {
            id: id.to_string(),
            author: "A".into(),
            email: "a@example.com".into(),
            date: "2024-01-02T03:04:05+00:00".into(),
            summary: "s".into(),
        });
        f
    }

    #[test]
    fn a_secret_still_in_the_tree_is_reported_there_with_its_commit() {
        let mut working = vec![secret_finding("b.env", "one", None)];
        let history = vec![
            secret_finding("a.env", "one", Some("1111111111")),
            secret_finding("b.env", "one", Some("2222222222")),
            secret_finding("a.env", "two", Some("3333333333")),
        ];
        let only = merge_into_working_tree(&mut working, history);
        assert_eq!(
            working[0].commit.as_ref().map(|c| c.id.as_str()),
            Some("1111111111"),
            "the earliest commit that had the value"
        );
        assert_eq!(only.len(), 1);
        // Moved, then deleted: one finding, naming the other path.
        let moved = vec![
            secret_finding("old/a.env", "three", Some("4444444444")),
            secret_finding("new/a.env", "three", Some("5555555555")),
        ];
        let only_moved = merge_into_working_tree(&mut [], moved.clone());
        assert_eq!(only_moved.len(), 1);
        assert_eq!(only_moved[0].location.file.as_deref(), Some("old/a.env"));
        assert!(
            only_moved[0]
                .message
                .contains("(also at new/a.env:1 @ 5555555)"),
            "{}",
            only_moved[0].message
        );
        // A note first (docs quoting it), an error later: the error leads.
        let mut quoted = moved;
        quoted[0].severity = Severity::Note;
        let led = merge_into_working_tree(&mut [], quoted);
        assert_eq!(led[0].location.file.as_deref(), Some("new/a.env"));
        assert_eq!(led[0].severity, Severity::Error);
        assert!(
            led[0].message.contains("(also at old/a.env:1 @ 4444444)"),
            "{}",
            led[0].message
        );
        assert!(only[0]
            .message
            .contains("only in git history: it is no longer in the working tree"));
        assert!(only[0]
            .fix
            .as_deref()
            .unwrap_or("")
            .starts_with("Rotate it"));
    }

    #[test]
    fn a_summary_holding_a_secret_is_withheld() {
        assert_eq!(safe_summary("Add settings".into()), "Add settings");
        let leaky = "add AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        assert!(safe_summary(format!(
            "DefaultEndpointsProtocol=https;AccountName=x;{leaky}"
        ))
        .starts_with("(withheld"));
    }
}
