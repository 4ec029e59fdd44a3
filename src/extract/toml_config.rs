//! TOML configuration files (under `config/`, `deploy/`, `env/` … folders).
//!
//! Parsed with the `toml` crate's span-keeping document parser (`toml::de::DeTable`), which the
//! crate already depends on for `credgate.toml`: every key and value carries its byte range, and
//! the parser refuses runaway nesting with an error rather than recursing without bound. Tables
//! become parent sections (`[azure]` / `azure.client_id = …`), so the alias table sees the same
//! shape as in every other format. An invalid file (a duplicate key is invalid TOML) is a
//! `parse-error`; what the parser could recover before and around the error is still read.

use super::offsets::LineIndex;
use super::{facts_from_entries, Entry, FileFacts};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The extractor's name in `Fact::source`.
const SOURCE: &str = "toml";

/// Facts from a TOML file. Its environment comes from its path, inferred by the inventory.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let index = LineIndex::new(text);
    let (document, errors) = DeTable::parse_recoverable(text);
    let mut entries = Vec::new();
    let mut parents = Vec::new();
    collect_table(text, &index, document.get_ref(), &mut parents, &mut entries);
    let mut out = FileFacts {
        facts: facts_from_entries(path, SOURCE, None, &entries),
        ..FileFacts::default()
    };
    out.facts
        .sort_by_key(|f| (f.location.line, f.location.column));
    if let Some(error) = errors.first() {
        let (line, column) = match error.span() {
            Some(span) => {
                let (l, c) = index.position(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        // `message()` is the parser's description only; `Display` would quote the source line.
        out.parse_error(
            path,
            line,
            column,
            &format!("invalid TOML: {}", error.message()),
        );
    }
    out
}

/// Adds the string values of a table (and of its sub-tables) as entries.
fn collect_table(
    text: &str,
    index: &LineIndex<'_>,
    table: &DeTable<'_>,
    parents: &mut Vec<String>,
    entries: &mut Vec<Entry>,
) {
    for (key, value) in table {
        collect_value(text, index, key.get_ref(), value, parents, entries);
    }
}

/// Adds one keyed value: a string is an entry, a table a section, an array its elements
/// (strings named by the array's key, tables as numbered sections).
fn collect_value(
    text: &str,
    index: &LineIndex<'_>,
    key: &str,
    value: &Spanned<DeValue<'_>>,
    parents: &mut Vec<String>,
    entries: &mut Vec<Entry>,
) {
    match value.get_ref() {
        DeValue::String(s) => {
            if let Some(entry) = string_entry(text, index, parents, key, s, value.span()) {
                entries.push(entry);
            }
        }
        DeValue::Table(table) => {
            parents.push(key.to_string());
            collect_table(text, index, table, parents, entries);
            parents.pop();
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item.get_ref() {
                    DeValue::String(s) => {
                        if let Some(entry) = string_entry(text, index, parents, key, s, item.span())
                        {
                            entries.push(entry);
                        }
                    }
                    DeValue::Table(table) => {
                        parents.push(key.to_string());
                        parents.push(i.to_string());
                        collect_table(text, index, table, parents, entries);
                        parents.truncate(parents.len().saturating_sub(2));
                    }
                    _ => {}
                }
            }
        }
        // Ids, secrets and URLs are strings.
        _ => {}
    }
}

/// An entry for a string whose token spans `span` (quotes included).
fn string_entry(
    text: &str,
    index: &LineIndex<'_>,
    parents: &[String],
    key: &str,
    value: &str,
    span: std::ops::Range<usize>,
) -> Option<Entry> {
    if value.trim().is_empty() {
        return None;
    }
    let start = value_start(text, span.start);
    let (line, column) = index.position(start);
    Some(Entry {
        parents: parents.to_vec(),
        key: key.to_string(),
        value: value.to_string(),
        line,
        column,
    })
}

/// Byte offset of a string's first character: past the opening quote, and for a multi-line
/// string also past the newline that TOML trims right after the opening `"""`/`'''`.
fn value_start(text: &str, token_start: usize) -> usize {
    let token = text.get(token_start..).unwrap_or("");
    if token.starts_with("\"\"\"") || token.starts_with("'''") {
        let after = token.get(3..).unwrap_or("");
        let newline = if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        };
        token_start + 3 + newline
    } else if token.starts_with(['"', '\'']) {
        token_start + 1
    } else {
        token_start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FactValue, Field};

    fn facts(text: &str) -> FileFacts {
        extract("config/prod/app.toml", text)
    }

    #[test]
    fn tables_and_dotted_keys_are_sections() {
        let out = facts(
            "[azure]\nclient_id = \"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\"\n\
             auth.tenant_id = 'contoso.onmicrosoft.com'\n\
             [azure.credential]\nclient_secret = \"abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678\"\n",
        );
        assert!(out.problems.is_empty());
        let got: Vec<_> = out
            .facts
            .iter()
            .map(|f| (f.field, f.location.line, f.location.column))
            .collect();
        assert_eq!(
            got,
            vec![
                (Field::ClientId, Some(2), Some(14)),
                (Field::TenantId, Some(3), Some(19)),
                (Field::ClientSecret, Some(5), Some(18)),
            ]
        );
        assert!(matches!(out.facts[2].value, FactValue::Secret(_)));
        assert_eq!(
            out.facts[0].value,
            FactValue::Plain("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b".into())
        );
    }

    #[test]
    fn contextual_keys_need_an_identity_table() {
        let out = facts("[database]\ninstance = \"db1\"\n[azure_ad]\ninstance = \"https://login.microsoftonline.com/\"\n");
        assert_eq!(out.facts.len(), 1);
        assert_eq!(out.facts[0].field, Field::Authority);
        assert_eq!(out.facts[0].location.line, Some(4));
    }

    #[test]
    fn references_and_placeholders() {
        let out = facts(
            "AZURE_CLIENT_SECRET = \"${AZURE_CLIENT_SECRET}\"\nAZURE_CLIENT_ID = \"<client-id>\"\nname = \"api\"\n",
        );
        assert_eq!(out.facts.len(), 2);
        let secret = out
            .facts
            .iter()
            .find(|f| f.field == Field::ClientSecret)
            .unwrap();
        assert_eq!(
            secret.value,
            FactValue::Reference {
                kind: "env-var".into(),
                name: "AZURE_CLIENT_SECRET".into()
            }
        );
        let id = out
            .facts
            .iter()
            .find(|f| f.field == Field::ClientId)
            .unwrap();
        assert_eq!(id.value, FactValue::Plain("<client-id>".into()));
    }

    #[test]
    fn multi_line_strings_arrays_and_array_tables() {
        let out = facts(
            "redirect_uris = [\"https://a.example/cb\", \"https://b.example/cb\"]\n\
             [[apps]]\nclient_id = \"\"\"\nabc-1\"\"\"\n",
        );
        let got: Vec<_> = out
            .facts
            .iter()
            .map(|f| (f.field, f.location.line, f.location.column))
            .collect();
        assert_eq!(
            got,
            vec![
                (Field::RedirectUri, Some(1), Some(19)),
                (Field::RedirectUri, Some(1), Some(43)),
                (Field::ClientId, Some(4), Some(1)),
            ]
        );
    }

    #[test]
    fn crlf_and_bom() {
        let out = facts("\u{feff}[azure]\r\nclient_id = \"x-1\"\r\n");
        assert_eq!(out.facts.len(), 1);
        assert_eq!(
            (out.facts[0].location.line, out.facts[0].location.column),
            (Some(2), Some(14))
        );
    }

    #[test]
    fn invalid_toml_is_a_parse_error_with_a_line() {
        let out = facts("client_id = \"a\"\nclient_id = \"b\"\n");
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].rule_id, "parse-error");
        assert_eq!(out.problems[0].location.line, Some(2));
        let out = facts("[azure]\nclient_secret = \"abc8Q~QWErtyuiopASdfghjklzx\n");
        assert_eq!(out.problems.len(), 1);
        assert!(!out.problems[0].message.contains("abc8Q"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("x = {}", "[".repeat(10_000));
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || facts(&deep).problems.len())
            .unwrap();
        assert_eq!(handle.join().unwrap(), 1);
        let deep = format!("x = {}", "{a=".repeat(10_000));
        assert_eq!(facts(&deep).problems.len(), 1);
    }
}
