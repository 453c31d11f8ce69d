//! Properties of `ignition fmt` on generated plans and test files: random expressions
//! (operators, prefixes, postfixes, calls, redundant and needed parentheses, every kind of
//! literal), random white space and comments between and inside declarations, random rate
//! tables (edges may be params' names), input blocks (with `?`, `>= 0` and defaults),
//! payouts (with `when` and `may be negative`), `param` and `fn` declarations and test blocks; and long expressions and test rows, which must come
//! out within 100 columns with their `_` digit separators kept.
//!
//! For each: the formatted text parses to the same plan (spans aside), keeps every
//! comment, and formatting it again changes nothing.

use ignition::diagnostics::{render_plain, SourceFile};
use ignition::syntax::ast::Unit;
use ignition::syntax::format::{comment_texts, format, same_meaning};
use ignition::syntax::parser::parse_unit;
use proptest::prelude::*;

fn parse(text: &str) -> Result<Unit, String> {
    let src = SourceFile::new("gen.plan", text);
    parse_unit(&src).map_err(|d| render_plain(&[d], 100))
}

// ---------------------------------------------------------------- white space and comments

fn comment_body() -> BoxedStrategy<String> {
    prop::sample::select(vec![
        "",
        " note",
        " \"quoted\" and 'single'",
        " x // y",
        " a * b / c",
        " ünïcödé ✓",
        "{ } ( ) ..",
    ])
    .prop_map(str::to_string)
    .boxed()
}

/// White space between two tokens: never empty, sometimes with comments.
fn ws() -> BoxedStrategy<String> {
    prop_oneof![
        12 => Just(" ".to_string()),
        2 => Just("   ".to_string()),
        2 => Just("\n      ".to_string()),
        1 => Just("\t".to_string()),
        1 => Just("\n\n".to_string()),
        1 => comment_body().prop_map(|c| format!(" /*{c}*/ ")),
        1 => comment_body().prop_map(|c| format!(" //{c}\n  ")),
    ]
    .boxed()
}

/// Optional white space (for places like after `(`).
fn ows() -> BoxedStrategy<String> {
    prop_oneof![4 => Just(String::new()), 1 => ws()].boxed()
}

/// Between declarations, items and bands: new lines, blank lines, own-line and trailing comments.
fn sep() -> BoxedStrategy<String> {
    prop_oneof![
        6 => Just("\n  ".to_string()),
        2 => Just("\n\n  ".to_string()),
        1 => Just("\n\n\n\n".to_string()),
        2 => Just(" ".to_string()),
        2 => comment_body().prop_map(|c| format!("   //{c}\n  ")),
        2 => comment_body().prop_map(|c| format!("\n  //{c}\n  ")),
        1 => comment_body().prop_map(|c| format!("\n\n// {c}\n\n  ")),
        1 => comment_body().prop_map(|c| format!(" /*{c}\n   more */ ")),
        1 => comment_body().prop_map(|c| format!("\n/*{c}*/ /* two */\n")),
    ]
    .boxed()
}

// ---------------------------------------------------------------- literals

fn digits() -> BoxedStrategy<String> {
    prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        (1u32..1000, 0u32..1000).prop_map(|(a, b)| format!("{a}_{b:03}")),
        (0u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b:02}")),
        (0u32..10, 0u32..10).prop_map(|(a, b)| format!("{a}.{b}0")),
    ]
    .boxed()
}

fn literal() -> BoxedStrategy<String> {
    prop_oneof![
        4 => digits(),
        3 => digits().prop_map(|d| format!("{d}%")),
        3 => (digits(), prop::sample::select(vec![" ", "  "]), prop::sample::select(vec!["EUR", "USD"]))
            .prop_map(|(d, s, c)| format!("{d}{s}{c}")),
        1 => digits().prop_map(|d| format!("{d} days")),
        1 => (1u32..13, 1u32..29).prop_map(|(m, d)| format!("2026-{m:02}-{d:02}")),
        2 => prop::sample::select(vec![
            r#""Closed Won""#,
            r#""a \"q\" // not /* a comment */""#,
            r#""back\\slash\ttab\nline""#,
            r#""""#,
            "\"ünï\tcode\"",
        ])
        .prop_map(str::to_string),
        1 => prop::sample::select(vec!["true", "false"]).prop_map(str::to_string),
    ]
    .boxed()
}

