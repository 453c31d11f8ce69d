//! The recorder side of explain: the interpreter's calls (see [`crate::eval::record`])
//! turned into nodes of the schema. Nothing here recomputes a value.

use super::schema::{
    ArgStep, BandStep, Branch, CallStep, CauseStep, CausesStep, ClawbackRow, ClawbackStep,
    ColumnStep, ComparisonStep, ConversionStep, CurveStep, Gate, HierarchyMember, HierarchyStep,
    LimitStep, LookupStep, Node, NodeKind, PayStep, PointStep, ProratedRowStep, ProrationStep,
    RatesStep, RoundingStep, RowRef, RowsStep, SourceRef, TrendPoint,
};
use super::shape;
use crate::data::{ColumnData, Dataset};
use crate::eval::fx::FxUsed;
use crate::eval::interp::{Interp, Scope};
use crate::eval::record::{Note, Recorder, Traced};
use crate::eval::Slot;
use crate::ir::{
    Across, CauseBase, ColId, DefId, DefKind, Expr, ExprKind, KpiFn, ParamOrigin, Plan, RatesMode,
    TableId, Value, Within,
};
use crate::render;
use crate::syntax::ast::{BinOp, LimitKind, RoundingMode};
use crate::types::Type;
use std::collections::BTreeSet;

/// What the recorder holds for one open step: the nodes of its inputs, the notes the
/// interpreter made, and the rows it read.
struct Frame {
    children: Vec<Node>,
    notes: Vec<Note>,
    rows: Vec<(TableId, usize)>,
    /// issue 9, rows: the value of the aggregate's expression for each row, in `rows` order.
    row_values: Vec<Value>,
    /// issue 10, currencies: the conversions of each row's expression, by index in `rows`.
    row_fx: Vec<(usize, crate::eval::fx::FxUsed)>,
}

/// An aggregate's rows as the recorder saw them: the rows, the value of its expression for
/// each, and (issue 10) each row's conversions by its index.
type RowsRead<'f> = (&'f [(TableId, usize)], &'f [Value], &'f [(usize, FxUsed)]);

/// Builds the tree from the interpreter's calls.
pub(super) struct Tracer<'a> {
    plan: &'a Plan,
    data: &'a Dataset,
    root: Scope,
    frames: Vec<Frame>,
    /// Finished trees, one per explained definition.
    pub(super) done: Vec<Node>,
    /// Definitions explained in full so far (each once, in the explained scope).
    pub(super) expanded: BTreeSet<DefId>,
}

impl Recorder for Tracer<'_> {
    const ON: bool = true;

    fn open(&mut self) {
        self.frames.push(Frame {
            children: Vec::new(),
            notes: Vec::new(),
            rows: Vec::new(),
            row_values: Vec::new(),
            row_fx: Vec::new(),
        });
    }

    fn close(&mut self, _interp: &Interp, what: Traced, scope: Scope, value: &Slot) {
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        // A reference explained in place is its definition's node, not a wrapper around it.
        let in_place = match what {
            Traced::Expr(Expr {
                kind: ExprKind::Def(d),
                ..
            }) => shape::explained_in_place(&mut frame.children, &self.plan.defs[*d].name),
            _ => None,
        };
        let node = match in_place {
            Some(node) => node,
            None => self.node(what, scope, value, frame),
        };
        match self.frames.last_mut() {
            Some(parent) => parent.children.push(node),
            None => self.done.push(node),
        }
    }

    fn note(&mut self, note: Note) {
        if let Some(f) = self.frames.last_mut() {
            f.notes.push(note);
        }
    }

    fn row(&mut self, table: TableId, row: usize) {
        if let Some(f) = self.frames.last_mut() {
            f.rows.push((table, row));
        }
    }

    fn row_value(&mut self, value: &Value) {
        if let Some(f) = self.frames.last_mut() {
            f.row_values.push(value.clone());
        }
    }

    fn row_fx(&mut self, used: &crate::eval::fx::FxUsed) {
        if let Some(f) = self.frames.last_mut() {
            let i = f.rows.len().saturating_sub(1);
            f.row_fx.push((i, used.clone()));
        }
    }

    fn expand(&mut self, def: DefId, scope: Scope) -> bool {
        scope == self.root && self.expanded.insert(def)
    }
}

/// The kind of an `ytd`/`prior`/`period_total`/`team`/`org` node.
fn across(a: Across) -> NodeKind {
    match a {
        Across::Ytd => NodeKind::Ytd,
        Across::Prior => NodeKind::Prior,
        Across::PeriodTotal => NodeKind::PeriodTotal,
        Across::Team => NodeKind::Team,
        Across::Org => NodeKind::Org,
        Across::Qtd => NodeKind::Qtd,
    }
}

fn mode_name(m: RoundingMode) -> &'static str {
    match m {
        RoundingMode::HalfEven => "half-even",
        RoundingMode::HalfUp => "half-up",
        RoundingMode::HalfDown => "half-down",
        RoundingMode::Up => "up",
        RoundingMode::Down => "down",
    }
}

