//! The diagnostics of the command line, `diff` and `fmt`: one variant per situation.

use crate::diagnostics::Typed;

/// Command line
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CliError {
    /// `explain --rows` is not a number or `all`.
    #[error("--rows takes a number or `all`, not `{value}`")]
    #[diagnostic(code(ignition::cli::argument), help("e.g. --rows 25 or --rows all"))]
    Rows {
        /// The value given.
        value: String,
    },
    /// `explain --format html` is given without `-o`.
    #[error("an HTML explanation needs a file")]
    #[diagnostic(code(ignition::cli::argument), help("add `-o explanation.html`"))]
    HtmlNeedsFile,
    /// `diff --fail-over` is not an amount or a share.
    #[error("--fail-over takes an amount like 5000 or a share like 2%, not `{value}`")]
    #[diagnostic(
        code(ignition::cli::argument),
        help("e.g. --fail-over 2% or --fail-over 10000")
    )]
    FailOver {
        /// The value given.
        value: String,
    },
    /// `diff --explain` is given with a `--format` other than `table`.
    #[error("--explain shows trees side by side, so it needs the table format")]
    #[diagnostic(
        code(ignition::cli::argument),
        help("drop --format, or explain the participant with `ignition explain` on each plan")
    )]
    ExplainNeedsTable,
    /// A `diff` is given neither a new plan nor `--new-data`.
    #[error("nothing to compare: give a new plan, or --new-data")]
    #[diagnostic(
        code(ignition::cli::argument),
        help("ignition diff OLD.plan NEW.plan --data D, ignition diff PLAN --data OLD --new-data NEW, or ignition diff PLAN --data D --set NAME=VALUE")
    )]
    NothingToCompare,

    // issue 11, monitoring during a period
    /// `--as-of` names a day outside the plan's calendar.
    #[error("--as-of {date} is outside the plan's periods, {first} to {last}")]
    #[diagnostic(
        code(ignition::cli::argument),
        help("give a day from {first} to {last}")
    )]
    AsOfOutside {
        date: String,
        first: String,
        last: String,
    },

    /// `--period` names a period the plan does not have. The hint lists the periods.
    #[error("the plan has no period `{period}`")]
    #[diagnostic(code(ignition::cli::unknown_period))]
    UnknownPeriod {
        /// The period as given.
        period: String,
        /// The closest period and the list of periods.
        #[help]
        help: String,
    },

    /// `--participant` (or `diff --explain`) names an id that is not in the roster.
    #[error("no participant has the id `{id}`")]
    #[diagnostic(code(ignition::cli::unknown_participant))]
    UnknownParticipant {
        /// The id as given.
        id: String,
        /// The closest ids.
        #[help]
        help: String,
    },

    /// `explain` names a definition that the plan does not have.
    #[error("the plan defines nothing called `{name}`")]
    #[diagnostic(code(ignition::cli::unknown_definition))]
    UnknownDefinition {
        /// The name as given.
        name: String,
        /// The closest name, or the list of definitions.
        #[help]
        help: String,
    },

    /// Stdout cannot be written (other than a closed pipe, which ends the program quietly).
    #[error("cannot write the output: {error}")]
    #[diagnostic(code(ignition::cli::output), help("check the path and permissions"))]
    WriteStdout {
        /// Why.
        error: String,
    },
    /// The output file (`-o FILE`) cannot be written.
    #[error("cannot write `{path}`: {error}")]
    #[diagnostic(code(ignition::cli::output), help("check the path and permissions"))]
    WriteFile {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// The `--explain-dir` folder cannot be created.
    #[error("cannot create `{path}`: {error}")]
    #[diagnostic(code(ignition::cli::output), help("check the folder and permissions"))]
    CreateFolder {
        /// The folder.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A file in the `--explain-dir` folder cannot be written.
    #[error("cannot write `{path}`: {error}")]
    #[diagnostic(code(ignition::cli::output), help("check the folder and permissions"))]
    WriteExplanation {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// Two `--explain-dir` file names differ only in case (§19).
    #[error(
        "participants `{first}` and `{second}` would share the explanation file `{file}` on a file system that ignores case"
    )]
    #[diagnostic(code(ignition::cli::output), help("check the folder and permissions"))]
    CaseCollision {
        /// The participant listed first.
        first: String,
        /// The other participant.
        second: String,
        /// The first one's file name.
        file: String,
    },

    // issue 10, statements
    /// `statement --format html`, or several statements as JSON, without `-o DIR`.
    #[error("{what} needs a folder")]
    #[diagnostic(
        code(ignition::cli::argument),
        help("add `-o DIR`: one file per participant and period is written there (JSON of one statement, with --participant, and CSV can go to stdout)")
    )]
    StatementNeedsFolder {
        /// What was asked for.
        what: String,
    },
    /// Two statement file names differ only in case.
    #[error(
        "participants `{first}` and `{second}` would share the statement file `{file}` on a file system that ignores case"
    )]
    #[diagnostic(
        code(ignition::cli::output),
        help("write their statements one at a time with --participant, into different folders")
    )]
    StatementCaseCollision {
        /// The participant listed first.
        first: String,
        /// The other participant.
        second: String,
        /// The first one's file name.
        file: String,
    },

    /// `init` would overwrite a file: it writes nothing then.
    #[error("`{path}` already exists, and `init` does not overwrite files")]
    #[diagnostic(
        code(ignition::cli::init),
        help("start in a new folder (`ignition init demo`), or move the file away")
    )]
    InitExists {
        /// The file.
        path: String,
    },
    /// A file or folder of `init` cannot be written.
    #[error("cannot write `{path}`: {error}")]
    #[diagnostic(code(ignition::cli::init), help("check the folder and permissions"))]
    InitWrite {
        /// The file or folder.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    // issue 11, views
    /// `run --columns` names something the plan does not report. The hint gives the
    /// closest name and the columns there are.
    #[error("the plan reports no column `{name}`")]
    #[diagnostic(code(ignition::cli::columns))]
    UnknownColumn {
        /// The name as given.
        name: String,
        /// The closest name and the list of columns.
        #[help]
        help: String,
    },
    /// `run --team` names an id that is not in the roster, or the plan has no hierarchy
    /// (`participants … managed by …`).
    #[error("no team `{id}`: {why}")]
    #[diagnostic(code(ignition::cli::team))]
    UnknownTeam {
        /// The id as given.
        id: String,
        /// What is wrong.
        why: String,
        /// The closest ids, or how to declare the hierarchy.
        #[help]
        help: String,
    },
    // issue 11, dashboard
    /// `dashboard --format xlsx` writes a binary workbook: it needs a file, not stdout.
    #[error("--format xlsx needs a file to write to")]
    #[diagnostic(code(ignition::cli::argument), help("add `-o dashboard.xlsx`"))]
    XlsxNeedsFile,
    /// The XLSX workbook could not be built (a sheet or cell the format refuses).
    #[error("cannot write the workbook: {reason}")]
    #[diagnostic(code(ignition::cli::output), help("write CSV instead: `--format csv`"))]
    Workbook {
        /// What the writer said.
        reason: String,
    },
    /// issue 12, sources: neither `--data` nor a project file says where the inputs are.
    #[error("no data: no `--data` was given, and there is no project file `{project}`")]
    #[diagnostic(
        code(ignition::cli::argument),
        help("pass `--data FOLDER` (one NAME.csv per input) or `--data NAME=PATH`, or write an `ignition.toml` beside the plan naming each input's file or database table (docs/data-sources.md)")
    )]
    NoData {
        /// Where the project file was looked for.
        project: String,
    },
    /// `--delimiter` is not one punctuation character, `tab`, `comma`, `semicolon` or `pipe`.
    #[error("--delimiter takes one character such as `;`, or `tab`, not `{value}`")]
    #[diagnostic(
        code(ignition::cli::argument),
        help("e.g. --delimiter ';', --delimiter tab, or --delimiter deals=';' for one input; without it, each file's delimiter is detected from its header")
    )]
    Delimiter {
        /// The value given.
        value: String,
    },
    /// `--delimiter NAME=CHAR` names an input the plan does not have.
    #[error("--delimiter names `{input}`, which is not an input of the plan")]
    #[diagnostic(code(ignition::cli::argument))]
    DelimiterInput {
        /// The name given.
        input: String,
        /// The closest input, or the list.
        #[help]
        help: String,
    },
}

