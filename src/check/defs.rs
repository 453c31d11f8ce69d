//! Definition typing: each `let`, `kpi` and `payout` (and `total`) typed once, on demand,
//! with its dependencies; caps and floors; the measure a rate table's bands are `by`.

use super::Checker;
use crate::diagnostics::suggest;
use crate::ir::{self, DefId, DefKind};
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
        }
    }
}

impl<'p> Checker<'p> {
    /// Record a definition under its name; its id is its place in declaration order.
    pub(super) fn add_def(&mut self, d: DefSlot<'p>) -> DefId {
        let id = self.defs.len();
        self.def_names.insert(d.name.name.clone(), id);
        self.defs.push(d);
        id
    }

    pub(super) fn rates_by_check(&mut self) {
        for r in 0..self.rates.len() {
            let Some(by) = self.rates_by[r].clone() else {
                continue;
            };
            self.used.insert(by.name.clone());
            let ty = if let Some(&d) = self.def_names.get(&by.name) {
                self.ensure_def(d)
            } else if let Some(c) = self
                .participants
                .and_then(|t| self.tables[t].column(&by.name))
            {
                self.participants
                    .map_or(Type::Error, |t| self.tables[t].columns[c].ty.clone())
            } else {
                let cands: Vec<String> = self.def_names.keys().cloned().collect();
                let hint = suggest(&by.name, cands.iter().map(String::as_str), || {
                    "name the kpi the bands are measured in".to_string()
                });
                self.error(
                    "ignition::check::unknown_name",
                    by.span,
                    format!("unknown name `{}`", by.name),
                    "not defined",
                    hint,
                );
                continue;
            };
            if ty == Type::Percent {
                let why = format!("`{}` is a percent", by.name);
                self.bare_edges_for_percent(r, &why);
            }
            let edge = self.rates[r].edge_ty.clone();
            if !ty.compatible(&edge) {
                self.error(
                    "ignition::check::rates_unit",
                    by.span,
                    format!(
                        "the bands of `{}` are {} but `{}` is {}",
                        self.rates[r].name,
                        edge.described(),
                        by.name,
                        ty.described()
                    ),
                    "unit differs from the bands",
                    "write the band edges in the unit of the value they measure",
                );
            }
        }
    }

    pub(super) fn attach_limits(&mut self) {
        let limits = std::mem::take(&mut self.limits);
        for (decl, kind, target, expr) in &limits {
            let Some(&t) = self.def_names.get(&target.name) else {
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
                self.error(
                    "ignition::check::unknown_name",
                    target.span,
                    format!("no payout is called `{}`", target.name),
                    "unknown payout",
                    hint,
                );
                continue;
            };
            if !matches!(self.defs[t].kind, DefKind::Payout | DefKind::Total) {
                self.error(
                    "ignition::check::limit_target",
                    target.span,
                    format!("`{}` is not a payout", target.name),
                    "not a payout",
                    "caps and floors apply to payouts and to `total`",
                );
                continue;
            }
            let dup = limits
                .iter()
                .take_while(|(d, ..)| !std::ptr::eq(*d, *decl))
                .any(|(_, k, tg, _)| k == kind && tg.name == target.name);
            if dup {
                let what = if *kind == LimitKind::Cap {
                    "cap"
                } else {
                    "floor"
                };
                self.error(
                    "ignition::check::duplicate",
                    decl.span,
                    format!("`{}` has two {what}s", target.name),
                    "second one",
                    format!("keep one {what}; write the smaller bound with min(…, …)"),
                );
                continue;
            }
            self.dep_stack.push(BTreeSet::new());
            let e = self.expr(expr, None);
            let deps = self.dep_stack.pop().unwrap_or_default();
            self.defs[t].deps.extend(deps);
            let money = Type::Money(self.plan_currency());
            if !e.ty.compatible(&money) {
                self.error(
                    "ignition::check::limit_type",
                    expr.span,
                    format!(
                        "a {} must be money in {}, found {}",
                        if *kind == LimitKind::Cap {
                            "cap"
                        } else {
                            "floor"
                        },
                        self.plan_currency(),
                        e.ty.described()
                    ),
                    "not an amount",
                    "write an amount, e.g. `base_salary * 50% / 4` or `5000 EUR`",
                );
            }
            self.limit_exprs.insert(decl.span.start, e);
        }
        self.limits = limits;
    }

    /// Type a definition (once), recording its IR and dependencies.
    pub(super) fn ensure_def(&mut self, id: DefId) -> Type {
        match &self.defs[id].state {
            DefState::Done(t) => return t.clone(),
            DefState::InProgress => return Type::Error, // a cycle; the graph pass reports it
            DefState::Pending => {}
        }
        self.defs[id].state = DefState::InProgress;
        self.dep_stack.push(BTreeSet::new());
        let money = Type::Money(self.plan_currency());
        let (expr, ty) = match self.defs[id].kind {
            DefKind::Total => {
                let payouts: Vec<DefId> = (0..self.defs.len())
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
            kind => {
                let Some(src) = self.defs[id].source else {
                    return Type::Error;
                };
                let e = self.expr(src, None);
                let mut ty = e.ty.clone();
                if matches!(ty, Type::Rows(_) | Type::Rates(_)) {
                    ty = Type::Error;
                }
                if let Some((declared, span)) = self.defs[id].declared {
                    let want = self.type_name(declared);
                    if want.compatible(&ty) {
                        if ty != Type::Error {
                            ty = want;
                        }
                    } else {
                        self.error(
                            "ignition::check::declared_type",
                            e.span,
                            format!(
                                "`{}` is declared {} but its value is {}",
                                self.defs[id].name.name,
                                want.described(),
                                ty.described()
                            ),
                            format!("this is {}", ty.described()),
                            "change the declared type or the expression",
                        );
                        let _ = span;
                    }
                }
                if kind == DefKind::Payout && !ty.compatible(&money) {
                    self.error("ignition::check::payout_type", e.span, format!("payout `{}` must be money in {}, found {}", self.defs[id].name.name, self.plan_currency(), ty.described()), format!("this is {}", ty.described()), "a payout is an amount: multiply a rate by an amount, or write `300 EUR * count(…)`");
                }
                if let Some(g) = self.defs[id].gate_source {
                    let ge = self.expr(g, None);
                    if !ge.ty.compatible(&Type::Bool) {
                        self.error(
                            "ignition::check::gate_type",
                            g.span,
                            format!("`when` needs a condition, found {}", ge.ty.described()),
                            "not a condition",
                            "write e.g. `when attainment >= 25%`",
                        );
                    }
                    self.defs[id].gate = Some(ge);
                }
                (e, ty)
            }
        };
        let deps = self.dep_stack.pop().unwrap_or_default();
        let slot = &mut self.defs[id];
        slot.deps = deps;
        slot.expr = Some(expr);
        slot.state = DefState::Done(ty.clone());
        ty
    }
}
