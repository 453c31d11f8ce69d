//! issue 11, dashboard: the coaching dashboard's model, built from a run's results: each
//! rep's KPIs grouped by family (activity, result, quality) with value, target, attainment
//! and status, the values of the periods before for a trend, the gaps of the KPIs below
//! target, and the reps ordered by who needs attention first. `html.rs`, `xlsx.rs` and
//! [`csv`] render the same model, so the three formats cannot disagree.
//!
//! Nothing here computes a KPI: values, targets (`NAME.target`) and statuses (`NAME.status`)
//! are the run's. Attainment and gap are the display of `attainment_of` / `gap_of`
//! (value ÷ target, value − target, turned round when lower is better), exact.

pub mod html;
pub mod xlsx;

use super::{csv_text, exact_text, value_text};
use crate::data::Dataset;
use crate::eval::drivers::{causes_of, Part};
use crate::eval::Results;
use crate::ir::{CauseBase, DefId, DefKind, ExprKind, Plan, Value};
use crate::num::Num;
use crate::render;
use crate::types::Type;
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The families a KPI's `category` names, in the order the dashboard shows them; KPIs with
/// a target or a status but no category come last, as `other`.
pub const FAMILIES: [&str; 4] = ["activity", "result", "quality", "other"];

/// How many periods a trend shows (the selected one and those before it).
pub const TREND: usize = 12;

/// What to show.
#[derive(Debug, Clone)]
pub struct Options {
    /// The period shown.
    pub period: usize,
    /// The participants shown, in roster order.
    pub members: Vec<usize>,
    /// Whose team this is (`--manager`), for the title.
    pub manager: Option<usize>,
    /// Where each figure's full explanation is (`--explain DIR`, as the page links it);
    /// without it a figure links to its KPI's definition on the page itself.
    pub explain_dir: Option<String>,
    /// The `ignition explain …` command (plan and data) a figure's tooltip shows.
    pub explain_command: Option<String>,
}

/// A status as the dashboard shows it: colour and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Red.
    Red,
    /// Amber.
    Amber,
    /// Green.
    Green,
    /// `no data`.
    NoData,
    /// The KPI has no target and no status.
    None,
}

impl Status {
    fn of(text: &str) -> Status {
        match text {
            "red" => Status::Red,
            "amber" => Status::Amber,
            "green" => Status::Green,
            "no data" => Status::NoData,
            _ => Status::None,
        }
    }

    /// The word shown (never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            Status::Red => "red",
            Status::Amber => "amber",
            Status::Green => "green",
            Status::NoData => "no data",
            Status::None => "",
        }
    }

    /// The class name in the page.
    pub fn class(self) -> &'static str {
        match self {
            Status::Red => "red",
            Status::Amber => "amber",
            Status::Green => "green",
            Status::NoData => "nodata",
            Status::None => "none",
        }
    }
}

/// One KPI the dashboard shows.
#[derive(Debug, Clone)]
pub struct Kpi {
    /// The KPI.
    pub def: DefId,
    /// Its name.
    pub name: String,
    /// Its label, else its name.
    pub label: String,
    /// Its family (one of [`FAMILIES`]).
    pub family: &'static str,
    /// `NAME.status`, when it has one.
    pub status: Option<DefId>,
    /// `NAME.target`, when it has a target.
    pub target: Option<DefId>,
    /// `better lower`.
    pub lower_is_better: bool,
    /// Its type.
    pub ty: Type,
    /// The plan line it is declared on.
    pub line: usize,
    /// Its declaration as written (with its block).
    pub source: String,
}

/// One figure: a KPI of a rep in the period.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The value as shown (`ERROR` when it could not be computed).
    pub value: String,
    /// The exact value, for CSV and XLSX (none for an error or a non-number).
    pub exact: Option<Num>,
    /// The target as shown.
    pub target: Option<String>,
    /// The exact target.
    pub target_exact: Option<Num>,
    /// Value ÷ target (target ÷ value when lower is better): none without a target or
    /// when one of them is 0.
    pub attainment: Option<Decimal>,
    /// Value − target (target − value when lower is better), in the KPI's unit.
    pub gap: Option<Num>,
    /// The status.
    pub status: Status,
    /// The values of the trend's periods, oldest first (none: no value).
    pub trend: Vec<Option<f64>>,
}

