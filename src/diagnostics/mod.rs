//! Diagnostics shared by every phase: a stable code, a message, labels on the source, a hint.

use miette::{LabeledSpan, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use serde::Serialize;
use std::borrow::Cow;
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
    /// `text` as drawn on a terminal, when it has control characters: each one replaced by
    /// `?`s of the same byte length, so that spans stay valid.
    drawn: Option<Arc<str>>,
    /// For excerpts of data that were escaped or cut: at a byte offset of `text`, how many
    /// more characters `text` has there than the file (negative where text was left out).
    /// Columns are reported in the file's characters.
    widened: Vec<(usize, isize)>,
    /// Whether columns are counted as in the file (data excerpts) rather than by the renderer.
    file_columns: bool,
}

impl SourceFile {
    /// A whole file.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        let text = text.into();
        Arc::new(SourceFile {
            name: name.into(),
            drawn: drawn(&text),
            text,
            line_offset: 0,
            widened: Vec::new(),
            file_columns: false,
        })
    }

    /// An excerpt starting at 1-based line `first_line` of the named file.
    pub fn excerpt(name: impl Into<String>, text: &str, first_line: usize) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            name: name.into(),
            drawn: drawn(text),
            text: text.into(),
            line_offset: first_line.saturating_sub(1),
            widened: Vec::new(),
            file_columns: false,
        })
    }

    /// One line of a data file (raw bytes, perhaps not UTF-8) shown around the byte range
    /// `start..end`: control characters and invalid bytes escaped, a long line cut to a
    /// window around the range. Returns the excerpt and the range within it.
    pub fn data_line(
        name: impl Into<String>,
        line: &[u8],
        line_no: usize,
        start: usize,
        end: usize,
    ) -> (Arc<SourceFile>, SourceSpan) {
        const BEFORE: usize = 40;
        const WIDTH: usize = 120;
        let start = start.min(line.len());
        let end = end.clamp(start, line.len());
        let from = floor_char(line, start.saturating_sub(BEFORE));
        let to = floor_char(line, (from + WIDTH).max(end.min(start + WIDTH)));
        let mut text = String::new();
        let mut widened = Vec::new();
        if from > 0 {
            text.push('…');
            widened.push((0, 1 - chars_of(&line[..from]) as isize));
        }
        let mut span_start = text.len();
        let mut span_end = text.len();
        let mut at = from;
        for chunk in line[from..to].utf8_chunks() {
            for c in chunk.valid().chars() {
                if at == start {
                    span_start = text.len();
                }
                if at == end {
                    span_end = text.len();
                }
                let before = text.len();
                if push_escaped(&mut text, c, false) {
                    widened.push((before, text[before..].chars().count() as isize - 1));
                }
                at += c.len_utf8();
            }
            for &b in chunk.invalid() {
                if at == start {
                    span_start = text.len();
                }
                if at == end {
                    span_end = text.len();
                }
                let before = text.len();
                text.push_str(&format!("\\x{b:02x}"));
                widened.push((before, 3));
                at += 1;
            }
        }
        if at <= start {
            span_start = text.len();
        }
        if at <= end {
            span_end = text.len();
        }
        if to < line.len() {
            text.push('…');
        }
        let span = SourceSpan::new(span_start.into(), span_end.saturating_sub(span_start));
        let src = Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            line_offset: line_no.saturating_sub(1),
            drawn: None,
            widened,
            file_columns: true,
        });
        (src, span)
    }

    /// The same text under another name, starting at 1-based line `first_line`.
    pub fn renamed(&self, name: &str, first_line: usize) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            name: name.to_string(),
            text: Arc::clone(&self.text),
            line_offset: first_line.saturating_sub(1),
            drawn: self.drawn.clone(),
            widened: self.widened.clone(),
            file_columns: self.file_columns,
        })
    }

    /// 1-based line and column of a byte offset, in the real file.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (l, c) = line_col(&self.text, offset);
        if self.widened.is_empty() {
            return (l + self.line_offset, c);
        }
        let offset = offset.min(self.text.len());
        let line_start = self.text.as_bytes()[..offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let extra: isize = self
            .widened
            .iter()
            .filter(|(o, _)| *o >= line_start && *o < offset)
            .map(|(_, w)| *w)
            .sum();
        (l + self.line_offset, (c as isize - extra).max(1) as usize)
    }
}

