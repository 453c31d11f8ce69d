//! Reference tables (issue 9, docs/language.md §3.1): a bad-input test per diagnostic —
//! the checker's (a header that only a reference table may have, a lookup with the wrong
//! keys or `on:`), the data's (rows that make a lookup ambiguous, each naming both lines)
//! and the run-time `no_row` with its hint. The figures of lookups are a plan test:
//! tests/rules/reference_tables_are_looked_up_by_key_and_by_the_day_in_force.test.plan.

use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use ignition::data::{self, Options, Sources};
use ignition::diagnostics::{render_plain, Diag};

/// Two reference tables: rates by region and role, and dated FX rates.
const REFS: &str = "  input tr key region, role {
    region: text
    role: text
    rate: percent
  }
  input fx key currency effective from valid_from to valid_to {
    currency: text
    valid_from: date
    valid_to: date?
    rate: number
  }
";

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// The first diagnostic of `code` in checking the base plan with `extra`, asserted.
fn check(extra: &str, expected: ExpectedDiag) {
    let src = plan_with(extra);
    let all = diags(&src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
}

/// Every code found checking the base plan with `extra` (its `uncapped` warning left out).
fn codes(extra: &str) -> Vec<String> {
    diags(&plan_with(extra))
        .iter()
        .map(|d| d.code.to_string())
        .filter(|c| c != "ignition::check::uncapped")
        .collect()
}

#[test]
fn lookups_of_both_kinds_check() {
    assert_eq!(
        codes(&format!(
            "{REFS}  kpi x = tr(\"EMEA\", \"AE\").rate + fx(\"USD\", on: start_date).rate\n"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn a_composite_key_or_dating_on_a_credited_table_is_an_error() {
    let extra = "  input refunds key id, owner effective from close_date {
    id: text
    owner: text
    close_date: date
  }
  credit refunds to owner by close_date
  kpi r = count(refunds)
";
    let help = "composite keys and `effective from` belong to reference tables: inputs that are neither the participant table nor credited";
    check(
        extra,
        ExpectedDiag::error(
            "ignition::check::reference_header",
            "`refunds` is credited, so it cannot have a composite key",
        )
        .help(help)
        .label("only on a reference table")
        .underlined("owner"),
    );
    let all = diags(&plan_with(extra));
    let dating = all
        .iter()
        .find(|d| d.message.ends_with("cannot have effective dating"))
        .expect("the dating is reported too");
    ExpectedDiag::error(
        "ignition::check::reference_header",
        "`refunds` is credited, so it cannot have effective dating",
    )
    .help(help)
    .label("only on a reference table")
    .underlined("effective from close_date")
    .assert(dating);
}

#[test]
fn a_key_column_is_named_once_and_is_a_text_column() {
    check(
        "  input tr2 key region, region {\n    region: text\n    rate: percent\n  }\n  kpi x = tr2(\"a\").rate\n",
        ExpectedDiag::error(
            "ignition::check::duplicate",
            "`region` is named twice in the key of `tr2`",
        )
        .help("name each key column once: `key region, role`")
        .label("again")
        .underlined("region"),
    );
    check(
        "  input tr2 key region, tier {\n    region: text\n    tier: integer\n    rate: percent\n  }\n  kpi x = tr2(\"a\", 1).rate\n",
        ExpectedDiag::error(
            "ignition::check::key_type",
            "the key `tier` must be a text column, not integer",
        )
        .help("declare it as `tier: text` (ids are compared as text, even when they look like numbers)")
        .label("not text")
        .underlined("tier"),
    );
}

#[test]
fn a_key_or_effective_column_is_read_from_the_file_not_computed() {
    check(
        "  input tr2 key region, tier effective from d {\n    region: text\n    d: date\n    rate: percent\n    let tier = \"x\"\n  }\n  kpi x = tr2(\"a\", \"x\", on: start_date).rate\n",
        ExpectedDiag::error(
            "ignition::check::computed_stored",
            "`tier` is a computed column; a key must be a column read from the data",
        )
        .help("name a column of the file here; a computed column can be read in filters and aggregates")
        .label("computed")
        .underlined("tier"),
    );
}

#[test]
fn effective_from_must_name_a_date_column_that_is_filled() {
    let table = |from_ty: &str| {
        format!(
            "  input fx2 key c effective from d {{\n    c: text\n    d: {from_ty}\n    r: number\n  }}\n  \
             kpi x = fx2(\"USD\", on: start_date).r\n"
        )
    };
    check(
        &table("text"),
        ExpectedDiag::error(
            "ignition::check::effective_column",
            "`effective from` names `d`, which is text, not a date",
        )
        .help("declare it `d: date`")
        .label("here")
        .underlined("d"),
    );
    check(
        &table("date?"),
        ExpectedDiag::error(
            "ignition::check::effective_column",
            "`effective from` names `d`, which is optional: every row needs the day it is in force from",
        )
        .help("declare it `d: date`")
        .label("here")
        .underlined("d"),
    );
    // Reported where it is written, not again at each lookup.
    assert_eq!(codes(&table("text")), ["ignition::check::effective_column"]);
}

#[test]
fn a_lookup_gives_one_value_per_key_column() {
    check(
        &format!("{REFS}  kpi x = tr(\"EMEA\").rate + fx(\"USD\", on: start_date).rate\n"),
        ExpectedDiag::error(
            "ignition::check::lookup_arity",
            "`tr` is looked up by 2 key values (region, role), but 1 is given",
        )
        .help("write e.g. `tr(region, role).rate`")
        .label("here")
        .underlined("tr(\"EMEA\")"),
    );
}

#[test]
fn a_table_without_key_or_dating_cannot_be_looked_up() {
    check(
        "  input hol {\n    day: date\n  }\n  kpi x = hol().day\n",
        ExpectedDiag::error(
            "ignition::check::lookup_arity",
            "`hol` has no key and no `effective from`, so a row cannot be looked up",
        )
        .help("declare the key, e.g. `input hol key COLUMN { … }`")
        .label("no key")
        .underlined("hol"),
    );
}

#[test]
fn a_key_value_has_its_key_columns_type() {
    check(
        &format!("{REFS}  kpi x = tr(\"EMEA\", 3).rate + fx(\"USD\", on: start_date).rate\n"),
        ExpectedDiag::error(
            "ignition::check::lookup_key_type",
            "the key `role` of `tr` is text, but this is an integer",
        )
        .help("give the key values in `key` order, each of its column's type")
        .label("wrong type")
        .underlined("3"),
    );
}

#[test]
fn on_is_required_for_a_dated_table_and_refused_for_a_plain_one() {
    check(
        &format!("{REFS}  kpi x = tr(\"EMEA\", \"AE\").rate + fx(\"USD\").rate\n"),
        ExpectedDiag::error(
            "ignition::check::lookup_on",
            "`fx` is effective-dated: say on which day the row must be in force",
        )
        .help("add `on: DATE`, e.g. `fx(currency, on: DATE).rate`, or weigh each row by its days in force in the period: `prorate(fx(…).rate)`")
        .label("here")
        .underlined("fx(\"USD\")"),
    );
    check(
        &format!(
            "{REFS}  kpi x = tr(\"EMEA\", \"AE\", on: start_date).rate + fx(\"USD\", on: start_date).rate\n"
        ),
        ExpectedDiag::error(
            "ignition::check::lookup_on",
            "`tr` has no `effective from`: its rows are not dated, so `on:` means nothing",
        )
        .help("leave `on:` out, or date the rows: `input tr key … effective from COLUMN { … }`")
        .label("here")
        .underlined("on"),
    );
    check(
        &format!("{REFS}  kpi x = tr(\"EMEA\", \"AE\").rate + fx(\"USD\", on: 3).rate\n"),
        ExpectedDiag::error(
            "ignition::check::lookup_on",
            "`on:` must be a date, found an integer",
        )
        .help(
            "give the day the row must be in force on, e.g. `on: close_date` or `on: period_end()`",
        )
        .label("not a date")
        .underlined("3"),
    );
}

#[test]
fn a_row_is_not_a_value_and_its_columns_are_checked() {
    check(
        &format!(
            "{REFS}  kpi x = tr(\"EMEA\", \"AE\")\n  kpi y = fx(\"USD\", on: start_date).rate\n"
        ),
        ExpectedDiag::error(
            "ignition::check::lookup_row",
            "`tr(…)` is a row of a reference table, not a value",
        )
        .help("read a column of the row, e.g. `tr(region, role).rate`")
        .label("read a column of it")
        .underlined("tr(\"EMEA\", \"AE\")"),
    );
    check(
        &format!("{REFS}  kpi x = tr(\"EMEA\", \"AE\").rat + fx(\"USD\", on: start_date).rate\n"),
        ExpectedDiag::error(
            "ignition::check::unknown_name",
            "`rat` is not a column of `tr`",
        )
        .help("did you mean `rate`?")
        .label("unknown column")
        .underlined("rat"),
    );
}

#[test]
fn a_misspelt_reference_table_is_an_unknown_function_with_a_hint() {
    check(
        &format!("{REFS}  kpi x = tx(\"EMEA\", \"AE\").rate + fx(\"USD\", on: start_date).rate\n"),
        ExpectedDiag::error("ignition::check::unknown_function", "unknown function `tx`")
            .help("did you mean `fx`?")
            .label("not a function")
            .underlined("tx"),
    );
}

#[test]
fn only_a_reference_table_is_looked_up_and_it_is_not_aggregated() {
    check(
        &format!(
            "{REFS}  kpi x = deals(\"D1\").amount + tr(\"EMEA\", \"AE\").rate + fx(\"USD\", on: start_date).rate\n"
        ),
        ExpectedDiag::error(
            "ignition::check::not_reference",
            "`deals` is credited, not a reference table: it cannot be looked up by key",
        )
        .help("read the participant's own columns by name, and a credited table through aggregates (`sum`, `count`, …)")
        .label("not a reference table")
        .underlined("deals"),
    );
    check(
        &format!("{REFS}  kpi x = sum(tr.rate) + fx(\"USD\", on: start_date).rate\n"),
        ExpectedDiag::error(
            "ignition::check::not_credited",
            "`tr` is a reference table: its rows are not credited to participants, so it cannot be aggregated",
        )
        .help("look one row up by its key, e.g. `tr(region, role).rate`; a credited table is aggregated per participant (`credit tr to … by …`)")
        .label("a reference table")
        .underlined("tr"),
    );
}

// ---------------------------------------------------------------- data

/// A plan over reps and deals with the reference table `fx` (dated) and `tr` (plain).
const PLAN: &str = r#"plan "Ref" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-03-31
  input reps key rep_id {
    rep_id: text
    region: text
  }
  input tr key region {
    region: text
    rate: percent
  }
  input fx key currency effective from valid_from to valid_to {
    currency: text
    valid_from: date
    valid_to: date?
    rate: number
  }
  participants reps
  kpi r = tr(region).rate
  kpi usd = fx("USD", on: period_end()).rate
}
"#;

/// Load `PLAN` on these files; the diagnostics that stop it, and the folder's path.
fn load(tr: &str, fx: &str) -> (Result<(), Vec<Diag>>, String) {
    let plan = ignition::compile_str("ref.plan", PLAN)
        .expect("the plan checks")
        .plan;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("written");
    };
    write("reps.csv", "rep_id,region\nr1,EMEA\n");
    write("tr.csv", tr);
    write("fx.csv", fx);
    let sources = Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let path = dir.path().display().to_string();
    (
        data::load(&plan, &sources, Options::default()).map(|_| ()),
        path,
    )
}

const TR: &str = "region,rate\nEMEA,10%\n";
const FX: &str = "currency,valid_from,valid_to,rate\nUSD,2026-01-01,,1.1\n";

#[test]
fn clean_reference_data_loads() {
    assert!(load(TR, FX).0.is_ok());
}

#[test]
fn a_repeated_key_of_a_plain_table_names_both_lines() {
    let (r, dir) = load("region,rate\nEMEA,10%\nAMER,5%\nEMEA,12%\n", FX);
    let errors = r.expect_err("an error");
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::data::reference_duplicate",
        &format!("{dir}/tr.csv:4: `tr` has the key \"EMEA\" again (first at line 2)"),
    )
    .help("a reference table has one row per key: remove one of the rows, or date them with `effective from`")
    .assert(&errors[0]);
}

#[test]
fn two_rows_of_a_key_from_the_same_day_name_both_lines() {
    let fx = "currency,valid_from,valid_to,rate\nUSD,2026-01-01,,1.1\nEUR,2026-01-01,,1\nUSD,2026-01-01,,1.2\n";
    let (r, dir) = load(TR, fx);
    let errors = r.expect_err("an error");
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::data::reference_same_from",
        &format!("{dir}/fx.csv:4: `fx` has two rows for \"USD\" in force from 2026-01-01 (the other at line 2)"),
    )
    .help("one row per key is in force from a day: remove one, or correct its date")
    .assert(&errors[0]);
}

