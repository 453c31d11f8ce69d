//! Splitting CSV bytes into records and fields (RFC 4180 quoting), and into blocks at record
//! boundaries so that blocks can be parsed in parallel.

use memchr::{memchr, memchr2};

/// The fields of one record: ranges into the input, or into `scratch` for unescaped quoted text.
#[derive(Default)]
pub struct Fields {
    ranges: Vec<(usize, usize, bool)>,
    scratch: Vec<u8>,
    /// Where each field starts in the input (its opening quote, for a quoted field).
    starts: Vec<usize>,
}

impl Fields {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// True when the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The bytes of field `i`.
    pub fn get<'a>(&'a self, buf: &'a [u8], i: usize) -> &'a [u8] {
        match self.ranges.get(i) {
            Some(&(s, e, false)) => &buf[s..e],
            Some(&(s, e, true)) => &self.scratch[s..e],
            None => &[],
        }
    }

    /// Field `i` when it lies in the input itself (not unescaped into scratch).
    pub fn get_in<'d>(&self, buf: &'d [u8], i: usize) -> Option<&'d [u8]> {
        match self.ranges.get(i) {
            Some(&(s, e, false)) => Some(&buf[s..e]),
            _ => None,
        }
    }

    /// Byte offset in the input where field `i` starts (only needed to point at a bad cell).
    pub fn start(&self, i: usize) -> Option<usize> {
        self.starts.get(i).copied()
    }

    fn clear(&mut self) {
        self.ranges.clear();
        self.scratch.clear();
        self.starts.clear();
    }
}

/// Why a record could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum RecordError {
    /// A quoted field runs to the end of the file.
    UnterminatedQuote,
    /// Text after a closing quote, e.g. `"a"b`.
    AfterQuote,
}

/// Read the record starting at `pos`. A quote opens a quoted field only at the start of a
/// field; elsewhere (`27" monitor`) it is part of the text. Returns the position after it and how many line
/// breaks it consumed (its own ending included).
pub fn read_record(
    buf: &[u8],
    pos: usize,
    f: &mut Fields,
    delim: u8,
) -> Result<(usize, u32), RecordError> {
    f.clear();
    let len = buf.len();
    let mut i = pos;
    let mut newlines = 0u32;
    loop {
        f.starts.push(i);
        if i < len && buf[i] == b'"' {
            i += 1;
            let start = f.scratch.len();
            loop {
                let Some(k) = memchr(b'"', &buf[i..]) else {
                    return Err(RecordError::UnterminatedQuote);
                };
                let seg = &buf[i..i + k];
                newlines += memchr::memchr_iter(b'\n', seg).count() as u32;
                f.scratch.extend_from_slice(seg);
                i += k + 1;
                if i < len && buf[i] == b'"' {
                    f.scratch.push(b'"');
                    i += 1;
                } else {
                    break;
                }
            }
            f.ranges.push((start, f.scratch.len(), true));
            if i < len && buf[i] == b'\r' && i + 1 < len && buf[i + 1] == b'\n' {
                i += 1;
            }
        } else {
            let end = memchr2(delim, b'\n', &buf[i..]).map_or(len, |k| i + k);
            let mut field_end = end;
            if field_end > i && buf[field_end - 1] == b'\r' && (end == len || buf[end] == b'\n') {
                field_end -= 1;
            }
            f.ranges.push((i, field_end, false));
            i = end;
        }
        if i >= len {
            return Ok((len, newlines));
        }
        match buf[i] {
            b'\n' => return Ok((i + 1, newlines + 1)),
            c if c == delim => i += 1,
            _ => return Err(RecordError::AfterQuote),
        }
    }
}

/// Skip the rest of a bad record: to the next line break.
pub fn skip_line(buf: &[u8], pos: usize) -> usize {
    memchr(b'\n', &buf[pos..]).map_or(buf.len(), |k| pos + k + 1)
}

