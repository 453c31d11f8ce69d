//! issue 12, sources: the Parquet source — an input read from a `.parquet` file. Only the
//! columns the input declares are decoded (a projection), row group by row group, several
//! row groups at once, and each Arrow column is turned into the table's typed column:
//! strings are text, integers and decimals exact numbers, floating-point values exact only
//! when they are a short decimal, dates and timestamps day numbers (a timestamp's day in
//! the plan's zone, as in a CSV file), booleans yes/no. Every value is checked by its
//! declared type with the rules of a CSV cell and of a database value (`db.rs`,
//! `cells.rs`); a bad one is reported with its row (1-based, in file order) and key.

use super::db::{self, Kind, Parsed, Refused};
use super::error::DataError;
use super::table::{self, Blocks, Chunk, ChunkColumn, Sink, Source, Storage, Table, TableBuilder};
use crate::diagnostics::{quote, Diag, SourceFile};
use crate::intern::{Interner, Sym};
use crate::ir::{ColumnSchema, TableSchema};
use crate::types::Type;
use ::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
    RowSelector,
};
use ::parquet::arrow::ProjectionMask;
use ::parquet::file::reader::{ChunkReader, Length};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type,
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Rows decoded per chunk (a row group is decoded as several chunks).
const BATCH_ROWS: usize = 1 << 16;
/// Bad values shown; the rest are counted.
const MAX_ERRORS: usize = 20;
/// The day number (days from the common era, as `cells::date` counts) of 1970-01-01, the
/// day Arrow's dates and timestamps count from.
const UNIX_EPOCH_DAY: i64 = 719_163;

/// Read input `schema` from the Parquet file at `path`; its rows are numbered in file order
/// (`deals.parquet row 3`).
pub fn load(
    schema: &TableSchema,
    path: &Path,
    timezone: Option<i32>,
    storage: &[Storage],
    strings: &mut Interner,
    notes: &mut Vec<Diag>,
) -> Result<Table, Vec<Diag>> {
    let mut t = table::read(
        ParquetSource::open(schema, path, timezone)?,
        schema,
        storage,
        strings,
        notes,
    )?;
    t.row_word = "row";
    Ok(t)
}

/// Whether `path` names a Parquet file (by its extension, as `--data` and the project file
/// pick a source).
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// The file, read at given offsets rather than through a shared cursor, so that several
/// threads can decode row groups of it at once.
#[derive(Clone)]
struct Positional {
    file: Arc<File>,
    len: u64,
}

impl Length for Positional {
    fn len(&self) -> u64 {
        self.len
    }
}

/// Read into `buf` at `offset`, without moving any cursor another reader shares.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// A reader from an offset of a [`Positional`] file.
struct ReadAt {
    file: Arc<File>,
    pos: u64,
}

impl std::io::Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = read_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// What a page header is read through: the reader takes a header a byte at a time, which
/// unbuffered would be a system call per byte (144,000 of them for the large benchmark).
/// A header is some tens of bytes; the rest of the buffer is read for nothing.
const HEADER_BUFFER: usize = 512;

impl ChunkReader for Positional {
    type T = std::io::BufReader<ReadAt>;

    fn get_read(&self, start: u64) -> ::parquet::errors::Result<Self::T> {
        Ok(std::io::BufReader::with_capacity(
            HEADER_BUFFER,
            ReadAt {
                file: self.file.clone(),
                pos: start,
            },
        ))
    }

    fn get_bytes(&self, start: u64, length: usize) -> ::parquet::errors::Result<bytes::Bytes> {
        // The length comes from the file's own metadata: a corrupt one must not allocate
        // more than the file holds.
        if start.saturating_add(length as u64) > self.len {
            return Err(::parquet::errors::ParquetError::EOF(format!(
                "a range of {length} bytes at offset {start} runs past the end of the file ({} bytes)",
                self.len
            )));
        }
        let mut buf = vec![0u8; length];
        let mut done = 0;
        while done < length {
            let n = read_at(&self.file, &mut buf[done..], start + done as u64)?;
            if n == 0 {
                return Err(::parquet::errors::ParquetError::EOF(format!(
                    "the file ends {} bytes before the range it names",
                    length - done
                )));
            }
            done += n;
        }
        Ok(buf.into())
    }
}

thread_local! {
    /// Set while this thread runs the Parquet reader under [`guarded`]: its panics are
    /// reported as data errors, not printed.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run the Parquet reader on data it has not validated. Some damaged files (a corrupt
/// run of definition levels, a length past a buffer) make it panic rather than return an
/// error; such a panic is caught here and becomes the reader's message (`Err`), so that a
/// damaged file is a located data error (exit 2), never a crash. Only the reader's own
/// calls are guarded: a panic in Ignition's code is still a bug, reported as one.
pub(super) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    GUARDED.with(|g| g.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    result.map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal check failed".into());
        format!("the Parquet reader stopped on damaged data ({what})")
    })
}

/// The Parquet reader's message, without the prefixes that name the library's error types
/// (`Parquet error: `, `Parquet argument error: `).
fn reason(e: &dyn std::fmt::Display) -> String {
    let mut m = e.to_string();
    while let Some(rest) = ["Parquet error: ", "Parquet argument error: "]
        .iter()
        .find_map(|p| m.strip_prefix(p))
    {
        m = rest.to_string();
    }
    m
}

/// The reading hint for a file the Parquet reader refuses.
fn unreadable_help(reason: &str) -> String {
    let r = reason.to_ascii_lowercase();
    if r.contains("feature") || r.contains("codec") || r.contains("compression") {
        "Ignition reads Parquet files that are uncompressed or compressed with Snappy or Zstandard: write the file again with one of them".into()
    } else if r.contains("start with") {
        "is it a Parquet file? a CSV file must be named `.csv`; a Parquet file is written by a tool (pyarrow, polars, DuckDB, Spark)".into()
    } else {
        "it may be truncated (copied or downloaded only in part) or damaged: write or export it again".into()
    }
}

