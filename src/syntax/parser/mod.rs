//! Text → AST. The driver: runs pest over the text (with bounds on its work and on the
//! nesting it meets) and hands the tree to [`lower`]; [`prose`] words pest's errors.
//! The only module that sees pest's pairs.

mod lower;
mod prose;
mod recover;

pub use recover::{parse_recovering, MAX_SYNTAX_ERRORS};

use super::ast::*;
use super::error::{ParseError, MAX_DEPTH};
use super::keyword::Keyword;
use super::precedence::{Fixity, Operator};
use super::span::Span;
use crate::diagnostics::{Diag, SourceFile};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use std::sync::{Arc, LazyLock};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/plan.pest"]
struct PlanParser;

/// The grammar rule of an operator.
fn rule_of(op: Operator) -> Rule {
    match op {
        Operator::Otherwise => Rule::otherwise,
        Operator::Or => Rule::or,
        Operator::And => Rule::and,
        Operator::Not => Rule::not,
        Operator::Eq => Rule::eq,
        Operator::Ne => Rule::ne,
        Operator::Lt => Rule::lt,
        Operator::Le => Rule::le,
        Operator::Gt => Rule::gt,
        Operator::Ge => Rule::ge,
        Operator::Add => Rule::add,
        Operator::Sub => Rule::sub,
        Operator::Mul => Rule::mul,
        Operator::Div => Rule::div,
        Operator::Neg => Rule::neg,
        Operator::Where => Rule::where_clause,
        Operator::Field => Rule::field,
    }
}

/// The operator a grammar rule stands for, if it is one.
fn operator_of(rule: Rule) -> Option<Operator> {
    Operator::ALL.into_iter().find(|&o| rule_of(o) == rule)
}

/// Operator precedence from the shared table ([`super::precedence`]), lowest first; every
/// operator rule of the grammar is registered.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    let mut pratt = PrattParser::new();
    for power in 1..=Operator::MAX_POWER {
        let level = Operator::ALL
            .iter()
            .filter(|o| o.binding_power() == power)
            .map(|&o| match o.fixity() {
                Fixity::Prefix => Op::prefix(rule_of(o)),
                Fixity::Infix => Op::infix(rule_of(o), Assoc::Left),
                Fixity::Postfix => Op::postfix(rule_of(o)),
            })
            .reduce(|a, b| a | b);
        if let Some(level) = level {
            pratt = pratt.op(level);
        }
    }
    pratt
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
        Unit::Tests(t) => Err(Diag::from(ParseError::NotAPlan {
            plan: t.plan,
            span: t.plan_span.into(),
        })
        .in_source(src)),
    }
}

/// Parse a plan file or a file of tests (`tests for "plan.plan" …`).
pub fn parse_unit(src: &Arc<SourceFile>) -> Result<Unit, Diag> {
    set_call_limit(src);
    too_deep(src)?;
    match parse_text(src, &src.text) {
        Parsed::Unit(unit, errors) => match errors.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(unit),
        },
        Parsed::Pest(e) => Err(prose::parse_error(src, e)),
        Parsed::Other(d) => Err(d),
    }
}

/// Bound pest's work on `src` (see [`CALL_LIMIT`]).
fn set_call_limit(src: &SourceFile) {
    pest::set_call_limit(std::num::NonZeroUsize::new(
        CALL_LIMIT.max(src.text.len().saturating_mul(CALLS_PER_BYTE)),
    ));
}

/// What one run of pest and the lowering make of a text.
enum Parsed {
    /// The file, and the errors of the declarations that could not be lowered.
    Unit(Unit, Vec<Diag>),
    /// pest's syntax error.
    Pest(pest::error::Error<Rule>),
    /// Any other error.
    Other(Diag),
}

