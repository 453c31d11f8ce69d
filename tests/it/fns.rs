//! Plan parameters and user functions (issue 9, docs/language.md §15): each new diagnostic
//! on bad input, `--set` on `run`, `explain`, `test` and `diff` (exit codes, the what-if),
//! and the explanation of a call and of a param. The figures are worked out in comments.

use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use crate::harness::Test;
use ignition::diagnostics::{render_plain, Diag};

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

fn diags_with(src: &str, sets: &[(&str, &str)]) -> Vec<Diag> {
    let sets: Vec<ignition::check::ParamSet> = sets
        .iter()
        .map(|(n, v)| ignition::check::ParamSet {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect();
    match ignition::compile_str_with("plan.plan", src, &sets) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// The first diagnostic of `expected`'s code, asserted; its rendering.
fn expect_in(all: &[Diag], expected: ExpectedDiag) -> String {
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(all, 100)));
    expected.assert(found);
    render_plain(std::slice::from_ref(found), 100)
}

// ---- parameters ----

#[test]
fn set_of_an_unknown_param_lists_the_params() {
    let src = plan_with(
        "  param top_rate = 15%\n  param kicker = 500 EUR\n  payout k = kicker * top_rate\n",
    );
    expect_in(
        &diags_with(&src, &[("top", "18%")]),
        ExpectedDiag::error(
            "ignition::check::set_unknown",
            "`--set top=…`: the plan has no param `top`",
        )
        .help("did you mean `top_rate`? the plan's params are: top_rate, kicker")
        .label("this plan")
        .underlined("\"Diag\""),
    );
    // A plan without params says how to declare one.
    expect_in(
        &diags_with(&plan_with(""), &[("top", "18%")]),
        ExpectedDiag::error(
            "ignition::check::set_unknown",
            "`--set top=…`: the plan has no param `top`",
        )
        .help("this plan declares no param; declare one with `param NAME = VALUE`")
        .label("this plan")
        .underlined("\"Diag\""),
    );
}

#[test]
fn set_value_must_be_a_literal_of_the_params_type_and_unit() {
    let src = plan_with("  param top_rate = 15%\n  payout k = bookings * top_rate\n");
    let help = "write it as in the plan, e.g. `--set top_rate=15%`";
    for (value, problem) in [
        ("18", "the param is a percent, this is an integer"),
        ("18 USD", "the param is a percent, this is money in USD"),
        ("eighteen", "not a value written as in a plan"),
        ("18% + 1%", "not a value written as in a plan"),
    ] {
        expect_in(
            &diags_with(&src, &[("top_rate", value)]),
            ExpectedDiag::error(
                "ignition::check::set_value",
                &format!("`--set top_rate={value}`: {problem}"),
            )
            .help(help)
            .label("the param is declared here")
            .underlined("param top_rate = 15%"),
        );
    }
    // An amount in another currency than the param's.
    let src = plan_with("  param kicker = 500 EUR\n  payout k = kicker\n");
    expect_in(
        &diags_with(&src, &[("kicker", "700 USD")]),
        ExpectedDiag::error(
            "ignition::check::set_value",
            "`--set kicker=700 USD`: the param is money in EUR, this is money in USD",
        )
        .help("write it as in the plan, e.g. `--set kicker=500 EUR`")
        .label("the param is declared here")
        .underlined("param kicker = 500 EUR"),
    );
    // Good values of each kind check.
    let src = plan_with(
        "  param n = 2.5\n  param d = 2026-03-31\n  param t = \"EMEA\"\n  param b = false\n  \
         kpi uses = n * 1 otherwise 0\n  kpi day = d\n  kpi text = t\n  kpi yes = b\n",
    );
    let all = diags_with(
        &src,
        &[
            ("n", "3"),
            ("d", "2026-06-30"),
            ("t", "\"APAC\""),
            ("b", "true"),
        ],
    );
    assert!(
        all.iter().all(|d| !d.is_error()),
        "{}",
        render_plain(&all, 100)
    );
}

#[test]
fn a_band_edge_that_names_no_param_is_a_band_value_error() {
    let src = plan_with(
        "  rates r by attainment {\n    0% .. cutoff : 1%\n    cutoff .. : 2%\n  }\n  \
         kpi k = flat(r, attainment)\n",
    );
    expect_in(
        &diags(&src),
        ExpectedDiag::error(
            "ignition::check::band_value",
            "`cutoff` is not a param: a band edge or value is a constant",
        )
        .help("write a literal (`150%`) or declare `param cutoff = …`")
        .label("not a param")
        .underlined("cutoff"),
    );
}

#[test]
fn a_param_set_on_the_command_line_moves_a_band_edge_and_the_band_checks_see_it() {
    // With `cutoff` at 150%, the first band [0%, 150%) and the next [150%, 100%) is empty.
    let src = plan_with(
        "  param cutoff = 100%\n  rates r by attainment {\n    0% .. cutoff : 1%\n    cutoff .. 200% : 2%\n  }\n  \
         kpi k = flat(r, attainment)\n",
    );
    assert!(diags(&src).iter().all(|d| !d.is_error()));
    let all = diags_with(&src, &[("cutoff", "250%")]);
    assert!(
        all.iter().any(|d| d.code == "ignition::check::band_order"),
        "{}",
        render_plain(&all, 100)
    );
}

// ---- functions ----

#[test]
fn a_body_that_reads_a_definition_says_to_pass_it_as_an_argument() {
    let src = plan_with("  fn f(x) = x / quota\n  kpi k = f(bookings)\n");
    let r = expect_in(
        &diags(&src),
        ExpectedDiag::error(
            "ignition::check::fn_reads",
            "the body of `f` reads the definition `quota`",
        )
        .help("a function reads only its parameters: pass it as an argument (add a parameter to `f` and give `quota` at the call)")
        .label("not a parameter of `f`")
        .underlined("quota"),
    );
    insta::assert_snapshot!("fn_reads_a_definition", r);
    // A roster column, the rows of an input, and another scope are reported the same way.
    for (body, what) in [
        ("annual_quota * x", "the roster column `annual_quota`"),
        ("sum(deals.amount) * x", "the rows of `deals`"),
        ("ytd(x)", "other periods or people with `ytd(…)`"),
    ] {
        let src = plan_with(&format!("  fn f(x) = {body}\n  kpi k = f(bookings)\n"));
        let all = diags(&src);
        let d = all
            .iter()
            .find(|d| d.code == "ignition::check::fn_reads")
            .unwrap_or_else(|| panic!("{body}: {}", render_plain(&all, 100)));
        assert_eq!(d.message, format!("the body of `f` reads {what}"), "{body}");
    }
}

#[test]
fn recursion_names_the_cycle_once() {
    let src =
        plan_with("  fn a(x) = b(x) + 1\n  fn b(x) = a(x) * 2\n  fn c(x) = c(x)\n  kpi k = a(1)\n");
    let all = diags(&src);
    let cycles: Vec<&str> = all
        .iter()
        .filter(|d| d.code == "ignition::check::fn_recursion")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        cycles,
        [
            "functions cannot call themselves: a → b → a",
            "functions cannot call themselves: c → c"
        ],
        "{}",
        render_plain(&all, 100)
    );
    expect_in(
        &all,
        ExpectedDiag::error(
            "ignition::check::fn_recursion",
            "functions cannot call themselves: a → b → a",
        )
        .help(
            "a function is a formula, not a loop: write the repeated step out, or use a rate table",
        )
        .label("calls `a` again")
        // found checking `a`'s body: the call of `b` in it is the way round the cycle
        .label("in this call of `b`")
        .underlined("a"),
    );
}

