//! `ignition init [DIR]`: a small working project to start from — a plan, its data and a test
//! file whose expectations are worked out by hand. The templates are the files of `init/`.

use super::error::CliError;
use super::exit;
use crate::diagnostics::Diag;
use std::path::{Path, PathBuf};

/// The examples of `ignition init --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition init demo                       # writes demo/plan.plan, demo/plan.test.plan, demo/data/
  cd demo
  ignition test                            # the tests pass
  ignition run plan.plan --data data";

/// Arguments of `init`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The folder to write into (made when missing; default: the current folder).
    pub dir: Option<PathBuf>,
}

/// The project: each file's path in the folder and its text.
pub const FILES: [(&str, &str); 4] = [
    ("plan.plan", include_str!("init/plan.plan")),
    ("plan.test.plan", include_str!("init/plan.test.plan")),
    ("data/reps.csv", include_str!("init/reps.csv")),
    ("data/deals.csv", include_str!("init/deals.csv")),
];

/// Run `init`: refuse when any of the files exists (nothing is written then), otherwise write
/// them all and say what to do next.
pub fn run(a: &Args) -> u8 {
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    // `plan.plan` rather than `./plan.plan` in messages about the current folder.
    let at = |name: &str| {
        if dir == Path::new(".") {
            PathBuf::from(name)
        } else {
            dir.join(name)
        }
    };
    let existing: Vec<Diag> = FILES
        .iter()
        .map(|(name, _)| at(name))
        .filter(|p| p.exists() || p.is_symlink())
        .map(|p| {
            CliError::InitExists {
                path: p.display().to_string(),
            }
            .into()
        })
        .collect();
    if !existing.is_empty() {
        super::print_diags(&existing);
        return exit::INPUT;
    }
    for (name, text) in FILES {
        if let Err(d) = write(&at(name), text) {
            super::print_diags(&[d]);
            return exit::INPUT;
        }
    }
    let shown = dir.display().to_string();
    let cd = if shown == "." {
        String::new()
    } else {
        format!("  cd {shown}\n")
    };
    let mut text = if shown == "." {
        "wrote a starter plan in the current folder:\n".to_string()
    } else {
        format!("wrote a starter plan in {shown}:\n")
    };
    for (name, _) in FILES {
        text.push_str(&format!("  {name}\n"));
    }
    text.push_str(&format!(
        "next:\n{cd}  ignition test                        # the tests in plan.test.plan pass\n  \
         ignition run plan.plan --data data   # every KPI and payout\n"
    ));
    super::out(&text);
    exit::OK
}

/// Write one file, making its folder; never replaces a file made meanwhile.
fn write(path: &Path, text: &str) -> Result<(), Diag> {
    use std::io::Write;
    let failed = |error: std::io::Error| -> Diag {
        CliError::InitWrite {
            path: path.display().to_string(),
            error,
        }
        .into()
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(failed)?;
    f.write_all(text.as_bytes()).map_err(failed)
}
