//! Output that cannot hurt its reader or its pipe: CSV formula neutralising, valid JSON and
//! escaped HTML for hostile values, closed pipes, `--explain-dir` file names and stack, the
//! table's title, streamed output, diff and org() at sizes where quadratic work would show.

use crate::common;
use crate::harness::Test;
use common::{ignition, outcome, workspace, Outcome};
use std::process::Stdio;

const HEAD: &str =
    "plan \"x\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n";

/// A roster with a text label and an amount, each reported as a KPI and the amount paid.
fn labels_plan() -> String {
    format!(
        "{HEAD}  input r key id {{ id: text\n    label: text\n    amount: money }}\n  participants r\n  kpi label_k = label\n  kpi amount_k = amount\n  payout p = amount\n}}\n"
    )
}

fn run_csv(dir: &std::path::Path, plan: &std::path::Path) -> Outcome {
    outcome(
        ignition()
            .arg("run")
            .arg(plan)
            .arg("--data")
            .arg(dir)
            .args(["--format", "csv", "--period", "2026-Q1"]),
    )
}

// ------------------------------------------------------------------ CSV formula injection

#[test]
fn csv_text_cells_that_start_a_formula_are_neutralised_and_numbers_are_not() {
    // Each hostile text gets a leading ' and quotes (embedded quotes doubled); the amount
    // -12.50 is a number and stays as written, and so does the payout -12.50 and total -12.50.
    let reps = "id,label,amount\n\"=1+1\",@SUM(1),-12.50\n+cmd,\"-2+3\",1\nt,\"\tx\",2\n@a,\"=HYPERLINK(\"\"http://x\"\")\",3\nplain,\"a,b\",4\nc,\"\ry\",5\n";
    let (dir, plan) = workspace(&labels_plan(), &[("r", reps)]);
    let out = run_csv(dir.path(), &plan);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.split('\n').collect();
    assert_eq!(lines[0], "participant,period,label_k,amount_k,p,total");
    assert_eq!(
        lines[1],
        "\"'=1+1\",2026-Q1,\"'@SUM(1)\",-12.50,-12.50,-12.50"
    );
    assert_eq!(lines[2], "\"'+cmd\",2026-Q1,\"'-2+3\",1.00,1.00,1.00");
    // The loader trims cells, so a leading tab cannot come from a CSV cell; see below.
    assert_eq!(lines[3], "t,2026-Q1,x,2.00,2.00,2.00");
    assert_eq!(
        lines[4],
        "\"'@a\",2026-Q1,\"'=HYPERLINK(\"\"http://x\"\")\",3.00,3.00,3.00"
    );
    // Harmless text is quoted only when it has to be.
    assert_eq!(lines[5], "plain,2026-Q1,\"a,b\",4.00,4.00,4.00");
    assert_eq!(lines[6], "c,2026-Q1,\"'\ry\",5.00,5.00,5.00");
}

#[test]
fn every_formula_start_is_neutralised() {
    use ignition::report::csv_text;
    for (text, want) in [
        ("=1", "\"'=1\""),
        ("+1", "\"'+1\""),
        ("-1", "\"'-1\""),
        ("@x", "\"'@x\""),
        ("\tx", "\"'\tx\""),
        ("\rx", "\"'\rx\""),
        ("=\"a\"", "\"'=\"\"a\"\"\""),
        ("a=1", "a=1"),
        ("a,\"b", "\"a,\"\"b\""),
        ("", ""),
    ] {
        assert_eq!(csv_text(text), want, "{text:?}");
    }
}

