//! issue 11: the explain steps of a scorecard (each measure's attainment, bounds, weight and
//! contribution) and of a cascaded target (split from the manager, rolled up from the
//! reports), built from eval's notes, and their one-line wording shared by text and HTML.

use super::schema::{CascadeStep, MeasureStep, ScorecardStep};
use super::text::show;
use crate::eval::scorecard::MeasureScore;
use crate::ir::{Cascade, CascadeHow, Plan, Scorecard};
use crate::num::Num;

fn exact(n: &Num) -> String {
    crate::render::number(n)
}

/// A scorecard's step from what eval noted for each measure.
pub(super) fn scorecard(
    plan: &Plan,
    sc: &Scorecard,
    scores: &[MeasureScore],
    reweighted: bool,
) -> ScorecardStep {
    let measures = sc
        .measures
        .iter()
        .zip(scores)
        .map(|(m, score)| MeasureStep {
            kpi: plan.defs[m.kpi].name.clone(),
            attainment: score.attainment.as_ref().map(exact),
            floor: m.floor.as_ref().map(exact),
            cap: m.cap.as_ref().map(exact),
            counted: exact(&score.counted),
            weight: exact(&score.weight),
            contribution: exact(&score.contribution),
            no_data: score.no_data.clone(),
        })
        .collect();
    ScorecardStep {
        measures,
        reweighted,
    }
}

/// A cascaded target's step.
pub(super) fn cascade(
    c: &Cascade,
    manager: Option<String>,
    manager_target: Option<Num>,
    team: usize,
    reports: usize,
) -> CascadeStep {
    let how = match c.how {
        CascadeHow::Own => "own",
        CascadeHow::Equally => "split equally",
        CascadeHow::Share(_) => "split by share",
        CascadeHow::RollUp => "roll up",
    };
    let from = match (&c.how, &manager) {
        (CascadeHow::Equally | CascadeHow::Share(_), Some(_)) => "below",
        (CascadeHow::Equally | CascadeHow::Share(_), None) => "top",
        (CascadeHow::RollUp, _) if reports > 0 => "manager",
        _ => "own",
    };
    CascadeStep {
        how: how.to_string(),
        from: from.to_string(),
        team: manager.as_ref().map(|_| team),
        manager,
        manager_target: manager_target.as_ref().map(exact),
        reports,
        add_up: c.add_up && reports > 0 && !matches!(c.how, CascadeHow::RollUp),
    }
}

/// One line per measure (and one for a reweighting), as text and HTML show them.
pub fn scorecard_lines(step: &ScorecardStep) -> Vec<String> {
    let p = |v: &str| show(v, "percent");
    let mut lines = Vec::new();
    for m in &step.measures {
        let bounds = match (&m.floor, &m.cap) {
            (Some(f), Some(c)) => format!(" (floor {}, cap {})", p(f), p(c)),
            (Some(f), None) => format!(" (floor {})", p(f)),
            (None, Some(c)) => format!(" (cap {})", p(c)),
            (None, None) => String::new(),
        };
        let head = match (&m.attainment, &m.no_data) {
            (Some(a), _) => format!("{}: attainment {}{bounds}", m.kpi, p(a)),
            (None, Some(why)) => format!("{}: no data ({why})", m.kpi),
            (None, None) => format!("{}: no data", m.kpi),
        };
        lines.push(format!(
            "{head} → {} × weight {} = {}",
            p(&m.counted),
            p(&m.weight),
            p(&m.contribution)
        ));
    }
    if step.reweighted {
        lines.push(
            "no data reweights: the weights of the measures with data are scaled to the total"
                .to_string(),
        );
    }
    lines
}

/// Where a cascaded target came from, in words; `unit` is the target's.
pub fn cascade_line(step: &CascadeStep, unit: &str) -> String {
    let mut line = match step.from.as_str() {
        "below" => {
            let manager = step.manager.as_deref().unwrap_or("?");
            let target = step
                .manager_target
                .as_deref()
                .map_or_else(|| "?".to_string(), |t| show(t, unit));
            if step.how == "split equally" {
                let team = step.team.unwrap_or(0);
                format!("split equally: the target of {manager}, {target}, / {team} reports")
            } else {
                format!("split by share: the target of {manager}, {target}, × the share")
            }
        }
        "top" => format!(
            "{}: the top of the hierarchy keeps its own target",
            step.how
        ),
        "manager" => format!(
            "rolled up: the sum of the targets of its {} reports",
            step.reports
        ),
        _ if step.how == "roll up" => "roll up: no reports, its own target".to_string(),
        _ => "its own target".to_string(),
    };
    if step.add_up {
        line.push_str(&format!(
            "; the targets of its {} reports add up to it",
            step.reports
        ));
    }
    line
}