/// A literal, maybe negative (band edges, column defaults, test values).
fn signed_literal() -> BoxedStrategy<String> {
    (prop::bool::weighted(0.25), literal())
        .prop_map(|(neg, l)| if neg { format!("-{l}") } else { l })
        .boxed()
}

fn name() -> BoxedStrategy<String> {
    prop::sample::select(vec![
        "a", "b", "won", "deals", "amount", "x_1", "_t", "half", "up", "even", "quota",
    ])
    .prop_map(str::to_string)
    .boxed()
}

// ---------------------------------------------------------------- expressions

fn expr() -> BoxedStrategy<String> {
    let leaf = prop_oneof![3 => name(), 2 => literal()];
    leaf.prop_recursive(5, 48, 4, |inner| {
        let op = prop::sample::select(vec![
            "+",
            "-",
            "*",
            "/",
            "==",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "and",
            "or",
            "otherwise",
        ]);
        prop_oneof![
            6 => (inner.clone(), ws(), op, ws(), inner.clone())
                .prop_map(|(a, w1, o, w2, b)| format!("{a}{w1}{o}{w2}{b}")),
            4 => (ows(), inner.clone(), ows()).prop_map(|(w1, e, w2)| format!("({w1}{e}{w2})")),
            1 => (ows(), inner.clone()).prop_map(|(w, e)| format!("-{w}{e}")),
            1 => (ws(), inner.clone()).prop_map(|(w, e)| format!("not{w}{e}")),
            1 => (inner.clone(), ows(), name()).prop_map(|(e, w, f)| format!("{e}{w}.{f}")),
            1 => (inner.clone(), ws(), ws(), inner.clone())
                .prop_map(|(r, w1, w2, c)| format!("{r}{w1}where{w2}{c}")),
            1 => (
                prop::sample::select(vec![
                    "sum", "min", "round", "marginal", "count", "add_months", "is_year_end",
                ]),
                prop::collection::vec((prop::option::weighted(0.3, name()), inner.clone()), 0..4),
            )
                .prop_map(|(f, args)| {
                    let args: Vec<String> = args
                        .into_iter()
                        .map(|(n, e)| match n {
                            Some(n) => format!("{n}: {e}"),
                            None => e,
                        })
                        .collect();
                    format!("{f}({})", args.join(", "))
                }),
            1 => Just("round(x, 0.01, half-up)".to_string()),
            // issue 9, reference tables: `price_list(sku).price`, `fx(c, on: d).rate`
            1 => (
                name(),
                prop::collection::vec(inner.clone(), 0..3),
                prop::option::of((ows(), inner.clone())),
                ows(),
                name(),
            )
                .prop_map(|(t, mut args, on, w, c)| {
                    if let Some((w, d)) = on {
                        args.push(format!("on:{w}{d}"));
                    }
                    format!("{t}({}){w}.{c}", args.join(", "))
                }),
            // issue 9, calendar arithmetic: `by: months` is a word.
            1 => Just("prorate(q, from: d, by: months)".to_string()),
            // issue 9, conditionals: the `else` branch extends as far right as it can.
            1 => (ws(), inner.clone(), ws(), inner.clone(), ws(), inner.clone())
                .prop_map(|(w1, c, w2, a, w3, b)| format!("if{w1}{c}{w2}then {a} else{w3}{b}")),
        ]
    })
    .boxed()
}

// ---------------------------------------------------------------- declarations

fn type_name() -> BoxedStrategy<String> {
    prop::sample::select(vec![
        "text",
        "bool",
        "integer",
        "number",
        "percent",
        "money",
        "money(USD)",
        "money ( EUR )",
        "date",
        "days",
    ])
    .prop_map(str::to_string)
    .boxed()
}

fn column() -> BoxedStrategy<String> {
    (
        name(),
        type_name(),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.3, signed_literal()),
        ws(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(n, t, opt, default, w, nonneg)| {
            let mut s = format!("{n}:{w}{t}");
            if opt {
                s.push('?');
            }
            if nonneg {
                s.push_str(" >=0");
            }
            if let Some(d) = default {
                s.push_str(&format!(" = {d}"));
            }
            s
        })
        .boxed()
}

/// A band edge: a literal, or (issue 9) a param's name.
fn edge() -> BoxedStrategy<String> {
    prop_oneof![4 => signed_literal(), 1 => name()].boxed()
}

