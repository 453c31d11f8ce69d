//! Issue 10, calendars: `periods listed in "FILE"` — a 4-4-5 retail calendar from a file,
//! its quarters and years (from the file's columns) for `qtd`, `is_quarter_end()` and
//! `run --rollup`, and the diagnostics of a bad file, located at file:line:column.

use crate::harness::Test;

const PLAN: &str = r#"plan "Retail" {
  currency USD
  periods listed in "calendar.csv"
  rounding payouts to 0.01 half-up
  input reps key rep_id {
    rep_id: text
  }
  input deals key deal_id {
    deal_id: text
    rep_id: text
    amount: money
    closed_on: date
  }
  participants reps
  credit deals to rep_id by closed_on
  kpi bookings = sum(deals.amount)
  kpi quarter_bookings = qtd(bookings)
  payout commission = 10% * bookings
  payout quarter_bonus = 100 USD when is_quarter_end()
}
"#;

/// Four periods of a 4-4-5 year: P01 (4 weeks), P02 (4), P03 (5: 1 March – 4 April) make
/// FY26-Q1; P04 opens FY26-Q2.
const CALENDAR: &str = "period,from,to,quarter,year\n\
P01,2026-01-04,2026-01-31,FY26-Q1,FY26\n\
P02,2026-02-01,2026-02-28,FY26-Q1,FY26\n\
P03,2026-03-01,2026-04-04,FY26-Q1,FY26\n\
P04,2026-04-05,2026-05-02,FY26-Q2,FY26\n";

const TESTS: &str = r#"tests for "plan.plan"

test "a 4-4-5 calendar from a file" {
  reps  { rep_id: "r1" }
  deals { deal_id: "d1", rep_id: "r1", amount: 1000 USD, closed_on: 2026-01-10 }
  deals { deal_id: "d2", rep_id: "r1", amount: 2000 USD, closed_on: 2026-04-02 }
  deals { deal_id: "d3", rep_id: "r1", amount: 500 USD, closed_on: 2026-04-05 }

  // 10 January is in P01 (4–31 January): 1,000; 10% × 1,000 = 100.00.
  expect bookings for "r1" in P01 == 1000 USD
  expect commission for "r1" in P01 == 100.00 USD
  // P01 is not the last period of FY26-Q1: no bonus.
  expect quarter_bonus for "r1" in P01 == 0 USD
  // P02 has no deal; the quarter to date is still P01's 1,000.
  expect bookings for "r1" in P02 == 0 USD
  expect quarter_bookings for "r1" in P02 == 1000 USD
  // 2 April is in P03 (1 March – 4 April), not in a calendar April: 2,000; the quarter to
  // date 1,000 + 0 + 2,000 = 3,000; P03 closes FY26-Q1: the bonus pays 100.
  expect bookings for "r1" in P03 == 2000 USD
  expect quarter_bookings for "r1" in P03 == 3000 USD
  expect quarter_bonus for "r1" in P03 == 100 USD
  // 5 April opens P04 and FY26-Q2: the quarter to date restarts at 500.
  expect quarter_bookings for "r1" in P04 == 500 USD
  expect commission for "r1" in P04 == 50.00 USD
}
"#;

#[test]
fn a_listed_calendar_names_its_periods_and_quarters() {
    Test::new()
        .plan(PLAN)
        .file("calendar.csv", CALENDAR)
        .file("plan.test.plan", TESTS)
        .args(["test", "plan.test.plan"])
        .stdout_has("1 passed")
        .run();
}

#[test]
fn rollup_uses_the_quarters_the_file_names() {
    // FY26-Q1: commission 100 + 0 + 200 = 300, bonus 100 (P03) → 400.00;
    // FY26-Q2: commission 50, bonus 100 (P04, the last period, closes its quarter) → 150.00.
    Test::new()
        .plan(PLAN)
        .file("calendar.csv", CALENDAR)
        .table("reps", "rep_id\nr1\n")
        .table(
            "deals",
            "deal_id,rep_id,amount,closed_on\nd1,r1,1000,2026-01-10\n\
             d2,r1,2000,2026-04-02\nd3,r1,500,2026-04-05\n",
        )
        .args([
            "run",
            "plan.plan",
            "--data",
            ".",
            "--rollup",
            "quarter",
            "--format",
            "csv",
            "--columns",
            "commission,quarter_bonus,total",
        ])
        .stdout_has("r1,FY26-Q1,300.00,100.00,400.00")
        .stdout_has("r1,FY26-Q2,50.00,100.00,150.00")
        .run();
}

#[test]
fn a_gap_in_the_calendar_file_is_located_in_the_file() {
    let gap = "period,from,to\nP01,2026-01-04,2026-01-31\nP02,2026-02-02,2026-02-28\n";
    Test::new()
        .plan(PLAN)
        .file("calendar.csv", gap)
        .args(["check", "plan.plan"])
        .status(1)
        .stderr_has("ignition::check::calendar_listed")
        .stderr_has("period `P02` starts on 2026-02-02: it leaves a gap after the period before")
        .stderr_has("calendar.csv:3:5")
        .stderr_has("start it on 2026-02-01")
        .run();
}

#[test]
fn a_missing_calendar_file_is_an_error_at_its_path() {
    Test::new()
        .plan(PLAN)
        .args(["check", "plan.plan"])
        .status(1)
        .stderr_has("ignition::check::calendar_file")
        .stderr_has("cannot read the calendar file `calendar.csv`")
        .stderr_has("plan.plan:3:21")
        .run();
}

#[test]
fn fmt_prints_a_listed_calendar_back() {
    let plan = PLAN.replace(
        "periods listed in \"calendar.csv\"",
        "periods   listed in \"calendar.csv\"  fiscal year from february",
    );
    let want = PLAN.replace(
        "periods listed in \"calendar.csv\"",
        "periods listed in \"calendar.csv\" fiscal year from february",
    );
    // The formatted text is left as it is; the other is told what would change.
    Test::new()
        .plan(&want)
        .args(["fmt", "--check", "plan.plan"])
        .run();
    Test::new()
        .plan(&plan)
        .args(["fmt", "--check", "plan.plan"])
        .status(1)
        .stdout_has("periods listed in \"calendar.csv\" fiscal year from february")
        .run();
}
