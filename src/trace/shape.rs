//! Tree shaping: the recorder's nodes made into the explanation people read. A reference
//! explained in place is its definition's node; a chain of `+` is one node; a definition and
//! the expression that is its value are one step; a gate's condition and the bounds are
//! marked by their role; every node gets a stable id.

use super::schema::{Node, NodeKind};
use crate::ir::{Def, DefId, Plan};
use crate::syntax::ast::{BinOp, LimitKind};
use crate::syntax::Span;
use std::collections::BTreeSet;

/// A reference whose only child is the definition it names, explained right there: that
/// definition's node, rather than a wrapper around it.
pub(super) fn explained_in_place(children: &mut Vec<Node>, name: &str) -> Option<Node> {
    (children.len() == 1
        && children[0].kind == NodeKind::Definition
        && children[0].name.as_deref() == Some(name))
    .then(|| children.remove(0))
}

/// Give `node` its children: the terms of a chain of `+` (in the same scope) become the
/// children of the sum itself.
pub(super) fn adopt(node: &mut Node, children: Vec<Node>) {
    for child in children {
        if node.op == Some(BinOp::Add)
            && child.op == Some(BinOp::Add)
            && child.participant == node.participant
            && child.period == node.period
        {
            node.children.extend(child.children);
        } else {
            node.children.push(child);
        }
    }
}

fn written_at(c: &Node, sp: Span) -> bool {
    c.source.start == sp.start as usize && c.source.end == sp.end as usize
}

/// Mark the definition's gate condition and its bounds by where they are written, so that
/// the remaining children are the inputs of the value (constant bounds have no node).
pub(super) fn mark_roles(node: &mut Node, def: &Def) {
    for c in &mut node.children {
        if def.gate.as_ref().is_some_and(|g| written_at(c, g.span)) {
            c.role = Some("gate".into());
        } else if let Some(l) = def.limits.iter().find(|l| written_at(c, l.expr.span)) {
            c.role = Some(
                if l.kind == LimitKind::Cap {
                    "cap"
                } else {
                    "floor"
                }
                .into(),
            );
        }
    }
}

/// A definition and the expression that is its value are one step: merge them, so that the
/// definition's children are the expression's inputs.
pub(super) fn merge_value(node: &mut Node, def: &Def) {
    let span = def.expr.span;
    let Some(i) = node.children.iter().position(|c| {
        c.role.is_none()
            && written_at(c, span)
            && !matches!(
                c.kind,
                // a call stays a step of its own: its arguments and its body (issue 9)
                NodeKind::Definition
                    | NodeKind::Reference
                    | NodeKind::Column
                    | NodeKind::Call
                    | NodeKind::Param
            )
            && c.participant.is_none()
            && c.period.is_none()
    }) else {
        return;
    };
    let inner = node.children.remove(i);
    node.rows = node.rows.take().or(inner.rows);
    node.rates = node.rates.take().or(inner.rates);
    node.fallback = node.fallback.take().or(inner.fallback);
    node.lookup = node.lookup.take().or(inner.lookup);
    node.branch = node.branch.take().or(inner.branch);
    node.proration = node.proration.take().or(inner.proration);
    node.causes = node.causes.take().or(inner.causes);
    node.comparison = node.comparison.take().or(inner.comparison);
    // issue 11
    node.scorecard = node.scorecard.take().or(inner.scorecard);
    node.cascade = node.cascade.take().or(inner.cascade);
    node.ledger = node.ledger.take().or(inner.ledger);
    node.paid = node.paid.take().or(inner.paid);
    // issue 10, currencies
    node.conversion = node.conversion.take().or(inner.conversion);
    node.clawback = node.clawback.take().or(inner.clawback);
    if inner.kind != NodeKind::Operation || inner.op.is_some() {
        node.op = inner.op;
    }
    for (j, c) in inner.children.into_iter().enumerate() {
        node.children.insert(i + j, c);
    }
}

/// Shape a definition's node once its notes are applied: roles, then the merge.
pub(super) fn definition(node: &mut Node, plan: &Plan, d: DefId) {
    let def = &plan.defs[d];
    mark_roles(node, def);
    merge_value(node, def);
}

