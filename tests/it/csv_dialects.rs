//! CSV as it comes out of real tools: `;`- and tab-separated files (detected from the
//! header, or `--delimiter`), a wrong delimiter as one diagnostic, decimal commas, ISO 8601
//! timestamps in date columns taken in the plan's `timezone`, and `--quiet`.

use crate::common::{assert_has, expect_code, flat, ignition, ok, outcome, value, workspace};
use crate::expect_diag::ExpectedDiag;
use ignition::diagnostics::Diag;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The starter plan of `ignition init`, with a line for the header (`timezone …`).
fn plan(header: &str) -> String {
    format!(
        r#"plan "Dialects" {{
  currency USD
  periods quarterly from 2026-01-01 to 2026-12-31
  rounding payouts to 0.01 half-up
  {header}
  input reps key rep_id {{
    rep_id: text
    name: text = "-"
    quarterly_quota: money
  }}
  input deals key deal_id {{
    deal_id: text
    rep_id: text
    amount: money
    closed_on: date
    stage: text
  }}
  participants reps
  credit deals to rep_id by closed_on
  let won = deals where stage == "won"
  kpi bookings = sum(won.amount)
  kpi deals_won = count(won)
  kpi attainment: percent = bookings / quarterly_quota otherwise 0%
  rates commission_rate by attainment {{
    0%   ..  50% : 2%
    50%  .. 100% : 5%
    100% ..      : 8%
  }}
  payout commission = marginal(commission_rate, bookings, per: quarterly_quota)
  payout deal_bonus = 50 USD * deals_won when attainment >= 100%
  cap total at 10000 USD
}}
"#
    )
}

const REPS: &str =
    "rep_id,name,quarterly_quota\nr1,\"Lovelace, Ada\",100000.00\nr2,Alan Turing,80000.00\n";
const DEALS: &str = "deal_id,rep_id,amount,closed_on,stage\n\
d1,r1,40000.00,2026-01-15,won\n\
d2,r1,30000.00,2026-02-10,won\n\
d3,r1,20000.00,2026-03-05,lost\n\
d4,r2,33333.33,2026-01-20,won\n\
d5,r2,60000.00,2026-02-25,won\n\
d6,r1,45000.00,2026-04-12,won\n";

/// `text` with `,` between fields replaced by `delim` (commas inside quotes kept).
fn with_delimiter(text: &str, delim: char) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            ',' if !quoted => out.push(delim),
            _ => out.push(c),
        }
    }
    out
}

fn run(plan_text: &str, tables: &[(&str, &str)], extra: &[&str]) -> crate::common::Outcome {
    let (dir, plan_path) = workspace(plan_text, tables);
    outcome(
        ignition()
            .arg("run")
            .arg(&plan_path)
            .arg("--data")
            .arg(dir.path())
            .args(["--format", "csv"])
            .args(extra),
    )
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("a decimal")
}

/// The starter figures, worked by hand. r1 in Q1: won 40,000 + 30,000 = 70,000 of a quota
/// of 100,000: 50,000 × 2% + 20,000 × 5% = 1,000 + 1,000 = 2,000.00, under 100% so no bonus.
/// r2 in Q1: 33,333.33 + 60,000 = 93,333.33 of 80,000: 40,000 × 2% + 40,000 × 5% +
/// 13,333.33 × 8% = 800 + 2,000 + 1,066.6664 = 3,866.6664 → 3,866.67, and 2 deals × 50 =
/// 100 at 116.67%: total 3,966.67. r1 in Q2: 45,000 × 2% = 900.00.
fn assert_starter_figures(csv: &str) {
    assert_eq!(value(csv, "r1", "2026-Q1", "commission"), d("2000.00"));
    assert_eq!(value(csv, "r1", "2026-Q1", "total"), d("2000.00"));
    assert_eq!(value(csv, "r2", "2026-Q1", "commission"), d("3866.67"));
    assert_eq!(value(csv, "r2", "2026-Q1", "deal_bonus"), d("100.00"));
    assert_eq!(value(csv, "r2", "2026-Q1", "total"), d("3966.67"));
    assert_eq!(value(csv, "r1", "2026-Q2", "total"), d("900.00"));
}

