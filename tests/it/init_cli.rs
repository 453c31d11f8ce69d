//! `ignition init`, `ignition completions`, folders for `check`/`test`/`fmt`, the examples of
//! every `--help` (each line is run) and the README's newcomer path.

use crate::common::{d, expect_code, ignition, no_panic, outcome, value, Outcome};
use crate::harness::Test;
use std::path::{Path, PathBuf};

/// Run `ignition ARGS` in `dir`; never a crash.
fn run_in(dir: &Path, args: &[&str]) -> Outcome {
    let o = outcome(ignition().args(args).current_dir(dir));
    no_panic(&o);
    o
}

/// A fresh folder holding the project `ignition init` writes.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = run_in(dir.path(), &["init"]);
    expect_code(&o, 0);
    dir
}

const FILES: [&str; 4] = [
    "plan.plan",
    "plan.test.plan",
    "data/reps.csv",
    "data/deals.csv",
];

#[test]
fn init_writes_a_project_that_checks_runs_tests_and_is_formatted() {
    let dir = project();
    for f in FILES {
        assert!(dir.path().join(f).is_file(), "{f} was not written");
    }
    // No errors and no warnings, even when warnings fail the check.
    let o = run_in(dir.path(), &["check", "--deny", "warnings", "plan.plan"]);
    expect_code(&o, 0);
    assert!(
        o.stderr.contains("ok (0 errors, 0 warnings)"),
        "{}",
        o.stderr
    );
    // The three tests of plan.test.plan pass (`test` without a path: no plans/, so here).
    let o = run_in(dir.path(), &["test"]);
    expect_code(&o, 0);
    assert!(o.stdout.ends_with("3 passed, 0 failed\n"), "{}", o.stdout);
    // The templates are in the canonical layout.
    let o = run_in(dir.path(), &["fmt", "--check", "."]);
    expect_code(&o, 0);
    // `run` on the sample data, worked by hand (quotas r1 100,000 and r2 80,000; marginal
    // 2% up to 50% of the quota, 5% to 100%, 8% above; 50 USD a won deal from 100%):
    let o = run_in(
        dir.path(),
        &["run", "plan.plan", "--data", "data", "--format", "csv"],
    );
    expect_code(&o, 0);
    // r1 Q1: d1 + d2 = 40,000 + 30,000 (d3 is lost) = 70,000 = 70%:
    // 50,000 × 2% + 20,000 × 5% = 1,000 + 1,000 = 2,000.
    assert_eq!(value(&o.stdout, "r1", "2026-Q1", "bookings"), d("70000"));
    assert_eq!(value(&o.stdout, "r1", "2026-Q1", "commission"), d("2000"));
    assert_eq!(value(&o.stdout, "r1", "2026-Q1", "deal_bonus"), d("0"));
    // r2 Q1: 33,333.33 + 60,000 = 93,333.33 of 80,000 = 116.6666625%:
    // 40,000 × 2% + 40,000 × 5% + 13,333.33 × 8% = 800 + 2,000 + 1,066.6664 → 3,866.67;
    // bonus 50 × 2 = 100; total 3,966.6664 → 3,966.67.
    assert_eq!(
        value(&o.stdout, "r2", "2026-Q1", "attainment"),
        d("1.166666625")
    );
    assert_eq!(
        value(&o.stdout, "r2", "2026-Q1", "commission"),
        d("3866.67")
    );
    assert_eq!(value(&o.stdout, "r2", "2026-Q1", "deal_bonus"), d("100"));
    assert_eq!(value(&o.stdout, "r2", "2026-Q1", "total"), d("3966.67"));
    // r1 Q2: d6 = 45,000 = 45%: 45,000 × 2% = 900.
    assert_eq!(value(&o.stdout, "r1", "2026-Q2", "total"), d("900"));
}

#[test]
fn init_makes_a_missing_folder_with_its_parents_and_says_what_next() {
    let t = Test::new().args(["init", "a/b/demo"]);
    let o = t.run();
    for f in FILES {
        assert!(t.path().join("a/b/demo").join(f).is_file(), "{f}");
    }
    assert!(o.stdout.contains("cd a/b/demo"), "{}", o.stdout);
    assert!(o.stdout.contains("ignition test"), "{}", o.stdout);
    expect_code(&run_in(&t.path().join("a/b/demo"), &["test"]), 0);
}

#[test]
fn init_into_an_existing_folder_with_other_files_is_fine() {
    let t = Test::new()
        .file("notes.txt", "mine")
        .file("data/other.csv", "a\n1\n")
        .args(["init", "."]);
    t.run();
    assert!(t.path().join("plan.plan").is_file());
    assert_eq!(
        std::fs::read_to_string(t.path().join("notes.txt")).ok(),
        Some("mine".to_string())
    );
}

