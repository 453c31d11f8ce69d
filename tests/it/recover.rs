//! The parser goes on after a syntax error (issue 13): `check` reports every broken
//! declaration at once, with its place, and still checks the rest of the plan, without
//! reporting what only follows from a declaration that did not parse.

use crate::harness::Test;
use ignition::diagnostics::{render_plain, Diag, SourceFile};
use ignition::syntax::parser::{parse_recovering, MAX_SYNTAX_ERRORS};

/// A small valid plan head; each case adds declarations after it.
const HEAD: &str = "plan \"R\" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-12-31
  input reps key id {
    id: text
    quota: money >= 0
  }
  participants reps
";

fn plan(body: &str) -> String {
    format!("{HEAD}{body}}}\n")
}

fn diags(src: &str) -> Vec<Diag> {
    match ignition::compile_str("plan.plan", src) {
        Ok(c) => c.warnings,
        Err(d) => d,
    }
}

/// Each diagnostic as (code, the text its first label underlines).
fn found(src: &str) -> Vec<(String, String)> {
    diags(src)
        .iter()
        .map(|d| {
            let under = d.labels.first().map_or(String::new(), |(s, _)| {
                src[s.offset()..s.offset() + s.len()].to_string()
            });
            (d.code.to_string(), under)
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(c, u)| (c.to_string(), u.to_string()))
        .collect()
}

const SYNTAX: &str = "ignition::parse::syntax";
const UNKNOWN: &str = "ignition::check::unknown_name";

#[test]
fn several_syntax_errors_are_reported_at_once_and_the_rest_is_checked() {
    let src = plan(
        "  kpi a = quota * * 2
  kpi b = quota / 4
  let c = = 3
  payout p = b * 2
  payout q = 10 EUR * missing
  kpi d = (b + 1
",
    );
    let all = diags(&src);
    // Three broken declarations, each at the token where it stops making sense (the second
    // `*`, the second `=`, the plan's `}` where `)` was due), then the checker's error in
    // an intact declaration: four in all.
    assert_eq!(
        found(&src),
        pairs(&[
            (SYNTAX, "*"),
            (SYNTAX, "="),
            (SYNTAX, "}"),
            (UNKNOWN, "missing"),
        ]),
        "{}",
        render_plain(&all, 100)
    );
    assert_eq!(all[0].message, "expected a value after `*`, found `*`");
    assert_eq!(all[1].message, "expected a value after `=`, found `=`");
    assert_eq!(all[3].message, "unknown name `missing`");
    // The first is exactly what `parse` (and so `fmt`, `run`) reports today.
    let alone = ignition::syntax::parse(&SourceFile::new("plan.plan", src.as_str()))
        .expect_err("a syntax error");
    assert_eq!(
        (&alone.message, alone.labels.first().map(|l| l.0)),
        (&all[0].message, all[0].labels.first().map(|l| l.0))
    );
}

#[test]
fn the_check_command_lists_every_syntax_error() {
    Test::new()
        .plan(&plan("  kpi a = 1 +* 2\n  kpi b = 2 +* 3\n"))
        .args(["check", "plan.plan"])
        .status(1)
        .stderr_has("plan.plan:9:14")
        .stderr_has("plan.plan:10:14")
        .stderr_has("FAILED (2 errors, 0 warnings)")
        .run();
}

#[test]
fn the_name_of_a_broken_declaration_is_not_unknown() {
    // `foo`, `r` and `deals` are declared, but broken: their uses, the cap on `pay2` and the
    // credit of `deals` are not reported; the broken `periods` means no `missing_calendar`.
    let src = String::from(
        "plan \"R\" {
  currency EUR
  periods quarterly from 2026-01-01 too 2026-12-31
  input reps key id {
    id: text
  }
  input deals key id { id text }
  participants reps
  credit deals to id by id
  kpi foo = 1 +* 2
  kpi bar = foo * 2
  rates r by bar { .. : 1 % % }
  payout pay = 10 EUR * marginal(r, bar)
  payout pay2 = 1 EUR *
  cap pay2 at 5 EUR
}
",
    );
    let all = diags(&src);
    // Five broken declarations; nothing else.
    assert_eq!(
        found(&src),
        pairs(&[
            (SYNTAX, "too"),
            (SYNTAX, "id"),
            (SYNTAX, "*"),
            (SYNTAX, "%"),
            (SYNTAX, "cap"),
        ]),
        "{}",
        render_plain(&all, 100)
    );
}

#[test]
fn recovery_inside_an_input_schema_and_a_rates_table() {
    let src = plan(
        "  input deals key id {
    id: text
    amount money
    owner: text
  }
  credit deals to owner by id
  kpi k = count(deals)
  rates t by k {
    0 .. 5 : 1%
    5 .. : 2% 3%
  }
  payout p = 1 EUR * nothing
",
    );
    // The input's missing `:` (pest stops at the column's name) and the band's extra value
    // (pest reads `3` as an amount and stops where its currency was due) are reported; the
    // unknown name in the last payout is still found, and the broken `deals` and `t` add
    // nothing (`count(deals)` is no `not_rows`, `marginal` is not called).
    assert_eq!(
        found(&src),
        pairs(&[(SYNTAX, "amount"), (SYNTAX, "%"), (UNKNOWN, "nothing")]),
        "{}",
        render_plain(&diags(&src), 100)
    );
}

