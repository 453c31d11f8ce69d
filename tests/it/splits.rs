//! Credit splits (issue 10, docs/language.md §5 "Credit splits"): a bad-input test per
//! diagnostic — the checker's (a split table that cannot split, the join, the types, shares
//! never read) and the data's (shares that do not add up, transactions without split rows,
//! split rows without a transaction or participant). The figures are plan tests:
//! tests/rules/credit_splits_credit_each_participant_its_share.test.plan and
//! plans/team-selling/payouts.test.plan.

use crate::expect_diag::ExpectedDiag;
use ignition::data::{self, Options, Sources};
use ignition::diagnostics::{render_plain, Diag};

/// A plan crediting deals through a split table; `//SPLITS` is the split table's columns,
/// `//CREDIT` the credit, `//EXTRA` more definitions.
const BASE: &str = r#"plan "Splits" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  input reps key rep_id {
    rep_id: text
  }
  input deals key deal_id {
    deal_id: text
    amount: money
    close_date: date
  }
  input deal_splits {
    deal_id: text
    rep_id: text
    share: percent
    role: text
  }
  participants reps
  credit deals to rep_id by close_date split by deal_splits share share role role overlay "Overlay"
  kpi credited = sum(deals, amount * share)
  kpi sourced = count(deals where role == "SDR")
//EXTRA
}
"#;

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// The first diagnostic of `expected`'s code in checking `src`, asserted.
fn check(src: &str, expected: ExpectedDiag) {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
}

#[test]
fn the_base_plan_checks_without_a_warning() {
    let all = diags(BASE);
    assert!(all.is_empty(), "{}", render_plain(&all, 100));
}

#[test]
fn the_participant_table_cannot_be_a_split_table() {
    let src = BASE.replace("split by deal_splits", "split by reps");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_table",
            "`reps` cannot be the split table of `deals`: it is the participant table",
        )
        .help("declare a table of split rows (the transaction's key, a participant, a share, a role) and name it after `split by`")
        .label("not a table of splits")
        .underlined("reps"),
    );
}

#[test]
fn a_credited_table_cannot_split_another() {
    let src = BASE.replace(
        "//EXTRA",
        "  input refunds key deal_id {\n    deal_id: text\n    rep_id: text\n    share: percent\n    role: text\n    day: date\n  }\n  credit refunds to rep_id by day\n  kpi r = count(refunds)\n",
    );
    let src = src.replace("split by deal_splits", "split by refunds");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_table",
            "`refunds` cannot be the split table of `deals`: it is credited itself",
        )
        .help("declare a table of split rows (the transaction's key, a participant, a share, a role) and name it after `split by`")
        .label("not a table of splits")
        .underlined("refunds"),
    );
}

#[test]
fn the_credited_table_needs_a_key_to_join_on() {
    let src = BASE.replace("input deals key deal_id {", "input deals {");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_key",
            "`deals` has no key, so its rows cannot be split",
        )
        .help("declare `input deals key <id column> { … }`: the split table's rows name the transaction by that key")
        .label("split by key")
        .underlined("deal_splits"),
    );
}

#[test]
fn the_split_table_needs_the_key_column() {
    let src = BASE.replace(
        "    deal_id: text\n    rep_id: text\n",
        "    deal: text\n    rep_id: text\n",
    );
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_key",
            "the split table `deal_splits` has no column `deal_id` to join `deals` on",
        )
        .help("add `deal_id: text` to `deal_splits`: each split row names its transaction by `deals`'s key")
        .label("no `deal_id`")
        .underlined("deal_splits"),
    );
}

#[test]
fn the_credited_table_cannot_have_a_column_named_like_the_role() {
    let src = BASE.replace("    amount: money\n", "    amount: money\n    role: text\n");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_key",
            "`deals` and its split table `deal_splits` both have a column `role`",
        )
        .help("rename one: each credited row of `deals` reads `role` from its split row")
        .label("`role` of `deal_splits`")
        .underlined("deal_splits"),
    );
}

