//! Rate tables: band edges and values are constants; bands are ordered, gap-free, non-overlapping.

use super::{CheckError, Checker};
use crate::ir::{self, BandIr};
use crate::syntax::ast::{self, ExprKind, Literal};
use crate::syntax::Span;
use crate::types::Type;
use rust_decimal::Decimal;

/// A bare number literal other than 0 and 1 (possibly negative): where a percent is meant,
/// it is almost always a `%` left out.
pub(super) fn bare_number(e: &ast::Expr) -> Option<Decimal> {
    let v = match &e.kind {
        ExprKind::Lit(Literal::Number(n)) => *n,
        ExprKind::Neg(inner) => match &inner.kind {
            ExprKind::Lit(Literal::Number(n)) => -*n,
            _ => return None,
        },
        _ => return None,
    };
    (!(v.is_zero() || v == Decimal::ONE)).then_some(v)
}

/// ` (3000%)`: a fraction shown as a percent, or nothing when ×100 does not fit.
pub(super) fn as_percent(v: Decimal) -> String {
    v.checked_mul(Decimal::ONE_HUNDRED)
        .map(|p| format!(" ({}%)", p.normalize()))
        .unwrap_or_default()
}

/// The hint for a bare number where a percent is meant: "did you mean 30%?".
pub(super) fn percent_hint(written: &str, v: Decimal) -> String {
    let mut help = format!("did you mean {written}%?");
    if let Some(p) = v.checked_mul(Decimal::ONE_HUNDRED) {
        help.push_str(&format!(
            " To mean the fraction {written}, write it as the percent {}%",
            p.normalize()
        ));
    }
    help
}

/// The bare-number edges of a table's bands (see [`bare_number`]).
pub(super) fn bare_edges(bands: &[ast::Band]) -> Vec<(Span, Decimal)> {
    bands
        .iter()
        .flat_map(|b| [&b.lo, &b.hi])
        .flatten()
        .filter_map(|e| bare_number(e).map(|v| (e.span, v)))
        .collect()
}

/// Whether any edge of the bands is written as a percent.
pub(super) fn has_percent_edge(bands: &[ast::Band]) -> bool {
    bands.iter().flat_map(|b| [&b.lo, &b.hi]).flatten().any(|e| {
        matches!(&e.kind, ExprKind::Lit(Literal::Percent(_)))
            || matches!(&e.kind, ExprKind::Neg(i) if matches!(i.kind, ExprKind::Lit(Literal::Percent(_))))
    })
}

