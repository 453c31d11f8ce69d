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

// ---------------------------------------------------------------- issue 9, calendar arithmetic

/// `d` moved by `n` months: the same day of the month, clamped to the month's last day
/// (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year). `None` outside the years 1 to 9999.
pub fn add_months(d: Day, n: i64) -> Option<Day> {
    let from = date_in_range(d)?;
    let by = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
    let moved = if n >= 0 {
        from.checked_add_months(by)?
    } else {
        from.checked_sub_months(by)?
    };
    let moved = day(moved);
    (FIRST_DAY..=LAST_DAY)
        .contains(&i64::from(moved))
        .then_some(moved)
}

/// The whole months from `a` to `b`: the largest `n` with `add_months(a, n) <= b` (negative
/// when `b` is before `a`). Jan 31 → Feb 28 is 1 month (Jan 31 + 1 month is Feb 28).
pub fn months_between(a: Day, b: Day) -> i64 {
    let (x, y) = (date(a), date(b));
    let n = (i64::from(y.year()) * 12 + i64::from(y.month()))
        - (i64::from(x.year()) * 12 + i64::from(x.month()));
    // `a + n months` lands in `b`'s month: on or before `b`, or after it when `a`'s day of the
    // month is later than `b`'s (then `a + (n - 1) months`, in the month before, is before).
    match add_months(a, n) {
        Some(m) if m <= b => n,
        _ => n - 1,
    }
}

/// The weekdays (Monday to Friday) from `a` to `b`, both included, that are not in
/// `holidays` (a holiday on a weekend, outside the range or listed twice counts once or not
/// at all). 0 when `b` is before `a`.
pub fn weekdays(a: Day, b: Day, holidays: &[Day]) -> i64 {
    if b < a {
        return 0;
    }
    // Day 1 (0001-01-01) is a Monday: a day's weekday is (d - 1) mod 7, Monday = 0.
    let before = |d: i64| -> i64 {
        // Weekdays among the days 1 ..= d - 1 (d >= 1); a whole week has 5.
        let n = d - 1;
        n.div_euclid(7) * 5 + n.rem_euclid(7).min(5)
    };
    let mut off: Vec<Day> = holidays
        .iter()
        .copied()
        .filter(|&h| h >= a && h <= b && is_weekday(h))
        .collect();
    off.sort_unstable();
    off.dedup();
    before(i64::from(b) + 1) - before(i64::from(a)) - off.len() as i64
}

/// Whether a day is Monday to Friday. Day 1 (0001-01-01) is a Monday: a day's weekday is
/// (d - 1) mod 7, Monday = 0.
pub fn is_weekday(d: Day) -> bool {
    (i64::from(d) - 1).rem_euclid(7) < 5
}

/// The calendar year of a day.
pub fn year_of(d: Day) -> i64 {
    i64::from(date(d).year())
}

/// The calendar quarter of a day, 1 to 4.
pub fn quarter_of(d: Day) -> i64 {
    i64::from((date(d).month() - 1) / 3 + 1)
}

/// The month of a day, 1 to 12.
pub fn month_of(d: Day) -> i64 {
    i64::from(date(d).month())
}

/// Whether `d` is the last day of a calendar quarter (Mar 31, Jun 30, Sep 30, Dec 31).
pub fn is_quarter_end(d: Day) -> bool {
    let x = date(d);
    x.month().is_multiple_of(3) && x.succ_opt().is_none_or(|n| n.day() == 1)
}

/// Whether `d` is December 31.
pub fn is_year_end(d: Day) -> bool {
    let x = date(d);
    x.month() == 12 && x.day() == 31
}

/// The calendar months that hold at least one day of `start ..= end` (0 when `end` is
/// before `start`): `prorate(…, by: months)` counts months, not days.
pub fn months_touched(start: Day, end: Day) -> i64 {
    if end < start {
        return 0;
    }
    let (x, y) = (date(start), date(end));
    (i64::from(y.year()) * 12 + i64::from(y.month()))
        - (i64::from(x.year()) * 12 + i64::from(x.month()))
        + 1
}

