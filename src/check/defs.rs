//! Definition typing: each `let`, `kpi` and `payout` (and `total`) typed once, on demand,
//! with its dependencies; caps and floors; the measure a rate table's bands are `by`.

use super::names::Target;
use super::{CheckError, Checker};
use crate::diagnostics::suggest;
use crate::ir::{self, index_by, DefId, DefKind, RatesId};
use crate::syntax::ast::{self, LimitKind, TypeName};
use crate::syntax::Span;
use crate::types::Type;
use std::collections::BTreeSet;

/// How far a definition's checking has got (for on-demand typing and cycle detection).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum DefState {
    Pending,
    InProgress,
    Done(Type),
}

/// What is known about one definition: as declared, and as far as it has been checked.
pub(super) struct DefSlot<'p> {
    pub(super) name: ast::Ident,
    pub(super) kind: DefKind,
    /// The defining expression (none for `total`).
    pub(super) source: Option<&'p ast::Expr>,
    /// A KPI's declared `: TYPE`.
    pub(super) declared: Option<(&'p TypeName, Span)>,
    /// A payout's `when` condition.
    pub(super) gate_source: Option<&'p ast::Expr>,
    /// The whole declaration.
    pub(super) span: Span,
    /// A payout declared `may be negative`.
    pub(super) negative_ok: bool,
    pub(super) state: DefState,
    /// The typed expression, once checked.
    pub(super) expr: Option<ir::Expr>,
    /// The typed `when` condition, once checked.
    pub(super) gate: Option<ir::Expr>,
    /// The definitions this one uses (its value, gate, caps and floors).
    pub(super) deps: BTreeSet<DefId>,
    /// issue 11, kpi intent: a KPI's label, category, direction; `status_of` marks the
    /// `NAME.status` definition, whose expression the checker builds from the block.
    pub(super) meta: Option<ir::KpiMeta>,
    /// issue 10, ledger: what it reads in earlier periods (`lag.rs`).
    pub(super) lags: super::lag::LagDeps,
}

impl<'p> DefSlot<'p> {
    /// A definition not yet checked.
    pub(super) fn new(name: ast::Ident, kind: DefKind, span: Span) -> DefSlot<'p> {
        DefSlot {
            name,
            kind,
            source: None,
            declared: None,
            gate_source: None,
            span,
            negative_ok: false,
            state: DefState::Pending,
            expr: None,
            gate: None,
            deps: BTreeSet::new(),
            meta: None,
            lags: super::lag::LagDeps::default(),
        }
    }
}

index_by!(DefId => DefSlot<'p>; 'p);

impl<'p> Checker<'p> {
    /// Record a definition under its name; its id is its place in declaration order.
    pub(super) fn add_def(&mut self, d: DefSlot<'p>) -> DefId {
        let id = DefId(self.defs.len());
        self.def_names.insert(d.name.name.clone(), id);
        self.defs.push(d);
        id
    }

    pub(super) fn rates_by_check(&mut self) {
        for r in RatesId::all(self.rates.len()) {
            let Some(by) = self.rates_by[r.index()].clone() else {
                continue;
            };
            let Some(ty) = self.measure_type(&by) else {
                continue;
            };
            if ty == Type::Percent {
                let why = format!("`{}` is a percent", by.name);
                self.bare_edges_for_percent(r, &why);
            }
            let edge = self.rates[r].edge_ty.clone();
            if !ty.compatible(&edge) {
                self.report(CheckError::MeasureUnit {
                    table: self.rates[r].name.clone(),
                    edges: edge.described(),
                    measure: by.name.clone(),
                    found: ty.described(),
                    span: by.span.into(),
                });
            }
            // issue 9, tables: a grid's second measure, in the unit of its columns.
            let column = self.rates_by_column.get(r.index()).cloned().flatten();
            let axis = self.rates[r].grid.as_ref().map(|g| g.columns.ty.clone());
            if let (Some(by), Some(edge)) = (column, axis) {
                if let Some(ty) = self.measure_type(&by) {
                    if !ty.compatible(&edge) {
                        self.report(CheckError::MeasureUnit {
                            table: self.rates[r].name.clone(),
                            edges: edge.described(),
                            measure: by.name.clone(),
                            found: ty.described(),
                            span: by.span.into(),
                        });
                    }
                }
            }
        }
    }

    /// issue 9, tables: each curve's `by` measure is in the unit of its points' measure.
    pub(super) fn curves_by_check(&mut self) {
        for i in 0..self.curves.len() {
            let Some(by) = self.curves_by.get(i).cloned().flatten() else {
                continue;
            };
            let Some(ty) = self.measure_type(&by) else {
                continue;
            };
            let c = &self.curves[i];
            if !ty.compatible(&c.x_ty) {
                self.report(CheckError::CurveUnit {
                    curve: c.name.clone(),
                    points: c.x_ty.described(),
                    found: ty.described(),
                    span: by.span.into(),
                });
            }
        }
    }