impl Checker<'_> {
    /// Bare-number edges of a table whose bands measure a percent (`why` says how that is
    /// known) are errors: `0 .. 50 : 3%` by attainment reads 50 as 5000%. Reported once
    /// per table.
    pub(super) fn bare_edges_for_percent(&mut self, table: ir::RatesId, why: &str) {
        if !self.bare_reported.insert(table) {
            return;
        }
        let name = self.rates[table].name.clone();
        for (span, v) in self.bare_edges[table.index()].clone() {
            let written = self
                .src
                .text
                .get(span.start as usize..span.end as usize)
                .unwrap_or("")
                .to_string();
            self.report(CheckError::BareBandEdge {
                help: percent_hint(&written, v),
                written,
                table: name.clone(),
                why: why.to_string(),
                percent: as_percent(v),
                span: span.into(),
            });
        }
    }

    /// A constant band edge or value: its number and unit.
    fn band_constant(&mut self, e: &ast::Expr) -> Option<(Decimal, Type)> {
        match &e.kind {
            ExprKind::Neg(inner) => self.band_constant(inner).map(|(v, t)| (-v, t)),
            // issue 9: a param's value (`150% .. : top_rate`)
            ExprKind::Name(n) => self.band_param(n),
            ExprKind::Lit(lit) => match lit {
                Literal::Number(v)
                | Literal::Percent(v)
                | Literal::Money(v, _)
                | Literal::Days(v) => Some((*v, lit.ty())),
                _ => {
                    self.report(CheckError::BandNotNumber {
                        span: e.span.into(),
                    });
                    None
                }
            },
            _ => {
                self.report(CheckError::BandNotConstant {
                    span: e.span.into(),
                });
                None
            }
        }
    }

    /// Check a `rates` declaration's bands.
    pub(super) fn rate_table(
        &mut self,
        name: &ast::Ident,
        bands: &[ast::Band],
        span: Span,
    ) -> ir::RateTable {
        let mut out: Vec<BandIr> = Vec::new();
        let mut edge_ty: Option<Type> = None;
        let mut value_ty: Option<Type> = None;
        for b in bands {
            let mut edge = |c: &mut Self, e: &Option<ast::Expr>| -> Option<Option<Decimal>> {
                let Some(e) = e else { return Some(None) };
                let (v, t) = c.band_constant(e)?;
                match &edge_ty {
                    Some(want) if !want.compatible(&t) => {
                        c.report(CheckError::BandEdgeUnit {
                            found: t.described(),
                            want: want.described(),
                            span: e.span.into(),
                        });
                        return None;
                    }
                    None => edge_ty = Some(t),
                    _ => {}
                }
                Some(Some(v))
            };
            let lo = edge(self, &b.lo);
            let hi = edge(self, &b.hi);
            let value = self.band_constant(&b.value);
            if let Some((_, t)) = &value {
                match &value_ty {
                    Some(want) if !want.compatible(t) => {
                        self.report(CheckError::BandValueUnit {
                            found: t.described(),
                            want: want.described(),
                            span: b.value.span.into(),
                        });
                    }
                    None => value_ty = Some(t.clone()),
                    _ => {}
                }
            }
            if let (Some(lo), Some(hi), Some((value, _))) = (lo, hi, value) {
                out.push(BandIr {
                    lo,
                    hi,
                    value,
                    span: b.span,
                });
            }
        }
        if bands.is_empty() {
            self.report(CheckError::EmptyRates {
                name: name.name.clone(),
                span: name.span.into(),
            });
        }
        if out.len() == bands.len() {
            let unit = edge_ty.clone().unwrap_or(Type::Number);
            self.check_tiling(&out, &unit);
        }
        ir::RateTable {
            name: name.name.clone(),
            edge_ty: edge_ty.unwrap_or(Type::Error),
            value_ty: value_ty.unwrap_or(Type::Error),
            bands: out,
            span,
        }
    }

    fn check_tiling(&mut self, bands: &[BandIr], unit: &Type) {
        let show = |x: Decimal| -> String {
            match unit {
                // An edge too large to show as a percent is shown as the fraction it is.
                Type::Percent => match x.checked_mul(Decimal::ONE_HUNDRED) {
                    Some(p) => format!("{}%", p.normalize()),
                    None => x.normalize().to_string(),
                },
                Type::Money(c) => format!("{} {c}", x.normalize()),
                _ => x.normalize().to_string(),
            }
        };
        let last = bands.len().saturating_sub(1);
        for (i, b) in bands.iter().enumerate() {
            if let (Some(lo), Some(hi)) = (b.lo, b.hi) {
                if lo >= hi {
                    self.report(CheckError::EmptyBand {
                        lo: show(lo),
                        hi: show(hi),
                        span: b.span.into(),
                    });
                    continue;
                }
            }
            if b.lo.is_none() && i != 0 {
                self.report(CheckError::OpenBelow {
                    span: b.span.into(),
                });
            }
            if b.hi.is_none() && i != last {
                self.report(CheckError::OpenAbove {
                    span: b.span.into(),
                });
            }
            if i == 0 {
                continue;
            }
            let prev = &bands[i - 1];
            match (prev.hi, b.lo) {
                (Some(ph), Some(lo)) if lo > ph => {
                    self.report(CheckError::BandGap {
                        above: show(ph),
                        lo: show(lo),
                        span: b.span.into(),
                    });
                }
                (Some(ph), Some(lo)) if lo < ph => {
                    let out_of_order = prev.lo.is_some_and(|pl| lo < pl);
                    let (above, lo) = (show(ph), show(lo));
                    let span = b.span.into();
                    self.report(if out_of_order {
                        CheckError::BandsOutOfOrder { lo, span }
                    } else {
                        CheckError::BandOverlap { lo, above, span }
                    });
                }
                _ => {}
            }
        }
    }
}
