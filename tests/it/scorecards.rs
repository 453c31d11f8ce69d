//! issue 11, scorecards and cascades: parsing and printing back, every check's diagnostic
//! (message, help, underlined text), explain (text and JSON) and the run-time error of
//! targets that do not add up. The evaluation rules, worked by hand, are
//! tests/rules/scorecard_weighs_clamped_attainments and targets_cascade_down_and_roll_up.

use crate::diagnostics::plan_with;
use crate::expect_diag::ExpectedDiag;
use crate::harness::Test;
use ignition::diagnostics::{render_plain, Diag, SourceFile};
use ignition::syntax::ast::{
    Better, DeclKind, ExprKind, KpiItemKind, LimitKind, ScorecardItemKind, StatusLevel,
};

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

fn expect(src: &str, expected: ExpectedDiag) -> String {
    let all = diags(src);
    let found = all
        .iter()
        .find(|d| d.code == expected.code())
        .unwrap_or_else(|| panic!("no {} in:\n{}", expected.code(), render_plain(&all, 100)));
    expected.assert(found);
    render_plain(std::slice::from_ref(found), 100)
}

/// KPIs with targets for the scorecards below (added to the diagnostics' base plan).
const KPIS: &str = "  kpi win_rate: percent = count(won) / count(deals) otherwise 0% {\n    \
                    target 30%\n    no data when count(deals) == 0\n  }\n  \
                    kpi deal_count = count(deals) { target 10 }\n  \
                    kpi bookings_vs_quota = bookings { target quota }\n";

fn with(extra: &str) -> String {
    plan_with(&format!("{KPIS}{extra}"))
}

// ---------------------------------------------------------------- parser and fmt

const WRITTEN: &str = "plan \"P\" {\n  scorecard mbo {\n    win_rate  40%  floor 0%  cap 120%\n    \
                       deals     30%  cap top\n    weights add up to 70%\n    no data reweights\n    \
                       when bookings > 0 EUR\n  }\n  kpi k = 1 {\n    target t\n    split by share s\n    \
                       targets add up\n  }\n  kpi r = 1 {\n    target t\n    roll up\n  }\n  \
                       kpi e = 1 {\n    target t\n    split equally\n  }\n}\n";

#[test]
fn a_scorecard_and_cascade_lines_parse_into_the_ast() {
    let src = SourceFile::new("p.plan", WRITTEN.to_string());
    let plan = ignition::syntax::parse(&src).expect("parses");
    let DeclKind::Scorecard { name, items, .. } = &plan.decls[0].kind else {
        panic!("{:?}", plan.decls[0].kind);
    };
    assert_eq!(name.name, "mbo");
    assert_eq!(items.len(), 5);
    let ScorecardItemKind::Measure {
        kpi,
        weight: _,
        bounds,
    } = &items[0].kind
    else {
        panic!("{:?}", items[0].kind);
    };
    assert_eq!(kpi.name, "win_rate");
    let kinds: Vec<LimitKind> = bounds.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [LimitKind::Floor, LimitKind::Cap]);
    assert!(matches!(items[2].kind, ScorecardItemKind::Weights(_)));
    assert!(matches!(items[3].kind, ScorecardItemKind::NoDataReweights));
    assert!(matches!(items[4].kind, ScorecardItemKind::Gate(_)));
    let DeclKind::Kpi {
        intent: Some(block),
        ..
    } = &plan.decls[1].kind
    else {
        panic!("{:?}", plan.decls[1].kind);
    };
    assert!(matches!(block.items[1].kind, KpiItemKind::Split(Some(_))));
    assert!(matches!(block.items[2].kind, KpiItemKind::AddUp));
    let DeclKind::Kpi {
        intent: Some(block),
        ..
    } = &plan.decls[2].kind
    else {
        panic!();
    };
    assert!(matches!(block.items[1].kind, KpiItemKind::RollUp));
    let DeclKind::Kpi {
        intent: Some(block),
        ..
    } = &plan.decls[3].kind
    else {
        panic!();
    };
    assert!(matches!(block.items[1].kind, KpiItemKind::Split(None)));
}

/// A KPI with every line of intent and drivers, formatted as `fmt` prints it.
const INTENT: &str = "plan \"P\" {\n  kpi win_rate: percent = w {\n    label \"Win rate\"\n    \
                      category result\n    target 30%\n    better lower\n    \
                      status red above 120% of target, amber above 40%\n    \
                      no data when n == 0\n    drivers a * (b / c)\n  }\n}\n";

