//! The explain schema (docs/explain-json.md, `ignition.explain/2`): the serialisable tree
//! of one participant's evaluation in one period. Plain data: built by the recorder
//! ([`super::record`]), shaped by [`super::shape`], read by the renderers.

use crate::syntax::ast::BinOp;
use rust_decimal::Decimal;
use serde::Serialize;

/// The version of the JSON schema (docs/explain-json.md).
pub const SCHEMA: &str = "ignition.explain/2";

/// One explained number. `Default` is the empty node every builder starts from
/// (`Node { kind, value, …, ..Node::default() }`), so a new optional block is added in one place.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Node {
    /// Stable id: the definition's name, or the parent's id and the child's position.
    pub id: String,
    /// What kind of step this is (definition, reference, aggregate, rates, operation, …).
    pub kind: NodeKind,
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
    /// The row of a reference table a lookup used (issue 9).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookup: Option<LookupStep>,
    /// issue 10, assignments: the hierarchy a `team` or `org` read, from a manager history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hierarchy: Option<HierarchyStep>,
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
    /// issue 9, tables: a curve interpolated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<CurveStep>,
    // issue 9, functions and parameters
    /// A user function's call: the function and its arguments' values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<CallStep>,
    /// A param's origin: `plan` (its `param` line, which `source` points at) or the
    /// `--set NAME=VALUE` that replaced it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// An `if`: its condition's value and the branch taken (issue 9, conditionals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<Branch>,
    /// A `prorate`: the share of the period it counted (issue 9, calendar arithmetic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proration: Option<ProrationStep>,
    /// issue 11: a KPI's gap split among its drivers (`cause_of`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub causes: Option<CausesStep>,
    /// issue 11: what a `rank`, `percentile`, `team_avg` or `trend` compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<ComparisonStep>,
    /// issue 11, scorecards: each measure's attainment, bounds, weight and contribution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<ScorecardStep>,
    /// issue 11, cascades: where a KPI's target came from along the hierarchy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cascade: Option<CascadeStep>,
    /// issue 10, ledger: a `prior(…, opening: …)`: the opening taken, or the values back to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<LedgerStep>,
    /// issue 10, ledger: `paid_to_date(PAYOUT)`: what the payout paid in each earlier period
    /// of the plan year (they add up to the node's value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<Vec<ChainEntry>>,
    /// A `convert`: the rate used and the FX table's row it came from (issue 10, currencies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<ConversionStep>,
    /// issue 10, currencies: a payout or the total in the participant's pay currency
    /// (`participants … paid in`): the conversion and the rounding to its minor unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pay: Option<PayStep>,
    /// issue 10, clawbacks: the rows cancelled in the period, each with what was taken back
    /// (the taken amounts add up to minus the node's value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clawback: Option<ClawbackStep>,
}

/// issue 10, currencies: how a payout (or the total) reached the participant's pay currency.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PayStep {
    /// The pay currency (ISO 4217).
    pub currency: String,
    /// The amount paid in it.
    pub amount: String,
    /// The exact payout in the plan's currency before the plan's rounding, which is
    /// converted (absent on the total).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<String>,
    /// The conversion of the exact payout from the plan's currency: rate and FX row (absent
    /// on the total, which adds up the payouts' pay figures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<ConversionStep>,
    /// The exact amount in the pay currency before rounding (on the total: the sum).
    pub unrounded: String,
    /// The increment rounded to: the currency's minor unit, or the plan's increment when
    /// paid in the plan's currency (absent on the total).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub increment: Option<String>,
    /// The rounding rule.
    pub mode: String,
}

/// issue 10, clawbacks: what `clawback(VALUE, cancelled: …, within: …)` took back.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClawbackStep {
    /// The definition taken back.
    pub of: String,
    /// Whether it is a payout (its values were paid) rather than a KPI or let.
    pub payout: bool,
    /// The base a row's share is worked out from, as written (`sum(won.amount)`).
    pub base: String,
    /// The base's unit (of each row's `value` and `base_total`).
    pub base_unit: String,
    /// The window, in days.
    pub window_days: i64,
    /// The rows cancelled in the period, by the period they were credited in.
    pub rows: Vec<ClawbackRow>,
}

