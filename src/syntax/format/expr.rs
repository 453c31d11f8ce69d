//! Expression printing: the fewest parentheses the shared precedence table needs,
//! literals in one spelling with their digits as written.

use super::comments::comments;
use super::layout::{level, Tok};
use super::Printer;
use crate::syntax::ast::*;
use crate::syntax::keyword::Keyword;
use crate::syntax::precedence::Operator;
use crate::syntax::span::Span;
use rust_decimal::Decimal;
use std::str::FromStr;

impl Printer<'_> {
    pub(super) fn expr(&self, e: &Expr) -> String {
        let mut s = String::new();
        self.write(&mut s, e, 0, 0);
        s
    }

    /// `e` as text and the places a line may break, for line breaking: before each binary
    /// operator (ranked by its nesting in parentheses and calls, then its precedence) and
    /// after each `,` of a call. Joined with spaces, the pieces are the expression on one
    /// line.
    pub(super) fn pieces(&self, e: &Expr) -> Vec<Tok> {
        let mut out = Vec::new();
        self.tokens(e, 0, 0, 0, &mut out);
        out
    }

    /// [`Self::write`], with break points.
    pub(super) fn tokens(&self, e: &Expr, rbp: u8, follow: u8, depth: u16, out: &mut Vec<Tok>) {
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
                text(out, &format!(" {} ", Keyword::Where));
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
                    if subtraction_like_mode(&a.value) {
                        text(out, "(");
                        self.tokens(&a.value, 0, 0, depth + 1, out);
                        text(out, ")");
                        continue;
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
                text(out, &format!("{} ", Keyword::Not));
                self.tokens(x, NOT - 1, follow, depth, out);
            }
            ExprKind::Lit(_) | ExprKind::Name(_) | ExprKind::Mode(_) => {
                let mut s = String::new();
                self.write(&mut s, e, rbp, follow);
                text(out, &s);
            }
            // issue 9, conditionals: a long `if` breaks before `else` first (an `else if`
            // chain one link a line), then before `then`.
            ExprKind::If(c, a, b) => {
                text(out, &format!("{} ", Keyword::If));
                self.tokens(c, 0, 0, depth, out);
                out.push(Tok::Break(level(depth, 1)));
                text(out, &format!("{} ", Keyword::Then));
                self.tokens(a, 0, 0, depth, out);
                out.push(Tok::Break(level(depth, 0)));
                text(out, &format!("{} ", Keyword::Else));
                self.tokens(b, 0, 0, depth, out);
            }
        }
    }

    /// Print `e` where the parser reads it with binding power `rbp` and the operator that
    /// follows it binds with `follow` (0: nothing follows), in parentheses when needed.
    pub(super) fn write(&self, out: &mut String, e: &Expr, rbp: u8, follow: u8) {
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
            ExprKind::Mode(m) => out.push_str(mode_text(*m)),
            ExprKind::Field(b, f) => {
                self.write(out, b, POSTFIX - 1, POSTFIX);
                out.push('.');
                out.push_str(&f.name);
            }
            ExprKind::Where(rows, cond) => {
                self.write(out, rows, POSTFIX - 1, POSTFIX);
                out.push_str(&format!(" {} ", Keyword::Where));
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
                    if subtraction_like_mode(&a.value) {
                        out.push('(');
                        self.write(out, &a.value, 0, 0);
                        out.push(')');
                        continue;
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
                out.push_str(Keyword::Not.text());
                out.push(' ');
                self.write(out, x, NOT - 1, follow);
            }
            // issue 9, conditionals
            ExprKind::If(c, a, b) => {
                out.push_str(&format!("{} ", Keyword::If));
                self.write(out, c, 0, 0);
                out.push_str(&format!(" {} ", Keyword::Then));
                self.write(out, a, 0, 0);
                out.push_str(&format!(" {} ", Keyword::Else));
                self.write(out, b, 0, 0);
            }
        }
    }

    pub(super) fn literal(&self, l: &Literal, span: Span) -> String {
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
    pub(super) fn written(&self, span: Span) -> Option<String> {
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
    pub(super) fn digits(&self, n: Decimal, span: Span, unit: &str) -> Option<String> {
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
    pub(super) fn percent(&self, p: Decimal, span: Span) -> String {
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

// ---------------------------------------------------------------- precedence

// Binding powers, from the table the parser is built from.
const OTHERWISE: u8 = Operator::Otherwise.binding_power();
const NOT: u8 = Operator::Not.binding_power();
const NEG: u8 = Operator::Neg.binding_power();
const POSTFIX: u8 = Operator::Field.binding_power();
/// Binds tighter than anything: a primary, a call, a field, a parenthesised expression.
const CLOSED: u8 = u8::MAX;

fn bin_prec(op: BinOp) -> u8 {
    Operator::of(op).binding_power()
}

/// An infix node: (precedence, left, right, operator).
fn infix(e: &Expr) -> Option<(u8, &Expr, &Expr, &'static str)> {
    match &e.kind {
        ExprKind::Binary(op, l, r) => Some((bin_prec(*op), l, r, op.symbol())),
        ExprKind::Otherwise(l, r) => Some((OTHERWISE, l, r, Keyword::Otherwise.text())),
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
        // The condition of `where`, and the `else` branch of `if`, take everything after it.
        ExprKind::Where(..) | ExprKind::If(..) => return 0,
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

/// A rounding mode's word: the `half-up` token, and also `half - up` written where it is a
/// subtraction of the names `half` and `up` (it reads back the same outside an argument).
fn rounding_mode(e: &Expr) -> Option<&'static str> {
    match &e.kind {
        ExprKind::Mode(m) => Some(mode_text(*m)),
        ExprKind::Binary(BinOp::Sub, l, r) => match (&l.kind, &r.kind) {
            (ExprKind::Name(a), ExprKind::Name(b)) if a.name == "half" => {
                ROUNDING_MODES.iter().find_map(|(_, t)| {
                    (t.strip_prefix("half-") == Some(b.name.as_str())).then_some(*t)
                })
            }
            _ => None,
        },
        _ => None,
    }
}

/// An argument that is the subtraction `half - up` (a comment inside kept the grammar from
/// reading a mode): in parentheses, so that it does not read back as the mode.
fn subtraction_like_mode(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Binary(..)) && rounding_mode(e).is_some()
}

/// A string literal, escaped the way the grammar reads it back.
pub(super) fn quote(s: &str) -> String {
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