#[test]
fn semicolon_and_tab_files_are_detected_and_give_the_comma_results() {
    let comma = run(&plan(""), &[("reps", REPS), ("deals", DEALS)], &[]);
    let comma = ok(&comma).to_string();
    assert_starter_figures(&comma);
    for delim in [';', '\t'] {
        // A European export: `;` between fields and CRLF line endings; the comma inside the
        // quoted name stays text.
        let reps = with_delimiter(REPS, delim).replace('\n', "\r\n");
        let deals = with_delimiter(DEALS, delim);
        let o = run(&plan(""), &[("reps", &reps), ("deals", &deals)], &[]);
        assert_eq!(ok(&o), comma, "delimiter {delim:?}");
        // Given explicitly, for all inputs or one, the same.
        let name = if delim == ';' { ";" } else { "tab" };
        let o = run(
            &plan(""),
            &[("reps", &reps), ("deals", &deals)],
            &["--delimiter", name],
        );
        assert_eq!(ok(&o), comma, "--delimiter {name}");
        let o = run(
            &plan(""),
            &[("reps", REPS), ("deals", &deals)],
            &[
                "--delimiter",
                &format!("deals={name}"),
                "--delimiter",
                "reps=,",
            ],
        );
        assert_eq!(ok(&o), comma, "--delimiter deals={name}");
    }
}

#[test]
fn a_pipe_separated_file_needs_the_option() {
    let deals = with_delimiter(DEALS, '|');
    let o = run(&plan(""), &[("reps", REPS), ("deals", &deals)], &[]);
    expect_code(&o, 2);
    let text = flat(&o.stderr);
    // `|` is not detected, but named.
    assert_has(
        &text,
        &[
            "ignition::data::delimiter",
            "the header does not split into the declared columns on `,` (comma); split on `|` (pipe), it has 5 of the 5",
            "help: pass `--delimiter '|'` (a comma, a semicolon and a tab are detected, other characters are not)",
        ],
    );
    assert!(!text.contains("missing_column"), "{text}");
    // A character no delimiter tried splits on: the header is one column.
    let hashed = with_delimiter(DEALS, '#');
    let o = run(&plan(""), &[("reps", REPS), ("deals", &hashed)], &[]);
    expect_code(&o, 2);
    let text = flat(&o.stderr);
    assert_has(
        &text,
        &[
            "ignition::data::delimiter",
            "the header does not split into the declared columns on any delimiter tried (`,` (comma), `;` (semicolon), tab)",
            "help: is it the file of input `deals`? its first line names the columns, separated by a comma, a semicolon or a tab: deal_id,rep_id,amount,closed_on,stage; for another character pass `--delimiter`",
        ],
    );
    assert!(!text.contains("missing_column"), "{text}");
    let o = run(
        &plan(""),
        &[("reps", REPS), ("deals", &hashed)],
        &["--delimiter", "deals=#"],
    );
    assert_starter_figures(ok(&o));
    let o = run(
        &plan(""),
        &[("reps", REPS), ("deals", &deals)],
        &["--delimiter", "deals=|"],
    );
    assert_starter_figures(ok(&o));
}

/// Load the plan's data in this process; the diagnostics of a failed load.
fn load_errors(
    plan_text: &str,
    tables: &[(&str, &str)],
    delimiters: &[(Option<&str>, u8)],
) -> Vec<Diag> {
    let (dir, _) = workspace(plan_text, tables);
    let plan = ignition::compile_str("plan.plan", plan_text)
        .expect("the plan checks")
        .plan;
    let sources = ignition::data::Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: delimiters
            .iter()
            .map(|(n, d)| (n.map(str::to_string), *d))
            .collect(),
    };
    match ignition::data::load(&plan, &sources, ignition::data::Options { strict: false }) {
        Ok(_) => Vec::new(),
        Err(d) => d,
    }
}

