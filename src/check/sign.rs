//! Value ranges for the payout lints: what the checker can prove about the sign of a value,
//! and whether it can rise without a ceiling through an open top band of a marginal table.
//!
//! The ranges are computed through the definitions a payout uses, with their gates, caps
//! and floors. An input column's sign is unknown unless the plan declares it `>= 0`.

use crate::ir::{self, AggFunc, ColId, DefId, ExprKind, RatesId, RatesMode, TableId};
use crate::syntax::ast::{BinOp, LimitKind};
use crate::syntax::Span;
use std::collections::BTreeSet;

/// What is known of the values an expression takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Range {
    /// Never below zero.
    pub nonneg: bool,
    /// Never above zero.
    pub nonpos: bool,
    /// Open-topped marginal tables through which the value can rise without a ceiling
    /// (empty: bounded above by something other than an open band).
    pub open: BTreeSet<RatesId>,
}

impl Range {
    fn any() -> Range {
        Range::default()
    }

    fn zero() -> Range {
        Range {
            nonneg: true,
            nonpos: true,
            open: BTreeSet::new(),
        }
    }

    fn negated(self) -> Range {
        Range {
            nonneg: self.nonpos,
            nonpos: self.nonneg,
            open: BTreeSet::new(),
        }
    }

    /// Either value (a gate's 0, a fallback).
    fn either(self, other: Range) -> Range {
        let mut open = self.open;
        open.extend(other.open);
        Range {
            nonneg: self.nonneg && other.nonneg,
            nonpos: self.nonpos && other.nonpos,
            open,
        }
    }
}

/// Ranges of a checked plan's definitions, computed on demand.
pub(super) struct Ranges<'a> {
    defs: &'a [ir::Def],
    rates: &'a [ir::RateTable],
    /// Columns declared `>= 0`, by table.
    nonneg: &'a BTreeSet<(TableId, ColId)>,
    participants: Option<TableId>,
    memo: Vec<Option<Range>>,
    busy: Vec<bool>,
    /// issue 9, tables: the curves.
    curves: &'a [ir::Curve],
    /// The functions' bodies (issue 9).
    bodies: &'a [ir::Expr],
    /// The ranges of the arguments of the calls whose bodies are being read (innermost last).
    args: Vec<Vec<Range>>,
}

