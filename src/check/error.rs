//! Every diagnostic the checker reports: one variant per situation (several situations may
//! share a stable code). The docs of the variants are the "Meaning" column of
//! docs/language.md §20.

use crate::diagnostics::Typed;
use miette::{LabeledSpan, SourceSpan};

/// Checks (before any data is read)
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CheckError {
    /// A call names an argument the function does not have.
    #[error("`{function}` has no argument `{name}`")]
    #[diagnostic(code(ignition::check::argument), help("`{function}` takes: {params}"))]
    UnknownArgument {
        function: String,
        name: String,
        /// The function's argument names, joined by `, `.
        params: String,
        #[label("unknown argument")]
        span: SourceSpan,
    },
    /// A call gives more arguments than the function takes.
    #[error("`{function}` takes at most {max} arguments")]
    #[diagnostic(code(ignition::check::argument), help("`{function}` takes: {params}"))]
    TooManyArguments {
        function: String,
        max: usize,
        params: String,
        #[label("one too many")]
        span: SourceSpan,
    },
    /// A call leaves out a required argument.
    #[error("`{function}` needs its `{name}` argument")]
    #[diagnostic(code(ignition::check::argument), help("`{function}` takes: {params}"))]
    MissingArgument {
        function: String,
        name: String,
        params: String,
        #[label("missing argument")]
        span: SourceSpan,
    },
    /// An aggregate is not given exactly one set of rows.
    #[error("`{function}` takes one set of rows")]
    #[diagnostic(code(ignition::check::argument))]
    AggregateArity {
        function: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    /// `count` is given a column (it counts rows).
    #[error("`count` counts rows, not a column")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write `count(rows)`, or `count_distinct(rows.column)` for distinct values")
    )]
    CountOfColumn {
        #[label("a column")]
        span: SourceSpan,
    },
    /// An aggregate other than `count` is given rows without a column.
    #[error("`{function}` needs a column to aggregate")]
    #[diagnostic(code(ignition::check::argument))]
    AggregateWithoutColumn {
        function: String,
        #[help]
        help: String,
        #[label("rows without a column")]
        span: SourceSpan,
    },
    /// `min` or `max` is called with no values.
    #[error("`{function}` needs values to compare")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write e.g. `{function}(reply_rate / 20%, 1.2)`, or `{function}(rows.column)` over rows")
    )]
    NoValues {
        function: String,
        #[label("no values")]
        span: SourceSpan,
    },
    /// The first argument of `marginal`, `flat` or `lookup` is not a name.
    #[error("the first argument of `{function}` is a rate table's name")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write e.g. `marginal(commission_rate, bookings, per: quota)`")
    )]
    RatesTableArgument {
        function: String,
        #[label("not a table name")]
        span: SourceSpan,
    },
    /// `prorate` has neither `from:` nor `to:`.
    #[error("`prorate` needs `from:` and/or `to:`")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write e.g. `prorate(annual_quota / 4, from: start_date)`")
    )]
    ProrateBounds {
        #[label("nothing to prorate by")]
        span: SourceSpan,
    },
    /// `ytd`, `prior`, `period_total`, `team` or `org` is used inside `where`.
    #[error("`{function}` cannot be used inside `where`")]
    #[diagnostic(
        code(ignition::check::argument),
        help("compute it as a kpi first and compare with that")
    )]
    AcrossInWhere {
        function: String,
        #[label("inside a row filter")]
        span: SourceSpan,
    },
    /// The increment of `round` is not a non-zero constant.
    #[error("`round` needs a constant increment like 0.01")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write e.g. `round(x, 0.01, half-up)`")
    )]
    RoundIncrement {
        #[label("not a constant increment")]
        span: SourceSpan,
    },
    /// The mode of `round` is not a rounding mode.
    #[error("unknown rounding mode")]
    #[diagnostic(
        code(ignition::check::argument),
        help("use half-even, half-up, half-down, up or down")
    )]
    RoundingMode {
        #[label("not a mode")]
        span: SourceSpan,
    },
    /// `present` is given something other than a column.
    #[error("`present` takes an optional column")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write e.g. `present(manager_id)`")
    )]
    PresentColumn {
        #[label("not a column")]
        span: SourceSpan,
    },
    /// `period_start()` or `period_end()` is given arguments.
    #[error("`{function}()` takes no arguments")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write it with empty parentheses")
    )]
    PeriodArguments {
        function: String,
        #[label("here")]
        span: SourceSpan,
    },

    /// A bare number other than 0 and 1 is compared with a percent (`attainment >= 30`
    /// means 3000%; write `30%`).
    #[error("`{written}` is compared with the percent `{other}` as a bare number, which reads as the fraction {written}{percent}")]
    #[diagnostic(code(ignition::check::bare_number_for_percent))]
    BareNumberForPercent {
        written: String,
        other: String,
        /// ` (3000%)`, or nothing.
        percent: String,
        #[help]
        help: String,
        #[label("a bare number, not a percent")]
        span: SourceSpan,
    },
    /// A band edge is a bare number other than 0 and 1 in a table whose bands measure a
    /// percent (§13).
    #[error("band edge `{written}` of `{table}` is a bare number, but the bands measure a percent ({why}): it reads as the fraction {written}{percent}")]
    #[diagnostic(code(ignition::check::bare_number_for_percent))]
    BareBandEdge {
        written: String,
        table: String,
        why: String,
        percent: String,
        #[help]
        help: String,
        #[label("a bare number, not a percent")]
        span: SourceSpan,
    },

    /// Two consecutive bands of a rate table leave a gap.
    #[error("gap between bands: nothing covers {above} .. {lo}")]
    #[diagnostic(
        code(ignition::check::band_gap),
        help("start this band at {above}, or add a band {above} .. {lo}")
    )]
    BandGap {
        /// Where the band above ends.
        above: String,
        lo: String,
        #[label("starts at {lo}, the band above ends at {above}")]
        span: SourceSpan,
    },

    /// A band is empty (`LO >= HI`).
    #[error("this band is empty: it starts at {lo} and ends at {hi}")]
    #[diagnostic(
        code(ignition::check::band_order),
        help("a band `lo .. hi` needs lo < hi")
    )]
    EmptyBand {
        lo: String,
        hi: String,
        #[label("empty band")]
        span: SourceSpan,
    },
    /// A band other than the first is open below.
    #[error("only the first band can be open below")]
    #[diagnostic(code(ignition::check::band_order), help("give this band a lower edge"))]
    OpenBelow {
        #[label("open lower edge")]
        span: SourceSpan,
    },
    /// A band other than the last is open above.
    #[error("only the last band can be open above")]
    #[diagnostic(
        code(ignition::check::band_order),
        help("give this band an upper edge, or move it last")
    )]
    OpenAbove {
        #[label("open upper edge")]
        span: SourceSpan,
    },
    /// Bands are out of order.
    #[error("bands are out of order")]
    #[diagnostic(
        code(ignition::check::band_order),
        help("list bands from the lowest edge to the highest")
    )]
    BandsOutOfOrder {
        lo: String,
        #[label("starts at {lo}, below the band above")]
        span: SourceSpan,
    },

    /// Two consecutive bands overlap.
    #[error("bands overlap between {lo} and {above}")]
    #[diagnostic(
        code(ignition::check::band_overlap),
        help("start this band at {above}")
    )]
    BandOverlap {
        lo: String,
        above: String,
        #[label("starts at {lo}, the band above ends at {above}")]
        span: SourceSpan,
    },

    /// The edges of one rate table are in different units.
    #[error("this edge is {found} but the table's edges are {want}")]
    #[diagnostic(
        code(ignition::check::band_unit),
        help("write every edge of a table in the same unit")
    )]
    BandEdgeUnit {
        found: String,
        want: String,
        #[label("unit differs")]
        span: SourceSpan,
    },
    /// The values of one rate table are in different units.
    #[error("this value is {found} but the table's values are {want}")]
    #[diagnostic(
        code(ignition::check::band_unit),
        help("write every value of a table in the same unit")
    )]
    BandValueUnit {
        found: String,
        want: String,
        #[label("unit differs")]
        span: SourceSpan,
    },

    /// A band edge or value is a literal that is not a number, percent, amount or number of
    /// days.
    #[error("band edges and values are numbers, percents or amounts")]
    #[diagnostic(
        code(ignition::check::band_value),
        help("write e.g. `50% .. 100% : 8%`")
    )]
    BandNotNumber {
        #[label("not a number")]
        span: SourceSpan,
    },
    /// A band edge or value is not a constant.
    #[error("band edges and values must be written as constants")]
    #[diagnostic(
        code(ignition::check::band_value),
        help("write the number itself, e.g. `8%` or `500 EUR`")
    )]
    BandNotConstant {
        #[label("not a constant")]
        span: SourceSpan,
    },

    /// The `periods` range is invalid: it ends before it starts, a monthly or quarterly
    /// calendar does not start on the 1st, or there are more than 10,000 periods.
    #[error("{message}")]
    #[diagnostic(
        code(ignition::check::calendar),
        help("write `periods quarterly from 2026-01-01 to 2026-12-31`")
    )]
    Calendar {
        message: String,
        #[label("this range")]
        span: SourceSpan,
    },

    /// Warning: a `when` condition reads no data, no definition and no period, so it is
    /// always true or always false (§9).
    #[error(
        "the condition of `{payout}` uses only constants, so it is always true or always false"
    )]
    #[diagnostic(
        code(ignition::check::constant_gate),
        severity(Warning),
        help("compare a KPI or a column, e.g. `when attainment >= 25%`")
    )]
    ConstantGate {
        payout: String,
        #[label("constant condition")]
        span: SourceSpan,
    },

    /// `credit` names the participant table.
    #[error("the participant table cannot be credited to participants")]
    #[diagnostic(
        code(ignition::check::credit_roster),
        help("credit a table of transactions, e.g. `credit deals to owner by close_date`")
    )]
    CreditRoster {
        #[label("the roster")]
        span: SourceSpan,
    },

    /// The `to` column of `credit` is not `text`.
    #[error("`{column}` must be a text column naming the participant")]
    #[diagnostic(
        code(ignition::check::credit_type),
        help("credit rows to a column holding participant ids")
    )]
    CreditToType {
        column: String,
        #[label("not text")]
        span: SourceSpan,
    },
    /// The `by` column of `credit` is not a `date`.
    #[error("`{column}` must be a date column")]
    #[diagnostic(
        code(ignition::check::credit_type),
        help("rows are credited to the period containing this date")
    )]
    CreditByType {
        column: String,
        #[label("not a date")]
        span: SourceSpan,
    },
    /// The `by` column of `credit` is optional.
    #[error("`{column}` is optional; a credited row needs a date")]
    #[diagnostic(code(ignition::check::credit_type), help("remove the `?`"))]
    CreditByOptional {
        column: String,
        #[label("optional")]
        span: SourceSpan,
    },

    /// Definitions depend on each other (the cycle is named).
    #[error("these definitions depend on each other: {path}")]
    #[diagnostic(
        code(ignition::check::cycle),
        help("a value cannot be computed from itself; break the cycle by computing one of them from the data")
    )]
    Cycle {
        /// The names around the cycle, joined by ` → `.
        path: String,
        /// One label per definition of the cycle: "`a` uses `b`".
        #[label(collection)]
        uses: Vec<LabeledSpan>,
    },
    /// A definition reads its own value of the previous period with
    /// `prior(…)` but gives no value for the first period.
    #[error("`{name}` reads its own previous value ({path}) without an opening value")]
    #[diagnostic(
        code(ignition::check::recursive_prior),
        help("give the value before the first period: `prior({name}, opening: 0 EUR)`, or a roster column holding it")
    )]
    RecursivePrior {
        /// The definition read in the previous period.
        name: String,
        /// The uses from it back to it.
        path: String,
        #[label("no `opening:` for the first period")]
        span: SourceSpan,
    },
    /// A definition that reads its own previous value, typed from the
    /// opening, is not named alone in `prior`.
    #[error("a definition that reads its own previous value is named alone in `prior`")]
    #[diagnostic(
        code(ignition::check::recursive_prior),
        help("read the definition alone and compute with the result, e.g. `prior(balance, opening: 0 EUR) * 2`")
    )]
    LagValue {
        #[label("not a name alone")]
        span: SourceSpan,
    },
    /// `period_total` reads every period of a definition that reads its own
    /// previous value, later periods too, which are not computed yet.
    #[error("`period_total` reads `{name}` in later periods, but it is computed period by period ({path})")]
    #[diagnostic(
        code(ignition::check::lag_wide),
        help("sum the periods so far with `ytd(…)`, or compute the total from values that do not read their own previous value")
    )]
    LagWide {
        /// The definition read in every period.
        name: String,
        /// The uses from it back to it.
        path: String,
        #[label("reads every period")]
        span: SourceSpan,
    },
    /// `paid from TABLE` names the roster or a credited table.
    #[error("`{table}` cannot be the history of what was paid: it is the roster or credited")]
    #[diagnostic(
        code(ignition::check::paid_table),
        help("declare the history as an input of its own: one row per participant, period and component")
    )]
    PaidTable {
        table: String,
        #[label("the roster or a credited table")]
        span: SourceSpan,
    },
    /// `paid from TABLE`: the table lacks a required column, or has it of another type.
    #[error("the history of what was paid `{table}` needs the columns {columns}")]
    #[diagnostic(
        code(ignition::check::paid_table),
        help("declare `{key}: text` (the participant), `period: text` (its name, e.g. 2026-03), `component: text` (a payout's name) and `amount: money`, none optional")
    )]
    PaidColumns {
        table: String,
        columns: String,
        key: String,
        #[label("declared here")]
        span: SourceSpan,
    },
    /// `paid_to_date(…)` is given something else than a payout's name.
    #[error("`paid_to_date` reads what a payout paid; `{written}` is not a payout")]
    #[diagnostic(
        code(ignition::check::paid_target),
        help("name a payout alone, one of: {payouts}")
    )]
    PaidTarget {
        written: String,
        payouts: String,
        #[label("not a payout")]
        span: SourceSpan,
    },
    /// The first argument of `clawback(…)` (issue 10) is not a definition's name
    /// with an amount or number as its value.
    #[error(
        "`clawback` takes back what a definition paid; `{written}` is not a payout or KPI amount"
    )]
    #[diagnostic(
        code(ignition::check::clawback_value),
        help("name a payout (or a KPI) alone, one of: {names}")
    )]
    ClawbackValue {
        written: String,
        names: String,
        #[label("not a payout or KPI")]
        span: SourceSpan,
    },
    /// The definition a `clawback` (issue 10) takes back reads no `sum` or `count` of credited
    /// rows in its own period, so no part of it belongs to a row.
    #[error("`{name}` is not computed from credited rows: nothing of it can be attributed to a cancelled row")]
    #[diagnostic(
        code(ignition::check::clawback_base),
        help("a clawback takes back each cancelled row's share of the one `sum(…)` or `count(…)` of credited rows the value reads (directly or through its KPIs), e.g. `payout commission = sum(won.amount) * 8%`")
    )]
    ClawbackNoBase {
        name: String,
        #[label("reads no sum or count of credited rows")]
        span: SourceSpan,
    },
    /// It reads several sums or counts of credited rows: which one says what a row's share
    /// is would be a guess.
    #[error("`{name}` reads {count} sums or counts of credited rows: a cancelled row's share of it is ambiguous")]
    #[diagnostic(
        code(ignition::check::clawback_base),
        help("claw back one component at a time: give each sum its own payout (`{first}` and `{second}`), or make both read one KPI")
    )]
    ClawbackBases {
        name: String,
        count: usize,
        first: String,
        second: String,
        #[label("clawed back here")]
        span: SourceSpan,
        #[label("one base")]
        one: SourceSpan,
        #[label("another")]
        other: SourceSpan,
    },
    /// `cancelled:` of a `clawback` is not a date column of the credited table.
    #[error("`cancelled: {written}`: {why}")]
    #[diagnostic(code(ignition::check::clawback_cancelled), help("{help}"))]
    ClawbackCancelled {
        written: String,
        why: String,
        help: String,
        #[label("the day a row was cancelled")]
        span: SourceSpan,
    },
    /// `within:` of a `clawback` is not a number of days.
    #[error("the clawback window is {found}, not a number of days")]
    #[diagnostic(
        code(ignition::check::clawback_window),
        help("write the window in days, e.g. `within: 90 days`")
    )]
    ClawbackWindow {
        found: String,
        #[label("not days")]
        span: SourceSpan,
    },
    /// The opening of `prior(x, opening: o)` is not of `x`'s type and unit.
    #[error("the opening value is {found}, but `{value}` is {want}")]
    #[diagnostic(
        code(ignition::check::opening_type),
        help("give the opening in the unit of the value, e.g. `opening: 0 EUR` for an amount")
    )]
    OpeningType {
        value: String,
        want: String,
        found: String,
        #[label("the value in the first period")]
        span: SourceSpan,
    },
    /// A row set is defined from itself.
    #[error("the row set `{name}` is defined from itself")]
    #[diagnostic(
        code(ignition::check::cycle),
        help("define a row set from an input table")
    )]
    RowSetCycle {
        name: String,
        #[label("here")]
        span: SourceSpan,
    },

    /// A KPI's value does not fit its declared `: TYPE`.
    #[error("`{name}` is declared {want} but its value is {found}")]
    #[diagnostic(
        code(ignition::check::declared_type),
        help("change the declared type or the expression")
    )]
    DeclaredType {
        name: String,
        want: String,
        found: String,
        #[label("this is {found}")]
        span: SourceSpan,
    },

    /// A column's default is not a literal of the column's type (§3).
    #[error("the default of `{column}` is {found} but the column is {want}")]
    #[diagnostic(
        code(ignition::check::default_type),
        help("write the default in the column's unit, e.g. `= 0 EUR` for money")
    )]
    DefaultType {
        column: String,
        found: String,
        want: String,
        #[label("default of another type")]
        span: SourceSpan,
    },

    /// A name is defined twice.
    #[error("`{name}` is defined twice")]
    #[diagnostic(
        code(ignition::check::duplicate),
        help("rename one of them; every name in a plan is defined once")
    )]
    DuplicateName {
        name: String,
        #[label("declared again here")]
        again: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },
    /// A header declaration (`currency`, `periods`, `rounding`, `participants`) is written
    /// twice.
    #[error("`{what}` is declared twice")]
    #[diagnostic(code(ignition::check::duplicate), help("keep one"))]
    DuplicateHeader {
        what: String,
        #[label("declared again here")]
        again: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },
    /// An input is declared twice.
    #[error("input `{name}` is declared twice")]
    #[diagnostic(
        code(ignition::check::duplicate),
        help("keep one schema per input table")
    )]
    DuplicateInput {
        name: String,
        #[label("declared again here")]
        again: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },
    /// A column of an input is declared twice.
    #[error("column `{name}` is declared twice")]
    #[diagnostic(
        code(ignition::check::duplicate),
        help("each column of an input is declared once")
    )]
    DuplicateColumn {
        name: String,
        #[label("declared again here")]
        again: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },
    /// A table is credited twice.
    #[error("`{table}` is credited twice")]
    #[diagnostic(code(ignition::check::duplicate), help("a table is credited once"))]
    DuplicateCredit {
        table: String,
        #[label("credited again")]
        span: SourceSpan,
    },
    /// A payout or `total` has two caps or two floors.
    #[error("`{target}` has two {what}s")]
    #[diagnostic(
        code(ignition::check::duplicate),
        help("keep one {what}; write the smaller bound with min(…, …)")
    )]
    DuplicateLimit {
        target: String,
        /// `cap` or `floor`.
        what: String,
        #[label("second one")]
        span: SourceSpan,
    },

    /// A rate table has no bands.
    #[error("rate table `{name}` has no bands")]
    #[diagnostic(
        code(ignition::check::empty_rates),
        help("add bands like `0% .. 50% : 2%`")
    )]
    EmptyRates {
        name: String,
        #[label("no bands")]
        span: SourceSpan,
    },

    /// The condition after `when` is not yes/no.
    #[error("`when` needs a condition, found {found}")]
    #[diagnostic(
        code(ignition::check::gate_type),
        help("write e.g. `when attainment >= 25%`")
    )]
    GateType {
        found: String,
        #[label("not a condition")]
        span: SourceSpan,
    },

    /// A `key` column is not `text`.
    #[error("the key `{column}` must be a text column, not {ty}")]
    #[diagnostic(
        code(ignition::check::key_type),
        help("declare it as `{column}: text` (ids are compared as text, even when they look like numbers)")
    )]
    KeyType {
        column: String,
        /// The column's type as written (`integer`).
        ty: String,
        #[label("not text")]
        span: SourceSpan,
    },

    /// A `cap` or `floor` names something that is not a payout or `total`.
    #[error("`{name}` is not a payout")]
    #[diagnostic(
        code(ignition::check::limit_target),
        help("caps and floors apply to payouts and to `total`")
    )]
    LimitTarget {
        name: String,
        #[label("not a payout")]
        span: SourceSpan,
    },

    /// A cap or floor is not money in the plan's currency.
    #[error("a {what} must be money in {currency}, found {found}")]
    #[diagnostic(
        code(ignition::check::limit_type),
        help("write an amount, e.g. `base_salary * 50% / 4` or `5000 EUR`")
    )]
    LimitType {
        what: String,
        currency: String,
        found: String,
        #[label("not an amount")]
        span: SourceSpan,
    },

    /// The `managed by` column's type differs from the key's.
    #[error("the manager column must have the same type as the key")]
    #[diagnostic(
        code(ignition::check::manager_type),
        help("the manager column holds the key of the manager's own row")
    )]
    ManagerType {
        #[label("type differs from the key")]
        span: SourceSpan,
    },

    /// The plan has no `periods`.
    #[error("the plan has no calendar")]
    #[diagnostic(
        code(ignition::check::missing_calendar),
        help("add e.g. `periods quarterly from 2026-01-01 to 2026-12-31`")
    )]
    MissingCalendar {
        #[label("this plan")]
        span: SourceSpan,
    },

    /// The file of `periods listed in "FILE"` cannot be read (issue 10, calendars).
    #[error("cannot read the calendar file `{path}`: {error}")]
    #[diagnostic(
        code(ignition::check::calendar_file),
        help(
            "the path is relative to the plan's folder; the file lists one period per line \
              under the header `period,from,to`"
        )
    )]
    CalendarFile {
        /// The path as written.
        path: String,
        /// Why it cannot be read.
        error: String,
        #[label("this file")]
        span: SourceSpan,
    },

    /// A line of the calendar file of `periods listed in` is wrong: an unknown or missing
    /// column, a cell that is not a date or a period name, a period listed twice, periods
    /// that overlap or leave a gap, a quarter or year that is not a run of consecutive
    /// periods (issue 10, calendars).
    #[error("{message}")]
    #[diagnostic(code(ignition::check::calendar_listed))]
    CalendarListed {
        message: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },

    /// The plan has no `currency`.
    #[error("the plan does not say its currency")]
    #[diagnostic(
        code(ignition::check::missing_currency),
        help("add `currency EUR` (an ISO code) inside the plan")
    )]
    MissingCurrency {
        #[label("this plan")]
        span: SourceSpan,
    },

    /// The plan has no `participants`.
    #[error("the plan does not say who is paid")]
    #[diagnostic(
        code(ignition::check::missing_participants),
        help("add `participants reps` naming the input table with one row per participant")
    )]
    MissingParticipants {
        #[label("this plan")]
        span: SourceSpan,
    },

    /// Warning: a payout's value is not known to be `>= 0` (through the definitions it uses;
    /// a column's sign is unknown unless declared `>= 0`), and it has no floor of its own and
    /// is not declared `may be negative` (§10).
    #[error("payout `{payout}` can be negative{why}")]
    #[diagnostic(
        code(ignition::check::negative_payout),
        severity(Warning),
        help("add `floor {payout} at 0 {currency}` or wrap it in max(…, 0 {currency}); if a negative amount is intended (a clawback), write `may be negative` after the payout")
    )]
    NegativePayout {
        payout: String,
        /// `: ` and the reason, or nothing.
        why: String,
        currency: String,
        #[label("may be below zero")]
        span: SourceSpan,
        /// The part that can be negative, when it is not the whole expression.
        #[label("here")]
        at: Option<SourceSpan>,
    },

    /// `>= 0` is written on a column that is not a number, amount or number of days (§3).
    #[error("`>= 0` applies to numbers, amounts and days, but `{column}` is {found}")]
    #[diagnostic(
        code(ignition::check::nonneg_type),
        help("remove `>= 0`, or declare the column as a number type")
    )]
    NonnegType {
        column: String,
        found: String,
        #[label("not a number")]
        span: SourceSpan,
    },

    /// `team` or `org` is used without `managed by`.
    #[error("`{function}` needs the participant hierarchy")]
    #[diagnostic(
        code(ignition::check::no_hierarchy),
        help("declare it: `participants reps managed by manager_id`")
    )]
    NoHierarchy {
        function: String,
        #[label("no hierarchy")]
        span: SourceSpan,
    },

    /// The participant table has no `key`.
    #[error("the participant table `{table}` has no key")]
    #[diagnostic(
        code(ignition::check::no_key),
        help("declare it as `input {table} key <id column> {{ … }}`")
    )]
    NoKey {
        table: String,
        #[label("needs a key")]
        span: SourceSpan,
    },

    /// An input that is not credited is aggregated.
    #[error(
        "`{table}` is not credited to participants, so it cannot be aggregated per participant"
    )]
    #[diagnostic(
        code(ignition::check::not_credited),
        help("add `credit {table} to <participant column> by <date column>`")
    )]
    NotCredited {
        table: String,
        #[label("not credited")]
        span: SourceSpan,
    },

    /// A row set is expected (in an aggregate, or before `where`), and this name is not one.
    #[error("`{name}` is not a set of rows")]
    #[diagnostic(code(ignition::check::not_rows))]
    NotRowsName {
        name: String,
        #[help]
        help: String,
        #[label("not rows")]
        span: SourceSpan,
    },
    /// A row set is expected, and this expression is not one.
    #[error("expected a set of rows")]
    #[diagnostic(
        code(ignition::check::not_rows),
        help("name an input table or a row set, optionally with `where …`")
    )]
    NotRows {
        #[label("not rows")]
        span: SourceSpan,
    },

    /// A key column is declared optional.
    #[error("a key column cannot be optional")]
    #[diagnostic(
        code(ignition::check::optional_key),
        help("remove the `?` from `{column}`")
    )]
    OptionalKey {
        column: String,
        #[label("optional key")]
        span: SourceSpan,
    },

    /// A payout is not money in the plan's currency.
    #[error("payout `{name}` must be money in {currency}, found {found}")]
    #[diagnostic(
        code(ignition::check::payout_type),
        help("a payout is an amount: multiply a rate by an amount, or write `300 EUR * count(…)`")
    )]
    PayoutType {
        name: String,
        currency: String,
        found: String,
        #[label("this is {found}")]
        span: SourceSpan,
    },

    /// A rate table is used as a value.
    #[error("`{name}` is a rate table, not a value")]
    #[diagnostic(
        code(ignition::check::rates_as_value),
        help("apply it: `marginal({name}, base, per: scale)`, `flat({name}, x)` or `lookup({name}, x)`")
    )]
    RatesAsValue {
        name: String,
        #[label("rate table")]
        span: SourceSpan,
    },

    /// The `by` measure of a rate table is not in the unit of its band edges.
    #[error("the bands of `{table}` are {edges} but `{measure}` is {found}")]
    #[diagnostic(
        code(ignition::check::rates_unit),
        help("write the band edges in the unit of the value they measure")
    )]
    MeasureUnit {
        table: String,
        edges: String,
        measure: String,
        found: String,
        #[label("unit differs from the bands")]
        span: SourceSpan,
    },
    /// The value given to `flat` or `lookup` is not in the unit of the band edges.
    #[error("the bands of `{table}` are {edges} but this is {found}")]
    #[diagnostic(
        code(ignition::check::rates_unit),
        help("look up a value in the unit of the bands")
    )]
    LookupUnit {
        table: String,
        edges: String,
        found: String,
        #[label("value of another unit")]
        span: SourceSpan,
    },
    /// The base given to `marginal` is not in the unit the bands measure.
    #[error("the bands of `{table}` measure {measured} but the base is {found}")]
    #[diagnostic(code(ignition::check::rates_unit))]
    MarginalBase {
        table: String,
        measured: String,
        found: String,
        #[help]
        help: String,
        #[label("base of another unit")]
        span: SourceSpan,
    },
    /// The `per:` scale of `marginal` cannot multiply the band edges.
    #[error("{message}")]
    #[diagnostic(code(ignition::check::rates_unit))]
    MarginalScale {
        message: String,
        #[help]
        help: String,
        #[label("scale")]
        span: SourceSpan,
    },
    /// `marginal` is applied to a table whose values are not rates.
    #[error("`marginal` pays each slice at a rate, but `{table}` holds {found}")]
    #[diagnostic(
        code(ignition::check::rates_unit),
        help("use `lookup` for tables of amounts")
    )]
    MarginalValues {
        table: String,
        found: String,
        #[label("not rates")]
        span: SourceSpan,
    },
    /// `marginal` is applied to a table whose first band is open below.
    #[error("`marginal` needs the first band of `{table}` to have a lower edge")]
    #[diagnostic(
        code(ignition::check::rates_unit),
        help("slices are measured from the first band's lower edge: write e.g. `0% .. 50% : 2%`")
    )]
    MarginalOpenBelow {
        table: String,
        #[label("applied marginally here")]
        span: SourceSpan,
        #[label("open below")]
        band: SourceSpan,
    },

    /// The plan defines `total`.
    #[error("`total` is the sum of the payouts and cannot be redefined")]
    #[diagnostic(
        code(ignition::check::reserved_name),
        help("choose another name; limit the total with `cap total at …`")
    )]
    ReservedName {
        #[label("reserved name")]
        span: SourceSpan,
    },

    /// The `rounding` increment is 0.
    #[error("payouts cannot be rounded to a multiple of 0")]
    #[diagnostic(
        code(ignition::check::rounding),
        help("write e.g. `rounding payouts to 0.01 half-even`")
    )]
    ZeroRounding {
        #[label("zero increment")]
        span: SourceSpan,
    },

    /// A `where` or a `.column` is used as a value.
    #[error("a set of rows of `{table}` cannot be used as a value")]
    #[diagnostic(
        code(ignition::check::rows_as_value),
        help("aggregate them, e.g. `count(…)` or `sum(rows.amount)`")
    )]
    RowsAsValue {
        table: String,
        #[label("rows")]
        span: SourceSpan,
    },
    /// A row set is used as a value.
    #[error("`{name}` is a set of rows, not a value")]
    #[diagnostic(
        code(ignition::check::rows_as_value),
        help("aggregate it, e.g. `count({name})` or `sum({name}.amount)`")
    )]
    RowSetAsValue {
        name: String,
        #[label("rows")]
        span: SourceSpan,
    },
    /// An input table is used as a value.
    #[error("`{name}` is an input table, not a value")]
    #[diagnostic(
        code(ignition::check::rows_as_value),
        help("aggregate it, e.g. `count({name})`")
    )]
    TableAsValue {
        name: String,
        #[label("table")]
        span: SourceSpan,
    },

    /// An operator is applied to values of the wrong type or unit (§13).
    #[error("{message}")]
    #[diagnostic(code(ignition::check::units))]
    Operator {
        message: String,
        #[help]
        help: String,
        /// The types and the operator: `money in EUR + a percent`.
        #[label("{label}")]
        span: SourceSpan,
        label: String,
    },
    /// `-` is applied to something without a sign.
    #[error("cannot negate {found}")]
    #[diagnostic(
        code(ignition::check::units),
        help("only numbers and amounts have a sign")
    )]
    Negate {
        found: String,
        #[label("not a number")]
        span: SourceSpan,
    },
    /// `not` is applied to something that is not yes/no.
    #[error("`not` needs a condition, found {found}")]
    #[diagnostic(
        code(ignition::check::units),
        help("write e.g. `not (stage == \"Open\")`")
    )]
    NotCondition {
        found: String,
        #[label("not a condition")]
        span: SourceSpan,
    },
    /// The fallback after `otherwise` is of another kind than the value.
    #[error("the fallback is {found} but the value is {want}")]
    #[diagnostic(code(ignition::check::units))]
    Fallback {
        found: String,
        want: String,
        #[help]
        help: String,
        #[label("fallback of another kind")]
        span: SourceSpan,
    },
    /// The condition after `where` is not yes/no.
    #[error("`where` needs a condition, found {found}")]
    #[diagnostic(
        code(ignition::check::units),
        help("write e.g. `where stage == \"Closed Won\"`")
    )]
    WhereCondition {
        found: String,
        #[label("not a condition")]
        span: SourceSpan,
    },
    /// `min` or `max` of values compares values of different kinds, or values that have no
    /// order.
    #[error("`{function}` compares values of one kind; this is {found}")]
    #[diagnostic(code(ignition::check::units), help("give values of the same unit"))]
    CompareKinds {
        function: String,
        found: String,
        #[label("different kind")]
        span: SourceSpan,
    },
    /// `sum` or `avg` is applied to a column that is not a number.
    #[error("cannot {verb} a {ty} column")]
    #[diagnostic(
        code(ignition::check::units),
        help("use count(…) or count_distinct(…) for text")
    )]
    AggregateNotNumeric {
        /// `sum` or `average`.
        verb: String,
        /// The column's type as written (`text`).
        ty: String,
        found: String,
        #[label("this column is {found}")]
        span: SourceSpan,
    },
    /// `min` or `max` over rows is applied to a column that has no order.
    #[error("cannot take the {function} of {found}")]
    #[diagnostic(
        code(ignition::check::units),
        help("min and max apply to numbers, amounts and dates")
    )]
    AggregateUnordered {
        function: String,
        found: String,
        #[label("not ordered")]
        span: SourceSpan,
    },
    /// `prorate` is given a value that is not a quantity.
    #[error("`prorate` needs an amount or a number, found {found}")]
    #[diagnostic(code(ignition::check::units), help("prorate e.g. `annual_quota / 4`"))]
    ProrateValue {
        found: String,
        #[label("not a quantity")]
        span: SourceSpan,
    },
    /// The `from:` or `to:` of `prorate` is not a date.
    #[error("`from:` and `to:` are dates, found {found}")]
    #[diagnostic(
        code(ignition::check::units),
        help("name a date column, e.g. `from: start_date`")
    )]
    ProrateDate {
        found: String,
        #[label("not a date")]
        span: SourceSpan,
    },
    /// `ytd`, `period_total`, `team` or `org` is given a value that cannot be added up.
    #[error("`{function}` adds values up; this is {found}")]
    #[diagnostic(code(ignition::check::units), help("give it an amount or a number"))]
    AcrossNotNumeric {
        function: String,
        found: String,
        #[label("cannot be summed")]
        span: SourceSpan,
    },
    /// `round` is given a value that is not a number.
    #[error("cannot round {found}")]
    #[diagnostic(code(ignition::check::units), help("round numbers and amounts"))]
    RoundValue {
        found: String,
        #[label("not a number")]
        span: SourceSpan,
    },
    /// `abs` is given a value that is not a number.
    #[error("`abs` takes a number or an amount, found {found}")]
    #[diagnostic(
        code(ignition::check::units),
        help("give it a number, an amount or a number of days")
    )]
    AbsValue {
        found: String,
        #[label("not a number")]
        span: SourceSpan,
    },

    /// A call to a function that does not exist (the hint lists the functions).
    #[error("unknown function `{name}`")]
    #[diagnostic(code(ignition::check::unknown_function))]
    UnknownFunction {
        name: String,
        #[help]
        help: String,
        #[label("not a function")]
        span: SourceSpan,
    },

    /// Warning: a payout can rise through a `marginal` table whose last band is open above,
    /// directly or through the definitions it uses, and neither the payout nor `total` is
    /// capped (§8, §10).
    #[error("payout `{payout}` has no ceiling: the last band of `{table}` has no upper edge and neither `{payout}` nor `total` is capped")]
    #[diagnostic(
        code(ignition::check::uncapped),
        severity(Warning),
        help("add `cap {payout} at …` or `cap total at …`, or close the last band of `{table}`")
    )]
    Uncapped {
        payout: String,
        table: String,
        #[label("uncapped")]
        span: SourceSpan,
    },

    /// A name used in an expression is not declared.
    #[error("unknown name `{name}`")]
    #[diagnostic(code(ignition::check::unknown_name))]
    UnknownName {
        name: String,
        #[help]
        help: String,
        #[label("not defined")]
        span: SourceSpan,
    },
    /// An input table is not declared.
    #[error("no input table is called `{name}`")]
    #[diagnostic(code(ignition::check::unknown_name))]
    UnknownTable {
        name: String,
        #[help]
        help: String,
        #[label("unknown table")]
        span: SourceSpan,
    },
    /// A column is not declared in its table.
    #[error("`{name}` is not a column of `{table}`")]
    #[diagnostic(code(ignition::check::unknown_name))]
    UnknownColumn {
        name: String,
        table: String,
        #[help]
        help: String,
        #[label("unknown column")]
        span: SourceSpan,
    },
    /// A `key` is not a column of its input.
    #[error("the key `{name}` is not a column of `{table}`")]
    #[diagnostic(code(ignition::check::unknown_name))]
    UnknownKey {
        name: String,
        table: String,
        #[help]
        help: String,
        #[label("not a column")]
        span: SourceSpan,
    },
    /// A rate table is not declared.
    #[error("no rate table is called `{name}`")]
    #[diagnostic(code(ignition::check::unknown_name))]
    UnknownRates {
        name: String,
        #[help]
        help: String,
        #[label("not a rate table")]
        span: SourceSpan,
    },
    /// A cap or floor target is not declared.
    #[error("no payout is called `{name}`")]
    #[diagnostic(code(ignition::check::unknown_name))]
    UnknownLimitTarget {
        name: String,
        #[help]
        help: String,
        #[label("unknown payout")]
        span: SourceSpan,
    },

    /// Warning: a `let` is never used.
    #[error("`{name}` is never used")]
    #[diagnostic(
        code(ignition::check::unused),
        severity(Warning),
        help("remove it, or make it a kpi to report it")
    )]
    UnusedLet {
        name: String,
        #[label("unused")]
        span: SourceSpan,
    },
    /// Warning: a row set is never used.
    #[error("`{name}` is never used")]
    #[diagnostic(
        code(ignition::check::unused),
        severity(Warning),
        help("remove it, or use it in a kpi or payout")
    )]
    UnusedRowSet {
        name: String,
        #[label("unused")]
        span: SourceSpan,
    },
    /// Warning: a rate table is never used.
    #[error("rate table `{name}` is never used")]
    #[diagnostic(
        code(ignition::check::unused),
        severity(Warning),
        help("apply it with marginal(…), flat(…) or lookup(…)")
    )]
    UnusedRates {
        name: String,
        #[label("unused")]
        span: SourceSpan,
    },
    /// Warning: an input is never used.
    #[error("input `{name}` is never used")]
    #[diagnostic(
        code(ignition::check::unused),
        severity(Warning),
        help("credit it to participants, or remove it")
    )]
    UnusedInput {
        name: String,
        #[label("unused")]
        span: SourceSpan,
    },
    // issue 9, tables
    /// A rate table's header writes a closedness other than `[lo, hi)` or `(lo, hi]`: a band
    /// must hold exactly one of its edges, or two bands would share a value or leave one out.
    #[error(
        "bands are closed on exactly one side: `{written}` is neither `[lo, hi)` nor `(lo, hi]`"
    )]
    #[diagnostic(
        code(ignition::check::band_closedness),
        help("write `[lo, hi)` (the default: a value on an edge goes to the band above) or `(lo, hi]` (up to and including the upper edge)")
    )]
    BandClosedness {
        written: String,
        #[label("closed on both sides or on neither")]
        span: SourceSpan,
    },
    /// A rate table written as a grid names one measure, or a table of bands names two: a
    /// grid has two measures, rows by the first and columns by the second.
    #[error("{message}")]
    #[diagnostic(code(ignition::check::grid_measures), help("{help}"))]
    GridMeasures {
        message: String,
        help: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
    },
    /// One axis of a grid mixes bands and text values.
    #[error("the {axis} of `{table}` mix bands and text values")]
    #[diagnostic(
        code(ignition::check::grid_key),
        help(
            "write every {axis_one} key as a band `LO .. HI`, or every one as a text value `\"…\"`"
        )
    )]
    GridMixedKeys {
        table: String,
        axis: String,
        axis_one: String,
        #[label("not like the first key")]
        span: SourceSpan,
    },
    /// A text value is the key of two rows (or two columns) of a grid.
    #[error("{axis_one} `{key}` of `{table}` is listed twice")]
    #[diagnostic(
        code(ignition::check::grid_key),
        help("list each {axis_one} once: a value must pick one {axis_one}")
    )]
    GridDuplicateKey {
        table: String,
        key: String,
        axis_one: String,
        #[label("listed again")]
        span: SourceSpan,
        #[label("first here")]
        first: SourceSpan,
    },
    /// A row of a grid has more or fewer cells than the header has columns.
    #[error("this row of `{table}` has {found} cell{plural} but the header has {want} column{want_plural}")]
    #[diagnostic(
        code(ignition::check::grid_shape),
        help("give every row one cell per column of the header, `|` before each")
    )]
    GridRagged {
        table: String,
        found: usize,
        plural: &'static str,
        want: usize,
        want_plural: &'static str,
        #[label("{found} cell{plural}")]
        span: SourceSpan,
    },
    /// `flat` or `lookup` gives one value to a table of two measures, or two to a table of one.
    #[error("{message}")]
    #[diagnostic(code(ignition::check::grid_arguments), help("{help}"))]
    GridArguments {
        message: String,
        help: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
    },
    /// `marginal` is applied to a table of two measures.
    #[error("`marginal` cannot apply `{table}`: it has two measures")]
    #[diagnostic(
        code(ignition::check::marginal_grid),
        help("slices are cut along one measure: use `lookup({table}, ROW_VALUE, COLUMN_VALUE)` or `flat(…)` for the cell, or a table of one measure")
    )]
    MarginalGrid {
        table: String,
        #[label("a grid")]
        span: SourceSpan,
    },
    /// A curve has fewer than two points: there is no line to interpolate along.
    #[error("curve `{name}` has {found} point{plural}: it needs at least two")]
    #[diagnostic(
        code(ignition::check::curve_points),
        help("add points `X : Y`, e.g. `50% : 0%` and `100% : 100%`")
    )]
    CurveTooFewPoints {
        name: String,
        found: usize,
        plural: &'static str,
        #[label("too few points")]
        span: SourceSpan,
    },
    /// A curve's points are not strictly increasing in their measure.
    #[error("the points of `{name}` must be strictly increasing: {x} does not come after {prev}")]
    #[diagnostic(
        code(ignition::check::curve_points),
        help("list the points from the lowest measure to the highest, each measure once")
    )]
    CurveOrder {
        name: String,
        x: String,
        prev: String,
        #[label("not after the point above")]
        span: SourceSpan,
    },
    /// A curve does not say what happens below its first point or above its last one.
    #[error("curve `{name}` does not say what happens {side} its {which} point")]
    #[diagnostic(
        code(ignition::check::curve_edge),
        help("add `{side}: zero`, `{side}: hold` (the {which} point's value), `{side}: extrapolate` (the {which} segment's line) or `{side}: error`")
    )]
    CurveEdgeMissing {
        name: String,
        side: &'static str,
        which: &'static str,
        #[label("no `{side}:`")]
        span: SourceSpan,
    },
    /// A curve's `below:` or `above:` names an unknown rule.
    #[error("`{written}` is not a rule for a curve's edge")]
    #[diagnostic(
        code(ignition::check::curve_edge),
        help("write `zero`, `hold`, `extrapolate` or `error`")
    )]
    CurveEdgeRule {
        written: String,
        #[label("unknown rule")]
        span: SourceSpan,
    },
    /// A curve is used as a value.
    #[error("`{name}` is a curve, not a value")]
    #[diagnostic(
        code(ignition::check::rates_as_value),
        help("apply it: `interpolate({name}, x)`")
    )]
    CurveAsValue {
        name: String,
        #[label("a curve")]
        span: SourceSpan,
    },
    /// `interpolate` is given something other than a curve's name.
    #[error("no curve is called `{name}`")]
    #[diagnostic(code(ignition::check::unknown_name))]
    UnknownCurve {
        name: String,
        #[help]
        help: String,
        #[label("not a curve")]
        span: SourceSpan,
    },
    /// Warning: a curve is never used.
    #[error("curve `{name}` is never used")]
    #[diagnostic(
        code(ignition::check::unused),
        severity(Warning),
        help("apply it with interpolate({name}, …)")
    )]
    UnusedCurve {
        name: String,
        #[label("unused")]
        span: SourceSpan,
    },
    /// The value given to `interpolate`, or a curve's `by` measure, is not in the unit of
    /// the curve's points.
    #[error("the points of `{curve}` are {points} but this is {found}")]
    #[diagnostic(
        code(ignition::check::rates_unit),
        help("interpolate a value in the unit of the points' measure")
    )]
    CurveUnit {
        curve: String,
        points: String,
        found: String,
        #[label("value of another unit")]
        span: SourceSpan,
    },

    // issue 9, rows
    /// A computed column (`let` inside an input) reads a definition: definitions are per
    /// participant and period, a computed column is one value per row.
    #[error("the computed column `{column}` reads the definition `{name}`")]
    #[diagnostic(
        code(ignition::check::computed_reads_definition),
        help("a computed column is computed once per row, from the row alone; use `{name}` where the column is read instead, e.g. `sum({table}, {column} * {name})`")
    )]
    ComputedReadsDefinition {
        column: String,
        name: String,
        table: String,
        #[label("a definition")]
        span: SourceSpan,
    },
    /// Computed columns of an input read each other in a circle.
    #[error("the computed column `{column}` depends on itself: {path}")]
    #[diagnostic(
        code(ignition::check::computed_cycle),
        help("compute one of these columns from stored columns only")
    )]
    ComputedCycle {
        column: String,
        path: String,
        #[label("read here")]
        span: SourceSpan,
    },
    /// A computed column's expression reads something that is not of its row: a roster
    /// column of another table, an aggregate, a period or a sum across scopes.
    #[error("a computed column is computed from its row alone: {what} is not of the row")]
    #[diagnostic(
        code(ignition::check::computed_not_row),
        help("compute `{column}` from the row's columns, constants and functions of them; read {what} where the column is used instead")
    )]
    ComputedNotRow {
        column: String,
        what: String,
        #[label("not of the row")]
        span: SourceSpan,
    },
    /// A computed column is named where a column read from the data is needed (a `key`,
    /// `credit … to … by …`, `managed by`): those are read before anything is computed.
    #[error("`{column}` is a computed column; {role} must be a column read from the data")]
    #[diagnostic(
        code(ignition::check::computed_stored),
        help("name a column of the file here; a computed column can be read in filters and aggregates")
    )]
    ComputedStored {
        column: String,
        role: String,
        #[label("computed")]
        span: SourceSpan,
    },
    // ---- issue 9, reference tables ----
    /// A composite key (`key a, b`) or `effective from …` on the participant table or a
    /// credited table: only a reference table (neither) is looked up by key and date.
    #[error("`{table}` is {what}, so it cannot have {clause}")]
    #[diagnostic(
        code(ignition::check::reference_header),
        help("composite keys and `effective from` belong to reference tables: inputs that are neither the participant table nor credited")
    )]
    ReferenceHeader {
        table: String,
        /// `the participant table` or `credited`.
        what: String,
        /// `a composite key` or `effective dating`.
        clause: String,
        #[label("only on a reference table")]
        span: SourceSpan,
    },
    /// A column named by `effective from`/`to` is not a date column of the input, or the
    /// `from` column is optional.
    #[error("`effective {which}` names `{column}`, {why}")]
    #[diagnostic(code(ignition::check::effective_column))]
    EffectiveColumn {
        /// `from` or `to`.
        which: String,
        column: String,
        /// What is wrong: not a column, not a date, optional.
        why: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    /// A reference table is called with as many key values as it has key columns, in `key`
    /// order; this call gives another number.
    #[error("`{table}` is looked up by {want}, but {found} given")]
    #[diagnostic(code(ignition::check::lookup_arity))]
    LookupArity {
        table: String,
        /// The key columns, e.g. `2 key values (region, role)`.
        want: String,
        /// How many were given.
        found: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    /// A key value of a lookup does not have the type of its key column.
    #[error("the key `{column}` of `{table}` is {want}, but this is {found}")]
    #[diagnostic(
        code(ignition::check::lookup_key_type),
        help("give the key values in `key` order, each of its column's type")
    )]
    LookupKeyType {
        table: String,
        column: String,
        want: String,
        found: String,
        #[label("wrong type")]
        span: SourceSpan,
    },
    /// A lookup of an effective-dated table has no `on:` date, or `on:` is given for a table
    /// without `effective from`.
    #[error("{message}")]
    #[diagnostic(code(ignition::check::lookup_on))]
    LookupOn {
        message: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    /// A lookup's `on:` is not a date.
    #[error("`on:` must be a date, found {found}")]
    #[diagnostic(
        code(ignition::check::lookup_on),
        help(
            "give the day the row must be in force on, e.g. `on: close_date` or `on: period_end()`"
        )
    )]
    LookupOnType {
        found: String,
        #[label("not a date")]
        span: SourceSpan,
    },
    /// A lookup is used without reading a column: the row is not a value.
    #[error("`{table}(…)` is a row of a reference table, not a value")]
    #[diagnostic(code(ignition::check::lookup_row))]
    LookupRow {
        table: String,
        #[help]
        help: String,
        #[label("read a column of it")]
        span: SourceSpan,
    },
    /// The participant table or a credited table is called like a reference table.
    #[error("`{table}` is {what}, not a reference table: it cannot be looked up by key")]
    #[diagnostic(
        code(ignition::check::not_reference),
        help("read the participant's own columns by name, and a credited table through aggregates (`sum`, `count`, …)")
    )]
    NotReference {
        table: String,
        /// `the participant table` or `credited`.
        what: String,
        #[label("not a reference table")]
        span: SourceSpan,
    },
    /// A reference table without a key or effective dating is looked up: there is nothing to
    /// find its row by.
    #[error("`{table}` has no key and no `effective from`, so a row cannot be looked up")]
    #[diagnostic(
        code(ignition::check::lookup_arity),
        help("declare the key, e.g. `input {table} key COLUMN {{ … }}`")
    )]
    LookupNoKey {
        table: String,
        #[label("no key")]
        span: SourceSpan,
    },
    /// A column is named twice in a composite key.
    #[error("`{name}` is named twice in the key of `{table}`")]
    #[diagnostic(
        code(ignition::check::duplicate),
        help("name each key column once: `key region, role`")
    )]
    DuplicateKeyColumn {
        name: String,
        table: String,
        #[label("again")]
        span: SourceSpan,
    },
    /// The `except:` of `working_days` is not a date column of a reference table.
    #[error("`except:` takes the holidays: a date column of a reference table")]
    #[diagnostic(
        code(ignition::check::except_column),
        help("declare the holidays as an input that is neither the participant table nor credited, e.g. `input holidays {{ day: date }}`, and write `except: holidays.day`")
    )]
    ExceptColumn {
        #[label("not a date column of a reference table")]
        span: SourceSpan,
    },
    /// A reference table is aggregated: its rows are read plan-wide by key, not credited.
    #[error("`{table}` is a reference table: its rows are not credited to participants, so it cannot be aggregated")]
    #[diagnostic(code(ignition::check::not_credited))]
    ReferenceRows {
        table: String,
        #[help]
        help: String,
        #[label("a reference table")]
        span: SourceSpan,
    },
    // issue 9, conditionals
    /// The condition after `if` is not yes/no.
    #[error("`if` needs a yes/no condition, found {found}")]
    #[diagnostic(
        code(ignition::check::condition_type),
        help("compare it, e.g. `if attainment >= 100% then … else …`")
    )]
    ConditionType {
        found: String,
        #[label("not yes/no")]
        span: SourceSpan,
    },
    /// The branches of an `if` give values of different types or units.
    #[error("the branches of `if` differ: `then` gives {then_ty} (`{then_text}`), `else` gives {else_ty} (`{else_text}`)")]
    #[diagnostic(code(ignition::check::branch_unit))]
    BranchUnit {
        then_ty: String,
        then_text: String,
        else_ty: String,
        else_text: String,
        #[help]
        help: String,
        #[label("{then_ty}")]
        then_span: SourceSpan,
        #[label("{else_ty}")]
        else_span: SourceSpan,
    },
    /// A `let` row set has a `when` gate: a gate gives a value 0, and rows have no 0.
    #[error("`{name}` is a set of rows: it cannot have a `when` gate")]
    #[diagnostic(
        code(ignition::check::gate_on_rows),
        help("filter the rows with `where`, or gate the kpi or payout computed from them")
    )]
    GateOnRows {
        name: String,
        #[label("gate on rows")]
        span: SourceSpan,
    },
    /// A `when` gate on a text, yes/no or date definition: a closed gate gives 0, which those
    /// types do not have.
    #[error("`when` cannot gate `{name}`: a closed gate gives 0, and {found} has no 0")]
    #[diagnostic(
        code(ignition::check::gate_value_type),
        help("write `if C then … else …` to choose its value")
    )]
    GateValueType {
        name: String,
        found: String,
        #[label("gate")]
        span: SourceSpan,
    },

    // issue 9, calendar arithmetic
    /// `prorate`'s `by:` is neither `days` nor `months`.
    #[error("`prorate` counts by `days` or `months`, not `{written}`")]
    #[diagnostic(
        code(ignition::check::prorate_by),
        help("write `by: months` to count the months with an active day, or `by: days` (the default)")
    )]
    ProrateBy {
        written: String,
        #[label("not days or months")]
        span: SourceSpan,
    },
    /// A calendar function (`months_between`, `add_months`, `weekdays`, `year_of`,
    /// `quarter_of`, `month_of`) is given an argument of the wrong type.
    #[error("`{function}` needs {want} as `{param}`, found {found}")]
    #[diagnostic(code(ignition::check::calendar_argument))]
    CalendarArgument {
        function: String,
        param: String,
        want: String,
        found: String,
        #[help]
        help: String,
        #[label("not {want}")]
        span: SourceSpan,
    },

    // issue 9, functions and parameters
    /// `--set NAME=VALUE` names no `param` of the plan (the hint lists the plan's params).
    #[error("`--set {name}=…`: the plan has no param `{name}`")]
    #[diagnostic(code(ignition::check::set_unknown))]
    SetUnknown {
        name: String,
        #[help]
        help: String,
        #[label("this plan")]
        span: SourceSpan,
    },
    /// `--set NAME=VALUE` gives a value that is not a plan literal of the param's type and
    /// unit.
    #[error("`--set {name}={value}`: {problem}")]
    #[diagnostic(code(ignition::check::set_value))]
    SetValue {
        name: String,
        value: String,
        problem: String,
        #[help]
        help: String,
        #[label("the param is declared here")]
        span: SourceSpan,
    },
    /// A band edge or band value names something that is not a `param`.
    #[error("`{name}` is not a param: a band edge or value is a constant")]
    #[diagnostic(
        code(ignition::check::band_value),
        help("write a literal (`150%`) or declare `param {name} = …`")
    )]
    BandNotParam {
        name: String,
        #[label("not a param")]
        span: SourceSpan,
    },
    /// A `fn` is named like a built-in function.
    #[error("`{name}` is a built-in function")]
    #[diagnostic(
        code(ignition::check::fn_builtin),
        help("give the function another name")
    )]
    FnBuiltin {
        name: String,
        #[label("the name of a built-in function")]
        span: SourceSpan,
    },
    /// A function's body reads a definition, a column or a table: a body reads only its
    /// parameters, params, constants, rate tables and other functions.
    #[error("the body of `{function}` reads {what} `{name}`")]
    #[diagnostic(code(ignition::check::fn_reads))]
    FnReads {
        function: String,
        what: String,
        name: String,
        #[help]
        help: String,
        #[label("not a parameter of `{function}`")]
        span: SourceSpan,
    },
    /// A function calls itself, directly or through other functions.
    #[error("functions cannot call themselves: {cycle}")]
    #[diagnostic(
        code(ignition::check::fn_recursion),
        help(
            "a function is a formula, not a loop: write the repeated step out, or use a rate table"
        )
    )]
    FnRecursion {
        cycle: String,
        #[label("calls `{callee}` again")]
        span: SourceSpan,
        callee: String,
    },
    /// A call would make more calls of user functions, through the bodies it calls, than
    /// a plan may (functions calling others several times multiply the work).
    #[error("`{function}` would call functions {calls} times; at most {max} calls a value")]
    #[diagnostic(
        code(ignition::check::fn_calls),
        help("compute the repeated part once, as a `let`, and pass it as an argument")
    )]
    FnTooManyCalls {
        function: String,
        calls: String,
        max: u64,
        #[label("too many calls")]
        span: SourceSpan,
    },
    /// Warning: a `param` is never read.
    #[error("param `{name}` is never used")]
    #[diagnostic(
        code(ignition::check::unused),
        severity(Warning),
        help("read it in a definition or a rate table, or remove it (`--set` cannot change what nothing reads)")
    )]
    UnusedParam {
        name: String,
        #[label("unused")]
        span: SourceSpan,
    },
    /// Warning: a `fn` is never called.
    #[error("function `{name}` is never called")]
    #[diagnostic(
        code(ignition::check::unused),
        severity(Warning),
        help("call it, or remove it")
    )]
    UnusedFn {
        name: String,
        #[label("unused")]
        span: SourceSpan,
    },
    /// An argument does not have the type declared for its parameter.
    #[error("`{function}` takes `{param}` as {want}, but this is {found}")]
    #[diagnostic(
        code(ignition::check::fn_argument),
        help("pass {want}, or change the type of `{param}`")
    )]
    FnArgument {
        function: String,
        param: String,
        want: String,
        found: String,
        #[label("{found}")]
        span: SourceSpan,
        #[label("declared here")]
        decl: SourceSpan,
    },

    // issue 11, kpi intent
    /// A KPI's block sets the same thing twice (two `label`s, two `target`s, …).
    #[error("`{kpi}` sets its `{setting}` twice")]
    #[diagnostic(
        code(ignition::check::kpi_setting),
        help("keep one `{setting}` line in the block")
    )]
    KpiSettingTwice {
        kpi: String,
        setting: String,
        #[label("set again here")]
        span: SourceSpan,
        #[label("first set here")]
        first: SourceSpan,
    },
    /// A KPI's `category` is not `activity`, `result` or `quality`.
    #[error("unknown KPI category `{found}`")]
    #[diagnostic(code(ignition::check::kpi_category))]
    KpiCategory {
        found: String,
        #[help]
        help: String,
        #[label("not a category")]
        span: SourceSpan,
    },
    /// A KPI's `target` is not in the KPI's unit.
    #[error("the target of `{kpi}` is {found} but `{kpi}` is {want}")]
    #[diagnostic(
        code(ignition::check::kpi_target_unit),
        help("write the target in the KPI's unit, e.g. `target 30%` for a percent")
    )]
    KpiTargetUnit {
        kpi: String,
        want: String,
        found: String,
        #[label("this is {found}")]
        span: SourceSpan,
    },
    /// A status threshold is not in the KPI's unit, or a share `of target` is not a
    /// percent or a number.
    #[error("this threshold of `{kpi}` is {found} but must be {want}")]
    #[diagnostic(code(ignition::check::kpi_threshold_unit))]
    KpiThresholdUnit {
        kpi: String,
        want: String,
        found: String,
        #[help]
        help: String,
        #[label("this is {found}")]
        span: SourceSpan,
    },
    /// A KPI's status thresholds contradict each other or its direction: a level given
    /// twice, `below` for a KPI where lower is better (or `above` where higher is), or
    /// amber's bound on the wrong side of red's, so that amber could never show.
    #[error("the status thresholds of `{kpi}` do not work: {problem}")]
    #[diagnostic(code(ignition::check::kpi_thresholds))]
    KpiThresholds {
        kpi: String,
        problem: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    /// `of target`, `attainment_of(k)` or `gap_of(k)` needs a KPI with a `target`.
    #[error("`{kpi}` has no target")]
    #[diagnostic(
        code(ignition::check::kpi_no_target),
        help("give `{kpi}` a target in its block: `kpi {kpi} = … {{ target … }}`")
    )]
    KpiNoTarget {
        kpi: String,
        #[label("{what}")]
        span: SourceSpan,
        what: String,
    },
    /// A text, yes/no or date KPI is given a target or a status (only numbers have one).
    #[error("`{kpi}` is {found}: it cannot have a target or a status")]
    #[diagnostic(
        code(ignition::check::kpi_intent_type),
        help("targets and statuses are for numbers, amounts, percents and days; keep the label and category")
    )]
    KpiIntentType {
        kpi: String,
        found: String,
        #[label("needs a number")]
        span: SourceSpan,
    },
    /// `attainment_of` or `gap_of` is not given exactly one KPI by name.
    #[error("`{function}` takes the name of one KPI")]
    #[diagnostic(
        code(ignition::check::argument),
        help("write e.g. `{function}(win_rate)`")
    )]
    KpiFunctionArgument {
        function: String,
        #[label("not the name of a KPI")]
        span: SourceSpan,
    },
    /// A KPI's `no data when` condition is not yes/no.
    #[error("`no data when` needs a yes/no condition, not {found}")]
    #[diagnostic(
        code(ignition::check::kpi_no_data),
        help("write e.g. `no data when count(closed) == 0`")
    )]
    KpiNoDataType {
        found: String,
        #[label("not a condition")]
        span: SourceSpan,
    },
    /// `timezone` names a zone (`"Europe/Paris"`, `CET`) rather than an offset from UTC:
    /// only fixed offsets and `UTC` are supported.
    #[error("`timezone {zone}`: a time zone is written as an offset from UTC")]
    #[diagnostic(
        code(ignition::check::timezone),
        help("write e.g. `timezone +01:00`, `timezone -05:00` or `timezone UTC`; zone names with daylight-saving rules (Europe/Paris) are not supported, so the one offset applies all year: convert the timestamps where they are exported if the day must follow daylight saving")
    )]
    TimezoneName {
        zone: String,
        #[label("not an offset")]
        span: SourceSpan,
    },
    /// `timezone` has an offset that is not `±HH:MM` between -12:00 and +14:00.
    #[error("`timezone {zone}` is not an offset from UTC between -12:00 and +14:00")]
    #[diagnostic(
        code(ignition::check::timezone),
        help("write the sign, two digits of hours and two of minutes: `timezone +01:00`, `timezone -05:00`, `timezone +05:30`")
    )]
    TimezoneOffset {
        zone: String,
        #[label("write ±HH:MM")]
        span: SourceSpan,
    },
    // issue 10, calendars
    /// `starting WEEKDAY` on a calendar that is not weekly or biweekly; a semi-monthly
    /// calendar that does not start on the 1st or 16th; with a `fiscal year`, a quarterly or
    /// yearly calendar that does not start on a fiscal quarter or year.
    #[error("{message}")]
    #[diagnostic(code(ignition::check::calendar_start))]
    CalendarStart {
        message: String,
        #[help]
        help: String,
        #[label("this calendar")]
        span: SourceSpan,
    },
    // issue 11, causes of a gap
    /// A KPI's `drivers` line is not a product of other KPIs with targets (`drivers
    /// opportunities * win_rate * avg_deal`): another operator or value, the KPI itself, a
    /// driver twice, a driver without a target, or more than 8 drivers.
    #[error("the drivers of `{kpi}`: {problem}")]
    #[diagnostic(code(ignition::check::kpi_drivers))]
    KpiDrivers {
        kpi: String,
        problem: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    // issue 11, scorecards
    /// A scorecard's weights do not add up to 100% (or to what its `weights add up to` line
    /// says).
    #[error("the weights of `{scorecard}` add up to {sum}, not {want}")]
    #[diagnostic(code(ignition::check::scorecard_weights))]
    ScorecardWeights {
        scorecard: String,
        sum: String,
        want: String,
        #[help]
        help: String,
        #[label("weights add up to {sum}")]
        span: SourceSpan,
    },
    /// A scorecard measure is not a KPI of the plan (an unknown name, a `let`, a payout, a
    /// text KPI), or is measured twice.
    #[error("{problem}")]
    #[diagnostic(code(ignition::check::scorecard_measure))]
    ScorecardMeasure {
        problem: String,
        #[help]
        help: String,
        #[label("{what}")]
        span: SourceSpan,
        what: String,
    },
    /// A scorecard's weight, floor or cap is not a constant percent (a literal or a
    /// `param`), a weight is not above 0%, or a floor is above its cap.
    #[error("{problem}")]
    #[diagnostic(code(ignition::check::scorecard_bound))]
    ScorecardBound {
        problem: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    /// A KPI's drivers, multiplied and divided as written, are not in the KPI's unit.
    #[error("the drivers of `{kpi}` make {found}, not {want}")]
    #[diagnostic(
        code(ignition::check::kpi_drivers_unit),
        help("the drivers multiplied as written must give the KPI's unit, e.g. `opportunities * win_rate * avg_deal` for an amount")
    )]
    KpiDriversUnit {
        kpi: String,
        want: String,
        found: String,
        #[label("{found}")]
        span: SourceSpan,
    },
    /// `cause_of(k, d)` names a `d` that is not one of `k`'s drivers, or `k` has none.
    #[error("`{driver}` is not a driver of `{kpi}`")]
    #[diagnostic(code(ignition::check::not_a_driver))]
    NotADriver {
        kpi: String,
        driver: String,
        #[help]
        help: String,
        #[label("not in the `drivers` line of `{kpi}`")]
        span: SourceSpan,
    },
    // issue 11, comparison and trend
    /// An option of `cause_of`, `rank`, `percentile` or `trend` is not one of its words
    /// (`within: team|org`, `vs: target|prior`) or not a whole number of periods (2 or
    /// more).
    #[error("`{function}(…, {option}: …)` cannot be {found}")]
    #[diagnostic(code(ignition::check::kpi_function_option))]
    KpiFunctionOption {
        function: String,
        option: String,
        found: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    /// A scorecard says the same thing twice (two gates, two `weights add up to`, two
    /// `no data reweights`, two floors of one measure).
    #[error("`{scorecard}` says {setting} twice")]
    #[diagnostic(code(ignition::check::scorecard_setting), help("keep one of them"))]
    ScorecardSettingTwice {
        scorecard: String,
        setting: String,
        #[label("said again here")]
        span: SourceSpan,
        #[label("first said here")]
        first: SourceSpan,
    },
    // issue 11, cascades
    /// A KPI's cascade cannot work: `split` and `roll up` together, a cascade in a plan
    /// without `managed by`, or a share that is not a percent.
    #[error("{problem}")]
    #[diagnostic(code(ignition::check::kpi_cascade))]
    KpiCascade {
        problem: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
    // issue 10, statements
    /// A `statement` line names something the plan does not define (or a row set, a rate
    /// table, an input: a line shows a definition's value).
    #[error("the statement lists `{name}`, which is not a definition of the plan")]
    #[diagnostic(code(ignition::check::statement_name))]
    StatementUnknown {
        name: String,
        #[label("not defined")]
        span: SourceSpan,
        #[help]
        help: String,
    },
    /// A `statement` line's definition is not an amount in the plan's currency.
    #[error("`{name}` is {found}, but a statement line is an amount in {currency}")]
    #[diagnostic(
        code(ignition::check::statement_type),
        help("list payouts and money values in the plan's currency")
    )]
    StatementType {
        name: String,
        found: String,
        currency: String,
        #[label("not {currency}")]
        span: SourceSpan,
    },
    /// A paid section (`earned`, `true-up`, `draw`, `recovery`, `clawback`) lists a value that
    /// is not a payout: it would not be in `total`, so the lines would not add up.
    #[error("`{name}` is not a payout, so it is not paid under `{section}`")]
    #[diagnostic(
        code(ignition::check::statement_section),
        help("the paid sections add up to `total`: make `{name}` a payout, or show it under `previously paid` or `balance`")
    )]
    StatementNotPaid {
        name: String,
        section: String,
        #[label("a {kind}")]
        span: SourceSpan,
        kind: String,
    },
    /// `previously paid` or `balance` lists a payout: it is paid in the period, so it belongs to
    /// a paid section.
    #[error("`{name}` is a payout, paid this period: `{section}` shows values that are not paid")]
    #[diagnostic(
        code(ignition::check::statement_section),
        help("list it under earned, true-up, draw, recovery or clawback")
    )]
    StatementPaidShown {
        name: String,
        section: String,
        #[label("a payout")]
        span: SourceSpan,
    },
    /// `total` is listed in a `statement` block: it is the statement's bottom line.
    #[error("`total` is the statement's bottom line, not one of its lines")]
    #[diagnostic(
        code(ignition::check::statement_section),
        help("remove it: every statement ends with the total")
    )]
    StatementTotal {
        #[label("here")]
        span: SourceSpan,
    },
    /// A definition is listed twice in a `statement` block: a payout would be counted twice.
    #[error("`{name}` is listed twice on the statement")]
    #[diagnostic(code(ignition::check::statement_duplicate), help("keep one"))]
    StatementTwice {
        name: String,
        #[label("listed again here")]
        again: SourceSpan,
        #[label("first listed here")]
        first: SourceSpan,
    },
    /// Warning: a payout is not listed in the `statement` block; statements show it under
    /// "other payouts" so that their lines still add up to `total`.
    #[error("payout `{name}` is not on the statement")]
    #[diagnostic(
        code(ignition::check::statement_unlisted),
        severity(Warning),
        help("list it in the `statement` block (statements show it as an other payout, so their lines still add up to `total`)")
    )]
    StatementUnlisted {
        name: String,
        #[label("paid, but not listed")]
        span: SourceSpan,
        #[label("the statement block")]
        block: SourceSpan,
    },
    // issue 10, splits
    /// `split by` names a table that cannot hold splits: the participant table, the
    /// credited table itself, a credited table, or a table already splitting another.
    #[error("`{table}` cannot be the split table of `{credited}`: {why}")]
    #[diagnostic(
        code(ignition::check::split_table),
        help("declare a table of split rows (the transaction's key, a participant, a share, a role) and name it after `split by`")
    )]
    SplitTable {
        table: String,
        credited: String,
        why: String,
        #[label("not a table of splits")]
        span: SourceSpan,
    },
    /// A split credit needs the credited table's key, and the split table a column of that
    /// name, of type `text`, to join on.
    #[error("{message}")]
    #[diagnostic(code(ignition::check::split_key))]
    SplitKey {
        message: String,
        #[help]
        help: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
    },
    // issue 10, currencies
    /// A `convert(…)` that cannot be typed: the amount is not money, `to:` is not a
    /// currency code or is the amount's own currency, or `using:` is not the rate column of
    /// a reference table keyed by two currencies.
    #[error("{message}")]
    #[diagnostic(code(ignition::check::convert))]
    Convert {
        message: String,
        #[help]
        help: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
    },
    /// A split table's `share` column is not a required `percent`, or its `role` column not
    /// a required `text`, or its participant column not `text`.
    #[error("`{column}` must be a {want} column of `{table}`")]
    #[diagnostic(code(ignition::check::split_type), help("{help}"))]
    SplitType {
        column: String,
        table: String,
        want: String,
        help: String,
        #[label("{found}")]
        span: SourceSpan,
        found: String,
    },
    /// A split table is aggregated or looked up: its rows are read through the credited
    /// table's rows, one credited copy per split row.
    #[error("`{table}` is the split table of `{credited}`: its rows are read through the rows of `{credited}`")]
    #[diagnostic(
        code(ignition::check::not_credited),
        help("aggregate `{credited}`: each credited row reads its split row's columns (`sum({credited}, amount * share)`, `count({credited} where role == \"SDR\")`)")
    )]
    SplitRows {
        table: String,
        credited: String,
        #[label("a split table")]
        span: SourceSpan,
    },
    /// Warning: the shares of a split credit are never read, so every participant of a
    /// transaction is credited and paid on its whole amount.
    #[error("the shares of `{table}` (`{share}`) are never read: every participant of a row of `{row}` gets its whole amount")]
    #[diagnostic(
        code(ignition::check::share_unread),
        severity(Warning),
        help("say which split the plan pays by where it reads the share: in the credit for a credit split (`kpi bookings = sum(won, amount * {share})`), in the payout for a payout split (`payout commission = sum(won, amount * {share}) * rate`)")
    )]
    ShareUnread {
        table: String,
        share: String,
        row: String,
        #[label("never read")]
        span: SourceSpan,
    },
    /// `money in COLUMN` where `COLUMN` is not a text column of the same input, or outside
    /// an input's columns, or in a reference table (a looked-up amount would not know its
    /// row).
    #[error("{message}")]
    #[diagnostic(code(ignition::check::money_in))]
    MoneyIn {
        message: String,
        #[help]
        help: String,
        #[label("here")]
        span: SourceSpan,
    },
}