/// Where the record starting at `pos` ends, walking it exactly as `read_record` does, and,
/// for a record `read_record` rejects, as the parser recovers (`skip_line`). `None` when
/// that depends on bytes after the end of `buf` and more may follow (`!at_eof`).
fn record_end(buf: &[u8], pos: usize, at_eof: bool, delim: u8) -> Option<usize> {
    let len = buf.len();
    let recover = || {
        memchr(b'\n', &buf[pos..])
            .map_or(if at_eof { Some(len) } else { None }, |k| Some(pos + k + 1))
    };
    let mut i = pos;
    loop {
        if i < len && buf[i] == b'"' {
            i += 1;
            loop {
                let Some(k) = memchr(b'"', &buf[i..]) else {
                    // Never closed: an error if the file ends here, else it may close later.
                    return if at_eof { recover() } else { None };
                };
                i += k + 1;
                if i < len && buf[i] == b'"' {
                    i += 1;
                } else {
                    break;
                }
            }
            if i >= len {
                return at_eof.then_some(len);
            }
            if buf[i] == b'\r' && i + 1 >= len {
                return if at_eof { recover() } else { None };
            }
            if buf[i] == b'\r' && buf[i + 1] == b'\n' {
                i += 1;
            }
            match buf[i] {
                b'\n' => return Some(i + 1),
                c if c == delim => i += 1,
                _ => return recover(),
            }
        } else {
            match memchr2(delim, b'\n', &buf[i..]) {
                None => return at_eof.then_some(len),
                Some(k) if buf[i + k] == b'\n' => return Some(i + k + 1),
                Some(k) => i += k + 1,
            }
        }
    }
}

/// Record boundaries that cut `buf` into about `parts` blocks, plus the end of the last
/// complete record (so the caller can carry the rest over). `buf` starts at a record
/// boundary. The boundaries are those of one walk through the records from the start, the
/// walk the parser makes, so where the blocks are cut never changes what is read. `delim`
/// separates fields (it matters only after a quoted field).
pub fn cut_points(buf: &[u8], parts: usize, at_eof: bool, delim: u8) -> (Vec<usize>, usize) {
    cut_points_knowing(buf, parts, at_eof, delim, memchr(b'"', buf).is_some())
}

