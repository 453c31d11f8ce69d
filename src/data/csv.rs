//! The CSV source: a file read in parallel chunks into typed columns, each row with the
//! line it starts on; its header checked against the input's schema, and every bad cell
//! reported with an excerpt of its line.

use super::cells;
use super::error::{At, DataError};
use super::records::{cut_points_knowing, read_record, skip_line, Fields, RecordError};
use super::table::{
    self, Blocks, Chunk, ChunkColumn, Sink, Source, Storage, Table, TableBuilder, KNOWN,
};
use crate::diagnostics::{quote, Diag, SourceFile};
use crate::intern::Interner;
use crate::ir::TableSchema;
use crate::types::Type;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::io::Read;

/// Bytes read at a time: the few chunks being parsed stay in the processor's cache
/// between the read that copies them in and the parse.
const CHUNK: usize = 4 << 20;
/// Blocks a chunk is cut into, parsed by whichever worker is free.
const BLOCKS_PER_CHUNK: usize = 8;
/// Blocks out (read and not yet stored) per worker.
const BLOCKS_AHEAD: usize = 12;

/// A chunk's buffer, handed back to the reader when the last block that reads it is done.
struct Returned {
    bytes: Vec<u8>,
    to: std::sync::mpsc::Sender<Vec<u8>>,
}

impl Drop for Returned {
    fn drop(&mut self) {
        let _ = self.to.send(std::mem::take(&mut self.bytes));
    }
}

/// One block of a chunk for a worker to parse; `seq` grows with its place in the file.
struct Job {
    data: std::sync::Arc<Returned>,
    from: usize,
    to: usize,
    quotes: bool,
    seq: u64,
}

/// A parsed block of a sink `S`.
type DoneOf<S> = Done<<<S as Sink>::Blocks as Blocks>::Part>;

const MAX_ERRORS: usize = 20;

/// A problem with one cell or record, before it is rendered.
pub(super) struct BadCell {
    line: u32,
    /// The line around the cell, escaped and cut for display (line numbers set when rendered).
    excerpt: std::sync::Arc<SourceFile>,
    /// Where in `excerpt` (also the error's label).
    span: miette::SourceSpan,
    error: DataError,
}

/// A parsed block that owns its data (so the read buffer can be reused while it is stored):
/// its rows (lines relative to the block) as the sink made them, and its bad cells.
struct Done<P> {
    part: P,
    /// Rows, and bytes of raw text, in the block (to size the table).
    rows: usize,
    raw: usize,
    newlines: u32,
    errors: Vec<BadCell>,
    error_count: usize,
}

/// Store a parsed block whose first line is `line_base`: its rows go to `out`, its bad cells
/// are counted (the first few kept). Returns the next block's first line.
fn store<S: Sink>(
    b: Done<<S::Blocks as Blocks>::Part>,
    line_base: u32,
    out: &mut S,
    errors: &mut Vec<BadCell>,
    count: &mut usize,
) -> u32 {
    let Done {
        part,
        newlines,
        errors: bad,
        error_count,
        ..
    } = b;
    for e in bad {
        if errors.len() < MAX_ERRORS {
            errors.push(BadCell {
                line: e.line + line_base,
                ..e
            });
        }
    }
    *count += error_count;
    out.store(part, line_base);
    line_base + newlines
}

fn finish_block<B: Blocks>(b: Block<'_>, sink: &B, seq: u64) -> Done<B::Part> {
    let columns: Vec<ChunkColumn> = b
        .cols
        .into_iter()
        .map(|c| match c {
            ColBuf::Text {
                local, syms, owned, ..
            } => {
                let base = local.len() as u32;
                let syms = syms
                    .into_iter()
                    .map(|s| {
                        if s & KNOWN != 0 {
                            s
                        } else if s & OWNED != 0 {
                            base + (s & !OWNED)
                        } else {
                            s
                        }
                    })
                    .collect();
                let mut new: Vec<Vec<u8>> = local.into_iter().map(<[u8]>::to_vec).collect();
                new.extend(owned);
                ChunkColumn::Text { new, syms }
            }
            ColBuf::Raw { bytes, ends } => ChunkColumn::Raw { bytes, ends },
            ColBuf::Num(v) => ChunkColumn::Num(v),
            ColBuf::Date(v) => ChunkColumn::Date(v),
            ColBuf::Bool(v) => ChunkColumn::Bool(v),
        })
        .collect();
    let rows = b.lines.len();
    let raw = columns
        .iter()
        .map(|c| match c {
            ChunkColumn::Raw { bytes, .. } => bytes.len(),
            _ => 0,
        })
        .sum();
    // A block with bad cells is not handed on: the table will not be used.
    let chunk = Chunk {
        columns,
        present: b.present,
        lines: b.lines,
    };
    Done {
        part: sink.block(chunk, seq),
        rows,
        raw,
        newlines: b.newlines,
        errors: b.errors,
        error_count: b.error_count,
    }
}

/// A cell's value between validation and storage.
#[derive(Clone, Copy)]
enum Parsed {
    Empty,
    Text,
    Num(Decimal),
    Date(i32),
    Bool(bool),
}

pub(super) enum ColBuf<'a> {
    Text {
        map: FxHashMap<&'a [u8], u32>,
        local: Vec<&'a [u8]>,
        syms: Vec<u32>,
        owned: Vec<Vec<u8>>,
    },
    Raw {
        bytes: Vec<u8>,
        ends: Vec<u64>,
    },
    Num(Vec<Decimal>),
    Date(Vec<i32>),
    Bool(Vec<bool>),
}

/// A parsed block: its columns, each row's line relative to the block, and its bad cells.
pub(super) struct Block<'a> {
    pub(super) cols: Vec<ColBuf<'a>>,
    pub(super) present: Vec<Option<Vec<bool>>>,
    pub(super) lines: Vec<u32>,
    pub(super) newlines: u32,
    pub(super) errors: Vec<BadCell>,
    pub(super) error_count: usize,
}

