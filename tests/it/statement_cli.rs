//! issue 10, statements: `ignition statement` end to end — the figures of a small plan worked
//! out by hand, the files written, the exit codes, and the property that every statement of
//! the example plans adds up to its total.

use crate::common::{d, ignition, outcome};
use crate::harness::Test;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;

/// A payout with a cap, a negative payout (the draw paid back), and the total.
const PLAN: &str = r#"plan "Statements" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  rounding payouts to 0.01 half-even

  input reps key rep_id {
    rep_id: text
    draw: money
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    close_date: date
  }

  participants reps
  credit deals to owner by close_date

  kpi bookings = sum(deals.amount)
  payout commission = 10% * bookings
  cap commission at 5_000 EUR
  payout recovery = 0 EUR - draw may be negative
}
"#;

const REPS: &str = "rep_id,draw\nr1,300\nr2,0\n";
const DEALS: &str = "deal_id,owner,amount,close_date\n\
D1,r1,30000,2026-02-01\n\
D2,r1,25000.50,2026-03-01\n\
D3,r2,1234.56,2026-02-15\n";

fn test() -> Test {
    Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
}

// Worked by hand, 2026-Q1:
// r1: bookings 30,000 + 25,000.50 = 55,000.50; commission 10% = 5,500.05, capped at
//     5,000.00; recovery 0 − 300 = −300.00; total 5,000.00 − 300.00 = 4,700.00.
// r2: bookings 1,234.56; commission 123.456, rounded half-even to 123.46; recovery 0.00;
//     total 123.46.
const CSV_Q1: &str = "participant,period,section,name,amount,currency,paid,explanation
r1,2026-Q1,earned,commission,5000.00,EUR,yes,r1_2026-Q1.html#line-commission
r1,2026-Q1,earned,recovery,-300.00,EUR,yes,r1_2026-Q1.html#line-recovery
r1,2026-Q1,total,total,4700.00,EUR,yes,r1_2026-Q1.html#total
r2,2026-Q1,earned,commission,123.46,EUR,yes,r2_2026-Q1.html#line-commission
r2,2026-Q1,earned,recovery,0.00,EUR,yes,r2_2026-Q1.html#line-recovery
r2,2026-Q1,total,total,123.46,EUR,yes,r2_2026-Q1.html#total
";

#[test]
fn csv_lists_every_line_of_every_participant_with_hand_worked_figures() {
    test()
        .args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q1",
            "--format",
            "csv",
        ])
        .stdout(CSV_Q1)
        .run();
}

fn json_of(o: &crate::common::Outcome) -> Value {
    serde_json::from_str(&o.stdout).expect("statement JSON")
}

#[test]
fn json_has_the_lines_their_explanations_and_the_check() {
    let t = test().args([
        "statement",
        "plan.plan",
        "--data",
        ".",
        "--period",
        "2026-Q1",
        "--participant",
        "r1",
        "--format",
        "json",
    ]);
    let o = t.run();
    let j = json_of(&o);
    assert_eq!(j["schema"], "ignition.statement/1");
    assert_eq!(j["participant"], "r1");
    assert_eq!(j["period"], "2026-Q1");
    assert_eq!(j["period_start"], "2026-01-01");
    assert_eq!(j["period_end"], "2026-03-31");
    assert_eq!(j["currency"], "EUR");
    let lines = j["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["name"], "commission");
    assert_eq!(lines[0]["section"], "earned");
    assert_eq!(lines[0]["value"], "5000.00");
    // The line's explanation is explain's node for the definition: the cap recorded.
    let why = &lines[0]["explanation"];
    assert_eq!(why["kind"], "definition");
    assert_eq!(why["value"], "5000.00");
    assert_eq!(why["limits"][0]["kind"], "cap");
    assert_eq!(why["limits"][0]["before"], "5500.05");
    assert_eq!(lines[1]["value"], "-300.00");
    // 5,000.00 − 300.00 = 4,700.00: the lines add up without a limit on the total.
    assert_eq!(j["lines_sum"], "4700.00");
    assert_eq!(j["total"], "4700.00");
    assert_eq!(j["adds_up"], true);
    assert_eq!(
        j["check"],
        "The paid lines add up to the total, 4,700.00 EUR."
    );
}

#[test]
fn a_cap_on_the_total_is_a_line_of_its_own() {
    // r1: 5,000.00 − 300.00 = 4,700.00, capped at 4,000.00: a line of −700.00.
    let plan = PLAN.replace(
        "cap commission at 5_000 EUR",
        "cap commission at 5_000 EUR\n  cap total at 4_000 EUR",
    );
    let o = Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "statement",
            "plan.plan",
            "-d",
            ".",
            "--period",
            "2026-Q1",
            "--participant",
            "r1",
            "--format",
            "json",
        ])
        .run();
    let j = json_of(&o);
    let lines = j["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["section"], "total limit");
    assert_eq!(lines[2]["value"], "-700.00");
    assert_eq!(j["lines_sum"], "4700.00");
    assert_eq!(j["total"], "4000.00");
    assert_eq!(j["adds_up"], true);
    assert_eq!(
        j["check"],
        "The paid lines add up to 4,700.00 EUR; the cap on the total changes that by -700.00 EUR, to 4,000.00 EUR."
    );
}

