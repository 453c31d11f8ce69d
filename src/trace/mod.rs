//! Explanations: the evaluation of one participant and period, recorded as a tree, and its
//! renderers (text, JSON, HTML). The tree is built by the interpreter's own calls (see
//! [`crate::eval::record`]); nothing here recomputes a value.

pub mod html;
pub mod text;

use crate::data::{ColumnData, Dataset};
use crate::eval::interp::{Interp, Scope};
use crate::eval::record::{Note, Recorder, Traced};
use crate::eval::{Results, Slot};
use crate::ir::{DefId, DefKind, Expr, ExprKind, Plan, RatesMode, TableId, Value};
use crate::syntax::ast::{BinOp, LimitKind, RoundingMode};
use crate::types::Type;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeSet;

/// The version of the JSON schema (docs/explain-json.md).
pub const SCHEMA: &str = "ignition.explain/1";

/// One explained number.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Node {
    /// Stable id: the definition's name, or the parent's id and the child's position.
    pub id: String,
    /// What kind of step this is (definition, reference, aggregate, rates, operation, …).
    pub kind: String,
    /// The definition's name, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The exact value as a decimal string (text, date or true/false for those types).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The unit: a currency code, percent, number, integer, days, date, text, bool.
    pub unit: String,
    /// Why there is no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The expression as written in the plan.
    pub expr: String,
    /// Where it is written.
    pub source: SourceRef,
    /// The participant, when not the explained one (team, org).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
    /// The period, when not the explained one (ytd, prior).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// A `when` gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
    /// Caps and floors, in the order applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<LimitStep>,
    /// Why `otherwise` took its fallback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// A rate table applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rates: Option<RatesStep>,
    /// An aggregate's rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<RowsStep>,
    /// Rounding of a payout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounding: Option<RoundingStep>,
    /// The inputs of this step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// What this child is to its parent when it is not an input of its value:
    /// `gate` (a `when` condition), `cap` or `floor` (a bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Marked as different from another explanation (by `diff --explain`).
    #[serde(skip)]
    pub changed: bool,
    /// The operator, for operations (internal: used to flatten sums).
    #[serde(skip)]
    pub op: Option<BinOp>,
}

/// A place in the plan.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceRef {
    /// Plan file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Byte offsets of the expression.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
}

/// A `when` gate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Gate {
    /// The condition's value.
    pub open: bool,
    /// The condition as written.
    pub condition: String,
}

/// A cap or floor applied.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LimitStep {
    /// cap | floor
    pub kind: String,
    /// The bound as written.
    pub expr: String,
    /// The value before.
    pub before: String,
    /// The bound.
    pub bound: String,
    /// The value after.
    pub after: String,
    /// after − before (negative when a cap removed something).
    pub change: String,
}

/// A rate table applied.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RatesStep {
    /// The table's name.
    pub table: String,
    /// marginal | flat | lookup
    pub mode: String,
    /// The base (marginal) or the value looked up (flat, lookup).
    pub input: String,
    /// The unit of `input`, of the band edges and of `scale`: the base's unit for marginal
    /// tables (edges are then edge × scale), the table's edge unit for flat and lookup.
    pub input_unit: String,
    /// The unit of the band values (`rate`).
    pub value_unit: String,
    /// The scale of a marginal table (`per:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    /// The bands that applied.
    pub bands: Vec<BandStep>,
}

/// One band that applied.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BandStep {
    /// Band index in the table.
    pub band: usize,
    /// The band as written, e.g. `50% .. 100% : 8%`.
    pub written: String,
    /// Lower edge in the base's unit (marginal), or as written.
    pub from: Option<String>,
    /// Upper edge in the base's unit (marginal), or as written.
    pub to: Option<String>,
    /// The band's rate or value.
    pub rate: String,
    /// The slice of the base in this band (marginal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
    /// slice × rate (marginal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
}

