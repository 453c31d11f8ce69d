//! The resolved, typed plan: names replaced by ids. This is what data loading and eval consume.

use crate::calendar::Calendar;
use crate::diagnostics::SourceFile;
use crate::intern::{Interner, Sym};
use crate::num::Num;
use crate::syntax::ast::{BinOp, LimitKind, RoundingMode};
use crate::syntax::Span;
use crate::types::Type;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

/// Declares an index newtype: a `usize` that can only index the vectors it is declared for.
macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);

        impl $name {
            /// The position this id stands for.
            pub fn index(self) -> usize {
                self.0
            }

            /// The ids of a vector of `len` elements, in order.
            pub fn all(len: usize) -> impl Iterator<Item = $name> {
                (0..len).map($name)
            }
        }
    };
}

/// Lets the vectors and slices of `$elem` be indexed by `$id`: `plan.defs[id]`. Lifetimes
/// of `$elem` follow a `;`. `Vec` needs its own impl: its generic `Index` impl is found
/// before indexing would dereference to the slice.
macro_rules! index_by {
    ($id:ty => $elem:ty $(; $($lt:lifetime),*)?) => {
        impl<$($($lt),*)?> std::ops::Index<$id> for [$elem] {
            type Output = $elem;
            fn index(&self, id: $id) -> &$elem {
                &self[id.0]
            }
        }

        impl<$($($lt),*)?> std::ops::IndexMut<$id> for [$elem] {
            fn index_mut(&mut self, id: $id) -> &mut $elem {
                &mut self[id.0]
            }
        }

        impl<$($($lt),*)?> std::ops::Index<$id> for Vec<$elem> {
            type Output = $elem;
            fn index(&self, id: $id) -> &$elem {
                &self[id.0]
            }
        }

        impl<$($($lt),*)?> std::ops::IndexMut<$id> for Vec<$elem> {
            fn index_mut(&mut self, id: $id) -> &mut $elem {
                &mut self[id.0]
            }
        }
    };
}
pub(crate) use index_by;

id! {
    /// Index of an input table (in [`Plan::tables`], [`Plan::credits`] and a dataset's tables).
    TableId
}
id! {
    /// Index of a column within its table ([`TableSchema::columns`], a data table's columns).
    ColId
}
id! {
    /// Index of a definition (kpi, let, payout, total) in [`Plan::defs`].
    DefId
}
id! {
    /// Index of a rate table in [`Plan::rates`].
    RatesId
}

// issue 9, functions and parameters
id! {
    /// Index of a plan parameter in [`Plan::params`].
    ParamId
}
id! {
    /// Index of a user function in [`Plan::fns`].
    FnId
}
id! {
    /// Index of a function body checked for one list of argument types, in [`Plan::bodies`].
    BodyId
}

index_by!(TableId => TableSchema);
index_by!(ParamId => PlanParam);
index_by!(FnId => Function);
index_by!(BodyId => Expr);
index_by!(TableId => Option<Credit>);
index_by!(ColId => ColumnSchema);
index_by!(DefId => Def);
index_by!(RatesId => RateTable);
id! {
    /// issue 9, tables: index of a curve in [`Plan::curves`].
    CurveId
}
index_by!(CurveId => Curve);

/// A checked plan.
#[derive(Debug)]
pub struct Plan {
    /// Title.
    pub name: String,
    /// The plan text, for diagnostics and explanations.
    pub source: Arc<SourceFile>,
    /// The plan's currency.
    pub currency: String,
    /// Periods.
    pub calendar: Calendar,
    /// How payouts are rounded, if at all.
    pub rounding: Option<Rounding>,
    /// `timezone +01:00`: the zone, in minutes east of UTC, whose day a timestamp in a date
    /// column falls on. `None`: timestamps with a time are an error.
    pub timezone: Option<i32>,
    /// Input schemas.
    pub tables: Vec<TableSchema>,
    /// The roster table.
    pub participants: TableId,
    /// The roster's manager column.
    pub manager: Option<ColId>,
    /// How each credited table is assigned, by table.
    pub credits: Vec<Option<Credit>>,
    /// Definitions in source order; the last is `total`.
    pub defs: Vec<Def>,
    /// Evaluation order (dependencies first).
    pub order: Vec<DefId>,
    /// issue 10, ledger: `paid from TABLE`, the history of what was paid, if declared.
    pub paid_history: Option<PaidHistory>,
    /// issue 10, ledger: definitions that read their own value of the previous period
    /// (through `prior(x, opening: …)`), each group in its order within a period; the
    /// members of a group are next to each other in `order`, and are evaluated period by
    /// period (`eval::lag`). Empty for a plan without such recursion.
    pub lag_groups: Vec<Vec<DefId>>,
    /// Rate tables.
    pub rates: Vec<RateTable>,
    /// issue 9, tables: interpolated curves.
    pub curves: Vec<Curve>,
    /// Text constants of the plan, interned; data loading continues this interner.
    pub strings: Interner,
    /// Each definition by name (built with `defs` by the checker).
    pub(crate) def_ids: HashMap<String, DefId>,
    /// Plan parameters (`param NAME = …`) in declaration order, with the value in force.
    pub params: Vec<PlanParam>,
    /// User functions (`fn NAME(…) = …`) in declaration order.
    pub fns: Vec<Function>,
    /// The functions' bodies, each checked once per list of argument types a call gives
    /// (shared by the calls with those types, so nested calls do not multiply the IR).
    pub bodies: Vec<Expr>,
    /// issue 11, `--as-of DATE`: the day of the data cut (rows dated after it are not
    /// credited; the calendar ends with the period containing it). `None`: no cut.
    pub as_of: Option<crate::calendar::Day>,
    /// issue 10, statements: the plan's `statement { … }` block, checked (none: every
    /// payout is an `earned` line).
    pub statement: Option<StatementSpec>,
}

