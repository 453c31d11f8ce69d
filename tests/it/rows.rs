//! issue 9, rows: aggregates over an expression of each row and computed columns — the
//! diagnostics (one bad input each), fmt keeping what was written, and the once-per-row
//! computation. The figures are rule tests (tests/rules/aggregates_over_an_expression_of_each_row,
//! tests/rules/computed_columns_are_computed_once_per_row).

use crate::expect_diag::ExpectedDiag;
use ignition::diagnostics::Diag;

/// A plan with `deals_extra` inside `input deals { … }` and `body` after the header.
fn plan(deals_extra: &str, body: &str) -> String {
    format!(
        r#"plan "Rows" {{
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  input reps key rep_id {{
    rep_id: text
    quota: money
  }}
  input deals key deal_id {{
    deal_id: text
    owner: text
    amount: money
    cost: money
    stage: text
    close_date: date
{deals_extra}
  }}
  participants reps
  credit deals to owner by close_date
{body}
}}
"#
    )
}

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

#[test]
fn row_expressions_and_computed_columns_check() {
    let src = plan(
        "    let net = amount - cost\n    let won: bool = stage == \"Won\"",
        "  kpi a = sum(deals, amount - cost)\n  kpi b = sum(deals.net where won)\n  \
         kpi c = max(deals where won, net / amount) otherwise 0%\n  kpi d = max(a, b)",
    );
    let d = diags(&src);
    assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
}

#[test]
fn a_computed_column_reading_a_definition_is_an_error() {
    let src = plan(
        "    let net = amount - bookings",
        "  kpi bookings = sum(deals.net)",
    );
    ExpectedDiag::error(
        "ignition::check::computed_reads_definition",
        "the computed column `net` reads the definition `bookings`",
    )
    .help(
        "a computed column is computed once per row, from the row alone; use `bookings` where \
         the column is read instead, e.g. `sum(deals, net * bookings)`",
    )
    .label("a definition")
    .underlined("bookings")
    .assert_in(&diags(&src));
}

#[test]
fn computed_columns_reading_each_other_are_a_cycle() {
    let src = plan(
        "    let a = b + amount\n    let b = a - cost",
        "  kpi total_a = sum(deals.a)",
    );
    ExpectedDiag::error(
        "ignition::check::computed_cycle",
        "the computed column `a` depends on itself: a → b → a",
    )
    .help("compute one of these columns from stored columns only")
    .label("read here")
    .underlined("a")
    .at(16, 13)
    .assert_in(&diags(&src));
}

#[test]
fn a_computed_column_reads_its_row_alone() {
    for (expr, what, underlined) in [
        ("amount / quota", "the roster column `quota`", "quota"),
        ("sum(deals.amount)", "`sum(…)`", "sum(deals.amount)"),
        (
            "period_end() - close_date",
            "`period_end(…)`",
            "period_end()",
        ),
    ] {
        let src = plan(&format!("    let x = {expr}"), "  kpi k = count(deals)");
        ExpectedDiag::error(
            "ignition::check::computed_not_row",
            &format!("a computed column is computed from its row alone: {what} is not of the row"),
        )
        .help(&format!(
            "compute `x` from the row's columns, constants and functions of them; read {what} \
             where the column is used instead"
        ))
        .label("not of the row")
        .underlined(underlined)
        .assert_in(&diags(&src));
    }
}

#[test]
fn a_computed_column_cannot_credit_rows() {
    let src = plan("    let closed = close_date + 1", "  kpi k = count(deals)").replace(
        "credit deals to owner by close_date",
        "credit deals to owner by closed",
    );
    ExpectedDiag::error(
        "ignition::check::computed_stored",
        "`closed` is a computed column; `credit … by` must be a column read from the data",
    )
    .help("name a column of the file here; a computed column can be read in filters and aggregates")
    .label("computed")
    .underlined("closed")
    .assert_in(&diags(&src));
}

#[test]
fn a_computed_column_of_the_wrong_declared_type_is_an_error() {
    let src = plan(
        "    let net: percent = amount - cost",
        "  kpi k = count(deals)",
    );
    ExpectedDiag::error(
        "ignition::check::declared_type",
        "`net` is declared a percent but its value is money in EUR",
    )
    .help("change the declared type or the expression")
    .label("this is money in EUR")
    .underlined("amount - cost")
    .assert_in(&diags(&src));
}

#[test]
fn aggregates_of_an_expression_keep_their_rules() {
    // A text is not summed; count counts rows; the expression reads the set's columns.
    let src = plan("", "  kpi k = sum(deals, stage)");
    ExpectedDiag::error("ignition::check::units", "cannot sum a text column")
        .help("use count(…) or count_distinct(…) for text")
        .label("this column is text")
        .underlined("stage")
        .assert_in(&diags(&src));
    let src = plan("", "  kpi k = count(deals, amount)");
    let d = diags(&src);
    assert!(
        d.iter().any(|d| d.code == "ignition::check::argument"
            && d.message == "`count` takes one set of rows"),
        "{d:?}"
    );
    let src = plan("", "  kpi k = sum(deals, amont * 2)");
    assert!(diags(&src)
        .iter()
        .any(|d| d.code == "ignition::check::unknown_name"));
}

