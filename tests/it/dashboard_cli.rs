//! issue 11, dashboard: `ignition dashboard` — the attention order, the figures, the three
//! formats, text that must not become a formula, and the exit codes.

use crate::harness::Test;
use std::io::Read;

/// Two KPIs with targets: `deals_won` (activity, red below its target of 2, else green) and
/// `bookings` (result, red below 50% of the quota, amber below 100%). m1 manages r1, r2, r3;
/// m2 manages r4.
const PLAN: &str = r#"plan "Coach" {
  currency EUR
  periods monthly from 2026-01-01 to 2026-03-31

  input reps key id {
    id: text
    name: text
    boss: text?
    quota: money
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    closed: date
  }
  participants reps managed by boss
  credit deals to owner by closed

  kpi deals_won = count(deals) {
    category activity
    target 2
  }
  kpi bookings = sum(deals.amount) {
    label "Bookings"
    category result
    target quota
    status red below 50% of target, amber below 100% of target
  }
}
"#;

const REPS: &str = "id,name,boss,quota\n\
m1,Mia,,0\n\
r1,Ann,m1,100\n\
r2,Bob,m1,100\n\
r3,=1+2,m1,100\n\
m2,Max,,0\n\
r4,Dan,m2,100\n";

// March: r1 books 40 in one deal, r2 60 + 20 in two, r3 45 in one, r4 150 in two.
// January: r1 books 100 in two deals (a trend point).
const DEALS: &str = "deal_id,owner,amount,closed\n\
d1,r1,40,2026-03-02\n\
d2,r2,60,2026-03-03\n\
d3,r2,20,2026-03-04\n\
d4,r3,45,2026-03-05\n\
d5,r4,100,2026-03-06\n\
d6,r4,50,2026-03-07\n\
d7,r1,50,2026-01-10\n\
d8,r1,50,2026-01-11\n";

fn test() -> Test {
    Test::new()
        .plan(PLAN)
        .table("reps", REPS)
        .table("deals", DEALS)
}

#[test]
fn csv_orders_the_team_by_who_needs_attention_first() {
    // r1: 1 deal < 2, red; 40 < 50% × 100 = 50, red: 2 red; lowest attainment 40/100 = 40%.
    // r3: 1 deal, red; 45 < 50, red: 2 red; lowest 45%. r2: 2 deals, green; 80 is not
    // below 50 but below 100, amber: 0 red, 1 amber. Order: r1 (2 red, 40%), r3 (2 red,
    // 45%), r2. Managers are not rows; r4 is m2's. r3's name starts a formula: quoted with '.
    // Attainment 1/2 = 0.5, 40/100 = 0.4, 45/100 = 0.45, 2/2 = 1, 80/100 = 0.8; gaps
    // value − target: −1, −60.00, −55.00, 0, −20.00.
    test()
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-03",
            "--manager",
            "m1",
            "--format",
            "csv",
        ])
        .stdout(
            "rank,participant,name,manager,period,family,kpi,label,value,target,attainment,gap,status,red,amber\n\
             1,r1,Ann,m1,2026-03,activity,deals_won,deals_won,1,2,0.5,-1,red,2,0\n\
             1,r1,Ann,m1,2026-03,result,bookings,Bookings,40.00,100.00,0.4,-60.00,red,2,0\n\
             2,r3,\"'=1+2\",m1,2026-03,activity,deals_won,deals_won,1,2,0.5,-1,red,2,0\n\
             2,r3,\"'=1+2\",m1,2026-03,result,bookings,Bookings,45.00,100.00,0.45,-55.00,red,2,0\n\
             3,r2,Bob,m1,2026-03,activity,deals_won,deals_won,2,2,1,0,green,0,1\n\
             3,r2,Bob,m1,2026-03,result,bookings,Bookings,80.00,100.00,0.8,-20.00,amber,0,1\n",
        )
        .run();
}

#[test]
fn the_page_is_self_contained_and_links_each_figure() {
    let t = test().args([
        "dashboard",
        "plan.plan",
        "--data",
        ".",
        "--period",
        "2026-03",
        "-o",
        "d.html",
    ]);
    t.run();
    let page = std::fs::read_to_string(t.path().join("d.html")).expect("the page");
    // The whole organisation: the four reps, r4 (all green) last.
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("no {s} in the page"));
    assert!(at("id=\"rep-r1\"") < at("id=\"rep-r3\""));
    assert!(at("id=\"rep-r3\"") < at("id=\"rep-r2\""));
    assert!(at("id=\"rep-r2\"") < at("id=\"rep-r4\""));
    assert!(!page.contains("id=\"rep-m1\""), "managers are not rows");
    // Self-contained: no script, no stylesheet or image fetched.
    for bad in ["<script", "<link", "src=", "http://", "https://"] {
        assert!(!page.contains(bad), "the page has {bad}");
    }
    // Status in colour and in words; the figure links to how it is computed.
    assert!(page.contains("<span class=\"st red\">✖ red</span>"));
    assert!(page.contains("<a href=\"#how-bookings\""));
    assert!(page.contains("id=\"how-bookings\""));
    // r1's bookings trend: January 100, February 0, March 40: three points, a line.
    assert!(page.contains("<svg class=\"spark\""));
    // Text is escaped: r3's name.
    assert!(page.contains("=1+2"));
    assert!(page.contains("@media print"));
}

