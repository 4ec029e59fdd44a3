//! `.env` files, parsed to dotenvy's grammar (the crate most Rust programs load them with) while
//! keeping the 1-based line and column of every value, which dotenvy does not report.
//!
//! The grammar is dotenvy 0.15's, line for line: `export`, comments (a whole line, or ` #` after
//! a value), single quotes (literal), double quotes (escapes `\n \\ \' \" \$ \<space>`), quoted
//! segments joined to unquoted ones (`a"b"c`), values spanning lines inside quotes, a line
//! refused when dotenvy refuses it (a key that does not start with a letter or `_`, an unquoted
//! space inside a value, any other escape, an unterminated quote or `${`). `tests/it/
//! dotenv_oracle.rs` holds the proof: every `.env` fixture and a generated corpus give dotenvy's
//! keys and values, and a parse error wherever dotenvy refuses a line. Where we differ on purpose:
//!
//! - **`$NAME` and `${NAME}` are kept as written**: dotenvy replaces them with the process's
//!   variables or earlier lines' values; credgate must see the reference, not whatever the
//!   scanning machine holds.
//! - **A `$NAME` (or a bare `$`) right before the closing `"`** ends there and the quote
//!   closes; dotenvy 0.15.7 takes that quote as a literal character and refuses the line (or,
//!   when another `"` follows, reads the rest of the line as quoted), a bug that would hide
//!   `SECRET="$FROM_CI"` references.
//! - **A last line without a newline** that ends in a space or a `\` is read like any other
//!   line; dotenvy 0.15.7's line reader waits for more input there and refuses the file.
//! - **A byte order mark** is skipped, as dotenvy's loaders (not its iterators) do.
//!
//! A refused line is a `parse-error` note at its place; like dotenvy's iterator, the lines after
//! it are still read (an unterminated quote takes the rest of the file with it).

use super::offsets::LineIndex;
use super::{facts_from_entries, Entry, FileFacts};

/// Facts from a `.env` file. Its environment comes from its name (`.env.staging`), inferred later
/// by the inventory.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let (entries, error) = parse(text);
    let mut out = FileFacts {
        facts: facts_from_entries(path, "dotenv", None, &entries),
        ..FileFacts::default()
    };
    if let Some((line, why)) = error {
        out.parse_error(path, Some(line), None, &why);
    }
    out
}

/// Parses `.env` text into entries, in file order (a key set twice appears twice). Returns the
/// first refused line's number and why it was refused (never its text: a stray line may be a
/// pasted secret), with how many more lines were refused.
pub fn parse(text: &str) -> (Vec<Entry>, Option<(u32, String)>) {
    let mut entries = Vec::new();
    let mut first_error: Option<(u32, String)> = None;
    let mut more_errors = 0usize;
    for line in lines(text) {
        match line.entry {
            Ok(entry) => entries.push(entry),
            Err(why) if first_error.is_none() => first_error = Some((line.line, why)),
            Err(_) => more_errors += 1,
        }
    }
    let error = first_error.map(|(line, why)| match more_errors {
        0 => (line, format!("{why} (dotenvy refuses the line)")),
        n => (
            line,
            format!("{why} (dotenvy refuses the line, and {n} more after it)"),
        ),
    });
    (entries, error)
}

/// One logical line that is neither blank nor a comment: what dotenvy's iterator yields one item
/// for, so the oracle test can compare them one to one.
#[derive(Debug)]
pub struct Line {
    /// Byte range of the logical line in the text (one or more physical lines).
    pub span: std::ops::Range<usize>,
    /// 1-based line where it starts.
    pub line: u32,
    /// The entry, or why the line is refused.
    pub entry: Result<Entry, String>,
}

