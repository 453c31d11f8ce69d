//! The progress bar on stderr (indicatif) for loads and runs that take more than about a
//! second. It is drawn only when stderr is a terminal and `--quiet` is not given, so it is
//! never in a pipe, a log or a test's output; diagnostics printed while it shows suspend it.

use crate::timing::progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long work runs before the bar appears.
const DELAY: Duration = Duration::from_millis(1000);

/// The bar being drawn, if any (so that diagnostics can be printed around it).
static SHOWN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Whether a command shows a bar: on a terminal, without `--quiet`.
pub fn wanted(quiet: bool, terminal: bool) -> bool {
    !quiet && terminal
}

/// A progress bar for one command; it stops and clears itself when dropped.
pub struct Bar {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Bar {
    /// Start watching the work; the bar appears after about a second, if at all.
    pub fn start(quiet: bool) -> Bar {
        let stop = Arc::new(AtomicBool::new(false));
        if !wanted(quiet, std::io::stderr().is_terminal()) {
            return Bar { stop, thread: None };
        }
        progress::phase(0);
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || draw(&flag))
            .ok();
        Bar { stop, thread }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw(stop: &AtomicBool) {
    let begun = Instant::now();
    while begun.elapsed() < DELAY {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(10));
    let style =
        ProgressStyle::with_template("{msg:>12} [{bar:30}] {bytes}/{total_bytes} {elapsed}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    if let Ok(mut shown) = SHOWN.lock() {
        *shown = Some(bar.clone());
    }
    while !stop.load(Ordering::Relaxed) {
        let (done, total, phase) = progress::snapshot();
        bar.set_length(total.max(done));
        bar.set_position(done);
        bar.set_message(phase);
        std::thread::sleep(Duration::from_millis(50));
    }
    if let Ok(mut shown) = SHOWN.lock() {
        *shown = None;
    }
    bar.finish_and_clear();
}

/// Run `f` (which writes to stderr) with the bar, if one shows, hidden meanwhile.
pub fn suspend<R>(f: impl FnOnce() -> R) -> R {
    let bar = SHOWN.lock().ok().and_then(|s| s.clone());
    match bar {
        Some(b) => b.suspend(f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_on_a_terminal_and_without_quiet() {
        assert!(super::wanted(false, true));
        assert!(!super::wanted(true, true));
        assert!(!super::wanted(false, false));
        assert!(!super::wanted(true, false));
    }
}
