//! issue 10, assignments: the hierarchy in force in each period, when `managed by
//! HISTORY.COLUMN` reads each participant's manager from an effective-dated reference table
//! keyed by participant. The hierarchy of a period is the one in force on its last day: each
//! participant's row of the history on that day (the reference-table index finds it), its
//! manager cell empty at the top; a participant with no row in force on that day is at the
//! top too (not yet in the history, or out of it). Consecutive periods with the same
//! managers share one hierarchy. An unknown manager or a reporting cycle is a data error
//! naming the period, the day and the history's lines; a history row naming no participant
//! is a skipped-row warning (a misspelt id would otherwise leave someone out of a team).

use super::error::DataError;
use super::reference::RefIndex;
use super::table::{ColumnData, Table};
use super::Roster;
use crate::diagnostics::{quote, Diag};
use crate::intern::Interner;
use crate::ir::{ColId, Plan, Value};
use rustc_hash::FxHashSet;

/// Who reports to whom, in one stretch of periods.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Hierarchy {
    /// Each participant's manager.
    pub manager: Vec<Option<u32>>,
    /// Each participant's direct reports, in roster order.
    pub reports: Vec<Vec<u32>>,
    /// Each participant's history row in force (file order), for explain and messages.
    pub rows: Vec<Option<u32>>,
}

/// The hierarchies of a plan whose managers are dated.
#[derive(Debug, Default)]
pub struct Dated {
    /// The distinct hierarchies, in the order of the periods they start in.
    pub hierarchies: Vec<Hierarchy>,
    /// Per period, its hierarchy (an index of `hierarchies`).
    pub of_period: Vec<u32>,
}

impl Dated {
    /// The hierarchy in force in period `k`.
    pub fn get(&self, k: usize) -> Option<&Hierarchy> {
        let i = *self.of_period.get(k)?;
        self.hierarchies.get(i as usize)
    }
}

/// Build the hierarchy of every period from the history `tab` (its index `index`, the
/// manager column `column`). Errors stop the run; warnings go to `reports`.
pub fn build(
    plan: &Plan,
    (tab, index, column): (&Table, &RefIndex, ColId),
    roster: &Roster,
    strings: &Interner,
    reports: &mut Vec<Diag>,
) -> (Dated, Vec<Diag>) {
    let n = roster.len();
    let mut errors = Vec::new();
    let mut dated = Dated::default();
    let col = &tab.columns[column];
    let ColumnData::Text(cells) = &col.data else {
        return (dated, errors);
    };
    let roster_name = plan.tables[plan.participants].name.clone();
    // Each participant's key, to look its rows up.
    let mut keys = vec![None; n];
    for (&k, &p) in &roster.by_key {
        keys[p as usize] = Some(k);
    }
    let mut reported: FxHashSet<u32> = FxHashSet::default();
    // Each cycle is reported once, in the first period it is in force.
    let mut cycles: FxHashSet<String> = FxHashSet::default();
    for period in &plan.calendar.periods {
        let day = period.end;
        let mut h = Hierarchy {
            manager: vec![None; n],
            reports: vec![Vec::new(); n],
            rows: vec![None; n],
        };
        for (p, key) in keys.iter().enumerate() {
            let Some(k) = *key else { continue };
            let Ok(r) = index.find(&[Value::Text(k)], Some(day)) else {
                continue;
            };
            h.rows[p] = Some(r);
            let r = r as usize;
            if !col.is_present(r) {
                continue;
            }
            match roster.by_key.get(&cells[r]) {
                Some(&boss) => h.manager[p] = Some(boss),
                None => {
                    if reported.insert(r as u32) {
                        errors.push(
                            DataError::UnknownManagerInForce {
                                file: tab.file.clone(),
                                line: tab.line(r),
                                who: quote(roster.ids[p].as_bytes()),
                                manager: quote(strings.resolve(cells[r]).as_bytes()),
                                input: roster_name.clone(),
                                period: period.id.clone(),
                                day: crate::calendar::date(day).to_string(),
                            }
                            .into(),
                        );
                    }
                }
            }
        }
        let same = dated
            .hierarchies
            .last()
            .is_some_and(|last| last.manager == h.manager && last.rows == h.rows);
        if !same {
            break_cycles(
                &mut h,
                roster,
                tab,
                (&period.id, day),
                &mut cycles,
                &mut errors,
            );
            for p in 0..n {
                if let Some(b) = h.manager[p] {
                    h.reports[b as usize].push(p as u32);
                }
            }
            dated.hierarchies.push(h);
        }
        dated
            .of_period
            .push(dated.hierarchies.len().saturating_sub(1) as u32);
    }
    // A history row whose key is no participant: a misspelt id leaves someone out of a team.
    let mut unknown = Vec::new();
    for key in index.keys() {
        if let [Value::Text(k)] = key {
            if !roster.by_key.contains_key(k) {
                unknown.push(quote(strings.resolve(*k).as_bytes()));
            }
        }
    }
    if !unknown.is_empty() {
        unknown.sort();
        let count = unknown.len();
        unknown.truncate(5);
        reports.push(
            DataError::HistoryUnknownParticipant {
                file: tab.file.clone(),
                ids: unknown.join(", "),
                count,
                input: roster_name,
            }
            .into(),
        );
    }
    (dated, errors)
}

/// Report each reporting cycle of `h` (naming the period, the day and the history's lines)
/// and cut it, so that `team`/`org` stay finite.
fn break_cycles(
    h: &mut Hierarchy,
    roster: &Roster,
    tab: &Table,
    (period, day): (&str, i32),
    seen: &mut FxHashSet<String>,
    errors: &mut Vec<Diag>,
) {
    let n = h.manager.len();
    let mut state = vec![0u8; n];
    for start in 0..n {
        let mut path = Vec::new();
        let mut p = start;
        while state[p] == 0 {
            state[p] = 1;
            path.push(p);
            match h.manager[p] {
                Some(b) => p = b as usize,
                None => break,
            }
        }
        if state[p] == 1 && h.manager[p].is_some() && path.contains(&p) {
            let from = path.iter().position(|&x| x == p).unwrap_or(0);
            let cycle = &path[from..];
            let mut names: Vec<String> = cycle
                .iter()
                .map(|&x| quote(roster.ids[x].as_bytes()))
                .collect();
            names.push(quote(roster.ids[p].as_bytes()));
            // The same cycle, started from its smallest member, is one cycle.
            let mut members: Vec<usize> = cycle.to_vec();
            members.sort_unstable();
            let id = format!("{members:?}");
            let fresh = seen.insert(id);
            let lines: Vec<String> = cycle
                .iter()
                .filter_map(|&x| h.rows[x])
                .map(|r| tab.line(r as usize).to_string())
                .collect();
            if fresh {
                errors.push(
                    DataError::HierarchyCycleInForce {
                        file: tab.file.clone(),
                        chain: names.join(" → "),
                        period: period.to_string(),
                        day: crate::calendar::date(day).to_string(),
                        lines: lines.join(", "),
                    }
                    .into(),
                );
            }
            for &x in cycle {
                h.manager[x] = None;
            }
        }
        for &x in &path {
            state[x] = 2;
        }
    }
}
