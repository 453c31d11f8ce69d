//! issue 10, statements: one participant's pay statement for one period — each line a
//! definition's settled value under a section (earned, true-up, draw, recovery, clawback,
//! previously paid, balance), the total, and whether the paid lines add up to it — as JSON
//! (`ignition.statement/1`) and CSV; `statement_html.rs` renders it as a page. Every value
//! is read from the evaluation's results and every line's explanation is the explain tree
//! of its definition ([`crate::trace::explain`]): nothing is computed again, except the sum
//! of the paid lines that the statement checks against `total`.

use super::csv_text;
use crate::data::Dataset;
use crate::eval::Results;
use crate::ir::{DefId, DefKind, Plan, Section, Value};
use crate::num::Num;
use crate::trace::{self, Node};
use serde::Serialize;

/// The version of the statement's JSON form.
pub const SCHEMA: &str = "ignition.statement/1";

/// One participant's statement for one period.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    /// `ignition.statement/1`.
    pub schema: &'static str,
    /// The plan's title.
    pub plan: String,
    /// The plan file.
    pub file: String,
    /// The participant's id.
    pub participant: String,
    /// The period's name.
    pub period: String,
    /// Its first day.
    pub period_start: String,
    /// Its last day.
    pub period_end: String,
    /// The currency of the amounts.
    pub currency: String,
    /// The lines, paid sections first (in section order, then as the plan lists them), then
    /// `previously paid` and `balance`.
    pub lines: Vec<Line>,
    /// `total`: what is paid in the period (exact; none when it has no value).
    pub total: Option<String>,
    /// The sum of the paid lines (none when one of them has no value).
    pub lines_sum: Option<String>,
    /// The paid lines plus the limit on `total` equal `total`.
    pub adds_up: bool,
    /// The check in words, as the statement shows it.
    pub check: String,
    /// `total`'s explanation.
    pub total_explanation: Node,
    /// issue 10, currencies: the statement in the participant's pay currency (`participants
    /// … paid in`), when the plan has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pay: Option<PayStatement>,
}

/// issue 10, currencies: what is paid, in the participant's pay currency.
#[derive(Debug, Clone, Serialize)]
pub struct PayStatement {
    /// The currency (ISO 4217).
    pub currency: String,
    /// The total paid in it (the sum of the paid lines' pay amounts).
    pub total: Option<String>,
    /// How the amounts got there, in words: the rate, its FX row, the rounding (read from
    /// the explanation of the first paid line).
    pub conversion: Vec<String>,
}

/// One line of a statement.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The section's word (`earned`, `true-up`, …, `previously paid`, `balance`); `other` for a
    /// payout the plan's `statement` block does not list; `total limit` for the change a cap
    /// or floor on `total` made.
    pub section: String,
    /// The definition's name (`total` for the limit line).
    pub name: String,
    /// The exact value (none when it could not be computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why there is no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether the line is paid in the period (counted towards `total`).
    pub paid: bool,
    /// issue 10, currencies: the line in the participant's pay currency (a payout's pay
    /// figure, rounded to the currency's minor unit), when the plan has `paid in`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pay_value: Option<String>,
    /// The anchor of the line's explanation in the HTML statement (`#line-NAME`).
    pub anchor: String,
    /// The definition's explanation (explain's tree, `ignition.explain/2` nodes).
    pub explanation: Node,
}

/// The lines a plan's statements have: its `statement` block's, then the payouts it does
/// not list (section `None`: the checker warns about them); without a block, every payout
/// is `earned`.
pub fn layout(plan: &Plan) -> Vec<(Option<Section>, DefId)> {
    let payouts = DefId::all(plan.defs.len()).filter(|&d| plan.defs[d].kind == DefKind::Payout);
    let Some(spec) = &plan.statement else {
        return payouts.map(|d| (Some(Section::Earned), d)).collect();
    };
    let mut out = Vec::new();
    for s in Section::ALL {
        out.extend(
            spec.lines
                .iter()
                .filter(|l| l.section == s)
                .map(|l| (Some(s), l.def)),
        );
    }
    let unlisted: Vec<_> = payouts
        .filter(|&d| !spec.lines.iter().any(|l| l.def == d))
        .map(|d| (None, d))
        .collect();
    // Unlisted payouts are paid: they go after the paid sections, before `previously paid`.
    let at = out
        .iter()
        .position(|(s, _)| s.is_some_and(|s| !s.is_paid()))
        .unwrap_or(out.len());
    out.splice(at..at, unlisted);
    out
}

fn value_of(
    results: &Results,
    strings: &crate::intern::Interner,
    d: DefId,
    p: usize,
    k: usize,
) -> Result<(String, Option<Num>), String> {
    match results.get(d, p, k) {
        Ok(Value::Num(n)) => Ok((money_text(n), Some(n.clone()))),
        Ok(v) => Ok((v.exact(strings), None)),
        Err(e) => Err(e.kind.to_string()),
    }
}

