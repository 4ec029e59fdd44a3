//! Runs the rule table over one file: keyword pass, regexes near the hits, validation,
//! overlap resolution, positions and inline suppression.

use super::assignment;
use super::catalog::RULES;
use super::filekind::FileKind;
use super::placeholder;
use super::position::{char_count, Cursor};
use super::prefilter::{Hit, Prefilter, MAX_RULES};
use super::rule::{Candidate, Confidence, Reach, Rule};
use super::FileScan;
use crate::checks::suppress;
use crate::model::{Finding, Location, Severity};
use crate::secret::SecretValue;
use regex::bytes::{CaptureLocations, Regex};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Bytes of a line looked at before a keyword hit (the rest of a longer line is not).
const LINE_BEFORE: usize = 1024;
/// Bytes of a line looked at after a keyword hit.
const LINE_AFTER: usize = 2048;
/// How far a window edge may move to avoid cutting a token (a key, a base64 run) in two.
const TOKEN_SLACK: usize = 512;
/// Longest name scanned back from a keyword for [`Reach::Name`] rules.
const NAME_BACK: usize = 128;
/// Bytes after a name's start that a [`Reach::Name`] rule may look at.
const NAME_WINDOW: usize = 768;
/// Regions closer than this are run as one, saving per-search overhead on keyword-dense
/// files. Safe because every pattern needs its own keyword or context to match.
const MERGE_GAP: usize = 256;

/// A rule ready to run: its regex and the capture groups it uses.
#[derive(Debug)]
pub struct Compiled {
    /// The rule's data.
    pub rule: &'static Rule,
    regex: Regex,
    secret_groups: Vec<usize>,
    at_group: Option<usize>,
    key_group: Option<usize>,
    kind_group: Option<usize>,
    default: Severity,
    /// The rule's `token` bytes as a table, for the quick run-length test before the regex.
    token_bytes: Option<[bool; 256]>,
}

/// Every rule compiled once, plus the keyword automaton that routes hits to them.
#[derive(Debug)]
pub struct Engine {
    /// Rules that compiled and whose id is in the catalog (all of them; a test checks).
    pub rules: Vec<Compiled>,
    /// The keyword pass over all rules.
    pub prefilter: Prefilter,
    /// The keyword pass for dependency lock files, over the few rules that run there
    /// ([`Rule::in_lock_files`]): lock files are large and full of words like `key` and
    /// `token` that no other rule may act on there.
    pub lock_prefilter: Prefilter,
}

/// The engine, built on first use.
pub static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(RULES));

impl Engine {
    /// Compiles `rules`, leaving out any entry whose pattern does not compile or whose id is
    /// not in `crate::rules` (the catalog tests make sure there are none).
    pub fn new(rules: &'static [Rule]) -> Self {
        let compiled: Vec<Compiled> = rules.iter().filter_map(compile).take(MAX_RULES).collect();
        let prefilter =
            Prefilter::with_markers(compiled.iter().map(|c| (c.rule.keywords, c.rule.markers)));
        // The same rule indices, with no words for the rules that skip lock files.
        let lock_prefilter = Prefilter::with_markers(compiled.iter().map(|c| {
            if c.rule.in_lock_files {
                (c.rule.keywords, c.rule.markers)
            } else {
                (&[][..], &[][..])
            }
        }));
        Self {
            rules: compiled,
            prefilter,
            lock_prefilter,
        }
    }
}

fn compile(rule: &'static Rule) -> Option<Compiled> {
    let default = crate::rules::find(rule.id)?.severity;
    let regex = if rule.reach == Reach::Name {
        Regex::new(&format!("^(?:{})", rule.pattern)).ok()?
    } else {
        Regex::new(rule.pattern).ok()?
    };
    let mut secret_groups = Vec::new();
    let (mut at_group, mut key_group, mut kind_group) = (None, None, None);
    for (index, name) in regex.capture_names().enumerate() {
        match name {
            Some(n) if n.starts_with("secret") => secret_groups.push(index),
            Some("at") => at_group = Some(index),
            Some("key") => key_group = Some(index),
            Some("kind") => kind_group = Some(index),
            _ => {}
        }
    }
    if secret_groups.is_empty() {
        return None;
    }
    let token_bytes = rule.token.filter(|_| rule.min_len > 0).map(|is_token| {
        let mut table = [false; 256];
        for (b, slot) in (0..=u8::MAX).zip(table.iter_mut()) {
            *slot = is_token(b);
        }
        table
    });
    Some(Compiled {
        token_bytes,
        rule,
        regex,
        secret_groups,
        at_group,
        key_group,
        kind_group,
        default,
    })
}

