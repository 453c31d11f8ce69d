//! Tests written in the plan language: inline tables, expected values and expected errors,
//! run against the same checker, loader and evaluator as `run`.

pub mod error;
mod rows;

pub use error::TestError;

use crate::diagnostics::{did_you_mean, Diag, SourceFile};
use crate::eval::{self, Results};
use crate::ir::{DefId, DefKind, Plan, Value};
use crate::num::Num;
use crate::syntax::ast::{self, BinOp, ExpectKind, TestDecl, Unit};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One plan with the tests that name it.
pub struct Suite {
    /// The plan file.
    pub plan_path: PathBuf,
    /// Tests, each with the file it is written in.
    pub tests: Vec<(Arc<SourceFile>, TestDecl)>,
}

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every expectation held.
    Passed,
    /// An expectation did not hold.
    Failed,
    /// The plan or the test's data is invalid, so it could not run.
    Error,
}

/// An expectation that did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The expectation as written.
    pub expectation: String,
    /// Where (file:line).
    pub at: String,
    /// What was expected.
    pub expected: String,
    /// What the plan computed.
    pub actual: String,
    /// The explanation of the actual value (text form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// Filters of the plan that match nothing in the test's data (a likely cause).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The result of one test.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The plan tested.
    pub plan: String,
    /// The file the test is written in.
    pub file: String,
    /// The test's name.
    pub name: String,
    /// How it ended.
    pub status: Status,
    /// Expectations that did not hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// Why it could not run.
    #[serde(skip)]
    pub errors: Vec<Diag>,
    /// The errors as JSON.
    #[serde(rename = "errors", skip_serializing_if = "Vec::is_empty")]
    pub errors_json: Vec<crate::diagnostics::JsonDiag>,
}

