//! `ignition fmt`: rewrite plans and test files in the canonical layout, or check that they are.

use super::error::FmtError;
use super::exit;
use crate::diagnostics::{Diag, SourceFile};
use crate::syntax::ast::Unit;
use crate::syntax::format;
use crate::syntax::parser::parse_unit;
use std::io::Write;
use std::path::PathBuf;

/// The examples of `ignition fmt --help` (a test runs each line: tests/it/init_cli.rs).
pub const EXAMPLES: &str = "\
Examples:
  ignition fmt --check .                   # print a diff; exit 1 if a file is not formatted
  ignition fmt plan.plan plan.test.plan    # rewrite files
  ignition fmt .                           # every plan and test file under a folder";

/// Arguments of `fmt`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Plans, `.test.plan` files or folders (searched recursively for `*.plan`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Change nothing: print a diff of what would change, exit 1 when a file is not formatted.
    #[arg(long)]
    pub check: bool,
}

/// Run `fmt`.
pub fn run(a: &Args) -> u8 {
    let mut diags: Vec<Diag> = Vec::new();
    let mut files = Vec::new();
    // A folder without a plan is an error, as for `check` and `test`.
    diags.extend(super::empty_folders(&a.paths));
    for p in &a.paths {
        if p.is_dir() {
            if let Err(e) = crate::plan_files(p, &mut files) {
                diags.push(
                    FmtError::ReadFolder {
                        path: p.display().to_string(),
                        error: e,
                    }
                    .into(),
                );
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            diags.push(
                FmtError::NoSuchPath {
                    path: p.display().to_string(),
                }
                .into(),
            );
        }
    }
    let mut input_error = !diags.is_empty();
    super::print_diags(&diags);
    let mut internal = false;
    let mut changed = 0usize;
    let mut checked = 0usize;
    for f in &files {
        let name = f.display().to_string();
        let text = match crate::read_regular(f) {
            Ok(t) => t,
            Err(e) => {
                super::print_diags(&[FmtError::ReadFile {
                    path: name.clone(),
                    error: e,
                }
                .into()]);
                input_error = true;
                continue;
            }
        };
        // A byte-order mark is kept as it is; the layout is of the text after it.
        let bom = text.len() - crate::syntax::strip_bom(&text).len();
        let (mark, text) = text.split_at(bom);
        let src = SourceFile::new(name.clone(), text);
        let unit = match parse_unit(&src) {
            Ok(u) => u,
            Err(d) => {
                super::print_diags(&[d]);
                input_error = true;
                continue;
            }
        };
        checked += 1;
        let formatted = format::format(text, &unit);
        if let Err(why) = verify(&name, text, &unit, &formatted) {
            errln!(
                "ignition: internal error (a bug): formatting `{name}` would {why}; the file is left as it is — please report it with the file"
            );
            internal = true;
            continue;
        }
        if formatted == text {
            continue;
        }
        changed += 1;
        if a.check {
            // A closed pipe (`| head`) is not an error of the plan: stop printing quietly.
            let _ = std::io::stdout()
                .lock()
                .write_all(unified_diff(&name, text, &formatted).as_bytes());
        } else if let Err(e) = std::fs::write(f, format!("{mark}{formatted}")) {
            super::print_diags(&[FmtError::WriteFile {
                path: name.clone(),
                error: e,
            }
            .into()]);
            input_error = true;
        } else {
            errln!("formatted {name}");
        }
    }
    if a.check {
        if changed > 0 {
            errln!(
                "{changed} of {checked} {} not formatted (run `ignition fmt` to format)",
                if checked == 1 { "file is" } else { "files are" }
            );
        } else if checked > 0 {
            errln!(
                "{checked} {} formatted",
                if checked == 1 { "file is" } else { "files are" }
            );
        }
    }
    if internal {
        exit::INTERNAL
    } else if input_error {
        exit::INPUT
    } else if a.check && changed > 0 {
        exit::GATE
    } else {
        exit::OK
    }
}

/// The formatted text parses, means the same plan and holds the same comments.
fn verify(name: &str, text: &str, unit: &Unit, formatted: &str) -> Result<(), String> {
    let src = SourceFile::new(name, formatted);
    let again = parse_unit(&src).map_err(|d| format!("not parse ({})", d.message))?;
    if !format::same_meaning(unit, &again) {
        return Err("change the meaning of the plan".into());
    }
    if format::comment_texts(text) != format::comment_texts(formatted) {
        return Err("lose or change a comment".into());
    }
    Ok(())
}

// ---------------------------------------------------------------- diff

/// Lines of context around each change.
const CONTEXT: usize = 3;
/// Above this many cells the line diff gives up on finding common lines in the changed middle.
const MAX_CELLS: usize = 16_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Same,
    Delete,
    Insert,
}

