//! `ignition run`: load data, evaluate, print every KPI and payout.

use super::exit;
use super::inputs::{self, Inputs, Timer};
use crate::diagnostics::Diag;
use crate::report::{self, Format, Selection};
use crate::timing::progress;
use std::path::PathBuf;

/// The examples of `ignition run --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition run plan.plan --data data                       # data/NAME.csv per input
  ignition run plan.plan --data data --period 2026-Q1 --participant r1
  ignition run plan.plan -d reps=data/reps.csv -d deals=data/deals.csv
  ignition run plan.plan -d data --format csv -o results.csv
  ignition run plan.plan -d data --explain-dir explanations
  ignition run plan.plan -d data --rollup quarter          # payouts summed per quarter";

/// Arguments of `run`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: inputs::InputArgs,
    /// Only these periods, e.g. 2026-Q1 (repeatable).
    #[arg(long)]
    pub period: Vec<String>,
    /// Only these participants (repeatable).
    #[arg(long)]
    pub participant: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to a file instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// issue 11, views: only these columns, in this order (KPI, payout and `total` names,
    /// comma-separated; `participant` and `period` always come first).
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// issue 11, views: only this manager and everyone under them (the whole subtree).
    #[arg(long)]
    pub team: Option<String>,
    /// Also write one JSON explanation (payouts and total) per participant and period into this folder.
    #[arg(long)]
    pub explain_dir: Option<PathBuf>,
    // issue 10, calendars
    /// Sum the payouts and the total over each quarter or year of the plan (KPIs are left
    /// out); `--period` then names a quarter or year.
    #[arg(long, value_enum, conflicts_with = "explain_dir")]
    pub rollup: Option<Rollup>,
}

/// What `--rollup` sums periods up to.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rollup {
    /// The plan's quarters (a declared fiscal year's).
    Quarter,
    /// The plan's years (a declared fiscal year's).
    Year,
}