#[test]
fn a_folder_gets_one_file_per_participant_and_period() {
    for (format, ext) in [("html", "html"), ("json", "json"), ("csv", "csv")] {
        let t = test().args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q2",
            "--format",
            format,
            "-o",
            "out",
        ]);
        let o = t.run();
        assert!(o.stdout.is_empty(), "{format}: {}", o.stdout);
        let mut files: Vec<String> = std::fs::read_dir(t.path().join("out"))
            .expect("out")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            [format!("r1_2026-Q2.{ext}"), format!("r2_2026-Q2.{ext}")]
        );
    }
    // HTML is the default format.
    let t = test().args([
        "statement",
        "plan.plan",
        "--data",
        ".",
        "--period",
        "2026-Q1",
        "--participant",
        "r1",
        "-o",
        "st",
    ]);
    t.run();
    let page = std::fs::read_to_string(t.path().join("st/r1_2026-Q1.html")).expect("page");
    for needle in [
        "<title>Statement — r1 — 2026-Q1 — Statements</title>",
        "<span class=\"name\">commission</span><span class=\"amount\">5,000.00 EUR</span>",
        "<span class=\"name\">recovery</span><span class=\"amount neg\">-300.00 EUR</span>",
        "<span class=\"name\">Total paid this period</span><span class=\"amount\">4,700.00 EUR</span>",
        "✓ The paid lines add up to the total, 4,700.00 EUR.",
        // The explanation, from explain's renderer: the cap's note.
        "cap at 5_000 EUR = 5,000.00 EUR: 5,500.05 EUR → 5,000.00 EUR",
        "@media print",
    ] {
        assert!(page.contains(needle), "the page lacks {needle:?}");
    }
    assert!(!page.contains("<script"), "a statement needs no script");
}

#[test]
fn bad_requests_exit_with_2_and_name_the_closest() {
    let args = |extra: &[&str]| {
        let mut a = vec!["statement", "plan.plan", "--data", "."];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    test()
        .args(args(&["--period", "2026-Q5", "--format", "csv"]))
        .status(2)
        .stderr_has("ignition::cli::unknown_period")
        .stderr_has("the plan has no period `2026-Q5`")
        .run();
    test()
        .args(args(&[
            "--period",
            "2026-Q1",
            "--participant",
            "r3",
            "--format",
            "csv",
        ]))
        .status(2)
        .stderr_has("ignition::cli::unknown_participant")
        .stderr_has("`r1`")
        .run();
    test()
        .args(args(&["--period", "2026-Q1"]))
        .status(2)
        .stderr_has("an HTML statement needs a folder")
        .run();
    test()
        .args(args(&["--period", "2026-Q1", "--format", "json"]))
        .status(2)
        .stderr_has("JSON for every participant's statement needs a folder")
        .run();
    test()
        .args(args(&["--format", "csv"]))
        .status(2)
        .stderr_has("--period")
        .run();
}

#[test]
fn a_line_without_a_value_is_an_error_not_a_statement() {
    let plan = PLAN.replace(
        "payout recovery = 0 EUR - draw may be negative",
        "payout recovery = 0 EUR - draw / (bookings - bookings) * 1 EUR may be negative",
    );
    let t = Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q1",
            "--format",
            "csv",
            "-o",
            "out",
        ])
        .status(2)
        .stderr_has("division by zero");
    t.run();
    assert!(!t.path().join("out").exists(), "nothing is written");
}

