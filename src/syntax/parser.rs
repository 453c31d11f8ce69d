//! pest parsing and lowering to the AST. The only place that sees pest's pairs.

use super::ast::*;
use super::span::Span;
use crate::diagnostics::{Diag, SourceFile};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::{Arc, LazyLock};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/plan.pest"]
struct PlanParser;

/// Operator precedence, lowest first; every operator rule of the grammar is registered.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::otherwise, Assoc::Left))
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::postfix(Rule::where_clause) | Op::postfix(Rule::field))
});

/// Bound on pest's rule calls so that a hostile file cannot take forever. A plan takes
/// about 20 calls a byte; the bound grows with the file so that a long plan (15,000
/// definitions, a 100,000-band table) parses, while nesting is bounded by [`MAX_DEPTH`].
const CALL_LIMIT: usize = 5_000_000;
const CALLS_PER_BYTE: usize = 100;

/// Parse a plan. Errors are diagnostics pointing into `src`.
pub fn parse(src: &Arc<SourceFile>) -> Result<Plan, Diag> {
    match parse_unit(src)? {
        Unit::Plan(p) => Ok(p),
        Unit::Tests(t) => Err(Diag::error(
            "ignition::parse::not_a_plan",
            format!("this file holds tests for \"{}\", not a plan", t.plan),
        )
        .in_source(src)
        .label(t.plan_span, "the plan it tests")
        .help("check the plan itself, or run the tests with `ignition test`")),
    }
}

/// Parse a plan file or a file of tests (`tests for "plan.plan" …`).
pub fn parse_unit(src: &Arc<SourceFile>) -> Result<Unit, Diag> {
    pest::set_call_limit(std::num::NonZeroUsize::new(
        CALL_LIMIT.max(src.text.len().saturating_mul(CALLS_PER_BYTE)),
    ));
    too_deep(src)?;
    let mut pairs = PlanParser::parse(Rule::file, &src.text).map_err(|e| parse_error(src, e))?;
    let file = pairs
        .next()
        .ok_or_else(|| Diag::error("ignition::parse::empty", "the plan file is empty"))?;
    let lower = Lower { src };
    for p in file.into_inner() {
        match p.as_rule() {
            Rule::plan => return lower.plan(p).map(Unit::Plan),
            Rule::tests_file => return lower.tests_file(p).map(Unit::Tests),
            _ => {}
        }
    }
    Err(Diag::error(
        "ignition::parse::empty",
        "the plan file holds no `plan \"…\" { … }` block",
    )
    .in_source(src))
}

/// Nesting deeper than any plan needs would exhaust the stack of the recursive passes:
/// parentheses, `where` inside `where`, runs of `-`/`not`, chains of `.column`/`where`.
const MAX_DEPTH: usize = 200;
/// Operands of one expression (`a + b + …`): a longer chain is as deep as it is long.
const MAX_OPERANDS: usize = 50_000;

/// Words that start a declaration or a test line: a `where` count starts again after them.
const STARTS: &[&str] = &[
    "let",
    "kpi",
    "payout",
    "cap",
    "floor",
    "rates",
    "input",
    "participants",
    "credit",
    "currency",
    "periods",
    "rounding",
    "test",
    "expect",
    "data",
    "plan",
    "tests",
];

/// Bound the nesting of the text before pest recurses into it: parentheses, and `where`
/// clauses (each nests the rest of the expression inside it) within one declaration.
fn too_deep(src: &Arc<SourceFile>) -> Result<(), Diag> {
    let text = &*src.text;
    let b = text.as_bytes();
    let deep = |at: usize, what: &str| {
        Diag::error(
            "ignition::parse::too_deep",
            format!("{what} are nested more than {MAX_DEPTH} deep"),
        )
        .in_source(src)
        .label(Span::new(at, at + 1), "too deep")
        .help("split the expression into named kpis or lets")
    };
    let mut depth = 0usize;
    let mut wheres = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |p| i + 2 + p + 2);
                continue;
            }
            b'(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(deep(i, "parentheses"));
                }
            }
            b')' => depth = depth.saturating_sub(1),
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = b[i..]
                    .iter()
                    .position(|x| !(x.is_ascii_alphanumeric() || *x == b'_'))
                    .map_or(b.len(), |p| i + p);
                let word = &text[i..end];
                if line_start && STARTS.contains(&word) {
                    wheres = 0;
                } else if word == "where" {
                    wheres += 1;
                    if wheres > MAX_DEPTH {
                        return Err(deep(i, "`where` clauses"));
                    }
                }
                line_start = false;
                i = end;
                continue;
            }
            c if c.is_ascii_whitespace() => {}
            _ => line_start = false,
        }
        i += 1;
    }
    Ok(())
}

fn span_of(p: &Pair<Rule>) -> Span {
    let s = p.as_span();
    let trimmed = p.as_str().trim_end().len();
    Span::new(s.start(), s.start() + trimmed)
}