/// A half-open byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// A validated match waiting for overlap resolution.
#[derive(Clone)]
struct Found {
    rule: &'static Rule,
    precedence: u8,
    /// Where the finding points (the value, or the `at` group).
    at: Span,
    /// Everything the finding covers, for overlap tests.
    cover: Span,
    severity: Severity,
    /// The validator proved the value real (a checksum holds): no context lowers it.
    certain: bool,
    message: String,
    value: SecretValue,
}

/// Scans one file. See [`super::scan_file`].
pub fn scan(path: &str, bytes: &[u8]) -> FileScan {
    let found = matches(FileKind::of_name(path), bytes);
    if found.is_empty() {
        return FileScan::default();
    }
    // The file's context (a test, vendored code, docs) matters only once something was found.
    emit(path, bytes, FileKind::of(path), found)
}

/// Scans one content seen at several paths. See [`super::scan_paths`].
pub fn scan_paths(paths: &[&str], bytes: &[u8]) -> Vec<FileScan> {
    let mut by_name: Vec<(FileKind, Vec<Found>)> = Vec::new();
    paths
        .iter()
        .map(|path| {
            let kind = FileKind::of_name(path);
            let at = match by_name.iter().position(|(k, _)| *k == kind) {
                Some(at) => at,
                None => {
                    by_name.push((kind, matches(kind, bytes)));
                    by_name.len() - 1
                }
            };
            match by_name.get(at) {
                Some((_, found)) if !found.is_empty() => {
                    emit(path, bytes, FileKind::of(path), found.clone())
                }
                _ => FileScan::default(),
            }
        })
        .collect()
}

/// Every validated match in `bytes` for a file of kind `file` (as far as its name tells),
/// overlaps resolved: what the rules find before the path's context sets severities.
fn matches(file: FileKind, bytes: &[u8]) -> Vec<Found> {
    let engine = &*ENGINE;
    let regions = regions(engine, file, bytes);
    let mut found = Vec::new();
    for (index, spans) in regions.iter().enumerate() {
        let Some(compiled) = engine.rules.get(index) else {
            continue;
        };
        if spans.is_empty() {
            continue;
        }
        let mut locations = compiled.regex.capture_locations();
        // A name that starts inside an earlier match of the same rule is part of that match's
        // value (`secret=secret=…`), not an assignment of its own: skipping it keeps
        // keyword-dense lines linear instead of one window per keyword.
        let mut matched_until = 0;
        for span in spans {
            if compiled.rule.reach == Reach::Name && span.start < matched_until {
                continue;
            }
            let end = run(compiled, file, bytes, *span, &mut locations, &mut found);
            matched_until = matched_until.max(end);
        }
    }
    if found.is_empty() {
        return found;
    }
    resolve_overlaps(found)
}

fn slice(bytes: &[u8], start: usize, end: usize) -> &[u8] {
    bytes.get(start..end).unwrap_or(&[])
}

