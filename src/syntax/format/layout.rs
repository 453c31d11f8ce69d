//! Layout of lines: indentation, blank lines, blocks, comments trailing a line, and the
//! breaking of long lines.

use super::{Printer, MAX_WIDTH};
use crate::syntax::span::Span;

pub(super) fn width(s: &str) -> usize {
    s.chars().count()
}

pub(super) fn spaces(n: usize) -> String {
    " ".repeat(n)
}

impl Printer<'_> {
    pub(super) fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    /// Whether the source between `a` and `b` holds a blank line.
    pub(super) fn blank_between(&self, a: usize, b: usize) -> bool {
        a < b
            && self
                .src
                .get(a..b)
                .is_some_and(|g| g.bytes().filter(|&c| c == b'\n').count() >= 2)
    }

    pub(super) fn blank_before(&mut self, at: usize) {
        if !self.block_start && self.blank_between(self.last_end, at) {
            self.out.push('\n');
        }
    }

    /// A line of code standing for the source `[start, end)`. Comments before it or inside
    /// it go on their own lines above it; comments after it on the same source line trail it,
    /// after `text` padded to `pad` columns.
    pub(super) fn line(&mut self, level: usize, text: &str, start: usize, end: usize, pad: usize) {
        self.leading(level, end, start);
        self.blank_before(start);
        self.indent(level);
        self.out.push_str(text);
        let mut at = end;
        let mut first = true;
        while let Some(&c) = self.comments.get(self.next) {
            let Some(gap) = self.src.get(at..c.start) else {
                break;
            };
            if gap.contains('\n') || !gap.trim().is_empty() {
                break;
            }
            if first {
                let last_line = text.rsplit('\n').next().unwrap_or(text);
                let w = width(last_line);
                if w < pad {
                    self.out.push_str(&spaces(pad - w));
                }
                first = false;
            }
            self.out.push(' ');
            self.out.push_str(&self.src[c.start..c.end]);
            at = c.end;
            self.next += 1;
        }
        self.out.push('\n');
        self.last_end = self.last_end.max(at).max(end);
        self.block_start = false;
    }

    /// `header {` of a block whose braces are at `open` and `close`; `header {}` when the block
    /// holds nothing, not even a comment (then returns false: there is nothing to close).
    pub(super) fn open_block(
        &mut self,
        level: usize,
        header: &str,
        start: usize,
        open: usize,
        close: usize,
        empty: bool,
    ) -> bool {
        if empty && !self.comment_between(open, close) {
            self.line(level, &format!("{header} {{}}"), start, close + 1, 0);
            return false;
        }
        self.line(level, &format!("{header} {{"), start, open + 1, 0);
        self.block_start = true;
        true
    }

    pub(super) fn close_block(&mut self, level: usize, close: usize) {
        self.leading(level + 1, close, close);
        self.block_start = true;
        self.line(level, "}", close, close + 1, 0);
    }

    /// Positions of the braces of a block declaration spanning `span` whose header ends at
    /// `header_end`.
    pub(super) fn braces(&self, span: Span, header_end: usize) -> (usize, usize) {
        let end = self.code_end(span);
        let open = self
            .next_code(header_end)
            .filter(|&p| self.src.as_bytes()[p] == b'{')
            .unwrap_or(header_end);
        let close = if end > 0 && self.src.as_bytes().get(end - 1) == Some(&b'}') {
            end - 1
        } else {
            end
        };
        (open, close.max(open))
    }
}

/// A test row `TABLE { a: 1, b: 2 }` on one line when it fits in [`MAX_WIDTH`] columns at
/// `indent`; else its fields fill lines, continued 4 columns further in.
pub(super) fn row_text(prefix: &str, fields: &[String], indent: usize) -> String {
    let one = format!("{prefix}{} }}", fields.join(", "));
    if indent + width(&one) <= MAX_WIDTH {
        return one;
    }
    let cont = indent + 4;
    let mut lines: Vec<(usize, String)> = vec![(indent, prefix.trim_end().to_string())];
    for (i, f) in fields.iter().enumerate() {
        let piece = if i + 1 == fields.len() {
            format!("{f} }}")
        } else {
            format!("{f},")
        };
        let last = lines.len() - 1;
        let (col, line) = &lines[last];
        let fresh = last > 0 && line.is_empty();
        if fresh {
            lines[last].1.push_str(&piece);
        } else if col + width(line) + 1 + width(&piece) <= MAX_WIDTH || (last == 0 && i == 0) {
            lines[last].1.push(' ');
            lines[last].1.push_str(&piece);
        } else {
            lines.push((cont, piece));
        }
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, (c, l))| {
            if i == 0 {
                l.clone()
            } else {
                format!("\n{}{l}", spaces(*c))
            }
        })
        .collect()
}

