//! The plan as written: declarations and expressions, each with its span.

use super::span::Span;
use crate::types::Type;
use rust_decimal::Decimal;

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it stands in the source.
    pub span: Span,
}

/// A whole plan file.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The plan's title.
    pub name: String,
    /// Span of the title string.
    pub name_span: Span,
    /// Declarations in source order.
    pub decls: Vec<Decl>,
    /// Declarations that did not parse, in source order: the parser reported each and went
    /// on with the next declaration (empty unless the plan came from
    /// [`crate::syntax::parser::parse_recovering`] with syntax errors).
    pub broken: Vec<Broken>,
}

/// A declaration that did not parse: what can still be read of it, so that the checker
/// does not report what follows from its absence (uses of its name, a missing header).
#[derive(Clone, Debug, PartialEq)]
pub struct Broken {
    /// The declaration's text, from its keyword to the next declaration.
    pub span: Span,
    /// Its first word, when that is a declaration keyword.
    pub keyword: Option<super::keyword::Keyword>,
    /// The name it defines (`let`, `kpi`, `payout`, `rates`, `input`), when it can be read.
    pub name: Option<Ident>,
    /// For an `input`: the column names that can be read (each name written before a `:`).
    pub columns: Vec<Ident>,
}

/// One declaration with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// What is declared.
    pub kind: DeclKind,
    /// The whole declaration.
    pub span: Span,
}

pub use crate::calendar::PeriodKind;
pub use crate::num::RoundingMode;

/// A declared column type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeName {
    /// text
    Text,
    /// bool
    Bool,
    /// integer
    Integer,
    /// number
    Number,
    /// percent
    Percent,
    /// money, optionally in a named currency
    Money(Option<Ident>),
    /// issue 10, currencies: `money in COLUMN`, in the currency its row's `COLUMN` names.
    MoneyIn(Ident),
    /// date
    Date,
    /// days
    Days,
}

/// A column of an input schema.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDecl {
    /// Column name.
    pub name: Ident,
    /// Declared type.
    pub ty: TypeName,
    /// Span of the type.
    pub ty_span: Span,
    /// `?`: the cell may be empty.
    pub optional: bool,
    /// `= literal`: the value an inline test row takes when it leaves the column out.
    pub default: Option<Expr>,
    /// `>= 0`, and where it is written: the column's values are never negative.
    pub nonneg: Option<Span>,
}

/// `effective from COL [to COL]` on a reference table's header (issue 9, reference tables).
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    /// The date column a row is in force from (inclusive).
    pub from: Ident,
    /// The date column a row is in force until (inclusive); an empty cell is open-ended.
    pub to: Option<Ident>,
    /// The whole clause.
    pub span: Span,
}

/// `let NAME [: TYPE] = EXPR` inside an input: a column computed from the row's other
/// columns (issue 9, rows).
#[derive(Clone, Debug, PartialEq)]
pub struct ComputedColumn {
    /// Column name.
    pub name: Ident,
    /// Declared type, and where it is written.
    pub ty: Option<(TypeName, Span)>,
    /// The value of each row.
    pub expr: Expr,
    /// The whole line, from `let`.
    pub span: Span,
}

/// One band of a rate table.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Lower edge (inclusive); `None` is unbounded below.
    pub lo: Option<Expr>,
    /// Upper edge (exclusive); `None` is unbounded above.
    pub hi: Option<Expr>,
    /// The band's rate or value.
    pub value: Expr,
    /// The whole band line.
    pub span: Span,
}

/// issue 9, tables: the closedness of a rate table's bands, `[lo, hi)` or `(lo, hi]`, as
/// written in its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closedness {
    /// `[`: the lower edge belongs to the band.
    pub lo_closed: bool,
    /// `]`: the upper edge belongs to the band.
    pub hi_closed: bool,
    /// The whole `(lo, hi]`.
    pub span: Span,
}

/// issue 9, tables: a two-dimensional rate table: a header of column keys, then rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// The column keys, in order.
    pub columns: Vec<GridKey>,
    /// The header line.
    pub header: Span,
    /// The rows, in order.
    pub rows: Vec<GridRow>,
}

/// One row of a grid: its key and one value per column.
#[derive(Clone, Debug, PartialEq)]
pub struct GridRow {
    /// The row's key.
    pub key: GridKey,
    /// The cells, in column order.
    pub cells: Vec<Expr>,
    /// The whole row.
    pub span: Span,
}