#[test]
fn a_typed_parameter_takes_only_its_type_pointing_at_the_argument_and_the_type() {
    let src = plan_with(
        "  fn share(amount: money, rate: percent) = amount * rate\n  kpi k = share(5%, 2%)\n",
    );
    let r = expect_in(
        &diags(&src),
        ExpectedDiag::error(
            "ignition::check::fn_argument",
            "`share` takes `amount` as money in EUR, but this is a percent",
        )
        .help("pass money in EUR, or change the type of `amount`")
        .label("a percent")
        .label("declared here")
        .underlined("5%"),
    );
    insta::assert_snapshot!("fn_argument_type", r);
}

#[test]
fn a_unit_error_in_a_body_points_at_the_body_and_at_the_call() {
    // `double(x) = x + 100 EUR` is fine for an amount and wrong for a percent.
    let src = plan_with(
        "  fn bump(x) = x + 100 EUR\n  kpi ok = bump(bookings)\n  kpi bad = bump(attainment)\n",
    );
    let all = diags(&src);
    let d = all
        .iter()
        .find(|d| d.code == "ignition::check::units")
        .unwrap_or_else(|| panic!("{}", render_plain(&all, 100)));
    let texts: Vec<(&str, &str)> = d
        .labels
        .iter()
        .map(|(s, t)| (&src[s.offset()..s.offset() + s.len()], t.as_str()))
        .collect();
    assert_eq!(texts[0].0, "x + 100 EUR");
    assert_eq!(texts[1], ("bump(attainment)", "in this call of `bump`"));
    insta::assert_snapshot!(
        "fn_body_unit_error_at_a_call",
        render_plain(std::slice::from_ref(d), 100)
    );
}

