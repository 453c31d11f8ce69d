//! `textDocument/rename`: a name at its declaration and every use, refused when the new
//! name is not a name, is a keyword or `total`, or is already declared.

use super::documents::Document;
use super::position;
use crate::syntax::keyword::Keyword;
use lsp_types::{TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The edits renaming the name at document byte `offset` to `new`, or why not.
pub fn rename(
    uri: &Uri,
    doc: &Document,
    offset: usize,
    new: &str,
) -> Result<WorkspaceEdit, String> {
    let names = doc
        .analysis
        .names
        .as_ref()
        .ok_or("the plan does not parse: fix its syntax first")?;
    let i = names
        .at(doc.plan_offset(offset))
        .ok_or("no name declared in this plan here")?;
    let old = &names.symbols[i].name;
    let mut chars = new.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "`{new}` is not a name: a letter or `_`, then letters, digits and `_`"
        ));
    }
    if Keyword::from_text(new).is_some() || new == "total" {
        return Err(format!("`{new}` is a keyword of the language"));
    }
    if new != old && names.symbols.iter().any(|s| s.name == new) {
        return Err(format!("`{new}` is already declared in this plan"));
    }
    let mut spans = vec![names.symbols[i].span];
    spans.extend(names.uses_of(i));
    let edits = spans
        .into_iter()
        .map(|s| {
            let (start, end) = doc.bytes(s);
            TextEdit::new(position::range(&doc.text, start, end), new.to_string())
        })
        .collect();
    Ok(WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)])))
}
