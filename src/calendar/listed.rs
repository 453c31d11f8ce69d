//! A calendar whose periods are listed in a file (`periods listed in "calendar.csv"`, issue
//! 10): retail 4-4-5 calendars, 13 four-week periods, a payroll calendar — any run of
//! consecutive periods a plan cannot describe with one kind.
//!
//! The file is CSV with a header: `period`, `from` and `to` (in any order), and optionally
//! `quarter` and `year`, the groups `qtd`, `ytd` and `run --rollup` use. Without them a
//! period belongs to the quarter and year of its first day, as a week does (§2).

use super::{date, day, fiscal_quarter, fiscal_year, months_between, Calendar, Day, Period};
use super::{PeriodKind, MAX_PERIODS};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

/// A problem in the file: where (a byte range of the text), what, and a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedError {
    /// Byte offset of the cell or line at fault.
    pub offset: usize,
    /// Its length in bytes.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The names of the quarters and years of a listed calendar whose file gives them, indexed
/// like [`Period::quarter`] and [`Period::year`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupNames {
    /// Quarter names in order (`FY27-Q1`, …).
    pub quarters: Vec<String>,
    /// Year names in order (`FY27`, …).
    pub years: Vec<String>,
}

/// The columns a listed calendar may have.
const COLUMNS: [&str; 5] = ["period", "from", "to", "quarter", "year"];

/// One cell: its text (trimmed) and where it is.
#[derive(Clone, Copy)]
struct Cell<'a> {
    text: &'a str,
    offset: usize,
}

impl Cell<'_> {
    fn error(&self, message: String, help: impl Into<String>) -> ListedError {
        ListedError {
            offset: self.offset,
            len: self.text.len().max(1),
            message,
            help: help.into(),
        }
    }
}

/// The cells of one line, split at commas; `offset` is the line's offset in the file.
fn cells(line: &str, offset: usize) -> Vec<Cell<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in line.split(',') {
        let lead = part.len() - part.trim_start().len();
        out.push(Cell {
            text: part.trim(),
            offset: offset + start + lead,
        });
        start += part.len() + 1;
    }
    out
}