/// issue 10, ledger: the table of what was paid (`paid from TABLE`) and its columns: one
/// row per participant, period and component (payout), with the amount paid.
#[derive(Debug, Clone)]
pub struct PaidHistory {
    /// The table.
    pub table: TableId,
    /// The participant's id (the column named like the roster's key).
    pub participant: ColId,
    /// The period's name (`2026-03`, `2026-Q1`).
    pub period: ColId,
    /// The payout's name.
    pub component: ColId,
    /// The amount paid.
    pub amount: ColId,
}

/// Where a parameter's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamOrigin {
    /// The plan's `param` line.
    Plan,
    /// `--set NAME=VALUE` on the command line; the value as written there.
    Set(String),
}

/// A plan parameter: a named constant, its value in force (the plan's, or a `--set`
/// override applied by the checker) and where that value comes from.
#[derive(Debug, Clone)]
pub struct PlanParam {
    /// Name.
    pub name: String,
    /// Type of the value.
    pub ty: Type,
    /// The value in force.
    pub value: Value,
    /// The whole `param` declaration.
    pub span: Span,
    /// The plan's line or `--set`.
    pub origin: ParamOrigin,
}

/// A user function. Its body is checked for each list of argument types it is called with
/// ([`Plan::bodies`], [`ExprKind::Call`]).
#[derive(Debug, Clone)]
pub struct Function {
    /// Name.
    pub name: String,
    /// Parameter names in order.
    pub params: Vec<String>,
    /// The whole `fn` declaration.
    pub span: Span,
}

impl Plan {
    /// The `total` definition.
    pub fn total(&self) -> DefId {
        DefId(self.defs.len() - 1)
    }

    /// issue 10, ledger: the recursive group a definition belongs to, if any.
    pub fn lag_group(&self, d: DefId) -> Option<&[DefId]> {
        self.lag_groups
            .iter()
            .find(|g| g.contains(&d))
            .map(Vec::as_slice)
    }

    /// Find a definition by name.
    pub fn def_named(&self, name: &str) -> Option<DefId> {
        self.def_ids.get(name).copied()
    }

    /// Whether an input is a reference table: neither the roster nor credited (issue 9).
    pub fn is_reference(&self, t: TableId) -> bool {
        t != self.participants && self.credits[t].is_none() && self.split_of(t).is_none()
    }

    /// issue 10, splits: the credited table whose split table `t` is.
    pub fn split_of(&self, t: TableId) -> Option<TableId> {
        TableId::all(self.credits.len()).find(|&c| {
            self.credits[c]
                .and_then(|cr| cr.split)
                .is_some_and(|s| s.table == t)
        })
    }

    /// 1-based line of a span in the plan.
    pub fn line_of(&self, span: Span) -> usize {
        self.source.line_col(span.start as usize).0
    }

    /// The text of a span.
    pub fn text_of(&self, span: Span) -> &str {
        self.source
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// A rounding rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rounding {
    /// Round to a multiple of this.
    pub increment: Decimal,
    /// Tie and direction rule.
    pub mode: RoundingMode,
}

/// An input table's schema.
#[derive(Debug, Clone)]
pub struct TableSchema {
    /// Name (also the default file name stem).
    pub name: String,
    /// Where declared.
    pub span: Span,
    /// Columns in declaration order.
    pub columns: Vec<ColumnSchema>,
    /// Key column.
    pub key: Option<ColId>,
    /// Every key column, in `key` order (`key region, role`); `[key]` for one.
    pub keys: Vec<ColId>,
    /// `effective from COL [to COL]`: a reference table's rows are in force from a date.
    pub effective: Option<Effective>,
}

/// The dating of a reference table's rows (issue 9, reference tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effective {
    /// The date a row is in force from (inclusive).
    pub from: ColId,
    /// The date it is in force until (inclusive); an empty cell is open-ended.
    pub to: Option<ColId>,
}

impl TableSchema {
    /// Find a column by name.
    pub fn column(&self, name: &str) -> Option<ColId> {
        self.columns.iter().position(|c| c.name == name).map(ColId)
    }

    /// The number of columns read from the data: the columns before the computed ones.
    pub fn stored(&self) -> usize {
        self.columns
            .iter()
            .position(|c| c.computed.is_some() || c.joined.is_some())
            .unwrap_or(self.columns.len())
    }

    /// The schema of the columns read from the data (the computed ones left out).
    pub fn stored_schema(&self) -> std::borrow::Cow<'_, TableSchema> {
        let n = self.stored();
        if n == self.columns.len() {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut s = self.clone();
            s.columns.truncate(n);
            std::borrow::Cow::Owned(s)
        }
    }

    /// Whether column `c` is computed from the row (issue 9, rows).
    pub fn is_computed(&self, c: ColId) -> bool {
        self.columns
            .get(c.index())
            .is_some_and(|c| c.computed.is_some())
    }
}

