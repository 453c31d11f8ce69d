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
    // issue 11: the data cut of `--as-of`
    if let Some(cut) = &e.as_of {
        let _ = writeln!(out, "{}", as_of_line(cut, &e.period));
    }
    // issue 9: the params in force, each with where its value comes from
    if !e.params.is_empty() {
        let params: Vec<String> = e
            .params
            .iter()
            .map(|p| {
                let from = if p.origin == "plan" {
                    format!("line {}", p.source.line)
                } else {
                    p.origin.clone()
                };
                format!("{} = {} ({from})", p.name, show(&p.value, &p.unit))
            })
            .collect();
        let _ = writeln!(out, "params: {}", params.join(", "));
    }
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
        // issue 9: a param and where its value comes from
        NodeKind::Param => {
            let from = match n.origin.as_deref() {
                Some("plan") | None => format!("param, {at}"),
                Some(set) => format!("param, {set}"),
            };
            format!(
                "{} = {}    ({from})",
                n.name.as_deref().unwrap_or(""),
                value_of(n)
            )
        }
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
    if let Some(c) = &n.call {
        let args: Vec<String> = c
            .arguments
            .iter()
            .map(|a| format!("{} = {}", a.name, show(&a.value, &a.unit)))
            .collect();
        let args = if args.is_empty() {
            "no arguments".to_string()
        } else {
            args.join(", ")
        };
        detail(out, format!("{} with {args}", c.function));
    }
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
        let answer = match (g.open, g.paid) {
            (true, true) => "yes, paid",
            (false, true) => "no, so this pays 0",
            (true, false) => "yes",
            (false, false) => "no, so this is 0",
        };
        detail(out, format!("when {}: {answer}", g.condition));
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
    if let Some(p) = &n.proration {
        let what = if p.by == "months" {
            "months with an active day"
        } else {
            "days active"
        };
        let range = match (&p.from, &p.to) {
            (Some(f), Some(t)) => format!(" ({f} – {t})"),
            _ => String::new(),
        };
        if p.uncovered.is_some() {
            // issue 10, assignments: the days counted are the rows' days in force.
            detail(
                out,
                format!(
                    "a row in force on {} of the {} days of the period{range}, each row by its days:",
                    p.active, p.of
                ),
            );
        } else {
            detail(out, format!("{} of {} {what}{range}", p.active, p.of));
        }
        for line in prorated_lines(p, &n.unit) {
            detail(out, line);
        }
    }
    if let Some(h) = &n.hierarchy {
        detail(out, hierarchy_line(h));
    }
    for line in kpi_lines(n) {
        detail(out, line);
    }
    // issue 11: a scorecard's measures, a cascaded target
    if let Some(sc) = &n.scorecard {
        for line in super::intent::scorecard_lines(sc) {
            detail(out, line);
        }
    }
    if let Some(c) = &n.cascade {
        detail(out, super::intent::cascade_line(c, &n.unit));
    }
    // issue 10, ledger
    if let Some(l) = &n.ledger {
        detail(out, ledger_line(l, &n.unit));
    }
    if let Some(p) = &n.paid {
        detail(out, paid_line(p, &n.unit));
    }
    // issue 10, clawbacks
    if let Some(c) = &n.clawback {
        for line in clawback_lines(c, &n.unit) {
            detail(out, line);
        }
    }
    if let Some(b) = &n.branch {
        let (answer, other) = if b.holds {
            ("yes", "else")
        } else {
            ("no", "then")
        };
        detail(
            out,
            format!(
                "if {}: {answer} → {}; {other} {} not evaluated",
                one_line(&b.condition),
                b.taken,
                one_line(&b.skipped)
            ),
        );
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
            mode if r.column.is_some() => {
                if let (Some(c), Some(b)) = (&r.column, r.bands.first()) {
                    detail(out, grid_line(r, b, c, mode));
                }
            }
            mode => {
                for b in &r.bands {
                    detail(
                        out,
                        format!(
                            "{mode} `{}`: {} falls in band `{}`, {}",
                            r.table,
                            show(&r.input, &r.input_unit),
                            one_line(&b.written),
                            interval(b, r.closed.as_deref(), &r.input_unit)
                        ),
                    );
                }
            }
        }
    }
    // issue 9, tables
    if let Some(c) = &n.curve {
        detail(out, curve_line(c));
    }
    if let Some(l) = &n.lookup {
        let (row, cells) = lookup_lines(l);
        detail(out, row);
        detail(out, format!("  {cells}"));
    }
    // issue 10, currencies
    if let Some(c) = &n.conversion {
        for line in conversion_lines(c) {
            detail(out, line);
        }
    }
    if let Some(p) = &n.pay {
        for line in pay_lines(p) {
            detail(out, line);
        }
    }
    if let Some(rs) = &n.rows {
        let col = rs
            .column
            .as_deref()
            .map(|c| {
                // issue 9, rows: an expression of each row rather than a column.
                if c.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
                    format!(", column {c}")
                } else {
                    format!(", each row's {c}")
                }
            })
            .unwrap_or_default();
        let plural = |n: u64, w: &str| {
            if n == 1 {
                format!("1 {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        // issue 9: `working_days(…, except: T.col)` lists the holidays it took off.
        let text = if n.expr.starts_with("working_days(") {
            format!(
                "{} of {}{col}, on a weekday of the range: not counted",
                plural(rs.count as u64, "holiday"),
                rs.file,
            )
        } else {
            format!(
                "{} of {}{col}; {} of this participant and period did not match the filter",
                plural(rs.count as u64, "row"),
                rs.file,
                plural(rs.excluded, "other row")
            )
        };
        detail(out, text);
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
                    "  {:<12} {:<40} {}",
                    r.key.as_deref().unwrap_or("-"),
                    vals.join(", "),
                    row_at(&rs.file, rs.row_word, r.line)
                ),
            );
            // issue 10, currencies: the rate each conversion of the row used.
            for c in &r.conversions {
                detail(out, format!("      {}", conversion_short(c)));
            }
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

/// issue 9, tables: where on a curve the value fell: the two points and the fraction of the
/// way between them, or the edge rule that applied.
pub(crate) fn curve_line(c: &crate::trace::CurveStep) -> String {
    let x = show(&c.input, &c.input_unit);
    let between = |p: &[crate::trace::PointStep]| match (p.first(), p.get(1), &c.fraction) {
        (Some(a), Some(_), Some(f)) if f == "0" => {
            format!("on the point `{}`", one_line(&a.written))
        }
        (Some(_), Some(b), Some(f)) if f == "1" => {
            format!("on the point `{}`", one_line(&b.written))
        }
        (Some(a), Some(b), Some(f)) => format!(
            "{} of the way from `{}` to `{}`",
            show(f, "number"),
            one_line(&a.written),
            one_line(&b.written)
        ),
        _ => String::new(),
    };
    match (&c.edge, &c.rule) {
        (Some(side), Some(rule)) => {
            let which = if side == "below" { "first" } else { "last" };
            let how = match rule.as_str() {
                "extrapolate" => format!(", extrapolated: {}", between(&c.points)),
                "hold" => match c.points.first() {
                    Some(p) => format!(": the value of `{}`", one_line(&p.written)),
                    None => String::new(),
                },
                _ => ": 0".to_string(),
            };
            format!(
                "interpolate `{}`: {x} is {side} the {which} point ({side}: {rule}){how}",
                c.curve
            )
        }
        _ => format!("interpolate `{}`: {x} is {}", c.curve, between(&c.points)),
    }
}

/// issue 9, tables: the band found as an interval with its closedness, `[80%, 100%)`,
/// `(80%, 100%]`, `[150%, ∞)`.
pub(crate) fn interval(b: &crate::trace::BandStep, closed: Option<&str>, unit: &str) -> String {
    let upper = closed == Some("(lo, hi]");
    let lo = b
        .from
        .as_deref()
        .map_or("-∞".to_string(), |x| show(x, unit));
    let hi = b.to.as_deref().map_or("∞".to_string(), |x| show(x, unit));
    let open_lo = upper || b.from.is_none();
    let open_hi = !upper || b.to.is_none();
    format!(
        "{}{lo}, {hi}{}",
        if open_lo { '(' } else { '[' },
        if open_hi { ')' } else { ']' }
    )
}

/// issue 9, tables: the cell of a two-measure table: the row and the column each value fell
/// in (bands with their closedness), and the cell's value.
pub(crate) fn grid_line(
    r: &crate::trace::RatesStep,
    b: &crate::trace::BandStep,
    c: &crate::trace::ColumnStep,
    mode: &str,
) -> String {
    let key = |v: &str, unit: &str, k: &crate::trace::BandStep| {
        if unit == "text" {
            one_line(&k.written)
        } else {
            format!(
                "`{}` ({} is in {})",
                one_line(&k.written),
                show(v, unit),
                interval(k, r.closed.as_deref(), unit)
            )
        }
    };
    let row = key(&r.input, &r.input_unit, b);
    let column = key(&c.input, &c.input_unit, &c.band);
    format!(
        "{mode} `{}`: row {row}, column {column}: cell {}",
        r.table,
        show(&b.rate, &r.value_unit)
    )
}

/// issue 10, assignments: the hierarchy a `team` or `org` read, from a manager history:
/// ``"the hierarchy in force on 2026-05-31 (reporting.csv): r1 → m2 (line 5), r2 → m2 (line 6)"``.
pub(super) fn hierarchy_line(h: &super::schema::HierarchyStep) -> String {
    let members: Vec<String> = h
        .members
        .iter()
        .map(|m| format!("{} → {} (line {})", m.participant, m.manager, m.line))
        .collect();
    let members = if members.is_empty() {
        "nobody".to_string()
    } else {
        members.join(", ")
    };
    format!("the hierarchy in force on {} ({}): {members}", h.on, h.file)
}

/// issue 10, assignments: each row a `prorate` of an effective-dated table weighed, and
/// the days no row was in force: ``"data/assignments.csv:2 (since 2026-01-01): quarterly_quota
/// 100,000 EUR × 45 days (2026-01-01 – 2026-02-14) / 90 = 50,000 EUR"``.
pub(super) fn prorated_lines(p: &super::schema::ProrationStep, unit: &str) -> Vec<String> {
    let mut out: Vec<String> = p
        .rows
        .iter()
        .map(|r| {
            let l = &r.row;
            format!(
                "`{}` {}:{}: {} {} × {} days ({} – {}) / {} = {}",
                l.table,
                l.file,
                l.line,
                l.column,
                show(&r.value, unit),
                r.days,
                r.from,
                r.to,
                p.of,
                show(&r.share, unit)
            )
        })
        .collect();
    if let Some(u) = p.uncovered.filter(|&u| u > 0) {
        out.push(format!(
            "{u} {} with no row in force: counted as zero",
            if u == 1 { "day" } else { "days" }
        ));
    }
    out
}

/// The row a lookup used, in words, and its cells (issue 9, reference tables):
/// ``"`fx`: the row for currency "USD" in force on 2026-03-31 is data/fx.csv:2"``.
pub(super) fn lookup_lines(l: &super::LookupStep) -> (String, String) {
    let cell = |k: &String, v: &String| {
        let unit = l.units.get(k).map_or("text", String::as_str);
        if v.is_empty() {
            format!("{k} (empty)")
        } else {
            format!("{k} {}", show(v, unit))
        }
    };
    let key: Vec<String> = l.key.iter().map(|(k, v)| cell(k, v)).collect();
    let key = if key.is_empty() {
        String::new()
    } else {
        format!(" for {}", key.join(", "))
    };
    let on =
        l.on.as_deref()
            .map_or(String::new(), |d| format!(" in force on {d}"));
    let row = format!("`{}`: the row{key}{on} is {}:{}", l.table, l.file, l.line);
    let cells: Vec<String> = l.values.iter().map(|(k, v)| cell(k, v)).collect();
    (row, cells.join(", "))
}

// issue 11, causes of a gap; comparison and trend
/// The data cut of `--as-of`, in words.
pub(super) fn as_of_line(cut: &super::schema::AsOfStep, period: &str) -> String {
    let to_date = match (cut.elapsed, cut.of) {
        (Some(e), Some(of)) => format!("; {period} to date: {e} of {of} days"),
        _ => String::new(),
    };
    format!(
        "as of {}: rows dated after it are not counted{to_date}",
        cut.date
    )
}

/// A signed value: `+` before a positive one.
fn signed(value: &str, unit: &str) -> String {
    let shown = show(value, unit);
    if value.starts_with('-') || value.parse::<Decimal>().is_ok_and(|d| d.is_zero()) {
        shown
    } else {
        format!("+{shown}")
    }
}

/// The lines of a node's `causes` and `comparison` blocks (text and HTML show the same).
pub(super) fn kpi_lines(n: &Node) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = &n.causes {
        let against = if c.vs == "prior" {
            "the prior period"
        } else {
            "target"
        };
        out.push(format!(
            "causes of the gap of {} to {against}: {} vs {} = {} (Shapley; positive is better)",
            c.kpi,
            show(&c.value, &c.unit),
            show(&c.reference, &c.unit),
            signed(&c.gap, &c.unit)
        ));
        for l in &c.lines {
            let what = match (l.part.as_str(), &l.driver) {
                ("driver", Some(d)) => d.clone(),
                ("value", _) => format!("{} is not its drivers multiplied", c.kpi),
                _ if c.vs == "prior" => "the prior value was not the drivers multiplied".into(),
                _ => "the target is not the drivers' targets multiplied".into(),
            };
            out.push(format!(
                "  {what}: {} vs {} → {}",
                show(&l.actual, &l.unit),
                show(&l.reference, &l.unit),
                signed(&l.effect, &c.unit)
            ));
        }
    }
    if let Some(c) = &n.comparison {
        match c.function.as_str() {
            "trend" => {
                let pts: Vec<String> = c
                    .points
                    .iter()
                    .map(|p| format!("{} {}", p.period, show(&p.value, &n.unit)))
                    .collect();
                out.push(format!(
                    "least-squares slope per period of {}",
                    pts.join(", ")
                ));
            }
            "pace" => out.push(format!(
                "to date: {} of {} days; projected × {} / {}",
                c.elapsed.unwrap_or(0),
                c.of.unwrap_or(0),
                c.of.unwrap_or(0),
                c.elapsed.unwrap_or(0)
            )),
            "team_avg" => out.push(format!(
                "{} of the team with a value, sum {}",
                c.members.unwrap_or(0),
                c.sum.as_deref().map_or(String::new(), |s| show(s, &n.unit))
            )),
            _ => out.push(format!(
                "within {}: {} with a value, {} better, {} worse",
                c.within.as_deref().unwrap_or(""),
                c.members.unwrap_or(0),
                c.better.unwrap_or(0),
                c.worse.unwrap_or(0)
            )),
        }
    }
    out
}
/// issue 10, ledger: a `prior(…, opening: …)` in one line: the opening taken, or the values
/// of the earlier periods back to the opening (text and HTML).
pub(crate) fn ledger_line(l: &super::schema::LedgerStep, unit: &str) -> String {
    let value = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "no value".to_string(), |v| show(v, unit))
    };
    if l.took == "opening" {
        return format!(
            "the first period: the opening {} = {}",
            l.opening,
            value(&l.opening_value)
        );
    }
    let mut parts: Vec<String> = Vec::new();
    let first = crate::eval::lag::CHAIN_FIRST;
    let near = l
        .chain
        .len()
        .saturating_sub(if l.omitted > 0 { first } else { 0 });
    for (i, c) in l.chain.iter().enumerate() {
        if i == near && l.omitted > 0 {
            parts.push(format!("… {} periods …", l.omitted));
        }
        parts.push(format!("{} {}", c.period, value(&c.value)));
    }
    parts.push(format!(
        "opening {} = {}",
        l.opening,
        value(&l.opening_value)
    ));
    format!(
        "`{}` back to the opening: {}",
        l.name.as_deref().unwrap_or("?"),
        parts.join(" ← ")
    )
}

