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
    /// Data: a folder with NAME.csv or NAME.parquet per input, or NAME=PATH (repeatable;
    /// a `.parquet` path is read as Parquet). Inputs it does not name are read from the project file (`ignition.toml` beside the plan).
    #[arg(long, short = 'd')]
    pub data: Vec<String>,
    /// The project file naming each input's source (file, SQLite or PostgreSQL table or
    /// query); default: `ignition.toml` beside the plan, if there is one.
    #[arg(long, value_name = "FILE")]
    pub project: Option<PathBuf>,
    /// Make skipped rows (duplicate keys, unknown participants, dates outside the calendar) errors.
    #[arg(long)]
    pub strict: bool,
    /// Override a `param` of the plan: NAME=VALUE, the value written as in the plan (`18%`, `1500 EUR`); repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = ParamSet::parse)]
    pub set: Vec<ParamSet>,
    /// The character between fields: `,`, `;`, `tab`, `|` (default: detected from each
    /// header), or NAME=CHAR for one input (repeatable).
    #[arg(long, value_name = "[NAME=]CHAR")]
    pub delimiter: Vec<String>,
    /// No progress bar (it shows on a terminal when loading or evaluating takes over a second).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Compute as of a day (YYYY-MM-DD): rows dated after it are not counted, its period is
    /// computed to date, later periods are not reported.
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<chrono::NaiveDate>,
}

/// A `--delimiter` value: `[NAME=]CHAR`, where CHAR is one ASCII punctuation character
/// (not a quote) or `tab`, `comma`, `semicolon`, `pipe`.
pub fn delimiter(arg: &str) -> Result<(Option<String>, u8), Diag> {
    let (name, value) = match arg.split_once('=') {
        Some((n, v)) if !n.is_empty() && !v.is_empty() => (Some(n.to_string()), v),
        _ => (None, arg),
    };
    let byte = match value {
        "tab" | "\\t" | "\t" => Some(b'\t'),
        "comma" => Some(b','),
        "semicolon" => Some(b';'),
        "pipe" => Some(b'|'),
        v if v.len() == 1 => {
            let b = v.as_bytes()[0];
            (b.is_ascii_punctuation() && b != b'"').then_some(b)
        }
        _ => None,
    };
    byte.map(|b| (name, b)).ok_or_else(|| {
        CliError::Delimiter {
            value: crate::diagnostics::escape(arg).into_owned(),
        }
        .into()
    })
}

/// The `--delimiter` values, each checked, and each input name known to the plan.
fn delimiters(plan: &Plan, args: &[String]) -> Result<Vec<(Option<String>, u8)>, Vec<Diag>> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for a in args {
        match delimiter(a) {
            Ok((Some(name), _)) if !plan.tables.iter().any(|t| t.name == name) => {
                let names = plan.tables.iter().map(|t| t.name.as_str());
                bad.push(
                    CliError::DelimiterInput {
                        input: crate::diagnostics::escape(&name).into_owned(),
                        help: crate::diagnostics::suggest(&name, names, || {
                            "the inputs are the plan's `input` declarations".to_string()
                        }),
                    }
                    .into(),
                );
            }
            Ok(d) => out.push(d),
            Err(d) => bad.push(d),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
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
    load_with(a, false)
}

/// [`load`], folding the credited tables the row layer covers when `fold` (issue 12: for
/// commands that read aggregates only, never rows).
pub fn load_with(a: &InputArgs, fold: bool) -> Result<Inputs, u8> {
    // issue 12, sources: the data comes from `--data` or a project file; with neither, say so
    // before reading the plan, as a usage error.
    let project_path = data::project::find(&a.plan, a.project.as_deref());
    if a.data.is_empty() && project_path.is_none() {
        let dir = a.plan.parent().unwrap_or(std::path::Path::new(""));
        super::print_diags(&[CliError::NoData {
            project: crate::diagnostics::escape(
                &dir.join(data::project::FILE_NAME).display().to_string(),
            )
            .into_owned(),
        }
        .into()]);
        return Err(exit::INPUT);
    }
    let checked = match crate::compile_with(&a.plan, &a.set) {
        Ok(c) => c,
        Err(d) => {
            super::print_diags(&d);
            return Err(exit::INPUT);
        }
    };
    super::print_diags(&checked.warnings);
    let mut plan = checked.plan;
    // issue 11: the data cut of `--as-of`
    if let Some(date) = a.as_of {
        let day = crate::calendar::day(date);
        let Some(k) = plan.calendar.period_of(day) else {
            let (first, last) = (
                plan.calendar.periods.first().map_or(0, |p| p.start),
                plan.calendar.periods.last().map_or(0, |p| p.end),
            );
            super::print_diags(&[CliError::AsOfOutside {
                date: date.to_string(),
                first: crate::calendar::date(first).to_string(),
                last: crate::calendar::date(last).to_string(),
            }
            .into()]);
            return Err(exit::INPUT);
        };
        plan.calendar.cut_after(k);
        plan.as_of = Some(day);
    }
    let mut sources = Sources::from_args(&a.data);
    sources.delimiters = match delimiters(&plan, &a.delimiter) {
        Ok(d) => d,
        Err(d) => {
            super::print_diags(&d);
            return Err(exit::INPUT);
        }
    };
    // issue 12, sources: the project file, checked against the plan's inputs.
    let project = match project_path {
        None => None,
        Some(path) => {
            let names: Vec<&str> = plan.tables.iter().map(|t| t.name.as_str()).collect();
            match data::project::read(&path, &names) {
                Ok(p) => Some(p),
                Err(d) => {
                    super::print_diags(&d);
                    return Err(exit::INPUT);
                }
            }
        }
    };
    match data::load_with(
        &plan,
        &sources,
        project.as_ref(),
        data::Options { strict: a.strict },
        fold,
    ) {
        Ok((mut data, notes)) => {
            super::print_diags(&notes);
            // issue 12: rows kept whole (explain, statements, dashboards): each aggregate
            // read from them is checked against the row layer's value.
            if data.aggs.is_none() {
                data.aggs =
                    data::aggregate::from_tables(&plan, &data.roster, &data.strings, &data.tables);
            }
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
