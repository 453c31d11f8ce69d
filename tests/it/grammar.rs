//! The TextMate grammar of `.plan` files (`editors/vscode/syntaxes/ignition.tmLanguage.json`,
//! the highlighting of the VS Code extension and of any editor that reads TextMate
//! grammars). A small TextMate tokeniser runs it here on every example plan and test file
//! and on the examples of docs/language.md:
//! every regex compiles (Oniguruma syntax, through `fancy-regex`, which accepts the subset
//! the grammar uses), every begin/end rule is closed by the end of the file, and every
//! character that is not whitespace gets a scope of its own. The keywords of the language
//! (`src/syntax/keyword.rs`, `grammar/plan.pest`) and the built-in functions
//! (`src/check/builtins.rs`) are all highlighted.

use fancy_regex::Regex;
use ignition::syntax::keyword::Keyword;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const GRAMMAR: &str = "editors/vscode/syntaxes/ignition.tmLanguage.json";

/// The names a capture group gives its text, by group number.
type Captures = Vec<(usize, String)>;

/// A rule of the grammar, compiled.
enum Rule {
    /// `match`: one regex, scoped by `name` and `captures`.
    Match {
        regex: Regex,
        name: Option<String>,
        captures: Captures,
    },
    /// `begin`/`end`: a region that may span lines, with its own `patterns`.
    BeginEnd {
        begin: Regex,
        end: Regex,
        name: Option<String>,
        content_name: Option<String>,
        begin_captures: Captures,
        end_captures: Captures,
        patterns: Vec<usize>,
    },
    /// Only `patterns`: the rules listed, tried in order.
    Patterns(Vec<usize>),
    /// `include`: `#name` (the repository), `$self` or `$base` (the whole grammar).
    Include(String),
}

struct Grammar {
    rules: Vec<Rule>,
    repository: HashMap<String, usize>,
    /// The top-level `patterns`.
    root: usize,
    scope: String,
}

const KEYS: &[&str] = &[
    "name",
    "match",
    "captures",
    "begin",
    "end",
    "beginCaptures",
    "endCaptures",
    "contentName",
    "patterns",
    "include",
    "comment",
];

impl Grammar {
    fn load() -> Result<Grammar, String> {
        let path = root().join(GRAMMAR);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{GRAMMAR}: {e}"))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| format!("{GRAMMAR}: {e}"))?;
        let obj = json.as_object().ok_or("the grammar is not an object")?;
        let scope = obj
            .get("scopeName")
            .and_then(Value::as_str)
            .ok_or("no scopeName")?
            .to_string();
        let mut g = Grammar {
            rules: Vec::new(),
            repository: HashMap::new(),
            root: 0,
            scope,
        };
        if let Some(repo) = obj.get("repository") {
            let repo = repo.as_object().ok_or("repository is not an object")?;
            for (name, rule) in repo {
                let id = g.compile(rule, &format!("repository.{name}"))?;
                g.repository.insert(name.clone(), id);
            }
        }
        let patterns = g.patterns(obj, "patterns")?;
        g.root = g.push(Rule::Patterns(patterns));
        // Every include names a rule that exists.
        for rule in &g.rules {
            if let Rule::Include(to) = rule {
                g.resolve(to)?;
            }
        }
        Ok(g)
    }

    fn push(&mut self, rule: Rule) -> usize {
        self.rules.push(rule);
        self.rules.len() - 1
    }

    fn patterns(&mut self, obj: &Map<String, Value>, at: &str) -> Result<Vec<usize>, String> {
        let Some(list) = obj.get("patterns") else {
            return Ok(Vec::new());
        };
        let list = list
            .as_array()
            .ok_or(format!("{at}.patterns: not a list"))?;
        list.iter()
            .enumerate()
            .map(|(i, r)| self.compile(r, &format!("{at}.patterns[{i}]")))
            .collect()
    }