/// issue 10, clawbacks: the rows cancelled in the period, each with what was taken back
/// on it and how (text and HTML).
pub(crate) fn clawback_lines(c: &super::schema::ClawbackStep, unit: &str) -> Vec<String> {
    if c.rows.is_empty() {
        return vec![format!(
            "takes back `{}` on the rows cancelled this period: none was",
            c.of
        )];
    }
    let mut out = vec![format!(
        "takes back `{}` on the rows cancelled this period within {} days of their credit date, each at its share of `{}` when paid:",
        c.of,
        c.window_days,
        one_line(&c.base)
    )];
    for r in &c.rows {
        let who = match &r.key {
            Some(k) => format!("{k} ({}:{})", r.file, r.line),
            None => format!("{}:{}", r.file, r.line),
        };
        let dates = format!(
            "credited {} ({}), cancelled {}, {} days later",
            r.credited, r.period, r.cancelled, r.days
        );
        let what = match r.outcome.as_str() {
            "taken" => {
                let v = |x: &Option<String>, u: &str| {
                    x.as_deref().map_or_else(String::new, |x| show(x, u))
                };
                let source = r
                    .source
                    .as_deref()
                    .map_or_else(String::new, |f| format!(" ({f})"));
                format!(
                    "{} {} {}{source} × {} / {} = {} taken back",
                    r.period,
                    if c.payout { "paid" } else { "was" },
                    v(&r.paid, unit),
                    v(&r.value, &c.base_unit),
                    v(&r.base_total, &c.base_unit),
                    v(&r.taken, unit)
                )
            }
            "after window" => format!(
                "cancelled after the {}-day window: nothing taken back",
                c.window_days
            ),
            _ => format!(
                "not counted by `{}` in {}: nothing was paid on it",
                one_line(&c.base),
                r.period
            ),
        };
        out.push(format!("  {who}: {dates}: {what}"));
    }
    out
}

