//! A test's data: inline rows typed by the plan's schemas, or CSV files, assembled like `run`'s.

use super::TestError;
use crate::data::{self, Column, ColumnData, Dataset, Table};
use crate::diagnostics::{suggest, Diag, SourceFile};
use crate::intern::Interner;
use crate::ir::{Plan, TableId, Value};
use crate::num::Num;
use crate::syntax::ast::{Expr, ExprKind, Literal, TestDecl};
use crate::types::Type;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A literal as a value of a column (or definition) type, or why it does not fit.
fn literal_value(e: &Expr, ty: &Type, strings: &mut Interner) -> Result<Value, String> {
    let (negative, lit) = match &e.kind {
        ExprKind::Neg(inner) => match &inner.kind {
            ExprKind::Lit(l) => (true, l),
            _ => return Err("expected a literal value".into()),
        },
        ExprKind::Lit(l) => (false, l),
        _ => return Err("expected a literal value".into()),
    };
    let sign = |n: Decimal| Num::from(if negative { -n } else { n });
    let wrong = |what: &str| {
        Err(format!(
            "this is {what}, but the column is {}",
            ty.described()
        ))
    };
    match (ty, lit) {
        (Type::Text, Literal::Text(s)) => Ok(Value::Text(strings.intern(s))),
        (Type::Bool, Literal::Bool(b)) => Ok(Value::Bool(*b)),
        (Type::Date, Literal::Date(d)) => Ok(Value::Date(crate::calendar::day(*d))),
        (Type::Integer, Literal::Number(n)) if lit.ty() == Type::Integer => {
            Ok(Value::Num(sign(*n)))
        }
        (Type::Number, Literal::Number(n))
        | (Type::Days, Literal::Number(n))
        | (Type::Days, Literal::Days(n)) => Ok(Value::Num(sign(*n))),
        (Type::Percent, Literal::Percent(n)) | (Type::Number, Literal::Percent(n)) => {
            Ok(Value::Num(sign(*n)))
        }
        (Type::Money(c), Literal::Money(n, lc)) if c == lc => Ok(Value::Num(sign(*n))),
        (Type::Money(c), Literal::Money(_, lc)) => Err(format!(
            "this amount is in {lc}, but the column is money in {c}"
        )),
        (Type::Money(c), Literal::Number(_)) => {
            Err(format!("an amount needs its currency, e.g. `400000 {c}`"))
        }
        // issue 10, currencies: the row's currency column says which, once.
        (Type::MoneyIn { .. }, Literal::Number(n)) => Ok(Value::Num(sign(*n))),
        (Type::MoneyIn { column, .. }, Literal::Money(..)) => Err(format!(
            "the currency of this amount is the row's `{column}`: write the number alone, e.g. `1000`"
        )),
        (_, Literal::Text(_)) => wrong("text"),
        (_, Literal::Bool(_)) => wrong("a yes/no value"),
        (_, Literal::Date(_)) => wrong("a date"),
        (_, Literal::Percent(_)) => wrong("a percent"),
        (_, Literal::Money(..)) => wrong("an amount"),
        (_, Literal::Days(_)) => wrong("a number of days"),
        (_, Literal::Number(_)) => wrong("a number"),
    }
}

/// A literal expected value as a decimal in the unit of `ty`.
pub fn literal_decimal(e: &Expr, ty: &Type) -> Result<Decimal, String> {
    let ty = if matches!(ty, Type::Integer | Type::Percent) {
        &Type::Number
    } else {
        ty
    };
    match literal_value(e, ty, &mut Interner::new())? {
        // A literal is a decimal.
        Value::Num(n) => Ok(n.approx()),
        _ => Err(format!("expected {}", ty.described())),
    }
}

/// An expected yes/no, text or date value, compared as written (text by its characters).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expected {
    /// Yes / no.
    Bool(bool),
    /// Text.
    Text(String),
    /// A day number.
    Date(i32),
}

/// A literal expected value of a yes/no, text or date definition, or why it does not fit.
pub fn literal(e: &Expr, ty: &Type) -> Result<Expected, String> {
    let mut strings = Interner::new();
    match literal_value(e, ty, &mut strings)? {
        Value::Bool(b) => Ok(Expected::Bool(b)),
        Value::Text(s) => Ok(Expected::Text(strings.resolve(s).to_string())),
        Value::Date(d) => Ok(Expected::Date(d)),
        Value::Num(_) => Err(format!("expected {}", ty.described())),
    }
}

