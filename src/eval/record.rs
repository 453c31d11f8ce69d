//! Recording an evaluation. The interpreter is generic over a [`Recorder`]; a plain run uses
//! [`Off`], whose methods compile to nothing, and `explain` uses a tracer that builds a tree
//! from the very same calls — so an explanation cannot disagree with the run.

use super::interp::{Interp, Scope};
use super::rates::Slice;
use super::Slot;
use crate::ir::{ColId, DefId, Expr, RatesId, TableId, Value};
use crate::num::Num;
use crate::syntax::ast::LimitKind;

/// What a recorded node evaluated.
#[derive(Clone, Copy)]
pub enum Traced<'e> {
    /// A definition: gate, value, limits.
    Def(DefId),
    /// An expression.
    Expr(&'e Expr),
}

/// Facts about the node being evaluated that its value alone does not show.
#[derive(Debug, Clone)]
pub enum Note {
    /// A `when` gate and whether it let the value through.
    Gate {
        /// The condition's value.
        open: bool,
    },
    /// A cap or floor.
    Limit {
        /// Cap or floor.
        kind: LimitKind,
        /// The value before it.
        before: Num,
        /// The bound.
        bound: Num,
        /// The value after it.
        after: Num,
    },
    /// The plan's rounding of a payout or the total (the value closed is the rounded one).
    Rounded {
        /// The exact value before rounding.
        before: Num,
        /// The increment.
        increment: rust_decimal::Decimal,
        /// The rule.
        mode: crate::syntax::ast::RoundingMode,
    },
    /// `otherwise` took its fallback.
    Fallback(String),
    /// A marginal table's slices.
    Marginal {
        /// The table.
        table: RatesId,
        /// The base.
        base: Num,
        /// The scale (`per:`, or 1).
        scale: Num,
        /// The non-empty slices.
        slices: Vec<Slice>,
    },
    /// The band a flat or lookup value fell in.
    Band {
        /// The table.
        table: RatesId,
        /// The value looked up.
        x: Num,
        /// The band.
        band: usize,
    },
    /// issue 9, tables: the cell a flat or lookup of a grid found.
    Cell {
        /// The table.
        table: RatesId,
        /// The row value looked up.
        x: crate::ir::Value,
        /// The column value looked up.
        y: crate::ir::Value,
        /// The row found.
        row: usize,
        /// The column found.
        column: usize,
    },
    /// issue 9, tables: where on a curve `interpolate` found its value.
    Curve {
        /// The curve.
        curve: crate::ir::CurveId,
        /// The measure.
        x: Num,
        /// The segment and fraction, or the edge rule.
        at: crate::eval::rates::CurveAt,
    },
    /// The row of a reference table a lookup used (issue 9).
    Lookup {
        /// The reference table.
        table: TableId,
        /// The row (in file order).
        row: u32,
        /// The key looked up.
        key: Vec<crate::ir::Value>,
        /// The day it had to be in force on.
        on: Option<i32>,
    },
    /// issue 10, currencies: the rate a `convert` used, and the FX table's row it came from.
    Fx(super::fx::FxUsed),
    /// An aggregate's rows: the contributing ones were passed to `row`.
    Rows {
        /// The table.
        table: TableId,
        /// The aggregated column.
        column: Option<ColId>,
        /// Rows of the scope that a `where` left out.
        excluded: u64,
    },
    // issue 9, functions and parameters
    /// A user function's call: its arguments' values, in parameter order.
    Call {
        /// The values.
        args: Vec<crate::ir::Value>,
    },
    /// An `if` (issue 9, conditionals): whether its condition held, so which branch was
    /// taken (the other was not evaluated).
    Branch {
        /// The condition's value.
        holds: bool,
    },
    /// A `prorate` (issue 9, calendar arithmetic): the share of the period it counted.
    Prorated {
        /// Counted in months (`by: months`) rather than days.
        months: bool,
        /// The active days or months.
        active: i64,
        /// The days or months of the period.
        of: i64,
        /// The first active day (after the last when none is active).
        from: crate::calendar::Day,
        /// The last active day.
        to: crate::calendar::Day,
    },
    /// issue 11, causes of a gap: a KPI's gap split among its drivers.
    Causes(Box<super::drivers::Causes>),
    /// issue 11, comparison and trend: what a rank, percentile, team average or trend read.
    Compared(Box<super::compare::Compared>),
    /// issue 11, scorecards: what each measure of a scorecard did, in the order written.
    Scorecard {
        /// The measures.
        measures: Vec<super::scorecard::MeasureScore>,
        /// `no data reweights` scaled the weights of the measures with data.
        reweighted: bool,
    },
    /// issue 11, cascades: where a cascaded target came from.
    Cascade {
        /// The manager whose target was split (split down, below the top).
        manager: Option<u32>,
        /// That manager's target.
        manager_target: Option<Num>,
        /// The manager's direct reports (those the target was split among).
        team: usize,
        /// The participant's own direct reports (summed when rolled up).
        reports: usize,
    },
    /// issue 10, ledger: `prior(…, opening: …)` in the first period took the opening.
    Opening,
    /// issue 10, ledger: `prior(NAME, opening: …)`: NAME's values back to the opening.
    Chain(Box<super::lag::Chain>),
    /// issue 10, ledger: `paid_to_date`'s periods, what the payout paid in each, and
    /// whether that came from the history of what was paid (else the plan's own payout).
    Paid(Vec<(u32, Slot, bool)>),
    /// issue 10, clawbacks: the rows cancelled in the period and what was taken back on each.
    Clawback(Box<super::clawback::Taken>),
}

/// Receives the evaluation as it happens.
pub trait Recorder {
    /// False for the no-op recorder: lets the interpreter skip recording work entirely.
    const ON: bool;
    /// A node begins.
    fn open(&mut self) {}
    /// The node begun last ends with this value.
    fn close(&mut self, _interp: &Interp, _what: Traced, _scope: Scope, _value: &Slot) {}
    /// A fact about the open node.
    fn note(&mut self, _note: Note) {}
    /// A row that contributed to the open aggregate.
    fn row(&mut self, _table: TableId, _row: usize) {}
    /// issue 9, rows: the value of the aggregate's expression for the row passed last to `row`.
    fn row_value(&mut self, _value: &Value) {}
    /// issue 10, currencies: a conversion made by the aggregate's expression for the row
    /// passed last to `row`.
    fn row_fx(&mut self, _used: &super::fx::FxUsed) {}
    /// Whether a referenced definition should be explained in place (else its stored value is used).
    fn expand(&mut self, _def: DefId, _scope: Scope) -> bool {
        false
    }
}

/// issue 10, currencies: keeps the conversions of one row's expression (every other note
/// of a row's work is dropped, as `Off` drops it), so explain lists each row's rate.
#[derive(Default)]
pub struct RowFx(pub Vec<super::fx::FxUsed>);

impl Recorder for RowFx {
    const ON: bool = true;
    fn note(&mut self, note: Note) {
        if let Note::Fx(used) = note {
            self.0.push(used);
        }
    }
}

/// Records nothing.
pub struct Off;

impl Recorder for Off {
    const ON: bool = false;
}
