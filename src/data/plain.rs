//! The CSV reader's fast path (issue 12, speed): a block without a quote, where every
//! record has the header's width and every declared cell is well formed, parsed in one
//! sweep. Field boundaries come from one vectorised scan of the whole block (`memchr2`
//! over the delimiter and the line break) instead of one search per field, and each column
//! is parsed by a routine chosen once for the block.
//!
//! Anything unusual — a quote, a record of another width, an empty required cell, padding
//! around a cell, a value that does not parse, a negative value in a `>= 0` column — gives
//! up on the whole block, and the general parser (`csv.rs`) reads it again: it is the one
//! place that words diagnostics, and blocks with an error in them are rare. So this path
//! never decides what is an error, only that a block has none.

use super::cells;
use super::csv::{Block, ColBuf};
use super::table::{Storage, KNOWN};
use crate::intern::Sym;
use crate::ir::TableSchema;
use crate::types::Type;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Distinct values a text column keeps in its per-block list before it is looked up by hash
/// only (stage, product, kind have a handful; ids have thousands).
const FEW: usize = 16;

/// A text column's lookup state for the block: the first few distinct cells (by their
/// packed bytes) and the symbol each became, tried before any hashing.
#[derive(Default)]
struct Recent {
    seen: Vec<(Short, u32)>,
    many: bool,
}

/// Text of up to 16 bytes packed into words: its first and last eight bytes (overlapping
/// when shorter than 16) and its length, which together give back the text.
type Short = (u64, u64, u64);

fn short(b: &[u8]) -> Option<Short> {
    let n = b.len();
    let word = |s: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(s);
        u64::from_le_bytes(w)
    };
    let half = |s: &[u8]| {
        let mut w = [0u8; 4];
        w.copy_from_slice(s);
        u64::from(u32::from_le_bytes(w))
    };
    match n {
        8..=16 => Some((word(&b[..8]), word(&b[n - 8..]), n as u64)),
        // First and last four bytes, overlapping below eight.
        4..=7 => Some((half(&b[..4]) | (half(&b[n - 4..]) << 32), 0, n as u64)),
        0..=3 => {
            let packed = b
                .iter()
                .enumerate()
                .fold(0u64, |w, (i, &c)| w | (u64::from(c) << (8 * i)));
            Some((packed, 0, n as u64))
        }
        _ => None,
    }
}

/// A hasher for packed text: every input bit reaches the low bits the table indexes by.
/// (Fx multiplies, which carries bits only upwards: ids that differ in their last digits
/// then crowd into a few slots.)
#[derive(Default, Clone, Copy)]
struct MixBuild;

#[derive(Default)]
struct Mix(u64);

impl std::hash::BuildHasher for MixBuild {
    type Hasher = Mix;

    fn build_hasher(&self) -> Mix {
        Mix(0)
    }
}

impl std::hash::Hasher for Mix {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        let h = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }

    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^ (h >> 32)
    }
}

/// Text the interner holds already (the roster's ids, the plan's constants), looked up by a
/// cell's bytes: by its packed words when it is short (ids, codes: no byte comparison).
pub(super) struct Known {
    short: std::collections::HashMap<Short, Sym, MixBuild>,
    long: FxHashMap<Box<[u8]>, Sym>,
}

impl Known {
    /// Everything `strings` holds.
    pub(super) fn new(strings: &crate::intern::Interner) -> Known {
        let mut k = Known {
            short: std::collections::HashMap::default(),
            long: FxHashMap::default(),
        };
        for (t, sym) in strings.iter() {
            match short(t.as_bytes()) {
                Some(key) => k.short.insert(key, sym),
                None => k.long.insert(Box::from(t.as_bytes()), sym),
            };
        }
        k
    }

    /// The symbol of `cell`, if interned.
    pub(super) fn get(&self, cell: &[u8]) -> Option<Sym> {
        self.get_keyed(cell, short(cell))
    }

    fn get_keyed(&self, cell: &[u8], key: Option<Short>) -> Option<Sym> {
        match key {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(cell).copied(),
        }
    }
}

