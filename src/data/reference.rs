//! Reference tables (issue 9): inputs that are neither the roster nor credited, read
//! plan-wide by key (`price_list(sku).price`) and, when effective-dated, by the day a row is
//! in force (`fx(currency, on: close_date).rate`). The rows are indexed once, when the data
//! is loaded: key → rows sorted by `from`, so a lookup is a hash probe and a binary search.
//! Rows that make a lookup ambiguous (a repeated key, two rows of a key from the same day,
//! overlapping ranges) are data errors naming both lines.

use super::error::DataError;
use super::table::{ColumnData, Table};
use crate::diagnostics::{quote, Diag};
use crate::intern::Interner;
use crate::ir::{TableSchema, Value};
use rustc_hash::FxHashMap;

/// At most this many errors are reported per reference table.
const MAX_ERRORS: usize = 20;

/// A reference table's rows by key, each key's rows in the order of their `from` dates.
#[derive(Debug, Default)]
pub struct RefIndex {
    by_key: FxHashMap<Vec<Value>, Vec<u32>>,
    /// Per row (file order): the day it is in force from (effective-dated tables).
    from: Vec<i32>,
    /// Per row: the last day it is in force, when its `to` cell is filled.
    to: Vec<Option<i32>>,
    effective: bool,
}

/// Why a lookup found no row.
#[derive(Debug, PartialEq, Eq)]
pub enum Miss<'a> {
    /// No row has the key.
    NoKey,
    /// The key's rows (sorted by `from`), none of them in force on the day.
    NotInForce(&'a [u32]),
}

impl RefIndex {
    /// The row in force for `key` (on `on`, for an effective-dated table): the row with the
    /// latest `from` on or before the day, when the day is not after its `to`.
    pub fn find(&self, key: &[Value], on: Option<i32>) -> Result<u32, Miss<'_>> {
        let rows = self.by_key.get(key).ok_or(Miss::NoKey)?;
        let (true, Some(day)) = (self.effective, on) else {
            return rows.first().copied().ok_or(Miss::NoKey);
        };
        let after = rows.partition_point(|&r| self.from[r as usize] <= day);
        let Some(&r) = after.checked_sub(1).and_then(|i| rows.get(i)) else {
            return Err(Miss::NotInForce(rows));
        };
        match self.to[r as usize] {
            Some(to) if day > to => Err(Miss::NotInForce(rows)),
            _ => Ok(r),
        }
    }

    /// The day row `r` is in force from, and until (effective-dated tables).
    pub fn range(&self, r: u32) -> (Option<i32>, Option<i32>) {
        (
            self.from.get(r as usize).copied(),
            self.to.get(r as usize).copied().flatten(),
        )
    }

    /// issue 10, assignments: each row of `key`, in date order, with the days it is in
    /// force: from its `from` to its `to`, or to the day before the next row's `from`
    /// (`None`: no end). A table without `effective from` has none.
    pub fn spans(&self, key: &[Value]) -> Result<Vec<(u32, i32, Option<i32>)>, Miss<'_>> {
        let rows = self.by_key.get(key).ok_or(Miss::NoKey)?;
        if !self.effective {
            return Ok(Vec::new());
        }
        Ok(rows
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                let next = rows
                    .get(i + 1)
                    .map(|&n| self.from[n as usize].saturating_sub(1));
                let to = match (self.to[r as usize], next) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                (r, self.from[r as usize], to)
            })
            .collect())
    }

    /// Every key, for hints.
    pub fn keys(&self) -> impl Iterator<Item = &[Value]> {
        self.by_key.keys().map(Vec::as_slice)
    }
}