/// Why a rep is below target: one line per KPI that misses it, worst first.
#[derive(Debug, Clone)]
pub struct Cause {
    /// The KPI (index into [`Dashboard::kpis`]).
    pub kpi: usize,
    /// The status it has.
    pub status: Status,
    /// The gap as shown, e.g. `−5.00%`.
    pub gap: String,
    /// How it reads: `25.00% against a target of 30.00%`.
    pub text: String,
    /// The exact gap (value − target, turned round when lower is better), for CSV and XLSX.
    pub gap_exact: Num,
    /// When the KPI has `drivers`: its gap split among them (Shapley, `eval::drivers`),
    /// one line per driver in the order written, then the remainders; the effects add up
    /// to the gap.
    pub drivers: Vec<DriverPart>,
}

/// One driver's part of a KPI's gap (or a remainder that is not a driver's).
#[derive(Debug, Clone)]
pub struct DriverPart {
    /// What it is, as the page reads: the driver's name, `the value beyond its drivers`,
    /// `its target beyond its drivers' targets`.
    pub what: String,
    /// A short name for CSV: the driver's name, `(value)` or `(target)` (never a name a
    /// plan can declare).
    pub key: String,
    /// Its part of the gap, exact, in the KPI's unit.
    pub effect: Num,
    /// The part as shown, e.g. `-7,000.00`.
    pub shown: String,
}

/// One rep's row.
#[derive(Debug, Clone)]
pub struct Rep {
    /// Participant index.
    pub participant: usize,
    /// Id.
    pub id: String,
    /// The roster's `name` column, when it has one.
    pub name: Option<String>,
    /// The manager's id.
    pub manager: Option<String>,
    /// Figures, one per [`Dashboard::kpis`].
    pub cells: Vec<Cell>,
    /// How many KPIs are red, amber, green.
    pub red: usize,
    /// Amber count.
    pub amber: usize,
    /// Green count.
    pub green: usize,
    /// The lowest attainment of the rep's KPIs with a target.
    pub lowest: Option<Decimal>,
    /// The KPIs below target (a gap under 0), worst first: where a coaching talk starts.
    /// A KPI with `drivers` lists each driver's part of its gap.
    pub causes: Vec<Cause>,
    /// The rep's score on each of the plan's scorecards ([`Dashboard::scorecards`]): none
    /// when it could not be computed.
    pub scores: Vec<Option<Num>>,
    /// The scores as shown (`ERROR` when one could not be computed).
    pub score_text: Vec<String>,
}

/// The dashboard.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The plan's name.
    pub plan: String,
    /// The period shown.
    pub period: String,
    /// Whose dashboard: `team of m01 (Name)` or `whole organisation`.
    pub scope: String,
    /// The KPIs shown, by family then plan order.
    pub kpis: Vec<Kpi>,
    /// The trend's periods, oldest first.
    pub trend_periods: Vec<String>,
    /// The plan's scorecards (every `scorecard` definition, in plan order): their names.
    pub scorecards: Vec<String>,
    /// The reps, who needs attention first.
    pub reps: Vec<Rep>,
    /// Where figures link to (see [`Options::explain_dir`]).
    pub explain_dir: Option<String>,
    /// The explain command a tooltip shows.
    pub explain_command: Option<String>,
}

/// The KPIs a dashboard shows: those with a category, a target or a status, numeric, by
/// family then plan order.
pub fn kpis(plan: &Plan) -> Vec<Kpi> {
    let mut out: Vec<Kpi> = Vec::new();
    for d in DefId::all(plan.defs.len()) {
        let def = &plan.defs[d];
        if def.kind != DefKind::Kpi || !def.ty.is_numeric() {
            continue;
        }
        let Some(meta) = &def.meta else { continue };
        if meta.status_of.is_some() || meta.target_of.is_some() {
            continue;
        }
        let status = plan.def_named(&format!("{}.status", def.name));
        let family = match meta.category.as_deref() {
            Some("activity") => "activity",
            Some("result") => "result",
            Some("quality") => "quality",
            _ if status.is_some() || meta.target.is_some() => "other",
            _ => continue,
        };
        out.push(Kpi {
            def: d,
            name: def.name.clone(),
            label: meta.label.clone().unwrap_or_else(|| def.name.clone()),
            family,
            status,
            target: meta.target,
            lower_is_better: meta.lower_is_better,
            ty: def.ty.clone(),
            line: plan.line_of(def.span),
            source: plan.text_of(def.span).to_string(),
        });
    }
    out.sort_by_key(|k| FAMILIES.iter().position(|f| *f == k.family));
    out
}

