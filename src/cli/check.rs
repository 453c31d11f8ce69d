//! `ignition check`: diagnostics for plans, for people or for machines.

use super::exit;
use crate::diagnostics::{Diag, Severity};
use crate::syntax::error::ParseError;
use serde::Serialize;
use std::path::PathBuf;

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Rendered diagnostics on stderr.
    Text,
    /// A JSON document on stdout.
    Json,
}

/// The examples of `ignition check --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition check plan.plan                 # one plan
  ignition check .                         # every plan under a folder, subfolders too
  ignition check --format json plan.plan   # diagnostics as JSON on stdout
  ignition check --deny warnings plan.plan # warnings fail the check too";

/// Arguments of `check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Plan files, or folders (every `*.plan` under them that is not a `*.test.plan`).
    #[arg(required = true)]
    pub plans: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_parser = ["warnings"])]
    pub deny: Option<String>,
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    ok: bool,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<crate::diagnostics::JsonDiag>,
}

/// Run `check`.
pub fn run(a: &Args) -> u8 {
    let deny = a.deny.is_some();
    let mut reports = Vec::new();
    let mut failed = false;
    let mut unreadable = false;
    // An unreadable plan (from `crate::compile`) has the code of an unreadable folder here.
    let plan_file = Diag::from(ParseError::NoPlanInFolder {
        path: String::new(),
    })
    .code;
    for (p, listed) in plans(&a.plans) {
        let mut diags: Vec<Diag> = match listed {
            Err(d) => vec![d],
            Ok(()) => match crate::compile(&p) {
                Ok(c) => c.warnings,
                Err(d) => d,
            },
        };
        if deny {
            for d in &mut diags {
                if d.severity == Severity::Warning {
                    d.severity = Severity::Error;
                }
            }
        }
        unreadable |= diags.iter().any(|d| d.code == plan_file);
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        failed |= errors > 0;
        match a.format {
            CheckFormat::Text => {
                super::print_diags(&diags);
                let status = if errors > 0 { "FAILED" } else { "ok" };
                errln!(
                    "{}: {status} ({errors} {}, {warnings} {})",
                    p.display(),
                    plural(errors, "error"),
                    plural(warnings, "warning")
                );
            }
            CheckFormat::Json => reports.push(FileReport {
                file: p.display().to_string(),
                ok: errors == 0,
                errors,
                warnings,
                diagnostics: diags.iter().map(Diag::to_json).collect(),
            }),
        }
    }
    if a.format == CheckFormat::Json {
        match serde_json::to_string_pretty(&reports) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                errln!("internal error: cannot write JSON: {e}");
                return exit::INTERNAL;
            }
        }
    }
    if unreadable {
        exit::INPUT
    } else if failed {
        exit::GATE
    } else {
        exit::OK
    }
}

/// The plans to check: files as given; folders searched recursively for `*.plan`, leaving
/// out test files (`*.test.plan`), with the discovery `test` and `fmt` use. A folder that
/// cannot be read or holds no plan is an `ignition::plan::file` error.
fn plans(paths: &[PathBuf]) -> Vec<(PathBuf, Result<(), Diag>)> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push((p.clone(), Ok(())));
            continue;
        }
        let mut files = Vec::new();
        if let Err(e) = crate::plan_files(p, &mut files) {
            let d = ParseError::Folder {
                path: p.display().to_string(),
                error: e,
            }
            .into();
            out.push((p.clone(), Err(d)));
            continue;
        }
        files.retain(|f| !f.to_string_lossy().ends_with(".test.plan"));
        if files.is_empty() {
            let d = ParseError::NoPlanInFolder {
                path: p.display().to_string(),
            }
            .into();
            out.push((p.clone(), Err(d)));
        }
        out.extend(files.into_iter().map(|f| (f, Ok(()))));
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
