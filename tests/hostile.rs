//! Machine-made or hostile plans: every one is a diagnostic or a result, never a crash.

mod common;
use common::{ignition, outcome, workspace};

fn header() -> &'static str {
    "plan \"x\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-12-31\n  input r key id { id: text }\n  participants r\n"
}

#[test]
fn a_long_sum_is_checked_not_crashed() {
    let plan = format!("{}  kpi a = {}1\n}}\n", header(), "1 + ".repeat(20_000));
    let (dir, path) = workspace(&plan, &[]);
    let out = outcome(ignition().arg("check").arg(&path).current_dir(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_huge_expression_is_a_diagnostic() {
    let plan = format!("{}  kpi a = {}1\n}}\n", header(), "1 + ".repeat(200_000));
    let (dir, path) = workspace(&plan, &[]);
    let out = outcome(ignition().arg("check").arg(&path).current_dir(dir.path()));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("too large to parse"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("internal error"),
        "{}",
        out.stderr
    );
}

#[test]
fn deep_parentheses_are_a_diagnostic() {
    let plan = format!(
        "{}  kpi a = {}1{}\n}}\n",
        header(),
        "(".repeat(5_000),
        ")".repeat(5_000)
    );
    let (dir, path) = workspace(&plan, &[]);
    let out = outcome(ignition().arg("check").arg(&path).current_dir(dir.path()));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("nested more than 200 deep"),
        "{}",
        out.stderr
    );
}

#[test]
fn binary_junk_is_a_diagnostic() {
    let junk: String = (0u32..4000)
        .map(|i| char::from_u32(i * 7 % 0x2FF + 1).unwrap_or('?'))
        .collect();
    let (dir, path) = workspace(&junk, &[]);
    let out = outcome(ignition().arg("check").arg(&path).current_dir(dir.path()));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}