/// One row cancelled in a clawback's period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClawbackRow {
    /// The data file of the row.
    pub file: String,
    /// Its line in the file.
    pub line: u32,
    /// The table's key of the row, when the table has one (`deal_id d1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The period it was credited (and paid) in.
    pub period: String,
    /// Its credit date.
    pub credited: String,
    /// The day it was cancelled.
    pub cancelled: String,
    /// Days from the credit date to the cancellation.
    pub days: i64,
    /// `taken` (its share, taken back), `after window` (cancelled after the window: nothing)
    /// or `not counted` (the base did not count it then: nothing was paid on it).
    pub outcome: String,
    /// The row's part of the base (its amount; 1 for a count), exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The base in that period, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_total: Option<String>,
    /// What the definition paid in that period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<String>,
    /// The history's file, when `paid` is its amount (`paid from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `paid × value / base_total`: what was taken back, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taken: Option<String>,
}

/// issue 11, causes of a gap: a KPI's gap to its target (or prior value) split among its
/// drivers by the Shapley decomposition; the effects add up to the gap.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CausesStep {
    /// The KPI.
    pub kpi: String,
    /// `target` or `prior`.
    pub vs: String,
    /// The KPI's value, exact.
    pub value: String,
    /// Its target or prior value, exact.
    pub reference: String,
    /// The gap, positive when better (`value − reference`, turned when lower is better).
    pub gap: String,
    /// The KPI's unit (of `value`, `reference`, `gap` and every effect).
    pub unit: String,
    /// One line per driver, then the remainders that are not zero.
    pub lines: Vec<CauseStep>,
}

/// One line of a decomposition.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CauseStep {
    /// `driver`; `value` (the KPI's value less the product of its drivers' values);
    /// `reference` (the product of the drivers' references less the KPI's reference).
    pub part: String,
    /// The driver's name (on a `driver` line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// The actual value, exact.
    pub actual: String,
    /// The reference: the driver's target or prior value, exact.
    pub reference: String,
    /// The unit of `actual` and `reference`.
    pub unit: String,
    /// Its part of the gap, in the KPI's unit; positive is better.
    pub effect: String,
}

/// issue 11, comparison and trend: what a comparison read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ComparisonStep {
    /// `rank`, `percentile`, `team_avg`, `trend` or `pace`.
    pub function: String,
    /// `team` or `org` (rank, percentile; team_avg is `team`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// The members of the group with a value, the participant included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
    /// How many of them do strictly better.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub better: Option<u32>,
    /// How many of them do strictly worse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worse: Option<u32>,
    /// The sum of their values (team_avg), exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sum: Option<String>,
    /// The periods fitted by `trend`, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<TrendPoint>,
    /// `pace`: the days of the period elapsed at `--as-of`, both ends included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<i64>,
    /// `pace`: the days of the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<i64>,
}

/// One period of a trend.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendPoint {
    /// The period's id.
    pub period: String,
    /// The KPI's value, exact.
    pub value: String,
}

// issue 11, scorecards
/// A scorecard's score, measure by measure: the node's value is the sum of the
/// contributions. Numbers are exact fractions (a percent 40% is `"0.4"`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScorecardStep {
    /// The measures, in the order written.
    pub measures: Vec<MeasureStep>,
    /// `no data reweights` scaled the weights of the measures with data to the total.
    pub reweighted: bool,
}

/// One measure of a scorecard.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MeasureStep {
    /// The KPI's name.
    pub kpi: String,
    /// `attainment_of(kpi)`; absent when the measure has no data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attainment: Option<String>,
    /// The measure's floor, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<String>,
    /// The measure's cap, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<String>,
    /// The attainment counted: after floor and cap; 0 without data.
    pub counted: String,
    /// The weight it counted with (scaled when reweighted; 0 without data then).
    pub weight: String,
    /// `counted × weight`.
    pub contribution: String,
    /// Why the measure has no data, when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_data: Option<String>,
}