/// issue 9, rows: `let NAME [: TYPE] = EXPR` inside an input.
fn computed_column() -> BoxedStrategy<String> {
    (
        name(),
        prop::option::weighted(0.3, type_name()),
        ws(),
        expr(),
    )
        .prop_map(|(n, t, w, e)| match t {
            Some(t) => format!("let {n}: {t} ={w}{e}"),
            None => format!("let {n} ={w}{e}"),
        })
        .boxed()
}

fn band() -> BoxedStrategy<String> {
    (
        prop::option::weighted(0.8, edge()),
        prop::option::weighted(0.8, edge()),
        expr(),
        ws(),
    )
        .prop_map(|(lo, hi, v, w)| {
            format!(
                "{}..{}:{w}{v}",
                lo.map(|l| format!("{l} ")).unwrap_or_default(),
                hi.map(|h| format!(" {h} ")).unwrap_or_default()
            )
        })
        .boxed()
}

/// issue 9, tables: a grid's row or column key: a band (edges are not text) or a text value.
fn grid_key() -> BoxedStrategy<String> {
    let edge = || {
        prop::option::weighted(
            0.8,
            signed_literal().prop_filter("not text", |l| !l.contains('"')),
        )
    };
    prop_oneof![
        3 => (edge(), edge(), ws()).prop_map(|(lo, hi, w)| {
            format!(
                "{}..{w}{}",
                lo.map(|l| format!("{l} ")).unwrap_or_default(),
                hi.unwrap_or_default()
            )
        }),
        1 => prop::sample::select(vec![r#""Junior""#, r#""a | b""#, r#""""#]).prop_map(str::to_string),
    ]
    .boxed()
}

/// issue 9, tables: a grid: a header of keys, then rows of a key and cells (maybe ragged).
fn grid() -> BoxedStrategy<String> {
    (
        prop::collection::vec(grid_key(), 1..4),
        prop::collection::vec(
            (grid_key(), prop::collection::vec(expr(), 1..4), sep()),
            0..4,
        ),
    )
        .prop_map(|(head, rows)| {
            let mut s = format!("  | {}\n", head.join(" |"));
            for (k, cells, sep) in rows {
                s.push_str(&format!("{k} | {}{sep}", cells.join("|")));
            }
            s
        })
        .boxed()
}

fn test_item() -> BoxedStrategy<String> {
    prop_oneof![
        3 => (name(), prop::collection::vec((name(), signed_literal()), 0..4), prop::bool::ANY)
            .prop_map(|(t, fields, comma)| {
                let f: Vec<String> = fields.iter().map(|(c, v)| format!("{c}:{v}")).collect();
                format!("{t} {{ {}{} }}", f.join(" , "), if comma && !f.is_empty() { "," } else { "" })
            }),
        1 => name().prop_map(|t| format!("data {t} = \"data/{t}.csv\"")),
        3 => (
            name(),
            prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]),
            signed_literal(),
            prop::option::weighted(0.3, signed_literal()),
        )
            .prop_map(|(n, op, v, w)| {
                let mut s = format!("expect {n} for \"r1\" in 2026-Q1 {op} {v}");
                if let Some(w) = w {
                    s.push_str(&format!(" within {w}"));
                }
                s
            }),
        1 => Just("expect error for \"r\\\"1\" in 2026-01 containing \"bad // thing\"".to_string()),
    ]
    .boxed()
}

fn test_decl() -> BoxedStrategy<String> {
    (
        prop::sample::select(vec!["t", "a \"quoted\" test", "ünï"]),
        prop::collection::vec((test_item(), sep()), 0..5),
    )
        .prop_map(|(n, items)| {
            let n = n.replace('"', "\\\"");
            let body: String = items.into_iter().map(|(i, s)| format!("{i}{s}")).collect();
            format!("test \"{n}\" {{ {body}}}")
        })
        .boxed()
}

