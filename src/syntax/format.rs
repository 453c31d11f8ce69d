//! The canonical layout of plan and test files (`ignition fmt`).
//!
//! [`format`] prints a parsed [`Unit`] from its AST; it never looks at pest's pairs. The
//! source text is used for two things only: to find the comments (which the grammar skips)
//! and where they stand relative to the declarations, and to keep a percent literal's
//! digits as written.
//!
//! The layout:
//!
//! - two spaces of indentation per block (`plan "…" {`, `input`, `rates`, `test`);
//! - one declaration, column, band, row, `data` or `expect` per line, in source order;
//! - a single space around binary operators and after `,` and `:`; the fewest parentheses
//!   the operator precedence of the parser needs; `half-up`-style rounding modes written
//!   as one word;
//! - literals in one spelling: `300 EUR`, `20%`, `30 days`, with the digits as written
//!   (`_` separators kept: `1_500 EUR`), ISO dates, strings re-escaped;
//! - a `let`, `kpi`, `payout`, `cap` or `floor` longer than [`MAX_WIDTH`] columns moves
//!   its `when` to the next line, then breaks its expression before the operators of the
//!   outermost level, lowest precedence first (continuation lines line up with the start of
//!   the expression), then inside parentheses and calls, after `,` first (4 columns further
//!   in per level);
//! - a test row longer than [`MAX_WIDTH`] columns fills its fields into continuation lines
//!   4 columns further in;
//! - rate tables aligned: lower edges left-aligned, upper edges right-aligned, trailing
//!   comments after the values lined up; the table names of a test's rows aligned;
//! - at most one blank line where the source had one or more, none after `{` or before `}`;
//! - comments stay where they were: own-line comments before the line they precede (at
//!   its indentation), trailing comments at the end of their line, comments written inside
//!   a line (within an expression, a column, a band, a row) on their own lines before it;
//! - one newline at the end of the file.

use super::ast::*;
use super::span::Span;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Lines longer than this (indentation included, comments excluded) are broken when the
/// layout allows it.
pub const MAX_WIDTH: usize = 100;

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

/// `unit` (parsed from `src`) in the canonical layout, with the comments of `src`.
pub fn format(src: &str, unit: &Unit) -> String {
    let mut p = Printer {
        src,
        comments: comments(src),
        next: 0,
        out: String::with_capacity(src.len() + src.len() / 8),
        last_end: 0,
        block_start: true,
    };
    match unit {
        Unit::Plan(plan) => p.plan(plan),
        Unit::Tests(t) => p.tests_file(t),
    }
    // Comments after the last line of code.
    p.leading(0, usize::MAX, src.len());
    let trimmed = p.out.trim_end().len();
    p.out.truncate(trimmed);
    p.out.push('\n');
    p.out
}

// ---------------------------------------------------------------- layout of lines and comments

struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    /// The first comment not printed yet.
    next: usize,
    out: String,
    /// End (in the source) of what was printed last, for blank-line detection.
    last_end: usize,
    /// True right after `{` or at the top of the file: no blank line here.
    block_start: bool,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

