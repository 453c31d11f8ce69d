//! The table model: one input table as typed columns, each row with its provenance (where
//! it was read: a file's line). Tables are built chunk by chunk from a [`Source`]; the CSV
//! reader (`csv.rs`) is one. Another source (Parquet, SQLite, Postgres) implements
//! [`Source`] and leaves this model as it is.

use crate::diagnostics::Diag;
use crate::intern::{Interner, Sym};
use crate::ir::{ColId, TableSchema};
use crate::types::Type;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::sync::OnceLock;

/// Typed values of one column.
#[derive(Debug)]
pub enum ColumnData {
    /// Interned text (columns the plan compares or groups by).
    Text(Vec<Sym>),
    /// Text kept as bytes (keys and columns the plan never compares): `ends[i]` closes row i.
    Raw {
        /// Concatenated text.
        bytes: Vec<u8>,
        /// End offset of each row's text.
        ends: Vec<u64>,
    },
    /// Integer, number, percent, money, days.
    Num(Vec<Decimal>),
    /// Day numbers.
    Date(Vec<i32>),
    /// Yes/no.
    Bool(Vec<bool>),
}

/// A column with its empty cells (for optional columns).
#[derive(Debug)]
pub struct Column {
    /// Values (an empty optional cell holds a default).
    pub data: ColumnData,
    /// For optional columns, whether each cell has a value.
    pub present: Option<Vec<bool>>,
}

impl Column {
    /// Whether row `r` has a value.
    pub fn is_present(&self, r: usize) -> bool {
        self.present.as_ref().is_none_or(|p| p[r])
    }

    /// Row `r` as bytes, resolving symbols (for hashing).
    pub fn bytes<'a>(&'a self, r: usize, strings: &'a Interner) -> &'a [u8] {
        match &self.data {
            ColumnData::Text(v) => strings.resolve(v[r]).as_bytes(),
            ColumnData::Raw { bytes, ends } => {
                let start = if r == 0 { 0 } else { ends[r - 1] as usize };
                &bytes[start..ends[r] as usize]
            }
            _ => &[],
        }
    }

    /// Row `r` as text, resolving symbols.
    pub fn text<'a>(&'a self, r: usize, strings: &'a Interner) -> &'a str {
        match &self.data {
            ColumnData::Text(v) => strings.resolve(v[r]),
            ColumnData::Raw { bytes, ends } => {
                let start = if r == 0 { 0 } else { ends[r - 1] as usize };
                std::str::from_utf8(&bytes[start..ends[r] as usize]).unwrap_or("")
            }
            _ => "",
        }
    }
}

/// An input table.
#[derive(Debug)]
pub struct Table {
    /// The plan's name for it.
    pub name: String,
    /// The source it was read from (a file's path), as shown in diagnostics and explanations.
    pub file: String,
    /// Columns in schema order.
    pub columns: Vec<Column>,
    /// Each row's provenance, in source order: for a file, the 1-based line where it starts.
    pub lines: Vec<u32>,
    /// What `lines` count, as reports name it: `line` for a file, `row` for a database
    /// (issue 12, sources: the row's number in the table's key order or the query's order).
    pub row_word: &'static str,
    /// Once sorted for evaluation: the file row of each sorted row. The columns the
    /// evaluator reads are stored in sorted order (`sorted[c]`); the others stay in file order.
    file_rows: Option<Vec<u32>>,
    /// Which columns are stored in sorted order.
    sorted: Vec<bool>,
    /// issue 9, rows: per column, a computed column's values once computed (see
    /// [`Table::with_computed`]); empty when the table has none.
    pub computed: Vec<OnceLock<ComputedCells>>,
}

/// A computed column's value in each row, or why the row has none (issue 9, rows).
pub type ComputedCells = Vec<Result<crate::ir::Value, CellFailure>>;

/// Why a row of a computed column has no value.
#[derive(Debug, Clone, PartialEq)]
pub enum CellFailure {
    /// A cell it reads is empty: the computed value is missing too (`otherwise` catches it).
    Missing,
    /// Computing it failed (division by zero…): the reason, as the evaluator words it, and
    /// whether it is fatal (an overflow, which `otherwise` does not replace).
    Failed(String, bool),
}

impl Table {
    /// A table from typed columns (inline test rows): `lines` are where each row is written.
    pub fn from_columns(name: &str, file: &str, columns: Vec<Column>, lines: Vec<u32>) -> Table {
        let n = columns.len();
        Table {
            name: name.to_string(),
            file: file.to_string(),
            columns,
            lines,
            row_word: "line",
            file_rows: None,
            sorted: vec![false; n],
            computed: Vec::new(),
        }
    }

