//! issue 10, currencies: a pay currency per participant (`participants … paid in COL using
//! FX.RATE on DATE`, docs/language.md §4 and §13.1): a bad-input test per diagnostic, the
//! run's and the statement's pay columns, and `fmt`. The figures are plan tests:
//! tests/rules/a_payout_is_paid_in_the_participants_currency_rounded_once and plans/global-sales.

use crate::expect_diag::ExpectedDiag;
use crate::harness::Test;
use ignition::diagnostics::{render_plain, Diag};

/// A roster with a pay currency, deals in EUR, a dated and an undated FX table; `PAY` is
/// replaced by the `participants` line.
const PLAN: &str = r#"plan "Pay" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  rounding payouts to 0.01 half-even
  input reps key rep_id {
    rep_id: text
    pay_currency: text
    maybe_currency: text?
    quota: money
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money >= 0
    close_date: date
  }
  input fx key from, to effective from valid_from {
    from: text
    to: text
    valid_from: date
    rate: number
  }
  input flat_fx key from, to {
    from: text
    to: text
    rate: number
  }
  PAY
  credit deals to owner by close_date
  kpi bookings = sum(deals.amount)
  kpi flat = convert(bookings, to: USD, using: flat_fx.rate)
  payout commission = bookings * 10%
}
"#;

fn plan(pay: &str) -> String {
    PLAN.replace("PAY", pay)
}

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

fn check(pay: &str, expected: ExpectedDiag) {
    let all = diags(&plan(pay));
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
}

#[test]
fn a_pay_clause_checks() {
    for pay in [
        "participants reps paid in pay_currency using fx.rate on period_end()",
        "participants reps paid in pay_currency using flat_fx.rate",
    ] {
        let all = diags(&plan(pay));
        assert!(
            !all.iter().any(Diag::is_error),
            "{pay}: {}",
            render_plain(&all, 100)
        );
    }
}

#[test]
fn the_pay_column_is_a_required_text_column_of_the_roster() {
    check(
        "participants reps paid in quota using fx.rate on period_end()",
        ExpectedDiag::error(
            "ignition::check::paid_in",
            "`paid in quota`: `quota` is money in EUR, not a text column of currency codes",
        )
        .help("name a required text column of `reps` holding each participant's ISO 4217 code, e.g. `pay_currency: text` and `paid in pay_currency using fx.rate on period_end()`")
        .label("not a currency column")
        .underlined("quota"),
    );
    check(
        "participants reps paid in maybe_currency using fx.rate on period_end()",
        ExpectedDiag::error(
            "ignition::check::paid_in",
            "`paid in maybe_currency`: `maybe_currency` is optional: every participant needs the currency they are paid in",
        )
        .help("name a required text column of `reps` holding each participant's ISO 4217 code, e.g. `pay_currency: text` and `paid in pay_currency using fx.rate on period_end()`")
        .label("not a currency column")
        .underlined("maybe_currency"),
    );
    check(
        "participants reps paid in currency using fx.rate on period_end()",
        ExpectedDiag::error(
            "ignition::check::paid_in",
            "`paid in currency`: `currency` is not a column of `reps`",
        )
        .help("name a required text column of `reps` holding each participant's ISO 4217 code, e.g. `pay_currency: text` and `paid in pay_currency using fx.rate on period_end()`")
        .label("not a currency column")
        .underlined("currency"),
    );
}

#[test]
fn using_names_an_fx_table_s_rate() {
    check(
        "participants reps paid in pay_currency using deals.amount on period_end()",
        ExpectedDiag::error(
            "ignition::check::convert",
            "`deals` is not a reference table",
        )
        .help("name the rate column of a reference table keyed by two currencies, e.g. `input fx key from, to { from: text  to: text  rate: number }` and `using: fx.rate`")
        .label("not an FX rate")
        .underlined("deals.amount"),
    );
    check(
        "participants reps paid in pay_currency using fx.from on period_end()",
        ExpectedDiag::error(
            "ignition::check::convert",
            "the rate `fx.from` must be a number, found text",
        )
        .help("name the rate column of a reference table keyed by two currencies, e.g. `input fx key from, to { from: text  to: text  rate: number }` and `using: fx.rate`")
        .label("not an FX rate")
        .underlined("fx.from"),
    );
}

