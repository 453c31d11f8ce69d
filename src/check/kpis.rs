//! issue 11, kpi intent: a KPI's block (label, category, target, direction, status
//! thresholds, `no data when`), `NAME.status` built from it as a definition of its own, and
//! `attainment_of(k)` / `gap_of(k)`.
//!
//! The status is an ordinary text definition: `if NO_DATA then "no data" else if k < 80% ×
//! target then "red" else if … else "green"`, and `"no data"` when the target or a bound
//! cannot be computed. So explain shows the condition that decided it, `run` reports it as
//! the column `NAME.status`, and `diff` and plan tests compare it like any text KPI.

use super::defs::DefSlot;
use super::{CheckError, Checker};
use crate::diagnostics::suggest;
use crate::ir::{self, DefId, DefKind, ExprKind as K, KpiMeta, Value};
use crate::num::Num;
use crate::syntax::ast::{self, Better, BinOp, KpiIntent, KpiItemKind, StatusLevel, Threshold};
use crate::syntax::Span;
use crate::types::Type;
use std::collections::BTreeSet;

/// The categories a KPI may declare.
pub const CATEGORIES: [&str; 3] = ["activity", "result", "quality"];

/// The functions of a KPI against its target (not rows of `builtins::FUNCTIONS`: they take
/// the name of a KPI with a target).
pub const FUNCTIONS: [&str; 2] = ["attainment_of", "gap_of"];

