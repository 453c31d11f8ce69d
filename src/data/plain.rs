//! The CSV reader's fast path (issue 12, speed): a block without a quote, where every
//! record has the header's width and every declared cell is well formed, parsed in two
//! sweeps. Field boundaries come from one scan of the whole block, sixteen bytes at a time,
//! instead of one search per field; then each column is parsed by a routine chosen once for
//! the block.
//!
//! Anything unusual — a quote, a record of another width, a blank line, an empty required
//! cell, padding around a cell, a value that does not parse, a negative value in a `>= 0`
//! column — gives up on the whole block, and the general parser (`csv.rs`) reads it again:
//! it is the one place that words diagnostics, and blocks with an error in them are rare.
//! So this path never decides what is an error, only that a block has none.

use super::cells;
use super::csv::{Block, ColBuf};
use super::table::{Storage, KNOWN};
use crate::intern::Sym;
use crate::ir::TableSchema;
use crate::types::Type;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Distinct values a text column keeps in its per-block table before it is looked up by
/// [`Known`] and the block's own map only (stage, product, kind have a handful; ids have
/// thousands).
const FEW: usize = 16;

/// Slots of [`Recent`]: four times [`FEW`], so that a value is nearly always found at the
/// first slot it hashes to.
const RECENT_SLOTS: usize = 64;

/// A slot of [`Recent`] no text has taken (no packed text has this length).
const FREE: Short = (0, 0, u64::MAX);

/// A text column's lookup state for the block: its first few distinct cells (by their
/// packed bytes) and the symbol each became, in a small open-addressed table tried before
/// anything else. One probe that hits, so no branch on which value a cell holds.
struct Recent {
    slots: [(Short, u32); RECENT_SLOTS],
    taken: usize,
    many: bool,
}

impl Default for Recent {
    fn default() -> Recent {
        Recent {
            slots: [(FREE, 0); RECENT_SLOTS],
            taken: 0,
            many: false,
        }
    }
}

