//! Hostile data files: every one is a located diagnostic (exit 2) or a correct result; never
//! a panic, a hang, raw terminal control sequences, or a result that depends on threads.

use crate::common;
use common::{assert_has, expect_code, flat, ignition, ok, outcome, run_inline, value, workspace};
use std::time::Duration;

const PLAN: &str = r#"plan "Data" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-12-31
  input reps key rep_id { rep_id: text }
  input deals key deal_id {
    deal_id: text
    owner: text
    amount: money
    close_date: date
    product: text
  }
  participants reps
  credit deals to owner by close_date
  kpi bookings = sum(deals.amount)
  kpi n_deals = count(deals)
}
"#;

const REPS: &str = "rep_id\nr1\nr2\n";
const HEADER: &str = "deal_id,owner,amount,close_date,product\n";

/// `run` with these deals (bytes) and the two reps.
fn run_deals(deals: &[u8], extra: &[&str]) -> common::Outcome {
    let (dir, plan) = workspace(PLAN, &[("reps", REPS)]);
    std::fs::write(dir.path().join("deals.csv"), deals).expect("write deals");
    outcome(
        ignition()
            .arg("run")
            .arg(&plan)
            .arg("--data")
            .arg(dir.path())
            .args(extra)
            .timeout(Duration::from_secs(120)),
    )
}

fn deals(rows: &str) -> Vec<u8> {
    format!("{HEADER}{rows}").into_bytes()
}

#[test]
fn invalid_utf8_before_a_bad_cell_is_located_not_a_panic() {
    // A Latin-1 export: `r1\xff` (the byte 0xff is not UTF-8), then an amount that is not one.
    // Columns count characters of the file, an invalid byte as one: `D1,` is 3, `r1\xff,`
    // is 4, so owner is at column 4 and amount at column 3 + 4 + 1 = 8.
    let o = run_deals(
        &[HEADER.as_bytes(), b"D1,r1\xff,1e309,2026-01-15,P\n"].concat(),
        &[],
    );
    expect_code(&o, 2);
    let text = flat(&o.stderr);
    assert_has(
        &text,
        &[
            "deals.csv:2:4: `r1\\xff` in column `owner` is not UTF-8 text",
            "the file is not UTF-8",
            "deals.csv:2:8: `1e309` in column `amount` is not an amount",
            "[", // the excerpt is drawn
        ],
    );
    assert!(o.stderr.contains("deals.csv:2:8]"), "{}", o.stderr);
}

#[test]
fn a_stray_quote_in_an_unquoted_field_is_text_whatever_the_thread_count() {
    // 40,000 deals of 1.00 EUR in 2026-Q1, alternating r1 / r2; row 10 is `27" monitor`
    // (a quote inside an unquoted field is text, RFC 4180 as most tools read it) and every
    // 7th row has a quoted product with a line break. Each rep: 20,000 deals, 20,000.00 EUR.
    let mut rows = String::new();
    for i in 0..40_000 {
        let owner = if i % 2 == 0 { "r1" } else { "r2" };
        let product = match i {
            10 => "27\" monitor".to_string(),
            i if i % 7 == 0 => "\"Multi\nline, product\"".to_string(),
            _ => "Platform".to_string(),
        };
        rows.push_str(&format!("D{i:06},{owner},1.00,2026-01-15,{product}\n"));
    }
    let data = deals(&rows);
    let mut first: Option<String> = None;
    for threads in ["1", "2", "3", "8"] {
        let (dir, plan) = workspace(PLAN, &[("reps", REPS)]);
        std::fs::write(dir.path().join("deals.csv"), &data).expect("write");
        let o = outcome(
            ignition()
                .env("RAYON_NUM_THREADS", threads)
                .arg("run")
                .arg(&plan)
                .arg("--data")
                .arg(dir.path())
                .args(["--format", "csv"]),
        );
        let out = ok(&o).to_string();
        for rep in ["r1", "r2"] {
            assert_eq!(value(&out, rep, "2026-Q1", "n_deals"), common::d("20000"));
            assert_eq!(
                value(&out, rep, "2026-Q1", "bookings"),
                common::d("20000.00")
            );
        }
        match &first {
            None => first = Some(out),
            Some(f) => assert_eq!(f, &out, "RAYON_NUM_THREADS={threads}"),
        }
    }
}

