//! issue 12, sources: the SQLite source — a table or query of a SQLite file (the driver is
//! built in: nothing to install), opened read-only. SQLite types each value rather than each
//! column, so every value is checked by the declared type (`db.rs`).

use super::db::{self, Kind, Rows};
use super::error::DataError;
use super::project::{Database, Project, Select};
use super::table::{Source, TableBuilder};
use crate::diagnostics::Diag;
use crate::ir::TableSchema;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// A SQLite table or query opened for an input, its columns checked against the schema.
pub struct SqliteSource<'a> {
    schema: &'a TableSchema,
    conn: Connection,
    sql: String,
    name: String,
    columns: Vec<String>,
    positions: Vec<usize>,
    timezone: Option<i32>,
    project: &'a Project,
    db: &'a Database,
}

impl<'a> SqliteSource<'a> {
    /// Open `file` read-only and check that the table or query has every declared column.
    pub fn open(
        schema: &'a TableSchema,
        file: &Path,
        project: &'a Project,
        db: &'a Database,
        timezone: Option<i32>,
    ) -> Result<SqliteSource<'a>, Vec<Diag>> {
        let shown = crate::diagnostics::escape(&file.display().to_string()).into_owned();
        let name = db::source_name(&shown, &db.select, &schema.name);
        let fail = |what: String, reason: String, help: String, span: &std::ops::Range<usize>| {
            vec![project.located(DataError::SourceFailed {
                input: schema.name.clone(),
                what,
                reason,
                span: project.span(span),
                help,
            })]
        };
        if !file.is_file() {
            return Err(fail(
                format!("cannot open the SQLite database `{shown}`"),
                if file.exists() {
                    "it is not a regular file".into()
                } else {
                    "no such file".into()
                },
                "the path is relative to the project file's folder".into(),
                &db.span,
            ));
        }
        let conn = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            fail(
                format!("cannot open the SQLite database `{shown}`"),
                e.to_string(),
                "is it a SQLite database file?".into(),
                &db.span,
            )
        })?;
        // A table's columns are all of its columns; a query's, those it selects.
        let probe = match &db.select {
            Select::Table(t) => format!("SELECT * FROM {}", db::table_ref(t)),
            Select::Query(_) => db::select_sql(schema, &db.select),
        };
        let columns: Vec<String> = match conn.prepare(&probe) {
            Ok(stmt) => stmt.column_names().map(|s| s.to_string()).collect(),
            Err(e) => {
                let reason = e.to_string();
                let help = match &db.select {
                    Select::Table(t) => {
                        let tables = tables(&conn);
                        crate::diagnostics::suggest(t, tables.iter().map(String::as_str), || {
                            if tables.is_empty() {
                                format!("`{shown}` has no tables: is it the right file?")
                            } else {
                                format!("its tables are: {}", tables.join(", "))
                            }
                        })
                    }
                    Select::Query(_) => "correct the query (SQLite's SQL)".into(),
                };
                let what = match &db.select {
                    Select::Table(t) => format!("cannot read table `{t}` of `{shown}`"),
                    Select::Query(_) => format!("the query on `{shown}` fails"),
                };
                return Err(fail(what, reason, help, &db.select_span));
            }
        };
        let positions = db::positions(schema, &columns, &name, project, db)?;
        let positions = match &db.select {
            // The table is read through a SELECT of the declared columns, in schema order.
            Select::Table(_) => (0..schema.columns.len()).collect(),
            Select::Query(_) => positions,
        };
        Ok(SqliteSource {
            schema,
            conn,
            sql: db::select_sql(schema, &db.select),
            name,
            columns,
            positions,
            timezone,
            project,
            db,
        })
    }
}

/// The database's table names, for a hint.
fn tables(conn: &Connection) -> Vec<String> {
    let Ok(mut stmt) = conn
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
    else {
        return Vec::new();
    };
    stmt.query_map([], |r| r.get::<_, String>(0))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

impl Source for SqliteSource<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn read(self, out: &mut TableBuilder<'_>, _notes: &mut Vec<Diag>) -> Result<(), Vec<Diag>> {
        let failed = |e: rusqlite::Error| {
            vec![self.project.located(DataError::SourceFailed {
                input: self.schema.name.clone(),
                what: format!("reading {} fails", self.name),
                reason: e.to_string(),
                span: self.project.span(&self.db.select_span),
                help: "correct the query (SQLite's SQL)".into(),
            })]
        };
        let mut stmt = self.conn.prepare(&self.sql).map_err(failed)?;
        let mut rows = stmt.query([]).map_err(failed)?;
        let storage = out.storage().to_vec();
        let mut gather = Rows::new(self.schema, &storage, &self.name, self.timezone);
        let mut texts: Vec<Option<String>> = vec![None; self.schema.columns.len()];
        let mut kinds = vec![Kind::Text; self.schema.columns.len()];
        let mut n: u32 = 0;
        while let Some(row) = rows.next().map_err(failed)? {
            n += 1;
            for (ci, &p) in self.positions.iter().enumerate() {
                let (kind, text) = match row.get_ref(p).map_err(failed)? {
                    ValueRef::Null => (Kind::Text, None),
                    ValueRef::Integer(i) => (Kind::Integer, Some(i.to_string())),
                    ValueRef::Real(f) => (Kind::Real, Some(format!("{f}"))),
                    ValueRef::Text(t) => {
                        (Kind::Text, Some(String::from_utf8_lossy(t).into_owned()))
                    }
                    ValueRef::Blob(b) => (Kind::Other, Some(format!("BLOB of {} bytes", b.len()))),
                };
                kinds[ci] = kind;
                texts[ci] = text;
            }
            let cells: Vec<(Kind, Option<&str>)> = kinds
                .iter()
                .zip(&texts)
                .map(|(&k, t)| (k, t.as_deref()))
                .collect();
            gather.push(out, n, &cells);
        }
        gather.finish(out)
    }
}