fn num(slot: &crate::eval::Slot) -> Option<&Num> {
    match slot {
        Ok(Value::Num(n)) => Some(n),
        _ => None,
    }
}

/// A number of the KPI's unit as shown (amounts and percents to 2 decimals).
/// Days and plain numbers to at most 2 decimals (an average of days does not end).
fn shown(plan: &Plan, data: &Dataset, d: DefId, n: &Num) -> String {
    match plan.defs[d].ty {
        Type::Money(_) | Type::Percent => value_text(plan, data, d, &Value::Num(n.clone()), true),
        _ => render::group(&n.approx().round_dp(2).normalize().to_string()),
    }
}

/// Build the dashboard.
pub fn build(plan: &Plan, data: &Dataset, results: &Results, o: &Options) -> Dashboard {
    let kpis = kpis(plan);
    let k = o.period;
    let first = (k + 1).saturating_sub(TREND);
    let name_col = plan.tables[plan.participants]
        .column("name")
        .filter(|&c| plan.tables[plan.participants].columns[c].ty == Type::Text);
    let roster = &data.tables[plan.participants];
    let scorecards = scorecards(plan);
    // One rep at a time, in parallel: a rep reads only the results.
    let mut reps: Vec<Rep> = o
        .members
        .par_iter()
        .map(|&p| {
            let cells: Vec<Cell> = kpis
                .iter()
                .map(|kpi| cell(plan, data, results, kpi, p, k, first))
                .collect();
            let count = |s: Status| cells.iter().filter(|c| c.status == s).count();
            let lowest = cells.iter().filter_map(|c| c.attainment).min();
            let mut causes: Vec<(Decimal, Cause)> = cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let gap = c.gap.as_ref()?;
                    if !gap.is_negative() {
                        return None;
                    }
                    let kpi = &kpis[i];
                    let drivers = driver_lines(plan, data, results, kpi.def, p, k);
                    Some((
                        c.attainment.unwrap_or(Decimal::ZERO),
                        Cause {
                            kpi: i,
                            status: c.status,
                            gap: shown(plan, data, kpi.def, gap),
                            gap_exact: gap.clone(),
                            text: format!(
                                "{} against a target of {}",
                                c.value,
                                c.target.clone().unwrap_or_default()
                            ),
                            drivers,
                        },
                    ))
                })
                .collect();
            // Worst first: red before amber, then the lowest attainment, then plan order.
            causes.sort_by_key(|c| (c.1.status, c.0, c.1.kpi));
            let row = data.roster.rows[p] as usize;
            let scores: Vec<Option<Num>> = scorecards
                .iter()
                .map(|&s| num(results.get(s, p, k)).cloned())
                .collect();
            let score_text = scorecards
                .iter()
                .zip(&scores)
                .map(|(&s, n)| match n {
                    Some(n) => shown(plan, data, s, n),
                    None => "ERROR".to_string(),
                })
                .collect();
            Rep {
                participant: p,
                id: data.roster.ids[p].clone(),
                name: name_col
                    .map(|c| roster.columns[c].text(row, &data.strings).to_string())
                    .filter(|n| !n.is_empty()),
                // issue 10, assignments: the manager in force in the period shown.
                manager: data
                    .roster
                    .manager_in(p as u32, k)
                    .map(|m| data.roster.ids[m as usize].clone()),
                red: count(Status::Red),
                amber: count(Status::Amber),
                green: count(Status::Green),
                lowest,
                causes: causes.into_iter().map(|c| c.1).collect(),
                scores,
                score_text,
                cells,
            }
        })
        .collect();
    attention_order(&mut reps);
    let scope = match o.manager {
        Some(m) => {
            let row = data.roster.rows[m] as usize;
            let name = name_col
                .map(|c| roster.columns[c].text(row, &data.strings).to_string())
                .filter(|n| !n.is_empty());
            match name {
                Some(n) => format!("team of {} ({n})", data.roster.ids[m]),
                None => format!("team of {}", data.roster.ids[m]),
            }
        }
        None => "whole organisation".to_string(),
    };
    Dashboard {
        plan: plan.name.clone(),
        period: plan.calendar.periods[k].id.clone(),
        scope,
        trend_periods: (first..=k)
            .map(|j| plan.calendar.periods[j].id.clone())
            .collect(),
        scorecards: scorecards
            .iter()
            .map(|&s| plan.defs[s].name.clone())
            .collect(),
        kpis,
        reps,
        explain_dir: o.explain_dir.clone(),
        explain_command: o.explain_command.clone(),
    }
}

