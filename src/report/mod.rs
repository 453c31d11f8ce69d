//! Run output: every KPI, payout and the total per participant and period, as a table, CSV or JSON.

// issue 11, dashboard
pub mod dashboard;
pub mod diff;
// issue 10, calendars
pub mod rollup;
// issue 10, statements
pub mod statement;
pub mod statement_html;

use crate::data::Dataset;
use crate::diagnostics::escape;
use crate::eval::Results;
use crate::ir::{DefId, DefKind, Plan, Value};
use crate::render::{self, group};
use crate::types::Type;
use rayon::prelude::*;
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
    /// issue 11, views: the reported definitions to print, in this order (none: all).
    pub columns: Option<Vec<DefId>>,
}

// issue 11, views
/// The definitions a selection prints: its `--columns`, or every reported one.
pub fn selected(plan: &Plan, sel: &Selection) -> Vec<DefId> {
    sel.columns.clone().unwrap_or_else(|| reported(plan))
}

/// A column's title in the table: a KPI's declared `label`, else its name.
fn title(plan: &Plan, d: DefId) -> String {
    let def = &plan.defs[d];
    def.meta
        .as_ref()
        .and_then(|m| m.label.clone())
        .unwrap_or_else(|| def.name.clone())
}

/// The definitions that are reported: KPIs and payouts in plan order, then `total`.
pub fn reported(plan: &Plan) -> Vec<DefId> {
    DefId::all(plan.defs.len())
        .filter(|&d| plan.defs[d].kind != DefKind::Let)
        .collect()
}

/// A value as printed: payouts rounded as the plan says, others exact.
pub fn value_text(plan: &Plan, data: &Dataset, def: DefId, v: &Value, display: bool) -> String {
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
                _ => exact(n, &d.ty),
            }
        }
        other => other.exact(&data.strings),
    }
}

/// issue 10, currencies: the currency participant `p` is paid in (`participants … paid in
/// COL`), or `None` when the plan pays in its own currency.
pub fn pay_currency(plan: &Plan, data: &Dataset, p: usize) -> Option<String> {
    let pay = plan.pay.as_ref()?;
    let tab = data.tables.get(plan.participants.index())?;
    let r = *data.roster.rows.get(p)? as usize;
    match &tab.columns.get(pay.column.index())?.data {
        crate::data::ColumnData::Text(v) => v
            .get(tab.at(pay.column, r))
            .map(|&s| data.strings.resolve(s).to_string()),
        _ => None,
    }
}

/// The definitions whose pay figure is reported beside them: the selected payouts and
/// total, when the plan pays in the participants' currencies.
pub fn paid_columns(plan: &Plan, defs: &[DefId]) -> Vec<DefId> {
    if plan.pay.is_none() {
        return Vec::new();
    }
    defs.iter()
        .copied()
        .filter(|&d| plan.defs[d].kind.is_paid())
        .collect()
}

/// issue 10, currencies: a pay figure as printed, with the currency's minor unit of
/// decimals (`900000` JPY, `1234.50` GBP), grouped for people.
pub fn paid_text(v: &Value, currency: &str, display: bool) -> String {
    let Value::Num(n) = v else {
        return String::new();
    };
    let places = crate::currency::minor_unit(currency).unwrap_or(2);
    let text = render::at_least(n.approx().normalize(), places);
    if display {
        group(&text)
    } else {
        text
    }
}

fn paid_cell(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    d: DefId,
    p: usize,
    k: usize,
    display: bool,
) -> String {
    let currency = pay_currency(plan, data, p).unwrap_or_default();
    match results.paid(d, p, k) {
        Some(Ok(v)) => paid_text(v, &currency, display),
        _ => "ERROR".into(),
    }
}

fn is_payout(k: DefKind) -> bool {
    matches!(k, DefKind::Payout | DefKind::Total)
}

/// A number of type `ty` as CSV writes it (`value_text` without display): exact, amounts
/// with two decimals.
pub fn exact_text(n: &crate::num::Num, ty: &Type) -> String {
    exact(n.approx(), ty)
}

/// Exact decimal text of a value of type `ty`: no trailing zeros, except that amounts keep
/// two decimals.
fn exact(n: Decimal, ty: &Type) -> String {
    let mut text = String::new();
    render::push_exact(&mut text, n, exact_places(ty));
    text
}

