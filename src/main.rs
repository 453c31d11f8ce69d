//! The `ignition` binary: parse arguments, run, map the outcome to a documented exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = std::panic::catch_unwind(|| ignition::cli::main_with(std::env::args_os())).unwrap_or_else(|_| {
        eprintln!("ignition: internal error (a bug) — please report it with the plan and data that caused it");
        ignition::cli::exit::INTERNAL
    });
    ExitCode::from(code)
}
