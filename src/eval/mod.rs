//! Evaluation: every definition for every participant and period, in dependency order.
//!
//! Definitions are computed one at a time (dependencies first), each for all scopes in
//! parallel; results land in scope order, so output does not depend on thread count.

pub mod compare;
pub mod drivers;
// issue 11, cascades
pub mod assign;
mod cascade;
// issue 10, clawbacks
pub mod clawback;
pub mod error;
pub mod fx;
pub mod interp;
pub mod lag;
pub mod org;
pub mod rates;
pub mod record;
// issue 11, scorecards
pub mod scorecard;

use crate::data::Dataset;
use crate::diagnostics::Diag;
use crate::ir::{index_by, DefId, DefKind, Plan, Value};
use error::{EvalError, Named, NoValue};
use interp::{Interp, Scope};
use rayon::prelude::*;

/// A computed value, or why it could not be computed.
pub type Slot = Result<Value, Box<NoValue>>;

index_by!(DefId => Vec<Slot>);

/// Every definition's value in every scope.
#[derive(Debug)]
pub struct Results {
    /// `values[def][participant * periods + period]`.
    pub values: Vec<Vec<Slot>>,
    /// Number of periods.
    pub periods: usize,
    /// issue 10, currencies: each payout's and the total's pay figure in the participant's
    /// pay currency (`participants … paid in`), indexed like `values`; empty for other
    /// definitions and for a plan paid in its own currency.
    pub pay: Vec<Vec<Slot>>,
}

impl Results {
    /// The value of a definition in a scope.
    pub fn get(&self, def: DefId, participant: usize, period: usize) -> &Slot {
        &self.values[def][participant * self.periods + period]
    }

    /// issue 10, currencies: the pay figure of a payout or the total in a scope, if the
    /// plan pays in the participants' currencies.
    pub fn paid(&self, def: DefId, participant: usize, period: usize) -> Option<&Slot> {
        self.pay
            .get(def.index())
            .and_then(|v| v.get(participant * self.periods + period))
    }
}

/// Evaluate the plan on the data.
pub fn evaluate(plan: &Plan, data: &Dataset) -> Results {
    let periods = plan.calendar.len();
    let scopes = data.roster.len() * periods;
    let mut values: Vec<Vec<Slot>> = (0..plan.defs.len()).map(|_| Vec::new()).collect();
    let mut pay: Vec<Vec<Slot>> = (0..plan.defs.len()).map(|_| Vec::new()).collect();
    let paying = plan.pay.is_some();
    for &d in &plan.order {
        // issue 10, ledger: a recursive group, period by period, at its first member.
        if let Some(group) = plan.lag_group(d) {
            if group.first() == Some(&d) {
                lag::evaluate_group(plan, data, &mut values, &mut pay, group);
            }
            continue;
        }
        let memo = org::memo(plan, data, &values, d);
        let interp = Interp {
            plan,
            data,
            store: &values,
            def: d,
            org: Some(&memo),
            args: &[],
            pay: &pay,
        };
        let scope = |i: usize| Scope {
            participant: (i / periods) as u32,
            period: (i % periods) as u32,
        };
        if paying && plan.defs[d].kind.is_paid() {
            let (column, paid): (Vec<Slot>, Vec<Slot>) = (0..scopes)
                .into_par_iter()
                .with_min_len(64)
                .map(|i| {
                    let mut p = None;
                    let v = interp.def_paid(d, scope(i), &mut record::Off, true, &mut p);
                    let p = p.unwrap_or_else(|| v.clone());
                    (v, p)
                })
                .unzip();
            values[d] = column;
            pay[d] = paid;
            continue;
        }
        let column: Vec<Slot> = (0..scopes)
            .into_par_iter()
            .with_min_len(64)
            .map(|i| interp.def_value(d, scope(i), &mut record::Off))
            .collect();
        values[d] = column;
    }
    Results {
        values,
        periods,
        pay,
    }
}

/// The run-time errors in reported values (KPIs, payouts, total), each named once at its
/// origin: at most `limit` diagnostics plus a count of the rest.
pub fn errors(plan: &Plan, data: &Dataset, results: &Results, limit: usize) -> Vec<Diag> {
    let mut seen = std::collections::BTreeSet::new();
    let mut roots: Vec<&NoValue> = Vec::new();
    for (d, def) in DefId::all(plan.defs.len()).zip(&plan.defs) {
        if def.kind == DefKind::Let {
            continue;
        }
        // issue 10, currencies: a pay figure that could not be computed (no FX row).
        let paid = results.pay.get(d.index()).map_or(&[][..], Vec::as_slice);
        for slot in results.values[d].iter().chain(paid) {
            if let Err(e) = slot {
                if seen.insert((e.participant, e.period, e.def, e.span.start)) {
                    roots.push(e);
                }
            }
        }
    }
    roots.sort_by_key(|e| (e.participant, e.period, e.def, e.span.start));
    let total = roots.len();
    let mut out: Vec<Diag> = roots
        .iter()
        .take(limit)
        .map(|e| {
            Diag::from(Named {
                kind: &e.kind,
                def: &plan.defs[e.def].name,
                who: &data.roster.ids[e.participant as usize],
                when: &plan.calendar.periods[e.period as usize].id,
                span: e.span.into(),
            })
            .in_source(&plan.source)
        })
        .collect();
    if total > out.len() {
        out.push(
            EvalError::MoreNotShown {
                more: total - out.len(),
                total,
            }
            .into(),
        );
    }
    out
}
