//! Every diagnostic kind: its code, the exact text it underlines, and (snapshot) how it renders.

use crate::expect_diag::ExpectedDiag;
use ignition::diagnostics::{render_plain, Diag, Severity};

/// A small valid plan; each case changes one thing.
const BASE: &str = r#"plan "Diag" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-12-31
  input reps key rep_id {
    rep_id: text
    manager_id: text?
    annual_quota: money
    start_date: date
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    close_date: date
    stage: text
  }
  participants reps managed by manager_id
  credit deals to owner by close_date
  let won = deals where stage == "Closed Won"
  kpi bookings = sum(won.amount)
  kpi quota = annual_quota / 4
  kpi attainment: percent = bookings / quota otherwise 0%
  rates commission_rate by attainment {
    0%   ..  50% : 2%
    50%  .. 100% : 8%
    100% ..      : 12%
  }
  payout commission = marginal(commission_rate, bookings, per: quota)
//EXTRA
}
"#;

pub(crate) fn plan_with(extra: &str) -> String {
    BASE.replace("//EXTRA", extra)
}

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// Assert that checking `src` reports `code`, underlining exactly `underlined`; return the rendering.
fn expect_diag(src: &str, code: &str, underlined: &str) -> String {
    let all = diags(src);
    let found = all.iter().find(|d| d.code == code).unwrap_or_else(|| {
        panic!("no {code} in:\n{}", render_plain(&all, 100));
    });
    let (span, _) = found.labels.first().expect("a label");
    let text = &src[span.offset()..span.offset() + span.len()];
    assert_eq!(text, underlined, "underlined text of {code}");
    assert!(found.help.is_some(), "{code} has a hint");
    render_plain(std::slice::from_ref(found), 100)
}

/// Assert that checking `src` reports `expected` (the first diagnostic with its code): its
/// message, help, labels and underlined text; return the rendering.
fn expect(src: &str, expected: ExpectedDiag) -> String {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| {
            panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100));
        });
    expected.assert(found);
    render_plain(std::slice::from_ref(found), 100)
}

#[test]
fn the_base_plan_is_clean() {
    // Its only finding: commission's open top band with no cap anywhere.
    let d = diags(BASE);
    let codes: Vec<&str> = d.iter().map(|d| d.code.as_ref()).collect();
    assert_eq!(
        codes,
        ["ignition::check::uncapped"],
        "{}",
        render_plain(&d, 100)
    );
}

#[test]
fn uncapped_open_marginal_band_is_a_warning_until_capped() {
    let r = expect_diag(BASE, "ignition::check::uncapped", "commission");
    insta::assert_snapshot!("uncapped", r);
    let capped = plan_with("  cap total at 50000 EUR\n");
    assert!(diags(&capped)
        .iter()
        .all(|d| d.code != "ignition::check::uncapped"));
}

#[test]
fn payout_that_can_be_negative_is_a_warning() {
    let src = plan_with("  payout clawback = commission - 1000 EUR\n");
    let r = expect_diag(
        &src,
        "ignition::check::negative_payout",
        "commission - 1000 EUR",
    );
    insta::assert_snapshot!("negative_payout", r);
    let bounded = plan_with("  payout clawback = max(commission - 1000 EUR, 0 EUR)\n");
    assert!(diags(&bounded)
        .iter()
        .all(|d| d.code != "ignition::check::negative_payout"));
    let floored =
        plan_with("  payout clawback = commission - 1000 EUR\n  floor clawback at 0 EUR\n");
    assert!(diags(&floored)
        .iter()
        .all(|d| d.code != "ignition::check::negative_payout"));
}

