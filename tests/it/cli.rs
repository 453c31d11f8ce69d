//! The command line end to end: `check` and `run` on the example plans and on small inline
//! plans, their exit codes, their errors on bad input, their output formats and the
//! determinism of their output.
//!
//! The expected results of the example plans are read at test time from
//! `tests/expected/*.csv`; those figures were worked out by hand in the `.md` beside them
//! and are never copied from the program's output.

use crate::common;
use crate::expect_diag::ExpectedDiag;

use common::{
    assert_has, d, expect_code, flat, ignition, ok, outcome, run_files, run_inline, table, value,
    workspace, Outcome,
};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

// ---------------------------------------------------------------- helpers

/// A path inside the repository.
fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The diagnostics of a (flattened) stderr, one string each, each starting with its code.
fn diag_blocks(stderr: &str) -> Vec<String> {
    let f = flat(stderr);
    f.split("ignition::")
        .skip(1)
        .map(|b| format!("ignition::{}", b.trim()))
        .collect()
}

/// The first diagnostic with `code` that contains every one of `needles`.
fn find_diag(stderr: &str, code: &str, needles: &[&str]) -> String {
    diag_blocks(stderr)
        .into_iter()
        .find(|b| b.starts_with(code) && needles.iter().all(|n| b.contains(n)))
        .unwrap_or_else(|| {
            panic!("no `{code}` diagnostic containing {needles:?} in stderr:\n{stderr}")
        })
}

