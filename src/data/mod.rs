//! Data: input tables loaded by their schemas, the participant roster and hierarchy, and
//! credited rows indexed by participant and period. Nothing is dropped without a report.

pub mod aggregate;
pub mod cells;
pub mod columnar;
pub mod csv;
pub mod db;
pub mod error;
pub mod filters;
pub mod history;
pub mod ordered;
pub mod pages;
pub mod paid;
pub mod parquet;
pub mod plain;
pub mod postgres;
pub mod project;
pub mod records;
pub mod reference;
pub mod splits;
pub mod sqlite;
pub mod table;

use crate::diagnostics::{quote, Diag};
use crate::intern::{Interner, Sym};
use crate::ir::{self, index_by, ColId, ExprKind, Plan, TableId};
use crate::timing::Timer;
use error::DataError;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
pub use table::{Column, ColumnData, Table};

/// Where each input's file is.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Folders holding `NAME.csv` or `NAME.parquet` files.
    pub dirs: Vec<PathBuf>,
    /// Explicit `NAME=PATH` files.
    pub files: Vec<(String, PathBuf)>,
    /// Delimiters (`--delimiter`): for one input by name, or for all (`None`); the last
    /// that applies wins. An input with none has its delimiter detected from its header.
    pub delimiters: Vec<(Option<String>, u8)>,
}

impl Sources {
    /// Parse `--data` arguments: a folder, or `NAME=PATH`.
    pub fn from_args(args: &[String]) -> Sources {
        let mut s = Sources::default();
        for a in args {
            match a.split_once('=') {
                Some((name, path)) if !name.is_empty() && !name.contains('/') => {
                    s.files.push((name.to_string(), PathBuf::from(path)))
                }
                _ => s.dirs.push(PathBuf::from(a)),
            }
        }
        s
    }

    /// The delimiter given for input `name`: its own, else the one for all inputs.
    pub fn delimiter_for(&self, name: &str) -> Option<u8> {
        let own = self
            .delimiters
            .iter()
            .rev()
            .find(|(n, _)| n.as_deref() == Some(name));
        let all = self.delimiters.iter().rev().find(|(n, _)| n.is_none());
        own.or(all).map(|&(_, d)| d)
    }

    /// The file of input `name`: its `NAME=PATH`, else `NAME.csv` or `NAME.parquet` in the
    /// first `--data` folder that has one. A folder with both is an error: Ignition does not
    /// pick one.
    fn find(&self, name: &str) -> Result<Option<PathBuf>, Box<DataError>> {
        if let Some((_, p)) = self.files.iter().rev().find(|(n, _)| n == name) {
            return Ok(Some(p.clone()));
        }
        for d in &self.dirs {
            let csv = d.join(format!("{name}.csv"));
            let parquet = d.join(format!("{name}.parquet"));
            match (
                csv.symlink_metadata().is_ok(),
                parquet.symlink_metadata().is_ok(),
            ) {
                (true, true) => {
                    let show = |p: &Path| {
                        crate::diagnostics::escape(&p.display().to_string()).into_owned()
                    };
                    return Err(Box::new(DataError::TwoFiles {
                        input: name.to_string(),
                        dir: show(d),
                        csv: show(&csv),
                        parquet: show(&parquet),
                    }));
                }
                (true, false) => return Ok(Some(csv)),
                (false, true) => return Ok(Some(parquet)),
                (false, false) => {}
            }
        }
        Ok(None)
    }
}

/// Read input `schema` from a file: a Parquet file by its extension (`.parquet`), else a
/// CSV file read as `format` says.
fn read_file(
    schema: &ir::TableSchema,
    path: &Path,
    format: csv::Format,
    storage: &[table::Storage],
    strings: &mut Interner,
    notes: &mut Vec<Diag>,
) -> Result<Table, Vec<Diag>> {
    if parquet::is_parquet(path) {
        parquet::load(schema, path, format.timezone, storage, strings, notes)
    } else {
        csv::load(schema, path, format, storage, strings, notes)
    }
}

/// Load options.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options {
    /// Turn reports of skipped rows (duplicates, unknown participants, out-of-range dates) into errors.
    pub strict: bool,
}

/// The participants and their hierarchy.
#[derive(Debug, Default)]
pub struct Roster {
    /// Each participant's row in the roster table.
    pub rows: Vec<u32>,
    /// Each participant's id.
    pub ids: Vec<String>,
    /// Participant by key symbol.
    pub by_key: FxHashMap<Sym, u32>,
    /// Participant by id.
    by_id: FxHashMap<String, u32>,
    /// Each participant's manager.
    pub manager: Vec<Option<u32>>,
    /// Each participant's direct reports, in roster order.
    pub reports: Vec<Vec<u32>>,
    /// issue 10, assignments: with `managed by HISTORY.COLUMN`, the hierarchy of each
    /// period (`manager` and `reports` are then the last period's).
    pub dated: Option<history::Dated>,
}

impl Roster {
    /// Number of participants.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there are no participants.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every descendant of `p`, depth first in roster order.
    pub fn descendants(&self, p: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack: Vec<u32> = self.reports[p as usize].iter().rev().copied().collect();
        while let Some(q) = stack.pop() {
            out.push(q);
            stack.extend(self.reports[q as usize].iter().rev());
        }
        out
    }

    /// issue 10, assignments: `p`'s manager in period `k` (the hierarchy in force then).
    pub fn manager_in(&self, p: u32, k: usize) -> Option<u32> {
        match self.dated.as_ref().and_then(|d| d.get(k)) {
            Some(h) => h.manager.get(p as usize).copied().flatten(),
            None => self.manager.get(p as usize).copied().flatten(),
        }
    }

