//! issue 11, causes of a gap: a KPI declared as a product of drivers (`drivers
//! opportunities * win_rate * avg_deal`) has its gap to target (or to the prior period)
//! split into one effect per driver by the Shapley decomposition.
//!
//! Each driver moves from its reference (its target, or its prior value) to its actual
//! value; a driver's effect is the average, over every order in which the drivers could
//! move, of the change in the product when it moves. The effects add up exactly to
//! (product of the actual values − product of the references), in exact arithmetic:
//! no logarithm (log-mean Divisia needs one, which is not exact), no residual. Where the
//! KPI's value is not the product of its drivers' values (an `otherwise` fallback, a gate,
//! a cap), or its target not the product of their targets, the difference is a line of its
//! own, never hidden.

use super::error::{EvalError, NoValue};
use super::interp::{Interp, Scope};
use super::record::{Note, Off, Recorder};
use super::Results;
use crate::data::Dataset;
use crate::ir::{CauseBase, DefId, Drivers, Expr, Plan, Value};
use crate::num::Num;

/// What a line of a decomposition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A driver's effect.
    Driver(DefId),
    /// The KPI's value less the product of its drivers' values (an `otherwise` fallback,
    /// a gate, a cap).
    Value,
    /// The product of the drivers' references less the KPI's own reference (its target is
    /// not the product of the drivers' targets; or, against the prior period, the prior
    /// value was not the product of the prior drivers).
    Reference,
}

/// One line of a decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseLine {
    /// What it is.
    pub part: Part,
    /// The actual value (the driver's; for the remainders, the KPI's value or the product
    /// of the drivers' references).
    pub actual: Num,
    /// The reference (the driver's target or prior value; for the remainders, the product
    /// of the drivers' values or the KPI's reference).
    pub reference: Num,
    /// Its part of the gap, in the KPI's unit; positive is better.
    pub effect: Num,
}

/// A KPI's gap split into causes, for one participant and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Causes {
    /// The KPI.
    pub kpi: DefId,
    /// Against the target or the prior period.
    pub base: CauseBase,
    /// The KPI's value.
    pub value: Num,
    /// What it is measured against: its target (the drivers' targets multiplied, when it
    /// has none) or its prior value.
    pub reference: Num,
    /// `value − reference`, or `reference − value` when lower is better: positive is better.
    pub gap: Num,
    /// One line per driver in the order written, then the remainders that are not zero.
    /// The effects add up to `gap` exactly.
    pub lines: Vec<CauseLine>,
}

impl Causes {
    /// The effect of the `i`th driver.
    pub fn driver_effect(&self, i: usize) -> Option<&Num> {
        self.lines
            .iter()
            .filter(|l| matches!(l.part, Part::Driver(_)))
            .nth(i)
            .map(|l| &l.effect)
    }
}

/// The causes of `kpi`'s gap for a participant and period, from a finished evaluation:
/// what the dashboard shows. `None` when the KPI has no drivers.
pub fn causes_of(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    kpi: DefId,
    participant: u32,
    period: u32,
    base: CauseBase,
) -> Option<Result<Causes, Box<NoValue>>> {
    plan.defs[kpi].meta.as_ref()?.drivers.as_ref()?;
    let interp = Interp {
        plan,
        data,
        store: &results.values,
        def: kpi,
        org: None,
        args: &[],
        pay: &[],
    };
    let s = Scope {
        participant,
        period,
    };
    Some(interp.causes(kpi, base, &plan.defs[kpi].expr, s, &mut Off))
}

/// The Shapley weight of a coalition of `k` of `n` players: k! (n − k − 1)! / n!.
fn weight(k: usize, n: usize) -> Num {
    let fact = |m: usize| (1..=m as u64).product::<u64>();
    let num = Num::from(fact(k) * fact(n - k - 1));
    num.checked_div(&Num::from(fact(n))).unwrap_or(Num::ZERO)
}

