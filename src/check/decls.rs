//! Declarations: the header (currency, periods, rounding), input schemas, the names the
//! plan defines, participants and credit.

use super::defs::DefSlot;
use super::names::Target;
use super::{rates, CheckError, Checker, Other};
use crate::calendar::Calendar;
use crate::diagnostics::suggest;
use crate::ir::{self, ColId, DefKind, RatesId, TableId};
use crate::syntax::ast::{self, DeclKind, TypeName};
use crate::syntax::Span;
use crate::types::Type;

impl<'p> Checker<'p> {
    /// The place a name was first declared, if anywhere.
    pub(super) fn declared_at(&self, name: &str) -> Option<Span> {
        if let Some(&d) = self.def_names.get(name) {
            return Some(self.defs[d].name.span);
        }
        match self.others.get(name)? {
            Other::RowSet(i) => Some(self.rowsets[*i].0.span),
            Other::Rates(r) => Some(self.rates[*r].span),
            Other::Curve(c) => Some(self.curves[*c].span),
            Other::Param(p) => Some(self.param_idents[p.index()].span),
            Other::Fn(f) => Some(self.fns[f.index()].name.span),
        }
    }

    pub(super) fn claim_name(&mut self, id: &ast::Ident) -> bool {
        if id.name == "total" {
            self.report(CheckError::ReservedName {
                span: id.span.into(),
            });
            return false;
        }
        if let Some(first) = self.declared_at(&id.name) {
            self.report(CheckError::DuplicateName {
                name: id.name.clone(),
                again: id.span.into(),
                first: first.into(),
            });
            return false;
        }
        true
    }

    /// `periods listed in "FILE"`: the calendar built from the file the crate root read, or
    /// a diagnostic at the path (unreadable) or in the file (file:line:column).
    fn listed_calendar(&mut self, path: &str, path_span: Span, fiscal_start: Option<u32>) {
        match self.calendar_files.get(path).cloned() {
            None => self.report(CheckError::CalendarFile {
                path: path.to_string(),
                error: "it was not read (the plan was not checked from a file)".into(),
                span: path_span.into(),
            }),
            Some(Err(error)) => self.report(CheckError::CalendarFile {
                path: path.to_string(),
                error,
                span: path_span.into(),
            }),
            Some(Ok(file)) => match Calendar::listed(&file.text, fiscal_start) {
                Ok(c) => self.calendar = Some(c),
                Err(e) => {
                    let d = crate::diagnostics::Diag::from(CheckError::CalendarListed {
                        message: e.message,
                        help: e.help,
                        span: (e.offset, e.len).into(),
                    });
                    self.diags.push(d.in_source(&file));
                }
            },
        }
    }

