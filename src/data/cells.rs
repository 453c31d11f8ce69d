//! Parsing one cell by its declared type. Hand-written because it runs once per cell of
//! files with tens of millions of rows; every function is total (bad text → `None`).

use rust_decimal::Decimal;

/// Most significant digits a cell may have: what a decimal holds exactly (plan literals
/// have the same limit). A longer cell is an error, never silently rounded.
pub const MAX_DIGITS: usize = 28;

/// Parse a plain decimal like `-1234.50`: digits on both sides of a `.` (no `.5`, no `1.`),
/// no exponent, no thousands separators, at most 28 significant digits.
pub fn decimal(b: &[u8]) -> Option<Decimal> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return decimal_slow(b);
    }
    let mut mantissa: i64 = 0;
    let mut scale: u32 = 0;
    let mut seen_dot = false;
    let mut seen_digit = false;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + i64::from(c - b'0');
                seen_digit = true;
                if seen_dot {
                    scale += 1;
                }
            }
            b'.' if !seen_dot && seen_digit => seen_dot = true,
            _ => return None,
        }
    }
    if !seen_digit || (seen_dot && scale == 0) {
        return None;
    }
    Some(Decimal::new(if neg { -mantissa } else { mantissa }, scale))
}

/// The digits of a well-formed decimal: (integer part, fraction part), without the sign.
fn parts(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = match b.first()? {
        b'-' | b'+' => &b[1..],
        _ => b,
    };
    let (int, frac) = match memchr::memchr(b'.', body) {
        Some(k) => (&body[..k], &body[k + 1..]),
        None => (body, &b""[..]),
    };
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    (!int.is_empty() && digits(int) && digits(frac) && (!frac.is_empty() || !body.contains(&b'.')))
        .then_some((int, frac))
}

/// Significant digits of a well-formed decimal: from the first non-zero digit to the last
/// digit written (trailing zeros of a fraction count: they are stored).
fn significant(int: &[u8], frac: &[u8]) -> usize {
    let int = &int[int.iter().position(|&c| c != b'0').unwrap_or(int.len())..];
    if int.is_empty() {
        frac.len() - frac.iter().position(|&c| c != b'0').unwrap_or(frac.len())
    } else {
        int.len() + frac.len()
    }
}

fn decimal_slow(b: &[u8]) -> Option<Decimal> {
    let (int, frac) = parts(b)?;
    if significant(int, frac) > MAX_DIGITS || frac.len() > MAX_DIGITS {
        return None;
    }
    // Leading zeros would count against the parser's own digit limit.
    let neg = b[0] == b'-';
    let int = &int[int.iter().position(|&c| c != b'0').unwrap_or(int.len() - 1)..];
    let mut s = String::with_capacity(int.len() + frac.len() + 2);
    if neg {
        s.push('-');
    }
    s.push_str(std::str::from_utf8(int).ok()?);
    if !frac.is_empty() {
        s.push('.');
        s.push_str(std::str::from_utf8(frac).ok()?);
    }
    Decimal::from_str_exact(&s).ok()
}

/// Why a cell that is not a number was rejected, when there is a more precise reason than
/// the type's usual hint: (what it is, what to write).
pub fn number_problem(b: &[u8]) -> Option<(String, String)> {
    let b = b.strip_suffix(b"%").unwrap_or(b);
    let b = b.strip_suffix(b" ").unwrap_or(b);
    let body = match b.first()? {
        b'-' | b'+' => &b[1..],
        _ => b,
    };
    let sign = &b[..b.len() - body.len()];
    let sign = std::str::from_utf8(sign).unwrap_or("");
    let is_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if let Some(frac) = body.strip_prefix(b".") {
        if is_digits(frac) {
            let frac = String::from_utf8_lossy(frac);
            return Some((
                "has no digit before its decimal point".into(),
                format!("write {sign}0.{frac}"),
            ));
        }
    }
    if let Some(int) = body.strip_suffix(b".") {
        if is_digits(int) {
            let int = String::from_utf8_lossy(int);
            return Some((
                "has no digit after its decimal point".into(),
                format!("write {sign}{int} or {sign}{int}.0"),
            ));
        }
    }
    let (int, frac) = parts(b)?;
    if significant(int, frac) > MAX_DIGITS || frac.len() > MAX_DIGITS {
        return Some((
            format!("has more than {MAX_DIGITS} significant digits"),
            format!(
                "Ignition computes exactly with up to {MAX_DIGITS} significant digits and never rounds data silently; round the value where it is exported"
            ),
        ));
    }
    None
}

