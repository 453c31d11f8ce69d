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

/// A band's lower edge, upper edge and place, for the tiling checks.
type Tile = (Option<Decimal>, Option<Decimal>, Span);

/// One band under the tiling checks.
struct Tile3 {
    lo: Option<Decimal>,
    hi: Option<Decimal>,
    span: Span,
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

    /// One band edge: its constant, in the unit of the edges before it (`edge_ty`, set by
    /// the first); `percent` is set when the edge is a percent. `Some(None)` is an open
    /// edge; `None` an edge already reported.
    fn band_edge(
        &mut self,
        e: Option<&ast::Expr>,
        edge_ty: &mut Option<Type>,
        percent: &mut bool,
    ) -> Option<Option<Decimal>> {
        let Some(e) = e else { return Some(None) };
        let (v, t) = self.band_constant(e)?;
        *percent |= t == Type::Percent;
        match edge_ty {
            Some(want) if !want.compatible(&t) => {
                self.report(CheckError::BandEdgeUnit {
                    found: t.described(),
                    want: want.described(),
                    span: e.span.into(),
                });
                return None;
            }
            None => *edge_ty = Some(t),
            _ => {}
        }
        Some(Some(v))
    }

    /// Check a `rates` declaration's bands.
    pub(super) fn rate_table(
        &mut self,
        name: &ast::Ident,
        bands: &[ast::Band],
        closed: Option<&ast::Closedness>,
        span: Span,
    ) -> ir::RateTable {
        let upper_closed = self.closedness(closed);
        let mut out: Vec<BandIr> = Vec::new();
        let mut edge_ty: Option<Type> = None;
        let mut value_ty: Option<Type> = None;
        for b in bands {
            let lo = self.band_edge(b.lo.as_ref(), &mut edge_ty, &mut false);
            let hi = self.band_edge(b.hi.as_ref(), &mut edge_ty, &mut false);
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
            let tiles: Vec<Tile> = out.iter().map(|b| (b.lo, b.hi, b.span)).collect();
            self.check_tiling(&tiles, &unit);
        }
        ir::RateTable {
            name: name.name.clone(),
            edge_ty: edge_ty.unwrap_or(Type::Error),
            value_ty: value_ty.unwrap_or(Type::Error),
            bands: out,
            span,
            upper_closed,
            grid: None,
        }
    }

    /// issue 9, tables: whether the bands hold their upper edge (`(lo, hi]`); `[lo, hi)`,
    /// the default, holds the lower one. Both or neither is an error.
    fn closedness(&mut self, closed: Option<&ast::Closedness>) -> bool {
        let Some(c) = closed else { return false };
        if c.lo_closed == c.hi_closed {
            let written = self
                .src
                .text
                .get(c.span.start as usize..c.span.end as usize)
                .unwrap_or("")
                .to_string();
            self.report(CheckError::BandClosedness {
                written,
                span: c.span.into(),
            });
        }
        c.hi_closed && !c.lo_closed
    }