/// A piece of an expression laid out for line breaking.
#[derive(Clone, Debug)]
pub(super) enum Tok {
    /// Text printed as it is.
    Text(String),
    /// A space, or a line break when the layout breaks at this rank (lower ranks first).
    Break(u16),
}

/// The rank of a break: nesting first (outermost breaks first), then precedence.
pub(super) fn level(depth: u16, prec: u8) -> u16 {
    depth.saturating_mul(16).saturating_add(u16::from(prec))
}

/// The nesting depth of a rank.
pub(super) fn depth_of(level: u16) -> usize {
    usize::from(level / 16)
}

/// The pieces on one line.
pub(super) fn join(pieces: &[Tok]) -> String {
    let mut s = String::new();
    for t in pieces {
        match t {
            Tok::Text(x) => s.push_str(x),
            Tok::Break(_) => s.push(' '),
        }
    }
    s
}

/// `head` and the pieces of an expression, broken at the lowest ranks that make every line
/// fit (or at every break when none does). `first_col`: where `head` starts; `col`: where
/// continuation lines of the outermost level start; lines broken inside parentheses or a
/// call start 4 columns further in per level.
pub(super) fn broken(head: &str, pieces: &[Tok], first_col: usize, col: usize) -> String {
    let one = format!("{head}{}", join(pieces));
    if first_col + width(&one) <= MAX_WIDTH {
        return one;
    }
    let mut levels: Vec<u16> = pieces
        .iter()
        .filter_map(|t| match t {
            Tok::Break(l) => Some(*l),
            Tok::Text(_) => None,
        })
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut best = one;
    for t in levels {
        let mut lines = vec![(first_col, head.to_string())];
        for p in pieces {
            let last = lines.len() - 1;
            match p {
                Tok::Text(x) => lines[last].1.push_str(x),
                Tok::Break(l) if *l <= t => lines.push((col + 4 * depth_of(*l), String::new())),
                Tok::Break(_) => lines[last].1.push(' '),
            }
        }
        let fit = lines.iter().all(|(c, l)| c + width(l) <= MAX_WIDTH);
        best = lines
            .iter()
            .enumerate()
            .map(|(i, (c, l))| {
                if i == 0 {
                    l.clone()
                } else {
                    format!("\n{}{l}", spaces(*c))
                }
            })
            .collect();
        if fit {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Tok {
        Tok::Text(t.to_string())
    }

    #[test]
    fn a_line_that_fits_is_not_broken() {
        let pieces = [text("a"), Tok::Break(level(0, 6)), text("+ b")];
        assert_eq!(join(&pieces), "a + b");
        assert_eq!(broken("kpi x = ", &pieces, 2, 10), "kpi x = a + b");
    }

    #[test]
    fn long_lines_break_at_the_lowest_rank_first() {
        let long = "x".repeat(40);
        // `LONG + LONG * LONG`: the `+` (rank 6) breaks before the `*` (rank 7).
        let pieces = [
            text(&long),
            Tok::Break(level(0, 6)),
            text(&format!("+ {long}")),
            Tok::Break(level(0, 7)),
            text(&format!("* {long}")),
        ];
        let out = broken("kpi x = ", &pieces, 2, 10);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(lines[1], format!("{}+ {long} * {long}", spaces(10)));
        // Inside parentheses (depth 1) a line starts 4 columns further in.
        assert_eq!(depth_of(level(1, 0)), 1);
    }

    #[test]
    fn long_rows_fill_continuation_lines() {
        let fields: Vec<String> = (0..12).map(|i| format!("column_{i}: {i}")).collect();
        let out = row_text("reps { ", &fields, 2);
        assert!(out.lines().count() > 1, "{out}");
        assert!(
            out.lines().skip(1).all(|l| l.starts_with(&spaces(6))),
            "{out}"
        );
        assert!(out.ends_with(" }"));
        assert!(out.lines().all(|l| width(l) <= MAX_WIDTH), "{out}");
        assert_eq!(row_text("t { ", &["a: 1".to_string()], 2), "t { a: 1 }");
    }
}