/// Read a CSV file into a table of the given schema. `storage` says, per column, whether
/// text is interned. `strings` continues the plan's interner.
pub fn load(
    schema: &TableSchema,
    path: &std::path::Path,
    format: Format,
    storage: &[Storage],
    strings: &mut Interner,
    notes: &mut Vec<Diag>,
) -> Result<Table, Vec<Diag>> {
    table::read(
        CsvSource::open(schema, path, format)?,
        schema,
        storage,
        strings,
        notes,
    )
}

/// How to read one input's CSV file: what the plan and the command line say about it
/// (a project file may later set the same per input).
#[derive(Debug, Default, Clone, Copy)]
pub struct Format {
    /// The byte between fields; `None`: detected from the header (`,`, `;` or tab).
    pub delimiter: Option<u8>,
    /// The plan's time zone, in minutes east of UTC: the zone whose day a timestamp with a
    /// time falls on. `None`: the plan names none, and a timestamp is an error.
    pub timezone: Option<i32>,
}

/// The delimiters the header is tried with, in order of preference.
const DETECTED: [u8; 3] = [b',', b';', b'\t'];

/// A delimiter as the diagnostics name it.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b',' => "`,` (comma)".to_string(),
        b';' => "`;` (semicolon)".to_string(),
        b'\t' => "tab".to_string(),
        b'|' => "`|` (pipe)".to_string(),
        _ => format!("`{}`", char::from(d).escape_default()),
    }
}

/// A delimiter as it is written on the command line.
fn delimiter_arg(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        _ => format!("'{}'", char::from(d)),
    }
}

/// The header's names when split on `delim`, trimmed (`None` if a quote is not closed).
fn header_names(buf: &[u8], delim: u8) -> Option<(Vec<String>, usize, u32)> {
    let mut fields = Fields::default();
    let (after, newlines) = read_record(buf, 0, &mut fields, delim).ok()?;
    let names = (0..fields.len())
        .map(|i| {
            String::from_utf8_lossy(fields.get(buf, i))
                .trim()
                .to_string()
        })
        .collect();
    Some((names, after, newlines))
}

/// How many of the schema's columns `names` has (linear in both: a header may be wide).
fn found(schema: &TableSchema, names: &[String]) -> usize {
    let names: rustc_hash::FxHashSet<&str> = names.iter().map(String::as_str).collect();
    schema
        .columns
        .iter()
        .filter(|c| names.contains(c.name.as_str()))
        .count()
}

/// A CSV file opened for an input: its header read and checked against the schema.
pub struct CsvSource<'a> {
    schema: &'a TableSchema,
    /// The path, escaped for display.
    file_name: String,
    file: std::fs::File,
    /// The bytes read so far after the header.
    buf: Vec<u8>,
    at_eof: bool,
    /// The header's names, trimmed.
    header: Vec<String>,
    /// Per schema column, its field in a record.
    positions: Vec<usize>,
    /// The line the first record starts on.
    first_line: u32,
    /// The note about columns the plan does not declare.
    extra: Option<Diag>,
    /// The byte between fields, and the plan's time zone.
    format: Format,
}

