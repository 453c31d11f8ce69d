//! issue 11, scorecards: `scorecard NAME { KPI WEIGHT [floor F] [cap C] … }` checked into a
//! percent definition whose expression is an [`ir::ExprKind::Scorecard`]: each measure a KPI
//! with a target, read through `attainment_of`, its weight and bounds constant percents;
//! the weights adding up to 100% (or to `weights add up to …`); the gate a yes/no condition.

use super::names::Target;
use super::{CheckError, Checker};
use crate::diagnostics::suggest;
use crate::ir::{self, DefId, DefKind, ExprKind as K, Measure, Scorecard, Value};
use crate::num::Num;
use crate::syntax::ast::{self, BinOp, LimitKind, ScorecardItem, ScorecardItemKind as S};
use crate::syntax::Span;
use crate::types::Type;

fn mk(kind: K, ty: Type, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

/// A fraction written as a percent: 0.4 → `40%`.
fn pct(n: &Num) -> String {
    n.as_decimal().map_or_else(
        || n.to_string(),
        |d| format!("{}%", crate::render::percent(d, None)),
    )
}

impl<'p> Checker<'p> {
    /// The scorecard definition `id`: its expression and type (a percent); sets its gate.
    pub(super) fn scorecard_def(&mut self, id: DefId) -> (ir::Expr, Type) {
        let name = self.defs[id].name.name.clone();
        let name_span = self.defs[id].name.span;
        let items: &'p [ScorecardItem] = self.scorecards.get(&id).copied().unwrap_or(&[]);
        let mut measures: Vec<Measure> = Vec::new();
        let mut total: Option<Num> = None;
        let mut reweight = false;
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        let mut weight_sum = Num::ZERO;
        for item in items {
            let setting = match &item.kind {
                S::Measure { .. } => None,
                S::Weights(_) => Some("weights add up to"),
                S::NoDataReweights => Some("no data reweights"),
                S::Gate(_) => Some("when"),
            };
            if let Some(setting) = setting {
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == setting) {
                    self.report(CheckError::ScorecardSettingTwice {
                        scorecard: name.clone(),
                        setting: format!("`{setting}`"),
                        span: item.span.into(),
                        first: (*first).into(),
                    });
                    continue;
                }
                seen.push((setting, item.span));
            }
            match &item.kind {
                S::Measure {
                    kpi,
                    weight,
                    bounds,
                } => {
                    let w = self.percent_constant(weight, "a weight");
                    if let Some(w) = &w {
                        if *w <= Num::ZERO {
                            self.report(CheckError::ScorecardBound {
                                problem: format!("the weight of `{}` is not above 0%", kpi.name),
                                help: "leave the measure out of the scorecard instead".into(),
                                span: weight.span.into(),
                            });
                        }
                        weight_sum = weight_sum.checked_add(w).unwrap_or(weight_sum);
                    }
                    let (floor, cap) = self.measure_bounds(&name, kpi, bounds);
                    if let (Some(m), Some(w)) = (self.measure(&name, kpi, item.span, &measures), w)
                    {
                        measures.push(Measure {
                            weight: w,
                            floor,
                            cap,
                            ..m
                        });
                    }
                }
                S::Weights(p) => total = self.percent_constant(p, "the sum of the weights"),
                S::NoDataReweights => reweight = true,
                S::Gate(g) => {
                    let ge = self.expr(g, None);
                    if !ge.ty.compatible(&Type::Bool) {
                        self.report(CheckError::GateType {
                            found: ge.ty.described(),
                            span: g.span.into(),
                        });
                    }
                    self.defs[id].gate = Some(ge);
                }
            }
        }
        let want = total.clone().unwrap_or(Num::ONE);
        if weight_sum != want {
            let shown = pct;
            let help = match &total {
                None => format!(
                    "make the weights add up to 100%, or say so in the block if that is meant: \
                     `weights add up to {}`",
                    shown(&weight_sum)
                ),
                Some(_) => "make the weights add up to the `weights add up to` line".to_string(),
            };
            self.report(CheckError::ScorecardWeights {
                scorecard: name.clone(),
                sum: shown(&weight_sum),
                want: shown(&want),
                help,
                span: name_span.into(),
            });
        }
        // `scorecard NAME`: what explain shows as the expression.
        let span = Span::new(self.defs[id].span.start as usize, name_span.end as usize);
        let e = mk(
            K::Scorecard(Box::new(Scorecard {
                measures,
                total: want,
                reweight,
            })),
            Type::Percent,
            span,
        );
        (e, Type::Percent)
    }

    /// A measure's KPI: a numeric KPI with a target, not measured before; its weight and
    /// bounds are filled in by the caller.
    fn measure(
        &mut self,
        scorecard: &str,
        kpi: &ast::Ident,
        line: Span,
        before: &[Measure],
    ) -> Option<Measure> {
        self.used.insert(kpi.name.clone());
        let kpis: Vec<String> = {
            let mut v: Vec<String> = self
                .defs
                .iter()
                .enumerate()
                .filter(|(i, d)| {
                    d.kind == DefKind::Kpi
                        && !d.name.name.contains('.')
                        && self.kpi_has_target(DefId(*i))
                })
                .map(|(_, d)| d.name.name.clone())
                .collect();
            v.sort();
            v
        };
        let list = || {
            if kpis.is_empty() {
                "give a KPI a target in its block: `kpi win_rate = … { target 30% }`".to_string()
            } else {
                format!("the KPIs with a target: {}", kpis.join(", "))
            }
        };
        let Some(&d) = self.def_names.get(&kpi.name) else {
            let help = suggest(&kpi.name, kpis.iter().map(String::as_str), list);
            self.report(CheckError::ScorecardMeasure {
                problem: format!("`{}` in scorecard `{scorecard}` is not a KPI", kpi.name),
                help,
                span: kpi.span.into(),
                what: "unknown name".into(),
            });
            return None;
        };
        self.resolved(kpi.span, Target::Def(d));
        let is_kpi = self.defs[d].kind == DefKind::Kpi
            && !self.scorecards.contains_key(&d)
            && self.defs[d]
                .meta
                .as_ref()
                .and_then(|m| m.status_of)
                .is_none();
        if !is_kpi {
            let what = match self.defs[d].kind {
                DefKind::Let => "a `let` value",
                DefKind::Payout => "a payout",
                DefKind::Total => "the total",
                DefKind::Kpi if self.scorecards.contains_key(&d) => "a scorecard",
                DefKind::Kpi => "a status",
            };
            let help = suggest(&kpi.name, kpis.iter().map(String::as_str), list);
            self.report(CheckError::ScorecardMeasure {
                problem: format!(
                    "`{}` in scorecard `{scorecard}` is {what}, not a KPI",
                    kpi.name
                ),
                help,
                span: kpi.span.into(),
                what: "not a KPI".into(),
            });
            return None;
        }
        if before.iter().any(|m| m.kpi == d) {
            self.report(CheckError::ScorecardMeasure {
                problem: format!(
                    "`{}` is measured twice in scorecard `{scorecard}`",
                    kpi.name
                ),
                help: "give the KPI one line, with its whole weight".into(),
                span: line.into(),
                what: "again here".into(),
            });
            return None;
        }
        let kty = self.ensure_def(d);
        if let Some(top) = self.dep_stack.last_mut() {
            top.insert(d);
        }
        if matches!(kty, Type::Text | Type::Bool | Type::Date) {
            self.report(CheckError::KpiIntentType {
                kpi: kpi.name.clone(),
                found: kty.described(),
                span: kpi.span.into(),
            });
            return None;
        }
        let (Some(target), Some(&status)) = (
            self.kpi_target(d),
            self.def_names.get(&format!("{}.status", kpi.name)),
        ) else {
            self.report(CheckError::KpiNoTarget {
                kpi: kpi.name.clone(),
                what: "a scorecard measure needs a target".into(),
                span: kpi.span.into(),
            });
            return None;
        };
        self.ensure_def(status);
        if let Some(top) = self.dep_stack.last_mut() {
            top.insert(status);
        }
        // attainment_of(kpi): value / target, or target / value when lower is better.
        let value = mk(K::Def(d), kty, kpi.span);
        let (a, b) = if self.kpi_lower_is_better(d) {
            (target, value)
        } else {
            (value, target)
        };
        let attainment = mk(
            K::Binary(BinOp::Div, Box::new(a), Box::new(b)),
            Type::Percent,
            kpi.span,
        );
        Some(Measure {
            kpi: d,
            status,
            attainment,
            weight: Num::ZERO,
            floor: None,
            cap: None,
            span: line,
        })
    }

    /// A measure's `floor` and `cap`: constant percents, once each, the floor not above the
    /// cap.
    fn measure_bounds(
        &mut self,
        scorecard: &str,
        kpi: &ast::Ident,
        bounds: &'p [ast::MeasureBound],
    ) -> (Option<Num>, Option<Num>) {
        let mut floor: Option<(Num, Span)> = None;
        let mut cap: Option<(Num, Span)> = None;
        for b in bounds {
            let (word, slot) = match b.kind {
                LimitKind::Floor => ("floor", &mut floor),
                LimitKind::Cap => ("cap", &mut cap),
            };
            if let Some((_, first)) = slot {
                let first = *first;
                self.report(CheckError::ScorecardSettingTwice {
                    scorecard: scorecard.to_string(),
                    setting: format!("the {word} of `{}`", kpi.name),
                    span: b.span.into(),
                    first: first.into(),
                });
                continue;
            }
            let what = if b.kind == LimitKind::Floor {
                "a floor"
            } else {
                "a cap"
            };
            if let Some(v) = self.percent_constant(&b.value, what) {
                let slot = match b.kind {
                    LimitKind::Floor => &mut floor,
                    LimitKind::Cap => &mut cap,
                };
                *slot = Some((v, b.span));
            }
        }
        if let (Some((f, _)), Some((c, cspan))) = (&floor, &cap) {
            if f > c {
                self.report(CheckError::ScorecardBound {
                    problem: format!(
                        "the floor of `{}` ({}) is above its cap ({})",
                        kpi.name,
                        pct(f),
                        pct(c)
                    ),
                    help: "a floor is the least attainment counted, a cap the most: \
                           e.g. `floor 0% cap 120%`"
                        .into(),
                    span: (*cspan).into(),
                });
            }
        }
        (floor.map(|f| f.0), cap.map(|c| c.0))
    }

    /// A weight, floor, cap or sum of weights: a percent literal or a percent `param`.
    fn percent_constant(&mut self, e: &'p ast::Expr, what: &str) -> Option<Num> {
        let v = self.expr(e, None);
        let n = match &v.kind {
            K::Const(Value::Num(n)) | K::PlanParam(_, Value::Num(n)) => Some(n.clone()),
            K::Neg(inner) => match &inner.kind {
                K::Const(Value::Num(n)) | K::PlanParam(_, Value::Num(n)) => {
                    Num::ZERO.checked_sub(n)
                }
                _ => None,
            },
            _ => None,
        };
        if v.ty == Type::Error {
            return None;
        }
        match n {
            Some(n) if v.ty == Type::Percent => Some(n),
            _ => {
                self.report(CheckError::ScorecardBound {
                    problem: format!(
                        "{what} of a scorecard is a percent, not {}",
                        v.ty.described()
                    ),
                    help: "write a percent, e.g. `40%`, or the name of a percent `param`".into(),
                    span: e.span.into(),
                });
                None
            }
        }
    }
}
