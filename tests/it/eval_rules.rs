//! Evaluation rules, one per test, each on a tiny inline plan and inline CSV.
//!
//! Every expected figure is worked out by hand in the comment beside its assertion: the
//! figures are the contract, never numbers copied from the program's output.

use crate::common;

use common::{d, run_inline, table, value, Outcome};

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
    run_inline(
        &plan(H1, "", body),
        &[("reps", REPS_R1_R2), ("deals", DEALS)],
    )
}

// ---------------------------------------------------------------- aggregates

#[test]
fn sum_adds_the_filtered_rows_of_this_participant_and_period() {
    let o = run_on_deals(
        "  kpi won_amount = sum(deals.amount where stage == \"Won\")\n  kpi all_amount = sum(deals.amount)",
    );
    let out = ok(&o);
    // r1 Q1 won: d1 + d2 + d4 = 10,000 + 60,000 + 20,000 = 90,000 (d3, d5 are Lost)
    assert_eq!(value(out, "r1", "2026-Q1", "won_amount"), d("90000"));
    // r1 Q1 all: 10,000 + 60,000 + 80,000 + 20,000 + 5,000 = 175,000
    assert_eq!(value(out, "r1", "2026-Q1", "all_amount"), d("175000"));
    // r1 Q2: only d7 = 77,000 (r2's d6 and r1's Q1 deals do not count)
    assert_eq!(value(out, "r1", "2026-Q2", "won_amount"), d("77000"));
    // r2 Q1: only d6 = 99,000
    assert_eq!(value(out, "r2", "2026-Q1", "won_amount"), d("99000"));
    // r2 Q2: no rows, the sum of nothing is 0
    assert_eq!(value(out, "r2", "2026-Q2", "won_amount"), d("0"));
}

#[test]
fn count_counts_the_filtered_rows_of_this_participant_and_period() {
    let o = run_on_deals(
        "  kpi won_deals = count(deals where stage == \"Won\")\n  kpi all_deals = count(deals)",
    );
    let out = ok(&o);
    // r1 Q1 won: d1, d2, d4 = 3
    assert_eq!(value(out, "r1", "2026-Q1", "won_deals"), d("3"));
    // r1 Q1 all: d1..d5 = 5
    assert_eq!(value(out, "r1", "2026-Q1", "all_deals"), d("5"));
    // r1 Q2: d7 = 1
    assert_eq!(value(out, "r1", "2026-Q2", "won_deals"), d("1"));
    // r2 Q1: d6 = 1; r2 Q2: none = 0
    assert_eq!(value(out, "r2", "2026-Q1", "won_deals"), d("1"));
    assert_eq!(value(out, "r2", "2026-Q2", "won_deals"), d("0"));
}

#[test]
fn avg_divides_the_filtered_sum_by_the_filtered_count() {
    let o =
        run_on_deals("  kpi avg_won = avg(deals.amount where stage == \"Won\") otherwise 0 EUR");
    let out = ok(&o);
    // r1 Q1: (10,000 + 60,000 + 20,000) / 3 = 90,000 / 3 = 30,000
    assert_eq!(value(out, "r1", "2026-Q1", "avg_won"), d("30000"));
    // r1 Q2: 77,000 / 1 = 77,000
    assert_eq!(value(out, "r1", "2026-Q2", "avg_won"), d("77000"));
    // r2 Q1: 99,000 / 1 = 99,000
    assert_eq!(value(out, "r2", "2026-Q1", "avg_won"), d("99000"));
    // r2 Q2: no rows → the stated fallback 0
    assert_eq!(value(out, "r2", "2026-Q2", "avg_won"), d("0"));
}

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
fn min_and_max_take_the_extremes_of_the_filtered_rows() {
    let o = run_on_deals(
        "  kpi smallest_won = min(deals.amount where stage == \"Won\") otherwise 0 EUR\n  kpi largest_won = max(deals.amount where stage == \"Won\") otherwise 0 EUR",
    );
    let out = ok(&o);
    // r1 Q1 won amounts {10,000, 60,000, 20,000}: min 10,000 (Lost d5 5,000 is filtered out)
    assert_eq!(value(out, "r1", "2026-Q1", "smallest_won"), d("10000"));
    // max 60,000 (Lost d3 80,000 is filtered out; r2's 99,000 and r1's Q2 77,000 are not in scope)
    assert_eq!(value(out, "r1", "2026-Q1", "largest_won"), d("60000"));
    // r1 Q2 {77,000}: min = max = 77,000
    assert_eq!(value(out, "r1", "2026-Q2", "smallest_won"), d("77000"));
    assert_eq!(value(out, "r1", "2026-Q2", "largest_won"), d("77000"));
    // r2 Q1 {99,000}
    assert_eq!(value(out, "r2", "2026-Q1", "largest_won"), d("99000"));
}

