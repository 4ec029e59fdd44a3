//! dotenvy as the oracle of our `.env` parser (`src/extract/dotenv.rs`): we parse `.env` files
//! ourselves because findings need each value's line and column, and this suite proves we read
//! what dotenvy reads. For every `.env` file of the repository (fixtures, the demo) and a
//! generated corpus (quotes, escapes, `export`, comments, values spanning lines, BOM, CRLF, empty
//! values, spaces around `=`), each logical line gives the same key and value as dotenvy's
//! iterator, and a line dotenvy refuses is refused by us and reported as a `parse-error`.
//!
//! Where the two differ on purpose, the difference is one of [`OnPurpose`], checked for what it
//! claims (never a skip), and each one the corpus hits is counted so none goes stale unnoticed.

use credgate::extract::dotenv;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The differences from dotenvy 0.15.7 that are deliberate (module comment of
/// `src/extract/dotenv.rs` says why).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum OnPurpose {
    /// `$NAME` / `${NAME}` kept as written; dotenvy substitutes the process's variables or
    /// earlier lines' values. Checked: substituting ours as dotenvy does gives dotenvy's value.
    KeptReference,
    /// `"…$NAME"` or `"…$"`: dotenvy takes the closing quote literally and refuses the line (or
    /// reads on as if still quoted); we close the quote there. Checked: the line has a `$`
    /// right before a `"`, and our value (when we read one) keeps the `$`.
    QuoteAfterReference,
    /// The last line, without a newline, ends in whitespace or `\`: dotenvy's reader waits for
    /// more input and refuses it. Checked: with a newline appended dotenvy reads what we read.
    LastLineWithoutNewline,
}

/// What one file's comparison found.
#[derive(Default)]
struct Outcome {
    /// Deliberate differences met, by kind.
    on_purpose: BTreeMap<OnPurpose, usize>,
    /// Lines both refused.
    refused: usize,
    /// Lines both read alike.
    same: usize,
}

/// dotenvy's items for `text`, from its iterator (the loaders skip a byte order mark first,
/// which the iterators do not: we hand it the text as its loaders would).
fn dotenvy_items(text: &str) -> Vec<Result<(String, String), String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    dotenvy::from_read_iter(text.as_bytes())
        .map(|item| item.map_err(|e| e.to_string()))
        .collect()
}

/// Whether dotenvy's value is ours with references replaced as dotenvy replaces them: the
/// process's variable, else the value an earlier line gave (`prior`), else nothing. A bare name
/// is letters and digits; `${…}` runs to `}`. A `$` of ours may also be a literal one (written
/// `\$` or inside single quotes), so each `$` is tried both ways.
fn substitutes_to(ours: &str, theirs: &str, prior: &HashMap<String, String>) -> bool {
    let Some(at) = ours.find('$') else {
        return ours == theirs;
    };
    let (before, rest) = ours.split_at(at);
    let Some(theirs_rest) = theirs.strip_prefix(before) else {
        return false;
    };
    let after_dollar = rest.get(1..).unwrap_or("");
    // Taken literally.
    if let Some(t) = theirs_rest.strip_prefix('$') {
        if substitutes_to(after_dollar, t, prior) {
            return true;
        }
    }
    // Taken as a reference.
    let (name, after) = match after_dollar.strip_prefix('{') {
        Some(braced) => match braced.split_once('}') {
            Some((name, after)) => (name, after),
            None => (braced, ""),
        },
        None => {
            let end = after_dollar
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(after_dollar.len());
            after_dollar.split_at(end)
        }
    };
    let value = std::env::var(name)
        .ok()
        .or_else(|| prior.get(name).cloned())
        .unwrap_or_default();
    theirs_rest
        .strip_prefix(value.as_str())
        .is_some_and(|t| substitutes_to(after, t, prior))
}

/// The text of a generated case, for a failure message (a repository file may hold secrets:
/// its text is never shown).
fn shown(origin: &str, text: &str) -> String {
    if origin.starts_with("generated") {
        format!(": {text:?}")
    } else {
        String::new()
    }
}