#[test]
fn overlapping_rows_of_a_key_name_both_lines() {
    // Line 2 runs to 2026-02-01 inclusive; line 3 starts that very day: one day in both.
    // The rows are sorted by their start, so line 4 (from January) comes before line 3.
    let fx =
        "currency,valid_from,valid_to,rate\nUSD,2026-02-01,,1.2\nUSD,2026-01-01,2026-02-01,1.1\n";
    let (r, dir) = load(TR, fx);
    let errors = r.expect_err("an error");
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::data::reference_overlap",
        &format!("{dir}/fx.csv:2: the row for \"USD\" in force from 2026-02-01 overlaps the row at line 3, in force from 2026-01-01 to 2026-02-01"),
    )
    .help("end the earlier row the day before the later one starts (`to` is inclusive), or leave its `to` empty")
    .assert(&errors[0]);
    // Ending the day before is not an overlap.
    let fx =
        "currency,valid_from,valid_to,rate\nUSD,2026-02-01,,1.2\nUSD,2026-01-01,2026-01-31,1.1\n";
    assert!(load(TR, fx).0.is_ok());
}

#[test]
fn a_row_that_ends_before_it_starts_is_an_error() {
    let fx = "currency,valid_from,valid_to,rate\nUSD,2026-03-01,2026-02-01,1.1\n";
    let (r, dir) = load(TR, fx);
    let errors = r.expect_err("an error");
    ExpectedDiag::error(
        "ignition::data::reference_overlap",
        &format!(
            "{dir}/fx.csv:2: the row for \"USD\" ends on 2026-02-01, before it starts on 2026-03-01"
        ),
    )
    .help("`to` is the last day the row is in force: on or after `from`")
    .assert(&errors[0]);
}