impl Calendar {
    /// Build the calendar listed in `text` (the file's contents). `fiscal_start` is the
    /// plan's `fiscal year from MONTH`, which names and groups the periods when the file
    /// has no `quarter` and `year` columns.
    pub fn listed(text: &str, fiscal_start: Option<u32>) -> Result<Calendar, ListedError> {
        let text_end = text.len();
        let mut lines = text
            .split_inclusive('\n')
            .scan(0usize, |at, line| {
                let offset = *at;
                *at += line.len();
                Some((offset, line.trim_end_matches(['\n', '\r'])))
            })
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((head_at, head)) = lines.next() else {
            return Err(ListedError {
                offset: 0,
                len: 0,
                message: "the calendar file is empty".into(),
                help: "write a header `period,from,to` and one line per period, e.g. \
                       `P01,2026-01-04,2026-01-31`"
                    .into(),
            });
        };
        let head = head.strip_prefix('\u{feff}').unwrap_or(head);
        let header = cells(head, head_at);
        let mut at: [Option<usize>; 5] = [None; 5];
        for (i, c) in header.iter().enumerate() {
            let name = c.text.to_ascii_lowercase();
            let Some(k) = COLUMNS.iter().position(|n| *n == name) else {
                let help = if c.text.contains(';') || c.text.contains('\t') {
                    "the calendar file is comma-separated: write `period,from,to`".to_string()
                } else {
                    format!("its columns are {}", COLUMNS.join(", "))
                };
                return Err(c.error(format!("unknown column `{}`", c.text), help));
            };
            if at[k].is_some() {
                return Err(c.error(format!("column `{name}` appears twice"), "keep one"));
            }
            at[k] = Some(i);
        }
        let need = |k: usize| {
            at[k].ok_or_else(|| ListedError {
                offset: head_at,
                len: head.len().max(1),
                message: format!("the calendar file has no column `{}`", COLUMNS[k]),
                help: "its header is `period,from,to`, optionally with `quarter,year`".into(),
            })
        };
        let (name_at, from_at, to_at) = (need(0)?, need(1)?, need(2)?);
        let (quarter_at, year_at) = (at[3], at[4]);
        if quarter_at.is_some() != year_at.is_some() {
            return Err(ListedError {
                offset: head_at,
                len: head.len().max(1),
                message: "the calendar file has one of `quarter` and `year` without the other"
                    .into(),
                help: "give both, so that every quarter lies in one year, or neither".into(),
            });
        }

        let mut periods: Vec<Period> = Vec::new();
        let mut by_id: FxHashMap<String, usize> = FxHashMap::default();
        let mut names = GroupNames::default();
        let mut prev_end: Option<Day> = None;
        for (line_at, line) in lines {
            let row = cells(line, line_at);
            let whole = Cell {
                text: line,
                offset: line_at,
            };
            if row.len() != header.len() {
                return Err(whole.error(
                    format!(
                        "this line has {} cells, the header {}",
                        row.len(),
                        header.len()
                    ),
                    "one cell per column of the header",
                ));
            }
            let name = row[name_at];
            if name.text.is_empty()
                || !name
                    .text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(name.error(
                    format!("`{}` cannot name a period", name.text),
                    "a period name is letters, digits, `-` and `_` (it is written unquoted \
                     after `in` in plan tests), e.g. `FY27-P01`",
                ));
            }
            if by_id.contains_key(name.text) {
                return Err(name.error(
                    format!("period `{}` is listed twice", name.text),
                    "each period has its own name",
                ));
            }
            let parse_date = |c: Cell| {
                NaiveDate::parse_from_str(c.text, "%Y-%m-%d").map_err(|_| {
                    c.error(
                        format!("`{}` is not a date", c.text),
                        "write dates as YYYY-MM-DD, e.g. 2026-01-04",
                    )
                })
            };
            let (from, to) = (parse_date(row[from_at])?, parse_date(row[to_at])?);
            if to < from {
                return Err(row[to_at].error(
                    format!(
                        "period `{}` ends ({to}) before it starts ({from})",
                        name.text
                    ),
                    "swap the dates, or check the columns' order in the header",
                ));
            }
            if let Some(end) = prev_end {
                let expected = date(end + 1);
                if from != expected {
                    let what = if from < expected {
                        "overlaps"
                    } else {
                        "leaves a gap after"
                    };
                    return Err(row[from_at].error(
                        format!(
                            "period `{}` starts on {from}: it {what} the period before, which \
                             ends on {}",
                            name.text,
                            date(end)
                        ),
                        format!(
                            "periods are consecutive and in order: start it on {expected} (a \
                             row dated in a gap would belong to no period)"
                        ),
                    ));
                }
            }
            prev_end = Some(day(to));
            let (year, quarter) = match (quarter_at, year_at) {
                (Some(q), Some(y)) => {
                    let (q, y) = (row[q], row[y]);
                    for c in [q, y] {
                        if c.text.is_empty() {
                            return Err(c.error(
                                format!("period `{}` has no quarter or year", name.text),
                                "every period names its quarter and year",
                            ));
                        }
                    }
                    group(&mut names, &periods, q, y, name.text)?
                }
                _ => derived(&periods, from, fiscal_start),
            };
            by_id.insert(name.text.to_string(), periods.len());
            periods.push(Period {
                id: name.text.to_string(),
                start: day(from),
                end: day(to),
                year,
                quarter,
            });
            if periods.len() > MAX_PERIODS {
                return Err(whole.error(
                    format!("the calendar has more than {MAX_PERIODS} periods"),
                    "split the plan by year",
                ));
            }
        }
        if periods.is_empty() {
            return Err(ListedError {
                offset: text_end,
                len: 0,
                message: "the calendar file lists no period".into(),
                help: "add one line per period under the header, e.g. `P01,2026-01-04,2026-01-31`"
                    .into(),
            });
        }
        Ok(Calendar {
            kind: PeriodKind::Listed,
            periods,
            by_id,
            fiscal_start,
            groups: (quarter_at.is_some()).then_some(names),
        })
    }
}

/// The year and quarter indexes of a period whose file names them: a new name opens a new
/// group; a name seen before must be the group still open (quarters and years are runs of
/// consecutive periods), and a quarter lies in one year.
fn group(
    names: &mut GroupNames,
    periods: &[Period],
    q: Cell,
    y: Cell,
    period: &str,
) -> Result<(usize, usize), ListedError> {
    let last = periods.last();
    let year = match names.years.iter().position(|n| n == y.text) {
        Some(i) if Some(i) == last.map(|p| p.year) => i,
        Some(_) => {
            return Err(y.error(
                format!("year `{}` comes back after another year began", y.text),
                "a year is a run of consecutive periods: check the order of the lines",
            ))
        }
        None => {
            names.years.push(y.text.to_string());
            names.years.len() - 1
        }
    };
    let quarter = match names.quarters.iter().position(|n| n == q.text) {
        Some(i) if Some(i) == last.map(|p| p.quarter) => {
            if last.map(|p| p.year) != Some(year) {
                return Err(q.error(
                    format!(
                        "quarter `{}` runs across two years (period `{period}` is in `{}`)",
                        q.text, y.text
                    ),
                    "a quarter lies in one year",
                ));
            }
            i
        }
        Some(_) => {
            return Err(q.error(
                format!(
                    "quarter `{}` comes back after another quarter began",
                    q.text
                ),
                "a quarter is a run of consecutive periods: check the order of the lines",
            ))
        }
        None => {
            names.quarters.push(q.text.to_string());
            names.quarters.len() - 1
        }
    };
    Ok((year, quarter))
}

