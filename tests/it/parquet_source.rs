//! issue 12, sources: inputs read from Parquet files. The fixtures are written here, with
//! the Arrow writer, from the same rows as the hand-worked CSV fixture of `sources.rs`
//! (amounts as DECIMAL(14, 2), dates as DATE, the stage dictionary-encoded, several row
//! groups), so the payouts are the hand-worked ones whether the rows are kept or folded by
//! the row layer. Every row is named by its number in the file (`deals.parquet row 3`);
//! every bad input is a located diagnostic with exit 2; generated data gives the same run
//! from Parquet as from CSV, byte for byte.

use crate::common::{d, expect_code, flat, ignition, ok, outcome, value, Outcome};
use crate::sources::{check_hand_worked, read_csv, run_in, DEALS, PLAN, REPS};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Float64Array,
    LargeStringArray, RecordBatch, StringArray,
};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::path::Path;
use std::sync::Arc;

/// How a fixture column is written.
#[derive(Clone, Copy, PartialEq)]
enum Col {
    /// A string (UTF8).
    Text,
    /// A string with 64-bit offsets.
    Large,
    /// A dictionary-encoded string (what pyarrow writes for a categorical column).
    Dict,
    /// DECIMAL(14, 2) from a `1234.50` cell.
    Money,
    /// A DATE from a `YYYY-MM-DD` cell.
    Date,
    /// A DOUBLE from the cell's text.
    Float,
    /// A BOOLEAN: `true` for a non-empty cell.
    Bool,
}

/// Days from 1970-01-01 to a `YYYY-MM-DD` cell.
fn unix_day(cell: &str) -> i32 {
    let day = chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").expect("a fixture date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch");
    day.signed_duration_since(epoch).num_days() as i32
}

/// Cents of a `1234.50` cell.
fn cents(cell: &str) -> i128 {
    let (units, frac) = cell.split_once('.').unwrap_or((cell, "00"));
    units.parse::<i128>().expect("units") * 100 + frac.parse::<i128>().expect("cents")
}

/// A column of `cells` (`None`: null) written as `kind`.
fn array(kind: Col, cells: &[Option<String>]) -> ArrayRef {
    let s = |c: &Option<String>| c.clone();
    match kind {
        Col::Text => Arc::new(StringArray::from(cells.iter().map(s).collect::<Vec<_>>())),
        Col::Large => Arc::new(LargeStringArray::from(
            cells.iter().map(s).collect::<Vec<_>>(),
        )),
        Col::Dict => Arc::new(
            cells
                .iter()
                .map(|c| c.as_deref())
                .collect::<DictionaryArray<arrow_array::types::Int32Type>>(),
        ),
        Col::Money => Arc::new(
            Decimal128Array::from(
                cells
                    .iter()
                    .map(|c| c.as_deref().map(cents))
                    .collect::<Vec<_>>(),
            )
            .with_precision_and_scale(14, 2)
            .expect("a decimal type"),
        ),
        Col::Date => Arc::new(Date32Array::from(
            cells
                .iter()
                .map(|c| c.as_deref().map(unix_day))
                .collect::<Vec<_>>(),
        )),
        Col::Float => Arc::new(Float64Array::from(
            cells
                .iter()
                .map(|c| c.as_deref().map(|t| t.parse::<f64>().expect("a float")))
                .collect::<Vec<_>>(),
        )),
        Col::Bool => Arc::new(BooleanArray::from(
            cells
                .iter()
                .map(|c| c.as_ref().map(|t| !t.is_empty()))
                .collect::<Vec<_>>(),
        )),
    }
}

/// Write named columns as a Parquet file in row groups of `group` rows.
pub fn write_parquet(path: &Path, columns: Vec<(String, ArrayRef)>, group: usize) {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .expect("a record batch");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(group))
        .build();
    let file = std::fs::File::create(path).expect("a Parquet file");
    let mut w = ArrowWriter::try_new(file, schema, Some(props)).expect("a writer");
    w.write(&batch).expect("rows written");
    w.close().expect("file closed");
}

