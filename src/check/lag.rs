//! issue 10, ledger: recursion over time. `prior(x, opening: o)` reads `x` in the previous
//! period, and `o` in the plan's first period; a definition may so read its own value (a
//! carried balance). Here: the periods a use is read in (a *lag* edge inside `prior`, a
//! *wide* one inside `period_total`), the typing of a `prior` whose value is not typed yet,
//! and the evaluation order with the recursive groups (`order`), which names a true
//! same-period cycle as before.

use super::{CheckError, Checker};
use crate::ir::{self, DefId, ExprKind as K};
use crate::syntax::ast;
use crate::syntax::Span;
use crate::types::Type;
use std::collections::{BTreeMap, BTreeSet};

/// What one definition reads in other periods than its own.
#[derive(Debug, Clone, Default)]
pub(super) struct LagDeps {
    /// Definitions read inside `prior(…)`, each with the span of a `prior` without
    /// `opening:` around one of its uses, if there is one.
    pub(super) lagged: BTreeMap<DefId, Option<Span>>,
    /// Definitions read inside `period_total(…)`: in every period, later ones too.
    pub(super) wide: BTreeMap<DefId, Span>,
}

/// The periods the expression being checked is read in.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Time {
    /// Inside this many `prior(…)`: read in an earlier period.
    lag: u32,
    /// Inside a `prior(…)` without an opening: where.
    bare: Option<Span>,
    /// Inside `period_total(…)` (with the call's span): read in every period.
    wide: Option<Span>,
    /// Inside `prior(…, opening: …)`'s value, written as a name alone.
    named_alone: bool,
}

/// The checker's lag bookkeeping.
#[derive(Debug, Default)]
pub(super) struct LagState {
    time: Time,
    /// The lag uses of the definitions being checked (innermost last).
    stack: Vec<LagDeps>,
    /// How many times a definition being checked was used again (a cycle, or recursion).
    in_progress_hits: u64,
    /// The `prior(…, opening: …)` calls whose value was typed later (their spans).
    deferred: BTreeSet<(u32, u32)>,
    /// `paid from TABLE`, checked.
    pub(super) history: Option<ir::PaidHistory>,
}

impl<'p> Checker<'p> {
    /// `paid from TABLE`: at most one; an input other than the roster and the credited
    /// tables, with the participant column (named like the roster's key), `period`,
    /// `component` (text) and `amount` (money in the plan's currency).
    pub(super) fn paid_decls(&mut self, plan: &'p ast::Plan) {
        let mut first: Option<Span> = None;
        for decl in &plan.decls {
            let ast::DeclKind::Paid { table } = &decl.kind else {
                continue;
            };
            if let Some(f) = first {
                self.report(CheckError::DuplicateHeader {
                    what: "paid".to_string(),
                    again: decl.span.into(),
                    first: f.into(),
                });
                continue;
            }
            first = Some(decl.span);
            let Some(t) = self.table_ref(table) else {
                continue;
            };
            self.used.insert(table.name.clone());
            if Some(t) == self.participants || self.credits[t].is_some() {
                self.report(CheckError::PaidTable {
                    table: table.name.clone(),
                    span: table.span.into(),
                });
                continue;
            }
            let key = self.participants.and_then(|p| {
                self.tables[p]
                    .key
                    .map(|k| self.tables[p].columns[k].name.clone())
            });
            let Some(key) = key else {
                continue;
            };
            let money = Type::Money(self.plan_currency());
            let want = [
                (key.as_str(), Type::Text),
                ("period", Type::Text),
                ("component", Type::Text),
                ("amount", money),
            ];
            let mut cols = Vec::new();
            let mut wrong = Vec::new();
            for (name, ty) in &want {
                match self.tables[t].column(name) {
                    Some(c)
                        if self.tables[t].columns[c].ty == *ty
                            && !self.tables[t].columns[c].optional
                            && !self.tables[t].is_computed(c) =>
                    {
                        cols.push(c)
                    }
                    _ => wrong.push(format!("{name}: {}", ty.described())),
                }
            }
            if !wrong.is_empty() {
                self.report(CheckError::PaidColumns {
                    table: table.name.clone(),
                    columns: wrong.join(", "),
                    key: key.clone(),
                    span: table.span.into(),
                });
                continue;
            }
            self.lag.history = Some(ir::PaidHistory {
                table: t,
                participant: cols[0],
                period: cols[1],
                component: cols[2],
                amount: cols[3],
            });
        }
    }
}

