//! The explanation as one self-contained HTML page: a collapsible tree, values right-aligned,
//! and the plan source beside it with the selected node's lines highlighted.

use super::text::show;
use super::{Explanation, Node};
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Render a page. `source` is the plan text.
pub fn render(e: &Explanation, source: &str) -> String {
    let mut tree = String::new();
    // issue 11: the data cut of `--as-of`
    if let Some(cut) = &e.as_of {
        let line = super::text::as_of_line(cut, &e.period);
        let _ = writeln!(tree, "<p class=\"note\">{}</p>", esc(&line));
    }
    // issue 9: the params in force, each with where its value comes from
    if !e.params.is_empty() {
        let params: Vec<String> = e
            .params
            .iter()
            .map(|p| {
                let from = if p.origin == "plan" {
                    format!("line {}", p.source.line)
                } else {
                    p.origin.clone()
                };
                esc(&format!(
                    "{} = {} ({from})",
                    p.name,
                    show(&p.value, &p.unit)
                ))
            })
            .collect();
        let _ = writeln!(tree, "<p class=\"note\">params: {}</p>", params.join(", "));
    }
    for n in &e.nodes {
        // issue 11, dashboard: each explained definition is an anchor (`#win_rate`), so a
        // dashboard's figure links to its own explanation.
        if let Some(name) = &n.name {
            let _ = write!(tree, "<a id=\"{}\"></a>", esc(name));
        }
        node(&mut tree, n, usize::MAX);
    }
    let mut src = String::new();
    for (i, line) in source.lines().enumerate() {
        // The spans are blocks: a newline between them would show as an empty line.
        let _ = write!(
            src,
            "<span class=\"ln\" id=\"L{}\"><i>{:>4}</i> {}</span>",
            i + 1,
            i + 1,
            esc(line)
        );
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 0; display: flex; height: 100vh; }}
#tree {{ flex: 3; overflow: auto; padding: 1em 1.5em; }}
#src {{ flex: 2; overflow: auto; background: #f6f6f3; border-left: 1px solid #ddd; padding: 1em; margin: 0; font: 12px/1.5 ui-monospace, monospace; }}
.ln {{ display: block; white-space: pre; }} .ln i {{ color: #999; font-style: normal; }}
.ln.hl {{ background: #ffe9a8; }}
details {{ margin-left: 1.2em; }} summary {{ cursor: pointer; display: flex; gap: 1em; padding: 1px 4px; border-radius: 3px; }}
summary:hover, summary.sel {{ background: #eef3ff; }}
.name {{ font-weight: 600; }} .expr {{ color: #555; font-family: ui-monospace, monospace; flex: 1; }}
.val {{ margin-left: auto; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 10em; }}
.err {{ color: #b00020; }} .note {{ margin: 0 0 0 2.6em; color: #333; font-size: 13px; }}
table.rows {{ margin-left: 2.6em; border-collapse: collapse; font-size: 12px; }}
table.rows td {{ padding: 0 .8em 0 0; }} table.rows td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
h1 {{ font-size: 18px; margin: 0 0 .6em; }}
</style></head>
<body>
<div id="tree"><h1>{title}</h1>
{tree}</div>
<pre id="src">{src}</pre>
<script>
document.querySelectorAll('summary[data-from]').forEach(function (s) {{
  s.addEventListener('click', function () {{
    document.querySelectorAll('.hl').forEach(function (x) {{ x.classList.remove('hl'); }});
    document.querySelectorAll('summary.sel').forEach(function (x) {{ x.classList.remove('sel'); }});
    s.classList.add('sel');
    var a = +s.dataset.from, b = +s.dataset.to;
    for (var i = a; i <= b; i++) {{ var l = document.getElementById('L' + i); if (l) l.classList.add('hl'); }}
    var first = document.getElementById('L' + a); if (first) first.scrollIntoView({{block: 'center'}});
  }});
}});
</script>
</body></html>
"#,
        title = esc(&format!("{} — {} in {}", e.plan, e.participant, e.period)),
    )
}

/// issue 10, statements: the explanation tree of `nodes` as nested `<details>`, those less
/// than `open` levels deep open, for a page of another command (the statement embeds each
/// line's tree).
pub fn tree(nodes: &[Node], open: usize) -> String {
    let mut out = String::new();
    for n in nodes {
        node(&mut out, n, open);
    }
    out
}

/// A node and its children; the `<details>` is open when `open > 0` (each level down opens
/// one level fewer).
fn node(out: &mut String, n: &Node, open: usize) {
    let value = match (&n.value, &n.error) {
        (Some(v), _) => esc(&show(v, &n.unit)),
        (None, Some(err)) => format!("<span class=\"err\">no value: {}</span>", esc(err)),
        _ => String::new(),
    };
    let scope = match (&n.participant, &n.period) {
        (Some(p), Some(k)) => format!("[{}, {}] ", esc(p), esc(k)),
        (Some(p), None) => format!("[{}] ", esc(p)),
        (None, Some(k)) => format!("[{}] ", esc(k)),
        _ => String::new(),
    };
    let name = n
        .name
        .as_deref()
        .map(|x| format!("<span class=\"name\">{scope}{}</span>", esc(x)))
        .unwrap_or_else(|| scope.clone());
    let lines = n.expr.lines().count().max(1);
    let _ = writeln!(
        out,
        "<details{} data-id=\"{}\"><summary data-from=\"{}\" data-to=\"{}\">{name}<span class=\"expr\">{}</span><span class=\"val\">{value}</span></summary>",
        if open > 0 { " open" } else { "" },
        esc(&n.id),
        n.source.line,
        n.source.line + lines - 1,
        esc(&n.expr)
    );
    let mut note = |t: String| {
        let _ = writeln!(out, "<p class=\"note\">{t}</p>");
    };
    if let Some(r) = n.rounding.as_ref().filter(|r| {
        Some(show(&r.unrounded, &n.unit)) != n.value.as_deref().map(|v| show(v, &n.unit))
    }) {
        note(format!(
            "rounded to {} {} from {}",
            esc(&r.increment),
            esc(&r.mode),
            esc(&show(&r.unrounded, &n.unit))
        ));
    }
    if let Some(g) = &n.gate {
        note(format!(
            "when {}: {}",
            esc(&g.condition),
            match (g.open, g.paid) {
                (true, true) => "yes, paid",
                (false, true) => "no, so this pays 0",
                (true, false) => "yes",
                (false, false) => "no, so this is 0",
            }
        ));
    }
    for l in &n.limits {
        note(format!(
            "{} at {} = {}: {} → {} (change {})",
            l.kind,
            esc(&l.expr),
            esc(&show(&l.bound, &n.unit)),
            esc(&show(&l.before, &n.unit)),
            esc(&show(&l.after, &n.unit)),
            esc(&show(&l.change, &n.unit))
        ));
    }
    if let Some(f) = &n.fallback {
        note(format!("fallback taken: {}", esc(f)));
    }
    // issue 9, tables: a curve
    if let Some(c) = &n.curve {
        note(esc(&crate::trace::text::curve_line(c)));
    }
    // issue 9: a call's arguments, a param's origin
    if let Some(c) = &n.call {
        let args: Vec<String> = c
            .arguments
            .iter()
            .map(|a| format!("{} = {}", a.name, show(&a.value, &a.unit)))
            .collect();
        note(esc(&format!("{} with {}", c.function, args.join(", "))));
    }
    if let Some(o) = n.origin.as_deref().filter(|o| *o != "plan") {
        note(format!("set on the command line: {}", esc(o)));
    }
    if let Some(p) = &n.proration {
        let what = if p.by == "months" {
            "months with an active day"
        } else {
            "days active"
        };
        let range = match (&p.from, &p.to) {
            (Some(f), Some(t)) => format!(" ({} – {})", esc(f), esc(t)),
            _ => String::new(),
        };
        if p.uncovered.is_some() {
            note(format!(
                "a row in force on {} of the {} days of the period{range}, each row by its days:",
                p.active, p.of
            ));
        } else {
            note(format!("{} of {} {what}{range}", p.active, p.of));
        }
        for line in super::text::prorated_lines(p, &n.unit) {
            note(esc(&line));
        }
    }
    if let Some(h) = &n.hierarchy {
        note(esc(&super::text::hierarchy_line(h)));
    }
    // issue 11, causes of a gap; comparison and trend
    for line in super::text::kpi_lines(n) {
        note(esc(&line));
    }
    // issue 11: a scorecard's measures, a cascaded target
    if let Some(sc) = &n.scorecard {
        for line in super::intent::scorecard_lines(sc) {
            note(esc(&line));
        }
    }
    if let Some(c) = &n.cascade {
        note(esc(&super::intent::cascade_line(c, &n.unit)));
    }
    // issue 10, ledger
    if let Some(l) = &n.ledger {
        note(esc(&crate::trace::text::ledger_line(l, &n.unit)));
    }
    if let Some(p) = &n.paid {
        note(esc(&crate::trace::text::paid_line(p, &n.unit)));
    }
    // issue 10, clawbacks
    if let Some(c) = &n.clawback {
        for line in crate::trace::text::clawback_lines(c, &n.unit) {
            note(esc(line.trim_start()));
        }
    }
    if let Some(b) = &n.branch {
        let (answer, other) = if b.holds {
            ("yes", "else")
        } else {
            ("no", "then")
        };
        note(format!(
            "if <code>{}</code>: {answer} → {}; {other} <code>{}</code> not evaluated",
            esc(&b.condition),
            b.taken,
            esc(&b.skipped)
        ));
    }
    if let Some(r) = &n.rates {
        // issue 9, tables: a grid's cell
        if let (Some(c), Some(b)) = (&r.column, r.bands.first()) {
            note(esc(&crate::trace::text::grid_line(r, b, c, &r.mode)));
        }
        for b in r.bands.iter().filter(|_| r.column.is_none()) {
            match (&b.slice, &b.amount) {
                (Some(slice), Some(amount)) => note(format!(
                    "band <code>{}</code>: {} – {}: {} × {} = {}",
                    esc(&b.written),
                    esc(&show(b.from.as_deref().unwrap_or("0"), &r.input_unit)),
                    esc(&b
                        .to
                        .as_deref()
                        .map_or("∞".to_string(), |t| show(t, &r.input_unit))),
                    esc(&show(slice, &r.input_unit)),
                    esc(&show(&b.rate, &r.value_unit)),
                    esc(&show(amount, &r.input_unit))
                )),
                _ => note(format!(
                    "{} <code>{}</code>: {} falls in band <code>{}</code>, {}",
                    esc(&r.mode),
                    esc(&r.table),
                    esc(&show(&r.input, &r.input_unit)),
                    esc(&b.written),
                    esc(&crate::trace::text::interval(
                        b,
                        r.closed.as_deref(),
                        &r.input_unit
                    ))
                )),
            }
        }
    }
    if let Some(l) = &n.lookup {
        let (row, cells) = super::text::lookup_lines(l);
        note(esc(&row));
        note(esc(&cells));
    }
    // issue 10, currencies
    if let Some(c) = &n.conversion {
        for line in super::text::conversion_lines(c) {
            note(esc(line.trim_start()));
        }
    }
    if let Some(p) = &n.pay {
        for line in super::text::pay_lines(p) {
            note(esc(line.trim_start()));
        }
    }
    if let Some(rs) = &n.rows {
        let plural = |n: u64, w: &str| {
            if n == 1 {
                format!("1 {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        // issue 9: `working_days(…, except: T.col)` lists the holidays it took off.
        note(if n.expr.starts_with("working_days(") {
            format!(
                "{} of {} on a weekday of the range: not counted",
                plural(rs.count as u64, "holiday"),
                esc(&rs.file),
            )
        } else {
            format!(
                "{} of {}; {} of this participant and period did not match the filter",
                plural(rs.count as u64, "row"),
                esc(&rs.file),
                plural(rs.excluded, "other row")
            )
        });
        let _ = writeln!(out, "<table class=\"rows\">");
        for r in &rs.list {
            let vals: String = r
                .values
                .iter()
                .map(|(k, v)| {
                    let unit = rs.units.get(k).map_or("text", String::as_str);
                    format!(
                        "<td>{}</td><td class=\"num\">{}</td>",
                        esc(k),
                        esc(&show(v, unit))
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr><td>{}</td>{vals}<td>{}</td></tr>",
                esc(r.key.as_deref().unwrap_or("")),
                esc(&super::text::row_at(&rs.file, rs.row_word, r.line))
            );
            // issue 10, currencies
            for c in &r.conversions {
                let _ = writeln!(
                    out,
                    "<tr><td></td><td colspan=\"{}\">{}</td></tr>",
                    2 * r.values.len() + 1,
                    esc(&super::text::conversion_short(c))
                );
            }
        }
        let _ = writeln!(out, "</table>");
    }
    for c in &n.children {
        node(out, c, open.saturating_sub(1));
    }
    let _ = writeln!(out, "</details>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::NodeKind;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&amp;</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(esc("plain"), "plain");
    }

    #[test]
    fn a_node_is_a_collapsible_line_tied_to_its_plan_lines() {
        // An expression written over lines 3 and 4 highlights 3..4.
        let mut n = Node::sample(
            NodeKind::Definition,
            Some("bonus"),
            "1500",
            "EUR",
            "a <\n b",
            3,
        );
        n.id = "bonus".into();
        n.children.push(Node::sample(
            NodeKind::Column,
            Some("x&y"),
            "true",
            "bool",
            "x",
            5,
        ));
        let mut e = Explanation::sample(vec![n]);
        e.plan = "<P>".into();
        let page = render(&e, "plan \"P\" {\n}");
        assert!(page.contains("<title>&lt;P&gt; — r1 in 2026-Q1</title>"));
        assert!(page.contains(
            "<details open data-id=\"bonus\"><summary data-from=\"3\" data-to=\"4\"><span class=\"name\">bonus</span><span class=\"expr\">a &lt;\n b</span><span class=\"val\">1,500.00 EUR</span></summary>"
        ));
        // The child is nested in its parent's <details>, its name escaped, yes/no in words.
        assert!(page.contains("<span class=\"name\">x&amp;y</span><span class=\"expr\">x</span><span class=\"val\">yes</span></summary>\n</details>\n</details>"));
        // The plan source, one block per line, numbered.
        assert!(page.contains(
            "<span class=\"ln\" id=\"L1\"><i>   1</i> plan &quot;P&quot; {</span><span class=\"ln\" id=\"L2\"><i>   2</i> }</span>"
        ));
    }

    #[test]
    fn a_value_that_could_not_be_computed_shows_why() {
        let mut n = Node::sample(NodeKind::Operation, None, "0", "EUR", "a / b", 2);
        n.value = None;
        n.error = Some("division by <zero>".into());
        let page = render(&Explanation::sample(vec![n]), "");
        assert!(page.contains(
            "<span class=\"val\"><span class=\"err\">no value: division by &lt;zero&gt;</span></span>"
        ));
    }
}
