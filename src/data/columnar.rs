//! The Parquet reader's fast path (issue 12, speed): a decoded batch converted column by
//! column from its Arrow arrays — decimals, integers, dates, booleans and text that are
//! plainly of the declared type — with no per-value dispatch. A dictionary-encoded text
//! column is looked up once per dictionary entry, not once per row, and once per row group
//! when its entries are all interned text ([`Dictionaries`]).
//!
//! Like the CSV reader's fast path (`plain.rs`), it never decides what is an error: a value
//! that needs trimming, an empty or missing required value, a negative value in a `>= 0`
//! column, a decimal out of range, an Arrow type it does not convert — any of these gives
//! the batch back to the general decoder (`parquet.rs`), which checks each value by the
//! rules of a CSV cell and words the diagnostics.

use super::plain::Known;
use super::table::{ChunkColumn, Storage, KNOWN};
use crate::ir::{ColumnSchema, TableSchema};
use crate::types::Type;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int32Type, Int64Type};
use arrow_array::{Array, GenericStringArray, OffsetSizeTrait, RecordBatch};
use arrow_schema::DataType;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Day number (as the CSV reader counts) of 1970-01-01, Arrow's day 0.
pub(super) const UNIX_EPOCH_DAY: i64 = 719_163;
/// The days of years 0000–9999, as a CSV date reads them.
pub(super) const DAYS: std::ops::RangeInclusive<i64> = -365..=3_652_059;

/// A batch's declared columns and, for each optional one, which rows have a value.
pub(super) type Columns = (Vec<ChunkColumn>, Vec<Option<Vec<bool>>>);

/// Per declared column, the dictionary its last batch had and the symbol of each entry
/// (`None`: text the general decoder must see). The batches of a row group share one
/// dictionary (the same buffers): its entries are then looked up once per row group,
/// not once per batch. Kept only when every symbol is an interned one, which means the
/// same in any batch (a batch's own symbols are numbered afresh in each).
#[derive(Default)]
pub(super) struct Dictionaries(Vec<Option<(arrow_array::ArrayRef, Vec<Option<u32>>)>>);

/// The batch's declared columns (`at[c]`: schema column c's column in the batch) and each
/// optional column's presence, or `None` when the general decoder must read the batch.
pub(super) fn batch(
    batch: &RecordBatch,
    schema: &TableSchema,
    storage: &[Storage],
    at: &[usize],
    known: &Known,
    dictionaries: &mut Dictionaries,
) -> Option<Columns> {
    dictionaries.0.resize_with(schema.columns.len(), || None);
    let mut columns = Vec::with_capacity(schema.columns.len());
    let mut present = Vec::with_capacity(schema.columns.len());
    for (((col, &s), &i), kept) in schema
        .columns
        .iter()
        .zip(storage)
        .zip(at)
        .zip(&mut dictionaries.0)
    {
        let array = batch.column(i);
        let nulls = array.logical_nulls();
        let has: Option<Vec<bool>> = match (&nulls, col.optional) {
            (Some(n), _) if n.null_count() > 0 && !col.optional => return None,
            (Some(n), true) => Some((0..array.len()).map(|r| n.is_valid(r)).collect()),
            (None, true) => Some(vec![true; array.len()]),
            _ => None,
        };
        let any_null = nulls.as_ref().is_some_and(|n| n.null_count() > 0);
        let is_null = |r: usize| nulls.as_ref().is_some_and(|n| n.is_null(r));
        columns.push(column(
            array.as_ref(),
            col,
            s,
            known,
            any_null,
            &is_null,
            kept,
        )?);
        present.push(has);
    }
    Some((columns, present))
}

