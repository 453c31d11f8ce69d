//! AST → IR: names, dependency graph, types and units, rate tables, lints.
//!
//! The checker reports every problem it can find in one pass; it returns the IR only when
//! there are no errors (warnings travel with it).

mod exprs;
mod graph;
mod rates;
mod sign;
pub mod units;

use crate::calendar::Calendar;
use crate::diagnostics::{suggest, Diag, SourceFile};
use crate::intern::Interner;
use crate::ir::{self, ColId, DefId, DefKind, RatesId, TableId};
use crate::syntax::ast::{self, DeclKind, LimitKind, TypeName};
use crate::syntax::Span;
use crate::types::Type;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A checked plan with its warnings.
#[derive(Debug)]
pub struct Checked {
    /// The resolved plan.
    pub plan: ir::Plan,
    /// Warnings and notes.
    pub warnings: Vec<Diag>,
}

/// Check a parsed plan. On error, every diagnostic found (errors and warnings).
pub fn check(plan: &ast::Plan, src: &Arc<SourceFile>) -> Result<Checked, Vec<Diag>> {
    let mut c = Checker::new(src);
    c.collect(plan);
    let ir = c.finish(plan);
    let mut diags = dedup(c.diags);
    match ir {
        Some(plan) if !diags.iter().any(Diag::is_error) => Ok(Checked {
            plan,
            warnings: diags,
        }),
        _ => {
            diags.sort_by_key(|d| {
                (
                    !d.is_error(),
                    d.labels.first().map_or(0, |(s, _)| s.offset()),
                )
            });
            Err(diags)
        }
    }
}

fn dedup(diags: Vec<Diag>) -> Vec<Diag> {
    let mut seen = BTreeSet::new();
    diags
        .into_iter()
        .filter(|d| {
            let key = (
                d.code.clone(),
                d.message.clone(),
                d.labels.first().map(|(s, _)| (s.offset(), s.len())),
            );
            seen.insert(key)
        })
        .collect()
}

/// How far a definition's checking has got (for on-demand typing and cycle detection).
#[derive(Clone)]
enum DefState {
    Pending,
    InProgress,
    Done(Type),
}

/// A definition as declared, before checking.
struct DefSrc<'p> {
    name: ast::Ident,
    kind: DefKind,
    expr: Option<&'p ast::Expr>,
    declared: Option<(&'p TypeName, Span)>,
    gate: Option<&'p ast::Expr>,
    span: Span,
    /// A payout declared `may be negative`.
    negative_ok: bool,
}

/// A name that is not a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Other {
    RowSet(usize),
    Rates(RatesId),
}