/// Compares one file's text; panics naming `origin` and the line on any difference that is
/// not one of [`OnPurpose`]. Values never appear in the message (fixtures hold secrets).
fn compare(origin: &str, text: &str) -> Outcome {
    let ours = dotenv::lines(text);
    let mut theirs = dotenvy_items(text);
    let mut outcome = Outcome::default();
    // A last line of only spaces, without a newline: blank for us, refused by dotenvy.
    let last_line = text.rsplit('\n').next().unwrap_or("");
    if theirs.len() == ours.len() + 1
        && theirs.last().is_some_and(|t| t.is_err())
        && !last_line.is_empty()
        && last_line.trim().is_empty()
    {
        theirs.pop();
        *outcome
            .on_purpose
            .entry(OnPurpose::LastLineWithoutNewline)
            .or_default() += 1;
    }
    assert_eq!(
        ours.len(),
        theirs.len(),
        "{origin}: {} logical lines for us, {} items for dotenvy{}",
        ours.len(),
        theirs.len(),
        shown(origin, text)
    );
    let mut prior: HashMap<String, String> = HashMap::new();
    static REFERENCE_BEFORE_QUOTE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let reference_before_quote = REFERENCE_BEFORE_QUOTE
        .get_or_init(|| regex::Regex::new(r#"\$[\p{Alphabetic}\p{Nd}]*""#).expect("valid pattern"));
    let last = ours.len().saturating_sub(1);
    for (i, (our, their)) in ours.iter().zip(&theirs).enumerate() {
        let place = format!("{origin}:{}", our.line);
        let span_text = text.get(our.span.clone()).unwrap_or("");
        match (&our.entry, their) {
            (Ok(entry), Ok((key, value))) => {
                assert_eq!(&entry.key, key, "{place}: keys differ");
                if &entry.value == value {
                    outcome.same += 1;
                } else if reference_before_quote.is_match(span_text)
                    && !substitutes_to(&entry.value, value, &prior)
                {
                    *outcome
                        .on_purpose
                        .entry(OnPurpose::QuoteAfterReference)
                        .or_default() += 1;
                } else {
                    assert!(
                        substitutes_to(&entry.value, value, &prior),
                        "{place}: values of {key} differ, and not by a kept reference{}",
                        shown(origin, text)
                    );
                    *outcome
                        .on_purpose
                        .entry(OnPurpose::KeptReference)
                        .or_default() += 1;
                }
                prior.insert(key.clone(), value.clone());
            }
            (Err(_), Err(_)) => outcome.refused += 1,
            (Err(why), Ok((key, _))) => {
                assert!(
                    reference_before_quote.is_match(span_text),
                    "{place}: we refuse the line ({why}) that dotenvy reads as {key}{}",
                    shown(origin, text)
                );
                // From the quote that closes the reference on, dotenvy reads the rest of the
                // line as still quoted; we read it as written (and refuse what follows).
                *outcome
                    .on_purpose
                    .entry(OnPurpose::QuoteAfterReference)
                    .or_default() += 1;
            }
            (Ok(entry), Err(_)) => {
                // The last line without the newline dotenvy's reader waits for: with it,
                // dotenvy reads what we read.
                let last_line = i == last
                    && !text.ends_with('\n')
                    && text
                        .chars()
                        .last()
                        .is_some_and(|c| (c.is_whitespace() && c != '\r') || c == '\\')
                    && match dotenvy_items(&format!("{text}\n")).get(i) {
                        Some(Ok((key, value))) => {
                            key == &entry.key && substitutes_to(&entry.value, value, &prior)
                        }
                        _ => false,
                    };
                let kind = if last_line {
                    OnPurpose::LastLineWithoutNewline
                } else if reference_before_quote.is_match(span_text) {
                    assert!(
                        entry.value.contains('$'),
                        "{place}: {} was read without its reference{}",
                        entry.key,
                        shown(origin, text)
                    );
                    OnPurpose::QuoteAfterReference
                } else {
                    panic!(
                        "{place}: dotenvy refuses the line and we read it as {}{}",
                        entry.key,
                        shown(origin, text)
                    )
                };
                *outcome.on_purpose.entry(kind).or_default() += 1;
            }
        }
    }
    // A file with a refused line is a parse-error: every line dotenvy refuses is refused by us
    // (checked above, deliberate differences aside).
    let refuses = ours.iter().any(|l| l.entry.is_err());
    let facts = credgate::extract::dotenv::extract(origin, text);
    let reported = facts.problems.iter().any(|p| p.rule_id == "parse-error");
    assert_eq!(
        reported, refuses,
        "{origin}: a parse-error must be reported exactly when a line is refused"
    );
    outcome
}

/// Every file of the repository that credgate reads as `.env` (by its own file-kind rule).
fn env_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), ".git" | "target" | "node_modules") {
                env_files(&path, out);
            }
        } else if credgate::extract::kind::detect(&name, b"")
            == Some(credgate::extract::FileKind::Dotenv)
        {
            out.push(path);
        }
    }
}

