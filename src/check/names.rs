//! The name-resolution table: every declared name (definitions, row sets, rate tables,
//! inputs and their columns) and every use of one, each use pointing at the span of the
//! declaration it resolves to. Built while checking, kept even when the plan has errors
//! (an editor needs it most on a broken plan).

use super::defs::DefState;
use super::{Checker, Other};
use crate::ir::{ColId, DefId, DefKind, FnId, ParamId, RatesId, TableId};
use crate::syntax::Span;
use crate::types::Type;
use std::collections::BTreeMap;

/// What a declared name is.
#[derive(Clone, Debug, PartialEq)]
pub enum SymbolKind {
    /// `let NAME = value`.
    Let,
    /// `kpi NAME = …`.
    Kpi,
    /// `payout NAME = …`.
    Payout,
    /// `let NAME = rows where …`: a row set of the input table (by name).
    RowSet,
    /// `rates NAME by … { bands }`, with its bands as written.
    Rates {
        /// Each band line's text.
        bands: Vec<String>,
    },
    /// `input NAME { … }`.
    Input,
    /// A column of an input (the table's name).
    Column {
        /// The input the column belongs to.
        table: String,
    },
    /// issue 9, tables: `curve NAME by … { points }`.
    Curve,
    // issue 9, functions and parameters
    /// `param NAME = value`.
    Param,
    /// `fn NAME(params) = body`, with its parameters' names.
    Fn {
        /// The parameters, in order.
        params: Vec<String>,
    },
}

/// One declared name.
#[derive(Clone, Debug)]
pub struct Symbol {
    /// The name.
    pub name: String,
    /// What it declares.
    pub kind: SymbolKind,
    /// Where the name is written in its declaration.
    pub span: Span,
    /// The whole declaration.
    pub decl: Span,
    /// Its type, when known (a definition checked without error, a column, a rate table's
    /// values).
    pub ty: Option<Type>,
}

/// The names of a plan and what each use resolves to.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Declarations in source order.
    pub symbols: Vec<Symbol>,
    /// Each use (by its span) → the index in `symbols` of the declaration it names, in
    /// source order. Declarations are not listed as uses.
    pub uses: Vec<(Span, usize)>,
    /// The input declared as the roster (`participants TABLE`), as an index in `symbols`.
    pub roster: Option<usize>,
}

impl Names {
    /// The symbol declared or used at byte `offset` (inclusive of the name's end).
    pub fn at(&self, offset: usize) -> Option<usize> {
        let inside = |s: &Span| (s.start as usize) <= offset && offset <= s.end as usize;
        self.uses
            .iter()
            .find(|(s, _)| inside(s))
            .map(|&(_, i)| i)
            .or_else(|| self.symbols.iter().position(|s| inside(&s.span)))
    }

    /// The spans of every use of symbol `i`.
    pub fn uses_of(&self, i: usize) -> impl Iterator<Item = Span> + '_ {
        self.uses
            .iter()
            .filter(move |&&(_, j)| j == i)
            .map(|&(s, _)| s)
    }
}

/// What a use resolved to, as the checker knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    Def(DefId),
    Table(TableId),
    Column(TableId, ColId),
    Other(Other),
}

/// Key of a use in the checker's table: its span.
type At = (u32, u32);

/// The uses recorded while checking (a row set is resolved at each use, so a use may be
/// recorded more than once: one entry per span).
#[derive(Default)]
pub(super) struct Uses(pub(super) BTreeMap<At, Target>);

impl<'p> Checker<'p> {
    /// Record that the name written at `span` resolved to `target`.
    pub(super) fn resolved(&mut self, span: Span, target: Target) {
        self.uses.0.insert((span.start, span.end), target);
    }

