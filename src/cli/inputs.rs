//! What `run` and `explain` share: the plan and its data, and naming a participant or period.

use super::error::CliError;
use super::exit;
use crate::check::ParamSet;
use crate::data::{self, Dataset, Sources};
use crate::diagnostics::{did_you_mean, Diag};
use crate::ir::Plan;
use std::path::PathBuf;

/// The plan and data arguments.
#[derive(clap::Args, Debug)]
pub struct InputArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Data: a folder with NAME.csv per input, or NAME=PATH (repeatable).
    #[arg(long, short = 'd', required = true)]
    pub data: Vec<String>,
    /// Make skipped rows (duplicate keys, unknown participants, dates outside the calendar) errors.
    #[arg(long)]
    pub strict: bool,
    /// Override a `param` of the plan: NAME=VALUE, the value written as in the plan (`18%`, `1500 EUR`); repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = ParamSet::parse)]
    pub set: Vec<ParamSet>,
}

/// A checked plan with its loaded data.
pub struct Inputs {
    /// The plan.
    pub plan: Plan,
    /// The data.
    pub data: Dataset,
}

/// Check the plan and load its data, printing diagnostics; the exit code on failure.
pub fn load(a: &InputArgs) -> Result<Inputs, u8> {
    let checked = match crate::compile_with(&a.plan, &a.set) {
        Ok(c) => c,
        Err(d) => {
            super::print_diags(&d);
            return Err(exit::INPUT);
        }
    };
    super::print_diags(&checked.warnings);
    let plan = checked.plan;
    let sources = Sources::from_args(&a.data);
    match data::load(&plan, &sources, data::Options { strict: a.strict }) {
        Ok((data, notes)) => {
            super::print_diags(&notes);
            // Filters that match nothing would pay 0 without a word (--strict: an error).
            let filters = data::filters::check(&plan, &data, a.strict);
            super::print_diags(&filters);
            if a.strict && !filters.is_empty() {
                return Err(exit::INPUT);
            }
            Ok(Inputs { plan, data })
        }
        Err(d) => {
            super::print_diags(&d);
            Err(exit::INPUT)
        }
    }
}

/// A period by name, or an error listing the periods.
pub fn period(plan: &Plan, id: &str) -> Result<usize, Diag> {
    period_of(&plan.calendar, id)
}

/// A period of a calendar by name (issue 10: a rolled-up calendar's), or an error with the
/// closest names.
pub fn period_of(calendar: &crate::calendar::Calendar, id: &str) -> Result<usize, Diag> {
    calendar.find(id).ok_or_else(|| {
        let ids: Vec<&str> = calendar.periods.iter().map(|p| p.id.as_str()).collect();
        let hint = match did_you_mean(id, ids.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? the periods are: {}", ids.join(", ")),
            None => format!("the periods are: {}", ids.join(", ")),
        };
        CliError::UnknownPeriod {
            period: id.to_string(),
            help: hint,
        }
        .into()
    })
}

/// A participant by id, or an error with the closest ids.
pub fn participant(data: &Dataset, id: &str) -> Result<usize, Diag> {
    data.roster.find(id).ok_or_else(|| {
        let hint =
            crate::diagnostics::suggest(id, data.roster.ids.iter().map(String::as_str), || {
                "participants are the rows of the roster table".to_string()
            });
        CliError::UnknownParticipant {
            id: id.to_string(),
            help: hint,
        }
        .into()
    })
}

pub use crate::timing::Timer;