#[test]
fn negative_payout_follows_value_ranges_not_syntax() {
    let with = |extra: &str| {
        BASE.replace("    start_date: date\n  }", "    start_date: date\n    draw: money >= 0\n  }")
            .replace(
                "    stage: text\n  }",
                "    stage: text\n  }\n  input cancellations {\n    owner: text\n    day: date\n    amount: money\n  }\n  credit cancellations to owner by day",
            )
            .replace("//EXTRA", extra)
    };
    let negative = |src: &str| {
        diags(src)
            .into_iter()
            .filter(|d| d.code == "ignition::check::negative_payout")
            .collect::<Vec<_>>()
    };
    // A subtraction under `max` with a term known `>= 0` cannot go below zero.
    let src = with("  kpi gross = commission\n  kpi balance = bookings\n  payout settle = max(draw, gross - balance)\n");
    assert!(
        negative(&src).is_empty(),
        "{}",
        render_plain(&negative(&src), 100)
    );
    // No subtraction, but a column of unknown sign: the sum can be negative.
    let src = with("  payout claw = 10% * sum(cancellations.amount)\n");
    let r = expect_diag(
        &src,
        "ignition::check::negative_payout",
        "10% * sum(cancellations.amount)",
    );
    assert!(r.contains("cancellations.amount"), "{r}");
    insta::assert_snapshot!("negative_payout_from_a_column", r);
    // Through a definition: `net` subtracts.
    let src = with("  kpi net = bookings - 100 EUR\n  payout p = 1% * net\n");
    let r = expect_diag(&src, "ignition::check::negative_payout", "1% * net");
    assert!(r.contains("`net` can be negative"), "{r}");
    // A negative rate times a positive amount is a clawback: negative, and said why.
    let src = with("  payout claw = -10% * bookings * 0 + -10% * commission\n");
    let r = expect_diag(
        &src,
        "ignition::check::negative_payout",
        "-10% * bookings * 0 + -10% * commission",
    );
    assert!(r.contains("can be negative: "), "{r}");
    // Declared intended: no warning.
    let src = with("  payout claw = -10% * sum(cancellations.amount) may be negative\n");
    assert!(negative(&src).is_empty());
    // Counts, rate tables of non-negative values, abs and `>= 0` columns are not negative.
    let src = with("  payout a = 5 EUR * count(won) + draw + abs(bookings - quota) * 1%\n");
    assert!(
        negative(&src).is_empty(),
        "{}",
        render_plain(&negative(&src), 100)
    );
}

#[test]
fn uncapped_follows_the_definitions_a_payout_uses() {
    // The open top band reaches the payout through a kpi.
    let src = plan_with("  kpi earned = marginal(commission_rate, bookings, per: quota)\n  payout again = earned * 10%\n");
    let all = diags(&src);
    assert!(
        all.iter()
            .any(|d| d.code == "ignition::check::uncapped" && d.message.contains("`again`")),
        "{}",
        render_plain(&all, 100)
    );
    // `min` with a bound stops it; a cap on the payout it reads stops it too.
    let src = plan_with("  kpi earned = marginal(commission_rate, bookings, per: quota)\n  payout again = min(earned, 500 EUR)\n");
    assert!(!diags(&src)
        .iter()
        .any(|d| d.code == "ignition::check::uncapped" && d.message.contains("`again`")));
    let src = plan_with("  cap commission at 9000 EUR\n  payout again = commission * 10%\n");
    assert!(diags(&src)
        .iter()
        .all(|d| d.code != "ignition::check::uncapped"));
}

#[test]
fn a_non_negative_mark_on_a_text_column_is_an_error() {
    let src = BASE.replace("    stage: text\n", "    stage: text >= 0\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::nonneg_type",
            "`>= 0` applies to numbers, amounts and days, but `stage` is text",
        )
        .help("remove `>= 0`, or declare the column as a number type")
        .label("not a number")
        .underlined(">= 0"),
    );
}

#[test]
fn constant_gate_is_a_warning() {
    let src = plan_with("  payout flat_fee = 100 EUR when 1 > 2\n");
    let r = expect_diag(&src, "ignition::check::constant_gate", "1 > 2");
    insta::assert_snapshot!("constant_gate", r);
}

#[test]
fn parse_error_speaks_the_analysts_words() {
    let src = plan_with("  payout spif = 300 EUR *\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::parse::syntax",
            "expected a value after `*`, found `}`",
        )
        .help("see docs/language.md for the form of each declaration")
        .label("unexpected `}`")
        .underlined("}"),
    );
    insta::assert_snapshot!("parse_dangling_operator", r);
}

#[test]
fn misspelt_keyword_gets_a_suggestion() {
    let src = plan_with("  payuot spif = 300 EUR\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::parse::syntax",
            "expected a declaration (input, participants, credit, let, kpi, rates, curve, param, fn, payout, cap, floor), `.column`, an operator, `when`, `where`, something else or `may be negative`, found `payuot`",
        )
        .help("did you mean `payout`?")
        .label("unexpected `payuot`")
        .underlined("payuot"),
    );
    insta::assert_snapshot!("parse_misspelt_keyword", r);
}

#[test]
fn unknown_name_with_did_you_mean() {
    let src = plan_with("  payout bonus = 1% * bookngs\n");
    let r = expect(
        &src,
        ExpectedDiag::error("ignition::check::unknown_name", "unknown name `bookngs`")
            .help("did you mean `bookings`?")
            .label("not defined")
            .underlined("bookngs")
            .at(29, 23),
    );
    insta::assert_snapshot!("unknown_name", r);
}