/// One column, converted whole.
fn column(
    a: &dyn Array,
    col: &ColumnSchema,
    storage: Storage,
    known: &Known,
    any_null: bool,
    is_null: &impl Fn(usize) -> bool,
    kept: &mut Option<(arrow_array::ArrayRef, Vec<Option<u32>>)>,
) -> Option<ChunkColumn> {
    let n = a.len();
    match (&col.ty, a.data_type()) {
        (Type::Text, _) => text(a, storage, known, any_null, is_null, kept),
        (Type::Date, DataType::Date32) => {
            let p = a.as_primitive_opt::<Date32Type>()?;
            let mut v = Vec::with_capacity(n);
            for (r, &d) in p.values().iter().enumerate() {
                let day = i64::from(d) + UNIX_EPOCH_DAY;
                v.push(match (is_null(r), DAYS.contains(&day)) {
                    (true, _) => 0,
                    (false, true) => day as i32,
                    (false, false) => return None,
                });
            }
            Some(ChunkColumn::Date(v))
        }
        (Type::Bool, DataType::Boolean) => {
            let b = a.as_boolean_opt()?;
            Some(ChunkColumn::Bool(
                (0..n).map(|r| !is_null(r) && b.value(r)).collect(),
            ))
        }
        (Type::Integer, DataType::Decimal128(_, s)) if *s != 0 => None,
        (Type::Money(_) | Type::Number | Type::Percent | Type::Integer | Type::Days, ty) => {
            let values: Vec<Decimal> = match ty {
                DataType::Decimal128(_, s) if (0..=28).contains(s) => {
                    let p = a.as_primitive_opt::<Decimal128Type>()?;
                    let limit = 10u128.pow(28);
                    let mut v = Vec::with_capacity(n);
                    for (r, &x) in p.values().iter().enumerate() {
                        if is_null(r) {
                            v.push(Decimal::ZERO);
                        } else if x.unsigned_abs() < limit {
                            // (`unsigned_abs`: the smallest i128 has no positive
                            // counterpart, and a file may hold it.)
                            v.push(Decimal::from_i128_with_scale(x, *s as u32));
                        } else {
                            return None;
                        }
                    }
                    v
                }
                // A null's place holds the default, as the general decoder stores it.
                DataType::Int64 => {
                    let p = a.as_primitive_opt::<Int64Type>()?;
                    integers(p.values().iter().copied(), is_null)
                }
                DataType::Int32 => {
                    let p = a.as_primitive_opt::<Int32Type>()?;
                    integers(p.values().iter().map(|&x| i64::from(x)), is_null)
                }
                _ => return None,
            };
            // A null holds zero by now, which is not negative.
            if col.nonneg && values.iter().any(|x| x.is_sign_negative() && !x.is_zero()) {
                return None;
            }
            Some(ChunkColumn::Num(values))
        }
        _ => None,
    }
}

/// Integers as exact numbers, zero where `is_null` (the general decoder's default).
fn integers(values: impl Iterator<Item = i64>, is_null: &impl Fn(usize) -> bool) -> Vec<Decimal> {
    values
        .enumerate()
        .map(|(r, x)| {
            if is_null(r) {
                Decimal::ZERO
            } else {
                Decimal::from(x)
            }
        })
        .collect()
}

