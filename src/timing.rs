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

impl Default for Timer {
    fn default() -> Timer {
        Timer::new()
    }
}