impl Checker<'_> {
    /// A definition's own expression starts in its own period.
    pub(super) fn lag_enter_def(&mut self) -> Time {
        self.lag.stack.push(LagDeps::default());
        std::mem::take(&mut self.lag.time)
    }

    /// The definition is checked: its lag uses, and the outer expression's periods back.
    pub(super) fn lag_leave_def(&mut self, outer: Time) -> LagDeps {
        self.lag.time = outer;
        self.lag.stack.pop().unwrap_or_default()
    }

    pub(super) fn lag_in_progress_hit(&mut self) {
        self.lag.in_progress_hits += 1;
    }

    /// Record a use of `d` read in an earlier period (true), or in every period (a wide
    /// use, also returned false: it orders like a use in the same period).
    pub(super) fn lag_use(&mut self, d: DefId) -> bool {
        let time = self.lag.time;
        let Some(top) = self.lag.stack.last_mut() else {
            return false;
        };
        if let Some(span) = time.wide {
            top.wide.entry(d).or_insert(span);
            return false;
        }
        if time.lag == 0 {
            return false;
        }
        let bare = top.lagged.entry(d).or_insert(None);
        if bare.is_none() {
            *bare = time.bare;
        }
        true
    }

    /// Inside the value of `prior(NAME, opening: …)`: a definition not typed yet is not
    /// typed from here (it may be the one being checked); its type is the opening's for now
    /// and is set by [`Checker::lag_types`].
    pub(super) fn lag_deferred(&mut self, d: DefId) -> Option<Type> {
        if !self.lag.time.named_alone || self.lag.stack.is_empty() {
            return None;
        }
        match &self.defs[d].state {
            super::DefState::Done(_) => None,
            _ => Some(Type::Error),
        }
    }

    /// The value of `ytd`, `qtd`, `team`, `org` or `period_total`: inside `period_total`
    /// every period is read.
    pub(super) fn across_value(
        &mut self,
        across: ir::Across,
        inner: &ast::Expr,
        span: Span,
    ) -> ir::Expr {
        let outer = self.lag.time;
        if across == ir::Across::PeriodTotal {
            self.lag.time.wide = Some(self.lag.time.wide.unwrap_or(span));
        }
        let v = self.expr(inner, None);
        self.lag.time = outer;
        v
    }

    /// `prior(value)` and `prior(value, opening: o)`: the value read in the previous period
    /// (the opening in the current scope, in the first period).
    pub(super) fn prior_call(&mut self, a: &[Option<&ast::Expr>], span: Span) -> ir::Expr {
        let Some(inner) = a.first().copied().flatten() else {
            return super::exprs::poisoned(span);
        };
        let opening = a.get(1).copied().flatten();
        let outer = self.lag.time;
        if outer.wide.is_none() {
            self.lag.time.lag += 1;
            if opening.is_none() && self.lag.time.bare.is_none() {
                self.lag.time.bare = Some(span);
            }
        }
        let alone = matches!(inner.kind, ast::ExprKind::Name(_));
        self.lag.time.named_alone = opening.is_some() && alone;
        let hits = self.lag.in_progress_hits;
        let v = self.expr(inner, None);
        let recursive = self.lag.in_progress_hits > hits;
        self.lag.time = outer;
        let Some(o) = opening else {
            let ty = v.ty.clone();
            return super::exprs::typed(K::Across(ir::Across::Prior, Box::new(v)), ty, span);
        };
        if recursive && !alone {
            // A definition that reads its own previous value is typed from the opening: the
            // value must be the definition, named alone.
            self.report(CheckError::LagValue {
                span: inner.span.into(),
            });
            return super::exprs::poisoned(span);
        }
        let o = self.expr(o, None);
        let ty = if v.ty == Type::Error {
            // Typed later (`lag_types`), or in error (already reported).
            if matches!(v.kind, K::Def(_)) {
                self.lag.deferred.insert((span.start, span.end));
            }
            o.ty.clone()
        } else {
            self.opening_fits(&v, &o);
            v.ty.clone()
        };
        super::exprs::typed(
            K::Lag {
                value: Box::new(v),
                opening: Box::new(o),
            },
            ty,
            span,
        )
    }

    /// `paid_to_date(PAYOUT)`: a payout named alone; a use in earlier periods (of the
    /// payout itself too: its earlier values are paid before this one is computed).
    pub(super) fn paid_to_date_call(
        &mut self,
        func: &super::builtins::Function,
        args: &[ast::Arg],
        span: Span,
        row: Option<ir::TableId>,
    ) -> ir::Expr {
        let Some(a) = self.bind(func, func.arguments, args, span) else {
            return super::exprs::poisoned(span);
        };
        let Some(arg) = a.first().copied().flatten() else {
            return super::exprs::poisoned(span);
        };
        if let Some(function) = self.in_body() {
            self.report(self.reads_error(
                &function,
                "other periods or people with",
                "paid_to_date(…)",
                span,
            ));
            return super::exprs::poisoned(span);
        }
        if row.is_some() {
            self.report(CheckError::AcrossInWhere {
                function: func.name.to_string(),
                span: span.into(),
            });
            return super::exprs::poisoned(span);
        }
        let found = match &arg.kind {
            ast::ExprKind::Name(n) => self.def_names.get(&n.name).copied().map(|d| (d, n)),
            _ => None,
        };
        let Some((d, n)) = found.filter(|(d, _)| self.defs[*d].kind == ir::DefKind::Payout) else {
            let payouts: Vec<String> = self
                .defs
                .iter()
                .filter(|d| d.kind == ir::DefKind::Payout)
                .map(|d| d.name.name.clone())
                .collect();
            self.report(CheckError::PaidTarget {
                written: self.text_of(arg.span).to_string(),
                payouts: payouts.join(", "),
                span: arg.span.into(),
            });
            return super::exprs::poisoned(span);
        };
        self.resolved(n.span, super::names::Target::Def(d));
        self.used.insert(n.name.clone());
        let outer = self.lag.time;
        if outer.wide.is_none() {
            self.lag.time.lag += 1;
        }
        self.depend_on(d);
        self.lag.time = outer;
        super::exprs::typed(K::PaidToDate(d), Type::Money(self.plan_currency()), span)
    }

    /// The opening is of the value's type and unit.
    fn opening_fits(&mut self, v: &ir::Expr, o: &ir::Expr) {
        if v.ty == Type::Error || o.ty == Type::Error || v.ty.compatible(&o.ty) {
            return;
        }
        self.report(CheckError::OpeningType {
            value: self.text_of(v.span).to_string(),
            want: v.ty.described(),
            found: o.ty.described(),
            span: o.span.into(),
        });
    }

    /// Every definition is typed: the values of the `prior(…, opening: …)` typed later get
    /// their definition's type, which must fit the opening's.
    pub(super) fn lag_types(&mut self) {
        if self.lag.deferred.is_empty() {
            return;
        }
        let types: Vec<Type> = self
            .defs
            .iter()
            .map(|d| match &d.state {
                super::DefState::Done(t) => t.clone(),
                _ => Type::Error,
            })
            .collect();
        let deferred = std::mem::take(&mut self.lag.deferred);
        let mut found: Vec<(ir::Expr, ir::Expr)> = Vec::new();
        let mut patch = |e: &mut ir::Expr| patch(e, &deferred, &types, &mut found);
        for d in &mut self.defs {
            if let Some(e) = &mut d.expr {
                patch(e);
            }
            if let Some(g) = &mut d.gate {
                patch(g);
            }
        }
        for e in self.limit_exprs.values_mut() {
            patch(e);
        }
        for (v, o) in found {
            self.opening_fits(&v, &o);
        }
    }
}