#[test]
fn duplicate_definition_points_at_both() {
    let src = plan_with("  kpi bookings = count(won)\n");
    let all = diags(&src);
    let d = all
        .iter()
        .find(|d| d.code == "ignition::check::duplicate")
        .expect("duplicate");
    assert_eq!(d.labels.len(), 2);
    insta::assert_snapshot!("duplicate", render_plain(std::slice::from_ref(d), 100));
}

#[test]
fn dependency_cycle_is_named_in_full() {
    let src = plan_with("  kpi a = b + 1\n  kpi b = c * 2\n  kpi c = a\n");
    let all = diags(&src);
    let d = all
        .iter()
        .find(|d| d.code == "ignition::check::cycle")
        .expect("cycle");
    assert!(
        d.message.contains("a → b → c → a")
            || d.message.contains("b → c → a → b")
            || d.message.contains("c → a → b → c"),
        "{}",
        d.message
    );
    insta::assert_snapshot!("cycle", render_plain(std::slice::from_ref(d), 100));
}

#[test]
fn a_cycle_is_the_only_error_of_a_payout_in_it() {
    // `p` is money (`max` of money values); only the cycle a → b → a is wrong.
    let src = plan_with(
        "  kpi a = b + 1 EUR\n  kpi b = a * 2\n  payout p = max(a, 0 EUR)\n  payout q = a\n",
    );
    let all = diags(&src);
    let errors: Vec<&str> = all
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_ref())
        .collect();
    assert_eq!(
        errors,
        ["ignition::check::cycle"],
        "{}",
        render_plain(&all, 100)
    );
}

#[test]
fn a_bare_number_compared_with_a_percent_is_an_error() {
    // `attainment >= 30` reads 30 as the fraction 30, i.e. 3000%: the gate never opens.
    let src = plan_with("  payout bonus = 100 EUR when attainment >= 30\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::bare_number_for_percent",
            "`30` is compared with the percent `attainment` as a bare number, which reads as the fraction 30 (3000%)",
        )
        .help("did you mean 30%? To mean the fraction 30, write it as the percent 3000%")
        .label("a bare number, not a percent")
        .underlined("30"),
    );
    insta::assert_snapshot!("bare_number_compared_with_percent", r);
    // Either side, any comparison, in a `where` too; a fraction other than 0 and 1 as well.
    let src = plan_with("  kpi odd = count(deals where 0.3 < attainment)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::bare_number_for_percent",
            "`0.3` is compared with the percent `attainment` as a bare number, which reads as the fraction 0.3 (30%)",
        )
        .help("did you mean 0.3%? To mean the fraction 0.3, write it as the percent 30%")
        .label("a bare number, not a percent")
        .underlined("0.3"),
    );
    // 0 and 1 mean the same as 0% and 100%, and a percent literal is what is meant.
    for ok in [
        "attainment >= 1",
        "attainment > 0",
        "attainment >= 30%",
        "-1 < bookings / quota",
    ] {
        let src = plan_with(&format!("  payout bonus = 100 EUR when {ok}\n"));
        assert!(
            diags(&src)
                .iter()
                .all(|d| d.code != "ignition::check::bare_number_for_percent"),
            "{ok}"
        );
    }
}

#[test]
fn bare_band_edges_under_a_percent_are_errors() {
    // `by attainment` (a percent): `0 .. 50` reads 50 as 5000%.
    let src = BASE
        .replace("0%   ..  50% : 2%", "0    ..  50  : 2%")
        .replace("50%  .. 100% : 8%", "50   .. 100  : 8%")
        .replace("100% ..      : 12%", "100  ..      : 12%");
    let r = expect_diag(&src, "ignition::check::bare_number_for_percent", "50");
    assert!(r.contains("did you mean 50%?"), "{r}");
    insta::assert_snapshot!("bare_band_edge_for_percent", r);
    // 0 is 0% either way; the other four bare edges are errors.
    let n = diags(&src)
        .iter()
        .filter(|d| d.code == "ignition::check::bare_number_for_percent")
        .count();
    assert_eq!(n, 4);
    // Without `by`: the table's other edges are percents, or a percent is looked up.
    let mixed = plan_with("  rates m {\n    0% .. 50 : 1%\n    50 .. : 2%\n  }\n  payout f = bookings * flat(m, attainment)\n");
    expect_diag(&mixed, "ignition::check::bare_number_for_percent", "50");
    let looked_up = plan_with("  rates m {\n    0 .. 50 : 1%\n    50 .. : 2%\n  }\n  payout f = bookings * flat(m, attainment)\n");
    expect_diag(&looked_up, "ignition::check::bare_number_for_percent", "50");
    // Bare edges of a table of counts are fine.
    let counts = plan_with("  rates m {\n    0 .. 50 : 1%\n    50 .. : 2%\n  }\n  payout f = bookings * flat(m, count(won))\n");
    assert!(diags(&counts)
        .iter()
        .all(|d| d.code != "ignition::check::bare_number_for_percent"));
}