// issue 11, cascades
/// Where a cascaded target came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CascadeStep {
    /// `own` (the target as written), `split equally`, `split by share` or `roll up`.
    pub how: String,
    /// The participant's place: `top` (no manager), `below` (split from the manager),
    /// `manager` (rolled up from the reports) or `own` (its own target).
    pub from: String,
    /// The manager whose target was split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// That manager's target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_target: Option<String>,
    /// The manager's direct reports, among whom the target was split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<usize>,
    /// The participant's direct reports.
    pub reports: usize,
    /// `targets add up` was checked (and held) for the participant's team.
    pub add_up: bool,
}

/// issue 10, ledger: what a `prior(NAME, opening: …)` read: in the first period the
/// opening; later, NAME's values in the earlier periods back to the opening (the nearest
/// and the first ones; `omitted` in between), as the run computed them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LedgerStep {
    /// `opening` (the first period: the opening's value) or `previous`.
    pub took: String,
    /// The opening as written.
    pub opening: String,
    /// The opening's value in the first period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening_value: Option<String>,
    /// The definition read, for `previous`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its values, the nearest period first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainEntry>,
    /// Periods left out between the nearest and the first ones.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One earlier period's value of a [`LedgerStep`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChainEntry {
    /// The period.
    pub period: String,
    /// The value (none when it failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For `paid`: the history's file when the amount is the history's (absent: the plan's
    /// own payout of that period).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The rate a `convert(…)` used (issue 10, currencies): the value is the amount × `rate`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConversionStep {
    /// The currency converted from.
    pub from: String,
    /// The currency converted to.
    pub to: String,
    /// The factor applied, exact: the row's rate, `1 / rate` of an inverse row, or 1.
    pub rate: String,
    /// The row is of the inverse pair (to → from): the amount was divided by its rate.
    pub inverse: bool,
    /// The FX table's row used (absent when the amount was already in `to`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<LookupStep>,
}

/// A user function's call (issue 9).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallStep {
    /// The function's name.
    pub function: String,
    /// Its arguments, in parameter order.
    pub arguments: Vec<ArgStep>,
}

/// One argument of a call.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArgStep {
    /// The parameter's name.
    pub name: String,
    /// The value given, exact.
    pub value: String,
    /// Its unit.
    pub unit: String,
}

/// The share of the period a `prorate` counted (issue 9, calendar arithmetic): the value is
/// the full value × `active` / `of`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProrationStep {
    /// `days` or `months`: what is counted.
    pub by: String,
    /// The active days, or the calendar months with an active day.
    pub active: i64,
    /// The days, or calendar months, of the period.
    pub of: i64,
    /// The first active day of the period (none when no day is active).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last active day of the period (none when no day is active).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// issue 10, assignments: `prorate(T(KEY).COLUMN)` of an effective-dated table: each
    /// row in force on a prorated day, with its days and its share (value × days / `of`);
    /// the shares add up to the node's value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<ProratedRowStep>,
    /// issue 10, assignments: the prorated days on which no row was in force, counted as
    /// zero (a participant hired or moved out of the table inside the period).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered: Option<i64>,
}

/// The hierarchy in force in a period, read from a manager history (`managed by
/// HISTORY.COLUMN`) by a `team` or `org` (issue 10, assignments).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HierarchyStep {
    /// The day it is in force on: the period's last day.
    pub on: String,
    /// The history's file.
    pub file: String,
    /// Each participant summed (the node's children, in order) and the line of the history
    /// row that puts them there.
    pub members: Vec<HierarchyMember>,
}

/// A participant of a team or org and the history row in force for them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HierarchyMember {
    /// The participant.
    pub participant: String,
    /// Their manager in the period.
    pub manager: String,
    /// The line of their history row in force.
    pub line: u32,
}