#[test]
fn cells_beyond_28_digits_and_bare_points_are_errors_with_a_hint() {
    // 35 significant digits would be rounded to 28: refused, at line 2, column 7 (`D1,r1,` is 6).
    let o = run_deals(
        &deals("D1,r1,12345678901234567890.123456789012345,2026-01-15,P\n"),
        &[],
    );
    expect_code(&o, 2);
    assert_has(
        &flat(&o.stderr),
        &[
            "deals.csv:2:7:",
            "in column `amount` has more than 28 significant digits",
            "round the value where it is exported",
        ],
    );
    let o = run_deals(&deals("D1,r1,.5,2026-01-15,P\n"), &[]);
    expect_code(&o, 2);
    assert_has(&flat(&o.stderr), &["`.5` in column `amount`", "write 0.5"]);
    let o = run_deals(&deals("D1,r1,1000000000000000000.,2026-01-15,P\n"), &[]);
    expect_code(&o, 2);
    assert_has(
        &flat(&o.stderr),
        &["write 1000000000000000000 or 1000000000000000000.0"],
    );
    // 27 significant digits are kept exactly: 1234567890123456789.12345678 + 0.00000001
    // = 1234567890123456789.12345679.
    let o = run_inline(
        PLAN,
        &[
            ("reps", REPS),
            (
                "deals",
                &format!(
                    "{HEADER}D1,r1,1234567890123456789.12345678,2026-01-15,P\nD2,r1,0.00000001,2026-01-16,P\n"
                ),
            ),
        ],
    );
    let out = ok(&o);
    assert_eq!(
        value(out, "r1", "2026-Q1", "bookings"),
        common::d("1234567890123456789.12345679")
    );
}

#[test]
fn a_very_wide_header_is_checked_in_linear_time() {
    // 200,000 extra columns: comparing each name with every earlier one (the old check) is
    // 2 * 10^10 comparisons, minutes; a set makes it instant. No rows: every total is 0.
    let mut header = HEADER.trim_end().to_string();
    for i in 0..200_000 {
        header.push_str(&format!(",c{i}"));
    }
    header.push('\n');
    let o = run_deals(header.as_bytes(), &["--format", "csv"]);
    let out = ok(&o);
    assert_eq!(value(out, "r1", "2026-Q1", "n_deals"), common::d("0"));
    assert_has(&o.stderr, &["ignoring columns", "c0", "and 199990 more"]);
    assert!(o.stderr.len() < 5_000, "{} bytes of stderr", o.stderr.len());
    // Many repeated names: a bounded number of diagnostics.
    let mut header = HEADER.trim_end().to_string();
    for i in 0..1000 {
        header.push_str(&format!(",x{i},x{i}"));
    }
    header.push('\n');
    let o = run_deals(header.as_bytes(), &[]);
    expect_code(&o, 2);
    assert_eq!(
        o.stderr.matches("ignition::data::header").count(),
        21,
        "{}",
        o.stderr
    );
    assert_has(
        &flat(&o.stderr),
        &["980 more column names appear twice (1000 in all)"],
    );
}

#[test]
fn a_file_with_cr_only_line_ends_is_one_clear_error() {
    let mut rows = String::new();
    for i in 0..20_000 {
        rows.push_str(&format!("D{i},r1,1.00,2026-01-15,P\n"));
    }
    let data = deals(&rows);
    let cr: Vec<u8> = data
        .iter()
        .map(|&b| if b == b'\n' { b'\r' } else { b })
        .collect();
    let o = run_deals(&cr, &[]);
    expect_code(&o, 2);
    assert_eq!(
        o.stderr.matches("ignition::data::").count(),
        1,
        "{}",
        o.stderr
    );
    assert_has(
        &flat(&o.stderr),
        &[
            "ignition::data::line_endings",
            "lines end with a carriage return (CR) only",
            "save the file with LF or CRLF line endings",
        ],
    );
    assert!(o.stderr.len() < 3_000, "{} bytes", o.stderr.len());
}