#[test]
fn count_distinct_counts_different_values_of_the_filtered_rows() {
    let o = run_on_deals(
        "  kpi products_won = count_distinct(deals.product where stage == \"Won\")\n  kpi stages = count_distinct(deals.stage)",
    );
    let out = ok(&o);
    // r1 Q1 won products: Platform (d1), Addon (d2), Platform (d4) → {Platform, Addon} = 2
    assert_eq!(value(out, "r1", "2026-Q1", "products_won"), d("2"));
    // r1 Q1 stages: {Won, Lost} = 2
    assert_eq!(value(out, "r1", "2026-Q1", "stages"), d("2"));
    // r1 Q2: {Services} = 1; r2 Q1: {Platform} = 1; r2 Q2: {} = 0
    assert_eq!(value(out, "r1", "2026-Q2", "products_won"), d("1"));
    assert_eq!(value(out, "r2", "2026-Q1", "products_won"), d("1"));
    assert_eq!(value(out, "r2", "2026-Q2", "products_won"), d("0"));
}

#[test]
fn count_distinct_treats_equal_amounts_written_differently_as_one() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,100,2026-01-10,Won,A
d2,r1,100.00,2026-01-11,Won,A
d3,r1,250.5,2026-01-12,Won,A
";
    let o = run_inline(
        &plan(Q1, "", "  kpi amounts = count_distinct(deals.amount)"),
        &[("reps", "rep_id\nr1\n"), ("deals", deals)],
    );
    // 100 and 100.00 are the same amount: {100, 250.5} = 2
    assert_eq!(value(ok(&o), "r1", "2026-Q1", "amounts"), d("2"));
}

#[test]
fn where_with_and_keeps_rows_matching_both_conditions() {
    let o =
        run_on_deals("  kpi n = count(deals where stage == \"Won\" and product == \"Platform\")");
    // r1 Q1: Won ∧ Platform → d1, d4 = 2 (d2 is Addon, d3 is Lost)
    assert_eq!(value(ok(&o), "r1", "2026-Q1", "n"), d("2"));
}

#[test]
fn where_with_or_keeps_rows_matching_either_condition() {
    let o =
        run_on_deals("  kpi n = count(deals where product == \"Addon\" or amount >= 50000 EUR)");
    // r1 Q1: Addon → d2, d5; ≥ 50,000 → d2 (60,000), d3 (80,000); union {d2, d3, d5} = 3
    assert_eq!(value(ok(&o), "r1", "2026-Q1", "n"), d("3"));
}

#[test]
fn where_and_binds_tighter_than_or() {
    let o = run_on_deals(
        "  kpi n = count(deals where product == \"Addon\" or stage == \"Won\" and amount >= 50000 EUR)",
    );
    // Addon or (Won and ≥ 50,000): Addon → d2, d5; Won ∧ ≥ 50,000 → d2; union {d2, d5} = 2
    // ((Addon or Won) and ≥ 50,000 would be {d2} = 1)
    assert_eq!(value(ok(&o), "r1", "2026-Q1", "n"), d("2"));
}

#[test]
fn where_with_not_keeps_rows_failing_the_condition() {
    let o = run_on_deals("  kpi n = count(deals where not (stage == \"Won\"))");
    // r1 Q1: not Won → d3, d5 = 2
    assert_eq!(value(ok(&o), "r1", "2026-Q1", "n"), d("2"));
}

#[test]
fn where_with_not_equal_on_text() {
    let o = run_on_deals("  kpi lost_amount = sum(deals.amount where stage != \"Won\")");
    // r1 Q1: stage ≠ Won → d3 + d5 = 80,000 + 5,000 = 85,000
    assert_eq!(value(ok(&o), "r1", "2026-Q1", "lost_amount"), d("85000"));
}

#[test]
fn where_compares_money_with_a_money_literal() {
    let o = run_on_deals(
        "  kpi big = sum(deals.amount where amount >= 50000 EUR)\n  kpi small = count(deals where amount < 20000 EUR)",
    );
    let out = ok(&o);
    // r1 Q1 ≥ 50,000: d2 60,000 + d3 80,000 = 140,000
    assert_eq!(value(out, "r1", "2026-Q1", "big"), d("140000"));
    // r1 Q1 < 20,000: d1 10,000, d5 5,000 = 2 (d4 is exactly 20,000, not below)
    assert_eq!(value(out, "r1", "2026-Q1", "small"), d("2"));
}

#[test]
fn where_text_equality_is_exact() {
    let o = run_on_deals(
        "  kpi addon = count(deals where product == \"Addon\")\n  kpi lower = count(deals where product == \"addon\")",
    );
    let out = ok(&o);
    // r1 Q1 product == "Addon": d2, d5 = 2
    assert_eq!(value(out, "r1", "2026-Q1", "addon"), d("2"));
    // "addon" (lower case) matches no row: 0
    assert_eq!(value(out, "r1", "2026-Q1", "lower"), d("0"));
}

// ---------------------------------------------------------------- let

#[test]
fn let_row_set_is_reused_by_several_aggregates() {
    let o = run_on_deals(
        "  let won = deals where stage == \"Won\"
  kpi won_count = count(won)
  kpi won_amount = sum(won.amount)
  kpi big_won = count(won where amount >= 50000 EUR)",
    );
    let out = ok(&o);
    // r1 Q1 won = {d1 10,000, d2 60,000, d4 20,000}
    // count = 3
    assert_eq!(value(out, "r1", "2026-Q1", "won_count"), d("3"));
    // sum = 10,000 + 60,000 + 20,000 = 90,000
    assert_eq!(value(out, "r1", "2026-Q1", "won_amount"), d("90000"));
    // a further filter on the row set: won ∧ ≥ 50,000 → d2 = 1 (d3 80,000 is Lost)
    assert_eq!(value(out, "r1", "2026-Q1", "big_won"), d("1"));
    // r2 Q1 won = {d6}: count 1
    assert_eq!(value(out, "r2", "2026-Q1", "won_count"), d("1"));
    // a `let` is not reported
    let t = table(out);
    let row = t
        .get(&("r1".to_string(), "2026-Q1".to_string()))
        .expect("r1 in 2026-Q1 is reported");
    assert!(!row.contains_key("won"), "{out}");
}

