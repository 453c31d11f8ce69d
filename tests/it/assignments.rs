//! issue 10, assignments (docs/language.md §3.1 "Assignment history", §4): `prorate` of an
//! effective-dated table's rows and `managed by HISTORY.COLUMN`. A bad-input test per
//! diagnostic (the checker's, the data's with the period named) and the command-line views
//! (`run --team`) on a dated hierarchy. The figures are plan tests:
//! tests/rules/assignment_history_prorates_by_days_in_force.test.plan and
//! tests/rules/team_uses_the_hierarchy_in_force_in_each_period.test.plan; explain snapshots
//! are in explain_snapshots.rs (tests/plans/assignments).

use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use crate::harness::Test;
use ignition::diagnostics::{render_plain, Diag};

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// The first diagnostic of `code` in checking `src`, asserted.
fn check(src: &str, expected: ExpectedDiag) {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
}

/// The first diagnostic of `code` in checking `src`: its message contains `message` and it
/// underlines `underlined`.
fn check_loose(src: &str, code: &str, message: &str, underlined: &str) {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in:\n{}", render_plain(&all, 100)));
    assert!(found.message.contains(message), "{}", found.message);
    assert!(found.help.is_some(), "{code} has a hint");
    let (span, _) = found.labels.first().expect("a label");
    assert_eq!(&src[span.offset()..span.offset() + span.len()], underlined);
}

/// Every error code of checking `src`.
fn errors(src: &str) -> Vec<String> {
    diags(src)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.to_string())
        .collect()
}

const HISTORY: &str = "  input history key rep_id effective from since {
    rep_id: text
    since: date
    boss: text?
    quota: money
  }
";

/// The base plan managed by `history.boss` instead of the roster's column, with `extra`.
fn dated(extra: &str) -> String {
    plan_with(&format!("{HISTORY}{extra}")).replace(
        "participants reps managed by manager_id",
        "participants reps managed by history.boss",
    )
}

#[test]
fn a_dated_hierarchy_and_a_prorated_history_check() {
    let src = dated("  kpi t = team(bookings)\n  kpi q = prorate(history(rep_id).quota)\n");
    assert_eq!(errors(&src), Vec::<String>::new());
}

#[test]
fn the_manager_history_must_be_a_dated_reference_table_keyed_by_participant() {
    let help = "declare it e.g. `input history key rep_id effective from since { rep_id: text  since: date  boss: text? }`";
    // Not dated.
    let src = dated("").replace("key rep_id effective from since {", "key rep_id {");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::manager_history",
            "`history` has no `effective from`: a manager history dates each row",
        )
        .help(help)
        .label("not a manager history")
        .underlined("history"),
    );
    // Credited.
    let src = dated("  credit history to rep_id by since\n");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::manager_history",
            "`history` is credited: a manager history is a reference table",
        )
        .help(help)
        .label("not a manager history")
        .underlined("history"),
    );
    // Two key columns.
    let src = dated("").replace("key rep_id effective", "key rep_id, boss effective");
    let src = src.replace("    boss: text?\n    quota", "    boss: text\n    quota");
    check_loose(
        &src,
        "ignition::check::manager_history",
        "`history` must be keyed by the participant alone (one `key` column)",
        "history",
    );
    // The roster itself.
    let src = plan_with("").replace(
        "participants reps managed by manager_id",
        "participants reps managed by reps.manager_id",
    );
    check_loose(
        &src,
        "ignition::check::manager_history",
        "`reps` is the participant table: `managed by manager_id` reads the roster's own column",
        "reps",
    );
}

#[test]
fn the_manager_history_column_and_key_have_the_roster_key_type() {
    let src = dated("").replace("    boss: text?\n", "    boss: date?\n");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::manager_type",
            "the manager column must have the same type as the key",
        )
        .help("the manager column holds the key of the manager's own row")
        .label("type differs from the key")
        .underlined("boss"),
    );
    let src = dated("").replace("    rep_id: text\n    since", "    rep_id: date\n    since");
    check_loose(
        &src,
        "ignition::check::manager_history",
        "the key of `history` must have the type of the key of `reps`: it names the participant",
        "history",
    );
    // A column the history does not have.
    let src = dated("").replace("managed by history.boss", "managed by history.bos");
    check_loose(&src, "ignition::check::unknown_name", "bos", "bos");
}

