//! Phase timings on stderr when IGNITION_TIMINGS is set (a benchmarking aid, never for tests).

use std::cell::Cell;
use std::io::Write as _;
use std::time::Instant;

/// Times the phases of a command: each lap prints the time since the previous one.
pub struct Timer {
    on: bool,
    /// Indentation of the lines (a phase within a phase is indented).
    indent: &'static str,
    last: Cell<Instant>,
}

impl Timer {
    /// Start timing a command's phases.
    pub fn new() -> Timer {
        Timer {
            on: std::env::var_os("IGNITION_TIMINGS").is_some(),
            indent: "",
            last: Cell::new(Instant::now()),
        }
    }

    /// Start timing the steps of one phase (printed indented under it).
    pub fn steps() -> Timer {
        Timer {
            indent: "  ",
            ..Timer::new()
        }
    }

    /// Print the time since the last lap (or the start).
    pub fn lap(&self, what: &str) {
        if self.on {
            let now = Instant::now();
            // A closed stderr loses the timing, nothing else.
            let _ = writeln!(
                std::io::stderr().lock(),
                "timing: {}{what} {:.3} s",
                self.indent,
                (now - self.last.get()).as_secs_f64()
            );
            self.last.set(now);
        }
    }
}

/// Print a line about how a phase went (e.g. which reader read a file), when timings are on.
pub fn note(what: &str) {
    if std::env::var_os("IGNITION_TIMINGS").is_some() {
        let _ = writeln!(std::io::stderr().lock(), "timing:   {what}");
    }
}

impl Default for Timer {
    fn default() -> Timer {
        Timer::new()
    }
}

/// Progress of the long phases, for a progress bar (the command line draws it, `cli::progress`):
/// bytes of data read out of the bytes to read, and the phase under way. Counters only; a
/// command that shows no bar never reads them.
pub mod progress {
    use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};

    static DONE: AtomicU64 = AtomicU64::new(0);
    static TOTAL: AtomicU64 = AtomicU64::new(0);
    static PHASE: AtomicU8 = AtomicU8::new(0);

    /// The phases a bar names.
    pub const PHASES: [&str; 3] = ["reading data", "evaluating", "writing"];

    /// `bytes` more to read (a data file opened).
    pub fn add_total(bytes: u64) {
        TOTAL.fetch_add(bytes, Ordering::Relaxed);
    }

    /// `bytes` more read.
    pub fn advance(bytes: u64) {
        DONE.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Start phase `k` of [`PHASES`].
    pub fn phase(k: u8) {
        PHASE.store(k, Ordering::Relaxed);
    }

    /// (bytes read, bytes to read, the phase's name).
    pub fn snapshot() -> (u64, u64, &'static str) {
        let k = PHASE.load(Ordering::Relaxed) as usize;
        (
            DONE.load(Ordering::Relaxed),
            TOTAL.load(Ordering::Relaxed),
            PHASES[k.min(PHASES.len() - 1)],
        )
    }
}
