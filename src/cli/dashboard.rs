//! issue 11, dashboard: `ignition dashboard`: the coaching dashboard of one period, for a
//! manager's team or the whole organisation, as one HTML page, an XLSX workbook or CSV.

use super::error::CliError;
use super::exit;
use super::inputs::{self, Inputs, Timer};
use crate::report::dashboard::{self, Options};
use std::path::PathBuf;

/// The examples of `ignition dashboard --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition dashboard plan.plan --data data --period 2026-Q1 -o dashboard.html
  ignition dashboard plan.plan --data data --period 2026-Q1 --format csv
  ignition dashboard plan.plan --data data --period 2026-Q1 --format xlsx -o dashboard.xlsx";

/// The file formats of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DashboardFormat {
    /// One self-contained page (inline CSS and SVG, no script).
    Html,
    /// A workbook: the reps in attention order, then a sheet per family.
    Xlsx,
    /// One row per rep and KPI, exact values.
    Csv,
}

/// Arguments of `dashboard`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: inputs::InputArgs,
    /// The period shown, e.g. 2026-03-02 (trends end there).
    #[arg(long)]
    pub period: String,
    /// Only this manager's team: everyone under them, at any depth (default: everyone).
    #[arg(long)]
    pub manager: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DashboardFormat::Html)]
    pub format: DashboardFormat,
    /// Write to a file instead of stdout (needed for xlsx).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Also write each shown rep's full explanation of the period into DIR
    /// (`ID_PERIOD.html`); the page's figures link there.
    #[arg(long, value_name = "DIR")]
    pub explain: Option<PathBuf>,
}

/// Run `dashboard`.
pub fn run(a: &Args) -> u8 {
    let timer = Timer::new();
    let bar = super::progress::Bar::start(a.inputs.quiet);
    let Inputs { plan, data } = match inputs::load(&a.inputs) {
        Ok(x) => x,
        Err(code) => return code,
    };
    timer.lap("load");
    let mut bad = Vec::new();
    let period = inputs::period(&plan, &a.period)
        .map_err(|d| bad.push(d))
        .ok();
    let manager = match &a.manager {
        Some(id) => match super::run::team(&plan, &data, id, period.as_slice()) {
            Ok(members) => {
                let boss = data.roster.find(id);
                // The manager's page shows the reps under them (at any depth), not the
                // managers in between, whose own KPIs are their teams'.
                let reps: Vec<usize> = members
                    .into_iter()
                    .filter(|&p| {
                        Some(p) != boss
                            && data
                                .roster
                                .reports_in(p as u32, period.unwrap_or_default())
                                .is_empty()
                    })
                    .collect();
                if reps.is_empty() {
                    bad.push(
                        CliError::UnknownTeam {
                            id: id.clone(),
                            why: "nobody reports to this participant".into(),
                            help: "a team is named by its manager's id".into(),
                        }
                        .into(),
                    );
                }
                boss.map(|b| (b, reps))
            }
            Err(d) => {
                bad.push(d);
                None
            }
        },
        None => None,
    };
    if a.format == DashboardFormat::Xlsx && a.output.is_none() {
        bad.push(CliError::XlsxNeedsFile.into());
    }
    let Some(k) = period else {
        super::print_diags(&bad);
        return exit::INPUT;
    };
    if !bad.is_empty() {
        super::print_diags(&bad);
        return exit::INPUT;
    }
    crate::timing::progress::phase(1);
    let results = crate::eval::evaluate(&plan, &data);
    timer.lap("evaluate");
    let errors = crate::eval::errors(&plan, &data, &results, 20);
    if !errors.is_empty() {
        super::print_diags(&errors);
        return exit::INPUT;
    }
    let (boss, members) = match manager {
        Some((b, reps)) => (Some(b), reps),
        // The whole organisation: every rep, that is every participant nobody reports to.
        None => (
            None,
            (0..data.roster.len())
                .filter(|&p| data.roster.reports_in(p as u32, k).is_empty())
                .collect(),
        ),
    };
    let explain_dir = a.explain.as_ref().map(|dir| {
        // The page links the folder as given, relative to where the page is opened from.
        dir.display().to_string()
    });
    let command = format!(
        "ignition explain {} {}",
        a.inputs.plan.display(),
        a.inputs
            .data
            .iter()
            .map(|d| format!("--data {d}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let options = Options {
        period: k,
        members,
        manager: boss,
        explain_dir,
        explain_command: Some(command),
    };
    let model = dashboard::build(&plan, &data, &results, &options);
    timer.lap("dashboard");
    crate::timing::progress::phase(2);
    drop(bar);
    let written = match a.format {
        DashboardFormat::Html => super::emit(&a.output, &dashboard::html::render(&model)),
        DashboardFormat::Csv => super::emit(&a.output, &dashboard::csv(&model)),
        DashboardFormat::Xlsx => match dashboard::xlsx::render(&model) {
            Ok(bytes) => super::emit_with(&a.output, |w| w.write_all(&bytes)),
            Err(e) => {
                super::print_diags(&[CliError::Workbook {
                    reason: e.to_string(),
                }
                .into()]);
                false
            }
        },
    };
    timer.lap("write");
    if !written {
        return exit::INPUT;
    }
    if let Some(dir) = &a.explain {
        if let Err(e) = explanations(&plan, &data, &results, &model, dir) {
            super::print_diags(&[e.into()]);
            return exit::INPUT;
        }
        timer.lap("explanations");
    }
    exit::OK
}

/// One HTML explanation per shown rep: every KPI of the dashboard and its status.
fn explanations(
    plan: &crate::ir::Plan,
    data: &crate::data::Dataset,
    results: &crate::eval::Results,
    model: &dashboard::Dashboard,
    dir: &std::path::Path,
) -> Result<(), CliError> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(|error| CliError::CreateFolder {
        path: dir.display().to_string(),
        error,
    })?;
    let roots: Vec<crate::ir::DefId> = model
        .kpis
        .iter()
        .flat_map(|k| std::iter::once(k.def).chain(k.status))
        .collect();
    let k = plan.calendar.find(&model.period).unwrap_or_default();
    model.reps.par_iter().try_for_each(|r| {
        let e = crate::trace::explain(plan, data, results, r.participant, k, &roots);
        let page = crate::trace::html::render(&e, &plan.source.text);
        let path = dir.join(dashboard::page_name(&r.id, &model.period));
        std::fs::write(&path, page).map_err(|error| CliError::WriteExplanation {
            path: path.display().to_string(),
            error,
        })
    })
}
