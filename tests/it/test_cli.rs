//! `ignition test` end to end: the example plans' own tests, a failing test and its
//! explanation, the JSON report, `--filter`, tolerances and comparisons, expected errors,
//! and bad test files and data, which exit 2 and point at the line.
//!
//! Every expected figure is worked out by hand in a comment beside it.

use crate::common;

use common::{assert_has, expect_code, flat, ignition, outcome, workspace, Outcome};

// ---------------------------------------------------------------- helpers

/// The last line of `text`.
fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

/// `ignition test ARGS…` run in the repository root.
fn test_in_repo(args: &[&str]) -> Outcome {
    outcome(
        ignition()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("test")
            .args(args),
    )
}

/// A small plan for the tests below. Q1 and Q2 of 2026; commission is 3% of bookings,
/// rounded half-even to cents; `average_deal` divides by the number of deals, so it is a
/// division by zero in a quarter without deals.
const PLAN: &str = r#"plan "Mini" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  rounding payouts to 0.01 half-even

  input reps key rep_id {
    rep_id: text
    region: text = "EMEA"
    nickname: text?
    annual_quota: money
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    close_date: date
  }
  participants reps
  credit deals to owner by close_date

  kpi bookings = sum(deals.amount)
  kpi quota = annual_quota / 4
  kpi attainment: percent = bookings / quota otherwise 0%
  kpi average_deal = bookings / count(deals)
  payout commission = bookings * 3%
}
"#;

/// Write `PLAN` as `plan.plan` and `tests` as `t.test.plan` in a fresh folder, and run
/// `ignition test t.test.plan ARGS…` there, so that every path in the output is relative.
fn run_tests(tests: &str, args: &[&str]) -> Outcome {
    run_files(&[("t.test.plan", tests)], &["t.test.plan"], args)
}

/// Write `PLAN` and the given files in a fresh folder and run `ignition test PATHS… ARGS…` in it.
fn run_files(files: &[(&str, &str)], paths: &[&str], args: &[&str]) -> Outcome {
    let (dir, _plan) = workspace(PLAN, &[]);
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write file");
    }
    outcome(
        ignition()
            .current_dir(dir.path())
            .arg("test")
            .args(paths)
            .args(args),
    )
}

/// Parse `--format json` output.
fn json(o: &Outcome) -> serde_json::Value {
    serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", o.stdout))
}

/// One rep with a quarterly quota of 400,000 / 4 = 100,000 EUR and two Q1 deals:
/// 10,000 + 2,000 = 12,000 EUR of bookings.
const ROWS: &str = r#"
  reps  { rep_id: "r1", annual_quota: 400000 EUR }
  deals { deal_id: "d1", owner: "r1", amount: 10000 EUR, close_date: 2026-02-10 }
  deals { deal_id: "d2", owner: "r1", amount: 2000 EUR, close_date: 2026-03-10 }
"#;

/// A passing test and a failing one (the expected commission is wrong on purpose).
fn pass_and_fail() -> String {
    format!(
        r#"tests for "plan.plan"

test "bookings add up" {{{ROWS}
  // 10,000 + 2,000 = 12,000.
  expect bookings for "r1" in 2026-Q1 == 12000 EUR
}}

test "commission is 3% of bookings" {{{ROWS}
  // 3% of 12,000 = 360.00; written as 350.00 so that the test fails.
  expect commission for "r1" in 2026-Q1 == 350.00 EUR
}}
"#
    )
}

// ---------------------------------------------------------------- the example plans

/// The tests under plans/: 11 for field-sales (1 in commission.test.plan, 1 in
/// exact.test.plan, 9 in payouts.test.plan), 6 for SDR (payouts.test.plan) and 3 for
/// enterprise (payouts.test.plan).
const EXAMPLE_TESTS: usize = 33;

#[test]
fn example_plan_tests_all_pass() {
    let o = test_in_repo(&["plans/"]);
    expect_code(&o, 0);
    assert_eq!(
        last_line(&o.stdout),
        format!("{EXAMPLE_TESTS} passed, 0 failed"),
        "stdout:\n{}",
        o.stdout
    );
    let ok_lines = o.stdout.lines().filter(|l| l.starts_with("  ok ")).count();
    assert_eq!(ok_lines, EXAMPLE_TESTS, "stdout:\n{}", o.stdout);
    assert_has(
        &o.stdout,
        &["plans/field-sales/plan.plan", "plans/sdr/plan.plan"],
    );
    assert!(!o.stdout.contains("FAILED"), "stdout:\n{}", o.stdout);
}