impl Printer<'_> {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    /// Whether the source between `a` and `b` holds a blank line.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        a < b
            && self
                .src
                .get(a..b)
                .is_some_and(|g| g.bytes().filter(|&c| c == b'\n').count() >= 2)
    }

    fn blank_before(&mut self, at: usize) {
        if !self.block_start && self.blank_between(self.last_end, at) {
            self.out.push('\n');
        }
    }

    /// The comment that starts at `pos`, if any.
    fn comment_at(&self, pos: usize) -> Option<Comment> {
        self.comments
            .binary_search_by_key(&pos, |c| c.start)
            .ok()
            .map(|i| self.comments[i])
    }

    /// The comment that ends at `pos`, if any.
    fn comment_ending_at(&self, pos: usize) -> Option<Comment> {
        self.comments
            .binary_search_by_key(&pos, |c| c.end)
            .ok()
            .map(|i| self.comments[i])
    }

    /// The first byte at or after `pos` that is neither white space nor in a comment.
    fn next_code(&self, mut pos: usize) -> Option<usize> {
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
    fn code_end(&self, span: Span) -> usize {
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
    fn leading(&mut self, level: usize, upto: usize, code_start: usize) {
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

    /// A line of code standing for the source `[start, end)`. Comments before it or inside
    /// it go on their own lines above it; comments after it on the same source line trail it,
    /// after `text` padded to `pad` columns.
    fn line(&mut self, level: usize, text: &str, start: usize, end: usize, pad: usize) {
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

    /// Whether any comment starts in `[a, b)`.
    fn comment_between(&self, a: usize, b: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start >= a && c.start < b)
    }

    /// `header {` of a block whose braces are at `open` and `close`; `header {}` when the block
    /// holds nothing, not even a comment (then returns false: there is nothing to close).
    fn open_block(
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

    fn close_block(&mut self, level: usize, close: usize) {
        self.leading(level + 1, close, close);
        self.block_start = true;
        self.line(level, "}", close, close + 1, 0);
    }

    /// Positions of the braces of a block declaration spanning `span` whose header ends at
    /// `header_end`.
    fn braces(&self, span: Span, header_end: usize) -> (usize, usize) {
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

    // ------------------------------------------------------------ files and declarations

    fn plan(&mut self, plan: &Plan) {
        let start = self.next_code(0).unwrap_or(0);
        let end = self.code_end(Span::new(0, self.src.len()));
        let (open, close) = self.braces(Span::new(start, end), plan.name_span.end as usize);
        let header = format!("plan {}", quote(&plan.name));
        if self.open_block(0, &header, start, open, close, plan.decls.is_empty()) {
            for d in &plan.decls {
                self.decl(1, d);
            }
            self.close_block(0, close);
        }
    }

    fn tests_file(&mut self, t: &TestsFile) {
        let start = self.next_code(0).unwrap_or(0);
        let text = format!("tests for {}", quote(&t.plan));
        self.line(0, &text, start, t.plan_span.end as usize, 0);
        for test in &t.tests {
            self.test(0, test);
        }
    }

    fn decl(&mut self, level: usize, d: &Decl) {
        let start = d.span.start as usize;
        let end = self.code_end(d.span);
        let simple = |p: &mut Self, text: String| p.line(level, &text, start, end, 0);
        match &d.kind {
            DeclKind::Currency(c) => simple(self, format!("currency {}", c.name)),
            DeclKind::Periods { kind, from, to, .. } => {
                let kind = match kind {
                    PeriodKind::Monthly => "monthly",
                    PeriodKind::Quarterly => "quarterly",
                    PeriodKind::Yearly => "yearly",
                };
                simple(self, format!("periods {kind} from {from} to {to}"))
            }
            DeclKind::Rounding { increment, mode } => {
                let mode = match mode {
                    RoundingMode::HalfEven => "half-even",
                    RoundingMode::HalfUp => "half-up",
                    RoundingMode::HalfDown => "half-down",
                    RoundingMode::Up => "up",
                    RoundingMode::Down => "down",
                };
                simple(self, format!("rounding payouts to {increment} {mode}"))
            }
            DeclKind::Participants { table, manager } => {
                let mut t = format!("participants {}", table.name);
                if let Some(m) = manager {
                    t.push_str(&format!(" managed by {}", m.name));
                }
                simple(self, t)
            }
            DeclKind::Credit { table, to, by } => simple(
                self,
                format!("credit {} to {} by {}", table.name, to.name, by.name),
            ),
            DeclKind::Let { name, expr } => {
                let head = format!("let {} = ", name.name);
                self.definition(level, &head, expr, None, start, end)
            }
            DeclKind::Kpi { name, ty, expr } => {
                let head = match ty {
                    Some((t, _)) => format!("kpi {}: {} = ", name.name, type_name(t)),
                    None => format!("kpi {} = ", name.name),
                };
                self.definition(level, &head, expr, None, start, end)
            }
            DeclKind::Payout {
                name,
                expr,
                when,
                may_be_negative,
            } => {
                let head = format!("payout {} = ", name.name);
                let tail = may_be_negative.map(|_| "may be negative");
                self.definition_with(level, &head, expr, when.as_ref(), tail, start, end)
            }
            DeclKind::Limit { kind, target, expr } => {
                let kw = match kind {
                    LimitKind::Cap => "cap",
                    LimitKind::Floor => "floor",
                };
                let head = format!("{kw} {} at ", target.name);
                self.definition(level, &head, expr, None, start, end)
            }
            DeclKind::Input { name, key, columns } => {
                let mut header = format!("input {}", name.name);
                let mut header_end = name.span.end as usize;
                if let Some(k) = key {
                    header.push_str(&format!(" key {}", k.name));
                    header_end = k.span.end as usize;
                }
                let (open, close) = self.braces(d.span, header_end);
                if self.open_block(level, &header, start, open, close, columns.is_empty()) {
                    let texts: Vec<String> = columns.iter().map(|c| self.column_text(c)).collect();
                    let pad = texts.iter().map(|t| width(t)).max().unwrap_or(0);
                    for (c, text) in columns.iter().zip(texts) {
                        self.column(level + 1, c, &text, pad);
                    }
                    self.close_block(level, close);
                }
            }
            DeclKind::Rates { name, by, bands } => {
                let mut header = format!("rates {}", name.name);
                let mut header_end = name.span.end as usize;
                if let Some(b) = by {
                    header.push_str(&format!(" by {}", b.name));
                    header_end = b.span.end as usize;
                }
                let (open, close) = self.braces(d.span, header_end);
                if self.open_block(level, &header, start, open, close, bands.is_empty()) {
                    self.bands(level + 1, bands);
                    self.close_block(level, close);
                }
            }
            DeclKind::Test(t) => self.test(level, t),
        }
    }

    fn column_text(&self, c: &ColumnDecl) -> String {
        let mut text = format!("{}: {}", c.name.name, type_name(&c.ty));
        if c.optional {
            text.push('?');
        }
        if c.nonneg.is_some() {
            text.push_str(" >= 0");
        }
        if let Some(v) = &c.default {
            text.push_str(" = ");
            text.push_str(&self.expr(v));
        }
        text
    }

    /// A column line; trailing comments line up at `pad`.
    fn column(&mut self, level: usize, c: &ColumnDecl, text: &str, pad: usize) {
        let start = c.name.span.start as usize;
        let mut end = self.code_end(c.ty_span);
        if c.optional {
            if let Some(q) = self.next_code(end) {
                if self.src.as_bytes()[q] == b'?' {
                    end = q + 1;
                }
            }
        }
        if let Some(s) = c.nonneg {
            end = end.max(self.code_end(s));
        }
        if let Some(v) = &c.default {
            end = end.max(self.code_end(v.span));
        }
        self.line(level, text, start, end, pad);
    }

    fn bands(&mut self, level: usize, bands: &[Band]) {
        let cells: Vec<(String, String, String)> = bands
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut value = self.expr(&b.value);
                // Before a band open below, `VALUE - 5` and `..` would read as a band
                // `-5 ..`: keep such a value in parentheses.
                let next_open = bands.get(i + 1).is_some_and(|n| n.lo.is_none());
                if next_open
                    && !matches!(
                        b.value.kind,
                        ExprKind::Lit(_)
                            | ExprKind::Name(_)
                            | ExprKind::Call(..)
                            | ExprKind::Field(..)
                    )
                {
                    value = format!("({value})");
                }
                (
                    b.lo.as_ref().map(|e| self.expr(e)).unwrap_or_default(),
                    b.hi.as_ref().map(|e| self.expr(e)).unwrap_or_default(),
                    value,
                )
            })
            .collect();
        let wl = cells.iter().map(|c| width(&c.0)).max().unwrap_or(0);
        let wh = cells.iter().map(|c| width(&c.1)).max().unwrap_or(0);
        let wv = cells.iter().map(|c| width(&c.2)).max().unwrap_or(0);
        for (b, (lo, hi, value)) in bands.iter().zip(cells) {
            let mut text = String::new();
            if wl > 0 {
                text.push_str(&lo);
                text.push_str(&spaces(wl - width(&lo) + 1));
            }
            text.push_str("..");
            if wh > 0 {
                text.push_str(&spaces(wh - width(&hi) + 1));
                text.push_str(&hi);
            }
            text.push_str(" : ");
            let pad = width(&text) + wv;
            text.push_str(&value);
            let end = self.code_end(b.span);
            self.line(level, &text, b.span.start as usize, end, pad);
        }
    }

    fn test(&mut self, level: usize, t: &TestDecl) {
        let start = t.span.start as usize;
        let (open, close) = self.braces(t.span, t.name_span.end as usize);
        let empty = t.rows.is_empty() && t.files.is_empty() && t.expects.is_empty();
        let header = format!("test {}", quote(&t.name));
        if !self.open_block(level, &header, start, open, close, empty) {
            return;
        }
        let table_width = t
            .rows
            .iter()
            .map(|r| width(&r.table.name))
            .max()
            .unwrap_or(0);
        // Rows, data files and expectations are kept in separate lists: print them in the
        // order they were written.
        let mut items: Vec<(Span, String)> = Vec::new();
        for r in &t.rows {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|(c, v)| format!("{}: {}", c.name, self.expr(v)))
                .collect();
            let pad = spaces(table_width - width(&r.table.name));
            let text = if fields.is_empty() {
                format!("{}{pad} {{}}", r.table.name)
            } else {
                row_text(
                    &format!("{}{pad} {{ ", r.table.name),
                    &fields,
                    (level + 1) * 2,
                )
            };
            items.push((r.span, text));
        }
        for (table, path, span) in &t.files {
            items.push((*span, format!("data {} = {}", table.name, quote(path))));
        }
        for e in &t.expects {
            let text = match &e.kind {
                ExpectKind::Value {
                    name,
                    op,
                    value,
                    within,
                } => {
                    let mut s = format!(
                        "expect {} for {} in {} {} {}",
                        name.name,
                        quote(&e.participant.0),
                        e.period.0,
                        op.symbol(),
                        self.expr(value)
                    );
                    if let Some(w) = within {
                        s.push_str(&format!(" within {}", self.expr(w)));
                    }
                    s
                }
                ExpectKind::Error { containing } => format!(
                    "expect error for {} in {} containing {}",
                    quote(&e.participant.0),
                    e.period.0,
                    quote(containing)
                ),
            };
            items.push((e.span, text));
        }
        items.sort_by_key(|(s, _)| s.start);
        for (span, text) in items {
            let end = self.code_end(span);
            self.line(level + 1, &text, span.start as usize, end, 0);
        }
        self.close_block(level, close);
    }

    /// `HEAD EXPR [when COND]` on one line, or broken when it is too long.
    fn definition(
        &mut self,
        level: usize,
        head: &str,
        expr: &Expr,
        when: Option<&Expr>,
        start: usize,
        end: usize,
    ) {
        self.definition_with(level, head, expr, when, None, start, end)
    }

    /// [`Self::definition`] followed by `tail` (`may be negative`): on the last line when it
    /// fits, else on a line of its own.
    #[allow(clippy::too_many_arguments)]
    fn definition_with(
        &mut self,
        level: usize,
        head: &str,
        expr: &Expr,
        when: Option<&Expr>,
        tail: Option<&str>,
        start: usize,
        end: usize,
    ) {
        let indent = level * 2;
        let value = self.pieces(expr);
        let cond = when.map(|w| self.pieces(w));
        let mut one = format!("{head}{}", join(&value));
        if let Some(c) = &cond {
            one.push_str(" when ");
            one.push_str(&join(c));
        }
        let text = if indent + width(&one) <= MAX_WIDTH {
            one
        } else {
            let col = indent + width(head);
            let mut text = broken(head, &value, indent, col);
            if let Some(c) = &cond {
                text.push('\n');
                text.push_str(&spaces(col));
                text.push_str(&broken("when ", c, col, col + 5));
            }
            text
        };
        let text = match tail {
            None => text,
            Some(t) => {
                let last = text.rsplit('\n').next().unwrap_or(&text);
                let last_col = if text.contains('\n') { 0 } else { indent };
                if last_col + width(last) + 1 + width(t) <= MAX_WIDTH {
                    format!("{text} {t}")
                } else {
                    format!("{text}\n{}{t}", spaces(indent + width(head)))
                }
            }
        };
        self.line(level, &text, start, end, 0);
    }

    // ------------------------------------------------------------ expressions

    fn expr(&self, e: &Expr) -> String {
        let mut s = String::new();
        self.write(&mut s, e, 0, 0);
        s
    }

    /// `e` as text and the places a line may break, for line breaking: before each binary
    /// operator (ranked by its nesting in parentheses and calls, then its precedence) and
    /// after each `,` of a call. Joined with spaces, the pieces are the expression on one
    /// line.
    fn pieces(&self, e: &Expr) -> Vec<Tok> {
        let mut out = Vec::new();
        self.tokens(e, 0, 0, 0, &mut out);
        out
    }

    /// [`Self::write`], with break points.
    fn tokens(&self, e: &Expr, rbp: u8, follow: u8, depth: u16, out: &mut Vec<Tok>) {
        let text = |out: &mut Vec<Tok>, t: &str| match out.last_mut() {
            Some(Tok::Text(s)) => s.push_str(t),
            _ => out.push(Tok::Text(t.to_string())),
        };
        if !fits(e, rbp, follow) {
            text(out, "(");
            self.tokens(e, 0, 0, depth + 1, out);
            text(out, ")");
            return;
        }
        if rounding_mode(e).is_some() {
            let mut s = String::new();
            self.write(&mut s, e, rbp, follow);
            text(out, &s);
            return;
        }
        match &e.kind {
            ExprKind::Field(b, f) => {
                self.tokens(b, POSTFIX - 1, POSTFIX, depth, out);
                text(out, &format!(".{}", f.name));
            }
            ExprKind::Where(rows, cond) => {
                self.tokens(rows, POSTFIX - 1, POSTFIX, depth, out);
                text(out, " where ");
                self.tokens(cond, 0, 0, depth, out);
            }
            ExprKind::Call(f, args) => {
                text(out, &format!("{}(", f.name));
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        text(out, ",");
                        out.push(Tok::Break(level(depth + 1, 0)));
                    }
                    if let Some(n) = &a.name {
                        text(out, &format!("{}: ", n.name));
                    }
                    self.tokens(&a.value, 0, 0, depth + 1, out);
                }
                text(out, ")");
            }
            ExprKind::Binary(..) | ExprKind::Otherwise(..) => {
                if let Some((q, l, r, sym)) = infix(e) {
                    self.tokens(l, rbp, q, depth, out);
                    out.push(Tok::Break(level(depth, q)));
                    text(out, &format!("{sym} "));
                    self.tokens(r, q, follow, depth, out);
                }
            }
            ExprKind::Neg(x) => {
                text(out, "-");
                self.tokens(x, NEG - 1, follow, depth, out);
            }
            ExprKind::Not(x) => {
                text(out, "not ");
                self.tokens(x, NOT - 1, follow, depth, out);
            }
            ExprKind::Lit(_) | ExprKind::Name(_) => {
                let mut s = String::new();
                self.write(&mut s, e, rbp, follow);
                text(out, &s);
            }
        }
    }

    /// Print `e` where the parser reads it with binding power `rbp` and the operator that
    /// follows it binds with `follow` (0: nothing follows), in parentheses when needed.
    fn write(&self, out: &mut String, e: &Expr, rbp: u8, follow: u8) {
        if !fits(e, rbp, follow) {
            out.push('(');
            self.write(out, e, 0, 0);
            out.push(')');
            return;
        }
        if let Some(mode) = rounding_mode(e) {
            out.push_str(mode);
            return;
        }
        match &e.kind {
            ExprKind::Lit(l) => out.push_str(&self.literal(l, e.span)),
            ExprKind::Name(i) => out.push_str(&i.name),
            ExprKind::Field(b, f) => {
                self.write(out, b, POSTFIX - 1, POSTFIX);
                out.push('.');
                out.push_str(&f.name);
            }
            ExprKind::Where(rows, cond) => {
                self.write(out, rows, POSTFIX - 1, POSTFIX);
                out.push_str(" where ");
                self.write(out, cond, 0, 0);
            }
            ExprKind::Call(f, args) => {
                out.push_str(&f.name);
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if let Some(n) = &a.name {
                        out.push_str(&n.name);
                        out.push_str(": ");
                    }
                    self.write(out, &a.value, 0, 0);
                }
                out.push(')');
            }
            ExprKind::Binary(..) | ExprKind::Otherwise(..) => {
                if let Some((q, l, r, sym)) = infix(e) {
                    self.write(out, l, rbp, q);
                    out.push(' ');
                    out.push_str(sym);
                    out.push(' ');
                    self.write(out, r, q, follow);
                }
            }
            ExprKind::Neg(x) => {
                out.push('-');
                self.write(out, x, NEG - 1, follow);
            }
            ExprKind::Not(x) => {
                out.push_str("not ");
                self.write(out, x, NOT - 1, follow);
            }
        }
    }

    fn literal(&self, l: &Literal, span: Span) -> String {
        match l {
            Literal::Number(n) => self.digits(*n, span, "").unwrap_or_else(|| n.to_string()),
            Literal::Percent(p) => self.percent(*p, span),
            Literal::Money(n, c) => {
                let digits = self.digits(*n, span, c).unwrap_or_else(|| n.to_string());
                format!("{digits} {c}")
            }
            Literal::Days(n) => {
                let digits = self
                    .digits(*n, span, "days")
                    .unwrap_or_else(|| n.to_string());
                format!("{digits} days")
            }
            Literal::Date(d) => d.format("%Y-%m-%d").to_string(),
            Literal::Text(s) => quote(s),
            Literal::Bool(b) => b.to_string(),
        }
    }

    /// A literal's source text, without the parentheses and comments around it (a
    /// parenthesised expression's span covers them).
    fn written(&self, span: Span) -> Option<String> {
        let raw = self.src.get(span.start as usize..span.end as usize)?;
        let mut text = String::with_capacity(raw.len());
        let mut at = 0;
        for c in comments(raw) {
            text.push_str(&raw[at..c.start]);
            text.push(' ');
            at = c.end;
        }
        text.push_str(&raw[at..]);
        let mut t = text.trim();
        while let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
            t = inner.trim();
        }
        Some(t.to_string())
    }

    /// The digits of a number as written, `_` separators included, when the source still
    /// holds them and they mean `n` (`unit`: the currency or `days` written after them).
    fn digits(&self, n: Decimal, span: Span, unit: &str) -> Option<String> {
        let written = self.written(span)?;
        let t = written.strip_suffix(unit)?.trim_end();
        if t.is_empty()
            || !t
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
        {
            return None;
        }
        let value = Decimal::from_str(&t.replace('_', "")).ok()?;
        // The same value with the same scale (the AST keeps `1.50` apart from `1.5`).
        (format!("{value:?}") == format!("{n:?}")).then(|| t.to_string())
    }

    /// A percent with its digits as written (`_` separators included) when the source still
    /// holds them; otherwise the shortest form of the value.
    fn percent(&self, p: Decimal, span: Span) -> String {
        let written = self
            .written(span)
            .and_then(|t| t.strip_suffix('%').map(str::to_string))
            .filter(|t| {
                t.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
            });
        if let Some(digits) = written {
            let same = Decimal::from_str(&digits.replace('_', ""))
                .ok()
                .and_then(|d| d.checked_div(Decimal::ONE_HUNDRED))
                .is_some_and(|d| d == p);
            if same {
                return format!("{digits}%");
            }
        }
        match p.checked_mul(Decimal::ONE_HUNDRED) {
            Some(v) => format!("{}%", v.normalize()),
            None => format!("{p}%"),
        }
    }
}