    /// issue 10, assignments: `p`'s direct reports in period `k`, in roster order.
    pub fn reports_in(&self, p: u32, k: usize) -> &[u32] {
        let reports = match self.dated.as_ref().and_then(|d| d.get(k)) {
            Some(h) => &h.reports,
            None => &self.reports,
        };
        reports.get(p as usize).map_or(&[], Vec::as_slice)
    }

    /// issue 10, assignments: every descendant of `p` in period `k`, depth first in
    /// roster order.
    pub fn descendants_in(&self, p: u32, k: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack: Vec<u32> = self.reports_in(p, k).iter().rev().copied().collect();
        while let Some(q) = stack.pop() {
            out.push(q);
            stack.extend(self.reports_in(q, k).iter().rev());
        }
        out
    }

    /// Index of a participant by id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).map(|&p| p as usize)
    }
}

/// Where each (participant, period)'s rows are in a credited table. The table itself is
/// stored sorted by participant and period, so a scope's rows are one contiguous range.
#[derive(Debug, Default)]
pub struct CreditIndex {
    /// `offsets[p * periods + k] .. offsets[p * periods + k + 1]` are the rows of participant p in period k.
    pub offsets: Vec<u32>,
    /// Number of periods.
    pub periods: usize,
}

impl CreditIndex {
    /// The rows credited to a participant in a period.
    pub fn rows(&self, participant: usize, period: usize) -> std::ops::Range<usize> {
        let i = participant * self.periods + period;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => s as usize..e as usize,
            _ => 0..0,
        }
    }
}

/// Everything the evaluator reads.
#[derive(Debug)]
pub struct Dataset {
    /// Tables in the plan's order.
    pub tables: Vec<Table>,
    /// All interned text (the plan's constants first).
    pub strings: Interner,
    /// Participants.
    pub roster: Roster,
    /// Per credited table, its index.
    pub credit: Vec<Option<CreditIndex>>,
    /// Per reference table, its rows by key and date (issue 9).
    pub refs: Vec<Option<reference::RefIndex>>,
    /// issue 10, ledger: what was paid, by participant, period and payout (`paid from`).
    pub paid: Option<paid::PaidIndex>,
    /// issue 12: the aggregates the row layer computed while streaming the credited tables
    /// it covers (those tables are then stored empty); none when every row was kept.
    pub aggs: Option<aggregate::AggTable>,
}

index_by!(TableId => Table);
index_by!(TableId => Option<CreditIndex>);
index_by!(TableId => Option<reference::RefIndex>);
index_by!(ColId => Column);

/// Which text columns the plan compares or groups by (these are interned).
fn interned_columns(plan: &Plan) -> Vec<Vec<bool>> {
    let mut used = row_columns(plan);
    // The roster is small: intern all of it. Credit columns are looked up as participant ids.
    for c in &mut used[plan.participants.index()] {
        *c = true;
    }
    for (t, credit) in plan.credits.iter().enumerate() {
        match credit {
            // issue 10, splits: the split table is small and read through the copies: intern
            // all of it.
            Some(ir::Credit {
                split: Some(sp), ..
            }) => used[sp.table.index()].iter_mut().for_each(|c| *c = true),
            Some(cr) => used[t][cr.to.index()] = true,
            None => {}
        }
    }
    // Reference tables are read by key, cell by cell: intern all of them (issue 9).
    for t in TableId::all(plan.tables.len()) {
        if plan.is_reference(t) {
            used[t.index()].iter_mut().for_each(|c| *c = true);
        }
        // issue 10, currencies: a row's currency cell is compared with the FX table's keys.
        let schema = &plan.tables[t];
        for col in &schema.columns {
            if let crate::types::Type::MoneyIn { column, .. } = &col.ty {
                if let Some(c) = schema.column(column) {
                    used[t.index()][c.index()] = true;
                }
            }
        }
    }
    used
}

/// The columns the evaluator reads row by row (filters and aggregated columns).
fn row_columns(plan: &Plan) -> Vec<Vec<bool>> {
    let mut used: Vec<Vec<bool>> = plan
        .tables
        .iter()
        .map(|t| vec![false; t.columns.len()])
        .collect();
    fn walk(e: &ir::Expr, table: Option<TableId>, used: &mut Vec<Vec<bool>>) {
        match &e.kind {
            ExprKind::RowCol(c) => {
                if let Some(t) = table {
                    used[t.index()][c.index()] = true;
                }
            }
            ExprKind::Agg {
                rows,
                column,
                value,
                ..
            } => {
                if let Some(c) = column {
                    used[rows.table.index()][c.index()] = true;
                }
                for f in rows.filters.iter().chain(value.as_deref()) {
                    walk(f, Some(rows.table), used);
                }
            }
            _ => {}
        }
        for child in e.children() {
            walk(child, table, used);
        }
    }
    // issue 9, rows: what computed columns read is read row by row too.
    for (t, schema) in TableId::all(plan.tables.len()).zip(&plan.tables) {
        for c in &schema.columns {
            if let Some(e) = &c.computed {
                walk(e, Some(t), &mut used);
            }
        }
    }
    for d in &plan.defs {
        walk(&d.expr, None, &mut used);
        if let Some(g) = &d.gate {
            walk(g, None, &mut used);
        }
        for l in &d.limits {
            walk(&l.expr, None, &mut used);
        }
    }
    used
}