    fn compile(&mut self, rule: &Value, at: &str) -> Result<usize, String> {
        let obj = rule.as_object().ok_or(format!("{at}: not an object"))?;
        if let Some(key) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!(
                "{at}: `{key}` is not supported by this test's tokeniser"
            ));
        }
        let text = |key: &str| -> Result<Option<String>, String> {
            match obj.get(key) {
                None => Ok(None),
                Some(v) => v
                    .as_str()
                    .map(|s| Some(s.to_string()))
                    .ok_or(format!("{at}.{key}: not a string")),
            }
        };
        let regex = |key: &str| -> Result<Option<Regex>, String> {
            text(key)?
                .map(|src| oniguruma_like(&src).map_err(|e| format!("{at}.{key} `{src}`: {e}")))
                .transpose()
        };
        let captures = |key: &str| -> Result<Captures, String> {
            let Some(caps) = obj.get(key) else {
                return Ok(Vec::new());
            };
            let caps = caps
                .as_object()
                .ok_or(format!("{at}.{key}: not an object"))?;
            let mut out = Vec::new();
            for (group, c) in caps {
                let n: usize = group
                    .parse()
                    .map_err(|_| format!("{at}.{key}.{group}: not a group number"))?;
                let c = c.as_object().ok_or(format!("{at}.{key}.{group}"))?;
                if c.keys().any(|k| k != "name") {
                    return Err(format!("{at}.{key}.{group}: only `name` is supported"));
                }
                let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
                out.push((n, name.to_string()));
            }
            out.sort();
            Ok(out)
        };
        let name = text("name")?;
        if let Some(to) = text("include")? {
            return Ok(self.push(Rule::Include(to)));
        }
        if let Some(regex) = regex("match")? {
            if obj.contains_key("begin") || obj.contains_key("patterns") {
                return Err(format!("{at}: `match` with `begin` or `patterns`"));
            }
            let captures = captures("captures")?;
            check_groups(&regex, &captures, at)?;
            return Ok(self.push(Rule::Match {
                regex,
                name,
                captures,
            }));
        }
        if let Some(begin) = regex("begin")? {
            let end_src = text("end")?.ok_or(format!("{at}: `begin` without `end`"))?;
            if Regex::new(r"\\[1-9]")
                .map_err(|e| e.to_string())?
                .is_match(&end_src)
                .map_err(|e| e.to_string())?
            {
                return Err(format!("{at}.end: back-references are not supported here"));
            }
            let end = regex("end")?.ok_or(format!("{at}: no end"))?;
            let shared = captures("captures")?;
            let mut begin_captures = captures("beginCaptures")?;
            let mut end_captures = captures("endCaptures")?;
            if begin_captures.is_empty() {
                begin_captures = shared.clone();
            }
            if end_captures.is_empty() {
                end_captures = shared;
            }
            check_groups(&begin, &begin_captures, at)?;
            check_groups(&end, &end_captures, at)?;
            let patterns = self.patterns(obj, at)?;
            return Ok(self.push(Rule::BeginEnd {
                begin,
                end,
                name,
                content_name: text("contentName")?,
                begin_captures,
                end_captures,
                patterns,
            }));
        }
        if obj.contains_key("end") {
            return Err(format!("{at}: `end` without `begin`"));
        }
        let patterns = self.patterns(obj, at)?;
        if patterns.is_empty() {
            return Err(format!("{at}: a rule with nothing to match"));
        }
        Ok(self.push(Rule::Patterns(patterns)))
    }

    fn resolve(&self, to: &str) -> Result<usize, String> {
        match to {
            "$self" | "$base" => Ok(self.root),
            _ => to
                .strip_prefix('#')
                .and_then(|name| self.repository.get(name).copied())
                .ok_or(format!("include `{to}`: no such rule")),
        }
    }

    /// The `match` and `begin` rules that `ids` stand for, includes expanded, in order.
    fn flatten(&self, ids: &[usize], out: &mut Vec<usize>, seen: &mut BTreeSet<usize>) {
        for &id in ids {
            match &self.rules[id] {
                Rule::Match { .. } | Rule::BeginEnd { .. } => out.push(id),
                Rule::Patterns(list) => {
                    if seen.insert(id) {
                        self.flatten(list, out, seen);
                    }
                }
                Rule::Include(to) => {
                    if let Ok(target) = self.resolve(to) {
                        self.flatten(&[target], out, seen);
                    }
                }
            }
        }
    }
}

/// Oniguruma as TextMate editors run it: a regex sees one line with its `\n`, and `$`
/// matches before that `\n` (Oniguruma's `$` is always multi-line).
fn oniguruma_like(src: &str) -> Result<Regex, String> {
    Regex::new(&format!("(?m){src}")).map_err(|e| e.to_string())
}

fn check_groups(regex: &Regex, captures: &Captures, at: &str) -> Result<(), String> {
    match captures.iter().find(|(n, _)| *n >= regex.captures_len()) {
        Some((n, _)) => Err(format!("{at}: capture {n} names a group the regex lacks")),
        None => Ok(()),
    }
}

/// A run of text and the scopes it is in, outermost first.
#[derive(Debug)]
struct Token {
    start: usize,
    end: usize,
    scopes: Vec<String>,
}

