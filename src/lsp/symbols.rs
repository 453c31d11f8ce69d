//! `textDocument/documentSymbol`: the plan's declarations, an input's columns under it.

use super::documents::Document;
use super::position;
use crate::check::names::{Symbol, SymbolKind as Kind};
use lsp_types::{DocumentSymbol, SymbolKind};

/// The outline of a document.
pub fn outline(doc: &Document) -> Vec<DocumentSymbol> {
    let Some(names) = doc.analysis.names.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<DocumentSymbol> = Vec::new();
    for s in &names.symbols {
        let sym = one(doc, s);
        if matches!(s.kind, Kind::Column { .. }) {
            if let Some(parent) = out.last_mut() {
                parent.children.get_or_insert_with(Vec::new).push(sym);
                continue;
            }
        }
        out.push(sym);
    }
    out
}

fn one(doc: &Document, s: &Symbol) -> DocumentSymbol {
    let (kind, detail) = match &s.kind {
        Kind::Let => (SymbolKind::VARIABLE, "let"),
        Kind::Kpi => (SymbolKind::PROPERTY, "kpi"),
        Kind::Payout => (SymbolKind::FUNCTION, "payout"),
        Kind::RowSet => (SymbolKind::VARIABLE, "rows"),
        Kind::Rates { .. } => (SymbolKind::ENUM, "rates"),
        Kind::Input => (SymbolKind::STRUCT, "input"),
        Kind::Column { .. } => (SymbolKind::FIELD, "column"),
        Kind::Curve => (SymbolKind::ENUM, "curve"),
        Kind::Param => (SymbolKind::CONSTANT, "param"),
        Kind::Fn { .. } => (SymbolKind::FUNCTION, "fn"),
    };
    let detail = match &s.ty {
        Some(t) => format!("{detail}: {t}"),
        None => detail.to_string(),
    };
    let (ns, ne) = doc.bytes(s.span);
    let (ds, de) = doc.bytes(s.decl.to(s.span));
    #[allow(deprecated)] // `deprecated` is a field every client still reads
    DocumentSymbol {
        name: s.name.clone(),
        detail: Some(detail),
        kind,
        tags: None,
        deprecated: None,
        range: position::range(&doc.text, ds, de),
        selection_range: position::range(&doc.text, ns, ne),
        children: None,
    }
}