#[test]
fn arity_unknown_and_builtin_names_are_reported_like_the_builtins() {
    let src = plan_with("  fn clamp(x, lo, hi) = min(max(x, lo), hi)\n  kpi a = clamp(1, 2)\n");
    expect_in(
        &diags(&src),
        ExpectedDiag::error(
            "ignition::check::argument",
            "`clamp` needs its `hi` argument",
        )
        .help("`clamp` takes: x, lo, hi")
        .label("missing argument")
        .underlined("clamp(1, 2)"),
    );
    let src =
        plan_with("  fn clamp(x, lo, hi) = min(max(x, lo), hi)\n  kpi a = clamp(1, 2, 3, 4)\n");
    expect_in(
        &diags(&src),
        ExpectedDiag::error(
            "ignition::check::argument",
            "`clamp` takes at most 3 arguments",
        )
        .help("`clamp` takes: x, lo, hi")
        .label("one too many")
        .underlined("4"),
    );
    let src =
        plan_with("  fn clamp(x, lo, hi) = min(max(x, lo), hi)\n  kpi a = clamp(1, 2, top: 3)\n");
    expect_in(
        &diags(&src),
        ExpectedDiag::error("ignition::check::argument", "`clamp` has no argument `top`")
            .help("`clamp` takes: x, lo, hi")
            .label("unknown argument")
            .underlined("top"),
    );
    let src = plan_with("  fn clamp(x, lo, hi) = min(max(x, lo), hi)\n  kpi a = clmap(1, 2, 3)\n");
    let all = diags(&src);
    let d = all
        .iter()
        .find(|d| d.code == "ignition::check::unknown_function")
        .expect("unknown function");
    assert_eq!(d.help.as_deref(), Some("did you mean `clamp`?"));
    let src = plan_with("  fn sum(x) = x\n");
    expect_in(
        &diags(&src),
        ExpectedDiag::error(
            "ignition::check::fn_builtin",
            "`sum` is a built-in function",
        )
        .help("give the function another name")
        .label("the name of a built-in function")
        .underlined("sum"),
    );
}

// ---- the command line ----

const PLAN: &str = r#"plan "What-if" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-03-31

  input reps key id {
    id: text
    quota: money >= 0
  }
  input deals {
    owner: text
    amount: money >= 0
    closed: date
  }
  participants reps
  credit deals to owner by closed

  param top_rate = 15%
  param kicker = 500 EUR

  fn clamp(x, lo, hi) = min(max(x, lo), hi)
  fn share(amount: money, rate: percent) = amount * rate

  rates tiers by attainment {
    0%   .. 100% : 10%
    100% ..      : top_rate
  }

  kpi bookings = sum(deals.amount)
  kpi attainment: percent = bookings / quota
  payout commission = share(bookings, flat(tiers, clamp(attainment, 0%, 150%)))
  payout bonus = kicker when attainment >= 100%
}
"#;

const REPS: &str = "id,quota\nr1,100000\nr2,100000\n";
const DEALS: &str = "owner,amount,closed\nr1,120000,2026-02-01\nr2,50000,2026-02-02\n";

fn what_if() -> Test {
    Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
}

#[test]
fn run_with_set_uses_the_new_values_in_bands_and_values() {
    // r1: 120,000 / 100,000 = 120% → band [100%, …) → top_rate.
    //   plan:  15% × 120,000 = 18,000 + kicker 500 = 18,500
    //   --set top_rate=18% kicker=700 EUR: 18% × 120,000 = 21,600 + 700 = 22,300
    // r2: 50% → 10% × 50,000 = 5,000 either way, no kicker.
    what_if()
        .args(["run", "plan.plan", "--data", ".", "--format", "csv"])
        .stdout_has("r1,2026-Q1,120000.00,1.2,18000.00,500.00,18500.00")
        .run();
    what_if()
        .args([
            "run",
            "plan.plan",
            "--data",
            ".",
            "--format",
            "csv",
            "--set",
            "top_rate=18%",
            "--set",
            "kicker=700 EUR",
        ])
        .stdout_has("r1,2026-Q1,120000.00,1.2,21600.00,700.00,22300.00")
        .stdout_has("r2,2026-Q1,50000.00,0.5,5000.00,0.00,5000.00")
        .run();
}

#[test]
fn a_bad_set_is_an_error_with_exit_2_naming_the_params() {
    what_if()
        .args(["run", "plan.plan", "--data", ".", "--set", "top=18%"])
        .status(2)
        .stderr_has("ignition::check::set_unknown")
        .stderr_has("the plan's params are: top_rate, kicker")
        .run();
    what_if()
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "--set",
            "top_rate=18",
        ])
        .status(2)
        .stderr_has("`--set top_rate=18`: the param is a percent, this is an integer")
        .run();
    what_if()
        .args([
            "diff",
            "plan.plan",
            "--data",
            ".",
            "--set",
            "kicker=\"700\"",
        ])
        .status(2)
        .stderr_has("ignition::check::set_value")
        .run();
    // Not NAME=VALUE: the command line itself is wrong.
    what_if()
        .args(["run", "plan.plan", "--data", ".", "--set", "top_rate"])
        .status(2)
        .stderr_has("write NAME=VALUE")
        .run();
}

