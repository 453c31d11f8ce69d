//! Exact numbers: every value the evaluator computes, kept exact until the one rounding a
//! plan asks for.
//!
//! A [`Num`] is a [`Decimal`] whenever its value has a decimal expansion that fits one (the
//! common case: data, literals, sums, products), and otherwise a reduced fraction — held
//! inline when its parts fit 64 bits (a ratio of counts or of amounts: no allocation), an
//! `i128` pair past that, big integers past that. The form is canonical (a value
//! has exactly one representation up to a decimal's trailing zeros), so equality, order and
//! hashing are those of the rational numbers. Nothing is ever truncated: an operation whose
//! exact result is larger than [`MAX_BITS`] bits fails (the caller reports it), and a
//! rounding to an increment is exact, ties included.
//!
//! `rust_decimal` stays at the edges: parsing, output, display ([`Num::approx`] for a
//! fraction that does not terminate, such as 17/96).

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// How a value is rounded to its increment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundingMode {
    /// Ties to even (banker's rounding).
    HalfEven,
    /// Ties away from zero.
    HalfUp,
    /// Ties toward zero.
    HalfDown,
    /// Away from zero.
    Up,
    /// Toward zero.
    Down,
}

/// Largest numerator or denominator of an exact value, in bits: past this an operation
/// fails instead of growing without bound. A sum of ratios with different denominators has
/// their least common multiple as its denominator: 65,536 bits hold the sum of about 2,500
/// ratios of 8-digit amounts (an `org(attainment)` over a large organisation), and keep
/// one operation on such numbers within milliseconds.
pub const MAX_BITS: u64 = 65_536;

/// Largest scale (digits after the point) of a `Decimal`.
const MAX_SCALE: u32 = 28;

/// An exact rational number.
#[derive(Clone)]
pub enum Num {
    /// A value with a decimal expansion that fits a `Decimal`.
    Dec(Decimal),
    /// Any other value whose reduced numerator fits an `i64` and denominator (above 1) a
    /// `u64`: inline, so that an attainment or a win rate costs no allocation to make,
    /// clone or drop (the size of a `Num` is that of a `Decimal` and a tag either way).
    Ratio(i64, u64),
    /// Any other value: a reduced fraction with a denominator above 1.
    Frac(Box<Frac>),
}

/// A reduced fraction `n / d` with `d > 1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Frac {
    /// Both parts fit an `i128` (and not both the 64 bits of a [`Num::Ratio`]).
    Small(i128, i128),
    /// Either part does not.
    Big(BigInt, BigInt),
}

impl Num {
    /// 0.
    pub const ZERO: Num = Num::Dec(Decimal::ZERO);
    /// 1.
    pub const ONE: Num = Num::Dec(Decimal::ONE);

    /// A whole number.
    pub fn int(n: i64) -> Num {
        Num::Dec(Decimal::from(n))
    }

