//! issue 9, tables: rate tables beyond one dimension — closedness, two-dimensional grids,
//! interpolated curves. Each new diagnostic with its code, message, hint and the text it
//! underlines; the explanation of a closed-above band.

use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use ignition::diagnostics::{render_plain, Diag};

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// Checking `src` reports `expected` (the first diagnostic with its code).
fn expect(src: &str, expected: ExpectedDiag) {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
}

/// Checking `src` reports no error.
fn clean(src: &str) {
    let errors: Vec<Diag> = diags(src)
        .into_iter()
        .filter(|d| d.severity == ignition::diagnostics::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{}", render_plain(&errors, 100));
}

#[test]
fn closedness_both_ways_is_accepted() {
    clean(&plan_with(
        "  rates up by attainment (lo, hi] {\n    .. 50% : 1\n    50% .. : 2\n  }\n  kpi u = flat(up, attainment)\n  rates down [lo, hi) {\n    .. 50% : 1\n    50% .. : 2\n  }\n  kpi d = flat(down, attainment)\n",
    ));
}

#[test]
fn closed_on_both_sides_is_an_error() {
    expect(
        &plan_with("  rates both by attainment [lo, hi] {\n    0% .. 50% : 1\n  }\n  kpi b = flat(both, attainment)\n"),
        ExpectedDiag::error(
            "ignition::check::band_closedness",
            "bands are closed on exactly one side: `[lo, hi]` is neither `[lo, hi)` nor `(lo, hi]`",
        )
        .help("write `[lo, hi)` (the default: a value on an edge goes to the band above) or `(lo, hi]` (up to and including the upper edge)")
        .label("closed on both sides or on neither")
        .underlined("[lo, hi]"),
    );
    expect(
        &plan_with("  rates neither (lo,hi) {\n    0% .. 50% : 1\n  }\n  kpi b = flat(neither, attainment)\n"),
        ExpectedDiag::error(
            "ignition::check::band_closedness",
            "bands are closed on exactly one side: `(lo,hi)` is neither `[lo, hi)` nor `(lo, hi]`",
        )
        .help("write `[lo, hi)` (the default: a value on an edge goes to the band above) or `(lo, hi]` (up to and including the upper edge)")
        .label("closed on both sides or on neither")
        .underlined("(lo,hi)"),
    );
}

/// A grid by attainment (rows) and bookings (columns), with `extra` after it.
fn grid_plan(grid: &str, extra: &str) -> String {
    plan_with(&format!("{grid}\n{extra}\n"))
}

const MATRIX: &str = "  rates m by attainment, bookings {
               | .. 10000 EUR | 10000 EUR ..
    0% .. 80%  |      0 EUR   |  100 EUR
    80% ..     |    200 EUR   |  300 EUR
  }";

#[test]
fn a_grid_is_accepted_and_looked_up_with_two_values() {
    clean(&grid_plan(MATRIX, "  payout mb = lookup(m, attainment, bookings)\n  payout mf = flat(m, attainment, column: bookings)"));
}

#[test]
fn a_grid_with_one_measure_is_an_error() {
    let src = grid_plan(
        &MATRIX.replace("by attainment, bookings", "by attainment"),
        "  payout mb = lookup(m, attainment, bookings)",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::grid_measures",
            "`m` is a grid: it has two measures, rows and columns",
        )
        .help("write `by attainment, COLUMN_MEASURE`, or no `by` at all")
        .label("one measure")
        .underlined("attainment"),
    );
}

#[test]
fn bands_with_two_measures_are_an_error() {
    let src = plan_with("  rates two by attainment, bookings {\n    0% .. : 1\n  }\n  kpi t = flat(two, attainment)\n");
    expect(
        &src,
        ExpectedDiag::error("ignition::check::grid_measures", "`two` has bands of one measure but names two")
            .help("name one measure, or write the table as a grid: a header of column keys each after `|`, then one row per key with a cell per column")
            .label("second measure")
            .underlined("bookings"),
    );
}