#[test]
fn diff_csv_neutralises_text_and_quotes_fields() {
    // Same plan, two data sets: the label of `=1+1` changes from "ok" to "@x,y" and its amount
    // from 10 to -5, so amount_k, p and total move by -5 - 10 = -15 (-150% of 10).
    let out = Test::new()
        .plan(&labels_plan())
        .file("old/r.csv", "id,label,amount\n\"=1+1\",ok,10\n")
        .file("new/r.csv", "id,label,amount\n\"=1+1\",\"@x,y\",-5\n")
        .args(["diff", "plan.plan", "--data", "old", "--new-data", "new"])
        .args(["--format", "csv"])
        .run();
    let q1: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("2026-Q1"))
        .collect();
    assert_eq!(
        q1,
        [
            "\"'=1+1\",2026-Q1,label_k,kpi,text,ok,\"'@x,y\",,",
            "\"'=1+1\",2026-Q1,amount_k,kpi,EUR,10,-5,-15,-150",
            "\"'=1+1\",2026-Q1,p,payout,EUR,10,-5,-15,-150",
            "\"'=1+1\",2026-Q1,total,total,EUR,10,-5,-15,-150",
        ]
    );
}

#[test]
fn json_stays_valid_for_control_characters() {
    // Control characters, an escape sequence, a line separator, quotes and a backslash:
    // the output parses, and the text reads back unchanged.
    let reps = "id,label,amount\nr1,\"a\u{1}b\u{1b}[2J\\\"\"q\"\"\u{2028}\u{7f}\",1\n";
    let out = Test::new()
        .plan(&labels_plan())
        .table("r", reps)
        .args(["run", "plan.plan", "--data", "."])
        .args(["--format", "json", "--period", "2026-Q1"])
        .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(
        v["results"][0]["values"]["label_k"].as_str(),
        Some("a\u{1}b\u{1b}[2J\\\"q\"\u{2028}\u{7f}")
    );
    // Raw control characters never reach the JSON text: they are escaped.
    assert!(!out.stdout.contains('\u{1}') && !out.stdout.contains('\u{1b}'));
}

#[test]
fn invalid_utf8_and_lone_surrogates_are_rejected_before_any_output() {
    // 0xFF is never UTF-8; ED A0 80 is a UTF-16 surrogate encoded as if it were UTF-8.
    for bad in [&b"x\xffy"[..], &b"x\xed\xa0\x80y"[..]] {
        let mut reps = b"id,label,amount\nr1,\"".to_vec();
        reps.extend_from_slice(bad);
        reps.extend_from_slice(b"\",1\n");
        let (dir, plan) = workspace(&labels_plan(), &[]);
        std::fs::write(dir.path().join("r.csv"), &reps).expect("write");
        let out = outcome(
            ignition()
                .arg("run")
                .arg(&plan)
                .arg("--data")
                .arg(dir.path())
                .args(["--format", "json"]),
        );
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("ignition::data::bad_cell"),
            "{}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn html_explanation_escapes_data_and_plan_text() {
    let plan = "plan \"<script>alert('t')</script>\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n  input r key id { id: text\n    label: text\n    amount: money }\n  participants r\n  kpi label_k = label\n  payout p = amount when label != \"</script><img src=x onerror=alert(1)>\"\n}\n// </pre><script>alert(9)</script>\n";
    let reps = "id,label,amount\n\"<b>r1</b>\",\"\"\"><img src=x onerror=alert(2)>\",5\n";
    let test = Test::new()
        .plan(plan)
        .table("r", reps)
        .args(["explain", "plan.plan", "--data", "."])
        .args(["--participant", "<b>r1</b>", "--period", "2026-Q1"])
        .args(["p", "label_k", "--format", "html", "-o", "e.html"]);
    let html = test.path().join("e.html");
    test.run();
    let page = std::fs::read_to_string(&html).expect("page");
    for raw in [
        "<script>alert",
        "<img src",
        "<b>r1",
        "</pre><script>",
        "</script><img",
    ] {
        assert!(!page.contains(raw), "unescaped `{raw}` in the page");
    }
    assert!(page.contains("&lt;script&gt;alert("), "title escaped");
    // The page's own script is still there, once.
    assert_eq!(page.matches("<script>").count(), 1);
}

// ------------------------------------------------------------------ closed pipes

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

fn code(cmd: &mut std::process::Command) -> Option<i32> {
    cmd.status().expect("runs").code()
}

fn bin() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("ignition"));
    c.env("NO_COLOR", "1");
    c
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    let root = env!("CARGO_MANIFEST_DIR");
    let plan = format!("{root}/plans/field-sales/plan.plan");
    let data = format!("{root}/plans/field-sales/data");
    for format in ["table", "csv", "json"] {
        let got = code(
            bin()
                .args(["run", &plan, "-d", &data, "--format", format])
                .stdout(closed_pipe())
                .stderr(Stdio::null()),
        );
        assert_eq!(got, Some(0), "run --format {format}");
    }
    let got = code(
        bin()
            .args(["test", &format!("{root}/plans")])
            .stdout(closed_pipe())
            .stderr(Stdio::null()),
    );
    assert_eq!(got, Some(0), "test");
    let got = code(
        bin()
            .args(["explain", &plan, "-d", &data])
            .args(["--participant", "r01", "--period", "2026-Q1"])
            .stdout(closed_pipe())
            .stderr(Stdio::null()),
    );
    assert_eq!(got, Some(0), "explain");
}