#[test]
fn let_scalar_helper_is_used_like_a_value() {
    let o = run_on_deals(
        "  let rate = 5%
  let won_amount = sum(deals.amount where stage == \"Won\")
  payout commission = won_amount * rate",
    );
    let out = ok(&o);
    // r1 Q1: 90,000 × 5% = 4,500
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("4500"));
    // r1 Q2: 77,000 × 5% = 3,850
    assert_eq!(value(out, "r1", "2026-Q2", "commission"), d("3850"));
    // r2 Q1: 99,000 × 5% = 4,950
    assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("4950"));
    let t = table(out);
    let row = t
        .get(&("r1".to_string(), "2026-Q1".to_string()))
        .expect("r1 in 2026-Q1 is reported");
    assert!(
        !row.contains_key("rate") && !row.contains_key("won_amount"),
        "{out}"
    );
}

// ---------------------------------------------------------------- rate tables

/// Three reps with a quarterly quota of 80,000 and Q1 bookings of 100,000 (r1), 30,000 (r2), 60,000 (r3).
fn run_quota_plan(body: &str, deals: &str) -> Outcome {
    let reps = "rep_id,quota\nr1,80000\nr2,80000\nr3,80000\n";
    run_inline(
        &plan(Q1, "    quota: money", body),
        &[("reps", reps), ("deals", deals)],
    )
}

#[test]
fn marginal_with_per_pays_each_slice_at_its_band_rate() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,70000,2026-01-10,Won,A
d2,r1,30000,2026-02-10,Won,A
d3,r2,30000,2026-01-10,Won,A
d4,r3,60000,2026-03-10,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)
  kpi attainment: percent = bookings / quota otherwise 0%
  rates commission_rate by attainment {
    0%   ..  50% : 2%
    50%  .. 100% : 8%
    100% ..      : 12%
  }
  payout commission = marginal(commission_rate, bookings, per: quota)";
    let o = run_quota_plan(body, deals);
    let out = ok(&o);
    // bands × quota 80,000: [0, 40,000) at 2%, [40,000, 80,000) at 8%, [80,000, …) at 12%
    // r1 bookings 70,000 + 30,000 = 100,000: 40,000 × 2% + 40,000 × 8% + 20,000 × 12% = 800 + 3,200 + 2,400 = 6,400
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("6400"));
    // r2 bookings 30,000, first band only: 30,000 × 2% = 600
    assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("600"));
    // r3 bookings 60,000: 40,000 × 2% + 20,000 × 8% = 800 + 1,600 = 2,400
    assert_eq!(value(out, "r3", "2026-Q1", "commission"), d("2400"));
}

#[test]
fn marginal_without_per_uses_money_bands_directly() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,45000,2026-01-10,Won,A
d2,r2,8000,2026-01-10,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)
  rates tiers by bookings {
    0 EUR     .. 10000 EUR : 5%
    10000 EUR .. 30000 EUR : 10%
    30000 EUR ..           : 20%
  }
  payout commission = marginal(tiers, bookings)";
    let o = run_quota_plan(body, deals);
    let out = ok(&o);
    // r1 45,000: 10,000 × 5% + 20,000 × 10% + 15,000 × 20% = 500 + 2,000 + 3,000 = 5,500
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("5500"));
    // r2 8,000: 8,000 × 5% = 400
    assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("400"));
    // r3 no deals: 0
    assert_eq!(value(out, "r3", "2026-Q1", "commission"), d("0"));
}

#[test]
fn flat_applies_the_reached_band_rate_to_the_whole_base() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,90000,2026-01-10,Won,A
d2,r2,30000,2026-01-10,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)
  kpi attainment: percent = bookings / quota otherwise 0%
  rates rate by attainment {
    0%   ..  50% : 2%
    50%  .. 100% : 5%
    100% ..      : 10%
  }
  payout commission = flat(rate, attainment) * bookings";
    let o = run_quota_plan(body, deals);
    let out = ok(&o);
    // r1: 90,000 / 80,000 = 112.5% → band [100%, …) → 10% × 90,000 = 9,000
    // (marginal would pay 40,000 × 2% + 40,000 × 5% + 10,000 × 10% = 3,800)
    assert_eq!(value(out, "r1", "2026-Q1", "attainment"), d("1.125"));
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("9000"));
    // r2: 30,000 / 80,000 = 37.5% → band [0%, 50%) → 2% × 30,000 = 600
    assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("600"));
}