#[test]
fn a_share_must_be_a_required_percent() {
    let src = BASE.replace("    share: percent\n", "    share: number\n");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_type",
            "`share` must be a required percent column of `deal_splits`",
        )
        .help("a share is the part of the transaction credited to the row's participant: `share: percent` (`60%` or `0.6`)")
        .label("a number")
        .underlined("share"),
    );
    let src = BASE.replace("    share: percent\n", "    share: percent?\n");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_type",
            "`share` must be a required percent column of `deal_splits`",
        )
        .help("a share is the part of the transaction credited to the row's participant: `share: percent` (`60%` or `0.6`)")
        .label("optional")
        .underlined("share"),
    );
}

#[test]
fn a_role_must_be_text() {
    let src = BASE.replace("    role: text\n  }", "    role: integer\n  }");
    check(
        &src,
        ExpectedDiag::error(
            "ignition::check::split_type",
            "`role` must be a required text column of `deal_splits`",
        )
        .help("a role names the part a participant plays: `role: text` (`AE`, `SDR`, `Overlay`)")
        .label("an integer")
        .underlined("role"),
    );
}

#[test]
fn shares_never_read_are_a_warning() {
    let src = BASE.replace("sum(deals, amount * share)", "sum(deals.amount)");
    check(
        &src,
        ExpectedDiag::warning(
            "ignition::check::share_unread",
            "the shares of `deal_splits` (`share`) are never read: every participant of a row of `deals` gets its whole amount",
        )
        .help("say which split the plan pays by where it reads the share: in the credit for a credit split (`kpi bookings = sum(won, amount * share)`), in the payout for a payout split (`payout commission = sum(won, amount * share) * rate`)")
        .label("never read")
        .underlined("share"),
    );
}

/// Load the base plan's data: reps r1, r2, and `deals`, `splits` as given. The result and
/// the folder's path.
fn load(deals: &str, splits: &str, strict: bool) -> (Result<Vec<Diag>, Vec<Diag>>, String) {
    let plan = ignition::compile_str("plan.plan", BASE)
        .expect("the plan checks")
        .plan;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("written");
    };
    write("reps.csv", "rep_id\nr1\nr2\n");
    write("deals.csv", deals);
    write("deal_splits.csv", splits);
    let sources = Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let path = dir.path().display().to_string();
    (
        data::load(&plan, &sources, Options { strict }).map(|(_, notes)| notes),
        path,
    )
}

const DEALS: &str = "deal_id,amount,close_date\nD1,100,2026-01-10\nD2,200,2026-02-10\n";

#[test]
fn shares_that_do_not_add_up_name_each_transaction() {
    // D1: 60% + 30% = 90% (the overlay's 50% left out); D2: 100% + 10% = 110%.
    let splits = "deal_id,rep_id,share,role\nD1,r1,60%,AE\nD1,r2,30%,SDR\nD1,r2,50%,Overlay\nD2,r1,100%,AE\nD2,r2,10%,SDR\n";
    let (result, dir) = load(DEALS, splits, false);
    let Err(errors) = result else {
        panic!("shares that do not add up stop the load");
    };
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    ExpectedDiag::error(
        "ignition::data::split_shares",
        &format!("{dir}/deals.csv: 2 transactions split in shares that do not add up to 100%: line 2 (D1): 90% ({dir}/deal_splits.csv lines 2, 3, 4); line 3 (D2): 110% ({dir}/deal_splits.csv lines 5, 6)"),
    )
    .help(&format!("the shares of a transaction's split rows add up to 100%, the `Overlay` role's left out: correct them in {dir}/deal_splits.csv"))
    .assert(&errors[0]);
}

