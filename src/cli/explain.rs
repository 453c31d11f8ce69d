//! `ignition explain`: one participant's numbers for one period, traced to plan lines and data rows.

use super::error::CliError;
use super::exit;
use super::inputs::{self, Inputs, Timer};
use crate::data::Dataset;
use crate::diagnostics::suggest;
use crate::eval::Results;
use crate::ir::{DefId, Plan};
use crate::report::Selection;
use crate::trace;
use std::path::{Path, PathBuf};

/// Output format of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// A tree in the terminal.
    Text,
    /// The tree as JSON (schema: docs/explain-json.md).
    Json,
    /// One self-contained HTML page.
    Html,
}

/// The examples of `ignition explain --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition explain plan.plan -d data --participant r2 --period 2026-Q1
  ignition explain plan.plan -d data --participant r2 --period 2026-Q1 commission
  ignition explain plan.plan -d data --participant r2 --period 2026-Q1 --format json
  ignition explain plan.plan -d data --participant r2 --period 2026-Q1 --format html -o r2.html";

/// Arguments of `explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: inputs::InputArgs,
    /// The participant to explain.
    #[arg(long)]
    pub participant: String,
    /// The period to explain, e.g. 2026-Q2.
    #[arg(long)]
    pub period: String,
    /// Definitions to explain (default: every payout, then the total).
    pub names: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Write to a file instead of stdout (needed for html).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Rows listed per aggregate in text: a number, or `all` (JSON and HTML always list all).
    #[arg(long, default_value = "10")]
    pub rows: String,
}

/// Run `explain`.
pub fn run(a: &Args) -> u8 {
    let timer = Timer::new();
    let bar = super::progress::Bar::start(a.inputs.quiet);
    let Inputs { plan, data } = match inputs::load(&a.inputs) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut bad = Vec::new();
    let participant = inputs::participant(&data, &a.participant)
        .map_err(|d| bad.push(d))
        .ok();
    let period = inputs::period(&plan, &a.period)
        .map_err(|d| bad.push(d))
        .ok();
    let mut defs = Vec::new();
    for name in &a.names {
        match plan.def_named(name) {
            Some(d) => defs.push(d),
            None => {
                let names: Vec<&str> = plan.defs.iter().map(|d| d.name.as_str()).collect();
                let hint = suggest(name, names.iter().copied(), || {
                    format!("the definitions are: {}", names.join(", "))
                });
                bad.push(
                    CliError::UnknownDefinition {
                        name: name.clone(),
                        help: hint,
                    }
                    .into(),
                );
            }
        }
    }
    let rows = match a.rows.as_str() {
        "all" => None,
        n => match n.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                bad.push(CliError::Rows { value: n.into() }.into());
                None
            }
        },
    };
    if a.format == ExplainFormat::Html && a.output.is_none() {
        bad.push(CliError::HtmlNeedsFile.into());
    }
    let (Some(p), Some(k)) = (participant, period) else {
        super::print_diags(&bad);
        return exit::INPUT;
    };
    if !bad.is_empty() {
        super::print_diags(&bad);
        return exit::INPUT;
    }
    if defs.is_empty() {
        defs = default_roots(&plan);
    }
    timer.lap("load");
    crate::timing::progress::phase(1);
    let results = crate::eval::evaluate(&plan, &data);
    timer.lap("evaluate");
    let explanation = trace::explain(&plan, &data, &results, p, k, &defs);
    timer.lap("explain");
    let text = match a.format {
        ExplainFormat::Text => trace::text::render(&explanation, rows),
        ExplainFormat::Json => json(&explanation),
        ExplainFormat::Html => trace::html::render(&explanation, &plan.source.text),
    };
    drop(bar);
    let written = super::emit(&a.output, &text);
    if !written {
        return exit::INPUT;
    }
    exit::OK
}

/// Each payout in full, then the total over them (its terms refer back up).
fn default_roots(plan: &Plan) -> Vec<DefId> {
    let mut defs: Vec<DefId> = DefId::all(plan.defs.len())
        .filter(|&d| plan.defs[d].kind == crate::ir::DefKind::Payout)
        .collect();
    defs.push(plan.total());
    defs
}

fn json(e: &trace::Explanation) -> String {
    let mut s =
        serde_json::to_string_pretty(e).unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"));
    s.push('\n');
    s
}

/// Write one JSON explanation (every payout, then the total) per selected participant and
/// period into `dir`.
pub fn archive(
    plan: &Plan,
    data: &Dataset,
    results: &Results,
    sel: &Selection,
    dir: &Path,
) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|error| CliError::CreateFolder {
        path: dir.display().to_string(),
        error,
    })?;
    use rayon::prelude::*;
    let roots = default_roots(plan);
    let scopes = crate::report::scopes(data, plan, sel);
    let names: Vec<String> = scopes
        .iter()
        .map(|&(p, k)| file_name(&data.roster.ids[p], &plan.calendar.periods[k].id))
        .collect();
    // Names are injective by construction; a file system that ignores case could still
    // merge two of them (`R1` and `r1`): refuse rather than overwrite an explanation.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(&j) = seen.get(&n.to_lowercase()) {
            let (p, q) = (scopes[i].0, scopes[j].0);
            return Err(CliError::CaseCollision {
                first: data.roster.ids[q].clone(),
                second: data.roster.ids[p].clone(),
                file: names[j].clone(),
            });
        }
        seen.insert(n.to_lowercase(), i);
    }
    scopes
        .par_iter()
        .zip(names.par_iter())
        .try_for_each(|(&(p, k), name)| {
            let e = trace::explain(plan, data, results, p, k, &roots);
            let path = dir.join(name);
            std::fs::write(&path, json(&e)).map_err(|error| CliError::WriteExplanation {
                path: path.display().to_string(),
                error,
            })
        })
}

/// The archive file of a participant and period: `ID_PERIOD.json`, each part percent-encoded.
/// ASCII letters, digits and `-` are kept, `_` too in the id; every other byte (`.`, space,
/// `/`, `%`, non-ASCII, and `_` in the period) becomes `%XX`. The period part then has no
/// `_`, so the last `_` separates the two parts and different pairs get different names.
pub fn file_name(participant: &str, period: &str) -> String {
    format!("{}.json", file_stem(participant, period))
}

/// issue 10, statements: `ID_PERIOD` encoded as in [`file_name`], without the extension
/// (`statement` writes `ID_PERIOD.html`, `.json`, `.csv`).
pub fn file_stem(participant: &str, period: &str) -> String {
    format!("{}_{}", encode(participant, true), encode(period, false))
}

fn encode(s: &str, keep_underscore: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || (keep_underscore && b == b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
