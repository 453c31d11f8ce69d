//! The `ignition` binary: parse arguments, run, map the outcome to a documented exit code.

use std::process::ExitCode;

/// The passes over a plan recurse over its expressions; a generous stack lets a machine-made
/// plan with very long expressions be checked instead of aborting.
const STACK: usize = 512 << 20;

fn main() -> ExitCode {
    // Worker threads run the same recursive passes (evaluation, explanations for
    // `run --explain-dir`): give them the same stack. The memory is reserved, not committed.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .build_global();
    let worker = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| std::panic::catch_unwind(|| ignition::cli::main_with(std::env::args_os())));
    let code = match worker.map(|w| w.join()) {
        Ok(Ok(Ok(code))) => code,
        _ => {
            use std::io::Write;
            // Never panic here: with stderr closed the message is lost, the exit code stays 3.
            let _ = writeln!(std::io::stderr().lock(), "ignition: internal error (a bug) — please report it with the plan and data that caused it");
            ignition::cli::exit::INTERNAL
        }
    };
    ExitCode::from(code)
}
