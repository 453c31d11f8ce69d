//! The errors of reading and parsing a plan file: one variant per situation.

use crate::diagnostics::Typed;
use miette::SourceSpan;

/// Plan file and syntax
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ParseError {
    /// The plan file cannot be read.
    #[error("cannot read plan `{path}`: {error}")]
    #[diagnostic(
        code(ignition::plan::file),
        help("check the path; plan files end in .plan")
    )]
    File {
        /// The path as given.
        path: String,
        /// Why it cannot be read.
        error: std::io::Error,
    },

    /// A folder given to `check` cannot be read.
    #[error("cannot read folder `{path}`: {error}")]
    #[diagnostic(code(ignition::plan::file))]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A folder given to `check`, `test` or `fmt` holds no plan (`*.plan`; for `check`, other than `*.test.plan`).
    #[error("folder `{path}` holds no plan (`*.plan`)")]
    #[diagnostic(
        code(ignition::plan::file),
        help("give plan files, or a folder that holds some")
    )]
    NoPlanInFolder {
        /// The folder.
        path: String,
    },

    /// The text does not follow the grammar. The message says what was expected and what
    /// was found.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(ignition::parse::syntax))]
    Syntax {
        /// What the grammar allows here, in words.
        expected: String,
        /// The token found instead, in words.
        found: String,
        /// Where parsing stopped.
        #[label("unexpected {found}")]
        span: SourceSpan,
        /// A suggestion (a keyword near the word found, or the likely slip).
        #[help]
        help: String,
    },
    /// An operator has no value after it; the message names the operator.
    #[error("expected a value after `{op}`, found {found}")]
    #[diagnostic(code(ignition::parse::syntax))]
    ValueAfter {
        /// The dangling operator.
        op: &'static str,
        /// The token found instead, in words.
        found: String,
        /// Where parsing stopped.
        #[label("unexpected {found}")]
        span: SourceSpan,
        /// A suggestion.
        #[help]
        help: String,
    },
    /// An expression or declaration is far longer than a plan needs (the bound on the
    /// parser's work grows with the file).
    #[error("the plan is too large to parse: an expression or declaration is far longer than a plan needs")]
    #[diagnostic(code(ignition::parse::syntax))]
    TooLarge {
        /// Where parsing stopped.
        #[label("parsing stopped here")]
        span: SourceSpan,
        /// A suggestion.
        #[help]
        help: String,
    },
    /// The parser stopped for another reason, given in its own words.
    #[error("{message}")]
    #[diagnostic(code(ignition::parse::syntax))]
    Other {
        /// The parser's message.
        message: String,
        /// Where parsing stopped.
        #[label("here")]
        span: SourceSpan,
        /// A suggestion.
        #[help]
        help: String,
    },

    /// A date literal is not a real calendar day (`2026-02-30`).
    #[error("`{text}` is not a calendar date")]
    #[diagnostic(
        code(ignition::parse::date),
        help("write dates as YYYY-MM-DD, e.g. 2026-01-31")
    )]
    Date {
        /// The date as written.
        text: String,
        /// Where it is written.
        #[label("no such day")]
        span: SourceSpan,
    },

    /// A number literal has more than 28 significant digits.
    #[error("`{text}` is not a number Ignition can hold exactly")]
    #[diagnostic(
        code(ignition::parse::number),
        help("numbers have at most 28 significant digits")
    )]
    Number {
        /// The number as written.
        text: String,
        /// Where it is written.
        #[label("too many digits")]
        span: SourceSpan,
    },

    /// The parser found nothing at all in the file.
    #[error("the plan file is empty")]
    #[diagnostic(code(ignition::parse::empty))]
    Empty,
    /// The file holds no `plan "…" { … }` block.
    #[error("the plan file holds no `plan \"…\" {{ … }}` block")]
    #[diagnostic(code(ignition::parse::empty))]
    NoPlan,

    /// A command that needs a plan (`check`, `run`, `explain`, `diff`) was given a test
    /// file (`tests for "…"`).
    #[error("this file holds tests for \"{plan}\", not a plan")]
    #[diagnostic(
        code(ignition::parse::not_a_plan),
        help("check the plan itself, or run the tests with `ignition test`")
    )]
    NotAPlan {
        /// The plan the tests are for.
        plan: String,
        /// Where its path is written.
        #[label("the plan it tests")]
        span: SourceSpan,
    },

    /// A rate band has no value after `:`.
    #[error("a band needs a value after `:`")]
    #[diagnostic(code(ignition::parse::band))]
    Band {
        /// The band.
        #[label("here")]
        span: SourceSpan,
    },

    // `where` is a Rust keyword: this one code is written as a string.
    /// A `where` has no condition.
    #[error("`where` needs a condition")]
    #[diagnostic(code("ignition::parse::where"))]
    Where {
        /// The expression ending in `where`.
        #[label("here")]
        span: SourceSpan,
    },

    /// Parentheses are nested more than 200 deep.
    #[error("parentheses are nested more than {max} deep", max = MAX_DEPTH)]
    #[diagnostic(
        code(ignition::parse::too_deep),
        help("split the expression into named kpis or lets")
    )]
    DeepParentheses {
        /// The parenthesis that goes too deep.
        #[label("too deep")]
        span: SourceSpan,
    },
    /// `where` clauses within one declaration are nested more than 200 deep.
    #[error("`where` clauses are nested more than {max} deep", max = MAX_DEPTH)]
    #[diagnostic(
        code(ignition::parse::too_deep),
        help("split the expression into named kpis or lets")
    )]
    DeepWheres {
        /// The `where` that goes too deep.
        #[label("too deep")]
        span: SourceSpan,
    },
    /// A run of `-`, `not`, `.column` or `where` is longer than 200.
    #[error("operators are nested more than {max} deep", max = MAX_DEPTH)]
    #[diagnostic(
        code(ignition::parse::too_deep),
        help("split the expression into named kpis or lets")
    )]
    DeepOperators {
        /// The operator that goes too deep.
        #[label("too deep")]
        span: SourceSpan,
    },
    /// One expression has more than 50,000 operands. The size of a plan is not limited (a
    /// plan of 15,000 definitions or a table of 100,000 bands checks).
    #[error("the expression is too large to parse: it has more than {max} operands", max = MAX_OPERANDS)]
    #[diagnostic(
        code(ignition::parse::too_deep),
        help("split the expression into named kpis or lets")
    )]
    TooManyOperands {
        /// The operator after the last operand allowed.
        #[label("parsing stopped here")]
        span: SourceSpan,
    },

    /// The parse tree lacks a part the grammar requires (a bug).
    #[error(
        "internal error: the parse tree is missing a part the grammar requires; please report this"
    )]
    #[diagnostic(code(ignition::parse::internal))]
    MissingPart,
    /// A literal of the parse tree has no value (a bug).
    #[error("internal error: empty literal")]
    #[diagnostic(code(ignition::parse::internal))]
    EmptyLiteral {
        /// The literal.
        #[label("here")]
        span: SourceSpan,
    },
    /// The parse tree holds a declaration rule the lowering does not know (a bug).
    #[error("internal error: unexpected declaration rule {rule}; please report this")]
    #[diagnostic(code(ignition::parse::internal))]
    UnknownDeclaration {
        /// The grammar rule.
        rule: String,
        /// The declaration.
        #[label("here")]
        span: SourceSpan,
    },
    /// The parse tree holds a literal rule the lowering does not know (a bug).
    #[error("internal error: unexpected literal rule {rule}; please report this")]
    #[diagnostic(code(ignition::parse::internal))]
    UnknownLiteral {
        /// The grammar rule.
        rule: String,
        /// The literal.
        #[label("here")]
        span: SourceSpan,
    },
    // issue 9, conditionals
    /// `if` expressions within one declaration are nested more than 200 deep (an `else if`
    /// chain nests one `if` per link).
    #[error("`if` expressions are nested more than {max} deep", max = MAX_DEPTH)]
    #[diagnostic(
        code(ignition::parse::too_deep),
        help("split the chain into named kpis or lets, or use a `rates` table for many bands")
    )]
    DeepIfs {
        /// The `if` that goes too deep.
        #[label("too deep")]
        span: SourceSpan,
    },
}

