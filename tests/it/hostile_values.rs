//! Hostile values on the way through evaluation and display: huge amounts, tiny rounding
//! increments, huge percents, dates moved out of the calendar. Each is a value or a located
//! diagnostic, never a panic (these were reproducers in ../shared/repro/).

use crate::common;
use common::{expect_code, ignition, ok, outcome, run_inline, value, workspace};

fn plan(body: &str) -> String {
    format!(
        "plan \"x\" {{\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  input r key id {{\n    id: text\n    amt: money\n  }}\n  participants r\n{body}}}\n"
    )
}

#[test]
fn a_tiny_rounding_increment_keeps_the_exact_value() {
    // 1,000 is a multiple of 1e-28; 1e9 of 1e-20: nothing to round, no overflow.
    let o = run_inline(
        &plan("  kpi z = round(1000, 0.0000000000000000000000000001)\n  payout p = round(amt, 0.00000000000000000001 EUR)\n"),
        &[("r", "id,amt\nr1,1000000000\n")],
    );
    let out = ok(&o);
    assert_eq!(value(out, "r1", "2026", "z"), common::d("1000"));
    assert_eq!(value(out, "r1", "2026", "p"), common::d("1000000000"));
}

#[test]
fn the_plan_rounding_with_a_tiny_increment_pays_the_exact_amount() {
    let o = run_inline(
        "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  rounding payouts to 0.0000000000000000000000000001 half-even\n  input r key id {\n    id: text\n  }\n  participants r\n  payout p = 10 EUR\n}\n",
        &[("r", "id\nr1\n")],
    );
    assert_eq!(value(ok(&o), "r1", "2026", "p"), common::d("10"));
}

