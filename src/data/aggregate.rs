//! The row layer (design: `row-layer.md`): every aggregate a plan takes over a credited
//! table (`sum`, `count`, `avg` as sum and count, `min`, `max`, `count_distinct`, each with
//! its `where` filters) computed in one streaming pass over the table, grouped by the raw
//! participant column and the period. The result is an [`AggTable`]: one value per
//! (aggregate, participant, period); no row is kept, so memory grows with participants ×
//! periods, not with rows. The interpreter (the scalar layer) reads it instead of the rows.
//!
//! Only exact operations run here: comparisons of a column with a constant, `and`, `or`,
//! `not`, and exact sums, counts, minima, maxima and distinct counts. Division (`avg`),
//! rounding and everything else stay in the scalar layer.
//!
//! A plan the layer does not cover ([`RowPlan::of`] returns `None`: an aggregate of an
//! expression of the row, a filter reading the participant or a definition, an optional
//! column, splits, computed columns…) is evaluated from the rows as before. So is a run
//! whose data needs the rows' own reports ([`Outcome::Rows`]: a duplicate key, a filter
//! that matches nothing, a bad cell): the loader then reads the tables whole, and the
//! diagnostics are those of the row path, word for word.

use super::table::{Blocks, Chunk, ChunkColumn, Sink, Storage, Table, KNOWN};
use super::{Roster, Skip, Skipped};
use crate::diagnostics::quote;
use crate::intern::{Interner, Sym};
use crate::ir::{AggFunc, ColId, Expr, ExprKind, Plan, TableId, Value};
use crate::num::{Num, Sums};
use crate::syntax::ast::BinOp;
use crate::types::Type;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::atomic::Ordering as AtomicOrdering;
use std::sync::Mutex;

/// A row filter the layer evaluates: a column compared with a constant, and `and`, `or`,
/// `not` of those (the shapes of `Fast` in the interpreter, without its slow path).
#[derive(Debug, Clone, PartialEq)]
enum Test {
    Sym(usize, Sym, bool),
    Num(usize, BinOp, Decimal),
    Date(usize, BinOp, i32),
    Bool(usize),
    And(Box<Test>, Box<Test>),
    Or(Box<Test>, Box<Test>),
    Not(Box<Test>),
}

/// How an aggregate folds its rows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fold {
    Count,
    /// Sum and count (`avg` divides them in the scalar layer).
    Sum(usize),
    MinNum(usize),
    MaxNum(usize),
    MinDate(usize),
    MaxDate(usize),
    Distinct(usize, Kind),
}

/// A column's kind of value, for `count_distinct`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Num,
    Date,
    Bool,
}

/// One aggregate of a table: its fold, and the filters (indices into [`TablePlan::tests`])
/// its rows pass.
#[derive(Debug, Clone)]
struct AggSpec {
    func: AggFunc,
    fold: Fold,
    tests: Vec<usize>,
}

/// What the layer computes over one credited table.
#[derive(Debug, Clone)]
pub struct TablePlan {
    aggs: Vec<AggSpec>,
    /// Distinct filters (at most 64: a row's results are one bit mask).
    tests: Vec<Test>,
    /// Distinct filtered row sets (indices into `tests`): one with no credited row is
    /// reported by the row path.
    sets: Vec<Vec<usize>>,
    /// Text literals compared with a column: one no credited row holds is reported by the
    /// row path.
    literals: Vec<(usize, Sym)>,
    to: usize,
    by: usize,
    key: Option<usize>,
    /// Counts folded together by the text they compare one column with (see [`Classes`]).
    classes: Vec<Classes>,
}

/// Counts whose one filter is `column == "text"`, several on one column (`kind ==
/// "email_sent"`, `kind == "meeting"`, …): folded in one pass with one increment per row,
/// at the row's scope and class (the place of the text it holds among `syms`, 0 for none),
/// where one pass per count would make as many (most of them into spare slots).
#[derive(Debug, Clone)]
struct Classes {
    column: usize,
    /// Class `k + 1` is a cell holding `syms[k]`.
    syms: Vec<Sym>,
    /// Each count folded here: its aggregate and its class.
    counts: Vec<(usize, usize)>,
}

/// The most texts a group of [`Classes`] tells apart.
const MAX_CLASSES: usize = 15;

impl TablePlan {
    /// Group the counts that compare one column with a text, two or more per column.
    fn group_counts(&mut self) {
        let mut by_column: Vec<Classes> = Vec::new();
        for (a, spec) in self.aggs.iter().enumerate() {
            let ([t], Fold::Count) = (spec.tests.as_slice(), spec.fold) else {
                continue;
            };
            let Some(&Test::Sym(column, sym, true)) = self.tests.get(*t) else {
                continue;
            };
            let at = match by_column.iter().position(|g| g.column == column) {
                Some(i) => i,
                None => {
                    by_column.push(Classes {
                        column,
                        syms: Vec::new(),
                        counts: Vec::new(),
                    });
                    by_column.len() - 1
                }
            };
            let g = &mut by_column[at];
            let class = match g.syms.iter().position(|&s| s == sym) {
                Some(k) => k + 1,
                None if g.syms.len() < MAX_CLASSES => {
                    g.syms.push(sym);
                    g.syms.len()
                }
                None => continue,
            };
            g.counts.push((a, class));
        }
        by_column.retain(|g| g.counts.len() >= 2);
        self.classes = by_column;
    }

    /// Whether aggregate `a` is folded in a group of [`Classes`].
    fn grouped(&self, a: usize) -> bool {
        self.classes
            .iter()
            .any(|g| g.counts.iter().any(|&(x, _)| x == a))
    }
}

/// The aggregates of a plan the row layer covers, by credited table.
#[derive(Debug, Clone)]
pub struct RowPlan {
    /// Per table (plan order): what is computed, for the credited tables.
    pub tables: Vec<Option<TablePlan>>,
    /// Each aggregate expression (by span) → its table and place.
    by_span: FxHashMap<(u32, u32), (TableId, usize)>,
}

/// Why an aggregate has no value in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggErr {
    /// `min`, `max` or `avg` of no rows.
    NoRows,
    /// The exact sum grew too large.
    Overflow,
}

/// One table's folded aggregates: per aggregate, per scope, its value.
pub type Folded = Vec<Vec<Result<Value, AggErr>>>;

/// The aggregate table: per aggregate (by span), per scope `participant * periods + period`,
/// its value.
#[derive(Debug, Default)]
pub struct AggTable {
    by_span: FxHashMap<(u32, u32), (TableId, usize)>,
    /// Per table, per aggregate, per scope.
    values: Vec<Vec<Vec<Result<Value, AggErr>>>>,
    /// Tables whose rows were folded here (their stored tables are empty).
    streamed: Vec<bool>,
    periods: usize,
}

impl AggTable {
    /// Whether table `t`'s rows were folded by the row layer (and not kept).
    pub fn streamed(&self, t: TableId) -> bool {
        self.streamed.get(t.index()).copied().unwrap_or(false)
    }

    /// The value of the aggregate written at `span` for a participant and period.
    pub fn get(
        &self,
        span: crate::syntax::Span,
        participant: usize,
        period: usize,
    ) -> Option<&Result<Value, AggErr>> {
        let &(t, a) = self.by_span.get(&(span.start, span.end))?;
        self.values
            .get(t.index())?
            .get(a)?
            .get(participant * self.periods + period)
    }
}

fn numeric(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Integer | Type::Number | Type::Percent | Type::Money(_) | Type::Days
    )
}

impl RowPlan {
    /// The row layer's plan, or `None` when some aggregate (or the way a table is credited)
    /// needs the rows themselves.
    pub fn of(plan: &Plan) -> Option<RowPlan> {
        let mut tables: Vec<Option<TablePlan>> = vec![None; plan.tables.len()];
        for t in TableId::all(plan.tables.len()) {
            let Some(credit) = plan.credits[t] else {
                continue;
            };
            let schema = &plan.tables[t];
            let plain = |c: ColId| {
                schema
                    .columns
                    .get(c.index())
                    .is_some_and(|col| col.computed.is_none())
            };
            if credit.split.is_some()
                || t == plan.participants
                || plan.split_of(t).is_some()
                || plan.paid_history.as_ref().is_some_and(|h| h.table == t)
                || !plain(credit.to)
                || !plain(credit.by)
                || schema.columns[credit.to.index()].ty != Type::Text
                || schema.columns[credit.by.index()].ty != Type::Date
                || schema.key.is_some_and(|k| !plain(k))
            {
                return None;
            }
            tables[t.index()] = Some(TablePlan {
                aggs: Vec::new(),
                tests: Vec::new(),
                sets: Vec::new(),
                literals: Vec::new(),
                to: credit.to.index(),
                by: credit.by.index(),
                key: schema.key.map(ColId::index),
                classes: Vec::new(),
            });
        }
        let mut rp = RowPlan {
            tables,
            by_span: FxHashMap::default(),
        };
        // Fingerprints of the aggregates by span: two different aggregates at one span (a
        // generated expression) would share a value, so such a plan is not covered.
        let mut seen: FxHashMap<(u32, u32), String> = FxHashMap::default();
        let mut ok = true;
        let mut visit = |e: &Expr, rp: &mut RowPlan| walk(plan, e, rp, &mut seen, &mut ok);
        for d in &plan.defs {
            visit(&d.expr, &mut rp);
            if let Some(g) = &d.gate {
                visit(g, &mut rp);
            }
            for l in &d.limits {
                visit(&l.expr, &mut rp);
            }
        }
        for b in &plan.bodies {
            visit(b, &mut rp);
        }
        for schema in &plan.tables {
            for c in &schema.columns {
                if let Some(e) = &c.computed {
                    visit(e, &mut rp);
                }
            }
        }
        for tp in rp.tables.iter_mut().flatten() {
            tp.group_counts();
        }
        ok.then_some(rp)
    }

