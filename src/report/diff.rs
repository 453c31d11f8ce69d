//! Comparing two evaluations (two plan versions, or one plan on two data sets): what changed,
//! for whom, and what it costs.

use crate::data::Dataset;
use crate::eval::Results;
use crate::ir::{DefId, DefKind, Plan, Value};
use crate::num::Num;
use crate::syntax::ast::RoundingMode;
use crate::types::Type;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One evaluated side of a diff.
pub struct Side<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its data.
    pub data: &'a Dataset,
    /// Its results.
    pub results: &'a Results,
}

/// A value that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Participant id.
    pub participant: String,
    /// Period id.
    pub period: String,
    /// KPI or payout name.
    pub name: String,
    /// kpi | payout | total
    pub kind: &'static str,
    /// Unit.
    pub unit: String,
    /// Value before (absent: not defined, or no such participant/period, or no value).
    pub old: Option<String>,
    /// Value after.
    pub new: Option<String>,
    /// new − old, when both are numbers.
    pub delta: Option<String>,
    /// delta / |old| as a percent, when old is a non-zero number.
    pub delta_percent: Option<String>,
}

/// The cost of a change.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    /// `total_old` exactly, for gates such as `--fail-over`.
    #[serde(skip)]
    pub old_cost: Num,
    /// `total_delta` exactly.
    #[serde(skip)]
    pub cost_delta: Num,
    /// Participants with at least one changed value.
    pub participants_affected: usize,
    /// Participants compared.
    pub participants: usize,
    /// Sum of `total` before, over everyone and every period.
    pub total_old: String,
    /// Sum of `total` after.
    pub total_new: String,
    /// total_new − total_old.
    pub total_delta: String,
    /// total_delta / total_old as a percent.
    pub total_delta_percent: Option<String>,
    /// Total delta per period.
    pub by_period: Vec<(String, String)>,
    /// Delta per payout component (summed over everyone and every period).
    pub by_component: Vec<(String, String)>,
    /// Participants whose total rose most (id, delta).
    pub largest_increases: Vec<(String, String)>,
    /// Participants whose total fell most (id, delta).
    pub largest_decreases: Vec<(String, String)>,
}

/// Everything that changed, and its cost.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Currency of the totals.
    pub currency: String,
    /// Values that differ.
    pub changes: Vec<Change>,
    /// Cost summary.
    pub summary: Summary,
}

fn kind(k: DefKind) -> &'static str {
    match k {
        DefKind::Kpi => "kpi",
        DefKind::Payout => "payout",
        DefKind::Total => "total",
        DefKind::Let => "let",
    }
}

/// The value of a reported definition as `run` prints it (payouts rounded), as a number when it is one.
fn value(side: &Side, d: DefId, p: usize, k: usize) -> Option<(Option<Num>, String)> {
    match side.results.get(d, p, k) {
        // Payouts arrive rounded; values are compared exactly.
        Ok(Value::Num(n)) => Some((Some(n.clone()), n.text())),
        Ok(v) => Some((None, v.exact(&side.data.strings))),
        Err(_) => None,
    }
}

/// `delta` as a percent of `base` (non-zero), to two decimals, exactly and without overflow.
fn share_percent(delta: &Num, base: &Num) -> String {
    let Some(share) = delta.checked_div(&base.abs()) else {
        return "n/a".into();
    };
    match share.round_to(Decimal::new(1, 4), RoundingMode::HalfEven) {
        Some(x) => crate::render::percent(x.approx(), None),
        // Past a decimal's range (a cost that grew from next to nothing): all its digits.
        None => share
            .checked_mul(&Num::int(100))
            .map_or_else(|| "n/a".into(), |p| p.text()),
    }
}

/// Why a diff could not add up its costs: a sum of payouts that are fractions (a plan
/// without `rounding`) outgrew an exact number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge;

fn plus(a: &Num, b: &Num) -> Result<Num, TooLarge> {
    a.checked_add(b).ok_or(TooLarge)
}