impl<'a> CsvSource<'a> {
    /// Open `path` for the input `schema` and check its header: the file must be readable
    /// and regular, and its header must name every declared column once.
    pub fn open(
        schema: &'a TableSchema,
        path: &std::path::Path,
        format: Format,
    ) -> Result<CsvSource<'a>, Vec<Diag>> {
        let file_name = crate::diagnostics::escape(&path.display().to_string()).into_owned();
        let mut file = open_regular(path).map_err(|e| {
            vec![DataError::Unreadable {
                file: file_name.clone(),
                input: schema.name.clone(),
                reason: e.to_string(),
            }
            .into()]
        })?;
        let read_err = |e: std::io::Error| {
            vec![DataError::ReadFailed {
                file: file_name.clone(),
                reason: e.to_string(),
            }
            .into()]
        };
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + (1 << 20));
        let at_eof = fill(&mut file, &mut buf, CHUNK).map_err(read_err)?;
        // Header
        if buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        let mut fields = Fields::default();
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(vec![DataError::EmptyFile {
                file: file_name,
                columns: header_hint(schema),
            }
            .into()]);
        }
        if let Some(d) = lone_carriage_return(&buf, &file_name) {
            return Err(vec![d]);
        }
        // The delimiter: the one given, or the one that splits the header into the most
        // declared columns (a comma when none does better).
        let delim = format.delimiter.unwrap_or_else(|| {
            let mut best = (b',', 0);
            for d in DETECTED {
                let n = header_names(&buf, d).map_or(0, |(names, _, _)| found(schema, &names));
                if n > best.1 {
                    best = (d, n);
                }
            }
            best.0
        });
        let given = format.delimiter;
        let format = Format {
            delimiter: Some(delim),
            ..format
        };
        let (after_header, header_newlines) =
            read_record(&buf, 0, &mut fields, delim).map_err(|_| {
                vec![DataError::HeaderQuote {
                    file: file_name.clone(),
                    columns: header_hint(schema),
                }
                .into()]
            })?;
        let header_bytes = trim_eol(&buf[..after_header]);
        let header: Vec<String> = (0..fields.len())
            .map(|i| {
                String::from_utf8_lossy(fields.get(&buf, i))
                    .trim()
                    .to_string()
            })
            .collect();
        let missing = schema.columns.len() - found(schema, &header);
        if missing > 1 {
            // Many missing columns at once: is the file separated by another character?
            let other = DETECTED
                .iter()
                .chain(b"|")
                .filter(|&&d| d != delim)
                .filter_map(|&d| {
                    header_names(&buf, d).map(|(names, _, _)| (d, found(schema, &names)))
                })
                .filter(|&(_, n)| n > schema.columns.len() - missing)
                .max_by_key(|&(_, n)| n);
            let (src, span) =
                SourceFile::data_line(&file_name, header_bytes, 1, 0, header_bytes.len());
            let error = match other {
                Some((d, n)) => Some(DataError::WrongDelimiter {
                    file: file_name.clone(),
                    given: delimiter_name(delim),
                    found: delimiter_name(d),
                    columns: n,
                    total: schema.columns.len(),
                    span,
                    help: if given.is_some() && DETECTED.contains(&d) {
                        format!(
                            "pass `--delimiter {}`, or leave `--delimiter` out: the delimiter is detected from the header",
                            delimiter_arg(d)
                        )
                    } else {
                        format!(
                            "pass `--delimiter {}` (a comma, a semicolon and a tab are detected, other characters are not)",
                            delimiter_arg(d)
                        )
                    },
                }),
                None if header.len() == 1 => Some(DataError::NoDelimiter {
                    file: file_name.clone(),
                    given: std::iter::once(delim)
                        .chain(DETECTED.into_iter().filter(|&d| d != delim))
                        .map(delimiter_name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    span,
                    help: format!(
                        "is it the file of input `{}`? its first line names the columns, separated by a comma, a semicolon or a tab: {}; for another character pass `--delimiter`",
                        schema.name,
                        header_hint(schema)
                    ),
                }),
                None => None,
            };
            if let Some(e) = error {
                return Err(vec![Diag::from(e).in_source(&src)]);
            }
        }
        let mut positions = Vec::with_capacity(schema.columns.len());
        let mut header_errors = Vec::new();
        // Every header name once, with its first position: lookups and the duplicate check are
        // linear in the width of the header.
        let mut first: FxHashMap<&str, usize> = FxHashMap::default();
        let mut repeated: Vec<&str> = Vec::new();
        let mut repeats: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        for (i, h) in header.iter().enumerate() {
            if first.contains_key(h.as_str()) {
                if repeats.insert(h.as_str()) && repeated.len() < MAX_ERRORS {
                    repeated.push(h.as_str());
                }
            } else {
                first.insert(h.as_str(), i);
            }
        }
        for c in &schema.columns {
            match first.get(c.name.as_str()) {
                Some(&p) => positions.push(p),
                None => {
                    let hint = crate::diagnostics::did_you_mean(&c.name, header.iter().map(String::as_str))
                    .map_or_else(|| format!("add a `{}` column ({}) to the file, or remove it from the plan's `input {}`", c.name, c.ty, schema.name), |s| format!("is `{}` meant to be `{}`? rename the column in the file or the plan", quote(s.as_bytes()), c.name));
                    let (src, span) =
                        SourceFile::data_line(&file_name, header_bytes, 1, 0, header_bytes.len());
                    header_errors.push(
                        Diag::from(DataError::MissingColumn {
                            file: file_name.clone(),
                            column: c.name.clone(),
                            input: schema.name.clone(),
                            span,
                            help: hint,
                        })
                        .in_source(&src),
                    );
                    positions.push(usize::MAX);
                }
            }
        }
        for h in &repeated {
            header_errors.push(
                DataError::RepeatedColumn {
                    file: file_name.clone(),
                    column: quote(h.as_bytes()),
                }
                .into(),
            );
        }
        if repeats.len() > repeated.len() {
            header_errors.push(
                DataError::MoreRepeatedColumns {
                    file: file_name.clone(),
                    more: repeats.len() - repeated.len(),
                    total: repeats.len(),
                }
                .into(),
            );
        }
        if header_errors.is_empty() && std::str::from_utf8(header_bytes).is_err() {
            header_errors.push(
                DataError::HeaderNotUtf8 {
                    file: file_name.clone(),
                    header: quote(header_bytes),
                }
                .into(),
            );
        }
        if !header_errors.is_empty() {
            return Err(header_errors);
        }
        let undeclared: Vec<&str> = header
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
        buf.drain(..after_header);
        Ok(CsvSource {
            schema,
            file_name,
            file,
            buf,
            at_eof,
            header,
            positions,
            first_line: 1 + header_newlines,
            extra,
            format,
        })
    }
}

impl Source for CsvSource<'_> {
    fn name(&self) -> &str {
        &self.file_name
    }

    fn columns(&self) -> &[String] {
        &self.header
    }

    fn read(self, out: &mut TableBuilder<'_>, notes: &mut Vec<Diag>) -> Result<(), Vec<Diag>> {
        self.stream(out, notes)
    }
}

