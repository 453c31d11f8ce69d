//! Filters that match nothing: a text literal compared with a column that never holds it
//! (`stage == "won"` where the data says `Closed Won`), and a filtered row set that no
//! credited row passes. Either would pay everyone 0 without a word, so `run`, `explain` and
//! `diff` warn (errors under `--strict`), once the data is loaded and before evaluation.
//!
//! This reads the checked plan and the loaded data only; it never evaluates a definition.

use super::error::DataError;
use super::{ColumnData, Dataset};
use crate::diagnostics::{did_you_mean, Diag};
use crate::ir::{ColId, Expr, ExprKind, Plan, RowSet, TableId, Value};
use crate::syntax::ast::BinOp;
use crate::syntax::Span;
use rustc_hash::{FxHashMap, FxHashSet};

/// The warnings (errors when `strict`) about the plan's filters on this data.
pub fn check(plan: &Plan, data: &Dataset, strict: bool) -> Vec<Diag> {
    let mut c = Checker {
        plan,
        data,
        strict,
        seen: FxHashMap::default(),
        sets: FxHashSet::default(),
        out: Vec::new(),
        counts: FxHashMap::default(),
    };
    // issue 9, rows: computed columns compare their row's cells too.
    for (t, schema) in TableId::all(plan.tables.len()).zip(&plan.tables) {
        for col in &schema.columns {
            if let Some(e) = &col.computed {
                c.walk(e, Some(t));
            }
        }
    }
    for d in &plan.defs {
        c.walk(&d.expr, None);
        if let Some(g) = &d.gate {
            c.walk(g, None);
        }
        for l in &d.limits {
            c.walk(&l.expr, None);
        }
    }
    c.out
}

struct Checker<'a> {
    plan: &'a Plan,
    data: &'a Dataset,
    strict: bool,
    /// Literals already looked up (by span), and whether the data lacks them.
    seen: FxHashMap<(u32, u32), bool>,
    /// Row sets already checked (by table and filter spans).
    sets: FxHashSet<(TableId, Vec<(u32, u32)>)>,
    out: Vec<Diag>,
    /// Per (table, column): how often each value occurs, computed when a literal is missing.
    counts: FxHashMap<(TableId, ColId), Vec<(u32, usize)>>,
}