/// A key as shown in messages: `"EMEA", "AE"`.
pub fn key_text(key: &[Value], strings: &Interner) -> String {
    key.iter()
        .map(|v| match v {
            Value::Text(s) => format!("\"{}\"", quote(strings.resolve(*s).as_bytes())),
            other => other.exact(strings),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Index a reference table's rows; errors for rows that make a lookup ambiguous.
pub fn index(schema: &TableSchema, tab: &Table, strings: &Interner) -> (RefIndex, Vec<Diag>) {
    let n = tab.len();
    let mut index = RefIndex {
        effective: schema.effective.is_some(),
        ..RefIndex::default()
    };
    let cell = |c: crate::ir::ColId, r: usize| -> Value {
        match &tab.columns[c].data {
            ColumnData::Text(v) => Value::Text(v[r]),
            ColumnData::Date(v) => Value::Date(v[r]),
            ColumnData::Bool(v) => Value::Bool(v[r]),
            ColumnData::Num(v) => Value::Num(v[r].into()),
            ColumnData::Raw { .. } => Value::Bool(false),
        }
    };
    if let Some(e) = schema.effective {
        let (ColumnData::Date(from), to) = (&tab.columns[e.from].data, e.to) else {
            return (index, Vec::new());
        };
        index.from = from.clone();
        index.to = match to.map(|c| (&tab.columns[c], c)) {
            Some((col, _)) => match &col.data {
                ColumnData::Date(v) => (0..n).map(|r| col.is_present(r).then(|| v[r])).collect(),
                _ => vec![None; n],
            },
            None => vec![None; n],
        };
    }
    for r in 0..n {
        let key: Vec<Value> = schema.keys.iter().map(|&c| cell(c, r)).collect();
        index.by_key.entry(key).or_default().push(r as u32);
    }
    let mut errors: Vec<(u32, Diag)> = Vec::new();
    let file = || tab.file.clone();
    let day = |d: i32| crate::calendar::date(d).to_string();
    for (key, rows) in &mut index.by_key {
        // ` for "USD"`, or nothing for a table without a key (one series).
        let of = || {
            if key.is_empty() {
                String::new()
            } else {
                format!(" for {}", key_text(key, strings))
            }
        };
        if !index.effective {
            // A table without a key is a list (`holidays.day`), never looked up by key.
            if schema.keys.is_empty() {
                continue;
            }
            for &r in rows.iter().skip(1) {
                let line = tab.lines[r as usize];
                errors.push((
                    line,
                    DataError::ReferenceDuplicate {
                        file: file(),
                        line,
                        first: tab.lines[rows[0] as usize],
                        key: key_text(key, strings),
                        input: schema.name.clone(),
                    }
                    .into(),
                ));
            }
            continue;
        }
        // Stable: rows from the same day stay in file order.
        rows.sort_by_key(|&r| index.from[r as usize]);
        for &r in rows.iter() {
            if let Some(to) = index.to[r as usize] {
                if to < index.from[r as usize] {
                    let line = tab.lines[r as usize];
                    errors.push((
                        line,
                        DataError::ReferenceEndsBeforeStart {
                            file: file(),
                            line,
                            key: of(),
                            from: day(index.from[r as usize]),
                            to: day(to),
                        }
                        .into(),
                    ));
                }
            }
        }
        for pair in rows.windows(2) {
            let (a, b) = (pair[0] as usize, pair[1] as usize);
            let (first, line) = (tab.lines[a], tab.lines[b]);
            // Same day: the sort kept file order, so `b` is the later line.
            if index.from[a] == index.from[b] {
                errors.push((
                    line,
                    DataError::ReferenceSameFrom {
                        file: file(),
                        line,
                        first,
                        key: of(),
                        from: day(index.from[a]),
                        input: schema.name.clone(),
                    }
                    .into(),
                ));
            } else if let Some(to) = index.to[a].filter(|&to| to >= index.from[b]) {
                errors.push((
                    line,
                    DataError::ReferenceOverlap {
                        file: file(),
                        line,
                        first,
                        key: of(),
                        from: day(index.from[b]),
                        first_from: day(index.from[a]),
                        first_to: day(to),
                    }
                    .into(),
                ));
            }
        }
    }
    // Hash order is not an order: report by line.
    errors.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.message.cmp(&y.1.message)));
    let diags = errors
        .into_iter()
        .take(MAX_ERRORS)
        .map(|(_, d)| d)
        .collect();
    (index, diags)
}