impl Typed for CheckError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diag, Severity};

    fn labels(d: &Diag) -> Vec<(usize, usize, &str)> {
        d.labels
            .iter()
            .map(|(s, t)| (s.offset(), s.len(), t.as_str()))
            .collect()
    }

    #[test]
    fn a_variant_renders_as_the_builder_did() {
        // What the checker built by hand before the enum (check/mod.rs `duplicate`).
        let old = Diag::error("ignition::check::duplicate", "`a` is defined twice")
            .label((20, 1), "declared again here")
            .label((4, 1), "first declared here")
            .help("rename one of them; every name in a plan is defined once");
        let new: Diag = CheckError::DuplicateName {
            name: "a".into(),
            again: (20, 1).into(),
            first: (4, 1).into(),
        }
        .into();
        assert_eq!(
            (&new.code, new.severity, &new.message, &new.help),
            (&old.code, old.severity, &old.message, &old.help)
        );
        assert_eq!(labels(&new), labels(&old));
    }

    #[test]
    fn computed_labels_and_hints_are_kept() {
        let d: Diag = CheckError::Operator {
            message: "cannot add money and a percent".into(),
            help: "multiply".into(),
            span: (3, 9).into(),
            label: "money in EUR + a percent".into(),
        }
        .into();
        assert_eq!(d.code, "ignition::check::units");
        assert_eq!(labels(&d), [(3, 9, "money in EUR + a percent")]);
        assert_eq!(d.help.as_deref(), Some("multiply"));
        // Braces in a hint are literal.
        let d: Diag = CheckError::NoKey {
            table: "reps".into(),
            span: (0, 4).into(),
        }
        .into();
        assert_eq!(
            d.help.as_deref(),
            Some("declare it as `input reps key <id column> { … }`")
        );
    }

    #[test]
    fn lints_are_warnings_with_an_optional_second_label() {
        let d: Diag = CheckError::NegativePayout {
            payout: "p".into(),
            why: String::new(),
            currency: "EUR".into(),
            span: (10, 5).into(),
            at: None,
        }
        .into();
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.message, "payout `p` can be negative");
        assert_eq!(labels(&d), [(10, 5, "may be below zero")]);
        let d: Diag = CheckError::NegativePayout {
            payout: "p".into(),
            why: ": `x` can be negative".into(),
            currency: "EUR".into(),
            span: (10, 5).into(),
            at: Some((12, 1).into()),
        }
        .into();
        assert_eq!(d.message, "payout `p` can be negative: `x` can be negative");
        assert_eq!(labels(&d), [(10, 5, "may be below zero"), (12, 1, "here")]);
        let unused: Diag = CheckError::UnusedInput {
            name: "t".into(),
            span: (0, 1).into(),
        }
        .into();
        assert_eq!(
            (unused.severity, unused.code.as_ref()),
            (Severity::Warning, "ignition::check::unused")
        );
    }

    #[test]
    fn a_cycle_labels_every_definition_in_order() {
        let d: Diag = CheckError::Cycle {
            path: "a → b → a".into(),
            uses: vec![
                LabeledSpan::new_with_span(Some("`a` uses `b`".into()), (1, 1)),
                LabeledSpan::new_with_span(Some("`b` uses `a`".into()), (5, 1)),
            ],
        }
        .into();
        assert_eq!(
            d.message,
            "these definitions depend on each other: a → b → a"
        );
        assert_eq!(labels(&d), [(1, 1, "`a` uses `b`"), (5, 1, "`b` uses `a`")]);
    }
}