/// What a number cell written with a comma means: `1.234,50` and `1234,50` have a decimal
/// comma (Some(true), with the number rewritten `1234.50`); `1,234,567` and `1,234.50`
/// have thousands separators (Some(false), rewritten `1234567`, `1234.50`); `1,234` could
/// be either (None, with both readings). `None` overall when the cell is not digits with
/// commas (and dots) in one of those shapes. A `%` suffix is kept.
pub fn comma_number(b: &[u8]) -> Option<(Option<bool>, String, String)> {
    let (b, pct) = match b.strip_suffix(b"%") {
        Some(n) => (n.strip_suffix(b" ").unwrap_or(n), "%"),
        None => (b, ""),
    };
    let (sign, body) = match b.first()? {
        b'-' => ("-", &b[1..]),
        b'+' => ("", &b[1..]),
        _ => ("", b),
    };
    let text = std::str::from_utf8(body).ok()?;
    if !text.contains(',')
        || !text
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b',')
    {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    // `1`, `12`, `123`, then groups of three after `sep`.
    let grouped = |s: &str, sep: char| {
        let mut parts = s.split(sep);
        let first = parts.next().unwrap_or("");
        digits(first) && first.len() <= 3 && parts.all(|p| p.len() == 3 && digits(p))
    };
    let strip = |s: &str, sep: char| s.replace(sep, "");
    let out = |n: String| format!("{sign}{n}{pct}");
    let commas = text.matches(',').count();
    if let Some((int, frac)) = text.rsplit_once(',') {
        if commas == 1 && digits(frac) {
            if int.contains('.') && grouped(int, '.') {
                return Some((
                    Some(true),
                    out(format!("{}.{frac}", strip(int, '.'))),
                    String::new(),
                ));
            }
            if digits(int) {
                if frac.len() == 3 && int.len() <= 3 {
                    return Some((
                        None,
                        out(format!("{int}.{frac}")),
                        out(format!("{int}{frac}")),
                    ));
                }
                return Some((Some(true), out(format!("{int}.{frac}")), String::new()));
            }
        }
    }
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) if digits(f) => (i, Some(f)),
        Some(_) => return None,
        None => (text, None),
    };
    if grouped(int, ',') {
        let n = strip(int, ',');
        return Some((
            Some(false),
            out(frac.map_or_else(|| n.clone(), |f| format!("{n}.{f}"))),
            String::new(),
        ));
    }
    None
}

/// Parse a whole number.
pub fn integer(b: &[u8]) -> Option<Decimal> {
    if b.contains(&b'.') {
        return None;
    }
    decimal(b)
}

/// Parse a percent cell: `20%` or the fraction `0.2`.
pub fn percent(b: &[u8]) -> Option<Decimal> {
    match b.strip_suffix(b"%") {
        Some(n) => {
            let n = decimal(n.strip_suffix(b" ").unwrap_or(n))?;
            // 28 significant digits may not survive the division by 100 (too many decimals).
            let f = n.checked_div(Decimal::ONE_HUNDRED)?;
            (f.checked_mul(Decimal::ONE_HUNDRED)? == n).then_some(f)
        }
        None => decimal(b),
    }
}

/// Parse `YYYY-MM-DD` into a day number.
pub fn date(b: &[u8]) -> Option<i32> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let y = num(&b[0..4])? as i32;
    let m = num(&b[5..7])?;
    let d = num(&b[8..10])?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_ce(y, m, d))
}