/// The plan's scorecards, in plan order.
pub fn scorecards(plan: &Plan) -> Vec<DefId> {
    DefId::all(plan.defs.len())
        .filter(|&d| matches!(plan.defs[d].expr.kind, ExprKind::Scorecard(_)))
        .collect()
}

/// The lines of `kpi`'s gap against its target split among its drivers, as shown; empty
/// when the KPI has no `drivers` or the split cannot be computed (a driver without a value).
fn driver_lines(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    kpi: DefId,
    p: usize,
    k: usize,
) -> Vec<DriverPart> {
    let (Ok(pi), Ok(ki)) = (u32::try_from(p), u32::try_from(k)) else {
        return Vec::new();
    };
    let Some(Ok(causes)) = causes_of(plan, data, results, kpi, pi, ki, CauseBase::Target) else {
        return Vec::new();
    };
    causes
        .lines
        .iter()
        .map(|l| {
            let (what, key) = match l.part {
                Part::Driver(d) => (plan.defs[d].name.clone(), plan.defs[d].name.clone()),
                Part::Value => ("the value beyond its drivers".to_string(), "(value)".into()),
                Part::Reference => (
                    "its target beyond its drivers' targets".to_string(),
                    "(target)".into(),
                ),
            };
            DriverPart {
                what,
                key,
                shown: shown(plan, data, kpi, &l.effect),
                effect: l.effect.clone(),
            }
        })
        .collect()
}