impl Recent {
    /// Where `k` is, or the free slot it would take.
    fn slot(&self, k: Short) -> usize {
        let h =
            (k.0 ^ k.1.rotate_left(23) ^ k.2.rotate_left(47)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut i = (h >> 58) as usize;
        while self.slots[i].0 != k && self.slots[i].0 != FREE {
            i = (i + 1) % RECENT_SLOTS;
        }
        i
    }

    fn get(&self, k: Short) -> Option<u32> {
        let (t, s) = self.slots[self.slot(k)];
        (t == k).then_some(s)
    }

    /// Remember `k`, unless the column has shown more than [`FEW`] values: then stop.
    fn add(&mut self, k: Short, sym: u32) {
        if self.taken == FEW {
            self.many = true;
            return;
        }
        let i = self.slot(k);
        self.slots[i] = (k, sym);
        self.taken += 1;
    }
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
///
/// Text of up to eight bytes — a roster's ids, looked up once per row of every credited
/// table — has a table of its own: open addressing with 16-byte slots, half the memory of
/// a general map's, so that more of it stays in cache when ids come in random order.
pub(super) struct Known {
    /// The roster's ids when they are a prefix and a number (see [`Numbered`]).
    numbered: Option<Numbered>,
    /// (packed word, length << 32 | symbol), or [`TINY_FREE`] in the second place.
    tiny: Vec<(u64, u64)>,
    /// `tiny.len()` is 2^bits.
    tiny_bits: u32,
    short: std::collections::HashMap<Short, Sym, MixBuild>,
    long: FxHashMap<Box<[u8]>, Sym>,
}

/// The roster's ids when most are one prefix and a number of one width (`r000001` …
/// `r020000`, `E10234`, `100234`: the usual shape of employee and rep numbers), looked up by
/// their number in an array instead of by hash: no probe and no cache miss in a table the
/// size of the roster, for the one lookup every row of a credited table makes.
///
/// Every interned text of that shape is in the array (texts of other shapes are looked up
/// as before), so a text of the shape that is not in it is not interned at all.
struct Numbered {
    /// The prefix's bytes in order (the first in the low byte), and their count.
    prefix: u64,
    prefix_len: u32,
    /// The number's width in digits (leading zeros included: `r000001` has six).
    digits: u32,
    /// The smallest number; `syms[i]` is the symbol of number `first + i`, or
    /// [`NOT_NUMBERED`].
    first: u64,
    syms: Vec<u32>,
}

/// No text of the array's shape has this number.
const NOT_NUMBERED: u32 = u32::MAX;

/// Ids of one shape worth an array of their own: at least this many…
const NUMBERED_MIN: usize = 256;

impl Numbered {
    /// The array of the most common shape among `tiny` (packed word, length, symbol), when
    /// it has at least [`NUMBERED_MIN`] texts and their numbers are dense enough that the
    /// array (from the smallest number to the largest) is at most four times their count.
    fn of(tiny: &[(u64, u64, Sym)]) -> Option<Numbered> {
        let mut shapes: FxHashMap<(u64, u32, u32), usize> = FxHashMap::default();
        for &(w, n, _) in tiny {
            if let Some((prefix, prefix_len, digits, _)) = Self::split(w, n) {
                *shapes.entry((prefix, prefix_len, digits)).or_default() += 1;
            }
        }
        // The most common shape; ties by the shape itself, so that the choice never
        // depends on the map's order.
        let (&(prefix, prefix_len, digits), &count) = shapes
            .iter()
            .max_by_key(|&(&shape, &count)| (count, std::cmp::Reverse(shape)))?;
        if count < NUMBERED_MIN {
            return None;
        }
        let mut numbers = Vec::with_capacity(count);
        for &(w, n, sym) in tiny {
            if let Some((p, pl, d, number)) = Self::split(w, n) {
                if (p, pl, d) == (prefix, prefix_len, digits) {
                    numbers.push((number, sym));
                }
            }
        }
        let first = numbers.iter().map(|&(x, _)| x).min()?;
        let span = numbers.iter().map(|&(x, _)| x).max()? - first + 1;
        if span > 4 * count as u64 {
            return None;
        }
        let mut syms = vec![NOT_NUMBERED; span as usize];
        for (number, sym) in numbers {
            syms[(number - first) as usize] = sym;
        }
        Some(Numbered {
            prefix,
            prefix_len,
            digits,
            first,
            syms,
        })
    }

    /// A short text (packed word `w`, length `n` ≤ 8) as its prefix (packed), the prefix's
    /// length, the number's width and the number: the digits are its last bytes after the
    /// last byte that is not a digit; `None` when it does not end in a digit.
    fn split(w: u64, n: u64) -> Option<(u64, u32, u32, u64)> {
        let w = Self::plain(w, n);
        let n = n as u32;
        let byte = |i: u32| (w >> (8 * i)) as u8;
        let digits = (0..n)
            .rev()
            .take_while(|&i| byte(i).is_ascii_digit())
            .count() as u32;
        if digits == 0 {
            return None;
        }
        let prefix_len = n - digits;
        let number = (prefix_len..n).fold(0u64, |x, i| x * 10 + u64::from(byte(i) - b'0'));
        Some((w & Self::mask(prefix_len), prefix_len, digits, number))
    }

    /// The text's bytes in order, from its packed word: [`short`] packs a text of four to
    /// seven bytes as its first four and its last four (overlapping, alike where they do).
    #[inline]
    fn plain(w: u64, n: u64) -> u64 {
        match n {
            4..=7 => (w & 0xFFFF_FFFF) | ((w >> 32) << (8 * (n - 4))),
            _ => w,
        }
    }

    /// The low `bytes` bytes of a word.
    fn mask(bytes: u32) -> u64 {
        if bytes >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * bytes)) - 1
        }
    }

    /// The symbol of the short text `w`, `n` when it has the array's shape (`Some(None)`:
    /// of the shape and not interned); `None` when it has another shape.
    #[inline]
    fn get(&self, w: u64, n: u64) -> Option<Option<Sym>> {
        if n as u32 != self.prefix_len + self.digits {
            return None;
        }
        let w = Self::plain(w, n);
        if w & Self::mask(self.prefix_len) != self.prefix {
            return None;
        }
        // The digits, one per byte, checked all at once: each byte's high nibble 3, low
        // nibble at most 9 (adding 6 to it then carries nothing into the high nibble).
        let rest = w >> (8 * self.prefix_len);
        let ones = Self::mask(self.digits) & 0x0101_0101_0101_0101;
        let v = rest ^ (ones * 0x30);
        if v & (ones * 0xF0) != 0 || (v + ones * 6) & (ones * 0xF0) != 0 {
            return None;
        }
        // The digits moved to the word's top bytes (zeros before them are leading zeros),
        // then read as eight digits in three multiplications (as simdjson reads them).
        let x = v << (8 * (8 - self.digits));
        let x = x.wrapping_mul(10).wrapping_add(x >> 8);
        let number = (x & 0x0000_00FF_0000_00FF)
            .wrapping_mul(100 + (1_000_000 << 32))
            .wrapping_add(((x >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32)))
            >> 32;
        Some(
            match number
                .checked_sub(self.first)
                .and_then(|i| self.syms.get(i as usize))
            {
                Some(&s) if s != NOT_NUMBERED => Some(s),
                _ => None,
            },
        )
    }
}

