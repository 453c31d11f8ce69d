//! The canonical layout of plan and test files (`ignition fmt`).
//!
//! [`format`] prints a parsed [`Unit`] from its AST; it never looks at pest's pairs. The
//! source text is used for two things only: to find the comments (which the grammar skips)
//! and where they stand relative to the declarations, and to keep a percent literal's
//! digits as written.
//!
//! The layout:
//!
//! - two spaces of indentation per block (`plan "…" {`, `input`, `rates`, `test`);
//! - one declaration, column, band, row, `data` or `expect` per line, in source order;
//! - a single space around binary operators and after `,` and `:`; the fewest parentheses
//!   the operator precedence of the parser needs; `half-up`-style rounding modes written
//!   as one word;
//! - literals in one spelling: `300 EUR`, `20%`, `30 days`, with the digits as written
//!   (`_` separators kept: `1_500 EUR`), ISO dates, strings re-escaped;
//! - a `let`, `kpi`, `payout`, `cap` or `floor` longer than [`MAX_WIDTH`] columns moves
//!   its `when` to the next line, then breaks its expression before the operators of the
//!   outermost level, lowest precedence first (continuation lines line up with the start of
//!   the expression), then inside parentheses and calls, after `,` first (4 columns further
//!   in per level);
//! - a test row longer than [`MAX_WIDTH`] columns fills its fields into continuation lines
//!   4 columns further in;
//! - rate tables aligned: lower edges left-aligned, upper edges right-aligned, trailing
//!   comments after the values lined up; the table names of a test's rows aligned;
//! - at most one blank line where the source had one or more, none after `{` or before `}`;
//! - comments stay where they were: own-line comments before the line they precede (at
//!   its indentation), trailing comments at the end of their line, comments written inside
//!   a line (within an expression, a column, a band, a row) on their own lines before it;
//! - one newline at the end of the file.

mod comments;
mod expr;
mod layout;

pub use comments::{comment_texts, comments, Comment};

use super::ast::*;
use super::keyword::Keyword as K;
use super::shape::SameShape;
use super::span::Span;
use expr::quote;
use layout::{broken, join, row_text, spaces, width};

/// Lines longer than this (indentation included, comments excluded) are broken when the
/// layout allows it.
pub const MAX_WIDTH: usize = 100;

/// `unit` (parsed from `src`) in the canonical layout, with the comments of `src`.
pub fn format(src: &str, unit: &Unit) -> String {
    let mut p = Printer {
        src,
        comments: comments(src),
        next: 0,
        out: String::with_capacity(src.len() + src.len() / 8),
        last_end: 0,
        block_start: true,
    };
    match unit {
        Unit::Plan(plan) => p.plan(plan),
        Unit::Tests(t) => p.tests_file(t),
    }
    // Comments after the last line of code.
    p.leading(0, usize::MAX, src.len());
    let trimmed = p.out.trim_end().len();
    p.out.truncate(trimmed);
    p.out.push('\n');
    p.out
}

/// The formatter: the source (for its comments and blank lines) and the text printed so far.
struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    /// The first comment not printed yet.
    next: usize,
    out: String,
    /// End (in the source) of what was printed last, for blank-line detection.
    last_end: usize,
    /// True right after `{` or at the top of the file: no blank line here.
    block_start: bool,
}

