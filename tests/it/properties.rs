//! Invariants over generated data: caps never raise a payout, floors never lower one,
//! results do not depend on the order of input rows, and an explanation equals the run
//! and its parts add up (also on plans with issue 9's if/else, computed column and curve).

use ignition::data::{self, Sources};
use ignition::eval;
use ignition::ir::{DefId, Value};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn plan(limits: &str) -> String {
    format!(
        r#"plan "P" {{
  currency EUR
  periods quarterly from 2026-01-01 to 2026-12-31
  input reps key id {{ id: text  boss: text?  quota: money }}
  input deals key deal {{ deal: text  owner: text  amount: money  day: date  won: bool }}
  participants reps managed by boss
  credit deals to owner by day
  let wins = deals where won
  kpi bookings = sum(wins.amount)
  kpi attainment: percent = bookings / (quota / 4) otherwise 0%
  rates r by attainment {{ 0% .. 50% : 2%  50% .. 100% : 8%  100% .. : 12% }}
  payout commission = marginal(r, bookings, per: quota / 4)
  payout override = 1% * team(bookings)
{limits}
}}
"#
    )
}

/// Evaluate a plan on generated rows; returns (participant, period, name) → value.
fn run(
    plan_text: &str,
    deals: &[(usize, i64, u32, bool)],
) -> Vec<(String, String, String, Decimal)> {
    let checked = ignition::compile_str("p.plan", plan_text).expect("plan checks");
    let dir = tempfile::tempdir().expect("temp dir");
    let reps = "id,boss,quota\nm,,400000.00\na,m,300000.00\nb,m,250000.00\n";
    std::fs::write(dir.path().join("reps.csv"), reps).expect("write");
    write_deals(dir.path(), deals);
    let sources = Sources::from_args(&[dir.path().display().to_string()]);
    let (data, _) =
        data::load(&checked.plan, &sources, data::Options::default()).expect("data loads");
    let results = eval::evaluate(&checked.plan, &data);
    let mut out = Vec::new();
    for (d, def) in DefId::all(checked.plan.defs.len()).zip(&checked.plan.defs) {
        for p in 0..data.roster.len() {
            for (k, period) in checked.plan.calendar.periods.iter().enumerate() {
                if let Ok(Value::Num(n)) = results.get(d, p, k) {
                    out.push((
                        data.roster.ids[p].clone(),
                        period.id.clone(),
                        def.name.clone(),
                        n.approx(),
                    ));
                }
            }
        }
    }
    out
}

/// Generated deals as `deals.csv` in `dir`: owner index, amount in cents, day of 2026, won.
fn write_deals(dir: &std::path::Path, deals: &[(usize, i64, u32, bool)]) {
    let mut csv = String::from("deal,owner,amount,day,won\n");
    for (i, (owner, cents, day, won)) in deals.iter().enumerate() {
        let owner = ["m", "a", "b"][owner % 3];
        let date = chrono::NaiveDate::from_yo_opt(2026, 1 + day % 365).expect("day of 2026");
        csv.push_str(&format!(
            "d{i},{owner},{},{date},{won}\n",
            Decimal::new(*cents, 2)
        ));
    }
    std::fs::write(dir.join("deals.csv"), csv).expect("write");
}

fn get(values: &[(String, String, String, Decimal)], p: &str, k: &str, name: &str) -> Decimal {
    values
        .iter()
        .find(|(a, b, c, _)| a == p && b == k && c == name)
        .map(|v| v.3)
        .unwrap_or_else(|| panic!("no {name} for {p} {k}"))
}

