//! `ignition diff`: changes, cost summary, CI gate, side-by-side explanations, bad input.

use crate::common;
use common::{ignition, outcome, Outcome};
use std::path::Path;

const PLAN: &str = "plans/field-sales/plan.plan";
const DATA: &str = "plans/field-sales/data";

/// The field-sales plan with the 100–150% band raised from 12% to 13%.
fn raised_band(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(PLAN).expect("plan");
    assert!(
        text.contains("100% .. 150% : 12%"),
        "the plan's third band changed; update this test"
    );
    let path = dir.join("new.plan");
    std::fs::write(
        &path,
        text.replace("100% .. 150% : 12%", "100% .. 150% : 13%"),
    )
    .expect("write");
    path
}

fn diff(args: &[&str], new: &Path) -> Outcome {
    outcome(
        ignition()
            .arg("diff")
            .arg(PLAN)
            .arg(new)
            .args(["--data", DATA])
            .args(args),
    )
}

#[test]
fn a_raised_band_is_priced_per_participant_and_in_total() {
    let dir = tempfile::tempdir().expect("temp");
    let new = raised_band(dir.path());
    let out = diff(&["--format", "csv"], &new);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out.stdout.lines().collect();
    // One more point on the slice of bookings between 100% and 150% of quota:
    // r01 Q1: 130,000 − 100,000 = 30,000 × 1% = +300 (8,600 → 8,900); total stays capped at 10,000.
    // r02 Q1: quota 90,000, band 90,000–135,000 fully used: 45,000 × 1% = +450 (total too: below its cap).
    // r02 Q4: 95,000 − 90,000 = 5,000 × 1% = +50.
    // r03 Q3: quota 120,000, band 120,000–180,000: 60,000 × 1% = +600 (16,200 → 16,800); total capped at 12,000.
    // r04 Q1: quota 440,000/9 = 48,888.89; 60,000 − 48,888.89 = 11,111.11 × 1% = +111.11
    //         (commission 34,000/9 = 3,777.78 → 35,000/9 = 3,888.89; total adds the paid components:
    //         3,777.78 + 416.67 = 4,194.45 → 3,888.89 + 416.67 = 4,305.56: +111.11).
    for expected in [
        "r01,2026-Q1,commission,payout,EUR,8600,8900,300,",
        "r02,2026-Q1,commission,payout,EUR,12335.18,12785.18,450,",
        "r02,2026-Q1,total,total,EUR,12935.18,13385.18,450,",
        "r02,2026-Q4,commission,payout,EUR,5100,5150,50,",
        // r02 Q4 total: 5,100 commission + 300 spif = 5,400 → 5,450 (below its cap).
        "r02,2026-Q4,total,total,EUR,5400,5450,50,",
        "r03,2026-Q3,commission,payout,EUR,16200,16800,600,",
        "r04,2026-Q1,commission,payout,EUR,3777.78,3888.89,111.11,",
        "r04,2026-Q1,total,total,EUR,4194.45,4305.56,111.11,",
    ] {
        assert!(
            rows.iter().any(|r| r.starts_with(expected)),
            "missing {expected} in\n{}",
            out.stdout
        );
    }
    assert!(
        !rows.iter().any(|r| r.starts_with("r01,2026-Q1,total")),
        "r01's total is capped: unchanged"
    );
    assert_eq!(rows.len(), 1 + 8, "{}", out.stdout);
}

#[test]
fn the_summary_states_the_cost() {
    let dir = tempfile::tempdir().expect("temp");
    let new = raised_band(dir.path());
    let out = diff(&["--format", "json"], &new);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let s = &v["summary"];
    // Totals move only for r02 (+450 in Q1, +50 in Q4) and r04 (+111.11 in Q1): 611.11.
    assert_eq!(s["total_delta"], "611.11");
    assert_eq!(s["participants_affected"], 4); // r01, r02, r03, r04 (commissions)
    assert_eq!(s["largest_increases"][0][0], "r02");
    assert_eq!(s["largest_increases"][0][1], "500");
    // Sum of the hand-computed totals of tests/expected/field-sales.csv.
    let expected: rust_decimal::Decimal = std::fs::read_to_string("tests/expected/field-sales.csv")
        .expect("expected csv")
        .lines()
        .skip(1)
        .map(|l| {
            l.rsplit(',')
                .next()
                .expect("total")
                .parse::<rust_decimal::Decimal>()
                .expect("decimal")
        })
        .sum();
    assert_eq!(s["total_old"], expected.normalize().to_string());
}

#[test]
fn fail_over_gates_ci() {
    let dir = tempfile::tempdir().expect("temp");
    let new = raised_band(dir.path());
    // 611.11 of 67,070.06 is 0.91%.
    assert_eq!(diff(&["--fail-over", "1%"], &new).code, 0);
    let over = diff(&["--fail-over", "0.5%"], &new);
    assert_eq!(over.code, 1, "{}", over.stderr);
    assert!(
        over.stderr.contains("more than --fail-over 0.5%"),
        "{}",
        over.stderr
    );
    assert_eq!(diff(&["--fail-over", "600"], &new).code, 1);
    assert_eq!(diff(&["--fail-over", "700"], &new).code, 0);
    let bad = diff(&["--fail-over", "lots"], &new);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--fail-over takes an amount"),
        "{}",
        bad.stderr
    );
}