/// How a column's Arrow type is read.
fn kind_of(dt: &DataType) -> Kind {
    match dt {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView => Kind::Text,
        DataType::Dictionary(_, v) => match kind_of(v) {
            Kind::Text => Kind::Text,
            _ => Kind::Other,
        },
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Kind::Integer,
        DataType::Float32 | DataType::Float64 => Kind::Real,
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => Kind::Numeric,
        DataType::Date32 | DataType::Date64 => Kind::Date,
        DataType::Timestamp(_, None) => Kind::Timestamp,
        DataType::Timestamp(_, Some(_)) => Kind::TimestampTz,
        DataType::Boolean => Kind::Bool,
        _ => Kind::Other,
    }
}

/// Whether a column of this kind can hold values of the declared type (a nested or binary
/// type holds none: its value has no text a plan could mean).
fn fits(kind: Kind, ty: &Type) -> bool {
    kind != Kind::Other && kind.fits(ty)
}

/// How to store values of the declared type in a Parquet file.
fn type_fix(ty: &Type) -> &'static str {
    match ty {
        Type::Date => "store dates as a Parquet DATE or TIMESTAMP, or as text YYYY-MM-DD (a number of days or seconds does not say from when)",
        Type::Bool => "store yes/no as a Parquet BOOLEAN, as integers 0/1, or as text true/false",
        Type::Text => "store it as a Parquet string (UTF8), a number or a date",
        _ => "store amounts and numbers as a Parquet DECIMAL (e.g. DECIMAL(18, 2)), an integer, or text like 1234.50",
    }
}

const INEXACT: &str = "a floating-point (FLOAT/DOUBLE) value is exact only when it is a decimal of at most 15 significant digits, and this one is not: store amounts as a Parquet DECIMAL (e.g. DECIMAL(18, 2)) or as text, or round them where the file is written; Ignition never rounds data silently";

/// A Parquet file opened for an input: its metadata read and its columns checked against
/// the schema.
pub struct ParquetSource<'a> {
    schema: &'a TableSchema,
    /// The path, escaped for display.
    file_name: String,
    reader: Positional,
    meta: ArrowReaderMetadata,
    /// The file's top-level columns.
    columns: Vec<String>,
    /// Per schema column, its top-level column in the file.
    roots: Vec<usize>,
    /// The note about columns the plan does not declare.
    extra: Option<Diag>,
    /// The plan's time zone (minutes east of UTC).
    timezone: Option<i32>,
}

