//! issue 10, ledger: `prior(x, opening: …)` (recursion over time), `paid_to_date`, draws and
//! true-ups. Bad inputs (code, message, help, underlined text), and explain of the chain
//! back to the opening on the example plan `plans/ae-draw`.

use crate::common::{ignition, outcome};
use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use ignition::diagnostics::{render_plain, Diag};

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

fn expect(src: &str, expected: ExpectedDiag) -> String {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
    render_plain(std::slice::from_ref(found), 100)
}

#[test]
fn a_balance_with_an_opening_checks_clean() {
    let src = plan_with(
        "  kpi owed = prior(owed, opening: 0 EUR) + bookings - recovered\n  \
         kpi recovered = min(prior(owed, opening: 0 EUR), 100 EUR)\n",
    );
    let errors: Vec<Diag> = diags(&src).into_iter().filter(Diag::is_error).collect();
    assert!(errors.is_empty(), "{}", render_plain(&errors, 100));
}

#[test]
fn a_recursive_prior_without_an_opening_is_an_error_naming_the_path() {
    let src = plan_with("  kpi owed = prior(recovered) + bookings\n  kpi recovered = owed * 10%\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::recursive_prior",
            "`recovered` reads its own previous value (recovered → owed → recovered) without an opening value",
        )
        .help("give the value before the first period: `prior(recovered, opening: 0 EUR)`, or a roster column holding it")
        .label("no `opening:` for the first period")
        .underlined("prior(recovered)"),
    );
    insta::assert_snapshot!("ledger_recursive_prior", r);
}

#[test]
fn a_recursive_prior_of_an_expression_is_an_error() {
    let src = plan_with("  kpi owed = prior(owed * 2, opening: 0 EUR) + bookings\n");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::recursive_prior",
            "a definition that reads its own previous value is named alone in `prior`",
        )
        .help("read the definition alone and compute with the result, e.g. `prior(balance, opening: 0 EUR) * 2`")
        .label("not a name alone")
        .underlined("owed * 2"),
    );
}

#[test]
fn a_same_period_cycle_through_a_recursive_group_is_still_a_cycle() {
    let src = plan_with("  kpi a = b + prior(a, opening: 0 EUR)\n  kpi b = a * 2\n");
    let all = diags(&src);
    let cycle = all
        .iter()
        .find(|d| d.code == "ignition::check::cycle")
        .unwrap_or_else(|| panic!("{}", render_plain(&all, 100)));
    assert!(
        cycle.message.contains("a → b → a") || cycle.message.contains("b → a → b"),
        "{}",
        cycle.message
    );
}

#[test]
fn period_total_of_a_recursive_value_is_an_error() {
    let src = plan_with(
        "  kpi a = prior(a, opening: 0 EUR) + bookings\n  kpi share = a / period_total(a) otherwise 0%\n  \
         kpi b = prior(b, opening: 0 EUR) + period_total(c)\n  kpi c = prior(b, opening: 0 EUR) * 2\n",
    );
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::lag_wide",
            "`period_total` reads `c` in later periods, but it is computed period by period (c → b → c)",
        )
        .help("sum the periods so far with `ytd(…)`, or compute the total from values that do not read their own previous value")
        .label("reads every period")
        .underlined("period_total(c)"),
    );
    insta::assert_snapshot!("ledger_lag_wide", r);
    // `share` reads `period_total(a)` from outside `a`'s group: allowed.
    assert!(!diags(&src)
        .iter()
        .any(|d| d.code == "ignition::check::lag_wide" && d.message.contains("`a`")));
}

#[test]
fn an_opening_of_another_unit_is_an_error() {
    let src = plan_with("  kpi growth = bookings - prior(bookings, opening: 0)\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::opening_type",
            "the opening value is an integer, but `bookings` is money in EUR",
        )
        .help("give the opening in the unit of the value, e.g. `opening: 0 EUR` for an amount")
        .label("the value in the first period")
        .underlined("0"),
    );
    insta::assert_snapshot!("ledger_opening_type", r);
}

#[test]
fn paid_to_date_of_something_else_than_a_payout_is_an_error() {
    let src = plan_with("  payout true_up = bookings - paid_to_date(bookings) may be negative\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::paid_target",
            "`paid_to_date` reads what a payout paid; `bookings` is not a payout",
        )
        .help("name a payout alone, one of: commission, true_up")
        .label("not a payout")
        .underlined("bookings"),
    );
    insta::assert_snapshot!("ledger_paid_target", r);
    let src =
        plan_with("  let x = deals where amount > paid_to_date(commission)\n  kpi n = count(x)\n");
    assert!(diags(&src)
        .iter()
        .any(|d| d.code == "ignition::check::argument"));
}

const AE: &str = "plans/ae-draw/plan.plan";