#[test]
fn the_day_of_the_rate_is_said_when_the_rates_are_dated_and_reads_no_definition() {
    check(
        "participants reps paid in pay_currency using fx.rate",
        ExpectedDiag::error(
            "ignition::check::lookup_on",
            "`fx` is effective-dated: say on which day the rate must be in force",
        )
        .help("add `on DATE`, the day whose rate pays the period, e.g. `participants reps paid in pay_currency using fx.rate on period_end()`")
        .label("here")
        .underlined("paid in pay_currency using fx.rate"),
    );
    check(
        "participants reps paid in pay_currency using flat_fx.rate on period_end()",
        ExpectedDiag::error(
            "ignition::check::lookup_on",
            "`flat_fx` has no `effective from`: its rates are not dated, so `on` means nothing",
        )
        .help("leave `on …` out, or date the rates: `input flat_fx key from, to effective from COLUMN { … }`")
        .label("here")
        .underlined("period_end()"),
    );
    check(
        "participants reps paid in pay_currency using fx.rate on bookings",
        ExpectedDiag::error("ignition::check::paid_in", "the day of the pay rate reads `bookings`, a definition")
            .help("name the day from the roster, the calendar or a constant: `on period_end()`, `on period_start()`, `on pay_date`")
            .label("reads a definition")
            .underlined("bookings"),
    );
}

const REPS: &str = "rep_id,pay_currency,maybe_currency,quota\nr1,JPY,,100\nr2,EURO,,100\n";
const DEALS: &str = "deal_id,owner,amount,close_date\nd1,r1,1000,2026-02-01\n";
const FX: &str = "from,to,valid_from,rate\nEUR,JPY,2026-04-01,165\n";
const FLAT: &str = "from,to,rate\nEUR,USD,1.1\n";

fn run(reps: &str) -> Test {
    Test::new()
        .plan(&plan(
            "participants reps paid in pay_currency using fx.rate on period_end()",
        ))
        .table("reps", reps)
        .table("deals", DEALS)
        .table("fx", FX)
        .table("flat_fx", FLAT)
}

