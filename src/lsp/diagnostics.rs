//! `textDocument/publishDiagnostics`: `check`'s diagnostics with LSP ranges.

use super::documents::Document;
use super::position;
use crate::diagnostics::{Diag, Severity};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

/// The diagnostics of a document: code, message and primary span as `check` reports them;
/// the other labels and the help as related information.
pub fn of(uri: &Uri, doc: &Document) -> Vec<Diagnostic> {
    doc.analysis
        .diags
        .iter()
        .map(|d| one(uri, doc, d))
        .collect()
}

fn one(uri: &Uri, doc: &Document, d: &Diag) -> Diagnostic {
    let at = |offset: usize, len: usize| {
        let start = doc.analysis.bom + offset;
        position::range(&doc.text, start, start + len)
    };
    let range = d
        .labels
        .first()
        .map_or_else(|| at(0, 0), |(s, _)| at(s.offset(), s.len()));
    let mut related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(s, text)| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), at(s.offset(), s.len())),
            message: text.clone(),
        })
        .collect();
    if let Some(h) = &d.help {
        related.push(DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range),
            message: format!("help: {h}"),
        });
    }
    Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("ignition".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}
