//! Spring `application*.properties` / `bootstrap*.properties`, read as Spring Boot reads them
//! (`OriginTrackedPropertiesLoader`): `key=value`, `key: value` and `key value`, `#` and `!`
//! comment lines, values continued on the next line by a trailing `\` (the next line's leading
//! blanks dropped), escapes (`\:`, `\=`, `\t`, `\uXXXX`, …) and values trimmed of surrounding
//! blanks. No crate reads `.properties` with positions, hence this small reader.
//!
//! Spring Boot 2.4+ also splits one file into documents at `#---` / `!---` lines; a document
//! with `spring.config.activate.on-profile` (or the legacy `spring.profiles`) applies only to
//! those profiles, so its facts carry that environment as written. A document for several
//! profiles (`prod,staging` or `prod | staging`) yields its facts once per profile; a profile
//! expression with `!`, `&` or parentheses names no single environment and is left to the path.
//! Within one activation a repeated key keeps its last value, as Spring does.

use super::spring_keyvault::{bare_placeholder, is_key_vault_path, providers, Property};
use super::{facts_from_entries, Entry, FileFacts};
use std::collections::HashMap;

/// The extractor's name in `Fact::source`.
const SOURCE: &str = "properties";

/// Keys whose value scopes a document to profiles.
const PROFILE_KEYS: &[&str] = &["spring.config.activate.on-profile", "spring.profiles"];

/// Facts from a `.properties` file; without a profile document its environment comes from the
/// file name (`application-prod.properties`), inferred later by the inventory.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let (documents, error) = parse(text);
    let mut out = FileFacts::default();
    // (activation, key) → position in `effective`: a later value replaces an earlier one.
    let mut slots: HashMap<(Option<String>, String), usize> = HashMap::new();
    let mut effective: Vec<(Option<String>, Entry)> = Vec::new();
    for document in documents {
        let activation = document
            .iter()
            .rev()
            .find(|e| PROFILE_KEYS.contains(&e.key.as_str()))
            .map(|e| e.value.trim().to_string());
        for entry in document {
            let slot = (activation.clone(), entry.key.clone());
            match slots.get(&slot) {
                Some(&i) => {
                    if let Some(place) = effective.get_mut(i) {
                        *place = (activation.clone(), entry);
                    }
                }
                None => {
                    slots.insert(slot, effective.len());
                    effective.push((activation.clone(), entry));
                }
            }
        }
    }
    for (activation, entry) in &effective {
        let bare = bare_placeholder(&entry.value).is_some();
        let entry = std::slice::from_ref(entry);
        let before = out.facts.len();
        match activation.as_deref().and_then(profile_names) {
            Some(profiles) => {
                for profile in profiles {
                    out.facts
                        .extend(facts_from_entries(path, SOURCE, Some(profile), entry));
                }
            }
            None => out
                .facts
                .extend(facts_from_entries(path, SOURCE, None, entry)),
        }
        if bare {
            let added = out.facts.get(before..).unwrap_or(&[]);
            let places: Vec<_> = added.iter().map(|f| f.location.clone()).collect();
            out.vault_placeholders.extend(places);
        }
    }
    key_vault_providers(path, &effective, &mut out);
    if let Some((line, column)) = error {
        out.parse_error(
            path,
            Some(line),
            Some(column),
            "malformed \\uXXXX escape in a .properties file",
        );
    }
    out
}