    /// The name-resolution table of what has been checked.
    pub(super) fn names(&self) -> Names {
        let mut symbols = Vec::new();
        let mut defs = BTreeMap::new();
        let mut tables = BTreeMap::new();
        let mut cols = BTreeMap::new();
        let mut others = BTreeMap::new();
        for (d, id) in self.defs.iter().zip(DefId::all(self.defs.len())) {
            let kind = match d.kind {
                DefKind::Let => SymbolKind::Let,
                DefKind::Kpi => SymbolKind::Kpi,
                DefKind::Payout => SymbolKind::Payout,
                DefKind::Total => continue,
            };
            defs.insert(id, symbols.len());
            symbols.push(Symbol {
                name: d.name.name.clone(),
                kind,
                span: d.name.span,
                decl: d.span,
                ty: match &d.state {
                    DefState::Done(t) if *t != Type::Error => Some(t.clone()),
                    _ => None,
                },
            });
        }
        for (i, (name, e)) in self.rowsets.iter().enumerate() {
            others.insert(Other::RowSet(i), symbols.len());
            symbols.push(Symbol {
                name: name.name.clone(),
                kind: SymbolKind::RowSet,
                span: name.span,
                decl: name.span.to(e.span),
                ty: None,
            });
        }
        for (r, id) in self.rates.iter().zip(RatesId::all(self.rates.len())) {
            let Some(&span) = self.rates_names.get(id.index()) else {
                continue;
            };
            others.insert(Other::Rates(id), symbols.len());
            // issue 9, tables: a grid's lines are its rows.
            let rows = r
                .grid
                .iter()
                .flat_map(|g| g.rows.keys.iter().map(|k| k.span));
            let bands = r
                .bands
                .iter()
                .map(|b| b.span)
                .chain(rows)
                .map(|span| {
                    self.src
                        .text
                        .get(span.start as usize..span.end as usize)
                        .unwrap_or("")
                        .trim()
                        .to_string()
                })
                .collect();
            symbols.push(Symbol {
                name: r.name.clone(),
                kind: SymbolKind::Rates { bands },
                span,
                decl: r.span,
                ty: (r.value_ty != Type::Error).then(|| r.value_ty.clone()),
            });
        }
        // issue 9, tables
        for (i, c) in self.curves.iter().enumerate() {
            let Some(&span) = self.curves_names.get(i) else {
                continue;
            };
            others.insert(Other::Curve(crate::ir::CurveId(i)), symbols.len());
            symbols.push(Symbol {
                name: c.name.clone(),
                kind: SymbolKind::Curve,
                span,
                decl: c.span,
                ty: (c.y_ty != Type::Error).then(|| c.y_ty.clone()),
            });
        }
        // issue 9, functions and parameters
        for (p, id) in self.params.iter().zip(ParamId::all(self.params.len())) {
            others.insert(Other::Param(id), symbols.len());
            symbols.push(Symbol {
                name: p.name.clone(),
                kind: SymbolKind::Param,
                span: self.param_idents[id.index()].span,
                decl: p.span,
                ty: Some(p.ty.clone()),
            });
        }
        for (f, id) in self.fns.iter().zip(FnId::all(self.fns.len())) {
            others.insert(Other::Fn(id), symbols.len());
            symbols.push(Symbol {
                name: f.name.name.clone(),
                kind: SymbolKind::Fn {
                    params: f.params.iter().map(|p| p.name.name.clone()).collect(),
                },
                span: f.name.span,
                decl: f.span,
                ty: None,
            });
        }
        for (t, id) in self.tables.iter().zip(TableId::all(self.tables.len())) {
            tables.insert(id, symbols.len());
            let mut decl = t.span;
            for c in &t.columns {
                decl = decl.to(c.span);
            }
            symbols.push(Symbol {
                name: t.name.clone(),
                kind: SymbolKind::Input,
                span: t.span,
                decl,
                ty: None,
            });
            for (c, cid) in t.columns.iter().zip(ColId::all(t.columns.len())) {
                cols.insert((id, cid), symbols.len());
                symbols.push(Symbol {
                    name: c.name.clone(),
                    kind: SymbolKind::Column {
                        table: t.name.clone(),
                    },
                    span: c.span,
                    decl: c.span,
                    ty: Some(c.ty.clone()),
                });
            }
        }
        let uses = self
            .uses
            .0
            .iter()
            .filter_map(|(&(s, e), t)| {
                let i = match t {
                    Target::Def(d) => defs.get(d),
                    Target::Table(t) => tables.get(t),
                    Target::Column(t, c) => cols.get(&(*t, *c)),
                    Target::Other(o) => others.get(o),
                }?;
                Some((Span::new(s as usize, e as usize), *i))
            })
            .filter(|(s, i)| symbols[*i].span != *s)
            .collect();
        let roster = self.participants.and_then(|p| tables.get(&p).copied());
        let mut names = Names {
            symbols,
            uses,
            roster,
        };
        // Source order of declarations, uses re-pointed.
        let mut order: Vec<usize> = (0..names.symbols.len()).collect();
        order.sort_by_key(|&i| (names.symbols[i].span.start, i));
        let mut new_of = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_of[old] = new;
        }
        names.symbols = order.iter().map(|&i| names.symbols[i].clone()).collect();
        for u in &mut names.uses {
            u.1 = new_of[u.1];
        }
        names.roster = names.roster.map(|r| new_of[r]);
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::plan;
    use crate::diagnostics::SourceFile;