/// Parse `data` (whole records, no quote anywhere in it) or say that it needs the general
/// parser. `positions[c]` is the header field of schema column `c`; `width` the header's
/// field count.
///
/// Two passes: the field boundaries of every record, then each column over all records by
/// the one routine its type needs.
#[allow(clippy::too_many_arguments)]
pub(super) fn block<'a>(
    data: &'a [u8],
    known: &Known,
    schema: &TableSchema,
    storage: &[Storage],
    positions: &[usize],
    width: usize,
    delim: u8,
    timezone: Option<i32>,
) -> Option<Block<'a>> {
    let (bounds, lines, newlines) = boundaries(data, width, delim)?;
    let rows = lines.len();
    let stride = width + 1;
    let mut cols: Vec<ColBuf<'a>> = Vec::with_capacity(schema.columns.len());
    let mut present: Vec<Option<Vec<bool>>> = Vec::with_capacity(schema.columns.len());
    for ((c, s), &fi) in schema.columns.iter().zip(storage).zip(positions) {
        // Field `fi` of record r is data[bounds[r·stride + fi] .. bounds[r·stride + fi + 1] − 1].
        let cells = (0..rows).map(|r| {
            let at = r * stride + fi;
            &data[bounds[at] as usize..bounds[at + 1] as usize - 1]
        });
        let mut has = c.optional.then(|| Vec::with_capacity(rows));
        let col = match (&c.ty, s) {
            (Type::Text, Storage::Interned) => {
                let (mut map, mut local) = (FxHashMap::default(), Vec::new());
                let mut syms = Vec::with_capacity(rows);
                let mut recent = Recent::default();
                for cell in cells {
                    if !value(cell, &mut has)? || text(cell) {
                        syms.push(symbol(cell, &mut recent, known, &mut map, &mut local));
                    } else {
                        return None;
                    }
                }
                ColBuf::Text {
                    map,
                    local,
                    syms,
                    owned: Vec::new(),
                }
            }
            (Type::Text, Storage::Raw) => {
                let mut bytes = Vec::with_capacity(rows * 8);
                let mut ends = Vec::with_capacity(rows);
                for cell in cells {
                    if value(cell, &mut has)? && !text(cell) {
                        return None;
                    }
                    bytes.extend_from_slice(cell);
                    ends.push(bytes.len() as u64);
                }
                ColBuf::Raw { bytes, ends }
            }
            (Type::Date, _) => {
                let mut v = Vec::with_capacity(rows);
                for cell in cells {
                    v.push(if value(cell, &mut has)? {
                        match date(cell) {
                            Some(d) => d,
                            None => cells::date(cell)
                                .or_else(|| cells::timestamp(cell, timezone).ok())?,
                        }
                    } else {
                        0
                    });
                }
                ColBuf::Date(v)
            }
            (Type::Bool, _) => {
                let mut v = Vec::with_capacity(rows);
                for cell in cells {
                    v.push(value(cell, &mut has)? && cells::boolean(cell)?);
                }
                ColBuf::Bool(v)
            }
            (ty, _) => {
                let read: fn(&[u8]) -> Option<Decimal> = match ty {
                    Type::Integer => cells::integer,
                    Type::Percent => cells::percent,
                    _ => cells::decimal,
                };
                let mut v = Vec::with_capacity(rows);
                for cell in cells {
                    v.push(if value(cell, &mut has)? {
                        let x = read(cell)?;
                        if c.nonneg && x.is_sign_negative() && !x.is_zero() {
                            return None;
                        }
                        x
                    } else {
                        Decimal::ZERO
                    });
                }
                ColBuf::Num(v)
            }
        };
        cols.push(col);
        present.push(has);
    }
    Some(Block {
        cols,
        present,
        lines,
        newlines,
        errors: Vec::new(),
        error_count: 0,
    })
}

/// Whether a cell holds a value (`Some(false)`: an empty optional cell), recording it in the
/// column's `present` bits; `None` when the general parser must read the block: an empty
/// required cell, or padding (or any control byte) at either end, which it trims.
#[inline]
fn value(cell: &[u8], present: &mut Option<Vec<bool>>) -> Option<bool> {
    let has = match (cell.first(), cell.last()) {
        (Some(&f), Some(&l)) => {
            if f <= b' ' || l <= b' ' {
                return None;
            }
            true
        }
        _ => false,
    };
    match present {
        Some(p) => p.push(has),
        None if !has => return None,
        None => {}
    }
    Some(has)
}

/// Whether a cell is text as the general parser accepts it (UTF-8).
#[inline]
fn text(cell: &[u8]) -> bool {
    cell.is_ascii() || std::str::from_utf8(cell).is_ok()
}