fn decl() -> BoxedStrategy<String> {
    prop_oneof![
        1 => Just("currency EUR".to_string()),
        1 => Just("periods quarterly from 2026-01-01 to 2026-12-31".to_string()),
        // issue 10, calendars
        1 => (
            prop::sample::select(vec!["weekly", "biweekly", "semi-monthly", "monthly", "yearly"]),
            prop::option::of(prop::sample::select(vec!["monday", "sunday"])),
            prop::option::of(prop::sample::select(vec!["january", "april", "july"])),
            ws(),
        )
            .prop_map(|(k, w, f, s)| {
                let w = w.map(|w| format!(" starting{s}{w}")).unwrap_or_default();
                let f = f.map(|f| format!(" fiscal{s}year from {f}")).unwrap_or_default();
                format!("periods {k}{w} from 2026-01-05 to 2026-12-31{f}")
            }),
        1 => digits().prop_map(|d| format!("rounding payouts to {d} half-even")),
        1 => Just("participants reps managed by boss".to_string()),
        // issue 10, currencies: a pay clause, with or without its day
        1 => (ws(), prop::option::of(expr()))
            .prop_map(|(w, on)| {
                let on = on.map(|e| format!(" on{w}{e}")).unwrap_or_default();
                format!("participants reps paid in cur{w}using fx.rate{on}")
            }),
        1 => Just("participants reps managed by history.boss".to_string()),
        1 => Just("credit deals to owner by day".to_string()),
        3 => (name(), ws(), expr(), prop::option::weighted(0.2, expr()))
            .prop_map(|(n, w, e, g)| match g {
                Some(g) => format!("let {n} ={w}{e} when {g}"),
                None => format!("let {n} ={w}{e}"),
            }),
        3 => (name(), prop::option::of(type_name()), expr(), prop::option::weighted(0.2, expr()))
            .prop_map(|(n, t, e, g)| {
                let head = match t {
                    Some(t) => format!("kpi {n} : {t} = {e}"),
                    None => format!("kpi {n} = {e}"),
                };
                match g {
                    Some(g) => format!("{head} when {g}"),
                    None => head,
                }
            }),
        3 => (name(), expr(), prop::option::of((ws(), expr())), prop::option::weighted(0.2, ws()))
            .prop_map(|(n, e, w, neg)| {
                let mut s = match w {
                    Some((ws, c)) => format!("payout {n} = {e}{ws}when {c}"),
                    None => format!("payout {n} = {e}"),
                };
                if let Some(ws) = neg {
                    s.push_str(&format!("{ws}may be negative"));
                }
                s
            }),
        1 => (prop::sample::select(vec!["cap", "floor"]), name(), expr())
            .prop_map(|(k, n, e)| format!("{k} {n} at {e}")),
        // issue 10, statements: a statement block, its section words spaced any way
        1 => prop::collection::vec(
            (
                prop::sample::select(vec![
                    "earned", "true-up", "draw", "recovery", "clawback", "previously paid",
                    "previously \t paid", "balance",
                ]),
                prop::collection::vec((name(), ws()), 1..4),
                sep(),
            ),
            0..4,
        )
        .prop_map(|lines| {
            let body: String = lines
                .into_iter()
                .map(|(s, names, sep)| {
                    let names: Vec<String> =
                        names.into_iter().map(|(n, w)| format!("{n}{w}")).collect();
                    format!("{s} {}{sep}", names.join(","))
                })
                .collect();
            format!("statement {{ {body}}}")
        }),
        2 => (
            name(),
            prop::option::of(name()),
            // issue 9, tables: closedness as written, spaced any way
            prop::option::of(prop::sample::select(vec!["[lo, hi)", "(lo,hi]", " ( lo , hi ] "])),
            prop::collection::vec((band(), sep()), 0..5),
        )
            .prop_map(|(n, by, closed, bands)| {
                let by = by.map(|b| format!(" by {b}")).unwrap_or_default();
                let closed = closed.map(|c| format!(" {c}")).unwrap_or_default();
                let body: String = bands.into_iter().map(|(b, s)| format!("{b}{s}")).collect();
                format!("rates {n}{by}{closed} {{{body}}}")
            }),
        // issue 9, tables: a curve
        2 => (
            name(),
            prop::option::of(name()),
            prop::option::of(prop::sample::select(vec!["zero", "hold", "extrapolate", "error"])),
            prop::collection::vec((signed_literal().prop_filter("not text", |l| !l.contains('"')), ws(), expr(), sep()), 0..4),
            prop::option::of(prop::sample::select(vec!["zero", "hold", "extrapolate", "error"])),
        )
            .prop_map(|(n, by, below, points, above)| {
                let by = by.map(|b| format!(" by {b}")).unwrap_or_default();
                let mut body = String::new();
                if let Some(b) = below {
                    body.push_str(&format!("below :{b}\n  "));
                }
                for (x, w, y, s) in points {
                    body.push_str(&format!("{x} :{w}{y}{s}"));
                }
                if let Some(a) = above {
                    body.push_str(&format!(" above: {a}"));
                }
                format!("curve {n}{by} {{ {body}}}")
            }),
        // issue 9, tables: a grid of two measures
        2 => (name(), prop::option::of((name(), name())), prop::option::of(prop::sample::select(vec!["(lo, hi]", "[lo,hi)"])), grid())
            .prop_map(|(n, by, closed, g)| {
                let by = by.map(|(a, b)| format!(" by {a} ,{b}")).unwrap_or_default();
                let closed = closed.map(|c| format!(" {c}")).unwrap_or_default();
                format!("rates {n}{by}{closed} {{\n{g}}}")
            }),
        2 => (
            name(),
            prop::option::of(name()),
            // issue 9, rows: computed columns among the stored ones
            prop::collection::vec((prop_oneof![4 => column(), 1 => computed_column()], sep()), 0..5)
        )
            .prop_map(|(n, key, cols)| {
                let key = key.map(|k| format!(" key {k}")).unwrap_or_default();
                let body: String = cols.into_iter().map(|(c, s)| format!("{c}{s}")).collect();
                format!("input {n}{key} {{ {body}}}")
            }),
        1 => test_decl(),
        // issue 9, reference tables: a composite key and effective dating
        1 => (
            name(),
            name(),
            prop::collection::vec((ows(), name()), 0..3),
            prop::option::of((ws(), name(), prop::option::of((ws(), name())))),
            prop::collection::vec((column(), sep()), 0..4),
        )
            .prop_map(|(n, k, more, effective, cols)| {
                let more: String = more.into_iter().map(|(w, k)| format!(",{w}{k}")).collect();
                let effective = effective
                    .map(|(w, from, to)| {
                        let to = to.map(|(w, t)| format!("{w}to {t}")).unwrap_or_default();
                        format!("{w}effective from {from}{to}")
                    })
                    .unwrap_or_default();
                let body: String = cols.into_iter().map(|(c, s)| format!("{c}{s}")).collect();
                format!("input {n} key {k}{more} {effective} {{ {body}}}")
            }),
        // issue 9, functions and parameters
        1 => (name(), ws(), signed_literal()).prop_map(|(n, w, v)| format!("param {n} ={w}{v}")),
        2 => (
            name(),
            prop::collection::vec((name(), prop::option::weighted(0.4, type_name()), ows()), 0..4),
            ws(),
            expr(),
        )
            .prop_map(|(n, params, w, e)| {
                let params: Vec<String> = params
                    .into_iter()
                    .map(|(p, t, w)| match t {
                        Some(t) => format!("{p}{w}:{w}{t}"),
                        None => format!("{w}{p}"),
                    })
                    .collect();
                format!("fn {n}({}) ={w}{e}", params.join(","))
            }),
        // issue 11, kpi intent: a KPI with its block
        2 => (
            name(),
            prop::option::of(type_name()),
            expr(),
            prop::option::weighted(0.2, expr()),
            prop::collection::vec((kpi_item(), sep()), 0..5),
        )
            .prop_map(|(n, t, e, g, items)| {
                let mut s = match t {
                    Some(t) => format!("kpi {n} : {t} = {e}"),
                    None => format!("kpi {n} = {e}"),
                };
                if let Some(g) = g {
                    s.push_str(&format!(" when {g}"));
                }
                let body: String = items.into_iter().map(|(i, s)| format!("{i}{s}")).collect();
                format!("{s} {{ {body}}}")
            }),
        // issue 11, scorecards
        1 => (name(), prop::collection::vec((scorecard_item(), sep()), 0..5)).prop_map(
            |(n, items)| {
                let body: String = items.into_iter().map(|(i, s)| format!("{i}{s}")).collect();
                format!("scorecard {n} {{ {body}}}")
            }
        ),
    ]
    .boxed()
}

