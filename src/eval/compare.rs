//! issue 11, comparison and trend: a KPI among the participant's team or the whole
//! organisation (`rank`, `percentile`, `team_avg`) and over the last periods (`trend`),
//! and the dispatch of every `KpiOf` function (`cause_of` is in `drivers.rs`).
//!
//! They read the KPI's stored values (it is a dependency, so computed for every participant
//! and period before the definition that reads it): a participant's value does not depend
//! on the order in which participants are evaluated.

use super::error::{EvalError, NoValue};
use super::interp::{Interp, Scope};
use super::record::{Note, Recorder};
use crate::ir::{DefId, Expr, KpiFn, Value, Within};
use crate::num::{Num, NumSum};

type R = Result<Value, Box<NoValue>>;

/// What explain shows of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Compared {
    /// `rank` or `percentile`: the group, how many in it have a value, how many of them
    /// do better and how many worse than the participant.
    Group {
        /// `team` or `org`.
        within: Within,
        /// Members with a value, the participant included.
        members: u32,
        /// Members strictly better.
        better: u32,
        /// Members strictly worse.
        worse: u32,
    },
    /// `team_avg`: the members with a value and their sum.
    Average {
        /// Members with a value.
        members: u32,
        /// Their sum.
        sum: Num,
    },
    /// `trend`: the values of the periods fitted, oldest first (period index, value).
    Trend {
        /// The periods and values.
        points: Vec<(u32, Num)>,
    },
    /// `pace`: the days of the period elapsed at `--as-of`, of its days.
    Pace {
        /// Days from the period's first day to the cut, both included.
        elapsed: i64,
        /// Days of the period.
        of: i64,
    },
}

/// The participants `p` is compared with: its team (the participants with the same
/// manager, or every participant without one for a top of the hierarchy), or everyone;
/// `p` included, in roster order; the team is the one in force in period `k` (issue 10,
/// assignments).
pub fn group(data: &crate::data::Dataset, within: Within, p: u32, k: usize) -> Vec<u32> {
    let roster = &data.roster;
    let all = 0..roster.len() as u32;
    match within {
        Within::Org => all.collect(),
        Within::Team => match roster.manager_in(p, k) {
            Some(m) => roster.reports_in(m, k).to_vec(),
            None => all.filter(|&q| roster.manager_in(q, k).is_none()).collect(),
        },
    }
}

/// `rank`, `percentile`, `team_avg`, `trend`, `pace` or `cause_of` of `kpi` for a
/// participant and period, from a finished evaluation: what the dashboard shows beside a
/// KPI (the same arithmetic as the plan's functions).
pub fn kpi_fn_of(
    plan: &crate::ir::Plan,
    data: &crate::data::Dataset,
    results: &super::Results,
    kpi: DefId,
    func: KpiFn,
    participant: u32,
    period: u32,
) -> R {
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
    interp.kpi_of(kpi, func, &plan.defs[kpi].expr, s, &mut super::record::Off)
}