#[test]
fn test_defaults_to_the_plans_folder() {
    let o = test_in_repo(&[]);
    expect_code(&o, 0);
    assert_eq!(
        last_line(&o.stdout),
        format!("{EXAMPLE_TESTS} passed, 0 failed")
    );
}

#[test]
fn example_plan_tests_as_json() {
    let o = test_in_repo(&["plans/", "--format", "json"]);
    expect_code(&o, 0);
    let j = json(&o);
    assert_eq!(j["passed"], EXAMPLE_TESTS, "{j:#}");
    assert_eq!(j["failed"], 0, "{j:#}");
    assert_eq!(j["errors"], 0, "{j:#}");
    let tests = j["tests"].as_array().expect("tests is an array");
    assert_eq!(tests.len(), EXAMPLE_TESTS);
    assert!(tests.iter().all(|t| t["status"] == "passed"), "{j:#}");
}

// ---------------------------------------------------------------- failures

#[test]
fn a_failing_test_exits_1_with_expected_actual_and_the_explanation() {
    let o = run_tests(&pass_and_fail(), &[]);
    expect_code(&o, 1);
    assert_has(
        &o.stdout,
        &[
            "  ok      bookings add up",
            "  FAILED  commission is 3% of bookings",
            "(t.test.plan:18)",
            "expected == 350.00 EUR",
            "actual   360.00 EUR",
            // The explanation: the commission from the bookings, from the two rows.
            "commission = 360.00 EUR",
            "bookings = 12,000.00 EUR",
            "t.test.plan:14",
            "t.test.plan:15",
        ],
    );
    assert_eq!(last_line(&o.stdout), "1 passed, 1 failed");
    insta::assert_snapshot!("failing_test", o.stdout);
}

#[test]
fn json_report_of_a_failing_test() {
    let o = run_tests(&pass_and_fail(), &["--format", "json"]);
    expect_code(&o, 1);
    let j = json(&o);
    assert_eq!(j["passed"], 1, "{j:#}");
    assert_eq!(j["failed"], 1, "{j:#}");
    assert_eq!(j["errors"], 0, "{j:#}");
    let tests = j["tests"].as_array().expect("tests is an array");
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[0]["name"], "bookings add up");
    assert_eq!(tests[0]["status"], "passed");
    assert_eq!(tests[0]["file"], "t.test.plan");
    assert_eq!(tests[0]["plan"], "plan.plan");
    let t = &tests[1];
    assert_eq!(t["name"], "commission is 3% of bookings");
    assert_eq!(t["status"], "failed");
    let f = &t["failures"][0];
    assert_eq!(f["at"], "t.test.plan:18", "{j:#}");
    assert_eq!(f["expected"], "== 350.00 EUR", "{j:#}");
    assert_eq!(f["actual"], "360.00 EUR", "{j:#}");
    let explanation = f["explanation"].as_str().expect("an explanation");
    assert_has(explanation, &["360.00 EUR", "12,000.00 EUR"]);
}

#[test]
fn filter_runs_only_the_matching_tests() {
    // Only the passing test is selected, so the failing one cannot fail the run.
    let o = run_tests(&pass_and_fail(), &["--filter", "add up"]);
    expect_code(&o, 0);
    assert_has(&o.stdout, &["ok      bookings add up"]);
    assert!(!o.stdout.contains("commission"), "stdout:\n{}", o.stdout);
    assert_eq!(last_line(&o.stdout), "1 passed, 0 failed");

    let o = run_tests(
        &pass_and_fail(),
        &["--filter", "commission", "--format", "json"],
    );
    expect_code(&o, 1);
    let j = json(&o);
    assert_eq!(j["passed"], 0, "{j:#}");
    assert_eq!(j["failed"], 1, "{j:#}");
    assert_eq!(j["tests"].as_array().map(Vec::len), Some(1), "{j:#}");
}