/// For each rule, the merged byte ranges its regex must cover. Empty when no keyword occurs.
fn regions(engine: &Engine, file: FileKind, bytes: &[u8]) -> Vec<Vec<Span>> {
    let mut regions: Vec<Vec<Span>> = Vec::new();
    let prefilter = if file.lock {
        &engine.lock_prefilter
    } else {
        &engine.prefilter
    };
    prefilter.for_each_hit(bytes, |hit| {
        let mut mask = hit.rules;
        while mask != 0 {
            let index = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let Some(compiled) = engine.rules.get(index) else {
                continue;
            };
            if file.lock && !compiled.rule.in_lock_files {
                continue;
            }
            if regions.is_empty() {
                regions.resize(engine.rules.len(), Vec::new());
            }
            let Some(list) = regions.get_mut(index) else {
                continue;
            };
            if compiled.rule.reach == Reach::Name {
                let span = name_window(bytes, &hit);
                if list.last().map(|last| last.start) != Some(span.start) {
                    list.push(span);
                }
                continue;
            }
            if let Some(last) = list.last() {
                if hit.start >= last.start && hit.end <= last.end {
                    continue; // Already covered: the common case on keyword-dense lines.
                }
            }
            let span = region(bytes, &hit, compiled.rule.reach);
            match list.last_mut() {
                Some(last)
                    if span.start <= last.end.saturating_add(MERGE_GAP)
                        && span.end >= last.start =>
                {
                    last.start = last.start.min(span.start);
                    last.end = last.end.max(span.end);
                }
                _ => list.push(span),
            }
        }
    });
    // The keyword searchers report in order each, not together: put every list in order.
    for (list, compiled) in regions.iter_mut().zip(&engine.rules) {
        if compiled.rule.reach == Reach::Name {
            list.sort_unstable_by_key(|s| s.start);
            list.dedup_by_key(|s| s.start);
        } else {
            merge(list);
        }
    }
    regions
}

/// From the start of the name holding `hit` to the end of its line, bounded.
fn name_window(bytes: &[u8], hit: &Hit) -> Span {
    let floor = hit.start.saturating_sub(NAME_BACK);
    let mut start = hit.start;
    while start > floor
        && bytes
            .get(start - 1)
            .copied()
            .is_some_and(assignment::is_name_byte)
    {
        start -= 1;
    }
    let hi = start.saturating_add(NAME_WINDOW).min(bytes.len());
    let end = memchr::memchr(b'\n', slice(bytes, hit.end, hi)).map_or(hi, |i| hit.end + i);
    Span { start, end }
}

/// Sorts and merges overlapping spans.
fn merge(list: &mut Vec<Span>) {
    list.sort_unstable_by_key(|s| s.start);
    let mut merged: Vec<Span> = Vec::with_capacity(list.len());
    for span in list.drain(..) {
        match merged.last_mut() {
            Some(last) if span.start <= last.end.saturating_add(MERGE_GAP) => {
                last.end = last.end.max(span.end);
            }
            _ => merged.push(span),
        }
    }
    *list = merged;
}

/// The bytes a rule looks at for one keyword hit.
fn region(bytes: &[u8], hit: &Hit, reach: Reach) -> Span {
    let (before, after) = match reach {
        Reach::Line | Reach::Name => (LINE_BEFORE, LINE_AFTER),
        Reach::Lines { before, after } => (before, after),
    };
    let lo = hit.start.saturating_sub(before);
    let hi = hit.end.saturating_add(after).min(bytes.len());
    let (start, end) = match reach {
        Reach::Line | Reach::Name => (
            memchr::memrchr(b'\n', slice(bytes, lo, hit.start)).map_or(lo, |i| lo + i + 1),
            memchr::memchr(b'\n', slice(bytes, hit.end, hi)).map_or(hi, |i| hit.end + i),
        ),
        Reach::Lines { .. } => (
            line_start_near(bytes, lo),
            memchr::memchr(
                b'\n',
                slice(bytes, hi, hi.saturating_add(TOKEN_SLACK).min(bytes.len())),
            )
            .map_or(hi, |i| hi + i),
        ),
    };
    Span {
        start: extend_back(bytes, start),
        end: extend_forward(bytes, end),
    }
}

/// The start of the line holding `offset`, if it is near; otherwise `offset`.
fn line_start_near(bytes: &[u8], offset: usize) -> usize {
    let lo = offset.saturating_sub(TOKEN_SLACK);
    memchr::memrchr(b'\n', slice(bytes, lo, offset))
        .map_or(if lo == 0 { 0 } else { offset }, |i| lo + i + 1)
}

/// Bytes that can continue a token across a window edge.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'~' | b'.' | b'-' | b'%')
}

/// Moves a window start that cuts a token back to the token's start (bounded).
fn extend_back(bytes: &[u8], start: usize) -> usize {
    let floor = start.saturating_sub(TOKEN_SLACK);
    let mut s = start;
    while s > floor && bytes.get(s - 1).copied().is_some_and(is_token_byte) {
        s -= 1;
    }
    s
}

