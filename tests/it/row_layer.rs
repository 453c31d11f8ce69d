//! issue 12, the row layer: `run` folds the credited tables it covers while streaming them
//! (no row kept) and must print exactly what reading the rows prints — for every example
//! plan, whatever the thread count or the order of the rows; a plan or data it does not
//! cover falls back to the rows by itself. (Explain and the plan tests check each aggregate
//! read from rows against the row layer's value: `ignition test plans/`, `eval_rules`.)

use crate::common::{ignition, outcome, workspace, Outcome};
use std::path::Path;

/// `ignition run PLAN --data DATA --format csv`, with the row layer on or off and
/// `threads` rayon threads.
fn run(plan: &Path, data: &Path, layer: &str, threads: &str) -> Outcome {
    outcome(
        ignition()
            .env("IGNITION_ROW_LAYER", layer)
            .env("RAYON_NUM_THREADS", threads)
            .arg("run")
            .arg(plan)
            .arg("--data")
            .arg(data)
            .args(["--format", "csv"]),
    )
}

/// Whether the row layer folded a table in this run (its phase timer names it).
fn folded(plan: &Path, data: &Path) -> bool {
    let out = outcome(
        ignition()
            .env("IGNITION_TIMINGS", "1")
            .arg("run")
            .arg(plan)
            .arg("--data")
            .arg(data)
            .args(["--format", "csv"]),
    );
    out.stderr.contains("timing:   fold ")
}

#[test]
fn every_example_plan_prints_the_same_folded_or_from_rows() {
    let mut covered = Vec::new();
    for entry in std::fs::read_dir("plans").expect("plans/") {
        let dir = entry.expect("entry").path();
        let (plan, data) = (dir.join("plan.plan"), dir.join("data"));
        if !plan.is_file() || !data.is_dir() {
            continue;
        }
        let rows = run(&plan, &data, "off", "2");
        let layer = run(&plan, &data, "on", "2");
        assert_eq!(rows.code, layer.code, "{}", dir.display());
        assert_eq!(rows.stdout, layer.stdout, "{}", dir.display());
        assert_eq!(rows.stderr, layer.stderr, "{}", dir.display());
        if folded(&plan, &data) {
            covered.push(dir.file_name().map(|n| n.to_string_lossy().into_owned()));
        }
    }
    // The reference workload is folded whole (both credited tables).
    assert!(
        covered.contains(&Some("field-sales".to_string())),
        "{covered:?}"
    );
}

/// Generated field-sales data (the benchmark's generator, at a tiny size).
fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("ignition-datagen"))
        .args([
            "--reps",
            "60",
            "--deals",
            "4000",
            "--activities",
            "8000",
            "--seed",
            "7",
        ])
        .arg("--out")
        .arg(dir.path())
        .status()
        .expect("datagen runs");
    assert!(status.success());
    dir
}

/// The file's data lines in another order (header first), the same every time.
fn shuffle(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for i in (1..lines.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        lines.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    let mut out = String::from(header);
    out.push('\n');
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    std::fs::write(path, out).expect("write");
}

#[test]
fn folded_results_do_not_depend_on_threads_or_row_order() {
    let plan = Path::new("plans/field-sales/plan.plan");
    let data = generated();
    assert!(folded(plan, data.path()), "field-sales is folded");
    let rows = run(plan, data.path(), "off", "2");
    assert_eq!(rows.code, 0, "{}", rows.stderr);
    for threads in ["1", "2", "3"] {
        let layer = run(plan, data.path(), "on", threads);
        assert_eq!(layer.stdout, rows.stdout, "{threads} threads");
        assert_eq!(layer.stderr, rows.stderr, "{threads} threads");
    }
    // Shuffled rows: the same results (the skipped-row reports name other lines).
    shuffle(&data.path().join("deals.csv"));
    shuffle(&data.path().join("activities.csv"));
    for threads in ["1", "2"] {
        let layer = run(plan, data.path(), "on", threads);
        assert_eq!(layer.code, 0, "{}", layer.stderr);
        assert_eq!(layer.stdout, rows.stdout, "shuffled, {threads} threads");
    }
    let shuffled_rows = run(plan, data.path(), "off", "2");
    assert_eq!(
        shuffled_rows.stderr,
        run(plan, data.path(), "on", "2").stderr
    );
}

const PLAN: &str = r#"plan "Folds" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-06-30

  input reps key id {
    id: text
  }

  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    day: date
    stage: text
    big: bool
  }

  participants reps
  credit deals to owner by day

  let won = deals where stage == "won"

  kpi booked = sum(won.amount)
  kpi n = count(won)
  kpi mean = avg(won.amount) otherwise 0 EUR
  kpi low = min(won.amount) otherwise 0 EUR
  kpi high = max(deals.amount) otherwise 0 EUR
  kpi first_day = min(deals.day) otherwise 2026-12-31
  kpi stages = count_distinct(deals.stage)
  kpi bigs = count(deals where big and not (amount < 100 EUR) or stage == "lost")
  payout p = 1% * booked
}
"#;