/// The CSV text `csv` as a Parquet file, each column written as `kinds` says (text by
/// default); `edit` may change the columns first (rename, drop, retype).
fn csv_to_parquet(
    path: &Path,
    csv: &str,
    kinds: &[(&str, Col)],
    edit: impl FnOnce(&mut Vec<(String, ArrayRef)>),
) {
    let (header, rows) = read_csv(csv);
    let mut columns: Vec<(String, ArrayRef)> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let kind = kinds
                .iter()
                .find(|(c, _)| c == h)
                .map_or(Col::Text, |(_, k)| *k);
            let cells: Vec<Option<String>> = rows.iter().map(|r| r[i].clone()).collect();
            (h.clone(), array(kind, &cells))
        })
        .collect();
    edit(&mut columns);
    write_parquet(path, columns, 2);
}

const REPS_KINDS: &[(&str, Col)] = &[("quarterly_quota", Col::Money)];
const DEALS_KINDS: &[(&str, Col)] = &[
    ("rep_id", Col::Large),
    ("amount", Col::Money),
    ("closed_on", Col::Date),
    ("stage", Col::Dict),
];

/// A folder with the hand-worked plan, `reps.parquet`, and `deals.parquet` from `deals`
/// (edited by `edit`).
fn workspace(deals: &str, edit: impl FnOnce(&mut Vec<(String, ArrayRef)>)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("plan.plan"), PLAN).expect("plan");
    csv_to_parquet(&dir.path().join("reps.parquet"), REPS, REPS_KINDS, |_| {});
    csv_to_parquet(&dir.path().join("deals.parquet"), deals, DEALS_KINDS, edit);
    dir
}

/// `ignition ARGS` in `dir` with the Parquet files named on the command line (so that
/// paths in diagnostics are the files' names), the row layer on or off.
fn run(dir: &Path, command: &str, extra: &[&str], rows_kept: bool) -> Outcome {
    let env: &[(&str, &str)] = if rows_kept {
        &[("IGNITION_ROW_LAYER", "off")]
    } else {
        &[]
    };
    run_with(dir, command, extra, env)
}

/// [`run`] with variables set.
fn run_with(dir: &Path, command: &str, extra: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut c = ignition();
    c.current_dir(dir)
        .args([command, "plan.plan"])
        .args([
            "--data",
            "reps=reps.parquet",
            "--data",
            "deals=deals.parquet",
        ])
        .args(extra)
        .envs(env.iter().copied());
    outcome(&mut c)
}

/// The hand-worked plan's run from its CSV files.
fn csv_run() -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("plan.plan"), PLAN).expect("plan");
    std::fs::write(dir.path().join("reps.csv"), REPS).expect("reps");
    std::fs::write(dir.path().join("deals.csv"), DEALS).expect("deals");
    ok(&run_in(
        dir.path(),
        &["run", "plan.plan", "--data", ".", "--format", "csv"],
    ))
    .to_string()
}

#[test]
fn the_hand_worked_plan_from_parquet_rows_kept_and_folded() {
    let dir = workspace(DEALS, |_| {});
    let csv = csv_run();
    for rows_kept in [false, true] {
        let mut c = ignition();
        c.current_dir(dir.path())
            .args(["run", "plan.plan", "--data", ".", "--format", "csv"])
            .env("IGNITION_TIMINGS", "1");
        if rows_kept {
            c.env("IGNITION_ROW_LAYER", "off");
        }
        let o = outcome(&mut c);
        check_hand_worked(ok(&o));
        assert_eq!(ok(&o), csv, "the Parquet run differs from the CSV run");
        // The row layer folded the deals while streaming them (no row kept), unless it is off.
        assert_eq!(o.stderr.contains("fold deals"), !rows_kept, "{}", o.stderr);
    }
    // Row groups (of 2 rows here) are decoded in parallel and stored in file order: the
    // same output on 1 or 3 threads.
    for threads in ["1", "3"] {
        let o = outcome(
            ignition()
                .current_dir(dir.path())
                .args(["run", "plan.plan", "--data", ".", "--format", "csv"])
                .env("RAYON_NUM_THREADS", threads),
        );
        assert_eq!(ok(&o), csv, "{threads} threads");
    }
    // explain keeps every row: the same figures.
    let o = run(
        dir.path(),
        "explain",
        &["--participant", "r2", "--period", "2026-Q1", "commission"],
        false,
    );
    // r2, Q1: 33333.33 + 60000 = 93333.33 of 80000: 800 + 2000 + 1066.6664 → 3866.67
    assert!(ok(&o).contains("commission = 3,866.67 USD"), "{}", o.stdout);
}

