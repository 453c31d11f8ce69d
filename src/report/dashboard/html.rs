//! issue 11, dashboard: one self-contained HTML page (no script, no fetch, inline CSS and
//! SVG): a section per rep in attention order, a table per family with value, target,
//! attainment, status (colour, symbol and word) and a trend sparkline; the KPIs below
//! target; how each KPI is computed. Print CSS: A4 landscape, a rep per block, colours kept.

use super::{attainment_text, page_name, Cell, Dashboard, Rep, Status, FAMILIES};
use rayon::prelude::*;
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The symbol beside a status word, so that it reads without colour too.
fn symbol(s: Status) -> &'static str {
    match s {
        Status::Red => "✖",
        Status::Amber => "▲",
        Status::Green => "✔",
        Status::NoData => "–",
        Status::None => "",
    }
}

fn badge(out: &mut String, s: Status) {
    if s != Status::None {
        let _ = write!(
            out,
            "<span class=\"st {}\">{} {}</span>",
            s.class(),
            symbol(s),
            s.word()
        );
    }
}

const CSS: &str = r#"
:root { --red: #c62828; --red-bg: #fde8e8; --amber: #a65f00; --amber-bg: #fff3d6; --green: #2e7d32; --green-bg: #e6f4e7; --grey: #666; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 1em 1.5em; color: #1d1d1d; max-width: 1400px; }
h1 { font-size: 20px; margin: 0 0 .2em; } h2 { font-size: 16px; margin: 0 0 .4em; display: flex; gap: .8em; align-items: baseline; flex-wrap: wrap; }
h3 { font-size: 13px; margin: .6em 0 .2em; }
.sub { color: var(--grey); margin: 0 0 .6em; }
.legend { margin: .4em 0 1em; display: flex; gap: .6em; flex-wrap: wrap; align-items: center; }
.st { display: inline-block; padding: 0 .45em; border-radius: 3px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.st.red { color: var(--red); background: var(--red-bg); } .st.amber { color: var(--amber); background: var(--amber-bg); }
.st.green { color: var(--green); background: var(--green-bg); } .st.nodata { color: var(--grey); background: #eee; }
table { border-collapse: collapse; }
table.summary td, table.summary th { padding: 2px 10px; text-align: right; border-bottom: 1px solid #e4e4e4; }
table.summary th:first-child { text-align: left; }
section.rep { border: 1px solid #ddd; border-left: 6px solid #bbb; border-radius: 4px; padding: .7em 1em; margin: 0 0 1em; }
section.rep.red { border-left-color: var(--red); } section.rep.amber { border-left-color: #e0a000; } section.rep.green { border-left-color: var(--green); }
.rank { color: var(--grey); font-weight: normal; } .who { font-weight: 700; } .mgr, .counts { color: var(--grey); font-weight: normal; font-size: 13px; }
.families { display: grid; align-items: start; grid-template-columns: repeat(auto-fit, minmax(390px, 1fr)); gap: .6em 1.2em; }
table.fam { width: 100%; font-size: 12.5px; }
table.fam tbody th { width: 32%; }
table.fam caption { text-align: left; font-weight: 700; text-transform: capitalize; padding-bottom: 2px; }
table.fam th, table.fam td { padding: 2px 4px; border-bottom: 1px solid #eee; }
table.fam thead th { font-weight: 600; color: var(--grey); font-size: 11px; text-align: right; }
table.fam thead th:first-child, table.fam tbody th { text-align: left; font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.num a { color: inherit; text-decoration: none; border-bottom: 1px dotted #999; }
td.num a:hover { background: #eef3ff; }
svg.spark { display: block; } svg.spark path { fill: none; stroke: #5b6b8c; stroke-width: 1.3; }
svg.spark circle.red { fill: var(--red); } svg.spark circle.amber { fill: #e0a000; } svg.spark circle.green { fill: var(--green); } svg.spark circle.nodata, svg.spark circle.none { fill: #888; }
.score { font-size: 13px; }
.causes { margin-top: .4em; font-size: 13px; } .causes ul { margin: .1em 0; padding-left: 1.4em; }
#how { margin-top: 2em; } #how pre { background: #f6f6f3; padding: .5em; font: 12px/1.45 ui-monospace, monospace; white-space: pre-wrap; margin: .2em 0 .8em; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { font-size: 10px; padding: 0; max-width: none; }
  section.rep { break-inside: avoid; page-break-inside: avoid; }
  #how { break-before: page; }
  td.num a { border: 0; }
  .st, section.rep, svg.spark circle { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Render the page.
pub fn render(d: &Dashboard) -> String {
    let mut out = String::with_capacity(4096 + d.reps.len() * d.kpis.len() * 700);
    let title = format!(
        "{} — coaching dashboard — {} — {}",
        d.plan, d.scope, d.period
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head>\n<body>\n",
        esc(&title)
    );
    header(&mut out, d);
    out.push_str("<main>\n");
    // Each rep's section is written on its own, in parallel, then joined in order.
    let sections: Vec<String> = d
        .reps
        .par_iter()
        .enumerate()
        .map(|(i, r)| {
            let mut s = String::with_capacity(d.kpis.len() * 700 + 1024);
            rep(&mut s, d, i, r);
            s
        })
        .collect();
    for s in sections {
        out.push_str(&s);
    }
    out.push_str("</main>\n");
    how(&mut out, d);
    out.push_str("</body></html>\n");
    out
}

fn header(out: &mut String, d: &Dashboard) {
    let _ = writeln!(
        out,
        "<header><h1>Coaching dashboard: {}</h1>",
        esc(&d.scope)
    );
    let trend = match (d.trend_periods.first(), d.trend_periods.last()) {
        (Some(a), Some(b)) if a != b => format!(
            "trends over {} periods, {} to {}",
            d.trend_periods.len(),
            esc(a),
            esc(b)
        ),
        _ => "no earlier period for a trend".to_string(),
    };
    let _ = writeln!(
        out,
        "<p class=\"sub\">{} · period <b id=\"period\">{}</b> · <span id=\"count\">{}</span> reps · {trend}. \
         Reps are listed by who needs attention first: most red KPIs, then most amber, then \
         the lowest attainment, then id. Each figure links to how it is computed.</p>",
        esc(&d.plan),
        esc(&d.period),
        d.reps.len()
    );
    if d.kpis.is_empty() {
        out.push_str("<p class=\"sub\">The plan declares no KPI with a category, a target or a status: there is nothing to coach on yet (docs/language.md §7).</p>\n");
    }
    out.push_str("<p class=\"legend\">Status: ");
    for s in [Status::Red, Status::Amber, Status::Green, Status::NoData] {
        badge(out, s);
    }
    out.push_str(" (the plan's thresholds; attainment is value ÷ target, target ÷ value when lower is better)</p>\n");
    // How many figures of each family are red, amber, green, no data.
    out.push_str("<table class=\"summary\"><thead><tr><th>Family</th><th>red</th><th>amber</th><th>green</th><th>no data</th></tr></thead><tbody>\n");
    for fam in FAMILIES {
        let idx: Vec<usize> = (0..d.kpis.len())
            .filter(|&i| d.kpis[i].family == fam)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let count = |s: Status| {
            d.reps
                .iter()
                .map(|r| idx.iter().filter(|&&i| r.cells[i].status == s).count())
                .sum::<usize>()
        };
        let _ = writeln!(
            out,
            "<tr><th>{fam}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            count(Status::Red),
            count(Status::Amber),
            count(Status::Green),
            count(Status::NoData)
        );
    }
    out.push_str("</tbody></table></header>\n");
}

fn rep(out: &mut String, d: &Dashboard, i: usize, r: &Rep) {
    let worst = if r.red > 0 {
        "red"
    } else if r.amber > 0 {
        "amber"
    } else {
        "green"
    };
    let _ = write!(
        out,
        "<section class=\"rep {worst}\" id=\"rep-{}\" data-red=\"{}\" data-amber=\"{}\"><h2><span class=\"rank\">#{}</span><span class=\"who\">{}</span>",
        esc(&r.id),
        r.red,
        r.amber,
        i + 1,
        esc(&r.id)
    );
    if let Some(n) = &r.name {
        let _ = write!(out, "<span>{}</span>", esc(n));
    }
    if let Some(m) = &r.manager {
        let _ = write!(out, "<span class=\"mgr\">manager {}</span>", esc(m));
    }
    let _ = write!(
        out,
        "<span class=\"counts\">{} red · {} amber · {} green</span>",
        r.red, r.amber, r.green
    );
    if let Some(l) = r.lowest {
        let _ = write!(
            out,
            "<span class=\"counts\">lowest attainment {}</span>",
            esc(&attainment_text(l))
        );
    }
    out.push_str("</h2>\n");
    // issue 11, scorecards: the rep's score on each of the plan's scorecards.
    if !d.scorecards.is_empty() {
        out.push_str("<p class=\"scores\">");
        for (name, score) in d.scorecards.iter().zip(&r.score_text) {
            let _ = write!(
                out,
                "<span class=\"score\">scorecard {} <b>{}</b></span> ",
                esc(name),
                esc(score)
            );
        }
        out.push_str("</p>\n");
    }
    out.push_str("<div class=\"families\">\n");
    for fam in FAMILIES {
        let idx: Vec<usize> = (0..d.kpis.len())
            .filter(|&k| d.kpis[k].family == fam)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<table class=\"fam {fam}\"><caption>{fam}</caption><thead><tr><th>KPI</th><th>value</th><th>target</th><th>attain.</th><th>status</th><th>trend</th></tr></thead><tbody>"
        );
        for k in idx {
            row(out, d, r, k, &r.cells[k]);
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</div>\n");
    if !r.causes.is_empty() {
        out.push_str("<div class=\"causes\"><h3>Below target, worst first</h3><ul>");
        for c in &r.causes {
            let _ = write!(
                out,
                "<li>{} <b>{}</b> gap {}: {}",
                {
                    let mut b = String::new();
                    badge(&mut b, c.status);
                    b
                },
                esc(&d.kpis[c.kpi].label),
                esc(&c.gap),
                esc(&c.text)
            );
            // issue 11, gap causes: each driver's part of the gap (they add up to it).
            if !c.drivers.is_empty() {
                out.push_str("<ul class=\"drivers\">");
                for part in &c.drivers {
                    let _ = write!(out, "<li>{}: {}</li>", esc(&part.what), esc(&part.shown));
                }
                out.push_str("</ul>");
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("</section>\n");
}

fn row(out: &mut String, d: &Dashboard, r: &Rep, k: usize, c: &Cell) {
    let kpi = &d.kpis[k];
    let href = match &d.explain_dir {
        Some(dir) => format!(
            "{}/{}#{}",
            dir.trim_end_matches('/'),
            page_name(&r.id, &d.period),
            kpi.name
        ),
        None => format!("#how-{}", kpi.name),
    };
    let mut tip = format!("{} = {}", kpi.name, c.value);
    if let Some(t) = &c.target {
        let _ = write!(tip, ", target {t}");
    }
    if let Some(a) = c.attainment {
        let _ = write!(tip, " ({} of target)", attainment_text(a));
    }
    if c.status != Status::None {
        let _ = write!(tip, ": {}", c.status.word());
    }
    let _ = write!(
        out,
        "<tr class=\"{}\" data-kpi=\"{}\"><th scope=\"row\">{}</th><td class=\"num\"><a href=\"{}\" title=\"{}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>",
        c.status.class(),
        esc(&kpi.name),
        esc(&kpi.label),
        esc(&href),
        esc(&tip),
        esc(&c.value),
        esc(c.target.as_deref().unwrap_or("")),
        c.attainment.map(attainment_text).unwrap_or_default(),
    );
    badge(out, c.status);
    out.push_str("</td><td>");
    spark(out, d, c);
    out.push_str("</td></tr>\n");
}

/// A trend as an inline SVG line over the trend's periods, the last point in the status's
/// colour; a period without a value breaks the line.
fn spark(out: &mut String, d: &Dashboard, c: &Cell) {
    const W: f64 = 64.0;
    const H: f64 = 20.0;
    let vals: Vec<f64> = c.trend.iter().flatten().copied().collect();
    if vals.len() < 2 {
        return;
    }
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let n = c.trend.len();
    let x = |i: usize| 2.0 + (W - 4.0) * i as f64 / (n - 1).max(1) as f64;
    let y = |v: f64| {
        if hi > lo {
            H - 3.0 - (H - 6.0) * (v - lo) / (hi - lo)
        } else {
            H / 2.0
        }
    };
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in c.trend.iter().enumerate() {
        match v {
            Some(v) => {
                path.push_str(if pen_down { " L" } else { " M" });
                fixed(&mut path, x(i), 1);
                path.push(' ');
                fixed(&mut path, y(*v), 1);
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let first = d.trend_periods.first().map(String::as_str).unwrap_or("");
    let _ = write!(
        out,
        "<svg class=\"spark\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\"><title>{} periods from {}; lowest {}, highest {}</title><path d=\"{}\"/>",
        n,
        esc(first),
        short(lo),
        short(hi),
        path.trim_start()
    );
    if let Some(Some(v)) = c.trend.last() {
        let _ = write!(out, "<circle class=\"{}\" cx=\"", c.status.class());
        fixed(out, x(n - 1), 1);
        out.push_str("\" cy=\"");
        fixed(out, y(*v), 1);
        out.push_str("\" r=\"2.4\"/>");
    }
    out.push_str("</svg>");
}

/// A trend's bound for its tooltip (display only, like the line itself).
fn short(v: f64) -> String {
    let mut s = String::new();
    fixed(&mut s, v, 2);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `v` with `dp` decimals (1 or 2), exactly as `format!("{v:.dp$}")` writes it: the float
/// formatter's exact path was a sixth of the dashboard's instructions (a page has 24
/// coordinates per sparkline). `v × 10^dp` rounded is the formatter's digits unless the
/// product lies within its rounding error of a half, where the formatter decides (it rounds
/// the exact binary value, ties to even); a test compares the two on many values.
fn fixed(out: &mut String, v: f64, dp: u32) {
    let scale = if dp == 1 { 10.0 } else { 100.0 };
    let t = v.abs() * scale;
    // The product's error is at most half an ulp of t, below t × 2^-52.
    if dp <= 2 && v.is_finite() && t < 1e15 {
        let r = t.round();
        if (t - r).abs() < 0.5 - t * f64::EPSILON - 1e-9 {
            let n = r as u64;
            let unit = if dp == 1 { 10 } else { 100 };
            if v.is_sign_negative() {
                out.push('-');
            }
            let _ = write!(out, "{}.{:0w$}", n / unit, n % unit, w = dp as usize);
            return;
        }
    }
    let _ = write!(out, "{v:.prec$}", prec = dp as usize);
}

fn how(out: &mut String, d: &Dashboard) {
    out.push_str("<section id=\"how\"><h2>How each KPI is computed</h2>\n");
    out.push_str("<p class=\"sub\">Each KPI as the plan declares it; ");
    match (&d.explain_dir, &d.explain_command) {
        (Some(dir), _) => {
            let _ = write!(
                out,
                "each figure links to its rep's full explanation in {}/ (the evaluation recorded: rules, inputs and data rows).",
                esc(dir)
            );
        }
        (None, Some(cmd)) => {
            let _ = write!(
                out,
                "for a figure's full explanation (rules, inputs and data rows) run <code>{} --participant ID --period {} NAME</code> (the KPI names are below), or write the dashboard with <code>--explain DIR</code>.",
                esc(cmd),
                esc(&d.period)
            );
        }
        (None, None) => out.push_str("a figure's tooltip gives its value, target and status."),
    }
    out.push_str("</p>\n");
    for k in &d.kpis {
        let _ = writeln!(
            out,
            "<div id=\"how-{}\"><h3>{} <span class=\"mgr\">({}, {}, plan line {})</span></h3><pre>{}</pre></div>",
            esc(&k.name),
            esc(&k.label),
            esc(&k.name),
            k.family,
            k.line,
            esc(&k.source)
        );
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::fixed;

    fn both(v: f64, dp: u32) {
        let mut s = String::new();
        fixed(&mut s, v, dp);
        assert_eq!(
            s,
            format!("{v:.prec$}", prec = dp as usize),
            "{v:e} to {dp}"
        );
    }

    #[test]
    fn fixed_writes_what_the_float_formatter_writes() {
        // Ties (exact in binary and not), signs, zero, large and odd values.
        for v in [
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            2.45,
            2.55,
            0.125,
            0.375,
            -0.004,
            -0.05,
            1.005,
            2.675,
            16.95,
            17.0,
            3.0,
            62.0,
            1e14,
            -1e14,
            1e16,
            123456.785,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            5e-324,
        ] {
            both(v, 1);
            both(v, 2);
        }
        // A deterministic spread: the sparkline's coordinates and bounds.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
            let v = match i % 4 {
                0 => 3.0 + 14.0 * unit,
                1 => 2.0 + 60.0 * (i % 12) as f64 / 11.0,
                2 => (unit - 0.5) * 2e6,
                _ => ((x % 100_000) as f64) / 1000.0,
            };
            both(v, 1);
            both(v, 2);
        }
    }
}