#[test]
fn diff_of_one_plan_with_set_prices_the_what_if() {
    // Only r1 moves: commission 18,000 → 21,600 (+3,600); the total cost
    // 18,500 + 5,000 = 23,500 → 22,100 + 5,000 = 27,100 (+3,600, 3,600 / 23,500 = 15.32%).
    what_if()
        .args(["diff", "plan.plan", "--data", ".", "--set", "top_rate=18%"])
        .stdout_has(
            "r1           2026-Q1  commission  18,000.00 EUR  21,600.00 EUR  3,600.00 EUR      20%",
        )
        .stdout_has("total cost: 23,500.00 EUR → 27,100.00 EUR (+3,600.00 EUR, 15.32%)")
        .run();
    // Without --set, --new-data or a second plan there is nothing to compare.
    what_if()
        .args(["diff", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("--set NAME=VALUE")
        .run();
}

#[test]
fn test_with_set_runs_the_plan_tests_with_the_new_value() {
    let tests = r#"tests for "plan.plan"

test "r1 at the top rate" {
  data reps = "reps.csv"
  data deals = "deals.csv"
  // 15% × 120,000 = 18,000
  expect commission for "r1" in 2026-Q1 == 18000 EUR
}
"#;
    what_if()
        .file("plan.test.plan", tests)
        .args(["test", "plan.test.plan"])
        .stdout_has("1 passed, 0 failed")
        .run();
    // With top_rate at 18% the expectation fails: 18% × 120,000 = 21,600.
    what_if()
        .file("plan.test.plan", tests)
        .args(["test", "plan.test.plan", "--set", "top_rate=18%"])
        .status(1)
        .stdout_has("0 passed, 1 failed")
        .run();
    what_if()
        .file("plan.test.plan", tests)
        .args(["test", "plan.test.plan", "--set", "nope=1"])
        .status(2)
        .run();
}

#[test]
fn explain_shows_the_call_its_arguments_the_body_and_each_params_origin() {
    let o = what_if()
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "--set",
            "top_rate=18%",
        ])
        .run();
    insta::assert_snapshot!("explain_fn_call_and_set_param", o.stdout);
    let o = what_if()
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "bonus",
            "--format",
            "json",
        ])
        .run();
    insta::assert_snapshot!("explain_param_json", o.stdout);
}

#[test]
fn calls_that_multiply_are_bounded_before_any_data_is_read() {
    // f1 calls f0 twice, f2 calls f1 twice, …: f_n makes 2^(n+1) - 2 calls. f13 makes
    // 2^14 - 2 = 16,382, and calling it is one more: 16,383 > 10,000.
    let fns: String = (1..=20)
        .map(|i| format!("  fn f{i}(x) = f{}(x) + f{}(x)\n", i - 1, i - 1))
        .collect();
    let src = plan_with(&format!(
        "  fn f0(x) = x\n{fns}  kpi deep = f20(bookings)\n"
    ));
    let started = std::time::Instant::now();
    expect_in(
        &diags(&src),
        ExpectedDiag::error(
            "ignition::check::fn_calls",
            "`f13` would call functions 16383 times; at most 10000 calls a value",
        )
        .help("compute the repeated part once, as a `let`, and pass it as an argument")
        .label("too many calls")
        .underlined("f13(x)"),
    );
    assert!(
        started.elapsed().as_secs() < 10,
        "checking took {:?}",
        started.elapsed()
    );
}

#[test]
fn an_unused_param_or_function_is_a_warning() {
    let src = plan_with("  param spare = 5%\n  fn helper(x) = x * 2\n");
    let all = diags(&src);
    expect_in(
        &all,
        ExpectedDiag::warning("ignition::check::unused", "param `spare` is never used")
            .help("read it in a definition or a rate table, or remove it (`--set` cannot change what nothing reads)")
            .label("unused")
            .underlined("spare"),
    );
    let f = all
        .iter()
        .find(|d| d.message == "function `helper` is never called")
        .unwrap_or_else(|| panic!("{}", render_plain(&all, 100)));
    assert_eq!(f.help.as_deref(), Some("call it, or remove it"));
}

#[test]
fn hostile_set_values_are_errors_not_crashes() {
    // Each is refused with exit 2 (the harness also fails on any panic or internal error).
    for v in [
        "top_rate=",
        "top_rate=99999999999999999999999999999999999%",
        "top_rate=\"x",
        "top_rate=2026-02-30",
        "top_rate=18% // c",
        "top_rate=(18%)",
        "top_rate=top_rate",
        "=5",
    ] {
        what_if()
            .args(["run", "plan.plan", "--data", ".", "--set", v])
            .status(2)
            .run();
    }
}