#[test]
fn a_data_folder_and_a_project_file_find_parquet_files() {
    let dir = workspace(DEALS, |_| {});
    let csv = csv_run();
    // `--data .`: reps.parquet and deals.parquet in the folder.
    let o = run_in(
        dir.path(),
        &["run", "plan.plan", "--data", ".", "--format", "csv"],
    );
    assert_eq!(ok(&o), csv);
    // The project file names the files; the extension picks the source.
    std::fs::write(
        dir.path().join("ignition.toml"),
        "[inputs.reps]\nfile = \"reps.parquet\"\n\n[inputs.deals]\nfile = \"deals.parquet\"\n",
    )
    .expect("project");
    let o = run_in(dir.path(), &["run", "plan.plan", "--format", "csv"]);
    assert_eq!(ok(&o), csv);
    // CSV and Parquet inputs mix: reps from CSV, deals from Parquet.
    std::fs::write(dir.path().join("reps.csv"), REPS).expect("reps");
    let o = run_in(
        dir.path(),
        &[
            "run",
            "plan.plan",
            "--data",
            "reps=reps.csv",
            "--data",
            "deals=deals.parquet",
            "--format",
            "csv",
        ],
    );
    assert_eq!(ok(&o), csv);
}

#[test]
fn explain_names_the_parquet_row_a_value_came_from() {
    let dir = workspace(DEALS, |_| {});
    let args = ["--participant", "r1", "--period", "2026-Q1", "commission"];
    let o = run(dir.path(), "explain", &args, false);
    // d1 and d2 are the file's rows 1 and 2 (a Parquet file has no header line).
    crate::common::assert_has(ok(&o), &["deals.parquet row 1", "deals.parquet row 2"]);
    insta::assert_snapshot!("parquet_explain", ok(&o));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let o = run(dir.path(), "explain", &json_args, false);
    let doc: serde_json::Value = serde_json::from_str(ok(&o)).expect("JSON");
    let mut steps = Vec::new();
    fn find<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("rows").filter(|r| r.get("list").is_some()) {
                    out.push(r);
                }
                m.values().for_each(|c| find(c, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|c| find(c, out)),
            _ => {}
        }
    }
    find(&doc, &mut steps);
    let rows = steps.first().expect("the rows of bookings");
    assert_eq!(rows["file"], "deals.parquet");
    assert_eq!(rows["row_word"], "row");
    let lines: Vec<u64> = rows["list"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["line"].as_u64())
        .collect();
    assert_eq!(lines, [1, 2]);
}

#[test]
fn skipped_rows_are_named_by_their_parquet_row() {
    // Row 7 credits r99, who is not in the roster: reported with its row, rows kept or
    // folded, and the payouts are still the hand-worked ones.
    // A column the plan does not declare (`source`) is noted, and not decoded.
    let deals = format!("{DEALS}d7,r99,10.00,2026-01-20,won\n");
    let dir = workspace(&deals, |c| {
        let source = text(&[Some("crm"); 7]);
        c.push(("source".to_string(), source));
    });
    for rows_kept in [false, true] {
        let o = run(dir.path(), "run", &["--format", "csv"], rows_kept);
        check_hand_worked(ok(&o));
        crate::common::assert_has(
            &flat(&o.stderr),
            &[
                "deals.parquet: 1 row credit a participant who is not in the roster and were not counted: row 7 (d7) → r99",
                "`deals.parquet`: ignoring columns the plan does not declare: source",
            ],
        );
    }
}

/// A bad `deals.parquet` (made by `edit`, or written as `bytes`): exit 2 and the rendered
/// diagnostic, rows kept and folded alike.
fn parquet_error(
    name: &str,
    edit: impl FnOnce(&mut Vec<(String, ArrayRef)>),
    bytes: Option<Vec<u8>>,
) {
    let dir = workspace(DEALS, edit);
    if let Some(b) = bytes {
        std::fs::write(dir.path().join("deals.parquet"), b).expect("written");
    }
    let folded = run(dir.path(), "run", &["--format", "csv"], false);
    expect_code(&folded, 2);
    let kept = run(dir.path(), "run", &["--format", "csv"], true);
    expect_code(&kept, 2);
    assert_eq!(folded.stderr, kept.stderr);
    insta::assert_snapshot!(name, kept.stderr);
}