/// The year and quarter indexes of a period whose file does not name them: those of its
/// first day, in the declared fiscal year, else counted in blocks of 12 and 3 months from
/// the calendar's first day, as for a generated calendar (§2).
fn derived(periods: &[Period], from: NaiveDate, fiscal_start: Option<u32>) -> (usize, usize) {
    let first = periods.first().map_or(day(from), |p| p.start);
    let start = day(from);
    match fiscal_start {
        Some(f) => {
            let (y, q) = (fiscal_year(start, f), fiscal_quarter(start, f));
            let (y0, q0) = (fiscal_year(first, f), fiscal_quarter(first, f));
            (
                (y - y0).max(0) as usize,
                ((y * 4 + q) - (y0 * 4 + q0)).max(0) as usize,
            )
        }
        None => {
            let m = months_between(first, start).max(0) as usize;
            (m / 12, m / 3)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOUR_FOUR_FIVE: &str = "period,from,to,quarter,year\n\
        P01,2026-01-04,2026-01-31,FY26-Q1,FY26\n\
        P02,2026-02-01,2026-02-28,FY26-Q1,FY26\n\
        P03,2026-03-01,2026-04-04,FY26-Q1,FY26\n\
        P04,2026-04-05,2026-05-02,FY26-Q2,FY26\n";

    #[test]
    fn a_four_four_five_calendar_groups_by_its_columns() {
        let c = Calendar::listed(FOUR_FOUR_FIVE, None).expect("valid");
        assert_eq!(c.len(), 4);
        assert_eq!(c.find("P03"), Some(2));
        // P03 is five weeks: 1 March to 4 April = 31 + 4 = 35 days.
        assert_eq!(c.periods[2].days(), 35);
        assert_eq!(
            c.periods.iter().map(|p| p.quarter).collect::<Vec<_>>(),
            [0, 0, 0, 1]
        );
        // 2026-04-01 is in P03 (1 March – 4 April).
        let d = day(NaiveDate::from_ymd_opt(2026, 4, 1).expect("date"));
        assert_eq!(c.period_of(d), Some(2));
        assert!(c.closes_quarter(&c.periods[2]));
        assert!(!c.closes_quarter(&c.periods[1]));
        let (q, of) = c.rolled(super::super::Grain::Quarter);
        assert_eq!(
            q.periods.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["FY26-Q1", "FY26-Q2"]
        );
        assert_eq!(of, [0, 0, 0, 1]);
    }

    #[test]
    fn without_group_columns_a_period_belongs_to_its_first_days_quarter() {
        let text = "period,from,to\nA,2026-01-01,2026-02-10\nB,2026-02-11,2026-04-02\n";
        let c = Calendar::listed(text, None).expect("valid");
        // B starts on 11 February: still the first quarter (months 0–2 from January).
        assert_eq!(c.periods[1].quarter, 0);
        assert_eq!(c.periods[1].year, 0);
    }

    fn error(text: &str) -> ListedError {
        Calendar::listed(text, None).expect_err("invalid")
    }

    #[test]
    fn gaps_overlaps_and_bad_cells_are_located() {
        let gap = "period,from,to\nA,2026-01-01,2026-01-31\nB,2026-02-02,2026-02-28\n";
        let e = error(gap);
        assert!(e.message.contains("leaves a gap"), "{e:?}");
        assert_eq!(&gap[e.offset..e.offset + e.len], "2026-02-02");
        let e = error("period,from,to\nA,2026-01-01,2026-01-31\nB,2026-01-31,2026-02-28\n");
        assert!(e.message.contains("overlaps"), "{e:?}");
        let e = error("period,from,to\nA,2026-01-01,2026-01-31\nA,2026-02-01,2026-02-28\n");
        assert!(e.message.contains("listed twice"), "{e:?}");
        let e = error("period;from;to\nA;2026-01-01;2026-01-31\n");
        assert!(e.help.contains("comma-separated"), "{e:?}");
        let e = error("period,from,to\nA,2026-13-01,2026-01-31\n");
        assert!(e.message.contains("not a date"), "{e:?}");
        let e = error("period,from,to\nA,2026-02-01,2026-01-31\n");
        assert!(e.message.contains("before it starts"), "{e:?}");
        let e = error("period,from,to\nA B,2026-01-01,2026-01-31\n");
        assert!(e.message.contains("cannot name"), "{e:?}");
        let e = error("period,from,to\n");
        assert!(e.message.contains("no period"), "{e:?}");
        let e = error("");
        assert!(e.message.contains("empty"), "{e:?}");
        let e = error("period,from\nA,2026-01-01\n");
        assert!(e.message.contains("no column `to`"), "{e:?}");
        let e = error("period,from,to,quarter\nA,2026-01-01,2026-01-31,Q1\n");
        assert!(e.message.contains("without the other"), "{e:?}");
        let e = error(
            "period,from,to,quarter,year\nA,2026-01-01,2026-01-31,Q1,Y1\n\
             B,2026-02-01,2026-02-28,Q2,Y1\nC,2026-03-01,2026-03-31,Q1,Y1\n",
        );
        assert!(e.message.contains("comes back"), "{e:?}");
        let e = error(
            "period,from,to,quarter,year\nA,2026-01-01,2026-01-31,Q1,Y1\n\
             B,2026-02-01,2026-02-28,Q1,Y2\n",
        );
        assert!(e.message.contains("across two years"), "{e:?}");
        let e = error("period,from,to\nA,2026-01-01\n");
        assert!(e.message.contains("cells"), "{e:?}");
    }
}
