//! Evaluation: every definition for every participant and period, in dependency order.
//!
//! Definitions are computed one at a time (dependencies first), each for all scopes in
//! parallel; results land in scope order, so output does not depend on thread count.

pub mod compare;
pub mod drivers;
// issue 11, cascades
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
}

impl Results {
    /// The value of a definition in a scope.
    pub fn get(&self, def: DefId, participant: usize, period: usize) -> &Slot {
        &self.values[def][participant * self.periods + period]
    }
}

/// Evaluate the plan on the data.
pub fn evaluate(plan: &Plan, data: &Dataset) -> Results {
    let periods = plan.calendar.len();
    let scopes = data.roster.len() * periods;
    let mut values: Vec<Vec<Slot>> = (0..plan.defs.len()).map(|_| Vec::new()).collect();
    for &d in &plan.order {
        // issue 10, ledger: a recursive group, period by period, at its first member.
        if let Some(group) = plan.lag_group(d) {
            if group.first() == Some(&d) {
                lag::evaluate_group(plan, data, &mut values, group);
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
        };
        let column: Vec<Slot> = (0..scopes)
            .into_par_iter()
            .with_min_len(64)
            .map(|i| {
                interp.def_value(
                    d,
                    Scope {
                        participant: (i / periods) as u32,
                        period: (i % periods) as u32,
                    },
                    &mut record::Off,
                )
            })
            .collect();
        values[d] = column;
    }
    Results { values, periods }
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
        for slot in &results.values[d] {
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
