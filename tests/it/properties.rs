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

/// issue 11: the base plan with KPIs against targets (one better lower), a bookings KPI
/// with drivers whose target is rolled up to the manager, a target split equally down, and
/// a scorecard (reweighting a measure without data, or not) read by a payout.
fn issue11_plan(lower: bool, reweight: bool) -> String {
    let better = if lower {
        "    better lower\n    status red above 4, amber above 2\n"
    } else {
        "    status red below 1, amber below 2\n"
    };
    let reweights = if reweight {
        "    no data reweights\n"
    } else {
        ""
    };
    plan(&format!(
        "  kpi deals_won = count(wins) {{\n    target 2\n{better}  }}\n\
         \x20 kpi avg_won: money = avg(wins.amount) otherwise 0 EUR {{\n    target 60000 EUR\n  }}\n\
         \x20 kpi win_rate: percent = count(wins) / count(deals) otherwise 0% {{\n    target 40%\n    no data when count(deals) == 0\n  }}\n\
         \x20 kpi booked = bookings {{\n    target quota / 4\n    roll up\n    drivers deals_won * avg_won\n    status red below 50% of target, amber below 100% of target\n  }}\n\
         \x20 kpi shared = bookings {{\n    target 200000 EUR\n    split equally\n  }}\n\
         \x20 kpi shared_gap = gap_of(shared)\n\
         \x20 kpi from_count = cause_of(booked, deals_won) otherwise 0 EUR\n\
         \x20 scorecard mbo {{\n    booked    50%  cap 150%\n    win_rate  30%  floor 10%\n    shared    20%\n{reweights}  }}\n\
         \x20 payout mbo_bonus = 1000 EUR * mbo\n"
    ))
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
                // issue 10, currencies: a payout as paid in the participant's currency is what
                // the run has; it is the exact payout times the rate shown, rounded once to
                // the increment shown; the total's is the sum of the payouts' pay figures.
                if let (Some(pay), Some(name), true) = (&n.pay, &n.name, own) {
                    let d = plan.def_named(name).expect("a definition");
                    let paid = |d: DefId| match results.paid(d, p, k) {
                        Some(Ok(Value::Num(x))) => Some(x.approx()),
                        _ => None,
                    };
                    let amount: Decimal = pay.amount.parse().expect("an amount");
                    prop_assert_eq!(Some(amount), paid(d), "pay of {}", n.id);
                    match (&pay.conversion, &pay.payout) {
                        (Some(c), Some(payout)) => {
                            let payout: Decimal = payout.parse().expect("a payout");
                            let exact = n
                                .rounding
                                .as_ref()
                                .and_then(|r| r.unrounded.parse::<Decimal>().ok())
                                .or(trace::decimal(n));
                            prop_assert_eq!(Some(payout), exact, "payout of {}", n.id);
                            let want = match &c.row {
                                None => payout,
                                Some(row) => {
                                    let rate: Decimal = row.values["rate"].parse().expect("a rate");
                                    if c.inverse {
                                        payout / rate
                                    } else {
                                        payout * rate
                                    }
                                }
                            };
                            let unrounded: Decimal = pay.unrounded.parse().expect("unrounded");
                            prop_assert!(
                                (unrounded - want).abs() < Decimal::new(1, 15),
                                "converted pay of {}: {} vs {}",
                                n.id,
                                unrounded,
                                want
                            );
                            let increment: Decimal = pay
                                .increment
                                .as_deref()
                                .expect("an increment")
                                .parse()
                                .expect("a decimal");
                            let rounded = (unrounded / increment).round_dp_with_strategy(
                                0,
                                rust_decimal::RoundingStrategy::MidpointNearestEven,
                            ) * increment;
                            prop_assert_eq!(rounded, amount, "rounded pay of {}", n.id);
                        }
                        _ => {
                            let sum: Option<Decimal> = DefId::all(plan.defs.len())
                                .filter(|&x| plan.defs[x].kind == ignition::ir::DefKind::Payout)
                                .map(paid)
                                .sum();
                            prop_assert_eq!(sum, Some(amount), "pay lines of {}", n.id);
                        }
                    }
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
                // issue 11: a gap's causes add up to it, and the gap is value − reference
                // (turned round when lower is better); a scorecard's contributions add up
                // to its score, each its counted attainment × weight. Fractions are shown
                // to 28 digits: near enough, not exactly.
                let dec = |t: &str| t.parse::<Decimal>().ok();
                let near = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
                    (Some(a), Some(b)) => (a - b).abs() < Decimal::new(1, 12),
                    _ => false,
                };
                if let Some(c) = &n.causes {
                    let effects: Option<Decimal> = c.lines.iter().map(|l| dec(&l.effect)).sum();
                    prop_assert!(
                        near(effects, dec(&c.gap)),
                        "causes of {}: {:?} vs {}",
                        n.id,
                        effects,
                        c.gap
                    );
                    let diff = dec(&c.value).zip(dec(&c.reference)).map(|(v, r)| v - r);
                    let gap = dec(&c.gap);
                    prop_assert!(
                        near(diff, gap) || near(diff.map(|d| -d), gap),
                        "gap of {}",
                        n.id
                    );
                }
                if let Some(sc) = &n.scorecard {
                    let total: Option<Decimal> =
                        sc.measures.iter().map(|m| dec(&m.contribution)).sum();
                    prop_assert!(
                        near(total, value),
                        "scorecard {}: {:?} vs {:?}",
                        n.id,
                        total,
                        value
                    );
                    if !sc.reweighted {
                        for m in &sc.measures {
                            let product = dec(&m.counted).zip(dec(&m.weight)).map(|(c, w)| c * w);
                            prop_assert!(
                                near(product, dec(&m.contribution)),
                                "measure {} of {}",
                                m.kpi,
                                n.id
                            );
                        }
                    }
                }
                // issue 10, assignments: a team or org read from a manager history lists
                // one member per participant it summed.
                if let Some(h) = &n.hierarchy {
                    prop_assert_eq!(h.members.len(), inputs.len(), "members of {}", n.id);
                }
                // issue 10, assignments: a prorated history's shares are each row's value
                // × its days / the period's days, and add up to the value (shown to 28
                // digits: a share need not end).
                if let Some(pr) = n.proration.as_ref().filter(|p| p.uncovered.is_some()) {
                    let near = Decimal::new(1, 15);
                    let mut total = Decimal::ZERO;
                    let mut days = 0;
                    for r in &pr.rows {
                        let v: Decimal = r.value.parse().expect("a value");
                        let share: Decimal = r.share.parse().expect("a share");
                        let want = v * Decimal::from(r.days) / Decimal::from(pr.of);
                        prop_assert!((share - want).abs() < near, "share of {}", n.id);
                        total += share;
                        days += r.days;
                    }
                    prop_assert_eq!(days, pr.active, "days of {}", n.id);
                    prop_assert_eq!(
                        pr.uncovered.unwrap_or_default() + days,
                        pr.of,
                        "uncovered days of {}",
                        n.id
                    );
                    prop_assert!(
                        value.is_some_and(|v| (v - total).abs() < near),
                        "shares of {}: {} vs {:?}",
                        n.id,
                        total,
                        value
                    );
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

/// issue 10, currencies: [`fx_plan`] with each rep paid in their own currency (EUR, JPY,
/// USD) at the rate of the period's last day.
fn pay_plan() -> String {
    fx_plan()
        .replace(
            "input reps key id { id: text  boss: text?  quota: money }",
            "input reps key id { id: text  boss: text?  quota: money  pay: text }",
        )
        .replace(
            "participants reps managed by boss",
            "participants reps managed by boss paid in pay using fx.rate on period_end()",
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn explanations_of_conversions_agree_with_the_run_and_add_up(rows in deals()) {
        explain_with(&fx_plan(), |dir| write_fx_deals(dir, &rows))?;
    }

    #[test]
    fn explanations_of_pay_currencies_agree_with_the_run_and_add_up(rows in deals()) {
        explain_with(&pay_plan(), |dir| {
            write_fx_deals(dir, &rows);
            std::fs::write(
                dir.join("reps.csv"),
                "id,boss,quota,pay\nm,,400000.00,EUR\na,m,300000.00,JPY\nb,m,0.00,USD\n",
            )
            .expect("write");
        })?;
    }

    #[test]
    fn explanations_agree_with_the_run_and_add_up(rows in deals(), cap in any::<bool>(), gate in any::<bool>(), floor in any::<bool>(), flat in any::<bool>(), issue9 in any::<bool>()) {
        explain_all(&generated_plan(cap, gate, floor, flat, issue9), &rows)?;
    }

    // issue 10, ledger: a balance carried through `prior(…, opening: …)` and a true-up
    // reading its own `paid_to_date`; the run evaluates them period by period, explain
    // reads the same values.
    // issue 11: KPI intent, a rolled-up target split by drivers, a cascade split down and a
    // scorecard paying a bonus: explain reads the run's values, the causes add up to the
    // gap and the measures to the score.
    #[test]
    fn explanations_of_targets_scorecards_and_causes_agree_with_the_run_and_add_up(rows in deals(), lower in any::<bool>(), reweight in any::<bool>()) {
        explain_all(&issue11_plan(lower, reweight), &rows)?;
    }

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

// issue 10, assignments: the hierarchy read from a dated history (`managed by
// history.boss`), changing on generated days, and a quota prorated over the history's
// rows. m is always at the top; a reports to m or nobody, b to m, a or nobody (no cycle).

fn assignment_plan() -> String {
    plan(
        "  input history key id effective from since { id: text  since: date  boss: text?  quota: money }\n\
         \x20 kpi history_quota = prorate(history(id).quota)\n\
         \x20 payout quota_bonus = prorate(history(id).quota) * 1% + org(bookings) * 1%\n\
         \x20 kpi team_quota = team(history_quota) + org(history_quota)\n",
    )
    .replace("managed by boss", "managed by history.boss")
}

/// `history.csv`: m from 2026-01-01; for a and b, rows on distinct generated days of 2026
/// (their first day may be after 1 January: days without a row).
fn history_rows(moves: &[(u8, u32, u8, i64)]) -> String {
    let mut csv = String::from("id,since,boss,quota\nm,2026-01-01,,113022\n");
    let mut seen = std::collections::BTreeSet::new();
    for (who, day, boss, cents) in moves {
        let id = ["a", "b"][(*who % 2) as usize];
        if !seen.insert((id, day % 365)) {
            continue;
        }
        let boss = match (id, boss % 3) {
            (_, 0) => "",
            ("b", 2) => "a",
            _ => "m",
        };
        let date = chrono::NaiveDate::from_yo_opt(2026, 1 + day % 365).expect("day of 2026");
        // A multiple of 3,767.40 (cents: 90 × 91 × 92 / 2): each share ends in a quarter of 90,
        // 91 or 92 days, so the sums the other checks compare are exact.
        csv.push_str(&format!(
            "{id},{date},{boss},{}\n",
            Decimal::new(*cents * 376_740, 2)
        ));
    }
    csv
}

fn moves() -> impl Strategy<Value = Vec<(u8, u32, u8, i64)>> {
    prop::collection::vec((0u8..2, 0u32..365, 0u8..3, 0i64..50), 2..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn explanations_of_dated_hierarchies_and_prorated_histories_agree_with_the_run_and_add_up(rows in deals(), moves in moves()) {
        // Each of a and b needs a row: a key with none is a run-time error by design.
        let mut moves = moves;
        moves.push((0, 364, 1, 3));
        moves.push((1, 364, 1, 3));
        explain_all_with(&assignment_plan(), &rows, &[("history.csv", history_rows(&moves))])?;
    }
}
