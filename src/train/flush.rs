//! Flush-to-zero while the f32 lanes train.
//!
//! Why: saturated units in f32 (large learning rates: a map's 100..1000, the default sweep's top
//! rates up to 32) give outputs near 2⁻¹²⁶, and products such as δ·h·(1 − h) of them are
//! subnormal numbers; on x86
//! every vector operation with a subnormal input or result takes a microcode assist. A 1024² map
//! × 500 epochs over rates 100..1000 took 2.25× the CPU time of one over 0.1..1 in f32 (5.18 s
//! against 2.30 s, Sapphire Rapids), while f64, whose subnormals start at 2⁻¹⁰²², did not slow
//! down (5.44 s against 5.55 s).
//!
//! So while f32 lanes train, the thread's MXCSR has FTZ (a result that would be subnormal is 0)
//! and DAZ (a subnormal input reads as 0) set, and [`FlushF32`] puts the thread's own setting back
//! when it is dropped (also on a panic). What it changes: only values below 2⁻¹²⁶ ≈ 1.2e−38,
//! which become 0 — the same on every x86-64 CPU, so f32 results stay byte-identical across
//! threads, chunks, shards and machines. The f32 sigmoid itself never gets there (its exp is
//! clamped so that σ ≥ 1.6e−38, see [`super::lane`]), so bce's ln(out) stays finite; gradients
//! of saturated units that would be subnormal become 0. The f64 work around the f32 kernel in
//! the same call (loading the batch, the outcomes' mse and hidden gap) runs under it too, on
//! values far above f64's subnormals (2⁻¹⁰²²). The f64 lanes and the scalar reference never run
//! under it. On other architectures it does nothing.
//!
//! A caveat, accepted on purpose: Rust's documentation of `_mm_setcsr` calls changing these bits
//! undefined behaviour, because the compiler assumes the default floating-point environment (it
//! may fold constants or move register-only arithmetic across the change). Here the guard is
//! set at the entry of the training functions and dropped at their exit, the arithmetic between
//! starts from loads of the nets and ends in stores of the results, which the asm's memory
//! effects keep on their side, and the constants the kernel folds are normal numbers that FTZ and
//! DAZ leave alone. Every call runs the same compiled code, so results are deterministic.

/// MXCSR bits: flush to zero (results) and denormals are zero (inputs).
#[cfg(target_arch = "x86_64")]
const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);

/// FTZ and DAZ set on this thread until dropped; see the module docs.
pub struct FlushF32 {
    #[cfg(target_arch = "x86_64")]
    saved: u32,
}

impl FlushF32 {
    /// Set FTZ and DAZ on this thread, keeping its current MXCSR to restore.
    pub fn new() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let saved = mxcsr();
            set_mxcsr(saved | FTZ_DAZ);
            FlushF32 { saved }
        }
        #[cfg(not(target_arch = "x86_64"))]
        FlushF32 {}
    }
}

impl Default for FlushF32 {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for FlushF32 {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        set_mxcsr(self.saved);
    }
}

/// This thread's MXCSR.
#[cfg(target_arch = "x86_64")]
fn mxcsr() -> u32 {
    let mut m = 0u32;
    // SAFETY: stmxcsr stores the 4-byte MXCSR into `m`, a valid, aligned, writable u32.
    unsafe {
        std::arch::asm!("stmxcsr [{}]", in(reg) &mut m, options(nostack, preserves_flags));
    }
    m
}

/// Load `m` into this thread's MXCSR. Not marked as leaving memory alone, on purpose: the
/// compiler then keeps every load after it (the nets' weights) and every store before it (the
/// results) on their side, so the training arithmetic runs under the setting meant for it.
#[cfg(target_arch = "x86_64")]
fn set_mxcsr(m: u32) {
    // SAFETY: ldmxcsr reads the 4 bytes of `m`, a valid u32. Callers only add FTZ and DAZ to the
    // thread's own value or restore it: no exception is unmasked and the rounding mode is kept,
    // so no floating-point operation can trap or round differently because of it.
    unsafe {
        std::arch::asm!("ldmxcsr [{}]", in(reg) &m, options(nostack, preserves_flags));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hint::black_box;

    /// The smallest normal f32 halved: a subnormal, unless flushed.
    fn half_min() -> f32 {
        black_box(f32::MIN_POSITIVE) * black_box(0.5f32)
    }

    #[test]
    fn subnormals_flush_inside_and_come_back_after() {
        assert!(half_min() > 0.0, "subnormals before");
        {
            let _flush = FlushF32::new();
            #[cfg(target_arch = "x86_64")]
            assert_eq!(half_min(), 0.0, "FTZ inside");
            // DAZ: a subnormal input reads as zero (the product would be a normal number).
            #[cfg(target_arch = "x86_64")]
            assert_eq!(
                black_box(f32::from_bits(0x007f_ffff)) * black_box(4.0f32),
                0.0
            );
            // Normal numbers are untouched.
            assert_eq!(
                black_box(f32::MIN_POSITIVE) * black_box(2.0f32),
                2.0 * f32::MIN_POSITIVE
            );
        }
        assert!(half_min() > 0.0, "subnormals after");
        assert!(black_box(f64::MIN_POSITIVE) * black_box(0.5) > 0.0);
    }

    #[test]
    fn a_panic_inside_restores_the_setting() {
        let r = std::panic::catch_unwind(|| {
            let _flush = FlushF32::new();
            panic!("inside");
        });
        assert!(r.is_err());
        assert!(half_min() > 0.0, "subnormals after the panic");
    }

    #[test]
    fn f32_training_leaves_the_thread_as_it_found_it() {
        use crate::train::{Hyper, Net, Options, Params, Precision, TrainSpec, batch};
        // Rates that saturate the sigmoids.
        let nets: Vec<Net> = (0..40)
            .map(|i| Net {
                init: Params([0.5, -0.4, 0.1, 0.9, 0.3, -0.2, 0.8, -0.6, 0.05]),
                hyper: Hyper::lr(10f64.powi(i % 4)),
                options: Options::LESSON,
            })
            .collect();
        // The flush is taken for the f32 lanes and only for them.
        use crate::train::lane::{F32Lanes, F64Lanes};
        assert!(batch::flush_if_f32::<F32Lanes>().is_some());
        assert!(batch::flush_if_f32::<F64Lanes>().is_none());
        let spec = TrainSpec::new(50, vec![0, 50], None);
        let runs = batch::train(Precision::F32, &nets, &spec);
        assert_eq!(runs.len(), 40);
        assert!(half_min() > 0.0, "subnormals after training f32 lanes");
        batch::train_map(Precision::F32, &nets, 50);
        assert!(half_min() > 0.0, "subnormals after an f32 map");
    }
}
