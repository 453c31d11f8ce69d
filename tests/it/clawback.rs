//! issue 10, clawbacks: `clawback(VALUE, cancelled: COLUMN, within: DAYS)`. Bad inputs (code,
//! message, help, underlined text), the run-time errors, and explain of the rows taken back
//! on the example plan `plans/ae-draw`. The hand-worked figures are plan tests:
//! `tests/rules/clawbacks_take_back_the_share_paid_within_the_window.test.plan` and
//! `plans/ae-draw/payouts.test.plan`.

use crate::common::{ignition, outcome, run_in_process};
use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use ignition::diagnostics::{render_plain, Diag};

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// The diagnostics plan with a `cancel_date` on deals and `extra` definitions.
fn plan(extra: &str) -> String {
    plan_with(extra).replace(
        "    stage: text\n  }",
        "    stage: text\n    cancel_date: date?\n  }",
    )
}

fn expect(src: &str, expected: ExpectedDiag) -> String {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
    render_plain(std::slice::from_ref(found), 100)
}

#[test]
fn a_clawback_of_a_payout_or_a_kpi_checks_clean() {
    let src = plan(
        "  payout back = clawback(commission, cancelled: cancel_date, within: 90 days) may be negative\n  \
         kpi cancelled = clawback(bookings, cancelled: cancel_date, within: 30 days)\n",
    );
    let errors: Vec<Diag> = diags(&src).into_iter().filter(Diag::is_error).collect();
    assert!(errors.is_empty(), "{}", render_plain(&errors, 100));
    let checked = ignition::compile_str("plan.plan", &src).expect("checks");
    let back = checked.plan.def_named("back").expect("back");
    assert_eq!(checked.plan.defs[back].ty.to_string(), "money(EUR)");
}

#[test]
fn a_clawback_payout_not_declared_negative_is_warned() {
    let src =
        plan("  payout back = clawback(commission, cancelled: cancel_date, within: 90 days)\n");
    expect(
        &src,
        ExpectedDiag::warning(
            "ignition::check::negative_payout",
            "payout `back` can be negative: it takes back what was paid on cancelled rows",
        )
        .help("add `floor back at 0 EUR` or wrap it in max(…, 0 EUR); if a negative amount is intended (a clawback), write `may be negative` after the payout")
        .label("may be below zero")
        .underlined("clawback(commission, cancelled: cancel_date, within: 90 days)"),
    );
}

#[test]
fn the_value_is_a_definition_named_alone() {
    let src = plan(
        "  payout back = clawback(commission * 2, cancelled: cancel_date, within: 90 days) may be negative\n",
    );
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::clawback_value",
            "`clawback` takes back what a definition paid; `commission * 2` is not a payout or KPI amount",
        )
        .help("name a payout (or a KPI) alone, one of: bookings, quota, attainment, commission, back")
        .label("not a payout or KPI")
        .underlined("commission * 2"),
    );
    insta::assert_snapshot!("clawback_value", r);
}

#[test]
fn a_value_reading_no_credited_rows_has_nothing_to_attribute() {
    let src = plan(
        "  kpi doubled = quota * 2\n  \
         payout back = clawback(doubled, cancelled: cancel_date, within: 90 days) may be negative\n",
    );
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::clawback_base",
            "`doubled` is not computed from credited rows: nothing of it can be attributed to a cancelled row",
        )
        .help("a clawback takes back each cancelled row's share of the one `sum(…)` or `count(…)` of credited rows the value reads (directly or through its KPIs), e.g. `payout commission = sum(won.amount) * 8%`")
        .label("reads no sum or count of credited rows")
        .underlined("doubled"),
    );
    insta::assert_snapshot!("clawback_no_base", r);
}

