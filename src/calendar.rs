//! The plan's calendar: periods over a date range, and which period a date falls in.

use chrono::{Datelike, Months, NaiveDate};
use rustc_hash::FxHashMap;

/// Calendar granularity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    /// Calendar months.
    Monthly,
    /// Three-month periods.
    Quarterly,
    /// Twelve-month periods.
    Yearly,
}

/// A day as a number (days from the common era), the form dates take in tables and values.
pub type Day = i32;

/// The day number of 0001-01-01, the earliest date a value may take.
pub const FIRST_DAY: i64 = 1;
/// The day number of 9999-12-31, the latest date a value may take.
pub const LAST_DAY: i64 = 3_652_059;

/// Convert a date to a day number.
pub fn day(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}

/// Convert a day number back to a date (out-of-range numbers clamp to the earliest date).
pub fn date(d: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MIN)
}

/// One period of the calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// Its name, e.g. `2026-Q1`, `2026-03`, `2026`, `FY2026-Q1`.
    pub id: String,
    /// First day.
    pub start: Day,
    /// Last day (inclusive).
    pub end: Day,
    /// Which plan year (0-based, counted from the plan's start) the period belongs to, for `ytd`.
    pub year: usize,
}

impl Period {
    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        i64::from(self.end - self.start) + 1
    }
}

/// The ordered periods of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// Granularity.
    pub kind: PeriodKind,
    /// Periods in order.
    pub periods: Vec<Period>,
    /// Period by name.
    by_id: FxHashMap<String, usize>,
}

impl Calendar {
    /// Build the periods from `from` to `to` inclusive. Errors are plain messages for the checker.
    pub fn new(kind: PeriodKind, from: NaiveDate, to: NaiveDate) -> Result<Calendar, String> {
        if to < from {
            return Err(format!(
                "the calendar ends ({to}) before it starts ({from})"
            ));
        }
        let step = match kind {
            PeriodKind::Monthly => 1,
            PeriodKind::Quarterly => 3,
            PeriodKind::Yearly => 12,
        };
        let calendar_aligned = from.day() == 1
            && match kind {
                PeriodKind::Monthly => true,
                PeriodKind::Quarterly => (from.month() - 1).is_multiple_of(3),
                PeriodKind::Yearly => from.month() == 1,
            };
        if from.day() != 1 && kind != PeriodKind::Yearly {
            // Periods are whole months; a plan starting mid-month would have ragged periods.
            return Err(format!(
                "the calendar must start on the first day of a month, not {from}"
            ));
        }
        let mut periods = Vec::new();
        let mut start = from;
        let mut index = 0u32;
        while start <= to {
            let next = start
                .checked_add_months(Months::new(step))
                .ok_or_else(|| "the calendar runs past the last representable date".to_string())?;
            let end = (next - chrono::Duration::days(1)).min(to);
            let year = (index * step / 12) as usize;
            let n_in_year = (index * step % 12) / step + 1;
            let id = match (kind, calendar_aligned) {
                (PeriodKind::Monthly, _) => format!("{:04}-{:02}", start.year(), start.month()),
                (PeriodKind::Quarterly, true) => {
                    format!("{:04}-Q{}", start.year(), (start.month() - 1) / 3 + 1)
                }
                (PeriodKind::Yearly, true) => format!("{:04}", start.year()),
                // A fiscal year is named by the calendar year it ends in.
                (PeriodKind::Quarterly, false) => {
                    format!("FY{:04}-Q{}", fiscal_year_end(from, year), n_in_year)
                }
                (PeriodKind::Yearly, false) => format!("FY{:04}", fiscal_year_end(from, year)),
            };
            periods.push(Period {
                id,
                start: day(start),
                end: day(end),
                year,
            });
            if periods.len() > 10_000 {
                return Err("the calendar has more than 10,000 periods".into());
            }
            start = next;
            index += 1;
        }
        let mut by_id = FxHashMap::default();
        for (i, p) in periods.iter().enumerate() {
            by_id.entry(p.id.clone()).or_insert(i);
        }
        Ok(Calendar {
            kind,
            periods,
            by_id,
        })
    }

    /// The period containing a day, if any.
    pub fn period_of(&self, d: Day) -> Option<usize> {
        let first = self.periods.first()?;
        let last = self.periods.last()?;
        if d < first.start || d > last.end {
            return None;
        }
        let i = self.periods.partition_point(|p| p.start <= d);
        Some(i - 1)
    }

    /// The index of a period by its name.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Number of periods.
    pub fn len(&self) -> usize {
        self.periods.len()
    }

    /// True when there are no periods.
    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }
}

fn fiscal_year_end(from: NaiveDate, year: usize) -> i32 {
    let end = from
        .checked_add_months(Months::new(12 * (year as u32 + 1)))
        .unwrap_or(from)
        - chrono::Duration::days(1);
    end.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn quarters_of_2026() {
        let c =
            Calendar::new(PeriodKind::Quarterly, d("2026-01-01"), d("2026-12-31")).expect("valid");
        let ids: Vec<_> = c.periods.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
        // 31+28+31 = 90, 30+31+30 = 91, 31+31+30 = 92, 31+30+31 = 92
        let days: Vec<_> = c.periods.iter().map(Period::days).collect();
        assert_eq!(days, [90, 91, 92, 92]);
        assert_eq!(c.period_of(day(d("2026-03-31"))), Some(0));
        assert_eq!(c.period_of(day(d("2026-04-01"))), Some(1));
        assert_eq!(c.period_of(day(d("2025-12-31"))), None);
        assert_eq!(c.period_of(day(d("2027-01-01"))), None);
    }

    #[test]
    fn fiscal_quarters_are_named_by_the_year_they_end_in() {
        let c =
            Calendar::new(PeriodKind::Quarterly, d("2025-02-01"), d("2026-01-31")).expect("valid");
        let ids: Vec<_> = c.periods.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]);
        // Periods are found by name through the index.
        assert_eq!(c.find("FY2026-Q3"), Some(2));
        assert_eq!(c.find("2026-Q3"), None);
    }

    #[test]
    fn months_and_plan_years() {
        let c =
            Calendar::new(PeriodKind::Monthly, d("2026-01-01"), d("2027-03-31")).expect("valid");
        assert_eq!(c.len(), 15);
        assert_eq!(c.periods[11].id, "2026-12");
        assert_eq!(c.periods[11].year, 0);
        assert_eq!(c.periods[12].year, 1);
        assert_eq!(c.find("2027-02"), Some(13));
    }

    #[test]
    fn bad_ranges_are_errors() {
        assert!(Calendar::new(PeriodKind::Monthly, d("2026-02-01"), d("2026-01-01")).is_err());
        assert!(Calendar::new(PeriodKind::Monthly, d("2026-01-15"), d("2026-12-31")).is_err());
    }
}