#[test]
fn fmt_keeps_the_shorthand_and_the_computed_columns_in_place() {
    let src = plan(
        "    let net  =  amount-cost // what is left\n    margin: percent",
        "  kpi a = sum(deals.amount)\n  kpi b = sum( deals , amount*margin )",
    );
    let file = ignition::diagnostics::SourceFile::new("plan.plan", src.as_str());
    let unit = ignition::syntax::parser::parse_unit(&file).expect("parses");
    let out = ignition::syntax::format::format(&src, &unit);
    assert!(
        out.contains("    let net = amount - cost // what is left\n    margin: percent\n"),
        "{out}"
    );
    assert!(out.contains("kpi a = sum(deals.amount)\n"), "{out}");
    assert!(
        out.contains("kpi b = sum(deals, amount * margin)\n"),
        "{out}"
    );
}

#[test]
fn a_computed_column_is_computed_once_for_every_row_and_read_by_every_definition() {
    // Two definitions read `net` for two reps over two quarters: the column is computed once,
    // into the table (one value per row, in the order the evaluator reads them).
    let src = plan(
        "    let net = amount - cost",
        "  kpi a = sum(deals.net)\n  kpi b = max(deals, net * 2) otherwise 0 EUR",
    );
    let checked = ignition::compile_str("plan.plan", &src).expect("checks");
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(
        dir.path().join("reps.csv"),
        "rep_id,quota\nr1,100\nr2,100\n",
    )
    .expect("reps");
    std::fs::write(
        dir.path().join("deals.csv"),
        "deal_id,owner,amount,cost,stage,close_date\n\
         D1,r1,100,30,Won,2026-01-10\nD2,r2,50,60,Won,2026-04-10\nD3,r1,10,1,Won,2026-05-01\n",
    )
    .expect("deals");
    let sources = ignition::data::Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let plan = &checked.plan;
    let (data, _) =
        ignition::data::load(plan, &sources, ignition::data::Options::default()).expect("loads");
    let deals = ignition::ir::TableId(1);
    let net = plan.tables[1].column("net").expect("net");
    assert!(
        data.tables[deals].computed_values(net).is_none(),
        "not before it is read"
    );
    let results = ignition::eval::evaluate(plan, &data);
    let cells = data.tables[deals].computed_values(net).expect("computed");
    let mut values: Vec<String> = cells
        .iter()
        .map(|c| match c {
            Ok(v) => v.exact(&data.strings),
            Err(e) => format!("{e:?}"),
        })
        .collect();
    values.sort();
    // 100 − 30 = 70, 50 − 60 = −10, 10 − 1 = 9
    assert_eq!(values, ["-10", "70", "9"]);
    let a = plan.def_named("a").expect("a");
    let b = plan.def_named("b").expect("b");
    let r1 = data.roster.find("r1").expect("r1");
    let text = |d, p, k| match results.get(d, p, k) {
        Ok(v) => v.exact(&data.strings),
        Err(e) => format!("{e:?}"),
    };
    // r1: Q1 D1 70; Q2 D3 9; max(net × 2) in Q1 = 140
    assert_eq!(text(a, r1, 0), "70");
    assert_eq!(text(a, r1, 1), "9");
    assert_eq!(text(b, r1, 0), "140");
}

#[test]
fn a_row_whose_computed_value_fails_is_named_by_file_and_line() {
    let src = plan(
        "    let ratio = amount / cost",
        "  kpi c = sum(deals.ratio)",
    );
    let checked = ignition::compile_str("plan.plan", &src).expect("checks");
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(dir.path().join("reps.csv"), "rep_id,quota\nr1,100\n").expect("reps");
    std::fs::write(
        dir.path().join("deals.csv"),
        "deal_id,owner,amount,cost,stage,close_date\n\
         D1,r1,100,50,Won,2026-01-10\nD2,r1,50,0,Won,2026-02-10\n",
    )
    .expect("deals");
    let sources = ignition::data::Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let plan = &checked.plan;
    let (data, _) =
        ignition::data::load(plan, &sources, ignition::data::Options::default()).expect("loads");
    let results = ignition::eval::evaluate(plan, &data);
    let diags = ignition::eval::errors(plan, &data, &results, 10);
    let file = dir.path().join("deals.csv").display().to_string();
    ExpectedDiag::error(
        "ignition::eval::no_value",
        &format!(
            "the computed column `ratio` of {file}:3 has no value: division by zero in `c` for r1 in 2026-Q1"
        ),
    )
    .help("fix the row, or state the column's fallback in the plan, e.g. `let ratio = … otherwise 0`")
    .label(&format!("the computed column `ratio` of {file}:3 has no value: division by zero"))
    .underlined("sum(deals.ratio)")
    .assert_in(&diags);
}

