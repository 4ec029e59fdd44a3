//! The keyword pass: one sweep over the file decides which rules run, and where.
//!
//! Regexes are the expensive part of secret scanning; most files contain none of the words
//! that precede a secret, so they cost this single pass and nothing else. Matching is ASCII
//! case-insensitive. Where the CPU has it, aho-corasick's SIMD "Teddy" searcher runs over a
//! case-folded copy of each 64 KiB chunk (about twice the speed of a case-insensitive
//! automaton); otherwise a case-insensitive Aho-Corasick DFA does the same job.

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// One keyword occurrence and the rules that asked for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Byte offset of the keyword.
    pub start: usize,
    /// Byte offset just past the keyword.
    pub end: usize,
    /// Bit `i` is set when rule `i` listed this keyword (or one inside it).
    pub rules: u64,
}

/// Most rules one prefilter can route (one bit each).
pub const MAX_RULES: usize = 64;

/// Bytes case-folded and searched at a time by the SIMD searcher.
const CHUNK: usize = 64 * 1024;

/// Keywords shorter than this are searched on their own ([`Finder::Teddy`]'s `short`): the
/// SIMD searcher fingerprints every keyword by as many leading bytes as the shortest one has,
/// and three-byte fingerprints of words like `credential` (`cre`: create, increment…) or
/// `storage` (`sto`: store, history…) make it verify candidates at most positions of real code.
const FINGERPRINT: usize = 4;

/// The bit that tells an ASCII letter's cases apart. Setting it on every byte folds letters to
/// lower case in one branch-free, vectorised step; it folds some other bytes together too
/// (`_` with DEL, `\\` with `|`, control bytes with punctuation), which keywords folded the same
/// way can only turn into extra candidates, never missed ones: the rules then look at the
/// original bytes.
const CASE_BIT: u8 = 0x20;

/// The Teddy variants to try, best first: `Some(true)` is "fat" Teddy (AVX2, 16 buckets),
/// `None` whatever aho-corasick picks for the CPU ("slim", 8 buckets, on SSSE3 or AVX2). Fat
/// Teddy scans 16 bytes a step instead of 32, but with twice the buckets each holds half the
/// keywords, so far fewer positions pass the fingerprint and need verifying: on real trees
/// (bench/README.md) the whole keyword set runs in under half the time of the slim searcher
/// aho-corasick picks on its own for 30 patterns.
const TEDDY_PREFERENCE: &[Option<bool>] = &[Some(true), None];

/// `bytes` with [`CASE_BIT`] set on each.
fn fold(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().map(|b| b | CASE_BIT).collect()
}

/// The search machinery, best available first.
#[derive(Debug)]
enum Finder {
    /// SIMD multi-substring search over case-folded chunks for the keywords of at least
    /// [`FINGERPRINT`] bytes (`masks` by pattern), and a SIMD substring search of its own for
    /// each shorter one (`key`, `pwd`).
    Teddy {
        searcher: packed::Searcher,
        masks: Vec<u64>,
        short: Vec<(memchr::memmem::Finder<'static>, u64)>,
    },
    /// Case-insensitive automaton over every keyword, for CPUs without the SIMD searcher.
    Automaton(AhoCorasick),
}

/// Every rule's keywords in one searcher, and its fixed-case markers in SIMD substring
/// finders of their own. Hits come in order of position per searcher, not overall: rules
/// sort their spans ([`super::engine`]).
#[derive(Debug)]
pub struct Prefilter {
    finder: Option<Finder>,
    masks: Vec<u64>,
    longest: usize,
    /// Each distinct marker with the rules that asked for it.
    markers: Vec<(memchr::memmem::Finder<'static>, u64)>,
}

impl Prefilter {
    /// Builds the searcher from each rule's keyword list; index `i` of `keywords` is rule `i`.
    /// Rules past [`MAX_RULES`] are ignored.
    #[cfg(test)]
    pub fn new<'a>(keywords: impl IntoIterator<Item = &'a [&'a str]>) -> Self {
        Self::with_markers(keywords.into_iter().map(|k| (k, &[][..])))
    }