#[test]
fn kpi_intent_and_drivers_lines_parse_into_the_ast_and_print_back() {
    let src = SourceFile::new("p.plan", INTENT.to_string());
    let plan = ignition::syntax::parse(&src).expect("parses");
    let DeclKind::Kpi {
        intent: Some(block),
        ..
    } = &plan.decls[0].kind
    else {
        panic!("{:?}", plan.decls[0].kind);
    };
    let kinds = &block.items;
    assert_eq!(kinds.len(), 7);
    assert!(matches!(&kinds[0].kind, KpiItemKind::Label(l) if l == "Win rate"));
    assert!(matches!(&kinds[1].kind, KpiItemKind::Category(c) if c.name == "result"));
    assert!(matches!(&kinds[2].kind, KpiItemKind::Target(_)));
    assert!(matches!(kinds[3].kind, KpiItemKind::Better(Better::Lower)));
    let KpiItemKind::Status(t) = &kinds[4].kind else {
        panic!("{:?}", kinds[4].kind);
    };
    // Red above 120% of target, amber above the absolute 40%.
    assert_eq!(
        t.iter()
            .map(|t| (t.level, t.above, t.of_target))
            .collect::<Vec<_>>(),
        [
            (StatusLevel::Red, true, true),
            (StatusLevel::Amber, true, false)
        ]
    );
    assert!(matches!(&kinds[5].kind, KpiItemKind::NoData(_)));
    // drivers a * (b / c): a product whose right side is a quotient.
    let KpiItemKind::Drivers(e) = &kinds[6].kind else {
        panic!("{:?}", kinds[6].kind);
    };
    assert!(
        matches!(&e.kind, ExprKind::Binary(_, _, b) if matches!(b.kind, ExprKind::Binary(..))),
        "{e:?}"
    );
    // fmt prints it back as written.
    let unit = ignition::syntax::parser::parse_unit(&src).expect("parses");
    assert_eq!(ignition::syntax::format::format(INTENT, &unit), INTENT);
}

#[test]
fn fmt_prints_scorecards_and_cascades_back_as_written() {
    // WRITTEN is already formatted: fmt leaves it as it is.
    let unit =
        ignition::syntax::parser::parse_unit(&SourceFile::new("p.plan", WRITTEN.to_string()))
            .expect("parses");
    assert_eq!(ignition::syntax::format::format(WRITTEN, &unit), WRITTEN);
    // Squeezed onto few lines, it comes back the same.
    let squeezed = WRITTEN.replace("\n    ", " ").replace("{ ", "{");
    let unit2 = ignition::syntax::parser::parse_unit(&SourceFile::new("p.plan", squeezed.clone()))
        .expect("parses squeezed");
    assert_eq!(ignition::syntax::format::format(&squeezed, &unit2), WRITTEN);
}

#[test]
fn the_new_words_are_not_reserved() {
    // A KPI may be called `weights`, `no`, `split` or `up`, and a scorecard measure reads it.
    let src = with(
        "  kpi weights = count(deals) { target 4 }\n  kpi split = count(won) { target 2 }\n  \
         scorecard s {\n    weights 50%\n    split 50%\n  }\n",
    );
    let d = diags(&src);
    assert!(d.iter().all(|d| !d.is_error()), "{}", render_plain(&d, 100));
}

// ---------------------------------------------------------------- checks

#[test]
fn weights_must_add_up_to_100_percent_or_to_what_the_block_says() {
    let r = expect(
        &with("  scorecard mbo {\n    win_rate 40%\n    deal_count 30%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_weights",
            "the weights of `mbo` add up to 70%, not 100%",
        )
        .help(
            "make the weights add up to 100%, or say so in the block if that is meant: \
             `weights add up to 70%`",
        )
        .label("weights add up to 70%")
        .underlined("mbo"),
    );
    insta::assert_snapshot!("scorecard_weights", r);
    expect(
        &with("  scorecard mbo {\n    win_rate 60%\n    deal_count 50%\n    weights add up to 120%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_weights",
            "the weights of `mbo` add up to 110%, not 120%",
        )
        .help("make the weights add up to the `weights add up to` line")
        .label("weights add up to 110%")
        .underlined("mbo"),
    );
    // Saying so makes 70% right.
    let ok = with(
        "  scorecard mbo {\n    win_rate 40%\n    deal_count 30%\n    weights add up to 70%\n  }\n",
    );
    assert!(diags(&ok).iter().all(|d| !d.is_error()));
}

