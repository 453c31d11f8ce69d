//! issue 11, monitoring during a period: `--as-of DATE` on `run` and `explain`, and `pace`.

use crate::harness::Test;

const PLAN: &str = r#"plan "Pace" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-12-31
  input reps key rep_id {
    rep_id: text
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
  kpi projected = pace(bookings)
  kpi so_far = ytd(bookings)
}
"#;

const DEALS: &str = "deal_id,owner,amount,close_date
d1,r1,9000,2026-02-01
d2,r1,3000,2026-04-05
d3,r1,4000,2026-04-20
d4,r1,5000,2026-04-21
d5,r1,7000,2026-08-01
";

fn pace() -> Test {
    Test::new()
        .plan(PLAN)
        .table("reps", "rep_id\nr1\n")
        .table("deals", DEALS)
}

#[test]
fn as_of_counts_rows_up_to_the_day_and_projects_the_period_to_its_end() {
    // As of 2026-04-20, Q2 has d2 and d3: 3,000 + 4,000 = 7,000 (d4 on 04-21 and d5 in Q3
    // are not counted). Q2 runs 2026-04-01 to 2026-06-30: 91 days, 20 elapsed (04-01 to
    // 04-20, both included): pace 7,000 × 91 / 20 = 31,850. Q1 is over: its pace is its
    // value, 9,000. Q3 and Q4 are not reported. ytd: 9,000 + 7,000 = 16,000.
    pace()
        .args([
            "run",
            "plan.plan",
            "--data",
            ".",
            "--format",
            "csv",
            "--as-of",
            "2026-04-20",
        ])
        .stdout(
            "participant,period,bookings,projected,so_far,total\n\
             r1,2026-Q1,9000.00,9000.00,9000.00,0.00\n\
             r1,2026-Q2,7000.00,31850.00,16000.00,0.00\n",
        )
        .run();
}

#[test]
fn without_as_of_the_pace_is_the_value() {
    // Q2 without a cut: 3,000 + 4,000 + 5,000 = 12,000, and every period is reported.
    pace()
        .args(["run", "plan.plan", "--data", ".", "--format", "csv"])
        .stdout_has("r1,2026-Q2,12000.00,12000.00,21000.00,0.00\n")
        .stdout_has("r1,2026-Q4,0.00,0.00,28000.00,0.00\n")
        .run();
}

#[test]
fn explain_shows_the_data_cut_and_the_days_of_the_pace() {
    pace()
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--as-of",
            "2026-04-20",
            "--participant",
            "r1",
            "--period",
            "2026-Q2",
            "projected",
        ])
        .stdout_has(
            "as of 2026-04-20: rows dated after it are not counted; 2026-Q2 to date: 20 of 91 days",
        )
        .stdout_has("projected = 31,850.00 EUR")
        .stdout_has("to date: 20 of 91 days; projected × 91 / 20")
        .run();
}

#[test]
fn as_of_outside_the_calendar_or_not_a_date_is_an_error() {
    pace()
        .args(["run", "plan.plan", "--data", ".", "--as-of", "2027-01-01"])
        .status(2)
        .stderr_has("--as-of 2027-01-01 is outside the plan's periods, 2026-01-01 to 2026-12-31")
        .stderr_has("give a day from 2026-01-01 to 2026-12-31")
        .run();
    pace()
        .args(["run", "plan.plan", "--data", ".", "--as-of", "2026-13-01"])
        .status(2)
        .stderr_has("--as-of")
        .run();
    // A period after the cut is not there to explain.
    pace()
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--as-of",
            "2026-04-20",
            "--participant",
            "r1",
            "--period",
            "2026-Q3",
        ])
        .status(2)
        .stderr_has("2026-Q3")
        .run();
}
