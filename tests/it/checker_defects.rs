//! Regression tests for defects of the parser and checker found by trying Ignition as a new
//! user would (issue "Trust"): each test would have caught its defect.

use crate::common;
use common::{assert_has, d, expect_code, ignition, ok, outcome, run_inline, value, workspace};

const HEADER: &str = "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  input r key id { id: text }\n  participants r\n";

fn plan(body: &str) -> String {
    format!("{HEADER}{body}}}\n")
}

#[test]
fn explain_shows_the_parentheses_of_an_expression() {
    let (dir, path) = workspace(
        &plan("  kpi x = (1 + 2) * 3\n  payout p = 1 EUR * x\n"),
        &[("r", "id\nr1\n")],
    );
    for format in ["text", "json", "html"] {
        let out_file = dir.path().join("out.html");
        let mut cmd = ignition();
        cmd.arg("explain")
            .arg(&path)
            .arg("-d")
            .arg(dir.path())
            .args([
                "--participant",
                "r1",
                "--period",
                "2026",
                "x",
                "--format",
                format,
            ]);
        if format == "html" {
            cmd.arg("-o").arg(&out_file);
        }
        let o = outcome(&mut cmd);
        let text = if format == "html" {
            expect_code(&o, 0);
            std::fs::read_to_string(&out_file).expect("html written")
        } else {
            ok(&o).to_string()
        };
        // (1 + 2) * 3 = 9; the whole expression and its parenthesised operand keep both
        // parentheses.
        assert_has(&text, &["(1 + 2) * 3", "(1 + 2)"]);
        assert!(
            !text.replace("(1 + 2) * 3", "").contains("1 + 2) * 3"),
            "{format}: {text}"
        );
    }
}

#[test]
fn a_negative_lower_edge_after_the_first_band_is_an_edge_not_a_subtraction() {
    let src = "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  \
               input r key id { id: text  g: percent }\n  participants r\n  \
               rates t by g {\n    -50% .. -10% : 0.5\n    -10% .. 10% : 1\n    10% .. : 2\n  }\n  \
               payout p = 100 EUR * flat(t, g)\n}\n";
    let o = run_inline(src, &[("r", "id,g\na,-30%\nb,-10%\nc,5%\nd,10%\n")]);
    let csv = ok(&o);
    // a: -30% is in -50% .. -10%: 100 × 0.5 = 50
    assert_eq!(value(csv, "a", "2026", "p"), d("50"));
    // b: -10% is the lower edge of -10% .. 10% (lower edges are inclusive): 100 × 1 = 100
    assert_eq!(value(csv, "b", "2026", "p"), d("100"));
    // c: 5% is in -10% .. 10%: 100 × 1 = 100
    assert_eq!(value(csv, "c", "2026", "p"), d("100"));
    // d: 10% is in 10% .. (open): 100 × 2 = 200
    assert_eq!(value(csv, "d", "2026", "p"), d("200"));
}

#[test]
fn a_plan_with_a_byte_order_mark_checks_tests_and_formats() {
    let body = plan("  payout p = 1 EUR\n  test \"one\" {\n    r { id: \"a\" }\n    expect p for \"a\" in 2026 == 1 EUR\n  }\n");
    let (dir, path) = workspace(&format!("\u{feff}{body}"), &[]);
    expect_code(&outcome(ignition().arg("check").arg(&path)), 0);
    let t = outcome(ignition().arg("test").arg(&path));
    expect_code(&t, 0);
    assert_has(&t.stdout, &["1 passed"]);
    // `fmt` lays out the text after the mark and keeps the mark.
    expect_code(&outcome(ignition().arg("fmt").arg(&path)), 0);
    let formatted = std::fs::read_to_string(&path).expect("read");
    assert!(
        formatted.starts_with("\u{feff}plan \"x\" {\n"),
        "{formatted:?}"
    );
    expect_code(&outcome(ignition().args(["fmt", "--check"]).arg(&path)), 0);
    // A diagnostic points at the right line and column after the mark.
    let bad = plan("  payout p = 1 EUR * nope\n");
    std::fs::write(&path, format!("\u{feff}{bad}")).expect("write");
    let o = outcome(ignition().arg("check").arg(&path));
    expect_code(&o, 1);
    // line 6 is `  payout p = 1 EUR * nope`: `nope` starts at column 22.
    assert_has(&o.stderr, &["plan.plan:6:22"]);
    drop(dir);
}

#[test]
fn check_accepts_a_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let sub = dir.path().join("a");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(sub.join("plan.plan"), plan("  payout p = 1 EUR\n")).expect("write");
    std::fs::write(
        sub.join("p.test.plan"),
        "tests for \"plan.plan\"\ntest \"t\" {\n  r { id: \"a\" }\n  expect p for \"a\" in 2026 == 1 EUR\n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("bad.plan"), plan("  payout p = nope\n")).expect("write");
    let o = outcome(ignition().arg("check").arg(dir.path()));
    // Both plans are checked (the test file is not a plan); the bad one fails the gate.
    expect_code(&o, 1);
    assert_has(&o.stderr, &["bad.plan: FAILED", "plan.plan: ok"]);
    assert!(!o.stderr.contains("p.test.plan"), "{}", o.stderr);
    let empty = tempfile::tempdir().expect("dir");
    let o = outcome(ignition().arg("check").arg(empty.path()));
    expect_code(&o, 2);
    assert_has(&o.stderr, &["holds no plan"]);
}

#[test]
fn a_negative_value_in_a_column_declared_non_negative_is_a_data_error() {
    let src = "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  \
               input r key id { id: text  draw: money >= 0 }\n  participants r\n  \
               payout p = draw\n}\n";
    // 0 is allowed; -5 is not.
    let o = run_inline(src, &[("r", "id,draw\na,0\nb,10\n")]);
    let csv = ok(&o);
    assert_eq!(value(csv, "b", "2026", "p"), d("10"));
    let o = run_inline(src, &[("r", "id,draw\na,-5\n")]);
    expect_code(&o, 2);
    assert_has(&o.stderr, &["`-5` in column `draw` is negative", ">= 0"]);
}