/// Why rows were skipped.
#[derive(Clone, Copy)]
pub(crate) enum Skip {
    DuplicateKey,
    UnknownParticipant,
    NoParticipant,
    OutsideCalendar,
    // issue 10, splits
    NoSplit,
    OrphanSplit,
    SplitShares,
}

/// A report of rows that were not used, with a count and the first examples.
pub(crate) struct Skipped {
    why: Skip,
    help: String,
    count: usize,
    examples: Vec<String>,
}

impl Skipped {
    pub(crate) fn new(why: Skip, help: String) -> Skipped {
        Skipped {
            why,
            help,
            count: 0,
            examples: Vec::new(),
        }
    }

    /// Count `n` more rows without examples (the row layer keeps the first few of each chunk).
    pub(crate) fn more(&mut self, n: usize) {
        self.count += n;
    }

    pub(crate) fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.examples.len() < 5 {
            self.examples.push(example());
        }
    }

    pub(crate) fn report(self, file: &str, strict: bool, out: &mut Vec<Diag>) {
        if self.count == 0 {
            return;
        }
        let file = file.to_string();
        let rows = format!(
            "{} {}",
            self.count,
            if self.count == 1 { "row" } else { "rows" }
        );
        let examples = format!(
            "{}{}",
            self.examples.join("; "),
            if self.count > self.examples.len() {
                "; …"
            } else {
                ""
            }
        );
        let help = if strict || matches!(self.why, Skip::SplitShares) {
            self.help
        } else {
            format!("{} (--strict makes this an error)", self.help)
        };
        let e = match self.why {
            Skip::DuplicateKey => DataError::DuplicateKey {
                file,
                rows,
                examples,
                help,
            },
            Skip::UnknownParticipant => DataError::UnknownParticipant {
                file,
                rows,
                examples,
                help,
            },
            Skip::NoParticipant => DataError::NoParticipant {
                file,
                rows,
                examples,
                help,
            },
            Skip::OutsideCalendar => DataError::OutsideCalendar {
                file,
                rows,
                examples,
                help,
            },
            Skip::NoSplit => DataError::NoSplit {
                file,
                rows,
                examples,
                help,
            },
            Skip::OrphanSplit => DataError::OrphanSplit {
                file,
                rows,
                examples,
                help,
            },
            Skip::SplitShares => {
                // Always an error: a split that does not add up pays too much or too little.
                out.push(
                    DataError::SplitShares {
                        file,
                        rows: rows.replace("row", "transaction"),
                        examples,
                        help,
                    }
                    .into(),
                );
                return;
            }
        };
        out.push(e.strict(strict));
    }
}

/// Load every input of the plan. Errors stop; warnings and notes are returned with the data.
pub fn load(
    plan: &Plan,
    sources: &Sources,
    options: Options,
) -> Result<(Dataset, Vec<Diag>), Vec<Diag>> {
    load_with(plan, sources, None, options, false)
}