    /// The value as a `Decimal` when it is one exactly.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Num::Dec(d) => Some(*d),
            Num::Ratio(..) | Num::Frac(_) => None,
        }
    }

    /// Whether the value has an exact decimal form (else it is a fraction like 1/3).
    pub fn is_decimal(&self) -> bool {
        matches!(self, Num::Dec(_))
    }

    /// The value as a `Decimal`: exact when it is one, else rounded half-even to as many
    /// digits as fit (28 significant digits at most). For display and output only.
    pub fn approx(&self) -> Decimal {
        match self {
            Num::Dec(d) => *d,
            Num::Ratio(n, d) => approx_small(i128::from(*n), i128::from(*d))
                .unwrap_or_else(|| approx_big(&BigInt::from(*n), &BigInt::from(*d))),
            Num::Frac(f) => {
                if let Frac::Small(n, d) = **f {
                    if let Some(v) = approx_small(n, d) {
                        return v;
                    }
                }
                let (n, d) = f.big();
                approx_big(&n, &d)
            }
        }
    }

    /// Whether the magnitude is below 2^96 − ½ (about 7.9e28), the range of a decimal
    /// after rounding: a definition's value must be, so that it can be shown without
    /// saturating.
    pub fn in_decimal_range(&self) -> bool {
        match self {
            // |n/d| < 2^63 / 2.
            Num::Dec(_) | Num::Ratio(..) => true,
            Num::Frac(f) => {
                // |n/d| < 2^96 − 1/2  ⇔  2|n| < (2^97 − 1)·d. Every definition's value is
                // tested: a small fraction (a win rate of 1/3) is tested in 128 bits.
                if let Frac::Small(n, d) = **f {
                    let bound = (1u128 << (DECIMAL_BITS + 1)) - 1;
                    match (
                        n.unsigned_abs().checked_mul(2),
                        bound.checked_mul(d.unsigned_abs()),
                    ) {
                        (Some(l), Some(r)) => return l < r,
                        // (2^97 − 1)·d beyond 2^128 is above any 2|n| that fits.
                        (Some(_), None) => return true,
                        (None, _) => {}
                    }
                }
                let (n, d) = f.big();
                n.abs() * 2u8 < ((BigInt::from(1u8) << (DECIMAL_BITS + 1)) - 1u8) * d
            }
        }
    }

    /// The exact value as numerator and denominator (reduced, denominator positive).
    pub fn fraction(&self) -> (BigInt, BigInt) {
        let (n, d) = self.big();
        let g = n.gcd(&d);
        if g.is_zero() {
            return (n, d);
        }
        (n / &g, d / g)
    }

    /// Decimal text without trailing zeros: exact when the value ends (past a decimal's range
    /// too), else 28 significant digits. For output that must never saturate (sums in diff).
    pub fn text(&self) -> String {
        match self {
            Num::Dec(d) => d.normalize().to_string(),
            Num::Ratio(..) | Num::Frac(_) => self.to_string(),
        }
    }

    /// The decimal form without trailing zeros (see [`Num::approx`]).
    pub fn normalize(&self) -> Decimal {
        self.approx().normalize()
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> bool {
        match self {
            Num::Dec(d) => d.is_zero(),
            Num::Ratio(..) | Num::Frac(_) => false,
        }
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        match self {
            Num::Dec(d) if d.is_zero() => 0,
            Num::Dec(d) if d.is_sign_negative() => -1,
            Num::Dec(_) => 1,
            Num::Ratio(n, _) => n.signum() as i32,
            Num::Frac(f) => match &**f {
                Frac::Small(n, _) => n.signum() as i32,
                Frac::Big(n, _) => match n.sign() {
                    Sign::Minus => -1,
                    Sign::NoSign => 0,
                    Sign::Plus => 1,
                },
            },
        }
    }

    /// Whether the value is below 0.
    pub fn is_negative(&self) -> bool {
        self.signum() < 0
    }

    /// The value with its sign flipped.
    pub fn neg(&self) -> Num {
        match self {
            Num::Dec(d) if d.is_zero() => Num::ZERO,
            Num::Dec(d) => Num::Dec(-*d),
            // −n may leave (or enter) 64 or 128 bits where n did not: keep one
            // representation.
            Num::Ratio(n, d) => fraction_of(-i128::from(*n), i128::from(*d)),
            Num::Frac(f) => match &**f {
                Frac::Small(n, d) => match n.checked_neg() {
                    Some(m) => fraction_of(m, *d),
                    None => canonical(-BigInt::from(*n), BigInt::from(*d)),
                },
                // −n may fit an i128 where n did not (n = 2^127): keep one representation.
                Frac::Big(n, d) => canonical(-n, d.clone()),
            },
        }
    }

    /// The absolute value.
    pub fn abs(&self) -> Num {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// The smaller of two values.
    pub fn min(self, other: Num) -> Num {
        if other < self {
            other
        } else {
            self
        }
    }

    /// The larger of two values.
    pub fn max(self, other: Num) -> Num {
        if other > self {
            other
        } else {
            self
        }
    }

    /// `self + other`, or `None` when the exact result is too large.
    pub fn checked_add(&self, other: &Num) -> Option<Num> {
        if let (Num::Dec(a), Num::Dec(b)) = (self, other) {
            let (ma, sa, mb, sb) = (a.mantissa(), a.scale(), b.mantissa(), b.scale());
            let s = sa.max(sb);
            let m = rescale(ma, s - sa)
                .and_then(|x| rescale(mb, s - sb).and_then(|y| x.checked_add(y)));
            if let Some(m) = m {
                return Some(from_scaled(m, s));
            }
        } else if let (Some((na, da)), Some((nb, db))) = (self.small(), other.small()) {
            let n = na
                .checked_mul(db)
                .and_then(|x| nb.checked_mul(da).and_then(|y| x.checked_add(y)));
            if let (Some(n), Some(d)) = (n, da.checked_mul(db)) {
                return Some(from_ratio(n, d));
            }
        }
        let ((na, da), (nb, db)) = (self.big(), other.big());
        from_big(na * &db + nb * &da, da * db)
    }

    /// `self - other`, or `None` when the exact result is too large.
    pub fn checked_sub(&self, other: &Num) -> Option<Num> {
        self.checked_add(&other.neg())
    }

    /// `self × other`, or `None` when the exact result is too large.
    pub fn checked_mul(&self, other: &Num) -> Option<Num> {
        if let (Num::Dec(a), Num::Dec(b)) = (self, other) {
            if let Some(m) = a.mantissa().checked_mul(b.mantissa()) {
                return Some(from_scaled(m, a.scale() + b.scale()));
            }
        } else if let (Some((na, da)), Some((nb, db))) = (self.small(), other.small()) {
            if let (Some(n), Some(d)) = (na.checked_mul(nb), da.checked_mul(db)) {
                return Some(from_ratio(n, d));
            }
        }
        let ((na, da), (nb, db)) = (self.big(), other.big());
        from_big(na * nb, da * db)
    }

    /// `self ÷ other`, or `None` when `other` is 0 or the exact result is too large.
    pub fn checked_div(&self, other: &Num) -> Option<Num> {
        if other.is_zero() {
            return None;
        }
        if let (Some((na, da)), Some((nb, db))) = (self.small(), other.small()) {
            if let (Some(n), Some(d)) = (na.checked_mul(db), da.checked_mul(nb)) {
                return Some(from_ratio(n, d));
            }
        }
        let ((na, da), (nb, db)) = (self.big(), other.big());
        from_big(na * db, da * nb)
    }

    /// The integer part, toward zero, when it fits an `i64`, and whether the value was whole.
    pub fn trunc_i64(&self) -> Option<(i64, bool)> {
        let (n, d) = self.big();
        let (q, r) = n.div_rem(&d);
        Some((q.to_i64()?, r.is_zero()))
    }

    /// Round to a multiple of `increment` (non-zero) by `mode`, exactly, ties included. The
    /// result keeps the increment's number of decimals (0.01 → two places) for stable
    /// printing. `None` when the result does not fit a `Decimal`.
    pub fn round_to(&self, increment: Decimal, mode: RoundingMode) -> Option<Num> {
        if increment.is_zero() {
            return Some(self.clone());
        }
        let inc = Num::Dec(increment);
        // The number of increments: with the value n/d and the increment m/10^s, the
        // quotient n·10^s / (d·m), on i128 when it fits (every payout, every run), else on
        // big integers. Not reduced: a common factor of both parts changes neither the
        // floor nor how the remainder compares with the rest of the divisor.
        let steps = self.small().and_then(|(n, d)| {
            let (m, s) = (increment.mantissa(), increment.scale());
            let (mut n, mut d) = (n.checked_mul(pow10(s)?)?, d.checked_mul(m)?);
            if d < 0 {
                (n, d) = (n.checked_neg()?, d.checked_neg()?);
            }
            let (q, r) = div_rem_euclid(n, d);
            // 2r against d as r against d − r: 2r can overflow, d − r (> 0) cannot.
            let up = r != 0 && rounds_up(mode, n < 0, q % 2 != 0, r.cmp(&(d - r)));
            Some(if up { q + 1 } else { q })
        });
        let result = match steps.and_then(|q| q.checked_mul(increment.mantissa())) {
            Some(m) => from_scaled(m, increment.scale()),
            None => big_steps(&self.checked_div(&inc)?, mode)?.checked_mul(&inc)?,
        };
        match result {
            Num::Dec(mut r) => {
                // 0.01 → two places, 0 as 0.00; a mantissa that cannot take them keeps fewer.
                let scale = increment.scale();
                if r.scale() < scale
                    && rescale(r.mantissa(), scale - r.scale()).is_some_and(fits_decimal)
                {
                    r.rescale(scale);
                }
                Some(Num::Dec(r))
            }
            // A multiple of a decimal increment always ends: too large for a decimal.
            Num::Ratio(..) | Num::Frac(_) => None,
        }
    }

    fn small(&self) -> Option<(i128, i128)> {
        match self {
            Num::Dec(d) => Some((d.mantissa(), pow10(d.scale())?)),
            Num::Ratio(n, d) => Some((i128::from(*n), i128::from(*d))),
            Num::Frac(f) => match &**f {
                Frac::Small(n, d) => Some((*n, *d)),
                Frac::Big(..) => None,
            },
        }
    }

    fn big(&self) -> (BigInt, BigInt) {
        match self {
            Num::Dec(d) => (
                BigInt::from(d.mantissa()),
                BigInt::from(10u8).pow(d.scale()),
            ),
            Num::Ratio(n, d) => (BigInt::from(*n), BigInt::from(*d)),
            Num::Frac(f) => f.big(),
        }
    }
}

impl Frac {
    fn big(&self) -> (BigInt, BigInt) {
        match self {
            Frac::Small(n, d) => (BigInt::from(*n), BigInt::from(*d)),
            Frac::Big(n, d) => (n.clone(), d.clone()),
        }
    }
}

impl Default for Num {
    fn default() -> Num {
        Num::ZERO
    }
}

/// A running sum: `i128` scaled integers while the terms are decimals that fit, exact
/// fractions past that. Faster than adding `Num`s one by one in an aggregate's loop.
#[derive(Default)]
pub struct NumSum {
    mantissa: i128,
    scale: u32,
    /// Terms that did not fit the fast path, summed exactly.
    rest: Option<Num>,
}

impl NumSum {
    /// Add a decimal term; `None` when the exact sum grows too large.
    #[inline]
    pub fn add_decimal(&mut self, d: Decimal) -> Option<()> {
        let (m, s) = (d.mantissa(), d.scale());
        let fast = if s == self.scale {
            self.mantissa.checked_add(m)
        } else if s < self.scale {
            rescale(m, self.scale - s).and_then(|m| self.mantissa.checked_add(m))
        } else {
            match rescale(self.mantissa, s - self.scale).and_then(|x| x.checked_add(m)) {
                Some(x) => {
                    self.scale = s;
                    Some(x)
                }
                None => None,
            }
        };
        match fast {
            Some(x) => self.mantissa = x,
            None => self.add_slow(&Num::from(d))?,
        }
        Some(())
    }

    /// Add any term; `None` when the exact sum grows too large.
    pub fn add(&mut self, n: &Num) -> Option<()> {
        match n {
            Num::Dec(d) => self.add_decimal(*d),
            Num::Ratio(..) | Num::Frac(_) => self.add_slow(n),
        }
    }

    fn add_slow(&mut self, n: &Num) -> Option<()> {
        let rest = self.rest.take().unwrap_or_default();
        self.rest = Some(rest.checked_add(n)?);
        Some(())
    }

    /// The exact sum, or `None` if the two parts together are too large.
    pub fn total(self) -> Option<Num> {
        let fast = from_scaled(self.mantissa, self.scale);
        match self.rest {
            Some(rest) => fast.checked_add(&rest),
            None => Some(fast),
        }
    }
}

/// Many running sums side by side (one per scope of an aggregate), added exactly as
/// [`NumSum`] adds them, in one `i64` each: a 56-bit scaled integer and its scale; a sum
/// whose terms stop fitting moves to a [`NumSum`] of its own.
/// The row layer adds into one of them at random per row: the smaller they are, the more
/// of them stay in the processor's cache.
pub struct Sums {
    /// Each sum's mantissa (56 bits) and scale (the largest of its terms', or
    /// [`Sums::MOVED`]) in one word, `mantissa << 8 | scale`: one cache line to fetch per
    /// add, where a mantissa and a scale in two arrays cost two.
    word: Vec<i64>,
    /// Sums that left the words, by index.
    moved: rustc_hash::FxHashMap<usize, NumSum>,
}

impl Sums {
    /// The scale of a sum that moved (no `Decimal` has it), so that it never takes the
    /// fast path again.
    const MOVED: u8 = u8::MAX;
    /// The bits of a word below its mantissa.
    const SCALE_BITS: u32 = 8;

    /// `n` sums of zero.
    pub fn new(n: usize) -> Sums {
        Sums {
            word: vec![0; n],
            moved: rustc_hash::FxHashMap::default(),
        }
    }

    /// A mantissa and scale as a word, when the mantissa fits its 56 bits.
    fn pack(mantissa: i64, scale: u8) -> Option<i64> {
        const LIMIT: i64 = 1 << (63 - Sums::SCALE_BITS);
        (-LIMIT..LIMIT)
            .contains(&mantissa)
            .then(|| (mantissa << Self::SCALE_BITS) | i64::from(scale))
    }

    /// The scale a word holds.
    fn scale_of(word: i64) -> u8 {
        (word & 0xff) as u8
    }

    fn scale(&self, i: usize) -> u8 {
        Self::scale_of(self.word[i])
    }

    /// Add `d` to sum `i`; `None` when the exact sum grows too large.
    #[inline]
    pub fn add_decimal(&mut self, i: usize, d: Decimal) -> Option<()> {
        let w = self.word[i];
        if u32::from(Self::scale_of(w)) == d.scale() {
            // The term shifted past the scale bits: the word's sum is the sums' word, and it
            // overflows exactly when the 56-bit mantissa would.
            if let Some(x) = i64::try_from(d.mantissa())
                .ok()
                .and_then(|m| Self::pack(m, 0))
                .and_then(|t| w.checked_add(t))
            {
                self.word[i] = x;
                return Some(());
            }
        }
        self.add_rest(i, &Num::Dec(d))
    }

    /// Add any term to sum `i`; `None` when the exact sum grows too large.
    pub fn add(&mut self, i: usize, n: &Num) -> Option<()> {
        match n {
            Num::Dec(d) => self.add_decimal(i, *d),
            Num::Ratio(..) | Num::Frac(_) => self.add_rest(i, n),
        }
    }

    /// A term the fast path did not take: added as [`NumSum`] would, in the word while
    /// the result fits, else in the sum's own [`NumSum`].
    fn add_rest(&mut self, i: usize, n: &Num) -> Option<()> {
        let moved = i64::from(Self::MOVED);
        if self.scale(i) != Self::MOVED {
            if let Num::Dec(d) = n {
                let mut sum = self.get(i);
                sum.add_decimal(*d)?;
                if sum.rest.is_none() && sum.scale < u32::from(Self::MOVED) {
                    if let Some(w) = i64::try_from(sum.mantissa)
                        .ok()
                        .and_then(|m| Self::pack(m, sum.scale as u8))
                    {
                        self.word[i] = w;
                        return Some(());
                    }
                }
                self.word[i] = moved;
                self.moved.insert(i, sum);
                return Some(());
            }
            let sum = self.get(i);
            self.word[i] = moved;
            self.moved.insert(i, sum);
        }
        self.moved.entry(i).or_default().add(n)
    }

    /// Sum `i` as a [`NumSum`].
    fn get(&self, i: usize) -> NumSum {
        if self.scale(i) == Self::MOVED {
            return match self.moved.get(&i) {
                Some(s) => NumSum {
                    mantissa: s.mantissa,
                    scale: s.scale,
                    rest: s.rest.clone(),
                },
                None => NumSum::default(),
            };
        }
        NumSum {
            mantissa: i128::from(self.word[i] >> Self::SCALE_BITS),
            scale: u32::from(self.scale(i)),
            rest: None,
        }
    }

    /// The exact sum `i`, or `None` if it is too large.
    pub fn total(&self, i: usize) -> Option<Num> {
        self.get(i).total()
    }
}

impl std::ops::Neg for Num {
    type Output = Num;
    fn neg(self) -> Num {
        Num::neg(&self)
    }
}

impl std::ops::Neg for &Num {
    type Output = Num;
    fn neg(self) -> Num {
        Num::neg(self)
    }
}

impl From<Decimal> for Num {
    fn from(d: Decimal) -> Num {
        if d.is_zero() {
            Num::ZERO
        } else {
            Num::Dec(d)
        }
    }
}

impl From<u64> for Num {
    fn from(n: u64) -> Num {
        Num::Dec(Decimal::from(n))
    }
}

impl PartialEq for Num {
    fn eq(&self, other: &Num) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Num {}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Num) -> Ordering {
        match (self, other) {
            (Num::Dec(a), Num::Dec(b)) => a.cmp(b),
            _ => {
                if let (Some((na, da)), Some((nb, db))) = (self.small(), other.small()) {
                    if let (Some(x), Some(y)) = (na.checked_mul(db), nb.checked_mul(da)) {
                        return x.cmp(&y);
                    }
                }
                let ((na, da), (nb, db)) = (self.big(), other.big());
                (na * db).cmp(&(nb * da))
            }
        }
    }
}