#[test]
fn explain_pages_are_written_and_linked() {
    let t = test().args([
        "dashboard",
        "plan.plan",
        "--data",
        ".",
        "--period",
        "2026-03",
        "--manager",
        "m1",
        "-o",
        "d.html",
        "--explain",
        "why",
    ]);
    t.run();
    let page = std::fs::read_to_string(t.path().join("d.html")).expect("the page");
    assert!(page.contains("href=\"why/r1_2026-03.html#bookings\""));
    let why = std::fs::read_to_string(t.path().join("why/r1_2026-03.html")).expect("r1's page");
    assert!(why.contains("<a id=\"bookings\"></a>"));
    assert!(why.contains("<a id=\"bookings.status\"></a>"));
    assert!(
        !t.path().join("why/r4_2026-03.html").exists(),
        "r4 is not m1's"
    );
}

#[test]
fn xlsx_has_numbers_as_numbers_and_no_formula() {
    let t = test().args([
        "dashboard",
        "plan.plan",
        "--data",
        ".",
        "--period",
        "2026-03",
        "--format",
        "xlsx",
        "-o",
        "d.xlsx",
    ]);
    t.run();
    let file = std::fs::File::open(t.path().join("d.xlsx")).expect("the workbook");
    let mut zip = zip::ZipArchive::new(file).expect("an xlsx is a zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("no {name}"))
            .read_to_string(&mut s)
            .expect("utf-8");
        s
    };
    let book = read("xl/workbook.xml");
    for sheet in ["dashboard", "activity", "result"] {
        assert!(book.contains(&format!("name=\"{sheet}\"")), "{book}");
    }
    let strings = read("xl/sharedStrings.xml");
    assert!(strings.contains("=1+2"), "the name is a string: {strings}");
    // Sheet 3 is `result`: r1's bookings 40 is a number cell, not a string.
    let result = read("xl/worksheets/sheet3.xml");
    assert!(result.contains("<v>40</v>"), "{result}");
    for sheet in 1..=3 {
        let xml = read(&format!("xl/worksheets/sheet{sheet}.xml"));
        assert!(!xml.contains("<f>"), "sheet {sheet} has a formula");
    }
    // The quote prefix keeps `=1+2` text when the cell is edited.
    assert!(read("xl/styles.xml").contains("quotePrefix=\"1\""));
}

#[test]
fn an_unknown_manager_or_period_is_exit_2() {
    test()
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-03",
        ])
        .args(["--manager", "m9"])
        .status(2)
        .stderr_has("ignition::cli::team")
        .run();
    // A rep manages nobody: no team.
    test()
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-03",
        ])
        .args(["--manager", "r1"])
        .status(2)
        .stderr_has("nobody reports to this participant")
        .run();
    test()
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-13",
        ])
        .status(2)
        .stderr_has("ignition::cli::unknown_period")
        .run();
    // XLSX is binary: not to stdout.
    test()
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-03",
        ])
        .args(["--format", "xlsx"])
        .status(2)
        .stderr_has("--format xlsx needs a file")
        .run();
}

/// issue 11: a plan with a scorecard and a KPI with `drivers`. `bookings` is
/// `deals_won × avg_deal`; KPIs without a `status` line are red below their target.
const DRIVERS_PLAN: &str = r#"plan "Coach" {
  currency EUR
  periods monthly from 2026-01-01 to 2026-03-31

  input reps key id {
    id: text
    boss: text?
    quota: money
  }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    closed: date
  }
  participants reps managed by boss
  credit deals to owner by closed

  kpi deals_won = count(deals) {
    category activity
    target 2
  }
  kpi avg_deal = sum(deals.amount) / count(deals) otherwise 0 EUR {
    category result
    target 50 EUR
  }
  kpi bookings = sum(deals.amount) {
    category result
    target quota
    status red below 50% of target, amber below 100% of target
    drivers deals_won * avg_deal
  }
  scorecard mbo {
    bookings   60%  cap 150%
    deals_won  40%
  }
}
"#;

