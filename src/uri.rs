//! Percent-encoding for the URIs credgate writes (SARIF locations, a repository's URI) and the
//! API paths it requests (GitHub environment names), in one place so that every caller escapes
//! the same characters.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Left as they are in one path segment: RFC 3986 unreserved characters. Everything else,
/// notably `/` and the space in an environment name, is percent-encoded.
pub const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Left as they are in a path of several segments: unreserved characters and `/`. Spaces, `#`,
/// `%`, `:` and friends in file or folder names cannot then be misread as URI syntax.
pub const PATH: &AsciiSet = &SEGMENT.remove(b'/');

/// `text` percent-encoded with `set`.
pub fn encode(text: &str, set: &'static AsciiSet) -> String {
    utf8_percent_encode(text, set).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_escapes_slashes_and_a_path_keeps_them() {
        assert_eq!(encode("prod/eu west", SEGMENT), "prod%2Feu%20west");
        assert_eq!(
            encode("My Project/_git/a#b", PATH),
            "My%20Project/_git/a%23b"
        );
        assert_eq!(encode("a-b.c_d~e", SEGMENT), "a-b.c_d~e");
    }
}
