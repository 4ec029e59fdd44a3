//! Byte offsets to 1-based line and character column.
//!
//! The JSON, TOML and HCL parsers report byte ranges, while a `Location` wants the line and the
//! column in characters that an editor shows. Building the line table once per file keeps each
//! look-up logarithmic, so a file with many values stays linear overall.

/// Line starts of one text, for turning byte offsets into positions.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset at which each line starts; the first is always 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the lines of `text` (a `\r\n` ending belongs to the line it ends).
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { text, starts }
    }

    /// The 1-based line and character column of a byte offset. Offsets past the end clamp to
    /// the end; an offset inside a multi-byte character counts that character as begun.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let bytes = self.text.as_bytes().get(start..offset).unwrap_or(&[]);
        let column = match std::str::from_utf8(bytes) {
            Ok(s) => s.chars().count(),
            Err(_) => String::from_utf8_lossy(bytes).chars().count(),
        };
        (to_u32(line), to_u32(column + 1))
    }
}

/// Saturating conversion for positions in files larger than any credgate reads.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_characters_from_one() {
        let text = "ab\r\ncé d\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(1), (1, 2));
        assert_eq!(index.position(4), (2, 1));
        // `d` follows a two-byte character: byte 8, character column 4.
        assert_eq!(index.position(text.find('d').unwrap()), (2, 4));
        assert_eq!(index.position(text.find("last").unwrap()), (3, 1));
        assert_eq!(index.position(10_000), (3, 5));
    }
}