#[test]
fn lookup_returns_the_band_amount() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,75000,2026-01-10,Won,A
d2,r2,120000,2026-01-10,Won,A
d3,r3,10000,2026-01-10,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)
  rates kicker by bookings {
    0 EUR      ..  50000 EUR : 0 EUR
    50000 EUR  .. 100000 EUR : 500 EUR
    100000 EUR ..            : 1200 EUR
  }
  payout kicker_pay = lookup(kicker, bookings)";
    let o = run_quota_plan(body, deals);
    let out = ok(&o);
    // r1 75,000 ∈ [50,000, 100,000) → 500
    assert_eq!(value(out, "r1", "2026-Q1", "kicker_pay"), d("500"));
    // r2 120,000 ∈ [100,000, …) → 1,200
    assert_eq!(value(out, "r2", "2026-Q1", "kicker_pay"), d("1200"));
    // r3 10,000 ∈ [0, 50,000) → 0
    assert_eq!(value(out, "r3", "2026-Q1", "kicker_pay"), d("0"));
}

#[test]
fn band_edges_are_half_open_a_value_on_an_edge_goes_to_the_upper_band() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,49999.99,2026-01-10,Won,A
d2,r2,50000,2026-01-10,Won,A
d3,r3,100000,2026-01-10,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)
  kpi attainment: percent = bookings / quota otherwise 0%
  rates kicker by bookings {
    0 EUR      ..  50000 EUR : 0 EUR
    50000 EUR  .. 100000 EUR : 500 EUR
    100000 EUR ..            : 1200 EUR
  }
  rates rate by attainment {
    0%   ..  62.5% : 2%
    62.5% ..  125% : 5%
    125% ..        : 10%
  }
  payout kicker_pay = lookup(kicker, bookings)
  payout commission = flat(rate, attainment) * bookings";
    let o = run_quota_plan(body, deals);
    let out = ok(&o);
    // lookup: 49,999.99 < 50,000 → [0, 50,000) → 0
    assert_eq!(value(out, "r1", "2026-Q1", "kicker_pay"), d("0"));
    // lookup: exactly 50,000 → [50,000, 100,000) → 500
    assert_eq!(value(out, "r2", "2026-Q1", "kicker_pay"), d("500"));
    // lookup: exactly 100,000 → [100,000, …) → 1,200
    assert_eq!(value(out, "r3", "2026-Q1", "kicker_pay"), d("1200"));
    // flat: r2 50,000 / 80,000 = 62.5% exactly → [62.5%, 125%) → 5% × 50,000 = 2,500
    assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("2500"));
    // flat: r3 100,000 / 80,000 = 125% exactly → [125%, …) → 10% × 100,000 = 10,000
    assert_eq!(value(out, "r3", "2026-Q1", "commission"), d("10000"));
    // flat: r1 49,999.99 / 80,000 = 62.4999875% → [0%, 62.5%) → 2% × 49,999.99 = 999.9998
    // (no rounding policy in this plan, so the payout is exact)
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("999.9998"));
}

// ---------------------------------------------------------------- gates, caps and floors

/// Three reps with Q1 bookings 80,000 (r1), 30,000 (r2) and none (r3).
fn run_payout_plan(body: &str) -> Outcome {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,50000,2026-01-10,Won,A
d2,r1,30000,2026-02-10,Won,A
d3,r2,30000,2026-03-10,Won,A
";
    let reps = "rep_id\nr1\nr2\nr3\n";
    run_inline(
        &plan(
            Q1,
            "",
            &format!("  kpi bookings = sum(deals.amount)\n{body}"),
        ),
        &[("reps", reps), ("deals", deals)],
    )
}

#[test]
fn when_gate_pays_the_component_only_when_true() {
    let o = run_payout_plan("  payout bonus = 1000 EUR when bookings >= 50000 EUR");
    let out = ok(&o);
    // r1 80,000 ≥ 50,000: gate true → 1,000
    assert_eq!(value(out, "r1", "2026-Q1", "bonus"), d("1000"));
    // r2 30,000 < 50,000: gate false → 0
    assert_eq!(value(out, "r2", "2026-Q1", "bonus"), d("0"));
    assert_eq!(value(out, "r2", "2026-Q1", "total"), d("0"));
}

#[test]
fn cap_on_a_component_limits_that_component() {
    let o = run_payout_plan(
        "  payout commission = bookings * 10%
  payout flat_bonus = 500 EUR
  cap commission at 5000 EUR",
    );
    let out = ok(&o);
    // r1: 80,000 × 10% = 8,000 → capped at 5,000
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("5000"));
    // total = 5,000 + 500 = 5,500
    assert_eq!(value(out, "r1", "2026-Q1", "total"), d("5500"));
    // r2: 30,000 × 10% = 3,000 (under the cap); total 3,000 + 500 = 3,500
    assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("3000"));
    assert_eq!(value(out, "r2", "2026-Q1", "total"), d("3500"));
}

#[test]
fn cap_total_limits_the_sum_but_not_the_components() {
    let o = run_payout_plan(
        "  payout commission = bookings * 10%
  payout flat_bonus = 2000 EUR
  cap total at 6000 EUR",
    );
    let out = ok(&o);
    // r1: 80,000 × 10% = 8,000; + 2,000 = 10,000 → total capped at 6,000
    assert_eq!(value(out, "r1", "2026-Q1", "total"), d("6000"));
    // the components are reported as computed: 8,000 and 2,000
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("8000"));
    assert_eq!(value(out, "r1", "2026-Q1", "flat_bonus"), d("2000"));
    // r2: 3,000 + 2,000 = 5,000 ≤ 6,000 → 5,000
    assert_eq!(value(out, "r2", "2026-Q1", "total"), d("5000"));
}

