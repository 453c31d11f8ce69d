//! issue 10, clawbacks: `clawback(VALUE, cancelled: COLUMN, within: DAYS)` in period P takes
//! back, for each row credited to the participant in a period Q ≤ P and cancelled on a day
//! of P at most DAYS days after its credit date, the row's share of what VALUE paid in Q:
//! `paid(Q) × row / base(Q)`, where `base` is the one `sum` (or `count`) of credited rows
//! VALUE reads (found by the checker) and `row` the row's part of it (its amount, its
//! expression, or 1 for a count). The result is the negated total of the shares, exact; a
//! payout's rounding applies once, to it. A row VALUE did not count in Q (a filter left it
//! out) or paid nothing on (a closed gate) gives nothing back.

use super::error::{EvalError, NoValue};
use super::interp::{Interp, Scope};
use super::record::{Note, Off, Recorder};
use crate::ir::{AggFunc, Clawback, DefId, Expr, ExprKind, Value};
use crate::num::{Num, NumSum};

type R = Result<Value, Box<NoValue>>;

/// What a clawback did with the rows cancelled in its period, as the run worked it out
/// (`Note::Clawback`): explain lists each row.
#[derive(Debug, Clone)]
pub struct Taken {
    /// The definition whose earlier values are taken back.
    pub of: DefId,
    /// The window, in days.
    pub window: i64,
    /// The rows cancelled in the period, by the period they were credited in, then in
    /// evaluation order.
    pub rows: Vec<CancelledRow>,
}

/// A row cancelled in the clawback's period.
#[derive(Debug, Clone)]
pub struct CancelledRow {
    /// The row (evaluation order) of the base's table.
    pub row: u32,
    /// The period it was credited in.
    pub period: u32,
    /// Its credit date.
    pub credited: i32,
    /// The day it was cancelled.
    pub cancelled: i32,
    /// What was done with it.
    pub outcome: Outcome,
}

/// What a clawback did with one cancelled row.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Its share of what was paid in its period, taken back.
    Taken(Share),
    /// Cancelled more days after its credit date than the window: nothing taken back.
    Outside,
    /// The base did not count it in its period (a filter left it out): nothing was paid on it.
    NotCounted,
}

/// A row's share of what the definition paid in the row's period.
#[derive(Debug, Clone)]
pub struct Share {
    /// The row's part of the base (its amount; 1 for a count).
    pub value: Num,
    /// The base in that period: the sum over the rows it counted.
    pub base: Num,
    /// What the definition paid in that period.
    pub paid: Num,
    /// Whether `paid` is the history's amount (`paid from`) rather than the plan's own.
    pub history: bool,
    /// `paid × value / base`: what is taken back.
    pub taken: Num,
}

