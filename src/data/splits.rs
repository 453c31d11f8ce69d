//! issue 10, splits: crediting each transaction to the participants of its split rows.
//!
//! A split credit (`credit deals to rep_id by close_date split by deal_splits share share
//! role role`) joins the split table on the credited table's key. Each split row makes one
//! credited copy of its transaction: to the split row's participant, in the period of the
//! transaction's date. The credited table is then stored sorted by participant and period
//! with a transaction repeated once per copy (`Table::sort_rows` takes repeated rows), and
//! the split table's columns are gathered into the copies ([`join`]), so the evaluator reads
//! `share` and `role` as it reads any column of the row. The one-owner path
//! (`index_credit`) is not touched.

use super::{key_text, CreditIndex, Roster, Skip, Skipped};
use crate::data::{Column, ColumnData, Options, Table};
use crate::diagnostics::{quote, Diag};
use crate::intern::Interner;
use crate::ir::{Credit, Plan, Split, TableId};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// The credited copies of a split table's transactions: the file row of each copy in
/// evaluation order (participant, period, then file order), the split row of each, and
/// the index of each (participant, period)'s copies.
pub struct Copies {
    /// The credited table's file row of each copy.
    pub order: Vec<u32>,
    /// The split table's row of each copy.
    pub split_rows: Vec<u32>,
    /// Where each participant and period's copies are.
    pub index: CreditIndex,
}

/// A share as a percent: `0.6` → `60%`.
fn percent(d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        // Past a decimal's range as a percent: the fraction itself.
        None => d.normalize().to_string(),
    }
}

