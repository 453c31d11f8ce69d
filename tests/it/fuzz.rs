//! Fuzz-style tests on stable Rust: mutations of the example plans (plan text) and of their
//! data files (CSV bytes), each run through the library pipeline in-process — parse, check,
//! load, evaluate, render (table, CSV, JSON, explain text and HTML) and every diagnostic
//! drawn — asserting that nothing panics and no diagnostic is an internal error.
//!
//! CI runs 1,800 cases (seeded, deterministic). By hand, for millions:
//!
//! ```sh
//! IGNITION_FUZZ_CASES=1000000 cargo test --release --test it fuzz:: -- --nocapture
//! IGNITION_FUZZ_SEED=12345 IGNITION_FUZZ_CASES=1 cargo test --test it fuzz::   # replay one case
//! ```
//!
//! A failing case prints its seed and writes its input under `target/tmp/fuzz-failures/`.

use ignition::diagnostics::{render_plain, Diag};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A small, seeded PRNG (SplitMix64): deterministic cases, no dependency.
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
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Numbers that stress decimals: the largest decimal, tiny increments, too many digits.
const HUGE: &[&str] = &[
    "79228162514264337593543950335",
    "7922816251426433759354395033.5",
    "99999999999999999999999999999999",
    "0.0000000000000000000000000001",
    "0.00000000000000000000000000000001",
    "1000000000000000000000000000",
    "100000000",
    "9223372036854775808",
    "0",
    "-0",
    "1e309",
    ".5",
    "1.",
];

/// Bytes worth inserting into CSV: structure, quotes, line ends, invalid UTF-8, controls.
const CSV_BITS: &[&[u8]] = &[
    b",",
    b"\"",
    b"\"\"",
    b"\n",
    b"\r",
    b"\r\n",
    b"\xff",
    b"\xc3",
    b"\x1b[2J",
    b"\0",
    b"\t",
    b" ",
    b"%",
    b"-",
    b".",
    b"\xef\xbb\xbf",
    b"\"x\ny\"",
    b"27\" monitor",
];

/// Bytes worth inserting into a plan.
const PLAN_BITS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "\"",
    "%",
    "..",
    ":",
    ",",
    "\n",
    " ",
    "+",
    "*",
    "/",
    "-",
    "otherwise",
    "when",
    "where",
    "sum(",
    "round(",
    "\u{1b}",
    "\u{feff}",
    "é",
    "//",
    "EUR",
    "days",
];