/// [`cut_points`] for a caller that has already looked for a quote in `buf` (`has_quotes`
/// false only when there is none).
pub fn cut_points_knowing(
    buf: &[u8],
    parts: usize,
    at_eof: bool,
    delim: u8,
    has_quotes: bool,
) -> (Vec<usize>, usize) {
    let target = (buf.len() / parts.max(1)).max(1 << 16);
    let mut cuts = vec![0];
    let last;
    if !has_quotes {
        last = if at_eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', buf).map_or(0, |k| k + 1)
        };
        let mut next = target;
        while next < last {
            match memchr(b'\n', &buf[next..last]) {
                Some(k) if next + k + 1 < last => {
                    cuts.push(next + k + 1);
                    next = next + k + 1 + target;
                }
                _ => break,
            }
        }
    } else {
        let mut pos = 0;
        let mut next = target;
        while pos < buf.len() {
            // A line without a quote is a record of its own; others are walked field by field.
            let end = match memchr2(b'"', b'\n', &buf[pos..]) {
                Some(k) if buf[pos + k] == b'\n' => Some(pos + k + 1),
                _ => record_end(buf, pos, at_eof, delim),
            };
            let Some(end) = end else { break };
            pos = end;
            if pos >= next && pos < buf.len() {
                cuts.push(pos);
                next = pos + target;
            }
        }
        last = pos;
        if cuts.last() == Some(&last) && last > 0 {
            cuts.pop();
        }
    }
    cuts.push(last);
    (cuts, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &str) -> Vec<String> {
        let mut f = Fields::default();
        let buf = s.as_bytes();
        let (_, _) = read_record(buf, 0, &mut f, b',').expect("record");
        (0..f.len())
            .map(|i| String::from_utf8_lossy(f.get(buf, i)).into_owned())
            .collect()
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(fields("a,b,c\n"), ["a", "b", "c"]);
        assert_eq!(fields("a,,c\r\n"), ["a", "", "c"]);
        assert_eq!(
            fields("\"x, y\",\"say \"\"hi\"\"\",z"),
            ["x, y", "say \"hi\"", "z"]
        );
        assert_eq!(fields("\"multi\nline\",2\n"), ["multi\nline", "2"]);
    }

    #[test]
    fn reports_bad_quotes() {
        let mut f = Fields::default();
        assert_eq!(
            read_record(b"\"open,1\n", 0, &mut f, b','),
            Err(RecordError::UnterminatedQuote)
        );
        assert_eq!(
            read_record(b"\"a\"b,1\n", 0, &mut f, b','),
            Err(RecordError::AfterQuote)
        );
    }

    /// Record starts as the parser finds them, walking the whole buffer in one piece.
    fn sequential_starts(buf: &[u8], delim: u8) -> Vec<usize> {
        let mut f = Fields::default();
        let mut pos = 0;
        let mut out = vec![0];
        while pos < buf.len() {
            pos = match read_record(buf, pos, &mut f, delim) {
                Ok((next, _)) => next,
                Err(_) => skip_line(buf, pos),
            };
            out.push(pos);
        }
        out
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_text() {
        assert_eq!(fields("D1,27\" monitor,5\n"), ["D1", "27\" monitor", "5"]);
        assert_eq!(fields("a,b\"\"c\n"), ["a", "b\"\"c"]);
    }

    #[test]
    fn cuts_agree_with_the_parser_whatever_the_quotes() {
        // Stray quotes in unquoted fields, quoted fields with line breaks and doubled
        // quotes, an unterminated quote and text after a closing quote: every cut, for any
        // number of parts and any buffer end, is a record start of the one sequential walk.
        let rows = [
            "D1,27\" monitor,1\n",
            "D2,\"multi\nline, product\",2\n",
            "D3,\"say \"\"hi\"\"\",3\r\n",
            "D4,\"closed\"junk,4\n",
            "D5,plain,5\n",
            "D6,a\"b\"c,6\n",
            "\n",
        ];
        let mut seed = 0x2545_f491_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        // The same with `;` and tab between fields (a comma is then text, even after a quote).
        for round in 0..60 {
            let delim = [b',', b';', b'\t'][round % 3];
            let mut s = String::new();
            for _ in 0..(3000 + round * 50) {
                s.push_str(rows[(next() % rows.len() as u64) as usize]);
                if delim != b',' && next() % 7 == 0 {
                    s.push_str("D7,\"a\"#b,7\n");
                }
            }
            if round % 5 == 4 {
                s.push_str("D9,\"never closed,9\nD10,x,10\n");
            }
            let s = s.replace(',', &char::from(delim).to_string());
            let s = if delim == b',' {
                s
            } else {
                // Commas that are now text, inside and outside quotes.
                s.replace("plain", "pl,ain")
                    .replace("line;", "line,")
                    .replace('#', ",")
            };
            let buf = s.as_bytes();
            let starts = sequential_starts(buf, delim);
            for parts in [1, 2, 3, 8, 64] {
                let (cuts, last) = cut_points(buf, parts, true, delim);
                assert_eq!(last, buf.len());
                for c in &cuts {
                    assert!(starts.binary_search(c).is_ok(), "cut {c} (parts {parts})");
                }
            }
            // A chunk that ends anywhere is cut at a record start before it.
            for _ in 0..20 {
                let end = (next() as usize) % buf.len();
                let (_, last) = cut_points(&buf[..end], 1, false, delim);
                assert!(starts.binary_search(&last).is_ok(), "last {last} of {end}");
                assert!(last <= end);
            }
        }
    }

    #[test]
    fn cuts_respect_quotes() {
        let mut s = String::new();
        for i in 0..20_000 {
            s.push_str(&format!("{i},\"note\nwith break\"\n"));
        }
        let (cuts, last) = cut_points(s.as_bytes(), 8, false, b',');
        assert_eq!(last, s.len());
        for c in &cuts[1..cuts.len() - 1] {
            // every cut starts a record: digits then a comma
            assert!(s.as_bytes()[*c].is_ascii_digit(), "cut at {c}");
        }
    }
}
