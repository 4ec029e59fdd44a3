//! Wording shared by every consistency rule: how a place, a list of places and a field are
//! named, so that all findings read alike and name the other side as `file:line`.

use crate::model::{Field, Location, Severity};

/// The catalog severity of a rule id. Every id this module reports is in the catalog (a unit
/// test holds that); the fallback only keeps a catalog slip from crashing a run.
pub fn severity(rule_id: &str) -> Severity {
    crate::rules::find(rule_id).map_or(Severity::Error, |rule| rule.severity)
}

/// `file:line` (the column would only clutter a sentence), the file alone, or the non-file source.
pub fn place(location: &Location) -> String {
    match (&location.file, location.line) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        (Some(file), None) => file.clone(),
        (None, _) => location
            .source
            .clone()
            .unwrap_or_else(|| "(unknown source)".to_string()),
    }
}

/// At most `max` places joined for a sentence, with the rest counted: `a:1, b:2 and 3 more`.
pub fn places<'a>(locations: impl IntoIterator<Item = &'a Location>, max: usize) -> String {
    let all: Vec<String> = locations.into_iter().map(place).collect();
    let shown: Vec<String> = all.iter().take(max).cloned().collect();
    let hidden = all.len().saturating_sub(shown.len());
    if hidden > 0 {
        format!("{} and {hidden} more", shown.join(", "))
    } else {
        join_and(&shown)
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and(items: &[String]) -> String {
    join_with(items, "and")
}

/// `a`, `a or b`, `a, b or c`: the alternatives a sentence offers (`credgate init`'s
/// environments and aliases).
pub fn join_or(items: &[String]) -> String {
    join_with(items, "or")
}

/// The items joined by commas, `word` before the last.
fn join_with(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// The field as a noun in running text.
pub fn field_noun(field: Field) -> &'static str {
    match field {
        Field::TenantId => "tenant id",
        Field::ClientId => "client id",
        Field::ClientSecret => "client secret",
        Field::Certificate => "certificate",
        Field::Authority => "authority",
        Field::RedirectUri => "redirect URI",
        Field::Scope => "scope",
    }
}

/// `1 source` / `3 sources`.
pub fn sources(count: usize) -> String {
    if count == 1 {
        "1 source".to_string()
    } else {
        format!("{count} sources")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_as_file_and_line() {
        let a = Location::file("a.json", 7, 17);
        let b = Location::whole_file("b.env");
        let c = Location::source("env:X");
        assert_eq!(place(&a), "a.json:7");
        assert_eq!(place(&b), "b.env");
        assert_eq!(place(&c), "env:X");
        assert_eq!(places([&a, &b, &c], 5), "a.json:7, b.env and env:X");
        assert_eq!(places([&a, &b, &c], 2), "a.json:7, b.env and 1 more");
        assert_eq!(places([&a], 2), "a.json:7");
        let items = |n: usize| -> Vec<String> {
            ["x", "y", "z"][..n].iter().map(|s| s.to_string()).collect()
        };
        assert_eq!(join_and(&items(0)), "");
        assert_eq!(join_or(&items(1)), "x");
        assert_eq!(join_or(&items(2)), "x or y");
        assert_eq!(join_and(&items(3)), "x, y and z");
    }

    #[test]
    fn every_consistency_rule_is_in_the_catalog() {
        for id in super::super::RULE_IDS {
            let rule = crate::rules::find(id);
            assert!(rule.is_some(), "{id} is not in the catalog");
            assert_eq!(
                rule.map(|r| r.family),
                Some(crate::rules::Family::Consistency)
            );
        }
    }
}