impl Interp<'_> {
    /// A stored value of `d` for participant `p` in the period of `s`, if it has one.
    fn value_of(&self, d: DefId, p: u32, period: u32) -> Option<&Value> {
        let periods = self.plan.calendar.len();
        let i = p as usize * periods + period as usize;
        self.store.get(d.index())?.get(i)?.as_ref().ok()
    }

    /// `cause_of`, `rank`, `percentile`, `team_avg`, `trend` of `kpi` in scope `s`.
    pub(crate) fn kpi_of<Rc: Recorder>(
        &self,
        kpi: DefId,
        func: KpiFn,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> R {
        let lower = self.plan.defs[kpi]
            .meta
            .as_ref()
            .is_some_and(|m| m.lower_is_better);
        match func {
            KpiFn::Cause { driver, vs } => {
                let c = self.causes(kpi, vs, e, s, rec)?;
                match c.driver_effect(driver) {
                    Some(n) => Ok(Value::Num(n.clone())),
                    None => Err(self.fail_at(EvalError::internal("no such driver"), e, s)),
                }
            }
            KpiFn::Rank(within) | KpiFn::Percentile(within) => {
                let me = self.stored_num(kpi, s, e)?;
                let (mut members, mut better, mut worse) = (0u32, 0u32, 0u32);
                for q in group(self.data, within, s.participant, s.period as usize) {
                    let Some(Value::Num(v)) = self.value_of(kpi, q, s.period) else {
                        continue;
                    };
                    members += 1;
                    let (hi, lo) = if lower { (&me, v) } else { (v, &me) };
                    if hi > lo {
                        better += 1;
                    } else if lo > hi {
                        worse += 1;
                    }
                }
                if Rc::ON {
                    rec.note(Note::Compared(Box::new(Compared::Group {
                        within,
                        members,
                        better,
                        worse,
                    })));
                }
                if matches!(func, KpiFn::Rank(_)) {
                    return Ok(Value::Num(Num::from(u64::from(better) + 1)));
                }
                // The share of the others that do worse; alone in its group, 100%.
                let others = members.saturating_sub(1);
                if others == 0 {
                    return Ok(Value::Num(Num::ONE));
                }
                Num::from(u64::from(worse))
                    .checked_div(&Num::from(u64::from(others)))
                    .map(Value::Num)
                    .ok_or_else(|| self.fail_at(EvalError::Overflow, e, s))
            }
            KpiFn::TeamAvg => {
                let mut sum = NumSum::default();
                let mut members = 0u32;
                for q in group(self.data, Within::Team, s.participant, s.period as usize) {
                    if let Some(Value::Num(v)) = self.value_of(kpi, q, s.period) {
                        sum.add(v)
                            .ok_or_else(|| self.fail_at(EvalError::Overflow, e, s))?;
                        members += 1;
                    }
                }
                let sum = sum
                    .total()
                    .ok_or_else(|| self.fail_at(EvalError::Overflow, e, s))?;
                if members == 0 {
                    return Err(self.fail_at(
                        EvalError::NobodyToCompare { func: "team_avg" },
                        e,
                        s,
                    ));
                }
                if Rc::ON {
                    rec.note(Note::Compared(Box::new(Compared::Average {
                        members,
                        sum: sum.clone(),
                    })));
                }
                sum.checked_div(&Num::from(u64::from(members)))
                    .map(Value::Num)
                    .ok_or_else(|| self.fail_at(EvalError::Overflow, e, s))
            }
            KpiFn::Pace => {
                let me = self.stored_num(kpi, s, e)?;
                let p = &self.plan.calendar.periods[s.period as usize];
                let Some(cut) = self.plan.as_of.filter(|&d| d >= p.start && d < p.end) else {
                    // No cut, or the period is over by the cut: the value is its own pace.
                    return Ok(Value::Num(me));
                };
                let elapsed = i64::from(cut - p.start) + 1;
                let of = i64::from(p.end - p.start) + 1;
                if Rc::ON {
                    rec.note(Note::Compared(Box::new(Compared::Pace { elapsed, of })));
                }
                me.checked_mul(&Num::int(of))
                    .and_then(|x| x.checked_div(&Num::int(elapsed)))
                    .map(Value::Num)
                    .ok_or_else(|| self.fail_at(EvalError::Overflow, e, s))
            }
            KpiFn::Trend(n) => {
                let first = (s.period + 1).saturating_sub(n);
                let mut points = Vec::new();
                for k in first..=s.period {
                    points.push((k, self.stored_num(kpi, Scope { period: k, ..s }, e)?));
                }
                if points.len() < 2 {
                    return Err(self.fail_at(EvalError::TooFewPeriods, e, s));
                }
                let slope = slope(&points.iter().map(|p| p.1.clone()).collect::<Vec<_>>())
                    .ok_or_else(|| self.fail_at(EvalError::Overflow, e, s))?;
                if Rc::ON {
                    rec.note(Note::Compared(Box::new(Compared::Trend { points })));
                }
                Ok(Value::Num(slope))
            }
        }
    }
}

/// The least-squares slope of `ys` at x = 0, 1, 2, …: (m Σxy − Σx Σy) / (m Σx² − (Σx)²),
/// exact. `None` on overflow (or fewer than two values).
pub fn slope(ys: &[Num]) -> Option<Num> {
    let m = ys.len() as u64;
    if m < 2 {
        return None;
    }
    let (mut sy, mut sxy) = (Num::ZERO, Num::ZERO);
    for (x, y) in ys.iter().enumerate() {
        sy = sy.checked_add(y)?;
        sxy = sxy.checked_add(&y.checked_mul(&Num::from(x as u64))?)?;
    }
    // Σx = m(m−1)/2, Σx² = (m−1)m(2m−1)/6
    let sx = Num::from(m * (m - 1) / 2);
    let sxx = Num::from((m - 1) * m * (2 * m - 1) / 6);
    let mm = Num::from(m);
    let top = mm.checked_mul(&sxy)?.checked_sub(&sx.checked_mul(&sy)?)?;
    let bottom = mm.checked_mul(&sxx)?.checked_sub(&sx.checked_mul(&sx)?)?;
    top.checked_div(&bottom)
}

#[cfg(test)]
mod tests {
    use super::slope;
    use crate::num::Num;

    fn n(x: i64) -> Num {
        Num::int(x)
    }

    #[test]
    fn the_slope_of_a_line_is_its_step() {
        // 10, 12, 14, 16: +2 a period.
        assert_eq!(slope(&[n(10), n(12), n(14), n(16)]), Some(n(2)));
        // 10, 20: two points, +10.
        assert_eq!(slope(&[n(10), n(20)]), Some(n(10)));
    }

    #[test]
    fn the_slope_of_scattered_points_is_exact() {
        // x 0,1,2; y 1,0,4: m=3, Σx=3, Σx²=5, Σy=5, Σxy=0+0+8=8:
        // (3×8 − 3×5) / (3×5 − 9) = 9/6 = 3/2.
        assert_eq!(slope(&[n(1), n(0), n(4)]), n(3).checked_div(&n(2)));
        assert_eq!(slope(&[n(1)]), None);
    }
}