#[test]
fn a_value_reading_two_sums_is_ambiguous() {
    // Through a KPI read twice (`bookings` by the rate and the base) is one base; a second
    // aggregate is another.
    let src = plan(
        "  payout mixed = commission + 300 EUR * count(won)\n  \
         payout back = clawback(mixed, cancelled: cancel_date, within: 90 days) may be negative\n",
    );
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::clawback_base",
            "`mixed` reads 2 sums or counts of credited rows: a cancelled row's share of it is ambiguous",
        )
        .help("claw back one component at a time: give each sum its own payout (`sum(won.amount)` and `count(won)`), or make both read one KPI")
        .label("clawed back here")
        .label("one base")
        .label("another")
        .underlined("mixed"),
    );
    insta::assert_snapshot!("clawback_two_bases", r);
}

#[test]
fn cancelled_names_a_date_column_of_the_credited_rows() {
    let src = plan(
        "  payout back = clawback(commission, cancelled: canceled_date, within: 90 days) may be negative\n",
    );
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::clawback_cancelled",
            "`cancelled: canceled_date`: `canceled_date` is not a column of `deals`",
        )
        .help("name a date column of `deals`: close_date, cancel_date")
        .label("the day a row was cancelled")
        .underlined("canceled_date"),
    );
    insta::assert_snapshot!("clawback_cancelled_unknown", r);
    let src = plan(
        "  payout back = clawback(commission, cancelled: stage, within: 90 days) may be negative\n",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::clawback_cancelled",
            "`cancelled: stage`: `stage` is text, not a date",
        )
        .help("name a date column of `deals`: close_date, cancel_date")
        .label("the day a row was cancelled")
        .underlined("stage"),
    );
}

#[test]
fn the_window_is_a_number_of_days() {
    let src = plan(
        "  payout back = clawback(commission, cancelled: cancel_date, within: 90) may be negative\n",
    );
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::clawback_window",
            "the clawback window is an integer, not a number of days",
        )
        .help("write the window in days, e.g. `within: 90 days`")
        .label("not days")
        .underlined("90"),
    );
    insta::assert_snapshot!("clawback_window", r);
}

#[test]
fn a_clawback_inside_a_filter_or_with_missing_arguments_is_refused() {
    let src = plan(
        "  let big = deals where amount > clawback(commission, cancelled: cancel_date, within: 90 days)\n  \
         kpi n = count(big)\n",
    );
    assert!(diags(&src)
        .iter()
        .any(|d| d.code == "ignition::check::argument"
            || d.code == "ignition::check::across_in_where"));
    let src = plan("  payout back = clawback(commission, within: 90 days) may be negative\n");
    let all = diags(&src);
    assert!(
        all.iter()
            .any(|d| d.is_error() && d.message.contains("cancelled")),
        "{}",
        render_plain(&all, 100)
    );
}

// ---------------------------------------------------------------- run-time errors

const RUN_PLAN: &str = r#"plan "clawback errors" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  rounding payouts to 0.01 half-even
  input reps key rep_id { rep_id: text }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    close_date: date
    cancel_date: date?
  }
  participants reps
  credit deals to owner by close_date
  payout fee = 100 EUR + sum(deals.amount) * 1%
  payout back = clawback(fee, cancelled: cancel_date, within: 90 days) may be negative
}
"#;