#[cfg(unix)]
#[test]
fn files_that_are_not_regular_are_refused_before_reading() {
    let (dir, plan) = workspace(PLAN, &[("reps", REPS)]);
    let fifo = dir.path().join("fifo.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).expect("mkdir");
    let mut cases = vec![
        (
            folder.display().to_string(),
            "it is a folder, not a regular file",
        ),
        (
            "/dev/zero".to_string(),
            "it is a device, not a regular file",
        ),
        (
            "/dev/null".to_string(),
            "it is a device, not a regular file",
        ),
    ];
    if made.is_ok_and(|s| s.success()) {
        // Without a writer, opening it would wait forever.
        cases.push((
            fifo.display().to_string(),
            "it is a FIFO (named pipe), not a regular file",
        ));
    }
    for (path, why) in cases {
        let o = outcome(
            ignition()
                .arg("run")
                .arg(&plan)
                .arg("--data")
                .arg(dir.path())
                .arg("--data")
                .arg(format!("deals={path}"))
                .timeout(Duration::from_secs(60)),
        );
        expect_code(&o, 2);
        assert_has(&flat(&o.stderr), &["ignition::data::file", why]);
        // A plan is read the same way.
        let o = outcome(
            ignition()
                .arg("check")
                .arg(&path)
                .timeout(Duration::from_secs(60)),
        );
        expect_code(&o, 2);
        // `check DIR` checks the plans in a folder (here: none).
        let why = if why.contains("folder") {
            "holds no plan"
        } else {
            why
        };
        assert_has(&flat(&o.stderr), &["ignition::plan::file", why]);
    }
}

#[test]
fn control_characters_from_data_never_reach_the_terminal() {
    // A bad amount that clears the screen and sets the window title.
    let o = run_deals(&deals("D1,r1,3\x1b[2J\x1b]0;pwned\x07,2026-01-15,P\n"), &[]);
    expect_code(&o, 2);
    assert!(
        !o.stderr.contains('\x1b') && !o.stderr.contains('\x07'),
        "{:?}",
        o.stderr
    );
    assert_has(
        &o.stderr,
        &["`3\\x1b[2J\\x1b]0;pwned\\x07` in column `amount`"],
    );
    // An id with an escape sequence: in the table, and in the warning about an unknown owner.
    let (dir, plan) = workspace(
        PLAN,
        &[
            ("reps", "rep_id\nr\x1b[31m1\n"),
            (
                "deals",
                &format!(
                    "{HEADER}D1,r\x1b[31m1,5.00,2026-01-15,P\nD2,x\u{202e}y,1.00,2026-01-15,P\n"
                ),
            ),
        ],
    );
    let o = outcome(
        ignition()
            .arg("run")
            .arg(&plan)
            .arg("--data")
            .arg(dir.path()),
    );
    let out = ok(&o);
    assert!(
        !out.contains('\x1b') && !o.stderr.contains('\x1b'),
        "{out:?}"
    );
    assert!(!o.stderr.contains('\u{202e}'), "{:?}", o.stderr);
    assert_has(out, &["r\\x1b[31m1"]);
    assert_has(&o.stderr, &["x\\u{202e}y"]);
}

#[test]
fn a_huge_bad_cell_gives_a_short_message() {
    // 10 MB of digits in one amount: the message quotes 60 characters, the excerpt a window.
    let big = "9".repeat(10 << 20);
    let o = run_deals(&deals(&format!("D1,r1,{big},2026-01-15,P\n")), &[]);
    expect_code(&o, 2);
    assert!(o.stderr.len() < 5_000, "{} bytes of stderr", o.stderr.len());
    assert_has(
        &o.stderr,
        &[&format!("`{}…`", "9".repeat(60)), "deals.csv:2:7"],
    );
}

#[test]
fn a_roster_without_rows_is_an_error() {
    let (dir, plan) = workspace(PLAN, &[("reps", "rep_id\n"), ("deals", HEADER)]);
    let o = outcome(
        ignition()
            .arg("run")
            .arg(&plan)
            .arg("--data")
            .arg(dir.path()),
    );
    expect_code(&o, 2);
    assert_has(
        &flat(&o.stderr),
        &[
            "ignition::data::empty_roster",
            "reps.csv` has no rows",
            "add one row per participant",
        ],
    );
    assert!(o.stdout.is_empty(), "{}", o.stdout);
}