#[test]
fn an_unknown_pay_currency_is_a_data_error_at_its_line() {
    run(REPS)
        .args(["run", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("ignition::data::pay_currency")
        .stderr_has("reps.csv:3: participant r2 is paid in EURO, which is not an ISO 4217 currency code")
        .stderr_has("help: write the currency's three capital letters in `pay_currency`, such as EUR, GBP, JPY (did")
        .run();
}

#[test]
fn no_fx_row_for_the_pay_currency_on_the_day_names_the_pair_and_the_day() {
    // EUR → JPY starts on 1 April: none is in force on 31 March, the end of 2026-Q1.
    run("rep_id,pay_currency,maybe_currency,quota\nr1,JPY,,100\n")
        .args(["run", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("ignition::eval::no_row")
        .stderr_has("`fx` has no row for \"EUR\", \"JPY\" in force on 2026-03-31 in `commission` for r1 in 2026-Q1")
        .stderr_has("paid in pay_currency using fx.rate on period_end()")
        .run();
}

#[test]
fn run_shows_the_pay_currency_and_each_payout_as_paid() {
    // r1 is paid in JPY: Q1 has no deal, so 0 EUR and 0 JPY (Q1 still needs a rate: the
    // 1 January row); Q2: 1,000 EUR of deals in February count in Q1 … the deal is in Q1:
    // 1,000 × 10% = 100 EUR, × 160 = 16,000 JPY; Q2 0 EUR → 0 JPY at 165.
    let fx = "from,to,valid_from,rate\nEUR,JPY,2026-01-01,160\nEUR,JPY,2026-04-01,165\n";
    run("rep_id,pay_currency,maybe_currency,quota\nr1,JPY,,100\n")
        .table("fx", fx)
        .args(["run", "plan.plan", "--data", ".", "--format", "csv"])
        .stdout(
            "participant,period,bookings,flat,commission,total,pay_currency,commission.paid,total.paid\n\
             r1,2026-Q1,1000.00,1100.00,100.00,100.00,JPY,16000,16000\n\
             r1,2026-Q2,0.00,0.00,0.00,0.00,JPY,0,0\n",
        )
        .run();
    run("rep_id,pay_currency,maybe_currency,quota\nr1,JPY,,100\n")
        .table("fx", fx)
        .args(["run", "plan.plan", "--data", ".", "--format", "json", "--period", "2026-Q1"])
        .stdout_has("\"pay_currency\": \"JPY\"")
        .stdout_has("\"paid\": {\n        \"commission\": \"16000\",\n        \"total\": \"16000\"\n      }")
        .run();
    run("rep_id,pay_currency,maybe_currency,quota\nr1,JPY,,100\n")
        .table("fx", fx)
        .args(["run", "plan.plan", "--data", ".", "--period", "2026-Q1"])
        .stdout_has("paid in  commission (paid)  total (paid)")
        .stdout_has("JPY             16,000        16,000")
        .run();
    run("rep_id,pay_currency,maybe_currency,quota\nr1,JPY,,100\n")
        .table("fx", fx)
        .args(["statement", "plan.plan", "--data", ".", "--period", "2026-Q1", "--format", "csv"])
        .stdout(
            "participant,period,section,name,amount,currency,paid,explanation,pay_amount,pay_currency\n\
             r1,2026-Q1,earned,commission,100.00,EUR,yes,r1_2026-Q1.html#line-commission,16000,JPY\n\
             r1,2026-Q1,total,total,100.00,EUR,yes,r1_2026-Q1.html#total,16000,JPY\n",
        )
        .run();
}

#[test]
fn fmt_keeps_the_pay_clause() {
    let src = plan("participants   reps paid in pay_currency   using fx.rate on period_end( )");
    let unit = ignition::syntax::parser::parse_unit(&ignition::diagnostics::SourceFile::new(
        "p.plan",
        src.clone(),
    ))
    .expect("parses");
    let text = ignition::syntax::format::format(&src, &unit);
    assert!(
        text.contains("  participants reps paid in pay_currency using fx.rate on period_end()\n"),
        "{text}"
    );
}

#[test]
fn a_pay_figure_too_large_for_a_number_is_a_located_error_not_a_panic() {
    // 10% of 1e27 EUR is within a decimal's range; × 1e10 JPY per EUR is not.
    let huge = "from,to,valid_from,rate\nEUR,JPY,2026-01-01,10000000000\n";
    run("rep_id,pay_currency,maybe_currency,quota\nr1,JPY,,100\n")
        .table("fx", huge)
        .table(
            "deals",
            "deal_id,owner,amount,close_date\nd1,r1,1000000000000000000000000000,2026-02-01\n",
        )
        .args(["run", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("the value is too large to be rounded to 1")
        .stderr_has("participants reps paid in pay_currency using fx.rate on period_end()")
        .run();
}

#[test]
fn a_pay_figure_in_a_plan_without_paid_in_is_unknown_with_a_hint() {
    let src = plan("participants reps");
    Test::new()
        .plan(&src)
        .file(
            "plan.test.plan",
            "tests for \"plan.plan\"\n\ntest \"t\" {\n  reps { rep_id: \"r1\", pay_currency: \"JPY\", quota: 100 EUR }\n  expect commission.paid for \"r1\" in 2026-Q1 == 0 EUR\n}\n",
        )
        .args(["test", "plan.test.plan"])
        .status(2)
        .stderr_has("ignition::test::unknown_definition")
        .stderr_has("as paid in the participant's currency")
        .run();
}