/// Split text into tokens (runs of word characters, runs of spaces, single others).
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let kind = |c: char| {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            0
        } else if c == ' ' {
            1
        } else {
            2
        }
    };
    let mut prev: Option<u8> = None;
    for (i, c) in s.char_indices() {
        let k = kind(c);
        if let Some(p) = prev {
            if p != k || k == 2 {
                out.push(&s[start..i]);
                start = i;
            }
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// One mutation of plan text.
fn mutate_plan(rng: &mut Rng, text: &str, other: &str) -> String {
    let toks = tokens(text);
    if toks.is_empty() {
        return text.to_string();
    }
    let i = rng.below(toks.len());
    let mut out: Vec<String> = toks.iter().map(|t| t.to_string()).collect();
    match rng.below(8) {
        // Delete a token or a run of tokens.
        0 => {
            let n = 1 + rng.below(4);
            out.drain(i..(i + n).min(out.len()));
        }
        // Duplicate a token or a run.
        1 => {
            let n = 1 + rng.below(6);
            let run: Vec<String> = out[i..(i + n).min(out.len())].to_vec();
            for (k, t) in run.into_iter().enumerate() {
                out.insert(i + k, t);
            }
        }
        // Replace a number with a huge, tiny or malformed one.
        2 => {
            let nums: Vec<usize> = (0..out.len())
                .filter(|&k| out[k].starts_with(|c: char| c.is_ascii_digit()))
                .collect();
            let k = if nums.is_empty() { i } else { *rng.pick(&nums) };
            out[k] = rng.pick(HUGE).to_string();
        }
        // Splice in a run of tokens of another plan.
        3 => {
            let o = tokens(other);
            let s = rng.below(o.len());
            let n = 1 + rng.below(30);
            for (k, t) in o[s..(s + n).min(o.len())].iter().enumerate() {
                out.insert(i + k, t.to_string());
            }
        }
        // Deep nesting around a token.
        4 => {
            let depth = 1 + rng.below(300);
            out[i] = format!("{}{}{}", "(".repeat(depth), out[i], ")".repeat(depth));
        }
        // A long chain of terms.
        5 => {
            let n = 1 + rng.below(400);
            out[i] = format!("{}{}", "1 + ".repeat(n), out[i]);
        }
        // Insert a structural or odd piece.
        6 => out.insert(i, rng.pick(PLAN_BITS).to_string()),
        // Flip a byte (kept as text: an invalid sequence becomes U+FFFD, as reading would).
        _ => {
            let mut b = out.concat().into_bytes();
            if !b.is_empty() {
                let k = rng.below(b.len());
                b[k] = (rng.next() & 0xff) as u8;
            }
            return String::from_utf8_lossy(&b).into_owned();
        }
    }
    out.concat()
}

/// One mutation of CSV bytes.
fn mutate_csv(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = data.to_vec();
    let at = rng.below(b.len() + 1);
    let lines: Vec<usize> = std::iter::once(0)
        .chain(
            b.iter()
                .enumerate()
                .filter(|(_, &c)| c == b'\n')
                .map(|(k, _)| k + 1),
        )
        .collect();
    match rng.below(9) {
        0 if !b.is_empty() => {
            let k = rng.below(b.len());
            b[k] = (rng.next() & 0xff) as u8;
        }
        1 => {
            let bit = rng.pick(CSV_BITS);
            b.splice(at..at, bit.iter().copied());
        }
        2 if !b.is_empty() => {
            let n = 1 + rng.below(20);
            b.drain(at.min(b.len() - 1)..(at + n).min(b.len()));
        }
        // Duplicate or delete a whole line.
        3 | 4 if lines.len() > 1 => {
            let l = rng.below(lines.len() - 1);
            let (s, e) = (lines[l], lines[l + 1]);
            if rng.below(2) == 0 {
                let line = b[s..e].to_vec();
                b.splice(s..s, line);
            } else {
                b.drain(s..e);
            }
        }
        // Splice bytes from another file.
        5 if !other.is_empty() => {
            let s = rng.below(other.len());
            let n = 1 + rng.below(200);
            b.splice(at..at, other[s..(s + n).min(other.len())].iter().copied());
        }
        // Replace a field with a stressful number or a long cell.
        6 => {
            let field = match rng.below(4) {
                0 => "9".repeat(1 + rng.below(5000)).into_bytes(),
                1 => "x".repeat(1 + rng.below(5000)).into_bytes(),
                _ => rng.pick(HUGE).as_bytes().to_vec(),
            };
            let s = b[..at]
                .iter()
                .rposition(|&c| c == b',')
                .map_or(0, |k| k + 1);
            let e = b[at..]
                .iter()
                .position(|&c| c == b',' || c == b'\n')
                .map_or(b.len(), |k| at + k);
            b.splice(s..e, field);
        }
        // Line endings changed everywhere.
        7 => {
            let to: &[u8] = if rng.below(2) == 0 { b"\r\n" } else { b"\r" };
            let mut out = Vec::with_capacity(b.len() + lines.len());
            for &c in &b {
                if c == b'\n' {
                    out.extend_from_slice(to);
                } else {
                    out.push(c);
                }
            }
            b = out;
        }
        // Truncate.
        _ => b.truncate(at),
    }
    b
}

/// The last panic's message and location (the hook keeps panics quiet while fuzzing).
static PANIC: Mutex<Option<String>> = Mutex::new(None);

fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // Where in Ignition: the first frame in this crate's src/ (a panic inside a
        // dependency, e.g. decimal arithmetic, is grouped by its caller).
        let mut at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if !at.starts_with("src/") {
            let trace = std::backtrace::Backtrace::force_capture().to_string();
            let ours = concat!(env!("CARGO_MANIFEST_DIR"), "/src/");
            let found = [ours, "at ./src/", "at src/"]
                .iter()
                .filter_map(|p| trace.find(p).map(|k| k + p.len()))
                .min();
            if let Some(k) = found {
                let rest = &trace[k..];
                let end = rest.find(['\n', ' ']).unwrap_or(rest.len());
                let frame = &rest[..end];
                // file:line:column → src/file:line
                let frame = frame.rsplit_once(':').map_or(frame, |(f, _)| f);
                at = format!("src/{frame}");
            }
        }
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("{at}: {msg}"));
        }
    }));
}