#[test]
fn init_refuses_to_overwrite_and_then_writes_nothing() {
    let t = Test::new()
        .file("demo/data/deals.csv", "mine\n")
        .args(["init", "demo"])
        .status(2)
        .stderr_has("ignition::cli::init")
        .stderr_has("`demo/data/deals.csv` already exists, and `init` does not overwrite files")
        .stderr_has("help: start in a new folder");
    t.run();
    assert_eq!(
        std::fs::read_to_string(t.path().join("demo/data/deals.csv")).ok(),
        Some("mine\n".to_string())
    );
    // All or nothing: no other file was written.
    assert!(!t.path().join("demo/plan.plan").exists());
    assert!(!t.path().join("demo/data/reps.csv").exists());
}

#[test]
fn init_twice_in_the_current_folder_is_refused() {
    let dir = project();
    let before = std::fs::read_to_string(dir.path().join("plan.plan")).ok();
    let o = run_in(dir.path(), &["init"]);
    expect_code(&o, 2);
    // The current folder's files are named without `./`.
    assert!(
        o.stderr.contains("`plan.plan` already exists"),
        "{}",
        o.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("plan.plan")).ok(),
        before
    );
}

#[test]
fn init_where_a_file_stands_for_the_folder_is_an_error() {
    Test::new()
        .file("demo", "a file")
        .args(["init", "demo"])
        .status(2)
        .stderr_has("ignition::cli::init")
        .stderr_has("cannot write `demo")
        .run();
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = Test::new().args(["completions", shell]).run();
        // The script knows the subcommands and their options.
        for word in ["init", "check", "completions", "--deny"] {
            assert!(o.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    Test::new()
        .args(["completions", "tcsh"])
        .status(2)
        .stderr_has("invalid value 'tcsh'")
        .run();
}

/// A nested folder: `a/plan.plan` (the init project, with its test file) and `a/b/c/other.plan`.
fn nested() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    expect_code(&run_in(dir.path(), &["init", "a"]), 0);
    std::fs::create_dir_all(dir.path().join("a/b/c")).expect("mkdir");
    std::fs::copy(
        dir.path().join("a/plan.plan"),
        dir.path().join("a/b/c/other.plan"),
    )
    .expect("copy");
    dir
}

#[test]
fn check_test_and_fmt_search_folders_and_their_subfolders() {
    let dir = nested();
    let o = run_in(dir.path(), &["check", "a"]);
    expect_code(&o, 0);
    assert!(o.stderr.contains("a/b/c/other.plan: ok"), "{}", o.stderr);
    assert!(o.stderr.contains("a/plan.plan: ok"), "{}", o.stderr);
    // A test file is not a plan for `check`.
    assert!(!o.stderr.contains("plan.test.plan"), "{}", o.stderr);
    let o = run_in(dir.path(), &["test", "a"]);
    expect_code(&o, 0);
    assert!(o.stdout.ends_with("3 passed, 0 failed\n"), "{}", o.stdout);
    // fmt sees the two plans and the test file.
    let o = run_in(dir.path(), &["fmt", "--check", "a"]);
    expect_code(&o, 0);
    assert!(o.stderr.contains("3 files are formatted"), "{}", o.stderr);
}

#[test]
fn a_folder_without_a_plan_is_the_same_error_for_check_test_and_fmt() {
    for cmd in [
        vec!["check"],
        vec!["test"],
        vec!["fmt"],
        vec!["fmt", "--check"],
    ] {
        let mut args = cmd.clone();
        args.push("empty");
        Test::new()
            .file("empty/sub/notes.txt", "no plan here")
            .args(args)
            .status(2)
            .stderr_has("ignition::plan::file")
            .stderr_has("folder `empty` holds no plan (`*.plan`)")
            .stderr_has("help: give plan files, or a folder that holds some")
            .run();
    }
    // `check` wants plans: a folder of test files only holds none.
    Test::new()
        .file("t/x.test.plan", "tests for \"x.plan\"\n")
        .args(["check", "t"])
        .status(2)
        .stderr_has("folder `t` holds no plan")
        .run();
}

/// The subcommands `ignition --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    let o = run_in(Path::new("."), &["--help"]);
    expect_code(&o, 0);
    o.stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

/// The command lines of a help text's `Examples:` section, comments and redirections
/// (`> FILE`, `>> FILE`) left out.
fn examples(help: &str) -> Vec<Vec<String>> {
    let lines: Vec<Vec<String>> = help
        .lines()
        .skip_while(|l| l.trim() != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let l = l.split(" #").next().unwrap_or_default();
            let l = l.split('>').next().unwrap_or_default();
            l.split_whitespace().map(str::to_string).collect()
        })
        .collect();
    assert!(!lines.is_empty(), "no Examples: section in\n{help}");
    lines
}