/// A column's schema.
#[derive(Debug, Clone)]
pub struct ColumnSchema {
    /// Name (the CSV header).
    pub name: String,
    /// Type.
    pub ty: Type,
    /// May be empty.
    pub optional: bool,
    /// Where declared.
    pub span: Span,
    /// Value an inline test row takes when it leaves the column out.
    pub default: Option<Value>,
    /// Declared `>= 0`: a negative value is a data error.
    pub nonneg: bool,
    /// issue 9, rows: `let NAME = EXPR` — a column computed from the row's other columns
    /// (its `RowCol`s read this table), once per row; not read from the data. Computed
    /// columns come after the stored ones ([`TableSchema::stored`]).
    pub computed: Option<Expr>,
    /// issue 10, splits: a column of the split table, read through each credited copy of
    /// this (credited) table's rows; not read from this table's data.
    pub joined: Option<ColId>,
}

/// `credit TABLE to COL by COL`.
#[derive(Debug, Clone, Copy)]
pub struct Credit {
    /// Column naming the participant.
    pub to: ColId,
    /// Date column choosing the period.
    pub by: ColId,
    /// issue 10, splits: the split table that credits each row to several participants
    /// (`to` is then its column); none for one owner per row.
    pub split: Option<Split>,
}

/// issue 10, splits: `credit T to COL by DATE split by S share SHARE [role ROLE [overlay "R"]]`.
/// Each row of `T` is credited once per row of `S` with the same key (`S.key`), to that
/// row's participant (`Credit::to`, a column of `S`). The columns of `S` are read through
/// each credited copy: they are appended to `T`'s schema ([`ColumnSchema::joined`]).
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// The split table.
    pub table: TableId,
    /// Its column holding the credited table's key.
    pub key: ColId,
    /// Its share column (`percent`).
    pub share: ColId,
    /// Its role column (`text`).
    pub role: Option<ColId>,
    /// The overlay role: its shares are not part of the 100%.
    pub overlay: Option<crate::intern::Sym>,
}

/// What kind of definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    /// A named helper value.
    Let,
    /// A reported measure.
    Kpi,
    /// A paid component.
    Payout,
    /// The sum of the payouts.
    Total,
}

impl DefKind {
    /// A payout or the total: what the plan's rounding applies to.
    pub fn is_paid(self) -> bool {
        matches!(self, DefKind::Payout | DefKind::Total)
    }
}

/// A bound on a payout.
#[derive(Debug, Clone)]
pub struct Limit {
    /// Cap or floor.
    pub kind: LimitKind,
    /// The bound.
    pub expr: Expr,
    /// The whole `cap … at …` declaration.
    pub span: Span,
}

/// A definition evaluated per participant and period.
#[derive(Debug, Clone)]
pub struct Def {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: DefKind,
    /// Type of the value.
    pub ty: Type,
    /// The value (for `total`: the sum of the payouts).
    pub expr: Expr,
    /// `when` gate of a payout.
    pub gate: Option<Expr>,
    /// Floor then cap, in that order.
    pub limits: Vec<Limit>,
    /// The whole declaration.
    pub span: Span,
    /// The name as written.
    pub name_span: Span,
    /// issue 11, kpi intent: a KPI's label, category and direction; for `NAME.status`,
    /// the KPI it is the status of.
    pub meta: Option<KpiMeta>,
}

// issue 11, kpi intent
/// What a KPI's block says about it, beyond its value (the status itself is a definition
/// of its own, `NAME.status`).
#[derive(Debug, Clone, Default)]
pub struct KpiMeta {
    /// `label "…"`: the column's title in the table output.
    pub label: Option<String>,
    /// `category activity|result|quality`.
    pub category: Option<String>,
    /// `better lower`.
    pub lower_is_better: bool,
    /// For `NAME.status`: the KPI `NAME`.
    pub status_of: Option<DefId>,
    /// issue 11, dashboard: for `NAME.target` (a hidden `let`, so the target is evaluated
    /// once per participant and period like any value): the KPI `NAME`.
    pub target_of: Option<DefId>,
    /// issue 11, dashboard: a KPI's `NAME.target` definition, when it has a target.
    pub target: Option<DefId>,
    /// issue 11, causes of a gap: `drivers a * b / c`.
    pub drivers: Option<Drivers>,
}

// issue 11, causes of a gap
/// A KPI declared as a product of drivers (`drivers opportunities * win_rate * avg_deal`):
/// what `cause_of` and explain split its gap with (`eval/drivers.rs`).
#[derive(Debug, Clone)]
pub struct Drivers {
    /// The factors, in the order written.
    pub factors: Vec<Factor>,
    /// The KPI's own target, if it has one (else the product of the drivers' targets).
    pub target: Option<Expr>,
    /// The KPI's `no data when` condition: no causes when it holds.
    pub no_data: Option<Expr>,
    /// `better lower`: effects are turned so that positive is better.
    pub lower_is_better: bool,
    /// The `drivers` line.
    pub span: Span,
}

