//! Rounding to an increment with an explicit rule.

use crate::syntax::ast::RoundingMode;
use rust_decimal::{Decimal, RoundingStrategy};

/// Round `x` to a multiple of `increment` (which must be non-zero).
pub fn round(x: Decimal, increment: Decimal, mode: RoundingMode) -> Decimal {
    if increment.is_zero() {
        return x;
    }
    let strategy = match mode {
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
        RoundingMode::Up => RoundingStrategy::AwayFromZero,
        RoundingMode::Down => RoundingStrategy::ToZero,
    };
    let steps = (x / increment).round_dp_with_strategy(0, strategy);
    let mut r = steps * increment;
    // Keep the increment's number of decimals (0.01 → two places, 0 as 0.00) for stable printing.
    r.rescale(increment.scale());
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn modes() {
        let c = d("0.01");
        assert_eq!(round(d("2.345"), c, RoundingMode::HalfEven), d("2.34"));
        assert_eq!(round(d("2.355"), c, RoundingMode::HalfEven), d("2.36"));
        assert_eq!(round(d("2.345"), c, RoundingMode::HalfUp), d("2.35"));
        assert_eq!(round(d("-2.345"), c, RoundingMode::HalfUp), d("-2.35"));
        assert_eq!(round(d("2.345"), c, RoundingMode::HalfDown), d("2.34"));
        assert_eq!(round(d("2.341"), c, RoundingMode::Up), d("2.35"));
        assert_eq!(round(d("2.349"), c, RoundingMode::Down), d("2.34"));
        assert_eq!(round(d("12.5"), d("5"), RoundingMode::HalfEven), d("10"));
        assert_eq!(round(d("1.02"), d("0.05"), RoundingMode::HalfUp), d("1.00"));
    }

    proptest! {
        #[test]
        fn never_moves_more_than_half_an_increment(cents in -10_000_000i64..10_000_000, extra in 0u32..4) {
            let x = Decimal::new(cents, 2 + extra);
            let inc = d("0.01");
            for mode in [RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown] {
                let r = round(x, inc, mode);
                prop_assert!((r - x).abs() <= d("0.005"));
            }
            for mode in [RoundingMode::Up, RoundingMode::Down] {
                prop_assert!((round(x, inc, mode) - x).abs() < inc);
            }
        }
    }
}