/// A test row `TABLE { a: 1, b: 2 }` on one line when it fits in [`MAX_WIDTH`] columns at
/// `indent`; else its fields fill lines, continued 4 columns further in.
fn row_text(prefix: &str, fields: &[String], indent: usize) -> String {
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
enum Tok {
    /// Text printed as it is.
    Text(String),
    /// A space, or a line break when the layout breaks at this rank (lower ranks first).
    Break(u16),
}

/// The rank of a break: nesting first (outermost breaks first), then precedence.
fn level(depth: u16, prec: u8) -> u16 {
    depth.saturating_mul(16).saturating_add(u16::from(prec))
}

/// The nesting depth of a rank.
fn depth_of(level: u16) -> usize {
    usize::from(level / 16)
}

/// The pieces on one line.
fn join(pieces: &[Tok]) -> String {
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
fn broken(head: &str, pieces: &[Tok], first_col: usize, col: usize) -> String {
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

// ---------------------------------------------------------------- precedence

// Binding powers, following `PRATT` in the parser (lowest first).
const OTHERWISE: u8 = 1;
const OR: u8 = 2;
const AND: u8 = 3;
const NOT: u8 = 4;
const CMP: u8 = 5;
const ADD: u8 = 6;
const MUL: u8 = 7;
const NEG: u8 = 8;
const POSTFIX: u8 = 9;
/// Binds tighter than anything: a primary, a call, a field, a parenthesised expression.
const CLOSED: u8 = u8::MAX;

fn bin_prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => OR,
        BinOp::And => AND,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => CMP,
        BinOp::Add | BinOp::Sub => ADD,
        BinOp::Mul | BinOp::Div => MUL,
    }
}

/// An infix node: (precedence, left, right, operator).
fn infix(e: &Expr) -> Option<(u8, &Expr, &Expr, &'static str)> {
    match &e.kind {
        ExprKind::Binary(op, l, r) => Some((bin_prec(*op), l, r, op.symbol())),
        ExprKind::Otherwise(l, r) => Some((OTHERWISE, l, r, "otherwise")),
        _ => None,
    }
}

/// The precedence of the node's own operator when it is infix (the parser must not stop
/// before it), else [`CLOSED`].
fn top(e: &Expr) -> u8 {
    infix(e).map_or(CLOSED, |(q, ..)| q)
}

/// The lowest binding power among the places on `e`'s right edge that an operator written
/// after `e` could attach to, when `e` is printed without parentheses and followed by an
/// operator of precedence `follow`. An operator of precedence `p` written after `e` stays
/// outside it when this is at least `p`.
fn open(e: &Expr, follow: u8) -> u8 {
    let (level, right) = match &e.kind {
        ExprKind::Binary(..) | ExprKind::Otherwise(..) => match infix(e) {
            Some((q, _, r, _)) => (q, r),
            None => return CLOSED,
        },
        ExprKind::Not(x) => (NOT - 1, x.as_ref()),
        ExprKind::Neg(x) => (NEG - 1, x.as_ref()),
        // The condition of `where` takes everything after it.
        ExprKind::Where(..) => return 0,
        _ => return CLOSED,
    };
    let o = open(right, follow);
    if top(right) > level && o >= follow {
        level.min(o)
    } else {
        level
    }
}

/// Whether `e` reads back as itself without parentheses where the parser reads it with
/// binding power `rbp` and an operator of precedence `follow` comes after it.
fn fits(e: &Expr, rbp: u8, follow: u8) -> bool {
    top(e) > rbp && open(e, follow) >= follow
}

/// `half - up` (how the parser reads the rounding mode argument `half-up`) written as one word.
fn rounding_mode(e: &Expr) -> Option<&'static str> {
    let ExprKind::Binary(BinOp::Sub, l, r) = &e.kind else {
        return None;
    };
    match (&l.kind, &r.kind) {
        (ExprKind::Name(a), ExprKind::Name(b)) if a.name == "half" => match b.name.as_str() {
            "up" => Some("half-up"),
            "down" => Some("half-down"),
            "even" => Some("half-even"),
            _ => None,
        },
        _ => None,
    }
}