/// A row or column key of a grid: a band or a text value.
#[derive(Clone, Debug, PartialEq)]
pub enum GridKey {
    /// `LO .. HI`, either edge left out when open.
    Band {
        /// Lower edge.
        lo: Option<Expr>,
        /// Upper edge.
        hi: Option<Expr>,
        /// The key as written.
        span: Span,
    },
    /// `"Junior"`.
    Text {
        /// The value.
        value: String,
        /// The key as written.
        span: Span,
    },
}

impl GridKey {
    /// Where the key is written.
    pub fn span(&self) -> Span {
        match self {
            GridKey::Band { span, .. } | GridKey::Text { span, .. } => *span,
        }
    }
}

/// issue 9, tables: one point `X : Y` of a curve.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    /// Where the measure is.
    pub x: Expr,
    /// The curve's value there.
    pub y: Expr,
    /// The whole point.
    pub span: Span,
}

/// issue 9, tables: `below: RULE` or `above: RULE` of a curve.
#[derive(Clone, Debug, PartialEq)]
pub struct CurveEdge {
    /// The rule's name as written (`zero`, `hold`, `extrapolate`, `error`).
    pub rule: Ident,
    /// The whole line.
    pub span: Span,
}

/// Cap or floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    /// An upper bound.
    Cap,
    /// A lower bound.
    Floor,
}