/// One driver of a KPI.
#[derive(Debug, Clone)]
pub struct Factor {
    /// The driver (a KPI).
    pub def: DefId,
    /// Written after `/`: the KPI varies as its inverse.
    pub divides: bool,
    /// The driver's target.
    pub target: Expr,
}

// issue 11, comparison and trend
/// A function of a KPI's values in other scopes: its causes, its place among peers, its
/// trend (`eval/drivers.rs`, `eval/compare.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiFn {
    /// `cause_of(k, driver, vs: target|prior)`: the driver's part of the gap, the index of
    /// the driver in `Drivers::factors`.
    Cause {
        /// The driver's position.
        driver: usize,
        /// Against the target or the prior period.
        vs: CauseBase,
    },
    /// `rank(k, within: team|org)`: 1 is best; ties share the best rank.
    Rank(Within),
    /// `percentile(k, within: team|org)`: the share of the others that do worse.
    Percentile(Within),
    /// `team_avg(k)`: the average over the participant's team (peers, itself included).
    TeamAvg,
    /// `trend(k, periods: N)`: the least-squares slope per period over the last N periods.
    Trend(u32),
    /// `pace(k)`: the value projected to the end of the period of `--as-of`.
    Pace,
}

/// What a gap is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CauseBase {
    /// The targets (the KPI's and the drivers').
    Target,
    /// The same values in the previous period.
    Prior,
}

/// The group a participant is compared within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// The participants with the same manager (the roots, for a participant without one),
    /// the participant included.
    Team,
    /// Every participant.
    Org,
}

/// One band: `[lo, hi)` with a value.
#[derive(Debug, Clone)]
pub struct BandIr {
    /// Lower edge; `None` is unbounded.
    pub lo: Option<Decimal>,
    /// Upper edge; `None` is unbounded.
    pub hi: Option<Decimal>,
    /// The band's rate or value.
    pub value: Decimal,
    /// Where written.
    pub span: Span,
}

/// A checked rate table.
#[derive(Debug, Clone)]
pub struct RateTable {
    /// Name.
    pub name: String,
    /// Type of the band edges.
    pub edge_ty: Type,
    /// Type of the band values.
    pub value_ty: Type,
    /// Bands, ordered and gap-free.
    pub bands: Vec<BandIr>,
    /// Where declared.
    pub span: Span,
    /// issue 9, tables: `(lo, hi]`: a band holds its upper edge, not its lower one (the
    /// default `[lo, hi)` is `false`).
    pub upper_closed: bool,
    /// issue 9, tables: a table of two measures: its grid (then `bands` is empty and
    /// `edge_ty` is the rows' key type).
    pub grid: Option<Grid>,
}

/// issue 9, tables: an interpolated curve: points strictly increasing in `x`, at least two.
#[derive(Debug, Clone)]
pub struct Curve {
    /// Name.
    pub name: String,
    /// The unit of the points' measure.
    pub x_ty: Type,
    /// The unit of the points' values.
    pub y_ty: Type,
    /// The points.
    pub points: Vec<CurvePoint>,
    /// Under the first point.
    pub below: EdgeRule,
    /// Over the last point.
    pub above: EdgeRule,
    /// Where declared.
    pub span: Span,
}

/// One point of a curve: constants.
#[derive(Debug, Clone)]
pub struct CurvePoint {
    /// The measure.
    pub x: Decimal,
    /// The value there.
    pub y: Decimal,
    /// Where written.
    pub span: Span,
}

/// What a curve gives outside its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeRule {
    /// 0.
    Zero,
    /// The nearest point's value.
    Hold,
    /// The line of the nearest segment, continued.
    Extrapolate,
    /// A run-time error.
    Error,
}

impl EdgeRule {
    /// The rule as written.
    pub fn name(self) -> &'static str {
        match self {
            EdgeRule::Zero => "zero",
            EdgeRule::Hold => "hold",
            EdgeRule::Extrapolate => "extrapolate",
            EdgeRule::Error => "error",
        }
    }
}

/// issue 9, tables: the grid of a two-dimensional rate table.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The rows' keys (the first measure).
    pub rows: Axis,
    /// The columns' keys (the second measure).
    pub columns: Axis,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
}

/// One axis of a grid: bands (ordered, gap-free) or text values (distinct).
#[derive(Debug, Clone)]
pub struct Axis {
    /// The keys' type: `Text` for text values, else the unit of the band edges.
    pub ty: Type,
    /// The keys, in order.
    pub keys: Vec<AxisKey>,
}

/// One row or column key.
#[derive(Debug, Clone)]
pub struct AxisKey {
    /// Lower edge of a band (`None`: open below, or a text key).
    pub lo: Option<Decimal>,
    /// Upper edge of a band (`None`: open above, or a text key).
    pub hi: Option<Decimal>,
    /// A text key's value.
    pub text: Option<Sym>,
    /// Where written.
    pub span: Span,
}

/// One cell of a grid: a constant.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Its value.
    pub value: Decimal,
    /// Where written.
    pub span: Span,
}

impl Axis {
    /// The key `v` falls in: the band holding it (closed as the table says), or the text key
    /// equal to it.
    pub fn find(&self, v: &Value, upper_closed: bool) -> Option<usize> {
        self.keys.iter().position(|k| match (v, k.text) {
            (Value::Text(s), Some(t)) => *s == t,
            (Value::Num(x), None) => in_band(k.lo, k.hi, upper_closed, x),
            _ => false,
        })
    }
}

