//! The explanation as a tree in the terminal.

use super::{Explanation, Node, NodeKind};
use crate::render::group;
use rust_decimal::Decimal;
use std::fmt::Write;

/// How many rows of an aggregate are listed before the rest are folded.
pub const DEFAULT_ROWS: usize = 10;

/// A value with its unit, for people: amounts to the cent, percents to 0.01 %, numbers to
/// four decimals, each marked ≈ when the exact value (in JSON) has more.
pub fn show(value: &str, unit: &str) -> String {
    let Ok(n) = value.parse::<Decimal>() else {
        return match (unit, value) {
            ("text", v) => format!("\"{v}\""),
            ("bool", "true") => "yes".into(),
            ("bool", "false") => "no".into(),
            (_, v) => v.to_string(),
        };
    };
    if unit == "percent" {
        // Two decimals of a percent are four of the fraction; the point moves in the text,
        // so a huge percent cannot overflow.
        let shown = n.round_dp(4);
        let approx = if shown != n { "≈" } else { "" };
        return format!("{approx}{}%", group(&crate::render::percent(shown, None)));
    }
    let (n, places, suffix) = match unit {
        "number" => (n, 4, String::new()),
        "integer" => (n, 0, String::new()),
        "days" => (n, 2, " days".to_string()),
        cur => (n, 2, format!(" {cur}")),
    };
    let money = !matches!(unit, "percent" | "number" | "integer" | "days");
    let shown = n.round_dp(places);
    let approx = shown != n;
    let text = group(&shown.normalize_keep(money));
    format!("{}{text}{suffix}", if approx { "≈" } else { "" })
}

trait NormalizeKeep {
    fn normalize_keep(self, money: bool) -> String;
}

impl NormalizeKeep for Decimal {
    fn normalize_keep(self, money: bool) -> String {
        crate::render::at_least(self.normalize(), if money { 2 } else { 0 })
    }
}

/// Render an explanation; `rows` is how many rows of each aggregate to list (`None`: all).
pub fn render(e: &Explanation, rows: Option<usize>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} in {}", e.plan, e.participant, e.period);
    for n in &e.nodes {
        out.push('\n');
        node(&mut out, n, "", "", rows);
    }
    // Text from data (a participant id, a cell) reaches a terminal: no raw escape sequences.
    crate::diagnostics::escape_lines(&out).into_owned()
}

fn value_of(n: &Node) -> String {
    match (&n.value, &n.error) {
        (Some(v), _) => show(v, &n.unit),
        (None, Some(err)) => format!("no value: {err}"),
        _ => "no value".into(),
    }
}

/// An expression on one line (plans may break long ones).
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn headline(n: &Node) -> String {
    let expr = one_line(&n.expr);
    let scope = match (&n.participant, &n.period) {
        (Some(p), Some(k)) => format!("[{p}, {k}] "),
        (Some(p), None) => format!("[{p}] "),
        (None, Some(k)) => format!("[{k}] "),
        (None, None) => String::new(),
    };
    let at = format!("line {}", n.source.line);
    let line = match n.kind {
        NodeKind::Definition => format!(
            "{scope}{} = {}    {expr}    {at}",
            n.name.as_deref().unwrap_or(""),
            value_of(n)
        ),
        NodeKind::Reference if n.participant.is_none() && n.period.is_none() => {
            format!(
                "{} = {}    (explained above)",
                n.name.as_deref().unwrap_or(""),
                value_of(n)
            )
        }
        NodeKind::Reference => format!(
            "{scope}{} = {}",
            n.name.as_deref().unwrap_or(""),
            value_of(n)
        ),
        NodeKind::Column => format!(
            "{scope}{} = {}    (roster column)",
            n.name.as_deref().unwrap_or(""),
            value_of(n)
        ),
        _ => format!("{scope}{expr} = {}    {at}", value_of(n)),
    };
    match n.role.as_deref() {
        Some(role) => format!("{role}: {line}"),
        None => line,
    }
}