/// Why a date cell with a time is not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Stamp {
    /// Not a timestamp in a form Ignition reads.
    Bad,
    /// A timestamp, and the plan names no time zone to take its day in: the cell's own
    /// offset as written (`-05:00`, `Z`), if it has one.
    NeedsZone(Option<String>),
}

/// Parse an ISO 8601 timestamp into the day it falls on in the plan's zone (`tz`, minutes
/// east of UTC): `2026-03-31T23:30:00-05:00`, `…Z`, `…+0100`, `2026-03-31T23:30` (a `T` or
/// a space between date and time; seconds and a fraction optional). A timestamp without an
/// offset is a local time in the plan's zone. Without `tz`, every timestamp is
/// [`Stamp::NeedsZone`]: Ignition never picks a zone itself.
pub fn timestamp(b: &[u8], tz: Option<i32>) -> Result<i32, Stamp> {
    if b.len() < 16 || !matches!(b[10], b'T' | b' ') {
        return Err(Stamp::Bad);
    }
    let day = date(&b[..10]).ok_or(Stamp::Bad)?;
    let two = |s: &[u8]| -> Option<i32> {
        (s.len() == 2 && s.iter().all(u8::is_ascii_digit))
            .then(|| i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
    };
    let hour = two(&b[11..13]).filter(|h| *h < 24).ok_or(Stamp::Bad)?;
    if b[13] != b':' {
        return Err(Stamp::Bad);
    }
    let minute = two(&b[14..16]).filter(|m| *m < 60).ok_or(Stamp::Bad)?;
    let mut rest = &b[16..];
    if let Some(r) = rest.strip_prefix(b":") {
        two(r.get(..2).ok_or(Stamp::Bad)?)
            .filter(|s| *s <= 60)
            .ok_or(Stamp::Bad)?;
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix(b".") {
            let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(Stamp::Bad);
            }
            rest = &r[n..];
        }
    }
    let offset = match rest {
        b"" => None,
        b"Z" | b"z" => Some(0),
        [s @ (b'+' | b'-'), z @ ..] => {
            let (h, m) = match z {
                [a, b, b':', c, d] | [a, b, c, d] => (two(&[*a, *b]), two(&[*c, *d])),
                [a, b] => (two(&[*a, *b]), Some(0)),
                _ => (None, None),
            };
            let (Some(h), Some(m)) = (h, m) else {
                return Err(Stamp::Bad);
            };
            if h > 23 || m > 59 {
                return Err(Stamp::Bad);
            }
            Some(if *s == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            })
        }
        _ => return Err(Stamp::Bad),
    };
    let Some(tz) = tz else {
        let written =
            offset.map(|_| String::from_utf8_lossy(&b[b.len() - rest.len()..]).into_owned());
        return Err(Stamp::NeedsZone(written));
    };
    let local = hour * 60 + minute + tz - offset.unwrap_or(tz);
    Ok(day + local.div_euclid(24 * 60))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from the common era (0001-01-01 is day 1), as chrono counts them, without chrono's
/// general-purpose validation (this runs once per date cell).
fn days_from_ce(y: i32, m: u32, d: u32) -> i32 {
    // Howard Hinnant's days_from_civil, shifted to chrono's epoch.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let unix = era * 146_097 + doe - 719_468;
    unix + 719_163
}

