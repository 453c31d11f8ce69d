//! The Parquet reader's page path (issue 12, speed): the pages of a row group's column
//! chunks decoded by Ignition straight into a chunk's typed columns — dictionary keys
//! gathered into symbols, day numbers and decimals — without Arrow arrays in between.
//! The `parquet` crate still reads each page's header and decompresses its data.
//!
//! It reads what most writers write: flat columns (no repetition, at most one level of
//! optional), text, dates and signed integers or decimals in 32 or 64 bits, values plain or
//! dictionary-encoded, data pages of either version. Like the Arrow fast path
//! (`columnar.rs`) it never decides what is an error: a column it does not read is left to
//! the Arrow reader for the whole file, and a surprise in a page (another encoding, a
//! value to trim or check, a null in a required column, data that does not read as the
//! format says) hands the rest of the row group to the Arrow reader, from the batch where
//! it was met, which reads it and words any diagnostic as before.
//!
//! The values are the Arrow path's, row by row; text no table holds yet is numbered in a
//! batch by first use where the Arrow fast path numbers a dictionary's entries in order,
//! so the interner may hold them in another order (nothing depends on it: reports that
//! list texts sort them by text).

use super::columnar::{self, Texts, DAYS, UNIX_EPOCH_DAY};
use super::plain::Known;
use super::table::{ChunkColumn, Storage, KNOWN};
use crate::ir::TableSchema;
use crate::types::Type;
use ::parquet::basic::{ConvertedType, Encoding, Type as Physical};
use ::parquet::column::page::{Page, PageReader};
use ::parquet::file::metadata::ParquetMetaData;
use ::parquet::file::reader::ChunkReader;
use ::parquet::file::serialized_reader::SerializedPageReader;
use ::parquet::schema::types::SchemaDescriptor;
use arrow_schema::DataType;
use bytes::Bytes;
use rust_decimal::Decimal;
use std::sync::Arc;

/// How a declared column's values are read from its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Read {
    /// UTF-8 text (BYTE_ARRAY).
    Text,
    /// Days since 1970-01-01 (INT32 DATE).
    Date,
    /// A signed integer (INT32 or INT64), an exact number of `scale` decimal places.
    Num { wide: bool, scale: u32 },
}

/// Per declared column: its leaf column in the file, how it is read, and whether the
/// file's column may hold nulls.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    columns: Vec<(usize, Read, bool)>,
}