impl<'a> ParquetSource<'a> {
    /// Open `path` for the input `schema`: the file must be a regular, readable Parquet
    /// file with every declared column, each of a type that can hold the declared type.
    pub fn open(
        schema: &'a TableSchema,
        path: &Path,
        timezone: Option<i32>,
    ) -> Result<ParquetSource<'a>, Vec<Diag>> {
        let file_name = crate::diagnostics::escape(&path.display().to_string()).into_owned();
        let file = super::csv::open_regular(path).map_err(|e| {
            vec![DataError::Unreadable {
                file: file_name.clone(),
                input: schema.name.clone(),
                reason: e.to_string(),
            }
            .into()]
        })?;
        let len = file
            .metadata()
            .map_err(|e| {
                vec![DataError::ReadFailed {
                    file: file_name.clone(),
                    reason: e.to_string(),
                }
                .into()]
            })?
            .len();
        let corrupt = |reason: String| {
            vec![DataError::Parquet {
                file: file_name.clone(),
                input: schema.name.clone(),
                help: unreadable_help(&reason),
                reason,
            }
            .into()]
        };
        let reader = Positional {
            file: Arc::new(file),
            len,
        };
        // A Parquet file starts and ends with `PAR1`: say which end is wrong, if one is.
        let mut head = [0u8; 4];
        let mut tail = [0u8; 4];
        let marked = |buf: &mut [u8; 4], at: u64| {
            len >= 8 && read_at(&reader.file, buf, at).is_ok_and(|n| n == 4) && buf == b"PAR1"
        };
        if !marked(&mut head, 0) {
            return Err(corrupt(
                "it does not start with `PAR1`, the mark of a Parquet file".into(),
            ));
        }
        if !marked(&mut tail, len - 4) {
            return Err(corrupt(
                "it does not end with `PAR1`: its footer is missing (the file is truncated)".into(),
            ));
        }
        let meta = guarded(|| ArrowReaderMetadata::load(&reader, ArrowReaderOptions::new()))
            .map_err(corrupt)?
            .map_err(|e| corrupt(reason(&e)))?;
        let total: i64 = meta
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows().max(0))
            .fold(0i64, i64::saturating_add);
        if total >= i64::from(u32::MAX) {
            return Err(corrupt(format!(
                "it has {total} rows, more than the {} rows Ignition reads from one file",
                u32::MAX - 1
            )));
        }
        let fields = meta.schema().fields().clone();
        let columns: Vec<String> = fields.iter().map(|f| f.name().clone()).collect();
        let mut roots = Vec::with_capacity(schema.columns.len());
        let mut errors = Vec::new();
        for c in &schema.columns {
            let mut at = columns.iter().enumerate().filter(|(_, n)| **n == c.name);
            match (at.next(), at.next()) {
                (Some((i, _)), None) => {
                    let dt = fields[i].data_type();
                    if !fits(kind_of(dt), &c.ty) {
                        errors.push(
                            DataError::ColumnType {
                                file: file_name.clone(),
                                column: c.name.clone(),
                                parquet_type: dt.to_string(),
                                input: schema.name.clone(),
                                expected: db::type_words(&c.ty).0,
                                help: type_fix(&c.ty).to_string(),
                            }
                            .into(),
                        );
                    }
                    roots.push(i);
                }
                (Some(_), Some(_)) => errors.extend(corrupt(format!(
                    "column `{}` appears more than once",
                    c.name
                ))),
                (None, _) => {
                    let help = crate::diagnostics::did_you_mean(
                        &c.name,
                        columns.iter().map(String::as_str),
                    )
                    .map_or_else(
                        || {
                            format!(
                                "add a `{}` column ({}) to the file, or remove it from the plan's `input {}`",
                                c.name, c.ty, schema.name
                            )
                        },
                        |s| {
                            format!(
                                "is `{}` meant to be `{}`? rename the column in the file or the plan",
                                quote(s.as_bytes()),
                                c.name
                            )
                        },
                    );
                    errors.push(
                        DataError::ParquetMissingColumn {
                            file: file_name.clone(),
                            column: c.name.clone(),
                            input: schema.name.clone(),
                            help,
                        }
                        .into(),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let undeclared: Vec<&str> = columns
            .iter()
            .filter(|h| schema.column(h).is_none())
            .map(String::as_str)
            .collect();
        let extra = (!undeclared.is_empty()).then(|| {
            const SHOWN: usize = 10;
            let mut list: Vec<String> = undeclared
                .iter()
                .take(SHOWN)
                .map(|h| quote(h.as_bytes()))
                .collect();
            if undeclared.len() > SHOWN {
                list.push(format!("and {} more", undeclared.len() - SHOWN));
            }
            DataError::ExtraColumns {
                file: file_name.clone(),
                columns: list.join(", "),
            }
            .into()
        });
        Ok(ParquetSource {
            schema,
            file_name,
            reader,
            meta,
            columns,
            roots,
            extra,
            timezone,
        })
    }
}

impl Source for ParquetSource<'_> {
    fn name(&self) -> &str {
        &self.file_name
    }

    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn read(self, out: &mut TableBuilder<'_>, notes: &mut Vec<Diag>) -> Result<(), Vec<Diag>> {
        self.stream(out, notes)
    }
}

// A bad value, kept to be reported: `db::Bad`, shared with the database sources.
use super::db::Bad;

/// One decoded chunk: what the sink made of it, its first row (0-based), its bad values.
struct Done<P> {
    part: P,
    first_row: u32,
    bad: Vec<Bad>,
    bad_count: usize,
}

/// What each chunk's decoding needs.
struct Decode<'s, 'k> {
    schema: &'s TableSchema,
    storage: &'s [Storage],
    known: &'k FxHashMap<Box<[u8]>, Sym>,
    /// The same, looked up by packed bytes (the fast path, `columnar.rs`).
    fast: &'k super::plain::Known,
    /// Per schema column, its column in a decoded batch.
    at: Vec<usize>,
    timezone: Option<i32>,
    file_name: &'s str,
    /// How the page path reads the declared columns (`None`: the Arrow reader reads all).
    pages: Option<super::pages::Plan>,
    /// Row groups read whole through their pages.
    paged: std::sync::atomic::AtomicUsize,
}

impl ParquetSource<'_> {
    /// Ask the Arrow reader for the interned text columns as dictionaries: each distinct
    /// value is then looked up once per batch (`columnar.rs`), not once per row, and the
    /// strings are not copied out of the file's dictionary pages. The same values either
    /// way; the reader's own schema is kept if it refuses the hint.
    fn read_interned_text_as_dictionaries(&mut self, storage: &[Storage]) {
        let schema = self.meta.schema().clone();
        let interned = |i: usize| {
            self.schema
                .columns
                .iter()
                .zip(&self.roots)
                .zip(storage)
                .any(|((c, &r), s)| r == i && c.ty == Type::Text && *s == Storage::Interned)
        };
        let mut changed = false;
        let fields: Vec<arrow_schema::FieldRef> = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| match f.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 if interned(i) => {
                    changed = true;
                    let dict = DataType::Dictionary(
                        Box::new(DataType::Int32),
                        Box::new(f.data_type().clone()),
                    );
                    Arc::new(f.as_ref().clone().with_data_type(dict))
                }
                _ => f.clone(),
            })
            .collect();
        if !changed {
            return;
        }
        let hint = Arc::new(arrow_schema::Schema::new_with_metadata(
            fields,
            schema.metadata().clone(),
        ));
        let options = ArrowReaderOptions::new().with_schema(hint);
        if let Ok(Ok(meta)) =
            guarded(|| ArrowReaderMetadata::try_new(self.meta.metadata().clone(), options))
        {
            self.meta = meta;
        }
    }

    /// Read every row into `out`: row groups decoded (and handed to [`Sink::block`]) in
    /// parallel, stored in file order. Errors stop the table; notes go to `notes`.
    pub fn stream<S: Sink + Send>(
        mut self,
        out: &mut S,
        notes: &mut Vec<Diag>,
    ) -> Result<(), Vec<Diag>> {
        notes.extend(self.extra.take());
        let storage = out.storage().to_vec();
        let known: FxHashMap<Box<[u8]>, Sym> = out
            .strings()
            .iter()
            .map(|(t, sym)| (Box::from(t.as_bytes()), sym))
            .collect();
        let fast = super::plain::Known::new(out.strings());
        self.read_interned_text_as_dictionaries(&storage);
        let md = self.meta.metadata().clone();
        // The projection: the declared columns' top-level columns, which a batch holds in
        // file order.
        let mut wanted = self.roots.clone();
        wanted.sort_unstable();
        wanted.dedup();
        let at = self
            .roots
            .iter()
            .map(|r| wanted.binary_search(r).unwrap_or(0))
            .collect();
        let mask = ProjectionMask::roots(self.meta.parquet_schema(), wanted.iter().copied());
        // The page path, unless a variable asks for the Arrow reader (or the general
        // decoder) to read everything, as the tests that compare the paths do.
        let arrow_only = std::env::var_os("IGNITION_PARQUET_ARROW").is_some()
            || std::env::var_os("IGNITION_PARQUET_GENERAL").is_some();
        let pages = if arrow_only {
            None
        } else {
            super::pages::plan(
                self.meta.parquet_schema(),
                self.meta.schema(),
                self.schema,
                &self.roots,
            )
        };
        let decode = Decode {
            schema: self.schema,
            storage: &storage,
            known: &known,
            fast: &fast,
            at,
            timezone: self.timezone,
            file_name: &self.file_name,
            pages,
            paged: std::sync::atomic::AtomicUsize::new(0),
        };
        let mut groups = Vec::with_capacity(md.num_row_groups());
        let mut first = 0u32;
        for (g, rg) in md.row_groups().iter().enumerate() {
            groups.push((g, first, rg.compressed_size().max(0) as u64));
            first = first.saturating_add(rg.num_rows().max(0) as u32);
        }
        out.reserve(first as usize, 16);
        crate::timing::progress::add_total(groups.iter().map(|g| g.2).sum());
        let blocks = out.blocks();
        let threads = rayon::current_num_threads().max(1);
        let group_count = groups.len();
        let mut bad: Vec<Bad> = Vec::new();
        let mut bad_count = 0usize;
        // Row groups decoded by whichever worker is free, stored in file order (`ordered.rs`).
        super::ordered::map_in_order(
            threads,
            threads * 2,
            groups.into_iter(),
            |(g, first, bytes)| {
                let decoded = self.decode_group(g, first, &mask, &decode, &blocks);
                (decoded, bytes)
            },
            |(decoded, bytes)| {
                for done in decoded? {
                    bad_count += done.bad_count;
                    let room = MAX_ERRORS.saturating_sub(bad.len());
                    bad.extend(done.bad.into_iter().take(room));
                    out.store(done.part, done.first_row);
                }
                crate::timing::progress::advance(bytes);
                Ok::<(), Vec<Diag>>(())
            },
        )?;
        crate::timing::note(&format!(
            "{}: {} of {group_count} row groups read through their pages",
            self.file_name,
            decode.paged.load(std::sync::atomic::Ordering::Relaxed)
        ));
        if bad_count == 0 {
            return Ok(());
        }
        let diags = db::bad_values(&self.file_name, &bad, bad_count);
        Err(diags)
    }

    /// Decode row group `g` (whose first row is `first`, 0-based) chunk by chunk: through
    /// its pages (`pages.rs`) when the plan says they can be, else, or from the chunk where
    /// the page path met a surprise, through the Arrow reader.
    fn decode_group<B: Blocks>(
        &self,
        g: usize,
        first: u32,
        mask: &ProjectionMask,
        decode: &Decode<'_, '_>,
        blocks: &B,
    ) -> Result<Vec<Done<B::Part>>, Vec<Diag>> {
        let mut out = Vec::new();
        let mut row = first;
        let mut resume = 0usize;
        let group = decode
            .pages
            .as_ref()
            .and_then(|p| super::pages::Group::open(p, &self.reader, self.meta.metadata(), g));
        if let Some(mut group) = group {
            let rows = group.rows();
            loop {
                let from = resume * BATCH_ROWS;
                if from >= rows {
                    decode
                        .paged
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Ok(out);
                }
                let n = BATCH_ROWS.min(rows - from);
                let Some((columns, present)) =
                    group.batch(n, decode.schema, decode.storage, decode.fast)
                else {
                    break;
                };
                let chunk = Chunk {
                    columns,
                    present,
                    lines: (1..=n as u32).collect(),
                };
                out.push(Done {
                    part: blocks.block(chunk, ((g as u64) << 20) | resume as u64),
                    first_row: row,
                    bad: Vec::new(),
                    bad_count: 0,
                });
                row = row.saturating_add(n as u32);
                resume += 1;
            }
        }
        let corrupt = |reason: String| {
            vec![DataError::Parquet {
                file: self.file_name.clone(),
                input: self.schema.name.clone(),
                help: unreadable_help(&reason),
                reason: format!("row group {}: {reason}", g + 1),
            }
            .into()]
        };
        let skip = resume * BATCH_ROWS;
        let mut reader = guarded(|| {
            let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(
                self.reader.clone(),
                self.meta.clone(),
            )
            .with_row_groups(vec![g])
            .with_projection(mask.clone())
            .with_batch_size(BATCH_ROWS);
            let builder = if skip > 0 {
                let rows = self.meta.metadata().row_group(g).num_rows().max(0) as usize;
                builder.with_row_selection(RowSelection::from(vec![
                    RowSelector::skip(skip),
                    RowSelector::select(rows.saturating_sub(skip)),
                ]))
            } else {
                builder
            };
            builder.build()
        })
        .map_err(corrupt)?
        .map_err(|e| corrupt(reason(&e)))?;
        // The symbols of each text column's dictionary, kept from batch to batch of the
        // row group (its batches share one dictionary).
        let mut dictionaries = super::columnar::Dictionaries::default();
        for i in resume.. {
            let Some(batch) = guarded(|| reader.next()).map_err(corrupt)? else {
                break;
            };
            let batch = batch.map_err(|e| corrupt(reason(&e)))?;
            let n = batch.num_rows() as u32;
            let (chunk, bad, bad_count) = decode.chunk(&batch, row, &mut dictionaries);
            out.push(Done {
                part: blocks.block(chunk, ((g as u64) << 20) | i as u64),
                first_row: row,
                bad,
                bad_count,
            });
            row = row.saturating_add(n);
        }
        Ok(out)
    }
}