/// Every logical line of `.env` text that is neither blank nor a comment, in order. A byte
/// order mark is skipped (spans still index `text` as given).
pub fn lines(text: &str) -> Vec<Line> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let body = text.get(bom..).unwrap_or(text);
    // One line table per file: every position is then a look-up, not a count from the start.
    let index = LineIndex::new(body);
    let mut out = Vec::new();
    for logical in LogicalLines::new(body) {
        let end = logical.end;
        let entry = match logical.body {
            Ok(line) => parse_line(&index, logical.start, line),
            Err(why) => Err(why),
        };
        let entry = match entry {
            Ok(None) => continue,
            Ok(Some(entry)) => Ok(entry),
            Err(why) => Err(why),
        };
        out.push(Line {
            span: bom + logical.start..bom + end,
            line: index.position(logical.start).0,
            entry,
        });
    }
    out
}

/// One logical line: a physical line, or several when a quote spans them; `body` is its text
/// without the line break and without a trailing ` #` comment, or why it cannot be complete.
struct Logical<'a> {
    /// Byte offset of its first character in the text.
    start: usize,
    /// Byte offset just past its last physical line (line break included).
    end: usize,
    /// The text to parse, or why the line is refused before parsing (an unterminated quote).
    body: Result<&'a str, String>,
}

/// The states of dotenvy's line reader, which decides where a logical line ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ReadState {
    Complete,
    Escape,
    StrongOpen,
    StrongOpenEscape,
    WeakOpen,
    WeakOpenEscape,
    WhiteSpace,
}

/// Splits text into logical lines as dotenvy's reader does: a line ends at a line break outside
/// quotes, or at a `#` after whitespace (the rest of that line is a comment).
struct LogicalLines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LogicalLines<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }
}

impl<'a> Iterator for LogicalLines<'a> {
    type Item = Logical<'a>;

    fn next(&mut self) -> Option<Logical<'a>> {
        let text = self.text;
        let start = self.pos;
        if start >= text.len() {
            return None;
        }
        let mut state = ReadState::Complete;
        let mut line_start = start;
        loop {
            let line_end = text
                .get(line_start..)
                .and_then(|rest| rest.find('\n'))
                .map(|i| line_start + i + 1)
                .unwrap_or(text.len());
            self.pos = line_end;
            let so_far = text.get(start..line_end).unwrap_or("");
            if so_far.trim_start().starts_with('#') {
                return Some(Logical {
                    start,
                    end: line_end,
                    body: Ok(""),
                });
            }
            let physical = text.get(line_start..line_end).unwrap_or("");
            match read_state(state, physical) {
                (_, Some(comment_at)) => {
                    let body = text.get(start..line_start + comment_at).unwrap_or("");
                    return Some(Logical {
                        start,
                        end: line_end,
                        body: Ok(body),
                    });
                }
                (ReadState::Complete, None) => {
                    return Some(Logical {
                        start,
                        end: line_end,
                        body: Ok(strip_line_break(so_far)),
                    });
                }
                (next, None) => {
                    if line_end >= text.len() {
                        // The end of the text inside an open quote refuses the line; after a
                        // space or `\` (no final newline) it is a complete line (dotenvy refuses
                        // those too, on purpose not followed: see the module comment).
                        let body = match next {
                            ReadState::WhiteSpace | ReadState::Escape => Ok(so_far),
                            ReadState::StrongOpen | ReadState::StrongOpenEscape => {
                                Err("a single quote is never closed".to_string())
                            }
                            _ => Err("a double quote is never closed".to_string()),
                        };
                        return Some(Logical {
                            start,
                            end: line_end,
                            body,
                        });
                    }
                    state = next;
                    line_start = line_end;
                }
            }
        }
    }
}

/// `line` without its final `\n` and then `\r`, as dotenvy's reader returns it.
fn strip_line_break(line: &str) -> &str {
    match line.strip_suffix('\n') {
        Some(line) => line.strip_suffix('\r').unwrap_or(line),
        None => line,
    }
}

