//! `ignition lsp`: a JSON-RPC client drives a real session over stdio, and the diagnostics
//! the server publishes are `check --format json`'s.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// How long a message may take before the test fails (instead of hanging).
const PATIENCE: Duration = Duration::from_secs(60);

/// A language client talking to `ignition lsp` over its stdin and stdout.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications read while waiting for a response.
    queued: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ignition"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ignition lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        len = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("JSON from the server");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            queued: VecDeque::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn receive(&mut self) -> Value {
        self.incoming
            .recv_timeout(PATIENCE)
            .expect("the server answers in time")
    }

    /// Send a request; its whole response (`result` or `error`).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.receive();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.queued.push_back(m);
        }
    }

    /// A request's result; fails on an error response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let m = match self.queued.pop_front() {
                Some(m) => m,
                None => self.receive(),
            };
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    fn initialize(&mut self) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "ignition", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(uri)
    }

    /// Shut down and exit; the process's exit code.
    fn stop(mut self) -> Option<i32> {
        let r = self.call("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("the server exits");
        status.code()
    }
}

fn at(line: u32, character: u32, uri: &str) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// 0-based line and UTF-16 column of the first `needle` in `text` (after `skip` earlier
/// ones), plus `into` characters.
fn find(text: &str, needle: &str, skip: usize, into: u32) -> (u32, u32) {
    let offset = text
        .match_indices(needle)
        .nth(skip)
        .map(|(i, _)| i)
        .expect("needle in text");
    let line = text[..offset].matches('\n').count() as u32;
    let start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
    (line, col as u32 + into)
}

/// (code, message, 1-based line, 1-based column in characters) of the server's diagnostics
/// of `text`, columns turned from UTF-16 units back into characters.
fn lsp_diags(text: &str, diags: &[Value]) -> Vec<(String, String, usize, usize)> {
    diags
        .iter()
        .map(|d| {
            let line = d["range"]["start"]["line"].as_u64().expect("line") as usize;
            let units = d["range"]["start"]["character"].as_u64().expect("char") as usize;
            let line_text = text.split('\n').nth(line).unwrap_or("");
            let mut seen = 0;
            let chars = line_text
                .chars()
                .take_while(|c| {
                    seen += c.len_utf16();
                    seen <= units
                })
                .count();
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
                line + 1,
                chars + 1,
            )
        })
        .collect()
}

/// The same of `check --format json` on `files`, per file.
fn check_diags(files: &[&Path]) -> Vec<Vec<(String, String, usize, usize)>> {
    let out = Command::new(env!("CARGO_BIN_EXE_ignition"))
        .arg("check")
        .args(files)
        .args(["--format", "json"])
        .output()
        .expect("check runs");
    let reports: Value = serde_json::from_slice(&out.stdout).expect("check's JSON");
    reports
        .as_array()
        .expect("one report per file")
        .iter()
        .map(|r| {
            r["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or("").to_string(),
                        d["message"].as_str().unwrap_or("").to_string(),
                        d["location"]["line"].as_u64().unwrap_or(0) as usize,
                        d["location"]["column"].as_u64().unwrap_or(0) as usize,
                    )
                })
                .collect()
        })
        .collect()
}

