//! `ignition test`: run the tests written in the plan language.

use super::exit;
use crate::testing::{self, Outcome, Status};
use serde::Serialize;
use std::path::PathBuf;

/// How `test` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// One line per test and a summary.
    Text,
    /// A JSON document on stdout.
    Json,
}

/// The examples of `ignition test --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition test                            # every test under plans/, or here if there is none
  ignition test plan.test.plan             # one test file
  ignition test . --filter bonus           # the tests whose name contains `bonus`
  ignition test --format json";

/// Arguments of `test`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Plans, `.test.plan` files or folders (default: `plans/` if it is a folder, else `.`).
    pub paths: Vec<PathBuf>,
    /// Only tests whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
    /// Override a `param` of every plan tested: NAME=VALUE (`--set top_rate=18%`); repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = crate::check::ParamSet::parse)]
    pub set: Vec<crate::check::ParamSet>,
}

#[derive(Serialize)]
struct Report<'a> {
    passed: usize,
    failed: usize,
    errors: usize,
    tests: &'a [Outcome],
}

/// Run `test`.
pub fn run(a: &Args) -> u8 {
    // No path: `plans/` when there is one (a repository of plans), else the current folder
    // (a project from `ignition init`).
    let paths = if a.paths.is_empty() {
        let plans = PathBuf::from("plans");
        vec![if plans.is_dir() {
            plans
        } else {
            PathBuf::from(".")
        }]
    } else {
        a.paths.clone()
    };
    // A folder without a plan is an error, as for `check` and `fmt`.
    let empty = super::empty_folders(&paths);
    if !empty.is_empty() {
        super::print_diags(&empty);
        return exit::INPUT;
    }
    let suites = match testing::discover(&paths) {
        Ok(s) => s,
        Err(d) => {
            super::print_diags(&d);
            return exit::INPUT;
        }
    };
    let mut outcomes: Vec<Outcome> = Vec::new();
    for s in &suites {
        let results = testing::run_suite_with(s, a.filter.as_deref(), &a.set);
        if a.format == TestFormat::Text && !results.is_empty() {
            outln!("{}", s.plan_path.display());
            for o in &results {
                print_outcome(o);
            }
        }
        outcomes.extend(results);
    }
    let passed = outcomes
        .iter()
        .filter(|o| o.status == Status::Passed)
        .count();
    let failed = outcomes
        .iter()
        .filter(|o| o.status == Status::Failed)
        .count();
    let errors = outcomes
        .iter()
        .filter(|o| o.status == Status::Error)
        .count();
    match a.format {
        TestFormat::Text => {
            // Tests that could not run count as failed in the summary CI reads.
            outln!("{} passed, {} failed", passed, failed + errors);
        }
        TestFormat::Json => {
            let report = Report {
                passed,
                failed,
                errors,
                tests: &outcomes,
            };
            match serde_json::to_string_pretty(&report) {
                Ok(s) => outln!("{s}"),
                Err(e) => {
                    errln!("internal error: cannot write JSON: {e}");
                    return exit::INTERNAL;
                }
            }
        }
    }
    if outcomes.is_empty() {
        errln!(
            "test: no test ran{} — nothing was checked",
            a.filter
                .as_deref()
                .map(|f| format!(" (no test name contains \"{f}\")"))
                .unwrap_or_default()
        );
        return exit::GATE;
    }
    if errors > 0 {
        exit::INPUT
    } else if failed > 0 {
        exit::GATE
    } else {
        exit::OK
    }
}

fn print_outcome(o: &Outcome) {
    match o.status {
        Status::Passed => outln!("  ok      {}", o.name),
        Status::Failed => {
            outln!("  FAILED  {}", o.name);
            for f in &o.failures {
                outln!(
                    "          {}  ({})",
                    f.expectation
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    f.at
                );
                outln!("          expected {}", f.expected);
                outln!("          actual   {}", f.actual);
                for n in &f.notes {
                    outln!("          note     {n}");
                }
                if let Some(e) = &f.explanation {
                    for line in e.lines().skip(2) {
                        outln!("            {line}");
                    }
                }
            }
        }
        Status::Error => {
            outln!("  ERROR   {} (the test could not run)", o.name);
            super::print_diags(&o.errors);
        }
    }
}