/// Where each field of each record starts: `width + 1` offsets per record (the last one
/// past the record's end, so field i ends one byte before field i + 1 starts), each
/// record's line within the block, and the block's line count. `None` for a record whose
/// width is not the header's, or a block too large for 32-bit offsets.
fn boundaries(data: &[u8], width: usize, delim: u8) -> Option<(Vec<u32>, Vec<u32>, u32)> {
    if data.len() >= u32::MAX as usize {
        return None;
    }
    let stride = width + 1;
    let approx_rows = data.len() / 32 + 1;
    let mut bounds: Vec<u32> = Vec::with_capacity(approx_rows * stride);
    let mut lines: Vec<u32> = Vec::with_capacity(approx_rows);
    let mut line: u32 = 0;
    let mut record_start = 0usize;
    let mut record_at = 0usize;
    let mut fields = 1usize;
    bounds.push(0);
    let mut close =
        |bounds: &mut Vec<u32>, end: usize, record_start: usize, fields: usize, line: u32| {
            let mut last_end = end;
            if last_end > record_start && data[last_end - 1] == b'\r' {
                last_end -= 1;
            }
            if fields == 1 && last_end == record_start {
                // A blank line.
                bounds.truncate(bounds.len() - 1);
                return Some(());
            }
            if fields != width {
                return None;
            }
            bounds.push(last_end as u32 + 1);
            lines.push(line);
            Some(())
        };
    for k in Separators::new(data, delim) {
        if data[k] == delim {
            fields += 1;
            if fields > width {
                return None;
            }
            bounds.push(k as u32 + 1);
            continue;
        }
        close(&mut bounds, k, record_start, fields, line)?;
        line += 1;
        record_start = k + 1;
        fields = 1;
        record_at = bounds.len();
        bounds.push(record_start as u32);
    }
    if record_start < data.len() {
        // The last record, without a line break of its own.
        close(&mut bounds, data.len(), record_start, fields, line)?;
    } else {
        bounds.truncate(record_at);
    }
    Some((bounds, lines, line))
}

/// The positions of the delimiter and of line breaks in a block, in order: eight bytes at a
/// time, by bit arithmetic on words (SWAR). `memchr2_iter` restarts a vector search per
/// hit, which costs more than it saves when a field is a few bytes long.
struct Separators<'a> {
    data: &'a [u8],
    delim: u64,
    /// Where the word in `mask` starts.
    at: usize,
    /// The separators not yet returned in the current word: the high bit of each byte.
    mask: u64,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

impl<'a> Separators<'a> {
    fn new(data: &'a [u8], delim: u8) -> Separators<'a> {
        let mut s = Separators {
            data,
            delim: u64::from(delim) * ONES,
            at: 0,
            mask: 0,
        };
        s.mask = s.word_mask(0);
        s
    }

    /// The separators among the eight bytes from `at`.
    fn word_mask(&self, at: usize) -> u64 {
        let mut word = [0u8; 8];
        if let Some(w) = self.data.get(at..at + 8) {
            word.copy_from_slice(w);
        } else if at < self.data.len() {
            let end = self.data.len();
            // The last bytes: padded with a byte that is neither separator.
            let pad = if self.delim == 0 { 1 } else { 0 };
            word = [pad; 8];
            word[..end - at].copy_from_slice(&self.data[at..end]);
        } else {
            return 0;
        }
        let v = u64::from_le_bytes(word);
        zero_bytes(v ^ self.delim) | zero_bytes(v ^ (u64::from(b'\n') * ONES))
    }
}

/// The high bit of each byte of `x` that is zero (exact: no false positives).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

impl Iterator for Separators<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.at += 8;
            if self.at >= self.data.len() {
                return None;
            }
            self.mask = self.word_mask(self.at);
        }
        let k = self.at + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(k)
    }
}

/// The block symbol of a text cell: a known symbol (`KNOWN` set) or its index among the
/// block's own texts, as the general parser numbers them.
fn symbol<'a>(
    cell: &'a [u8],
    recent: &mut Recent,
    known: &Known,
    map: &mut FxHashMap<&'a [u8], u32>,
    local: &mut Vec<&'a [u8]>,
) -> u32 {
    let key = short(cell);
    if let (Some(k), false) = (key, recent.many) {
        for &(t, s) in &recent.seen {
            if t == k {
                return s;
            }
        }
    }
    let sym = if let Some(g) = known.get_keyed(cell, key) {
        g | KNOWN
    } else if let Some(&i) = map.get(cell) {
        i
    } else {
        let i = local.len() as u32;
        local.push(cell);
        map.insert(cell, i);
        i
    };
    if let (Some(k), false) = (key, recent.many) {
        if recent.seen.len() < FEW {
            recent.seen.push((k, sym));
        } else {
            recent.many = true;
        }
    }
    sym
}

