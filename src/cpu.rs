//! Which SIMD features this binary was compiled with (what `wide` uses) and which the CPU has.
//! `wide` chooses its code path at compile time, so a build for plain x86-64 on an AVX-512
//! machine runs through SSE2: reports show both lists so that mismatch is visible.
//!
//! And the CPU clocks of a thread and of the process: `bench` and `sweep --dry-run` time work in
//! CPU seconds, which other processes holding the cores do not inflate as they do wall time.

/// Target features enabled at compile time, among those that matter to `wide`.
pub fn compiled_features() -> Vec<&'static str> {
    let mut v = Vec::new();
    macro_rules! check {
        ($($f:literal),*) => { $( if cfg!(target_feature = $f) { v.push($f); } )* };
    }
    check!(
        "sse2", "sse4.1", "avx", "avx2", "fma", "avx512f", "avx512dq", "neon", "simd128"
    );
    v
}

/// The same features, as detected on the running CPU (x86-64 only; elsewhere empty).
pub fn host_features() -> Vec<&'static str> {
    #[allow(unused_mut)]
    let mut v = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! detect {
            ($($f:tt),*) => { $( if std::arch::is_x86_feature_detected!($f) { v.push($f); } )* };
        }
        detect!(
            "sse2", "sse4.1", "avx", "avx2", "fma", "avx512f", "avx512dq"
        );
    }
    v
}

/// Features the CPU has that the build does not use (empty when built for the host).
pub fn unused_host_features() -> Vec<&'static str> {
    let compiled = compiled_features();
    host_features()
        .into_iter()
        .filter(|f| !compiled.contains(f))
        .collect()
}

/// CPU seconds the calling thread has run, where the platform tells (Linux, macOS, the BSDs):
/// unlike wall time, not inflated while other processes hold the core.
pub fn thread_cpu_seconds() -> Option<f64> {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU seconds all of this process's threads have run (see [`thread_cpu_seconds`]).
pub fn process_cpu_seconds() -> Option<f64> {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn cpu_clock(clock: libc::clockid_t) -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec that outlives the call; clock_gettime writes
    // only into it, and an unsupported clock is reported through the return value.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
}
