//! `org(x)` in linear time: the sum of `x` over every descendant, computed once per scope
//! from the children's sums (children before parents), instead of walking each
//! participant's whole subtree (quadratic on a deep hierarchy).
//!
//! Only `run`-style evaluation uses it; an explanation walks the descendants to list them.

use super::error::NoValue;
use super::interp::{Interp, Scope};
use super::record::Off;
use super::Slot;
use crate::data::Dataset;
use crate::ir::{Across, DefId, Expr, ExprKind, Plan, Value};
use crate::num::Num;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Per `org(…)` expression (by address), per scope: the sum, its first error in the order
/// the descendants are visited, or `None` where the sum overflowed on the way (the
/// interpreter then adds the descendants one by one, as it would without the memo).
pub type OrgMemo = FxHashMap<usize, Vec<Option<Slot>>>;

/// The memo key of an expression.
pub fn key(e: &Expr) -> usize {
    e as *const Expr as usize
}

/// Every `org(…)` in a definition, nested ones before the ones that contain them.
fn org_nodes<'p>(e: &'p Expr, out: &mut Vec<&'p Expr>) {
    for c in e.children() {
        org_nodes(c, out);
    }
    if let ExprKind::Agg { rows, .. } = &e.kind {
        for f in &rows.filters {
            org_nodes(f, out);
        }
    }
    if matches!(e.kind, ExprKind::Across(Across::Org, _)) {
        out.push(e);
    }
}

/// The memo for definition `d`, whose dependencies are in `store`.
pub fn memo(plan: &Plan, data: &Dataset, store: &[Vec<Slot>], d: DefId) -> OrgMemo {
    let def = &plan.defs[d];
    let mut nodes = Vec::new();
    org_nodes(&def.expr, &mut nodes);
    if let Some(g) = &def.gate {
        org_nodes(g, &mut nodes);
    }
    for l in &def.limits {
        org_nodes(&l.expr, &mut nodes);
    }
    let mut memo = OrgMemo::default();
    if nodes.is_empty() {
        return memo;
    }
    let periods = plan.calendar.len();
    let n = data.roster.len();
    // issue 10, assignments: one order per hierarchy in force (one, unless it is dated).
    let orders: Vec<Vec<u32>> = match &data.roster.dated {
        Some(_) => (0..periods).map(|k| children_first(data, k)).collect(),
        None => vec![children_first(data, 0)],
    };
    for e in nodes {
        let ExprKind::Across(_, inner) = &e.kind else {
            continue;
        };
        let interp = Interp {
            plan,
            data,
            store,
            def: d,
            org: Some(&memo),
            args: &[],
            pay: &[],
        };
        // The inner value in every scope, as a number or the error the interpreter raises.
        let values: Vec<Result<Num, Box<NoValue>>> = (0..n * periods)
            .into_par_iter()
            .with_min_len(64)
            .map(|i| {
                let s = Scope {
                    participant: (i / periods) as u32,
                    period: (i % periods) as u32,
                };
                interp.num_of(interp.eval(inner, s, None, &mut Off), inner, s)
            })
            .collect();
        let mut sums: Vec<Option<Slot>> = vec![None; n * periods];
        for k in 0..periods {
            let order = orders.get(k).unwrap_or(&orders[0]);
            for &p in order {
                let mut acc: Option<Slot> = Some(Ok(Value::Num(Num::ZERO)));
                for &c in data.roster.reports_in(p, k) {
                    let i = c as usize * periods + k;
                    let next = match (&acc, &values[i], &sums[i]) {
                        (Some(Ok(Value::Num(a))), Ok(x), Some(Ok(Value::Num(below)))) => a
                            .checked_add(x)
                            .and_then(|y| y.checked_add(below))
                            .map(|y| Ok(Value::Num(y))),
                        (Some(Ok(_)), Err(err), _) => Some(Err(err.clone())),
                        (Some(Ok(_)), Ok(_), Some(Err(err))) => Some(Err(err.clone())),
                        _ => None,
                    };
                    acc = next;
                    if !matches!(acc, Some(Ok(_))) {
                        break;
                    }
                }
                sums[p as usize * periods + k] = acc;
            }
        }
        memo.insert(key(e), sums);
    }
    memo
}

/// Every participant after all of its reports in period `k` (a reversed depth-first order).
fn children_first(data: &Dataset, k: usize) -> Vec<u32> {
    let roster = &data.roster;
    let mut order = Vec::with_capacity(roster.len());
    let mut stack: Vec<u32> = Vec::new();
    for root in 0..roster.len() as u32 {
        if roster.manager_in(root, k).is_some() {
            continue;
        }
        stack.push(root);
        while let Some(p) = stack.pop() {
            order.push(p);
            stack.extend(roster.reports_in(p, k).iter().copied());
        }
    }
    order.reverse();
    order
}