#[test]
fn floor_total_raises_the_sum_to_the_floor() {
    let o = run_payout_plan(
        "  payout commission = bookings * 10%
  floor total at 4000 EUR",
    );
    let out = ok(&o);
    // r1: 80,000 × 10% = 8,000 ≥ 4,000 → 8,000
    assert_eq!(value(out, "r1", "2026-Q1", "total"), d("8000"));
    // r2: 30,000 × 10% = 3,000 < 4,000 → 4,000 (the component stays 3,000)
    assert_eq!(value(out, "r2", "2026-Q1", "total"), d("4000"));
    assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("3000"));
    // r3: no deals, 0 → 4,000
    assert_eq!(value(out, "r3", "2026-Q1", "total"), d("4000"));
}

#[test]
fn floor_applies_before_cap_on_one_payout() {
    // Written cap first on purpose: the order is floor first, cap last, whatever the text order.
    let o = run_payout_plan(
        "  payout guarantee = bookings * 1%
  cap guarantee at 300 EUR
  floor guarantee at 500 EUR",
    );
    let out = ok(&o);
    // r2: 30,000 × 1% = 300 → floor max(300, 500) = 500 → cap min(500, 300) = 300
    // (cap first would give max(min(300, 300), 500) = 500)
    assert_eq!(value(out, "r2", "2026-Q1", "guarantee"), d("300"));
    // r3: 0 → floor 500 → cap 300
    assert_eq!(value(out, "r3", "2026-Q1", "guarantee"), d("300"));
}

#[test]
fn cap_total_applies_to_the_sum_of_paid_payouts_and_the_total_is_rounded_after_it() {
    let o = run_payout_plan(
        "  rounding payouts to 0.01 half-even
  payout a = 1.004 EUR
  payout b = 1.004 EUR
  cap total at 1.994 EUR",
    );
    let out = ok(&o);
    // each component is paid rounded: 1.004 → 1.00
    assert_eq!(value(out, "r1", "2026-Q1", "a"), d("1.00"));
    assert_eq!(value(out, "r1", "2026-Q1", "b"), d("1.00"));
    // total: paid 1.00 + 1.00 = 2.00 → cap 1.994 → rounded → 1.99
    // (the unrounded sum 2.008 would also cap to 1.994; an unrounded cap would print 1.994)
    assert_eq!(value(out, "r1", "2026-Q1", "total"), d("1.99"));
}

#[test]
fn total_is_the_sum_of_the_paid_payouts() {
    let o = run_payout_plan(
        "  rounding payouts to 0.01 half-even
  payout a = 0.006 EUR
  payout b = 0.006 EUR",
    );
    let out = ok(&o);
    // each: 0.006 → 0.01
    assert_eq!(value(out, "r1", "2026-Q1", "a"), d("0.01"));
    // total: 0.01 + 0.01 = 0.02, what the statement's lines add up to
    // (rounding the unrounded 0.006 + 0.006 = 0.012 would pay 0.01)
    assert_eq!(value(out, "r1", "2026-Q1", "total"), d("0.02"));
}

// ---------------------------------------------------------------- otherwise

/// r1 has quota 0 and 10,000 booked; r2 has quota 80,000 and 20,000 booked.
fn run_attainment_plan() -> Outcome {
    let reps = "rep_id,quota\nr1,0\nr2,80000\n";
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,10000,2026-01-10,Won,A
d2,r2,20000,2026-01-10,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)
  kpi attainment: percent = bookings / quota otherwise 0%";
    run_inline(
        &plan(Q1, "    quota: money", body),
        &[("reps", reps), ("deals", deals)],
    )
}

#[test]
fn otherwise_takes_the_fallback_on_division_by_zero() {
    let o = run_attainment_plan();
    // r1: 10,000 / 0 has no value → fallback 0%
    assert_eq!(value(ok(&o), "r1", "2026-Q1", "attainment"), d("0"));
}

#[test]
fn otherwise_keeps_the_value_when_it_exists() {
    let o = run_attainment_plan();
    // r2: 20,000 / 80,000 = 25% = 0.25
    assert_eq!(value(ok(&o), "r2", "2026-Q1", "attainment"), d("0.25"));
}

// ---------------------------------------------------------------- prorate

/// quota = 81,900 per quarter (= 90 × 91 × 10, so that both quarters divide evenly).
fn run_prorate(rep_cols: &str, reps: &str, kpi: &str) -> Outcome {
    run_inline(
        &plan(H1, rep_cols, &format!("  kpi quota = {kpi}")),
        &[
            ("reps", reps),
            ("deals", "deal_id,owner,amount,close_date,stage,product\n"),
        ],
    )
}

#[test]
fn prorate_from_a_date_inside_the_period() {
    let o = run_prorate(
        "    start_date: date",
        "rep_id,start_date\nr1,2026-02-15\n",
        "prorate(81900 EUR, from: start_date)",
    );
    let out = ok(&o);
    // Q1: Feb 15..Feb 28 (14 days) + March (31 days) = 45 of 90 days: 81,900 × 45 / 90 = 40,950
    assert_eq!(value(out, "r1", "2026-Q1", "quota"), d("40950"));
    // Q2: started before the period → all 91 of 91 days: 81,900
    assert_eq!(value(out, "r1", "2026-Q2", "quota"), d("81900"));
}