/// Every statement of every example plan, participant and period adds up: the paid lines,
/// plus the limit line when `total` is capped or floored, equal `total`.
#[test]
fn every_statement_of_the_example_plans_adds_up() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let quarters = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"];
    let months = [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ];
    for (name, periods) in [
        ("field-sales", &quarters[..]),
        ("sdr", &months[..]),
        ("enterprise", &quarters[..]),
        ("ae-draw", &months[..]),
        ("team-selling", &quarters[..]),
        ("global-sales", &quarters[..2]),
    ] {
        let plan = root.join(format!("plans/{name}/plan.plan"));
        let data = root.join(format!("plans/{name}/data"));
        for &period in periods {
            let dir = tempfile::tempdir().expect("dir");
            let o = outcome(
                ignition()
                    .arg("statement")
                    .arg(&plan)
                    .arg("--data")
                    .arg(&data)
                    .args(["--period", period, "--format", "json", "-q", "-o"])
                    .arg(dir.path()),
            );
            assert_eq!(o.code, 0, "{name} {period}: {}", o.stderr);
            let mut n = 0;
            for f in std::fs::read_dir(dir.path()).expect("dir") {
                let text = std::fs::read_to_string(f.expect("file").path()).expect("read");
                let j: Value = serde_json::from_str(&text).expect("json");
                let mut sum = Decimal::ZERO;
                for l in j["lines"].as_array().expect("lines") {
                    if l["paid"] == true {
                        sum += d(l["value"].as_str().expect("value"));
                    }
                }
                assert_eq!(
                    sum,
                    d(j["total"].as_str().expect("total")),
                    "{name} {period} {}",
                    j["participant"]
                );
                assert_eq!(j["adds_up"], true);
                n += 1;
            }
            assert!(n > 0, "{name} {period}: no statements");
        }
    }
}

#[test]
fn the_draw_plans_statement_shows_the_ledger_lines() {
    // plans/ae-draw, r1 in January: bookings 10,000 × 8% = 800.00 commission; the draw
    // tops it up to the 2,000 monthly draw: 2,000 − 800 = 1,200.00; nothing is recovered
    // (commission is under the draw) and nothing is due at a month that closes no quarter:
    // the total is 800 + 1,200 = 2,000.00. Nothing was paid before; the balance owed is the
    // opening 0 + the draw 1,200 = 1,200.00, shown but not paid.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = outcome(
        ignition()
            .arg("statement")
            .arg(root.join("plans/ae-draw/plan.plan"))
            .arg("--data")
            .arg(root.join("plans/ae-draw/data"))
            .args([
                "--period",
                "2026-01",
                "--participant",
                "r1",
                "--format",
                "csv",
                "-q",
            ]),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    for line in [
        "r1,2026-01,earned,commission,800.00,EUR,yes,",
        "r1,2026-01,true-up,true_up,0.00,EUR,yes,",
        "r1,2026-01,draw,draw,1200.00,EUR,yes,",
        "r1,2026-01,recovery,recovery,0.00,EUR,yes,",
        "r1,2026-01,total,total,2000.00,EUR,yes,",
        "r1,2026-01,previously paid,paid_before,0.00,EUR,no,",
        "r1,2026-01,balance,draw_balance,1200.00,EUR,no,",
    ] {
        assert!(
            o.stdout.contains(line),
            "missing {line:?} in:\n{}",
            o.stdout
        );
    }
}

// ---------------------------------------------------------------- the `statement` block

/// The plan with a `statement` block (`BLOCK` replaced) and a balance `let`.
fn with_block(block: &str) -> String {
    PLAN.replace(
        "payout recovery = 0 EUR - draw may be negative\n",
        &format!(
            "payout recovery = 0 EUR - draw may be negative\n  let owed = draw * 2\n  kpi rate_shown = 10%\n\n  statement {{\n{block}  }}\n"
        ),
    )
}

/// Every diagnostic of a plan text (errors, or the warnings of a plan that checks).
fn diags_of(src: &str) -> Vec<ignition::diagnostics::Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

fn expect_one(src: &str, expected: crate::expect_diag::ExpectedDiag) {
    let all = diags_of(src);
    expected.assert_in(&all);
}

