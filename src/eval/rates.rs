//! Applying rate tables: marginal (slices), flat and lookup (the band a value falls in).

use crate::ir::{Curve, EdgeRule, RateTable};
use crate::num::{Num, NumSum};

/// One band's share of a marginal computation.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// Band index.
    pub band: usize,
    /// Lower edge in the base's unit.
    pub from: Num,
    /// Upper edge in the base's unit (`None`: open).
    pub to: Option<Num>,
    /// The part of the base in this band.
    pub amount: Num,
    /// The band's rate.
    pub rate: Num,
    /// amount × rate.
    pub paid: Num,
}

/// Why a marginal computation has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarginalError {
    /// The result does not fit.
    Overflow,
    /// The base is above the last band's upper edge.
    AboveTable(Num),
}

/// Pay each slice of `base` at its band's rate; band `[lo, hi)` covers `lo*scale .. hi*scale`.
/// Returns the total and the slices that are non-empty. `scale` must not be negative.
/// Exact: edges times a fractional scale (a prorated quota) stay fractions.
pub fn marginal(
    table: &RateTable,
    base: &Num,
    scale: &Num,
) -> Result<(Num, Vec<Slice>), MarginalError> {
    let top = match table.bands.last().and_then(|b| b.hi) {
        Some(hi) => Some(
            Num::from(hi)
                .checked_mul(scale)
                .ok_or(MarginalError::Overflow)?,
        ),
        None => None,
    };
    if let Some(top) = top {
        if *base > top {
            return Err(MarginalError::AboveTable(top));
        }
    }
    slices(table, base, scale).ok_or(MarginalError::Overflow)
}

fn slices(table: &RateTable, base: &Num, scale: &Num) -> Option<(Num, Vec<Slice>)> {
    let mut total = NumSum::default();
    let mut slices = Vec::new();
    for (i, b) in table.bands.iter().enumerate() {
        let from = match b.lo {
            Some(lo) => Num::from(lo).checked_mul(scale)?,
            None => Num::ZERO,
        };
        let to = match b.hi {
            Some(hi) => Some(Num::from(hi).checked_mul(scale)?),
            None => None,
        };
        let top = match &to {
            Some(t) if t < base => t,
            _ => base,
        };
        let amount = top.checked_sub(&from)?;
        if amount.signum() <= 0 {
            continue;
        }
        let rate = Num::from(b.value);
        let paid = amount.checked_mul(&rate)?;
        total.add(&paid)?;
        slices.push(Slice {
            band: i,
            from,
            to,
            amount,
            rate,
            paid,
        });
    }
    Some((total.total()?, slices))
}

/// issue 9, tables: where on a curve a value fell.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveAt {
    /// The segment used (points `segment` and `segment + 1`): between two points, or an
    /// extrapolated end segment.
    pub segment: Option<usize>,
    /// How far along that segment, `(x − x₀) / (x₁ − x₀)` (below 0 or above 1 when
    /// extrapolated).
    pub fraction: Option<Num>,
    /// `below` or `above`, with its rule, when the value is outside the points.
    pub edge: Option<(&'static str, EdgeRule)>,
}

/// Why a curve has no value at a point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurveError {
    /// The result does not fit.
    Overflow,
    /// Outside the points, with the rule `error` on that side (`below` or `above`).
    Outside(&'static str),
}