/// `text` mentions "line N" with nothing more than N (so "line 2" does not match "line 27").
fn has_line(text: &str, n: u32) -> bool {
    let needle = format!("line {n}");
    text.match_indices(&needle).any(|(i, _)| {
        !text[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// 1-based (line, column) of the first occurrence of `needle` in `text`.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the plan text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// An expected-results CSV: (participant, period) → column → expected decimal.
type Expected = BTreeMap<(String, String), BTreeMap<String, Decimal>>;

/// Read `tests/expected/NAME` (plain CSV: no quotes, no commas in cells).
fn expected(name: &str) -> Expected {
    let path = repo("tests/expected").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .expect("expected CSV has a header")
        .split(',')
        .collect();
    assert_eq!(&header[..2], ["participant", "period"], "{name} header");
    let mut out = Expected::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{name}: row {l:?}");
        let row = header[2..]
            .iter()
            .zip(&cells[2..])
            .map(|(h, c)| (h.to_string(), d(c)))
            .collect();
        out.insert((cells[0].to_string(), cells[1].to_string()), row);
    }
    assert!(!out.is_empty(), "{name} has no rows");
    out
}

/// Exact equality, except that an expected value written to 10 decimals (a non-terminating
/// value, see the .md) is compared with the actual value rounded to 10 places.
fn same(actual: Decimal, expected: Decimal) -> bool {
    if expected.scale() == 10 {
        actual.round_dp_with_strategy(10, RoundingStrategy::MidpointNearestEven) == expected
    } else {
        actual == expected
    }
}

/// Actual values as text: (participant, period) → name → value.
type Actual = BTreeMap<(String, String), BTreeMap<String, String>>;

/// Every expected row is present (and no other row), and every expected value matches.
fn assert_matches(actual: &Actual, exp: &Expected, what: &str) {
    let actual_keys: BTreeSet<_> = actual.keys().collect();
    let expected_keys: BTreeSet<_> = exp.keys().collect();
    assert_eq!(
        actual_keys, expected_keys,
        "{what}: the rows (participant, period) differ"
    );
    let mut wrong = Vec::new();
    for (key, row) in exp {
        for (name, want) in row {
            let got = actual.get(key).and_then(|r| r.get(name));
            match got.map(|g| Decimal::from_str(g)) {
                Some(Ok(g)) if same(g, *want) => {}
                _ => wrong.push(format!(
                    "{} {} {name}: expected {want}, got {got:?}",
                    key.0, key.1
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{what}: {} value(s) differ from the hand-computed figures:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `run --format json` results as the same shape as `table()`.
fn json_results(json: &serde_json::Value) -> Actual {
    let mut out = Actual::new();
    for r in json["results"].as_array().expect("results is an array") {
        let p = r["participant"].as_str().expect("participant is a string");
        let per = r["period"].as_str().expect("period is a string");
        let values = r["values"]
            .as_object()
            .expect("values is an object")
            .iter()
            .map(|(k, v)| {
                let s = v
                    .as_str()
                    .unwrap_or_else(|| panic!("{k} = {v} is not a string"));
                (k.clone(), s.to_string())
            })
            .collect();
        out.insert((p.to_string(), per.to_string()), values);
    }
    out
}

/// `ignition run PLAN --data DATA` plus `extra` arguments.
fn run_with(plan: &Path, data: &Path, extra: &[&str]) -> Outcome {
    outcome(
        ignition()
            .arg("run")
            .arg(plan)
            .arg("--data")
            .arg(data)
            .args(extra),
    )
}

/// `ignition check` with `args`.
fn check(args: &[&std::ffi::OsStr]) -> Outcome {
    outcome(ignition().arg("check").args(args))
}

fn field_sales_plan() -> PathBuf {
    repo("plans/field-sales/plan.plan")
}
fn field_sales_data() -> PathBuf {
    repo("plans/field-sales/data")
}
fn sdr_plan() -> PathBuf {
    repo("plans/sdr/plan.plan")
}
fn sdr_data() -> PathBuf {
    repo("plans/sdr/data")
}

/// Copy every file of `from` into a fresh temp dir.
fn copy_dir(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(from).expect("read data dir") {
        let entry = entry.expect("dir entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy data file");
    }
    dir
}

// ---------------------------------------------------------------- small inline plans

/// Two quarters, reps r1/r2 with a name, deals credited by owner and close date.
const SMALL: &str = r#"plan "small" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30

  input reps key rep_id {
    rep_id: text
    name: text
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money >= 0  // else `commission` may be negative
    close_date: date
  }

  participants reps
  credit deals to owner by close_date

  kpi bookings = sum(deals.amount)
  payout commission = 10% * bookings
}
"#;

const REPS: &str = "rep_id,name\nr1,Ann\nr2,Bob\n";
/// r1: 100.00 in 2026-Q1; r2: 200.00 in 2026-Q2.
const DEALS: &str = "deal_id,owner,amount,close_date\n\
d1,r1,100.00,2026-01-05\n\
d2,r2,200.00,2026-04-05\n";

/// SMALL with `deals.csv` replaced.
fn run_small_with_deals(deals: &str, extra: &[&str]) -> Outcome {
    let (dir, plan) = workspace(SMALL, &[("reps", REPS), ("deals", deals)]);
    run_with(&plan, dir.path(), extra)
}

/// A plan with a hierarchy: `override` is 1% of the direct reports' bookings.
const HIER: &str = r#"plan "hier" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30

  input reps key rep_id {
    rep_id: text
    manager_id: text?
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    close_date: date
  }

  participants reps managed by manager_id
  credit deals to owner by close_date

  kpi bookings = sum(deals.amount)
  payout override = 1% * team(bookings)
}
"#;

// ================================================================ 1. example plans

#[test]
fn field_sales_example_matches_the_hand_computed_payouts_and_kpis() {
    let o = run_files(&field_sales_plan(), &field_sales_data());
    let csv = ok(&o);
    let actual = table(csv);
    assert_matches(&actual, &expected("field-sales.csv"), "field-sales payouts");
    assert_matches(
        &actual,
        &expected("field-sales-kpis.csv"),
        "field-sales KPIs",
    );
    // Spot check through the shared helper: r01 Q1 is the worked example (cap binds).
    assert_eq!(value(csv, "r01", "2026-Q1", "commission"), d("8600.00"));
    assert_eq!(value(csv, "r01", "2026-Q1", "total"), d("10000.00"));
}

#[test]
fn field_sales_example_reports_the_skipped_rows() {
    let o = run_files(&field_sales_plan(), &field_sales_data());
    expect_code(&o, 0);
    // deals.csv:30, D029 owned by r99, not in reps.
    let b = find_diag(
        &o.stderr,
        "ignition::data::unknown_participant",
        &["deals.csv", "D029", "r99"],
    );
    assert!(has_line(&b, 30), "line 30 not named: {b}");
    // deals.csv:2, D001 dated 2025-12-31.
    let b = find_diag(
        &o.stderr,
        "ignition::data::outside_calendar",
        &["deals.csv", "D001", "2025-12-31"],
    );
    assert!(has_line(&b, 2), "line 2 not named: {b}");
    // activities.csv:44, dated 2027-01-04.
    let b = find_diag(
        &o.stderr,
        "ignition::data::outside_calendar",
        &["activities.csv", "2027-01-04"],
    );
    assert!(has_line(&b, 44), "line 44 not named: {b}");
    // Exactly these three reports: 2 deals + 1 activity (the .md's row accounting).
    let skipped: Vec<_> = diag_blocks(&o.stderr)
        .into_iter()
        .filter(|b| {
            b.starts_with("ignition::data::unknown_participant")
                || b.starts_with("ignition::data::outside_calendar")
                || b.starts_with("ignition::data::duplicate_key")
                || b.starts_with("ignition::data::no_participant")
        })
        .collect();
    assert_eq!(skipped.len(), 3, "skipped-row reports:\n{skipped:#?}");
    for b in &skipped {
        assert!(b.contains("1 row"), "each report counts one row: {b}");
    }
}

#[test]
fn sdr_example_matches_the_hand_computed_payouts_and_kpis() {
    let o = run_files(&sdr_plan(), &sdr_data());
    let csv = ok(&o);
    let actual = table(csv);
    assert_matches(&actual, &expected("sdr.csv"), "sdr payouts");
    assert_matches(&actual, &expected("sdr-kpis.csv"), "sdr KPIs");
    // s02 2026-03: 75 × 6 + kicker capped at 1000 = 1450.
    assert_eq!(value(csv, "s02", "2026-03", "total"), d("1450.00"));
}

#[test]
fn sdr_example_reports_the_skipped_rows() {
    let o = run_files(&sdr_plan(), &sdr_data());
    expect_code(&o, 0);
    // meetings.csv:27, M026 for s09, not in sdrs.
    let b = find_diag(
        &o.stderr,
        "ignition::data::unknown_participant",
        &["meetings.csv", "M026", "s09"],
    );
    assert!(has_line(&b, 27), "line 27 not named: {b}");
    // meetings.csv:41, M040 dated 2026-07-01.
    let b = find_diag(
        &o.stderr,
        "ignition::data::outside_calendar",
        &["meetings.csv", "M040", "2026-07-01"],
    );
    assert!(has_line(&b, 41), "line 41 not named: {b}");
}

#[test]
fn example_plans_fail_under_strict_because_of_their_skipped_rows() {
    for (plan, data) in [
        (field_sales_plan(), field_sales_data()),
        (sdr_plan(), sdr_data()),
    ] {
        let o = run_with(&plan, &data, &["--strict", "--format", "csv"]);
        expect_code(&o, 2);
        assert!(
            o.stdout.is_empty(),
            "no results under --strict:\n{}",
            o.stdout
        );
        find_diag(&o.stderr, "ignition::data::unknown_participant", &[]);
    }
}

// ================================================================ 2. check

#[test]
fn check_accepts_both_example_plans() {
    let fs = field_sales_plan();
    let sdr = sdr_plan();
    let o = check(&[fs.as_os_str(), sdr.as_os_str()]);
    expect_code(&o, 0);
    assert_has(&o.stderr, &["ok"]);
}

/// SMALL with a type error: money + percent.
fn type_error_plan() -> String {
    SMALL.replace("10% * bookings", "bookings + 5%")
}

#[test]
fn check_exits_1_on_a_type_error_and_points_at_it() {
    let plan = type_error_plan();
    let (_dir, path) = workspace(&plan, &[]);
    let o = check(&[path.as_os_str()]);
    expect_code(&o, 1);
    let (line, col) = locate(&plan, "bookings + 5%");
    assert_has(
        &o.stderr,
        &[
            "ignition::check::units",
            "money",
            "percent",
            &format!("plan.plan:{line}:{col}"),
        ],
    );
}

#[test]
fn check_exits_1_on_a_syntax_error() {
    let plan = SMALL.replace("kpi bookings = sum", "kpi = sum");
    let (_dir, path) = workspace(&plan, &[]);
    let o = check(&[path.as_os_str()]);
    expect_code(&o, 1);
    let (line, col) = locate(&plan, "= sum");
    assert_has(
        &o.stderr,
        &[
            "ignition::parse::syntax",
            &format!("plan.plan:{line}:{col}"),
        ],
    );
}

#[test]
fn check_exits_2_on_a_missing_plan_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.plan");
    let o = check(&[missing.as_os_str()]);
    expect_code(&o, 2);
    assert_has(&o.stderr, &["ignition::plan::file", "nope.plan"]);
}

#[test]
fn check_json_reports_every_file_with_its_diagnostics() {
    let plan = type_error_plan();
    let (_dir, bad) = workspace(&plan, &[]);
    let good = sdr_plan();
    let o = check(&[
        "--format".as_ref(),
        "json".as_ref(),
        bad.as_os_str(),
        good.as_os_str(),
    ]);
    expect_code(&o, 1);
    let json: serde_json::Value = serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("check --format json is not JSON ({e}):\n{}", o.stdout));
    let files = json.as_array().expect("a JSON array, one entry per file");
    assert_eq!(files.len(), 2, "{json:#}");

    let b = &files[0];
    assert_eq!(b["file"], bad.display().to_string());
    assert_eq!(b["ok"], false);
    assert_eq!(b["errors"], 1);
    assert_eq!(b["warnings"], 0);
    let diags = b["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(diags.len(), 1, "{b:#}");
    let diag = &diags[0];
    let (line, col) = locate(&plan, "bookings + 5%");
    ExpectedDiag::error("ignition::check::units", "cannot add money and percent")
        .help("to take a share of an amount, multiply: `amount * 20%`; to add an amount, write it with its currency, e.g. `300 EUR`")
        .label("money in EUR + a percent")
        .underlined("bookings + 5%")
        .at(line, col)
        .assert_json(diag, Some(&plan));
    assert_eq!(diag["location"]["file"], bad.display().to_string());

    let g = &files[1];
    assert_eq!(g["file"], good.display().to_string());
    assert_eq!(g["ok"], true);
    assert_eq!(g["errors"], 0);
    assert_eq!(g["warnings"], 0);
    assert_eq!(g["diagnostics"], serde_json::json!([]));
}

/// SMALL with a `let` that nothing uses.
fn unused_let_plan() -> String {
    SMALL.replace(
        "  kpi bookings =",
        "  let unused_thing = 5\n  kpi bookings =",
    )
}

#[test]
fn check_deny_warnings_turns_an_unused_let_into_exit_1() {
    let plan = unused_let_plan();
    let (_dir, path) = workspace(&plan, &[]);
    let (line, col) = locate(&plan, "unused_thing");

    let o = check(&[path.as_os_str()]);
    expect_code(&o, 0);
    assert_has(
        &o.stderr,
        &[
            "ignition::check::unused",
            "unused_thing",
            &format!("plan.plan:{line}:{col}"),
        ],
    );

    let o = check(&["--deny".as_ref(), "warnings".as_ref(), path.as_os_str()]);
    expect_code(&o, 1);
    assert_has(&o.stderr, &["ignition::check::unused", "unused_thing"]);

    let o = check(&["--format".as_ref(), "json".as_ref(), path.as_os_str()]);
    expect_code(&o, 0);
    let json: serde_json::Value = serde_json::from_str(&o.stdout).expect("JSON");
    assert_eq!(json[0]["ok"], true);
    assert_eq!(json[0]["warnings"], 1);
    ExpectedDiag::warning("ignition::check::unused", "`unused_thing` is never used")
        .help("remove it, or make it a kpi to report it")
        .label("unused")
        .underlined("unused_thing")
        .at(line, col)
        .assert_json(&json[0]["diagnostics"][0], Some(&plan));
}

// ================================================================ 3. run: exit codes and bad input

#[test]
fn run_small_plan_baseline() {
    // The inline plan the error tests below start from: r1 100.00 in Q1, r2 200.00 in Q2,
    // commission 10%.
    let o = run_inline(SMALL, &[("reps", REPS), ("deals", DEALS)]);
    let csv = ok(&o);
    assert_eq!(value(csv, "r1", "2026-Q1", "commission"), d("10.00"));
    assert_eq!(value(csv, "r2", "2026-Q2", "commission"), d("20.00"));
    assert_eq!(value(csv, "r2", "2026-Q1", "bookings"), d("0"));
}

#[test]
fn run_malformed_plan_exits_2_with_the_location() {
    let plan = SMALL.replace("kpi bookings = sum", "kpi = sum");
    let o = run_inline(&plan, &[("reps", REPS), ("deals", DEALS)]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let (line, col) = locate(&plan, "= sum");
    assert_has(
        &o.stderr,
        &[
            "ignition::parse::syntax",
            &format!("plan.plan:{line}:{col}"),
        ],
    );
}

#[test]
fn run_plan_that_does_not_check_exits_2() {
    let o = run_inline(&type_error_plan(), &[("reps", REPS), ("deals", DEALS)]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert_has(&o.stderr, &["ignition::check::units"]);
}

#[test]
fn run_missing_plan_file_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = run_with(&dir.path().join("nope.plan"), dir.path(), &[]);
    expect_code(&o, 2);
    assert_has(&o.stderr, &["ignition::plan::file", "nope.plan"]);
}

#[test]
fn run_cell_of_the_wrong_type_exits_2_with_file_line_column() {
    // Line 3 (header = line 1), column 7: `abc` in `amount`.
    let o = run_small_with_deals(
        "deal_id,owner,amount,close_date\nd1,r1,100.00,2026-01-05\nd2,r2,abc,2026-04-05\n",
        &["--format", "csv"],
    );
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert_has(
        &o.stderr,
        &["ignition::data::bad_cell", "deals.csv:3:7", "amount", "abc"],
    );
}

#[test]
fn run_bad_date_cell_exits_2_with_file_line_column() {
    // Line 2, column 14: `2026-02-30` is not a real day.
    let o = run_small_with_deals(
        "deal_id,owner,amount,close_date\nd1,r1,100.00,2026-02-30\n",
        &[],
    );
    expect_code(&o, 2);
    assert_has(
        &o.stderr,
        &[
            "ignition::data::bad_cell",
            "deals.csv:2:14",
            "close_date",
            "2026-02-30",
        ],
    );
}

#[test]
fn run_missing_column_exits_2_naming_it() {
    let o = run_small_with_deals("deal_id,owner,close_date\nd1,r1,2026-01-05\n", &[]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let b = find_diag(&o.stderr, "ignition::data::missing_column", &["deals.csv"]);
    assert!(b.contains("`amount`"), "{b}");
}

#[test]
fn run_missing_data_file_exits_2() {
    let (dir, plan) = workspace(SMALL, &[("reps", REPS)]);
    let o = run_with(&plan, dir.path(), &[]);
    expect_code(&o, 2);
    assert_has(&o.stderr, &["ignition::data::file", "deals"]);
}

#[test]
fn run_data_folder_that_does_not_exist_exits_2() {
    let (dir, plan) = workspace(SMALL, &[]);
    let o = run_with(&plan, &dir.path().join("no-such-folder"), &[]);
    expect_code(&o, 2);
    assert_has(&o.stderr, &["ignition::data::file"]);
}

#[test]
fn run_empty_data_file_exits_2() {
    let o = run_small_with_deals("", &[]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert_has(
        &o.stderr,
        &["ignition::data::empty_file", "deals.csv", "empty"],
    );
}

#[test]
fn run_unknown_participant_in_data_is_a_warning_naming_the_row() {
    // d2 (line 3) is credited to zz9, who is not in reps: reported and not counted.
    let deals =
        "deal_id,owner,amount,close_date\nd1,r1,100.00,2026-01-05\nd2,zz9,200.00,2026-04-05\n";
    let o = run_small_with_deals(deals, &["--format", "csv"]);
    let csv = ok(&o);
    let b = find_diag(
        &o.stderr,
        "ignition::data::unknown_participant",
        &["deals.csv", "d2", "zz9"],
    );
    assert!(has_line(&b, 3), "line 3 not named: {b}");
    assert_eq!(value(csv, "r1", "2026-Q1", "bookings"), d("100.00"));
    assert_eq!(value(csv, "r2", "2026-Q2", "bookings"), d("0"));
    assert!(!csv.contains("zz9"), "{csv}");

    let o = run_small_with_deals(deals, &["--format", "csv", "--strict"]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    find_diag(
        &o.stderr,
        "ignition::data::unknown_participant",
        &["deals.csv", "zz9"],
    );
}

#[test]
fn run_unknown_participant_option_exits_2() {
    let (dir, plan) = workspace(SMALL, &[("reps", REPS), ("deals", DEALS)]);
    let o = run_with(&plan, dir.path(), &["--participant", "nobody"]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert_has(&o.stderr, &["ignition::cli::unknown_participant", "nobody"]);
    assert!(
        !o.stderr.contains("did you mean"),
        "`nobody` is close to no id:\n{}",
        o.stderr
    );

    // r11 is one edit from r1 (and two from r2).
    let o = run_with(&plan, dir.path(), &["--participant", "r11"]);
    expect_code(&o, 2);
    assert_has(
        &o.stderr,
        &[
            "ignition::cli::unknown_participant",
            "r11",
            "did you mean `r1`",
        ],
    );
}

#[test]
fn run_unknown_period_exits_2_and_lists_the_periods() {
    let (dir, plan) = workspace(SMALL, &[("reps", REPS), ("deals", DEALS)]);
    let o = run_with(&plan, dir.path(), &["--period", "2026-Q9"]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert_has(
        &o.stderr,
        &[
            "ignition::cli::unknown_period",
            "2026-Q9",
            "2026-Q1",
            "2026-Q2",
        ],
    );
}

#[test]
fn run_duplicate_key_is_a_warning_and_the_first_row_wins() {
    // Line 3 repeats d1: the first d1 (r1, 100.00, Q1) is kept.
    let deals =
        "deal_id,owner,amount,close_date\nd1,r1,100.00,2026-01-05\nd1,r2,200.00,2026-04-05\n";
    let o = run_small_with_deals(deals, &["--format", "csv"]);
    let csv = ok(&o);
    let b = find_diag(
        &o.stderr,
        "ignition::data::duplicate_key",
        &["deals.csv", "d1"],
    );
    assert!(has_line(&b, 3), "line 3 not named: {b}");
    assert_eq!(value(csv, "r1", "2026-Q1", "bookings"), d("100.00"));
    assert_eq!(value(csv, "r2", "2026-Q2", "bookings"), d("0"));

    let o = run_small_with_deals(deals, &["--format", "csv", "--strict"]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    find_diag(
        &o.stderr,
        "ignition::data::duplicate_key",
        &["deals.csv", "d1"],
    );
}

#[test]
fn run_row_with_too_many_fields_exits_2() {
    let o = run_small_with_deals(
        "deal_id,owner,amount,close_date\nd1,r1,100.00,2026-01-05,extra\nd2,r2,200.00,2026-04-05\n",
        &[],
    );
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let b = find_diag(&o.stderr, "ignition::data::bad_cell", &["deals.csv:2:"]);
    assert!(b.contains('5') && b.contains('4'), "field counts: {b}");
}

#[test]
fn run_row_with_too_few_fields_exits_2() {
    let o = run_small_with_deals(
        "deal_id,owner,amount,close_date\nd1,r1,100.00,2026-01-05\nd2,r2,200.00\n",
        &[],
    );
    expect_code(&o, 2);
    find_diag(&o.stderr, "ignition::data::bad_cell", &["deals.csv:3:"]);
}

#[test]
fn run_unterminated_quote_exits_2() {
    // The quote opened on line 2 is never closed.
    let o = run_small_with_deals(
        "deal_id,owner,amount,close_date\nd1,\"r1,100.00,2026-01-05\nd2,r2,200.00,2026-04-05\n",
        &[],
    );
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let b = find_diag(&o.stderr, "ignition::data::bad_cell", &["deals.csv:2:"]);
    assert!(b.contains("quote"), "{b}");
}

#[test]
fn run_hierarchy_cycle_exits_2_naming_the_cycle() {
    // r1 → r2 → r3 → r1; r4 is at the top and not in the cycle.
    let reps = "rep_id,manager_id\nr1,r2\nr2,r3\nr3,r1\nr4,\n";
    let o = run_inline(HIER, &[("reps", reps), ("deals", DEALS)]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let b = find_diag(&o.stderr, "ignition::data::hierarchy_cycle", &["reps.csv"]);
    let rotations = [
        "r1 → r2 → r3 → r1",
        "r2 → r3 → r1 → r2",
        "r3 → r1 → r2 → r3",
    ];
    assert!(
        rotations.iter().any(|r| b.contains(r)),
        "the cycle r1 → r2 → r3 is not named: {b}"
    );
    // (Not `!b.contains("r4")`: the temporary folder's random name may hold "r4".)
    assert!(
        !b.contains("r4 →") && !b.contains("→ r4"),
        "r4 is not in the cycle: {b}"
    );
}

#[test]
fn run_manager_not_in_roster_exits_2() {
    // Line 3: r2 reports to m9, who is not in reps.
    let reps = "rep_id,manager_id\nr1,\nr2,m9\n";
    let o = run_inline(HIER, &[("reps", reps), ("deals", DEALS)]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    find_diag(
        &o.stderr,
        "ignition::data::unknown_manager",
        &["reps.csv:3", "r2", "m9"],
    );
}

#[test]
fn run_division_by_zero_without_otherwise_exits_2_naming_where() {
    let plan = SMALL
        .replace("    name: text\n", "    quota: money\n")
        .replace(
            "  payout commission = 10% * bookings",
            "  kpi attainment: percent = bookings / quota\n  payout commission = 10% * bookings when attainment >= 50%",
        );
    // r2's quota is 0: attainment divides by zero in both quarters.
    let reps = "rep_id,quota\nr1,1000.00\nr2,0.00\n";
    let o = run_inline(&plan, &[("reps", reps), ("deals", DEALS)]);
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "no results are written:\n{}", o.stdout);
    let (line, col) = locate(&plan, "bookings / quota");
    let b = find_diag(
        &o.stderr,
        "ignition::eval::no_value",
        &["division by zero", "`attainment`", "r2", "2026-Q1"],
    );
    assert!(b.contains(&format!("plan.plan:{line}:{col}")), "{b}");
    assert!(
        !diag_blocks(&o.stderr)
            .iter()
            .any(|b| b.starts_with("ignition::eval::no_value") && b.contains(" r1 ")),
        "r1 has a quota; nothing failed for r1:\n{}",
        o.stderr
    );
}

#[test]
fn run_without_data_is_a_usage_error() {
    let (_dir, plan) = workspace(SMALL, &[]);
    let o = outcome(ignition().arg("run").arg(&plan));
    expect_code(&o, 2);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    // issue 12, sources: `--data` may be left out for a project file, so its absence with
    // no `ignition.toml` is one diagnostic naming both.
    assert_has(
        &o.stderr,
        &["ignition::cli::argument", "--data", "ignition.toml"],
    );
}

#[test]
fn run_output_file_that_cannot_be_written_exits_2() {
    let (dir, plan) = workspace(SMALL, &[("reps", REPS), ("deals", DEALS)]);
    let target = dir.path().join("no-such-dir").join("out.csv");
    let o = outcome(
        ignition()
            .arg("run")
            .arg(&plan)
            .arg("--data")
            .arg(dir.path())
            .arg("-o")
            .arg(&target),
    );
    expect_code(&o, 2);
    assert_has(&o.stderr, &["ignition::cli::output", "out.csv"]);
}

// ================================================================ 4. output formats

const FIELD_SALES_COLUMNS: [&str; 11] = [
    "bookings",
    "quota",
    "attainment",
    "reply_rate",
    "exec_ratio",
    "quality_score",
    "commission",
    "spif",
    "quality_bonus",
    "override",
    "total",
];

#[test]
fn table_format_is_the_default_with_a_header() {
    let o = outcome(
        ignition()
            .arg("run")
            .arg(field_sales_plan())
            .arg("--data")
            .arg(field_sales_data()),
    );
    let out = ok(&o);
    let header = out
        .lines()
        .find(|l| l.trim_start().starts_with("participant"))
        .unwrap_or_else(|| panic!("no header line in:\n{out}"));
    let names: Vec<&str> = header.split_whitespace().collect();
    let mut want = vec!["participant", "period"];
    want.extend(FIELD_SALES_COLUMNS);
    assert_eq!(names, want, "header: {header}");
    // r01 2026-Q1 (the .md's worked example): commission 8,600.00, total 10,000.00,
    // attainment 130% — amounts to 2 decimals, percents as percents.
    let r01 = out
        .lines()
        .find(|l| l.starts_with("r01") && l.contains("2026-Q1"))
        .unwrap_or_else(|| panic!("no r01 2026-Q1 row in:\n{out}"));
    let cells: Vec<&str> = r01.split_whitespace().collect();
    assert_eq!(cells[2], "130,000.00", "{r01}");
    assert_eq!(cells[4], "130.00%", "{r01}");
    assert_eq!(cells[8], "8,600.00", "{r01}");
    assert_eq!(cells[12], "10,000.00", "{r01}");
    // 6 participants × 4 quarters.
    let rows = out
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|p| p.starts_with("2026-Q"))
        })
        .count();
    assert_eq!(rows, 24, "{out}");
}

#[test]
fn json_format_has_plan_currency_columns_and_results() {
    let o = run_with(
        &field_sales_plan(),
        &field_sales_data(),
        &["--format", "json"],
    );
    let out = ok(&o);
    let json: serde_json::Value = serde_json::from_str(out)
        .unwrap_or_else(|e| panic!("run --format json is not JSON ({e}):\n{out}"));
    assert_eq!(json["plan"], "Field Sales FY2026");
    assert_eq!(json["currency"], "EUR");
    let columns = json["columns"].as_array().expect("columns array");
    let names: Vec<&str> = columns
        .iter()
        .map(|c| c["name"].as_str().expect("column name"))
        .collect();
    assert_eq!(names, FIELD_SALES_COLUMNS);
    for c in columns {
        assert!(c["kind"].is_string() && c["unit"].is_string(), "{c}");
    }
    assert_eq!(columns[0]["kind"], "kpi");
    assert_eq!(columns[0]["unit"], "EUR");
    assert_eq!(columns[2]["unit"], "percent");
    assert_eq!(columns[6]["kind"], "payout");
    assert_eq!(columns[10]["kind"], "total");
    let actual = json_results(&json);
    assert_matches(&actual, &expected("field-sales.csv"), "json payouts");
    assert_matches(&actual, &expected("field-sales-kpis.csv"), "json KPIs");
}

#[test]
fn output_file_gets_the_results_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("out.csv");
    let o = outcome(
        ignition()
            .arg("run")
            .arg(field_sales_plan())
            .arg("--data")
            .arg(field_sales_data())
            .args(["--format", "csv", "-o"])
            .arg(&target),
    );
    expect_code(&o, 0);
    assert!(o.stdout.is_empty(), "stdout should be empty:\n{}", o.stdout);
    let written = std::fs::read_to_string(&target).expect("the output file is written");
    let direct = run_files(&field_sales_plan(), &field_sales_data());
    assert_eq!(written, ok(&direct), "-o FILE holds what stdout would");
    assert_matches(&table(&written), &expected("field-sales.csv"), "-o file");
}

#[test]
fn period_and_participant_options_filter_the_rows() {
    let o = run_with(
        &field_sales_plan(),
        &field_sales_data(),
        &[
            "--format",
            "csv",
            "--period",
            "2026-Q1",
            "--period",
            "2026-Q3",
            "--participant",
            "r01",
            "--participant",
            "m02",
        ],
    );
    let csv = ok(&o);
    let keys: BTreeSet<(String, String)> = table(csv).into_keys().collect();
    let want: BTreeSet<(String, String)> = [
        ("m02", "2026-Q1"),
        ("m02", "2026-Q3"),
        ("r01", "2026-Q1"),
        ("r01", "2026-Q3"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(keys, want, "{csv}");
    // Filtered rows keep their values (m02's override depends on unprinted reports).
    assert_eq!(value(csv, "m02", "2026-Q1", "override"), d("2112.35"));
    assert_eq!(value(csv, "r01", "2026-Q3", "total"), d("855.01"));

    let o = run_with(
        &field_sales_plan(),
        &field_sales_data(),
        &["--format", "csv", "--period", "2026-Q2"],
    );
    let keys: BTreeSet<(String, String)> = table(ok(&o)).into_keys().collect();
    assert_eq!(keys.len(), 6, "all six participants in Q2: {keys:?}");
    assert!(keys.iter().all(|(_, p)| p == "2026-Q2"), "{keys:?}");
}

// ================================================================ 5. determinism

/// The data rows of a CSV text in a fixed, non-trivial order (header first): row i of the
/// result is row (i × k + 3) mod n of the input, with k the smallest number ≥ 7 coprime to n.
fn permute_rows(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let n = rows.len();
    let gcd = |mut a: usize, mut b: usize| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let k = (7..).find(|&k| gcd(k, n) == 1).expect("a coprime stride");
    let mut out = String::from(header);
    out.push('\n');
    let mut seen = BTreeSet::new();
    for i in 0..n {
        let j = (i * k + 3) % n;
        assert!(seen.insert(j), "not a permutation");
        out.push_str(rows[j]);
        out.push('\n');
    }
    out
}

/// Field-sales data copied to a temp dir with deals.csv and activities.csv reordered.
fn shuffled_field_sales() -> tempfile::TempDir {
    let dir = copy_dir(&field_sales_data());
    for f in ["deals.csv", "activities.csv"] {
        let path = dir.path().join(f);
        let text = std::fs::read_to_string(&path).expect("read data");
        let shuffled = permute_rows(&text);
        assert_ne!(shuffled, text, "{f} is reordered");
        std::fs::write(&path, shuffled).expect("write data");
    }
    dir
}

#[test]
fn row_order_of_the_data_does_not_change_the_output() {
    let original = copy_dir(&field_sales_data());
    let shuffled = shuffled_field_sales();
    for format in ["csv", "json", "table"] {
        let a = run_with(&field_sales_plan(), original.path(), &["--format", format]);
        let b = run_with(&field_sales_plan(), shuffled.path(), &["--format", format]);
        assert_eq!(
            ok(&a),
            ok(&b),
            "--format {format}: output differs after reordering rows"
        );
    }
    // The reordered rows are still reported (at their new lines).
    let o = run_with(&field_sales_plan(), shuffled.path(), &["--format", "csv"]);
    find_diag(
        &o.stderr,
        "ignition::data::unknown_participant",
        &["D029", "r99"],
    );
    find_diag(&o.stderr, "ignition::data::outside_calendar", &["D001"]);
    find_diag(
        &o.stderr,
        "ignition::data::outside_calendar",
        &["activities.csv"],
    );
}

/// `run` with RAYON_NUM_THREADS set.
fn run_threads(plan: &Path, data: &Path, threads: &str, format: &str) -> Outcome {
    outcome(
        ignition()
            .env("RAYON_NUM_THREADS", threads)
            .arg("run")
            .arg(plan)
            .arg("--data")
            .arg(data)
            .args(["--format", format]),
    )
}

#[test]
fn thread_count_does_not_change_the_output() {
    let data = copy_dir(&field_sales_data());
    let shuffled = shuffled_field_sales();
    for dir in [data.path(), shuffled.path()] {
        for format in ["csv", "json"] {
            let one = run_threads(&field_sales_plan(), dir, "1", format);
            let two = run_threads(&field_sales_plan(), dir, "2", format);
            assert_eq!(
                ok(&one),
                ok(&two),
                "--format {format}: 1 vs 2 threads differ"
            );
        }
    }
}

#[test]
fn thread_count_does_not_change_the_reports_on_stderr() {
    let data = copy_dir(&field_sales_data());
    let one = run_threads(&field_sales_plan(), data.path(), "1", "csv");
    let two = run_threads(&field_sales_plan(), data.path(), "2", "csv");
    expect_code(&one, 0);
    expect_code(&two, 0);
    assert_eq!(one.stderr, two.stderr);
}

#[test]
fn thread_count_and_row_order_do_not_change_the_output_on_generated_data() {
    // Enough rows that parsing and evaluation are split across threads.
    let dir = tempfile::tempdir().expect("temp dir");
    let gen = outcome(
        assert_cmd::Command::cargo_bin("ignition-datagen")
            .expect("datagen built")
            .args([
                "--reps",
                "300",
                "--deals",
                "20000",
                "--activities",
                "40000",
                "--seed",
                "7",
                "--out",
            ])
            .arg(dir.path()),
    );
    assert_eq!(gen.code, 0, "datagen failed:\n{}", gen.stderr);
    let reference = run_threads(&field_sales_plan(), dir.path(), "1", "csv");
    let reference_out = ok(&reference);
    for threads in ["2", "8"] {
        let o = run_threads(&field_sales_plan(), dir.path(), threads, "csv");
        assert!(
            ok(&o) == reference_out,
            "{threads} threads: CSV differs from 1 thread"
        );
        assert_eq!(
            o.stderr, reference.stderr,
            "{threads} threads: stderr differs"
        );
    }
    let shuffled = tempfile::tempdir().expect("temp dir");
    for f in ["reps.csv", "deals.csv", "activities.csv"] {
        let text = std::fs::read_to_string(dir.path().join(f)).expect("read generated");
        let text = if f == "reps.csv" {
            text
        } else {
            permute_rows(&text)
        };
        std::fs::write(shuffled.path().join(f), text).expect("write shuffled");
    }
    let o = run_threads(&field_sales_plan(), shuffled.path(), "4", "csv");
    assert!(
        ok(&o) == reference_out,
        "reordered generated rows: CSV differs"
    );
}

// ================================================================ 6. quoted CSV fields

#[test]
fn quoted_names_with_commas_and_doubled_quotes_load() {
    // The plan pays a marker per exact name, so the names must be read exactly:
    // `Doe, Jane` (a quoted comma) and `Bruno "The Closer" Keller` (doubled quotes).
    let plan = SMALL.replace(
        "  payout commission = 10% * bookings",
        "  payout jane = 100 EUR when name == \"Doe, Jane\"\n  payout closer = 10 EUR when name == \"Bruno \\\"The Closer\\\" Keller\"",
    );
    let reps = "rep_id,name\nr1,\"Doe, Jane\"\nr2,\"Bruno \"\"The Closer\"\" Keller\"\nr3,Plain\n";
    let o = run_inline(&plan, &[("reps", reps), ("deals", DEALS)]);
    let csv = ok(&o);
    assert!(!o.stderr.contains("bad_cell"), "{}", o.stderr);
    for q in ["2026-Q1", "2026-Q2"] {
        assert_eq!(value(csv, "r1", q, "jane"), d("100.00"), "r1 {q}");
        assert_eq!(value(csv, "r1", q, "closer"), d("0"), "r1 {q}");
        assert_eq!(value(csv, "r2", q, "jane"), d("0"), "r2 {q}");
        assert_eq!(value(csv, "r2", q, "closer"), d("10.00"), "r2 {q}");
        assert_eq!(value(csv, "r3", q, "total"), d("0"), "r3 {q}");
    }
    // Both quarters of r1 and r2: bookings still credited through the quoted roster.
    assert_eq!(value(csv, "r1", "2026-Q1", "bookings"), d("100.00"));
    assert_eq!(value(csv, "r2", "2026-Q2", "bookings"), d("200.00"));
}

#[test]
fn field_sales_with_quoted_rep_names_gives_the_same_results() {
    let dir = copy_dir(&field_sales_data());
    let reps = "rep_id,name,role,manager_id,region,annual_quota,base_salary,start_date
m01,\"Doe, Jane\",Regional VP,,North,200000.00,120000.00,2023-03-01
m02,\"Bruno \"\"The Closer\"\" Keller\",Sales Manager,m01,North,300000.00,100000.00,2024-06-15
r01,Chloe Dubois,Account Executive,m01,North,400000.00,80000.00,2025-01-06
r02,\"David Osei\",Account Executive,m02,\"North\",360000.00,144000.00,2024-09-02
r03,Emma Rossi,Account Executive,m02,South,\"480000.00\",96000.00,2026-04-01
r04,Farid Haddad,Account Executive,m02,South,400000.00,80000.00,2026-02-16
";
    std::fs::write(dir.path().join("reps.csv"), reps).expect("write reps");
    let o = run_files(&field_sales_plan(), dir.path());
    let csv = ok(&o);
    assert_matches(&table(csv), &expected("field-sales.csv"), "quoted reps");
    assert_matches(
        &table(csv),
        &expected("field-sales-kpis.csv"),
        "quoted reps",
    );
}

#[test]
fn line_numbers_count_physical_lines_after_a_multiline_quoted_field() {
    // The quoted owner of d1 spans lines 2–3, so d2's bad amount is on line 4, column 7.
    let o = run_small_with_deals(
        "deal_id,owner,amount,close_date\nd1,\"r1\nr1\",100.00,2026-01-05\nd2,r2,x,2026-01-05\n",
        &[],
    );
    expect_code(&o, 2);
    assert_has(&o.stderr, &["deals.csv:4:7", "amount", "`x`"]);
}