// issue 11, kpi intent
fn kpi_item() -> BoxedStrategy<String> {
    let bound = || prop_oneof![3 => signed_literal(), 1 => name()];
    let threshold = move || {
        (
            prop::sample::select(vec!["red", "amber"]),
            prop::sample::select(vec!["below", "above"]),
            bound(),
            any::<bool>(),
        )
            .prop_map(|(l, side, b, of)| {
                let of = if of { " of target" } else { "" };
                format!("{l} {side} {b}{of}")
            })
    };
    prop_oneof![
        1 => prop::sample::select(vec!["Win rate", "a \"quoted\" label", "ünï"])
            .prop_map(|l| format!("label \"{}\"", l.replace('"', "\\\""))),
        1 => name().prop_map(|c| format!("category {c}")),
        2 => (ws(), expr()).prop_map(|(w, e)| format!("target{w}{e}")),
        1 => prop::sample::select(vec!["higher", "lower"]).prop_map(|b| format!("better {b}")),
        2 => prop::collection::vec(threshold(), 1..3)
            .prop_map(|ts| format!("status {}", ts.join(", "))),
        1 => expr().prop_map(|e| format!("no data when {e}")),
        1 => (ws(), expr()).prop_map(|(w, e)| format!("drivers{w}{e}")),
        // issue 11, cascades
        1 => Just("split equally".to_string()),
        1 => (ws(), expr()).prop_map(|(w, e)| format!("split by{w}share {e}")),
        1 => Just("roll up".to_string()),
        1 => Just("targets add up".to_string()),
    ]
    .boxed()
}