impl<'a> Tracer<'a> {
    /// A recorder for the explained participant and period `root`.
    pub(super) fn new(plan: &'a Plan, data: &'a Dataset, root: Scope) -> Tracer<'a> {
        Tracer {
            plan,
            data,
            root,
            frames: Vec::new(),
            done: Vec::new(),
            expanded: BTreeSet::new(),
        }
    }

    fn source(&self, span: crate::syntax::Span) -> SourceRef {
        let (line, column) = self.plan.source.line_col(span.start as usize);
        SourceRef {
            file: self.plan.source.name.clone(),
            line,
            column,
            start: span.start as usize,
            end: span.end as usize,
        }
    }

    /// The node of a finished step: what it is, its value, its inputs and its notes.
    fn node(&self, what: Traced, scope: Scope, value: &Slot, frame: Frame) -> Node {
        let plan = self.plan;
        let (kind, name, ty, span, expr_text, op): (
            NodeKind,
            Option<String>,
            Type,
            _,
            String,
            Option<BinOp>,
        ) = match what {
            Traced::Def(d) => {
                let def = &plan.defs[d];
                let text = if def.kind == DefKind::Total {
                    "the sum of the payouts".to_string()
                } else {
                    plan.text_of(def.expr.span).to_string()
                };
                let span = match (def.kind, def.limits.first()) {
                    (DefKind::Total, Some(l)) => l.span,
                    (DefKind::Total, None) => def.name_span,
                    _ => def.expr.span,
                };
                (
                    NodeKind::Definition,
                    Some(def.name.clone()),
                    def.ty.clone(),
                    span,
                    text,
                    None,
                )
            }
            Traced::Expr(e) => {
                let (kind, name, op) = match &e.kind {
                    ExprKind::Def(d) => {
                        (NodeKind::Reference, Some(plan.defs[*d].name.clone()), None)
                    }
                    ExprKind::Param(c) => (
                        NodeKind::Column,
                        Some(plan.tables[plan.participants].columns[*c].name.clone()),
                        None,
                    ),
                    ExprKind::Binary(op, ..) => (NodeKind::Operation, None, Some(*op)),
                    ExprKind::Neg(_)
                    | ExprKind::Not(_)
                    | ExprKind::Abs(_)
                    | ExprKind::Present(_) => (NodeKind::Operation, None, None),
                    ExprKind::Otherwise(..) => (NodeKind::Otherwise, None, None),
                    ExprKind::Agg { func, .. } => {
                        (NodeKind::Aggregate, Some(func.name().to_string()), None)
                    }
                    ExprKind::Rates { .. } => (NodeKind::Rates, None, None),
                    // issue 9, tables: a curve is a rate table of points
                    ExprKind::Interpolate { .. } => (NodeKind::Rates, None, None),
                    ExprKind::Prorate { .. } => (NodeKind::Prorate, None, None),
                    ExprKind::Across(a, _) => (across(*a), None, None),
                    // issue 10, ledger
                    ExprKind::Lag { .. } => (NodeKind::Prior, None, None),
                    ExprKind::PaidToDate(d) => {
                        (NodeKind::PaidToDate, Some(plan.defs[*d].name.clone()), None)
                    }
                    ExprKind::Round { .. } => (NodeKind::Round, None, None),
                    ExprKind::Min(_) => (NodeKind::Min, None, None),
                    ExprKind::Max(_) => (NodeKind::Max, None, None),
                    ExprKind::PeriodStart | ExprKind::PeriodEnd => (NodeKind::Period, None, None),
                    // issue 9, conditionals: an operation (the closed set of kinds of
                    // the schema's closed set), with `branch`.
                    ExprKind::If { .. } => (NodeKind::Operation, None, None),
                    // issue 9, calendar arithmetic: like `abs(…)`, an operation.
                    ExprKind::Calendar(..) => (NodeKind::Operation, None, None),
                    // issue 11: causes, rank, percentile, team average, trend
                    ExprKind::KpiOf { .. } => (NodeKind::Operation, None, None),
                    // issue 11: operations, with `scorecard` or `cascade`.
                    ExprKind::Scorecard(_) | ExprKind::Cascade(_) => {
                        (NodeKind::Operation, None, None)
                    }
                    ExprKind::Const(_) | ExprKind::RowCol(_) => (NodeKind::Value, None, None),
                    // issue 9: a cell of a reference table's row.
                    ExprKind::Lookup { .. } => (NodeKind::Value, None, None),
                    // issue 10, currencies: like `abs(…)`, an operation, with `conversion`.
                    ExprKind::Convert(_) => {
                        (NodeKind::Operation, Some("convert".to_string()), None)
                    }
                    // issue 10, clawbacks: an operation, with `clawback`.
                    ExprKind::Clawback(_) => {
                        (NodeKind::Operation, Some("clawback".to_string()), None)
                    }
                    // issue 9, functions and parameters
                    ExprKind::PlanParam(p, _) => {
                        (NodeKind::Param, Some(plan.params[*p].name.clone()), None)
                    }
                    ExprKind::Call { func, .. } => {
                        (NodeKind::Call, Some(plan.fns[*func].name.clone()), None)
                    }
                    ExprKind::Arg(_) => (
                        NodeKind::Value,
                        Some(plan.text_of(e.span).to_string()),
                        None,
                    ),
                };
                // A param's node points at its `param` line.
                let span = match &e.kind {
                    ExprKind::PlanParam(p, _) => plan.params[*p].span,
                    _ => e.span,
                };
                (
                    kind,
                    name,
                    e.ty.clone(),
                    span,
                    plan.text_of(e.span).to_string(),
                    op,
                )
            }
        };
        let (value_text, error) = match value {
            Ok(v) => (Some(v.exact(&self.data.strings)), None),
            Err(e) => (None, Some(e.kind.describe())),
        };
        let mut node = Node {
            kind,
            name,
            value: value_text,
            unit: render::unit(&ty),
            error,
            expr: expr_text,
            source: self.source(span),
            participant: (scope.participant != self.root.participant)
                .then(|| self.data.roster.ids[scope.participant as usize].clone()),
            period: (scope.period != self.root.period)
                .then(|| plan.calendar.periods[scope.period as usize].id.clone()),
            op,
            ..Node::default()
        };
        if let Traced::Expr(Expr {
            kind: ExprKind::PlanParam(p, _),
            ..
        }) = what
        {
            node.origin = Some(match &plan.params[*p].origin {
                ParamOrigin::Plan => "plan".to_string(),
                ParamOrigin::Set(v) => format!("--set {}={v}", plan.params[*p].name),
            });
        }
        // Flatten chains of `+` so a sum's children are its terms.
        shape::adopt(&mut node, frame.children);
        let def_limits: Vec<&crate::ir::Limit> = match what {
            Traced::Def(d) => plan.defs[d].limits.iter().collect(),
            _ => Vec::new(),
        };
        let mut limit_i = 0;
        for note in frame.notes {
            match note {
                Note::Gate { open } => {
                    let condition = match what {
                        Traced::Def(d) => plan.defs[d]
                            .gate
                            .as_ref()
                            .map(|g| plan.text_of(g.span).to_string())
                            .unwrap_or_default(),
                        _ => String::new(),
                    };
                    let paid = match what {
                        Traced::Def(d) => plan.defs[d].kind.is_paid(),
                        _ => false,
                    };
                    node.gate = Some(Gate {
                        open,
                        condition,
                        paid,
                    });
                }
                Note::Limit {
                    kind,
                    before,
                    bound,
                    after,
                } => {
                    let expr = def_limits
                        .get(limit_i)
                        .map(|l| plan.text_of(l.expr.span).to_string())
                        .unwrap_or_default();
                    limit_i += 1;
                    node.limits.push(LimitStep {
                        kind: if kind == LimitKind::Cap {
                            "cap"
                        } else {
                            "floor"
                        }
                        .into(),
                        expr,
                        before: before.normalize().to_string(),
                        bound: bound.normalize().to_string(),
                        after: after.normalize().to_string(),
                        change: after
                            .checked_sub(&before)
                            .map(|c| c.normalize().to_string())
                            .unwrap_or_default(),
                    });
                }
                Note::Fallback(reason) => node.fallback = Some(reason),
                Note::Rounded {
                    before,
                    increment,
                    mode,
                } => {
                    // The value shown is the one paid, with the increment's decimals (8600.00).
                    if let Ok(Value::Num(n)) = value {
                        node.value = Some(n.approx().to_string());
                    }
                    node.rounding = Some(RoundingStep {
                        unrounded: before.normalize().to_string(),
                        increment: increment.to_string(),
                        mode: mode_name(mode).into(),
                    });
                }
                Note::Marginal {
                    table,
                    base,
                    scale,
                    slices,
                } => {
                    let t = &plan.rates[table];
                    node.rates = Some(RatesStep {
                        table: t.name.clone(),
                        mode: "marginal".into(),
                        input: base.normalize().to_string(),
                        input_unit: node.unit.clone(),
                        value_unit: render::unit(&t.value_ty),
                        scale: Some(scale.normalize().to_string()),
                        bands: slices
                            .iter()
                            .map(|s| BandStep {
                                band: s.band,
                                written: plan.text_of(t.bands[s.band].span).to_string(),
                                from: Some(s.from.normalize().to_string()),
                                to: s.to.as_ref().map(|x| x.normalize().to_string()),
                                rate: s.rate.normalize().to_string(),
                                slice: Some(s.amount.normalize().to_string()),
                                amount: Some(s.paid.normalize().to_string()),
                            })
                            .collect(),
                        closed: None,
                        column: None,
                    });
                }
                Note::Band { table, x, band } => {
                    let t = &plan.rates[table];
                    let b = &t.bands[band];
                    let mode = match what {
                        Traced::Expr(Expr {
                            kind:
                                ExprKind::Rates {
                                    mode: RatesMode::Lookup,
                                    ..
                                },
                            ..
                        }) => "lookup",
                        _ => "flat",
                    };
                    node.rates = Some(RatesStep {
                        table: t.name.clone(),
                        mode: mode.into(),
                        input: x.normalize().to_string(),
                        input_unit: render::unit(&t.edge_ty),
                        value_unit: render::unit(&t.value_ty),
                        scale: None,
                        bands: vec![BandStep {
                            band,
                            written: plan.text_of(b.span).to_string(),
                            from: b.lo.map(|x| x.normalize().to_string()),
                            to: b.hi.map(|x| x.normalize().to_string()),
                            rate: b.value.normalize().to_string(),
                            slice: None,
                            amount: None,
                        }],
                        closed: Some(t.closedness().into()),
                        column: None,
                    });
                }
                Note::Cell {
                    table,
                    x,
                    y,
                    row,
                    column,
                } => {
                    // issue 9, tables: the row and the column found, each with the cell.
                    let t = &plan.rates[table];
                    if let Some(g) = &t.grid {
                        let cell = g
                            .cells
                            .get(row)
                            .and_then(|r| r.get(column))
                            .map(|c| c.value.normalize().to_string())
                            .unwrap_or_default();
                        let step = |axis: &crate::ir::Axis, i: usize| {
                            let k = axis.keys.get(i);
                            BandStep {
                                band: i,
                                written: k
                                    .map(|k| plan.text_of(k.span).to_string())
                                    .unwrap_or_default(),
                                from: k.and_then(|k| k.lo).map(|x| x.normalize().to_string()),
                                to: k.and_then(|k| k.hi).map(|x| x.normalize().to_string()),
                                rate: cell.clone(),
                                slice: None,
                                amount: None,
                            }
                        };
                        let mode = match what {
                            Traced::Expr(Expr {
                                kind:
                                    ExprKind::Rates {
                                        mode: RatesMode::Lookup,
                                        ..
                                    },
                                ..
                            }) => "lookup",
                            _ => "flat",
                        };
                        let input = |v: &Value| match v {
                            Value::Num(n) => n.normalize().to_string(),
                            other => other.exact(&self.data.strings),
                        };
                        node.rates = Some(RatesStep {
                            table: t.name.clone(),
                            mode: mode.into(),
                            input: input(&x),
                            input_unit: render::unit(&g.rows.ty),
                            value_unit: render::unit(&t.value_ty),
                            scale: None,
                            bands: vec![step(&g.rows, row)],
                            closed: Some(t.closedness().into()),
                            column: Some(ColumnStep {
                                input: input(&y),
                                input_unit: render::unit(&g.columns.ty),
                                band: step(&g.columns, column),
                            }),
                        });
                    }
                }
                Note::Curve { curve, x, at } => {
                    // issue 9, tables
                    let c = &plan.curves[curve];
                    let point = |i: usize| {
                        c.points.get(i).map(|p| PointStep {
                            point: i,
                            written: plan.text_of(p.span).to_string(),
                            x: p.x.normalize().to_string(),
                            y: p.y.normalize().to_string(),
                        })
                    };
                    let points: Vec<PointStep> = match (at.segment, at.edge) {
                        (Some(i), _) => [point(i), point(i + 1)].into_iter().flatten().collect(),
                        (None, Some(("below", crate::ir::EdgeRule::Hold))) => {
                            point(0).into_iter().collect()
                        }
                        (None, Some((_, crate::ir::EdgeRule::Hold))) => {
                            point(c.points.len().saturating_sub(1))
                                .into_iter()
                                .collect()
                        }
                        _ => Vec::new(),
                    };
                    node.curve = Some(CurveStep {
                        curve: c.name.clone(),
                        input: x.normalize().to_string(),
                        input_unit: render::unit(&c.x_ty),
                        value_unit: render::unit(&c.y_ty),
                        points,
                        fraction: at.fraction.map(|f| f.normalize().to_string()),
                        edge: at.edge.map(|(side, _)| side.to_string()),
                        rule: at.edge.map(|(_, rule)| rule.name().to_string()),
                    });
                }
                Note::Lookup {
                    table,
                    row,
                    key,
                    on,
                } => node.lookup = Some(self.lookup(what, table, row, &key, on)),
                // issue 10, currencies
                Note::Fx(used) => node.conversion = Some(self.conversion(&used)),
                Note::Pay(used) => {
                    node.pay = Some(PayStep {
                        currency: self.data.strings.resolve(used.currency).to_string(),
                        amount: used.after.approx().to_string(),
                        payout: used.fx.as_ref().map(|_| used.exact.normalize().to_string()),
                        conversion: used.fx.as_ref().map(|fx| self.conversion(fx)),
                        unrounded: used.before.normalize().to_string(),
                        increment: used.increment.map(|i| i.to_string()),
                        mode: mode_name(used.mode).into(),
                    })
                }
                // issue 10, clawbacks
                Note::Clawback(taken) => node.clawback = Some(self.clawback(&taken, what)),
                Note::Rows {
                    table,
                    column,
                    excluded,
                } => {
                    node.rows = Some(self.rows(
                        what,
                        table,
                        column,
                        excluded,
                        (&frame.rows, &frame.row_values, &frame.row_fx),
                    ));
                }
                Note::Prorated {
                    months,
                    active,
                    of,
                    from,
                    to,
                    over,
                } => {
                    let some = from <= to;
                    let (rows, uncovered) = match over {
                        Some(o) => (self.prorated_rows(what, &o), Some(o.uncovered)),
                        None => (Vec::new(), None),
                    };
                    node.proration = Some(ProrationStep {
                        by: if months { "months" } else { "days" }.into(),
                        active,
                        of,
                        from: some.then(|| render::day(from)),
                        to: some.then(|| render::day(to)),
                        rows,
                        uncovered,
                    });
                }
                // issue 11
                Note::Causes(c) => node.causes = Some(self.causes_step(&c)),
                Note::Compared(c) => node.comparison = Some(self.comparison_step(&c, what)),
                // issue 11 (trace/intent.rs)
                Note::Scorecard {
                    measures,
                    reweighted,
                } => {
                    if let Traced::Expr(Expr {
                        kind: ExprKind::Scorecard(sc),
                        ..
                    }) = what
                    {
                        node.scorecard =
                            Some(super::intent::scorecard(plan, sc, &measures, reweighted));
                    }
                }
                Note::Cascade {
                    manager,
                    manager_target,
                    team,
                    reports,
                } => {
                    if let Traced::Expr(Expr {
                        kind: ExprKind::Cascade(c),
                        ..
                    }) = what
                    {
                        let manager = manager.map(|m| self.data.roster.ids[m as usize].clone());
                        node.cascade = Some(super::intent::cascade(
                            c,
                            manager,
                            manager_target,
                            team,
                            reports,
                        ));
                    }
                }
                // issue 10, ledger
                Note::Paid(periods) => {
                    node.paid = Some(
                        periods
                            .iter()
                            .map(|(k, v, history)| super::schema::ChainEntry {
                                period: plan.calendar.periods[*k as usize].id.clone(),
                                value: v.as_ref().ok().map(|v| v.exact(&self.data.strings)),
                                source: history
                                    .then(|| self.data.paid.as_ref().map(|h| h.file.clone()))
                                    .flatten(),
                            })
                            .collect(),
                    );
                }
                Note::Opening | Note::Chain(_) => {
                    node.ledger = self.ledger(what, note, value);
                }
                // issue 10, assignments
                Note::Hierarchy { period, members } => {
                    node.hierarchy = self.hierarchy(period as usize, &members);
                }
                Note::Branch { holds } => {
                    if let Traced::Expr(Expr {
                        kind: ExprKind::If { cond, then, other },
                        ..
                    }) = what
                    {
                        let skipped = if holds { other } else { then };
                        node.branch = Some(Branch {
                            condition: plan.text_of(cond.span).to_string(),
                            holds,
                            taken: if holds { "then" } else { "else" }.into(),
                            skipped: plan.text_of(skipped.span).to_string(),
                        });
                    }
                }
                // issue 9: a call's arguments; its body is the last child
                Note::Call { args } => {
                    if let Traced::Expr(Expr {
                        kind:
                            ExprKind::Call {
                                func,
                                args: exprs,
                                body,
                            },
                        ..
                    }) = what
                    {
                        let f = &plan.fns[*func];
                        node.call = Some(CallStep {
                            function: f.name.clone(),
                            arguments: f
                                .params
                                .iter()
                                .zip(exprs)
                                .zip(&args)
                                .map(|((name, e), v)| ArgStep {
                                    name: name.clone(),
                                    value: v.exact(&self.data.strings),
                                    unit: render::unit(&e.ty),
                                })
                                .collect(),
                        });
                        // A constant body is not recorded: no child to mark.
                        if !matches!(plan.bodies[*body].kind, ExprKind::Const(_)) {
                            if let Some(b) = node.children.last_mut() {
                                b.role = Some("body".into());
                            }
                        }
                    }
                }
            }
        }
        if let Traced::Def(d) = what {
            shape::definition(&mut node, plan, d);
        }
        node
    }

    fn rows(
        &self,
        what: Traced,
        t: TableId,
        column: Option<ColId>,
        excluded: u64,
        // The rows read, the value of the aggregate's expression for each, and (issue 10)
        // each row's conversions.
        (rows, row_values, row_fx): RowsRead<'_>,
    ) -> RowsStep {
        let schema = &self.plan.tables[t];
        let tab = &self.data.tables[t];
        // The columns the plan used: the aggregated one (or those its expression reads) and
        // those its filters read.
        let mut used: Vec<ColId> = column.into_iter().collect();
        // issue 9, rows: the expression of each row, as written, and its unit.
        let mut per_row: Option<(String, String)> = None;
        if let Traced::Expr(Expr {
            kind: ExprKind::Agg {
                rows: rs, value, ..
            },
            ..
        }) = what
        {
            if let Some(v) = value {
                collect_row_cols(v, &mut used);
                per_row = Some((self.plan.text_of(v.span).to_string(), render::unit(&v.ty)));
            }
            for f in &rs.filters {
                collect_row_cols(f, &mut used);
            }
        }
        // issue 10, splits: a credited copy always shows its share and role.
        if let Some(sp) = self.plan.credits[t].and_then(|c| c.split) {
            for c in ColId::all(schema.columns.len()) {
                let j = schema.columns[c].joined;
                if (j == Some(sp.share) || (j.is_some() && j == sp.role)) && !used.contains(&c) {
                    used.push(c);
                }
            }
        }
        // issue 10, currencies: an amount in its row's currency is listed with that currency.
        for i in 0..used.len() {
            if let crate::types::Type::MoneyIn { column, .. } = &schema.columns[used[i]].ty {
                if let Some(c) = schema.column(column).filter(|c| !used.contains(c)) {
                    used.push(c);
                }
            }
        }
        let list = rows
            .iter()
            .enumerate()
            .filter(|(_, (tt, _))| *tt == t)
            .map(|(i, &(_, r))| {
                let mut values: indexmap::IndexMap<String, String> = used
                    .iter()
                    .map(|&c| {
                        (
                            schema.columns[c].name.clone(),
                            cell_text(tab, c, r, schema.is_computed(c), &self.data.strings),
                        )
                    })
                    .collect();
                if let (Some((text, _)), Some(v)) = (&per_row, row_values.get(i)) {
                    values.insert(text.clone(), v.exact(&self.data.strings));
                }
                RowRef {
                    key: schema.key.map(|k| {
                        tab.columns[k]
                            .text(tab.at(k, r), &self.data.strings)
                            .to_string()
                    }),
                    line: tab.line(r),
                    values,
                    conversions: row_fx
                        .iter()
                        .filter(|(at, _)| *at == i)
                        .map(|(_, used)| self.conversion(used))
                        .collect(),
                }
            })
            .collect::<Vec<_>>();
        let mut units: indexmap::IndexMap<String, String> = used
            .iter()
            .map(|&c| {
                (
                    schema.columns[c].name.clone(),
                    render::unit(&schema.columns[c].ty),
                )
            })
            .collect();
        if let Some((text, unit)) = &per_row {
            units.insert(text.clone(), unit.clone());
        }
        RowsStep {
            table: schema.name.clone(),
            file: tab.file.clone(),
            row_word: tab.row_word,
            count: list.len(),
            excluded,
            column: column
                .map(|c| schema.columns[c].name.clone())
                .or_else(|| per_row.map(|(text, _)| text)),
            units,
            list,
        }
    }
}

