//! Machine-made or hostile plans: every one is a diagnostic or a result, never a crash.

use crate::harness::Test;

fn header() -> &'static str {
    "plan \"x\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n  input r key id { id: text }\n  participants r\n"
}

#[test]
fn a_long_sum_is_checked_not_crashed() {
    let plan = format!("{}  kpi a = {}1\n}}\n", header(), "1 + ".repeat(20_000));
    Test::new().plan(&plan).args(["check", "plan.plan"]).run();
}

#[test]
fn a_huge_expression_is_a_diagnostic() {
    let plan = format!("{}  kpi a = {}1\n}}\n", header(), "1 + ".repeat(200_000));
    Test::new()
        .plan(&plan)
        .args(["check", "plan.plan"])
        .status(1)
        .stderr_has("too large to parse")
        .stderr_lacks("panicked")
        .stderr_lacks("internal error")
        .run();
}

#[test]
fn deep_parentheses_are_a_diagnostic() {
    let plan = format!(
        "{}  kpi a = {}1{}\n}}\n",
        header(),
        "(".repeat(5_000),
        ")".repeat(5_000)
    );
    Test::new()
        .plan(&plan)
        .args(["check", "plan.plan"])
        .status(1)
        .stderr_has("nested more than 200 deep")
        .run();
}

#[test]
fn binary_junk_is_a_diagnostic() {
    let junk: String = (0u32..4000)
        .map(|i| char::from_u32(i * 7 % 0x2FF + 1).unwrap_or('?'))
        .collect();
    Test::new()
        .plan(&junk)
        .args(["check", "plan.plan"])
        .status(1)
        .stderr_lacks("panicked")
        .run();
}

#[test]
fn a_long_plan_checks_whatever_its_size() {
    // 15,000 definitions, each using the one before.
    let mut plan = header().to_string();
    plan.push_str("  kpi k0 = 1\n");
    for i in 1..15_000 {
        plan.push_str(&format!("  kpi k{i} = k{} + 1\n", i - 1));
    }
    plan.push_str("  payout p = 1 EUR * k14999\n}\n");
    Test::new().plan(&plan).args(["check", "plan.plan"]).run();
    // A rate table of 100,000 bands.
    let mut plan = header().to_string();
    plan.push_str("  rates t {\n");
    for i in 0..100_000 {
        plan.push_str(&format!("    {i} .. {} : {}%\n", i + 1, i % 7));
    }
    plan.push_str("  }\n  payout p = 1 EUR * flat(t, 5)\n}\n");
    Test::new().plan(&plan).args(["check", "plan.plan"]).run();
}

