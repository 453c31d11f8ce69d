//! issue 10, assignments: `prorate(T(KEY).COLUMN)` of an effective-dated table (an
//! assignment history keyed by participant). Each row of the key is weighted by the days it
//! is in force in the period (inside `from:`/`to:` when given): Σ value × days / days of the
//! period, exactly. Days of the period with no row in force count as zero (a rep hired in
//! the middle of a quarter gets the share of the days covered); a key with no row at all is
//! `ignition::eval::no_row`, as for any lookup.

use super::error::{EvalError, NoValue};
use super::interp::{Interp, Scope};
use super::record::{Note, Recorder};
use crate::calendar::Day;
use crate::ir::{ColId, Expr, TableId, Value};
use crate::num::Num;

type R = Result<Value, Box<NoValue>>;

/// One row of an assignment history and its part of the period (a [`Note::Prorated`]).
#[derive(Debug, Clone)]
pub struct ProratedRow {
    /// The row (file order).
    pub row: u32,
    /// Its first and last day in force inside the prorated days.
    pub from: Day,
    /// The last one.
    pub to: Day,
    /// Those days, both included.
    pub days: i64,
    /// The cell read.
    pub value: Num,
    /// value × days / days of the period.
    pub share: Num,
}

/// The rows a `prorate` over an assignment history weighed.
#[derive(Debug, Clone)]
pub struct ProratedRows {
    /// The table.
    pub table: TableId,
    /// The key, in `key` order.
    pub key: Vec<Value>,
    /// Each row in force on at least one of the prorated days, in date order.
    pub rows: Vec<ProratedRow>,
    /// The prorated days on which no row was in force (counted as zero).
    pub uncovered: i64,
}

impl Interp<'_> {
    /// `prorate(T(keys).column)` over the days `start ..= end` of the current period
    /// (`start > end`: none).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn prorate_rows<Rc: Recorder>(
        &self,
        (t, keys, column): (TableId, &[Expr], ColId),
        (start, end): (Day, Day),
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
        rec: &mut Rc,
    ) -> R {
        let key = keys
            .iter()
            .map(|k| self.eval(k, s, row, rec))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(index) = self.data.refs.get(t.index()).and_then(Option::as_ref) else {
            return Err(self.fail(
                EvalError::internal("prorate of a table without an index"),
                e,
                s,
            ));
        };
        let spans = match index.spans(&key) {
            Ok(spans) => spans,
            Err(miss) => return Err(self.fail(self.no_row(t, &key, Some(start), miss), e, s)),
        };
        let of = self.plan.calendar.periods[s.period as usize].days();
        let window = (i64::from(end) - i64::from(start) + 1).max(0);
        let overflow = || self.fail(EvalError::Overflow, e, s);
        let mut total = Num::ZERO;
        let mut covered = 0i64;
        let mut used = Vec::new();
        for (r, from, to) in spans {
            let a = from.max(start);
            let b = to.unwrap_or(Day::MAX).min(end);
            if a > b {
                continue;
            }
            let days = i64::from(b) - i64::from(a) + 1;
            let value = match self.cell(t, column, r as usize, e, s)? {
                Value::Num(n) => n,
                other => {
                    return Err(self.fail(
                        EvalError::internal(format!("expected a number, found {other:?}")),
                        e,
                        s,
                    ))
                }
            };
            let share = value
                .checked_mul(&Num::int(days))
                .and_then(|x| x.checked_div(&Num::int(of)))
                .ok_or_else(overflow)?;
            total = total.checked_add(&share).ok_or_else(overflow)?;
            covered += days;
            if Rc::ON {
                used.push(ProratedRow {
                    row: r,
                    from: a,
                    to: b,
                    days,
                    value,
                    share,
                });
            }
        }
        if Rc::ON {
            rec.note(Note::Prorated {
                months: false,
                active: covered,
                of,
                from: start,
                to: end,
                over: Some(Box::new(ProratedRows {
                    table: t,
                    key,
                    rows: used,
                    uncovered: window - covered,
                })),
            });
        }
        Ok(Value::Num(total))
    }
}