/// One row of an assignment history weighed by `prorate` (issue 10, assignments).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProratedRowStep {
    /// The row, with every cell, as a lookup shows it.
    pub row: LookupStep,
    /// Its first day in force among the prorated days.
    pub from: String,
    /// Its last.
    pub to: String,
    /// Those days, both included.
    pub days: i64,
    /// The cell read, exact.
    pub value: String,
    /// value × days / the period's days, exact.
    pub share: String,
}

/// The branch an `if … then … else …` took (issue 9, conditionals). The node's children
/// are the condition's step and the taken branch's; the other branch was not evaluated.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Branch {
    /// The condition as written.
    pub condition: String,
    /// The condition's value.
    pub holds: bool,
    /// `then` or `else`: the branch evaluated.
    pub taken: String,
    /// The branch not evaluated, as written.
    pub skipped: String,
}

/// issue 9, tables: `interpolate(CURVE, X)`: the points used and how far between them, or
/// the edge rule that applied.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CurveStep {
    /// The curve's name.
    pub curve: String,
    /// The value interpolated.
    pub input: String,
    /// The unit of `input` and of the points' measure.
    pub input_unit: String,
    /// The unit of the points' values (and the result).
    pub value_unit: String,
    /// The points used: the two ends of the segment (interpolated or extrapolated), or the
    /// nearest point for `hold`; none for `zero`.
    pub points: Vec<PointStep>,
    /// `(input − x₀) / (x₁ − x₀)` along the segment: between 0 and 1 inside the points,
    /// below 0 or above 1 when extrapolated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fraction: Option<String>,
    /// Outside the points: `below` or `above`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edge: Option<String>,
    /// Outside the points: the rule that applied (`zero`, `hold`, `extrapolate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// issue 9, tables: one point of a curve.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PointStep {
    /// 0-based index of the point in the curve.
    pub point: usize,
    /// The point as written: `"100% : 100%"`.
    pub written: String,
    /// Its measure.
    pub x: String,
    /// Its value.
    pub y: String,
}

/// What kind of step a node is (docs/explain-json.md §4: a closed set; a new kind is a new
/// version of the schema). Serialised as its name in snake case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A definition explained in full: its gate, its value and its limits.
    #[default]
    Definition,
    /// A use of a definition explained elsewhere, or evaluated for another scope.
    Reference,
    /// A roster cell of the participant.
    Column,
    /// An operator, `abs(…)` or `present(…)`.
    Operation,
    /// `a otherwise b`.
    Otherwise,
    /// An aggregate over input rows (`name` is the function).
    Aggregate,
    /// `marginal(…)`, `flat(…)`, `lookup(…)` or `interpolate(…)`.
    Rates,
    /// `prorate(…)`.
    Prorate,
    /// `ytd(x)`.
    Ytd,
    /// `prior(x)`.
    Prior,
    /// `period_total(x)`.
    PeriodTotal,
    /// `team(x)`.
    Team,
    /// `org(x)`.
    Org,
    /// `round(x, …)` written in the plan.
    Round,
    /// The function `min(a, b, …)`.
    Min,
    /// The function `max(a, b, …)`.
    Max,
    /// `period_start()` or `period_end()`.
    Period,
    /// A constant or a cell of an input row; a function's parameter read in its body
    /// (`name` is the parameter).
    Value,
    // issue 9, functions and parameters
    /// A call of a user function (`name`; its arguments in `call`, its body the last child).
    Call,
    /// A plan parameter (`name`; where its value comes from in `origin`).
    Param,
    // issue 10, calendars
    /// `qtd(x)`.
    Qtd,
    // issue 10, ledger
    /// `paid_to_date(PAYOUT)` (`name` is the payout; its periods in `paid`).
    PaidToDate,
}