impl Typed for CliError {}

/// Diff (§19)
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DiffError {
    /// The two plans declare their inputs differently (an input or column in one only, or
    /// another type or `?`), so they cannot read the same data.
    #[error("the two plans read their inputs differently: {why}")]
    #[diagnostic(
        code(ignition::diff::schema),
        help("compare plans with the same input schemas, or give the new plan its own data with --new-data")
    )]
    Schema {
        /// The first difference.
        why: String,
    },

    /// The cost of the change cannot be added up exactly: payouts that are fractions (a plan
    /// without `rounding`) summed past an exact number's limit (65,536 bits). Give the plan
    /// a `rounding` line.
    #[error(
        "the cost of the change cannot be added up exactly: the payouts are fractions whose sum outgrew an exact number"
    )]
    #[diagnostic(
        code(ignition::diff::too_large),
        help("give the plan a `rounding payouts to 0.01 …` line, so that payouts are amounts in cents")
    )]
    TooLarge,
}

impl Typed for DiffError {}

/// Formatting (§19)
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum FmtError {
    /// A path given to `fmt` does not exist.
    #[error("`{path}` does not exist")]
    #[diagnostic(
        code(ignition::fmt::file),
        help("give plans, .test.plan files or folders")
    )]
    NoSuchPath {
        /// The path as given.
        path: String,
    },
    /// A folder given to `fmt` cannot be read.
    #[error("cannot read `{path}`: {error}")]
    #[diagnostic(code(ignition::fmt::file))]
    ReadFolder {
        /// The folder.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A file given to `fmt` (or found in a folder) cannot be read.
    #[error("cannot read `{path}`: {error}")]
    #[diagnostic(code(ignition::fmt::file))]
    ReadFile {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A formatted file cannot be written back.
    #[error("cannot write `{path}`: {error}")]
    #[diagnostic(code(ignition::fmt::file))]
    WriteFile {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
}

impl Typed for FmtError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diag, Severity};

    fn io() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied")
    }

    /// Code, message and help of a diagnostic.
    fn parts(d: impl Into<Diag>) -> (String, String, Option<String>) {
        let d: Diag = d.into();
        assert_eq!(d.severity, Severity::Error);
        assert!(d.labels.is_empty());
        (d.code.to_string(), d.message, d.help)
    }

    fn expect(d: impl Into<Diag>, code: &str, message: &str, help: Option<&str>) {
        assert_eq!(
            parts(d),
            (
                code.to_string(),
                message.to_string(),
                help.map(str::to_string)
            )
        );
    }

    #[test]
    fn command_line_errors_keep_their_words() {
        let arg = "ignition::cli::argument";
        expect(
            CliError::Rows { value: "x".into() },
            arg,
            "--rows takes a number or `all`, not `x`",
            Some("e.g. --rows 25 or --rows all"),
        );
        expect(
            CliError::FailOver {
                value: "lots".into(),
            },
            arg,
            "--fail-over takes an amount like 5000 or a share like 2%, not `lots`",
            Some("e.g. --fail-over 2% or --fail-over 10000"),
        );
        expect(
            CliError::UnknownPeriod {
                period: "Q9".into(),
                help: "the periods are: Q1".into(),
            },
            "ignition::cli::unknown_period",
            "the plan has no period `Q9`",
            Some("the periods are: Q1"),
        );
        expect(
            CliError::WriteFile {
                path: "out.csv".into(),
                error: io(),
            },
            "ignition::cli::output",
            "cannot write `out.csv`: denied",
            Some("check the path and permissions"),
        );
        expect(
            CliError::CreateFolder {
                path: "x".into(),
                error: io(),
            },
            "ignition::cli::output",
            "cannot create `x`: denied",
            Some("check the folder and permissions"),
        );
        expect(
            CliError::CaseCollision {
                first: "R1".into(),
                second: "r1".into(),
                file: "R1_Q1.json".into(),
            },
            "ignition::cli::output",
            "participants `R1` and `r1` would share the explanation file `R1_Q1.json` on a file system that ignores case",
            Some("check the folder and permissions"),
        );
    }

    #[test]
    fn diff_and_fmt_errors_keep_their_words() {
        expect(
            DiffError::Schema {
                why: "`deals` is only in the old plan".into(),
            },
            "ignition::diff::schema",
            "the two plans read their inputs differently: `deals` is only in the old plan",
            Some("compare plans with the same input schemas, or give the new plan its own data with --new-data"),
        );
        expect(
            DiffError::TooLarge,
            "ignition::diff::too_large",
            "the cost of the change cannot be added up exactly: the payouts are fractions whose sum outgrew an exact number",
            Some("give the plan a `rounding payouts to 0.01 …` line, so that payouts are amounts in cents"),
        );
        expect(
            FmtError::NoSuchPath { path: "p".into() },
            "ignition::fmt::file",
            "`p` does not exist",
            Some("give plans, .test.plan files or folders"),
        );
        expect(
            FmtError::WriteFile {
                path: "a.plan".into(),
                error: io(),
            },
            "ignition::fmt::file",
            "cannot write `a.plan`: denied",
            None,
        );
    }
}