/// issue 10, ledger: what `paid_to_date` added up, period by period.
pub(crate) fn paid_line(p: &[super::schema::ChainEntry], unit: &str) -> String {
    if p.is_empty() {
        return "paid before in this plan year: nothing (the year's first period)".to_string();
    }
    let parts: Vec<String> = p
        .iter()
        .map(|c| {
            let v = c
                .value
                .as_deref()
                .map_or_else(|| "no value".to_string(), |v| show(v, unit));
            match &c.source {
                Some(file) => format!("{} {v} ({file})", c.period),
                None => format!("{} {v}", c.period),
            }
        })
        .collect();
    format!("paid before in this plan year: {}", parts.join(" + "))
}
/// The rate a conversion used, in words, then its FX row and the row's cells (issue 10,
/// currencies): ``"USD → EUR at 0.92"``, or ``"USD → EUR at 1 / 1.25, the inverse of the
/// EUR → USD row"``.
pub fn conversion_lines(c: &super::ConversionStep) -> Vec<String> {
    let Some(row) = &c.row else {
        return vec![format!("already in {}: rate 1, no conversion", c.to)];
    };
    let cell = row.values.get(&row.column).cloned().unwrap_or_default();
    let rate = if c.inverse {
        // A factor that does not end (1 / 165) is shown as the division.
        let equals = if c.rate.len() <= 12 {
            format!(" = {}", c.rate)
        } else {
            String::new()
        };
        format!(
            "1 / {cell}{equals}, the inverse of the {} → {} row",
            c.to, c.from
        )
    } else {
        c.rate.clone()
    };
    let (found, cells) = lookup_lines(row);
    vec![
        format!("{} → {} at {rate}", c.from, c.to),
        found,
        format!("  {cells}"),
    ]
}