fn labels(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x[key].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_whole_editing_session_over_stdio() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/field-sales/plan.plan");
    let text = std::fs::read_to_string(&path).expect("the example plan");
    let uri = "file:///work/field-sales/plan.plan";
    let mut c = Client::start();

    let init = c.initialize();
    let caps = &init["capabilities"];
    for cap in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "completionProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} in {init}");
    }

    // didOpen: the example plan's diagnostics are `check`'s.
    let opened = c.open(uri, &text);
    assert_eq!(lsp_diags(&text, &opened), check_diags(&[&path])[0]);

    // didChange introducing an error: `won.amont` is not a column of `deals`.
    let broken = text.replace("sum(won.amount)", "sum(won.amont)");
    let diags = c.change(uri, 2, &broken);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "ignition::check::unknown_name");
    assert_eq!(diags[0]["message"], "`amont` is not a column of `deals`");
    // Line 39 of the file (0-based 38): `  kpi bookings = sum(won.amont)`, `amont` at column
    // 2 + "kpi bookings = sum(won." (23) = 25, five characters long.
    assert_eq!(
        diags[0]["range"],
        json!({"start": {"line": 38, "character": 25}, "end": {"line": 38, "character": 30}})
    );
    assert_eq!(diags[0]["severity"], 1);
    // Back to the plan as it was: no errors again.
    let diags = c.change(uri, 3, &text);
    assert_eq!(lsp_diags(&text, &diags), check_diags(&[&path])[0]);

    // Hover on `bookings` in `bookings / quota` (line 41).
    let (l, ch) = find(&text, "bookings / quota", 0, 3);
    let h = c.request("textDocument/hover", at(l, ch, uri));
    let md = h["contents"]["value"].as_str().expect("markdown");
    assert!(md.starts_with("**kpi** `bookings`: money in EUR"), "{md}");
    assert!(md.contains("kpi bookings = sum(won.amount)"), "{md}");
    assert_eq!(h["range"]["start"], json!({"line": l, "character": ch - 3}));

    // Hover on a column used in a `where`: `amount` of `deals` (through `won`).
    let (l, ch) = find(&text, "amount >= 50000", 0, 1);
    let h = c.request("textDocument/hover", at(l, ch, uri));
    assert_eq!(
        h["contents"]["value"],
        "**column** `amount` of input `deals`: money in EUR"
    );

    // Hover on a rate table: its bands.
    let (l, ch) = find(&text, "commission_rate, bookings", 0, 0);
    let h = c.request("textDocument/hover", at(l, ch, uri));
    assert_eq!(
        h["contents"]["value"],
        "**rates** `commission_rate` of a percent, 4 bands:\n```\n0%   ..  50% : 2%\n\
         50%  .. 100% : 8%\n100% .. 150% : 12%\n150% ..      : 15%\n```"
    );

    // Go to definition: `bookings` is declared on line 39 (0-based 38), columns 6..14.
    let (l, ch) = find(&text, "team(bookings)", 0, 6);
    let d = c.request("textDocument/definition", at(l, ch, uri));
    assert_eq!(d["uri"], uri);
    assert_eq!(
        d["range"],
        json!({"start": {"line": 38, "character": 6}, "end": {"line": 38, "character": 14}})
    );

    // References of `bookings`: its declaration (39) and uses on lines 41, 58 and 61.
    let mut refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": {"line": 38, "character": 8},
               "context": {"includeDeclaration": true}}),
    );
    let lines: Vec<u64> = refs
        .as_array_mut()
        .expect("locations")
        .iter()
        .map(|r| r["range"]["start"]["line"].as_u64().unwrap_or(0) + 1)
        .collect();
    assert_eq!(lines, vec![39, 41, 58, 61]);

    // Rename `bookings` to `sales`: the same four places.
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 38, "character": 8},
               "newName": "sales"}),
    );
    let edits = edit["changes"][uri].as_array().expect("edits").clone();
    assert_eq!(edits.len(), 4);
    assert!(edits.iter().all(|e| e["newText"] == "sales"));
    // A keyword or a name already declared is refused with an error.
    for bad in ["where", "quota", "total", "2x"] {
        let r = c.call(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": {"line": 38, "character": 8},
                   "newName": bad}),
        );
        assert!(r["error"]["message"].is_string(), "{bad}: {r}");
    }

    // Completion inside `won where …` (line 59): the columns of `deals` and of the roster,
    // the definitions, the functions with their signatures and the keywords.
    let (l, ch) = find(&text, "product ==", 0, 0);
    let items = c.request("textDocument/completion", at(l, ch, uri));
    let items = items.as_array().expect("items");
    let detail = |label: &str| {
        items
            .iter()
            .find(|i| i["label"] == label)
            .map(|i| i["detail"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(detail("product").as_deref(), Some("column of deals: text"));
    assert_eq!(detail("region").as_deref(), Some("column of reps: text"));
    assert_eq!(detail("attainment").as_deref(), Some("kpi: a percent"));
    assert_eq!(
        detail("marginal").as_deref(),
        Some("marginal(table, base, [per])")
    );
    assert_eq!(detail("otherwise").as_deref(), Some("keyword"));
    // After `won.`: the columns of `deals` only (`won` filters `deals`).
    let (l, ch) = find(&text, "won.amount", 0, 4);
    let items = c.request("textDocument/completion", at(l, ch, uri));
    assert_eq!(
        labels(&items, "label"),
        [
            "deal_id",
            "owner",
            "amount",
            "close_date",
            "stage",
            "product"
        ]
    );
    // Half a line typed (the plan does not parse): the names of the last version that did
    // are still offered.
    let typing = text.replace("  cap total", "  kpi x = \n  cap total");
    let diags = c.change(uri, 4, &typing);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let (l, _) = find(&typing, "kpi x = ", 0, 0);
    let items = c.request("textDocument/completion", at(l, 10, uri));
    assert!(items
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["label"] == "bookings"));
    c.change(uri, 5, &text);
    // Outside a `where`, the columns of `deals` are not offered.
    let items = c.request("textDocument/completion", at(38, 17, uri));
    assert!(items
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["label"] != "product"));

    // Document symbols, in source order, an input's columns under it.
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        labels(&syms, "name"),
        [
            "reps",
            "deals",
            "activities",
            "won",
            "bookings",
            "quota",
            "attainment",
            "reply_rate",
            "exec_ratio",
            "quality_score",
            "commission_rate",
            "commission",
            "spif",
            "quality_bonus",
            "override"
        ]
    );
    assert_eq!(
        labels(&syms[0]["children"], "name"),
        [
            "rep_id",
            "name",
            "role",
            "manager_id",
            "region",
            "annual_quota",
            "base_salary",
            "start_date"
        ]
    );

    // Formatting a badly laid out plan gives exactly what `ignition fmt` writes.
    let messy = text
        .replace(
            "  kpi bookings = sum(won.amount)",
            "kpi   bookings=sum( won.amount )",
        )
        .replace("  payout spif = ", "      payout spif=");
    c.change(uri, 6, &messy);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = edits.as_array().expect("edits");
    assert_eq!(edits.len(), 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("plan.plan");
    std::fs::write(&copy, &messy).expect("write");
    let fmt = Command::new(env!("CARGO_BIN_EXE_ignition"))
        .arg("fmt")
        .arg(&copy)
        .output()
        .expect("fmt runs");
    assert!(fmt.status.success());
    let formatted = std::fs::read_to_string(&copy).expect("formatted");
    assert_eq!(edits[0]["newText"], formatted.as_str());
    // The edit replaces the whole document.
    let lines = messy.matches('\n').count();
    assert_eq!(
        edits[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}})
    );
    // The plan already formatted: no edits.
    c.change(uri, 7, &formatted);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]));

    assert_eq!(c.stop(), Some(0));
}