#[test]
fn a_measure_must_be_a_kpi_with_a_target() {
    let r = expect(
        &with("  scorecard mbo {\n    win_rat 100%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_measure",
            "`win_rat` in scorecard `mbo` is not a KPI",
        )
        .help("did you mean `win_rate`?")
        .label("unknown name")
        .underlined("win_rat"),
    );
    insta::assert_snapshot!("scorecard_unknown_measure", r);
    expect(
        &with("  scorecard mbo {\n    commission 100%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_measure",
            "`commission` in scorecard `mbo` is a payout, not a KPI",
        )
        .help("the KPIs with a target: bookings_vs_quota, deal_count, win_rate")
        .label("not a KPI")
        .underlined("commission"),
    );
    let r = expect(
        &with("  scorecard mbo {\n    bookings 100%\n  }\n"),
        ExpectedDiag::error("ignition::check::kpi_no_target", "`bookings` has no target")
            .help("give `bookings` a target in its block: `kpi bookings = … { target … }`")
            .label("a scorecard measure needs a target")
            .underlined("bookings"),
    );
    insta::assert_snapshot!("scorecard_no_target", r);
    expect(
        &with("  scorecard mbo {\n    win_rate 50%\n    win_rate 50%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_measure",
            "`win_rate` is measured twice in scorecard `mbo`",
        )
        .help("give the KPI one line, with its whole weight")
        .label("again here")
        .underlined("win_rate 50%"),
    );
}

#[test]
fn weights_floors_and_caps_are_constant_percents() {
    expect(
        &with("  scorecard mbo {\n    win_rate 100% cap 2\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_bound",
            "a cap of a scorecard is a percent, not an integer",
        )
        .help("write a percent, e.g. `40%`, or the name of a percent `param`")
        .label("here")
        .underlined("2"),
    );
    let r = expect(
        &with("  scorecard mbo {\n    win_rate 100% floor 50% cap 20%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_bound",
            "the floor of `win_rate` (50%) is above its cap (20%)",
        )
        .help("a floor is the least attainment counted, a cap the most: e.g. `floor 0% cap 120%`")
        .label("here")
        .underlined("cap 20%"),
    );
    insta::assert_snapshot!("scorecard_bound", r);
    expect(
        &with("  scorecard mbo {\n    win_rate 100%\n    deal_count 0%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_bound",
            "the weight of `deal_count` is not above 0%",
        )
        .help("leave the measure out of the scorecard instead")
        .label("here")
        .underlined("0%"),
    );
    // A percent param is a constant: it may be a cap.
    let ok = with("  param top = 150%\n  scorecard mbo {\n    win_rate 100% cap top\n  }\n");
    assert!(
        diags(&ok).iter().all(|d| !d.is_error()),
        "{}",
        render_plain(&diags(&ok), 100)
    );
}

#[test]
fn a_scorecard_says_each_setting_once_and_its_gate_is_a_condition() {
    expect(
        &with(
            "  scorecard mbo {\n    win_rate 100%\n    when bookings > 0 EUR\n    when true\n  }\n",
        ),
        ExpectedDiag::error(
            "ignition::check::scorecard_setting",
            "`mbo` says `when` twice",
        )
        .help("keep one of them")
        .label("said again here")
        .label("first said here")
        .underlined("when true"),
    );
    expect(
        &with("  scorecard mbo {\n    win_rate 100% cap 100% cap 120%\n  }\n"),
        ExpectedDiag::error(
            "ignition::check::scorecard_setting",
            "`mbo` says the cap of `win_rate` twice",
        )
        .help("keep one of them")
        .label("said again here")
        .label("first said here")
        .underlined("cap 120%"),
    );
    let d = diags(&with(
        "  scorecard mbo {\n    win_rate 100%\n    when bookings\n  }\n",
    ));
    assert!(
        d.iter().any(|d| d.code == "ignition::check::gate_type"),
        "{}",
        render_plain(&d, 100)
    );
}

