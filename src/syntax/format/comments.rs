//! Comment scanning: where the comments of a plan text are (the grammar skips them) and
//! where code starts and ends around them.

use super::Printer;
use crate::syntax::span::Span;

/// A comment in the source: `//` to the end of its line (trailing white space excluded), or
/// `/* … */` (to the end of the text when it is not closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    /// First byte (`/`).
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The comments of a plan text, in order. Strings are skipped, so `"a // b"` holds none.
pub fn comments(src: &str) -> Vec<Comment> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
                let end = i + src[i..line_end].trim_end().len();
                out.push(Comment { start: i, end });
                i = line_end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end =
                    memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |p| i + 2 + p + 2);
                out.push(Comment { start: i, end });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The text of every comment, in order, as [`format`] keeps it (a `//` comment without its
/// trailing white space).
pub fn comment_texts(src: &str) -> Vec<&str> {
    comments(src)
        .into_iter()
        .map(|c| &src[c.start..c.end])
        .collect()
}

impl Printer<'_> {
    /// The comment that starts at `pos`, if any.
    pub(super) fn comment_at(&self, pos: usize) -> Option<Comment> {
        self.comments
            .binary_search_by_key(&pos, |c| c.start)
            .ok()
            .map(|i| self.comments[i])
    }

    /// The comment that ends at `pos`, if any.
    pub(super) fn comment_ending_at(&self, pos: usize) -> Option<Comment> {
        self.comments
            .binary_search_by_key(&pos, |c| c.end)
            .ok()
            .map(|i| self.comments[i])
    }

    /// The first byte at or after `pos` that is neither white space nor in a comment.
    pub(super) fn next_code(&self, mut pos: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        while pos < b.len() {
            if b[pos].is_ascii_whitespace() {
                pos += 1;
            } else if let Some(c) = self.comment_at(pos) {
                pos = c.end.max(pos + 1);
            } else {
                return Some(pos);
            }
        }
        None
    }

    /// The end of the code in `span`: trailing white space and comments (which pest can
    /// include in a rule's span) left out.
    pub(super) fn code_end(&self, span: Span) -> usize {
        let start = span.start as usize;
        let mut end = (span.end as usize).min(self.src.len());
        loop {
            let text = self.src.get(start..end).unwrap_or("");
            end = start + text.trim_end().len();
            match self.comment_ending_at(end) {
                Some(c) if c.start >= start && c.start < end => end = c.start,
                _ => return end,
            }
        }
    }

    /// Own-line comments starting before `upto`, at `level`. `code_start`: where the code
    /// they come before starts (comments inside that code do not get a blank line).
    pub(super) fn leading(&mut self, level: usize, upto: usize, code_start: usize) {
        while let Some(&c) = self.comments.get(self.next) {
            if c.start >= upto {
                break;
            }
            self.next += 1;
            self.blank_before(c.start.min(code_start));
            self.indent(level);
            self.out.push_str(&self.src[c.start..c.end]);
            self.out.push('\n');
            self.last_end = self.last_end.max(c.end);
            self.block_start = false;
        }
    }

    /// Whether any comment starts in `[a, b)`.
    pub(super) fn comment_between(&self, a: usize, b: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start >= a && c.start < b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_scanner_skips_strings() {
        let src = "kpi a = \"// no\" // yes  \n/* b\n */ \"/* no */\" /* open";
        assert_eq!(comment_texts(src), ["// yes", "/* b\n */", "/* open"]);
    }

    #[test]
    fn comments_have_their_exact_extent() {
        let src = "a // x \t\nb /* y */ c";
        let found = comments(src);
        assert_eq!(found.len(), 2);
        assert_eq!(&src[found[0].start..found[0].end], "// x");
        assert_eq!(&src[found[1].start..found[1].end], "/* y */");
        assert!(comments("\"unclosed // string\n// real").len() == 1);
    }
}