#[test]
fn a_huge_payout_in_whole_cents_is_paid_exactly_and_one_that_needs_29_digits_is_an_error() {
    let body = "  rounding payouts to 0.01 half-even\n  payout p = amt\n";
    let text = format!(
        "plan \"x\" {{\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n{}  input r key id {{\n    id: text\n    amt: money\n  }}\n  participants r\n{}}}\n",
        "", body
    );
    // 8e26 is a whole number of cents: exact, with the two decimals in the table too.
    let o = run_inline(&text, &[("r", "id,amt\nr1,800000000000000000000000000\n")]);
    assert_eq!(
        value(ok(&o), "r1", "2026", "p"),
        common::d("800000000000000000000000000")
    );
    let (dir, path) = workspace(&text, &[("r", "id,amt\nr1,800000000000000000000000000\n")]);
    let table = outcome(
        ignition()
            .arg("run")
            .arg(&path)
            .arg("--data")
            .arg(dir.path()),
    );
    assert!(
        ok(&table).contains("800,000,000,000,000,000,000,000,000.00"),
        "{}",
        table.stdout
    );
    // 800,000,000,000,000,000,000,000,000.006 to the cent is …000.01: 29 digits, which no
    // decimal holds. (…000.005 would be a tie going to the even …000.00: fine.)
    let text = text.replace("payout p = amt", "payout p = amt + 0.006 EUR");
    let o = run_inline(&text, &[("r", "id,amt\nr1,800000000000000000000000000\n")]);
    expect_code(&o, 2);
    assert!(
        o.stderr.contains("too large to be rounded to 0.01"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("in `p` for r1"), "{}", o.stderr);
}

#[test]
fn rounding_up_past_the_largest_decimal_is_an_error() {
    let o = run_inline(
        &plan(
            "  kpi q = round(79228162514264337593543950335, 50000000000000000000000000000, up)\n",
        ),
        &[("r", "id,amt\nr1,0\n")],
    );
    expect_code(&o, 2);
    assert!(o.stderr.contains("too large to be rounded"), "{}", o.stderr);
    assert!(o.stderr.contains("plan.plan:"), "located: {}", o.stderr);
}

#[test]
fn a_huge_percent_is_shown_not_a_panic_in_every_output() {
    let text = plan("  kpi huge: percent = 1000000000000000000000000000\n  payout p = 1 EUR\n");
    let (dir, path) = workspace(&text, &[("r", "id,amt\nr1,0\n")]);
    // 1e27 as a percent is 1e29 %, more than a decimal holds: moved in the text.
    let table = outcome(
        ignition()
            .arg("run")
            .arg(&path)
            .arg("--data")
            .arg(dir.path()),
    );
    assert!(
        ok(&table).contains("100,000,000,000,000,000,000,000,000,000.00%"),
        "{}",
        table.stdout
    );
    for format in ["text", "json"] {
        let e = outcome(
            ignition()
                .args(["explain"])
                .arg(&path)
                .arg("--data")
                .arg(dir.path())
                .args([
                    "--participant",
                    "r1",
                    "--period",
                    "2026",
                    "--format",
                    format,
                    "huge",
                ]),
        );
        ok(&e);
    }
    let html = dir.path().join("e.html");
    let e = outcome(
        ignition()
            .args(["explain"])
            .arg(&path)
            .arg("--data")
            .arg(dir.path())
            .args([
                "--participant",
                "r1",
                "--period",
                "2026",
                "--format",
                "html",
                "-o",
            ])
            .arg(&html)
            .arg("huge"),
    );
    ok(&e);
    // A failed expectation prints the huge actual value.
    let test = plan("  kpi huge: percent = 1000000000000000000000000000\n  test \"huge\" {\n    r { id: \"r1\", amt: 0 EUR }\n    expect huge for \"r1\" in 2026 == 1%\n  }\n");
    let (tdir, tpath) = workspace(&test, &[]);
    let t = outcome(ignition().arg("test").arg(&tpath).current_dir(tdir.path()));
    expect_code(&t, 1);
    assert!(
        t.stdout.contains("100000000000000000000000000000%"),
        "{}",
        t.stdout
    );
}

#[test]
fn dates_moved_out_of_range_or_by_part_of_a_day_are_errors() {
    let o = run_inline(
        &plan("  kpi a = period_end() + 100000000 days\n  kpi b = period_end() + 9223372036854775808 days\n  kpi c = period_end() + 1.9999999 days\n  kpi d = period_end() - 3 days\n"),
        &[("r", "id,amt\nr1,0\n")],
    );
    expect_code(&o, 2);
    // 2026-12-31 + 1e8 days is past 9999-12-31; 2^63 days does not even fit.
    assert!(
        o.stderr
            .contains("moving the date by 100000000 days leaves the years 1 to 9999"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("moving the date by 9223372036854775808 days"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("a date can only move by whole days, not by 1.9999999"),
        "{}",
        o.stderr
    );
    // d is fine: 2026-12-31 − 3 days = 2026-12-28 (not reported as an error).
    assert!(!o.stderr.contains("in `d`"), "{}", o.stderr);
}

#[test]
fn a_value_past_the_decimal_range_is_an_error_but_may_pass_through_an_expression() {
    let o = run_inline(
        &plan("  kpi big = 79228162514264337593543950335 * 10\n  kpi back = (79228162514264337593543950335 * 10) / 100\n"),
        &[("r", "id,amt\nr1,0\n")],
    );
    expect_code(&o, 2);
    assert!(
        o.stderr.contains("to hold exactly in `big`"),
        "{}",
        o.stderr
    );
    // 79,228,162,514,264,337,593,543,950,335 × 10 / 100 = 7,922,816,251,426,433,759,354,395,033.5
    assert!(!o.stderr.contains("in `back`"), "{}", o.stderr);
    let o = run_inline(
        &plan("  kpi back = (79228162514264337593543950335 * 10) / 100\n"),
        &[("r", "id,amt\nr1,0\n")],
    );
    assert_eq!(
        value(ok(&o), "r1", "2026", "back"),
        common::d("7922816251426433759354395033.5")
    );
}

#[test]
fn diff_sums_past_the_decimal_range_are_exact() {
    // Nine reps paid 9,999,999,999,999,999,999,999,999,999 each (28 digits): the total cost
    // is 89,999,999,999,999,999,999,999,999,991, past a decimal's range (≈ 7.9e28). The new
    // plan pays 1 EUR more each: +9.
    let old = plan("  payout p = amt may be negative\n");
    let new = plan("  payout p = amt + 1 EUR may be negative\n");
    let mut reps = String::from("id,amt\n");
    for i in 1..=9 {
        reps.push_str(&format!("r{i},9999999999999999999999999999\n"));
    }
    let (dir, old_path) = workspace(&old, &[("r", &reps)]);
    let new_path = dir.path().join("new.plan");
    std::fs::write(&new_path, new).expect("write");
    let o = outcome(
        ignition()
            .arg("diff")
            .arg(&old_path)
            .arg(&new_path)
            .arg("--data")
            .arg(dir.path())
            .args(["--format", "json"]),
    );
    let out = ok(&o);
    let v: serde_json::Value = serde_json::from_str(out).expect("json");
    let s = &v["summary"];
    assert_eq!(s["total_old"], "89999999999999999999999999991");
    assert_eq!(s["total_new"], "90000000000000000000000000000");
    assert_eq!(s["total_delta"], "9");
    // 9 / 8.9999…e28 is 1e-26 %: 0 to two decimals.
    assert_eq!(s["total_delta_percent"], "0");
}

#[test]
fn explain_text_escapes_control_characters_from_data() {
    // A participant id with an escape sequence (clear screen) and a text KPI from data.
    let text = "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  input r key id {\n    id: text\n    tier: text\n  }\n  participants r\n  payout p = 1 EUR when tier == \"gold\"\n}\n";
    let (dir, path) = workspace(text, &[("r", "id,tier\n\"r\u{1b}[2J1\",gold\n")]);
    let o = outcome(
        ignition()
            .arg("explain")
            .arg(&path)
            .arg("--data")
            .arg(dir.path())
            .args(["--participant", "r\u{1b}[2J1", "--period", "2026"]),
    );
    let out = ok(&o);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("r\\x1b[2J1"), "{out}");
}

#[cfg(unix)]
#[test]
fn test_and_fmt_refuse_a_fifo_instead_of_waiting_for_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("p.plan");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here: nothing to test
    }
    for cmd in [
        vec!["test"],
        vec!["fmt"],
        vec!["fmt", "--check"],
        vec!["check"],
    ] {
        let o = outcome(
            ignition()
                .args(&cmd)
                .arg(&fifo)
                .timeout(std::time::Duration::from_secs(30)),
        );
        expect_code(&o, 2);
        assert!(
            o.stderr.contains("not a regular file"),
            "{cmd:?}: {}",
            o.stderr
        );
    }
}