    /// [`Prefilter::new`] with each rule's fixed-case markers beside its keywords.
    pub fn with_markers<'a>(
        rules: impl IntoIterator<Item = (&'a [&'a str], &'static [&'static str])>,
    ) -> Self {
        Self::with_teddy(rules, TEDDY_PREFERENCE)
    }

    /// [`Prefilter::with_markers`] with the first Teddy variant of `teddy` the CPU has (see
    /// [`TEDDY_PREFERENCE`]), or the automaton when it has none.
    fn with_teddy<'a>(
        rules: impl IntoIterator<Item = (&'a [&'a str], &'static [&'static str])>,
        teddy: &[Option<bool>],
    ) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut masks: Vec<u64> = Vec::new();
        let mut markers: Vec<(&'static str, u64)> = Vec::new();
        let rules: Vec<_> = rules.into_iter().take(MAX_RULES).collect();
        for (index, (_, list)) in rules.iter().enumerate() {
            for marker in list.iter().filter(|m| !m.is_empty()) {
                match markers.iter_mut().find(|(m, _)| m == marker) {
                    Some((_, mask)) => *mask |= 1 << index,
                    None => markers.push((marker, 1 << index)),
                }
            }
        }
        let keywords = rules.iter().map(|(k, _)| *k);
        for (index, list) in keywords.enumerate() {
            for word in list.iter().filter(|w| !w.is_empty()) {
                let word = word.to_ascii_lowercase();
                match words.iter().position(|w| *w == word) {
                    // `masks` grows with `words`, so `at` is always in it.
                    Some(at) => {
                        if let Some(mask) = masks.get_mut(at) {
                            *mask |= 1 << index;
                        }
                    }
                    None => {
                        words.push(word);
                        masks.push(1 << index);
                    }
                }
            }
        }
        // A keyword reports for every keyword inside it: the SIMD searcher reports only the
        // longest keyword starting at a position.
        let closed: Vec<u64> = words
            .iter()
            .map(|outer| {
                words
                    .iter()
                    .zip(&masks)
                    .filter(|(inner, _)| outer.contains(inner.as_str()))
                    .fold(0, |acc, (_, mask)| acc | mask)
            })
            .collect();
        let long: Vec<(&String, u64)> = words
            .iter()
            .zip(&closed)
            .filter(|(w, _)| w.len() >= FINGERPRINT)
            .map(|(w, m)| (w, *m))
            .collect();
        let short: Vec<(memchr::memmem::Finder<'static>, u64)> = words
            .iter()
            .zip(&closed)
            .filter(|(w, _)| w.len() < FINGERPRINT)
            .map(|(w, m)| {
                (
                    memchr::memmem::Finder::new(&fold(w.as_bytes())).into_owned(),
                    *m,
                )
            })
            .collect();
        let teddy = teddy.iter().find_map(|fat| {
            packed::Config::new()
                .match_kind(packed::MatchKind::LeftmostLongest)
                .only_teddy(true)
                .only_teddy_fat(*fat)
                .builder()
                .extend(long.iter().map(|(w, _)| fold(w.as_bytes())))
                .build()
        });
        let finder = match teddy {
            Some(searcher) => Some(Finder::Teddy {
                searcher,
                masks: long.iter().map(|(_, m)| *m).collect(),
                short,
            }),
            None => AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&words)
                .ok()
                .map(Finder::Automaton),
        };
        Self {
            finder,
            masks: closed,
            longest: words.iter().map(String::len).max().unwrap_or(1),
            markers: markers
                .into_iter()
                .map(|(m, mask)| (memchr::memmem::Finder::new(m.as_bytes()), mask))
                .collect(),
        }
    }

    /// Whether a searcher could be built (always, for the built-in keyword lists).
    #[cfg(test)]
    pub fn is_ready(&self) -> bool {
        self.finder.is_some()
    }

    fn mask(&self, pattern: usize) -> u64 {
        self.masks.get(pattern).copied().unwrap_or(0)
    }

    /// Calls `found` for every keyword occurrence in `bytes`, ASCII case-insensitively, in
    /// order of position (keywords inside a longer keyword are folded into its mask), then for
    /// every marker occurrence, in order of position for each marker.
    pub fn for_each_hit(&self, bytes: &[u8], mut found: impl FnMut(Hit)) {
        self.keyword_hits(bytes, &mut found);
        for (finder, mask) in &self.markers {
            let len = finder.needle().len();
            for start in finder.find_iter(bytes) {
                found(Hit {
                    start,
                    end: start + len,
                    rules: *mask,
                });
            }
        }
    }

    fn keyword_hits(&self, bytes: &[u8], mut found: impl FnMut(Hit)) {
        match &self.finder {
            Some(Finder::Teddy {
                searcher,
                masks,
                short,
            }) => self.teddy_hits(searcher, masks, short, bytes, &mut found),
            Some(Finder::Automaton(ac)) => {
                for m in ac.find_overlapping_iter(bytes) {
                    found(Hit {
                        start: m.start(),
                        end: m.end(),
                        rules: self.mask(m.pattern().as_usize()),
                    });
                }
            }
            None => {}
        }
    }

    /// Case-folds `bytes` a chunk at a time (plus enough overlap for a keyword crossing the
    /// chunk edge) and reports every position where a keyword starts.
    fn teddy_hits(
        &self,
        searcher: &packed::Searcher,
        masks: &[u64],
        short: &[(memchr::memmem::Finder<'static>, u64)],
        bytes: &[u8],
        found: &mut impl FnMut(Hit),
    ) {
        let overlap = self.longest.saturating_sub(1);
        let mut lower = Vec::with_capacity(bytes.len().min(CHUNK + overlap));
        let mut base = 0;
        while base < bytes.len() {
            let end = base.saturating_add(CHUNK + overlap).min(bytes.len());
            lower.clear();
            lower.extend(
                bytes
                    .get(base..end)
                    .unwrap_or(&[])
                    .iter()
                    .map(|b| b | CASE_BIT),
            );
            // Keywords starting in the overlap belong to the next chunk.
            let limit = CHUNK.min(lower.len());
            let mut at = 0;
            while at < limit {
                let Some(m) = searcher.find_in(&lower, aho_corasick::Span::from(at..lower.len()))
                else {
                    break;
                };
                if m.start() >= limit {
                    break;
                }
                found(Hit {
                    start: base + m.start(),
                    end: base + m.end(),
                    rules: masks.get(m.pattern().as_usize()).copied().unwrap_or(0),
                });
                // Resume one byte on, so keywords starting inside this one are seen too.
                at = m.start() + 1;
            }
            for (finder, mask) in short {
                let len = finder.needle().len();
                for start in finder.find_iter(&lower).take_while(|s| *s < limit) {
                    found(Hit {
                        start: base + start,
                        end: base + start + len,
                        rules: *mask,
                    });
                }
            }
            base += CHUNK;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(pre: &Prefilter, text: &[u8]) -> Vec<(usize, usize, u64)> {
        let mut out = Vec::new();
        pre.for_each_hit(text, |h| out.push((h.start, h.end, h.rules)));
        out
    }

    #[test]
    fn folding_finds_every_casing_of_punctuated_keywords() {
        let pre = Prefilter::new([&["_pat", "pat\\", "secret"][..]]);
        assert!(pre.is_ready());
        let text = b"X_PAT y PaT\\ z SeCrEt";
        let mut found: Vec<usize> = hits(&pre, text).iter().map(|h| h.0).collect();
        found.sort_unstable();
        assert_eq!(found, vec![1, 8, 15]);
        // Bytes the fold merges with a keyword's are extra candidates at most, never a miss
        // of the real ones around them.
        let near = b"\x7fpat pat| _pat";
        let found: Vec<usize> = hits(&pre, near).iter().map(|h| h.0).collect();
        assert!(found.contains(&10), "{found:?}");
    }

    #[test]
    fn routes_hits_to_the_rules_that_asked() {
        let pre = Prefilter::new([&["secret", "key"][..], &["clientSecret"][..], &["KEY"][..]]);
        assert!(pre.is_ready());
        let found = hits(&pre, b"x CLIENTsecret AccountKey");
        // `clientsecret` also carries `secret`'s rule; `key` is shared by rules 0 and 2.
        assert!(found.contains(&(2, 14, 0b011)), "{found:?}");
        assert!(found.contains(&(22, 25, 0b101)), "{found:?}");
    }

    #[test]
    fn markers_are_found_in_their_case_only() {
        let pre = Prefilter::with_markers([(&["key"][..], &[][..]), (&[][..], &["Q~"][..])]);
        let found = hits(&pre, b"abcQ~x q~ KEY Q~");
        assert_eq!(found, vec![(10, 13, 0b01), (3, 5, 0b10), (14, 16, 0b10)]);
    }

    #[test]
    fn no_keyword_no_hit() {
        let pre = Prefilter::new([&["password"][..]]);
        assert!(hits(&pre, b"nothing to see here").is_empty());
    }

    #[test]
    fn keywords_across_chunk_edges_are_found_once() {
        let pre = Prefilter::new([&["password"][..], &["word"][..]]);
        for offset in [CHUNK - 8, CHUNK - 4, CHUNK - 1, CHUNK, CHUNK + 1] {
            let mut text = vec![b'.'; offset];
            text.extend_from_slice(b"PassWord");
            text.extend_from_slice(&[b'.'; 100]);
            let found = hits(&pre, &text);
            assert_eq!(found.len(), 2, "offset {offset}: {found:?}");
            assert_eq!(found[0], (offset, offset + 8, 0b11));
            assert_eq!(found[1], (offset + 4, offset + 8, 0b10));
        }
    }

    #[test]
    fn every_teddy_variant_finds_the_same_hits() {
        let keywords: &[&str] = &[
            "_pat",
            "pat_",
            "-pat",
            "ado=",
            "devops",
            "token",
            "secret",
            "passw",
            "credential",
            "private key",
            "storage",
            "accountkey",
            "sig=",
            "key",
            "pwd",
        ];
        let line = b"x_PAT=1 pat_ ado= DevOps tok TOKEN secrets PassWord credentials \
            Private Key storage AccountKey=sig=keypwd KEY -pat_ado=\n";
        let mut text = Vec::new();
        while text.len() < 3 * CHUNK {
            text.extend_from_slice(line);
            text.push(b'.');
        }
        let sorted = |p: &Prefilter| {
            let mut found = hits(p, &text);
            found.sort_unstable();
            found
        };
        let preferred = sorted(&Prefilter::new([keywords]));
        assert!(preferred.len() > 3 * CHUNK / line.len() * keywords.len());
        let starts = |found: &[(usize, usize, u64)]| {
            let mut s: Vec<usize> = found.iter().map(|h| h.0).collect();
            s.dedup();
            s
        };
        for variant in [Some(true), Some(false), None] {
            let pre = Prefilter::with_teddy([(keywords, &[][..])], &[variant]);
            let found = sorted(&pre);
            match pre.finder {
                Some(Finder::Teddy { .. }) => assert_eq!(found, preferred, "{variant:?}"),
                // A CPU without this variant gets the automaton, which splits a keyword's
                // mask over the keywords inside it but starts hits at the same places.
                _ => assert_eq!(starts(&found), starts(&preferred), "{variant:?}"),
            }
        }
    }

    #[test]
    fn automaton_fallback_finds_the_same_hits() {
        let pre = Prefilter::new([&["secret", "key"][..], &["clientSecret"][..]]);
        let text = b"clientSECRET=1; api_key=2; KEY\nsecretkey";
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(["secret", "key", "clientsecret"])
            .ok();
        let fallback = Prefilter {
            finder: automaton.map(Finder::Automaton),
            masks: vec![0b01, 0b01, 0b11],
            longest: 12,
            markers: Vec::new(),
        };
        let starts = |p: &Prefilter| {
            let mut s: Vec<usize> = hits(p, text).iter().map(|h| h.0).collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        assert_eq!(starts(&pre), starts(&fallback));
    }
}