/// Moves a window end that cuts a token forward to the token's end (bounded).
fn extend_forward(bytes: &[u8], end: usize) -> usize {
    let ceiling = end.saturating_add(TOKEN_SLACK).min(bytes.len());
    let mut e = end;
    while e < ceiling && bytes.get(e).copied().is_some_and(is_token_byte) {
        e += 1;
    }
    e
}

/// Runs one rule's regex over one region and keeps what its validator accepts. Returns the
/// end (a file offset) of the last match, accepted or not; the region's start when none.
fn run(
    compiled: &Compiled,
    file: FileKind,
    bytes: &[u8],
    region: Span,
    locations: &mut CaptureLocations,
    found: &mut Vec<Found>,
) -> usize {
    let rule = compiled.rule;
    let haystack = slice(bytes, region.start, region.end);
    if let Some(table) = &compiled.token_bytes {
        if !has_run(haystack, table, rule.min_len) {
            return region.start;
        }
    }
    if rule.reach == Reach::Name && assignment::assigned_name(haystack).is_none() {
        return region.start;
    }
    let mut from = 0;
    let mut matched_until = region.start;
    while from <= haystack.len() {
        let Some(groups) = next_match(compiled, haystack, from, locations) else {
            break;
        };
        matched_until = region.start + groups.end;
        from = if groups.end > groups.start {
            groups.end
        } else {
            groups.end + 1
        };
        let group = |g: Option<Span>| -> Option<Span> {
            let g = g?;
            Some(Span {
                start: region.start + g.start,
                end: region.start + g.end,
            })
        };
        let Some(value) = group(groups.value) else {
            continue;
        };
        if let Some(is_token) = rule.token {
            let before = value
                .start
                .checked_sub(1)
                .and_then(|i| bytes.get(i))
                .copied();
            let after = bytes.get(value.end).copied();
            if before.is_some_and(is_token) || after.is_some_and(is_token) {
                continue;
            }
        }
        let text = String::from_utf8_lossy(slice(bytes, value.start, value.end));
        let key = group(groups.key).map(|s| String::from_utf8_lossy(slice(bytes, s.start, s.end)));
        let kind =
            group(groups.kind).map(|s| String::from_utf8_lossy(slice(bytes, s.start, s.end)));
        let candidate = Candidate {
            bytes,
            file,
            secret: &text,
            start: value.start,
            end: value.end,
            key: key.as_deref(),
            kind: kind.as_deref(),
            quoted: is_quoted(bytes, value),
            default: compiled.default,
        };
        // The rule's own validator first: it rejects most matches cheaply.
        let Some(verdict) = (rule.validate)(&candidate) else {
            continue;
        };
        // A published emulator key that a storage rule allows is no leak, but worth a note: a
        // deployed environment that inherits it talks to nothing (or to the wrong account).
        let emulator =
            placeholder::emulator_key(&text).filter(|_| rule.allow.contains(&text.as_ref()));
        if emulator.is_none()
            && (placeholder::is_not_a_secret(&text) || rule.allow.contains(&text.as_ref()))
        {
            continue;
        }
        let at = group(groups.at).unwrap_or(value);
        let (severity, message) = match emulator {
            Some(which) => (
                Severity::Note,
                format!(
                    "{which}: public and harmless on a developer machine, but a deployed \
                     environment must not use it"
                ),
            ),
            None => (verdict.severity, verdict.message),
        };
        let mut message = without_secret(message, &text);
        let secret = match verdict.value {
            Some(value) => {
                // A validator's own value (a PEM body without its line breaks) is hidden too.
                message = without_secret(message, value.expose());
                value
            }
            None => SecretValue::new(text),
        };
        found.push(Found {
            rule,
            precedence: rule.precedence,
            at,
            cover: Span {
                start: at.start.min(value.start),
                end: at.end.max(value.end),
            },
            severity,
            certain: verdict.certain,
            message,
            value: secret,
        });
    }
    matched_until
}

/// One match's bounds and groups, relative to the haystack it was found in.
struct Groups {
    start: usize,
    end: usize,
    value: Option<Span>,
    key: Option<Span>,
    kind: Option<Span>,
    at: Option<Span>,
}