    /// Whether table `t` is folded by the layer.
    pub fn covers(&self, t: TableId) -> bool {
        self.tables.get(t.index()).is_some_and(Option::is_some)
    }
}

/// Record the aggregates in `e`; clear `ok` at one the layer cannot compute.
fn walk(
    plan: &Plan,
    e: &Expr,
    rp: &mut RowPlan,
    seen: &mut FxHashMap<(u32, u32), String>,
    ok: &mut bool,
) {
    if !*ok {
        return;
    }
    match &e.kind {
        ExprKind::Agg {
            func,
            rows,
            column,
            value,
        } => {
            let t = rows.table;
            let key = (e.span.start, e.span.end);
            let print = format!("{func:?} {t:?} {column:?} {:?}", rows.filters);
            match seen.get(&key) {
                Some(p) if *p == print => return,
                Some(_) => {
                    *ok = false;
                    return;
                }
                None => {
                    seen.insert(key, print);
                }
            }
            let schema = &plan.tables[t];
            let Some(tp) = rp.tables.get_mut(t.index()).and_then(Option::as_mut) else {
                *ok = false;
                return;
            };
            if value.is_some() {
                *ok = false;
                return;
            }
            let col = |c: ColId| {
                schema
                    .columns
                    .get(c.index())
                    .filter(|col| col.computed.is_none() && !col.optional)
            };
            let fold = match (func, column) {
                (AggFunc::Count, None) => Some(Fold::Count),
                (AggFunc::Count, Some(c)) => col(*c).map(|_| Fold::Count),
                (AggFunc::Sum | AggFunc::Avg, Some(c)) => col(*c)
                    .filter(|x| numeric(&x.ty))
                    .map(|_| Fold::Sum(c.index())),
                (AggFunc::Min | AggFunc::Max, Some(c)) => col(*c).and_then(|x| {
                    let min = *func == AggFunc::Min;
                    match &x.ty {
                        ty if numeric(ty) => Some(if min {
                            Fold::MinNum(c.index())
                        } else {
                            Fold::MaxNum(c.index())
                        }),
                        Type::Date => Some(if min {
                            Fold::MinDate(c.index())
                        } else {
                            Fold::MaxDate(c.index())
                        }),
                        _ => None,
                    }
                }),
                (AggFunc::CountDistinct, Some(c)) => col(*c).and_then(|x| {
                    let kind = match &x.ty {
                        Type::Text => Kind::Text,
                        Type::Date => Kind::Date,
                        Type::Bool => Kind::Bool,
                        ty if numeric(ty) => Kind::Num,
                        _ => return None,
                    };
                    Some(Fold::Distinct(c.index(), kind))
                }),
                _ => None,
            };
            let Some(fold) = fold else {
                *ok = false;
                return;
            };
            let mut tests = Vec::new();
            for f in &rows.filters {
                let Some(test) = compile(plan, t, f, &mut tp.literals) else {
                    *ok = false;
                    return;
                };
                let i = match tp.tests.iter().position(|x| *x == test) {
                    Some(i) => i,
                    None => {
                        tp.tests.push(test);
                        tp.tests.len() - 1
                    }
                };
                tests.push(i);
            }
            if tp.tests.len() > 64 {
                *ok = false;
                return;
            }
            if !tests.is_empty() && !tp.sets.contains(&tests) {
                tp.sets.push(tests.clone());
            }
            tp.aggs.push(AggSpec {
                func: *func,
                fold,
                tests,
            });
            rp.by_span.insert(key, (t, tp.aggs.len() - 1));
        }
        // A column of the row outside an aggregate's filters (a computed column's body), and
        // a clawback, which attributes its base to each row: they need the rows.
        ExprKind::RowCol(_) | ExprKind::Clawback(_) => *ok = false,
        _ => {
            for child in e.children() {
                walk(plan, child, rp, seen, ok);
            }
        }
    }
}