// issue 11, scorecards
fn scorecard_item() -> BoxedStrategy<String> {
    let pct = || digits().prop_map(|d| format!("{d}%"));
    let bound = move || {
        (
            prop::sample::select(vec!["floor", "cap"]),
            prop_oneof![3 => signed_literal(), 1 => name()],
        )
            .prop_map(|(k, b)| format!(" {k} {b}"))
    };
    prop_oneof![
        4 => (name(), ws(), pct(), prop::collection::vec(bound(), 0..3))
            .prop_map(|(n, w, p, bs)| format!("{n}{w}{p}{}", bs.concat())),
        1 => pct().prop_map(|p| format!("weights add up to {p}")),
        1 => Just("no data reweights".to_string()),
        1 => expr().prop_map(|e| format!("when {e}")),
    ]
    .boxed()
}

fn plan() -> BoxedStrategy<String> {
    (
        prop::option::of(comment_body()),
        prop::collection::vec((sep(), decl()), 0..10),
        sep(),
        prop::option::of(comment_body()),
    )
        .prop_map(|(head, decls, last, tail)| {
            let mut s = head.map(|c| format!("//{c}\n\n")).unwrap_or_default();
            s.push_str("plan \"Generated \\\"plan\\\"\" {");
            for (sep, d) in decls {
                s.push_str(&sep);
                s.push_str(&d);
            }
            s.push_str(&last);
            s.push('}');
            if let Some(c) = tail {
                s.push_str(&format!(" //{c}"));
            }
            s
        })
        .boxed()
}

fn tests_file() -> BoxedStrategy<String> {
    (prop::collection::vec((sep(), test_decl()), 0..4), sep())
        .prop_map(|(tests, last)| {
            let mut s = "tests for \"plan.plan\"".to_string();
            for (sep, t) in tests {
                s.push_str(&sep);
                s.push_str(&t);
            }
            s.push_str(&last);
            s
        })
        .boxed()
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let unit = parse(text)
        .map_err(|e| TestCaseError::fail(format!("generated text does not parse:\n{e}\n{text}")))?;
    let out = format(text, &unit);
    let again = parse(&out)
        .map_err(|e| TestCaseError::fail(format!("formatted text does not parse:\n{e}\n{out}")))?;
    prop_assert!(
        same_meaning(&unit, &again),
        "the meaning changed:\n{}\n---- formatted:\n{}",
        text,
        out
    );
    prop_assert_eq!(
        comment_texts(text),
        comment_texts(&out),
        "comments:\n{}",
        out
    );
    let twice = format(&out, &again);
    prop_assert_eq!(&twice, &out, "a second format changes the text:\n{}", text);
    prop_assert!(out.ends_with('\n') && !out.ends_with("\n\n"));
    Ok(())
}

// ---------------------------------------------------------------- long lines and separators