/// A unified diff (`---`/`+++` headers, `@@` hunks with 3 lines of context) from `old` to `new`.
pub(crate) fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let edits = line_edits(&a, &b);
    // Each edit with the line numbers (0-based) before it in `a` and `b`.
    let mut positioned = Vec::with_capacity(edits.len());
    let (mut i, mut j) = (0usize, 0usize);
    for e in edits {
        positioned.push((e, i, j));
        match e {
            Edit::Same => {
                i += 1;
                j += 1;
            }
            Edit::Delete => i += 1,
            Edit::Insert => j += 1,
        }
    }
    let changes: Vec<usize> = positioned
        .iter()
        .enumerate()
        .filter(|(_, (e, _, _))| *e != Edit::Same)
        .map(|(k, _)| k)
        .collect();
    let mut out = String::new();
    if changes.is_empty() {
        return out;
    }
    out.push_str(&format!("--- {name}\n+++ {name} (formatted)\n"));
    let mut k = 0;
    while k < changes.len() {
        let first = changes[k].saturating_sub(CONTEXT);
        let mut last = changes[k];
        while k + 1 < changes.len() && changes[k + 1] <= last + 2 * CONTEXT + 1 {
            k += 1;
            last = changes[k];
        }
        k += 1;
        let last = (last + CONTEXT).min(positioned.len() - 1);
        let hunk = &positioned[first..=last];
        let a_len = hunk.iter().filter(|(e, _, _)| *e != Edit::Insert).count();
        let b_len = hunk.iter().filter(|(e, _, _)| *e != Edit::Delete).count();
        let (_, a0, b0) = hunk[0];
        let start = |s: usize, len: usize| if len == 0 { s } else { s + 1 };
        out.push_str(&format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            start(a0, a_len),
            start(b0, b_len)
        ));
        for &(e, i, j) in hunk {
            let (mark, line) = match e {
                Edit::Same => (' ', a[i]),
                Edit::Delete => ('-', a[i]),
                Edit::Insert => ('+', b[j]),
            };
            out.push(mark);
            out.push_str(line.strip_suffix('\n').unwrap_or(line));
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// The shortest edit script from `a` to `b` (longest common subsequence of lines).
fn line_edits(a: &[&str], b: &[&str]) -> Vec<Edit> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let am = &a[prefix..a.len() - suffix];
    let bm = &b[prefix..b.len() - suffix];
    let mut edits = vec![Edit::Same; prefix];
    let (n, m) = (am.len(), bm.len());
    if n.saturating_mul(m) > MAX_CELLS {
        edits.extend(std::iter::repeat_n(Edit::Delete, n));
        edits.extend(std::iter::repeat_n(Edit::Insert, m));
    } else {
        // lcs[i][j]: common lines of am[i..] and bm[j..].
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                edits.push(Edit::Same);
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                edits.push(Edit::Delete);
                i += 1;
            } else {
                edits.push(Edit::Insert);
                j += 1;
            }
        }
    }
    edits.extend(std::iter::repeat_n(Edit::Same, suffix));
    edits
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nb\nC\nd\ne\nf\ng\nh\ni\nJ\n";
        assert_eq!(
            unified_diff("p", old, new),
            "--- p\n+++ p (formatted)\n@@ -1,10 +1,10 @@\n a\n b\n-c\n+C\n d\n e\n f\n g\n h\n i\n-j\n+J\n"
        );
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n";
        let new = "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nY\n15\n";
        let d = unified_diff("p", old, new);
        assert!(
            d.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"),
            "{d}"
        );
        assert!(
            d.contains("@@ -11,5 +11,5 @@\n 11\n 12\n 13\n-14\n+Y\n 15\n"),
            "{d}"
        );
        assert_eq!(unified_diff("p", old, old), "");
    }

    #[test]
    fn diff_marks_a_missing_final_newline() {
        let d = unified_diff("p", "x", "x\n");
        assert_eq!(
            d,
            "--- p\n+++ p (formatted)\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+x\n"
        );
    }
}
