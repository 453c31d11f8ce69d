//! Ignition: a plan language and engine for sales incentive compensation and sales KPIs.
//!
//! The pipeline, one way: text → [`syntax`] (AST with spans) → [`check`] (names, types,
//! dependency graph → [`ir`]) → [`data`] (typed columns with provenance) → [`eval`]
//! (per participant and period) → [`report`].

pub mod calendar;
pub mod check;
pub mod cli;
pub mod currency;
pub mod data;
pub mod diagnostics;
pub mod eval;
pub mod intern;
pub mod ir;
pub mod lsp;
pub mod num;
pub mod render;
pub mod report;
pub mod syntax;
pub mod timing;
pub mod types;

use diagnostics::{Diag, SourceFile};
use std::path::Path;

/// Parse and check plan text named `name`. A plan with syntax errors is checked all the
/// same, without its broken declarations: the syntax errors come first (in the order of
/// their place), then what the checker found in the rest.
pub fn compile_str(name: &str, text: &str) -> Result<check::Checked, Vec<Diag>> {
    compile_str_with(name, text, &[])
}

/// [`compile_str`] with `--set NAME=VALUE` overrides of the plan's params (issue 9; see
/// [`check::analyze_with`]).
pub fn compile_str_with(
    name: &str,
    text: &str,
    sets: &[check::ParamSet],
) -> Result<check::Checked, Vec<Diag>> {
    let src = SourceFile::new(name, text);
    let (ast, mut errors) = syntax::parser::parse_recovering(&src);
    let Some(ast) = ast else {
        return Err(errors);
    };
    let files = calendar_files(&ast, name);
    match check::analyze_files(&ast, &src, sets, &files).result {
        Ok(checked) if errors.is_empty() => Ok(checked),
        Ok(checked) => {
            errors.extend(checked.warnings);
            Err(errors)
        }
        Err(diags) => {
            errors.extend(diags);
            Err(errors)
        }
    }
}

/// Read the files the plan's `periods listed in "FILE"` names (issue 10, calendars),
/// relative to the folder of the plan named `plan_name` (a path, or a name in the current
/// folder). The checker reads no file; it is handed these.
pub fn calendar_files(ast: &syntax::ast::Plan, plan_name: &str) -> check::CalendarFiles {
    let dir = Path::new(plan_name).parent().unwrap_or(Path::new(""));
    let mut files = check::CalendarFiles::new();
    for decl in &ast.decls {
        if let syntax::ast::DeclKind::PeriodsListed { path, .. } = &decl.kind {
            let full = dir.join(path);
            let read = read_regular(&full)
                .map(|text| SourceFile::new(full.display().to_string(), syntax::strip_bom(&text)))
                .map_err(|e| format!("{e} ({})", full.display()));
            files.insert(path.clone(), read);
        }
    }
    files
}

/// The text of a plan or test file: a regular file only, not a FIFO or a device (which
/// could block forever or never end).
pub fn read_regular(path: &Path) -> std::io::Result<String> {
    data::csv::open_regular(path).and_then(std::io::read_to_string)
}

/// Read, parse and check a plan file.
pub fn compile(path: &Path) -> Result<check::Checked, Vec<Diag>> {
    compile_with(path, &[])
}

/// [`compile`] with `--set NAME=VALUE` overrides of the plan's params (issue 9).
pub fn compile_with(path: &Path, sets: &[check::ParamSet]) -> Result<check::Checked, Vec<Diag>> {
    let text = read_regular(path).map_err(|error| {
        vec![Diag::from(syntax::ParseError::File {
            path: path.display().to_string(),
            error,
        })]
    })?;
    compile_str_with(&path.display().to_string(), syntax::strip_bom(&text), sets)
}
pub mod testing;
pub mod trace;

