//! Snapshots of explanations, text and JSON, covering every kind of node on the example plans
//! and on tests/plans/kinds (which exists to use the kinds the examples do not).

use crate::common;
use common::{ignition, outcome};

fn explain(plan: &str, participant: &str, period: &str, names: &[&str], format: &str) -> String {
    let dir = std::path::Path::new(plan)
        .parent()
        .expect("plan folder")
        .join("data");
    let out = outcome(
        ignition()
            .arg("explain")
            .arg(plan)
            .arg("--data")
            .arg(&dir)
            .args([
                "--participant",
                participant,
                "--period",
                period,
                "--format",
                format,
            ])
            .args(names),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

const FIELD: &str = "plans/field-sales/plan.plan";
const SDR: &str = "plans/sdr/plan.plan";
const KINDS: &str = "tests/plans/kinds/plan.plan";

#[test]
fn cap_marginal_bands_gate_rows_and_rounding() {
    // r01 2026-Q1: commission over three bands (1,000 + 4,000 + 3,600), spif row D002,
    // quality bonus through min(), total capped from 10,055.56 to 10,000.00.
    insta::assert_snapshot!(
        "field_r01_q1",
        explain(FIELD, "r01", "2026-Q1", &[], "text")
    );
}

#[test]
fn closed_gate_and_fallback() {
    // r03 starts 2026-04-01: Q1 quota prorates to 0, attainment falls back to 0%, gate closes.
    insta::assert_snapshot!(
        "field_r03_q1_commission",
        explain(FIELD, "r03", "2026-Q1", &["commission"], "text")
    );
}

#[test]
fn team_contributions() {
    insta::assert_snapshot!(
        "field_m01_q1_override",
        explain(FIELD, "m01", "2026-Q1", &["override"], "text")
    );
}

#[test]
fn flat_lookup_cap_floor_and_team() {
    insta::assert_snapshot!("sdr_s01_march", explain(SDR, "s01", "2026-03", &[], "text"));
    insta::assert_snapshot!(
        "sdr_s02_june_ytd",
        explain(
            SDR,
            "s02",
            "2026-06",
            &["ytd_meetings", "pipeline_kicker"],
            "text"
        )
    );
}

#[test]
fn org_prior_period_total_round_present_and_aggregates() {
    insta::assert_snapshot!("kinds_p1_q2", explain(KINDS, "p1", "2026-Q2", &[], "text"));
    insta::assert_snapshot!(
        "kinds_p3_q2_kpis",
        explain(
            KINDS,
            "p3",
            "2026-Q2",
            &[
                "half_year",
                "regions",
                "average",
                "biggest",
                "tenure",
                "last_quarter"
            ],
            "text"
        )
    );
}

#[test]
fn json_form() {
    insta::assert_snapshot!(
        "field_r01_q1_commission_json",
        explain(FIELD, "r01", "2026-Q1", &["commission"], "json")
    );
    insta::assert_snapshot!(
        "kinds_p1_q2_org_bonus_json",
        explain(KINDS, "p1", "2026-Q2", &["org_bonus"], "json")
    );
}

// issue 9, tables
const TABLES: &str = "tests/plans/tables/plan.plan";

#[test]
fn tables_closedness_grid_and_curve() {
    // r1 2026-Q1: attainment exactly 100% falls in `80% .. 100%` of a `(lo, hi]` table.
    insta::assert_snapshot!(
        "tables_r1_q1",
        explain(TABLES, "r1", "2026-Q1", &[], "text")
    );
    insta::assert_snapshot!(
        "tables_r2_q1_json",
        explain(TABLES, "r2", "2026-Q1", &["level_pay"], "json")
    );
    // r2 2026-Q2: attainment 112.5% is 0.25 of the way from `100% : 100%` to `150% : 200%`.
    insta::assert_snapshot!(
        "tables_r2_q2_mbo_json",
        explain(TABLES, "r2", "2026-Q2", &["mbo"], "json")
    );
}

/// Issue 9: a user function's call (arguments, then its body) and params (the plan's
/// values: `params:` at the top, the `param` node where one is read).
#[test]
fn fn_calls_and_params() {
    // r1: 120,000 / 100,000 = 120% → clamp keeps it → band [100%, …) = top_rate 15%
    // → share(120,000, 15%) = 18,000; bonus = kicker 500.
    insta::assert_snapshot!(
        "fns_r1_q1",
        explain("tests/plans/fns/plan.plan", "r1", "2026-Q1", &[], "text")
    );
}

// issue 9, rows
const ROWS: &str = "tests/plans/rows/plan.plan";

#[test]
fn rows_show_each_rows_computed_value_beside_its_line() {
    // r1 2026-Q1: margin_amount lists amount, margin and amount * margin of D1–D3
    // (400 + 100 + 750 = 1,250); net_total lists the computed `net` and `big` of D1 and D3
    // (1,500 + 2,000 = 3,500; D2's net 200 is not big); quarterly_quota = 1,000 × 3.
    insta::assert_snapshot!("rows_r1_q1", explain(ROWS, "r1", "2026-Q1", &[], "text"));
    insta::assert_snapshot!(
        "rows_r1_q1_margin_json",
        explain(
            ROWS,
            "r1",
            "2026-Q1",
            &["margin_amount", "net_total"],
            "json"
        )
    );
}

// issue 9, reference tables
const REFERENCE: &str = "tests/plans/reference/plan.plan";

#[test]
fn reference_table_lookups_show_the_row_used() {
    // r1 2026-Q1: bookings 12,000 + 3,000 (d3's 800 is under the Addon minimum of 1,000)
    // × EMEA/AE 10% = 1,500; one Platform deal × the SPIF in force on 2026-03-31, 200 = 200.
    insta::assert_snapshot!(
        "reference_r1_q1",
        explain(REFERENCE, "r1", "2026-Q1", &[], "text")
    );
    // r2 2026-Q2: the SPIF row from 2026-04-01, open-ended (its `to` cell is empty): 300.
    insta::assert_snapshot!(
        "reference_r2_q2_spif_json",
        explain(REFERENCE, "r2", "2026-Q2", &["spif"], "json")
    );
}

// issue 9, conditionals
const CONDITIONALS: &str = "tests/plans/conditionals/plan.plan";

#[test]
fn if_branches_and_gated_kpis() {
    // r2 2026-Q1: 25,000 / 20,000 = 125%: the `then` branches are taken, the gates open.
    insta::assert_snapshot!(
        "conditionals_r2_q1",
        explain(
            CONDITIONALS,
            "r2",
            "2026-Q1",
            &["status", "big_deals", "kicker"],
            "text"
        )
    );
    // r1 2026-Q1: quota 0: `else 0%` without dividing; the `else if` chain down to
    // "behind"; the gates closed.
    insta::assert_snapshot!(
        "conditionals_r1_q1",
        explain(
            CONDITIONALS,
            "r1",
            "2026-Q1",
            &["status", "big_deals", "kicker"],
            "text"
        )
    );
    insta::assert_snapshot!(
        "conditionals_r1_q1_json",
        explain(CONDITIONALS, "r1", "2026-Q1", &["attainment"], "json")
    );
}

// issue 9, calendar arithmetic
const CALENDAR: &str = "tests/plans/calendar/plan.plan";

#[test]
fn calendar_functions_and_prorate_by_months() {
    // r2 hired 2026-03-16, in 2026-03: 1 of 1 months by months (3,100), 16 of 31 days by
    // days (1,600); March ends a quarter but the tenure is 0 months: the bonus's gate is
    // closed.
    insta::assert_snapshot!(
        "calendar_r2_2026_03",
        explain(
            CALENDAR,
            "r2",
            "2026-03",
            &[
                "quarter_bonus",
                "quota_by_months",
                "quota_by_days",
                "first_review",
                "working_days",
                "hire_quarter"
            ],
            "text"
        )
    );
}

// issue 11, kpi intent
const KPIS: &str = "tests/plans/kpis/plan.plan";

#[test]
fn a_kpi_status_shows_its_target_bounds_and_the_deciding_threshold() {
    // r1 2026-Q1: 1 / 3 = 33.33% is not below 80% × 30% = 24% nor 100% × 30% = 30%: green;
    // attainment 33.33% / 30% = 111.11%.
    insta::assert_snapshot!(
        "kpis_r1_q1",
        explain(
            KPIS,
            "r1",
            "2026-Q1",
            &["win_rate.status", "win_attainment"],
            "text"
        )
    );
    // r3 2026-Q1: 0 / 1 = 0% < 80% × 40% = 32%: red, decided by the first threshold.
    insta::assert_snapshot!(
        "kpis_r3_q1",
        explain(KPIS, "r3", "2026-Q1", &["win_rate.status"], "text")
    );
    // r1 2026-Q2: nothing closed: `no data when` holds.
    insta::assert_snapshot!(
        "kpis_r1_q2_json",
        explain(KPIS, "r1", "2026-Q2", &["win_rate.status"], "json")
    );
}

// issue 10, calendars: `qtd` in a monthly plan over a fiscal year from April.
#[test]
fn qtd_in_a_fiscal_year() {
    // r1 2026-06 (FY2027 Q1 = Apr–Jun): 8,000 + 16,000 + 2,500 = 26,500; the quarter closes
    // in June, so quarter_close = 1% × 26,500 = 265.
    insta::assert_snapshot!(
        "fiscal_r1_june_qtd",
        explain(
            "tests/plans/fiscal/plan.plan",
            "r1",
            "2026-06",
            &["bookings_qtd", "quarter_close"],
            "text"
        )
    );
}

// issue 11, causes of a gap; comparison and trend
const CAUSES: &str = "tests/plans/causes/plan.plan";

#[test]
fn a_kpi_with_drivers_shows_its_gap_split_and_the_comparisons_what_they_read() {
    // r1 2026-Q1: actual (4, 50%, 18,000) against targets (10, 30%, 10,000): Shapley
    // −34,400, +18,800, +21,600 (worked in tests/rules/kpi_drivers_split_the_gap_and_compare);
    // the cap makes 35,000 of 36,000: −1,000; the target 32,000 is not 10 × 30% × 10,000 =
    // 30,000: −2,000. Sum 3,000 = 35,000 − 32,000.
    insta::assert_snapshot!(
        "causes_r1_q1",
        explain(CAUSES, "r1", "2026-Q1", &["bookings"], "text")
    );
    // r1 2026-Q2 against Q1: the prior value 35,000 is not the prior drivers' 36,000:
    // +1,000; 7,633.33 + 6,233.33 − 19,866.67 + 1,000 = −5,000 = 30,000 − 35,000. In the
    // team (r1 30,000, r2 0, r3 0) r1 is first; in the organisation 3 of 3 others do
    // worse; the team's average is 30,000 / 3; the trend over Q1–Q2 is −5,000 a period.
    insta::assert_snapshot!(
        "causes_r1_q2",
        explain(
            CAUSES,
            "r1",
            "2026-Q2",
            &[
                "win_rate_vs_prior",
                "place",
                "standing",
                "team_average",
                "direction"
            ],
            "text"
        )
    );
    insta::assert_snapshot!(
        "causes_r1_q1_json",
        explain(CAUSES, "r1", "2026-Q1", &["bookings", "place"], "json")
    );
}
/// issue 10, splits: the team-selling example.
const TEAM: &str = "plans/team-selling/plan.plan";

#[test]
fn credit_splits_show_each_copy_with_its_share_and_role() {
    // sdr1 2026-Q1: sourced D01 60,000 (20%) and D03 40,000 (10%): 100,000 whole opens the
    // gate; (12,000 + 4,000) × 5% = 800. Each row shows its share and role.
    insta::assert_snapshot!(
        "team_sdr1_q1",
        explain(TEAM, "sdr1", "2026-Q1", &["sdr_commission"], "text")
    );
    // ae1 2026-Q1: D01 80% (48,000) and D02 50% (25,000) as AE; D04 lost, not won.
    insta::assert_snapshot!(
        "team_ae1_q1_json",
        explain(TEAM, "ae1", "2026-Q1", &["ae_bookings"], "json")
    );
}
// issue 10, currencies
const GLOBAL: &str = "plans/global-sales/plan.plan";

#[test]
fn conversions_show_the_rate_and_the_fx_row() {
    // r3 2026-Q2: D6 16,500,000 JPY at 1 / 165 (the inverse of the EUR → JPY row from
    // 2026-04-01) = 100,000 EUR; the salary 9,000,000 JPY at 1 / 165 on 2026-06-30.
    insta::assert_snapshot!(
        "global_r3_q2",
        explain(GLOBAL, "r3", "2026-Q2", &[], "text")
    );
    // r2 2026-Q1: D3 at the USD → EUR row of 2026-01-01, 0.92, and the lost D7 left out.
    insta::assert_snapshot!(
        "global_r2_q1_salary_json",
        explain(GLOBAL, "r2", "2026-Q1", &["salary_eur", "bookings"], "json")
    );
}

#[test]
fn a_payout_paid_in_the_participant_s_currency_shows_the_rate_and_the_rounding() {
    // r4 2026-Q1, paid in GBP: 1,533.30 EUR × 0.85 (the EUR → GBP row in force on
    // 2026-03-31) = 1,303.305 GBP, rounded half-even to the penny: 1,303.30 GBP; the
    // total paid is the sum of the payouts paid, 1,303.30 GBP.
    insta::assert_snapshot!(
        "global_r4_q1_paid_in_gbp",
        explain(GLOBAL, "r4", "2026-Q1", &["commission", "total"], "text")
    );
    // r2 2026-Q2, paid in USD: 2,250 EUR × 1 / 0.90 (the inverse of the USD → EUR row) =
    // 2,500 USD.
    insta::assert_snapshot!(
        "global_r2_q2_paid_in_usd_json",
        explain(GLOBAL, "r2", "2026-Q2", &["commission"], "json")
    );
}

// issue 10, assignments
const ASSIGNMENTS: &str = "tests/plans/assignments/plan.plan";

#[test]
fn a_prorated_history_lists_each_row_with_its_days_and_share() {
    // r1 2026-05 (31 days): 20,000 × 15 / 31 (1 – 15 May) + 30,000 × 16 / 31 (16 – 31 May)
    // = 780,000 / 31 ≈ 25,161.29.
    insta::assert_snapshot!(
        "assignments_r1_may_quota",
        explain(ASSIGNMENTS, "r1", "2026-05", &["quota"], "text")
    );
    // r3 hired on 11 May: 20,000 × 21 / 31 ≈ 13,548.39, 10 days with no row.
    insta::assert_snapshot!(
        "assignments_r3_may_quota_json",
        explain(ASSIGNMENTS, "r3", "2026-05", &["quota"], "json")
    );
}

#[test]
fn team_lists_the_reports_in_force_in_the_period() {
    // r1 moves from m1 to m2 on 1 May. April: m1's team is r1 (10,000): override 100.
    insta::assert_snapshot!(
        "assignments_m1_april_override",
        explain(ASSIGNMENTS, "m1", "2026-04", &["override"], "text")
    );
    // May: m1's team is r3 (hired 11 May, 4,000): 40; m2's is r1 (12,000) and r2 (8,000): 200.
    insta::assert_snapshot!(
        "assignments_m1_may_override",
        explain(ASSIGNMENTS, "m1", "2026-05", &["override"], "text")
    );
    insta::assert_snapshot!(
        "assignments_m2_may_override",
        explain(ASSIGNMENTS, "m2", "2026-05", &["override"], "text")
    );
}