#[test]
fn prorate_of_a_history_counts_days_and_a_plain_lookup_still_needs_on() {
    check(
        &plan_with(&format!(
            "{HISTORY}  kpi q = prorate(history(rep_id).quota, by: months)\n"
        )),
        ExpectedDiag::error(
            "ignition::check::prorate_by",
            "`prorate` of an effective-dated table's rows counts days, not months",
        )
        .help("leave `by:` out: each row is weighted by its days in force in the period")
        .label("rows change on a day")
        .underlined("months"),
    );
    // Outside `prorate`, a dated lookup needs its day; the hint names both ways.
    check(
        &plan_with(&format!("{HISTORY}  kpi q = history(rep_id).quota\n")),
        ExpectedDiag::error(
            "ignition::check::lookup_on",
            "`history` is effective-dated: say on which day the row must be in force",
        )
        .help(
            "add `on: DATE`, e.g. `history(rep_id, on: DATE).boss`, or weigh each row by its days in force in the period: `prorate(history(…).quota)`",
        )
        .label("here")
        .underlined("history(rep_id)"),
    );
    // Inside an expression of `prorate`'s value, too: only the lookup itself is prorated.
    check_loose(
        &plan_with(&format!(
            "{HISTORY}  kpi q = prorate(history(rep_id).quota * 2)\n"
        )),
        "ignition::check::lookup_on",
        "`history` is effective-dated: say on which day the row must be in force",
        "history(rep_id)",
    );
    // A plain value still needs `from:` or `to:`.
    check(
        &plan_with("  kpi q = prorate(annual_quota)\n"),
        ExpectedDiag::error(
            "ignition::check::argument",
            "`prorate` needs `from:` and/or `to:`",
        )
        .help("write e.g. `prorate(annual_quota / 4, from: start_date)`; an effective-dated table's column needs neither: `prorate(assignments(rep_id).quarterly_quota)`")
        .label("nothing to prorate by")
        .underlined("prorate(annual_quota)"),
    );
}

/// A monthly plan managed by `reporting.manager_id`, with an override on the team.
const PLAN: &str = r#"plan "moves" {
  currency EUR
  periods monthly from 2026-04-01 to 2026-06-30
  input reps key rep_id {
    rep_id: text
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money >= 0
    close_date: date
  }
  input reporting key rep_id effective from since {
    rep_id: text
    since: date
    manager_id: text?
  }
  participants reps managed by reporting.manager_id
  credit deals to owner by close_date
  kpi bookings = sum(deals.amount)
  payout override = team(bookings) * 1%
}
"#;

const REPS: &str = "rep_id\nm1\nm2\nr1\nr2\n";
const DEALS: &str = "deal_id,owner,amount,close_date\nd1,r1,100,2026-04-10\nd2,r1,200,2026-05-10\nd3,r2,50,2026-05-11\n";
/// r1 moves from m1 to m2 on 1 May; r2 is under m2 throughout.
const REPORTING: &str = "rep_id,since,manager_id\nm1,2026-01-01,\nm2,2026-01-01,\nr1,2026-01-01,m1\nr1,2026-05-01,m2\nr2,2026-01-01,m2\n";

fn moves(reporting: &str) -> Test {
    Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
        .table("reporting", reporting)
}

