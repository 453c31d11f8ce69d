//! The interpreter: one expression in one scope (participant, period), optionally one row.

use super::error::{EvalError, NoValue};
use super::record::{Note, Off, Recorder, Traced};
use super::{rates, Slot};
use crate::data::aggregate::AggErr;
use crate::data::table::{CellFailure, ComputedCells};
use crate::data::{ColumnData, Dataset};
use crate::ir::{
    Across, AggFunc, CalendarFn, ColId, DefId, Expr, ExprKind, Plan, Proration, RatesMode, TableId,
    Value,
};
use crate::num::{Num, NumSum};
use crate::syntax::ast::{BinOp, LimitKind};
use rust_decimal::Decimal;
use rustc_hash::FxHashSet;

/// Which participant and period an expression is evaluated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Participant index.
    pub participant: u32,
    /// Period index.
    pub period: u32,
}

/// Read-only context for evaluating one definition across scopes.
#[derive(Clone, Copy)]
pub struct Interp<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The data.
    pub data: &'a Dataset,
    /// Values of the definitions computed so far, `[def][participant * periods + period]`.
    pub store: &'a [Vec<Slot>],
    /// The definition being evaluated (named in errors).
    pub def: DefId,
    /// Precomputed `org(…)` sums (see `org.rs`); none when explaining.
    pub org: Option<&'a super::org::OrgMemo>,
    /// The arguments of the user function whose body is being evaluated (issue 9); empty
    /// outside a body.
    pub args: &'a [Value],
    /// issue 10, currencies: the pay figures of the payouts computed so far, like `store`
    /// (`[def][participant * periods + period]`, empty for a definition without them);
    /// the total's is their sum.
    pub pay: &'a [Vec<Slot>],
}

type R = Result<Value, Box<NoValue>>;