fn minus(a: &Num, b: &Num) -> Result<Num, TooLarge> {
    plus(a, &b.neg())
}

/// Compare two sides. Participants and periods are matched by id; definitions by name.
pub fn diff(old: &Side, new: &Side) -> Result<Diff, TooLarge> {
    let names: Vec<(String, &'static str, Type)> = {
        let mut v: Vec<(String, &'static str, Type)> = Vec::new();
        // Each name once (a set: a scan of `v` per definition made this quadratic).
        let mut seen = std::collections::HashSet::new();
        for side in [old, new] {
            for d in &side.plan.defs {
                if d.kind != DefKind::Let && seen.insert(d.name.as_str()) {
                    v.push((d.name.clone(), kind(d.kind), d.ty.clone()));
                }
            }
        }
        // Payouts and total last, as in `run`.
        v.sort_by_key(|(_, k, _)| match *k {
            "kpi" => 0,
            "payout" => 1,
            _ => 2,
        });
        v
    };
    // Lookups by id through hash maps: a linear search per participant made diff quadratic.
    let index = |ids: &'_ [String]| -> std::collections::HashMap<String, usize> {
        let mut m = std::collections::HashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            m.entry(id.clone()).or_insert(i);
        }
        m
    };
    let old_ids = index(&old.data.roster.ids);
    let new_ids = index(&new.data.roster.ids);
    let mut ids: Vec<String> = old.data.roster.ids.clone();
    for id in &new.data.roster.ids {
        if !old_ids.contains_key(id) {
            ids.push(id.clone());
        }
    }
    let mut periods: Vec<String> = old
        .plan
        .calendar
        .periods
        .iter()
        .map(|p| p.id.clone())
        .collect();
    for p in &new.plan.calendar.periods {
        if !periods.contains(&p.id) {
            periods.push(p.id.clone());
        }
    }
    let mut changes = Vec::new();
    let mut affected = std::collections::BTreeSet::new();
    let mut total_old = Num::ZERO;
    let mut total_new = Num::ZERO;
    let mut by_period: BTreeMap<usize, Num> = BTreeMap::new();
    let mut by_component: Vec<(String, Num)> = Vec::new();
    let mut by_participant: BTreeMap<String, Num> = BTreeMap::new();
    let period_of = |side: &Side| -> Vec<Option<usize>> {
        periods.iter().map(|p| side.plan.calendar.find(p)).collect()
    };
    let def_of = |side: &Side| -> Vec<Option<DefId>> {
        names
            .iter()
            .map(|(n, _, _)| side.plan.def_named(n))
            .collect()
    };
    let (old_k, new_k) = (period_of(old), period_of(new));
    let (old_d, new_d) = (def_of(old), def_of(new));
    for id in &ids {
        let (old_p, new_p) = (old_ids.get(id).copied(), new_ids.get(id).copied());
        for (ki, period) in periods.iter().enumerate() {
            for (ni, (name, kind, ty)) in names.iter().enumerate() {
                let get = |side: &Side,
                           p: Option<usize>,
                           ks: &[Option<usize>],
                           ds: &[Option<DefId>]|
                 -> Option<(Option<Num>, String)> {
                    value(side, ds[ni]?, p?, ks[ki]?)
                };
                let (o, n) = (
                    get(old, old_p, &old_k, &old_d),
                    get(new, new_p, &new_k, &new_d),
                );
                let on = o.as_ref().and_then(|x| x.0.clone());
                let nn = n.as_ref().and_then(|x| x.0.clone());
                if *kind != "kpi" {
                    let (a, b) = (
                        on.clone().unwrap_or_default(),
                        nn.clone().unwrap_or_default(),
                    );
                    let delta = minus(&b, &a)?;
                    if *kind == "total" {
                        total_old = plus(&total_old, &a)?;
                        total_new = plus(&total_new, &b)?;
                        let x = by_period.entry(ki).or_default();
                        *x = plus(x, &delta)?;
                        let x = by_participant.entry(id.clone()).or_default();
                        *x = plus(x, &delta)?;
                    } else {
                        match by_component.iter_mut().find(|(c, _)| c == name) {
                            Some((_, x)) => *x = plus(x, &delta)?,
                            None => by_component.push((name.clone(), delta)),
                        }
                    }
                }
                let same = match (&o, &n) {
                    (Some((Some(a), _)), Some((Some(b), _))) => a == b,
                    (Some((_, a)), Some((_, b))) => a == b,
                    (None, None) => true,
                    _ => false,
                };
                if same {
                    continue;
                }
                affected.insert(id.clone());
                let delta = match (&on, &nn) {
                    (Some(a), Some(b)) => Some(minus(b, a)?),
                    _ => None,
                };
                let delta_percent = match (&on, &delta) {
                    (Some(a), Some(dl)) if !a.is_zero() => Some(share_percent(dl, a)),
                    _ => None,
                };
                changes.push(Change {
                    participant: id.clone(),
                    period: period.clone(),
                    name: name.clone(),
                    kind,
                    unit: crate::render::unit(ty),
                    old: o.map(|x| x.1),
                    new: n.map(|x| x.1),
                    delta: delta.map(|x| x.text()),
                    delta_percent,
                });
            }
        }
    }
    let total_delta = minus(&total_new, &total_old)?;
    let mut ranked: Vec<(String, Num)> = by_participant
        .into_iter()
        .filter(|(_, d)| !d.is_zero())
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let increases = ranked
        .iter()
        .filter(|(_, d)| d.signum() > 0)
        .take(5)
        .map(|(p, d)| (p.clone(), d.text()))
        .collect();
    let decreases = ranked
        .iter()
        .rev()
        .filter(|(_, d)| d.is_negative())
        .take(5)
        .map(|(p, d)| (p.clone(), d.text()))
        .collect();
    let summary = Summary {
        participants_affected: affected.len(),
        participants: ids.len(),
        old_cost: total_old.clone(),
        cost_delta: total_delta.clone(),
        total_old: total_old.text(),
        total_new: total_new.text(),
        total_delta: total_delta.text(),
        total_delta_percent: (!total_old.is_zero())
            .then(|| share_percent(&total_delta, &total_old)),
        by_period: by_period
            .into_iter()
            .map(|(k, d)| (periods[k].clone(), d.text()))
            .collect(),
        by_component: by_component
            .into_iter()
            .map(|(c, d)| (c, d.text()))
            .collect(),
        largest_increases: increases,
        largest_decreases: decreases,
    };
    Ok(Diff {
        currency: new.plan.currency.clone(),
        changes,
        summary,
    })
}