/// Run pest over `text` (the text of `src`, or a copy of it of the same length with
/// broken declarations blanked out) and lower the tree; diagnostics point into `src`.
fn parse_text(src: &Arc<SourceFile>, text: &str) -> Parsed {
    let mut pairs = match PlanParser::parse(Rule::file, text) {
        Ok(p) => p,
        Err(e) => return Parsed::Pest(e),
    };
    let Some(file) = pairs.next() else {
        return Parsed::Other(ParseError::Empty.into());
    };
    let lower = lower::Lower { src };
    for p in file.into_inner() {
        match p.as_rule() {
            Rule::plan => {
                let (plan, errors) = lower.plan(p);
                return Parsed::Unit(Unit::Plan(plan), errors);
            }
            Rule::tests_file => {
                return match lower.tests_file(p) {
                    Ok(t) => Parsed::Unit(Unit::Tests(t), Vec::new()),
                    Err(d) => Parsed::Other(d),
                }
            }
            _ => {}
        }
    }
    Parsed::Other(Diag::from(ParseError::NoPlan).in_source(src))
}

/// Bound the nesting of the text before pest recurses into it: parentheses, and `where`
/// clauses (each nests the rest of the expression inside it) within one declaration.
fn too_deep(src: &Arc<SourceFile>) -> Result<(), Diag> {
    let text = &*src.text;
    let b = text.as_bytes();
    let deep = |e: ParseError| Diag::from(e).in_source(src);
    let mut depth = 0usize;
    let mut wheres = 0usize;
    let mut ifs = 0usize;
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
                    return Err(deep(ParseError::DeepParentheses {
                        span: Span::new(i, i + 1).into(),
                    }));
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
                if line_start && Keyword::from_text(word).is_some_and(Keyword::starts_line) {
                    wheres = 0;
                    ifs = 0;
                } else if word == Keyword::If.text() {
                    // issue 9, conditionals: each `if` nests the rest of its chain.
                    ifs += 1;
                    if ifs > MAX_DEPTH {
                        return Err(deep(ParseError::DeepIfs {
                            span: Span::new(i, i + 2).into(),
                        }));
                    }
                } else if word == Keyword::Where.text() {
                    wheres += 1;
                    if wheres > MAX_DEPTH {
                        return Err(deep(ParseError::DeepWheres {
                            span: Span::new(i, i + 1).into(),
                        }));
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

/// The span of a pair, without the white space pest can include at its end.
fn span_of(p: &Pair<Rule>) -> Span {
    let s = p.as_span();
    let trimmed = p.as_str().trim_end().len();
    Span::new(s.start(), s.start() + trimmed)
}

/// A part the grammar requires, or an internal error when the tree lacks it.
/// A value written as in a plan (`18%`, `1500 EUR`, `2026-03-31`, `"EMEA"`, `-5`), alone:
/// the value of a `--set NAME=VALUE` (issue 9, parameters). `None` when `text` is not one
/// literal.
pub fn parse_literal(text: &str) -> Option<Expr> {
    let src = SourceFile::new("--set", text);
    set_call_limit(&src);
    let mut pairs = PlanParser::parse(Rule::literal_only, &src.text).ok()?;
    let lit = pairs.next()?.into_inner().next()?;
    lower::Lower { src: &src }.signed_literal(lit).ok()
}

fn req(p: Option<Pair<Rule>>) -> Result<Pair<Rule>, Diag> {
    p.ok_or_else(|| ParseError::MissingPart.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

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
            ExprKind::Mode(m) => mode_text(*m).to_string(),
            ExprKind::If(c, a, b) => {
                format!("(if {} then {} else {})", shape(c), shape(a), shape(b))
            }
        }
    }

    #[test]
    fn the_else_branch_of_if_extends_as_far_right_as_it_can() {
        assert_eq!(
            shape(&expr("if c then a else b + 1")),
            "(if c then a else (b + 1))"
        );
        assert_eq!(
            shape(&expr("(if c then a else b) + 1")),
            "((if c then a else b) + 1)"
        );
        assert_eq!(
            shape(&expr("1 + if c >= 2 then a * 2 else b")),
            "(1 + (if (c >= 2) then (a * 2) else b))"
        );
        // An `else if` chain nests in the `else` branch.
        assert_eq!(
            shape(&expr("if a then 1 else if b then 2 else 3")),
            "(if a then 1 else (if b then 2 else 3))"
        );
        // `if`, `then` and `else` are reserved: never names.
        let src = SourceFile::new("t.plan", "plan \"T\" {\nkpi then = 1\n}\n");
        assert!(parse(&src).is_err());
        // A chain 300 deep is refused before pest recurses into it.
        let deep = format!(
            "plan \"T\" {{ kpi x = {}0 }}",
            "if a then 1 else ".repeat(300)
        );
        let src = SourceFile::new("t.plan", deep);
        assert_eq!(
            parse(&src).err().map(|d| d.code.into_owned()),
            Some("ignition::parse::too_deep".to_string())
        );
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
                DeclKind::Periods { .. } | DeclKind::PeriodsListed { .. } => "periods",
                DeclKind::Rounding { .. } => "rounding",
                DeclKind::Input { .. } => "input",
                DeclKind::Participants { .. } => "participants",
                DeclKind::Credit { .. } => "credit",
                DeclKind::Paid { .. } => "paid",
                DeclKind::Let { .. } => "let",
                DeclKind::Kpi { .. } => "kpi",
                DeclKind::Rates { .. } => "rates",
                DeclKind::Payout { .. } => "payout",
                DeclKind::Limit { .. } => "limit",
                DeclKind::Test(_) => "test",
                DeclKind::Curve { .. } => "curve",
                DeclKind::Scorecard { .. } => "scorecard",
                DeclKind::Param { .. } => "param",
                DeclKind::Fn { .. } => "fn",
                DeclKind::Timezone { .. } => "timezone",
                DeclKind::Statement { .. } => "statement",
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
    fn rounding_modes_are_one_token_as_a_whole_argument() {
        let mode = |text: &str| match expr(text).kind {
            ExprKind::Call(_, args) => args.last().and_then(|a| match a.value.kind {
                ExprKind::Mode(m) => Some(m),
                _ => None,
            }),
            other => panic!("{other:?}"),
        };
        assert_eq!(mode("round(x, 0.01, half-up)"), Some(RoundingMode::HalfUp));
        assert_eq!(
            mode("round(x, 0.01, half - even )"),
            Some(RoundingMode::HalfEven)
        );
        assert_eq!(
            mode("round(x, 0.01, mode: half-down)"),
            Some(RoundingMode::HalfDown)
        );
        // Not a whole argument, not `half` exactly, a comment inside: a subtraction.
        assert_eq!(mode("round(x, 0.01, half-up + 1)"), None);
        assert_eq!(mode("f(halfway-up)"), None);
        assert_eq!(mode("f(half-upper)"), None);
        assert_eq!(mode("f(half /* c */ - up)"), None);
        assert_eq!(shape(&expr("half-up")), "(half - up)");
        // `up` and `down` alone stay names; `round` reads them as modes.
        assert_eq!(shape(&expr("round(x, 0.01, up)")), "round(x, 0.01, up)");
        let ExprKind::Call(_, args) = expr("round(x, 0.01, down)").kind else {
            panic!("call")
        };
        assert_eq!(args[2].value.rounding_mode(), Some(RoundingMode::Down));
        let ExprKind::Call(_, args) = expr("round(x, 0.01, (up))").kind else {
            panic!("call")
        };
        assert_eq!(
            args[2].value.rounding_mode(),
            None,
            "in parentheses: a value"
        );
    }

    #[test]
    fn a_mode_outside_round_reads_as_the_subtraction_it_spells() {
        let text = "plan \"T\" {\nkpi x = f(half -  up)\n}\n";
        let src = SourceFile::new("t.plan", text);
        let p = parse(&src).expect("parses");
        let DeclKind::Kpi { expr, .. } = &p.decls[0].kind else {
            panic!("kpi")
        };
        let ExprKind::Call(_, args) = &expr.kind else {
            panic!("call")
        };
        let sub = args[0].value.as_subtraction().expect("a mode");
        let ExprKind::Binary(BinOp::Sub, a, b) = &sub.kind else {
            panic!("{sub:?}")
        };
        let at = |s: Span| &text[s.start as usize..s.end as usize];
        assert_eq!(
            (at(a.span), at(b.span), at(sub.span)),
            ("half", "up", "half -  up")
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