#[test]
fn a_semicolon_file_read_with_commas_is_one_error_naming_the_delimiter() {
    let deals = with_delimiter(DEALS, ';');
    let diags = load_errors(
        &plan(""),
        &[("reps", REPS), ("deals", &deals)],
        &[(None, b',')],
    );
    // One diagnostic for the file, not one `missing_column` per column.
    assert_eq!(diags.len(), 1, "{diags:?}");
    ExpectedDiag::error(
        "ignition::data::delimiter",
        &format!(
            "`{}`: the header does not split into the declared columns on `,` (comma); split on `;` (semicolon), it has 5 of the 5",
            diags[0].location().expect("located").file
        ),
    )
    .help("pass `--delimiter ';'`, or leave `--delimiter` out: the delimiter is detected from the header")
    .label("the header")
    .underlined("deal_id;rep_id;amount;closed_on;stage")
    .at(1, 1)
    .assert(&diags[0]);
}

#[test]
fn a_semicolon_header_with_a_typo_is_one_missing_column_with_its_hint() {
    // Detection picks `;` (4 of 5 columns); the fifth is a typo, named as such.
    let deals = with_delimiter(DEALS, ';').replace("closed_on;", "closed_no;");
    let diags = load_errors(&plan(""), &[("reps", REPS), ("deals", &deals)], &[]);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "ignition::data::missing_column");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("is `closed_no` meant to be `closed_on`? rename the column in the file or the plan")
    );
}

#[test]
fn bad_delimiter_options_are_command_line_errors() {
    let (dir, plan_path) = workspace(&plan(""), &[("reps", REPS), ("deals", DEALS)]);
    for (arg, message) in [
        (
            "\"",
            "--delimiter takes one character such as `;`, or `tab`, not `\"`",
        ),
        (
            "ab",
            "--delimiter takes one character such as `;`, or `tab`, not `ab`",
        ),
        (
            "",
            "--delimiter takes one character such as `;`, or `tab`, not ``",
        ),
        (
            "x",
            "--delimiter takes one character such as `;`, or `tab`, not `x`",
        ),
        (
            "\n",
            "--delimiter takes one character such as `;`, or `tab`, not `\\n`",
        ),
        (
            "deals=",
            "--delimiter takes one character such as `;`, or `tab`, not `deals=`",
        ),
        (
            "dealz=;",
            "--delimiter names `dealz`, which is not an input of the plan",
        ),
    ] {
        let o = outcome(
            ignition()
                .arg("run")
                .arg(&plan_path)
                .arg("--data")
                .arg(dir.path())
                .args(["--delimiter", arg]),
        );
        expect_code(&o, 2);
        assert_has(&flat(&o.stderr), &["ignition::cli::argument", message]);
    }
    let o = outcome(
        ignition()
            .arg("run")
            .arg(&plan_path)
            .arg("--data")
            .arg(dir.path())
            .args(["--delimiter", "dealz=;"]),
    );
    assert_has(&flat(&o.stderr), &["help: did you mean `deals`?"]);
}

