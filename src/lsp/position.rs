//! Byte offsets of the text ↔ LSP positions (0-based line, column in UTF-16 code units).

use lsp_types::{Position, Range};

/// The LSP position of byte `offset` of `text` (clamped to the text, and back to the start
/// of a character).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    let col: usize = before[start..].chars().map(char::len_utf16).sum();
    Position::new(to_u32(line), to_u32(col))
}

/// The LSP range of bytes `start..end` of `text`.
pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range::new(position(text, start), position(text, end))
}

/// The byte offset of an LSP position; `None` past the last line. A column past the end of
/// its line is the line's end.
pub fn offset(text: &str, pos: Position) -> Option<usize> {
    let mut start = 0;
    for _ in 0..pos.line {
        start += text[start..].find('\n')? + 1;
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |p| start + p);
    let mut units = 0usize;
    for (i, c) in text[start..line_end].char_indices() {
        if units >= pos.character as usize {
            return Some(start + i);
        }
        units += c.len_utf16();
    }
    Some(line_end)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        // `é` is 2 bytes and 1 unit; `𝄞` is 4 bytes and 2 units.
        let text = "ab\né𝄞x\n";
        assert_eq!(position(text, 0), Position::new(0, 0));
        assert_eq!(position(text, 3), Position::new(1, 0));
        // 3 + 2 (é) + 4 (𝄞) = byte 9 is `x`, at unit 1 + 2 = 3.
        assert_eq!(position(text, 9), Position::new(1, 3));
        assert_eq!(offset(text, Position::new(1, 3)), Some(9));
        // Inside a character: back to its start.
        assert_eq!(position(text, 6), Position::new(1, 1));
        assert_eq!(offset(text, Position::new(1, 99)), Some(10));
        assert_eq!(offset(text, Position::new(9, 0)), None);
        assert_eq!(position(text, 999), Position::new(2, 0));
    }
}
