//! issue 12, sources: the PostgreSQL source — a table or query on a server whose
//! connection string is in an environment variable (never in a file). The session is
//! read-only; values are read as the server's text (ISO dates, UTC timestamps, shortest
//! exact floats) and checked by the declared type (`db.rs`); a column whose type cannot
//! hold the declared type is one error, not one per row.

use super::db::{self, Kind, Rows};
use super::error::DataError;
use super::project::{Database, Project, Select};
use super::table::{Source, TableBuilder};
use crate::diagnostics::Diag;
use crate::ir::TableSchema;
use postgres::types::Type as PgType;
use postgres::{Client, NoTls, SimpleQueryMessage};
use std::time::Duration;

/// How long a connection may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL table or query opened for an input, its columns checked against the schema.
pub struct PgSource<'a> {
    schema: &'a TableSchema,
    client: Client,
    sql: String,
    name: String,
    columns: Vec<String>,
    positions: Vec<usize>,
    kinds: Vec<Kind>,
    timezone: Option<i32>,
    project: &'a Project,
    db: &'a Database,
}

/// A kind for a PostgreSQL type: how its text is read.
fn kind(t: &PgType) -> Kind {
    match *t {
        PgType::INT2 | PgType::INT4 | PgType::INT8 | PgType::OID => Kind::Integer,
        PgType::FLOAT4 | PgType::FLOAT8 => Kind::Real,
        PgType::NUMERIC => Kind::Numeric,
        PgType::TEXT | PgType::VARCHAR | PgType::BPCHAR | PgType::NAME | PgType::UNKNOWN => {
            Kind::Text
        }
        PgType::DATE => Kind::Date,
        PgType::TIMESTAMP => Kind::Timestamp,
        PgType::TIMESTAMPTZ => Kind::TimestampTz,
        PgType::BOOL => Kind::Bool,
        // `money` is formatted by the server's locale (`$1,234.50`); uuid, json… are text.
        _ => Kind::Other,
    }
}

/// The server's message for an error: the database's own words when it answered.
fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => {
            let mut s = d.message().to_string();
            if let Some(detail) = d.detail() {
                s.push_str(&format!(" ({detail})"));
            }
            s
        }
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(inner) = src {
                let more = inner.to_string();
                if !s.contains(&more) {
                    s.push_str(&format!(": {more}"));
                }
                src = inner.source();
            }
            s
        }
    }
}