/// A text column: plain, large or view strings, or a dictionary of them.
fn text(
    a: &dyn Array,
    storage: Storage,
    known: &Known,
    any_null: bool,
    is_null: &impl Fn(usize) -> bool,
    kept: &mut Option<(arrow_array::ArrayRef, Vec<Option<u32>>)>,
) -> Option<ChunkColumn> {
    let n = a.len();
    let mut out = Texts::new(storage, n);
    if let DataType::Dictionary(..) = a.data_type() {
        let d = a.as_any_dictionary_opt()?;
        // The keys as they are when 32-bit (the type the reader is asked for), not copied
        // out as `normalized_keys` does.
        let int32_keys = a
            .as_dictionary_opt::<Int32Type>()
            .map(|k| k.keys().values());
        let entries = strings(d.values().as_ref())?;
        let values = d.values().clone();
        // Each entry once: its symbol, or `None` for text the general decoder must see;
        // the last batch's when its dictionary is this one (the same buffers, kept alive
        // by `kept`, so the same bytes).
        let syms: Vec<Option<u32>> = match kept.take() {
            Some((last, syms))
                if storage == Storage::Interned && last.to_data().ptr_eq(&values.to_data()) =>
            {
                *kept = Some((last, syms.clone()));
                syms
            }
            _ => {
                let syms: Vec<Option<u32>> = entries
                    .iter()
                    .map(|e| plain(e).then(|| out.symbol(e.as_bytes(), known)))
                    .collect();
                if storage == Storage::Interned && syms.iter().flatten().all(|&s| s & KNOWN != 0) {
                    *kept = Some((values, syms.clone()));
                }
                syms
            }
        };
        if let (Some(keys), Texts::Interned { syms: out_syms, .. }) = (int32_keys, &mut out) {
            // The usual case, in two loops the compiler vectorises: no null, every entry
            // plain text, keys 32-bit. A key outside the dictionary is left to the
            // general decoder, as any other surprise.
            if !any_null && keys.len() == n {
                if let Some(table) = syms.iter().copied().collect::<Option<Vec<u32>>>() {
                    if keys.iter().all(|&k| (k as u32 as usize) < table.len()) {
                        out_syms.extend(keys.iter().map(|&k| table[k as u32 as usize]));
                        return Some(out.finish());
                    }
                    return None;
                }
            }
        }
        let keys = d.normalized_keys();
        for (r, &k) in keys.iter().enumerate().take(n) {
            if is_null(r) {
                out.push_empty(known);
                continue;
            }
            let s = syms.get(k).copied().flatten()?;
            out.push_sym(s, entries.get(k)?.as_bytes());
        }
        return Some(out.finish());
    }
    if storage == Storage::Raw && !any_null {
        match a.data_type() {
            DataType::Utf8 => return raw(a.as_string_opt::<i32>()?),
            DataType::LargeUtf8 => return raw(a.as_string_opt::<i64>()?),
            _ => {}
        }
    }
    for (r, t) in strings(a)?.into_iter().enumerate() {
        if is_null(r) {
            out.push_empty(known);
            continue;
        }
        if !plain(t) {
            return None;
        }
        let s = out.symbol(t.as_bytes(), known);
        out.push_sym(s, t.as_bytes());
    }
    Some(out.finish())
}

/// Raw text with no null (a key column of unique ids, typically): the array's bytes
/// copied at once and its offsets made ends, where value by value would copy each
/// separately. Every value must still be plain.
fn raw<O: OffsetSizeTrait>(s: &GenericStringArray<O>) -> Option<ChunkColumn> {
    let offsets = s.value_offsets();
    let values = s.value_data();
    let first = offsets.first()?.as_usize();
    let last = offsets.last()?.as_usize();
    let all_plain = offsets.windows(2).all(|w| {
        let (i, j) = (w[0].as_usize(), w[1].as_usize());
        match (values.get(i), j.checked_sub(1).and_then(|l| values.get(l))) {
            (Some(&f), Some(&l)) if i < j => printable(f) && printable(l),
            _ => false,
        }
    });
    if !all_plain {
        return None;
    }
    Some(ChunkColumn::Raw {
        bytes: values.get(first..last)?.to_vec(),
        ends: offsets
            .iter()
            .skip(1)
            .map(|o| o.as_usize().saturating_sub(first) as u64)
            .collect(),
    })
}

/// Every value of a string array (the array cast once, not per value).
fn strings(a: &dyn Array) -> Option<Vec<&str>> {
    Some(match a.data_type() {
        DataType::Utf8 => {
            let s = a.as_string_opt::<i32>()?;
            (0..s.len()).map(|r| s.value(r)).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string_opt::<i64>()?;
            (0..s.len()).map(|r| s.value(r)).collect()
        }
        DataType::Utf8View => {
            let s = a.as_string_view_opt()?;
            (0..s.len()).map(|r| s.value(r)).collect()
        }
        _ => return None,
    })
}

/// Text the general decoder stores as it is: not empty, nothing it would trim (its first
/// and last bytes printable ASCII; other text goes to it).
pub(super) fn plain(t: &str) -> bool {
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&f), Some(&l)) => printable(f) && printable(l),
        _ => false,
    }
}

/// A byte of printable ASCII other than the space.
pub(super) fn printable(b: u8) -> bool {
    b > b' ' && b < 0x7f
}

/// A text column being built: interned symbols (known ones marked [`KNOWN`], the rest
/// numbered in order of first appearance) or raw bytes.
pub(super) enum Texts {
    Interned {
        map: FxHashMap<Vec<u8>, u32>,
        new: Vec<Vec<u8>>,
        syms: Vec<u32>,
    },
    Raw {
        bytes: Vec<u8>,
        ends: Vec<u64>,
    },
}

