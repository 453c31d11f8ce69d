//! `textDocument/completion`: the plan's definitions, rate tables, row sets and inputs; the
//! roster's columns; inside a `where` condition, the columns of the rows it filters; the
//! built-in functions with their signatures; the keywords.

use super::documents::Document;
use crate::check::builtins;
use crate::check::names::{Names, SymbolKind as Kind};
use crate::syntax::keyword::Keyword;
use lsp_types::{CompletionItem, CompletionItemKind};

/// The completions at document byte `offset`.
pub fn at(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    if let Some(names) = doc.analysis.names.as_ref().or(doc.last_names.as_ref()) {
        let before = doc
            .text
            .get(doc.analysis.bom..offset.min(doc.text.len()))
            .unwrap_or("");
        // `rows.` (a field of rows): their columns only.
        if let Some(table) = dotted_table(names, before) {
            columns(names, table, "0", &mut out);
            return out;
        }
        if let Some(table) = filtered_table(names, before) {
            columns(names, table, "0", &mut out);
        }
        if let Some(r) = names.roster {
            columns(names, r, "1", &mut out);
        }
        for s in &names.symbols {
            let (kind, what) = match s.kind {
                Kind::Let => (CompletionItemKind::VARIABLE, "let"),
                Kind::Kpi => (CompletionItemKind::PROPERTY, "kpi"),
                Kind::Payout => (CompletionItemKind::FUNCTION, "payout"),
                Kind::RowSet => (CompletionItemKind::VARIABLE, "rows"),
                Kind::Rates { .. } => (CompletionItemKind::ENUM, "rates"),
                Kind::Input => (CompletionItemKind::STRUCT, "input"),
                Kind::Column { .. } => continue,
                Kind::Curve => (CompletionItemKind::ENUM, "curve"),
                Kind::Param => (CompletionItemKind::CONSTANT, "param"),
                Kind::Fn { .. } => (CompletionItemKind::FUNCTION, "fn"),
            };
            let detail = match &s.ty {
                Some(t) => format!("{what}: {}", t.described()),
                None => what.to_string(),
            };
            out.push(item(&s.name, kind, detail, "2"));
        }
    }
    for (name, signature) in builtins::signatures() {
        out.push(item(name, CompletionItemKind::FUNCTION, signature, "3"));
    }
    for k in Keyword::ALL {
        out.push(item(
            k.text(),
            CompletionItemKind::KEYWORD,
            "keyword".into(),
            "4",
        ));
    }
    out
}

fn item(label: &str, kind: CompletionItemKind, detail: String, rank: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        sort_text: Some(format!("{rank}{label}")),
        ..CompletionItem::default()
    }
}

/// The columns of input symbol `table`.
fn columns(names: &Names, table: usize, rank: &str, out: &mut Vec<CompletionItem>) {
    let Some(t) = names.symbols.get(table) else {
        return;
    };
    for s in &names.symbols {
        if matches!(&s.kind, Kind::Column { table } if *table == t.name) {
            let ty =
                s.ty.as_ref()
                    .map_or_else(String::new, |ty| format!(": {}", ty.described()));
            let detail = format!("column of {}{ty}", t.name);
            out.push(item(&s.name, CompletionItemKind::FIELD, detail, rank));
        }
    }
}

/// When the text before the cursor ends with `NAME.` (and perhaps the start of a column
/// name): the input whose rows `NAME` names, as an index in `names.symbols`.
fn dotted_table(names: &Names, before: &str) -> Option<usize> {
    let partial = before.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_');
    let rows = partial.strip_suffix('.')?.trim_end();
    // issue 9: `price_list(sku).`, a row of a reference table: the name before the call.
    let rows = match rows.strip_suffix(')') {
        Some(inner) => {
            let mut depth = 0usize;
            let open = inner.char_indices().rev().find_map(|(i, c)| match c {
                ')' => {
                    depth += 1;
                    None
                }
                '(' if depth == 0 => Some(i),
                '(' => {
                    depth -= 1;
                    None
                }
                _ => None,
            })?;
            inner[..open].trim_end()
        }
        None => rows,
    };
    let start = rows
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |p| p + 1);
    input_of(names, &rows[start..])
}

/// The input a name of rows stands for: an input itself, or the input a row set filters.
fn input_of(names: &Names, name: &str) -> Option<usize> {
    let s = names
        .symbols
        .iter()
        .position(|s| s.name == name && matches!(s.kind, Kind::Input | Kind::RowSet))?;
    if names.symbols[s].kind == Kind::Input {
        return Some(s);
    }
    let decl = names.symbols[s].decl;
    names.uses.iter().find_map(|&(u, j)| {
        (decl.start <= u.start && u.end <= decl.end && names.symbols[j].kind == Kind::Input)
            .then_some(j)
    })
}

/// When the text before the cursor ends inside a `where` condition (of the declaration
/// being written): the input whose rows it filters, as an index in `names.symbols`.
fn filtered_table(names: &Names, before: &str) -> Option<usize> {
    let words = words(before);
    for (i, w) in words.iter().enumerate().rev() {
        if Keyword::from_text(w).is_some_and(Keyword::starts_line) {
            return None;
        }
        if *w != "where" || i == 0 {
            continue;
        }
        // `deals where …`, or `deals.amount where …`.
        if let Some(t) = words[i.saturating_sub(2)..i]
            .iter()
            .rev()
            .find_map(|w| input_of(names, w))
        {
            return Some(t);
        }
    }
    None
}

/// The words (names and keywords) of a text, in order, leaving out comments and strings
/// only roughly: enough to find the `where` being written.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_lookup_and_a_dot_the_columns_of_its_reference_table() {
        let text =
            "plan \"t\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  \
                    input reps key id { id: text  region: text }\n  \
                    input tr key region { region: text  rate: percent }\n  \
                    participants reps\n  kpi r = tr(region).rate\n}\n";
        let doc = Document::new("t.plan", text.to_string());
        let at_dot = text.find(").rate").expect("the lookup") + 2;
        let labels: Vec<String> = at(&doc, at_dot).into_iter().map(|i| i.label).collect();
        assert_eq!(labels, ["region", "rate"]);
        // With the key being typed in a nested call, too.
        let names = doc.analysis.names.as_ref().expect("names");
        assert!(dotted_table(names, "  kpi r = tr(min(region, \"x\")).").is_some());
        assert!(dotted_table(names, "  kpi r = (1 + 2).").is_none());
    }
}