#[test]
fn money_plus_percent() {
    let src = plan_with("  payout bad = bookings + 5%\n");
    let r = expect_diag(&src, "ignition::check::units", "bookings + 5%");
    insta::assert_snapshot!("money_plus_percent", r);
}

#[test]
fn eur_plus_usd() {
    let src = plan_with("  payout bad = bookings + 100 USD\n");
    let r = expect(
        &src,
        ExpectedDiag::error("ignition::check::units", "cannot add EUR and USD")
            .help("amounts in different currencies need an explicit conversion")
            .label("money in EUR + money in USD")
            .underlined("bookings + 100 USD"),
    );
    insta::assert_snapshot!("eur_plus_usd", r);
}

#[test]
fn summing_a_text_column() {
    let src = plan_with("  kpi bad = sum(won.stage)\n");
    let r = expect_diag(&src, "ignition::check::units", "stage");
    insta::assert_snapshot!("sum_text", r);
}

#[test]
fn date_compared_with_money() {
    let src = plan_with("  kpi bad = count(deals where close_date > 5000 EUR)\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::units",
            "cannot compare a date with money in EUR",
        )
        .help("compare values of the same kind")
        .label("a date > money in EUR")
        .underlined("close_date > 5000 EUR"),
    );
    insta::assert_snapshot!("date_vs_money", r);
}

#[test]
fn band_gap() {
    let src = BASE.replace("50%  .. 100% : 8%", "60%  .. 100% : 8%");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::band_gap",
            "gap between bands: nothing covers 50% .. 60%",
        )
        .help("start this band at 50%, or add a band 50% .. 60%")
        .label("starts at 60%, the band above ends at 50%")
        .underlined("60%  .. 100% : 8%"),
    );
    insta::assert_snapshot!("band_gap", r);
}

#[test]
fn band_overlap() {
    let src = BASE.replace("50%  .. 100% : 8%", "40%  .. 100% : 8%");
    let r = expect_diag(&src, "ignition::check::band_overlap", "40%  .. 100% : 8%");
    insta::assert_snapshot!("band_overlap", r);
}

#[test]
fn bands_out_of_order() {
    let src = BASE.replace(
        "0%   ..  50% : 2%\n    50%  .. 100% : 8%",
        "50%  .. 100% : 8%\n    0%   ..  50% : 2%",
    );
    let r = expect_diag(&src, "ignition::check::band_order", "0%   ..  50% : 2%");
    insta::assert_snapshot!("band_order", r);
}

#[test]
fn unused_definition_is_a_warning() {
    let src = plan_with("  let lost = deals where stage == \"Closed Lost\"\n");
    let all = diags(&src);
    let d = all
        .iter()
        .find(|d| d.code == "ignition::check::unused")
        .expect("unused");
    assert_eq!(d.severity, Severity::Warning);
    let r = expect_diag(&src, "ignition::check::unused", "lost");
    insta::assert_snapshot!("unused", r);
}

#[test]
fn payout_must_be_money() {
    let src = plan_with("  payout bad = attainment * 2\n");
    let r = expect_diag(&src, "ignition::check::payout_type", "attainment * 2");
    insta::assert_snapshot!("payout_type", r);
}

#[test]
fn marginal_needs_per_for_ratio_bands() {
    let src = plan_with("  payout bad = marginal(commission_rate, bookings)\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::rates_unit",
            "the bands of `commission_rate` measure a percent but the base is money in EUR",
        )
        .help("the bands are ratios: give the amount they are ratios of, e.g. `per: quota`")
        .label("base of another unit")
        .underlined("bookings"),
    );
    insta::assert_snapshot!("marginal_without_per", r);
}

#[test]
fn unknown_function() {
    let src = plan_with("  kpi bad = summ(won.amount)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::unknown_function",
            "unknown function `summ`",
        )
        .help("did you mean `sum`?")
        .label("not a function")
        .underlined("summ")
        .at(29, 13),
    );
}

#[test]
fn all_errors_are_reported_in_one_run() {
    let src =
        plan_with("  payout a = bookings + 5%\n  payout b = 1% * nope\n  kpi c = sum(won.stage)\n");
    let all = diags(&src);
    let codes: Vec<&str> = all
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.as_ref())
        .collect();
    assert_eq!(codes.len(), 3, "{codes:?}");
}

