//! issue 10, currencies: `money in COLUMN` columns (an amount in its row's currency) and
//! `convert(amount, to: CUR, using: T.rate, on: DATE)`, the one way an amount changes
//! currency. The FX table is a reference table (§3.1) keyed by the two currencies, in
//! `key` order: from, then to.

use super::builtins::Function;
use super::exprs::poisoned;
use super::names::Target;
use super::{CheckError, Checker};
use crate::ir::{self, ColId, ExprKind as K, FromCurrency, TableId};
use crate::syntax::ast::{self, ExprKind};
use crate::syntax::Span;
use crate::types::Type;

/// The example of a conversion every hint shows.
pub(super) const EXAMPLE: &str = "convert(amount, to: EUR, using: fx.rate, on: close_date)";

/// The example of a pay clause the hints show.
const PAY_EXAMPLE: &str = "participants reps paid in pay_currency using fx.rate on period_end()";

/// Whether `s` is written as a currency code: three upper-case letters.
fn is_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// The first definition an expression reads, if any.
fn reads_def(e: &ir::Expr) -> Option<ir::DefId> {
    if let K::Def(d) = e.kind {
        return Some(d);
    }
    e.children().into_iter().find_map(reads_def)
}

/// The type of a column declared `money in CUR` in input `table`: `CUR` must be a stored
/// text column of the same input.
pub(super) fn money_in_column(
    ck: &mut Checker<'_>,
    table: &ast::Ident,
    columns: &[ast::ColumnDecl],
    cur: &ast::Ident,
) -> Type {
    let texts: Vec<&str> = columns
        .iter()
        .filter(|c| c.ty == ast::TypeName::Text)
        .map(|c| c.name.name.as_str())
        .collect();
    match columns.iter().find(|c| c.name.name == cur.name) {
        Some(c) if c.ty == ast::TypeName::Text && !c.optional => Type::MoneyIn {
            table: table.name.clone(),
            column: cur.name.clone(),
        },
        found => {
            let why = match found {
                Some(c) if c.optional => "is optional: every amount needs its currency",
                Some(_) => "is not a text column",
                None => "is not a column of this input",
            };
            let help = if texts.is_empty() {
                format!(
                    "declare the currency column, e.g. `{}: text`, and write `money in {}`",
                    cur.name, cur.name
                )
            } else {
                format!(
                    "name a required text column of `{}` holding a currency code: {}",
                    table.name,
                    texts.join(", ")
                )
            };
            ck.report(CheckError::MoneyIn {
                message: format!("`money in {}`: `{}` {why}", cur.name, cur.name),
                help,
                span: cur.span.into(),
            });
            Type::Error
        }
    }
}