/// A day number as a date, when it is one of the years 1 to 9999.
fn date_in_range(d: Day) -> Option<NaiveDate> {
    (FIRST_DAY..=LAST_DAY)
        .contains(&i64::from(d))
        .then(|| date(d))
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

    // issue 9, calendar arithmetic
    fn n(s: &str) -> Day {
        day(d(s))
    }

    #[test]
    fn add_months_keeps_the_day_or_clamps_to_the_month_end() {
        let add = |s: &str, k: i64| add_months(n(s), k).map(date);
        assert_eq!(add("2026-01-15", 1), Some(d("2026-02-15")));
        // Jan 31 + 1 = Feb 28 (2026), Feb 29 (2028, a leap year); Mar 31 − 1 = Feb 28.
        assert_eq!(add("2026-01-31", 1), Some(d("2026-02-28")));
        assert_eq!(add("2028-01-31", 1), Some(d("2028-02-29")));
        assert_eq!(add("2026-03-31", -1), Some(d("2026-02-28")));
        assert_eq!(add("2026-08-31", 13), Some(d("2027-09-30")));
        assert_eq!(add("2026-05-10", 0), Some(d("2026-05-10")));
        // Out of the years 1 to 9999, or a count past u32: none.
        assert_eq!(add("9999-12-01", 1), None);
        assert_eq!(add("0001-01-15", -1), None);
        assert_eq!(add("2026-01-01", i64::MAX), None);
        assert_eq!(add("2026-01-01", i64::MIN), None);
    }

    #[test]
    fn months_between_is_the_largest_n_with_a_plus_n_on_or_before_b() {
        let mb = |a: &str, b: &str| months_between(n(a), n(b));
        assert_eq!(mb("2026-01-15", "2026-04-15"), 3);
        assert_eq!(mb("2026-01-15", "2026-04-14"), 2);
        // Jan 31 + 1 month = Feb 28 <= Feb 28: one month.
        assert_eq!(mb("2026-01-31", "2026-02-28"), 1);
        assert_eq!(mb("2026-01-31", "2026-02-27"), 0);
        assert_eq!(mb("2026-05-01", "2026-05-31"), 0);
        // Backwards: Apr 15 − 3 = Jan 15 <= Jan 15: −3; Jan 14 needs −4 (Dec 15 <= Jan 14).
        assert_eq!(mb("2026-04-15", "2026-01-15"), -3);
        assert_eq!(mb("2026-04-15", "2026-01-14"), -4);
        // Mar 31 − 1 = Feb 28 <= Feb 28: −1.
        assert_eq!(mb("2026-03-31", "2026-02-28"), -1);
        assert_eq!(mb("0001-01-01", "9999-12-31"), 9998 * 12 + 11);
        // The definition, on a spread of pairs.
        for (a, b) in [
            ("2024-02-29", "2025-02-28"),
            ("2026-12-31", "2027-06-30"),
            ("2026-07-31", "2026-03-01"),
        ] {
            let (a, b) = (n(a), n(b));
            let k = months_between(a, b);
            assert!(add_months(a, k).is_some_and(|m| m <= b));
            assert!(add_months(a, k + 1).is_none_or(|m| m > b));
        }
    }

    #[test]
    fn weekdays_count_monday_to_friday_and_skip_holidays() {
        let wd = |a: &str, b: &str, h: &[&str]| {
            let h: Vec<Day> = h.iter().map(|x| n(x)).collect();
            weekdays(n(a), n(b), &h)
        };
        // 2026-03-02 is a Monday: Mon..Sun = 5 weekdays; one day, a Saturday: 0.
        assert_eq!(wd("2026-03-02", "2026-03-08", &[]), 5);
        assert_eq!(wd("2026-03-07", "2026-03-07", &[]), 0);
        assert_eq!(wd("2026-03-06", "2026-03-06", &[]), 1);
        // March 2026: 31 days from a Sunday: 22 weekdays; Q1 2026: 22 + 20 + 22 = 64.
        assert_eq!(wd("2026-03-01", "2026-03-31", &[]), 22);
        assert_eq!(wd("2026-01-01", "2026-03-31", &[]), 64);
        // Good Friday 2026-04-03 is a weekday; Sat 2026-04-04 and a date outside do not count;
        // a holiday listed twice counts once.
        assert_eq!(
            wd(
                "2026-04-01",
                "2026-04-30",
                &["2026-04-03", "2026-04-04", "2026-05-01", "2026-04-03"]
            ),
            21
        );
        assert_eq!(wd("2026-03-31", "2026-03-01", &[]), 0);
        // 0001-01-01 was a Monday.
        assert_eq!(wd("0001-01-01", "0001-01-01", &[]), 1);
        // Brute force over a few weeks.
        let (a, b) = (n("2025-12-20"), n("2026-02-11"));
        let count = (a..=b)
            .filter(|&x| date(x).weekday().num_days_from_monday() < 5)
            .count() as i64;
        assert_eq!(weekdays(a, b, &[]), count);
    }

    #[test]
    fn parts_of_a_date_and_period_ends() {
        assert_eq!(
            (
                year_of(n("2026-08-17")),
                quarter_of(n("2026-08-17")),
                month_of(n("2026-08-17"))
            ),
            (2026, 3, 8)
        );
        assert_eq!(
            (quarter_of(n("2026-03-31")), quarter_of(n("2026-04-01"))),
            (1, 2)
        );
        assert!(is_quarter_end(n("2026-03-31")) && is_quarter_end(n("2026-12-31")));
        assert!(!is_quarter_end(n("2026-03-30")) && !is_quarter_end(n("2026-04-30")));
        assert!(is_year_end(n("2026-12-31")) && !is_year_end(n("2026-06-30")));
        assert!(is_quarter_end(n("9999-12-31")) && is_year_end(n("9999-12-31")));
    }

    #[test]
    fn months_touched_counts_calendar_months_with_a_day_in_the_range() {
        // From May 20 to Dec 31: May … Dec = 8 months; one day; an empty range.
        assert_eq!(months_touched(n("2026-05-20"), n("2026-12-31")), 8);
        assert_eq!(months_touched(n("2026-05-20"), n("2026-05-20")), 1);
        assert_eq!(months_touched(n("2026-05-20"), n("2026-05-19")), 0);
        assert_eq!(months_touched(n("2026-01-31"), n("2026-02-01")), 2);
    }

    #[test]
    fn bad_ranges_are_errors() {
        assert!(Calendar::new(PeriodKind::Monthly, d("2026-02-01"), d("2026-01-01")).is_err());
        assert!(Calendar::new(PeriodKind::Monthly, d("2026-01-15"), d("2026-12-31")).is_err());
    }
}