/// What a declaration declares.
#[derive(Clone, Debug, PartialEq)]
pub enum DeclKind {
    /// `currency EUR`
    Currency(Ident),
    /// `periods quarterly from D to D`
    Periods {
        /// Granularity.
        kind: PeriodKind,
        /// First day.
        from: chrono::NaiveDate,
        /// Last day (inclusive).
        to: chrono::NaiveDate,
        /// Span of `from … to …`.
        range_span: Span,
        // issue 10, calendars
        /// `starting monday`: the weekday weekly and biweekly periods start on.
        week_start: Option<chrono::Weekday>,
        /// `fiscal year from april`: the month (1–12) the fiscal year starts in.
        fiscal_start: Option<u32>,
    },
    /// `periods listed in "calendar.csv" [fiscal year from MONTH]` (issue 10, calendars):
    /// the periods are the lines of a file beside the plan, read by the crate root.
    PeriodsListed {
        /// The file's path as written (relative to the plan's folder).
        path: String,
        /// Span of the quoted path.
        path_span: Span,
        /// `fiscal year from april`: the month (1–12) the fiscal year starts in.
        fiscal_start: Option<u32>,
    },
    /// `rounding payouts to 0.01 half-even`
    Rounding {
        /// Increment.
        increment: Decimal,
        /// Mode.
        mode: RoundingMode,
    },
    /// `timezone +01:00`: the zone as written (an offset, a name, or a string); the
    /// checker reads it.
    Timezone {
        /// The zone's text.
        zone: String,
        /// Its span.
        zone_span: Span,
    },
    /// issue 10, statements: `statement { SECTION NAME, … }`: the lines of a participant's
    /// pay statement.
    Statement {
        /// The lines, as written.
        lines: Vec<StatementLine>,
        /// Where the keyword `statement` stands (the block's header).
        keyword: Span,
    },
    /// `input NAME key COL { … }`
    Input {
        /// Table name.
        name: Ident,
        /// Key column.
        key: Option<Ident>,
        /// Schema.
        columns: Vec<ColumnDecl>,
        /// The key columns after the first (`key region, role`): a reference table's
        /// composite key (issue 9, reference tables).
        more_keys: Vec<Ident>,
        /// `effective from COL [to COL]`: the rows of a reference table are dated.
        effective: Option<Effective>,
        /// Columns computed from the row (`let NAME = EXPR`), in source order.
        computed: Vec<ComputedColumn>,
    },
    /// `participants TABLE managed by COL`
    Participants {
        /// The roster table.
        table: Ident,
        /// Manager column.
        manager: Option<Ident>,
        /// issue 10, currencies: `paid in COL using T.RATE [on DATE]`.
        pay: Option<PayClause>,
        /// issue 10, assignments: `managed by HISTORY.COLUMN`: the effective-dated table
        /// the manager column is in (none: the roster's own column).
        manager_table: Option<Ident>,
    },
    /// `credit TABLE to COL by COL`
    Credit {
        /// Credited table.
        table: Ident,
        /// Column naming the participant.
        to: Ident,
        /// Date column choosing the period.
        by: Ident,
        /// issue 10, splits: `split by TABLE share COL [role COL [overlay "ROLE"]]`.
        split: Option<CreditSplit>,
    },
    /// issue 10, ledger: `paid from TABLE`: the history of what was paid.
    Paid {
        /// The history table.
        table: Ident,
    },
    /// `let NAME = EXPR [when COND]`
    Let {
        /// Name.
        name: Ident,
        /// Definition.
        expr: Expr,
        /// Gate (issue 9): a closed gate gives 0 of the value's unit.
        when: Option<Expr>,
    },
    /// `kpi NAME[: TYPE] = EXPR [when COND]`
    Kpi {
        /// Name.
        name: Ident,
        /// Declared display type.
        ty: Option<(TypeName, Span)>,
        /// Definition.
        expr: Expr,
        /// Gate (issue 9): a closed gate gives 0 of the value's unit.
        when: Option<Expr>,
        /// issue 11, kpi intent: the `{ label … target … status … }` block, when written.
        intent: Option<KpiIntent>,
    },
    /// `payout NAME = EXPR [when COND]`
    Payout {
        /// Name.
        name: Ident,
        /// Amount.
        expr: Expr,
        /// Gate.
        when: Option<Expr>,
        /// `may be negative`, and where it is written: a negative amount is intended.
        may_be_negative: Option<Span>,
    },
    /// `rates NAME by X { bands }`
    Rates {
        /// Name.
        name: Ident,
        /// What the bands measure.
        by: Option<Ident>,
        /// Bands in source order.
        bands: Vec<Band>,
        /// `[lo, hi)` or `(lo, hi]` in the header, when written.
        closed: Option<Closedness>,
        /// The second measure, `by ROWS, COLUMNS`, of a grid.
        by_column: Option<Ident>,
        /// A two-dimensional table's grid (then `bands` is empty).
        grid: Option<Grid>,
    },
    /// `test "name" { rows, data files, expectations }`
    Test(TestDecl),
    /// `cap NAME at EXPR`, `floor NAME at EXPR`
    Limit {
        /// Cap or floor.
        kind: LimitKind,
        /// The payout (or `total`).
        target: Ident,
        /// The bound.
        expr: Expr,
    },
    /// issue 9, tables: `curve NAME by X { below: RULE  X : Y …  above: RULE }`
    Curve {
        /// Name.
        name: Ident,
        /// What the points measure.
        by: Option<Ident>,
        /// The rule under the first point.
        below: Option<CurveEdge>,
        /// The points, in source order.
        points: Vec<CurvePoint>,
        /// The rule over the last point.
        above: Option<CurveEdge>,
    },
    // issue 9, functions and parameters
    /// `param NAME = LITERAL`: a plan constant, overridable by `--set NAME=VALUE`.
    Param {
        /// Name.
        name: Ident,
        /// The value (a literal, possibly negated).
        value: Expr,
    },
    /// `fn NAME(P1, P2: TYPE, …) = EXPR`: a user function.
    Fn {
        /// Name.
        name: Ident,
        /// Parameters in order.
        params: Vec<FnParam>,
        /// The body.
        body: Expr,
    },
    /// issue 11, scorecards: `scorecard NAME { KPI WEIGHT [floor F] [cap C] … [when COND] }`:
    /// a weighted score of KPIs against their targets, a percent definition.
    Scorecard {
        /// Name.
        name: Ident,
        /// The lines, in source order.
        items: Vec<ScorecardItem>,
        /// The block, `{` to `}`.
        block: Span,
    },
}

// issue 11, scorecards
/// One line of a scorecard, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct ScorecardItem {
    /// What it says.
    pub kind: ScorecardItemKind,
    /// The whole line.
    pub span: Span,
}

/// What a scorecard line says.
#[derive(Clone, Debug, PartialEq)]
pub enum ScorecardItemKind {
    /// `win_rate 40% floor 0% cap 120%`: a KPI with a target, its weight and its bounds.
    Measure {
        /// The KPI.
        kpi: Ident,
        /// Its weight: a percent literal.
        weight: Expr,
        /// `floor …` and `cap …` on its attainment, as written.
        bounds: Vec<MeasureBound>,
    },
    /// `weights add up to 120%`: the sum the weights must reach (100% when not written).
    Weights(Expr),
    /// `no data reweights`: a measure without data leaves the score, the others' weights
    /// are scaled to the sum.
    NoDataReweights,
    /// `when COND`: the scorecard's gate; closed, the score is 0%.
    Gate(Expr),
}