/// A free slot of [`Known`]'s table of short text (no text has this length).
const TINY_FREE: u64 = u64::MAX;

impl Known {
    /// Everything `strings` holds.
    pub(super) fn new(strings: &crate::intern::Interner) -> Known {
        let mut tiny = Vec::new();
        let mut k = Known {
            numbered: None,
            tiny: Vec::new(),
            tiny_bits: 0,
            short: std::collections::HashMap::default(),
            long: FxHashMap::default(),
        };
        for (t, sym) in strings.iter() {
            match short(t.as_bytes()) {
                Some((w, _, n)) if n <= 8 => tiny.push((w, n, sym)),
                Some(key) => {
                    k.short.insert(key, sym);
                }
                None => {
                    k.long.insert(Box::from(t.as_bytes()), sym);
                }
            }
        }
        k.numbered = Numbered::of(&tiny);
        // At most two thirds full: a free slot ends every probe, and probes stay short.
        let slots = (tiny.len() * 3 / 2 + 1).next_power_of_two().max(16);
        k.tiny_bits = slots.trailing_zeros();
        k.tiny = vec![(0, TINY_FREE); slots];
        for (w, n, sym) in tiny {
            let i = k.tiny_slot(w, n);
            k.tiny[i] = (w, n << 32 | u64::from(sym));
        }
        k
    }

