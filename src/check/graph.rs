//! The dependency graph of definitions: evaluation order, and cycles named in full.

use super::{CheckError, Checker};
use crate::ir::DefId;
use miette::LabeledSpan;

/// Order definitions so that each comes after everything it uses; report cycles.
pub(super) fn order(c: &mut Checker) -> Option<Vec<DefId>> {
    let n = c.defs.len();
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut mark = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut cycles: Vec<Vec<DefId>> = Vec::new();
    for start in DefId::all(n) {
        if mark[start.index()] != 0 {
            continue;
        }
        // Iterative DFS so a long chain of definitions cannot overflow the stack.
        let mut stack: Vec<(DefId, Vec<DefId>)> =
            vec![(start, c.defs[start].deps.iter().copied().collect())];
        mark[start.index()] = 1;
        while let Some((node, pending)) = stack.last_mut() {
            if let Some(next) = pending.pop() {
                match mark[next.index()] {
                    0 => {
                        mark[next.index()] = 1;
                        let deps = c.defs[next].deps.iter().copied().collect();
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