// ---------------------------------------------------------------- small parts

/// A string literal, escaped the way the grammar reads it back.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn type_name(t: &TypeName) -> String {
    match t {
        TypeName::Text => "text".into(),
        TypeName::Bool => "bool".into(),
        TypeName::Integer => "integer".into(),
        TypeName::Number => "number".into(),
        TypeName::Percent => "percent".into(),
        TypeName::Money(None) => "money".into(),
        TypeName::Money(Some(c)) => format!("money({})", c.name),
        TypeName::Date => "date".into(),
        TypeName::Days => "days".into(),
    }
}

// ---------------------------------------------------------------- meaning without spans

/// A copy of `unit` with every span set to the empty span at 0: two texts mean the same
/// plan when their units are equal this way.
pub fn without_spans(unit: &Unit) -> Unit {
    let mut u = unit.clone();
    match &mut u {
        Unit::Plan(p) => {
            p.name_span = Span::default();
            for d in &mut p.decls {
                erase_decl(d);
            }
        }
        Unit::Tests(t) => {
            t.plan_span = Span::default();
            for test in &mut t.tests {
                erase_test(test);
            }
        }
    }
    u
}

fn erase_ident(i: &mut Ident) {
    i.span = Span::default();
}

fn erase_type(t: &mut TypeName) {
    if let TypeName::Money(Some(c)) = t {
        erase_ident(c);
    }
}