#[test]
fn an_axis_mixing_bands_and_text_is_an_error() {
    let src = grid_plan(
        &MATRIX.replace("80% ..     |", "\"top\"      |"),
        "  payout mb = lookup(m, attainment, bookings)",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::grid_key",
            "the rows of `m` mix bands and text values",
        )
        .help("write every row key as a band `LO .. HI`, or every one as a text value `\"…\"`")
        .label("not like the first key")
        .underlined("\"top\""),
    );
}

#[test]
fn a_text_key_listed_twice_is_an_error() {
    let src = plan_with("  rates by_id {\n         | .. 50% | 50% ..\n    \"a\"  | 1 | 2\n    \"b\"  | 3 | 4\n    \"a\"  | 5 | 6\n  }\n  kpi k = lookup(by_id, rep_id, attainment)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::grid_key",
            "row `a` of `by_id` is listed twice",
        )
        .help("list each row once: a value must pick one row")
        .label("listed again")
        .label("first here")
        .underlined("\"a\""),
    );
}

#[test]
fn a_ragged_row_is_an_error() {
    let src = grid_plan(
        &MATRIX.replace("|  300 EUR", ""),
        "  payout mb = lookup(m, attainment, bookings)",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::grid_shape",
            "this row of `m` has 1 cell but the header has 2 columns",
        )
        .help("give every row one cell per column of the header, `|` before each")
        .label("1 cell")
        .underlined("80% ..     |    200 EUR"),
    );
}

#[test]
fn a_gap_between_the_columns_of_a_grid_is_a_band_gap() {
    let src = grid_plan(
        &MATRIX.replace("| 10000 EUR ..", "| 20000 EUR .."),
        "  payout mb = lookup(m, attainment, bookings)",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::band_gap",
            "gap between bands: nothing covers 10000 EUR .. 20000 EUR",
        )
        .help("start this band at 10000 EUR, or add a band 10000 EUR .. 20000 EUR")
        .label("starts at 20000 EUR, the band above ends at 10000 EUR")
        .underlined("20000 EUR .."),
    );
}

#[test]
fn a_grid_looked_up_with_one_value_is_an_error() {
    let src = grid_plan(MATRIX, "  payout mb = lookup(m, attainment)");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::grid_arguments",
            "`m` has two measures: give a value for each",
        )
        .help("write `lookup(m, ROW_VALUE, COLUMN_VALUE)`")
        .label("one value")
        .underlined("lookup(m, attainment)"),
    );
}

#[test]
fn a_table_of_bands_looked_up_with_two_values_is_an_error() {
    let src = plan_with("  kpi k = flat(commission_rate, attainment, attainment)\n");
    expect(
        &src,
        ExpectedDiag::error("ignition::check::grid_arguments", "`commission_rate` has one measure but is given two values")
            .help("write `flat(commission_rate, VALUE)`, or make `commission_rate` a grid of two measures")
            .label("one value too many")
            .underlined("attainment"),
    );
}

#[test]
fn marginal_on_a_grid_is_an_error() {
    let src = grid_plan(MATRIX, "  kpi mm = marginal(m, bookings)");
    expect(
        &src,
        ExpectedDiag::error("ignition::check::marginal_grid", "`marginal` cannot apply `m`: it has two measures")
            .help("slices are cut along one measure: use `lookup(m, ROW_VALUE, COLUMN_VALUE)` or `flat(…)` for the cell, or a table of one measure")
            .label("a grid")
            .underlined("marginal(m, bookings)"),
    );
}

#[test]
fn a_grid_value_of_the_wrong_unit_is_an_error() {
    let src = grid_plan(MATRIX, "  payout mb = lookup(m, attainment, attainment)");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::rates_unit",
            "the bands of `m` are money in EUR but this is a percent",
        )
        .help("look up a value in the unit of the bands")
        .label("value of another unit")
        .underlined("attainment"),
    );
}

/// A curve by attainment with `body` inside, and `use_` after it.
fn curve_plan(body: &str, use_: &str) -> String {
    plan_with(&format!(
        "  curve c by attainment {{\n{body}\n  }}\n{use_}\n"
    ))
}

const POINTS: &str = "    below: zero\n    50% : 0%\n    100% : 100%\n    above: hold";
const USE: &str = "  kpi f: percent = interpolate(c, attainment)";

#[test]
fn a_curve_is_accepted() {
    clean(&curve_plan(POINTS, USE));
}

