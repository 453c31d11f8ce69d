//! issue 10, statements: a statement as one self-contained, printable HTML page (inline CSS,
//! no script). Each line is a `<details>` whose body is the line's explanation, drawn by
//! explain's own HTML renderer ([`crate::trace::html::tree`]), closed until opened.

use super::statement::{Line, Statement};
use crate::trace::text::show;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The heading of a section (by its word in [`Line::section`]).
fn heading(section: &str) -> &str {
    match section {
        "earned" => "Earned",
        "true-up" => "True-up",
        "draw" => "Draws",
        "recovery" => "Recoveries",
        "clawback" => "Clawbacks",
        "other" => "Other payouts (not in the plan's statement block)",
        "total limit" => "Limit on the total",
        "previously paid" => "Previously paid (shown, not paid again)",
        "balance" => "Balance carried forward",
        other => other,
    }
}

fn amount(value: Option<&str>, error: Option<&str>, currency: &str) -> String {
    match (value, error) {
        (Some(v), _) => esc(&show(v, currency)),
        (None, Some(e)) => format!("<span class=\"err\">no value: {}</span>", esc(e)),
        _ => String::new(),
    }
}

/// issue 10, currencies: a line's amount in the pay currency, after the plan's.
fn paid(value: Option<&str>, pay: Option<&super::statement::PayStatement>) -> String {
    match (value, pay) {
        (Some(v), Some(p)) => format!(
            "<span class=\"paid\">{} {}</span>",
            esc(&crate::render::group(v)),
            esc(&p.currency)
        ),
        _ => String::new(),
    }
}

fn line(
    out: &mut String,
    l: &Line,
    id: &str,
    currency: &str,
    pay: Option<&super::statement::PayStatement>,
) {
    let negative = l.value.as_deref().is_some_and(|v| v.starts_with('-'));
    let _ = writeln!(
        out,
        "<details class=\"line\" id=\"{}\"><summary><span class=\"name\">{}</span><span class=\"amount{}\">{}</span>{}</summary>\n<div class=\"why\">\n{}</div></details>",
        esc(id),
        esc(&l.name),
        if negative { " neg" } else { "" },
        amount(l.value.as_deref(), l.error.as_deref(), currency),
        paid(l.pay_value.as_deref(), pay),
        crate::trace::html::tree(std::slice::from_ref(&l.explanation), 1)
    );
}