#[test]
fn an_unclosed_brace_is_closed_by_the_next_declaration() {
    let src = plan(
        "  input deals key id {
    id: text
  kpi k = 1 +* 2
  payout p = 1 EUR * nothing
",
    );
    // The input lacks its `}`: pest stops at `kpi`, where a column or `}` was due (the
    // first error); the kpi itself is broken at `*`; the payout is checked.
    let f = found(&src);
    assert_eq!(
        f.last(),
        Some(&(UNKNOWN.to_string(), "nothing".to_string()))
    );
    assert!(f[..f.len() - 1].iter().all(|(c, _)| c == SYNTAX), "{f:?}");
    assert_eq!(
        f,
        pairs(&[(SYNTAX, "kpi"), (SYNTAX, "*"), (UNKNOWN, "nothing")])
    );
}

#[test]
fn an_error_at_the_end_of_the_file_is_one_error() {
    // No closing `}`: one error, at the end; nothing is checked.
    let src = format!("{HEAD}  kpi x = 1\n");
    let all = diags(&src);
    assert_eq!(all.len(), 1, "{}", render_plain(&all, 100));
    assert_eq!(all[0].code, SYNTAX);
    let alone = ignition::syntax::parse(&SourceFile::new("plan.plan", src.as_str()))
        .expect_err("a syntax error");
    assert_eq!(all[0].message, alone.message);
    assert!(all[0].message.ends_with("found the end of the file"));
    let src = format!("{HEAD}  kpi x = ");
    assert_eq!(diags(&src).len(), 1);
}

#[test]
fn a_file_of_garbage_gives_a_bounded_number_of_errors() {
    // 10,000 broken declarations: at most MAX_SYNTAX_ERRORS, in file order.
    let body = "  kpi = ]\n".repeat(10_000);
    let src = plan(&body);
    let (ast, errors) = parse_recovering(&SourceFile::new("g.plan", src.as_str()));
    assert_eq!(errors.len(), MAX_SYNTAX_ERRORS);
    assert!(ast.is_none());
    let at: Vec<usize> = errors
        .iter()
        .map(|d| d.labels.first().map_or(0, |l| l.0.offset()))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    // Bytes that are no plan at all, and brackets that never close.
    for junk in [
        "plan \"x\" { \u{0}\u{ffff} ]]] ((( {{{ \"",
        "plan \"x\" {{{{{{{{{{ kpi",
        "plan \"x\" { kpi x = ((((((((\n kpi y = ))))))) }}}}}",
        "plan \"x\" { /* never closed",
        "plan \"x\" { kpi x = 1 } } } kpi y = 2",
        "tests for \"p.plan\" test \"t\" { expect }",
    ] {
        let (_, errors) = parse_recovering(&SourceFile::new("j.plan", junk));
        assert!(
            !errors.is_empty() && errors.len() <= MAX_SYNTAX_ERRORS,
            "{junk:?}"
        );
    }
}

#[test]
fn fmt_refuses_a_plan_with_syntax_errors() {
    let text = plan("  kpi a = 1 +* 2\n  kpi b = 2 +* 3\n");
    let t = Test::new()
        .plan(&text)
        .args(["fmt", "plan.plan"])
        .status(2)
        .stderr_has("ignition::parse::syntax");
    t.run();
    assert_eq!(
        std::fs::read_to_string(t.path().join("plan.plan")).expect("the plan"),
        text
    );
}

/// A small seeded PRNG (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes an edit inserts or writes: brackets, operators, quotes, comment starts, letters.
const BYTES: &[u8] = b"{}()[]\"*/=+-:.,%?<>_ \n\tkpialetx019";

