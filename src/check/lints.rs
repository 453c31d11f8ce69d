//! Lints: warnings about a plan that checks but may not mean what it says (unused names,
//! constant gates, payouts that can be negative or rise without a ceiling).

use super::{sign, CheckError, Checker};
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
        let mut warnings: Vec<CheckError> = Vec::new();
        for (i, d) in defs.iter().enumerate() {
            if d.kind != DefKind::Payout {
                continue;
            }
            let range = ranges.def(i);
            if !total_capped {
                for r in &range.open {
                    warnings.push(CheckError::Uncapped {
                        payout: d.name.clone(),
                        table: self.rates[*r].name.clone(),
                        span: d.name_span.into(),
                    });
                }
            }
            let negative_ok = self.defs.get(i).is_some_and(|s| s.negative_ok);
            if !range.nonneg && !negative_ok {
                let (at, why) = ranges.why_negative(&d.expr, &names);
                warnings.push(CheckError::NegativePayout {
                    payout: d.name.clone(),
                    why: if why.is_empty() {
                        why
                    } else {
                        format!(": {why}")
                    },
                    currency: self.plan_currency(),
                    span: d.expr.span.into(),
                    at: (at != d.expr.span).then(|| at.into()),
                });
            }
        }
        for w in warnings {
            self.report(w);
        }
        for d in defs.iter().filter(|d| d.kind == DefKind::Payout) {
            if let Some(g) = &d.gate {
                if is_constant(g) {
                    self.report(CheckError::ConstantGate {
                        payout: d.name.clone(),
                        span: g.span.into(),
                    });
                }
            }
        }
    }

    pub(super) fn unused(&mut self, plan: &ast::Plan) {
        let mut warnings = Vec::new();
        for (id, _) in &self.rowsets {
            if !self.used.contains(&id.name) {
                warnings.push(CheckError::UnusedRowSet {
                    name: id.name.clone(),
                    span: id.span.into(),
                });
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
                warnings.push(CheckError::UnusedRates {
                    name: r.name.clone(),
                    span: span.into(),
                });
            }
        }
        for d in &self.defs {
            if d.kind == DefKind::Let && !self.used.contains(&d.name.name) {
                warnings.push(CheckError::UnusedLet {
                    name: d.name.name.clone(),
                    span: d.name.span.into(),
                });
            }
        }
        for t in &self.tables {
            if !self.used.contains(&t.name) {
                warnings.push(CheckError::UnusedInput {
                    name: t.name.clone(),
                    span: t.span.into(),
                });
            }
        }
        for w in warnings {
            self.report(w);
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