impl Interp<'_> {
    /// The causes of `kpi`'s gap in scope `s`, noted for explain.
    pub(crate) fn causes<Rc: Recorder>(
        &self,
        kpi: DefId,
        base: CauseBase,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> Result<Causes, Box<NoValue>> {
        let Some(drivers) = self.plan.defs[kpi]
            .meta
            .as_ref()
            .and_then(|m| m.drivers.as_ref())
        else {
            return Err(self.fail_at(EvalError::internal("a KPI without drivers"), e, s));
        };
        let then = match base {
            CauseBase::Target => s,
            CauseBase::Prior => {
                if s.period == 0 {
                    return Err(self.fail_at(EvalError::NoPriorPeriod, e, s));
                }
                Scope {
                    period: s.period - 1,
                    ..s
                }
            }
        };
        self.no_data(kpi, drivers, s, e)?;
        if base == CauseBase::Prior {
            self.no_data(kpi, drivers, then, e)?;
        }
        let value = self.stored_num(kpi, s, e)?;
        let mut actual = Vec::with_capacity(drivers.factors.len());
        let mut refs = Vec::with_capacity(drivers.factors.len());
        for f in &drivers.factors {
            actual.push(self.stored_num(f.def, s, e)?);
            refs.push(match base {
                CauseBase::Target => {
                    self.num_of(self.eval(&f.target, s, None, &mut Off), &f.target, s)?
                }
                CauseBase::Prior => self.stored_num(f.def, then, e)?,
            });
        }
        let shares = self.shapley(drivers, &actual, &refs, e, s)?;
        let overflow = || self.fail_at(EvalError::Overflow, e, s);
        let product_actual = self.product(drivers, &actual, &refs, usize::MAX, e, s)?;
        let product_refs = self.product(drivers, &actual, &refs, 0, e, s)?;
        let reference = match (base, &drivers.target) {
            (CauseBase::Target, Some(t)) => self.num_of(self.eval(t, s, None, &mut Off), t, s)?,
            (CauseBase::Target, None) => product_refs.clone(),
            (CauseBase::Prior, _) => self.stored_num(kpi, then, e)?,
        };
        let turn = |n: Num| if drivers.lower_is_better { -n } else { n };
        let mut lines: Vec<CauseLine> = drivers
            .factors
            .iter()
            .zip(actual)
            .zip(refs)
            .zip(shares)
            .map(|(((f, a), r), effect)| CauseLine {
                part: Part::Driver(f.def),
                actual: a,
                reference: r,
                effect: turn(effect),
            })
            .collect();
        let rest_value = value.checked_sub(&product_actual).ok_or_else(overflow)?;
        if !rest_value.is_zero() {
            lines.push(CauseLine {
                part: Part::Value,
                actual: value.clone(),
                reference: product_actual,
                effect: turn(rest_value),
            });
        }
        let rest_ref = product_refs.checked_sub(&reference).ok_or_else(overflow)?;
        if !rest_ref.is_zero() {
            lines.push(CauseLine {
                part: Part::Reference,
                actual: product_refs,
                reference: reference.clone(),
                effect: turn(rest_ref),
            });
        }
        let gap = turn(value.checked_sub(&reference).ok_or_else(overflow)?);
        let causes = Causes {
            kpi,
            base,
            value,
            reference,
            gap,
            lines,
        };
        if Rc::ON {
            rec.note(Note::Causes(Box::new(causes.clone())));
        }
        Ok(causes)
    }

    /// `no data`: the KPI's `no data when` condition holds in `s`.
    fn no_data(
        &self,
        kpi: DefId,
        drivers: &Drivers,
        s: Scope,
        e: &Expr,
    ) -> Result<(), Box<NoValue>> {
        let Some(c) = &drivers.no_data else {
            return Ok(());
        };
        match self.eval(c, s, None, &mut Off)? {
            Value::Bool(false) => Ok(()),
            Value::Bool(true) => Err(self.fail_at(
                EvalError::NoData {
                    kpi: self.plan.defs[kpi].name.clone(),
                },
                e,
                s,
            )),
            _ => Err(self.fail_at(EvalError::internal("`no data when` is not yes/no"), e, s)),
        }
    }

    /// The drivers multiplied, those in `moved` (a bit per driver) at their actual value,
    /// the others at their reference.
    fn product(
        &self,
        drivers: &Drivers,
        actual: &[Num],
        refs: &[Num],
        moved: usize,
        e: &Expr,
        s: Scope,
    ) -> Result<Num, Box<NoValue>> {
        let overflow = || self.fail_at(EvalError::Overflow, e, s);
        let (mut num, mut den) = (Num::ONE, Num::ONE);
        for (i, f) in drivers.factors.iter().enumerate() {
            let x = if moved & (1 << i) != 0 {
                &actual[i]
            } else {
                &refs[i]
            };
            let acc = if f.divides { &mut den } else { &mut num };
            *acc = acc.checked_mul(x).ok_or_else(overflow)?;
        }
        if den.is_zero() {
            return Err(self.fail_at(EvalError::DivisionByZero, e, s));
        }
        num.checked_div(&den).ok_or_else(overflow)
    }

    /// Each driver's Shapley effect: Σ over the coalitions S of the other drivers of
    /// |S|! (n − |S| − 1)! / n! × (f(S ∪ {i}) − f(S)).
    fn shapley(
        &self,
        drivers: &Drivers,
        actual: &[Num],
        refs: &[Num],
        e: &Expr,
        s: Scope,
    ) -> Result<Vec<Num>, Box<NoValue>> {
        let n = drivers.factors.len();
        let overflow = || self.fail_at(EvalError::Overflow, e, s);
        let mut f = Vec::with_capacity(1 << n);
        for mask in 0..(1usize << n) {
            f.push(self.product(drivers, actual, refs, mask, e, s)?);
        }
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let mut sum = Num::ZERO;
            for mask in 0..(1usize << n) {
                if mask & (1 << i) != 0 {
                    continue;
                }
                let step = f[mask | (1 << i)]
                    .checked_sub(&f[mask])
                    .ok_or_else(overflow)?;
                let w = weight(mask.count_ones() as usize, n);
                let term = step.checked_mul(&w).ok_or_else(overflow)?;
                sum = sum.checked_add(&term).ok_or_else(overflow)?;
            }
            out.push(sum);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::weight;
    use crate::num::Num;

    #[test]
    fn the_weights_of_each_size_add_up_to_one() {
        // For n players, Σ_k C(n−1, k) w(k, n) = 1: e.g. n = 3: 1/3 + 2 × 1/6 + 1/3.
        for n in 1..=8usize {
            let mut total = Num::ZERO;
            for k in 0..n {
                let choose =
                    (0..k).fold(1u64, |c, j| c * (n as u64 - 1 - j as u64) / (j as u64 + 1));
                total = total
                    .checked_add(
                        &Num::from(choose)
                            .checked_mul(&weight(k, n))
                            .unwrap_or_default(),
                    )
                    .unwrap_or_default();
            }
            assert_eq!(total, Num::ONE, "n = {n}");
        }
    }
}
