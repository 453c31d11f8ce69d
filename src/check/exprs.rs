//! Expressions: resolve names, check types and units, build typed IR.

use super::builtins::{self, Arguments, Function, Rule};
use super::names::Target;
use super::{units, CheckError, Checker, Other};
use crate::diagnostics::suggest;
use crate::ir::{self, Across, AggFunc, ColId, ExprKind as K, RatesMode, RowSet, TableId, Value};
use crate::syntax::ast::{self, ExprKind, Literal, RoundingMode};
use crate::syntax::Span;
use crate::types::Type;

pub(super) fn poisoned(span: Span) -> ir::Expr {
    ir::Expr {
        kind: K::Const(Value::Num(crate::num::Num::ZERO)),
        ty: Type::Error,
        span,
    }
}

/// Whether an argument is written as a row set (`won`, `deals where …`): the first
/// argument of `sum(ROWS, EXPR)` (issue 9, rows).
fn rows_shaped(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) => true,
        ExprKind::Where(inner, _) => rows_shaped(inner),
        _ => false,
    }
}

pub(super) fn typed(kind: K, ty: Type, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

impl Checker<'_> {
    pub(super) fn depend_on(&mut self, d: ir::DefId) {
        // issue 10, ledger: a use inside `prior(…)` is a lag edge (`lag.rs`).
        if self.lag_use(d) {
            return;
        }
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
            // issue 9, reference tables: `price_list(sku).price`
            ExprKind::Field(inner, column) if self.lookup_target(inner).is_some() => {
                self.lookup(inner, column, span, row)
            }
            // `price_lst(sku).price`: neither a function nor an input; the hint names both.
            ExprKind::Field(inner, _)
                if matches!(&inner.kind, ExprKind::Call(f, _)
                    if builtins::lookup(&f.name).is_none()
                        && !matches!(self.others.get(&f.name), Some(Other::Fn(_)))) =>
            {
                if let ExprKind::Call(f, _) = &inner.kind {
                    let mut names: Vec<String> = self.table_names.keys().cloned().collect();
                    names.sort_unstable();
                    names.extend(builtins::names().map(str::to_string));
                    let hint = suggest(&f.name, names.iter().map(String::as_str), || {
                        "a row is looked up in a reference table: `TABLE(KEY).COLUMN`".to_string()
                    });
                    self.report(CheckError::UnknownFunction {
                        name: f.name.clone(),
                        help: hint,
                        span: f.span.into(),
                    });
                }
                poisoned(span)
            }
            ExprKind::Field(..) | ExprKind::Where(..) => {
                if let Some(rows) = self.try_rowset_quiet(e) {
                    self.report(CheckError::RowsAsValue {
                        table: self.tables[rows].name.clone(),
                        span: span.into(),
                    });
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
                        self.report(CheckError::Operator {
                            message: u.message,
                            help: u.help,
                            span: span.into(),
                            label,
                        });
                        poisoned(span)
                    }
                }
            }
            ExprKind::Neg(inner) => {
                let i = self.expr(inner, row);
                if i.ty.is_numeric() || matches!(i.ty, Type::Error | Type::MoneyIn { .. }) {
                    let ty = i.ty.clone();
                    typed(K::Neg(Box::new(i)), ty, span)
                } else {
                    self.report(CheckError::Negate {
                        found: i.ty.described(),
                        span: span.into(),
                    });
                    poisoned(span)
                }
            }
            ExprKind::Not(inner) => {
                let i = self.expr(inner, row);
                if !i.ty.compatible(&Type::Bool) {
                    self.report(CheckError::NotCondition {
                        found: i.ty.described(),
                        span: span.into(),
                    });
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
                    self.report(CheckError::Fallback {
                        found: b.ty.described(),
                        want: a.ty.described(),
                        help: hint,
                        span: b.span.into(),
                    });
                    return poisoned(span);
                }
                let ty = if a.ty == Type::Error {
                    b.ty.clone()
                } else {
                    a.ty.clone()
                };
                typed(K::Otherwise(Box::new(a), Box::new(b)), ty, span)
            }
            ExprKind::If(c, a, b) => self.conditional(c, a, b, span, row),
        }
    }

    /// `if c then a else b` (issue 9, conditionals): a yes/no condition, two branches of one
    /// type and unit.
    fn conditional(
        &mut self,
        c: &ast::Expr,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let cond = self.expr(c, row);
        let then = self.expr(a, row);
        let other = self.expr(b, row);
        let mut ok = true;
        if !cond.ty.compatible(&Type::Bool) {
            self.report(CheckError::ConditionType {
                found: cond.ty.described(),
                span: c.span.into(),
            });
            ok = false;
        }
        let Some(ty) = branch_type(&then.ty, &other.ty) else {
            let help = match (&then.ty, &other.ty) {
                (Type::Money(m), t) | (t, Type::Money(m)) if t.is_scalar() => {
                    format!("write the other branch as an amount, e.g. `0 {m}`")
                }
                _ => "both branches must give the same kind of value".to_string(),
            };
            self.report(CheckError::BranchUnit {
                then_ty: then.ty.described(),
                then_text: self.text_of(a.span).to_string(),
                else_ty: other.ty.described(),
                else_text: self.text_of(b.span).to_string(),
                help,
                then_span: a.span.into(),
                else_span: b.span.into(),
            });
            return poisoned(span);
        };
        if !ok {
            return poisoned(span);
        }
        typed(
            K::If {
                cond: Box::new(cond),
                then: Box::new(then),
                other: Box::new(other),
            },
            ty,
            span,
        )
    }

    /// A bare number compared with a percent (`attainment >= 30`) reads as a fraction
    /// (3000%): almost always a `%` left out. 0 and 1 mean the same either way (0%, 100%).
    fn bare_number_for_percent(&mut self, e: &ast::Expr, percent: &Span) {
        let Some(v) = super::rates::bare_number(e) else {
            return;
        };
        let written = self.text_of(e.span).to_string();
        let other = self.text_of(*percent).to_string();
        let help = super::rates::percent_hint(&written, v);
        self.report(CheckError::BareNumberForPercent {
            written,
            other,
            percent: super::rates::as_percent(v),
            help,
            span: e.span.into(),
        });
    }

    pub(super) fn text_of(&self, span: Span) -> &str {
        self.src
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    fn name(&mut self, id: &ast::Ident, row: Option<TableId>) -> ir::Expr {
        let span = id.span;
        // issue 9: a function's parameter, a param; a body reads nothing else of the plan.
        if let Some(e) = self.scoped_name(id, row) {
            return e;
        }
        if let Some(t) = row {
            if let Some(c) = self.tables[t].column(&id.name) {
                self.resolved(span, Target::Column(t, c));
                let Some(ty) = self.column_type(t, c, span) else {
                    return poisoned(span);
                };
                return typed(K::RowCol(c), ty, span);
            }
        }
        if let Some(&d) = self.def_names.get(&id.name) {
            self.resolved(span, Target::Def(d));
            self.used.insert(id.name.clone());
            if let Some(&k) = self.computing.last() {
                let (t, c) = (self.computed[k].table, self.computed[k].col);
                self.report(CheckError::ComputedReadsDefinition {
                    column: self.tables[t].columns[c].name.clone(),
                    name: id.name.clone(),
                    table: self.tables[t].name.clone(),
                    span: span.into(),
                });
                return poisoned(span);
            }
            // issue 10, ledger: inside `prior(…, opening: …)` a definition not yet typed is
            // not typed from here (it may be the one being defined); `lag.rs` types it later.
            let ty = match self.lag_deferred(d) {
                Some(ty) => ty,
                None => self.ensure_def(d),
            };
            self.depend_on(d);
            return typed(K::Def(d), ty, span);
        }
        if let Some(p) = self.participants {
            if let Some(c) = self.tables[p].column(&id.name) {
                self.resolved(span, Target::Column(p, c));
                if self.not_of_row(format!("the roster column `{}`", id.name), span) {
                    return poisoned(span);
                }
                let Some(ty) = self.column_type(p, c, span) else {
                    return poisoned(span);
                };
                return typed(K::Param(c), ty, span);
            }
        }
        if let Some(o) = self.others.get(&id.name).copied() {
            self.resolved(span, Target::Other(o));
        }
        if let Some(&t) = self.table_names.get(&id.name) {
            self.resolved(span, Target::Table(t));
        }
        match self.others.get(&id.name).copied() {
            Some(Other::RowSet(_)) => {
                self.used.insert(id.name.clone());
                self.report(CheckError::RowSetAsValue {
                    name: id.name.clone(),
                    span: span.into(),
                });
                return poisoned(span);
            }
            Some(Other::Rates(_)) => {
                self.used.insert(id.name.clone());
                self.report(CheckError::RatesAsValue {
                    name: id.name.clone(),
                    span: span.into(),
                });
                return poisoned(span);
            }
            Some(Other::Curve(c)) => {
                self.resolved(span, Target::Other(Other::Curve(c)));
                self.used.insert(id.name.clone());
                self.report(CheckError::CurveAsValue {
                    name: id.name.clone(),
                    span: span.into(),
                });
                return poisoned(span);
            }
            // issue 9: a function's name without a call
            Some(Other::Fn(_)) => {
                self.report(CheckError::UnknownName {
                    name: id.name.clone(),
                    help: format!(
                        "`{}` is a function: call it, e.g. `{}(…)`",
                        id.name, id.name
                    ),
                    span: span.into(),
                });
                return poisoned(span);
            }
            Some(Other::Param(_)) | None => {}
        }
        if self.table_names.contains_key(&id.name) {
            self.report(CheckError::TableAsValue {
                name: id.name.clone(),
                span: span.into(),
            });
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
        let hint = if self.in_body().is_some() {
            super::fns::body_hint(&id.name, &self.body_candidates())
        } else {
            suggest(&id.name, candidates.iter().map(String::as_str), || {
                "define it with `kpi`, `let` or `payout`, or declare it as a column".to_string()
            })
        };
        self.report(CheckError::UnknownName {
            name: id.name.clone(),
            help: hint,
            span: span.into(),
        });
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
            ExprKind::Name(n) if self.in_body().is_some() => {
                let function = self.in_body().unwrap_or_default();
                self.report(self.reads_error(&function, "the rows of", &n.name, n.span));
                None
            }
            ExprKind::Name(n) => {
                if let Some(&t) = self.table_names.get(&n.name) {
                    self.resolved(n.span, Target::Table(t));
                    // issue 10, splits
                    if self.split_rows(t, &n.name, e.span) {
                        return None;
                    }
                    if self.credits[t].is_none() && Some(t) != self.participants {
                        self.used.insert(n.name.clone());
                        let example = self.lookup_example(t);
                        self.report(CheckError::ReferenceRows {
                            table: n.name.clone(),
                            help: format!(
                                "look one row up by its key, e.g. `{example}`; a credited table is aggregated per participant (`credit {} to … by …`)",
                                n.name
                            ),
                            span: e.span.into(),
                        });
                        return None;
                    }
                    if self.credits[t].is_none() {
                        self.report(CheckError::NotCredited {
                            table: n.name.clone(),
                            span: e.span.into(),
                        });
                        return None;
                    }
                    return Some(RowSet {
                        table: t,
                        filters: Vec::new(),
                    });
                }
                match self.others.get(&n.name).copied() {
                    Some(Other::RowSet(i)) => {
                        self.resolved(n.span, Target::Other(Other::RowSet(i)));
                        self.used.insert(n.name.clone());
                        if self.rowset_busy[i] {
                            self.report(CheckError::RowSetCycle {
                                name: n.name.clone(),
                                span: e.span.into(),
                            });
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
                        self.report(CheckError::NotRowsName {
                            name: n.name.clone(),
                            help: hint,
                            span: e.span.into(),
                        });
                        None
                    }
                }
            }
            ExprKind::Where(inner, cond) => {
                let mut rs = self.rowset(inner)?;
                let c = self.expr(cond, Some(rs.table));
                if !c.ty.compatible(&Type::Bool) {
                    self.report(CheckError::WhereCondition {
                        found: c.ty.described(),
                        span: cond.span.into(),
                    });
                    return None;
                }
                rs.filters.push(c);
                Some(rs)
            }
            _ => {
                self.report(CheckError::NotRows {
                    span: e.span.into(),
                });
                None
            }
        }
    }

    /// Bind a call's arguments to the parameters of `func` as `how` says (see
    /// [`Arguments`]): the arity and the argument errors come from the table. `None` when
    /// the call is reported and cannot be typed.
    pub(super) fn bind<'a>(
        &mut self,
        func: &Function,
        how: Arguments,
        args: &'a [ast::Arg],
        span: Span,
    ) -> Option<Vec<Option<&'a ast::Expr>>> {
        let function = func.name.to_string();
        match how {
            Arguments::Rows => {
                if args.len() != 1 || args[0].name.is_some() {
                    let help = if func.rule == Rule::Aggregate(AggFunc::Count) {
                        "write e.g. `count(won)`"
                    } else {
                        "write e.g. `sum(won.amount)`"
                    };
                    self.report(CheckError::AggregateArity {
                        function,
                        help: help.to_string(),
                        span: span.into(),
                    });
                    return None;
                }
            }
            Arguments::Values => {
                if args.len() < func.min {
                    self.report(CheckError::NoValues {
                        function,
                        span: span.into(),
                    });
                    return None;
                }
            }
            Arguments::Empty => {
                if func.max.is_some_and(|m| args.len() > m) {
                    self.report(CheckError::PeriodArguments {
                        function,
                        span: span.into(),
                    });
                }
                return Some(Vec::new());
            }
            Arguments::Named => return self.positional(func, args, span),
        }
        Some(args.iter().map(|a| Some(&a.value)).collect())
    }

    /// Arguments by position or by name, the first `func.min` of them required.
    fn positional<'a>(
        &mut self,
        func: &Function,
        args: &'a [ast::Arg],
        span: Span,
    ) -> Option<Vec<Option<&'a ast::Expr>>> {
        let names = func.params;
        let mut out: Vec<Option<&ast::Expr>> = vec![None; names.len()];
        let mut pos = 0;
        for a in args {
            match &a.name {
                Some(n) => match names.iter().position(|x| *x == n.name) {
                    Some(i) => out[i] = Some(&a.value),
                    None => {
                        self.report(CheckError::UnknownArgument {
                            function: func.name.to_string(),
                            name: n.name.clone(),
                            params: func.params_list(),
                            span: n.span.into(),
                        });
                        return None;
                    }
                },
                None => {
                    if pos >= names.len() {
                        self.report(CheckError::TooManyArguments {
                            function: func.name.to_string(),
                            max: names.len(),
                            params: func.params_list(),
                            span: a.value.span.into(),
                        });
                        return None;
                    }
                    out[pos] = Some(&a.value);
                    pos += 1;
                }
            }
        }
        if let Some(missing) = out.iter().take(func.min).position(Option::is_none) {
            self.report(CheckError::MissingArgument {
                function: func.name.to_string(),
                name: names[missing].to_string(),
                params: func.params_list(),
                span: span.into(),
            });
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
        if builtins::lookup(&f.name).is_none() {
            if let Some(&t) = self.table_names.get(&f.name) {
                // A row of a reference table is not a value: a column of it is.
                self.resolved(f.span, Target::Table(t));
                self.used.insert(f.name.clone());
                let example = self.lookup_example(t);
                self.report(CheckError::LookupRow {
                    table: f.name.clone(),
                    help: format!("read a column of the row, e.g. `{example}`"),
                    span: span.into(),
                });
                return poisoned(span);
            }
        }
        // issue 9: a user function
        if let Some(Other::Fn(fid)) = self.others.get(&f.name).copied() {
            return self.fn_call(fid, f, args, span, row);
        }
        // issue 11, kpi intent
        if super::kpis::FUNCTIONS.contains(&f.name.as_str()) {
            return self.kpi_against_target(f, args, span, row);
        }
        let Some(func) = builtins::lookup(&f.name) else {
            let mut all: Vec<String> = builtins::names().map(String::from).collect();
            all.extend(self.fn_names());
            // issue 11, kpi intent
            all.extend(super::kpis::FUNCTIONS.iter().map(|f| f.to_string()));
            let hint = suggest(&f.name, all.iter().map(String::as_str), || {
                format!("the functions are: {}", all.join(", "))
            });
            self.report(CheckError::UnknownFunction {
                name: f.name.clone(),
                help: hint,
                span: f.span.into(),
            });
            return poisoned(span);
        };
        // issue 9, rows: a computed column reads its row alone.
        let scoped = match func.rule {
            Rule::Aggregate(_)
            | Rule::Across(_)
            | Rule::PeriodDay(_)
            | Rule::Prorate
            | Rule::Kpi(_)
            | Rule::PaidToDate
            | Rule::Clawback => true,
            Rule::Extremum(_) => {
                args.len() == 1
                    || args.len() == 2 && self.try_rowset_quiet(&args[0].value).is_some()
            }
            _ => false,
        };
        if scoped && self.not_of_row(format!("`{}(…)`", func.name), span) {
            return poisoned(span);
        }
        match func.rule {
            // issue 11: causes, rank, percentile, team average, trend
            Rule::Kpi(call) => self.kpi_call(call, func, args, span, row),
            // issue 9, rows: `sum(ROWS, EXPR)`, an expression of each row aggregated.
            Rule::Aggregate(agg) if args.len() == 2 && rows_shaped(&args[0].value) => {
                self.aggregate_of_rows(agg, func, args, span)
            }
            Rule::Extremum(agg)
                if args.len() == 2 && self.try_rowset_quiet(&args[0].value).is_some() =>
            {
                self.aggregate_of_rows(agg, func, args, span)
            }
            Rule::Aggregate(agg) => self.aggregate(agg, func, args, span),
            Rule::Extremum(agg) if args.len() == 1 => self.aggregate(agg, func, args, span),
            Rule::Extremum(agg) => {
                let Some(a) = self.bind(func, func.arguments, args, span) else {
                    return poisoned(span);
                };
                let vals: Vec<ir::Expr> =
                    a.into_iter().flatten().map(|e| self.expr(e, row)).collect();
                let ty = vals
                    .iter()
                    .map(|v| v.ty.clone())
                    .find(|t| *t != Type::Error)
                    .unwrap_or(Type::Error);
                for v in &vals {
                    if !v.ty.compatible(&ty)
                        || !(v.ty.is_numeric() || v.ty == Type::Date || v.ty == Type::Error)
                    {
                        self.report(CheckError::CompareKinds {
                            function: func.name.to_string(),
                            found: v.ty.described(),
                            span: v.span.into(),
                        });
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
                let kind = if agg == AggFunc::Min {
                    K::Min(vals)
                } else {
                    K::Max(vals)
                };
                typed(kind, ty, span)
            }
            Rule::Rates(mode) => self.rates_call(mode, func, args, span, row),
            Rule::Interpolate => self.interpolate_call(func, args, span, row),
            // issue 10, ledger
            Rule::PaidToDate => self.paid_to_date_call(func, args, span, row),
            // issue 10, clawbacks
            Rule::Clawback => self.clawback_call(func, args, span, row),
            Rule::Prorate => {
                let Some(a) = self.bind(func, func.arguments, args, span) else {
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
                    self.report(CheckError::ProrateValue {
                        found: value.ty.described(),
                        span: value.span.into(),
                    });
                    return poisoned(span);
                }
                if from.is_none() && to.is_none() {
                    self.report(CheckError::ProrateBounds { span: span.into() });
                    return poisoned(span);
                }
                for d in from.iter().chain(to.iter()) {
                    if !d.ty.compatible(&Type::Date) {
                        self.report(CheckError::ProrateDate {
                            found: d.ty.described(),
                            span: d.span.into(),
                        });
                        return poisoned(span);
                    }
                }
                // issue 9, calendar arithmetic: `by: days` (the default) or `by: months`,
                // a word, not a value.
                let by = match a[3] {
                    None => ir::Proration::Days,
                    Some(b) => match &b.kind {
                        ExprKind::Name(n) if n.span == b.span && n.name == "days" => {
                            ir::Proration::Days
                        }
                        ExprKind::Name(n) if n.span == b.span && n.name == "months" => {
                            ir::Proration::Months
                        }
                        _ => {
                            self.report(CheckError::ProrateBy {
                                written: self.text_of(b.span).to_string(),
                                span: b.span.into(),
                            });
                            return poisoned(span);
                        }
                    },
                };
                let ty = value.ty.clone();
                typed(
                    K::Prorate {
                        value: Box::new(value),
                        from: from.map(Box::new),
                        to: to.map(Box::new),
                        by,
                    },
                    ty,
                    span,
                )
            }
            Rule::Across(across) => {
                let Some(a) = self.bind(func, func.arguments, args, span) else {
                    return poisoned(span);
                };
                let Some(inner) = a[0] else {
                    return poisoned(span);
                };
                if let Some(function) = self.in_body() {
                    let name = format!("{}(…)", func.name);
                    self.report(self.reads_error(
                        &function,
                        "other periods or people with",
                        &name,
                        span,
                    ));
                    return poisoned(span);
                }
                if row.is_some() {
                    self.report(CheckError::AcrossInWhere {
                        function: func.name.to_string(),
                        span: span.into(),
                    });
                    return poisoned(span);
                }
                if matches!(across, Across::Team | Across::Org) && self.manager.is_none() {
                    self.report(CheckError::NoHierarchy {
                        function: func.name.to_string(),
                        span: span.into(),
                    });
                    return poisoned(span);
                }
                // issue 10, ledger: `prior(x, opening: o)`, and the periods `x` is read in.
                if across == Across::Prior {
                    return self.prior_call(&a, span);
                }
                let v = self.across_value(across, inner, span);
                if across != Across::Prior && !(v.ty.is_numeric() || v.ty == Type::Error) {
                    self.report(CheckError::AcrossNotNumeric {
                        function: func.name.to_string(),
                        found: v.ty.described(),
                        span: v.span.into(),
                    });
                    return poisoned(span);
                }
                let ty = v.ty.clone();
                typed(K::Across(across, Box::new(v)), ty, span)
            }
            Rule::Round => {
                let Some(a) = self.bind(func, func.arguments, args, span) else {
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
                    self.report(CheckError::RoundIncrement {
                        span: a[1].map_or(span, |e| e.span).into(),
                    });
                    return poisoned(span);
                };
                let mode = match a[2] {
                    None => RoundingMode::HalfEven,
                    Some(m) => {
                        let mode = m.rounding_mode();
                        match mode {
                            Some(mode) => mode,
                            _ => {
                                self.report(CheckError::RoundingMode {
                                    span: m.span.into(),
                                });
                                return poisoned(span);
                            }
                        }
                    }
                };
                if !(v.ty.is_numeric() || v.ty == Type::Error) {
                    self.report(CheckError::RoundValue {
                        found: v.ty.described(),
                        span: v.span.into(),
                    });
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
            Rule::Abs => {
                let Some(a) = self.bind(func, func.arguments, args, span) else {
                    return poisoned(span);
                };
                let Some(v) = a[0].map(|e| self.expr(e, row)) else {
                    return poisoned(span);
                };
                if !(v.ty.is_numeric() || v.ty == Type::Error) {
                    self.report(CheckError::AbsValue {
                        found: v.ty.described(),
                        span: v.span.into(),
                    });
                    return poisoned(span);
                }
                let ty = v.ty.clone();
                typed(K::Abs(Box::new(v)), ty, span)
            }
            Rule::Present => {
                let Some(a) = self.bind(func, func.arguments, args, span) else {
                    return poisoned(span);
                };
                let Some(v) = a[0].map(|e| self.expr(e, row)) else {
                    return poisoned(span);
                };
                if !matches!(v.kind, K::Param(_) | K::RowCol(_)) {
                    self.report(CheckError::PresentColumn {
                        span: v.span.into(),
                    });
                    return poisoned(span);
                }
                typed(K::Present(Box::new(v)), Type::Bool, span)
            }
            Rule::PeriodDay(start) => {
                let _ = self.bind(func, func.arguments, args, span);
                let kind = if start { K::PeriodStart } else { K::PeriodEnd };
                typed(kind, Type::Date, span)
            }
            Rule::Calendar(f) => self.calendar_call(f, func, args, span, row),
            Rule::WorkingDays => self.working_days_call(func, args, span, row),
            // issue 10, currencies
            Rule::Convert => match self.bind(func, func.arguments, args, span) {
                Some(bound) => self.convert_call(func, &bound, span, row),
                None => poisoned(span),
            },
        }
    }

    /// A calendar function (issue 9, calendar arithmetic): dates in, and for `add_months`
    /// a number of months; an integer, a date, days or yes/no out.
    fn calendar_call(
        &mut self,
        f: ir::CalendarFn,
        func: &Function,
        args: &[ast::Arg],
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        use ir::CalendarFn as C;
        let Some(bound) = self.bind(func, func.arguments, args, span) else {
            return poisoned(span);
        };
        let mut vals = Vec::with_capacity(bound.len());
        for (i, a) in bound.iter().enumerate() {
            let Some(a) = a else {
                return poisoned(span);
            };
            let v = self.expr(a, row);
            let months = f == C::AddMonths && i == 1;
            let fits = if months {
                matches!(v.ty, Type::Integer | Type::Number | Type::Error)
            } else {
                matches!(v.ty, Type::Date | Type::Error)
            };
            if !fits {
                let (want, help) = if months {
                    (
                        "a whole number of months",
                        format!("write e.g. `{}(start_date, 3)`", func.name),
                    )
                } else {
                    (
                        "a date",
                        format!(
                            "`{}` takes {}: a date column, a date literal such as \
                             `2026-03-31` or `period_end()`",
                            func.name,
                            func.params_list()
                        ),
                    )
                };
                self.report(CheckError::CalendarArgument {
                    function: func.name.to_string(),
                    param: func.params.get(i).copied().unwrap_or("").to_string(),
                    want: want.to_string(),
                    found: v.ty.described(),
                    help,
                    span: v.span.into(),
                });
                return poisoned(span);
            }
            vals.push(v);
        }
        let ty = match f {
            C::MonthsBetween | C::YearOf | C::QuarterOf | C::MonthOf => Type::Integer,
            C::AddMonths => Type::Date,
            C::Weekdays | C::WorkingDays { .. } => Type::Days,
            C::IsQuarterEnd | C::IsYearEnd => Type::Bool,
        };
        typed(K::Calendar(f, vals), ty, span)
    }

    /// An aggregate over one set of rows (`sum`, `count`, …, and `min`/`max` of rows).
    fn aggregate(
        &mut self,
        func: AggFunc,
        f: &Function,
        args: &[ast::Arg],
        span: Span,
    ) -> ir::Expr {
        let Some(Some(arg)) = self
            .bind(f, Arguments::Rows, args, span)
            .and_then(|a| a.into_iter().next())
        else {
            return poisoned(span);
        };
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
                self.report(CheckError::WhereCondition {
                    found: c.ty.described(),
                    span: cond.span.into(),
                });
                return poisoned(span);
            }
            rows.filters.push(c);
        }
        let col = match column {
            Some(c) => match self.column_ref(rows.table, c) {
                Some(col) => match self.column_type(rows.table, col, c.span) {
                    Some(ty) => Some((col, ty, c.span)),
                    None => return poisoned(span),
                },
                None => return poisoned(span),
            },
            None => None,
        };
        let ty = match (func, &col) {
            (AggFunc::Count, None) => Type::Integer,
            (AggFunc::Count, Some(_)) => {
                self.report(CheckError::CountOfColumn {
                    span: arg.span.into(),
                });
                return poisoned(span);
            }
            (_, None) => {
                let t = &self.tables[rows.table];
                let example = t
                    .columns
                    .iter()
                    .find(|c| c.ty.is_numeric())
                    .map_or("amount", |c| c.name.as_str());
                let help = format!(
                    "write e.g. `{}({}.{example})`",
                    f.name,
                    self.text_of(rows_expr.span)
                );
                self.report(CheckError::AggregateWithoutColumn {
                    function: f.name.to_string(),
                    help,
                    span: arg.span.into(),
                });
                return poisoned(span);
            }
            (_, Some((_, ty, cspan))) => match self.aggregate_type(func, f, ty, *cspan) {
                Some(t) => t,
                None => return poisoned(span),
            },
        };
        let column = col.map(|(c, _, _)| c);
        typed(
            K::Agg {
                func,
                rows,
                column,
                value: None,
            },
            ty,
            span,
        )
    }

    /// The type of an aggregate of values of type `ty` (written at `at`), or `None` when it
    /// is reported.
    fn aggregate_type(&mut self, func: AggFunc, f: &Function, ty: &Type, at: Span) -> Option<Type> {
        // issue 10, currencies: rows in different currencies add up to nothing.
        if let (Type::MoneyIn { column, .. }, false) = (ty, func == AggFunc::Count) {
            self.report(CheckError::MoneyIn {
                message: format!(
                    "`{}` over amounts in each row's currency (`{column}`)",
                    f.name
                ),
                help: format!(
                    "convert each row to one currency first, e.g. `{}(won, {})`",
                    f.name,
                    super::fx::EXAMPLE
                ),
                span: at.into(),
            });
            return None;
        }
        Some(match func {
            AggFunc::Count | AggFunc::CountDistinct => Type::Integer,
            AggFunc::Sum | AggFunc::Avg => {
                if !ty.is_numeric() {
                    let verb = if func == AggFunc::Sum {
                        "sum"
                    } else {
                        "average"
                    };
                    self.report(CheckError::AggregateNotNumeric {
                        verb: verb.to_string(),
                        ty: ty.to_string(),
                        found: ty.described(),
                        span: at.into(),
                    });
                    return None;
                }
                if func == AggFunc::Avg && *ty == Type::Integer {
                    Type::Number
                } else {
                    ty.clone()
                }
            }
            AggFunc::Min | AggFunc::Max => {
                if !(ty.is_numeric() || *ty == Type::Date) {
                    self.report(CheckError::AggregateUnordered {
                        function: f.name.to_string(),
                        found: ty.described(),
                        span: at.into(),
                    });
                    return None;
                }
                ty.clone()
            }
        })
    }

    /// issue 9, rows: `sum(ROWS, EXPR)` (and `avg`, `min`, `max`, `count_distinct`): the
    /// expression evaluated for each row of the set, read as inside its `where`.
    fn aggregate_of_rows(
        &mut self,
        func: AggFunc,
        f: &Function,
        args: &[ast::Arg],
        span: Span,
    ) -> ir::Expr {
        let (rows_arg, value_arg) = (&args[0], &args[1]);
        if func == AggFunc::Count || rows_arg.name.is_some() || value_arg.name.is_some() {
            let help = if func == AggFunc::Count {
                "`count` counts rows: write e.g. `count(won)` or `count(won where amount > 0 EUR)`"
                    .to_string()
            } else {
                format!("write e.g. `{}(won, amount * margin)`", f.name)
            };
            self.report(CheckError::AggregateArity {
                function: f.name.to_string(),
                help,
                span: span.into(),
            });
            return poisoned(span);
        }
        let Some(rows) = self.rowset(&rows_arg.value) else {
            return poisoned(span);
        };
        let v = self.expr(&value_arg.value, Some(rows.table));
        if v.ty == Type::Error {
            return poisoned(span);
        }
        let Some(ty) = self.aggregate_type(func, f, &v.ty, v.span) else {
            return poisoned(span);
        };
        // A column alone is the shorthand `sum(rows.column)`: the same fast reading.
        let (column, value) = match v.kind {
            K::RowCol(c) => (Some(c), None),
            _ => (None, Some(Box::new(v))),
        };
        typed(
            K::Agg {
                func,
                rows,
                column,
                value,
            },
            ty,
            span,
        )
    }

    /// When a computed column is being checked, report that `what` is not of its row (true).
    pub(super) fn not_of_row(&mut self, what: String, span: Span) -> bool {
        let Some(&k) = self.computing.last() else {
            return false;
        };
        let (t, c) = (self.computed[k].table, self.computed[k].col);
        self.report(CheckError::ComputedNotRow {
            column: self.tables[t].columns[c].name.clone(),
            what,
            span: span.into(),
        });
        true
    }

    /// The type of column `c` of table `t` (read at `span`): a computed column is checked
    /// first; `None` when it reads itself (reported).
    pub(super) fn column_type(&mut self, t: TableId, c: ir::ColId, span: Span) -> Option<Type> {
        let Some(k) = self
            .computed
            .iter()
            .position(|x| x.table == t && x.col == c)
        else {
            return Some(self.tables[t].columns[c].ty.clone());
        };
        if self.computed[k].state == super::DefState::InProgress {
            let from = self.computing.iter().position(|&x| x == k).unwrap_or(0);
            let mut path: Vec<String> = self.computing[from..]
                .iter()
                .map(|&x| self.computed[x].src.name.name.clone())
                .collect();
            path.push(self.computed[k].src.name.name.clone());
            self.report(CheckError::ComputedCycle {
                column: self.computed[k].src.name.name.clone(),
                path: path.join(" → "),
                span: span.into(),
            });
            return None;
        }
        Some(self.ensure_computed(k))
    }

    /// Check computed column `k` (once): its expression, read in its row; its type.
    pub(super) fn ensure_computed(&mut self, k: usize) -> Type {
        match &self.computed[k].state {
            super::DefState::Done(t) => return t.clone(),
            super::DefState::InProgress => return Type::Error,
            super::DefState::Pending => {}
        }
        self.computed[k].state = super::DefState::InProgress;
        let (t, c, src) = (
            self.computed[k].table,
            self.computed[k].col,
            self.computed[k].src,
        );
        self.computing.push(k);
        let e = self.expr(&src.expr, Some(t));
        self.computing.pop();
        let mut ty = e.ty.clone();
        if let Some((declared, _)) = &src.ty {
            let want = self.type_name(declared);
            if want.compatible(&ty) {
                if ty != Type::Error {
                    ty = want;
                }
            } else {
                self.report(CheckError::DeclaredType {
                    name: src.name.name.clone(),
                    want: want.described(),
                    found: ty.described(),
                    span: src.expr.span.into(),
                });
                ty = want;
            }
        }
        self.tables[t].columns[c].ty = ty.clone();
        self.tables[t].columns[c].computed = Some(e);
        self.computed[k].state = super::DefState::Done(ty.clone());
        ty
    }

    /// A rate table applied to a value (`marginal`, `flat`, `lookup`).
    fn rates_call(
        &mut self,
        mode: RatesMode,
        f: &Function,
        args: &[ast::Arg],
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let Some(a) = self.bind(f, f.arguments, args, span) else {
            return poisoned(span);
        };
        let Some(table_arg) = a[0] else {
            return poisoned(span);
        };
        let table = match &table_arg.kind {
            ExprKind::Name(n) => match self.others.get(&n.name).copied() {
                Some(Other::Rates(r)) => {
                    self.resolved(n.span, Target::Other(Other::Rates(r)));
                    self.used.insert(n.name.clone());
                    r
                }
                _ => {
                    let cands: Vec<&str> = self.rates.iter().map(|r| r.name.as_str()).collect();
                    let hint = suggest(&n.name, cands.iter().copied(), || {
                        "declare it with `rates NAME by KPI { … }`".to_string()
                    });
                    self.report(CheckError::UnknownRates {
                        name: n.name.clone(),
                        help: hint,
                        span: n.span.into(),
                    });
                    return poisoned(span);
                }
            },
            _ => {
                self.report(CheckError::RatesTableArgument {
                    function: f.name.to_string(),
                    span: table_arg.span.into(),
                });
                return poisoned(span);
            }
        };
        let Some(x) = a[1].map(|e| self.expr(e, row)) else {
            return poisoned(span);
        };
        // issue 9, tables: a grid takes a value per measure, and no `marginal`.
        if self.rates[table].grid.is_some() || (mode != RatesMode::Marginal && a[2].is_some()) {
            return self.grid_call(mode, table, x, a.get(2).copied().flatten(), span, row);
        }
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
                    self.report(CheckError::MarginalOpenBelow {
                        table: tname,
                        span: span.into(),
                        band: band.into(),
                    });
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
                            self.report(CheckError::MarginalScale {
                                message: u.message,
                                help: u.help,
                                span: p.span.into(),
                            });
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
                    self.report(CheckError::MarginalBase {
                        table: tname,
                        measured: measured.described(),
                        found: x.ty.described(),
                        help,
                        span: x.span.into(),
                    });
                    return poisoned(span);
                }
                if !(value.is_scalar() || value == Type::Error) {
                    self.report(CheckError::MarginalValues {
                        table: tname,
                        found: value.described(),
                        span: span.into(),
                    });
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
                    self.report(CheckError::LookupUnit {
                        table: tname,
                        edges: edge.described(),
                        found: x.ty.described(),
                        span: x.span.into(),
                    });
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
                y: None,
            },
            ty,
            span,
        )
    }

    /// issue 9, tables: `interpolate(CURVE, X)`.
    fn interpolate_call(
        &mut self,
        f: &Function,
        args: &[ast::Arg],
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let Some(a) = self.bind(f, f.arguments, args, span) else {
            return poisoned(span);
        };
        let (Some(curve_arg), Some(x_arg)) = (a[0], a[1]) else {
            return poisoned(span);
        };
        let curve = match &curve_arg.kind {
            ExprKind::Name(n) => match self.others.get(&n.name).copied() {
                Some(Other::Curve(c)) => {
                    self.resolved(n.span, Target::Other(Other::Curve(c)));
                    self.used.insert(n.name.clone());
                    Some(c)
                }
                _ => {
                    let cands: Vec<&str> = self.curves.iter().map(|c| c.name.as_str()).collect();
                    let hint = suggest(&n.name, cands.iter().copied(), || {
                        "declare it with `curve NAME by KPI { below: …  X : Y …  above: … }`"
                            .to_string()
                    });
                    self.report(CheckError::UnknownCurve {
                        name: n.name.clone(),
                        help: hint,
                        span: n.span.into(),
                    });
                    None
                }
            },
            _ => {
                self.report(CheckError::UnknownCurve {
                    name: self.text_of(curve_arg.span).to_string(),
                    help: "name a curve: `interpolate(CURVE, value)`".to_string(),
                    span: curve_arg.span.into(),
                });
                None
            }
        };
        let x = self.expr(x_arg, row);
        let Some(curve) = curve else {
            return poisoned(span);
        };
        let c = &self.curves[curve];
        if !c.x_ty.compatible(&x.ty) {
            self.report(CheckError::CurveUnit {
                curve: c.name.clone(),
                points: c.x_ty.described(),
                found: x.ty.described(),
                span: x.span.into(),
            });
            return poisoned(span);
        }
        let ty = c.y_ty.clone();
        typed(
            K::Interpolate {
                curve,
                x: Box::new(x),
            },
            ty,
            span,
        )
    }

    /// issue 9, tables: `flat`/`lookup` of a table of two measures (`y`: the column value),
    /// or a second value given to a table of one.
    fn grid_call(
        &mut self,
        mode: RatesMode,
        table: ir::RatesId,
        x: ir::Expr,
        y: Option<&ast::Expr>,
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let tname = self.rates[table].name.clone();
        let Some(grid) = self.rates[table].grid.clone() else {
            if let Some(y) = y {
                self.report(CheckError::GridArguments {
                    message: format!("`{tname}` has one measure but is given two values"),
                    help: format!(
                        "write `{}({tname}, VALUE)`, or make `{tname}` a grid of two measures",
                        mode_name(mode)
                    ),
                    label: "one value too many".into(),
                    span: y.span.into(),
                });
            }
            return poisoned(span);
        };
        if mode == RatesMode::Marginal {
            self.report(CheckError::MarginalGrid {
                table: tname,
                span: span.into(),
            });
            return poisoned(span);
        }
        let Some(y) = y else {
            self.report(CheckError::GridArguments {
                message: format!("`{tname}` has two measures: give a value for each"),
                help: format!(
                    "write `{}({tname}, ROW_VALUE, COLUMN_VALUE)`",
                    mode_name(mode)
                ),
                label: "one value".into(),
                span: span.into(),
            });
            return poisoned(span);
        };
        let y = self.expr(y, row);
        let mut ok = true;
        for (v, axis) in [(&x, &grid.rows), (&y, &grid.columns)] {
            if !axis.ty.compatible(&v.ty) {
                self.report(CheckError::LookupUnit {
                    table: tname.clone(),
                    edges: axis.ty.described(),
                    found: v.ty.described(),
                    span: v.span.into(),
                });
                ok = false;
            }
        }
        if !ok {
            return poisoned(span);
        }
        let ty = self.rates[table].value_ty.clone();
        typed(
            K::Rates {
                mode,
                table,
                x: Box::new(x),
                per: None,
                y: Some(Box::new(y)),
            },
            ty,
            span,
        )
    }
}

