//! issue 10, currencies (docs/language.md §13.1): a bad-input test per diagnostic of
//! `money in COLUMN` and `convert(…)`, and the run-time errors of a conversion. The figures
//! of conversions are plan tests: tests/rules/convert_uses_the_fx_row_in_force_or_its_inverse
//! and plans/global-sales.

use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use ignition::data::{self, Options, Sources};
use ignition::diagnostics::{render_plain, Diag};

/// Deals in their own currency, a roster amount in a pay currency, and dated FX rates.
const FX: &str = "  input sales key sale_id {
    sale_id: text
    seller: text
    value: money in cur
    cur: text
    sold_on: date
  }
  credit sales to seller by sold_on
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
";

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

fn check(extra: &str, expected: ExpectedDiag) {
    let all = diags(&plan_with(&format!("{FX}{extra}")));
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
}

fn codes(extra: &str) -> Vec<String> {
    diags(&plan_with(&format!("{FX}{extra}")))
        .iter()
        .map(|d| d.code.to_string())
        .filter(|c| c != "ignition::check::uncapped" && c != "ignition::check::unused")
        .collect()
}

#[test]
fn conversions_of_each_kind_check() {
    assert_eq!(
        codes(
            "  kpi s = sum(sales, convert(value, to: EUR, using: fx.rate, on: sold_on))
  kpi t = convert(bookings, to: USD, using: flat_fx.rate)
  kpi big = count(sales where convert(value, to: EUR, using: fx.rate, on: sold_on) > 100 EUR)
"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn amounts_in_different_currencies_do_not_mix() {
    check(
        "  kpi x = bookings + convert(bookings, to: USD, using: flat_fx.rate)\n",
        ExpectedDiag::error("ignition::check::units", "cannot add EUR and USD")
            .help("amounts in different currencies need an explicit conversion")
            .label("money in EUR + money in USD")
            .underlined("bookings + convert(bookings, to: USD, using: flat_fx.rate)"),
    );
}

#[test]
fn rows_in_their_own_currencies_are_not_summed() {
    check(
        "  kpi x = sum(sales.value)\n",
        ExpectedDiag::error(
            "ignition::check::money_in",
            "`sum` over amounts in each row's currency (`cur`)",
        )
        .help("convert each row to one currency first, e.g. `sum(won, convert(amount, to: EUR, using: fx.rate, on: close_date))`")
        .label("here")
        .underlined("value"),
    );
    check(
        "  kpi x = count(sales where value > 100 EUR)\n",
        ExpectedDiag::error(
            "ignition::check::units",
            "`>` does not apply to money in the currency of sales.cur and money in EUR",
        )
        .help("the currency of each row is its `cur`: convert the amount first, e.g. `convert(amount, to: EUR, using: fx.rate, on: close_date)`")
        .label("money in the currency of sales.cur > money in EUR")
        .underlined("value > 100 EUR"),
    );
}

#[test]
fn money_in_names_a_required_text_column_of_its_input() {
    check(
        "  input other key id {\n    id: text\n    amt: money in currency\n  }\n",
        ExpectedDiag::error(
            "ignition::check::money_in",
            "`money in currency`: `currency` is not a column of this input",
        )
        .help("name a required text column of `other` holding a currency code: id")
        .label("here")
        .underlined("currency"),
    );
    check(
        "  kpi k: money in cur = bookings\n",
        ExpectedDiag::error(
            "ignition::check::money_in",
            "`money in cur` is for an input's stored columns",
        )
        .help("a value has one currency: declare `money(EUR)` or `money`, and convert a row's amount with `convert(…)`")
        .label("here")
        .underlined("cur"),
    );
}

#[test]
fn convert_needs_money_a_code_and_an_fx_rate_column() {
    check(
        "  kpi x = convert(quota, to: EUR, using: flat_fx.rate)\n",
        ExpectedDiag::error(
            "ignition::check::convert",
            "the amount is already in EUR: there is nothing to convert",
        )
        .help("leave `convert` out, or name the currency it must be converted to")
        .label("already in this currency")
        .underlined("quota"),
    );
    check(
        "  kpi x = convert(bookings, to: \"USD\", using: flat_fx.rate)\n",
        ExpectedDiag::error(
            "ignition::check::convert",
            "`to:` of `convert` must be a currency code, found `\"USD\"`",
        )
        .help(
            "write the code bare, e.g. `convert(amount, to: EUR, using: fx.rate, on: close_date)`",
        )
        .label("not a currency code")
        .underlined("\"USD\""),
    );
    check(
        "  kpi x = convert(attainment, to: USD, using: flat_fx.rate)\n",
        ExpectedDiag::error(
            "ignition::check::convert",
            "`convert` converts money, found a percent",
        )
        .help("e.g. `convert(amount, to: EUR, using: fx.rate, on: close_date)`")
        .label("not money")
        .underlined("attainment"),
    );
    check(
        "  kpi x = convert(bookings, to: USD, using: flat_fx.from)\n",
        ExpectedDiag::error(
            "ignition::check::convert",
            "the rate `flat_fx.from` must be a number, found text",
        )
        .help("name the rate column of a reference table keyed by two currencies, e.g. `input fx key from, to { from: text  to: text  rate: number }` and `using: fx.rate`")
        .label("not an FX rate")
        .underlined("flat_fx.from"),
    );
    check(
        "  kpi x = convert(bookings, to: USD, using: fx.rate)\n",
        ExpectedDiag::error(
            "ignition::check::lookup_on",
            "`fx` is effective-dated: say on which day the rate must be in force",
        )
        .help("add `on: DATE`: the transaction's date (`on: close_date`) or the period's (`on: period_end()`), e.g. `convert(amount, to: EUR, using: fx.rate, on: close_date)`")
        .label("here")
        .underlined("convert(bookings, to: USD, using: fx.rate)"),
    );
    check(
        "  let v = sales where sale_id == \"a\"\n  kpi x = count(v) + 0 * convert(bookings, to: USD, using: reps.annual_quota) / 1 EUR\n",
        ExpectedDiag::error(
            "ignition::check::convert",
            "`reps` is not a reference table",
        )
        .help("name the rate column of a reference table keyed by two currencies, e.g. `input fx key from, to { from: text  to: text  rate: number }` and `using: fx.rate`")
        .label("not an FX rate")
        .underlined("reps.annual_quota"),
    );
}

// ---------------------------------------------------------------- run time

const PLAN: &str = r#"plan "fx" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-03-31
  input reps key rep_id {
    rep_id: text
  }
  input sales key sale_id {
    sale_id: text
    seller: text
    value: money in cur
    cur: text
    sold_on: date
  }
  input fx key from, to effective from valid_from {
    from: text
    to: text
    valid_from: date
    rate: number
  }
  participants reps
  credit sales to seller by sold_on
  kpi total_eur = sum(sales, convert(value, to: EUR, using: fx.rate, on: sold_on))
}
"#;

fn run_errors(sales: &str, fx: &str) -> Vec<Diag> {
    let plan = ignition::compile_str("fx.plan", PLAN)
        .expect("the plan checks")
        .plan;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("written");
    };
    write("reps.csv", "rep_id\nr1\n");
    write("sales.csv", sales);
    write("fx.csv", fx);
    let sources = Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let (data, _) = data::load(&plan, &sources, Options::default()).expect("the data loads");
    let results = ignition::eval::evaluate(&plan, &data);
    let prefix = format!("{}/", dir.path().display());
    ignition::eval::errors(&plan, &data, &results, 20)
        .into_iter()
        .map(|mut d| {
            d.help = d.help.map(|h| h.replace(&prefix, ""));
            d.message = d.message.replace(&prefix, "");
            for (_, l) in &mut d.labels {
                *l = l.replace(&prefix, "");
            }
            d
        })
        .collect()
}