impl Hash for Num {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Num::Dec(d) => {
                // Equal decimals differ only in trailing zeros: hash the normal form.
                let n = d.normalize();
                0u8.hash(state);
                n.mantissa().hash(state);
                n.scale().hash(state);
            }
            // A value is a `Ratio` exactly when its parts fit one: no other form of it.
            Num::Ratio(n, d) => {
                2u8.hash(state);
                n.hash(state);
                d.hash(state);
            }
            Num::Frac(f) => {
                1u8.hash(state);
                f.hash(state);
            }
        }
    }
}

impl fmt::Debug for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Dec(d) => write!(f, "{d}"),
            Num::Ratio(n, d) => write!(f, "{n}/{d}"),
            Num::Frac(x) => {
                let (n, d) = x.big();
                write!(f, "{n}/{d}")
            }
        }
    }
}

/// The decimal form: exact when it ends, else rounded half-even to 28 significant digits.
/// Past a decimal's range the digits come from big integers (never a saturated value).
impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.in_decimal_range() {
            return fmt::Display::fmt(&self.approx(), f);
        }
        let (n, d) = self.fraction();
        let sign = if n.is_negative() { "-" } else { "" };
        let n = n.abs();
        let int_digits = (&n / &d).to_string().len() as u32;
        // Digits after the point: all of them when the fraction ends within 28, else up to
        // 28 significant digits in all.
        let scale = (0..=MAX_SCALE)
            .find(|&k| (&n * BigInt::from(10u8).pow(k)) % &d == BigInt::zero())
            .unwrap_or_else(|| MAX_SCALE.saturating_sub(int_digits));
        let scaled = &n * BigInt::from(10u8).pow(scale);
        let (q, r) = scaled.div_mod_floor(&d);
        let q = match (r * 2u8).cmp(&d) {
            Ordering::Greater => q + 1u8,
            Ordering::Equal if q.is_odd() => q + 1u8,
            _ => q,
        };
        let digits = format!("{q:0>width$}", width = scale as usize + 1);
        let (int, frac) = digits.split_at(digits.len() - scale as usize);
        if frac.is_empty() {
            write!(f, "{sign}{int}")
        } else {
            write!(f, "{sign}{int}.{frac}")
        }
    }
}

