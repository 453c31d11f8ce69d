//! The plan's calendar: periods over a date range, and which period a date falls in.

use chrono::{Datelike, Months, NaiveDate};
use rustc_hash::FxHashMap;

mod listed;
pub use listed::{GroupNames, ListedError};

/// The most periods a calendar may have.
pub const MAX_PERIODS: usize = 10_000;

/// Calendar granularity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    /// Calendar months.
    Monthly,
    /// Three-month periods.
    Quarterly,
    /// Twelve-month periods.
    Yearly,
    // issue 10, calendars
    /// Seven-day periods.
    Weekly,
    /// Fourteen-day periods.
    Biweekly,
    /// Half months: the 1st to the 15th, the 16th to the month's last day.
    SemiMonthly,
    /// Periods listed in a file (`periods listed in "calendar.csv"`).
    Listed,
}

/// What a `periods` declaration says: the kind, the range and the options of issue 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalendarSpec {
    /// Granularity.
    pub kind: PeriodKind,
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// `starting monday`: the weekday weekly and biweekly periods start on.
    pub week_start: Option<chrono::Weekday>,
    /// `fiscal year from april`: the month (1–12) a fiscal year starts in.
    pub fiscal_start: Option<u32>,
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
    /// Which quarter (0-based, counted from the plan's start) the period belongs to, for `qtd`.
    pub quarter: usize,
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
    /// The month (1–12) the declared fiscal year starts in; `None` without `fiscal year`.
    pub fiscal_start: Option<u32>,
    /// The quarters' and years' names of a listed calendar whose file gives them.
    pub groups: Option<GroupNames>,
}

impl Calendar {
    /// Build the periods from `from` to `to` inclusive. Errors are plain messages for the checker.
    pub fn new(kind: PeriodKind, from: NaiveDate, to: NaiveDate) -> Result<Calendar, String> {
        Calendar::build(&CalendarSpec {
            kind,
            from,
            to,
            week_start: None,
            fiscal_start: None,
        })
    }