struct Lower<'s> {
    src: &'s Arc<SourceFile>,
}

impl Lower<'_> {
    fn err(&self, code: &'static str, span: Span, msg: impl Into<String>, label: &str) -> Diag {
        Diag::error(code, msg)
            .in_source(self.src)
            .label(span, label)
    }

    fn ident(&self, p: Pair<Rule>) -> Ident {
        Ident {
            span: span_of(&p),
            name: p.as_str().to_string(),
        }
    }

    fn plan(&self, p: Pair<Rule>) -> Result<Plan, Diag> {
        let mut inner = p.into_inner();
        let mut name = String::new();
        let mut name_span = Span::default();
        let mut decls = Vec::new();
        for item in inner.by_ref() {
            match item.as_rule() {
                Rule::kw_plan => {}
                Rule::string => {
                    name_span = span_of(&item);
                    name = self.string(item);
                }
                _ => decls.push(self.decl(item)?),
            }
        }
        Ok(Plan {
            name,
            name_span,
            decls,
        })
    }

    fn string(&self, p: Pair<Rule>) -> String {
        let raw = p.into_inner().next().map_or("", |i| i.as_str());
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn tests_file(&self, p: Pair<Rule>) -> Result<TestsFile, Diag> {
        let mut plan = String::new();
        let mut plan_span = Span::default();
        let mut tests = Vec::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::string => {
                    plan_span = span_of(&q);
                    plan = self.string(q);
                }
                Rule::test_decl => tests.push(self.test(q)?),
                _ => {}
            }
        }
        Ok(TestsFile {
            plan,
            plan_span,
            tests,
        })
    }

    fn test(&self, p: Pair<Rule>) -> Result<TestDecl, Diag> {
        let span = span_of(&p);
        let mut t = TestDecl {
            name: String::new(),
            name_span: Span::default(),
            rows: Vec::new(),
            files: Vec::new(),
            expects: Vec::new(),
            span,
        };
        for q in p.into_inner() {
            let qs = span_of(&q);
            match q.as_rule() {
                Rule::string => {
                    t.name_span = qs;
                    t.name = self.string(q);
                }
                Rule::row_item => {
                    let mut it = q.into_inner();
                    let table = self.ident(req(it.next())?);
                    let mut fields = Vec::new();
                    for f in it {
                        let mut fi = f.into_inner();
                        let col = self.ident(req(fi.next())?);
                        let value = self.signed_literal(req(fi.next())?)?;
                        fields.push((col, value));
                    }
                    t.rows.push(InlineRow {
                        table,
                        fields,
                        span: qs,
                    });
                }
                Rule::data_item => {
                    let mut it = q.into_inner().filter(|x| x.as_rule() != Rule::kw_data);
                    let table = self.ident(req(it.next())?);
                    let path = self.string(req(it.next())?);
                    t.files.push((table, path, qs));
                }
                Rule::expect_item => {
                    let body = req(q
                        .into_inner()
                        .find(|x| matches!(x.as_rule(), Rule::expect_value | Rule::expect_error)))?;
                    let is_error = body.as_rule() == Rule::expect_error;
                    let parts: Vec<Pair<Rule>> = body
                        .into_inner()
                        .filter(|x| !format!("{:?}", x.as_rule()).starts_with("kw_"))
                        .collect();
                    let text_of = |x: &Pair<Rule>| (x.as_str().to_string(), span_of(x));
                    if is_error {
                        // "participant" period "containing"
                        let who = req(parts.first().cloned())?;
                        let when = req(parts.get(1).cloned())?;
                        let what = req(parts.get(2).cloned())?;
                        t.expects.push(Expect {
                            participant: (self.string(who.clone()), span_of(&who)),
                            period: text_of(&when),
                            kind: ExpectKind::Error {
                                containing: self.string(what),
                            },
                            span: qs,
                        });
                    } else {
                        let name = self.ident(req(parts.first().cloned())?);
                        let who = req(parts.get(1).cloned())?;
                        let when = req(parts.get(2).cloned())?;
                        let op = match req(parts.get(3).cloned())?.as_str() {
                            "==" => BinOp::Eq,
                            "!=" => BinOp::Ne,
                            "<=" => BinOp::Le,
                            ">=" => BinOp::Ge,
                            "<" => BinOp::Lt,
                            _ => BinOp::Gt,
                        };
                        let value = self.signed_literal(req(parts.get(4).cloned())?)?;
                        let within = match parts.get(5).cloned() {
                            Some(w) => Some(self.signed_literal(w)?),
                            None => None,
                        };
                        t.expects.push(Expect {
                            participant: (self.string(who.clone()), span_of(&who)),
                            period: text_of(&when),
                            kind: ExpectKind::Value {
                                name,
                                op,
                                value,
                                within,
                            },
                            span: qs,
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(t)
    }

    fn decl(&self, p: Pair<Rule>) -> Result<Decl, Diag> {
        let span = span_of(&p);
        if p.as_rule() == Rule::test_decl {
            return Ok(Decl {
                kind: DeclKind::Test(self.test(p)?),
                span,
            });
        }
        let rule = p.as_rule();
        // Keywords carry no information once the rule is known.
        let mut it = p.into_inner().filter(|q| {
            !matches!(
                q.as_rule(),
                Rule::kw_currency
                    | Rule::kw_periods
                    | Rule::kw_from
                    | Rule::kw_to
                    | Rule::kw_rounding
                    | Rule::kw_payouts
                    | Rule::kw_input
                    | Rule::kw_key
                    | Rule::kw_participants
                    | Rule::kw_managed
                    | Rule::kw_by
                    | Rule::kw_credit
                    | Rule::kw_let
                    | Rule::kw_kpi
                    | Rule::kw_payout
                    | Rule::kw_when
                    | Rule::kw_at
                    | Rule::kw_rates
            )
        });
        let mut next = || it.next();
        let kind = match rule {
            Rule::currency_decl => DeclKind::Currency(self.ident(req(next())?)),
            Rule::periods_decl => {
                let kind = match req(next())?.as_str() {
                    "monthly" => PeriodKind::Monthly,
                    "quarterly" => PeriodKind::Quarterly,
                    _ => PeriodKind::Yearly,
                };
                let from_p = req(next())?;
                let to_p = req(next())?;
                let range_span = span_of(&from_p).to(span_of(&to_p));
                DeclKind::Periods {
                    kind,
                    from: self.date(&from_p)?,
                    to: self.date(&to_p)?,
                    range_span,
                }
            }
            Rule::rounding_decl => {
                let inc = req(next())?;
                let increment = self.number(&inc)?;
                let mode = match req(next())?.as_str() {
                    "half-even" => RoundingMode::HalfEven,
                    "half-up" => RoundingMode::HalfUp,
                    "half-down" => RoundingMode::HalfDown,
                    "up" => RoundingMode::Up,
                    _ => RoundingMode::Down,
                };
                DeclKind::Rounding { increment, mode }
            }
            Rule::input_decl => {
                let name = self.ident(req(next())?);
                let mut key = None;
                let mut columns = Vec::new();
                for q in it.by_ref() {
                    match q.as_rule() {
                        Rule::ident => key = Some(self.ident(q)),
                        Rule::column_decl => columns.push(self.column(q)?),
                        _ => {}
                    }
                }
                DeclKind::Input { name, key, columns }
            }
            Rule::participants_decl => {
                let table = self.ident(req(next())?);
                let manager = next().map(|q| self.ident(q));
                DeclKind::Participants { table, manager }
            }
            Rule::credit_decl => DeclKind::Credit {
                table: self.ident(req(next())?),
                to: self.ident(req(next())?),
                by: self.ident(req(next())?),
            },
            Rule::let_decl => DeclKind::Let {
                name: self.ident(req(next())?),
                expr: self.expr(req(next())?)?,
            },
            Rule::kpi_decl => {
                let name = self.ident(req(next())?);
                let q = req(next())?;
                let (ty, expr) = if q.as_rule() == Rule::type_name {
                    let ty_span = span_of(&q);
                    (
                        Some((self.type_name(q)?, ty_span)),
                        self.expr(req(next())?)?,
                    )
                } else {
                    (None, self.expr(q)?)
                };
                DeclKind::Kpi { name, ty, expr }
            }
            Rule::payout_decl => {
                let name = self.ident(req(next())?);
                let expr = self.expr(req(next())?)?;
                let mut when = None;
                let mut may_be_negative = None;
                for q in it.by_ref() {
                    if q.as_rule() == Rule::may_be_negative {
                        may_be_negative = Some(span_of(&q));
                    } else {
                        when = Some(self.expr(q)?);
                    }
                }
                DeclKind::Payout {
                    name,
                    expr,
                    when,
                    may_be_negative,
                }
            }
            Rule::limit_decl => {
                let kind = match req(next())?.into_inner().next().map(|k| k.as_rule()) {
                    Some(Rule::kw_floor) => LimitKind::Floor,
                    _ => LimitKind::Cap,
                };
                DeclKind::Limit {
                    kind,
                    target: self.ident(req(next())?),
                    expr: self.expr(req(next())?)?,
                }
            }
            Rule::rates_decl => {
                let name = self.ident(req(next())?);
                let mut by = None;
                let mut bands = Vec::new();
                for q in it.by_ref() {
                    match q.as_rule() {
                        Rule::ident => by = Some(self.ident(q)),
                        Rule::band => bands.push(self.band(q)?),
                        _ => {}
                    }
                }
                DeclKind::Rates { name, by, bands }
            }
            other => {
                return Err(self.err(
                    "ignition::parse::internal",
                    span,
                    format!(
                        "internal error: unexpected declaration rule {other:?}; please report this"
                    ),
                    "here",
                ))
            }
        };
        Ok(Decl { kind, span })
    }

    fn column(&self, p: Pair<Rule>) -> Result<ColumnDecl, Diag> {
        let mut it = p.into_inner();
        let name = self.ident(req(it.next())?);
        let tp = req(it.next())?;
        let ty_span = span_of(&tp);
        let ty = self.type_name(tp)?;
        let mut optional = false;
        let mut default = None;
        let mut nonneg = None;
        for q in it {
            match q.as_rule() {
                Rule::optional_mark => optional = true,
                Rule::nonneg_mark => nonneg = Some(span_of(&q)),
                Rule::signed_literal => default = Some(self.signed_literal(q)?),
                _ => {}
            }
        }
        Ok(ColumnDecl {
            name,
            ty,
            ty_span,
            optional,
            default,
            nonneg,
        })
    }

    fn type_name(&self, p: Pair<Rule>) -> Result<TypeName, Diag> {
        let inner = req(p.into_inner().next())?;
        Ok(match inner.as_rule() {
            Rule::money_type => {
                let cur = inner
                    .into_inner()
                    .find(|q| q.as_rule() == Rule::currency_code)
                    .map(|q| self.ident(q));
                TypeName::Money(cur)
            }
            _ => match inner.as_str() {
                "text" => TypeName::Text,
                "bool" => TypeName::Bool,
                "integer" => TypeName::Integer,
                "number" => TypeName::Number,
                "percent" => TypeName::Percent,
                "date" => TypeName::Date,
                _ => TypeName::Days,
            },
        })
    }

    fn band(&self, p: Pair<Rule>) -> Result<Band, Diag> {
        let span = span_of(&p);
        let text = p.as_str();
        let mut lo = None;
        let mut hi = None;
        let mut value = None;
        // An edge before `..` is the lower one; the grammar makes both optional.
        let dots = text.find("..").map_or(0, |i| i + span.start as usize);
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::band_edge => {
                    let qs = span_of(&q);
                    let e = self.signed_literal(req(q.into_inner().next())?)?;
                    if (qs.start as usize) < dots {
                        lo = Some(e);
                    } else {
                        hi = Some(e);
                    }
                }
                Rule::expr => value = Some(self.expr(q)?),
                _ => {}
            }
        }
        Ok(Band {
            lo,
            hi,
            value: value.ok_or_else(|| {
                self.err(
                    "ignition::parse::band",
                    span,
                    "a band needs a value after `:`",
                    "here",
                )
            })?,
            span,
        })
    }

    fn signed_literal(&self, p: Pair<Rule>) -> Result<Expr, Diag> {
        let span = span_of(&p);
        let mut negative = false;
        let mut lit = None;
        for q in p.into_inner() {
            if q.as_rule() == Rule::neg {
                negative = true;
            } else {
                lit = Some(self.literal(q)?);
            }
        }
        let e = req_lit(lit, self, span)?;
        Ok(if negative {
            Expr {
                kind: ExprKind::Neg(Box::new(e)),
                span,
            }
        } else {
            e
        })
    }

    fn number(&self, p: &Pair<Rule>) -> Result<Decimal, Diag> {
        let cleaned: String = p.as_str().chars().filter(|c| *c != '_').collect();
        Decimal::from_str(&cleaned).map_err(|_| {
            self.err(
                "ignition::parse::number",
                span_of(p),
                format!("`{}` is not a number Ignition can hold exactly", p.as_str()),
                "too many digits",
            )
            .help("numbers have at most 28 significant digits")
        })
    }

    fn date(&self, p: &Pair<Rule>) -> Result<chrono::NaiveDate, Diag> {
        chrono::NaiveDate::parse_from_str(p.as_str(), "%Y-%m-%d").map_err(|_| {
            self.err(
                "ignition::parse::date",
                span_of(p),
                format!("`{}` is not a calendar date", p.as_str()),
                "no such day",
            )
            .help("write dates as YYYY-MM-DD, e.g. 2026-01-31")
        })
    }

    fn literal(&self, p: Pair<Rule>) -> Result<Expr, Diag> {
        let span = span_of(&p);
        let lit = match p.as_rule() {
            Rule::number => Literal::Number(self.number(&p)?),
            Rule::percent => {
                let n = req(p.into_inner().next())?;
                Literal::Percent(self.number(&n)? / Decimal::ONE_HUNDRED)
            }
            Rule::money => {
                let mut it = p.into_inner();
                let n = req(it.next())?;
                let c = req(it.next())?;
                Literal::Money(self.number(&n)?, c.as_str().to_string())
            }
            Rule::days => {
                let n = req(p.into_inner().next())?;
                Literal::Days(self.number(&n)?)
            }
            Rule::date => Literal::Date(self.date(&p)?),
            Rule::string => Literal::Text(self.string(p)),
            Rule::boolean => Literal::Bool(p.as_str() == "true"),
            other => {
                return Err(self.err(
                    "ignition::parse::internal",
                    span,
                    format!(
                        "internal error: unexpected literal rule {other:?}; please report this"
                    ),
                    "here",
                ))
            }
        };
        Ok(Expr {
            kind: ExprKind::Lit(lit),
            span,
        })
    }

    fn expr(&self, p: Pair<Rule>) -> Result<Expr, Diag> {
        self.bounded(&p)?;
        PRATT
            .map_primary(|q| self.primary(q))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = span_of(&op).to(rhs.span);
                let kind = if op.as_rule() == Rule::neg {
                    ExprKind::Neg(Box::new(rhs))
                } else {
                    ExprKind::Not(Box::new(rhs))
                };
                Ok(Expr { kind, span })
            })
            .map_postfix(|lhs, op| {
                let lhs = lhs?;
                let span = lhs.span.to(span_of(&op));
                let kind = match op.as_rule() {
                    Rule::field => {
                        ExprKind::Field(Box::new(lhs), self.ident(req(op.into_inner().next())?))
                    }
                    _ => {
                        let cond = op
                            .into_inner()
                            .find(|q| q.as_rule() == Rule::expr)
                            .ok_or_else(|| {
                                self.err(
                                    "ignition::parse::where",
                                    span,
                                    "`where` needs a condition",
                                    "here",
                                )
                            })?;
                        ExprKind::Where(Box::new(lhs), Box::new(self.expr(cond)?))
                    }
                };
                Ok(Expr { kind, span })
            })
            .map_infix(|lhs, op, rhs| {
                let lhs = lhs?;
                let rhs = rhs?;
                let span = lhs.span.to(rhs.span);
                let bin = match op.as_rule() {
                    Rule::otherwise => {
                        return Ok(Expr {
                            kind: ExprKind::Otherwise(Box::new(lhs), Box::new(rhs)),
                            span,
                        })
                    }
                    Rule::or => BinOp::Or,
                    Rule::and => BinOp::And,
                    Rule::eq => BinOp::Eq,
                    Rule::ne => BinOp::Ne,
                    Rule::lt => BinOp::Lt,
                    Rule::le => BinOp::Le,
                    Rule::gt => BinOp::Gt,
                    Rule::ge => BinOp::Ge,
                    Rule::add => BinOp::Add,
                    Rule::sub => BinOp::Sub,
                    Rule::mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                Ok(Expr {
                    kind: ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)),
                    span,
                })
            })
            .parse(p.into_inner())
    }

    /// Runs of prefix or postfix operators and chains of operands nest the syntax tree as
    /// deep as they are long: bound them before the recursive passes see them.
    fn bounded(&self, p: &Pair<Rule>) -> Result<(), Diag> {
        let mut run = 0usize;
        let mut operands = 1usize;
        for q in p.clone().into_inner() {
            let r = q.as_rule();
            if matches!(r, Rule::neg | Rule::not | Rule::field | Rule::where_clause) {
                run += 1;
                if run > MAX_DEPTH {
                    return Err(self
                        .err(
                            "ignition::parse::too_deep",
                            span_of(&q),
                            format!("operators are nested more than {MAX_DEPTH} deep"),
                            "too deep",
                        )
                        .help("split the expression into named kpis or lets"));
                }
            } else if matches!(
                r,
                Rule::otherwise
                    | Rule::or
                    | Rule::and
                    | Rule::eq
                    | Rule::ne
                    | Rule::le
                    | Rule::ge
                    | Rule::lt
                    | Rule::gt
                    | Rule::add
                    | Rule::sub
                    | Rule::mul
                    | Rule::div
            ) {
                run = 0;
                operands += 1;
                if operands > MAX_OPERANDS {
                    return Err(self
                        .err(
                            "ignition::parse::too_deep",
                            span_of(&q),
                            format!("the expression is too large to parse: it has more than {MAX_OPERANDS} operands"),
                            "parsing stopped here",
                        )
                        .help("split the expression into named kpis or lets"));
                }
            } else {
                run = 0;
            }
        }
        Ok(())
    }

    fn primary(&self, p: Pair<Rule>) -> Result<Expr, Diag> {
        let span = span_of(&p);
        match p.as_rule() {
            Rule::expr => self.expr(p),
            // The span of a parenthesised expression covers its parentheses, so that the text
            // taken from it (explain, diagnostics) is balanced.
            Rule::paren => {
                let mut e = self.expr(req(p.into_inner().next())?)?;
                e.span = span;
                Ok(e)
            }
            Rule::ident => Ok(Expr {
                kind: ExprKind::Name(self.ident(p)),
                span,
            }),
            Rule::call => {
                let mut it = p.into_inner();
                let name = self.ident(req(it.next())?);
                let mut args = Vec::new();
                for a in it {
                    let mut ai = a.into_inner();
                    let first = req(ai.next())?;
                    if first.as_rule() == Rule::ident {
                        args.push(Arg {
                            name: Some(self.ident(first)),
                            value: self.expr(req(ai.next())?)?,
                        });
                    } else {
                        args.push(Arg {
                            name: None,
                            value: self.expr(first)?,
                        });
                    }
                }
                Ok(Expr {
                    kind: ExprKind::Call(name, args),
                    span,
                })
            }
            _ => self.literal(p),
        }
    }
}