/// An open begin/end region.
struct Frame {
    rule: usize,
    /// Where it began (byte offset in the file), for the message when it is never closed.
    at: usize,
    /// The scopes of the text inside it.
    scopes: Vec<String>,
}

/// Tokenise `text` line by line as a TextMate editor does: at each position every rule of
/// the innermost open region is tried (its `end` first); the earliest match wins, the first
/// listed on a tie.
fn tokenize(g: &Grammar, text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let base = vec![g.scope.clone()];
    let mut line_start = 0;
    let mut flat: HashMap<Vec<usize>, Vec<usize>> = HashMap::new();
    for raw in text.split_inclusive('\n') {
        let owned;
        let line = if raw.ends_with('\n') {
            raw
        } else {
            owned = format!("{raw}\n");
            &owned
        };
        let mut pos = 0;
        let mut stuck = 0;
        let mut cache = Cache::new();
        while pos < line.len() {
            let (scopes, candidates, end) = match stack.last() {
                None => (&base, vec![g.root], None),
                Some(frame) => match &g.rules[frame.rule] {
                    Rule::BeginEnd { patterns, end, .. } => {
                        (&frame.scopes, patterns.clone(), Some(end))
                    }
                    _ => return Err("a frame that is not a begin/end rule".into()),
                },
            };
            let rules = flat.entry(candidates.clone()).or_insert_with(|| {
                let mut rules = Vec::new();
                g.flatten(&candidates, &mut rules, &mut BTreeSet::new());
                rules
            });
            // The best match so far: (start, rule or None for the end, groups).
            let mut best: Option<(usize, Option<usize>)> = None;
            let mut consider = |rule: Option<usize>, regex: &Regex| -> Result<(), String> {
                if let Some(start) = search(&mut cache, regex, line, pos)? {
                    if best.as_ref().is_none_or(|(s, _)| start < *s) {
                        best = Some((start, rule));
                    }
                }
                Ok(())
            };
            if let Some(end) = end {
                consider(None, end)?;
            }
            for &id in rules.iter() {
                match &g.rules[id] {
                    Rule::Match { regex, .. } => consider(Some(id), regex)?,
                    Rule::BeginEnd { begin, .. } => consider(Some(id), begin)?,
                    _ => {}
                }
            }
            let Some((start, rule)) = best else {
                push_token(
                    &mut tokens,
                    line_start + pos,
                    line_start + line.len(),
                    scopes,
                );
                break;
            };
            let regex = match rule.map(|id| &g.rules[id]) {
                None => end,
                Some(Rule::Match { regex, .. }) => Some(regex),
                Some(Rule::BeginEnd { begin, .. }) => Some(begin),
                Some(_) => None,
            };
            let caps = groups_at(regex.ok_or("no regex for the match")?, line, pos)?;
            let (m_start, m_end) = caps.first().copied().flatten().unwrap_or((pos, pos));
            push_token(&mut tokens, line_start + pos, line_start + start, scopes);
            let abs = |i: usize| line_start + i;
            let groups = |list: &Captures| -> Vec<(usize, usize, String)> {
                list.iter()
                    .filter_map(|(n, name)| {
                        caps.get(*n)
                            .copied()
                            .flatten()
                            .map(|(s, e)| (abs(s), abs(e), name.clone()))
                    })
                    .collect()
            };
            match rule {
                None => {
                    let frame = stack.pop().ok_or("end without a frame")?;
                    let Rule::BeginEnd {
                        name, end_captures, ..
                    } = &g.rules[frame.rule]
                    else {
                        return Err("a frame that is not a begin/end rule".into());
                    };
                    // The end is in the region's `name`, not its `contentName`.
                    let mut outer = stack.last().map_or(base.clone(), |f| f.scopes.clone());
                    outer.extend(name.clone());
                    emit(
                        &mut tokens,
                        abs(m_start),
                        abs(m_end),
                        &outer,
                        &groups(end_captures),
                    );
                }
                Some(id) => match &g.rules[id] {
                    Rule::Match { name, captures, .. } => {
                        let mut inner = scopes.clone();
                        inner.extend(name.clone());
                        emit(
                            &mut tokens,
                            abs(m_start),
                            abs(m_end),
                            &inner,
                            &groups(captures),
                        );
                    }
                    Rule::BeginEnd {
                        name,
                        content_name,
                        begin_captures,
                        ..
                    } => {
                        let mut inner = scopes.clone();
                        inner.extend(name.clone());
                        emit(
                            &mut tokens,
                            abs(m_start),
                            abs(m_end),
                            &inner,
                            &groups(begin_captures),
                        );
                        inner.extend(content_name.clone());
                        stack.push(Frame {
                            rule: id,
                            at: abs(m_start),
                            scopes: inner,
                        });
                    }
                    _ => return Err("not a match or begin rule".into()),
                },
            }
            if m_end > pos {
                pos = m_end;
                stuck = 0;
            } else {
                stuck += 1;
                if stuck > 16 {
                    return Err(format!(
                        "the grammar loops without consuming text at byte {}",
                        line_start + pos
                    ));
                }
            }
        }
        line_start += raw.len();
    }
    if let Some(frame) = stack.last() {
        let name = match &g.rules[frame.rule] {
            Rule::BeginEnd { name, .. } => name.clone().unwrap_or_default(),
            _ => String::new(),
        };
        return Err(format!(
            "`{name}` opened at {} is never closed",
            line_col(text, frame.at)
        ));
    }
    Ok(tokens)
}

