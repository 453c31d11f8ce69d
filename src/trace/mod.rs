//! Explanations: the evaluation of one participant and period, recorded as a tree, and its
//! renderers (text, JSON, HTML). The tree is built by the interpreter's own calls (see
//! [`crate::eval::record`]); nothing here recomputes a value.
//!
//! [`schema`] is the serialisable tree (docs/explain-json.md), [`record`] turns the
//! interpreter's record into nodes, [`shape`] makes them the tree people read; [`text`] and
//! [`html`] render it.

pub mod html;
// issue 11, scorecards and cascades
pub mod intent;
mod record;
pub mod schema;
mod shape;
pub mod text;

pub use schema::{
    decimal, walk, BandStep, ColumnStep, ConversionStep, CurveStep, Explanation, Gate, LimitStep,
    LookupStep, Node, NodeKind, PayStep, PointStep, RatesStep, RoundingStep, RowRef, RowsStep,
    SourceRef, SCHEMA,
};

use crate::data::Dataset;
use crate::eval::interp::{Interp, Scope};
use crate::eval::Results;
use crate::ir::{DefId, Plan};
use record::Tracer;
use schema::AsOfStep;
use std::collections::BTreeSet;

/// Explain definitions of one participant in one period. The values are those of `results`
/// (the same interpreter computes both; a property test checks they agree).
pub fn explain(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    participant: usize,
    period: usize,
    defs: &[DefId],
) -> Explanation {
    let root = Scope {
        participant: participant as u32,
        period: period as u32,
    };
    let mut tracer = Tracer::new(plan, data, root);
    let mut nodes = Vec::new();
    for &d in defs {
        tracer.expanded.insert(d);
        let interp = Interp {
            plan,
            data,
            store: &results.values,
            def: d,
            org: None,
            args: &[],
            pay: &results.pay,
        };
        let value = interp.def_value(d, root, &mut tracer);
        let Some(node) = tracer.done.pop() else {
            continue;
        };
        let _ = value;
        nodes.push(node);
    }
    let mut used = BTreeSet::new();
    for (i, n) in nodes.iter_mut().enumerate() {
        shape::assign_ids(n, "", i, &mut used);
    }
    Explanation {
        schema: SCHEMA,
        plan: plan.name.clone(),
        file: plan.source.name.clone(),
        participant: data.roster.ids[participant].clone(),
        period: plan.calendar.periods[period].id.clone(),
        currency: plan.currency.clone(),
        nodes,
        params: plan
            .params
            .iter()
            .map(|p| {
                let (line, column) = plan.source.line_col(p.span.start as usize);
                schema::ParamStep {
                    name: p.name.clone(),
                    value: p.value.exact(&data.strings),
                    unit: crate::render::unit(&p.ty),
                    origin: match &p.origin {
                        crate::ir::ParamOrigin::Plan => "plan".to_string(),
                        crate::ir::ParamOrigin::Set(v) => format!("--set {}={v}", p.name),
                    },
                    source: schema::SourceRef {
                        file: plan.source.name.clone(),
                        line,
                        column,
                        start: p.span.start as usize,
                        end: p.span.end as usize,
                    },
                }
            })
            .collect(),
        // issue 11: the data cut
        as_of: plan.as_of.map(|d| {
            let p = &plan.calendar.periods[period];
            let to_date = d >= p.start && d < p.end;
            AsOfStep {
                date: crate::calendar::date(d).to_string(),
                elapsed: to_date.then(|| i64::from(d - p.start) + 1),
                of: to_date.then(|| i64::from(p.end - p.start) + 1),
            }
        }),
    }
}
