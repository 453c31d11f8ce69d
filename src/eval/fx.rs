//! issue 10, currencies: `convert(amount, to: CUR, using: T.rate, on: DATE)`. The rate is
//! the FX table's row in force for (from, to) on the day, found by the reference-table
//! index (`data/reference.rs`). When no row has that pair at all, the row of the inverse
//! pair (to, from) is used and the amount divided by its rate. Nothing else: no
//! triangulation through a third currency. An amount already in the target currency (a row
//! whose currency cell is the target) is unchanged, at rate 1, with no row.

use super::error::EvalError;
use super::interp::{Interp, Scope};
use super::record::{Note, Recorder};
use super::Slot;
use crate::data::reference::Miss;
use crate::intern::Sym;
use crate::ir::{ColId, Convert, DefId, DefKind, Expr, ExprKind, FromCurrency, TableId, Value};
use crate::num::Num;
use crate::syntax::ast::RoundingMode;

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

/// issue 10, currencies: how a payout reached the pay currency (a [`Note::Pay`]).
#[derive(Debug, Clone)]
pub struct PayUsed {
    /// The pay currency.
    pub currency: Sym,
    /// The conversion from the plan's currency (`None` for the total: the sum of the
    /// payouts' pay figures).
    pub fx: Option<FxUsed>,
    /// The exact payout in the plan's currency, before the plan's rounding (the total: the
    /// sum of the pay figures, as `before`).
    pub exact: Num,
    /// The exact amount in the pay currency, before rounding.
    pub before: Num,
    /// The increment it was rounded to (`None` for the total, a sum of rounded figures).
    pub increment: Option<rust_decimal::Decimal>,
    /// The rounding rule.
    pub mode: RoundingMode,
    /// The amount paid in the pay currency.
    pub after: Num,
}

/// The FX row a rate came from: table, row (file order), whether it is the inverse pair's.
type FxRow = (TableId, u32, bool);