    /// Build the calendar a `periods` declaration describes. Errors are plain messages.
    pub fn build(spec: &CalendarSpec) -> Result<Calendar, String> {
        let CalendarSpec {
            kind,
            from,
            to,
            week_start,
            fiscal_start,
        } = *spec;
        if to < from {
            return Err(format!(
                "the calendar ends ({to}) before it starts ({from})"
            ));
        }
        if kind == PeriodKind::Listed {
            // A listed calendar is built from its file by `Calendar::listed`.
            return Err("a listed calendar is read from its file".into());
        }
        check_start(spec)?;
        let months = match kind {
            PeriodKind::Monthly => 1,
            PeriodKind::Quarterly => 3,
            PeriodKind::Yearly => 12,
            _ => 0,
        };
        // Without a declared fiscal year, a quarterly or yearly calendar that does not start
        // on a calendar quarter or year is a fiscal one starting on its first day.
        let calendar_aligned = from.day() == 1
            && match kind {
                PeriodKind::Quarterly => (from.month() - 1).is_multiple_of(3),
                PeriodKind::Yearly => from.month() == 1,
                _ => true,
            };
        let mut periods = Vec::new();
        let mut start = from;
        let mut index = 0u32;
        let past = || "the calendar runs past the last representable date".to_string();
        while start <= to {
            let next = match kind {
                PeriodKind::Weekly | PeriodKind::Biweekly => {
                    let len = if kind == PeriodKind::Weekly { 7 } else { 14 };
                    // `starting monday` on a Thursday: a short first period to Sunday.
                    let stub = match week_start {
                        Some(w) if index == 0 => {
                            (7 + w.num_days_from_monday() as i64
                                - start.weekday().num_days_from_monday() as i64)
                                % 7
                        }
                        _ => 0,
                    };
                    let len = if stub > 0 { stub } else { len };
                    start
                        .checked_add_signed(chrono::Duration::days(len))
                        .ok_or_else(past)?
                }
                PeriodKind::SemiMonthly => {
                    if start.day() < 16 {
                        start.with_day(16).ok_or_else(past)?
                    } else {
                        first_of_next_month(start).ok_or_else(past)?
                    }
                }
                _ => start
                    .checked_add_months(Months::new(months))
                    .ok_or_else(past)?,
            };
            let end = (next - chrono::Duration::days(1)).min(to);
            let (year, quarter) = match fiscal_start {
                Some(f) => {
                    let (y, q) = (fiscal_year(day(start), f), fiscal_quarter(day(start), f));
                    let (y0, q0) = (fiscal_year(day(from), f), fiscal_quarter(day(from), f));
                    ((y - y0) as usize, ((y * 4 + q) - (y0 * 4 + q0)) as usize)
                }
                None => {
                    let m = months_between(day(from), day(start)).max(0) as usize;
                    (m / 12, m / 3)
                }
            };
            let fiscal_named = fiscal_start.is_some_and(|f| f != 1);
            let id = match kind {
                PeriodKind::Monthly => format!("{:04}-{:02}", start.year(), start.month()),
                PeriodKind::Weekly
                | PeriodKind::Biweekly
                | PeriodKind::SemiMonthly
                | PeriodKind::Listed => start.format("%Y-%m-%d").to_string(),
                PeriodKind::Quarterly | PeriodKind::Yearly => match fiscal_start {
                    Some(f) => {
                        let (fy, q) = (fiscal_year(day(start), f), fiscal_quarter(day(start), f));
                        let fy = if fiscal_named {
                            format!("FY{fy:04}")
                        } else {
                            format!("{fy:04}")
                        };
                        if kind == PeriodKind::Yearly {
                            fy
                        } else {
                            format!("{fy}-Q{q}")
                        }
                    }
                    None if calendar_aligned => {
                        if kind == PeriodKind::Yearly {
                            format!("{:04}", start.year())
                        } else {
                            format!("{:04}-Q{}", start.year(), (start.month() - 1) / 3 + 1)
                        }
                    }
                    // A fiscal year is named by the calendar year it ends in.
                    None => {
                        let fy = fiscal_year_end(from, year);
                        if kind == PeriodKind::Yearly {
                            format!("FY{fy:04}")
                        } else {
                            format!("FY{fy:04}-Q{}", (index * 3 % 12) / 3 + 1)
                        }
                    }
                },
            };
            periods.push(Period {
                id,
                start: day(start),
                end: day(end),
                year,
                quarter,
            });
            if periods.len() > MAX_PERIODS {
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
            fiscal_start,
            groups: None,
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

    /// issue 11, `--as-of`: keep the periods up to and including the `k`th (the one
    /// containing the day of the data cut); later ones are not computed or reported.
    pub fn cut_after(&mut self, k: usize) {
        self.periods.truncate(k + 1);
        self.by_id.retain(|_, i| *i <= k);
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

    // issue 10, calendars: the date functions follow a declared fiscal year.

    /// The month (1–12) the plan's year starts in: the declared fiscal year's, else January.
    fn year_start(&self) -> u32 {
        self.fiscal_start.unwrap_or(1)
    }

    /// `year_of(d)`: the fiscal year (named by the calendar year it ends in) when the plan
    /// declares one, else the calendar year.
    pub fn year_of(&self, d: Day) -> i64 {
        fiscal_year(d, self.year_start())
    }

    /// `quarter_of(d)`: the fiscal quarter (1–4) when the plan declares a fiscal year, else
    /// the calendar quarter.
    pub fn quarter_of(&self, d: Day) -> i64 {
        fiscal_quarter(d, self.year_start())
    }

    /// Whether `d` is the last day of a (fiscal) quarter.
    pub fn is_quarter_end(&self, d: Day) -> bool {
        next_day_starts(d, |m| (m + 12 - self.year_start()).is_multiple_of(3))
    }

    /// Whether `d` is the last day of a (fiscal) year.
    pub fn is_year_end(&self, d: Day) -> bool {
        next_day_starts(d, |m| m == self.year_start())
    }

    /// `is_quarter_end()` in period `p`: it ends on a quarter's last day, or, for a week,
    /// holds it (the week of 30 March to 5 April closes the first quarter, which it belongs
    /// to by its first day).
    pub fn closes_quarter(&self, p: &Period) -> bool {
        if self.kind == PeriodKind::Listed {
            return self.last_of_group(p, |q| (q.year, q.quarter));
        }
        self.closes(p, |d| self.is_quarter_end(d))
    }

    /// `is_year_end()` in period `p`: as [`Calendar::closes_quarter`], for the year.
    pub fn closes_year(&self, p: &Period) -> bool {
        if self.kind == PeriodKind::Listed {
            return self.last_of_group(p, |q| q.year);
        }
        self.closes(p, |d| self.is_year_end(d))
    }

    /// Whether `p` is the last period of its group (a listed calendar's quarter or year,
    /// those `qtd` and `ytd` use): the period after it, if any, is in another group.
    fn last_of_group<K: PartialEq>(&self, p: &Period, key: impl Fn(&Period) -> K) -> bool {
        let after = self.periods.partition_point(|q| q.start <= p.start);
        self.periods
            .get(after)
            .is_none_or(|next| key(next) != key(p))
    }

    fn closes(&self, p: &Period, ends: impl Fn(Day) -> bool) -> bool {
        match self.kind {
            // Listed periods are grouped by `closes_quarter`/`closes_year` themselves.
            PeriodKind::Listed => ends(p.end),
            PeriodKind::Weekly | PeriodKind::Biweekly => (p.start..=p.end).any(ends),
            _ => ends(p.end),
        }
    }
}

/// What `run --rollup` sums periods up to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grain {
    /// The plan's quarters (`qtd`'s).
    Quarter,
    /// The plan's years (`ytd`'s).
    Year,
}

impl Calendar {
    /// The calendar's periods grouped into the quarters or years `qtd` and `ytd` use: a
    /// calendar of the groups (named like quarterly or yearly periods of this calendar's
    /// fiscal year) and, for each period, the index of its group.
    pub fn rolled(&self, grain: Grain) -> (Calendar, Vec<usize>) {
        let key = |p: &Period| match grain {
            Grain::Quarter => p.quarter,
            Grain::Year => p.year,
        };
        let from = self
            .periods
            .first()
            .map_or(NaiveDate::MIN, |p| date(p.start));
        let mut groups: Vec<Period> = Vec::new();
        let mut group_of = Vec::with_capacity(self.periods.len());
        for p in &self.periods {
            match groups.last_mut() {
                Some(g) if key(g) == key(p) => g.end = p.end,
                _ => groups.push(Period {
                    id: self
                        .listed_group_name(grain, p)
                        .unwrap_or_else(|| self.group_name(grain, from, p)),
                    ..p.clone()
                }),
            }
            group_of.push(groups.len() - 1);
        }
        let mut by_id = FxHashMap::default();
        for (i, p) in groups.iter().enumerate() {
            by_id.entry(p.id.clone()).or_insert(i);
        }
        let kind = match grain {
            Grain::Quarter => PeriodKind::Quarterly,
            Grain::Year => PeriodKind::Yearly,
        };
        let rolled = Calendar {
            kind,
            periods: groups,
            by_id,
            fiscal_start: self.fiscal_start,
            groups: None,
        };
        (rolled, group_of)
    }

    /// The name a listed calendar's file gives the quarter or year of `p`.
    fn listed_group_name(&self, grain: Grain, p: &Period) -> Option<String> {
        let names = self.groups.as_ref()?;
        match grain {
            Grain::Quarter => names.quarters.get(p.quarter),
            Grain::Year => names.years.get(p.year),
        }
        .cloned()
    }

    /// The name of the quarter or year that period `p` opens: with a fiscal year, its
    /// fiscal names (`FY2027-Q1`, `FY2027`, or `2026-Q1`, `2026` from January); without, the
    /// calendar's when the plan starts on a calendar quarter or year, else fiscal names
    /// counted from the plan's first day, as a quarterly or yearly calendar's.
    fn group_name(&self, grain: Grain, from: NaiveDate, p: &Period) -> String {
        let (fy, q, fiscal) = match self.fiscal_start {
            Some(f) => (fiscal_year(p.start, f), fiscal_quarter(p.start, f), f != 1),
            None => {
                let aligned = from.day() == 1
                    && match grain {
                        Grain::Quarter => (from.month() - 1).is_multiple_of(3),
                        Grain::Year => from.month() == 1,
                    };
                if aligned {
                    (year_of(p.start), quarter_of(p.start), false)
                } else {
                    (
                        i64::from(fiscal_year_end(from, p.year)),
                        (p.quarter % 4) as i64 + 1,
                        true,
                    )
                }
            }
        };
        let year = if fiscal {
            format!("FY{fy:04}")
        } else {
            format!("{fy:04}")
        };
        match grain {
            Grain::Quarter => format!("{year}-Q{q}"),
            Grain::Year => year,
        }
    }
}

/// The lower-case English names of the months, January first.
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1–12) named `name` (`january` … `december`).
pub fn month_named(name: &str) -> Option<u32> {
    MONTH_NAMES
        .iter()
        .position(|m| *m == name)
        .map(|i| i as u32 + 1)
}

/// The lower-case English name of a month (1–12).
pub fn month_name(m: u32) -> &'static str {
    MONTH_NAMES[(m.clamp(1, 12) - 1) as usize]
}

/// The weekday named `name` (`monday` … `sunday`).
pub fn weekday_named(name: &str) -> Option<chrono::Weekday> {
    name.parse::<chrono::Weekday>().ok().filter(|_| {
        [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ]
        .contains(&name)
    })
}

/// The lower-case English name of a weekday.
pub fn weekday_name(w: chrono::Weekday) -> &'static str {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ][w.num_days_from_monday() as usize]
}