/// An amount exactly when it has few decimals (`1,303.305 GBP`, where a tie is rounded),
/// else as [`show`] does.
fn exactly(v: &str, unit: &str) -> String {
    match v.split_once('.') {
        Some((_, frac)) if frac.len() > 6 => show(v, unit),
        _ => format!("{} {unit}", group(v)),
    }
}

/// issue 10, currencies: a payout in the participant's pay currency: the amount paid, how
/// it was rounded, then the conversion of the exact payout (rate and FX row).
pub fn pay_lines(p: &super::PayStep) -> Vec<String> {
    let amount = format!("{} {}", group(&p.amount), p.currency);
    let Some(c) = &p.conversion else {
        return vec![format!(
            "paid in {}: {amount}, the sum of the payouts paid in {}",
            p.currency, p.currency
        )];
    };
    let same = |a: &str, b: &str| match (a.parse::<Decimal>(), b.parse::<Decimal>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    };
    let rounded = match &p.increment {
        Some(i) if !same(&p.unrounded, &p.amount) => format!(
            ", rounded to {i} {} from {}",
            p.mode,
            exactly(&p.unrounded, &p.currency)
        ),
        _ => String::new(),
    };
    let payout = p
        .payout
        .as_deref()
        .map(|x| exactly(x, &c.from))
        .unwrap_or_default();
    let mut lines = vec![format!(
        "paid in {}: {amount}: the exact payout {payout} at the rate below{rounded}",
        p.currency
    )];
    lines.extend(conversion_lines(c));
    lines
}