/// The byte ranges of a match's groups (group 0: the whole match), within its line.
type Groups = Vec<Option<(usize, usize)>>;

/// The last search of each regex on this line: where it started and where it found a match.
type Cache = HashMap<usize, (usize, Option<usize>)>;

/// Where the leftmost match of `regex` in `line` at or after `pos` starts. A search from an
/// earlier position that found nothing, or found a match at or after `pos`, has the same
/// answer (a TextMate editor caches the same way).
fn search(
    cache: &mut Cache,
    regex: &Regex,
    line: &str,
    pos: usize,
) -> Result<Option<usize>, String> {
    let key = regex as *const Regex as usize;
    if let Some((from, found)) = cache.get(&key) {
        if *from <= pos && found.is_none_or(|start| start >= pos) {
            return Ok(*found);
        }
    }
    let found = regex
        .find_from_pos(line, pos)
        .map_err(|e| format!("regex `{}`: {e}", regex.as_str()))?
        .map(|m| m.start());
    cache.insert(key, (pos, found));
    Ok(found)
}

/// The groups of the leftmost match of `regex` in `line` at or after `pos`.
fn groups_at(regex: &Regex, line: &str, pos: usize) -> Result<Groups, String> {
    let caps = regex
        .captures_from_pos(line, pos)
        .map_err(|e| format!("regex `{}`: {e}", regex.as_str()))?
        .ok_or(format!("regex `{}` found, then did not", regex.as_str()))?;
    Ok((0..caps.len())
        .map(|i| caps.get(i).map(|m| (m.start(), m.end())))
        .collect())
}

fn push_token(tokens: &mut Vec<Token>, start: usize, end: usize, scopes: &[String]) {
    if start < end {
        tokens.push(Token {
            start,
            end,
            scopes: scopes.to_vec(),
        });
    }
}

/// The tokens of a match from `start` to `end` in `scopes`, split where its capture groups
/// begin and end; a byte inside a group is also in the group's scope.
fn emit(
    tokens: &mut Vec<Token>,
    start: usize,
    end: usize,
    scopes: &[String],
    groups: &[(usize, usize, String)],
) {
    let mut cuts: Vec<usize> = vec![start, end];
    for (s, e, _) in groups {
        cuts.extend([*s, *e]);
    }
    cuts.retain(|c| (start..=end).contains(c));
    cuts.sort();
    cuts.dedup();
    for w in cuts.windows(2) {
        let mut inner = scopes.to_vec();
        for (s, e, name) in groups {
            if *s <= w[0] && w[1] <= *e && s < e && !name.is_empty() {
                inner.push(name.clone());
            }
        }
        push_token(tokens, w[0], w[1], &inner);
    }
}

fn line_col(text: &str, at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    format!("{line}:{col}")
}

/// A scope that says what a character is: not the file's, and not a `meta.` region.
fn meaningful(scope: &str) -> bool {
    !scope.starts_with("source.") && !scope.starts_with("meta.")
}

/// Tokenise `text` and fail on any character left without a meaningful scope, or with an
/// `invalid.` one.
fn check_text(g: &Grammar, name: &str, text: &str) -> Result<Vec<Token>, String> {
    let tokens = tokenize(g, text).map_err(|e| format!("{name}: {e}"))?;
    for t in &tokens {
        let piece = &text[t.start..t.end.min(text.len())];
        let Some(offset) = piece.find(|c: char| !c.is_whitespace()) else {
            continue;
        };
        let at = line_col(text, t.start + offset);
        if !t.scopes.iter().any(|s| meaningful(s)) {
            return Err(format!("{name}:{at}: `{}` has no scope", piece.trim()));
        }
        if let Some(bad) = t.scopes.iter().find(|s| s.starts_with("invalid.")) {
            return Err(format!("{name}:{at}: `{}` is {bad}", piece.trim()));
        }
    }
    Ok(tokens)
}