#[test]
fn a_full_disk_on_stdout_is_an_output_error() {
    // /dev/full fails every write with "no space left": not a reader that went away.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let out = bin()
        .args(["run", &format!("{root}/plans/field-sales/plan.plan")])
        .args([
            "-d",
            &format!("{root}/plans/field-sales/data"),
            "--format",
            "csv",
        ])
        .stdout(Stdio::from(full))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ignition::cli::output"), "{stderr}");
    assert!(stderr.contains("cannot write the output"), "{stderr}");
}

#[test]
fn a_closed_stderr_keeps_the_exit_code_of_the_command() {
    let root = env!("CARGO_MANIFEST_DIR");
    let (dir, bad) = workspace("plan \"x\" {\n  currency\n", &[]);
    // A plan that does not parse: check's gate (1), run's input error (2).
    let got = code(
        bin()
            .arg("check")
            .arg(&bad)
            .stdout(Stdio::null())
            .stderr(closed_pipe()),
    );
    assert_eq!(got, Some(1), "check");
    let got = code(
        bin()
            .arg("run")
            .arg(&bad)
            .arg("-d")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(closed_pipe()),
    );
    assert_eq!(got, Some(2), "run");
    // Field-sales prints warnings about its deliberately bad rows, then succeeds.
    let got = code(
        bin()
            .args(["run", &format!("{root}/plans/field-sales/plan.plan")])
            .args(["-d", &format!("{root}/plans/field-sales/data")])
            .stdout(Stdio::null())
            .stderr(closed_pipe()),
    );
    assert_eq!(got, Some(0), "run with warnings");
}

// ------------------------------------------------------------------ --explain-dir

#[test]
fn explain_dir_names_are_injective() {
    // Five ids that the old naming mapped to two names (a_b, a_2Eb…): each gets its own file,
    // and each file explains the participant its name says.
    let plan = format!(
        "{HEAD}  input r key id {{ id: text\n    amount: money }}\n  participants r\n  payout p = amount\n}}\n"
    );
    let reps = "id,amount\na.b,1\na_b,2\na b,3\na%2Eb,4\na/b,5\n";
    let (dir, path) = workspace(&plan, &[("r", reps)]);
    let xd = dir.path().join("xd");
    let out = outcome(
        ignition()
            .arg("run")
            .arg(&path)
            .arg("--data")
            .arg(dir.path())
            .args(["--period", "2026-Q2", "--explain-dir"])
            .arg(&xd),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&xd)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "a%20b_2026-Q2.json",
            "a%252Eb_2026-Q2.json",
            "a%2Eb_2026-Q2.json",
            "a%2Fb_2026-Q2.json",
            "a_b_2026-Q2.json",
        ]
    );
    for (file, id) in [
        ("a%20b_2026-Q2.json", "a b"),
        ("a%252Eb_2026-Q2.json", "a%2Eb"),
        ("a%2Eb_2026-Q2.json", "a.b"),
        ("a%2Fb_2026-Q2.json", "a/b"),
        ("a_b_2026-Q2.json", "a_b"),
    ] {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(xd.join(file)).expect("file"))
                .expect("json");
        assert_eq!(v["participant"].as_str(), Some(id), "{file}");
    }
}