impl<'a> Ranges<'a> {
    pub(super) fn new(
        defs: &'a [ir::Def],
        rates: &'a [ir::RateTable],
        nonneg: &'a BTreeSet<(TableId, ColId)>,
        participants: Option<TableId>,
        bodies: &'a [ir::Expr],
    ) -> Ranges<'a> {
        Ranges {
            defs,
            rates,
            nonneg,
            participants,
            memo: vec![None; defs.len()],
            busy: vec![false; defs.len()],
            curves: &[],
            args: Vec::new(),
            bodies,
        }
    }

    /// issue 9, tables: with the plan's curves (their values bound `interpolate`).
    pub(super) fn with_curves(mut self, curves: &'a [ir::Curve]) -> Ranges<'a> {
        self.curves = curves;
        self
    }

    /// The range of a definition's value: its expression, gated, floored and capped.
    pub(super) fn def(&mut self, d: DefId) -> Range {
        if let Some(r) = &self.memo[d.index()] {
            return r.clone();
        }
        if self.busy[d.index()] {
            return Range::any(); // a cycle (already reported)
        }
        self.busy[d.index()] = true;
        let defs = self.defs;
        let mut r = self.unlimited(d);
        for l in &defs[d].limits {
            let b = self.expr(&l.expr);
            match l.kind {
                LimitKind::Floor => {
                    // max(value, bound)
                    r = Range {
                        nonneg: r.nonneg || b.nonneg,
                        nonpos: r.nonpos && b.nonpos,
                        open: r.open,
                    };
                }
                LimitKind::Cap => {
                    // min(value, bound)
                    r = Range {
                        nonneg: r.nonneg && b.nonneg,
                        nonpos: r.nonpos || b.nonpos,
                        open: BTreeSet::new(),
                    };
                }
            }
        }
        self.busy[d.index()] = false;
        self.memo[d.index()] = Some(r.clone());
        r
    }

    /// The range of a definition before its caps and floors.
    pub(super) fn unlimited(&mut self, d: DefId) -> Range {
        let defs = self.defs;
        let def = &defs[d];
        let r = self.expr(&def.expr);
        if def.gate.is_some() {
            r.either(Range::zero())
        } else {
            r
        }
    }

    fn column(&self, table: TableId, c: ColId) -> Range {
        if self.nonneg.contains(&(table, c)) {
            Range {
                nonneg: true,
                ..Range::any()
            }
        } else {
            Range::any()
        }
    }

    fn values(&self, t: RatesId) -> Range {
        let bands = &self.rates[t].bands;
        // issue 9, tables: a grid's values are its cells.
        let cells = self.rates[t]
            .grid
            .iter()
            .flat_map(|g| g.cells.iter().flatten().map(|c| c.value));
        let values: Vec<rust_decimal::Decimal> =
            bands.iter().map(|b| b.value).chain(cells).collect();
        Range {
            nonneg: values.iter().all(|v| !v.is_sign_negative() || v.is_zero()),
            nonpos: values.iter().all(|v| v.is_sign_negative() || v.is_zero()),
            open: BTreeSet::new(),
        }
    }

    /// The range of an expression. `RowCol` columns are read in `row`'s table.
    pub(super) fn expr(&mut self, e: &ir::Expr) -> Range {
        self.expr_in(e, None)
    }

    fn expr_in(&mut self, e: &ir::Expr, row: Option<TableId>) -> Range {
        match &e.kind {
            ExprKind::Const(ir::Value::Num(n)) => Range {
                nonneg: !n.is_negative(),
                nonpos: n.signum() <= 0,
                open: BTreeSet::new(),
            },
            ExprKind::Const(_) => Range::any(),
            // issue 9: a param is its value; a call is its body's range, arguments unknown
            ExprKind::PlanParam(_, ir::Value::Num(n)) => Range {
                nonneg: !n.is_negative(),
                nonpos: n.signum() <= 0,
                open: BTreeSet::new(),
            },
            ExprKind::PlanParam(..) => Range::any(),
            ExprKind::Arg(i) => self
                .args
                .last()
                .and_then(|a| a.get(*i))
                .cloned()
                .unwrap_or_else(Range::any),
            ExprKind::Call { args, body, .. } => {
                let ranges: Vec<Range> = args.iter().map(|a| self.expr_in(a, row)).collect();
                self.args.push(ranges);
                let bodies = self.bodies;
                let r = match bodies.get(body.index()) {
                    Some(b) => self.expr_in(b, None),
                    None => Range::any(),
                };
                self.args.pop();
                r
            }
            ExprKind::Param(c) => match self.participants {
                Some(t) => self.column(t, *c),
                None => Range::any(),
            },
            ExprKind::RowCol(c) => match row {
                Some(t) => self.column(t, *c),
                None => Range::any(),
            },
            ExprKind::Def(d) => self.def(*d),
            // issue 11: a rank and a percentile are not negative; a team's average is in
            // the range of the KPI; a cause or a trend can go either way.
            ExprKind::KpiOf { kpi, func } => match func {
                ir::KpiFn::Rank(_) | ir::KpiFn::Percentile(_) => Range {
                    nonneg: true,
                    nonpos: false,
                    open: BTreeSet::new(),
                },
                ir::KpiFn::TeamAvg | ir::KpiFn::Pace => self.def(*kpi),
                _ => Range::any(),
            },
            // issue 9: a cell of a reference table, `>= 0` when its column is declared so.
            ExprKind::Lookup { table, column, .. } => self.column(*table, *column),
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.expr_in(a, row), self.expr_in(b, row));
                match op {
                    BinOp::Add => {
                        let mut open = a.open;
                        open.extend(b.open);
                        Range {
                            nonneg: a.nonneg && b.nonneg,
                            nonpos: a.nonpos && b.nonpos,
                            open,
                        }
                    }
                    BinOp::Sub => Range {
                        nonneg: a.nonneg && b.nonpos,
                        nonpos: a.nonpos && b.nonneg,
                        open: a.open,
                    },
                    BinOp::Mul | BinOp::Div => {
                        let mut open = a.open;
                        if *op == BinOp::Mul {
                            open.extend(b.open);
                        }
                        Range {
                            nonneg: (a.nonneg && b.nonneg) || (a.nonpos && b.nonpos),
                            nonpos: (a.nonneg && b.nonpos) || (a.nonpos && b.nonneg),
                            open,
                        }
                    }
                    _ => Range::any(),
                }
            }
            // issue 11, scorecards: not negative when each measure's attainment is not, or
            // is floored at 0% or more.
            ExprKind::Scorecard(sc) => {
                let mut nonneg = true;
                for m in &sc.measures {
                    let floored = m.floor.as_ref().is_some_and(|f| !f.is_negative());
                    nonneg &= floored || self.expr_in(&m.attainment, None).nonneg;
                }
                Range {
                    nonneg,
                    nonpos: false,
                    open: BTreeSet::new(),
                }
            }
            // issue 11, cascades: the own target's sign, split by shares or summed.
            ExprKind::Cascade(c) => {
                let own = self.expr_in(&c.own, None);
                let share_nonneg = match &c.how {
                    ir::CascadeHow::Share(e) => self.expr_in(e, None).nonneg,
                    _ => true,
                };
                Range {
                    nonneg: own.nonneg && share_nonneg,
                    nonpos: false,
                    open: own.open,
                }
            }
            ExprKind::Neg(a) => self.expr_in(a, row).negated(),
            ExprKind::Otherwise(a, b) => {
                let a = self.expr_in(a, row);
                a.either(self.expr_in(b, row))
            }
            ExprKind::Agg {
                func,
                rows,
                column,
                value,
            } => match func {
                AggFunc::Count | AggFunc::CountDistinct => Range {
                    nonneg: true,
                    ..Range::any()
                },
                _ => match (column, value) {
                    (Some(c), _) => self.column(rows.table, *c),
                    // issue 9, rows: the sign of the expression of each row.
                    (None, Some(v)) => self.expr_in(v, Some(rows.table)),
                    (None, None) => Range::any(),
                },
            },
            ExprKind::Rates { mode, table, .. } => {
                let mut r = self.values(*table);
                if *mode == RatesMode::Marginal
                    && self.rates[*table]
                        .bands
                        .last()
                        .is_some_and(|b| b.hi.is_none())
                {
                    r.open.insert(*table);
                }
                r
            }
            // issue 9, tables: between its points' values (and 0), unless extrapolated.
            ExprKind::Interpolate { curve, .. } => match self.curves.get(curve.index()) {
                Some(c)
                    if c.below != ir::EdgeRule::Extrapolate
                        && c.above != ir::EdgeRule::Extrapolate =>
                {
                    Range {
                        nonneg: c
                            .points
                            .iter()
                            .all(|p| !p.y.is_sign_negative() || p.y.is_zero()),
                        nonpos: c
                            .points
                            .iter()
                            .all(|p| p.y.is_sign_negative() || p.y.is_zero()),
                        open: BTreeSet::new(),
                    }
                }
                _ => Range::any(),
            },
            // issue 10, ledger: a sum of the payout's values (none in the first period).
            ExprKind::PaidToDate(d) => {
                let r = self.def(*d);
                Range {
                    open: BTreeSet::new(),
                    ..r.either(Range::zero())
                }
            }
            // issue 10, ledger: an earlier value, or the opening.
            ExprKind::Lag { value, opening } => {
                let a = self.expr_in(value, row);
                a.either(self.expr_in(opening, row))
            }
            // A share in [0, 1] of the value, a sum of its values, or a rounding of it.
            ExprKind::Prorate { value, .. }
            | ExprKind::Across(_, value)
            | ExprKind::Round { value, .. } => self.expr_in(value, row),
            // issue 10, currencies: a rate is positive (checked when it is used).
            ExprKind::Convert(c) => self.expr_in(&c.value, row),
            // issue 10, clawbacks: a row's share of what was paid, taken back; a row may
            // weigh against the others (a negative amount), so no sign is known.
            ExprKind::Clawback(_) => Range::any(),
            ExprKind::Min(xs) => {
                let rs: Vec<Range> = xs.iter().map(|x| self.expr_in(x, row)).collect();
                let all_open = rs.iter().all(|r| !r.open.is_empty());
                Range {
                    nonneg: rs.iter().all(|r| r.nonneg),
                    nonpos: rs.iter().any(|r| r.nonpos),
                    open: if all_open {
                        rs.iter().flat_map(|r| r.open.iter().copied()).collect()
                    } else {
                        BTreeSet::new()
                    },
                }
            }
            ExprKind::Max(xs) => {
                let rs: Vec<Range> = xs.iter().map(|x| self.expr_in(x, row)).collect();
                Range {
                    nonneg: rs.iter().any(|r| r.nonneg),
                    nonpos: rs.iter().all(|r| r.nonpos),
                    open: rs.iter().flat_map(|r| r.open.iter().copied()).collect(),
                }
            }
            ExprKind::Abs(a) => Range {
                nonneg: true,
                nonpos: false,
                open: self.expr_in(a, row).open,
            },
            ExprKind::Not(_)
            | ExprKind::Present(_)
            | ExprKind::PeriodStart
            | ExprKind::PeriodEnd => Range::any(),
            // issue 9, calendar arithmetic: counts and parts of dates are never negative.
            ExprKind::Calendar(f, _) => match f {
                ir::CalendarFn::Weekdays
                | ir::CalendarFn::WorkingDays { .. }
                | ir::CalendarFn::YearOf
                | ir::CalendarFn::QuarterOf
                | ir::CalendarFn::MonthOf => Range {
                    nonneg: true,
                    ..Range::any()
                },
                _ => Range::any(),
            },
            // issue 9, conditionals: either branch.
            ExprKind::If { then, other, .. } => {
                let a = self.expr_in(then, row);
                a.either(self.expr_in(other, row))
            }
        }
    }

    /// Where a value that is not proven `>= 0` can turn negative, in words: the first part
    /// of `e` that is not known to be `>= 0`, followed down the expression.
    pub(super) fn why_negative(&mut self, e: &ir::Expr, names: &Names) -> (Span, String) {
        match &e.kind {
            ExprKind::Binary(BinOp::Sub, a, b) => {
                if !self.expr(a).nonneg {
                    self.why_negative(a, names)
                } else {
                    let _ = b;
                    (e.span, "it subtracts".into())
                }
            }
            ExprKind::Binary(BinOp::Add | BinOp::Mul | BinOp::Div, a, b) => {
                let ra = self.expr(a);
                let rb = self.expr(b);
                if !(ra.nonneg || ra.nonpos) {
                    self.why_negative(a, names)
                } else if !(rb.nonneg || rb.nonpos) {
                    self.why_negative(b, names)
                } else if ra.nonpos && !ra.nonneg {
                    self.why_negative_leaf(a, names)
                } else {
                    self.why_negative_leaf(b, names)
                }
            }
            ExprKind::Neg(_) => (e.span, "it negates".into()),
            // issue 10, ledger: not followed into the previous period (it may be this value).
            ExprKind::Lag { .. } => (e.span, "it reads the previous period".into()),
            ExprKind::Otherwise(a, b)
            | ExprKind::If {
                then: a, other: b, ..
            } => {
                if !self.expr(a).nonneg {
                    self.why_negative(a, names)
                } else {
                    self.why_negative(b, names)
                }
            }
            ExprKind::Min(xs) => match xs.iter().find(|x| !self.expr(x).nonneg) {
                Some(x) => self.why_negative(x, names),
                None => (e.span, String::new()),
            },
            ExprKind::Prorate { value, .. }
            | ExprKind::Across(_, value)
            | ExprKind::Round { value, .. } => self.why_negative(value, names),
            ExprKind::Convert(c) => self.why_negative(&c.value, names),
            ExprKind::Clawback(_) => (
                e.span,
                "it takes back what was paid on cancelled rows".into(),
            ),
            _ => self.why_negative_leaf(e, names),
        }
    }

    fn why_negative_leaf(&mut self, e: &ir::Expr, names: &Names) -> (Span, String) {
        let text = match &e.kind {
            ExprKind::Const(_) => "a negative constant".to_string(),
            ExprKind::Neg(_) => "it negates".to_string(),
            ExprKind::Param(c) => match self.participants {
                Some(t) => names.column(t, *c),
                None => String::new(),
            },
            ExprKind::Agg {
                column: Some(c),
                rows,
                ..
            } => names.column(rows.table, *c),
            ExprKind::Lookup { table, column, .. } => names.column(*table, *column),
            ExprKind::Def(d) => {
                let defs = self.defs;
                let (_, inner) = self.why_negative(&defs[*d].expr, names);
                if inner.is_empty() {
                    format!("`{}` can be negative", defs[*d].name)
                } else {
                    format!("`{}` can be negative ({inner})", defs[*d].name)
                }
            }
            ExprKind::Rates { table, .. } => {
                format!("`{}` has negative values", self.rates[*table].name)
            }
            _ => String::new(),
        };
        (e.span, text)
    }
}

/// Column names, for messages.
pub(super) struct Names<'a> {
    pub tables: &'a [ir::TableSchema],
}

impl Names<'_> {
    fn column(&self, t: TableId, c: ColId) -> String {
        let table = &self.tables[t];
        let col = table
            .columns
            .get(c.index())
            .map_or("?", |c| c.name.as_str());
        format!(
            "column `{}.{col}` can be negative (declare it `{col}: … >= 0` if it cannot)",
            table.name
        )
    }
}