/// The scopes of the text `needle` (its `nth` occurrence as a whole word) in `text`; every
/// token under it must have the same scopes.
fn scopes_of(tokens: &[Token], text: &str, needle: &str, nth: usize) -> Vec<String> {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let at = text
        .match_indices(needle)
        .map(|(i, _)| i)
        .filter(|&i| {
            // A word does not continue before or after the needle's own word characters.
            let joins_before = word(needle.chars().next()) && word(text[..i].chars().next_back());
            let joins_after =
                word(needle.chars().next_back()) && word(text[i + needle.len()..].chars().next());
            !joins_before && !joins_after
        })
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} is not in the text"));
    let covering: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.start < at + needle.len() && at < t.end)
        .collect();
    let first = covering
        .first()
        .map(|t| t.scopes.clone())
        .unwrap_or_default();
    assert!(
        covering.iter().all(|t| t.scopes == first)
            && covering.first().is_some_and(|t| t.start <= at)
            && covering.last().is_some_and(|t| t.end >= at + needle.len()),
        "`{needle}` is not in one scope: {covering:?}"
    );
    first
}

fn innermost(tokens: &[Token], text: &str, needle: &str) -> String {
    scopes_of(tokens, text, needle, 0)
        .last()
        .cloned()
        .unwrap_or_default()
}

fn plan_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            plan_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "plan") {
            out.push(p);
        }
    }
}

