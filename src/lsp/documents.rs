//! The open documents: each one's text and what checking it found, redone on every change.

use crate::check::names::Names;
use crate::diagnostics::{Diag, SourceFile};
use crate::syntax::{self, Span};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

/// One open document.
pub struct Document {
    /// The text as the editor has it (a byte-order mark included).
    pub text: String,
    /// What checking it found.
    pub analysis: Analysis,
    /// While the text does not parse (half a line typed), the names of the last version
    /// that did: completion offers them.
    pub last_names: Option<Names>,
}

/// What `check` finds in a document.
pub struct Analysis {
    /// Bytes of a leading byte-order mark: spans are offsets after it.
    pub bom: usize,
    /// The diagnostics `ignition check` reports (none for a test file that parses).
    pub diags: Vec<Diag>,
    /// The names, when the plan parsed.
    pub names: Option<Names>,
}

impl Document {
    /// A document with `text`, checked.
    pub fn new(uri: &str, text: String) -> Document {
        let analysis = analyze(uri, &text);
        Document {
            text,
            analysis,
            last_names: None,
        }
    }

    /// The byte range of the document text a plan span stands for.
    pub fn bytes(&self, span: Span) -> (usize, usize) {
        let b = self.analysis.bom;
        (span.start as usize + b, span.end as usize + b)
    }

    /// The plan offset (after the byte-order mark) of a document byte offset.
    pub fn plan_offset(&self, offset: usize) -> usize {
        offset.saturating_sub(self.analysis.bom)
    }
}

/// Check `text` as `ignition check` does (parse, then check), keeping the names.
pub fn analyze(name: &str, text: &str) -> Analysis {
    let body = syntax::strip_bom(text);
    let bom = text.len() - body.len();
    let src = SourceFile::new(name, body);
    // As `ignition check` does (`crate::compile_str`): go on after syntax errors, and check
    // what parsed.
    let parsed =
        std::panic::catch_unwind(AssertUnwindSafe(|| syntax::parser::parse_recovering(&src)));
    let (diags, names) = match parsed {
        Ok((Some(plan), mut errors)) => {
            match std::panic::catch_unwind(AssertUnwindSafe(|| {
                crate::check::analyze_files(&plan, &src, &[], &crate::calendar_files(&plan, name))
            })) {
                Ok(a) => {
                    errors.extend(match a.result {
                        Ok(c) => c.warnings,
                        Err(d) => d,
                    });
                    (errors, Some(a.names))
                }
                Err(_) => (errors, None),
            }
        }
        // A test file is checked against its plan by `ignition test`.
        Ok((None, _)) if is_test_file(&src) => (Vec::new(), None),
        Ok((None, errors)) => (errors, None),
        Err(_) => (Vec::new(), None),
    };
    Analysis { bom, diags, names }
}

/// Whether the text is a test file (`tests for "…"`) that parses.
fn is_test_file(src: &std::sync::Arc<SourceFile>) -> bool {
    matches!(
        std::panic::catch_unwind(AssertUnwindSafe(|| syntax::parser::parse_unit(src))),
        Ok(Ok(syntax::ast::Unit::Tests(_)))
    )
}

/// The open documents by URI.
#[derive(Default)]
pub struct Store {
    docs: HashMap<String, Document>,
}

impl Store {
    /// Open (or replace) a document.
    pub fn open(&mut self, uri: &str, text: String) {
        let previous = self
            .docs
            .remove(uri)
            .and_then(|d| d.analysis.names.or(d.last_names));
        let mut doc = Document::new(uri, text);
        if doc.analysis.names.is_none() {
            doc.last_names = previous;
        }
        self.docs.insert(uri.to_string(), doc);
    }

    /// Close a document.
    pub fn close(&mut self, uri: &str) {
        self.docs.remove(uri);
    }

    /// An open document.
    pub fn get(&self, uri: &str) -> Option<&Document> {
        self.docs.get(uri)
    }
}