#[test]
fn deep_nesting_of_any_kind_is_a_diagnostic() {
    for body in [
        format!("  payout p = 1 EUR * {}1\n", "-".repeat(100_000)),
        format!("  payout p = 1 EUR when {}true\n", "not ".repeat(100_000)),
        format!("  payout p = 1 EUR * x{}\n", ".a".repeat(100_000)),
        format!(
            "  input d {{ a: money  o: text  dt: date }}\n  credit d to o by dt\n  payout p = sum(d where {}true)\n",
            "a > 1 EUR where ".repeat(100_000)
        ),
    ] {
        let plan = format!("{}{body}}}\n", header());
        let out = Test::new()
            .plan(&plan)
            .args(["check", "plan.plan"])
            .status(1)
            .stderr_lacks("panicked")
            .run();
        assert!(
            out.stderr.contains("ignition::parse::too_deep")
                || out.stderr.contains("nested more than 200 deep"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_huge_band_edge_after_percent_bands_is_a_diagnostic() {
    // ../shared/repro/check-rates-gap-percent-overflow.plan: the edge cannot be shown
    // as a percent (×100 overflows); the gap is reported with the edge as written.
    let plan = format!(
        "{}  rates t {{\n    0% .. 50% : 1\n    79228162514264337593543950335 .. : 2\n  }}\n  payout p = 1 EUR * flat(t, 1)\n}}\n",
        header()
    );
    Test::new()
        .plan(&plan)
        .args(["check", "plan.plan"])
        .status(1)
        .stderr_lacks("panicked")
        .stderr_has("79228162514264337593543950335")
        .run();
}

/// issue 9's constructs at sizes no plan has: each is a result or a diagnostic, in time
/// linear in its size (by hand, at 5× these sizes, the times grew about 5×).
#[test]
fn issue_9_constructs_at_hostile_sizes() {
    let head = "plan \"h\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-03-31\n\
                \x20 input reps key id { id: text  quota: money }\n\
                \x20 input deals key deal { deal: text  owner: text  amount: money  day: date }\n\
                \x20 participants reps\n  credit deals to owner by day\n\
                \x20 kpi bookings = sum(deals.amount)\n\
                \x20 kpi attainment: percent = bookings / quota otherwise 0%\n";
    let run = |body: String, extra: Option<(&str, String)>| {
        let mut t = Test::new()
            .plan(&format!("{head}{body}}}\n"))
            .table("reps", "id,quota\nr1,1000\n")
            .table("deals", "deal,owner,amount,day\nd1,r1,1500,2026-02-01\n");
        if let Some((name, csv)) = extra {
            t = t.table(name, &csv);
        }
        t.args(["run", "plan.plan", "--data", ".", "--format", "csv"])
    };
    // `if` nested 199 deep in its `else` and in its `then`: attainment 150%, so
    // else-nesting stops at the first `if attainment >= 150%` (150), and then-nesting at
    // the outermost false condition (189 >= 150 fails: 189).
    let (mut in_else, mut in_then) = ("0 EUR".to_string(), "0 EUR".to_string());
    for i in 0..190 {
        in_else = format!("if attainment >= {i}% then {i} EUR else {in_else}");
        in_then = format!("if attainment >= {i}% then ({in_then}) else {i} EUR");
    }
    run(format!("  payout p = {in_else}\n"), None)
        .stdout_has("r1,2026-Q1,1500.00,1.5,150.00,150.00")
        .run();
    run(format!("  payout p = {in_then}\n"), None)
        .stdout_has("r1,2026-Q1,1500.00,1.5,189.00,189.00")
        .run();
    // 2,000 deep (in the condition too): a diagnostic, not a stack overflow.
    let mut deep = "0 EUR".to_string();
    for i in 0..2000 {
        deep = format!("if (if attainment >= {i}% then true else false) then {i} EUR else {deep}");
    }
    run(format!("  payout p = {deep}\n"), None)
        .status(2)
        .stderr_has("ignition::parse::too_deep")
        .stderr_lacks("panicked")
        .run();
    // A curve of 10,000 points y = 2x: 150% → 300%, × 1,000 EUR = 3,000.
    let points: String = (0..10_000)
        .map(|i| format!("    {i}% : {}%\n", i * 2))
        .collect();
    run(
        format!("  curve c by attainment {{\n    below: zero\n{points}    above: hold\n  }}\n  payout p = interpolate(c, attainment) * 1000 EUR\n"),
        None,
    )
    .stdout_has("r1,2026-Q1,1500.00,1.5,3000.00,3000.00")
    .run();
    // A 100 × 100 grid: rows [0%, 2%) … [198%, 200%), columns [0%, 1%) … [99%, 100%),
    // cell (i, j) = i + j EUR.
    let header: Vec<String> = (0..100).map(|j| format!("{j}% .. {}%", j + 1)).collect();
    let rows: String = (0..100)
        .map(|i| {
            let cells: Vec<String> = (0..100).map(|j| format!("{} EUR", i + j)).collect();
            format!("    {}% .. {}% | {}\n", i * 2, i * 2 + 2, cells.join(" | "))
        })
        .collect();
    // attainment 150% is in row [150%, 152%) (i = 75), m = 50% in column [50%, 51%)
    // (j = 50): 75 + 50 = 125 EUR.
    run(
        format!("  kpi m: percent = 50%\n  rates g by attainment, m {{\n    | {}\n{rows}  }}\n  payout p = lookup(g, attainment, m)\n", header.join(" | ")),
        None,
    )
    .stdout_has("r1,2026-Q1,1500.00,1.5,0.5,125.00,125.00")
    .run();
    // A chain of 300 fns, each adding 1 EUR: 1,500 + 299 = 1,799.
    let chain: String = (1..300)
        .map(|i| format!("  fn f{i}(x) = f{}(x) + 1 EUR\n", i - 1))
        .collect();
    run(
        format!("  fn f0(x) = x\n{chain}  payout p = f299(bookings)\n  floor p at 0 EUR\n"),
        None,
    )
    .stdout_has("r1,2026-Q1,1500.00,1.5,1799.00,1799.00")
    .run();
    // 100,000 rows of one key: by effective date, one a day from 1800-01-01 (rate i % 10):
    // 2026-02-01 is day 82,576 (82,576 % 10 = 6 → 6%), 1,500 × 6% = 90; without dates, the
    // second row is a duplicate (a data error naming it), not a hang.
    let day0 = chrono::NaiveDate::from_ymd_opt(1800, 1, 1).expect("day");
    let dated: String = (0..100_000)
        .map(|i| format!("EMEA,{},{}%\n", day0 + chrono::Days::new(i), i % 10))
        .collect();
    run(
        "  input rr key region effective from from { region: text  from: date  rate: percent }\n  payout p = bookings * rr(\"EMEA\", on: 2026-02-01).rate\n  floor p at 0 EUR\n".into(),
        Some(("rr", format!("region,from,rate\n{dated}"))),
    )
    .stdout_has("r1,2026-Q1,1500.00,1.5,90.00,90.00")
    .run();
    let plain: String = (0..100_000)
        .map(|i| format!("EMEA,{}%\n", i % 10))
        .collect();
    run(
        "  input rr key region { region: text  rate: percent }\n  payout p = bookings * rr(\"EMEA\").rate\n  floor p at 0 EUR\n".into(),
        Some(("rr", format!("region,rate\n{plain}"))),
    )
    .status(2)
    .stderr_has("ignition::data::reference_duplicate")
    .stderr_lacks("panicked")
    .run();
}