impl RateTable {
    /// The band containing `x`, if any (bands are half-open: `[lo, hi)`, or `(lo, hi]` for
    /// a table written so).
    pub fn band_of(&self, x: &Num) -> Option<usize> {
        self.bands
            .iter()
            .position(|b| in_band(b.lo, b.hi, self.upper_closed, x))
    }

    /// `[lo, hi)` or `(lo, hi]`: how explain writes this table's closedness.
    pub fn closedness(&self) -> &'static str {
        if self.upper_closed {
            "(lo, hi]"
        } else {
            "[lo, hi)"
        }
    }
}

/// Whether `x` lies in the band `lo .. hi` (`None`: unbounded on that side), closed below
/// (`[lo, hi)`) or, when `upper_closed`, above (`(lo, hi]`).
pub fn in_band(lo: Option<Decimal>, hi: Option<Decimal>, upper_closed: bool, x: &Num) -> bool {
    if upper_closed {
        lo.is_none_or(|lo| *x > Num::from(lo)) && hi.is_none_or(|hi| *x <= Num::from(hi))
    } else {
        lo.is_none_or(|lo| *x >= Num::from(lo)) && hi.is_none_or(|hi| *x < Num::from(hi))
    }
}

/// A constant or runtime value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// Integer, number, percent (as a fraction), money, days: exact.
    Num(Num),
    /// Yes / no.
    Bool(bool),
    /// Interned text.
    Text(Sym),
    /// A day number.
    Date(i32),
}

impl Value {
    /// The exact text of a value, as every output writes it (numbers without trailing
    /// zeros, days as `YYYY-MM-DD`); built from [`crate::render`], which cannot name `Value`.
    pub fn exact(&self, strings: &Interner) -> String {
        match self {
            Value::Num(n) => crate::render::number(n),
            Value::Bool(b) => b.to_string(),
            Value::Text(s) => strings.resolve(*s).to_string(),
            Value::Date(d) => crate::render::day(*d),
        }
    }
}

/// Aggregate functions over rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    /// Sum of a column.
    Sum,
    /// Number of rows.
    Count,
    /// Mean of a column.
    Avg,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Number of distinct values.
    CountDistinct,
}

impl AggFunc {
    /// The function's name as written.
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Sum => "sum",
            AggFunc::Count => "count",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::CountDistinct => "count_distinct",
        }
    }
}

/// Which other scopes an expression is evaluated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Across {
    /// Periods of the plan year up to the current one.
    Ytd,
    /// The previous period.
    Prior,
    /// Every period of the plan.
    PeriodTotal,
    /// Direct reports.
    Team,
    /// Every descendant in the hierarchy.
    Org,
    // issue 10, calendars
    /// Periods of the quarter up to the current one.
    Qtd,
}

impl Across {
    /// The function's name as written.
    pub fn name(self) -> &'static str {
        match self {
            Across::Ytd => "ytd",
            Across::Prior => "prior",
            Across::PeriodTotal => "period_total",
            Across::Team => "team",
            Across::Org => "org",
            Across::Qtd => "qtd",
        }
    }
}

/// How a rate table is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatesMode {
    /// Each slice of the base at its band's rate.
    Marginal,
    /// The rate of the band the value falls in.
    Flat,
    /// The value of the band the value falls in.
    Lookup,
}

/// A filtered set of rows of a credited table.
#[derive(Debug, Clone)]
pub struct RowSet {
    /// The table.
    pub table: TableId,
    /// Conditions a row must meet (all of them).
    pub filters: Vec<Expr>,
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Where written.
    pub span: Span,
}

