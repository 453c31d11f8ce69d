//! `ignition diff`: whose payout a plan change (or a data change) moves, and by how much.

use super::error::{CliError, DiffError};
use super::exit;
use super::inputs::{self, InputArgs};
use crate::diagnostics::Diag;
use crate::num::Num;
use crate::report::diff::{self, Diff, Side};
use crate::report::Format;
use crate::trace::{self, text::show};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The examples of `ignition diff --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition diff old.plan plan.plan --data data          # old.plan: the plan before the change
  ignition diff old.plan plan.plan --data data --fail-over 2% --explain r2
  ignition diff plan.plan --data data --new-data new-data --format csv";

/// Arguments of `diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The plan before the change.
    pub old: PathBuf,
    /// The plan after the change (default: the same plan, with --new-data).
    pub new: Option<PathBuf>,
    /// Data: a folder with NAME.csv or NAME.parquet per input, or NAME=PATH (repeatable).
    #[arg(long, short = 'd', required = true)]
    pub data: Vec<String>,
    /// Data for the new side (default: the same data).
    #[arg(long)]
    pub new_data: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit 1 when the total cost moves by more than this: an amount (`5000`) or a share (`2%`).
    #[arg(long)]
    pub fail_over: Option<String>,
    /// Show both explanation trees of this participant's changed periods, differences marked.
    #[arg(long)]
    pub explain: Vec<String>,
    /// Make skipped rows errors (see `run --strict`).
    #[arg(long)]
    pub strict: bool,
    /// Write to a file instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Override a `param` on the new side: NAME=VALUE (`--set top_rate=18%`); repeatable. With one plan, a what-if: the plan against itself with the overrides.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = crate::check::ParamSet::parse)]
    pub set: Vec<crate::check::ParamSet>,
    /// The character between fields, for both sides (see `run --delimiter`).
    #[arg(long, value_name = "[NAME=]CHAR")]
    pub delimiter: Vec<String>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

enum Bound {
    Amount(Decimal),
    Share(Decimal),
}

fn bound(s: &str) -> Result<Bound, CliError> {
    let t = s.trim();
    let bad = || CliError::FailOver { value: s.into() };
    if let Some(p) = t.strip_suffix('%') {
        return p
            .trim()
            .parse::<Decimal>()
            .map(|x| Bound::Share(x / Decimal::ONE_HUNDRED))
            .map_err(|_| bad());
    }
    let number = t.split_whitespace().next().unwrap_or("");
    number
        .replace('_', "")
        .parse::<Decimal>()
        .map(Bound::Amount)
        .map_err(|_| bad())
}