/// A filter as a [`Test`], or `None` when it needs the interpreter.
fn compile(plan: &Plan, t: TableId, e: &Expr, literals: &mut Vec<(usize, Sym)>) -> Option<Test> {
    let schema = &plan.tables[t];
    let col = |c: ColId| {
        schema
            .columns
            .get(c.index())
            .filter(|col| col.computed.is_none() && !col.optional)
    };
    Some(match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => Test::And(
            Box::new(compile(plan, t, a, literals)?),
            Box::new(compile(plan, t, b, literals)?),
        ),
        ExprKind::Binary(BinOp::Or, a, b) => Test::Or(
            Box::new(compile(plan, t, a, literals)?),
            Box::new(compile(plan, t, b, literals)?),
        ),
        ExprKind::Not(a) => Test::Not(Box::new(compile(plan, t, a, literals)?)),
        ExprKind::RowCol(c) if col(*c)?.ty == Type::Bool => Test::Bool(c.index()),
        ExprKind::Binary(op, a, b) if op.is_comparison() => {
            let (c, v, op) = match (&a.kind, &b.kind) {
                (ExprKind::RowCol(c), ExprKind::Const(v)) => (*c, v, *op),
                (ExprKind::Const(v), ExprKind::RowCol(c)) => (*c, v, op.flipped()),
                _ => return None,
            };
            let ty = &col(c)?.ty;
            match (ty, v) {
                (Type::Text, Value::Text(sym)) if matches!(op, BinOp::Eq | BinOp::Ne) => {
                    if !literals.contains(&(c.index(), *sym)) {
                        literals.push((c.index(), *sym));
                    }
                    Test::Sym(c.index(), *sym, op == BinOp::Eq)
                }
                (ty, Value::Num(n)) if numeric(ty) && n.is_decimal() => {
                    Test::Num(c.index(), op, n.approx())
                }
                (Type::Date, Value::Date(d)) => Test::Date(c.index(), op, *d),
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// Set `bit` in `passed[r]` for each row `r` the test holds in: a comparison with a
/// constant over a whole column in one loop; a combination part by part ([`holds`]).
fn mark(t: &Test, cols: &[ChunkColumn], bit: u64, passed: &mut [u64]) {
    let set = |p: &mut u64, h: bool| *p |= bit * u64::from(h);
    if !leaf(t, cols, passed, set) {
        let rows = holds(t, cols, passed.len());
        for (p, h) in passed.iter_mut().zip(rows) {
            set(p, h);
        }
    }
}

/// For a comparison `t` (`false`, nothing done, for a combination), `put(&mut out[r],
/// holds)` for each row `r`: over the whole column in one loop, with no branch on the row
/// (a filter holds in rows in no pattern a predictor learns).
fn leaf<O>(t: &Test, cols: &[ChunkColumn], out: &mut [O], put: impl Fn(&mut O, bool)) -> bool {
    fn each<T, O>(v: &[T], out: &mut [O], put: impl Fn(&mut O, bool), holds: impl Fn(&T) -> bool) {
        for (o, x) in out.iter_mut().zip(v) {
            put(o, holds(x));
        }
    }
    match (t, t.column().map(|c| &cols[c])) {
        (Test::Sym(_, sym, eq), Some(ChunkColumn::Text { syms, .. })) => {
            let want = sym | KNOWN;
            each(syms, out, put, |&s| (s == want) == *eq)
        }
        (Test::Num(_, op, v), Some(ChunkColumn::Num(x))) => {
            // A column's values nearly always share one scale (amounts with two decimals):
            // the constant at that scale, when it is exact there, is compared by mantissa.
            let scale = x.first().map_or(0, Decimal::scale);
            let mut at_scale = *v;
            at_scale.rescale(scale);
            if at_scale == *v && at_scale.scale() == scale {
                let m = at_scale.mantissa();
                each(x, out, put, |x| {
                    let o = if x.scale() == scale {
                        x.mantissa().cmp(&m)
                    } else {
                        x.cmp(v)
                    };
                    op.holds(o)
                })
            } else {
                each(x, out, put, |x| op.holds(x.cmp(v)))
            }
        }
        (Test::Date(_, op, v), Some(ChunkColumn::Date(x))) => {
            each(x, out, put, |x| op.holds(x.cmp(v)))
        }
        (Test::Bool(_), Some(ChunkColumn::Bool(x))) => each(x, out, put, |&x| x),
        (Test::And(..) | Test::Or(..) | Test::Not(_), _) => return false,
        // A column of another kind than the test's: the test holds in no row.
        _ => out.iter_mut().for_each(|o| put(o, false)),
    }
    true
}

/// Whether `t` holds in each of the `n` rows: each comparison over its whole column, then
/// the combinations element by element (one loop per part of the filter, not a walk of
/// the filter per row); a comparison is combined as it is computed, with no list of its own.
fn holds(t: &Test, cols: &[ChunkColumn], n: usize) -> Vec<bool> {
    let both = |a: &Test, b: &Test, f: fn(bool, bool) -> bool| {
        let mut x = holds(a, cols, n);
        if !leaf(b, cols, &mut x, |x, y| *x = f(*x, y)) {
            for (x, y) in x.iter_mut().zip(holds(b, cols, n)) {
                *x = f(*x, y);
            }
        }
        x
    };
    match t {
        Test::And(a, b) => both(a, b, |x, y| x & y),
        Test::Or(a, b) => both(a, b, |x, y| x | y),
        Test::Not(a) => {
            let mut x = holds(a, cols, n);
            x.iter_mut().for_each(|x| *x = !*x);
            x
        }
        comparison => {
            let mut x = vec![false; n];
            leaf(comparison, cols, &mut x, |x, y| *x = y);
            x
        }
    }
}

impl Test {
    /// The column a comparison reads (none for a combination).
    fn column(&self) -> Option<usize> {
        match self {
            Test::Sym(c, ..) | Test::Num(c, ..) | Test::Date(c, ..) | Test::Bool(c) => Some(*c),
            Test::And(..) | Test::Or(..) | Test::Not(_) => None,
        }
    }
}

/// A value `count_distinct` tells apart: text by its symbol or, for text no table
/// interned, its bytes (the same text is always one or the other during a read).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Distinct {
    Sym(u32),
    Bytes(Box<[u8]>),
    Value(Value),
}

/// A block's kept rows and the same sorted by slot ([`by_slot`]): each a slot and an item.
type Sorting<T> = std::cell::RefCell<(Vec<(u32, T)>, Vec<(u32, T)>)>;

thread_local! {
    /// Each thread's rows being sorted, for counts (a slot) and for sums (a slot and its
    /// term).
    static SLOTS: Sorting<()> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    static TERMS: Sorting<Decimal> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// The `(slot, item)` of each row of `rows` that counts (its flag set; each such slot below
/// `slots`, itself below 2^32), in `sorted`, in the order of their slots' top eight bits (a
/// counting sort), with `kept` for scratch. A block's rows fall on scopes at random: a fold
/// that walks its array upwards lets the processor fetch ahead, where one per row at random
/// waits on a cache miss each. The rows that do not count are dropped first, without a
/// branch (each row is written, and the end moves past it only when it counts): a filter
/// that holds in few rows then sorts only those.
fn by_slot<T: Copy + Default>(
    slots: usize,
    rows: impl Iterator<Item = (u32, T, bool)>,
    kept: &mut Vec<(u32, T)>,
    sorted: &mut Vec<(u32, T)>,
) {
    const BUCKETS: usize = 256;
    // `slots <= 2^(shift + 8)`: a slot's top bits are below `BUCKETS`.
    let shift = (usize::BITS - slots.leading_zeros()).saturating_sub(8);
    let mut len = 0;
    for (i, t, counts) in rows {
        if len == kept.len() {
            kept.resize((2 * len).max(1 << 16), (0, T::default()));
        }
        kept[len] = (i, t);
        len += usize::from(counts);
    }
    let kept = &kept[..len];
    let mut next = [0usize; BUCKETS + 1];
    for &(i, _) in kept {
        next[(i >> shift) as usize + 1] += 1;
    }
    for b in 0..BUCKETS {
        next[b + 1] += next[b];
    }
    sorted.resize(kept.len(), (0, T::default()));
    for &(i, t) in kept {
        let b = (i >> shift) as usize;
        sorted[next[b]] = (i, t);
        next[b] += 1;
    }
}

/// Counts over at most this many slots are added where their rows fall, not sorted first:
/// 512k counts of a byte ([`Tally`]), half a megabyte, a core's second-level cache on the
/// bench machine (the four activity counts of 20,000 reps in four quarters are 400k; as
/// 32-bit counts they were three times that cache, and sorting first paid).
const DIRECT_SLOTS: usize = 1 << 19;

/// Counts of up to 2^32 − 1 each, one byte apiece where the fold adds to them and the rest
/// (the 256s carried) in 32 bits beside: a fold adds one at random per row, and a byte per
/// count keeps four times as many counts in the processor's cache as 32 bits did. The
/// carries are touched once in 256 adds (their pages only then: they are allocated zeroed).
#[derive(Debug, Default)]
struct Tally {
    low: Vec<u8>,
    carried: Vec<u32>,
}

impl Tally {
    /// `n` counts of zero.
    fn new(n: usize) -> Tally {
        Tally {
            low: vec![0; n],
            carried: vec![0; n],
        }
    }

    fn len(&self) -> usize {
        self.low.len()
    }

    /// Add `c` (0 or 1) to count `i`, without a branch on `c` (the carry's is all but
    /// never taken).
    #[inline]
    fn add(&mut self, i: usize, c: bool) {
        let x = self.low[i].wrapping_add(u8::from(c));
        self.low[i] = x;
        if c & (x == 0) {
            self.carried[i] += 1;
        }
    }

    /// Count `i`.
    fn get(&self, i: usize) -> u64 {
        u64::from(self.carried[i]) << 8 | u64::from(self.low[i])
    }

    /// Count `i`, set back to zero.
    fn take(&mut self, i: usize) -> u64 {
        let n = self.get(i);
        (self.low[i], self.carried[i]) = (0, 0);
        n
    }
}

/// Add one to count `i` of `v` for each `(i, true)` of `slots` (each such `i` below
/// `v.len()`): in the order of their places ([`by_slot`]) when `v` is longer than
/// [`DIRECT_SLOTS`].
fn count_in_order(v: &mut Tally, slots: impl Iterator<Item = (u32, bool)>) {
    if v.len() <= DIRECT_SLOTS && v.len() > 0 {
        // Counts that stay in the processor's nearest cache: added where they fall, a row
        // that does not count adding 0 to the first (no branch on the row).
        for (i, c) in slots {
            v.add(if c { i as usize } else { 0 }, c);
        }
        return;
    }
    SLOTS.with_borrow_mut(|(kept, sorted)| {
        by_slot(v.len(), slots.map(|(i, c)| (i, (), c)), kept, sorted);
        for &(i, ()) in sorted.iter() {
            v.add(i as usize, true);
        }
    });
}

/// Add `d` to sum `i` (and one to `counts[i]`, for an average) for each `(i, d, true)` of
/// `terms` (each such `i` below the scopes), in the order of their places ([`by_slot`]);
/// a sum grown too large is marked in `overflow`.
fn sum_in_order(
    sums: &mut Sums,
    counts: Option<&mut [u64]>,
    overflow: &mut [bool],
    terms: impl Iterator<Item = (u32, Decimal, bool)>,
) {
    TERMS.with_borrow_mut(|(kept, sorted)| {
        by_slot(overflow.len(), terms, kept, sorted);
        for &(i, d) in sorted.iter() {
            if sums.add_decimal(i as usize, d).is_none() {
                overflow[i as usize] = true;
            }
        }
        if let Some(counts) = counts {
            for &(i, _) in sorted.iter() {
                counts[i as usize] += 1;
            }
        }
    });
}

/// One aggregate's running values, per scope.
enum Acc {
    /// Counts below 2^32 in a [`Tally`] (the fold reads and writes one at random per row),
    /// and what they held when they were last emptied ([`Accs::room`]): empty until then.
    Count(Tally, Vec<u64>),
    /// Sums, and counts of their rows (kept for `avg` only).
    Sum(Sums, Vec<u64>),
    /// The value and its row's place in the source (ties keep the first for `min`, the
    /// last for `max`, as the interpreter's `Ord::min`/`Ord::max` do).
    Num(Vec<Option<(Decimal, u64)>>),
    Date(Vec<Option<(i32, u64)>>),
    Distinct(Vec<FxHashSet<Distinct>>),
}

impl Acc {
    fn new(fold: Fold, scopes: usize) -> Acc {
        match fold {
            Fold::Count => Acc::Count(Tally::new(scopes), Vec::new()),
            Fold::Sum(_) => Acc::Sum(Sums::new(scopes), vec![0; scopes]),
            Fold::MinNum(_) | Fold::MaxNum(_) => Acc::Num(vec![None; scopes]),
            Fold::MinDate(_) | Fold::MaxDate(_) => Acc::Date(vec![None; scopes]),
            Fold::Distinct(..) => {
                Acc::Distinct((0..scopes).map(|_| FxHashSet::default()).collect())
            }
        }
    }
}

/// Prefer `(a, at)` over `best` for `min` (`less`) or `max`.
fn better<T: Ord>(best: &Option<(T, u64)>, a: &T, at: u64, min: bool) -> bool {
    match best {
        None => true,
        Some((b, bat)) => match a.cmp(b) {
            std::cmp::Ordering::Less => min,
            std::cmp::Ordering::Greater => !min,
            std::cmp::Ordering::Equal => (at < *bat) == min,
        },
    }
}

/// The running values of every aggregate of a table: one set for each thread folding at a
/// time (`Shared::free_accs`), merged at the end (every fold is exact and commutative, so
/// the result does not depend on which thread saw which rows); `overflow` marks scopes whose
/// sum grew too large.
struct Accs {
    /// Per aggregate (an empty count for one folded in a group of classes).
    aggs: Vec<Acc>,
    /// Per group of [`Classes`]: counts by scope and class.
    classes: Vec<Acc>,
    overflow: Vec<Vec<bool>>,
    /// Rows folded since the counts were last emptied.
    since: u64,
}

impl Accs {
    /// Make room for `rows` more rows in the tallies: when a count could pass `u32::MAX`,
    /// add them into the 64-bit ones and start again from zero, so no count wraps.
    fn room(&mut self, rows: u64) {
        if self.since + rows <= u64::from(u32::MAX) {
            self.since += rows;
            return;
        }
        for acc in self.aggs.iter_mut().chain(&mut self.classes) {
            if let Acc::Count(narrow, wide) = acc {
                wide.resize(narrow.len(), 0);
                for (i, w) in wide.iter_mut().enumerate() {
                    *w += narrow.take(i);
                }
            }
        }
        self.since = rows;
    }
}

/// Rows not credited, with the first few examples (lines relative to the chunk).
#[derive(Default)]
struct Skips {
    count: [usize; 3],
    examples: [Vec<(u32, Option<Text>, Example)>; 3],
}

/// Text of a cell: an interned symbol, or bytes.
enum Text {
    Sym(u32),
    Bytes(Vec<u8>),
}

enum Example {
    NoOwner,
    Unknown(Text),
    Outside(i32),
}

const NO_OWNER: usize = 0;
const UNKNOWN: usize = 1;
const OUTSIDE: usize = 2;
const SHOWN: usize = 5;

/// A chunk's contribution that must be merged in order.
pub struct Part {
    skips: Skips,
    /// Rows credited; whether a credited row holds each literal, and passes each row set
    /// (only whether one does matters: each is looked for until the first).
    credited: u64,
    literals: Vec<bool>,
    sets: Vec<bool>,
}

thread_local! {
    /// The set of running values this thread took last: tried first next time, so that a
    /// thread keeps folding into the same memory (in its own core's cache).
    static LAST_ACCS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Shared {
    /// A set of running values no other thread is folding into: the one this thread had
    /// last if it is free, else the first free one (there is one more set than threads),
    /// else, should all be busy, this thread's last one when it is let go.
    fn free_accs(&self) -> std::sync::MutexGuard<'_, Option<Accs>> {
        let n = self.accs.len();
        let last = LAST_ACCS.with(std::cell::Cell::get) % n;
        for i in (0..n).map(|k| (last + k) % n) {
            if let Ok(g) = self.accs[i].try_lock() {
                LAST_ACCS.with(|c| c.set(i));
                return g;
            }
        }
        match self.accs[last].lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// The parallel half of [`RowSink`]: shared by the threads.
pub struct Shared {
    tp: TablePlan,
    periods: usize,
    scopes: usize,
    first: i32,
    last: i32,
    cut: Option<i32>,
    period_of: Vec<u32>,
    participant_of: Vec<u32>,
    accs: Vec<Mutex<Option<Accs>>>,
    keys: Vec<Mutex<KeyPart>>,
}

const KEY_PARTS: usize = 256;
/// Hashes a part keeps in memory before it spills them to its file: at most
/// `KEY_PARTS × KEY_SPILL × 8` bytes (128 MiB) of keys in memory, whatever the rows.
const KEY_SPILL: usize = 1 << 16;

/// The 64-bit hashes of the keys whose top byte is this part's, to be sorted and looked
/// for repeats once the table is read (a repeat sends the table to the row path, which
/// says which rows): in memory, and past [`KEY_SPILL`] in a temporary file.
#[derive(Default)]
struct KeyPart {
    hashes: Vec<u64>,
    file: Option<(std::path::PathBuf, std::fs::File)>,
    /// Writing the file failed: the keys cannot be checked here.
    failed: bool,
}

impl KeyPart {
    fn spill(&mut self, part: usize) {
        use std::io::Write;
        if self.file.is_none() {
            static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = NEXT.fetch_add(1, AtomicOrdering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("ignition-keys-{}-{n}-{part}", std::process::id()));
            match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => self.file = Some((path, f)),
                Err(_) => {
                    self.failed = true;
                    return;
                }
            }
        }
        let bytes: Vec<u8> = self.hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
        if let Some((_, f)) = &mut self.file {
            if f.write_all(&bytes).is_err() {
                self.failed = true;
            }
        }
        self.hashes.clear();
    }

    /// Whether two keys of this part have one hash (a repeated key, or, rarely, two keys
    /// alike in 64 bits: either way the row path decides).
    fn repeats(mut self) -> bool {
        use std::io::{Read, Seek};
        if self.failed {
            return true;
        }
        if let Some((_, f)) = &mut self.file {
            let mut bytes = Vec::new();
            if f.seek(std::io::SeekFrom::Start(0)).is_err() || f.read_to_end(&mut bytes).is_err() {
                return true;
            }
            self.hashes.extend(
                bytes
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())),
            );
        }
        any_repeat(&self.hashes)
    }
}

/// Whether a value occurs twice: an open-addressing set at most half full, probed from the
/// value's low bits (the hashes are uniform there; the top byte chose the part). Linear in
/// the number of values, where sorting them was `n log n`.
fn any_repeat(values: &[u64]) -> bool {
    let size = (values.len() * 2).next_power_of_two().max(16);
    let mask = size - 1;
    // 0 marks an empty slot, so the value 0 is remembered apart.
    let mut slots = vec![0u64; size];
    let mut zero = false;
    for &v in values {
        if v == 0 {
            if zero {
                return true;
            }
            zero = true;
            continue;
        }
        let mut i = v as usize & mask;
        loop {
            match slots[i] {
                0 => {
                    slots[i] = v;
                    break;
                }
                s if s == v => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }
    false
}

impl Drop for KeyPart {
    fn drop(&mut self) {
        if let Some((path, _)) = self.file.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn text_of(col: &ChunkColumn, r: usize) -> Option<Text> {
    match col {
        ChunkColumn::Text { new, syms } => Some(if syms[r] & KNOWN != 0 {
            Text::Sym(syms[r] & !KNOWN)
        } else {
            Text::Bytes(new.get(syms[r] as usize).cloned().unwrap_or_default())
        }),
        ChunkColumn::Raw { bytes, ends } => {
            let s = if r == 0 { 0 } else { ends[r - 1] as usize };
            Some(Text::Bytes(bytes[s..ends[r] as usize].to_vec()))
        }
        _ => None,
    }
}

fn key_hash(col: &ChunkColumn, r: usize) -> u64 {
    use std::hash::BuildHasher;
    let build = rustc_hash::FxBuildHasher;
    match col {
        ChunkColumn::Text { new, syms } => {
            if syms[r] & KNOWN != 0 {
                build.hash_one((1u8, syms[r]))
            } else {
                build.hash_one((0u8, new.get(syms[r] as usize).map(Vec::as_slice)))
            }
        }
        ChunkColumn::Raw { bytes, ends } => {
            let s = if r == 0 { 0 } else { ends[r - 1] as usize };
            build.hash_one((0u8, Some(&bytes[s..ends[r] as usize])))
        }
        _ => 0,
    }
}

impl Blocks for std::sync::Arc<Shared> {
    type Part = Part;

    fn block(&self, chunk: Chunk, seq: u64) -> Part {
        let sh = &**self;
        let tp = &sh.tp;
        let mut part = Part {
            skips: Skips::default(),
            credited: 0,
            literals: vec![false; tp.literals.len()],
            sets: vec![false; tp.sets.len()],
        };
        let n = chunk.lines.len();
        let cols = &chunk.columns;
        // Keys: any repeat sends the table to the row path (which reports it).
        if let Some(k) = tp.key {
            // Grouped by part with one counting pass and one scatter (no sort here: each
            // part is sorted once, when the table is read).
            let hashes: Vec<u64> = (0..n).map(|r| key_hash(&cols[k], r)).collect();
            let part_of = |h: u64| (h >> 56) as usize % KEY_PARTS;
            let mut starts = vec![0usize; KEY_PARTS + 1];
            for &h in &hashes {
                starts[part_of(h) + 1] += 1;
            }
            for p in 0..KEY_PARTS {
                starts[p + 1] += starts[p];
            }
            let mut next = starts.clone();
            let mut grouped = vec![0u64; hashes.len()];
            for &h in &hashes {
                let p = part_of(h);
                grouped[next[p]] = h;
                next[p] += 1;
            }
            for p in 0..KEY_PARTS {
                let (i, j) = (starts[p], starts[p + 1]);
                if i == j {
                    continue;
                }
                let mut kp = match sh.keys[p].lock() {
                    Ok(s) => s,
                    Err(poisoned) => poisoned.into_inner(),
                };
                if kp.hashes.capacity() == 0 {
                    // Room for all it keeps before it spills: no copy as it grows.
                    kp.hashes.reserve_exact(KEY_SPILL + (j - i));
                }
                kp.hashes.extend_from_slice(&grouped[i..j]);
                if kp.hashes.len() >= KEY_SPILL {
                    kp.spill(p);
                }
            }
        }
        let (ChunkColumn::Text { syms: to, .. }, ChunkColumn::Date(days)) =
            (&cols[tp.to], &cols[tp.by])
        else {
            return part;
        };
        let to_present = chunk.present[tp.to].as_deref();
        let mut guard = sh.free_accs();
        let accs = guard.get_or_insert_with(|| Accs {
            aggs: tp
                .aggs
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    if tp.grouped(i) {
                        Acc::Count(Tally::default(), Vec::new())
                    } else {
                        Acc::new(a.fold, sh.scopes)
                    }
                })
                .collect(),
            classes: tp
                .classes
                .iter()
                .map(|g| Acc::Count(Tally::new(sh.scopes * (g.syms.len() + 1)), Vec::new()))
                .collect(),
            overflow: tp.aggs.iter().map(|_| vec![false; sh.scopes]).collect(),
            since: 0,
        });
        accs.room(n as u64);
        let skip = |part: &mut Part, why: usize, r: usize, ex: Example| {
            part.skips.count[why] += 1;
            if part.skips.examples[why].len() < SHOWN {
                let key = tp.key.and_then(|k| text_of(&cols[k], r));
                part.skips.examples[why].push((chunk.lines[r], key, ex));
            }
        };
        // Column at a time: each row's scope (participant × period, or none), then each
        // filter's bit for every row, then each aggregate over the rows in its scope whose
        // bits it needs. A match per column and per aggregate, not per row and cell.
        const NONE: u32 = u32::MAX;
        let mut scope_of = vec![NONE; n];
        for (r, slot) in scope_of.iter_mut().enumerate() {
            if to_present.is_some_and(|p| !p[r]) {
                skip(&mut part, NO_OWNER, r, Example::NoOwner);
                continue;
            }
            let s = to[r];
            let p = if s & KNOWN != 0 {
                sh.participant_of
                    .get((s & !KNOWN) as usize)
                    .copied()
                    .unwrap_or(NONE)
            } else {
                NONE
            };
            if p == NONE {
                let who = text_of(&cols[tp.to], r).unwrap_or(Text::Bytes(Vec::new()));
                skip(&mut part, UNKNOWN, r, Example::Unknown(who));
                continue;
            }
            let day = days[r];
            if sh.cut.is_some_and(|c| day > c) {
                continue;
            }
            let k = if day < sh.first || day > sh.last {
                NONE
            } else {
                sh.period_of[(day - sh.first) as usize]
            };
            if k == NONE {
                skip(&mut part, OUTSIDE, r, Example::Outside(day));
                continue;
            }
            *slot = p * sh.periods as u32 + k;
            part.credited += 1;
        }
        for (i, &(c, sym)) in tp.literals.iter().enumerate() {
            if let ChunkColumn::Text { syms, .. } = &cols[c] {
                part.literals[i] = syms
                    .iter()
                    .zip(&scope_of)
                    .any(|(&s, &sc)| sc != NONE && s == (sym | KNOWN));
            }
        }
        let mut passed = vec![0u64; if tp.tests.is_empty() { 0 } else { n }];
        for (i, t) in tp.tests.iter().enumerate() {
            mark(t, cols, 1 << i, &mut passed);
        }
        let bits = |tests: &[usize]| tests.iter().fold(0u64, |m, &i| m | (1 << i));
        // Whether row `r`, in scope `sc`, counts for an aggregate whose filters are `mask`:
        // credited, and passing them (without a branch on the row: `&`, not `&&`).
        let counted =
            |r: usize, sc: u32, mask: u64| (sc != NONE) & (mask == 0 || passed[r] & mask == mask);
        let rows_in = |mask: u64| {
            scope_of
                .iter()
                .enumerate()
                .filter_map(move |(r, &sc)| counted(r, sc, mask).then_some((r, sc as usize)))
        };
        for (i, set) in tp.sets.iter().enumerate() {
            part.sets[i] = rows_in(bits(set)).next().is_some();
        }
        for (g, classes) in tp.classes.iter().enumerate() {
            let (Acc::Count(v, _), ChunkColumn::Text { syms, .. }) =
                (&mut accs.classes[g], &cols[classes.column])
            else {
                continue;
            };
            let width = classes.syms.len() + 1;
            let wanted: Vec<u32> = classes.syms.iter().map(|&s| s | KNOWN).collect();
            // Without a branch on the row: a row counts when it is credited to a scope and
            // holds one of the texts.
            let slots = scope_of.iter().zip(syms).map(|(&sc, &cell)| {
                let class = wanted.iter().enumerate().fold(0usize, |c, (k, &w)| {
                    c | ((k + 1) & 0usize.wrapping_sub(usize::from(cell == w)))
                });
                (
                    (sc as usize * width + class) as u32,
                    (sc != NONE) & (class != 0),
                )
            });
            count_in_order(v, slots);
        }
        for (a, spec) in tp.aggs.iter().enumerate() {
            if tp.grouped(a) {
                continue;
            }
            let rows = rows_in(bits(&spec.tests));
            match (&mut accs.aggs[a], spec.fold) {
                (Acc::Count(v, _), _) => {
                    let mask = bits(&spec.tests);
                    let slots = scope_of
                        .iter()
                        .enumerate()
                        .map(|(r, &sc)| (sc, counted(r, sc, mask)));
                    count_in_order(v, slots);
                }
                (Acc::Sum(sums, counts), Fold::Sum(c)) => {
                    if let ChunkColumn::Num(x) = &cols[c] {
                        let mask = bits(&spec.tests);
                        let avg = matches!(spec.func, AggFunc::Avg);
                        let terms = scope_of
                            .iter()
                            .zip(x)
                            .enumerate()
                            .map(|(r, (&sc, &d))| (sc, d, counted(r, sc, mask)));
                        let counts = avg.then_some(&mut counts[..]);
                        sum_in_order(sums, counts, &mut accs.overflow[a], terms);
                    }
                }
                (Acc::Num(v), Fold::MinNum(c) | Fold::MaxNum(c)) => {
                    if let ChunkColumn::Num(x) = &cols[c] {
                        let min = matches!(spec.fold, Fold::MinNum(_));
                        for (r, scope) in rows {
                            let at = (seq << 24) | r as u64;
                            if better(&v[scope], &x[r], at, min) {
                                v[scope] = Some((x[r], at));
                            }
                        }
                    }
                }
                (Acc::Date(v), Fold::MinDate(c) | Fold::MaxDate(c)) => {
                    if let ChunkColumn::Date(x) = &cols[c] {
                        let min = matches!(spec.fold, Fold::MinDate(_));
                        for (r, scope) in rows {
                            let at = (seq << 24) | r as u64;
                            if better(&v[scope], &x[r], at, min) {
                                v[scope] = Some((x[r], at));
                            }
                        }
                    }
                }
                (Acc::Distinct(v), Fold::Distinct(c, kind)) => {
                    for (r, scope) in rows {
                        let d = match (&cols[c], kind) {
                            (ChunkColumn::Text { .. } | ChunkColumn::Raw { .. }, Kind::Text) => {
                                match text_of(&cols[c], r) {
                                    Some(Text::Sym(s)) => Distinct::Sym(s),
                                    Some(Text::Bytes(b)) => Distinct::Bytes(b.into()),
                                    None => continue,
                                }
                            }
                            (ChunkColumn::Num(x), Kind::Num) => {
                                Distinct::Value(Value::Num(Num::from(x[r])))
                            }
                            (ChunkColumn::Date(x), Kind::Date) => {
                                Distinct::Value(Value::Date(x[r]))
                            }
                            (ChunkColumn::Bool(x), Kind::Bool) => {
                                Distinct::Value(Value::Bool(x[r]))
                            }
                            _ => continue,
                        };
                        v[scope].insert(d);
                    }
                }
                _ => {}
            }
        }
        part
    }
}

/// The row layer's sink for one credited table.
pub struct RowSink<'a> {
    shared: std::sync::Arc<Shared>,
    storage: Vec<Storage>,
    strings: &'a Interner,
    file: String,
    /// What the source's row numbers count, as reports name them: `line` (a CSV file) or
    /// `row` (a Parquet file).
    pub row_word: &'static str,
    key_name: bool,
    skipped: [Skipped; 3],
    credited: u64,
    literals: Vec<bool>,
    sets: Vec<bool>,
}

impl Sink for RowSink<'_> {
    type Blocks = std::sync::Arc<Shared>;

    fn storage(&self) -> &[Storage] {
        &self.storage
    }

    fn strings(&self) -> &Interner {
        self.strings
    }

    fn blocks(&self) -> std::sync::Arc<Shared> {
        self.shared.clone()
    }

    fn store(&mut self, part: Part, line_base: u32) {
        self.credited += part.credited;
        for (a, b) in self.literals.iter_mut().zip(&part.literals) {
            *a |= b;
        }
        for (a, b) in self.sets.iter_mut().zip(&part.sets) {
            *a |= b;
        }
        let strings = self.strings;
        let show = |t: &Text| match t {
            Text::Sym(s) => quote(strings.resolve(*s).as_bytes()),
            Text::Bytes(b) => quote(b),
        };
        for (why, examples) in part.skips.examples.into_iter().enumerate() {
            let more = part.skips.count[why] - examples.len();
            for (line, key, ex) in examples {
                let label = match (&key, self.key_name) {
                    (Some(k), true) => {
                        format!("{} {} ({})", self.row_word, line + line_base, show(k))
                    }
                    _ => format!("{} {}", self.row_word, line + line_base),
                };
                self.skipped[why].add(|| match &ex {
                    Example::NoOwner => label,
                    Example::Unknown(who) => format!("{label} → {}", show(who)),
                    Example::Outside(day) => {
                        format!("{label} dated {}", crate::calendar::date(*day))
                    }
                });
            }
            self.skipped[why].more(more);
        }
    }
}

/// What streaming a table gave.
pub enum Outcome {
    /// The table's aggregates, and its reports of rows not credited.
    Folded(
        Vec<Vec<Result<Value, AggErr>>>,
        Vec<crate::diagnostics::Diag>,
    ),
    /// The rows are needed after all (a repeated key, a filter or literal that matches no
    /// credited row, a bad cell, a strict report): read the tables whole.
    Rows,
}

/// Everything a table's streaming pass needs from the plan and the roster.
pub struct Context<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The participants.
    pub roster: &'a Roster,
    /// The interner (the plan's constants, the roster's ids).
    pub strings: &'a Interner,
    /// Whether reports are errors.
    pub strict: bool,
}

impl Context<'_> {
    /// A sink folding table `t` (one the plan `rp` covers).
    /// `keys`: whether repeated keys are looked for (not in rows loaded whole: the loader
    /// dropped the repeats already).
    pub fn sink(
        &self,
        rp: &RowPlan,
        t: TableId,
        storage: Vec<Storage>,
        file: &str,
        keys: bool,
    ) -> Option<RowSink<'_>> {
        let mut tp = rp.tables.get(t.index())?.clone()?;
        let key_name = tp.key.is_some();
        if !keys {
            tp.key = None;
        }
        let plan = self.plan;
        let periods = plan.calendar.len();
        let scopes = self.roster.len() * periods;
        let first = plan.calendar.periods.first().map_or(0, |p| p.start);
        let last = plan.calendar.periods.last().map_or(0, |p| p.end);
        let mut participant_of = vec![u32::MAX; self.strings.len()];
        for (&sym, &p) in &self.roster.by_key {
            if let Some(slot) = participant_of.get_mut(sym as usize) {
                *slot = p;
            }
        }
        let period_of: Vec<u32> = (first..=last)
            .map(|day| plan.calendar.period_of(day).map_or(u32::MAX, |k| k as u32))
            .collect();
        let threads = rayon::current_num_threads().max(1) + 1;
        let roster_name = &plan.tables[plan.participants].name;
        let n_lit = tp.literals.len();
        let n_sets = tp.sets.len();
        Some(RowSink {
            shared: std::sync::Arc::new(Shared {
                periods,
                scopes,
                first,
                last,
                cut: plan.as_of,
                period_of,
                participant_of,
                accs: (0..threads).map(|_| Mutex::new(None)).collect(),
                keys: if tp.key.is_some() {
                    (0..KEY_PARTS)
                        .map(|_| Mutex::new(KeyPart::default()))
                        .collect()
                } else {
                    Vec::new()
                },
                tp,
            }),
            storage,
            strings: self.strings,
            file: file.to_string(),
            row_word: "line",
            key_name,
            skipped: [
                Skipped::new(Skip::NoParticipant, "fill in the participant column".into()),
                Skipped::new(
                    Skip::UnknownParticipant,
                    format!("add them to `{roster_name}`, or correct the id"),
                ),
                Skipped::new(
                    Skip::OutsideCalendar,
                    format!(
                        "the plan runs from {} to {}",
                        crate::calendar::date(first),
                        crate::calendar::date(last)
                    ),
                ),
            ],
            credited: 0,
            literals: vec![false; n_lit],
            sets: vec![false; n_sets],
        })
    }
}

