//! issue 12, sources: what the database sources (SQLite, PostgreSQL) share. A database
//! hands over each value with its database type; the value is checked by the column's
//! declared type with the same cell rules as a CSV file (`cells.rs`: required, `>= 0`,
//! dates, percents, 28 digits), and each bad value is reported with its row and key.
//! Floating-point values are taken only when they are exactly a short decimal.

use super::cells;
use super::error::{At, DataError};
use super::project::{Database, Project};
use super::table::{Chunk, ChunkColumn, Storage, TableBuilder};
use crate::diagnostics::{quote, Diag, SourceFile};
use crate::ir::TableSchema;
use crate::types::Type;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Rows stored per chunk.
const CHUNK_ROWS: usize = 1 << 16;
/// Bad cells shown; the rest are counted.
const MAX_ERRORS: usize = 20;

/// A database value's type, as far as reading it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (TEXT, VARCHAR, …; in PostgreSQL also any type read as its text, such as uuid).
    Text,
    /// A whole number (INTEGER, BIGINT, …).
    Integer,
    /// A floating-point number (REAL, DOUBLE PRECISION): exact only when it is a short decimal.
    Real,
    /// An exact decimal (PostgreSQL NUMERIC).
    Numeric,
    /// A date, as `YYYY-MM-DD`.
    Date,
    /// A timestamp without a time zone (a local time in the plan's zone).
    Timestamp,
    /// A timestamp with a time zone (read in UTC, then taken in the plan's zone).
    TimestampTz,
    /// A boolean (`t`/`f` in PostgreSQL's text).
    Bool,
    /// Bytes (BLOB, bytea), or a type Ignition does not read as a value other than text.
    Other,
}

impl Kind {
    /// Whether a column of this kind can hold values of the declared type.
    pub fn fits(self, ty: &Type) -> bool {
        match (self, ty) {
            (Kind::Other, Type::Text) => true,
            (Kind::Other, _) => false,
            (_, Type::Text) => true,
            (Kind::Text, _) => true,
            (Kind::Date | Kind::Timestamp | Kind::TimestampTz, Type::Date) => true,
            (Kind::Bool | Kind::Integer, Type::Bool) => true,
            (Kind::Integer | Kind::Real | Kind::Numeric, t) => {
                !matches!(t, Type::Date | Type::Bool)
            }
            _ => false,
        }
    }

    /// How to store a value of the declared type instead, for a column of this kind.
    fn fix(self, ty: &Type) -> &'static str {
        match (self, ty) {
            (Kind::Integer | Kind::Real | Kind::Numeric, Type::Date) => {
                "store dates as DATE or as text YYYY-MM-DD (a number of days or seconds does not say from when), or convert them in a query"
            }
            (Kind::Other, _) => {
                "store the values as text or as the declared type, or convert them in a query (CAST(x AS TEXT))"
            }
            (_, Type::Bool) => "store yes/no as a boolean, as 0/1, or as text true/false",
            _ => "convert the column in a query, e.g. CAST(x AS TEXT), or declare the input's column with the type the database holds",
        }
    }
}

/// A floating-point value as the exact decimal it was written as: the shortest text that
/// reads back as the same double, if it has at most 15 significant digits (every such
/// decimal reads back to itself, so nothing is rounded). `None`: not exact (a computed
/// `0.30000000000000004`, or more digits than a double keeps).
pub fn exact_float(text: &str) -> Option<String> {
    let f: f64 = text.trim().parse().ok()?;
    if !f.is_finite() {
        return None;
    }
    let s = format!("{f}");
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').len();
    (significant <= 15).then_some(s)
}

/// A checked value.
pub(super) enum Parsed {
    Text,
    Num(Decimal),
    Date(i32),
    Bool(bool),
}

/// Why a value was refused.
pub(super) enum Refused {
    /// The declared type's usual words, with this hint.
    Hint(String),
    /// A malformed number (`cells::number_problem`): what it is, what to write.
    Number(String, String),
    /// A timestamp, and the plan names no time zone (its own offset, if written).
    NeedsZone(Option<String>),
}