#[test]
fn filter_on_the_example_plans() {
    let o = test_in_repo(&["plans/", "--filter", "pipeline_kicker"]);
    expect_code(&o, 0);
    assert_eq!(last_line(&o.stdout), "1 passed, 0 failed");
    assert_has(&o.stdout, &["plans/sdr/plan.plan", "pipeline_kicker"]);
    // A plan with no selected test is not listed.
    assert!(!o.stdout.contains("field-sales"), "stdout:\n{}", o.stdout);
}

#[test]
fn a_filter_that_matches_no_test_fails_because_nothing_was_checked() {
    let o = test_in_repo(&["plans/", "--filter", "no such test name"]);
    expect_code(&o, 1);
    assert_has(
        &o.stderr,
        &["no test ran (no test name contains \"no such test name\")"],
    );
}

// ---------------------------------------------------------------- tolerances and comparisons

/// One deal of 100.005 EUR: bookings is the KPI 100.005 (KPIs are not rounded).
const HALF_CENT: &str = r#"
  reps  { rep_id: "r1", annual_quota: 400000 EUR }
  deals { deal_id: "d1", owner: "r1", amount: 100.005 EUR, close_date: 2026-02-10 }
"#;

#[test]
fn within_passes_for_a_value_half_a_cent_off() {
    let tests = format!(
        r#"tests for "plan.plan"
test "within a cent" {{{HALF_CENT}
  // |100.005 − 100.00| = 0.005 ≤ 0.01.
  expect bookings for "r1" in 2026-Q1 == 100.00 EUR within 0.01
  expect bookings for "r1" in 2026-Q1 == 100.01 EUR within 0.01
}}
"#
    );
    let o = run_tests(&tests, &[]);
    expect_code(&o, 0);
    assert_eq!(last_line(&o.stdout), "1 passed, 0 failed");
}

#[test]
fn without_within_a_value_half_a_cent_off_fails() {
    let tests = format!(
        r#"tests for "plan.plan"
test "exactly" {{{HALF_CENT}
  // 100.005 is not 100.00: KPIs are compared exactly.
  expect bookings for "r1" in 2026-Q1 == 100.00 EUR
}}
test "too tight" {{{HALF_CENT}
  // |100.005 − 100.00| = 0.005 > 0.001.
  expect bookings for "r1" in 2026-Q1 == 100.00 EUR within 0.001
}}
"#
    );
    let o = run_tests(&tests, &[]);
    expect_code(&o, 1);
    assert_eq!(last_line(&o.stdout), "0 passed, 2 failed");
    assert_has(
        &o.stdout,
        &[
            "FAILED  exactly",
            "FAILED  too tight",
            "expected == 100.00 EUR within 0.001",
        ],
    );
}

#[test]

fn a_failure_shows_the_exact_values() {
    let tests = format!(
        r#"tests for "plan.plan"
test "exactly" {{{HALF_CENT}
  expect bookings for "r1" in 2026-Q1 < 100.005 EUR
}}
"#
    );
    let o = run_tests(&tests, &[]);
    expect_code(&o, 1);
    assert_has(
        &o.stdout,
        &["expected < 100.005 EUR", "actual   100.005 EUR"],
    );
}

#[test]
fn payouts_are_compared_as_rounded() {
    let tests = format!(
        r#"tests for "plan.plan"
test "rounded commission" {{{HALF_CENT}
  // 100.005 × 3% = 3.00015, shown rounded half-even to cents: 3.00.
  expect commission for "r1" in 2026-Q1 == 3.00 EUR
}}
"#
    );
    let o = run_tests(&tests, &[]);
    expect_code(&o, 0);
}