#[test]
fn table_output_and_side_by_side_explanation() {
    let dir = tempfile::tempdir().expect("temp");
    let new = raised_band(dir.path());
    let out = diff(&["--explain", "r02"], &new);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("participants affected: 4 of 6"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("total cost: 67,070.06 EUR → 67,681.17 EUR (+611.11 EUR, 0.91%)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("r02 in 2026-Q1: old plan (left) and new plan (right)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("≠ commission = 12,335.18 EUR"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("≠ commission = 12,785.18 EUR"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(
        "diff_table",
        out.stdout.split("\nr02 in").next().unwrap_or_default()
    );
}

#[test]
fn one_plan_on_two_data_sets() {
    let dir = tempfile::tempdir().expect("temp");
    for f in ["reps.csv", "deals.csv", "activities.csv"] {
        std::fs::copy(Path::new(DATA).join(f), dir.path().join(f)).expect("copy");
    }
    let deals = std::fs::read_to_string(dir.path().join("deals.csv")).expect("deals");
    assert!(deals.contains("D002,r01,50000.00"));
    std::fs::write(
        dir.path().join("deals.csv"),
        deals.replace("D002,r01,50000.00", "D002,r01,60000.00"),
    )
    .expect("write");
    let out = outcome(
        ignition()
            .arg("diff")
            .arg(PLAN)
            .args(["--data", DATA, "--new-data"])
            .arg(dir.path())
            .args(["--format", "csv"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // r01 Q1 bookings 130,000 → 140,000: the extra 10,000 sits in the 12% band: +1,200 commission.
    assert!(
        out.stdout
            .contains("r01,2026-Q1,bookings,kpi,EUR,130000,140000,10000,"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("r01,2026-Q1,commission,payout,EUR,8600,9800,1200,"),
        "{}",
        out.stdout
    );
    // m01 manages r01: override 1% of +10,000 = +100.
    assert!(
        out.stdout
            .contains("m01,2026-Q1,override,payout,EUR,1700,1800,100,"),
        "{}",
        out.stdout
    );
}

#[test]
fn incompatible_schemas_name_the_column() {
    let dir = tempfile::tempdir().expect("temp");
    let text = std::fs::read_to_string(PLAN).expect("plan");
    let path = dir.path().join("new.plan");
    std::fs::write(
        &path,
        text.replacen(
            "    product: text",
            "    product: text\n    channel: text?",
            1,
        ),
    )
    .expect("write");
    let out = diff(&[], &path);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("input `deals`: column `channel` is new in the new"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn nothing_to_compare_is_a_usage_error() {
    let out = outcome(ignition().arg("diff").arg(PLAN).args(["--data", DATA]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nothing to compare"), "{}", out.stderr);
}

#[test]
fn a_change_that_breaks_a_value_stops_the_diff() {
    let dir = tempfile::tempdir().expect("temp");
    let text = std::fs::read_to_string(PLAN).expect("plan");
    assert!(text.contains("bookings / quota otherwise 0%"));
    let path = dir.path().join("new.plan");
    // Without the fallback, r03's Q1 quota of 0 makes attainment a division by zero.
    std::fs::write(
        &path,
        text.replace("bookings / quota otherwise 0%", "bookings / quota"),
    )
    .expect("write");
    let out = diff(&[], &path);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("division by zero in `attainment` for r03 in 2026-Q1"),
        "{}",
        out.stderr
    );
}

/// The what-if of plans/enterprise's header comment: `--set top_rate=18%` with one plan
/// prices the accelerator at 18% instead of 6% against the plan itself.
#[test]
fn the_enterprise_what_if_prices_a_higher_accelerator_and_meets_the_cap() {
    let o = outcome(ignition().args([
        "diff",
        "plans/enterprise/plan.plan",
        "--set",
        "top_rate=18%",
        "--data",
        "plans/enterprise/data",
        "--format",
        "csv",
    ]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    // e01 2026-Q1: bookings 127,000 over a quota of 480,000 / 4 = 120,000: 7,000 above it,
    // at 6% = 420.00, at 18% = 1,260.00.
    // total: commission 127,000 × 3% = 3,810 + 420 + kicker (105.83% ≥ 100% row, margin
    // 55,000 / 127,000 = 43.3% ≥ 40% column) 1,500 + bonus 48,000 / 4 × 25% × (100% +
    // 5.83…/50 × 100%) = 3,000 × 335/300 = 3,350 = 9,080.00; with 18%: 9,920.00.
    for (name, old, new) in [
        ("accelerator,payout", "420", "1260"),
        ("total,total", "9080", "9920"),
    ] {
        assert!(
            o.stdout
                .contains(&format!("e01,2026-Q1,{name},USD,{old},{new}")),
            "e01 {name}: {}",
            o.stdout
        );
    }
    // e05 2026-Q4: bookings 210,000 + 70,000 = 280,000 over 520,000 / 4 = 130,000:
    // 150,000 above, at 6% = 9,000, at 18% = 27,000. commission 210,000 × 4% + 70,000 ×
    // 3.25% = 8,400 + 2,275 = 10,675; kicker 1,500; bonus 13,000 × 25% × 200% (held above
    // 150%) = 6,500; year end 2,000 (ytd 525,000 ≥ 520,000): total 29,675.00. With 18%:
    // 47,675, capped at clamp(13,000 × 3, 5,000, 40,000) = 39,000.00.
    assert!(
        o.stdout.contains("e05,2026-Q4,total,total,USD,29675,39000"),
        "{}",
        o.stdout
    );
}