    fn names(text: &str) -> Names {
        let src = SourceFile::new("t.plan", text);
        match crate::syntax::parse(&src) {
            Ok(ast) => super::super::analyze(&ast, &src).names,
            Err(_) => Names::default(),
        }
    }

    /// The text at each use and the name of what it resolves to, with the declaration's
    /// offset.
    fn resolved(text: &str) -> Vec<(String, String, bool)> {
        let n = names(text);
        n.uses
            .iter()
            .map(|&(s, i)| {
                let sym = &n.symbols[i];
                (
                    text[s.start as usize..s.end as usize].to_string(),
                    sym.name.clone(),
                    text[sym.span.start as usize..sym.span.end as usize] == sym.name,
                )
            })
            .collect()
    }

    #[test]
    fn every_kind_of_name_resolves_to_its_declaration() {
        let text = plan(
            "  let big = deals where amount > 100 EUR\n  kpi won = sum(big.amount)\n  \
             rates r by won {\n    0 EUR .. 10 EUR : 1%\n    10 EUR .. : 2%\n  }\n  \
             payout p = flat(r, won) when quota > 0 EUR",
        );
        let got = resolved(&text);
        for want in [
            ("deals", "deals"),
            ("amount", "amount"),
            ("big", "big"),
            ("won", "won"),
            ("r", "r"),
            ("quota", "quota"),
            ("reps", "reps"),
            ("owner", "owner"),
            ("closed", "closed"),
            ("boss", "boss"),
        ] {
            assert!(
                got.iter()
                    .any(|(u, d, ok)| u == want.0 && d == want.1 && *ok),
                "{want:?} in {got:?}"
            );
        }
    }

    #[test]
    fn a_curve_and_its_uses_resolve_to_its_declaration() {
        // issue 9, tables
        let text = plan(
            "  kpi won = sum(deals.amount)\n  \
             curve c by won {\n    below: zero\n    0 EUR : 0%\n    10 EUR : 1%\n    above: hold\n  }\n  \
             kpi f = interpolate(c, won)",
        );
        let got = resolved(&text);
        assert!(
            got.iter().any(|(u, d, ok)| u == "c" && d == "c" && *ok),
            "{got:?}"
        );
        let n = names(&text);
        let c = n.symbols.iter().find(|s| s.name == "c").expect("the curve");
        assert_eq!(c.kind, SymbolKind::Curve);
    }

    #[test]
    fn the_table_is_kept_when_the_plan_has_errors() {
        let text = plan("  kpi won = sum(deals.amount)\n  kpi bad = won + nope");
        let n = names(&text);
        let won = n.symbols.iter().position(|s| s.name == "won");
        assert!(won.is_some());
        let uses: Vec<_> = won.map(|w| n.uses_of(w).collect()).unwrap_or_default();
        assert_eq!(uses.len(), 1);
        assert_eq!(n.symbols.iter().filter(|s| s.name == "nope").count(), 0);
    }
}