// ---------------------------------------------------------------- run time

/// The run-time errors of `PLAN` on these files.
fn run_errors(tr: &str, fx: &str) -> Vec<Diag> {
    let plan = ignition::compile_str("ref.plan", PLAN)
        .expect("the plan checks")
        .plan;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("written");
    };
    write("reps.csv", "rep_id,region\nr1,EMEA\n");
    write("tr.csv", tr);
    write("fx.csv", fx);
    let sources = Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let (data, _) = data::load(&plan, &sources, Options::default()).expect("the data loads");
    let results = ignition::eval::evaluate(&plan, &data);
    ignition::eval::errors(&plan, &data, &results, 20)
        .into_iter()
        .map(|d| {
            // The folder is temporary: name the file alone.
            let mut d = d;
            let prefix = format!("{}/", dir.path().display());
            d.help = d.help.map(|h| h.replace(&prefix, ""));
            d
        })
        .collect()
}

#[test]
fn a_key_without_a_row_is_a_run_time_error_naming_table_and_key() {
    let errors = run_errors("region,rate\nAMER,5%\nAPAC,7%\n", FX);
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::eval::no_row",
        "`tr` has no row for \"EMEA\" in `r` for r1 in 2026-Q1",
    )
    .help("did you mean `\"AMER\"`? — add a row for \"EMEA\" to tr.csv, or state a fallback with `otherwise`")
    .label("`tr` has no row for \"EMEA\"")
    .underlined("tr(region).rate")
    .assert(&errors[0]);
}