/// Replace column `name` by `array`, or rename it to `to` (when `array` is `None`).
fn replace(columns: &mut [(String, ArrayRef)], name: &str, to: &str, array: Option<ArrayRef>) {
    for (n, a) in columns.iter_mut() {
        if n == name {
            *n = to.to_string();
            if let Some(x) = array.clone() {
                *a = x;
            }
        }
    }
}

fn text(cells: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(cells.to_vec()))
}

#[test]
fn a_missing_column_is_named_with_the_closest_one() {
    parquet_error(
        "parquet_missing_column",
        |c| replace(c, "closed_on", "closed", None),
        None,
    );
}

#[test]
fn a_column_of_the_wrong_type_is_one_error_for_the_column() {
    // Amounts as booleans: no row is read.
    parquet_error(
        "parquet_column_type",
        |c| {
            let yes: Vec<Option<String>> = vec![Some("x".into()); 6];
            replace(c, "amount", "amount", Some(array(Col::Bool, &yes)));
        },
        None,
    );
}

#[test]
fn text_that_is_not_of_the_declared_type_is_located_by_row_and_key() {
    // Dates as text (read as a CSV cell is): row 2 is not a date; row 4's amount, as text,
    // has thousands separators.
    parquet_error(
        "parquet_bad_text",
        |c| {
            let dates = text(&[
                Some("2026-01-15"),
                Some("10/02/2026"),
                Some("2026-03-05"),
                Some("2026-01-20"),
                Some("2026-02-25"),
                Some("2026-04-12"),
            ]);
            replace(c, "closed_on", "closed_on", Some(dates));
            let amounts = text(&[
                Some("40000.00"),
                Some("30000.00"),
                Some("20000.00"),
                Some("33,333.33"),
                Some("60000.00"),
                Some("45000.00"),
            ]);
            replace(c, "amount", "amount", Some(amounts));
        },
        None,
    );
}

#[test]
fn a_null_in_a_required_column_is_an_empty_cell() {
    parquet_error(
        "parquet_null_required",
        |c| {
            let stages = text(&[
                Some("won"),
                Some("won"),
                None,
                Some("won"),
                Some("won"),
                Some("won"),
            ]);
            replace(c, "stage", "stage", Some(stages));
        },
        None,
    );
}

#[test]
fn a_float_that_is_not_an_exact_decimal_is_refused() {
    // Row 2's amount is 0.1 + 0.2 as a double (0.30000000000000004); the others are the
    // short decimals they were written as, and are read exactly.
    parquet_error(
        "parquet_inexact_float",
        |c| {
            let amounts: ArrayRef = Arc::new(Float64Array::from(vec![
                40000.0,
                0.1 + 0.2,
                20000.0,
                33333.33,
                60000.0,
                45000.0,
            ]));
            replace(c, "amount", "amount", Some(amounts));
        },
        None,
    );
}

#[test]
fn decimals_past_28_digits_are_refused_not_a_crash() {
    // DECIMAL(38, 2) amounts: row 2 holds the smallest 128-bit value (whose magnitude does
    // not fit an i128), row 4 the largest; a decimal holds 28 digits at most.
    parquet_error(
        "parquet_decimal_past_28_digits",
        |c| {
            let amounts: ArrayRef = Arc::new(
                Decimal128Array::from(vec![
                    4_000_000,
                    i128::MIN,
                    2_000_000,
                    i128::MAX,
                    6_000_000,
                    4_500_000,
                ])
                .with_precision_and_scale(38, 2)
                .expect("a decimal type"),
            );
            replace(c, "amount", "amount", Some(amounts));
        },
        None,
    );
}

#[test]
fn a_float_that_is_a_short_decimal_is_read_exactly() {
    // The amounts as doubles: each is the short decimal it was written as (33333.33 too).
    let dir = workspace(DEALS, |c| {
        let (_, rows) = read_csv(DEALS);
        let cells: Vec<Option<String>> = rows.iter().map(|r| r[2].clone()).collect();
        replace(c, "amount", "amount", Some(array(Col::Float, &cells)));
    });
    for rows_kept in [false, true] {
        let o = run(dir.path(), "run", &["--format", "csv"], rows_kept);
        check_hand_worked(ok(&o));
        assert_eq!(value(ok(&o), "r2", "2026-Q1", "bookings"), d("93333.33"));
    }
}