/// The curve's value at `x`: linear between neighbouring points, exact (a fraction that
/// does not end stays one); outside them as `below`/`above` say.
pub fn interpolate(c: &Curve, x: &Num) -> Result<(Num, CurveAt), CurveError> {
    let n = c.points.len();
    let (Some(first), Some(last)) = (c.points.first(), c.points.last()) else {
        return Err(CurveError::Overflow);
    };
    let along = |i: usize| -> Option<(Num, Num)> {
        let (a, b) = (c.points.get(i)?, c.points.get(i + 1)?);
        let (x0, x1) = (Num::from(a.x), Num::from(b.x));
        let (y0, y1) = (Num::from(a.y), Num::from(b.y));
        let f = x.checked_sub(&x0)?.checked_div(&x1.checked_sub(&x0)?)?;
        let y = y0.checked_add(&f.checked_mul(&y1.checked_sub(&y0)?)?)?;
        Some((y, f))
    };
    let outside = |side: &'static str, rule: EdgeRule, near: &crate::ir::CurvePoint, seg: usize| {
        let at = |segment, fraction| CurveAt {
            segment,
            fraction,
            edge: Some((side, rule)),
        };
        match rule {
            EdgeRule::Zero => Ok((Num::ZERO, at(None, None))),
            EdgeRule::Hold => Ok((Num::from(near.y), at(None, None))),
            EdgeRule::Extrapolate => {
                let (y, f) = along(seg).ok_or(CurveError::Overflow)?;
                Ok((y, at(Some(seg), Some(f))))
            }
            EdgeRule::Error => Err(CurveError::Outside(side)),
        }
    };
    if *x < Num::from(first.x) {
        return outside("below", c.below, first, 0);
    }
    if *x > Num::from(last.x) {
        return outside("above", c.above, last, n.saturating_sub(2));
    }
    // The segment [xᵢ, xᵢ₊₁) holding x; the last one holds its end too.
    let seg = (0..n.saturating_sub(1))
        .find(|&i| {
            c.points
                .get(i + 1)
                .is_some_and(|b| *x < Num::from(b.x) || i + 2 == n)
        })
        .unwrap_or(0);
    let (y, f) = along(seg).ok_or(CurveError::Overflow)?;
    Ok((
        y,
        CurveAt {
            segment: Some(seg),
            fraction: Some(f),
            edge: None,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::BandIr;
    use crate::syntax::Span;
    use crate::types::Type;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

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
            upper_closed: false,
            grid: None,
        }
    }

    #[test]
    fn brief_example() {
        // quota 100,000; bookings 130,000: 50,000×2% + 50,000×8% + 30,000×12% = 1,000 + 4,000 + 3,600 = 8,600
        let (total, slices) =
            marginal(&commission(), &Num::int(130_000), &Num::int(100_000)).expect("no overflow");
        assert_eq!(total, Num::int(8_600));
        assert_eq!(slices.len(), 3);
        assert_eq!(slices[2].amount, Num::int(30_000));
    }

    #[test]
    fn flat_and_lookup_bands_are_half_open() {
        let t = commission();
        assert_eq!(t.band_of(&Num::from(pct(50))), Some(1));
        assert_eq!(t.band_of(&Num::from(pct(49))), Some(0));
        assert_eq!(t.band_of(&Num::from(pct(1000))), Some(3));
        assert_eq!(t.band_of(&Num::from(pct(-1))), None);
    }

    #[test]
    fn upper_closed_bands_hold_their_upper_edge() {
        let t = RateTable {
            upper_closed: true,
            ..commission()
        };
        assert_eq!(t.band_of(&Num::from(pct(50))), Some(0));
        assert_eq!(t.band_of(&Num::from(pct(51))), Some(1));
        assert_eq!(t.band_of(&Num::from(pct(150))), Some(2));
        assert_eq!(t.band_of(&Num::from(pct(0))), None);
    }

    #[test]
    fn marginal_is_the_same_whatever_the_closedness() {
        let closed = RateTable {
            upper_closed: true,
            ..commission()
        };
        for base in [0, 50_000, 99_999, 100_000, 130_000, 150_000, 400_000] {
            let q = Num::int(100_000);
            let a = marginal(&commission(), &Num::int(base), &q).expect("fits");
            let b = marginal(&closed, &Num::int(base), &q).expect("fits");
            assert_eq!(a, b);
        }
    }

    fn curve(below: EdgeRule, above: EdgeRule, points: &[(i64, i64)]) -> Curve {
        Curve {
            name: "c".into(),
            x_ty: Type::Percent,
            y_ty: Type::Percent,
            points: points
                .iter()
                .map(|&(x, y)| crate::ir::CurvePoint {
                    x: pct(x),
                    y: pct(y),
                    span: Span::default(),
                })
                .collect(),
            below,
            above,
            span: Span::default(),
        }
    }

    #[test]
    fn interpolation_is_exact_and_follows_the_edge_rules() {
        let c = curve(
            EdgeRule::Zero,
            EdgeRule::Hold,
            &[(50, 0), (100, 100), (150, 200)],
        );
        let at = |x: i64| interpolate(&c, &Num::from(pct(x))).map(|(y, _)| y);
        // a third of the way from 50% to 100%: exactly 1/3
        let third = Num::from(pct(50))
            .checked_add(&Num::from(pct(50)).checked_div(&Num::int(3)).expect("fits"))
            .expect("fits");
        let (y, at_third) = interpolate(&c, &third).expect("fits");
        assert_eq!(y.checked_mul(&Num::int(3)), Some(Num::ONE));
        assert_eq!(at_third.segment, Some(0));
        assert_eq!(at(100), Ok(Num::ONE));
        assert_eq!(at(130), Ok(Num::from(pct(160))));
        assert_eq!(at(10), Ok(Num::ZERO));
        assert_eq!(at(400), Ok(Num::from(pct(200))));
        let e = curve(
            EdgeRule::Extrapolate,
            EdgeRule::Error,
            &[(50, 10), (110, 30)],
        );
        let (y, _) = interpolate(&e, &Num::from(pct(20))).expect("fits");
        assert_eq!(y, Num::ZERO);
        assert_eq!(
            interpolate(&e, &Num::from(pct(111))),
            Err(CurveError::Outside("above"))
        );
    }

    #[test]
    fn interpolation_of_extreme_points_does_not_panic() {
        // Exact arithmetic past a decimal's range goes on in big fractions (a definition's
        // value must fit a decimal: that is checked when it is settled, as for every value).
        let huge = Curve {
            points: vec![
                crate::ir::CurvePoint {
                    x: Decimal::ZERO,
                    y: Decimal::MIN,
                    span: Span::default(),
                },
                crate::ir::CurvePoint {
                    x: Decimal::new(1, 28),
                    y: Decimal::MAX,
                    span: Span::default(),
                },
            ],
            ..curve(EdgeRule::Extrapolate, EdgeRule::Extrapolate, &[])
        };
        let (y, _) = interpolate(&huge, &Num::from(Decimal::MAX)).expect("exact");
        assert!(y > Num::from(Decimal::MAX));
    }

    proptest! {
        // Continuous and monotone: one more cent of base never pays less, and never jumps by
        // more than a cent at the highest rate.
        #[test]
        fn marginal_is_continuous_and_monotone(base in 0i64..50_000_000, quota in 0i64..20_000_000) {
            let t = commission();
            let scale = Num::from(Decimal::new(quota, 2));
            let b = Decimal::new(base, 2);
            let cent = Decimal::new(1, 2);
            let (a, _) = marginal(&t, &Num::from(b), &scale).expect("fits");
            let (c, _) = marginal(&t, &Num::from(b + cent), &scale).expect("fits");
            prop_assert!(c >= a);
            let step = c.checked_sub(&a).expect("fits");
            prop_assert!(step <= Num::from(cent * pct(15)));
        }

        #[test]
        fn slices_add_up(base in 0i64..50_000_000, quota in 1i64..20_000_000) {
            let (total, slices) = marginal(&commission(), &Num::from(Decimal::new(base, 2)), &Num::from(Decimal::new(quota, 2))).expect("fits");
            let mut sum = NumSum::default();
            let mut covered = NumSum::default();
            for s in &slices {
                sum.add(&s.paid).expect("fits");
                covered.add(&s.amount).expect("fits");
            }
            prop_assert_eq!(sum.total(), Some(total));
            prop_assert_eq!(covered.total(), Some(Num::from(Decimal::new(base, 2))));
        }
    }
}