impl Typed for ParseError {}

/// Nesting deeper than any plan needs would exhaust the stack of the recursive passes:
/// parentheses, `where` inside `where`, runs of `-`/`not`, chains of `.column`/`where`.
pub const MAX_DEPTH: usize = 200;
/// Operands of one expression (`a + b + …`): a longer chain is as deep as it is long.
pub const MAX_OPERANDS: usize = 50_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diag, Severity};

    #[test]
    fn folders_given_to_check_keep_their_words() {
        let d: Diag = ParseError::Folder {
            path: "plans".into(),
            error: std::io::Error::other("denied"),
        }
        .into();
        assert_eq!(
            (d.code.as_ref(), d.message.as_str(), d.help),
            (
                "ignition::plan::file",
                "cannot read folder `plans`: denied",
                None
            )
        );
        let d: Diag = ParseError::NoPlanInFolder {
            path: "plans".into(),
        }
        .into();
        assert_eq!(
            (d.code.as_ref(), d.message.as_str(), d.help.as_deref()),
            (
                "ignition::plan::file",
                "folder `plans` holds no plan (`*.plan`)",
                Some("give plan files, or a folder that holds some")
            )
        );
    }

    #[test]
    fn variants_render_as_before() {
        let d: Diag = ParseError::Date {
            text: "2026-02-30".into(),
            span: (3, 10).into(),
        }
        .into();
        assert_eq!(d.code, "ignition::parse::date");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.message, "`2026-02-30` is not a calendar date");
        assert_eq!(d.labels[0].1, "no such day");
        assert_eq!(
            d.help.as_deref(),
            Some("write dates as YYYY-MM-DD, e.g. 2026-01-31")
        );
        let d: Diag = ParseError::DeepParentheses {
            span: (0, 1).into(),
        }
        .into();
        assert_eq!(d.message, "parentheses are nested more than 200 deep");
        let d: Diag = ParseError::TooManyOperands {
            span: (0, 1).into(),
        }
        .into();
        assert_eq!(
            d.message,
            "the expression is too large to parse: it has more than 50000 operands"
        );
        let d: Diag = ParseError::NoPlan.into();
        assert_eq!(d.message, "the plan file holds no `plan \"…\" { … }` block");
        assert!(d.labels.is_empty() && d.help.is_none());
        let d: Diag = ParseError::Syntax {
            expected: "a value".into(),
            found: "`}`".into(),
            span: (5, 1).into(),
            help: "h".into(),
        }
        .into();
        assert_eq!(d.message, "expected a value, found `}`");
        assert_eq!(d.labels[0].1, "unexpected `}`");
        assert_eq!(d.help.as_deref(), Some("h"));
    }
}