impl Interp<'_> {
    /// `clawback(…)` in scope `s`.
    pub(super) fn clawback<Rc: Recorder>(
        &self,
        c: &Clawback,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> R {
        let window = self.window(c, e, s, rec)?;
        let periods = &self.plan.calendar.periods;
        let k = s.period as usize;
        let (start, end) = (periods[k].start, periods[k].end);
        let t = c.table;
        let (Some(index), Some(credit)) = (
            self.data.credit.get(t.index()).and_then(Option::as_ref),
            self.plan.credits.get(t.index()).and_then(Option::as_ref),
        ) else {
            return Err(self.fail(EvalError::internal("a clawback of uncredited rows"), e, s));
        };
        let overflow = || self.fail(EvalError::Overflow, e, s);
        // A row cancelled in this period within the window was credited on or after
        // `start - window`: the periods before that hold none (explain also lists the rows
        // cancelled after the window, so it reads them all).
        let first = if Rc::ON {
            0
        } else {
            let earliest = i64::from(start) - window;
            periods[..=k]
                .iter()
                .position(|p| i64::from(p.end) >= earliest)
                .unwrap_or(k)
        };
        let mut taken = NumSum::default();
        let mut listed: Vec<CancelledRow> = Vec::new();
        for (q, then_period) in periods.iter().enumerate().take(k + 1).skip(first) {
            let sq = Scope {
                period: q as u32,
                ..s
            };
            // The base of period q and what was paid then, computed at the first row met.
            let mut then: Option<(Num, Num, bool)> = None;
            for r in index.rows(s.participant as usize, q) {
                let Some(cancelled) = self.date_of(t, c.cancelled, r, e, s)? else {
                    continue;
                };
                // `--as-of`: a cancellation after the cut has not happened yet.
                if cancelled < start
                    || cancelled > end
                    || self.plan.as_of.is_some_and(|c| cancelled > c)
                {
                    continue;
                }
                let Some(credited) = self.date_of(t, credit.by, r, e, s)? else {
                    return Err(self.fail(
                        EvalError::internal("a credited row without its date"),
                        e,
                        s,
                    ));
                };
                if cancelled < credited {
                    let tab = &self.data.tables[t];
                    return Err(self.fail(
                        EvalError::CancelledBeforeCredit {
                            file: tab.file.clone(),
                            line: tab.line(r),
                            cancelled: crate::calendar::date(cancelled).to_string(),
                            credited: crate::calendar::date(credited).to_string(),
                        },
                        e,
                        s,
                    ));
                }
                let row = |outcome| CancelledRow {
                    row: r as u32,
                    period: q as u32,
                    credited,
                    cancelled,
                    outcome,
                };
                if i64::from(cancelled) - i64::from(credited) > window {
                    if Rc::ON {
                        listed.push(row(Outcome::Outside));
                    }
                    continue;
                }
                let Some(value) = self.row_part(c, r, sq, e)? else {
                    if Rc::ON {
                        listed.push(row(Outcome::NotCounted));
                    }
                    continue;
                };
                let (base, paid, history) = match &then {
                    Some(x) => x.clone(),
                    None => {
                        let x = self.then(c, sq, e)?;
                        then = Some(x.clone());
                        x
                    }
                };
                let share = if paid.is_zero() {
                    Num::ZERO
                } else if base.is_zero() {
                    return Err(self.fail(
                        EvalError::ClawbackUnattributable {
                            of: self.plan.defs[c.of].name.clone(),
                            paid: paid.to_string(),
                            period: then_period.id.clone(),
                            base: self.plan.text_of(c.base.span).to_string(),
                        },
                        e,
                        s,
                    ));
                } else {
                    paid.checked_mul(&value)
                        .and_then(|x| x.checked_div(&base))
                        .ok_or_else(overflow)?
                };
                taken.add(&share).ok_or_else(overflow)?;
                if Rc::ON {
                    listed.push(row(Outcome::Taken(Share {
                        value,
                        base,
                        paid,
                        history,
                        taken: share,
                    })));
                }
            }
        }
        if Rc::ON {
            rec.note(Note::Clawback(Box::new(Taken {
                of: c.of,
                window,
                rows: listed,
            })));
        }
        let total = taken.total().ok_or_else(overflow)?;
        Ok(Value::Num(-total))
    }

    /// The window in days: a whole number, 0 or more.
    fn window<Rc: Recorder>(
        &self,
        c: &Clawback,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> Result<i64, Box<NoValue>> {
        let days = self.num_of(self.eval(&c.within, s, None, rec), &c.within, s)?;
        match days.trunc_i64() {
            Some((whole, true)) if whole >= 0 => Ok(whole),
            _ => Err(self.fail(
                EvalError::ClawbackWindow {
                    days: days.to_string(),
                },
                e,
                s,
            )),
        }
    }

    /// The date in row `r`'s cell of column `col`, or none when the cell is empty.
    fn date_of(
        &self,
        t: crate::ir::TableId,
        col: crate::ir::ColId,
        r: usize,
        e: &Expr,
        s: Scope,
    ) -> Result<Option<i32>, Box<NoValue>> {
        match self.cell(t, col, r, e, s) {
            Ok(Value::Date(d)) => Ok(Some(d)),
            Err(err) if matches!(err.kind, EvalError::EmptyValue { .. }) => Ok(None),
            Err(err) => Err(err),
            Ok(other) => Err(self.fail(
                EvalError::internal(format!("expected a date, found {other:?}")),
                e,
                s,
            )),
        }
    }

    /// Row `r`'s part of the base in scope `s` (the period it was credited in): none when
    /// the base's filters leave it out.
    fn row_part(
        &self,
        c: &Clawback,
        r: usize,
        s: Scope,
        e: &Expr,
    ) -> Result<Option<Num>, Box<NoValue>> {
        let ExprKind::Agg {
            func,
            rows,
            column,
            value,
        } = &c.base.kind
        else {
            return Err(self.fail(EvalError::internal("a clawback's base"), e, s));
        };
        let t = rows.table;
        let at = Some((t, r as u32));
        for f in &rows.filters {
            match self.eval(f, s, at, &mut Off)? {
                Value::Bool(true) => {}
                Value::Bool(false) => return Ok(None),
                other => {
                    return Err(self.fail(
                        EvalError::internal(format!("expected yes/no, found {other:?}")),
                        f,
                        s,
                    ))
                }
            }
        }
        let v = match (func, column, value) {
            (AggFunc::Count, ..) => return Ok(Some(Num::ONE)),
            (_, Some(col), _) => self.cell(t, *col, r, &c.base, s)?,
            (_, None, Some(x)) => self.eval(x, s, at, &mut Off)?,
            (_, None, None) => return Ok(Some(Num::ONE)),
        };
        self.num_of(Ok(v), &c.base, s).map(Some)
    }

    /// In scope `s` (a period a cancelled row was credited in): the base (the sum of the
    /// parts of the rows it counted), what the definition paid, and whether that is the
    /// history's amount.
    fn then(&self, c: &Clawback, s: Scope, e: &Expr) -> Result<(Num, Num, bool), Box<NoValue>> {
        let ExprKind::Agg { rows, .. } = &c.base.kind else {
            return Err(self.fail(EvalError::internal("a clawback's base"), e, s));
        };
        let mut base = NumSum::default();
        let Some(index) = self
            .data
            .credit
            .get(rows.table.index())
            .and_then(Option::as_ref)
        else {
            return Err(self.fail(EvalError::internal("a clawback of uncredited rows"), e, s));
        };
        for r in index.rows(s.participant as usize, s.period as usize) {
            if let Some(v) = self.row_part(c, r, s, e)? {
                base.add(&v)
                    .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
            }
        }
        let base = base
            .total()
            .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
        let (slot, history) = super::lag::paid_in(
            self.data,
            self.store,
            self.plan.calendar.len(),
            c.of,
            s.participant,
            s.period as usize,
        );
        let slot = slot.ok_or_else(|| {
            self.fail(
                EvalError::internal("a value used before it was computed"),
                e,
                s,
            )
        })?;
        let paid = self.num_of(slot, e, s)?;
        Ok((base, paid, history))
    }
}