fn grammar() -> Grammar {
    Grammar::load().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_example_plan_and_test_file_tokenises_with_every_character_scoped() {
    let g = grammar();
    let mut files = Vec::new();
    plan_files(&root().join("plans"), &mut files);
    plan_files(&root().join("tests"), &mut files);
    let tests = files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".test.plan"))
        .count();
    // The example plans (plans/), their test files and the rule suites of tests/rules/.
    assert!(
        files.len() >= 50 && tests >= 10,
        "{} files, {tests} test files",
        files.len()
    );
    let mut errors = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let name = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        if let Err(e) = check_text(&g, &name, &text) {
            errors.push(e);
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn spot_scopes_on_the_field_sales_plan() {
    let g = grammar();
    let path = root().join("plans/field-sales/plan.plan");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let tokens = check_text(&g, "plan.plan", &text).unwrap_or_else(|e| panic!("{e}"));
    let inner = |needle: &str| innermost(&tokens, &text, needle);
    assert_eq!(
        inner("Field sales compensation, FY2026 — the reference workload."),
        "comment.line.double-slash.ignition"
    );
    assert_eq!(inner("//"), "punctuation.definition.comment.ignition");
    assert_eq!(inner("2026-01-01"), "constant.numeric.date.ignition");
    assert_eq!(inner("50%"), "constant.numeric.percent.ignition");
    assert_eq!(inner("participants"), "keyword.other.declaration.ignition");
    assert_eq!(inner("where"), "keyword.control.where.ignition");
    assert_eq!(
        inner("half-even"),
        "support.constant.rounding-mode.ignition"
    );
    assert_eq!(inner("marginal"), "support.function.builtin.ignition");
    assert_eq!(inner("Closed Won"), "string.quoted.double.ignition");
    assert_eq!(inner("EUR"), "constant.other.currency.ignition");
    // `kpi bookings`: the keyword, then the name it declares.
    assert_eq!(inner("kpi"), "keyword.other.declaration.ignition");
    assert_eq!(inner("bookings"), "entity.name.function.kpi.ignition");
    assert_eq!(inner("commission_rate"), "entity.name.type.rates.ignition");
    assert_eq!(inner("deals"), "entity.name.type.input.ignition");
    assert_eq!(inner("manager_id"), "variable.other.member.ignition");
    assert_eq!(inner("money"), "storage.type.ignition");
    assert_eq!(inner("per"), "variable.parameter.ignition");
    assert_eq!(inner(">="), "keyword.operator.comparison.ignition");
    assert_eq!(inner(".."), "keyword.operator.range.ignition");
    assert_eq!(inner("otherwise"), "keyword.control.ignition");
    // Inside the plan's braces.
    let scopes = scopes_of(&tokens, &text, "currency", 0);
    assert_eq!(
        scopes,
        [
            "source.ignition",
            "meta.block.ignition",
            "keyword.other.declaration.ignition"
        ]
    );
}

#[test]
fn test_file_syntax_has_its_own_scopes() {
    let g = grammar();
    let text = "tests for \"plan.plan\"\n\
                test \"t\" {\n\
                \x20 data deals = \"deals.csv\"\n\
                \x20 reps { rep_id: \"r1\", start: 2025-01-01, quota: 1_000.50 EUR }\n\
                \x20 /* a block\n\
                \x20    comment */ expect bookings for \"r1\" in 2026-Q1 == 12.5% within 0.01\n\
                \x20 expect error for \"r1\" in 2026-01 containing \"no \\\"quota\\\"\"\n\
                }\n";
    let tokens = check_text(&g, "t.test.plan", text).unwrap_or_else(|e| panic!("{e}"));
    let inner = |needle: &str| innermost(&tokens, text, needle);
    assert_eq!(inner("tests"), "keyword.other.declaration.ignition");
    assert_eq!(inner("deals"), "entity.name.type.input.ignition");
    assert_eq!(inner("reps"), "entity.name.type.input.ignition");
    assert_eq!(inner("rep_id"), "variable.other.member.ignition");
    assert_eq!(inner("1_000.50"), "constant.numeric.money.ignition");
    assert_eq!(inner("comment"), "comment.block.ignition");
    assert_eq!(inner("*/"), "punctuation.definition.comment.end.ignition");
    assert_eq!(inner("bookings"), "variable.other.expectation.ignition");
    assert_eq!(inner("2026-Q1"), "constant.other.period.ignition");
    assert_eq!(inner("2026-01"), "constant.other.period.ignition");
    assert_eq!(inner("12.5%"), "constant.numeric.percent.ignition");
    assert_eq!(inner("within"), "keyword.other.ignition");
    assert_eq!(inner("containing"), "keyword.other.ignition");
    assert_eq!(inner("\\\""), "constant.character.escape.ignition");
}

#[test]
fn unclosed_regions_unscoped_text_and_bad_escapes_are_caught() {
    let g = grammar();
    let unclosed = |text: &str| tokenize(&g, text).err().unwrap_or_default();
    assert!(unclosed("plan \"x\" {\n").contains("meta.block.ignition` opened at 1:10"));
    assert!(unclosed("/* never\nclosed").contains("comment.block.ignition` opened at 1:1"));
    assert!(unclosed("let s = \"open").contains("string.quoted.double.ignition` opened at 1:9"));
    let bad = |text: &str| check_text(&g, "x", text).err().unwrap_or_default();
    assert!(bad("let a = 1 @ 2\n").contains("x:1:11: `@` has no scope"));
    assert!(bad("let s = \"a\\q\"\n").contains("is invalid.illegal.escape.ignition"));
}

/// The words of `rule` in plan.pest: its quoted strings.
fn pest_words(pest: &str, rule: &str) -> Vec<String> {
    let start = pest
        .lines()
        .position(|l| l.split_whitespace().next() == Some(rule))
        .unwrap_or_else(|| panic!("no rule `{rule}` in plan.pest"));
    let mut body = String::new();
    for line in pest.lines().skip(start) {
        body.push_str(line);
        if line.contains('}') {
            break;
        }
    }
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_keyword_of_the_language_is_highlighted_as_one() {
    let g = grammar();
    let pest = std::fs::read_to_string(root().join("grammar/plan.pest")).expect("plan.pest");
    let mut words: BTreeSet<String> = Keyword::ALL.iter().map(|k| k.text().to_string()).collect();
    // Every `kw_…` rule, the `keyword` rule and the operator words of the pest grammar.
    for line in pest.lines() {
        if let Some(rule) = line
            .split_whitespace()
            .next()
            .filter(|r| r.starts_with("kw_"))
        {
            words.extend(pest_words(&pest, rule));
        }
    }
    for rule in ["keyword", "otherwise", "or", "and", "not"] {
        words.extend(pest_words(&pest, rule));
    }
    assert!(words.len() >= 40, "{words:?}");
    for word in &words {
        for text in [format!("{word}\n"), format!("a {word} b\n")] {
            let tokens = tokenize(&g, &text).unwrap_or_else(|e| panic!("{e}"));
            let scope = innermost(&tokens, &text, word);
            assert!(
                scope.starts_with("keyword.") || scope.starts_with("constant.language."),
                "`{word}` in {text:?} is {scope}: add it to the keywords of {GRAMMAR}"
            );
        }
    }
    // A name that merely starts like a keyword is a name.
    let text = "a kpis where_x b\n";
    let tokens = tokenize(&g, text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(innermost(&tokens, text, "kpis"), "variable.other.ignition");
    assert_eq!(
        innermost(&tokens, text, "where_x"),
        "variable.other.ignition"
    );
}

#[test]
fn column_types_period_kinds_and_rounding_modes_of_plan_pest_are_highlighted() {
    let g = grammar();
    let pest = std::fs::read_to_string(root().join("grammar/plan.pest")).expect("plan.pest");
    let check = |text: &str, word: &str, scope: &str| {
        let tokens = check_text(&g, "x", text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(innermost(&tokens, text, word), scope, "{text:?}");
    };
    for ty in pest_words(&pest, "simple_type")
        .into_iter()
        .chain(pest_words(&pest, "money_kw"))
    {
        check(&format!("c: {ty}\n"), &ty, "storage.type.ignition");
        check(&format!("kpi k: {ty} = 1\n"), &ty, "storage.type.ignition");
    }
    check("c: money(EUR)?\n", "money(EUR)", "storage.type.ignition");
    check(
        "c: money(EUR)?\n",
        "?",
        "keyword.operator.optional.ignition",
    );
    for kind in pest_words(&pest, "period_kind") {
        let text = format!("periods {kind} from 2026-01-01 to 2026-12-31\n");
        check(&text, &kind, "support.constant.period-kind.ignition");
    }
    let modes = pest_words(&pest, "rounding_mode");
    assert_eq!(modes.len(), 5, "{modes:?}");
    for mode in &modes {
        let text = format!("rounding payouts to 0.01 {mode}\n");
        check(&text, mode, "support.constant.rounding-mode.ignition");
    }
    for half in pest_words(&pest, "half_mode") {
        let text = format!("let r = round(x, 0.01, half - {half})\n");
        check(
            &text,
            &format!("half - {half}"),
            "support.constant.rounding-mode.ignition",
        );
    }
    check(
        "let r = round(x, 1, up)\n",
        "up",
        "support.constant.rounding-mode.ignition",
    );
    check("let r = up + 1\n", "up", "variable.other.ignition");
}

/// The names in `src/check/builtins.rs`'s table `FUNCTIONS`.
fn builtin_names() -> Vec<String> {
    let src = std::fs::read_to_string(root().join("src/check/builtins.rs")).expect("builtins.rs");
    let start = src.find("static FUNCTIONS").expect("the FUNCTIONS table");
    let table = &src[start..];
    let table = &table[..table.find("];").expect("the end of FUNCTIONS")];
    let mut names: Vec<String> = table
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once("(\"")?;
            rest.split_once('"').map(|(name, _)| name.to_string())
        })
        .collect();
    // issue 11, kpi intent: read a KPI's target (src/check/kpis.rs), not rows of the table.
    let kpis = std::fs::read_to_string(root().join("src/check/kpis.rs")).expect("kpis.rs");
    for f in ["attainment_of", "gap_of"] {
        assert!(kpis.contains(&format!("\"{f}\"")), "{f}");
        names.push(f.to_string());
    }
    names
}

#[test]
fn the_built_in_functions_and_no_others_are_highlighted_as_built_ins() {
    let g = grammar();
    let names = builtin_names();
    assert!(names.len() >= 20, "{names:?}");
    for name in &names {
        let text = format!("let x = {name}(a) + {name} (b)\n");
        let tokens = check_text(&g, "x", &text).unwrap_or_else(|e| panic!("{e}"));
        for nth in 0..2 {
            let scopes = scopes_of(&tokens, &text, name, nth);
            assert_eq!(
                scopes.last().map(String::as_str),
                Some("support.function.builtin.ignition"),
                "`{name}`: add it to the functions of {GRAMMAR}"
            );
        }
    }
    // The other way: the grammar lists no function the checker does not know.
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(GRAMMAR)).expect("the grammar"))
            .expect("JSON");
    let pattern = json["repository"]["functions"]["patterns"][0]["match"]
        .as_str()
        .expect("the built-in functions' regex");
    let list = pattern
        .split_once("(?:")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(list, _)| list)
        .expect("\\b(?:a|b|…)");
    let listed: BTreeSet<&str> = list.split('|').collect();
    let known: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(listed, known);
    // A call of anything else is a call, not a built-in; a name alone is a name.
    let text = "let x = median(a) + sum\n";
    let tokens = check_text(&g, "x", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        innermost(&tokens, text, "median"),
        "variable.function.ignition"
    );
    assert_eq!(innermost(&tokens, text, "sum"), "variable.other.ignition");
}

