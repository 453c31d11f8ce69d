//! Equality of syntax trees that ignores where things are written: two texts mean the same
//! plan when their trees have the same shape. Numbers keep their written scale (`2.0` is
//! not `2`: the checker types them differently).

use super::ast::*;
use super::span::Span;
use rust_decimal::Decimal;

/// Equal but for spans.
pub trait SameShape {
    /// Whether `self` and `other` are equal once every span is ignored.
    fn same_shape(&self, other: &Self) -> bool;
}

/// Types without spans inside: plain equality.
macro_rules! plain {
    ($($t:ty),*) => {$(
        impl SameShape for $t {
            fn same_shape(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}

plain!(
    String,
    bool,
    BinOp,
    LimitKind,
    PeriodKind,
    RoundingMode,
    chrono::NaiveDate
);

impl SameShape for Span {
    fn same_shape(&self, _: &Self) -> bool {
        true
    }
}

impl SameShape for Decimal {
    /// The same value written with the same scale and sign (`1.50` is not `1.5`).
    fn same_shape(&self, other: &Self) -> bool {
        self.serialize() == other.serialize()
    }
}

impl<T: SameShape> SameShape for Option<T> {
    fn same_shape(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.same_shape(b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<T: SameShape> SameShape for Box<T> {
    fn same_shape(&self, other: &Self) -> bool {
        (**self).same_shape(other)
    }
}

impl<T: SameShape> SameShape for Vec<T> {
    fn same_shape(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.same_shape(b))
    }
}

impl<A: SameShape, B: SameShape> SameShape for (A, B) {
    fn same_shape(&self, other: &Self) -> bool {
        self.0.same_shape(&other.0) && self.1.same_shape(&other.1)
    }
}

impl<A: SameShape, B: SameShape, C: SameShape> SameShape for (A, B, C) {
    fn same_shape(&self, other: &Self) -> bool {
        self.0.same_shape(&other.0) && self.1.same_shape(&other.1) && self.2.same_shape(&other.2)
    }
}

// issue 11, kpi intent
impl SameShape for KpiIntent {
    fn same_shape(&self, other: &Self) -> bool {
        self.items.same_shape(&other.items)
    }
}

impl SameShape for KpiItem {
    fn same_shape(&self, other: &Self) -> bool {
        use KpiItemKind as I;
        match (&self.kind, &other.kind) {
            (I::Label(a), I::Label(b)) => a == b,
            (I::Category(a), I::Category(b)) => a.same_shape(b),
            (I::Target(a), I::Target(b))
            | (I::NoData(a), I::NoData(b))
            | (I::Drivers(a), I::Drivers(b)) => a.same_shape(b),
            (I::Better(a), I::Better(b)) => a == b,
            // issue 11, cascades
            (I::Split(a), I::Split(b)) => a.same_shape(b),
            (I::RollUp, I::RollUp) | (I::AddUp, I::AddUp) => true,
            (I::Status(a), I::Status(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(x, y)| {
                        x.level == y.level
                            && x.above == y.above
                            && x.of_target == y.of_target
                            && x.value.same_shape(&y.value)
                    })
            }
            _ => false,
        }
    }
}

// issue 11, scorecards
impl SameShape for ScorecardItem {
    fn same_shape(&self, other: &Self) -> bool {
        use ScorecardItemKind as S;
        match (&self.kind, &other.kind) {
            (
                S::Measure {
                    kpi,
                    weight,
                    bounds,
                },
                S::Measure {
                    kpi: k2,
                    weight: w2,
                    bounds: b2,
                },
            ) => {
                kpi.same_shape(k2)
                    && weight.same_shape(w2)
                    && bounds.len() == b2.len()
                    && bounds
                        .iter()
                        .zip(b2)
                        .all(|(x, y)| x.kind == y.kind && x.value.same_shape(&y.value))
            }
            (S::Weights(a), S::Weights(b)) | (S::Gate(a), S::Gate(b)) => a.same_shape(b),
            (S::NoDataReweights, S::NoDataReweights) => true,
            _ => false,
        }
    }
}

impl SameShape for Ident {
    fn same_shape(&self, other: &Self) -> bool {
        let Ident { name, span: _ } = self;
        name == &other.name
    }
}

impl SameShape for Unit {
    fn same_shape(&self, other: &Self) -> bool {
        match (self, other) {
            (Unit::Plan(a), Unit::Plan(b)) => a.same_shape(b),
            (Unit::Tests(a), Unit::Tests(b)) => a.same_shape(b),
            _ => false,
        }
    }
}

impl SameShape for Plan {
    fn same_shape(&self, other: &Self) -> bool {
        let Plan {
            name,
            name_span: _,
            decls,
            broken,
        } = self;
        name.same_shape(&other.name)
            && decls.same_shape(&other.decls)
            && broken.len() == other.broken.len()
    }
}

impl SameShape for TestsFile {
    fn same_shape(&self, other: &Self) -> bool {
        let TestsFile {
            plan,
            plan_span: _,
            tests,
        } = self;
        plan.same_shape(&other.plan) && tests.same_shape(&other.tests)
    }
}

impl SameShape for Decl {
    fn same_shape(&self, other: &Self) -> bool {
        let Decl { kind, span: _ } = self;
        kind.same_shape(&other.kind)
    }
}

impl SameShape for TypeName {
    fn same_shape(&self, other: &Self) -> bool {
        match (self, other) {
            (TypeName::Money(a), TypeName::Money(b)) => a.same_shape(b),
            (TypeName::MoneyIn(a), TypeName::MoneyIn(b)) => a.same_shape(b),
            (a, b) => a == b,
        }
    }
}

impl SameShape for ColumnDecl {
    fn same_shape(&self, other: &Self) -> bool {
        let ColumnDecl {
            name,
            ty,
            ty_span: _,
            optional,
            default,
            nonneg,
        } = self;
        name.same_shape(&other.name)
            && ty.same_shape(&other.ty)
            && optional == &other.optional
            && default.same_shape(&other.default)
            && nonneg.same_shape(&other.nonneg)
    }
}

impl SameShape for Effective {
    fn same_shape(&self, other: &Self) -> bool {
        self.from.same_shape(&other.from) && self.to.same_shape(&other.to)
    }
}

impl SameShape for PayClause {
    fn same_shape(&self, other: &Self) -> bool {
        self.column.same_shape(&other.column)
            && self.using.same_shape(&other.using)
            && self.on.same_shape(&other.on)
    }
}

impl SameShape for CreditSplit {
    fn same_shape(&self, other: &Self) -> bool {
        self.table.same_shape(&other.table)
            && self.share.same_shape(&other.share)
            && self.role.same_shape(&other.role)
            && self.overlay.same_shape(&other.overlay)
    }
}

impl SameShape for ComputedColumn {
    fn same_shape(&self, other: &Self) -> bool {
        let ComputedColumn {
            name,
            ty,
            expr,
            span: _,
        } = self;
        name.same_shape(&other.name)
            && match (ty, &other.ty) {
                (Some((a, _)), Some((b, _))) => a.same_shape(b),
                (a, b) => a.is_none() && b.is_none(),
            }
            && expr.same_shape(&other.expr)
    }
}

impl SameShape for Band {
    fn same_shape(&self, other: &Self) -> bool {
        let Band {
            lo,
            hi,
            value,
            span: _,
        } = self;
        lo.same_shape(&other.lo) && hi.same_shape(&other.hi) && value.same_shape(&other.value)
    }
}

// issue 9, tables
impl SameShape for Grid {
    fn same_shape(&self, other: &Self) -> bool {
        let Grid {
            columns,
            header: _,
            rows,
        } = self;
        columns.same_shape(&other.columns) && rows.same_shape(&other.rows)
    }
}

impl SameShape for GridRow {
    fn same_shape(&self, other: &Self) -> bool {
        self.key.same_shape(&other.key) && self.cells.same_shape(&other.cells)
    }
}

impl SameShape for GridKey {
    fn same_shape(&self, other: &Self) -> bool {
        match (self, other) {
            (GridKey::Band { lo, hi, .. }, GridKey::Band { lo: l2, hi: h2, .. }) => {
                lo.same_shape(l2) && hi.same_shape(h2)
            }
            (GridKey::Text { value, .. }, GridKey::Text { value: v2, .. }) => value == v2,
            _ => false,
        }
    }
}

impl SameShape for DeclKind {
    fn same_shape(&self, other: &Self) -> bool {
        use DeclKind as D;
        match (self, other) {
            (D::Currency(a), D::Currency(b)) => a.same_shape(b),
            (
                D::Periods {
                    kind,
                    from,
                    to,
                    week_start,
                    fiscal_start,
                    ..
                },
                D::Periods {
                    kind: k2,
                    from: f2,
                    to: t2,
                    week_start: w2,
                    fiscal_start: s2,
                    ..
                },
            ) => kind == k2 && from == f2 && to == t2 && week_start == w2 && fiscal_start == s2,
            // issue 10, calendars
            (
                D::PeriodsListed {
                    path, fiscal_start, ..
                },
                D::PeriodsListed {
                    path: p2,
                    fiscal_start: s2,
                    ..
                },
            ) => path == p2 && fiscal_start == s2,
            (
                D::Rounding { increment, mode },
                D::Rounding {
                    increment: i2,
                    mode: m2,
                },
            ) => increment.same_shape(i2) && mode == m2,
            (D::Timezone { zone, .. }, D::Timezone { zone: z2, .. }) => zone == z2,
            // issue 10, statements
            (D::Statement { lines, .. }, D::Statement { lines: l2, .. }) => {
                lines.len() == l2.len()
                    && lines.iter().zip(l2).all(|(a, b)| {
                        a.section == b.section
                            && a.names.len() == b.names.len()
                            && a.names.iter().zip(&b.names).all(|(x, y)| x.name == y.name)
                    })
            }
            (
                D::Input {
                    name,
                    key,
                    columns,
                    more_keys,
                    effective,
                    computed,
                },
                D::Input {
                    name: n2,
                    key: k2,
                    columns: c2,
                    more_keys: mk2,
                    effective: e2,
                    computed: m2,
                },
            ) => {
                name.same_shape(n2)
                    && key.same_shape(k2)
                    && columns.same_shape(c2)
                    && more_keys.same_shape(mk2)
                    && effective.same_shape(e2)
                    && computed.same_shape(m2)
            }
            (
                D::Participants {
                    table,
                    manager,
                    pay,
                    manager_table,
                },
                D::Participants {
                    table: t2,
                    manager: m2,
                    pay: p2,
                    manager_table: h2,
                },
            ) => {
                table.same_shape(t2)
                    && manager.same_shape(m2)
                    && pay.same_shape(p2)
                    && manager_table.same_shape(h2)
            }
            (
                D::Credit {
                    table,
                    to,
                    by,
                    split,
                },
                D::Credit {
                    table: t2,
                    to: o2,
                    by: b2,
                    split: s2,
                },
            ) => {
                table.same_shape(t2)
                    && to.same_shape(o2)
                    && by.same_shape(b2)
                    && split.same_shape(s2)
            }
            (D::Paid { table }, D::Paid { table: t2 }) => table.same_shape(t2),
            (
                D::Let { name, expr, when },
                D::Let {
                    name: n2,
                    expr: e2,
                    when: w2,
                },
            ) => name.same_shape(n2) && expr.same_shape(e2) && when.same_shape(w2),
            (
                D::Kpi {
                    name,
                    ty,
                    expr,
                    when,
                    intent,
                },
                D::Kpi {
                    name: n2,
                    ty: t2,
                    expr: e2,
                    when: w2,
                    intent: i2,
                },
            ) => {
                name.same_shape(n2)
                    && ty.same_shape(t2)
                    && expr.same_shape(e2)
                    && when.same_shape(w2)
                    && intent.same_shape(i2)
            }
            (
                D::Payout {
                    name,
                    expr,
                    when,
                    may_be_negative,
                },
                D::Payout {
                    name: n2,
                    expr: e2,
                    when: w2,
                    may_be_negative: m2,
                },
            ) => {
                name.same_shape(n2)
                    && expr.same_shape(e2)
                    && when.same_shape(w2)
                    && may_be_negative.same_shape(m2)
            }
            (
                D::Rates {
                    name,
                    by,
                    bands,
                    closed,
                    by_column,
                    grid,
                },
                D::Rates {
                    name: n2,
                    by: b2,
                    bands: s2,
                    closed: c2,
                    by_column: bc2,
                    grid: g2,
                },
            ) => {
                name.same_shape(n2)
                    && by.same_shape(b2)
                    && bands.same_shape(s2)
                    && closed.map(|c| (c.lo_closed, c.hi_closed))
                        == c2.map(|c| (c.lo_closed, c.hi_closed))
                    && by_column.same_shape(bc2)
                    && grid.same_shape(g2)
            }
            (D::Test(a), D::Test(b)) => a.same_shape(b),
            (
                D::Limit { kind, target, expr },
                D::Limit {
                    kind: k2,
                    target: t2,
                    expr: e2,
                },
            ) => kind == k2 && target.same_shape(t2) && expr.same_shape(e2),
            // issue 9, tables
            (
                D::Curve {
                    name,
                    by,
                    below,
                    points,
                    above,
                },
                D::Curve {
                    name: n2,
                    by: b2,
                    below: be2,
                    points: p2,
                    above: a2,
                },
            ) => {
                let rule = |e: &Option<CurveEdge>| e.as_ref().map(|e| e.rule.name.clone());
                name.same_shape(n2)
                    && by.same_shape(b2)
                    && rule(below) == rule(be2)
                    && rule(above) == rule(a2)
                    && points.len() == p2.len()
                    && points
                        .iter()
                        .zip(p2)
                        .all(|(a, b)| a.x.same_shape(&b.x) && a.y.same_shape(&b.y))
            }
            // issue 9, functions and parameters
            (
                D::Param { name, value },
                D::Param {
                    name: n2,
                    value: v2,
                },
            ) => name.same_shape(n2) && value.same_shape(v2),
            (
                D::Fn { name, params, body },
                D::Fn {
                    name: n2,
                    params: p2,
                    body: b2,
                },
            ) => name.same_shape(n2) && params.same_shape(p2) && body.same_shape(b2),
            (
                D::Scorecard { name, items, .. },
                D::Scorecard {
                    name: n2,
                    items: i2,
                    ..
                },
            ) => name.same_shape(n2) && items.same_shape(i2),
            _ => false,
        }
    }
}

impl SameShape for FnParam {
    fn same_shape(&self, other: &Self) -> bool {
        let FnParam { name, ty } = self;
        name.same_shape(&other.name) && ty.same_shape(&other.ty)
    }
}

impl SameShape for TestDecl {
    fn same_shape(&self, other: &Self) -> bool {
        let TestDecl {
            name,
            name_span: _,
            rows,
            files,
            expects,
            span: _,
        } = self;
        name.same_shape(&other.name)
            && rows.same_shape(&other.rows)
            && files.same_shape(&other.files)
            && expects.same_shape(&other.expects)
    }
}

impl SameShape for InlineRow {
    fn same_shape(&self, other: &Self) -> bool {
        let InlineRow {
            table,
            fields,
            span: _,
        } = self;
        table.same_shape(&other.table) && fields.same_shape(&other.fields)
    }
}

impl SameShape for Expect {
    fn same_shape(&self, other: &Self) -> bool {
        let Expect {
            participant,
            period,
            kind,
            span: _,
        } = self;
        participant.same_shape(&other.participant)
            && period.same_shape(&other.period)
            && kind.same_shape(&other.kind)
    }
}

impl SameShape for ExpectKind {
    fn same_shape(&self, other: &Self) -> bool {
        match (self, other) {
            (
                ExpectKind::Value {
                    name,
                    op,
                    value,
                    within,
                },
                ExpectKind::Value {
                    name: n2,
                    op: o2,
                    value: v2,
                    within: w2,
                },
            ) => name.same_shape(n2) && op == o2 && value.same_shape(v2) && within.same_shape(w2),
            (ExpectKind::Error { containing }, ExpectKind::Error { containing: c2 }) => {
                containing == c2
            }
            _ => false,
        }
    }
}

impl SameShape for Literal {
    fn same_shape(&self, other: &Self) -> bool {
        use Literal as L;
        match (self, other) {
            (L::Number(a), L::Number(b))
            | (L::Percent(a), L::Percent(b))
            | (L::Days(a), L::Days(b)) => a.same_shape(b),
            (L::Money(a, c), L::Money(b, d)) => a.same_shape(b) && c == d,
            (L::Date(a), L::Date(b)) => a == b,
            (L::Text(a), L::Text(b)) => a == b,
            (L::Bool(a), L::Bool(b)) => a == b,
            _ => false,
        }
    }
}

impl SameShape for Arg {
    fn same_shape(&self, other: &Self) -> bool {
        let Arg { name, value } = self;
        name.same_shape(&other.name) && value.same_shape(&other.value)
    }
}

impl SameShape for Expr {
    fn same_shape(&self, other: &Self) -> bool {
        let Expr { kind, span: _ } = self;
        kind.same_shape(&other.kind)
    }
}

impl SameShape for ExprKind {
    fn same_shape(&self, other: &Self) -> bool {
        use ExprKind as K;
        match (self, other) {
            (K::Lit(a), K::Lit(b)) => a.same_shape(b),
            (K::Name(a), K::Name(b)) => a.same_shape(b),
            (K::Field(a, f), K::Field(b, g)) => a.same_shape(b) && f.same_shape(g),
            (K::Where(a, c), K::Where(b, d)) | (K::Otherwise(a, c), K::Otherwise(b, d)) => {
                a.same_shape(b) && c.same_shape(d)
            }
            (K::Call(f, a), K::Call(g, b)) => f.same_shape(g) && a.same_shape(b),
            (K::Binary(o, a, c), K::Binary(p, b, d)) => {
                o == p && a.same_shape(b) && c.same_shape(d)
            }
            (K::Neg(a), K::Neg(b)) | (K::Not(a), K::Not(b)) => a.same_shape(b),
            (K::Mode(a), K::Mode(b)) => a == b,
            // issue 9, conditionals
            (K::If(c, a, b), K::If(d, x, y)) => {
                c.same_shape(d) && a.same_shape(x) && b.same_shape(y)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceFile;
    use crate::syntax::parser::parse_unit;

    fn parse(text: &str) -> Unit {
        match parse_unit(&SourceFile::new("t.plan", text)) {
            Ok(u) => u,
            Err(d) => panic!("{}", crate::diagnostics::render_plain(&[d], 100)),
        }
    }

    #[test]
    fn spans_are_ignored_and_everything_else_counts() {
        let a = parse("plan \"P\" { kpi a = 1 + 2 }");
        let b = parse("plan \"P\" {\n\n  kpi   a =\n 1+2 }");
        assert_ne!(a, b, "the spans differ");
        assert!(a.same_shape(&b));
        for other in [
            "plan \"P\" { kpi a = 1 + 2.0 }",
            "plan \"P\" { kpi a = 1 - 2 }",
            "plan \"P\" { kpi b = 1 + 2 }",
            "plan \"Q\" { kpi a = 1 + 2 }",
            "plan \"P\" { let a = 1 + 2 }",
            "plan \"P\" { kpi a = (1 + 2) }",
        ] {
            let c = parse(other);
            // `(1 + 2)` is the same tree as `1 + 2`: only its span covers the parentheses.
            assert_eq!(a.same_shape(&c), other.contains("(1 + 2)"), "{other}");
        }
    }

    #[test]
    fn numbers_keep_their_written_scale() {
        let n = |s: &str| Decimal::from_str_exact(s).unwrap_or_default();
        assert!(n("1.50").same_shape(&n("1.50")));
        assert!(!n("1.50").same_shape(&n("1.5")));
        assert!(!n("2").same_shape(&n("2.0")));
        assert!(!Literal::Number(n("1")).same_shape(&Literal::Days(n("1"))));
    }

    #[test]
    fn test_files_compare_their_tests() {
        let a = parse("tests for \"p.plan\"\ntest \"t\" { reps { id: \"r1\" } expect x for \"r1\" in 2026-Q1 == 5 }");
        let b = parse("tests for \"p.plan\" test \"t\" {\n reps {id:\"r1\"}\n expect x for \"r1\" in 2026-Q1 == 5\n}");
        let c = parse("tests for \"p.plan\" test \"t\" { reps {id:\"r2\"} expect x for \"r1\" in 2026-Q1 == 5 }");
        assert!(a.same_shape(&b));
        assert!(!a.same_shape(&c));
    }
}