impl Tracer<'_> {
    /// issue 10, ledger: the opening a `prior(…, opening: …)` took, or the values back to it.
    fn ledger(&self, what: Traced, note: Note, value: &Slot) -> Option<super::schema::LedgerStep> {
        let Traced::Expr(Expr {
            kind: ExprKind::Lag { opening, .. },
            ..
        }) = what
        else {
            return None;
        };
        let text = |slot: &Slot| match slot {
            Ok(v) => Some(v.exact(&self.data.strings)),
            Err(_) => None,
        };
        let opening_text = self.plan.text_of(opening.span).to_string();
        Some(match note {
            Note::Chain(c) => super::schema::LedgerStep {
                took: "previous".into(),
                opening: opening_text,
                opening_value: text(&c.opening),
                name: Some(self.plan.defs[c.def].name.clone()),
                chain: c
                    .values
                    .iter()
                    .map(|(k, v)| super::schema::ChainEntry {
                        period: self.plan.calendar.periods[*k as usize].id.clone(),
                        value: text(v),
                        source: None,
                    })
                    .collect(),
                omitted: c.omitted,
            },
            // The first period: the value taken is the opening's.
            _ => super::schema::LedgerStep {
                took: "opening".into(),
                opening: opening_text,
                opening_value: text(value),
                name: None,
                chain: Vec::new(),
                omitted: 0,
            },
        })
    }

    /// The row a lookup used, with every cell (issue 9).
    fn lookup(
        &self,
        what: Traced,
        t: TableId,
        r: u32,
        key: &[Value],
        on: Option<i32>,
    ) -> LookupStep {
        let schema = &self.plan.tables[t];
        let tab = &self.data.tables[t];
        let r = r as usize;
        let column = match what {
            Traced::Expr(Expr {
                kind: ExprKind::Lookup { column, .. },
                ..
            }) => schema.columns[*column].name.clone(),
            _ => String::new(),
        };
        LookupStep {
            table: schema.name.clone(),
            file: tab.file.clone(),
            line: tab.line(r),
            key: schema
                .keys
                .iter()
                .zip(key)
                .map(|(&c, v)| (schema.columns[c].name.clone(), v.exact(&self.data.strings)))
                .collect(),
            on: on.map(render::day),
            column,
            units: schema
                .columns
                .iter()
                .map(|c| (c.name.clone(), render::unit(&c.ty)))
                .collect(),
            values: ColId::all(schema.columns.len())
                .map(|c| {
                    (
                        schema.columns[c].name.clone(),
                        cell_text(tab, c, r, schema.is_computed(c), &self.data.strings),
                    )
                })
                .collect(),
        }
    }
}