#[test]
fn missing_header_declarations() {
    let r = expect_diag(
        "plan \"Empty\" {\n}\n",
        "ignition::check::missing_currency",
        "\"Empty\"",
    );
    insta::assert_snapshot!("missing_currency", r);
}

#[test]
fn non_text_key_is_an_error() {
    let src = BASE.replace("deal_id: text", "deal_id: integer");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::key_type",
            "the key `deal_id` must be a text column, not integer",
        )
        .help("declare it as `deal_id: text` (ids are compared as text, even when they look like numbers)")
        .label("not text")
        .underlined("deal_id"),
    );
}

// ---------------------------------------------------------------- issue 9, conditionals

#[test]
fn an_if_condition_that_is_not_yes_no_is_an_error() {
    let src = plan_with("  kpi level = if bookings then 1 else 2\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::condition_type",
            "`if` needs a yes/no condition, found money in EUR",
        )
        .help("compare it, e.g. `if attainment >= 100% then … else …`")
        .label("not yes/no")
        .underlined("bookings"),
    );
}

#[test]
fn if_branches_of_different_units_name_both() {
    let src = plan_with("  kpi level = if attainment >= 100% then bookings else 0\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::branch_unit",
            "the branches of `if` differ: `then` gives money in EUR (`bookings`), `else` gives an integer (`0`)",
        )
        .help("write the other branch as an amount, e.g. `0 EUR`")
        .label("money in EUR")
        .label("an integer")
        .underlined("bookings"),
    );
    insta::assert_snapshot!("branch_unit", r);
    // Text against a number: no amount to suggest.
    let src = plan_with("  kpi level = if attainment >= 100% then \"gold\" else 1\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::branch_unit",
            "the branches of `if` differ: `then` gives text (`\"gold\"`), `else` gives an integer (`1`)",
        )
        .help("both branches must give the same kind of value")
        .label("text")
        .label("an integer")
        .underlined("\"gold\""),
    );
}

#[test]
fn a_gate_on_a_let_row_set_is_an_error() {
    let src = plan_with(
        "  let big = deals where amount > 0 EUR when attainment > 0%\n  kpi n_big = count(big)\n",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::gate_on_rows",
            "`big` is a set of rows: it cannot have a `when` gate",
        )
        .help("filter the rows with `where`, or gate the kpi or payout computed from them")
        .label("gate on rows")
        .underlined("attainment > 0%"),
    );
}

#[test]
fn a_gate_on_a_text_kpi_is_an_error_with_the_if_hint() {
    let src = plan_with(
        "  kpi status: text = if attainment >= 100% then \"a\" else \"b\" when bookings > 0 EUR\n",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::gate_value_type",
            "`when` cannot gate `status`: a closed gate gives 0, and text has no 0",
        )
        .help("write `if C then … else …` to choose its value")
        .label("gate")
        .underlined("bookings > 0 EUR"),
    );
    // A number KPI and a `let` value may be gated.
    let src = plan_with(
        "  kpi gated = bookings when attainment > 0%\n  let half = quota / 2 when attainment > 0%\n  kpi h = half\n",
    );
    assert!(diags(&src).iter().all(|d| d.severity != Severity::Error));
}

#[test]
fn an_else_if_chain_too_deep_is_refused() {
    let src = plan_with(&format!(
        "  kpi deep = {}0\n",
        "if attainment > 0% then 1 else ".repeat(201)
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::parse::too_deep",
            "`if` expressions are nested more than 200 deep",
        )
        .help("split the chain into named kpis or lets, or use a `rates` table for many bands")
        .label("too deep")
        .underlined("if"),
    );
}

// ---------------------------------------------------------------- issue 9, calendar arithmetic

#[test]
fn prorate_by_something_else_than_days_or_months_is_an_error() {
    let src = plan_with("  kpi q = prorate(quota, from: start_date, by: weeks)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::prorate_by",
            "`prorate` counts by `days` or `months`, not `weeks`",
        )
        .help("write `by: months` to count the months with an active day, or `by: days` (the default)")
        .label("not days or months")
        .underlined("weeks"),
    );
}

#[test]
fn a_calendar_function_of_the_wrong_type_names_the_parameter() {
    let src = plan_with("  kpi m = months_between(start_date, bookings)\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::calendar_argument",
            "`months_between` needs a date as `to`, found money in EUR",
        )
        .help("`months_between` takes from, to: a date column, a date literal such as `2026-03-31` or `period_end()`")
        .label("not a date")
        .underlined("bookings"),
    );
    insta::assert_snapshot!("calendar_argument", r);
    let src = plan_with("  kpi d = add_months(start_date, 10%)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::calendar_argument",
            "`add_months` needs a whole number of months as `months`, found a percent",
        )
        .help("write e.g. `add_months(start_date, 3)`")
        .label("not a whole number of months")
        .underlined("10%"),
    );
    // Arity comes from the table, as for every function.
    let src = plan_with("  kpi y = year_of()\n  kpi z = is_year_end(start_date)\n");
    let all = diags(&src);
    let messages: Vec<&str> = all.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"`year_of` needs its `date` argument"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"`is_year_end()` takes no arguments"),
        "{messages:?}"
    );
}