/// Expression forms after resolution.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A constant.
    Const(Value),
    /// A column of the current participant's roster row.
    Param(ColId),
    /// A column of the current row (inside `where` and aggregates).
    RowCol(ColId),
    /// Another definition's value in the current scope.
    Def(DefId),
    /// Arithmetic, comparison, logic.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// Negation.
    Neg(Box<Expr>),
    /// Logical not.
    Not(Box<Expr>),
    /// The left value, or the right one when the left is missing or impossible.
    Otherwise(Box<Expr>, Box<Expr>),
    /// An aggregate over credited rows.
    Agg {
        /// Function.
        func: AggFunc,
        /// Rows.
        rows: RowSet,
        /// Aggregated column (none for count, and for an expression of the row).
        column: Option<ColId>,
        /// issue 9, rows: the expression of each row aggregated (`sum(won, amount *
        /// margin)`); its `RowCol`s read the row set's table. None when a column is.
        value: Option<Box<Expr>>,
    },
    /// A rate table applied to a value.
    Rates {
        /// Mode.
        mode: RatesMode,
        /// Table.
        table: RatesId,
        /// The value looked up (or the base, for marginal).
        x: Box<Expr>,
        /// Marginal's scale.
        per: Option<Box<Expr>>,
        /// issue 9, tables: the value of the second measure, for a table of two.
        y: Option<Box<Expr>>,
    },
    /// A value prorated by the days (or months) the participant is active in the period.
    Prorate {
        /// The full-period value.
        value: Box<Expr>,
        /// Active from (inclusive).
        from: Option<Box<Expr>>,
        /// Active until (inclusive).
        to: Option<Box<Expr>>,
        /// What is counted: days (the default) or months (issue 9).
        by: Proration,
    },
    /// The expression evaluated in other scopes and summed.
    Across(Across, Box<Expr>),
    /// issue 10, ledger: `paid_to_date(PAYOUT)`: the payout's settled (paid) values in the
    /// periods of the plan year before the current one, added up.
    PaidToDate(DefId),
    /// issue 10, ledger: `prior(value, opening: opening)`: `value` in the previous period,
    /// or `opening` (evaluated in the current scope) in the plan's first period. A
    /// definition may read its own value so (a lag edge of the dependency graph).
    Lag {
        /// The value read in the previous period.
        value: Box<Expr>,
        /// The value in the first period.
        opening: Box<Expr>,
    },
    /// Explicit rounding.
    Round {
        /// Value.
        value: Box<Expr>,
        /// Increment.
        increment: Decimal,
        /// Mode.
        mode: RoundingMode,
    },
    /// Smallest of several values.
    Min(Vec<Expr>),
    /// Largest of several values.
    Max(Vec<Expr>),
    /// Absolute value.
    Abs(Box<Expr>),
    /// Whether an optional column has a value.
    Present(Box<Expr>),
    /// First day of the current period.
    PeriodStart,
    /// Last day of the current period.
    PeriodEnd,
    /// issue 9, tables: a curve's value at `x`, interpolated between its points.
    Interpolate {
        /// The curve.
        curve: CurveId,
        /// The measure.
        x: Box<Expr>,
    },
    /// A cell of the row of a reference table in force for a key (and on a date):
    /// `price_list(sku).price`, `fx(currency, on: close_date).rate` (issue 9).
    Lookup {
        /// The reference table.
        table: TableId,
        /// The key values, in `key` order.
        keys: Vec<Expr>,
        /// The date, for an effective-dated table.
        on: Option<Box<Expr>>,
        /// The column read.
        column: ColId,
    },
    // issue 9, functions and parameters
    /// A plan parameter, with its value in force (a constant for the whole run).
    PlanParam(ParamId, Value),
    /// A call of a user function: the arguments, evaluated first, then the body (checked
    /// for these argument types), which reads them as [`ExprKind::Arg`].
    Call {
        /// The function.
        func: FnId,
        /// The arguments, in the function's parameter order.
        args: Vec<Expr>,
        /// The function's body, typed for these arguments.
        body: BodyId,
    },
    /// The value of the innermost call's argument at this position (inside a body only).
    Arg(usize),
    /// `if cond then a else b` (issue 9, conditionals): only the branch taken is evaluated.
    If {
        /// The yes/no condition.
        cond: Box<Expr>,
        /// The value when the condition holds.
        then: Box<Expr>,
        /// The value when it does not.
        other: Box<Expr>,
    },
    /// A calendar function of dates or of the current period (issue 9, calendar
    /// arithmetic), with its arguments in parameter order.
    Calendar(CalendarFn, Vec<Expr>),
    /// issue 11: a function of a KPI's values (causes, rank, percentile, team average,
    /// trend).
    KpiOf {
        /// The KPI.
        kpi: DefId,
        /// The function.
        func: KpiFn,
    },
    /// issue 11, scorecards: a weighted score of KPIs against their targets (the expression
    /// of a `scorecard`'s definition; a percent).
    Scorecard(Box<Scorecard>),
    /// issue 11, cascades: a KPI's target split down or rolled up the `managed by`
    /// hierarchy, and the requirement that a team's targets add up.
    Cascade(Box<Cascade>),
    /// issue 10, currencies: `convert(amount, to: CUR, using: T.rate, on: DATE)`, an amount
    /// converted at the rate of an FX table's row in force (`eval/fx.rs`).
    Convert(Box<Convert>),
    /// issue 10, clawbacks: `clawback(VALUE, cancelled: COLUMN, within: DAYS)`, what
    /// `VALUE` paid in earlier periods on the rows cancelled in this one, taken back
    /// (`eval/clawback.rs`).
    Clawback(Box<Clawback>),
}

// issue 11, scorecards
/// A scorecard: `Σ weight × clamp(attainment_of(kpi), floor, cap)` over its measures; a
/// measure whose KPI has no data adds 0% (or, with `reweight`, leaves the score and the
/// other weights are scaled up to `total`). Its gate is the definition's `gate`.
#[derive(Debug, Clone)]
pub struct Scorecard {
    /// The measures, in the order written.
    pub measures: Vec<Measure>,
    /// What the weights add up to: 100%, or `weights add up to …`.
    pub total: Num,
    /// `no data reweights`.
    pub reweight: bool,
}

/// One measure of a scorecard.
#[derive(Debug, Clone)]
pub struct Measure {
    /// The KPI (it has a target).
    pub kpi: DefId,
    /// Its `NAME.status` definition: `"no data"` there leaves the measure without data.
    pub status: DefId,
    /// `attainment_of(kpi)`: the KPI against its target, direction-aware.
    pub attainment: Expr,
    /// The weight, a fraction (40% is 0.4).
    pub weight: Num,
    /// `floor …`: the least attainment counted.
    pub floor: Option<Num>,
    /// `cap …`: the most attainment counted.
    pub cap: Option<Num>,
    /// The measure's line.
    pub span: Span,
}

