//! issue 12, sources: the project file, `ignition.toml` beside the plan (or `--project
//! FILE`), which names where each input's rows are: a file, or a table or query in a SQLite
//! or PostgreSQL database. Every problem in it points at its line and column.

use super::error::DataError;
use crate::diagnostics::{Diag, SourceFile};
use miette::SourceSpan;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// The name of the project file looked for beside the plan.
pub const FILE_NAME: &str = "ignition.toml";

/// A project file, read and checked.
#[derive(Debug, Clone)]
pub struct Project {
    /// Its text, named by its path (diagnostics point into it).
    pub source: Arc<SourceFile>,
    /// The inputs it names, in name order.
    pub inputs: Vec<Entry>,
}

/// Where one input's rows are.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The input's name (`[inputs.NAME]`).
    pub name: String,
    /// The name's place in the project file.
    pub name_span: Range<usize>,
    /// The source.
    pub kind: Kind,
}

/// The source of an input.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A data file (`file = "…"`), read as `--data NAME=PATH` reads it.
    File {
        /// The path, relative to the project file's folder.
        path: PathBuf,
        /// `delimiter = ";"`: the byte between fields (else detected).
        delimiter: Option<u8>,
    },
    /// A database table or query (`sqlite = "…"` or `postgres = { env = "…" }`).
    Database(Database),
}

/// A table or query in a database.
#[derive(Debug, Clone)]
pub struct Database {
    /// Which database.
    pub server: Server,
    /// The table or query.
    pub select: Select,
    /// The place of `sqlite = …` / `postgres = …` in the project file.
    pub span: Range<usize>,
    /// The place of `table = …` / `query = …`.
    pub select_span: Range<usize>,
}

/// A database.
#[derive(Debug, Clone)]
pub enum Server {
    /// A SQLite file (relative to the project file's folder).
    Sqlite(PathBuf),
    /// A PostgreSQL server whose connection string is in this environment variable.
    Postgres {
        /// The variable's name.
        env: String,
    },
}

/// What is read from a database.
#[derive(Debug, Clone)]
pub enum Select {
    /// Every row of a table (its declared columns).
    Table(String),
    /// The rows of a query, in the query's order.
    Query(String),
}

impl Project {
    /// The entry of input `name`.
    pub fn input(&self, name: &str) -> Option<&Entry> {
        self.inputs.iter().find(|e| e.name == name)
    }

    /// A span of the project file, for a label.
    pub fn span(&self, r: &Range<usize>) -> SourceSpan {
        SourceSpan::new(r.start.into(), r.end.saturating_sub(r.start))
    }

    /// A diagnostic about the project file, pointing into it.
    pub fn located(&self, d: impl Into<Diag>) -> Diag {
        d.into().in_source(&self.source)
    }

    /// The project file's name, as diagnostics show it.
    pub fn file(&self) -> &str {
        &self.source.name
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    #[serde(default)]
    inputs: BTreeMap<Spanned<String>, Spanned<RawInput>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    file: Option<Spanned<String>>,
    sqlite: Option<Spanned<String>>,
    /// `postgres = { env = "VAR" }`: read by hand, so that a bare connection string is
    /// refused with a hint (it would hold a password in a file).
    postgres: Option<Spanned<toml::Value>>,
    table: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    delimiter: Option<Spanned<String>>,
}

/// A delimiter as `--delimiter` takes it: one ASCII punctuation character (not a quote),
/// or `tab`.
fn delimiter(s: &str) -> Option<u8> {
    match s {
        "tab" | "\t" | "\\t" => Some(b'\t'),
        s if s.len() == 1 => {
            let b = s.as_bytes()[0];
            (b.is_ascii_punctuation() && b != b'"').then_some(b)
        }
        _ => None,
    }
}

/// The project file to use: `--project FILE`, else `ignition.toml` beside the plan if there
/// is one.
pub fn find(plan: &Path, given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.to_path_buf());
    }
    let dir = plan.parent().unwrap_or(Path::new(""));
    let p = dir.join(FILE_NAME);
    p.is_file().then_some(p)
}

