//! `textDocument/hover`: what a name is — a definition's kind and type (with its unit), a
//! column's input and type, a rate table's bands — and its declaration as written.

use super::documents::Document;
use super::position;
use crate::check::names::{Names, Symbol, SymbolKind};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// Lines of a declaration shown at most.
const SHOWN_LINES: usize = 12;

/// The hover of the name at document byte `offset`, if one is there.
pub fn at(doc: &Document, offset: usize) -> Option<Hover> {
    let names = doc.analysis.names.as_ref()?;
    let i = names.at(doc.plan_offset(offset))?;
    let s = names.symbols.get(i)?;
    let (start, end) = doc.bytes(used_span(names, i, doc.plan_offset(offset)));
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown(doc, s),
        }),
        range: Some(position::range(&doc.text, start, end)),
    })
}

/// The span of the name under the cursor: the use there, or the declaration.
fn used_span(names: &Names, i: usize, offset: usize) -> crate::syntax::Span {
    names
        .uses_of(i)
        .find(|s| s.start as usize <= offset && offset <= s.end as usize)
        .unwrap_or(names.symbols[i].span)
}

/// The hover text of a symbol.
pub fn markdown(doc: &Document, s: &Symbol) -> String {
    let ty =
        s.ty.as_ref()
            .map_or_else(String::new, |t| format!(": {}", t.described()));
    let head = match &s.kind {
        SymbolKind::Let => format!("**let** `{}`{ty}", s.name),
        SymbolKind::Kpi => format!("**kpi** `{}`{ty}", s.name),
        SymbolKind::Payout => format!("**payout** `{}`{ty}", s.name),
        SymbolKind::RowSet => format!("**let** `{}`: rows", s.name),
        SymbolKind::Rates { bands } => {
            let values =
                s.ty.as_ref()
                    .map_or_else(String::new, |t| format!(" of {}", t.described()));
            format!(
                "**rates** `{}`{values}, {} band{}:\n```\n{}\n```",
                s.name,
                bands.len(),
                if bands.len() == 1 { "" } else { "s" },
                bands.join("\n")
            )
        }
        SymbolKind::Input => format!("**input** `{}`", s.name),
        SymbolKind::Column { table } => {
            format!("**column** `{}` of input `{table}`{ty}", s.name)
        }
        SymbolKind::Curve => format!("**curve** `{}`{ty}", s.name),
        SymbolKind::Param => format!("**param** `{}`{ty}", s.name),
        SymbolKind::Fn { params } => format!("**fn** `{}({})`", s.name, params.join(", ")),
    };
    if matches!(s.kind, SymbolKind::Rates { .. } | SymbolKind::Column { .. }) {
        return head;
    }
    let (start, end) = doc.bytes(s.decl);
    let written: Vec<&str> = doc
        .text
        .get(start..end)
        .unwrap_or("")
        .lines()
        .take(SHOWN_LINES)
        .collect();
    format!("{head}\n```\n{}\n```", written.join("\n"))
}