#[test]
fn a_transaction_without_split_rows_and_split_rows_without_a_transaction_are_reported() {
    // D2 has no split row; line 3 names D9, which is not a deal; line 4 names r7, not a rep.
    let splits = "deal_id,rep_id,share,role\nD1,r1,100%,AE\nD9,r1,100%,AE\nD1,r7,0%,SDR\n";
    let (result, dir) = load(DEALS, splits, false);
    let notes = result.expect("warnings do not stop the load");
    let codes: Vec<&str> = notes.iter().map(|d| d.code.as_ref()).collect();
    assert_eq!(
        codes,
        [
            "ignition::data::no_split",
            "ignition::data::unknown_participant",
            "ignition::data::orphan_split"
        ]
    );
    ExpectedDiag::warning(
        "ignition::data::no_split",
        &format!("{dir}/deals.csv: 1 row have no split rows and were not counted: line 3 (D2)"),
    )
    .help("add its split rows to `deal_splits` (a transaction of one owner is one row at 100%) (--strict makes this an error)")
    .assert(&notes[0]);
    ExpectedDiag::warning(
        "ignition::data::orphan_split",
        &format!("{dir}/deal_splits.csv: 1 row name no transaction and were not counted: line 3 (D9)"),
    )
    .help("each split row names a transaction of `deals` by its key; correct the key or remove the row (--strict makes this an error)")
    .assert(&notes[2]);
    assert!(
        notes[1].message.ends_with("line 4 → r7"),
        "{}",
        notes[1].message
    );
    // --strict makes each of them an error.
    let (result, _) = load(DEALS, splits, true);
    let Err(errors) = result else {
        panic!("--strict stops the load");
    };
    assert_eq!(errors.len(), 3);
}

#[test]
fn a_split_table_is_read_through_the_credited_rows() {
    let help = "aggregate `deals`: each credited row reads its split row's columns (`sum(deals, amount * share)`, `count(deals where role == \"SDR\")`)";
    let message = "`deal_splits` is the split table of `deals`: its rows are read through the rows of `deals`";
    check(
        &BASE.replace("//EXTRA", "  kpi n = count(deal_splits)\n"),
        ExpectedDiag::error("ignition::check::not_credited", message)
            .help(help)
            .label("a split table")
            .underlined("deal_splits"),
    );
    check(
        &BASE.replace("//EXTRA", "  kpi n = deal_splits(\"D1\").share\n"),
        ExpectedDiag::error("ignition::check::not_credited", message)
            .help(help)
            .label("a split table")
            .underlined("deal_splits"),
    );
}

#[test]
fn a_misspelt_split_clause_names_the_word_expected() {
    let src = BASE.replace("deal_splits share share", "deal_splits shares share");
    let all = diags(&src);
    assert_eq!(all.len(), 1, "{}", render_plain(&all, 100));
    ExpectedDiag::error(
        "ignition::parse::syntax",
        "expected `share COLUMN`, found `shares`",
    )
    .help("see docs/language.md for the form of each declaration")
    .label("unexpected `shares`")
    .underlined("shares")
    .assert(&all[0]);
}

#[test]
fn hostile_shares_are_a_located_error_not_a_panic() {
    // Shares whose sum passes a decimal's range (it saturates), a negative share that brings the sum back to 100%: the first
    // is reported by its sum (saturated), the second is accepted (shares are not >= 0 here)
    // and credits a negative amount, as written.
    let splits = "deal_id,rep_id,share,role\nD1,r1,7922816251426433759354395033,AE\nD1,r2,7922816251426433759354395033,SDR\nD2,r1,150%,AE\nD2,r2,-50%,SDR\n";
    let (result, dir) = load(DEALS, splits, false);
    let Err(errors) = result else {
        panic!("D1's shares do not add up");
    };
    assert_eq!(errors.len(), 1, "{}", render_plain(&errors, 100));
    assert!(
        errors[0].message.starts_with(&format!(
            "{dir}/deals.csv: 1 transaction split in shares that do not add up to 100%: line 2 (D1): "
        )),
        "{}",
        errors[0].message
    );
}