/// Load every input of the plan, from the command line's `--data` first, then from the
/// project file (issue 12, sources: `ignition.toml`). With `fold` (issue 12), the credited
/// tables the row layer covers are folded while streaming them and no row is kept (`run`,
/// which never lists rows; explain and the commands that show rows keep them).
/// `IGNITION_ROW_LAYER=off` keeps every row.
pub fn load_with(
    plan: &Plan,
    sources: &Sources,
    project: Option<&project::Project>,
    options: Options,
    fold: bool,
) -> Result<(Dataset, Vec<Diag>), Vec<Diag>> {
    if fold {
        if let Some(done) = load_folded(plan, sources, options) {
            return done;
        }
    }
    let mut strings = plan.strings.clone();
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let interned = interned_columns(plan);
    let mut tables = Vec::with_capacity(plan.tables.len());
    let timer = Timer::steps();
    let mut unreachable: Vec<String> = Vec::new();
    for (t, schema) in plan.tables.iter().enumerate() {
        // issue 12, sources: an input the command line does not name is read from where the
        // project file says: a file (read as `--data NAME=PATH` is), or a database.
        let found = match sources.find(&schema.name) {
            Ok(found) => found,
            Err(e) => {
                errors.push(Diag::from(*e));
                continue;
            }
        };
        let entry = match found {
            Some(_) => None,
            None => project.and_then(|p| p.input(&schema.name).map(|e| (p, e))),
        };
        let mut entry_delimiter = None;
        let path = match entry.map(|(p, e)| (p, &e.kind)) {
            Some((_, project::Kind::File { path, delimiter })) => {
                entry_delimiter = *delimiter;
                Some(path.clone())
            }
            Some((p, project::Kind::Database(db))) => {
                // A database that could not be reached for one input is reported once, not
                // once per input read from it.
                let server = format!("{:?}", db.server);
                if unreachable.contains(&server) {
                    continue;
                }
                let storage = storage_of(&interned, t);
                let stored = schema.stored_schema();
                let loaded = db::load(
                    &stored,
                    p,
                    db,
                    plan.timezone,
                    &storage[..stored.columns.len()],
                    &mut strings,
                    &mut notes,
                )
                .map(|tab| tab.with_computed(schema));
                timer.lap(&format!("read {}", schema.name));
                match loaded {
                    Ok(tab) => tables.push(tab),
                    Err(mut e) => {
                        // Errors about the server itself point at its entry (`sqlite = …`,
                        // `postgres = …`); those about the table or query, at that.
                        let at_server = e.iter().any(|d| {
                            d.labels
                                .first()
                                .is_some_and(|(span, _)| span.offset() == db.span.start)
                        });
                        if at_server {
                            unreachable.push(server);
                        }
                        errors.append(&mut e)
                    }
                }
                continue;
            }
            None => found,
        };
        let Some(path) = path else {
            let looked: Vec<String> = sources
                .dirs
                .iter()
                .map(|d| {
                    format!(
                        "{} or .parquet",
                        d.join(format!("{}.csv", schema.name)).display()
                    )
                })
                .collect();
            let mut where_ = if looked.is_empty() {
                "no --data was given".to_string()
            } else {
                format!("looked for {}", looked.join(", "))
            };
            if let Some(p) = project {
                where_.push_str(&format!(
                    ", and the project file {} does not name it",
                    p.file()
                ));
            }
            errors.push(
                DataError::NoFile {
                    input: schema.name.clone(),
                    looked: where_,
                }
                .into(),
            );
            continue;
        };
        let storage: Vec<table::Storage> = schema
            .columns
            .iter()
            .enumerate()
            .map(|(c, _)| {
                if interned[t][c] {
                    table::Storage::Interned
                } else {
                    table::Storage::Raw
                }
            })
            .collect();
        let stored = schema.stored_schema();
        let format = csv::Format {
            delimiter: sources.delimiter_for(&schema.name).or(entry_delimiter),
            timezone: plan.timezone,
        };
        let loaded = read_file(
            &stored,
            Path::new(&path),
            format,
            &storage[..stored.columns.len()],
            &mut strings,
            &mut notes,
        )
        .map(|tab| tab.with_computed(schema));
        timer.lap(&format!("read {}", schema.name));
        match loaded {
            Ok(tab) => tables.push(tab),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    assemble(plan, tables, strings, notes, options)
}

/// What loading gives: the data with its notes, or the errors.
type Loaded = Result<(Dataset, Vec<Diag>), Vec<Diag>>;

/// How each column of table `t` is stored (interned or raw text).
fn storage_of(interned: &[Vec<bool>], t: usize) -> Vec<table::Storage> {
    interned[t]
        .iter()
        .map(|&i| {
            if i {
                table::Storage::Interned
            } else {
                table::Storage::Raw
            }
        })
        .collect()
}

/// issue 12: load with the row layer: the tables it does not fold read whole, the roster
/// built, then each folded table streamed into the aggregate table. `None` when the plan
/// or the data needs every row (the caller then loads as [`load`] does, which reports
/// exactly what the row path reports).
fn load_folded(plan: &Plan, sources: &Sources, options: Options) -> Option<Loaded> {
    if std::env::var("IGNITION_ROW_LAYER").is_ok_and(|v| v == "off") {
        return None;
    }
    let rp = aggregate::RowPlan::of(plan)?;
    // Text is interned table by table in plan order, and text compares by its symbol: a
    // folded table (which interns nothing) must not come before a table read whole.
    let folded = TableId::all(plan.tables.len()).filter(|&t| rp.covers(t));
    let whole = TableId::all(plan.tables.len()).filter(|&t| !rp.covers(t));
    if folded
        .min()
        .is_some_and(|f| whole.max().is_some_and(|w| w > f))
    {
        return None;
    }
    // CSV and Parquet files are streamed; another source is read whole.
    let mut paths = Vec::with_capacity(plan.tables.len());
    for (t, schema) in TableId::all(plan.tables.len()).zip(&plan.tables) {
        let path = sources.find(&schema.name).ok()??;
        if rp.covers(t)
            && !parquet::is_parquet(&path)
            && path
                .extension()
                .is_none_or(|e| !e.eq_ignore_ascii_case("csv"))
        {
            return None;
        }
        paths.push(path);
    }
    let mut strings = plan.strings.clone();
    let interned = interned_columns(plan);
    let timer = Timer::steps();
    let mut notes_by_table: Vec<Vec<Diag>> = Vec::with_capacity(plan.tables.len());
    let mut tables = Vec::with_capacity(plan.tables.len());
    for (t, schema) in TableId::all(plan.tables.len()).zip(&plan.tables) {
        let storage = storage_of(&interned, t.index());
        let stored = schema.stored_schema();
        let mut notes = Vec::new();
        if rp.covers(t) {
            // An empty table: its rows are folded below.
            let file =
                crate::diagnostics::escape(&paths[t.index()].display().to_string()).into_owned();
            let builder =
                table::TableBuilder::new(&stored, &storage[..stored.columns.len()], &mut strings);
            let mut tab = builder.finish(&schema.name, file);
            if parquet::is_parquet(&paths[t.index()]) {
                tab.row_word = "row";
            }
            tables.push(tab.with_computed(schema));
        } else {
            let format = csv::Format {
                delimiter: sources.delimiter_for(&schema.name),
                timezone: plan.timezone,
            };
            let tab = read_file(
                &stored,
                &paths[t.index()],
                format,
                &storage[..stored.columns.len()],
                &mut strings,
                &mut notes,
            )
            .ok()?;
            tables.push(tab.with_computed(schema));
            timer.lap(&format!("read {}", schema.name));
        }
        notes_by_table.push(notes);
    }
    let (mut data, roster_notes) = assemble(plan, tables, strings, Vec::new(), options).ok()?;
    let cx = aggregate::Context {
        plan,
        roster: &data.roster,
        strings: &data.strings,
        strict: options.strict,
    };
    // One folded table: its aggregates and reports, its notes added to `notes`; `None`
    // when the rows are needed.
    let fold = |t: TableId, notes: &mut Vec<Diag>| {
        let schema = &plan.tables[t];
        let timer = Timer::steps();
        let stored = schema.stored_schema();
        let format = csv::Format {
            delimiter: sources.delimiter_for(&schema.name),
            timezone: plan.timezone,
        };
        let storage = storage_of(&interned, t.index());
        let mut sink = cx.sink(
            &rp,
            t,
            storage[..stored.columns.len()].to_vec(),
            &data.tables[t].file,
            true,
        )?;
        let path = &paths[t.index()];
        if parquet::is_parquet(path) {
            sink.row_word = "row";
            parquet::ParquetSource::open(&stored, path, plan.timezone)
                .ok()?
                .stream(&mut sink, notes)
                .ok()?;
        } else {
            csv::CsvSource::open(&stored, path, format)
                .ok()?
                .stream(&mut sink, notes)
                .ok()?;
        }
        match sink.finish(options.strict) {
            aggregate::Outcome::Folded(v, r) => {
                timer.lap(&format!("fold {}", schema.name));
                Some((v, r))
            }
            aggregate::Outcome::Rows => None,
        }
    };
    // The folded tables at once, each on a thread of its own (whose reader keeps every
    // worker busy): one table's last row groups, and the check of its keys, overlap the
    // next table's reading instead of leaving a core idle. Each table's values depend on
    // its rows only, and are taken in plan order.
    let folded: Vec<Option<_>> = std::thread::scope(|scope| {
        let running: Vec<_> = TableId::all(plan.tables.len())
            .zip(notes_by_table.iter_mut())
            .map(|(t, notes)| {
                let fold = &fold;
                rp.covers(t).then(|| scope.spawn(move || fold(t, notes)))
            })
            .collect();
        running
            .into_iter()
            .map(|r| r.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))))
            .collect()
    });
    let mut values = Vec::with_capacity(plan.tables.len());
    let mut reports = Vec::new();
    for f in folded {
        match f {
            None => values.push(None),
            Some(Some((v, r))) => {
                values.push(Some(v));
                reports.extend(r);
            }
            Some(None) => return None,
        }
    }
    data.aggs = Some(aggregate::table(&rp, plan.calendar.len(), values, true));
    let mut notes: Vec<Diag> = notes_by_table.into_iter().flatten().collect();
    notes.extend(roster_notes);
    notes.extend(reports);
    Some(Ok((data, notes)))
}

