//! SIGINT, SIGTERM and SIGHUP stop every long command the same way: Ctrl-C, a Slurm preemption
//! and a Kubernetes eviction all let a sweep finish and save the chunks in flight, a map its
//! pixel tasks, a merge its chunk, a plot its file (a sweep or merge writing its reports stops
//! before its next file and removes the ones it wrote: `pipeline::write_reports`); then the
//! command removes its lock, prints
//! what to run next and exits with 128 + the signal's number. A second signal ends the process
//! at once, so nothing can keep one from ending it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The number of the last stopping signal received, 0 if none. Handlers are installed once per
/// process, on first use.
pub fn received() -> Arc<AtomicUsize> {
    static FLAG: OnceLock<Arc<AtomicUsize>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // Registration fails only for forbidden signals, which these are not; without it
            // the signal keeps its default action (the process ends), which is still safe.
            // Actions run in the order registered: a second signal, once one has been noted,
            // ends the process at once with 128 + its number (whatever it is waiting for); the
            // first is noted for the command to stop cleanly.
            let _ = signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, seen.clone());
            let _ = signal_hook::flag::register(sig, seen.clone());
            let _ = signal_hook::flag::register_usize(sig, flag.clone(), sig as usize);
        }
        flag
    })
    .clone()
}

/// The signal received so far, if any.
pub fn pending(flag: &AtomicUsize) -> Option<i32> {
    match flag.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s as i32),
    }
}

/// The signal's conventional name, for messages.
pub fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "SIGINT (Ctrl-C)",
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}
