//! Deterministic benchmark data generator for Ignition.
//!
//! Writes `reps.csv`, `deals.csv` and `activities.csv` for the field-sales
//! reference plan. Uses only `std`: a SplitMix64 PRNG and hand-rolled
//! integer formatting keep it fast and byte-for-byte reproducible for a
//! given seed.
//!
//! ```text
//! ignition-datagen --reps N --deals N --activities N [--seed S] [--format csv|parquet] --out DIR
//! ```
//!
//! With `--format parquet` the same rows are written as Parquet files (issue 12, sources):
//! each CSV file is written as usual, then converted column by column (amounts as
//! DECIMAL(18, 2), dates as DATE, counts as INT64, yes/no as BOOLEAN, empty cells as
//! nulls) in row groups of 1,048,576 rows, and removed.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: ignition-datagen --reps N --deals N --activities N [--seed S] [--plan P]
                        [--format F] --out DIR

Writes DIR/reps.csv, DIR/deals.csv and DIR/activities.csv (DIR is created).
The same arguments and seed always produce byte-identical files.

  --reps N         number of reps (>= 1); ~10% are managers (role MGR)
  --deals N        number of deals
  --activities N   number of activities
  --seed S         PRNG seed (default 42)
  --plan P         the schema: field-sales (default) or coaching (plans/coaching:
                   weekly, 2026-01-05 to 2026-03-29; deals with first-meeting,
                   price-discussion and NDA dates and departments)
  --format F       csv (default) or parquet: the same rows as DIR/reps.parquet,
                   DIR/deals.parquet and DIR/activities.parquet (amounts as
                   DECIMAL(18, 2), dates as DATE, empty cells as nulls)
  --out DIR        output directory
  -h, --help       show this help";

const DEFAULT_SEED: u64 = 42;
const BUF_CAPACITY: usize = 1 << 20;

// ---------------------------------------------------------------- PRNG ---

/// SplitMix64 (Steele, Lea & Flood). Tiny, fast, good enough for test data.
struct Rng(u64);

