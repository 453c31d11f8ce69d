//! Filters that match nothing: a text literal the column never holds, and a filtered row
//! set that no credited row passes. `run`, `explain` and `diff` warn (exit 0), `--strict`
//! makes it an error (exit 2), and a failing plan test names them as a likely cause.

use crate::common;
use common::{flat, ignition, outcome, workspace, Outcome};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The field-sales plan with `stage == "Closed Won"` written as `stage == "won"`.
fn won_typo() -> (tempfile::TempDir, std::path::PathBuf) {
    let plan = std::fs::read_to_string(format!("{ROOT}/plans/field-sales/plan.plan"))
        .expect("plan")
        .replace("stage == \"Closed Won\"", "stage == \"won\"");
    assert!(plan.contains("stage == \"won\""));
    workspace(&plan, &[])
}

fn data() -> String {
    format!("{ROOT}/plans/field-sales/data")
}

#[test]
fn a_text_literal_that_never_occurs_is_named_with_the_values_that_do() {
    let (_dir, plan) = won_typo();
    let out =
        outcome(
            ignition()
                .arg("run")
                .arg(&plan)
                .args(["--data", &data(), "--format", "csv"]),
        );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = flat(&out.stderr);
    assert!(text.contains("ignition::data::unmatched_text"), "{text}");
    assert!(
        text.contains("\"won\" never occurs in column `stage` of"),
        "{text}"
    );
    assert!(text.contains("so this comparison is never true"), "{text}");
    assert!(text.contains("did you mean \"Closed Won\"?"), "{text}");
    // deals.csv has 23 Closed Won, 4 Closed Lost and 3 Open rows; two Closed Won rows are not
    // credited (D001 is dated 2025-12-31, before the plan; D029 names r99, not in the
    // roster), so the rows that count hold 21 Closed Won, 4 Closed Lost, 3 Open.
    assert!(
        text.contains(
            "the 3 values of `stage`: \"Closed Won\" (21 rows), \"Closed Lost\" (4 rows), \"Open\" (3 rows)"
        ),
        "{text}"
    );
    // The won rows feed `spif` too: its set is explained by the literal, not reported again.
    assert!(!text.contains("ignition::data::empty_filter"), "{text}");
    assert_eq!(text.matches("ignition::data::unmatched_text").count(), 1);
}