#[test]
fn a_cascade_needs_a_target_a_hierarchy_and_one_direction() {
    let r = expect(
        &plan_with("  kpi b2 = bookings {\n    split equally\n  }\n"),
        ExpectedDiag::error("ignition::check::kpi_no_target", "`b2` has no target")
            .help("give `b2` a target in its block: `kpi b2 = … { target … }`")
            .label("`split` needs a target to cascade")
            .underlined("split equally"),
    );
    insta::assert_snapshot!("cascade_no_target", r);
    expect(
        &plan_with(
            "  kpi b2 = bookings {\n    target quota\n    split equally\n    roll up\n  }\n",
        ),
        ExpectedDiag::error(
            "ignition::check::kpi_cascade",
            "`b2` both splits its target down and rolls it up",
        )
        .help(
            "choose one: `split …` when the target is set at the top and shared down, \
             `roll up` when it is set per person and summed up",
        )
        .label("here")
        .underlined("split equally"),
    );
    expect(
        &plan_with(
            "  kpi b2 = bookings {\n    target quota\n    split by share annual_quota\n  }\n",
        ),
        ExpectedDiag::error(
            "ignition::check::kpi_cascade",
            "the share of `b2` is money in EUR, not a percent",
        )
        .help(
            "a share is each person's part of the manager's target, e.g. `split by share \
             quota_share` with a percent column",
        )
        .label("here")
        .underlined("annual_quota"),
    );
    // Without `managed by` there is no one to split to.
    let src = plan_with("  kpi b2 = bookings {\n    target quota\n    targets add up\n  }\n")
        .replace(" managed by manager_id", "");
    expect(
        &src,
        ExpectedDiag::error(
            "ignition::check::no_hierarchy",
            "`targets add up` needs the participant hierarchy",
        )
        .help("declare it: `participants reps managed by manager_id`")
        .label("no hierarchy")
        .underlined("targets add up"),
    );
}

// ---------------------------------------------------------------- explain and run

const PLAN: &str = r#"plan "MBO" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30
  input reps key rep_id {
    rep_id: text
    manager_id: text?
    quota: money >= 0
    target_bonus: money >= 0
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money >= 0
    close_date: date
    stage: text
  }
  participants reps managed by manager_id
  credit deals to owner by close_date
  let won = deals where stage == "Won"
  kpi bookings = sum(won.amount) {
    target quota
    targets add up
  }
  kpi win_rate: percent = count(won) / count(deals) otherwise 0% {
    target 50%
    no data when count(deals) == 0
  }
  scorecard mbo {
    bookings  60%  floor 0%  cap 120%
    win_rate  40%
    when count(deals) > 0
  }
  payout mbo_bonus = target_bonus * mbo
}
"#;

const REPS: &str =
    "rep_id,manager_id,quota,target_bonus\nm1,,30000,0\nr1,m1,10000,1000\nr2,m1,20000,1000\n";
const DEALS: &str = "deal_id,owner,amount,close_date,stage\n\
                     d1,r1,15000,2026-01-10,Won\nd2,r1,5000,2026-01-11,Lost\n\
                     d3,r2,5000,2026-02-10,Won\n";

#[test]
fn explain_shows_each_measure_s_attainment_clamp_weight_and_contribution() {
    // r1 Q1: bookings 15,000 / 10,000 = 150%, capped at 120%, × 60% = 72%;
    // win rate 1 / 2 = 50%, / 50% = 100%, × 40% = 40%; score 112%; bonus 1,000 × 112% = 1,120.
    let out = Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "mbo_bonus",
        ])
        .stdout_has("mbo_bonus = 1,120.00 EUR")
        .stdout_has("mbo = 112%    scorecard mbo")
        .stdout_has("bookings: attainment 150% (floor 0%, cap 120%) → 120% × weight 60% = 72%")
        .stdout_has("win_rate: attainment 100% → 100% × weight 40% = 40%")
        .run();
    insta::assert_snapshot!("scorecard_explain_r1_q1", out.stdout);
    // The JSON carries the same steps.
    let out = Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "--format",
            "json",
            "mbo",
        ])
        .run();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let sc = &doc["nodes"][0]["scorecard"];
    assert_eq!(sc["reweighted"], false, "{doc:#}");
    assert_eq!(sc["measures"][0]["kpi"], "bookings");
    assert_eq!(sc["measures"][0]["attainment"], "1.5");
    assert_eq!(sc["measures"][0]["cap"], "1.2");
    assert_eq!(sc["measures"][0]["counted"], "1.2");
    assert_eq!(sc["measures"][0]["weight"], "0.6");
    assert_eq!(sc["measures"][0]["contribution"], "0.72");
    assert_eq!(sc["measures"][1]["contribution"], "0.4");
}