/// Why a case failed: the panic location (the signature that groups cases) and detail.
struct Failure {
    signature: String,
    detail: String,
}

/// Diagnostics must render, and none may be an internal error.
fn check_diags(diags: &[Diag]) -> Result<(), Failure> {
    if let Some(d) = diags.iter().find(|d| d.code.contains("internal")) {
        return Err(Failure {
            signature: format!("internal diagnostic {}", d.code),
            detail: d.message.clone(),
        });
    }
    let _ = render_plain(diags, 100);
    Ok(())
}

/// The whole pipeline on a plan text and a data folder.
fn pipeline(name: &str, text: &str, sources: &ignition::data::Sources) -> Result<(), Failure> {
    let checked = match ignition::compile_str(name, text) {
        Ok(c) => c,
        Err(d) => return check_diags(&d),
    };
    check_diags(&checked.warnings)?;
    let plan = checked.plan;
    let (data, notes) = match ignition::data::load(&plan, sources, Default::default()) {
        Ok(x) => x,
        Err(d) => return check_diags(&d),
    };
    check_diags(&notes)?;
    let results = ignition::eval::evaluate(&plan, &data);
    check_diags(&ignition::eval::errors(&plan, &data, &results, 20))?;
    let sel = ignition::report::Selection::default();
    for f in [
        ignition::report::Format::Table,
        ignition::report::Format::Csv,
        ignition::report::Format::Json,
    ] {
        let _ = ignition::report::render(&plan, &data, &results, &sel, f);
    }
    if !data.roster.is_empty() && !plan.calendar.is_empty() {
        let defs = ignition::report::reported(&plan);
        let e = ignition::trace::explain(&plan, &data, &results, 0, 0, &defs);
        let _ = ignition::trace::text::render(&e, Some(10));
        let _ = ignition::trace::html::render(&e, &plan.source.text);
    }
    Ok(())
}

/// Run one case, catching a panic.
fn guarded(f: impl FnOnce() -> Result<(), Failure>) -> Result<(), Failure> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => {
            let p = PANIC
                .lock()
                .ok()
                .and_then(|mut p| p.take())
                .unwrap_or_default();
            let (at, msg) = p.split_once(": ").unwrap_or((&p, ""));
            Err(Failure {
                signature: format!("panic at {at}"),
                detail: msg.chars().take(300).collect(),
            })
        }
    }
}

fn failures_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let _ = std::fs::create_dir_all(&d);
    d
}

/// Run `cases` cases from `seed`; group failures by signature (first seed kept).
fn campaign(
    what: &str,
    cases: u64,
    seed: u64,
    mut case: impl FnMut(u64) -> (Result<(), Failure>, Vec<u8>),
) {
    let started = std::time::Instant::now();
    let mut found: BTreeMap<String, (u64, usize, String)> = BTreeMap::new();
    for i in 0..cases {
        let s = seed.wrapping_add(i);
        let (r, input) = case(s);
        if let Err(f) = r {
            let e = found
                .entry(f.signature.clone())
                .or_insert_with(|| (s, 0, f.detail.clone()));
            e.1 += 1;
            if e.1 == 1 {
                let _ = std::fs::write(failures_dir().join(format!("{what}-{s}")), &input);
            }
        }
    }
    eprintln!(
        "fuzz {what}: {cases} cases from seed {seed} in {:.1} s, {} kinds of failure",
        started.elapsed().as_secs_f64(),
        found.len()
    );
    let report: Vec<String> = found
        .iter()
        .map(|(sig, (s, n, detail))| {
            format!(
                "{sig} ({n} cases; first IGNITION_FUZZ_SEED={s}, input in {}): {detail}",
                failures_dir().join(format!("{what}-{s}")).display()
            )
        })
        .collect();
    if !report.is_empty() {
        // The panic hook is quiet while fuzzing: say it here too.
        eprintln!("fuzz {what} failures:\n{}", report.join("\n"));
    }
    assert!(
        report.is_empty(),
        "fuzz {what} failures:\n{}",
        report.join("\n")
    );
}