impl Checker<'_> {
    fn convert_error(&mut self, message: String, help: String, label: &str, span: Span) {
        self.report(CheckError::Convert {
            message,
            help,
            span: span.into(),
            label: label.to_string(),
        });
    }

    /// `convert(value, to: CUR, using: T.rate, on: DATE)`.
    pub(super) fn convert_call(
        &mut self,
        func: &Function,
        bound: &[Option<&ast::Expr>],
        span: Span,
        row: Option<TableId>,
    ) -> ir::Expr {
        let (Some(value), Some(to), Some(using)) = (bound[0], bound[1], bound[2]) else {
            return poisoned(span);
        };
        // Computed once per row, unrecorded: explain could not show the rate it used.
        if self.not_of_row(
            "`convert(…)` (explain shows each rate where it is used: convert in the aggregate, `sum(ROWS, convert(…))`)".into(),
            span,
        ) {
            return poisoned(span);
        }
        let v = self.expr(value, row);
        let on = bound.get(3).copied().flatten().map(|d| self.expr(d, row));
        let to_code = match &to.kind {
            ExprKind::Name(n) if n.span == to.span && is_code(&n.name) => Some(n.name.clone()),
            _ => None,
        };
        let Some(to_code) = to_code else {
            self.convert_error(
                format!(
                    "`to:` of `{}` must be a currency code, found `{}`",
                    func.name,
                    self.source_text(to.span)
                ),
                format!("write the code bare, e.g. `{EXAMPLE}`"),
                "not a currency code",
                to.span,
            );
            return poisoned(span);
        };
        let from = match &v.ty {
            Type::Error => return poisoned(span),
            Type::Money(c) if *c == to_code => {
                self.convert_error(
                    format!("the amount is already in {to_code}: there is nothing to convert"),
                    "leave `convert` out, or name the currency it must be converted to".into(),
                    "already in this currency",
                    v.span,
                );
                return poisoned(span);
            }
            Type::Money(c) => FromCurrency::Fixed(self.strings.intern(c)),
            Type::MoneyIn { table, column } => {
                let tc = self.table_names.get(table).copied().and_then(|t| {
                    let c = self.tables[t].column(column)?;
                    Some((t, c))
                });
                match tc {
                    Some((t, c)) if Some(t) == self.participants => FromCurrency::Roster(c),
                    Some((t, c)) if row == Some(t) => FromCurrency::Row(c),
                    _ => {
                        self.convert_error(
                            format!("{} is not read from a row here", v.ty.described()),
                            "convert the amount where its row is read: in a `where`, a computed column of its input, or `sum(ROWS, convert(…))`".into(),
                            "no row",
                            v.span,
                        );
                        return poisoned(span);
                    }
                }
            }
            other => {
                self.convert_error(
                    format!(
                        "`{}` converts money, found {}",
                        func.name,
                        other.described()
                    ),
                    format!("e.g. `{EXAMPLE}`"),
                    "not money",
                    v.span,
                );
                return poisoned(span);
            }
        };
        let Some((table, rate)) = self.fx_rate_column(using) else {
            return poisoned(span);
        };
        if !self.fx_day(table, on.as_ref(), span, false) {
            return poisoned(span);
        }
        let to_sym = self.strings.intern(&to_code);
        ir::Expr {
            kind: K::Convert(Box::new(ir::Convert {
                value: v,
                from,
                to: to_sym,
                table,
                rate,
                on,
            })),
            ty: Type::Money(to_code),
            span,
        }
    }

    /// Whether `on:` suits the FX table: required when its rates are dated, meaningless
    /// when they are not, and a date. Reports the problem otherwise.
    fn fx_day(&mut self, table: TableId, on: Option<&ir::Expr>, span: Span, pay: bool) -> bool {
        let (on_word, example) = if pay {
            ("on DATE", PAY_EXAMPLE)
        } else {
            ("on: DATE", EXAMPLE)
        };
        let dated = self.tables[table].effective.is_some() || self.dated.contains(&table);
        let name = self.tables[table].name.clone();
        match (on, dated) {
            (Some(d), _) if !d.ty.compatible(&Type::Date) => {
                self.report(CheckError::LookupOnType {
                    found: d.ty.described(),
                    span: d.span.into(),
                });
                false
            }
            (None, true) => {
                self.report(CheckError::LookupOn {
                    message: format!(
                        "`{name}` is effective-dated: say on which day the rate must be in force"
                    ),
                    help: if pay {
                        format!("add `{on_word}`, the day whose rate pays the period, e.g. `{example}`")
                    } else {
                        format!(
                            "add `{on_word}`: the transaction's date (`on: close_date`) or the period's (`on: period_end()`), e.g. `{example}`"
                        )
                    },
                    span: span.into(),
                });
                false
            }
            (Some(d), false) => {
                self.report(CheckError::LookupOn {
                    message: format!(
                        "`{name}` has no `effective from`: its rates are not dated, so `{}` means nothing",
                        if pay { "on" } else { "on:" }
                    ),
                    help: format!(
                        "leave `{}` out, or date the rates: `input {name} key from, to effective from COLUMN {{ … }}`",
                        if pay { "on …" } else { "on:" }
                    ),
                    span: d.span.into(),
                });
                false
            }
            _ => true,
        }
    }

    /// issue 10, currencies: `participants T … paid in COL using FX.RATE [on DATE]`. `COL`
    /// is a required text column of the roster (ISO codes, checked when the data loads);
    /// the rate is an FX table's as for `convert`; the day is read in the participant's
    /// scope and may not read a definition (a payout's pay figure is computed as the payout
    /// settles, before later definitions).
    pub(super) fn pay_clause(&mut self, plan: &ast::Plan) -> Option<ir::PayIn> {
        let pay = plan.decls.iter().find_map(|d| match &d.kind {
            ast::DeclKind::Participants { pay: Some(p), .. } => Some(p),
            _ => None,
        })?;
        let roster = self.participants?;
        let column = match self.tables[roster].column(&pay.column.name) {
            Some(c)
                if self.tables[roster].columns[c].ty == Type::Text
                    && !self.tables[roster].columns[c].optional
                    && !self.tables[roster].is_computed(c) =>
            {
                self.resolved(pay.column.span, Target::Column(roster, c));
                Some(c)
            }
            found => {
                let why = match found {
                    Some(c) if self.tables[roster].columns[c].optional => {
                        "is optional: every participant needs the currency they are paid in"
                            .to_string()
                    }
                    Some(c) => format!(
                        "is {}, not a text column of currency codes",
                        self.tables[roster].columns[c].ty.described()
                    ),
                    None => format!("is not a column of `{}`", self.tables[roster].name),
                };
                self.report(CheckError::PaidIn {
                    message: format!("`paid in {}`: `{}` {why}", pay.column.name, pay.column.name),
                    help: format!(
                        "name a required text column of `{}` holding each participant's ISO 4217 code, e.g. `pay_currency: text` and `paid in pay_currency using fx.rate on period_end()`",
                        self.tables[roster].name
                    ),
                    span: pay.column.span.into(),
                    label: "not a currency column".into(),
                });
                None
            }
        };
        let fx = self.fx_rate_column(&pay.using);
        let on = pay.on.as_ref().map(|d| self.expr(d, None));
        if let Some(d) = &on {
            if let Some(def) = reads_def(d) {
                self.report(CheckError::PaidIn {
                    message: format!(
                        "the day of the pay rate reads `{}`, a definition",
                        self.defs[def].name.name
                    ),
                    help: "name the day from the roster, the calendar or a constant: `on period_end()`, `on period_start()`, `on pay_date`".into(),
                    span: d.span.into(),
                    label: "reads a definition".into(),
                });
                return None;
            }
        }
        let (table, rate) = fx?;
        if !self.fx_day(table, on.as_ref(), pay.span, true) {
            return None;
        }
        let currency = self.plan_currency();
        Some(ir::PayIn {
            column: column?,
            table,
            rate,
            on,
            plan_currency: self.strings.intern(&currency),
            span: pay.span,
        })
    }

    /// `using: T.rate`: a numeric column of a reference table keyed by two text columns (the
    /// currency converted from, then to).
    fn fx_rate_column(&mut self, e: &ast::Expr) -> Option<(TableId, ColId)> {
        let help = "name the rate column of a reference table keyed by two currencies, e.g. `input fx key from, to { from: text  to: text  rate: number }` and `using: fx.rate`";
        let target = match &e.kind {
            ExprKind::Field(inner, col) => match &inner.kind {
                ExprKind::Name(n) => Some((n, col)),
                _ => None,
            },
            _ => None,
        };
        let Some((n, col)) = target else {
            self.convert_error(
                format!(
                    "`using:` must name an FX table's rate column, found `{}`",
                    self.source_text(e.span)
                ),
                help.into(),
                "not `TABLE.COLUMN`",
                e.span,
            );
            return None;
        };
        let Some(&t) = self.table_names.get(&n.name) else {
            self.convert_error(
                format!("`{}` is not an input", n.name),
                help.into(),
                "unknown table",
                n.span,
            );
            return None;
        };
        self.resolved(n.span, Target::Table(t));
        self.used.insert(n.name.clone());
        let c = self.column_ref(t, col)?;
        let schema = &self.tables[t];
        let reference = Some(t) != self.participants && self.credits[t].is_none();
        let keyed = schema.keys.len() == 2
            && schema
                .keys
                .iter()
                .all(|&k| schema.columns[k].ty == Type::Text);
        let numeric = matches!(schema.columns[c].ty, Type::Number | Type::Integer);
        let why = if !reference {
            Some(format!("`{}` is not a reference table", n.name))
        } else if !keyed {
            Some(format!(
                "`{}` must be keyed by two text columns, the currency converted from and to (`key from, to`)",
                n.name
            ))
        } else if !numeric {
            Some(format!(
                "the rate `{}.{}` must be a number, found {}",
                n.name,
                col.name,
                schema.columns[c].ty.described()
            ))
        } else {
            None
        };
        if let Some(why) = why {
            self.convert_error(why, help.into(), "not an FX rate", e.span);
            return None;
        }
        Some((t, c))
    }

    fn source_text(&self, span: Span) -> String {
        self.src
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
            .to_string()
    }
}
