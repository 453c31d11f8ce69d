//! issue 10, splits: `credit T to COL by DATE split by S share SHARE [role ROLE [overlay "R"]]`.
//! The split table is joined on the credited table's key; its columns are appended to the
//! credited table's schema as joined columns, so a filter or an aggregate reads `role` and
//! `share` as it reads any column of the row (each credited copy carries its own).

use super::error::CheckError;
use super::names::Target;
use super::Checker;
use crate::ir::{self, ColId, TableId};
use crate::syntax::ast;
use crate::types::Type;

impl Checker<'_> {
    /// The credited table that `s` is the split table of (once the credits are read).
    pub(super) fn split_of(&self, s: TableId) -> Option<TableId> {
        TableId::all(self.credits.len()).find(|&t| {
            self.credits[t]
                .and_then(|c| c.split)
                .is_some_and(|sp| sp.table == s)
        })
    }

    /// Report a split table read as rows or looked up; true when `t` is one.
    pub(super) fn split_rows(&mut self, t: TableId, name: &str, span: crate::syntax::Span) -> bool {
        let Some(c) = self.split_of(t) else {
            return false;
        };
        self.used.insert(name.to_string());
        self.report(CheckError::SplitRows {
            table: name.to_string(),
            credited: self.tables[c].name.clone(),
            span: span.into(),
        });
        true
    }

    /// The split of a credit of `t`, its columns joined to `t`'s schema; `to` is a column
    /// of the split table. None (after reporting) when it does not check.
    pub(super) fn credit_split(
        &mut self,
        t: TableId,
        to: &ast::Ident,
        sp: &ast::CreditSplit,
    ) -> Option<(ColId, ir::Split)> {
        let s = self.table_ref(&sp.table)?;
        self.used.insert(sp.table.name.clone());
        let credited = self.tables[t].name.clone();
        let why = if Some(s) == self.participants {
            Some("it is the participant table")
        } else if s == t {
            Some("a table cannot split itself")
        } else if self.credits[s].is_some() {
            // (A credit of `s` declared after this one is found by `split_lints`.)
            Some("it is credited itself")
        } else if self
            .credits
            .iter()
            .flatten()
            .any(|c| c.split.is_some_and(|x| x.table == s))
        {
            Some("it already splits another table")
        } else if self.tables[s].effective.is_some() || self.tables[s].keys.len() > 1 {
            Some("a split table has no composite key and no `effective from`: it is not a reference table")
        } else {
            None
        };
        if let Some(why) = why {
            self.report(CheckError::SplitTable {
                table: sp.table.name.clone(),
                credited,
                why: why.to_string(),
                span: sp.table.span.into(),
            });
            return None;
        }
        // The join: the credited table's key, a column of the same name in the split table.
        let Some(key) = self.tables[t].key else {
            self.report(CheckError::SplitKey {
                message: format!("`{credited}` has no key, so its rows cannot be split"),
                help: format!(
                    "declare `input {credited} key <id column> {{ … }}`: the split table's rows name the transaction by that key"
                ),
                label: "split by key".into(),
                span: sp.table.span.into(),
            });
            return None;
        };
        let key_name = self.tables[t].columns[key].name.clone();
        let split_name = self.tables[s].name.clone();
        let Some(skey) = self.tables[s].column(&key_name) else {
            self.report(CheckError::SplitKey {
                message: format!(
                    "the split table `{split_name}` has no column `{key_name}` to join `{credited}` on"
                ),
                help: format!(
                    "add `{key_name}: text` to `{split_name}`: each split row names its transaction by `{credited}`'s key"
                ),
                label: format!("no `{key_name}`"),
                span: sp.table.span.into(),
            });
            return None;
        };
        let mut ok = true;
        let want = |c: &mut Self,
                    col: ColId,
                    id: Option<&ast::Ident>,
                    ty: Type,
                    what: &str,
                    help: &str| {
            let schema = &c.tables[s].columns[col];
            if schema.ty != ty || schema.optional || schema.computed.is_some() {
                let found = if schema.computed.is_some() {
                    "computed".to_string()
                } else if schema.optional {
                    "optional".to_string()
                } else {
                    schema.ty.described()
                };
                c.report(CheckError::SplitType {
                    column: schema.name.clone(),
                    table: split_name.clone(),
                    want: what.to_string(),
                    help: help.to_string(),
                    found,
                    span: id.map_or(sp.table.span, |i| i.span).into(),
                });
                return false;
            }
            true
        };
        ok &= want(
            self,
            skey,
            None,
            Type::Text,
            "required text",
            "the join column holds the transaction's key, as text",
        );
        let to_c = self.column_ref(s, to);
        let share = self.column_ref(s, &sp.share);
        let role = sp.role.as_ref().map(|r| self.column_ref(s, r));
        if let Some(c) = to_c {
            ok &= want(
                self,
                c,
                Some(to),
                Type::Text,
                "required text",
                "each split row names the participant it credits",
            );
        }
        if let Some(c) = share {
            ok &= want(
                self,
                c,
                Some(&sp.share),
                Type::Percent,
                "required percent",
                "a share is the part of the transaction credited to the row's participant: `share: percent` (`60%` or `0.6`)",
            );
        }
        if let (Some(Some(c)), Some(r)) = (role, &sp.role) {
            ok &= want(
                self,
                c,
                Some(r),
                Type::Text,
                "required text",
                "a role names the part a participant plays: `role: text` (`AE`, `SDR`, `Overlay`)",
            );
        }
        let (Some(to_c), Some(share), true) = (to_c, share, ok) else {
            return None;
        };
        let role = match role {
            Some(Some(r)) => Some(r),
            Some(None) => return None,
            None => None,
        };
        // The share and the role are read through the row by name: the credited table must
        // not have columns of those names, or they would read its own.
        for c in std::iter::once(share).chain(role) {
            let name = self.tables[s].columns[c].name.clone();
            if self.tables[t].column(&name).is_some() {
                self.report(CheckError::SplitKey {
                    message: format!(
                        "`{credited}` and its split table `{split_name}` both have a column `{name}`"
                    ),
                    help: format!(
                        "rename one: each credited row of `{credited}` reads `{name}` from its split row"
                    ),
                    label: format!("`{name}` of `{split_name}`"),
                    span: sp.table.span.into(),
                });
                return None;
            }
        }
        let overlay = sp.overlay.as_ref().map(|(o, _)| self.strings.intern(o));
        // Join every column of the split table that the credited table does not have (the
        // key column has the same name, and the same value, in both).
        let joined: Vec<ir::ColumnSchema> = self.tables[s]
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.computed.is_none() && self.tables[t].column(&c.name).is_none())
            .map(|(i, c)| ir::ColumnSchema {
                joined: Some(ColId(i)),
                default: None,
                ..c.clone()
            })
            .collect();
        self.tables[t].columns.extend(joined);
        self.splits.push((t, sp.share.span, sp.table.span));
        Some((
            to_c,
            ir::Split {
                table: s,
                key: skey,
                share,
                role,
                overlay,
            },
        ))
    }

    /// Warning: a split credit whose shares nothing reads pays every participant of a
    /// transaction on its whole amount: the plan must say where the split applies.
    pub(super) fn split_lints(&mut self) {
        for (t, span, table_span) in std::mem::take(&mut self.splits) {
            let Some(split) = self.credits[t].and_then(|c| c.split) else {
                continue;
            };
            if self.credits[split.table].is_some() {
                self.report(CheckError::SplitTable {
                    table: self.tables[split.table].name.clone(),
                    credited: self.tables[t].name.clone(),
                    why: "it is credited itself".to_string(),
                    span: table_span.into(),
                });
                continue;
            }
            let Some(share) = self.tables[t]
                .columns
                .iter()
                .position(|c| c.joined == Some(split.share))
                .map(ColId)
            else {
                continue;
            };
            let read = self
                .uses
                .0
                .values()
                .any(|u| matches!(u, Target::Column(tt, c) if *tt == t && *c == share));
            if !read {
                self.report(CheckError::ShareUnread {
                    table: self.tables[split.table].name.clone(),
                    share: self.tables[t].columns[share].name.clone(),
                    row: self.tables[t].name.clone(),
                    span: span.into(),
                });
            }
        }
    }
}
