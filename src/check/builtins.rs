//! The built-in functions: one table of their names, arguments and typing rules. The
//! checker looks a call up here (`exprs.rs` binds its arguments and applies the rule); the
//! hint for an unknown function lists this table.

use crate::ir::{Across, AggFunc, CalendarFn, RatesMode};

/// How the arguments of a call are matched to the function's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Arguments {
    /// Exactly one set of rows (`rows`, `rows.column`, `rows.column where …`), unnamed.
    Rows,
    /// Any number of values, at least `min` (`min(a, b, c)`); names are ignored.
    Values,
    /// By position or by name (`per: quota`), at least the first `min` given.
    Named,
    /// None: the parentheses are empty (`period_start()`).
    Empty,
}

/// The typing rule of a function: what the checker does once the arguments are bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// An aggregate over a set of rows (`sum(won.amount)`).
    Aggregate(AggFunc),
    /// `min`/`max`: over rows when given one argument, else the least/greatest of values
    /// of one kind.
    Extremum(AggFunc),
    /// A rate table applied to a value (`marginal`, `flat`, `lookup`).
    Rates(RatesMode),
    /// A value scaled by the part of the period between dates.
    Prorate,
    /// A value summed across periods or the hierarchy (`ytd`, `team`, …).
    Across(Across),
    /// A value rounded to a constant increment.
    Round,
    /// The absolute value of a quantity.
    Abs,
    /// Whether an optional column has a value.
    Present,
    /// The first (`true`) or last day of the period.
    PeriodDay(bool),
    /// A calendar function (issue 9, calendar arithmetic).
    Calendar(CalendarFn),
    /// `working_days(from, to, except: T.col)` (issue 9, reference tables).
    WorkingDays,
    /// issue 9, tables: a curve's value at a measure.
    Interpolate,
    /// issue 10, currencies: an amount converted at an FX table's rate.
    Convert,
    /// issue 10, ledger: what a payout paid in the earlier periods of the plan year.
    PaidToDate,
    /// issue 10, clawbacks: what a payout paid on the rows cancelled in this period.
    Clawback,
    /// issue 11: a function of a KPI's values elsewhere (`check/drivers.rs`).
    Kpi(KpiCall),
}

/// issue 11, causes of a gap and comparison: the functions of a KPI by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KpiCall {
    /// `cause_of(kpi, driver, vs)`
    Cause,
    /// `rank(kpi, within)`
    Rank,
    /// `percentile(kpi, within)`
    Percentile,
    /// `team_avg(kpi)`
    TeamAvg,
    /// `trend(kpi, periods)`
    Trend,
    /// `pace(kpi)`
    Pace,
}

/// One built-in function.
#[derive(Debug)]
pub(super) struct Function {
    /// The name it is called by.
    pub(super) name: &'static str,
    /// The parameter names, in positional order.
    pub(super) params: &'static [&'static str],
    /// How many arguments must be given.
    pub(super) min: usize,
    /// How many may be given (`None`: any number).
    pub(super) max: Option<usize>,
    /// How arguments are matched to parameters.
    pub(super) arguments: Arguments,
    /// How a call is typed.
    pub(super) rule: Rule,
}

const fn rows(name: &'static str, func: AggFunc) -> Function {
    Function {
        name,
        params: &["rows"],
        min: 1,
        max: Some(1),
        arguments: Arguments::Rows,
        rule: Rule::Aggregate(func),
    }
}

const fn extremum(name: &'static str, func: AggFunc) -> Function {
    Function {
        name,
        params: &["values"],
        min: 1,
        max: None,
        arguments: Arguments::Values,
        rule: Rule::Extremum(func),
    }
}

const fn named(
    name: &'static str,
    params: &'static [&'static str],
    min: usize,
    rule: Rule,
) -> Function {
    Function {
        name,
        params,
        min,
        max: Some(params.len()),
        arguments: Arguments::Named,
        rule,
    }
}

const fn empty(name: &'static str, start: bool) -> Function {
    Function {
        name,
        params: &[],
        min: 0,
        max: Some(0),
        arguments: Arguments::Empty,
        rule: Rule::PeriodDay(start),
    }
}

/// A question about the current period, with no arguments (`is_quarter_end()`).
const fn period_test(name: &'static str, f: CalendarFn) -> Function {
    Function {
        name,
        params: &[],
        min: 0,
        max: Some(0),
        arguments: Arguments::Empty,
        rule: Rule::Calendar(f),
    }
}