impl CsvSource<'_> {
    /// Read every row into `out` chunk by chunk: parsed (and handed to [`Sink::block`]) in
    /// parallel, stored in file order. Errors stop the table; notes go to `notes`.
    pub fn stream<S: Sink + Send>(
        self,
        out: &mut S,
        notes: &mut Vec<Diag>,
    ) -> Result<(), Vec<Diag>> {
        let CsvSource {
            schema,
            file_name,
            mut file,
            buf,
            at_eof,
            header,
            positions,
            first_line,
            extra,
            format,
        } = self;
        let delim = format.delimiter.unwrap_or(b',');
        notes.extend(extra);
        let width = header.len();
        let storage = &out.storage().to_vec();
        let mut line_base = first_line;
        let read_err = |e: std::io::Error| {
            vec![DataError::ReadFailed {
                file: file_name.clone(),
                reason: e.to_string(),
            }
            .into()]
        };

        let blocks_of = out.blocks();
        let mut reserved = false;
        let file_len = file.metadata().map(|m| m.len() as usize).unwrap_or(0);
        crate::timing::progress::add_total(file_len as u64);
        let mut errors: Vec<BadCell> = Vec::new();
        let mut error_count = 0usize;
        // Three stages with no barrier between them (`ordered.rs`): a reader thread fills
        // the next chunk (ending at a record boundary); workers parse the blocks of any chunk
        // read so far; this thread stores the blocks in file order. A chunk's buffer goes
        // back to the reader when its last block is parsed, so that a few buffers small
        // enough to stay in cache go round instead of fresh pages faulted in.
        // Each chunk goes with whether a quote may be in it: the one search for quotes.
        let (chunks_tx, chunks_rx) =
            std::sync::mpsc::sync_channel::<std::io::Result<(Vec<u8>, bool)>>(1);
        let (spare_tx, spare_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        // Text already interned (roster ids, plan constants) is found without a block-local table.
        let known = super::plain::Known::new(out.strings());
        let mut failed: Option<std::io::Error> = None;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut buf = buf;
                let mut at_eof = at_eof;
                loop {
                    let quotes = memchr::memchr(b'"', &buf).is_some();
                    let (_, last) = cut_points_knowing(&buf, 1, at_eof, delim, quotes);
                    if last == 0 && !at_eof {
                        // One record longer than a chunk: read more before cutting.
                        match fill(&mut file, &mut buf, CHUNK) {
                            Ok(eof) => at_eof = eof,
                            Err(e) => {
                                let _ = chunks_tx.send(Err(e));
                                return;
                            }
                        }
                        continue;
                    }
                    let mut next = spare_rx.try_recv().unwrap_or_default();
                    next.clear();
                    next.extend_from_slice(&buf[last..]);
                    buf.truncate(last);
                    if chunks_tx.send(Ok((buf, quotes))).is_err() || at_eof {
                        return;
                    }
                    buf = next;
                    match fill(&mut file, &mut buf, CHUNK) {
                        Ok(eof) => at_eof = eof,
                        Err(e) => {
                            let _ = chunks_tx.send(Err(e));
                            return;
                        }
                    }
                }
            });
            // Every chunk's blocks, each with its chunk's buffer; the first read error ends
            // them and is kept in `failed`.
            let mut chunk_no = 0u64;
            // The jobs own the receiver: should the work stop early, the reader's next send
            // fails and it ends.
            let jobs = chunks_rx
                .into_iter()
                .map_while(|chunk| match chunk {
                    Ok(c) => Some(c),
                    Err(e) => {
                        failed = Some(e);
                        None
                    }
                })
                .flat_map(|(chunk, quotes)| {
                    chunk_no += 1;
                    let (cuts, _) =
                        cut_points_knowing(&chunk, BLOCKS_PER_CHUNK, true, delim, quotes);
                    let data = std::sync::Arc::new(Returned {
                        bytes: chunk,
                        to: spare_tx.clone(),
                    });
                    let no = chunk_no;
                    (0..cuts.len().saturating_sub(1)).map(move |i| Job {
                        data: data.clone(),
                        from: cuts[i],
                        to: cuts[i + 1],
                        quotes,
                        seq: (no << 20) | i as u64,
                    })
                });
            let work = |job: Job| {
                let parsed = finish_block(
                    parse(
                        &job.data.bytes[job.from..job.to],
                        job.quotes,
                        &known,
                        schema,
                        storage,
                        &positions,
                        width,
                        format,
                    ),
                    &blocks_of,
                    job.seq,
                );
                (parsed, job.to - job.from)
            };
            let threads = rayon::current_num_threads().max(1);
            super::ordered::map_in_order(
                threads,
                threads * BLOCKS_AHEAD,
                jobs,
                work,
                |(block, bytes): (DoneOf<S>, usize)| {
                    if !reserved {
                        reserved = true;
                        if block.rows > 0 && bytes > 0 {
                            let estimate = (file_len as f64 / bytes as f64
                                * block.rows as f64
                                * 1.05) as usize;
                            out.reserve(estimate, block.raw / block.rows + 1);
                        }
                    }
                    line_base = store(block, line_base, out, &mut errors, &mut error_count);
                    crate::timing::progress::advance(bytes as u64);
                    Ok::<(), ()>(())
                },
            )
        })
        .ok();
        if let Some(e) = failed {
            return Err(read_err(e));
        }
        if error_count > 0 {
            let mut diags: Vec<Diag> = errors
                .into_iter()
                .take(MAX_ERRORS)
                .map(|e| {
                    let src = e.excerpt.renamed(&file_name, e.line as usize);
                    let (_, col) = src.line_col(e.span.offset());
                    Diag::from(At {
                        at: format!("{file_name}:{}:{col}", e.line),
                        error: &e.error,
                    })
                    .in_source(&src)
                })
                .collect();
            if error_count > diags.len() {
                diags.push(
                    DataError::MoreBadCells {
                        file: file_name.clone(),
                        more: error_count - diags.len(),
                        total: error_count,
                    }
                    .into(),
                );
            }
            return Err(diags);
        }
        Ok(())
    }
}

fn header_hint(schema: &TableSchema) -> String {
    schema
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Append up to `want` bytes; true at end of file.
fn fill(file: &mut std::fs::File, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    // `read_to_end` fills spare capacity without zeroing it first.
    buf.reserve(want);
    let n = file.by_ref().take(want as u64).read_to_end(buf)?;
    Ok(n < want)
}

fn type_words(ty: &Type) -> (&'static str, &'static str) {
    match ty {
        Type::Integer => ("an integer", "write a whole number like 12"),
        Type::Number => (
            "a number",
            "write a plain decimal like 1234.5 (no thousands separators)",
        ),
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
        _ => ("text", "check the file's encoding (UTF-8)"),
    }
}

// Block symbols already in the shared interner (the roster's ids, the plan's constants)
// are marked `KNOWN`.
/// Block symbols: text unescaped from quotes, kept in the block's `owned` list.
const OWNED: u32 = 1 << 30;

/// Parse a block of whole records: by the fast path when it has no quote and no error
/// (`plain.rs`), else by the general parser, which reports what is wrong.
/// Parse a block; `quotes` false when the chunk it is cut from has no quote at all.
#[allow(clippy::too_many_arguments)]
fn parse<'a>(
    data: &'a [u8],
    quotes: bool,
    known: &super::plain::Known,
    schema: &TableSchema,
    storage: &[Storage],
    positions: &[usize],
    width: usize,
    format: Format,
) -> Block<'a> {
    let delim = format.delimiter.unwrap_or(b',');
    if std::env::var_os("IGNITION_CSV_GENERAL").is_none()
        && !(quotes && memchr::memchr(b'"', data).is_some())
    {
        if let Some(b) = super::plain::block(
            data,
            known,
            schema,
            storage,
            positions,
            width,
            delim,
            format.timezone,
        ) {
            return b;
        }
    }
    parse_block(data, known, schema, storage, positions, width, format)
}