impl PeriodKind {
    /// The word a `periods` declaration spells it with.
    pub fn name(self) -> &'static str {
        match self {
            PeriodKind::Monthly => "monthly",
            PeriodKind::Quarterly => "quarterly",
            PeriodKind::Yearly => "yearly",
            PeriodKind::Weekly => "weekly",
            PeriodKind::Biweekly => "biweekly",
            PeriodKind::SemiMonthly => "semi-monthly",
            PeriodKind::Listed => "listed",
        }
    }
}

/// The first day a calendar may start on, checked: monthly and quarterly on the 1st,
/// semi-monthly on the 1st or 16th, with a fiscal year quarterly and yearly on a fiscal
/// quarter's or year's first day; `starting` only for weekly and biweekly calendars.
fn check_start(spec: &CalendarSpec) -> Result<(), String> {
    if matches!(spec.kind, PeriodKind::Monthly | PeriodKind::Quarterly) && spec.from.day() != 1 {
        // Periods are whole months; a plan starting mid-month would have ragged periods.
        return Err(format!(
            "the calendar must start on the first day of a month, not {}",
            spec.from
        ));
    }
    misfit(spec).map_or(Ok(()), |(message, _)| Err(message))
}

/// What is wrong with a calendar's options (issue 10): `starting` on a calendar that is not
/// weekly, a semi-monthly calendar not starting on the 1st or 16th, a quarterly or yearly
/// calendar not starting on a quarter or year of its fiscal year. The message and a help.
pub fn misfit(spec: &CalendarSpec) -> Option<(String, String)> {
    let from = spec.from;
    let kind = spec.kind.name();
    let weekly = matches!(spec.kind, PeriodKind::Weekly | PeriodKind::Biweekly);
    if let (Some(w), false) = (spec.week_start, weekly) {
        return Some((
            format!(
                "`starting {}` is for weekly and biweekly calendars, not {kind}",
                weekday_name(w)
            ),
            format!(
                "remove `starting {}`: {kind} periods start on fixed days of the month",
                weekday_name(w)
            ),
        ));
    }
    if spec.kind == PeriodKind::SemiMonthly && from.day() != 1 && from.day() != 16 {
        return Some((
            format!("a semi-monthly calendar starts on the 1st or the 16th of a month, not {from}"),
            format!(
                "start it on {} or {}",
                from.with_day(1).unwrap_or(from),
                from.with_day(16).unwrap_or(from)
            ),
        ));
    }
    let f = spec.fiscal_start?;
    let fiscal = month_name(f);
    let off = (from.month() + 12 - f) % 12;
    match spec.kind {
        PeriodKind::Quarterly if !off.is_multiple_of(3) => {
            let firsts: Vec<_> = (0..4)
                .map(|q| month_name((f - 1 + 3 * q) % 12 + 1))
                .collect();
            Some((
                format!(
                    "with a fiscal year from {fiscal}, a quarterly calendar starts on the first \
                     day of a fiscal quarter, not {from}"
                ),
                format!(
                    "start it on the 1st of {} or {}, or use a monthly calendar with `qtd`",
                    firsts[..3].join(", "),
                    firsts[3]
                ),
            ))
        }
        PeriodKind::Yearly if off != 0 || from.day() != 1 => Some((
            format!(
                "with a fiscal year from {fiscal}, a yearly calendar starts on the 1st of \
                 {fiscal}, not {from}"
            ),
            format!(
                "start it on the 1st of {fiscal}, e.g. `from {:04}-{f:02}-01`",
                from.year()
            ),
        )),
        _ => None,
    }
}