/// A calendar function of dates: every parameter required.
const fn calendar(name: &'static str, params: &'static [&'static str], f: CalendarFn) -> Function {
    named(name, params, params.len(), Rule::Calendar(f))
}

const FROM_TO: &[&str] = &["from", "to"];
const DATE_MONTHS: &[&str] = &["date", "months"];
const DATE: &[&str] = &["date"];
const MARGINAL: &[&str] = &["table", "base", "per"];
// issue 9, tables: `column` is the value of a grid's second measure.
const LOOKUP: &[&str] = &["table", "value", "column"];
const VALUE: &[&str] = &["value"];
// issue 10, ledger: `prior(value, opening: …)`
const VALUE_OPENING: &[&str] = &["value", "opening"];
const WORKING_DAYS: &[&str] = &["from", "to", "except"];
const WITHIN: &[&str] = &["kpi", "within"];
const CAUSE: &[&str] = &["kpi", "driver", "vs"];
// issue 10, clawbacks
const CLAWBACK: &[&str] = &["value", "cancelled", "within"];

/// Every built-in function, in the order the unknown-function hint lists them.
pub(super) static FUNCTIONS: &[Function] = &[
    rows("sum", AggFunc::Sum),
    rows("count", AggFunc::Count),
    rows("avg", AggFunc::Avg),
    extremum("min", AggFunc::Min),
    extremum("max", AggFunc::Max),
    rows("count_distinct", AggFunc::CountDistinct),
    named("marginal", MARGINAL, 2, Rule::Rates(RatesMode::Marginal)),
    named("flat", LOOKUP, 2, Rule::Rates(RatesMode::Flat)),
    named("lookup", LOOKUP, 2, Rule::Rates(RatesMode::Lookup)),
    named("prorate", &["value", "from", "to", "by"], 1, Rule::Prorate),
    named("ytd", VALUE, 1, Rule::Across(Across::Ytd)),
    named("prior", VALUE_OPENING, 1, Rule::Across(Across::Prior)),
    named("period_total", VALUE, 1, Rule::Across(Across::PeriodTotal)),
    named("team", VALUE, 1, Rule::Across(Across::Team)),
    named("org", VALUE, 1, Rule::Across(Across::Org)),
    named("round", &["value", "to", "mode"], 2, Rule::Round),
    named("abs", VALUE, 1, Rule::Abs),
    named("present", &["column"], 1, Rule::Present),
    empty("period_start", true),
    empty("period_end", false),
    // issue 9, calendar arithmetic
    calendar("months_between", FROM_TO, CalendarFn::MonthsBetween),
    calendar("add_months", DATE_MONTHS, CalendarFn::AddMonths),
    calendar("weekdays", FROM_TO, CalendarFn::Weekdays),
    calendar("year_of", DATE, CalendarFn::YearOf),
    calendar("quarter_of", DATE, CalendarFn::QuarterOf),
    calendar("month_of", DATE, CalendarFn::MonthOf),
    period_test("is_quarter_end", CalendarFn::IsQuarterEnd),
    period_test("is_year_end", CalendarFn::IsYearEnd),
    // issue 9, reference tables: holidays are the dates of a reference table's column
    named("working_days", WORKING_DAYS, 2, Rule::WorkingDays),
    // issue 9, tables
    named("interpolate", &["curve", "value"], 2, Rule::Interpolate),
    // issue 10, calendars
    named("qtd", VALUE, 1, Rule::Across(Across::Qtd)),
    // issue 11, causes of a gap; comparison and trend
    named("cause_of", CAUSE, 2, Rule::Kpi(KpiCall::Cause)),
    named("rank", WITHIN, 2, Rule::Kpi(KpiCall::Rank)),
    named("percentile", WITHIN, 2, Rule::Kpi(KpiCall::Percentile)),
    named("team_avg", &["kpi"], 1, Rule::Kpi(KpiCall::TeamAvg)),
    named("trend", &["kpi", "periods"], 2, Rule::Kpi(KpiCall::Trend)),
    named("pace", &["kpi"], 1, Rule::Kpi(KpiCall::Pace)),
    // issue 10, ledger
    named("paid_to_date", &["payout"], 1, Rule::PaidToDate),
    // issue 10, currencies
    named("convert", &["value", "to", "using", "on"], 3, Rule::Convert),
    // issue 10, clawbacks
    named("clawback", CLAWBACK, 3, Rule::Clawback),
];

/// The built-in function called `name`.
pub(super) fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The names of all built-in functions, in table order.
pub(super) fn names() -> impl Iterator<Item = &'static str> + Clone {
    FUNCTIONS.iter().map(|f| f.name)
}

/// Each built-in function's name and signature as written in a call (`marginal(table,
/// base, per)`; optional parameters in brackets, `…` for any number), in table order.
pub fn signatures() -> impl Iterator<Item = (&'static str, String)> {
    FUNCTIONS.iter().map(|f| {
        let mut params: Vec<String> = Vec::new();
        for (i, p) in f.params.iter().enumerate() {
            params.push(if i < f.min {
                (*p).to_string()
            } else {
                format!("[{p}]")
            });
        }
        if f.max.is_none() {
            params.push("…".to_string());
        }
        (f.name, format!("{}({})", f.name, params.join(", ")))
    })
}