const SALES: &str = "sale_id,seller,value,cur,sold_on\ns1,r1,100,USD,2026-02-10\n";

#[test]
fn a_pair_without_a_row_nor_its_inverse_is_no_row() {
    let errors = run_errors(SALES, "from,to,valid_from,rate\nGBP,EUR,2026-01-01,1.1\n");
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::eval::no_row",
        "`fx` has no row for \"USD\", \"EUR\" in force on 2026-02-10 in `total_eur` for r1 in 2026-Q1",
    )
    .help("fx.csv has no row for USD → EUR, nor for EUR → USD (divided by): add one, or state a fallback with `otherwise` — a rate is never derived through a third currency")
    .label("`fx` has no row for \"USD\", \"EUR\" in force on 2026-02-10")
    .underlined("convert(value, to: EUR, using: fx.rate, on: sold_on)")
    .assert(&errors[0]);
}

#[test]
fn a_gap_in_the_pair_s_rows_is_not_filled_by_the_inverse() {
    // USD → EUR starts on 1 March; the EUR → USD row is not used for February.
    let fx = "from,to,valid_from,rate\nUSD,EUR,2026-03-01,0.9\nEUR,USD,2026-01-01,1.1\n";
    let errors = run_errors(SALES, fx);
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::eval::no_row",
        "`fx` has no row for \"USD\", \"EUR\" in force on 2026-02-10 in `total_eur` for r1 in 2026-Q1",
    )
    .help("the nearest row for \"USD\", \"EUR\": in force from 2026-03-01 (fx.csv:2) — add a row, or state a fallback with `otherwise`")
    .label("`fx` has no row for \"USD\", \"EUR\" in force on 2026-02-10")
    .underlined("convert(value, to: EUR, using: fx.rate, on: sold_on)")
    .assert(&errors[0]);
}

#[test]
fn a_rate_that_is_not_positive_and_a_currency_that_is_not_a_code_are_errors() {
    let errors = run_errors(SALES, "from,to,valid_from,rate\nUSD,EUR,2026-01-01,0\n");
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::eval::fx_rate",
        "the rate 0 of fx.csv:2 (USD → EUR) is not positive in `total_eur` for r1 in 2026-Q1",
    )
    .help("fix the rate in the FX table: one unit of the first currency is `rate` units of the second")
    .label("the rate 0 of fx.csv:2 (USD → EUR) is not positive")
    .underlined("convert(value, to: EUR, using: fx.rate, on: sold_on)")
    .assert(&errors[0]);
    let sales = "sale_id,seller,value,cur,sold_on\ns1,r1,100,usd,2026-02-10\n";
    let errors = run_errors(sales, "from,to,valid_from,rate\nUSD,EUR,2026-01-01,0.9\n");
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::eval::fx_rate",
        "`cur` of sales.csv:2 is \"usd\", not a currency code in `total_eur` for r1 in 2026-Q1",
    )
    .help("write the currency as its ISO 4217 code: three capital letters, e.g. USD")
    .label("`cur` of sales.csv:2 is \"usd\", not a currency code")
    .underlined("value")
    .assert(&errors[0]);
}
