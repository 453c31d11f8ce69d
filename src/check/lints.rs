//! Lints: warnings about a plan that checks but may not mean what it says (unused names,
//! constant gates, payouts that can be negative or rise without a ceiling).

use super::{sign, CheckError, Checker};
use crate::ir::{self, ColId, DefId, DefKind, TableId};
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
                    .map(move |(c, _)| (TableId(t), ColId(c)))
            })
            .collect();
        let tables = self.tables.clone();
        let names = sign::Names { tables: &tables };
        let mut ranges =
            sign::Ranges::new(defs, &self.rates, &nonneg, self.participants, &self.bodies)
                .with_curves(&self.curves);
        let total_capped = defs
            .last()
            .is_some_and(|t| t.limits.iter().any(|l| l.kind == LimitKind::Cap));
        let mut warnings: Vec<CheckError> = Vec::new();
        for (i, d) in DefId::all(defs.len()).zip(defs) {
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
            let negative_ok = self.defs.get(i.index()).is_some_and(|s| s.negative_ok);
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
        // A payout's gate, and since issue 9 a KPI's or `let` value's.
        for d in defs {
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
        // issue 9, tables
        for (c, span) in self.curves.iter().zip(&self.curves_names) {
            if !self.used.contains(&c.name) {
                warnings.push(CheckError::UnusedCurve {
                    name: c.name.clone(),
                    span: (*span).into(),
                });
            }
        }
        for d in &self.defs {
            // issue 11, dashboard: `NAME.target` is the plan's own, read by the dashboard.
            let hidden = d.meta.as_ref().is_some_and(|m| m.target_of.is_some());
            if d.kind == DefKind::Let && !hidden && !self.used.contains(&d.name.name) {
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
        // issue 9, functions and parameters
        for p in &self.param_idents {
            if !self.used.contains(&p.name) {
                warnings.push(CheckError::UnusedParam {
                    name: p.name.clone(),
                    span: p.span.into(),
                });
            }
        }
        for f in &self.fns {
            if !self.used.contains(&f.name.name) {
                warnings.push(CheckError::UnusedFn {
                    name: f.name.name.clone(),
                    span: f.name.span.into(),
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
        ir::ExprKind::Const(_) | ir::ExprKind::Arg(_) => true,
        // issue 9: a param may be set on the command line; a body may read the period
        ir::ExprKind::PlanParam(..)
        | ir::ExprKind::Call { .. }
        | ir::ExprKind::Param(_)
        | ir::ExprKind::RowCol(_)
        | ir::ExprKind::Def(_)
        | ir::ExprKind::Agg { .. }
        | ir::ExprKind::Across(..)
        | ir::ExprKind::Lag { .. }
        | ir::ExprKind::PaidToDate(_)
        | ir::ExprKind::Clawback(_)
        | ir::ExprKind::PeriodStart
        | ir::ExprKind::PeriodEnd
        | ir::ExprKind::Lookup { .. }
        | ir::ExprKind::Present(_) => false,
        // issue 9, calendar arithmetic: these read the current period.
        ir::ExprKind::Calendar(ir::CalendarFn::IsQuarterEnd | ir::CalendarFn::IsYearEnd, _) => {
            false
        }
        _ => e.children().into_iter().all(is_constant),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{diags, messages, plan};

    #[test]
    fn unused_names_are_reported_rows_rates_lets_then_inputs() {
        let m = messages(&plan(
            "  input extra { x: text }\n  let n = 1\n  let rows = deals where qty > 1\n  \
             kpi k = count(deals)\n  rates r by k { 0 .. : 1% }\n  payout p = 1 EUR * k",
        ));
        let m: Vec<&str> = m.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            m,
            [
                "`rows` is never used",
                "rate table `r` is never used",
                "`n` is never used",
                "input `extra` is never used",
            ]
        );
    }

    #[test]
    fn a_constant_gate_is_a_warning() {
        let m = messages(&plan("  payout p = 1 EUR * count(deals) when 1 > 2"));
        assert_eq!(
            m,
            [(
                "ignition::check::constant_gate".to_string(),
                "the condition of `p` uses only constants, so it is always true or always false"
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_gate_on_the_period_s_end_is_not_constant_but_a_date_literal_s_month_is() {
        // issue 9, calendar arithmetic
        assert!(messages(&plan(
            "  payout p = 1 EUR * count(deals) when is_quarter_end()\n  \
             payout q = 1 EUR * count(deals) when is_year_end()"
        ))
        .is_empty());
        let m = messages(&plan(
            "  payout p = 1 EUR * count(deals) when month_of(2026-03-01) == 3",
        ));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0, "ignition::check::constant_gate");
        // A KPI's gate is linted as a payout's.
        let m = messages(&plan("  kpi k = count(deals) when 1 > 2"));
        assert_eq!(
            m,
            [(
                "ignition::check::constant_gate".to_string(),
                "the condition of `k` uses only constants, so it is always true or always false"
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_payout_that_can_be_negative_points_at_the_part_that_can() {
        let text = plan("  payout p = 1 EUR * count(deals) - quota");
        let d = diags(&text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "ignition::check::negative_payout");
        assert!(d[0].message.starts_with("payout `p` can be negative"));
        let labels: Vec<&str> = d[0].labels.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(labels[0], "may be below zero");
        assert_eq!(
            d[0].help.as_deref(),
            Some("add `floor p at 0 EUR` or wrap it in max(…, 0 EUR); if a negative amount is intended (a clawback), write `may be negative` after the payout")
        );
        // Declared `may be negative`: nothing to say.
        assert!(diags(&plan(
            "  payout p = 1 EUR * count(deals) - quota may be negative"
        ))
        .is_empty());
    }

    #[test]
    fn an_open_top_band_without_a_cap_is_uncapped() {
        let text = plan(
            "  rates r by att { 0% .. : 1% }\n  kpi att: percent = count(deals) / 4\n  \
             payout p = marginal(r, 1 EUR * count(deals), per: 4 EUR)",
        );
        let m = messages(&text);
        let uncapped: Vec<&str> = m
            .iter()
            .filter(|(c, _)| c == "ignition::check::uncapped")
            .map(|(_, m)| m.as_str())
            .collect();
        assert_eq!(uncapped, ["payout `p` has no ceiling: the last band of `r` has no upper edge and neither `p` nor `total` is capped"]);
        let capped = plan(
            "  rates r by att { 0% .. : 1% }\n  kpi att: percent = count(deals) / 4\n  \
             payout p = marginal(r, 1 EUR * count(deals), per: 4 EUR)\n  cap total at 5 EUR",
        );
        assert!(messages(&capped)
            .iter()
            .all(|(c, _)| c != "ignition::check::uncapped"));
    }
}
