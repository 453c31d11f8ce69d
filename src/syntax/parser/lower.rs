//! Lowering: pest's pairs → the AST, with spans; the only place that reads pairs.

use super::{operator_of, req, span_of, Rule, PRATT};
use crate::diagnostics::{Diag, SourceFile};
use crate::syntax::ast::*;
use crate::syntax::error::{ParseError, MAX_DEPTH, MAX_OPERANDS};
use crate::syntax::precedence::{Fixity, Operator};
use crate::syntax::span::Span;
use pest::iterators::Pair;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;

pub(super) struct Lower<'s> {
    pub(super) src: &'s Arc<SourceFile>,
}

impl Lower<'_> {
    /// A diagnostic pointing into the plan.
    fn err(&self, e: ParseError) -> Diag {
        Diag::from(e).in_source(self.src)
    }

    fn ident(&self, p: Pair<Rule>) -> Ident {
        Ident {
            span: span_of(&p),
            name: p.as_str().to_string(),
        }
    }

    /// The plan, and the errors of the declarations that could not be lowered (each is left
    /// out of `decls` and kept as a [`Broken`] node instead), in source order.
    pub(super) fn plan(&self, p: Pair<Rule>) -> (Plan, Vec<Diag>) {
        let mut name = String::new();
        let mut name_span = Span::default();
        let mut decls = Vec::new();
        let mut broken = Vec::new();
        let mut errors = Vec::new();
        for item in p.into_inner() {
            match item.as_rule() {
                Rule::kw_plan => {}
                Rule::string => {
                    name_span = span_of(&item);
                    name = self.string(item);
                }
                _ => {
                    let span = span_of(&item);
                    match self.decl(item) {
                        Ok(d) => decls.push(d),
                        Err(e) => {
                            errors.push(e);
                            broken.push(super::recover::broken_at(&self.src.text, span));
                        }
                    }
                }
            }
        }
        let plan = Plan {
            name,
            name_span,
            decls,
            broken,
        };
        (plan, errors)
    }

    // issue 11, kpi intent
    fn kpi_block(&self, p: Pair<Rule>) -> Result<KpiIntent, Diag> {
        let span = span_of(&p);
        let mut items = Vec::new();
        for q in p.into_inner() {
            let item_span = span_of(&q);
            let rule = q.as_rule();
            let mut parts = q
                .into_inner()
                .filter(|x| !format!("{:?}", x.as_rule()).starts_with("kw_"));
            let mut part = || req(parts.next());
            let kind = match rule {
                Rule::kpi_label => KpiItemKind::Label(self.string(part()?)),
                Rule::kpi_category => KpiItemKind::Category(self.ident(part()?)),
                Rule::kpi_target => KpiItemKind::Target(self.expr(part()?)?),
                Rule::kpi_better => KpiItemKind::Better(if part()?.as_str() == "lower" {
                    Better::Lower
                } else {
                    Better::Higher
                }),
                Rule::kpi_no_data => KpiItemKind::NoData(self.expr(part()?)?),
                Rule::kpi_drivers => KpiItemKind::Drivers(self.expr(part()?)?),
                // issue 11, cascades
                Rule::kpi_split => {
                    let rest: Vec<Pair<Rule>> = parts.collect();
                    match rest.into_iter().find(|x| x.as_rule() == Rule::expr) {
                        Some(e) => KpiItemKind::Split(Some(self.expr(e)?)),
                        None => KpiItemKind::Split(None),
                    }
                }
                Rule::kpi_roll_up => KpiItemKind::RollUp,
                Rule::kpi_add_up => KpiItemKind::AddUp,
                Rule::kpi_status => {
                    let mut ths = Vec::new();
                    for t in parts.by_ref() {
                        let t_span = span_of(&t);
                        let mut tp = t.into_inner();
                        let mut tnext = || req(tp.next());
                        let level = if tnext()?.as_str() == "red" {
                            StatusLevel::Red
                        } else {
                            StatusLevel::Amber
                        };
                        let above = tnext()?.as_str() == "above";
                        let v = req(tnext()?.into_inner().next())?;
                        let value = if v.as_rule() == Rule::ident {
                            let id = self.ident(v);
                            Expr {
                                span: id.span,
                                kind: ExprKind::Name(id),
                            }
                        } else {
                            self.signed_literal(v)?
                        };
                        let of_target = tp.next().is_some();
                        ths.push(Threshold {
                            level,
                            above,
                            value,
                            of_target,
                            span: t_span,
                        });
                    }
                    KpiItemKind::Status(ths)
                }
                _ => continue,
            };
            items.push(KpiItem {
                kind,
                span: item_span,
            });
        }
        Ok(KpiIntent { items, span })
    }

    /// issue 10, splits: `split by TABLE share COL [role COL [overlay "ROLE"]]`.
    /// issue 10, currencies: `paid in COL using T.RATE [on DATE]`.
    fn pay_clause(&self, p: Pair<Rule>) -> Result<PayClause, Diag> {
        let span = span_of(&p);
        let mut it = p.into_inner().filter(|q| {
            !matches!(
                q.as_rule(),
                Rule::kw_paid | Rule::kw_in | Rule::kw_using | Rule::kw_on
            )
        });
        let column = self.ident(req(it.next())?);
        let using = self.expr(req(it.next())?)?;
        let on = it.next().map(|q| self.expr(q)).transpose()?;
        Ok(PayClause {
            column,
            using,
            on,
            span,
        })
    }

    fn credit_split(&self, p: Pair<Rule>) -> Result<CreditSplit, Diag> {
        let mut it = p.into_inner().filter(|q| {
            !matches!(
                q.as_rule(),
                Rule::split_word | Rule::kw_by | Rule::share_word | Rule::role_word
            )
        });
        let table = self.ident(req(it.next())?);
        let share = self.ident(req(it.next())?);
        let role = it.next().map(|q| self.ident(q));
        let overlay = it.next().and_then(|o| {
            let s = o.into_inner().find(|q| q.as_rule() == Rule::string)?;
            Some((self.string(s.clone()), span_of(&s)))
        });
        Ok(CreditSplit {
            table,
            share,
            role,
            overlay,
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

    pub(super) fn tests_file(&self, p: Pair<Rule>) -> Result<TestsFile, Diag> {
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
                    | Rule::kw_timezone
                    | Rule::kw_statement
                    | Rule::kw_payouts
                    | Rule::kw_input
                    | Rule::kw_key
                    | Rule::kw_participants
                    | Rule::kw_managed
                    | Rule::kw_by
                    | Rule::kw_credit
                    | Rule::kw_paid
                    | Rule::kw_let
                    | Rule::kw_kpi
                    | Rule::kw_payout
                    | Rule::kw_when
                    | Rule::kw_at
                    | Rule::kw_rates
                    | Rule::kw_curve
                    | Rule::kw_param
                    | Rule::kw_fn
                    | Rule::kw_scorecard
            )
        });
        let mut next = || it.next();
        let kind = match rule {
            Rule::currency_decl => DeclKind::Currency(self.ident(req(next())?)),
            Rule::periods_decl => {
                let kind = match req(next())?.as_str() {
                    "monthly" => PeriodKind::Monthly,
                    "quarterly" => PeriodKind::Quarterly,
                    // issue 10, calendars
                    "weekly" => PeriodKind::Weekly,
                    "biweekly" => PeriodKind::Biweekly,
                    "semi-monthly" => PeriodKind::SemiMonthly,
                    _ => PeriodKind::Yearly,
                };
                let mut from_p = req(next())?;
                // issue 10, calendars: the last inner pair of `starting WEEKDAY` and
                // `fiscal year from MONTH` is the name.
                let last_word = |p: Pair<Rule>| {
                    p.into_inner()
                        .last()
                        .map(|q| q.as_str().to_string())
                        .unwrap_or_default()
                };
                let mut week_start = None;
                if from_p.as_rule() == Rule::week_start {
                    week_start = crate::calendar::weekday_named(&last_word(from_p));
                    from_p = req(next())?;
                }
                let to_p = req(next())?;
                let fiscal_start = next().and_then(|p| crate::calendar::month_named(&last_word(p)));
                let range_span = span_of(&from_p).to(span_of(&to_p));
                DeclKind::Periods {
                    kind,
                    from: self.date(&from_p)?,
                    to: self.date(&to_p)?,
                    range_span,
                    week_start,
                    fiscal_start,
                }
            }
            // issue 10, calendars: `periods listed in "FILE" [fiscal year from MONTH]`.
            Rule::periods_listed_decl => {
                let _listed = req(next())?;
                let _in = req(next())?;
                let file_p = req(next())?;
                let path_span = span_of(&file_p);
                let fiscal_start = next().and_then(|p| {
                    p.into_inner()
                        .last()
                        .and_then(|q| crate::calendar::month_named(q.as_str()))
                });
                DeclKind::PeriodsListed {
                    path: self.string(file_p),
                    path_span,
                    fiscal_start,
                }
            }
            Rule::rounding_decl => {
                let inc = req(next())?;
                let increment = self.number(&inc)?;
                let mode = mode_of(req(next())?.as_str()).unwrap_or(RoundingMode::Down);
                DeclKind::Rounding { increment, mode }
            }
            // issue 10, statements
            Rule::statement_decl => {
                let mut lines = Vec::new();
                for l in it.by_ref() {
                    let span = span_of(&l);
                    let mut parts = l.into_inner();
                    let s = req(parts.next())?;
                    lines.push(StatementLine {
                        section: s.as_str().split_whitespace().collect::<Vec<_>>().join(" "),
                        section_span: span_of(&s),
                        names: parts.map(|n| self.ident(n)).collect(),
                        span,
                    });
                }
                DeclKind::Statement {
                    lines,
                    keyword: Span {
                        start: span.start,
                        end: span.start + "statement".len() as u32,
                    },
                }
            }
            Rule::timezone_decl => {
                let z = req(next())?;
                DeclKind::Timezone {
                    zone: z.as_str().to_string(),
                    zone_span: span_of(&z),
                }
            }
            Rule::input_decl => {
                let name = self.ident(req(next())?);
                let mut key = None;
                let mut columns = Vec::new();
                let mut more_keys = Vec::new();
                let mut effective = None;
                let mut computed = Vec::new();
                while let Some(q) = next() {
                    match q.as_rule() {
                        Rule::ident => key = Some(self.ident(q)),
                        Rule::column_decl => columns.push(self.column(q)?),
                        Rule::more_key => {
                            more_keys.extend(q.into_inner().next().map(|i| self.ident(i)))
                        }
                        Rule::effective => {
                            let span = span_of(&q);
                            let mut cols = q.into_inner().filter(|i| i.as_rule() == Rule::ident);
                            let from = self.ident(req(cols.next())?);
                            let to = cols.next().map(|i| self.ident(i));
                            effective = Some(Effective { from, to, span });
                        }
                        Rule::computed_column => computed.push(self.computed_column(q)?),
                        _ => {}
                    }
                }
                DeclKind::Input {
                    name,
                    key,
                    columns,
                    more_keys,
                    effective,
                    computed,
                }
            }
            Rule::participants_decl => {
                let table = self.ident(req(next())?);
                // `managed by COLUMN`, or `managed by HISTORY.COLUMN` (issue 10, assignments),
                // then `paid in …` (issue 10, currencies).
                let (mut first, mut field, mut pay) = (None, None, None);
                while let Some(q) = next() {
                    match q.as_rule() {
                        Rule::pay_clause => pay = Some(self.pay_clause(q)?),
                        Rule::field => field = q.into_inner().next().map(|f| self.ident(f)),
                        _ => first = Some(self.ident(q)),
                    }
                }
                let (manager, manager_table) = match field {
                    Some(column) => (Some(column), first),
                    None => (first, None),
                };
                DeclKind::Participants {
                    table,
                    manager,
                    pay,
                    manager_table,
                }
            }
            Rule::credit_decl => DeclKind::Credit {
                table: self.ident(req(next())?),
                to: self.ident(req(next())?),
                by: self.ident(req(next())?),
                split: next().map(|q| self.credit_split(q)).transpose()?,
            },
            Rule::paid_decl => DeclKind::Paid {
                table: self.ident(req(next())?),
            },
            Rule::let_decl => DeclKind::Let {
                name: self.ident(req(next())?),
                expr: self.expr(req(next())?)?,
                when: match next() {
                    Some(q) => Some(self.expr(q)?),
                    None => None,
                },
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
                let mut when = None;
                let mut intent = None;
                while let Some(q) = next() {
                    if q.as_rule() == Rule::kpi_block {
                        intent = Some(self.kpi_block(q)?);
                    } else {
                        when = Some(self.expr(q)?);
                    }
                }
                DeclKind::Kpi {
                    name,
                    ty,
                    expr,
                    when,
                    intent,
                }
            }
            Rule::payout_decl => {
                let name = self.ident(req(next())?);
                let expr = self.expr(req(next())?)?;
                let mut when = None;
                let mut may_be_negative = None;
                while let Some(q) = next() {
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
                let mut closed = None;
                let mut by_column = None;
                let mut grid = None;
                while let Some(q) = next() {
                    match q.as_rule() {
                        Rule::ident if by.is_some() => by_column = Some(self.ident(q)),
                        Rule::ident => by = Some(self.ident(q)),
                        Rule::band => bands.push(self.band(q)?),
                        Rule::closedness => closed = Some(closedness(q)),
                        Rule::grid => grid = Some(self.grid(q)?),
                        _ => {}
                    }
                }
                DeclKind::Rates {
                    name,
                    by,
                    bands,
                    closed,
                    by_column,
                    grid,
                }
            }
            Rule::curve_decl => {
                let name = self.ident(req(next())?);
                let mut by = None;
                let mut below = None;
                let mut above = None;
                let mut points = Vec::new();
                while let Some(q) = next() {
                    let qs = span_of(&q);
                    match q.as_rule() {
                        Rule::ident => by = Some(self.ident(q)),
                        Rule::curve_below | Rule::curve_above => {
                            let below_side = q.as_rule() == Rule::curve_below;
                            let rule = q
                                .into_inner()
                                .find(|r| r.as_rule() == Rule::ident)
                                .map(|r| self.ident(r));
                            let edge = rule.map(|rule| CurveEdge { rule, span: qs });
                            if below_side {
                                below = edge;
                            } else {
                                above = edge;
                            }
                        }
                        Rule::curve_point => {
                            let mut parts = q.into_inner();
                            let x = self.band_edge_expr(req(parts.next())?)?;
                            let y = self.expr(req(parts.next())?)?;
                            points.push(CurvePoint { x, y, span: qs });
                        }
                        _ => {}
                    }
                }
                DeclKind::Curve {
                    name,
                    by,
                    below,
                    points,
                    above,
                }
            }
            // issue 9, functions and parameters
            Rule::param_decl => DeclKind::Param {
                name: self.ident(req(next())?),
                value: self.signed_literal(req(next())?)?,
            },
            Rule::fn_decl => {
                let name = self.ident(req(next())?);
                let mut params = Vec::new();
                let mut body = None;
                while let Some(q) = next() {
                    match q.as_rule() {
                        Rule::fn_param => {
                            let mut parts = q.into_inner();
                            let pname = self.ident(req(parts.next())?);
                            let ty = match parts.next() {
                                Some(t) => {
                                    let ty_span = span_of(&t);
                                    Some((self.type_name(t)?, ty_span))
                                }
                                None => None,
                            };
                            params.push(FnParam { name: pname, ty });
                        }
                        Rule::expr => body = Some(self.expr(q)?),
                        _ => {}
                    }
                }
                DeclKind::Fn {
                    name,
                    params,
                    body: body.ok_or_else(|| Diag::from(ParseError::MissingPart))?,
                }
            }
            // issue 11, scorecards
            Rule::scorecard_decl => {
                let name = self.ident(req(next())?);
                let mut items = Vec::new();
                while let Some(q) = next() {
                    items.push(self.scorecard_item(q)?);
                }
                let after = name.span.end as usize;
                let open = self.src.text.get(after..).and_then(|t| t.find('{'));
                let block = Span::new(open.map_or(after, |i| after + i), span.end as usize);
                DeclKind::Scorecard { name, items, block }
            }
            other => {
                return Err(self.err(ParseError::UnknownDeclaration {
                    rule: format!("{other:?}"),
                    span: span.into(),
                }))
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

    /// `let NAME [: TYPE] = EXPR` inside an input (issue 9, rows).
    fn computed_column(&self, p: Pair<Rule>) -> Result<ComputedColumn, Diag> {
        let span = span_of(&p);
        let mut name = None;
        let mut ty = None;
        let mut expr = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::ident => name = Some(self.ident(q)),
                Rule::type_name => {
                    let s = span_of(&q);
                    ty = Some((self.type_name(q)?, s));
                }
                Rule::expr => expr = Some(self.expr(q)?),
                _ => {}
            }
        }
        match (name, expr) {
            (Some(name), Some(expr)) => Ok(ComputedColumn {
                name,
                ty,
                expr,
                span,
            }),
            _ => Err(ParseError::MissingPart.into()),
        }
    }

    fn type_name(&self, p: Pair<Rule>) -> Result<TypeName, Diag> {
        let inner = req(p.into_inner().next())?;
        Ok(match inner.as_rule() {
            Rule::money_type => {
                // issue 10, currencies: `money in COLUMN`
                if let Some(col) = inner
                    .clone()
                    .into_inner()
                    .find(|q| q.as_rule() == Rule::ident)
                {
                    return Ok(TypeName::MoneyIn(self.ident(col)));
                }
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
                    let inner = req(q.into_inner().next())?;
                    // A param's name as an edge (issue 9): `150% .. top : x`.
                    let e = if inner.as_rule() == Rule::ident {
                        let id = self.ident(inner);
                        Expr {
                            span: id.span,
                            kind: ExprKind::Name(id),
                        }
                    } else {
                        self.signed_literal(inner)?
                    };
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
            value: value.ok_or_else(|| self.err(ParseError::Band { span: span.into() }))?,
            span,
        })
    }

    /// issue 9, tables: a grid's header and rows.
    fn grid(&self, p: Pair<Rule>) -> Result<Grid, Diag> {
        let mut columns = Vec::new();
        let mut header = Span::default();
        let mut rows = Vec::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::grid_header => {
                    header = span_of(&q);
                    for k in q.into_inner() {
                        columns.push(self.grid_key(k)?);
                    }
                }
                Rule::grid_row => {
                    let span = span_of(&q);
                    let mut it = q.into_inner();
                    let key = self.grid_key(req(it.next())?)?;
                    let cells = it.map(|c| self.expr(c)).collect::<Result<Vec<_>, _>>()?;
                    rows.push(GridRow { key, cells, span });
                }
                _ => {}
            }
        }
        Ok(Grid {
            columns,
            header,
            rows,
        })
    }

    fn grid_key(&self, p: Pair<Rule>) -> Result<GridKey, Diag> {
        let span = span_of(&p);
        let dots = p.as_str().find("..").map_or(0, |i| i + span.start as usize);
        let mut lo = None;
        let mut hi = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::string => {
                    return Ok(GridKey::Text {
                        value: self.string(q),
                        span,
                    })
                }
                Rule::band_edge => {
                    let qs = span_of(&q);
                    let e = self.band_edge_expr(q)?;
                    if (qs.start as usize) < dots {
                        lo = Some(e);
                    } else {
                        hi = Some(e);
                    }
                }
                _ => {}
            }
        }
        Ok(GridKey::Band { lo, hi, span })
    }

    // issue 11, scorecards
    /// One line of a scorecard: a measure, `weights add up to P`, `no data reweights`, or
    /// the gate.
    fn scorecard_item(&self, q: Pair<Rule>) -> Result<ScorecardItem, Diag> {
        let span = span_of(&q);
        let rule = q.as_rule();
        let mut parts = q.into_inner().filter(|x| {
            x.as_rule() != Rule::up_word && !format!("{:?}", x.as_rule()).starts_with("kw_")
        });
        let kind = match rule {
            Rule::scorecard_weights => {
                ScorecardItemKind::Weights(self.literal(req(parts.next())?)?)
            }
            Rule::scorecard_no_data => ScorecardItemKind::NoDataReweights,
            Rule::scorecard_gate => ScorecardItemKind::Gate(self.expr(req(parts.next())?)?),
            _ => {
                let kpi = self.ident(req(parts.next())?);
                let weight = self.literal(req(parts.next())?)?;
                let mut bounds = Vec::new();
                for b in parts {
                    let b_span = span_of(&b);
                    let mut bp = b.into_inner();
                    let kind = if req(bp.next())?.as_rule() == Rule::kw_cap {
                        LimitKind::Cap
                    } else {
                        LimitKind::Floor
                    };
                    let value = self.band_edge_expr(req(bp.next())?)?;
                    bounds.push(MeasureBound {
                        kind,
                        value,
                        span: b_span,
                    });
                }
                ScorecardItemKind::Measure {
                    kpi,
                    weight,
                    bounds,
                }
            }
        };
        Ok(ScorecardItem { kind, span })
    }

    /// issue 9, tables: a band edge (a grid key's, a curve point's measure): a literal, or a
    /// param's name.
    fn band_edge_expr(&self, q: Pair<Rule>) -> Result<Expr, Diag> {
        let inner = req(q.into_inner().next())?;
        if inner.as_rule() == Rule::ident {
            let id = self.ident(inner);
            return Ok(Expr {
                span: id.span,
                kind: ExprKind::Name(id),
            });
        }
        self.signed_literal(inner)
    }

    pub(super) fn signed_literal(&self, p: Pair<Rule>) -> Result<Expr, Diag> {
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
            self.err(ParseError::Number {
                text: p.as_str().to_string(),
                span: span_of(p).into(),
            })
        })
    }

    fn date(&self, p: &Pair<Rule>) -> Result<chrono::NaiveDate, Diag> {
        chrono::NaiveDate::parse_from_str(p.as_str(), "%Y-%m-%d").map_err(|_| {
            self.err(ParseError::Date {
                text: p.as_str().to_string(),
                span: span_of(p).into(),
            })
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
                return Err(self.err(ParseError::UnknownLiteral {
                    rule: format!("{other:?}"),
                    span: span.into(),
                }))
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
                            .ok_or_else(|| self.err(ParseError::Where { span: span.into() }))?;
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
            match operator_of(q.as_rule()).map(Operator::fixity) {
                Some(Fixity::Prefix | Fixity::Postfix) => {
                    run += 1;
                    if run > MAX_DEPTH {
                        return Err(self.err(ParseError::DeepOperators {
                            span: span_of(&q).into(),
                        }));
                    }
                }
                Some(Fixity::Infix) => {
                    run = 0;
                    operands += 1;
                    if operands > MAX_OPERANDS {
                        return Err(self.err(ParseError::TooManyOperands {
                            span: span_of(&q).into(),
                        }));
                    }
                }
                None => run = 0,
            }
        }
        Ok(())
    }

    /// A call argument: an expression or a rounding mode.
    fn arg_value(&self, p: Pair<Rule>) -> Result<Expr, Diag> {
        if p.as_rule() != Rule::rounding_arg {
            return self.expr(p);
        }
        let span = span_of(&p);
        let tail = req(p.into_inner().next())?;
        let mode = match tail.as_str() {
            "even" => RoundingMode::HalfEven,
            "up" => RoundingMode::HalfUp,
            _ => RoundingMode::HalfDown,
        };
        Ok(Expr {
            kind: ExprKind::Mode(mode),
            span,
        })
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
            // issue 9, conditionals
            Rule::if_expr => {
                let mut parts = p.into_inner().filter(|q| q.as_rule() == Rule::expr);
                let cond = self.expr(req(parts.next())?)?;
                let then = self.expr(req(parts.next())?)?;
                let other = self.expr(req(parts.next())?)?;
                Ok(Expr {
                    kind: ExprKind::If(Box::new(cond), Box::new(then), Box::new(other)),
                    span,
                })
            }
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
                            value: self.arg_value(req(ai.next())?)?,
                        });
                    } else {
                        args.push(Arg {
                            name: None,
                            value: self.arg_value(first)?,
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
fn req_lit(e: Option<Expr>, l: &Lower, span: Span) -> Result<Expr, Diag> {
    e.ok_or_else(|| l.err(ParseError::EmptyLiteral { span: span.into() }))
}

/// issue 9, tables: `[lo, hi)` / `(lo, hi]` as written.
fn closedness(p: Pair<Rule>) -> Closedness {
    let span = span_of(&p);
    let mut lo_closed = true;
    let mut hi_closed = false;
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::closed_lo => lo_closed = q.as_str() == "[",
            Rule::closed_hi => hi_closed = q.as_str() == "]",
            _ => {}
        }
    }
    Closedness {
        lo_closed,
        hi_closed,
        span,
    }
}