/// A conversion in one line, for the rows of an aggregate (issue 10, currencies).
pub(super) fn conversion_short(c: &super::ConversionStep) -> String {
    let mut lines = conversion_lines(c).into_iter();
    match (lines.next(), lines.next()) {
        (Some(rate), Some(row)) => format!("{rate}: {row}"),
        (Some(rate), None) => rate,
        _ => String::new(),
    }
}

/// Where a row is: `deals.csv:7` (a file's line), or `deals.parquet row 6` (issue 12,
/// sources: a row's number in a Parquet file or a database table).
pub(crate) fn row_at(file: &str, row_word: &str, n: u32) -> String {
    if row_word == "line" {
        format!("{file}:{n}")
    } else {
        format!("{file} {row_word} {n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Gate, LimitStep, NodeKind, RowRef, RowsStep};

    #[test]
    fn values_are_shown_with_their_unit_and_marked_when_rounded() {
        assert_eq!(show("8600", "EUR"), "8,600.00 EUR");
        assert_eq!(show("-1234.5", "EUR"), "-1,234.50 EUR");
        // 0.005 EUR is half a cent: shown to the cent (half-even → 0.00), marked ≈.
        assert_eq!(show("0.005", "EUR"), "≈0.00 EUR");
        assert_eq!(show("0.55", "percent"), "55%");
        // 0.533333 = 53.3333 %: two decimals of the percent are 53.33, marked ≈.
        assert_eq!(show("0.533333", "percent"), "≈53.33%");
        assert_eq!(show("12.5", "percent"), "1,250%");
        assert_eq!(show("1234.56789", "number"), "≈1,234.5679");
        assert_eq!(show("2", "integer"), "2");
        assert_eq!(show("3", "days"), "3 days");
        assert_eq!(show("Zoë", "text"), "\"Zoë\"");
        assert_eq!(show("true", "bool"), "yes");
        assert_eq!(show("false", "bool"), "no");
        assert_eq!(show("2026-03-31", "date"), "2026-03-31");
    }

    fn commission() -> Node {
        let mut n = Node::sample(
            NodeKind::Definition,
            Some("commission"),
            "8600",
            "EUR",
            "attainment * 10000",
            3,
        );
        n.gate = Some(Gate {
            open: true,
            condition: "active".into(),
            paid: true,
        });
        n.limits.push(LimitStep {
            kind: "cap".into(),
            expr: "8600".into(),
            before: "9000".into(),
            bound: "8600".into(),
            after: "8600".into(),
            change: "-400".into(),
        });
        n.children.push(Node::sample(
            NodeKind::Reference,
            Some("attainment"),
            "0.9",
            "percent",
            "attainment",
            3,
        ));
        n.children.push(Node::sample(
            NodeKind::Column,
            Some("annual_quota"),
            "100000",
            "EUR",
            "annual_quota",
            4,
        ));
        n
    }

    #[test]
    fn a_definition_is_drawn_with_its_gate_its_cap_and_its_inputs() {
        let text = render(&Explanation::sample(vec![commission()]), Some(10));
        // The cap removed 9000 − 8600 = 400.
        let expected = "\
Plan — r1 in 2026-Q1

commission = 8,600.00 EUR    attainment * 10000    line 3
  · when active: yes, paid
  · cap at 8600 = 8,600.00 EUR: 9,000.00 EUR → 8,600.00 EUR (removed 400.00 EUR)
├─ attainment = 90%    (explained above)
└─ annual_quota = 100,000.00 EUR    (roster column)
";
        assert_eq!(text, expected);
    }

    #[test]
    fn rows_past_the_limit_are_folded_with_their_sum() {
        let mut agg = Node::sample(
            NodeKind::Aggregate,
            Some("sum"),
            "600",
            "EUR",
            "sum(deals.amount)",
            5,
        );
        let row = |key: &str, amount: &str, line: u32| RowRef {
            key: Some(key.into()),
            line,
            values: [("amount".to_string(), amount.to_string())]
                .into_iter()
                .collect(),
            conversions: Vec::new(),
        };
        agg.rows = Some(RowsStep {
            table: "deals".into(),
            file: "deals.csv".into(),
            row_word: "line",
            count: 3,
            excluded: 1,
            column: Some("amount".into()),
            units: [("amount".to_string(), "EUR".to_string())]
                .into_iter()
                .collect(),
            list: vec![
                row("D1", "100", 2),
                row("D2", "200", 3),
                row("D3", "300", 4),
            ],
        });
        let text = render(&Explanation::sample(vec![agg.clone()]), Some(2));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "sum(deals.amount) = 600.00 EUR    line 5");
        assert_eq!(
            lines[3],
            "  · 3 rows of deals.csv, column amount; 1 other row of this participant and period did not match the filter"
        );
        // Key padded to 12, values to 40, then file:line.
        assert_eq!(
            lines[4],
            format!("  ·   D1           {:<40} deals.csv:2", "amount 100.00 EUR")
        );
        assert!(lines[5].starts_with("  ·   D2 "));
        // Folded: the one row left out holds 300.
        assert_eq!(
            lines[6],
            "  ·   … and 1 more rows, sum 300.00 EUR (--rows all lists them)"
        );
        assert_eq!(lines.len(), 7);
        // `None` lists them all.
        assert_eq!(
            render(&Explanation::sample(vec![agg]), None)
                .lines()
                .count(),
            7
        );
    }

    #[test]
    fn text_from_data_cannot_reach_the_terminal_raw() {
        let mut e = Explanation::sample(vec![commission()]);
        e.participant = "r\u{1b}[2J1".into();
        let text = render(&e, None);
        assert!(text.starts_with("Plan — r\\x1b[2J1 in 2026-Q1\n"), "{text}");
        assert!(!text.contains('\u{1b}'));
    }
}