impl Function {
    /// `a, b, c`: the parameter names, for hints.
    pub(super) fn params_list(&self) -> String {
        self.params.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (i, f) in FUNCTIONS.iter().enumerate() {
            assert!(
                FUNCTIONS[..i].iter().all(|g| g.name != f.name),
                "{} twice",
                f.name
            );
            assert!(std::ptr::eq(lookup(f.name).expect("in the table"), f));
        }
        assert!(lookup("median").is_none());
        // The hint lists them in this order (tests/diagnostics.rs shows it).
        assert_eq!(
            names().collect::<Vec<_>>().join(", "),
            "sum, count, avg, min, max, count_distinct, marginal, flat, lookup, prorate, ytd, \
             prior, period_total, team, org, round, abs, present, period_start, period_end, \
             months_between, add_months, weekdays, year_of, quarter_of, month_of, \
             is_quarter_end, is_year_end, working_days, interpolate, qtd, cause_of, rank, \
             percentile, team_avg, trend, pace, paid_to_date, convert, clawback"
        );
    }

    #[test]
    fn arity_fits_the_parameters() {
        for f in FUNCTIONS {
            match f.arguments {
                Arguments::Rows => assert_eq!((f.min, f.max), (1, Some(1)), "{}", f.name),
                Arguments::Values => assert_eq!((f.min, f.max), (1, None), "{}", f.name),
                Arguments::Named => {
                    assert_eq!(f.max, Some(f.params.len()), "{}", f.name);
                    assert!(f.min <= f.params.len(), "{}", f.name);
                }
                Arguments::Empty => assert_eq!((f.min, f.max), (0, Some(0)), "{}", f.name),
            }
        }
        let arity = |n: &str| lookup(n).map(|f| (f.min, f.max, f.params_list()));
        assert_eq!(
            arity("marginal"),
            Some((2, Some(3), "table, base, per".into()))
        );
        assert_eq!(
            arity("lookup"),
            Some((2, Some(3), "table, value, column".into()))
        );
        assert_eq!(
            arity("prorate"),
            Some((1, Some(4), "value, from, to, by".into()))
        );
        assert_eq!(arity("round"), Some((2, Some(3), "value, to, mode".into())));
        assert_eq!(arity("period_end"), Some((0, Some(0), String::new())));
    }

    #[test]
    fn every_function_has_its_rule() {
        let rule = |n: &str| lookup(n).map(|f| f.rule);
        assert_eq!(rule("count"), Some(Rule::Aggregate(AggFunc::Count)));
        assert_eq!(rule("max"), Some(Rule::Extremum(AggFunc::Max)));
        assert_eq!(rule("flat"), Some(Rule::Rates(RatesMode::Flat)));
        assert_eq!(rule("org"), Some(Rule::Across(Across::Org)));
        assert_eq!(rule("period_start"), Some(Rule::PeriodDay(true)));
        assert_eq!(rule("present"), Some(Rule::Present));
    }