impl Tracer<'_> {
    /// issue 10, assignments: the hierarchy of period `k` a team or org read: each member's
    /// manager and history row in force.
    fn hierarchy(&self, k: usize, members: &[u32]) -> Option<HierarchyStep> {
        let t = self.plan.manager_table?;
        let h = self.data.roster.dated.as_ref()?.get(k)?;
        let tab = &self.data.tables[t];
        let roster = &self.data.roster;
        Some(HierarchyStep {
            on: render::day(self.plan.calendar.periods.get(k)?.end),
            file: tab.file.clone(),
            members: members
                .iter()
                .filter_map(|&m| {
                    let row = (*h.rows.get(m as usize)?)?;
                    let boss = (*h.manager.get(m as usize)?)?;
                    Some(HierarchyMember {
                        participant: roster.ids.get(m as usize)?.clone(),
                        manager: roster.ids.get(boss as usize)?.clone(),
                        line: tab.line(row as usize),
                    })
                })
                .collect(),
        })
    }

    /// issue 10, assignments: the rows a `prorate` of an effective-dated table weighed.
    fn prorated_rows(
        &self,
        what: Traced,
        o: &crate::eval::assign::ProratedRows,
    ) -> Vec<ProratedRowStep> {
        // The column read is the prorated lookup's: `prorate(T(KEY).COLUMN)`.
        let column = match what {
            Traced::Expr(Expr {
                kind: ExprKind::Prorate { value, .. },
                ..
            }) => match &value.kind {
                ExprKind::Lookup { column, .. } => Some(*column),
                _ => None,
            },
            _ => None,
        };
        o.rows
            .iter()
            .map(|r| {
                let mut row = self.lookup(what, o.table, r.row, &o.key, None);
                if let Some(c) = column {
                    row.column = self.plan.tables[o.table].columns[c].name.clone();
                }
                ProratedRowStep {
                    row,
                    from: render::day(r.from),
                    to: render::day(r.to),
                    days: r.days,
                    value: self.exact(&r.value),
                    share: self.exact(&r.share),
                }
            })
            .collect()
    }

    /// issue 10, clawbacks: each row cancelled in the period, with what was taken back.
    fn clawback(&self, taken: &crate::eval::clawback::Taken, what: Traced) -> ClawbackStep {
        use crate::eval::clawback::Outcome;
        let plan = self.plan;
        let (t, base, base_unit) = match what {
            Traced::Expr(Expr {
                kind: ExprKind::Clawback(c),
                ..
            }) => (
                Some(c.table),
                plan.text_of(c.base.span).to_string(),
                render::unit(&c.base.ty),
            ),
            _ => (None, String::new(), String::new()),
        };
        let exact = |n: &crate::num::Num| n.normalize().to_string();
        let rows = t.map_or_else(Vec::new, |t| {
            let schema = &plan.tables[t];
            let tab = &self.data.tables[t];
            taken
                .rows
                .iter()
                .map(|row| {
                    let r = row.row as usize;
                    let key = schema.key.map(|c| {
                        format!(
                            "{} {}",
                            schema.columns[c].name,
                            cell_text(tab, c, r, schema.is_computed(c), &self.data.strings)
                        )
                    });
                    let share = match &row.outcome {
                        Outcome::Taken(s) => Some(s),
                        _ => None,
                    };
                    ClawbackRow {
                        file: tab.file.clone(),
                        line: tab.line(r),
                        key,
                        period: plan.calendar.periods[row.period as usize].id.clone(),
                        credited: render::day(row.credited),
                        cancelled: render::day(row.cancelled),
                        days: i64::from(row.cancelled) - i64::from(row.credited),
                        outcome: match row.outcome {
                            Outcome::Taken(_) => "taken",
                            Outcome::Outside => "after window",
                            Outcome::NotCounted => "not counted",
                        }
                        .to_string(),
                        value: share.map(|s| exact(&s.value)),
                        base_total: share.map(|s| exact(&s.base)),
                        paid: share.map(|s| exact(&s.paid)),
                        source: share
                            .filter(|s| s.history)
                            .and_then(|_| self.data.paid.as_ref().map(|h| h.file.clone())),
                        taken: share.map(|s| exact(&s.taken)),
                    }
                })
                .collect()
        });
        ClawbackStep {
            of: plan.defs[taken.of].name.clone(),
            payout: plan.defs[taken.of].kind == DefKind::Payout,
            base,
            base_unit,
            window_days: taken.window,
            rows,
        }
    }

    /// The rate a conversion used, with its FX row (issue 10, currencies).
    fn conversion(&self, used: &crate::eval::fx::FxUsed) -> ConversionStep {
        let strings = &self.data.strings;
        let (from, to) = (Value::Text(used.from), Value::Text(used.to));
        let row = used.row.map(|(t, r, inverse)| {
            let key = if inverse {
                [to.clone(), from.clone()]
            } else {
                [from.clone(), to.clone()]
            };
            let mut step = self.lookup(Traced::Def(crate::ir::DefId(0)), t, r, &key, used.on);
            step.column = self.plan.tables[t].columns[used.rate].name.clone();
            step
        });
        ConversionStep {
            from: from.exact(strings),
            to: to.exact(strings),
            rate: render::number(&used.factor),
            inverse: used.row.is_some_and(|(_, _, inverse)| inverse),
            row,
        }
    }
}