#[test]
fn scorecard_scores_break_ties_and_drivers_split_the_gap() {
    // March (quota; deals):
    // r1 (150; 20, 20, 20): deals_won 3 ≥ 2 green (150%); avg 20 < 50 red (40%); bookings
    //   60 < 50% × 150 = 75 red (40%). 2 red, lowest 40%. mbo 40% × 60% + 150% × 40% = 84%.
    // r2 (100; 60, 20): deals 2 green; avg 40 red (80%); bookings 80 amber (80%). mbo
    //   80% × 60% + 100% × 40% = 88%.
    // r3 (100; 20, 20): deals 2 green; avg 20 red (40%); bookings 40 red (40%). 2 red,
    //   lowest 40%. mbo 40% × 60% + 100% × 40% = 64%.
    // r4 (100; 40): deals 1 red (50%); avg 40 red; bookings 40 red. 3 red. mbo 24% + 20% = 44%.
    // Order: r4 (3 red); r3 and r1 tie on 2 red, 0 amber, lowest 40%: the lower score, r3
    // (64% < 84%), first, though r1 < r3 by id; then r2 (1 red).
    // bookings' gap by Shapley over the two drivers (n = 2: each order weighs ½):
    // r4: 40 − 100 = −60. deals_won: ½[(1·50 − 2·50) + (1·40 − 2·40)] = ½(−50 − 40) = −45;
    //   avg_deal: ½[(2·40 − 2·50) + (1·40 − 1·50)] = ½(−20 − 10) = −15; −45 − 15 = −60.
    // r3: 40 − 100 = −60. deals_won: 2 vs 2 → 0; avg_deal: ½[(2·20 − 2·50) × 2] = −60.
    // r1: 60 − 150 = −90. deals_won: ½[(3·50 − 2·50) + (3·20 − 2·20)] = ½(50 + 20) = 35;
    //   avg_deal: ½[(2·20 − 2·50) + (3·20 − 3·50)] = ½(−60 − 90) = −75; the target 150 is
    //   not 2 × 50 = 100: 100 − 150 = −50 is the target's own part. 35 − 75 − 50 = −90.
    let t = Test::new()
        .plan(DRIVERS_PLAN)
        .table(
            "reps",
            "id,boss,quota\nm1,,0\nr1,m1,150\nr2,m1,100\nr3,m1,100\nr4,m1,100\n",
        )
        .table(
            "deals",
            "deal_id,owner,amount,closed\n\
             d1,r1,20,2026-03-02\nd2,r1,20,2026-03-03\nd3,r1,20,2026-03-04\n\
             d4,r2,60,2026-03-05\nd5,r2,20,2026-03-06\n\
             d6,r3,20,2026-03-07\nd7,r3,20,2026-03-08\n\
             d8,r4,40,2026-03-09\n",
        )
        .args([
            "dashboard",
            "plan.plan",
            "--data",
            ".",
            "--period",
            "2026-03",
            "-o",
            "d.html",
        ]);
    t.run();
    let page = std::fs::read_to_string(t.path().join("d.html")).expect("the page");
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("no {s} in the page"));
    assert!(at("id=\"rep-r4\"") < at("id=\"rep-r3\""));
    assert!(at("id=\"rep-r3\"") < at("id=\"rep-r1\""));
    assert!(at("id=\"rep-r1\"") < at("id=\"rep-r2\""));
    let section = |id: &str| {
        let from = at(&format!("id=\"rep-{id}\""));
        let rest = &page[from..];
        rest[..rest.find("</section>").unwrap_or(rest.len())].to_string()
    };
    let score = |s: &str| format!("<span class=\"score\">scorecard mbo <b>{s}</b></span>");
    assert!(section("r1").contains(&score("84.00%")));
    assert!(section("r2").contains(&score("88.00%")));
    assert!(section("r3").contains(&score("64.00%")));
    assert!(section("r4").contains(&score("44.00%")));
    assert!(section("r4").contains(
        "<ul class=\"drivers\"><li>deals_won: -45.00</li><li>avg_deal: -15.00</li></ul>"
    ));
    assert!(section("r3")
        .contains("<ul class=\"drivers\"><li>deals_won: 0.00</li><li>avg_deal: -60.00</li></ul>"));
    assert!(section("r1").contains(
        "<ul class=\"drivers\"><li>deals_won: 35.00</li><li>avg_deal: -75.00</li>\
         <li>its target beyond its drivers&#39; targets: -50.00</li></ul>"
    ));
    // Only bookings has drivers.
    assert_eq!(section("r4").matches("class=\"drivers\"").count(), 1);
}

#[test]
fn the_coaching_plan_splits_a_bookings_gap_between_its_drivers() {
    // plans/coaching, week of 2026-03-23: r03 (weekly target 10,000) won one deal of
    // 9,000. deals_won 1 against 2; avg_deal 9,000 against 10,000 / 2 = 5,000; bookings
    // 9,000 − 10,000 = −1,000, split by Shapley over the two drivers (each order ½):
    // deals_won ½[(1·5,000 − 2·5,000) + (1·9,000 − 2·9,000)] = ½(−5,000 − 9,000) = −7,000;
    // avg_deal ½[(2·9,000 − 2·5,000) + (1·9,000 − 1·5,000)] = ½(8,000 + 4,000) = 6,000;
    // −7,000 + 6,000 = −1,000, and 2 × 5,000 = 10,000 is the target: no remainder.
    let root = env!("CARGO_MANIFEST_DIR");
    Test::new()
        .args([
            "dashboard".to_string(),
            format!("{root}/plans/coaching/plan.plan"),
            "--data".to_string(),
            format!("{root}/plans/coaching/data"),
            "--period".to_string(),
            "2026-03-23".to_string(),
            "--manager".to_string(),
            "m1".to_string(),
        ])
        .stdout_has(
            "<b>Bookings</b> gap -1,000.00: 9,000.00 against a target of 10,000.00\
             <ul class=\"drivers\"><li>deals_won: -7,000.00</li><li>avg_deal: 6,000.00</li></ul>",
        )
        .run();
}
