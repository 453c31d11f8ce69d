//! Value text shared by every output (run, explain, test, diff): exact numbers, units,
//! thousands separators and percents, with no arithmetic that can overflow on the way to
//! the screen. The one module that both `trace` and `report` read, so that neither reads
//! the other.

use crate::num::Num;
use crate::types::Type;
use rust_decimal::Decimal;

/// The unit of a type, as shown: a currency code for amounts, else the type's name
/// (`percent`, `number`, `integer`, `days`, `date`, `text`, `bool`).
pub fn unit(ty: &Type) -> String {
    match ty {
        Type::Money(c) => c.clone(),
        // issue 10, currencies: the row's currency column is listed beside it.
        Type::MoneyIn { .. } => "number".to_string(),
        other => other.to_string(),
    }
}

/// The exact text of a number: no trailing zeros (a fraction that does not end, 17/96, to
/// 28 significant digits).
pub fn number(n: &Num) -> String {
    n.normalize().to_string()
}

/// A day number as `YYYY-MM-DD`.
pub fn day(d: i32) -> String {
    crate::calendar::date(d).to_string()
}

/// Thousands separators for display, keeping the decimals as they are.
pub fn group(s: &str) -> String {
    let (sign, body) = s.strip_prefix('-').map_or(("", s), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// A fraction as a percent, e.g. 0.55 → `55`, 1.3 → `130`, with at most `dp` decimals
/// (rounded half-even) when `dp` is given, else exact. The point is moved in the text, so
/// no value is too large to show (×100 of 1e27 does not fit a decimal).
pub fn percent(fraction: Decimal, dp: Option<u32>) -> String {
    let x = match dp {
        Some(dp) => fraction.round_dp(dp + 2),
        None => fraction.normalize(),
    };
    let negative = x.is_sign_negative() && !x.is_zero();
    let digits = x.mantissa().unsigned_abs().to_string();
    let scale = x.scale() as usize;
    // The percent has two fewer decimals than the fraction.
    let (int, frac) = if scale >= 2 {
        let decimals = scale - 2;
        let padded = format!("{digits:0>width$}", width = decimals + 1);
        let (i, f) = padded.split_at(padded.len() - decimals);
        (i.to_string(), f.to_string())
    } else {
        (format!("{digits}{}", "0".repeat(2 - scale)), String::new())
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut frac = frac;
    match dp {
        Some(dp) => {
            while frac.len() < dp as usize {
                frac.push('0');
            }
        }
        None => {
            while frac.ends_with('0') {
                frac.pop();
            }
        }
    }
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// A decimal's text with at least `places` decimals (2 → `8600.00`), padded in the text:
/// `rescale` cannot add places to a decimal whose mantissa is already full (8e26).
pub fn at_least(d: Decimal, places: u32) -> String {
    let mut text = decimal_text(d);
    let have = text.find('.').map_or(0, |i| text.len() - i - 1);
    let want = places as usize;
    if have < want {
        if have == 0 {
            text.push('.');
        }
        text.extend(std::iter::repeat_n('0', want - have));
    }
    text
}

/// Append `d`'s exact text to `out`: no trailing zeros after the point, except that at
/// least `places` decimals are shown (`at_least(d.normalize(), places)`, without the two
/// allocations: a run writes a million of them).
pub fn push_exact(out: &mut String, d: Decimal, places: u32) {
    // The mantissa's digits, written from the end: at most 29 for 96 bits.
    let mut buf = [b'0'; 40];
    let mut at = buf.len();
    let mut m = d.mantissa().unsigned_abs();
    const E19: u128 = 10_000_000_000_000_000_000;
    while m >= E19 {
        let mut low = (m % E19) as u64;
        m /= E19;
        for _ in 0..19 {
            at -= 1;
            buf[at] = b'0' + (low % 10) as u8;
            low /= 10;
        }
    }
    let mut x = m as u64;
    loop {
        at -= 1;
        buf[at] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    let scale = (d.scale() as usize).min(28);
    // Digits past the point as many as the scale, with zeros before them when the mantissa
    // is shorter (room: 40 bytes hold 29 digits and 11 zeros, the scale at most 28).
    while buf.len() - at <= scale {
        at -= 1;
    }
    let digits = &buf[at..];
    let (int, frac) = digits.split_at(digits.len() - scale);
    let mut frac_len = frac.len();
    while frac_len > places as usize && frac[frac_len - 1] == b'0' {
        frac_len -= 1;
    }
    // A negative mantissa has a digit other than 0: no `-0`.
    if d.mantissa() < 0 {
        out.push('-');
    }
    // Digits are ASCII.
    out.extend(int.iter().map(|&b| char::from(b)));
    if frac_len > 0 || places > 0 {
        out.push('.');
        out.extend(frac[..frac_len].iter().map(|&b| char::from(b)));
        out.extend(std::iter::repeat_n(
            '0',
            (places as usize).saturating_sub(frac_len),
        ));
    }
}

/// A decimal's text exactly as its `Display` writes it (`-12.50`), by integer formatting
/// of its mantissa: a run prints hundreds of thousands of them, a third of them fractions
/// shown to 28 digits, which `Display` writes several times slower.
pub fn decimal_text(d: Decimal) -> String {
    let m = d.mantissa();
    if m == 0 {
        return d.to_string();
    }
    let scale = d.scale() as usize;
    let digits = m.unsigned_abs().to_string();
    let mut text = String::with_capacity(digits.len() + scale + 3);
    if m < 0 {
        text.push('-');
    }
    if scale == 0 {
        text.push_str(&digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        text.push_str(int);
        text.push('.');
        text.push_str(frac);
    } else {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', scale - digits.len()));
        text.push_str(&digits);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decimals to hold the number texts to: random mantissas of up to 64 bits (as they
    /// are, and with trailing zeros) and past 64 up to a decimal's 96 (fractions shown to 28
    /// digits), each at several scales, then the edges.
    fn each_sample_decimal(mut check: impl FnMut(Decimal)) {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = i128::from((x >> (i % 60)) as i64);
            let m = if i % 3 == 0 { -m } else { m };
            for m in [m, m * 10i128.pow((i % 7) as u32)] {
                for scale in [0u32, 1, 2, 5, 18, 19, 28] {
                    check(Decimal::from_i128_with_scale(m, scale));
                }
            }
            let wide = (i128::from(x) << 32 | i128::from(x.rotate_left(17) >> 32)) >> (i % 40);
            let wide = if i % 5 == 0 { -wide } else { wide };
            for scale in [0u32, 1, 9, 19, 27, 28] {
                check(Decimal::from_i128_with_scale(wide, scale));
            }
        }
        for t in [
            "0",
            "0.00",
            "-0.00",
            "-0.01",
            "12.50",
            "100",
            "79228162514264337593543950335",
            "-1e-28",
        ] {
            check(
                t.parse()
                    .or_else(|_| Decimal::from_scientific(t))
                    .unwrap_or_default(),
            );
        }
        check(Decimal::MAX);
        check(Decimal::MIN);
    }

    #[test]
    fn push_exact_is_at_least_of_the_normalized_decimal() {
        each_sample_decimal(|d| {
            for places in [0u32, 1, 2, 4] {
                let mut out = String::from("x");
                push_exact(&mut out, d, places);
                assert_eq!(out[1..], at_least(d.normalize(), places), "{d:?} {places}");
            }
        });
    }

    #[test]
    fn decimal_text_is_what_display_writes() {
        each_sample_decimal(|d| assert_eq!(decimal_text(d), d.to_string(), "{d:?}"));
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn thousands_are_grouped_and_decimals_kept() {
        assert_eq!(group("1234567.891"), "1,234,567.891");
        assert_eq!(group("-1000"), "-1,000");
        assert_eq!(group("999.5"), "999.5");
        assert_eq!(group("100000"), "100,000");
        assert_eq!(group("0.00"), "0.00");
        assert_eq!(group(""), "");
    }

    #[test]
    fn units_are_currency_codes_or_type_names() {
        assert_eq!(unit(&Type::Money("EUR".into())), "EUR");
        assert_eq!(unit(&Type::Percent), "percent");
        assert_eq!(unit(&Type::Integer), "integer");
        assert_eq!(unit(&Type::Days), "days");
        assert_eq!(unit(&Type::Bool), "bool");
    }

    #[test]
    fn exact_numbers_and_days() {
        assert_eq!(number(&Num::from(d("8600.00"))), "8600");
        assert_eq!(number(&Num::from(d("-0.1250"))), "-0.125");
        // 17/96 = 0.177083333…: it does not end, so 28 significant digits.
        let frac = Num::from(d("17")).checked_div(&Num::from(d("96")));
        assert_eq!(
            frac.map(|f| number(&f)).as_deref(),
            Some("0.1770833333333333333333333333")
        );
        let leap = chrono::NaiveDate::from_ymd_opt(2028, 2, 29).map(crate::calendar::day);
        assert_eq!(leap.map(day).as_deref(), Some("2028-02-29"));
    }

    #[test]
    fn padded_decimals() {
        assert_eq!(at_least(d("8600"), 2), "8600.00");
        assert_eq!(at_least(d("1.5"), 2), "1.50");
        assert_eq!(at_least(d("1.555"), 2), "1.555");
        assert_eq!(
            at_least(d("800000000000000000000000000"), 2),
            "800000000000000000000000000.00"
        );
    }

    #[test]
    fn percents() {
        assert_eq!(percent(d("0.55"), Some(2)), "55.00");
        assert_eq!(percent(d("1.3"), None), "130");
        assert_eq!(percent(d("0.533333"), Some(2)), "53.33");
        assert_eq!(percent(d("0.0005"), None), "0.05");
        assert_eq!(percent(d("-0.125"), None), "-12.5");
        assert_eq!(percent(d("0"), Some(2)), "0.00");
        assert_eq!(percent(d("-0.00001"), Some(2)), "0.00");
        // 1e27 × 100 does not fit a decimal: the text still does.
        assert_eq!(
            percent(d("1000000000000000000000000000"), None),
            "100000000000000000000000000000"
        );
        assert_eq!(
            percent(Decimal::MAX, Some(2)),
            "7922816251426433759354395033500.00"
        );
    }
}
