//! A fluent builder for command-line tests, after just's `tests/test.rs`: a plan, its tables
//! and other files in a fresh folder (the working directory of the command), the arguments,
//! and what the command must print and return.
//!
//! ```ignore
//! Test::new()
//!     .plan(PLAN)
//!     .table("deals", CSV)
//!     .args(["run", "plan.plan", "--data", ".", "--format", "csv"])
//!     .stdout(EXPECTED)
//!     .run();
//! ```
//!
//! The plan is written to `plan.plan` and each table to `NAME.csv` beside it; arguments are
//! relative to that folder. The exit code must be `status` (0 unless set), and the command
//! must never crash (no panic, no internal error, no signal) whatever it is expected to do.
#![allow(dead_code)]

use crate::common::{ignition, no_panic, outcome, Outcome};
use std::path::Path;

/// One command-line test; see the module documentation.
#[must_use = "a Test does nothing until .run()"]
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    status: i32,
    stdout: Option<String>,
    stderr: Option<String>,
    stdout_has: Vec<String>,
    stderr_has: Vec<String>,
    stderr_lacks: Vec<String>,
}

impl Default for Test {
    fn default() -> Self {
        Self::new()
    }
}

impl Test {
    /// A test in a fresh, empty folder.
    pub fn new() -> Test {
        Test {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            status: 0,
            stdout: None,
            stderr: None,
            stdout_has: Vec::new(),
            stderr_has: Vec::new(),
            stderr_lacks: Vec::new(),
        }
    }

    /// The plan, written to `plan.plan`.
    pub fn plan(self, text: &str) -> Test {
        self.file("plan.plan", text)
    }

    /// A data table, written to `NAME.csv`.
    pub fn table(self, name: &str, csv: &str) -> Test {
        self.file(&format!("{name}.csv"), csv)
    }

    /// Any file, at a path relative to the test's folder (folders are made as needed).
    pub fn file(self, path: &str, contents: &str) -> Test {
        let p = self.dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("make folder");
        }
        std::fs::write(&p, contents).expect("write file");
        self
    }

    /// The command's arguments (after `ignition`), relative to the test's folder.
    pub fn args<I, S>(mut self, args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// The expected exit code (default 0).
    pub fn status(mut self, code: i32) -> Test {
        self.status = code;
        self
    }

    /// The exact expected standard output.
    pub fn stdout(mut self, text: &str) -> Test {
        self.stdout = Some(text.to_string());
        self
    }

    /// The exact expected standard error.
    pub fn stderr(mut self, text: &str) -> Test {
        self.stderr = Some(text.to_string());
        self
    }

    /// Text the standard output must contain.
    pub fn stdout_has(mut self, text: &str) -> Test {
        self.stdout_has.push(text.to_string());
        self
    }

    /// Text the standard error must contain.
    pub fn stderr_has(mut self, text: &str) -> Test {
        self.stderr_has.push(text.to_string());
        self
    }

    /// Text the standard error must not contain.
    pub fn stderr_lacks(mut self, text: &str) -> Test {
        self.stderr_lacks.push(text.to_string());
        self
    }

    /// The test's folder, for arguments that need its absolute path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Run `ignition` in the test's folder and check every expectation; returns what it did
    /// for further checks (the folder lives as long as the `Test`).
    pub fn run(&self) -> Outcome {
        let o = outcome(ignition().args(&self.args).current_dir(self.dir.path()));
        no_panic(&o);
        let shown = format!(
            "ignition {}\nexit {}\nstdout:\n{}\nstderr:\n{}",
            self.args.join(" "),
            o.code,
            o.stdout,
            o.stderr
        );
        assert_eq!(o.code, self.status, "exit code\n{shown}");
        if let Some(s) = &self.stdout {
            assert_eq!(&o.stdout, s, "stdout\n{shown}");
        }
        if let Some(s) = &self.stderr {
            assert_eq!(&o.stderr, s, "stderr\n{shown}");
        }
        for s in &self.stdout_has {
            assert!(o.stdout.contains(s.as_str()), "stdout lacks {s:?}\n{shown}");
        }
        for s in &self.stderr_has {
            assert!(o.stderr.contains(s.as_str()), "stderr lacks {s:?}\n{shown}");
        }
        for s in &self.stderr_lacks {
            assert!(!o.stderr.contains(s.as_str()), "stderr has {s:?}\n{shown}");
        }
        o
    }
}