#[test]
fn an_unknown_manager_names_the_history_line_and_the_period() {
    // Line 5: r1 reports to m9 from 1 May: in force on 31 May, the last day of 2026-05.
    let reporting = REPORTING.replace("r1,2026-05-01,m2", "r1,2026-05-01,m9");
    moves(&reporting)
        .args(["run", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("ignition::data::unknown_manager")
        .stderr_has("reporting.csv:5: participant `r1` reports to `m9`")
        .stderr_has("2026-05-31, the last day of 2026-05)")
        .run();
}

#[test]
fn a_cycle_in_force_in_some_period_names_the_period_and_the_lines() {
    // From 1 June m1 reports to r1, who reports to m1 (line 5) since 1 January: a cycle in
    // June only (in May r1 reports to m2: line 5 is r1's May row).
    let reporting = format!("{REPORTING}m1,2026-06-01,r1\nr1,2026-06-01,m1\n");
    let o = moves(&reporting)
        .args(["run", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("ignition::data::hierarchy_cycle")
        .stderr_has("the management hierarchy in force on 2026-06-30 (the last day of 2026-06)")
        .run();
    assert!(
        o.stderr.contains("m1 → r1 → m1") || o.stderr.contains("r1 → m1 → r1"),
        "{}",
        o.stderr
    );
    // The rows in force that make the cycle: lines 7 and 8.
    assert!(
        o.stderr.contains("lines 7, 8") || o.stderr.contains("lines 8, 7"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_history_row_for_an_unknown_id_is_a_warning() {
    let reporting = format!("{REPORTING}r7,2026-01-01,m1\n");
    moves(&reporting)
        .args(["run", "plan.plan", "--data", ".", "--format", "csv"])
        .stderr_has("ignition::data::unknown_participant")
        .stderr_has("1 id(s) of the manager history are not in `reps` and were not read: r7")
        .run();
}

#[test]
fn run_team_shows_who_is_under_the_manager_in_the_periods_shown() {
    // In April r1 is under m1; from May under m2.
    let o = moves(REPORTING)
        .args([
            "run",
            "plan.plan",
            "--data",
            ".",
            "--format",
            "csv",
            "--team",
            "m1",
            "--period",
            "2026-04",
        ])
        .run();
    // m1's override in April: 1% × 100 = 1.
    assert!(
        o.stdout.contains("m1,2026-04,0.00,1.00,1.00"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("r1,2026-04"), "{}", o.stdout);
    let o = moves(REPORTING)
        .args([
            "run",
            "plan.plan",
            "--data",
            ".",
            "--format",
            "csv",
            "--team",
            "m1",
            "--period",
            "2026-05",
        ])
        .run();
    assert!(
        !o.stdout.contains("r1,"),
        "r1 left m1 on 1 May:\n{}",
        o.stdout
    );
    let o = moves(REPORTING)
        .args([
            "run",
            "plan.plan",
            "--data",
            ".",
            "--format",
            "csv",
            "--team",
            "m2",
            "--period",
            "2026-05",
        ])
        .run();
    // m2's team in May: r1 (200) and r2 (50): override 1% × 250 = 2.5.
    assert!(
        o.stdout.contains("r1,2026-05") && o.stdout.contains("r2,2026-05"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("m2,2026-05,0.00,2.50,2.50"),
        "{}",
        o.stdout
    );
}

#[test]
fn dashboard_manager_shows_the_team_in_force_in_the_period() {
    // April: r1 is m1's.
    let o = moves(REPORTING)
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-04",
            "--manager",
            "m1",
        ])
        .run();
    assert!(o.stdout.contains(">r1<"), "{}", o.stdout);
    // May: r1 is m2's, with r2; m1 has nobody left.
    let o = moves(REPORTING)
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-05",
            "--manager",
            "m2",
        ])
        .run();
    assert!(
        o.stdout.contains(">r1<") && o.stdout.contains(">r2<"),
        "{}",
        o.stdout
    );
    moves(REPORTING)
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-05",
            "--manager",
            "m1",
        ])
        .status(2)
        .stderr_has("ignition::cli::team")
        .stderr_has("nobody reports to this participant")
        .run();
}

#[test]
fn extreme_histories_are_exact_and_never_a_crash() {
    // Rows from the first and the last day a date can hold, amounts of 28 digits and of
    // 28 decimals: exact, no crash.
    let plan = PLAN.replace(
        "  participants reps",
        "  input quotas key rep_id effective from since {\n    rep_id: text\n    since: date\n    quota: money\n  }\n  participants reps",
    )
    .replace(
        "  payout override",
        "  kpi quota = prorate(quotas(rep_id).quota) otherwise 0 EUR\n  kpi attainment: percent = bookings / quota otherwise 0%\n  payout override",
    );
    let quotas = "rep_id,since,quota\n\
                  r1,0001-01-01,9999999999999999999999999999\n\
                  r1,2026-05-16,-9999999999999999999999999999\n\
                  r2,9999-12-31,25000\n\
                  m1,2026-05-11,0.0000000000000000000000000001\n";
    moves(REPORTING)
        .plan(&plan)
        .table("quotas", quotas)
        .args(["run", "plan.plan", "--data", "."])
        .stdout_has("r1           2026-05")
        // X = 9,999,999,999,999,999,999,999,999,999: 1 – 15 May at X, 16 – 31 May at −X:
        // X × 15 / 31 − X × 16 / 31 = −X / 31 = −322,580,645,161,290,322,580,645,161.258…
        .stdout_has("-322,580,645,161,290,322,580,645,161.26")
        .run();
}
