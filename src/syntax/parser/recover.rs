//! Recovery from syntax errors: a plan whose text does not parse is cut into its
//! declarations; each broken declaration is reported and left out, and the rest is parsed
//! so that the checker still sees it.
//!
//! How: pest parses the whole file as always; the first error is pest's, worded as today.
//! Then a small scanner cuts the plan's body into declarations (a declaration starts where
//! a line's first word is a declaration keyword at the body's own nesting level; see
//! [`Body::scan`]), pest parses each declaration by itself ([`Rule::decl_chunk`]), and the
//! ones that fail are blanked out (spaces, newlines kept, so every offset stays the same)
//! in a copy of the text, which is parsed again as a whole. When that parse still fails,
//! the declaration it fails in is blanked too, and so on, at most [`MAX_SYNTAX_ERRORS`]
//! times. Every step is linear in the text, so the whole is too (times the bound).

use super::{parse_text, prose, set_call_limit, too_deep, Parsed, PlanParser, Rule};
use crate::diagnostics::{Diag, SourceFile};
use crate::syntax::ast::{Broken, Ident, Plan, Unit};
use crate::syntax::error::ParseError;
use crate::syntax::keyword::Keyword;
use crate::syntax::span::Span;
use pest::error::{Error, ErrorVariant, InputLocation};
use pest::Parser;
use std::sync::Arc;

/// At most this many syntax errors are reported for one file; past them the parser stops
/// (and the checker does not run).
pub const MAX_SYNTAX_ERRORS: usize = 50;

/// Parse a plan and go on after syntax errors: the plan without its broken declarations
/// (each kept as a [`Broken`] node), or `None` when nothing sensible is left (the error is
/// outside the declarations, or recovery gave up), and every syntax error, in the order of
/// their place in the file. The first error of a plan with exactly one is the one
/// [`super::parse`] reports.
pub fn parse_recovering(src: &Arc<SourceFile>) -> (Option<Plan>, Vec<Diag>) {
    set_call_limit(src);
    if let Err(d) = too_deep(src) {
        return (None, vec![d]);
    }
    let first = match parse_text(src, &src.text) {
        Parsed::Unit(Unit::Plan(plan), errors) if errors.len() <= MAX_SYNTAX_ERRORS => {
            return (Some(plan), errors)
        }
        Parsed::Unit(Unit::Plan(_), errors) => {
            return (
                None,
                take(errors.into_iter().map(|d| (offset(&d), d)).collect()),
            )
        }
        Parsed::Unit(Unit::Tests(t), _) => {
            let d = Diag::from(ParseError::NotAPlan {
                plan: t.plan,
                span: t.plan_span.into(),
            })
            .in_source(src);
            return (None, vec![d]);
        }
        Parsed::Other(d) => return (None, vec![d]),
        Parsed::Pest(e) => e,
    };
    let text = &*src.text;
    let p0 = position(&first);
    let mut errors = vec![(p0, prose::parse_error(src, first))];
    let Some(body) = Body::scan(text) else {
        return (None, take(errors));
    };
    if p0 < body.start {
        return (None, take(errors));
    }
    // Each declaration by itself. The first that fails is the one pest's first error is
    // about (it may point a little later, where the text stopped making sense).
    let mut bad: Vec<usize> = Vec::new();
    for (i, &(s, e)) in body.chunks.iter().enumerate() {
        if errors.len() >= MAX_SYNTAX_ERRORS {
            break;
        }
        if let Err(err) = PlanParser::parse(Rule::decl_chunk, &text[s..e]) {
            let err = shifted(err, s);
            let p = position(&err);
            let about_first = bad.is_empty() && s <= p0;
            if !about_first && p != p0 {
                errors.push((p, prose::parse_error(src, err)));
            }
            bad.push(i);
        }
    }
    // The rest as a whole, with the broken declarations blanked out.
    // Each round blanks one more declaration and adds at most one error.
    for _ in 0..=2 * MAX_SYNTAX_ERRORS {
        if errors.len() > MAX_SYNTAX_ERRORS {
            break;
        }
        let blank = blanked(text, &body, &bad);
        match parse_text(src, &blank) {
            Parsed::Unit(Unit::Plan(mut plan), lowered) => {
                plan.broken
                    .extend(bad.iter().map(|&i| broken_at(text, body.span_of(i, text))));
                plan.broken.sort_by_key(|b| b.span.start);
                errors.extend(lowered.into_iter().map(|d| (offset(&d), d)));
                if errors.len() > MAX_SYNTAX_ERRORS {
                    return (None, take(errors));
                }
                return (Some(plan), take(errors));
            }
            Parsed::Pest(e) => {
                let p = position(&e);
                match body.chunk_at(p) {
                    Some(i) if !bad.contains(&i) => {
                        if !errors.iter().any(|(q, _)| *q == p) {
                            errors.push((p, prose::parse_error(src, e)));
                        }
                        bad.push(i);
                    }
                    _ => break,
                }
            }
            _ => break,
        }
    }
    (None, take(errors))
}