/// Parse a yes/no cell.
pub fn boolean(b: &[u8]) -> Option<bool> {
    match b {
        b"true" | b"TRUE" | b"True" | b"yes" | b"YES" | b"Yes" | b"1" => Some(true),
        b"false" | b"FALSE" | b"False" | b"no" | b"NO" | b"No" | b"0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimal(b"1234.50"), Some(Decimal::new(123450, 2)));
        assert_eq!(decimal(b"-7"), Some(Decimal::new(-7, 0)));
        assert_eq!(decimal(b"0.1"), Some(Decimal::new(1, 1)));
        assert_eq!(
            decimal(b"12345678901234567890.5").map(|d| d.to_string()),
            Some("12345678901234567890.5".into())
        );
        for bad in [
            &b""[..],
            b"-",
            b"1.",
            b".",
            b"1.2.3",
            b"1e5",
            b"12a",
            b"1,000",
            b"abc",
        ] {
            assert_eq!(decimal(bad), None, "{:?}", std::str::from_utf8(bad));
        }
    }

    #[test]
    fn no_silent_rounding_and_no_bare_points() {
        // 28 significant digits are exact; 29 or more are refused (they would be rounded).
        let exact = "1234567890123456789012345678";
        assert_eq!(
            decimal(exact.as_bytes()).map(|d| d.to_string()),
            Some(exact.into())
        );
        assert_eq!(
            decimal(b"0.0000000000000000000000000001").map(|d| d.to_string()),
            Some("0.0000000000000000000000000001".into())
        );
        assert_eq!(
            decimal(b"-000000000000000000000000000000012.5").map(|d| d.to_string()),
            Some("-12.5".into())
        );
        for bad in [
            &b"12345678901234567890.123456789012345"[..],
            b"12345678901234567890123456789",
            b"0.00000000000000000000000000001",
            b".5",
            b"-.5",
            b"1.",
            b"1000000000000000000.",
            b".50000000000000000000",
            b"1.2.3",
            b"--1",
        ] {
            assert_eq!(decimal(bad), None, "{:?}", std::str::from_utf8(bad));
        }
        let why = |b: &[u8]| number_problem(b).map(|(_, fix)| fix);
        assert_eq!(why(b".5"), Some("write 0.5".into()));
        assert_eq!(why(b"-.25"), Some("write -0.25".into()));
        assert_eq!(why(b"1."), Some("write 1 or 1.0".into()));
        assert!(number_problem(b"12345678901234567890.123456789012345")
            .is_some_and(|(w, _)| w.contains("more than 28 significant digits")));
        assert_eq!(number_problem(b"abc"), None);
        // A percent whose fraction would need more than 28 decimals is refused, not rounded.
        assert_eq!(percent(b"0.0000000000000000000000000001%"), None);
        assert_eq!(percent(b"12.5%"), Some(Decimal::new(125, 3)));
    }

    #[test]
    fn commas_in_numbers() {
        let c = |s: &str| comma_number(s.as_bytes());
        let decimal = |n: &str| Some((Some(true), n.to_string(), String::new()));
        assert_eq!(c("1.234,50"), decimal("1234.50"));
        assert_eq!(c("1234,50"), decimal("1234.50"));
        assert_eq!(c("-1.234.567,5"), decimal("-1234567.5"));
        assert_eq!(c("0,5"), decimal("0.5"));
        assert_eq!(c("12,5%"), decimal("12.5%"));
        assert_eq!(c("12345,678"), decimal("12345.678"));
        assert_eq!(
            c("1,234"),
            Some((None, "1.234".to_string(), "1234".to_string()))
        );
        let thousands = |n: &str| Some((Some(false), n.to_string(), String::new()));
        assert_eq!(c("1,234,567"), thousands("1234567"));
        assert_eq!(c("1,234.50"), thousands("1234.50"));
        for not in [
            "1234.50", "abc", "1,2,3", "1.23,4.5", ",5", "5,", "1,,2", "1.2345,6", "€1,5", "1,5e3",
        ] {
            assert_eq!(c(not), None, "{not}");
        }
    }

    #[test]
    fn timestamps_fall_on_the_day_of_the_plans_zone() {
        let d = |s: &str| date(s.as_bytes()).expect("a date");
        let paris = Some(60);
        // 23:30 at UTC-5 is 04:30 the next day at UTC, 05:30 at UTC+1.
        assert_eq!(
            timestamp(b"2026-03-31T23:30:00-05:00", paris),
            Ok(d("2026-04-01"))
        );
        // The same instant in New York's own zone stays on the 31st.
        assert_eq!(
            timestamp(b"2026-03-31T23:30:00-05:00", Some(-300)),
            Ok(d("2026-03-31"))
        );
        // 23:30Z is 00:30 on the next day at UTC+1, still the 31st at UTC.
        assert_eq!(
            timestamp(b"2026-03-31T23:30:00Z", paris),
            Ok(d("2026-04-01"))
        );
        assert_eq!(
            timestamp(b"2026-03-31T23:30:00Z", Some(0)),
            Ok(d("2026-03-31"))
        );
        // 00:30 at UTC+2 is 22:30Z on the 31st: 23:30 at UTC+1, the day before.
        assert_eq!(
            timestamp(b"2026-04-01T00:30:00+02:00", paris),
            Ok(d("2026-03-31"))
        );
        assert_eq!(
            timestamp(b"2026-04-01T00:30+0200", paris),
            Ok(d("2026-03-31"))
        );
        assert_eq!(
            timestamp(b"2026-04-01 00:30:00.123456+02", paris),
            Ok(d("2026-03-31"))
        );
        // Without an offset it is a local time in the plan's zone.
        assert_eq!(
            timestamp(b"2026-03-31T23:59:59", paris),
            Ok(d("2026-03-31"))
        );
        // Across a year end and a leap day.
        assert_eq!(
            timestamp(b"2025-12-31T23:00:00Z", Some(120)),
            Ok(d("2026-01-01"))
        );
        assert_eq!(
            timestamp(b"2024-03-01T01:00:00+05:00", Some(0)),
            Ok(d("2024-02-29"))
        );
        // No zone in the plan: never a guess.
        assert_eq!(
            timestamp(b"2026-03-31T23:30:00-05:00", None),
            Err(Stamp::NeedsZone(Some("-05:00".into())))
        );
        assert_eq!(
            timestamp(b"2026-03-31T23:30:00", None),
            Err(Stamp::NeedsZone(None))
        );
        for bad in [
            "2026-03-31T24:00:00Z",
            "2026-03-31T23:60Z",
            "2026-03-31T23:30:00+1",
            "2026-03-31T23:30:00+01:00:00",
            "2026-03-31T23:30:00.Z",
            "2026-03-31T23:30:00 CET",
            "2026-02-30T10:00:00Z",
            "2026-03-31X10:00",
            "2026-03-31T",
            "2026-03-31T1:00:00Z",
            "2026-03-31T10:00:00+24:00",
        ] {
            assert_eq!(timestamp(bad.as_bytes(), paris), Err(Stamp::Bad), "{bad}");
        }
    }

    #[test]
    fn other_types() {
        assert_eq!(percent(b"20%"), Some(Decimal::new(2, 1)));
        assert_eq!(percent(b"0.2"), Some(Decimal::new(2, 1)));
        assert_eq!(integer(b"12"), Some(Decimal::new(12, 0)));
        assert_eq!(integer(b"1.5"), None);
        assert!(date(b"2026-02-28").is_some());
        assert_eq!(date(b"2026-02-30"), None);
        assert_eq!(date(b"2026-2-3"), None);
        assert_eq!(boolean(b"yes"), Some(true));
        assert_eq!(boolean(b"maybe"), None);
    }

    #[test]
    fn dates_agree_with_chrono() {
        let mut day = chrono::NaiveDate::from_ymd_opt(1999, 1, 1).expect("valid");
        let end = chrono::NaiveDate::from_ymd_opt(2031, 12, 31).expect("valid");
        while day <= end {
            let text = day.format("%Y-%m-%d").to_string();
            assert_eq!(
                date(text.as_bytes()),
                Some(crate::calendar::day(day)),
                "{text}"
            );
            day = day.succ_opt().expect("next day");
        }
        assert!(date(b"2024-02-29").is_some());
        assert_eq!(date(b"2100-02-29"), None);
        assert_eq!(date(b"2026-13-01"), None);
        assert_eq!(date(b"2026-00-10"), None);
    }
}