/// How each declared column is read from pages, or `None` when one of them is a column
/// this path does not read (the Arrow reader then reads the file). `arrow` is the Arrow
/// schema the Arrow reader would use (by top-level column), `roots` each declared
/// column's top-level column.
pub(super) fn plan(
    parquet: &SchemaDescriptor,
    arrow: &arrow_schema::Schema,
    schema: &TableSchema,
    roots: &[usize],
) -> Option<Plan> {
    let mut columns = Vec::with_capacity(roots.len());
    for (col, &root) in schema.columns.iter().zip(roots) {
        // The root must be one primitive leaf: its only leaf, at depth one.
        let mut leaves =
            (0..parquet.num_columns()).filter(|&l| parquet.get_column_root_idx(l) == root);
        let leaf = leaves.next()?;
        if leaves.next().is_some() {
            return None;
        }
        let desc = parquet.column(leaf);
        if desc.max_rep_level() != 0 || desc.max_def_level() > 1 || desc.path().parts().len() != 1 {
            return None;
        }
        let field = arrow.fields().get(root)?;
        let physical = desc.physical_type();
        let converted = desc.converted_type();
        let text =
            |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
        let read = match (&col.ty, field.data_type(), physical) {
            (Type::Text, DataType::Dictionary(k, v), Physical::BYTE_ARRAY)
                if **k == DataType::Int32 && text(v) =>
            {
                Read::Text
            }
            (Type::Text, t, Physical::BYTE_ARRAY) if text(t) => Read::Text,
            (Type::Date, DataType::Date32, Physical::INT32) if converted == ConvertedType::DATE => {
                Read::Date
            }
            (Type::Money(_) | Type::Number | Type::Percent | Type::Integer | Type::Days, t, p) => {
                let wide = match p {
                    Physical::INT32 => false,
                    Physical::INT64 => true,
                    _ => return None,
                };
                match (t, converted) {
                    (DataType::Decimal128(_, s), ConvertedType::DECIMAL)
                        if i32::from(*s) == desc.type_scale()
                            && (0..=28).contains(s)
                            && (*s == 0 || col.ty != Type::Integer) =>
                    {
                        Read::Num {
                            wide,
                            scale: *s as u32,
                        }
                    }
                    (DataType::Int32, ConvertedType::NONE | ConvertedType::INT_32) if !wide => {
                        Read::Num { wide, scale: 0 }
                    }
                    (DataType::Int64, ConvertedType::NONE | ConvertedType::INT_64) if wide => {
                        Read::Num { wide, scale: 0 }
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        columns.push((leaf, read, desc.max_def_level() == 1));
    }
    Some(Plan { columns })
}

/// Parquet's RLE / bit-packed hybrid encoding (definition levels and dictionary keys) of
/// values `width` bits wide, read run by run. `None` from a method: the data does not
/// read as the format says.
struct Hybrid {
    data: Bytes,
    /// The next run's header.
    pos: usize,
    width: u32,
    /// Values left in the current repeated run, and its value.
    repeat: usize,
    value: u32,
    /// Values left in the current bit-packed run, the bit the next one starts at, and
    /// the bit the run started at.
    packed: usize,
    bit: usize,
    run: usize,
}

impl Hybrid {
    fn new(data: Bytes, width: u32) -> Option<Hybrid> {
        (width <= 32).then_some(Hybrid {
            data,
            pos: 0,
            width,
            repeat: 0,
            value: 0,
            packed: 0,
            bit: 0,
            run: 0,
        })
    }

    /// An unsigned LEB128 number of at most 32 bits.
    fn uleb(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for shift in (0..35).step_by(7) {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            v |= u32::try_from(u64::from(b & 0x7f) << shift).ok()?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn next_run(&mut self) -> Option<()> {
        let header = self.uleb()?;
        let count = (header >> 1) as usize;
        if count == 0 {
            return None;
        }
        if header & 1 == 1 {
            // `count` groups of eight values, `width` bytes each group.
            let bytes = count.checked_mul(self.width as usize)?;
            let end = self.pos.checked_add(bytes)?;
            if end > self.data.len() {
                return None;
            }
            self.packed = count.checked_mul(8)?;
            self.bit = self.pos * 8;
            self.run = self.bit;
            self.pos = end;
        } else {
            let bytes = self.width.div_ceil(8) as usize;
            let raw = self.data.get(self.pos..self.pos + bytes)?;
            let mut v = 0u64;
            for (i, &b) in raw.iter().enumerate() {
                v |= u64::from(b) << (8 * i);
            }
            if v >> self.width != 0 {
                return None;
            }
            self.pos += bytes;
            self.repeat = count;
            self.value = v as u32;
        }
        Some(())
    }

    /// Pass `n` values if they are all `value`, in the current repeated run (or the next
    /// run, when none is under way); else leave them to [`Hybrid::fill`].
    fn skip_repeat(&mut self, n: usize, value: u32) -> bool {
        if self.repeat == 0 && self.packed == 0 && self.next_run().is_none() {
            // Nothing more reads after data that does not read.
            self.pos = self.data.len();
            return false;
        }
        if self.repeat >= n && self.value == value {
            self.repeat -= n;
            return true;
        }
        false
    }

    /// The next `out.len()` values.
    fn fill(&mut self, out: &mut [u32]) -> Option<()> {
        let mut i = 0;
        while i < out.len() {
            if self.repeat > 0 {
                let k = self.repeat.min(out.len() - i);
                out[i..i + k].fill(self.value);
                self.repeat -= k;
                i += k;
            } else if self.packed > 0 {
                let k = self.packed.min(out.len() - i);
                self.unpack(&mut out[i..i + k]);
                self.packed -= k;
                i += k;
            } else {
                self.next_run()?;
            }
        }
        Some(())
    }

    /// Values of the current bit-packed run (whose bytes are all in `data`): values up
    /// to 16 bits wide a group of eight at a time from one 128-bit word (a group is
    /// `width` bytes, starting on a byte), the rest one by one.
    fn unpack(&mut self, out: &mut [u32]) {
        let width = self.width as usize;
        let data = &self.data[..];
        let mut bit = self.bit;
        let mut done = 0;
        if (1..=16).contains(&width) {
            let group = 8 * width;
            let into = (bit - self.run) % group;
            let lead = if into == 0 { 0 } else { (group - into) / width };
            let lead = lead.min(out.len());
            one_by_one(data, &mut bit, width, &mut out[..lead]);
            done = lead;
            // The width a constant in each arm: the shifts are constants too.
            macro_rules! widths {
                ($($w:literal)*) => {
                    match width {
                        $($w => groups::<$w>(data, &mut bit, &mut out[done..]),)*
                        _ => 0,
                    }
                };
            }
            done += widths!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
        }
        one_by_one(data, &mut bit, width, &mut out[done..]);
        self.bit = bit;
    }
}

/// Whole groups of eight bit-packed values `W` bits wide (at most 16: a group's `W` bytes
/// fit the 128-bit word it is read in) from bit `*bit` of `data` (on a byte), while `out`
/// has room for a group and `data` 16 bytes from its start; the values read.
#[inline(always)]
fn groups<const W: usize>(data: &[u8], bit: &mut usize, out: &mut [u32]) -> usize {
    let mask = (1u128 << W) - 1;
    let mut done = 0;
    for eight in out.chunks_exact_mut(8) {
        let byte = *bit >> 3;
        let Some(w) = data.get(byte..byte + 16) else {
            break;
        };
        let w = u128::from_le_bytes(w.try_into().unwrap_or_default());
        for (j, o) in eight.iter_mut().enumerate() {
            *o = ((w >> (j * W)) & mask) as u32;
        }
        done += 8;
        *bit += 8 * W;
    }
    done
}

/// Bit-packed values of `width` bits from bit `*bit` of `data`, one at a time.
fn one_by_one(data: &[u8], bit: &mut usize, width: usize, out: &mut [u32]) {
    let mask = (1u64 << width) - 1;
    for o in out.iter_mut() {
        let byte = *bit >> 3;
        let word = match data.get(byte..byte + 8) {
            Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
            None => {
                // Near the end: the bytes there are, the rest zero.
                let mut w = [0u8; 8];
                let tail = data.get(byte..).unwrap_or_default();
                let n = tail.len().min(8);
                w[..n].copy_from_slice(&tail[..n]);
                u64::from_le_bytes(w)
            }
        };
        *o = ((word >> (*bit & 7)) & mask) as u32;
        *bit += width;
    }
}

/// Where a data page's values are read from.
enum Values {
    /// Dictionary keys.
    Keys(Hybrid),
    /// Plain values from this byte.
    Plain(Bytes, usize),
}

/// The data page being read.
struct DataPage {
    /// Rows (levels) left.
    left: usize,
    /// Definition levels (an optional column).
    levels: Option<Hybrid>,
    values: Values,
}

/// A dictionary page's entries, as a batch stores them.
enum Dict {
    /// Text: each entry's bytes, and each entry's interned symbol when every entry is
    /// known, plain text (the same symbols in every batch).
    Text(Vec<Bytes>, Option<Vec<u32>>),
    /// Day numbers ([`NO_DAY`] for an entry outside the years a date may have), and
    /// whether there is none such.
    Days(Vec<i32>, bool),
    /// Exact numbers.
    Nums(Vec<Decimal>),
}

/// A dictionary entry that is no date the CSV rules read (the general decoder says why).
const NO_DAY: i32 = i32::MIN;

/// A stored date (days since 1970-01-01) as a day number, or [`NO_DAY`].
fn day(v: i64) -> i32 {
    let day = v + UNIX_EPOCH_DAY;
    if DAYS.contains(&day) {
        day as i32
    } else {
        NO_DAY
    }
}

/// One declared column of a row group being read, batch by batch.
struct Column {
    pages: Box<dyn PageReader>,
    read: Read,
    nullable: bool,
    dict: Option<Dict>,
    page: Option<DataPage>,
    /// Scratch: a part's levels, and its keys.
    levels: Vec<u32>,
    keys: Vec<u32>,
    /// The dictionary's symbols in this batch.
    memo: Memo,
    /// The rows of the batch whose text is empty (a missing value).
    empties: Vec<usize>,
}

/// A dictionary entry no row of the batch has used yet.
const UNSEEN: u32 = u32::MAX;

/// A batch column being filled.
enum Out {
    Text(Texts),
    Days(Vec<i32>),
    Nums(Vec<Decimal>),
}

/// The next plain value of `buf` from `*pos` as an integer.
fn plain_int(buf: &[u8], pos: &mut usize, wide: bool) -> Option<i64> {
    if wide {
        let v = i64::from_le_bytes(buf.get(*pos..*pos + 8)?.try_into().ok()?);
        *pos += 8;
        Some(v)
    } else {
        let v = i32::from_le_bytes(buf.get(*pos..*pos + 4)?.try_into().ok()?);
        *pos += 4;
        Some(i64::from(v))
    }
}

/// The next plain BYTE_ARRAY value of `buf` from `*pos`: its range.
fn plain_bytes(buf: &[u8], pos: &mut usize) -> Option<std::ops::Range<usize>> {
    let len = u32::from_le_bytes(buf.get(*pos..*pos + 4)?.try_into().ok()?) as usize;
    let start = *pos + 4;
    let end = start.checked_add(len).filter(|&e| e <= buf.len())?;
    *pos = end;
    Some(start..end)
}

/// Text stored as it is read: valid UTF-8 (as the Arrow reader insists), and nothing the
/// general decoder would trim or refuse.
fn plain_text(t: &[u8]) -> bool {
    match (t.first(), t.last()) {
        (Some(&f), Some(&l)) => {
            columnar::printable(f)
                && columnar::printable(l)
                && (t.is_ascii() || std::str::from_utf8(t).is_ok())
        }
        _ => false,
    }
}

impl Out {
    fn new(read: Read, storage: Storage, n: usize) -> Out {
        match read {
            Read::Text => Out::Text(Texts::new(storage, n)),
            Read::Date => Out::Days(Vec::with_capacity(n)),
            Read::Num { .. } => Out::Nums(Vec::with_capacity(n)),
        }
    }

    /// A null's place: what the general decoder stores for a missing optional value.
    fn push_null(&mut self, known: &Known) {
        match self {
            Out::Text(t) => t.push_empty(known),
            Out::Days(d) => d.push(0),
            Out::Nums(x) => x.push(Decimal::ZERO),
        }
    }

    /// An empty text is a missing value where `empty` is given (an optional column): it
    /// is stored as the general decoder stores one, and its row (in the batch) put there.
    fn gather(
        &mut self,
        dict: &Dict,
        keys: &[u32],
        memo: &mut Memo,
        known: &Known,
        empty: Option<&mut Vec<usize>>,
    ) -> Option<()> {
        match (dict, self) {
            (Dict::Text(_, Some(table)), Out::Text(Texts::Interned { syms, .. })) => {
                syms.extend(keys.iter().map(|&k| table[k as usize]));
            }
            (Dict::Text(entries, _), Out::Text(texts)) => {
                memo.fresh(entries.len());
                let mut empties = false;
                for &k in keys {
                    let m = &mut memo.syms[k as usize];
                    if *m == UNSEEN {
                        let e = &entries[k as usize];
                        if e.is_empty() && empty.is_some() {
                            empties = true;
                        } else if !plain_text(e) {
                            return None;
                        }
                        *m = texts.symbol(e, known);
                    }
                }
                if let Some(rows) = empty.filter(|_| empties || memo.empties) {
                    memo.empties = true;
                    let from = texts.len();
                    rows.extend(
                        keys.iter()
                            .enumerate()
                            .filter(|&(_, &k)| entries[k as usize].is_empty())
                            .map(|(i, _)| from + i),
                    );
                }
                match texts {
                    Texts::Interned { syms, .. } => {
                        syms.extend(keys.iter().map(|&k| memo.syms[k as usize]));
                    }
                    Texts::Raw { .. } => {
                        for &k in keys {
                            texts.push_sym(0, &entries[k as usize]);
                        }
                    }
                }
            }
            (Dict::Days(days, valid), Out::Days(out)) => {
                let from = out.len();
                out.extend(keys.iter().map(|&k| days[k as usize]));
                if !valid && out[from..].contains(&NO_DAY) {
                    return None;
                }
            }
            (Dict::Nums(nums), Out::Nums(out)) => {
                out.extend(keys.iter().map(|&k| nums[k as usize]));
            }
            _ => return None,
        }
        Some(())
    }

    /// `count` plain values of `buf` from `*pos`, every row with a value (an empty text a
    /// missing one where `empty` is given, as in [`Out::gather`]).
    fn plain(
        &mut self,
        buf: &[u8],
        pos: &mut usize,
        count: usize,
        read: Read,
        known: &Known,
        empty: Option<&mut Vec<usize>>,
    ) -> Option<()> {
        match (self, read) {
            (Out::Days(out), _) => {
                let bytes = buf.get(*pos..pos.checked_add(count.checked_mul(4)?)?)?;
                let from = out.len();
                out.extend(
                    bytes
                        .chunks_exact(4)
                        .map(|b| day(i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))),
                );
                if out[from..].contains(&NO_DAY) {
                    return None;
                }
                *pos += bytes.len();
            }
            (Out::Nums(out), Read::Num { wide, scale }) => {
                let size = if wide { 8 } else { 4 };
                let bytes = buf.get(*pos..pos.checked_add(count.checked_mul(size)?)?)?;
                if wide {
                    out.extend(bytes.chunks_exact(8).map(|b| {
                        let mut w = [0u8; 8];
                        w.copy_from_slice(b);
                        Decimal::from_i128_with_scale(i128::from(i64::from_le_bytes(w)), scale)
                    }));
                } else {
                    out.extend(bytes.chunks_exact(4).map(|b| {
                        let v = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                        Decimal::from_i128_with_scale(i128::from(v), scale)
                    }));
                }
                *pos += bytes.len();
            }
            (Out::Text(texts), _) => {
                let mut empty = empty;
                for _ in 0..count {
                    let t = &buf[plain_bytes(buf, pos)?];
                    match &mut empty {
                        Some(rows) if t.is_empty() => rows.push(texts.len()),
                        _ if !plain_text(t) => return None,
                        _ => {}
                    }
                    let s = texts.symbol(t, known);
                    texts.push_sym(s, t);
                }
            }
            _ => return None,
        }
        Some(())
    }
}

/// Each dictionary entry's symbol in the current batch, found when a row first uses it
/// (a batch numbers the text it does not know afresh).
#[derive(Default)]
struct Memo {
    syms: Vec<u32>,
    /// Whether `syms` is of the current batch.
    current: bool,
    /// Whether an entry the batch used is the empty text.
    empties: bool,
}

impl Memo {
    /// Start the batch's symbols, if not yet done, for a dictionary of `len` entries.
    fn fresh(&mut self, len: usize) {
        if !self.current || self.syms.len() != len {
            self.syms.clear();
            self.syms.resize(len, UNSEEN);
            self.current = true;
            self.empties = false;
        }
    }
}

impl Column {
    /// A column read from `pages`, before its first page.
    fn new(pages: Box<dyn PageReader>, read: Read, nullable: bool) -> Column {
        Column {
            pages,
            read,
            nullable,
            dict: None,
            page: None,
            levels: Vec::new(),
            keys: Vec::new(),
            memo: Memo::default(),
            empties: Vec::new(),
        }
    }

    /// Move to the next data page (reading a dictionary page on the way); `None` at the
    /// end of the chunk or on a surprise.
    fn next_page(&mut self, known: &Known, storage: Storage) -> Option<()> {
        loop {
            let page = super::parquet::guarded(|| self.pages.get_next_page())
                .ok()?
                .ok()??;
            match page {
                Page::DictionaryPage {
                    buf,
                    num_values,
                    encoding,
                    ..
                } => {
                    if !matches!(encoding, Encoding::PLAIN | Encoding::PLAIN_DICTIONARY) {
                        return None;
                    }
                    // A second dictionary in a chunk (no writer makes one) is the Arrow
                    // reader's: the symbols found for the first would be kept otherwise.
                    if self.dict.is_some() {
                        return None;
                    }
                    let n = num_values as usize;
                    self.dict = Some(dictionary(self.read, &buf, n, known, storage)?);
                }
                Page::DataPage {
                    buf,
                    num_values,
                    encoding,
                    def_level_encoding,
                    ..
                } => {
                    let mut at = 0;
                    let levels = if self.nullable {
                        if def_level_encoding != Encoding::RLE {
                            return None;
                        }
                        let len = u32::from_le_bytes(buf.get(0..4)?.try_into().ok()?) as usize;
                        let end = 4usize.checked_add(len).filter(|&e| e <= buf.len())?;
                        at = end;
                        Some(Hybrid::new(buf.slice(4..end), 1)?)
                    } else {
                        None
                    };
                    return self.start(buf, at, num_values as usize, encoding, levels);
                }
                Page::DataPageV2 {
                    buf,
                    num_values,
                    encoding,
                    def_levels_byte_len,
                    rep_levels_byte_len,
                    ..
                } => {
                    if rep_levels_byte_len != 0 {
                        return None;
                    }
                    let end = def_levels_byte_len as usize;
                    let levels = if self.nullable {
                        Some(Hybrid::new(buf.get(..end).map(|_| buf.slice(..end))?, 1)?)
                    } else if end != 0 {
                        return None;
                    } else {
                        None
                    };
                    return self.start(buf, end, num_values as usize, encoding, levels);
                }
            }
        }
    }

    /// Begin a data page whose values start at byte `at` of `buf`.
    fn start(
        &mut self,
        buf: Bytes,
        at: usize,
        rows: usize,
        encoding: Encoding,
        levels: Option<Hybrid>,
    ) -> Option<()> {
        let values = match encoding {
            Encoding::PLAIN => Values::Plain(buf, at),
            Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY => {
                self.dict.as_ref()?;
                let width = u32::from(*buf.get(at)?);
                Values::Keys(Hybrid::new(buf.slice(at + 1..), width)?)
            }
            _ => return None,
        };
        self.page = Some(DataPage {
            left: rows,
            levels,
            values,
        });
        Some(())
    }

    /// Whether the column's data ends here: its page read, no page after it.
    fn exhausted(&mut self) -> bool {
        self.page.as_ref().is_none_or(|p| p.left == 0)
            && super::parquet::guarded(|| self.pages.get_next_page())
                .is_ok_and(|r| r.is_ok_and(|p| p.is_none()))
    }

    /// The next `n` rows of the column (the row group holds them), and which have a value
    /// (for a declared optional column); `None` on a surprise.
    fn batch(
        &mut self,
        n: usize,
        storage: Storage,
        optional: bool,
        known: &Known,
    ) -> Option<(ChunkColumn, Option<Vec<bool>>)> {
        let mut out = Out::new(self.read, storage, n);
        let mut present = optional.then(|| Vec::with_capacity(n));
        self.memo.current = false;
        self.empties.clear();
        let mut done = 0;
        while done < n {
            if self.page.as_ref().is_none_or(|p| p.left == 0) {
                self.next_page(known, storage)?;
            }
            let page = self.page.as_mut()?;
            let take = page.left.min(n - done);
            page.left -= take;
            done += take;
            // Which rows of the part have a value: all, when the levels say so in one run.
            let mut values = take;
            if let Some(levels) = &mut page.levels {
                if !levels.skip_repeat(take, 1) {
                    self.levels.resize(take, 0);
                    levels.fill(&mut self.levels)?;
                    if self.levels.iter().any(|&l| l > 1) {
                        return None;
                    }
                    values = self.levels.iter().filter(|&&l| l == 1).count();
                    if values < take && !optional {
                        return None;
                    }
                }
            }
            let all = values == take;
            if let Some(p) = &mut present {
                if all {
                    p.resize(p.len() + take, true);
                } else {
                    p.extend(self.levels.iter().map(|&l| l == 1));
                }
            }
            let keys = match &mut page.values {
                Values::Keys(keys) => {
                    self.keys.resize(values, 0);
                    keys.fill(&mut self.keys)?;
                    let dict = self.dict.as_ref()?;
                    let len = match dict {
                        Dict::Text(e, _) => e.len(),
                        Dict::Days(d, _) => d.len(),
                        Dict::Nums(x) => x.len(),
                    };
                    // The largest key, not `any`: a loop without an early exit runs
                    // several keys an instruction, four at a time on 32 bits (one past it
                    // on 64 bits was two at a time, each maximum emulated).
                    let top = self.keys.iter().fold(0u32, |m, &k| m.max(k));
                    if !self.keys.is_empty() && top as usize >= len {
                        return None;
                    }
                    if all {
                        let empty = optional.then_some(&mut self.empties);
                        out.gather(dict, &self.keys, &mut self.memo, known, empty)?;
                        continue;
                    }
                    Some(dict)
                }
                Values::Plain(buf, pos) => {
                    if all {
                        let empty = optional.then_some(&mut self.empties);
                        out.plain(buf, pos, take, self.read, known, empty)?;
                        continue;
                    }
                    None
                }
            };
            // Some rows without a value: row by row, a null's place holding what the
            // general decoder stores there.
            let mut k = self.keys.iter();
            for &level in &self.levels {
                if level != 1 {
                    out.push_null(known);
                    continue;
                }
                let empty = optional.then_some(&mut self.empties);
                match (keys, &mut page.values) {
                    (Some(dict), _) => {
                        let key = std::slice::from_ref(k.next()?);
                        out.gather(dict, key, &mut self.memo, known, empty)?
                    }
                    (None, Values::Plain(buf, pos)) => {
                        out.plain(buf, pos, 1, self.read, known, empty)?
                    }
                    (None, Values::Keys(_)) => return None,
                }
            }
        }
        // Empty texts are missing values.
        if let Some(p) = &mut present {
            for &r in &self.empties {
                p[r] = false;
            }
        }
        let column = match out {
            Out::Text(t) => t.finish(),
            Out::Days(d) => ChunkColumn::Date(d),
            Out::Nums(x) => ChunkColumn::Num(x),
        };
        Some((column, present))
    }
}

/// A dictionary page's `n` entries, as a batch of a column read as `read` stores them.
fn dictionary(read: Read, buf: &Bytes, n: usize, known: &Known, storage: Storage) -> Option<Dict> {
    let mut pos = 0;
    let ints = |wide: bool, pos: &mut usize| {
        (0..n)
            .map(|_| plain_int(buf, pos, wide))
            .collect::<Option<Vec<i64>>>()
    };
    match read {
        Read::Text => {
            let mut entries = Vec::with_capacity(n.min(buf.len() / 4));
            for _ in 0..n {
                entries.push(buf.slice(plain_bytes(buf, &mut pos)?));
            }
            // The Arrow reader checks every entry is UTF-8 when it loads the dictionary,
            // used or not, and refuses the row group if one is not.
            if entries.iter().any(|e| std::str::from_utf8(e).is_err()) {
                return None;
            }
            let syms = (storage == Storage::Interned)
                .then(|| {
                    entries
                        .iter()
                        .map(|e| {
                            plain_text(e)
                                .then(|| known.get(e))
                                .flatten()
                                .map(|s| s | KNOWN)
                        })
                        .collect::<Option<Vec<u32>>>()
                })
                .flatten();
            Some(Dict::Text(entries, syms))
        }
        Read::Date => {
            let days: Vec<i32> = ints(false, &mut pos)?.into_iter().map(day).collect();
            let valid = !days.contains(&NO_DAY);
            Some(Dict::Days(days, valid))
        }
        Read::Num { wide, scale } => Some(Dict::Nums(
            ints(wide, &mut pos)?
                .into_iter()
                .map(|v| Decimal::from_i128_with_scale(i128::from(v), scale))
                .collect(),
        )),
    }
}

/// A row group being read through its pages.
pub(super) struct Group {
    columns: Vec<Column>,
    rows: usize,
    /// Rows read so far.
    read: usize,
}

impl Group {
    /// Open row group `g`: a page reader for each declared column's chunk; `None` if a chunk
    /// cannot be read (the Arrow reader then reads the group, and says why).
    pub(super) fn open<R: ChunkReader + Clone + 'static>(
        plan: &Plan,
        file: &R,
        meta: &ParquetMetaData,
        g: usize,
    ) -> Option<Group> {
        let rg = meta.row_groups().get(g)?;
        let rows = usize::try_from(rg.num_rows()).ok()?;
        let mut columns = Vec::with_capacity(plan.columns.len());
        for &(leaf, read, nullable) in &plan.columns {
            let cm = rg.columns().get(leaf)?;
            // Pages read one at a time (a whole column chunk at once was a fresh allocation
            // of megabytes per chunk, each page of it a page fault: 8 % slower).
            let reader = || -> Option<Box<dyn PageReader>> {
                let f = Arc::new(file.clone());
                let r = super::parquet::guarded(|| SerializedPageReader::new(f, cm, rows, None))
                    .ok()?
                    .ok()?;
                Some(Box::new(r))
            };
            // The data pages must hold the group's rows, no more, no fewer: a footer whose
            // count disagrees with them (a damaged file) is the Arrow reader's to read, as
            // it always was — this path stops at the count, which would drop rows silently.
            let mut count = reader()?;
            let mut levels = 0usize;
            while let Some(page) = super::parquet::guarded(|| count.peek_next_page())
                .ok()?
                .ok()?
            {
                if !page.is_dict {
                    levels = levels.checked_add(page.num_levels.or(page.num_rows)?)?;
                }
                super::parquet::guarded(|| count.skip_next_page())
                    .ok()?
                    .ok()?;
            }
            if levels != rows {
                return None;
            }
            let pages = reader()?;
            columns.push(Column::new(pages, read, nullable));
        }
        Some(Group {
            columns,
            rows,
            read: 0,
        })
    }

    /// The rows of the group.
    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    /// The next `n` rows' declared columns and each optional one's presence, or `None` on
    /// a surprise (the Arrow reader reads from these rows on).
    pub(super) fn batch(
        &mut self,
        n: usize,
        schema: &TableSchema,
        storage: &[Storage],
        known: &Known,
    ) -> Option<columnar::Columns> {
        let mut columns = Vec::with_capacity(self.columns.len());
        let mut present = Vec::with_capacity(self.columns.len());
        for ((c, col), &s) in self.columns.iter_mut().zip(&schema.columns).zip(storage) {
            let (values, has) = c.batch(n, s, col.optional, known)?;
            if col.nonneg {
                if let ChunkColumn::Num(x) = &values {
                    if x.iter().any(|v| v.is_sign_negative() && !v.is_zero()) {
                        return None;
                    }
                }
            }
            columns.push(values);
            present.push(has);
        }
        // The group's last rows: no data may be left in any column (the Arrow reader would
        // read it).
        self.read += n;
        if self.read >= self.rows && !self.columns.iter_mut().all(Column::exhausted) {
            return None;
        }
        Some((columns, present))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values of a hybrid run sequence, read in pieces of `step`.
    fn read(data: &[u8], width: u32, n: usize, step: usize) -> Option<Vec<u32>> {
        let mut h = Hybrid::new(Bytes::copy_from_slice(data), width)?;
        let mut out = vec![0; n];
        for part in out.chunks_mut(step) {
            h.fill(part)?;
        }
        Some(out)
    }

    #[test]
    fn hybrid_runs_read_as_the_format_describes_them() {
        // A repeated run: header 5 << 1 = 10 (five values), value 3 in one byte (width 2).
        assert_eq!(read(&[10, 3], 2, 5, 2), Some(vec![3; 5]));
        // A bit-packed run of one group (header 1 << 1 | 1 = 3) at width 3: values 0..8
        // packed from the lowest bit: 0b10_001_000, 0b1_100_011_0, 0b111_110_10.
        let packed = [3, 0b1000_1000, 0b1100_0110, 0b1111_1010];
        assert_eq!(read(&packed, 3, 8, 3), Some((0..8).collect()));
        // The two in a row, read across the boundary; then past the end: no value.
        let both = [10, 3, 3, 0b1000_1000, 0b1100_0110, 0b1111_1010];
        let mut want = vec![3; 5];
        want.extend(0..8);
        assert_eq!(read(&both, 3, 13, 4), Some(want));
        assert_eq!(read(&both, 3, 14, 4), None);
        // Width 0: a repeated run of zeros with no value bytes.
        assert_eq!(read(&[8], 0, 4, 4), Some(vec![0; 4]));
        // A repeated value wider than the width, a run past the data, a header of zero
        // values, a width past 32: not read.
        assert_eq!(read(&[10, 4], 2, 5, 5), None);
        assert_eq!(read(&[5, 0xff], 8, 16, 16), None);
        assert_eq!(read(&[0, 1], 1, 1, 1), None);
        assert!(Hybrid::new(Bytes::new(), 33).is_none());
    }

    /// `values` bit-packed at `width` bits, lowest bit first, as one run (a header, then
    /// the groups of eight, the last padded with zeros).
    fn packed_run(values: &[u32], width: u32) -> Vec<u8> {
        let groups = values.len().div_ceil(8);
        let mut bits = vec![false; groups * 8 * width as usize];
        for (i, v) in values.iter().enumerate() {
            for b in 0..width as usize {
                bits[i * width as usize + b] = (v >> b) & 1 == 1;
            }
        }
        let mut data = vec![((groups as u8) << 1) | 1];
        data.extend(
            bits.chunks(8)
                .map(|c| c.iter().rev().fold(0u8, |a, &b| (a << 1) | u8::from(b))),
        );
        data
    }

    proptest! {
        /// At every width, in pieces of any size (so groups start mid-piece), bit-packed
        /// values read back as they were packed.
        #[test]
        fn bit_packed_values_read_back_at_every_width(
            width in 1u32..=32,
            seed in proptest::collection::vec(any::<u32>(), 1..60),
            step in 1usize..20,
        ) {
            let mask = if width == 32 { u32::MAX } else { (1 << width) - 1 };
            let values: Vec<u32> = seed.iter().map(|v| v & mask).collect();
            let data = packed_run(&values, width);
            prop_assert_eq!(read(&data, width, values.len(), step), Some(values));
        }
    }

    /// Pages handed out in turn, as a column chunk's reader hands them.
    struct Handed(std::vec::IntoIter<Page>);

    impl Iterator for Handed {
        type Item = parquet::errors::Result<Page>;
        fn next(&mut self) -> Option<Self::Item> {
            self.0.next().map(Ok)
        }
    }

    impl PageReader for Handed {
        fn get_next_page(&mut self) -> parquet::errors::Result<Option<Page>> {
            Ok(self.0.next())
        }
        fn peek_next_page(
            &mut self,
        ) -> parquet::errors::Result<Option<parquet::column::page::PageMetadata>> {
            Err(parquet::errors::ParquetError::General("not here".into()))
        }
        fn skip_next_page(&mut self) -> parquet::errors::Result<()> {
            Err(parquet::errors::ParquetError::General("not here".into()))
        }
    }

    fn dictionary_page(entries: &[&[u8]]) -> Page {
        let mut buf = Vec::new();
        for e in entries {
            buf.extend_from_slice(&(e.len() as u32).to_le_bytes());
            buf.extend_from_slice(e);
        }
        Page::DictionaryPage {
            buf: Bytes::from(buf),
            num_values: entries.len() as u32,
            encoding: Encoding::PLAIN,
            is_sorted: false,
        }
    }

    /// A version 1 data page of a required column: dictionary keys, bit-packed at 2 bits.
    fn keys_page(keys: &[u32]) -> Page {
        let mut buf = vec![2u8];
        buf.extend(packed_run(keys, 2));
        Page::DataPage {
            buf: Bytes::from(buf),
            num_values: keys.len() as u32,
            encoding: Encoding::RLE_DICTIONARY,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        }
    }

    /// A required text column read from `pages`.
    fn text_column(pages: Vec<Page>) -> Column {
        Column::new(Box::new(Handed(pages.into_iter())), Read::Text, false)
    }

    /// The texts of a column's next `n` rows (`None`: given back).
    fn texts(c: &mut Column, n: usize) -> Option<Vec<String>> {
        let strings = Interner::new();
        let (col, _) = c.batch(n, Storage::Interned, false, &Known::new(&strings))?;
        Some(rows(&col, &strings))
    }

    #[test]
    fn a_second_dictionary_in_a_chunk_is_given_back() {
        let (zz, bad): (&[&[u8]], &[&[u8]]) = (&[b"zz1", b"zz2"], &[b"q1", b" bad"]);
        // One dictionary: its entries by key, across pages.
        let mut c = text_column(vec![
            dictionary_page(zz),
            keys_page(&[0, 1]),
            keys_page(&[1]),
        ]);
        assert_eq!(
            texts(&mut c, 3),
            Some(vec!["zz1".into(), "zz2".into(), "zz2".into()])
        );
        // Another dictionary mid-chunk: key 1 would be " bad" (to trim) in the Arrow reader,
        // never the first dictionary's "zz2".
        let mut c = text_column(vec![
            dictionary_page(zz),
            keys_page(&[0, 1]),
            dictionary_page(bad),
            keys_page(&[1]),
        ]);
        assert_eq!(texts(&mut c, 3), None);
    }

    #[test]
    fn a_key_past_the_dictionary_is_given_back() {
        // Three entries: keys 0..=2 read, key 3 (as 2 bits hold) is none of them, wherever
        // it falls among the page's keys.
        let d: &[&[u8]] = &[b"a", b"b", b"c"];
        let mut c = text_column(vec![dictionary_page(d), keys_page(&[2, 0, 1, 2])]);
        assert_eq!(
            texts(&mut c, 4),
            Some(vec!["c".into(), "a".into(), "b".into(), "c".into()])
        );
        for keys in [
            &[3u32][..],
            &[0, 1, 3, 0, 1, 2, 2, 1, 0],
            &[0, 0, 0, 0, 0, 0, 0, 3],
        ] {
            let mut c = text_column(vec![dictionary_page(d), keys_page(keys)]);
            assert_eq!(texts(&mut c, keys.len()), None, "{keys:?}");
        }
    }

    #[test]
    fn a_chunk_with_data_past_the_group_is_not_exhausted() {
        let d: &[&[u8]] = &[b"a", b"b"];
        let mut c = text_column(vec![dictionary_page(d), keys_page(&[0, 1])]);
        assert!(texts(&mut c, 2).is_some());
        assert!(c.exhausted());
        // A value left in the page, or a page left after it.
        let mut c = text_column(vec![dictionary_page(d), keys_page(&[0, 1, 1])]);
        assert!(texts(&mut c, 2).is_some());
        assert!(!c.exhausted());
        let mut c = text_column(vec![
            dictionary_page(d),
            keys_page(&[0, 1]),
            keys_page(&[1]),
        ]);
        assert!(texts(&mut c, 2).is_some());
        assert!(!c.exhausted());
    }

    #[test]
    fn a_dictionary_entry_not_utf8_is_given_back_even_unused() {
        // The Arrow reader refuses the whole dictionary; the page path must not read it.
        let strings = Interner::new();
        let known = Known::new(&strings);
        let page = |entries: &[&[u8]]| match dictionary_page(entries) {
            Page::DictionaryPage {
                buf, num_values, ..
            } => (buf, num_values as usize),
            _ => (Bytes::new(), 0),
        };
        let (buf, n) = page(&[b"a", b"\xff"]);
        assert!(dictionary(Read::Text, &buf, n, &known, Storage::Interned).is_none());
        let (buf, n) = page(&[b"a", "é".as_bytes()]);
        assert!(dictionary(Read::Text, &buf, n, &known, Storage::Interned).is_some());
    }

    #[test]
    fn wide_bit_packed_values_read_whole() {
        // Eight values of 32 bits, bit-packed: each value's four bytes in turn.
        let values: Vec<u32> = vec![0, 1, u32::MAX, 0x8000_0000, 7, 0xdead_beef, 42, 1 << 20];
        let mut data = vec![3u8];
        for v in &values {
            data.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(read(&data, 32, 8, 8), Some(values));
    }

    use crate::intern::Interner;
    use crate::ir::{ColumnSchema, TableSchema};
    use crate::syntax::Span;
    use arrow_array::{
        ArrayRef, Date32Array, Decimal128Array, Int64Array, RecordBatch, StringArray,
    };
    use parquet::arrow::arrow_reader::{
        ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
    };
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::{WriterProperties, WriterVersion};
    use proptest::prelude::*;

    /// Texts the owner column draws from: known ones, unknown ones, and some the general
    /// decoder must see (to trim, empty, not ASCII at an end).
    const OWNERS: &[&str] = &[
        "r1", "r2", "r3", "zed", "new one", " r1", "r2 ", "", "é", "x\u{7f}",
    ];
    /// The first three are known (interned before the read).
    const KNOWN_OWNERS: usize = 3;

    /// How the amount column is stored.
    #[derive(Debug, Clone, Copy)]
    enum Amount {
        /// DECIMAL(18, 2) in 64 bits.
        Wide,
        /// DECIMAL(9, 2) in 32 bits.
        Narrow,
        /// A plain 64-bit integer.
        Int,
    }

    #[derive(Debug, Clone)]
    struct Case {
        owners: Vec<Option<usize>>,
        amounts: Vec<Option<i64>>,
        days: Vec<Option<i32>>,
        amount: Amount,
        optional: bool,
        nonneg: bool,
        dictionary: bool,
        v2: bool,
        /// Version 2 pages in the writer's own fallback encodings (DELTA_*), which the
        /// page path gives back to the Arrow reader; else PLAIN.
        delta: bool,
        snappy: bool,
        page_rows: usize,
        dict_bytes: usize,
        group: usize,
        batch: usize,
    }

    fn case() -> impl Strategy<Value = Case> {
        (1usize..1500).prop_flat_map(|n| {
            (
                // Now and then a text the general decoder must see.
                proptest::collection::vec(
                    prop::option::weighted(0.97, prop_oneof![200 => 0..5usize, 1 => 5..OWNERS.len()]),
                    n,
                ),
                proptest::collection::vec(prop::option::weighted(0.97, -5i64..200_000), n),
                // Mostly 2026; now and then a day past year 9999 or before year 0.
                proptest::collection::vec(
                    prop::option::weighted(
                        0.97,
                        prop_oneof![400 => 20_000..20_600i32, 1 => Just(3_000_000), 1 => Just(-800_000)],
                    ),
                    n,
                ),
                prop_oneof![Just(Amount::Wide), Just(Amount::Narrow), Just(Amount::Int)],
                (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
                (1usize..600, 16usize..4096, 1usize..2000, 1usize..1000),
            )
                .prop_map(
                    |(owners, amounts, days, amount, (optional, nonneg, dictionary, v2, delta, snappy), (page_rows, dict_bytes, group, batch))| Case {
                        owners,
                        amounts,
                        days,
                        amount,
                        optional,
                        nonneg,
                        dictionary,
                        v2,
                        delta,
                        snappy,
                        page_rows,
                        dict_bytes,
                        group,
                        batch,
                    },
                )
        })
    }

    fn column(name: &str, ty: Type, optional: bool, nonneg: bool) -> ColumnSchema {
        ColumnSchema {
            name: name.to_string(),
            ty,
            optional,
            span: Span::default(),
            default: None,
            nonneg,
            computed: None,
            joined: None,
        }
    }

    /// The case written as a Parquet file: `id` (unique text), `owner`, `amount`, `day`.
    fn file(c: &Case) -> Bytes {
        let n = c.owners.len();
        let ids: ArrayRef = Arc::new(StringArray::from(
            (0..n).map(|i| format!("d{i:05}")).collect::<Vec<_>>(),
        ));
        let owners: ArrayRef = Arc::new(StringArray::from(
            c.owners
                .iter()
                .map(|o| o.map(|i| OWNERS[i]))
                .collect::<Vec<_>>(),
        ));
        let amounts: ArrayRef = match c.amount {
            Amount::Wide | Amount::Narrow => {
                let p = if matches!(c.amount, Amount::Wide) {
                    18
                } else {
                    9
                };
                Arc::new(
                    Decimal128Array::from(
                        c.amounts
                            .iter()
                            .map(|a| a.map(i128::from))
                            .collect::<Vec<_>>(),
                    )
                    .with_precision_and_scale(p, 2)
                    .expect("a decimal type"),
                )
            }
            Amount::Int => Arc::new(Int64Array::from(c.amounts.clone())),
        };
        let days: ArrayRef = Arc::new(Date32Array::from(c.days.clone()));
        let batch = RecordBatch::try_from_iter([
            ("id", ids),
            ("owner", owners),
            ("amount", amounts),
            ("day", days),
        ])
        .expect("a batch");
        let mut props = WriterProperties::builder();
        if c.v2 && !c.delta {
            props = props.set_encoding(parquet::basic::Encoding::PLAIN);
        }
        let props = props
            .set_dictionary_enabled(c.dictionary)
            .set_writer_version(if c.v2 {
                WriterVersion::PARQUET_2_0
            } else {
                WriterVersion::PARQUET_1_0
            })
            .set_compression(if c.snappy {
                Compression::SNAPPY
            } else {
                Compression::UNCOMPRESSED
            })
            .set_write_batch_size(c.page_rows.min(64))
            .set_data_page_row_count_limit(c.page_rows)
            .set_dictionary_page_size_limit(c.dict_bytes)
            .set_max_row_group_row_count(Some(c.group))
            .build();
        let mut out = Vec::new();
        let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).expect("a writer");
        w.write(&batch).expect("written");
        w.close().expect("closed");
        Bytes::from(out)
    }

    /// Each row's value as text, whatever way the chunk stores it (a symbol of `strings`
    /// or of the chunk's new texts, bytes, a decimal's digits and scale, a day number).
    fn rows(c: &ChunkColumn, strings: &Interner) -> Vec<String> {
        match c {
            ChunkColumn::Text { new, syms } => syms
                .iter()
                .map(|&s| {
                    if s & KNOWN != 0 {
                        strings.resolve(s & !KNOWN).to_string()
                    } else {
                        String::from_utf8_lossy(&new[s as usize]).into_owned()
                    }
                })
                .collect(),
            ChunkColumn::Raw { bytes, ends } => {
                let mut from = 0;
                ends.iter()
                    .map(|&e| {
                        let t = String::from_utf8_lossy(&bytes[from..e as usize]).into_owned();
                        from = e as usize;
                        t
                    })
                    .collect()
            }
            ChunkColumn::Num(x) => x
                .iter()
                .map(|v| format!("{}e-{}", v.mantissa(), v.scale()))
                .collect(),
            ChunkColumn::Date(d) => d.iter().map(i32::to_string).collect(),
            ChunkColumn::Bool(b) => b.iter().map(bool::to_string).collect(),
        }
    }

    /// What `columns` hold, row by row, and the presence of each optional column.
    fn seen(
        columns: &columnar::Columns,
        strings: &Interner,
    ) -> (Vec<Vec<String>>, Vec<Option<Vec<bool>>>) {
        (
            columns.0.iter().map(|c| rows(c, strings)).collect(),
            columns.1.clone(),
        )
    }

    /// What the general decoder makes of rows `rows` of the case (worked out from the
    /// values written): the columns row by row, as [`seen`] shows them, and presences.
    fn expected(
        c: &Case,
        rows: std::ops::Range<usize>,
    ) -> (Vec<Vec<String>>, Vec<Option<Vec<bool>>>) {
        let scale = if matches!(c.amount, Amount::Int) {
            0
        } else {
            2
        };
        let ids = rows.clone().map(|i| format!("d{i:05}")).collect();
        let owners = rows
            .clone()
            .map(|r| c.owners[r].map_or("", |i| OWNERS[i]).to_string())
            .collect();
        // A missing amount or day holds zero (a decimal of scale 0, day 0).
        let amounts = rows
            .clone()
            .map(|r| c.amounts[r].map_or("0e-0".to_string(), |a| format!("{a}e-{scale}")))
            .collect();
        let days = rows
            .clone()
            .map(|r| {
                c.days[r]
                    .map_or(0, |d| i64::from(d) + UNIX_EPOCH_DAY)
                    .to_string()
            })
            .collect();
        let has_owner = rows
            .clone()
            .map(|r| c.owners[r].is_some_and(|i| !OWNERS[i].is_empty()))
            .collect();
        let has = |v: &[Option<i64>]| rows.clone().map(|r| v[r].is_some()).collect::<Vec<bool>>();
        let day_values: Vec<Option<i64>> = c.days.iter().map(|d| d.map(i64::from)).collect();
        let presence = if c.optional {
            vec![
                None,
                Some(has_owner),
                Some(has(&c.amounts)),
                Some(has(&day_values)),
            ]
        } else {
            vec![None; 4]
        };
        (vec![ids, owners, amounts, days], presence)
    }

    #[test]
    fn a_row_group_whose_count_disagrees_with_its_pages_is_left_to_the_arrow_reader() {
        // 100 rows in one row group, its footer's count then made 60 or 140 (as a damaged
        // file's may be): the pages hold 100 values, so the page path reads neither (the
        // Arrow reader reads the pages to their end); the true count it reads.
        let c = Case {
            owners: vec![Some(0); 100],
            amounts: vec![Some(5); 100],
            days: vec![Some(20_100); 100],
            amount: Amount::Wide,
            optional: true,
            nonneg: false,
            dictionary: true,
            v2: false,
            delta: false,
            snappy: true,
            page_rows: 30,
            dict_bytes: 4096,
            group: 1000,
            batch: 100,
        };
        let bytes = file(&c);
        let meta = ArrowReaderMetadata::load(&bytes, ArrowReaderOptions::new()).expect("metadata");
        let schema = TableSchema {
            name: "deals".into(),
            span: Span::default(),
            columns: vec![
                column("id", Type::Text, false, false),
                column("owner", Type::Text, true, false),
                column("amount", Type::Money("EUR".into()), true, false),
                column("day", Type::Date, true, false),
            ],
            key: None,
            keys: Vec::new(),
            effective: None,
        };
        let plan =
            plan(meta.parquet_schema(), meta.schema(), &schema, &[0, 1, 2, 3]).expect("a plan");
        let counted = |rows: i64| {
            let mut md = meta.metadata().as_ref().clone().into_builder();
            let groups = md
                .take_row_groups()
                .into_iter()
                .map(|g| {
                    g.into_builder()
                        .set_num_rows(rows)
                        .build()
                        .expect("a row group")
                })
                .collect();
            md.set_row_groups(groups).build()
        };
        assert!(Group::open(&plan, &bytes, &counted(100), 0).is_some());
        assert!(Group::open(&plan, &bytes, &counted(60), 0).is_none());
        assert!(Group::open(&plan, &bytes, &counted(140), 0).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Batch by batch, the page path reads what the Arrow reader and its fast path
        /// read; it gives a batch back only when the fast path does too, and reads every
        /// batch of a file with nothing the general decoder must see.
        #[test]
        fn pages_read_what_the_arrow_reader_reads(c in case()) {
            let bytes = file(&c);
            let mut strings = Interner::new();
            for o in &OWNERS[..KNOWN_OWNERS] {
                strings.intern(o);
            }
            let known = Known::new(&strings);
            let schema = TableSchema {
                name: "deals".into(),
                span: Span::default(),
                columns: vec![
                    column("id", Type::Text, false, false),
                    column("owner", Type::Text, c.optional, false),
                    column("amount", Type::Money("EUR".into()), c.optional, c.nonneg),
                    column("day", Type::Date, c.optional, false),
                ],
                key: None,
                keys: Vec::new(),
                effective: None,
            };
            let storage = [Storage::Raw, Storage::Interned, Storage::Interned, Storage::Interned];
            let meta = ArrowReaderMetadata::load(&bytes, ArrowReaderOptions::new()).expect("metadata");
            let plan = plan(meta.parquet_schema(), meta.schema(), &schema, &[0, 1, 2, 3]).expect("a plan");
            // An empty owner is a missing one, where the column is optional.
            let clean = |r: usize| {
                let owner = c.owners[r].map_or(c.optional, |i| {
                    if OWNERS[i].is_empty() {
                        c.optional
                    } else {
                        columnar::plain(OWNERS[i]) && OWNERS[i].is_ascii()
                    }
                });
                let amount = c.amounts[r].map_or(c.optional, |a| !c.nonneg || a >= 0);
                let day = c.days[r].map_or(c.optional, |d| (20_000..20_600).contains(&d));
                owner && amount && day
            };
            for g in 0..meta.metadata().num_row_groups() {
                let mut group = Group::open(&plan, &bytes, meta.metadata(), g).expect("a row group");
                let arrow = ParquetRecordBatchReaderBuilder::new_with_metadata(bytes.clone(), meta.clone())
                    .with_row_groups(vec![g])
                    .with_batch_size(c.batch)
                    .build()
                    .expect("a reader");
                let mut dictionaries = columnar::Dictionaries::default();
                let mut first = g * c.group;
                for batch in arrow {
                    let batch = batch.expect("a batch");
                    let n = batch.num_rows();
                    let want = columnar::batch(&batch, &schema, &storage, &[0, 1, 2, 3], &known, &mut dictionaries);
                    let got = group.batch(n, &schema, &storage, &known);
                    if let Some(got) = &got {
                        prop_assert_eq!(seen(got, &strings), expected(&c, first..first + n));
                    }
                    match (&got, &want) {
                        (Some(got), Some(want)) => prop_assert_eq!(seen(got, &strings), seen(want, &strings)),
                        // Only an empty owner in an optional column is read where the
                        // Arrow fast path gives the batch to the general decoder.
                        (Some(_), None) => prop_assert!(
                            c.optional && (first..first + n).all(clean),
                            "the page path read a batch the Arrow fast path gives back"
                        ),
                        (None, _) => {
                            let readable = !(c.v2 && c.delta);
                            prop_assert!(!readable || !(first..first + n).all(clean), "a clean batch was given back");
                            break;
                        }
                    }
                    first += n;
                }
            }
        }
    }
}