fn erase_decl(d: &mut Decl) {
    d.span = Span::default();
    match &mut d.kind {
        DeclKind::Currency(c) => erase_ident(c),
        DeclKind::Periods { range_span, .. } => *range_span = Span::default(),
        DeclKind::Rounding { .. } => {}
        DeclKind::Input { name, key, columns } => {
            erase_ident(name);
            if let Some(k) = key {
                erase_ident(k);
            }
            for c in columns {
                erase_ident(&mut c.name);
                erase_type(&mut c.ty);
                c.ty_span = Span::default();
                if let Some(s) = &mut c.nonneg {
                    *s = Span::default();
                }
                if let Some(v) = &mut c.default {
                    erase_expr(v);
                }
            }
        }
        DeclKind::Participants { table, manager } => {
            erase_ident(table);
            if let Some(m) = manager {
                erase_ident(m);
            }
        }
        DeclKind::Credit { table, to, by } => {
            erase_ident(table);
            erase_ident(to);
            erase_ident(by);
        }
        DeclKind::Let { name, expr } => {
            erase_ident(name);
            erase_expr(expr);
        }
        DeclKind::Kpi { name, ty, expr } => {
            erase_ident(name);
            if let Some((t, s)) = ty {
                erase_type(t);
                *s = Span::default();
            }
            erase_expr(expr);
        }
        DeclKind::Payout {
            name,
            expr,
            when,
            may_be_negative,
        } => {
            erase_ident(name);
            erase_expr(expr);
            if let Some(w) = when {
                erase_expr(w);
            }
            if let Some(s) = may_be_negative {
                *s = Span::default();
            }
        }
        DeclKind::Rates { name, by, bands } => {
            erase_ident(name);
            if let Some(b) = by {
                erase_ident(b);
            }
            for b in bands {
                b.span = Span::default();
                for e in [&mut b.lo, &mut b.hi].into_iter().flatten() {
                    erase_expr(e);
                }
                erase_expr(&mut b.value);
            }
        }
        DeclKind::Test(t) => erase_test(t),
        DeclKind::Limit { target, expr, .. } => {
            erase_ident(target);
            erase_expr(expr);
        }
    }
}