/// The drawn form of a source text: `None` when nothing in it needs escaping.
fn drawn(text: &str) -> Option<Arc<str>> {
    if !text
        .chars()
        .any(|c| hidden(c) && !matches!(c, '\n' | '\t' | '\r'))
    {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if hidden(c) && !matches!(c, '\n' | '\t' | '\r') {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Some(out.into())
}

fn floor_char(b: &[u8], mut i: usize) -> usize {
    // Back up over UTF-8 continuation bytes (at most 3), so a cut does not split a character.
    for _ in 0..3 {
        if i == 0 || i >= b.len() || b[i] & 0xC0 != 0x80 {
            break;
        }
        i -= 1;
    }
    i.min(b.len())
}

fn chars_of(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c & 0xC0 != 0x80).count()
}

/// Characters that must not reach a terminal as they are: control characters (C0, DEL, C1)
/// and the bidirectional-text controls that reorder what is shown.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Push `c`, escaped when it is hidden (`\n`, `\t`, `\r`, `\x1b`, `\u{202e}`); a line
/// break is kept as it is when `keep_newline`. True when it was escaped.
fn push_escaped(out: &mut String, c: char, keep_newline: bool) -> bool {
    if !hidden(c) || (keep_newline && c == '\n') {
        out.push(c);
        return false;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
    true
}

/// Text from data or a plan, safe to show on a terminal: control characters (and line
/// breaks, tabs and bidirectional controls) escaped as `\x1b`, `\n`, `\u{202e}`. This is
/// the one place that decides how such text is displayed, in diagnostics and in tables.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c, false);
    }
    Cow::Owned(out)
}

/// Like [`escape`] for a text of several lines (an explanation): line breaks are kept.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && hidden(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c, true);
    }
    Cow::Owned(out)
}

/// Like [`escape`] for bytes that may not be UTF-8: an invalid byte is shown as `\xff`.
pub fn escape_bytes(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => escape(s),
        Err(_) => {
            let mut out = String::with_capacity(b.len() + 8);
            for chunk in b.utf8_chunks() {
                for c in chunk.valid().chars() {
                    push_escaped(&mut out, c, false);
                }
                for &x in chunk.invalid() {
                    out.push_str(&format!("\\x{x:02x}"));
                }
            }
            Cow::Owned(out)
        }
    }
}

/// Most characters of a data value quoted in a message.
pub const QUOTE_CHARS: usize = 60;

/// A data value quoted in a message: escaped, and cut after [`QUOTE_CHARS`] characters with
/// `…` (a 10 MB cell must not become 10 MB of diagnostics).
pub fn quote(b: &[u8]) -> String {
    let cut = b.len() > QUOTE_CHARS * 4;
    let head = if cut {
        &b[..floor_char(b, QUOTE_CHARS * 4)]
    } else {
        b
    };
    let shown = escape_bytes(head);
    match shown.char_indices().nth(QUOTE_CHARS) {
        Some((i, _)) => format!("{}…", &shown[..i]),
        None if cut => format!("{shown}…"),
        None => shown.into_owned(),
    }
}

/// A message, label or hint made safe to print: hidden characters escaped, line breaks kept.
fn clean(s: String) -> String {
    if !s.chars().any(|c| hidden(c) && c != '\n') {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c, true);
    }
    out
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let text: &str = self.drawn.as_deref().unwrap_or(&self.text);
        let inner = text.read_span(span, before, after)?;
        // For an excerpt of data, the column is the file's (characters), not the excerpt's bytes.
        let column = if self.file_columns && before == 0 {
            self.line_col(span.offset()).1.saturating_sub(1)
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line_offset,
            column,
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
    pub code: Cow<'static, str>,
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
    /// Only tests build a diagnostic from a literal code; the program uses the typed enums.
    #[cfg(test)]
    pub fn error(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            code: Cow::Borrowed(code),
            severity: Severity::Error,
            message: clean(message.into()),
            labels: Vec::new(),
            help: None,
            source: None,
        }
    }

    /// A warning with a code and message.
    /// Only tests build a diagnostic from a literal code; the program uses the typed enums.
    #[cfg(test)]
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, message)
        }
    }

    /// A note with a code and message.
    /// Only tests build a diagnostic from a literal code; the program uses the typed enums.
    #[cfg(test)]
    pub fn note(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Note,
            ..Diag::error(code, message)
        }
    }

    /// The rendered form of a typed diagnostic (one phase's error enum, see [`Typed`]): its
    /// code, severity, message, labels (the primary one first, the others in field order)
    /// and help.
    pub fn from_typed(e: &dyn miette::Diagnostic) -> Diag {
        let severity = match e.severity() {
            Some(miette::Severity::Warning) => Severity::Warning,
            Some(miette::Severity::Advice) => Severity::Note,
            Some(miette::Severity::Error) | None => Severity::Error,
        };
        let mut labels: Vec<LabeledSpan> = e.labels().map(|l| l.collect()).unwrap_or_default();
        labels.sort_by_key(|l| !l.primary());
        Diag {
            code: Cow::Owned(e.code().map(|c| c.to_string()).unwrap_or_default()),
            severity,
            message: clean(e.to_string()),
            labels: labels
                .into_iter()
                .map(|l| (*l.inner(), clean(l.label().unwrap_or_default().to_string())))
                .collect(),
            help: e.help().map(|h| clean(h.to_string())),
            source: None,
        }
    }

    /// Attach the text the labels point into.
    pub fn in_source(mut self, source: &Arc<SourceFile>) -> Diag {
        self.source = Some(Arc::clone(source));
        self
    }

    /// Add a labelled span.
    pub fn label(mut self, span: impl Into<SourceSpan>, text: impl Into<String>) -> Diag {
        self.labels.push((span.into(), clean(text.into())));
        self
    }

    /// Set the hint.
    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(clean(help.into()));
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
            code: self.code.clone(),
            severity: self.severity,
            message: self.message.clone(),
            location: self.location(),
            labels: self.labels.iter().map(|(_, t)| t.clone()).collect(),
            help: self.help.clone(),
        }
    }
}