/// Exact amount text with at least two decimals.
fn money_text(n: &Num) -> String {
    crate::render::at_least(n.normalize(), 2)
}

/// The anchor of a definition's line.
fn anchor(name: &str) -> String {
    let mut out = String::from("line-");
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        }
    }
    out
}

/// Build the statement of participant `p` in period `k`.
pub fn build(plan: &Plan, data: &Dataset, results: &Results, p: usize, k: usize) -> Statement {
    let explain = |d: DefId| -> Node {
        let e = trace::explain(plan, data, results, p, k, &[d]);
        e.nodes
            .into_iter()
            .next()
            .unwrap_or_else(|| empty_node(plan, d))
    };
    let mut lines = Vec::new();
    let pay_currency = super::pay_currency(plan, data, p);
    let mut sum: Option<Num> = Some(Num::ZERO);
    let mut missing: Vec<String> = Vec::new();
    for (section, d) in layout(plan) {
        let def = &plan.defs[d];
        let paid = section.is_none_or(Section::is_paid);
        let (value, error) = match value_of(results, &data.strings, d, p, k) {
            Ok((text, n)) => {
                if paid {
                    sum = match (sum, n) {
                        (Some(s), Some(n)) => s.checked_add(&n),
                        _ => None,
                    };
                }
                (Some(text), None)
            }
            Err(why) => {
                if paid {
                    sum = None;
                }
                missing.push(def.name.clone());
                (None, Some(why))
            }
        };
        let pay_value = pay_currency
            .as_ref()
            .and_then(|c| match results.paid(d, p, k) {
                Some(Ok(v)) => Some(super::paid_text(v, c, false)),
                _ => None,
            });
        lines.push(Line {
            section: section.map_or("other", Section::word).to_string(),
            name: def.name.clone(),
            value,
            error,
            paid,
            pay_value,
            anchor: anchor(&def.name),
            explanation: explain(d),
        });
    }
    let total_def = plan.total();
    let total_explanation = explain(total_def);
    let total = value_of(results, &data.strings, total_def, p, k).ok();
    let total_num = total.as_ref().and_then(|(_, n)| n.clone());
    // The only gap allowed between the lines and `total`: a cap or floor on `total` (and
    // its rounding), which the explanation of `total` records as limits.
    let limited: Vec<&str> = total_explanation
        .limits
        .iter()
        .map(|l| l.kind.as_str())
        .collect();
    let cur = &plan.currency;
    let show = |n: &Num| crate::trace::text::show(&money_text(n), cur);
    // issue 10, currencies: the limit on the total in the pay currency: what it paid less
    // the paid lines.
    let pay_gap = pay_currency.as_ref().and_then(|c| {
        let num = |slot: Option<&crate::eval::Slot>| match slot {
            Some(Ok(Value::Num(n))) => Some(n.clone()),
            _ => None,
        };
        let mut lines_paid = Num::ZERO;
        for l in lines.iter().filter(|l| l.paid) {
            let d = plan.def_named(&l.name)?;
            lines_paid = lines_paid.checked_add(&num(results.paid(d, p, k))?)?;
        }
        let gap = num(results.paid(total_def, p, k))?.checked_sub(&lines_paid)?;
        Some(super::paid_text(&Value::Num(gap), c, false))
    });
    let (adds_up, check) = match (&sum, &total_num) {
        (Some(s), Some(t)) => match t.checked_sub(s) {
            Some(gap) if gap.is_zero() => (
                true,
                format!("The paid lines add up to the total, {}.", show(t)),
            ),
            Some(gap) if !limited.is_empty() => {
                let what = limited.join(" and ");
                // After the paid lines, before `previously paid` and `balance`.
                let at = lines.iter().position(|l| !l.paid).unwrap_or(lines.len());
                lines.insert(
                    at,
                    Line {
                        section: "total limit".into(),
                        name: "total".into(),
                        value: Some(money_text(&gap)),
                        error: None,
                        paid: true,
                        pay_value: pay_gap.clone(),
                        anchor: anchor("total"),
                        explanation: total_explanation.clone(),
                    },
                );
                (
                    true,
                    format!(
                        "The paid lines add up to {}; the {what} on the total changes that by {}, to {}.",
                        show(s),
                        show(&gap),
                        show(t)
                    ),
                )
            }
            Some(gap) => (
                false,
                format!(
                    "The paid lines add up to {}, not to the total {} (a difference of {}).",
                    show(s),
                    show(t),
                    show(&gap)
                ),
            ),
            None => (false, "The paid lines are too large to add up.".to_string()),
        },
        _ => (
            false,
            format!(
                "No value for {}: the statement cannot be added up.",
                if missing.is_empty() {
                    "total".to_string()
                } else {
                    missing.join(", ")
                }
            ),
        ),
    };
    // issue 10, currencies: the rate and rounding as the first paid line's explanation
    // records them (every payout of a participant and period uses the same rate).
    let pay = pay_currency.map(|currency| PayStatement {
        total: match results.paid(total_def, p, k) {
            Some(Ok(v)) => Some(super::paid_text(v, &currency, false)),
            _ => None,
        },
        conversion: lines
            .iter()
            .filter(|l| l.paid)
            .find_map(|l| l.explanation.pay.as_ref())
            .map(|pay| {
                let mut out: Vec<String> = pay
                    .conversion
                    .as_ref()
                    .map(trace::text::conversion_lines)
                    .unwrap_or_default();
                if let Some(i) = &pay.increment {
                    out.push(format!(
                        "each payout converted from its exact amount, rounded to {i} {}",
                        pay.mode
                    ));
                }
                out
            })
            .unwrap_or_default(),
        currency,
    });
    let period = &plan.calendar.periods[k];
    Statement {
        schema: SCHEMA,
        plan: plan.name.clone(),
        file: plan.source.name.clone(),
        participant: data.roster.ids[p].clone(),
        period: period.id.clone(),
        period_start: crate::render::day(period.start),
        period_end: crate::render::day(period.end),
        currency: plan.currency.clone(),
        lines,
        total: total.map(|(t, _)| t),
        lines_sum: sum.as_ref().map(money_text),
        adds_up,
        check,
        total_explanation,
        pay,
    }
}

