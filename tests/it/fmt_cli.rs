//! `ignition fmt` end to end: rewriting a messy plan to the canonical layout (snapshot),
//! `--check` with its diff and exit codes, parse errors, folders, and the example plans
//! being formatted already.

use crate::common;
use crate::harness::Test;

use common::{ignition, outcome, workspace, Outcome};
use std::path::{Path, PathBuf};

/// A plan with every kind of declaration, written carelessly: odd spacing, several
/// declarations per line, redundant parentheses, underscores in numbers, comments in every
/// position, runs of blank lines.
const MESSY: &str = r#"// Messy but valid.



plan   "Field \"Messy\""{currency EUR   periods quarterly from 2026-01-01 to 2026-12-31
      rounding payouts to 0.01 half-even
input reps key id{id:text boss : text?   // empty at the top
   quota: money  region: text="EMEA"}
input deals key deal_id {deal_id: text owner:text amount:money close: date stage:text}
  participants reps managed by boss
   credit deals to owner by close


  let won = deals where (stage == "Won") and (amount >= 1_000 EUR)   // closed deals
  kpi bookings = sum( won.amount )
  kpi attainment : percent = (bookings / (quota / 4)) otherwise (0%)
  kpi score = ((0.5 * min(attainment / 20%, 1.2))) + 0.5*min( count(won) / 10 , 1.2 )
  kpi mix = count(won where (amount > 50_000 EUR)) / count(won)   otherwise
      /* no deals */ 0%

  rates commission_rate by attainment { 0%..50%:2% 50% .. 100%: 8%   // the core band
  // above quota
  100%..: 12%}
  payout commission = marginal(commission_rate, bookings, per: (quota / 4)) when attainment >= 25%
  payout spif = 300EUR
  payout kicker = 500 EUR * (count(won where amount >= 50_000 EUR and stage == "Won")) when (score > 1) and not (mix < 10%)
  cap total at quota*(50%) / 4 floor total at 0 EUR
  test "one deal" { reps {id:"r1",quota:400_000 EUR,} deals {deal_id:"d1", owner:"r1", amount: 130_000 EUR, close: 2026-02-10, stage:"Won", } expect commission for "r1" in 2026-Q1 == 8_600.00 EUR
    expect error for "r1" in 2026-Q2 containing "no \"data\"" }



}
"#;

fn path_text(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read back")
}

fn expect_code(o: &Outcome, code: i32) {
    assert_eq!(
        o.code, code,
        "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
        o.stdout, o.stderr
    );
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
}

#[test]
fn a_messy_plan_is_rewritten_in_the_canonical_layout() {
    let messy = MESSY.replace("300EUR", "300 EUR");
    let (_dir, plan) = workspace(&messy, &[]);
    let o = outcome(ignition().arg("fmt").arg(&plan));
    expect_code(&o, 0);
    assert!(o.stderr.contains("formatted"), "{}", o.stderr);
    let formatted = path_text(&plan);
    insta::assert_snapshot!("messy_plan", formatted);

    // The rewritten plan still checks, and formatting again changes nothing.
    expect_code(&outcome(ignition().arg("check").arg(&plan)), 0);
    let again = outcome(ignition().arg("fmt").arg(&plan));
    expect_code(&again, 0);
    assert_eq!(path_text(&plan), formatted);
    assert!(!again.stderr.contains("formatted "), "{}", again.stderr);
}

#[test]
fn check_prints_a_diff_and_exits_1_on_an_unformatted_file_and_changes_nothing() {
    let messy = MESSY.replace("300EUR", "300 EUR");
    let (_dir, plan) = workspace(&messy, &[]);
    let o = outcome(ignition().args(["fmt", "--check"]).arg(&plan));
    expect_code(&o, 1);
    let name = plan.display().to_string();
    assert!(
        o.stdout
            .starts_with(&format!("--- {name}\n+++ {name} (formatted)\n@@ -1,")),
        "{}",
        o.stdout
    );
    assert!(o
        .stdout
        .contains("\n-  kpi attainment : percent = (bookings / (quota / 4)) otherwise (0%)\n"));
    assert!(o
        .stdout
        .contains("\n+  kpi attainment: percent = bookings / (quota / 4) otherwise 0%\n"));
    assert!(
        o.stderr.contains("1 of 1 file is not formatted"),
        "{}",
        o.stderr
    );
    assert_eq!(path_text(&plan), messy, "--check must not write");
}