/// An aggregate's rows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowsStep {
    /// Input table.
    pub table: String,
    /// Its file.
    pub file: String,
    /// Rows that contributed.
    pub count: usize,
    /// Rows of this participant and period that a `where` left out.
    pub excluded: u64,
    /// The aggregated column, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The unit of each listed column.
    pub units: indexmap::IndexMap<String, String>,
    /// Each contributing row.
    pub list: Vec<RowRef>,
}

/// One contributing row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowRef {
    /// Its key, if the table has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Source line in the file.
    pub line: u32,
    /// The values the plan used, by column.
    pub values: indexmap::IndexMap<String, String>,
}

/// Rounding of a payout.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RoundingStep {
    /// The value before rounding.
    pub unrounded: String,
    /// The increment.
    pub increment: String,
    /// The rule.
    pub mode: String,
}

/// A whole explanation.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// Schema id and version.
    pub schema: &'static str,
    /// Plan title.
    pub plan: String,
    /// Plan file.
    pub file: String,
    /// Participant id.
    pub participant: String,
    /// Period id.
    pub period: String,
    /// Plan currency.
    pub currency: String,
    /// One tree per explained definition.
    pub nodes: Vec<Node>,
}

struct Frame {
    children: Vec<Node>,
    notes: Vec<Note>,
    rows: Vec<(TableId, usize)>,
}

/// Builds the tree from the interpreter's calls.
struct Tracer<'a> {
    plan: &'a Plan,
    data: &'a Dataset,
    root: Scope,
    frames: Vec<Frame>,
    done: Vec<Node>,
    expanded: BTreeSet<DefId>,
}

