//! `run --rollup quarter|year` (issue 10, calendars): payouts and the total summed over the
//! periods of each quarter or year of the plan (`qtd`'s and `ytd`'s). KPIs are not rolled
//! up: a plan does not say which of them add up over time (bookings do; quota, attainment,
//! a rate or a `ytd` do not), so only the money paid is shown.

use crate::calendar::Grain;
use crate::eval::error::{EvalError, NoValue};
use crate::eval::{Results, Slot};
use crate::ir::{DefId, DefKind, Plan, Value};

/// Roll `results` up: `plan`'s calendar becomes the calendar of its quarters or years and its
/// KPIs are hidden from the report (they become `let`s), so the usual report prints the
/// rolled-up payouts. The plan must not be evaluated or explained afterwards.
pub fn rollup(plan: &mut Plan, results: &Results, grain: Grain) -> Results {
    let (rolled, group_of) = plan.calendar.rolled(grain);
    let groups = rolled.len();
    let participants = results
        .values
        .first()
        .map_or(0, |v| v.len() / results.periods.max(1));
    let values = sums(plan, participants, groups, &group_of, |d, p, k| {
        Some(results.get(d, p, k))
    });
    // issue 10, currencies: the pay figures add up the same way (each period's is rounded,
    // so their sum is what was paid).
    let pay = if results.pay.iter().any(|v| !v.is_empty()) {
        sums(plan, participants, groups, &group_of, |d, p, k| {
            results
                .paid(d, p, k)
                .filter(|_| !results.pay[d.index()].is_empty())
        })
    } else {
        Vec::new()
    };
    for def in &mut plan.defs {
        if def.kind == DefKind::Kpi {
            def.kind = DefKind::Let;
        }
    }
    plan.calendar = rolled;
    Results {
        values,
        periods: groups,
        pay,
    }
}

/// Each payout's and the total's values summed per participant and group of periods.
fn sums<'r>(
    plan: &Plan,
    participants: usize,
    groups: usize,
    group_of: &[usize],
    get: impl Fn(DefId, usize, usize) -> Option<&'r Slot>,
) -> Vec<Vec<Slot>> {
    let mut values: Vec<Vec<Slot>> = Vec::with_capacity(plan.defs.len());
    for (d, def) in DefId::all(plan.defs.len()).zip(&plan.defs) {
        let absent = participants > 0 && !group_of.is_empty() && get(d, 0, 0).is_none();
        if !matches!(def.kind, DefKind::Payout | DefKind::Total) || absent {
            values.push(Vec::new());
            continue;
        }
        let mut sums: Vec<Slot> =
            vec![Ok(Value::Num(crate::num::Num::ZERO)); participants * groups];
        for p in 0..participants {
            for (k, &g) in group_of.iter().enumerate() {
                let i = p * groups + g;
                let Some(slot) = get(d, p, k) else { continue };
                let next = match (&sums[i], slot) {
                    (Err(e), _) => Err(e.clone()),
                    (_, Err(e)) => Err(e.clone()),
                    (Ok(Value::Num(a)), Ok(Value::Num(b))) => {
                        a.checked_add(b).map(Value::Num).ok_or_else(|| {
                            Box::new(NoValue {
                                kind: EvalError::Overflow,
                                def: d,
                                span: def.span,
                                participant: p as u32,
                                period: g as u32,
                            })
                        })
                    }
                    (Ok(a), Ok(_)) => Ok(a.clone()),
                };
                sums[i] = next;
            }
        }
        values.push(sums);
    }
    values
}