/// Run the examples in order in `dir`: `cd DIR` moves, `ignition …` must exit with 0.
fn run_examples(page: &str, lines: &[Vec<String>], dir: &Path) {
    let mut cwd: PathBuf = dir.to_path_buf();
    for words in lines {
        match words.first().map(String::as_str) {
            Some("cd") => cwd = cwd.join(&words[1]),
            Some("ignition") if words.get(1).map(String::as_str) == Some("lsp") => {
                // A server that waits for an editor: nothing to run here.
            }
            Some("ignition") => {
                let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
                let o = run_in(&cwd, &args);
                assert_eq!(
                    o.code,
                    0,
                    "example of `{page}` failed: {}\nstdout:\n{}\nstderr:\n{}",
                    words.join(" "),
                    o.stdout,
                    o.stderr
                );
            }
            _ => panic!("`{page}`: an example line is not a command: {words:?}"),
        }
    }
}

/// The folder the command pages' examples run in: the init project, with `old.plan` (the
/// plan before a change: a bonus of 40 USD instead of 50) and `new-data/` (a copy of data/)
/// for the examples of `diff`.
fn example_project() -> tempfile::TempDir {
    let dir = project();
    let p = dir.path();
    let plan = std::fs::read_to_string(p.join("plan.plan")).expect("plan");
    assert!(plan.contains("50 USD * deals_won"));
    std::fs::write(
        p.join("old.plan"),
        plan.replace("50 USD * deals_won", "40 USD * deals_won"),
    )
    .expect("old.plan");
    std::fs::create_dir_all(p.join("new-data")).expect("mkdir");
    for t in ["reps", "deals"] {
        std::fs::copy(
            p.join(format!("data/{t}.csv")),
            p.join(format!("new-data/{t}.csv")),
        )
        .expect("copy");
    }
    dir
}

#[test]
fn every_help_has_examples_and_every_example_runs() {
    let top = run_in(Path::new("."), &["--help"]);
    let fresh = tempfile::tempdir().expect("temp dir");
    run_examples("ignition", &examples(&top.stdout), fresh.path());
    let commands = subcommands();
    for c in [
        "init",
        "completions",
        "check",
        "run",
        "explain",
        "diff",
        "test",
        "fmt",
    ] {
        assert!(
            commands.iter().any(|x| x == c),
            "{c} missing from {commands:?}"
        );
    }
    for c in &commands {
        let help = run_in(Path::new("."), &[c, "--help"]);
        expect_code(&help, 0);
        let lines = examples(&help.stdout);
        // `init` writes a project, so it starts from an empty folder; the others use one.
        let dir = if c == "init" {
            tempfile::tempdir().expect("temp dir")
        } else {
            example_project()
        };
        run_examples(c, &lines, dir.path());
    }
}

#[test]
fn the_readme_newcomer_path_ends_in_a_passing_test() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let line = "ignition init demo && cd demo && ignition test";
    assert!(readme.contains(line), "README lacks `{line}`");
    // Exactly those three steps, in a fresh folder.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cwd = dir.path().to_path_buf();
    let mut last = None;
    for step in line.split("&&") {
        let words: Vec<&str> = step.split_whitespace().collect();
        match words.as_slice() {
            ["cd", to] => cwd = cwd.join(to),
            ["ignition", args @ ..] => {
                let o = run_in(&cwd, args);
                expect_code(&o, 0);
                last = Some(o);
            }
            _ => panic!("not a step: {step}"),
        }
    }
    let o = last.expect("a command ran");
    assert!(o.stdout.ends_with("3 passed, 0 failed\n"), "{}", o.stdout);
}

#[test]
fn exit_codes_of_the_command_line_itself() {
    // Help and version are success; a wrong command line is 2 (README "Exit codes").
    for args in [vec!["--help"], vec!["--version"], vec!["init", "-h"]] {
        let o = run_in(Path::new("."), &args);
        expect_code(&o, 0);
    }
    assert!(run_in(Path::new("."), &["check", "-h"])
        .stdout
        .contains("Examples:"));
    for args in [
        vec!["frobnicate"],
        vec!["completions"],
        vec!["init", "a", "b"],
    ] {
        let o = run_in(Path::new("."), &args);
        expect_code(&o, 2);
    }
}