#[test]
fn the_block_puts_lines_under_sections_and_shows_a_balance_not_paid() {
    // Sections are shown in their order whatever the block's: earned, then recovery, then
    // the balance. r1: owed = 300 × 2 = 600.00, shown, not added: 5,000.00 − 300.00 = 4,700.00.
    let plan = with_block("    balance owed\n    recovery recovery\n    earned commission\n");
    Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q1",
            "--participant",
            "r1",
            "--format",
            "csv",
        ])
        .stdout(
            "participant,period,section,name,amount,currency,paid,explanation
r1,2026-Q1,earned,commission,5000.00,EUR,yes,r1_2026-Q1.html#line-commission
r1,2026-Q1,recovery,recovery,-300.00,EUR,yes,r1_2026-Q1.html#line-recovery
r1,2026-Q1,total,total,4700.00,EUR,yes,r1_2026-Q1.html#total
r1,2026-Q1,balance,owed,600.00,EUR,no,r1_2026-Q1.html#line-owed
",
        )
        .stderr_lacks("statement_unlisted")
        .run();
    // The page: the balance comes after the total, under its heading.
    let t = Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "statement",
            "plan.plan",
            "-d",
            ".",
            "--period",
            "2026-Q1",
            "-o",
            "st",
        ]);
    t.run();
    let page = std::fs::read_to_string(t.path().join("st/r1_2026-Q1.html")).expect("page");
    let total = page.find("Total paid this period").expect("total");
    let balance = page.find("Balance carried forward").expect("balance");
    let recoveries = page.find(">Recoveries</h2>").expect("recoveries");
    assert!(recoveries < total && total < balance);
    assert!(
        page.contains("<span class=\"name\">owed</span><span class=\"amount\">600.00 EUR</span>")
    );
}

#[test]
fn a_payout_left_out_of_the_block_is_warned_and_shown_as_an_other_payout() {
    let plan = with_block("    earned commission\n");
    let t = Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q1",
            "--participant",
            "r1",
            "--format",
            "json",
        ])
        .stderr_has("payout `recovery` is not on the statement");
    let j = json_of(&t.run());
    let lines = j["lines"].as_array().expect("lines");
    assert_eq!(lines[1]["section"], "other");
    assert_eq!(lines[1]["name"], "recovery");
    // Still 5,000.00 − 300.00 = 4,700.00.
    assert_eq!(j["adds_up"], true);
    assert_eq!(j["total"], "4700.00");
    expect_one(
        &plan,
        crate::expect_diag::ExpectedDiag::warning(
            "ignition::check::statement_unlisted",
            "payout `recovery` is not on the statement",
        )
        .help("list it in the `statement` block (statements show it as an other payout, so their lines still add up to `total`)")
        .label("paid, but not listed")
        .label("the statement block")
        .underlined("recovery"),
    );
}

#[test]
fn the_block_is_checked() {
    use crate::expect_diag::ExpectedDiag;
    expect_one(
        &with_block("    earned comission, recovery\n"),
        ExpectedDiag::error(
            "ignition::check::statement_name",
            "the statement lists `comission`, which is not a definition of the plan",
        )
        .help("did you mean `commission`?")
        .label("not defined")
        .underlined("comission"),
    );
    expect_one(
        &with_block("    earned commission, recovery\n    balance rate_shown\n"),
        ExpectedDiag::error(
            "ignition::check::statement_type",
            "`rate_shown` is a percent, but a statement line is an amount in EUR",
        )
        .help("list payouts and money values in the plan's currency")
        .label("not EUR")
        .underlined("rate_shown"),
    );
    expect_one(
        &with_block("    earned commission, recovery, bookings\n"),
        ExpectedDiag::error(
            "ignition::check::statement_section",
            "`bookings` is not a payout, so it is not paid under `earned`",
        )
        .help("the paid sections add up to `total`: make `bookings` a payout, or show it under `previously paid` or `balance`")
        .label("a kpi")
        .underlined("bookings"),
    );
    expect_one(
        &with_block("    earned commission\n    previously paid recovery\n"),
        ExpectedDiag::error(
            "ignition::check::statement_section",
            "`recovery` is a payout, paid this period: `previously paid` shows values that are not paid",
        )
        .help("list it under earned, true-up, draw, recovery or clawback")
        .label("a payout")
        .underlined("recovery"),
    );
    expect_one(
        &with_block("    earned commission, recovery, total\n"),
        ExpectedDiag::error(
            "ignition::check::statement_section",
            "`total` is the statement's bottom line, not one of its lines",
        )
        .help("remove it: every statement ends with the total")
        .label("here")
        .underlined("total"),
    );
    expect_one(
        &with_block("    earned commission, recovery\n    clawback commission\n"),
        ExpectedDiag::error(
            "ignition::check::statement_duplicate",
            "`commission` is listed twice on the statement",
        )
        .help("keep one")
        .label("listed again here")
        .label("first listed here"),
    );
    // A section word is a name elsewhere: a payout called `draw`, listed under `draw`.
    let plan = with_block("    earned commission\n    draw draw\n    recovery recovery\n")
        .replace("let owed", "payout draw = 100 EUR\n  let owed");
    let d = diags_of(&plan);
    assert!(
        d.iter()
            .all(|d| !d.code.contains("statement") && !d.code.contains("parse")),
        "{d:?}"
    );
}

