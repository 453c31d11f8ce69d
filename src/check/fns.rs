//! Plan parameters and user functions (issue 9).
//!
//! `param NAME = LITERAL`: a named constant. Its value in force is settled here, in the
//! checker: the plan's literal, or a `--set NAME=VALUE` override ([`ParamSet`], handed to
//! [`super::analyze_with`]). So every reader — an expression, a band edge or value of a
//! rate table — sees one constant, and the IR holds it as one ([`ir::ExprKind::PlanParam`]
//! carries the value; a band holds the number). That is the whole seam of `--set`.
//!
//! `fn NAME(P1, P2: TYPE, …) = EXPR`: checked once where it is declared (names, recursion;
//! untyped parameters as unknown types) and again at each call with the call's argument
//! types; a body checked for one list of types is kept once ([`ir::Plan::bodies`]) and
//! shared by the calls with those types, so the IR grows with the plan, not with the
//! number of paths through nested calls. A body reads
//! its parameters, params, constants, rate tables and other functions — nothing of the
//! participant (definitions, columns, rows), which must be passed as arguments.

use super::names::Target;
use super::{CheckError, Checker, Other};
use crate::diagnostics::suggest;
use crate::ir::{self, ExprKind as K, FnId, ParamId, Value};
use crate::syntax::ast::{self, DeclKind, ExprKind, Literal};
use crate::syntax::Span;
use crate::types::Type;

/// A `--set NAME=VALUE` override of a plan parameter, as written on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSet {
    /// The param's name.
    pub name: String,
    /// The value, written as in a plan (`18%`, `1500 EUR`, `2026-03-31`, `"EMEA"`).
    pub value: String,
}

impl ParamSet {
    /// `NAME=VALUE` (the value may itself hold `=`, inside a text).
    pub fn parse(arg: &str) -> Result<ParamSet, String> {
        match arg.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok(ParamSet {
                name: name.trim().to_string(),
                value: value.trim().to_string(),
            }),
            _ => Err(format!(
                "`{arg}`: write NAME=VALUE, e.g. `--set top_rate=18%`"
            )),
        }
    }
}

/// A declared function, as written.
pub(super) struct FnSlot<'p> {
    pub(super) name: ast::Ident,
    pub(super) params: &'p [ast::FnParam],
    pub(super) body: &'p ast::Expr,
    pub(super) span: Span,
}

/// A function body being checked: its parameters' names and types, and the call (none
/// for the check at the declaration).
pub(super) struct Frame {
    func: FnId,
    params: Vec<(String, Type)>,
    call: Option<Span>,
}

/// The most calls of user functions one call may make, through the bodies it calls: a
/// function calling another twice, that one calling a third twice, and so on, doubles the
/// work at each level, and 60 levels would never end. A real plan makes a handful.
pub(super) const MAX_CALLS: u64 = 10_000;

/// Whether a value of type `found` may be given where `want` is declared: the types'
/// usual compatibility, and an integer only where an integer is wanted.
fn fits(want: &Type, found: &Type) -> bool {
    want.compatible(found)
        && !(*want == Type::Integer && *found != Type::Integer && *found != Type::Error)
}

/// Whether a `--set` value of type `found` may replace a param of type `want`: the same
/// type and unit (a percent as a percent, an amount in the param's currency), or an
/// integer for a number.
fn set_fits(want: &Type, found: &Type) -> bool {
    want == found || (*want == Type::Number && *found == Type::Integer) || *want == Type::Error
}

impl<'p> Checker<'p> {
    /// Before anything else: every `param`'s value, with the `--set` overrides applied (so
    /// that rate tables declared before a param can read it).
    pub(super) fn collect_params(&mut self, plan: &'p ast::Plan) {
        for decl in &plan.decls {
            let DeclKind::Param { name, value } = &decl.kind else {
                continue;
            };
            if self.param_names.contains_key(&name.name) {
                continue; // reported as a duplicate when the names are claimed
            }
            let v = self.expr(value, None);
            let constant = match &v.kind {
                K::Const(c) => Some(c.clone()),
                K::Neg(inner) => match &inner.kind {
                    K::Const(Value::Num(n)) => Some(Value::Num(-n)),
                    _ => None,
                },
                _ => None,
            };
            let Some(constant) = constant else { continue };
            let id = ParamId(self.params.len());
            self.param_names.insert(name.name.clone(), id);
            self.param_idents.push(name.clone());
            self.params.push(ir::PlanParam {
                name: name.name.clone(),
                ty: v.ty.clone(),
                value: constant,
                span: decl.span,
                origin: ir::ParamOrigin::Plan,
            });
        }
        for set in std::mem::take(&mut self.sets) {
            self.apply_set(&set, plan.name_span);
        }
    }

