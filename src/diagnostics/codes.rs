//! docs/language.md §20 (the table of diagnostic codes) is generated from the phases' error
//! enums, so the reference cannot drift from the code: each enum's doc comment is a section
//! heading, each variant's doc comment the meaning of its code (variants sharing a code are
//! one row, their docs joined). `cargo test codes` fails when the docs differ;
//! `IGNITION_BLESS=1 cargo test codes` rewrites them.
//!
//! The enums are read as source text rather than through `miette::Diagnostic` because a
//! variant cannot be built without its fields; the layout this expects is the one every
//! `error.rs` follows (`///` docs, then `#[error]`/`#[diagnostic(code(…))]`).

use std::fmt::Write as _;
use std::path::Path;

/// The files holding the phase enums, in pipeline order (the order of §20's sections).
pub const ERROR_FILES: [&str; 6] = [
    "src/syntax/error.rs",
    "src/check/error.rs",
    "src/data/error.rs",
    "src/eval/error.rs",
    "src/testing/error.rs",
    "src/cli/error.rs",
];

const BEGIN: &str = "<!-- diagnostic codes: generated from src/*/error.rs (IGNITION_BLESS=1 cargo test codes); do not edit by hand -->";
const END: &str = "<!-- end of generated diagnostic codes -->";

/// One section of the table: an enum.
#[derive(Debug, PartialEq)]
pub struct Section {
    /// The enum's doc comment.
    pub heading: String,
    /// The enum's name.
    pub name: String,
    /// (code, meaning) in order of first appearance.
    pub rows: Vec<(String, String)>,
}

/// The sections of one error file. Errors name the file and line of a variant without docs
/// or an enum without a heading.
pub fn sections(file: &str, text: &str) -> Result<Vec<Section>, String> {
    let mut out: Vec<Section> = Vec::new();
    let mut docs: Vec<String> = Vec::new();
    let mut attr = String::new();
    let mut depth = 0i32;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if depth > 0 || line.starts_with("#[") {
            // An attribute, perhaps over several lines: keep the docs before it.
            attr.push_str(line);
            attr.push(' ');
            depth += bracket_balance(line);
            if depth <= 0 {
                depth = 0;
                if let Some(code) = code_of(&attr) {
                    let section = out
                        .last_mut()
                        .ok_or(format!("{file}:{}: a code outside an enum", n + 1))?;
                    if docs.is_empty() {
                        return Err(format!(
                            "{file}:{}: the variant of `{code}` has no doc comment",
                            n + 1
                        ));
                    }
                    let meaning = docs.join(" ");
                    match section.rows.iter_mut().find(|(c, _)| *c == code) {
                        Some((_, m)) if !m.contains(&meaning) => {
                            m.push(' ');
                            m.push_str(&meaning);
                        }
                        Some(_) => {}
                        None => section.rows.push((code, meaning)),
                    }
                    docs.clear();
                }
                attr.clear();
            }
        } else if let Some(doc) = line.strip_prefix("///") {
            docs.push(doc.trim().to_string());
        } else if let Some(rest) = line.strip_prefix("pub enum ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if docs.is_empty() {
                return Err(format!(
                    "{file}:{}: enum `{name}` has no doc comment (its §20 heading)",
                    n + 1
                ));
            }
            out.push(Section {
                heading: docs.join(" "),
                name,
                rows: Vec::new(),
            });
            docs.clear();
        } else {
            docs.clear();
        }
    }
    out.retain(|s| !s.rows.is_empty());
    Ok(out)
}

fn bracket_balance(line: &str) -> i32 {
    let mut depth = 0;
    let mut in_str = false;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '[' | '(' if !in_str => depth += 1,
            ']' | ')' if !in_str => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// The code in a `#[diagnostic(code(…), …)]` attribute.
fn code_of(attr: &str) -> Option<String> {
    let rest = attr.strip_prefix("#[diagnostic(")?;
    let at = rest.find("code(")?;
    let code = &rest[at + "code(".len()..];
    let code: String = code.chars().take_while(|c| *c != ')').collect();
    let code = code.trim().trim_matches('"').to_string();
    (!code.is_empty()).then_some(code)
}

/// The markdown of §20's tables, from the error files under `root`.
pub fn table(root: &Path) -> Result<String, String> {
    let mut md = String::new();
    for file in ERROR_FILES {
        let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        for s in sections(file, &text)? {
            let _ = write!(md, "**{}**\n\n| Code | Meaning |\n|---|---|\n", s.heading);
            for (code, meaning) in &s.rows {
                let _ = writeln!(md, "| `{code}` | {meaning} |");
            }
            md.push('\n');
        }
    }
    Ok(md)
}

/// `doc` with the generated block replaced by `table`.
pub fn splice(doc: &str, table: &str) -> Result<String, String> {
    let begin = doc.find(BEGIN).ok_or("the start marker is missing")?;
    let end = doc.find(END).ok_or("the end marker is missing")?;
    if end < begin {
        return Err("the markers are out of order".into());
    }
    Ok(format!(
        "{}{BEGIN}\n\n{table}{}",
        &doc[..begin],
        &doc[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
/// Checks (before any data is read)
#[derive(Debug, Error, Diagnostic)]
pub enum CheckError {
    /// A name is not declared.
    #[error("unknown name `{name}`")]
    #[diagnostic(
        code(ignition::check::unknown_name),
        help("{help}")
    )]
    UnknownName { name: String },
    /// A function is given an
    /// argument name it does not take.
    #[error("`{0}` takes no argument `{1}` (\"x\")")]
    #[diagnostic(code(ignition::check::argument))]
    UnknownArgument(String, String),
    /// A function is given too many arguments.
    #[diagnostic(code(ignition::check::argument))]
    #[error("too many")]
    TooMany,
}
"#;

    #[test]
    fn sections_follow_the_enum_and_join_shared_codes() {
        let s = sections("x.rs", SAMPLE).expect("parses");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].heading, "Checks (before any data is read)");
        assert_eq!(
            s[0].rows,
            [
                (
                    "ignition::check::unknown_name".to_string(),
                    "A name is not declared.".to_string()
                ),
                (
                    "ignition::check::argument".to_string(),
                    "A function is given an argument name it does not take. \
                     A function is given too many arguments."
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_variant_without_docs_is_refused() {
        let text = "/// H\npub enum E {\n    #[diagnostic(code(a::b))]\n    V,\n}\n";
        let err = sections("e.rs", text).expect_err("no docs");
        assert!(err.contains("e.rs:3"), "{err}");
    }

    /// docs/language.md §20 is the table generated from the error enums.
    #[test]
    fn codes_table_in_the_docs_matches_the_enums() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let table = table(root).expect("error files parse");
        let path = root.join("docs/language.md");
        let doc = std::fs::read_to_string(&path).expect("docs/language.md");
        let want = splice(&doc, &table).expect("markers in docs/language.md §20");
        if want != doc {
            if std::env::var_os("IGNITION_BLESS").is_some() {
                std::fs::write(&path, want).expect("write docs/language.md");
            } else {
                panic!(
                    "docs/language.md §20 differs from the error enums; \
                     run `IGNITION_BLESS=1 cargo test codes` and commit"
                );
            }
        }
    }
}