#[test]
fn strict_makes_it_an_error_in_run_explain_and_diff() {
    // Data without skipped rows, so that only the filter stops a --strict run.
    let deals = "deal_id,owner,amount,stage,day\nd1,r1,100,Won,2026-01-10\n";
    let kpis = "  kpi won = count(deals where stage == \"won\")";
    let out = small_with(kpis, deals, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("ignition::data::unmatched_text"));
    assert!(out.stderr.contains("--strict makes this an error"));
    let out = small_with(kpis, deals, &["--strict"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        flat(&out.stderr).contains("× \"won\" never occurs"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);

    // explain and diff share the input path: a warning, or an error under --strict.
    let (_dir, plan) = won_typo();
    let d = data();
    let out = outcome(ignition().arg("explain").arg(&plan).args([
        "--data",
        &d,
        "--participant",
        "r01",
        "--period",
        "2026-Q1",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("ignition::data::unmatched_text"));
    let out = outcome(
        ignition()
            .arg("diff")
            .arg(format!("{ROOT}/plans/field-sales/plan.plan"))
            .arg(&plan)
            .args(["--data", &d]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("ignition::data::unmatched_text"));
}

/// A plan over deals with a roster region, and the data.
fn small(kpis: &str) -> Outcome {
    let deals = "deal_id,owner,amount,stage,day\nd1,r1,100,Won,2026-01-10\nd2,r2,500,Lost,2026-04-10\nd3,r1,50,Open,2026-02-01\nd4,r9,9999,Pending,2026-02-01\n";
    small_with(kpis, deals, &[])
}

fn small_with(kpis: &str, deals: &str, args: &[&str]) -> Outcome {
    let plan = format!(
        "plan \"x\" {{\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-06-30\n  input reps key id {{ id: text\n    region: text }}\n  input deals key deal_id {{ deal_id: text\n    owner: text\n    amount: money\n    stage: text\n    day: date }}\n  participants reps\n  credit deals to owner by day\n{kpis}\n  payout p = 0 EUR\n}}\n"
    );
    let reps = "id,region\nr1,EMEA\nr2,Americas\n";
    let (dir, path) = workspace(&plan, &[("reps", reps), ("deals", deals)]);
    outcome(
        ignition()
            .arg("run")
            .arg(&path)
            .arg("--data")
            .arg(dir.path())
            .args(["--format", "csv"])
            .args(args),
    )
}

#[test]
fn a_row_set_that_matches_no_row_is_reported() {
    // Amounts are 100, 500 and 50 (d4's 9,999 is for r9, who is not in the roster, so it is
    // not credited): no credited deal is above 1,000, and none is Won and above 200.
    let out = small(
        "  let big = deals where amount > 1000 EUR\n  kpi n_big = count(big)\n  kpi won_big = sum(deals.amount where stage == \"Won\" and amount > 200 EUR)\n  kpi ok = count(deals where amount >= 500 EUR)",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = flat(&out.stderr);
    assert_eq!(
        text.matches("ignition::data::empty_filter").count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("has amount > 1000 EUR: these rows are empty for every participant in every period (3 rows are credited)"),
        "{text}"
    );
    assert!(
        text.contains("has stage == \"Won\" and amount > 200 EUR"),
        "{text}"
    );
    // d2 (500) passes `amount >= 500 EUR`: no warning for it.
    assert!(!text.contains("has amount >= 500"), "{text}");
    // "Won" occurs, so it is not an unmatched literal.
    assert!(!text.contains("unmatched_text"), "{text}");
}

#[test]
fn not_equal_roster_columns_and_case() {
    // `!= "lost"` never matches a row's stage (the data says "Lost"): always true. The roster
    // column region never holds "emea" (it holds "EMEA"): the closest is "EMEA". "Pending"
    // is only on d4, which is not credited, so it does not count.
    let out = small(
        "  kpi open = count(deals where stage != \"lost\")\n  kpi emea = region == \"emea\"\n  kpi pend = count(deals where stage == \"Pending\")",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = flat(&out.stderr);
    assert!(
        text.contains("\"lost\" never occurs in column `stage` of"),
        "{text}"
    );
    assert!(text.contains("so this comparison is always true"), "{text}");
    assert!(text.contains("did you mean \"Lost\"?"), "{text}");
    // stage: Won (d1), Lost (d2), Open (d3); d4 is not credited. One row each, by text.
    assert!(
        text.contains(
            "the 3 values of `stage`: \"Lost\" (1 row), \"Open\" (1 row), \"Won\" (1 row)"
        ),
        "{text}"
    );
    assert!(
        text.contains("\"emea\" never occurs in column `region` of"),
        "{text}"
    );
    assert!(text.contains("did you mean \"EMEA\"?"), "{text}");
    assert!(
        text.contains("\"Pending\" never occurs in column `stage`"),
        "{text}"
    );
    assert_eq!(text.matches("unmatched_text").count(), 3, "{text}");
}

#[test]
fn filters_that_match_say_nothing() {
    let out = small(
        "  kpi won = sum(deals.amount where stage == \"Won\")\n  kpi emea = region == \"EMEA\" or region != \"Americas\"",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("unmatched_text"), "{}", out.stderr);
    assert!(!out.stderr.contains("empty_filter"), "{}", out.stderr);
}

#[test]
fn a_failing_plan_test_names_the_filter() {
    let (dir, _plan) = won_typo();
    let tests = r#"tests for "plan.plan"

test "bookings" {
  reps  { rep_id: "r1", name: "A", role: "AE", region: "N", annual_quota: 400000 EUR, base_salary: 80000 EUR, start_date: 2025-01-01 }
  deals { deal_id: "d1", owner: "r1", amount: 1000 EUR, close_date: 2026-02-10, stage: "Closed Won", product: "Platform" }
  // One won deal of 1,000.
  expect bookings for "r1" in 2026-Q1 == 1000 EUR
}
"#;
    std::fs::write(dir.path().join("t.test.plan"), tests).expect("write");
    let out = outcome(
        ignition()
            .current_dir(dir.path())
            .arg("test")
            .arg("t.test.plan"),
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let text = flat(&out.stdout);
    assert!(
        text.contains("note \"won\" never occurs in column `stage`"),
        "{text}"
    );
    assert!(text.contains("did you mean \"Closed Won\"?"), "{text}");
}
