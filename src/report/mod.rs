//! Run output: every KPI, payout and the total per participant and period, as a table, CSV or JSON.

pub mod diff;

use crate::data::Dataset;
use crate::diagnostics::escape;
use crate::eval::Results;
use crate::ir::{DefKind, Plan, Value};
use crate::render::{self, group};
use crate::types::Type;
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write;

/// Output format of `run` (and `diff`); the command line names it (`cli`: `--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
            // Payouts arrive rounded as the plan says; a fraction that does not end (17/96)
            // is shown to 28 significant digits.
            let n = n.approx();
            match (&d.ty, display) {
                (Type::Percent, true) => {
                    format!("{}%", group(&render::percent(n, Some(2))))
                }
                (Type::Money(_), true) if !is_payout(d.kind) => {
                    group(&render::at_least(n.round_dp(2), 2))
                }
                (Type::Number, true) => group(&n.round_dp(4).normalize().to_string()),
                (_, true) if is_payout(d.kind) => group(&render::at_least(n, 2)),
                (_, true) => group(&n.to_string()),
                _ => exact(n, matches!(d.ty, Type::Money(_))),
            }
        }
        other => other.exact(&data.strings),
    }
}

fn is_payout(k: DefKind) -> bool {
    matches!(k, DefKind::Payout | DefKind::Total)
}

/// Exact decimal text: no trailing zeros, except that amounts keep two decimals.
fn exact(n: Decimal, money: bool) -> String {
    render::at_least(n.normalize(), if money { 2 } else { 0 })
}

fn unit(plan: &Plan, def: usize) -> String {
    render::unit(&plan.defs[def].ty)
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

/// The selected (participant, period) pairs in the order of [`scopes`], without building the list.
pub fn each_scope<'a>(
    data: &'a Dataset,
    plan: &'a Plan,
    sel: &'a Selection,
) -> impl Iterator<Item = (usize, usize)> + Clone + 'a {
    let ps = data.roster.len();
    let ks = plan.calendar.len();
    let np = if sel.participants.is_empty() {
        ps
    } else {
        sel.participants.len()
    };
    let nk = if sel.periods.is_empty() {
        ks
    } else {
        sel.periods.len()
    };
    (0..np).flat_map(move |i| {
        let p = sel.participants.get(i).copied().unwrap_or(i);
        (0..nk).map(move |j| (p, sel.periods.get(j).copied().unwrap_or(j)))
    })
}

/// Render results in a format.
pub fn render(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    sel: &Selection,
    format: Format,
) -> String {
    let mut out: Vec<u8> = Vec::new();
    let _ = write(plan, data, results, sel, format, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Write results in a format, row by row: the output is never held whole in memory.
pub fn write(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    sel: &Selection,
    format: Format,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => table(plan, data, results, sel, w),
        Format::Csv => csv(plan, data, results, sel, w),
        Format::Json => json(plan, data, results, sel, w),
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

fn csv_field(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// A text cell for CSV that a spreadsheet will not run as a formula (OWASP "CSV injection"):
/// text starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` and is
/// quoted. Only text goes through here: numbers such as `-12.50` are written as they are.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("\"'{}\"", s.replace('"', "\"\"")))
    } else {
        csv_field(s)
    }
}

/// A CSV cell of a value of type `ty`: text neutralised ([`csv_text`]), anything else quoted
/// only when it has to be.
pub fn csv_cell<'s>(ty: &Type, s: &'s str) -> Cow<'s, str> {
    if *ty == Type::Text {
        csv_text(s)
    } else {
        csv_field(s)
    }
}

fn csv(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    sel: &Selection,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let defs = reported(plan);
    let mut out = String::from("participant,period");
    for &d in &defs {
        out.push(',');
        out.push_str(&plan.defs[d].name);
    }
    out.push('\n');
    for (p, k) in each_scope(data, plan, sel) {
        out.push_str(&csv_text(&data.roster.ids[p]));
        out.push(',');
        out.push_str(&csv_text(&plan.calendar.periods[k].id));
        for &d in &defs {
            out.push(',');
            let text = cell(plan, data, results, d, p, k, false);
            out.push_str(&csv_cell(&plan.defs[d].ty, &text));
        }
        out.push('\n');
        if out.len() >= 1 << 16 {
            w.write_all(out.as_bytes())?;
            out.clear();
        }
    }
    w.write_all(out.as_bytes())
}

/// What the table's title says about the digits shown; it must match `value_text`.
pub const TABLE_DIGITS: &str = "payouts rounded as the plan says, amounts and percents shown to 2 decimals, other numbers to at most 4 (csv/json are exact)";

fn table(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    sel: &Selection,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let defs = reported(plan);
    let mut header: Vec<String> = vec!["participant".into(), "period".into()];
    header.extend(defs.iter().map(|&d| plan.defs[d].name.clone()));
    // Text from data or the plan is shown with control characters escaped.
    let row = |p: usize, k: usize| -> Vec<String> {
        let mut r = vec![
            escape(&data.roster.ids[p]).into_owned(),
            escape(&plan.calendar.periods[k].id).into_owned(),
        ];
        r.extend(
            defs.iter()
                .map(|&d| escape(&cell(plan, data, results, d, p, k, true)).into_owned()),
        );
        r
    };
    // First pass: the column widths, from the values, without keeping them.
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for (p, k) in each_scope(data, plan, sel) {
        for (c, v) in row(p, k).iter().enumerate() {
            widths[c] = widths[c].max(v.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — amounts in {}; {TABLE_DIGITS}",
        escape(&plan.name),
        plan.currency
    );
    let line = |out: &mut String, r: &[String]| {
        let begin = out.len();
        for (c, v) in r.iter().enumerate() {
            if c > 0 {
                out.push_str("  ");
            }
            let pad = widths[c].saturating_sub(v.chars().count());
            if c < 2 {
                out.push_str(v);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(v);
            }
        }
        let trimmed = begin + out[begin..].trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&mut out, &header);
    // Second pass: the rows, written as they are formatted.
    for (p, k) in each_scope(data, plan, sel) {
        line(&mut out, &row(p, k));
        if out.len() >= 1 << 16 {
            w.write_all(out.as_bytes())?;
            out.clear();
        }
    }
    w.write_all(out.as_bytes())
}

#[derive(Serialize)]
struct JsonOut<'a, R: Serialize> {
    plan: &'a str,
    currency: &'a str,
    columns: Vec<JsonColumn<'a>>,
    results: R,
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

/// The result rows, serialised one at a time as the serializer asks for them.
struct JsonRows<'a> {
    plan: &'a Plan,
    data: &'a Dataset,
    results: &'a Results,
    sel: &'a Selection,
    defs: &'a [usize],
}

impl Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (plan, data, results, defs) = (self.plan, self.data, self.results, self.defs);
        s.collect_seq(each_scope(data, plan, self.sel).map(|(p, k)| {
            JsonRow {
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
            }
        }))
    }
}

fn json(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    sel: &Selection,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
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
        results: JsonRows {
            plan,
            data,
            results,
            sel,
            defs: &defs,
        },
    };
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut buf, &out).map_err(|e| match e.io_error_kind() {
        Some(kind) => std::io::Error::from(kind),
        None => std::io::Error::other(e),
    })?;
    std::io::Write::write_all(&mut buf, b"\n")?;
    std::io::Write::flush(&mut buf)
}
