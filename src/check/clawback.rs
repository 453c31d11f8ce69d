//! issue 10, clawbacks: `clawback(VALUE, cancelled: COLUMN, within: DAYS)`. `VALUE` names a
//! payout (or a KPI) computed from credited rows; the checker finds the one `sum` or
//! `count` of credited rows it reads in its own period (its base), through the definitions
//! it reads, so that each row's part of what `VALUE` paid can be worked out
//! (`eval/clawback.rs`). Reads in other periods or of other people (`ytd`, `prior`, `team`,
//! …) set the terms (a rate, an attainment), not the base.

use super::builtins::Function;
use super::exprs::{poisoned, typed};
use super::names::Target;
use super::{CheckError, Checker};
use crate::ir::{self, AggFunc, DefId, ExprKind as K};
use crate::syntax::ast::{self, ExprKind};
use crate::syntax::Span;
use crate::types::Type;
use std::collections::BTreeSet;

impl Checker<'_> {
    /// `clawback(VALUE, cancelled: COLUMN, within: DAYS)`: typed as `VALUE`.
    pub(super) fn clawback_call(
        &mut self,
        func: &Function,
        args: &[ast::Arg],
        span: Span,
        row: Option<ir::TableId>,
    ) -> ir::Expr {
        let Some(a) = self.bind(func, func.arguments, args, span) else {
            return poisoned(span);
        };
        let (Some(value), Some(cancelled), Some(within)) = (a[0], a[1], a[2]) else {
            return poisoned(span);
        };
        if let Some(function) = self.in_body() {
            self.report(self.reads_error(&function, "other periods with", "clawback(…)", span));
            return poisoned(span);
        }
        if row.is_some() {
            self.report(CheckError::AcrossInWhere {
                function: func.name.to_string(),
                span: span.into(),
            });
            return poisoned(span);
        }
        let window = self.expr(within, None);
        let window_ok = window.ty == Type::Days || window.ty == Type::Error;
        if !window_ok {
            self.report(CheckError::ClawbackWindow {
                found: window.ty.described(),
                span: within.span.into(),
            });
        }
        // The value: a definition named alone, an amount or a number.
        let found = match &value.kind {
            ExprKind::Name(n) if n.span == value.span => {
                self.def_names.get(&n.name).copied().map(|d| (d, n))
            }
            _ => None,
        };
        let Some((d, n)) = found else {
            self.clawback_value_error(value.span);
            return poisoned(span);
        };
        self.resolved(n.span, Target::Def(d));
        self.used.insert(n.name.clone());
        let ty = self.ensure_def(d);
        self.depend_on(d);
        if ty == Type::Error {
            // A cycle or an error in the definition: reported there.
            return poisoned(span);
        }
        let kind = self.defs[d].kind;
        let amount = ty.is_numeric() && ty != Type::Days;
        let named = matches!(
            kind,
            ir::DefKind::Payout | ir::DefKind::Kpi | ir::DefKind::Let
        );
        if !(amount && named) {
            self.clawback_value_error(value.span);
            return poisoned(span);
        }
        // The base: the one sum or count of credited rows the value reads.
        let mut bases: Vec<ir::Expr> = Vec::new();
        let mut seen: BTreeSet<DefId> = BTreeSet::new();
        if let Some(e) = self.defs[d].expr.clone() {
            seen.insert(d);
            self.bases_of(&e, &mut seen, &mut bases);
        }
        let base = match bases.as_slice() {
            [] => {
                self.report(CheckError::ClawbackNoBase {
                    name: n.name.clone(),
                    span: value.span.into(),
                });
                return poisoned(span);
            }
            [one] => one.clone(),
            [one, other, ..] => {
                self.report(CheckError::ClawbackBases {
                    name: n.name.clone(),
                    count: bases.len(),
                    first: self.text_of(one.span).to_string(),
                    second: self.text_of(other.span).to_string(),
                    span: value.span.into(),
                    one: one.span.into(),
                    other: other.span.into(),
                });
                return poisoned(span);
            }
        };
        let K::Agg { rows, .. } = &base.kind else {
            return poisoned(span);
        };
        let table = rows.table;
        let Some(col) = self.cancelled_column(table, cancelled) else {
            return poisoned(span);
        };
        if !window_ok {
            return poisoned(span);
        }
        typed(
            K::Clawback(Box::new(ir::Clawback {
                of: d,
                base,
                table,
                cancelled: col,
                within: window,
            })),
            ty,
            span,
        )
    }

    fn clawback_value_error(&mut self, span: Span) {
        let names: Vec<String> = self
            .defs
            .iter()
            .filter(|d| matches!(d.kind, ir::DefKind::Payout | ir::DefKind::Kpi))
            .map(|d| d.name.name.clone())
            .collect();
        self.report(CheckError::ClawbackValue {
            written: self.text_of(span).to_string(),
            names: names.join(", "),
            span: span.into(),
        });
    }

    /// The sums and counts of credited rows `e` reads in its own period, through the
    /// definitions it reads (each once), in the order met; the same aggregate reached
    /// twice (through one KPI read twice) is one base.
    fn bases_of(&self, e: &ir::Expr, seen: &mut BTreeSet<DefId>, out: &mut Vec<ir::Expr>) {
        match &e.kind {
            K::Agg { func, rows, .. } => {
                let credited = self
                    .credits
                    .get(rows.table.index())
                    .is_some_and(Option::is_some);
                if matches!(func, AggFunc::Sum | AggFunc::Count)
                    && credited
                    && !out.iter().any(|b| b.span == e.span)
                {
                    out.push(e.clone());
                }
                return;
            }
            K::Def(d) => {
                if seen.insert(*d) {
                    if let Some(x) = &self.defs[*d].expr {
                        self.bases_of(x, seen, out);
                    }
                }
                return;
            }
            // Other periods, other people, a scorecard's or cascade's measures: the terms
            // the value was paid at, not its base.
            K::Across(..)
            | K::Lag { .. }
            | K::PaidToDate(_)
            | K::KpiOf { .. }
            | K::Scorecard(_)
            | K::Cascade(_)
            | K::Clawback(_) => return,
            _ => {}
        }
        for c in e.children() {
            self.bases_of(c, seen, out);
        }
    }

    /// `cancelled: COLUMN`: a date column of the credited table `t`.
    fn cancelled_column(&mut self, t: ir::TableId, written: &ast::Expr) -> Option<ir::ColId> {
        let schema = &self.tables[t];
        let dates: Vec<String> = schema
            .columns
            .iter()
            .filter(|c| c.ty == Type::Date)
            .map(|c| c.name.clone())
            .collect();
        let table = schema.name.clone();
        let name = match &written.kind {
            ExprKind::Name(n) if n.span == written.span => Some(n),
            _ => None,
        };
        let col = name.and_then(|n| schema.column(&n.name).map(|c| (c, n)));
        let help = if dates.is_empty() {
            format!("declare the day a row was cancelled in `{table}`, e.g. `cancel_date: date?`")
        } else {
            format!("name a date column of `{table}`: {}", dates.join(", "))
        };
        let why = match (name, col) {
            (None, _) => format!("name a column of `{table}`, the credited rows"),
            (Some(n), None) => format!("`{}` is not a column of `{table}`", n.name),
            (Some(_), Some((c, n))) => {
                let ty = &self.tables[t].columns[c].ty;
                if *ty == Type::Date {
                    self.resolved(n.span, Target::Column(t, c));
                    return Some(c);
                }
                format!("`{}` is {}, not a date", n.name, ty.described())
            }
        };
        self.report(CheckError::ClawbackCancelled {
            written: self.text_of(written.span).to_string(),
            why,
            help,
            span: written.span.into(),
        });
        None
    }
}
