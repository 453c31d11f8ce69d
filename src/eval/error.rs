//! Run-time errors: missing or impossible values, named by participant, period and definition.

use crate::diagnostics::Typed;
use crate::ir::DefId;
use crate::syntax::Span;
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use std::fmt;

/// Evaluation
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Diagnostic)]
pub enum EvalError {
    /// A value could not be computed for a participant and period (§16): a division by zero
    /// without `otherwise`.
    #[error("division by zero")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("state the fallback in the plan, e.g. `bookings / quota otherwise 0%`")
    )]
    DivisionByZero,
    /// An empty optional cell is read.
    #[error("`{column}` of {file}:{line} is empty")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("fill in the cell, or state a fallback with `otherwise`")
    )]
    EmptyValue {
        /// The column's name.
        column: String,
        /// The data file.
        file: String,
        /// The row's line in the file.
        line: u32,
    },
    /// `avg`, `min` or `max` runs over no rows.
    #[error("`{func}` over no rows has no value")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("state the fallback, e.g. `avg(won.amount) otherwise 0 EUR`")
    )]
    NoRows {
        /// The aggregate: `avg`, `min` or `max`.
        func: &'static str,
    },
    /// `prior` is used in the first period.
    #[error("there is no period before the first one")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("state the fallback, e.g. `prior(bookings) otherwise 0 EUR`")
    )]
    NoPriorPeriod,
    /// A `flat` or `lookup` value is outside every band of its rate table.
    #[error("{value} is outside every band of `{table}`")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("extend the table's first band down, or state a fallback with `otherwise`")
    )]
    OutsideBands {
        /// The value looked up.
        value: String,
        /// The rate table.
        table: String,
    },
    /// A `marginal` base is above a closed last band.
    #[error("{value} is above the last band of `{table}`, which ends at {top}")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("extend the table's first band down, or state a fallback with `otherwise`")
    )]
    AboveTable {
        /// The base.
        value: String,
        /// The rate table.
        table: String,
        /// Where its last band ends (scaled).
        top: String,
    },
    /// The `per:` scale of a `marginal` table is negative.
    #[error("the scale of a marginal table is negative")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("check the `per:` value, or gate the payout with `when`")
    )]
    NegativeScale,
    /// The `per:` scale of a `marginal` table is zero while its base is positive.
    #[error("the scale of a marginal table is zero, so its bands have no width")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("gate the payout, e.g. `when quota > 0 EUR`, or state a fallback with `otherwise`")
    )]
    ZeroScale,
    /// A number is too large, or its fraction too long, to hold exactly (`otherwise` does not
    /// catch this).
    #[error("the number is too large, or its fraction too long, to hold exactly")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help(
            "check the data for absurd values; to add up many ratios (e.g. `org(attainment)`), round each first: `round(attainment, 0.0001)`"
        )
    )]
    Overflow,
    /// A value is too large to be rounded to its increment.
    #[error(
        "the value is too large to be rounded to {increment}: it would need more than 28 digits"
    )]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("check the data for absurd values")
    )]
    TooLargeToRound {
        /// The rounding increment.
        increment: rust_decimal::Decimal,
    },
    /// A date is moved outside the years 1 to 9999.
    #[error("moving the date by {by} days leaves the years 1 to 9999")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("check the number of days added to the date")
    )]
    DateOutOfRange {
        /// The number of days.
        by: String,
    },
    /// A date is moved by a number of days that is not whole.
    #[error("a date can only move by whole days, not by {by}")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("round the number of days first, e.g. `round(x, 1, down)`")
    )]
    FractionalDays {
        /// The number of days.
        by: String,
    },
    /// `add_months` moves a date outside the years 1 to 9999 (issue 9).
    #[error("moving the date by {by} months leaves the years 1 to 9999")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("check the number of months added to the date")
    )]
    MonthsOutOfRange {
        /// The number of months.
        by: String,
    },
    /// `add_months` is given a number of months that is not whole (issue 9).
    #[error("a date can only move by whole months, not by {by}")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("round the number of months first, e.g. `round(x, 1, down)`")
    )]
    FractionalMonths {
        /// The number of months.
        by: String,
    },
    /// A value has an unexpected shape: a bug in Ignition.
    #[error("internal error: {what}; please report this")]
    #[diagnostic(code(ignition::eval::no_value), help("this is a bug in Ignition"))]
    Internal {
        /// What was unexpected.
        what: String,
    },
    /// A credited row is cancelled (`clawback`, issue 10) before the day it was credited on: a
    /// mistake in the data, which would otherwise take back a deal's pay silently or never.
    #[error("{file}:{line} is cancelled on {cancelled}, before its credit date {credited}")]
    #[diagnostic(
        code(ignition::eval::clawback),
        help("correct the row's cancel date (or its credit date) in {file}")
    )]
    CancelledBeforeCredit {
        /// The data file.
        file: String,
        /// The row's line in the file.
        line: u32,
        /// The cancel date.
        cancelled: String,
        /// The credit date.
        credited: String,
    },
    /// A row cancelled (`clawback`, issue 10) was paid on in a period whose base (the sum the
    /// payout is computed from) was 0 while the payout paid something: the row's share of
    /// it is undefined.
    #[error("`{of}` paid {paid} in {period} on rows whose `{base}` adds up to 0: a cancelled row's share of it is undefined")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("state what to take back with `otherwise`, e.g. `clawback(…) otherwise 0 EUR`")
    )]
    ClawbackUnattributable {
        /// The definition clawed back.
        of: String,
        /// What it paid then.
        paid: String,
        /// The period it was paid in.
        period: String,
        /// The base, as written.
        base: String,
    },
    /// The window of a `clawback` (issue 10) is negative or not a whole number of days.
    #[error("the clawback window is {days} days: it must be a whole number of days, 0 or more")]
    #[diagnostic(
        code(ignition::eval::clawback),
        help("write the window as a whole number of days, e.g. `within: 90 days`")
    )]
    ClawbackWindow {
        /// The window's value.
        days: String,
    },
    /// A reference table has no row for the key looked up, or none in force on the day
    /// (issue 9); the help names the nearest rows. `otherwise` catches it.
    #[error("`{table}` has no row{key}{on}")]
    #[diagnostic(code(ignition::eval::no_row))]
    NoRow {
        /// The reference table.
        table: String,
        /// ` for ` and the key looked up, quoted (` for "EMEA", "AE"`); empty for a table
        /// without a key.
        key: String,
        /// ` in force on DAY`, for an effective-dated table.
        on: String,
        /// The nearest rows, and the fallback.
        #[help]
        help: String,
    },
    /// After the diagnostics shown, the count of the other values that could not be computed.
    #[error("{more} more values could not be computed ({total} in all)")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("fix the ones shown and run again")
    )]
    MoreNotShown {
        /// Failures not shown.
        more: usize,
        /// All failures.
        total: usize,
    },
    // issue 9, tables
    /// `interpolate` is given a value outside the curve's points on a side whose rule is
    /// `error`.
    #[error("{value} is {side} the points of `{curve}`, which run from {lo} to {hi}, and its `{side}:` rule is `error`")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("give the curve a point there, choose `{side}: zero`, `hold` or `extrapolate`, or state a fallback with `otherwise`")
    )]
    OutsideCurve {
        /// The value interpolated.
        value: String,
        /// The curve.
        curve: String,
        /// `below` or `above`.
        side: &'static str,
        /// The first point's measure.
        lo: String,
        /// The last point's measure.
        hi: String,
    },
    /// A `flat` or `lookup` value of a two-measure table falls in no row (or no column) of it:
    /// outside every band of that axis, or not one of its text values.
    #[error("{value} is in no {axis} of `{table}`")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("add a {axis} for it (or extend the first or last band), or state a fallback with `otherwise`")
    )]
    OutsideGrid {
        /// The value looked up.
        value: String,
        /// The rate table.
        table: String,
        /// `row` or `column`.
        axis: &'static str,
    },
    /// A computed column has no value in a row: computing it failed there
    /// (a division by zero…), named with the row's file and line.
    #[error("the computed column `{column}` of {file}:{line} has no value: {why}")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("fix the row, or state the column's fallback in the plan, e.g. `let {column} = … otherwise 0`")
    )]
    ComputedRow {
        /// The computed column.
        column: String,
        /// The data file.
        file: String,
        /// The row's line in the file.
        line: u32,
        /// Why it failed.
        why: String,
        /// Not a missing value (an overflow): `otherwise` does not replace it.
        fatal: bool,
    },
    // issue 11, causes of a gap
    /// `cause_of` for a participant and period where the KPI's `no data when` condition
    /// holds (here, or in the prior period for `vs: prior`): there is no gap to split.
    #[error("`{kpi}` has no data here, so its gap has no causes")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("state the fallback, e.g. `cause_of({kpi}, win_rate) otherwise 0 EUR`")
    )]
    NoData {
        /// The KPI.
        kpi: String,
    },
    // issue 11, comparison and trend
    /// `trend` where fewer than two periods have been reached (the first period).
    #[error("`trend` needs two periods or more; this is the first")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("state the fallback, e.g. `trend(bookings, periods: 4) otherwise 0 EUR`")
    )]
    TooFewPeriods,
    /// `team_avg`, `rank` or `percentile` where nobody in the group has a value.
    #[error("`{func}` has no value: nobody it compares has one")]
    #[diagnostic(
        code(ignition::eval::no_value),
        help("state the fallback with `otherwise`")
    )]
    NobodyToCompare {
        /// The function.
        func: &'static str,
    },
    // issue 11, cascades
    /// `targets add up`: the targets of a team (a manager's direct reports) do not add up
    /// to the manager's target. Not a missing value: `otherwise` does not replace it.
    #[error("the targets of `{kpi}` in the team of `{team}` ({reports} reports) {figures}")]
    #[diagnostic(
        code(ignition::eval::targets_add_up),
        help("fix the targets in the data so that they add up, or take `targets add up` out of the block if the team's target may differ from the sum")
    )]
    TargetsDoNotAddUp {
        /// The KPI.
        kpi: String,
        /// The manager's id.
        team: String,
        /// The number of direct reports.
        reports: usize,
        /// `add up to SUM, not the team's target TARGET: a difference of SUM − TARGET`.
        figures: String,
    },
    // issue 10, currencies
    /// The rate of an FX table's row that `convert` uses is zero or negative: one unit of a
    /// currency is always worth some of another.
    #[error("the rate {rate} of {file}:{line} ({from} → {to}) is not positive")]
    #[diagnostic(
        code(ignition::eval::fx_rate),
        help("fix the rate in the FX table: one unit of the first currency is `rate` units of the second")
    )]
    FxRate {
        /// The rate as written.
        rate: String,
        /// The FX table's file.
        file: String,
        /// The row's line.
        line: u32,
        /// The currency converted from, per the row.
        from: String,
        /// The currency converted to, per the row.
        to: String,
    },
    /// A row's currency cell (of a `money in COLUMN` amount) is not a currency code.
    #[error("`{column}` of {file}:{line} is \"{found}\", not a currency code")]
    #[diagnostic(
        code(ignition::eval::fx_rate),
        help("write the currency as its ISO 4217 code: three capital letters, e.g. USD")
    )]
    NotCurrency {
        /// The currency column.
        column: String,
        /// The data file.
        file: String,
        /// The row's line.
        line: u32,
        /// The cell.
        found: String,
    },
}