    /// First pass: header, schemas, names.
    pub(super) fn collect(&mut self, plan: &'p ast::Plan) {
        self.plan_span = plan.name_span;
        let mut periods_seen: Option<Span> = None;
        let mut rounding_seen: Option<Span> = None;
        let mut timezone_seen: Option<Span> = None;
        let mut statement_seen: Option<Span> = None;
        let mut participants_seen: Option<Span> = None;
        self.collect_params(plan);
        for decl in &plan.decls {
            match &decl.kind {
                DeclKind::Currency(code) => {
                    if let Some((_, first)) = &self.currency {
                        let first = *first;
                        self.dup_header(decl.span, first, "currency");
                    } else {
                        self.currency = Some((code.name.clone(), decl.span));
                    }
                }
                DeclKind::Periods {
                    kind,
                    from,
                    to,
                    range_span,
                    week_start,
                    fiscal_start,
                } => {
                    if let Some(first) = periods_seen {
                        self.dup_header(decl.span, first, "periods");
                        continue;
                    }
                    periods_seen = Some(decl.span);
                    // issue 10, calendars
                    let spec = crate::calendar::CalendarSpec {
                        kind: *kind,
                        from: *from,
                        to: *to,
                        week_start: *week_start,
                        fiscal_start: *fiscal_start,
                    };
                    if let Some((message, help)) = crate::calendar::misfit(&spec) {
                        self.report(CheckError::CalendarStart {
                            message,
                            help,
                            span: (*range_span).into(),
                        });
                        continue;
                    }
                    match Calendar::build(&spec) {
                        Ok(c) => self.calendar = Some(c),
                        Err(message) => self.report(CheckError::Calendar {
                            message,
                            span: (*range_span).into(),
                        }),
                    }
                }
                // issue 10, calendars
                DeclKind::PeriodsListed {
                    path,
                    path_span,
                    fiscal_start,
                } => {
                    if let Some(first) = periods_seen {
                        self.dup_header(decl.span, first, "periods");
                        continue;
                    }
                    periods_seen = Some(decl.span);
                    self.listed_calendar(path, *path_span, *fiscal_start);
                }
                DeclKind::Rounding { increment, mode } => {
                    if let Some(first) = rounding_seen {
                        self.dup_header(decl.span, first, "rounding");
                        continue;
                    }
                    rounding_seen = Some(decl.span);
                    if increment.is_zero() {
                        self.report(CheckError::ZeroRounding {
                            span: decl.span.into(),
                        });
                    } else {
                        self.rounding = Some(ir::Rounding {
                            increment: *increment,
                            mode: *mode,
                        });
                    }
                }
                DeclKind::Input {
                    name,
                    key,
                    columns,
                    computed,
                    more_keys,
                    effective,
                } => {
                    self.input(decl, name, key.as_ref(), columns, computed);
                    self.reference_header(name, more_keys, effective.as_ref());
                }
                // issue 10, statements: checked once the definitions are typed
                // (`statement.rs`); here only a second block.
                DeclKind::Statement { .. } => {
                    if let Some(first) = statement_seen {
                        self.dup_header(decl.span, first, "statement");
                    }
                    statement_seen = Some(decl.span);
                }
                DeclKind::Timezone { zone, zone_span } => {
                    if let Some(first) = timezone_seen {
                        self.dup_header(decl.span, first, "timezone");
                        continue;
                    }
                    timezone_seen = Some(decl.span);
                    match utc_offset(zone) {
                        Ok(minutes) => self.timezone = Some(minutes),
                        Err(true) => self.report(CheckError::TimezoneOffset {
                            zone: zone.clone(),
                            span: (*zone_span).into(),
                        }),
                        Err(false) => self.report(CheckError::TimezoneName {
                            zone: zone.clone(),
                            span: (*zone_span).into(),
                        }),
                    }
                }
                DeclKind::Participants { .. } => {
                    if let Some(first) = participants_seen {
                        self.dup_header(decl.span, first, "participants");
                    }
                    participants_seen = Some(decl.span);
                }
                DeclKind::Credit { .. } => {}
                // issue 10, ledger: checked once the roster is known (`lag.rs`).
                DeclKind::Paid { .. } => {}
                DeclKind::Let { name, expr, when } => {
                    if !self.claim_name(name) {
                        continue;
                    }
                    if self.looks_like_rows(expr, &plan.decls, &mut Vec::new()) {
                        if let Some(w) = when {
                            self.report(CheckError::GateOnRows {
                                name: name.name.clone(),
                                span: w.span.into(),
                            });
                        }
                        self.others
                            .insert(name.name.clone(), Other::RowSet(self.rowsets.len()));
                        self.rowsets.push((name.clone(), expr));
                        self.rowset_busy.push(false);
                    } else {
                        self.add_def(DefSlot {
                            source: Some(expr),
                            gate_source: when.as_ref(),
                            ..DefSlot::new(name.clone(), DefKind::Let, decl.span)
                        });
                    }
                }
                DeclKind::Kpi {
                    name,
                    ty,
                    expr,
                    when,
                    intent,
                } => {
                    if self.claim_name(name) {
                        let id = self.add_def(DefSlot {
                            source: Some(expr),
                            gate_source: when.as_ref(),
                            declared: ty.as_ref().map(|(t, s)| (t, *s)),
                            ..DefSlot::new(name.clone(), DefKind::Kpi, decl.span)
                        });
                        // issue 11, kpi intent
                        if let Some(block) = intent {
                            self.kpi_block(id, name, block);
                        }
                    }
                }
                // issue 11, scorecards: a percent KPI built from its lines.
                DeclKind::Scorecard { name, items, .. } => {
                    if self.claim_name(name) {
                        let id = self.add_def(DefSlot::new(name.clone(), DefKind::Kpi, decl.span));
                        self.scorecards.insert(id, items.as_slice());
                    }
                }
                DeclKind::Payout {
                    name,
                    expr,
                    when,
                    may_be_negative,
                } => {
                    if self.claim_name(name) {
                        self.add_def(DefSlot {
                            source: Some(expr),
                            gate_source: when.as_ref(),
                            negative_ok: may_be_negative.is_some(),
                            ..DefSlot::new(name.clone(), DefKind::Payout, decl.span)
                        });
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
                    if self.claim_name(name) {
                        self.grid_measures(name, by.as_ref(), by_column.as_ref(), grid.is_some());
                        let table = match grid {
                            Some(g) => self.rate_grid(name, g, closed.as_ref(), decl.span),
                            None => self.rate_table(name, bands, closed.as_ref(), decl.span),
                        };
                        self.rates_by_column.push(by_column.clone());
                        self.others
                            .insert(name.name.clone(), Other::Rates(RatesId(self.rates.len())));
                        let id = RatesId(self.rates.len());
                        self.rates.push(table);
                        self.rates_by.push(by.clone());
                        self.rates_names.push(name.span);
                        self.bare_edges.push(rates::bare_edges(bands));
                        if rates::has_percent_edge(bands) {
                            self.bare_edges_for_percent(id, "its other edges are percents");
                        }
                    }
                }
                DeclKind::Limit { kind, target, expr } => {
                    self.limits.push((decl, *kind, target, expr))
                }
                // Tests are checked when they run (`ignition test`), against this plan's IR.
                DeclKind::Test(_) => {}
                // issue 9, tables
                DeclKind::Curve {
                    name,
                    by,
                    below,
                    points,
                    above,
                } => {
                    if self.claim_name(name) {
                        let curve =
                            self.curve(name, below.as_ref(), points, above.as_ref(), decl.span);
                        let id = ir::CurveId(self.curves.len());
                        self.others.insert(name.name.clone(), Other::Curve(id));
                        self.curves.push(curve);
                        self.curves_by.push(by.clone());
                        self.curves_names.push(name.span);
                    }
                }
                // issue 9, functions and parameters
                DeclKind::Param { name, .. } => self.param_decl(name),
                DeclKind::Fn { .. } => self.fn_decl(decl),
            }
        }
        if self.currency.is_none() {
            self.report(CheckError::MissingCurrency {
                span: plan.name_span.into(),
            });
        }
        if periods_seen.is_none() {
            self.report(CheckError::MissingCalendar {
                span: plan.name_span.into(),
            });
        }
        // `total` is always the last definition.
        let total = ast::Ident {
            name: "total".into(),
            span: plan.name_span,
        };
        self.add_def(DefSlot::new(total, DefKind::Total, plan.name_span));
        for decl in &plan.decls {
            match &decl.kind {
                DeclKind::Participants {
                    table,
                    manager,
                    manager_table: None,
                    ..
                } => self.participants_decl(table, manager.as_ref()),
                DeclKind::Participants {
                    table,
                    manager_table: Some(_),
                    ..
                } => self.participants_decl(table, None),
                DeclKind::Credit {
                    table,
                    to,
                    by,
                    split,
                } => self.credit_decl(table, to, by, split.as_ref()),
                _ => {}
            }
        }
        // issue 10, assignments: `managed by HISTORY.COLUMN`, once the credits are known.
        for decl in &plan.decls {
            if let DeclKind::Participants {
                manager: Some(m),
                manager_table: Some(h),
                ..
            } = &decl.kind
            {
                self.manager_history_decl(h, m);
            }
        }
        // issue 10, ledger: the history of what was paid.
        self.paid_decls(plan);
        if self.participants.is_none() && participants_seen.is_none() {
            self.report(CheckError::MissingParticipants {
                span: plan.name_span.into(),
            });
        }
        self.reference_headers_only_on_references(plan);
    }

    /// The composite key and `effective from … to …` of an input (issue 9, reference tables).
    fn reference_header(
        &mut self,
        name: &ast::Ident,
        more_keys: &[ast::Ident],
        effective: Option<&ast::Effective>,
    ) {
        let Some(&t) = self.table_names.get(&name.name) else {
            return;
        };
        // The input was declared twice: the first declaration is the table.
        if self.tables[t].span != name.span {
            return;
        }
        for k in more_keys {
            let Some(c) = self.tables[t].column(&k.name) else {
                let cols = &self.tables[t].columns;
                let hint = suggest(&k.name, cols.iter().map(|c| c.name.as_str()), || {
                    format!("declare `{}` as a column of `{}`", k.name, name.name)
                });
                self.report(CheckError::UnknownKey {
                    name: k.name.clone(),
                    table: name.name.clone(),
                    help: hint,
                    span: k.span.into(),
                });
                continue;
            };
            self.resolved(k.span, Target::Column(t, c));
            if self.tables[t].is_computed(c) {
                self.report(CheckError::ComputedStored {
                    column: k.name.clone(),
                    role: "a key".to_string(),
                    span: k.span.into(),
                });
                continue;
            }
            let col = &self.tables[t].columns[c];
            if col.ty != Type::Text {
                let (column, ty) = (col.name.clone(), col.ty.to_string());
                self.report(CheckError::KeyType {
                    column,
                    ty,
                    span: k.span.into(),
                });
            } else if col.optional {
                let column = col.name.clone();
                self.report(CheckError::OptionalKey {
                    column,
                    span: k.span.into(),
                });
            }
            if self.tables[t].keys.contains(&c) {
                self.report(CheckError::DuplicateKeyColumn {
                    name: k.name.clone(),
                    table: name.name.clone(),
                    span: k.span.into(),
                });
                continue;
            }
            self.tables[t].keys.push(c);
        }
        let Some(e) = effective else {
            return;
        };
        self.dated.insert(t);
        let from = self.effective_column(t, &e.from, "from", false);
        let to =
            e.to.as_ref()
                .and_then(|to| self.effective_column(t, to, "to", true));
        if let Some(from) = from {
            self.tables[t].effective = Some(ir::Effective { from, to });
        }
    }

    fn effective_column(
        &mut self,
        t: TableId,
        id: &ast::Ident,
        which: &str,
        may_be_empty: bool,
    ) -> Option<ColId> {
        let table = self.tables[t].name.clone();
        let Some(c) = self.tables[t].column(&id.name) else {
            let cols = &self.tables[t].columns;
            let help = suggest(&id.name, cols.iter().map(|c| c.name.as_str()), || {
                format!("declare it in `{table}`, e.g. `{}: date`", id.name)
            });
            self.report(CheckError::EffectiveColumn {
                which: which.into(),
                column: id.name.clone(),
                why: format!("which is not a column of `{table}`"),
                help,
                span: id.span.into(),
            });
            return None;
        };
        self.resolved(id.span, Target::Column(t, c));
        if self.tables[t].is_computed(c) {
            self.report(CheckError::ComputedStored {
                column: id.name.clone(),
                role: format!("`effective {which}`"),
                span: id.span.into(),
            });
            return None;
        }
        let col = &self.tables[t].columns[c];
        let why = if col.ty != Type::Date {
            Some(format!("which is {}, not a date", col.ty.described()))
        } else if col.optional && !may_be_empty {
            Some("which is optional: every row needs the day it is in force from".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            let help = if may_be_empty {
                format!(
                    "declare it `{}: date?` (an empty cell: in force with no end)",
                    id.name
                )
            } else {
                format!("declare it `{}: date`", id.name)
            };
            self.report(CheckError::EffectiveColumn {
                which: which.into(),
                column: id.name.clone(),
                why,
                help,
                span: id.span.into(),
            });
            return None;
        }
        Some(c)
    }

    /// A composite key or effective dating on the roster or a credited table is an error.
    fn reference_headers_only_on_references(&mut self, plan: &'p ast::Plan) {
        for decl in &plan.decls {
            let DeclKind::Input {
                name,
                more_keys,
                effective,
                ..
            } = &decl.kind
            else {
                continue;
            };
            let Some(&t) = self.table_names.get(&name.name) else {
                continue;
            };
            let what = if Some(t) == self.participants {
                "the participant table"
            } else if self.credits[t].is_some() {
                "credited"
            } else {
                continue;
            };
            if let Some(k) = more_keys.first() {
                self.report(CheckError::ReferenceHeader {
                    table: name.name.clone(),
                    what: what.into(),
                    clause: "a composite key".into(),
                    span: k.span.into(),
                });
            }
            if let Some(e) = effective {
                self.report(CheckError::ReferenceHeader {
                    table: name.name.clone(),
                    what: what.into(),
                    clause: "effective dating".into(),
                    span: e.span.into(),
                });
            }
        }
    }

    fn dup_header(&mut self, span: Span, first: Span, what: &str) {
        self.report(CheckError::DuplicateHeader {
            what: what.to_string(),
            again: span.into(),
            first: first.into(),
        });
    }

    /// Whether a `let` defines rows (an input table or another row set, filtered) rather than a value.
    fn looks_like_rows(
        &self,
        e: &ast::Expr,
        decls: &'p [ast::Decl],
        seen: &mut Vec<String>,
    ) -> bool {
        match &e.kind {
            ast::ExprKind::Where(inner, _) => self.looks_like_rows(inner, decls, seen),
            ast::ExprKind::Name(n) => {
                if self.table_names.contains_key(&n.name)
                    || decls.iter().any(
                        |d| matches!(&d.kind, DeclKind::Input { name, .. } if name.name == n.name),
                    )
                {
                    return true;
                }
                if seen.contains(&n.name) {
                    return false;
                }
                seen.push(n.name.clone());
                decls.iter().any(|d| match &d.kind {
                    DeclKind::Let { name, expr, .. } if name.name == n.name => {
                        self.looks_like_rows(expr, decls, seen)
                    }
                    _ => false,
                })
            }
            _ => false,
        }
    }

    fn input(
        &mut self,
        decl: &ast::Decl,
        name: &ast::Ident,
        key: Option<&ast::Ident>,
        columns: &[ast::ColumnDecl],
        computed: &'p [ast::ComputedColumn],
    ) {
        if let Some(&first) = self.table_names.get(&name.name) {
            let first = self.tables[first].span;
            self.report(CheckError::DuplicateInput {
                name: name.name.clone(),
                again: name.span.into(),
                first: first.into(),
            });
            return;
        }
        let mut cols: Vec<ir::ColumnSchema> = Vec::new();
        for c in columns {
            if let Some(first) = cols.iter().find(|x| x.name == c.name.name) {
                let first = first.span;
                self.report(CheckError::DuplicateColumn {
                    name: c.name.name.clone(),
                    again: c.name.span.into(),
                    first: first.into(),
                });
                continue;
            }
            let ty = match &c.ty {
                // issue 10, currencies: the row's own currency column.
                TypeName::MoneyIn(cur) => super::fx::money_in_column(self, name, columns, cur),
                t => self.type_name(t),
            };
            let default = c.default.as_ref().and_then(|e| {
                let v = self.expr(e, None);
                if !v.ty.compatible(&ty) || matches!(ty, Type::Integer) && v.ty != Type::Integer {
                    self.report(CheckError::DefaultType {
                        column: c.name.name.clone(),
                        found: v.ty.described(),
                        want: ty.described(),
                        span: e.span.into(),
                    });
                    return None;
                }
                match &v.kind {
                    ir::ExprKind::Const(value) => Some(value.clone()),
                    ir::ExprKind::Neg(inner) => match &inner.kind {
                        ir::ExprKind::Const(ir::Value::Num(n)) => Some(ir::Value::Num(-n)),
                        _ => None,
                    },
                    _ => None,
                }
            });
            if let Some(s) = c.nonneg {
                if !ty.is_numeric() && !matches!(ty, Type::MoneyIn { .. }) {
                    self.report(CheckError::NonnegType {
                        column: c.name.name.clone(),
                        found: ty.described(),
                        span: s.into(),
                    });
                }
            }
            cols.push(ir::ColumnSchema {
                name: c.name.name.clone(),
                ty,
                optional: c.optional,
                span: c.name.span,
                default,
                nonneg: c.nonneg.is_some(),
                computed: None,
                joined: None,
            });
        }
        // issue 9, rows: computed columns come after the stored ones; each is checked when
        // first read (its type may follow from another's) or at the end.
        let table = TableId(self.tables.len());
        for c in computed {
            if let Some(first) = cols.iter().find(|x| x.name == c.name.name) {
                let first = first.span;
                self.report(CheckError::DuplicateColumn {
                    name: c.name.name.clone(),
                    again: c.name.span.into(),
                    first: first.into(),
                });
                continue;
            }
            let ty = match &c.ty {
                Some((t, _)) => self.type_name(t),
                None => Type::Error,
            };
            self.computed.push(super::ComputedSlot {
                table,
                col: ColId(cols.len()),
                src: c,
                state: super::DefState::Pending,
            });
            cols.push(ir::ColumnSchema {
                name: c.name.name.clone(),
                ty,
                optional: false,
                span: c.name.span,
                default: None,
                nonneg: false,
                computed: Some(super::exprs::poisoned(c.expr.span)),
                joined: None,
            });
        }
        let key_col = key.and_then(|k| {
            let found = cols.iter().position(|c| c.name == k.name).map(ColId);
            if found.is_none() {
                let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
                let hint = suggest(&k.name, names.iter().copied(), || {
                    format!("declare `{}` as a column of `{}`", k.name, name.name)
                });
                self.report(CheckError::UnknownKey {
                    name: k.name.clone(),
                    table: name.name.clone(),
                    help: hint,
                    span: k.span.into(),
                });
            }
            found
        });
        if let (Some(k), Some(c)) = (key, key_col) {
            self.resolved(k.span, Target::Column(TableId(self.tables.len()), c));
            if cols[c].computed.is_some() {
                self.report(CheckError::ComputedStored {
                    column: k.name.clone(),
                    role: "a key".to_string(),
                    span: k.span.into(),
                });
            }
        }
        if let Some(k) = key_col {
            if cols[k].ty != Type::Text {
                self.report(CheckError::KeyType {
                    column: cols[k].name.clone(),
                    ty: cols[k].ty.to_string(),
                    span: key.map_or(decl.span, |k| k.span).into(),
                });
            }
            if cols[k].optional {
                self.report(CheckError::OptionalKey {
                    column: cols[k].name.clone(),
                    span: key.map_or(decl.span, |k| k.span).into(),
                });
            }
        }
        self.table_names
            .insert(name.name.clone(), TableId(self.tables.len()));
        self.tables.push(ir::TableSchema {
            name: name.name.clone(),
            span: name.span,
            columns: cols,
            key: key_col,
            keys: key_col.into_iter().collect(),
            effective: None,
        });
        self.credits.push(None);
    }

    pub(super) fn type_name(&mut self, t: &TypeName) -> Type {
        match t {
            TypeName::Text => Type::Text,
            TypeName::Bool => Type::Bool,
            TypeName::Integer => Type::Integer,
            TypeName::Number => Type::Number,
            TypeName::Percent => Type::Percent,
            TypeName::Money(None) => Type::Money(self.plan_currency()),
            TypeName::Money(Some(c)) => Type::Money(c.name.clone()),
            // issue 10, currencies: only a stored column of an input has a row.
            TypeName::MoneyIn(c) => {
                self.report(CheckError::MoneyIn {
                    message: format!("`money in {}` is for an input's stored columns", c.name),
                    help: "a value has one currency: declare `money(EUR)` or `money`, and convert a row's amount with `convert(…)`".into(),
                    span: c.span.into(),
                });
                Type::Error
            }
            TypeName::Date => Type::Date,
            TypeName::Days => Type::Days,
        }
    }

    pub(super) fn table_ref(&mut self, id: &ast::Ident) -> Option<TableId> {
        if let Some(&t) = self.table_names.get(&id.name) {
            self.resolved(id.span, Target::Table(t));
            return Some(t);
        }
        let mut names: Vec<String> = self.table_names.keys().cloned().collect();
        // In name order, so that the hint among equally near names does not depend on hashing.
        names.sort();
        let hint = suggest(&id.name, names.iter().map(String::as_str), || {
            format!("declare it with `input {} {{ … }}`", id.name)
        });
        self.report(CheckError::UnknownTable {
            name: id.name.clone(),
            help: hint,
            span: id.span.into(),
        });
        None
    }

    /// [`Self::column_ref`] for a column that must be read from the data (issue 9, rows).
    fn stored_column_ref(&mut self, table: TableId, id: &ast::Ident, role: &str) -> Option<ColId> {
        let c = self.column_ref(table, id)?;
        if self.tables[table].is_computed(c) {
            self.report(CheckError::ComputedStored {
                column: id.name.clone(),
                role: role.to_string(),
                span: id.span.into(),
            });
            return None;
        }
        Some(c)
    }

    pub(super) fn column_ref(&mut self, table: TableId, id: &ast::Ident) -> Option<ColId> {
        if let Some(c) = self.tables[table].column(&id.name) {
            self.resolved(id.span, Target::Column(table, c));
            return Some(c);
        }
        let t = &self.tables[table];
        let hint = suggest(&id.name, t.columns.iter().map(|c| c.name.as_str()), || {
            format!(
                "the columns of `{}` are: {}",
                t.name,
                t.columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        let table = t.name.clone();
        self.report(CheckError::UnknownColumn {
            name: id.name.clone(),
            table,
            help: hint,
            span: id.span.into(),
        });
        None
    }

    fn participants_decl(&mut self, table: &ast::Ident, manager: Option<&ast::Ident>) {
        let Some(t) = self.table_ref(table) else {
            return;
        };
        self.used.insert(table.name.clone());
        if self.tables[t].key.is_none() {
            self.report(CheckError::NoKey {
                table: self.tables[t].name.clone(),
                span: table.span.into(),
            });
        }
        self.participants = Some(t);
        if let Some(m) = manager {
            if let Some(c) = self.stored_column_ref(t, m, "`managed by`") {
                let key_ty = self.tables[t]
                    .key
                    .map(|k| self.tables[t].columns[k].ty.clone());
                if Some(&self.tables[t].columns[c].ty) != key_ty.as_ref() {
                    self.report(CheckError::ManagerType {
                        span: m.span.into(),
                    });
                }
                self.manager = Some(c);
            }
        }
    }

    /// issue 10, assignments: `managed by HISTORY.COLUMN`: the manager of each participant
    /// from an effective-dated reference table keyed by the participant, so that `team` and
    /// `org` use the hierarchy in force in each period.
    fn manager_history_decl(&mut self, h: &ast::Ident, m: &ast::Ident) {
        let (Some(p), Some(t)) = (self.participants, self.table_ref(h)) else {
            return;
        };
        self.used.insert(h.name.clone());
        let name = self.tables[t].name.clone();
        let roster = self.tables[p].name.clone();
        let example = format!(
            "input {name} key rep_id effective from since {{ rep_id: text  since: date  {}: text? }}",
            m.name
        );
        let problem = if t == p {
            Some(format!(
                "`{name}` is the participant table: `managed by {}` reads the roster's own column",
                m.name
            ))
        } else if self.credits[t].is_some()
            || self
                .credits
                .iter()
                .flatten()
                .any(|c| c.split.is_some_and(|s| s.table == t))
        {
            Some(format!(
                "`{name}` is credited: a manager history is a reference table"
            ))
        } else if !self.dated.contains(&t) {
            Some(format!(
                "`{name}` has no `effective from`: a manager history dates each row"
            ))
        } else if self.tables[t].keys.len() != 1 {
            Some(format!(
                "`{name}` must be keyed by the participant alone (one `key` column)"
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            self.report(CheckError::ManagerHistory {
                message,
                help: format!("declare it e.g. `{example}`"),
                span: h.span.into(),
            });
            return;
        }
        let Some(c) = self.stored_column_ref(t, m, "`managed by`") else {
            return;
        };
        let key_ty = self.tables[p]
            .key
            .map(|k| self.tables[p].columns[k].ty.clone());
        let hist_key = self.tables[t].keys[0];
        if Some(&self.tables[t].columns[hist_key].ty) != key_ty.as_ref() {
            self.report(CheckError::ManagerHistory {
                message: format!(
                    "the key of `{name}` must have the type of the key of `{roster}`: it names the participant"
                ),
                help: format!("declare it e.g. `{example}`"),
                span: h.span.into(),
            });
            return;
        }
        if Some(&self.tables[t].columns[c].ty) != key_ty.as_ref() {
            self.report(CheckError::ManagerType {
                span: m.span.into(),
            });
            return;
        }
        self.manager = Some(c);
        self.manager_table = Some(t);
    }

    fn credit_decl(
        &mut self,
        table: &ast::Ident,
        to: &ast::Ident,
        by: &ast::Ident,
        split: Option<&ast::CreditSplit>,
    ) {
        let Some(t) = self.table_ref(table) else {
            return;
        };
        self.used.insert(table.name.clone());
        if Some(t) == self.participants {
            self.report(CheckError::CreditRoster {
                span: table.span.into(),
            });
            return;
        }
        if self.credits[t].is_some() {
            self.report(CheckError::DuplicateCredit {
                table: table.name.clone(),
                span: table.span.into(),
            });
            return;
        }
        let by_c = self.stored_column_ref(t, by, "`credit … by`");
        // issue 10, splits: `to` is then a column of the split table.
        let (to_c, split) = match split {
            Some(sp) => match self.credit_split(t, to, sp) {
                Some((c, s)) => (Some(c), Some(s)),
                None => {
                    // The plan has an error and is not evaluated: still credited, so its
                    // aggregates are not reported as not credited too.
                    if let Some(by) = by_c {
                        self.credits[t] = Some(ir::Credit {
                            to: by,
                            by,
                            split: None,
                        });
                    }
                    return;
                }
            },
            None => (self.stored_column_ref(t, to, "`credit … to`"), None),
        };
        if let (Some(c), None) = (to_c, split) {
            if self.tables[t].columns[c].ty != Type::Text {
                self.report(CheckError::CreditToType {
                    column: to.name.clone(),
                    span: to.span.into(),
                });
            }
        }
        if let Some(c) = by_c {
            if self.tables[t].columns[c].ty != Type::Date {
                self.report(CheckError::CreditByType {
                    column: by.name.clone(),
                    span: by.span.into(),
                });
            } else if self.tables[t].columns[c].optional {
                self.report(CheckError::CreditByOptional {
                    column: by.name.clone(),
                    span: by.span.into(),
                });
            }
        }
        if let (Some(to), Some(by)) = (to_c, by_c) {
            self.credits[t] = Some(ir::Credit { to, by, split });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{diags, messages, plan};

    #[test]
    fn a_plan_without_its_header_names_each_missing_part() {
        let m = messages("plan \"t\" {\n  input r { id: text }\n}\n");
        let codes: Vec<&str> = m.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "ignition::check::missing_currency",
                "ignition::check::missing_calendar",
                "ignition::check::missing_participants",
                "ignition::check::unused",
            ]
        );
    }

    #[test]
    fn a_name_defined_twice_points_at_both() {
        let text = plan("  kpi a = 1\n  kpi a = 2");
        let d = diags(&text);
        assert_eq!(d[0].code, "ignition::check::duplicate");
        assert_eq!(d[0].message, "`a` is defined twice");
        let second = text.rfind("a = 2").expect("in the plan");
        let first = text.find("a = 1").expect("in the plan");
        let labels: Vec<(usize, &str)> = d[0]
            .labels
            .iter()
            .map(|(s, t)| (s.offset(), t.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                (second, "declared again here"),
                (first, "first declared here")
            ]
        );
        // `total` is reserved, and is not also reported as defined twice.
        let m = messages(&plan("  kpi total = 1"));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0, "ignition::check::reserved_name");
    }

    #[test]
    fn schemas_keys_and_credit_are_checked() {
        let m = messages(
            "plan \"t\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  \
             input r key k { id: text  k: integer?  d: text = 5 }\n  \
             input t { o: integer  c: date? }\n  participants r\n  credit t to o by c\n}\n",
        );
        let m: Vec<&str> = m.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            m,
            [
                "the key `k` must be a text column, not integer",
                "a key column cannot be optional",
                "the default of `d` is an integer but the column is text",
                "`o` must be a text column naming the participant",
                "`c` is optional; a credited row needs a date",
            ]
        );
    }

    #[test]
    fn the_hint_for_an_unknown_table_does_not_depend_on_hash_order() {
        // `zz` is as near to `q` as to `r` (both two edits away): the first in name order is
        // suggested, every time.
        let text =
            "plan \"t\" {\n  currency EUR\n  periods yearly from 2026-01-01 to 2026-12-31\n  \
                    input r key id { id: text }\n  input q { id: text }\n  participants r\n  \
                    credit zz to a by b\n}\n";
        for _ in 0..20 {
            let d = diags(text);
            let unknown = d
                .iter()
                .find(|d| d.message == "no input table is called `zz`")
                .expect("reported");
            assert_eq!(unknown.help.as_deref(), Some("did you mean `q`?"));
        }
    }
}

/// The minutes east of UTC of a `timezone`: `+01:00`, `-05:00`, `+05:30`, `UTC`. `Err(true)`
/// for an offset written otherwise or out of range, `Err(false)` for a zone name.
fn utc_offset(zone: &str) -> Result<i32, bool> {
    if zone == "UTC" || zone == "\"UTC\"" {
        return Ok(0);
    }
    let Some((sign, rest)) = zone
        .strip_prefix('+')
        .map(|r| (1, r))
        .or_else(|| zone.strip_prefix('-').map(|r| (-1, r)))
    else {
        return Err(false);
    };
    let b = rest.as_bytes();
    if b.len() != 5
        || b[2] != b':'
        || !rest[..2]
            .bytes()
            .chain(rest[3..].bytes())
            .all(|c| c.is_ascii_digit())
    {
        return Err(true);
    }
    let h = i32::from(b[0] - b'0') * 10 + i32::from(b[1] - b'0');
    let m = i32::from(b[3] - b'0') * 10 + i32::from(b[4] - b'0');
    let minutes = sign * (h * 60 + m);
    if m >= 60 || !(-12 * 60..=14 * 60).contains(&minutes) {
        return Err(true);
    }
    Ok(minutes)
}

#[cfg(test)]
mod timezone_tests {
    #[test]
    fn offsets() {
        use super::utc_offset;
        assert_eq!(utc_offset("+01:00"), Ok(60));
        assert_eq!(utc_offset("-05:00"), Ok(-300));
        assert_eq!(utc_offset("+05:30"), Ok(330));
        assert_eq!(utc_offset("+14:00"), Ok(840));
        assert_eq!(utc_offset("-00:00"), Ok(0));
        assert_eq!(utc_offset("UTC"), Ok(0));
        for bad in [
            "+1", "+01", "+0100", "+15:00", "-12:30", "+01:60", "+1:00", "+01:000",
        ] {
            assert_eq!(utc_offset(bad), Err(true), "{bad}");
        }
        for name in ["CET", "\"Europe/Paris\"", "utc", "Z"] {
            assert_eq!(utc_offset(name), Err(false), "{name}");
        }
    }
}
