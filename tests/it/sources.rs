//! issue 12, sources: inputs named by a project file (`ignition.toml`): a CSV file, a SQLite
//! table or query. The same data gives the same run, byte for byte, as from CSV; a small
//! plan's payouts are worked out by hand; bad input from a database is a located diagnostic
//! with exit 2. The fixtures here are shared with the PostgreSQL tests (`postgres.rs`).

use crate::common::{d, expect_code, ignition, ok, outcome, value, Outcome};
use std::path::{Path, PathBuf};

/// The hand-worked plan: quarterly marginal commission on won deals.
pub const PLAN: &str = r#"plan "Sources" {
  currency USD
  periods quarterly from 2026-01-01 to 2026-06-30
  rounding payouts to 0.01 half-up

  input reps key rep_id {
    rep_id: text
    quarterly_quota: money
  }

  input deals key deal_id {
    deal_id: text
    rep_id: text
    amount: money >= 0
    closed_on: date
    stage: text
  }

  participants reps
  credit deals to rep_id by closed_on

  let won = deals where stage == "won"

  kpi bookings = sum(won.amount)
  kpi attainment: percent = bookings / quarterly_quota otherwise 0%
  rates commission_rate by attainment {
    0%   ..  50% : 2%
    50%  .. 100% : 5%
    100% ..      : 8%
  }
  payout commission = marginal(commission_rate, bookings, per: quarterly_quota)
  cap total at 100000 USD
}
"#;

/// The hand-worked plan's reps.
pub const REPS: &str = "rep_id,quarterly_quota\nr1,100000.00\nr2,80000.00\n";
/// The hand-worked plan's deals.
pub const DEALS: &str = "deal_id,rep_id,amount,closed_on,stage\n\
d1,r1,40000.00,2026-01-15,won\n\
d2,r1,30000.00,2026-02-10,won\n\
d3,r1,20000.00,2026-03-05,lost\n\
d4,r2,33333.33,2026-01-20,won\n\
d5,r2,60000.00,2026-02-25,won\n\
d6,r1,45000.00,2026-04-12,won\n";

/// The hand-worked payouts, from whichever source the data came.
pub fn check_hand_worked(csv: &str) {
    // r1, Q1: won d1 + d2 = 40000 + 30000 = 70000 (d3 is lost) of a 100000 quota (70%):
    // 50000 × 2% + 20000 × 5% = 1000 + 1000 = 2000.00
    assert_eq!(value(csv, "r1", "2026-Q1", "bookings"), d("70000.00"));
    assert_eq!(value(csv, "r1", "2026-Q1", "commission"), d("2000.00"));
    // r2, Q1: 33333.33 + 60000 = 93333.33 of 80000 (116.67%):
    // 40000 × 2% + 40000 × 5% + 13333.33 × 8% = 800 + 2000 + 1066.6664 = 3866.6664 → 3866.67
    assert_eq!(value(csv, "r2", "2026-Q1", "commission"), d("3866.67"));
    // r1, Q2: d6 45000 of 100000 (45%): 45000 × 2% = 900.00
    assert_eq!(value(csv, "r1", "2026-Q2", "commission"), d("900.00"));
    // r2, Q2: no deals.
    assert_eq!(value(csv, "r2", "2026-Q2", "commission"), d("0"));
}

/// A CSV file without quotes: its header and rows (empty cells as `None`).
pub fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(',')
                .map(|c| (!c.is_empty()).then(|| c.to_string()))
                .collect()
        })
        .collect();
    (header, rows)
}

/// A table to load into a database: its name, CSV text, and each column's SQL type.
pub struct Fixture<'a> {
    pub name: &'a str,
    pub csv: String,
    pub types: Vec<(&'a str, &'a str)>,
}