impl Rng {
    /// An independent stream derived from `seed` and a stream tag.
    fn stream(seed: u64, tag: u64) -> Self {
        let mut base = Rng(seed ^ tag.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Rng(base.next_u64())
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-high; the bias is negligible here).
    /// Returns 0 when `n == 0`.
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a slice of length `n`.
    #[inline]
    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    #[inline]
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `per_mille / 1000`.
    #[inline]
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

// ------------------------------------------------------------ formatting ---

/// Appends the decimal form of `v`.
#[inline]
fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `v` zero-padded to at least `width` digits.
#[inline]
fn push_padded(buf: &mut Vec<u8>, v: u64, width: usize) {
    let digits = digit_count(v);
    for _ in digits..width {
        buf.push(b'0');
    }
    push_u64(buf, v);
}

/// Appends an amount given in cents as `units.cc`.
#[inline]
fn push_cents(buf: &mut Vec<u8>, cents: u64) {
    push_u64(buf, cents / 100);
    let c = (cents % 100) as u8;
    buf.extend_from_slice(&[b'.', b'0' + c / 10, b'0' + c % 10]);
}

fn digit_count(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

// ----------------------------------------------------------------- dates ---

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Pre-rendered `YYYY-MM-DD` strings for every day from 2020-01-01 to
/// 2027-12-31, plus the day ranges the generator draws from.
struct Dates {
    base: i64,
    text: Vec<[u8; 10]>,
}

/// An inclusive range of days, as offsets into [`Dates::text`].
#[derive(Clone, Copy)]
struct DayRange {
    first: usize,
    len: u64,
}

impl Dates {
    fn new() -> Self {
        let base = days_from_civil(2020, 1, 1);
        let last = days_from_civil(2027, 12, 31);
        let text = (base..=last)
            .map(|day| {
                let (y, m, d) = civil_from_days(day);
                let mut s = [0u8; 10];
                let digits = [
                    (y / 1000) % 10,
                    (y / 100) % 10,
                    (y / 10) % 10,
                    y % 10,
                    m / 10,
                    m % 10,
                    d / 10,
                    d % 10,
                ];
                let pos = [0, 1, 2, 3, 5, 6, 8, 9];
                for (p, dg) in pos.iter().zip(digits) {
                    s[*p] = b'0' + dg as u8;
                }
                s[4] = b'-';
                s[7] = b'-';
                s
            })
            .collect();
        Dates { base, text }
    }

    fn range(&self, from: (i64, i64, i64), to: (i64, i64, i64)) -> DayRange {
        let a = days_from_civil(from.0, from.1, from.2) - self.base;
        let b = days_from_civil(to.0, to.1, to.2) - self.base;
        DayRange {
            first: a as usize,
            len: (b - a + 1) as u64,
        }
    }

    #[inline]
    fn pick(&self, rng: &mut Rng, r: DayRange) -> &[u8; 10] {
        &self.text[r.first + rng.below(r.len) as usize]
    }
}

/// The day ranges used for transactional dates.
struct Calendar {
    dates: Dates,
    plan_year: DayRange,
    late_2025: DayRange,
    early_2027: DayRange,
    tenure: DayRange,
}

impl Calendar {
    fn new() -> Self {
        let dates = Dates::new();
        Calendar {
            plan_year: dates.range((2026, 1, 1), (2026, 12, 31)),
            late_2025: dates.range((2025, 10, 1), (2025, 12, 31)),
            early_2027: dates.range((2027, 1, 1), (2027, 3, 31)),
            tenure: dates.range((2020, 1, 1), (2025, 12, 31)),
            dates,
        }
    }

    /// A date inside 2026, except `outside_per_10k` / 10,000 of the time,
    /// when it falls in late 2025 or early 2027.
    #[inline]
    fn transaction_date(&self, rng: &mut Rng, outside_per_10k: u64) -> &[u8; 10] {
        let r = rng.below(10_000);
        let range = if r >= outside_per_10k {
            self.plan_year
        } else if r < outside_per_10k / 2 {
            self.late_2025
        } else {
            self.early_2027
        };
        self.dates.pick(rng, range)
    }
}

// ------------------------------------------------------------------ reps ---

const REGIONS: [&str; 4] = ["EMEA", "NA", "APAC", "LATAM"];

const FIRST_NAMES: [&str; 40] = [
    "Ada", "Alan", "Amara", "Ana", "Aiko", "Ben", "Carla", "Chen", "Diego", "Elena", "Emeka",
    "Farah", "Grace", "Hana", "Ivan", "Jonas", "Kofi", "Lara", "Liam", "Lucia", "Mateo", "Maya",
    "Nadia", "Nils", "Omar", "Priya", "Quinn", "Rafael", "Rosa", "Sven", "Sofia", "Tariq", "Uma",
    "Victor", "Wei", "Xena", "Yara", "Yusuf", "Zoe", "Zeynep",
];

const LAST_NAMES: [&str; 40] = [
    "Abebe",
    "Andersen",
    "Baker",
    "Bianchi",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Gupta",
    "Haddad",
    "Ito",
    "Jensen",
    "Kim",
    "Kowalski",
    "Lopez",
    "Martin",
    "Mensah",
    "Moreau",
    "Nakamura",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Quispe",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Smith",
    "Tanaka",
    "Tremblay",
    "Ueda",
    "Vargas",
    "Weber",
    "Wong",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Zimmermann",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Manager,
    AccountExec,
}

struct Rep {
    role: Role,
    manager: Option<usize>,
    region: usize,
}

/// Rep identities and the owner sampler shared by deals and activities.
struct Team {
    id_width: usize,
    reps: Vec<Rep>,
    managers: Vec<usize>,
    /// AE indices and their cumulative productivity weights.
    aes: Vec<usize>,
    ae_cumulative: Vec<u64>,
}

impl Team {
    fn build(n: usize, seed: u64) -> Team {
        let mut rng = Rng::stream(seed, 1);
        let n_mgr = if n < 10 { 1 } else { (n + 5) / 10 };
        let n_top = (n_mgr / 25).clamp(1, 8);

        // A seeded shuffle decides who manages, so managers are scattered
        // through the file rather than listed first.
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = rng.index(i + 1);
            order.swap(i, j);
        }
        let top = &order[..n_top];
        let middle = &order[n_top..n_mgr];
        let ae_list = &order[n_mgr..];

        let mut reps: Vec<Rep> = (0..n)
            .map(|_| Rep {
                role: Role::AccountExec,
                manager: None,
                region: 0,
            })
            .collect();
        for &t in top {
            reps[t].role = Role::Manager;
            reps[t].region = rng.index(REGIONS.len());
        }
        for &m in middle {
            let boss = top[rng.index(top.len())];
            reps[m].role = Role::Manager;
            reps[m].manager = Some(boss);
            reps[m].region = if rng.chance(800) {
                reps[boss].region
            } else {
                rng.index(REGIONS.len())
            };
        }
        let leads = if middle.is_empty() { top } else { middle };
        for &a in ae_list {
            let lead = leads[rng.index(leads.len())];
            reps[a].manager = Some(lead);
            reps[a].region = if rng.chance(900) {
                reps[lead].region
            } else {
                rng.index(REGIONS.len())
            };
        }

        let mut managers: Vec<usize> = order[..n_mgr].to_vec();
        managers.sort_unstable();
        let mut aes: Vec<usize> = ae_list.to_vec();
        aes.sort_unstable();
        // Productivity weights 20..=180 spread attainment across reps.
        let mut total = 0u64;
        let ae_cumulative = aes
            .iter()
            .map(|_| {
                total += 20 + rng.below(161);
                total
            })
            .collect();

        Team {
            id_width: digit_count(n as u64).max(6),
            reps,
            managers,
            aes,
            ae_cumulative,
        }
    }

    /// A random rep: a weighted AE, or a manager `mgr_per_mille` of the time.
    #[inline]
    fn pick(&self, rng: &mut Rng, mgr_per_mille: u64) -> usize {
        let total = self.ae_cumulative.last().copied().unwrap_or(0);
        if total == 0 || rng.chance(mgr_per_mille) {
            return self.managers[rng.index(self.managers.len())];
        }
        let target = rng.below(total);
        let slot = self.ae_cumulative.partition_point(|&c| c <= target);
        self.aes[slot.min(self.aes.len() - 1)]
    }

    #[inline]
    fn push_id(&self, buf: &mut Vec<u8>, rep: usize) {
        buf.push(b'r');
        push_padded(buf, rep as u64 + 1, self.id_width);
    }
}

fn write_reps(path: &Path, team: &Team, cal: &Calendar, seed: u64) -> io::Result<()> {
    let mut rng = Rng::stream(seed, 2);
    let mut out = BufWriter::with_capacity(BUF_CAPACITY, File::create(path)?);
    out.write_all(b"rep_id,name,role,manager_id,region,annual_quota,base_salary,start_date\n")?;
    let mut line = Vec::with_capacity(128);
    for (i, rep) in team.reps.iter().enumerate() {
        line.clear();
        team.push_id(&mut line, i);
        line.push(b',');
        line.extend_from_slice(FIRST_NAMES[rng.index(FIRST_NAMES.len())].as_bytes());
        line.push(b' ');
        line.extend_from_slice(LAST_NAMES[rng.index(LAST_NAMES.len())].as_bytes());
        line.extend_from_slice(match rep.role {
            Role::Manager => b",MGR,",
            Role::AccountExec => b",AE,",
        });
        if let Some(m) = rep.manager {
            team.push_id(&mut line, m);
        }
        line.push(b',');
        line.extend_from_slice(REGIONS[rep.region].as_bytes());
        line.push(b',');
        // Quota 200,000–2,000,000 in steps of 1,000; salary 60,000–180,000
        // in steps of 500.
        push_cents(&mut line, (200_000 + 1_000 * rng.below(1_801)) * 100);
        line.push(b',');
        push_cents(&mut line, (60_000 + 500 * rng.below(241)) * 100);
        line.push(b',');
        // ~5% joined during the plan year (so their quota is prorated).
        let start = if rng.chance(50) {
            cal.plan_year
        } else {
            cal.tenure
        };
        line.extend_from_slice(cal.dates.pick(&mut rng, start));
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()
}

// ----------------------------------------------------------------- deals ---

/// Deal size in cents: 1,000.00–250,000.00, skewed small, ~10% >= 50,000.
#[inline]
fn deal_cents(rng: &mut Rng) -> u64 {
    let units = if rng.chance(100) {
        // Large deals: 50k–250k, a product of two uniforms skews them low.
        50_000.0 + 200_000.0 * rng.unit() * rng.unit()
    } else {
        // Everyday deals: 1k–50k, a product of three uniforms.
        1_000.0 + 49_000.0 * rng.unit() * rng.unit() * rng.unit()
    };
    (units * 100.0) as u64
}

fn write_deals(path: &Path, n: u64, team: &Team, cal: &Calendar, seed: u64) -> io::Result<()> {
    let mut rng = Rng::stream(seed, 3);
    let width = digit_count(n).max(7);
    let mut out = BufWriter::with_capacity(BUF_CAPACITY, File::create(path)?);
    out.write_all(b"deal_id,owner,amount,close_date,stage,product\n")?;
    let mut line = Vec::with_capacity(128);
    for i in 1..=n {
        line.clear();
        line.push(b'd');
        push_padded(&mut line, i, width);
        line.push(b',');
        team.push_id(&mut line, team.pick(&mut rng, 20));
        line.push(b',');
        push_cents(&mut line, deal_cents(&mut rng));
        line.push(b',');
        line.extend_from_slice(cal.transaction_date(&mut rng, 50));
        let stage: &[u8] = match rng.below(100) {
            0..=44 => b",Closed Won,",
            45..=79 => b",Closed Lost,",
            _ => b",Open,",
        };
        line.extend_from_slice(stage);
        let product: &[u8] = match rng.below(10) {
            0..=4 => b"Platform\n",
            5..=7 => b"Addon\n",
            _ => b"Services\n",
        };
        line.extend_from_slice(product);
        out.write_all(&line)?;
    }
    out.flush()
}

// ------------------------------------------------------------ activities ---

fn write_activities(path: &Path, n: u64, team: &Team, cal: &Calendar, seed: u64) -> io::Result<()> {
    let mut rng = Rng::stream(seed, 4);
    let mut out = BufWriter::with_capacity(BUF_CAPACITY, File::create(path)?);
    out.write_all(b"rep_id,kind,date\n")?;
    let mut line = Vec::with_capacity(64);
    for _ in 0..n {
        line.clear();
        team.push_id(&mut line, team.pick(&mut rng, 30));
        let kind: &[u8] = match rng.below(100) {
            0..=44 => b",email_sent,",
            45..=54 => b",email_reply,",
            55..=79 => b",meeting,",
            80..=84 => b",exec_meeting,",
            _ => b",call,",
        };
        line.extend_from_slice(kind);
        line.extend_from_slice(cal.transaction_date(&mut rng, 20));
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()
}

// -------------------------------------------------------------- coaching ---

/// The schema of `plans/coaching` (issue 11, dashboard benchmark): weekly, 12 weeks from
/// Monday 2026-01-05; every deal and activity inside them.
mod coaching {
    use super::*;

    const COMPANIES: [&str; 16] = [
        "Acme", "Borealis", "Cobalt", "Dunmore", "Elevate", "Fjord", "Granite", "Helix", "Ionic",
        "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchard", "Pioneer",
    ];

    pub(super) fn generate(
        args: &Args,
        team: &Team,
        dates: &Dates,
        reps: &Path,
        deals: &Path,
        acts: &Path,
    ) -> io::Result<()> {
        let weeks = dates.range((2026, 1, 5), (2026, 3, 29));
        std::thread::scope(|s| {
            let d = s.spawn(|| write_deals(deals, args, team, dates, weeks));
            let a = write_activities(acts, args, team, dates, weeks);
            let r = write_reps(reps, args, team);
            let d = d
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the deals writer panicked")));
            r.and(d).and(a)
        })
    }

    fn write_reps(path: &Path, args: &Args, team: &Team) -> io::Result<()> {
        let mut rng = Rng::stream(args.seed, 12);
        let mut out = BufWriter::with_capacity(BUF_CAPACITY, File::create(path)?);
        out.write_all(b"rep_id,name,manager_id,weekly_target,start_date\n")?;
        let mut line = Vec::with_capacity(96);
        for (i, rep) in team.reps.iter().enumerate() {
            line.clear();
            team.push_id(&mut line, i);
            line.push(b',');
            line.extend_from_slice(FIRST_NAMES[rng.index(FIRST_NAMES.len())].as_bytes());
            line.push(b' ');
            line.extend_from_slice(LAST_NAMES[rng.index(LAST_NAMES.len())].as_bytes());
            line.push(b',');
            if let Some(m) = rep.manager {
                team.push_id(&mut line, m);
            }
            line.push(b',');
            // A week's target: 0 for a manager, else 20,000–80,000 in steps of 500.
            let target = match rep.role {
                Role::Manager => 0,
                Role::AccountExec => 20_000 + 500 * rng.below(121),
            };
            push_cents(&mut line, target * 100);
            line.extend_from_slice(b",2024-01-01\n");
            out.write_all(&line)?;
        }
        out.flush()
    }

    fn write_deals(
        path: &Path,
        args: &Args,
        team: &Team,
        dates: &Dates,
        weeks: DayRange,
    ) -> io::Result<()> {
        let mut rng = Rng::stream(args.seed, 13);
        let width = digit_count(args.deals).max(7);
        let mut out = BufWriter::with_capacity(BUF_CAPACITY, File::create(path)?);
        out.write_all(
            b"deal_id,owner,company,amount,stage,first_meeting,price_discussion,nda_signed,departments,close_date\n",
        )?;
        let mut line = Vec::with_capacity(160);
        for i in 1..=args.deals {
            line.clear();
            line.push(b'd');
            push_padded(&mut line, i, width);
            line.push(b',');
            team.push_id(&mut line, team.pick(&mut rng, 0));
            line.push(b',');
            line.extend_from_slice(COMPANIES[rng.index(COMPANIES.len())].as_bytes());
            line.push(b',');
            push_cents(&mut line, deal_cents(&mut rng));
            line.extend_from_slice(if rng.chance(350) { b",won," } else { b",lost," });
            let close = weeks.first + rng.below(weeks.len) as usize;
            // First meeting 30–89 days before the close; price 3–42 days after it (85%);
            // an NDA 5–24 days after it (half the deals).
            let first = close - 30 - rng.below(60) as usize;
            line.extend_from_slice(&dates.text[first]);
            line.push(b',');
            if rng.chance(850) {
                line.extend_from_slice(&dates.text[first + 3 + rng.below(40) as usize]);
            }
            line.push(b',');
            if rng.chance(500) {
                line.extend_from_slice(&dates.text[first + 5 + rng.below(20) as usize]);
            }
            line.push(b',');
            push_u64(&mut line, 1 + rng.below(5));
            line.push(b',');
            line.extend_from_slice(&dates.text[close]);
            line.push(b'\n');
            out.write_all(&line)?;
        }
        out.flush()
    }

    fn write_activities(
        path: &Path,
        args: &Args,
        team: &Team,
        dates: &Dates,
        weeks: DayRange,
    ) -> io::Result<()> {
        let mut rng = Rng::stream(args.seed, 14);
        let mut out = BufWriter::with_capacity(BUF_CAPACITY, File::create(path)?);
        out.write_all(b"rep_id,kind,company,executive,date\n")?;
        let mut line = Vec::with_capacity(64);
        for _ in 0..args.activities {
            line.clear();
            team.push_id(&mut line, team.pick(&mut rng, 0));
            let (kind, exec): (&[u8], bool) = match rng.below(100) {
                0..=69 => (b",email,", false),
                70..=77 => (b",reply,", false),
                r => (b",meeting,", r >= 93),
            };
            line.extend_from_slice(kind);
            line.extend_from_slice(COMPANIES[rng.index(COMPANIES.len())].as_bytes());
            line.extend_from_slice(if exec { b",true," } else { b",false," });
            line.extend_from_slice(&dates.text[weeks.first + rng.below(weeks.len) as usize]);
            line.push(b'\n');
            out.write_all(&line)?;
        }
        out.flush()
    }
}

// --------------------------------------------------------------- parquet ---

/// issue 12, sources: a generated CSV file written again as Parquet, with the types the
/// plans declare. The generated files have no quotes and no commas inside a cell.
mod to_parquet {
    use super::*;
    use arrow_array::builder::{
        BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, StringBuilder,
    };
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use std::io::BufRead;
    use std::sync::Arc;

    /// Rows per row group (and per batch handed to the writer).
    const ROW_GROUP: usize = 1 << 20;

    /// The Parquet type of a generated column, by its name (both plans' columns).
    fn column_type(name: &str) -> DataType {
        match name {
            "annual_quota" | "base_salary" | "amount" | "weekly_target" => {
                DataType::Decimal128(18, 2)
            }
            "start_date" | "close_date" | "date" | "first_meeting" | "price_discussion"
            | "nda_signed" => DataType::Date32,
            "departments" => DataType::Int64,
            "executive" => DataType::Boolean,
            _ => DataType::Utf8,
        }
    }

    enum Col {
        Text(StringBuilder),
        Money(Decimal128Builder),
        Date(Date32Builder),
        Int(Int64Builder),
        Bool(BooleanBuilder),
    }

    fn bad(cell: &str) -> io::Error {
        io::Error::other(format!("unexpected generated cell `{cell}`"))
    }

    impl Col {
        fn new(ty: &DataType) -> Col {
            match ty {
                DataType::Decimal128(p, s) => Col::Money(
                    Decimal128Builder::new()
                        .with_precision_and_scale(*p, *s)
                        .unwrap_or_default(),
                ),
                DataType::Date32 => Col::Date(Date32Builder::new()),
                DataType::Int64 => Col::Int(Int64Builder::new()),
                DataType::Boolean => Col::Bool(BooleanBuilder::new()),
                _ => Col::Text(StringBuilder::new()),
            }
        }

        /// Append a cell (an empty one is a null, except in a text column).
        fn push(&mut self, cell: &str) -> io::Result<()> {
            if cell.is_empty() {
                match self {
                    Col::Text(b) => b.append_value(""),
                    Col::Money(b) => b.append_null(),
                    Col::Date(b) => b.append_null(),
                    Col::Int(b) => b.append_null(),
                    Col::Bool(b) => b.append_null(),
                }
                return Ok(());
            }
            match self {
                Col::Text(b) => b.append_value(cell),
                Col::Money(b) => {
                    // `units.cc`, as `push_cents` writes it.
                    let (units, cents) = cell.split_once('.').ok_or_else(|| bad(cell))?;
                    let units: i128 = units.parse().map_err(|_| bad(cell))?;
                    let cents: i128 = cents.parse().map_err(|_| bad(cell))?;
                    b.append_value(units * 100 + cents);
                }
                Col::Date(b) => {
                    let part = |r: std::ops::Range<usize>| -> io::Result<i64> {
                        cell.get(r)
                            .and_then(|p| p.parse().ok())
                            .ok_or_else(|| bad(cell))
                    };
                    let days = days_from_civil(part(0..4)?, part(5..7)?, part(8..10)?);
                    b.append_value(i32::try_from(days).map_err(|_| bad(cell))?);
                }
                Col::Int(b) => b.append_value(cell.parse().map_err(|_| bad(cell))?),
                Col::Bool(b) => b.append_value(cell == "true"),
            }
            Ok(())
        }

        fn finish(&mut self) -> ArrayRef {
            match self {
                Col::Text(b) => Arc::new(b.finish()),
                Col::Money(b) => Arc::new(b.finish()),
                Col::Date(b) => Arc::new(b.finish()),
                Col::Int(b) => Arc::new(b.finish()),
                Col::Bool(b) => Arc::new(b.finish()),
            }
        }
    }

    /// Write the rows of the CSV file `from` into the Parquet file `to` (Snappy-compressed,
    /// as most tools write Parquet).
    pub(super) fn convert(from: &Path, to: &Path) -> io::Result<()> {
        let mut lines = io::BufReader::with_capacity(BUF_CAPACITY, File::open(from)?).lines();
        let header = lines.next().transpose()?.unwrap_or_default();
        let names: Vec<&str> = header.split(',').collect();
        let types: Vec<DataType> = names.iter().map(|n| column_type(n)).collect();
        let schema = Arc::new(Schema::new(
            names
                .iter()
                .zip(&types)
                .map(|(n, t)| Field::new(*n, t.clone(), true))
                .collect::<Vec<_>>(),
        ));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .build();
        let out = BufWriter::with_capacity(BUF_CAPACITY, File::create(to)?);
        let mut writer =
            ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(io::Error::other)?;
        let mut cols: Vec<Col> = types.iter().map(Col::new).collect();
        let mut rows = 0;
        let flush = |cols: &mut Vec<Col>, writer: &mut ArrowWriter<_>| -> io::Result<()> {
            let arrays: Vec<ArrayRef> = cols.iter_mut().map(Col::finish).collect();
            let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(io::Error::other)?;
            writer.write(&batch).map_err(io::Error::other)
        };
        for line in lines {
            let line = line?;
            if line.is_empty() {
                continue;
            }
            let mut cells = line.split(',');
            for c in cols.iter_mut() {
                c.push(cells.next().unwrap_or(""))?;
            }
            rows += 1;
            if rows == ROW_GROUP {
                flush(&mut cols, &mut writer)?;
                rows = 0;
            }
        }
        if rows > 0 {
            flush(&mut cols, &mut writer)?;
        }
        writer.close().map_err(io::Error::other)?;
        Ok(())
    }
}

// ------------------------------------------------------------------ main ---

struct Args {
    reps: u64,
    deals: u64,
    activities: u64,
    seed: u64,
    out: PathBuf,
    coaching: bool,
    parquet: bool,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse_args(raw: &[String]) -> Result<Parsed, String> {
    let mut reps = None;
    let mut deals = None;
    let mut activities = None;
    let mut seed = DEFAULT_SEED;
    let mut out = None;
    let mut coaching = false;
    let mut parquet = false;

    let mut it = raw.iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Parsed::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if !matches!(
            flag,
            "--reps" | "--deals" | "--activities" | "--seed" | "--out" | "--plan" | "--format"
        ) {
            return Err(format!("unknown argument `{arg}`"));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value"))?,
        };
        let number = |v: &str| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("`{flag}` expects a non-negative integer, got `{v}`"))
        };
        match flag {
            "--reps" => reps = Some(number(&value)?),
            "--deals" => deals = Some(number(&value)?),
            "--activities" => activities = Some(number(&value)?),
            "--seed" => seed = number(&value)?,
            "--plan" => {
                coaching = match value.as_str() {
                    "field-sales" => false,
                    "coaching" => true,
                    other => {
                        return Err(format!(
                            "`--plan` is field-sales or coaching, not `{other}`"
                        ))
                    }
                }
            }
            "--format" => {
                parquet = match value.as_str() {
                    "csv" => false,
                    "parquet" => true,
                    other => return Err(format!("`--format` is csv or parquet, not `{other}`")),
                }
            }
            _ => {
                if value.is_empty() {
                    return Err("`--out` needs a non-empty directory".into());
                }
                out = Some(PathBuf::from(value));
            }
        }
    }

    let reps = reps.ok_or("missing `--reps N`")?;
    let deals = deals.ok_or("missing `--deals N`")?;
    let activities = activities.ok_or("missing `--activities N`")?;
    let out = out.ok_or("missing `--out DIR`")?;
    if reps == 0 {
        return Err("`--reps` must be at least 1".into());
    }
    if reps > 100_000_000 {
        return Err("`--reps` must be at most 100000000".into());
    }
    Ok(Parsed::Run(Args {
        reps,
        deals,
        activities,
        seed,
        out,
        coaching,
        parquet,
    }))
}

fn generate(args: &Args) -> Result<(), String> {
    generate_csv(args)?;
    if args.parquet {
        for name in ["reps", "deals", "activities"] {
            let csv = args.out.join(format!("{name}.csv"));
            let parquet = args.out.join(format!("{name}.parquet"));
            to_parquet::convert(&csv, &parquet)
                .map_err(|e| format!("cannot write {}: {e}", parquet.display()))?;
            fs::remove_file(&csv).map_err(|e| format!("cannot remove {}: {e}", csv.display()))?;
        }
    }
    Ok(())
}

fn generate_csv(args: &Args) -> Result<(), String> {
    let dir = &args.out;
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let cal = Calendar::new();
    let team = Team::build(args.reps as usize, args.seed);

    let reps_path = dir.join("reps.csv");
    let deals_path = dir.join("deals.csv");
    let acts_path = dir.join("activities.csv");
    let with_path =
        |p: &Path, r: io::Result<()>| r.map_err(|e| format!("cannot write {}: {e}", p.display()));
    if args.coaching {
        return coaching::generate(args, &team, &cal.dates, &reps_path, &deals_path, &acts_path)
            .map_err(|e| format!("cannot write into {}: {e}", dir.display()));
    }

    // Each file has its own PRNG stream, so writing deals and activities on
    // two threads changes nothing in the output.
    std::thread::scope(|s| {
        let deals = s.spawn(|| {
            with_path(
                &deals_path,
                write_deals(&deals_path, args.deals, &team, &cal, args.seed),
            )
        });
        let acts = with_path(
            &acts_path,
            write_activities(&acts_path, args.activities, &team, &cal, args.seed),
        );
        let reps = with_path(&reps_path, write_reps(&reps_path, &team, &cal, args.seed));
        let deals = deals
            .join()
            .unwrap_or_else(|_| Err("the deals writer thread panicked".into()));
        reps.and(deals).and(acts)
    })
}

fn main() -> ExitCode {
    let raw: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string()
                .map_err(|a| format!("argument `{}` is not valid UTF-8", a.to_string_lossy()))
        })
        .collect();
    let args = match raw.and_then(|raw| parse_args(&raw)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            // Ignore write errors (e.g. a closed pipe): never panic.
            let _ = writeln!(io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            let _ = writeln!(io::stderr(), "ignition-datagen: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            let _ = writeln!(io::stderr(), "ignition-datagen: {msg}");
            ExitCode::FAILURE
        }
    }
}