/// Random byte-level edits of the example plans: `check` never panics, reports at most
/// MAX_SYNTAX_ERRORS syntax errors in file order, says the same twice, and its first error
/// is the one `parse` (so `fmt` and `run`) reports; a plan has syntax errors for `check`
/// exactly when `parse` refuses it.
#[test]
fn byte_edits_of_the_example_plans_never_panic() {
    let cases: u64 = std::env::var("IGNITION_RECOVER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples = ["plans/field-sales/plan.plan", "plans/sdr/plan.plan"]
        .map(|p| std::fs::read(root.join(p)).expect("an example plan"));
    for case in 0..cases {
        let mut rng = Rng(case);
        let mut b = examples[rng.below(examples.len())].clone();
        for _ in 0..1 + rng.below(6) {
            let at = rng.below(b.len());
            let byte = BYTES[rng.below(BYTES.len())];
            match rng.below(3) {
                0 => {
                    b.remove(at);
                }
                1 => b.insert(at, byte),
                _ => b[at] = byte,
            }
        }
        let text = String::from_utf8_lossy(&b).into_owned();
        let src = SourceFile::new("fuzz.plan", text.as_str());
        let run = || std::panic::catch_unwind(|| parse_recovering(&src));
        let Ok((ast, errors)) = run() else {
            panic!("case {case} panics:\n{text}");
        };
        assert!(errors.len() <= MAX_SYNTAX_ERRORS, "case {case}");
        let at: Vec<usize> = errors
            .iter()
            .map(|d| d.labels.first().map_or(0, |l| l.0.offset()))
            .collect();
        assert!(at.windows(2).all(|w| w[0] <= w[1]), "case {case}: {at:?}");
        let again = run().map(|(_, e)| render_plain(&e, 100)).ok();
        assert_eq!(again, Some(render_plain(&errors, 100)), "case {case}");
        match ignition::syntax::parse(&src) {
            Ok(_) => assert!(errors.is_empty() && ast.is_some(), "case {case}"),
            Err(first) => {
                assert!(
                    errors
                        .iter()
                        .any(|d| d.message == first.message && d.labels == first.labels),
                    "case {case}: `parse` says {:?}, `check` says\n{}",
                    first.message,
                    render_plain(&errors, 100)
                );
            }
        }
        let checked = std::panic::catch_unwind(|| ignition::compile_str("fuzz.plan", &text));
        assert!(checked.is_ok(), "case {case}: check panics:\n{text}");
    }
}

#[test]
fn literals_that_do_not_lower_are_reported_together() {
    // pest accepts these; the dates are not calendar days and the number has 32 digits.
    // Each is reported, the checker still finds `missing`.
    let src = plan(
        "  kpi x = 2026-02-30
  kpi y = 99999999999999999999999999999999
  kpi z = 2026-13-01 + x
  payout p = 1 EUR * missing
",
    );
    assert_eq!(
        found(&src),
        pairs(&[
            ("ignition::parse::date", "2026-02-30"),
            (
                "ignition::parse::number",
                "99999999999999999999999999999999"
            ),
            ("ignition::parse::date", "2026-13-01"),
            (UNKNOWN, "missing"),
        ]),
        "{}",
        render_plain(&diags(&src), 100)
    );
    // Sixty of them: the first fifty, and no plan.
    let src = plan(&"  kpi x = 2026-02-30\n".repeat(60));
    let (ast, errors) = parse_recovering(&SourceFile::new("d.plan", src.as_str()));
    assert_eq!((ast.is_none(), errors.len()), (true, MAX_SYNTAX_ERRORS));
}

#[test]
fn the_columns_of_a_broken_input_are_not_unknown() {
    // The participants' input lacks a `:`; its readable columns (`id`, `region`) are used
    // below without an `unknown_name`, nor is `participants reps` an unknown table; the
    // unknown `nothing` is still reported.
    let src = "plan \"R\" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-12-31
  input reps key id {
    id: text
    quota money
    region: text
  }
  participants reps
  kpi east = region == \"East\"
  payout p = 1 EUR when east and nothing
}
";
    assert_eq!(
        found(src),
        pairs(&[(SYNTAX, "quota"), (UNKNOWN, "nothing")]),
        "{}",
        render_plain(&diags(src), 100)
    );
}

#[test]
fn a_lookup_of_a_broken_reference_table_is_not_an_unknown_function() {
    // issue 9: `input fx` lacks a `:`, so `fx(…).rate` is not reported as a call of an
    // unknown function; `fz(1)` still is.
    let src = plan(
        "  input fx key c {
    c: text
    rate number
  }
  kpi r = fx(\"USD\").rate + fz(1)
",
    );
    assert_eq!(
        found(&src),
        pairs(&[
            (SYNTAX, "rate"),
            ("ignition::check::unknown_function", "fz")
        ]),
        "{}",
        render_plain(&diags(&src), 100)
    );
}