fn req(p: Option<Pair<Rule>>) -> Result<Pair<Rule>, Diag> {
    p.ok_or_else(|| {
        Diag::error(
            "ignition::parse::internal",
            "internal error: the parse tree is missing a part the grammar requires; please report this",
        )
    })
}

fn req_lit(e: Option<Expr>, l: &Lower, span: Span) -> Result<Expr, Diag> {
    e.ok_or_else(|| {
        l.err(
            "ignition::parse::internal",
            span,
            "internal error: empty literal",
            "here",
        )
    })
}

/// Turn pest's error into the analyst's words.
fn parse_error(src: &Arc<SourceFile>, e: pest::error::Error<Rule>) -> Diag {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let text = &src.text;
    let found = describe_found(text, pos);
    let (mut message, label) = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let words = expected_words(positives);
            (
                format!("expected {words}, found {found}"),
                format!("unexpected {found}"),
            )
        }
        ErrorVariant::CustomError { message } if message.contains("call limit") => (
            "the plan is too large to parse: an expression or declaration is far longer than a plan needs".to_string(),
            "parsing stopped here".to_string(),
        ),
        ErrorVariant::CustomError { message } => (message.clone(), "here".to_string()),
    };
    // "expected a value after `*`" reads better than a list when an operator is dangling.
    let before = text[..pos].trim_end();
    if let Some(op) = [
        "==",
        "!=",
        "<=",
        ">=",
        "*",
        "/",
        "+",
        "-",
        "<",
        ">",
        "=",
        ":",
        "and",
        "or",
        "not",
        "otherwise",
        "where",
        "when",
        "at",
    ]
    .iter()
    .find(|op| before.ends_with(*op))
    {
        if message.contains("a value") {
            message = format!("expected a value after `{op}`, found {found}");
        }
    }
    let token_len = next_token_len(text, pos);
    let mut d = Diag::error("ignition::parse::syntax", message)
        .in_source(src)
        .label(Span::new(pos, pos + token_len), label);
    d.help = Some(help_for(text, pos, token_len));
    d
}