// issue 9, calendar arithmetic
#[test]
fn calendar_functions_at_the_ends_of_the_calendar_are_values_or_errors() {
    let o = run_inline(
        &plan(
            "  kpi a = add_months(period_end(), 9223372036854775808)\n  \
             kpi b = add_months(period_end(), -24312)\n  \
             kpi c = add_months(9999-12-31, 0)\n  \
             kpi d = months_between(0001-01-01, 9999-12-31)\n  \
             kpi e = weekdays(0001-01-01, 9999-12-31)\n  \
             kpi f = months_between(9999-12-31, 0001-01-01)\n",
        ),
        &[("r", "id,amt\nr1,0\n")],
    );
    expect_code(&o, 2);
    // 2^63 months does not fit; 2026-12-31 − 24,312 months (2,026 years) is in year 0, before year 1.
    assert!(
        o.stderr
            .contains("moving the date by 9223372036854775808 months leaves the years 1 to 9999"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("moving the date by -24312 months leaves the years 1 to 9999"),
        "{}",
        o.stderr
    );
    for fine in ["`c`", "`d`", "`e`", "`f`"] {
        assert!(!o.stderr.contains(&format!("in {fine}")), "{}", o.stderr);
    }
}

// issue 10, currencies
#[test]
fn a_huge_amount_at_a_huge_rate_or_a_tiny_inverse_rate_is_a_located_error_not_a_panic() {
    let text = "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  input r key id {\n    id: text\n    amt: money(USD)\n  }\n  input fx key from, to {\n    from: text\n    to: text\n    rate: number\n  }\n  participants r\n  kpi k = convert(amt, to: EUR, using: fx.rate)\n}\n";
    // 7.9e27 × 1e20 does not fit: the kpi's value is too large to hold.
    let o = run_inline(
        text,
        &[
            ("r", "id,amt\nr1,7922816251426433759354395033\n"),
            ("fx", "from,to,rate\nUSD,EUR,100000000000000000000\n"),
        ],
    );
    expect_code(&o, 2);
    assert!(o.stderr.contains("plan.plan:"), "located: {}", o.stderr);
    // Only EUR → USD at 1e-28: USD → EUR divides by it, and 7.9e27 / 1e-28 does not fit.
    let o = run_inline(
        text,
        &[
            ("r", "id,amt\nr1,7922816251426433759354395033\n"),
            (
                "fx",
                "from,to,rate\nEUR,USD,0.0000000000000000000000000001\n",
            ),
        ],
    );
    expect_code(&o, 2);
    assert!(o.stderr.contains("plan.plan:"), "located: {}", o.stderr);
    // A rate of 3 inverted is a fraction that does not end: kept exact, shown to 28 digits.
    let o = run_inline(
        text,
        &[
            ("r", "id,amt\nr1,10\n"),
            ("fx", "from,to,rate\nEUR,USD,3\n"),
        ],
    );
    assert!(ok(&o).contains("3.33"), "{}", o.stdout);
}
