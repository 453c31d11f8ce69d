//! `ignition explain` (and `run --explain-dir`) end to end: every flag, the content of the
//! explanations of the example plans, the JSON contract, and the errors on bad requests.
//!
//! Every expected figure comes from `tests/expected/*.md` (worked out by hand from the plan
//! text) or from the example CSV files read by hand; none was copied from the program's output.
//! Where the explanation is compared with `run`, both come from the program and only their
//! agreement is checked.

use crate::common;

use common::{assert_has, d, expect_code, ignition, ok, outcome, table, workspace, Outcome};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

// ---------------------------------------------------------------- helpers

/// A path inside the repository.
fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn fs_plan() -> PathBuf {
    repo("plans/field-sales/plan.plan")
}
fn fs_data() -> PathBuf {
    repo("plans/field-sales/data")
}
fn sdr_plan() -> PathBuf {
    repo("plans/sdr/plan.plan")
}
fn sdr_data() -> PathBuf {
    repo("plans/sdr/data")
}

/// A bad request: exit 2, no crash, nothing on stdout; returns stderr with the diagnostic
/// renderer's wrapping undone (gutters removed, white space collapsed).
fn refused(o: &Outcome) -> String {
    expect_code(o, 2);
    assert!(
        o.stdout.trim().is_empty(),
        "a refused request printed on stdout:\n{}",
        o.stdout
    );
    o.stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `ignition explain PLAN --data DATA` plus `args`.
fn explain(plan: &Path, data: &Path, args: &[&str]) -> Outcome {
    outcome(
        ignition()
            .arg("explain")
            .arg(plan)
            .arg("--data")
            .arg(data)
            .args(args),
    )
}

/// `explain` of field-sales for a participant and period plus `extra` arguments.
fn explain_fs(participant: &str, period: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["--participant", participant, "--period", period];
    args.extend_from_slice(extra);
    explain(&fs_plan(), &fs_data(), &args)
}

/// `explain` of the SDR plan for a participant and period plus `extra` arguments.
fn explain_sdr(participant: &str, period: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["--participant", participant, "--period", period];
    args.extend_from_slice(extra);
    explain(&sdr_plan(), &sdr_data(), &args)
}

/// Parse JSON output.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The explanation as JSON, for a participant and period of a plan, with `names`.
fn json_of(plan: &Path, data: &Path, participant: &str, period: &str, names: &[&str]) -> Value {
    let mut args = vec![
        "--participant",
        participant,
        "--period",
        period,
        "--format",
        "json",
    ];
    args.extend_from_slice(names);
    let o = explain(plan, data, &args);
    parse(ok(&o))
}

/// Every node of every tree of an explanation, depth first.
fn all_nodes(e: &Value) -> Vec<&Value> {
    fn walk<'v>(n: &'v Value, out: &mut Vec<&'v Value>) {
        out.push(n);
        for c in children(n) {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for n in e["nodes"].as_array().expect("nodes is an array") {
        walk(n, &mut out);
    }
    out
}

/// The children of a node (none when the field is left out).
fn children(n: &Value) -> &[Value] {
    n.get("children")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The ids of the top-level nodes.
fn top_ids(e: &Value) -> Vec<String> {
    e["nodes"]
        .as_array()
        .expect("nodes is an array")
        .iter()
        .map(|n| n["id"].as_str().expect("id is a string").to_string())
        .collect()
}

/// The node explaining definition `name` in the explained participant's own scope.
fn def_node<'v>(e: &'v Value, name: &str) -> &'v Value {
    all_nodes(e)
        .into_iter()
        .find(|n| {
            n["kind"] == "definition"
                && n["name"] == name
                && n.get("participant").is_none()
                && n.get("period").is_none()
        })
        .unwrap_or_else(|| panic!("no definition node `{name}` in:\n{e:#}"))
}

/// A JSON string field as a decimal.
fn dec_field(v: &Value, what: &str) -> Decimal {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} = {v} is not a string"));
    Decimal::from_str(s).unwrap_or_else(|_| panic!("{what} = {s:?} is not a decimal"))
}

/// A node's value as a decimal.
fn value_of(n: &Value) -> Decimal {
    dec_field(&n["value"], &format!("value of {}", n["id"]))
}

/// A figure as shown in text (`≈1,155.5555555556 EUR`, `130%`) as a decimal; percents as shown.
fn figure(s: &str) -> Decimal {
    let cleaned: String = s
        .trim()
        .trim_start_matches('≈')
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    Decimal::from_str(&cleaned).unwrap_or_else(|_| panic!("{s:?} is not a figure"))
}

/// The first line of `text` that contains every one of `needles`.
fn line_with<'t>(text: &'t str, needles: &[&str]) -> &'t str {
    text.lines()
        .find(|l| needles.iter().all(|n| l.contains(n)))
        .unwrap_or_else(|| panic!("no line containing {needles:?} in:\n{text}"))
}

/// The words right after `marker` in `line`, up to the next `stop` (or the end).
fn after<'l>(line: &'l str, marker: &str, stop: &str) -> &'l str {
    let at = line
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} is not in {line:?}"));
    let rest = &line[at + marker.len()..];
    rest.find(stop).map_or(rest, |i| &rest[..i])
}

/// The names of the top-level (unindented) headlines of a text explanation, in order.
fn headline_names(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty() && !l.starts_with(' ') && !l.starts_with(['├', '└', '│']))
        .map(|l| l.split(" = ").next().unwrap_or_default().to_string())
        .collect()
}

/// A line of a CSV file (1-based, the header is line 1) as header name → cell.
fn csv_line(file: &Path, line: u64) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let row = lines
        .get(line as usize - 1)
        .unwrap_or_else(|| panic!("{} has no line {line}", file.display()));
    header
        .iter()
        .zip(row.split(','))
        .map(|(h, c)| (h.to_string(), c.to_string()))
        .collect()
}

