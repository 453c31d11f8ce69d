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