#[test]
fn decimal_commas_are_named_with_the_number_rewritten() {
    // A European export: `;` between fields, `.` between thousands, `,` before decimals.
    // `d2;r1;` is 6 characters, so the amount starts in column 7.
    let deals = "deal_id;rep_id;amount;closed_on;stage\n\
d1;r1;40000;2026-01-15;won\n\
d2;r1;1.234,50;2026-02-10;won\n\
d3;r1;12,5;2026-03-05;lost\n\
d4;r2;33,333;2026-01-20;won\n\
d5;r2;\"60,000.00\";2026-02-25;won\n";
    let diags = load_errors(&plan(""), &[("reps", REPS), ("deals", deals)], &[]);
    assert_eq!(diags.len(), 4, "{diags:?}");
    let file = diags[0].location().expect("located").file;
    let export = "this file is `;`-separated, as a European spreadsheet export is: export it with `.` as the decimal separator, or convert the column";
    ExpectedDiag::error(
        "ignition::data::decimal_comma",
        &format!("{file}:3:7: `1.234,50` in column `amount` has a decimal comma"),
    )
    .help(&format!(
        "Ignition reads numbers with a decimal point: write 1234.50; {export}"
    ))
    .label("expected an amount with a decimal point")
    .underlined("1.234,50")
    .at(3, 7)
    .assert(&diags[0]);
    ExpectedDiag::error(
        "ignition::data::decimal_comma",
        &format!("{file}:4:7: `12,5` in column `amount` has a decimal comma"),
    )
    .help(&format!(
        "Ignition reads numbers with a decimal point: write 12.5; {export}"
    ))
    .label("expected an amount with a decimal point")
    .at(4, 7)
    .assert(&diags[1]);
    ExpectedDiag::error(
        "ignition::data::decimal_comma",
        &format!(
            "{file}:5:7: `33,333` in column `amount` has a comma: a decimal comma or a thousands separator"
        ),
    )
    .help(&format!(
        "write 33.333 if the comma is a decimal comma, or 33333 if it separates thousands; {export}"
    ))
    .label("expected an amount with a decimal point")
    .at(5, 7)
    .assert(&diags[2]);
    // Thousands separators in a quoted cell are a bad cell, rewritten.
    ExpectedDiag::error(
        "ignition::data::bad_cell",
        &format!("{file}:6:7: `60,000.00` in column `amount` has thousands separators"),
    )
    .help("write 60000.00, without separators")
    .label("expected an amount")
    .at(6, 7)
    .assert(&diags[3]);
}

#[test]
fn a_decimal_comma_in_a_comma_file_splits_the_row_and_says_so() {
    let deals = DEALS.replace("40000.00", "40000,00");
    let diags = load_errors(&plan(""), &[("reps", REPS), ("deals", &deals)], &[]);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let file = diags[0].location().expect("located").file;
    ExpectedDiag::error(
        "ignition::data::decimal_comma",
        &format!("{file}:2:1: this row has 6 fields but the header has 5: a number with a decimal comma splits at its comma"),
    )
    .help("write numbers with a decimal point (1234.50): export the file with `.` as the decimal separator")
    .label("this row")
    .at(2, 1)
    .assert(&diags[0]);
}

/// Deals closed near the end of Q1, written as timestamps in several zones.
const STAMPED: &str = "deal_id,rep_id,amount,closed_on,stage\n\
d1,r1,40000.00,2026-01-15T10:00:00Z,won\n\
d2,r1,30000.00,2026-03-31T23:30:00-05:00,won\n\
d6,r1,45000.00,2026-03-31T22:30:00Z,won\n\
d4,r2,33333.33,2026-04-01T00:30:00+02:00,won\n\
d5,r2,60000.00,2026-02-25,won\n";