fn json_file(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_vscode_extension_registers_the_language_its_grammar_and_the_server() {
    let package = json_file("editors/vscode/package.json");
    let contributes = &package["contributes"];
    let language = &contributes["languages"][0];
    assert_eq!(language["id"], "ignition");
    assert_eq!(
        language["extensions"],
        serde_json::json!([".plan", ".test.plan"])
    );
    let grammar = &contributes["grammars"][0];
    assert_eq!(grammar["language"], "ignition");
    assert_eq!(grammar["scopeName"], json_file(GRAMMAR)["scopeName"]);
    assert_eq!(grammar["scopeName"], "source.ignition");
    // Every file the manifest names is in the folder.
    for file in [
        &package["main"],
        &language["configuration"],
        &grammar["path"],
    ] {
        let file = file.as_str().expect("a path");
        let path = root().join("editors/vscode").join(file);
        assert!(
            path.is_file(),
            "{file} is named in package.json but missing"
        );
    }
    assert!(package["dependencies"]["vscode-languageclient"].is_string());
    assert!(contributes["configuration"]["properties"]["ignition.path"].is_object());
    // The extension starts `ignition lsp` (or the program of `ignition.path`), over stdio.
    let main =
        std::fs::read_to_string(root().join("editors/vscode/extension.js")).expect("extension.js");
    for needle in [
        "require('vscode-languageclient/node')",
        "args: ['lsp']",
        "getConfiguration('ignition').get('path')",
        ": 'ignition'",
    ] {
        assert!(main.contains(needle), "extension.js lacks {needle}");
    }
    // vscode-languageclient appends `--stdio` to the command when the transport is named.
    assert!(
        !main.contains("transport:") && !main.contains("TransportKind"),
        "the server is `ignition lsp`, no `--stdio`"
    );
    // The editor's comments and brackets are the language's.
    let config = json_file("editors/vscode/language-configuration.json");
    assert_eq!(config["comments"]["lineComment"], "//");
    assert_eq!(
        config["comments"]["blockComment"],
        serde_json::json!(["/*", "*/"])
    );
    assert_eq!(
        config["brackets"],
        serde_json::json!([["{", "}"], ["(", ")"]])
    );
    let indent = &config["indentationRules"];
    let increase = Regex::new(indent["increaseIndentPattern"].as_str().expect("a regex"))
        .expect("increaseIndentPattern compiles");
    let decrease = Regex::new(indent["decreaseIndentPattern"].as_str().expect("a regex"))
        .expect("decreaseIndentPattern compiles");
    let matches = |r: &Regex, line: &str| r.is_match(line).unwrap_or(false);
    assert!(matches(&increase, "plan \"p\" {"));
    assert!(matches(
        &increase,
        "  input deals key deal_id {  // the deals"
    ));
    assert!(!matches(&increase, "  reps { rep_id: \"r1\" }"));
    assert!(!matches(&increase, "  // {"));
    assert!(matches(&decrease, "  }"));
    assert!(!matches(&decrease, "  let x = 1"));
}

/// The ```ignition blocks of a markdown file, with the line each starts on.
fn ignition_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut open {
            None if line.trim_start() == "```ignition" => open = Some((i + 2, String::new())),
            None => {}
            Some(_) if line.trim_start().starts_with("```") => blocks.extend(open.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    blocks
}

#[test]
fn every_example_of_the_language_reference_tokenises_with_every_character_scoped() {
    let g = grammar();
    let doc = std::fs::read_to_string(root().join("docs/language.md")).expect("language.md");
    let blocks = ignition_blocks(&doc);
    assert!(blocks.len() >= 20, "{} ```ignition blocks", blocks.len());
    let errors: Vec<String> = blocks
        .iter()
        .filter_map(|(line, text)| {
            check_text(
                &g,
                &format!("docs/language.md (block at line {line})"),
                text,
            )
            .err()
        })
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

// issue 10, calendars
#[test]
fn weekdays_and_months_of_a_periods_declaration_are_highlighted() {
    let g = grammar();
    let pest = std::fs::read_to_string(root().join("grammar/plan.pest")).expect("plan.pest");
    let check = |text: &str, word: &str, scope: &str| {
        let tokens = check_text(&g, "x", text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(innermost(&tokens, text, word), scope, "{text:?}");
    };
    let days = pest_words(&pest, "weekday");
    assert_eq!(days.len(), 7, "{days:?}");
    for day in days {
        let text = format!("periods weekly starting {day} from 2026-01-01 to 2026-12-31\n");
        check(&text, "starting", "keyword.other.ignition");
        check(&text, &day, "support.constant.weekday.ignition");
    }
    let months = pest_words(&pest, "month_name");
    assert_eq!(months.len(), 12, "{months:?}");
    for month in months {
        let text =
            format!("periods monthly from 2026-01-01 to 2026-12-31 fiscal year from {month}\n");
        check(&text, "fiscal", "keyword.other.ignition");
        check(&text, &month, "support.constant.month.ignition");
    }
}
