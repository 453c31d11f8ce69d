//! issue 10, currencies: `convert(amount, to: CUR, using: T.rate, on: DATE)`. The rate is
//! the FX table's row in force for (from, to) on the day, found by the reference-table
//! index (`data/reference.rs`). When no row has that pair at all, the row of the inverse
//! pair (to, from) is used and the amount divided by its rate. Nothing else: no
//! triangulation through a third currency. An amount already in the target currency (a row
//! whose currency cell is the target) is unchanged, at rate 1, with no row.

use super::error::EvalError;
use super::interp::{Interp, Scope};
use super::record::{Note, Recorder};
use crate::data::reference::Miss;
use crate::intern::Sym;
use crate::ir::{ColId, Convert, Expr, FromCurrency, TableId, Value};
use crate::num::Num;

type R = Result<Value, Box<super::error::NoValue>>;

/// The rate a conversion used (a [`Note::Fx`]): explain shows it with its row.
#[derive(Debug, Clone)]
pub struct FxUsed {
    /// The currency converted from.
    pub from: Sym,
    /// The currency converted to.
    pub to: Sym,
    /// The factor applied: the row's rate, or 1 / rate for an inverse row, or 1.
    pub factor: Num,
    /// The FX table's row (file order) and whether it is the inverse pair (to → from);
    /// `None` when the amount was already in the target currency.
    pub row: Option<(TableId, u32, bool)>,
    /// The day the rate had to be in force on.
    pub on: Option<i32>,
    /// The FX table's rate column.
    pub rate: ColId,
}

/// Whether `s` is a currency code: three capital letters.
fn is_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

impl Interp<'_> {
    /// The currency an amount to convert is in.
    fn currency_of(
        &self,
        from: FromCurrency,
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
    ) -> Result<Sym, Box<super::error::NoValue>> {
        let (t, c, r) = match (from, row) {
            (FromCurrency::Fixed(sym), _) => return Ok(sym),
            (FromCurrency::Roster(c), _) => (
                self.plan.participants,
                c,
                self.data.roster.rows[s.participant as usize] as usize,
            ),
            (FromCurrency::Row(c), Some((t, r))) => (t, c, r as usize),
            (FromCurrency::Row(_), None) => {
                return Err(self.fail(EvalError::internal("a row's currency outside a row"), e, s))
            }
        };
        match self.cell(t, c, r, e, s)? {
            Value::Text(sym) if is_code(self.data.strings.resolve(sym)) => Ok(sym),
            Value::Text(sym) => {
                let tab = &self.data.tables[t];
                Err(self.fail(
                    EvalError::NotCurrency {
                        column: self.plan.tables[t].columns[c].name.clone(),
                        file: tab.file.clone(),
                        line: tab.line(r),
                        found: self.data.strings.resolve(sym).to_string(),
                    },
                    e,
                    s,
                ))
            }
            other => Err(self.fail(
                EvalError::internal(format!("expected a currency, found {other:?}")),
                e,
                s,
            )),
        }
    }

    /// A row's rate, which must be positive.
    fn rate_of(
        &self,
        c: &Convert,
        r: u32,
        e: &Expr,
        s: Scope,
    ) -> Result<Num, Box<super::error::NoValue>> {
        let rate = self.num_of(self.cell(c.table, c.rate, r as usize, e, s), e, s)?;
        if rate.signum() > 0 {
            return Ok(rate);
        }
        let tab = &self.data.tables[c.table];
        let schema = &self.plan.tables[c.table];
        let key = |i: usize| {
            schema
                .keys
                .get(i)
                .and_then(|&k| self.cell(c.table, k, r as usize, e, s).ok())
                .map_or(String::new(), |v| v.exact(&self.data.strings))
        };
        Err(self.fail(
            EvalError::FxRate {
                rate: crate::render::number(&rate),
                file: tab.file.clone(),
                line: tab.line(r as usize),
                from: key(0),
                to: key(1),
            },
            e,
            s,
        ))
    }

    /// Neither the pair nor its inverse has a row: `no_row`, with a hint about FX tables
    /// rather than the nearest key (another pair is not a spelling of this one).
    fn no_pair(&self, c: &Convert, from: Sym, key: &[Value], on: Option<i32>) -> EvalError {
        let strings = &self.data.strings;
        let (f, t) = (strings.resolve(from), strings.resolve(c.to));
        EvalError::NoRow {
            table: self.plan.tables[c.table].name.clone(),
            key: format!(" for {}", crate::data::reference::key_text(key, strings)),
            on: on.map_or(String::new(), |d| {
                format!(" in force on {}", crate::calendar::date(d))
            }),
            help: format!(
                "{} has no row for {f} → {t}, nor for {t} → {f} (divided by): add one, or state a fallback with `otherwise` — a rate is never derived through a third currency",
                self.data.tables[c.table].file
            ),
        }
    }

    /// `convert(…)`: the amount times the rate in force (or divided by the inverse pair's).
    pub(super) fn convert<Rc: Recorder>(
        &self,
        c: &Convert,
        e: &Expr,
        s: Scope,
        row: Option<(TableId, u32)>,
        rec: &mut Rc,
    ) -> R {
        let amount = self.num_of(self.eval(&c.value, s, row, rec), &c.value, s)?;
        let from = self.currency_of(c.from, &c.value, s, row)?;
        let on = match &c.on {
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
        let used = |factor: Num, row: Option<(TableId, u32, bool)>| FxUsed {
            from,
            to: c.to,
            factor,
            row,
            on,
            rate: c.rate,
        };
        if from == c.to {
            if Rc::ON {
                rec.note(Note::Fx(used(Num::from(1u64), None)));
            }
            return Ok(Value::Num(amount));
        }
        let Some(index) = self.data.refs.get(c.table.index()).and_then(Option::as_ref) else {
            return Err(self.fail(EvalError::internal("an FX table without an index"), e, s));
        };
        let direct = [Value::Text(from), Value::Text(c.to)];
        let overflow = || self.fail(EvalError::Overflow, e, s);
        let (value, factor, r, inverse) = match index.find(&direct, on) {
            Ok(r) => {
                let rate = self.rate_of(c, r, e, s)?;
                (
                    amount.checked_mul(&rate).ok_or_else(overflow)?,
                    rate,
                    r,
                    false,
                )
            }
            // Only the inverse pair is listed: divide by its rate.
            Err(Miss::NoKey) => {
                let inverse = [Value::Text(c.to), Value::Text(from)];
                match index.find(&inverse, on) {
                    Ok(r) => {
                        let rate = self.rate_of(c, r, e, s)?;
                        let factor = Num::from(1u64).checked_div(&rate).ok_or_else(overflow)?;
                        (
                            amount.checked_div(&rate).ok_or_else(overflow)?,
                            factor,
                            r,
                            true,
                        )
                    }
                    Err(Miss::NoKey) => {
                        return Err(self.fail(self.no_pair(c, from, &direct, on), e, s))
                    }
                    Err(miss) => {
                        return Err(self.fail(self.no_row(c.table, &inverse, on, miss), e, s))
                    }
                }
            }
            Err(miss) => return Err(self.fail(self.no_row(c.table, &direct, on, miss), e, s)),
        };
        if Rc::ON {
            rec.note(Note::Fx(used(factor, Some((c.table, r, inverse)))));
        }
        Ok(Value::Num(value))
    }
}
