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
    } = match inputs::load(&a.inputs) {
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
        Some(g) => report::rollup::rollup(&mut plan, &results, g),
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
    exit::OK
}