/// Who needs attention first: most red KPIs, then most amber, then the lowest attainment
/// of any KPI with a target (a rep without one last), then the lowest score on the plan's
/// first scorecard (a rep without one last), then the id, so the order is the same on
/// every run.
pub fn attention_order(reps: &mut [Rep]) {
    reps.sort_by(|a, b| {
        b.red
            .cmp(&a.red)
            .then(b.amber.cmp(&a.amber))
            .then(match (a.lowest, b.lowest) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| match (a.scores.first(), b.scores.first()) {
                (Some(Some(x)), Some(Some(y))) => x.cmp(y),
                (Some(Some(_)), _) => std::cmp::Ordering::Less,
                (_, Some(Some(_))) => std::cmp::Ordering::Greater,
                _ => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.id.cmp(&b.id))
    });
}

fn cell(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    kpi: &Kpi,
    p: usize,
    k: usize,
    first: usize,
) -> Cell {
    let slot = results.get(kpi.def, p, k);
    let value = match slot {
        Ok(Value::Num(n)) => shown(plan, data, kpi.def, n),
        Ok(v) => value_text(plan, data, kpi.def, v, true),
        Err(_) => "ERROR".to_string(),
    };
    let exact = num(slot).cloned();
    let target_exact = kpi.target.and_then(|t| num(results.get(t, p, k)).cloned());
    let target = target_exact.as_ref().map(|t| shown(plan, data, kpi.def, t));
    let (attainment, gap) = match (&exact, &target_exact) {
        (Some(v), Some(t)) => {
            let (a, b) = if kpi.lower_is_better { (t, v) } else { (v, t) };
            let attainment = if b.is_zero() || a.is_negative() || b.is_negative() {
                None
            } else {
                a.checked_div(b).map(|x| x.approx())
            };
            (attainment, a.checked_sub(b))
        }
        _ => (None, None),
    };
    let status = match kpi.status.map(|s| results.get(s, p, k)) {
        Some(Ok(Value::Text(t))) => Status::of(data.strings.resolve(*t)),
        Some(_) => Status::NoData,
        None => Status::None,
    };
    let trend = (first..=k)
        .map(|j| num(results.get(kpi.def, p, j)).and_then(|n| n.approx().to_f64()))
        .collect();
    Cell {
        value,
        exact,
        target,
        target_exact,
        attainment,
        gap,
        status,
        trend,
    }
}

/// An attainment as shown: `83%`.
pub fn attainment_text(a: Decimal) -> String {
    format!("{}%", render::group(&render::percent(a, Some(0))))
}

/// The explanation page of a participant in a period, as `--explain DIR` writes it:
/// `ID_PERIOD.html`, each part percent-encoded as `run --explain-dir` names its files.
pub fn page_name(participant: &str, period: &str) -> String {
    let encode = |s: &str, keep_underscore: bool| {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || (keep_underscore && b == b'_') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    format!(
        "{}_{}.html",
        encode(participant, true),
        encode(period, false)
    )
}

/// The dashboard as CSV: one row per rep and KPI, in attention order; exact numbers, text
/// neutralised against formulas ([`csv_text`]). After the rep's red and amber counts, a
/// column `score:NAME` per scorecard (the rep's score, a fraction, on each of its rows),
/// then `drivers`: on the row of a KPI below target that has drivers, each driver's exact
/// part of the gap, `name=part` joined by `;` (the remainders `(value)` and `(target)`),
/// adding up to `gap`.
pub fn csv(d: &Dashboard) -> String {
    let mut out = String::from(
        "rank,participant,name,manager,period,family,kpi,label,value,target,attainment,gap,status,red,amber",
    );
    for s in &d.scorecards {
        out.push_str(",score:");
        out.push_str(s);
    }
    out.push_str(",drivers\n");
    for (i, r) in d.reps.iter().enumerate() {
        let rank = (i + 1).to_string();
        let who = [
            csv_text(&r.id),
            csv_text(r.name.as_deref().unwrap_or("")),
            csv_text(r.manager.as_deref().unwrap_or("")),
            csv_text(&d.period),
        ]
        .join(",");
        let (red, amber) = (r.red.to_string(), r.amber.to_string());
        // A score is a percent: a fraction.
        let scores: Vec<String> = r
            .scores
            .iter()
            .map(|n| {
                n.as_ref()
                    .map(|n| exact_text(n, &Type::Percent))
                    .unwrap_or_default()
            })
            .collect();
        for (k, (kpi, c)) in d.kpis.iter().zip(&r.cells).enumerate() {
            let exact = |n: &Option<Num>| {
                n.as_ref()
                    .map(|n| exact_text(n, &kpi.ty))
                    .unwrap_or_default()
            };
            let drivers = r
                .causes
                .iter()
                .find(|c| c.kpi == k)
                .map(|c| {
                    c.drivers
                        .iter()
                        .map(|p| format!("{}={}", p.key, exact_text(&p.effect, &kpi.ty)))
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .unwrap_or_default();
            let fields = [
                rank.as_str(),
                &who,
                kpi.family,
                &csv_text(&kpi.name),
                &csv_text(&kpi.label),
                &exact(&c.exact),
                &exact(&c.target_exact),
                &c.attainment
                    .map(|a| a.normalize().to_string())
                    .unwrap_or_default(),
                &exact(&c.gap),
                c.status.word(),
                &red,
                &amber,
            ];
            out.push_str(&fields.join(","));
            for s in &scores {
                out.push(',');
                out.push_str(s);
            }
            out.push(',');
            out.push_str(&csv_text(&drivers));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(id: &str, red: usize, amber: usize, lowest: Option<&str>) -> Rep {
        Rep {
            participant: 0,
            id: id.into(),
            name: None,
            manager: None,
            cells: Vec::new(),
            red,
            amber,
            green: 0,
            lowest: lowest.map(|l| l.parse().unwrap_or_default()),
            causes: Vec::new(),
            scores: Vec::new(),
            score_text: Vec::new(),
        }
    }

    #[test]
    fn attention_order_is_red_then_amber_then_lowest_attainment_then_id() {
        let mut reps = vec![
            rep("e", 0, 0, None),
            rep("d", 0, 2, Some("0.9")),
            rep("c", 1, 0, Some("0.9")),
            rep("b", 1, 0, Some("0.5")),
            rep("a", 0, 2, Some("0.9")),
            rep("f", 0, 0, Some("1.2")),
        ];
        attention_order(&mut reps);
        let ids: Vec<&str> = reps.iter().map(|r| r.id.as_str()).collect();
        // b and c: one red each, b's 50% before c's 90%; a and d: two amber, 90% each, by
        // id; then f (no red or amber, 120%) before e (no attainment at all).
        assert_eq!(ids, ["b", "c", "a", "d", "f", "e"]);
    }

    #[test]
    fn page_names_encode_like_the_explain_archive() {
        assert_eq!(page_name("r_1", "2026-03-23"), "r_1_2026-03-23.html");
        assert_eq!(page_name("a b", "2026-Q1"), "a%20b_2026-Q1.html");
        assert_eq!(page_name("x/..", "p_1"), "x%2F%2E%2E_p%5F1.html");
    }
}
