//! Data errors: files that cannot be read, headers and cells that do not fit the plan's
//! schemas, rows that are skipped, the roster's hierarchy, and filters that match nothing.
//!
//! The reports of skipped rows and of filters that match nothing are warnings, built as
//! such; `--strict` makes them errors on the rendered [`Diag`] ([`DataError::strict`]).

use crate::diagnostics::{Diag, Severity, Typed};
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use std::fmt;

/// Data
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum DataError {
    /// An input has no file.
    #[error("no data file for input `{input}` ({looked})")]
    #[diagnostic(
        code(ignition::data::file),
        help(
            "pass `--data FOLDER` holding {input}.csv or {input}.parquet, or `--data {input}=PATH`"
        )
    )]
    NoFile {
        /// The input's name.
        input: String,
        /// Where it was looked for.
        looked: String,
    },
    /// An input's file cannot be read, or it is not a regular file (a FIFO, a device, a folder).
    #[error("cannot read `{file}` for input `{input}`: {reason}")]
    #[diagnostic(
        code(ignition::data::file),
        help(
            "pass the file with `--data {input}=PATH`, or put `{input}.csv` or `{input}.parquet` in the --data folder"
        )
    )]
    Unreadable {
        /// The file.
        file: String,
        /// The input's name.
        input: String,
        /// Why.
        reason: String,
    },
    /// Reading a data file fails.
    #[error("error reading `{file}`: {reason}")]
    #[diagnostic(code(ignition::data::file))]
    ReadFailed {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// A data file is empty (it has no header line).
    #[error("`{file}` is empty: it has no header line")]
    #[diagnostic(
        code(ignition::data::empty_file),
        help("the first line names the columns: {columns}")
    )]
    EmptyFile {
        /// The file.
        file: String,
        /// The declared columns, comma-separated.
        columns: String,
    },
    /// The participant table has a header and no rows.
    #[error("`{file}` has no rows: input `{input}` lists the participants, and there are none")]
    #[diagnostic(
        code(ignition::data::empty_roster),
        help("add one row per participant below the header of `{file}` (is it the right file?)")
    )]
    EmptyRoster {
        /// The file.
        file: String,
        /// The participant input.
        input: String,
    },
    /// A data file's lines end in a carriage return only (CR); save it with LF or CRLF line
    /// endings.
    #[error("`{file}`: lines end with a carriage return (CR) only")]
    #[diagnostic(
        code(ignition::data::line_endings),
        help("save the file with LF or CRLF line endings (CR-only is the classic Mac OS format)")
    )]
    LineEndings {
        /// The file.
        file: String,
        /// The first lone CR.
        #[label("a line ends here")]
        span: SourceSpan,
    },
    /// The header has an unterminated quote.
    #[error("`{file}`: the header line has an unterminated quote")]
    #[diagnostic(
        code(ignition::data::header),
        help("the first line names the columns: {columns}")
    )]
    HeaderQuote {
        /// The file.
        file: String,
        /// The declared columns, comma-separated.
        columns: String,
    },
    /// The header names a column twice.
    #[error("`{file}`: column `{column}` appears twice in the header")]
    #[diagnostic(code(ignition::data::header), help("rename or remove one of them"))]
    RepeatedColumn {
        /// The file.
        file: String,
        /// The column named twice.
        column: String,
    },
    /// More than 20 column names appear twice: the count of the others.
    #[error("`{file}`: {more} more column names appear twice ({total} in all)")]
    #[diagnostic(
        code(ignition::data::header),
        help("each column name may appear once in the header")
    )]
    MoreRepeatedColumns {
        /// The file.
        file: String,
        /// Repeated names not shown.
        more: usize,
        /// All repeated names.
        total: usize,
    },
    /// The header is not UTF-8.
    #[error("`{file}`: the header line is not UTF-8: {header}")]
    #[diagnostic(
        code(ignition::data::header),
        help(
            "the file is not UTF-8 (perhaps Latin-1 or Windows-1252): save or export it as UTF-8"
        )
    )]
    HeaderNotUtf8 {
        /// The file.
        file: String,
        /// The header, escaped.
        header: String,
    },
    /// The header lacks a column that the input declares.
    #[error("`{file}` has no column `{column}`, which input `{input}` declares")]
    #[diagnostic(code(ignition::data::missing_column))]
    MissingColumn {
        /// The file.
        file: String,
        /// The declared column.
        column: String,
        /// The input.
        input: String,
        /// The header line.
        #[label("the header")]
        span: SourceSpan,
        /// A close header name, or how to add the column.
        #[help]
        help: String,
    },
    /// Note: header columns that the plan does not declare are ignored.
    #[error("`{file}`: ignoring columns the plan does not declare: {columns}")]
    #[diagnostic(code(ignition::data::extra_columns), severity(Advice))]
    ExtraColumns {
        /// The file.
        file: String,
        /// The columns ignored (the first ten).
        columns: String,
    },
    /// A cell does not parse as its column's type.
    #[error("`{value}` in column `{column}` is not {expected}")]
    #[diagnostic(code(ignition::data::bad_cell))]
    NotOfType {
        /// The cell, quoted.
        value: String,
        /// The column.
        column: String,
        /// What the type expects ("a date").
        expected: &'static str,
        /// The cell.
        #[label("expected {expected}")]
        span: SourceSpan,
        /// How to write a value of the type.
        #[help]
        help: String,
    },
    /// A number cell is malformed: more than 28 significant digits, `.5` or `1.`.
    #[error("`{value}` in column `{column}` {why}")]
    #[diagnostic(code(ignition::data::bad_cell))]
    BadNumber {
        /// The cell, quoted.
        value: String,
        /// The column.
        column: String,
        /// What is wrong with the number.
        why: String,
        /// What the type expects ("a number").
        expected: &'static str,
        /// The cell.
        #[label("expected {expected}")]
        span: SourceSpan,
        /// How to write it.
        #[help]
        help: String,
    },
    /// A cell is not UTF-8.
    #[error("`{value}` in column `{column}` is not UTF-8 text")]
    #[diagnostic(
        code(ignition::data::bad_cell),
        help(
            "the file is not UTF-8 (perhaps Latin-1 or Windows-1252): save or export it as UTF-8"
        )
    )]
    NotUtf8 {
        /// The cell, quoted.
        value: String,
        /// The column.
        column: String,
        /// What the type expects.
        expected: &'static str,
        /// The cell.
        #[label("expected {expected}")]
        span: SourceSpan,
    },
    /// A value in a column declared `>= 0` is negative.
    #[error("`{value}` in column `{column}` is negative, but the plan declares it `>= 0`")]
    #[diagnostic(
        code(ignition::data::bad_cell),
        help(
            "correct the value, or declare `{column}: {ty}` without `>= 0` if it can be negative"
        )
    )]
    Negative {
        /// The cell.
        value: String,
        /// The column.
        column: String,
        /// The column's type.
        ty: String,
        /// The cell.
        #[label("negative")]
        span: SourceSpan,
    },
    /// A required cell is empty.
    #[error("empty value in required column `{column}`")]
    #[diagnostic(
        code(ignition::data::bad_cell),
        help("fill it in, or declare the column optional: `{column}: {ty}?`")
    )]
    EmptyCell {
        /// The column.
        column: String,
        /// The column's type.
        ty: String,
        /// The cell.
        #[label("empty")]
        span: SourceSpan,
    },
    /// A row has another number of fields than the header.
    #[error("this row has {fields} fields but the header has {width}")]
    #[diagnostic(
        code(ignition::data::bad_cell),
        help("check for a missing or extra comma, or quote fields that contain commas")
    )]
    FieldCount {
        /// Fields in the row.
        fields: usize,
        /// Fields in the header.
        width: usize,
        /// The row.
        #[label("this row")]
        span: SourceSpan,
    },
    /// A quoted field is never closed.
    #[error("a quoted field is never closed")]
    #[diagnostic(
        code(ignition::data::bad_cell),
        help("close the quote, or double a quote inside a field (\"\")")
    )]
    UnclosedQuote {
        /// The row.
        #[label("this row")]
        span: SourceSpan,
    },
    /// Text follows the closing quote of a field.
    #[error("text follows a closing quote")]
    #[diagnostic(
        code(ignition::data::bad_cell),
        help("quote the whole field, and double quotes inside it (\"\")")
    )]
    TextAfterQuote {
        /// The row.
        #[label("this row")]
        span: SourceSpan,
    },
    /// More than 20 cells are bad: the count of the others.
    #[error("`{file}`: {more} more bad cells not shown ({total} in all)")]
    #[diagnostic(
        code(ignition::data::bad_cell),
        help("fix the ones shown and run again")
    )]
    MoreBadCells {
        /// The file.
        file: String,
        /// Bad cells not shown.
        more: usize,
        /// All bad cells.
        total: usize,
    },
    /// Warning (error with `--strict`): rows repeating a key were skipped.
    #[error("{file}: {rows} repeat a key already used above and were ignored: {examples}")]
    #[diagnostic(code(ignition::data::duplicate_key), severity(Warning))]
    DuplicateKey {
        /// The file.
        file: String,
        /// "N rows".
        rows: String,
        /// The first few, by line.
        examples: String,
        /// What to do.
        #[help]
        help: String,
    },
    /// Warning (error with `--strict`): credited rows name a participant who is not in the
    /// roster.
    #[error("{file}: {rows} credit a participant who is not in the roster and were not counted: {examples}")]
    #[diagnostic(code(ignition::data::unknown_participant), severity(Warning))]
    UnknownParticipant {
        /// The file.
        file: String,
        /// "N rows".
        rows: String,
        /// The first few, by line.
        examples: String,
        /// What to do.
        #[help]
        help: String,
    },
    /// Warning (error with `--strict`): credited rows have an empty participant cell.
    #[error("{file}: {rows} name no participant and were not counted: {examples}")]
    #[diagnostic(code(ignition::data::no_participant), severity(Warning))]
    NoParticipant {
        /// The file.
        file: String,
        /// "N rows".
        rows: String,
        /// The first few, by line.
        examples: String,
        /// What to do.
        #[help]
        help: String,
    },
    /// Warning (error with `--strict`): credited rows are dated outside the calendar.
    #[error(
        "{file}: {rows} are dated outside the plan's calendar and were not counted: {examples}"
    )]
    #[diagnostic(code(ignition::data::outside_calendar), severity(Warning))]
    OutsideCalendar {
        /// The file.
        file: String,
        /// "N rows".
        rows: String,
        /// The first few, by line.
        examples: String,
        /// What to do.
        #[help]
        help: String,
    },
    /// issue 10, ledger: a row of the history of what was paid names a participant, period
    /// or payout the plan does not have.
    #[error("{file}:{line}: the history of what was paid names the {what} `{value}`, which the plan does not have")]
    #[diagnostic(code(ignition::data::paid_unknown))]
    PaidUnknown {
        /// The history's file.
        file: String,
        /// The row's line.
        line: u32,
        /// `participant`, `period` or `payout`.
        what: String,
        /// The value, quoted.
        value: String,
        /// What to do.
        #[help]
        help: String,
    },
    /// issue 10, ledger: the amounts of the history add up past what a number can hold.
    #[error("{file}:{line}: the amounts paid add up to more than a number can hold")]
    #[diagnostic(
        code(ignition::data::paid_unknown),
        help("check the amounts of the history of what was paid")
    )]
    PaidOverflow {
        /// The history's file.
        file: String,
        /// The row's line.
        line: u32,
    },
    /// A participant's manager id is not in the roster.
    #[error("{file}:{line}: participant `{who}` reports to `{manager}`, who is not in `{input}`")]
    #[diagnostic(
        code(ignition::data::unknown_manager),
        help(
            "add the manager's row, or leave the manager column empty for the top of the hierarchy"
        )
    )]
    UnknownManager {
        /// The roster file.
        file: String,
        /// The participant's line.
        line: u32,
        /// The participant.
        who: String,
        /// The manager's id.
        manager: String,
        /// The participant input.
        input: String,
    },
    /// issue 10, currencies: a participant's pay currency (`paid in COLUMN`) is not an ISO
    /// 4217 code one can be paid in.
    #[error("{file}:{line}: participant {who} is paid in {code}, which is not an ISO 4217 currency code")]
    #[diagnostic(
        code(ignition::data::pay_currency),
        help("write the currency's three capital letters in `{column}`, such as EUR, GBP, JPY{near}: its minor unit (JPY 0 decimals, EUR 2, BHD 3) rounds what is paid")
    )]
    PayCurrency {
        /// The roster file.
        file: String,
        /// The participant's line.
        line: u32,
        /// The participant.
        who: String,
        /// The cell.
        code: String,
        /// The roster's currency column.
        column: String,
        /// The closest codes, for the hint.
        near: String,
    },
    /// The management hierarchy has a cycle (named).
    #[error("{file}: the management hierarchy has a cycle: {chain}")]
    #[diagnostic(
        code(ignition::data::hierarchy_cycle),
        help("someone in this chain must report to a participant outside it, or to nobody")
    )]
    HierarchyCycle {
        /// The roster file.
        file: String,
        /// The participants in the cycle, `a → b → a`.
        chain: String,
    },
    /// A manager history's row in force names a manager id that is
    /// not in the roster.
    #[error("{file}:{line}: participant `{who}` reports to `{manager}`, who is not in `{input}` (the row in force on {day}, the last day of {period})")]
    #[diagnostic(
        code(ignition::data::unknown_manager),
        help(
            "add the manager to the roster, or leave the manager cell empty for the top of the hierarchy"
        )
    )]
    UnknownManagerInForce {
        /// The history file.
        file: String,
        /// The history row's line.
        line: u32,
        /// The participant.
        who: String,
        /// The manager's id.
        manager: String,
        /// The participant input.
        input: String,
        /// The first period the row is in force in.
        period: String,
        /// Its last day.
        day: String,
    },
    /// The hierarchy in force in a period (a manager history) has a cycle (named, with
    /// the period, the day and the history's lines).
    #[error("{file}: the management hierarchy in force on {day} (the last day of {period}) has a cycle: {chain}")]
    #[diagnostic(
        code(ignition::data::hierarchy_cycle),
        help("the rows in force are at lines {lines}: someone in this chain must report to a participant outside it, or to nobody, from that day")
    )]
    HierarchyCycleInForce {
        /// The history file.
        file: String,
        /// The participants in the cycle, `a → b → a`.
        chain: String,
        /// The first period the cycle is in force in.
        period: String,
        /// Its last day.
        day: String,
        /// The lines of the history rows in force that make the cycle.
        lines: String,
    },
    /// Warning: a manager history has rows for ids that are not in the roster: they are not
    /// read, so a misspelt id leaves its participant at the top of the hierarchy.
    #[error("{file}: {count} id(s) of the manager history are not in `{input}` and were not read: {ids}")]
    #[diagnostic(
        code(ignition::data::unknown_participant),
        severity(Warning),
        help("correct the id, or add the participant to the roster")
    )]
    HistoryUnknownParticipant {
        /// The history file.
        file: String,
        /// How many ids.
        count: usize,
        /// The first few.
        ids: String,
        /// The participant input.
        input: String,
    },
    /// Warning (error with `--strict`): a text literal compared with a column by `==` never
    /// occurs in that column's data; the help lists the values that occur and the closest (§6).
    #[error("\"{literal}\" never occurs in column `{column}` of {file}, so this comparison is never true")]
    #[diagnostic(code(ignition::data::unmatched_text), severity(Warning))]
    NeverEqual {
        /// The literal.
        literal: String,
        /// The column.
        column: String,
        /// The file.
        file: String,
        /// The literal in the plan.
        #[label("not in the data")]
        span: SourceSpan,
        /// The values that occur, and the closest.
        #[help]
        help: String,
    },
    /// Warning (error with `--strict`): the same, compared by `!=`.
    #[error("\"{literal}\" never occurs in column `{column}` of {file}, so this comparison is always true")]
    #[diagnostic(code(ignition::data::unmatched_text), severity(Warning))]
    AlwaysUnequal {
        /// The literal.
        literal: String,
        /// The column.
        column: String,
        /// The file.
        file: String,
        /// The literal in the plan.
        #[label("not in the data")]
        span: SourceSpan,
        /// The values that occur, and the closest.
        #[help]
        help: String,
    },
    /// Warning (error with `--strict`): a filtered row set matches no credited row for any
    /// participant in any period (§6).
    #[error("no row of {file} has {filters}: these rows are empty for every participant in every period ({credited} credited)")]
    #[diagnostic(code(ignition::data::empty_filter), severity(Warning))]
    EmptyFilter {
        /// The file.
        file: String,
        /// The filters, as written, joined by `and`.
        filters: String,
        /// "N rows are credited".
        credited: String,
        /// The first filter.
        #[label("no credited row passes this")]
        first: SourceSpan,
        /// The other filters.
        #[label(collection, "and this")]
        others: Vec<SourceSpan>,
        /// What to do.
        #[help]
        help: String,
    },
    // ---- issue 9, reference tables ----
    /// Two rows of a reference table without `effective from` have the same key: a lookup
    /// would not know which to use.
    #[error("{file}:{line}: `{input}` has the key {key} again (first at line {first})")]
    #[diagnostic(
        code(ignition::data::reference_duplicate),
        help("a reference table has one row per key: remove one of the rows, or date them with `effective from`")
    )]
    ReferenceDuplicate {
        /// The file.
        file: String,
        /// The later row's line.
        line: u32,
        /// The earlier row's line.
        first: u32,
        /// The key, quoted (`"EMEA", "AE"`).
        key: String,
        /// The input.
        input: String,
    },
    /// Two rows of an effective-dated reference table have the same key and the same `from`
    /// date.
    #[error("{file}:{line}: `{input}` has two rows{key} in force from {from} (the other at line {first})")]
    #[diagnostic(
        code(ignition::data::reference_same_from),
        help("one row per key is in force from a day: remove one, or correct its date")
    )]
    ReferenceSameFrom {
        /// The file.
        file: String,
        /// The later row's line.
        line: u32,
        /// The earlier row's line.
        first: u32,
        /// ` for ` and the key, quoted; empty for a table without a key.
        key: String,
        /// The shared `from` date.
        from: String,
        /// The input.
        input: String,
    },
    /// Two rows of one key of an effective-dated reference table are in force on the same
    /// days: the earlier row's `to` is on or after the later row's `from`.
    #[error("{file}:{line}: the row{key} in force from {from} overlaps the row at line {first}, in force from {first_from} to {first_to}")]
    #[diagnostic(
        code(ignition::data::reference_overlap),
        help("end the earlier row the day before the later one starts (`to` is inclusive), or leave its `to` empty")
    )]
    ReferenceOverlap {
        /// The file.
        file: String,
        /// The later row's line.
        line: u32,
        /// The earlier row's line.
        first: u32,
        /// ` for ` and the key, quoted; empty for a table without a key.
        key: String,
        /// The later row's `from`.
        from: String,
        /// The earlier row's `from`.
        first_from: String,
        /// The earlier row's `to`.
        first_to: String,
    },
    /// A row of an effective-dated reference table ends before it starts.
    #[error("{file}:{line}: the row{key} ends on {to}, before it starts on {from}")]
    #[diagnostic(
        code(ignition::data::reference_overlap),
        help("`to` is the last day the row is in force: on or after `from`")
    )]
    ReferenceEndsBeforeStart {
        /// The file.
        file: String,
        /// The row's line.
        line: u32,
        /// ` for ` and the key, quoted; empty for a table without a key.
        key: String,
        /// `from`.
        from: String,
        /// `to`.
        to: String,
    },
    /// The header does not split into the declared columns on the delimiter in use, and
    /// another delimiter (`;`, tab, `|`) splits it into more of them: one error naming both,
    /// rather than a `missing_column` per column.
    #[error("`{file}`: the header does not split into the declared columns on {given}; split on {found}, it has {columns} of the {total}")]
    #[diagnostic(code(ignition::data::delimiter))]
    WrongDelimiter {
        /// The file.
        file: String,
        /// The delimiter in use, named.
        given: String,
        /// The delimiter that splits the header better, named.
        found: String,
        /// Declared columns found with `found`.
        columns: usize,
        /// Declared columns.
        total: usize,
        /// The header line.
        #[label("the header")]
        span: SourceSpan,
        /// Which `--delimiter` to pass.
        #[help]
        help: String,
    },
    /// The header is one field on every delimiter tried: the file is separated by a
    /// character Ignition does not detect, or it is not the input's file.
    #[error("`{file}`: the header does not split into the declared columns on any delimiter tried ({given})")]
    #[diagnostic(code(ignition::data::delimiter))]
    NoDelimiter {
        /// The file.
        file: String,
        /// The delimiters tried, named.
        given: String,
        /// The header line.
        #[label("the header")]
        span: SourceSpan,
        /// The columns expected, and `--delimiter`.
        #[help]
        help: String,
    },
    /// A number cell has a decimal comma (`1.234,50`, `1234,50`): numbers are written with a
    /// decimal point.
    #[error("`{value}` in column `{column}` has a decimal comma")]
    #[diagnostic(code(ignition::data::decimal_comma))]
    DecimalComma {
        /// The cell, quoted.
        value: String,
        /// The column.
        column: String,
        /// What the type expects ("an amount").
        expected: &'static str,
        /// The cell.
        #[label("expected {expected} with a decimal point")]
        span: SourceSpan,
        /// The number as it is written, and the export setting.
        #[help]
        help: String,
    },
    /// A number cell like `1,234` has a comma that is a decimal comma or a thousands
    /// separator: the hint gives both readings.
    #[error(
        "`{value}` in column `{column}` has a comma: a decimal comma or a thousands separator"
    )]
    #[diagnostic(code(ignition::data::decimal_comma))]
    AmbiguousComma {
        /// The cell, quoted.
        value: String,
        /// The column.
        column: String,
        /// What the type expects.
        expected: &'static str,
        /// The cell.
        #[label("expected {expected} with a decimal point")]
        span: SourceSpan,
        /// Both readings.
        #[help]
        help: String,
    },
    /// A comma-separated row has more fields than the header and a comma between digits:
    /// a number with a decimal comma (`1234,50`) is split in two.
    #[error("this row has {fields} fields but the header has {width}: a number with a decimal comma splits at its comma")]
    #[diagnostic(
        code(ignition::data::decimal_comma),
        help("write numbers with a decimal point (1234.50): export the file with `.` as the decimal separator")
    )]
    SplitDecimalComma {
        /// Fields in the row.
        fields: usize,
        /// Fields in the header.
        width: usize,
        /// The row.
        #[label("this row")]
        span: SourceSpan,
    },
    /// A date cell has a time (`2026-03-31T23:30:00-05:00`), and the plan has no `timezone`
    /// to say whose day it falls on: never silently UTC.
    #[error("`{value}` in column `{column}` has a time, and the plan does not say in which time zone its day is taken")]
    #[diagnostic(code(ignition::data::timezone))]
    TimestampNeedsZone {
        /// The cell, quoted.
        value: String,
        /// The column.
        column: String,
        /// The cell.
        #[label("a timestamp")]
        span: SourceSpan,
        /// The `timezone` line to add.
        #[help]
        help: String,
    },
    // issue 10, splits
    /// Transactions whose split rows' shares, the overlay role's left out, do not add up
    /// to 100%: each named with its line, its key, the sum and its split rows.
    #[error("{file}: {rows} split in shares that do not add up to 100%: {examples}")]
    #[diagnostic(code(ignition::data::split_shares))]
    SplitShares {
        /// The credited table's file.
        file: String,
        /// "N transactions".
        rows: String,
        /// The first few: line, key, sum, split rows.
        examples: String,
        /// What to do.
        #[help]
        help: String,
    },
    /// Warning (error with `--strict`): transactions of a split credit that no split row
    /// names, so they are credited to nobody.
    #[error("{file}: {rows} have no split rows and were not counted: {examples}")]
    #[diagnostic(code(ignition::data::no_split), severity(Warning))]
    NoSplit {
        /// The credited table's file.
        file: String,
        /// "N rows".
        rows: String,
        /// The first few, by line.
        examples: String,
        /// What to do.
        #[help]
        help: String,
    },
    /// Warning (error with `--strict`): split rows that name no transaction of the
    /// credited table.
    #[error("{file}: {rows} name no transaction and were not counted: {examples}")]
    #[diagnostic(code(ignition::data::orphan_split), severity(Warning))]
    OrphanSplit {
        /// The split table's file.
        file: String,
        /// "N rows".
        rows: String,
        /// The first few, by line.
        examples: String,
        /// What to do.
        #[help]
        help: String,
    },
    // issue 12, sources
    /// The project file (`ignition.toml`) cannot be read.
    #[error("cannot read the project file `{file}`: {reason}")]
    #[diagnostic(
        code(ignition::data::project),
        help("pass another with `--project FILE`, or leave it out and name each input's data with `--data`")
    )]
    ProjectUnreadable {
        /// The project file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The project file is not valid TOML, has a key Ignition does not know, or an input's
    /// entry does not name one source.
    #[error("{file}: {message}")]
    #[diagnostic(code(ignition::data::project))]
    Project {
        /// The project file.
        file: String,
        /// What is wrong.
        message: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
        /// What to write.
        #[help]
        help: String,
    },
    /// The environment variable that holds an input's connection string is not set.
    #[error("input `{input}`: the environment variable `{var}` is not set")]
    #[diagnostic(
        code(ignition::data::source),
        help("set `{var}` to the database's connection string, e.g. postgresql://USER:PASSWORD@HOST:5432/DATABASE (the project file names the variable, so that passwords stay out of files)")
    )]
    NoEnv {
        /// The input.
        input: String,
        /// The variable.
        var: String,
        /// The entry that names it.
        #[label("named here")]
        span: SourceSpan,
    },
    /// A database cannot be opened or reached, refuses the login, or rejects the table or
    /// query: the database's own message.
    #[error("input `{input}`: {what}: {reason}")]
    #[diagnostic(code(ignition::data::source))]
    SourceFailed {
        /// The input.
        input: String,
        /// What was tried ("cannot connect to …").
        what: String,
        /// The database's message.
        reason: String,
        /// The entry.
        #[label("this source")]
        span: SourceSpan,
        /// What to check.
        #[help]
        help: String,
    },
    /// A table or query lacks a column the input declares.
    #[error("{source_name} has no column `{column}`, which input `{input}` declares")]
    #[diagnostic(code(ignition::data::missing_column))]
    SourceMissingColumn {
        /// The table or query, as provenance names it.
        source_name: String,
        /// The declared column.
        column: String,
        /// The input.
        input: String,
        /// The entry.
        #[label("this source")]
        span: SourceSpan,
        /// A close column name, or how to add the column.
        #[help]
        help: String,
    },
    /// A database column's type cannot hold the declared type's values.
    #[error("column `{column}` of {source_name} is {db_type} in the database, but input `{input}` declares it {expected}")]
    #[diagnostic(code(ignition::data::bad_cell))]
    SourceColumnType {
        /// The table or query.
        source_name: String,
        /// The column.
        column: String,
        /// The database's type.
        db_type: String,
        /// The input.
        input: String,
        /// What the plan's type expects ("a date").
        expected: &'static str,
        /// The entry.
        #[label("this source")]
        span: SourceSpan,
        /// How to convert it.
        #[help]
        help: String,
    },
    // issue 12, sources: Parquet files
    /// A Parquet file cannot be read: it is not Parquet, it is truncated or corrupt, or it
    /// is encoded in a way Ignition does not read.
    #[error("cannot read `{file}` as Parquet for input `{input}`: {reason}")]
    #[diagnostic(code(ignition::data::parquet))]
    Parquet {
        /// The file.
        file: String,
        /// The input.
        input: String,
        /// The Parquet reader's message.
        reason: String,
        /// What to check.
        #[help]
        help: String,
    },
    /// A Parquet file lacks a column the input declares.
    #[error("`{file}` has no column `{column}`, which input `{input}` declares")]
    #[diagnostic(code(ignition::data::missing_column))]
    ParquetMissingColumn {
        /// The file.
        file: String,
        /// The declared column.
        column: String,
        /// The input.
        input: String,
        /// A close column name, or how to add the column.
        #[help]
        help: String,
    },
    /// A Parquet column's type cannot hold the declared type's values (a boolean column
    /// for an amount, a number column for a date).
    #[error("column `{column}` of `{file}` is {parquet_type} in the Parquet file, but input `{input}` declares it {expected}")]
    #[diagnostic(code(ignition::data::column_type))]
    ColumnType {
        /// The file.
        file: String,
        /// The column.
        column: String,
        /// The column's Arrow type, as the Parquet reader gives it.
        parquet_type: String,
        /// The input.
        input: String,
        /// What the plan's type expects ("a date").
        expected: &'static str,
        /// How to write it.
        #[help]
        help: String,
    },
    /// A `--data` folder holds both `NAME.csv` and `NAME.parquet`: Ignition does not pick one.
    #[error("input `{input}` has two files in `{dir}`: `{csv}` and `{parquet}`")]
    #[diagnostic(
        code(ignition::data::file),
        help("remove or rename one of them, or name the one to read with `--data {input}=PATH`")
    )]
    TwoFiles {
        /// The input.
        input: String,
        /// The folder.
        dir: String,
        /// The CSV file.
        csv: String,
        /// The Parquet file.
        parquet: String,
    },
}

impl Typed for DataError {}

/// The hint for bytes that are not UTF-8.
pub const NOT_UTF8: &str =
    "the file is not UTF-8 (perhaps Latin-1 or Windows-1252): save or export it as UTF-8";

impl DataError {
    /// The rendered warning, made an error when `strict` (`--strict`).
    pub fn strict(self, strict: bool) -> Diag {
        let mut d = Diag::from(self);
        if strict {
            d.severity = Severity::Error;
        }
        d
    }
}

/// A data error prefixed with where it is in the file (`deals.csv:7:12: …`); its code,
/// help and labels are the error's.
#[derive(Debug)]
pub struct At<'a> {
    /// `file:line:column`.
    pub at: String,
    /// The error.
    pub error: &'a DataError,
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.error)
    }
}

impl std::error::Error for At<'_> {}

impl Diagnostic for At<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.error.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.help()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.error.labels()
    }
}

impl Typed for At<'_> {}