#[test]
fn comparisons_less_than_and_at_least() {
    let tests = format!(
        r#"tests for "plan.plan"
test "comparisons that hold" {{{HALF_CENT}
  // 100.005 < 100.01; 100.005 >= 100.005 (equal); 100.005 >= 100.
  expect bookings for "r1" in 2026-Q1 < 100.01 EUR
  expect bookings for "r1" in 2026-Q1 >= 100.005 EUR
  expect bookings for "r1" in 2026-Q1 >= 100 EUR
  // 100.005 / 100,000 = 0.10005% of the quota.
  expect attainment for "r1" in 2026-Q1 < 1%
  expect attainment for "r1" in 2026-Q1 >= 0.1%
}}
test "strictly less" {{{HALF_CENT}
  // 100.005 < 100.005 is false.
  expect bookings for "r1" in 2026-Q1 < 100.005 EUR
}}
test "at least" {{{HALF_CENT}
  // 100.005 >= 100.01 is false.
  expect bookings for "r1" in 2026-Q1 >= 100.01 EUR
}}
"#
    );
    let o = run_tests(&tests, &["--format", "json"]);
    expect_code(&o, 1);
    let j = json(&o);
    let status: Vec<(&str, &str)> = j["tests"]
        .as_array()
        .expect("tests is an array")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default(),
                t["status"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("comparisons that hold", "passed"),
            ("strictly less", "failed"),
            ("at least", "failed"),
        ],
        "{j:#}"
    );
    assert_eq!(
        j["tests"][1]["failures"][0]["expectation"],
        r#"expect bookings for "r1" in 2026-Q1 < 100.005 EUR"#
    );
    assert_eq!(j["tests"][2]["failures"][0]["expected"], ">= 100.01 EUR");
}

// ---------------------------------------------------------------- expected errors

#[test]
fn an_expected_error_passes_when_the_text_matches() {
    let tests = r#"tests for "plan.plan"
test "no deals, no average" {
  reps  { rep_id: "r1", annual_quota: 400000 EUR }
  // No deals in Q1: bookings / count(deals) = 0 / 0.
  expect error for "r1" in 2026-Q1 containing "division by zero"
  expect error for "r1" in 2026-Q1 containing "in `average_deal` for r1 in 2026-Q1"
  // The other values are still computed: 0 bookings, no commission.
  expect commission for "r1" in 2026-Q1 == 0 EUR
}
"#;
    let o = run_tests(tests, &[]);
    expect_code(&o, 0);
    assert_eq!(last_line(&o.stdout), "1 passed, 0 failed");
}

#[test]
fn an_expected_error_fails_when_the_text_differs_or_there_is_no_error() {
    let tests = format!(
        r#"tests for "plan.plan"
test "wrong error text" {{
  reps  {{ rep_id: "r1", annual_quota: 400000 EUR }}
  expect error for "r1" in 2026-Q1 containing "is empty"
}}
test "no error at all" {{{ROWS}
  // Two deals: the average is 6,000, no error.
  expect error for "r1" in 2026-Q1 containing "division by zero"
}}
"#
    );
    let o = run_tests(&tests, &[]);
    expect_code(&o, 1);
    assert_eq!(last_line(&o.stdout), "0 passed, 2 failed");
    assert_has(
        &o.stdout,
        &[
            "FAILED  wrong error text",
            "expected an error containing \"is empty\"",
            "actual   division by zero in `average_deal` for r1 in 2026-Q1",
            "FAILED  no error at all",
            "actual   no error: every value was computed",
        ],
    );
}

// ---------------------------------------------------------------- data from files

#[test]
fn data_files_are_relative_to_the_test_file() {
    let deals =
        "deal_id,owner,amount,close_date\nd1,r1,1000.00,2026-01-10\nd2,r1,500.50,2026-04-10\n";
    let tests = r#"tests for "../plan.plan"
test "deals from a file" {
  reps { rep_id: "r1", annual_quota: 400000 EUR }
  data deals = "deals.csv"
  // d1 in Q1: 1,000; d2 in Q2: 500.50.
  expect bookings for "r1" in 2026-Q1 == 1000 EUR
  expect bookings for "r1" in 2026-Q2 == 500.50 EUR
}
"#;
    let o = run_files(
        &[("sub/deals.csv", deals), ("sub/f.test.plan", tests)],
        &["sub/f.test.plan"],
        &[],
    );
    expect_code(&o, 0);
    assert_eq!(last_line(&o.stdout), "1 passed, 0 failed");
}

// ---------------------------------------------------------------- bad input: exit 2

