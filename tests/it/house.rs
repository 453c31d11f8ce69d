//! The house rules that hold for the source tree itself: data flows one way through the
//! pipeline, and the README's layout table and ARCHITECTURE.md name every file of `src/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The modules in pipeline order. A module may import itself, the shared leaves (rank 0),
/// and modules of a lower rank; never one later in the pipeline. The crate root's
/// functions (`compile`, `plan_files`, `read_regular`) drive the whole pipeline and rank with
/// `testing`.
const PIPELINE: &[(&str, usize)] = &[
    ("num", 0),
    ("currency", 0),
    ("calendar", 0),
    ("diagnostics", 0),
    ("intern", 0),
    ("types", 0),
    ("render", 0),
    ("timing", 0),
    ("syntax", 1),
    ("ir", 2),
    ("check", 3),
    ("data", 4),
    ("eval", 5),
    ("trace", 6),
    ("report", 7),
    ("testing", 8),
    ("compile", 8),
    ("compile_str", 8),
    ("compile_with", 8),
    ("compile_str_with", 8),
    ("plan_files", 8),
    ("read_regular", 8),
    ("calendar_files", 8),
    ("lsp", 9),
    ("cli", 10),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rank(module: &str) -> Option<usize> {
    PIPELINE.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/check/defs.rs` → `check`).
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root().join("src")).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// The crate modules a source text names as `crate::NAME`.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let name: String = text[i + "crate::".len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// The text without its `#[cfg(test)]` modules: a unit test may drive the whole pipeline.
/// `mod tests` is the last item of its file (clippy's `items_after_test_module`).
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            let next = lines.next().unwrap_or("");
            let item = next.trim_start();
            let inline_mod =
                (item.starts_with("mod ") || item.contains(" mod ")) && item.ends_with('{');
            if inline_mod && item.contains("mod tests ") {
                break;
            }
            if inline_mod {
                // A test helper module in the middle of a file: up to its closing brace.
                let close = format!("{}}}", &next[..next.len() - item.len()]);
                lines.by_ref().find(|l| *l == close);
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn no_module_imports_one_later_in_the_pipeline() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        // The crate root, the binaries and the CLI drive everything.
        let Some(own) = rank(&module) else { continue };
        let text = std::fs::read_to_string(file).expect("readable source");
        for used in imports(&without_tests(&text)) {
            match rank(&used) {
                Some(r) if r > own => wrong.push(format!(
                    "{}: `{module}` (step {own}) uses `crate::{used}` (step {r})",
                    file.strip_prefix(root()).unwrap_or(file).display()
                )),
                Some(_) => {}
                None => wrong.push(format!(
                    "{}: `crate::{used}` is not in the pipeline table of tests/it/house.rs",
                    file.strip_prefix(root()).unwrap_or(file).display()
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}

/// Every file of `src/` is named in the README's layout table (a module folder's row names
/// each of its files) and every top-level module in ARCHITECTURE.md.
#[test]
fn the_readme_layout_and_architecture_name_every_file() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find("## Layout of `src/`")
        .expect("a layout section");
    let layout = &readme[start..];
    let layout = &layout[..layout[3..].find("\n## ").map_or(layout.len(), |e| e + 3)];
    let architecture =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut missing = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(root()).unwrap_or(file);
        let rel_text = rel.display().to_string();
        let parts: Vec<&str> = rel_text.split('/').collect();
        let named = match parts.as_slice() {
            ["src", "lib.rs"] | ["src", "main.rs"] => true,
            ["src", file] => layout.contains(&format!("`src/{file}`")),
            ["src", "bin", file] => layout.contains(&format!("`src/bin/{file}`")),
            ["src", dir, rest @ ..] => {
                let row = layout
                    .lines()
                    .find(|l| l.starts_with(&format!("| `src/{dir}/`")))
                    .unwrap_or("");
                let inner = rest.join("/");
                let dir_of = rest.first().copied().unwrap_or("");
                row.contains(&format!("`{inner}`"))
                    || inner == "mod.rs"
                    || (rest.len() > 1 && row.contains(&format!("`{dir_of}/`")))
            }
            _ => true,
        };
        if !named {
            missing.push(format!("README layout: {rel_text}"));
        }
        if let Some(module) = module_of(file) {
            let is_leaf_file = parts.len() == 2;
            let name = if is_leaf_file {
                format!("`{module}.rs`")
            } else {
                format!("`{module}/`")
            };
            if module != "lib"
                && module != "main"
                && module != "bin"
                && !architecture.contains(&name)
            {
                missing.push(format!("ARCHITECTURE.md: {name}"));
            }
        }
    }
    missing.dedup();
    assert!(missing.is_empty(), "not named:\n{}", missing.join("\n"));
}
