//! The command line: one module per subcommand; `main.rs` only maps the outcome to an exit code.

/// `eprintln!` that never panics: a closed or full stderr loses the message, not the run.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($t)*);
    }};
}

/// `println!` for command output: a closed stdout (`| head`) ends the program quietly with
/// exit 0; another write error is reported with exit 2 (see [`out`]).
macro_rules! outln {
    ($($t:tt)*) => {{
        $crate::cli::out(&format!("{}\n", format_args!($($t)*)));
    }};
}

mod check;
mod completions;
// issue 11, dashboard
mod dashboard;
mod diff;
pub mod error;
mod explain;
mod fmt;
mod init;
mod inputs;
mod progress;
mod run;
// issue 10, statements
mod statement;
mod test;

use crate::diagnostics::Diag;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;

/// Exit codes (documented in the README; CI depends on them).
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The gate the command exists for failed (`check` found errors).
    pub const GATE: u8 = 1;
    /// A plan or data error stopped a command that needed valid input, or the command line was wrong.
    pub const INPUT: u8 = 2;
    /// A bug in Ignition.
    pub const INTERNAL: u8 = 3;
}

/// Ignition: sales compensation plans you can read, check, run and audit.
#[derive(Parser, Debug)]
#[command(name = "ignition", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a small working plan, its data and its tests into DIR (default: here).
    #[command(after_help = init::EXAMPLES)]
    Init(init::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::Args),
    /// Check plans for errors without reading data (exit 1 when any has errors).
    #[command(after_help = check::EXAMPLES)]
    Check(check::Args),
    /// Compute every KPI and payout for every participant and period.
    #[command(after_help = run::EXAMPLES)]
    Run(run::Args),
    /// Explain one participant's numbers in one period: rules, inputs, data rows.
    #[command(after_help = explain::EXAMPLES)]
    Explain(explain::Args),
    /// The coaching dashboard of one period: each rep's KPIs by family, statuses, trends.
    #[command(after_help = dashboard::EXAMPLES)]
    Dashboard(dashboard::Args),
    /// One pay statement per participant for a period: lines, total, each line explained.
    #[command(after_help = statement::EXAMPLES)]
    Statement(statement::Args),
    /// Compare two plan versions (or two data sets): whose values move, and the cost.
    #[command(after_help = diff::EXAMPLES)]
    Diff(diff::Args),
    /// Run the tests written in plans and `*.test.plan` files (exit 1 when one fails).
    #[command(after_help = test::EXAMPLES)]
    Test(test::Args),
    /// Rewrite plans and test files in the canonical layout (`--check`: diff, exit 1 if unformatted).
    #[command(after_help = fmt::EXAMPLES)]
    Fmt(fmt::Args),
    /// Serve the Language Server Protocol on stdin/stdout (for editors).
    #[command(after_help = LSP_EXAMPLES)]
    Lsp,
}

/// The examples of `ignition lsp --help` (the editor starts it; the test lists, not runs, it).
const LSP_EXAMPLES: &str = "\
Examples:
  ignition lsp        # started by the editor: editors/vscode, Neovim or Helix (README, Editors)";

/// The examples of `ignition --help`. Like those of each command, a test runs every line
/// (tests/it/init_cli.rs), so they stay true.
const EXAMPLES: &str = "\
Examples:
  ignition init demo                     # a plan, its data and tests in demo/
  cd demo
  ignition test                          # run the tests (plans/ if there is one, else here)
  ignition check .                       # check every plan under a folder
  ignition run plan.plan --data data     # every KPI and payout

Exit codes: 0 ok, 1 the gate failed (check, test, diff --fail-over, fmt --check),
2 a plan, data or command-line error, 3 a bug in Ignition.";

/// Run the command line; returns the exit code.
pub fn main_with(args: impl IntoIterator<Item = std::ffi::OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::INPUT
            } else {
                exit::OK
            };
        }
    };
    match cli.command {
        Command::Init(a) => init::run(&a),
        Command::Completions(a) => completions::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Run(a) => run::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Statement(a) => statement::run(&a),
        Command::Test(a) => test::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::Dashboard(a) => dashboard::run(&a),
        Command::Fmt(a) => fmt::run(&a),
        Command::Lsp => match crate::lsp::serve() {
            Ok(true) => exit::OK,
            // The protocol's exit code for an `exit` without `shutdown` first.
            Ok(false) => exit::GATE,
            Err(e) => {
                errln!("ignition lsp: {e}");
                exit::INPUT
            }
        },
    }
}

