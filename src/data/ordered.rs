//! Work done in parallel and taken back in order: the sources' parallel half (a CSV file's
//! blocks, a Parquet file's row groups), with no barrier between one batch of work and the
//! next. A worker takes the next job as soon as it is free; the calling thread makes the
//! jobs and takes each result in the order the jobs were made, while the workers go on.
//!
//! Why not rayon's `par_iter` over windows of jobs: every window ends with a wait for its
//! slowest job, while the thread that finished first does nothing (measured on the large
//! benchmark: a tenth of the parse time, and smaller jobs, which stay in cache, made it
//! worse).

use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::Mutex;

/// Run `work` on each of `jobs` with `threads` workers and give every result to `take` in
/// the order of `jobs`. At most `ahead` jobs are out (made and not yet taken), which bounds
/// the memory held by results waiting for an earlier one. `jobs` is pulled on this thread,
/// so it may block (on a reader) or end early (after an error it keeps for its caller).
///
/// Stops at the first error `take` returns. A panic in `work` (a bug) is raised again here
/// once the workers have stopped, rather than leaving this thread waiting for its result.
pub fn map_in_order<J: Send, R: Send, E>(
    threads: usize,
    ahead: usize,
    jobs: impl Iterator<Item = J>,
    work: impl Fn(J) -> R + Sync,
    mut take: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let (job_tx, job_rx) = mpsc::channel::<(usize, J)>();
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Option<R>)>();
    let ahead = ahead.max(1);
    std::thread::scope(|scope| {
        let (job_rx, work) = (&job_rx, &work);
        for _ in 0..threads.max(1) {
            let done_tx = done_tx.clone();
            scope.spawn(move || loop {
                let next = match job_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(poisoned) => poisoned.into_inner().recv(),
                };
                let Ok((i, job)) = next else { return };
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(job))) {
                    Ok(r) => {
                        if done_tx.send((i, Some(r))).is_err() {
                            return;
                        }
                    }
                    Err(panic) => {
                        let _ = done_tx.send((i, None));
                        std::panic::resume_unwind(panic);
                    }
                }
            });
        }
        drop(done_tx);
        // Results of the jobs from `taken` on, in job order; `None` until they are done.
        let mut waiting: VecDeque<Option<R>> = VecDeque::new();
        let mut taken = 0usize;
        let mut jobs = jobs.fuse();
        let mut more = true;
        let result = loop {
            if more && waiting.len() < ahead {
                match jobs.next() {
                    Some(job) => {
                        if job_tx.send((taken + waiting.len(), job)).is_err() {
                            break Ok(());
                        }
                        waiting.push_back(None);
                    }
                    None => more = false,
                }
                continue;
            }
            if waiting.is_empty() {
                break Ok(());
            }
            match done_rx.recv() {
                Ok((i, Some(r))) => {
                    if let Some(slot) = waiting.get_mut(i - taken) {
                        *slot = Some(r);
                    }
                }
                // A worker panicked: stop; the scope raises its panic.
                Ok((_, None)) | Err(_) => break Ok(()),
            }
            let mut failed = None;
            while waiting.front().is_some_and(Option::is_some) {
                if let Some(Some(r)) = waiting.pop_front() {
                    taken += 1;
                    if let Err(e) = take(r) {
                        failed = Some(e);
                        break;
                    }
                }
            }
            if let Some(e) = failed {
                break Err(e);
            }
        };
        // The workers stop when the jobs are gone.
        drop(job_tx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_of_the_jobs_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            for ahead in [1, 2, 5, 100] {
                let mut seen = Vec::new();
                // Later jobs are quicker, so that they finish first.
                let r: Result<(), ()> = map_in_order(
                    threads,
                    ahead,
                    0..200u64,
                    |i| {
                        std::thread::sleep(std::time::Duration::from_micros((200 - i) % 7 * 50));
                        i * i
                    },
                    |x| {
                        seen.push(x);
                        Ok(())
                    },
                );
                assert_eq!(r, Ok(()));
                assert_eq!(seen, (0..200u64).map(|i| i * i).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn no_more_jobs_are_out_than_allowed() {
        let out = std::sync::atomic::AtomicUsize::new(0);
        let most = std::sync::atomic::AtomicUsize::new(0);
        let made = std::cell::Cell::new(0usize);
        let taken = std::cell::Cell::new(0usize);
        let jobs = std::iter::from_fn(|| {
            let n = made.get();
            (n < 100).then(|| {
                made.set(n + 1);
                // Made and not yet taken.
                let o = n + 1 - taken.get();
                most.fetch_max(o, std::sync::atomic::Ordering::Relaxed);
                n
            })
        });
        let r: Result<(), ()> = map_in_order(
            4,
            3,
            jobs,
            |n| {
                out.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                n
            },
            |_| {
                taken.set(taken.get() + 1);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(taken.get(), 100);
        assert!(most.load(std::sync::atomic::Ordering::Relaxed) <= 3);
    }

    #[test]
    fn the_first_error_stops_the_work_and_is_returned() {
        let mut seen = Vec::new();
        let r = map_in_order(
            2,
            4,
            0..1000u32,
            |i| i,
            |i| {
                seen.push(i);
                if i == 10 {
                    Err("ten")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err("ten"));
        assert_eq!(seen, (0..=10).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_in_the_work_is_raised_and_nothing_waits_for_ever() {
        let r = std::panic::catch_unwind(|| {
            let _: Result<(), ()> = map_in_order(
                2,
                4,
                0..100u32,
                |i| {
                    assert!(i != 7, "job seven");
                    i
                },
                |_| Ok(()),
            );
        });
        assert!(r.is_err());
    }
}