/// The decimals exact text keeps at least: two for an amount, else none.
fn exact_places(ty: &Type) -> u32 {
    if matches!(ty, Type::Money(_)) {
        2
    } else {
        0
    }
}

fn unit(plan: &Plan, def: DefId) -> String {
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
    d: DefId,
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
    let defs = selected(plan, sel);
    let paid = paid_columns(plan, &defs);
    let mut out = String::from("participant,period");
    for &d in &defs {
        out.push(',');
        out.push_str(&plan.defs[d].name);
    }
    // issue 10, currencies: the pay currency, then each payout as paid in it.
    if plan.pay.is_some() {
        out.push_str(",pay_currency");
    }
    for &d in &paid {
        out.push(',');
        out.push_str(&plan.defs[d].name);
        out.push_str(".paid");
    }
    out.push('\n');
    w.write_all(out.as_bytes())?;
    // Rows are formatted in parallel, a slice of scopes each, and written in order (issue 12,
    // speed: at 20,000 participants, formatting exact values is a good part of a run).
    let scopes: Vec<(usize, usize)> = each_scope(data, plan, sel).collect();
    let texts: Vec<String> = scopes
        .par_chunks(512)
        .map(|slice| {
            let mut out = String::new();
            for (i, &(p, k)) in slice.iter().enumerate() {
                if i == 1 {
                    // Room for the slice's rows at the first one's length and a half: one
                    // allocation, not a dozen regrowths and copies.
                    out.reserve(out.len() * slice.len() * 3 / 2);
                }
                out.push_str(&csv_text(&data.roster.ids[p]));
                out.push(',');
                out.push_str(&csv_text(&plan.calendar.periods[k].id));
                for &d in &defs {
                    out.push(',');
                    let ty = &plan.defs[d].ty;
                    match results.get(d, p, k) {
                        // A number's text is digits, a sign and a point: nothing to quote.
                        Ok(Value::Num(n)) => {
                            render::push_exact(&mut out, n.approx(), exact_places(ty))
                        }
                        _ => {
                            out.push_str(&csv_cell(ty, &cell(plan, data, results, d, p, k, false)))
                        }
                    }
                }
                if plan.pay.is_some() {
                    out.push(',');
                    out.push_str(&csv_text(&pay_currency(plan, data, p).unwrap_or_default()));
                }
                for &d in &paid {
                    out.push(',');
                    out.push_str(&paid_cell(plan, data, results, d, p, k, false));
                }
                out.push('\n');
            }
            out
        })
        .collect();
    for t in texts {
        w.write_all(t.as_bytes())?;
    }
    Ok(())
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
    let defs = selected(plan, sel);
    let paid = paid_columns(plan, &defs);
    let mut header: Vec<String> = vec!["participant".into(), "period".into()];
    header.extend(defs.iter().map(|&d| escape(&title(plan, d)).into_owned()));
    // issue 10, currencies: the pay currency, then each payout as paid in it.
    if plan.pay.is_some() {
        header.push("paid in".into());
    }
    header.extend(
        paid.iter()
            .map(|&d| format!("{} (paid)", escape(&title(plan, d)))),
    );
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
        if plan.pay.is_some() {
            r.push(escape(&pay_currency(plan, data, p).unwrap_or_default()).into_owned());
        }
        r.extend(
            paid.iter()
                .map(|&d| paid_cell(plan, data, results, d, p, k, true)),
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
        "{} — amounts in {}{}; {TABLE_DIGITS}",
        escape(&plan.name),
        plan.currency,
        if plan.pay.is_some() {
            ", (paid) in each participant's currency to its minor unit"
        } else {
            ""
        }
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
    /// issue 11, kpi intent: a KPI's declared label and category.
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRow {
    participant: String,
    period: String,
    values: indexmap::IndexMap<String, Option<String>>,
    /// issue 10, currencies: the currency the participant is paid in (`paid in`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_currency: Option<String>,
    /// issue 10, currencies: each payout and the total as paid in it.
    #[serde(skip_serializing_if = "indexmap::IndexMap::is_empty")]
    paid: indexmap::IndexMap<String, Option<String>>,
}

/// The result rows, serialised one at a time as the serializer asks for them.
struct JsonRows<'a> {
    plan: &'a Plan,
    data: &'a Dataset,
    results: &'a Results,
    sel: &'a Selection,
    defs: &'a [DefId],
}

impl Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (plan, data, results, defs) = (self.plan, self.data, self.results, self.defs);
        let paid = paid_columns(plan, defs);
        s.collect_seq(each_scope(data, plan, self.sel).map(|(p, k)| {
            let currency = pay_currency(plan, data, p);
            JsonRow {
                paid: paid
                    .iter()
                    .map(|&d| {
                        (
                            plan.defs[d].name.clone(),
                            match (results.paid(d, p, k), &currency) {
                                (Some(Ok(v)), Some(c)) => Some(paid_text(v, c, false)),
                                _ => None,
                            },
                        )
                    })
                    .collect(),
                pay_currency: currency.clone(),
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
    let defs = selected(plan, sel);
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
                label: plan.defs[d].meta.as_ref().and_then(|m| m.label.as_deref()),
                category: plan.defs[d]
                    .meta
                    .as_ref()
                    .and_then(|m| m.category.as_deref()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn csv_text_that_starts_a_formula_is_neutralised() {
        assert_eq!(csv_text("=SUM(A1)"), "\"'=SUM(A1)\"");
        assert_eq!(csv_text("@x"), "\"'@x\"");
        assert_eq!(csv_text("-2+3"), "\"'-2+3\"");
        assert_eq!(csv_text("=\"q\""), "\"'=\"\"q\"\"\"");
        // Numbers are written as they are; text only when it is text.
        assert_eq!(csv_cell(&Type::Money("EUR".into()), "-12.50"), "-12.50");
        assert_eq!(csv_cell(&Type::Text, "-12.50"), "\"'-12.50\"");
    }

    /// Two reps with a label and an amount: the label and an eighth of the amount reported,
    /// and a payout of twice the amount; the first quarter only.
    fn sample(format: Format) -> String {
        let plan = "plan \"Bonus\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n  input reps key id { id: text\n    label: text\n    amount: money }\n  participants reps\n  kpi label_k = label\n  kpi eighth = amount / 8\n  payout bonus = amount * 2\n}\n";
        let Ok(checked) = crate::compile_str("bonus.plan", plan) else {
            return "the plan does not check".into();
        };
        let Ok(dir) = tempfile::tempdir() else {
            return "no temporary folder".into();
        };
        let reps = "id,label,amount\nr1,=x,1234.5\nr2,\"a,b\",0.5\n";
        if std::fs::write(dir.path().join("reps.csv"), reps).is_err() {
            return "cannot write the data".into();
        }
        let sources = crate::data::Sources::from_args(&[dir.path().display().to_string()]);
        let options = crate::data::Options { strict: false };
        let Ok((data, _)) = crate::data::load(&checked.plan, &sources, options) else {
            return "the data does not load".into();
        };
        let results = crate::eval::evaluate(&checked.plan, &data);
        let sel = Selection {
            participants: Vec::new(),
            periods: vec![0],
            columns: None,
        };
        render(&checked.plan, &data, &results, &sel, format)
    }

    #[test]
    fn csv_is_exact_and_neutralises_text() {
        // eighth = amount / 8: 1234.5 / 8 = 154.3125 and 0.5 / 8 = 0.0625, exact; bonus =
        // 2 × amount: 2469 and 1, amounts written with two decimals at least; the label `=x`
        // is neutralised, `a,b` quoted.
        assert_eq!(
            sample(Format::Csv),
            "participant,period,label_k,eighth,bonus,total\n\
             r1,2026-Q1,\"'=x\",154.3125,2469.00,2469.00\n\
             r2,2026-Q1,\"a,b\",0.0625,1.00,1.00\n"
        );
    }

    #[test]
    fn the_table_is_aligned_and_rounds_for_people() {
        // The KPI amounts to the cent, half-even: 154.3125 → 154.31, 0.0625 → 0.06. Widths:
        // participant 11, period 7, label_k 7, eighth 6 (`154.31`), bonus and total 8
        // (`2,469.00`); ids and periods left-aligned, values right-aligned.
        let expected = format!(
            "Bonus — amounts in EUR; {TABLE_DIGITS}\n\
             participant  period   label_k  eighth     bonus     total\n\
             r1           2026-Q1       =x  154.31  2,469.00  2,469.00\n\
             r2           2026-Q1      a,b    0.06      1.00      1.00\n"
        );
        assert_eq!(sample(Format::Table), expected);
    }
}