#[test]
fn check_exits_0_on_a_formatted_file() {
    let text =
        "// A formatted plan.\nplan \"Ok\" {\n  currency EUR\n\n  kpi a = 1 + 2 * 3 // seven\n}\n";
    Test::new()
        .plan(text)
        .args(["fmt", "--check", "plan.plan"])
        .stdout("")
        .stderr_has("1 file is formatted")
        .run();
}

#[test]
fn a_file_that_does_not_parse_exits_2_with_the_parse_diagnostic() {
    // `300EUR` is not a money literal: the amount and the currency need a space.
    let (dir, plan) = workspace(MESSY, &[]);
    let ok = dir.path().join("ok.plan");
    std::fs::write(&ok, "plan \"x\" {  kpi a=1 }").expect("write");
    for check in [false, true] {
        let mut cmd = ignition();
        cmd.arg("fmt");
        if check {
            cmd.arg("--check");
        }
        let o = outcome(cmd.arg(&plan).arg(&ok));
        expect_code(&o, 2);
        assert!(o.stderr.contains("ignition::parse::syntax"), "{}", o.stderr);
        assert!(o.stderr.contains("300EUR"), "{}", o.stderr);
        assert_eq!(
            path_text(&plan),
            MESSY,
            "a file that does not parse is left alone"
        );
    }
    // Without --check the other file was still formatted.
    assert_eq!(path_text(&ok), "plan \"x\" {\n  kpi a = 1\n}\n");
    let missing = outcome(ignition().arg("fmt").arg(dir.path().join("nope.plan")));
    expect_code(&missing, 2);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn folders_are_searched_for_plans_and_test_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("team").join("q1");
    std::fs::create_dir_all(&nested).expect("mkdir");
    let plan = nested.join("plan.plan");
    let tests = nested.join("rules.test.plan");
    let csv = nested.join("deals.csv");
    std::fs::write(&plan, "plan \"P\" { currency EUR kpi a = (1) }").expect("write");
    std::fs::write(
        &tests,
        "tests for \"plan.plan\" test \"t\" { expect a for \"r\" in 2026-Q1 == 1 }",
    )
    .expect("write");
    std::fs::write(&csv, "id,amount\nd1,(1)\n").expect("write");

    let o = outcome(ignition().args(["fmt", "--check"]).arg(dir.path()));
    expect_code(&o, 1);
    assert!(
        o.stderr.contains("2 of 2 files are not formatted"),
        "{}",
        o.stderr
    );

    let o = outcome(ignition().arg("fmt").arg(dir.path()));
    expect_code(&o, 0);
    assert_eq!(
        path_text(&plan),
        "plan \"P\" {\n  currency EUR\n  kpi a = 1\n}\n"
    );
    assert_eq!(
        path_text(&tests),
        "tests for \"plan.plan\"\ntest \"t\" {\n  expect a for \"r\" in 2026-Q1 == 1\n}\n"
    );
    assert_eq!(
        path_text(&csv),
        "id,amount\nd1,(1)\n",
        "only *.plan files are touched"
    );
    expect_code(
        &outcome(ignition().args(["fmt", "--check"]).arg(dir.path())),
        0,
    );
}

#[test]
fn a_formatted_file_is_not_rewritten() {
    let (_dir, plan) = workspace("plan \"P\" {\n  kpi a = 1\n}\n", &[]);
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    std::fs::File::options()
        .write(true)
        .open(&plan)
        .and_then(|f| f.set_modified(old))
        .expect("set mtime");
    expect_code(&outcome(ignition().arg("fmt").arg(&plan)), 0);
    let mtime = std::fs::metadata(&plan)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(mtime, old, "an already formatted file must not be written");
}

#[test]
fn the_example_plans_are_formatted() {
    let plans = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("plans");
    let o = outcome(ignition().args(["fmt", "--check"]).arg(&plans));
    expect_code(&o, 0);
    assert_eq!(o.stdout, "", "run `ignition fmt plans/`");
}