/// A Parquet file of the deals, as bytes.
fn deals_bytes() -> Vec<u8> {
    let dir = workspace(DEALS, |_| {});
    std::fs::read(dir.path().join("deals.parquet")).expect("read")
}

#[test]
fn a_corrupt_file_is_a_located_error() {
    // Bytes that are not Parquet (a fixed pseudo-random sequence).
    let mut x: u32 = 12345;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    parquet_error("parquet_corrupt", |_| {}, Some(noise));
}

#[test]
fn a_truncated_file_is_a_located_error() {
    let mut b = deals_bytes();
    b.truncate(b.len() / 2);
    parquet_error("parquet_truncated", |_| {}, Some(b));
}

#[test]
fn damaged_bytes_are_an_error_not_a_panic() {
    // Every third byte of the file flipped in turn (pages, their headers, the footer): each
    // run ends with the figures (a flipped value the file cannot tell from a real one) or
    // with a data error (exit 2), never a crash. Some flips make the Parquet reader itself
    // panic (a run of definition levels past its buffer): that is caught and reported as
    // `ignition::data::parquet`.
    let good = deals_bytes();
    let dir = workspace(DEALS, |_| {});
    // The undamaged file is read through its pages (what the comparison below is about).
    let timed = run_with(
        dir.path(),
        "run",
        &["--format", "csv"],
        &[("IGNITION_TIMINGS", "1")],
    );
    assert!(
        timed
            .stderr
            .contains("deals.parquet: 3 of 3 row groups read through their pages"),
        "{}",
        timed.stderr
    );
    let mut errors = 0;
    for at in (0..good.len()).step_by(3) {
        let mut b = good.clone();
        b[at] ^= 0x01;
        std::fs::write(dir.path().join("deals.parquet"), &b).expect("written");
        let o = run(dir.path(), "run", &["--format", "csv"], false);
        // The page path (`pages.rs`) and the Arrow reader alone come to the same end, the
        // same figures or the same diagnostics.
        let arrow = run_with(
            dir.path(),
            "run",
            &["--format", "csv"],
            &[("IGNITION_PARQUET_ARROW", "1")],
        );
        assert_eq!(
            (o.code, &o.stdout, &o.stderr),
            (arrow.code, &arrow.stdout, &arrow.stderr),
            "byte {at}: the page path and the Arrow reader differ"
        );
        assert!(
            o.code == 0 || o.code == 2,
            "byte {at}: exit {}\n{}",
            o.code,
            o.stderr
        );
        assert!(!o.stderr.contains("panicked"), "byte {at}: {}", o.stderr);
        if o.code == 2 {
            errors += 1;
            assert!(
                o.stderr.contains("ignition::data::"),
                "byte {at}: {}",
                o.stderr
            );
        }
    }
    assert!(errors > 0, "no flipped byte was noticed");
}

#[test]
fn a_missing_parquet_file_is_a_located_error() {
    let dir = workspace(DEALS, |_| {});
    std::fs::remove_file(dir.path().join("deals.parquet")).expect("removed");
    let o = run(dir.path(), "run", &["--format", "csv"], false);
    expect_code(&o, 2);
    insta::assert_snapshot!("parquet_missing_file", o.stderr);
}

#[test]
fn a_folder_with_both_csv_and_parquet_is_an_error_not_a_guess() {
    let dir = workspace(DEALS, |_| {});
    std::fs::write(dir.path().join("deals.csv"), DEALS).expect("deals.csv");
    let o = run_in(
        dir.path(),
        &["run", "plan.plan", "--data", ".", "--format", "csv"],
    );
    expect_code(&o, 2);
    insta::assert_snapshot!("parquet_both_files", o.stderr);
    // Naming one settles it.
    let o = run_in(
        dir.path(),
        &[
            "run",
            "plan.plan",
            "--data",
            ".",
            "--data",
            "deals=deals.csv",
            "--format",
            "csv",
        ],
    );
    check_hand_worked(ok(&o));
}