// issue 11, kpi intent: each new diagnostic of a KPI's block, with its words and place.
#[test]
fn a_kpi_block_setting_given_twice_is_an_error() {
    let src = plan_with("  kpi w = count(won) {\n    label \"A\"\n    label \"B\"\n  }\n");
    expect(
        &src,
        ExpectedDiag::error("ignition::check::kpi_setting", "`w` sets its `label` twice")
            .help("keep one `label` line in the block")
            .label("set again here")
            .label("first set here")
            .underlined("label \"B\""),
    );
}

#[test]
fn an_unknown_kpi_category_gets_the_closest_one() {
    let src = plan_with("  kpi w = count(won) { category reslt }\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_category",
            "unknown KPI category `reslt`",
        )
        .help("did you mean `result`?")
        .label("not a category")
        .underlined("reslt"),
    );
}

#[test]
fn a_target_in_another_unit_is_an_error() {
    let src = plan_with("  kpi w = count(won) { target 100 EUR }\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_target_unit",
            "the target of `w` is money in EUR but `w` is an integer",
        )
        .help("write the target in the KPI's unit, e.g. `target 30%` for a percent")
        .label("this is money in EUR")
        .underlined("100 EUR"),
    );
}

#[test]
fn a_threshold_in_another_unit_is_an_error() {
    let src = plan_with("  kpi b2 = bookings { target quota\n    status red below 5 days }\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_threshold_unit",
            "this threshold of `b2` is a number of days but must be money in EUR",
        )
        .help("write the bound in the unit of `b2`, or as a share: `80% of target`")
        .label("this is a number of days")
        .underlined("5 days"),
    );
    let src =
        plan_with("  kpi b2 = bookings { target quota\n    status red below 5 EUR of target }\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_threshold_unit",
            "this threshold of `b2` is money in EUR but must be a percent",
        )
        .help("a bound `of target` is a share of the target, e.g. `80% of target`")
        .label("this is money in EUR")
        .underlined("5 EUR"),
    );
}

#[test]
fn thresholds_out_of_order_or_on_the_wrong_side_are_errors() {
    // Red below 100%, amber below 80%: amber could never show.
    let src = plan_with(
        "  kpi b2 = bookings { target quota\n    status red below 100% of target, amber below 80% of target }\n",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_thresholds",
            "the status thresholds of `b2` do not work: amber could never show: red is below more",
        )
        .help("red is the worse level: its bound is below amber's, e.g. `red below 80% of target, amber below 100% of target`")
        .label("here")
        .underlined("amber below 80% of target"),
    );
    let src = plan_with(
        "  kpi b2 = bookings { target quota\n    better lower\n    status red below 80% of target }\n",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_thresholds",
            "the status thresholds of `b2` do not work: red is `below` but `b2` is better lower",
        )
        .help("write `red above …`, or `better higher` in the block")
        .label("here")
        .underlined("red below 80% of target"),
    );
    let src = plan_with(
        "  kpi b2 = bookings { target quota\n    status red below 80% of target, red below 90% of target }\n",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_thresholds",
            "the status thresholds of `b2` do not work: red is given twice",
        )
        .help("give each level one bound: `status red below 80% of target, amber below 100% of target`")
        .label("here")
        .underlined("red below 90% of target"),
    );
}

#[test]
fn attainment_of_a_kpi_without_a_target_is_an_error() {
    let src = plan_with("  kpi a2: percent = attainment_of(bookings) otherwise 0%\n");
    expect(
        &src,
        ExpectedDiag::error("ignition::check::kpi_no_target", "`bookings` has no target")
            .help("give `bookings` a target in its block: `kpi bookings = … { target … }`")
            .label("`attainment_of` needs a KPI with a target")
            .underlined("bookings"),
    );
    let src = plan_with("  kpi b2 = bookings { status red below 80% of target }\n");
    expect(
        &src,
        ExpectedDiag::error("ignition::check::kpi_no_target", "`b2` has no target")
            .help("give `b2` a target in its block: `kpi b2 = … { target … }`")
            .label("`of target` needs a target")
            .underlined("red below 80% of target"),
    );
    let src = plan_with("  kpi g = gap_of(bookings * 2)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::argument",
            "`gap_of` takes the name of one KPI",
        )
        .help("write e.g. `gap_of(win_rate)`")
        .label("not the name of a KPI")
        .underlined("bookings * 2"),
    );
}