fn collect_row_cols(e: &Expr, out: &mut Vec<ColId>) {
    if let ExprKind::RowCol(c) = e.kind {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    for child in e.children() {
        collect_row_cols(child, out);
    }
}

fn cell_text(
    tab: &crate::data::Table,
    c: ColId,
    r: usize,
    computed: bool,
    strings: &crate::intern::Interner,
) -> String {
    // issue 9, rows: a computed column shows the value the evaluator computed (none when
    // the evaluation did not need it: an `otherwise` that never fell back to it).
    if computed {
        return match tab.computed_values(c).and_then(|cells| cells.get(r)) {
            Some(Ok(v)) => match v {
                crate::ir::Value::Text(s) => strings.resolve(*s).to_string(),
                crate::ir::Value::Num(n) => render::number(n),
                crate::ir::Value::Date(d) => render::day(*d),
                crate::ir::Value::Bool(b) => b.to_string(),
            },
            _ => String::new(),
        };
    }
    let col = &tab.columns[c];
    let i = tab.at(c, r);
    if !col.is_present(i) {
        return String::new();
    }
    match &col.data {
        ColumnData::Text(_) | ColumnData::Raw { .. } => col.text(i, strings).to_string(),
        ColumnData::Num(v) => v[i].normalize().to_string(),
        ColumnData::Date(v) => render::day(v[i]),
        ColumnData::Bool(v) => v[i].to_string(),
    }
}

// issue 11, causes of a gap; comparison and trend
impl Tracer<'_> {
    fn exact(&self, n: &crate::num::Num) -> String {
        Value::Num(n.clone()).exact(&self.data.strings)
    }

    /// A decomposition as the schema's `causes` block.
    fn causes_step(&self, c: &crate::eval::drivers::Causes) -> CausesStep {
        use crate::eval::drivers::Part;
        let plan = self.plan;
        let kty = &plan.defs[c.kpi].ty;
        CausesStep {
            kpi: plan.defs[c.kpi].name.clone(),
            vs: match c.base {
                CauseBase::Target => "target",
                CauseBase::Prior => "prior",
            }
            .into(),
            value: self.exact(&c.value),
            reference: self.exact(&c.reference),
            gap: self.exact(&c.gap),
            unit: render::unit(kty),
            lines: c
                .lines
                .iter()
                .map(|l| {
                    let (part, driver, ty) = match l.part {
                        Part::Driver(d) => {
                            ("driver", Some(plan.defs[d].name.clone()), &plan.defs[d].ty)
                        }
                        Part::Value => ("value", None, kty),
                        Part::Reference => ("reference", None, kty),
                    };
                    CauseStep {
                        part: part.into(),
                        driver,
                        actual: self.exact(&l.actual),
                        reference: self.exact(&l.reference),
                        unit: render::unit(ty),
                        effect: self.exact(&l.effect),
                    }
                })
                .collect(),
        }
    }

    /// What a comparison read, as the schema's `comparison` block.
    fn comparison_step(&self, c: &crate::eval::compare::Compared, what: Traced) -> ComparisonStep {
        use crate::eval::compare::Compared;
        let function = match what {
            Traced::Expr(Expr {
                kind: ExprKind::KpiOf { func, .. },
                ..
            }) => match func {
                KpiFn::Cause { .. } => "cause_of",
                KpiFn::Rank(_) => "rank",
                KpiFn::Percentile(_) => "percentile",
                KpiFn::TeamAvg => "team_avg",
                KpiFn::Trend(_) => "trend",
                KpiFn::Pace => "pace",
            },
            _ => "",
        }
        .to_string();
        let mut step = ComparisonStep {
            function,
            within: None,
            members: None,
            better: None,
            worse: None,
            sum: None,
            points: Vec::new(),
            elapsed: None,
            of: None,
        };
        match c {
            Compared::Group {
                within,
                members,
                better,
                worse,
            } => {
                step.within = Some(
                    match within {
                        Within::Team => "team",
                        Within::Org => "org",
                    }
                    .into(),
                );
                step.members = Some(*members);
                step.better = Some(*better);
                step.worse = Some(*worse);
            }
            Compared::Average { members, sum } => {
                step.within = Some("team".into());
                step.members = Some(*members);
                step.sum = Some(self.exact(sum));
            }
            Compared::Pace { elapsed, of } => {
                step.elapsed = Some(*elapsed);
                step.of = Some(*of);
            }
            Compared::Trend { points } => {
                step.points = points
                    .iter()
                    .map(|(k, v)| TrendPoint {
                        period: self.plan.calendar.periods[*k as usize].id.clone(),
                        value: self.exact(v),
                    })
                    .collect();
            }
        }
        step
    }
}