impl<'a> PgSource<'a> {
    /// Connect with the string in `env`, and check that the table or query has every
    /// declared column, with a type that can hold it.
    pub fn open(
        schema: &'a TableSchema,
        env: &str,
        project: &'a Project,
        db: &'a Database,
        timezone: Option<i32>,
    ) -> Result<PgSource<'a>, Vec<Diag>> {
        let server = format!("the PostgreSQL server of `${env}`");
        let name = db::source_name(&format!("PostgreSQL ${env}"), &db.select, &schema.name);
        let fail = |what: String, reason: String, help: String, span: &std::ops::Range<usize>| {
            vec![project.located(DataError::SourceFailed {
                input: schema.name.clone(),
                what,
                reason,
                span: project.span(span),
                help,
            })]
        };
        let url = std::env::var(env).map_err(|_| {
            vec![project.located(DataError::NoEnv {
                input: schema.name.clone(),
                var: env.to_string(),
                span: project.span(&db.span),
            })]
        })?;
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            // The string holds a password: never shown, only why it does not parse.
            fail(
                format!("the connection string in `${env}` is not valid"),
                e.to_string(),
                "write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE or as key=value pairs (host=… dbname=… user=…)".into(),
                &db.span,
            )
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let mut client = config.connect(NoTls).map_err(|e| {
            let r = reason(&e);
            let help = if r.contains("password") || r.contains("authentication") {
                format!("check the user and password in `${env}`")
            } else if r.contains("does not exist") {
                format!("check the database name in `${env}`")
            } else if r.contains("SSL") || r.contains("encryption") {
                "the server requires TLS, which Ignition does not speak yet: connect through a local socket or an SSH tunnel".into()
            } else {
                format!("is the server running, and are the host and port in `${env}` right?")
            };
            fail(format!("cannot connect to {server}"), r, help, &db.span)
        })?;
        // Read-only, and values in forms that read back exactly: ISO dates, UTC
        // timestamps, shortest exact floats.
        client
            .batch_execute(
                "SET default_transaction_read_only TO on; SET DateStyle TO ISO, YMD; SET TimeZone TO 'UTC'; SET extra_float_digits TO 1",
            )
            .map_err(|e| {
                fail(
                    format!("cannot set up the session on {server}"),
                    reason(&e),
                    "check the server's settings".into(),
                    &db.span,
                )
            })?;
        let probe = match &db.select {
            Select::Table(t) => format!("SELECT * FROM {} LIMIT 0", db::table_ref(t)),
            Select::Query(_) => db::select_sql(schema, &db.select),
        };
        let stmt = client.prepare(&probe).map_err(|e| {
            let (what, help) = match &db.select {
                Select::Table(t) => {
                    let tables = tables(&mut client);
                    (
                        format!("cannot read table `{t}` on {server}"),
                        crate::diagnostics::suggest(t, tables.iter().map(String::as_str), || {
                            if tables.is_empty() {
                                "the database has no tables the user can read: is it the right database?".to_string()
                            } else {
                                format!("its tables are: {}", tables.join(", "))
                            }
                        }),
                    )
                }
                Select::Query(_) => (
                    format!("the query on {server} fails"),
                    "correct the query (PostgreSQL's SQL)".to_string(),
                ),
            };
            fail(what, reason(&e), help, &db.select_span)
        })?;
        let columns: Vec<String> = stmt
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        let types: Vec<PgType> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
        let at = db::positions(schema, &columns, &name, project, db)?;
        let found: Vec<(Kind, String)> = at
            .iter()
            .map(|&p| (kind(&types[p]), types[p].name().to_string()))
            .collect();
        let wrong = db::column_types(schema, &found, &name, project, db);
        if !wrong.is_empty() {
            return Err(wrong);
        }
        let positions = match &db.select {
            Select::Table(_) => (0..schema.columns.len()).collect(),
            Select::Query(_) => at,
        };
        Ok(PgSource {
            schema,
            client,
            sql: db::select_sql(schema, &db.select),
            name,
            columns,
            positions,
            kinds: found.into_iter().map(|(k, _)| k).collect(),
            timezone,
            project,
            db,
        })
    }
}

/// The tables the user can read, for a hint.
fn tables(client: &mut Client) -> Vec<String> {
    client
        .query(
            "SELECT CASE WHEN table_schema = current_schema() THEN table_name ELSE table_schema || '.' || table_name END \
             FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
            &[],
        )
        .map(|rows| rows.iter().filter_map(|r| r.try_get::<_, String>(0).ok()).collect())
        .unwrap_or_default()
}

impl Source for PgSource<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn read(mut self, out: &mut TableBuilder<'_>, _notes: &mut Vec<Diag>) -> Result<(), Vec<Diag>> {
        let messages = match self.client.simple_query(&self.sql) {
            Ok(m) => m,
            Err(e) => {
                return Err(vec![self.project.located(DataError::SourceFailed {
                    input: self.schema.name.clone(),
                    what: format!("reading {} fails", self.name),
                    reason: reason(&e),
                    span: self.project.span(&self.db.select_span),
                    help: "correct the query (PostgreSQL's SQL)".into(),
                })]);
            }
        };
        let storage = out.storage().to_vec();
        let mut gather = Rows::new(self.schema, &storage, &self.name, self.timezone);
        let mut n: u32 = 0;
        for m in &messages {
            match m {
                SimpleQueryMessage::Row(row) => {
                    n += 1;
                    let cells: Vec<(Kind, Option<&str>)> = self
                        .positions
                        .iter()
                        .zip(&self.kinds)
                        .map(|(&p, &k)| (k, row.get(p)))
                        .collect();
                    gather.push(out, n, &cells);
                }
                // The rows of the first statement only.
                SimpleQueryMessage::CommandComplete(_) => break,
                _ => {}
            }
        }
        gather.finish(out)
    }
}