/// Render a statement as a page.
pub fn render(s: &Statement) -> String {
    let mut body = String::new();
    let mut section = "";
    let mut total_drawn = false;
    let cur = &s.currency;
    for l in &s.lines {
        if !l.paid && !total_drawn {
            total(&mut body, s);
            total_drawn = true;
        }
        if l.section != section {
            section = &l.section;
            let _ = writeln!(
                body,
                "<h2 class=\"section\" data-section=\"{}\">{}</h2>",
                esc(section),
                esc(heading(section))
            );
        }
        line(&mut body, l, &l.anchor, cur, s.pay.as_ref());
    }
    if !total_drawn {
        total(&mut body, s);
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font: 14px/1.5 system-ui, sans-serif; color: #1d1d1d; margin: 0; background: #f4f4f1; }}
main {{ max-width: 52em; margin: 2em auto; background: #fff; padding: 2em 2.5em; border: 1px solid #ddd; }}
h1 {{ font-size: 22px; margin: 0 0 .2em; }}
.plan {{ color: #555; margin: 0 0 1.2em; }}
dl.meta {{ display: grid; grid-template-columns: max-content 1fr; gap: .15em 1.5em; margin: 0 0 1.5em; }}
dl.meta dt {{ color: #666; }} dl.meta dd {{ margin: 0; font-weight: 600; }}
h2.section {{ font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: #666; margin: 1.4em 0 .3em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }}
details.line > summary, .total {{ display: flex; gap: 1em; padding: .25em .4em; cursor: pointer; }}
details.line > summary:hover {{ background: #eef3ff; }}
details.line > summary::before {{ content: "▸"; color: #999; width: .8em; }}
details.line[open] > summary::before {{ content: "▾"; }}
details.line > summary .name {{ flex: 1; }}
.amount {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 12em; }}
.paid {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 10em; color: #1d4f91; }}
.amount.neg {{ color: #9b1c1c; }}
.total {{ border-top: 2px solid #1d1d1d; margin-top: .8em; font-weight: 700; font-size: 16px; cursor: default; }}
.total .name {{ flex: 1; }}
.check {{ margin: .6em 0 0; padding: .4em .6em; border-radius: 3px; }}
.check.ok {{ background: #eaf6ec; color: #1e5e2b; }} .check.bad {{ background: #fdecec; color: #9b1c1c; }}
.why {{ margin: .2em 0 .8em; padding: .5em .8em; background: #fafaf8; border-left: 3px solid #c9d6f0; font-size: 13px; }}
.why details {{ margin-left: 1.2em; }}
.why summary {{ display: flex; gap: 1em; padding: 1px 4px; }}
.why .name {{ font-weight: 600; }} .why .expr {{ color: #555; font-family: ui-monospace, monospace; flex: 1; }}
.why .val {{ margin-left: auto; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 9em; }}
.err {{ color: #b00020; }} .why .note {{ margin: 0 0 0 2.6em; color: #333; }}
.why table.rows {{ margin-left: 2.6em; border-collapse: collapse; font-size: 12px; }}
.why table.rows td {{ padding: 0 .8em 0 0; }} .why table.rows td.num {{ text-align: right; }}
footer {{ margin-top: 2em; color: #666; font-size: 12px; }}
@media print {{
  body {{ background: #fff; }}
  main {{ margin: 0; border: 0; padding: 0; max-width: none; }}
  details.line > summary {{ list-style: none; }}
  details.line > summary::-webkit-details-marker, details.line > summary::before {{ display: none; }}
  .why, footer .screen {{ display: none; }}
  h2.section, .total {{ break-after: avoid; }}
}}
</style></head>
<body>
<main>
<h1>Pay statement</h1>
<p class="plan">{plan} <span class="file">({file})</span></p>
<dl class="meta">
<dt>Participant</dt><dd id="participant">{participant}</dd>
<dt>Period</dt><dd id="period">{period} ({start} – {end})</dd>
<dt>Currency</dt><dd>{currency}</dd>{pay}
</dl>
{body}<footer><p class="screen">Open a line to see how it was computed: the plan's rules, the values they used and the data rows behind them.</p>
<p>Amounts are as paid, after the plan's caps, floors and rounding. Statement schema {schema}.</p></footer>
</main>
</body></html>
"#,
        title = esc(&format!(
            "Statement — {} — {} — {}",
            s.participant, s.period, s.plan
        )),
        plan = esc(&s.plan),
        file = esc(&s.file),
        participant = esc(&s.participant),
        period = esc(&s.period),
        start = esc(&s.period_start),
        end = esc(&s.period_end),
        currency = esc(cur),
        pay = s.pay.as_ref().map_or(String::new(), |p| format!(
            "\n<dt>Paid in</dt><dd id=\"pay-currency\">{}</dd>\n<dt>Conversion</dt><dd class=\"conversion\">{}</dd>",
            esc(&p.currency),
            p.conversion.iter().map(|l| esc(l.trim_start())).collect::<Vec<_>>().join("<br>")
        )),
        schema = esc(s.schema),
    )
}

fn total(out: &mut String, s: &Statement) {
    let _ = writeln!(
        out,
        "<details class=\"line total-line\" id=\"total\"><summary class=\"total\"><span class=\"name\">Total paid this period</span><span class=\"amount\">{}</span>{}</summary>\n<div class=\"why\">\n{}</div></details>",
        amount(s.total.as_deref(), None, &s.currency),
        paid(s.pay.as_ref().and_then(|p| p.total.as_deref()), s.pay.as_ref()),
        crate::trace::html::tree(std::slice::from_ref(&s.total_explanation), 1)
    );
    let _ = writeln!(
        out,
        "<p class=\"check {}\">{} {}</p>",
        if s.adds_up { "ok" } else { "bad" },
        if s.adds_up { "✓" } else { "✗" },
        esc(&s.check)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_name_each_section() {
        assert_eq!(heading("true-up"), "True-up");
        assert_eq!(heading("balance"), "Balance carried forward");
        assert_eq!(heading("<x>"), "<x>");
        assert_eq!(esc("<a&\"b\">"), "&lt;a&amp;&quot;b&quot;&gt;");
    }
}