#[test]
fn a_text_the_data_lacks_is_reported_in_computed_columns_and_row_expressions() {
    let src = plan(
        "    let won = stage == \"Closed Wonn\"",
        "  kpi a = sum(deals.amount where won)\n  kpi b = count_distinct(deals, stage == \"Losst\")",
    );
    let checked = ignition::compile_str("plan.plan", &src).expect("checks");
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(dir.path().join("reps.csv"), "rep_id,quota\nr1,100\n").expect("reps");
    std::fs::write(
        dir.path().join("deals.csv"),
        "deal_id,owner,amount,cost,stage,close_date\nD1,r1,100,50,Closed Won,2026-01-10\n",
    )
    .expect("deals");
    let sources = ignition::data::Sources {
        dirs: vec![dir.path().to_path_buf()],
        files: Vec::new(),
        delimiters: Vec::new(),
    };
    let (data, _) =
        ignition::data::load(&checked.plan, &sources, ignition::data::Options::default())
            .expect("loads");
    let warnings = ignition::data::filters::check(&checked.plan, &data, false);
    let underlined: Vec<&str> = warnings
        .iter()
        .filter_map(|d| {
            let (span, _) = d.labels.first()?;
            src.get(span.offset()..span.offset() + span.len())
        })
        .collect();
    assert_eq!(underlined, ["\"Closed Wonn\"", "\"Losst\""], "{warnings:?}");
}

#[test]
fn explain_lists_a_computed_column_the_evaluation_never_needed_as_empty() {
    // `net` is only the fallback of `gross otherwise net`, and every row has a gross: the
    // evaluation never computes `net`, and the rows list shows it empty (never a panic).
    let src = plan(
        "    let gross = amount + cost\n    let net = amount - cost",
        "  kpi a = sum(deals, gross otherwise net)",
    );
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(dir.path().join("plan.plan"), &src).expect("plan");
    std::fs::write(dir.path().join("reps.csv"), "rep_id,quota\nr1,100\n").expect("reps");
    std::fs::write(
        dir.path().join("deals.csv"),
        "deal_id,owner,amount,cost,stage,close_date\nD1,r1,100,50,Won,2026-01-10\n",
    )
    .expect("deals");
    let out = crate::common::outcome(
        crate::common::ignition()
            .current_dir(dir.path())
            .args(["explain", "plan.plan", "--data", ".", "--participant", "r1"])
            .args(["--period", "2026-Q1", "a"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // 100 + 50 = 150
    assert!(out.stdout.contains("a = 150.00 EUR"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("gross 150.00 EUR, net , gross otherwise net 150.00 EUR ./deals.csv:2"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_computed_value_past_the_decimal_range_stays_exact_until_a_definition_must_hold_it() {
    // hostile values: the roster's computed `huge` = 1 × 79,228,162,514,264,337,593,543,950,335
    // × 10 is past a decimal's range; read by `k` it is a located error, divided by 100 first
    // it is exact: 7,922,816,251,426,433,759,354,395,033.5.
    let text = "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  \
                input r key id {\n    id: text\n    amt: money\n    \
                let huge = amt * 79228162514264337593543950335 * 10\n  }\n  participants r\n";
    let o = crate::common::run_inline(
        &format!("{text}  kpi k = huge\n}}\n"),
        &[("r", "id,amt\nr1,1\n")],
    );
    crate::common::expect_code(&o, 2);
    assert!(o.stderr.contains("to hold exactly in `k`"), "{}", o.stderr);
    let o = crate::common::run_inline(
        &format!("{text}  kpi back = huge / 100\n}}\n"),
        &[("r", "id,amt\nr1,1\n")],
    );
    assert_eq!(
        crate::common::value(crate::common::ok(&o), "r1", "2026", "back"),
        crate::common::d("7922816251426433759354395033.5")
    );
}

#[test]
fn a_syntax_error_elsewhere_keeps_the_computed_columns_of_an_input() {
    // Recovery cuts the plan at declaration keywords; `let` inside an input's braces is a
    // computed column, not the start of a declaration: the only error is the broken kpi.
    let src = plan(
        "    let net = amount - cost\n    let won = stage == \"Won\"",
        "  kpi broken = (\n  kpi a = sum(deals.net where won)",
    );
    let d = diags(&src);
    let errors: Vec<&str> = d
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_ref())
        .collect();
    assert_eq!(errors, ["ignition::parse::syntax"], "{d:?}");
    let file = ignition::diagnostics::SourceFile::new("plan.plan", src.as_str());
    let (plan, _) = ignition::syntax::parser::parse_recovering(&file);
    let plan = plan.expect("a plan without the broken kpi");
    let computed: Vec<&str> = plan
        .decls
        .iter()
        .filter_map(|d| match &d.kind {
            ignition::syntax::ast::DeclKind::Input { computed, .. } => Some(computed),
            _ => None,
        })
        .flatten()
        .map(|c| c.name.name.as_str())
        .collect();
    assert_eq!(computed, ["net", "won"]);
}