/// What the declared type expects ("a date"), and how to write a value of it.
pub(super) fn type_words(ty: &Type) -> (&'static str, &'static str) {
    match ty {
        Type::Integer => ("an integer", "write a whole number like 12"),
        Type::Number => ("a number", "write a plain decimal like 1234.5"),
        Type::Percent => ("a percent", "write 20% or the fraction 0.2"),
        Type::Money(_) => (
            "an amount",
            "write a plain decimal like 1234.50, without currency symbols or thousands separators",
        ),
        Type::Days => ("a number of days", "write a number like 30"),
        Type::Date => (
            "a date",
            "write dates as YYYY-MM-DD, e.g. 2026-01-31, or timestamps as 2026-01-31T17:00:00+01:00",
        ),
        Type::Bool => ("yes/no", "write true or false"),
        _ => ("text", "store it as UTF-8 text"),
    }
}

const INEXACT: &str = "a floating-point (REAL/DOUBLE) value is exact only when it is a decimal of at most 15 significant digits, and this one is not: store amounts as TEXT, or as NUMERIC with a fixed scale in PostgreSQL (numeric(14,2)), or round them in a query; Ignition never rounds data silently";

/// Check one value of kind `kind` (its text as the database gives it) by the declared type.
pub(super) fn parse(ty: &Type, kind: Kind, text: &str, tz: Option<i32>) -> Result<Parsed, Refused> {
    let cell = text.trim().as_bytes();
    let words = || Refused::Hint(type_words(ty).1.to_string());
    if !kind.fits(ty) {
        return Err(Refused::Hint(kind.fix(ty).to_string()));
    }
    // A floating-point value stands for the short decimal it reads back as, or is refused.
    let exact;
    let cell = if kind == Kind::Real && *ty != Type::Text {
        exact = exact_float(text).ok_or_else(|| Refused::Hint(INEXACT.to_string()))?;
        exact.as_bytes()
    } else {
        cell
    };
    let number = |v: Option<Decimal>| {
        v.ok_or_else(|| match cells::number_problem(cell) {
            Some((why, fix)) => Refused::Number(why, fix),
            None => match cells::comma_number(cell) {
                Some((Some(true) | None, fix, _)) => Refused::Hint(format!(
                    "Ignition reads numbers with a decimal point: write {fix}, or convert the column in a query"
                )),
                Some((Some(false), fix, _)) => {
                    Refused::Hint(format!("write {fix}, without thousands separators"))
                }
                None => words(),
            },
        })
    };
    match ty {
        Type::Text => Ok(Parsed::Text),
        Type::Date => match kind {
            Kind::Timestamp | Kind::TimestampTz => cells::timestamp(cell, tz)
                .map(Parsed::Date)
                .map_err(|e| match e {
                    cells::Stamp::NeedsZone(own) => Refused::NeedsZone(own),
                    cells::Stamp::Bad => words(),
                }),
            _ => match cells::date(cell) {
                Some(d) => Ok(Parsed::Date(d)),
                None => cells::timestamp(cell, tz)
                    .map(Parsed::Date)
                    .map_err(|e| match e {
                        cells::Stamp::NeedsZone(own) => Refused::NeedsZone(own),
                        cells::Stamp::Bad => words(),
                    }),
            },
        },
        Type::Bool => match (kind, cell) {
            (Kind::Bool, b"t") => Ok(Parsed::Bool(true)),
            (Kind::Bool, b"f") => Ok(Parsed::Bool(false)),
            (Kind::Integer, b"0" | b"1") | (Kind::Text, _) => {
                cells::boolean(cell).map(Parsed::Bool).ok_or_else(words)
            }
            _ => Err(words()),
        },
        Type::Integer => {
            let v = match kind {
                // `12.00` from a NUMERIC or `12` from a double: a whole number.
                Kind::Numeric | Kind::Real => cells::decimal(cell).filter(|d| d.fract().is_zero()),
                _ => cells::integer(cell),
            };
            number(v.map(|d| d.normalize())).map(Parsed::Num)
        }
        Type::Percent => match kind {
            Kind::Text => number(cells::percent(cell)).map(Parsed::Num),
            _ => number(cells::decimal(cell)).map(Parsed::Num),
        },
        _ => number(cells::decimal(cell)).map(Parsed::Num),
    }
}