#[test]
fn prorate_from_a_date_before_the_period_is_the_full_value() {
    let o = run_prorate(
        "    start_date: date",
        "rep_id,start_date\nr1,2025-06-01\n",
        "prorate(81900 EUR, from: start_date)",
    );
    let out = ok(&o);
    // 90 of 90 days in Q1 and 91 of 91 in Q2: 81,900 each
    assert_eq!(value(out, "r1", "2026-Q1", "quota"), d("81900"));
    assert_eq!(value(out, "r1", "2026-Q2", "quota"), d("81900"));
}

#[test]
fn prorate_from_a_date_after_the_period_is_zero() {
    let o = run_prorate(
        "    start_date: date",
        "rep_id,start_date\nr1,2026-05-01\n",
        "prorate(81900 EUR, from: start_date)",
    );
    let out = ok(&o);
    // Q1 ends Mar 31, before the May 1 start: 0 days → 0
    assert_eq!(value(out, "r1", "2026-Q1", "quota"), d("0"));
    // Q2: May (31) + June (30) = 61 of 91 days: 81,900 × 61 / 91 = 900 × 61 = 54,900
    assert_eq!(value(out, "r1", "2026-Q2", "quota"), d("54900"));
}

#[test]
fn prorate_to_an_end_date() {
    let o = run_prorate(
        "    start_date: date\n    end_date: date",
        "rep_id,start_date,end_date\nr1,2025-01-01,2026-02-15\nr2,2026-02-01,2026-02-28\n",
        "prorate(81900 EUR, from: start_date, to: end_date)",
    );
    let out = ok(&o);
    // r1 Q1: Jan 1..Feb 15 inclusive = 31 + 15 = 46 of 90 days: 81,900 × 46 / 90 = 910 × 46 = 41,860
    assert_eq!(value(out, "r1", "2026-Q1", "quota"), d("41860"));
    // r1 Q2: left before Apr 1 → 0
    assert_eq!(value(out, "r1", "2026-Q2", "quota"), d("0"));
    // r2 Q1: Feb 1..Feb 28 = 28 of 90 days: 910 × 28 = 25,480
    assert_eq!(value(out, "r2", "2026-Q1", "quota"), d("25480"));
}

// ---------------------------------------------------------------- other periods

#[test]
fn ytd_sums_the_periods_of_the_plan_year_so_far() {
    // monthly over 14 months: plan year 1 = 2026-01..2026-12, plan year 2 = 2027-01..2027-02
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,1000,2026-01-10,Won,A
d2,r1,2000,2026-02-10,Won,A
d3,r1,4000,2026-03-10,Won,A
d4,r1,8000,2026-12-10,Won,A
d5,r1,16000,2027-01-10,Won,A
d6,r1,32000,2027-02-10,Won,A
d7,r2,500,2026-02-20,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)\n  kpi bookings_ytd = ytd(bookings)";
    let o = run_inline(
        &plan("monthly from 2026-01-01 to 2027-02-28", "", body),
        &[("reps", REPS_R1_R2), ("deals", deals)],
    );
    let out = ok(&o);
    // 2026-01: 1,000
    assert_eq!(value(out, "r1", "2026-01", "bookings_ytd"), d("1000"));
    // 2026-02: 1,000 + 2,000 = 3,000 (r2's 500 is not r1's)
    assert_eq!(value(out, "r1", "2026-02", "bookings_ytd"), d("3000"));
    // 2026-03: 3,000 + 4,000 = 7,000
    assert_eq!(value(out, "r1", "2026-03", "bookings_ytd"), d("7000"));
    // 2026-04: nothing booked in April, still 7,000
    assert_eq!(value(out, "r1", "2026-04", "bookings_ytd"), d("7000"));
    // 2026-12: 1,000 + 2,000 + 4,000 + 8,000 = 15,000
    assert_eq!(value(out, "r1", "2026-12", "bookings_ytd"), d("15000"));
    // 2027-01: a new plan year starts over: 16,000
    assert_eq!(value(out, "r1", "2027-01", "bookings_ytd"), d("16000"));
    // 2027-02: 16,000 + 32,000 = 48,000
    assert_eq!(value(out, "r1", "2027-02", "bookings_ytd"), d("48000"));
    // r2 2026-03: 500
    assert_eq!(value(out, "r2", "2026-03", "bookings_ytd"), d("500"));
}

#[test]
fn prior_is_the_previous_period_with_a_fallback_in_the_first() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,1000,2026-01-10,Won,A
d2,r1,2000,2026-04-10,Won,A
d3,r1,4000,2026-07-10,Won,A
";
    let body =
        "  kpi bookings = sum(deals.amount)\n  kpi previous = prior(bookings) otherwise 0 EUR";
    let o = run_inline(
        &plan("quarterly from 2026-01-01 to 2026-09-30", "", body),
        &[("reps", "rep_id\nr1\n"), ("deals", deals)],
    );
    let out = ok(&o);
    // Q1: no period before the first → fallback 0
    assert_eq!(value(out, "r1", "2026-Q1", "previous"), d("0"));
    // Q2: Q1's bookings 1,000
    assert_eq!(value(out, "r1", "2026-Q2", "previous"), d("1000"));
    // Q3: Q2's bookings 2,000
    assert_eq!(value(out, "r1", "2026-Q3", "previous"), d("2000"));
}

