//! SIGINT, SIGTERM and SIGHUP stop a sweep the same way: Ctrl-C, a Slurm preemption and a
//! Kubernetes eviction all finish the chunks in flight, save them, print the resume command and
//! exit with 128 + the signal's number.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The number of the last stopping signal received, 0 if none. Handlers are installed once per
/// process, on first use.
pub fn received() -> Arc<AtomicUsize> {
    static FLAG: OnceLock<Arc<AtomicUsize>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicUsize::new(0));
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // Registration fails only for forbidden signals, which these are not; without it
            // the signal keeps its default action (the process ends), which is still safe.
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
