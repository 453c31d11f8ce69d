//! Diagnostics shared by every phase: a stable code, a message, labels on the source, a hint.

use miette::{LabeledSpan, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A named text that diagnostics point into: a plan, or an excerpt of a data file.
#[derive(Debug)]
pub struct SourceFile {
    /// Path or name shown to the user.
    pub name: String,
    /// The text (for data files, only the excerpt around the problem).
    pub text: Arc<str>,
    /// Lines before `text` in the real file, so rendered line numbers are the file's own.
    pub line_offset: usize,
}

impl SourceFile {
    /// A whole file.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            line_offset: 0,
        })
    }

    /// An excerpt starting at 1-based line `first_line` of the named file.
    pub fn excerpt(name: impl Into<String>, text: &str, first_line: usize) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            line_offset: first_line.saturating_sub(1),
        })
    }

    /// 1-based line and column of a byte offset, in the real file.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (l, c) = crate::syntax::span::line_col(&self.text, offset);
        (l + self.line_offset, c)
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line_offset,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the command.
    Error,
    /// Reported; `--deny warnings` makes it an error.
    Warning,
    /// Informational.
    Note,
}

/// One diagnostic: what is wrong, where, and what to do.
#[derive(Debug, Clone)]
pub struct Diag {
    /// Stable code, e.g. `ignition::check::unknown_name`.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One-line message.
    pub message: String,
    /// Labelled spans into `source` (the first is the primary location).
    pub labels: Vec<(SourceSpan, String)>,
    /// A hint.
    pub help: Option<String>,
    /// Text the labels point into.
    pub source: Option<Arc<SourceFile>>,
}

impl Diag {
    /// An error with a code and message.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            source: None,
        }
    }

    /// A warning with a code and message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, message)
        }
    }

    /// A note with a code and message.
    pub fn note(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Note,
            ..Diag::error(code, message)
        }
    }

    /// Attach the text the labels point into.
    pub fn in_source(mut self, source: &Arc<SourceFile>) -> Diag {
        self.source = Some(Arc::clone(source));
        self
    }

    /// Add a labelled span.
    pub fn label(mut self, span: impl Into<SourceSpan>, text: impl Into<String>) -> Diag {
        self.labels.push((span.into(), text.into()));
        self
    }

    /// Set the hint.
    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }

    /// True when this stops the command.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// File, line and column of the primary label, when there is one.
    pub fn location(&self) -> Option<Location> {
        let src = self.source.as_ref()?;
        let (span, _) = self.labels.first()?;
        let (line, column) = src.line_col(span.offset());
        Some(Location {
            file: src.name.clone(),
            line,
            column,
            start: span.offset(),
            end: span.offset() + span.len(),
        })
    }

    /// The machine-readable form used by `--format json`.
    pub fn to_json(&self) -> JsonDiag {
        JsonDiag {
            code: self.code,
            severity: self.severity,
            message: self.message.clone(),
            location: self.location(),
            labels: self.labels.iter().map(|(_, t)| t.clone()).collect(),
            help: self.help.clone(),
        }
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Location {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Byte offset of the span start (within the plan; within the excerpt for data).
    pub start: usize,
    /// Byte offset of the span end.
    pub end: usize,
}

/// A diagnostic as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiag {
    /// Stable code.
    pub code: &'static str,
    /// error | warning | note
    pub severity: Severity,
    /// Message.
    pub message: String,
    /// Primary location.
    pub location: Option<Location>,
    /// Label texts.
    pub labels: Vec<String>,
    /// Hint.
    pub help: Option<String>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl miette::Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_deref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.source.is_none() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (s, t))| {
                let text = if t.is_empty() { None } else { Some(t.clone()) };
                if i == 0 {
                    LabeledSpan::new_primary_with_span(text, *s)
                } else {
                    LabeledSpan::new_with_span(text, *s)
                }
            },
        )))
    }
}

/// Render diagnostics as plain text (no colour, fixed width): for snapshots and non-terminals.
pub fn render_plain(diags: &[Diag], width: usize) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(width);
    let mut out = String::new();
    for d in diags {
        // Rendering into a String cannot fail.
        let _ = handler.render_report(&mut out, d);
        out.push('\n');
    }
    out
}

/// Closest candidate to `name` by edit distance, if close enough to suggest.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        let d = strsim::levenshtein(name, c);
        if (score >= 0.8 || d <= 2) && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

/// A hint for an unknown name: "did you mean `x`?" when a candidate is close, else `fallback`.
pub fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: impl FnOnce() -> String,
) -> String {
    did_you_mean(name, candidates).map_or_else(fallback, |s| format!("did you mean `{s}`?"))
}