#[test]
fn prior_in_the_first_period_without_otherwise_is_a_run_time_error() {
    let body = "  kpi bookings = sum(deals.amount)\n  kpi previous = prior(bookings)";
    let o = run_inline(
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

#[test]
fn period_total_sums_every_period_of_the_plan() {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,1000,2026-01-10,Won,A
d2,r1,2000,2026-04-10,Won,A
d3,r1,4000,2026-07-10,Won,A
";
    let body = "  kpi bookings = sum(deals.amount)\n  kpi whole_plan = period_total(bookings)";
    let o = run_inline(
        &plan("quarterly from 2026-01-01 to 2026-09-30", "", body),
        &[("reps", "rep_id\nr1\n"), ("deals", deals)],
    );
    let out = ok(&o);
    // every period: 1,000 + 2,000 + 4,000 = 7,000
    assert_eq!(value(out, "r1", "2026-Q1", "whole_plan"), d("7000"));
    assert_eq!(value(out, "r1", "2026-Q2", "whole_plan"), d("7000"));
    assert_eq!(value(out, "r1", "2026-Q3", "whole_plan"), d("7000"));
}

// ---------------------------------------------------------------- hierarchy

/// vp ─┬─ m1 ─┬─ a1
///     │      └─ a2
///     └─ a3
/// bookings: vp 1, m1 20, a1 300, a2 4,000, a3 50,000 (one digit position each).
fn run_hierarchy() -> Outcome {
    let text = format!(
        r#"plan "hierarchy" {{
  currency EUR
  periods {Q1}
  input reps key rep_id {{
    rep_id: text
    manager_id: text?
  }}
  input deals key deal_id {{
    deal_id: text
    owner: text
    amount: money
    close_date: date
  }}
  participants reps managed by manager_id
  credit deals to owner by close_date
  kpi bookings = sum(deals.amount)
  kpi team_bookings = team(bookings)
  kpi org_bookings = org(bookings)
}}
"#
    );
    let reps = "rep_id,manager_id\nvp,\nm1,vp\na1,m1\na2,m1\na3,vp\n";
    let deals = "deal_id,owner,amount,close_date
d1,vp,1,2026-01-10
d2,m1,20,2026-01-10
d3,a1,300,2026-01-10
d4,a2,4000,2026-01-10
d5,a3,50000,2026-01-10
";
    run_inline(&text, &[("reps", reps), ("deals", deals)])
}

#[test]
fn team_sums_direct_reports_only() {
    let o = run_hierarchy();
    let out = ok(&o);
    // vp: m1 + a3 = 20 + 50,000 = 50,020 (not a1, a2 who report to m1; not vp itself)
    assert_eq!(value(out, "vp", "2026-Q1", "team_bookings"), d("50020"));
    // m1: a1 + a2 = 300 + 4,000 = 4,300
    assert_eq!(value(out, "m1", "2026-Q1", "team_bookings"), d("4300"));
    // a1 has no reports: 0
    assert_eq!(value(out, "a1", "2026-Q1", "team_bookings"), d("0"));
}

#[test]
fn org_sums_all_descendants() {
    let o = run_hierarchy();
    let out = ok(&o);
    // vp: m1 + a1 + a2 + a3 = 20 + 300 + 4,000 + 50,000 = 54,320 (not vp's own 1)
    assert_eq!(value(out, "vp", "2026-Q1", "org_bookings"), d("54320"));
    // m1: a1 + a2 = 4,300
    assert_eq!(value(out, "m1", "2026-Q1", "org_bookings"), d("4300"));
    // a3 has no reports: 0
    assert_eq!(value(out, "a3", "2026-Q1", "org_bookings"), d("0"));
}

// ---------------------------------------------------------------- rounding

fn run_rounding(body: &str) -> Outcome {
    run_inline(
        &plan(Q1, "", body),
        &[
            ("reps", "rep_id\nr1\n"),
            ("deals", "deal_id,owner,amount,close_date,stage,product\n"),
        ],
    )
}

#[test]
fn rounding_half_even_sends_a_half_cent_to_the_even_cent() {
    let o = run_rounding(
        "  rounding payouts to 0.01 half-even
  payout p = 1 EUR * 12.5%
  payout q = 1 EUR * 13.5%",
    );
    let out = ok(&o);
    // 1 × 12.5% = 0.125 → half-even → 0.12 (2 is even)
    assert_eq!(value(out, "r1", "2026-Q1", "p"), d("0.12"));
    // 1 × 13.5% = 0.135 → half-even → 0.14 (4 is even)
    assert_eq!(value(out, "r1", "2026-Q1", "q"), d("0.14"));
}

#[test]
fn rounding_half_up_sends_a_half_cent_up() {
    let o = run_rounding(
        "  rounding payouts to 0.01 half-up
  payout p = 1 EUR * 12.5%
  payout q = 1 EUR * 13.5%",
    );
    let out = ok(&o);
    // 0.125 → half-up → 0.13
    assert_eq!(value(out, "r1", "2026-Q1", "p"), d("0.13"));
    // 0.135 → half-up → 0.14
    assert_eq!(value(out, "r1", "2026-Q1", "q"), d("0.14"));
}

