//! Ignition: a plan language and engine for sales incentive compensation and sales KPIs.
//!
//! The pipeline, one way: text → [`syntax`] (AST with spans) → [`check`] (names, types,
//! dependency graph → [`ir`]) → [`data`] (typed columns with provenance) → [`eval`]
//! (per participant and period) → [`report`].

pub mod calendar;
pub mod check;
pub mod cli;
pub mod data;
pub mod diagnostics;
pub mod eval;
pub mod intern;
pub mod ir;
pub mod num;
pub mod render;
pub mod report;
pub mod syntax;
pub mod timing;
pub mod types;

use diagnostics::{Diag, SourceFile};
use std::path::Path;

/// Parse and check plan text named `name`.
pub fn compile_str(name: &str, text: &str) -> Result<check::Checked, Vec<Diag>> {
    let src = SourceFile::new(name, text);
    let ast = syntax::parse(&src).map_err(|d| vec![d])?;
    check::check(&ast, &src)
}

/// The text of a plan or test file: a regular file only, not a FIFO or a device (which
/// could block forever or never end).
pub fn read_regular(path: &Path) -> std::io::Result<String> {
    data::csv::open_regular(path).and_then(std::io::read_to_string)
}

/// Read, parse and check a plan file.
pub fn compile(path: &Path) -> Result<check::Checked, Vec<Diag>> {
    let text = read_regular(path).map_err(|e| {
        vec![Diag::error(
            "ignition::plan::file",
            format!("cannot read plan `{}`: {e}", path.display()),
        )
        .help("check the path; plan files end in .plan")]
    })?;
    compile_str(&path.display().to_string(), syntax::strip_bom(&text))
}
pub mod testing;
pub mod trace;

/// Every `*.plan` file under `dir` (plans and test files), recursively, in name order.
pub fn plan_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            plan_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "plan") {
            out.push(p);
        }
    }
    Ok(())
}