/// Whether rounding a quotient with a non-zero remainder goes up (toward +∞) from its floor:
/// `twice_rest` compares twice the remainder with the divisor (a tie is `Equal`).
fn rounds_up(mode: RoundingMode, negative: bool, floor_is_odd: bool, twice_rest: Ordering) -> bool {
    match mode {
        RoundingMode::Up => !negative,
        RoundingMode::Down => negative,
        RoundingMode::HalfEven | RoundingMode::HalfUp | RoundingMode::HalfDown => {
            match twice_rest {
                Ordering::Less => false,
                Ordering::Greater => true,
                Ordering::Equal => match mode {
                    RoundingMode::HalfEven => floor_is_odd,
                    // Half up means away from zero: up for a positive tie.
                    RoundingMode::HalfUp => !negative,
                    _ => negative,
                },
            }
        }
    }
}

/// The whole number of increments `quotient` rounds to, on big integers.
fn big_steps(quotient: &Num, mode: RoundingMode) -> Option<Num> {
    let (n, d) = quotient.big();
    // n = q·d + r with 0 ≤ r < d: q is the floor.
    let (q, r) = n.div_mod_floor(&d);
    let up = !r.is_zero() && rounds_up(mode, n.is_negative(), q.is_odd(), (r * 2u8).cmp(&d));
    from_big(if up { q + 1u8 } else { q }, BigInt::from(1u8))
}

/// The floor of `n / d` (d > 0) and the remainder: on i64 when both fit (a payout in cents
/// over its increment), where an i128 division is a call into a software routine.
fn div_rem_euclid(n: i128, d: i128) -> (i128, i128) {
    match (i64::try_from(n), i64::try_from(d)) {
        (Ok(a), Ok(b)) => (i128::from(a.div_euclid(b)), i128::from(a.rem_euclid(b))),
        _ => (n.div_euclid(d), n.rem_euclid(d)),
    }
}

/// 10^0 … 10^38, every power of ten an `i128` holds: a decimal's denominator is looked up
/// on every operation that meets a fraction, not multiplied out.
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// 10^k when it fits an `i128` (k ≤ 38).
fn pow10(k: u32) -> Option<i128> {
    POW10.get(k as usize).copied()
}

/// `m × 10^k`.
fn rescale(m: i128, k: u32) -> Option<i128> {
    m.checked_mul(pow10(k)?)
}

/// Bits of a `Decimal`'s mantissa.
const DECIMAL_BITS: u32 = 96;

fn fits_decimal(m: i128) -> bool {
    m.unsigned_abs() < (1u128 << DECIMAL_BITS)
}

/// The value `m / 10^s` (any s).
fn from_scaled(mut m: i128, mut s: u32) -> Num {
    while s > MAX_SCALE && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    if m == 0 {
        return Num::ZERO;
    }
    if s <= MAX_SCALE && fits_decimal(m) {
        return Num::Dec(Decimal::from_i128_with_scale(m, s));
    }
    match pow10(s) {
        Some(d) => from_ratio(m, d),
        None => {
            // s ≤ 56 (two decimals' scales): a few hundred bits, far below MAX_BITS.
            let (n, d) = (BigInt::from(m), BigInt::from(10u8).pow(s));
            let g = n.gcd(&d);
            canonical(n / &g, d / g)
        }
    }
}