/// Run `run`.
pub fn run(a: &Args) -> u8 {
    let timer = Timer::new();
    let bar = super::progress::Bar::start(a.inputs.quiet);
    let Inputs {
        mut plan,
        data: dataset,
    } = match inputs::load_with(&a.inputs, a.explain_dir.is_none()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    timer.lap("load");
    let mut sel = Selection::default();
    let mut bad: Vec<Diag> = Vec::new();
    // issue 10, calendars: with `--rollup`, `--period` names a quarter or year.
    let grain = a.rollup.map(|r| match r {
        Rollup::Quarter => crate::calendar::Grain::Quarter,
        Rollup::Year => crate::calendar::Grain::Year,
    });
    let rolled = grain.map(|g| plan.calendar.rolled(g).0);
    for id in &a.period {
        let found = match &rolled {
            Some(calendar) => inputs::period_of(calendar, id),
            None => inputs::period(&plan, id),
        };
        match found {
            Ok(k) => sel.periods.push(k),
            Err(d) => bad.push(d),
        }
    }
    for id in &a.participant {
        match inputs::participant(&dataset, id) {
            Ok(p) => sel.participants.push(p),
            Err(d) => bad.push(d),
        }
    }
    // issue 11, views
    if !a.columns.is_empty() {
        match columns(&plan, &a.columns) {
            Ok(c) => sel.columns = Some(c),
            Err(d) => bad.extend(d),
        }
    }
    if let Some(id) = &a.team {
        // Rolled-up periods are not the plan's: every period's hierarchy counts then.
        let shown: &[usize] = if rolled.is_some() { &[] } else { &sel.periods };
        match team(&plan, &dataset, id, shown) {
            Ok(members) => {
                if sel.participants.is_empty() {
                    sel.participants = members;
                } else {
                    sel.participants.retain(|p| members.contains(p));
                }
            }
            Err(d) => bad.push(d),
        }
    }
    if !bad.is_empty() {
        super::print_diags(&bad);
        return exit::INPUT;
    }
    progress::phase(1);
    let results = crate::eval::evaluate(&plan, &dataset);
    timer.lap("evaluate");
    let errors = crate::eval::errors(&plan, &dataset, &results, 20);
    if !errors.is_empty() {
        super::print_diags(&errors);
        return exit::INPUT;
    }
    let results = match grain {
        Some(g) => {
            // Only payouts and the total are rolled up: `--columns` keeps those it names.
            if let Some(columns) = &mut sel.columns {
                columns.retain(|&d| plan.defs[d].kind.is_paid());
            }
            report::rollup::rollup(&mut plan, &results, g)
        }
        None => results,
    };
    // Output on stdout may share the terminal with the bar: the bar goes first.
    let bar = a.output.is_some().then_some(bar);
    progress::phase(2);
    let written = super::emit_with(&a.output, |w| {
        report::write(&plan, &dataset, &results, &sel, a.format, w)
    });
    timer.lap("write");
    if !written {
        return exit::INPUT;
    }
    drop(bar);
    if let Some(dir) = &a.explain_dir {
        if let Err(e) = super::explain::archive(&plan, &dataset, &results, &sel, dir) {
            super::print_diags(&[e.into()]);
            return exit::INPUT;
        }
        timer.lap("explain archive");
    }
    // The run is over and the process ends with it: its data and results are left to the
    // operating system, not freed one allocation at a time (at 20,000 participants that
    // walk is a good part of a second's tail).
    std::mem::forget(results);
    std::mem::forget(dataset);
    exit::OK
}

// issue 11, views
/// The definitions `--columns` names, in its order; an unknown name is an error with the
/// closest one.
fn columns(plan: &crate::ir::Plan, names: &[String]) -> Result<Vec<crate::ir::DefId>, Vec<Diag>> {
    let reported = report::reported(plan);
    let all: Vec<&str> = reported
        .iter()
        .map(|&d| plan.defs[d].name.as_str())
        .collect();
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        match reported.iter().find(|&&d| plan.defs[d].name == name) {
            Some(&d) => out.push(d),
            None => {
                let help = crate::diagnostics::suggest(name, all.iter().copied(), || {
                    format!("the columns are: {}", all.join(", "))
                });
                bad.push(
                    super::error::CliError::UnknownColumn {
                        name: name.to_string(),
                        help,
                    }
                    .into(),
                );
            }
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

/// `--team ID`: the manager and everyone under them, at any depth, in roster order. With a
/// dated hierarchy (issue 10, assignments), everyone under them in any of `periods` (every
/// period when empty).
pub(super) fn team(
    plan: &crate::ir::Plan,
    data: &crate::data::Dataset,
    id: &str,
    periods: &[usize],
) -> Result<Vec<usize>, Diag> {
    let unknown = |why: &str, help: String| -> Diag {
        super::error::CliError::UnknownTeam {
            id: id.to_string(),
            why: why.to_string(),
            help,
        }
        .into()
    };
    if plan.manager.is_none() {
        return Err(unknown(
            "the plan has no hierarchy",
            "declare it: `participants reps managed by manager_id`".into(),
        ));
    }
    let Some(boss) = data.roster.find(id) else {
        let help =
            crate::diagnostics::suggest(id, data.roster.ids.iter().map(String::as_str), || {
                "a team is named by its manager's id".to_string()
            });
        return Err(unknown("no participant has this id", help));
    };
    let under = |mut p: usize, k: usize| -> bool {
        // The hierarchy has no cycle (a data error), so this walk ends at the top.
        for _ in 0..=data.roster.len() {
            if p == boss {
                return true;
            }
            match data.roster.manager_in(p as u32, k) {
                Some(m) => p = m as usize,
                None => return false,
            }
        }
        false
    };
    let all: Vec<usize> = (0..plan.calendar.len()).collect();
    let periods = if data.roster.dated.is_none() {
        // One hierarchy: any period reads it.
        &all[..all.len().min(1)]
    } else if periods.is_empty() {
        &all[..]
    } else {
        periods
    };
    Ok((0..data.roster.ids.len())
        .filter(|&p| periods.iter().any(|&k| under(p, k)))
        .collect())
}