/// issue 9, tables: a rates function's name.
fn mode_name(mode: RatesMode) -> &'static str {
    match mode {
        RatesMode::Marginal => "marginal",
        RatesMode::Flat => "flat",
        RatesMode::Lookup => "lookup",
    }
}
// ---- issue 9, reference tables ----
impl Checker<'_> {
    /// The table a `T(…)` call names, when `T` is an input and not a function.
    fn lookup_target(&self, e: &ast::Expr) -> Option<TableId> {
        match &e.kind {
            ExprKind::Call(f, _) if builtins::lookup(&f.name).is_none() => {
                self.table_names.get(&f.name).copied()
            }
            _ => None,
        }
    }

    /// How a row of table `t` is looked up, as written: `fx(currency, on: DATE).rate`.
    fn lookup_example(&self, t: TableId) -> String {
        let table = &self.tables[t];
        let mut args: Vec<String> = table
            .keys
            .iter()
            .map(|&k| table.columns[k].name.clone())
            .collect();
        if table.effective.is_some() {
            args.push("on: DATE".into());
        }
        let column = table
            .columns
            .iter()
            .enumerate()
            .find(|(i, _)| {
                !table.keys.contains(&ColId(*i))
                    && table
                        .effective
                        .is_none_or(|e| e.from != ColId(*i) && e.to != Some(ColId(*i)))
            })
            .map_or("COLUMN", |(_, c)| c.name.as_str());
        format!("{}({}).{column}", table.name, args.join(", "))
    }

    /// `T(KEY…, on: DATE).COLUMN`: a cell of the row of reference table `T` in force.
    fn lookup(
        &mut self,
        call: &ast::Expr,
        column: &ast::Ident,
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let ExprKind::Call(f, args) = &call.kind else {
            return poisoned(span);
        };
        let Some(t) = self.lookup_target(call) else {
            return poisoned(span);
        };
        self.resolved(f.span, Target::Table(t));
        self.used.insert(f.name.clone());
        // issue 10, splits
        if self.split_rows(t, &f.name, f.span) {
            return poisoned(span);
        }
        if Some(t) == self.participants || self.credits[t].is_some() {
            let what = if Some(t) == self.participants {
                "the participant table"
            } else {
                "credited"
            };
            self.report(CheckError::NotReference {
                table: f.name.clone(),
                what: what.into(),
                span: f.span.into(),
            });
            return poisoned(span);
        }
        let mut failed = false;
        let mut keys = Vec::new();
        let mut on = None;
        for a in args {
            match &a.name {
                Some(n) if n.name == "on" => {
                    let v = self.expr(&a.value, row);
                    if !v.ty.compatible(&Type::Date) {
                        self.report(CheckError::LookupOnType {
                            found: v.ty.described(),
                            span: a.value.span.into(),
                        });
                        failed = true;
                    }
                    on = Some((v, n.span));
                }
                Some(n) => {
                    self.report(CheckError::UnknownArgument {
                        function: f.name.clone(),
                        name: n.name.clone(),
                        params:
                            "its key values in `key` order, then `on:` for an effective-dated table"
                                .into(),
                        span: n.span.into(),
                    });
                    failed = true;
                }
                None => keys.push(self.expr(&a.value, row)),
            }
        }
        let table = self.tables[t].clone();
        let example = self.lookup_example(t);
        if table.keys.is_empty() && table.effective.is_none() {
            self.report(CheckError::LookupNoKey {
                table: table.name.clone(),
                span: f.span.into(),
            });
            return poisoned(span);
        }
        if keys.len() != table.keys.len() {
            let names: Vec<&str> = table
                .keys
                .iter()
                .map(|&k| table.columns[k].name.as_str())
                .collect();
            let want = match names.len() {
                0 => "no key (only `on:`)".to_string(),
                1 => format!("1 key value ({})", names[0]),
                n => format!("{n} key values ({})", names.join(", ")),
            };
            let found = match keys.len() {
                0 => "none is".to_string(),
                1 => "1 is".to_string(),
                n => format!("{n} are"),
            };
            self.report(CheckError::LookupArity {
                table: table.name.clone(),
                want,
                found,
                help: format!("write e.g. `{example}`"),
                span: call.span.into(),
            });
            failed = true;
        }
        for (k, &c) in keys.iter().zip(&table.keys) {
            let col = &table.columns[c];
            if !k.ty.compatible(&col.ty) {
                self.report(CheckError::LookupKeyType {
                    table: table.name.clone(),
                    column: col.name.clone(),
                    want: col.ty.described(),
                    found: k.ty.described(),
                    span: k.span.into(),
                });
                failed = true;
            }
        }
        // A broken `effective from` is reported where it is written, not at each lookup.
        let dated = table.effective.is_some() || self.dated.contains(&t);
        match (&on, dated) {
            (None, true) => {
                self.report(CheckError::LookupOn {
                    message: format!(
                        "`{}` is effective-dated: say on which day the row must be in force",
                        table.name
                    ),
                    help: format!("add `on: DATE`, e.g. `{example}`"),
                    span: call.span.into(),
                });
                failed = true;
            }
            (Some((_, at)), false) => {
                self.report(CheckError::LookupOn {
                    message: format!(
                        "`{}` has no `effective from`: its rows are not dated, so `on:` means nothing",
                        table.name
                    ),
                    help: format!(
                        "leave `on:` out, or date the rows: `input {} key … effective from COLUMN {{ … }}`",
                        table.name
                    ),
                    span: (*at).into(),
                });
                failed = true;
            }
            _ => {}
        }
        let Some(c) = self.column_ref(t, column) else {
            return poisoned(span);
        };
        if failed {
            return poisoned(span);
        }
        let ty = table.columns[c].ty.clone();
        // issue 10, currencies: a looked-up amount has no row to read its currency from.
        if let Type::MoneyIn { column: cur, .. } = &ty {
            self.report(CheckError::MoneyIn {
                message: format!(
                    "`{}.{}` is money in each row's `{cur}`: a looked-up amount cannot be used",
                    table.name, column.name
                ),
                help: "declare it in one currency, `money(USD)`, or add a column per currency"
                    .into(),
                span: span.into(),
            });
            return poisoned(span);
        }
        typed(
            K::Lookup {
                table: t,
                keys,
                on: on.map(|(v, _)| Box::new(v)),
                column: c,
            },
            ty,
            span,
        )
    }
}