/// `ignition-datagen ARGS --out DIR`.
fn datagen(args: &[&str], out: &Path) {
    let o = outcome(
        assert_cmd::Command::cargo_bin("ignition-datagen")
            .expect("the generator")
            .args(args)
            .arg("--out")
            .arg(out),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn generated_data_gives_the_same_run_from_parquet_as_from_csv() {
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/field-sales/plan.plan");
    let dir = tempfile::tempdir().expect("temp dir");
    for seed in ["1", "7", "42"] {
        let size = [
            "--reps",
            "40",
            "--deals",
            "3000",
            "--activities",
            "4000",
            "--seed",
            seed,
        ];
        let csv = dir.path().join(format!("csv-{seed}"));
        let parquet = dir.path().join(format!("parquet-{seed}"));
        datagen(&size, &csv);
        datagen(&[&size[..], &["--format", "parquet"]].concat(), &parquet);
        assert!(parquet.join("deals.parquet").is_file() && !parquet.join("deals.csv").exists());
        let run = |data: &Path, rows_kept: bool, general: bool, arrow: bool| {
            let mut c = ignition();
            c.arg("run")
                .arg(&plan)
                .arg("--data")
                .arg(data)
                .args(["--format", "csv"]);
            if rows_kept {
                c.env("IGNITION_ROW_LAYER", "off");
            }
            // The general decoder, value by value, instead of whole columns (columnar.rs).
            if general {
                c.env("IGNITION_PARQUET_GENERAL", "1");
            }
            // The Arrow reader and its fast path instead of the page path (pages.rs).
            if arrow {
                c.env("IGNITION_PARQUET_ARROW", "1");
            }
            ok(&outcome(&mut c)).to_string()
        };
        let from_csv = run(&csv, false, false, false);
        assert_eq!(
            run(&parquet, false, false, false),
            from_csv,
            "seed {seed}, folded"
        );
        assert_eq!(
            run(&parquet, true, false, false),
            from_csv,
            "seed {seed}, rows kept"
        );
        assert_eq!(
            run(&parquet, false, true, false),
            from_csv,
            "seed {seed}, general"
        );
        assert_eq!(
            run(&parquet, false, false, true),
            from_csv,
            "seed {seed}, Arrow reader"
        );
    }
}

#[test]
fn a_timestamp_falls_on_its_day_in_the_plans_zone() {
    // closed_on as TIMESTAMP (seconds, UTC): each deal at noon UTC on its day, except d2 at
    // 2026-03-31T23:30:00Z, which is 00:30 on April 1st at `timezone +01:00`: Q2.
    let stamps: Vec<Option<i64>> = read_csv(DEALS)
        .1
        .iter()
        .map(|r| {
            let day = i64::from(unix_day(r[3].as_deref().expect("a date")));
            Some(if r[0].as_deref() == Some("d2") {
                i64::from(unix_day("2026-03-31")) * 86_400 + 23 * 3600 + 1800
            } else {
                day * 86_400 + 12 * 3600
            })
        })
        .collect();
    let column: ArrayRef =
        Arc::new(arrow_array::TimestampSecondArray::from(stamps).with_timezone("UTC"));
    let dir = workspace(DEALS, |c| {
        replace(c, "closed_on", "closed_on", Some(column))
    });
    let zoned = PLAN.replace(
        "  rounding payouts to 0.01 half-up\n",
        "  rounding payouts to 0.01 half-up\n  timezone +01:00\n",
    );
    std::fs::write(dir.path().join("plan.plan"), &zoned).expect("plan");
    for rows_kept in [false, true] {
        let o = run(dir.path(), "run", &["--format", "csv"], rows_kept);
        let out = ok(&o);
        // r1, Q1: only d1, 40000 of 100000 (40%): 40000 × 2% = 800.00
        assert_eq!(value(out, "r1", "2026-Q1", "commission"), d("800.00"));
        // r1, Q2: d2 + d6 = 30000 + 45000 = 75000 of 100000 (75%):
        // 50000 × 2% + 25000 × 5% = 1000 + 1250 = 2250.00
        assert_eq!(value(out, "r1", "2026-Q2", "commission"), d("2250.00"));
        // r2 is unchanged: 3866.67 in Q1.
        assert_eq!(value(out, "r2", "2026-Q1", "commission"), d("3866.67"));
    }
    // Without a zone in the plan, a timestamp's day is not guessed.
    std::fs::write(dir.path().join("plan.plan"), PLAN).expect("plan");
    let o = run(dir.path(), "run", &["--format", "csv"], false);
    expect_code(&o, 2);
    assert!(
        o.stderr.contains("ignition::data::timezone")
            && o.stderr.contains("deals.parquet, row 1 (deal_id d1)"),
        "{}",
        o.stderr
    );
}
