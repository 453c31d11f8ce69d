//! Run-time errors: missing or impossible values, named by participant, period and definition.

use crate::ir::DefId;
use crate::syntax::Span;

/// Why a value could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Division by zero.
    DivisionByZero,
    /// An optional cell was empty.
    EmptyValue(String),
    /// avg/min/max over no rows.
    NoRows(&'static str),
    /// `prior` in the first period.
    NoPriorPeriod,
    /// A value outside every band of a rate table.
    OutsideTable(String),
    /// A marginal table's scale is negative.
    NegativeScale,
    /// A marginal table's scale is zero while the base is positive.
    ZeroScale,
    /// The result does not fit in a decimal.
    Overflow,
    /// A value rounded to this increment has more digits than a decimal holds.
    TooLargeToRound(rust_decimal::Decimal),
    /// A date moved by this many days falls outside the years 1 to 9999.
    DateOutOfRange(String),
    /// A date moved by this number of days, which is not whole.
    FractionalDays(String),
    /// A value had an unexpected shape: a bug.
    Internal(String),
}

impl ErrorKind {
    /// A missing or impossible value, which `otherwise` replaces (overflow and bugs are not).
    pub fn is_missing(&self) -> bool {
        !matches!(
            self,
            ErrorKind::Overflow
                | ErrorKind::TooLargeToRound(_)
                | ErrorKind::DateOutOfRange(_)
                | ErrorKind::FractionalDays(_)
                | ErrorKind::Internal(_)
        )
    }

    /// Short description.
    pub fn describe(&self) -> String {
        match self {
            ErrorKind::DivisionByZero => "division by zero".into(),
            ErrorKind::EmptyValue(what) => format!("{what} is empty"),
            ErrorKind::NoRows(f) => format!("`{f}` over no rows has no value"),
            ErrorKind::NoPriorPeriod => "there is no period before the first one".into(),
            ErrorKind::OutsideTable(s) => s.clone(),
            ErrorKind::NegativeScale => "the scale of a marginal table is negative".into(),
            ErrorKind::ZeroScale => {
                "the scale of a marginal table is zero, so its bands have no width".into()
            }
            ErrorKind::Overflow => {
                "the number is too large, or its fraction too long, to hold exactly".into()
            }
            ErrorKind::TooLargeToRound(inc) => {
                format!("the value is too large to be rounded to {inc}: it would need more than 28 digits")
            }
            ErrorKind::DateOutOfRange(by) => {
                format!("moving the date by {by} days leaves the years 1 to 9999")
            }
            ErrorKind::FractionalDays(by) => {
                format!("a date can only move by whole days, not by {by}")
            }
            ErrorKind::Internal(s) => format!("internal error: {s}; please report this"),
        }
    }

    /// What the analyst can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ErrorKind::DivisionByZero => {
                "state the fallback in the plan, e.g. `bookings / quota otherwise 0%`"
            }
            ErrorKind::EmptyValue(_) => "fill in the cell, or state a fallback with `otherwise`",
            ErrorKind::NoRows(_) => "state the fallback, e.g. `avg(won.amount) otherwise 0 EUR`",
            ErrorKind::NoPriorPeriod => {
                "state the fallback, e.g. `prior(bookings) otherwise 0 EUR`"
            }
            ErrorKind::OutsideTable(_) => {
                "extend the table's first band down, or state a fallback with `otherwise`"
            }
            ErrorKind::NegativeScale => "check the `per:` value, or gate the payout with `when`",
            ErrorKind::ZeroScale => {
                "gate the payout, e.g. `when quota > 0 EUR`, or state a fallback with `otherwise`"
            }
            ErrorKind::Overflow => {
                "check the data for absurd values; to add up many ratios (e.g. `org(attainment)`), round each first: `round(attainment, 0.0001)`"
            }
            ErrorKind::TooLargeToRound(_) => "check the data for absurd values",
            ErrorKind::DateOutOfRange(_) => "check the number of days added to the date",
            ErrorKind::FractionalDays(_) => {
                "round the number of days first, e.g. `round(x, 1, down)`"
            }
            ErrorKind::Internal(_) => "this is a bug in Ignition",
        }
    }
}

/// A value that could not be computed, with where it first failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The definition whose expression failed.
    pub def: DefId,
    /// The failing sub-expression.
    pub span: Span,
    /// Participant index.
    pub participant: u32,
    /// Period index.
    pub period: u32,
}