/// `--format table|csv|json` of `run` and `diff`: the command line's names for
/// [`crate::report::Format`] (clap stays on this side of the pipeline).
impl clap::ValueEnum for crate::report::Format {
    fn value_variants<'a>() -> &'a [Self] {
        use crate::report::Format;
        &[Format::Table, Format::Csv, Format::Json]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use crate::report::Format;
        use clap::builder::PossibleValue;
        Some(match self {
            Format::Table => PossibleValue::new("table").help("Aligned columns for people"),
            Format::Csv => {
                PossibleValue::new("csv").help("One row per participant and period, exact values")
            }
            Format::Json => PossibleValue::new("json")
                .help("One object per participant and period, exact values as strings"),
        })
    }
}

/// The folders among `paths` that hold no `*.plan` file (searched with their subfolders):
/// `check`, `test` and `fmt` all refuse them with `ignition::plan::file`, exit 2. (A folder
/// that cannot be read is each command's own error.)
pub fn empty_folders(paths: &[std::path::PathBuf]) -> Vec<Diag> {
    paths
        .iter()
        .filter(|p| p.is_dir())
        .filter(|p| {
            let mut files = Vec::new();
            crate::plan_files(p, &mut files).is_ok() && files.is_empty()
        })
        .map(|p| {
            crate::syntax::error::ParseError::NoPlanInFolder {
                path: p.display().to_string(),
            }
            .into()
        })
        .collect()
}

/// Print diagnostics to stderr, in colour on a terminal.
pub fn print_diags(diags: &[Diag]) {
    if diags.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let width = 100;
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(width);
    let mut out = String::new();
    for d in diags {
        // The renderer cannot draw some sources (a line of hundreds of kilobytes): fall back to
        // the message and its location rather than lose the diagnostic.
        let mut one = String::new();
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handler.render_report(&mut one, d)
        }))
        .is_ok_and(|r| r.is_ok());
        std::panic::set_hook(quiet);
        if drawn {
            out.push_str(&one);
        } else {
            let at = d
                .location()
                .map(|l| format!(" at {}:{}:{}", l.file, l.line, l.column))
                .unwrap_or_default();
            out.push_str(&format!("{}: {}{at}\n", d.code, d.message));
            if let Some(h) = &d.help {
                out.push_str(&format!("  help: {h}\n"));
            }
        }
        out.push('\n');
    }
    use std::io::Write;
    // A closed stderr must not turn a diagnostic into a crash: the message is lost, the exit
    // code still says what happened.
    progress::suspend(|| {
        let _ = std::io::stderr().lock().write_all(out.as_bytes());
    });
}

/// Write command output to stdout. When the reader has gone away (a closed pipe, e.g.
/// `ignition run … | head`), stop quietly with exit 0, as `head` asked for no more; any
/// other write error (a full disk) is reported and the program exits with 2.
pub fn out(text: &str) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        write_failed(&e);
    }
}

/// The end of a program whose stdout cannot be written (see [`out`]).
pub fn write_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(i32::from(exit::OK));
    }
    print_diags(&[error::CliError::WriteStdout {
        error: e.to_string(),
    }
    .into()]);
    std::process::exit(i32::from(exit::INPUT));
}

/// Stream a command's output to `-o FILE` or stdout through a buffer; on failure print why
/// and return false (a closed stdout ends the program quietly, see [`out`]).
pub fn emit_with(
    output: &Option<std::path::PathBuf>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> bool {
    use std::io::Write;
    let written = match output {
        Some(path) => std::fs::File::create(path)
            .and_then(|f| {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
                write(&mut w)?;
                w.flush()
            })
            .map_err(|error| error::CliError::WriteFile {
                path: path.display().to_string(),
                error,
            }),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            if let Err(e) = write(&mut w).and_then(|()| w.flush()) {
                write_failed(&e);
            }
            Ok(())
        }
    };
    match written {
        Ok(()) => true,
        Err(e) => {
            print_diags(&[e.into()]);
            false
        }
    }
}

/// Write a command's output to `-o FILE` or stdout; on failure print why and return false.
pub fn emit(output: &Option<std::path::PathBuf>, text: &str) -> bool {
    emit_with(output, |w| w.write_all(text.as_bytes()))
}