impl Fixture<'_> {
    /// `CREATE TABLE` for this table, with `types` mapping the plan's types to SQL
    /// (money, date, text, …).
    pub fn create(&self, sql_type: impl Fn(&str) -> String) -> String {
        let (header, _) = read_csv(&self.csv);
        let cols: Vec<String> = header
            .iter()
            .map(|h| {
                let ty = self
                    .types
                    .iter()
                    .find(|(c, _)| c == h)
                    .map_or("text", |(_, t)| t);
                format!("\"{h}\" {}", sql_type(ty))
            })
            .collect();
        format!("CREATE TABLE \"{}\" ({})", self.name, cols.join(", "))
    }
}

/// The field-sales example's data, with the plan's type of each non-text column.
pub fn field_sales() -> Vec<Fixture<'static>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/field-sales/data");
    let read = |n: &str| std::fs::read_to_string(dir.join(format!("{n}.csv"))).expect("fixture");
    vec![
        Fixture {
            name: "reps",
            csv: read("reps"),
            types: vec![
                ("annual_quota", "money"),
                ("base_salary", "money"),
                ("start_date", "date"),
            ],
        },
        Fixture {
            name: "deals",
            csv: read("deals"),
            types: vec![("amount", "money"), ("close_date", "date")],
        },
        Fixture {
            name: "activities",
            csv: read("activities"),
            types: vec![("date", "date")],
        },
    ]
}

/// The hand-worked plan's data.
pub fn hand_worked() -> Vec<Fixture<'static>> {
    vec![
        Fixture {
            name: "reps",
            csv: REPS.to_string(),
            types: vec![("quarterly_quota", "money")],
        },
        Fixture {
            name: "deals",
            csv: DEALS.to_string(),
            types: vec![("amount", "money"), ("closed_on", "date")],
        },
    ]
}

/// SQLite's types for the plan's: amounts as NUMERIC (stored as REAL by SQLite, read back
/// exactly as the short decimals they are), dates as text.
fn sqlite_type(ty: &str) -> String {
    match ty {
        "money" => "NUMERIC",
        "integer" => "INTEGER",
        _ => "TEXT",
    }
    .to_string()
}

/// A SQLite file holding `tables`.
pub fn sqlite_db(path: &Path, tables: &[Fixture]) {
    let conn = rusqlite::Connection::open(path).expect("a SQLite file");
    for t in tables {
        conn.execute(&t.create(sqlite_type), [])
            .expect("table created");
        let (header, rows) = read_csv(&t.csv);
        let marks = vec!["?"; header.len()].join(", ");
        let mut stmt = conn
            .prepare(&format!("INSERT INTO \"{}\" VALUES ({marks})", t.name))
            .expect("insert prepared");
        for r in rows {
            stmt.execute(rusqlite::params_from_iter(r.iter()))
                .expect("row inserted");
        }
    }
}

/// A folder with the plan, a SQLite file `crm.db` with `tables`, and `ignition.toml`.
pub fn sqlite_workspace(plan: &str, tables: &[Fixture], toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("plan.plan"), plan).expect("plan written");
    sqlite_db(&dir.path().join("crm.db"), tables);
    std::fs::write(dir.path().join("ignition.toml"), toml).expect("project written");
    dir
}

/// `ignition ARGS` run in `dir` (so that paths in diagnostics are relative).
pub fn run_in(dir: &Path, args: &[&str]) -> Outcome {
    outcome(ignition().current_dir(dir).args(args))
}

fn field_sales_plan() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/field-sales/plan.plan"),
    )
    .expect("the field-sales plan")
}

/// The field-sales run from its CSV files.
pub fn field_sales_csv_run(format: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = outcome(
        ignition()
            .arg("run")
            .arg(root.join("plans/field-sales/plan.plan"))
            .arg("--data")
            .arg(root.join("plans/field-sales/data"))
            .args(["--format", format]),
    );
    ok(&o).to_string()
}