impl RowSink<'_> {
    /// The table's aggregates once every chunk is stored, or [`Outcome::Rows`].
    pub fn finish(self, strict: bool) -> Outcome {
        let RowSink {
            shared,
            file,
            skipped,
            literals,
            sets,
            ..
        } = self;
        if literals.contains(&false) || sets.contains(&false) {
            return Outcome::Rows;
        }
        let Ok(mut shared) = std::sync::Arc::try_unwrap(shared) else {
            return Outcome::Rows;
        };
        let mut reports = Vec::new();
        let [no_owner, unknown, outside] = skipped;
        no_owner.report(&file, strict, &mut reports);
        unknown.report(&file, strict, &mut reports);
        outside.report(&file, strict, &mut reports);
        if reports.iter().any(|d| d.is_error()) {
            return Outcome::Rows;
        }
        let keys: Vec<KeyPart> = std::mem::take(&mut shared.keys)
            .into_iter()
            .map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
            .collect();
        let parts: Vec<Accs> = shared
            .accs
            .into_iter()
            .filter_map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
            .collect();
        // The keys checked while the threads' values are merged: both are the read's last
        // step, on no one else's path (the merge is thrown away if a key repeats).
        let (repeats, merged) = rayon::join(
            || {
                use rayon::prelude::*;
                keys.into_par_iter().any(KeyPart::repeats)
            },
            || merge(&shared.tp, shared.scopes, parts),
        );
        if repeats {
            return Outcome::Rows;
        }
        Outcome::Folded(merged, reports)
    }
}

