//! The dependency graph of definitions: evaluation order, and cycles named in full.

use super::{CheckError, Checker};
use crate::ir::DefId;
use miette::LabeledSpan;
use std::collections::BTreeSet;

/// Order definitions so that each comes after everything it uses; report cycles. With
/// the recursive groups of issue 10 (`lag.rs`), which are empty unless a definition reads
/// another in an earlier period.
pub(super) fn order(c: &mut Checker) -> Option<(Vec<DefId>, Vec<Vec<DefId>>)> {
    if c.defs.iter().any(|d| !d.lags.lagged.is_empty()) {
        return super::lag::order(c);
    }
    sorted(c, None).map(|order| (order, Vec::new()))
}

/// issue 10, ledger: the order of some definitions by their uses in the same period,
/// reporting the cycles among them.
pub(super) fn order_among(c: &mut Checker, members: &BTreeSet<DefId>) -> Option<Vec<DefId>> {
    sorted(c, Some(members))
}

/// The definitions (`within`, or all) after the ones they use; cycles reported.
fn sorted(c: &mut Checker, within: Option<&BTreeSet<DefId>>) -> Option<Vec<DefId>> {
    let n = c.defs.len();
    let deps_of = |c: &Checker, d: DefId| -> Vec<DefId> {
        c.defs[d]
            .deps
            .iter()
            .copied()
            .filter(|x| within.is_none_or(|w| w.contains(x)))
            .collect()
    };
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut mark = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut cycles: Vec<Vec<DefId>> = Vec::new();
    for start in DefId::all(n) {
        if mark[start.index()] != 0 || within.is_some_and(|w| !w.contains(&start)) {
            continue;
        }
        // Iterative DFS so a long chain of definitions cannot overflow the stack.
        let mut stack: Vec<(DefId, Vec<DefId>)> = vec![(start, deps_of(c, start))];
        mark[start.index()] = 1;
        while let Some((node, pending)) = stack.last_mut() {
            if let Some(next) = pending.pop() {
                match mark[next.index()] {
                    0 => {
                        mark[next.index()] = 1;
                        let deps = deps_of(c, next);
                        stack.push((next, deps));
                    }
                    1 => {
                        let from = stack.iter().position(|(d, _)| *d == next).unwrap_or(0);
                        cycles.push(stack[from..].iter().map(|(d, _)| *d).collect());
                    }
                    _ => {}
                }
            } else {
                let node = *node;
                mark[node.index()] = 2;
                order.push(node);
                stack.pop();
            }
        }
    }
    for cycle in &cycles {
        let mut names: Vec<&str> = cycle
            .iter()
            .map(|&d| c.defs[d].name.name.as_str())
            .collect();
        names.push(names[0]);
        let path = names.join(" → ");
        let uses = cycle
            .iter()
            .enumerate()
            .map(|(i, &def)| {
                let next = cycle[(i + 1) % cycle.len()];
                let label = format!(
                    "`{}` uses `{}`",
                    c.defs[def].name.name, c.defs[next].name.name
                );
                LabeledSpan::new_with_span(Some(label), c.defs[def].name.span)
            })
            .collect();
        c.report(CheckError::Cycle { path, uses });
    }
    if cycles.is_empty() {
        Some(order)
    } else {
        None
    }
}