fn parse_block<'a>(
    data: &'a [u8],
    known: &super::plain::Known,
    schema: &TableSchema,
    storage: &[Storage],
    positions: &[usize],
    width: usize,
    format: Format,
) -> Block<'a> {
    let delim = format.delimiter.unwrap_or(b',');
    let approx_rows = data.len() / 40 + 1;
    let cols: Vec<ColBuf> = schema
        .columns
        .iter()
        .zip(storage)
        .map(|(c, s)| match (&c.ty, s) {
            (Type::Text, Storage::Interned) => ColBuf::Text {
                map: FxHashMap::default(),
                local: Vec::new(),
                syms: Vec::with_capacity(approx_rows),
                owned: Vec::new(),
            },
            (Type::Text, Storage::Raw) => ColBuf::Raw {
                bytes: Vec::with_capacity(approx_rows * 8),
                ends: Vec::with_capacity(approx_rows),
            },
            (Type::Date, _) => ColBuf::Date(Vec::with_capacity(approx_rows)),
            (Type::Bool, _) => ColBuf::Bool(Vec::with_capacity(approx_rows)),
            _ => ColBuf::Num(Vec::with_capacity(approx_rows)),
        })
        .collect();
    let mut b = Block {
        cols,
        present: schema
            .columns
            .iter()
            .map(|c| c.optional.then(Vec::new))
            .collect(),
        lines: Vec::with_capacity(approx_rows),
        newlines: 0,
        errors: Vec::new(),
        error_count: 0,
    };
    let mut f = Fields::default();
    let mut parsed = vec![Parsed::Empty; schema.columns.len()];
    // Per header field: whether the plan reads it as a number.
    let mut numeric_at = vec![false; width];
    for (c, &p) in schema.columns.iter().zip(positions) {
        if let Some(n) = numeric_at.get_mut(p) {
            *n = !matches!(c.ty, Type::Text | Type::Date | Type::Bool);
        }
    }
    let mut pos = 0;
    while pos < data.len() {
        let line = b.newlines;
        let start = pos;
        match read_record(data, pos, &mut f, delim) {
            Err(e) => {
                let end = skip_line(data, pos);
                bad(
                    &mut b,
                    line,
                    &data[start..end],
                    0,
                    end - start,
                    |span| match e {
                        RecordError::UnterminatedQuote => DataError::UnclosedQuote { span },
                        RecordError::AfterQuote => DataError::TextAfterQuote { span },
                    },
                );
                b.newlines += 1;
                pos = end;
                continue;
            }
            Ok((next, nl)) => {
                b.newlines += nl;
                pos = next;
            }
        }
        let record = &data[start..pos];
        if f.len() == 1 && f.get(data, 0).is_empty() {
            continue; // a blank line
        }
        if f.len() != width {
            let fields = f.len();
            // `1234,50` in a comma-separated row is two fields: joined again, a number
            // column would hold a number with a decimal comma.
            let split = delim == b','
                && fields > width
                && (0..fields - 1).any(|i| {
                    numeric_at.get(i).copied().unwrap_or(false) && {
                        let (a, z) = (trim(f.get(data, i)), trim(f.get(data, i + 1)));
                        let joined = [a, b",", z].concat();
                        !a.is_empty()
                            && !z.is_empty()
                            && matches!(
                                cells::comma_number(&joined),
                                Some((Some(true) | None, _, _))
                            )
                    }
                });
            bad(&mut b, line, record, 0, trim_eol(record).len(), |span| {
                if split {
                    DataError::SplitDecimalComma {
                        fields,
                        width,
                        span,
                    }
                } else {
                    DataError::FieldCount {
                        fields,
                        width,
                        span,
                    }
                }
            });
            continue;
        }
        // Parse every declared cell; a bad row contributes nothing, so columns stay aligned.
        let mut ok = true;
        for p in parsed.iter_mut() {
            *p = Parsed::Empty;
        }
        for (ci, col) in schema.columns.iter().enumerate() {
            let fi = positions[ci];
            let raw = f.get(data, fi);
            let cell = trim(raw);
            if cell.is_empty() {
                if col.optional {
                    continue;
                }
                ok = false;
                let off = f.start(fi).map_or(0, |o| o - start);
                bad(&mut b, line, record, off, 1, |span| DataError::EmptyCell {
                    column: col.name.clone(),
                    ty: col.ty.to_string(),
                    span,
                });
                continue;
            }
            let value = match &col.ty {
                Type::Text => {
                    (cell.is_ascii() || std::str::from_utf8(cell).is_ok()).then_some(Parsed::Text)
                }
                Type::Date => cells::date(cell)
                    .or_else(|| cells::timestamp(cell, format.timezone).ok())
                    .map(Parsed::Date),
                Type::Bool => cells::boolean(cell).map(Parsed::Bool),
                Type::Integer => cells::integer(cell).map(Parsed::Num),
                Type::Percent => cells::percent(cell).map(Parsed::Num),
                _ => cells::decimal(cell).map(Parsed::Num),
            };
            let negative = col.nonneg
                && matches!(&value, Some(Parsed::Num(n)) if n.is_sign_negative() && !n.is_zero());
            parsed[ci] = value.unwrap_or(Parsed::Text);
            let valid = value.is_some();
            if negative {
                // The plan declares the column `>= 0` (its warnings rely on it).
                ok = false;
                let off = f.start(fi).map_or(0, |o| o - start);
                bad(&mut b, line, record, off, raw.len().max(1), |span| {
                    DataError::Negative {
                        value: String::from_utf8_lossy(raw).into_owned(),
                        column: col.name.clone(),
                        ty: col.ty.to_string(),
                        span,
                    }
                });
            }
            if !valid {
                ok = false;
                let off = f.start(fi).map_or(0, |o| o - start);
                bad(&mut b, line, record, off, raw.len().max(1), |span| {
                    let (expected, help) = type_words(&col.ty);
                    let value = quote(raw);
                    let column = col.name.clone();
                    let utf8 = std::str::from_utf8(raw).is_ok();
                    if let (Type::Date, Err(cells::Stamp::NeedsZone(own))) =
                        (&col.ty, cells::timestamp(cell, format.timezone))
                    {
                        let example = own.as_deref().map_or("+01:00", |z| match z {
                            "Z" | "z" => "UTC",
                            z => z,
                        });
                        return DataError::TimestampNeedsZone {
                            value,
                            column,
                            span,
                            help: format!(
                                "add `timezone {example}` to the plan's header{}: the day of a timestamp depends on the zone, and Ignition does not pick one",
                                if own.is_some() { " (this cell's own offset), or the offset whose day counts for your plan" } else { ", the offset of the zone these times are in" }
                            ),
                        };
                    }
                    if !matches!(col.ty, Type::Text | Type::Date | Type::Bool) {
                        if let Some(e) = comma_error(cell, &value, &column, expected, span, delim) {
                            return e;
                        }
                    }
                    match (&col.ty, cells::number_problem(cell)) {
                        (Type::Text | Type::Date | Type::Bool, _) | (_, None) if utf8 => {
                            DataError::NotOfType {
                                value,
                                column,
                                expected,
                                span,
                                help: help.to_string(),
                            }
                        }
                        (Type::Text | Type::Date | Type::Bool, _) | (_, None) => {
                            DataError::NotUtf8 {
                                value,
                                column,
                                expected,
                                span,
                            }
                        }
                        (_, Some((why, fix))) => DataError::BadNumber {
                            value,
                            column,
                            why,
                            expected,
                            span,
                            help: if utf8 { fix } else { NOT_UTF8.to_string() },
                        },
                    }
                });
            }
        }
        if !ok {
            continue;
        }
        for ci in 0..schema.columns.len() {
            let cell = trim(f.get(data, positions[ci]));
            if let Some(p) = &mut b.present[ci] {
                p.push(!cell.is_empty());
            }
            // Values were validated above; an empty optional cell stores a default.
            match &mut b.cols[ci] {
                ColBuf::Text {
                    map,
                    local,
                    syms,
                    owned,
                } => {
                    // Unescaped quoted text lives in the reused scratch buffer, so it is copied.
                    let sym = match f.get_in(data, positions[ci]) {
                        Some(raw) => {
                            let cell = trim(raw);
                            // Few distinct values (stage, kind, product): a scan beats hashing.
                            let found = if let Some(g) = known.get(cell) {
                                Some(g | KNOWN)
                            } else if local.len() <= 16 {
                                local.iter().position(|l| *l == cell).map(|i| i as u32)
                            } else {
                                map.get(cell).copied()
                            };
                            match found {
                                Some(sym) => sym,
                                None => {
                                    let next = local.len() as u32;
                                    local.push(cell);
                                    if local.len() == 17 {
                                        map.extend(
                                            local.iter().enumerate().map(|(i, l)| (*l, i as u32)),
                                        );
                                    } else if local.len() > 17 {
                                        map.insert(cell, next);
                                    }
                                    next
                                }
                            }
                        }
                        None => {
                            owned.push(cell.to_vec());
                            OWNED | (owned.len() as u32 - 1)
                        }
                    };
                    syms.push(sym);
                }
                ColBuf::Raw { bytes, ends } => {
                    bytes.extend_from_slice(cell);
                    ends.push(bytes.len() as u64);
                }
                ColBuf::Num(v) => v.push(match parsed[ci] {
                    Parsed::Num(n) => n,
                    _ => Decimal::ZERO,
                }),
                ColBuf::Date(v) => v.push(match parsed[ci] {
                    Parsed::Date(d) => d,
                    _ => 0,
                }),
                ColBuf::Bool(v) => v.push(matches!(parsed[ci], Parsed::Bool(true))),
            }
        }
        b.lines.push(line);
    }
    b
}

