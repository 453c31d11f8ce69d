//! Evaluation rules, one per test, each on a tiny plan.
//!
//! Most rules are plan tests (docs/language.md §18) in `tests/rules/NAME.test.plan`, each
//! naming its plan `tests/rules/*.plan`, run in this process by the library that
//! `ignition test` uses. The rules a plan test cannot state (an error exit, what the CSV
//! output leaves out) are Rust tests below, on inline CSV, also in this process.
//!
//! Every expected figure is worked out by hand in the comment beside its expectation: the
//! figures are the contract, never numbers copied from the program's output.

use crate::common;

use common::{run_in_process, table, Outcome};
use ignition::testing::{self, Status};
use std::path::Path;

/// Two quarters: 2026-Q1 (Jan 31 + Feb 28 + Mar 31 = 90 days) and 2026-Q2 (Apr 30 + May 31 + Jun 30 = 91 days).
const H1: &str = "quarterly from 2026-01-01 to 2026-06-30";
/// One quarter: 2026-Q1 only.
const Q1: &str = "quarterly from 2026-01-01 to 2026-03-31";

/// A plan over `reps` (`rep_id` plus `rep_cols`) and `deals` credited to their owner by close date;
/// `body` holds the definitions under test.
fn plan(periods: &str, rep_cols: &str, body: &str) -> String {
    format!(
        r#"plan "eval rules" {{
  currency EUR
  periods {periods}

  input reps key rep_id {{
    rep_id: text
{rep_cols}
  }}
  input deals key deal_id {{
    deal_id: text
    owner: text
    amount: money
    close_date: date
    stage: text
    product: text
  }}

  participants reps
  credit deals to owner by close_date

{body}
}}
"#
    )
}

/// The run's CSV output, after checking that it succeeded.
fn ok(o: &Outcome) -> &str {
    assert_eq!(o.code, 0, "run failed (exit {}):\n{}", o.code, o.stderr);
    &o.stdout
}

/// Two reps; r1 has five deals in Q1 and one in Q2, r2 one deal in Q1.
const REPS_R1_R2: &str = "rep_id\nr1\nr2\n";
/// r1 in 2026-Q1: d1 10,000 Won Platform · d2 60,000 Won Addon · d3 80,000 Lost Platform (Mar 31, last day of Q1)
///                · d4 20,000 Won Platform · d5 5,000 Lost Addon
/// r1 in 2026-Q2: d7 77,000 Won Services (Apr 1, first day of Q2)
/// r2 in 2026-Q1: d6 99,000 Won Platform; r2 has nothing in Q2.
const DEALS: &str = "deal_id,owner,amount,close_date,stage,product
d1,r1,10000.00,2026-01-15,Won,Platform
d2,r1,60000.00,2026-02-10,Won,Addon
d3,r1,80000.00,2026-03-31,Lost,Platform
d4,r1,20000.00,2026-02-01,Won,Platform
d5,r1,5000.00,2026-03-01,Lost,Addon
d6,r2,99000.00,2026-01-20,Won,Platform
d7,r1,77000.00,2026-04-01,Won,Services
";

fn run_on_deals(body: &str) -> Outcome {
    run_in_process(
        &plan(H1, "", body),
        &[("reps", REPS_R1_R2), ("deals", DEALS)],
    )
}

/// Run the plan tests of `tests/rules/NAME.test.plan` in this process; every one must pass.
fn rule(name: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/rules")
        .join(format!("{name}.test.plan"));
    let suites = testing::discover(&[file]).unwrap_or_else(|diags| {
        panic!(
            "{name}.test.plan does not load:\n{}",
            ignition::diagnostics::render_plain(&diags, 100)
        )
    });
    let outcomes: Vec<testing::Outcome> = suites
        .iter()
        .flat_map(|s| testing::run_suite(s, None))
        .collect();
    assert!(!outcomes.is_empty(), "{name}.test.plan holds no test");
    for o in &outcomes {
        let mut why = String::new();
        for f in &o.failures {
            why.push_str(&format!(
                "{}  ({})\n  expected {}\n  actual   {}\n{}\n",
                f.expectation,
                f.at,
                f.expected,
                f.actual,
                f.explanation.as_deref().unwrap_or("")
            ));
        }
        why.push_str(&ignition::diagnostics::render_plain(&o.errors, 100));
        assert_eq!(o.status, Status::Passed, "{}: {}\n{why}", o.file, o.name);
    }
}