/// The dataset of a test: its rows and files per input table, then roster and credit as in `run`.
pub fn dataset(
    plan: &Plan,
    src: &Arc<SourceFile>,
    t: &TestDecl,
) -> Result<(Dataset, Vec<Diag>), Vec<Diag>> {
    let mut strings = plan.strings.clone();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let e = |err: TestError| Diag::from(err).in_source(src);
    for r in &t.rows {
        if plan.tables.iter().all(|s| s.name != r.table.name) {
            let names: Vec<&str> = plan.tables.iter().map(|s| s.name.as_str()).collect();
            let hint = suggest(&r.table.name, names.iter().copied(), || {
                format!("the inputs are: {}", names.join(", "))
            });
            errors.push(e(TestError::UnknownInput {
                table: r.table.name.clone(),
                help: hint,
                span: r.table.span.into(),
            }));
        }
    }
    let mut tables = Vec::with_capacity(plan.tables.len());
    for (ti, full) in TableId::all(plan.tables.len()).zip(&plan.tables) {
        // issue 9, rows: a test row gives the stored columns; the computed ones are computed.
        let stored = full.stored_schema();
        let schema: &crate::ir::TableSchema = &stored;
        let rows: Vec<_> = t
            .rows
            .iter()
            .filter(|r| r.table.name == schema.name)
            .collect();
        let file = t.files.iter().find(|(n, _, _)| n.name == schema.name);
        if let Some((name, path, span)) = file {
            if !rows.is_empty() {
                errors.push(e(TestError::RowsAndFile {
                    table: name.name.clone(),
                    span: (*span).into(),
                }));
                continue;
            }
            let base = std::path::Path::new(&src.name)
                .parent()
                .unwrap_or(std::path::Path::new("."));
            let file = base.join(path);
            if !file.is_file() {
                errors.push(e(TestError::NoDataFile {
                    path: path.to_string(),
                    table: name.name.clone(),
                    looked_for: file.display().to_string(),
                    span: (*span).into(),
                }));
                continue;
            }
            match data::load_table(plan, ti, &file, &mut strings, &mut notes) {
                Ok(tab) => tables.push(tab),
                Err(mut d) => errors.append(&mut d),
            }
            continue;
        }
        let mut columns: Vec<(ColumnData, Option<Vec<bool>>)> = schema
            .columns
            .iter()
            .map(|c| {
                let data = match &c.ty {
                    Type::Text => ColumnData::Text(Vec::new()),
                    Type::Date => ColumnData::Date(Vec::new()),
                    Type::Bool => ColumnData::Bool(Vec::new()),
                    _ => ColumnData::Num(Vec::new()),
                };
                (data, c.optional.then(Vec::new))
            })
            .collect();
        let mut lines = Vec::new();
        for r in &rows {
            let mut ok = true;
            for (field, _) in &r.fields {
                if schema.column(&field.name).is_none() {
                    ok = false;
                    let hint = suggest(
                        &field.name,
                        schema.columns.iter().map(|c| c.name.as_str()),
                        || {
                            format!(
                                "the columns of `{}` are: {}",
                                schema.name,
                                schema
                                    .columns
                                    .iter()
                                    .map(|c| c.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        },
                    );
                    errors.push(e(TestError::UnknownColumn {
                        table: schema.name.clone(),
                        column: field.name.clone(),
                        help: hint,
                        span: field.span.into(),
                    }));
                }
            }
            let mut values = Vec::with_capacity(schema.columns.len());
            for c in &schema.columns {
                let given = r.fields.iter().find(|(f, _)| f.name == c.name);
                let v = match (given, &c.default, c.optional) {
                    (Some((_, lit)), _, _) => match literal_value(lit, &c.ty, &mut strings) {
                        Ok(Value::Num(n)) if c.nonneg && n.is_negative() => {
                            ok = false;
                            errors.push(e(TestError::Negative {
                                column: c.name.clone(),
                                span: lit.span.into(),
                            }));
                            None
                        }
                        Ok(v) => Some(v),
                        Err(m) => {
                            ok = false;
                            errors.push(e(TestError::CellType {
                                column: c.name.clone(),
                                why: m,
                                expected: c.ty.described(),
                                span: lit.span.into(),
                            }));
                            None
                        }
                    },
                    (None, Some(default), _) => Some(default.clone()),
                    (None, None, true) => None,
                    (None, None, false) => {
                        ok = false;
                        errors.push(e(TestError::MissingColumn {
                            table: schema.name.clone(),
                            column: c.name.clone(),
                            ty: c.ty.clone(),
                            span: r.span.into(),
                        }));
                        None
                    }
                };
                values.push(v);
            }
            if !ok {
                continue;
            }
            for ((data, present), v) in columns.iter_mut().zip(values) {
                if let Some(p) = present {
                    p.push(v.is_some());
                }
                match (data, v.unwrap_or(Value::Num(Num::ZERO))) {
                    (ColumnData::Text(x), Value::Text(s)) => x.push(s),
                    (ColumnData::Text(x), _) => x.push(0),
                    (ColumnData::Date(x), Value::Date(d)) => x.push(d),
                    (ColumnData::Date(x), _) => x.push(0),
                    (ColumnData::Bool(x), Value::Bool(b)) => x.push(b),
                    (ColumnData::Bool(x), _) => x.push(false),
                    (ColumnData::Num(x), Value::Num(n)) => x.push(n.approx()),
                    (ColumnData::Num(x), _) => x.push(Decimal::ZERO),
                    (ColumnData::Raw { .. }, _) => {}
                }
            }
            lines.push(src.line_col(r.span.start as usize).0 as u32);
        }
        let cols = columns
            .into_iter()
            .map(|(data, present)| Column { data, present })
            .collect();
        tables.push(Table::from_columns(&schema.name, &src.name, cols, lines).with_computed(full));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // A test's rows are written on purpose: one that would be skipped (an unknown participant,
    // a date outside the calendar, a repeated key) is a mistake in the test, not data to report.
    data::assemble(plan, tables, strings, notes, data::Options { strict: true })
}