/// Exit 2, the test reported as could-not-run, and a diagnostic at `t.test.plan:LINE`
/// whose (flattened) text holds every one of `needles`.
fn bad(tests: &str, line: u32, needles: &[&str]) -> Outcome {
    let o = run_tests(tests, &[]);
    expect_code(&o, 2);
    assert_has(&o.stdout, &["ERROR", "(the test could not run)"]);
    assert_has(&o.stderr, &[&format!("[t.test.plan:{line}:")]);
    assert_has(&flat(&o.stderr), needles);
    o
}

#[test]
fn unknown_column_in_an_inline_row() {
    bad(
        r#"tests for "plan.plan"
test "typo" {
  reps { rep_id: "r1", anual_quota: 400000 EUR }
}
"#,
        3,
        &[
            "`reps` has no column `anual_quota`",
            "did you mean `annual_quota`?",
        ],
    );
}

#[test]
fn value_of_the_wrong_type_in_an_inline_row() {
    bad(
        r#"tests for "plan.plan"
test "no currency" {
  reps { rep_id: "r1", annual_quota: 5 }
}
"#,
        3,
        &["`annual_quota`: an amount needs its currency", "400000 EUR"],
    );
}

#[test]
fn a_date_where_text_is_expected() {
    bad(
        r#"tests for "plan.plan"
test "date as id" {
  reps { rep_id: 2026-01-01, annual_quota: 5 EUR }
}
"#,
        3,
        &["`rep_id`: this is a date, but the column is"],
    );
}

#[test]
fn missing_column_without_a_default() {
    let o = bad(
        r#"tests for "plan.plan"
test "no quota" {
  // region has a default and nickname is optional; annual_quota has neither.
  reps { rep_id: "r1" }
}
"#,
        4,
        &["this row of `reps` has no `annual_quota`"],
    );
    assert!(!o.stderr.contains("`region`"), "stderr:\n{}", o.stderr);
    assert!(!o.stderr.contains("`nickname`"), "stderr:\n{}", o.stderr);
}

#[test]
fn unknown_input_table() {
    bad(
        r#"tests for "plan.plan"
test "typo in the table" {
  reps { rep_id: "r1", annual_quota: 1 EUR }
  deal { deal_id: "d1", owner: "r1", amount: 1 EUR, close_date: 2026-01-10 }
}
"#,
        4,
        &["the plan has no input `deal`", "did you mean `deals`?"],
    );
}

#[test]
fn expectation_on_an_unknown_participant() {
    bad(
        r#"tests for "plan.plan"
test "who" {
  reps { rep_id: "r1", annual_quota: 1 EUR }
  expect bookings for "r2" in 2026-Q1 == 0 EUR
}
"#,
        4,
        &[
            "no participant \"r2\" in this test's data",
            "did you mean \"r1\"?",
        ],
    );
}

#[test]
fn expectation_on_an_unknown_period() {
    bad(
        r#"tests for "plan.plan"
test "when" {
  reps { rep_id: "r1", annual_quota: 1 EUR }
  expect bookings for "r1" in 2026-Q3 == 0 EUR
}
"#,
        4,
        // The plan runs two quarters; the hint lists them (there is no "did you mean").
        &[
            "the plan has no period `2026-Q3`",
            "the periods are: 2026-Q1, 2026-Q2",
        ],
    );
}

#[test]
fn expectation_on_an_unknown_definition() {
    bad(
        r#"tests for "plan.plan"
test "what" {
  reps { rep_id: "r1", annual_quota: 1 EUR }
  expect booking for "r1" in 2026-Q1 == 0 EUR
}
"#,
        4,
        &[
            "the plan has no KPI or payout `booking`",
            "did you mean `bookings`?",
        ],
    );
}

#[test]
fn expected_value_of_the_wrong_unit() {
    bad(
        r#"tests for "plan.plan"
test "unit" {
  reps { rep_id: "r1", annual_quota: 1 EUR }
  expect bookings for "r1" in 2026-Q1 == 0
}
"#,
        4,
        &["an amount needs its currency"],
    );
}