/// The error for a value of column `column` (declared `ty`) that [`parse`] refused.
pub(super) fn refusal(
    why: Refused,
    ty: &Type,
    text: &str,
    column: &str,
    span: miette::SourceSpan,
) -> DataError {
    let (expected, _) = type_words(ty);
    let value = quote(text.as_bytes());
    let column = column.to_string();
    match why {
        Refused::Hint(help) => DataError::NotOfType {
            value,
            column,
            expected,
            span,
            help,
        },
        Refused::Number(why, help) => DataError::BadNumber {
            value,
            column,
            why,
            expected,
            span,
            help,
        },
        Refused::NeedsZone(own) => {
            let example = own.as_deref().map_or("+01:00", |z| match z {
                "Z" | "z" | "+00" | "+00:00" => "UTC",
                z => z,
            });
            DataError::TimestampNeedsZone {
                value,
                column,
                span,
                help: format!(
                    "add `timezone {example}` to the plan's header: the day of a timestamp depends on the zone, and Ignition does not pick one"
                ),
            }
        }
    }
}

/// One column's values while a chunk is gathered.
enum Buf {
    Text {
        map: FxHashMap<Vec<u8>, u32>,
        new: Vec<Vec<u8>>,
        syms: Vec<u32>,
    },
    Raw {
        bytes: Vec<u8>,
        ends: Vec<u64>,
    },
    Num(Vec<Decimal>),
    Date(Vec<i32>),
    Bool(Vec<bool>),
}

/// A bad value, kept to be reported.
pub(super) struct Bad {
    pub(super) at: String,
    pub(super) row: u32,
    pub(super) excerpt: Vec<u8>,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) error: DataError,
}

/// The first bad values of a source (`name`) as located diagnostics, and how many more
/// there were: a database table or query, or a Parquet file.
pub(super) fn bad_values(name: &str, bad: &[Bad], count: usize) -> Vec<Diag> {
    let mut diags: Vec<Diag> = bad
        .iter()
        .map(|b| {
            let (src, _) = SourceFile::data_line(
                name,
                &b.excerpt,
                b.row as usize,
                b.start,
                b.end.max(b.start + 1),
            );
            Diag::from(At {
                at: b.at.clone(),
                error: &b.error,
            })
            .in_source(&src)
        })
        .collect();
    if count > diags.len() {
        diags.push(
            DataError::MoreBadCells {
                file: name.to_string(),
                more: count - diags.len(),
                total: count,
            }
            .into(),
        );
    }
    diags
}

/// Rows of a database source gathered into a table: each value checked, each bad value
/// reported with its row and key.
pub struct Rows<'a> {
    schema: &'a TableSchema,
    /// The table or query, as provenance names it.
    name: String,
    timezone: Option<i32>,
    bufs: Vec<Buf>,
    present: Vec<Option<Vec<bool>>>,
    lines: Vec<u32>,
    bad: Vec<Bad>,
    bad_count: usize,
    parsed: Vec<Option<Parsed>>,
}

