//! Assertions on one diagnostic, after cedar's `ExpectedErrorMessageBuilder`: the code, the
//! message, the help and every label text (in order), and optionally the primary location,
//! checked on an in-process [`Diag`] or on one diagnostic of `--format json` output.
//!
//! ```ignore
//! ExpectedDiag::error("ignition::check::unknown_name", "unknown name `bookngs`")
//!     .help("did you mean `bookings`?")
//!     .label("not defined")
//!     .underlined("bookngs")
//!     .assert(&diag);
//! ```
//!
//! Unless `.help` is given the diagnostic must have no help, and unless `.label` is given it
//! must have no label: everything a reader sees is stated.
#![allow(dead_code)]

use ignition::diagnostics::{render_plain, Diag, Severity};

/// What one diagnostic must say; see the module documentation.
#[derive(Debug, Clone)]
pub struct ExpectedDiag {
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    labels: Vec<String>,
    underlined: Option<String>,
    at: Option<(usize, usize)>,
}

impl ExpectedDiag {
    /// An error with this code and message.
    pub fn error(code: &str, message: &str) -> ExpectedDiag {
        ExpectedDiag {
            code: code.to_string(),
            severity: Severity::Error,
            message: message.to_string(),
            help: None,
            labels: Vec::new(),
            underlined: None,
            at: None,
        }
    }

    /// A warning with this code and message.
    pub fn warning(code: &str, message: &str) -> ExpectedDiag {
        ExpectedDiag {
            severity: Severity::Warning,
            ..ExpectedDiag::error(code, message)
        }
    }

    /// A note with this code and message.
    pub fn note(code: &str, message: &str) -> ExpectedDiag {
        ExpectedDiag {
            severity: Severity::Note,
            ..ExpectedDiag::error(code, message)
        }
    }

    /// The exact help text.
    pub fn help(mut self, help: &str) -> ExpectedDiag {
        self.help = Some(help.to_string());
        self
    }

    /// The text of the next label (the first call is the primary label).
    pub fn label(mut self, text: &str) -> ExpectedDiag {
        self.labels.push(text.to_string());
        self
    }

    /// The source text the primary label underlines.
    pub fn underlined(mut self, text: &str) -> ExpectedDiag {
        self.underlined = Some(text.to_string());
        self
    }

    /// The primary location: 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> ExpectedDiag {
        self.at = Some((line, column));
        self
    }

    /// The expected code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Check an in-process diagnostic.
    pub fn assert(&self, d: &Diag) {
        let shown = render_plain(std::slice::from_ref(d), 100);
        assert_eq!(d.code, self.code, "code of\n{shown}");
        assert_eq!(d.severity, self.severity, "severity of\n{shown}");
        assert_eq!(d.message, self.message, "message of\n{shown}");
        assert_eq!(d.help, self.help, "help of\n{shown}");
        let labels: Vec<&str> = d.labels.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(labels, self.labels, "label texts of\n{shown}");
        if let Some(want) = &self.underlined {
            let src = d.source.as_ref().expect("a diagnostic with a source");
            let (span, _) = d.labels.first().expect("a primary label");
            let text = src.text.get(span.offset()..span.offset() + span.len());
            assert_eq!(text, Some(want.as_str()), "underlined text of\n{shown}");
        }
        if let Some((line, column)) = self.at {
            let loc = d.location().expect("a primary location");
            assert_eq!(
                (loc.line, loc.column),
                (line, column),
                "location of\n{shown}"
            );
        }
    }

    /// Check the diagnostic with this code among `diags` (there must be exactly one).
    pub fn assert_in(&self, diags: &[Diag]) {
        let found: Vec<&Diag> = diags.iter().filter(|d| d.code == self.code).collect();
        assert_eq!(
            found.len(),
            1,
            "one {} in:\n{}",
            self.code,
            render_plain(diags, 100)
        );
        self.assert(found[0]);
    }

    /// Check one diagnostic of `check --format json` (or a test's `errors`). The underlined
    /// text is checked against `source`, the text the diagnostic points into.
    pub fn assert_json(&self, d: &serde_json::Value, source: Option<&str>) {
        let field = |k: &str| d.get(k).and_then(|v| v.as_str());
        assert_eq!(field("code"), Some(self.code.as_str()), "code of {d:#}");
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        assert_eq!(field("severity"), Some(severity), "severity of {d:#}");
        assert_eq!(
            field("message"),
            Some(self.message.as_str()),
            "message of {d:#}"
        );
        assert_eq!(field("help"), self.help.as_deref(), "help of {d:#}");
        let labels: Vec<&str> = d
            .get("labels")
            .and_then(|l| l.as_array())
            .map(|l| l.iter().filter_map(|t| t.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(labels, self.labels, "label texts of {d:#}");
        let loc = d.get("location").filter(|l| !l.is_null());
        let num = |k: &str| {
            loc.and_then(|l| l.get(k))
                .and_then(|v| v.as_u64())
                .and_then(|v| usize::try_from(v).ok())
        };
        if let Some(want) = &self.underlined {
            let src = source.expect("the source text, to check what is underlined");
            let text = num("start")
                .zip(num("end"))
                .and_then(|(s, e)| src.get(s..e));
            assert_eq!(text, Some(want.as_str()), "underlined text of {d:#}");
        }
        if let Some((line, column)) = self.at {
            assert_eq!(
                (num("line"), num("column")),
                (Some(line), Some(column)),
                "location of {d:#}"
            );
        }
    }
}
