//! issue 10, ledger: the history of what was paid (`paid from TABLE`), indexed by
//! participant, period and payout once when the data is loaded. A row naming a participant,
//! period or payout the plan does not have is an error naming its line: a typo there would
//! change a true-up silently.

use super::error::DataError;
use super::table::Table;
use super::{ColumnData, Roster};
use crate::diagnostics::{quote, Diag};
use crate::intern::Interner;
use crate::ir::{DefKind, PaidHistory, Plan};
use crate::num::Num;
use rustc_hash::FxHashMap;

/// What was paid, by (participant, period, payout definition index): the rows' amounts
/// added up.
#[derive(Debug, Default)]
pub struct PaidIndex {
    paid: FxHashMap<(u32, u32, u32), Num>,
    /// The history's file, for explanations.
    pub file: String,
}

impl PaidIndex {
    /// What the history says `def` paid to `participant` in `period`: none without a row
    /// (then the plan's own payout of that period counts).
    pub fn get(&self, participant: u32, period: u32, def: usize) -> Option<&Num> {
        self.paid.get(&(participant, period, def as u32))
    }
}

/// Index the history table `tab` as `h` describes it.
pub(super) fn index(
    plan: &Plan,
    h: &PaidHistory,
    tab: &Table,
    roster: &Roster,
    strings: &Interner,
) -> (PaidIndex, Vec<Diag>) {
    let mut out = PaidIndex {
        paid: FxHashMap::default(),
        file: tab.file.clone(),
    };
    let mut errors = Vec::new();
    let text = |c: crate::ir::ColId, r: usize| -> String {
        String::from_utf8_lossy(tab.columns[c].bytes(tab.at(c, r), strings)).into_owned()
    };
    let payouts: Vec<&str> = plan
        .defs
        .iter()
        .filter(|d| d.kind == DefKind::Payout)
        .map(|d| d.name.as_str())
        .collect();
    for r in 0..tab.len() {
        let line = tab.line(r);
        let who = text(h.participant, r);
        let period = text(h.period, r);
        let component = text(h.component, r);
        let unknown = |what: &str, value: &str, help: String| -> Diag {
            DataError::PaidUnknown {
                file: tab.file.clone(),
                line,
                what: what.to_string(),
                value: quote(value.as_bytes()),
                help,
            }
            .into()
        };
        let Some(p) = roster.find(&who) else {
            errors.push(unknown(
                "participant",
                &who,
                "add the participant to the roster, or remove the row".into(),
            ));
            continue;
        };
        let Some(k) = plan.calendar.find(&period) else {
            let first = plan.calendar.periods.first().map_or("", |p| p.id.as_str());
            errors.push(unknown(
                "period",
                &period,
                format!("name a period of the plan's calendar, e.g. {first}"),
            ));
            continue;
        };
        let def = plan
            .def_named(&component)
            .filter(|&d| plan.defs[d].kind == DefKind::Payout);
        let Some(def) = def else {
            let hint = crate::diagnostics::suggest(&component, payouts.iter().copied(), || {
                format!("the payouts are: {}", payouts.join(", "))
            });
            errors.push(unknown("payout", &component, hint));
            continue;
        };
        let i = tab.at(h.amount, r);
        let amount = match &tab.columns[h.amount].data {
            ColumnData::Num(v) => Num::from(v[i]),
            _ => Num::ZERO,
        };
        let slot = out
            .paid
            .entry((p as u32, k as u32, def.index() as u32))
            .or_insert(Num::ZERO);
        match slot.checked_add(&amount) {
            Some(sum) => *slot = sum,
            None => errors.push(
                DataError::PaidOverflow {
                    file: tab.file.clone(),
                    line,
                }
                .into(),
            ),
        }
    }
    (out, errors)
}
