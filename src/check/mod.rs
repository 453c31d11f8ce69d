//! AST → IR: names, dependency graph, types and units, rate tables, lints.
//!
//! The checker reports every problem it can find in one pass; it returns the IR only when
//! there are no errors (warnings travel with it).

pub mod builtins;
// issue 11, cascades
mod cascade;
// issue 10, clawbacks
mod clawback;
mod decls;
mod defs;
mod drivers;
pub mod error;
mod exprs;
mod fns;
mod fx;
mod graph;
mod kpis;
mod lag;
mod lints;
pub mod names;
mod rates;
// issue 11, scorecards
mod scorecard;
mod sign;
// issue 10, statements
mod splits;
mod statement;
pub mod units;

use crate::calendar::Calendar;
use crate::diagnostics::{Diag, SourceFile};
use crate::intern::Interner;
use crate::ir::{self, ColId, DefId, RatesId, TableId};
use crate::syntax::ast::{self, LimitKind};
use crate::syntax::Span;
use crate::types::Type;
use defs::{DefSlot, DefState};
pub use error::CheckError;
pub use fns::ParamSet;
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
    analyze(plan, src).result
}

/// What checking a plan found: the result of [`check`] and the plan's names, which are
/// there whether or not the plan has errors.
#[derive(Debug)]
pub struct Analysis {
    /// The checked plan, or every diagnostic found.
    pub result: Result<Checked, Vec<Diag>>,
    /// Declarations and what each use of a name resolves to.
    pub names: names::Names,
}

/// Check a parsed plan, keeping its name-resolution table.
pub fn analyze(plan: &ast::Plan, src: &Arc<SourceFile>) -> Analysis {
    analyze_with(plan, src, &[])
}

/// Check a parsed plan with `--set` overrides of its params (issue 9): each must name a
/// `param` and give a value of its type and unit (else an error,
/// `ignition::check::set_unknown` / `set_value`); the value replaces the plan's everywhere
/// the param is read, band edges and values included.
pub fn analyze_with(plan: &ast::Plan, src: &Arc<SourceFile>, sets: &[ParamSet]) -> Analysis {
    analyze_files(plan, src, sets, &CalendarFiles::new())
}

/// The files a plan's `periods listed in "FILE"` names, as the crate root read them (the
/// checker reads no file): by the path as written, the text or why it could not be read.
pub type CalendarFiles = std::collections::BTreeMap<String, Result<Arc<SourceFile>, String>>;

/// [`analyze_with`] with the calendar files the plan names (issue 10, calendars).
pub fn analyze_files(
    plan: &ast::Plan,
    src: &Arc<SourceFile>,
    sets: &[ParamSet],
    files: &CalendarFiles,
) -> Analysis {
    let mut c = Checker::new(src);
    c.sets = sets.to_vec();
    c.calendar_files = files.clone();
    c.broken = &plan.broken;
    c.collect(plan);
    let ir = c.finish(plan);
    let names = c.names();
    let result = result(ir, dedup(std::mem::take(&mut c.diags)));
    Analysis { result, names }
}

fn result(ir: Option<ir::Plan>, mut diags: Vec<Diag>) -> Result<Checked, Vec<Diag>> {
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

/// A name that is not a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Other {
    RowSet(usize),
    Rates(RatesId),
    // issue 9, tables
    Curve(ir::CurveId),
    // issue 9, functions and parameters
    Param(ir::ParamId),
    Fn(ir::FnId),
}