impl Typed for EvalError {}

impl EvalError {
    /// An internal error (a bug): a value of an unexpected shape.
    pub fn internal(what: impl Into<String>) -> EvalError {
        EvalError::Internal { what: what.into() }
    }

    /// A missing or impossible value, which `otherwise` replaces (overflow and bugs are not).
    pub fn is_missing(&self) -> bool {
        !matches!(
            self,
            EvalError::Overflow
                | EvalError::TooLargeToRound { .. }
                | EvalError::DateOutOfRange { .. }
                | EvalError::FractionalDays { .. }
                | EvalError::MonthsOutOfRange { .. }
                | EvalError::FractionalMonths { .. }
                | EvalError::Internal { .. }
                | EvalError::MoreNotShown { .. }
                | EvalError::TargetsDoNotAddUp { .. }
                | EvalError::ComputedRow { fatal: true, .. }
                | EvalError::CancelledBeforeCredit { .. }
                | EvalError::ClawbackWindow { .. }
        )
    }

    /// Short description (the message, without who and when).
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

/// A value that could not be computed, with where it first failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoValue {
    /// What went wrong.
    pub kind: EvalError,
    /// The definition whose expression failed.
    pub def: DefId,
    /// The failing sub-expression.
    pub span: Span,
    /// Participant index.
    pub participant: u32,
    /// Period index.
    pub period: u32,
}

/// A failure named for the analyst: `{kind} in `{def}` for {who} in {when}`, underlined
/// with the kind at the failing expression; its code and help are the kind's.
#[derive(Debug)]
pub struct Named<'a> {
    /// What went wrong.
    pub kind: &'a EvalError,
    /// The definition's name.
    pub def: &'a str,
    /// The participant's id.
    pub who: &'a str,
    /// The period's name.
    pub when: &'a str,
    /// The failing expression.
    pub span: SourceSpan,
}

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} in `{}` for {} in {}",
            self.kind, self.def, self.who, self.when
        )
    }
}

impl std::error::Error for Named<'_> {}

impl Diagnostic for Named<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.kind.code()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.kind.help()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.kind.to_string()), self.span),
        )))
    }
}

impl Typed for Named<'_> {}