#[test]
fn field_sales_from_sqlite_is_the_csv_run_byte_for_byte() {
    let toml = "[inputs.reps]\nsqlite = \"crm.db\"\ntable = \"reps\"\n\n\
                [inputs.deals]\nsqlite = \"crm.db\"\nquery = \"SELECT * FROM deals ORDER BY rowid\"\n\n\
                [inputs.activities]\nsqlite = \"crm.db\"\ntable = \"activities\"\n";
    let dir = sqlite_workspace(&field_sales_plan(), &field_sales(), toml);
    for format in ["csv", "json", "table"] {
        let o = run_in(dir.path(), &["run", "plan.plan", "--format", format]);
        assert_eq!(
            ok(&o),
            field_sales_csv_run(format),
            "`run --format {format}` from SQLite differs from the CSV run"
        );
        // Skipped rows are named by their row in the source (deals.csv has them on lines
        // 30 and 2, below its header).
        crate::common::assert_has(
            &crate::common::flat(&o.stderr),
            &[
                "crm.db query of input deals: 1 row credit a participant who is not in the roster and were not counted: row 29 (D029) → r99",
                "crm.db query of input deals: 1 row are dated outside the plan's calendar and were not counted: row 1 (D001) dated 2025-12-31",
            ],
        );
    }
}

#[test]
fn the_hand_worked_plan_from_sqlite() {
    let toml = "[inputs.reps]\nsqlite = \"crm.db\"\ntable = \"reps\"\n\n\
                [inputs.deals]\nsqlite = \"crm.db\"\ntable = \"deals\"\n";
    let dir = sqlite_workspace(PLAN, &hand_worked(), toml);
    let o = run_in(dir.path(), &["run", "plan.plan", "--format", "csv"]);
    check_hand_worked(ok(&o));
}

#[test]
fn a_project_file_entry_can_be_a_csv_file_and_data_overrides_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::write(p.join("plan.plan"), PLAN).expect("plan");
    std::fs::create_dir(p.join("data")).expect("data folder");
    std::fs::write(p.join("data/reps.csv"), REPS).expect("reps");
    // deals.csv separated by `;`, as the project file says.
    std::fs::write(p.join("data/deals.csv"), DEALS.replace(',', ";")).expect("deals");
    std::fs::write(
        p.join("ignition.toml"),
        "[inputs.reps]\nfile = \"data/reps.csv\"\n\n[inputs.deals]\nfile = \"data/deals.csv\"\ndelimiter = \";\"\n",
    )
    .expect("project");
    let o = run_in(p, &["run", "plan.plan", "--format", "csv"]);
    check_hand_worked(ok(&o));
    // `--data` on the command line comes first: here deals with d2 cut to 0 (r1's Q1 is then
    // 40000 of 100000: 40000 × 2% = 800.00).
    std::fs::create_dir(p.join("other")).expect("folder");
    std::fs::write(
        p.join("other/deals.csv"),
        DEALS.replace("d2,r1,30000.00", "d2,r1,0.00"),
    )
    .expect("deals");
    let o = run_in(
        p,
        &["run", "plan.plan", "--data", "other", "--format", "csv"],
    );
    let out = ok(&o);
    assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("800.00"));
    // `--project` names another project file; a missing one is an error.
    let o = run_in(
        p,
        &[
            "run",
            "plan.plan",
            "--project",
            "none.toml",
            "--format",
            "csv",
        ],
    );
    expect_code(&o, 2);
    assert!(
        o.stderr
            .contains("cannot read the project file `none.toml`"),
        "{}",
        o.stderr
    );
}

#[test]
fn explain_names_the_table_and_row_a_value_came_from() {
    let toml = "[inputs.reps]\nsqlite = \"crm.db\"\ntable = \"reps\"\n\n\
                [inputs.deals]\nsqlite = \"crm.db\"\ntable = \"deals\"\n";
    let dir = sqlite_workspace(PLAN, &hand_worked(), toml);
    let o = run_in(
        dir.path(),
        &[
            "explain",
            "plan.plan",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "commission",
        ],
    );
    insta::assert_snapshot!("sources_sqlite_explain", ok(&o));
}