/// `YYYY-MM-DD` for the years tables cover, by table; `None` sends the cell to
/// [`cells::date`], which reads every date this does and gives the same day.
fn date(b: &[u8]) -> Option<i32> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let d = |i: usize| -> Option<u32> {
        let c = b[i].wrapping_sub(b'0');
        (c < 10).then_some(u32::from(c))
    };
    let y = d(0)? * 1000 + d(1)? * 100 + d(2)? * 10 + d(3)?;
    let m = d(5)? * 10 + d(6)?;
    let day = d(8)? * 10 + d(9)?;
    let t = months();
    let i = (y.checked_sub(FIRST_YEAR)? as usize) * 12 + (m as usize).checked_sub(1)?;
    if m > 12 {
        return None;
    }
    let &(start, len) = t.get(i)?;
    (day >= 1 && day <= len).then_some(start + day as i32 - 1)
}

/// The first and last years [`date`] reads from its table.
const FIRST_YEAR: u32 = 1900;
const LAST_YEAR: u32 = 2199;

/// For each month from January [`FIRST_YEAR`] to December [`LAST_YEAR`]: the day number of
/// its first day (as [`cells::date`] counts) and its length.
fn months() -> &'static [(i32, u32)] {
    static TABLE: std::sync::OnceLock<Vec<(i32, u32)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Vec::with_capacity(((LAST_YEAR - FIRST_YEAR + 1) * 12) as usize);
        for y in FIRST_YEAR..=LAST_YEAR {
            for m in 1..=12u32 {
                let first = format!("{y:04}-{m:02}-01");
                let start = cells::date(first.as_bytes()).unwrap_or(0);
                let len = (28..=31u32)
                    .rev()
                    .find(|&d| cells::date(format!("{y:04}-{m:02}-{d:02}").as_bytes()).is_some())
                    .unwrap_or(28);
                t.push((start, len));
            }
        }
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_of_one_length_pack_apart() {
        // Every text of lengths 0-16 over a small alphabet packs to its own key.
        let mut seen = std::collections::HashMap::new();
        for n in 0..=16usize {
            for seed in 0..300u64 {
                let text: Vec<u8> = (0..n)
                    .map(|i| b"ab0"[((seed >> (i % 12)) as usize + i * (seed as usize)) % 3])
                    .collect();
                let key = short(&text).expect("short");
                if let Some(other) = seen.insert(key, text.clone()) {
                    assert_eq!(other, text, "{key:?}");
                }
            }
        }
        assert_eq!(short(&[b'x'; 17]), None);
    }

    #[test]
    fn separators_are_found_at_every_offset() {
        // Every separator position, against a plain byte search, for texts of every length
        // up to three words and separators in every byte of a word.
        let text = b"ab,c\n,,xyz;\n\n12345678,\nq";
        for len in 0..text.len() {
            let data = &text[..len];
            let want: Vec<usize> = (0..len)
                .filter(|&i| data[i] == b',' || data[i] == b'\n')
                .collect();
            assert_eq!(
                Separators::new(data, b',').collect::<Vec<_>>(),
                want,
                "{len}"
            );
        }
        assert_eq!(Separators::new(b"", 0).count(), 0);
        assert_eq!(Separators::new(b"a\0b", 0).collect::<Vec<_>>(), vec![1]);
        let all = [b','; 200];
        assert_eq!(Separators::new(&all, b',').count(), 200);
        // Texts across several 64-byte windows, cut at every length.
        let long: Vec<u8> = (0..300u32)
            .map(|i| [b'a', b',', b'\n', b'7', b';'][(i * i % 7 % 5) as usize])
            .collect();
        for len in 0..long.len() {
            let data = &long[..len];
            for delim in [b',', b';'] {
                let want: Vec<usize> = (0..len)
                    .filter(|&i| data[i] == delim || data[i] == b'\n')
                    .collect();
                assert_eq!(
                    Separators::new(data, delim).collect::<Vec<_>>(),
                    want,
                    "{len}"
                );
            }
        }
        let high: Vec<u8> = (0u8..=255).collect();
        let want: Vec<usize> = (0..256).filter(|&i| i == 9 || i == 10).collect();
        assert_eq!(Separators::new(&high, b'\t').collect::<Vec<_>>(), want);
    }

    #[test]
    fn the_date_table_reads_every_day_as_the_general_reader_does() {
        // Every day of 1999-2101 (leap years 2000 and 2100's non-leap February included),
        // and days that are not dates.
        for y in 1999..=2101 {
            for m in 0..=13 {
                for d in 0..=32 {
                    let text = format!("{y:04}-{m:02}-{d:02}");
                    assert_eq!(
                        date(text.as_bytes()),
                        cells::date(text.as_bytes()),
                        "{text}"
                    );
                }
            }
        }
        for bad in [
            "2026-1-01",
            "2026/01/01",
            "20260-1-01",
            "2026-01-0a",
            "+026-01-01",
        ] {
            assert_eq!(date(bad.as_bytes()), None, "{bad}");
        }
    }
}
