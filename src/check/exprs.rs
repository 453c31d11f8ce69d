//! Expressions: resolve names, check types and units, build typed IR.

use super::{units, Checker, Other};
use crate::diagnostics::suggest;
use crate::ir::{self, Across, AggFunc, ExprKind as K, RatesMode, RowSet, TableId, Value};
use crate::syntax::ast::{self, ExprKind, Literal, RoundingMode};
use crate::syntax::Span;
use crate::types::Type;

const FUNCTIONS: &[&str] = &[
    "sum",
    "count",
    "avg",
    "min",
    "max",
    "count_distinct",
    "marginal",
    "flat",
    "lookup",
    "prorate",
    "ytd",
    "prior",
    "period_total",
    "team",
    "org",
    "round",
    "abs",
    "present",
    "period_start",
    "period_end",
];

fn poisoned(span: Span) -> ir::Expr {
    ir::Expr {
        kind: K::Const(Value::Num(crate::num::Num::ZERO)),
        ty: Type::Error,
        span,
    }
}

fn typed(kind: K, ty: Type, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

impl Checker<'_> {
    fn depend_on(&mut self, d: ir::DefId) {
        if let Some(top) = self.dep_stack.last_mut() {
            top.insert(d);
        }
    }

    /// Check an expression evaluated per participant and period (`row`: inside a `where` over that table).
    pub(super) fn expr(&mut self, e: &ast::Expr, row: Option<TableId>) -> ir::Expr {
        let span = e.span;
        match &e.kind {
            ExprKind::Lit(lit) => {
                let v = match lit {
                    Literal::Number(n)
                    | Literal::Percent(n)
                    | Literal::Money(n, _)
                    | Literal::Days(n) => Value::Num((*n).into()),
                    Literal::Date(d) => Value::Date(crate::calendar::day(*d)),
                    Literal::Text(s) => Value::Text(self.strings.intern(s)),
                    Literal::Bool(b) => Value::Bool(*b),
                };
                typed(K::Const(v), lit.ty(), span)
            }
            ExprKind::Name(id) => self.name(id, row),
            // Where no mode is expected, `half-up` is the name `half` minus the name `up`.
            ExprKind::Mode(_) => match e.as_subtraction() {
                Some(sub) => self.expr(&sub, row),
                None => poisoned(span),
            },
            ExprKind::Field(..) | ExprKind::Where(..) => {
                if let Some(rows) = self.try_rowset_quiet(e) {
                    let t = &self.tables[rows].name;
                    let msg = format!("a set of rows of `{t}` cannot be used as a value");
                    self.error(
                        "ignition::check::rows_as_value",
                        span,
                        msg,
                        "rows",
                        "aggregate them, e.g. `count(…)` or `sum(rows.amount)`",
                    );
                } else {
                    // Let the row-set checker say what is wrong with it.
                    let _ = self.rowset(e);
                }
                poisoned(span)
            }
            ExprKind::Call(f, args) => self.call(f, args, span, row),
            ExprKind::Binary(op, la, ra) => {
                let l = self.expr(la, row);
                let r = self.expr(ra, row);
                if op.is_comparison() {
                    if l.ty == Type::Percent {
                        self.bare_number_for_percent(ra, &la.span);
                    }
                    if r.ty == Type::Percent {
                        self.bare_number_for_percent(la, &ra.span);
                    }
                }
                match units::binary(*op, &l.ty, &r.ty) {
                    Ok(ty) => typed(K::Binary(*op, Box::new(l), Box::new(r)), ty, span),
                    Err(u) => {
                        let label =
                            format!("{} {} {}", l.ty.described(), op.symbol(), r.ty.described());
                        self.error("ignition::check::units", span, u.message, label, u.help);
                        poisoned(span)
                    }
                }
            }
            ExprKind::Neg(inner) => {
                let i = self.expr(inner, row);
                if i.ty.is_numeric() || i.ty == Type::Error {
                    let ty = i.ty.clone();
                    typed(K::Neg(Box::new(i)), ty, span)
                } else {
                    self.error(
                        "ignition::check::units",
                        span,
                        format!("cannot negate {}", i.ty.described()),
                        "not a number",
                        "only numbers and amounts have a sign",
                    );
                    poisoned(span)
                }
            }
            ExprKind::Not(inner) => {
                let i = self.expr(inner, row);
                if !i.ty.compatible(&Type::Bool) {
                    self.error(
                        "ignition::check::units",
                        span,
                        format!("`not` needs a condition, found {}", i.ty.described()),
                        "not a condition",
                        "write e.g. `not (stage == \"Open\")`",
                    );
                    return poisoned(span);
                }
                typed(K::Not(Box::new(i)), Type::Bool, span)
            }
            ExprKind::Otherwise(a, b) => {
                let a = self.expr(a, row);
                let b = self.expr(b, row);
                if !units::fallback_fits(&a.ty, &b.ty) {
                    let hint = match &a.ty {
                        Type::Money(c) => {
                            format!("write the fallback as an amount, e.g. `otherwise 0 {c}`")
                        }
                        t => format!("the fallback must be {} too", t.described()),
                    };
                    self.error(
                        "ignition::check::units",
                        b.span,
                        format!(
                            "the fallback is {} but the value is {}",
                            b.ty.described(),
                            a.ty.described()
                        ),
                        "fallback of another kind",
                        hint,
                    );
                    return poisoned(span);
                }
                let ty = if a.ty == Type::Error {
                    b.ty.clone()
                } else {
                    a.ty.clone()
                };
                typed(K::Otherwise(Box::new(a), Box::new(b)), ty, span)
            }
        }
    }

    /// A bare number compared with a percent (`attainment >= 30`) reads as a fraction
    /// (3000%): almost always a `%` left out. 0 and 1 mean the same either way (0%, 100%).
    fn bare_number_for_percent(&mut self, e: &ast::Expr, percent: &Span) {
        let Some(v) = super::rates::bare_number(e) else {
            return;
        };
        let written = self.text_of(e.span).to_string();
        let other = self.text_of(*percent).to_string();
        let msg = format!(
            "`{written}` is compared with the percent `{other}` as a bare number, which reads as the fraction {written}{}",
            super::rates::as_percent(v)
        );
        let help = super::rates::percent_hint(&written, v);
        self.error(
            "ignition::check::bare_number_for_percent",
            e.span,
            msg,
            "a bare number, not a percent",
            help,
        );
    }

    fn text_of(&self, span: Span) -> &str {
        self.src
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    fn name(&mut self, id: &ast::Ident, row: Option<TableId>) -> ir::Expr {
        let span = id.span;
        if let Some(t) = row {
            if let Some(c) = self.tables[t].column(&id.name) {
                let ty = self.tables[t].columns[c].ty.clone();
                return typed(K::RowCol(c), ty, span);
            }
        }
        if let Some(&d) = self.def_names.get(&id.name) {
            self.used.insert(id.name.clone());
            let ty = self.ensure_def(d);
            self.depend_on(d);
            return typed(K::Def(d), ty, span);
        }
        if let Some(p) = self.participants {
            if let Some(c) = self.tables[p].column(&id.name) {
                let ty = self.tables[p].columns[c].ty.clone();
                return typed(K::Param(c), ty, span);
            }
        }
        match self.others.get(&id.name).copied() {
            Some(Other::RowSet(_)) => {
                self.used.insert(id.name.clone());
                self.error(
                    "ignition::check::rows_as_value",
                    span,
                    format!("`{}` is a set of rows, not a value", id.name),
                    "rows",
                    format!(
                        "aggregate it, e.g. `count({0})` or `sum({0}.amount)`",
                        id.name
                    ),
                );
                return poisoned(span);
            }
            Some(Other::Rates(_)) => {
                self.used.insert(id.name.clone());
                self.error("ignition::check::rates_as_value", span, format!("`{}` is a rate table, not a value", id.name), "rate table", format!("apply it: `marginal({0}, base, per: scale)`, `flat({0}, x)` or `lookup({0}, x)`", id.name));
                return poisoned(span);
            }
            None => {}
        }
        if self.table_names.contains_key(&id.name) {
            self.error(
                "ignition::check::rows_as_value",
                span,
                format!("`{}` is an input table, not a value", id.name),
                "table",
                format!("aggregate it, e.g. `count({})`", id.name),
            );
            return poisoned(span);
        }
        let mut candidates: Vec<String> = self.def_names.keys().cloned().collect();
        candidates.extend(self.others.keys().cloned());
        if let Some(p) = self.participants {
            candidates.extend(self.tables[p].columns.iter().map(|c| c.name.clone()));
        }
        if let Some(t) = row {
            candidates.extend(self.tables[t].columns.iter().map(|c| c.name.clone()));
        }
        candidates.sort();
        let hint = suggest(&id.name, candidates.iter().map(String::as_str), || {
            "define it with `kpi`, `let` or `payout`, or declare it as a column".to_string()
        });
        self.error(
            "ignition::check::unknown_name",
            span,
            format!("unknown name `{}`", id.name),
            "not defined",
            hint,
        );
        poisoned(span)
    }

    /// The table of a row-set expression, without reporting anything.
    fn try_rowset_quiet(&self, e: &ast::Expr) -> Option<TableId> {
        match &e.kind {
            ExprKind::Name(n) => {
                self.table_names
                    .get(&n.name)
                    .copied()
                    .or_else(|| match self.others.get(&n.name) {
                        Some(Other::RowSet(i)) => self.try_rowset_quiet(self.rowsets[*i].1),
                        _ => None,
                    })
            }
            ExprKind::Where(inner, _) => self.try_rowset_quiet(inner),
            _ => None,
        }
    }

    /// Resolve a row-set expression: a credited table or a `let` row set, with `where` filters.
    fn rowset(&mut self, e: &ast::Expr) -> Option<RowSet> {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(&t) = self.table_names.get(&n.name) {
                    if self.credits[t].is_none() {
                        let msg = format!("`{}` is not credited to participants, so it cannot be aggregated per participant", n.name);
                        self.error(
                            "ignition::check::not_credited",
                            e.span,
                            msg,
                            "not credited",
                            format!(
                                "add `credit {} to <participant column> by <date column>`",
                                n.name
                            ),
                        );
                        return None;
                    }
                    return Some(RowSet {
                        table: t,
                        filters: Vec::new(),
                    });
                }
                match self.others.get(&n.name).copied() {
                    Some(Other::RowSet(i)) => {
                        self.used.insert(n.name.clone());
                        if self.rowset_busy[i] {
                            self.error(
                                "ignition::check::cycle",
                                e.span,
                                format!("the row set `{}` is defined from itself", n.name),
                                "here",
                                "define a row set from an input table",
                            );
                            return None;
                        }
                        self.rowset_busy[i] = true;
                        let def = self.rowsets[i].1;
                        let r = self.rowset(def);
                        self.rowset_busy[i] = false;
                        r
                    }
                    _ => {
                        let mut cands: Vec<String> = self.table_names.keys().cloned().collect();
                        cands.extend(
                            self.others
                                .iter()
                                .filter(|(_, o)| matches!(o, Other::RowSet(_)))
                                .map(|(k, _)| k.clone()),
                        );
                        cands.sort();
                        let hint = suggest(&n.name, cands.iter().map(String::as_str), || {
                            "aggregate an input table or a row set defined with `let … = … where …`"
                                .to_string()
                        });
                        self.error(
                            "ignition::check::not_rows",
                            e.span,
                            format!("`{}` is not a set of rows", n.name),
                            "not rows",
                            hint,
                        );
                        None
                    }
                }
            }
            ExprKind::Where(inner, cond) => {
                let mut rs = self.rowset(inner)?;
                let c = self.expr(cond, Some(rs.table));
                if !c.ty.compatible(&Type::Bool) {
                    self.error(
                        "ignition::check::units",
                        cond.span,
                        format!("`where` needs a condition, found {}", c.ty.described()),
                        "not a condition",
                        "write e.g. `where stage == \"Closed Won\"`",
                    );
                    return None;
                }
                rs.filters.push(c);
                Some(rs)
            }
            _ => {
                self.error(
                    "ignition::check::not_rows",
                    e.span,
                    "expected a set of rows",
                    "not rows",
                    "name an input table or a row set, optionally with `where …`",
                );
                None
            }
        }
    }

    fn positional<'a>(
        &mut self,
        f: &ast::Ident,
        args: &'a [ast::Arg],
        names: &[&str],
        min: usize,
        span: Span,
    ) -> Option<Vec<Option<&'a ast::Expr>>> {
        let mut out: Vec<Option<&ast::Expr>> = vec![None; names.len()];
        let mut pos = 0;
        for a in args {
            match &a.name {
                Some(n) => match names.iter().position(|x| *x == n.name) {
                    Some(i) => out[i] = Some(&a.value),
                    None => {
                        let hint = format!("`{}` takes: {}", f.name, names.join(", "));
                        self.error(
                            "ignition::check::argument",
                            n.span,
                            format!("`{}` has no argument `{}`", f.name, n.name),
                            "unknown argument",
                            hint,
                        );
                        return None;
                    }
                },
                None => {
                    if pos >= names.len() {
                        self.error(
                            "ignition::check::argument",
                            a.value.span,
                            format!("`{}` takes at most {} arguments", f.name, names.len()),
                            "one too many",
                            format!("`{}` takes: {}", f.name, names.join(", ")),
                        );
                        return None;
                    }
                    out[pos] = Some(&a.value);
                    pos += 1;
                }
            }
        }
        if let Some(missing) = out.iter().take(min).position(Option::is_none) {
            self.error(
                "ignition::check::argument",
                span,
                format!("`{}` needs its `{}` argument", f.name, names[missing]),
                "missing argument",
                format!("`{}` takes: {}", f.name, names.join(", ")),
            );
            return None;
        }
        Some(out)
    }

    fn call(
        &mut self,
        f: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let agg = match f.name.as_str() {
            "sum" => Some(AggFunc::Sum),
            "count" => Some(AggFunc::Count),
            "avg" => Some(AggFunc::Avg),
            "min" if args.len() == 1 => Some(AggFunc::Min),
            "max" if args.len() == 1 => Some(AggFunc::Max),
            "count_distinct" => Some(AggFunc::CountDistinct),
            _ => None,
        };
        if let Some(func) = agg {
            return self.aggregate(func, f, args, span);
        }
        match f.name.as_str() {
            "min" | "max" => {
                if args.is_empty() {
                    self.error("ignition::check::argument", span, format!("`{}` needs values to compare", f.name), "no values", format!("write e.g. `{}(reply_rate / 20%, 1.2)`, or `{}(rows.column)` over rows", f.name, f.name));
                    return poisoned(span);
                }
                let vals: Vec<ir::Expr> = args.iter().map(|a| self.expr(&a.value, row)).collect();
                let ty = vals
                    .iter()
                    .map(|v| v.ty.clone())
                    .find(|t| *t != Type::Error)
                    .unwrap_or(Type::Error);
                for v in &vals {
                    if !v.ty.compatible(&ty)
                        || !(v.ty.is_numeric() || v.ty == Type::Date || v.ty == Type::Error)
                    {
                        self.error(
                            "ignition::check::units",
                            v.span,
                            format!(
                                "`{}` compares values of one kind; this is {}",
                                f.name,
                                v.ty.described()
                            ),
                            "different kind",
                            "give values of the same unit",
                        );
                        return poisoned(span);
                    }
                }
                // A value that failed to check (e.g. in a cycle) hides the result's unit.
                let ty = if vals.iter().any(|v| v.ty == Type::Error) {
                    Type::Error
                } else if vals.iter().all(|v| v.ty == ty) {
                    ty
                } else {
                    Type::Number
                };
                let kind = if f.name == "min" {
                    K::Min(vals)
                } else {
                    K::Max(vals)
                };
                typed(kind, ty, span)
            }
            "marginal" | "flat" | "lookup" => self.rates_call(f, args, span, row),
            "prorate" => {
                let Some(a) = self.positional(f, args, &["value", "from", "to"], 1, span) else {
                    return poisoned(span);
                };
                let value = a[0].map(|e| self.expr(e, row));
                let from = a[1].map(|e| self.expr(e, row));
                let to = a[2].map(|e| self.expr(e, row));
                let value = match value {
                    Some(v) => v,
                    None => return poisoned(span),
                };
                if !(value.ty.is_numeric() || value.ty == Type::Error) {
                    self.error(
                        "ignition::check::units",
                        value.span,
                        format!(
                            "`prorate` needs an amount or a number, found {}",
                            value.ty.described()
                        ),
                        "not a quantity",
                        "prorate e.g. `annual_quota / 4`",
                    );
                    return poisoned(span);
                }
                if from.is_none() && to.is_none() {
                    self.error(
                        "ignition::check::argument",
                        span,
                        "`prorate` needs `from:` and/or `to:`",
                        "nothing to prorate by",
                        "write e.g. `prorate(annual_quota / 4, from: start_date)`",
                    );
                    return poisoned(span);
                }
                for d in from.iter().chain(to.iter()) {
                    if !d.ty.compatible(&Type::Date) {
                        self.error(
                            "ignition::check::units",
                            d.span,
                            format!("`from:` and `to:` are dates, found {}", d.ty.described()),
                            "not a date",
                            "name a date column, e.g. `from: start_date`",
                        );
                        return poisoned(span);
                    }
                }
                let ty = value.ty.clone();
                typed(
                    K::Prorate {
                        value: Box::new(value),
                        from: from.map(Box::new),
                        to: to.map(Box::new),
                    },
                    ty,
                    span,
                )
            }
            "ytd" | "prior" | "period_total" | "team" | "org" => {
                let across = match f.name.as_str() {
                    "ytd" => Across::Ytd,
                    "prior" => Across::Prior,
                    "period_total" => Across::PeriodTotal,
                    "team" => Across::Team,
                    _ => Across::Org,
                };
                let Some(a) = self.positional(f, args, &["value"], 1, span) else {
                    return poisoned(span);
                };
                let Some(inner) = a[0] else {
                    return poisoned(span);
                };
                if row.is_some() {
                    self.error(
                        "ignition::check::argument",
                        span,
                        format!("`{}` cannot be used inside `where`", f.name),
                        "inside a row filter",
                        "compute it as a kpi first and compare with that",
                    );
                    return poisoned(span);
                }
                if matches!(across, Across::Team | Across::Org) && self.manager.is_none() {
                    self.error(
                        "ignition::check::no_hierarchy",
                        span,
                        format!("`{}` needs the participant hierarchy", f.name),
                        "no hierarchy",
                        "declare it: `participants reps managed by manager_id`",
                    );
                    return poisoned(span);
                }
                let v = self.expr(inner, None);
                if across != Across::Prior && !(v.ty.is_numeric() || v.ty == Type::Error) {
                    self.error(
                        "ignition::check::units",
                        v.span,
                        format!("`{}` adds values up; this is {}", f.name, v.ty.described()),
                        "cannot be summed",
                        "give it an amount or a number",
                    );
                    return poisoned(span);
                }
                let ty = v.ty.clone();
                typed(K::Across(across, Box::new(v)), ty, span)
            }
            "round" => {
                let Some(a) = self.positional(f, args, &["value", "to", "mode"], 2, span) else {
                    return poisoned(span);
                };
                let Some(v) = a[0].map(|e| self.expr(e, row)) else {
                    return poisoned(span);
                };
                let inc = a[1].and_then(|e| match &e.kind {
                    ExprKind::Lit(Literal::Number(n)) | ExprKind::Lit(Literal::Money(n, _))
                        if !n.is_zero() =>
                    {
                        Some(*n)
                    }
                    _ => None,
                });
                let Some(increment) = inc else {
                    self.error(
                        "ignition::check::argument",
                        a[1].map_or(span, |e| e.span),
                        "`round` needs a constant increment like 0.01",
                        "not a constant increment",
                        "write e.g. `round(x, 0.01, half-up)`",
                    );
                    return poisoned(span);
                };
                let mode = match a[2] {
                    None => RoundingMode::HalfEven,
                    Some(m) => {
                        let mode = m.rounding_mode();
                        match mode {
                            Some(mode) => mode,
                            _ => {
                                self.error(
                                    "ignition::check::argument",
                                    m.span,
                                    "unknown rounding mode",
                                    "not a mode",
                                    "use half-even, half-up, half-down, up or down",
                                );
                                return poisoned(span);
                            }
                        }
                    }
                };
                if !(v.ty.is_numeric() || v.ty == Type::Error) {
                    self.error(
                        "ignition::check::units",
                        v.span,
                        format!("cannot round {}", v.ty.described()),
                        "not a number",
                        "round numbers and amounts",
                    );
                    return poisoned(span);
                }
                let ty = v.ty.clone();
                typed(
                    K::Round {
                        value: Box::new(v),
                        increment,
                        mode,
                    },
                    ty,
                    span,
                )
            }
            "abs" => {
                let Some(a) = self.positional(f, args, &["value"], 1, span) else {
                    return poisoned(span);
                };
                let Some(v) = a[0].map(|e| self.expr(e, row)) else {
                    return poisoned(span);
                };
                if !(v.ty.is_numeric() || v.ty == Type::Error) {
                    self.error(
                        "ignition::check::units",
                        v.span,
                        format!(
                            "`abs` takes a number or an amount, found {}",
                            v.ty.described()
                        ),
                        "not a number",
                        "give it a number, an amount or a number of days",
                    );
                    return poisoned(span);
                }
                let ty = v.ty.clone();
                typed(K::Abs(Box::new(v)), ty, span)
            }
            "present" => {
                let Some(a) = self.positional(f, args, &["column"], 1, span) else {
                    return poisoned(span);
                };
                let Some(v) = a[0].map(|e| self.expr(e, row)) else {
                    return poisoned(span);
                };
                if !matches!(v.kind, K::Param(_) | K::RowCol(_)) {
                    self.error(
                        "ignition::check::argument",
                        v.span,
                        "`present` takes an optional column",
                        "not a column",
                        "write e.g. `present(manager_id)`",
                    );
                    return poisoned(span);
                }
                typed(K::Present(Box::new(v)), Type::Bool, span)
            }
            "period_start" | "period_end" => {
                if !args.is_empty() {
                    self.error(
                        "ignition::check::argument",
                        span,
                        format!("`{}()` takes no arguments", f.name),
                        "here",
                        "write it with empty parentheses",
                    );
                }
                let kind = if f.name == "period_start" {
                    K::PeriodStart
                } else {
                    K::PeriodEnd
                };
                typed(kind, Type::Date, span)
            }
            _ => {
                let hint = suggest(&f.name, FUNCTIONS.iter().copied(), || {
                    format!("the functions are: {}", FUNCTIONS.join(", "))
                });
                self.error(
                    "ignition::check::unknown_function",
                    f.span,
                    format!("unknown function `{}`", f.name),
                    "not a function",
                    hint,
                );
                poisoned(span)
            }
        }
    }

    fn aggregate(
        &mut self,
        func: AggFunc,
        f: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
    ) -> ir::Expr {
        if args.len() != 1 || args[0].name.is_some() {
            let hint = if func == AggFunc::Count {
                "write e.g. `count(won)`"
            } else {
                "write e.g. `sum(won.amount)`"
            };
            self.error(
                "ignition::check::argument",
                span,
                format!("`{}` takes one set of rows", f.name),
                "here",
                hint,
            );
            return poisoned(span);
        }
        let arg = &args[0].value;
        // `rows.column`, `rows.column where c`, or plain `rows`
        let (rows_expr, column, extra_filter) = match &arg.kind {
            ExprKind::Field(r, c) => (r.as_ref(), Some(c), None),
            ExprKind::Where(inner, cond) => match &inner.kind {
                ExprKind::Field(r, c) => (r.as_ref(), Some(c), Some(cond.as_ref())),
                _ => (arg, None, None),
            },
            _ => (arg, None, None),
        };
        let Some(mut rows) = self.rowset(rows_expr) else {
            return poisoned(span);
        };
        if let Some(cond) = extra_filter {
            let c = self.expr(cond, Some(rows.table));
            if !c.ty.compatible(&Type::Bool) {
                self.error(
                    "ignition::check::units",
                    cond.span,
                    format!("`where` needs a condition, found {}", c.ty.described()),
                    "not a condition",
                    "write e.g. `where stage == \"Closed Won\"`",
                );
                return poisoned(span);
            }
            rows.filters.push(c);
        }
        let col = match column {
            Some(c) => match self.column_ref(rows.table, c) {
                Some(col) => Some((col, self.tables[rows.table].columns[col].ty.clone(), c.span)),
                None => return poisoned(span),
            },
            None => None,
        };
        let ty = match (func, &col) {
            (AggFunc::Count, None) => Type::Integer,
            (AggFunc::Count, Some(_)) => {
                self.error(
                    "ignition::check::argument",
                    arg.span,
                    "`count` counts rows, not a column",
                    "a column",
                    "write `count(rows)`, or `count_distinct(rows.column)` for distinct values",
                );
                return poisoned(span);
            }
            (_, None) => {
                let t = &self.tables[rows.table];
                let example = t
                    .columns
                    .iter()
                    .find(|c| c.ty.is_numeric())
                    .map_or("amount", |c| c.name.as_str());
                self.error(
                    "ignition::check::argument",
                    arg.span,
                    format!("`{}` needs a column to aggregate", f.name),
                    "rows without a column",
                    format!(
                        "write e.g. `{}({}.{example})`",
                        f.name,
                        self.text_of(rows_expr.span)
                    ),
                );
                return poisoned(span);
            }
            (AggFunc::CountDistinct, Some(_)) => Type::Integer,
            (AggFunc::Sum | AggFunc::Avg, Some((_, ty, cspan))) => {
                if !ty.is_numeric() {
                    self.error(
                        "ignition::check::units",
                        *cspan,
                        format!(
                            "cannot {} a {} column",
                            if func == AggFunc::Sum {
                                "sum"
                            } else {
                                "average"
                            },
                            ty
                        ),
                        format!("this column is {}", ty.described()),
                        "use count(…) or count_distinct(…) for text",
                    );
                    return poisoned(span);
                }
                if func == AggFunc::Avg && *ty == Type::Integer {
                    Type::Number
                } else {
                    ty.clone()
                }
            }
            (AggFunc::Min | AggFunc::Max, Some((_, ty, cspan))) => {
                if !(ty.is_numeric() || *ty == Type::Date) {
                    self.error(
                        "ignition::check::units",
                        *cspan,
                        format!("cannot take the {} of {}", f.name, ty.described()),
                        "not ordered",
                        "min and max apply to numbers, amounts and dates",
                    );
                    return poisoned(span);
                }
                ty.clone()
            }
        };
        let column = col.map(|(c, _, _)| c);
        typed(K::Agg { func, rows, column }, ty, span)
    }

    fn rates_call(
        &mut self,
        f: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let mode = match f.name.as_str() {
            "marginal" => RatesMode::Marginal,
            "flat" => RatesMode::Flat,
            _ => RatesMode::Lookup,
        };
        let names: &[&str] = if mode == RatesMode::Marginal {
            &["table", "base", "per"]
        } else {
            &["table", "value"]
        };
        let Some(a) = self.positional(f, args, names, 2, span) else {
            return poisoned(span);
        };
        let Some(table_arg) = a[0] else {
            return poisoned(span);
        };
        let table = match &table_arg.kind {
            ExprKind::Name(n) => match self.others.get(&n.name).copied() {
                Some(Other::Rates(r)) => {
                    self.used.insert(n.name.clone());
                    r
                }
                _ => {
                    let cands: Vec<&str> = self.rates.iter().map(|r| r.name.as_str()).collect();
                    let hint = suggest(&n.name, cands.iter().copied(), || {
                        "declare it with `rates NAME by KPI { … }`".to_string()
                    });
                    self.error(
                        "ignition::check::unknown_name",
                        n.span,
                        format!("no rate table is called `{}`", n.name),
                        "not a rate table",
                        hint,
                    );
                    return poisoned(span);
                }
            },
            _ => {
                self.error(
                    "ignition::check::argument",
                    table_arg.span,
                    format!("the first argument of `{}` is a rate table's name", f.name),
                    "not a table name",
                    "write e.g. `marginal(commission_rate, bookings, per: quota)`",
                );
                return poisoned(span);
            }
        };
        let Some(x) = a[1].map(|e| self.expr(e, row)) else {
            return poisoned(span);
        };
        let per = if mode == RatesMode::Marginal {
            a[2].map(|e| self.expr(e, row))
        } else {
            None
        };
        let edge = self.rates[table].edge_ty.clone();
        let value = self.rates[table].value_ty.clone();
        let tname = self.rates[table].name.clone();
        let ty = match mode {
            RatesMode::Marginal => {
                if self.rates[table]
                    .bands
                    .first()
                    .is_some_and(|b| b.lo.is_none())
                {
                    let band = self.rates[table].bands[0].span;
                    let d = crate::diagnostics::Diag::error("ignition::check::rates_unit", format!("`marginal` needs the first band of `{tname}` to have a lower edge"))
                        .in_source(&self.src)
                        .label(span, "applied marginally here")
                        .label(band, "open below")
                        .help("slices are measured from the first band's lower edge: write e.g. `0% .. 50% : 2%`");
                    self.diags.push(d);
                    return poisoned(span);
                }
                if per.is_none() && x.ty == Type::Percent {
                    let why = format!("`{}` is a percent", self.text_of(x.span));
                    self.bare_edges_for_percent(table, &why);
                }
                let measured = match &per {
                    Some(p) => match units::binary(ast::BinOp::Mul, &edge, &p.ty) {
                        Ok(t) => t,
                        Err(u) => {
                            self.error(
                                "ignition::check::rates_unit",
                                p.span,
                                u.message,
                                "scale",
                                u.help,
                            );
                            return poisoned(span);
                        }
                    },
                    None => edge.clone(),
                };
                if !measured.compatible(&x.ty) {
                    let help = if per.is_none()
                        && edge.is_scalar()
                        && matches!(x.ty, Type::Money(_))
                    {
                        "the bands are ratios: give the amount they are ratios of, e.g. `per: quota`".to_string()
                    } else {
                        format!("the base must be {}", measured.described())
                    };
                    self.error(
                        "ignition::check::rates_unit",
                        x.span,
                        format!(
                            "the bands of `{tname}` measure {} but the base is {}",
                            measured.described(),
                            x.ty.described()
                        ),
                        "base of another unit",
                        help,
                    );
                    return poisoned(span);
                }
                if !(value.is_scalar() || value == Type::Error) {
                    self.error(
                        "ignition::check::rates_unit",
                        span,
                        format!(
                            "`marginal` pays each slice at a rate, but `{tname}` holds {}",
                            value.described()
                        ),
                        "not rates",
                        "use `lookup` for tables of amounts",
                    );
                    return poisoned(span);
                }
                match units::binary(ast::BinOp::Mul, &value, &x.ty) {
                    Ok(t) => t,
                    Err(_) => x.ty.clone(),
                }
            }
            RatesMode::Flat | RatesMode::Lookup => {
                if x.ty == Type::Percent {
                    let why = format!("`{}` is a percent", self.text_of(x.span));
                    self.bare_edges_for_percent(table, &why);
                }
                if !edge.compatible(&x.ty) {
                    self.error(
                        "ignition::check::rates_unit",
                        x.span,
                        format!(
                            "the bands of `{tname}` are {} but this is {}",
                            edge.described(),
                            x.ty.described()
                        ),
                        "value of another unit",
                        "look up a value in the unit of the bands",
                    );
                    return poisoned(span);
                }
                value
            }
        };
        typed(
            K::Rates {
                mode,
                table,
                x: Box::new(x),
                per: per.map(Box::new),
            },
            ty,
            span,
        )
    }
}