#[test]
fn a_text_kpi_cannot_have_a_target_and_no_data_needs_a_condition() {
    let src = plan_with("  kpi t: text = \"x\" { target 3 }\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_intent_type",
            "`t` is text: it cannot have a target or a status",
        )
        .help("targets and statuses are for numbers, amounts, percents and days; keep the label and category")
        .label("needs a number")
        .underlined("3"),
    );
    let src = plan_with("  kpi b2 = bookings { target quota\n    no data when count(won) }\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_no_data",
            "`no data when` needs a yes/no condition, not an integer",
        )
        .help("write e.g. `no data when count(closed) == 0`")
        .label("not a condition")
        .underlined("count(won)"),
    );
}

// ---------------------------------------------------------------- issue 11, causes and comparison

/// Drivers with targets: deals × average, against a bookings target.
const DRIVERS: &str = "  kpi n = count(won) { target 10 }
  kpi avg_won: money = avg(won.amount) otherwise 0 EUR { target 5_000 EUR }
  kpi w: percent = 30%
";

#[test]
fn drivers_that_are_not_a_product_of_kpis_with_targets_are_errors() {
    let src = plan_with(&format!(
        "{DRIVERS}  kpi b2 = bookings {{ target 50_000 EUR\n    drivers avg_won + bookings }}\n"
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_drivers",
            "the drivers of `b2`: they are KPIs multiplied or divided",
        )
        .help("write e.g. `drivers opportunities * win_rate * avg_deal`")
        .label("here")
        .underlined("avg_won + bookings"),
    );
    let src = plan_with(&format!(
        "{DRIVERS}  kpi b2 = bookings {{ target 50_000 EUR\n    drivers n * w * avg_won }}\n"
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_drivers",
            "the drivers of `b2`: `w` has no target",
        )
        .help("give it one: `kpi w = … { target … }`, so that its part of the gap can be computed")
        .label("here")
        .underlined("w"),
    );
    let src = plan_with(&format!(
        "{DRIVERS}  kpi b2 = bookings {{ target 50_000 EUR\n    drivers n * b2 }}\n"
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_drivers",
            "the drivers of `b2`: `b2` cannot drive itself",
        )
        .help("name the KPIs it is the product of")
        .label("here")
        .underlined("b2"),
    );
    let src = plan_with(&format!(
        "{DRIVERS}  kpi b2 = bookings {{ target 50_000 EUR\n    drivers n * n * avg_won }}\n"
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_drivers",
            "the drivers of `b2`: `n` is written twice",
        )
        .help("name each driver once")
        .label("here")
        .underlined("n"),
    );
}

#[test]
fn drivers_in_another_unit_are_an_error() {
    // money / money is a number, not money.
    let src = plan_with(&format!(
        "{DRIVERS}  kpi b2 = bookings {{ target 50_000 EUR\n    drivers avg_won / bookings }}\n"
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_drivers_unit",
            "the drivers of `b2` make a number, not money in EUR",
        )
        .help("the drivers multiplied as written must give the KPI's unit, e.g. `opportunities * win_rate * avg_deal` for an amount")
        .label("a number")
        .underlined("avg_won / bookings"),
    );
}

#[test]
fn cause_of_a_kpi_without_drivers_or_of_another_kpi_is_an_error() {
    let src = plan_with(&format!(
        "{DRIVERS}  kpi b2 = bookings {{ target 50_000 EUR\n    drivers n * avg_won }}\n  kpi c = cause_of(b2, quota)\n"
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::not_a_driver",
            "`quota` is not a driver of `b2`",
        )
        .help("the drivers of `b2` are `n`, `avg_won`")
        .label("not in the `drivers` line of `b2`")
        .underlined("quota"),
    );
    let src = plan_with(&format!("{DRIVERS}  kpi c = cause_of(bookings, n)\n"));
    expect(
        &src,
        ExpectedDiag::error("ignition::check::not_a_driver", "`n` is not a driver of `bookings`")
            .help("`bookings` has no `drivers` line: add one to its block, e.g. `drivers opportunities * win_rate * avg_deal`")
            .label("not in the `drivers` line of `bookings`")
            .underlined("n"),
    );
}