#[test]
fn tests_for_a_plan_that_does_not_exist() {
    let o = run_files(
        &[(
            "sub/orphan.test.plan",
            r#"tests for "missing.plan"
test "never runs" {
  expect bookings for "r1" in 2026-Q1 == 0 EUR
}
"#,
        )],
        &["sub/orphan.test.plan"],
        &[],
    );
    expect_code(&o, 2);
    assert_has(&o.stderr, &["[sub/orphan.test.plan:1:"]);
    assert_has(
        &flat(&o.stderr),
        &[
            "the plan `missing.plan` that these tests name does not exist",
            "looked for sub/missing.plan",
        ],
    );
}

/// A test whose `data` file does not exist.
const NO_FILE: &str = r#"tests for "plan.plan"
test "no file" {
  reps { rep_id: "r1", annual_quota: 1 EUR }
  data deals = "nope.csv"
  expect bookings for "r1" in 2026-Q1 == 0 EUR
}
"#;

#[test]
fn data_file_that_does_not_exist() {
    let o = run_tests(NO_FILE, &[]);
    expect_code(&o, 2);
    assert_has(&o.stdout, &["ERROR   no file (the test could not run)"]);
    assert_has(
        &flat(&o.stderr),
        &["the data file `nope.csv` for `deals` does not exist"],
    );
}

#[test]

fn data_file_that_does_not_exist_points_at_the_data_line() {
    let o = run_tests(NO_FILE, &[]);
    expect_code(&o, 2);
    assert_has(&o.stderr, &["[t.test.plan:4:"]);
    assert!(!o.stderr.contains("--data"), "stderr:\n{}", o.stderr);
}

#[test]
fn syntax_error_in_a_test_file() {
    let o = run_tests(
        r#"tests for "plan.plan"
test "single equals" {
  reps { rep_id: "r1", annual_quota: 1 EUR }
  expect bookings for "r1" in 2026-Q1 = 0 EUR
}
"#,
        &[],
    );
    expect_code(&o, 2);
    assert_has(&o.stderr, &["ignition::parse::syntax", "[t.test.plan:4:"]);
    assert_has(&flat(&o.stderr), &["write `==`"]);
}

#[test]
fn a_path_that_does_not_exist() {
    let o = run_tests("", &["nothing.test.plan"]);
    expect_code(&o, 2);
    assert_has(&o.stderr, &["`nothing.test.plan` does not exist"]);
}

#[test]
fn bad_tests_do_not_hide_good_ones_in_the_json_report() {
    let tests = format!(
        r#"tests for "plan.plan"
test "good" {{{ROWS}
  expect bookings for "r1" in 2026-Q1 == 12000 EUR
}}
test "bad" {{
  reps {{ rep_id: "r1", anual_quota: 1 EUR }}
}}
"#
    );
    let o = run_tests(&tests, &["--format", "json"]);
    expect_code(&o, 2);
    let j = json(&o);
    assert_eq!(j["passed"], 1, "{j:#}");
    assert_eq!(j["failed"], 0, "{j:#}");
    assert_eq!(j["errors"], 1, "{j:#}");
    let e = &j["tests"][1];
    assert_eq!(e["status"], "error", "{j:#}");
    let codes: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors is an array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"ignition::test::data"), "{j:#}");
}

#[test]
fn a_row_for_an_unknown_participant_is_an_error_not_dropped() {
    let o = run_tests(
        r#"tests for "plan.plan"
test "typo in owner" {
  reps  { rep_id: "r1", annual_quota: 400000 EUR }
  deals { deal_id: "d1", owner: "r9", amount: 100 EUR, close_date: 2026-02-01 }
  expect bookings for "r1" in 2026-Q1 == 0 EUR
}
"#,
        &[],
    );
    expect_code(&o, 2);
    assert_has(&flat(&o.stderr), &["t.test.plan", "line 4 (d1) → r9"]);
}

#[test]
fn a_row_dated_outside_the_calendar_is_an_error_not_dropped() {
    let o = run_tests(
        r#"tests for "plan.plan"
test "wrong year" {
  reps  { rep_id: "r1", annual_quota: 400000 EUR }
  deals { deal_id: "d1", owner: "r1", amount: 100 EUR, close_date: 2025-02-01 }
  expect bookings for "r1" in 2026-Q1 == 0 EUR
}
"#,
        &[],
    );
    expect_code(&o, 2);
    assert_has(&flat(&o.stderr), &["line 4 (d1) dated 2025-02-01"]);
}