/// The error for a number cell written with a comma (`1.234,50`, `1,234`, `1,234.50`), if
/// it is one.
fn comma_error(
    cell: &[u8],
    value: &str,
    column: &str,
    expected: &'static str,
    span: miette::SourceSpan,
    delim: u8,
) -> Option<DataError> {
    let (kind, fix, other) = cells::comma_number(cell)?;
    let export = if delim == b';' {
        "this file is `;`-separated, as a European spreadsheet export is: export it with `.` as the decimal separator, or convert the column"
    } else {
        "export the file with `.` as the decimal separator, or convert the column"
    };
    let (value, column) = (value.to_string(), column.to_string());
    Some(match kind {
        Some(true) => DataError::DecimalComma {
            value,
            column,
            expected,
            span,
            help: format!("Ignition reads numbers with a decimal point: write {fix}; {export}"),
        },
        None => DataError::AmbiguousComma {
            value,
            column,
            expected,
            span,
            help: format!(
                "write {fix} if the comma is a decimal comma, or {other} if it separates thousands; {export}"
            ),
        },
        Some(false) => DataError::BadNumber {
            value,
            column,
            why: "has thousands separators".to_string(),
            expected,
            span,
            help: format!("write {fix}, without separators"),
        },
    })
}

/// Count a bad cell or record; the first few are kept with the error `error` makes for the
/// span of the cell in its excerpt.
fn bad(
    b: &mut Block,
    line: u32,
    record: &[u8],
    off: usize,
    len: usize,
    error: impl FnOnce(miette::SourceSpan) -> DataError,
) {
    b.error_count += 1;
    if b.errors.len() < MAX_ERRORS {
        let text = trim_eol(record);
        // A quoted field may span lines: show the line the cell starts on.
        let line_start = memchr::memrchr(b'\n', &text[..off.min(text.len())]).map_or(0, |k| k + 1);
        let line_end =
            memchr::memchr(b'\n', &text[line_start..]).map_or(text.len(), |k| line_start + k);
        let breaks = text[..line_start].iter().filter(|&&c| c == b'\n').count() as u32;
        let off = off.clamp(line_start, line_end) - line_start;
        let (excerpt, span) =
            SourceFile::data_line("", &text[line_start..line_end], 1, off, off + len.max(1));
        b.errors.push(BadCell {
            line: line + breaks,
            excerpt,
            span,
            error: error(span),
        });
    }
}