/// The Key Vault property sources each activation's properties configure (per profile, like
/// the facts).
fn key_vault_providers(path: &str, effective: &[(Option<String>, Entry)], out: &mut FileFacts) {
    let mut by_activation: Vec<(Option<&str>, Vec<Property<'_>>)> = Vec::new();
    for (activation, entry) in effective {
        if !is_key_vault_path(&entry.key) {
            continue;
        }
        let end = entry.column + entry.value.chars().count() as u32;
        let property = Property {
            path: entry.key.clone(),
            value: &entry.value,
            at: (entry.line, entry.column, end),
        };
        let activation = activation.as_deref();
        match by_activation.iter_mut().find(|(a, _)| *a == activation) {
            Some((_, properties)) => properties.push(property),
            None => by_activation.push((activation, vec![property])),
        }
    }
    for (activation, properties) in &by_activation {
        let profiles = match activation.and_then(profile_names) {
            Some(profiles) => profiles.into_iter().map(Some).collect(),
            None => vec![None],
        };
        for profile in profiles {
            out.vault_providers
                .extend(providers(path, properties, profile));
        }
    }
}

/// The profile names of an activation that is a plain list (`prod`, `prod,staging`,
/// `prod | staging`); `None` for an expression that names no definite set.
fn profile_names(activation: &str) -> Option<Vec<&str>> {
    let names: Vec<&str> = activation
        .split([',', '|'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let plain = |n: &&str| {
        n.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (!names.is_empty() && names.iter().all(plain)).then_some(names)
}

/// One character of a logical line with the physical position it was written at.
type Placed = (char, u32, u32);

/// Where reading stopped on a malformed `\uXXXX` escape: 1-based line and column.
pub type Malformed = (u32, u32);

/// A character after escape resolution: the character, whether it was escaped, and the line and
/// column where it was written (the backslash's position for an escape).
type Decoded = (char, bool, u32, u32);

/// Parses `.properties` text into documents of entries (in file order, duplicates kept). A
/// malformed `\uXXXX` escape ends the reading at its position; what was read before it is
/// returned.
pub fn parse(text: &str) -> (Vec<Vec<Entry>>, Option<Malformed>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut documents = vec![Vec::new()];
    let mut i = 0;
    while let Some(&raw) = lines.get(i) {
        let first_line = i;
        i += 1;
        if raw == "#---" || raw == "!---" {
            documents.push(Vec::new());
            continue;
        }
        let content = raw.trim_start_matches(is_blank);
        if content.is_empty() || content.starts_with(['#', '!']) {
            continue;
        }
        // Gather the logical line: physical lines joined while one ends in an odd number of `\`.
        let mut logical: Vec<Placed> = Vec::new();
        let mut segment = content;
        let mut segment_line = first_line;
        let mut segment_col = column_of(raw, content);
        loop {
            let continued = ends_with_odd_backslashes(segment);
            let body = if continued {
                segment.get(..segment.len() - 1).unwrap_or("")
            } else {
                segment
            };
            let line_no = to_u32(segment_line + 1);
            logical.extend(
                body.chars()
                    .enumerate()
                    .map(|(n, c)| (c, line_no, segment_col + to_u32(n))),
            );
            if !continued {
                break;
            }
            let Some(&next) = lines.get(i) else { break };
            segment_line = i;
            i += 1;
            segment = next.trim_start_matches(is_blank);
            segment_col = column_of(next, segment);
        }
        match parse_logical(&logical) {
            Ok(Some(entry)) => {
                if let Some(document) = documents.last_mut() {
                    document.push(entry);
                }
            }
            Ok(None) => {}
            Err(at) => return (documents, Some(at)),
        }
    }
    (documents, None)
}

/// Splits a logical line into key and value, resolving escapes. `Err` holds the position of a
/// malformed `\u` escape.
fn parse_logical(chars: &[Placed]) -> Result<Option<Entry>, Malformed> {
    let mut decoded = Decoder::new(chars);
    // Key: up to an unescaped `=`/`:`, or to the first non-blank after a blank.
    let mut key = String::new();
    let mut previous_blank = false;
    let mut value_start = None;
    while let Some((c, escaped, line, col)) = decoded.next_char()? {
        if !escaped && (c == '=' || c == ':') {
            break;
        }
        let blank = !escaped && is_blank(c);
        if !blank && previous_blank {
            value_start = Some((c, line, col));
            break;
        }
        previous_blank = blank;
        key.push(c);
    }
    let key = key.trim_matches(is_blank);
    if key.is_empty() {
        return Ok(None);
    }
    // Value: leading blanks skipped, the rest trimmed.
    let mut value = String::new();
    let mut position = None;
    if let Some((c, line, col)) = value_start {
        value.push(c);
        position = Some((line, col));
    }
    while let Some((c, escaped, line, col)) = decoded.next_char()? {
        if position.is_none() {
            if !escaped && is_blank(c) {
                continue;
            }
            position = Some((line, col));
        }
        value.push(c);
    }
    let Some((line, column)) = position else {
        return Ok(None);
    };
    let value = value.trim_end_matches(|c: char| c <= ' ').to_string();
    Ok(Some(Entry::new(key, value, line, column)))
}

/// Resolves `.properties` escapes over placed characters.
struct Decoder<'a> {
    chars: &'a [Placed],
    next: usize,
}

impl<'a> Decoder<'a> {
    fn new(chars: &'a [Placed]) -> Self {
        Self { chars, next: 0 }
    }

    /// The next character, whether it was escaped, and where it was written (the backslash's
    /// position for an escape).
    fn next_char(&mut self) -> Result<Option<Decoded>, Malformed> {
        let Some(&(c, line, col)) = self.chars.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        if c != '\\' {
            return Ok(Some((c, false, line, col)));
        }
        let Some(&(e, _, _)) = self.chars.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        let resolved = match e {
            't' => '\t',
            'r' => '\r',
            'n' => '\n',
            'f' => '\u{c}',
            'u' => self.unicode(line, col)?,
            other => other,
        };
        Ok(Some((resolved, true, line, col)))
    }

    /// The character of a `\uXXXX` escape (after `\u`), joining a UTF-16 surrogate pair.
    fn unicode(&mut self, line: u32, col: u32) -> Result<char, Malformed> {
        let high = self.hex4().ok_or((line, col))?;
        if (0xD800..0xDC00).contains(&high) {
            let low_follows = matches!(
                self.chars.get(self.next..self.next + 2),
                Some([('\\', _, _), ('u', _, _)])
            );
            if low_follows {
                let save = self.next;
                self.next += 2;
                match self.hex4() {
                    Some(low) if (0xDC00..0xE000).contains(&low) => {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    _ => self.next = save,
                }
            }
        }
        Ok(char::from_u32(high).unwrap_or('\u{fffd}'))
    }

    /// Four hex digits as a code unit.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.chars.get(self.next..self.next + 4)?;
        let mut code = 0;
        for &(d, _, _) in digits {
            code = code * 16 + d.to_digit(16)?;
        }
        self.next += 4;
        Some(code)
    }
}

/// Blanks as `.properties` defines them: space, tab, form feed.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{c}')
}

/// Whether a line ends with an odd run of backslashes, i.e. continues on the next line.
fn ends_with_odd_backslashes(line: &str) -> bool {
    line.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// 1-based character column at which `part` (a suffix of `line`) starts.
fn column_of(line: &str, part: &str) -> u32 {
    let prefix = line.len().saturating_sub(part.len());
    to_u32(line.get(..prefix).map_or(0, |p| p.chars().count()) + 1)
}

/// Saturating conversion for positions.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