/// A phase's error enum (`thiserror::Error` + `miette::Diagnostic`, one variant per
/// situation): it converts into a rendered [`Diag`]. Each phase keeps its enum in its own
/// `error.rs`; docs/language.md §20 is generated from those files (`codes.rs`).
pub trait Typed: miette::Diagnostic {}

impl<E: Typed> From<E> for Diag {
    fn from(e: E) -> Diag {
        Diag::from_typed(&e)
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
    pub code: Cow<'static, str>,
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
        Some(Box::new(&self.code))
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

/// 1-based line and column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = src[line_start..offset].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod codes;

#[cfg(test)]
mod tests {
    /// The shape of every phase's error enum (see `Typed`).
    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    enum ExampleError {
        /// A name is used that is not declared.
        #[error("unknown name `{name}`")]
        #[diagnostic(code(ignition::example::unknown_name), help("did you mean `{near}`?"))]
        UnknownName {
            name: String,
            near: String,
            #[label("not declared")]
            span: SourceSpan,
            #[label(primary, "used here")]
            used: SourceSpan,
        },
        /// Something is never used.
        #[error("`{0}` is never used")]
        #[diagnostic(code(ignition::example::unused), severity(Warning))]
        Unused(String, #[label] SourceSpan),
    }
    impl Typed for ExampleError {}

    #[test]
    fn a_typed_error_renders_as_a_diag() {
        let d: Diag = ExampleError::UnknownName {
            name: "quota".into(),
            near: "quotas".into(),
            span: (1, 2).into(),
            used: (5, 3).into(),
        }
        .into();
        assert_eq!(d.code, "ignition::example::unknown_name");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.message, "unknown name `quota`");
        assert_eq!(d.help.as_deref(), Some("did you mean `quotas`?"));
        let labels: Vec<(usize, &str)> = d
            .labels
            .iter()
            .map(|(s, t)| (s.offset(), t.as_str()))
            .collect();
        assert_eq!(labels, [(5, "used here"), (1, "not declared")]);
        let w: Diag = ExampleError::Unused("x".into(), (0, 1).into()).into();
        assert_eq!(
            (w.severity, w.labels[0].1.as_str()),
            (Severity::Warning, "")
        );
        assert_eq!(w.help, None);
    }

    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("plain, Zoë"), "plain, Zoë");
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("x\ny\tz\r\u{7f}"), "x\\ny\\tz\\r\\x7f");
        assert_eq!(escape("\u{9b}31m \u{202e}cba"), "\\u{9b}31m \\u{202e}cba");
        assert_eq!(escape_bytes(b"r01\xff"), "r01\\xff");
        // Messages keep their line breaks; everything else hidden is escaped.
        let d = Diag::error("x", "a\u{1b}]0;t\u{7}\nb").help("h\u{1b}");
        assert_eq!(d.message, "a\\x1b]0;t\\x07\nb");
        assert_eq!(d.help.as_deref(), Some("h\\x1b"));
    }

    #[test]
    fn quoted_values_are_cut() {
        let long = "9".repeat(10 << 20);
        let q = quote(long.as_bytes());
        assert_eq!(q.chars().count(), QUOTE_CHARS + 1);
        assert!(q.ends_with('…'));
        assert_eq!(quote(b"short"), "short");
        // Cutting never splits a character, and escapes count as what they show.
        let q = quote("é".repeat(100).as_bytes());
        assert_eq!(q, format!("{}…", "é".repeat(QUOTE_CHARS)));
    }

    #[test]
    fn data_lines_keep_file_columns() {
        // `r01\xff` is 4 characters of the file (the invalid byte counts as one), so the
        // amount after `D4,r01\xff,` starts at column 3 + 5 + 1 = 9.
        let line = b"D4,r01\xff,1e309,x";
        let (src, span) = SourceFile::data_line("f.csv", line, 7, 8, 13);
        assert_eq!(
            &src.text[span.offset()..span.offset() + span.len()],
            "1e309"
        );
        assert_eq!(src.line_col(span.offset()), (7, 9));
        // A long line is cut around the range; the column is still the file's.
        let mut long = "x".repeat(5000).into_bytes();
        long.extend_from_slice(b",\x1bbad,");
        long.extend(std::iter::repeat_n(b'y', 5000));
        let (src, span) = SourceFile::data_line("f.csv", &long, 1, 5001, 5005);
        assert!(src.text.len() < 300, "{}", src.text.len());
        assert_eq!(
            &src.text[span.offset()..span.offset() + span.len()],
            "\\x1bbad"
        );
        assert_eq!(src.line_col(span.offset()), (1, 5002));
        // Renders without panicking.
        let d = Diag::error("x", "m").in_source(&src).label(span, "here");
        assert!(render_plain(&[d], 100).contains("[f.csv:1:5002]"));
    }
}