const KEYWORDS: &[&str] = &[
    "plan",
    "currency",
    "periods",
    "rounding",
    "input",
    "key",
    "participants",
    "managed",
    "credit",
    "let",
    "kpi",
    "payout",
    "rates",
    "cap",
    "floor",
    "when",
    "where",
    "otherwise",
    "and",
    "or",
    "not",
];

fn help_for(text: &str, pos: usize, token_len: usize) -> String {
    let rest = text[pos..].trim_start();
    let token = &text[pos..pos + token_len];
    // Only words long enough to be a misspelt keyword get a suggestion.
    if token.len() >= 3
        && token.chars().all(|c| c.is_ascii_alphabetic())
        && !KEYWORDS.contains(&token)
    {
        if let Some(k) = crate::diagnostics::did_you_mean(token, KEYWORDS.iter().copied()) {
            return format!("did you mean `{k}`?");
        }
    }
    if rest.starts_with('=') && !rest.starts_with("==") {
        "to compare, write `==`; to define, write `kpi name = …` at the start of a line".into()
    } else if rest.is_empty() {
        "the plan ends too early: is a `}` missing?".into()
    } else {
        "see docs/language.md for the form of each declaration".into()
    }
}

fn next_token_len(text: &str, pos: usize) -> usize {
    let rest = &text[pos..];
    let first = match rest.chars().next() {
        None => return 0,
        Some(c) => c,
    };
    if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    }
}