/// One value of an Arrow column, as read.
enum Val<'a> {
    /// A string.
    Str(&'a str),
    /// Bytes of a binary column (text when they are UTF-8).
    Bin(&'a [u8]),
    /// An integer.
    Int(i128),
    /// A decimal: its unscaled value and scale.
    Dec(i128, i8),
    /// A wide decimal, as its unscaled digits, and its scale.
    Wide(String, i8),
    /// A float, as the shortest text that reads back as it.
    Float(String),
    /// Days since 1970-01-01.
    Day(i64),
    /// A timestamp: units since 1970-01-01T00:00, units per second, and whether it is an
    /// instant (a time zone is set: the value is UTC) or a local time.
    Stamp(i64, i64, bool),
    /// A boolean.
    Bool(bool),
}

/// A column's values, read one at a time.
type Get<'a> = Box<dyn Fn(usize) -> Val<'a> + 'a>;

/// The reader of a column's values (`None`: a type Ignition does not read).
fn getter(a: &dyn Array) -> Option<Get<'_>> {
    macro_rules! int {
        ($t:ty) => {{
            let p = a.as_primitive_opt::<$t>()?;
            Box::new(move |r| Val::Int(i128::from(p.value(r))))
        }};
    }
    macro_rules! stamp {
        ($t:ty, $per:expr, $tz:expr) => {{
            let p = a.as_primitive_opt::<$t>()?;
            let tz = $tz;
            Box::new(move |r| Val::Stamp(p.value(r), $per, tz))
        }};
    }
    Some(match a.data_type() {
        DataType::Utf8 => {
            let s = a.as_string_opt::<i32>()?;
            Box::new(move |r| Val::Str(s.value(r)))
        }
        DataType::LargeUtf8 => {
            let s = a.as_string_opt::<i64>()?;
            Box::new(move |r| Val::Str(s.value(r)))
        }
        DataType::Utf8View => {
            let s = a.as_string_view_opt()?;
            Box::new(move |r| Val::Str(s.value(r)))
        }
        DataType::Binary => {
            let s = a.as_binary_opt::<i32>()?;
            Box::new(move |r| Val::Bin(s.value(r)))
        }
        DataType::LargeBinary => {
            let s = a.as_binary_opt::<i64>()?;
            Box::new(move |r| Val::Bin(s.value(r)))
        }
        DataType::BinaryView => {
            let s = a.as_binary_view_opt()?;
            Box::new(move |r| Val::Bin(s.value(r)))
        }
        DataType::Dictionary(..) => {
            let d = a.as_any_dictionary_opt()?;
            let keys = d.normalized_keys();
            let values = getter(d.values().as_ref())?;
            let n = d.values().len();
            // A key past the values (only a null's key may be) reads as an empty string.
            Box::new(move |r| match keys.get(r) {
                Some(&k) if k < n => values(k),
                _ => Val::Str(""),
            })
        }
        DataType::Int8 => int!(Int8Type),
        DataType::Int16 => int!(Int16Type),
        DataType::Int32 => int!(Int32Type),
        DataType::Int64 => int!(Int64Type),
        DataType::UInt8 => int!(UInt8Type),
        DataType::UInt16 => int!(UInt16Type),
        DataType::UInt32 => int!(UInt32Type),
        DataType::UInt64 => int!(UInt64Type),
        DataType::Float32 => {
            let p = a.as_primitive_opt::<Float32Type>()?;
            Box::new(move |r| Val::Float(format!("{}", p.value(r))))
        }
        DataType::Float64 => {
            let p = a.as_primitive_opt::<Float64Type>()?;
            Box::new(move |r| Val::Float(format!("{}", p.value(r))))
        }
        DataType::Decimal32(_, s) => {
            let p = a.as_primitive_opt::<Decimal32Type>()?;
            let s = *s;
            Box::new(move |r| Val::Dec(i128::from(p.value(r)), s))
        }
        DataType::Decimal64(_, s) => {
            let p = a.as_primitive_opt::<Decimal64Type>()?;
            let s = *s;
            Box::new(move |r| Val::Dec(i128::from(p.value(r)), s))
        }
        DataType::Decimal128(_, s) => {
            let p = a.as_primitive_opt::<Decimal128Type>()?;
            let s = *s;
            Box::new(move |r| Val::Dec(p.value(r), s))
        }
        DataType::Decimal256(_, s) => {
            let p = a.as_primitive_opt::<Decimal256Type>()?;
            let s = *s;
            Box::new(move |r| Val::Wide(p.value(r).to_string(), s))
        }
        DataType::Date32 => {
            let p = a.as_primitive_opt::<Date32Type>()?;
            Box::new(move |r| Val::Day(i64::from(p.value(r))))
        }
        DataType::Date64 => {
            let p = a.as_primitive_opt::<Date64Type>()?;
            Box::new(move |r| Val::Day(p.value(r).div_euclid(86_400_000)))
        }
        DataType::Timestamp(unit, tz) => {
            let tz = tz.is_some();
            match unit {
                TimeUnit::Second => stamp!(TimestampSecondType, 1, tz),
                TimeUnit::Millisecond => stamp!(TimestampMillisecondType, 1_000, tz),
                TimeUnit::Microsecond => stamp!(TimestampMicrosecondType, 1_000_000, tz),
                TimeUnit::Nanosecond => stamp!(TimestampNanosecondType, 1_000_000_000, tz),
            }
        }
        DataType::Boolean => {
            let b = a.as_boolean_opt()?;
            Box::new(move |r| Val::Bool(b.value(r)))
        }
        _ => return None,
    })
}

