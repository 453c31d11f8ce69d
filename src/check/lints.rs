//! Lints: warnings about a plan that checks but may not mean what it says (unused names,
//! constant gates, payouts that can be negative or rise without a ceiling).

use super::{sign, Checker};
use crate::diagnostics::Diag;
use crate::ir::{self, ColId, DefKind, TableId};
use crate::syntax::ast::{self, DeclKind, LimitKind};
use std::collections::BTreeSet;

impl Checker<'_> {
    /// Warnings about payouts that the data could push somewhere unintended, from the value
    /// ranges of the definitions they use (see `sign.rs`).
    pub(super) fn payout_lints(&mut self, defs: &[ir::Def]) {
        let nonneg: BTreeSet<(TableId, ColId)> = self
            .tables
            .iter()
            .enumerate()
            .flat_map(|(t, s)| {
                s.columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.nonneg)
                    .map(move |(c, _)| (t, c))
            })
            .collect();
        let tables = self.tables.clone();
        let names = sign::Names { tables: &tables };
        let mut ranges = sign::Ranges::new(defs, &self.rates, &nonneg, self.participants);
        let total_capped = defs
            .last()
            .is_some_and(|t| t.limits.iter().any(|l| l.kind == LimitKind::Cap));
        let mut warnings: Vec<Diag> = Vec::new();
        for (i, d) in defs.iter().enumerate() {
            if d.kind != DefKind::Payout {
                continue;
            }
            let range = ranges.def(i);
            if !total_capped {
                for r in &range.open {
                    let name = &self.rates[*r].name;
                    let msg = format!("payout `{}` has no ceiling: the last band of `{name}` has no upper edge and neither `{}` nor `total` is capped", d.name, d.name);
                    warnings.push(
                        Diag::warning("ignition::check::uncapped", msg)
                            .in_source(&self.src)
                            .label(d.name_span, "uncapped")
                            .help(format!("add `cap {} at …` or `cap total at …`, or close the last band of `{name}`", d.name)),
                    );
                }
            }
            let negative_ok = self.defs.get(i).is_some_and(|s| s.negative_ok);
            if !range.nonneg && !negative_ok {
                let (at, why) = ranges.why_negative(&d.expr, &names);
                let msg = if why.is_empty() {
                    format!("payout `{}` can be negative", d.name)
                } else {
                    format!("payout `{}` can be negative: {why}", d.name)
                };
                let mut diag = Diag::warning("ignition::check::negative_payout", msg)
                    .in_source(&self.src)
                    .label(d.expr.span, "may be below zero");
                if at != d.expr.span {
                    diag = diag.label(at, "here");
                }
                warnings.push(diag.help(format!(
                    "add `floor {} at 0 {}` or wrap it in max(…, 0 {}); if a negative amount is intended (a clawback), write `may be negative` after the payout",
                    d.name,
                    self.plan_currency(),
                    self.plan_currency()
                )));
            }
        }
        self.diags.extend(warnings);
        for d in defs.iter().filter(|d| d.kind == DefKind::Payout) {
            if let Some(g) = &d.gate {
                if is_constant(g) {
                    let msg = format!("the condition of `{}` uses only constants, so it is always true or always false", d.name);
                    self.warn(
                        "ignition::check::constant_gate",
                        g.span,
                        msg,
                        "constant condition",
                        "compare a KPI or a column, e.g. `when attainment >= 25%`",
                    );
                }
            }
        }
    }

    pub(super) fn unused(&mut self, plan: &ast::Plan) {
        let mut warnings = Vec::new();
        for (id, _) in &self.rowsets {
            if !self.used.contains(&id.name) {
                warnings.push((
                    id.span,
                    format!("`{}` is never used", id.name),
                    "remove it, or use it in a kpi or payout",
                ));
            }
        }
        for r in &self.rates {
            if !self.used.contains(&r.name) {
                let span = plan
                    .decls
                    .iter()
                    .find_map(|d| match &d.kind {
                        DeclKind::Rates { name, .. } if name.name == r.name => Some(name.span),
                        _ => None,
                    })
                    .unwrap_or(r.span);
                warnings.push((
                    span,
                    format!("rate table `{}` is never used", r.name),
                    "apply it with marginal(…), flat(…) or lookup(…)",
                ));
            }
        }
        for d in &self.defs {
            if d.kind == DefKind::Let && !self.used.contains(&d.name.name) {
                warnings.push((
                    d.name.span,
                    format!("`{}` is never used", d.name.name),
                    "remove it, or make it a kpi to report it",
                ));
            }
        }
        for t in &self.tables {
            if !self.used.contains(&t.name) {
                warnings.push((
                    t.span,
                    format!("input `{}` is never used", t.name),
                    "credit it to participants, or remove it",
                ));
            }
        }
        for (span, msg, help) in warnings {
            self.warn("ignition::check::unused", span, msg, "unused", help);
        }
    }
}

/// Whether an expression reads nothing from the data or other definitions.
fn is_constant(e: &ir::Expr) -> bool {
    match &e.kind {
        ir::ExprKind::Const(_) => true,
        ir::ExprKind::Param(_)
        | ir::ExprKind::RowCol(_)
        | ir::ExprKind::Def(_)
        | ir::ExprKind::Agg { .. }
        | ir::ExprKind::Across(..)
        | ir::ExprKind::PeriodStart
        | ir::ExprKind::PeriodEnd
        | ir::ExprKind::Present(_) => false,
        _ => e.children().into_iter().all(is_constant),
    }
}
