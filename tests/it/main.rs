//! The integration tests, in one test binary (one module per area) so that they link once;
//! cargo finds this file as the test target `it`. Shared helpers: `common` (run the binary,
//! parse its CSV), `harness` (the `Test` builder for command-line tests) and `expect_diag`
//! (`ExpectedDiag`, assertions on one diagnostic). The evaluation rules are plan tests in
//! `tests/rules/`, run in this process by `eval_rules`. Proptest keeps its seeds of past
//! failures in `tests/proptest-regressions/MODULE.txt` (it finds this `main.rs`).

mod checker_defects;
// issue 10, clawbacks
mod clawback;
mod cli;
mod common;
mod csv_dialects;
mod currencies;
mod dashboard_cli;
mod data_hostile;
mod diagnostics;
mod diff_cli;
mod docs_examples;
mod eval_rules;
mod exact_props;
mod expect_diag;
mod expect_types;
mod explain_cli;
mod explain_schema;
mod explain_snapshots;
mod filters_cli;
mod fmt_cli;
mod fmt_props;
mod fns;
mod fuzz;
mod grammar;
mod harness;
mod hostile;
mod hostile_values;
mod house;
mod init_cli;
mod listed_calendar;
// issue 10, ledger
mod ledger;
mod lsp;
mod output_cli;
mod parquet_source;
mod pay_currency;
mod postgres;
mod properties;
mod recover;
mod reference;
mod row_layer;
mod rows;
mod scale_cli;
// issue 11, scorecards and cascades
mod scorecards;
// issue 10, statements
mod sources;
mod splits;
mod statement_cli;
mod test_cli;
// issue 9, tables
mod tables;

/// A test file at the top of `tests/` would be a test binary of its own (cargo builds one
/// per file) and link the whole program again: it belongs here, as a module.
#[test]
fn every_integration_test_is_a_module_of_this_binary() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut loose: Vec<String> = std::fs::read_dir(&tests)
        .expect("tests/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.display().to_string())
        .collect();
    loose.sort();
    assert!(
        loose.is_empty(),
        "move these into tests/it/ and add `mod NAME;` to tests/it/main.rs: {loose:?}"
    );
}
// issue 11, monitoring during a period
mod as_of_cli;
// issue 10, assignments
mod assignments;