    /// The type of a rate table's `by` measure: a definition or a roster column (`None`
    /// after reporting an unknown name).
    fn measure_type(&mut self, by: &ast::Ident) -> Option<Type> {
        {
            self.used.insert(by.name.clone());
            let ty = if let Some(&d) = self.def_names.get(&by.name) {
                self.resolved(by.span, Target::Def(d));
                self.ensure_def(d)
            } else if let Some(c) = self
                .participants
                .and_then(|t| self.tables[t].column(&by.name))
            {
                if let Some(p) = self.participants {
                    self.resolved(by.span, Target::Column(p, c));
                }
                self.participants
                    .map_or(Type::Error, |t| self.tables[t].columns[c].ty.clone())
            } else {
                let mut cands: Vec<String> = self.def_names.keys().cloned().collect();
                // In name order, so that the hint does not depend on hashing.
                cands.sort();
                let hint = suggest(&by.name, cands.iter().map(String::as_str), || {
                    "name the kpi the bands are measured in".to_string()
                });
                self.report(CheckError::UnknownName {
                    name: by.name.clone(),
                    help: hint,
                    span: by.span.into(),
                });
                return None;
            };
            Some(ty)
        }
    }

    pub(super) fn attach_limits(&mut self) {
        let limits = std::mem::take(&mut self.limits);
        for (decl, kind, target, expr) in &limits {
            let found = self.def_names.get(&target.name).copied();
            if let Some(t) = found {
                self.resolved(target.span, Target::Def(t));
            }
            let Some(t) = found else {
                let payouts: Vec<String> = self
                    .defs
                    .iter()
                    .filter(|d| matches!(d.kind, DefKind::Payout | DefKind::Total))
                    .map(|d| d.name.name.clone())
                    .collect();
                let hint = suggest(&target.name, payouts.iter().map(String::as_str), || {
                    format!(
                        "limit a payout or `total` (payouts: {})",
                        payouts.join(", ")
                    )
                });
                self.report(CheckError::UnknownLimitTarget {
                    name: target.name.clone(),
                    help: hint,
                    span: target.span.into(),
                });
                continue;
            };
            if !matches!(self.defs[t].kind, DefKind::Payout | DefKind::Total) {
                self.report(CheckError::LimitTarget {
                    name: target.name.clone(),
                    span: target.span.into(),
                });
                continue;
            }
            let dup = limits
                .iter()
                .take_while(|(d, ..)| !std::ptr::eq(*d, *decl))
                .any(|(_, k, tg, _)| k == kind && tg.name == target.name);
            let what = if *kind == LimitKind::Cap {
                "cap"
            } else {
                "floor"
            };
            if dup {
                self.report(CheckError::DuplicateLimit {
                    target: target.name.clone(),
                    what: what.to_string(),
                    span: decl.span.into(),
                });
                continue;
            }
            self.dep_stack.push(BTreeSet::new());
            let e = self.expr(expr, None);
            let deps = self.dep_stack.pop().unwrap_or_default();
            self.defs[t].deps.extend(deps);
            let money = Type::Money(self.plan_currency());
            if !e.ty.compatible(&money) {
                self.report(CheckError::LimitType {
                    what: what.to_string(),
                    currency: self.plan_currency(),
                    found: e.ty.described(),
                    span: expr.span.into(),
                });
            }
            self.limit_exprs.insert(decl.span.start, e);
        }
        self.limits = limits;
    }