/// `floor 0%` or `cap 120%` of a scorecard measure.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureBound {
    /// Floor or cap.
    pub kind: LimitKind,
    /// The bound: a percent literal or a `param`.
    pub value: Expr,
    /// The bound as written.
    pub span: Span,
}

/// A parameter of a user function: a name, optionally typed (`amount: money`).
#[derive(Clone, Debug, PartialEq)]
pub struct FnParam {
    /// Name.
    pub name: Ident,
    /// Declared type, and where it is written.
    pub ty: Option<(TypeName, Span)>,
}

// issue 11, kpi intent
/// A KPI's `{ … }` block: what the KPI means to a manager (label, category, target,
/// direction, status thresholds, when it has no data). Settings in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiIntent {
    /// The settings as written.
    pub items: Vec<KpiItem>,
    /// The block, `{` to `}`.
    pub span: Span,
}

/// One setting of a KPI's block, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiItem {
    /// What it sets.
    pub kind: KpiItemKind,
    /// The whole line.
    pub span: Span,
}

/// Which direction is better for a KPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// `better higher` (the default).
    Higher,
    /// `better lower`.
    Lower,
}

/// A status level below green.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusLevel {
    /// `red`
    Red,
    /// `amber`
    Amber,
}

impl StatusLevel {
    /// As written.
    pub fn word(self) -> &'static str {
        match self {
            StatusLevel::Red => "red",
            StatusLevel::Amber => "amber",
        }
    }
}

/// One threshold of a `status` line: `red below 80% of target`.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    /// The level it gives.
    pub level: StatusLevel,
    /// `above` (true) or `below` (false).
    pub above: bool,
    /// The bound: a literal or a `param`.
    pub value: Expr,
    /// `of target`: the bound is a share of the target.
    pub of_target: bool,
    /// The threshold as written.
    pub span: Span,
}

/// What a KPI block line sets.
#[derive(Clone, Debug, PartialEq)]
pub enum KpiItemKind {
    /// `label "Win rate"`
    Label(String),
    /// `category activity|result|quality`
    Category(Ident),
    /// `target EXPR`
    Target(Expr),
    /// `better higher|lower`
    Better(Better),
    /// `status red below …, amber below …`
    Status(Vec<Threshold>),
    /// `no data when COND`
    NoData(Expr),
    /// `drivers a * b / c` (issue 11, causes of a gap): the KPIs whose product is this one.
    Drivers(Expr),
    /// issue 11, cascades: `split equally` (none) or `split by share EXPR`: below the top of
    /// the hierarchy the target is the manager's, split.
    Split(Option<Expr>),
    /// `roll up`: a manager's target is the sum of the reports' targets.
    RollUp,
    /// `targets add up`: a team's targets must add up to the manager's.
    AddUp,
}

/// A test of a plan: small inline tables and expected values.
#[derive(Clone, Debug, PartialEq)]
pub struct TestDecl {
    /// The test's name.
    pub name: String,
    /// Span of the name.
    pub name_span: Span,
    /// Inline rows, in order.
    pub rows: Vec<InlineRow>,
    /// `data TABLE = "path"`: a CSV file for a whole table (relative to the test's file).
    pub files: Vec<(Ident, String, Span)>,
    /// Expectations, in order.
    pub expects: Vec<Expect>,
    /// The whole test.
    pub span: Span,
}

/// `TABLE { column: value, … }`: one row of an input table.
#[derive(Clone, Debug, PartialEq)]
pub struct InlineRow {
    /// The input table.
    pub table: Ident,
    /// Column values.
    pub fields: Vec<(Ident, Expr)>,
    /// The whole row.
    pub span: Span,
}

/// One expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    /// The participant id, and where it is written.
    pub participant: (String, Span),
    /// The period id, and where it is written.
    pub period: (String, Span),
    /// What is expected.
    pub kind: ExpectKind,
    /// The whole expectation.
    pub span: Span,
}

