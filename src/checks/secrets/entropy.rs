//! How random a value looks: Shannon entropy and character classes.
//!
//! The generic rule has no fixed format to go by, so it asks whether a literal looks machine
//! generated. Entropy alone misjudges short values and long words, so the character mix is
//! measured too.

/// Shannon entropy in bits per byte: about 4.7 for random base62, 6 for base64, under 3.5 for
/// most words. Computed over bytes, which equals per-character entropy for ASCII values.
pub fn shannon_entropy(value: &str) -> f64 {
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in bytes {
        if let Some(count) = counts.get_mut(usize::from(*b)) {
            *count += 1;
        }
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Which kinds of characters a value mixes; random secrets mix several.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CharClasses {
    /// Has `a`–`z`.
    pub lower: bool,
    /// Has `A`–`Z`.
    pub upper: bool,
    /// Has `0`–`9`.
    pub digit: bool,
    /// Has punctuation other than the word separators `-`, `_`, `.` and space.
    pub symbol: bool,
}

impl CharClasses {
    /// Classifies every character of `value`.
    pub fn of(value: &str) -> Self {
        let mut classes = Self::default();
        for b in value.bytes() {
            match b {
                b'a'..=b'z' => classes.lower = true,
                b'A'..=b'Z' => classes.upper = true,
                b'0'..=b'9' => classes.digit = true,
                b'-' | b'_' | b'.' | b' ' => {}
                _ => classes.symbol = true,
            }
        }
        classes
    }

    /// How many of the four classes are present.
    pub fn count(self) -> usize {
        [self.lower, self.upper, self.digit, self.symbol]
            .iter()
            .filter(|present| **present)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_orders_words_below_random_strings() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        let word = shannon_entropy("production");
        let random = shannon_entropy("J5q-8Nw.S0_kX3vRt7ZpL2mB9cYh4Gd1");
        assert!(word < 3.5, "{word}");
        assert!(random > 4.5, "{random}");
    }

    #[test]
    fn classes_ignore_word_separators() {
        let c = CharClasses::of("user-profile_v2.json");
        assert_eq!(
            c,
            CharClasses {
                lower: true,
                upper: false,
                digit: true,
                symbol: false
            }
        );
        assert_eq!(CharClasses::of("Ab1!").count(), 4);
        assert_eq!(CharClasses::of("").count(), 0);
    }
}