/// Give every node a stable, unique id: a definition by its name where it is explained in
/// full the first time, every other node by its path.
pub(super) fn assign_ids(node: &mut Node, parent: &str, index: usize, used: &mut BTreeSet<String>) {
    let own_scope = node.participant.is_none() && node.period.is_none();
    let path = if parent.is_empty() {
        format!("{index}")
    } else {
        format!("{parent}/{index}")
    };
    node.id = match &node.name {
        Some(n) if own_scope && node.kind == NodeKind::Definition && !used.contains(n) => n.clone(),
        _ => path,
    };
    used.insert(node.id.clone());
    let id = node.id.clone();
    for (i, c) in node.children.iter_mut().enumerate() {
        assign_ids(c, &id, i, used);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(value: &str, terms: Vec<Node>) -> Node {
        let mut n = Node::sample(NodeKind::Operation, None, value, "EUR", "+", 1);
        n.op = Some(BinOp::Add);
        n.children = terms;
        n
    }

    fn term(name: &str, value: &str) -> Node {
        Node::sample(NodeKind::Reference, Some(name), value, "EUR", name, 1)
    }

    #[test]
    fn a_chain_of_sums_is_one_node_with_every_term() {
        // (a + b) + c: the inner sum's terms become the outer sum's children, in order.
        let mut outer = sum("6", Vec::new());
        adopt(
            &mut outer,
            vec![
                sum("3", vec![term("a", "1"), term("b", "2")]),
                term("c", "3"),
            ],
        );
        let names: Vec<_> = outer.children.iter().map(|c| c.name.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("b"), Some("c")]);
        // A sum evaluated for another participant (team) stays a node of its own.
        let mut outer = sum("6", Vec::new());
        let mut theirs = sum("3", vec![term("a", "1"), term("b", "2")]);
        theirs.participant = Some("r2".into());
        adopt(&mut outer, vec![theirs, term("c", "3")]);
        assert_eq!(outer.children.len(), 2);
        assert_eq!(outer.children[0].children.len(), 2);
    }

    #[test]
    fn a_reference_to_the_definition_explained_under_it_is_that_definition() {
        let def = Node::sample(NodeKind::Definition, Some("quota"), "5", "EUR", "x", 2);
        let mut children = vec![def.clone()];
        assert_eq!(explained_in_place(&mut children, "quota"), Some(def));
        assert!(children.is_empty());
        // Another name, or more than one child: the reference keeps its children.
        let mut other = vec![Node::sample(
            NodeKind::Definition,
            Some("q"),
            "5",
            "EUR",
            "x",
            2,
        )];
        assert_eq!(explained_in_place(&mut other, "quota"), None);
        assert_eq!(other.len(), 1);
    }

    #[test]
    fn ids_name_a_definition_once_and_paths_name_the_rest() {
        let mut first = Node::sample(NodeKind::Definition, Some("bonus"), "5", "EUR", "x", 1);
        first.children.push(term("quota", "1"));
        let mut again = Node::sample(NodeKind::Definition, Some("bonus"), "5", "EUR", "x", 1);
        let mut elsewhere = Node::sample(NodeKind::Definition, Some("quota"), "1", "EUR", "q", 1);
        elsewhere.period = Some("2026-Q2".into());
        again.children.push(elsewhere);
        let mut used = BTreeSet::new();
        assign_ids(&mut first, "", 0, &mut used);
        assign_ids(&mut again, "", 1, &mut used);
        assert_eq!(first.id, "bonus");
        // A reference is named by its path, never by the definition's name.
        assert_eq!(first.children[0].id, "bonus/0");
        // `bonus` is taken: the second tree is `1`; a definition of another period is a path.
        assert_eq!(again.id, "1");
        assert_eq!(again.children[0].id, "1/0");
    }

    /// A node written at `span` of the plan.
    fn at(mut n: Node, span: Span) -> Node {
        n.source.start = span.start as usize;
        n.source.end = span.end as usize;
        n
    }

    #[test]
    fn a_definition_takes_its_value_s_inputs_and_marks_its_gate_and_cap() {
        let text = "plan \"x\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n  input r key id { id: text\n    amount: money\n    limit: money }\n  participants r\n  payout p = amount * 2 when amount >= 10 EUR\n  cap p at limit\n}\n";
        let checked = match crate::compile_str("x.plan", text) {
            Ok(c) => c,
            Err(d) => panic!("{d:?}"),
        };
        let plan = &checked.plan;
        let Some(d) = plan.def_named("p") else {
            panic!("no payout p");
        };
        let def = &plan.defs[d];
        let (Some(gate), Some(cap)) = (&def.gate, def.limits.first()) else {
            panic!("p has a gate and a cap");
        };
        let mut value = at(
            Node::sample(NodeKind::Operation, None, "40", "EUR", "amount * 2", 8),
            def.expr.span,
        );
        value.op = Some(BinOp::Mul);
        value.children.push(Node::sample(
            NodeKind::Column,
            Some("amount"),
            "20",
            "EUR",
            "amount",
            8,
        ));
        let mut node = Node::sample(NodeKind::Definition, Some("p"), "30", "EUR", "", 8);
        node.children = vec![
            at(
                Node::sample(
                    NodeKind::Operation,
                    None,
                    "true",
                    "bool",
                    "amount >= 10 EUR",
                    8,
                ),
                gate.span,
            ),
            value,
            at(
                Node::sample(NodeKind::Column, Some("limit"), "30", "EUR", "limit", 9),
                cap.expr.span,
            ),
        ];
        definition(&mut node, plan, d);
        // The product is merged away: its input takes its place, between gate and cap.
        let shown: Vec<(&str, Option<&str>)> = node
            .children
            .iter()
            .map(|c| (c.expr.as_str(), c.role.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                ("amount >= 10 EUR", Some("gate")),
                ("amount", None),
                ("limit", Some("cap"))
            ]
        );
        assert_eq!(node.op, Some(BinOp::Mul));
    }
}
