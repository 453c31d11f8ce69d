//! Run output: every KPI, payout and the total per participant and period, as a table, CSV or JSON.

pub mod diff;

use crate::data::Dataset;
use crate::diagnostics::escape;
use crate::eval::{round, Results};
use crate::ir::{DefKind, Plan, Value};
use crate::types::Type;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

/// Output format of `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// One row per participant and period, exact values.
    Csv,
    /// One object per participant and period, exact values as strings.
    Json,
}

/// Which participants and periods to print.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Participant indices (empty: all).
    pub participants: Vec<usize>,
    /// Period indices (empty: all).
    pub periods: Vec<usize>,
}

/// The definitions that are reported: KPIs and payouts in plan order, then `total`.
pub fn reported(plan: &Plan) -> Vec<usize> {
    (0..plan.defs.len())
        .filter(|&d| plan.defs[d].kind != DefKind::Let)
        .collect()
}

/// A value as printed: payouts rounded as the plan says, others exact.
pub fn value_text(plan: &Plan, data: &Dataset, def: usize, v: &Value, display: bool) -> String {
    let d = &plan.defs[def];
    match v {
        Value::Num(n) => {
            let n = payout_value(plan, def, *n);
            match (&d.ty, display) {
                (Type::Percent, true) => {
                    let mut pct = (n * Decimal::ONE_HUNDRED).round_dp(2);
                    pct.rescale(2);
                    format!("{}%", group(&pct.to_string()))
                }
                (Type::Money(_), true) if !is_payout(d.kind) => {
                    let mut x = n.round_dp(2);
                    x.rescale(2);
                    group(&x.to_string())
                }
                (Type::Number, true) => group(&n.round_dp(4).normalize().to_string()),
                (_, true) => {
                    let mut x = n;
                    if is_payout(d.kind) && x.scale() < 2 {
                        x.rescale(2);
                    }
                    group(&x.to_string())
                }
                _ => exact(n, matches!(d.ty, Type::Money(_))),
            }
        }
        Value::Bool(b) => b.to_string(),
        Value::Text(s) => data.strings.resolve(*s).to_string(),
        Value::Date(x) => crate::calendar::date(*x).to_string(),
    }
}

fn is_payout(k: DefKind) -> bool {
    matches!(k, DefKind::Payout | DefKind::Total)
}

/// A payout after the plan's rounding (other values unchanged).
pub fn payout_value(plan: &Plan, def: usize, n: Decimal) -> Decimal {
    match (plan.rounding, is_payout(plan.defs[def].kind)) {
        (Some(r), true) => round::round(n, r.increment, r.mode),
        _ => n,
    }
}

/// Exact decimal text: no trailing zeros, except that amounts keep two decimals.
fn exact(n: Decimal, money: bool) -> String {
    let mut n = n.normalize();
    if money && n.scale() < 2 {
        n.rescale(2);
    }
    n.to_string()
}

