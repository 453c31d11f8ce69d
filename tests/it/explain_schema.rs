//! The JSON form of `explain` against its published schema, `docs/explain.schema.json`
//! (described in `docs/explain-json.md`).
//!
//! Every participant × period of both example plans is explained with `--format json` (the
//! default definitions; for the first participant also definitions by name, so that nodes
//! of other periods and definitions explained twice show up), and `run --explain-dir` writes its files into a temporary folder
//! (one per participant and period, `total` last in each); each document must validate.
//! The schema itself must be a valid draft 2020-12 schema, mutated documents must be
//! rejected, so the validation is shown to bite, and the example of the page must validate
//! and agree with the real output. Each plan's documents must also cover the node kinds and
//! optional blocks listed below, so a change that stops producing one of them (and leaves
//! that part of the schema unexercised) is noticed.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// An example plan of the repository.
struct Example {
    /// Folder under `plans/`.
    dir: &'static str,
    /// The roster file under `data/`: participants are its first column.
    roster: &'static str,
    /// The plan's periods.
    periods: &'static [&'static str],
    /// Definitions explained by name in a second pass, beside the default payouts and total.
    names: &'static [&'static str],
    /// What the documents of this plan must contain between them.
    covers: &'static [&'static str],
}

const FIELD_SALES: Example = Example {
    dir: "field-sales",
    roster: "reps.csv",
    periods: &["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"],
    names: &[
        "commission",
        "bookings",
        "quota",
        "attainment",
        "reply_rate",
        "exec_ratio",
        "quality_score",
    ],
    covers: &[
        "kind:definition",
        "kind:reference",
        "kind:column",
        "kind:operation",
        "kind:aggregate",
        "kind:team",
        "kind:min",
        "block:gate",
        "block:limits",
        "block:fallback",
        "block:error",
        "block:rates",
        "block:rows",
        "block:rounding",
        "block:participant",
        "role:gate",
        "role:cap",
        "rates:marginal",
        "band:open-above",
        "row:keyed",
        "row:unkeyed",
        "unit:date",
        "unit:bool",
        "unit:percent",
        "definition:explained-again",
    ],
};

const SDR: Example = Example {
    dir: "sdr",
    roster: "sdrs.csv",
    periods: &[
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ],
    names: &[
        "meetings_held",
        "target_attainment",
        "pipeline",
        "ytd_meetings",
        "show_rate",
    ],
    covers: &[
        "kind:definition",
        "kind:reference",
        "kind:column",
        "kind:operation",
        "kind:rates",
        "kind:team",
        "block:gate",
        "block:limits",
        "block:fallback",
        "block:error",
        "block:rates",
        "block:rows",
        "block:rounding",
        "block:participant",
        "block:period",
        "role:gate",
        "rates:flat",
        "rates:lookup",
        "band:open-above",
        "row:keyed",
        "unit:integer",
    ],
};

/// The repository root (the tests run the binary from there, with relative paths).
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let path = repo().join("docs/explain.schema.json");
    let text = std::fs::read_to_string(&path).expect("docs/explain.schema.json is readable");
    serde_json::from_str(&text).expect("docs/explain.schema.json is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("docs/explain.schema.json compiles")
}

/// The schema's complaints about a document, one line each.
fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("at `{}`: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errs = errors(v, doc);
    assert!(
        errs.is_empty(),
        "{what} does not match docs/explain.schema.json:\n{}",
        errs.join("\n")
    );
}

fn ignition() -> Command {
    let mut c = Command::cargo_bin("ignition").expect("the ignition binary is built");
    c.current_dir(repo()).env("NO_COLOR", "1");
    c
}

fn plan(ex: &Example) -> String {
    format!("plans/{}/plan.plan", ex.dir)
}

fn data(ex: &Example) -> String {
    format!("plans/{}/data", ex.dir)
}

/// The participant ids: the first column of the roster file.
fn participants(ex: &Example) -> Vec<String> {
    let path = repo().join(data(ex)).join(ex.roster);
    let text = std::fs::read_to_string(&path).expect("the roster file is readable");
    let ids: Vec<String> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').next().unwrap_or_default().to_string())
        .collect();
    assert!(!ids.is_empty(), "no participants in {}", path.display());
    ids
}

