//! Exactness: random plan expressions (sums, differences, products, divisions, min/max,
//! marginal rate tables, rounding in every mode) evaluated by Ignition must equal an
//! independent exact reference built on `num_rational::BigRational`, digit for digit.
//! Before exact numbers, a division that does not end was cut at 28 digits, and a
//! half-cent tie could round the wrong way.

use ignition::data::{self, Sources};
use ignition::eval;
use ignition::ir::Value;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;

/// An expression, printed as plan text and evaluated by the reference.
#[derive(Debug, Clone)]
enum E {
    /// A decimal literal: mantissa and scale.
    Lit(i64, u32),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Div(Box<E>, Box<E>),
    Min(Box<E>, Box<E>),
    Max(Box<E>, Box<E>),
    Neg(Box<E>),
    /// round(x, increment, mode)
    Round(Box<E>, (i64, u32), &'static str),
    /// marginal(tiers, x, per: scale literal)
    Marginal(Box<E>, (i64, u32)),
}

const MODES: [&str; 5] = ["half-even", "half-up", "half-down", "up", "down"];
const INCREMENTS: [(i64, u32); 5] = [(1, 2), (5, 2), (1, 0), (1, 3), (25, 1)];
/// The plan's table `tiers`: 0 .. 10 : 0.5, 10 .. 100 : 2, 100 .. : 3 (edges times `per`).
const TIERS: [(i64, Option<i64>, (i64, u32)); 3] = [
    (0, Some(10), (5, 1)),
    (10, Some(100), (2, 0)),
    (100, None, (3, 0)),
];

fn lit_text(m: i64, s: u32) -> String {
    let r = rust_decimal::Decimal::new(m.abs(), s).to_string();
    if m < 0 {
        format!("(-{r})")
    } else {
        r
    }
}

fn text(e: &E) -> String {
    match e {
        E::Lit(m, s) => lit_text(*m, *s),
        E::Add(a, b) => format!("({} + {})", text(a), text(b)),
        E::Sub(a, b) => format!("({} - {})", text(a), text(b)),
        E::Mul(a, b) => format!("({} * {})", text(a), text(b)),
        E::Div(a, b) => format!("({} / {})", text(a), text(b)),
        E::Min(a, b) => format!("min({}, {})", text(a), text(b)),
        E::Max(a, b) => format!("max({}, {})", text(a), text(b)),
        E::Neg(a) => format!("(-{})", text(a)),
        E::Round(a, (m, s), mode) => format!("round({}, {}, {mode})", text(a), lit_text(*m, *s)),
        E::Marginal(a, (m, s)) => {
            format!("marginal(tiers, {}, per: {})", text(a), lit_text(*m, *s))
        }
    }
}

fn q(m: i64, s: u32) -> BigRational {
    BigRational::new(BigInt::from(m), BigInt::from(10).pow(s))
}

/// The reference: `None` where Ignition must report an error (division by zero).
fn reference(e: &E) -> Option<BigRational> {
    Some(match e {
        E::Lit(m, s) => q(*m, *s),
        E::Add(a, b) => reference(a)? + reference(b)?,
        E::Sub(a, b) => reference(a)? - reference(b)?,
        E::Mul(a, b) => reference(a)? * reference(b)?,
        E::Div(a, b) => {
            let d = reference(b)?;
            if d.is_zero() {
                return None;
            }
            reference(a)? / d
        }
        E::Min(a, b) => reference(a)?.min(reference(b)?),
        E::Max(a, b) => reference(a)?.max(reference(b)?),
        E::Neg(a) => -reference(a)?,
        E::Round(a, (m, s), mode) => {
            let inc = q(*m, *s);
            let x = reference(a)? / &inc;
            let floor = x.floor();
            let rest = &x - &floor;
            let half = BigRational::new(BigInt::one(), BigInt::from(2));
            let up = floor.clone() + BigRational::one();
            let steps = if rest.is_zero() {
                floor
            } else {
                match *mode {
                    "up" if x.is_positive() => up,
                    "up" => floor,
                    "down" if x.is_negative() => up,
                    "down" => floor,
                    _ if rest > half => up,
                    _ if rest < half => floor,
                    // A tie.
                    "half-even" if (floor.to_integer() % 2u8).is_zero() => floor,
                    "half-even" => up,
                    "half-up" if x.is_positive() => up,
                    "half-up" => floor,
                    _ if x.is_negative() => up,
                    _ => floor,
                }
            };
            steps * inc
        }
        E::Marginal(a, (m, s)) => {
            let base = reference(a)?;
            let per = q(*m, *s);
            let mut total = BigRational::zero();
            for (lo, hi, (rm, rs)) in TIERS {
                let from = BigRational::from_integer(lo.into()) * &per;
                let top = match hi {
                    Some(h) => (BigRational::from_integer(h.into()) * &per).min(base.clone()),
                    None => base.clone(),
                };
                if top > from {
                    total += (top - from) * q(rm, rs);
                }
            }
            total
        }
    })
}

fn leaf() -> impl Strategy<Value = E> {
    prop_oneof![
        (-2_000i64..2_000, 0u32..3).prop_map(|(m, s)| E::Lit(m, s)),
        // Small denominators make fractions that do not end (1/3, 17/96) likely.
        (1i64..100).prop_map(|m| E::Lit(m, 0)),
        (-999_999_999i64..999_999_999, 2u32..6).prop_map(|(m, s)| E::Lit(m, s)),
    ]
}

fn expr() -> impl Strategy<Value = E> {
    leaf().prop_recursive(5, 40, 2, |inner| {
        let b = |x: E| Box::new(x);
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Add(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Sub(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Mul(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Div(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Min(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Max(b(x), b(y))),
            inner.clone().prop_map(move |x| E::Neg(b(x))),
            (inner.clone(), 0usize..5, 0usize..5).prop_map(move |(x, i, m)| E::Round(
                b(x),
                INCREMENTS[i],
                MODES[m]
            )),
            (inner, 1i64..500_000, 0u32..3).prop_map(move |(x, m, s)| E::Marginal(b(x), (m, s))),
        ]
    })
}

/// Evaluate `kpi k<i> = …` for each expression text in a one-participant, one-period plan
/// that also has the rate table `tiers`.
fn run_kpis(exprs: &[String]) -> Vec<Result<Value, String>> {
    let kpis: String = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| format!("  kpi k{i} = {e}\n"))
        .collect();
    let plan_text = format!(
        "plan \"Exact\" {{\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-03-31\n  input reps key id {{\n    id: text\n  }}\n  participants reps\n  rates tiers by edge {{\n    0 .. 10 : 0.5\n    10 .. 100 : 2\n    100 .. : 3\n  }}\n  kpi edge = 0\n{kpis}}}\n"
    );
    let checked = ignition::compile_str("exact.plan", &plan_text)
        .unwrap_or_else(|e| panic!("plan checks: {e:?}\n{plan_text}"));
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("reps.csv"), "id\nr1\n").expect("write");
    let sources = Sources::from_args(&[dir.path().display().to_string()]);
    let (data, _) =
        data::load(&checked.plan, &sources, data::Options::default()).expect("data loads");
    let results = eval::evaluate(&checked.plan, &data);
    (0..exprs.len())
        .map(|i| {
            let d = checked.plan.def_named(&format!("k{i}")).expect("defined");
            results.get(d, 0, 0).clone().map_err(|e| e.kind.describe())
        })
        .collect()
}

fn evaluate(exprs: &[E]) -> Vec<Result<BigRational, String>> {
    let texts: Vec<String> = exprs.iter().map(text).collect();
    run_kpis(&texts)
        .into_iter()
        .map(|v| match v? {
            Value::Num(n) => {
                let (n, d) = n.fraction();
                Ok(BigRational::new(n, d))
            }
            other => Err(format!("not a number: {other:?}")),
        })
        .collect()
}

/// Whether a value is larger in magnitude than the largest decimal, 2^96 − 1.
fn past_decimal_range(v: &BigRational) -> bool {
    let max = BigRational::from_integer("79228162514264337593543950335".parse().expect("a number"));
    v.abs() > max
}

proptest! {
    // 400 cases in CI; PROPTEST_CASES=100000 for a long run by hand.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_value_equals_the_exact_reference(exprs in prop::collection::vec(expr(), 1..8)) {
        let got = evaluate(&exprs);
        for (e, g) in exprs.iter().zip(got) {
            match (reference(e), g) {
                // A definition's value must fit a decimal's range (§16): past it, the
                // value is a run-time error, not a number.
                (Some(want), Err(msg)) if past_decimal_range(&want) => {
                    prop_assert!(msg.contains("too large"), "{}: {}", text(e), msg)
                }
                (Some(want), Ok(got)) => prop_assert_eq!(got, want, "{}", text(e)),
                (None, Err(msg)) => prop_assert!(msg.contains("division by zero"), "{}: {}", text(e), msg),
                (want, got) => prop_assert!(false, "{}: reference {:?}, Ignition {:?}", text(e), want, got),
            }
        }
    }
}

#[test]
fn a_half_cent_tie_from_a_fraction_that_does_not_end_rounds_half_even() {
    // 0.5 × (17/96)/0.2 + 0.5 × (5/20)/0.3 = 165/192 = 0.859375; × 1,000 = 859.375, a tie:
    // half-even → 859.38, half-down → 859.37, half-up → 859.38.
    let score = "(0.5 * ((17 / 96) / 0.2) + 0.5 * ((5 / 20) / 0.3))";
    let got = run_kpis(&[
        format!("round(1000 * {score}, 0.01, half-even)"),
        format!("round(1000 * {score}, 0.01, half-down)"),
        format!("round(1000 * {score}, 0.01, half-up)"),
        format!("{score} == 0.859375"),
    ]);
    let show = |v: &Result<Value, String>| match v {
        Ok(Value::Num(n)) => n.to_string(),
        Ok(Value::Bool(b)) => b.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(show(&got[0]), "859.38");
    assert_eq!(show(&got[1]), "859.37");
    assert_eq!(show(&got[2]), "859.38");
    assert_eq!(show(&got[3]), "true");
}
