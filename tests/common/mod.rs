//! Shared helpers for the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xorsweep::train::Params;

/// `n` seeded random nets: scale log-uniform in [0.1, 8], lr log-uniform in [0.01, 50].
pub fn random_nets(seed: u64, n: usize) -> Vec<(Params, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let scale = (rng.random_range(0.1f64.ln()..8f64.ln())).exp();
            let lr = (rng.random_range(0.01f64.ln()..50f64.ln())).exp();
            let p = Params(std::array::from_fn(|_| rng.random_range(-scale..scale)));
            (p, lr)
        })
        .collect()
}

/// Units in the last place between two f64 values (0 when bit-identical).
pub fn ulps(a: f64, b: f64) -> u64 {
    let key = |x: f64| {
        let i = x.to_bits() as i64;
        if i < 0 { i64::MIN - i } else { i }
    };
    key(a).abs_diff(key(b))
}

/// The xorsweep binary built for these tests.
pub fn xorsweep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xorsweep"))
}