const DEALS: &str = "deal_id,owner,amount,day,stage,big
D1,a,100.00,2026-01-10,won,true
D2,a,50.5,2026-02-01,won,false
D3,a,75,2026-03-01,lost,true
D4,b,10,2026-04-02,won,true
D5,b,30,2026-05-02,open,true
D6,x,999,2026-01-05,won,true
D7,a,1,2025-12-31,won,true
D8,b,20,2026-06-30,won,false
";

#[test]
fn folded_aggregates_are_worked_by_hand() {
    // Q1, a: won rows D1 100.00, D2 50.5 (D3 lost; D7 before the calendar; D6's owner
    // unknown): booked 150.5, n 2, mean 75.25, low 50.5, high over all rows 100,
    // first day 2026-01-10, stages {won, lost} = 2,
    // bigs ((big and not amount < 100) or lost): D1 yes, D2 no, D3 lost: yes → 2;
    // p = 1% × 150.5 = 1.505 (the plan declares no rounding).
    // Q2, b: won D4 10, D8 20: booked 30, n 2, mean 15, low 10; high over D4, D5, D8 = 30;
    // first day 2026-04-02; stages {won, open} = 2; bigs: D4 big but 10 < 100 → no, D5 no,
    // D8 not big → 0; p 0.3.
    // Q2, a and Q1, b: no rows: booked 0, n 0, mean/low/high 0 and first_day 2026-12-31
    // by `otherwise` (min, max and avg of no rows have no value).
    let (dir, path) = workspace(PLAN, &[("reps", "id\na\nb\n"), ("deals", DEALS)]);
    let on = run(&path, dir.path(), "on", "2");
    let off = run(&path, dir.path(), "off", "2");
    assert!(folded(&path, dir.path()));
    assert_eq!(on.stdout, off.stdout);
    assert_eq!(on.stderr, off.stderr);
    assert_eq!(on.code, off.code);
    let row = |who: &str, when: &str| {
        on.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{who},{when},")))
            .unwrap_or_default()
            .to_string()
    };
    // Header: participant,period,booked,n,mean,low,high,first_day,stages,bigs,p,total
    assert!(on
        .stdout
        .starts_with("participant,period,booked,n,mean,low,high,first_day,stages,bigs,p,total\n"));
    // (Amounts are written with their cents.)
    assert_eq!(
        row("a", "2026-Q1"),
        "a,2026-Q1,150.50,2,75.25,50.50,100.00,2026-01-10,2,2,1.505,1.505"
    );
    assert_eq!(
        row("a", "2026-Q2"),
        "a,2026-Q2,0.00,0,0.00,0.00,0.00,2026-12-31,0,0,0.00,0.00"
    );
    assert_eq!(
        row("b", "2026-Q2"),
        "b,2026-Q2,30.00,2,15.00,10.00,30.00,2026-04-02,2,0,0.30,0.30"
    );
}

#[test]
fn a_repeated_key_or_a_literal_no_row_holds_falls_back_to_the_rows() {
    // D2 repeats D1's key; "closed" is in no row: the run reads the rows, and both the
    // warnings and the results are the row path's.
    let deals = "deal_id,owner,amount,day,stage,big\nD1,a,1,2026-01-10,won,true\nD1,a,2,2026-01-11,won,true\n";
    let plan = PLAN.replace(
        "payout p = 1% * booked",
        "kpi closed = count(deals where stage == \"closed\")\n  payout p = 1% * booked",
    );
    let (dir, path) = workspace(&plan, &[("reps", "id\na\nb\n"), ("deals", deals)]);
    assert!(!folded(&path, dir.path()));
    let on = run(&path, dir.path(), "on", "2");
    let off = run(&path, dir.path(), "off", "2");
    assert_eq!(on.stdout, off.stdout);
    assert_eq!(on.stderr, off.stderr);
    assert!(on.stderr.contains("duplicate_key"), "{}", on.stderr);
    assert!(on.stderr.contains("closed"), "{}", on.stderr);
}

#[test]
fn an_aggregate_of_an_expression_is_read_from_the_rows() {
    // `sum(deals, amount * 2)` is not folded: the plan runs from the rows, unchanged.
    let plan = PLAN.replace(
        "payout p = 1% * booked",
        "kpi twice = sum(deals, amount * 2)\n  payout p = 1% * booked",
    );
    let (dir, path) = workspace(&plan, &[("reps", "id\na\nb\n"), ("deals", DEALS)]);
    assert!(!folded(&path, dir.path()));
    let on = run(&path, dir.path(), "on", "2");
    assert_eq!(on.code, 0, "{}", on.stderr);
    assert_eq!(on.stdout, run(&path, dir.path(), "off", "2").stdout);
}
