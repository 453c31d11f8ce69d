//! Every `ignition` example of docs/language.md is checked, as its "About the examples"
//! promises: a whole plan by itself; any other example as part of the context plan (the
//! block after `<!-- context -->`), replacing the context's declaration of the same name.
//! An example must check without errors (warnings are allowed: some examples show them),
//! and the `test` blocks it has must pass. An example written to show an error is marked
//! `<!-- fails: CODE -->` on the line before it, and must fail with that code.

use ignition::syntax::parser::parse;
use ignition::testing::{self, Status};
use ignition::{compile_str, diagnostics::SourceFile};
use std::path::Path;

/// One ```ignition block: its first line in the document, its text, and the code it must
/// fail with, if it is marked so.
struct Example {
    line: usize,
    text: String,
    fails: Option<String>,
    context: bool,
}

fn examples(doc: &str) -> Vec<Example> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start() == "```ignition" {
            let marker = if i > 0 { lines[i - 1].trim() } else { "" };
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim_start() != "```" {
                end += 1;
            }
            out.push(Example {
                line: start + 1,
                text: lines[start..end].join("\n"),
                fails: marker
                    .strip_prefix("<!-- fails:")
                    .and_then(|m| m.strip_suffix("-->"))
                    .map(|c| c.trim().to_string()),
                context: marker == "<!-- context -->",
            });
            i = end;
        }
        i += 1;
    }
    out
}

/// What a declaration replaces: a defined name (definitions, tables, inputs, functions and
/// parameters share one namespace), `cap X`/`floor X`/`credit X`, or the header keyword
/// of which a plan has one.
fn slot(decl: &str) -> String {
    let mut words = decl.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"'));
    let keyword = words.next().unwrap_or("");
    let name = words.find(|w| !w.is_empty()).unwrap_or("");
    match keyword {
        "currency" | "periods" | "rounding" | "participants" => keyword.to_string(),
        "cap" | "floor" | "credit" | "test" => format!("{keyword} {name}"),
        _ => format!("def {name}"),
    }
}

/// The declarations of a plan body, as (slot, text).
fn declarations(plan_text: &str) -> Result<Vec<(String, String)>, String> {
    let src = SourceFile::new("example", plan_text);
    let plan = parse(&src).map_err(|e| format!("does not parse: {}", e.message))?;
    Ok(plan
        .decls
        .iter()
        .map(|d| {
            let text = &plan_text[d.span.start as usize..d.span.end as usize];
            (slot(text), text.to_string())
        })
        .collect())
}

/// The context plan with the example's declarations put in place of the same slots.
fn in_context(context: &str, example: &str) -> Result<String, String> {
    let wrapped = format!("plan \"example\" {{\n{example}\n}}\n");
    let new = declarations(&wrapped)?;
    let mut out = String::from("plan \"Field Sales FY2026\" {\n");
    for (slot, text) in declarations(context)? {
        if !new.iter().any(|(s, _)| *s == slot) {
            out.push_str(&text);
            out.push('\n');
        }
    }
    for (_, text) in &new {
        out.push_str(text);
        out.push('\n');
    }
    out.push_str("}\n");
    Ok(out)
}

#[test]
fn every_example_of_the_language_reference_checks() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md"))
            .expect("docs/language.md");
    let all = examples(&doc);
    let context = all
        .iter()
        .find(|e| e.context)
        .expect("a <!-- context --> block")
        .text
        .clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut problems = Vec::new();
    let mut checked = 0;
    for ex in &all {
        let first = ex
            .text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .unwrap_or("");
        let whole = first.starts_with("plan ");
        if first.starts_with("tests for") {
            continue; // a test file beside a plan that is not in the document
        }
        let text = if whole || ex.context {
            ex.text.clone()
        } else {
            match in_context(&context, &ex.text) {
                Ok(t) => t,
                Err(e) if ex.fails.is_some() => {
                    let _ = e; // an example of a syntax error
                    continue;
                }
                Err(e) => {
                    problems.push(format!("docs/language.md:{}: {e}\n{}", ex.line, ex.text));
                    continue;
                }
            }
        };
        checked += 1;
        let result = compile_str("example.plan", &text);
        let errors: Vec<String> = match &result {
            Ok(_) => Vec::new(),
            Err(diags) => diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect(),
        };
        match (&ex.fails, errors.is_empty()) {
            (None, false) => problems.push(format!(
                "docs/language.md:{}: the example does not check:\n  {}\n{text}",
                ex.line,
                errors.join("\n  ")
            )),
            (Some(code), _) if !errors.iter().any(|e| e.starts_with(&format!("{code}:"))) => {
                problems.push(format!(
                    "docs/language.md:{}: the example should fail with {code}, got: {errors:?}",
                    ex.line
                ))
            }
            _ => {}
        }
        if ex.fails.is_none() && errors.is_empty() && text.contains("test \"") {
            let path = dir.path().join(format!("example-{}.plan", ex.line));
            std::fs::write(&path, &text).expect("write example");
            match testing::discover(&[path]) {
                Ok(suites) => {
                    for suite in &suites {
                        for o in testing::run_suite(suite, None) {
                            if o.status != Status::Passed {
                                problems.push(format!(
                                    "docs/language.md:{}: test \"{}\" {:?}: {:?} {:?}",
                                    ex.line,
                                    o.name,
                                    o.status,
                                    o.failures,
                                    o.errors.iter().map(|d| &d.message).collect::<Vec<_>>()
                                ));
                            }
                        }
                    }
                }
                Err(diags) => problems.push(format!(
                    "docs/language.md:{}: tests not found: {:?}",
                    ex.line,
                    diags.iter().map(|d| &d.message).collect::<Vec<_>>()
                )),
            }
        }
    }
    assert!(checked > 20, "only {checked} examples found");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