pub(crate) struct Checker<'p> {
    src: Arc<SourceFile>,
    diags: Vec<Diag>,
    currency: Option<(String, Span)>,
    calendar: Option<Calendar>,
    rounding: Option<ir::Rounding>,
    tables: Vec<ir::TableSchema>,
    table_names: HashMap<String, TableId>,
    participants: Option<TableId>,
    manager: Option<ColId>,
    credits: Vec<Option<ir::Credit>>,
    defs: Vec<DefSrc<'p>>,
    def_names: HashMap<String, DefId>,
    states: Vec<DefState>,
    exprs: Vec<Option<ir::Expr>>,
    gates: Vec<Option<ir::Expr>>,
    deps: Vec<BTreeSet<DefId>>,
    /// Dependency sets of the definitions being checked (innermost last).
    dep_stack: Vec<BTreeSet<DefId>>,
    rowsets: Vec<(ast::Ident, &'p ast::Expr)>,
    rowset_busy: Vec<bool>,
    others: HashMap<String, Other>,
    rates: Vec<ir::RateTable>,
    rates_by: Vec<Option<ast::Ident>>,
    /// Per rate table: its band edges written as bare numbers other than 0 and 1.
    bare_edges: Vec<Vec<(Span, rust_decimal::Decimal)>>,
    /// Rate tables whose bare edges have been reported.
    bare_reported: BTreeSet<RatesId>,
    limits: Vec<(&'p ast::Decl, LimitKind, &'p ast::Ident, &'p ast::Expr)>,
    limit_exprs: HashMap<u32, ir::Expr>,
    strings: Interner,
    used: BTreeSet<String>,
    plan_span: Span,
}

impl<'p> Checker<'p> {
    fn new(src: &Arc<SourceFile>) -> Checker<'p> {
        Checker {
            src: Arc::clone(src),
            diags: Vec::new(),
            currency: None,
            calendar: None,
            rounding: None,
            tables: Vec::new(),
            table_names: HashMap::new(),
            participants: None,
            manager: None,
            credits: Vec::new(),
            defs: Vec::new(),
            def_names: HashMap::new(),
            states: Vec::new(),
            exprs: Vec::new(),
            gates: Vec::new(),
            deps: Vec::new(),
            dep_stack: Vec::new(),
            rowsets: Vec::new(),
            rowset_busy: Vec::new(),
            others: HashMap::new(),
            rates: Vec::new(),
            rates_by: Vec::new(),
            bare_edges: Vec::new(),
            bare_reported: BTreeSet::new(),
            limits: Vec::new(),
            limit_exprs: HashMap::new(),
            strings: Interner::new(),
            used: BTreeSet::new(),
            plan_span: Span::default(),
        }
    }

    pub(crate) fn error(
        &mut self,
        code: &'static str,
        span: Span,
        msg: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = Diag::error(code, msg)
            .in_source(&self.src)
            .label(span, label)
            .help(help);
        self.diags.push(d);
    }

    fn warn(
        &mut self,
        code: &'static str,
        span: Span,
        msg: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = Diag::warning(code, msg)
            .in_source(&self.src)
            .label(span, label)
            .help(help);
        self.diags.push(d);
    }

    fn plan_currency(&self) -> String {
        self.currency
            .as_ref()
            .map_or_else(|| "EUR".to_string(), |(c, _)| c.clone())
    }

    /// The place a name was first declared, if anywhere.
    fn declared_at(&self, name: &str) -> Option<Span> {
        if let Some(&d) = self.def_names.get(name) {
            return Some(self.defs[d].name.span);
        }
        match self.others.get(name)? {
            Other::RowSet(i) => Some(self.rowsets[*i].0.span),
            Other::Rates(r) => Some(self.rates[*r].span),
        }
    }

    fn claim_name(&mut self, id: &ast::Ident) -> bool {
        if id.name == "total" {
            self.error(
                "ignition::check::reserved_name",
                id.span,
                "`total` is the sum of the payouts and cannot be redefined",
                "reserved name",
                "choose another name; limit the total with `cap total at …`",
            );
            return false;
        }
        if let Some(first) = self.declared_at(&id.name) {
            self.duplicate(
                format!("`{}` is defined twice", id.name),
                id.span,
                first,
                "rename one of them; every name in a plan is defined once",
            );
            return false;
        }
        true
    }

    /// First pass: header, schemas, names.
    fn collect(&mut self, plan: &'p ast::Plan) {
        self.plan_span = plan.name_span;
        let mut periods_seen: Option<Span> = None;
        let mut rounding_seen: Option<Span> = None;
        let mut participants_seen: Option<Span> = None;
        for decl in &plan.decls {
            match &decl.kind {
                DeclKind::Currency(code) => {
                    if let Some((_, first)) = &self.currency {
                        let first = *first;
                        self.dup_header(decl.span, first, "currency");
                    } else {
                        self.currency = Some((code.name.clone(), decl.span));
                    }
                }
                DeclKind::Periods {
                    kind,
                    from,
                    to,
                    range_span,
                } => {
                    if let Some(first) = periods_seen {
                        self.dup_header(decl.span, first, "periods");
                        continue;
                    }
                    periods_seen = Some(decl.span);
                    match Calendar::new(*kind, *from, *to) {
                        Ok(c) => self.calendar = Some(c),
                        Err(msg) => self.error(
                            "ignition::check::calendar",
                            *range_span,
                            msg,
                            "this range",
                            "write `periods quarterly from 2026-01-01 to 2026-12-31`",
                        ),
                    }
                }
                DeclKind::Rounding { increment, mode } => {
                    if let Some(first) = rounding_seen {
                        self.dup_header(decl.span, first, "rounding");
                        continue;
                    }
                    rounding_seen = Some(decl.span);
                    if increment.is_zero() {
                        self.error(
                            "ignition::check::rounding",
                            decl.span,
                            "payouts cannot be rounded to a multiple of 0",
                            "zero increment",
                            "write e.g. `rounding payouts to 0.01 half-even`",
                        );
                    } else {
                        self.rounding = Some(ir::Rounding {
                            increment: *increment,
                            mode: *mode,
                        });
                    }
                }
                DeclKind::Input { name, key, columns } => {
                    self.input(decl, name, key.as_ref(), columns)
                }
                DeclKind::Participants { .. } => {
                    if let Some(first) = participants_seen {
                        self.dup_header(decl.span, first, "participants");
                    }
                    participants_seen = Some(decl.span);
                }
                DeclKind::Credit { .. } => {}
                DeclKind::Let { name, expr } => {
                    if !self.claim_name(name) {
                        continue;
                    }
                    if self.looks_like_rows(expr, &plan.decls, &mut Vec::new()) {
                        self.others
                            .insert(name.name.clone(), Other::RowSet(self.rowsets.len()));
                        self.rowsets.push((name.clone(), expr));
                        self.rowset_busy.push(false);
                    } else {
                        self.add_def(DefSrc {
                            name: name.clone(),
                            kind: DefKind::Let,
                            expr: Some(expr),
                            declared: None,
                            gate: None,
                            span: decl.span,
                            negative_ok: false,
                        });
                    }
                }
                DeclKind::Kpi { name, ty, expr } => {
                    if self.claim_name(name) {
                        self.add_def(DefSrc {
                            name: name.clone(),
                            kind: DefKind::Kpi,
                            expr: Some(expr),
                            declared: ty.as_ref().map(|(t, s)| (t, *s)),
                            gate: None,
                            span: decl.span,
                            negative_ok: false,
                        });
                    }
                }
                DeclKind::Payout {
                    name,
                    expr,
                    when,
                    may_be_negative,
                } => {
                    if self.claim_name(name) {
                        self.add_def(DefSrc {
                            name: name.clone(),
                            kind: DefKind::Payout,
                            expr: Some(expr),
                            declared: None,
                            gate: when.as_ref(),
                            span: decl.span,
                            negative_ok: may_be_negative.is_some(),
                        });
                    }
                }
                DeclKind::Rates { name, by, bands } => {
                    if self.claim_name(name) {
                        let table = self.rate_table(name, bands, decl.span);
                        self.others
                            .insert(name.name.clone(), Other::Rates(self.rates.len()));
                        let id = self.rates.len();
                        self.rates.push(table);
                        self.rates_by.push(by.clone());
                        self.bare_edges.push(rates::bare_edges(bands));
                        if rates::has_percent_edge(bands) {
                            self.bare_edges_for_percent(id, "its other edges are percents");
                        }
                    }
                }
                DeclKind::Limit { kind, target, expr } => {
                    self.limits.push((decl, *kind, target, expr))
                }
                // Tests are checked when they run (`ignition test`), against this plan's IR.
                DeclKind::Test(_) => {}
            }
        }
        if self.currency.is_none() {
            self.error(
                "ignition::check::missing_currency",
                plan.name_span,
                "the plan does not say its currency",
                "this plan",
                "add `currency EUR` (an ISO code) inside the plan",
            );
        }
        if periods_seen.is_none() {
            self.error(
                "ignition::check::missing_calendar",
                plan.name_span,
                "the plan has no calendar",
                "this plan",
                "add e.g. `periods quarterly from 2026-01-01 to 2026-12-31`",
            );
        }
        // `total` is always the last definition.
        self.add_def(DefSrc {
            name: ast::Ident {
                name: "total".into(),
                span: plan.name_span,
            },
            kind: DefKind::Total,
            expr: None,
            declared: None,
            gate: None,
            span: plan.name_span,
            negative_ok: false,
        });
        for decl in &plan.decls {
            match &decl.kind {
                DeclKind::Participants { table, manager } => {
                    self.participants_decl(table, manager.as_ref())
                }
                DeclKind::Credit { table, to, by } => self.credit_decl(table, to, by),
                _ => {}
            }
        }
        if self.participants.is_none() && participants_seen.is_none() {
            self.error(
                "ignition::check::missing_participants",
                plan.name_span,
                "the plan does not say who is paid",
                "this plan",
                "add `participants reps` naming the input table with one row per participant",
            );
        }
    }

    fn dup_header(&mut self, span: Span, first: Span, what: &str) {
        self.duplicate(
            format!("`{what}` is declared twice"),
            span,
            first,
            "keep one",
        );
    }

    /// Something declared twice: both places are labelled.
    fn duplicate(&mut self, message: String, again: Span, first: Span, help: &str) {
        let d = Diag::error("ignition::check::duplicate", message)
            .in_source(&self.src)
            .label(again, "declared again here")
            .label(first, "first declared here")
            .help(help);
        self.diags.push(d);
    }

    fn add_def(&mut self, d: DefSrc<'p>) {
        self.def_names.insert(d.name.name.clone(), self.defs.len());
        self.defs.push(d);
        self.states.push(DefState::Pending);
        self.exprs.push(None);
        self.gates.push(None);
        self.deps.push(BTreeSet::new());
    }

    /// Whether a `let` defines rows (an input table or another row set, filtered) rather than a value.
    fn looks_like_rows(
        &self,
        e: &ast::Expr,
        decls: &'p [ast::Decl],
        seen: &mut Vec<String>,
    ) -> bool {
        match &e.kind {
            ast::ExprKind::Where(inner, _) => self.looks_like_rows(inner, decls, seen),
            ast::ExprKind::Name(n) => {
                if self.table_names.contains_key(&n.name)
                    || decls.iter().any(
                        |d| matches!(&d.kind, DeclKind::Input { name, .. } if name.name == n.name),
                    )
                {
                    return true;
                }
                if seen.contains(&n.name) {
                    return false;
                }
                seen.push(n.name.clone());
                decls.iter().any(|d| match &d.kind {
                    DeclKind::Let { name, expr } if name.name == n.name => {
                        self.looks_like_rows(expr, decls, seen)
                    }
                    _ => false,
                })
            }
            _ => false,
        }
    }

    fn input(
        &mut self,
        decl: &ast::Decl,
        name: &ast::Ident,
        key: Option<&ast::Ident>,
        columns: &[ast::ColumnDecl],
    ) {
        if let Some(&first) = self.table_names.get(&name.name) {
            let first = self.tables[first].span;
            self.duplicate(
                format!("input `{}` is declared twice", name.name),
                name.span,
                first,
                "keep one schema per input table",
            );
            return;
        }
        let mut cols: Vec<ir::ColumnSchema> = Vec::new();
        for c in columns {
            if let Some(first) = cols.iter().find(|x| x.name == c.name.name) {
                let first = first.span;
                self.duplicate(
                    format!("column `{}` is declared twice", c.name.name),
                    c.name.span,
                    first,
                    "each column of an input is declared once",
                );
                continue;
            }
            let ty = self.type_name(&c.ty);
            let default = c.default.as_ref().and_then(|e| {
                let v = self.expr(e, None);
                if !v.ty.compatible(&ty) || matches!(ty, Type::Integer) && v.ty != Type::Integer {
                    let msg = format!(
                        "the default of `{}` is {} but the column is {}",
                        c.name.name,
                        v.ty.described(),
                        ty.described()
                    );
                    self.error(
                        "ignition::check::default_type",
                        e.span,
                        msg,
                        "default of another type",
                        "write the default in the column's unit, e.g. `= 0 EUR` for money",
                    );
                    return None;
                }
                match &v.kind {
                    ir::ExprKind::Const(value) => Some(value.clone()),
                    ir::ExprKind::Neg(inner) => match &inner.kind {
                        ir::ExprKind::Const(ir::Value::Num(n)) => Some(ir::Value::Num(-n)),
                        _ => None,
                    },
                    _ => None,
                }
            });
            if let Some(s) = c.nonneg {
                if !ty.is_numeric() {
                    let msg = format!(
                        "`>= 0` applies to numbers, amounts and days, but `{}` is {}",
                        c.name.name,
                        ty.described()
                    );
                    self.error(
                        "ignition::check::nonneg_type",
                        s,
                        msg,
                        "not a number",
                        "remove `>= 0`, or declare the column as a number type",
                    );
                }
            }
            cols.push(ir::ColumnSchema {
                name: c.name.name.clone(),
                ty,
                optional: c.optional,
                span: c.name.span,
                default,
                nonneg: c.nonneg.is_some(),
            });
        }
        let key_col = key.and_then(|k| {
            let found = cols.iter().position(|c| c.name == k.name);
            if found.is_none() {
                let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
                let hint = suggest(&k.name, names.iter().copied(), || {
                    format!("declare `{}` as a column of `{}`", k.name, name.name)
                });
                self.error(
                    "ignition::check::unknown_name",
                    k.span,
                    format!("the key `{}` is not a column of `{}`", k.name, name.name),
                    "not a column",
                    hint,
                );
            }
            found
        });
        if let Some(k) = key_col {
            if cols[k].ty != Type::Text {
                let msg = format!(
                    "the key `{}` must be a text column, not {}",
                    cols[k].name, cols[k].ty
                );
                self.error("ignition::check::key_type", key.map_or(decl.span, |k| k.span), msg, "not text", format!("declare it as `{}: text` (ids are compared as text, even when they look like numbers)", cols[k].name));
            }
            if cols[k].optional {
                self.error(
                    "ignition::check::optional_key",
                    key.map_or(decl.span, |k| k.span),
                    "a key column cannot be optional",
                    "optional key",
                    format!("remove the `?` from `{}`", cols[k].name),
                );
            }
        }
        self.table_names
            .insert(name.name.clone(), self.tables.len());
        self.tables.push(ir::TableSchema {
            name: name.name.clone(),
            span: name.span,
            columns: cols,
            key: key_col,
        });
        self.credits.push(None);
    }

    pub(crate) fn type_name(&mut self, t: &TypeName) -> Type {
        match t {
            TypeName::Text => Type::Text,
            TypeName::Bool => Type::Bool,
            TypeName::Integer => Type::Integer,
            TypeName::Number => Type::Number,
            TypeName::Percent => Type::Percent,
            TypeName::Money(None) => Type::Money(self.plan_currency()),
            TypeName::Money(Some(c)) => Type::Money(c.name.clone()),
            TypeName::Date => Type::Date,
            TypeName::Days => Type::Days,
        }
    }

    fn table_ref(&mut self, id: &ast::Ident) -> Option<TableId> {
        if let Some(&t) = self.table_names.get(&id.name) {
            return Some(t);
        }
        let names: Vec<String> = self.table_names.keys().cloned().collect();
        let hint = suggest(&id.name, names.iter().map(String::as_str), || {
            format!("declare it with `input {} {{ … }}`", id.name)
        });
        self.error(
            "ignition::check::unknown_name",
            id.span,
            format!("no input table is called `{}`", id.name),
            "unknown table",
            hint,
        );
        None
    }

    fn column_ref(&mut self, table: TableId, id: &ast::Ident) -> Option<ColId> {
        if let Some(c) = self.tables[table].column(&id.name) {
            return Some(c);
        }
        let t = &self.tables[table];
        let hint = suggest(&id.name, t.columns.iter().map(|c| c.name.as_str()), || {
            format!(
                "the columns of `{}` are: {}",
                t.name,
                t.columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        let msg = format!("`{}` is not a column of `{}`", id.name, t.name);
        self.error(
            "ignition::check::unknown_name",
            id.span,
            msg,
            "unknown column",
            hint,
        );
        None
    }

    fn participants_decl(&mut self, table: &ast::Ident, manager: Option<&ast::Ident>) {
        let Some(t) = self.table_ref(table) else {
            return;
        };
        self.used.insert(table.name.clone());
        if self.tables[t].key.is_none() {
            let n = self.tables[t].name.clone();
            self.error(
                "ignition::check::no_key",
                table.span,
                format!("the participant table `{n}` has no key"),
                "needs a key",
                format!("declare it as `input {n} key <id column> {{ … }}`"),
            );
        }
        self.participants = Some(t);
        if let Some(m) = manager {
            if let Some(c) = self.column_ref(t, m) {
                let key_ty = self.tables[t]
                    .key
                    .map(|k| self.tables[t].columns[k].ty.clone());
                if Some(&self.tables[t].columns[c].ty) != key_ty.as_ref() {
                    self.error(
                        "ignition::check::manager_type",
                        m.span,
                        "the manager column must have the same type as the key",
                        "type differs from the key",
                        "the manager column holds the key of the manager's own row",
                    );
                }
                self.manager = Some(c);
            }
        }
    }

    fn credit_decl(&mut self, table: &ast::Ident, to: &ast::Ident, by: &ast::Ident) {
        let Some(t) = self.table_ref(table) else {
            return;
        };
        self.used.insert(table.name.clone());
        if Some(t) == self.participants {
            self.error(
                "ignition::check::credit_roster",
                table.span,
                "the participant table cannot be credited to participants",
                "the roster",
                "credit a table of transactions, e.g. `credit deals to owner by close_date`",
            );
            return;
        }
        if self.credits[t].is_some() {
            self.error(
                "ignition::check::duplicate",
                table.span,
                format!("`{}` is credited twice", table.name),
                "credited again",
                "a table is credited once",
            );
            return;
        }
        let to_c = self.column_ref(t, to);
        let by_c = self.column_ref(t, by);
        if let Some(c) = to_c {
            if self.tables[t].columns[c].ty != Type::Text {
                self.error(
                    "ignition::check::credit_type",
                    to.span,
                    format!("`{}` must be a text column naming the participant", to.name),
                    "not text",
                    "credit rows to a column holding participant ids",
                );
            }
        }
        if let Some(c) = by_c {
            if self.tables[t].columns[c].ty != Type::Date {
                self.error(
                    "ignition::check::credit_type",
                    by.span,
                    format!("`{}` must be a date column", by.name),
                    "not a date",
                    "rows are credited to the period containing this date",
                );
            } else if self.tables[t].columns[c].optional {
                self.error(
                    "ignition::check::credit_type",
                    by.span,
                    format!("`{}` is optional; a credited row needs a date", by.name),
                    "optional",
                    "remove the `?`",
                );
            }
        }
        if let (Some(to), Some(by)) = (to_c, by_c) {
            self.credits[t] = Some(ir::Credit { to, by });
        }
    }

    /// Second pass: type every definition, attach limits, order by dependencies.
    fn finish(&mut self, plan: &'p ast::Plan) -> Option<ir::Plan> {
        for i in 0..self.defs.len() {
            self.ensure_def(i);
        }
        self.attach_limits();
        self.rates_by_check();
        self.unused(plan);
        let order = graph::order(self)?;
        let calendar = self.calendar.clone()?;
        let participants = self.participants?;
        let currency = self.currency.as_ref()?.0.clone();
        let mut defs = Vec::with_capacity(self.defs.len());
        for (i, d) in self.defs.iter().enumerate() {
            let ty = match &self.states[i] {
                DefState::Done(t) => t.clone(),
                _ => Type::Error,
            };
            defs.push(ir::Def {
                name: d.name.name.clone(),
                kind: d.kind,
                ty,
                expr: self.exprs[i].clone()?,
                gate: self.gates[i].clone(),
                limits: Vec::new(),
                span: d.span,
                name_span: d.name.span,
            });
        }
        for (decl, kind, target, _) in &self.limits {
            if let (Some(&t), Some(e)) = (
                self.def_names.get(&target.name),
                self.limit_exprs.get(&decl.span.start),
            ) {
                defs[t].limits.push(ir::Limit {
                    kind: *kind,
                    expr: e.clone(),
                    span: decl.span,
                });
            }
        }
        for d in &mut defs {
            // Floors first, then caps: the cap is the last word.
            d.limits.sort_by_key(|l| l.kind == LimitKind::Cap);
        }
        self.payout_lints(&defs);
        Some(ir::Plan {
            name: plan.name.clone(),
            source: Arc::clone(&self.src),
            currency,
            calendar,
            rounding: self.rounding,
            tables: self.tables.clone(),
            participants,
            manager: self.manager,
            credits: self.credits.clone(),
            defs,
            order,
            rates: self.rates.clone(),
            strings: self.strings.clone(),
        })
    }

    /// Warnings about payouts that the data could push somewhere unintended, from the value
    /// ranges of the definitions they use (see `sign.rs`).
    fn payout_lints(&mut self, defs: &[ir::Def]) {
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

    fn unused(&mut self, plan: &ast::Plan) {
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

    fn rates_by_check(&mut self) {
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

    fn attach_limits(&mut self) {
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
            self.deps[t].extend(deps);
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
    fn ensure_def(&mut self, id: DefId) -> Type {
        match &self.states[id] {
            DefState::Done(t) => return t.clone(),
            DefState::InProgress => return Type::Error, // a cycle; the graph pass reports it
            DefState::Pending => {}
        }
        self.states[id] = DefState::InProgress;
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
                let Some(src) = self.defs[id].expr else {
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
                if let Some(g) = self.defs[id].gate {
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
                    self.gates[id] = Some(ge);
                }
                (e, ty)
            }
        };
        let deps = self.dep_stack.pop().unwrap_or_default();
        self.deps[id] = deps;
        self.exprs[id] = Some(expr);
        self.states[id] = DefState::Done(ty.clone());
        ty
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