/// Read one input table from a CSV or Parquet file, continuing `strings`.
pub fn load_table(
    plan: &Plan,
    t: TableId,
    path: &Path,
    strings: &mut Interner,
    notes: &mut Vec<Diag>,
) -> Result<Table, Vec<Diag>> {
    let interned = interned_columns(plan);
    let storage: Vec<table::Storage> = interned[t.index()]
        .iter()
        .map(|&interned| {
            if interned {
                table::Storage::Interned
            } else {
                table::Storage::Raw
            }
        })
        .collect();
    let schema = &plan.tables[t];
    let stored = schema.stored_schema();
    let format = csv::Format {
        delimiter: None,
        timezone: plan.timezone,
    };
    read_file(
        &stored,
        path,
        format,
        &storage[..stored.columns.len()],
        strings,
        notes,
    )
    .map(|tab| tab.with_computed(schema))
}

/// Build the roster and the credit index over loaded tables (one per input, in plan order).
pub fn assemble(
    plan: &Plan,
    mut tables: Vec<Table>,
    strings: Interner,
    mut notes: Vec<Diag>,
    options: Options,
) -> Result<(Dataset, Vec<Diag>), Vec<Diag>> {
    let mut errors = Vec::new();
    let mut reports = Vec::new();
    let timer = Timer::steps();
    let (roster, roster_errors) = build_roster(plan, &tables, &strings, options, &mut reports);
    timer.lap("roster");
    errors.extend(roster_errors);
    let mut credit = Vec::with_capacity(tables.len());
    let mut refs = Vec::with_capacity(tables.len());
    let hot = row_columns(plan);
    // issue 10, splits: the split tables, taken out while their credited tables are built
    // (their columns are gathered into the credited copies), put back after.
    let mut split_tables: Vec<Option<Table>> = (0..tables.len()).map(|_| None).collect();
    for t in TableId::all(tables.len()) {
        if plan.split_of(t).is_some() {
            split_tables[t.index()] = Some(std::mem::replace(
                &mut tables[t.index()],
                Table::from_columns("", "", Vec::new(), Vec::new()),
            ));
        }
    }
    for (t, tab) in TableId::all(tables.len()).zip(tables.iter_mut()) {
        match plan.credits[t] {
            // issue 10, splits: each transaction once per split row (its own path, so the
            // one-owner path below stays as it is).
            Some(
                c @ ir::Credit {
                    split: Some(sp), ..
                },
            ) => {
                let keep = match plan.tables[t].key {
                    Some(k) => duplicate_keys(tab, k, &strings, options, &mut reports),
                    None => vec![true; tab.len()],
                };
                let copies = match (plan.tables[t].key, split_tables.get(sp.table.index())) {
                    (Some(key), Some(Some(split_tab))) => splits::credit(
                        plan,
                        tab,
                        split_tab,
                        (c, sp),
                        key,
                        &keep,
                        &roster,
                        &strings,
                        options,
                        &mut reports,
                    ),
                    _ => splits::Copies {
                        order: Vec::new(),
                        split_rows: Vec::new(),
                        index: CreditIndex {
                            offsets: vec![0; roster.len() * plan.calendar.len() + 1],
                            periods: plan.calendar.len(),
                        },
                    },
                };
                tab.sort_rows(copies.order, &hot[t.index()]);
                if let Some(Some(split_tab)) = split_tables.get(sp.table.index()) {
                    for (c, column) in splits::join(plan, t, split_tab, &copies.split_rows) {
                        tab.set_joined(c, column);
                    }
                }
                timer.lap(&format!("split {}", tab.name));
                credit.push(Some(copies.index));
            }
            Some(c) => {
                let (order, index) = index_credit(
                    plan,
                    t,
                    tab,
                    c,
                    &roster,
                    &strings,
                    options,
                    &mut reports,
                    &timer,
                );
                timer.lap(&format!("index {}", tab.name));
                tab.sort_rows(order, &hot[t.index()]);
                timer.lap(&format!("sort {}", tab.name));
                credit.push(Some(index));
            }
            None => credit.push(None),
        }
        // issue 9: a reference table is indexed by key and date, once.
        if plan.is_reference(t) {
            let (index, errs) = reference::index(&plan.tables[t], tab, &strings);
            errors.extend(errs);
            refs.push(Some(index));
        } else {
            refs.push(None);
        }
    }
    for (slot, split_tab) in tables.iter_mut().zip(split_tables) {
        if let Some(split_tab) = split_tab {
            *slot = split_tab;
        }
    }
    // issue 10, assignments: the hierarchy in force in each period.
    let mut roster = roster;
    if let (Some(c), Some(t)) = (plan.manager, plan.manager_table) {
        if let Some(Some(index)) = refs.get(t.index()) {
            let (dated, errs) = history::build(
                plan,
                (&tables[t], index, c),
                &roster,
                &strings,
                &mut reports,
            );
            errors.extend(errs);
            if let Some(last) = dated.hierarchies.last() {
                roster.manager = last.manager.clone();
                roster.reports = last.reports.clone();
            }
            roster.dated = Some(dated);
        }
    }
    // issue 10, ledger: the history of what was paid.
    let paid = plan.paid_history.as_ref().map(|h| {
        let (index, errs) = paid::index(plan, h, &tables[h.table], &roster, &strings);
        errors.extend(errs);
        index
    });
    errors.extend(reports.iter().filter(|d| d.is_error()).cloned());
    if !errors.is_empty() {
        return Err(errors);
    }
    notes.extend(reports);
    Ok((
        Dataset {
            tables,
            strings,
            roster,
            credit,
            refs,
            paid,
            aggs: None,
        },
        notes,
    ))
}