/// The errors in the order of their place in the file, at most [`MAX_SYNTAX_ERRORS`].
fn take(mut errors: Vec<(usize, Diag)>) -> Vec<Diag> {
    errors.sort_by_key(|(p, _)| *p);
    errors.truncate(MAX_SYNTAX_ERRORS);
    errors.into_iter().map(|(_, d)| d).collect()
}

/// Where a diagnostic's first label starts.
fn offset(d: &Diag) -> usize {
    d.labels.first().map_or(0, |(s, _)| s.offset())
}

/// Where pest's error is.
fn position(e: &Error<Rule>) -> usize {
    match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// pest's error on a declaration parsed by itself, moved to its place in the file; "the
/// end of the file" there means the next declaration.
fn shifted(mut e: Error<Rule>, by: usize) -> Error<Rule> {
    e.location = match e.location {
        InputLocation::Pos(p) => InputLocation::Pos(p + by),
        InputLocation::Span((s, t)) => InputLocation::Span((s + by, t + by)),
    };
    if let ErrorVariant::ParsingError { positives, .. } = &mut e.variant {
        for r in positives.iter_mut() {
            if *r == Rule::EOI {
                *r = Rule::decl;
            }
        }
    }
    e
}

/// The text with the given declarations blanked out: the same length, the same lines.
fn blanked(text: &str, body: &Body, bad: &[usize]) -> String {
    let mut b = text.as_bytes().to_vec();
    for &i in bad {
        let (s, e) = body.chunks[i];
        for c in &mut b[s..e] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    }
    // Chunks start and end at ASCII bytes, and every byte inside one became ASCII.
    String::from_utf8(b).unwrap_or_default()
}

/// What can be read of a broken declaration at `span`: its keyword and the name it
/// defines.
pub(super) fn broken_at(text: &str, span: Span) -> Broken {
    let (s, e) = (span.start as usize, span.end as usize);
    let part = text.get(s..e).unwrap_or("");
    let mut words = Vec::new();
    let mut i = 0;
    let b = part.as_bytes();
    while words.len() < 2 && i < b.len() {
        if b[i].is_ascii_alphabetic() || b[i] == b'_' {
            let end = b[i..]
                .iter()
                .position(|x| !(x.is_ascii_alphanumeric() || *x == b'_'))
                .map_or(b.len(), |p| i + p);
            words.push((i, end));
            i = end;
        } else if b[i].is_ascii_whitespace() {
            i += 1;
        } else {
            break;
        }
    }
    let keyword = words
        .first()
        .and_then(|&(a, z)| Keyword::from_text(&part[a..z]))
        .filter(|k| declares(*k));
    let defines = matches!(
        keyword,
        Some(
            Keyword::Let
                | Keyword::Kpi
                | Keyword::Payout
                | Keyword::Rates
                | Keyword::Input
                | Keyword::Curve
                | Keyword::Param
                | Keyword::Fn
                | Keyword::Scorecard
        )
    );
    let name = match words.get(1) {
        Some(&(a, z)) if defines && Keyword::from_text(&part[a..z]).is_none() => Some(Ident {
            name: part[a..z].to_string(),
            span: Span::new(s + a, s + z),
        }),
        _ => None,
    };
    let mut columns = Vec::new();
    if keyword == Some(Keyword::Input) {
        let mut i = 0;
        // issue 9, rows: the name after `let` is a computed column.
        let mut after_let = false;
        while i < b.len() {
            let c = b[i];
            if c == b'"' {
                i = skip_string(b, i);
            } else if c == b'/' && matches!(b.get(i + 1), Some(b'/' | b'*')) {
                i = skip_comment(b, i).max(i + 1);
            } else if c.is_ascii_alphabetic() || c == b'_' {
                let end = b[i..]
                    .iter()
                    .position(|x| !(x.is_ascii_alphanumeric() || *x == b'_'))
                    .map_or(b.len(), |p| i + p);
                let after = b[end..].iter().find(|x| **x != b' ' && **x != b'\t');
                let named = std::mem::replace(&mut after_let, &part[i..end] == "let");
                if (after == Some(&b':') || named) && !after_let {
                    columns.push(Ident {
                        name: part[i..end].to_string(),
                        span: Span::new(s + i, s + end),
                    });
                }
                i = end;
            } else {
                i += 1;
            }
        }
    }
    Broken {
        span,
        keyword,
        name,
        columns,
    }
}

/// A keyword that starts a declaration of a plan's body.
fn declares(k: Keyword) -> bool {
    k.starts_line()
        && !matches!(
            k,
            Keyword::Expect | Keyword::Data | Keyword::Plan | Keyword::Tests
        )
}

/// The body of a plan cut into declarations.
#[derive(Debug)]
struct Body {
    /// Just after the plan's `{`.
    start: usize,
    /// At the plan's closing `}`, or the end of the text.
    end: usize,
    /// Each declaration: from its first word to the next declaration (or the body's end).
    chunks: Vec<(usize, usize)>,
}

impl Body {
    /// Cut the body of the plan in `text` into declarations; `None` when the text does not
    /// start with `plan "…" {`. A declaration starts at the body's first word, and wherever
    /// a line's first word is a declaration keyword outside brackets; or inside unclosed
    /// brackets when a name or a text follows the keyword (no column, band or row starts so),
    /// which closes them.
    fn scan(text: &str) -> Option<Body> {
        let b = text.as_bytes();
        let mut i = skip_blank(b, 0);
        if !text[i..].starts_with(Keyword::Plan.text()) {
            return None;
        }
        // Up to the plan's `{`, past its name.
        loop {
            i = skip_blank(b, i);
            match b.get(i)? {
                b'{' => break,
                b'"' => i = skip_string(b, i),
                _ => i += 1,
            }
        }
        let start = i + 1;
        let mut chunks: Vec<(usize, usize)> = Vec::new();
        let mut starts: Vec<usize> = Vec::new();
        let mut open: Vec<u8> = Vec::new();
        let mut line_start = true;
        let mut end = b.len();
        i = start;
        while i < b.len() {
            let c = b[i];
            match c {
                b'\n' => {
                    line_start = true;
                    i += 1;
                    continue;
                }
                b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => {
                    let k = skip_comment(b, i);
                    line_start |= b[i..k].contains(&b'\n');
                    i = k;
                    continue;
                }
                c if c.is_ascii_whitespace() => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            if starts.is_empty() && c != b'}' {
                starts.push(i);
            }
            match c {
                b'"' => {
                    i = skip_string(b, i);
                    line_start = false;
                    continue;
                }
                b'{' | b'(' => open.push(c),
                // A `}` closes its `{` and any `(` left open inside it; with no `{` open it
                // closes the plan.
                b'}' => match open.iter().rposition(|o| *o == b'{') {
                    Some(k) => open.truncate(k),
                    None => {
                        end = i;
                        break;
                    }
                },
                b')' if open.last() == Some(&b'(') => {
                    open.pop();
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let w = b[i..]
                        .iter()
                        .position(|x| !(x.is_ascii_alphanumeric() || *x == b'_'))
                        .map_or(b.len(), |p| i + p);
                    // issue 9, rows: inside braces `let` is a computed column of an input.
                    let kw = Keyword::from_text(&text[i..w]);
                    // issue 10, currencies: `paid in …` on its own line continues a
                    // `participants` declaration (`paid from` starts one).
                    let continues = kw == Some(Keyword::Paid) && {
                        let rest = text[w..].trim_start_matches([' ', '\t']);
                        rest.starts_with("in")
                            && !rest[2..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    };
                    if line_start
                        && kw.is_some_and(declares)
                        && !continues
                        && (open.is_empty() || (names_follow(b, w) && kw != Some(Keyword::Let)))
                    {
                        open.clear();
                        if starts.last() != Some(&i) {
                            starts.push(i);
                        }
                    }
                    line_start = false;
                    i = w;
                    continue;
                }
                _ => {}
            }
            line_start = false;
            i += 1;
        }
        for (k, &s) in starts.iter().enumerate() {
            chunks.push((s, starts.get(k + 1).copied().unwrap_or(end)));
        }
        Some(Body { start, end, chunks })
    }

    /// The declaration that position `p` is in.
    fn chunk_at(&self, p: usize) -> Option<usize> {
        if p > self.end {
            return None;
        }
        self.chunks.partition_point(|c| c.0 <= p).checked_sub(1)
    }

    /// The text of declaration `i` without the blank lines and comments after it.
    fn span_of(&self, i: usize, text: &str) -> Span {
        let (s, e) = self.chunks[i];
        let mut z = s;
        let b = text.as_bytes();
        let mut j = s;
        while j < e {
            let k = skip_blank(b, j);
            if k >= e {
                break;
            }
            if k > j {
                j = k;
                continue;
            }
            j = if b[j] == b'"' {
                skip_string(b, j)
            } else {
                j + 1
            };
            z = j.min(e);
        }
        Span::new(s, z)
    }
}

/// Whether, after the keyword ending at `w`, a name or a text follows on the same line.
fn names_follow(b: &[u8], w: usize) -> bool {
    let j = w + b[w..]
        .iter()
        .position(|c| *c != b' ' && *c != b'\t')
        .unwrap_or(b.len() - w);
    j > w
        && b.get(j)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'"')
}

/// Past white space and comments from `i`.
fn skip_blank(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let k = skip_comment(b, i);
        if k == i {
            return i;
        }
        i = k;
    }
}

/// Past the comment at `i` (a line comment up to its newline), or `i` when none is there.
fn skip_comment(b: &[u8], i: usize) -> usize {
    let rest = b.get(i..).unwrap_or_default();
    if rest.starts_with(b"//") {
        memchr::memchr(b'\n', rest).map_or(b.len(), |p| i + p)
    } else if rest.starts_with(b"/*") {
        memchr::memmem::find(&rest[2..], b"*/").map_or(b.len(), |p| i + 2 + p + 2)
    } else {
        i
    }
}

/// Past the quoted text starting at `i` (or to the end of its line when it is not closed).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    let i = i.min(b.len());
    if b.get(i) == Some(&b'"') {
        i + 1
    } else {
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str) -> Vec<&str> {
        let body = Body::scan(text).expect("a plan");
        body.chunks
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let s = body.span_of(i, text);
                &text[s.start as usize..s.end as usize]
            })
            .collect()
    }

    #[test]
    fn the_body_is_cut_at_declaration_keywords_that_start_a_line() {
        let text = "plan \"P\" { kpi a = 1\n  let b = f(\n  kpi)\n  // c\n  input t {\n    kpi: number\n  }\n  rates r { .. : 1 }\n}\n";
        assert_eq!(
            chunks(text),
            [
                "kpi a = 1",
                "let b = f(\n  kpi)",
                "input t {\n    kpi: number\n  }",
                "rates r { .. : 1 }"
            ]
        );
        // An unclosed brace is closed by a keyword with a name after it.
        let text = "plan \"P\" {\n input t { a: text\n kpi x = 1\n}\n";
        assert_eq!(chunks(text), ["input t { a: text", "kpi x = 1"]);
        // An unclosed parenthesis does not swallow the plan's `}`; a stray `)` is ignored.
        let text = "plan \"P\" {\n kpi x = (1\n rates r { .. : f(1 }\n kpi y = 2)\n}\nkpi z = 3";
        assert_eq!(
            chunks(text),
            ["kpi x = (1", "rates r { .. : f(1 }", "kpi y = 2)"]
        );
        assert_eq!(chunks("plan \"P\" {}"), Vec::<&str>::new());
        assert!(Body::scan("tests for \"x\"").is_none());
        // No closing brace, a text and a comment that never end: no panic.
        assert_eq!(chunks("plan \"P\" { kpi x = \"ab"), ["kpi x = \"ab"]);
        assert_eq!(chunks("plan \"P\" { kpi x = 1 /* ab"), ["kpi x = 1"]);
    }

    #[test]
    fn a_broken_declaration_keeps_its_keyword_and_name() {
        let text = "kpi foo = 1 +* 2";
        let b = broken_at(text, Span::new(0, text.len()));
        assert_eq!(b.keyword, Some(Keyword::Kpi));
        assert_eq!(
            b.name.map(|n| (n.name, n.span)),
            Some(("foo".into(), Span::new(4, 7)))
        );
        let text = "input t key id { id: text  quota money  x : date /* y: z */ }";
        let b = broken_at(text, Span::new(0, text.len()));
        let columns: Vec<&str> = b.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns, ["id", "x"]);
        let b = broken_at("cap p at", Span::new(0, 8));
        assert_eq!((b.keyword, b.name), (Some(Keyword::Cap), None));
        let b = broken_at("kpu x", Span::new(0, 5));
        assert_eq!((b.keyword, b.name), (None, None));
    }
}
