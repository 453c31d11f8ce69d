//! issue 11, scorecards: a scorecard's score. Each measure's attainment (`attainment_of`),
//! clamped to its floor and cap, times its weight; a measure whose KPI has no data (its
//! status is `no data`, or its attainment cannot be computed) adds 0%, or, with `no data
//! reweights`, leaves the score and the other weights are scaled up to the total. What each
//! measure did is a [`Note::Scorecard`] for explain.

use super::error::{EvalError, NoValue};
use super::interp::{Interp, Scope};
use super::record::{Note, Recorder};
use crate::ir::{DefId, Expr, Scorecard, Value};
use crate::num::Num;

/// What one measure of a scorecard did, in the order written.
#[derive(Debug, Clone)]
pub struct MeasureScore {
    /// The KPI.
    pub kpi: DefId,
    /// Its attainment, when it has data.
    pub attainment: Option<Num>,
    /// The attainment after the floor and cap (0 without data).
    pub counted: Num,
    /// The weight it counted with (scaled when the scorecard reweights).
    pub weight: Num,
    /// `counted × weight`.
    pub contribution: Num,
    /// Why the measure has no data.
    pub no_data: Option<String>,
}

type R = Result<Value, Box<NoValue>>;

impl Interp<'_> {
    /// The value of definition `d` in scope `s`, as stored.
    fn stored_value(&self, d: DefId, e: &Expr, s: Scope) -> R {
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

    /// A scorecard's score in scope `s`.
    pub(super) fn scorecard<Rc: Recorder>(
        &self,
        sc: &Scorecard,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> R {
        let overflow = || self.fail(EvalError::Overflow, e, s);
        let mut scores: Vec<MeasureScore> = Vec::with_capacity(sc.measures.len());
        let mut sum = Num::ZERO;
        let mut weighed = Num::ZERO;
        for m in &sc.measures {
            let status = self.stored_value(m.status, e, s)?;
            let no_status =
                matches!(status, Value::Text(t) if self.data.strings.resolve(t) == "no data");
            let attainment = if no_status {
                Err(format!(
                    "`{}` is \"no data\"",
                    self.plan.defs[m.status].name
                ))
            } else {
                match self.eval(&m.attainment, s, None, rec) {
                    Ok(v) => Ok(self.num_of(Ok(v), &m.attainment, s)?),
                    Err(err) if err.kind.is_missing() => Err(format!(
                        "its attainment has no value: {}",
                        err.kind.describe()
                    )),
                    Err(err) => return Err(err),
                }
            };
            let score = match attainment {
                Ok(a) => {
                    let mut counted = a.clone();
                    if let Some(f) = &m.floor {
                        counted = counted.max(f.clone());
                    }
                    if let Some(c) = &m.cap {
                        counted = counted.min(c.clone());
                    }
                    let contribution = counted.checked_mul(&m.weight).ok_or_else(overflow)?;
                    sum = sum.checked_add(&contribution).ok_or_else(overflow)?;
                    weighed = weighed.checked_add(&m.weight).ok_or_else(overflow)?;
                    MeasureScore {
                        kpi: m.kpi,
                        attainment: Some(a),
                        counted,
                        weight: m.weight.clone(),
                        contribution,
                        no_data: None,
                    }
                }
                Err(why) => MeasureScore {
                    kpi: m.kpi,
                    attainment: None,
                    counted: Num::ZERO,
                    weight: if sc.reweight {
                        Num::ZERO
                    } else {
                        m.weight.clone()
                    },
                    contribution: Num::ZERO,
                    no_data: Some(why),
                },
            };
            if Rc::ON {
                scores.push(score);
            }
        }
        // `no data reweights`: the weights of the measures with data, scaled to the total.
        let scale = (sc.reweight && weighed != sc.total && !weighed.is_zero())
            .then(|| sc.total.checked_div(&weighed))
            .flatten();
        let score = match &scale {
            Some(k) => sum.checked_mul(k).ok_or_else(overflow)?,
            None => sum,
        };
        if Rc::ON {
            if let Some(k) = &scale {
                for m in scores.iter_mut().filter(|m| m.no_data.is_none()) {
                    m.weight = m.weight.checked_mul(k).ok_or_else(overflow)?;
                    m.contribution = m.counted.checked_mul(&m.weight).ok_or_else(overflow)?;
                }
            }
            rec.note(Note::Scorecard {
                measures: scores,
                reweighted: scale.is_some(),
            });
        }
        Ok(Value::Num(score))
    }
}