impl Interp<'_> {
    pub(super) fn fail(&self, kind: EvalError, e: &Expr, s: Scope) -> Box<NoValue> {
        Box::new(NoValue {
            kind,
            def: self.def,
            span: e.span,
            participant: s.participant,
            period: s.period,
        })
    }

    /// issue 10, ledger: a failure of the expression `e` in scope `s`.
    pub(crate) fn fail_at(&self, kind: EvalError, e: &Expr, s: Scope) -> Box<NoValue> {
        self.fail(kind, e, s)
    }

    /// The stored value of definition `d` in scope `s`, or its error. For the functions that
    /// read a dependency's values in other scopes (scorecards, causes, comparisons): the
    /// dependency order computed it first, so a missing value is an internal error.
    pub(super) fn stored(&self, d: DefId, s: Scope, e: &Expr) -> R {
        let periods = self.plan.calendar.len();
        let i = s.participant as usize * periods + s.period as usize;
        match self.store.get(d.index()).and_then(|v| v.get(i)) {
            Some(slot) => slot.clone(),
            None => Err(self.fail(
                EvalError::internal("a definition used before it was computed"),
                e,
                s,
            )),
        }
    }

    /// [`Interp::stored`] as a number.
    pub(super) fn stored_num(&self, d: DefId, s: Scope, e: &Expr) -> Result<Num, Box<NoValue>> {
        self.num(self.stored(d, s, e), e, s)
    }

    fn num(&self, v: R, e: &Expr, s: Scope) -> Result<Num, Box<NoValue>> {
        match v? {
            Value::Num(n) => Ok(n),
            other => Err(self.fail(
                EvalError::internal(format!("expected a number, found {other:?}")),
                e,
                s,
            )),
        }
    }

    /// A value as a number, or the error the interpreter raises for another kind of value.
    pub(crate) fn num_of(&self, v: R, e: &Expr, s: Scope) -> Result<Num, Box<NoValue>> {
        self.num(v, e, s)
    }

    fn boolean(&self, v: R, e: &Expr, s: Scope) -> Result<bool, Box<NoValue>> {
        match v? {
            Value::Bool(b) => Ok(b),
            other => Err(self.fail(
                EvalError::internal(format!("expected yes/no, found {other:?}")),
                e,
                s,
            )),
        }
    }

    /// Evaluate a definition in a scope: gate, value, floors and caps.
    pub fn def_value<Rc: Recorder>(&self, d: DefId, s: Scope, rec: &mut Rc) -> Slot {
        // Explaining shows how a payout reaches the pay currency, so it computes it.
        let mut pay = None;
        self.def_paid(d, s, rec, Rc::ON, &mut pay)
    }

    /// [`Interp::def_value`], and with `want_pay` the pay figure of a payout or the total
    /// in the participant's pay currency (issue 10, currencies; `None` without `paid in`).
    pub fn def_paid<Rc: Recorder>(
        &self,
        d: DefId,
        s: Scope,
        rec: &mut Rc,
        want_pay: bool,
        pay: &mut Option<Slot>,
    ) -> Slot {
        let want_pay = want_pay && self.plan.pay.is_some() && self.plan.defs[d].kind.is_paid();
        if !Rc::ON {
            return self.def_inner(d, s, rec, want_pay, pay);
        }
        rec.open();
        let v = self.def_inner(d, s, rec, want_pay, pay);
        // issue 11: a KPI with drivers shows its gap to target split among them (the
        // function `cause_of` and the dashboard read), when it can be computed.
        if v.is_ok()
            && self.plan.defs[d]
                .meta
                .as_ref()
                .is_some_and(|m| m.drivers.is_some())
        {
            let e = &self.plan.defs[d].expr;
            let _ = self.causes(d, crate::ir::CauseBase::Target, e, s, rec);
        }
        rec.close(self, Traced::Def(d), s, &v);
        v
    }

    fn def_inner<Rc: Recorder>(
        &self,
        d: DefId,
        s: Scope,
        rec: &mut Rc,
        want_pay: bool,
        pay: &mut Option<Slot>,
    ) -> Slot {
        let def = &self.plan.defs[d];
        if let Some(g) = &def.gate {
            // A closed gate pays nothing: the component's own floor does not apply.
            let open = self.boolean(self.eval(g, s, None, rec), g, s)?;
            if Rc::ON {
                rec.note(Note::Gate { open });
            }
            if !open {
                return self.settle(d, Value::Num(Num::ZERO), s, rec, want_pay, pay);
            }
        }
        let v = self.eval(&def.expr, s, None, rec)?;
        let v = match v {
            Value::Num(n) if !def.limits.is_empty() => self.limited(d, n, s, rec)?,
            v => v,
        };
        self.settle(d, v, s, rec, want_pay, pay)
    }

    /// A definition's value as stored: within a decimal's range, and for payouts and the
    /// total rounded by the plan's rounding — once, here, after gate, caps and floors, so
    /// that every reader (a later definition, `total`, the output, tests, diff) sees the
    /// amount that is paid.
    ///
    /// issue 10, currencies: with `want_pay`, the pay figure is computed here too, from the
    /// exact value before the plan's rounding, so that each figure shown (the payout in the
    /// plan's currency, the amount paid in the pay currency) is rounded once.
    fn settle<Rc: Recorder>(
        &self,
        d: DefId,
        v: Value,
        s: Scope,
        rec: &mut Rc,
        want_pay: bool,
        pay: &mut Option<Slot>,
    ) -> Slot {
        let def = &self.plan.defs[d];
        // Inside an expression a value may grow past a decimal's range (it stays exact);
        // a definition's value is shown and stored, so it must fit.
        if let Value::Num(n) = &v {
            if !n.in_decimal_range() {
                return Err(Box::new(NoValue {
                    kind: EvalError::Overflow,
                    def: d,
                    span: def.expr.span,
                    participant: s.participant,
                    period: s.period,
                }));
            }
        }
        if let (true, Value::Num(n)) = (want_pay, &v) {
            *pay = Some(self.pay_figure(d, n, s, rec));
        }
        let (Some(r), true, Value::Num(n)) = (self.plan.rounding, def.kind.is_paid(), &v) else {
            return Ok(v);
        };
        let Some(after) = n.round_to(r.increment, r.mode) else {
            return Err(Box::new(NoValue {
                kind: EvalError::TooLargeToRound {
                    increment: r.increment,
                },
                def: d,
                span: def.span,
                participant: s.participant,
                period: s.period,
            }));
        };
        if Rc::ON {
            rec.note(Note::Rounded {
                before: n.clone(),
                increment: r.increment,
                mode: r.mode,
            });
        }
        Ok(Value::Num(after))
    }

    fn limited<Rc: Recorder>(&self, d: DefId, mut v: Num, s: Scope, rec: &mut Rc) -> Slot {
        for l in &self.plan.defs[d].limits {
            let bound = self.num(self.eval(&l.expr, s, None, rec), &l.expr, s)?;
            let before = Rc::ON.then(|| v.clone());
            v = match l.kind {
                LimitKind::Cap => v.min(bound.clone()),
                LimitKind::Floor => v.max(bound.clone()),
            };
            if Rc::ON {
                rec.note(Note::Limit {
                    kind: l.kind,
                    before: before.unwrap_or_default(),
                    bound,
                    after: v.clone(),
                });
            }
        }
        Ok(Value::Num(v))
    }

    pub(crate) fn cell(&self, t: TableId, c: ColId, r: usize, e: &Expr, s: Scope) -> R {
        if self.plan.tables[t].is_computed(c) {
            return self.computed_cell(t, c, r, e, s);
        }
        let tab = &self.data.tables[t];
        let col = &tab.columns[c];
        let line = tab.line(r);
        let r = tab.at(c, r);
        if !col.is_present(r) {
            let kind = EvalError::EmptyValue {
                column: self.plan.tables[t].columns[c].name.clone(),
                file: tab.file.clone(),
                line,
            };
            return Err(self.fail(kind, e, s));
        }
        Ok(match &col.data {
            ColumnData::Text(v) => Value::Text(v[r]),
            ColumnData::Num(v) => Value::Num(Num::from(v[r])),
            ColumnData::Date(v) => Value::Date(v[r]),
            ColumnData::Bool(v) => Value::Bool(v[r]),
            ColumnData::Raw { .. } => {
                return Err(self.fail(EvalError::internal("text column not interned"), e, s))
            }
        })
    }

    /// issue 9, rows: row `r` of computed column `c`, computed for every row of the table on
    /// the first read (once, whichever definition or thread reads it first).
    fn computed_cell(&self, t: TableId, c: ColId, r: usize, e: &Expr, s: Scope) -> R {
        let tab = &self.data.tables[t];
        let cells = tab
            .computed
            .get(c.index())
            .map(|once| once.get_or_init(|| self.compute_column(t, c)));
        let column = || self.plan.tables[t].columns[c].name.clone();
        match cells.and_then(|v| v.get(r)) {
            Some(Ok(v)) => Ok(v.clone()),
            Some(Err(CellFailure::Missing)) => Err(self.fail(
                EvalError::EmptyValue {
                    column: column(),
                    file: tab.file.clone(),
                    line: tab.line(r),
                },
                e,
                s,
            )),
            Some(Err(CellFailure::Failed(why, fatal))) => Err(self.fail(
                EvalError::ComputedRow {
                    column: column(),
                    file: tab.file.clone(),
                    line: tab.line(r),
                    why: why.clone(),
                    fatal: *fatal,
                },
                e,
                s,
            )),
            None => Err(self.fail(EvalError::internal("a computed column's row"), e, s)),
        }
    }

    /// Every row's value of computed column `c` (in evaluation order). Its expression reads
    /// the row alone (checked), so no participant or period enters it.
    fn compute_column(&self, t: TableId, c: ColId) -> ComputedCells {
        let Some(expr) = &self.plan.tables[t].columns[c].computed else {
            return Vec::new();
        };
        let s = Scope {
            participant: 0,
            period: 0,
        };
        (0..self.data.tables[t].len())
            .map(
                |r| match self.eval(expr, s, Some((t, r as u32)), &mut Off) {
                    Ok(v) => Ok(v),
                    Err(err) if matches!(err.kind, EvalError::EmptyValue { .. }) => {
                        Err(CellFailure::Missing)
                    }
                    Err(err) => Err(CellFailure::Failed(
                        err.kind.describe(),
                        !err.kind.is_missing(),
                    )),
                },
            )
            .collect()
    }

    /// Evaluate an expression; `row` is the current row inside a filter.
    pub fn eval<Rc: Recorder>(
        &self,
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
        rec: &mut Rc,
    ) -> R {
        // Constants and per-row filter work are not recorded: the tree shows values, not noise.
        if !Rc::ON || row.is_some() || matches!(e.kind, ExprKind::Const(_)) {
            return self.eval_inner(e, s, row, rec);
        }
        rec.open();
        let v = self.eval_inner(e, s, row, rec);
        rec.close(self, Traced::Expr(e), s, &v);
        v
    }

    fn eval_inner<Rc: Recorder>(
        &self,
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
        rec: &mut Rc,
    ) -> R {
        match &e.kind {
            ExprKind::Const(v) => Ok(v.clone()),
            ExprKind::Param(c) => {
                let r = self.data.roster.rows[s.participant as usize] as usize;
                self.cell(self.plan.participants, *c, r, e, s)
            }
            ExprKind::RowCol(c) => match row {
                Some((t, r)) => self.cell(t, *c, r as usize, e, s),
                None => Err(self.fail(EvalError::internal("row column outside a row"), e, s)),
            },
            ExprKind::Def(d) => {
                if Rc::ON && rec.expand(*d, s) {
                    let inner = Interp { def: *d, ..*self };
                    return inner.def_value(*d, s, rec);
                }
                let periods = self.plan.calendar.len();
                let i = s.participant as usize * periods + s.period as usize;
                match self.store.get(d.index()).and_then(|v| v.get(i)) {
                    Some(slot) => slot.clone(),
                    None => Err(self.fail(
                        EvalError::internal("definition used before it was computed"),
                        e,
                        s,
                    )),
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e, s, row, rec),
            ExprKind::Neg(a) => Ok(Value::Num(-self.num(self.eval(a, s, row, rec), a, s)?)),
            ExprKind::Not(a) => Ok(Value::Bool(!self.boolean(
                self.eval(a, s, row, rec),
                a,
                s,
            )?)),
            ExprKind::Otherwise(a, b) => match self.eval(a, s, row, rec) {
                Err(err) if err.kind.is_missing() => {
                    if Rc::ON {
                        rec.note(Note::Fallback(err.kind.describe()));
                    }
                    self.eval(b, s, row, rec)
                }
                other => other,
            },
            ExprKind::Agg {
                func,
                rows,
                column,
                value,
            } => self.aggregate(*func, rows, (*column, value.as_deref()), e, s, rec),
            ExprKind::Rates {
                mode,
                table,
                x,
                per,
                y: Some(y),
            } => {
                // issue 9, tables: the cell at the row `x` falls in and the column `y` does.
                let _ = (mode, per);
                let t = &self.plan.rates[*table];
                let Some(g) = &t.grid else {
                    return Err(self.fail(
                        EvalError::internal("a grid lookup of a table of bands"),
                        e,
                        s,
                    ));
                };
                let xv = self.eval(x, s, row, rec)?;
                let yv = self.eval(y, s, row, rec)?;
                let Some(r) = g.rows.find(&xv, t.upper_closed) else {
                    return Err(self.fail(
                        EvalError::OutsideGrid {
                            value: shown(&xv, &self.data.strings),
                            table: t.name.clone(),
                            axis: "row",
                        },
                        x,
                        s,
                    ));
                };
                let Some(c) = g.columns.find(&yv, t.upper_closed) else {
                    return Err(self.fail(
                        EvalError::OutsideGrid {
                            value: shown(&yv, &self.data.strings),
                            table: t.name.clone(),
                            axis: "column",
                        },
                        y,
                        s,
                    ));
                };
                let Some(cell) = g.cells.get(r).and_then(|cells| cells.get(c)) else {
                    return Err(self.fail(EvalError::internal("a grid without that cell"), e, s));
                };
                if Rc::ON {
                    rec.note(Note::Cell {
                        table: *table,
                        x: xv,
                        y: yv,
                        row: r,
                        column: c,
                    });
                }
                Ok(Value::Num(Num::from(cell.value)))
            }
            ExprKind::Rates {
                mode,
                table,
                x,
                per,
                y: None,
            } => {
                let t = &self.plan.rates[*table];
                let xv = self.num(self.eval(x, s, row, rec), x, s)?;
                match mode {
                    RatesMode::Marginal => {
                        let scale = match per {
                            Some(p) => self.num(self.eval(p, s, row, rec), p, s)?,
                            None => Num::ONE,
                        };
                        if scale.is_negative() {
                            return Err(self.fail(EvalError::NegativeScale, e, s));
                        }
                        // With a zero scale every band collapses to nothing: the rate of a
                        // positive base is undefined, like a ratio to zero.
                        if scale.is_zero() && xv.signum() > 0 && per.is_some() {
                            return Err(self.fail(EvalError::ZeroScale, e, s));
                        }
                        match rates::marginal(t, &xv, &scale) {
                            Ok((total, slices)) => {
                                if Rc::ON {
                                    rec.note(Note::Marginal {
                                        table: *table,
                                        base: xv,
                                        scale,
                                        slices,
                                    });
                                }
                                Ok(Value::Num(total))
                            }
                            Err(rates::MarginalError::Overflow) => {
                                Err(self.fail(EvalError::Overflow, e, s))
                            }
                            Err(rates::MarginalError::AboveTable(top)) => Err(self.fail(
                                EvalError::AboveTable {
                                    value: xv.to_string(),
                                    table: t.name.clone(),
                                    top: top.to_string(),
                                },
                                x,
                                s,
                            )),
                        }
                    }
                    RatesMode::Flat | RatesMode::Lookup => match t.band_of(&xv) {
                        Some(b) => {
                            if Rc::ON {
                                rec.note(Note::Band {
                                    table: *table,
                                    x: xv,
                                    band: b,
                                });
                            }
                            Ok(Value::Num(Num::from(t.bands[b].value)))
                        }
                        None => Err(self.fail(
                            EvalError::OutsideBands {
                                value: xv.to_string(),
                                table: t.name.clone(),
                            },
                            x,
                            s,
                        )),
                    },
                }
            }
            ExprKind::Prorate {
                value,
                from,
                to,
                by,
            } => {
                // issue 10, assignments: an effective-dated table's rows, each by its days.
                let rows = match &value.kind {
                    ExprKind::Lookup {
                        table,
                        keys,
                        on: None,
                        column,
                    } if self.plan.tables[*table].effective.is_some() => {
                        Some((*table, keys.as_slice(), *column))
                    }
                    _ => None,
                };
                let v = match rows {
                    None => self.num(self.eval(value, s, row, rec), value, s)?,
                    Some(_) => Num::ZERO,
                };
                let p = &self.plan.calendar.periods[s.period as usize];
                let mut date = |x: &Option<Box<Expr>>, default: i32| -> Result<i32, Box<NoValue>> {
                    match x {
                        None => Ok(default),
                        Some(x) => match self.eval(x, s, row, rec)? {
                            Value::Date(d) => Ok(d),
                            _ => Err(self.fail(EvalError::internal("prorate date"), x, s)),
                        },
                    }
                };
                let start = date(from, p.start)?.max(p.start);
                let end = date(to, p.end)?.min(p.end);
                if let Some(rows) = rows {
                    return self.prorate_rows(rows, (start, end), value, s, row, rec);
                }
                // issue 9: `by: months` counts the calendar months with an active day.
                let (active, of) = match by {
                    Proration::Days => ((i64::from(end) - i64::from(start) + 1).max(0), p.days()),
                    Proration::Months => (
                        crate::calendar::months_touched(start, end),
                        crate::calendar::months_touched(p.start, p.end),
                    ),
                };
                if Rc::ON {
                    rec.note(Note::Prorated {
                        months: *by == Proration::Months,
                        active,
                        of,
                        from: start,
                        to: end,
                        over: None,
                    });
                }
                let prorated = v
                    .checked_mul(&Num::int(active))
                    .and_then(|x| x.checked_div(&Num::int(of)))
                    .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
                Ok(Value::Num(prorated))
            }
            ExprKind::Across(kind, inner) => self.across(*kind, inner, e, s, rec),
            // issue 10, ledger
            ExprKind::Lag { value, opening } => self.lag(value, opening, s, rec),
            ExprKind::PaidToDate(d) => self.paid_to_date(*d, e, s, rec),
            ExprKind::Round {
                value,
                increment,
                mode,
            } => {
                let v = self.num(self.eval(value, s, row, rec), value, s)?;
                match v.round_to(*increment, *mode) {
                    Some(r) => Ok(Value::Num(r)),
                    None => Err(self.fail(
                        EvalError::TooLargeToRound {
                            increment: *increment,
                        },
                        e,
                        s,
                    )),
                }
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) => {
                let is_min = matches!(e.kind, ExprKind::Min(_));
                let mut best: Option<Value> = None;
                for x in xs {
                    let v = self.eval(x, s, row, rec)?;
                    best = Some(match best {
                        None => v,
                        Some(b) if (is_min && v < b) || (!is_min && v > b) => v,
                        Some(b) => b,
                    });
                }
                best.ok_or_else(|| self.fail(EvalError::internal("min/max of nothing"), e, s))
            }
            ExprKind::Abs(a) => Ok(Value::Num(self.num(self.eval(a, s, row, rec), a, s)?.abs())),
            ExprKind::Present(a) => Ok(Value::Bool(self.eval(a, s, row, rec).is_ok())),
            ExprKind::PeriodStart => Ok(Value::Date(
                self.plan.calendar.periods[s.period as usize].start,
            )),
            ExprKind::PeriodEnd => Ok(Value::Date(
                self.plan.calendar.periods[s.period as usize].end,
            )),
            // issue 9, tables
            ExprKind::Interpolate { curve, x } => {
                let c = &self.plan.curves[*curve];
                let xv = self.num(self.eval(x, s, row, rec), x, s)?;
                match rates::interpolate(c, &xv) {
                    Ok((y, at)) => {
                        if Rc::ON {
                            rec.note(Note::Curve {
                                curve: *curve,
                                x: xv,
                                at,
                            });
                        }
                        Ok(Value::Num(y))
                    }
                    Err(rates::CurveError::Overflow) => Err(self.fail(EvalError::Overflow, e, s)),
                    Err(rates::CurveError::Outside(side)) => {
                        let show = |d: Option<&crate::ir::CurvePoint>| {
                            d.map(|p| Num::from(p.x).to_string()).unwrap_or_default()
                        };
                        Err(self.fail(
                            EvalError::OutsideCurve {
                                value: xv.to_string(),
                                curve: c.name.clone(),
                                side,
                                lo: show(c.points.first()),
                                hi: show(c.points.last()),
                            },
                            x,
                            s,
                        ))
                    }
                }
            }
            // issue 9, functions and parameters
            ExprKind::PlanParam(_, v) => Ok(v.clone()),
            ExprKind::Arg(i) => self.args.get(*i).cloned().ok_or_else(|| {
                self.fail(
                    EvalError::internal("argument outside a function's body"),
                    e,
                    s,
                )
            }),
            ExprKind::Call { args, body, .. } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, s, row, rec)?);
                }
                if Rc::ON {
                    rec.note(Note::Call {
                        args: values.clone(),
                    });
                }
                // The body reads only its arguments (the checker sees to it), in a frame of
                // its own; `row` passes through so that a filter's work stays unrecorded.
                let inner = Interp {
                    args: &values,
                    ..*self
                };
                match self.plan.bodies.get(body.index()) {
                    Some(b) => inner.eval(b, s, row, rec),
                    None => Err(self.fail(EvalError::internal("a call without its body"), e, s)),
                }
            }
            // issue 9, conditionals: only the branch taken is evaluated (as `and`/`or`).
            ExprKind::If { cond, then, other } => {
                let holds = self.boolean(self.eval(cond, s, row, rec), cond, s)?;
                if Rc::ON {
                    rec.note(Note::Branch { holds });
                }
                self.eval(if holds { then } else { other }, s, row, rec)
            }
            ExprKind::Calendar(f, xs) => self.calendar(*f, xs, e, s, row, rec),
            // issue 11: causes, rank, percentile, team average, trend
            ExprKind::KpiOf { kpi, func } => self.kpi_of(*kpi, *func, e, s, rec),
            // issue 11 (eval/scorecard.rs, eval/cascade.rs)
            ExprKind::Scorecard(sc) => self.scorecard(sc, e, s, rec),
            ExprKind::Cascade(c) => self.cascade(c, e, s, rec),
            ExprKind::Lookup {
                table,
                keys,
                on,
                column,
            } => self.lookup(*table, keys, on.as_deref(), *column, e, s, row, rec),
            // issue 10, currencies (`fx.rs`)
            ExprKind::Convert(c) => self.convert(c, e, s, row, rec),
            // issue 10, clawbacks (`clawback.rs`)
            ExprKind::Clawback(c) => self.clawback(c, e, s, rec),
        }
    }

    /// A cell of the row of a reference table in force for a key (and on a day): a hash
    /// probe and a binary search in the index built when the data was loaded (issue 9).
    #[allow(clippy::too_many_arguments)]
    fn lookup<Rc: Recorder>(
        &self,
        t: TableId,
        keys: &[Expr],
        on: Option<&Expr>,
        column: ColId,
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
        rec: &mut Rc,
    ) -> R {
        // One key (the common case) is looked up without allocating.
        let one;
        let many;
        let key: &[Value] = match keys {
            [k] => {
                one = self.eval(k, s, row, rec)?;
                std::slice::from_ref(&one)
            }
            _ => {
                many = keys
                    .iter()
                    .map(|k| self.eval(k, s, row, rec))
                    .collect::<Result<Vec<_>, _>>()?;
                &many
            }
        };
        let day = match on {
            None => None,
            Some(d) => match self.eval(d, s, row, rec)? {
                Value::Date(day) => Some(day),
                other => {
                    return Err(self.fail(
                        EvalError::internal(format!("expected a date, found {other:?}")),
                        d,
                        s,
                    ))
                }
            },
        };
        let Some(index) = self.data.refs.get(t.index()).and_then(Option::as_ref) else {
            return Err(self.fail(
                EvalError::internal("lookup of a table without an index"),
                e,
                s,
            ));
        };
        match index.find(key, day) {
            Ok(r) => {
                let v = self.cell(t, column, r as usize, e, s);
                if Rc::ON {
                    rec.note(Note::Lookup {
                        table: t,
                        row: r,
                        key: key.to_vec(),
                        on: day,
                    });
                }
                v
            }
            Err(miss) => Err(self.fail(self.no_row(t, key, day, miss), e, s)),
        }
    }

    /// The error of a lookup that found nothing, with the nearest rows as its hint.
    pub(super) fn no_row(
        &self,
        t: TableId,
        key: &[Value],
        day: Option<i32>,
        miss: crate::data::reference::Miss,
    ) -> EvalError {
        use crate::data::reference::{key_text, Miss};
        let strings = &self.data.strings;
        let tab = &self.data.tables[t];
        let name = self.plan.tables[t].name.clone();
        let shown = key_text(key, strings);
        let on = day.map_or(String::new(), |d| {
            format!(" in force on {}", crate::calendar::date(d))
        });
        let fallback = "or state a fallback with `otherwise`";
        let help = match miss {
            Miss::NoKey if key.is_empty() => {
                format!("{} has no rows: add one, {fallback}", tab.file)
            }
            Miss::NoKey => {
                let texts: Vec<String> = self
                    .data
                    .refs
                    .get(t.index())
                    .and_then(Option::as_ref)
                    .map(|i| i.keys().map(|k| key_text(k, strings)).collect())
                    .unwrap_or_default();
                let mut sorted: Vec<&str> = texts.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                let near = crate::diagnostics::suggest(&shown, sorted.iter().copied(), || {
                    format!("{} has {} keys", tab.file, sorted.len())
                });
                format!("{near} — add a row for {shown} to {}, {fallback}", tab.file)
            }
            Miss::NotInForce(rows) => {
                let index = self.data.refs.get(t.index()).and_then(Option::as_ref);
                let d = day.unwrap_or_default();
                // The nearest rows: the last one that starts on or before the day, and the
                // first that starts after it.
                let after = rows
                    .partition_point(|&r| index.and_then(|i| i.range(r).0).is_some_and(|f| f <= d));
                let near: Vec<String> = after
                    .checked_sub(1)
                    .into_iter()
                    .chain((after < rows.len()).then_some(after))
                    .filter_map(|i| rows.get(i))
                    .map(|&r| {
                        let (from, to) = index.map_or((None, None), |i| i.range(r));
                        let from =
                            from.map_or(String::new(), |f| crate::calendar::date(f).to_string());
                        let to = to.map_or(String::new(), |x| {
                            format!(" to {}", crate::calendar::date(x))
                        });
                        format!("from {from}{to} ({}:{})", tab.file, tab.line(r as usize))
                    })
                    .collect();
                let rows = if near.len() == 1 { "row" } else { "rows" };
                let of = if key.is_empty() {
                    String::new()
                } else {
                    format!(" for {shown}")
                };
                format!(
                    "the nearest {rows}{of}: in force {} — add a row, {fallback}",
                    near.join(" and ")
                )
            }
        };
        EvalError::NoRow {
            table: name,
            key: if key.is_empty() {
                String::new()
            } else {
                format!(" for {shown}")
            },
            on,
            help,
        }
    }

    /// A calendar function (issue 9, calendar arithmetic); the arithmetic is in
    /// [`crate::calendar`].
    fn calendar<Rc: Recorder>(
        &self,
        f: CalendarFn,
        xs: &[Expr],
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
        rec: &mut Rc,
    ) -> R {
        use crate::calendar as cal;
        let day = |i: usize, rec: &mut Rc| -> Result<i32, Box<NoValue>> {
            let x = xs
                .get(i)
                .ok_or_else(|| self.fail(EvalError::internal("calendar argument"), e, s))?;
            match self.eval(x, s, row, rec)? {
                Value::Date(d) => Ok(d),
                other => Err(self.fail(
                    EvalError::internal(format!("expected a date, found {other:?}")),
                    x,
                    s,
                )),
            }
        };
        let int = |n: i64| Ok(Value::Num(Num::int(n)));
        let period = &self.plan.calendar.periods[s.period as usize];
        match f {
            CalendarFn::MonthsBetween => {
                let a = day(0, rec)?;
                int(cal::months_between(a, day(1, rec)?))
            }
            CalendarFn::Weekdays => {
                let a = day(0, rec)?;
                int(cal::weekdays(a, day(1, rec)?, &[]))
            }
            // issue 9, reference tables: the holidays are a date column of one.
            CalendarFn::WorkingDays { except } => {
                let a = day(0, rec)?;
                let b = day(1, rec)?;
                let holidays: Vec<i32> = match except {
                    None => Vec::new(),
                    Some((t, c)) => {
                        let col = &self.data.tables[t].columns[c];
                        match &col.data {
                            crate::data::ColumnData::Date(v) => {
                                if Rc::ON {
                                    // explain lists the holidays that took a weekday of
                                    // the range off (each day once, at its first row).
                                    let mut seen = std::collections::BTreeSet::new();
                                    for (r, &d) in v.iter().enumerate() {
                                        if col.is_present(r)
                                            && d >= a
                                            && d <= b
                                            && cal::is_weekday(d)
                                            && seen.insert(d)
                                        {
                                            rec.row(t, r);
                                        }
                                    }
                                    rec.note(Note::Rows {
                                        table: t,
                                        column: Some(c),
                                        excluded: 0,
                                    });
                                }
                                v.iter()
                                    .enumerate()
                                    .filter(|(r, _)| col.is_present(*r))
                                    .map(|(_, d)| *d)
                                    .collect()
                            }
                            _ => Vec::new(),
                        }
                    }
                };
                int(cal::weekdays(a, b, &holidays))
            }
            CalendarFn::AddMonths => {
                let d = day(0, rec)?;
                let x = xs
                    .get(1)
                    .ok_or_else(|| self.fail(EvalError::internal("add_months"), e, s))?;
                let n = self.num(self.eval(x, s, row, rec), x, s)?;
                let (whole, exact) = n.trunc_i64().ok_or_else(|| {
                    self.fail(EvalError::MonthsOutOfRange { by: n.to_string() }, e, s)
                })?;
                if !exact {
                    return Err(self.fail(EvalError::FractionalMonths { by: n.to_string() }, x, s));
                }
                match cal::add_months(d, whole) {
                    Some(moved) => Ok(Value::Date(moved)),
                    None => Err(self.fail(EvalError::MonthsOutOfRange { by: n.to_string() }, e, s)),
                }
            }
            // issue 10, calendars: years and quarters follow a declared fiscal year.
            CalendarFn::YearOf => int(self.plan.calendar.year_of(day(0, rec)?)),
            CalendarFn::QuarterOf => int(self.plan.calendar.quarter_of(day(0, rec)?)),
            CalendarFn::MonthOf => int(cal::month_of(day(0, rec)?)),
            CalendarFn::IsQuarterEnd => Ok(Value::Bool(self.plan.calendar.closes_quarter(period))),
            CalendarFn::IsYearEnd => Ok(Value::Bool(self.plan.calendar.closes_year(period))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn binary<Rc: Recorder>(
        &self,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
        rec: &mut Rc,
    ) -> R {
        match op {
            BinOp::And => {
                return Ok(Value::Bool(
                    self.boolean(self.eval(a, s, row, rec), a, s)?
                        && self.boolean(self.eval(b, s, row, rec), b, s)?,
                ));
            }
            BinOp::Or => {
                return Ok(Value::Bool(
                    self.boolean(self.eval(a, s, row, rec), a, s)?
                        || self.boolean(self.eval(b, s, row, rec), b, s)?,
                ));
            }
            _ => {}
        }
        let l = self.eval(a, s, row, rec)?;
        let r = self.eval(b, s, row, rec)?;
        let overflow = || self.fail(EvalError::Overflow, e, s);
        Ok(match (op, l, r) {
            (BinOp::Eq, l, r) => Value::Bool(l == r),
            (BinOp::Ne, l, r) => Value::Bool(l != r),
            (BinOp::Lt, l, r) => Value::Bool(l < r),
            (BinOp::Le, l, r) => Value::Bool(l <= r),
            (BinOp::Gt, l, r) => Value::Bool(l > r),
            (BinOp::Ge, l, r) => Value::Bool(l >= r),
            (BinOp::Add, Value::Num(x), Value::Num(y)) => {
                Value::Num(x.checked_add(&y).ok_or_else(overflow)?)
            }
            (BinOp::Sub, Value::Num(x), Value::Num(y)) => {
                Value::Num(x.checked_sub(&y).ok_or_else(overflow)?)
            }
            (BinOp::Mul, Value::Num(x), Value::Num(y)) => {
                Value::Num(x.checked_mul(&y).ok_or_else(overflow)?)
            }
            (BinOp::Div, Value::Num(x), Value::Num(y)) => {
                if y.is_zero() {
                    return Err(self.fail(EvalError::DivisionByZero, e, s));
                }
                Value::Num(x.checked_div(&y).ok_or_else(overflow)?)
            }
            (BinOp::Sub, Value::Date(x), Value::Date(y)) => {
                Value::Num(Num::int(i64::from(x) - i64::from(y)))
            }
            (BinOp::Add, Value::Date(x), Value::Num(y))
            | (BinOp::Add, Value::Num(y), Value::Date(x)) => {
                Value::Date(shift(x, &y).map_err(|k| self.fail(k, e, s))?)
            }
            (BinOp::Sub, Value::Date(x), Value::Num(y)) => {
                Value::Date(shift(x, &-y).map_err(|k| self.fail(k, e, s))?)
            }
            (op, l, r) => {
                return Err(self.fail(
                    EvalError::internal(format!("`{}` on {l:?} and {r:?}", op.symbol())),
                    e,
                    s,
                ))
            }
        })
    }

    /// A filter specialised to the column it reads, when it has a simple shape
    /// (`column op constant`, and/or/not of those); anything else is interpreted row by row.
    fn fast<'e>(&'e self, t: TableId, e: &'e Expr) -> Fast<'e> {
        let col = |c: ColId| {
            let column = &self.data.tables[t].columns[c];
            // Empty optional cells must raise an error: leave them to the interpreter.
            if column.present.is_some() || !self.data.tables[t].in_row_order(c) {
                None
            } else {
                Some(&column.data)
            }
        };
        match &e.kind {
            ExprKind::Binary(BinOp::And, a, b) => {
                Fast::And(Box::new(self.fast(t, a)), Box::new(self.fast(t, b)))
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                Fast::Or(Box::new(self.fast(t, a)), Box::new(self.fast(t, b)))
            }
            ExprKind::Not(a) => Fast::Not(Box::new(self.fast(t, a))),
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                let (c, v, op) = match (&a.kind, &b.kind) {
                    (ExprKind::RowCol(c), ExprKind::Const(v)) => (*c, v, *op),
                    (ExprKind::Const(v), ExprKind::RowCol(c)) => (*c, v, op.flipped()),
                    _ => return Fast::Slow(e),
                };
                match (col(c), v) {
                    (Some(ColumnData::Text(x)), Value::Text(sym))
                        if matches!(op, BinOp::Eq | BinOp::Ne) =>
                    {
                        Fast::Sym(x, *sym, op == BinOp::Eq)
                    }
                    // Decimal cells compare exactly with a decimal constant.
                    (Some(ColumnData::Num(x)), Value::Num(n)) if n.is_decimal() => {
                        Fast::Num(x, op, n.approx())
                    }
                    (Some(ColumnData::Date(x)), Value::Date(d)) => Fast::Date(x, op, *d),
                    (Some(ColumnData::Bool(x)), Value::Bool(b))
                        if matches!(op, BinOp::Eq | BinOp::Ne) =>
                    {
                        Fast::Bool(x, *b, op == BinOp::Eq)
                    }
                    _ => Fast::Slow(e),
                }
            }
            // `present(c)` is whether the cell has a value; the interpreter would read it
            // and fail. A computed column, or text kept raw (which reading fails on), is
            // left to the interpreter.
            ExprKind::Present(a) => match &a.kind {
                ExprKind::RowCol(c) if !self.plan.tables[t].is_computed(*c) => {
                    let tab = &self.data.tables[t];
                    let column = &tab.columns[*c];
                    if matches!(column.data, ColumnData::Raw { .. }) {
                        Fast::Slow(e)
                    } else {
                        Fast::Present(tab, *c, column.present.as_deref())
                    }
                }
                _ => Fast::Slow(e),
            },
            _ => Fast::Slow(e),
        }
    }

    fn test(&self, f: &Fast, t: TableId, r: usize, s: Scope) -> Result<bool, Box<NoValue>> {
        Ok(match f {
            Fast::Sym(col, sym, eq) => (col[r] == *sym) == *eq,
            Fast::Num(col, op, v) => op.holds(col[r].cmp(v)),
            Fast::Date(col, op, v) => op.holds(col[r].cmp(v)),
            Fast::Present(tab, c, present) => present.is_none_or(|p| p[tab.at(*c, r)]),
            Fast::Bool(col, b, eq) => (col[r] == *b) == *eq,
            Fast::And(a, b) => self.test(a, t, r, s)? && self.test(b, t, r, s)?,
            Fast::Or(a, b) => self.test(a, t, r, s)? || self.test(b, t, r, s)?,
            Fast::Not(a) => !self.test(a, t, r, s)?,
            Fast::Slow(e) => self.boolean(self.eval(e, s, Some((t, r as u32)), &mut Off), e, s)?,
        })
    }

    /// An aggregate's value: from the aggregate table for a table the row layer folded;
    /// else from the rows, checked against the row layer's value when it computed one
    /// (explain and plan tests: a difference is an internal error naming both).
    fn aggregate<Rc: Recorder>(
        &self,
        func: AggFunc,
        rows: &crate::ir::RowSet,
        column: (Option<ColId>, Option<&Expr>),
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> R {
        let Some(aggs) = self.data.aggs.as_ref() else {
            return self.aggregate_rows(func, rows, column, e, s, rec);
        };
        let folded = aggs
            .get(e.span, s.participant as usize, s.period as usize)
            .map(|v| match v {
                Ok(v) => Ok(v.clone()),
                Err(AggErr::NoRows) => Err(EvalError::NoRows { func: func.name() }),
                Err(AggErr::Overflow) => Err(EvalError::Overflow),
            });
        if aggs.streamed(rows.table) {
            return match folded {
                Some(Ok(v)) => Ok(v),
                Some(Err(kind)) => Err(self.fail(kind, e, s)),
                None => Err(self.fail(
                    EvalError::internal("an aggregate the row layer did not compute"),
                    e,
                    s,
                )),
            };
        }
        let v = self.aggregate_rows(func, rows, column, e, s, rec);
        let same = match (&v, &folded) {
            (_, None) => true,
            (Ok(a), Some(Ok(b))) => a == b,
            (Err(a), Some(Err(b))) => a.kind == *b,
            _ => false,
        };
        if same {
            return v;
        }
        let show = |x: Result<&Value, &EvalError>| match x {
            Ok(v) => shown(v, &self.data.strings),
            Err(k) => format!("no value ({})", k.describe()),
        };
        let what = format!(
            "{}(…) over the rows is {}, the row layer's is {}",
            func.name(),
            show(v.as_ref().map_err(|n| &n.kind)),
            show(
                folded
                    .as_ref()
                    .map_or(Err(&EvalError::Overflow), |f| f.as_ref())
            )
        );
        Err(self.fail(EvalError::internal(what), e, s))
    }

    fn aggregate_rows<Rc: Recorder>(
        &self,
        func: AggFunc,
        rows: &crate::ir::RowSet,
        (column, value): (Option<ColId>, Option<&Expr>),
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> R {
        let Some(index) = self.data.credit[rows.table].as_ref() else {
            return Err(self.fail(
                EvalError::internal("aggregate over an uncredited table"),
                e,
                s,
            ));
        };
        let t = rows.table;
        let filters: Vec<Fast> = rows.filters.iter().map(|f| self.fast(t, f)).collect();
        let range = index.rows(s.participant as usize, s.period as usize);
        let overflow = || self.fail(EvalError::Overflow, e, s);
        // The common shapes get tight loops over one column.
        let plain = column
            .filter(|&c| !self.plan.tables[t].is_computed(c))
            .filter(|&c| self.data.tables[t].in_row_order(c))
            .map(|c| &self.data.tables[t].columns[c])
            .filter(|c| c.present.is_none());
        match (func, plain.map(|c| &c.data), filters.as_slice()) {
            // Recording lists each row, so it takes the general loop below.
            _ if Rc::ON => {}
            // One text filter: a tight loop the compiler can vectorise.
            (AggFunc::Count, _, [Fast::Sym(col, sym, eq)]) => {
                let n = col[range].iter().filter(|&&v| (v == *sym) == *eq).count();
                return Ok(Value::Num(Num::from(n as u64)));
            }
            (AggFunc::Count, _, _) => {
                let mut n: u64 = 0;
                for r in range {
                    if self.passes(&filters, t, r, s)? {
                        n += 1;
                    }
                }
                return Ok(Value::Num(Num::from(n)));
            }
            (AggFunc::Sum, Some(ColumnData::Num(col)), _) => {
                let mut sum = NumSum::default();
                for r in range {
                    if self.passes(&filters, t, r, s)? {
                        sum.add_decimal(col[r]).ok_or_else(overflow)?;
                    }
                }
                return Ok(Value::Num(sum.total().ok_or_else(overflow)?));
            }
            // issue 11: the coaching plan's averages of a column (departments per deal).
            (AggFunc::Avg, Some(ColumnData::Num(col)), _) => {
                let mut sum = NumSum::default();
                let mut count: u64 = 0;
                for r in range {
                    if self.passes(&filters, t, r, s)? {
                        sum.add_decimal(col[r]).ok_or_else(overflow)?;
                        count += 1;
                    }
                }
                if count == 0 {
                    return Err(self.fail(EvalError::NoRows { func: "avg" }, e, s));
                }
                return Ok(Value::Num(
                    sum.total()
                        .and_then(|t| t.checked_div(&Num::from(count)))
                        .ok_or_else(overflow)?,
                ));
            }
            // Distinct texts are distinct symbols (companies contacted).
            (AggFunc::CountDistinct, Some(ColumnData::Text(col)), _) => {
                let mut distinct: FxHashSet<u32> = FxHashSet::default();
                for r in range {
                    if self.passes(&filters, t, r, s)? {
                        distinct.insert(col[r]);
                    }
                }
                return Ok(Value::Num(Num::from(distinct.len() as u64)));
            }
            _ => {}
        }
        let mut count: u64 = 0;
        let mut sum = NumSum::default();
        let mut best: Option<Value> = None;
        let mut distinct: FxHashSet<Value> = FxHashSet::default();
        let mut excluded: u64 = 0;
        for r in range {
            if !self.passes(&filters, t, r, s)? {
                excluded += 1;
                continue;
            }
            count += 1;
            if Rc::ON {
                rec.row(t, r);
            }
            let v = match (column, value) {
                (Some(c), _) => self.cell(t, c, r, e, s)?,
                // issue 9, rows: the expression of the row (its work is not recorded, as
                // a filter's is not; the row's value is).
                (None, Some(x)) if Rc::ON => {
                    // issue 10, currencies: the row's conversions are listed with it.
                    let mut fx = super::record::RowFx::default();
                    let v = self.eval(x, s, Some((t, r as u32)), &mut fx)?;
                    rec.row_value(&v);
                    for used in &fx.0 {
                        rec.row_fx(used);
                    }
                    v
                }
                (None, Some(x)) => self.eval(x, s, Some((t, r as u32)), &mut Off)?,
                (None, None) => continue,
            };
            match func {
                AggFunc::Sum | AggFunc::Avg => {
                    if let Value::Num(n) = v {
                        sum.add(&n).ok_or_else(overflow)?;
                    }
                }
                AggFunc::Min => best = Some(best.take().map_or(v.clone(), |b| b.min(v))),
                AggFunc::Max => best = Some(best.take().map_or(v.clone(), |b| b.max(v))),
                AggFunc::CountDistinct => {
                    distinct.insert(v);
                }
                AggFunc::Count => {}
            }
        }
        if Rc::ON {
            rec.note(Note::Rows {
                table: t,
                column,
                excluded,
            });
        }
        match func {
            AggFunc::Count => Ok(Value::Num(Num::from(count))),
            AggFunc::Sum => Ok(Value::Num(sum.total().ok_or_else(overflow)?)),
            AggFunc::CountDistinct => Ok(Value::Num(Num::from(distinct.len() as u64))),
            AggFunc::Avg if count == 0 => Err(self.fail(EvalError::NoRows { func: "avg" }, e, s)),
            AggFunc::Avg => Ok(Value::Num(
                sum.total()
                    .and_then(|t| t.checked_div(&Num::from(count)))
                    .ok_or_else(overflow)?,
            )),
            AggFunc::Min | AggFunc::Max => {
                best.ok_or_else(|| self.fail(EvalError::NoRows { func: func.name() }, e, s))
            }
        }
    }

    #[inline]
    fn passes(
        &self,
        filters: &[Fast],
        t: TableId,
        r: usize,
        s: Scope,
    ) -> Result<bool, Box<NoValue>> {
        for f in filters {
            if !self.test(f, t, r, s)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn across<Rc: Recorder>(
        &self,
        kind: Across,
        inner: &Expr,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> R {
        let periods = &self.plan.calendar.periods;
        let k = s.period as usize;
        let scopes: Vec<Scope> = match kind {
            Across::Prior => {
                if k == 0 {
                    return Err(self.fail(EvalError::NoPriorPeriod, e, s));
                }
                return self.eval(
                    inner,
                    Scope {
                        period: s.period - 1,
                        ..s
                    },
                    None,
                    rec,
                );
            }
            Across::Ytd => (0..=k)
                .filter(|&j| periods[j].year == periods[k].year)
                .map(|j| Scope {
                    period: j as u32,
                    ..s
                })
                .collect(),
            // issue 10, calendars
            Across::Qtd => (0..=k)
                .filter(|&j| periods[j].quarter == periods[k].quarter)
                .map(|j| Scope {
                    period: j as u32,
                    ..s
                })
                .collect(),
            Across::PeriodTotal => (0..periods.len())
                .map(|j| Scope {
                    period: j as u32,
                    ..s
                })
                .collect(),
            // issue 10, assignments: the hierarchy in force in the period.
            Across::Team => self
                .data
                .roster
                .reports_in(s.participant, k)
                .iter()
                .map(|&p| Scope {
                    participant: p,
                    ..s
                })
                .collect(),
            Across::Org => {
                let memo = self
                    .org
                    .filter(|_| !Rc::ON)
                    .and_then(|m| m.get(&super::org::key(e)));
                let i = s.participant as usize * periods.len() + k;
                if let Some(Some(slot)) = memo.and_then(|m| m.get(i)) {
                    return slot.clone();
                }
                self.data
                    .roster
                    .descendants_in(s.participant, k)
                    .into_iter()
                    .map(|p| Scope {
                        participant: p,
                        ..s
                    })
                    .collect()
            }
        };
        // issue 10, assignments: the members of a team or org in the hierarchy in force.
        if Rc::ON && matches!(kind, Across::Team | Across::Org) && self.data.roster.dated.is_some()
        {
            rec.note(Note::Hierarchy {
                period: s.period,
                members: scopes.iter().map(|m| m.participant).collect(),
            });
        }
        let mut sum = NumSum::default();
        for sc in scopes {
            let v = self.num(self.eval(inner, sc, None, rec), inner, sc)?;
            sum.add(&v)
                .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
        }
        Ok(Value::Num(
            sum.total()
                .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?,
        ))
    }
}

/// `day` moved by a whole number of days, within the years 1 to 9999.
fn shift(day: i32, by: &Num) -> Result<i32, EvalError> {
    let (whole, exact) = by
        .trunc_i64()
        .ok_or_else(|| EvalError::DateOutOfRange { by: by.to_string() })?;
    if !exact {
        return Err(EvalError::FractionalDays { by: by.to_string() });
    }
    let moved = i64::from(day)
        .checked_add(whole)
        .filter(|d| (crate::calendar::FIRST_DAY..=crate::calendar::LAST_DAY).contains(d))
        .ok_or_else(|| EvalError::DateOutOfRange { by: by.to_string() })?;
    Ok(moved as i32)
}

/// A row filter specialised to its column's storage.
enum Fast<'e> {
    Sym(&'e [u32], u32, bool),
    /// `present(COLUMN)` of a stored column: its `present` flags (none: every row has a
    /// value), read through the table's row order (issue 11: the coaching plan's
    /// `deals where present(nda_signed)` took the interpreter, and an error per empty cell).
    Present(&'e crate::data::Table, ColId, Option<&'e [bool]>),
    /// A yes/no column compared with `true` or `false`.
    Bool(&'e [bool], bool, bool),
    Num(&'e [Decimal], BinOp, Decimal),
    Date(&'e [i32], BinOp, i32),
    And(Box<Fast<'e>>, Box<Fast<'e>>),
    Or(Box<Fast<'e>>, Box<Fast<'e>>),
    Not(Box<Fast<'e>>),
    Slow(&'e Expr),
}

/// issue 9, tables: a value looked up in a grid, for an error: text in quotes.
fn shown(v: &Value, strings: &crate::intern::Interner) -> String {
    match v {
        Value::Text(_) => format!("\"{}\"", v.exact(strings)),
        other => other.exact(strings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{self, Options, Sources};
    use crate::diagnostics::Severity;
    use crate::eval::{self, record::Off};

    /// Two reps over two quarters: r1 (quota 100 EUR) books 10 EUR in Q1, r2 (quota 0 EUR)
    /// books nothing.
    const PLAN: &str = r#"plan "T" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  rounding payouts to 0.01 half-up

  input reps key id {
    id: text
    quota: money >= 0
  }

  input deals key deal {
    deal: text
    rep: text
    day: date
    amount: money >= 0
  }

  participants reps
  credit deals to rep by day

  kpi bookings = sum(deals.amount)
  kpi attainment: percent = bookings / quota otherwise 0%
  kpi ratio = bookings / quota
  payout a = bookings / 3
  payout b = bookings / 3
}
"#;

    fn setup() -> (crate::ir::Plan, data::Dataset) {
        let checked = crate::compile_str("t.plan", PLAN).expect("the plan checks");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).expect("written");
        };
        write("reps.csv", "id,quota\nr1,100\nr2,0\n");
        write("deals.csv", "deal,rep,day,amount\nD1,r1,2026-01-10,10\n");
        let sources = Sources {
            dirs: vec![dir.path().to_path_buf()],
            files: Vec::new(),
            delimiters: Vec::new(),
        };
        let (data, _) =
            data::load(&checked.plan, &sources, Options::default()).expect("the data loads");
        (checked.plan, data)
    }

    fn def(plan: &crate::ir::Plan, name: &str) -> DefId {
        plan.def_named(name).expect("defined")
    }

    /// The value of a definition for a participant (by id) in a period (by index).
    fn value(plan: &crate::ir::Plan, data: &data::Dataset, name: &str, who: &str, k: u32) -> Slot {
        let results = eval::evaluate(plan, data);
        let p = data.roster.find(who).expect("a participant");
        results.get(def(plan, name), p, k as usize).clone()
    }

    fn text(slot: &Slot) -> String {
        match slot {
            Ok(Value::Num(n)) => n.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn otherwise_replaces_a_division_by_zero() {
        let (plan, data) = setup();
        // r1: 10 EUR / 100 EUR = 0.1 (10%).
        assert_eq!(text(&value(&plan, &data, "attainment", "r1", 0)), "0.1");
        // r2: 0 EUR / 0 EUR has no value; `otherwise 0%` gives 0.
        assert_eq!(text(&value(&plan, &data, "attainment", "r2", 0)), "0");
    }

    #[test]
    fn a_division_by_zero_without_otherwise_has_no_value() {
        let (plan, data) = setup();
        let Err(e) = value(&plan, &data, "ratio", "r2", 0) else {
            panic!("0 EUR / 0 EUR has no value");
        };
        assert_eq!(e.kind, EvalError::DivisionByZero);
        assert_eq!(plan.text_of(e.span), "bookings / quota");
        assert_eq!(e.def, def(&plan, "ratio"));
        // The failure is reported once, named, with the kind's code and help.
        let results = eval::evaluate(&plan, &data);
        let diags = eval::errors(&plan, &data, &results, 20);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "division by zero in `ratio` for r2 in 2026-Q1",
                "division by zero in `ratio` for r2 in 2026-Q2"
            ]
        );
        let d = &diags[0];
        assert_eq!(d.code, "ignition::eval::no_value");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.labels[0].1, "division by zero");
        assert_eq!(
            d.help.as_deref(),
            Some("state the fallback in the plan, e.g. `bookings / quota otherwise 0%`")
        );
        // Past the limit, one diagnostic counts the rest.
        let diags = eval::errors(&plan, &data, &results, 1);
        assert_eq!(
            diags[1].message,
            "1 more values could not be computed (2 in all)"
        );
    }

    #[test]
    fn payouts_are_rounded_once_and_the_total_adds_them_as_paid() {
        let (plan, data) = setup();
        // 10 EUR / 3 = 3.333… → 3.33 (half-up to 0.01), for each payout.
        assert_eq!(text(&value(&plan, &data, "a", "r1", 0)), "3.33");
        assert_eq!(text(&value(&plan, &data, "b", "r1", 0)), "3.33");
        // The total adds the amounts paid: 3.33 + 3.33 = 6.66, not round(6.666…) = 6.67.
        let results = eval::evaluate(&plan, &data);
        assert_eq!(text(results.get(plan.total(), 0, 0)), "6.66");
        // The interpreter settles the payout itself (rounded there, once), whoever asks.
        let interp = Interp {
            plan: &plan,
            data: &data,
            store: &results.values,
            def: def(&plan, "bookings"),
            org: None,
            args: &[],
            pay: &results.pay,
        };
        let scope = Scope {
            participant: 0,
            period: 0,
        };
        let d = def(&plan, "a");
        assert_eq!(text(&interp.def_value(d, scope, &mut Off)), "3.33");
    }

    #[test]
    fn an_empty_period_sums_to_zero() {
        let (plan, data) = setup();
        // r1 books nothing in Q2: sum over no rows is 0, and 0 / 100 EUR = 0.
        assert_eq!(text(&value(&plan, &data, "bookings", "r1", 1)), "0");
        assert_eq!(text(&value(&plan, &data, "attainment", "r1", 1)), "0");
    }

    #[test]
    fn a_date_moves_by_whole_days_only() {
        // A date moves by whole days; 1.5 days is refused, and so is leaving year 9999.
        let day = crate::calendar::day(
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(chrono::NaiveDate::MIN),
        );
        assert_eq!(shift(day, &Num::int(1)), Ok(day + 1));
        assert_eq!(
            shift(day, &Num::from(Decimal::new(15, 1))),
            Err(EvalError::FractionalDays { by: "1.5".into() })
        );
        assert!(matches!(
            shift(day, &Num::int(10_000_000)),
            Err(EvalError::DateOutOfRange { .. })
        ));
    }
}