fn describe_found(text: &str, pos: usize) -> String {
    let rest = &text[pos..];
    if rest.trim().is_empty() {
        return "the end of the file".into();
    }
    let len = next_token_len(text, pos).max(1);
    let tok: String = rest.chars().take(len.min(30)).collect();
    match tok.as_str() {
        "\n" | "\r" => "the end of the line".into(),
        _ => format!("`{}`", tok.trim()),
    }
}

fn expected_words(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for r in rules {
        let w = rule_words(*r);
        if !words.contains(&w) {
            words.push(w);
        }
    }
    // In a value position a date, a text or a name are all values: say so once.
    if words.contains(&"a value") {
        words.retain(|w| {
            !matches!(
                *w,
                "a name" | "a date like 2026-01-31" | "a quoted text like \"Field Sales\""
            )
        });
    }
    words.sort_by_key(|w| !w.starts_with("a declaration"));
    match words.len() {
        0 => "something else".into(),
        1 => words[0].into(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

fn rule_words(r: Rule) -> &'static str {
    match r {
        Rule::expr
        | Rule::paren
        | Rule::literal
        | Rule::number
        | Rule::percent
        | Rule::money
        | Rule::days
        | Rule::boolean
        | Rule::call
        | Rule::primary
        | Rule::signed_literal
        | Rule::neg
        | Rule::not
        | Rule::arg => "a value",
        Rule::ident => "a name",
        Rule::string => "a quoted text like \"Field Sales\"",
        Rule::currency_code => "a currency code like EUR",
        Rule::date => "a date like 2026-01-31",
        Rule::band_edge => "a band edge like 50%",
        Rule::period_kind => "`monthly`, `quarterly` or `yearly`",
        Rule::rounding_mode => "a rounding mode (half-even, half-up, half-down, up, down)",
        Rule::type_name | Rule::simple_type | Rule::money_type | Rule::money_kw => {
            "a type (text, bool, integer, number, percent, money, date, days)"
        }
        Rule::optional_mark => "`?`",
        Rule::nonneg_mark => "`>= 0`",
        Rule::may_be_negative | Rule::kw_may => "`may be negative`",
        Rule::currency_decl
        | Rule::periods_decl
        | Rule::rounding_decl
        | Rule::input_decl
        | Rule::participants_decl
        | Rule::credit_decl
        | Rule::let_decl
        | Rule::kpi_decl
        | Rule::rates_decl
        | Rule::payout_decl
        | Rule::limit_decl
        | Rule::decl
        | Rule::limit_kind
        | Rule::kw_cap
        | Rule::kw_floor
        | Rule::kw_currency
        | Rule::kw_periods
        | Rule::kw_rounding
        | Rule::kw_input
        | Rule::kw_participants
        | Rule::kw_credit
        | Rule::kw_let
        | Rule::kw_kpi
        | Rule::kw_payout
        | Rule::kw_rates => {
            "a declaration (input, participants, credit, let, kpi, rates, payout, cap, floor)"
        }
        Rule::column_decl => "a column like `amount: money`",
        Rule::band => "a band like `0% .. 50% : 2%`",
        Rule::otherwise
        | Rule::or
        | Rule::and
        | Rule::eq
        | Rule::ne
        | Rule::le
        | Rule::ge
        | Rule::lt
        | Rule::gt
        | Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::infix => "an operator",
        Rule::where_clause | Rule::kw_where => "`where`",
        Rule::field => "`.column`",
        Rule::postfix => "`where` or `.column`",
        Rule::EOI => "the end of the file",
        Rule::kw_plan => "`plan \"Name\" {`",

        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_payouts => "`payouts`",
        Rule::kw_key => "`key`",

        Rule::kw_managed => "`managed by`",
        Rule::kw_by => "`by`",

        Rule::kw_when => "`when`",
        Rule::kw_at => "`at`",

        _ => "something else",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(body: &str) -> Plan {
        let text = format!("plan \"T\" {{\n{body}\n}}\n");
        let src = SourceFile::new("t.plan", text);
        match parse(&src) {
            Ok(p) => p,
            Err(d) => panic!("{}", crate::diagnostics::render_plain(&[d], 100)),
        }
    }

    fn expr(text: &str) -> Expr {
        match plan(&format!("kpi x = {text}")).decls.remove(0).kind {
            DeclKind::Kpi { expr, .. } => expr,
            other => panic!("{other:?}"),
        }
    }

    /// The expression's structure with explicit parentheses.
    fn shape(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Lit(Literal::Number(n)) => n.to_string(),
            ExprKind::Lit(Literal::Percent(n)) => {
                format!("{}%", (n * Decimal::ONE_HUNDRED).normalize())
            }
            ExprKind::Lit(Literal::Money(n, c)) => format!("{n}{c}"),
            ExprKind::Lit(l) => format!("{l:?}"),
            ExprKind::Name(i) => i.name.clone(),
            ExprKind::Field(b, f) => format!("{}.{}", shape(b), f.name),
            ExprKind::Where(r, c) => format!("({} where {})", shape(r), shape(c)),
            ExprKind::Call(f, args) => format!(
                "{}({})",
                f.name,
                args.iter()
                    .map(|a| match &a.name {
                        Some(n) => format!("{}: {}", n.name, shape(&a.value)),
                        None => shape(&a.value),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", shape(a), op.symbol(), shape(b)),
            ExprKind::Neg(a) => format!("(-{})", shape(a)),
            ExprKind::Not(a) => format!("(not {})", shape(a)),
            ExprKind::Otherwise(a, b) => format!("({} otherwise {})", shape(a), shape(b)),
        }
    }

    #[test]
    fn every_declaration_parses() {
        let p = plan(
            r#"currency EUR
  periods monthly from 2026-01-01 to 2026-12-31
  rounding payouts to 0.01 half-up
  input reps key id { id: text  boss: text?  quota: money  fx: money(USD)  hired: date  active: bool  n: integer  r: percent  x: number  d: days }
  participants reps managed by boss
  credit deals to owner by day
  let won = deals where stage == "Won"   // a row set
  let k = 2                              /* a value */
  kpi b: percent = 1 / 2 otherwise 0%
  rates t by b { .. 10% : 1 EUR  10% .. 20% : 2 EUR  20% .. : 3 EUR }
  payout p = 300 EUR when b >= 25%
  cap p at 10 EUR
  floor total at 0 EUR"#,
        );
        let kinds: Vec<&str> = p
            .decls
            .iter()
            .map(|d| match &d.kind {
                DeclKind::Currency(_) => "currency",
                DeclKind::Periods { .. } => "periods",
                DeclKind::Rounding { .. } => "rounding",
                DeclKind::Input { .. } => "input",
                DeclKind::Participants { .. } => "participants",
                DeclKind::Credit { .. } => "credit",
                DeclKind::Let { .. } => "let",
                DeclKind::Kpi { .. } => "kpi",
                DeclKind::Rates { .. } => "rates",
                DeclKind::Payout { .. } => "payout",
                DeclKind::Limit { .. } => "limit",
                DeclKind::Test(_) => "test",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "currency",
                "periods",
                "rounding",
                "input",
                "participants",
                "credit",
                "let",
                "let",
                "kpi",
                "rates",
                "payout",
                "limit",
                "limit"
            ]
        );
        match &p.decls[3].kind {
            DeclKind::Input { columns, key, .. } => {
                assert_eq!(key.as_ref().map(|k| k.name.as_str()), Some("id"));
                assert_eq!(columns.len(), 10);
                assert!(columns[1].optional);
                assert!(matches!(&columns[3].ty, TypeName::Money(Some(c)) if c.name == "USD"));
            }
            other => panic!("{other:?}"),
        }
        match &p.decls[9].kind {
            DeclKind::Rates { bands, .. } => {
                assert_eq!(bands.len(), 3);
                assert!(bands[0].lo.is_none() && bands[2].hi.is_none());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn precedence_follows_the_reference() {
        assert_eq!(shape(&expr("1 + 2 * 3")), "(1 + (2 * 3))");
        assert_eq!(shape(&expr("a / b otherwise 0%")), "((a / b) otherwise 0%)");
        assert_eq!(shape(&expr("a or b and not c")), "(a or (b and (not c)))");
        assert_eq!(shape(&expr("-a * b")), "((-a) * b)");
        assert_eq!(shape(&expr("a - b - c")), "((a - b) - c)");
        assert_eq!(
            shape(&expr("x >= 25% and y < 3")),
            "((x >= 25%) and (y < 3))"
        );
        assert_eq!(
            shape(&expr(
                "count(won where product == \"P\" and amount >= 50_000 EUR)"
            )),
            "count((won where ((product == Text(\"P\")) and (amount >= 50000EUR))))"
        );
        assert_eq!(shape(&expr("sum(won.amount)")), "sum(won.amount)");
        assert_eq!(
            shape(&expr("marginal(t, b, per: q)")),
            "marginal(t, b, per: q)"
        );
    }

    #[test]
    fn literals() {
        assert_eq!(
            expr("2026-02-28").kind,
            ExprKind::Lit(Literal::Date(
                chrono::NaiveDate::from_ymd_opt(2026, 2, 28).expect("date")
            ))
        );
        assert_eq!(
            expr("30 days").kind,
            ExprKind::Lit(Literal::Days(Decimal::from(30)))
        );
        assert_eq!(
            expr("\"a \\\"q\\\"\"").kind,
            ExprKind::Lit(Literal::Text("a \"q\"".into()))
        );
        assert_eq!(expr("true").kind, ExprKind::Lit(Literal::Bool(true)));
        assert_eq!(
            expr("12.5%").kind,
            ExprKind::Lit(Literal::Percent(Decimal::new(125, 3)))
        );
    }

    #[test]
    fn spans_cover_exactly_the_text() {
        let text = "plan \"T\" {\n  kpi x = a +  b   \n}\n";
        let src = SourceFile::new("t.plan", text);
        let p = parse(&src).expect("parses");
        let DeclKind::Kpi { expr, .. } = &p.decls[0].kind else {
            panic!("kpi")
        };
        assert_eq!(
            &text[expr.span.start as usize..expr.span.end as usize],
            "a +  b"
        );
    }

    #[test]
    fn bad_dates_and_hostile_input_are_errors_not_panics() {
        let src = SourceFile::new(
            "t.plan",
            "plan \"T\" { periods monthly from 2026-02-30 to 2026-12-31 }",
        );
        assert_eq!(
            parse(&src).err().map(|d| d.code.into_owned()),
            Some("ignition::parse::date".to_string())
        );
        let deep = format!(
            "plan \"T\" {{ kpi x = {}1{} }}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let src = SourceFile::new("t.plan", deep);
        let _ = parse(&src); // either parses or errors; must not overflow or hang
        for junk in [
            "",
            "plan",
            "plan \"x\" {",
            "}",
            "plan \"x\" { kpi = }",
            "\u{0}\u{ffff}",
        ] {
            let src = SourceFile::new("t.plan", junk);
            assert!(parse(&src).is_err(), "{junk:?}");
        }
    }
}