#[test]
fn the_block_is_formatted_and_read_back_the_same() {
    let messy = with_block("    earned   commission ,recovery\n    previously   paid owed\n");
    let t = Test::new().plan(&messy).args(["fmt", "plan.plan"]);
    t.run();
    let formatted = std::fs::read_to_string(t.path().join("plan.plan")).expect("plan");
    assert!(
        formatted.contains(
            "  statement {\n    earned commission, recovery\n    previously paid owed\n  }\n"
        ),
        "{formatted}"
    );
    // Formatting again changes nothing.
    Test::new()
        .plan(&formatted)
        .args(["fmt", "--check", "plan.plan"])
        .run();
}

#[test]
fn the_json_of_a_statement_is_stable() {
    // r2 in 2026-Q1 (figures above): commission 123.46, recovery 0.00, owed 0.00 (draw 0 × 2).
    let plan = with_block("    earned commission\n    recovery recovery\n    balance owed\n");
    let o = Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q1",
            "--participant",
            "r2",
            "--format",
            "json",
        ])
        .run();
    insta::assert_snapshot!("statement_json_r2", o.stdout);
}

#[test]
fn hostile_ids_are_escaped_in_the_page_neutralised_in_csv_and_encoded_in_file_names() {
    let reps = "rep_id,draw\n=1+1,0\n<b>&x,0\n";
    let deals =
        "deal_id,owner,amount,close_date\nD1,=1+1,100,2026-02-01\nD2,<b>&x,200,2026-02-01\n";
    // =1+1: commission 10% × 100 = 10.00; <b>&x: 10% × 200 = 20.00.
    test()
        .table("reps", reps)
        .table("deals", deals)
        .args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q1",
            "--participant",
            "=1+1",
            "--format",
            "csv",
        ])
        .stdout(
            "participant,period,section,name,amount,currency,paid,explanation
\"'=1+1\",2026-Q1,earned,commission,10.00,EUR,yes,%3D1%2B1_2026-Q1.html#line-commission
\"'=1+1\",2026-Q1,earned,recovery,0.00,EUR,yes,%3D1%2B1_2026-Q1.html#line-recovery
\"'=1+1\",2026-Q1,total,total,10.00,EUR,yes,%3D1%2B1_2026-Q1.html#total
",
        )
        .run();
    let t = test().table("reps", reps).table("deals", deals).args([
        "statement",
        "plan.plan",
        "--data",
        ".",
        "--period",
        "2026-Q1",
        "-o",
        "st",
    ]);
    t.run();
    let page = std::fs::read_to_string(t.path().join("st/%3Cb%3E%26x_2026-Q1.html")).expect("page");
    assert!(page.contains("<dd id=\"participant\">&lt;b&gt;&amp;x</dd>"));
    assert!(!page.contains("<b>&x"));
    assert!(page.contains("<span class=\"amount\">20.00 EUR</span>"));
}

#[test]
fn the_limit_on_the_total_comes_before_the_lines_not_paid() {
    // r1: 5,000.00 − 300.00 = 4,700.00, capped at 4,000.00 (−700.00); owed 600.00 is shown
    // after the total, not added.
    let plan = with_block("    earned commission\n    recovery recovery\n    balance owed\n")
        .replace(
            "cap commission at 5_000 EUR",
            "cap commission at 5_000 EUR\n  cap total at 4_000 EUR",
        );
    Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "statement",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-Q1",
            "--participant",
            "r1",
            "--format",
            "csv",
        ])
        .stdout(
            "participant,period,section,name,amount,currency,paid,explanation
r1,2026-Q1,earned,commission,5000.00,EUR,yes,r1_2026-Q1.html#line-commission
r1,2026-Q1,recovery,recovery,-300.00,EUR,yes,r1_2026-Q1.html#line-recovery
r1,2026-Q1,total limit,total,-700.00,EUR,yes,r1_2026-Q1.html#line-total
r1,2026-Q1,total,total,4000.00,EUR,yes,r1_2026-Q1.html#total
r1,2026-Q1,balance,owed,600.00,EUR,no,r1_2026-Q1.html#line-owed
",
        )
        .run();
}