/// A KPI's block, as the checker needs it.
pub(super) struct IntentSlot<'p> {
    pub(super) target: Option<&'p ast::Expr>,
    pub(super) better: Better,
    status: Option<(&'p [Threshold], Span)>,
    pub(super) no_data: Option<&'p ast::Expr>,
    /// issue 11, cascades: `split equally` (none) or `split by share EXPR`, with its line.
    pub(super) split: Option<(Option<&'p ast::Expr>, Span)>,
    /// `roll up`, with its line.
    pub(super) roll_up: Option<Span>,
    /// `targets add up`, with its line.
    pub(super) add_up: Option<Span>,
    /// The `target` line (what explain shows for a cascaded target).
    pub(super) target_line: Option<Span>,
    /// The typed target and what it reads, once checked.
    checked_target: Option<(ir::Expr, BTreeSet<DefId>)>,
    /// issue 11, causes of a gap: the `drivers` line, and once checked, the drivers and
    /// what they read (`None` inside: the line has errors).
    pub(super) drivers: Option<&'p ast::Expr>,
    pub(super) checked_drivers: Option<Option<(ir::Drivers, BTreeSet<DefId>)>>,
}

/// A status level with its condition, its bound when constant (and whether it is a share
/// of the target), and where it is written.
type Level = (StatusLevel, ir::Expr, Option<(Num, bool)>, Span);

fn mk(kind: K, ty: Type, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

/// A constant number (a literal, `-literal` or a param), for comparing thresholds.
fn constant(e: &ir::Expr) -> Option<Num> {
    match &e.kind {
        K::Const(Value::Num(n)) | K::PlanParam(_, Value::Num(n)) => Some(n.clone()),
        K::Neg(inner) => constant(inner).and_then(|n| Num::ZERO.checked_sub(&n)),
        _ => None,
    }
}

impl<'p> Checker<'p> {
    /// Read a KPI's block: its settings once each, its category; register `NAME.status` when
    /// it has a target or a status.
    pub(super) fn kpi_block(&mut self, id: DefId, name: &ast::Ident, block: &'p KpiIntent) {
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        let mut meta = KpiMeta::default();
        let mut slot = IntentSlot {
            target: None,
            better: Better::Higher,
            status: None,
            no_data: None,
            split: None,
            roll_up: None,
            add_up: None,
            target_line: None,
            checked_target: None,
            drivers: None,
            checked_drivers: None,
        };
        for item in &block.items {
            let setting = match &item.kind {
                KpiItemKind::Label(_) => "label",
                KpiItemKind::Category(_) => "category",
                KpiItemKind::Target(_) => "target",
                KpiItemKind::Better(_) => "better",
                KpiItemKind::Status(_) => "status",
                KpiItemKind::NoData(_) => "no data",
                KpiItemKind::Drivers(_) => "drivers",
                KpiItemKind::Split(_) => "split",
                KpiItemKind::RollUp => "roll up",
                KpiItemKind::AddUp => "targets add up",
            };
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == setting) {
                self.report(CheckError::KpiSettingTwice {
                    kpi: name.name.clone(),
                    setting: setting.to_string(),
                    span: item.span.into(),
                    first: (*first).into(),
                });
                continue;
            }
            seen.push((setting, item.span));
            match &item.kind {
                KpiItemKind::Label(l) => meta.label = Some(l.clone()),
                KpiItemKind::Category(c) => {
                    if CATEGORIES.contains(&c.name.as_str()) {
                        meta.category = Some(c.name.clone());
                    } else {
                        let help = suggest(&c.name, CATEGORIES, || {
                            format!("the categories are: {}", CATEGORIES.join(", "))
                        });
                        self.report(CheckError::KpiCategory {
                            found: c.name.clone(),
                            help,
                            span: c.span.into(),
                        });
                    }
                }
                KpiItemKind::Target(e) => {
                    slot.target = Some(e);
                    slot.target_line = Some(item.span);
                }
                KpiItemKind::Better(b) => {
                    slot.better = *b;
                    meta.lower_is_better = *b == Better::Lower;
                }
                KpiItemKind::Status(t) => slot.status = Some((t.as_slice(), item.span)),
                KpiItemKind::NoData(e) => slot.no_data = Some(e),
                KpiItemKind::Drivers(e) => slot.drivers = Some(e),
                KpiItemKind::Split(e) => slot.split = Some((e.as_ref(), item.span)),
                KpiItemKind::RollUp => slot.roll_up = Some(item.span),
                KpiItemKind::AddUp => slot.add_up = Some(item.span),
            }
        }
        self.cascade_lines(&name.name, &slot);
        let has_status = slot.target.is_some() || slot.status.is_some();
        let slot_target = slot.target;
        let label = meta.label.clone();
        self.defs[id].meta = Some(meta);
        self.kpi_intents.insert(id, slot);
        if has_status {
            let status = ast::Ident {
                name: format!("{}.status", name.name),
                span: name.span,
            };
            // Its line: the `status` line, else the `target` line (what explain shows).
            let line = block
                .items
                .iter()
                .find(|i| matches!(i.kind, KpiItemKind::Status(_)))
                .or_else(|| {
                    block
                        .items
                        .iter()
                        .find(|i| matches!(i.kind, KpiItemKind::Target(_)))
                })
                .map_or(block.span, |i| i.span);
            let mut s = DefSlot::new(status, DefKind::Kpi, line);
            s.meta = Some(KpiMeta {
                label: label.map(|l| format!("{l} status")),
                status_of: Some(id),
                ..KpiMeta::default()
            });
            self.add_def(s);
        }
        // issue 11, dashboard: the target as a value of its own, `NAME.target`, a `let` the
        // dashboard reads (after `NAME.status`, which `kpi_status` finds right after `NAME`).
        if let Some(t) = slot_target {
            let target = ast::Ident {
                name: format!("{}.target", name.name),
                span: name.span,
            };
            let mut s = DefSlot::new(target, DefKind::Let, t.span);
            s.meta = Some(KpiMeta {
                target_of: Some(id),
                ..KpiMeta::default()
            });
            let tid = self.add_def(s);
            if let Some(m) = self.defs[id].meta.as_mut() {
                m.target = Some(tid);
            }
        }
    }

    /// issue 11, dashboard: `NAME.target`: the KPI's typed target.
    pub(super) fn kpi_target_def(&mut self, k: DefId) -> (ir::Expr, Type) {
        match self.kpi_target(k) {
            Some(e) => {
                let ty = e.ty.clone();
                (e, ty)
            }
            None => (super::exprs::poisoned(self.defs[k].name.span), Type::Error),
        }
    }

    /// The KPI's typed target (checked once), with a dependency on what it reads.
    pub(super) fn kpi_target(&mut self, k: DefId) -> Option<ir::Expr> {
        let (src, cached) = {
            let slot = self.kpi_intents.get(&k)?;
            (slot.target?, slot.checked_target.clone())
        };
        let (e, deps) = match cached {
            Some(c) => c,
            None => {
                let kty = self.ensure_def(k);
                self.dep_stack.push(BTreeSet::new());
                let e = self.expr(src, None);
                let deps = self.dep_stack.pop().unwrap_or_default();
                if !matches!(kty, Type::Text | Type::Bool | Type::Date) && !kty.compatible(&e.ty) {
                    self.report(CheckError::KpiTargetUnit {
                        kpi: self.defs[k].name.name.clone(),
                        want: kty.described(),
                        found: e.ty.described(),
                        span: src.span.into(),
                    });
                }
                // issue 11, cascades: the target along the hierarchy.
                let (e, deps) = self.cascade(k, e, deps);
                let c = (e, deps);
                if let Some(slot) = self.kpi_intents.get_mut(&k) {
                    slot.checked_target = Some(c.clone());
                }
                c
            }
        };
        if let Some(top) = self.dep_stack.last_mut() {
            top.extend(deps);
        }
        Some(e)
    }

    /// `NAME.status` of the KPI `k`: its typed expression, text.
    pub(super) fn kpi_status(&mut self, k: DefId) -> (ir::Expr, Type) {
        let kty = self.ensure_def(k);
        if let Some(top) = self.dep_stack.last_mut() {
            top.insert(k);
        }
        let name = self.defs[k].name.name.clone();
        let kspan = self.defs[k].name.span;
        let Some(slot) = self.kpi_intents.get(&k) else {
            return (super::exprs::poisoned(kspan), Type::Error);
        };
        let (target_src, better, status, no_data) =
            (slot.target, slot.better, slot.status, slot.no_data);
        let block_span = self.defs[k.index() + 1..].first().map_or(kspan, |s| s.span);
        if matches!(kty, Type::Text | Type::Bool | Type::Date) {
            let at = target_src.map_or_else(|| status.map_or(kspan, |s| s.1), |t| t.span);
            self.report(CheckError::KpiIntentType {
                kpi: name,
                found: kty.described(),
                span: at.into(),
            });
            return (super::exprs::poisoned(block_span), Type::Error);
        }
        let target = self.kpi_target(k);
        let value = mk(K::Def(k), kty.clone(), kspan);
        let text = |c: &mut Self, s: &str, span: Span| {
            mk(K::Const(Value::Text(c.strings.intern(s))), Type::Text, span)
        };
        // (level, condition, the bound as a constant and whether it is a share of target)
        let mut levels: Vec<Level> = Vec::new();
        match status {
            Some((ths, _)) => {
                for th in ths {
                    if let Some(cond) = self.threshold(&name, &kty, better, th, target.as_ref()) {
                        if levels.iter().any(|(l, ..)| *l == th.level) {
                            self.report(CheckError::KpiThresholds {
                                kpi: name.clone(),
                                problem: format!("{} is given twice", th.level.word()),
                                help: "give each level one bound: `status red below 80% of \
                                       target, amber below 100% of target`"
                                    .into(),
                                span: th.span.into(),
                            });
                            continue;
                        }
                        levels.push((th.level, cond.0, cond.1, th.span));
                    }
                }
                let red = levels.iter().find(|l| l.0 == StatusLevel::Red);
                let amber = levels.iter().find(|l| l.0 == StatusLevel::Amber);
                if let (Some((.., Some((r, rt)), _)), Some((.., Some((a, at)), aspan))) =
                    (red, amber)
                {
                    let wrong = if better == Better::Higher {
                        r > a
                    } else {
                        r < a
                    };
                    if rt == at && wrong {
                        let side = if better == Better::Higher {
                            "below"
                        } else {
                            "above"
                        };
                        self.report(CheckError::KpiThresholds {
                            kpi: name.clone(),
                            problem: format!("amber could never show: red is {side} more"),
                            help: format!(
                                "red is the worse level: its bound is {side} amber's, e.g. \
                                 `red {side} 80% of target, amber {side} 100% of target`"
                            ),
                            span: (*aspan).into(),
                        });
                    }
                }
            }
            // A target without a `status` line: red when the target is missed.
            None => {
                if let Some(t) = &target {
                    let op = if better == Better::Higher {
                        BinOp::Lt
                    } else {
                        BinOp::Gt
                    };
                    let span = target_src.map_or(kspan, |s| s.span);
                    let cond = mk(
                        K::Binary(op, Box::new(value.clone()), Box::new(t.clone())),
                        Type::Bool,
                        span,
                    );
                    levels.push((StatusLevel::Red, cond, None, span));
                }
            }
        }
        // Red is tested first, then amber; anything else is green.
        levels.sort_by_key(|l| l.0 != StatusLevel::Red);
        let mut chain = text(self, "green", block_span);
        for (level, cond, _, span) in levels.into_iter().rev() {
            let then = text(self, level.word(), span);
            chain = mk(
                K::If {
                    cond: Box::new(cond),
                    then: Box::new(then),
                    other: Box::new(chain),
                },
                Type::Text,
                span,
            );
        }
        if let Some(nd) = no_data {
            let c = self.expr(nd, None);
            if !c.ty.compatible(&Type::Bool) {
                self.report(CheckError::KpiNoDataType {
                    found: c.ty.described(),
                    span: nd.span.into(),
                });
            }
            let then = text(self, "no data", nd.span);
            chain = mk(
                K::If {
                    cond: Box::new(c),
                    then: Box::new(then),
                    other: Box::new(chain),
                },
                Type::Text,
                nd.span,
            );
        }
        let fallback = text(self, "no data", block_span);
        let e = mk(
            K::Otherwise(Box::new(chain), Box::new(fallback)),
            Type::Text,
            block_span,
        );
        (e, Type::Text)
    }

    /// One threshold's condition (`k < 80% × target`), and its bound when constant.
    fn threshold(
        &mut self,
        name: &str,
        kty: &Type,
        better: Better,
        th: &'p Threshold,
        target: Option<&ir::Expr>,
    ) -> Option<(ir::Expr, Option<(Num, bool)>)> {
        let want_above = better == Better::Lower;
        if th.above != want_above {
            let (side, dir) = if want_above {
                ("above", "lower")
            } else {
                ("below", "higher")
            };
            self.report(CheckError::KpiThresholds {
                kpi: name.to_string(),
                problem: format!(
                    "{} is `{}` but `{name}` is better {dir}",
                    th.level.word(),
                    if th.above { "above" } else { "below" }
                ),
                help: format!(
                    "write `{} {side} …`, or `better {}` in the block",
                    th.level.word(),
                    if th.above { "lower" } else { "higher" }
                ),
                span: th.span.into(),
            });
            return None;
        }
        let bound = self.expr(&th.value, None);
        let constant_bound = constant(&bound).map(|n| (n, th.of_target));
        let bound = if th.of_target {
            let Some(t) = target else {
                self.report(CheckError::KpiNoTarget {
                    kpi: name.to_string(),
                    what: "`of target` needs a target".into(),
                    span: th.span.into(),
                });
                return None;
            };
            if !bound.ty.is_scalar() && bound.ty != Type::Error {
                self.report(CheckError::KpiThresholdUnit {
                    kpi: name.to_string(),
                    want: "a percent".into(),
                    found: bound.ty.described(),
                    help: "a bound `of target` is a share of the target, e.g. `80% of target`"
                        .into(),
                    span: th.value.span.into(),
                });
                return None;
            }
            mk(
                K::Binary(BinOp::Mul, Box::new(bound), Box::new(t.clone())),
                kty.clone(),
                th.span,
            )
        } else {
            if !bound.ty.compatible(kty) {
                self.report(CheckError::KpiThresholdUnit {
                    kpi: name.to_string(),
                    want: kty.described(),
                    found: bound.ty.described(),
                    help: format!(
                        "write the bound in the unit of `{name}`, or as a share: `80% of target`"
                    ),
                    span: th.value.span.into(),
                });
                return None;
            }
            bound
        };
        let op = if th.above { BinOp::Gt } else { BinOp::Lt };
        let value = mk(K::Def(self.def_id_of(name)?), kty.clone(), th.span);
        Some((
            mk(
                K::Binary(op, Box::new(value), Box::new(bound)),
                Type::Bool,
                th.span,
            ),
            constant_bound,
        ))
    }

    /// Whether the KPI `k` is better lower (issue 11, scorecards).
    pub(super) fn kpi_lower_is_better(&self, k: DefId) -> bool {
        self.kpi_intents
            .get(&k)
            .is_some_and(|s| s.better == Better::Lower)
    }

    /// Whether the KPI `k` has a `target` line (issue 11, scorecards).
    pub(super) fn kpi_has_target(&self, k: DefId) -> bool {
        self.kpi_intents.get(&k).is_some_and(|s| s.target.is_some())
    }

    fn def_id_of(&self, name: &str) -> Option<DefId> {
        self.def_names.get(name).copied()
    }

    /// `attainment_of(k)` and `gap_of(k)`: the KPI against its target, direction-aware.
    pub(super) fn kpi_against_target(
        &mut self,
        f: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
        row: Option<ir::TableId>,
    ) -> ir::Expr {
        let arg = match args {
            [a] if a.name.is_none() => &a.value,
            _ => {
                self.report(CheckError::KpiFunctionArgument {
                    function: f.name.clone(),
                    span: span.into(),
                });
                return super::exprs::poisoned(span);
            }
        };
        let ast::ExprKind::Name(id) = &arg.kind else {
            self.report(CheckError::KpiFunctionArgument {
                function: f.name.clone(),
                span: arg.span.into(),
            });
            return super::exprs::poisoned(span);
        };
        let value = self.expr(arg, row);
        let K::Def(k) = value.kind else {
            if value.ty != Type::Error {
                self.report(CheckError::KpiFunctionArgument {
                    function: f.name.clone(),
                    span: arg.span.into(),
                });
            }
            return super::exprs::poisoned(span);
        };
        let Some(target) = self.kpi_target(k) else {
            self.report(CheckError::KpiNoTarget {
                kpi: id.name.clone(),
                what: format!("`{}` needs a KPI with a target", f.name),
                span: arg.span.into(),
            });
            return super::exprs::poisoned(span);
        };
        if !value.ty.is_numeric() && value.ty != Type::Error {
            self.report(CheckError::KpiIntentType {
                kpi: id.name.clone(),
                found: value.ty.described(),
                span: arg.span.into(),
            });
            return super::exprs::poisoned(span);
        }
        let lower = self
            .kpi_intents
            .get(&k)
            .is_some_and(|s| s.better == Better::Lower);
        let kty = value.ty.clone();
        let (a, b) = if lower {
            (target, value)
        } else {
            (value, target)
        };
        if f.name == "attainment_of" {
            mk(
                K::Binary(BinOp::Div, Box::new(a), Box::new(b)),
                Type::Percent,
                span,
            )
        } else {
            mk(K::Binary(BinOp::Sub, Box::new(a), Box::new(b)), kty, span)
        }
    }
}
