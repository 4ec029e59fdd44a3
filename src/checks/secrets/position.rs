//! Byte offsets to 1-based line and character column, in one forward pass.
//!
//! Findings are placed in order, so each lookup only counts the bytes since the previous one:
//! a file with thousands of findings, or one finding at the end of a 1 MB line, stays linear.

/// Walks a file forward, converting byte offsets to positions.
#[derive(Debug)]
pub struct Cursor<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
    column: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
            line_start: 0,
            column: 1,
        }
    }

    /// The 1-based line and column of `offset`. Offsets must not decrease between calls; an
    /// earlier one restarts from the top of the file.
    pub fn position(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            *self = Self::new(self.bytes);
        }
        let gap = self.bytes.get(self.offset..offset).unwrap_or(&[]);
        let newlines = memchr::memchr_iter(b'\n', gap).count();
        if newlines > 0 {
            self.line += newlines;
            self.line_start =
                memchr::memrchr(b'\n', gap).map_or(self.line_start, |i| self.offset + i + 1);
            self.column = 1 + char_count(self.bytes.get(self.line_start..offset).unwrap_or(&[]));
        } else {
            self.column += char_count(gap);
        }
        self.offset = offset;
        (to_u32(self.line), to_u32(self.column))
    }

    /// Byte offset where the current line starts (after the last [`Cursor::position`]).
    pub fn line_start(&self) -> usize {
        self.line_start
    }
}

/// Characters in `bytes` as a lossy UTF-8 decoder counts them: each invalid sequence is one
/// replacement character.
pub fn char_count(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + usize::from(!chunk.invalid().is_empty()))
        .sum()
}

/// Saturating conversion for positions in absurdly large files.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let text = "ab\ncdé f\r\ng";
        let mut c = Cursor::new(text.as_bytes());
        assert_eq!(c.position(0), (1, 1));
        assert_eq!(c.position(1), (1, 2));
        assert_eq!(c.position(3), (2, 1));
        // `é` is two bytes but one character.
        let f = text.find('f').unwrap_or(0);
        assert_eq!(c.position(f), (2, 5));
        assert_eq!(c.line_start(), 3);
        let g = text.find('g').unwrap_or(0);
        assert_eq!(c.position(g), (3, 1));
        // Going back restarts.
        assert_eq!(c.position(1), (1, 2));
    }

    #[test]
    fn invalid_utf8_counts_like_lossy_decoding() {
        let bytes = b"a\xff\xfeb";
        assert_eq!(
            char_count(bytes),
            String::from_utf8_lossy(bytes).chars().count()
        );
        let mut c = Cursor::new(bytes);
        assert_eq!(c.position(3), (1, 4));
    }
}