/// `ignition explain … --format json`, parsed.
fn explain(ex: &Example, participant: &str, period: &str, names: &[&str]) -> Value {
    let out = ignition()
        .arg("explain")
        .arg(plan(ex))
        .arg("--data")
        .arg(data(ex))
        .args(["--participant", participant, "--period", period])
        .args(names)
        .args(["--format", "json"])
        .output()
        .expect("explain runs");
    let what = format!("explain {} {participant} {period} {names:?}", ex.dir);
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what} printed no JSON: {e}"));
    assert_eq!(doc["participant"], participant, "{what}: participant");
    assert_eq!(doc["period"], period, "{what}: period");
    doc
}

/// Every node of a document, depth first.
fn nodes(doc: &Value) -> Vec<&Value> {
    fn walk<'a>(n: &'a Value, out: &mut Vec<&'a Value>) {
        out.push(n);
        for c in n["children"].as_array().into_iter().flatten() {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for n in doc["nodes"].as_array().expect("nodes is an array") {
        walk(n, &mut out);
    }
    out
}

/// What a document contains, in the vocabulary of `Example::covers`.
fn features(doc: &Value, into: &mut BTreeSet<String>) {
    for n in nodes(doc) {
        let obj = n.as_object().expect("a node is an object");
        into.insert(format!("kind:{}", n["kind"].as_str().unwrap_or("?")));
        into.insert(format!("unit:{}", n["unit"].as_str().unwrap_or("?")));
        for key in obj.keys() {
            into.insert(format!("block:{key}"));
        }
        if n["kind"] == "definition" && n["name"] != n["id"] {
            into.insert("definition:explained-again".into());
        }
        if let Some(role) = n["role"].as_str() {
            into.insert(format!("role:{role}"));
        }
        if let Some(rates) = n.get("rates") {
            into.insert(format!("rates:{}", rates["mode"].as_str().unwrap_or("?")));
            for b in rates["bands"].as_array().into_iter().flatten() {
                if b["to"].is_null() {
                    into.insert("band:open-above".into());
                }
            }
        }
        if let Some(rows) = n.get("rows") {
            let list = rows["list"].as_array().expect("rows.list is an array");
            assert_eq!(
                rows["count"].as_u64(),
                Some(list.len() as u64),
                "rows.count is the length of rows.list in {}",
                n["id"]
            );
            for r in list {
                into.insert(
                    if r.get("key").is_some() {
                        "row:keyed"
                    } else {
                        "row:unkeyed"
                    }
                    .into(),
                );
            }
        }
    }
}

/// Ids follow the documented rule (§5 of docs/explain-json.md) and are unique within a
/// document.
fn check_ids(doc: &Value, what: &str) {
    fn walk(n: &Value, parent: &str, index: usize, seen: &mut BTreeSet<String>, what: &str) {
        let own_scope = n.get("participant").is_none() && n.get("period").is_none();
        let expected = match n["name"].as_str() {
            // A name is the id of the first node (depth first) that explains it in full.
            Some(name) if own_scope && n["kind"] == "definition" && !seen.contains(name) => {
                name.to_string()
            }
            _ if parent.is_empty() => index.to_string(),
            _ => format!("{parent}/{index}"),
        };
        let id = n["id"].as_str().expect("id is a string");
        assert_eq!(id, expected, "{what}: id of a {} node", n["kind"]);
        assert!(
            seen.insert(id.to_string()),
            "{what}: id `{id}` is not unique"
        );
        for (i, c) in n["children"].as_array().into_iter().flatten().enumerate() {
            walk(c, id, i, seen, what);
        }
    }
    let mut seen = BTreeSet::new();
    for (i, n) in doc["nodes"].as_array().expect("nodes").iter().enumerate() {
        walk(n, "", i, &mut seen, what);
    }
}

fn assert_covers(ex: &Example, seen: &BTreeSet<String>) {
    let missing: Vec<&str> = ex
        .covers
        .iter()
        .copied()
        .filter(|f| !seen.contains(*f))
        .collect();
    assert!(
        missing.is_empty(),
        "the explanations of plans/{} no longer contain {missing:?}; seen: {seen:?}",
        ex.dir
    );
}

fn explain_every_participant_and_period(ex: &Example) {
    let v = validator();
    let mut seen = BTreeSet::new();
    let mut count = 0;
    for (i, p) in participants(ex).iter().enumerate() {
        for k in ex.periods {
            // The default (payouts and total) for everyone; the names for the first
            // participant only (each call reads the data afresh: keep the test quick).
            let passes: &[&[&str]] = if i == 0 { &[&[], ex.names] } else { &[&[]] };
            for names in passes {
                let doc = explain(ex, p, k, names);
                let what = format!(
                    "explain {} --participant {p} --period {k} {names:?}",
                    ex.dir
                );
                assert_valid(&v, &doc, &what);
                check_ids(&doc, &what);
                features(&doc, &mut seen);
                count += 1;
            }
        }
    }
    assert!(count > 0);
    assert_covers(ex, &seen);
}

#[test]
fn explain_field_sales_matches_the_schema() {
    explain_every_participant_and_period(&FIELD_SALES);
}

#[test]
fn explain_sdr_matches_the_schema() {
    explain_every_participant_and_period(&SDR);
}

fn explain_dir_files_match_the_schema(ex: &Example) {
    let v = validator();
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("explained");
    let out = ignition()
        .arg("run")
        .arg(plan(ex))
        .arg("--data")
        .arg(data(ex))
        .arg("--explain-dir")
        .arg(&out_dir)
        .output()
        .expect("run runs");
    assert!(
        out.status.success(),
        "run --explain-dir on {} failed:\n{}",
        ex.dir,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut expected: BTreeSet<PathBuf> = BTreeSet::new();
    for p in participants(ex) {
        for k in ex.periods {
            expected.insert(out_dir.join(format!("{p}_{k}.json")));
        }
    }
    let written: BTreeSet<PathBuf> = std::fs::read_dir(&out_dir)
        .expect("the explain dir exists")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    assert_eq!(written, expected, "one file per participant and period");
    for path in &written {
        let text = std::fs::read_to_string(path).expect("an explanation file is readable");
        let doc: Value = serde_json::from_str(&text).expect("an explanation file is JSON");
        let what = path.display().to_string();
        assert_valid(&v, &doc, &what);
        check_ids(&doc, &what);
        let top = doc["nodes"].as_array().expect("nodes");
        let last = top.last().expect("at least one explained definition");
        assert_eq!(last["id"], "total", "{what}: `total` is explained last");
    }
}

#[test]
fn run_explain_dir_field_sales_matches_the_schema() {
    explain_dir_files_match_the_schema(&FIELD_SALES);
}

#[test]
fn run_explain_dir_sdr_matches_the_schema() {
    explain_dir_files_match_the_schema(&SDR);
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let s = schema();
    assert_eq!(
        s["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the schema declares draft 2020-12"
    );
    if let Err(e) = jsonschema::meta::validate(&s) {
        panic!(
            "docs/explain.schema.json is not a valid 2020-12 schema: at `{}`: {e}",
            e.instance_path()
        );
    }
}

/// The JSON pointer of the first node (depth first) that satisfies `pred`.
fn find(doc: &Value, pred: impl Fn(&Value) -> bool) -> String {
    fn walk(n: &Value, at: String, pred: &dyn Fn(&Value) -> bool) -> Option<String> {
        if pred(n) {
            return Some(at);
        }
        n["children"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .find_map(|(i, c)| walk(c, format!("{at}/children/{i}"), pred))
    }
    doc["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .enumerate()
        .find_map(|(i, n)| walk(n, format!("/nodes/{i}"), &pred))
        .expect("a node to mutate")
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    doc.pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer}"))
}

type Mutation = (&'static str, fn(&mut Value));

#[test]
fn the_schema_rejects_mutated_documents() {
    let v = validator();
    // r01 in 2026-Q1 has a gate, a cap, a marginal table, rows, rounding and deep nesting.
    let original = explain(&FIELD_SALES, "r01", "2026-Q1", &[]);
    assert_valid(&v, &original, "the unmutated document");
    let mutations: &[Mutation] = &[
        ("a top-level node without `id`", |d| {
            at(d, "/nodes/0").remove("id");
        }),
        ("a nested node without `id`", |d| {
            let p = find(d, |n| n["kind"] == "column");
            at(d, &p).remove("id");
        }),
        ("an unknown kind", |d| {
            let p = find(d, |n| n["kind"] == "column");
            at(d, &p).insert("kind".into(), "formula".into());
        }),
        ("a value as a JSON number", |d| {
            let p = find(d, |n| n["kind"] == "column");
            at(d, &p).insert("value".into(), serde_json::json!(400000));
        }),
        ("a value with an exponent", |d| {
            let p = find(d, |n| n["unit"] == "EUR" && n.get("value").is_some());
            at(d, &p).insert("value".into(), "4e5".into());
        }),
        ("a bool value that is not true/false", |d| {
            let p = find(d, |n| n["unit"] == "bool");
            at(d, &p).insert("value".into(), "yes".into());
        }),
        ("an unknown field on a node", |d| {
            at(d, "/nodes/0").insert("comment".into(), "x".into());
        }),
        ("an absent field written as null", |d| {
            let p = find(d, |n| n["kind"] == "operation");
            at(d, &p).insert("name".into(), Value::Null);
        }),
        ("a name on a kind that has none", |d| {
            let p = find(d, |n| n["kind"] == "operation");
            at(d, &p).insert("name".into(), "x".into());
        }),
        ("both value and error", |d| {
            at(d, "/nodes/0").insert("error".into(), "division by zero".into());
        }),
        ("neither value nor error", |d| {
            let p = find(d, |n| n["kind"] == "reference");
            at(d, &p).remove("value");
        }),
        ("another schema version", |d| {
            d["schema"] = "ignition.explain/1".into();
        }),
        ("a missing top-level field", |d| {
            d.as_object_mut().expect("object").remove("currency");
        }),
        ("an unknown role", |d| {
            let p = find(d, |n| n.get("role").is_some());
            at(d, &p).insert("role".into(), "input".into());
        }),
        ("an unknown field in source", |d| {
            at(d, "/nodes/0/source").insert("offset".into(), 3.into());
        }),
        ("a line of 0", |d| {
            at(d, "/nodes/0/source").insert("line".into(), 0.into());
        }),
        ("empty children", |d| {
            let p = find(d, |n| n["kind"] == "column");
            at(d, &p).insert("children".into(), serde_json::json!([]));
        }),
        (
            "a band without `to` (open edges are null, not absent)",
            |d| {
                let p = find(d, |n| n.get("rates").is_some());
                at(d, &format!("{p}/rates/bands/0")).remove("to");
            },
        ),
        ("a marginal table without its scale", |d| {
            let p = find(d, |n| n.get("rates").is_some());
            at(d, &format!("{p}/rates")).remove("scale");
        }),
        ("rates without input_unit", |d| {
            let p = find(d, |n| n.get("rates").is_some());
            at(d, &format!("{p}/rates")).remove("input_unit");
        }),
        ("rows without units", |d| {
            let p = find(d, |n| n.get("rows").is_some());
            at(d, &format!("{p}/rows")).remove("units");
        }),
        ("an unknown rates mode", |d| {
            let p = find(d, |n| n.get("rates").is_some());
            at(d, &format!("{p}/rates")).insert("mode".into(), "tiered".into());
        }),
        ("a row count as text", |d| {
            let p = find(d, |n| n.get("rows").is_some());
            at(d, &format!("{p}/rows")).insert("count".into(), "3".into());
        }),
        ("a row value that is not text", |d| {
            let p = find(d, |n| n.get("rows").is_some());
            at(d, &format!("{p}/rows/list/0/values")).insert("amount".into(), 5.into());
        }),
        ("an unknown limit kind", |d| {
            let p = find(d, |n| n.get("limits").is_some());
            at(d, &format!("{p}/limits/0")).insert("kind".into(), "ceiling".into());
        }),
        ("an unknown rounding mode", |d| {
            at(d, "/nodes/0/rounding").insert("mode".into(), "bankers".into());
        }),
        ("rounding on a nested node", |d| {
            let p = find(d, |n| n["kind"] == "column");
            at(d, &p).insert(
                "rounding".into(),
                serde_json::json!({"unrounded": "1", "increment": "0.01", "mode": "up"}),
            );
        }),
        ("a gate on a node that is not a definition", |d| {
            let p = find(d, |n| n["kind"] == "operation");
            at(d, &p).insert(
                "gate".into(),
                serde_json::json!({"open": true, "condition": "x"}),
            );
        }),
    ];
    for (what, mutate) in mutations {
        let mut doc = original.clone();
        mutate(&mut doc);
        assert_ne!(doc, original, "the mutation `{what}` changed nothing");
        assert!(
            !v.is_valid(&doc),
            "the schema accepts a document with {what}"
        );
    }
}

/// The `json` code blocks of docs/explain-json.md.
fn doc_examples() -> Vec<Value> {
    let path = repo().join("docs/explain-json.md");
    let text = std::fs::read_to_string(&path).expect("docs/explain-json.md is readable");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line.trim() == "```json" => current = Some(String::new()),
            None => {}
            Some(block) if line.trim() == "```" => {
                let doc = serde_json::from_str(block).unwrap_or_else(|e| {
                    panic!("a json block of {} is not JSON: {e}", path.display())
                });
                blocks.push(doc);
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// The example in the documentation validates, and is real: each of its nodes is, but for
/// the children trimmed from it, the node of the same id in the output of the command the
/// page shows.
#[test]
fn the_documented_example_is_valid_and_real() {
    let v = validator();
    let examples = doc_examples();
    assert_eq!(
        examples.len(),
        1,
        "docs/explain-json.md has one JSON example"
    );
    let example = &examples[0];
    assert_valid(&v, example, "the example of docs/explain-json.md");
    let real = explain(&FIELD_SALES, "r01", "2026-Q1", &["commission"]);
    let strip = |n: &Value| {
        let mut o = n.as_object().expect("a node is an object").clone();
        o.remove("children");
        o
    };
    let real_nodes: std::collections::BTreeMap<&str, &Value> = nodes(&real)
        .into_iter()
        .map(|n| (n["id"].as_str().expect("id"), n))
        .collect();
    for n in nodes(example) {
        let id = n["id"].as_str().expect("id");
        let r = real_nodes
            .get(id)
            .unwrap_or_else(|| panic!("the documented node `{id}` is not in the real output"));
        assert_eq!(
            strip(n),
            strip(r),
            "the documented node `{id}` differs from the real one"
        );
    }
    for key in [
        "schema",
        "plan",
        "file",
        "participant",
        "period",
        "currency",
    ] {
        assert_eq!(example[key], real[key], "the documented `{key}`");
    }
}

// issue 9, tables: closedness, grids (band and text axes) and curves in the JSON form.
const TABLES: Example = Example {
    dir: "../tests/plans/tables",
    roster: "reps.csv",
    periods: &["2026-Q1", "2026-Q2"],
    names: &["accelerator_bonus", "matrix_bonus", "level_pay", "mbo"],
    covers: &["block:rates", "rates:flat", "rates:lookup"],
};

#[test]
fn explain_tables_matches_the_schema() {
    explain_every_participant_and_period(&TABLES);
}

// issue 9, reference tables
#[test]
fn explain_of_reference_table_lookups_matches_the_schema() {
    let v = validator();
    let mut lookups = 0;
    for p in ["r1", "r2"] {
        for k in ["2026-Q1", "2026-Q2"] {
            let out = ignition()
                .args(["explain", "tests/plans/reference/plan.plan"])
                .args(["--data", "tests/plans/reference/data"])
                .args(["--participant", p, "--period", k, "--format", "json"])
                .output()
                .expect("explain runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
            let what = format!("explain reference {p} {k}");
            assert_valid(&v, &doc, &what);
            check_ids(&doc, &what);
            lookups += nodes(&doc)
                .iter()
                .filter(|n| n.get("lookup").is_some())
                .count();
        }
    }
    // Every explanation looks up a territory rate and a SPIF amount.
    assert!(lookups >= 8, "{lookups} lookups");
}

/// Issue 9: a call (its arguments, its body), a param node and the document's params, with
/// a `--set`, match the schema.
#[test]
fn explain_of_fns_and_params_matches_the_schema() {
    let out = ignition()
        .args([
            "explain",
            "tests/plans/fns/plan.plan",
            "--data",
            "tests/plans/fns/data",
            "--participant",
            "r1",
            "--period",
            "2026-Q1",
            "--format",
            "json",
            "--set",
            "top_rate=18%",
        ])
        .output()
        .expect("explain runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_valid(&validator(), &doc, "the fns explanation");
    let text = doc.to_string();
    for want in [
        "\"kind\":\"call\"",
        "\"kind\":\"param\"",
        "\"role\":\"body\"",
        "\"origin\":\"--set top_rate=18%\"",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
}

// issue 9, conditionals: the `branch` block and gated KPIs, on tests/plans/conditionals.
const CONDITIONALS: Example = Example {
    dir: "../tests/plans/conditionals",
    roster: "reps.csv",
    periods: &["2026-Q1"],
    names: &["status", "attainment", "big_deals", "kicker"],
    covers: &[
        "kind:definition",
        "kind:operation",
        "block:branch",
        "block:gate",
        "unit:text",
        "unit:bool",
    ],
};

#[test]
fn explain_conditionals_matches_the_schema() {
    explain_every_participant_and_period(&CONDITIONALS);
}

// issue 9, calendar arithmetic: the `proration` block, on tests/plans/calendar.
const CALENDAR: Example = Example {
    dir: "../tests/plans/calendar",
    roster: "reps.csv",
    periods: &["2026-02", "2026-03"],
    names: &[
        "quota_by_months",
        "quota_by_days",
        "tenure_months",
        "first_review",
    ],
    covers: &[
        "kind:definition",
        "kind:operation",
        "block:proration",
        "unit:date",
    ],
};

#[test]
fn explain_calendar_matches_the_schema() {
    explain_every_participant_and_period(&CALENDAR);
}

// issue 10, calendars: the `qtd` node, on tests/plans/fiscal.
const FISCAL: Example = Example {
    dir: "../tests/plans/fiscal",
    roster: "reps.csv",
    periods: &["2026-03", "2026-06"],
    names: &["bookings_qtd", "bookings_ytd", "quarter_close"],
    covers: &["kind:definition", "kind:qtd"],
};

#[test]
fn explain_fiscal_matches_the_schema() {
    explain_every_participant_and_period(&FISCAL);
}

// issue 11: the `causes` and `comparison` blocks, on tests/plans/causes.
const CAUSES: Example = Example {
    dir: "../tests/plans/causes",
    roster: "reps.csv",
    periods: &["2026-Q1", "2026-Q2"],
    names: &[
        "bookings",
        "win_rate_vs_prior",
        "place",
        "standing",
        "team_average",
        "direction",
    ],
    covers: &["kind:definition", "block:causes", "block:comparison"],
};

#[test]
fn explain_causes_matches_the_schema() {
    explain_every_participant_and_period(&CAUSES);
}
// issue 10, ledger: `prior(…, opening: …)` (`ledger`) and `paid_to_date` (`paid`), on the
// example plan plans/ae-draw.
const AE_DRAW: Example = Example {
    dir: "ae-draw",
    roster: "reps.csv",
    periods: &["2026-01", "2026-03", "2026-06", "2026-09", "2026-12"],
    names: &[
        "draw_balance",
        "paid_before",
        "owed_before",
        "cancelled_bookings",
    ],
    covers: &[
        "kind:definition",
        "kind:paid_to_date",
        "block:ledger",
        "block:paid",
        // issue 10, clawbacks
        "block:clawback",
    ],
};

// issue 10, currencies: conversions on definitions and on each row of an aggregate.
const GLOBAL_SALES: Example = Example {
    dir: "global-sales",
    roster: "reps.csv",
    periods: &["2026-Q1", "2026-Q2"],
    names: &["bookings", "salary_eur", "attainment"],
    covers: &[
        "block:conversion",
        "block:rows",
        "block:limits",
        "block:rounding",
    ],
};

#[test]
fn explain_ae_draw_matches_the_schema() {
    explain_every_participant_and_period(&AE_DRAW);
}

#[test]
fn explain_global_sales_matches_the_schema() {
    explain_every_participant_and_period(&GLOBAL_SALES);
}