/// A number with `_` separators, as money, percent or plain.
fn separated() -> BoxedStrategy<String> {
    (
        1u32..1000,
        0u32..1000,
        prop::sample::select(vec!["", " EUR", "%", " days"]),
    )
        .prop_map(|(a, b, unit)| format!("{a}_{b:03}{unit}"))
        .boxed()
}

/// A long expression without comments: many operands, calls with several arguments,
/// `where` conditions of several clauses, nested parentheses.
fn long_expr() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        3 => name(),
        2 => separated(),
        1 => literal(),
        1 => (name(), prop::collection::vec((name(), separated()), 1..6)).prop_map(|(t, conds)| {
            let c: Vec<String> = conds.iter().map(|(n, v)| format!("{n} >= {v}")).collect();
            format!("count({t} where {})", c.join(" and "))
        }),
    ];
    let term = leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            2 => (inner.clone(), prop::sample::select(vec!["+", "-", "*", "/", "and", "or", ">=", "otherwise"]), inner.clone())
                .prop_map(|(a, o, b)| format!("{a} {o} {b}")),
            1 => inner.clone().prop_map(|e| format!("({e})")),
            1 => prop::collection::vec(inner.clone(), 1..5)
                .prop_map(|args| format!("max({})", args.join(", "))),
            1 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("if {c} then {a} else {b}")),
        ]
    });
    (
        prop::collection::vec(term, 2..14),
        prop::collection::vec(
            prop::sample::select(vec!["+", "-", "*", "/", "or", "and"]),
            13,
        ),
    )
        .prop_map(|(terms, ops)| {
            let mut s = terms[0].clone();
            for (t, o) in terms.iter().skip(1).zip(ops) {
                s.push_str(&format!(" {o} {t}"));
            }
            s
        })
        .boxed()
}

fn long_plan() -> BoxedStrategy<String> {
    (
        prop::collection::vec((name(), long_expr(), prop::option::of(long_expr())), 1..4),
        prop::collection::vec(
            (
                name(),
                prop::collection::vec((name(), prop_oneof![separated(), signed_literal()]), 1..12),
            ),
            0..4,
        ),
    )
        .prop_map(|(defs, rows)| {
            let mut s = "plan \"Long\" {\n".to_string();
            for (i, (n, e, w)) in defs.iter().enumerate() {
                match (i % 3, w) {
                    (0, Some(w)) => s.push_str(&format!("  payout {n}_{i} = {e} when {w}\n")),
                    (1, _) => s.push_str(&format!("  kpi {n}_{i} = {e}\n")),
                    _ => s.push_str(&format!("  let {n}_{i} = {e}\n")),
                }
            }
            s.push_str("  test \"rows\" {\n");
            for (t, fields) in rows {
                let f: Vec<String> = fields.iter().map(|(c, v)| format!("{c}: {v}")).collect();
                s.push_str(&format!("    {t} {{ {} }}\n", f.join(", ")));
            }
            s.push_str("  }\n}\n");
            s
        })
        .boxed()
}

/// The number literals written with `_` separators, in order.
fn separated_numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '_' && !cur.is_empty()) || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else {
            if cur.contains('_') {
                out.push(cur.clone());
            }
            cur.clear();
        }
    }
    out
}

fn check_long(text: &str) -> Result<(), TestCaseError> {
    check(text)?;
    let unit = parse(text).map_err(TestCaseError::fail)?;
    let out = format(text, &unit);
    prop_assert_eq!(
        separated_numbers(text),
        separated_numbers(&out),
        "separators:\n{}",
        out
    );
    for line in out.lines() {
        prop_assert!(
            line.chars().count() <= 100,
            "a line of {} columns:\n{}\n---- from:\n{}",
            line.chars().count(),
            out,
            text
        );
    }
    Ok(())
}

/// The CI case count, or `PROPTEST_CASES` for a long run by hand (`with_cases` alone would
/// ignore the variable).
fn cases(ci: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ci)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn long_expressions_and_rows_are_wrapped_within_100_columns_keeping_separators(text in long_plan()) {
        check_long(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    #[test]
    fn formatting_a_plan_keeps_its_meaning_and_comments_and_is_idempotent(text in plan()) {
        check(&text)?;
    }

    #[test]
    fn formatting_a_tests_file_keeps_its_meaning_and_comments_and_is_idempotent(text in tests_file()) {
        check(&text)?;
    }
}
