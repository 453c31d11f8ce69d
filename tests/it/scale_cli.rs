//! Work that must stay linear (or n log n): org() over a deep hierarchy and diff over many
//! participants. No timing is asserted; the sizes are ones where the old quadratic code
//! took minutes in a debug build, and the values are worked out by hand.

use crate::common;
use common::{ignition, outcome, value, workspace};

const HEAD: &str = "plan \"x\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n";

fn org_plan() -> String {
    format!(
        "{HEAD}  input r key id {{ id: text\n    mgr: text?\n    quota: money? }}\n  participants r managed by mgr\n  kpi o = org(quota)\n  kpi oo = org(org(quota))\n  kpi safe = org(quota) otherwise 0 EUR\n  kpi t = team(quota)\n  payout p = 0 EUR\n}}\n"
    )
}

fn run(plan: &str, reps: &str) -> common::Outcome {
    let (dir, path) = workspace(plan, &[("r", reps)]);
    outcome(
        ignition()
            .arg("run")
            .arg(&path)
            .arg("--data")
            .arg(dir.path())
            .args(["--format", "csv"]),
    )
}

#[test]
fn org_sums_every_descendant_in_a_branching_tree() {
    // a → b, c; b → d, f; d → e. Quotas a=1, b=2, c=4, d=8, e=16, f=32.
    // org: a = 2+4+8+16+32 = 62; b = 8+16+32 = 56; c = 0; d = 16; e = 0; f = 0.
    // org(org): a = o(b)+o(c)+o(d)+o(e)+o(f) = 56+0+16+0+0 = 72; b = o(d)+o(e)+o(f) = 16; d = o(e) = 0.
    // team: a = 2+4 = 6; b = 8+32 = 40; d = 16.
    let reps = "id,mgr,quota\na,,1\nb,a,2\nc,a,4\nd,b,8\ne,d,16\nf,b,32\n";
    let out = run(&org_plan(), reps);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = |p: &str, n: &str| value(&out.stdout, p, "2026", n).normalize().to_string();
    for (p, o, oo, t) in [
        ("a", "62", "72", "6"),
        ("b", "56", "16", "40"),
        ("c", "0", "0", "0"),
        ("d", "16", "0", "16"),
        ("e", "0", "0", "0"),
        ("f", "0", "0", "0"),
    ] {
        assert_eq!(v(p, "o"), o, "org of {p}");
        assert_eq!(v(p, "oo"), oo, "org(org) of {p}");
        assert_eq!(v(p, "t"), t, "team of {p}");
    }
}

#[test]
fn org_reports_the_first_missing_value_below() {
    // c's quota is empty: a and b (above c) have no org sum, and `otherwise` gives them 0;
    // c's own org sum is over d only (8), and d's is 0.
    let reps = "id,mgr,quota\na,,1\nb,a,2\nc,b,\nd,c,8\n";
    let plan = org_plan()
        .replace("  kpi o = org(quota)\n  kpi oo = org(org(quota))\n", "")
        .replace("  kpi t = team(quota)\n", "");
    let out = run(&plan, reps);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = |p: &str| {
        value(&out.stdout, p, "2026", "safe")
            .normalize()
            .to_string()
    };
    assert_eq!(
        [v("a"), v("b"), v("c"), v("d")],
        ["0", "0", "8", "0"].map(String::from)
    );
    // Without `otherwise`, run stops and names the empty cell (line 4 of r.csv is c's row).
    let plan = org_plan()
        .replace("  kpi oo = org(org(quota))\n", "")
        .replace("  kpi t = team(quota)\n", "");
    let out = run(&plan, reps);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        common::flat(&out.stderr).contains("`quota` of"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("r.csv:4"), "{}", out.stderr);
}

#[test]
fn org_on_a_50000_deep_chain() {
    // p0 ← p1 ← … ← p49999 (each reports to the one before), every quota 1: the org sum
    // of p_i is the number of people below it, 49,999 − i; team is 1 except at the bottom.
    let n = 50_000;
    let mut reps = String::from("id,mgr,quota\np0,,1\n");
    for i in 1..n {
        reps.push_str(&format!("p{i},p{},1\n", i - 1));
    }
    let plan = format!(
        "{HEAD}  input r key id {{ id: text\n    mgr: text?\n    quota: money }}\n  participants r managed by mgr\n  kpi o = org(quota)\n  payout p = 1% * o\n}}\n"
    );
    let out = run(&plan, &reps);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = |p: &str, n: &str| value(&out.stdout, p, "2026", n).normalize().to_string();
    assert_eq!(v("p0", "o"), "49999");
    assert_eq!(v("p1", "o"), "49998");
    assert_eq!(v("p25000", "o"), "24999");
    assert_eq!(v("p49999", "o"), "0");
    // 1% of 49,999 = 499.99.
    assert_eq!(v("p0", "p"), "499.99");
}

#[test]
fn diff_matches_participants_by_id_whatever_the_order() {
    // Old roster r1 (1,000), r2 (2,000); new roster r3 (3,000), r2 (2,000), in another order.
    // p = 1% of the quota: r1 10, r2 20, r3 30 in each of the two quarters. r2 is unchanged;
    // r1 is only old and r3 only new. Totals: old 2 × (10 + 20) = 60, new 2 × (20 + 30) = 100.
    let plan = "plan \"x\" {\n  currency EUR\n  periods quarterly from 2026-01-01 to 2026-06-30\n  input r key id { id: text\n    quota: money }\n  participants r\n  payout p = quota * 1%\n}\n";
    let (dir, path) = workspace(plan, &[]);
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    std::fs::create_dir_all(&old).expect("dir");
    std::fs::create_dir_all(&new).expect("dir");
    std::fs::write(old.join("r.csv"), "id,quota\nr1,1000\nr2,2000\n").expect("write");
    std::fs::write(new.join("r.csv"), "id,quota\nr3,3000\nr2,2000\n").expect("write");
    let diff = |format: &str| {
        outcome(
            ignition()
                .arg("diff")
                .arg(&path)
                .arg("--data")
                .arg(&old)
                .arg("--new-data")
                .arg(&new)
                .args(["--format", format]),
        )
    };
    let out = diff("csv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let q1: Vec<&str> = out.stdout.lines().filter(|l| l.contains("Q1")).collect();
    assert_eq!(
        q1,
        [
            "r1,2026-Q1,p,payout,EUR,10,,,",
            "r1,2026-Q1,total,total,EUR,10,,,",
            "r3,2026-Q1,p,payout,EUR,,30,,",
            "r3,2026-Q1,total,total,EUR,,30,,",
        ]
    );
    let out = diff("json");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let s = &v["summary"];
    assert_eq!(s["participants"], 3);
    assert_eq!(s["participants_affected"], 2);
    assert_eq!(s["total_old"], "60");
    assert_eq!(s["total_new"], "100");
    assert_eq!(s["total_delta"], "40");
}