/// The type of an `if` whose branches have types `a` and `b` (issue 9, conditionals): the
/// same type; a percent over a plain number (`… else 0`); a number over an integer; the
/// other branch's when one already failed to check. `None`: the branches do not agree.
fn branch_type(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        _ if a == b => Some(a.clone()),
        (Type::Error, t) | (t, Type::Error) => Some(t.clone()),
        (Type::Percent, t) | (t, Type::Percent) if t.is_scalar() => Some(Type::Percent),
        (x, y) if x.is_scalar() && y.is_scalar() => Some(Type::Number),
        _ => None,
    }
}

// ---- issue 9, reference tables: working_days ----
impl Checker<'_> {
    /// `working_days(from, to, except: T.col)`: two dates, and the holidays as a date column
    /// of a reference table.
    fn working_days_call(
        &mut self,
        func: &Function,
        args: &[ast::Arg],
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let Some(bound) = self.bind(func, func.arguments, args, span) else {
            return poisoned(span);
        };
        let mut failed = false;
        let mut vals = Vec::with_capacity(2);
        for (i, a) in bound.iter().take(2).enumerate() {
            let Some(a) = a else {
                return poisoned(span);
            };
            let v = self.expr(a, row);
            if !matches!(v.ty, Type::Date | Type::Error) {
                self.report(CheckError::CalendarArgument {
                    function: func.name.to_string(),
                    param: func.params.get(i).copied().unwrap_or("").to_string(),
                    want: "a date".to_string(),
                    found: v.ty.described(),
                    help: format!(
                        "`{}` takes {}: two dates, then the holidays as a date column of a reference table",
                        func.name,
                        func.params_list()
                    ),
                    span: v.span.into(),
                });
                failed = true;
            }
            vals.push(v);
        }
        let except = match bound.get(2).copied().flatten() {
            None => None,
            Some(e) => match self.holiday_column(e) {
                Some(tc) => Some(tc),
                None => {
                    self.report(CheckError::ExceptColumn {
                        span: e.span.into(),
                    });
                    return poisoned(span);
                }
            },
        };
        if failed {
            return poisoned(span);
        }
        typed(
            K::Calendar(ir::CalendarFn::WorkingDays { except }, vals),
            Type::Days,
            span,
        )
    }

    /// `T.col`: a date column of reference table `T`, as a list of days.
    fn holiday_column(&mut self, e: &ast::Expr) -> Option<(TableId, ColId)> {
        let ExprKind::Field(inner, col) = &e.kind else {
            return None;
        };
        let ExprKind::Name(n) = &inner.kind else {
            return None;
        };
        let t = *self.table_names.get(&n.name)?;
        if Some(t) == self.participants || self.credits[t].is_some() || self.split_of(t).is_some() {
            return None;
        }
        self.resolved(n.span, Target::Table(t));
        self.used.insert(n.name.clone());
        let c = self.column_ref(t, col)?;
        // A computed column is not in the table's data: the holidays are read from the file.
        (self.tables[t].columns[c].ty == Type::Date && !self.tables[t].is_computed(c))
            .then_some((t, c))
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{checked, plan, type_of};

    #[test]
    fn an_if_has_the_type_its_branches_agree_on() {
        // issue 9, conditionals: a percent with a plain number is a percent, an integer with
        // a number a number, text with text text; the condition may read anything yes/no.
        let p = checked(&plan(
            "  kpi k = count(deals)\n\
             \x20 kpi a = if k > 0 then 50% else 0\n\
             \x20 kpi b = if k > 0 then 1 else 2.5\n\
             \x20 kpi c = if present(boss) then \"managed\" else \"top\"\n\
             \x20 kpi d = if k > 0 then quota else 0 EUR\n\
             \x20 kpi e = if k > 0 then start else period_end()\n\
             \x20 kpi f = if k > 0 then 1 else if k > 1 then 2 else 3",
        ));
        let got: Vec<String> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|n| type_of(&p, n))
            .collect();
        assert_eq!(
            got,
            ["percent", "number", "text", "money(EUR)", "date", "integer"]
        );
    }
}