pub(crate) struct Checker<'p> {
    src: Arc<SourceFile>,
    diags: Vec<Diag>,
    currency: Option<(String, Span)>,
    calendar: Option<Calendar>,
    /// The calendar files read for `periods listed in` (issue 10, calendars).
    calendar_files: CalendarFiles,
    rounding: Option<ir::Rounding>,
    timezone: Option<i32>,
    tables: Vec<ir::TableSchema>,
    table_names: HashMap<String, TableId>,
    participants: Option<TableId>,
    manager: Option<ColId>,
    credits: Vec<Option<ir::Credit>>,
    /// Every definition, in declaration order (`total` last), with what is known of it.
    defs: Vec<DefSlot<'p>>,
    def_names: HashMap<String, DefId>,
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
    /// issue 10, splits: each split credit's table, where its share column and its split
    /// table are named.
    splits: Vec<(TableId, Span, Span)>,
    plan_span: Span,
    /// Declarations that did not parse: nothing is reported that follows from their absence.
    broken: &'p [ast::Broken],
    /// Per rate table: where its name is written.
    rates_names: Vec<Span>,
    /// What each name used resolved to.
    uses: names::Uses,
    /// issue 9, tables: per rate table, the second measure of a grid (`by ROWS, COLUMNS`).
    rates_by_column: Vec<Option<ast::Ident>>,
    /// issue 9, tables: the curves, with their `by` measure.
    curves: Vec<ir::Curve>,
    curves_by: Vec<Option<ast::Ident>>,
    curves_names: Vec<Span>,
    /// Inputs declared `effective from …`, whether or not the clause checks (issue 9).
    dated: BTreeSet<TableId>,
    // issue 9, functions and parameters
    /// The `--set` overrides not yet applied.
    sets: Vec<ParamSet>,
    /// Plan parameters with their values in force.
    params: Vec<ir::PlanParam>,
    param_names: HashMap<String, ir::ParamId>,
    /// Where each param's name is written.
    param_idents: Vec<ast::Ident>,
    /// User functions.
    fns: Vec<fns::FnSlot<'p>>,
    /// Function bodies being checked (innermost last).
    fn_frames: Vec<fns::Frame>,
    /// Recursive cycles reported (their functions, sorted): each once.
    fn_cycles: BTreeSet<Vec<ir::FnId>>,
    /// Function bodies checked for one list of argument types.
    bodies: Vec<ir::Expr>,
    body_ids: HashMap<(ir::FnId, Vec<Type>), ir::BodyId>,
    /// Per body: how many calls evaluating it makes.
    body_costs: Vec<u64>,
    /// Functions reported for too many calls (each once).
    fn_too_many: BTreeSet<ir::FnId>,
    /// issue 9, rows: the computed columns of the inputs, in declaration order.
    computed: Vec<ComputedSlot<'p>>,
    /// The computed columns being checked (innermost last): their expressions read only
    /// their row.
    computing: Vec<usize>,
    /// issue 11, kpi intent: the blocks of the KPIs that have one.
    kpi_intents: HashMap<DefId, kpis::IntentSlot<'p>>,
    /// issue 11, scorecards: the lines of each scorecard's definition.
    scorecards: HashMap<DefId, &'p [ast::ScorecardItem]>,
    /// issue 10, ledger: the periods the expression being checked is read in, and what
    /// the definitions being checked read in earlier periods.
    lag: lag::LagState,
}

/// A computed column (`let` inside an input) and how far its checking is (issue 9, rows).
struct ComputedSlot<'p> {
    table: TableId,
    col: ColId,
    src: &'p ast::ComputedColumn,
    state: DefState,
}