#[test]
fn every_env_file_of_the_repository_reads_as_dotenvy_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    env_files(root, &mut files);
    files.sort();
    assert!(
        files.len() >= 20,
        "only {} .env files found under {}",
        files.len(),
        root.display()
    );
    assert!(files
        .iter()
        .any(|f| f.ends_with("examples/demo/.env.staging")));
    let lines = compare_files(root, &files);
    assert!(lines > 50, "{lines} lines compared");
}

/// `CREDGATE_DOTENV_CORPUS=/path/to/checkouts cargo test dotenv_oracle`: the same comparison
/// over every `.env` file of other repositories (nothing is compared without the variable).
#[test]
fn env_files_of_an_outside_corpus_read_as_dotenvy_reads_them() {
    let Some(dir) = std::env::var_os("CREDGATE_DOTENV_CORPUS") else {
        return;
    };
    let root = PathBuf::from(dir);
    let mut files = Vec::new();
    env_files(&root, &mut files);
    files.sort();
    let lines = compare_files(&root, &files);
    eprintln!("{} .env files, {lines} lines compared", files.len());
}

/// Compares every file; returns how many lines were read or refused alike.
fn compare_files(root: &Path, files: &[PathBuf]) -> usize {
    let mut lines = 0;
    for file in files {
        let bytes = std::fs::read(file).expect("readable fixture");
        let text = String::from_utf8_lossy(&bytes);
        let origin = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        let outcome = compare(&origin, &text);
        lines += outcome.same + outcome.refused;
    }
    lines
}

/// A tiny deterministic generator (an LCG): the corpus is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

const KEYS: &[&str] = &[
    "AZURE_CLIENT_SECRET",
    "AzureAd__ClientId",
    "_private.key",
    "export AZURE_TENANT_ID",
    "export\tK2",
    "  INDENTED",
    "\tTABBED",
    "export",
    "exportX",
    "KEY-DASH",
    "1LEADING_DIGIT",
    "k\u{e9}y",
];

const EQUALS: &[&str] = &["=", " = ", "=  ", "\t=\t", "  ="];

const VALUES: &[&str] = &[
    "",
    "plain",
    "0a1b2c3d-1111-2222-3333-444455556666",
    "abc8Q~secretish.value-with_chars~",
    "\"double quoted\"",
    "'single quoted'",
    "\"  spaced inside  \"",
    "\"\"",
    "''",
    "\"esc \\n \\\" \\\\ \\$ \\' end\"",
    "'raw \\n \\\" stays'",
    "\"tab \\t refused\"",
    "\"cr \\r refused\"",
    "a\\ b",
    "back\\\\slash",
    "two words",
    "\"multi\nline\nvalue\"",
    "'multi\nline'",
    "\"-----BEGIN KEY-----\nMIIEv\n-----END KEY-----\"",
    "${REFERENCE}",
    "$REFERENCE",
    "\"${REFERENCE}\"",
    "\"pre ${REF2} post\"",
    "\"$CI_SECRET\"",
    "\"$CISECRET\"",
    "'$NOT_A_REF'",
    "\"\\$ESCAPED\"",
    "$",
    "${OPEN",
    "abc\"def\"ghi",
    "'x'\"y\"z",
    "\"x\" y",
    "#not-a-comment",
    "a#b",
    "O'Brien",
    "\"unterminated",
    "'unterminated",
    "ends\\",
    "caf\u{e9}",
    "\u{a0}nbsp",
    "==equals==",
    "https://login.microsoftonline.com/contoso.onmicrosoft.com/",
];

const TAILS: &[&str] = &[
    "",
    "",
    " # comment",
    "\t# tabbed comment",
    "#glued",
    "   ",
    " \"stray",
];

const OTHER_LINES: &[&str] = &[
    "",
    "# a comment",
    "   # indented comment",
    "just some words",
    "=no key",
    "   ",
    "export",
    "# comment with \"quote",
];