/// The next match at or after `from`: by the rule's hand-written [`Rule::parser`] where it
/// has one (anchored, so only at 0), otherwise by its regex.
fn next_match(
    compiled: &Compiled,
    haystack: &[u8],
    from: usize,
    locations: &mut CaptureLocations,
) -> Option<Groups> {
    let span = |r: std::ops::Range<usize>| Span {
        start: r.start,
        end: r.end,
    };
    if let Some(parser) = compiled.rule.parser {
        if from > 0 {
            return None;
        }
        let found = parser(haystack)?;
        return Some(Groups {
            start: 0,
            end: found.end,
            value: Some(span(found.value)),
            key: Some(span(found.key)),
            kind: None,
            at: None,
        });
    }
    let m = compiled.regex.captures_read_at(locations, haystack, from)?;
    let group = |g: Option<usize>| -> Option<Span> {
        let (start, end) = locations.get(g?)?;
        Some(Span { start, end })
    };
    Some(Groups {
        start: m.start(),
        end: m.end(),
        value: compiled.secret_groups.iter().find_map(|g| group(Some(*g))),
        key: group(compiled.key_group),
        kind: group(compiled.kind_group),
        at: group(compiled.at_group),
    })
}

/// Whether `bytes` hold `len` consecutive bytes that `table` accepts.
///
/// Looks at the last byte of each window of `len` first: in text, where runs that long are
/// rare, one byte that `table` rejects rules the whole window out, so most bytes are never
/// read. Bytes already known to be in a run are not looked at twice, so it stays linear.
fn has_run(bytes: &[u8], table: &[bool; 256], len: usize) -> bool {
    if len == 0 {
        return true;
    }
    let accepts = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|b| table.get(usize::from(*b)) == Some(&true))
    };
    // The window starts at `start`; bytes `start..good_to` are known to be accepted.
    let mut start: usize = 0;
    let mut good_to: usize = 0;
    while start.saturating_add(len) <= bytes.len() {
        let last = start + len - 1;
        if !accepts(last) {
            start = last + 1;
            good_to = start;
            continue;
        }
        match (good_to.max(start)..last).rev().find(|&i| !accepts(i)) {
            None => return true,
            Some(rejected) => {
                good_to = last + 1;
                start = rejected + 1;
            }
        }
    }
    false
}

/// Shortest run of a secret's characters that counts as showing it (the redaction tests'
/// measure).
const SHOWN: usize = 12;

/// `message` with every run of [`SHOWN`] or more characters it shares with `secret` cut to `…`.
/// Messages quote names from the file (the key a value is assigned to), and a file can make a
/// name hold the secret itself, e.g. `"<secret>" = "<part of it>"`.
fn without_secret(message: String, secret: &str) -> String {
    // Byte offset of every character of the message, and its end.
    let bounds: Vec<usize> = message
        .char_indices()
        .map(|(i, _)| i)
        .chain([message.len()])
        .collect();
    let mut hidden = vec![false; bounds.len().saturating_sub(1)];
    let mut any = false;
    for (start, window) in bounds.windows(SHOWN + 1).enumerate() {
        let run = match (window.first(), window.last()) {
            (Some(&from), Some(&to)) => message.get(from..to),
            _ => None,
        };
        if run.is_some_and(|run| secret.contains(run)) {
            any = true;
            hidden
                .iter_mut()
                .skip(start)
                .take(SHOWN)
                .for_each(|h| *h = true);
        }
    }
    if !any {
        return message;
    }
    let mut out = String::with_capacity(message.len());
    let mut in_run = false;
    for (c, h) in message.chars().zip(&hidden) {
        if !*h {
            out.push(c);
        } else if !in_run {
            out.push('…');
        }
        in_run = *h;
    }
    out
}

/// Whether the value sits between a pair of matching quotes.
fn is_quoted(bytes: &[u8], value: Span) -> bool {
    let before = value.start.checked_sub(1).and_then(|i| bytes.get(i));
    let after = bytes.get(value.end);
    matches!((before, after), (Some(a), Some(b)) if a == b && matches!(a, b'"' | b'\'' | b'`'))
}

