//! `ignition run`: load data, evaluate, print every KPI and payout.

use super::exit;
use crate::data::{self, Sources};
use crate::diagnostics::Diag;
use crate::report::{self, Format, Selection};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `run`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The plan file.
    pub plan: PathBuf,
    /// Data: a folder with NAME.csv per input, or NAME=PATH (repeatable).
    #[arg(long, short = 'd', required = true)]
    pub data: Vec<String>,
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
    /// Make skipped rows (duplicate keys, unknown participants, dates outside the calendar) errors.
    #[arg(long)]
    pub strict: bool,
}

/// Run `run`.
pub fn run(a: &Args) -> u8 {
    let timer = Timer::new();
    let checked = match crate::compile(&a.plan) {
        Ok(c) => c,
        Err(d) => {
            super::print_diags(&d);
            return exit::INPUT;
        }
    };
    super::print_diags(&checked.warnings);
    let plan = checked.plan;
    let sources = Sources::from_args(&a.data);
    let (dataset, notes) = match data::load(&plan, &sources, data::Options { strict: a.strict }) {
        Ok(x) => x,
        Err(d) => {
            super::print_diags(&d);
            return exit::INPUT;
        }
    };
    super::print_diags(&notes);
    timer.lap("load");
    let mut sel = Selection::default();
    let mut bad: Vec<Diag> = Vec::new();
    for id in &a.period {
        match plan.calendar.find(id) {
            Some(k) => sel.periods.push(k),
            None => {
                let ids: Vec<&str> = plan
                    .calendar
                    .periods
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect();
                bad.push(
                    Diag::error(
                        "ignition::cli::unknown_period",
                        format!("the plan has no period `{id}`"),
                    )
                    .help(format!("the periods are: {}", ids.join(", "))),
                );
            }
        }
    }
    for id in &a.participant {
        match dataset.roster.find(id) {
            Some(p) => sel.participants.push(p),
            None => {
                let hint = crate::diagnostics::did_you_mean(
                    id,
                    dataset.roster.ids.iter().map(String::as_str),
                )
                .map_or_else(
                    || "participants are the rows of the roster table".to_string(),
                    |s| format!("did you mean `{s}`?"),
                );
                bad.push(
                    Diag::error(
                        "ignition::cli::unknown_participant",
                        format!("no participant has the id `{id}`"),
                    )
                    .help(hint),
                );
            }
        }
    }
    if !bad.is_empty() {
        super::print_diags(&bad);
        return exit::INPUT;
    }
    let results = crate::eval::evaluate(&plan, &dataset);
    timer.lap("evaluate");
    let errors = crate::eval::errors(&plan, &dataset, &results, 20);
    if !errors.is_empty() {
        super::print_diags(&errors);
        return exit::INPUT;
    }
    let text = report::render(&plan, &dataset, &results, &sel, a.format);
    let written = match &a.output {
        Some(path) => std::fs::write(path, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write the output: {e}")),
    };
    timer.lap("write");
    if let Err(msg) = written {
        super::print_diags(&[
            Diag::error("ignition::cli::output", msg).help("check the path and permissions")
        ]);
        return exit::INPUT;
    }
    exit::OK
}

/// Phase timings on stderr when IGNITION_TIMINGS is set (for benchmarking, not for tests).
struct Timer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            on: std::env::var_os("IGNITION_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    fn lap(&self, what: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "timing: {what} {:.3} s",
                (now - self.last.get()).as_secs_f64()
            );
            self.last.set(now);
        }
    }
}
