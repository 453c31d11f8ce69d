//! The diagnostics of plan tests (`ignition test`): one variant per situation.

use crate::diagnostics::Typed;
use miette::SourceSpan;

/// Plan tests (§18)
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TestError {
    /// A path given to `test` does not exist.
    #[error("`{path}` does not exist")]
    #[diagnostic(
        code(ignition::test::file),
        help("give a plan, a .test.plan file or a folder (default: plans/)")
    )]
    NoSuchPath {
        /// The path as given.
        path: String,
    },
    /// A folder given to `test` cannot be read.
    #[error("cannot read `{path}`: {error}")]
    #[diagnostic(code(ignition::test::file))]
    ReadFolder {
        /// The folder.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A plan or test file given to `test` (or found in a folder) cannot be read.
    #[error("cannot read `{path}`: {error}")]
    #[diagnostic(code(ignition::test::file))]
    ReadFile {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },

    /// The plan that `tests for "…"` names does not exist (the path is relative to the test
    /// file).
    #[error("the plan `{plan}` that these tests name does not exist")]
    #[diagnostic(
        code(ignition::test::no_plan),
        help("the path is relative to this test file")
    )]
    NoPlan {
        /// The plan as written.
        plan: String,
        /// The path looked for.
        looked_for: String,
        /// The plan's name in the test file.
        #[label("looked for {looked_for}")]
        span: SourceSpan,
    },

    /// A test's rows name an input the plan does not declare.
    #[error("the plan has no input `{table}`")]
    #[diagnostic(code(ignition::test::data))]
    UnknownInput {
        /// The input as written.
        table: String,
        /// The closest input, or the list of inputs.
        #[help]
        help: String,
        /// Where.
        #[label("unknown input")]
        span: SourceSpan,
    },
    /// A row names a column its input does not declare.
    #[error("`{table}` has no column `{column}`")]
    #[diagnostic(code(ignition::test::data))]
    UnknownColumn {
        /// The input.
        table: String,
        /// The column as written.
        column: String,
        /// The closest column, or the list of columns.
        #[help]
        help: String,
        /// Where.
        #[label("unknown column")]
        span: SourceSpan,
    },
    /// A value in a row is not of its column's type.
    #[error("`{column}`: {why}")]
    #[diagnostic(code(ignition::test::data), help("write {expected}"))]
    CellType {
        /// The column.
        column: String,
        /// What is wrong with the value.
        why: String,
        /// The column's type, described.
        expected: String,
        /// The value.
        #[label("value of another type")]
        span: SourceSpan,
    },
    /// A value in a row is negative, and its column is declared `>= 0`.
    #[error("`{column}` is declared `>= 0`, but this value is negative")]
    #[diagnostic(
        code(ignition::test::data),
        help("write a value of at least 0, or declare `{column}` without `>= 0`")
    )]
    Negative {
        /// The column.
        column: String,
        /// The value.
        #[label("negative")]
        span: SourceSpan,
    },
    /// A row lacks a column that has no default.
    #[error("this row of `{table}` has no `{column}` ({ty})")]
    #[diagnostic(
        code(ignition::test::data),
        help("give `{column}: …`, or declare a default in the plan: `{column}: {ty} = …`")
    )]
    MissingColumn {
        /// The input.
        table: String,
        /// The column.
        column: String,
        /// The column's type.
        ty: crate::types::Type,
        /// The row.
        #[label("missing a column")]
        span: SourceSpan,
    },
    /// An input is given both as rows and as a file.
    #[error("`{table}` has both inline rows and a data file")]
    #[diagnostic(code(ignition::test::data), help("give the table's rows one way"))]
    RowsAndFile {
        /// The input.
        table: String,
        /// The file declaration.
        #[label("data file")]
        span: SourceSpan,
    },
    /// A test's data file does not exist. Other errors in a test's data file have the
    /// `ignition::data::…` codes.
    #[error("the data file `{path}` for `{table}` does not exist")]
    #[diagnostic(
        code(ignition::test::data),
        help("the path is relative to this test file: looked for {looked_for}")
    )]
    NoDataFile {
        /// The path as written.
        path: String,
        /// The input.
        table: String,
        /// The path looked for.
        looked_for: String,
        /// The file declaration.
        #[label("no such file")]
        span: SourceSpan,
    },

    /// An expectation names something that is not a KPI, a payout or `total`.
    #[error("the plan has no KPI or payout `{name}`")]
    #[diagnostic(code(ignition::test::unknown_definition))]
    UnknownDefinition {
        /// The name as written.
        name: String,
        /// The closest name, or the list of KPIs and payouts.
        #[help]
        help: String,
        /// Where.
        #[label("unknown name")]
        span: SourceSpan,
    },

    /// An expectation names a participant who is not in the test's data.
    #[error("no participant \"{id}\" in this test's data")]
    #[diagnostic(code(ignition::test::unknown_participant))]
    UnknownParticipant {
        /// The id as written.
        id: String,
        /// The closest id, or the list of the test's participants.
        #[help]
        help: String,
        /// Where.
        #[label("unknown participant")]
        span: SourceSpan,
    },

    /// An expectation names a period the plan does not have.
    #[error("the plan has no period `{period}`")]
    #[diagnostic(
        code(ignition::test::unknown_period),
        help("the periods are: {periods}")
    )]
    UnknownPeriod {
        /// The period as written.
        period: String,
        /// The plan's periods, joined.
        periods: String,
        /// Where.
        #[label("unknown period")]
        span: SourceSpan,
    },

    /// An expected value is not of the type or unit of the value it is compared with.
    #[error("{message}")]
    #[diagnostic(code(ignition::test::value_type), help("write it as {expected}"))]
    WrongValue {
        /// What is wrong, naming the definition.
        message: String,
        /// The definition's type, described.
        expected: String,
        /// The expected value.
        #[label("expected value")]
        span: SourceSpan,
    },
    /// A tolerance (`within`) is not a number, or not of the unit of the value.
    #[error("{message}")]
    #[diagnostic(code(ignition::test::value_type), help("e.g. `within 0.01`"))]
    WrongTolerance {
        /// What is wrong.
        message: String,
        /// The tolerance.
        #[label("tolerance")]
        span: SourceSpan,
    },
    /// `within` is given for text, yes/no or a date.
    #[error("`within` needs a number, and `{name}` is {described}")]
    #[diagnostic(
        code(ignition::test::value_type),
        help("drop `within`: this value is compared exactly")
    )]
    WithinExact {
        /// The definition.
        name: String,
        /// Its type, described.
        described: String,
        /// The tolerance.
        #[label("tolerance")]
        span: SourceSpan,
    },
    /// Text or yes/no is compared with an order operator.
    #[error("`{name}` is {described}, which has no order: `{op}` cannot compare it")]
    #[diagnostic(code(ignition::test::value_type), help("use == or !="))]
    NoOrder {
        /// The definition.
        name: String,
        /// Its type, described.
        described: String,
        /// The operator.
        op: String,
        /// The expectation.
        #[label("comparison")]
        span: SourceSpan,
    },
}