/// Type the deferred `prior` values of `e` (each `prior` found is listed with its opening).
fn patch(
    e: &mut ir::Expr,
    deferred: &BTreeSet<(u32, u32)>,
    types: &[Type],
    found: &mut Vec<(ir::Expr, ir::Expr)>,
) {
    if let K::Lag { value, opening } = &mut e.kind {
        if deferred.contains(&(e.span.start, e.span.end)) {
            if let K::Def(d) = value.kind {
                value.ty = types.get(d.index()).cloned().unwrap_or(Type::Error);
                if value.ty != Type::Error {
                    e.ty = value.ty.clone();
                }
                found.push(((**value).clone(), (**opening).clone()));
            }
        }
    }
    for child in e.children_mut() {
        patch(child, deferred, types, found);
    }
}

/// The evaluation order when some definition reads another in an earlier period: the
/// strongly connected groups of the uses (same-period and lag), dependencies first. A
/// group is recursive through `prior`; inside it, a same-period cycle is reported as
/// before, and so are a `prior` without an opening and a `period_total`.
pub(super) fn order(c: &mut Checker) -> Option<(Vec<DefId>, Vec<Vec<DefId>>)> {
    let n = c.defs.len();
    let edges: Vec<Vec<DefId>> = c
        .defs
        .iter()
        .map(|d| {
            let mut e: BTreeSet<DefId> = d.deps.clone();
            e.extend(d.lags.lagged.keys().copied());
            e.into_iter().collect()
        })
        .collect();
    let sccs = tarjan(n, &edges);
    let mut order = Vec::with_capacity(n);
    let mut groups = Vec::new();
    let mut ok = true;
    for scc in sccs {
        let recursive = scc.len() > 1 || edges[scc[0].index()].contains(&scc[0]);
        if !recursive {
            order.push(scc[0]);
            continue;
        }
        let members: BTreeSet<DefId> = scc.iter().copied().collect();
        // A cycle within one period: reported as a cycle always was.
        let Some(inner) = super::graph::order_among(c, &members) else {
            ok = false;
            continue;
        };
        // Through `prior`: each reading without an opening, and each `period_total`.
        for &d in &inner {
            let lags = c.defs[d].lags.clone();
            for (&target, bare) in &lags.lagged {
                if let (true, Some(span)) = (members.contains(&target), bare) {
                    ok = false;
                    let path = path(c, &edges, &members, target, d);
                    c.report(CheckError::RecursivePrior {
                        name: c.defs[target].name.name.clone(),
                        path,
                        span: (*span).into(),
                    });
                }
            }
            for (&target, span) in &lags.wide {
                if members.contains(&target) {
                    ok = false;
                    let path = path(c, &edges, &members, target, d);
                    c.report(CheckError::LagWide {
                        name: c.defs[target].name.name.clone(),
                        path,
                        span: (*span).into(),
                    });
                }
            }
        }
        order.extend(inner.iter().copied());
        groups.push(inner);
    }
    ok.then_some((order, groups))
}