/// A data file named in an explanation (as given on the command line, or relative to the repo).
fn data_file(name: &str) -> PathBuf {
    let p = PathBuf::from(name);
    if p.is_absolute() {
        p
    } else {
        repo(name)
    }
}

/// Same figure: decimals compared as numbers, anything else as text.
fn same_cell(a: &str, b: &str) -> bool {
    match (Decimal::from_str(a), Decimal::from_str(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Every listed row of every aggregate of an explanation points at a CSV line holding its
/// key and the values shown.
fn assert_rows_point_at_their_lines(e: &Value) {
    let mut checked = 0;
    for n in all_nodes(e) {
        let Some(rows) = n.get("rows") else { continue };
        let file = data_file(rows["file"].as_str().expect("rows.file is a string"));
        for r in rows["list"].as_array().expect("rows.list is an array") {
            let line = r["line"].as_u64().expect("row line is a number");
            let cells = csv_line(&file, line);
            if let Some(key) = r.get("key").and_then(Value::as_str) {
                assert!(
                    cells.iter().any(|(_, c)| c == key),
                    "{}:{line} should hold the row with key {key}: {cells:?}",
                    file.display()
                );
            }
            for (col, v) in r["values"].as_object().expect("row values is an object") {
                let v = v.as_str().expect("row value is a string");
                let cell = cells
                    .iter()
                    .find(|(h, _)| h == col)
                    .unwrap_or_else(|| panic!("{} has no column {col}", file.display()));
                assert!(
                    same_cell(&cell.1, v),
                    "{}:{line} column {col} is {:?}, the explanation says {v:?}",
                    file.display(),
                    cell.1
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "no rows listed in:\n{e:#}");
}

/// The payouts of a plan's `run --format csv` output.
fn run_csv(plan: &Path, data: &Path) -> String {
    let o = outcome(
        ignition()
            .arg("run")
            .arg(plan)
            .arg("--data")
            .arg(data)
            .args(["--format", "csv"]),
    );
    ok(&o).to_string()
}

/// The example field-sales data without its three rows that are reported and skipped
/// (deals.csv:2 D001 dated 2025, deals.csv:30 D029 owned by r99, activities.csv:44 dated 2027).
fn clean_field_sales() -> (tempfile::TempDir, PathBuf) {
    let read = |f: &str| {
        std::fs::read_to_string(fs_data().join(f)).unwrap_or_else(|e| panic!("read {f}: {e}"))
    };
    let keep = |text: String, drop: &dyn Fn(&str) -> bool| -> String {
        text.lines()
            .filter(|l| !drop(l))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let deals = keep(read("deals.csv"), &|l| {
        l.starts_with("D001,") || l.starts_with("D029,")
    });
    let activities = keep(read("activities.csv"), &|l| l.contains("2027-"));
    let plan = std::fs::read_to_string(fs_plan()).expect("read plan");
    let reps = read("reps.csv");
    workspace(
        &plan,
        &[
            ("reps", reps.as_str()),
            ("deals", deals.as_str()),
            ("activities", activities.as_str()),
        ],
    )
}

// ================================================================ 1. flags

#[test]
fn default_explains_every_payout_then_the_total() {
    let text = ok(&explain_fs("r01", "2026-Q1", &[])).to_string();
    assert!(
        text.starts_with("Field Sales FY2026 — r01 in 2026-Q1"),
        "title line:\n{text}"
    );
    assert_eq!(
        headline_names(&text),
        ["commission", "spif", "quality_bonus", "override", "total"],
        "top-level headlines in:\n{text}"
    );
    let e = json_of(&fs_plan(), &fs_data(), "r01", "2026-Q1", &[]);
    assert_eq!(
        top_ids(&e),
        ["commission", "spif", "quality_bonus", "override", "total"]
    );
    assert_eq!(e["schema"], "ignition.explain/2");
    assert_eq!(e["participant"], "r01");
    assert_eq!(e["period"], "2026-Q1");
    assert_eq!(e["currency"], "EUR");

    // The SDR plan: its three payouts, then the total.
    let e = json_of(&sdr_plan(), &sdr_data(), "s01", "2026-02", &[]);
    assert_eq!(
        top_ids(&e),
        ["meeting_pay", "pipeline_kicker", "lead_bonus", "total"]
    );
}

#[test]
fn explicit_names_explain_only_those_in_the_order_given() {
    let text = ok(&explain_fs("r01", "2026-Q1", &["spif", "bookings"])).to_string();
    assert_eq!(headline_names(&text), ["spif", "bookings"], "in:\n{text}");
    assert!(
        !text.contains("commission"),
        "commission was not asked for:\n{text}"
    );
    let e = json_of(
        &fs_plan(),
        &fs_data(),
        "r01",
        "2026-Q1",
        &["bookings", "spif"],
    );
    assert_eq!(top_ids(&e), ["bookings", "spif"]);
    // A KPI can be explained on its own: bookings = 130,000.00 (field-sales.md, r01 Q1).
    assert_eq!(value_of(def_node(&e, "bookings")), d("130000"));
}

#[test]
fn format_text_is_the_default_and_json_and_html_differ_from_it() {
    let default = ok(&explain_fs("r01", "2026-Q1", &["commission"])).to_string();
    let text = ok(&explain_fs(
        "r01",
        "2026-Q1",
        &["commission", "--format", "text"],
    ))
    .to_string();
    assert_eq!(default, text, "--format text is the default");
    assert!(text.contains("commission = 8,600.00 EUR"), "text:\n{text}");

    let json = ok(&explain_fs(
        "r01",
        "2026-Q1",
        &["commission", "--format", "json"],
    ))
    .to_string();
    let e = parse(&json);
    assert_eq!(top_ids(&e), ["commission"]);
    assert_eq!(value_of(def_node(&e, "commission")), d("8600"));

    let dir = tempfile::tempdir().expect("temp dir");
    let html_path = dir.path().join("r01.html");
    let o = explain_fs(
        "r01",
        "2026-Q1",
        &[
            "commission",
            "--format",
            "html",
            "-o",
            html_path.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(ok(&o), "", "html goes to the file, not stdout");
    let html = std::fs::read_to_string(&html_path).expect("html written");
    assert!(html.starts_with("<!DOCTYPE html>"), "html:\n{html}");
    assert_has(
        &html,
        &[
            "Field Sales FY2026 — r01 in 2026-Q1",
            "data-id=\"commission\"",
            "8,600.00 EUR",
            "marginal(commission_rate, bookings, per: quota)",
            // The plan source is shown beside the tree, escaped.
            "attainment &gt;= 25%",
            "</html>",
        ],
    );
}

#[test]
fn output_file_gets_what_stdout_would_have_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in ["text", "json"] {
        let on_stdout = ok(&explain_fs("r02", "2026-Q1", &["--format", format])).to_string();
        let path = dir.path().join(format!("out.{format}"));
        let o = explain_fs(
            "r02",
            "2026-Q1",
            &["--format", format, "-o", path.to_str().expect("utf-8 path")],
        );
        assert_eq!(ok(&o), "", "--format {format} -o: stdout must be empty");
        let written = std::fs::read_to_string(&path).expect("output file written");
        assert_eq!(
            written, on_stdout,
            "--format {format}: the file differs from stdout"
        );
    }
    // The long form too.
    let path = dir.path().join("long.txt");
    let o = explain_fs(
        "r02",
        "2026-Q1",
        &["--output", path.to_str().expect("utf-8 path")],
    );
    assert_eq!(ok(&o), "");
    assert!(std::fs::read_to_string(&path)
        .expect("written")
        .contains("r02 in 2026-Q1"));
}

#[test]
fn rows_folds_an_aggregates_rows_into_a_count_and_a_sum() {
    // r02's Closed Won deals in 2026-Q1, by hand from plans/field-sales/data/deals.csv:
    //   line 12  D011  49999.99  2026-01-28  Closed Won
    //   line 13  D012  58000.00  2026-02-17  Closed Won
    //   line 14  D013  43234.57  2026-03-12  Closed Won
    // (bookings 49,999.99 + 58,000.00 + 43,234.57 = 151,234.56, field-sales.md).
    // --rows 2 lists D011 and D012 and folds 3 − 2 = 1 row: sum 43,234.57.
    // --rows 1 lists D011 and folds 3 − 1 = 2 rows: 58,000.00 + 43,234.57 = 101,234.57.
    let text = ok(&explain_fs("r02", "2026-Q1", &["bookings", "--rows", "2"])).to_string();
    assert_has(&text, &["D011", "deals.csv:12", "D012", "deals.csv:13"]);
    assert!(
        !text.contains("deals.csv:14"),
        "D013 must be folded:\n{text}"
    );
    let fold = line_with(&text, &["… and 1 more row"]);
    assert_eq!(figure(after(fold, "sum ", " ")), d("43234.57"), "{fold}");

    let text = ok(&explain_fs("r02", "2026-Q1", &["bookings", "--rows", "1"])).to_string();
    let fold = line_with(&text, &["… and 2 more rows"]);
    assert_eq!(figure(after(fold, "sum ", " ")), d("101234.57"), "{fold}");
    assert!(!text.contains("deals.csv:13") && !text.contains("deals.csv:14"));

    // A count has no column to sum: the fold gives the number of rows only.
    // r01's email_sent rows in 2026-Q1 (activities.csv lines 2, 3, 9, 14, 21): 5 − 2 = 3 folded.
    let text = ok(&explain_fs(
        "r01",
        "2026-Q1",
        &["reply_rate", "--rows", "2"],
    ))
    .to_string();
    let fold = line_with(&text, &["… and 3 more rows"]);
    assert!(!fold.contains("sum"), "a count has no sum: {fold}");
}

#[test]
fn rows_all_lists_every_row() {
    let text = ok(&explain_fs(
        "r02",
        "2026-Q1",
        &["bookings", "--rows", "all"],
    ))
    .to_string();
    assert_has(
        &text,
        &[
            "D011",
            "deals.csv:12",
            "D012",
            "deals.csv:13",
            "D013",
            "deals.csv:14",
        ],
    );
    assert!(!text.contains("more row"), "nothing folded:\n{text}");
    // 3 rows counted, 0 left out (r02 has no Closed Lost or Open deal in Q1).
    assert!(
        line_with(&text, &["rows of", "deals.csv"]).contains("3 rows"),
        "{text}"
    );
}

#[test]
fn rows_defaults_to_ten() {
    // 12 Closed Won deals of r01 in 2026-Q1, amounts 1001 .. 1012: the default lists 10 and
    // folds 2 rows, 1011 + 1012 = 2023.
    let plan = std::fs::read_to_string(fs_plan()).expect("read plan");
    let reps = std::fs::read_to_string(fs_data().join("reps.csv")).expect("read reps");
    let mut deals = "deal_id,owner,amount,close_date,stage,product\n".to_string();
    for k in 1..=12 {
        deals.push_str(&format!(
            "X{k:02},r01,{}.00,2026-02-{k:02},Closed Won,Addon\n",
            1000 + k
        ));
    }
    let activities = "rep_id,kind,date\n";
    let (dir, plan_path) = workspace(
        &plan,
        &[
            ("reps", reps.as_str()),
            ("deals", deals.as_str()),
            ("activities", activities),
        ],
    );
    let args = ["--participant", "r01", "--period", "2026-Q1", "bookings"];
    let text = ok(&explain(&plan_path, dir.path(), &args)).to_string();
    assert_has(&text, &["X01", "X10"]);
    assert!(!text.contains("X11") && !text.contains("X12"), "{text}");
    let fold = line_with(&text, &["… and 2 more rows"]);
    assert_eq!(figure(after(fold, "sum ", " ")), d("2023"), "{fold}");

    // JSON always lists every row, whatever --rows says.
    let mut jargs = args.to_vec();
    jargs.extend(["--format", "json", "--rows", "1"]);
    let e = parse(ok(&explain(&plan_path, dir.path(), &jargs)));
    let rows = &def_node(&e, "bookings")["rows"];
    assert_eq!(rows["count"], 12);
    assert_eq!(rows["list"].as_array().map(Vec::len), Some(12));
}

#[test]
fn strict_refuses_the_examples_skipped_rows_and_accepts_clean_data() {
    // Without --strict the skipped rows are warnings and the explanation is printed.
    let o = explain_fs("r01", "2026-Q1", &["total"]);
    assert!(ok(&o).contains("total = 10,000.00 EUR"));
    assert_has(&o.stderr, &["deals.csv", "D029", "D001"]);

    // With --strict they are errors: exit 2, nothing explained.
    let o = explain_fs("r01", "2026-Q1", &["total", "--strict"]);
    let err = refused(&o);
    assert_has(&err, &["line 30 (D029)", "line 2 (D001)", "activities.csv"]);

    // The same data without those three rows passes --strict, with the same figure.
    let (dir, plan) = clean_field_sales();
    let o = explain(
        &plan,
        dir.path(),
        &[
            "--participant",
            "r01",
            "--period",
            "2026-Q1",
            "total",
            "--strict",
        ],
    );
    assert!(ok(&o).contains("total = 10,000.00 EUR"), "{}", o.stdout);
    assert!(
        o.stderr.trim().is_empty(),
        "clean data: no diagnostics expected:\n{}",
        o.stderr
    );
}

// ================================================================ 2. content: field sales

#[test]
fn r01_q1_total_shows_the_cap_binding() {
    // field-sales.md r01 Q1: the paid components 8,600.00 + 300.00 + 1,155.56 (1,155.555…
    // rounded) = 10,055.56; cap 80,000 × 50% / 4 = 10,000.00; total 10,000.00; the cap
    // removes 55.56.
    let text = ok(&explain_fs("r01", "2026-Q1", &[])).to_string();
    assert!(text.contains("total = 10,000.00 EUR"), "{text}");
    let cap = line_with(&text, &["cap at base_salary * 50% / 4"]);
    let (before, rest) = after(cap, ": ", "(")
        .split_once('→')
        .unwrap_or_else(|| panic!("before → after in {cap:?}"));
    assert_eq!(figure(before).round_dp(2), d("10055.56"), "{cap}");
    assert_eq!(figure(rest), d("10000"), "{cap}");
    assert_eq!(
        figure(after(cap, "removed ", ")")).round_dp(2),
        d("55.56"),
        "{cap}"
    );
    assert!(text.contains("cap: base_salary * 50% / 4 = 10,000.00 EUR"));

    let e = json_of(&fs_plan(), &fs_data(), "r01", "2026-Q1", &[]);
    let total = def_node(&e, "total");
    assert_eq!(value_of(total), d("10000"));
    let limits = total["limits"].as_array().expect("total has limits");
    assert_eq!(limits.len(), 1);
    let l = &limits[0];
    assert_eq!(l["kind"], "cap");
    assert_eq!(l["expr"], "base_salary * 50% / 4");
    assert_eq!(dec_field(&l["before"], "before"), d("10055.56"));
    assert_eq!(dec_field(&l["bound"], "bound"), d("10000"));
    assert_eq!(dec_field(&l["after"], "after"), d("10000"));
    assert_eq!(dec_field(&l["change"], "change"), d("-55.56"));
    // The bound's own subtree is marked as such.
    let bound = children(total)
        .iter()
        .find(|c| c["role"] == "cap")
        .expect("a child with role cap");
    assert_eq!(bound["expr"], "base_salary * 50% / 4");
    assert_eq!(value_of(bound), d("10000"));
}

#[test]
fn r01_q1_commission_shows_three_marginal_bands() {
    // field-sales.md r01 Q1: 0–50,000 at 2% = 1,000.00 + 50,000–100,000 at 8% = 4,000.00
    // + 100,000–130,000 at 12% = 3,600.00 → 8,600.00.
    let text = ok(&explain_fs("r01", "2026-Q1", &["commission"])).to_string();
    for (band, slice, rate, amount) in [
        ("0% .. 50% : 2%", "50,000.00", "2%", "1,000.00"),
        ("50% .. 100% : 8%", "50,000.00", "8%", "4,000.00"),
        ("100% .. 150% : 12%", "30,000.00", "12%", "3,600.00"),
    ] {
        let l = line_with(&text, &[band, "slice"]);
        assert!(
            l.contains(&format!("slice {slice} EUR × {rate} = {amount} EUR")),
            "band {band}: {l}"
        );
    }
    assert!(
        !text.contains("150% .. : 15%"),
        "the 15% band does not apply:\n{text}"
    );

    let e = json_of(&fs_plan(), &fs_data(), "r01", "2026-Q1", &["commission"]);
    let c = def_node(&e, "commission");
    assert_eq!(value_of(c), d("8600"));
    let rates = &c["rates"];
    assert_eq!(rates["mode"], "marginal");
    assert_eq!(rates["table"], "commission_rate");
    assert_eq!(dec_field(&rates["input"], "input"), d("130000"));
    assert_eq!(dec_field(&rates["scale"], "scale"), d("100000"));
    let bands = rates["bands"].as_array().expect("bands");
    let got: Vec<(Decimal, Decimal, Decimal, Decimal)> = bands
        .iter()
        .map(|b| {
            (
                dec_field(&b["from"], "from"),
                dec_field(&b["slice"], "slice"),
                dec_field(&b["rate"], "rate"),
                dec_field(&b["amount"], "amount"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (d("0"), d("50000"), d("0.02"), d("1000")),
            (d("50000"), d("50000"), d("0.08"), d("4000")),
            (d("100000"), d("30000"), d("0.12"), d("3600")),
        ]
    );
    let sum: Decimal = got.iter().map(|b| b.3).sum();
    assert_eq!(sum, d("8600"), "the bands add up to the commission");
    // The gate is open and shown.
    assert_eq!(c["gate"]["open"], true);
    assert_eq!(c["gate"]["condition"], "attainment >= 25%");
}

#[test]
fn r01_q1_spif_lists_d002_with_its_csv_line() {
    // D002: r01, 50,000.00, 2026-01-20, Closed Won, Platform — deals.csv line 3; the only
    // Platform deal ≥ 50,000 (D005 is Closed Lost, D001 is dated 2025) → 1 × 300 = 300.00.
    let text = ok(&explain_fs("r01", "2026-Q1", &["spif"])).to_string();
    assert!(text.contains("spif = 300.00 EUR"), "{text}");
    let row = line_with(&text, &["D002"]);
    assert!(row.contains("deals.csv:3"), "{row}");
    assert!(row.contains("Platform"), "{row}");
    assert!(!text.contains("D005") && !text.contains("D001"), "{text}");

    let e = json_of(&fs_plan(), &fs_data(), "r01", "2026-Q1", &["spif"]);
    let agg = all_nodes(&e)
        .into_iter()
        .find(|n| n.get("rows").is_some())
        .expect("an aggregate with rows");
    let list = agg["rows"]["list"].as_array().expect("rows list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["key"], "D002");
    assert_eq!(list[0]["line"], 3);
    // Read deals.csv:3 from the file itself.
    let cells = csv_line(&fs_data().join("deals.csv"), 3);
    assert_eq!(cells[0], ("deal_id".to_string(), "D002".to_string()));
    assert!(cells.contains(&("product".to_string(), "Platform".to_string())));
    assert_eq!(
        dec_field(&list[0]["values"]["amount"], "amount"),
        d("50000.00")
    );
}

#[test]
fn r03_q1_commission_shows_the_closed_gate_and_the_attainment_fallback() {
    // field-sales.md r03 Q1: quota 0 (starts 2026-04-01), attainment 0/0 → fallback 0,
    // gate 0 < 25% → commission 0.00.
    let text = ok(&explain_fs("r03", "2026-Q1", &["commission"])).to_string();
    assert!(text.contains("commission = 0.00 EUR"), "{text}");
    assert!(
        line_with(&text, &["when attainment >= 25%"]).contains("no, so this pays 0"),
        "{text}"
    );
    assert!(
        line_with(&text, &["fallback taken"]).contains("division by zero"),
        "{text}"
    );
    assert!(text.contains("quota = 0.00 EUR"), "{text}");
    assert!(
        !text.contains("slice"),
        "the marginal table is not applied behind a closed gate:\n{text}"
    );

    let e = json_of(&fs_plan(), &fs_data(), "r03", "2026-Q1", &["commission"]);
    let c = def_node(&e, "commission");
    assert_eq!(value_of(c), d("0"));
    assert_eq!(c["gate"]["open"], false);
    assert!(c.get("rates").is_none(), "no rates behind a closed gate");
    let a = def_node(&e, "attainment");
    assert_eq!(value_of(a), d("0"));
    assert!(a["fallback"]
        .as_str()
        .is_some_and(|f| f.contains("division by zero")));
}

#[test]
fn m01_q1_override_lists_the_direct_reports_bookings() {
    // field-sales.md m01 Q1: m02 40,000.00 + r01 130,000.00 = 170,000.00 × 1% = 1,700.00;
    // r02/r03/r04 are m02's reports, not m01's.
    let text = ok(&explain_fs("m01", "2026-Q1", &["override"])).to_string();
    assert_has(
        &text,
        &[
            "override = 1,700.00 EUR",
            "[m02] bookings = 40,000.00 EUR",
            "[r01] bookings = 130,000.00 EUR",
        ],
    );
    for other in ["[r02]", "[r03]", "[r04]", "[m01]"] {
        assert!(
            !text.contains(other),
            "{other} is not a direct report:\n{text}"
        );
    }

    let e = json_of(&fs_plan(), &fs_data(), "m01", "2026-Q1", &["override"]);
    let team = all_nodes(&e)
        .into_iter()
        .find(|n| n["kind"] == "team")
        .expect("a team node");
    assert_eq!(value_of(team), d("170000"));
    let got: Vec<(String, String, Decimal)> = children(team)
        .iter()
        .map(|c| {
            (
                c["participant"].as_str().unwrap_or("").to_string(),
                c["name"].as_str().unwrap_or("").to_string(),
                value_of(c),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("m02".to_string(), "bookings".to_string(), d("40000")),
            ("r01".to_string(), "bookings".to_string(), d("130000")),
        ]
    );
}

// ================================================================ 2. content: SDR

#[test]
fn sdr_flat_band_and_lookup_band() {
    // sdr.md s02 2026-03: 6 qualified meetings, target 5 → 6/5 = 120%, exactly on the 120%
    // boundary → the 75 USD band; 75 × 6 = 450.00. Pipeline 312,500 → lookup band
    // [250,000, ∞) = 1,200.
    let text = ok(&explain_sdr("s02", "2026-03", &[])).to_string();
    assert!(text.contains("meeting_pay = 450.00 USD"), "{text}");
    assert!(
        line_with(&text, &["flat `per_meeting`"]).contains("120% .. : 75 USD"),
        "{text}"
    );
    assert!(
        line_with(&text, &["lookup `pipeline_kicker_amount`"]).contains("250000 USD .. : 1200 USD"),
        "{text}"
    );

    let e = json_of(&sdr_plan(), &sdr_data(), "s02", "2026-03", &[]);
    let rated: Vec<&Value> = all_nodes(&e)
        .into_iter()
        .filter(|n| n.get("rates").is_some())
        .collect();
    let flat = rated
        .iter()
        .find(|n| n["rates"]["mode"] == "flat")
        .expect("a flat rates step");
    assert_eq!(flat["rates"]["table"], "per_meeting");
    assert_eq!(dec_field(&flat["rates"]["input"], "input"), d("1.2"));
    let band = &flat["rates"]["bands"][0];
    assert_eq!(dec_field(&band["rate"], "rate"), d("75"));
    assert_eq!(dec_field(&band["from"], "from"), d("1.2"));
    assert!(band["to"].is_null(), "the top band is open: {band}");

    let lookup = rated
        .iter()
        .find(|n| n["rates"]["mode"] == "lookup")
        .expect("a lookup rates step");
    assert_eq!(lookup["rates"]["table"], "pipeline_kicker_amount");
    assert_eq!(dec_field(&lookup["rates"]["input"], "input"), d("312500"));
    let band = &lookup["rates"]["bands"][0];
    assert_eq!(dec_field(&band["rate"], "rate"), d("1200"));
    assert_eq!(dec_field(&band["from"], "from"), d("250000"));

    // s02 2026-02: 4/5 = 80% exactly → the 60 band (sdr.md); 60 × 4 = 240.00.
    let e = json_of(&sdr_plan(), &sdr_data(), "s02", "2026-02", &["meeting_pay"]);
    let flat = all_nodes(&e)
        .into_iter()
        .find(|n| n["rates"]["mode"] == "flat")
        .expect("a flat rates step");
    assert_eq!(
        dec_field(&flat["rates"]["bands"][0]["rate"], "rate"),
        d("60")
    );
    assert_eq!(value_of(def_node(&e, "meeting_pay")), d("240"));
}

#[test]
fn sdr_ytd_shows_each_periods_contribution() {
    // sdr.md: s02 meetings held 5 (Jan), 4 (Feb), 6 (Mar) → ytd in March 15.
    let text = ok(&explain_sdr("s02", "2026-03", &["ytd_meetings"])).to_string();
    assert_has(
        &text,
        &[
            "ytd_meetings = 15",
            "[2026-01] meetings_held = 5",
            "[2026-02] meetings_held = 4",
            "meetings_held = 6",
        ],
    );
    let e = json_of(
        &sdr_plan(),
        &sdr_data(),
        "s02",
        "2026-03",
        &["ytd_meetings"],
    );
    let ytd = def_node(&e, "ytd_meetings");
    assert_eq!(value_of(ytd), d("15"));
    let got: Vec<(Option<&str>, Decimal)> = children(ytd)
        .iter()
        .map(|c| (c.get("period").and_then(Value::as_str), value_of(c)))
        .collect();
    assert_eq!(
        got,
        [
            (Some("2026-01"), d("5")),
            (Some("2026-02"), d("4")),
            (None, d("6")),
        ],
        "each month's meetings_held, the explained month last"
    );
    // A month without meetings still contributes (0): s02 June ytd = 5 + 4 + 6 + 0 + 0 + 1 = 16.
    let e = json_of(
        &sdr_plan(),
        &sdr_data(),
        "s02",
        "2026-06",
        &["ytd_meetings"],
    );
    let ytd = def_node(&e, "ytd_meetings");
    assert_eq!(value_of(ytd), d("16"));
    let values: Vec<Decimal> = children(ytd).iter().map(value_of).collect();
    assert_eq!(
        values,
        [d("5"), d("4"), d("6"), d("0"), d("0"), d("1")],
        "{ytd:#}"
    );
}

#[test]
fn sdr_pipeline_kicker_cap_and_total_floor() {
    // sdr.md s02 2026-03: kicker lookup 1,200, gate 6 ≥ 5, cap 1,000 → 1,000.00 (removes 200).
    let text = ok(&explain_sdr("s02", "2026-03", &[])).to_string();
    assert!(text.contains("pipeline_kicker = 1,000.00 USD"), "{text}");
    let cap = line_with(&text, &["cap at 1000 USD"]);
    assert!(
        cap.contains("1,200.00 USD → 1,000.00 USD") && cap.contains("removed 200.00 USD"),
        "{cap}"
    );
    let e = json_of(
        &sdr_plan(),
        &sdr_data(),
        "s02",
        "2026-03",
        &["pipeline_kicker"],
    );
    let k = def_node(&e, "pipeline_kicker");
    let l = &k["limits"][0];
    assert_eq!(l["kind"], "cap");
    assert_eq!(l["expr"], "1000 USD");
    assert_eq!(dec_field(&l["before"], "before"), d("1200"));
    assert_eq!(dec_field(&l["bound"], "bound"), d("1000"));
    assert_eq!(dec_field(&l["after"], "after"), d("1000"));
    assert_eq!(dec_field(&l["change"], "change"), d("-200"));
    assert_eq!(k["gate"]["open"], true);

    // sdr.md s02 2026-02: 240 + 0 + 0 = 240 → floor 250.00 (adds 10).
    let text = ok(&explain_sdr("s02", "2026-02", &[])).to_string();
    assert!(text.contains("total = 250.00 USD"), "{text}");
    let floor = line_with(&text, &["floor at 250 USD"]);
    assert!(
        floor.contains("240.00 USD → 250.00 USD") && floor.contains("added 10.00 USD"),
        "{floor}"
    );
    let e = json_of(&sdr_plan(), &sdr_data(), "s02", "2026-02", &[]);
    let t = def_node(&e, "total");
    assert_eq!(value_of(t), d("250"));
    let l = &t["limits"][0];
    assert_eq!(l["kind"], "floor");
    assert_eq!(l["expr"], "250 USD");
    assert_eq!(dec_field(&l["before"], "before"), d("240"));
    assert_eq!(dec_field(&l["after"], "after"), d("250"));
    assert_eq!(dec_field(&l["change"], "change"), d("10"));

    // sdr.md s01 2026-03: 225 + 0 + 110 = 335 ≥ 250: the floor has no effect.
    let text = ok(&explain_sdr("s01", "2026-03", &["total"])).to_string();
    assert!(text.contains("total = 335.00 USD"), "{text}");
    assert!(
        line_with(&text, &["floor at 250 USD"]).contains("no effect"),
        "{text}"
    );
}

#[test]
fn sdr_constant_bounds_do_not_relabel_the_value_as_the_bound() {
    // pipeline_kicker: `cap pipeline_kicker at 1000 USD`; total: `floor total at 250 USD`.
    let e = json_of(&sdr_plan(), &sdr_data(), "s02", "2026-03", &[]);
    for (name, role, bound) in [
        ("pipeline_kicker", "cap", "1000 USD"),
        ("total", "floor", "250 USD"),
    ] {
        let n = def_node(&e, name);
        for c in children(n).iter().filter(|c| c["role"] == role) {
            assert_eq!(
                c["expr"], bound,
                "{name}: the child marked `{role}` must be the bound, not {c:#}"
            );
        }
    }
    // The lookup is the kicker's value: its band belongs to the definition (as the marginal
    // table of field-sales' commission does), not to a child labelled as the cap.
    let k = def_node(&e, "pipeline_kicker");
    assert_eq!(k["rates"]["mode"], "lookup", "{k:#}");
    let text = ok(&explain_sdr("s02", "2026-03", &[])).to_string();
    assert!(!text.contains("cap: lookup("), "{text}");
    assert!(!text.contains("floor: \"SDR Team H1 2026\""), "{text}");
}

// ================================================================ 2. JSON contract

/// For every participant and period of a plan: the explained payouts and total equal
/// `run --format csv`; every definition node's id is its name; ids are unique.
fn json_agrees_with_run(plan: &Path, data: &Path) {
    let csv = run_csv(plan, data);
    let t = table(&csv);
    assert!(!t.is_empty(), "run printed no rows:\n{csv}");
    for ((p, k), row) in &t {
        let e = &json_of(plan, data, p, k, &[]);
        let ids = top_ids(e);
        assert!(ids.contains(&"total".to_string()), "{p} {k}: {ids:?}");
        for n in e["nodes"].as_array().expect("nodes") {
            let name = n["name"].as_str().expect("top node has a name");
            let want = row
                .get(name)
                .unwrap_or_else(|| panic!("run has no column {name}"));
            assert_eq!(
                value_of(n),
                d(want),
                "{p} {k} {name}: explain and run disagree"
            );
        }
        let mut seen = BTreeSet::new();
        for n in all_nodes(e) {
            let id = n["id"].as_str().expect("id is a string");
            assert!(seen.insert(id.to_string()), "{p} {k}: id {id} twice");
            if n["kind"] == "definition" {
                assert_eq!(n["id"], n["name"], "{p} {k}: definition node {n:#}");
            }
        }
    }
}

#[test]
fn json_payouts_equal_run_and_definition_ids_are_names_field_sales() {
    json_agrees_with_run(&fs_plan(), &fs_data());
}

#[test]
fn json_payouts_equal_run_and_definition_ids_are_names_sdr() {
    json_agrees_with_run(&sdr_plan(), &sdr_data());
}

#[test]
fn json_rows_point_at_their_csv_lines() {
    // Every row listed for r01 Q1 (deals and activities) and s02 2026-03 (meetings).
    let e = json_of(&fs_plan(), &fs_data(), "r01", "2026-Q1", &[]);
    assert_rows_point_at_their_lines(&e);
    let e = json_of(&sdr_plan(), &sdr_data(), "s02", "2026-03", &[]);
    assert_rows_point_at_their_lines(&e);

    // And one by hand: r01's Q1 bookings are D002, D003, D004 on deals.csv lines 3, 4, 5;
    // D005 (line 6, Closed Lost) is the one row left out by `where`.
    let e = json_of(&fs_plan(), &fs_data(), "r01", "2026-Q1", &["bookings"]);
    let rows = &def_node(&e, "bookings")["rows"];
    assert_eq!(rows["count"], 3);
    assert_eq!(rows["excluded"], 1);
    assert_eq!(rows["column"], "amount");
    let got: Vec<(String, u64)> = rows["list"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap_or("").to_string(),
                r["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("D002".to_string(), 3),
            ("D003".to_string(), 4),
            ("D004".to_string(), 5)
        ]
    );
    let file = data_file(rows["file"].as_str().expect("file"));
    assert!(file.ends_with("deals.csv"), "{}", file.display());
    let text = std::fs::read_to_string(&file).expect("read deals.csv");
    let line4 = text.lines().nth(3).expect("deals.csv has a line 4");
    assert!(line4.starts_with("D003,r01,45000.00,"), "{line4}");
}

// ================================================================ 3. bad requests

#[test]
fn unknown_participant_suggests_the_closest_id() {
    let err = refused(&explain_fs("r1", "2026-Q1", &[]));
    assert_has(
        &err,
        &["no participant has the id `r1`", "did you mean `r01`?"],
    );
    // Nothing close: no suggestion, still exit 2.
    let err = refused(&explain_fs("zzzzzz", "2026-Q1", &[]));
    assert!(err.contains("`zzzzzz`"), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn unknown_period_lists_the_periods() {
    let err = refused(&explain_fs("r01", "2026-Q5", &[]));
    assert_has(
        &err,
        &["no period `2026-Q5`", "2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4"],
    );
    let err = refused(&explain_sdr("s01", "2026-07", &[]));
    assert_has(&err, &["`2026-07`", "2026-01", "2026-06"]);
}

#[test]
fn unknown_definition_suggests_the_closest_name() {
    let err = refused(&explain_fs("r01", "2026-Q1", &["comission"]));
    assert_has(
        &err,
        &["nothing called `comission`", "did you mean `commission`?"],
    );
    // One bad name among good ones still refuses the request.
    let err = refused(&explain_fs("r01", "2026-Q1", &["spif", "xyzzyq"]));
    assert!(err.contains("`xyzzyq`"), "{err}");
}

#[test]
fn html_without_an_output_file_is_refused() {
    let err = refused(&explain_fs("r01", "2026-Q1", &["--format", "html"]));
    assert_has(&err, &["HTML", "-o"]);
}

#[test]
fn an_output_path_that_cannot_be_written_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-dir").join("out.txt");
    let shown = missing.display().to_string();
    for format in ["text", "json", "html"] {
        let o = explain_fs(
            "r01",
            "2026-Q1",
            &["--format", format, "-o", missing.to_str().expect("utf-8")],
        );
        let err = refused(&o);
        assert_has(&err, &["cannot write", &shown]);
        assert!(!missing.exists());
    }
    // A directory is not a file either.
    let err = refused(&explain_fs(
        "r01",
        "2026-Q1",
        &["-o", dir.path().to_str().expect("utf-8")],
    ));
    assert!(err.contains("cannot write"), "{err}");
}

#[test]
fn rows_must_be_a_number_or_all() {
    for bad in ["abc", "-1", "2.5", "ALL"] {
        let flag = format!("--rows={bad}");
        let o = explain_fs("r01", "2026-Q1", &[flag.as_str()]);
        let err = refused(&o);
        assert_has(&err, &["--rows", "`all`"]);
    }
}

// ================================================================ 4. run --explain-dir

#[test]
fn run_explain_dir_writes_one_json_per_participant_and_period() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("explanations");
    let o = outcome(
        ignition()
            .arg("run")
            .arg(fs_plan())
            .arg("--data")
            .arg(fs_data())
            .args(["--format", "csv"])
            .arg("--explain-dir")
            .arg(&out),
    );
    let csv = ok(&o).to_string();
    let t = table(&csv);

    // field-sales.md: 6 participants × 4 quarters.
    let mut expected = BTreeSet::new();
    for p in ["m01", "m02", "r01", "r02", "r03", "r04"] {
        for k in ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] {
            expected.insert(format!("{p}_{k}.json"));
        }
    }
    let files: BTreeSet<String> = std::fs::read_dir(&out)
        .expect("the folder was created")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(files.len(), 24);
    assert_eq!(files, expected);

    for name in &files {
        let text = std::fs::read_to_string(out.join(name)).expect("read explanation");
        let e = parse(&text);
        assert_eq!(e["schema"], "ignition.explain/2", "{name}");
        let (p, k) = name
            .trim_end_matches(".json")
            .split_once('_')
            .expect("PARTICIPANT_PERIOD.json");
        assert_eq!(e["participant"], p, "{name}");
        assert_eq!(e["period"], k, "{name}");
        assert_eq!(
            top_ids(&e),
            ["commission", "spif", "quality_bonus", "override", "total"],
            "{name}: the archive explains every payout, then the total"
        );
        let want = &t[&(p.to_string(), k.to_string())]["total"];
        assert_eq!(value_of(def_node(&e, "total")), d(want), "{name}");
        for n in all_nodes(&e) {
            if n["kind"] == "definition" {
                assert_eq!(n["id"], n["name"], "{name}: {n:#}");
            }
        }
    }
    // The hand-computed total of r01 Q1 (field-sales.md): 10,000.00.
    let e = parse(&std::fs::read_to_string(out.join("r01_2026-Q1.json")).expect("read"));
    assert_eq!(value_of(def_node(&e, "total")), d("10000"));
}

#[test]
fn run_explain_dir_follows_the_selection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sel");
    let o = outcome(
        ignition()
            .arg("run")
            .arg(sdr_plan())
            .arg("--data")
            .arg(sdr_data())
            .args(["--participant", "s02", "--period", "2026-03"])
            .arg("--explain-dir")
            .arg(&out),
    );
    ok(&o);
    let files: Vec<String> = std::fs::read_dir(&out)
        .expect("folder created")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["s02_2026-03.json"]);
    let e = parse(&std::fs::read_to_string(out.join(&files[0])).expect("read"));
    assert_eq!(e["schema"], "ignition.explain/2");
    // sdr.md s02 2026-03: 450 + 1,000 + 0 = 1,450.00.
    assert_eq!(value_of(def_node(&e, "total")), d("1450"));
}

#[test]
fn run_explain_dir_payouts_reconcile_with_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("explanations");
    let o = outcome(
        ignition()
            .arg("run")
            .arg(fs_plan())
            .arg("--data")
            .arg(fs_data())
            .args([
                "--format",
                "csv",
                "--participant",
                "r01",
                "--period",
                "2026-Q1",
            ])
            .arg("--explain-dir")
            .arg(&out),
    );
    let t = table(ok(&o));
    let row = &t[&("r01".to_string(), "2026-Q1".to_string())];
    let e = parse(&std::fs::read_to_string(out.join("r01_2026-Q1.json")).expect("read"));
    // field-sales.md r01 Q1: commission 8,600.00, spif 300.00, quality_bonus 1,155.56, override 0.
    for (name, hand) in [
        ("commission", "8600"),
        ("spif", "300"),
        ("quality_bonus", "1155.56"),
        ("override", "0"),
    ] {
        assert_eq!(d(&row[name]), d(hand), "run {name}");
        let n = def_node(&e, name);
        assert_eq!(
            value_of(n),
            d(hand),
            "{name}: the archived payout should read as paid (its rounding step may keep \
             the unrounded figure): {n:#}"
        );
    }
}