use super::error::NOT_UTF8;

/// A data file that is not a regular file (a FIFO, a device, a folder) is refused before it is
/// opened: opening a FIFO without a writer would wait forever, and a device may never end.
pub fn open_regular(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = kind_of(&meta);
        return Err(std::io::Error::other(format!(
            "it is {what}, not a regular file"
        )));
    }
    let file = std::fs::File::open(path)?;
    // The path may have been replaced between the two looks.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(format!(
            "it is {}, not a regular file",
            kind_of(&meta)
        )));
    }
    Ok(file)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// A lone carriage return in the header line: the file ends its lines with CR only (classic
/// Mac OS), which is not supported. One diagnostic, rather than a header of the whole file.
fn lone_carriage_return(buf: &[u8], file_name: &str) -> Option<Diag> {
    let header_end = memchr::memchr(b'\n', buf).unwrap_or(buf.len());
    let k = memchr::memchr_iter(b'\r', &buf[..header_end]).find(|&k| k + 1 < header_end)?;
    let (src, span) =
        SourceFile::data_line(file_name, &buf[..header_end.min(k + 200)], 1, k, k + 1);
    Some(
        Diag::from(DataError::LineEndings {
            file: file_name.to_string(),
            span,
        })
        .in_source(&src),
    )
}

#[inline]
fn trim(b: &[u8]) -> &[u8] {
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if !matches!(f, b' ' | b'\t') && !matches!(l, b' ' | b'\t') => return b,
        _ => {}
    }
    let start = b
        .iter()
        .position(|c| *c != b' ' && *c != b'\t')
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| *c != b' ' && *c != b'\t')
        .map_or(start, |e| e + 1);
    &b[start..end]
}

fn trim_eol(b: &[u8]) -> &[u8] {
    let mut e = b.len();
    while e > 0 && (b[e - 1] == b'\n' || b[e - 1] == b'\r') {
        e -= 1;
    }
    &b[..e]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ColumnData;
    use crate::diagnostics::Severity;

    const PLAN: &str = r#"plan "T" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-03-31

  input reps key id {
    id: text
    amount: number
    note: text?
  }

  participants reps
}
"#;

    fn plan() -> crate::ir::Plan {
        crate::compile_str("t.plan", PLAN)
            .expect("the plan checks")
            .plan
    }

    /// Write `text` as a CSV file and read it as the plan's `reps`.
    fn read(text: &str) -> (Result<Table, Vec<Diag>>, Vec<Diag>, Interner, String) {
        let plan = plan();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("reps.csv");
        std::fs::write(&path, text).expect("written");
        let mut strings = plan.strings.clone();
        let mut notes = Vec::new();
        let storage = [Storage::Interned; 3];
        let schema = &plan.tables[0];
        let table = CsvSource::open(schema, &path, Format::default())
            .and_then(|s| table::read(s, schema, &storage, &mut strings, &mut notes));
        (table, notes, strings, path.display().to_string())
    }

    #[test]
    fn rows_are_typed_with_the_line_they_start_on() {
        // Line 1 is the header; row a runs over lines 2 and 3 (a quoted line break); line 4
        // is blank; row b is on line 5 with an empty optional note.
        let text = "id,amount,note,extra\na,1.5,\"x\ny\",z\n\nb, 2 ,,w\n";
        let (table, notes, strings, file) = read(text);
        let table = table.expect("the file reads");
        assert_eq!(table.file, file);
        assert_eq!(table.lines, [2, 5]);
        let ColumnData::Num(amounts) = &table.columns[1].data else {
            panic!("amount is a number column");
        };
        assert_eq!(amounts, &[Decimal::new(15, 1), Decimal::new(2, 0)]);
        assert_eq!(table.columns[2].text(0, &strings), "x\ny");
        assert!(table.columns[2].is_present(0) && !table.columns[2].is_present(1));
        // The header's column the plan does not declare is noted, not an error.
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, "ignition::data::extra_columns");
        assert_eq!(notes[0].severity, Severity::Note);
        assert_eq!(
            notes[0].message,
            format!("`{file}`: ignoring columns the plan does not declare: extra")
        );
    }

    #[test]
    fn the_source_names_its_file_and_its_columns() {
        let plan = plan();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("reps.csv");
        std::fs::write(&path, "\u{feff}note, id ,amount\n").expect("written");
        let Ok(source) = CsvSource::open(&plan.tables[0], &path, Format::default()) else {
            panic!("the header fits the schema");
        };
        assert_eq!(source.name(), path.display().to_string());
        // The byte-order mark is dropped and names are trimmed.
        assert_eq!(source.columns(), ["note", "id", "amount"]);
    }

    #[test]
    fn a_bad_cell_points_at_its_line_and_column() {
        // `r1,` is three characters, so the amount starts in column 4 of line 3.
        let (table, _, _, file) = read("id,amount,note\nr0,1,\nr1,12x,\n");
        let Err(diags) = table else {
            panic!("12x is not a number");
        };
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!(d.code, "ignition::data::bad_cell");
        assert_eq!(
            d.message,
            format!("{file}:3:4: `12x` in column `amount` is not a number")
        );
        assert_eq!(d.labels[0].1, "expected a number");
        assert_eq!(
            d.help.as_deref(),
            Some("write a plain decimal like 1234.5 (no thousands separators)")
        );
        let at = d.location().expect("a location");
        assert_eq!((at.line, at.column), (3, 4));
    }

    #[test]
    fn a_missing_column_is_named_with_the_closest_header_name() {
        let (table, _, _, file) = read("id,amont,note\nr1,1,\n");
        let Err(diags) = table else {
            panic!("amount is missing");
        };
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "ignition::data::missing_column");
        assert_eq!(
            diags[0].message,
            format!("`{file}` has no column `amount`, which input `reps` declares")
        );
        assert_eq!(
            diags[0].help.as_deref(),
            Some("is `amont` meant to be `amount`? rename the column in the file or the plan")
        );
    }
}