/// A proleptic Gregorian date from days since 1970-01-01 (H. Hinnant's civil_from_days).
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A day since 1970-01-01 as `YYYY-MM-DD` (a year past 9999 or before 0 is written as it
/// is, and is then not a date the CSV rules read).
fn day_text(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A decimal's text from its unscaled digits and scale (`1234550`, 2 → `12345.50`).
fn scaled(digits: &str, scale: i8) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", digits),
    };
    if scale <= 0 {
        let zeros = "0".repeat(usize::from(scale.unsigned_abs()));
        return if digits == "0" {
            "0".into()
        } else {
            format!("{sign}{digits}{zeros}")
        };
    }
    let s = usize::from(scale.unsigned_abs());
    let padded = if digits.len() <= s {
        format!("{}{digits}", "0".repeat(s + 1 - digits.len()))
    } else {
        digits.to_string()
    };
    let (int, frac) = padded.split_at(padded.len() - s);
    format!("{sign}{int}.{frac}")
}

impl Val<'_> {
    /// The value as text: what a text column stores, what an error quotes, and what the
    /// CSV rules check when no faster path applies.
    fn text(&self) -> Cow<'_, str> {
        match self {
            Val::Str(t) => (*t).into(),
            Val::Bin(b) => String::from_utf8_lossy(b),
            Val::Int(i) => i.to_string().into(),
            Val::Dec(v, s) => scaled(&v.to_string(), *s).into(),
            Val::Wide(v, s) => scaled(v, *s).into(),
            Val::Float(f) => f.as_str().into(),
            Val::Day(d) => day_text(*d).into(),
            Val::Stamp(v, per, instant) => {
                let secs = v.div_euclid(*per);
                let sub = v.rem_euclid(*per);
                let tod = secs.rem_euclid(86_400);
                let mut t = format!(
                    "{}T{:02}:{:02}:{:02}",
                    day_text(secs.div_euclid(86_400)),
                    tod / 3600,
                    tod / 60 % 60,
                    tod % 60
                );
                if sub != 0 {
                    let width = per.to_string().len() - 1;
                    t.push_str(&format!(".{sub:0width$}"));
                }
                if *instant {
                    t.push('Z');
                }
                t.into()
            }
            Val::Bool(b) => if *b { "true" } else { "false" }.into(),
        }
    }

    /// The kind the CSV rules check this value's text as.
    fn kind(&self) -> Kind {
        match self {
            Val::Str(_) | Val::Bin(_) => Kind::Text,
            Val::Int(_) => Kind::Integer,
            // A float's text is the exact decimal it stands for (or it was refused).
            Val::Dec(..) | Val::Wide(..) | Val::Float(_) => Kind::Numeric,
            Val::Day(_) => Kind::Date,
            Val::Stamp(_, _, false) => Kind::Timestamp,
            Val::Stamp(_, _, true) => Kind::TimestampTz,
            Val::Bool(_) => Kind::Bool,
        }
    }
}