impl Checker<'_> {
    /// The hint, with what `--strict` would do when it is not given.
    fn hint(&self, help: String) -> String {
        if self.strict {
            help
        } else {
            format!("{help}; --strict makes this an error")
        }
    }

    /// Visit an expression; `table` is the table of the current row inside a filter.
    /// True when it compares with a text literal the data lacks.
    fn walk(&mut self, e: &Expr, table: Option<TableId>) -> bool {
        let mut missing = false;
        if let ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) = &e.kind {
            for (col, lit) in [(a, b), (b, a)] {
                if let ExprKind::Const(Value::Text(sym)) = lit.kind {
                    let column = match col.kind {
                        ExprKind::RowCol(c) => table.map(|t| (t, c)),
                        ExprKind::Param(c) => Some((self.plan.participants, c)),
                        _ => None,
                    };
                    if let Some((t, c)) = column {
                        missing |= self.literal(t, c, sym, lit.span, *op);
                    }
                }
            }
        }
        if let ExprKind::Agg { rows, value, .. } = &e.kind {
            // issue 9, rows: an expression of each row compares like a filter.
            if let Some(v) = value {
                self.walk(v, Some(rows.table));
            }
            let mut lacking = false;
            for f in &rows.filters {
                lacking |= self.walk(f, Some(rows.table));
            }
            // A literal that never occurs already explains an empty set.
            if !lacking {
                self.row_set(rows);
            }
        }
        for child in e.children() {
            missing |= self.walk(child, table);
        }
        missing
    }

    /// Look a literal up in a column (once per literal); true when the column lacks it.
    fn literal(&mut self, t: TableId, c: ColId, sym: u32, span: Span, op: BinOp) -> bool {
        if let Some(&missing) = self.seen.get(&(span.start, span.end)) {
            return missing;
        }
        let missing = self.report_literal(t, c, sym, span, op);
        self.seen.insert((span.start, span.end), missing);
        missing
    }

    fn report_literal(&mut self, t: TableId, c: ColId, sym: u32, span: Span, op: BinOp) -> bool {
        // issue 12: a folded table's literals were each found in a credited row (else its
        // rows were kept and are looked at here).
        if self.data.aggs.as_ref().is_some_and(|a| a.streamed(t)) {
            return false;
        }
        let column = &self.data.tables[t].columns[c];
        let ColumnData::Text(values) = &column.data else {
            return false;
        };
        let present = |i: usize| column.is_present(i);
        if values
            .iter()
            .enumerate()
            .any(|(i, &v)| v == sym && present(i))
        {
            return false;
        }
        let counts = self.counts.entry((t, c)).or_insert_with(|| {
            let mut m: FxHashMap<u32, usize> = FxHashMap::default();
            for (i, &v) in values.iter().enumerate() {
                if present(i) {
                    *m.entry(v).or_default() += 1;
                }
            }
            let mut v: Vec<(u32, usize)> = m.into_iter().collect();
            // Most frequent first, then by text: deterministic whatever the row order.
            let strings = &self.data.strings;
            v.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| strings.resolve(a.0).cmp(strings.resolve(b.0)))
            });
            v
        });
        let strings = &self.data.strings;
        let literal = strings.resolve(sym);
        let tab = &self.data.tables[t];
        let col_name = &self.plan.tables[t].columns[c].name;
        let help = if counts.is_empty() {
            format!("`{col_name}` has no values in {}", tab.file)
        } else {
            let texts: Vec<&str> = counts.iter().map(|&(s, _)| strings.resolve(s)).collect();
            let close = closest(literal, &texts);
            let shown: Vec<String> = counts
                .iter()
                .take(5)
                .map(|&(s, n)| {
                    format!(
                        "\"{}\" ({n} {})",
                        show(strings.resolve(s)),
                        if n == 1 { "row" } else { "rows" }
                    )
                })
                .collect();
            let more = if counts.len() > 5 {
                format!(" and {} more", counts.len() - 5)
            } else {
                String::new()
            };
            format!(
                "did you mean \"{}\"? the {} {} of `{col_name}`: {}{more} (text is compared exactly, case included)",
                show(close),
                counts.len(),
                if counts.len() == 1 { "value" } else { "values" },
                shown.join(", ")
            )
        };
        let (literal, column, file) = (show(literal), col_name.clone(), tab.file.clone());
        let (span, help) = (span.into(), self.hint(help));
        let e = if op == BinOp::Eq {
            DataError::NeverEqual {
                literal,
                column,
                file,
                span,
                help,
            }
        } else {
            DataError::AlwaysUnequal {
                literal,
                column,
                file,
                span,
                help,
            }
        };
        let d = e.strict(self.strict).in_source(&self.plan.source);
        self.out.push(d);
        true
    }

    fn row_set(&mut self, rows: &RowSet) {
        if rows.filters.is_empty() {
            return;
        }
        let key = (
            rows.table,
            rows.filters
                .iter()
                .map(|f| (f.span.start, f.span.end))
                .collect::<Vec<_>>(),
        );
        if !self.sets.insert(key) {
            return;
        }
        let t = rows.table;
        // issue 12: a folded table's row sets each had a credited row (else its rows were
        // kept and are looked at here).
        if self.data.aggs.as_ref().is_some_and(|a| a.streamed(t)) {
            return;
        }
        let Some(index) = self.data.credit[t].as_ref() else {
            return;
        };
        let Some(tests) = rows
            .filters
            .iter()
            .map(simple)
            .collect::<Option<Vec<Simple>>>()
        else {
            // A filter reading the participant or a definition: its rows differ per scope.
            return;
        };
        let tab = &self.data.tables[t];
        let credited = index.offsets.last().copied().unwrap_or(0) as usize;
        let matched = (0..credited).any(|r| tests.iter().all(|s| s.test(self.data, t, r)));
        if matched {
            return;
        }
        let text: Vec<&str> = rows
            .filters
            .iter()
            .map(|f| self.plan.text_of(f.span))
            .collect();
        let Some((first, others)) = rows.filters.split_first() else {
            return;
        };
        let help = "check the filter against the data; everything computed from these rows is 0 or has no value";
        let e = DataError::EmptyFilter {
            file: tab.file.clone(),
            filters: text.join(" and "),
            credited: format!(
                "{credited} {}",
                if credited == 1 { "row is" } else { "rows are" }
            ),
            first: first.span.into(),
            others: others.iter().map(|f| f.span.into()).collect(),
            help: self.hint(help.to_string()),
        };
        self.out
            .push(e.strict(self.strict).in_source(&self.plan.source));
    }
}