fn key_text(tab: &Table, key: ColId, row: usize, strings: &Interner) -> String {
    quote(tab.columns[key].bytes(row, strings))
}

fn duplicate_keys(
    tab: &Table,
    key: ColId,
    strings: &Interner,
    options: Options,
    reports: &mut Vec<Diag>,
) -> Vec<bool> {
    use rayon::prelude::*;
    use std::hash::BuildHasher;
    let n = tab.len();
    let col = &tab.columns[key];
    let build = rustc_hash::FxBuildHasher;
    let hashes: Vec<u64> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|r| build.hash_one(col.bytes(r, strings)))
        .collect();
    // Partition rows by the top byte of their hash (a stable counting sort, so rows stay in
    // file order and the first occurrence of a key is the one kept), then check each part in
    // parallel with a table small enough to stay in cache.
    const PARTS: usize = 256;
    let part = |h: u64| (h >> 56) as usize;
    let mut starts = vec![0usize; PARTS + 1];
    for &h in &hashes {
        starts[part(h) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut by_part = vec![0u32; n];
    let mut fill = starts.clone();
    for (r, &h) in hashes.iter().enumerate() {
        let p = part(h);
        by_part[fill[p]] = r as u32;
        fill[p] += 1;
    }
    let dups: Vec<Vec<u32>> = (0..PARTS)
        .into_par_iter()
        .map(|p| {
            let rows = &by_part[starts[p]..starts[p + 1]];
            let mut first: FxHashMap<u64, u32> = FxHashMap::default();
            first.reserve(rows.len());
            let mut exact: FxHashSet<&[u8]> = FxHashSet::default();
            let mut out = Vec::new();
            for &r in rows {
                let h = hashes[r as usize];
                match first.get(&h) {
                    None => {
                        first.insert(h, r);
                    }
                    Some(&f) => {
                        // Same hash: compare the text (a collision of different keys is rare).
                        let k = col.bytes(r as usize, strings);
                        if k == col.bytes(f as usize, strings) || !exact.insert(k) {
                            out.push(r);
                        }
                    }
                }
            }
            out
        })
        .collect();
    let mut dup_rows: Vec<u32> = dups.into_iter().flatten().collect();
    dup_rows.sort_unstable();
    let mut keep = vec![true; n];
    let mut dup = Skipped::new(
        Skip::DuplicateKey,
        "keys must be unique; the first row with a key is used".into(),
    );
    for &r in &dup_rows {
        keep[r as usize] = false;
        dup.add(|| {
            format!(
                "{} {} ({})",
                tab.row_word,
                tab.lines[r as usize],
                quote(col.bytes(r as usize, strings))
            )
        });
    }
    dup.report(&tab.file, options.strict, reports);
    keep
}

fn build_roster(
    plan: &Plan,
    tables: &[Table],
    strings: &Interner,
    options: Options,
    reports: &mut Vec<Diag>,
) -> (Roster, Vec<Diag>) {
    let tab = &tables[plan.participants];
    let mut errors = Vec::new();
    let mut roster = Roster::default();
    if tab.is_empty() {
        // No participants: every output would be empty, which looks like a run that worked.
        errors.push(
            DataError::EmptyRoster {
                file: tab.file.clone(),
                input: tab.name.clone(),
            }
            .into(),
        );
        return (roster, errors);
    }
    let Some(key) = plan.tables[plan.participants].key else {
        return (roster, errors);
    };
    let keep = duplicate_keys(tab, key, strings, options, reports);
    let ColumnData::Text(keys) = &tab.columns[key].data else {
        return (roster, errors);
    };
    for (r, &k) in keys.iter().enumerate() {
        if keep[r] {
            let p = roster.rows.len() as u32;
            roster.by_key.insert(k, p);
            roster.by_id.insert(strings.resolve(k).to_string(), p);
            roster.rows.push(r as u32);
            roster.ids.push(strings.resolve(k).to_string());
        }
    }
    let n = roster.rows.len();
    roster.manager = vec![None; n];
    roster.reports = vec![Vec::new(); n];
    if let (Some(mc), None) = (plan.manager, plan.manager_table) {
        let col = &tab.columns[mc];
        let ColumnData::Text(m) = &col.data else {
            return (roster, errors);
        };
        for p in 0..n {
            let r = roster.rows[p] as usize;
            if !col.is_present(r) {
                continue;
            }
            match roster.by_key.get(&m[r]) {
                Some(&boss) => roster.manager[p] = Some(boss),
                None => errors.push(
                    DataError::UnknownManager {
                        file: tab.file.clone(),
                        line: tab.lines[r],
                        who: quote(roster.ids[p].as_bytes()),
                        manager: quote(strings.resolve(m[r]).as_bytes()),
                        input: tab.name.clone(),
                    }
                    .into(),
                ),
            }
        }
        // A cycle in the hierarchy makes team/org sums infinite.
        let mut state = vec![0u8; n];
        for start in 0..n {
            let mut path = Vec::new();
            let mut p = start;
            while state[p] == 0 {
                state[p] = 1;
                path.push(p);
                match roster.manager[p] {
                    Some(b) => p = b as usize,
                    None => break,
                }
            }
            if state[p] == 1 && roster.manager[p].is_some() && path.contains(&p) {
                let from = path.iter().position(|&x| x == p).unwrap_or(0);
                let mut names: Vec<String> = path[from..]
                    .iter()
                    .map(|&x| quote(roster.ids[x].as_bytes()))
                    .collect();
                names.push(quote(roster.ids[p].as_bytes()));
                errors.push(
                    DataError::HierarchyCycle {
                        file: tab.file.clone(),
                        chain: names.join(" → "),
                    }
                    .into(),
                );
                for &x in &path[from..] {
                    roster.manager[x] = None;
                }
            }
            for &x in &path {
                state[x] = 2;
            }
        }
        for p in 0..n {
            if let Some(b) = roster.manager[p] {
                roster.reports[b as usize].push(p as u32);
            }
        }
    }
    pay_currencies(plan, tab, &roster, strings, &mut errors);
    (roster, errors)
}

/// issue 10, currencies: every participant's pay currency (`paid in COL`) must be an ISO
/// 4217 code one is paid in: its minor unit says how the pay figure is rounded.
fn pay_currencies(
    plan: &Plan,
    tab: &Table,
    roster: &Roster,
    strings: &Interner,
    errors: &mut Vec<Diag>,
) {
    let Some(pay) = &plan.pay else { return };
    let ColumnData::Text(codes) = &tab.columns[pay.column].data else {
        return;
    };
    for (p, &r) in roster.rows.iter().enumerate() {
        let code = strings.resolve(codes[tab.at(pay.column, r as usize)]);
        if crate::currency::minor_unit(code).is_none() {
            let near = crate::currency::near(code);
            errors.push(
                DataError::PayCurrency {
                    file: tab.file.clone(),
                    line: tab.lines[r as usize],
                    who: quote(roster.ids[p].as_bytes()),
                    code: quote(code.as_bytes()),
                    column: plan.tables[plan.participants].columns[pay.column]
                        .name
                        .clone(),
                    near: if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean {}?)", near.join(", "))
                    },
                }
                .into(),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn index_credit(
    plan: &Plan,
    t: TableId,
    tab: &Table,
    c: ir::Credit,
    roster: &Roster,
    strings: &Interner,
    options: Options,
    reports: &mut Vec<Diag>,
    timer: &Timer,
) -> (Vec<u32>, CreditIndex) {
    let periods = plan.calendar.len();
    let keep = match plan.tables[t].key {
        Some(k) => duplicate_keys(tab, k, strings, options, reports),
        None => vec![true; tab.len()],
    };
    timer.lap(&format!("unique keys {}", tab.name));
    let key = plan.tables[t].key;
    let label = |r: usize| match key {
        Some(k) => format!(
            "{} {} ({})",
            tab.row_word,
            tab.lines[r],
            key_text(tab, k, r, strings)
        ),
        None => format!("{} {}", tab.row_word, tab.lines[r]),
    };
    let (ColumnData::Text(to), ColumnData::Date(dates)) =
        (&tab.columns[c.to].data, &tab.columns[c.by].data)
    else {
        return (
            Vec::new(),
            CreditIndex {
                periods,
                ..CreditIndex::default()
            },
        );
    };
    let to_present = &tab.columns[c.to];
    let first = plan.calendar.periods.first().map_or(0, |p| p.start);
    let last = plan.calendar.periods.last().map_or(0, |p| p.end);
    // Dense lookups: symbol → participant, day → period.
    let mut participant_of = vec![u32::MAX; strings.len()];
    for (&sym, &p) in &roster.by_key {
        participant_of[sym as usize] = p;
    }
    let period_of: Vec<u32> = (first..=last)
        .map(|day| plan.calendar.period_of(day).map_or(u32::MAX, |k| k as u32))
        .collect();
    let roster_name = &plan.tables[plan.participants].name;
    let mut unknown = Skipped::new(
        Skip::UnknownParticipant,
        format!("add them to `{roster_name}`, or correct the id"),
    );
    let mut outside = Skipped::new(
        Skip::OutsideCalendar,
        format!(
            "the plan runs from {} to {}",
            crate::calendar::date(first),
            crate::calendar::date(last)
        ),
    );
    let mut no_owner = Skipped::new(Skip::NoParticipant, "fill in the participant column".into());
    // Bucket of each row, computed in parallel; the top codes say why a row is not credited.
    const DUPLICATE: u32 = u32::MAX;
    const NO_OWNER: u32 = u32::MAX - 1;
    const UNKNOWN: u32 = u32::MAX - 2;
    const OUTSIDE: u32 = u32::MAX - 3;
    // issue 11, `--as-of`: a row dated after the cut is not credited (not yet happened).
    const AFTER_CUT: u32 = u32::MAX - 4;
    let cut = plan.as_of;
    let bucket: Vec<u32> = {
        use rayon::prelude::*;
        (0..tab.len())
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(|r| {
                if !keep[r] {
                    return DUPLICATE;
                }
                if !to_present.is_present(r) {
                    return NO_OWNER;
                }
                let p = participant_of
                    .get(to[r] as usize)
                    .copied()
                    .unwrap_or(u32::MAX);
                if p == u32::MAX {
                    return UNKNOWN;
                }
                let day = dates[r];
                if cut.is_some_and(|c| day > c) {
                    return AFTER_CUT;
                }
                let k = if day < first || day > last {
                    u32::MAX
                } else {
                    period_of[(day - first) as usize]
                };
                if k == u32::MAX {
                    return OUTSIDE;
                }
                (p as usize * periods + k as usize) as u32
            })
            .collect()
    };
    let mut counts = vec![0u32; roster.len() * periods + 1];
    for (r, &b) in bucket.iter().enumerate() {
        match b {
            DUPLICATE | AFTER_CUT => {}
            NO_OWNER => no_owner.add(|| label(r)),
            UNKNOWN => unknown.add(|| {
                format!(
                    "{} → {}",
                    label(r),
                    quote(strings.resolve(to[r]).as_bytes())
                )
            }),
            OUTSIDE => {
                outside.add(|| format!("{} dated {}", label(r), crate::calendar::date(dates[r])))
            }
            b => counts[b as usize + 1] += 1,
        }
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let offsets = counts.clone();
    let mut fill = counts;
    let total = offsets.last().copied().unwrap_or(0) as usize;
    let mut rows = vec![0u32; total];
    for (r, &b) in bucket.iter().enumerate() {
        if b < AFTER_CUT {
            let slot = &mut fill[b as usize];
            rows[*slot as usize] = r as u32;
            *slot += 1;
        }
    }
    no_owner.report(&tab.file, options.strict, reports);
    unknown.report(&tab.file, options.strict, reports);
    outside.report(&tab.file, options.strict, reports);
    (rows, CreditIndex { offsets, periods })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    const PLAN: &str = r#"plan "T" {
  currency EUR
  periods quarterly from 2026-01-01 to 2026-03-31

  input reps key id {
    id: text
  }

  participants reps
}
"#;

    fn load_reps(text: &str, strict: bool) -> Result<(Dataset, Vec<Diag>), Vec<Diag>> {
        let plan = crate::compile_str("t.plan", PLAN)
            .expect("the plan checks")
            .plan;
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("reps.csv"), text).expect("written");
        let sources = Sources {
            dirs: vec![dir.path().to_path_buf()],
            files: Vec::new(),
            delimiters: Vec::new(),
        };
        load(&plan, &sources, Options { strict })
    }

    #[test]
    fn participants_are_found_by_id() {
        let (data, _) = load_reps("id\nr1\nr2\nr3\n", false).expect("the roster loads");
        assert_eq!(data.roster.find("r2"), Some(1));
        assert_eq!(data.roster.find("r4"), None);
        assert_eq!(data.roster.ids, ["r1", "r2", "r3"]);
    }

    #[test]
    fn strict_makes_a_skipped_row_an_error() {
        // Line 3 repeats r1 (line 2): the first row is kept, the repeat reported.
        let text = "id\nr1\nr1\nr2\n";
        let (data, notes) = load_reps(text, false).expect("a warning does not stop the load");
        assert_eq!(data.roster.ids, ["r1", "r2"]);
        assert_eq!(notes.len(), 1);
        let w = &notes[0];
        assert_eq!(w.code, "ignition::data::duplicate_key");
        assert_eq!(w.severity, Severity::Warning);
        assert!(w.message.ends_with(
            "reps.csv: 1 row repeat a key already used above and were ignored: line 3 (r1)"
        ));
        assert_eq!(
            w.help.as_deref(),
            Some("keys must be unique; the first row with a key is used (--strict makes this an error)")
        );
        let Err(errors) = load_reps(text, true) else {
            panic!("--strict stops the load");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].severity, Severity::Error);
        assert!(errors[0].message.ends_with(
            "reps.csv: 1 row repeat a key already used above and were ignored: line 3 (r1)"
        ));
        assert_eq!(
            errors[0].help.as_deref(),
            Some("keys must be unique; the first row with a key is used")
        );
    }
}