/// CI cases per target, chosen so that the two targets (run in parallel) take well under
/// 30 s in debug: a plan case takes about 12 ms, a CSV case (which always reaches evaluation
/// and rendering) about 25 ms.
const CI_PLAN_CASES: u64 = 1200;
const CI_CSV_CASES: u64 = 600;

fn budget(ci: u64) -> (u64, u64) {
    (
        env_number("IGNITION_FUZZ_CASES", ci),
        env_number("IGNITION_FUZZ_SEED", 0x1917_2026),
    )
}

/// Run on a thread with a big stack, as the binary does.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let h = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(f)
        .expect("thread");
    if let Err(e) = h.join() {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn fuzz_plan_text() {
    on_big_stack(|| {
        let seeds: Vec<(String, PathBuf)> = [
            ("plans/field-sales/plan.plan", "plans/field-sales/data"),
            ("plans/sdr/plan.plan", "plans/sdr/data"),
        ]
        .iter()
        .map(|(p, d)| {
            (
                std::fs::read_to_string(repo(p)).expect("example plan"),
                repo(d),
            )
        })
        .collect();
        let (cases, seed) = budget(CI_PLAN_CASES);
        quiet_panics();
        campaign("plan", cases, seed, |s| {
            let mut rng = Rng(s);
            let k = rng.below(seeds.len());
            let (text, data) = &seeds[k];
            let other = &seeds[1 - k].0;
            let mut t = text.clone();
            for _ in 0..1 + rng.below(3) {
                t = mutate_plan(&mut rng, &t, other);
            }
            let sources = ignition::data::Sources {
                dirs: vec![data.clone()],
                files: Vec::new(),
                delimiters: Vec::new(),
            };
            let r = guarded(|| pipeline("fuzz.plan", &t, &sources));
            (r, t.into_bytes())
        });
    });
}

#[test]
fn fuzz_csv_bytes() {
    on_big_stack(|| {
        let examples = [
            ("plans/field-sales/plan.plan", "plans/field-sales/data"),
            ("plans/sdr/plan.plan", "plans/sdr/data"),
        ];
        // Each case writes one mutated file into a scratch copy of its plan's data folder.
        let scratch = tempfile::tempdir().expect("temp dir");
        let mut setups = Vec::new();
        for (i, (plan, data)) in examples.iter().enumerate() {
            let dir = scratch.path().join(i.to_string());
            std::fs::create_dir_all(&dir).expect("mkdir");
            let mut files = Vec::new();
            for e in std::fs::read_dir(repo(data)).expect("data").flatten() {
                let bytes = std::fs::read(e.path()).expect("read");
                std::fs::write(dir.join(e.file_name()), &bytes).expect("copy");
                files.push((e.file_name(), bytes));
            }
            files.sort();
            let text = std::fs::read_to_string(repo(plan)).expect("plan");
            setups.push((text, dir, files));
        }
        let (cases, seed) = budget(CI_CSV_CASES);
        quiet_panics();
        campaign("csv", cases, seed, |s| {
            let mut rng = Rng(s);
            let (text, dir, files) = &setups[rng.below(setups.len())];
            let f = rng.below(files.len());
            let other = &files[rng.below(files.len())].1;
            let mut bytes = files[f].1.clone();
            for _ in 0..1 + rng.below(3) {
                bytes = mutate_csv(&mut rng, &bytes, other);
            }
            let path = dir.join(&files[f].0);
            let _ = std::fs::write(&path, &bytes);
            let sources = ignition::data::Sources {
                dirs: vec![dir.clone()],
                files: Vec::new(),
                delimiters: Vec::new(),
            };
            let r = guarded(|| pipeline("plan.plan", text, &sources));
            let _ = std::fs::write(&path, &files[f].1);
            (r, bytes)
        });
    });
}