/// One `#[test]` per plan-test file, named as the file.
macro_rules! rules {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                rule(stringify!($name));
            }
        )*
    };
}

rules! {
    sum_adds_the_filtered_rows_of_this_participant_and_period,
    credit_splits_credit_each_participant_its_share,
    count_counts_the_filtered_rows_of_this_participant_and_period,
    avg_divides_the_filtered_sum_by_the_filtered_count,
    min_and_max_take_the_extremes_of_the_filtered_rows,
    count_distinct_counts_different_values_of_the_filtered_rows,
    count_distinct_treats_equal_amounts_written_differently_as_one,
    where_with_and_keeps_rows_matching_both_conditions,
    where_with_or_keeps_rows_matching_either_condition,
    where_and_binds_tighter_than_or,
    where_with_not_keeps_rows_failing_the_condition,
    where_with_not_equal_on_text,
    where_compares_money_with_a_money_literal,
    where_text_equality_is_exact,
    let_row_set_is_reused_by_several_aggregates,
    let_scalar_helper_is_used_like_a_value,
    marginal_with_per_pays_each_slice_at_its_band_rate,
    marginal_without_per_uses_money_bands_directly,
    flat_applies_the_reached_band_rate_to_the_whole_base,
    lookup_returns_the_band_amount,
    band_edges_are_half_open_a_value_on_an_edge_goes_to_the_upper_band,
    when_gate_pays_the_component_only_when_true,
    cap_on_a_component_limits_that_component,
    cap_total_limits_the_sum_but_not_the_components,
    floor_total_raises_the_sum_to_the_floor,
    floor_applies_before_cap_on_one_payout,
    cap_total_applies_to_the_sum_of_paid_payouts_and_the_total_is_rounded_after_it,
    total_is_the_sum_of_the_paid_payouts,
    otherwise_takes_the_fallback_on_division_by_zero,
    otherwise_keeps_the_value_when_it_exists,
    prorate_from_a_date_inside_the_period,
    prorate_from_a_date_before_the_period_is_the_full_value,
    prorate_from_a_date_after_the_period_is_zero,
    prorate_to_an_end_date,
    ytd_sums_the_periods_of_the_plan_year_so_far,
    prior_is_the_previous_period_with_a_fallback_in_the_first,
    period_total_sums_every_period_of_the_plan,
    team_sums_direct_reports_only,
    org_sums_all_descendants,
    rounding_half_even_sends_a_half_cent_to_the_even_cent,
    rounding_half_up_sends_a_half_cent_up,
    round_in_an_expression_uses_its_own_mode,
    kpis_are_not_rounded,
    subtracting_dates_gives_days,
    where_compares_a_date_column_with_a_date_literal,
    present_tells_whether_an_optional_cell_is_filled,
    empty_optional_with_otherwise_falls_back,
    // issue 9, tables
    upper_closed_bands_hold_their_upper_edge,
    grid_lookup_picks_the_cell_of_the_row_band_and_the_column_band,
    interpolate_is_linear_between_points_and_follows_the_edge_rules,
    // issue 9, rows
    aggregates_over_an_expression_of_each_row,
    computed_columns_are_computed_once_per_row,
    // issue 9, reference tables
    reference_tables_are_looked_up_by_key_and_by_the_day_in_force,
    convert_uses_the_fx_row_in_force_or_its_inverse,
    assignment_history_is_read_on_the_day_the_plan_names,
    // issue 9, conditionals
    if_evaluates_only_the_branch_taken,
    when_gates_a_kpi_or_let_to_zero,
    // issue 9, calendar arithmetic
    calendar_functions_count_months_and_weekdays,
    prorate_by_months_shares_a_year_by_its_active_months,
    // issue 9, the parts together
    aggregates_over_a_conditional_of_each_row,
    fns_call_curves_and_reference_tables,
    // issue 10, calendars
    qtd_and_ytd_follow_a_fiscal_year,
    weekly_periods_belong_to_the_quarter_of_their_first_day,
    semi_monthly_periods_split_months_at_the_16th,
    // issue 11, causes of a gap; comparison and trend
    kpi_drivers_split_the_gap_and_compare,
    // issue 10, clawbacks
    clawbacks_take_back_the_share_paid_within_the_window,
    // issue 11, scorecards and cascades
    scorecard_weighs_clamped_attainments,
    targets_cascade_down_and_roll_up,
    // issue 10, ledger
    a_balance_carries_week_by_week_from_its_opening,
    paid_to_date_reads_the_history_of_what_was_paid,
}