impl Printer<'_> {
    fn plan(&mut self, plan: &Plan) {
        let start = self.next_code(0).unwrap_or(0);
        let end = self.code_end(Span::new(0, self.src.len()));
        let (open, close) = self.braces(Span::new(start, end), plan.name_span.end as usize);
        let header = format!("{} {}", K::Plan, quote(&plan.name));
        if self.open_block(0, &header, start, open, close, plan.decls.is_empty()) {
            for d in &plan.decls {
                self.decl(1, d);
            }
            self.close_block(0, close);
        }
    }

    fn tests_file(&mut self, t: &TestsFile) {
        let start = self.next_code(0).unwrap_or(0);
        let text = format!("{} {} {}", K::Tests, K::For, quote(&t.plan));
        self.line(0, &text, start, t.plan_span.end as usize, 0);
        for test in &t.tests {
            self.test(0, test);
        }
    }

    fn decl(&mut self, level: usize, d: &Decl) {
        let start = d.span.start as usize;
        let end = self.code_end(d.span);
        let simple = |p: &mut Self, text: String| p.line(level, &text, start, end, 0);
        match &d.kind {
            DeclKind::Currency(c) => simple(self, format!("{} {}", K::Currency, c.name)),
            // issue 10, calendars
            DeclKind::PeriodsListed {
                path, fiscal_start, ..
            } => {
                let fiscal = fiscal_start
                    .map(|m| {
                        format!(
                            " fiscal year {} {}",
                            K::From,
                            crate::calendar::month_name(m)
                        )
                    })
                    .unwrap_or_default();
                simple(
                    self,
                    format!(
                        "{} listed {} {}{fiscal}",
                        K::Periods,
                        K::In,
                        expr::quote(path)
                    ),
                )
            }
            DeclKind::Periods {
                kind,
                from,
                to,
                week_start,
                fiscal_start,
                ..
            } => {
                let kind = match kind {
                    PeriodKind::Monthly => "monthly",
                    PeriodKind::Quarterly => "quarterly",
                    PeriodKind::Yearly => "yearly",
                    // issue 10, calendars
                    other => other.name(),
                };
                // issue 10, calendars: `starting WEEKDAY`, `fiscal year from MONTH`.
                let starting = week_start
                    .map(|w| format!(" starting {}", crate::calendar::weekday_name(w)))
                    .unwrap_or_default();
                let fiscal = fiscal_start
                    .map(|m| {
                        format!(
                            " fiscal year {} {}",
                            K::From,
                            crate::calendar::month_name(m)
                        )
                    })
                    .unwrap_or_default();
                simple(
                    self,
                    format!(
                        "{} {kind}{starting} {} {from} {} {to}{fiscal}",
                        K::Periods,
                        K::From,
                        K::To
                    ),
                )
            }
            DeclKind::Timezone { zone, .. } => simple(self, format!("{} {zone}", K::Timezone)),
            DeclKind::Rounding { increment, mode } => {
                let mode = mode_text(*mode);
                simple(
                    self,
                    format!(
                        "{} {} {} {increment} {mode}",
                        K::Rounding,
                        K::Payouts,
                        K::To
                    ),
                )
            }
            DeclKind::Participants {
                table,
                manager,
                pay,
                manager_table,
            } => {
                let mut t = format!("{} {}", K::Participants, table.name);
                if let Some(m) = manager {
                    t.push_str(&format!(" {} {} ", K::Managed, K::By));
                    if let Some(h) = manager_table {
                        t.push_str(&format!("{}.", h.name));
                    }
                    t.push_str(&m.name);
                }
                if let Some(p) = pay {
                    t.push_str(&format!(
                        " {} {} {} {} {}",
                        K::Paid,
                        K::In,
                        p.column.name,
                        K::Using,
                        self.expr(&p.using)
                    ));
                    if let Some(on) = &p.on {
                        t.push_str(&format!(" {} {}", K::On, self.expr(on)));
                    }
                }
                simple(self, t)
            }
            DeclKind::Credit {
                table,
                to,
                by,
                split,
            } => {
                let mut t = format!(
                    "{} {} {} {} {} {}",
                    K::Credit,
                    table.name,
                    K::To,
                    to.name,
                    K::By,
                    by.name
                );
                // issue 10, splits: `split by …` on the next line when the whole is too wide.
                if let Some(sp) = split {
                    let mut more =
                        format!("split {} {} share {}", K::By, sp.table.name, sp.share.name);
                    if let Some(r) = &sp.role {
                        more.push_str(&format!(" role {}", r.name));
                    }
                    if let Some((o, _)) = &sp.overlay {
                        more.push_str(&format!(" overlay {}", quote(o)));
                    }
                    if level * 2 + width(&t) + 1 + width(&more) <= MAX_WIDTH {
                        t.push(' ');
                    } else {
                        t.push('\n');
                        t.push_str(&spaces((level + 1) * 2));
                    }
                    t.push_str(&more);
                }
                simple(self, t)
            }
            DeclKind::Paid { table } => {
                simple(self, format!("{} {} {}", K::Paid, K::From, table.name))
            }
            DeclKind::Let { name, expr, when } => {
                let head = format!("{} {} = ", K::Let, name.name);
                self.definition_with(level, &head, expr, when.as_ref(), None, start, end)
            }
            DeclKind::Kpi {
                name,
                ty,
                expr,
                when,
                intent,
            } => {
                let head = match ty {
                    Some((t, _)) => format!("{} {}: {} = ", K::Kpi, name.name, type_name(t)),
                    None => format!("{} {} = ", K::Kpi, name.name),
                };
                match intent {
                    None => {
                        self.definition_with(level, &head, expr, when.as_ref(), None, start, end)
                    }
                    // issue 11, kpi intent: the block, one setting a line.
                    Some(block) => self.kpi_block(level, &head, expr, when.as_ref(), block, start),
                }
            }
            DeclKind::Payout {
                name,
                expr,
                when,
                may_be_negative,
            } => {
                let head = format!("{} {} = ", K::Payout, name.name);
                let clawback = format!("{} {} {}", K::May, K::Be, K::Negative);
                let tail = may_be_negative.map(|_| clawback.as_str());
                self.definition_with(level, &head, expr, when.as_ref(), tail, start, end)
            }
            DeclKind::Limit { kind, target, expr } => {
                let kw = match kind {
                    LimitKind::Cap => K::Cap,
                    LimitKind::Floor => K::Floor,
                };
                let head = format!("{kw} {} at ", target.name);
                self.definition(level, &head, expr, None, start, end)
            }
            DeclKind::Input {
                name,
                key,
                columns,
                more_keys,
                effective,
                computed,
            } => {
                let mut header = format!("{} {}", K::Input, name.name);
                let mut header_end = name.span.end as usize;
                if let Some(k) = key {
                    header.push_str(&format!(" {} {}", K::Key, k.name));
                    header_end = k.span.end as usize;
                }
                // issue 9, reference tables: a composite key and effective dating.
                for k in more_keys {
                    header.push_str(&format!(", {}", k.name));
                    header_end = k.span.end as usize;
                }
                if let Some(e) = effective {
                    header.push_str(&format!(" {} {} {}", K::Effective, K::From, e.from.name));
                    if let Some(to) = &e.to {
                        header.push_str(&format!(" {} {}", K::To, to.name));
                    }
                    header_end = e.span.end as usize;
                }
                let (open, close) = self.braces(d.span, header_end);
                let empty = columns.is_empty() && computed.is_empty();
                if self.open_block(level, &header, start, open, close, empty) {
                    let texts: Vec<String> = columns.iter().map(|c| self.column_text(c)).collect();
                    let pad = texts.iter().map(|t| width(t)).max().unwrap_or(0);
                    // issue 9, rows: computed columns stay where they are written.
                    let mut lets = computed.iter().peekable();
                    for (c, text) in columns.iter().zip(texts) {
                        while let Some(k) = lets.next_if(|k| k.span.start < c.name.span.start) {
                            self.computed_column(level + 1, k);
                        }
                        self.column(level + 1, c, &text, pad);
                    }
                    for k in lets {
                        self.computed_column(level + 1, k);
                    }
                    self.close_block(level, close);
                }
            }
            DeclKind::Rates {
                name,
                by,
                bands,
                closed,
                by_column,
                grid,
            } => {
                let mut header = format!("{} {}", K::Rates, name.name);
                let mut header_end = name.span.end as usize;
                if let Some(b) = by {
                    header.push_str(&format!(" {} {}", K::By, b.name));
                    header_end = b.span.end as usize;
                }
                if let Some(b) = by_column {
                    header.push_str(&format!(", {}", b.name));
                    header_end = b.span.end as usize;
                }
                if let Some(c) = closed {
                    header.push(' ');
                    header.push_str(&closedness(c));
                    header_end = c.span.end as usize;
                }
                let (open, close) = self.braces(d.span, header_end);
                let empty = bands.is_empty() && grid.is_none();
                if self.open_block(level, &header, start, open, close, empty) {
                    self.bands(level + 1, bands);
                    if let Some(g) = grid {
                        self.grid(level + 1, g);
                    }
                    self.close_block(level, close);
                }
            }
            DeclKind::Test(t) => self.test(level, t),
            // issue 9, tables
            DeclKind::Curve {
                name,
                by,
                below,
                points,
                above,
            } => {
                let mut header = format!("{} {}", K::Curve, name.name);
                let mut header_end = name.span.end as usize;
                if let Some(b) = by {
                    header.push_str(&format!(" {} {}", K::By, b.name));
                    header_end = b.span.end as usize;
                }
                let (open, close) = self.braces(d.span, header_end);
                let empty = points.is_empty() && below.is_none() && above.is_none();
                if self.open_block(level, &header, start, open, close, empty) {
                    self.curve(level + 1, below.as_ref(), points, above.as_ref());
                    self.close_block(level, close);
                }
            }
            // issue 10, statements
            DeclKind::Statement { lines, keyword } => {
                let header = K::Statement.to_string();
                let (open, close) = self.braces(d.span, keyword.end as usize);
                if self.open_block(level, &header, start, open, close, lines.is_empty()) {
                    for l in lines {
                        let names: Vec<&str> = l.names.iter().map(|n| n.name.as_str()).collect();
                        let text = format!("{} {}", l.section, names.join(", "));
                        let end = self.code_end(l.span);
                        self.line(level + 1, &text, l.span.start as usize, end, width(&text));
                    }
                    self.close_block(level, close);
                }
            }
            // issue 9, functions and parameters
            DeclKind::Param { name, value } => {
                let text = format!("{} {} = {}", K::Param, name.name, self.expr(value));
                simple(self, text)
            }
            DeclKind::Fn { name, params, body } => {
                let params: Vec<String> = params
                    .iter()
                    .map(|p| match &p.ty {
                        Some((t, _)) => format!("{}: {}", p.name.name, type_name(t)),
                        None => p.name.name.clone(),
                    })
                    .collect();
                let head = format!("{} {}({}) = ", K::Fn, name.name, params.join(", "));
                self.definition(level, &head, body, None, start, end)
            }
            // issue 11, scorecards: one line a measure or setting.
            DeclKind::Scorecard { name, items, .. } => {
                let header = format!("{} {}", K::Scorecard, name.name);
                let (open, close) = self.braces(d.span, name.span.end as usize);
                if self.open_block(level, &header, start, open, close, items.is_empty()) {
                    let widths = self.measure_widths(items);
                    for item in items {
                        let text = self.scorecard_item(item, widths);
                        let end = self.code_end(item.span);
                        self.line(level + 1, &text, item.span.start as usize, end, 0);
                    }
                    self.close_block(level, close);
                }
            }
        }
    }

    // issue 11, scorecards
    /// The widths of the measures' names and weights, so that the columns line up.
    fn measure_widths(&self, items: &[ScorecardItem]) -> (usize, usize) {
        let mut widths = (0, 0);
        for item in items {
            if let ScorecardItemKind::Measure { kpi, weight, .. } = &item.kind {
                widths.0 = widths.0.max(kpi.name.chars().count());
                widths.1 = widths.1.max(self.expr(weight).chars().count());
            }
        }
        widths
    }

    /// A measure in columns: `win_rate  40%  floor 0%  cap 120%`.
    fn scorecard_item(&self, item: &ScorecardItem, (name_w, weight_w): (usize, usize)) -> String {
        match &item.kind {
            ScorecardItemKind::Measure {
                kpi,
                weight,
                bounds,
            } => {
                let weight = self.expr(weight);
                if bounds.is_empty() {
                    return format!("{:<name_w$}  {weight}", kpi.name);
                }
                let mut s = format!("{:<name_w$}  {weight:<weight_w$}", kpi.name);
                for b in bounds {
                    let k = if b.kind == LimitKind::Cap {
                        K::Cap
                    } else {
                        K::Floor
                    };
                    s.push_str(&format!("  {k} {}", self.expr(&b.value)));
                }
                s
            }
            ScorecardItemKind::Weights(p) => {
                format!("{} {} up {} {}", K::Weights, K::Add, K::To, self.expr(p))
            }
            ScorecardItemKind::NoDataReweights => format!("{} {} {}", K::No, K::Data, K::Reweights),
            ScorecardItemKind::Gate(e) => format!("{} {}", K::When, self.expr(e)),
        }
    }

    // issue 11, kpi intent
    /// `kpi NAME = EXPR [when C] {` then each setting on a line of its own, then `}`.
    fn kpi_block(
        &mut self,
        level: usize,
        head: &str,
        expr: &Expr,
        when: Option<&Expr>,
        block: &KpiIntent,
        start: usize,
    ) {
        let open = block.span.start as usize;
        let close = (block.span.end as usize).saturating_sub(1).max(open);
        if block.items.is_empty() && !self.comment_between(open, close) {
            self.definition_with(level, head, expr, when, Some("{}"), start, close + 1);
            return;
        }
        self.definition_with(level, head, expr, when, Some("{"), start, open + 1);
        self.block_start = true;
        for item in &block.items {
            let text = self.kpi_item(item);
            let end = self.code_end(item.span);
            self.line(level + 1, &text, item.span.start as usize, end, 0);
        }
        self.close_block(level, close);
    }

    fn kpi_item(&self, item: &KpiItem) -> String {
        match &item.kind {
            KpiItemKind::Label(l) => format!("{} {}", K::Label, quote(l)),
            KpiItemKind::Category(c) => format!("{} {}", K::Category, c.name),
            KpiItemKind::Target(e) => format!("{} {}", K::Target, self.expr(e)),
            KpiItemKind::Better(b) => {
                let word = match b {
                    Better::Higher => "higher",
                    Better::Lower => "lower",
                };
                format!("{} {word}", K::Better)
            }
            KpiItemKind::Status(ths) => {
                let parts: Vec<String> = ths
                    .iter()
                    .map(|t| {
                        let side = if t.above { "above" } else { "below" };
                        let mut s = format!("{} {side} {}", t.level.word(), self.expr(&t.value));
                        if t.of_target {
                            s.push_str(&format!(" {} {}", K::Of, K::Target));
                        }
                        s
                    })
                    .collect();
                format!("{} {}", K::Status, parts.join(", "))
            }
            KpiItemKind::NoData(e) => {
                format!("{} {} {} {}", K::No, K::Data, K::When, self.expr(e))
            }
            KpiItemKind::Drivers(e) => format!("{} {}", K::Drivers, self.expr(e)),
            // issue 11, cascades
            KpiItemKind::Split(None) => format!("{} {}", K::Split, K::Equally),
            KpiItemKind::Split(Some(e)) => {
                format!("{} {} {} {}", K::Split, K::By, K::Share, self.expr(e))
            }
            KpiItemKind::RollUp => format!("{} up", K::Roll),
            KpiItemKind::AddUp => format!("{} {} up", K::Targets, K::Add),
        }
    }

    /// `let NAME [: TYPE] = EXPR` inside an input (issue 9, rows).
    fn computed_column(&mut self, level: usize, c: &ComputedColumn) {
        let head = match &c.ty {
            Some((t, _)) => format!("{} {}: {} = ", K::Let, c.name.name, type_name(t)),
            None => format!("{} {} = ", K::Let, c.name.name),
        };
        let start = c.span.start as usize;
        let end = self.code_end(c.span);
        self.definition(level, &head, &c.expr, None, start, end);
    }

    fn column_text(&self, c: &ColumnDecl) -> String {
        let mut text = format!("{}: {}", c.name.name, type_name(&c.ty));
        if c.optional {
            text.push('?');
        }
        if c.nonneg.is_some() {
            text.push_str(" >= 0");
        }
        if let Some(v) = &c.default {
            text.push_str(" = ");
            text.push_str(&self.expr(v));
        }
        text
    }

    /// A column line; trailing comments line up at `pad`.
    fn column(&mut self, level: usize, c: &ColumnDecl, text: &str, pad: usize) {
        let start = c.name.span.start as usize;
        let mut end = self.code_end(c.ty_span);
        if c.optional {
            if let Some(q) = self.next_code(end) {
                if self.src.as_bytes()[q] == b'?' {
                    end = q + 1;
                }
            }
        }
        if let Some(s) = c.nonneg {
            end = end.max(self.code_end(s));
        }
        if let Some(v) = &c.default {
            end = end.max(self.code_end(v.span));
        }
        self.line(level, text, start, end, pad);
    }

    /// issue 9, tables: a grid, aligned in columns: row keys on the left (edges aligned as
    /// in a band list), then every column as wide as its widest key or cell, right-aligned.
    fn grid(&mut self, level: usize, g: &Grid) {
        let edge = |f: &Self, e: &Option<Expr>| e.as_ref().map(|e| f.expr(e)).unwrap_or_default();
        let key = |f: &Self, k: &GridKey| match k {
            GridKey::Text { value, .. } => quote(value),
            GridKey::Band { lo, hi, .. } => {
                let (lo, hi) = (edge(f, lo), edge(f, hi));
                match (lo.is_empty(), hi.is_empty()) {
                    (true, true) => "..".to_string(),
                    (true, false) => format!(".. {hi}"),
                    (false, true) => format!("{lo} .."),
                    (false, false) => format!("{lo} .. {hi}"),
                }
            }
        };
        // Row keys: bands as `LO .. HI` with the edges lined up, text as written.
        let row_edges: Vec<Option<(String, String)>> = g
            .rows
            .iter()
            .map(|r| match &r.key {
                GridKey::Band { lo, hi, .. } => Some((edge(self, lo), edge(self, hi))),
                GridKey::Text { .. } => None,
            })
            .collect();
        let wl = row_edges
            .iter()
            .flatten()
            .map(|e| width(&e.0))
            .max()
            .unwrap_or(0);
        let wh = row_edges
            .iter()
            .flatten()
            .map(|e| width(&e.1))
            .max()
            .unwrap_or(0);
        let row_keys: Vec<String> = g
            .rows
            .iter()
            .zip(&row_edges)
            .map(|(r, e)| match e {
                Some((lo, hi)) => {
                    let mut t = String::new();
                    if wl > 0 {
                        t.push_str(lo);
                        t.push_str(&spaces(wl - width(lo) + 1));
                    }
                    t.push_str("..");
                    if wh > 0 {
                        t.push_str(&spaces(wh - width(hi) + 1));
                        t.push_str(hi);
                    }
                    t.trim_end().to_string()
                }
                None => key(self, &r.key),
            })
            .collect();
        let heads: Vec<String> = g.columns.iter().map(|k| key(self, k)).collect();
        let cells: Vec<Vec<String>> = g
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                // Before a row open below, `VALUE - 5` and `..` would read as a key `-5 ..`
                // (as in a band list): keep such a last cell in parentheses.
                let next_open = matches!(
                    g.rows.get(i + 1).map(|n| &n.key),
                    Some(GridKey::Band { lo: None, .. })
                );
                let last = r.cells.len().saturating_sub(1);
                r.cells
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        let text = self.expr(c);
                        let simple = matches!(
                            c.kind,
                            ExprKind::Lit(_)
                                | ExprKind::Name(_)
                                | ExprKind::Call(..)
                                | ExprKind::Field(..)
                        );
                        if next_open && j == last && !simple {
                            format!("({text})")
                        } else {
                            text
                        }
                    })
                    .collect()
            })
            .collect();
        let w0 = row_keys.iter().map(|k| width(k)).max().unwrap_or(0);
        let ncols = cells
            .iter()
            .map(Vec::len)
            .chain([heads.len()])
            .max()
            .unwrap_or(0);
        let widths: Vec<usize> = (0..ncols)
            .map(|j| {
                cells
                    .iter()
                    .filter_map(|r| r.get(j))
                    .chain(heads.get(j))
                    .map(|t| width(t))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |first: &str, rest: &[String]| -> String {
            let mut t = format!("{first}{}", spaces(w0 - width(first)));
            for (j, c) in rest.iter().enumerate() {
                let w = widths.get(j).copied().unwrap_or(0);
                t.push_str(" | ");
                t.push_str(&spaces(w.saturating_sub(width(c))));
                t.push_str(c);
            }
            if w0 == 0 {
                t = t.trim_start().to_string();
            }
            t
        };
        let text = line("", &heads);
        let end = self.code_end(g.header);
        self.line(level, &text, g.header.start as usize, end, width(&text));
        for ((r, k), c) in g.rows.iter().zip(&row_keys).zip(&cells) {
            let text = line(k, c);
            let end = self.code_end(r.span);
            self.line(level, &text, r.span.start as usize, end, width(&text));
        }
    }

    /// issue 9, tables: a curve's lines: `below:`, the points with their `:` lined up
    /// (`X` right-aligned), `above:`.
    fn curve(
        &mut self,
        level: usize,
        below: Option<&CurveEdge>,
        points: &[CurvePoint],
        above: Option<&CurveEdge>,
    ) {
        let edge = |f: &mut Self, k: K, e: &CurveEdge| {
            let text = format!("{k}: {}", e.rule.name);
            let end = f.code_end(e.span);
            f.line(level, &text, e.span.start as usize, end, width(&text));
        };
        if let Some(e) = below {
            edge(self, K::Below, e);
        }
        let xs: Vec<String> = points.iter().map(|p| self.expr(&p.x)).collect();
        let wx = xs.iter().map(|x| width(x)).max().unwrap_or(0);
        for (p, x) in points.iter().zip(xs) {
            let text = format!("{}{x} : {}", spaces(wx - width(&x)), self.expr(&p.y));
            let end = self.code_end(p.span);
            self.line(level, &text, p.span.start as usize, end, width(&text));
        }
        if let Some(e) = above {
            edge(self, K::Above, e);
        }
    }

    fn bands(&mut self, level: usize, bands: &[Band]) {
        let cells: Vec<(String, String, String)> = bands
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut value = self.expr(&b.value);
                // Before a band open below, `VALUE - 5` and `..` would read as a band
                // `-5 ..`: keep such a value in parentheses.
                let next_open = bands.get(i + 1).is_some_and(|n| n.lo.is_none());
                if next_open
                    && !matches!(
                        b.value.kind,
                        ExprKind::Lit(_)
                            | ExprKind::Name(_)
                            | ExprKind::Call(..)
                            | ExprKind::Field(..)
                    )
                {
                    value = format!("({value})");
                }
                (
                    b.lo.as_ref().map(|e| self.expr(e)).unwrap_or_default(),
                    b.hi.as_ref().map(|e| self.expr(e)).unwrap_or_default(),
                    value,
                )
            })
            .collect();
        let wl = cells.iter().map(|c| width(&c.0)).max().unwrap_or(0);
        let wh = cells.iter().map(|c| width(&c.1)).max().unwrap_or(0);
        let wv = cells.iter().map(|c| width(&c.2)).max().unwrap_or(0);
        for (b, (lo, hi, value)) in bands.iter().zip(cells) {
            let mut text = String::new();
            if wl > 0 {
                text.push_str(&lo);
                text.push_str(&spaces(wl - width(&lo) + 1));
            }
            text.push_str("..");
            if wh > 0 {
                text.push_str(&spaces(wh - width(&hi) + 1));
                text.push_str(&hi);
            }
            text.push_str(" : ");
            let pad = width(&text) + wv;
            text.push_str(&value);
            let end = self.code_end(b.span);
            self.line(level, &text, b.span.start as usize, end, pad);
        }
    }

    fn test(&mut self, level: usize, t: &TestDecl) {
        let start = t.span.start as usize;
        let (open, close) = self.braces(t.span, t.name_span.end as usize);
        let empty = t.rows.is_empty() && t.files.is_empty() && t.expects.is_empty();
        let header = format!("{} {}", K::Test, quote(&t.name));
        if !self.open_block(level, &header, start, open, close, empty) {
            return;
        }
        let table_width = t
            .rows
            .iter()
            .map(|r| width(&r.table.name))
            .max()
            .unwrap_or(0);
        // Rows, data files and expectations are kept in separate lists: print them in the
        // order they were written.
        let mut items: Vec<(Span, String)> = Vec::new();
        for r in &t.rows {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|(c, v)| format!("{}: {}", c.name, self.expr(v)))
                .collect();
            let pad = spaces(table_width - width(&r.table.name));
            let text = if fields.is_empty() {
                format!("{}{pad} {{}}", r.table.name)
            } else {
                row_text(
                    &format!("{}{pad} {{ ", r.table.name),
                    &fields,
                    (level + 1) * 2,
                )
            };
            items.push((r.span, text));
        }
        for (table, path, span) in &t.files {
            items.push((
                *span,
                format!("{} {} = {}", K::Data, table.name, quote(path)),
            ));
        }
        for e in &t.expects {
            let text = match &e.kind {
                ExpectKind::Value {
                    name,
                    op,
                    value,
                    within,
                } => {
                    let mut s = format!(
                        "{} {} {} {} {} {} {} {}",
                        K::Expect,
                        name.name,
                        K::For,
                        quote(&e.participant.0),
                        K::In,
                        e.period.0,
                        op.symbol(),
                        self.expr(value)
                    );
                    if let Some(w) = within {
                        s.push_str(&format!(" {} {}", K::Within, self.expr(w)));
                    }
                    s
                }
                ExpectKind::Error { containing } => format!(
                    "{} {} {} {} {} {} {} {}",
                    K::Expect,
                    K::Error,
                    K::For,
                    quote(&e.participant.0),
                    K::In,
                    e.period.0,
                    K::Containing,
                    quote(containing)
                ),
            };
            items.push((e.span, text));
        }
        items.sort_by_key(|(s, _)| s.start);
        for (span, text) in items {
            let end = self.code_end(span);
            self.line(level + 1, &text, span.start as usize, end, 0);
        }
        self.close_block(level, close);
    }

    /// `HEAD EXPR [when COND]` on one line, or broken when it is too long.
    fn definition(
        &mut self,
        level: usize,
        head: &str,
        expr: &Expr,
        when: Option<&Expr>,
        start: usize,
        end: usize,
    ) {
        self.definition_with(level, head, expr, when, None, start, end)
    }

    /// [`Self::definition`] followed by `tail` (`may be negative`): on the last line when it
    /// fits, else on a line of its own.
    #[allow(clippy::too_many_arguments)]
    fn definition_with(
        &mut self,
        level: usize,
        head: &str,
        expr: &Expr,
        when: Option<&Expr>,
        tail: Option<&str>,
        start: usize,
        end: usize,
    ) {
        let indent = level * 2;
        let value = self.pieces(expr);
        let cond = when.map(|w| self.pieces(w));
        let mut one = format!("{head}{}", join(&value));
        if let Some(c) = &cond {
            one.push_str(&format!(" {} ", K::When));
            one.push_str(&join(c));
        }
        let text = if indent + width(&one) <= MAX_WIDTH {
            one
        } else {
            let col = indent + width(head);
            let mut text = broken(head, &value, indent, col);
            if let Some(c) = &cond {
                text.push('\n');
                text.push_str(&spaces(col));
                text.push_str(&broken("when ", c, col, col + 5));
            }
            text
        };
        let text = match tail {
            None => text,
            Some(t) => {
                let last = text.rsplit('\n').next().unwrap_or(&text);
                let last_col = if text.contains('\n') { 0 } else { indent };
                if last_col + width(last) + 1 + width(t) <= MAX_WIDTH {
                    format!("{text} {t}")
                } else {
                    format!("{text}\n{}{t}", spaces(indent + width(head)))
                }
            }
        };
        self.line(level, &text, start, end, 0);
    }
}