    /// Type a definition (once), recording its IR and dependencies.
    pub(super) fn ensure_def(&mut self, id: DefId) -> Type {
        match &self.defs[id].state {
            DefState::Done(t) => return t.clone(),
            DefState::InProgress => {
                self.lag_in_progress_hit();
                return Type::Error; // a cycle; the graph pass reports it
            }
            DefState::Pending => {}
        }
        self.defs[id].state = DefState::InProgress;
        self.dep_stack.push(BTreeSet::new());
        // issue 10, ledger: this definition's own uses start in its own period.
        let outer_time = self.lag_enter_def();
        let money = Type::Money(self.plan_currency());
        let (expr, ty) = match self.defs[id].kind {
            DefKind::Total => {
                let payouts: Vec<DefId> = DefId::all(self.defs.len())
                    .filter(|&d| self.defs[d].kind == DefKind::Payout)
                    .collect();
                let span = self.defs[id].span;
                let mut acc = ir::Expr {
                    kind: ir::ExprKind::Const(ir::Value::Num(crate::num::Num::ZERO)),
                    ty: money.clone(),
                    span,
                };
                for (i, p) in payouts.iter().enumerate() {
                    self.ensure_def(*p);
                    if let Some(top) = self.dep_stack.last_mut() {
                        top.insert(*p);
                    }
                    let term = ir::Expr {
                        kind: ir::ExprKind::Def(*p),
                        ty: money.clone(),
                        span: self.defs[*p].name.span,
                    };
                    acc = if i == 0 {
                        term
                    } else {
                        ir::Expr {
                            kind: ir::ExprKind::Binary(
                                ast::BinOp::Add,
                                Box::new(acc),
                                Box::new(term),
                            ),
                            ty: money.clone(),
                            span,
                        }
                    };
                }
                (acc, money.clone())
            }
            // issue 11, scorecards
            _ if self.scorecards.contains_key(&id) => self.scorecard_def(id),
            // issue 11, dashboard: `NAME.target`, the KPI's target as a value.
            _ if self.defs[id]
                .meta
                .as_ref()
                .and_then(|m| m.target_of)
                .is_some() =>
            {
                let k = self.defs[id].meta.as_ref().and_then(|m| m.target_of);
                self.kpi_target_def(k.unwrap_or(id))
            }
            // issue 11, kpi intent: `NAME.status`, built from the KPI's block.
            _ if self.defs[id]
                .meta
                .as_ref()
                .and_then(|m| m.status_of)
                .is_some() =>
            {
                let k = self.defs[id].meta.as_ref().and_then(|m| m.status_of);
                self.kpi_status(k.unwrap_or(id))
            }
            kind => {
                let Some(src) = self.defs[id].source else {
                    self.dep_stack.pop();
                    self.lag_leave_def(outer_time);
                    return Type::Error;
                };
                let e = self.expr(src, None);
                let mut ty = e.ty.clone();
                if let Some((declared, _)) = self.defs[id].declared {
                    let want = self.type_name(declared);
                    if want.compatible(&ty) {
                        if ty != Type::Error {
                            ty = want;
                        }
                    } else {
                        self.report(CheckError::DeclaredType {
                            name: self.defs[id].name.name.clone(),
                            want: want.described(),
                            found: ty.described(),
                            span: e.span.into(),
                        });
                    }
                }
                if kind == DefKind::Payout && !ty.compatible(&money) {
                    self.report(CheckError::PayoutType {
                        name: self.defs[id].name.name.clone(),
                        currency: self.plan_currency(),
                        found: ty.described(),
                        span: e.span.into(),
                    });
                }
                if let Some(g) = self.defs[id].gate_source {
                    // issue 9, conditionals: a closed gate gives 0, which only numbers have.
                    if matches!(ty, Type::Text | Type::Bool | Type::Date) {
                        self.report(CheckError::GateValueType {
                            name: self.defs[id].name.name.clone(),
                            found: ty.described(),
                            span: g.span.into(),
                        });
                    }
                    let ge = self.expr(g, None);
                    if !ge.ty.compatible(&Type::Bool) {
                        self.report(CheckError::GateType {
                            found: ge.ty.described(),
                            span: g.span.into(),
                        });
                    }
                    self.defs[id].gate = Some(ge);
                }
                (e, ty)
            }
        };
        let deps = self.dep_stack.pop().unwrap_or_default();
        let lags = self.lag_leave_def(outer_time);
        let slot = &mut self.defs[id];
        slot.deps = deps;
        slot.lags = lags;
        slot.expr = Some(expr);
        slot.state = DefState::Done(ty.clone());
        ty
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::plan;
    use crate::diagnostics::SourceFile;

    /// Check `text` and look at the definition slots the checker ends with.
    fn slots<R>(text: &str, look: impl FnOnce(&Checker) -> R) -> R {
        let src = SourceFile::new("t.plan", text.to_string());
        let ast = crate::syntax::parse(&src).expect("parses");
        let mut c = Checker::new(&src);
        c.collect(&ast);
        let _ = c.finish(&ast);
        look(&c)
    }

    #[test]
    fn slots_are_in_declaration_order_with_total_last() {
        let text = plan(
            "  kpi b = a * 2\n  let won = deals where stage == \"won\"\n  let a = count(won)\n  \
             payout p = 1 EUR * b\n  payout q = 2 EUR",
        );
        let (names, ids) = slots(&text, |c| {
            let names: Vec<(String, DefKind)> = c
                .defs
                .iter()
                .map(|d| (d.name.name.clone(), d.kind))
                .collect();
            let ids: Vec<Option<usize>> = ["b", "a", "p", "q", "total", "won"]
                .iter()
                .map(|n| c.def_names.get(*n).map(|d| d.index()))
                .collect();
            (names, ids)
        });
        // The row set `won` is not a definition; `total` comes last.
        let want = [
            ("b", DefKind::Kpi),
            ("a", DefKind::Let),
            ("p", DefKind::Payout),
            ("q", DefKind::Payout),
            ("total", DefKind::Total),
        ];
        let names: Vec<(&str, DefKind)> = names.iter().map(|(n, k)| (n.as_str(), *k)).collect();
        assert_eq!(names, want);
        assert_eq!(ids, [Some(0), Some(1), Some(2), Some(3), Some(4), None]);
    }

    #[test]
    fn the_checked_plan_finds_each_definition_by_name() {
        // Declaration order gives the ids: b 0, a 1, p 2, q 3, and `total` last at 4. The row
        // set `won`, the table `deals` and the column `quota` are not definitions.
        let text = plan(
            "  kpi b = a * 2\n  let won = deals where stage == \"won\"\n  let a = count(won)\n  \
             payout p = 1 EUR * b\n  payout q = 2 EUR",
        );
        let checked = crate::check::testing::checked(&text);
        let found: Vec<Option<usize>> = ["b", "a", "p", "q", "total", "won", "deals", "quota"]
            .iter()
            .map(|n| checked.def_named(n).map(DefId::index))
            .collect();
        assert_eq!(
            found,
            [
                Some(0),
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                None,
                None,
                None
            ]
        );
        assert_eq!(checked.def_named("total"), Some(checked.total()));
        for (id, d) in DefId::all(checked.defs.len()).zip(&checked.defs) {
            assert_eq!(checked.def_named(&d.name), Some(id));
            assert_eq!(checked.defs[id].name, d.name);
        }
    }

    #[test]
    fn each_slot_holds_its_type_expression_gate_and_dependencies() {
        let text = plan(
            "  kpi k = count(deals)\n  kpi c: money = quota / 4\n  \
             payout p = 5 EUR when k > 0\n  cap p at c\n  let unused = 1.5",
        );
        slots(&text, |c| {
            let slot = |n: &str| &c.defs[c.def_names[n]];
            let (k, cap, p, total) = (
                c.def_names["k"],
                c.def_names["c"],
                c.def_names["p"],
                DefId(4),
            );
            // A payout depends on what its gate and its cap read; total on every payout.
            assert_eq!(slot("p").deps, BTreeSet::from([k, cap]));
            assert_eq!(slot("total").deps, BTreeSet::from([p]));
            assert_eq!(c.defs[total].name.name, "total");
            assert!(slot("k").deps.is_empty());
            assert!(slot("p").gate.is_some() && slot("k").gate.is_none());
            assert!(c.defs.iter().all(|d| d.expr.is_some()));
            // 1.5 has a fraction: a number; `c` is declared money.
            assert_eq!(slot("unused").state, DefState::Done(Type::Number));
            assert_eq!(slot("c").state, DefState::Done(Type::Money("EUR".into())));
            assert_eq!(
                slot("total").state,
                DefState::Done(Type::Money("EUR".into()))
            );
        });
    }

    #[test]
    fn a_new_slot_is_pending() {
        let id = ast::Ident {
            name: "x".into(),
            span: Span::default(),
        };
        let s = DefSlot::new(id, DefKind::Kpi, Span::default());
        assert_eq!(s.state, DefState::Pending);
        assert!(s.source.is_none() && s.expr.is_none() && s.deps.is_empty() && !s.negative_ok);
    }

    #[test]
    fn a_definition_in_a_cycle_is_typed_as_an_error_once() {
        let text = plan("  kpi a = b + 1\n  kpi b = a + 1");
        slots(&text, |c| {
            let a = &c.defs[c.def_names["a"]];
            let b = &c.defs[c.def_names["b"]];
            // `a` is typed first; inside it `b` meets `a` in progress: `b` is an error, and so
            // is `a` (error + 1).
            assert_eq!(b.state, DefState::Done(Type::Error));
            assert_eq!(a.state, DefState::Done(Type::Error));
            let cycles = c
                .diags
                .iter()
                .filter(|d| d.code == "ignition::check::cycle")
                .count();
            assert_eq!(cycles, 1);
        });
    }

    #[test]
    fn the_hint_for_an_unknown_measure_does_not_depend_on_hash_order() {
        // `zz` is two edits from `a` and from `b`: the first in name order is suggested.
        let text = plan("  kpi a = 1\n  kpi b = 2\n  rates t by zz { 0 .. : 1% }");
        for _ in 0..20 {
            let d = crate::check::testing::diags(&text);
            let unknown = d
                .iter()
                .find(|d| d.message == "unknown name `zz`")
                .expect("reported");
            assert_eq!(unknown.help.as_deref(), Some("did you mean `a`?"));
        }
    }
}