/// Keeps one finding per span: where spans overlap, the more specific rule (higher precedence,
/// then the wider span) wins.
fn resolve_overlaps(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by(|a, b| {
        b.precedence
            .cmp(&a.precedence)
            .then_with(|| (b.cover.end - b.cover.start).cmp(&(a.cover.end - a.cover.start)))
            .then_with(|| a.cover.start.cmp(&b.cover.start))
    });
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut kept = Vec::with_capacity(found.len());
    for f in found {
        let Span { start, end } = f.cover;
        let clash = taken
            .range(..end)
            .next_back()
            .is_some_and(|(_, taken_end)| *taken_end > start);
        if !clash {
            taken.insert(start, end);
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| (f.at.start, f.at.end));
    kept
}

/// Turns kept matches into findings, dropping those an allow comment covers and lowering
/// the severity of those found where values are usually made up ([`in_context`]).
fn emit(path: &str, bytes: &[u8], file: FileKind, kept: Vec<Found>) -> FileScan {
    let mut scan = FileScan::default();
    let mut cursor = Cursor::new(bytes);
    for f in kept {
        let (line, column) = cursor.position(f.at.start);
        if suppress::line_allows(line_at(bytes, cursor.line_start()), f.rule.id) {
            scan.suppressed += 1;
            continue;
        }
        let width = char_count(slice(bytes, f.at.start, f.at.end));
        let end_column = column.saturating_add(u32::try_from(width).unwrap_or(u32::MAX));
        let (severity, message) = in_context(&f, file);
        let finding = Finding::new(
            f.rule.id,
            severity,
            Location::file(path, line, column).with_end_column(end_column),
            message,
            &f.value.fingerprint(),
        )
        .with_secret(&f.value)
        .with_fix(f.rule.fix);
        scan.findings.push(finding);
    }
    scan
}

/// The severity and message of a finding where it was found. In test code, test data and
/// vendored code every match becomes a note, and in documentation and examples a match of a
/// [`Confidence::Heuristic`] rule does: such values are written to show a shape, and a gate
/// that fails on them is switched off. A match the validator proved real (a valid checksum)
/// keeps its severity wherever it is. Notes still reach JSON and SARIF.
fn in_context(f: &Found, file: FileKind) -> (Severity, String) {
    if f.certain || f.severity == Severity::Note {
        return (f.severity, f.message.clone());
    }
    let context = file.made_up_context().or_else(|| {
        (file.docs && f.rule.confidence == Confidence::Heuristic)
            .then_some("documentation or an example")
    });
    match context {
        Some(context) => (
            Severity::Note,
            format!(
                "{}; in {context}, so reported as a note (rotate it if it is real)",
                f.message
            ),
        ),
        None => (f.severity, f.message.clone()),
    }
}

/// The line starting at `line_start`, without its line break.
fn line_at(bytes: &[u8], line_start: usize) -> &[u8] {
    let rest = bytes.get(line_start..).unwrap_or(&[]);
    memchr::memchr(b'\n', rest).map_or(rest, |i| slice(rest, 0, i))
}

#[cfg(test)]
mod run_tests {
    use super::has_run;

    /// The obvious byte-by-byte count, the reference `has_run` must agree with.
    fn counted(bytes: &[u8], table: &[bool; 256], len: usize) -> bool {
        let mut run = 0;
        bytes.iter().any(|b| {
            run = if table[usize::from(*b)] { run + 1 } else { 0 };
            run >= len
        }) || len == 0
    }

    #[test]
    fn agrees_with_counting_on_every_shape_of_input() {
        let mut table = [false; 256];
        table[usize::from(b'a')] = true;
        // A deterministic generator: runs of every length around `len`, at every offset.
        let mut seed: u64 = 7;
        for _ in 0..4000 {
            let mut bytes = Vec::new();
            let size = (seed % 90) as usize;
            for _ in 0..size {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                bytes.push(if (seed >> 33) % 7 == 0 { b'.' } else { b'a' });
            }
            for len in [0, 1, 2, 5, 13, 40] {
                assert_eq!(
                    has_run(&bytes, &table, len),
                    counted(&bytes, &table, len),
                    "{len} {:?}",
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
        assert!(!has_run(b"", &table, 1));
        assert!(has_run(b"..aaaa", &table, 4));
        assert!(!has_run(b"aaa.aaa", &table, 4));
    }
}
