//! issue 11, causes of a gap and comparison: a KPI's `drivers` line (the KPIs whose product
//! it is), and the functions of a KPI's values elsewhere: `cause_of`, `rank`, `percentile`,
//! `team_avg`, `trend`. Their arithmetic is in `eval/drivers.rs` and `eval/compare.rs`.

use super::builtins::{Function, KpiCall};
use super::{CheckError, Checker};
use crate::ir::{self, CauseBase, DefId, DefKind, ExprKind as K, KpiFn, Within};
use crate::syntax::ast::{self, Better, BinOp};
use crate::syntax::Span;
use crate::types::Type;
use std::collections::BTreeSet;

/// At most this many drivers: Shapley's effects sum over every subset of them.
pub const MAX_DRIVERS: usize = 8;

/// At most this many periods for `trend`.
const MAX_TREND_PERIODS: u32 = 1000;

/// The factors of a product of definitions (`a * b / c`), or the first part that is not one.
fn factors(e: &ir::Expr, divides: bool, out: &mut Vec<(DefId, bool, Span)>) -> Result<(), Span> {
    match &e.kind {
        K::Binary(BinOp::Mul, a, b) => {
            factors(a, divides, out)?;
            factors(b, divides, out)
        }
        K::Binary(BinOp::Div, a, b) => {
            factors(a, divides, out)?;
            factors(b, !divides, out)
        }
        K::Def(d) => {
            out.push((*d, divides, e.span));
            Ok(())
        }
        _ => Err(e.span),
    }
}