#[test]
fn explain_dir_refuses_names_that_differ_only_in_case() {
    let plan = format!(
        "{HEAD}  input r key id {{ id: text\n    amount: money }}\n  participants r\n  payout p = amount\n}}\n"
    );
    let out = Test::new()
        .plan(&plan)
        .table("r", "id,amount\nR1,1\nr1,2\n")
        .args(["run", "plan.plan", "--data", ".", "--explain-dir", "xd"])
        .status(2)
        .run();
    assert!(
        common::flat(&out.stderr).contains("on a file system that ignores case"),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_dir_explains_a_long_expression() {
    // 3,000 terms of `1 +` then 1: the KPI is 3,001 (it overflowed a worker thread's stack).
    let plan = format!(
        "{HEAD}  input r key id {{ id: text }}\n  participants r\n  kpi k = {}1\n  payout p = k * 1 EUR\n}}\n",
        "1 + ".repeat(3_000)
    );
    let test = Test::new()
        .plan(&plan)
        .table("r", "id\nr1\n")
        .args(["run", "plan.plan", "--data", "."])
        .args(["--format", "csv", "--explain-dir", "xd"])
        .stdout_has("r1,2026-Q1,3001,3001.00,3001.00");
    let xd = test.path().join("xd");
    test.run();
    assert!(xd.join("r1_2026-Q4.json").exists());
}

// ------------------------------------------------------------------ table

#[test]
fn the_table_title_says_how_numbers_are_shown() {
    // A number KPI of 1.15564 is shown to 4 decimals (1.1556), an amount of 12.346 to 2
    // (12.35), and the title says both.
    let plan = format!(
        "{HEAD}  input r key id {{ id: text }}\n  participants r\n  kpi score = 1.15564\n  kpi amount = 12.346 EUR\n  payout p = 1 EUR\n}}\n"
    );
    let (dir, path) = workspace(&plan, &[("r", "id\nr1\n")]);
    let out = outcome(
        ignition()
            .arg("run")
            .arg(&path)
            .arg("--data")
            .arg(dir.path())
            .args(["--period", "2026-Q1"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let title = out.stdout.lines().next().unwrap_or_default();
    assert!(
        title.contains("amounts and percents shown to 2 decimals, other numbers to at most 4"),
        "{title}"
    );
    assert!(
        !title.contains("other values shown to 2 decimals"),
        "{title}"
    );
    let row = out.stdout.lines().nth(2).unwrap_or_default();
    assert!(row.contains("1.1556") && row.contains("12.35"), "{row}");
}

#[test]
fn table_widths_come_from_every_row() {
    // The last participant's long id widens the first column of every row, so the streamed
    // table still lines up: the period column starts at the same place on each line.
    let plan = format!(
        "{HEAD}  input r key id {{ id: text }}\n  participants r\n  payout p = 1 EUR\n}}\n"
    );
    let (dir, path) = workspace(&plan, &[("r", "id\na\na-much-longer-participant-id\n")]);
    let out = outcome(
        ignition()
            .arg("run")
            .arg(&path)
            .arg("--data")
            .arg(dir.path())
            .args(["--period", "2026-Q1"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 3);
    let col = "a-much-longer-participant-id  ".len();
    assert_eq!(lines[1].find("2026-Q1"), Some(col), "{}", out.stdout);
    assert_eq!(lines[2].find("2026-Q1"), Some(col), "{}", out.stdout);
    assert_eq!(lines[0].find("period"), Some(col), "{}", out.stdout);
}

// issue 9, conditionals
#[test]
fn text_and_yes_no_kpis_are_reported_by_run_and_compared_by_diff() {
    let plan = "tests/plans/conditionals/plan.plan";
    let data = "tests/plans/conditionals/data";
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let csv = outcome(
        ignition()
            .current_dir(root)
            .args(["run", plan, "--data", data, "--format", "csv"]),
    );
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    // r2: 25,000 / 20,000 = 125%: "on target", yes; r3: 24,000 / 40,000 = 60%: "on track", no.
    assert!(
        csv.stdout
            .contains("r2,2026-Q1,25000.00,1.25,on target,true,2,"),
        "{}",
        csv.stdout
    );
    assert!(
        csv.stdout
            .contains("r3,2026-Q1,24000.00,0.6,on track,false,1,"),
        "{}",
        csv.stdout
    );
    let json = outcome(
        ignition()
            .current_dir(root)
            .args(["run", plan, "--data", data, "--format", "json"]),
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let r1 = &doc["results"][0]["values"];
    assert_eq!(
        (r1["status"].as_str(), r1["on_target"].as_str()),
        (Some("behind"), Some("false"))
    );
    // The same plan with another label: diff reports the text that changed, with no delta.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root.join(plan))
        .expect("the plan")
        .replace("then \"on target\"", "then \"ON TARGET\"");
    let other = dir.path().join("other.plan");
    std::fs::write(&other, text).expect("written");
    let diff = outcome(
        ignition()
            .current_dir(root)
            .args(["diff", plan])
            .arg(&other)
            .args(["--data", data]),
    );
    assert!(
        diff.stdout.contains("status  \"on target\"  \"ON TARGET\""),
        "{}",
        diff.stdout
    );
}

// ------------------------------------------------------------------ issue 11, views

const KPIS_PLAN: &str = include_str!("../plans/kpis/plan.plan");
const KPIS_REPS: &str = include_str!("../plans/kpis/data/reps.csv");
const KPIS_DEALS: &str = include_str!("../plans/kpis/data/deals.csv");

fn kpis(args: &[&str]) -> Test {
    let mut all = vec!["run", "plan.plan", "--data", ".", "--period", "2026-Q1"];
    all.extend_from_slice(args);
    Test::new()
        .plan(KPIS_PLAN)
        .table("reps", KPIS_REPS)
        .table("deals", KPIS_DEALS)
        .args(all)
}

#[test]
fn columns_choose_and_order_the_columns_and_labels_title_the_table() {
    // m1 → r1, r2; r1 → r3. The labels title the table; CSV keeps the names.
    kpis(&["--columns", "bookings,win_rate.status,win_rate", "--participant", "r1"])
        .stdout(
            "K — amounts in EUR; payouts rounded as the plan says, amounts and percents shown to 2 decimals, other numbers to at most 4 (csv/json are exact)\n\
             participant  period   Bookings  Win rate status  Win rate\n\
             r1           2026-Q1  5,000.00            green    33.33%\n",
        )
        .run();
    kpis(&["--columns", "win_rate.status", "--format", "csv"])
        .stdout(
            "participant,period,win_rate.status\nm1,2026-Q1,no data\nr1,2026-Q1,green\nr2,2026-Q1,green\nr3,2026-Q1,red\n",
        )
        .run();
    kpis(&[
        "--columns",
        "win_rate",
        "--format",
        "json",
        "--participant",
        "r2",
    ])
    .stdout_has("\"label\": \"Win rate\"")
    .stdout_has("\"category\": \"result\"")
    .run();
}

#[test]
fn an_unknown_column_is_a_command_line_error_with_the_closest_name() {
    kpis(&["--columns", "win_rate,bokings"])
        .status(2)
        .stderr_has("ignition::cli::columns")
        .stderr_has("the plan reports no column `bokings`")
        .stderr_has("did you mean `bookings`?")
        .run();
}

#[test]
fn team_is_the_manager_and_everyone_under_them() {
    // r1 manages r3; m1 manages r1 and r2, and so r3 through r1.
    kpis(&["--team", "r1", "--columns", "win_rate", "--format", "csv"])
        .stdout("participant,period,win_rate\nr1,2026-Q1,0.3333333333333333333333333333\nr3,2026-Q1,0\n")
        .run();
    kpis(&["--team", "m1", "--columns", "bookings", "--format", "csv"])
        .stdout("participant,period,bookings\nm1,2026-Q1,0.00\nr1,2026-Q1,5000.00\nr2,2026-Q1,12000.00\nr3,2026-Q1,0.00\n")
        .run();
    // With --participant, the team is narrowed to them.
    kpis(&[
        "--team",
        "m1",
        "--participant",
        "r3",
        "--columns",
        "bookings",
        "--format",
        "csv",
    ])
    .stdout("participant,period,bookings\nr3,2026-Q1,0.00\n")
    .run();
}

#[test]
fn an_unknown_team_or_a_plan_without_hierarchy_is_a_command_line_error() {
    kpis(&["--team", "m2"])
        .status(2)
        .stderr_has("ignition::cli::team")
        .stderr_has("no team `m2`: no participant has this id")
        .stderr_has("did you mean `m1`?")
        .run();
    Test::new()
        .plan(&labels_plan())
        .table("r", "id,label,amount\na,x,1\n")
        .args(["run", "plan.plan", "--data", ".", "--team", "a"])
        .status(2)
        .stderr_has("no team `a`: the plan has no hierarchy")
        .run();
}

// issue 10, calendars
#[test]
fn rollup_sums_payouts_over_the_fiscal_quarters_and_years() {
    let plan = "tests/plans/fiscal/plan.plan";
    let data = "tests/plans/fiscal/data";
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |extra: &[&str]| {
        let o = outcome(
            ignition()
                .current_dir(root)
                .args(["run", plan, "--data", data, "--format", "csv"])
                .args(extra),
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stdout
    };
    // quarter_close pays 1% of qtd(bookings) in the last month of a fiscal quarter (April
    // start). r1: March closes FY2026 Q4 with 1,000 → 10; June closes FY2027 Q1 with 8,000 +
    // 16,000 + 2,500 = 26,500 → 265. r2: 500 in May → 5 in June. KPIs are not rolled up.
    assert_eq!(
        run(&["--rollup", "quarter", "--participant", "r1"]),
        "participant,period,quarter_close,total\n\
         r1,FY2026-Q4,10.00,10.00\n\
         r1,FY2027-Q1,265.00,265.00\n\
         r1,FY2027-Q2,0.00,0.00\n\
         r1,FY2027-Q3,0.00,0.00\n"
    );
    // Years: FY2026 is Jan–Mar 2026 of this plan, FY2027 Apr–Dec.
    assert_eq!(
        run(&["--rollup", "year", "--period", "FY2027"]),
        "participant,period,quarter_close,total\nr1,FY2027,265.00,265.00\nr2,FY2027,5.00,5.00\n"
    );
    // A month is not a period of the rolled-up calendar.
    let o = outcome(ignition().current_dir(root).args([
        "run", plan, "--data", data, "--rollup", "year", "--period", "2026-03",
    ]));
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("FY2026, FY2027"), "{}", o.stderr);
    // `--columns` keeps the payouts and total it names: a KPI is not rolled up.
    assert_eq!(
        run(&[
            "--rollup",
            "year",
            "--columns",
            "total,bookings",
            "--participant",
            "r2"
        ]),
        "participant,period,total\nr2,FY2026,0.00\nr2,FY2027,5.00\n"
    );
}
