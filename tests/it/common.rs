//! Helpers shared by the integration tests: run the binary on inline plans and CSV text.
#![allow(dead_code)]

use assert_cmd::Command;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a command did.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The `ignition` binary, with colours off.
pub fn ignition() -> Command {
    let mut c = Command::cargo_bin("ignition").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

/// Run a command and capture its outcome.
pub fn outcome(cmd: &mut Command) -> Outcome {
    let out = cmd.output().expect("runs");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Write a plan and its tables (NAME, CSV text) into a fresh folder.
pub fn workspace(plan: &str, tables: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan_path = dir.path().join("plan.plan");
    std::fs::write(&plan_path, plan).expect("write plan");
    for (name, text) in tables {
        std::fs::write(dir.path().join(format!("{name}.csv")), text).expect("write csv");
    }
    (dir, plan_path)
}

/// `ignition run PLAN --data DIR --format csv` on inline text.
pub fn run_inline(plan: &str, tables: &[(&str, &str)]) -> Outcome {
    let (dir, plan_path) = workspace(plan, tables);
    outcome(
        ignition()
            .arg("run")
            .arg(&plan_path)
            .arg("--data")
            .arg(dir.path())
            .args(["--format", "csv"]),
    )
}

/// `ignition run` on a plan file and data folder, CSV output.
pub fn run_files(plan: &Path, data: &Path) -> Outcome {
    outcome(
        ignition()
            .arg("run")
            .arg(plan)
            .arg("--data")
            .arg(data)
            .args(["--format", "csv"]),
    )
}

/// Parse `run --format csv` output: (participant, period) → name → value text.
pub fn table(csv: &str) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let mut out = BTreeMap::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        let mut row = BTreeMap::new();
        for (h, c) in header.iter().zip(&cells).skip(2) {
            row.insert(h.to_string(), c.to_string());
        }
        out.insert((cells[0].to_string(), cells[1].to_string()), row);
    }
    out
}

/// The value of `name` for a participant and period, as a decimal.
pub fn value(csv: &str, participant: &str, period: &str, name: &str) -> Decimal {
    let t = table(csv);
    let cell = t
        .get(&(participant.to_string(), period.to_string()))
        .and_then(|r| r.get(name))
        .unwrap_or_else(|| panic!("no {name} for {participant} in {period} in:\n{csv}"));
    Decimal::from_str(cell).unwrap_or_else(|_| panic!("{name} = {cell:?} is not a number"))
}

/// A decimal from text, for expected figures.
pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("bad decimal {s}"))
}

/// The program did not crash: no panic message, no panic exit code (101), no internal error (3).
pub fn no_panic(o: &Outcome) {
    assert!(
        !o.stderr.contains("panicked"),
        "the program panicked (exit {}):\n{}",
        o.code,
        o.stderr
    );
    assert_ne!(o.code, 101, "panic exit code; stderr:\n{}", o.stderr);
    assert_ne!(o.code, 3, "internal error exit code; stderr:\n{}", o.stderr);
    assert_ne!(o.code, -1, "killed by a signal; stderr:\n{}", o.stderr);
}

/// Exit code `code`, no crash.
pub fn expect_code(o: &Outcome, code: i32) {
    no_panic(o);
    assert_eq!(
        o.code, code,
        "expected exit {code}, got {}\nstdout:\n{}\nstderr:\n{}",
        o.code, o.stdout, o.stderr
    );
}

/// Exit 0, no crash; returns stdout.
pub fn ok(o: &Outcome) -> &str {
    expect_code(o, 0);
    &o.stdout
}

/// Assert that `text` contains every one of `needles`.
pub fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "expected {n:?} in:\n{text}");
    }
}

/// Diagnostics with the renderer's wrapping undone: gutters removed, white space collapsed.
pub fn flat(text: &str) -> String {
    text.replace(['│', '·'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `ignition run PLAN --data DIR --format csv` on inline text, in this process: the same
/// library calls as the command (check, load, filters, evaluate, report), with the
/// diagnostics rendered as on the terminal. The exit code is the one `run` would give.
pub fn run_in_process(plan: &str, tables: &[(&str, &str)]) -> Outcome {
    use ignition::diagnostics::{render_plain, Diag};
    let (dir, plan_path) = workspace(plan, tables);
    let mut stderr: Vec<Diag> = Vec::new();
    let fail = |diags: Vec<Diag>, mut stderr: Vec<Diag>| {
        stderr.extend(diags);
        Outcome {
            code: 2,
            stdout: String::new(),
            stderr: render_plain(&stderr, 100),
        }
    };
    let checked = match ignition::compile(&plan_path) {
        Ok(c) => c,
        Err(d) => return fail(d, stderr),
    };
    stderr.extend(checked.warnings);
    let plan = checked.plan;
    let sources = ignition::data::Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let data = match ignition::data::load(&plan, &sources, ignition::data::Options::default()) {
        Ok((data, notes)) => {
            stderr.extend(notes);
            stderr.extend(ignition::data::filters::check(&plan, &data, false));
            data
        }
        Err(d) => return fail(d, stderr),
    };
    let results = ignition::eval::evaluate(&plan, &data);
    let errors = ignition::eval::errors(&plan, &data, &results, 20);
    if !errors.is_empty() {
        return fail(errors, stderr);
    }
    let mut out = Vec::new();
    let sel = ignition::report::Selection::default();
    let written = ignition::report::write(
        &plan,
        &data,
        &results,
        &sel,
        ignition::report::Format::Csv,
        &mut out,
    );
    assert!(written.is_ok(), "writing to memory failed: {written:?}");
    Outcome {
        code: 0,
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: render_plain(&stderr, 100),
    }
}
