//! What is wrong with a JSON (JSONC) file that does not parse, said the way a person fixes it,
//! and what can still be read before the mistake.
//!
//! The parser reports where it gave up, which is often not where the mistake is: a string whose
//! closing quote is missing runs on to the next quote, and the parser stumbles a line later; a
//! missing comma is noticed at the next key, on the next line. [`diagnose`] looks at the text
//! itself to name the mistake (`unterminated string`, `missing comma`) at the place to fix.
//! [`readable_prefix`] cuts the text at the last complete value before the mistake and closes
//! the open objects and arrays, so the settings written before it still count. Nothing here
//! quotes the file's text: a message may be about a line that holds a secret.

use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::ParseStringErrorKind;

/// The mistake: where to fix it (byte offset) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    /// Byte offset of the place to fix.
    pub offset: usize,
    /// What is wrong, without any of the file's text.
    pub why: String,
}

/// One lexical token of JSONC, as far as structure goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    /// A string: start offset and whether it ran over a line break (no closing quote on its
    /// line: JSON strings cannot span lines).
    Str {
        start: usize,
        broken: bool,
    },
    /// Any other value (number, `true`, a bare word).
    Word,
}

/// Tokens with their start and end offsets, up to `limit` (comments skipped).
fn tokens(text: &str, limit: usize) -> Vec<(usize, usize, Token)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len().min(limit) {
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                i += 2;
            }
            b'{' | b'[' => {
                out.push((i, i + 1, Token::Open(b)));
                i += 1;
            }
            b'}' | b']' => {
                out.push((i, i + 1, Token::Close(b)));
                i += 1;
            }
            b',' => {
                out.push((i, i + 1, Token::Comma));
                i += 1;
            }
            b':' => {
                out.push((i, i + 1, Token::Colon));
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                let mut broken = false;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        b'\n' | b'\r' => {
                            broken = true;
                            i += 1;
                        }
                        _ => i += 1,
                    }
                }
                i += 1;
                out.push((start, i.min(bytes.len()), Token::Str { start, broken }));
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while bytes
                    .get(i)
                    .is_some_and(|c| !c.is_ascii_whitespace() && !b"{}[],:\"/".contains(c))
                {
                    i += 1;
                }
                i = i.max(start + 1);
                out.push((start, i, Token::Word));
            }
        }
    }
    out
}

/// Names the mistake behind the parser's error, at the place to fix it.
pub fn diagnose(text: &str, error: &ParseError) -> Mistake {
    let at = error.range().start;
    let toks = tokens(text, text.len());
    // A string that runs over a line break before the parser gave up is the mistake, wherever
    // the parser noticed it.
    if let Some((_, _, Token::Str { start, .. })) = toks
        .iter()
        .find(|(s, _, t)| *s <= at && matches!(t, Token::Str { broken: true, .. }))
    {
        return Mistake {
            offset: *start,
            why: "unterminated string: the closing quote is missing (a JSON string cannot span \
                  lines)"
                .into(),
        };
    }
    match error.kind() {
        ParseErrorKind::ExpectedComma | ParseErrorKind::UnexpectedTokenInObject => {
            // The comma belongs right after the value before the token the parser stopped at.
            let previous = toks.iter().rev().find(|(_, end, _)| *end <= at);
            if let Some((_, end, t)) = previous {
                if !matches!(t, Token::Comma | Token::Colon | Token::Open(_)) {
                    return Mistake {
                        offset: *end,
                        why: "missing comma after this value (before the next key or item)".into(),
                    };
                }
            }
            Mistake {
                offset: at,
                why: describe(error.kind()),
            }
        }
        kind => Mistake {
            offset: at,
            why: describe(kind),
        },
    }
}

