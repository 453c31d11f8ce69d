//! Applying rate tables: marginal (slices), flat and lookup (the band a value falls in).

use crate::ir::RateTable;
use rust_decimal::Decimal;

/// One band's share of a marginal computation.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// Band index.
    pub band: usize,
    /// Lower edge in the base's unit.
    pub from: Decimal,
    /// Upper edge in the base's unit (`None`: open).
    pub to: Option<Decimal>,
    /// The part of the base in this band.
    pub amount: Decimal,
    /// The band's rate.
    pub rate: Decimal,
    /// amount × rate.
    pub paid: Decimal,
}

/// Why a marginal computation has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarginalError {
    /// The result does not fit.
    Overflow,
    /// The base is above the last band's upper edge.
    AboveTable(Decimal),
}

/// Pay each slice of `base` at its band's rate; band `[lo, hi)` covers `lo*scale .. hi*scale`.
/// Returns the total and the slices that are non-empty. `scale` must not be negative.
pub fn marginal(
    table: &RateTable,
    base: Decimal,
    scale: Decimal,
) -> Result<(Decimal, Vec<Slice>), MarginalError> {
    let top = match table.bands.last().and_then(|b| b.hi) {
        Some(hi) => Some(hi.checked_mul(scale).ok_or(MarginalError::Overflow)?),
        None => None,
    };
    if let Some(top) = top {
        if base > top {
            return Err(MarginalError::AboveTable(top));
        }
    }
    slices(table, base, scale).ok_or(MarginalError::Overflow)
}

fn slices(table: &RateTable, base: Decimal, scale: Decimal) -> Option<(Decimal, Vec<Slice>)> {
    let mut total = Decimal::ZERO;
    let mut slices = Vec::new();
    for (i, b) in table.bands.iter().enumerate() {
        let from =
            b.lo.map_or(Some(Decimal::ZERO), |lo| lo.checked_mul(scale))?;
        let to = match b.hi {
            Some(hi) => Some(hi.checked_mul(scale)?),
            None => None,
        };
        let top = to.map_or(base, |t| t.min(base));
        let amount = top - from;
        if amount <= Decimal::ZERO {
            continue;
        }
        let paid = amount.checked_mul(b.value)?;
        total = total.checked_add(paid)?;
        slices.push(Slice {
            band: i,
            from,
            to,
            amount,
            rate: b.value,
            paid,
        });
    }
    Some((total, slices))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::BandIr;
    use crate::syntax::Span;
    use crate::types::Type;
    use proptest::prelude::*;

    fn pct(n: i64) -> Decimal {
        Decimal::new(n, 2)
    }

    fn commission() -> RateTable {
        let band = |lo: Option<i64>, hi: Option<i64>, v: i64| BandIr {
            lo: lo.map(pct),
            hi: hi.map(pct),
            value: pct(v),
            span: Span::default(),
        };
        RateTable {
            name: "commission_rate".into(),
            edge_ty: Type::Percent,
            value_ty: Type::Percent,
            bands: vec![
                band(Some(0), Some(50), 2),
                band(Some(50), Some(100), 8),
                band(Some(100), Some(150), 12),
                band(Some(150), None, 15),
            ],
            span: Span::default(),
        }
    }

    #[test]
    fn brief_example() {
        // quota 100,000; bookings 130,000: 50,000×2% + 50,000×8% + 30,000×12% = 1,000 + 4,000 + 3,600 = 8,600
        let (total, slices) = marginal(
            &commission(),
            Decimal::from(130_000),
            Decimal::from(100_000),
        )
        .expect("no overflow");
        assert_eq!(total, Decimal::from(8_600));
        assert_eq!(slices.len(), 3);
        assert_eq!(slices[2].amount, Decimal::from(30_000));
    }

    #[test]
    fn flat_and_lookup_bands_are_half_open() {
        let t = commission();
        assert_eq!(t.band_of(pct(50)), Some(1));
        assert_eq!(t.band_of(pct(49)), Some(0));
        assert_eq!(t.band_of(pct(1000)), Some(3));
        assert_eq!(t.band_of(pct(-1)), None);
    }

    proptest! {
        // Continuous and monotone: one more cent of base never pays less, and never jumps by
        // more than a cent at the highest rate.
        #[test]
        fn marginal_is_continuous_and_monotone(base in 0i64..50_000_000, quota in 0i64..20_000_000) {
            let t = commission();
            let scale = Decimal::new(quota, 2);
            let b = Decimal::new(base, 2);
            let cent = Decimal::new(1, 2);
            let (a, _) = marginal(&t, b, scale).expect("fits");
            let (c, _) = marginal(&t, b + cent, scale).expect("fits");
            prop_assert!(c >= a);
            prop_assert!(c - a <= cent * pct(15));
        }

        #[test]
        fn slices_add_up(base in 0i64..50_000_000, quota in 1i64..20_000_000) {
            let (total, slices) = marginal(&commission(), Decimal::new(base, 2), Decimal::new(quota, 2)).expect("fits");
            let sum: Decimal = slices.iter().map(|s| s.paid).sum();
            prop_assert_eq!(sum, total);
            let covered: Decimal = slices.iter().map(|s| s.amount).sum();
            prop_assert_eq!(covered, Decimal::new(base, 2));
        }
    }
}
