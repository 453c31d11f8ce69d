//! issue 10, ledger: recursion over time. `prior(x, opening: o)` is `x` in the previous
//! period, or `o` in the plan's first period; the definitions that read their own previous
//! value (a group of `Plan::lag_groups`) are evaluated period by period: every member in
//! the first period for every participant, then the next period.

use super::error::NoValue;
use super::interp::{Interp, Scope};
use super::record::{Note, Off, Recorder};
use super::{record, Slot};
use crate::data::Dataset;
use crate::ir::{DefId, Expr, ExprKind, Plan, Value};
use rayon::prelude::*;

/// How many earlier values explain lists at most: the nearest ones and the first ones.
pub const CHAIN_NEAR: usize = 4;
/// See [`CHAIN_NEAR`].
pub const CHAIN_FIRST: usize = 2;

/// The values of a definition in the periods before the explained one, back to the
/// opening, as recorded by the run (`Note::Chain`).
#[derive(Debug, Clone)]
pub struct Chain {
    /// The definition.
    pub def: DefId,
    /// Its value in earlier periods, the nearest first: (period index, value).
    pub values: Vec<(u32, Slot)>,
    /// Periods between the nearest and the first ones left out.
    pub omitted: usize,
    /// The opening: its value in the first period's scope.
    pub opening: Slot,
}

