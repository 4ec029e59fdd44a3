//! Which of several disagreeing values is most likely wrong. Used by every "one environment, two
//! values" rule so that they all blame the same way: the value that differs from `credgate.toml`;
//! else the one that is another environment's (the classic copy-paste); else the minority; else
//! the one in the later source.

use crate::model::Fact;
use std::collections::BTreeMap;

/// One observed value of a field with its normal form.
#[derive(Clone, Copy, Debug)]
pub struct Sighting<'a> {
    /// Normal form; equal keys are the same value.
    pub key: &'a str,
    /// Where it was seen.
    pub fact: &'a Fact,
}

/// Why a value was judged the wrong one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blame {
    /// `credgate.toml` expects another value.
    Expected,
    /// The value is this other environment's (the first one in promotion order).
    OtherEnvironment(String),
    /// More sources agree on the other value.
    Minority,
    /// As many sources agree on each value; this one comes later in file order.
    Later,
}

/// The outcome: the value believed right and the sightings that disagree with it.
#[derive(Debug)]
pub struct Verdict<'a> {
    /// The value believed right (the expectation's, when there is one).
    pub kept: String,
    /// Its sightings, in place order (empty when only `credgate.toml` names it).
    pub kept_at: Vec<&'a Fact>,
    /// Every sighting of another value, with the reason, in place order.
    pub wrong: Vec<(Sighting<'a>, Blame)>,
}

/// Decides which values are wrong. `sightings` must be in place order and comparable with each
/// other; `expected` is the normal form `credgate.toml` asks for (same kind of value);
/// `owner_elsewhere(key)` names another environment that uses the value. Returns `None` when
/// nothing disagrees.
pub fn judge<'a>(
    sightings: &[Sighting<'a>],
    expected: Option<&str>,
    owner_elsewhere: impl Fn(&str) -> Option<String>,
) -> Option<Verdict<'a>> {
    if let Some(expected) = expected {
        let wrong: Vec<(Sighting<'a>, Blame)> = sightings
            .iter()
            .filter(|s| s.key != expected)
            .map(|s| (*s, Blame::Expected))
            .collect();
        if wrong.is_empty() {
            return None;
        }
        let kept_at = sightings
            .iter()
            .filter(|s| s.key == expected)
            .map(|s| s.fact)
            .collect();
        return Some(Verdict {
            kept: expected.to_string(),
            kept_at,
            wrong,
        });
    }

    // Groups in order of first appearance, so ties go to the earlier source.
    let mut groups: Vec<(&'a str, Vec<&'a Fact>)> = Vec::new();
    for s in sightings {
        match groups.iter_mut().find(|(k, _)| *k == s.key) {
            Some((_, facts)) => facts.push(s.fact),
            None => groups.push((s.key, vec![s.fact])),
        }
    }
    if groups.len() < 2 {
        return None;
    }
    let owners: BTreeMap<&str, Option<String>> = groups
        .iter()
        .map(|(k, _)| (*k, owner_elsewhere(k)))
        .collect();
    let copied = |k: &str| owners.get(k).cloned().flatten();
    let all_copied = groups.iter().all(|(k, _)| copied(k).is_some());
    let (kept_key, kept_at) = groups
        .iter()
        .filter(|(k, _)| all_copied || copied(k).is_none())
        // max_by_key keeps the last maximum; reversing keeps the first, i.e. the earliest.
        .rev()
        .max_by_key(|(_, facts)| facts.len())
        .map(|(k, facts)| (*k, facts.clone()))?;

    let wrong = sightings
        .iter()
        .filter(|s| s.key != kept_key)
        .map(|s| {
            let blame = match copied(s.key) {
                Some(env) if !all_copied => Blame::OtherEnvironment(env),
                _ => {
                    let count = groups
                        .iter()
                        .find(|(k, _)| *k == s.key)
                        .map_or(0, |(_, f)| f.len());
                    if count < kept_at.len() {
                        Blame::Minority
                    } else {
                        Blame::Later
                    }
                }
            };
            (*s, blame)
        })
        .collect();
    Some(Verdict {
        kept: kept_key.to_string(),
        kept_at,
        wrong,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FactValue, Field, Location};

    fn fact(file: &str) -> Fact {
        Fact {
            environment: None,
            field: Field::ClientId,
            value: FactValue::Plain(String::new()),
            location: Location::file(file, 1, 1),
            source: "test".to_string(),
        }
    }

    fn keys_of<'a>(v: &Verdict<'a>) -> Vec<(&'a str, Blame)> {
        v.wrong.iter().map(|(s, b)| (s.key, b.clone())).collect()
    }

    #[test]
    fn agreement_is_no_verdict() {
        let (a, b) = (fact("a"), fact("b"));
        let s = [
            Sighting { key: "x", fact: &a },
            Sighting { key: "x", fact: &b },
        ];
        assert!(judge(&s, None, |_| None).is_none());
        assert!(judge(&s, Some("x"), |_| None).is_none());
    }

    #[test]
    fn expectation_wins() {
        let (a, b, c) = (fact("a"), fact("b"), fact("c"));
        let s = [
            Sighting { key: "x", fact: &a },
            Sighting { key: "x", fact: &b },
            Sighting { key: "y", fact: &c },
        ];
        let v = judge(&s, Some("y"), |_| None).unwrap();
        assert_eq!(v.kept, "y");
        assert_eq!(
            keys_of(&v),
            vec![("x", Blame::Expected), ("x", Blame::Expected)]
        );
        // A lone value that differs from the expectation is wrong too.
        let lone = [Sighting { key: "x", fact: &a }];
        let v = judge(&lone, Some("y"), |_| None).unwrap();
        assert!(v.kept_at.is_empty());
        assert_eq!(v.wrong.len(), 1);
    }

    #[test]
    fn copy_of_another_environment_beats_majority() {
        let (a, b, c) = (fact("a"), fact("b"), fact("c"));
        let s = [
            Sighting { key: "x", fact: &a },
            Sighting { key: "x", fact: &b },
            Sighting { key: "y", fact: &c },
        ];
        let v = judge(&s, None, |k| (k == "x").then(|| "staging".to_string())).unwrap();
        assert_eq!(v.kept, "y");
        assert_eq!(
            keys_of(&v),
            vec![
                ("x", Blame::OtherEnvironment("staging".to_string())),
                ("x", Blame::OtherEnvironment("staging".to_string()))
            ]
        );
    }

    #[test]
    fn minority_then_later_source() {
        let (a, b, c) = (fact("a"), fact("b"), fact("c"));
        let s = [
            Sighting { key: "y", fact: &a },
            Sighting { key: "x", fact: &b },
            Sighting { key: "x", fact: &c },
        ];
        let v = judge(&s, None, |_| None).unwrap();
        assert_eq!(v.kept, "x");
        assert_eq!(keys_of(&v), vec![("y", Blame::Minority)]);

        let tie = [
            Sighting { key: "y", fact: &a },
            Sighting { key: "x", fact: &b },
        ];
        let v = judge(&tie, None, |_| None).unwrap();
        assert_eq!(v.kept, "y");
        assert_eq!(keys_of(&v), vec![("x", Blame::Later)]);
    }

    #[test]
    fn when_every_value_is_copied_fall_back_to_counts() {
        let (a, b) = (fact("a"), fact("b"));
        let s = [
            Sighting { key: "y", fact: &a },
            Sighting { key: "x", fact: &b },
        ];
        let v = judge(&s, None, |_| Some("test".to_string())).unwrap();
        assert_eq!(v.kept, "y");
        assert_eq!(keys_of(&v), vec![("x", Blame::Later)]);
    }
}