#[test]
fn timestamps_fall_on_the_day_of_the_plans_timezone() {
    // At +01:00: d2 (23:30 at -05:00 = 04:30Z on 1 April) is 05:30 on 1 April, Q2; d6
    // (22:30Z) is 23:30 on 31 March, Q1; d4 (00:30 at +02:00 = 22:30Z) is 23:30 on 31
    // March, Q1. r1 in Q1: 40,000 + 45,000 = 85,000 of 100,000: 50,000 × 2% + 35,000 × 5%
    // = 1,000 + 1,750 = 2,750.00, at 85% no bonus. r1 in Q2: 30,000 × 2% = 600.00. r2 in
    // Q1: 93,333.33 as in the starter: 3,866.67 + 100 = 3,966.67.
    let o = run(
        &plan("timezone +01:00"),
        &[("reps", REPS), ("deals", STAMPED)],
        &[],
    );
    let csv = ok(&o);
    assert_eq!(value(csv, "r1", "2026-Q1", "bookings"), d("85000.00"));
    assert_eq!(value(csv, "r1", "2026-Q1", "total"), d("2750.00"));
    assert_eq!(value(csv, "r1", "2026-Q2", "total"), d("600.00"));
    assert_eq!(value(csv, "r2", "2026-Q1", "total"), d("3966.67"));
    // At -05:00: d2 is 23:30 on 31 March and d6 17:30 on 31 March, both Q1; d4 is 17:30 on
    // 31 March. r1 in Q1: 40,000 + 30,000 + 45,000 = 115,000: 1,000 + 2,500 + 15,000 × 8%
    // = 4,700.00, and 3 deals × 50 = 150 at 115%: 4,850.00. Nothing in Q2.
    let o = run(
        &plan("timezone -05:00"),
        &[("reps", REPS), ("deals", STAMPED)],
        &[],
    );
    let csv = ok(&o);
    assert_eq!(value(csv, "r1", "2026-Q1", "total"), d("4850.00"));
    assert_eq!(value(csv, "r1", "2026-Q2", "total"), d("0.00"));
    assert_eq!(value(csv, "r2", "2026-Q1", "total"), d("3966.67"));
    // The same file `;`-separated gives the same.
    let o = run(
        &plan("timezone -05:00"),
        &[("reps", REPS), ("deals", &with_delimiter(STAMPED, ';'))],
        &[],
    );
    assert_eq!(ok(&o), csv);
}

#[test]
fn a_timestamp_without_a_plan_timezone_is_an_error_never_utc() {
    let diags = load_errors(&plan(""), &[("reps", REPS), ("deals", STAMPED)], &[]);
    // d1, d2, d6, d4: one per timestamp; d5 is a plain date. `d1,r1,40000.00,` is 15
    // characters, so the date starts in column 16.
    assert_eq!(diags.len(), 4, "{diags:?}");
    let file = diags[0].location().expect("located").file;
    ExpectedDiag::error(
        "ignition::data::timezone",
        &format!("{file}:2:16: `2026-01-15T10:00:00Z` in column `closed_on` has a time, and the plan does not say in which time zone its day is taken"),
    )
    .help("add `timezone UTC` to the plan's header (this cell's own offset), or the offset whose day counts for your plan: the day of a timestamp depends on the zone, and Ignition does not pick one")
    .label("a timestamp")
    .underlined("2026-01-15T10:00:00Z")
    .at(2, 16)
    .assert(&diags[0]);
    assert_eq!(
        diags[1].help.as_deref(),
        Some("add `timezone -05:00` to the plan's header (this cell's own offset), or the offset whose day counts for your plan: the day of a timestamp depends on the zone, and Ignition does not pick one")
    );
    // Without an offset in the cell either.
    let deals = "deal_id,rep_id,amount,closed_on,stage\nd1,r1,1.00,2026-01-15 10:00,won\n";
    let diags = load_errors(&plan(""), &[("reps", REPS), ("deals", deals)], &[]);
    assert_eq!(
        diags[0].help.as_deref(),
        Some("add `timezone +01:00` to the plan's header, the offset of the zone these times are in: the day of a timestamp depends on the zone, and Ignition does not pick one")
    );
    // A malformed timestamp is a bad date, whose hint shows a timestamp.
    let deals = "deal_id,rep_id,amount,closed_on,stage\nd1,r1,1.00,2026-01-15T25:00Z,won\n";
    let diags = load_errors(
        &plan("timezone UTC"),
        &[("reps", REPS), ("deals", deals)],
        &[],
    );
    assert_eq!(diags[0].code, "ignition::data::bad_cell");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("write dates as YYYY-MM-DD, e.g. 2026-01-31, or timestamps as 2026-01-31T17:00:00+01:00")
    );
}