/// Why a value was refused: by the CSV rules, or a float that is not exact.
enum Refusal {
    Rules(Refused),
    Inexact,
}

/// Check one (non-null) value by the declared type. Integers, decimals, dates and booleans
/// that are plainly of the type take a fast path; every other value is checked as its text
/// is by a database source, with the rules of a CSV cell.
fn check(ty: &Type, v: &Val<'_>, tz: Option<i32>) -> Result<Parsed, Refusal> {
    let exact_decimal = |v: i128, s: i8| {
        (0..=28)
            .contains(&s)
            .then(|| v.unsigned_abs() < 10u128.pow(28))
            .filter(|ok| *ok)
            .and_then(|_| Decimal::try_from_i128_with_scale(v, s as u32).ok())
    };
    let fast = match (ty, v) {
        (Type::Text, _) => Some(Parsed::Text),
        (Type::Bool, Val::Bool(b)) => Some(Parsed::Bool(*b)),
        (Type::Bool, Val::Int(i @ (0 | 1))) => Some(Parsed::Bool(*i == 1)),
        (Type::Date, Val::Day(d)) => {
            let day = d.saturating_add(UNIX_EPOCH_DAY);
            // Years 0000–9999, as a CSV date: a day beyond is checked (and refused) below.
            (-365..=3_652_059)
                .contains(&day)
                .then_some(Parsed::Date(day as i32))
        }
        (Type::Date | Type::Bool, _) => None,
        (_, Val::Int(i)) => i64::try_from(*i)
            .ok()
            .map(|i| Parsed::Num(Decimal::from(i))),
        (Type::Integer, Val::Dec(v, s)) => exact_decimal(*v, *s)
            .filter(|d| d.fract().is_zero())
            .map(|d| Parsed::Num(d.normalize())),
        (_, Val::Dec(v, s)) => exact_decimal(*v, *s).map(Parsed::Num),
        _ => None,
    };
    if let Some(p) = fast {
        return Ok(p);
    }
    let text = v.text();
    let text = match v {
        Val::Float(f) => Cow::Owned(db::exact_float(f).ok_or(Refusal::Inexact)?),
        _ => text,
    };
    db::parse(ty, v.kind(), &text, tz).map_err(Refusal::Rules)
}

/// Why a value is bad.
enum Problem {
    /// Bytes that are not UTF-8 text.
    NotUtf8,
    /// Refused by its declared type.
    Refused(Refusal),
    /// Negative in a column declared `>= 0`.
    Negative,
    /// Null (or an empty string) in a required column.
    Empty,
}

/// One column's values while a chunk is decoded.
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

