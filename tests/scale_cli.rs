//! Work that must stay linear (or n log n): org() over a deep hierarchy and diff over many
//! participants. No timing is asserted; the sizes are ones where the old quadratic code
//! took minutes in a debug build, and the values are worked out by hand.

mod common;
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