/// Run `diff`.
pub fn run(a: &Args) -> u8 {
    let fail_over = match a.fail_over.as_deref().map(bound).transpose() {
        Ok(b) => b,
        Err(e) => {
            super::print_diags(&[e.into()]);
            return exit::INPUT;
        }
    };
    if !a.explain.is_empty() && a.format != Format::Table {
        super::print_diags(&[CliError::ExplainNeedsTable.into()]);
        return exit::INPUT;
    }
    if a.new.is_none() && a.new_data.is_empty() && a.set.is_empty() {
        super::print_diags(&[CliError::NothingToCompare.into()]);
        return exit::INPUT;
    }
    let bar = super::progress::Bar::start(a.quiet);
    let old_inputs = InputArgs {
        plan: a.old.clone(),
        data: a.data.clone(),
        strict: a.strict,
        set: Vec::new(),
        delimiter: a.delimiter.clone(),
        quiet: a.quiet,
        as_of: None,
        project: None,
    };
    let old = match inputs::load(&old_inputs) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let new_plan_path = a.new.clone().unwrap_or_else(|| a.old.clone());
    let new_data = if a.new_data.is_empty() {
        a.data.clone()
    } else {
        a.new_data.clone()
    };
    // Same data for both plans: their input schemas must agree, column by column.
    if a.new_data.is_empty() {
        if let Ok(c) = crate::compile_with(&new_plan_path, &a.set) {
            if let Some(why) = diff::incompatible(&old.plan, &c.plan) {
                super::print_diags(&[DiffError::Schema { why }.into()]);
                return exit::INPUT;
            }
        }
    }
    let new = match inputs::load(&InputArgs {
        plan: new_plan_path,
        data: new_data,
        strict: a.strict,
        set: a.set.clone(),
        delimiter: a.delimiter.clone(),
        quiet: a.quiet,
        as_of: None,
        project: None,
    }) {
        Ok(x) => x,
        Err(code) => return code,
    };
    crate::timing::progress::phase(1);
    let old_results = crate::eval::evaluate(&old.plan, &old.data);
    let new_results = crate::eval::evaluate(&new.plan, &new.data);
    // A value either side cannot compute would price as nothing: stop, as `run` does.
    let mut failed = crate::eval::errors(&old.plan, &old.data, &old_results, 10);
    failed.extend(crate::eval::errors(&new.plan, &new.data, &new_results, 10));
    if !failed.is_empty() {
        super::print_diags(&failed);
        return exit::INPUT;
    }
    let o = Side {
        plan: &old.plan,
        data: &old.data,
        results: &old_results,
    };
    let n = Side {
        plan: &new.plan,
        data: &new.data,
        results: &new_results,
    };
    let Ok(d) = diff::diff(&o, &n) else {
        super::print_diags(&[DiffError::TooLarge.into()]);
        return exit::INPUT;
    };
    let mut text = match a.format {
        Format::Table => table(&d),
        Format::Csv => csv(&d),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&d)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            s.push('\n');
            s
        }
    };
    for id in &a.explain {
        match explain_both(&o, &n, &d, id) {
            Ok(s) => text.push_str(&s),
            Err(diag) => {
                super::print_diags(&[diag]);
                return exit::INPUT;
            }
        }
    }
    drop(bar);
    let written = super::emit(&a.output, &text);
    if !written {
        return exit::INPUT;
    }
    // Exact comparisons: the summary's strings are for people.
    let (delta, old_total) = (&d.summary.cost_delta, &d.summary.old_cost);
    let exceeded = match fail_over {
        Some(Bound::Amount(x)) => delta.abs() > Num::from(x),
        Some(Bound::Share(x)) => {
            if old_total.is_zero() {
                !delta.is_zero()
            } else {
                // |delta| > x·|old| is the same test as |delta / old| > x, without a division.
                Num::from(x)
                    .checked_mul(&old_total.abs())
                    .is_none_or(|limit| delta.abs() > limit)
            }
        }
        None => false,
    };
    if exceeded {
        errln!(
            "diff: the total moved by {} ({}), more than --fail-over {}",
            show(&d.summary.total_delta, &d.currency),
            d.summary
                .total_delta_percent
                .as_deref()
                .map_or("n/a".into(), |p| format!("{p}%")),
            a.fail_over.as_deref().unwrap_or("")
        );
        return exit::GATE;
    }
    exit::OK
}

