//! Splitting CSV bytes into records and fields (RFC 4180 quoting), and into blocks at record
//! boundaries so that blocks can be parsed in parallel.

use memchr::{memchr, memchr2, memchr2_iter};

/// The fields of one record: ranges into the input, or into `scratch` for unescaped quoted text.
#[derive(Default)]
pub struct Fields {
    ranges: Vec<(usize, usize, bool)>,
    scratch: Vec<u8>,
}

/// Byte offset of each field from the start of a record (only needed to point at a bad cell).
pub fn field_offsets(record: &[u8]) -> Vec<usize> {
    let mut out = vec![0];
    let mut in_quotes = false;
    for (i, &b) in record.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => out.push(i + 1),
            _ => {}
        }
    }
    out
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

    fn clear(&mut self) {
        self.ranges.clear();
        self.scratch.clear();
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

/// Read the record starting at `pos`. Returns the position after it and how many line
/// breaks it consumed (its own ending included).
pub fn read_record(buf: &[u8], pos: usize, f: &mut Fields) -> Result<(usize, u32), RecordError> {
    f.clear();
    let len = buf.len();
    let mut i = pos;
    let mut newlines = 0u32;
    loop {
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
            let end = memchr2(b',', b'\n', &buf[i..]).map_or(len, |k| i + k);
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
            b',' => i += 1,
            b'\n' => return Ok((i + 1, newlines + 1)),
            _ => return Err(RecordError::AfterQuote),
        }
    }
}

/// Skip the rest of a bad record: to the next line break.
pub fn skip_line(buf: &[u8], pos: usize) -> usize {
    memchr(b'\n', &buf[pos..]).map_or(buf.len(), |k| pos + k + 1)
}

/// Record boundaries that cut `buf` into about `parts` blocks, plus the end of the last
/// complete record (so the caller can carry the rest over). `buf` starts at a record boundary.
pub fn cut_points(buf: &[u8], parts: usize, at_eof: bool) -> (Vec<usize>, usize) {
    let has_quotes = memchr(b'"', buf).is_some();
    let last = if at_eof {
        buf.len()
    } else if !has_quotes {
        memchr::memrchr(b'\n', buf).map_or(0, |k| k + 1)
    } else {
        last_boundary_quoted(buf)
    };
    let target = (last / parts.max(1)).max(1 << 16);
    let mut cuts = vec![0];
    let mut next = target;
    if !has_quotes {
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
        let mut in_quotes = false;
        for k in memchr2_iter(b'"', b'\n', &buf[..last]) {
            if buf[k] == b'"' {
                in_quotes = !in_quotes;
            } else if !in_quotes && k + 1 >= next && k + 1 < last {
                cuts.push(k + 1);
                next = k + 1 + target;
            }
        }
    }
    cuts.push(last);
    (cuts, last)
}

fn last_boundary_quoted(buf: &[u8]) -> usize {
    let mut in_quotes = false;
    let mut last = 0;
    for k in memchr2_iter(b'"', b'\n', buf) {
        if buf[k] == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            last = k + 1;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &str) -> Vec<String> {
        let mut f = Fields::default();
        let buf = s.as_bytes();
        let (_, _) = read_record(buf, 0, &mut f).expect("record");
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
            read_record(b"\"open,1\n", 0, &mut f),
            Err(RecordError::UnterminatedQuote)
        );
        assert_eq!(
            read_record(b"\"a\"b,1\n", 0, &mut f),
            Err(RecordError::AfterQuote)
        );
    }

    #[test]
    fn cuts_respect_quotes() {
        let mut s = String::new();
        for i in 0..20_000 {
            s.push_str(&format!("{i},\"note\nwith break\"\n"));
        }
        let (cuts, last) = cut_points(s.as_bytes(), 8, false);
        assert_eq!(last, s.len());
        for c in &cuts[1..cuts.len() - 1] {
            // every cut starts a record: digits then a comma
            assert!(s.as_bytes()[*c].is_ascii_digit(), "cut at {c}");
        }
    }
}