/// The value `n / d` (d ≠ 0) in canonical form.
fn from_ratio(n: i128, d: i128) -> Num {
    if n == 0 {
        return Num::ZERO;
    }
    // Work in unsigned magnitudes: i128::MIN has no positive counterpart.
    let negative = (n < 0) != (d < 0);
    let (mut un, mut ud) = (n.unsigned_abs(), d.unsigned_abs());
    if let (Ok(a), Ok(b)) = (u64::try_from(un), u64::try_from(ud)) {
        // The common case (counts, amounts in cents, rates): the gcd and both divisions on
        // u64, where 128-bit division is a call into a software routine.
        let g = a.gcd(&b);
        (un, ud) = (u128::from(a / g), u128::from(b / g));
    } else {
        let g = gcd(un, ud);
        un /= g;
        ud /= g;
    }
    if let Some(v) = decimal_of(un, ud, negative) {
        return v;
    }
    match (i128::try_from(un), i128::try_from(ud)) {
        (Ok(n), Ok(d)) => fraction_of(if negative { -n } else { n }, d),
        _ => {
            let n = BigInt::from(un);
            // Already reduced; at most 128 bits each, far below MAX_BITS.
            canonical(if negative { -n } else { n }, BigInt::from(ud))
        }
    }
}

/// The decimal `±n/d` when `d` is 2^a·5^b and the result fits a `Decimal` (n, d reduced).
fn decimal_of(n: u128, d: u128, negative: bool) -> Option<Num> {
    // d = 2^twos · 5^fives · rest; divisions by 5 on u64 when d fits (u128 division is slow).
    let twos = d.trailing_zeros();
    let mut rest = d >> twos;
    let mut fives = 0u32;
    if let Ok(mut r) = u64::try_from(rest) {
        while r % 5 == 0 {
            r /= 5;
            fives += 1;
        }
        rest = u128::from(r);
    } else {
        while rest.is_multiple_of(5) {
            rest /= 5;
            fives += 1;
        }
    }
    if rest != 1 {
        return None;
    }
    let k = twos.max(fives);
    if k > MAX_SCALE {
        return None;
    }
    // 10^k / d = 2^(k − twos) · 5^(k − fives), without a division.
    let factor = (1u128 << (k - twos)).checked_mul(5u128.checked_pow(k - fives)?)?;
    let m = n.checked_mul(factor)?;
    let m = i128::try_from(m).ok()?;
    let m = if negative { -m } else { m };
    fits_decimal(m).then(|| Num::Dec(Decimal::from_i128_with_scale(m, k)))
}

/// The value `n / d` (d ≠ 0) in canonical form, or `None` past [`MAX_BITS`].
fn from_big(n: BigInt, d: BigInt) -> Option<Num> {
    if d.is_zero() {
        return None;
    }
    if n.is_zero() {
        return Some(Num::ZERO);
    }
    let g = n.gcd(&d);
    let (n, d) = (n / &g, d / &g);
    if n.bits() > MAX_BITS || d.bits() > MAX_BITS {
        return None;
    }
    Some(canonical(n, d))
}

/// The one representation of the reduced fraction `n / d` (d ≠ 0, gcd 1): a decimal when it
/// ends and fits, else a `Ratio` when both parts fit 64 bits, else `Small` when both fit an
/// `i128` (a whole number too large for a decimal is `n/1`), else `Big`.
fn canonical(mut n: BigInt, mut d: BigInt) -> Num {
    if n.is_zero() {
        return Num::ZERO;
    }
    if d.is_negative() {
        n = -n;
        d = -d;
    }
    if let (Some(sn), Some(sd)) = (n.to_i128(), d.to_i128()) {
        if let Some(v) = decimal_of(sn.unsigned_abs(), sd.unsigned_abs(), sn < 0) {
            return v;
        }
        return fraction_of(sn, sd);
    }
    Num::Frac(Box::new(Frac::Big(n, d)))
}

/// The reduced fraction `n / d` (d > 0, no decimal) in its one form: inline when both
/// parts fit 64 bits, else an `i128` pair.
fn fraction_of(n: i128, d: i128) -> Num {
    match (i64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => Num::Ratio(n, d),
        _ => Num::Frac(Box::new(Frac::Small(n, d))),
    }
}

/// Stein's binary gcd (num-integer), on u64 when both fit: no 128-bit divisions.
fn gcd(a: u128, b: u128) -> u128 {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(x), Ok(y)) => u128::from(x.gcd(&y)),
        _ => a.gcd(&b),
    }
}

/// `n / d` rounded half-even to the largest scale (≤ 28) whose mantissa fits a `Decimal`.
/// [`approx_big`] in 128-bit arithmetic, for a denominator below 2^64 (a rate, a ratio of
/// counts or of amounts): the digits after the point by long division, nineteen at a time
/// while they surely fit and then one at a time, instead of a multiplication and division
/// of big integers per scale tried. `None` when it does not apply (the big way then).
fn approx_small(n: i128, d: i128) -> Option<Decimal> {
    const LIMIT: u128 = 1 << DECIMAL_BITS;
    let d = u128::try_from(d).ok().filter(|&d| d > 0 && d < 1 << 64)?;
    let a = n.unsigned_abs();
    // The quotient at `scale` digits after the point, and the remainder.
    let (mut q, mut r) = (a / d, a % d);
    if q >= LIMIT {
        return None;
    }
    let mut scale = 0u32;
    // Up to nineteen digits at a time while the quotient surely stays below 2^96: with k
    // more digits it is below (q + 1)·10^k (and r·10^k < 2^128, as r < d < 2^64).
    while scale < MAX_SCALE {
        let k = (MAX_SCALE - scale).min(19);
        let step = 10u128.pow(k);
        if (q + 1).checked_mul(step).is_none_or(|x| x > LIMIT) {
            break;
        }
        let rk = r * step;
        q = q * step + rk / d;
        r = rk % d;
        scale += k;
    }
    // Then one digit at a time while it does, keeping the quotient one digit before.
    let mut before = None;
    while scale < MAX_SCALE {
        let r10 = r * 10;
        let next = q * 10 + r10 / d;
        if next >= LIMIT {
            break;
        }
        before = Some((q, r));
        q = next;
        r = r10 % d;
        scale += 1;
    }
    // Rounded half to even; should that reach 2^96, one digit fewer (the big way tries
    // scales from 28 down and keeps the first whose rounded quotient fits).
    let round = |q: u128, r: u128| match (r * 2).cmp(&d) {
        Ordering::Greater => q + 1,
        Ordering::Equal if q % 2 == 1 => q + 1,
        _ => q,
    };
    let mut m = round(q, r);
    if m >= LIMIT {
        let (q0, r0) = before?;
        m = round(q0, r0);
        scale -= 1;
    }
    let m = i128::try_from(m).ok()?;
    Some(Decimal::from_i128_with_scale(
        if n < 0 { -m } else { m },
        scale,
    ))
}