impl<'a> Rows<'a> {
    /// Gather rows of `schema` from the source named `name` (`crm.db table deals`).
    pub fn new(
        schema: &'a TableSchema,
        storage: &[Storage],
        name: &str,
        timezone: Option<i32>,
    ) -> Rows<'a> {
        let mut rows = Rows {
            schema,
            name: name.to_string(),
            timezone,
            bufs: Vec::new(),
            present: Vec::new(),
            lines: Vec::new(),
            bad: Vec::new(),
            bad_count: 0,
            parsed: (0..schema.columns.len()).map(|_| None).collect(),
        };
        rows.reset(storage);
        rows
    }

    fn reset(&mut self, storage: &[Storage]) {
        self.bufs = self
            .schema
            .columns
            .iter()
            .zip(storage)
            .map(|(c, s)| match (&c.ty, s) {
                (Type::Text, Storage::Interned) => Buf::Text {
                    map: FxHashMap::default(),
                    new: Vec::new(),
                    syms: Vec::new(),
                },
                (Type::Text, Storage::Raw) => Buf::Raw {
                    bytes: Vec::new(),
                    ends: Vec::new(),
                },
                (Type::Date, _) => Buf::Date(Vec::new()),
                (Type::Bool, _) => Buf::Bool(Vec::new()),
                _ => Buf::Num(Vec::new()),
            })
            .collect();
        self.present = self
            .schema
            .columns
            .iter()
            .map(|c| c.optional.then(Vec::new))
            .collect();
        self.lines.clear();
    }

    /// Add row number `row` (1-based, in the source's order): per schema column, its kind
    /// and text (`None`: NULL). A row with a bad value is reported and left out.
    pub fn push(&mut self, out: &mut TableBuilder<'_>, row: u32, cells: &[(Kind, Option<&str>)]) {
        let mut ok = true;
        for (ci, col) in self.schema.columns.iter().enumerate() {
            let (kind, text) = cells[ci];
            self.parsed[ci] = None;
            let text = match text {
                Some(t) if !(kind == Kind::Text && t.trim().is_empty()) => t,
                _ => {
                    if !col.optional {
                        ok = false;
                        self.report(row, cells, ci, |span| DataError::EmptyCell {
                            column: col.name.clone(),
                            ty: col.ty.to_string(),
                            span,
                        });
                    }
                    continue;
                }
            };
            match parse(&col.ty, kind, text, self.timezone) {
                Ok(p) => {
                    if col.nonneg
                        && matches!(&p, Parsed::Num(n) if n.is_sign_negative() && !n.is_zero())
                    {
                        ok = false;
                        self.report(row, cells, ci, |span| DataError::Negative {
                            value: text.to_string(),
                            column: col.name.clone(),
                            ty: col.ty.to_string(),
                            span,
                        });
                    }
                    self.parsed[ci] = Some(p);
                }
                Err(why) => {
                    ok = false;
                    self.report(row, cells, ci, |span| {
                        refusal(why, &col.ty, text, &col.name, span)
                    });
                }
            }
        }
        if !ok {
            return;
        }
        for (ci, &(_, text)) in cells.iter().enumerate().take(self.schema.columns.len()) {
            let parsed = self.parsed[ci].take();
            if let Some(p) = &mut self.present[ci] {
                p.push(parsed.is_some());
            }
            let text = text.unwrap_or("").trim().as_bytes();
            match &mut self.bufs[ci] {
                Buf::Text { map, new, syms } => {
                    let sym = match map.get(text) {
                        Some(&s) => s,
                        None => {
                            let s = new.len() as u32;
                            new.push(text.to_vec());
                            map.insert(text.to_vec(), s);
                            s
                        }
                    };
                    syms.push(sym);
                }
                Buf::Raw { bytes, ends } => {
                    if parsed.is_some() {
                        bytes.extend_from_slice(text);
                    }
                    ends.push(bytes.len() as u64);
                }
                Buf::Num(v) => v.push(match parsed {
                    Some(Parsed::Num(n)) => n,
                    _ => Decimal::ZERO,
                }),
                Buf::Date(v) => v.push(match parsed {
                    Some(Parsed::Date(d)) => d,
                    _ => 0,
                }),
                Buf::Bool(v) => v.push(matches!(parsed, Some(Parsed::Bool(true)))),
            }
        }
        self.lines.push(row);
        if self.lines.len() >= CHUNK_ROWS {
            self.flush(out);
        }
    }

    /// Count a bad value; keep the first few with an excerpt of their row.
    fn report(
        &mut self,
        row: u32,
        cells: &[(Kind, Option<&str>)],
        at: usize,
        error: impl FnOnce(miette::SourceSpan) -> DataError,
    ) {
        self.bad_count += 1;
        if self.bad.len() >= MAX_ERRORS {
            return;
        }
        // The row as `column: value, …`, the bad value marked.
        let mut excerpt = Vec::new();
        let (mut start, mut end) = (0, 0);
        for (ci, col) in self.schema.columns.iter().enumerate() {
            if ci > 0 {
                excerpt.extend_from_slice(b", ");
            }
            excerpt.extend_from_slice(col.name.as_bytes());
            excerpt.extend_from_slice(b": ");
            if ci == at {
                start = excerpt.len();
            }
            match cells[ci].1 {
                Some(t) => excerpt.extend_from_slice(t.as_bytes()),
                None => excerpt.extend_from_slice(b"NULL"),
            }
            if ci == at {
                end = excerpt.len();
            }
        }
        let key = self
            .schema
            .key
            .and_then(|k| cells.get(k.index()).and_then(|c| c.1).map(|v| (k, v)))
            .map(|(k, v)| {
                format!(
                    " ({} {})",
                    self.schema.columns[k].name,
                    quote(v.trim().as_bytes())
                )
            })
            .unwrap_or_default();
        let (_, span) =
            SourceFile::data_line("", &excerpt, row as usize, start, end.max(start + 1));
        self.bad.push(Bad {
            at: format!("{}, row {row}{key}", self.name),
            row,
            excerpt,
            start,
            end,
            error: error(span),
        });
    }

    fn flush(&mut self, out: &mut TableBuilder<'_>) {
        let storage = out.storage().to_vec();
        let bufs = std::mem::take(&mut self.bufs);
        let present = std::mem::take(&mut self.present);
        let lines = std::mem::take(&mut self.lines);
        self.reset(&storage);
        out.append(Chunk {
            columns: bufs
                .into_iter()
                .map(|b| match b {
                    Buf::Text { new, syms, .. } => ChunkColumn::Text { new, syms },
                    Buf::Raw { bytes, ends } => ChunkColumn::Raw { bytes, ends },
                    Buf::Num(v) => ChunkColumn::Num(v),
                    Buf::Date(v) => ChunkColumn::Date(v),
                    Buf::Bool(v) => ChunkColumn::Bool(v),
                })
                .collect(),
            present,
            lines,
        });
    }

    /// Store the last rows; the bad values, if any, as located errors.
    pub fn finish(mut self, out: &mut TableBuilder<'_>) -> Result<(), Vec<Diag>> {
        self.flush(out);
        if self.bad_count == 0 {
            return Ok(());
        }
        let diags = bad_values(&self.name, &self.bad, self.bad_count);
        Err(diags)
    }
}

