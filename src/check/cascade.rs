//! issue 11, cascades: a KPI's target along the `managed by` hierarchy. `target EXPR` is
//! each participant's own target; `split equally` / `split by share EXPR` give everyone
//! below the top their manager's target, split; `roll up` gives a manager the sum of the
//! reports' targets; `targets add up` requires a team's targets to add up to the manager's.
//!
//! The checked target becomes an [`ir::ExprKind::Cascade`] wrapping the target as written,
//! so the status, `attainment_of`, `gap_of` and scorecards read the cascaded target without
//! knowing about cascades; eval walks the hierarchy (`eval/cascade.rs`).

use super::kpis::IntentSlot;
use super::{CheckError, Checker};
use crate::ir::{self, Cascade, CascadeHow, DefId, ExprKind};
use crate::types::Type;
use std::collections::BTreeSet;

impl<'p> Checker<'p> {
    /// The block's cascade lines, checked against each other (before the target is typed):
    /// a cascade needs a target, `managed by`, and one of `split` and `roll up`.
    pub(super) fn cascade_lines(&mut self, kpi: &str, slot: &IntentSlot<'p>) {
        let lines = [
            slot.split.map(|(_, s)| ("split", s)),
            slot.roll_up.map(|s| ("roll up", s)),
            slot.add_up.map(|s| ("targets add up", s)),
        ];
        let lines: Vec<(&str, crate::syntax::Span)> = lines.into_iter().flatten().collect();
        let Some(&(first, at)) = lines.first() else {
            return;
        };
        if slot.target.is_none() {
            self.report(CheckError::KpiNoTarget {
                kpi: kpi.to_string(),
                what: format!("`{first}` needs a target to cascade"),
                span: at.into(),
            });
        }
        if let (Some((_, split)), Some(_)) = (slot.split, slot.roll_up) {
            self.report(CheckError::KpiCascade {
                problem: format!("`{kpi}` both splits its target down and rolls it up"),
                help: "choose one: `split …` when the target is set at the top and shared \
                       down, `roll up` when it is set per person and summed up"
                    .into(),
                span: split.into(),
            });
        }
    }

    /// The target `own` of KPI `k` along the hierarchy, when the block cascades it; the
    /// share's dependencies join the target's.
    pub(super) fn cascade(
        &mut self,
        k: DefId,
        own: ir::Expr,
        mut deps: BTreeSet<DefId>,
    ) -> (ir::Expr, BTreeSet<DefId>) {
        let Some(slot) = self.kpi_intents.get(&k) else {
            return (own, deps);
        };
        let (split, roll_up, add_up) = (slot.split, slot.roll_up, slot.add_up.is_some());
        let line = slot.target_line.unwrap_or(own.span);
        // `participants … managed by` may come after the KPI: known by now.
        let first = split
            .map(|(_, s)| ("split", s))
            .or(roll_up.map(|s| ("roll up", s)))
            .or(slot.add_up.map(|s| ("targets add up", s)));
        if let (Some((word, at)), None, Some(_)) = (first, self.manager, self.participants) {
            self.report(CheckError::NoHierarchy {
                function: word.to_string(),
                span: at.into(),
            });
        }
        let how = match (split, roll_up) {
            (Some((None, _)), _) => CascadeHow::Equally,
            (Some((Some(share), _)), _) => {
                self.dep_stack.push(BTreeSet::new());
                let e = self.expr(share, None);
                deps.extend(self.dep_stack.pop().unwrap_or_default());
                if !e.ty.compatible(&Type::Percent) {
                    self.report(CheckError::KpiCascade {
                        problem: format!(
                            "the share of `{}` is {}, not a percent",
                            self.defs[k].name.name,
                            e.ty.described()
                        ),
                        help: "a share is each person's part of the manager's target, e.g. \
                               `split by share quota_share` with a percent column"
                            .into(),
                        span: share.span.into(),
                    });
                }
                CascadeHow::Share(e)
            }
            (None, Some(_)) => CascadeHow::RollUp,
            (None, None) if add_up => CascadeHow::Own,
            (None, None) => return (own, deps),
        };
        // Explain shows the `target …` line.
        let span = line;
        let ty = own.ty.clone();
        let e = ir::Expr {
            kind: ExprKind::Cascade(Box::new(Cascade {
                own,
                how,
                add_up,
                kpi: k,
            })),
            ty,
            span,
        };
        (e, deps)
    }
}