#[test]
fn a_day_before_the_first_row_is_a_run_time_error_naming_the_nearest_row() {
    // Q1 ends on 2026-03-31; the only USD row starts on 2026-04-01.
    let errors = run_errors(
        TR,
        "currency,valid_from,valid_to,rate\nUSD,2026-04-01,,1.1\nUSD,2025-01-01,2025-12-31,1\n",
    );
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::eval::no_row",
        "`fx` has no row for \"USD\" in force on 2026-03-31 in `usd` for r1 in 2026-Q1",
    )
    .help("the nearest rows for \"USD\": in force from 2025-01-01 to 2025-12-31 (fx.csv:3) and from 2026-04-01 (fx.csv:2) — add a row, or state a fallback with `otherwise`")
    .label("`fx` has no row for \"USD\" in force on 2026-03-31")
    .underlined("fx(\"USD\", on: period_end()).rate")
    .assert(&errors[0]);
}

/// A plan with the roster `reps` (r1) and a key-less input `qs`, on these files.
fn keyless(qs_header: &str, body: &str, qs: &str) -> (Result<Vec<Diag>, Vec<Diag>>, String) {
    let text = format!(
        "plan \"K\" {{\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-06-30\n  \
         input reps key rep_id {{\n    rep_id: text\n  }}\n  input qs{qs_header} {{\n    \
         starts: date\n    share: percent\n  }}\n  participants reps\n{body}}}\n"
    );
    let plan = ignition::compile_str("k.plan", &text)
        .expect("the plan checks")
        .plan;
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("reps.csv"), "rep_id\nr1\n").expect("written");
    std::fs::write(dir.path().join("qs.csv"), qs).expect("written");
    let sources = Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let path = dir.path().display().to_string();
    let out = data::load(&plan, &sources, Options::default()).map(|(data, _)| {
        let results = ignition::eval::evaluate(&plan, &data);
        ignition::eval::errors(&plan, &data, &results, 20)
    });
    (out, path)
}