#[test]
fn hostile_input_gets_errors_or_empty_results() {
    let mut c = Client::start();
    c.initialize();
    let uri = "file:///x/odd.plan";
    // Garbage as a plan: a parse error, published.
    let garbage = "\u{0}\u{feff}plan {{{{ \u{202e} 𝄞 \"";
    let diags = c.open(uri, garbage);
    assert_eq!(diags.len(), 1);
    assert!(diags[0]["code"]
        .as_str()
        .is_some_and(|c| c.starts_with("ignition::")));
    // A didChange whose parameters are not a change at all: ignored.
    c.notify("textDocument/didChange", json!({"nonsense": [1, 2, 3]}));
    c.notify("textDocument/didChange", json!("just a string"));
    // A change of a document never opened: nothing published, nothing broken.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///never.plan", "version": 1},
               "contentChanges": [{"text": "plan"}]}),
    );
    // Positions out of range and unknown documents: empty results.
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
    ] {
        for (u, line, ch) in [
            (uri, 9999, 0),
            (uri, 0, 99999),
            ("file:///unknown.plan", 0, 0),
        ] {
            let r = c.call(method, at(line, ch, u));
            assert!(r.get("error").is_none(), "{method}: {r}");
        }
    }
    let r = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": "file:///unknown.plan"}, "position": {"line": 0, "character": 0},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(r["result"], json!([]));
    // Renaming where nothing is, or in an unknown document: an error, not a crash.
    let r = c.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": "file:///unknown.plan"}, "position": {"line": 0, "character": 0}, "newName": "a"}),
    );
    assert!(r["error"].is_object(), "{r}");
    // Parameters of the wrong shape and an unknown method: JSON-RPC errors.
    let r = c.call("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(r["error"]["code"], -32602);
    let r = c.call("workspace/teleport", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    // Formatting garbage: nothing to do.
    let r = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(r, json!([]));
    // Still serving.
    let diags = c.change(uri, 2, "plan \"x\" {}");
    assert!(!diags.is_empty());
    assert_eq!(c.stop(), Some(0));
}

#[test]
fn a_client_that_leaves_out_initialized_is_served() {
    let mut c = Client::start();
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert_eq!(init["serverInfo"]["name"], "ignition");
    let diags = c.open("file:///a.plan", "plan \"x\" {}");
    // A plan with no header: currency, periods and participants are missing.
    assert_eq!(diags.len(), 3, "{diags:?}");
    assert_eq!(c.stop(), Some(0));
}

#[test]
fn columns_are_utf16_units_where_check_counts_characters() {
    let text =
        crate::diagnostics::plan_with("  kpi bad = count(deals where stage == \"é𝄞\" and nope)\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("u.plan");
    std::fs::write(&file, &text).expect("write");
    let mut c = Client::start();
    c.initialize();
    let diags = c.open("file:///u.plan", &text);
    let nope: Vec<&Value> = diags
        .iter()
        .filter(|d| d["message"].as_str().is_some_and(|m| m.contains("`nope`")))
        .collect();
    assert_eq!(nope.len(), 1, "{diags:?}");
    // `  kpi bad = count(deals where stage == "é𝄞" and ` is 48 characters; `𝄞` is two
    // UTF-16 units, so `nope` starts at unit 49 and ends at 53.
    let (line, _) = find(&text, "kpi bad", 0, 0);
    assert_eq!(
        nope[0]["range"],
        json!({"start": {"line": line, "character": 49}, "end": {"line": line, "character": 53}})
    );
    // And in characters, where `check` says it is.
    assert_eq!(lsp_diags(&text, &diags), check_diags(&[&file])[0]);
    assert_eq!(c.stop(), Some(0));
}

#[test]
fn a_plan_with_syntax_errors_gets_each_of_them_and_its_names_still_resolve() {
    // Two broken declarations; the rest parses, so `check` reports both syntax errors and
    // then checks the rest, and the editor keeps go-to-definition on the intact part.
    let text = crate::diagnostics::plan_with(
        "  kpi broken_one = 1 +* 2\n  kpi broken_two = = 3\n  kpi again = bookings * 2\n",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("s.plan");
    std::fs::write(&file, &text).expect("write");
    let mut c = Client::start();
    c.initialize();
    let uri = "file:///s.plan";
    let diags = c.open(uri, &text);
    let syntax: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "ignition::parse::syntax")
        .collect();
    assert_eq!(syntax.len(), 2, "{diags:?}");
    assert_eq!(lsp_diags(&text, &diags), check_diags(&[&file])[0]);
    // `bookings` in `again` goes to its declaration, `kpi bookings = …`.
    let (l, ch) = find(&text, "bookings * 2", 0, 1);
    let d = c.request("textDocument/definition", at(l, ch, uri));
    let (dl, dc) = find(&text, "kpi bookings", 0, 4);
    assert_eq!(
        d["range"]["start"],
        json!({"line": dl, "character": dc}),
        "{d}"
    );
    assert_eq!(c.stop(), Some(0));
}

#[test]
fn a_huge_announced_message_ends_the_session_with_a_reason_not_an_abort() {
    let o = crate::common::outcome(
        crate::common::ignition()
            .arg("lsp")
            .write_stdin("Content-Length: 99999999999999\r\n\r\n{}"),
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("the limit is 67108864"), "{}", o.stderr);
    assert!(!o.stderr.contains("memory allocation"), "{}", o.stderr);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    // The protocol: 0 after a shutdown request, 1 otherwise.
    let mut c = Client::start();
    c.initialize();
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("the server exits");
    assert_eq!(status.code(), Some(1));
}

/// The plan texts the diagnostics snapshot tests check, read from tests/it/diagnostics.rs:
/// its base plan with each literal passed to `plan_with`, the base plan with each chain of
/// `.replace(LITERAL, LITERAL)`, and each literal that is a whole plan.
fn snapshot_plans() -> Vec<String> {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/diagnostics.rs"),
    )
    .expect("tests/it/diagnostics.rs");
    let base = crate::diagnostics::plan_with("//EXTRA");
    let mut plans = vec![crate::diagnostics::plan_with("")];
    for (i, _) in source.match_indices("plan_with(") {
        if let Some((lit, _)) = literal(source[i + "plan_with(".len()..].trim_start()) {
            plans.push(crate::diagnostics::plan_with(&lit));
        }
    }
    for (i, _) in source.match_indices("BASE") {
        let mut rest = &source[i + "BASE".len()..];
        let mut plan = base.clone();
        let mut replaced = false;
        while let Some(args) = rest.trim_start().strip_prefix(".replace(") {
            let Some((from, n)) = literal(args.trim_start()) else {
                break;
            };
            let args = args.trim_start();
            let Some(after) = args[n..].trim_start().strip_prefix(',') else {
                break;
            };
            let Some((to, m)) = literal(after.trim_start()) else {
                break;
            };
            let after = after.trim_start();
            let Some(tail) = after[m..].trim_start().strip_prefix(')') else {
                break;
            };
            plan = plan.replace(&from, &to);
            replaced = true;
            rest = tail;
        }
        if replaced {
            plans.push(plan.replace("//EXTRA", ""));
        }
    }
    for (i, _) in source.match_indices('"') {
        let at = if source[..i].ends_with("r#") {
            i - 2
        } else {
            i
        };
        if let Some((lit, _)) = literal(&source[at..]) {
            if lit.starts_with("plan \"") && !lit.contains("//EXTRA") {
                plans.push(lit);
            }
        }
    }
    plans.sort();
    plans.dedup();
    plans
}

/// The value of the Rust string literal that `text` starts with (plain or raw), and its
/// length in bytes.
fn literal(text: &str) -> Option<(String, usize)> {
    if let Some(raw) = text.strip_prefix("r#\"") {
        return raw
            .find("\"#")
            .map(|end| (raw[..end].to_string(), end + "r#\"\"#".len()));
    }
    let body = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 2)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\n' => {
                    // A line continuation: the next line's leading whitespace goes too.
                    while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                        chars.next();
                    }
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

