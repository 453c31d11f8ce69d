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
