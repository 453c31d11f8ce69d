//! `textDocument/definition` and `textDocument/references`, from the checker's table of
//! names.

use super::documents::Document;
use super::position;
use lsp_types::{Location, Uri};

/// The declaration of the name at document byte `offset`.
pub fn definition(uri: &Uri, doc: &Document, offset: usize) -> Option<Location> {
    let names = doc.analysis.names.as_ref()?;
    let s = names.symbols.get(names.at(doc.plan_offset(offset))?)?;
    Some(location(uri, doc, s.span))
}

/// Every use of the name at document byte `offset`, its declaration first when asked.
pub fn references(uri: &Uri, doc: &Document, offset: usize, declaration: bool) -> Vec<Location> {
    let Some(names) = doc.analysis.names.as_ref() else {
        return Vec::new();
    };
    let Some(i) = names.at(doc.plan_offset(offset)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if declaration {
        out.push(location(uri, doc, names.symbols[i].span));
    }
    out.extend(names.uses_of(i).map(|s| location(uri, doc, s)));
    out
}

/// The LSP location of a plan span.
pub fn location(uri: &Uri, doc: &Document, span: crate::syntax::Span) -> Location {
    let (start, end) = doc.bytes(span);
    Location::new(uri.clone(), position::range(&doc.text, start, end))
}