impl Buf {
    fn new(c: &ColumnSchema, s: Storage, rows: usize) -> Buf {
        match (&c.ty, s) {
            (Type::Text, Storage::Interned) => Buf::Text {
                map: FxHashMap::default(),
                new: Vec::new(),
                syms: Vec::with_capacity(rows),
            },
            (Type::Text, Storage::Raw) => Buf::Raw {
                bytes: Vec::new(),
                ends: Vec::with_capacity(rows),
            },
            (Type::Date, _) => Buf::Date(Vec::with_capacity(rows)),
            (Type::Bool, _) => Buf::Bool(Vec::with_capacity(rows)),
            _ => Buf::Num(Vec::with_capacity(rows)),
        }
    }

    /// Append a value (`text` for a text column; `parsed` for the others, a default when
    /// the cell is empty or bad).
    fn push(&mut self, text: &[u8], parsed: Option<&Parsed>, known: &FxHashMap<Box<[u8]>, Sym>) {
        match self {
            Buf::Text { map, new, syms } => {
                let sym = if let Some(&g) = known.get(text) {
                    g | table::KNOWN
                } else if let Some(&s) = map.get(text) {
                    s
                } else {
                    let s = new.len() as u32;
                    new.push(text.to_vec());
                    map.insert(text.to_vec(), s);
                    s
                };
                syms.push(sym);
            }
            Buf::Raw { bytes, ends } => {
                bytes.extend_from_slice(text);
                ends.push(bytes.len() as u64);
            }
            Buf::Num(v) => v.push(match parsed {
                Some(Parsed::Num(n)) => *n,
                _ => Decimal::ZERO,
            }),
            Buf::Date(v) => v.push(match parsed {
                Some(Parsed::Date(d)) => *d,
                _ => 0,
            }),
            Buf::Bool(v) => v.push(matches!(parsed, Some(Parsed::Bool(true)))),
        }
    }

    fn finish(self) -> ChunkColumn {
        match self {
            Buf::Text { new, syms, .. } => ChunkColumn::Text { new, syms },
            Buf::Raw { bytes, ends } => ChunkColumn::Raw { bytes, ends },
            Buf::Num(v) => ChunkColumn::Num(v),
            Buf::Date(v) => ChunkColumn::Date(v),
            Buf::Bool(v) => ChunkColumn::Bool(v),
        }
    }
}

