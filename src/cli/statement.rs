//! issue 10, statements: `ignition statement`, one pay statement per participant and period —
//! the lines of the plan's `statement` block (or every payout as earned), the total, and
//! each line's explanation — as HTML, JSON or CSV.

use super::error::CliError;
use super::exit;
use super::inputs::{self, Inputs, Timer};
use crate::report::statement::{self, Statement};
use crate::report::statement_html;
use std::path::PathBuf;

/// Output format of `statement`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatementFormat {
    /// One self-contained, printable page per statement (needs `-o DIR`).
    Html,
    /// One JSON object per statement (schema `ignition.statement/1`).
    Json,
    /// One row per line of each statement, exact amounts.
    Csv,
}

impl StatementFormat {
    fn ext(self) -> &'static str {
        match self {
            StatementFormat::Html => "html",
            StatementFormat::Json => "json",
            StatementFormat::Csv => "csv",
        }
    }
}

/// The examples of `ignition statement --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition statement plan.plan -d data --period 2026-Q1 -o statements
  ignition statement plan.plan -d data --period 2026-Q1 --participant r2 --format json
  ignition statement plan.plan -d data --period 2026-Q1 --format csv";

/// Arguments of `statement`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: inputs::InputArgs,
    /// The period of the statements, e.g. 2026-Q1.
    #[arg(long)]
    pub period: String,
    /// One participant's statement (default: every participant's).
    #[arg(long)]
    pub participant: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatementFormat::Html)]
    pub format: StatementFormat,
    /// The folder to write one file per participant and period into, named `ID_PERIOD.EXT`
    /// (needed for html).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// Run `statement`.
pub fn run(a: &Args) -> u8 {
    let timer = Timer::new();
    let bar = super::progress::Bar::start(a.inputs.quiet);
    let Inputs { plan, data } = match inputs::load(&a.inputs) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut bad = Vec::new();
    let period = inputs::period(&plan, &a.period)
        .map_err(|d| bad.push(d))
        .ok();
    let participants: Vec<usize> = match &a.participant {
        Some(id) => match inputs::participant(&data, id) {
            Ok(p) => vec![p],
            Err(d) => {
                bad.push(d);
                Vec::new()
            }
        },
        None => (0..data.roster.len()).collect(),
    };
    if a.output.is_none() {
        let what = match a.format {
            StatementFormat::Html => Some("an HTML statement"),
            StatementFormat::Json if a.participant.is_none() => {
                Some("JSON for every participant's statement")
            }
            _ => None,
        };
        if let Some(what) = what {
            bad.push(CliError::StatementNeedsFolder { what: what.into() }.into());
        }
    }
    let Some(k) = period else {
        super::print_diags(&bad);
        return exit::INPUT;
    };
    if !bad.is_empty() {
        super::print_diags(&bad);
        return exit::INPUT;
    }
    timer.lap("load");
    crate::timing::progress::phase(1);
    let results = crate::eval::evaluate(&plan, &data);
    timer.lap("evaluate");
    use rayon::prelude::*;
    let statements: Vec<Statement> = participants
        .par_iter()
        .map(|&p| statement::build(&plan, &data, &results, p, k))
        .collect();
    timer.lap("statements");
    drop(bar);
    // A statement with a line that has no value is not a statement: say why, as `run` does.
    if statements
        .iter()
        .any(|s| s.total.is_none() || s.lines.iter().any(|l| l.error.is_some()))
    {
        super::print_diags(&crate::eval::errors(&plan, &data, &results, 20));
        return exit::INPUT;
    }
    let stems: Vec<String> = statements
        .iter()
        .map(|s| super::explain::file_stem(&s.participant, &s.period))
        .collect();
    let html_name = |i: usize| format!("{}.html", stems[i]);
    match &a.output {
        Some(dir) => match write_all(dir, a.format, &statements, &stems) {
            Ok(()) => exit::OK,
            Err(e) => {
                super::print_diags(&[e.into()]);
                exit::INPUT
            }
        },
        None => {
            let text = match a.format {
                StatementFormat::Csv => {
                    let mut out = String::from(statement::csv_header(plan.pay.is_some()));
                    for (i, s) in statements.iter().enumerate() {
                        out.push_str(&statement::csv_rows(s, &html_name(i)));
                    }
                    out
                }
                // One statement (the checks above ask for a folder otherwise).
                _ => statements.first().map(statement::json).unwrap_or_default(),
            };
            if super::emit(&None, &text) {
                exit::OK
            } else {
                exit::INPUT
            }
        }
    }
}

/// Write one file per statement into `dir`.
fn write_all(
    dir: &std::path::Path,
    format: StatementFormat,
    statements: &[Statement],
    stems: &[String],
) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|error| CliError::CreateFolder {
        path: dir.display().to_string(),
        error,
    })?;
    // Names are injective by construction; a file system that ignores case could still
    // merge two of them (`R1` and `r1`): refuse rather than overwrite a statement.
    let mut seen = std::collections::HashMap::new();
    for (i, n) in stems.iter().enumerate() {
        if let Some(&j) = seen.get(&n.to_lowercase()) {
            let first: &Statement = &statements[j];
            return Err(CliError::StatementCaseCollision {
                first: first.participant.clone(),
                second: statements[i].participant.clone(),
                file: format!("{}.{}", stems[j], format.ext()),
            });
        }
        seen.insert(n.to_lowercase(), i);
    }
    use rayon::prelude::*;
    statements
        .par_iter()
        .zip(stems.par_iter())
        .try_for_each(|(s, stem)| {
            let text = match format {
                StatementFormat::Html => statement_html::render(s),
                StatementFormat::Json => statement::json(s),
                StatementFormat::Csv => {
                    let mut out = String::from(statement::csv_header(s.pay.is_some()));
                    out.push_str(&statement::csv_rows(s, &format!("{stem}.html")));
                    out
                }
            };
            let path = dir.join(format!("{stem}.{}", format.ext()));
            std::fs::write(&path, text).map_err(|error| CliError::WriteFile {
                path: path.display().to_string(),
                error,
            })
        })
}