    #[test]
    fn every_function_types_its_call() {
        use crate::check::testing::{checked, plan, type_of};
        let p = checked(&plan(
            "  kpi booked = sum(deals.amount)\n\
             \x20 kpi att: percent = booked / quota otherwise 0%\n\
             \x20 rates r by att { 0% .. 100% : 2%  100% .. : 5% }\n\
             \x20 kpi f_sum = sum(deals.amount)\n\
             \x20 kpi f_count = count(deals)\n\
             \x20 kpi f_avg = avg(deals.qty)\n\
             \x20 kpi f_min = min(deals.closed)\n\
             \x20 kpi f_max = max(1, 2.5)\n\
             \x20 kpi f_count_distinct = count_distinct(deals.owner)\n\
             \x20 kpi f_marginal = marginal(r, booked, per: quota)\n\
             \x20 kpi f_flat = flat(r, att)\n\
             \x20 kpi f_lookup = lookup(r, value: att)\n\
             \x20 kpi f_prorate = prorate(quota, from: start)\n\
             \x20 kpi f_ytd = ytd(count(deals))\n\
             \x20 kpi f_prior = prior(tag)\n\
             \x20 kpi f_period_total = period_total(att)\n\
             \x20 kpi f_team = team(booked)\n\
             \x20 kpi f_org = org(f_count)\n\
             \x20 kpi f_round = round(quota, 0.01, half-up)\n\
             \x20 kpi f_abs = abs(-2)\n\
             \x20 kpi f_present = present(boss)\n\
             \x20 kpi f_period_start = period_start()\n\
             \x20 kpi f_period_end = period_end()\n\
             \x20 kpi f_months_between = months_between(start, period_end())\n\
             \x20 kpi f_add_months = add_months(start, 3)\n\
             \x20 kpi f_weekdays = weekdays(start, period_end())\n\
             \x20 kpi f_year_of = year_of(start)\n\
             \x20 kpi f_quarter_of = quarter_of(start)\n\
             \x20 kpi f_month_of = month_of(start)\n\
             \x20 kpi f_is_quarter_end = is_quarter_end()\n\
             \x20 kpi f_is_year_end = is_year_end()\n\
             \x20 kpi f_working_days = working_days(start, period_end())\n\
             \x20 curve c by att { below: zero  0% : 1  100% : 2  above: hold }\n\
             \x20 kpi f_interpolate = interpolate(c, att)\n\
             \x20 kpi f_qtd = qtd(booked)\n\
             \x20 kpi n = count(deals) { target 10 }\n\
             \x20 kpi per_deal = booked / count(deals) otherwise 0 EUR { target 100 EUR }\n\
             \x20 kpi split = booked { target 1000 EUR\n drivers n * per_deal }\n\
             \x20 kpi f_cause_of = cause_of(split, n)\n\
             \x20 kpi f_rank = rank(booked, within: org)\n\
             \x20 kpi f_percentile = percentile(booked, within: team)\n\
             \x20 kpi f_team_avg = team_avg(att)\n\
             \x20 kpi f_trend = trend(f_count, periods: 3)\n\
             \x20 kpi f_pace = pace(booked)\n\
             \x20 payout p1 = 1 EUR * f_count\n\
             \x20 kpi f_paid_to_date = paid_to_date(p1)\n\
             \x20 input fx key from, to { from: text  to: text  rate: number }\n\
             \x20 kpi f_convert = convert(booked, to: USD, using: fx.rate)\n\
             \x20 kpi f_clawback = clawback(p1, cancelled: closed, within: 90 days)",
        ));
        // The average of integers is a number; min/max of values of two scalar kinds is a
        // number; marginal pays a rate (percent) of money; flat and lookup give the value.
        let want = [
            ("sum", "money(EUR)"),
            ("count", "integer"),
            ("avg", "number"),
            ("min", "date"),
            ("max", "number"),
            ("count_distinct", "integer"),
            ("marginal", "money(EUR)"),
            ("flat", "percent"),
            ("lookup", "percent"),
            ("prorate", "money(EUR)"),
            ("ytd", "integer"),
            ("prior", "text"),
            ("period_total", "percent"),
            ("team", "money(EUR)"),
            ("org", "integer"),
            ("round", "money(EUR)"),
            ("abs", "integer"),
            ("present", "bool"),
            ("period_start", "date"),
            ("period_end", "date"),
            ("months_between", "integer"),
            ("add_months", "date"),
            ("weekdays", "days"),
            ("year_of", "integer"),
            ("quarter_of", "integer"),
            ("month_of", "integer"),
            ("is_quarter_end", "bool"),
            ("is_year_end", "bool"),
            ("working_days", "days"),
            ("interpolate", "number"),
            ("qtd", "money(EUR)"),
            ("cause_of", "money(EUR)"),
            ("rank", "integer"),
            ("percentile", "percent"),
            ("team_avg", "percent"),
            ("trend", "number"),
            ("pace", "money(EUR)"),
            ("paid_to_date", "money(EUR)"),
            ("convert", "money(USD)"),
            ("clawback", "money(EUR)"),
        ];
        assert_eq!(want.len(), FUNCTIONS.len());
        for (f, (name, ty)) in FUNCTIONS.iter().zip(want) {
            assert_eq!(f.name, name);
            assert_eq!(type_of(&p, &format!("f_{name}")), ty, "{name}");
        }
    }

    #[test]
    fn argument_errors_come_from_the_table() {
        use crate::check::testing::{messages, plan};
        let m = messages(&plan(
            "  kpi a = round(quota, 0.01, half-up, 1)\n\
             \x20 kpi b = prorate(value: quota, until: start)\n\
             \x20 kpi c = round(quota)\n\
             \x20 kpi d = sum(deals.amount, deals.amount)\n\
             \x20 kpi e = max()\n\
             \x20 kpi f = period_end(1)\n\
             \x20 kpi g = median(deals.amount)",
        ));
        let m: Vec<&str> = m.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            m,
            [
                "`round` takes at most 3 arguments",
                "`prorate` has no argument `until`",
                "`round` needs its `to` argument",
                "`sum` takes one set of rows",
                "`max` needs values to compare",
                "`period_end()` takes no arguments",
                "unknown function `median`",
            ]
        );
        // The hint lists the table, with its parameter names.
        let d =
            crate::check::testing::diags(&plan("  kpi b = prorate(value: quota, until: start)"));
        assert_eq!(
            d[0].help.as_deref(),
            Some("`prorate` takes: value, from, to, by")
        );
    }
}