/// One generated `.env` file: assignments and other lines, LF or CRLF, with or without a byte
/// order mark and a final newline.
fn generated(seed: u64) -> String {
    let mut rng = Lcg(seed);
    let line_count = 1 + rng.next() % 6;
    let mut lines = Vec::new();
    for _ in 0..line_count {
        if rng.next() % 5 == 0 {
            lines.push(rng.pick(OTHER_LINES).to_string());
        } else {
            lines.push(format!(
                "{}{}{}{}",
                rng.pick(KEYS),
                rng.pick(EQUALS),
                rng.pick(VALUES),
                rng.pick(TAILS)
            ));
        }
    }
    let eol = if rng.next() % 3 == 0 { "\r\n" } else { "\n" };
    let mut text: String = lines
        .iter()
        .map(|l| l.replace('\n', eol))
        .collect::<Vec<_>>()
        .join(eol);
    if rng.next() % 4 != 0 {
        text.push_str(eol);
    }
    if rng.next() % 7 == 0 {
        text.insert(0, '\u{feff}');
    }
    text
}

#[test]
fn a_generated_corpus_reads_as_dotenvy_reads_it() {
    let mut on_purpose: BTreeMap<OnPurpose, usize> = BTreeMap::new();
    let (mut same, mut refused) = (0, 0);
    for seed in 0..4000 {
        let text = generated(seed);
        let outcome = compare(&format!("generated #{seed}"), &text);
        same += outcome.same;
        refused += outcome.refused;
        for (kind, n) in outcome.on_purpose {
            *on_purpose.entry(kind).or_default() += n;
        }
    }
    // The corpus reaches every kind of line: read alike, refused alike, and each deliberate
    // difference (a difference no longer met would mean the parser or dotenvy changed).
    assert!(
        same > 3000 && refused > 3000,
        "{same} same, {refused} refused"
    );
    for kind in [
        OnPurpose::KeptReference,
        OnPurpose::QuoteAfterReference,
        OnPurpose::LastLineWithoutNewline,
    ] {
        assert!(
            on_purpose.get(&kind).copied().unwrap_or(0) > 0,
            "the corpus never met {kind:?}: {on_purpose:?}"
        );
    }
}

#[test]
fn the_deliberate_differences_each_hold() {
    // Named cases, so a reader sees each difference once.
    let cases: &[(&str, OnPurpose)] = &[
        ("S=${NOT_SET_ANYWHERE_CREDGATE}\n", OnPurpose::KeptReference),
        ("S=\"$NOTSETCREDGATE\"\n", OnPurpose::QuoteAfterReference),
        ("A=1\nB=2 ", OnPurpose::LastLineWithoutNewline),
        ("A=1\nB=2\\", OnPurpose::LastLineWithoutNewline),
    ];
    for (text, kind) in cases {
        let outcome = compare(&format!("{text:?}"), text);
        assert_eq!(
            outcome.on_purpose.get(kind),
            Some(&1),
            "{text:?}: {:?}",
            outcome.on_purpose
        );
    }
    // A byte order mark: dotenvy's loaders skip it and so do we.
    let outcome = compare("bom", "\u{feff}A=1\n");
    assert_eq!((outcome.same, outcome.refused), (1, 0));
}

#[test]
fn random_text_over_the_grammar_s_characters_reads_as_dotenvy_reads_it() {
    // Short strings over the characters the grammar turns on: what no hand-written corpus
    // thinks of (a quote after a reference, `\` before a line break, `#` inside quotes…).
    const ALPHABET: &[&str] = &[
        "K", "e", "_", "1", "=", "=", " ", "\t", "\"", "'", "\\", "$", "{", "}", "#", "\n", "\r\n",
        "x", "\u{e9}", "export ", "-", ".",
    ];
    let mut rng = Lcg(7);
    let mut compared = 0;
    for case in 0..20_000 {
        let len = 1 + rng.next() % 16;
        let mut text = String::from(if case % 2 == 0 { "K=" } else { "" });
        for _ in 0..len {
            text.push_str(rng.pick(ALPHABET));
        }
        let outcome = compare(&format!("generated random #{case}"), &text);
        compared += outcome.same + outcome.refused;
    }
    assert!(compared > 10_000, "{compared} lines compared");
}