/// The 1st of the month after `d`'s.
fn first_of_next_month(d: NaiveDate) -> Option<NaiveDate> {
    d.with_day(1)?.checked_add_months(Months::new(1))
}

/// The fiscal year of `d` for a year starting in month `start`, named by the calendar year it
/// ends in (`start` = 1: the calendar year).
pub fn fiscal_year(d: Day, start: u32) -> i64 {
    let x = date(d);
    let y = i64::from(x.year());
    if start > 1 && x.month() >= start {
        y + 1
    } else {
        y
    }
}

/// The fiscal quarter (1–4) of `d` for a year starting in month `start`.
pub fn fiscal_quarter(d: Day, start: u32) -> i64 {
    i64::from((date(d).month() + 12 - start.clamp(1, 12)) % 12 / 3 + 1)
}

/// Whether the day after `d` is the 1st of a month `starts` accepts (9999-12-31 ends all).
fn next_day_starts(d: Day, starts: impl Fn(u32) -> bool) -> bool {
    match date(d).succ_opt() {
        Some(n) => n.day() == 1 && starts(n.month()),
        None => true,
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

    // issue 10, calendars
    fn spec(kind: PeriodKind, from: &str, to: &str) -> CalendarSpec {
        CalendarSpec {
            kind,
            from: d(from),
            to: d(to),
            week_start: None,
            fiscal_start: None,
        }
    }

    fn ids(c: &Calendar) -> Vec<&str> {
        c.periods.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn weeks_start_on_the_first_days_weekday_or_the_declared_one() {
        // 2026-01-05 is a Monday: weeks Mon–Sun, the last one cut at Jan 31 (a Saturday).
        let c =
            Calendar::build(&spec(PeriodKind::Weekly, "2026-01-05", "2026-01-31")).expect("valid");
        assert_eq!(
            ids(&c),
            ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"]
        );
        assert_eq!(c.periods[3].days(), 6);
        // `starting monday` from Thursday 2026-01-01: a short first week, Thu 1 – Sun 4.
        let c = Calendar::build(&CalendarSpec {
            week_start: Some(chrono::Weekday::Mon),
            ..spec(PeriodKind::Weekly, "2026-01-01", "2026-01-18")
        })
        .expect("valid");
        assert_eq!(ids(&c), ["2026-01-01", "2026-01-05", "2026-01-12"]);
        assert_eq!(c.periods[0].days(), 4);
        assert_eq!(c.periods[1].days(), 7);
        // Biweekly: 14 days; starting on the anchor needs no stub.
        let c = Calendar::build(&CalendarSpec {
            week_start: Some(chrono::Weekday::Mon),
            ..spec(PeriodKind::Biweekly, "2026-01-05", "2026-02-15")
        })
        .expect("valid");
        assert_eq!(ids(&c), ["2026-01-05", "2026-01-19", "2026-02-02"]);
        assert_eq!(c.periods[2].days(), 14);
    }

    #[test]
    fn half_months_end_on_the_15th_and_the_months_last_day() {
        let c = Calendar::build(&spec(PeriodKind::SemiMonthly, "2026-01-16", "2026-03-15"))
            .expect("valid");
        assert_eq!(
            ids(&c),
            ["2026-01-16", "2026-02-01", "2026-02-16", "2026-03-01"]
        );
        // Jan 16–31 = 16 days, Feb 1–15 = 15, Feb 16–28 = 13, Mar 1–15 = 15.
        let days: Vec<_> = c.periods.iter().map(Period::days).collect();
        assert_eq!(days, [16, 15, 13, 15]);
        assert!(
            Calendar::build(&spec(PeriodKind::SemiMonthly, "2026-01-02", "2026-03-15")).is_err()
        );
    }

    #[test]
    fn a_fiscal_year_names_quarters_and_years_and_groups_ytd_and_qtd() {
        let fy = |kind, from: &str, to: &str| {
            Calendar::build(&CalendarSpec {
                fiscal_start: Some(4),
                ..spec(kind, from, to)
            })
        };
        // A calendar-year plan with a fiscal year from April: Jan–Mar 2026 close FY2026.
        let c = fy(PeriodKind::Quarterly, "2026-01-01", "2026-12-31").expect("valid");
        assert_eq!(
            ids(&c),
            ["FY2026-Q4", "FY2027-Q1", "FY2027-Q2", "FY2027-Q3"]
        );
        let years: Vec<_> = c.periods.iter().map(|p| p.year).collect();
        assert_eq!(years, [0, 1, 1, 1]);
        let c = fy(PeriodKind::Monthly, "2026-02-01", "2026-07-31").expect("valid");
        assert_eq!(c.periods[0].id, "2026-02");
        // Feb, Mar: FY2026 Q4; Apr–Jun: FY2027 Q1; Jul: Q2.
        let q: Vec<_> = c.periods.iter().map(|p| p.quarter).collect();
        assert_eq!(q, [0, 0, 1, 1, 1, 2]);
        let y: Vec<_> = c.periods.iter().map(|p| p.year).collect();
        assert_eq!(y, [0, 0, 1, 1, 1, 1]);
        let c = fy(PeriodKind::Yearly, "2026-04-01", "2028-03-31").expect("valid");
        assert_eq!(ids(&c), ["FY2027", "FY2028"]);
        // Quarterly must start on a fiscal quarter, yearly on the fiscal year.
        assert!(fy(PeriodKind::Quarterly, "2026-02-01", "2026-12-31").is_err());
        assert!(fy(PeriodKind::Yearly, "2026-01-01", "2026-12-31").is_err());
        // A fiscal year from January is the calendar year: calendar names.
        let c = Calendar::build(&CalendarSpec {
            fiscal_start: Some(1),
            ..spec(PeriodKind::Quarterly, "2026-01-01", "2026-06-30")
        })
        .expect("valid");
        assert_eq!(ids(&c), ["2026-Q1", "2026-Q2"]);
        // `starting` is only for weeks.
        assert!(Calendar::build(&CalendarSpec {
            week_start: Some(chrono::Weekday::Mon),
            ..spec(PeriodKind::Monthly, "2026-01-01", "2026-06-30")
        })
        .is_err());
    }

    #[test]
    fn date_functions_follow_the_fiscal_year() {
        let c = Calendar::build(&CalendarSpec {
            fiscal_start: Some(4),
            ..spec(PeriodKind::Monthly, "2026-01-01", "2026-12-31")
        })
        .expect("valid");
        // 2026-08-17: FY2027 (Apr 2026 – Mar 2027), its Q2 (Jul–Sep).
        assert_eq!(
            (c.year_of(n("2026-08-17")), c.quarter_of(n("2026-08-17"))),
            (2027, 2)
        );
        assert_eq!(
            (c.year_of(n("2026-03-31")), c.quarter_of(n("2026-03-31"))),
            (2026, 4)
        );
        assert!(c.is_quarter_end(n("2026-06-30")) && c.is_year_end(n("2026-03-31")));
        assert!(!c.is_year_end(n("2026-12-31")) && c.is_quarter_end(n("2026-12-31")));
        // Without a fiscal year: the calendar's.
        let c =
            Calendar::new(PeriodKind::Monthly, d("2026-01-01"), d("2026-12-31")).expect("valid");
        assert_eq!(
            (c.year_of(n("2026-08-17")), c.quarter_of(n("2026-08-17"))),
            (2026, 3)
        );
        assert!(c.is_year_end(n("2026-12-31")) && !c.is_year_end(n("2026-03-31")));
        assert!(c.is_quarter_end(n("9999-12-31")));
    }

    #[test]
    fn a_week_holding_the_quarters_last_day_closes_it() {
        let c = Calendar::build(&CalendarSpec {
            week_start: Some(chrono::Weekday::Mon),
            ..spec(PeriodKind::Weekly, "2026-03-16", "2026-04-12")
        })
        .expect("valid");
        // Weeks of 16, 23, 30 March and 6 April: the week of 30 March holds 31 March.
        let closes: Vec<_> = c.periods.iter().map(|p| c.closes_quarter(p)).collect();
        assert_eq!(closes, [false, false, true, false]);
        assert!(!c.periods.iter().any(|p| c.closes_year(p)));
        // A month closes a quarter only by ending on its last day.
        let c =
            Calendar::new(PeriodKind::Monthly, d("2026-01-01"), d("2026-03-15")).expect("valid");
        let closes: Vec<_> = c.periods.iter().map(|p| c.closes_quarter(p)).collect();
        assert_eq!(closes, [false, false, false]);
    }

    #[test]
    fn names_and_words_round_trip() {
        for m in 1..=12 {
            assert_eq!(month_named(month_name(m)), Some(m));
        }
        for w in 0..7u8 {
            let w = chrono::Weekday::try_from(w).expect("weekday");
            assert_eq!(weekday_named(weekday_name(w)), Some(w));
        }
        assert_eq!(weekday_named("mon"), None);
    }

    #[test]
    fn rolled_groups_periods_into_quarters_and_years() {
        let c = Calendar::build(&CalendarSpec {
            fiscal_start: Some(4),
            ..spec(PeriodKind::Monthly, "2026-02-01", "2026-07-31")
        })
        .expect("valid");
        let (q, of) = c.rolled(Grain::Quarter);
        // Feb–Mar: FY2026 Q4; Apr–Jun: FY2027 Q1; Jul: FY2027 Q2.
        assert_eq!(ids(&q), ["FY2026-Q4", "FY2027-Q1", "FY2027-Q2"]);
        assert_eq!(of, [0, 0, 1, 1, 1, 2]);
        assert_eq!(
            (q.periods[1].start, q.periods[1].end),
            (n("2026-04-01"), n("2026-06-30"))
        );
        let (y, of) = c.rolled(Grain::Year);
        assert_eq!(ids(&y), ["FY2026", "FY2027"]);
        assert_eq!(of, [0, 0, 1, 1, 1, 1]);
        assert_eq!(y.find("FY2027"), Some(1));
        // Without a fiscal year, a calendar-year plan rolls up to calendar quarters.
        let c =
            Calendar::new(PeriodKind::Monthly, d("2026-01-01"), d("2026-12-31")).expect("valid");
        assert_eq!(
            ids(&c.rolled(Grain::Quarter).0),
            ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        );
        assert_eq!(ids(&c.rolled(Grain::Year).0), ["2026"]);
        // … and a plan from February to fiscal quarters counted from February.
        let c =
            Calendar::new(PeriodKind::Monthly, d("2026-02-01"), d("2026-07-31")).expect("valid");
        assert_eq!(ids(&c.rolled(Grain::Quarter).0), ["FY2027-Q1", "FY2027-Q2"]);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn kind() -> impl Strategy<Value = PeriodKind> {
            prop_oneof![
                Just(PeriodKind::Monthly),
                Just(PeriodKind::Quarterly),
                Just(PeriodKind::Yearly),
                Just(PeriodKind::Weekly),
                Just(PeriodKind::Biweekly),
                Just(PeriodKind::SemiMonthly),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            /// Every day of the range falls in exactly one period, the periods are in order
            /// and contiguous, their names unique, and year and quarter never go back.
            #[test]
            fn every_day_is_in_exactly_one_period(
                kind in kind(),
                start in 730_000i32..740_000,
                len in 0i32..900,
                weekday in proptest::option::of(0u8..7),
                fiscal in proptest::option::of(1u32..=12),
            ) {
                let mut from = date(start);
                // Move the start to a day the kind may start on.
                from = match kind {
                    PeriodKind::Monthly | PeriodKind::SemiMonthly => from.with_day(1).unwrap_or(from),
                    PeriodKind::Quarterly | PeriodKind::Yearly => {
                        let f = fiscal.unwrap_or(1);
                        let step = if kind == PeriodKind::Quarterly { 3 } else { 12 };
                        let back = (from.month() + 12 - f) % step;
                        from.with_day(1)
                            .and_then(|x| x.checked_sub_months(Months::new(back)))
                            .unwrap_or(from)
                    }
                    _ => from,
                };
                let weekly = matches!(kind, PeriodKind::Weekly | PeriodKind::Biweekly);
                let spec = CalendarSpec {
                    kind,
                    from,
                    to: from + chrono::Duration::days(i64::from(len)),
                    week_start: weekday
                        .filter(|_| weekly)
                        .and_then(|w| chrono::Weekday::try_from(w).ok()),
                    fiscal_start: fiscal,
                };
                let c = Calendar::build(&spec).map_err(TestCaseError::fail)?;
                let (a, b) = (day(spec.from), day(spec.to));
                prop_assert_eq!(c.periods[0].start, a);
                prop_assert_eq!(c.periods[c.len() - 1].end, b);
                for w in c.periods.windows(2) {
                    prop_assert_eq!(w[0].end + 1, w[1].start);
                    prop_assert!(w[0].year <= w[1].year && w[0].quarter <= w[1].quarter);
                    // A period no longer than a quarter moves at most one quarter on.
                    if kind != PeriodKind::Yearly {
                        prop_assert!(w[1].quarter <= w[0].quarter + 1);
                    }
                }
                for x in a..=b {
                    let holding = c.periods.iter().filter(|p| p.start <= x && x <= p.end).count();
                    prop_assert_eq!(holding, 1);
                    let i = c.period_of(x).expect("in range");
                    prop_assert!(c.periods[i].start <= x && x <= c.periods[i].end);
                }
                for (i, p) in c.periods.iter().enumerate() {
                    prop_assert!(p.start <= p.end);
                    prop_assert_eq!(c.find(&p.id), Some(i));
                }
            }
        }
    }
}
