//! A hand-written matcher for the generic rule's `name = value` pattern.
//!
//! The generic assignment rule runs at every keyword-bearing name that is followed by an
//! assignment, tens of thousands of times on a large tree. Its regex has to find the keyword
//! inside the name by backtracking (`[a-z0-9_.-]*(?:password|…|key)[a-z0-9_.-]*`), and the
//! capture search for that was the largest single cost after the keyword pass. The shape is
//! deterministic once written out (the name is the whole run of name bytes, then an optional
//! closing quote, blanks, an operator, blanks and one of four value forms), so this walks it
//! in one pass. The rule's regex stays the specification: a test runs both over the rule's
//! samples and over generated lines and requires the same captures.

use std::ops::Range;

/// What [`parse`] found at the start of a name window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The name (the pattern's `key` group).
    pub key: Range<usize>,
    /// The value, without its quotes (the pattern's `secret_*` group that matched).
    pub value: Range<usize>,
    /// Just past the whole match (past the closing quote of a quoted value).
    pub end: usize,
}

/// Words one of which the name must hold, ASCII case-insensitively: the pattern's
/// alternation.
const WORDS: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"passphrase",
    b"pwd",
    b"secret",
    b"token",
    b"credential",
    b"key",
    b"pat",
];

/// Bytes a name is made of (`DB_PASSWORD`, `spring.datasource.password`, `x-api-key`): the
/// pattern's `[a-z0-9_.\-]` case-insensitively, and what the engine scans back over to find a
/// name's start.
pub fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// ASCII whitespace as the pattern's `\s` means it without Unicode.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Whether `name` holds one of [`WORDS`].
fn holds_word(name: &[u8]) -> bool {
    WORDS.iter().any(|word| {
        name.windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word))
    })
}

/// Skips blanks (`[ \t]*`) from `at`.
fn blanks(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

/// Where the name at the start of `bytes` ends and where the assignment operator after it
/// (`:=`, `=>`, `=` or `:`, after an optional closing quote and blanks) ends; `None` when no
/// name is assigned there. Every [`super::Reach::Name`] rule's pattern begins so, and most
/// names that hold a keyword in code are not assigned (`token.length`, `getKey(`): the engine
/// asks this before running such a rule at all.
pub fn assigned_name(bytes: &[u8]) -> Option<(usize, usize)> {
    let name_end = bytes
        .iter()
        .position(|b| !is_name_byte(*b))
        .unwrap_or(bytes.len());
    if name_end == 0 {
        return None;
    }
    let mut at = name_end;
    if matches!(bytes.get(at), Some(b'"' | b'\'')) {
        at += 1;
    }
    at = blanks(bytes, at);
    at += match (bytes.get(at), bytes.get(at + 1)) {
        (Some(b':'), Some(b'=')) | (Some(b'='), Some(b'>')) => 2,
        (Some(b'=' | b':'), _) => 1,
        _ => return None,
    };
    Some((name_end, at))
}

/// The generic rule's pattern, anchored at the start of `bytes`, as a regex with the same
/// alternatives in the same order would match it: `None` where it would not match.
pub fn parse(bytes: &[u8]) -> Option<Assignment> {
    let (name_end, operator_end) = assigned_name(bytes)?;
    if !holds_word(bytes.get(..name_end)?) {
        return None;
    }
    let at = blanks(bytes, operator_end);
    let first = *bytes.get(at)?;
    let (value, end) = match first {
        b'"' | b'\'' | b'`' => {
            let start = at + 1;
            let len = bytes
                .get(start..)?
                .iter()
                .position(|b| *b == first || matches!(b, b'\r' | b'\n'))?;
            if len == 0 || bytes.get(start + len) != Some(&first) {
                return None;
            }
            (start..start + len, start + len + 1)
        }
        b if is_space(b) || b"=[](){}<>,;&".contains(&b) => return None,
        _ => {
            let len = bytes
                .get(at..)?
                .iter()
                .position(|b| is_space(*b) || b"\"'`,;&".contains(b))
                .unwrap_or(bytes.len() - at);
            (at..at + len, at + len)
        }
    };
    Some(Assignment {
        key: 0..name_end,
        value,
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::secrets::RULES;
    use regex::bytes::Regex;

    /// The rule's own regex, anchored as the engine anchors a name rule's.
    fn oracle() -> Regex {
        let rule = RULES
            .iter()
            .find(|r| r.parser.is_some())
            .map(|r| r.pattern)
            .unwrap_or_default();
        Regex::new(&format!("^(?:{rule})")).unwrap_or_else(|e| panic!("{e}"))
    }

    fn by_regex(regex: &Regex, bytes: &[u8]) -> Option<Assignment> {
        let caps = regex.captures(bytes)?;
        let key = caps.name("key")?.range();
        let value = ["secret_dq", "secret_sq", "secret_bt", "secret_bare"]
            .iter()
            .find_map(|g| caps.name(g))?
            .range();
        let end = caps.get(0)?.end();
        Some(Assignment { key, value, end })
    }

    fn agree(regex: &Regex, bytes: &[u8]) {
        assert_eq!(
            parse(bytes),
            by_regex(regex, bytes),
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }

    #[test]
    fn matches_the_rules_regex_on_written_cases() {
        let regex = oracle();
        for text in [
            "password=hunter2",
            "client_secret: \"abc def\"",
            "API_KEY := 'x'",
            "token => `v`",
            "db.password\"  :  value;rest",
            "secret=\"\"",
            "secret=\"unterminated",
            "secret= \n",
            "secret=",
            "secret:=",
            "secret=>",
            "secret==x",
            "secret=<x>",
            "secret:{x}",
            "Pat: abc,def",
            "PWD\t=\tq&r",
            "tokens\"=x",
            "tokens'=x",
            "name=value",
            "path=x",
            "secret'\"=x",
            "secret = \"a\rb\"",
            "key=\u{e9}t\u{e9}",
            "key=a'b",
            "key.x-y_z=1",
            "",
            "=x",
            "KEY=x\u{b}y",
        ] {
            agree(&regex, text.as_bytes());
        }
    }

    #[test]
    fn matches_the_rules_regex_on_generated_lines() {
        let regex = oracle();
        let pieces: &[&[u8]] = &[
            b"key",
            b"Token",
            b"pat",
            b"PassWord",
            b"passwd",
            b"passPhrase",
            b"pwd",
            b"Secret",
            b"credential",
            b"x",
            b"_",
            b".",
            b"-",
            b"\"",
            b"'",
            b"`",
            b" ",
            b"\t",
            b"=",
            b":",
            b">",
            b"<",
            b",",
            b";",
            b"&",
            b"(",
            b"]",
            b"\r",
            b"\n",
            b"\x0b",
            b"v",
            b"\xc3\xa9",
            b"9",
        ];
        // A small linear congruential generator: the same lines every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..50_000 {
            let mut line = Vec::new();
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 59) as usize + 1;
            for _ in 0..len {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let pick = (state >> 33) as usize % pieces.len();
                line.extend_from_slice(pieces.get(pick).copied().unwrap_or_default());
            }
            agree(&regex, &line);
        }
    }
}