fn table(d: &Diff) -> String {
    let mut rows: Vec<[String; 7]> = vec![[
        "participant".into(),
        "period".into(),
        "name".into(),
        "old".into(),
        "new".into(),
        "delta".into(),
        "delta %".into(),
    ]];
    for c in &d.changes {
        let v = |x: &Option<String>| x.as_deref().map_or("—".to_string(), |v| show(v, &c.unit));
        rows.push([
            c.participant.clone(),
            c.period.clone(),
            c.name.clone(),
            v(&c.old),
            v(&c.new),
            c.delta.as_deref().map_or("—".into(), |x| show(x, &c.unit)),
            c.delta_percent
                .as_deref()
                .map_or("—".into(), |x| format!("{x}%")),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    if d.changes.is_empty() {
        out.push_str("no value changed\n");
    } else {
        for r in &rows {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                let pad = widths[i] - cell.chars().count();
                if i < 3 {
                    let _ = write!(line, "{cell}{}  ", " ".repeat(pad));
                } else {
                    let _ = write!(line, "{}{cell}  ", " ".repeat(pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    let s = &d.summary;
    let cur = &d.currency;
    let _ = writeln!(
        out,
        "\nparticipants affected: {} of {}",
        s.participants_affected, s.participants
    );
    let _ = writeln!(
        out,
        "total cost: {} → {} ({}{})",
        show(&s.total_old, cur),
        show(&s.total_new, cur),
        signed(&s.total_delta, cur),
        s.total_delta_percent
            .as_deref()
            .map_or(String::new(), |p| format!(", {p}%"))
    );
    let list = |out: &mut String, title: &str, xs: &[(String, String)]| {
        if !xs.is_empty() {
            let _ = writeln!(
                out,
                "{title}: {}",
                xs.iter()
                    .map(|(k, v)| format!("{k} {}", signed(v, cur)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    };
    list(&mut out, "by period", &s.by_period);
    list(&mut out, "by component", &s.by_component);
    list(&mut out, "largest increases", &s.largest_increases);
    list(&mut out, "largest decreases", &s.largest_decreases);
    out
}

fn signed(v: &str, unit: &str) -> String {
    let s = show(v, unit);
    if s.starts_with('-') || s.starts_with("≈-") {
        s
    } else {
        format!("+{s}")
    }
}

fn csv(d: &Diff) -> String {
    use crate::report::{csv_cell, csv_text};
    let mut out = String::from("participant,period,name,kind,unit,old,new,delta,delta_percent\n");
    for c in &d.changes {
        // Text values are neutralised against spreadsheet formulas; numbers are written as they are.
        let ty = if c.unit == "text" {
            crate::types::Type::Text
        } else {
            crate::types::Type::Number
        };
        let f = |x: &Option<String>| csv_cell(&ty, x.as_deref().unwrap_or_default()).into_owned();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            csv_text(&c.participant),
            csv_text(&c.period),
            csv_text(&c.name),
            c.kind,
            csv_text(&c.unit),
            f(&c.old),
            f(&c.new),
            f(&c.delta),
            f(&c.delta_percent)
        );
    }
    out
}

/// Both explanations of a participant's changed periods, side by side, differing nodes marked ≠.
fn explain_both(o: &Side, n: &Side, d: &Diff, id: &str) -> Result<String, Diag> {
    let po = inputs::participant(o.data, id)?;
    let pn = inputs::participant(n.data, id)?;
    let mut periods: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.participant == id && c.kind != "kpi")
        .map(|c| c.period.as_str())
        .collect();
    periods.dedup();
    let mut out = String::new();
    if periods.is_empty() {
        let _ = writeln!(out, "\n{id}: no payout changed");
    }
    for period in periods {
        let (Some(ko), Some(kn)) = (o.plan.calendar.find(period), n.plan.calendar.find(period))
        else {
            continue;
        };
        let roots = |p: &crate::ir::Plan| {
            let mut v: Vec<crate::ir::DefId> = crate::ir::DefId::all(p.defs.len())
                .filter(|&x| p.defs[x].kind == crate::ir::DefKind::Payout)
                .collect();
            v.push(p.total());
            v
        };
        let mut eo = trace::explain(o.plan, o.data, o.results, po, ko, &roots(o.plan));
        let mut en = trace::explain(n.plan, n.data, n.results, pn, kn, &roots(n.plan));
        mark(&mut eo.nodes, &en.nodes);
        mark(&mut en.nodes, &eo.nodes);
        let left = trace::text::render(&eo, Some(5));
        let right = trace::text::render(&en, Some(5));
        let _ = writeln!(
            out,
            "\n{id} in {period}: old plan (left) and new plan (right); ≠ marks what differs"
        );
        out.push_str(&side_by_side(&left, &right, 90));
    }
    Ok(out)
}

/// Mark nodes whose id is missing from `other` or whose value or expression differs there.
fn mark(nodes: &mut [trace::Node], other: &[trace::Node]) {
    fn index<'a>(
        ns: &'a [trace::Node],
        out: &mut std::collections::BTreeMap<&'a str, &'a trace::Node>,
    ) {
        for n in ns {
            out.insert(n.id.as_str(), n);
            index(&n.children, out);
        }
    }
    let mut by_id = std::collections::BTreeMap::new();
    index(other, &mut by_id);
    fn walk(ns: &mut [trace::Node], by_id: &std::collections::BTreeMap<&str, &trace::Node>) {
        for n in ns {
            n.changed = match by_id.get(n.id.as_str()) {
                Some(o) => o.value != n.value || o.expr != n.expr || o.error != n.error,
                None => true,
            };
            walk(&mut n.children, by_id);
        }
    }
    walk(nodes, &by_id);
}

fn side_by_side(left: &str, right: &str, width: usize) -> String {
    let wrap = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        for line in s.lines() {
            let chars: Vec<char> = line.chars().collect();
            if chars.is_empty() {
                out.push(String::new());
            }
            for chunk in chars.chunks(width) {
                out.push(chunk.iter().collect());
            }
        }
        out
    };
    let (l, r) = (wrap(left), wrap(right));
    let mut out = String::new();
    for i in 0..l.len().max(r.len()) {
        let a = l.get(i).map_or("", String::as_str);
        let b = r.get(i).map_or("", String::as_str);
        let pad = width.saturating_sub(a.chars().count());
        let _ = writeln!(out, "{a}{} │ {b}", " ".repeat(pad));
    }
    out
}