#[test]
fn a_cancel_date_before_the_credit_date_stops_the_run_with_the_row() {
    let o = run_in_process(
        RUN_PLAN,
        &[
            ("reps", "rep_id\nr1\n"),
            (
                "deals",
                "deal_id,owner,amount,close_date,cancel_date\nd1,r1,1000,2026-01-10,2026-01-05\n",
            ),
        ],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("ignition::eval::clawback"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("deals.csv:2 is cancelled on 2026-01-05, before its credit date 2026-01-10"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_base_that_adds_up_to_zero_has_no_share_unless_a_fallback_is_stated() {
    // Q1: +1,000 and −1,000: the base is 0, the fee paid 100 + 0 = 100. d1 cancelled in Q2
    // has no share of it: no value, unless `otherwise` says what to take back.
    let deals = "deal_id,owner,amount,close_date,cancel_date\n\
                 d1,r1,1000,2026-01-10,2026-04-01\n\
                 d2,r1,-1000,2026-01-11,\n";
    let o = run_in_process(RUN_PLAN, &[("reps", "rep_id\nr1\n"), ("deals", deals)]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "`fee` paid 100.00 in 2026-Q1 on rows whose `sum(deals.amount)` adds up to 0"
        ),
        "{}",
        o.stderr
    );
    let fallback = RUN_PLAN.replace(
        "within: 90 days) may be negative",
        "within: 90 days) otherwise 0 EUR may be negative",
    );
    let o = run_in_process(&fallback, &[("reps", "rep_id\nr1\n"), ("deals", deals)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn a_negative_window_is_a_run_time_error() {
    let plan = RUN_PLAN.replace("within: 90 days", "within: 0 days - 1 days");
    let o = run_in_process(
        &plan,
        &[
            ("reps", "rep_id\nr1\n"),
            (
                "deals",
                "deal_id,owner,amount,close_date,cancel_date\nd1,r1,1000,2026-01-10,\n",
            ),
        ],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "the clawback window is -1 days: it must be a whole number of days, 0 or more"
        ),
        "{}",
        o.stderr
    );
}

// ---------------------------------------------------------------- explain

const AE: &str = "plans/ae-draw/plan.plan";

fn explain(participant: &str, period: &str, names: &[&str], format: &str) -> String {
    let out = outcome(
        ignition()
            .args(["explain", AE, "--data", "plans/ae-draw/data"])
            .args(["--participant", participant, "--period", period])
            .args(["--format", format])
            .args(names),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn explain_lists_each_row_taken_back_and_each_row_after_the_window() {
    // r2 in September: D08, 20,000 closed August 3, cancelled September 15 (28 + 15 = 43
    // days): August paid 1,600 (20,000 × 8%) on 20,000 bookings: 1,600 × 20,000 / 20,000 =
    // 1,600 taken back.
    let text = explain("r2", "2026-09", &["clawback", "cancelled_bookings"], "text");
    assert!(
        text.contains(
            "2026-08 paid 1,600.00 EUR × 20,000.00 EUR / 20,000.00 EUR = 1,600.00 EUR taken back"
        ),
        "{text}"
    );
    insta::assert_snapshot!("clawback_ae_r2_sep", text);
    // r4 in December: D09, closed August 20, cancelled December 1 (11 + 30 + 31 + 30 + 1 =
    // 103 days): after the 90-day window, nothing.
    let text = explain("r4", "2026-12", &["clawback"], "text");
    assert!(
        text.contains("103 days later: cancelled after the 90-day window: nothing taken back"),
        "{text}"
    );
    insta::assert_snapshot!(
        "clawback_ae_r4_dec_json",
        explain("r4", "2026-12", &["clawback"], "json")
    );
}

#[test]
fn hostile_windows_and_amounts_are_values_or_located_errors() {
    // A window of 0 days (the close day only), one past any calendar, and amounts at the
    // edge of a decimal: each run gives values or diagnostics, never a panic.
    // 28 digits, the most a cell holds.
    let huge = "7922816251426433759354395033";
    // Q1 pays 100 + 2,000 × 1% = 120 on the two deals of 1,000: d1's share is 60.
    let cases = [
        // Cancelled on its close day: 0 days, inside a window of 0: −60.00 in Q1.
        ("0 days", "1000", "2026-01-10", 0, Some(("2026-Q1", "-60"))),
        // The next day is after it.
        ("0 days", "1000", "2026-01-11", 0, Some(("2026-Q1", "0"))),
        // 171 days, inside a window past any calendar: −60.00 in Q2.
        (
            "999999999999 days",
            "1000",
            "2026-06-30",
            0,
            Some(("2026-Q2", "-60")),
        ),
        // Two deals of 7,922,816,251,426,433,759,354,395,033: Q1's fee is 100 +
        // 15,845,632,502,852,867,518,708,790,066 × 1% = 158,456,325,028,528,675,187,088,000.66;
        // d1 is half of the base: 79,228,162,514,264,337,593,544,000.33 back in Q2, exactly.
        (
            "90 days",
            huge,
            "2026-04-01",
            0,
            Some(("2026-Q2", "-79228162514264337593544000.33")),
        ),
    ];
    for (within, amount, cancelled, code, want) in cases {
        let plan = RUN_PLAN.replace("within: 90 days", &format!("within: {within}"));
        let deals = format!(
            "deal_id,owner,amount,close_date,cancel_date\nd1,r1,{amount},2026-01-10,{cancelled}\nd2,r1,{amount},2026-01-12,\n"
        );
        let o = run_in_process(&plan, &[("reps", "rep_id\nr1\n"), ("deals", &deals)]);
        assert_eq!(o.code, code, "{within} {amount} {cancelled}:\n{}", o.stderr);
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
        if let Some((period, back)) = want {
            assert_eq!(
                crate::common::value(&o.stdout, "r1", period, "back"),
                crate::common::d(back),
                "{within} {cancelled}"
            );
        }
        if code == 2 {
            assert!(o.stderr.contains("ignition::eval::"), "{}", o.stderr);
        }
    }
}

#[test]
fn a_clawback_parses_as_a_call_with_named_arguments_and_formats_back_to_itself() {
    use ignition::diagnostics::SourceFile;
    use ignition::syntax::format::{format, same_meaning};
    use ignition::syntax::parser::parse_unit;
    // Written across lines, with the arguments by position: `fmt` puts it back on one line
    // with the same meaning, and formatting that again changes nothing.
    let text = plan(
        "  payout back = clawback(commission,\n      cancel_date, 90 days)   may be negative\n",
    );
    let src = SourceFile::new("plan.plan", text.clone());
    let unit = parse_unit(&src).expect("parses");
    let out = format(&text, &unit);
    assert!(
        out.contains("payout back = clawback(commission, cancel_date, 90 days) may be negative"),
        "{out}"
    );
    let again_src = SourceFile::new("plan.plan", out.clone());
    let again = parse_unit(&again_src).expect("the formatted text parses");
    assert!(same_meaning(&unit, &again));
    assert_eq!(format(&out, &again), out);
    // By position it checks as by name.
    let errors: Vec<Diag> = diags(&text).into_iter().filter(Diag::is_error).collect();
    assert!(errors.is_empty(), "{}", render_plain(&errors, 100));
}

#[test]
fn the_statement_shows_the_clawback_and_as_of_a_day_before_the_cancellation_there_is_none() {
    // plans/ae-draw, r2 in September: D08 (20,000 closed August 3) cancelled September 15:
    // August paid 20,000 × 8% = 1,600.00, taken back: −1,600.00, the month's total. Paid
    // before: 3,600 (January) + 600 (March's true-up) − 600 (June's) + 1,600 (August) =
    // 5,200.00. September's true-up: 45,000 not cancelled at 8% = 3,600 earned − 5,200 −
    // 0 − (−1,600) = 0.00.
    let out = outcome(
        ignition()
            .args(["statement", AE, "--data", "plans/ae-draw/data"])
            .args([
                "--period",
                "2026-09",
                "--participant",
                "r2",
                "--format",
                "csv",
            ]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in [
        "r2,2026-09,clawback,clawback,-1600.00,EUR,yes,",
        "r2,2026-09,true-up,true_up,0.00,EUR,yes,",
        "r2,2026-09,total,total,-1600.00,EUR,yes,",
        "r2,2026-09,previously paid,paid_before,5200.00,EUR,no,",
    ] {
        assert!(out.stdout.contains(line), "{line} in\n{}", out.stdout);
    }
    // As of September 10 the cancellation (the 15th) has not happened: nothing taken back.
    for (day, want) in [("2026-09-10", "0.00"), ("2026-09-15", "-1600.00")] {
        let out = outcome(
            ignition()
                .args(["run", AE, "--data", "plans/ae-draw/data"])
                .args(["--participant", "r2", "--as-of", day, "--format", "csv"]),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            crate::common::value(&out.stdout, "r2", "2026-09", "clawback"),
            crate::common::d(want),
            "as of {day}"
        );
    }
}
