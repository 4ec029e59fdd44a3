//! `.env` files, parsed with dotenvy's semantics (`export`, comments, single and double quotes,
//! escapes in double quotes, values spanning lines inside quotes) while keeping the 1-based line
//! and column of every value, which dotenvy itself does not report.

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

/// Parses `.env` text into entries. Lines that are not assignments are skipped; an unterminated
/// quote yields an error naming its line, and the entries before it are kept.
pub fn parse(text: &str) -> (Vec<Entry>, Option<(u32, String)>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut entries = Vec::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let line_no = i + 1;
        let raw = line.strip_suffix('\r').unwrap_or(line);
        i += 1;
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        let (body, body_offset) = match trimmed.strip_prefix("export") {
            Some(rest) if rest.starts_with([' ', '\t']) => {
                let rest_trim = rest.trim_start();
                (rest_trim, indent + (trimmed.len() - rest_trim.len()))
            }
            _ => (trimmed, indent),
        };
        let Some((before_eq, after_eq)) = body.split_once('=') else {
            continue;
        };
        let eq = before_eq.len();
        let key = before_eq.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            continue;
        }
        let value_part = after_eq.trim_start();
        let value_byte = body_offset + eq + 1 + (after_eq.len() - value_part.len());
        let column = char_col(raw, value_byte);
        let mut after_first = value_part.chars();
        match after_first.next() {
            Some(q @ ('"' | '\'')) => {
                // Collect until the closing quote, across lines if needed.
                let mut value = String::new();
                let mut rest = after_first.as_str();
                let mut closed = false;
                loop {
                    let mut chars = rest.char_indices();
                    while let Some((_, c)) = chars.next() {
                        if c == q {
                            closed = true;
                            break;
                        }
                        if c == '\\' && q == '"' {
                            match chars.next().map(|(_, e)| e) {
                                Some('n') => value.push('\n'),
                                Some('r') => value.push('\r'),
                                Some('t') => value.push('\t'),
                                Some(other) => value.push(other),
                                None => value.push('\\'),
                            }
                            continue;
                        }
                        value.push(c);
                    }
                    if closed {
                        break;
                    }
                    let Some(next) = lines.get(i) else { break };
                    value.push('\n');
                    rest = next.strip_suffix('\r').unwrap_or(next);
                    i += 1;
                }
                if !closed {
                    return (
                        entries,
                        Some((line_no as u32, format!("unterminated {q} quote for {key}"))),
                    );
                }
                entries.push(Entry::new(key, value, line_no as u32, column + 1));
            }
            _ => {
                // Unquoted: up to an inline ` #` comment, trimmed.
                let end = value_part
                    .char_indices()
                    .find(|&(idx, c)| {
                        c == '#'
                            && idx > 0
                            && value_part
                                .get(..idx)
                                .is_some_and(|before| before.ends_with([' ', '\t']))
                    })
                    .map(|(idx, _)| idx)
                    .unwrap_or(value_part.len());
                // `end` is a char boundary (from `char_indices`) or the length.
                let value = value_part.get(..end).unwrap_or(value_part).trim_end();
                entries.push(Entry::new(key, value.to_string(), line_no as u32, column));
            }
        }
    }
    (entries, None)
}

/// 1-based character column of a byte offset within a line.
fn char_col(line: &str, byte: usize) -> u32 {
    line.get(..byte).map(|s| s.chars().count()).unwrap_or(0) as u32 + 1
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
    fn multi_line_values_and_crlf() {
        let (entries, err) = parse("KEY=\"-----BEGIN\r\nbody\r\n-----END\"\r\nNEXT=1\r\n");
        assert!(err.is_none());
        assert_eq!(entries[0].value, "-----BEGIN\nbody\n-----END");
        assert_eq!((entries[1].key.as_str(), entries[1].line), ("NEXT", 4));
    }

    #[test]
    fn unterminated_quote_is_reported_with_line() {
        let (entries, err) = parse("A=1\nB=\"open\nC=2\n");
        assert_eq!(entries.len(), 1);
        assert_eq!(err.map(|e| e.0), Some(2));
    }

    #[test]
    fn bom_and_junk_lines() {
        let (entries, _) = parse("\u{feff}A=1\nnot an assignment\n=novalue\nB=2");
        let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, vec!["A", "B"]);
    }
}