/// Thousands separators for display, keeping the decimals as they are.
pub fn group(s: &str) -> String {
    let (sign, body) = s.strip_prefix('-').map_or(("", s), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

fn unit(plan: &Plan, def: usize) -> String {
    match &plan.defs[def].ty {
        Type::Money(c) => c.clone(),
        Type::Percent => "percent".into(),
        t => t.to_string(),
    }
}

/// The selected (participant, period) pairs, participants first (all when none are named).
pub fn scopes(data: &Dataset, plan: &Plan, sel: &Selection) -> Vec<(usize, usize)> {
    let ps: Vec<usize> = if sel.participants.is_empty() {
        (0..data.roster.len()).collect()
    } else {
        sel.participants.clone()
    };
    let ks: Vec<usize> = if sel.periods.is_empty() {
        (0..plan.calendar.len()).collect()
    } else {
        sel.periods.clone()
    };
    let mut out = Vec::with_capacity(ps.len() * ks.len());
    for &p in &ps {
        for &k in &ks {
            out.push((p, k));
        }
    }
    out
}

/// Render results in a format.
pub fn render(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    sel: &Selection,
    format: Format,
) -> String {
    match format {
        Format::Table => table(plan, data, results, sel),
        Format::Csv => csv(plan, data, results, sel),
        Format::Json => json(plan, data, results, sel),
    }
}

fn cell(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    d: usize,
    p: usize,
    k: usize,
    display: bool,
) -> String {
    match results.get(d, p, k) {
        Ok(v) => value_text(plan, data, d, v, display),
        Err(_) => "ERROR".into(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(plan: &Plan, data: &Dataset, results: &Results, sel: &Selection) -> String {
    let defs = reported(plan);
    let mut out = String::from("participant,period");
    for &d in &defs {
        out.push(',');
        out.push_str(&plan.defs[d].name);
    }
    out.push('\n');
    for (p, k) in scopes(data, plan, sel) {
        out.push_str(&csv_field(&data.roster.ids[p]));
        out.push(',');
        out.push_str(&plan.calendar.periods[k].id);
        for &d in &defs {
            out.push(',');
            out.push_str(&csv_field(&cell(plan, data, results, d, p, k, false)));
        }
        out.push('\n');
    }
    out
}

fn table(plan: &Plan, data: &Dataset, results: &Results, sel: &Selection) -> String {
    let defs = reported(plan);
    let mut header: Vec<String> = vec!["participant".into(), "period".into()];
    header.extend(defs.iter().map(|&d| plan.defs[d].name.clone()));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (p, k) in scopes(data, plan, sel) {
        // Text from data or the plan is shown with control characters escaped.
        let mut r = vec![
            escape(&data.roster.ids[p]).into_owned(),
            escape(&plan.calendar.periods[k].id).into_owned(),
        ];
        r.extend(
            defs.iter()
                .map(|&d| escape(&cell(plan, data, results, d, p, k, true)).into_owned()),
        );
        rows.push(r);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "{} — amounts in {}; payouts rounded as the plan says, other values shown to 2 decimals (csv/json are exact)", escape(&plan.name), plan.currency);
    let line = |out: &mut String, r: &[String]| {
        for (c, v) in r.iter().enumerate() {
            if c > 0 {
                out.push_str("  ");
            }
            let pad = widths[c] - v.chars().count();
            if c < 2 {
                out.push_str(v);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(v);
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&mut out, &header);
    for r in &rows {
        line(&mut out, r);
    }
    out
}

#[derive(Serialize)]
struct JsonOut<'a> {
    plan: &'a str,
    currency: &'a str,
    columns: Vec<JsonColumn<'a>>,
    results: Vec<JsonRow>,
}

#[derive(Serialize)]
struct JsonColumn<'a> {
    name: &'a str,
    kind: &'static str,
    unit: String,
}

#[derive(Serialize)]
struct JsonRow {
    participant: String,
    period: String,
    values: indexmap::IndexMap<String, Option<String>>,
}

fn json(plan: &Plan, data: &Dataset, results: &Results, sel: &Selection) -> String {
    let defs = reported(plan);
    let out = JsonOut {
        plan: &plan.name,
        currency: &plan.currency,
        columns: defs
            .iter()
            .map(|&d| JsonColumn {
                name: &plan.defs[d].name,
                kind: match plan.defs[d].kind {
                    DefKind::Kpi => "kpi",
                    DefKind::Payout => "payout",
                    DefKind::Total => "total",
                    DefKind::Let => "let",
                },
                unit: unit(plan, d),
            })
            .collect(),
        results: scopes(data, plan, sel)
            .into_iter()
            .map(|(p, k)| JsonRow {
                participant: data.roster.ids[p].clone(),
                period: plan.calendar.periods[k].id.clone(),
                values: defs
                    .iter()
                    .map(|&d| {
                        (
                            plan.defs[d].name.clone(),
                            results
                                .get(d, p, k)
                                .as_ref()
                                .ok()
                                .map(|v| value_text(plan, data, d, v, false)),
                        )
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