impl NodeKind {
    /// The kind's name as serialised (`definition`, `period_total`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Definition => "definition",
            NodeKind::Reference => "reference",
            NodeKind::Column => "column",
            NodeKind::Operation => "operation",
            NodeKind::Otherwise => "otherwise",
            NodeKind::Aggregate => "aggregate",
            NodeKind::Rates => "rates",
            NodeKind::Prorate => "prorate",
            NodeKind::Ytd => "ytd",
            NodeKind::Prior => "prior",
            NodeKind::PeriodTotal => "period_total",
            NodeKind::Team => "team",
            NodeKind::Org => "org",
            NodeKind::Round => "round",
            NodeKind::Min => "min",
            NodeKind::Max => "max",
            NodeKind::Period => "period",
            NodeKind::Value => "value",
            NodeKind::Call => "call",
            NodeKind::Param => "param",
            NodeKind::Qtd => "qtd",
            NodeKind::PaidToDate => "paid_to_date",
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for NodeKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for NodeKind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// A place in the plan.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
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
    /// Whether the gated definition is paid (a payout) rather than a KPI or `let` value
    /// (issue 9, conditionals): only the wording of text and HTML depends on it.
    #[serde(skip)]
    pub paid: bool,
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
    /// issue 9, tables: flat and lookup: the table's closedness, `[lo, hi)` or `(lo, hi]`
    /// (which edge of the band found holds a value on it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// issue 9, tables: a table of two measures: the column found (`bands` then holds the
    /// row found, and both carry the cell's value as `rate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<ColumnStep>,
}

/// issue 9, tables: the column of a two-measure table a value fell in.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ColumnStep {
    /// The column value looked up: a decimal string, or the text of a text key.
    pub input: String,
    /// The unit of `input` and of the column edges (`text` for text keys).
    pub input_unit: String,
    /// The column found, as a band (`from`/`to` null for a text key); `rate` is the cell.
    pub band: BandStep,
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
    /// issue 12, sources: what each row's `line` counts when it is not a file's line:
    /// `row`, the row's number in a Parquet file or a database table (absent: `line`).
    #[serde(skip_serializing_if = "is_line")]
    pub row_word: &'static str,
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
    /// issue 10, currencies: the conversions the row's expression made (rate and FX row).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conversions: Vec<ConversionStep>,
}

/// The row of a reference table a lookup used: `price_list(sku).price` (issue 9).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LookupStep {
    /// The reference table.
    pub table: String,
    /// Its file.
    pub file: String,
    /// The row's line in the file.
    pub line: u32,
    /// The key looked up, by key column.
    pub key: indexmap::IndexMap<String, String>,
    /// The day the row had to be in force on (an effective-dated table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// The column read.
    pub column: String,
    /// The unit of each cell.
    pub units: indexmap::IndexMap<String, String>,
    /// Every cell of the row, by column; an empty cell is `""`.
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
    /// The plan's params (issue 9) with the values in force and where each comes from:
    /// they may be read anywhere, band edges and values included.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamStep>,
    /// issue 11, `--as-of`: the data cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<AsOfStep>,
}

/// issue 11: the data cut of `--as-of DATE`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AsOfStep {
    /// The day: rows dated after it are not counted, later periods not computed.
    pub date: String,
    /// When the explained period contains the day (and does not end on it): its days up to
    /// the day, both included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<i64>,
    /// Then: the days of the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<i64>,
}

/// A plan parameter's value in an explanation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParamStep {
    /// Its name.
    pub name: String,
    /// The value in force, exact.
    pub value: String,
    /// Its unit.
    pub unit: String,
    /// `plan`, or the `--set NAME=VALUE` that replaced the plan's value.
    pub origin: String,
    /// The `param` line.
    pub source: SourceRef,
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

#[cfg(test)]
impl Node {
    /// A node of `kind` with a value and an expression written on `line`, and nothing else
    /// (for the renderers' and the shaper's tests).
    pub(crate) fn sample(
        kind: NodeKind,
        name: Option<&str>,
        value: &str,
        unit: &str,
        expr: &str,
        line: usize,
    ) -> Node {
        Node {
            id: String::new(),
            kind,
            name: name.map(str::to_string),
            value: Some(value.to_string()),
            unit: unit.to_string(),
            error: None,
            expr: expr.to_string(),
            source: SourceRef {
                file: "plan.plan".into(),
                line,
                column: 3,
                start: 0,
                end: expr.len(),
            },
            ..Node::default()
        }
    }
}