/// The names from `from` back to `to` along uses inside the group (`balance → recovery →
/// balance`), for messages.
fn path(
    c: &Checker,
    edges: &[Vec<DefId>],
    members: &BTreeSet<DefId>,
    from: DefId,
    to: DefId,
) -> String {
    // Breadth-first from `from` to `to` within the group.
    let mut prev: BTreeMap<DefId, DefId> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(x) = queue.pop_front() {
        if x == to {
            break;
        }
        for &y in &edges[x.index()] {
            if members.contains(&y) && seen.insert(y) {
                prev.insert(y, x);
                queue.push_back(y);
            }
        }
    }
    let mut names = vec![c.defs[to].name.name.as_str()];
    let mut at = to;
    while at != from {
        match prev.get(&at) {
            Some(&p) => {
                names.push(c.defs[p].name.name.as_str());
                at = p;
            }
            None => break,
        }
    }
    names.reverse();
    names.push(c.defs[from].name.name.as_str());
    names.join(" → ")
}

/// Tarjan's strongly connected components, iteratively (a long chain of definitions cannot
/// overflow the stack); each component after every component it uses.
fn tarjan(n: usize, edges: &[Vec<DefId>]) -> Vec<Vec<DefId>> {
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut next = 0usize;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        // (node, next edge to follow)
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(w) = edges[v].get(*i).map(|d| d.index()) {
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut scc = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    scc.push(DefId(w));
                    if w == v {
                        break;
                    }
                }
                scc.sort();
                out.push(scc);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{checked, messages, plan};

    #[test]
    fn a_balance_reads_its_own_previous_value_from_an_opening() {
        let p = checked(&plan(
            "  kpi bookings = sum(deals.amount)\n  \
             kpi balance = prior(balance, opening: 0 EUR) + bookings - recovered\n  \
             kpi recovered = min(prior(balance, opening: 0 EUR), 100 EUR)",
        ));
        let names = |g: &[crate::ir::DefId]| -> Vec<String> {
            g.iter().map(|&d| p.defs[d].name.clone()).collect()
        };
        // One group, `recovered` first within a period (`balance` uses it).
        assert_eq!(p.lag_groups.len(), 1);
        assert_eq!(names(&p.lag_groups[0]), ["recovered", "balance"]);
        assert_eq!(crate::check::testing::type_of(&p, "balance"), "money(EUR)");
        let pos = |n: &str| p.order.iter().position(|&d| p.defs[d].name == n);
        assert!(pos("bookings") < pos("recovered"));
        assert!(pos("recovered") < pos("balance"));
    }

    #[test]
    fn a_plain_prior_is_ordered_after_what_it_reads_and_makes_no_group() {
        let p = checked(&plan(
            "  kpi growth = bookings - prior(bookings, opening: 0 EUR)\n  \
             kpi bookings = sum(deals.amount)",
        ));
        assert!(p.lag_groups.is_empty());
        let pos = |n: &str| p.order.iter().position(|&d| p.defs[d].name == n);
        assert!(pos("bookings") < pos("growth"));
        assert_eq!(crate::check::testing::type_of(&p, "growth"), "money(EUR)");
    }

    #[test]
    fn recursion_needs_an_opening_and_a_same_period_cycle_is_still_a_cycle() {
        let m = messages(&plan("  kpi balance = prior(balance) + sum(deals.amount)"));
        assert_eq!(m[0].0, "ignition::check::recursive_prior", "{m:?}");
        let m = messages(&plan(
            "  kpi a = b + prior(a, opening: 0 EUR)\n  kpi b = a * 2",
        ));
        assert_eq!(m[0].0, "ignition::check::cycle", "{m:?}");
        assert!(
            m[0].1.contains("a → b → a") || m[0].1.contains("b → a → b"),
            "{m:?}"
        );
        let m = messages(&plan(
            "  kpi a = prior(a, opening: 0 EUR) + period_total(b)\n  \
             kpi b = prior(a, opening: 0 EUR) * 2",
        ));
        assert_eq!(m[0].0, "ignition::check::lag_wide", "{m:?}");
        let m = messages(&plan("  kpi a = prior(a, opening: 0) + sum(deals.amount)"));
        assert!(
            m.iter().any(|(c, _)| c == "ignition::check::units"),
            "{m:?}"
        );
        let m = messages(&plan(
            "  kpi a = prior(a * 2, opening: 0 EUR) + sum(deals.amount)",
        ));
        assert_eq!(m[0].0, "ignition::check::recursive_prior", "{m:?}");
    }
}