#[test]
fn explain_says_a_measure_without_data_adds_nothing() {
    // r2 Q2: no deal: the gate is closed; in Q1 r2 has 1 won of 1: win rate 100% / 50% = 200%.
    // m1 Q1: no deal of its own: win_rate has no data and adds 0% × 40%, bookings 0 / 30,000
    // = 0% × 60%: the gate (count(deals) > 0) is closed anyway, so the score is 0%.
    Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r2",
            "--period",
            "2026-Q2",
            "mbo",
        ])
        .stdout_has("mbo = 0%    scorecard mbo")
        .stdout_has("when count(deals) > 0: no, so this is 0")
        .run();
    let plan = PLAN.replace("    when count(deals) > 0\n", "");
    Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "m1",
            "--period",
            "2026-Q1",
            "mbo",
        ])
        .stdout_has("win_rate: no data (`win_rate.status` is \"no data\") → 0% × weight 40% = 0%")
        .stdout_has("bookings: attainment 0% (floor 0%, cap 120%) → 0% × weight 60% = 0%")
        .run();
}

#[test]
fn run_stops_on_a_team_whose_targets_do_not_add_up() {
    // m1's quota 30,000 but r1 and r2 add up to 10,000 + 25,000 = 35,000: 5,000 over.
    let reps =
        "rep_id,manager_id,quota,target_bonus\nm1,,30000,0\nr1,m1,10000,1000\nr2,m1,25000,1000\n";
    Test::new()
        .plan(PLAN)
        .table("reps", reps)
        .table("deals", DEALS)
        .args(["run", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("ignition::eval::targets_add_up")
        .stderr_has(
            "the targets of `bookings` in the team of `m1` (2 reports) add up to 35,000 EUR, not \
             the team's target 30,000 EUR: a difference of 5,000 EUR",
        )
        .stderr_has("for m1 in 2026-Q1")
        .run();
    // The data that adds up runs.
    Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args(["run", "plan.plan", "--data", "."])
        .run();
}

#[test]
fn explain_shows_where_a_cascaded_target_comes_from() {
    let plan = PLAN.replace("    targets add up\n", "    split equally\n");
    // m1's 30,000 split equally between r1 and r2: 15,000 each.
    Test::new()
        .plan(&plan)
        .table("reps", REPS)
        .table("deals", DEALS)
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r2",
            "--period",
            "2026-Q1",
            "bookings.status",
        ])
        .stdout_has("target quota = 15,000.00 EUR")
        .stdout_has("split equally: the target of m1, 30,000.00 EUR, / 2 reports")
        .run();
}

/// The explain JSON of `plan` for `who` in `when`, for `names`.
fn explain_json(
    plan: &str,
    reps: &str,
    who: &str,
    when: &str,
    names: &[&str],
) -> serde_json::Value {
    let mut args = vec![
        "explain",
        "plan.plan",
        "--data",
        ".",
        "--participant",
        who,
        "--period",
        when,
        "--format",
        "json",
    ];
    args.extend_from_slice(names);
    let out = Test::new()
        .plan(plan)
        .table("reps", reps)
        .table("deals", DEALS)
        .args(args)
        .run();
    serde_json::from_str(&out.stdout).expect("json")
}