impl Checker<'_> {
    /// The plan's text at `span`.
    fn text_at(&self, span: Span) -> String {
        self.src
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
            .to_string()
    }

    /// Every KPI's `drivers` line, checked (and put into its IR) even when no `cause_of`
    /// reads it.
    pub(super) fn all_drivers(&mut self) {
        let mut with: Vec<DefId> = self
            .kpi_intents
            .iter()
            .filter(|(_, s)| s.drivers.is_some())
            .map(|(k, _)| *k)
            .collect();
        with.sort();
        for k in with {
            let d = self.kpi_drivers(k);
            if let Some(m) = self.defs[k].meta.as_mut() {
                m.drivers = d;
            }
        }
    }

    /// The KPI's drivers (checked once), with a dependency on what they read; `None` when it
    /// has no `drivers` line or the line has errors (reported).
    pub(super) fn kpi_drivers(&mut self, k: DefId) -> Option<ir::Drivers> {
        let (src, cached) = {
            let slot = self.kpi_intents.get(&k)?;
            (slot.drivers?, slot.checked_drivers.clone())
        };
        let checked = match cached {
            Some(c) => c,
            None => {
                self.dep_stack.push(BTreeSet::new());
                let d = self.check_drivers(k, src);
                let deps = self.dep_stack.pop().unwrap_or_default();
                let c = d.map(|d| (d, deps));
                if let Some(slot) = self.kpi_intents.get_mut(&k) {
                    slot.checked_drivers = Some(c.clone());
                }
                c
            }
        };
        let (d, deps) = checked?;
        if let Some(top) = self.dep_stack.last_mut() {
            top.extend(deps);
        }
        Some(d)
    }

    fn check_drivers(&mut self, k: DefId, src: &ast::Expr) -> Option<ir::Drivers> {
        let kty = self.ensure_def(k);
        let name = self.defs[k].name.name.clone();
        let e = self.expr(src, None);
        if e.ty == Type::Error {
            return None;
        }
        let problem = |c: &mut Self, problem: String, help: String, span: Span| {
            c.report(CheckError::KpiDrivers {
                kpi: name.clone(),
                problem,
                help,
                span: span.into(),
            });
        };
        let mut raw = Vec::new();
        if let Err(at) = factors(&e, false, &mut raw) {
            problem(
                self,
                "they are KPIs multiplied or divided".into(),
                "write e.g. `drivers opportunities * win_rate * avg_deal`".into(),
                at,
            );
            return None;
        }
        if raw.len() > MAX_DRIVERS {
            problem(
                self,
                format!("{} drivers, at most {MAX_DRIVERS}", raw.len()),
                "group drivers into KPIs of their own".into(),
                src.span,
            );
            return None;
        }
        let mut ok = true;
        let mut out: Vec<ir::Factor> = Vec::new();
        for (i, &(d, divides, span)) in raw.iter().enumerate() {
            let dname = self.defs[d].name.name.clone();
            if d == k {
                problem(
                    self,
                    format!("`{name}` cannot drive itself"),
                    "name the KPIs it is the product of".into(),
                    span,
                );
                ok = false;
            } else if raw[..i].iter().any(|r| r.0 == d) {
                problem(
                    self,
                    format!("`{dname}` is written twice"),
                    "name each driver once".into(),
                    span,
                );
                ok = false;
            } else if self.defs[d].kind != DefKind::Kpi {
                problem(
                    self,
                    format!("`{dname}` is not a KPI"),
                    format!(
                        "make it one: `kpi {dname} = … {{ target … }}`, so that its part of \
                         the gap can be computed"
                    ),
                    span,
                );
                ok = false;
            } else {
                match self.kpi_target(d) {
                    Some(target) => out.push(ir::Factor {
                        def: d,
                        divides,
                        target,
                    }),
                    None => {
                        problem(
                            self,
                            format!("`{dname}` has no target"),
                            format!(
                                "give it one: `kpi {dname} = … {{ target … }}`, so that its \
                                 part of the gap can be computed"
                            ),
                            span,
                        );
                        ok = false;
                    }
                }
            }
        }
        if !matches!(kty, Type::Error) && !kty.compatible(&e.ty) {
            self.report(CheckError::KpiDriversUnit {
                kpi: name.clone(),
                want: kty.described(),
                found: e.ty.described(),
                span: src.span.into(),
            });
            ok = false;
        }
        if !ok {
            return None;
        }
        let target = self.kpi_target(k);
        let (no_data, lower) = match self.kpi_intents.get(&k) {
            Some(s) => (s.no_data, s.better == Better::Lower),
            None => (None, false),
        };
        let no_data = no_data
            .map(|nd| self.expr(nd, None))
            .filter(|c| c.ty == Type::Bool);
        Some(ir::Drivers {
            factors: out,
            target,
            no_data,
            lower_is_better: lower,
            span: src.span,
        })
    }

    /// `cause_of`, `rank`, `percentile`, `team_avg`, `trend`: a KPI by name, and words.
    pub(super) fn kpi_call(
        &mut self,
        call: KpiCall,
        func: &Function,
        args: &[ast::Arg],
        span: Span,
        row: Option<ir::TableId>,
    ) -> ir::Expr {
        let poisoned = super::exprs::poisoned;
        if let Some(function) = self.in_body() {
            let name = format!("{}(…)", func.name);
            self.report(self.reads_error(&function, "other periods or people with", &name, span));
            return poisoned(span);
        }
        if row.is_some() {
            self.report(CheckError::AcrossInWhere {
                function: func.name.to_string(),
                span: span.into(),
            });
            return poisoned(span);
        }
        let Some(a) = self.bind(func, func.arguments, args, span) else {
            return poisoned(span);
        };
        let Some(arg) = a[0] else {
            return poisoned(span);
        };
        let not_a_kpi = |c: &mut Self, at: Span| {
            c.report(CheckError::KpiFunctionArgument {
                function: func.name.to_string(),
                span: at.into(),
            });
            poisoned(span)
        };
        if !matches!(arg.kind, ast::ExprKind::Name(_)) {
            return not_a_kpi(self, arg.span);
        }
        let value = self.expr(arg, None);
        let K::Def(k) = value.kind else {
            if value.ty == Type::Error {
                return poisoned(span);
            }
            return not_a_kpi(self, arg.span);
        };
        let kname = self.defs[k].name.name.clone();
        if !value.ty.is_numeric() {
            if value.ty != Type::Error {
                self.report(CheckError::KpiIntentType {
                    kpi: kname,
                    found: value.ty.described(),
                    span: arg.span.into(),
                });
            }
            return poisoned(span);
        }
        // An average, a slope, a projection or a share of a gap of whole numbers need not be
        // whole: a number, as `avg` of integers is.
        let kty = match value.ty {
            Type::Integer => Type::Number,
            ref t => t.clone(),
        };
        let word = |e: Option<&ast::Expr>| match e.map(|e| &e.kind) {
            Some(ast::ExprKind::Name(id)) => Some(id.name.clone()),
            _ => None,
        };
        let option = |c: &mut Self, option: &str, e: &ast::Expr, help: &str| {
            c.report(CheckError::KpiFunctionOption {
                function: func.name.to_string(),
                option: option.to_string(),
                found: format!("`{}`", c.text_at(e.span)),
                help: help.to_string(),
                span: e.span.into(),
            });
            poisoned(span)
        };
        let within = |c: &mut Self| -> Option<Within> {
            let e = a[1]?;
            match word(Some(e)).as_deref() {
                Some("team") => {
                    if c.manager.is_none() {
                        c.report(CheckError::NoHierarchy {
                            function: format!("{}(…, within: team)", func.name),
                            span: e.span.into(),
                        });
                        return None;
                    }
                    Some(Within::Team)
                }
                Some("org") => Some(Within::Org),
                _ => {
                    option(c, "within", e, "write `within: team` (the participants with the same manager) or `within: org` (everyone)");
                    None
                }
            }
        };
        let (func_ir, ty) = match call {
            KpiCall::Rank | KpiCall::Percentile => {
                let Some(w) = within(self) else {
                    return poisoned(span);
                };
                if call == KpiCall::Rank {
                    (KpiFn::Rank(w), Type::Integer)
                } else {
                    (KpiFn::Percentile(w), Type::Percent)
                }
            }
            KpiCall::TeamAvg => {
                if self.manager.is_none() {
                    self.report(CheckError::NoHierarchy {
                        function: func.name.to_string(),
                        span: span.into(),
                    });
                    return poisoned(span);
                }
                (KpiFn::TeamAvg, kty)
            }
            KpiCall::Pace => (KpiFn::Pace, kty),
            KpiCall::Trend => {
                let Some(e) = a[1] else {
                    return poisoned(span);
                };
                let n = match &e.kind {
                    ast::ExprKind::Lit(ast::Literal::Number(n)) => {
                        u32::try_from(n.normalize().mantissa())
                            .ok()
                            .filter(|_| n.normalize().scale() == 0)
                    }
                    _ => None,
                };
                match n {
                    Some(n) if (2..=MAX_TREND_PERIODS).contains(&n) => (KpiFn::Trend(n), kty),
                    _ => {
                        return option(
                            self,
                            "periods",
                            e,
                            "write a whole number of periods from 2 to 1000, e.g. `trend(bookings, periods: 4)`",
                        )
                    }
                }
            }
            KpiCall::Cause => {
                let vs = match a[2] {
                    None => CauseBase::Target,
                    Some(e) => match word(Some(e)).as_deref() {
                        Some("target") => CauseBase::Target,
                        Some("prior") => CauseBase::Prior,
                        _ => return option(
                            self,
                            "vs",
                            e,
                            "write `vs: target` (the default) or `vs: prior` (the previous period)",
                        ),
                    },
                };
                let Some(darg) = a[1] else {
                    return poisoned(span);
                };
                let drivers = self.kpi_drivers(k);
                let has_line = self
                    .kpi_intents
                    .get(&k)
                    .is_some_and(|s| s.drivers.is_some());
                let Some(drivers) = drivers else {
                    if !has_line {
                        self.report(CheckError::NotADriver {
                            kpi: kname.clone(),
                            driver: self.text_at(darg.span),
                            help: format!(
                                "`{kname}` has no `drivers` line: add one to its block, e.g. \
                                 `drivers opportunities * win_rate * avg_deal`"
                            ),
                            span: darg.span.into(),
                        });
                    }
                    return poisoned(span);
                };
                let d = self.expr(darg, None);
                let pos = match d.kind {
                    K::Def(d) => drivers.factors.iter().position(|f| f.def == d),
                    _ => None,
                };
                let Some(driver) = pos else {
                    if d.ty != Type::Error {
                        let names: Vec<String> = drivers
                            .factors
                            .iter()
                            .map(|f| format!("`{}`", self.defs[f.def].name.name))
                            .collect();
                        self.report(CheckError::NotADriver {
                            kpi: kname.clone(),
                            driver: self.text_at(darg.span),
                            help: format!("the drivers of `{kname}` are {}", names.join(", ")),
                            span: darg.span.into(),
                        });
                    }
                    return poisoned(span);
                };
                (KpiFn::Cause { driver, vs }, kty)
            }
        };
        ir::Expr {
            kind: K::KpiOf {
                kpi: k,
                func: func_ir,
            },
            ty,
            span,
        }
    }
}