/// The threads' running values merged into each aggregate's value per scope.
fn merge(tp: &TablePlan, scopes: usize, parts: Vec<Accs>) -> Folded {
    let mut out = Vec::with_capacity(tp.aggs.len());
    let mut parts = parts;
    for (a, spec) in tp.aggs.iter().enumerate() {
        if let Some((g, width, class)) = tp.classes.iter().enumerate().find_map(|(g, c)| {
            let &(_, class) = c.counts.iter().find(|&&(x, _)| x == a)?;
            Some((g, c.syms.len() + 1, class))
        }) {
            // A count folded in a group of classes: its class of each scope, from every part.
            let mut counts = vec![0u64; scopes];
            for p in &parts {
                if let Some(Acc::Count(narrow, wide)) = p.classes.get(g) {
                    for (scope, n) in counts.iter_mut().enumerate() {
                        let i = scope * width + class;
                        *n += narrow.get(i) + wide.get(i).copied().unwrap_or(0);
                    }
                }
            }
            out.push(
                counts
                    .into_iter()
                    .map(|n| Ok(Value::Num(Num::from(n))))
                    .collect(),
            );
            continue;
        }
        let mut overflow = vec![false; scopes];
        let mut accs: Vec<Acc> = Vec::with_capacity(parts.len());
        for p in &mut parts {
            for (o, &x) in overflow.iter_mut().zip(&p.overflow[a]) {
                *o |= x;
            }
            accs.push(std::mem::replace(
                &mut p.aggs[a],
                Acc::Count(Tally::default(), Vec::new()),
            ));
        }
        let mut merged = match spec.fold {
            Fold::Count => Acc::Count(Tally::default(), vec![0; scopes]),
            fold => Acc::new(fold, scopes),
        };
        for acc in accs {
            match (&mut merged, acc) {
                // Merged into the 64-bit counts.
                (Acc::Count(_, m), Acc::Count(narrow, wide)) => {
                    for (i, m) in m.iter_mut().enumerate() {
                        *m += narrow.get(i) + wide.get(i).copied().unwrap_or(0);
                    }
                }
                (Acc::Sum(ms, mc), Acc::Sum(xs, xc)) => {
                    for i in 0..scopes {
                        match xs.total(i) {
                            Some(t) if ms.add(i, &t).is_some() => {}
                            _ => overflow[i] = true,
                        }
                        mc[i] += xc[i];
                    }
                }
                (Acc::Num(m), Acc::Num(x)) => {
                    let min = matches!(spec.fold, Fold::MinNum(_));
                    for (m, x) in m.iter_mut().zip(x) {
                        if let Some((v, at)) = x {
                            if better(m, &v, at, min) {
                                *m = Some((v, at));
                            }
                        }
                    }
                }
                (Acc::Date(m), Acc::Date(x)) => {
                    let min = matches!(spec.fold, Fold::MinDate(_));
                    for (m, x) in m.iter_mut().zip(x) {
                        if let Some((v, at)) = x {
                            if better(m, &v, at, min) {
                                *m = Some((v, at));
                            }
                        }
                    }
                }
                (Acc::Distinct(m), Acc::Distinct(x)) => {
                    for (m, x) in m.iter_mut().zip(x) {
                        if m.is_empty() {
                            *m = x;
                        } else {
                            m.extend(x);
                        }
                    }
                }
                _ => {}
            }
        }
        let values: Vec<Result<Value, AggErr>> = match merged {
            Acc::Count(_, v) => v
                .into_iter()
                .map(|n| Ok(Value::Num(Num::from(n))))
                .collect(),
            Acc::Sum(sums, counts) => counts
                .into_iter()
                .take(scopes)
                .enumerate()
                .map(|(i, n)| {
                    if overflow[i] {
                        return Err(AggErr::Overflow);
                    }
                    let total = sums.total(i).ok_or(AggErr::Overflow)?;
                    match spec.func {
                        AggFunc::Avg if n == 0 => Err(AggErr::NoRows),
                        AggFunc::Avg => total
                            .checked_div(&Num::from(n))
                            .map(Value::Num)
                            .ok_or(AggErr::Overflow),
                        _ => Ok(Value::Num(total)),
                    }
                })
                .collect(),
            Acc::Num(v) => v
                .into_iter()
                .map(|x| {
                    x.map(|(d, _)| Value::Num(Num::from(d)))
                        .ok_or(AggErr::NoRows)
                })
                .collect(),
            Acc::Date(v) => v
                .into_iter()
                .map(|x| x.map(|(d, _)| Value::Date(d)).ok_or(AggErr::NoRows))
                .collect(),
            Acc::Distinct(v) => v
                .into_iter()
                .map(|s| Ok(Value::Num(Num::from(s.len() as u64))))
                .collect(),
        };
        out.push(values);
    }
    out
}