/// Credit each kept transaction of `tab` (`keep[r]`) to its split rows' participants.
#[allow(clippy::too_many_arguments)]
pub fn credit(
    plan: &Plan,
    tab: &Table,
    split_tab: &Table,
    (c, split): (Credit, Split),
    key: crate::ir::ColId,
    keep: &[bool],
    roster: &Roster,
    strings: &Interner,
    options: Options,
    reports: &mut Vec<Diag>,
) -> Copies {
    let periods = plan.calendar.len();
    let empty = || Copies {
        order: Vec::new(),
        split_rows: Vec::new(),
        index: CreditIndex {
            periods,
            offsets: vec![0; roster.len() * periods + 1],
        },
    };
    let (ColumnData::Date(dates), ColumnData::Text(to), ColumnData::Num(shares)) = (
        &tab.columns[c.by].data,
        &split_tab.columns[c.to].data,
        &split_tab.columns[split.share].data,
    ) else {
        return empty();
    };
    let roles = split.role.and_then(|r| match &split_tab.columns[r].data {
        ColumnData::Text(v) => Some(v),
        _ => None,
    });
    // Transaction by key (the first kept row with it).
    let mut by_key: FxHashMap<&[u8], u32> = FxHashMap::default();
    for (r, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
        by_key
            .entry(tab.columns[key].bytes(r, strings))
            .or_insert(r as u32);
    }
    // Each transaction's split rows, in the split file's order.
    let mut rows_of: Vec<Vec<u32>> = vec![Vec::new(); tab.len()];
    let mut orphan = Skipped::new(
        Skip::OrphanSplit,
        format!(
            "each split row names a transaction of `{}` by its key; correct the key or remove the row",
            tab.name
        ),
    );
    let skey = &split_tab.columns[split.key];
    for j in 0..split_tab.len() {
        match by_key.get(skey.bytes(j, strings)) {
            Some(&r) => rows_of[r as usize].push(j as u32),
            None => orphan.add(|| {
                format!(
                    "{} {} ({})",
                    split_tab.row_word,
                    split_tab.lines[j],
                    quote(skey.bytes(j, strings))
                )
            }),
        }
    }
    let label = |r: usize| {
        format!(
            "{} {} ({})",
            tab.row_word,
            tab.lines[r],
            key_text(tab, key, r, strings)
        )
    };
    let split_lines = |js: &[u32]| {
        let lines: Vec<String> = js
            .iter()
            .map(|&j| split_tab.lines[j as usize].to_string())
            .collect();
        format!(
            "{} {} {}",
            split_tab.file,
            if js.len() == 1 { "line" } else { "lines" },
            lines.join(", ")
        )
    };
    let mut no_split = Skipped::new(
        Skip::NoSplit,
        format!(
            "add its split rows to `{}` (a transaction of one owner is one row at 100%)",
            split_tab.name
        ),
    );
    let overlay_note = match split.overlay {
        Some(o) => format!(", the `{}` role's left out", strings.resolve(o)),
        None => String::new(),
    };
    let mut bad = Skipped::new(
        Skip::SplitShares,
        format!(
            "the shares of a transaction's split rows add up to 100%{overlay_note}: correct them in {}",
            split_tab.file
        ),
    );
    let roster_name = &plan.tables[plan.participants].name;
    let mut unknown = Skipped::new(
        Skip::UnknownParticipant,
        format!("add them to `{roster_name}`, or correct the id"),
    );
    let first = plan.calendar.periods.first().map_or(0, |p| p.start);
    let last = plan.calendar.periods.last().map_or(0, |p| p.end);
    let mut outside = Skipped::new(
        Skip::OutsideCalendar,
        format!(
            "the plan runs from {} to {}",
            crate::calendar::date(first),
            crate::calendar::date(last)
        ),
    );
    // (bucket, transaction row, split row) of each copy, in file order.
    let mut copies: Vec<(u32, u32, u32)> = Vec::new();
    for (r, js) in rows_of.iter().enumerate() {
        if !keep[r] {
            continue;
        }
        if js.is_empty() {
            no_split.add(|| label(r));
            continue;
        }
        let mut sum = Decimal::ZERO;
        for &j in js {
            let overlay = match (split.overlay, roles) {
                (Some(o), Some(v)) => v[j as usize] == o,
                _ => false,
            };
            if !overlay {
                sum = sum.saturating_add(shares[j as usize]);
            }
        }
        if sum != Decimal::ONE {
            bad.add(|| format!("{}: {} ({})", label(r), percent(sum), split_lines(js)));
        }
        let day = dates[r];
        let Some(k) = plan.calendar.period_of(day) else {
            outside.add(|| format!("{} dated {}", label(r), crate::calendar::date(day)));
            continue;
        };
        for &j in js {
            match roster.by_key.get(&to[j as usize]) {
                Some(&p) => copies.push(((p as usize * periods + k) as u32, r as u32, j)),
                None => unknown.add(|| {
                    format!(
                        "{} {} → {}",
                        split_tab.row_word,
                        split_tab.lines[j as usize],
                        quote(strings.resolve(to[j as usize]).as_bytes())
                    )
                }),
            }
        }
    }
    bad.report(&tab.file, options.strict, reports);
    no_split.report(&tab.file, options.strict, reports);
    outside.report(&tab.file, options.strict, reports);
    unknown.report(&split_tab.file, options.strict, reports);
    orphan.report(&split_tab.file, options.strict, reports);
    // A stable counting sort by bucket: a scope's copies stay in file order.
    let mut offsets = vec![0u32; roster.len() * periods + 1];
    for &(b, _, _) in &copies {
        offsets[b as usize + 1] += 1;
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut fill = offsets.clone();
    let mut order = vec![0u32; copies.len()];
    let mut split_rows = vec![0u32; copies.len()];
    for &(b, r, j) in &copies {
        let slot = &mut fill[b as usize];
        order[*slot as usize] = r;
        split_rows[*slot as usize] = j;
        *slot += 1;
    }
    Copies {
        order,
        split_rows,
        index: CreditIndex { offsets, periods },
    }
}

/// The split table's columns gathered into the credited copies: for each joined column of
/// `t`, the split row's cell of each copy (in evaluation order).
pub fn join(
    plan: &Plan,
    t: TableId,
    split_tab: &Table,
    split_rows: &[u32],
) -> Vec<(usize, Column)> {
    fn gather<T: Copy>(v: &[T], rows: &[u32]) -> Vec<T> {
        rows.iter().map(|&j| v[j as usize]).collect()
    }
    plan.tables[t]
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let src = &split_tab.columns[c.joined?];
            let data = match &src.data {
                ColumnData::Text(v) => ColumnData::Text(gather(v, split_rows)),
                ColumnData::Num(v) => ColumnData::Num(gather(v, split_rows)),
                ColumnData::Date(v) => ColumnData::Date(gather(v, split_rows)),
                ColumnData::Bool(v) => ColumnData::Bool(gather(v, split_rows)),
                ColumnData::Raw { .. } => return None,
            };
            let present = src.present.as_ref().map(|p| gather(p, split_rows));
            Some((i, Column { data, present }))
        })
        .collect()
}