/// issue 12, speed: the fast path (`plain.rs`) reads a block exactly as the general parser
/// does whenever it reads it at all.
#[cfg(test)]
mod plain_equals_general {
    use super::*;
    use proptest::prelude::*;

    const PLAN: &str = r#"plan "T" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-03-31

  input reps key id {
    id: text
    amount: money >= 0
    n: integer
    p: percent
    day: date
    flag: bool?
    code: text?
    note: text?
    x: number?
  }

  participants reps
}
"#;

    /// A column's values as text, whichever way they were stored, and each row's presence.
    fn canonical(b: &Block<'_>) -> Vec<(Vec<String>, Option<Vec<bool>>)> {
        b.cols
            .iter()
            .zip(&b.present)
            .map(|(c, p)| {
                let values = match c {
                    ColBuf::Text {
                        local, syms, owned, ..
                    } => syms
                        .iter()
                        .map(|&s| {
                            if s & KNOWN != 0 {
                                format!("known {}", s & !KNOWN)
                            } else if s & OWNED != 0 {
                                String::from_utf8_lossy(&owned[(s & !OWNED) as usize]).into_owned()
                            } else {
                                String::from_utf8_lossy(local[s as usize]).into_owned()
                            }
                        })
                        .collect(),
                    ColBuf::Raw { bytes, ends } => {
                        let mut start = 0;
                        ends.iter()
                            .map(|&e| {
                                let t = String::from_utf8_lossy(&bytes[start..e as usize]);
                                start = e as usize;
                                t.into_owned()
                            })
                            .collect()
                    }
                    ColBuf::Num(v) => v.iter().map(|d| format!("{d} ({})", d.scale())).collect(),
                    ColBuf::Date(v) => v.iter().map(|d| d.to_string()).collect(),
                    ColBuf::Bool(v) => v.iter().map(|d| d.to_string()).collect(),
                };
                (values, p.clone())
            })
            .collect()
    }

    fn cell() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "",
            "a",
            "r001",
            "Closed Won",
            "é",
            " pad",
            "pad ",
            "1",
            "0",
            "-0",
            "-3",
            "1.50",
            "12.",
            ".5",
            "007",
            "99999999999999999999",
            "1e3",
            "12%",
            "0.25",
            "2026-02-28",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "1899-12-31",
            "2200-01-01",
            "2026-01-31T10:00:00Z",
            "true",
            "no",
            "YES",
            "x\r",
            "\u{1}",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn a_block_the_fast_path_reads_reads_the_same_in_the_general_parser(
            n in 0usize..12,
            changes in prop::collection::vec((0usize..12, 0usize..10, cell()), 0..3),
            crlf in any::<bool>(),
            semicolon in any::<bool>(),
            blank in 0usize..4,
            last_newline in any::<bool>(),
        ) {
            let plan = crate::compile_str("t.plan", PLAN).expect("the plan checks").plan;
            let schema = &plan.tables[0];
            let delim = if semicolon { b';' } else { b',' };
            // The file's columns: an extra one first, then the schema's in reverse.
            let width = schema.columns.len() + 1;
            let positions: Vec<usize> = (0..schema.columns.len()).map(|c| width - 1 - c).collect();
            let clean_row = |i: usize| -> Vec<String> {
                let mut r = vec![format!("extra{i}")];
                let mut v = vec![
                    format!("r{i:03}"), format!("{i}.5"), i.to_string(), "20%".into(),
                    "2026-02-28".into(), if i.is_multiple_of(2) { String::new() } else { "true".into() },
                    ["A", "B", ""][i % 3].into(), format!("note {i}"), String::new(),
                ];
                v.reverse();
                r.extend(v);
                r
            };
            // Clean rows, then a few cells replaced by anything (a bad cell, or a good one).
            let mut rows: Vec<Vec<String>> = (0..n).map(clean_row).collect();
            // (A blank line sends its block to the general parser, as a quote does.)
            let clean = (changes.is_empty() || n == 0) && blank >= n;
            for (r, c, v) in &changes {
                if let Some(cell) = rows.get_mut(r % n.max(1)).and_then(|row| row.get_mut(*c)) {
                    *cell = v.clone();
                }
            }
            let mut text = String::new();
            for (i, r) in rows.iter().enumerate() {
                if i == blank {
                    text.push_str(if crlf { "\r\n" } else { "\n" });
                }
                text.push_str(&r.join(if semicolon { ";" } else { "," }));
                if i + 1 < rows.len() || last_newline {
                    text.push_str(if crlf { "\r\n" } else { "\n" });
                }
            }
            let data = text.as_bytes();
            let storage: Vec<Storage> = schema
                .columns
                .iter()
                .map(|c| if c.name == "note" { Storage::Raw } else { Storage::Interned })
                .collect();
            let known = super::super::plain::Known::new(&plan.strings);
            let format = Format { delimiter: Some(delim), timezone: None };
            let fast = super::super::plain::block(
                data, &known, schema, &storage, &positions, width, delim, None,
            );
            let general = parse_block(data, &known, schema, &storage, &positions, width, format);
            if clean {
                prop_assert!(fast.is_some(), "clean rows take the fast path: {text:?}");
            }
            if let Some(fast) = fast {
                // (Blocks with changed cells the fast path reads: 97 of 400 cases when written.)
                prop_assert_eq!(general.error_count, 0, "{:?}", text);
                prop_assert_eq!(&fast.lines, &general.lines);
                prop_assert_eq!(fast.newlines, general.newlines);
                prop_assert_eq!(canonical(&fast), canonical(&general), "{:?}", text);
            }
        }
    }
}