impl Decode<'_, '_> {
    /// A decoded batch as a chunk (rows numbered from 1; `first` rows come before it), with
    /// its bad values (the first few) and their count.
    fn chunk(
        &self,
        batch: &RecordBatch,
        first: u32,
        dictionaries: &mut super::columnar::Dictionaries,
    ) -> (Chunk, Vec<Bad>, usize) {
        let n = batch.num_rows();
        // Whole columns when every value is plainly of its type; else value by value below.
        if std::env::var_os("IGNITION_PARQUET_GENERAL").is_none() {
            if let Some((columns, present)) = super::columnar::batch(
                batch,
                self.schema,
                self.storage,
                &self.at,
                self.fast,
                dictionaries,
            ) {
                let lines = (1..=n as u32).collect();
                return (
                    Chunk {
                        columns,
                        present,
                        lines,
                    },
                    Vec::new(),
                    0,
                );
            }
        }
        let mut bad = Vec::new();
        let mut bad_count = 0usize;
        let mut columns = Vec::with_capacity(self.schema.columns.len());
        let mut present = Vec::with_capacity(self.schema.columns.len());
        for (ci, col) in self.schema.columns.iter().enumerate() {
            let array = batch.column(self.at[ci]);
            let nulls = array.logical_nulls();
            let mut buf = Buf::new(col, self.storage[ci], n);
            let mut here = col.optional.then(|| Vec::with_capacity(n));
            // Checked when the file was opened: every declared column has a type read here.
            let get = getter(array.as_ref());
            for r in 0..n {
                let value = match &get {
                    Some(get) if !nulls.as_ref().is_some_and(|b| b.is_null(r)) => Some(get(r)),
                    _ => None,
                };
                // Text is trimmed, and an empty string is an empty cell, as in a CSV file;
                // bytes are text only when they are UTF-8.
                let mut problem = None;
                let value = match value {
                    Some(Val::Bin(b)) => match std::str::from_utf8(b) {
                        Ok(t) => Some(Val::Str(t)),
                        Err(_) => {
                            problem = Some(Problem::NotUtf8);
                            Some(Val::Bin(b))
                        }
                    },
                    v => v,
                };
                let value = match value {
                    Some(Val::Str(t)) => Some(Val::Str(t.trim())).filter(|_| !t.trim().is_empty()),
                    v => v,
                };
                let parsed = match &value {
                    Some(_) if problem.is_some() => None,
                    Some(v) => match check(&col.ty, v, self.timezone) {
                        Ok(p) => {
                            if col.nonneg
                                && matches!(&p, Parsed::Num(x) if x.is_sign_negative() && !x.is_zero())
                            {
                                problem = Some(Problem::Negative);
                            }
                            Some(p)
                        }
                        Err(why) => {
                            problem = Some(Problem::Refused(why));
                            None
                        }
                    },
                    None => {
                        if !col.optional {
                            problem = Some(Problem::Empty);
                        }
                        None
                    }
                };
                if let Some(p) = problem {
                    bad_count += 1;
                    if bad.len() < MAX_ERRORS {
                        let shown = value.as_ref().map(Val::text).unwrap_or_default();
                        let expected = db::type_words(&col.ty).0;
                        let column = col.name.clone();
                        bad.push(self.bad(batch, r, first, ci, |span| match p {
                            Problem::NotUtf8 => DataError::NotUtf8 {
                                value: quote(shown.as_bytes()),
                                column,
                                expected,
                                span,
                            },
                            Problem::Refused(Refusal::Inexact) => DataError::NotOfType {
                                value: quote(shown.as_bytes()),
                                column,
                                expected,
                                span,
                                help: INEXACT.to_string(),
                            },
                            Problem::Refused(Refusal::Rules(why)) => {
                                db::refusal(why, &col.ty, &shown, &column, span)
                            }
                            Problem::Negative => DataError::Negative {
                                value: shown.into_owned(),
                                column,
                                ty: col.ty.to_string(),
                                span,
                            },
                            Problem::Empty => DataError::EmptyCell {
                                column,
                                ty: col.ty.to_string(),
                                span,
                            },
                        }));
                    }
                }
                if let Some(h) = &mut here {
                    h.push(parsed.is_some());
                }
                // Only a text column stores the text (a number or date declared text is
                // stored as its text).
                let stored: Cow<'_, str> = match (&col.ty, &value, &parsed) {
                    (Type::Text, Some(Val::Str(t)), Some(_)) => Cow::Borrowed(*t),
                    (Type::Text, Some(v), Some(_)) => v.text(),
                    _ => Cow::Borrowed(""),
                };
                buf.push(stored.as_bytes(), parsed.as_ref(), self.known);
            }
            columns.push(buf.finish());
            present.push(here);
        }
        let chunk = Chunk {
            columns,
            present,
            lines: (1..=n as u32).collect(),
        };
        (chunk, bad, bad_count)
    }

    /// A bad value in row `r` of `batch` (whose first row is file row `first` + 1), column
    /// `at`: the row as `column: value, …` with the value marked, and its key.
    fn bad(
        &self,
        batch: &RecordBatch,
        r: usize,
        first: u32,
        at: usize,
        error: impl FnOnce(miette::SourceSpan) -> DataError,
    ) -> Bad {
        let row = first.saturating_add(r as u32 + 1);
        let cell = |ci: usize| -> Option<String> {
            let a = batch.column(self.at[ci]);
            if a.logical_nulls().is_some_and(|b| b.is_null(r)) {
                return None;
            }
            getter(a.as_ref()).map(|g| g(r).text().into_owned())
        };
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
            match cell(ci) {
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
            .and_then(|k| cell(k.index()).map(|v| (k, v)))
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
        Bad {
            at: format!("{}, row {row}{key}", self.file_name),
            row,
            excerpt,
            start,
            end,
            error: error(span),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_decimals_are_written_as_csv_cells_are() {
        assert_eq!(day_text(0), "1970-01-01");
        assert_eq!(day_text(20_454), "2026-01-01");
        assert_eq!(day_text(-1), "1969-12-31");
        assert_eq!(scaled("1234550", 2), "12345.50");
        assert_eq!(scaled("-5", 2), "-0.05");
        assert_eq!(scaled("0", 2), "0.00");
        assert_eq!(scaled("12", -2), "1200");
        assert_eq!(scaled("12", 0), "12");
        // 2026-01-01 is day 20454 after 1970-01-01: the same day number as the CSV text.
        assert_eq!(
            Some(20_454 + UNIX_EPOCH_DAY as i32),
            super::super::cells::date(b"2026-01-01")
        );
        assert_eq!(super::super::cells::date(b"0000-01-01"), Some(-365));
        assert_eq!(super::super::cells::date(b"9999-12-31"), Some(3_652_059));
    }

    #[test]
    fn values_are_checked_by_the_declared_type() {
        let money = Type::Money("EUR".into());
        let num = |ty: &Type, v: Val<'_>| match check(ty, &v, None) {
            Ok(Parsed::Num(n)) => Some(n.to_string()),
            _ => None,
        };
        assert_eq!(
            num(&money, Val::Dec(4_000_000, 2)).as_deref(),
            Some("40000.00")
        );
        assert_eq!(num(&money, Val::Int(-7)).as_deref(), Some("-7"));
        assert_eq!(
            num(&money, Val::Float("1234.5".into())).as_deref(),
            Some("1234.5")
        );
        assert!(matches!(
            check(&money, &Val::Float("0.30000000000000004".into()), None),
            Err(Refusal::Inexact)
        ));
        assert_eq!(num(&money, Val::Str("1,234.50")), None);
        assert_eq!(
            num(&Type::Integer, Val::Dec(1200, 2)).as_deref(),
            Some("12")
        );
        assert_eq!(num(&Type::Integer, Val::Dec(1250, 2)), None);
        // 29 digits: more than a decimal holds exactly, refused rather than rounded.
        assert_eq!(num(&money, Val::Wide("1".repeat(29), 0)), None);
        assert!(matches!(
            check(&Type::Date, &Val::Day(20_454), None),
            Ok(Parsed::Date(d)) if Some(d) == super::super::cells::date(b"2026-01-01")
        ));
        // 23:30 UTC on Jan 31 is Feb 1 at UTC+1; without a zone in the plan, an error.
        let stamp = Val::Stamp((20_454 + 30) * 86_400 + 23 * 3600 + 1800, 1, true);
        assert_eq!(stamp.text(), "2026-01-31T23:30:00Z");
        assert!(matches!(
            check(&Type::Date, &stamp, Some(60)),
            Ok(Parsed::Date(d)) if Some(d) == super::super::cells::date(b"2026-02-01")
        ));
        assert!(matches!(
            check(&Type::Date, &stamp, None),
            Err(Refusal::Rules(Refused::NeedsZone(_)))
        ));
        assert_eq!(
            Val::Stamp(1_500, 1_000, false).text(),
            "1970-01-01T00:00:01.500"
        );
        assert!(matches!(
            check(&Type::Bool, &Val::Int(1), None),
            Ok(Parsed::Bool(true))
        ));
        assert!(check(&Type::Bool, &Val::Int(2), None).is_err());
    }
}