impl Texts {
    pub(super) fn new(storage: Storage, n: usize) -> Texts {
        match storage {
            Storage::Interned => Texts::Interned {
                map: FxHashMap::default(),
                new: Vec::new(),
                syms: Vec::with_capacity(n),
            },
            Storage::Raw => Texts::Raw {
                bytes: Vec::with_capacity(n * 8),
                ends: Vec::with_capacity(n),
            },
        }
    }

    /// The rows so far.
    pub(super) fn len(&self) -> usize {
        match self {
            Texts::Interned { syms, .. } => syms.len(),
            Texts::Raw { ends, .. } => ends.len(),
        }
    }

    /// The symbol text `t` stores as (nothing for raw text).
    pub(super) fn symbol(&mut self, t: &[u8], known: &Known) -> u32 {
        match self {
            Texts::Interned { map, new, .. } => {
                if let Some(g) = known.get(t) {
                    return g | KNOWN;
                }
                if let Some(&s) = map.get(t) {
                    return s;
                }
                let s = new.len() as u32;
                new.push(t.to_vec());
                map.insert(t.to_vec(), s);
                s
            }
            Texts::Raw { .. } => 0,
        }
    }

    pub(super) fn push_sym(&mut self, sym: u32, t: &[u8]) {
        match self {
            Texts::Interned { syms, .. } => syms.push(sym),
            Texts::Raw { bytes, ends } => {
                bytes.extend_from_slice(t);
                ends.push(bytes.len() as u64);
            }
        }
    }

    /// A missing optional value: the empty text, as the general decoder stores it.
    pub(super) fn push_empty(&mut self, known: &Known) {
        let s = self.symbol(b"", known);
        self.push_sym(s, b"");
    }

