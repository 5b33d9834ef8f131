//! Which SIMD features this binary was compiled with (what `wide` uses) and which the CPU has.
//! `wide` chooses its code path at compile time, so a build for plain x86-64 on an AVX-512
//! machine runs through SSE2: reports show both lists so that mismatch is visible.

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