impl Recorder for Tracer<'_> {
    const ON: bool = true;

    fn open(&mut self) {
        self.frames.push(Frame {
            children: Vec::new(),
            notes: Vec::new(),
            rows: Vec::new(),
        });
    }

    fn close(&mut self, interp: &Interp, what: Traced, scope: Scope, value: &Slot) {
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        // A reference explained in place is its definition's node, not a wrapper around it.
        let node = match what {
            Traced::Expr(Expr {
                kind: ExprKind::Def(d),
                ..
            }) if frame.children.len() == 1
                && frame.children[0].kind == "definition"
                && frame.children[0].name.as_deref() == Some(self.plan.defs[*d].name.as_str()) =>
            {
                frame.children.remove(0)
            }
            _ => self.node(interp, what, scope, value, frame),
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

    fn expand(&mut self, def: DefId, scope: Scope) -> bool {
        scope == self.root && self.expanded.insert(def)
    }
}

/// The unit of a type, as shown.
pub fn unit(ty: &Type) -> String {
    match ty {
        Type::Money(c) => c.clone(),
        other => other.to_string(),
    }
}

/// Exact text of a value.
pub fn exact(v: &Value, data: &Dataset) -> String {
    match v {
        Value::Num(n) => n.normalize().to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Text(s) => data.strings.resolve(*s).to_string(),
        Value::Date(d) => crate::calendar::date(*d).to_string(),
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

impl Tracer<'_> {
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

    fn node(
        &self,
        interp: &Interp,
        what: Traced,
        scope: Scope,
        value: &Slot,
        frame: Frame,
    ) -> Node {
        let plan = self.plan;
        let (kind, name, ty, span, expr_text, op): (
            String,
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
                    "definition".into(),
                    Some(def.name.clone()),
                    def.ty.clone(),
                    span,
                    text,
                    None,
                )
            }
            Traced::Expr(e) => {
                let (kind, name, op) = match &e.kind {
                    ExprKind::Def(d) => (
                        "reference".to_string(),
                        Some(plan.defs[*d].name.clone()),
                        None,
                    ),
                    ExprKind::Param(c) => (
                        "column".into(),
                        Some(plan.tables[plan.participants].columns[*c].name.clone()),
                        None,
                    ),
                    ExprKind::Binary(op, ..) => ("operation".into(), None, Some(*op)),
                    ExprKind::Neg(_)
                    | ExprKind::Not(_)
                    | ExprKind::Abs(_)
                    | ExprKind::Present(_) => ("operation".into(), None, None),
                    ExprKind::Otherwise(..) => ("otherwise".into(), None, None),
                    ExprKind::Agg { func, .. } => {
                        ("aggregate".into(), Some(func.name().to_string()), None)
                    }
                    ExprKind::Rates { .. } => ("rates".into(), None, None),
                    ExprKind::Prorate { .. } => ("prorate".into(), None, None),
                    ExprKind::Across(a, _) => (a.name().to_string(), None, None),
                    ExprKind::Round { .. } => ("round".into(), None, None),
                    ExprKind::Min(_) => ("min".into(), None, None),
                    ExprKind::Max(_) => ("max".into(), None, None),
                    ExprKind::PeriodStart | ExprKind::PeriodEnd => ("period".into(), None, None),
                    ExprKind::Const(_) | ExprKind::RowCol(_) => ("value".into(), None, None),
                };
                (
                    kind,
                    name,
                    e.ty.clone(),
                    e.span,
                    plan.text_of(e.span).to_string(),
                    op,
                )
            }
        };
        let (value_text, error) = match value {
            Ok(v) => (Some(exact(v, self.data)), None),
            Err(e) => (None, Some(e.kind.describe())),
        };
        let mut node = Node {
            id: String::new(),
            kind,
            name,
            value: value_text,
            unit: unit(&ty),
            error,
            expr: expr_text,
            source: self.source(span),
            participant: (scope.participant != self.root.participant)
                .then(|| self.data.roster.ids[scope.participant as usize].clone()),
            period: (scope.period != self.root.period)
                .then(|| plan.calendar.periods[scope.period as usize].id.clone()),
            gate: None,
            limits: Vec::new(),
            fallback: None,
            rates: None,
            rows: None,
            rounding: None,
            children: Vec::new(),
            role: None,
            changed: false,
            op,
        };
        // Flatten chains of `+` so a sum's children are its terms.
        for child in frame.children {
            if op == Some(BinOp::Add)
                && child.op == Some(BinOp::Add)
                && child.participant == node.participant
                && child.period == node.period
            {
                node.children.extend(child.children);
            } else {
                node.children.push(child);
            }
        }
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
                    node.gate = Some(Gate { open, condition });
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
                        value_unit: unit(&t.value_ty),
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
                        input_unit: unit(&t.edge_ty),
                        value_unit: unit(&t.value_ty),
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
                    });
                }
                Note::Rows {
                    table,
                    column,
                    excluded,
                } => {
                    node.rows = Some(self.rows(what, table, column, excluded, &frame.rows));
                }
            }
        }
        let _ = interp;
        // Mark the gate's condition and the bounds by where they are written, so the remaining
        // children are the inputs of the value (constant bounds have no node of their own).
        if let Traced::Def(d) = what {
            let def = &plan.defs[d];
            let same = |c: &Node, sp: crate::syntax::Span| {
                c.source.start == sp.start as usize && c.source.end == sp.end as usize
            };
            for c in &mut node.children {
                if def.gate.as_ref().is_some_and(|g| same(c, g.span)) {
                    c.role = Some("gate".into());
                } else if let Some(l) = def.limits.iter().find(|l| same(c, l.expr.span)) {
                    c.role = Some(
                        if l.kind == LimitKind::Cap {
                            "cap"
                        } else {
                            "floor"
                        }
                        .into(),
                    );
                }
            }
        }
        // A definition and the expression that is its value are one step: merge them, so the
        // definition's children are the expression's inputs.
        if let Traced::Def(d) = what {
            let span = plan.defs[d].expr.span;
            if let Some(i) = node.children.iter().position(|c| {
                c.role.is_none()
                    && c.source.start == span.start as usize
                    && c.source.end == span.end as usize
                    && !matches!(c.kind.as_str(), "definition" | "reference" | "column")
                    && c.participant.is_none()
                    && c.period.is_none()
            }) {
                let inner = node.children.remove(i);
                node.rows = node.rows.take().or(inner.rows);
                node.rates = node.rates.take().or(inner.rates);
                node.fallback = node.fallback.take().or(inner.fallback);
                if inner.kind != "operation" || inner.op.is_some() {
                    node.op = inner.op;
                }
                for (j, c) in inner.children.into_iter().enumerate() {
                    node.children.insert(i + j, c);
                }
            }
        }
        node
    }

    fn rows(
        &self,
        what: Traced,
        t: TableId,
        column: Option<usize>,
        excluded: u64,
        rows: &[(TableId, usize)],
    ) -> RowsStep {
        let schema = &self.plan.tables[t];
        let tab = &self.data.tables[t];
        // The columns the plan used: the aggregated one and those its filters read.
        let mut used: Vec<usize> = column.into_iter().collect();
        if let Traced::Expr(Expr {
            kind: ExprKind::Agg { rows: rs, .. },
            ..
        }) = what
        {
            for f in &rs.filters {
                collect_row_cols(f, &mut used);
            }
        }
        let list = rows
            .iter()
            .filter(|(tt, _)| *tt == t)
            .map(|&(_, r)| RowRef {
                key: schema.key.map(|k| {
                    tab.columns[k]
                        .text(tab.at(k, r), &self.data.strings)
                        .to_string()
                }),
                line: tab.line(r),
                values: used
                    .iter()
                    .map(|&c| {
                        (
                            schema.columns[c].name.clone(),
                            cell_text(tab, c, r, &self.data.strings),
                        )
                    })
                    .collect(),
            })
            .collect::<Vec<_>>();
        RowsStep {
            table: schema.name.clone(),
            file: tab.file.clone(),
            count: list.len(),
            excluded,
            column: column.map(|c| schema.columns[c].name.clone()),
            units: used
                .iter()
                .map(|&c| (schema.columns[c].name.clone(), unit(&schema.columns[c].ty)))
                .collect(),
            list,
        }
    }
}