fn explain(participant: &str, period: &str, names: &[&str], format: &str) -> String {
    let out = outcome(
        ignition()
            .args(["explain", AE, "--data", "plans/ae-draw/data"])
            .args(["--participant", participant, "--period", period])
            .args(["--format", format])
            .args(names),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn explain_shows_the_chain_back_to_the_opening() {
    // r1 in December: 15,800 owed (13,800 before, + a 2,000 draw), forgiven at the year
    // end. The chain lists November back to August, leaves 5 periods out, then February,
    // January and the opening (0 EUR, the roster column `owed_at_start`).
    let text = explain("r1", "2026-12", &["draw_balance"], "text");
    assert!(text.contains("… 5 periods …"), "{text}");
    insta::assert_snapshot!("ledger_ae_r1_dec_draw_balance", text);
    // r3 in January: the opening, 500 EUR owed when the plan starts.
    insta::assert_snapshot!(
        "ledger_ae_r3_jan_draw_balance",
        explain("r3", "2026-01", &["draw_balance"], "text")
    );
}

#[test]
fn explain_shows_what_was_paid_before_a_true_up() {
    // r2 in June: paid before = 3,600 (January's commission) + 600 (March's true-up).
    let text = explain("r2", "2026-06", &["true_up"], "text");
    insta::assert_snapshot!("ledger_ae_r2_jun_true_up", text);
    let json: serde_json::Value =
        serde_json::from_str(&explain("r2", "2026-06", &["paid_before"], "json")).expect("json");
    let s = json.to_string();
    assert!(s.contains("\"kind\":\"paid_to_date\""), "{s}");
    assert!(
        s.contains("\"period\":\"2026-03\",\"value\":\"600\""),
        "{s}"
    );
}

// ---------------------------------------------------------------- the history of what was paid

const HISTORY_INPUT: &str = "  input payments {\n    rep_id: text\n    period: text\n    component: text\n    amount: money\n  }\n";

#[test]
fn paid_from_names_an_input_with_the_columns_of_a_history() {
    // The roster is not a history.
    let src = plan_with("  paid from reps\n");
    let r = expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::paid_table",
            "`reps` cannot be the history of what was paid: it is the roster or credited",
        )
        .help("declare the history as an input of its own: one row per participant, period and component")
        .label("the roster or a credited table")
        .underlined("reps"),
    );
    insta::assert_snapshot!("ledger_paid_table", r);
    // `amount` must be money, `component` is missing.
    let src = plan_with(
        "  input payments {\n    rep_id: text\n    period: text\n    amount: integer\n  }\n  paid from payments\n",
    );
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::paid_table",
            "the history of what was paid `payments` needs the columns component: text, amount: money in EUR",
        )
        .help("declare `rep_id: text` (the participant), `period: text` (its name, e.g. 2026-03), `component: text` (a payout's name) and `amount: money`, none optional")
        .label("declared here")
        .underlined("payments"),
    );
    // Declared twice.
    let src = plan_with(&format!(
        "{HISTORY_INPUT}  paid from payments\n  paid from payments\n"
    ));
    assert!(diags(&src)
        .iter()
        .any(|d| d.code == "ignition::check::duplicate"));
    // A proper one checks clean, and `payments` is not unused.
    let src = plan_with(&format!("{HISTORY_INPUT}  paid from payments\n"));
    let found: Vec<Diag> = diags(&src)
        .into_iter()
        .filter(|d| d.message.contains("payments"))
        .collect();
    assert!(found.is_empty(), "{}", render_plain(&found, 100));
}

#[test]
fn a_history_row_naming_what_the_plan_does_not_have_is_a_data_error() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan = dir.path().join("plan.plan");
    std::fs::write(
        &plan,
        plan_with(&format!(
            "{HISTORY_INPUT}  paid from payments\n  payout true_up = bookings - paid_to_date(commission) may be negative\n"
        )),
    )
    .expect("written");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("written");
    };
    write(
        "reps.csv",
        "rep_id,manager_id,annual_quota,start_date\nr1,,400000,2025-01-01\n",
    );
    write("deals.csv", "deal_id,owner,amount,close_date,stage\n");
    // Line 2 names a payout the plan does not have (a typo), line 3 a period it does not
    // have, line 4 a participant not in the roster.
    write(
        "payments.csv",
        "rep_id,period,component,amount\nr1,2026-Q1,comission,100\nr1,2026-Q5,commission,100\nr9,2026-Q1,commission,100\n",
    );
    let out = outcome(
        ignition()
            .arg("run")
            .arg(&plan)
            .arg("--data")
            .arg(dir.path()),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let stderr = out.stderr.replace("\n  │ ", " ");
    for want in [
        "payments.csv:2: the history of what was paid names the payout `comission`, which the plan does not have",
        "did you mean `commission`?",
        "payments.csv:3: the history of what was paid names the period `2026-Q5`",
        "name a period of the plan's calendar, e.g. 2026-Q1",
        "payments.csv:4: the history of what was paid names the participant `r9`",
        "ignition::data::paid_unknown",
    ] {
        assert!(stderr.contains(want), "{want}\n{}", out.stderr);
    }
}

#[test]
fn explain_marks_the_amounts_of_the_history() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan = dir.path().join("plan.plan");
    std::fs::write(
        &plan,
        plan_with(&format!(
            "{HISTORY_INPUT}  paid from payments\n  kpi paid_before = paid_to_date(commission)\n"
        )),
    )
    .expect("written");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("written");
    };
    write(
        "reps.csv",
        "rep_id,manager_id,annual_quota,start_date\nr1,,400000,2025-01-01\n",
    );
    write("deals.csv", "deal_id,owner,amount,close_date,stage\n");
    write(
        "payments.csv",
        "rep_id,period,component,amount\nr1,2026-Q1,commission,100\nr1,2026-Q1,commission,25.50\n",
    );
    let out = outcome(
        ignition()
            .arg("explain")
            .arg(&plan)
            .arg("--data")
            .arg(dir.path())
            .args(["--participant", "r1", "--period", "2026-Q3", "paid_before"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Q1 from the history (100 + 25.50, two rows); Q2 the plan's own commission (0: no deals).
    assert!(
        out.stdout
            .contains("paid before in this plan year: 2026-Q1 125.50 EUR (")
            && out.stdout.contains("payments.csv) + 2026-Q2 0.00 EUR"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("paid_before = 125.50 EUR"),
        "{}",
        out.stdout
    );
}