/// What an expectation checks.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectKind {
    /// `expect NAME for "p" in P OP value [within tolerance]`
    Value {
        /// The KPI or payout.
        name: Ident,
        /// Comparison.
        op: BinOp,
        /// Expected value (a literal).
        value: Expr,
        /// Allowed difference.
        within: Option<Expr>,
    },
    /// `expect error for "p" in P containing "text"`
    Error {
        /// Text the run-time error must contain.
        containing: String,
    },
}

/// A file of tests for a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct TestsFile {
    /// The plan's path as written (relative to this file).
    pub plan: String,
    /// Where the path is written.
    pub plan_span: Span,
    /// The tests.
    pub tests: Vec<TestDecl>,
}

/// What a parsed file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// A plan (possibly with tests inside).
    Plan(Plan),
    /// Tests of a plan elsewhere.
    Tests(TestsFile),
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// +
    Add,
    /// -
    Sub,
    /// *
    Mul,
    /// /
    Div,
    /// ==
    Eq,
    /// !=
    Ne,
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
    /// and
    And,
    /// or
    Or,
}

impl BinOp {
    /// The comparison with its sides swapped (`a < b` is `b > a`); other operators as is.
    pub fn flipped(self) -> BinOp {
        match self {
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            BinOp::Ge => BinOp::Le,
            other => other,
        }
    }