// issue 11, cascades
/// A KPI's target along the hierarchy: `target EXPR` is each participant's own target
/// (`own`); `how` says who takes it.
#[derive(Debug, Clone)]
pub struct Cascade {
    /// The target as written, evaluated for a participant.
    pub own: Expr,
    /// How the target moves along the hierarchy.
    pub how: CascadeHow,
    /// `targets add up`: a manager's target must equal the sum of the reports' targets.
    pub add_up: bool,
    /// The KPI whose target this is (named in the error).
    pub kpi: DefId,
}

/// How a target moves along the `managed by` hierarchy.
#[derive(Debug, Clone)]
pub enum CascadeHow {
    /// Every participant has its own target (`targets add up` alone).
    Own,
    /// `split equally`: below the top, the manager's target / the manager's direct reports.
    Equally,
    /// `split by share EXPR`: below the top, the manager's target × the participant's share.
    Share(Expr),
    /// `roll up`: a manager's target is the sum of the reports' targets.
    RollUp,
}

/// issue 10, currencies: a conversion of an amount into another currency, at the rate of
/// the row of a reference table keyed by the two currencies.
#[derive(Debug, Clone)]
pub struct Convert {
    /// The amount.
    pub value: Expr,
    /// The currency it is in.
    pub from: FromCurrency,
    /// The currency it is converted to.
    pub to: Sym,
    /// The FX table: a reference table keyed by (from, to) currency.
    pub table: TableId,
    /// Its rate column: one unit of `from` is `rate` units of `to`.
    pub rate: ColId,
    /// The day the rate must be in force on (an effective-dated table).
    pub on: Option<Expr>,
}

/// issue 10, clawbacks: what a definition paid on the rows cancelled in the current period,
/// attributed to each row through the one `sum` (or `count`) of credited rows it reads.
#[derive(Debug, Clone)]
pub struct Clawback {
    /// The definition whose earlier values are taken back (a payout, or a KPI such as the
    /// bookings a true-up is computed from).
    pub of: DefId,
    /// The base: the aggregate (`ExprKind::Agg`, a `sum` or `count`) over credited rows
    /// that `of` reads, directly or through the definitions it reads in the same period.
    /// A row's share of what `of` paid in a period is its part of the base then.
    pub base: Expr,
    /// The base's (credited) table.
    pub table: TableId,
    /// Its date column saying when a row was cancelled (empty: not cancelled).
    pub cancelled: ColId,
    /// The window (`days`): a row cancelled more days than this after its credit date is
    /// not taken back.
    pub within: Expr,
}

/// issue 10, currencies: where the currency of an amount to convert comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromCurrency {
    /// Known to the checker: `money(USD)`.
    Fixed(Sym),
    /// A text column of the roster (the current participant's cell): `money in COLUMN` of
    /// the participant table.
    Roster(ColId),
    /// A text column of the current row: `money in COLUMN` of a credited or reference table.
    Row(ColId),
}

/// What `prorate` counts (issue 9, calendar arithmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proration {
    /// Active days / days of the period (`by: days`, the default).
    Days,
    /// Calendar months with at least one active day / months of the period (`by: months`).
    Months,
}

/// The calendar functions (issue 9, calendar arithmetic); the arithmetic is in
/// `crate::calendar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarFn {
    /// `months_between(a, b)`: whole months, an integer.
    MonthsBetween,
    /// `add_months(d, n)`: a date.
    AddMonths,
    /// `weekdays(a, b)`: Monday to Friday, both ends included, in days.
    Weekdays,
    /// `year_of(d)`: an integer.
    YearOf,
    /// `quarter_of(d)`: 1 to 4.
    QuarterOf,
    /// `month_of(d)`: 1 to 12.
    MonthOf,
    /// `is_quarter_end()`: the period ends on the last day of a calendar quarter.
    IsQuarterEnd,
    /// `is_year_end()`: the period ends on December 31.
    IsYearEnd,
    /// `working_days(a, b, except: T.col)`: weekdays between a and b, both included, less
    /// the dates of a date column of a reference table (issue 9, reference tables).
    WorkingDays {
        /// The holidays: a date column of a reference table.
        except: Option<(TableId, ColId)>,
    },
}

impl CalendarFn {
    /// The function's name.
    pub fn name(self) -> &'static str {
        match self {
            CalendarFn::MonthsBetween => "months_between",
            CalendarFn::AddMonths => "add_months",
            CalendarFn::Weekdays => "weekdays",
            CalendarFn::YearOf => "year_of",
            CalendarFn::QuarterOf => "quarter_of",
            CalendarFn::MonthOf => "month_of",
            CalendarFn::IsQuarterEnd => "is_quarter_end",
            CalendarFn::IsYearEnd => "is_year_end",
            CalendarFn::WorkingDays { .. } => "working_days",
        }
    }
}

