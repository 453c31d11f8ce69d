//! issue 10, statements: the `statement { … }` block checked into an [`ir::StatementSpec`]:
//! each name a definition of the plan, an amount in the plan's currency; payouts under the
//! paid sections (which add up to `total`), other values under `previously paid` and `balance`;
//! no definition twice; a payout left out is a warning (statements then show it as an
//! "other payout", so that their lines still add up).

use super::error::CheckError;
use super::Checker;
use crate::diagnostics::suggest;
use crate::ir::{self, DefKind, Section, StatementLine};
use crate::syntax::ast::{self, DeclKind};
use crate::syntax::Span;
use crate::types::Type;
use std::collections::HashMap;

/// The section a word of the grammar's `statement_section` names.
fn section(word: &str) -> Option<Section> {
    Section::ALL.into_iter().find(|s| s.word() == word)
}

impl Checker<'_> {
    /// Check the plan's `statement` block (the first one: a second is reported as a duplicate
    /// by the first pass). Marks the names it lists as used.
    pub(super) fn statement_block(&mut self, plan: &ast::Plan) -> Option<ir::StatementSpec> {
        let (lines, block) = plan.decls.iter().find_map(|d| match &d.kind {
            DeclKind::Statement { lines, keyword } => Some((lines, *keyword)),
            _ => None,
        })?;
        let currency = self.plan_currency();
        let mut out = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for line in lines {
            let Some(sec) = section(&line.section) else {
                continue; // the grammar admits only the sections' words
            };
            for n in &line.names {
                self.used.insert(n.name.clone());
                if let Some(&first) = seen.get(n.name.as_str()) {
                    self.report(CheckError::StatementTwice {
                        name: n.name.clone(),
                        again: n.span.into(),
                        first: first.into(),
                    });
                    continue;
                }
                seen.insert(&n.name, n.span);
                if n.name == "total" {
                    self.report(CheckError::StatementTotal {
                        span: n.span.into(),
                    });
                    continue;
                }
                let Some(&d) = self.def_names.get(&n.name) else {
                    let names: Vec<&str> = self
                        .defs
                        .iter()
                        .filter(|s| s.kind != DefKind::Total)
                        .map(|s| s.name.name.as_str())
                        .collect();
                    let help = suggest(&n.name, names.iter().copied(), || {
                        "a line shows a payout, kpi or let of the plan".to_string()
                    });
                    self.report(CheckError::StatementUnknown {
                        name: n.name.clone(),
                        span: n.span.into(),
                        help,
                    });
                    continue;
                };
                // For the language server: go to definition, references, rename.
                self.resolved(n.span, super::names::Target::Def(d));
                let slot = &self.defs[d];
                let kind = slot.kind;
                let ty = match &slot.state {
                    super::defs::DefState::Done(t) => Some(t.clone()),
                    _ => None,
                };
                match &ty {
                    Some(Type::Money(c)) if *c == currency => {}
                    // A definition with an error of its own has been reported already.
                    Some(Type::Error) | None => continue,
                    Some(other) => {
                        self.report(CheckError::StatementType {
                            name: n.name.clone(),
                            found: found(other),
                            currency: currency.clone(),
                            span: n.span.into(),
                        });
                        continue;
                    }
                }
                let paid = kind == DefKind::Payout;
                if sec.is_paid() && !paid {
                    self.report(CheckError::StatementNotPaid {
                        name: n.name.clone(),
                        section: sec.word().to_string(),
                        span: n.span.into(),
                        kind: if kind == DefKind::Kpi { "kpi" } else { "let" }.to_string(),
                    });
                    continue;
                }
                if !sec.is_paid() && paid {
                    self.report(CheckError::StatementPaidShown {
                        name: n.name.clone(),
                        section: sec.word().to_string(),
                        span: n.span.into(),
                    });
                    continue;
                }
                out.push(StatementLine {
                    section: sec,
                    def: d,
                });
            }
        }
        let unlisted: Vec<(String, Span)> = self
            .defs
            .iter()
            .filter(|s| s.kind == DefKind::Payout && !seen.contains_key(s.name.name.as_str()))
            .map(|s| (s.name.name.clone(), s.name.span))
            .collect();
        for (name, span) in unlisted {
            self.report(CheckError::StatementUnlisted {
                name,
                span: span.into(),
                block: block.into(),
            });
        }
        Some(ir::StatementSpec {
            lines: out,
            span: block,
        })
    }
}

/// A type as the message names it: `an amount in USD`, `a percent`.
fn found(t: &Type) -> String {
    match t {
        Type::Money(c) => format!("an amount in {c}"),
        Type::Integer => "an integer".to_string(),
        other => format!("a {other}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::plan;
    use crate::diagnostics::SourceFile;

    #[test]
    fn the_names_a_block_lists_are_uses_of_their_definitions() {
        // The language server's table: go to definition and rename reach the block.
        let text = plan(
            "  payout p = sum(deals.amount)\n  let owed = quota * 2\n  statement {\n    earned p\n    balance owed\n  }",
        );
        let src = SourceFile::new("t.plan", text.as_str());
        let Ok(ast) = crate::syntax::parse(&src) else {
            panic!("the plan parses")
        };
        let checked = crate::check::analyze(&ast, &src);
        let names = &checked.names;
        let warnings = match &checked.result {
            Ok(c) => c.warnings.clone(),
            Err(d) => d.clone(),
        };
        let block = text.find("statement {").unwrap_or_default();
        let mut listed: Vec<(String, String)> = names
            .uses
            .iter()
            .filter(|(s, _)| s.start as usize > block)
            .map(|&(s, i)| {
                (
                    text[s.start as usize..s.end as usize].to_string(),
                    names.symbols[i].name.clone(),
                )
            })
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            [
                ("owed".to_string(), "owed".to_string()),
                ("p".to_string(), "p".to_string())
            ]
        );
        // And the plan checks: `owed` is used (by the statement), nothing is unlisted.
        let codes: Vec<&str> = warnings.iter().map(|d| d.code.as_ref()).collect();
        assert!(
            codes
                .iter()
                .all(|c| !c.contains("unused") && !c.contains("statement")),
            "{codes:?}"
        );
    }

    #[test]
    fn section_words_are_the_sections() {
        for s in crate::ir::Section::ALL {
            assert_eq!(super::section(s.word()), Some(s));
        }
        assert_eq!(super::section("earnd"), None);
    }
}