#[cfg(test)]
impl Explanation {
    /// An explanation of `nodes` for participant `r1` in `2026-Q1` of plan `Plan` (tests).
    pub(crate) fn sample(nodes: Vec<Node>) -> Explanation {
        Explanation {
            schema: SCHEMA,
            plan: "Plan".into(),
            file: "plan.plan".into(),
            participant: "r1".into(),
            period: "2026-Q1".into(),
            currency: "EUR".into(),
            nodes,
            params: Vec::new(),
            as_of: None,
        }
    }
}

/// Whether rows are numbered by their file's lines (the default, left out of the JSON).
fn is_line(word: &&'static str) -> bool {
    *word == "line"
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [NodeKind; 20] = [
        NodeKind::Definition,
        NodeKind::Reference,
        NodeKind::Column,
        NodeKind::Operation,
        NodeKind::Otherwise,
        NodeKind::Aggregate,
        NodeKind::Rates,
        NodeKind::Prorate,
        NodeKind::Ytd,
        NodeKind::Prior,
        NodeKind::PeriodTotal,
        NodeKind::Team,
        NodeKind::Org,
        NodeKind::Round,
        NodeKind::Min,
        NodeKind::Max,
        NodeKind::Period,
        NodeKind::Value,
        NodeKind::Qtd,
        NodeKind::PaidToDate,
    ];

    #[test]
    fn node_kinds_serialise_as_the_names_of_the_schema() {
        // The closed set of docs/explain-json.md §4, in its order.
        let names = [
            "definition",
            "reference",
            "column",
            "operation",
            "otherwise",
            "aggregate",
            "rates",
            "prorate",
            "ytd",
            "prior",
            "period_total",
            "team",
            "org",
            "round",
            "min",
            "max",
            "period",
            "value",
            "qtd",
            "paid_to_date",
        ];
        for (k, name) in ALL.iter().zip(names) {
            assert_eq!(k.as_str(), name);
            assert_eq!(k.to_string(), name);
            assert_eq!(serde_json::to_value(k).ok(), Some(name.into()));
            assert!(*k == name);
        }
    }

    #[test]
    fn a_node_serialises_its_kind_and_leaves_out_empty_parts() {
        let n = Node::sample(
            NodeKind::PeriodTotal,
            None,
            "12",
            "EUR",
            "period_total(x)",
            4,
        );
        let json = serde_json::to_value(&n).unwrap_or_default();
        assert_eq!(json["kind"], "period_total");
        assert_eq!(json["value"], "12");
        // Absent options and empty lists are not written; `changed` and `op` never are.
        for absent in [
            "name", "error", "gate", "limits", "children", "role", "changed", "op",
        ] {
            assert!(json.get(absent).is_none(), "{absent}");
        }
    }

    #[test]
    fn walk_is_depth_first_and_decimal_reads_the_value() {
        let mut root = Node::sample(NodeKind::Operation, None, "3", "number", "a + b", 1);
        let mut a = Node::sample(NodeKind::Reference, Some("a"), "1", "number", "a", 1);
        a.children.push(Node::sample(
            NodeKind::Column,
            Some("c"),
            "x",
            "text",
            "c",
            1,
        ));
        root.children.push(a);
        root.children.push(Node::sample(
            NodeKind::Reference,
            Some("b"),
            "2",
            "number",
            "b",
            1,
        ));
        let mut out = Vec::new();
        walk(&root, &mut out);
        let exprs: Vec<&str> = out.iter().map(|n| n.expr.as_str()).collect();
        assert_eq!(exprs, ["a + b", "a", "c", "b"]);
        assert_eq!(decimal(&root), Some(Decimal::from(3)));
        // Text has no decimal value.
        assert_eq!(decimal(out[2]), None);
    }
}