impl Typed for TestError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diag, Severity};

    /// Code, message, labels (offset and text) and help of a diagnostic.
    fn parts(e: TestError) -> (String, String, Vec<(usize, String)>, Option<String>) {
        let d = Diag::from(e);
        assert_eq!(d.severity, Severity::Error);
        let labels = d
            .labels
            .iter()
            .map(|(s, t)| (s.offset(), t.clone()))
            .collect();
        (d.code.to_string(), d.message, labels, d.help)
    }

    #[test]
    fn test_errors_keep_their_words_and_labels() {
        let (code, message, labels, help) = parts(TestError::NoPlan {
            plan: "../p.plan".into(),
            looked_for: "t/../p.plan".into(),
            span: (10, 9).into(),
        });
        assert_eq!(code, "ignition::test::no_plan");
        assert_eq!(
            message,
            "the plan `../p.plan` that these tests name does not exist"
        );
        assert_eq!(labels, [(10, "looked for t/../p.plan".to_string())]);
        assert_eq!(
            help.as_deref(),
            Some("the path is relative to this test file")
        );

        let (code, message, labels, help) = parts(TestError::MissingColumn {
            table: "deals".into(),
            column: "amount".into(),
            ty: crate::types::Type::Money("EUR".into()),
            span: (4, 2).into(),
        });
        assert_eq!(code, "ignition::test::data");
        assert_eq!(message, "this row of `deals` has no `amount` (money(EUR))");
        assert_eq!(labels, [(4, "missing a column".to_string())]);
        assert_eq!(
            help.as_deref(),
            Some("give `amount: …`, or declare a default in the plan: `amount: money(EUR) = …`")
        );

        let (code, message, labels, help) = parts(TestError::NoOrder {
            name: "tier".into(),
            described: "text".into(),
            op: ">".into(),
            span: (0, 1).into(),
        });
        assert_eq!(code, "ignition::test::value_type");
        assert_eq!(
            message,
            "`tier` is text, which has no order: `>` cannot compare it"
        );
        assert_eq!(labels, [(0, "comparison".to_string())]);
        assert_eq!(help.as_deref(), Some("use == or !="));

        let (code, message, labels, help) = parts(TestError::UnknownParticipant {
            id: "r9".into(),
            help: "did you mean \"r1\"?".into(),
            span: (2, 2).into(),
        });
        assert_eq!(code, "ignition::test::unknown_participant");
        assert_eq!(message, "no participant \"r9\" in this test's data");
        assert_eq!(labels, [(2, "unknown participant".to_string())]);
        assert_eq!(help.as_deref(), Some("did you mean \"r1\"?"));

        let (code, message, labels, help) = parts(TestError::ReadFile {
            path: "a.test.plan".into(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        });
        assert_eq!(code, "ignition::test::file");
        assert_eq!(message, "cannot read `a.test.plan`: gone");
        assert!(labels.is_empty());
        assert_eq!(help, None);
    }
}