/// The aggregate table of a plan, from the tables' folded aggregates; `streamed`: the
/// tables were folded instead of kept (else the table is a check of the rows' aggregates).
pub fn table(
    rp: &RowPlan,
    periods: usize,
    values: Vec<Option<Folded>>,
    streamed: bool,
) -> AggTable {
    AggTable {
        by_span: rp.by_span.clone(),
        streamed: values.iter().map(|v| streamed && v.is_some()).collect(),
        values: values.into_iter().map(Option::unwrap_or_default).collect(),
        periods,
    }
}

/// The aggregates of a plan computed by the row layer from tables already loaded whole (the
/// credited rows, in evaluation order): what explain and the plan tests compare the
/// interpreter's aggregates with. `None` when the plan is not covered.
pub fn from_tables(
    plan: &Plan,
    roster: &Roster,
    strings: &Interner,
    tables: &[Table],
) -> Option<AggTable> {
    let rp = RowPlan::of(plan)?;
    let cx = Context {
        plan,
        roster,
        strings,
        strict: false,
    };
    let mut values = Vec::with_capacity(tables.len());
    for (t, tab) in TableId::all(tables.len()).zip(tables) {
        if !rp.covers(t) {
            values.push(None);
            continue;
        }
        let mut sink = cx.sink(&rp, t, Vec::new(), &tab.file, false)?;
        // A million rows at a time: the copy stays small beside the table.
        const SLICE: usize = 1 << 20;
        let blocks = sink.blocks();
        for (i, start) in (0..tab.len()).step_by(SLICE).enumerate() {
            let rows = start..(start + SLICE).min(tab.len());
            let part = blocks.block(chunk_of(tab, rows), i as u64);
            sink.store(part, 0);
        }
        drop(blocks);
        let RowSink { shared, .. } = sink;
        let shared = std::sync::Arc::try_unwrap(shared).ok()?;
        let parts: Vec<Accs> = shared
            .accs
            .into_iter()
            .filter_map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
            .collect();
        values.push(Some(merge(&shared.tp, shared.scopes, parts)));
    }
    Some(table(&rp, plan.calendar.len(), values, false))
}