fn deals() -> impl Strategy<Value = Vec<(usize, i64, u32, bool)>> {
    prop::collection::vec(
        (0usize..3, -500_000i64..40_000_000, 0u32..365, any::<bool>()),
        0..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_cap_never_raises_a_payout(rows in deals(), cap in 0i64..5_000_000) {
        let cap = Decimal::new(cap, 2);
        let free = run(&plan(""), &rows);
        let capped = run(&plan(&format!("  cap commission at {cap} EUR\n  cap total at {cap} EUR")), &rows);
        for p in ["m", "a", "b"] {
            for k in ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] {
                let before = get(&free, p, k, "commission");
                let after = get(&capped, p, k, "commission");
                prop_assert!(after <= before);
                prop_assert_eq!(after, before.min(cap));
                prop_assert!(get(&capped, p, k, "total") <= get(&free, p, k, "total"));
                prop_assert!(get(&capped, p, k, "total") <= cap);
            }
        }
    }

    #[test]
    fn a_floor_never_lowers_a_payout(rows in deals(), floor in 0i64..5_000_000) {
        let floor = Decimal::new(floor, 2);
        let free = run(&plan(""), &rows);
        let floored = run(&plan(&format!("  floor total at {floor} EUR")), &rows);
        for p in ["m", "a", "b"] {
            for k in ["2026-Q1", "2026-Q4"] {
                let before = get(&free, p, k, "total");
                prop_assert_eq!(get(&floored, p, k, "total"), before.max(floor));
            }
        }
    }

    #[test]
    fn row_order_does_not_change_any_value(rows in deals(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed (Fisher–Yates with an LCG).
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        // Deal ids follow the row, so renumber by content to compare like with like.
        let a = run(&plan(""), &rows);
        let b = run(&plan(""), &shuffled);
        prop_assert_eq!(a, b);
    }
}

/// A plan assembled from optional parts, so the explanation property covers many shapes.
fn generated_plan(cap: bool, gate: bool, floor: bool, flat: bool, issue9: bool) -> String {
    generated_plan_with(cap, gate, floor, flat, issue9, false)
}

/// issue 10, ledger: with `ledger`, a recoverable draw carried in a balance (`prior(…,
/// opening: …)`, a recursive group) and a true-up reading its own `paid_to_date`.
fn generated_plan_with(
    cap: bool,
    gate: bool,
    floor: bool,
    flat: bool,
    issue9: bool,
    ledger: bool,
) -> String {
    let mut extra = String::new();
    if ledger {
        extra.push_str(
            "  payout draw = max(1000 EUR - commission, 0 EUR)\n\
             \x20 let owed_before = prior(owed, opening: 0 EUR)\n\
             \x20 payout recovery = -min(owed_before, max(commission - 1000 EUR, 0 EUR) * 50%) may be negative\n\
             \x20 kpi owed = owed_before + draw + recovery\n\
             \x20 kpi owed_doubled = prior(owed, opening: 5 EUR) * 2\n\
             \x20 kpi paid_before = paid_to_date(commission) + paid_to_date(true_up)\n\
             \x20 payout true_up = ytd(bookings) * 3% - paid_before - commission when is_quarter_end() may be negative\n",
        );
    }
    if issue9 {
        // issue 9: an aggregate over a computed column holding an `if`, an aggregate over
        // an `if` of each row, an `if` payout with an `else if`, and a curve.
        extra.push_str(
            "  kpi weighted = sum(deals.weighted)\n\
             \x20 kpi big_wins = sum(wins, if amount >= 100000 EUR then amount else 0 EUR)\n\
             \x20 payout tiered = if attainment >= 100% then bookings * 1%\n\
             \x20   else if attainment >= 50% then bookings * 0.5% else 0 EUR\n\
             \x20 curve f by attainment {\n    below: zero\n    0% : 0%\n    100% : 100%\n    150% : 200%\n    above: hold\n  }\n\
             \x20 payout curve_part = interpolate(f, attainment) * 1000 EUR\n",
        );
    }
    if flat {
        extra.push_str("  payout flat_part = flat(r, attainment) * bookings\n");
    }
    extra.push_str("  kpi ytd_bookings = ytd(bookings)\n  kpi big = count(deals where amount >= 100000 EUR and won)\n");
    // issue 10, calendars: a `qtd` node inside an operation.
    extra.push_str("  kpi qtd_twice = qtd(bookings) * 2\n");
    let gate = if gate { " when attainment >= 25%" } else { "" };
    let mut limits = String::new();
    if cap {
        limits.push_str("  cap total at quota / 20\n");
    }
    if floor {
        limits.push_str("  floor commission at 10 EUR\n");
    }
    let text = plan(&format!(
        "{extra}  payout bonus = 50 EUR * big{gate}\n{limits}"
    ));
    if issue9 {
        text.replace(
            "won: bool }",
            "won: bool  let weighted = if won then amount * 2 else amount / 2 }",
        )
    } else {
        text
    }
}

fn explain_all(plan_text: &str, deals: &[(usize, i64, u32, bool)]) -> Result<(), TestCaseError> {
    explain_with(plan_text, |dir| write_deals(dir, deals))
}

/// [`explain_all`] with more files beside `reps.csv` and `deals.csv` (issue 10, splits).
fn explain_all_with(
    plan_text: &str,
    deals: &[(usize, i64, u32, bool)],
    files: &[(&str, String)],
) -> Result<(), TestCaseError> {
    explain_with(plan_text, |dir| {
        write_deals(dir, deals);
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write");
        }
    })
}

