//! issue 11, cascades: a KPI's target along the `managed by` hierarchy (checked in
//! `check/cascade.rs`). Split down: the top's target is its own, everyone below takes the
//! manager's target × a share (1 / the manager's direct reports, or a share expression of
//! the participant). Rolled up: a participant without reports has its own target, a manager
//! the sum of the reports'. `targets add up`: a manager's target must equal the sum of the
//! reports' targets, else a run-time error naming the team, both figures and the difference.
//! The hierarchy has no cycle (a data error stops the run), so the walk ends.

use super::error::{EvalError, NoValue};
use super::interp::{Interp, Scope};
use super::record::{Note, Recorder};
use crate::ir::{Cascade, CascadeHow, Expr, Value};
use crate::num::Num;

type R = Result<Value, Box<NoValue>>;

impl Interp<'_> {
    /// The cascaded target of the participant of `s`, checked to add up when required.
    pub(super) fn cascade<Rc: Recorder>(&self, c: &Cascade, e: &Expr, s: Scope, rec: &mut Rc) -> R {
        let (target, above) = self.target_of(c, e, s, rec)?;
        let reports = self
            .data
            .roster
            .reports_in(s.participant, s.period as usize);
        if c.add_up && !matches!(c.how, CascadeHow::RollUp) && !reports.is_empty() {
            let mut sum = Num::ZERO;
            for &r in reports {
                let (t, _) = self.target_of(
                    c,
                    e,
                    Scope {
                        participant: r,
                        ..s
                    },
                    rec,
                )?;
                sum = sum
                    .checked_add(&t)
                    .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
            }
            if sum != target {
                let difference = sum
                    .checked_sub(&target)
                    .ok_or_else(|| self.fail(EvalError::Overflow, e, s))?;
                let unit = crate::render::unit(&e.ty);
                let show = |n: &Num| {
                    let text = crate::render::group(&crate::render::number(n));
                    format!("{text} {unit}")
                };
                let mut err = self.fail(
                    EvalError::TargetsDoNotAddUp {
                        kpi: self.plan.defs[c.kpi].name.clone(),
                        team: self.data.roster.ids[s.participant as usize].clone(),
                        reports: reports.len(),
                        figures: format!(
                            "add up to {}, not the team's target {}: a difference of {}",
                            show(&sum),
                            show(&target),
                            show(&difference)
                        ),
                    },
                    e,
                    s,
                );
                // Reported once, as the KPI's: the status, attainment and scorecards that
                // read the target meet the same error.
                err.def = c.kpi;
                return Err(err);
            }
        }
        if Rc::ON {
            let manager = self
                .data
                .roster
                .manager_in(s.participant, s.period as usize);
            rec.note(Note::Cascade {
                manager: above.as_ref().and(manager),
                manager_target: above,
                team: manager.map_or(0, |m| {
                    self.data.roster.reports_in(m, s.period as usize).len()
                }),
                reports: reports.len(),
            });
        }
        Ok(Value::Num(target))
    }

    /// The target of the participant of `s` along the hierarchy (not checked to add up),
    /// and the manager's target it was split from.
    fn target_of<Rc: Recorder>(
        &self,
        c: &Cascade,
        e: &Expr,
        s: Scope,
        rec: &mut Rc,
    ) -> Result<(Num, Option<Num>), Box<NoValue>> {
        let p = s.participant as usize;
        let own = |rec: &mut Rc| {
            self.num_of(self.eval(&c.own, s, None, rec), &c.own, s)
                .map(|n| (n, None))
        };
        let overflow = || self.fail(EvalError::Overflow, e, s);
        match &c.how {
            CascadeHow::Own => own(rec),
            CascadeHow::Equally | CascadeHow::Share(_) => {
                let Some(m) = self.data.roster.manager_in(p as u32, s.period as usize) else {
                    return own(rec);
                };
                let (above, _) = self.target_of(
                    c,
                    e,
                    Scope {
                        participant: m,
                        ..s
                    },
                    rec,
                )?;
                let t = match &c.how {
                    CascadeHow::Share(share) => {
                        let k = self.num_of(self.eval(share, s, None, rec), share, s)?;
                        above.checked_mul(&k).ok_or_else(overflow)?
                    }
                    _ => {
                        let n = self
                            .data
                            .roster
                            .reports_in(m, s.period as usize)
                            .len()
                            .max(1);
                        above
                            .checked_div(&Num::int(n as i64))
                            .ok_or_else(overflow)?
                    }
                };
                Ok((t, Some(above)))
            }
            CascadeHow::RollUp => {
                let reports = self.data.roster.reports_in(p as u32, s.period as usize);
                if reports.is_empty() {
                    return own(rec);
                }
                let mut sum = Num::ZERO;
                for &r in reports {
                    let (t, _) = self.target_of(
                        c,
                        e,
                        Scope {
                            participant: r,
                            ..s
                        },
                        rec,
                    )?;
                    sum = sum.checked_add(&t).ok_or_else(overflow)?;
                }
                Ok((sum, None))
            }
        }
    }
}
