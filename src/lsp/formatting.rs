//! `textDocument/formatting`: exactly what `ignition fmt` writes, as one edit; nothing
//! when the text does not parse or `fmt` would refuse its own output.

use super::documents::Document;
use super::position;
use crate::diagnostics::SourceFile;
use crate::syntax::{self, format, parser::parse_unit};
use lsp_types::TextEdit;

/// The edits formatting a document (none when it is formatted already).
pub fn format(uri: &str, doc: &Document) -> Vec<TextEdit> {
    let text = syntax::strip_bom(&doc.text);
    let bom = doc.text.len() - text.len();
    let src = SourceFile::new(uri, text);
    let Ok(unit) = parse_unit(&src) else {
        return Vec::new();
    };
    let formatted = format::format(text, &unit);
    if formatted == text {
        return Vec::new();
    }
    // As `fmt` verifies: the output parses, means the same and keeps every comment.
    let again = SourceFile::new(uri, formatted.as_str());
    let same = parse_unit(&again).is_ok_and(|u| format::same_meaning(&unit, &u))
        && format::comment_texts(text) == format::comment_texts(&formatted);
    if !same {
        return Vec::new();
    }
    vec![TextEdit::new(
        position::range(&doc.text, bom, doc.text.len()),
        formatted,
    )]
}