/// Find the plans and tests under the given paths (files or folders).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Suite>, Vec<Diag>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            if let Err(e) = crate::plan_files(p, &mut files) {
                errors.push(
                    TestError::ReadFolder {
                        path: p.display().to_string(),
                        error: e,
                    }
                    .into(),
                );
            }
        } else if p.exists() {
            files.push(p.clone());
            // A plan given alone brings the test files beside it that name it.
            if !p.to_string_lossy().ends_with(".test.plan") {
                let dir = p
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let mut beside: Vec<PathBuf> = std::fs::read_dir(dir)
                    .map(|it| {
                        it.filter_map(|e| e.ok().map(|e| e.path()))
                            .filter(|f| f.to_string_lossy().ends_with(".test.plan"))
                            .collect()
                    })
                    .unwrap_or_default();
                beside.sort();
                files.extend(beside);
            }
        } else {
            errors.push(
                TestError::NoSuchPath {
                    path: p.display().to_string(),
                }
                .into(),
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    files.retain(|f| seen.insert(canonical(f)));
    let mut suites: BTreeMap<PathBuf, Suite> = BTreeMap::new();
    for f in files {
        let text = match crate::read_regular(&f) {
            Ok(t) => t,
            Err(e) => {
                errors.push(
                    TestError::ReadFile {
                        path: f.display().to_string(),
                        error: e,
                    }
                    .into(),
                );
                continue;
            }
        };
        let src = SourceFile::new(f.display().to_string(), crate::syntax::strip_bom(&text));
        match crate::syntax::parser::parse_unit(&src) {
            Err(d) => errors.push(d),
            Ok(Unit::Plan(plan)) => {
                let key = canonical(&f);
                let suite = suites.entry(key).or_insert_with(|| Suite {
                    plan_path: f.clone(),
                    tests: Vec::new(),
                });
                for d in plan.decls {
                    if let ast::DeclKind::Test(t) = d.kind {
                        suite.tests.push((Arc::clone(&src), t));
                    }
                }
            }
            Ok(Unit::Tests(t)) => {
                let plan_path = f.parent().unwrap_or(Path::new(".")).join(&t.plan);
                if !plan_path.is_file() {
                    errors.push(
                        Diag::from(TestError::NoPlan {
                            plan: t.plan.clone(),
                            looked_for: plan_path.display().to_string(),
                            span: t.plan_span.into(),
                        })
                        .in_source(&src),
                    );
                    continue;
                }
                let key = canonical(&plan_path);
                let suite = suites.entry(key).or_insert_with(|| Suite {
                    plan_path: plan_path.clone(),
                    tests: Vec::new(),
                });
                for test in t.tests {
                    suite.tests.push((Arc::clone(&src), test));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(suites.into_values().collect())
    } else {
        Err(errors)
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Run a suite's tests whose names contain `filter`.
pub fn run_suite(suite: &Suite, filter: Option<&str>) -> Vec<Outcome> {
    run_suite_with(suite, filter, &[])
}

/// [`run_suite`] with `--set NAME=VALUE` overrides of the plan's params (issue 9): a plan
/// that has no such param, or a value of another type, is an error of each of its tests.
pub fn run_suite_with(
    suite: &Suite,
    filter: Option<&str>,
    sets: &[crate::check::ParamSet],
) -> Vec<Outcome> {
    let selected: Vec<&(Arc<SourceFile>, TestDecl)> = suite
        .tests
        .iter()
        .filter(|(_, t)| filter.is_none_or(|f| t.name.contains(f)))
        .collect();
    if selected.is_empty() {
        return Vec::new();
    }
    let plan_name = suite.plan_path.display().to_string();
    let checked = match crate::compile_with(&suite.plan_path, sets) {
        Ok(c) => c,
        Err(diags) => {
            return selected
                .iter()
                .map(|(src, t)| {
                    outcome(&plan_name, src, t, Status::Error, Vec::new(), diags.clone())
                })
                .collect();
        }
    };
    let plan = &checked.plan;
    selected
        .iter()
        .map(|(src, t)| match run_test(plan, src, t) {
            Ok(failures) => {
                let status = if failures.is_empty() {
                    Status::Passed
                } else {
                    Status::Failed
                };
                outcome(&plan_name, src, t, status, failures, Vec::new())
            }
            Err(diags) => outcome(&plan_name, src, t, Status::Error, Vec::new(), diags),
        })
        .collect()
}

fn outcome(
    plan: &str,
    src: &Arc<SourceFile>,
    t: &TestDecl,
    status: Status,
    failures: Vec<Failure>,
    errors: Vec<Diag>,
) -> Outcome {
    Outcome {
        plan: plan.to_string(),
        file: src.name.clone(),
        name: t.name.clone(),
        status,
        failures,
        errors_json: errors.iter().map(Diag::to_json).collect(),
        errors,
    }
}

/// An expected value that is not a literal of the definition's type.
fn wrong_value(
    src: &Arc<SourceFile>,
    value: &crate::syntax::ast::Expr,
    name: &str,
    ty: &crate::types::Type,
    why: &str,
) -> Diag {
    err(
        src,
        TestError::WrongValue {
            message: why.replace("the column is", &format!("`{name}` is")),
            expected: ty.described(),
            span: value.span.into(),
        },
    )
}

/// A test error in the test file `src`.
fn err(src: &Arc<SourceFile>, e: TestError) -> Diag {
    Diag::from(e).in_source(src)
}

/// Run one test: its data, then its expectations. `Err` when the data or an expectation is invalid.
fn run_test(plan: &Plan, src: &Arc<SourceFile>, t: &TestDecl) -> Result<Vec<Failure>, Vec<Diag>> {
    let (mut data, _notes) = rows::dataset(plan, src, t)?;
    // issue 12: every aggregate read from the rows is checked against the row layer's
    // value (a difference is an internal error, so a plan test fails on it).
    data.aggs =
        crate::data::aggregate::from_tables(plan, &data.roster, &data.strings, &data.tables);
    let results = eval::evaluate(plan, &data);
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    for e in &t.expects {
        match check_expect(plan, &data, &results, src, e) {
            Ok(None) => {}
            Ok(Some(f)) => failures.push(f),
            Err(d) => errors.push(d),
        }
    }
    if !failures.is_empty() {
        // A filter that matches nothing in the test's rows is a likely cause: say so.
        let notes: Vec<String> = crate::data::filters::check(plan, &data, false)
            .iter()
            .map(|d| match &d.help {
                Some(h) => format!(
                    "{} ({})",
                    d.message,
                    h.trim_end_matches("; --strict makes this an error")
                ),
                None => d.message.clone(),
            })
            .collect();
        for f in &mut failures {
            f.notes.clone_from(&notes);
        }
    }
    if errors.is_empty() {
        Ok(failures)
    } else {
        Err(errors)
    }
}

fn check_expect(
    plan: &Plan,
    data: &crate::data::Dataset,
    results: &Results,
    src: &Arc<SourceFile>,
    e: &ast::Expect,
) -> Result<Option<Failure>, Diag> {
    let (who, who_span) = &e.participant;
    let p = data.roster.find(who).ok_or_else(|| {
        let hint = did_you_mean(who, data.roster.ids.iter().map(String::as_str)).map_or_else(
            || {
                format!(
                    "the test's participants are: {}",
                    data.roster.ids.join(", ")
                )
            },
            |s| format!("did you mean \"{s}\"?"),
        );
        err(
            src,
            TestError::UnknownParticipant {
                id: who.clone(),
                help: hint,
                span: (*who_span).into(),
            },
        )
    })?;
    let (when, when_span) = &e.period;
    let k = plan.calendar.find(when).ok_or_else(|| {
        let ids: Vec<&str> = plan
            .calendar
            .periods
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        err(
            src,
            TestError::UnknownPeriod {
                period: when.clone(),
                periods: ids.join(", "),
                span: (*when_span).into(),
            },
        )
    })?;
    let text = without_comment(
        src.text
            .get(e.span.start as usize..e.span.end as usize)
            .unwrap_or(""),
    );
    let at = format!("{}:{}", src.name, src.line_col(e.span.start as usize).0);
    match &e.kind {
        ExpectKind::Error { containing } => {
            let messages = scope_errors(plan, data, results, p, k);
            if messages.iter().any(|m| m.contains(containing.as_str())) {
                return Ok(None);
            }
            let actual = if messages.is_empty() {
                "no error: every value was computed".to_string()
            } else {
                messages.join("; ")
            };
            Ok(Some(Failure {
                expectation: text,
                at,
                expected: format!("an error containing \"{containing}\""),
                actual,
                explanation: None,
                notes: Vec::new(),
            }))
        }
        ExpectKind::Value {
            name,
            op,
            value,
            within,
        } => {
            // issue 10, currencies: `NAME.paid` is a payout (or the total) as paid in the
            // participant's pay currency (`participants … paid in`).
            let paid = name
                .name
                .strip_suffix(".paid")
                .filter(|_| plan.pay.is_some());
            let d = plan
                .def_named(paid.unwrap_or(&name.name))
                .filter(|&d| {
                    if paid.is_some() {
                        plan.defs[d].kind.is_paid()
                    } else {
                        plan.defs[d].kind != DefKind::Let
                    }
                })
                .ok_or_else(|| {
                    let names: Vec<&str> = plan
                        .defs
                        .iter()
                        .filter(|d| d.kind != DefKind::Let)
                        .map(|d| d.name.as_str())
                        .collect();
                    let hint = match name.name.strip_suffix(".paid") {
                        // issue 10, currencies: a pay figure needs a pay currency.
                        Some(base) if plan.pay.is_none() => format!(
                            "`{base}.paid` is `{base}` as paid in the participant's currency, which needs `participants … paid in COLUMN using FX.RATE on DATE` in the plan; without it, expect `{base}` itself"
                        ),
                        _ => crate::diagnostics::suggest(&name.name, names.iter().copied(), || {
                            format!("KPIs and payouts: {}", names.join(", "))
                        }),
                    };
                    err(
                        src,
                        TestError::UnknownDefinition {
                            name: name.name.clone(),
                            help: hint,
                            span: name.span.into(),
                        },
                    )
                })?;
            let pay_ty = paid.map(|_| {
                crate::types::Type::Money(
                    crate::report::pay_currency(plan, data, p).unwrap_or_default(),
                )
            });
            let def_ty = pay_ty.as_ref().unwrap_or(&plan.defs[d].ty);
            if matches!(
                def_ty,
                crate::types::Type::Bool | crate::types::Type::Text | crate::types::Type::Date
            ) {
                return check_other(plan, data, results, src, e, d, (p, k), text, at);
            }
            let expected = rows::literal_decimal(value, def_ty)
                .map_err(|m| wrong_value(src, value, &name.name, def_ty, &m))?;
            let tolerance = match within {
                Some(w) => Some(
                    rows::literal_decimal(w, def_ty)
                        .or_else(|_| rows::literal_decimal(w, &crate::types::Type::Number))
                        .map_err(|m| {
                            err(
                                src,
                                TestError::WrongTolerance {
                                    message: m,
                                    span: w.span.into(),
                                },
                            )
                        })?,
                ),
                None => None,
            };
            let unit = crate::render::unit(def_ty);
            // Exact values: a failure must show the digits that differ.
            let show = |x: Decimal| exact(x, &unit);
            let expected_text = format!(
                "{} {}{}",
                op.symbol(),
                show(expected),
                tolerance
                    .map(|t| format!(" within {}", t.normalize()))
                    .unwrap_or_default()
            );
            let explanation = || {
                let e = crate::trace::explain(plan, data, results, p, k, &[d]);
                Some(crate::trace::text::render(&e, Some(10)))
            };
            let slot = if paid.is_some() {
                results.paid(d, p, k)
            } else {
                Some(results.get(d, p, k))
            };
            let Some(slot) = slot else {
                return Ok(Some(Failure {
                    expectation: text,
                    at,
                    expected: expected_text,
                    actual: "no pay figure".into(),
                    explanation: None,
                    notes: Vec::new(),
                }));
            };
            match slot {
                // Payouts and the total arrive rounded as the plan says (the evaluator rounds);
                // a pay figure to its currency's minor unit.
                Ok(Value::Num(actual)) => {
                    let expected = Num::from(expected);
                    let off = || actual.checked_sub(&expected).map(|x| x.abs());
                    let holds = match (op, tolerance) {
                        (BinOp::Eq, Some(t)) => off().is_some_and(|x| x <= Num::from(t)),
                        (BinOp::Ne, Some(t)) => off().is_some_and(|x| x > Num::from(t)),
                        (BinOp::Eq, None) => *actual == expected,
                        (BinOp::Ne, None) => *actual != expected,
                        (BinOp::Lt, _) => *actual < expected,
                        (BinOp::Le, _) => *actual <= expected,
                        (BinOp::Gt, _) => *actual > expected,
                        _ => *actual >= expected,
                    };
                    if holds {
                        Ok(None)
                    } else {
                        Ok(Some(Failure {
                            expectation: text,
                            at,
                            expected: expected_text,
                            actual: show(actual.approx()),
                            explanation: explanation(),
                            notes: Vec::new(),
                        }))
                    }
                }
                Ok(other) => Ok(Some(Failure {
                    expectation: text,
                    at,
                    expected: expected_text,
                    actual: format!("{other:?}"),
                    explanation: None,
                    notes: Vec::new(),
                })),
                Err(e) => Ok(Some(Failure {
                    expectation: text,
                    at,
                    expected: expected_text,
                    actual: format!("no value: {}", e.kind.describe()),
                    explanation: explanation(),
                    notes: Vec::new(),
                })),
            }
        }
    }
}

/// An expectation on a yes/no, text or date value: `== true`, `== "Gold"`, `< 2026-03-01`.
#[allow(clippy::too_many_arguments)]
fn check_other(
    plan: &Plan,
    data: &crate::data::Dataset,
    results: &Results,
    src: &Arc<SourceFile>,
    e: &ast::Expect,
    d: DefId,
    (p, k): (usize, usize),
    text: String,
    at: String,
) -> Result<Option<Failure>, Diag> {
    let ExpectKind::Value {
        name,
        op,
        value,
        within,
    } = &e.kind
    else {
        return Ok(None);
    };
    let ty = &plan.defs[d].ty;
    let expected =
        rows::literal(value, ty).map_err(|m| wrong_value(src, value, &name.name, ty, &m))?;
    if let Some(w) = within {
        return Err(err(
            src,
            TestError::WithinExact {
                name: name.name.clone(),
                described: ty.described(),
                span: w.span.into(),
            },
        ));
    }
    let ordered = *ty == crate::types::Type::Date;
    if !ordered && !matches!(op, BinOp::Eq | BinOp::Ne) {
        return Err(err(
            src,
            TestError::NoOrder {
                name: name.name.clone(),
                described: ty.described(),
                op: op.symbol().to_string(),
                span: e.span.into(),
            },
        ));
    }
    let show = |v: &rows::Expected| match v {
        rows::Expected::Text(s) => format!("{s:?}"),
        rows::Expected::Bool(b) => b.to_string(),
        rows::Expected::Date(x) => crate::calendar::date(*x).to_string(),
    };
    let expected_text = format!("{} {}", op.symbol(), show(&expected));
    let actual = match results.get(d, p, k) {
        Ok(Value::Text(s)) => rows::Expected::Text(data.strings.resolve(*s).to_string()),
        Ok(Value::Bool(b)) => rows::Expected::Bool(*b),
        Ok(Value::Date(x)) => rows::Expected::Date(*x),
        Ok(Value::Num(n)) => {
            return Ok(Some(Failure {
                expectation: text,
                at,
                expected: expected_text,
                actual: n.normalize().to_string(),
                explanation: None,
                notes: Vec::new(),
            }))
        }
        Err(err) => {
            let e = crate::trace::explain(plan, data, results, p, k, &[d]);
            return Ok(Some(Failure {
                expectation: text,
                at,
                expected: expected_text,
                actual: format!("no value: {}", err.kind.describe()),
                explanation: Some(crate::trace::text::render(&e, Some(10))),
                notes: Vec::new(),
            }));
        }
    };
    let holds = match op {
        BinOp::Eq => actual == expected,
        BinOp::Ne => actual != expected,
        BinOp::Lt => actual < expected,
        BinOp::Le => actual <= expected,
        BinOp::Gt => actual > expected,
        _ => actual >= expected,
    };
    if holds {
        return Ok(None);
    }
    let e = crate::trace::explain(plan, data, results, p, k, &[d]);
    Ok(Some(Failure {
        expectation: text,
        at,
        expected: expected_text,
        actual: show(&actual),
        explanation: Some(crate::trace::text::render(&e, Some(10))),
        notes: Vec::new(),
    }))
}

/// Run-time error messages for one participant and period, as `run` would print them.
fn scope_errors(
    plan: &Plan,
    data: &crate::data::Dataset,
    results: &Results,
    p: usize,
    k: usize,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (d, def) in DefId::all(plan.defs.len()).zip(&plan.defs) {
        if def.kind == DefKind::Let {
            continue;
        }
        // issue 10, currencies: a pay figure's error (no FX row) too.
        let paid = results.paid(d, p, k).into_iter();
        for e in std::iter::once(results.get(d, p, k))
            .chain(paid)
            .filter_map(|s| s.as_ref().err())
        {
            let msg = format!(
                "{} in `{}` for {} in {}",
                e.kind.describe(),
                plan.defs[e.def].name,
                data.roster.ids[e.participant as usize],
                plan.calendar.periods[e.period as usize].id
            );
            if !out.contains(&msg) {
                out.push(msg);
            }
        }
    }
    out
}

/// A value with its unit, exactly (amounts keep at least two decimals).
fn exact(x: Decimal, unit: &str) -> String {
    match unit {
        "percent" => format!("{}%", crate::render::percent(x, None)),
        "number" | "integer" => x.normalize().to_string(),
        "days" => format!("{} days", x.normalize()),
        cur => format!("{} {cur}", crate::render::at_least(x.normalize(), 2)),
    }
}

/// The expectation as written, without a comment that follows it on the line.
fn without_comment(s: &str) -> String {
    let mut in_string = false;
    let bytes = s.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
            b'/' if !in_string && matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                return s[..i].trim_end().to_string()
            }
            _ => {}
        }
    }
    s.trim_end().to_string()
}