/// The parser's error kind in words, never with the file's text (the string variants may quote
/// part of a string, which could be a secret).
fn describe(kind: &ParseErrorKind) -> String {
    let what = match kind {
        ParseErrorKind::String(s) => match s {
            ParseStringErrorKind::UnterminatedStringLiteral => {
                "unterminated string: the closing quote is missing"
            }
            ParseStringErrorKind::InvalidEscape
            | ParseStringErrorKind::InvalidEscapeInDoubleQuoteString
            | ParseStringErrorKind::InvalidEscapeInSingleQuoteString => {
                "invalid escape in a string (a backslash must be doubled: \\\\)"
            }
            ParseStringErrorKind::ExpectedFourHexDigits
            | ParseStringErrorKind::ExpectedTwoHexDigits
            | ParseStringErrorKind::InvalidUnicodeEscapeSequence(_) => {
                "invalid \\u escape in a string"
            }
        },
        ParseErrorKind::UnterminatedObject => "unterminated object: a closing } is missing",
        ParseErrorKind::UnterminatedArray => "unterminated array: a closing ] is missing",
        ParseErrorKind::SingleQuotedStringsNotAllowed => {
            "single-quoted string: JSON strings use double quotes"
        }
        ParseErrorKind::ExpectedStringObjectProperty => "a key must be a double-quoted string",
        ParseErrorKind::ExpectedColonAfterObjectKey => "missing colon after a key",
        ParseErrorKind::ExpectedComma => "missing comma",
        other => return format!("invalid JSON: {}", lowercase_first(&other.to_string())),
    };
    what.to_string()
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// How many cut points [`readable_prefix`] tries, latest first: each try parses the prefix
/// again, so a huge broken file costs a bounded number of passes.
const MAX_CUTS: usize = 8;

/// The text before the mistake, cut after the last complete value (or opening bracket) and
/// closed, for `parse` to read what was written before it; `None` when no cut parses.
pub fn readable_prefix(
    text: &str,
    mistake_offset: usize,
    parses: impl Fn(&str) -> bool,
) -> Option<String> {
    // One pass: the closers still open at each cut point, for the last few cut points (after a
    // comma or an opening bracket), and at the mistake itself when a value ends right there.
    let mut stack: Vec<char> = Vec::new();
    let mut cuts: std::collections::VecDeque<(usize, Vec<char>)> = Default::default();
    let mut remember = |cut: usize, stack: &[char]| {
        if cuts.len() == MAX_CUTS {
            cuts.pop_front();
        }
        cuts.push_back((cut, stack.to_vec()));
    };
    for (_, end, t) in tokens(text, mistake_offset) {
        match t {
            Token::Open(b'{') => stack.push('}'),
            Token::Open(_) => stack.push(']'),
            Token::Close(_) => {
                stack.pop();
            }
            _ => {}
        }
        if matches!(t, Token::Comma | Token::Open(_)) {
            remember(end, &stack);
        }
    }
    remember(mistake_offset, &stack);
    for (cut, open) in cuts.iter().rev() {
        let Some(head) = text.get(..*cut) else {
            continue;
        };
        let head = head.trim_end();
        // Nothing open, or a key without its value: this cut cannot be closed.
        if open.is_empty() || head.ends_with(':') {
            continue;
        }
        let mut candidate = head.to_string();
        candidate.extend(open.iter().rev());
        if parses(&candidate) {
            return Some(candidate);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

    fn options() -> ParseOptions {
        ParseOptions {
            allow_comments: true,
            allow_trailing_commas: true,
            allow_loose_object_property_names: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_extended_string_escapes: false,
            ..ParseOptions::default()
        }
    }

    fn mistake(text: &str) -> (u32, u32, String) {
        let error = invalid(text);
        let m = diagnose(text, &error);
        let (line, column) = crate::extract::offsets::LineIndex::new(text).position(m.offset);
        (line, column, m.why)
    }

    fn invalid(text: &str) -> ParseError {
        match parse_to_ast(text, &CollectOptions::default(), &options()) {
            Ok(_) => panic!("parses"),
            Err(e) => e,
        }
    }

    fn parses(text: &str) -> bool {
        parse_to_ast(text, &CollectOptions::default(), &options()).is_ok()
    }

    #[test]
    fn an_unterminated_string_is_named_at_its_opening_quote() {
        let text = "{\n  \"AzureAd\": {\n    \"ClientId\": \"a\",\n    \"ClientSecret\": \"abc,\n    \"CallbackPath\": \"/signin-oidc\"\n  }\n}\n";
        let (line, column, why) = mistake(text);
        assert_eq!((line, column), (4, 21));
        assert!(why.starts_with("unterminated string"), "{why}");
        assert!(!why.contains("abc"));
    }

    #[test]
    fn a_missing_comma_is_named_where_it_belongs() {
        let text = "{\n  \"TenantId\": \"t\"\n  \"ClientId\": \"c\"\n}\n";
        let (line, column, why) = mistake(text);
        assert_eq!((line, column), (2, 18));
        assert!(why.starts_with("missing comma"), "{why}");
    }

    #[test]
    fn other_mistakes_keep_the_parsers_place() {
        let (line, _, why) = mistake("{\n  \"a\": \"b\",\n  \"c\": \"\\q\"\n}\n");
        assert_eq!(line, 3);
        assert!(why.starts_with("invalid escape"), "{why}");
        let (_, _, why) = mistake("{\n  \"a\": 'b'\n}\n");
        assert!(why.contains("single-quoted"), "{why}");
        let (_, _, why) = mistake("{\n  \"a\": {\n");
        assert!(why.contains("unterminated object"), "{why}");
    }

    #[test]
    fn the_prefix_before_the_mistake_is_readable() {
        let text = "{\n  \"AzureAd\": {\n    \"TenantId\": \"t\",\n    \"ClientId\": \"c\",\n    \"ClientSecret\": \"abc,\n    \"X\": 1\n  }\n}\n";
        let error = invalid(text);
        let m = diagnose(text, &error);
        let prefix = readable_prefix(text, m.offset, parses).expect("a prefix");
        assert!(prefix.contains("\"ClientId\": \"c\""), "{prefix}");
        assert!(!prefix.contains("ClientSecret"), "{prefix}");
        assert!(text.starts_with(prefix.trim_end_matches(['}', ']'])));
        // Missing comma: everything up to the mistake is kept.
        let text = "{\n  \"TenantId\": \"t\"\n  \"ClientId\": \"c\"\n}\n";
        let error = invalid(text);
        let m = diagnose(text, &error);
        let prefix = readable_prefix(text, m.offset, parses).expect("a prefix");
        assert!(prefix.contains("TenantId"), "{prefix}");
        // Nothing before the mistake: no prefix.
        assert_eq!(readable_prefix("'x'", 0, parses), None);
    }
}