fn node(out: &mut String, n: &Node, first: &str, rest: &str, rows: Option<usize>) {
    let mark = if n.changed { "≠ " } else { "" };
    let _ = writeln!(out, "{first}{mark}{}", headline(n));
    let detail = |out: &mut String, text: String| {
        let _ = writeln!(out, "{rest}  · {text}");
    };
    if let Some(r) = &n.rounding {
        let before = show(&r.unrounded, &n.unit);
        if Some(before.as_str()) != n.value.as_deref().map(|v| show(v, &n.unit)).as_deref() {
            detail(
                out,
                format!("rounded to {} {} from {before}", r.increment, r.mode),
            );
        }
    }
    if n.kind == NodeKind::Definition && n.name.as_deref() == Some("total") && n.rounding.is_some()
    {
        detail(
            out,
            "the payouts are added as paid (each rounded); the total is rounded after its cap and floor"
                .to_string(),
        );
    }
    if let Some(g) = &n.gate {
        if g.open {
            detail(out, format!("when {}: yes, paid", g.condition));
        } else {
            detail(out, format!("when {}: no, so this pays 0", g.condition));
        }
    }
    for l in &n.limits {
        let change = l.change.parse::<Decimal>().unwrap_or_default();
        let effect = if change.is_zero() {
            "no effect".to_string()
        } else if change < Decimal::ZERO {
            format!("removed {}", show(&(-change).to_string(), &n.unit))
        } else {
            format!("added {}", show(&change.to_string(), &n.unit))
        };
        detail(
            out,
            format!(
                "{} at {} = {}: {} → {} ({effect})",
                l.kind,
                l.expr,
                show(&l.bound, &n.unit),
                show(&l.before, &n.unit),
                show(&l.after, &n.unit)
            ),
        );
    }
    if let Some(f) = &n.fallback {
        detail(out, format!("fallback taken: {f}"));
    }
    if let Some(r) = &n.rates {
        match r.mode.as_str() {
            "marginal" => {
                let u = r.input_unit.as_str();
                detail(
                    out,
                    format!(
                        "`{}` applied marginally to {}; band edges are shares of {}",
                        r.table,
                        show(&r.input, u),
                        r.scale.as_deref().map_or("1".to_string(), |x| show(x, u))
                    ),
                );
                for b in &r.bands {
                    let to = b.to.as_deref().map_or("∞".to_string(), |t| show(t, u));
                    detail(
                        out,
                        format!(
                            "  {:<22} {} – {}: slice {} × {} = {}",
                            one_line(&b.written),
                            show(b.from.as_deref().unwrap_or("0"), u),
                            to,
                            show(b.slice.as_deref().unwrap_or("0"), u),
                            show(&b.rate, &r.value_unit),
                            show(b.amount.as_deref().unwrap_or("0"), u)
                        ),
                    );
                }
            }
            mode => {
                for b in &r.bands {
                    detail(
                        out,
                        format!(
                            "{mode} `{}`: {} falls in band `{}`",
                            r.table,
                            show(&r.input, &r.input_unit),
                            one_line(&b.written)
                        ),
                    );
                }
            }
        }
    }
    if let Some(rs) = &n.rows {
        let col = rs
            .column
            .as_deref()
            .map(|c| format!(", column {c}"))
            .unwrap_or_default();
        let plural = |n: u64, w: &str| {
            if n == 1 {
                format!("1 {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        detail(
            out,
            format!(
                "{} of {}{col}; {} of this participant and period did not match the filter",
                plural(rs.count as u64, "row"),
                rs.file,
                plural(rs.excluded, "other row")
            ),
        );
        let limit = rows.unwrap_or(usize::MAX);
        for r in rs.list.iter().take(limit) {
            let vals: Vec<String> = r
                .values
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{k} {}",
                        show(v, rs.units.get(k).map_or("text", String::as_str))
                    )
                })
                .collect();
            detail(
                out,
                format!(
                    "  {:<12} {:<40} {}:{}",
                    r.key.as_deref().unwrap_or("-"),
                    vals.join(", "),
                    rs.file,
                    r.line
                ),
            );
        }
        if rs.list.len() > limit {
            let rest = &rs.list[limit..];
            let sum: Option<Decimal> = rs.column.as_ref().and_then(|c| {
                rest.iter()
                    .map(|r| r.values.get(c).and_then(|v| v.parse::<Decimal>().ok()))
                    .sum()
            });
            let unit = rs
                .column
                .as_ref()
                .and_then(|c| rs.units.get(c))
                .map_or("number", String::as_str);
            let sum = sum
                .map(|s| format!(", sum {}", show(&s.to_string(), unit)))
                .unwrap_or_default();
            detail(
                out,
                format!(
                    "  … and {} more rows{sum} (--rows all lists them)",
                    rest.len()
                ),
            );
        }
    }
    let count = n.children.len();
    for (i, c) in n.children.iter().enumerate() {
        let last = i + 1 == count;
        let (f, r) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        node(out, c, &format!("{rest}{f}"), &format!("{rest}{r}"), rows);
    }
}