/// Read and check a project file: every key known, each input named by the plan
/// (`inputs`), each entry naming exactly one source.
pub fn read(path: &Path, inputs: &[&str]) -> Result<Project, Vec<Diag>> {
    let file = crate::diagnostics::escape(&path.display().to_string()).into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![DataError::ProjectUnreadable {
            file: file.clone(),
            reason: e.to_string(),
        }
        .into()]
    })?;
    let source = SourceFile::new(file.clone(), text.as_str());
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let err = |message: String, span: Range<usize>, help: String| -> Diag {
        Diag::from(DataError::Project {
            file: file.clone(),
            message,
            span: SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start)),
            help,
        })
        .in_source(&source)
    };
    let raw: RawProject = toml::from_str(&text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().replace('\n', "; ");
        let help = if message.contains("unknown field") {
            "an input's entry has `file`, `sqlite` or `postgres`, with `table` or `query` for a database, and `delimiter` for a CSV file; the file's only section is `[inputs.NAME]`".to_string()
        } else {
            "see docs/data-sources.md for the project file's keys".to_string()
        };
        vec![err(message, span, help)]
    })?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (name, entry) in raw.inputs {
        let name_span = name.span();
        let name = name.into_inner();
        let entry_span = entry.span();
        let e = entry.into_inner();
        if !inputs.contains(&name.as_str()) {
            errors.push(err(
                format!("the plan has no input `{name}`"),
                name_span.clone(),
                crate::diagnostics::suggest(&name, inputs.iter().copied(), || {
                    format!("the plan's inputs are: {}", inputs.join(", "))
                }),
            ));
            continue;
        }
        // In the order they are written, so that the second is the one pointed at.
        let mut sources: Vec<(&str, Range<usize>)> = [
            e.file.as_ref().map(|s| ("file", s.span())),
            e.sqlite.as_ref().map(|s| ("sqlite", s.span())),
            e.postgres.as_ref().map(|s| ("postgres", s.span())),
        ]
        .into_iter()
        .flatten()
        .collect();
        sources.sort_by_key(|(_, span)| span.start);
        let one_source = "write one of `file = \"data/NAME.csv\"`, `sqlite = \"FILE.db\"` or `postgres = { env = \"VARIABLE\" }`";
        match sources.as_slice() {
            [] => {
                errors.push(err(
                    format!("input `{name}` names no source"),
                    entry_span.clone(),
                    one_source.to_string(),
                ));
                continue;
            }
            [_, (second, span), ..] => {
                errors.push(err(
                    format!(
                        "input `{name}` names more than one source (`{}` and `{second}`)",
                        sources[0].0
                    ),
                    span.clone(),
                    format!("keep one: {one_source}"),
                ));
                continue;
            }
            [_] => {}
        }
        if let Some(f) = &e.file {
            for (key, span) in [
                ("table", e.table.as_ref().map(Spanned::span)),
                ("query", e.query.as_ref().map(Spanned::span)),
            ] {
                if let Some(span) = span {
                    errors.push(err(
                        format!("input `{name}` reads a file: `{key}` is for a database"),
                        span,
                        "remove it, or name the database with `sqlite` or `postgres`".into(),
                    ));
                }
            }
            let delimiter = match &e.delimiter {
                None => None,
                Some(d) => match delimiter(d.get_ref()) {
                    Some(b) => Some(b),
                    None => {
                        errors.push(err(
                            format!("`{}` is not a delimiter", d.get_ref().escape_default()),
                            d.span(),
                            "write one character such as \";\" or \"|\", or \"tab\"".into(),
                        ));
                        None
                    }
                },
            };
            out.push(Entry {
                name,
                name_span,
                kind: Kind::File {
                    path: dir.join(f.get_ref()),
                    delimiter,
                },
            });
            continue;
        }
        if let Some(d) = &e.delimiter {
            errors.push(err(
                format!("input `{name}` reads a database: `delimiter` is for a CSV file"),
                d.span(),
                "remove it".into(),
            ));
        }
        let (select, select_span) = match (&e.table, &e.query) {
            (Some(t), None) if !t.get_ref().trim().is_empty() => {
                (Select::Table(t.get_ref().clone()), t.span())
            }
            (None, Some(q)) if !q.get_ref().trim().is_empty() => {
                (Select::Query(q.get_ref().clone()), q.span())
            }
            (Some(_), Some(q)) => {
                errors.push(err(
                    format!("input `{name}` names both a table and a query"),
                    q.span(),
                    "keep one: `table = \"NAME\"` reads every row of a table, `query = \"SELECT …\"` the rows of a query".into(),
                ));
                continue;
            }
            (t, q) => {
                let span = t
                    .as_ref()
                    .map(Spanned::span)
                    .or(q.as_ref().map(Spanned::span))
                    .unwrap_or(sources[0].1.clone());
                errors.push(err(
                    format!("input `{name}` names a database but no table or query"),
                    span,
                    format!("add `table = \"{name}\"` or `query = \"SELECT …\"`"),
                ));
                continue;
            }
        };
        let server = match (&e.sqlite, &e.postgres) {
            (Some(f), _) => Server::Sqlite(dir.join(f.get_ref())),
            (_, Some(p)) => {
                let env = match p.get_ref() {
                    toml::Value::Table(t) if t.len() == 1 => t.get("env").and_then(|v| v.as_str()),
                    _ => None,
                };
                match env {
                    Some(env) => Server::Postgres {
                        env: env.to_string(),
                    },
                    None => {
                        let message = if p.get_ref().is_str() {
                            format!("input `{name}`: the connection string is written in the project file")
                        } else {
                            format!("input `{name}`: `postgres` names no environment variable")
                        };
                        errors.push(err(
                            message,
                            p.span(),
                            "write `postgres = { env = \"VARIABLE\" }` and put the connection string in that environment variable: a connection string holds a password, which does not belong in a file".into(),
                        ));
                        continue;
                    }
                }
            }
            _ => continue,
        };
        out.push(Entry {
            name,
            name_span,
            kind: Kind::Database(Database {
                server,
                select,
                span: sources[0].1.clone(),
                select_span,
            }),
        });
    }
    if errors.is_empty() {
        Ok(Project {
            source,
            inputs: out,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Project, Vec<Diag>> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let p = dir.path().join("ignition.toml");
        std::fs::write(&p, text).expect("written");
        read(&p, &["deals", "reps", "fx"])
    }

    fn first_error(text: &str) -> (String, usize, usize) {
        let Err(e) = parse(text) else {
            panic!("the project file is refused")
        };
        let loc = e[0].location().expect("located");
        (e[0].message.clone(), loc.line, loc.column)
    }

    #[test]
    fn each_kind_of_source_is_read() {
        let p = parse(
            "[inputs.deals]\nsqlite = \"crm.db\"\ntable = \"deals\"\n\n[inputs.reps]\nfile = \"data/reps.csv\"\ndelimiter = \";\"\n\n[inputs.fx]\npostgres = { env = \"FINANCE_DB_URL\" }\nquery = \"select 1\"\n",
        )
        .expect("the project file is read");
        assert_eq!(p.inputs.len(), 3);
        let Kind::Database(d) = &p.input("deals").expect("deals").kind else {
            panic!("deals is a database")
        };
        assert!(matches!(&d.server, Server::Sqlite(f) if f.ends_with("crm.db")));
        assert!(matches!(&d.select, Select::Table(t) if t == "deals"));
        let Kind::File { path, delimiter } = &p.input("reps").expect("reps").kind else {
            panic!("reps is a file")
        };
        assert!(path.ends_with("data/reps.csv"));
        assert_eq!(*delimiter, Some(b';'));
        let Kind::Database(d) = &p.input("fx").expect("fx").kind else {
            panic!("fx is a database")
        };
        assert!(matches!(&d.server, Server::Postgres { env } if env == "FINANCE_DB_URL"));
    }

    #[test]
    fn an_unknown_key_is_located() {
        let (msg, line, col) =
            first_error("[inputs.deals]\nsqlite = \"crm.db\"\ntabel = \"deals\"\n");
        assert!(msg.contains("unknown field `tabel`"), "{msg}");
        assert_eq!((line, col), (3, 1));
        let (msg, line, _) = first_error("[input.deals]\nsqlite = \"crm.db\"\n");
        assert!(msg.contains("unknown field `input`"), "{msg}");
        assert_eq!(line, 1);
    }

    #[test]
    fn entries_name_one_source_and_what_to_read() {
        let (msg, line, _) = first_error("[inputs.deals]\nsqlite = \"a.db\"\nfile = \"d.csv\"\n");
        assert!(msg.contains("more than one source"), "{msg}");
        assert_eq!(line, 3);
        let (msg, line, _) = first_error("[inputs.deals]\nsqlite = \"a.db\"\n");
        assert!(msg.contains("no table or query"), "{msg}");
        assert_eq!(line, 2);
        let (msg, _, _) = first_error("[inputs.deals]\ntable = \"deals\"\n");
        assert!(msg.contains("names no source"), "{msg}");
        let (msg, line, _) = first_error("[inputs.dels]\nfile = \"d.csv\"\n");
        assert!(msg.contains("no input `dels`"), "{msg}");
        assert_eq!(line, 1);
    }

    #[test]
    fn a_connection_string_in_the_file_is_refused() {
        let (msg, line, _) =
            first_error("[inputs.fx]\npostgres = \"postgresql://u:secret@h/db\"\ntable = \"fx\"\n");
        assert!(msg.contains("connection string is written"), "{msg}");
        assert_eq!(line, 2);
    }
}