/// Runs dotenvy's reader over one physical line from `state`: the state after it, and the byte
/// offset of a comment's `#` when one ends the logical line there.
fn read_state(mut state: ReadState, line: &str) -> (ReadState, Option<usize>) {
    use ReadState::*;
    for (at, c) in line.char_indices() {
        state = match state {
            WhiteSpace => match c {
                '#' => return (state, Some(at)),
                '\\' => Escape,
                '"' => WeakOpen,
                '\'' => StrongOpen,
                _ => Complete,
            },
            Escape => Complete,
            Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => WhiteSpace,
                '\\' => Escape,
                '"' => WeakOpen,
                '\'' => StrongOpen,
                _ => Complete,
            },
            WeakOpen => match c {
                '\\' => WeakOpenEscape,
                '"' => Complete,
                _ => WeakOpen,
            },
            WeakOpenEscape => WeakOpen,
            StrongOpen => match c {
                '\\' => StrongOpenEscape,
                '\'' => Complete,
                _ => StrongOpen,
            },
            StrongOpenEscape => StrongOpen,
        };
    }
    (state, None)
}

/// Parses one logical line (`body`, starting at byte `start` of the text `index` covers) as
/// dotenvy's line parser does: `None` for a blank or comment line, else the entry or why it is
/// refused.
fn parse_line(index: &LineIndex<'_>, start: usize, body: &str) -> Result<Option<Entry>, String> {
    let line = body.trim_end();
    let mut rest = line.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        return Ok(None);
    }
    let mut key = take_key(&mut rest)?;
    rest = rest.trim_start();
    if key == "export" {
        // `export` is a prefix, or a key of its own when `=` follows it.
        if let Some(after) = rest.strip_prefix('=') {
            rest = after;
        } else {
            key = take_key(&mut rest)?;
            rest = rest.trim_start();
            rest = rest
                .strip_prefix('=')
                // Never the name itself: a stray line without `=` may be a pasted token.
                .ok_or_else(|| "no `=` after the name (not a KEY=value line)".to_string())?;
        }
    } else {
        rest = rest
            .strip_prefix('=')
            // Never the name itself: a stray line without `=` may be a pasted token.
            .ok_or_else(|| "no `=` after the name (not a KEY=value line)".to_string())?;
    }
    rest = rest.trim_start();
    // Byte offset of the value in the text (the line's own offset plus what was consumed).
    let value_at = start + (line.len() - rest.len());
    let (line_no, mut column) = index.position(value_at);
    if rest.is_empty() || rest.starts_with('#') {
        return Ok(Some(Entry::new(key, String::new(), line_no, column)));
    }
    if rest.starts_with(['"', '\'']) {
        // Points after the opening quote, at the value's first character.
        column += 1;
    }
    let value = parse_value(rest).map_err(|why| format!("{why} in the value of {key}"))?;
    Ok(Some(Entry::new(key, value, line_no, column)))
}

/// Takes a key off the front of `rest`: a letter or `_`, then letters, digits, `_` and `.`.
fn take_key<'a>(rest: &mut &'a str) -> Result<&'a str, String> {
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Err("not a KEY=value line (a key starts with a letter or `_`)".to_string());
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    let (key, after) = rest.split_at(end);
    *rest = after;
    Ok(key)
}

/// How a `$` reference is being read.
#[derive(PartialEq, Eq)]
enum Reference {
    /// Not in a reference.
    None,
    /// `$NAME`: letters and digits.
    Bare,
    /// `${NAME}`: anything up to `}`.
    Braced,
}