/// Rows `rows` of a loaded table (in evaluation order: the credited ones) as one chunk.
/// Rows are keyed already (repeats were dropped when loading), so the key is left out.
fn chunk_of(tab: &Table, rows: std::ops::Range<usize>) -> Chunk {
    let n = rows.len();
    let base = rows.start;
    let columns = tab
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let at = |r: usize| tab.at(ColId(c), base + r);
            match &col.data {
                super::ColumnData::Text(v) => ChunkColumn::Text {
                    new: Vec::new(),
                    syms: (0..n).map(|r| v[at(r)] | KNOWN).collect(),
                },
                super::ColumnData::Num(v) => ChunkColumn::Num((0..n).map(|r| v[at(r)]).collect()),
                super::ColumnData::Date(v) => ChunkColumn::Date((0..n).map(|r| v[at(r)]).collect()),
                super::ColumnData::Bool(v) => ChunkColumn::Bool((0..n).map(|r| v[at(r)]).collect()),
                super::ColumnData::Raw { .. } => ChunkColumn::Raw {
                    bytes: Vec::new(),
                    ends: vec![0; n],
                },
            }
        })
        .collect();
    let present = tab
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            col.present.as_ref().map(|_| {
                (0..n)
                    .map(|r| col.is_present(tab.at(ColId(c), r)))
                    .collect()
            })
        })
        .collect();
    Chunk {
        columns,
        present,
        lines: (0..n).map(|r| tab.line(base + r)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{
        any_repeat, mark, Acc, Accs, BinOp, ChunkColumn, Decimal, Num, Sums, Tally, Test, KNOWN,
    };

    /// A tally holding `counts`.
    fn tally(counts: &[u64]) -> Tally {
        let mut t = Tally::new(counts.len());
        for (i, &n) in counts.iter().enumerate() {
            (t.low[i], t.carried[i]) = ((n & 0xff) as u8, (n >> 8) as u32);
        }
        t
    }

    fn counts(t: &Tally) -> Vec<u64> {
        (0..t.len()).map(|i| t.get(i)).collect()
    }

    #[test]
    fn a_tally_carries_each_256th_add() {
        // One count taken past 255, 256, 65,535 and 65,536 (the carries' own bytes), the
        // next left alone, adds that do not count between them.
        let mut t = Tally::new(2);
        for n in 1..=70_000u64 {
            t.add(0, true);
            t.add(0, false);
            if [255, 256, 257, 65_535, 65_536, 70_000].contains(&n) {
                assert_eq!(counts(&t), [n, 0], "after {n}");
            }
        }
        assert_eq!(t.take(0), 70_000);
        assert_eq!(counts(&t), [0, 0]);
    }

    #[test]
    fn counts_near_the_32_bit_limit_are_moved_to_64_bits_before_they_wrap() {
        // Two scopes counted 4,294,967,000 and 7 times; 1,000 more rows are coming, which
        // could take the first past 4,294,967,295: both move to the 64-bit counts.
        // The counts of a group of classes move alike.
        let mut accs = Accs {
            aggs: vec![Acc::Count(tally(&[4_294_967_000, 7]), Vec::new())],
            classes: vec![Acc::Count(tally(&[3, 4_294_967_001]), Vec::new())],
            overflow: vec![vec![false; 2]],
            since: 4_294_967_007,
        };
        accs.room(1_000);
        let (Acc::Count(narrow, wide), Acc::Count(in_class, class_wide)) =
            (&accs.aggs[0], &accs.classes[0])
        else {
            panic!("counts")
        };
        assert_eq!(
            (counts(narrow), wide.as_slice()),
            (vec![0, 0], &[4_294_967_000, 7][..])
        );
        assert_eq!(
            (counts(in_class), class_wide.as_slice()),
            (vec![0, 0], &[3, 4_294_967_001][..])
        );
        assert_eq!(accs.since, 1_000);
        // Room enough: nothing moves.
        accs.room(5);
        assert_eq!(accs.since, 1_005);
    }

    #[test]
    fn counts_of_one_column_equal_to_texts_are_folded_as_one_group() {
        // The four activity counts of field-sales compare `kind` with four texts: one group,
        // four classes. The SPIF's count of won Platform deals has three filters: alone.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/plans/field-sales/plan.plan"
        ))
        .expect("the example plan");
        let plan = crate::compile_str("plan.plan", &text)
            .expect("the plan checks")
            .plan;
        let rp = super::RowPlan::of(&plan).expect("covered by the row layer");
        let groups: Vec<(usize, usize)> = rp
            .tables
            .iter()
            .flatten()
            .flat_map(|tp| tp.classes.iter().map(|g| (g.syms.len(), g.counts.len())))
            .collect();
        assert_eq!(groups, vec![(4, 4)]);
    }

    #[test]
    fn comparisons_of_amounts_with_a_constant_hold_as_decimals_compare() {
        // Columns of amounts at two decimals with a few of other scales among them (and
        // first), negative and zero ones, against constants at scales 0, 2 and 3, at the
        // limit of a decimal's digits, and every comparison.
        let d = |t: &str| t.parse::<Decimal>().unwrap_or_default();
        let values: Vec<Decimal> = [
            "50000.00",
            "49999.99",
            "50000.01",
            "50000",
            "50000.001",
            "-0.00",
            "0",
            "-50000.00",
            "12.5",
            "79228162514264337593543950.335",
            "0.01",
            "49999.999",
        ]
        .iter()
        .map(|t| d(t))
        .collect();
        let constants = [
            "50000",
            "50000.00",
            "50000.001",
            "-50000",
            "0",
            "0.005",
            "79228162514264337593543950335",
        ];
        let ops = [
            BinOp::Eq,
            BinOp::Ne,
            BinOp::Lt,
            BinOp::Le,
            BinOp::Gt,
            BinOp::Ge,
        ];
        for first in 0..values.len() {
            // Each value first in turn: the scale the comparison takes is the first's.
            let mut column = values.clone();
            column.swap(0, first);
            let cols = [ChunkColumn::Num(column.clone())];
            for c in constants {
                for op in ops {
                    let mut passed = vec![0u64; column.len()];
                    mark(&Test::Num(0, op, d(c)), &cols, 1, &mut passed);
                    let want: Vec<u64> = column
                        .iter()
                        .map(|x| {
                            let c = d(c);
                            u64::from(match op {
                                BinOp::Eq => *x == c,
                                BinOp::Ne => *x != c,
                                BinOp::Lt => *x < c,
                                BinOp::Le => *x <= c,
                                BinOp::Gt => *x > c,
                                _ => *x >= c,
                            })
                        })
                        .collect();
                    assert_eq!(passed, want, "{c} {op:?} first {}", column[0]);
                }
            }
        }
    }

    #[test]
    fn combined_filters_hold_where_a_row_by_row_reading_says() {
        // Every filter of up to three levels over a text, an amount, a date and a boolean
        // column (and a test of a column of another kind, which holds nowhere), marked
        // whole-column against the same filter read row by row.
        let n = 50;
        let syms: Vec<u32> = (0..n).map(|r| (r as u32 % 3) | KNOWN).collect();
        let amounts: Vec<Decimal> = (0..n).map(|r| Decimal::new(r as i64 * 7 % 11, 1)).collect();
        let days: Vec<i32> = (0..n).map(|r| (r as i32 * 5) % 13).collect();
        let flags: Vec<bool> = (0..n).map(|r| r % 4 == 1).collect();
        let cols = [
            ChunkColumn::Text {
                new: Vec::new(),
                syms: syms.clone(),
            },
            ChunkColumn::Num(amounts.clone()),
            ChunkColumn::Date(days.clone()),
            ChunkColumn::Bool(flags.clone()),
        ];
        let leaves = [
            Test::Sym(0, 1, true),
            Test::Sym(0, 2, false),
            Test::Num(1, BinOp::Ge, Decimal::new(5, 1)),
            Test::Date(2, BinOp::Lt, 6),
            Test::Bool(3),
            Test::Bool(1),
        ];
        fn reference(t: &Test, r: usize, s: &[u32], a: &[Decimal], d: &[i32], f: &[bool]) -> bool {
            match t {
                Test::Sym(0, sym, eq) => (s[r] == (sym | KNOWN)) == *eq,
                Test::Num(1, _, c) => a[r] >= *c,
                Test::Date(2, _, c) => d[r] < *c,
                Test::Bool(3) => f[r],
                Test::And(x, y) => reference(x, r, s, a, d, f) && reference(y, r, s, a, d, f),
                Test::Or(x, y) => reference(x, r, s, a, d, f) || reference(y, r, s, a, d, f),
                Test::Not(x) => !reference(x, r, s, a, d, f),
                _ => false,
            }
        }
        let mut tests: Vec<Test> = leaves.to_vec();
        for level in 0..2 {
            let last = tests.clone();
            for (i, a) in last.iter().enumerate() {
                tests.push(Test::Not(Box::new(a.clone())));
                for b in last.iter().skip(i).step_by(3 + level * 7) {
                    tests.push(Test::And(Box::new(a.clone()), Box::new(b.clone())));
                    tests.push(Test::Or(Box::new(b.clone()), Box::new(a.clone())));
                }
            }
        }
        assert!(tests.len() > 150, "{}", tests.len());
        for t in &tests {
            let mut passed = vec![0u64; n];
            mark(t, &cols, 4, &mut passed);
            let want: Vec<u64> = (0..n)
                .map(|r| 4 * u64::from(reference(t, r, &syms, &amounts, &days, &flags)))
                .collect();
            assert_eq!(passed, want, "{t:?}");
        }
    }

    #[test]
    fn counting_in_order_counts_what_counting_one_by_one_counts() {
        // Array lengths around the powers of two the sort's buckets are cut by, slots in a
        // scrambled order with repeats, the last slot included.
        // Both sides of DIRECT_SLOTS: counts added where they fall, and sorted first.
        for len in [
            1usize,
            2,
            255,
            256,
            257,
            4_095,
            80_064,
            super::DIRECT_SLOTS,
            super::DIRECT_SLOTS + 1,
            400_064,
        ] {
            let slots: Vec<u32> = (0..50_000u64)
                .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20) as usize % len)
                .chain([len - 1, 0, len - 1])
                .map(|i| i as u32)
                .collect();
            let mut one_by_one = vec![0u64; len];
            for &i in &slots {
                one_by_one[i as usize] += 1;
            }
            let mut in_order = Tally::new(len);
            // Rows that do not count (any slot, even past the array) among them.
            let with_others = slots
                .iter()
                .flat_map(|&i| [(i, true), (i.wrapping_mul(7) | 0x8000_0000, false)]);
            super::count_in_order(&mut in_order, with_others);
            assert_eq!(counts(&in_order), one_by_one, "length {len}");
        }
    }

    #[test]
    fn summing_in_order_sums_what_adding_one_by_one_sums() {
        use std::str::FromStr;
        // Terms of two scales in scrambled slots, rows that do not count among them, and a
        // sum pushed past what a word holds (it moves to an exact sum of its own).
        let len = 4_099usize;
        let big = Decimal::from_str("30000000000000000.5").unwrap_or_default();
        let terms: Vec<(u32, Decimal, bool)> = (0..20_000u64)
            .map(|i| {
                let slot = ((i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20) as usize % len) as u32;
                let d = Decimal::new(i as i64 % 1_000 - 300, (i % 3) as u32);
                (slot, d, i % 5 != 0)
            })
            .chain([(7, big, true), (7, big, true), (8, big, false)])
            .collect();
        let mut one_by_one = vec![Num::from(Decimal::ZERO); len];
        let mut rows = vec![0u64; len];
        for &(i, d, counts) in &terms {
            if counts {
                let sum = &mut one_by_one[i as usize];
                *sum = sum
                    .checked_add(&Num::from(d))
                    .unwrap_or_else(|| sum.clone());
                rows[i as usize] += 1;
            }
        }
        let mut sums = Sums::new(len);
        let mut counts = vec![0u64; len];
        let mut overflow = vec![false; len];
        super::sum_in_order(
            &mut sums,
            Some(&mut counts),
            &mut overflow,
            terms.into_iter(),
        );
        let in_order: Vec<Option<Num>> = (0..len).map(|i| sums.total(i)).collect();
        assert_eq!(
            in_order,
            one_by_one.into_iter().map(Some).collect::<Vec<_>>()
        );
        assert_eq!(counts, rows);
        assert!(!overflow.contains(&true));
    }

    #[test]
    fn a_value_seen_twice_is_a_repeat_and_distinct_values_are_not() {
        assert!(!any_repeat(&[]));
        assert!(!any_repeat(&[0]));
        assert!(any_repeat(&[0, 5, 0]));
        // Values that land in one slot (same low bits) and wrap around the table's end.
        let crowded: Vec<u64> = (1..=20u64).map(|i| (i << 40) | 15).collect();
        assert!(!any_repeat(&crowded));
        let mut again = crowded.clone();
        again.push(crowded[19]);
        assert!(any_repeat(&again));
        let many: Vec<u64> = (0..100_000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        assert!(!any_repeat(&many));
        let mut twice = many.clone();
        twice.push(many[77_777]);
        assert!(any_repeat(&twice));
    }
}