fn collect_row_cols(e: &Expr, out: &mut Vec<usize>) {
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
    c: usize,
    r: usize,
    strings: &crate::intern::Interner,
) -> String {
    let col = &tab.columns[c];
    let i = tab.at(c, r);
    if !col.is_present(i) {
        return String::new();
    }
    match &col.data {
        ColumnData::Text(_) | ColumnData::Raw { .. } => col.text(i, strings).to_string(),
        ColumnData::Num(v) => v[i].normalize().to_string(),
        ColumnData::Date(v) => crate::calendar::date(v[i]).to_string(),
        ColumnData::Bool(v) => v[i].to_string(),
    }
}

/// Give every node a stable, unique id: a definition by its name where it is explained in
/// full the first time, every other node by its path.
fn assign_ids(node: &mut Node, parent: &str, index: usize, used: &mut BTreeSet<String>) {
    let own_scope = node.participant.is_none() && node.period.is_none();
    let path = if parent.is_empty() {
        format!("{index}")
    } else {
        format!("{parent}/{index}")
    };
    node.id = match &node.name {
        Some(n) if own_scope && node.kind == "definition" && !used.contains(n) => n.clone(),
        _ => path,
    };
    used.insert(node.id.clone());
    let id = node.id.clone();
    for (i, c) in node.children.iter_mut().enumerate() {
        assign_ids(c, &id, i, used);
    }
}

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
    let mut tracer = Tracer {
        plan,
        data,
        root,
        frames: Vec::new(),
        done: Vec::new(),
        expanded: BTreeSet::new(),
    };
    let mut nodes = Vec::new();
    for &d in defs {
        tracer.expanded.insert(d);
        let interp = Interp {
            plan,
            data,
            store: &results.values,
            def: d,
            org: None,
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
        assign_ids(n, "", i, &mut used);
    }
    Explanation {
        schema: SCHEMA,
        plan: plan.name.clone(),
        file: plan.source.name.clone(),
        participant: data.roster.ids[participant].clone(),
        period: plan.calendar.periods[period].id.clone(),
        currency: plan.currency.clone(),
        nodes,
    }
}

/// Every node of a tree, depth first.
pub fn walk<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
    out.push(node);
    for c in &node.children {
        walk(c, out);
    }
}

/// The decimal value of a node, if it has one.
pub fn decimal(node: &Node) -> Option<Decimal> {
    node.value.as_deref().and_then(|v| v.parse().ok())
}