    pub(super) fn finish(self) -> ChunkColumn {
        match self {
            Texts::Interned { new, syms, .. } => ChunkColumn::Text { new, syms },
            Texts::Raw { bytes, ends } => ChunkColumn::Raw { bytes, ends },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{ArrayRef, DictionaryArray, Int32Array, StringArray};
    use std::sync::Arc;

    /// The symbols and new texts of a text column.
    fn read(
        values: &ArrayRef,
        keys: &[i32],
        known: &Known,
        kept: &mut Option<(ArrayRef, Vec<Option<u32>>)>,
    ) -> Option<(Vec<u32>, Vec<Vec<u8>>)> {
        let a = DictionaryArray::try_new(Int32Array::from(keys.to_vec()), values.clone())
            .expect("a dictionary");
        match text(&a, Storage::Interned, known, false, &|_| false, kept)? {
            ChunkColumn::Text { syms, new } => Some((syms, new)),
            _ => None,
        }
    }

    #[test]
    fn integers_are_exact_and_a_null_is_zero() {
        // Rows 1 and 3 null (whatever their slots hold); the rest as written, the
        // extremes of 64 bits included.
        let got = integers([7, -3, i64::MAX, 5, i64::MIN].into_iter(), &|r| {
            r == 1 || r == 3
        });
        let want: Vec<Decimal> = vec![
            Decimal::from(7),
            Decimal::ZERO,
            Decimal::from(9_223_372_036_854_775_807i64),
            Decimal::ZERO,
            Decimal::from(-9_223_372_036_854_775_808i64),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn batches_that_share_a_dictionary_read_as_each_alone_would() {
        let mut strings = crate::intern::Interner::new();
        let r1 = strings.intern("r1");
        let r2 = strings.intern("r2");
        let known = Known::new(&strings);
        let ids: ArrayRef = Arc::new(StringArray::from(vec!["r2", "r1"]));
        let mut kept = None;
        // Two batches of one row group (one dictionary): the first looks its entries up and
        // keeps them; the second reads the kept ones. Each as it reads alone.
        let first = read(&ids, &[0, 1, 1], &known, &mut kept);
        assert_eq!(
            first,
            Some((vec![r2 | KNOWN, r1 | KNOWN, r1 | KNOWN], vec![]))
        );
        assert!(kept.as_ref().is_some_and(|(d, _)| Arc::ptr_eq(d, &ids)));
        let second = read(&ids, &[1, 0], &known, &mut kept);
        assert_eq!(second, read(&ids, &[1, 0], &known, &mut None));
        assert_eq!(second, Some((vec![r1 | KNOWN, r2 | KNOWN], vec![])));
        // Another row group's dictionary, the same texts in another order: looked up anew.
        let other: ArrayRef = Arc::new(StringArray::from(vec!["r1", "r2"]));
        let third = read(&other, &[0, 1], &known, &mut kept);
        assert_eq!(third, Some((vec![r1 | KNOWN, r2 | KNOWN], vec![])));
        assert!(kept.as_ref().is_some_and(|(d, _)| Arc::ptr_eq(d, &other)));
        // A text nobody interned is numbered in each batch afresh: such a dictionary is
        // not kept, and every batch reads as it would alone.
        let mixed: ArrayRef = Arc::new(StringArray::from(vec!["zz", "r1"]));
        for keys in [[1, 0, 0], [0, 1, 0]] {
            let got = read(&mixed, &keys, &known, &mut kept);
            assert_eq!(got, read(&mixed, &keys, &known, &mut None));
            assert!(kept.is_none());
        }
        assert_eq!(
            read(&mixed, &[1, 0], &known, &mut kept),
            Some((vec![r1 | KNOWN, 0], vec![b"zz".to_vec()]))
        );
    }

    #[test]
    fn dictionary_keys_read_the_same_with_nulls_and_with_unused_entries_to_trim() {
        let mut strings = crate::intern::Interner::new();
        let r1 = strings.intern("r1");
        let r2 = strings.intern("r2");
        let empty = strings.intern("");
        let known = Known::new(&strings);
        // An entry the general decoder would trim, used by no key: the rows still read
        // here (value by value); used by a key, the batch goes to the general decoder.
        let odd: ArrayRef = Arc::new(StringArray::from(vec![" r1", "r1", "r2"]));
        assert_eq!(
            read(&odd, &[1, 2, 1], &known, &mut None),
            Some((vec![r1 | KNOWN, r2 | KNOWN, r1 | KNOWN], vec![]))
        );
        assert_eq!(read(&odd, &[1, 0], &known, &mut None), None);
        // A null key is the empty text, as the general decoder stores a missing value.
        let ids: ArrayRef = Arc::new(StringArray::from(vec!["r1", "r2"]));
        let keys = Int32Array::from(vec![Some(1), None, Some(0)]);
        let a = DictionaryArray::try_new(keys, ids).expect("a dictionary");
        let nulls = a.logical_nulls();
        let is_null = |r: usize| nulls.as_ref().is_some_and(|n| n.is_null(r));
        let got = text(&a, Storage::Interned, &known, true, &is_null, &mut None);
        assert_eq!(
            got.map(|c| match c {
                ChunkColumn::Text { syms, .. } => syms,
                _ => Vec::new(),
            }),
            Some(vec![r2 | KNOWN, empty | KNOWN, r1 | KNOWN])
        );
    }

    #[test]
    fn raw_text_is_copied_whole_as_value_by_value_would() {
        let known = Known::new(&crate::intern::Interner::new());
        let raw_of =
            |a: &dyn Array| match text(a, Storage::Raw, &known, false, &|_| false, &mut None) {
                Some(ChunkColumn::Raw { bytes, ends }) => Some((bytes, ends)),
                _ => None,
            };
        let want = Some((b"d22d333d4".to_vec(), vec![3, 7, 9]));
        // A slice of a larger array: its offsets do not start at zero.
        let ids = StringArray::from(vec!["d1", "d22", "d333", "d4"]);
        assert_eq!(raw_of(&ids.slice(1, 3)), want);
        let large = arrow_array::LargeStringArray::from(vec!["d22", "d333", "d4"]);
        assert_eq!(raw_of(&large), want);
        // Text to trim, an empty value, a control character at an end: the general decoder's.
        for odd in [" d1", "d1 ", "", "d1\t", "\u{7f}d"] {
            let a = StringArray::from(vec!["d0", odd, "d2"]);
            assert_eq!(raw_of(&a), None, "{odd:?}");
        }
        // Inside a value anything goes, as the general decoder stores it.
        let inner = StringArray::from(vec!["a b", "xé,y"]);
        assert_eq!(
            raw_of(&inner),
            Some(("a bxé,y".as_bytes().to_vec(), vec![3, 8]))
        );
    }
}