fn erase_test(t: &mut TestDecl) {
    t.name_span = Span::default();
    t.span = Span::default();
    for r in &mut t.rows {
        r.span = Span::default();
        erase_ident(&mut r.table);
        for (c, v) in &mut r.fields {
            erase_ident(c);
            erase_expr(v);
        }
    }
    for (table, _, span) in &mut t.files {
        erase_ident(table);
        *span = Span::default();
    }
    for e in &mut t.expects {
        e.span = Span::default();
        e.participant.1 = Span::default();
        e.period.1 = Span::default();
        if let ExpectKind::Value {
            name,
            value,
            within,
            ..
        } = &mut e.kind
        {
            erase_ident(name);
            erase_expr(value);
            if let Some(w) = within {
                erase_expr(w);
            }
        }
    }
}

fn erase_expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Lit(_) => {}
        ExprKind::Name(i) => erase_ident(i),
        ExprKind::Field(b, f) => {
            erase_expr(b);
            erase_ident(f);
        }
        ExprKind::Where(a, b) | ExprKind::Binary(_, a, b) | ExprKind::Otherwise(a, b) => {
            erase_expr(a);
            erase_expr(b);
        }
        ExprKind::Call(f, args) => {
            erase_ident(f);
            for a in args {
                if let Some(n) = &mut a.name {
                    erase_ident(n);
                }
                erase_expr(&mut a.value);
            }
        }
        ExprKind::Neg(x) | ExprKind::Not(x) => erase_expr(x),
    }
}