    /// Whether two values ordered `o` satisfy this comparison (`Lt` holds for `Less`);
    /// never for an operator that does not compare. The one definition the evaluator and
    /// the row layer's pushed-down filters share, so a filter can't disagree with eval.
    #[inline]
    pub fn holds(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            BinOp::Eq => o == Equal,
            BinOp::Ne => o != Equal,
            BinOp::Lt => o == Less,
            BinOp::Le => o != Greater,
            BinOp::Gt => o == Greater,
            BinOp::Ge => o != Less,
            _ => false,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    /// True for comparisons.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A plain number, with the scale it is written with (`2.0` has scale 1): see
    /// [`Literal::ty`].
    Number(Decimal),
    /// `20%`, stored as the fraction 0.2.
    Percent(Decimal),
    /// `300 EUR`
    Money(Decimal, String),
    /// `30 days`
    Days(Decimal),
    /// `2026-01-01`
    Date(chrono::NaiveDate),
    /// `"text"`
    Text(String),
    /// `true` / `false`
    Bool(bool),
}

impl Literal {
    /// The type of a literal: the one rule of literal typing. A plain number is an integer
    /// when it is written without a decimal point (`2`, not `2.0`), as in a data file's
    /// integer column; the parser keeps the written scale in the decimal, so `2.0` holds
    /// scale 1.
    pub fn ty(&self) -> Type {
        match self {
            Literal::Number(n) if written_integer(n) => Type::Integer,
            Literal::Number(_) => Type::Number,
            Literal::Percent(_) => Type::Percent,
            Literal::Money(_, c) => Type::Money(c.clone()),
            Literal::Days(_) => Type::Days,
            Literal::Date(_) => Type::Date,
            Literal::Text(_) => Type::Text,
            Literal::Bool(_) => Type::Bool,
        }
    }
}

/// Whether a number literal's decimal was written without a decimal point.
fn written_integer(n: &Decimal) -> bool {
    n.scale() == 0
}

/// A call argument, optionally named (`per: quota`).
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The name before `:`.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Expression forms.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Lit(Literal),
    /// A bare name.
    Name(Ident),
    /// `rows.column`
    Field(Box<Expr>, Ident),
    /// `rows where condition`
    Where(Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Ident, Vec<Arg>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `-a`
    Neg(Box<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `a otherwise b`
    Otherwise(Box<Expr>, Box<Expr>),
    /// `half-up`, `half-even`, `half-down` written as a whole call argument (the grammar's
    /// `rounding_arg` token).
    Mode(RoundingMode),
    /// `if cond then a else b` (issue 9, conditionals): only the taken branch is evaluated.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// The rounding modes as written, in `rounding payouts to …` and as `round`'s argument.
pub const ROUNDING_MODES: [(RoundingMode, &str); 5] = [
    (RoundingMode::HalfEven, "half-even"),
    (RoundingMode::HalfUp, "half-up"),
    (RoundingMode::HalfDown, "half-down"),
    (RoundingMode::Up, "up"),
    (RoundingMode::Down, "down"),
];

/// A rounding mode as written.
pub fn mode_text(mode: RoundingMode) -> &'static str {
    ROUNDING_MODES
        .iter()
        .find(|(m, _)| *m == mode)
        .map_or("half-even", |(_, t)| t)
}

/// The rounding mode written `text`, if it is one.
pub fn mode_of(text: &str) -> Option<RoundingMode> {
    ROUNDING_MODES
        .iter()
        .find(|(_, t)| *t == text)
        .map(|(m, _)| *m)
}

impl Expr {
    /// The rounding mode this argument names: the `half-up` token, the names `up` and
    /// `down`, or a text holding a mode (`"half-up"`, white space ignored).
    pub fn rounding_mode(&self) -> Option<RoundingMode> {
        match &self.kind {
            ExprKind::Mode(m) => Some(*m),
            // The name alone, not in parentheses (which the expression's span covers); a name
            // can only spell `up` or `down`.
            ExprKind::Name(n) if n.span == self.span => mode_of(&n.name),
            ExprKind::Lit(Literal::Text(t)) => {
                mode_of(&t.chars().filter(|c| !c.is_whitespace()).collect::<String>())
            }
            _ => None,
        }
    }

    /// Where no rounding mode is expected, the `half-up` token reads as what it spells: the
    /// name `half` minus the name `up` (each with its own span).
    pub fn as_subtraction(&self) -> Option<Expr> {
        let ExprKind::Mode(m) = self.kind else {
            return None;
        };
        let tail = mode_text(m).strip_prefix("half-")?;
        let name = |name: &str, start: u32, end: u32| {
            let span = Span { start, end };
            Box::new(Expr {
                kind: ExprKind::Name(Ident {
                    name: name.to_string(),
                    span,
                }),
                span,
            })
        };
        let (start, end) = (self.span.start, self.span.end);
        let half = name("half", start, start.saturating_add(4).min(end));
        let tail_start = end.saturating_sub(tail.len() as u32).max(start);
        Some(Expr {
            kind: ExprKind::Binary(BinOp::Sub, half, name(tail, tail_start, end)),
            span: self.span,
        })
    }
}

// issue 10, statements
/// One line of a `statement` block: a section word and the definitions under it.
#[derive(Clone, Debug, PartialEq)]
pub struct StatementLine {
    /// The section as written, spaces collapsed (`earned`, `true-up`, `previously paid`, …).
    pub section: String,
    /// Where the section word stands.
    pub section_span: Span,
    /// The definitions, in order.
    pub names: Vec<Ident>,
    /// The whole line.
    pub span: Span,
}
/// issue 10, currencies: `paid in COL using T.RATE [on DATE]` after `participants`: the
/// currency each participant is paid in (a text column of the roster) and the rate that
/// takes a payout there.
#[derive(Debug, Clone, PartialEq)]
pub struct PayClause {
    /// The roster's currency column.
    pub column: Ident,
    /// The FX table's rate column (`fx.rate`).
    pub using: Expr,
    /// The day whose rate is used.
    pub on: Option<Expr>,
    /// The whole clause, from `paid`.
    pub span: Span,
}

/// issue 10, splits: `split by TABLE share COL [role COL [overlay "ROLE"]]` after a
/// `credit`: each transaction is credited to the participants of its split rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditSplit {
    /// The split table (joined on the credited table's key).
    pub table: Ident,
    /// Its share column (a percent of the transaction).
    pub share: Ident,
    /// Its role column.
    pub role: Option<Ident>,
    /// The overlay role: its shares are on top of the 100%.
    pub overlay: Option<(String, Span)>,
}

#[cfg(test)]
mod tests {
    use super::BinOp;
    use std::cmp::Ordering::{Equal, Greater, Less};

    /// Each comparison against the three orderings, as read off its symbol: `<=` holds for
    /// Less and Equal, not Greater; arithmetic and logic operators never hold.
    #[test]
    fn comparisons_hold_as_their_symbols_read() {
        let table = [
            (BinOp::Eq, [false, true, false]),
            (BinOp::Ne, [true, false, true]),
            (BinOp::Lt, [true, false, false]),
            (BinOp::Le, [true, true, false]),
            (BinOp::Gt, [false, false, true]),
            (BinOp::Ge, [false, true, true]),
            (BinOp::Add, [false, false, false]),
            (BinOp::And, [false, false, false]),
        ];
        for (op, want) in table {
            let got = [op.holds(Less), op.holds(Equal), op.holds(Greater)];
            assert_eq!(got, want, "{}", op.symbol());
        }
    }
}