#[test]
fn round_in_an_expression_uses_its_own_mode() {
    let o = run_rounding(
        "  rounding payouts to 0.01 half-even
  kpi rounded = round(1 EUR * 12.5%, 0.01, half-up)
  payout p = round(1 EUR * 12.5%, 0.01, half-up)",
    );
    let out = ok(&o);
    // 0.125 → half-up → 0.13 (the plan's half-even would give 0.12)
    assert_eq!(value(out, "r1", "2026-Q1", "rounded"), d("0.13"));
    // the payout is 0.13 already, the plan's rounding leaves it: 0.13
    assert_eq!(value(out, "r1", "2026-Q1", "p"), d("0.13"));
}

#[test]
fn kpis_are_not_rounded() {
    let o = run_rounding(
        "  rounding payouts to 0.01 half-even
  kpi eighth = 1 EUR / 8
  payout p = eighth",
    );
    let out = ok(&o);
    // KPI exact: 1 / 8 = 0.125
    assert_eq!(value(out, "r1", "2026-Q1", "eighth"), d("0.125"));
    // the same figure as a payout is rounded: 0.125 → half-even → 0.12
    assert_eq!(value(out, "r1", "2026-Q1", "p"), d("0.12"));
}

// ---------------------------------------------------------------- dates

/// r1 started 2025-12-20; deals close 2026-01-10, 2026-01-19, 2026-01-20, 2026-02-15.
fn run_dates(body: &str) -> Outcome {
    let deals = "deal_id,owner,amount,close_date,stage,product
d1,r1,100,2026-01-20,Won,A
d2,r1,100,2026-01-10,Won,A
d3,r1,100,2026-02-15,Won,A
d4,r1,100,2026-01-19,Won,A
";
    run_inline(
        &plan(Q1, "    start_date: date", body),
        &[
            ("reps", "rep_id,start_date\nr1,2025-12-20\n"),
            ("deals", deals),
        ],
    )
}

#[test]
fn subtracting_dates_gives_days() {
    let o = run_dates(
        "  kpi days_to_first_close = min(deals.close_date) - start_date
  kpi quick_closes = count(deals where close_date - start_date <= 30 days)",
    );
    let out = ok(&o);
    // first close 2026-01-10 − 2025-12-20: Dec 20 → Dec 31 = 11 days, + 10 = 21 days
    assert_eq!(value(out, "r1", "2026-Q1", "days_to_first_close"), d("21"));
    // close − start ≤ 30: d2 21 days, d4 Jan 19 = 11 + 19 = 30 days (on the edge, ≤ holds);
    // d1 Jan 20 = 31 days and d3 Feb 15 = 11 + 31 + 15 = 57 days do not: 2
    assert_eq!(value(out, "r1", "2026-Q1", "quick_closes"), d("2"));
}

#[test]
fn where_compares_a_date_column_with_a_date_literal() {
    let o = run_dates(
        "  kpi from_jan_19 = count(deals where close_date >= 2026-01-19)
  kpi before_jan_19 = count(deals where close_date < 2026-01-19)",
    );
    let out = ok(&o);
    // ≥ 2026-01-19: d1 (Jan 20), d3 (Feb 15), d4 (Jan 19) = 3
    assert_eq!(value(out, "r1", "2026-Q1", "from_jan_19"), d("3"));
    // < 2026-01-19: d2 (Jan 10) = 1
    assert_eq!(value(out, "r1", "2026-Q1", "before_jan_19"), d("1"));
}

// ---------------------------------------------------------------- optional columns and errors

/// amy has a manager and a bonus of 750; zed has neither.
fn run_optional(body: &str) -> Outcome {
    let reps = "rep_id,manager_id,bonus\namy,zed,750\nzed,,\n";
    run_inline(
        &plan(Q1, "    manager_id: text?\n    bonus: money?", body),
        &[
            ("reps", reps),
            ("deals", "deal_id,owner,amount,close_date,stage,product\n"),
        ],
    )
}

#[test]
fn present_tells_whether_an_optional_cell_is_filled() {
    let o = run_optional(
        "  kpi has_manager = present(manager_id)
  payout stipend = 100 EUR when present(manager_id)",
    );
    let out = ok(&o);
    let t = table(out);
    let cell = |p: &str| {
        t.get(&(p.to_string(), "2026-Q1".to_string()))
            .and_then(|r| r.get("has_manager"))
            .cloned()
    };
    // amy's manager_id is "zed": present; zed's is empty: not present
    assert_eq!(cell("amy").as_deref(), Some("true"), "{out}");
    assert_eq!(cell("zed").as_deref(), Some("false"), "{out}");
    // the gate: amy 100, zed 0
    assert_eq!(value(out, "amy", "2026-Q1", "stipend"), d("100"));
    assert_eq!(value(out, "zed", "2026-Q1", "stipend"), d("0"));
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
fn empty_optional_with_otherwise_falls_back() {
    let o = run_optional("  payout signing_bonus = bonus otherwise 0 EUR");
    let out = ok(&o);
    // amy: 750 (filled in)
    assert_eq!(value(out, "amy", "2026-Q1", "signing_bonus"), d("750"));
    // zed: empty → fallback 0
    assert_eq!(value(out, "zed", "2026-Q1", "signing_bonus"), d("0"));
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
    let o = run_inline(
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