fn type_name(t: &TypeName) -> String {
    match t {
        TypeName::Text => "text".into(),
        TypeName::Bool => "bool".into(),
        TypeName::Integer => "integer".into(),
        TypeName::Number => "number".into(),
        TypeName::Percent => "percent".into(),
        TypeName::Money(None) => "money".into(),
        TypeName::Money(Some(c)) => format!("money({})", c.name),
        TypeName::MoneyIn(c) => format!("money in {}", c.name),
        TypeName::Date => "date".into(),
        TypeName::Days => "days".into(),
    }
}

/// Whether two units mean the same: equal but for their spans, numbers compared with their
/// written scale (`2.0` is not `2`: the checker types them differently). See [`SameShape`].
pub fn same_meaning(a: &Unit, b: &Unit) -> bool {
    a.same_shape(b)
}

/// issue 9, tables: `[lo, hi)` / `(lo, hi]` as written (spaces normalised).
fn closedness(c: &Closedness) -> String {
    format!(
        "{}lo, hi{}",
        if c.lo_closed { '[' } else { '(' },
        if c.hi_closed { ']' } else { ')' }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceFile;
    use crate::syntax::parser::parse_unit;

    fn parse(text: &str) -> Unit {
        let src = SourceFile::new("t.plan", text);
        match parse_unit(&src) {
            Ok(u) => u,
            Err(d) => panic!("{}\n{text}", crate::diagnostics::render_plain(&[d], 100)),
        }
    }

    /// Format `text` and check the guarantees: the result parses to the same plan, keeps
    /// every comment, and formats to itself.
    fn fmt(text: &str) -> String {
        let unit = parse(text);
        let out = format(text, &unit);
        let again = parse(&out);
        assert!(
            same_meaning(&unit, &again),
            "meaning changed:\n{text}\n---\n{out}"
        );
        assert_eq!(comment_texts(text), comment_texts(&out), "comments:\n{out}");
        assert_eq!(format(&out, &again), out, "not idempotent:\n{out}");
        out
    }

    /// One expression, formatted.
    fn ex(e: &str) -> String {
        let out = fmt(&format!("plan \"T\" {{\n  kpi x = {e}\n}}\n"));
        out.lines()
            .nth(1)
            .and_then(|l| l.strip_prefix("  kpi x = "))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{out}"))
    }

    #[test]
    fn parentheses_are_the_fewest_the_precedence_needs() {
        for (input, want) in [
            ("(1 + 2) * 3", "(1 + 2) * 3"),
            ("1 + (2 * 3)", "1 + 2 * 3"),
            ("(a - b) - c", "a - b - c"),
            ("a - (b - c)", "a - (b - c)"),
            ("a / (b * c)", "a / (b * c)"),
            ("((((a))))", "a"),
            ("-(a)", "-a"),
            ("-(a + b)", "-(a + b)"),
            ("(-a) * b", "-a * b"),
            ("-(a * b)", "-(a * b)"),
            ("-(a.b)", "-a.b"),
            ("(-a).b", "(-a).b"),
            ("- (-a)", "--a"),
            ("a - (-b)", "a - -b"),
            ("(rows where c).x", "(rows where c).x"),
            ("(r where a) where b", "(r where a) where b"),
            ("r where (a where b)", "r where a where b"),
            ("(r where a) + 1", "(r where a) + 1"),
            ("1 + (r where a)", "1 + r where a"),
            ("not (a and b)", "not (a and b)"),
            ("not (a == b)", "not a == b"),
            ("(not a) == b", "(not a) == b"),
            ("a and (not b)", "a and not b"),
            ("(a * (not b)) + c", "a * (not b) + c"),
            ("a * (not b)", "a * not b"),
            ("- (not a)", "-not a"),
            ("(a or b) and c", "(a or b) and c"),
            ("a or (b and c)", "a or b and c"),
            ("(a otherwise b) otherwise c", "a otherwise b otherwise c"),
            ("a otherwise (b otherwise c)", "a otherwise (b otherwise c)"),
            ("(a / b) otherwise 0%", "a / b otherwise 0%"),
            ("a / (b otherwise 1)", "a / (b otherwise 1)"),
            ("(a.b).c", "a.b.c"),
            ("f((a + b), per: (q))", "f(a + b, per: q)"),
            ("round(x,0.01,half-up)", "round(x, 0.01, half-up)"),
            ("half - even", "half-even"),
            ("(a < b) == (c > d)", "a < b == (c > d)"),
            ("((a < b) == c) > d", "a < b == c > d"),
            ("a < (b == c)", "a < (b == c)"),
        ] {
            assert_eq!(ex(input), want, "{input}");
        }
    }

    #[test]
    fn literals_have_one_spelling() {
        assert_eq!(ex("300 EUR + 300   EUR"), "300 EUR + 300 EUR");
        // Digits as written, `_` separators kept.
        assert_eq!(ex("1_000_000.50"), "1_000_000.50");
        assert_eq!(ex("12.50%"), "12.50%");
        assert_eq!(ex("1_0%"), "1_0%");
        assert_eq!(ex("1_500 EUR + 1_500  EUR"), "1_500 EUR + 1_500 EUR");
        assert_eq!(ex("1_000   days"), "1_000 days");
        assert_eq!(ex("a + (0.10%) * (2_0)"), "a + 0.10% * 2_0");
        assert_eq!(ex("30   days"), "30 days");
        assert_eq!(ex("2026-02-28"), "2026-02-28");
        assert_eq!(
            ex("\"a \\\"q\\\" \\\\ \\n\tb\""),
            "\"a \\\"q\\\" \\\\ \\n\\tb\""
        );
        assert_eq!(ex("true == false"), "true == false");
        assert_eq!(ex("-5%"), "-5%");
        assert_eq!(
            ex("\"// not a comment /* either */\""),
            "\"// not a comment /* either */\""
        );
    }

    #[test]
    fn a_split_credit_is_printed_back_on_one_line_or_two() {
        // issue 10, splits: on the credit's line when it fits in 100 columns, else the
        // `split by …` clause on the next line, indented once more.
        let plan = |credit: &str| {
            format!(
                "plan \"P\" {{\n  currency EUR\n  periods monthly from 2026-01-01 to 2026-12-31\n  \
                 input r key id {{\n    id: text\n  }}\n  input d key k {{\n    k: text\n    day: date\n  }}\n  \
                 input s {{\n    k: text\n    id: text\n    p: percent\n    role_of_the_participant: text\n  }}\n\n  \
                 participants r\n{credit}\n}}\n"
            )
        };
        let short = "  credit d to id by day split by s share p";
        assert_eq!(
            fmt(&plan("  credit d to id by day\n    split  by s share p")),
            plan(short)
        );
        let long = "  credit d to id by day\n    split by s share p role role_of_the_participant overlay \"Overlay \\\"top\\\" role\"";
        assert_eq!(fmt(&plan(&long.replace("\n    ", " "))), plan(long));
        assert_eq!(fmt(&plan(long)), plan(long));
    }

    #[test]
    fn a_messy_plan_gets_the_canonical_layout() {
        let messy = "// head\n\n\n\nplan   \"P\"{currency EUR periods monthly from 2026-01-01 to 2026-12-31\n\
            input deals key id{id:text amount : money ( EUR )? = 0  EUR   // a column\n\
            day:date}\n\n\n\n  participants deals credit deals to id by day\n\
            let won = deals where (amount >= 1_000 EUR)   // trailing\n\
            /* own line */\n\
            kpi a : percent = ((1 + 2) * 3) otherwise (0%)\n\
            kpi b =\n   a // inside\n   + 1\n\
            rates t by a { ..10%:1 EUR 10% .. 200%: 20 EUR   // mid\n  200%..: 300 EUR}\n\
            payout p = 1 EUR when a >= 25%\n\
            cap p at 10 EUR\n\n\n// before the end\n}";
        let want = "// head\n\nplan \"P\" {\n  currency EUR\n  periods monthly from 2026-01-01 to 2026-12-31\n  \
            input deals key id {\n    id: text\n    amount: money(EUR)? = 0 EUR // a column\n    day: date\n  }\n\n  \
            participants deals\n  credit deals to id by day\n  \
            let won = deals where amount >= 1_000 EUR // trailing\n  /* own line */\n  \
            kpi a: percent = (1 + 2) * 3 otherwise 0%\n  // inside\n  kpi b = a + 1\n  \
            rates t by a {\n         ..  10% : 1 EUR\n    10%  .. 200% : 20 EUR  // mid\n    200% ..      : 300 EUR\n  }\n  \
            payout p = 1 EUR when a >= 25%\n  cap p at 10 EUR\n\n  // before the end\n}\n";
        assert_eq!(fmt(messy), want);
    }

    #[test]
    fn comments_stay_where_they_were() {
        let text = "/* a\n   block */ plan /* in header */ \"P\" { // after brace\n  \
            // leading\n  kpi a = 1 /* t1 */ // t2\n  kpi b = 2 * /* inside */ 3\n\
            \n\n  // dangling\n} // after plan\n// eof\n";
        let out = fmt(text);
        assert_eq!(
            out,
            "/* a\n   block */\n/* in header */\nplan \"P\" { // after brace\n  // leading\n  \
             kpi a = 1 /* t1 */ // t2\n  /* inside */\n  kpi b = 2 * 3\n\n  // dangling\n} // after plan\n// eof\n"
        );
    }

    #[test]
    fn blank_lines_collapse_to_one_and_never_open_or_close_a_block() {
        let out = fmt("plan \"P\" {\n\n\n  kpi a = 1\n\n\n\n  kpi b = 2\n  kpi c = 3\n\n}\n\n\n");
        assert_eq!(
            out,
            "plan \"P\" {\n  kpi a = 1\n\n  kpi b = 2\n  kpi c = 3\n}\n"
        );
    }

    #[test]
    fn long_definitions_break_at_when_then_at_the_loosest_operators() {
        let long = "count(activities where kind == \"email_reply\")";
        let out = fmt(&format!(
            "plan \"P\" {{ kpi reply_rate: percent = {long} / count(activities where kind == \"sent\") otherwise 0%\n\
             payout the_commission_payout = marginal(commission_rate, bookings, per: quota) when attainment >= 125%\n\
             payout short = 1 EUR when a }}"
        ));
        assert_eq!(
            out,
            format!(
                "plan \"P\" {{\n  kpi reply_rate: percent = {long}\n                            \
                 / count(activities where kind == \"sent\")\n                            otherwise 0%\n  \
                 payout the_commission_payout = marginal(commission_rate, bookings, per: quota)\n                                 \
                 when attainment >= 125%\n  payout short = 1 EUR when a\n}}\n"
            )
        );
        assert!(out.lines().all(|l| l.chars().count() <= MAX_WIDTH), "{out}");
    }

    #[test]
    fn test_files_and_test_blocks() {
        let text = "tests for \"plan.plan\"\n// about t\ntest \"t\" { reps { id: \"r1\", quota: 400_000 EUR }\n\
            deals {}  expect x for \"r1\" in 2026-Q1 == -5 EUR within 0.01 EUR\n\
            data reps = \"r.csv\" expect error for \"r1\" in 2026-Q2 containing \"no \\\"x\\\"\" }\n\
            test \"empty\" {}\n";
        assert_eq!(
            fmt(text),
            "tests for \"plan.plan\"\n// about t\ntest \"t\" {\n  reps  { id: \"r1\", quota: 400_000 EUR }\n  \
             deals {}\n  expect x for \"r1\" in 2026-Q1 == -5 EUR within 0.01 EUR\n  data reps = \"r.csv\"\n  \
             expect error for \"r1\" in 2026-Q2 containing \"no \\\"x\\\"\"\n}\ntest \"empty\" {}\n"
        );
    }

    #[test]
    fn empty_blocks_and_crlf() {
        assert_eq!(
            fmt("plan \"P\" {\r\n  input t {}\r\n  rates r { } // none\r\n}\r\n"),
            "plan \"P\" {\n  input t {}\n  rates r {} // none\n}\n"
        );
        assert_eq!(fmt("plan \"P\" {}"), "plan \"P\" {}\n");
        assert_eq!(fmt("plan \"P\" { /* x */ }"), "plan \"P\" { /* x */\n}\n");
        assert_eq!(
            fmt("plan \"P\" {\n/* x */ }"),
            "plan \"P\" {\n  /* x */\n}\n"
        );
    }

    #[test]
    fn the_example_plans_keep_their_meaning_and_comments() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for rel in [
            "plans/field-sales/plan.plan",
            "plans/sdr/plan.plan",
            "tests/plans/kinds/plan.plan",
        ] {
            let text = std::fs::read_to_string(root.join(rel)).expect("example plan");
            fmt(&text);
        }
    }

    #[test]
    fn spans_are_erased_for_comparison() {
        let a = parse("plan \"P\" { kpi a = 1 + 2 }");
        let b = parse("plan \"P\" {\n\n  kpi   a =\n 1+2 }");
        assert_ne!(a, b);
        assert!(a.same_shape(&b));
        assert!(same_meaning(&a, &b));
        let c = parse("plan \"P\" { kpi a = 1 + 2.0 }");
        assert!(!same_meaning(&a, &c), "2 and 2.0 type differently");
    }
}