    fn apply_set(&mut self, set: &ParamSet, plan_span: Span) {
        let Some(&p) = self.param_names.get(&set.name) else {
            let names: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
            let help = if names.is_empty() {
                "this plan declares no param; declare one with `param NAME = VALUE`".to_string()
            } else {
                let list = format!("the plan's params are: {}", names.join(", "));
                match crate::diagnostics::did_you_mean(&set.name, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? {list}"),
                    None => list,
                }
            };
            self.report(CheckError::SetUnknown {
                name: set.name.clone(),
                help,
                span: plan_span.into(),
            });
            return;
        };
        let want = self.params[p].ty.clone();
        let decl = self.params[p].span;
        let example = self
            .text_of_span(decl)
            .split_once('=')
            .map_or(String::new(), |(_, v)| v.trim().to_string());
        let help = format!(
            "write it as in the plan, e.g. `--set {}={example}`",
            set.name
        );
        let bad = |c: &mut Self, problem: String| {
            c.report(CheckError::SetValue {
                name: set.name.clone(),
                value: set.value.clone(),
                problem,
                help: help.clone(),
                span: decl.into(),
            })
        };
        let Some(e) = crate::syntax::parser::parse_literal(&set.value) else {
            bad(self, "not a value written as in a plan".to_string());
            return;
        };
        let (lit, negative) = match &e.kind {
            ExprKind::Lit(l) => (l, false),
            ExprKind::Neg(inner) => match &inner.kind {
                ExprKind::Lit(l) => (l, true),
                _ => return bad(self, "not a value written as in a plan".to_string()),
            },
            _ => return bad(self, "not a value written as in a plan".to_string()),
        };
        let found = lit.ty();
        if negative && !found.is_numeric() {
            return bad(self, format!("{} cannot be negative", found.described()));
        }
        if !set_fits(&want, &found) {
            return bad(
                self,
                format!(
                    "the param is {}, this is {}",
                    want.described(),
                    found.described()
                ),
            );
        }
        let value = match lit {
            Literal::Number(n) | Literal::Percent(n) | Literal::Money(n, _) | Literal::Days(n) => {
                let n = crate::num::Num::from(*n);
                Value::Num(if negative { -n } else { n })
            }
            Literal::Date(d) => Value::Date(crate::calendar::day(*d)),
            Literal::Text(s) => Value::Text(self.strings.intern(s)),
            Literal::Bool(b) => Value::Bool(*b),
        };
        self.params[p].value = value;
        self.params[p].origin = ir::ParamOrigin::Set(set.value.clone());
    }