// ---------------------------------------------------------------- rules a plan test cannot state

#[test]
fn avg_over_no_rows_without_otherwise_is_a_run_time_error() {
    let o = run_on_deals("  kpi avg_won = avg(deals.amount where stage == \"Won\")");
    // r2 has no deals in 2026-Q2: avg of nothing has no value, and is not silently 0
    assert_eq!(o.code, 2, "stdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("avg_won"), "{}", o.stderr);
    assert!(o.stderr.contains("r2"), "{}", o.stderr);
    assert!(o.stderr.contains("2026-Q2"), "{}", o.stderr);
}

#[test]
fn let_row_set_is_not_reported() {
    let o = run_on_deals(
        "  let won = deals where stage == \"Won\"
  kpi won_count = count(won)
  kpi won_amount = sum(won.amount)
  kpi big_won = count(won where amount >= 50000 EUR)",
    );
    let out = ok(&o);
    // a `let` is not reported
    let t = table(out);
    let row = t
        .get(&("r1".to_string(), "2026-Q1".to_string()))
        .expect("r1 in 2026-Q1 is reported");
    assert!(!row.contains_key("won"), "{out}");
}

#[test]
fn let_scalar_helper_is_not_reported() {
    let o = run_on_deals(
        "  let rate = 5%
  let won_amount = sum(deals.amount where stage == \"Won\")
  payout commission = won_amount * rate",
    );
    let out = ok(&o);
    let t = table(out);
    let row = t
        .get(&("r1".to_string(), "2026-Q1".to_string()))
        .expect("r1 in 2026-Q1 is reported");
    assert!(
        !row.contains_key("rate") && !row.contains_key("won_amount"),
        "{out}"
    );
}

#[test]
fn prior_in_the_first_period_without_otherwise_is_a_run_time_error() {
    let body = "  kpi bookings = sum(deals.amount)\n  kpi previous = prior(bookings)";
    let o = run_in_process(
        &plan(H1, "", body),
        &[
            ("reps", "rep_id\nr1\n"),
            ("deals", "deal_id,owner,amount,close_date,stage,product\n"),
        ],
    );
    // 2026-Q1 has no period before it: no value, and not silently 0
    assert_eq!(o.code, 2, "stdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("previous") && o.stderr.contains("2026-Q1") && o.stderr.contains("r1"),
        "{}",
        o.stderr
    );
}

/// amy has a manager and a bonus of 750; zed has neither.
fn run_optional(body: &str) -> Outcome {
    let reps = "rep_id,manager_id,bonus\namy,zed,750\nzed,,\n";
    run_in_process(
        &plan(Q1, "    manager_id: text?\n    bonus: money?", body),
        &[
            ("reps", reps),
            ("deals", "deal_id,owner,amount,close_date,stage,product\n"),
        ],
    )
}

#[test]
fn empty_optional_without_otherwise_is_a_run_time_error() {
    let o = run_optional("  payout signing_bonus = bonus");
    // zed's bonus is empty: no value, exit 2, naming participant, period and definition
    assert_eq!(o.code, 2, "stdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("zed"), "{}", o.stderr);
    assert!(o.stderr.contains("2026-Q1"), "{}", o.stderr);
    assert!(o.stderr.contains("signing_bonus"), "{}", o.stderr);
    assert!(
        !o.stderr.contains("amy"),
        "amy's bonus is filled in:\n{}",
        o.stderr
    );
}

#[test]
fn division_by_zero_without_otherwise_is_a_run_time_error() {
    // ana books in Q1 only, so count(deals) is 0 for her in Q2; ben books in both quarters.
    let reps = "rep_id\nana\nben\n";
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,ana,1000,2026-01-10,Won,A
d2,ben,1000,2026-01-10,Won,A
d3,ben,3000,2026-04-10,Won,A
";
    let o = run_in_process(
        &plan(H1, "", "  kpi avg_deal = sum(deals.amount) / count(deals)"),
        &[("reps", reps), ("deals", deals)],
    );
    // ana in 2026-Q2: 0 / 0 → division by zero, exit 2
    assert_eq!(o.code, 2, "stdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
    for needle in ["division by zero", "ana", "2026-Q2", "avg_deal"] {
        assert!(
            o.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            o.stderr
        );
    }
    // only that scope failed: ana's Q1 (1,000 / 1) and ben's quarters have values
    assert!(!o.stderr.contains("2026-Q1"), "{}", o.stderr);
    assert!(!o.stderr.contains("ben"), "{}", o.stderr);
}