/// An FX table's rate column, and the currency converted to.
#[derive(Clone, Copy)]
struct FxTable {
    table: TableId,
    rate: ColId,
    to: Sym,
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
        c: FxTable,
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
    fn no_pair(&self, c: FxTable, from: Sym, key: &[Value], on: Option<i32>) -> EvalError {
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

    /// The factor that takes an amount in `from` to `fx.to` on the day: the row in force for
    /// the pair, or 1 / the rate of the inverse pair's row when the pair has no row at all,
    /// or 1 (no row) when the currencies are the same.
    fn fx_factor(
        &self,
        fx: FxTable,
        from: Sym,
        on: Option<i32>,
        e: &Expr,
        s: Scope,
    ) -> Result<(Num, Option<FxRow>), Box<super::error::NoValue>> {
        if from == fx.to {
            return Ok((Num::from(1u64), None));
        }
        let Some(index) = self
            .data
            .refs
            .get(fx.table.index())
            .and_then(Option::as_ref)
        else {
            return Err(self.fail(EvalError::internal("an FX table without an index"), e, s));
        };
        let direct = [Value::Text(from), Value::Text(fx.to)];
        match index.find(&direct, on) {
            Ok(r) => Ok((self.rate_of(fx, r, e, s)?, Some((fx.table, r, false)))),
            // Only the inverse pair is listed: divide by its rate.
            Err(Miss::NoKey) => {
                let inverse = [Value::Text(fx.to), Value::Text(from)];
                match index.find(&inverse, on) {
                    Ok(r) => {
                        let rate = self.rate_of(fx, r, e, s)?;
                        let factor = Num::from(1u64)
                            .checked_div(&rate)
                            .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
                        Ok((factor, Some((fx.table, r, true))))
                    }
                    Err(Miss::NoKey) => Err(self.fail(self.no_pair(fx, from, &direct, on), e, s)),
                    Err(miss) => Err(self.fail(self.no_row(fx.table, &inverse, on, miss), e, s)),
                }
            }
            Err(miss) => Err(self.fail(self.no_row(fx.table, &direct, on, miss), e, s)),
        }
    }

    /// issue 10, currencies: the pay figure of paid definition `d` (`participants … paid in
    /// COL using FX.RATE on DATE`) from its exact value in the plan's currency: converted at
    /// the rate in force on the day, then rounded once to the pay currency's minor unit
    /// (the plan's own increment when the pay currency is the plan's), with the plan's
    /// rounding mode (half-even without one). The total's pay figure is the sum of the
    /// payouts' pay figures, so a statement's lines add up in the pay currency too — unless
    /// a cap or floor on the total changed it: then it is its own exact value converted.
    pub(super) fn pay_figure<Rc: Recorder>(
        &self,
        d: DefId,
        exact: &Num,
        s: Scope,
        rec: &mut Rc,
    ) -> Slot {
        let Some(pay) = &self.plan.pay else {
            return Err(self.fail(
                EvalError::internal("a pay figure without `paid in`"),
                &self.plan.defs[d].expr,
                s,
            ));
        };
        let at = Expr {
            kind: ExprKind::Const(Value::Num(Num::ZERO)),
            ty: crate::types::Type::Error,
            span: pay.span,
        };
        let to = self.currency_of(FromCurrency::Roster(pay.column), &at, s, None)?;
        let code = self.data.strings.resolve(to);
        let mode = self
            .plan
            .rounding
            .map_or(RoundingMode::HalfEven, |r| r.mode);
        // A cap or floor on the total changes it: then it is converted as a payout is.
        if self.plan.defs[d].kind == DefKind::Total && self.plan.defs[d].limits.is_empty() {
            let mut sum = Num::ZERO;
            for p in DefId::all(self.plan.defs.len()) {
                if self.plan.defs[p].kind != DefKind::Payout {
                    continue;
                }
                let i = s.participant as usize * self.plan.calendar.len() + s.period as usize;
                let Some(slot) = self.pay.get(p.index()).and_then(|v| v.get(i)) else {
                    return Err(self.fail(
                        EvalError::internal("a pay figure used before it was computed"),
                        &at,
                        s,
                    ));
                };
                let part = self.num_of(slot.clone(), &at, s)?;
                sum = sum
                    .checked_add(&part)
                    .ok_or_else(|| self.fail(EvalError::Overflow, &at, s))?;
            }
            if Rc::ON {
                rec.note(Note::Pay(PayUsed {
                    currency: to,
                    fx: None,
                    exact: sum.clone(),
                    before: sum.clone(),
                    increment: None,
                    mode,
                    after: sum.clone(),
                }));
            }
            return Ok(Value::Num(sum));
        }
        let Some(decimals) = crate::currency::minor_unit(code) else {
            // The data layer reports the cell (`ignition::data::pay_currency`).
            return Err(self.fail(EvalError::internal("an unknown pay currency"), &at, s));
        };
        let on = match &pay.on {
            None => None,
            Some(day) => match self.eval(day, s, None, rec)? {
                Value::Date(day) => Some(day),
                other => {
                    return Err(self.fail(
                        EvalError::internal(format!("expected a date, found {other:?}")),
                        day,
                        s,
                    ))
                }
            },
        };
        let from = pay.plan_currency;
        let fx = FxTable {
            table: pay.table,
            rate: pay.rate,
            to,
        };
        let (factor, row) = self.fx_factor(fx, from, on, &at, s)?;
        let before = exact
            .checked_mul(&factor)
            .ok_or_else(|| self.fail(EvalError::Overflow, &at, s))?;
        // The plan's own increment rounds an amount in the plan's currency, so a participant
        // paid in it is paid the payout itself.
        let increment = match self.plan.rounding {
            Some(r) if from == to => r.increment,
            _ => crate::currency::increment(decimals),
        };
        let Some(after) = before.round_to(increment, mode) else {
            return Err(self.fail(EvalError::TooLargeToRound { increment }, &at, s));
        };
        // Shown and stored like a definition's value, so it must fit a decimal.
        if !after.in_decimal_range() {
            return Err(self.fail(EvalError::Overflow, &at, s));
        }
        if Rc::ON {
            rec.note(Note::Pay(PayUsed {
                currency: to,
                fx: Some(FxUsed {
                    from,
                    to,
                    factor,
                    row,
                    on,
                    rate: pay.rate,
                }),
                exact: exact.clone(),
                before,
                increment: Some(increment),
                mode,
                after: after.clone(),
            }));
        }
        Ok(Value::Num(after))
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
        let fx = FxTable {
            table: c.table,
            rate: c.rate,
            to: c.to,
        };
        let (factor, r) = self.fx_factor(fx, from, on, e, s)?;
        let value = amount
            .checked_mul(&factor)
            .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
        if Rc::ON {
            rec.note(Note::Fx(FxUsed {
                from,
                to: c.to,
                factor,
                row: r,
                on,
                rate: c.rate,
            }));
        }
        Ok(Value::Num(value))
    }
}