/// Every `*.plan` file under `dir` (plans and test files), recursively, in name order.
pub fn plan_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            plan_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "plan") {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small plan around `body`.
    fn plan(body: &str) -> String {
        format!(
            "plan \"T\" {{\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n  \
             input reps key id {{\n    id: text\n    n: integer\n  }}\n  \
             participants reps\n{body}\n}}\n"
        )
    }

    fn compiled(body: &str) -> Result<check::Checked, Vec<Diag>> {
        compile_str("t.plan", &plan(body))
    }

    /// Each diagnostic's code, message and labels (text and byte range).
    fn described(diags: &[Diag]) -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                let labels: Vec<String> = d
                    .labels
                    .iter()
                    .map(|(s, t)| format!("{}+{} {t}", s.offset(), s.len()))
                    .collect();
                format!("{} {} {labels:?}", d.code, d.message)
            })
            .collect()
    }

    fn mode_of(body: &str) -> Option<num::RoundingMode> {
        let checked = compiled(body).ok()?;
        let def = checked.plan.defs.iter().find(|d| d.name == "r")?;
        match &def.expr.kind {
            ir::ExprKind::Round { mode, .. } => Some(*mode),
            _ => None,
        }
    }

    #[test]
    fn round_reads_every_spelling_of_a_mode() {
        use num::RoundingMode as M;
        for (arg, want) in [
            ("half-up", M::HalfUp),
            ("half - even", M::HalfEven),
            ("mode: half-down", M::HalfDown),
            ("up", M::Up),
            ("down", M::Down),
            ("\"half-up\"", M::HalfUp),
            ("\" up \"", M::Up),
        ] {
            let body = format!("  kpi r = round(1.25, 0.1, {arg})");
            assert_eq!(mode_of(&body), Some(want), "{arg}");
        }
        assert_eq!(mode_of("  kpi r = round(1.25, 0.1)"), Some(M::HalfEven));
        for arg in ["(up)", "half-up + 1", "half /* c */ - up", "sideways"] {
            let body = format!("  kpi r = round(1.25, 0.1, {arg})");
            let diags = compiled(&body).err().unwrap_or_default();
            assert!(
                diags.iter().any(|d| d.message == "unknown rounding mode"),
                "{arg}: {:?}",
                described(&diags)
            );
        }
    }

    #[test]
    fn a_mode_outside_round_is_the_subtraction_it_spells() {
        // The `half-up` token where no mode is expected reports exactly what `half - up`
        // (a subtraction, kept so by the parentheses) reports.
        let token = compiled("  kpi r = max(half-up, 1)")
            .err()
            .unwrap_or_default();
        let sub = compiled("  kpi r = max((half-up), 1)")
            .err()
            .unwrap_or_default();
        assert!(!token.is_empty());
        let lines = |v: Vec<String>| v.join("\n");
        // The byte offsets differ by the `(`; codes, messages and labels do not.
        let sub_text = described(&sub);
        assert_eq!(
            token.len(),
            sub.len(),
            "{:?} / {sub_text:?}",
            described(&token)
        );
        for (a, b) in token.iter().zip(&sub) {
            assert_eq!((&a.code, &a.message), (&b.code, &b.message));
            let at = |d: &Diag| {
                d.labels
                    .iter()
                    .map(|(s, t)| (s.len(), t.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(at(a), at(b));
        }
        // A name `half` and a name `up` defined: the token subtracts them.
        let checked = compiled("  kpi half = 3\n  kpi up = 1\n  kpi r = max(half-up, 1)");
        assert!(
            checked.is_ok(),
            "{}",
            lines(described(&checked.err().unwrap_or_default()))
        );
    }

    #[test]
    fn a_number_is_an_integer_when_written_without_a_point() {
        // As a data file's integer column refuses `2.0`.
        let ty = |body: &str| {
            compiled(body).ok().and_then(|c| {
                c.plan
                    .defs
                    .iter()
                    .find(|d| d.name == "k")
                    .map(|d| d.ty.clone())
            })
        };
        assert_eq!(ty("  kpi k = 1_000"), Some(types::Type::Integer));
        assert_eq!(ty("  kpi k = 1.0"), Some(types::Type::Number));
        assert_eq!(ty("  kpi k = 1.5"), Some(types::Type::Number));
    }
}