/// Whether two units mean the same: equal without spans, numbers compared with their
/// written scale (`2.0` is not `2`: the checker types them differently).
pub fn same_meaning(a: &Unit, b: &Unit) -> bool {
    format!("{:?}", without_spans(a)) == format!("{:?}", without_spans(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceFile;
    use crate::syntax::parser::parse_unit;

    fn parse(text: &str) -> Unit {
        let src = SourceFile::new("t.plan", text);
        match parse_unit(&src) {
            Ok(u) => u,
            Err(d) => panic!("{}\n{text}", crate::diagnostics::render_plain(&[d], 100)),
        }
    }

    /// Format `text` and check the guarantees: the result parses to the same plan, keeps
    /// every comment, and formats to itself.
    fn fmt(text: &str) -> String {
        let unit = parse(text);
        let out = format(text, &unit);
        let again = parse(&out);
        assert!(
            same_meaning(&unit, &again),
            "meaning changed:\n{text}\n---\n{out}"
        );
        assert_eq!(comment_texts(text), comment_texts(&out), "comments:\n{out}");
        assert_eq!(format(&out, &again), out, "not idempotent:\n{out}");
        out
    }

    /// One expression, formatted.
    fn ex(e: &str) -> String {
        let out = fmt(&format!("plan \"T\" {{\n  kpi x = {e}\n}}\n"));
        out.lines()
            .nth(1)
            .and_then(|l| l.strip_prefix("  kpi x = "))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{out}"))
    }

    #[test]
    fn parentheses_are_the_fewest_the_precedence_needs() {
        for (input, want) in [
            ("(1 + 2) * 3", "(1 + 2) * 3"),
            ("1 + (2 * 3)", "1 + 2 * 3"),
            ("(a - b) - c", "a - b - c"),
            ("a - (b - c)", "a - (b - c)"),
            ("a / (b * c)", "a / (b * c)"),
            ("((((a))))", "a"),
            ("-(a)", "-a"),
            ("-(a + b)", "-(a + b)"),
            ("(-a) * b", "-a * b"),
            ("-(a * b)", "-(a * b)"),
            ("-(a.b)", "-a.b"),
            ("(-a).b", "(-a).b"),
            ("- (-a)", "--a"),
            ("a - (-b)", "a - -b"),
            ("(rows where c).x", "(rows where c).x"),
            ("(r where a) where b", "(r where a) where b"),
            ("r where (a where b)", "r where a where b"),
            ("(r where a) + 1", "(r where a) + 1"),
            ("1 + (r where a)", "1 + r where a"),
            ("not (a and b)", "not (a and b)"),
            ("not (a == b)", "not a == b"),
            ("(not a) == b", "(not a) == b"),
            ("a and (not b)", "a and not b"),
            ("(a * (not b)) + c", "a * (not b) + c"),
            ("a * (not b)", "a * not b"),
            ("- (not a)", "-not a"),
            ("(a or b) and c", "(a or b) and c"),
            ("a or (b and c)", "a or b and c"),
            ("(a otherwise b) otherwise c", "a otherwise b otherwise c"),
            ("a otherwise (b otherwise c)", "a otherwise (b otherwise c)"),
            ("(a / b) otherwise 0%", "a / b otherwise 0%"),
            ("a / (b otherwise 1)", "a / (b otherwise 1)"),
            ("(a.b).c", "a.b.c"),
            ("f((a + b), per: (q))", "f(a + b, per: q)"),
            ("round(x,0.01,half-up)", "round(x, 0.01, half-up)"),
            ("half - even", "half-even"),
            ("(a < b) == (c > d)", "a < b == (c > d)"),
            ("((a < b) == c) > d", "a < b == c > d"),
            ("a < (b == c)", "a < (b == c)"),
        ] {
            assert_eq!(ex(input), want, "{input}");
        }
    }

    #[test]
    fn literals_have_one_spelling() {
        assert_eq!(ex("300 EUR + 300   EUR"), "300 EUR + 300 EUR");
        // Digits as written, `_` separators kept.
        assert_eq!(ex("1_000_000.50"), "1_000_000.50");
        assert_eq!(ex("12.50%"), "12.50%");
        assert_eq!(ex("1_0%"), "1_0%");
        assert_eq!(ex("1_500 EUR + 1_500  EUR"), "1_500 EUR + 1_500 EUR");
        assert_eq!(ex("1_000   days"), "1_000 days");
        assert_eq!(ex("a + (0.10%) * (2_0)"), "a + 0.10% * 2_0");
        assert_eq!(ex("30   days"), "30 days");
        assert_eq!(ex("2026-02-28"), "2026-02-28");
        assert_eq!(
            ex("\"a \\\"q\\\" \\\\ \\n\tb\""),
            "\"a \\\"q\\\" \\\\ \\n\\tb\""
        );
        assert_eq!(ex("true == false"), "true == false");
        assert_eq!(ex("-5%"), "-5%");
        assert_eq!(
            ex("\"// not a comment /* either */\""),
            "\"// not a comment /* either */\""
        );
    }

    #[test]
    fn a_messy_plan_gets_the_canonical_layout() {
        let messy = "// head\n\n\n\nplan   \"P\"{currency EUR periods monthly from 2026-01-01 to 2026-12-31\n\
            input deals key id{id:text amount : money ( EUR )? = 0  EUR   // a column\n\
            day:date}\n\n\n\n  participants deals credit deals to id by day\n\
            let won = deals where (amount >= 1_000 EUR)   // trailing\n\
            /* own line */\n\
            kpi a : percent = ((1 + 2) * 3) otherwise (0%)\n\
            kpi b =\n   a // inside\n   + 1\n\
            rates t by a { ..10%:1 EUR 10% .. 200%: 20 EUR   // mid\n  200%..: 300 EUR}\n\
            payout p = 1 EUR when a >= 25%\n\
            cap p at 10 EUR\n\n\n// before the end\n}";
        let want = "// head\n\nplan \"P\" {\n  currency EUR\n  periods monthly from 2026-01-01 to 2026-12-31\n  \
            input deals key id {\n    id: text\n    amount: money(EUR)? = 0 EUR // a column\n    day: date\n  }\n\n  \
            participants deals\n  credit deals to id by day\n  \
            let won = deals where amount >= 1_000 EUR // trailing\n  /* own line */\n  \
            kpi a: percent = (1 + 2) * 3 otherwise 0%\n  // inside\n  kpi b = a + 1\n  \
            rates t by a {\n         ..  10% : 1 EUR\n    10%  .. 200% : 20 EUR  // mid\n    200% ..      : 300 EUR\n  }\n  \
            payout p = 1 EUR when a >= 25%\n  cap p at 10 EUR\n\n  // before the end\n}\n";
        assert_eq!(fmt(messy), want);
    }

    #[test]
    fn comments_stay_where_they_were() {
        let text = "/* a\n   block */ plan /* in header */ \"P\" { // after brace\n  \
            // leading\n  kpi a = 1 /* t1 */ // t2\n  kpi b = 2 * /* inside */ 3\n\
            \n\n  // dangling\n} // after plan\n// eof\n";
        let out = fmt(text);
        assert_eq!(
            out,
            "/* a\n   block */\n/* in header */\nplan \"P\" { // after brace\n  // leading\n  \
             kpi a = 1 /* t1 */ // t2\n  /* inside */\n  kpi b = 2 * 3\n\n  // dangling\n} // after plan\n// eof\n"
        );
    }

    #[test]
    fn blank_lines_collapse_to_one_and_never_open_or_close_a_block() {
        let out = fmt("plan \"P\" {\n\n\n  kpi a = 1\n\n\n\n  kpi b = 2\n  kpi c = 3\n\n}\n\n\n");
        assert_eq!(
            out,
            "plan \"P\" {\n  kpi a = 1\n\n  kpi b = 2\n  kpi c = 3\n}\n"
        );
    }

    #[test]
    fn long_definitions_break_at_when_then_at_the_loosest_operators() {
        let long = "count(activities where kind == \"email_reply\")";
        let out = fmt(&format!(
            "plan \"P\" {{ kpi reply_rate: percent = {long} / count(activities where kind == \"sent\") otherwise 0%\n\
             payout the_commission_payout = marginal(commission_rate, bookings, per: quota) when attainment >= 125%\n\
             payout short = 1 EUR when a }}"
        ));
        assert_eq!(
            out,
            format!(
                "plan \"P\" {{\n  kpi reply_rate: percent = {long}\n                            \
                 / count(activities where kind == \"sent\")\n                            otherwise 0%\n  \
                 payout the_commission_payout = marginal(commission_rate, bookings, per: quota)\n                                 \
                 when attainment >= 125%\n  payout short = 1 EUR when a\n}}\n"
            )
        );
        assert!(out.lines().all(|l| l.chars().count() <= MAX_WIDTH), "{out}");
    }

    #[test]
    fn test_files_and_test_blocks() {
        let text = "tests for \"plan.plan\"\n// about t\ntest \"t\" { reps { id: \"r1\", quota: 400_000 EUR }\n\
            deals {}  expect x for \"r1\" in 2026-Q1 == -5 EUR within 0.01 EUR\n\
            data reps = \"r.csv\" expect error for \"r1\" in 2026-Q2 containing \"no \\\"x\\\"\" }\n\
            test \"empty\" {}\n";
        assert_eq!(
            fmt(text),
            "tests for \"plan.plan\"\n// about t\ntest \"t\" {\n  reps  { id: \"r1\", quota: 400_000 EUR }\n  \
             deals {}\n  expect x for \"r1\" in 2026-Q1 == -5 EUR within 0.01 EUR\n  data reps = \"r.csv\"\n  \
             expect error for \"r1\" in 2026-Q2 containing \"no \\\"x\\\"\"\n}\ntest \"empty\" {}\n"
        );
    }

    #[test]
    fn empty_blocks_and_crlf() {
        assert_eq!(
            fmt("plan \"P\" {\r\n  input t {}\r\n  rates r { } // none\r\n}\r\n"),
            "plan \"P\" {\n  input t {}\n  rates r {} // none\n}\n"
        );
        assert_eq!(fmt("plan \"P\" {}"), "plan \"P\" {}\n");
        assert_eq!(fmt("plan \"P\" { /* x */ }"), "plan \"P\" { /* x */\n}\n");
        assert_eq!(
            fmt("plan \"P\" {\n/* x */ }"),
            "plan \"P\" {\n  /* x */\n}\n"
        );
    }

    #[test]
    fn the_example_plans_keep_their_meaning_and_comments() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for rel in [
            "plans/field-sales/plan.plan",
            "plans/sdr/plan.plan",
            "tests/plans/kinds/plan.plan",
        ] {
            let text = std::fs::read_to_string(root.join(rel)).expect("example plan");
            fmt(&text);
        }
    }

    #[test]
    fn spans_are_erased_for_comparison() {
        let a = parse("plan \"P\" { kpi a = 1 + 2 }");
        let b = parse("plan \"P\" {\n\n  kpi   a =\n 1+2 }");
        assert_ne!(a, b);
        assert_eq!(without_spans(&a), without_spans(&b));
        assert!(same_meaning(&a, &b));
        let c = parse("plan \"P\" { kpi a = 1 + 2.0 }");
        assert!(!same_meaning(&a, &c), "2 and 2.0 type differently");
    }

    #[test]
    fn comment_scanner_skips_strings() {
        let src = "kpi a = \"// no\" // yes  \n/* b\n */ \"/* no */\" /* open";
        assert_eq!(comment_texts(src), ["// yes", "/* b\n */", "/* open"]);
    }
}