    fn check_tiling(&mut self, bands: &[Tile], unit: &Type) {
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
        for (i, &(b_lo, b_hi, b_span)) in bands.iter().enumerate() {
            let b = Tile3 {
                lo: b_lo,
                hi: b_hi,
                span: b_span,
            };
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
            let (prev_lo, prev_hi, _) = bands[i - 1];
            match (prev_hi, b.lo) {
                (Some(ph), Some(lo)) if lo > ph => {
                    self.report(CheckError::BandGap {
                        above: show(ph),
                        lo: show(lo),
                        span: b.span.into(),
                    });
                }
                (Some(ph), Some(lo)) if lo < ph => {
                    let out_of_order = prev_lo.is_some_and(|pl| lo < pl);
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

// issue 9, tables: two-dimensional tables.
impl Checker<'_> {
    /// Check a `rates` declaration written as a grid: each axis is bands (tiled as a band
    /// list is) or distinct text values; every row has one cell per column; cells are
    /// constants of one unit.
    pub(super) fn rate_grid(
        &mut self,
        name: &ast::Ident,
        grid: &ast::Grid,
        closed: Option<&ast::Closedness>,
        span: Span,
    ) -> ir::RateTable {
        let upper_closed = self.closedness(closed);
        let rows: Vec<&ast::GridKey> = grid.rows.iter().map(|r| &r.key).collect();
        let row_axis = self.axis(&name.name, &rows, "rows", "row");
        let col_refs: Vec<&ast::GridKey> = grid.columns.iter().collect();
        let col_axis = self.axis(&name.name, &col_refs, "columns", "column");
        let mut value_ty: Option<Type> = None;
        let mut cells = Vec::new();
        let mut whole = true;
        for r in &grid.rows {
            if r.cells.len() != grid.columns.len() {
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                self.report(CheckError::GridRagged {
                    table: name.name.clone(),
                    found: r.cells.len(),
                    plural: plural(r.cells.len()),
                    want: grid.columns.len(),
                    want_plural: plural(grid.columns.len()),
                    span: r.span.into(),
                });
                whole = false;
            }
            let mut row = Vec::new();
            for c in &r.cells {
                let Some((v, t)) = self.band_constant(c) else {
                    whole = false;
                    continue;
                };
                match &value_ty {
                    Some(want) if !want.compatible(&t) => {
                        self.report(CheckError::BandValueUnit {
                            found: t.described(),
                            want: want.described(),
                            span: c.span.into(),
                        });
                    }
                    None => value_ty = Some(t),
                    _ => {}
                }
                row.push(ir::Cell {
                    value: v,
                    span: c.span,
                });
            }
            cells.push(row);
        }
        if grid.rows.is_empty() {
            self.report(CheckError::EmptyRates {
                name: name.name.clone(),
                span: name.span.into(),
            });
        }
        let grid = match (row_axis, col_axis) {
            (Some(rows), Some(columns)) if whole => Some(ir::Grid {
                rows,
                columns,
                cells,
            }),
            _ => None,
        };
        ir::RateTable {
            name: name.name.clone(),
            edge_ty: grid.as_ref().map_or(Type::Error, |g| g.rows.ty.clone()),
            value_ty: value_ty.unwrap_or(Type::Error),
            bands: Vec::new(),
            span,
            upper_closed,
            grid: Some(grid.unwrap_or(ir::Grid {
                rows: ir::Axis {
                    ty: Type::Error,
                    keys: Vec::new(),
                },
                columns: ir::Axis {
                    ty: Type::Error,
                    keys: Vec::new(),
                },
                cells: Vec::new(),
            })),
        }
    }

    /// A grid names two measures or none; a table of bands one or none.
    pub(super) fn grid_measures(
        &mut self,
        name: &ast::Ident,
        by: Option<&ast::Ident>,
        by_column: Option<&ast::Ident>,
        grid: bool,
    ) {
        match (by, by_column, grid) {
            (Some(b), None, true) => self.report(CheckError::GridMeasures {
                message: format!("`{}` is a grid: it has two measures, rows and columns", name.name),
                help: format!("write `by {}, COLUMN_MEASURE`, or no `by` at all", b.name),
                label: "one measure".into(),
                span: b.span.into(),
            }),
            (_, Some(c), false) => self.report(CheckError::GridMeasures {
                message: format!("`{}` has bands of one measure but names two", name.name),
                help: "name one measure, or write the table as a grid: a header of column keys each after `|`, then one row per key with a cell per column".into(),
                label: "second measure".into(),
                span: c.span.into(),
            }),
            _ => {}
        }
    }

    /// One axis of a grid: its keys checked, or `None` after an error.
    fn axis(
        &mut self,
        table: &str,
        keys: &[&ast::GridKey],
        axis: &str,
        axis_one: &str,
    ) -> Option<ir::Axis> {
        let first_text = matches!(keys.first(), Some(ast::GridKey::Text { .. }));
        if let Some(k) = keys
            .iter()
            .find(|k| matches!(k, ast::GridKey::Text { .. }) != first_text)
        {
            self.report(CheckError::GridMixedKeys {
                table: table.to_string(),
                axis: axis.to_string(),
                axis_one: axis_one.to_string(),
                span: k.span().into(),
            });
            return None;
        }
        if first_text {
            let mut seen: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
            let mut out = Vec::new();
            let mut ok = true;
            for k in keys {
                if let ast::GridKey::Text { value, span } = k {
                    if let Some(first) = seen.get(value.as_str()) {
                        self.report(CheckError::GridDuplicateKey {
                            table: table.to_string(),
                            key: value.clone(),
                            axis_one: axis_one.to_string(),
                            span: (*span).into(),
                            first: (*first).into(),
                        });
                        ok = false;
                        continue;
                    }
                    seen.insert(value, *span);
                    out.push(ir::AxisKey {
                        lo: None,
                        hi: None,
                        text: Some(self.strings.intern(value)),
                        span: *span,
                    });
                }
            }
            return ok.then_some(ir::Axis {
                ty: Type::Text,
                keys: out,
            });
        }
        let mut edge_ty: Option<Type> = None;
        let mut out = Vec::new();
        let mut ok = true;
        let mut bare = Vec::new();
        let mut percent = false;
        for k in keys {
            let ast::GridKey::Band { lo, hi, span } = k else {
                continue;
            };
            for e in [lo, hi].into_iter().flatten() {
                if let Some(b) = bare_number(e) {
                    bare.push((e.span, b));
                }
            }
            let lo = self.band_edge(lo.as_ref(), &mut edge_ty, &mut percent);
            let hi = self.band_edge(hi.as_ref(), &mut edge_ty, &mut percent);
            match (lo, hi) {
                (Some(lo), Some(hi)) => out.push(ir::AxisKey {
                    lo,
                    hi,
                    text: None,
                    span: *span,
                }),
                _ => ok = false,
            }
        }
        if percent {
            // Bare numbers beside percent edges on one axis: `0 .. 80` meant `0% .. 80%`.
            for (span, v) in bare {
                let written = self
                    .src
                    .text
                    .get(span.start as usize..span.end as usize)
                    .unwrap_or("")
                    .to_string();
                self.report(CheckError::BareBandEdge {
                    help: percent_hint(&written, v),
                    written,
                    table: table.to_string(),
                    why: format!("the other edges of its {axis} are percents"),
                    percent: as_percent(v),
                    span: span.into(),
                });
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let unit = edge_ty.clone().unwrap_or(Type::Number);
        let tiles: Vec<Tile> = out.iter().map(|k| (k.lo, k.hi, k.span)).collect();
        let before = self.diags.len();
        self.check_tiling(&tiles, &unit);
        (self.diags.len() == before).then_some(ir::Axis {
            ty: edge_ty.unwrap_or(Type::Number),
            keys: out,
        })
    }
}

// issue 9, tables: interpolated curves.
impl Checker<'_> {
    /// Check a `curve` declaration: constant points of one unit per column, at least two,
    /// strictly increasing; `below:` and `above:` given and known.
    pub(super) fn curve(
        &mut self,
        name: &ast::Ident,
        below: Option<&ast::CurveEdge>,
        points: &[ast::CurvePoint],
        above: Option<&ast::CurveEdge>,
        span: Span,
    ) -> ir::Curve {
        let rule =
            |c: &mut Self, e: Option<&ast::CurveEdge>, side: &'static str, which: &'static str| {
                let Some(e) = e else {
                    c.report(CheckError::CurveEdgeMissing {
                        name: name.name.clone(),
                        side,
                        which,
                        span: name.span.into(),
                    });
                    return ir::EdgeRule::Error;
                };
                match e.rule.name.as_str() {
                    "zero" => ir::EdgeRule::Zero,
                    "hold" => ir::EdgeRule::Hold,
                    "extrapolate" => ir::EdgeRule::Extrapolate,
                    "error" => ir::EdgeRule::Error,
                    other => {
                        c.report(CheckError::CurveEdgeRule {
                            written: other.to_string(),
                            span: e.rule.span.into(),
                        });
                        ir::EdgeRule::Error
                    }
                }
            };
        let below = rule(self, below, "below", "first");
        let above = rule(self, above, "above", "last");
        let mut x_ty: Option<Type> = None;
        let mut y_ty: Option<Type> = None;
        let mut out: Vec<ir::CurvePoint> = Vec::new();
        let mut whole = true;
        for p in points {
            let x = self.band_constant(&p.x);
            let y = self.band_constant(&p.y);
            for (v, slot, value) in [(&x, &mut x_ty, false), (&y, &mut y_ty, true)] {
                let Some((_, t)) = v else { continue };
                match slot {
                    Some(want) if !want.compatible(t) => {
                        let (found, want) = (t.described(), want.described());
                        self.report(if value {
                            CheckError::BandValueUnit {
                                found,
                                want,
                                span: p.y.span.into(),
                            }
                        } else {
                            CheckError::BandEdgeUnit {
                                found,
                                want,
                                span: p.x.span.into(),
                            }
                        });
                        whole = false;
                    }
                    None => *slot = Some(t.clone()),
                    _ => {}
                }
            }
            match (x, y) {
                (Some((x, _)), Some((y, _))) => out.push(ir::CurvePoint { x, y, span: p.span }),
                _ => whole = false,
            }
        }
        if points.len() < 2 {
            self.report(CheckError::CurveTooFewPoints {
                name: name.name.clone(),
                found: points.len(),
                plural: if points.len() == 1 { "" } else { "s" },
                span: name.span.into(),
            });
        }
        if whole {
            for w in out.windows(2) {
                if w[1].x <= w[0].x {
                    let show = |d: Decimal| match &x_ty {
                        Some(Type::Percent) => match d.checked_mul(Decimal::ONE_HUNDRED) {
                            Some(p) => format!("{}%", p.normalize()),
                            None => d.normalize().to_string(),
                        },
                        _ => d.normalize().to_string(),
                    };
                    self.report(CheckError::CurveOrder {
                        name: name.name.clone(),
                        x: show(w[1].x),
                        prev: show(w[0].x),
                        span: w[1].span.into(),
                    });
                }
            }
        }
        ir::Curve {
            name: name.name.clone(),
            x_ty: x_ty.unwrap_or(Type::Error),
            // Between two whole numbers lies a fraction: interpolated integers are numbers.
            y_ty: match y_ty {
                Some(Type::Integer) => Type::Number,
                Some(t) => t,
                None => Type::Error,
            },
            points: out,
            below,
            above,
            span,
        }
    }
}