#[test]
fn a_table_without_a_key_is_a_list_whose_repeated_rows_are_no_error() {
    let (r, _) = keyless("", "", "starts,share\n2026-01-01,10%\n2026-01-01,10%\n");
    assert!(
        r.is_ok(),
        "{}",
        render_plain(&r.err().unwrap_or_default(), 100)
    );
}

#[test]
fn a_dated_series_without_a_key_is_looked_up_by_the_day_alone() {
    let body = "  kpi share = qs(on: period_start()).share\n";
    // From 2026-04-01 only: Q2 (starts 2026-04-01) has a row, Q1 (2026-01-01) none.
    let (r, dir) = keyless(
        " effective from starts",
        body,
        "starts,share\n2026-04-01,30%\n",
    );
    let errors = r.expect("the data loads");
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::eval::no_row",
        "`qs` has no row in force on 2026-01-01 in `share` for r1 in 2026-Q1",
    )
    .help(&format!(
        "the nearest row: in force from 2026-04-01 ({dir}/qs.csv:2) — add a row, or state a fallback with `otherwise`"
    ))
    .label("`qs` has no row in force on 2026-01-01")
    .underlined("qs(on: period_start()).share")
    .assert(&errors[0]);
    // Two rows of the series from the same day: an error naming both lines.
    let (r, dir) = keyless(
        " effective from starts",
        body,
        "starts,share\n2026-01-01,20%\n2026-01-01,30%\n",
    );
    let errors = r.expect_err("an error");
    ExpectedDiag::error(
        "ignition::data::reference_same_from",
        &format!(
            "{dir}/qs.csv:3: `qs` has two rows in force from 2026-01-01 (the other at line 2)"
        ),
    )
    .help("one row per key is in force from a day: remove one, or correct its date")
    .assert(&errors[0]);
}

#[test]
fn working_days_takes_its_holidays_from_a_date_column_of_a_reference_table() {
    let hol = "  input hol {\n    day: date\n    name: text\n  }\n";
    assert_eq!(
        codes(&format!(
            "{hol}  kpi w = working_days(start_date, start_date, except: hol.day)\n"
        )),
        Vec::<String>::new()
    );
    let expected = ExpectedDiag::error(
        "ignition::check::except_column",
        "`except:` takes the holidays: a date column of a reference table",
    )
    .help("declare the holidays as an input that is neither the participant table nor credited, e.g. `input holidays { day: date }`, and write `except: holidays.day`")
    .label("not a date column of a reference table");
    // A credited table's column, and a reference table's text column.
    check(
        &format!("{hol}  kpi w = working_days(start_date, start_date, except: deals.close_date) + 0 days * count(hol)\n"),
        expected.clone().underlined("deals.close_date"),
    );
    check(
        &format!("{hol}  kpi w = working_days(start_date, start_date, except: hol.name)\n"),
        expected.underlined("hol.name"),
    );
}

/// `working_days(…, except: T.col)`: explain lists the holidays it took off (those on a
/// weekday of the range, each with its file:line), a note the interpreter sends while
/// counting.
#[test]
fn explain_lists_the_holidays_working_days_took_off() {
    let out = crate::harness::Test::new()
        .plan(
            "plan \"wd\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-03-31\n\
             \x20 input reps key id { id: text }\n  input holidays { day: date  name: text }\n\
             \x20 participants reps\n\
             \x20 kpi working = working_days(period_start(), period_end(), except: holidays.day)\n}\n",
        )
        .table("reps", "id\nr1\n")
        .table(
            "holidays",
            "day,name\n2026-01-01,New Year\n2026-01-06,Epiphany\n2026-01-10,a Saturday\n\
             2026-01-06,Epiphany again\n2026-05-01,May Day\n",
        )
        .args([
            "explain",
            "plan.plan",
            "working",
            "--data",
            ".",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
        ])
        // Q1 2026: January 22 weekdays (starts on a Thursday: 4 weeks + Thu, Fri, Sat),
        // February 20, March 22 (starts on a Sunday: 4 weeks + Sun, Mon, Tue) = 64; minus
        // Thu 1 Jan and Tue 6 Jan (listed once) = 62. Sat 10 Jan and 1 May take nothing off.
        .stdout_has("working = 62 days")
        .stdout_has("2 holidays of ./holidays.csv, column day, on a weekday of the range: not counted")
        .stdout_has("day 2026-01-01")
        .stdout_has("./holidays.csv:2")
        .stdout_has("./holidays.csv:3")
        .run();
    assert!(!out.stdout.contains("holidays.csv:4"), "{}", out.stdout);
    assert!(!out.stdout.contains("holidays.csv:5"), "{}", out.stdout);
    assert!(!out.stdout.contains("holidays.csv:6"), "{}", out.stdout);
}