/// Diagnostics for bad SQLite data, each with exit 2.
fn sqlite_error(name: &str, edit: &str, toml: &str) {
    let dir = sqlite_workspace(PLAN, &hand_worked(), toml);
    if !edit.is_empty() {
        let conn = rusqlite::Connection::open(dir.path().join("crm.db")).expect("open");
        conn.execute_batch(edit).expect("edited");
    }
    let o = run_in(dir.path(), &["run", "plan.plan", "--format", "csv"]);
    expect_code(&o, 2);
    insta::assert_snapshot!(name, o.stderr);
}

const TABLES: &str = "[inputs.reps]\nsqlite = \"crm.db\"\ntable = \"reps\"\n\n\
                      [inputs.deals]\nsqlite = \"crm.db\"\ntable = \"deals\"\n";

#[test]
fn sqlite_wrong_types_are_located_by_row_and_key() {
    // A text amount, an inexact double (0.1 + 0.2), a date as a day count, a negative amount
    // where the plan says `>= 0`, and a required value that is NULL.
    sqlite_error(
        "sources_sqlite_wrong_type",
        "UPDATE deals SET amount = 'n/a' WHERE deal_id = 'd1';
         UPDATE deals SET amount = 0.1 + 0.2 WHERE deal_id = 'd2';
         UPDATE deals SET closed_on = 46000 WHERE deal_id = 'd3';
         UPDATE deals SET amount = -5 WHERE deal_id = 'd4';
         UPDATE deals SET stage = NULL WHERE deal_id = 'd5';",
        TABLES,
    );
}

#[test]
fn sqlite_missing_column_and_table() {
    sqlite_error(
        "sources_sqlite_missing_column",
        "ALTER TABLE deals RENAME COLUMN closed_on TO closed",
        TABLES,
    );
    sqlite_error("sources_sqlite_missing_table", "DROP TABLE deals", TABLES);
    sqlite_error(
        "sources_sqlite_bad_query",
        "",
        "[inputs.reps]\nsqlite = \"crm.db\"\ntable = \"reps\"\n\n\
         [inputs.deals]\nsqlite = \"crm.db\"\nquery = \"SELECT deal_id, rep_id, amount, closed_on, stage FROM deals WHERE\"\n",
    );
}

#[test]
fn sqlite_missing_database_file() {
    sqlite_error(
        "sources_sqlite_missing_file",
        "",
        "[inputs.reps]\nsqlite = \"crm.db\"\ntable = \"reps\"\n\n\
         [inputs.deals]\nsqlite = \"sales.db\"\ntable = \"deals\"\n",
    );
}

#[test]
fn project_file_mistakes_are_located() {
    // An unknown key (a typo of `table`), an input the plan does not have, two sources.
    sqlite_error(
        "sources_project_unknown_key",
        "",
        "[inputs.deals]\nsqlite = \"crm.db\"\ntabel = \"deals\"\n",
    );
    sqlite_error(
        "sources_project_unknown_input",
        "",
        "[inputs.reps]\nsqlite = \"crm.db\"\ntable = \"reps\"\n\n[inputs.dels]\nsqlite = \"crm.db\"\ntable = \"deals\"\n",
    );
    sqlite_error(
        "sources_project_password_in_file",
        "",
        "[inputs.deals]\npostgres = \"postgresql://sales:secret@db/crm\"\ntable = \"deals\"\n",
    );
}

#[test]
fn the_project_files_in_the_docs_are_read() {
    // Every ```toml block of docs/data-sources.md is a valid project file for a plan with
    // the inputs it names.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/data-sources.md")).expect("the doc");
    let blocks: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(
        !blocks.is_empty(),
        "no toml example in docs/data-sources.md"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    for b in blocks {
        let p = dir.path().join("ignition.toml");
        std::fs::write(&p, b).expect("written");
        let read = ignition::data::project::read(&p, &["deals", "reps", "fx", "activities"]);
        assert!(read.is_ok(), "{b}\n{:?}", read.err());
    }
}