#[test]
fn a_comparison_option_that_is_not_one_of_its_words_is_an_error() {
    let src = plan_with("  kpi r = rank(bookings, within: region)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_function_option",
            "`rank(…, within: …)` cannot be `region`",
        )
        .help("write `within: team` (the participants with the same manager) or `within: org` (everyone)")
        .label("here")
        .underlined("region"),
    );
    let src = plan_with("  kpi t = trend(bookings, periods: 1)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_function_option",
            "`trend(…, periods: …)` cannot be `1`",
        )
        .help("write a whole number of periods from 2 to 1000, e.g. `trend(bookings, periods: 4)`")
        .label("here")
        .underlined("1"),
    );
    let src = plan_with(&format!(
        "{DRIVERS}  kpi b2 = bookings {{ target 50_000 EUR\n    drivers n * avg_won }}\n  kpi c = cause_of(b2, n, vs: last_year)\n"
    ));
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::kpi_function_option",
            "`cause_of(…, vs: …)` cannot be `last_year`",
        )
        .help("write `vs: target` (the default) or `vs: prior` (the previous period)")
        .label("here")
        .underlined("last_year"),
    );
    let src = plan_with("  kpi r = rank(bookings * 2, within: org)\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::argument",
            "`rank` takes the name of one KPI",
        )
        .help("write e.g. `rank(win_rate)`")
        .label("not the name of a KPI")
        .underlined("bookings * 2"),
    );
    let src = plan_with("  kpi r = count(deals where rank(bookings, within: org) == 1)\n");
    expect_diag(
        &src,
        "ignition::check::argument",
        "rank(bookings, within: org)",
    );
}

#[test]
fn team_comparisons_need_the_hierarchy() {
    let src = plan_with("  kpi a = team_avg(bookings)\n").replace(
        "participants reps managed by manager_id",
        "participants reps",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::no_hierarchy",
            "`team_avg` needs the participant hierarchy",
        )
        .help("declare it: `participants reps managed by manager_id`")
        .label("no hierarchy")
        .underlined("team_avg(bookings)"),
    );
}

// ---------------------------------------------------------------- issue 10, calendars

fn with_periods(periods: &str) -> String {
    plan_with("").replace("periods quarterly from 2026-01-01 to 2026-12-31", periods)
}

#[test]
fn a_calendar_that_does_not_start_where_its_kind_or_fiscal_year_does_is_an_error() {
    let src =
        with_periods("periods quarterly from 2026-02-01 to 2026-12-31 fiscal year from april");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::calendar_start",
            "with a fiscal year from april, a quarterly calendar starts on the first day of a fiscal quarter, not 2026-02-01",
        )
        .help("start it on the 1st of april, july, october or january, or use a monthly calendar with `qtd`")
        .label("this calendar")
        .underlined("2026-02-01 to 2026-12-31"),
    );
    insta::assert_snapshot!("calendar_start", r);
    let src = with_periods("periods yearly from 2026-01-01 to 2026-12-31 fiscal year from july");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::calendar_start",
            "with a fiscal year from july, a yearly calendar starts on the 1st of july, not 2026-01-01",
        )
        .help("start it on the 1st of july, e.g. `from 2026-07-01`")
        .label("this calendar")
        .underlined("2026-01-01 to 2026-12-31"),
    );
    let src = with_periods("periods semi-monthly from 2026-01-10 to 2026-12-31");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::calendar_start",
            "a semi-monthly calendar starts on the 1st or the 16th of a month, not 2026-01-10",
        )
        .help("start it on 2026-01-01 or 2026-01-16")
        .label("this calendar")
        .underlined("2026-01-10 to 2026-12-31"),
    );
    let src = with_periods("periods monthly starting monday from 2026-01-01 to 2026-12-31");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::calendar_start",
            "`starting monday` is for weekly and biweekly calendars, not monthly",
        )
        .help("remove `starting monday`: monthly periods start on fixed days of the month")
        .label("this calendar")
        .underlined("2026-01-01 to 2026-12-31"),
    );
}

#[test]
fn a_weekday_or_month_that_is_not_one_is_a_parse_error() {
    for (bad, said) in [
        (
            "periods weekly starting mon from 2026-01-05 to 2026-12-31",
            "a weekday (monday … sunday)",
        ),
        (
            "periods monthly from 2026-01-01 to 2026-12-31 fiscal year from apr",
            "a month (january … december)",
        ),
        (
            "periods fortnightly from 2026-01-05 to 2026-12-31",
            "`weekly`, `biweekly`, `semi-monthly`, `monthly`, `quarterly` or `yearly`",
        ),
    ] {
        let all = diags(&with_periods(bad));
        assert!(
            all.iter()
                .any(|d| d.code.starts_with("ignition::parse::") && d.message.contains(said)),
            "{bad}: {}",
            render_plain(&all, 100)
        );
    }
}