/// Why two plan versions cannot be compared on the same data: the first input column that differs.
pub fn incompatible(old: &Plan, new: &Plan) -> Option<String> {
    for t in &old.tables {
        let Some(nt) = new.tables.iter().find(|x| x.name == t.name) else {
            return Some(format!(
                "input `{}` is in the old plan but not in the new one",
                t.name
            ));
        };
        for c in &t.columns {
            match nt.column(&c.name).map(|i| &nt.columns[i]) {
                None => {
                    return Some(format!(
                        "input `{}`: column `{}` is in the old plan but not in the new one",
                        t.name, c.name
                    ))
                }
                Some(n) if n.ty != c.ty || n.optional != c.optional => {
                    let show = |ty: &Type, opt: bool| format!("{ty}{}", if opt { "?" } else { "" });
                    return Some(format!(
                        "input `{}`: column `{}` is {} in the old plan and {} in the new one",
                        t.name,
                        c.name,
                        show(&c.ty, c.optional),
                        show(&n.ty, n.optional)
                    ));
                }
                _ => {}
            }
        }
        for c in &nt.columns {
            if t.column(&c.name).is_none() {
                return Some(format!("input `{}`: column `{}` is new in the new plan, so the old data has no values for it", t.name, c.name));
            }
        }
    }
    new.tables
        .iter()
        .find(|t| !old.tables.iter().any(|o| o.name == t.name))
        .map(|t| format!("input `{}` is new in the new plan", t.name))
}