    fn text_of_span(&self, span: Span) -> &str {
        self.src
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// `param NAME = …` in the declarations' pass: claim the name.
    pub(super) fn param_decl(&mut self, name: &ast::Ident) {
        let Some(&p) = self.param_names.get(&name.name) else {
            return; // its value did not check
        };
        if self.param_idents[p.index()].span != name.span {
            // a second param of the name: reported by claim_name
            let _ = self.claim_name(name);
            return;
        }
        if self.claim_name(name) {
            self.others.insert(name.name.clone(), Other::Param(p));
        }
    }

    /// `fn NAME(…) = …` in the declarations' pass.
    pub(super) fn fn_decl(&mut self, decl: &'p ast::Decl) {
        let DeclKind::Fn { name, params, body } = &decl.kind else {
            return;
        };
        if super::builtins::lookup(&name.name).is_some() {
            self.report(CheckError::FnBuiltin {
                name: name.name.clone(),
                span: name.span.into(),
            });
            return;
        }
        if !self.claim_name(name) {
            return;
        }
        let id = FnId(self.fns.len());
        self.others.insert(name.name.clone(), Other::Fn(id));
        self.fns.push(FnSlot {
            name: name.clone(),
            params,
            body,
            span: decl.span,
        });
    }

    /// Check every function's body once where it is declared: what it reads, and
    /// recursion (typed parameters with their types, the others as unknown).
    pub(super) fn check_fns(&mut self) {
        for f in FnId::all(self.fns.len()) {
            let decl = self.fns[f.index()].params;
            let mut params: Vec<(String, Type)> = Vec::new();
            for p in decl {
                if let Some(first) = decl.iter().find(|q| q.name.name == p.name.name) {
                    if first.name.span != p.name.span {
                        self.report(CheckError::DuplicateName {
                            name: p.name.name.clone(),
                            again: p.name.span.into(),
                            first: first.name.span.into(),
                        });
                    }
                }
                let ty = match &p.ty {
                    Some((t, _)) => self.type_name(t),
                    None => Type::Error,
                };
                params.push((p.name.name.clone(), ty));
            }
            let body = self.fns[f.index()].body;
            self.fn_frames.push(Frame {
                func: f,
                params,
                call: None,
            });
            let _ = self.expr(body, None);
            self.fn_frames.pop();
        }
    }

    /// The function whose body is being checked, if any.
    pub(super) fn in_body(&self) -> Option<String> {
        self.fn_frames
            .last()
            .map(|f| self.fns[f.func.index()].name.name.clone())
    }

    /// The call whose body is being checked, and the function's name: a problem found in
    /// a body also points at the call that gave the argument types.
    pub(super) fn current_call(&self) -> Option<(Span, String)> {
        self.fn_frames.iter().rev().find_map(|f| {
            f.call
                .map(|c| (c, self.fns[f.func.index()].name.name.clone()))
        })
    }

    /// A name a function's parameter or a `param` answers (`None`: resolve it as usual).
    /// Inside a body, a definition, a column or a table is an error.
    pub(super) fn scoped_name(
        &mut self,
        id: &ast::Ident,
        row: Option<ir::TableId>,
    ) -> Option<ir::Expr> {
        let span = id.span;
        if let Some(frame) = self.fn_frames.last() {
            if let Some(i) = frame.params.iter().position(|(n, _)| *n == id.name) {
                let ty = frame.params[i].1.clone();
                return Some(ir::Expr {
                    kind: K::Arg(i),
                    ty,
                    span,
                });
            }
        }
        if row.is_some_and(|t| self.tables[t].column(&id.name).is_some()) {
            return None;
        }
        if let Some(Other::Param(p)) = self.others.get(&id.name).copied() {
            self.resolved(span, Target::Other(Other::Param(p)));
            self.used.insert(id.name.clone());
            let param = &self.params[p.index()];
            return Some(ir::Expr {
                kind: K::PlanParam(p, param.value.clone()),
                ty: param.ty.clone(),
                span,
            });
        }
        let function = self.in_body()?;
        let roster_column = self
            .participants
            .is_some_and(|t| self.tables[t].column(&id.name).is_some());
        let what = if self.def_names.contains_key(&id.name) {
            "the definition"
        } else if roster_column {
            "the roster column"
        } else if self.table_names.contains_key(&id.name)
            || matches!(self.others.get(&id.name), Some(Other::RowSet(_)))
        {
            "the rows of"
        } else {
            return None;
        };
        self.report(self.reads_error(&function, what, &id.name, span));
        Some(super::exprs::poisoned(span))
    }

    /// A body reads the participant's data: the error, with the hint to pass it in.
    pub(super) fn reads_error(
        &self,
        function: &str,
        what: &str,
        name: &str,
        span: Span,
    ) -> CheckError {
        CheckError::FnReads {
            function: function.to_string(),
            what: what.to_string(),
            name: name.to_string(),
            help: format!(
                "a function reads only its parameters: pass it as an argument (add a parameter to `{function}` and give `{name}` at the call)"
            ),
            span: span.into(),
        }
    }

    /// A call of a user function: arguments bound by position or name, checked in the
    /// caller's place, then the body checked with their types.
    pub(super) fn fn_call(
        &mut self,
        fid: FnId,
        f: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
        row: Option<ir::TableId>,
    ) -> ir::Expr {
        use super::exprs::poisoned;
        self.resolved(f.span, Target::Other(Other::Fn(fid)));
        self.used.insert(f.name.clone());
        let decl = self.fns[fid.index()].params;
        let body = self.fns[fid.index()].body;
        let names: Vec<&str> = decl.iter().map(|p| p.name.name.as_str()).collect();
        let list = if names.is_empty() {
            "no arguments".to_string()
        } else {
            names.join(", ")
        };
        let mut bound: Vec<Option<&ast::Expr>> = vec![None; names.len()];
        let mut pos = 0;
        for a in args {
            match &a.name {
                Some(n) => match names.iter().position(|x| *x == n.name) {
                    Some(i) => bound[i] = Some(&a.value),
                    None => {
                        self.report(CheckError::UnknownArgument {
                            function: f.name.clone(),
                            name: n.name.clone(),
                            params: list,
                            span: n.span.into(),
                        });
                        return poisoned(span);
                    }
                },
                None => {
                    if pos >= names.len() {
                        self.report(CheckError::TooManyArguments {
                            function: f.name.clone(),
                            max: names.len(),
                            params: list,
                            span: a.value.span.into(),
                        });
                        return poisoned(span);
                    }
                    bound[pos] = Some(&a.value);
                    pos += 1;
                }
            }
        }
        if let Some(missing) = bound.iter().position(Option::is_none) {
            self.report(CheckError::MissingArgument {
                function: f.name.clone(),
                name: names[missing].to_string(),
                params: list,
                span: span.into(),
            });
            return poisoned(span);
        }
        let args_ir: Vec<ir::Expr> = bound
            .into_iter()
            .flatten()
            .map(|a| self.expr(a, row))
            .collect();
        if let Some(at) = self.fn_frames.iter().position(|fr| fr.func == fid) {
            let mut ids: Vec<FnId> = self.fn_frames[at..].iter().map(|fr| fr.func).collect();
            let mut cycle: Vec<String> = ids
                .iter()
                .map(|i| self.fns[i.index()].name.name.clone())
                .collect();
            cycle.push(f.name.clone());
            ids.sort();
            if self.fn_cycles.insert(ids) {
                self.report(CheckError::FnRecursion {
                    cycle: cycle.join(" → "),
                    callee: f.name.clone(),
                    span: f.span.into(),
                });
            }
            return poisoned(span);
        }
        let mut params = Vec::with_capacity(decl.len());
        for (p, a) in decl.iter().zip(&args_ir) {
            let ty = match &p.ty {
                Some((t, tspan)) => {
                    let want = self.type_name(t);
                    if !fits(&want, &a.ty) {
                        self.report(CheckError::FnArgument {
                            function: f.name.clone(),
                            param: p.name.name.clone(),
                            want: want.described(),
                            found: a.ty.described(),
                            span: a.span.into(),
                            decl: (*tspan).into(),
                        });
                        return poisoned(span);
                    }
                    want
                }
                None => a.ty.clone(),
            };
            params.push((p.name.name.clone(), ty));
        }
        // One body per list of argument types: calls with the same types share it.
        // (Bodies are only ever stored with their cost: see `MAX_CALLS`.)
        let key = (
            fid,
            params.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
        );
        let id = match self.body_ids.get(&key) {
            Some(&id) => id,
            None => {
                self.fn_frames.push(Frame {
                    func: fid,
                    params,
                    call: Some(span),
                });
                let body_ir = self.expr(body, None);
                self.fn_frames.pop();
                let id = ir::BodyId(self.bodies.len());
                let cost = self.calls_in(&body_ir);
                self.bodies.push(body_ir);
                self.body_costs.push(cost);
                self.body_ids.insert(key, id);
                id
            }
        };
        let calls = self.body_costs[id.index()].saturating_add(1);
        if calls > MAX_CALLS {
            // Once per function: every call of it would say the same.
            if self.fn_too_many.insert(fid) {
                self.report(CheckError::FnTooManyCalls {
                    function: f.name.clone(),
                    calls: calls.to_string(),
                    max: MAX_CALLS,
                    span: span.into(),
                });
            }
            return poisoned(span);
        }
        let ty = self.bodies[id.index()].ty.clone();
        ir::Expr {
            kind: K::Call {
                func: fid,
                args: args_ir,
                body: id,
            },
            ty,
            span,
        }
    }

    /// How many calls evaluating `e` makes, through the bodies it calls (saturating).
    fn calls_in(&self, e: &ir::Expr) -> u64 {
        let own = match &e.kind {
            K::Call { body, .. } => self
                .body_costs
                .get(body.index())
                .map_or(1, |c| c.saturating_add(1)),
            _ => 0,
        };
        e.children()
            .into_iter()
            .fold(own, |n, c| n.saturating_add(self.calls_in(c)))
    }

    /// The user functions' names, for the unknown-function hint.
    pub(super) fn fn_names(&self) -> Vec<String> {
        self.fns.iter().map(|f| f.name.name.clone()).collect()
    }

    /// The functions of the IR.
    pub(super) fn ir_fns(&self) -> Vec<ir::Function> {
        self.fns
            .iter()
            .map(|f| ir::Function {
                name: f.name.name.clone(),
                params: f.params.iter().map(|p| p.name.name.clone()).collect(),
                span: f.span,
            })
            .collect()
    }

    /// A band edge or value written as a name: the param's number and unit.
    pub(super) fn band_param(&mut self, n: &ast::Ident) -> Option<(rust_decimal::Decimal, Type)> {
        let found = self.param_names.get(&n.name).copied();
        let Some(p) = found else {
            self.report(CheckError::BandNotParam {
                name: n.name.clone(),
                span: n.span.into(),
            });
            return None;
        };
        self.resolved(n.span, Target::Other(Other::Param(p)));
        self.used.insert(n.name.clone());
        let param = &self.params[p.index()];
        match &param.value {
            Value::Num(v) => v.as_decimal().map(|d| (d, param.ty.clone())),
            _ => {
                self.report(CheckError::BandNotNumber {
                    span: n.span.into(),
                });
                None
            }
        }
    }

    /// The hint of an unknown name inside a body: its parameters and the params.
    pub(super) fn body_candidates(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .fn_frames
            .last()
            .map(|f| f.params.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default();
        v.extend(self.params.iter().map(|p| p.name.clone()));
        v
    }
}

/// A suggestion among a function's parameters and the params.
pub(super) fn body_hint(name: &str, cands: &[String]) -> String {
    suggest(name, cands.iter().map(String::as_str), || {
        "a function reads its parameters, params, constants, rate tables and other functions"
            .to_string()
    })
}