fn approx_big(n: &BigInt, d: &BigInt) -> Decimal {
    let limit = BigInt::from(1u8) << DECIMAL_BITS;
    for scale in (0..=MAX_SCALE).rev() {
        let scaled = n * BigInt::from(10u8).pow(scale);
        let (q, r) = scaled.div_mod_floor(d);
        let twice = r * 2u8;
        let q = match twice.cmp(d) {
            Ordering::Greater => q + 1u8,
            Ordering::Equal if q.is_odd() => q + 1u8,
            _ => q,
        };
        if q.abs() < limit {
            if let Some(m) = q.to_i128() {
                return Decimal::from_i128_with_scale(m, scale);
            }
        }
    }
    // Beyond a decimal's range altogether: the largest decimal of that sign.
    if n.is_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Num {
        Num::from(s.parse::<Decimal>().unwrap_or_default())
    }

    /// A value's hash, as a hash set would take it.
    fn hash_of(x: &Num) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    fn div(a: &str, b: &str) -> Num {
        n(a).checked_div(&n(b)).unwrap_or_default()
    }

    #[test]
    fn rounding_modes() {
        let c = Decimal::new(1, 2);
        let r = |x: &str, m| n(x).round_to(c, m).map(|v| v.to_string());
        assert_eq!(r("2.345", RoundingMode::HalfEven).as_deref(), Some("2.34"));
        assert_eq!(r("2.355", RoundingMode::HalfEven).as_deref(), Some("2.36"));
        assert_eq!(r("2.345", RoundingMode::HalfUp).as_deref(), Some("2.35"));
        assert_eq!(r("-2.345", RoundingMode::HalfUp).as_deref(), Some("-2.35"));
        assert_eq!(r("2.345", RoundingMode::HalfDown).as_deref(), Some("2.34"));
        assert_eq!(
            r("-2.345", RoundingMode::HalfDown).as_deref(),
            Some("-2.34")
        );
        assert_eq!(r("2.341", RoundingMode::Up).as_deref(), Some("2.35"));
        assert_eq!(r("-2.341", RoundingMode::Up).as_deref(), Some("-2.35"));
        assert_eq!(r("2.349", RoundingMode::Down).as_deref(), Some("2.34"));
        assert_eq!(r("-2.349", RoundingMode::Down).as_deref(), Some("-2.34"));
        // A whole number keeps the increment's decimals.
        assert_eq!(r("7", RoundingMode::HalfEven).as_deref(), Some("7.00"));
        let five = |x: &str| n(x).round_to(Decimal::new(5, 0), RoundingMode::HalfEven);
        assert_eq!(five("12.5").map(|v| v.to_string()).as_deref(), Some("10"));
        let nickel = n("1.02").round_to(Decimal::new(5, 2), RoundingMode::HalfUp);
        assert_eq!(nickel.map(|v| v.to_string()).as_deref(), Some("1.00"));
    }

    #[test]
    fn a_tie_reached_through_fractions_is_a_tie() {
        // 1000 × (0.5 × 85/96 + 0.5 × 5/6) = 859.375 exactly.
        let score = div("85", "96")
            .checked_add(&div("80", "96"))
            .and_then(|x| x.checked_mul(&n("0.5")))
            .unwrap_or_default();
        assert_eq!(score, n("0.859375"));
        assert!(score.is_decimal());
        let paid = score.checked_mul(&n("1000")).unwrap_or_default();
        let cents = Decimal::new(1, 2);
        let r = |m| paid.round_to(cents, m).map(|v| v.to_string());
        assert_eq!(r(RoundingMode::HalfEven).as_deref(), Some("859.38"));
        assert_eq!(r(RoundingMode::HalfDown).as_deref(), Some("859.37"));
    }

    #[test]
    fn fractions_are_canonical() {
        assert_eq!(div("1", "3"), div("2", "6"));
        assert_eq!(div("1", "4"), n("0.25"));
        assert!(div("1", "4").is_decimal());
        assert!(!div("1", "3").is_decimal());
        assert_eq!(div("1", "3").to_string(), "0.3333333333333333333333333333");
        assert_eq!(div("2", "3").to_string(), "0.6666666666666666666666666667");
        assert_eq!(
            div("100", "3").to_string(),
            "33.333333333333333333333333333"
        );
        let third = div("1", "3");
        let back = third.checked_mul(&n("3")).unwrap_or_default();
        assert_eq!(back, Num::ONE);
        assert!(back.is_decimal());
        assert_eq!(n("1.50"), n("1.5"));
        use std::collections::HashSet;
        let set: HashSet<Num> = [n("1.50"), n("1.5"), div("3", "2")].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn an_inline_fraction_does_not_make_a_value_larger() {
        // A Decimal (16 bytes, 4-aligned) and a tag; a Ratio's two 8-byte parts are as
        // long. Every stored definition value is a Num: growing it grows every column.
        assert_eq!(std::mem::size_of::<Num>(), 24);
    }

    #[test]
    fn the_64_bit_edge_keeps_one_representation() {
        // −2^63/3 is inline; 2^63/3 (its negation) no longer fits an i64.
        let low = Num::int(i64::MIN)
            .checked_div(&Num::int(3))
            .unwrap_or_default();
        assert!(matches!(low, Num::Ratio(i64::MIN, 3)));
        assert!(matches!(low.neg(), Num::Frac(_)));
        assert_eq!(low.neg().neg(), low);
        assert_eq!(hash_of(&low.neg().neg()), hash_of(&low));
        // A denominator of 2^64 − 1 is inline, 2^64 is not (and is no decimal: 5^64/10^64).
        let wide = Num::from(Decimal::from(u64::MAX));
        let two_64 = wide.checked_add(&Num::ONE).unwrap_or_default();
        let a = Num::ONE.checked_div(&wide).unwrap_or_default();
        let b = Num::ONE.checked_div(&two_64).unwrap_or_default();
        assert!(matches!(a, Num::Ratio(1, u64::MAX)));
        assert!(matches!(b, Num::Frac(_)));
        // 1/(2^64 − 1) − 1/2^64 = 1/((2^64 − 1)·2^64), past 128 bits: exact all the same.
        let gap = a.checked_sub(&b).unwrap_or_default();
        let (gn, gd) = gap.fraction();
        assert_eq!(gn, BigInt::from(1u8));
        assert_eq!(gd, BigInt::from(u64::MAX) * (BigInt::from(1u8) << 64));
        // One third by four roads: one value, one hash.
        let thirds = [
            div("1", "3"),
            div("2", "6"),
            div("1", "6").checked_mul(&n("2")).unwrap_or_default(),
            Num::ONE.checked_sub(&div("2", "3")).unwrap_or_default(),
        ];
        for t in &thirds {
            assert!(matches!(t, Num::Ratio(1, 3)), "{t:?}");
            assert_eq!(hash_of(t), hash_of(&thirds[0]));
        }
    }

    #[test]
    fn too_large_is_none_never_a_wrong_value() {
        let max = Num::from(Decimal::MAX);
        // Exact beyond a decimal: still a value, as a fraction n/1.
        let twice = max.checked_add(&max).unwrap_or_default();
        assert_eq!(twice.checked_sub(&max), Some(max.clone()));
        // But it cannot be rounded to cents for output.
        assert!(twice
            .round_to(Decimal::new(1, 2), RoundingMode::HalfEven)
            .is_none());
        // 8e26 is already a whole number of cents: exact, shown without the two decimals
        // it has no room for.
        let big = n("800000000000000000000000000");
        let cents = Decimal::new(1, 2);
        assert_eq!(
            big.round_to(cents, RoundingMode::HalfEven),
            Some(big.clone())
        );
        // 8e26 + 0.009 to cents is 800…000.01: 29 digits, which no decimal holds.
        let odd = big
            .checked_add(&Num::from(Decimal::new(9, 3)))
            .unwrap_or_default();
        assert!(odd.round_to(cents, RoundingMode::HalfEven).is_none());
        // 7.9e28 up to a multiple of 5e28 is 1e29: too large.
        let up = n("79000000000000000000000000000").round_to(
            "50000000000000000000000000000".parse().unwrap_or_default(),
            RoundingMode::Up,
        );
        assert!(up.is_none());
        // A tiny increment: 1000 is already a multiple; exact.
        let tiny = n("1000").round_to(Decimal::new(1, 28), RoundingMode::HalfEven);
        assert_eq!(tiny, Some(n("1000")));
        // Growth past MAX_BITS fails instead of growing without bound.
        let near = Num::Frac(Box::new(Frac::Big(
            BigInt::from(1u8),
            (BigInt::from(3u8) << (MAX_BITS - 2)) + 0u8,
        )));
        assert!(near.checked_mul(&near).is_none());
        assert!(near
            .checked_add(&Num::ONE.checked_div(&Num::int(7)).unwrap_or_default())
            .is_none());
    }

    #[test]
    fn values_past_a_decimal_print_their_digits() {
        let max = Num::from(Decimal::MAX);
        let twice = max.checked_add(&max).unwrap_or_default();
        assert_eq!(twice.to_string(), "158456325028528675187087900670");
        let half = twice.checked_add(&n("0.5")).unwrap_or_default();
        assert_eq!(half.to_string(), "158456325028528675187087900670.5");
        let third = twice.checked_div(&n("3")).unwrap_or_default();
        assert_eq!(third.to_string(), "52818775009509558395695966890");
        let neg = twice.checked_div(&n("-7")).unwrap_or_default();
        // 158456325028528675187087900670 / 7 = 22636617861218382169583985810 exactly.
        assert_eq!(neg.to_string(), "-22636617861218382169583985810");
    }

    #[test]
    fn rounding_a_fraction_with_a_huge_denominator_does_not_overflow() {
        // 1 − 1/3^80: the remainder is nearly the denominator (≈ 1.48e38), so 2r > i128::MAX.
        let d = 3i128.pow(80);
        let x = Num::Frac(Box::new(Frac::Small(d - 1, d)));
        for (mode, want) in [
            (RoundingMode::HalfEven, "1"),
            (RoundingMode::HalfUp, "1"),
            (RoundingMode::HalfDown, "1"),
            (RoundingMode::Up, "1"),
            (RoundingMode::Down, "0"),
        ] {
            let r = x.round_to(Decimal::ONE, mode).map(|v| v.to_string());
            assert_eq!(r.as_deref(), Some(want), "{mode:?}");
        }
    }

    #[test]
    fn negation_keeps_one_representation() {
        let two_95 = Num::from(Decimal::from_i128_with_scale(1i128 << 95, 0));
        let two_32 = Num::int(1i64 << 32);
        let a = two_95.checked_mul(&two_32).unwrap_or_default(); // 2^127: Big
        let b = two_95.neg().checked_mul(&two_32).unwrap_or_default(); // −2^127: Small
        assert_eq!(a.neg(), b);
        assert_eq!(hash_of(&a.neg()), hash_of(&b));
        let x = b.checked_div(&Num::int(3)).unwrap_or_default();
        assert_eq!(hash_of(&x.neg().neg()), hash_of(&x));
    }

    #[test]
    fn a_sum_too_large_is_none_not_a_dropped_term() {
        // rest = 2^MAX_BITS − 1, a whole number of exactly MAX_BITS bits; + 1 needs one more.
        let big = (BigInt::from(1u8) << MAX_BITS) - 1u8;
        let rest = Num::Frac(Box::new(Frac::Big(big, BigInt::from(1u8))));
        let mut sum = NumSum::default();
        assert!(sum.add(&rest).is_some());
        assert!(sum.add_decimal(Decimal::ONE).is_some());
        assert_eq!(sum.total(), None);
    }

    #[test]
    fn a_sum_of_many_ratios_with_different_denominators_stays_exact() {
        // Σ 1/(100,000 + i) for i in 1..=300 (an org of 300 reps' attainments): the
        // denominator is their lcm, thousands of bits, within MAX_BITS.
        let mut sum = NumSum::default();
        for i in 1..=300i64 {
            let r = Num::ONE
                .checked_div(&Num::int(100_000 + i))
                .unwrap_or_default();
            assert!(sum.add(&r).is_some(), "term {i}");
        }
        let total = sum.total().unwrap_or_default();
        // Between 300/100,300 and 300/100,001.
        assert!(
            total
                > Num::int(300)
                    .checked_div(&Num::int(100_300))
                    .unwrap_or_default()
        );
        assert!(
            total
                < Num::int(300)
                    .checked_div(&Num::int(100_001))
                    .unwrap_or_default()
        );
    }

    #[test]
    fn i128_edges_fall_back_to_big_integers() {
        let huge = Num::Frac(Box::new(Frac::Small(i128::MAX, 3)));
        let sum = huge.checked_add(&huge).unwrap_or_default();
        let (num, den) = sum.fraction();
        assert_eq!(den, BigInt::from(3));
        assert_eq!(num, BigInt::from(i128::MAX) * 2);
        assert_eq!(sum.checked_sub(&huge), Some(huge.clone()));
        assert!(sum > huge);
        let past = Num::from(Decimal::MAX)
            .checked_sub(&Num::ONE.checked_div(&Num::int(3)).unwrap_or_default())
            .and_then(|x| x.checked_add(&Num::ONE))
            .unwrap_or_default();
        // 2^96 − 1/3 rounds to 2^96, which no decimal holds: not in range.
        assert!(!past.in_decimal_range());
        assert_eq!(huge.neg().neg(), huge);
    }

    #[test]
    fn the_range_test_of_a_small_fraction_is_the_big_one() {
        // Against 2|n| < (2^97 − 1)·d in big integers, at and around the bound.
        let big = |n: i128, d: i128| {
            BigInt::from(n).abs() * 2u8
                < ((BigInt::from(1u8) << (DECIMAL_BITS + 1)) - 1u8) * BigInt::from(d)
        };
        for d in [2i128, 3, 7, 1 << 20, (1 << 40) + 1, 1 << 100, i128::MAX] {
            let edge = BigInt::from((1u128 << 97) - 1) * BigInt::from(d) / 2u8;
            let mut ns: Vec<i128> = vec![1, -1, i128::MAX, i128::MIN + 1, 1 << 96, -(1 << 96)];
            if let Ok(e) = i128::try_from(edge) {
                ns.extend([e - 1, e, e.saturating_add(1), -e, -(e - 1)]);
            }
            for n in ns {
                let f = Num::Frac(Box::new(Frac::Small(n, d)));
                assert_eq!(f.in_decimal_range(), big(n, d), "{n}/{d}");
            }
        }
    }

    /// The decimal `approx_small` gives, as its mantissa and scale (a decimal's `==`
    /// ignores the scale, which output shows), beside the big way's.
    fn both_ways(n: i128, d: i128) -> (Option<(i128, u32)>, (i128, u32)) {
        let small = approx_small(n, d).map(|v| (v.mantissa(), v.scale()));
        let big = approx_big(&BigInt::from(n), &BigInt::from(d));
        (small, (big.mantissa(), big.scale()))
    }

    #[test]
    fn fractions_are_shown_to_the_digits_and_ties_the_big_way_gives() {
        // Ties at the last digit (1/2^k, 5/2), thirds, values just under and over the
        // limits of 28 digits and of 2^96, zero, negatives, a denominator past 2^64.
        let limit = 1i128 << 96;
        let cases: Vec<(i128, i128)> = vec![
            (1, 3),
            (2, 3),
            (-1, 3),
            (5, 2),
            (-5, 2),
            (7, 2),
            (1, 1 << 40),
            (-3, 1 << 60),
            (0, 7),
            (1, 7),
            (22, 7),
            (limit - 1, 3),
            (limit / 10 * 9, 7),
            (limit * 3 - 1, 3),
            (
                79_228_162_514_264_337_593_543_950_335,
                10_000_000_000_000_000_001,
            ),
            (125, 1000),
            (1, (1 << 64) - 1),
            (1, 1 << 64),
            (i128::MIN + 1, 3),
            (9, 8),
            (99_999_999_999_999_999_999_999_999_999, 10),
            (15, 1_000_000_000_000_000_000_000),
        ];
        let mut checked = 0;
        for (n, d) in cases {
            let (small, big) = both_ways(n, d);
            if let Some(small) = small {
                assert_eq!(small, big, "{n}/{d}");
                checked += 1;
            }
        }
        assert!(checked >= 18, "only {checked} cases took the small way");
        assert_eq!(approx_small(1, 1 << 64), None);
    }

    proptest! {
        #[test]
        fn fractions_are_shown_as_the_big_way_shows_them(
            n in prop_oneof![
                any::<i128>(),
                any::<i64>().prop_map(i128::from),
                (-1000i128..1000),
            ],
            d in prop_oneof![
                (1i128..1000),
                any::<u64>().prop_map(|d| i128::from(d.max(1))),
                (1i128..1 << 70),
            ],
        ) {
            let (small, big) = both_ways(n, d);
            if let Some(small) = small {
                prop_assert_eq!(small, big);
            }
        }

        #[test]
        fn sums_of_decimals_are_exact(xs in prop::collection::vec((any::<i64>(), 0u32..20), 0..50)) {
            let mut fast = NumSum::default();
            let mut slow = Num::ZERO;
            let mut reference = BigInt::from(0);
            for (m, s) in &xs {
                let d = Decimal::new(*m, *s);
                prop_assert!(fast.add_decimal(d).is_some());
                slow = slow.checked_add(&Num::from(d)).unwrap_or_default();
                reference += BigInt::from(*m) * BigInt::from(10u8).pow(20 - s);
            }
            let total = fast.total().expect("fits");
            prop_assert_eq!(&total, &slow);
            let (n, d) = total.fraction();
            prop_assert_eq!(n * BigInt::from(10u8).pow(20), reference * d);
        }

        /// Side by side sums are the sums one at a time, to the scale of the result (which
        /// output shows): small and huge terms, every scale, a fraction now and then, and
        /// several sums taking terms in turn.
        #[test]
        fn side_by_side_sums_are_each_sum_alone(
            xs in prop::collection::vec(
                (0usize..3, prop_oneof![
                    4 => (-100_000_000i64..100_000_000).prop_map(i128::from),
                    1 => any::<i64>().prop_map(|m| i128::from(m) * 1_000_000_000),
                    1 => Just(i128::from(i64::MAX)),
                    // Around the 56 bits a sum's mantissa keeps in its word.
                    1 => (-200i128..200).prop_map(|k| (1i128 << 55) + k),
                    1 => (-200i128..200).prop_map(|k| k - (1i128 << 55)),
                ], 0u32..29, 0u32..12),
                0..60,
            )
        ) {
            let mut side = Sums::new(3);
            let mut alone: Vec<NumSum> = (0..3).map(|_| NumSum::default()).collect();
            for (i, m, s, every) in xs {
                let term = if every == 0 {
                    Num::int(i64::try_from(m % 1000).unwrap_or(1))
                        .checked_div(&Num::int(7))
                        .unwrap_or_default()
                } else {
                    Num::Dec(Decimal::from_i128_with_scale(m, s))
                };
                prop_assert_eq!(side.add(i, &term).is_some(), alone[i].add(&term).is_some());
            }
            for (i, one) in alone.into_iter().enumerate() {
                let (a, b) = (side.total(i), one.total());
                prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
            }
        }

        #[test]
        fn rounding_is_that_of_the_reduced_quotient(
            n in any::<i64>(),
            d in 1i64..=i64::MAX,
            m in -100_000i64..100_000,
            s in 0u32..8,
            mode in 0usize..5,
        ) {
            // round_to works on the quotient's parts unreduced: the same steps as the
            // reduced quotient's, rounded on big integers.
            prop_assume!(m != 0);
            let mode = [
                RoundingMode::HalfEven,
                RoundingMode::HalfUp,
                RoundingMode::HalfDown,
                RoundingMode::Up,
                RoundingMode::Down,
            ][mode];
            let x = Num::int(n).checked_div(&Num::int(d)).unwrap_or_default();
            let inc = Decimal::new(m, s);
            let want = x
                .checked_div(&Num::Dec(inc))
                .and_then(|q| big_steps(&q, mode))
                .and_then(|q| q.checked_mul(&Num::Dec(inc)));
            prop_assert_eq!(x.round_to(inc, mode), want);
        }

        #[test]
        fn order_agrees_with_cross_multiplication(a in -1000i64..1000, b in 1i64..1000, c in -1000i64..1000, d in 1i64..1000) {
            let x = Num::int(a).checked_div(&Num::int(b)).unwrap_or_default();
            let y = Num::int(c).checked_div(&Num::int(d)).unwrap_or_default();
            prop_assert_eq!(x.cmp(&y), (i128::from(a) * i128::from(d)).cmp(&(i128::from(c) * i128::from(b))));
        }
    }
}