/// Per schema column, its position among the source's `names`; a declared column the
/// source lacks is an error pointing at the project file's entry.
pub fn positions(
    schema: &TableSchema,
    names: &[String],
    source_name: &str,
    project: &Project,
    db: &Database,
) -> Result<Vec<usize>, Vec<Diag>> {
    let mut out = Vec::with_capacity(schema.columns.len());
    let mut errors = Vec::new();
    for c in &schema.columns {
        match names.iter().position(|n| *n == c.name) {
            Some(p) => out.push(p),
            None => {
                let help = crate::diagnostics::did_you_mean(&c.name, names.iter().map(String::as_str))
                    .map_or_else(
                        || format!("add a `{}` column ({}) to the table, or name it in the query (`… AS {}`), or remove it from the plan's `input {}`", c.name, c.ty, c.name, schema.name),
                        |s| format!("is `{s}` meant to be `{}`? rename it in the database, or in the query (`{s} AS {}`)", c.name, c.name),
                    );
                errors.push(project.located(DataError::SourceMissingColumn {
                    source_name: source_name.to_string(),
                    column: c.name.clone(),
                    input: schema.name.clone(),
                    span: project.span(&db.select_span),
                    help,
                }));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Columns whose database type cannot hold the declared type: one error per column
/// (rather than one per row), pointing at the project file's entry.
pub fn column_types(
    schema: &TableSchema,
    kinds: &[(Kind, String)],
    source_name: &str,
    project: &Project,
    db: &Database,
) -> Vec<Diag> {
    schema
        .columns
        .iter()
        .zip(kinds)
        .filter(|(c, (k, _))| !k.fits(&c.ty))
        .map(|(c, (k, db_type))| {
            project.located(DataError::SourceColumnType {
                source_name: source_name.to_string(),
                column: c.name.clone(),
                db_type: db_type.clone(),
                input: schema.name.clone(),
                expected: type_words(&c.ty).0,
                span: project.span(&db.select_span),
                help: k.fix(&c.ty).to_string(),
            })
        })
        .collect()
}

/// A SQL identifier, quoted (`"deals"`, with inner quotes doubled).
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQL that reads a table's declared columns, ordered by its key (so that a row's
/// number is stable), or the query as written.
pub fn select_sql(schema: &TableSchema, select: &super::project::Select) -> String {
    match select {
        super::project::Select::Query(q) => q.trim().trim_end_matches(';').to_string(),
        super::project::Select::Table(t) => {
            let cols: Vec<String> = schema.columns.iter().map(|c| ident(&c.name)).collect();
            let order = schema
                .keys
                .iter()
                .map(|&k| ident(&schema.columns[k].name))
                .collect::<Vec<_>>();
            let order = if order.is_empty() {
                String::new()
            } else {
                format!(" ORDER BY {}", order.join(", "))
            };
            format!("SELECT {} FROM {}{order}", cols.join(", "), table_ref(t))
        }
    }
}

/// A table name as written in the project file, quoted: `schema.table` is two names.
pub fn table_ref(t: &str) -> String {
    t.split('.').map(ident).collect::<Vec<_>>().join(".")
}

/// How a source is named in diagnostics and explanations: `crm.db table deals`, or
/// `crm.db query of input deals`.
pub fn source_name(db_name: &str, select: &super::project::Select, input: &str) -> String {
    match select {
        super::project::Select::Table(t) => format!("{db_name} table {t}"),
        super::project::Select::Query(_) => format!("{db_name} query of input {input}"),
    }
}

/// Read input `schema` from the database `db` names: its table or query, each value
/// checked by its declared type. `storage` and `strings` as for a CSV file.
pub fn load(
    schema: &TableSchema,
    project: &Project,
    db: &Database,
    timezone: Option<i32>,
    storage: &[Storage],
    strings: &mut crate::intern::Interner,
    notes: &mut Vec<Diag>,
) -> Result<super::Table, Vec<Diag>> {
    let table = match &db.server {
        super::project::Server::Sqlite(file) => super::table::read(
            super::sqlite::SqliteSource::open(schema, file, project, db, timezone)?,
            schema,
            storage,
            strings,
            notes,
        ),
        super::project::Server::Postgres { env } => super::table::read(
            super::postgres::PgSource::open(schema, env, project, db, timezone)?,
            schema,
            storage,
            strings,
            notes,
        ),
    };
    table.map(|mut t| {
        t.row_word = "row";
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_float_is_taken_only_when_it_is_a_short_decimal() {
        assert_eq!(exact_float("1234.5").as_deref(), Some("1234.5"));
        assert_eq!(exact_float("0.1").as_deref(), Some("0.1"));
        assert_eq!(exact_float("1e3").as_deref(), Some("1000"));
        // 0.1 + 0.2 as a double: 17 significant digits, not the decimal anyone wrote.
        assert_eq!(exact_float("0.30000000000000004"), None);
        assert_eq!(exact_float("NaN"), None);
        assert_eq!(exact_float("inf"), None);
    }

    #[test]
    fn values_are_checked_as_csv_cells_are() {
        let tz = None;
        let num = |ty: &Type, k: Kind, t: &str| match parse(ty, k, t, tz) {
            Ok(Parsed::Num(n)) => Some(n.to_string()),
            _ => None,
        };
        let money = Type::Money("EUR".into());
        assert_eq!(num(&money, Kind::Real, "1234.5").as_deref(), Some("1234.5"));
        assert_eq!(
            num(&money, Kind::Numeric, "1234.50").as_deref(),
            Some("1234.50")
        );
        assert_eq!(num(&money, Kind::Text, "1,234.50"), None);
        assert_eq!(num(&money, Kind::Real, "0.30000000000000004"), None);
        assert_eq!(
            num(&Type::Integer, Kind::Numeric, "12.00").as_deref(),
            Some("12")
        );
        assert_eq!(num(&Type::Integer, Kind::Numeric, "12.5"), None);
        assert_eq!(
            num(&Type::Percent, Kind::Text, "20%").as_deref(),
            Some("0.20")
        );
        assert_eq!(
            num(&Type::Percent, Kind::Real, "0.2").as_deref(),
            Some("0.2")
        );
        assert!(matches!(
            parse(&Type::Date, Kind::Integer, "46000", tz),
            Err(Refused::Hint(_))
        ));
        assert!(matches!(
            parse(&Type::Date, Kind::TimestampTz, "2026-01-31 23:30:00+00", tz),
            Err(Refused::NeedsZone(_))
        ));
        assert!(matches!(
            parse(&Type::Date, Kind::TimestampTz, "2026-01-31 23:30:00+00", Some(60)),
            Ok(Parsed::Date(d)) if d == cells::date(b"2026-02-01").unwrap_or(0)
        ));
        assert!(matches!(
            parse(&Type::Bool, Kind::Bool, "t", tz),
            Ok(Parsed::Bool(true))
        ));
        assert!(parse(&Type::Bool, Kind::Integer, "2", tz).is_err());
    }
}