#[test]
fn the_timezone_line_is_checked() {
    let check = |header: &str| {
        let (dir, plan_path) = workspace(&plan(header), &[]);
        let o = outcome(ignition().arg("check").arg(&plan_path));
        drop(dir);
        o
    };
    let o = check("timezone \"Europe/Paris\"");
    expect_code(&o, 1);
    assert_has(
        &flat(&o.stderr),
        &[
            "ignition::check::timezone",
            "`timezone \"Europe/Paris\"`: a time zone is written as an offset from UTC",
            "not an offset",
        ],
    );
    for bad in ["+1", "+15:00", "+01:75", "-0500"] {
        let o = check(&format!("timezone {bad}"));
        expect_code(&o, 1);
        assert_has(
            &flat(&o.stderr),
            &[
                "ignition::check::timezone",
                &format!("`timezone {bad}` is not an offset from UTC between -12:00 and +14:00"),
            ],
        );
    }
    let o = check("timezone +01:00\n  timezone UTC");
    expect_code(&o, 1);
    assert_has(&flat(&o.stderr), &["timezone"]);
    ok(&check("timezone +05:30"));
    // fmt keeps it as written.
    let (dir, plan_path) = workspace(&plan("timezone   -05:00"), &[]);
    ok(&outcome(ignition().arg("fmt").arg(&plan_path)));
    let text = std::fs::read_to_string(&plan_path).expect("read");
    assert!(text.contains("\n  timezone -05:00\n"), "{text}");
    drop(dir);
}

#[test]
fn quiet_and_a_pipe_show_no_progress_bar() {
    for extra in [&[][..], &["--quiet"][..], &["-q"][..]] {
        let o = run(&plan(""), &[("reps", REPS), ("deals", DEALS)], extra);
        assert_starter_figures(ok(&o));
        assert!(!o.stderr.contains("reading data"), "{}", o.stderr);
    }
}

#[test]
fn a_large_semicolon_file_reads_the_same_in_parallel() {
    // Over 64 KiB, so the reader cuts it in blocks: quoted fields with `;`, `,` and line
    // breaks must never be cut. Each block's rows must land exactly as the comma file's.
    let mut comma = String::from("deal_id,rep_id,amount,closed_on,stage,note\n");
    for i in 0..6000 {
        let rep = if i % 2 == 0 { "r1" } else { "r2" };
        let note = match i % 4 {
            0 => "\"a; b, c\"".to_string(),
            1 => "\"two\nlines; here\"".to_string(),
            2 => "\"say \"\"hi\"\";\"".to_string(),
            _ => "plain".to_string(),
        };
        comma.push_str(&format!(
            "x{i},{rep},1.25,2026-0{}-15,won,{note}\n",
            i % 9 + 1
        ));
    }
    let plan_text = plan("").replace("stage: text\n", "stage: text\n    note: text\n");
    let a = run(&plan_text, &[("reps", REPS), ("deals", &comma)], &[]);
    let a = ok(&a).to_string();
    // 6,000 deals of 1.25, 3,000 each; r1 has the even ones: months 1, 3, 5, 7, 9 …
    // Q1 for r1: i even with i % 9 in {0, 1, 2}: counted by the program's input only.
    let semi = with_delimiter(&comma, ';');
    for threads in ["1", "3"] {
        let (dir, plan_path) = workspace(&plan_text, &[("reps", REPS), ("deals", &semi)]);
        let o = outcome(
            ignition()
                .env("RAYON_NUM_THREADS", threads)
                .arg("run")
                .arg(&plan_path)
                .arg("--data")
                .arg(dir.path())
                .args(["--format", "csv"]),
        );
        assert_eq!(ok(&o), a, "{threads} threads");
    }
    // The yearly sum is exact: 6,000 × 1.25 = 7,500.00, 3,750.00 each.
    let total: Decimal = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        .iter()
        .map(|p| value(&a, "r1", p, "bookings"))
        .sum();
    assert_eq!(total, d("3750.00"));
}
