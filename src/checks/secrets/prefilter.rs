//! The keyword pass: one Aho-Corasick sweep over the file decides which rules run, and where.
//!
//! Regexes are the expensive part of secret scanning; most files contain none of the words
//! that precede a secret, so they cost this single pass and nothing else.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// One keyword occurrence and the rules that asked for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Byte offset of the keyword.
    pub start: usize,
    /// Byte offset just past the keyword.
    pub end: usize,
    /// Bit `i` is set when rule `i` listed this keyword.
    pub rules: u64,
}

/// Every rule's keywords in one automaton, ASCII case-insensitive.
#[derive(Debug)]
pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    masks: Vec<u64>,
}

/// Most rules one prefilter can route (one bit each).
pub const MAX_RULES: usize = 64;

impl Prefilter {
    /// Builds the automaton from each rule's keyword list; index `i` of `keywords` is rule `i`.
    /// Rules past [`MAX_RULES`] are ignored.
    pub fn new<'a>(keywords: impl IntoIterator<Item = &'a [&'a str]>) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut masks: Vec<u64> = Vec::new();
        for (index, list) in keywords.into_iter().enumerate().take(MAX_RULES) {
            for word in list {
                let word = word.to_ascii_lowercase();
                match words.iter().position(|w| *w == word) {
                    Some(at) => masks[at] |= 1 << index,
                    None => {
                        words.push(word);
                        masks.push(1 << index);
                    }
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .ok();
        Self { automaton, masks }
    }

    /// Whether the automaton could be built (always, for the built-in keyword lists).
    #[cfg(test)]
    pub fn is_ready(&self) -> bool {
        self.automaton.is_some()
    }

    /// Every keyword occurrence in `bytes`, overlapping ones included (`clientSecret` also
    /// yields `secret`), in order of where they end.
    pub fn hits<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = Hit> + 'a {
        self.automaton
            .iter()
            .flat_map(move |ac| ac.find_overlapping_iter(bytes))
            .map(|m| Hit {
                start: m.start(),
                end: m.end(),
                rules: self.masks.get(m.pattern().as_usize()).copied().unwrap_or(0),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_hits_to_the_rules_that_asked() {
        let pre = Prefilter::new([&["secret", "key"][..], &["clientSecret"][..], &["KEY"][..]]);
        assert!(pre.is_ready());
        let mut hits: Vec<(usize, usize, u64)> = pre
            .hits(b"x clientsecret AccountKey")
            .map(|h| (h.start, h.end, h.rules))
            .collect();
        hits.sort_unstable();
        // `clientsecret` contains `secret`; `key` is shared by rules 0 and 2.
        assert_eq!(hits, vec![(2, 14, 0b010), (8, 14, 0b001), (22, 25, 0b101)]);
    }

    #[test]
    fn no_keyword_no_hit() {
        let pre = Prefilter::new([&["password"][..]]);
        assert_eq!(pre.hits(b"nothing to see here").count(), 0);
    }
}