fn explain_with(plan_text: &str, write: impl Fn(&std::path::Path)) -> Result<(), TestCaseError> {
    use ignition::trace::{self, Node};
    let checked = ignition::compile_str("p.plan", plan_text).expect("plan checks");
    let plan = &checked.plan;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("reps.csv"),
        "id,boss,quota\nm,,400000.00\na,m,300000.00\nb,m,0.00\n",
    )
    .expect("write");
    write(dir.path());
    let sources = Sources::from_args(&[dir.path().display().to_string()]);
    let (data, _) = data::load(plan, &sources, data::Options::default()).expect("data loads");
    let results = eval::evaluate(plan, &data);
    let all: Vec<DefId> = DefId::all(plan.defs.len()).collect();
    for p in 0..data.roster.len() {
        for k in 0..plan.calendar.len() {
            let e = trace::explain(plan, &data, &results, p, k, &all);
            let mut nodes: Vec<&Node> = Vec::new();
            for n in &e.nodes {
                trace::walk(n, &mut nodes);
            }
            for n in nodes {
                let own = n.participant.is_none() && n.period.is_none();
                // Definitions and references: the value `run` has (payouts as printed, rounded).
                if let (Some(name), true, true) = (
                    &n.name,
                    own,
                    n.kind == "definition" || n.kind == "reference",
                ) {
                    let d = plan.def_named(name).expect("a definition");
                    let run_value = match results.get(d, p, k) {
                        // Payouts arrive rounded from the evaluator.
                        Ok(Value::Num(x)) => Some(x.approx()),
                        _ => None,
                    };
                    prop_assert_eq!(trace::decimal(n), run_value, "{} {}", name, n.id);
                }
                let inputs: Vec<&Node> = n.children.iter().filter(|c| c.role.is_none()).collect();
                let sum_of = |xs: &[&Node]| -> Option<Decimal> {
                    xs.iter().map(|c| trace::decimal(c)).sum()
                };
                // Sum-like nodes: their inputs add up to them.
                let value = trace::decimal(n);
                let unrounded = n
                    .rounding
                    .as_ref()
                    .and_then(|r| r.unrounded.parse::<Decimal>().ok())
                    .or(value);
                let before_limits = n
                    .limits
                    .first()
                    .and_then(|l| l.before.parse::<Decimal>().ok())
                    .or(unrounded);
                match n.kind.as_str() {
                    "operation" | "definition"
                        if n.op == Some(ignition::syntax::ast::BinOp::Add) =>
                    {
                        prop_assert_eq!(sum_of(&inputs), before_limits, "sum {}", n.id);
                    }
                    "team" | "org" | "ytd" | "period_total" | "qtd" => {
                        prop_assert_eq!(sum_of(&inputs), value, "{} {}", n.kind, n.id)
                    }
                    _ => {}
                }
                // issue 10, ledger: what paid_to_date added up is its value; a prior with
                // an opening is the first value of its chain (or the opening's step).
                if let Some(paid) = &n.paid {
                    let total: Option<Decimal> = paid
                        .iter()
                        .map(|c| c.value.as_deref()?.parse::<Decimal>().ok())
                        .sum();
                    prop_assert_eq!(total, value, "paid of {}", n.id);
                }
                if let (Some(l), "prior") = (&n.ledger, n.kind.as_str()) {
                    let first = match l.took.as_str() {
                        "previous" => l
                            .chain
                            .first()
                            .and_then(|c| c.value.as_deref()?.parse().ok()),
                        _ => l.opening_value.as_deref().and_then(|v| v.parse().ok()),
                    };
                    prop_assert_eq!(first, value, "ledger of {}", n.id);
                    if l.took == "previous" {
                        prop_assert_eq!(
                            inputs.first().and_then(|c| trace::decimal(c)),
                            value,
                            "previous of {}",
                            n.id
                        );
                    }
                }
                // issue 10, clawbacks: each row's share is what its period paid × its part
                // / the base then; what its period paid is the run's value; the shares add
                // up to minus the clawback (before its rounding).
                if let Some(c) = &n.clawback {
                    let near = Decimal::new(1, 12);
                    let num = |x: &Option<String>| -> Decimal {
                        x.as_deref()
                            .and_then(|v| v.parse::<Decimal>().ok())
                            .expect("a number")
                    };
                    let of = plan.def_named(&c.of).expect("the definition taken back");
                    let mut total = Decimal::ZERO;
                    for r in c.rows.iter().filter(|r| r.outcome == "taken") {
                        let (v, b, paid, taken) = (
                            num(&r.value),
                            num(&r.base_total),
                            num(&r.paid),
                            num(&r.taken),
                        );
                        let want = if paid.is_zero() {
                            Decimal::ZERO
                        } else {
                            paid * v / b
                        };
                        prop_assert!(
                            (taken - want).abs() < near,
                            "share of {}:{} in {}",
                            r.file,
                            r.line,
                            n.id
                        );
                        let q = plan
                            .calendar
                            .periods
                            .iter()
                            .position(|x| x.id == r.period)
                            .expect("a period");
                        let run_paid = match results.get(of, p, q) {
                            Ok(Value::Num(x)) => Some(x.approx()),
                            _ => None,
                        };
                        prop_assert_eq!(run_paid, Some(paid), "paid in {} of {}", r.period, n.id);
                        prop_assert!(r.days >= 0, "days of {}", n.id);
                        total += taken;
                    }
                    for r in c.rows.iter().filter(|r| r.outcome == "after window") {
                        prop_assert!(r.days > c.window_days, "window of {}", n.id);
                    }
                    prop_assert!(
                        unrounded.is_some_and(|u| (u + total).abs() < near),
                        "clawback {}: {:?} vs {}",
                        n.id,
                        unrounded,
                        total
                    );
                }
                if let Some(r) = &n.rates {
                    if r.mode == "marginal" {
                        let paid: Decimal = r
                            .bands
                            .iter()
                            .filter_map(|b| b.amount.as_deref()?.parse::<Decimal>().ok())
                            .sum();
                        let at = if n.kind == "definition" {
                            before_limits
                        } else {
                            value
                        };
                        if n.gate.as_ref().is_none_or(|g| g.open) && n.fallback.is_none() {
                            prop_assert_eq!(Some(paid), at, "bands of {}", n.id);
                        }
                    }
                }
                // issue 10, currencies: each row's converted value is its amount times the
                // rate shown (or divided by the inverse row's rate), and they add up.
                if let Some(rows) = &n.rows {
                    let mut total = Decimal::ZERO;
                    let mut converted = false;
                    for r in &rows.list {
                        let Some(c) = r.conversions.first() else {
                            continue;
                        };
                        converted = true;
                        let amount: Decimal = r.values["amount"].parse().expect("an amount");
                        let shown: Decimal = r.values[&n.expr[4..n.expr.len() - 1]
                            .split_once(", ")
                            .map(|x| x.1)
                            .unwrap_or_default()
                            .to_string()]
                            .parse()
                            .expect("a value");
                        let want = match &c.row {
                            None => amount,
                            Some(row) => {
                                let rate: Decimal = row.values["rate"].parse().expect("a rate");
                                if c.inverse {
                                    amount / rate
                                } else {
                                    amount * rate
                                }
                            }
                        };
                        // Shown to 28 digits: a rate's inverse need not end.
                        let near = Decimal::new(1, 15);
                        prop_assert!(
                            (shown - want).abs() < near,
                            "row {} of {}: {} vs {}",
                            r.line,
                            n.id,
                            shown,
                            want
                        );
                        total += shown;
                    }
                    if converted && n.expr.starts_with("sum(") {
                        let near = Decimal::new(1, 15);
                        prop_assert!(
                            value.is_some_and(|v| (v - total).abs() < near),
                            "converted rows of {}: {} vs {:?}",
                            n.id,
                            total,
                            value
                        );
                    }
                }
                if let (Some(rows), Some(name)) = (&n.rows, &n.name) {
                    // Converted rows may be fractions shown to 28 digits: checked above.
                    let exact = rows.list.iter().all(|r| r.conversions.is_empty());
                    if exact && (name == "sum" || n.expr.starts_with("sum(")) {
                        if let Some(col) = &rows.column {
                            let total: Decimal = rows
                                .list
                                .iter()
                                .filter_map(|r| r.values.get(col)?.parse::<Decimal>().ok())
                                .sum();
                            prop_assert_eq!(Some(total), value, "rows of {}", n.id);
                        }
                    }
                    if name == "count" {
                        prop_assert_eq!(
                            Some(Decimal::from(rows.count as u64)),
                            value,
                            "count {}",
                            n.id
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// issue 10, clawbacks: the base plan with a cancel date on deals, a tiered commission
/// clawed back within 90 days, the bookings within 60 and a gated count-based bonus within 30.
fn clawback_plan() -> String {
    plan(
        "  kpi big = count(deals where amount >= 100000 EUR and won)\n\
         \x20 payout bonus = 50 EUR * big when attainment >= 25%\n\
         \x20 payout back = clawback(commission, cancelled: cancelled, within: 90 days) may be negative\n\
         \x20 kpi back_bookings = clawback(bookings, cancelled: cancelled, within: 60 days)\n\
         \x20 payout bonus_back = clawback(bonus, cancelled: cancelled, within: 30 days) may be negative\n",
    )
    .replace("currency EUR\n", "currency EUR\n  rounding payouts to 0.01 half-even\n")
    .replace("won: bool }", "won: bool  cancelled: date? }")
}

/// Generated deals with a cancel date on some: 0 to 179 days after the close, within 2026.
fn write_cancelled_deals(dir: &std::path::Path, deals: &[(usize, i64, u32, bool)], after: &[u32]) {
    let mut csv = String::from("deal,owner,amount,day,won,cancelled\n");
    for (i, ((owner, cents, day, won), later)) in deals.iter().zip(after.iter().cycle()).enumerate()
    {
        let owner = ["m", "a", "b"][owner % 3];
        let day = day % 365;
        let date = chrono::NaiveDate::from_yo_opt(2026, 1 + day).expect("day of 2026");
        let cancelled = if later % 2 == 0 && day + later / 2 < 365 {
            chrono::NaiveDate::from_yo_opt(2026, 1 + day + later / 2)
                .map(|d| d.to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "d{i},{owner},{},{date},{won},{cancelled}\n",
            Decimal::new(*cents, 2)
        ));
    }
    std::fs::write(dir.join("deals.csv"), csv).expect("write");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn explanations_of_clawbacks_agree_with_the_run_and_add_up(rows in deals(), after in prop::collection::vec(0u32..360, 1..40)) {
        explain_with(&clawback_plan(), |dir| write_cancelled_deals(dir, &rows, &after))?;
    }
}

/// issue 10, currencies: deals in EUR, USD or JPY, converted to EUR at the rate of their
/// day (USD → EUR listed, JPY only as EUR → JPY, so divided by), and the salary-like quota
/// at the period's. The inverses end (1 / 160, 1 / 125), so the other checks, which compare
/// decimals exactly, hold too.
fn fx_plan() -> String {
    // Paid amounts are rounded, so the total's terms add up exactly as shown.
    plan("  kpi usd_quota = convert(quota, to: USD, using: fx.rate, on: period_end())\n")
        .replace("currency EUR\n", "currency EUR\n  rounding payouts to 0.01 half-even\n")
        .replace(
            "amount: money  day: date  won: bool }",
            "amount: money in cur  cur: text  day: date  won: bool }\n  input fx key from, to effective from since { from: text  to: text  since: date  rate: number }",
        )
        .replace(
            "kpi bookings = sum(wins.amount)",
            "kpi bookings = sum(wins, convert(amount, to: EUR, using: fx.rate, on: day))",
        )
}

fn write_fx_deals(dir: &std::path::Path, deals: &[(usize, i64, u32, bool)]) {
    let mut csv = String::from("deal,owner,amount,cur,day,won\n");
    for (i, (owner, cents, day, won)) in deals.iter().enumerate() {
        let owner = ["m", "a", "b"][owner % 3];
        let cur = ["EUR", "USD", "JPY"][(*day as usize + i) % 3];
        let date = chrono::NaiveDate::from_yo_opt(2026, 1 + day % 365).expect("day of 2026");
        csv.push_str(&format!(
            "d{i},{owner},{},{cur},{date},{won}\n",
            Decimal::new(*cents, 2)
        ));
    }
    std::fs::write(dir.join("deals.csv"), csv).expect("write");
    std::fs::write(
        dir.join("fx.csv"),
        "from,to,since,rate\nUSD,EUR,2026-01-01,0.92\nUSD,EUR,2026-05-01,0.87\nEUR,JPY,2026-01-01,160\nEUR,JPY,2026-07-01,125\nEUR,USD,2026-01-01,1.25\n",
    )
    .expect("write");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn explanations_of_conversions_agree_with_the_run_and_add_up(rows in deals()) {
        explain_with(&fx_plan(), |dir| write_fx_deals(dir, &rows))?;
    }

    #[test]
    fn explanations_agree_with_the_run_and_add_up(rows in deals(), cap in any::<bool>(), gate in any::<bool>(), floor in any::<bool>(), flat in any::<bool>(), issue9 in any::<bool>()) {
        explain_all(&generated_plan(cap, gate, floor, flat, issue9), &rows)?;
    }

    // issue 10, ledger: a balance carried through `prior(…, opening: …)` and a true-up
    // reading its own `paid_to_date`; the run evaluates them period by period, explain
    // reads the same values.
    #[test]
    fn explanations_of_the_ledger_agree_with_the_run_and_add_up(rows in deals(), cap in any::<bool>(), gate in any::<bool>(), issue9 in any::<bool>()) {
        explain_all(&generated_plan_with(cap, gate, false, false, issue9, true), &rows)?;
    }
}

// issue 10, splits: deals credited through a split table. Each generated deal is split one
// of three ways: its owner alone at 100% (AE); its owner p% (AE) and the next rep 100 − p%
// (SDR); or that, plus the third rep on top as an overlay at p%.

/// The split plan: the base plan credited through `deal_splits`, with a credit split, a
/// payout split by role and an overlay count.
fn split_plan() -> String {
    plan(
        "  kpi split_credit = sum(wins where role != \"Overlay\", amount * share)\n\
         \x20 kpi sdr_full = sum(wins where role == \"SDR\", amount)\n\
         \x20 payout sdr_pay = sum(wins where role == \"SDR\", amount * share) * 3%\n\
         \x20 payout overlay_pay = count(deals where role == \"Overlay\") * 10 EUR\n",
    )
    .replace("input deals key deal {", "input deal_splits { deal: text  rep: text  share: percent  role: text }\n  input deals key deal {")
    .replace(
        "credit deals to owner by day",
        "credit deals to rep by day split by deal_splits share share role role overlay \"Overlay\"",
    )
    .replace("sum(wins.amount)", "sum(wins, amount * share)")
}

/// `deal_splits.csv` for generated deals and their split ways (`(way, p)`, p in 1..100).
fn split_rows(deals: &[(usize, i64, u32, bool)], ways: &[(u8, u32)]) -> String {
    let reps = ["m", "a", "b"];
    let mut csv = String::from("deal,rep,share,role\n");
    for (i, ((owner, ..), (way, p))) in deals.iter().zip(ways).enumerate() {
        let (o, next, third) = (
            reps[owner % 3],
            reps[(owner + 1) % 3],
            reps[(owner + 2) % 3],
        );
        if *way == 0 {
            csv.push_str(&format!("d{i},{o},100%,AE\n"));
        } else {
            csv.push_str(&format!("d{i},{o},{p}%,AE\nd{i},{next},{}%,SDR\n", 100 - p));
        }
        if *way == 2 {
            csv.push_str(&format!("d{i},{third},{p}%,Overlay\n"));
        }
    }
    csv
}

fn ways() -> impl Strategy<Value = Vec<(u8, u32)>> {
    prop::collection::vec((0u8..3, 1u32..100), 40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn explanations_of_split_credits_agree_with_the_run_and_add_up(rows in deals(), ways in ways()) {
        explain_all_with(&split_plan(), &rows, &[("deal_splits.csv", split_rows(&rows, &ways))])?;
    }

    /// The shares of each won deal, overlays left out, add up to the deal: over all
    /// participants, the credited bookings of a period are its won amounts.
    #[test]
    fn split_credit_adds_up_to_the_won_amounts(rows in deals(), ways in ways()) {
        let checked = ignition::compile_str("p.plan", &split_plan()).expect("plan checks");
        let plan = &checked.plan;
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("reps.csv"), "id,boss,quota\nm,,400000.00\na,m,300000.00\nb,m,250000.00\n").expect("write");
        write_deals(dir.path(), &rows);
        std::fs::write(dir.path().join("deal_splits.csv"), split_rows(&rows, &ways)).expect("write");
        let sources = Sources::from_args(&[dir.path().display().to_string()]);
        let (data, _) = data::load(plan, &sources, data::Options::default()).expect("data loads");
        let results = eval::evaluate(plan, &data);
        let d = plan.def_named("split_credit").expect("defined");
        for (k, period) in plan.calendar.periods.iter().enumerate() {
            let credited: Decimal = (0..data.roster.len())
                .map(|p| match results.get(d, p, k) {
                    Ok(Value::Num(n)) => n.approx(),
                    _ => Decimal::MIN,
                })
                .sum();
            let won: Decimal = rows
                .iter()
                .filter(|(_, _, day, won)| {
                    let date = chrono::NaiveDate::from_yo_opt(2026, 1 + day % 365).expect("day of 2026");
                    *won && ignition::calendar::day(date) >= period.start && ignition::calendar::day(date) <= period.end
                })
                .map(|(_, cents, ..)| Decimal::new(*cents, 2))
                .sum();
            prop_assert_eq!(credited, won, "{}", period.id);
        }
    }
}