    /// issue 9, rows: the table with a place for each computed column of `schema` (after
    /// the stored ones). The evaluator computes a computed column once, on its first read,
    /// into [`Table::computed`]; the place in `columns` holds no values.
    pub fn with_computed(mut self, schema: &TableSchema) -> Table {
        while self.columns.len() < schema.columns.len() {
            self.columns.push(Column {
                data: ColumnData::Raw {
                    bytes: Vec::new(),
                    ends: Vec::new(),
                },
                present: None,
            });
            self.sorted.push(false);
        }
        self.computed = (0..self.columns.len()).map(|_| OnceLock::new()).collect();
        self
    }

    /// The values of computed column `c` (by row, in evaluation order), once the evaluator
    /// has computed them.
    pub fn computed_values(&self, c: ColId) -> Option<&ComputedCells> {
        self.computed.get(c.index()).and_then(OnceLock::get)
    }

    /// Number of rows (after sorting: the rows credited to a participant and period).
    pub fn len(&self) -> usize {
        self.file_rows.as_ref().map_or(self.lines.len(), Vec::len)
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where row `r` of column `c` is stored.
    pub fn at(&self, c: ColId, r: usize) -> usize {
        match &self.file_rows {
            Some(f) if !self.sorted[c.index()] => f[r] as usize,
            _ => r,
        }
    }

    /// Whether column `c` is stored in row order (so it can be scanned by range).
    pub fn in_row_order(&self, c: ColId) -> bool {
        self.file_rows.is_none() || self.sorted[c.index()]
    }

    /// The source line of row `r`.
    pub fn line(&self, r: usize) -> u32 {
        match &self.file_rows {
            Some(f) => self.lines[f[r] as usize],
            None => self.lines[r],
        }
    }

    /// Put the rows in `order` (file rows; the others were reported and are left out).
    /// Only the columns marked `hot` are moved; the rest are reached through the order.
    pub fn sort_rows(&mut self, order: Vec<u32>, hot: &[bool]) {
        fn gather<T: Copy + Send + Sync>(v: &[T], order: &[u32]) -> Vec<T> {
            order.iter().map(|&r| v[r as usize]).collect()
        }
        self.columns
            .par_iter_mut()
            .zip(hot)
            .filter(|(_, h)| **h)
            .for_each(|(c, _)| {
                c.data = match &c.data {
                    ColumnData::Text(v) => ColumnData::Text(gather(v, &order)),
                    ColumnData::Num(v) => ColumnData::Num(gather(v, &order)),
                    ColumnData::Date(v) => ColumnData::Date(gather(v, &order)),
                    ColumnData::Bool(v) => ColumnData::Bool(gather(v, &order)),
                    ColumnData::Raw { .. } => return,
                };
                if let Some(p) = &c.present {
                    c.present = Some(gather(p, &order));
                }
            });
        self.sorted = self
            .columns
            .iter()
            .zip(hot)
            .map(|(c, h)| *h && !matches!(c.data, ColumnData::Raw { .. }))
            .collect();
        self.file_rows = Some(order);
    }
}

impl Table {
    /// issue 10, splits: column `c` of a credited table, gathered from its split table in
    /// evaluation order (one cell per credited copy) after [`Table::sort_rows`].
    pub fn set_joined(&mut self, c: usize, column: Column) {
        if let (Some(slot), Some(sorted)) = (self.columns.get_mut(c), self.sorted.get_mut(c)) {
            *slot = column;
            *sorted = true;
        }
    }
}

/// How a column is stored while loading.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Interned.
    Interned,
    /// Raw bytes.
    Raw,
}

/// A source of one input table's rows: a CSV file today; Parquet, SQLite or Postgres later.
///
/// A source works per file and per chunk: it hands whole chunks of typed columns to a
/// [`TableBuilder`], so nothing is dispatched per cell. It reports its own problems (a
/// header that lacks a declared column, a cell that is not a date) as diagnostics that point
/// into its data.
pub trait Source {
    /// The name rows are attributed to (a file's path): [`Table::file`].
    fn name(&self) -> &str;

    /// The source's own columns, in its order (a CSV file's header).
    fn columns(&self) -> &[String];