    /// The slot where a probe for the text of packed word `w` and length `n` starts.
    fn tiny_home(&self, w: u64, n: u64) -> usize {
        // Two multiplications with a fold between: ids that differ in a digit or two land
        // far apart in the top bits the slot is taken from.
        let h = (w ^ (n << 58)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let h = (h ^ (h >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (h >> (64 - self.tiny_bits)) as usize
    }

    /// Where the text of packed word `w` and length `n` (up to 8) is, or the free slot it
    /// would take.
    fn tiny_slot(&self, w: u64, n: u64) -> usize {
        let mask = self.tiny.len() - 1;
        let mut i = self.tiny_home(w, n);
        loop {
            let (t, meta) = self.tiny[i];
            if meta == TINY_FREE || (t == w && meta >> 32 == n) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The symbol of `cell`, if interned.
    pub(super) fn get(&self, cell: &[u8]) -> Option<Sym> {
        self.get_keyed(cell, short(cell))
    }

    /// The symbols of `cells`, as [`Known::get`] gives them: the slot of every cell first,
    /// then each cell's look at its slot, in a loop where no look waits for the one before,
    /// so that the processor has many cache misses under way at once.
    pub(super) fn get_all(&self, cells: &[&[u8]]) -> Vec<Option<Sym>> {
        // Numbered ids miss in no table: one at a time, the rest as `get_keyed` finds them.
        if let Some(numbered) = &self.numbered {
            return cells
                .iter()
                .map(|&c| match short(c) {
                    Some((w, _, n)) if n <= 8 => match numbered.get(w, n) {
                        Some(found) => found,
                        None => self.get_keyed(c, Some((w, 0, n))),
                    },
                    key => self.get_keyed(c, key),
                })
                .collect();
        }
        let homes: Vec<Option<(u64, u64, usize)>> = cells
            .iter()
            .map(|c| match short(c) {
                Some((w, _, n)) if n <= 8 => Some((w, n, self.tiny_home(w, n))),
                _ => None,
            })
            .collect();
        homes
            .iter()
            .zip(cells)
            .map(|(home, &cell)| match *home {
                Some((w, n, i)) => {
                    let (t, meta) = self.tiny[i];
                    if t == w && meta >> 32 == n && meta != TINY_FREE {
                        Some(meta as u32)
                    } else if meta == TINY_FREE {
                        None
                    } else {
                        self.get_keyed(cell, Some((w, 0, n)))
                    }
                }
                None => self.get(cell),
            })
            .collect()
    }

    fn get_keyed(&self, cell: &[u8], key: Option<Short>) -> Option<Sym> {
        match key {
            Some((w, _, n)) if n <= 8 => {
                if let Some(found) = self.numbered.as_ref().and_then(|d| d.get(w, n)) {
                    return found;
                }
                let meta = self.tiny[self.tiny_slot(w, n)].1;
                (meta != TINY_FREE).then_some(meta as u32)
            }
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(cell).copied(),
        }
    }
}

thread_local! {
    /// Each thread's field offsets, kept from block to block (a block's fill them anew).
    static BOUNDS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
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
    // The thread's buffer for field offsets, kept from block to block.
    BOUNDS.with_borrow_mut(|bounds| {
        let (rows, newlines) = boundaries(data, width, delim, bounds)?;
        let lines: Vec<u32> = (0..rows as u32).collect();
        let bounds: &[u32] = bounds;
        let mut cols: Vec<ColBuf<'a>> = Vec::with_capacity(schema.columns.len());
        let mut present: Vec<Option<Vec<bool>>> = Vec::with_capacity(schema.columns.len());
        for ((c, s), &fi) in schema.columns.iter().zip(storage).zip(positions) {
            // Field `fi` of record r is data[bounds[r·width + fi] .. bounds[r·width + fi + 1] − 1];
            // the last field of a record loses the carriage return of a CRLF line break.
            let last = fi + 1 == width;
            let cells = (0..rows).map(move |r| {
                let at = r * width + fi;
                let (from, mut to) = (bounds[at] as usize, bounds[at + 1] as usize - 1);
                if last && to > from && data[to - 1] == b'\r' {
                    to -= 1;
                }
                &data[from..to]
            });
            let mut has = c.optional.then(|| Vec::with_capacity(rows));
            let col = match (&c.ty, s) {
                (Type::Text, Storage::Interned) => {
                    let (mut map, mut local) = (FxHashMap::default(), Vec::new());
                    let mut syms = Vec::with_capacity(rows);
                    let mut recent = Recent::default();
                    let mut rest: Vec<&[u8]> = Vec::new();
                    for cell in cells {
                        if value(cell, &mut has)? && !text(cell) {
                            return None;
                        }
                        if recent.many {
                            rest.push(cell);
                        } else {
                            syms.push(symbol(cell, &mut recent, known, &mut map, &mut local));
                        }
                    }
                    // The cells after the column showed many values (ids): looked up together,
                    // so that their cache misses overlap; texts not known numbered in order.
                    for (&cell, found) in rest.iter().zip(known.get_all(&rest)) {
                        syms.push(match found {
                            Some(g) => g | KNOWN,
                            None => block_symbol(cell, &mut map, &mut local),
                        });
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

/// Where each field of each record starts, into `out`: `width` offsets per record, then one
/// past the end (field i of record r is `data[out[r·width + i] .. out[r·width + i + 1] − 1]`,
/// a line break or the end of the block after the last field); gives the number of records
/// and of line breaks. `None` when a record's width is not the header's — a blank line
/// included — or the block is too large for 32-bit offsets.
///
/// Every separator's offset is written out as found, 64 bytes at a time, with no branch
/// on which separator it is; the record structure is checked afterwards: as many separators
/// as records × width, and a line break as the last separator of each record. With exactly
/// one line break per record, every other separator is then a delimiter.
fn boundaries(data: &[u8], width: usize, delim: u8, out: &mut Vec<u32>) -> Option<(usize, u32)> {
    // One field per record: a blank line would read as a record with an empty field.
    if data.len() >= (u32::MAX - 16) as usize || width < 2 {
        return None;
    }
    let delims = wide::u8x16::splat(delim);
    if out.len() < data.len() / 4 + 80 {
        out.resize(data.len() / 4 + 80, 0);
    }
    // Offsets plus one: the first record starts at 0.
    out[0] = 0;
    let mut n = 1usize;
    let mut newlines = 0usize;
    let mut at = 1u32;
    let mut blocks = data.chunks_exact(64);
    for b in blocks.by_ref() {
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(b);
        if n + 64 > out.len() {
            out.resize(out.len() * 2 + 64, 0);
        }
        let (count, breaks) = separators(&bytes, delims, at, &mut out[n..n + 64]);
        n += count;
        newlines += breaks;
        at += 64;
    }
    let rest = blocks.remainder();
    if n + 65 > out.len() {
        out.resize(out.len() + 65, 0);
    }
    if !rest.is_empty() {
        // Padded with a byte that is neither separator.
        let mut bytes = [u8::from(delim == 0); 64];
        bytes[..rest.len()].copy_from_slice(rest);
        let (count, breaks) = separators(&bytes, delims, at, &mut out[n..n + 64]);
        n += count;
        newlines += breaks;
    }
    let mut records = newlines;
    if data.last().is_some_and(|&c| c != b'\n') {
        // The last record, without a line break of its own.
        out[n] = data.len() as u32 + 1;
        n += 1;
        records += 1;
    }
    if n - 1 != records * width {
        return None;
    }
    for r in 1..=newlines {
        if data[out[r * width] as usize - 1] != b'\n' {
            return None;
        }
    }
    Some((records, newlines as u32))
}

/// The separators (the delimiter, splat in `delims`, or a line break) among 64 bytes whose
/// first is at offset `at − 1`: their offsets plus one into `slot`, and their count and the
/// count of line breaks among them. Bytes are compared sixteen at a time.
#[inline(always)]
fn separators(bytes: &[u8; 64], delims: wide::u8x16, at: u32, slot: &mut [u32]) -> (usize, usize) {
    let line = wide::u8x16::splat(b'\n');
    let (mut m, mut breaks) = (0u64, 0u64);
    for (i, part) in bytes.chunks_exact(16).enumerate() {
        let mut lane = [0u8; 16];
        lane.copy_from_slice(part);
        let v = wide::u8x16::new(lane);
        let nl = v.simd_eq(line);
        m |= u64::from((v.simd_eq(delims) | nl).to_bitmask()) << (16 * i);
        breaks |= u64::from(nl.to_bitmask()) << (16 * i);
    }
    let count = m.count_ones() as usize;
    // About one byte in nine is a separator: eight are written whether or not they are there
    // (a spare slot is written over later), so the loop for the rest rarely runs.
    for s in slot.iter_mut().take(8) {
        *s = at + m.trailing_zeros();
        m &= m.wrapping_sub(1);
    }
    if count > 8 {
        for s in slot.iter_mut().take(count).skip(8) {
            *s = at + m.trailing_zeros();
            m &= m.wrapping_sub(1);
        }
    }
    (count, breaks.count_ones() as usize)
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
        if let Some(s) = recent.get(k) {
            return s;
        }
    }
    let sym = match known.get_keyed(cell, key) {
        Some(g) => g | KNOWN,
        None => block_symbol(cell, map, local),
    };
    if let (Some(k), false) = (key, recent.many) {
        recent.add(k, sym);
    }
    sym
}

/// The block's own number for a text not interned: the next one the first time it is seen.
fn block_symbol<'a>(
    cell: &'a [u8],
    map: &mut FxHashMap<&'a [u8], u32>,
    local: &mut Vec<&'a [u8]>,
) -> u32 {
    if let Some(&i) = map.get(cell) {
        return i;
    }
    let i = local.len() as u32;
    local.push(cell);
    map.insert(cell, i);
    i
}

/// `YYYY-MM-DD` for the years tables cover, by table; `None` sends the cell to
/// [`cells::date`], which reads every date this does and gives the same day.
fn date(b: &[u8]) -> Option<i32> {
    let b: &[u8; 10] = b.try_into().ok()?;
    let mut head = [0u8; 8];
    head.copy_from_slice(&b[..8]);
    // `YYYY-MM-` and `DD` checked a word at a time: XOR with the pattern leaves each digit
    // its value and each dash zero; a digit is then a byte whose high nibble is 0 and whose
    // low nibble is at most 9 (adding 6 carries nothing into the high nibble).
    let v = u64::from_le_bytes(head) ^ u64::from_le_bytes(*b"0000-00-");
    let dd = u16::from_le_bytes([b[8], b[9]]) ^ 0x3030;
    const DASHES: u64 = 0xFF << 32 | 0xFF << 56;
    if v & DASHES != 0
        || (v | v.wrapping_add(0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0 != 0
        || (dd | dd.wrapping_add(0x0606)) & 0xF0F0 != 0
    {
        return None;
    }
    let digit = |i: u32| ((v >> (8 * i)) & 0xFF) as u32;
    let y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
    let m = digit(5) * 10 + digit(6);
    let day = u32::from(dd & 0xFF) * 10 + u32::from(dd >> 8);
    if m > 12 {
        return None;
    }
    let i = (y.checked_sub(FIRST_YEAR)? as usize) * 12 + (m as usize).checked_sub(1)?;
    let &(start, len) = months().get(i)?;
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
    fn known_text_is_found_by_its_bytes_and_other_text_is_not() {
        // A roster's ids (short, differing in their last digits), texts of every length up
        // to 8 with NUL bytes, a text of 8 bytes, of 16 and a long one.
        let mut strings = crate::intern::Interner::new();
        let mut texts: Vec<String> = (1..=20_000).map(|i| format!("r{i:05}")).collect();
        texts.extend(
            [
                "",
                "a",
                "a\0",
                "\0a",
                "ab",
                "abcdefgh",
                "abcdefghi",
                "0123456789abcdef",
            ]
            .map(String::from),
        );
        texts.push("x".repeat(40));
        let syms: Vec<Sym> = texts.iter().map(|t| strings.intern(t)).collect();
        let known = Known::new(&strings);
        for (t, &sym) in texts.iter().zip(&syms) {
            assert_eq!(known.get(t.as_bytes()), Some(sym), "{t:?}");
        }
        for other in [
            "r00000",
            "r20001",
            "r1",
            "a\0\0",
            "\0",
            "abcdefg",
            "abcdefgh\0",
            "y",
        ] {
            assert_eq!(known.get(other.as_bytes()), None, "{other:?}");
        }
        // All at once, known and not, as one at a time.
        let mixed: Vec<&[u8]> = texts
            .iter()
            .map(|t| t.as_bytes())
            .chain(["r00000", "r20001", "abcdefgh\0", "y", "x"].map(str::as_bytes))
            .collect();
        let one_by_one: Vec<Option<Sym>> = mixed.iter().map(|c| known.get(c)).collect();
        assert_eq!(known.get_all(&mixed), one_by_one);
        // Ids spread over the table: a lookup probes about one slot.
        let probes: usize = texts[..20_000]
            .iter()
            .map(|t| {
                let (w, _, n) = short(t.as_bytes()).expect("short");
                let home = known.tiny_home(w, n);
                let at = known.tiny_slot(w, n);
                (at + known.tiny.len() - home) % known.tiny.len() + 1
            })
            .sum();
        assert!(probes < 20_000 * 2, "{probes} probes for 20,000 ids");
    }

    #[test]
    fn ids_of_a_prefix_and_a_number_are_found_by_their_number_and_nothing_else_is() {
        // A roster of `E0100`…`E1299` (one shape: prefix `E`, four digits), pure numbers
        // `1000`…`1999` (another), and a few texts of other shapes.
        let mut strings = crate::intern::Interner::new();
        let mut interned: std::collections::HashMap<Vec<u8>, Sym> = Default::default();
        let mut texts: Vec<String> = (100..1300).map(|i| format!("E{i:04}")).collect();
        texts.extend((1000..2000).map(|i| i.to_string()));
        texts.extend(["E", "E1", "e0100", "AB0100", "x", "12345678"].map(String::from));
        for t in &texts {
            interned.insert(t.clone().into_bytes(), strings.intern(t));
        }
        let known = Known::new(&strings);
        let numbered = known
            .numbered
            .as_ref()
            .expect("the E-numbers have an array");
        assert_eq!((numbered.prefix_len, numbered.digits), (1, 4));
        // Every text of up to eight bytes over an alphabet near the ids' own (digits, the
        // prefix, another letter, a NUL, a space), as a map of the interned texts says.
        let alphabet = [b'E', b'0', b'1', b'9', b'5', b'e', 0, b' ', b'/', b':'];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut probes: Vec<Vec<u8>> = texts.iter().map(|t| t.clone().into_bytes()).collect();
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 9) as usize;
            probes.push(
                (0..n)
                    .map(|i| alphabet[((seed >> (4 + 4 * i)) % alphabet.len() as u64) as usize])
                    .collect(),
            );
        }
        // Neighbours of the ids: one past each end, a digit too many or too few.
        probes.extend(
            [
                "E0099", "E1300", "E01000", "E010", "E9999", "0999", "2000", "01000",
            ]
            .map(|t| t.as_bytes().to_vec()),
        );
        let cells: Vec<&[u8]> = probes.iter().map(Vec::as_slice).collect();
        let want: Vec<Option<Sym>> = cells.iter().map(|c| interned.get(*c).copied()).collect();
        let one_by_one: Vec<Option<Sym>> = cells.iter().map(|c| known.get(c)).collect();
        assert_eq!(one_by_one, want);
        assert_eq!(known.get_all(&cells), want);
    }

    #[test]
    fn ids_too_sparse_or_too_few_for_an_array_are_looked_up_by_hash() {
        let mut sparse = crate::intern::Interner::new();
        for i in 0..1000 {
            sparse.intern(&format!("r{:06}", i * 7919));
        }
        assert!(Known::new(&sparse).numbered.is_none());
        let mut few = crate::intern::Interner::new();
        for i in 0..NUMBERED_MIN - 1 {
            few.intern(&format!("r{i:04}"));
        }
        assert!(Known::new(&few).numbered.is_none());
        // Employee numbers from 100000 on: dense from their smallest, so an array.
        let mut numbers = crate::intern::Interner::new();
        let syms: Vec<Sym> = (100_000..101_000)
            .map(|i| numbers.intern(&i.to_string()))
            .collect();
        let known = Known::new(&numbers);
        assert!(known.numbered.as_ref().is_some_and(|n| n.prefix_len == 0));
        assert_eq!(known.get(b"100000"), Some(syms[0]));
        assert_eq!(known.get(b"100999"), Some(syms[999]));
        assert_eq!(known.get(b"099999"), None);
        assert_eq!(known.get(b"101000"), None);
    }

    #[test]
    fn a_few_values_are_remembered_and_then_no_more() {
        let mut recent = Recent::default();
        let keys: Vec<Short> = (0..20u8)
            .map(|i| short(&[b'k', i]).expect("short"))
            .collect();
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(recent.get(k), None);
            recent.add(k, i as u32);
        }
        assert!(recent.many);
        for (i, &k) in keys.iter().enumerate().take(FEW) {
            assert_eq!(recent.get(k), Some(i as u32));
        }
        assert_eq!(recent.get(keys[FEW]), None);
    }

    /// The layout [`boundaries`] gives, worked out line by line: `None` when a line (a
    /// blank one included) has another width than `width`.
    fn boundaries_by_lines(data: &[u8], width: usize, delim: u8) -> Option<(Vec<u32>, u32)> {
        let body = data.strip_suffix(b"\n").unwrap_or(data);
        let mut out = vec![0u32];
        let mut records = 0u32;
        if data.is_empty() {
            return Some((out, 0));
        }
        let mut start = 0usize;
        for line in body.split(|&c| c == b'\n') {
            let fields: Vec<&[u8]> = line.split(|&c| c == delim).collect();
            if fields.len() != width || line.is_empty() || line == b"\r" {
                return None;
            }
            let mut at = start;
            for f in &fields {
                at += f.len() + 1;
                out.push(at as u32);
            }
            start = at;
            records += 1;
        }
        Some((out, records))
    }

    /// [`boundaries`] into a buffer of its own, cut to the offsets written.
    fn bounds_of(data: &[u8], width: usize, delim: u8) -> Option<(Vec<u32>, u32, u32)> {
        // A used buffer: what a block before left in it must not matter.
        let mut out = vec![7; 3];
        let (records, newlines) = boundaries(data, width, delim, &mut out)?;
        out.truncate(records * width + 1);
        Some((out, records as u32, newlines))
    }

    #[test]
    fn boundaries_are_those_of_each_line_split_at_its_delimiters() {
        // Texts of every length up to 40 bytes over an alphabet dense in separators, cut
        // from pseudo-random streams, against the line-by-line layout; widths 2 to 4.
        let alphabet = [b'a', b',', b'\n', b'7', b';', b'\r', b'\t', 0];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut taken = 0;
        for case in 0..20_000 {
            let len = case % 41;
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly letters, so that whole records of the right width turn up.
                    let i = (seed % 16) as usize;
                    if i < 8 {
                        alphabet[i]
                    } else {
                        b'x'
                    }
                })
                .collect();
            for delim in [b',', b';', b'\t', 0] {
                for width in 2..=4 {
                    let want = boundaries_by_lines(&text, width, delim);
                    let got = bounds_of(&text, width, delim).map(|(b, r, _)| (b, r));
                    assert_eq!(got, want, "{text:?} width {width} delim {delim}");
                    taken += usize::from(want.is_some_and(|(_, r)| r > 0));
                }
            }
        }
        assert!(taken > 1000, "only {taken} texts were whole records");
        // Records in many words, with and without a last line break and CRLF.
        let mut long = Vec::new();
        for i in 0..500u32 {
            long.extend_from_slice(
                format!("r{i},{},2026-01-{:02}\r\n", i * 37 % 1000, i % 28 + 1).as_bytes(),
            );
        }
        for len in [long.len(), long.len() - 1, long.len() - 2] {
            let data = &long[..len];
            let got = bounds_of(data, 3, b',');
            let want = boundaries_by_lines(data, 3, b',');
            assert_eq!(
                got.as_ref().map(|g| (&g.0, g.1)),
                want.as_ref().map(|w| (&w.0, w.1))
            );
            assert_eq!(got.map(|g| g.2), Some(500 - u32::from(len < long.len())));
        }
        // One field per record: a blank line would be an empty record, so never this path.
        assert_eq!(bounds_of(b"a\nb\n", 1, b','), None);
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
            "2026:01-01",
            "2026-01:01",
            "2026-1a-01",
            "2026-01-1a",
            "2026-01-a1",
            "20\u{0}6-01-01",
            "2026-01-01 ",
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