#[test]
fn a_curve_of_one_point_is_an_error() {
    expect(
        &curve_plan("    below: zero\n    50% : 0%\n    above: hold", USE),
        ExpectedDiag::error(
            "ignition::check::curve_points",
            "curve `c` has 1 point: it needs at least two",
        )
        .help("add points `X : Y`, e.g. `50% : 0%` and `100% : 100%`")
        .label("too few points")
        .underlined("c"),
    );
}

#[test]
fn points_not_strictly_increasing_are_an_error() {
    expect(
        &curve_plan(
            "    below: zero\n    50% : 0%\n    50% : 100%\n    above: hold",
            USE,
        ),
        ExpectedDiag::error(
            "ignition::check::curve_points",
            "the points of `c` must be strictly increasing: 50% does not come after 50%",
        )
        .help("list the points from the lowest measure to the highest, each measure once")
        .label("not after the point above")
        .underlined("50% : 100%"),
    );
}

#[test]
fn a_curve_without_below_is_an_error_listing_the_rules() {
    expect(
        &curve_plan("    50% : 0%\n    100% : 100%\n    above: hold", USE),
        ExpectedDiag::error("ignition::check::curve_edge", "curve `c` does not say what happens below its first point")
            .help("add `below: zero`, `below: hold` (the first point's value), `below: extrapolate` (the first segment's line) or `below: error`")
            .label("no `below:`")
            .underlined("c"),
    );
    expect(
        &curve_plan("    below: zero\n    50% : 0%\n    100% : 100%", USE),
        ExpectedDiag::error("ignition::check::curve_edge", "curve `c` does not say what happens above its last point")
            .help("add `above: zero`, `above: hold` (the last point's value), `above: extrapolate` (the last segment's line) or `above: error`")
            .label("no `above:`")
            .underlined("c"),
    );
}

#[test]
fn an_unknown_edge_rule_is_an_error() {
    expect(
        &curve_plan(&POINTS.replace("above: hold", "above: clamp"), USE),
        ExpectedDiag::error(
            "ignition::check::curve_edge",
            "`clamp` is not a rule for a curve's edge",
        )
        .help("write `zero`, `hold`, `extrapolate` or `error`")
        .label("unknown rule")
        .underlined("clamp"),
    );
}

#[test]
fn a_curve_used_as_a_value_is_an_error() {
    expect(
        &curve_plan(POINTS, "  kpi f = c"),
        ExpectedDiag::error(
            "ignition::check::rates_as_value",
            "`c` is a curve, not a value",
        )
        .help("apply it: `interpolate(c, x)`")
        .label("a curve")
        .underlined("c"),
    );
}

#[test]
fn interpolating_an_unknown_curve_is_an_error() {
    expect(
        &curve_plan(POINTS, "  kpi f = interpolate(commission_rate, attainment)"),
        ExpectedDiag::error(
            "ignition::check::unknown_name",
            "no curve is called `commission_rate`",
        )
        .help("declare it with `curve NAME by KPI { below: …  X : Y …  above: … }`")
        .label("not a curve")
        .underlined("commission_rate"),
    );
}

#[test]
fn interpolating_a_value_of_another_unit_is_an_error() {
    expect(
        &curve_plan(POINTS, "  kpi f = interpolate(c, bookings)"),
        ExpectedDiag::error(
            "ignition::check::rates_unit",
            "the points of `c` are a percent but this is money in EUR",
        )
        .help("interpolate a value in the unit of the points' measure")
        .label("value of another unit")
        .underlined("bookings"),
    );
}

#[test]
fn a_negative_point_on_the_next_line_starts_a_point() {
    // `0% \n - 10% : …` is two points, not `0% - 10%`.
    clean(
        &curve_plan(
            "    below: zero\n    -10% : 0%\n    0% : 5%\n    -5% : 1%\n    above: hold",
            USE,
        )
        .replace("-5% : 1%\n", ""),
    );
}

#[test]
fn an_unused_curve_is_a_warning() {
    expect(
        &curve_plan(POINTS, ""),
        ExpectedDiag::warning("ignition::check::unused", "curve `c` is never used")
            .help("apply it with interpolate(c, …)")
            .label("unused")
            .underlined("c"),
    );
}