#[test]
fn the_scorecard_and_cascade_blocks_match_the_explain_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/explain.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("json");
    let v = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let reweighted = PLAN.replace("    when count(deals) > 0\n", "    no data reweights\n");
    let split = PLAN.replace("    targets add up\n", "    split by share 50%\n");
    let reps_off =
        "rep_id,manager_id,quota,target_bonus\nm1,,30000,0\nr1,m1,10000,1000\nr2,m1,25000,1000\n";
    let docs = [
        // measures with data, and the targets that add up
        explain_json(PLAN, REPS, "r1", "2026-Q1", &["mbo", "bookings.status"]),
        explain_json(PLAN, REPS, "m1", "2026-Q1", &["bookings.status"]),
        // a measure without data, reweighted; a closed gate
        explain_json(&reweighted, REPS, "m1", "2026-Q1", &["mbo"]),
        explain_json(PLAN, REPS, "r2", "2026-Q2", &["mbo"]),
        // a target split by share, at the top and below
        explain_json(&split, REPS, "r1", "2026-Q1", &["bookings.status"]),
        explain_json(&split, REPS, "m1", "2026-Q1", &["bookings.status"]),
        // targets that do not add up: an error on the target's node
        explain_json(PLAN, reps_off, "m1", "2026-Q1", &["bookings.status"]),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for doc in &docs {
        let errs: Vec<String> = v
            .iter_errors(doc)
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect();
        assert!(errs.is_empty(), "{}\n{doc:#}", errs.join("\n"));
        let text = doc.to_string();
        for block in [
            "\"scorecard\"",
            "\"cascade\"",
            "\"no_data\"",
            "\"reweighted\":true",
        ] {
            if text.contains(block) {
                seen.insert(block);
            }
        }
        for from in ["top", "below", "own"] {
            if text.contains(&format!("\"from\":\"{from}\"")) {
                seen.insert(from);
            }
        }
    }
    // Every block and place was shown at least once.
    assert_eq!(seen.len(), 7, "{seen:?}");
    // m1's reweighted score: win_rate has no data (m1 has no deal), bookings 0 / 30,000 = 0%
    // takes the whole weight: 0%.
    let sc = &docs[2]["nodes"][0]["scorecard"];
    assert_eq!(sc["reweighted"], true, "{sc:#}");
    assert_eq!(sc["measures"][0]["weight"], "1");
    assert_eq!(sc["measures"][1]["weight"], "0");
    // r1 split by share: m1's 30,000 × 50% = 15,000.
    let found = docs[4].to_string();
    assert!(found.contains("\"manager_target\":\"30000\""), "{found}");
    assert!(found.contains("\"how\":\"split by share\""), "{found}");
}

#[test]
fn a_broken_scorecard_is_recovered_from_and_the_rest_is_checked() {
    // The scorecard's measure lacks its `%`; the KPI after it is still checked (its unknown
    // name is reported), and nothing complains about the scorecard's name.
    let src = with("  scorecard mbo {\n    win_rate 40\n  }\n  kpi after = nope\n");
    let d = diags(&src);
    let codes: Vec<&str> = d.iter().map(|d| d.code.as_ref()).collect();
    assert!(codes.contains(&"ignition::parse::syntax"), "{codes:?}");
    assert!(
        d.iter().any(|d| d.message == "unknown name `nope`"),
        "{}",
        render_plain(&d, 100)
    );
}

#[test]
fn hostile_targets_give_no_data_or_a_located_error_never_a_panic() {
    let plan =
        "plan \"H\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-03-31\n  \
           input reps key rep_id {\n    rep_id: text\n    t: money\n  }\n  \
           input deals key deal_id {\n    deal_id: text\n    owner: text\n    amount: money\n    \
           close_date: date\n  }\n  participants reps\n  credit deals to owner by close_date\n  \
           kpi b = sum(deals.amount) { target t }\n  scorecard s {\n    b 100%\n  }\n}\n"
            .to_string();
    // r1: a zero target: 5 / 0 has no value, so the measure has no data (0%, explained).
    // r2: a tiny target under a huge amount: the score does not fit a decimal: an error
    // located at the scorecard, for r2.
    let reps = "rep_id,t\nr1,0\nr2,0.0000000000000000000000000001\n";
    let deals = "deal_id,owner,amount,close_date\nd1,r1,5,2026-01-02\n\
                 d2,r2,7922816251426433759354395033,2026-01-02\n";
    Test::new()
        .plan(&plan)
        .table("reps", reps)
        .table("deals", deals)
        .args(["run", "plan.plan", "--data", "."])
        .status(2)
        .stderr_has("to hold exactly in `s` for r2 in 2026-Q1")
        .run();
    Test::new()
        .plan(&plan)
        .table("reps", reps)
        .table("deals", deals)
        .args([
            "explain",
            "plan.plan",
            "--data",
            ".",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "s",
        ])
        .stdout_has("s = 0%")
        .stdout_has(
            "b: no data (its attainment has no value: division by zero) → 0% × weight 100% = 0%",
        )
        .run();
}