impl Expr {
    /// issue 10, ledger: the direct sub-expressions, to change (as [`Expr::children`]).
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            ExprKind::Binary(_, a, b) | ExprKind::Otherwise(a, b) => vec![a, b],
            ExprKind::Neg(a)
            | ExprKind::Not(a)
            | ExprKind::Abs(a)
            | ExprKind::Present(a)
            | ExprKind::Across(_, a)
            | ExprKind::Interpolate { x: a, .. } => vec![a],
            ExprKind::Round { value, .. } => vec![value],
            ExprKind::Lag { value, opening } => vec![value, opening],
            ExprKind::Rates { x, per, y, .. } => {
                let mut v: Vec<&mut Expr> = vec![x];
                v.extend(per.as_deref_mut());
                v.extend(y.as_deref_mut());
                v
            }
            ExprKind::Prorate {
                value, from, to, ..
            } => {
                let mut v: Vec<&mut Expr> = vec![value];
                v.extend(from.as_deref_mut());
                v.extend(to.as_deref_mut());
                v
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) => xs.iter_mut().collect(),
            ExprKind::Lookup { keys, on, .. } => {
                let mut v: Vec<&mut Expr> = keys.iter_mut().collect();
                v.extend(on.as_deref_mut());
                v
            }
            ExprKind::Call { args, .. } => args.iter_mut().collect(),
            ExprKind::If { cond, then, other } => vec![cond, then, other],
            ExprKind::Calendar(_, xs) => xs.iter_mut().collect(),
            ExprKind::Clawback(c) => vec![&mut c.within],
            _ => Vec::new(),
        }
    }

    /// The direct sub-expressions (not the filters of an aggregate).
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Binary(_, a, b) | ExprKind::Otherwise(a, b) => vec![a, b],
            ExprKind::Neg(a)
            | ExprKind::Not(a)
            | ExprKind::Abs(a)
            | ExprKind::Present(a)
            | ExprKind::Across(_, a)
            | ExprKind::Interpolate { x: a, .. } => vec![a],
            ExprKind::Round { value, .. } => vec![value],
            ExprKind::Lag { value, opening } => vec![value, opening],
            ExprKind::Rates { x, per, y, .. } => {
                let mut v: Vec<&Expr> = vec![x];
                v.extend(per.as_deref());
                v.extend(y.as_deref());
                v
            }
            ExprKind::Prorate {
                value, from, to, ..
            } => {
                let mut v: Vec<&Expr> = vec![value];
                v.extend(from.as_deref());
                v.extend(to.as_deref());
                v
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) => xs.iter().collect(),
            ExprKind::Lookup { keys, on, .. } => {
                let mut v: Vec<&Expr> = keys.iter().collect();
                v.extend(on.as_deref());
                v
            }
            // The body is in `Plan::bodies`, and reads only the arguments.
            ExprKind::Call { args, .. } => args.iter().collect(),
            ExprKind::If { cond, then, other } => vec![cond, then, other],
            ExprKind::Calendar(_, xs) => xs.iter().collect(),
            // issue 11
            ExprKind::Scorecard(sc) => sc.measures.iter().map(|m| &m.attainment).collect(),
            ExprKind::Cascade(c) => {
                let mut v = vec![&c.own];
                if let CascadeHow::Share(e) = &c.how {
                    v.push(e);
                }
                v
            }
            ExprKind::Convert(c) => {
                let mut v: Vec<&Expr> = vec![&c.value];
                v.extend(c.on.as_ref());
                v
            }
            // issue 10, clawbacks: the base is a copy of an aggregate `of` reads, walked
            // there; the window is read in this scope.
            ExprKind::Clawback(c) => vec![&c.within],
            _ => Vec::new(),
        }
    }
}

// issue 10, statements
/// A checked `statement { … }` block: which definition is shown on which line of a
/// participant's statement, in the order written.
#[derive(Debug, Clone)]
pub struct StatementSpec {
    /// The lines, in the order written.
    pub lines: Vec<StatementLine>,
    /// The whole block.
    pub span: Span,
}

/// One line of a statement: a definition under a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementLine {
    /// The section it is shown under.
    pub section: Section,
    /// The definition whose value it shows.
    pub def: DefId,
}

/// A section of a statement. The paid sections hold payouts, which add up to `total`;
/// `previously paid` and `balance` show values that are not paid in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// What the period's work earned.
    Earned,
    /// A correction of what was previously paid (`true-up`).
    TrueUp,
    /// An advance against future earnings.
    Draw,
    /// A draw paid back.
    Recovery,
    /// Earnings taken back (a cancelled deal).
    Clawback,
    /// What was paid in earlier periods (`previously paid`): shown, not paid again.
    PreviouslyPaid,
    /// A balance carried forward: shown, not paid.
    Balance,
}

impl Section {
    /// Every section, in the order a statement shows them.
    pub const ALL: [Section; 7] = [
        Section::Earned,
        Section::TrueUp,
        Section::Draw,
        Section::Recovery,
        Section::Clawback,
        Section::PreviouslyPaid,
        Section::Balance,
    ];

    /// The section's word as written in a plan (`true-up`, `previously paid`).
    pub fn word(self) -> &'static str {
        match self {
            Section::Earned => "earned",
            Section::TrueUp => "true-up",
            Section::Draw => "draw",
            Section::Recovery => "recovery",
            Section::Clawback => "clawback",
            Section::PreviouslyPaid => "previously paid",
            Section::Balance => "balance",
        }
    }

    /// Whether its lines are paid in the period (and so add up to `total`).
    pub fn is_paid(self) -> bool {
        !matches!(self, Section::PreviouslyPaid | Section::Balance)
    }
}