#[test]
fn published_diagnostics_are_those_of_check_for_every_snapshot_plan() {
    let plans = snapshot_plans();
    // A plan with each kind of diagnostic is there: more than the base alone.
    assert!(plans.len() > 30, "{} plans", plans.len());
    // The three ways the snapshot tests write a plan are all read: `plan_with`, a chain of
    // `BASE.replace`, a whole plan as a literal.
    for part in ["payuot spif", "60%  .. 100% : 8%", "0    ..  50  : 2%"] {
        assert!(plans.iter().any(|p| p.contains(part)), "{part}");
    }
    assert!(plans.iter().any(|p| p == "plan \"Empty\" {\n}\n"));
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<_> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let f = dir.path().join(format!("p{i}.plan"));
            std::fs::write(&f, p).expect("write");
            f
        })
        .collect();
    let paths: Vec<&Path> = files.iter().map(|f| f.as_path()).collect();
    let expected = check_diags(&paths);
    let mut c = Client::start();
    c.initialize();
    let mut with_errors = 0;
    for (i, p) in plans.iter().enumerate() {
        let uri = format!("file:///snap/p{i}.plan");
        let got = lsp_diags(p, &c.open(&uri, p));
        with_errors += usize::from(!got.is_empty());
        assert_eq!(got, expected[i], "plan {i}:\n{p}");
    }
    assert!(with_errors > 20, "{with_errors}");
    assert_eq!(c.stop(), Some(0));
}