    /// Append every row to `out`, in source order, each cell typed by the schema `out` was
    /// made for and each row with its provenance ([`Chunk::lines`]). Errors stop the table;
    /// notes (columns the plan does not declare) go to `notes`.
    fn read(self, out: &mut TableBuilder<'_>, notes: &mut Vec<Diag>) -> Result<(), Vec<Diag>>;
}

/// Where a source's chunks go: a [`TableBuilder`] keeps every row (the table the
/// interpreter reads); the row layer (`aggregate.rs`) folds each chunk into per-(participant,
/// period) aggregates and keeps no row. A source hands each chunk to the sink's
/// [`Blocks::block`] (in any order, from any thread) and each result to [`Sink::store`], in
/// source order. Any source that yields chunks of typed columns (CSV today; Parquet row
/// groups, database cursors) can feed either.
pub trait Sink {
    /// The parallel half: what each chunk becomes before it is stored in order.
    type Blocks: Blocks;

    /// How each column is stored (which text columns are interned).
    fn storage(&self) -> &[Storage];

    /// The interner the rows' text is matched against (plan constants, earlier tables).
    fn strings(&self) -> &Interner;

    /// Make room for about `rows` rows (a hint).
    fn reserve(&mut self, _rows: usize, _raw_bytes_per_row: usize) {}

    /// The parallel half, shared by the threads while [`Sink::store`] runs.
    fn blocks(&self) -> Self::Blocks;

    /// Keep one chunk's result, in source order; `line_base` is its first line.
    fn store(&mut self, part: <Self::Blocks as Blocks>::Part, line_base: u32);
}

/// Work on one chunk of a [`Sink`] (its lines relative to its own first line), in parallel.
pub trait Blocks: Sync {
    /// What a chunk becomes.
    type Part: Send;

    /// `seq` grows with the chunk's place in the source (for ties kept in source order).
    fn block(&self, chunk: Chunk, seq: u64) -> Self::Part;
}

/// A [`TableBuilder`]'s parallel half: every chunk is kept as it is.
pub struct KeepRows;

impl Blocks for KeepRows {
    type Part = Chunk;

    fn block(&self, chunk: Chunk, _seq: u64) -> Chunk {
        chunk
    }
}

impl Sink for TableBuilder<'_> {
    type Blocks = KeepRows;

    fn storage(&self) -> &[Storage] {
        &self.storage
    }

    fn strings(&self) -> &Interner {
        self.strings
    }

    fn reserve(&mut self, rows: usize, raw_bytes_per_row: usize) {
        TableBuilder::reserve(self, rows, raw_bytes_per_row)
    }

    fn blocks(&self) -> KeepRows {
        KeepRows
    }

    fn store(&mut self, mut chunk: Chunk, line_base: u32) {
        for l in &mut chunk.lines {
            *l += line_base;
        }
        self.append(chunk);
    }
}

/// Read a table of `schema` from a source. `storage` says, per column, whether text is
/// interned; `strings` continues the plan's interner.
pub fn read(
    source: impl Source,
    schema: &TableSchema,
    storage: &[Storage],
    strings: &mut Interner,
    notes: &mut Vec<Diag>,
) -> Result<Table, Vec<Diag>> {
    let name = source.name().to_string();
    let mut out = TableBuilder::new(schema, storage, strings);
    source.read(&mut out, notes)?;
    Ok(out.finish(&schema.name, name))
}

/// A symbol in [`ChunkColumn::Text`] that is already interned (the rest of the bits).
pub const KNOWN: u32 = 1 << 31;

/// Rows read by a source, typed: one column per schema column, in schema order.
#[derive(Debug)]
pub struct Chunk {
    /// The values.
    pub columns: Vec<ChunkColumn>,
    /// For optional columns, whether each cell has a value.
    pub present: Vec<Option<Vec<bool>>>,
    /// Each row's provenance (for a file, its 1-based line).
    pub lines: Vec<u32>,
}

/// The values of one column of a [`Chunk`].
#[derive(Debug)]
pub enum ChunkColumn {
    /// Text to intern: row i is `new[syms[i]]`, or the symbol `syms[i] & !KNOWN` when
    /// `syms[i] & KNOWN` is set (text the interner already holds).
    Text {
        /// Text first seen in this chunk.
        new: Vec<Vec<u8>>,
        /// Per row: an index into `new`, or a known symbol.
        syms: Vec<u32>,
    },
    /// Text kept as bytes: `ends[i]` closes row i.
    Raw {
        /// Concatenated text.
        bytes: Vec<u8>,
        /// End offset of each row's text.
        ends: Vec<u64>,
    },
    /// Integer, number, percent, money, days.
    Num(Vec<Decimal>),
    /// Day numbers.
    Date(Vec<i32>),
    /// Yes/no.
    Bool(Vec<bool>),
}