impl<'p> Checker<'p> {
    fn new(src: &Arc<SourceFile>) -> Checker<'p> {
        Checker {
            src: Arc::clone(src),
            diags: Vec::new(),
            currency: None,
            calendar: None,
            calendar_files: CalendarFiles::new(),
            rounding: None,
            timezone: None,
            tables: Vec::new(),
            table_names: HashMap::new(),
            participants: None,
            manager: None,
            credits: Vec::new(),
            defs: Vec::new(),
            def_names: HashMap::new(),
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
            splits: Vec::new(),
            plan_span: Span::default(),
            broken: &[],
            rates_names: Vec::new(),
            uses: names::Uses::default(),
            rates_by_column: Vec::new(),
            curves: Vec::new(),
            curves_by: Vec::new(),
            curves_names: Vec::new(),
            dated: BTreeSet::new(),
            sets: Vec::new(),
            params: Vec::new(),
            param_names: HashMap::new(),
            param_idents: Vec::new(),
            fns: Vec::new(),
            fn_frames: Vec::new(),
            fn_cycles: BTreeSet::new(),
            bodies: Vec::new(),
            body_ids: HashMap::new(),
            body_costs: Vec::new(),
            fn_too_many: BTreeSet::new(),
            computed: Vec::new(),
            computing: Vec::new(),
            kpi_intents: HashMap::new(),
            scorecards: HashMap::new(),
            lag: lag::LagState::default(),
        }
    }

    /// Report a problem (an error, or a warning for the lints), pointing into the plan.
    fn report(&mut self, e: CheckError) {
        if self.follows_from_broken(&e) {
            return;
        }
        let mut d = Diag::from(e);
        // A problem in a function's body, found with one call's argument types: the call too.
        if let Some((call, name)) = self.current_call() {
            d.labels
                .push((call.into(), format!("in this call of `{name}`")));
        }
        self.diags.push(d.in_source(&self.src));
    }

    /// Whether the problem may only be that a declaration did not parse: a use of the name
    /// it defines, the lack of the header it is, a name unused but perhaps by it.
    fn follows_from_broken(&self, e: &CheckError) -> bool {
        use crate::syntax::keyword::Keyword;
        if self.broken.is_empty() {
            return false;
        }
        let named = |n: &str| {
            self.broken
                .iter()
                .any(|b| b.name.as_ref().is_some_and(|i| i.name == n))
        };
        let is = |k: Keyword| self.broken.iter().any(|b| b.keyword == Some(k));
        let column = |n: &str| {
            self.broken
                .iter()
                .any(|b| b.columns.iter().any(|c| c.name == n))
        };
        match e {
            CheckError::UnknownName { name, .. } => named(name) || column(name),
            CheckError::UnknownTable { name, .. }
            | CheckError::UnknownLimitTarget { name, .. }
            | CheckError::UnknownRates { name, .. }
            | CheckError::NotRowsName { name, .. }
            | CheckError::UnknownFunction { name, .. } => named(name),
            CheckError::MissingCurrency { .. } => is(Keyword::Currency),
            CheckError::MissingCalendar { .. } => is(Keyword::Periods),
            CheckError::MissingParticipants { .. } => is(Keyword::Participants),
            // issue 10, splits: a table whose (longer) credit did not parse is not credited.
            CheckError::ReferenceRows { .. } | CheckError::NotCredited { .. } => {
                is(Keyword::Credit)
            }
            CheckError::UnusedLet { .. }
            | CheckError::UnusedRowSet { .. }
            | CheckError::UnusedRates { .. }
            | CheckError::UnusedInput { .. }
            | CheckError::UnusedCurve { .. }
            | CheckError::UnusedParam { .. }
            | CheckError::UnusedFn { .. } => true,
            _ => false,
        }
    }

    fn plan_currency(&self) -> String {
        self.currency
            .as_ref()
            .map_or_else(|| "EUR".to_string(), |(c, _)| c.clone())
    }

    /// Second pass: type every definition, attach limits, order by dependencies.
    fn finish(&mut self, plan: &'p ast::Plan) -> Option<ir::Plan> {
        self.check_fns();
        for i in 0..self.computed.len() {
            self.ensure_computed(i);
        }
        for i in DefId::all(self.defs.len()) {
            self.ensure_def(i);
        }
        // issue 11, causes of a gap
        self.all_drivers();
        self.attach_limits();
        self.rates_by_check();
        self.curves_by_check();
        // issue 10, statements: before `unused`, as the names it lists are used.
        let statement = self.statement_block(plan);
        self.unused(plan);
        self.lag_types();
        self.split_lints();
        let (order, lag_groups) = graph::order(self)?;
        let calendar = self.calendar.clone()?;
        let participants = self.participants?;
        let currency = self.currency.as_ref()?.0.clone();
        let mut defs = Vec::with_capacity(self.defs.len());
        for d in &self.defs {
            let ty = match &d.state {
                DefState::Done(t) => t.clone(),
                _ => Type::Error,
            };
            defs.push(ir::Def {
                name: d.name.name.clone(),
                kind: d.kind,
                ty,
                expr: d.expr.clone()?,
                gate: d.gate.clone(),
                limits: Vec::new(),
                span: d.span,
                name_span: d.name.span,
                meta: d.meta.clone(),
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
        let mut def_ids = HashMap::with_capacity(defs.len());
        for (d, id) in defs.iter().zip(DefId::all(defs.len())) {
            def_ids.entry(d.name.clone()).or_insert(id);
        }
        Some(ir::Plan {
            name: plan.name.clone(),
            source: Arc::clone(&self.src),
            currency,
            calendar,
            rounding: self.rounding,
            timezone: self.timezone,
            tables: self.tables.clone(),
            participants,
            manager: self.manager,
            credits: self.credits.clone(),
            defs,
            order,
            lag_groups,
            paid_history: self.lag.history.clone(),
            rates: self.rates.clone(),
            curves: self.curves.clone(),
            strings: self.strings.clone(),
            def_ids,
            params: self.params.clone(),
            fns: self.ir_fns(),
            bodies: std::mem::take(&mut self.bodies),
            as_of: None,
            statement,
        })
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the checker's unit tests.

    use crate::diagnostics::Diag;

    /// A plan in EUR, quarterly over 2026, paying the roster `reps` (managed by `boss`) from
    /// the credited `deals`, with `body` after the header.
    pub(crate) fn plan(body: &str) -> String {
        format!(
            "plan \"t\" {{\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n  \
             input reps key id {{ id: text  boss: text?  quota: money  start: date  tag: text }}\n  \
             input deals {{ owner: text  amount: money  closed: date  stage: text  qty: integer }}\n  \
             participants reps managed by boss\n  credit deals to owner by closed\n{body}\n}}\n"
        )
    }

    /// Every diagnostic of checking `text` (the warnings when it checks).
    pub(crate) fn diags(text: &str) -> Vec<Diag> {
        match crate::compile_str("t.plan", text) {
            Ok(c) => c.warnings,
            Err(d) => d,
        }
    }

    /// The codes and messages of [`diags`].
    pub(crate) fn messages(text: &str) -> Vec<(String, String)> {
        diags(text)
            .into_iter()
            .map(|d| (d.code.to_string(), d.message))
            .collect()
    }

    /// The checked plan; panics with the diagnostics when it does not check.
    pub(crate) fn checked(text: &str) -> crate::ir::Plan {
        match crate::compile_str("t.plan", text) {
            Ok(c) => c.plan,
            Err(d) => panic!("{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()),
        }
    }

    /// The type of definition `name` in a plan that checks, as shown in messages.
    pub(crate) fn type_of(plan: &crate::ir::Plan, name: &str) -> String {
        plan.defs
            .iter()
            .find(|d| d.name == name)
            .map_or_else(|| format!("no `{name}`"), |d| d.ty.to_string())
    }
}