/// Text for a message: control characters escaped, long values cut.
fn show(s: &str) -> String {
    let mut out: String = s.chars().take(60).flat_map(char::escape_default).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// The value closest to a literal: the same text in another case, then the shared helper's
/// pick (case folded), then a value containing the literal (or contained in it), then the
/// most similar. `values` are most frequent first.
fn closest<'v>(literal: &str, values: &[&'v str]) -> &'v str {
    let low = literal.to_lowercase();
    let lows: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
    if let Some(i) = lows.iter().position(|v| *v == low) {
        return values[i];
    }
    if let Some(pick) = did_you_mean(&low, lows.iter().map(String::as_str)) {
        if let Some(i) = lows.iter().position(|v| v == pick) {
            return values[i];
        }
    }
    if !low.is_empty() {
        if let Some(i) = lows
            .iter()
            .position(|v| v.contains(&low) || (!v.is_empty() && low.contains(v.as_str())))
        {
            return values[i];
        }
    }
    let mut best = 0;
    let mut score = -1.0;
    for (i, v) in lows.iter().enumerate() {
        let s = strsim::jaro_winkler(&low, v);
        if s > score {
            best = i;
            score = s;
        }
    }
    values.get(best).copied().unwrap_or("")
}

/// A filter that depends on the row only: a comparison of a column with a constant, and
/// `and`, `or`, `not` of those.
enum Simple {
    Cmp(ColId, BinOp, Value),
    And(Box<Simple>, Box<Simple>),
    Or(Box<Simple>, Box<Simple>),
    Not(Box<Simple>),
}

fn simple(e: &Expr) -> Option<Simple> {
    Some(match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            Simple::And(Box::new(simple(a)?), Box::new(simple(b)?))
        }
        ExprKind::Binary(BinOp::Or, a, b) => Simple::Or(Box::new(simple(a)?), Box::new(simple(b)?)),
        ExprKind::Not(a) => Simple::Not(Box::new(simple(a)?)),
        ExprKind::Binary(op, a, b) if op.is_comparison() => match (&a.kind, &b.kind) {
            (ExprKind::RowCol(c), ExprKind::Const(v)) => Simple::Cmp(*c, *op, v.clone()),
            (ExprKind::Const(v), ExprKind::RowCol(c)) => Simple::Cmp(*c, op.flipped(), v.clone()),
            _ => return None,
        },
        _ => return None,
    })
}

impl Simple {
    /// Whether credited row `r` of table `t` passes (an empty cell passes nothing).
    fn test(&self, data: &Dataset, t: TableId, r: usize) -> bool {
        match self {
            Simple::And(a, b) => a.test(data, t, r) && b.test(data, t, r),
            Simple::Or(a, b) => a.test(data, t, r) || b.test(data, t, r),
            Simple::Not(a) => !a.test(data, t, r),
            Simple::Cmp(c, op, v) => {
                let tab = &data.tables[t];
                let col = &tab.columns[*c];
                let i = tab.at(*c, r);
                if !col.is_present(i) {
                    return false;
                }
                let x = match &col.data {
                    ColumnData::Text(x) => Value::Text(x[i]),
                    ColumnData::Num(x) => Value::Num(crate::num::Num::from(x[i])),
                    ColumnData::Date(x) => Value::Date(x[i]),
                    ColumnData::Bool(x) => Value::Bool(x[i]),
                    ColumnData::Raw { .. } => return true,
                };
                // Only comparisons are built into `Simple::Cmp` (see `simple`).
                op.holds(x.cmp(v))
            }
        }
    }
}