/// A value as dotenvy reads it, references kept as written: unquoted text up to a space (after
/// which only a comment may follow), `'…'` literally, `"…"` with escapes, in any sequence.
fn parse_value(input: &str) -> Result<String, String> {
    let mut strong = false;
    let mut weak = false;
    let mut escaped = false;
    let mut expecting_end = false;
    let mut reference = Reference::None;
    let mut name_len = 0usize;
    let mut out = String::new();
    for c in input.chars() {
        if expecting_end {
            match c {
                ' ' | '\t' => continue,
                '#' => break,
                _ => return Err("an unquoted space (quote the value)".to_string()),
            }
        } else if escaped {
            match c {
                '\\' | '\'' | '"' | '$' | ' ' => out.push(c),
                'n' => out.push('\n'),
                _ => {
                    return Err(
                        "an escape other than \\n \\\\ \\' \\\" \\$ or \\<space>".to_string()
                    )
                }
            }
            escaped = false;
        } else if strong {
            if c == '\'' {
                strong = false;
            } else {
                out.push(c);
            }
        } else if reference != Reference::None {
            if reference == Reference::Braced {
                out.push(c);
                if c == '}' {
                    reference = Reference::None;
                }
            } else if c.is_alphanumeric() {
                out.push(c);
                name_len += 1;
            } else if c == '{' && name_len == 0 {
                out.push(c);
                reference = Reference::Braced;
            } else if c == '$' {
                out.push(c);
                name_len = 0;
            } else if c == '"' && weak {
                // The closing quote ends the reference and the value's quoted part (dotenvy
                // 0.15.7 would take the quote literally: see the module comment).
                reference = Reference::None;
                weak = false;
            } else {
                // Whatever ends a reference is taken literally, as dotenvy does.
                reference = Reference::None;
                out.push(c);
            }
        } else if c == '$' {
            out.push(c);
            reference = Reference::Bare;
            name_len = 0;
        } else if weak {
            match c {
                '"' => weak = false,
                '\\' => escaped = true,
                _ => out.push(c),
            }
        } else {
            match c {
                '\'' => strong = true,
                '"' => weak = true,
                '\\' => escaped = true,
                ' ' | '\t' => expecting_end = true,
                _ => out.push(c),
            }
        }
    }
    if reference == Reference::Braced {
        return Err("a `${` reference is never closed".to_string());
    }
    if strong {
        return Err("a single quote is never closed".to_string());
    }
    if weak {
        return Err("a double quote is never closed".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Entry {
        let (entries, err) = parse(text);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(entries.len(), 1, "{entries:?}");
        entries.into_iter().next().unwrap()
    }

    fn pairs(text: &str) -> (Vec<(String, String)>, Option<u32>) {
        let (entries, err) = parse(text);
        (
            entries.into_iter().map(|e| (e.key, e.value)).collect(),
            err.map(|e| e.0),
        )
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn plain_export_and_comments() {
        let e = one("# comment\nexport AZURE_CLIENT_ID = abc # trailing\n");
        assert_eq!(
            (e.key.as_str(), e.value.as_str()),
            ("AZURE_CLIENT_ID", "abc")
        );
        assert_eq!((e.line, e.column), (2, 26));
        let e = one("PASSWORD=ab#cd\n");
        assert_eq!(e.value, "ab#cd", "a # inside a value is not a comment");
        let e = one("export=as-a-key\n");
        assert_eq!((e.key.as_str(), e.value.as_str()), ("export", "as-a-key"));
    }

    #[test]
    fn quotes_escapes_and_positions() {
        let e = one("SECRET=\"a\\\"b\\nc\"\n");
        assert_eq!(e.value, "a\"b\nc");
        assert_eq!(e.column, 9, "points after the opening quote");
        let e = one("SECRET='raw\\n $X'\n");
        assert_eq!(e.value, "raw\\n $X");
        let e = one("SECRET=\"trailing \"\n");
        assert_eq!(e.value, "trailing ", "whitespace inside quotes is kept");
    }

    #[test]
    fn multi_line_values_keep_their_line_breaks_as_written() {
        // dotenvy keeps the `\r` of a CRLF file inside a quoted value; only the break that
        // ends the logical line is dropped.
        let (entries, err) = parse("KEY=\"-----BEGIN\r\nbody\r\n-----END\"\r\nNEXT=1\r\n");
        assert!(err.is_none());
        assert_eq!(entries[0].value, "-----BEGIN\r\nbody\r\n-----END");
        assert_eq!((entries[1].key.as_str(), entries[1].line), ("NEXT", 4));
    }

    #[test]
    fn unterminated_quote_is_reported_with_line() {
        let (entries, err) = parse("A=1\nB=\"open\nC=2\n");
        assert_eq!(entries.len(), 1);
        assert_eq!(err.map(|e| e.0), Some(2));
    }

    #[test]
    fn bom_and_refused_lines() {
        // A line dotenvy refuses is a parse error at its line; the lines after it are read.
        let (entries, err) = parse("\u{feff}A=1\nnot an assignment\n=novalue\nB=2");
        let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, vec!["A", "B"]);
        let (line, why) = err.expect("refused lines");
        assert_eq!(line, 2);
        assert!(why.contains("1 more"), "{why}");
        assert!(!why.contains("assignment"), "never the line's text: {why}");
    }

    #[test]
    fn a_pasted_token_on_a_line_of_its_own_never_reaches_the_message() {
        let token = format!("ghp_{}", "Zq7Xw2Lm".repeat(4));
        for text in [format!("A=1\n{token}\n"), format!("A=1\nexport {token}\n")] {
            let (_, err) = parse(&text);
            let (line, why) = err.expect("the token line is refused");
            assert_eq!(line, 2);
            assert!(!why.contains(&token[..8]), "{why}");
        }
    }

    // Found by the dotenvy oracle (tests/it/dotenv_oracle.rs): each was read differently before.

    #[test]
    fn an_unquoted_space_inside_a_value_refuses_the_line() {
        assert_eq!(pairs("A=one two\nB=2\n"), (kv(&[("B", "2")]), Some(1)));
        assert_eq!(pairs("A=one  # comment\n"), (kv(&[("A", "one")]), None));
    }

    #[test]
    fn quoted_and_unquoted_segments_join() {
        assert_eq!(pairs("A=abc\"def\"ghi\n").0, kv(&[("A", "abcdefghi")]));
        assert_eq!(pairs("A='x'\"y\"z\n").0, kv(&[("A", "xyz")]));
        // Text after a closing quote is part of the value, or an error after a space.
        assert_eq!(pairs("A=\"x\" y\n"), (vec![], Some(1)));
    }

    #[test]
    fn escapes_apply_outside_quotes_and_unknown_ones_refuse_the_line() {
        assert_eq!(pairs("A=a\\ b\\$c\n").0, kv(&[("A", "a b$c")]));
        assert_eq!(
            pairs("A=\"tab\\there\"\nB=1\n"),
            (kv(&[("B", "1")]), Some(1))
        );
        // `\` at the end of a line ends it (the next line is a line of its own).
        assert_eq!(pairs("A=x\\\nB=1\n").0, kv(&[("A", "x"), ("B", "1")]));
    }

    #[test]
    fn keys_start_with_a_letter_or_underscore_and_take_no_dash() {
        assert_eq!(pairs("A-B=1\n"), (vec![], Some(1)));
        assert_eq!(pairs("1A=1\n_A.b=2\n"), (kv(&[("_A.b", "2")]), Some(1)));
        assert_eq!(pairs("export B\nC=3\n"), (kv(&[("C", "3")]), Some(1)));
    }

    #[test]
    fn an_apostrophe_opens_a_quote_that_may_span_lines() {
        assert_eq!(pairs("A=O'Brien\nB=1\n"), (vec![], Some(1)));
        assert_eq!(pairs("A=it's\nok'\n").0, kv(&[("A", "its\nok")]));
    }

    #[test]
    fn references_are_kept_as_written() {
        assert_eq!(
            pairs("A=${X}\nB=\"pre $Y post\"\nC='$Z'\nD=\"\\$E\"\n").0,
            kv(&[
                ("A", "${X}"),
                ("B", "pre $Y post"),
                ("C", "$Z"),
                ("D", "$E")
            ])
        );
        // dotenvy 0.15.7 refuses this line (the quote after `$X` is taken literally).
        assert_eq!(pairs("S=\"$FROM_CI\"\n"), (kv(&[("S", "$FROM_CI")]), None));
        assert_eq!(pairs("S=\"${OPEN\"\n"), (vec![], Some(1)));
    }

    #[test]
    fn a_last_line_ending_in_a_space_is_read() {
        assert_eq!(pairs("A=1\nB=2 ").0, kv(&[("A", "1"), ("B", "2")]));
        assert_eq!(pairs("B=").0, kv(&[("B", "")]));
    }

    #[test]
    fn empty_values_and_positions() {
        let e = one("K=   # nothing\n");
        assert_eq!((e.value.as_str(), e.column), ("", 3), "just after `=`");
        let e = one("  K = \"v\"\n");
        assert_eq!((e.value.as_str(), e.line, e.column), ("v", 1, 8));
    }
}