/// A definition that produced no node (it cannot happen: each explained definition is a node).
fn empty_node(plan: &Plan, d: DefId) -> Node {
    let def = &plan.defs[d];
    let (line, column) = plan.source.line_col(def.span.start as usize);
    Node {
        id: def.name.clone(),
        kind: trace::NodeKind::Definition,
        name: Some(def.name.clone()),
        unit: crate::render::unit(&def.ty),
        error: Some("not explained".into()),
        source: trace::SourceRef {
            file: plan.source.name.clone(),
            line,
            column,
            start: def.span.start as usize,
            end: def.span.end as usize,
        },
        ..Node::default()
    }
}

/// The statement as JSON.
pub fn json(s: &Statement) -> String {
    let mut text =
        serde_json::to_string_pretty(s).unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"));
    text.push('\n');
    text
}

/// The CSV header.
pub const CSV_HEADER: &str = "participant,period,section,name,amount,currency,paid,explanation\n";

/// issue 10, currencies: the CSV header of a plan that pays in the participants'
/// currencies: each line's amount in the pay currency after the others.
pub const CSV_HEADER_PAID: &str =
    "participant,period,section,name,amount,currency,paid,explanation,pay_amount,pay_currency\n";

/// The CSV header of statements, with the pay currency's columns or not.
pub fn csv_header(pay: bool) -> &'static str {
    if pay {
        CSV_HEADER_PAID
    } else {
        CSV_HEADER
    }
}

/// The statement's rows as CSV (no header): the paid lines, the total, the lines not paid. Text is neutralised for
/// spreadsheets ([`csv_text`]); `explanation` is the line's place in the HTML statement
/// (`html_file#anchor`).
pub fn csv_rows(s: &Statement, html_file: &str) -> String {
    let mut out = String::new();
    let mut row = |section: &str,
                   name: &str,
                   value: Option<&str>,
                   paid: bool,
                   anchor: &str,
                   pay_value: Option<&str>| {
        let mut cells = vec![
            csv_text(&s.participant).into_owned(),
            csv_text(&s.period).into_owned(),
            csv_text(section).into_owned(),
            csv_text(name).into_owned(),
            value.unwrap_or("").to_string(),
            csv_text(&s.currency).into_owned(),
            if paid { "yes" } else { "no" }.to_string(),
            csv_text(&format!("{html_file}#{anchor}")).into_owned(),
        ];
        if let Some(pay) = &s.pay {
            cells.push(pay_value.unwrap_or("").to_string());
            cells.push(csv_text(&pay.currency).into_owned());
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    // As the page shows them: the paid lines, the total, then what is shown but not paid.
    let line = |l: &Line| {
        (
            l.section.clone(),
            l.name.clone(),
            l.value.clone(),
            l.paid,
            l.anchor.clone(),
            l.pay_value.clone(),
        )
    };
    let paid: Vec<_> = s.lines.iter().filter(|l| l.paid).map(line).collect();
    let shown: Vec<_> = s.lines.iter().filter(|l| !l.paid).map(line).collect();
    for (section, name, value, paid, anchor, pay) in &paid {
        row(
            section,
            name,
            value.as_deref(),
            *paid,
            anchor,
            pay.as_deref(),
        );
    }
    let pay_total = s.pay.as_ref().and_then(|p| p.total.as_deref());
    row(
        "total",
        "total",
        s.total.as_deref(),
        true,
        "total",
        pay_total,
    );
    for (section, name, value, paid, anchor, pay) in &shown {
        row(
            section,
            name,
            value.as_deref(),
            *paid,
            anchor,
            pay.as_deref(),
        );
    }
    out
}