impl Interp<'_> {
    /// `prior(value, opening: opening)` in scope `s`.
    pub(super) fn lag<Rc: Recorder>(
        &self,
        value: &Expr,
        opening: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> Slot {
        if s.period == 0 {
            if Rc::ON {
                rec.note(Note::Opening);
            }
            return self.eval(opening, s, None, rec);
        }
        let before = Scope {
            period: s.period - 1,
            ..s
        };
        let v = self.eval(value, before, None, rec);
        if Rc::ON {
            if let ExprKind::Def(d) = value.kind {
                rec.note(Note::Chain(Box::new(self.chain(d, opening, before))));
            }
        }
        v
    }

    /// `paid_to_date(d)`: `d`'s settled values in the periods of the plan year before `s`'s.
    pub(super) fn paid_to_date<Rc: Recorder>(
        &self,
        d: DefId,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> Slot {
        let periods = &self.plan.calendar.periods;
        let k = s.period as usize;
        let year = periods[k].year;
        let mut sum = crate::num::NumSum::default();
        let mut seen: Vec<(u32, Slot, bool)> = Vec::new();
        for j in (0..k).filter(|&j| periods[j].year == year) {
            let (slot, history) =
                paid_in(self.data, self.store, periods.len(), d, s.participant, j);
            let slot = slot.ok_or_else(|| {
                self.fail_at(
                    super::error::EvalError::internal("a payout used before it was computed"),
                    e,
                    s,
                )
            })?;
            let v = self.num_of(slot.clone(), e, s)?;
            sum.add(&v)
                .ok_or_else(|| self.fail_at(super::error::EvalError::Overflow, e, s))?;
            if Rc::ON {
                seen.push((j as u32, slot, history));
            }
        }
        if Rc::ON {
            rec.note(Note::Paid(seen));
        }
        Ok(Value::Num(sum.total().ok_or_else(|| {
            self.fail_at(super::error::EvalError::Overflow, e, s)
        })?))
    }

    /// The stored values of `d` from `last` back to the first period, bounded, and the
    /// opening's value in the first period.
    fn chain(&self, d: DefId, opening: &Expr, last: Scope) -> Chain {
        let periods = self.plan.calendar.len();
        let at = |k: u32| -> Slot {
            let i = last.participant as usize * periods + k as usize;
            match self.store.get(d.index()).and_then(|v| v.get(i)) {
                Some(slot) => slot.clone(),
                None => Err(Box::new(NoValue {
                    kind: super::error::EvalError::internal("a value of an earlier period"),
                    def: d,
                    span: opening.span,
                    participant: last.participant,
                    period: k,
                })),
            }
        };
        let n = last.period as usize + 1;
        let ks: Vec<u32> = if n <= CHAIN_NEAR + CHAIN_FIRST + 1 {
            (0..=last.period).rev().collect()
        } else {
            let near = (0..CHAIN_NEAR as u32).map(|i| last.period - i);
            let first = (0..CHAIN_FIRST as u32).rev();
            near.chain(first).collect()
        };
        let omitted = n - ks.len();
        let first = Scope { period: 0, ..last };
        Chain {
            def: d,
            values: ks.into_iter().map(|k| (k, at(k))).collect(),
            omitted,
            // The value the first period's `prior` took, computed as the run computed it.
            opening: self.eval(opening, first, None, &mut Off),
        }
    }
}

/// What payout `d` paid participant `p` in period `k`: the history's amount (`paid from`)
/// when it has a row for them (then `true`), else the plan's own settled payout from
/// `store` (`Results::values`); `None` when that is not computed. For statements: earned
/// is `Results::get`, paid is this, and `paid_to_date` adds it over the earlier periods of
/// the plan year.
pub fn paid_in(
    data: &Dataset,
    store: &[Vec<Slot>],
    periods: usize,
    d: DefId,
    p: u32,
    k: usize,
) -> (Option<Slot>, bool) {
    if let Some(v) = data
        .paid
        .as_ref()
        .and_then(|h| h.get(p, k as u32, d.index()))
    {
        return (Some(Ok(Value::Num(v.clone()))), true);
    }
    let i = p as usize * periods + k;
    (store.get(d.index()).and_then(|v| v.get(i)).cloned(), false)
}

/// Evaluate a recursive group into `values`: period by period, each member (in the group's
/// order) for every participant in parallel.
pub(super) fn evaluate_group(
    plan: &Plan,
    data: &Dataset,
    values: &mut [Vec<Slot>],
    pay: &mut [Vec<Slot>],
    group: &[DefId],
) {
    let periods = plan.calendar.len();
    let people = data.roster.len();
    // issue 10, currencies: the pay figures of the group's payouts, filled period by period.
    let paying = |d: DefId| plan.pay.is_some() && plan.defs[d].kind.is_paid();
    for &d in group {
        if paying(d) {
            pay[d.index()] =
                vec![Ok(crate::ir::Value::Num(crate::num::Num::ZERO)); people * periods];
        }
    }
    for &d in group {
        values[d.index()] = (0..people * periods)
            .map(|_| {
                Err(Box::new(NoValue {
                    kind: super::error::EvalError::internal("a later period of a recursive value"),
                    def: d,
                    span: plan.defs[d].span,
                    participant: 0,
                    period: 0,
                }))
            })
            .collect();
    }
    for k in 0..periods {
        for &d in group {
            let interp = Interp {
                plan,
                data,
                store: values,
                def: d,
                org: None,
                args: &[],
                pay: &*pay,
            };
            let want = paying(d);
            let column: Vec<(Slot, Option<Slot>)> = (0..people)
                .into_par_iter()
                .with_min_len(64)
                .map(|p| {
                    let mut paid = None;
                    let s = Scope {
                        participant: p as u32,
                        period: k as u32,
                    };
                    let v = interp.def_paid(d, s, &mut record::Off, want, &mut paid);
                    (v, paid)
                })
                .collect();
            for (p, (slot, paid)) in column.into_iter().enumerate() {
                if want {
                    pay[d.index()][p * periods + k] = paid.unwrap_or_else(|| slot.clone());
                }
                values[d.index()][p * periods + k] = slot;
            }
        }
    }
}

/// A value, for tests of this module.
#[cfg(test)]
fn shown(slot: &Slot) -> String {
    match slot {
        Ok(Value::Num(n)) => n.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{self, Options, Sources};

    /// A balance carried month to month: 100 EUR owed more each month, 30 EUR recovered
    /// from it each month (at most what was owed at the start of the month).
    const PLAN: &str = r#"plan "T" {
  currency EUR
  periods monthly from 2026-01-01 to 2026-04-30
  input reps key id { id: text  opening: money }
  participants reps
  kpi recovered = min(prior(owed, opening: opening), 30 EUR)
  kpi owed = prior(owed, opening: opening) + 100 EUR - recovered
}
"#;

    #[test]
    fn a_group_is_evaluated_period_by_period_from_the_opening() {
        let checked = crate::compile_str("t.plan", PLAN).expect("the plan checks");
        let plan = checked.plan;
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("reps.csv"), "id,opening\nr1,10\n").expect("written");
        let sources = Sources {
            dirs: vec![dir.path().to_path_buf()],
            files: Vec::new(),
            delimiters: Vec::new(),
        };
        let (data, _) = data::load(&plan, &sources, Options::default()).expect("the data loads");
        let results = super::super::evaluate(&plan, &data);
        let owed = plan.def_named("owed").expect("owed");
        let recovered = plan.def_named("recovered").expect("recovered");
        let got: Vec<(String, String)> = (0..4)
            .map(|k| {
                (
                    shown(results.get(recovered, 0, k)),
                    shown(results.get(owed, 0, k)),
                )
            })
            .collect();
        // Jan: recovered min(10, 30) = 10; owed 10 + 100 - 10 = 100.
        // Feb: min(100, 30) = 30; 100 + 100 - 30 = 170. Mar: 30; 170 + 70 = 240.
        // Apr: 30; 240 + 70 = 310.
        let want = [("10", "100"), ("30", "170"), ("30", "240"), ("30", "310")];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}
