//! Plan tests can expect yes/no, text and date values (`== true`, `== "Gold"`), and a
//! type that does not fit is a clear error (exit 2) pointing at the expected value.

use crate::common;
use common::{flat, ignition, outcome, workspace, Outcome};

/// One rep; `big` is yes when the quota is at least 100,000; `tier` is "Gold" for the EMEA
/// region and "Silver" otherwise; `since` is the start date.
const PLAN: &str = r#"plan "Typed" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30

  input reps key rep_id {
    rep_id: text
    region: text
    quota: money
    start: date
  }
  participants reps

  kpi big = quota >= 100000 EUR
  kpi tier = region
  kpi since = start
  payout p = quota * 1%
}
"#;

const ROWS: &str = r#"
  reps { rep_id: "r1", region: "Gold", quota: 120000 EUR, start: 2025-03-01 }
"#;

fn run(expects: &str) -> Outcome {
    let tests = format!("tests for \"plan.plan\"\n\ntest \"typed\" {{{ROWS}{expects}\n}}\n");
    let (dir, _plan) = workspace(PLAN, &[]);
    std::fs::write(dir.path().join("t.test.plan"), tests).expect("write");
    outcome(
        ignition()
            .current_dir(dir.path())
            .arg("test")
            .arg("t.test.plan"),
    )
}

#[test]
fn yes_no_text_and_date_values_can_be_expected() {
    // 120,000 >= 100,000: big is yes; tier copies the region "Gold"; since is 2025-03-01.
    let out = run(r#"
  expect big for "r1" in 2026-Q1 == true
  expect big for "r1" in 2026-Q2 != false
  expect tier for "r1" in 2026-Q1 == "Gold"
  expect tier for "r1" in 2026-Q1 != "Silver"
  expect since for "r1" in 2026-Q1 == 2025-03-01
  expect since for "r1" in 2026-Q1 < 2026-01-01"#);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn a_wrong_yes_no_or_text_value_fails_with_both_values() {
    let out = run(r#"
  expect big for "r1" in 2026-Q1 == false
  expect tier for "r1" in 2026-Q1 == "Silver""#);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let text = flat(&out.stdout);
    assert!(
        text.contains("expected == false actual true"),
        "{}",
        out.stdout
    );
    assert!(
        text.contains(r#"expected == "Silver" actual "Gold""#),
        "{}",
        out.stdout
    );
}

#[test]
fn a_value_of_the_wrong_type_is_a_clear_error() {
    for (expect, needle) in [
        (
            r#"expect big for "r1" in 2026-Q1 == 1"#,
            "this is a number, but `big` is a yes/no value",
        ),
        (
            r#"expect tier for "r1" in 2026-Q1 == true"#,
            "this is a yes/no value, but `tier` is text",
        ),
        (
            r#"expect p for "r1" in 2026-Q1 == true"#,
            "this is a yes/no value, but `p` is money in EUR",
        ),
        (
            r#"expect tier for "r1" in 2026-Q1 < "Gold""#,
            "`tier` is text, which has no order: `<` cannot compare it",
        ),
        (
            r#"expect big for "r1" in 2026-Q1 == true within 1"#,
            "`within` needs a number, and `big` is a yes/no value",
        ),
    ] {
        let out = run(&format!("\n  {expect}"));
        assert_eq!(out.code, 2, "{expect}\n{}\n{}", out.stdout, out.stderr);
        let text = flat(&format!("{}{}", out.stdout, out.stderr));
        assert!(text.contains("ignition::test::value_type"), "{text}");
        assert!(text.contains(needle), "{expect}: {text}");
    }
}