/// Accumulates chunks, in order, into whole columns of a table.
pub struct TableBuilder<'s> {
    cols: Vec<ColumnData>,
    present: Vec<Option<Vec<bool>>>,
    lines: Vec<u32>,
    storage: Vec<Storage>,
    strings: &'s mut Interner,
}

impl<'s> TableBuilder<'s> {
    /// An empty table of `schema`, storing text as `storage` says and interning it in `strings`.
    pub fn new(
        schema: &TableSchema,
        storage: &[Storage],
        strings: &'s mut Interner,
    ) -> TableBuilder<'s> {
        TableBuilder {
            cols: schema
                .columns
                .iter()
                .zip(storage)
                .map(|(c, s)| match (&c.ty, s) {
                    (Type::Text, Storage::Interned) => ColumnData::Text(Vec::new()),
                    (Type::Text, Storage::Raw) => ColumnData::Raw {
                        bytes: Vec::new(),
                        ends: Vec::new(),
                    },
                    (Type::Date, _) => ColumnData::Date(Vec::new()),
                    (Type::Bool, _) => ColumnData::Bool(Vec::new()),
                    _ => ColumnData::Num(Vec::new()),
                })
                .collect(),
            present: schema
                .columns
                .iter()
                .map(|c| c.optional.then(Vec::new))
                .collect(),
            lines: Vec::new(),
            storage: storage.to_vec(),
            strings,
        }
    }

    /// How each column is stored.
    pub fn storage(&self) -> &[Storage] {
        &self.storage
    }

    /// The interner the table's text goes to (the plan's constants and the tables before).
    pub fn strings(&self) -> &Interner {
        self.strings
    }

    /// Make room for about `rows` rows, so the columns are not copied as they grow.
    pub fn reserve(&mut self, rows: usize, raw_bytes_per_row: usize) {
        self.lines.reserve(rows);
        for c in &mut self.cols {
            match c {
                ColumnData::Text(v) => v.reserve(rows),
                ColumnData::Raw { bytes, ends } => {
                    bytes.reserve(rows * raw_bytes_per_row);
                    ends.reserve(rows);
                }
                ColumnData::Num(v) => v.reserve(rows),
                ColumnData::Date(v) => v.reserve(rows),
                ColumnData::Bool(v) => v.reserve(rows),
            }
        }
        for p in self.present.iter_mut().flatten() {
            p.reserve(rows);
        }
    }

    /// Append a chunk (the rows after those appended before).
    pub fn append(&mut self, b: Chunk) {
        self.lines.extend_from_slice(&b.lines);
        for (ci, col) in b.columns.into_iter().enumerate() {
            match (col, &mut self.cols[ci]) {
                (ChunkColumn::Text { new, syms }, ColumnData::Text(out)) => {
                    let remap: Vec<Sym> = new
                        .iter()
                        .map(|s| self.strings.intern(&String::from_utf8_lossy(s)))
                        .collect();
                    out.extend(syms.iter().map(|&s| {
                        if s & KNOWN != 0 {
                            s & !KNOWN
                        } else {
                            remap[s as usize]
                        }
                    }));
                }
                (
                    ChunkColumn::Raw { bytes, ends },
                    ColumnData::Raw {
                        bytes: ob,
                        ends: oe,
                    },
                ) => {
                    let base = ob.len() as u64;
                    ob.extend_from_slice(&bytes);
                    oe.extend(ends.iter().map(|e| e + base));
                }
                (ChunkColumn::Num(v), ColumnData::Num(o)) => o.extend_from_slice(&v),
                (ChunkColumn::Date(v), ColumnData::Date(o)) => o.extend_from_slice(&v),
                (ChunkColumn::Bool(v), ColumnData::Bool(o)) => o.extend_from_slice(&v),
                _ => {}
            }
        }
        for (ci, p) in b.present.into_iter().enumerate() {
            if let (Some(p), Some(o)) = (p, &mut self.present[ci]) {
                o.extend_from_slice(&p);
            }
        }
    }

    /// The table, named `name` (the plan's input) and read from `file`.
    pub fn finish(self, name: &str, file: String) -> Table {
        let n = self.cols.len();
        Table {
            name: name.to_string(),
            file,
            file_rows: None,
            sorted: vec![false; n],
            computed: Vec::new(),
            columns: self
                .cols
                .into_iter()
                .zip(self.present)
                .map(|(data, present)| Column { data, present })
                .collect(),
            lines: self.lines,
            row_word: "line",
        }
    }
}
