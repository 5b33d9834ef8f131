//! How much of a map is rounding's doing: the chaotic share of a frame.
//!
//! A pixel is chaotic when its verdict (trained, or converged with `--measure converged`) flips
//! when both of its axis values are replaced by the next f64 above them (`f64::next_up`: one ulp
//! up on each axis at once; under `--precision dd` by one double-double ulp, see
//! [`super::compute::nudged`]). The share is taken over every pixel of a small map and over a
//! regular sub-grid of at least [`MIN_SAMPLE`] pixels of a large one (every `stride`-th pixel in
//! both directions), and stored, printed and drawn per frame. A frame whose chaotic share is above
//! [`ROUNDING_DOMINATED`] is more rounding than structure: its box count is not called a fractal
//! dimension, and a zoom sequence stops there.

use serde::Serialize;

use crate::train::Precision;

/// The fewest pixels a sampled chaotic share looks at.
pub const MIN_SAMPLE: usize = 4096;
/// Above this chaotic share a frame's boundary is rounding-dominated.
pub const ROUNDING_DOMINATED: f64 = 0.25;
/// A zoom target's neighbourhood counts as calm at or below this chaotic share.
pub const CALM: f64 = 0.05;

/// The pixels whose nudged verdict is checked: (i, j) with i ≡ j ≡ ⌊stride/2⌋ (mod stride),
/// stride = max(1, ⌊√(nx·ny / 4096)⌋), so at least 4096 of them (every pixel of a map of fewer
/// than 8192).
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub stride: usize,
    /// Pixel indices (row-major, row 0 = the lowest y), in order.
    pub pixels: Vec<usize>,
}

impl Sample {
    pub fn of(nx: usize, ny: usize) -> Sample {
        let stride = (((nx * ny) / MIN_SAMPLE) as f64).sqrt().floor().max(1.0) as usize;
        let off = stride / 2;
        let pixels = (off..ny)
            .step_by(stride)
            .flat_map(|j| (off..nx).step_by(stride).map(move |i| j * nx + i))
            .collect();
        Sample { stride, pixels }
    }
}

/// A frame's chaotic share with what it was measured on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chaos {
    /// Share of the sampled pixels whose verdict flips under the nudge.
    pub share: f64,
    /// Pixels looked at.
    pub sampled: usize,
    /// Every `stride`-th pixel in both directions (1: all of them).
    pub stride: usize,
    /// The nudge, in words.
    pub nudge: &'static str,
    #[serde(skip)]
    flips: Vec<(usize, bool)>,
}

/// The nudge of a map in `precision`, in words.
pub fn nudge(precision: Precision) -> &'static str {
    match precision {
        Precision::F64 | Precision::F32 => {
            "both axis values to the next f64 above (one ulp up each)"
        }
        Precision::Dd => "both axis values one double-double ulp up (ulp·2⁻⁵³ each)",
    }
}

impl Chaos {
    /// Compare the verdicts of every pixel of a `nx`-wide map with the nudged verdicts of the
    /// sample's pixels, nudged in `precision`.
    pub fn measure(
        verdicts: &[bool],
        sample: &Sample,
        nudged: &[bool],
        precision: Precision,
    ) -> Chaos {
        assert_eq!(
            sample.pixels.len(),
            nudged.len(),
            "one nudged verdict per sample"
        );
        let flips: Vec<(usize, bool)> = sample
            .pixels
            .iter()
            .zip(nudged)
            .map(|(&k, &n)| (k, verdicts[k] != n))
            .collect();
        let flipped = flips.iter().filter(|f| f.1).count();
        Chaos {
            share: flipped as f64 / flips.len().max(1) as f64,
            sampled: flips.len(),
            stride: sample.stride,
            nudge: nudge(precision),
            flips,
        }
    }

    /// Whether the frame is more rounding than structure.
    pub fn rounding_dominated(&self) -> bool {
        self.share > ROUNDING_DOMINATED
    }

    /// The chaotic share among the sampled pixels within `half` pixels (in both directions) of
    /// pixel (i, j) of a `nx`-wide map; None when none is sampled there.
    pub fn local(&self, nx: usize, (i, j): (usize, usize), half: usize) -> Option<f64> {
        let (mut n, mut f) = (0usize, 0usize);
        for &(k, flip) in &self.flips {
            let (pi, pj) = (k % nx, k / nx);
            if pi.abs_diff(i) <= half && pj.abs_diff(j) <= half {
                n += 1;
                f += usize::from(flip);
            }
        }
        (n > 0).then(|| f as f64 / n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_at_least_4096_or_every_pixel() {
        let s = Sample::of(50, 40);
        assert_eq!((s.stride, s.pixels.len()), (1, 2000));
        for (nx, ny) in [(256, 256), (512, 512), (100, 1000), (8192, 7)] {
            let s = Sample::of(nx, ny);
            assert!(
                s.pixels.len() >= MIN_SAMPLE,
                "{nx}×{ny}: {}",
                s.pixels.len()
            );
            assert!(s.pixels.windows(2).all(|w| w[0] < w[1]));
            assert!(s.pixels.iter().all(|&k| k < nx * ny));
        }
        assert_eq!(Sample::of(256, 256).stride, 4);
    }

    #[test]
    fn flips_are_counted_over_the_sample_and_locally() {
        let (nx, ny) = (8, 8);
        let sample = Sample::of(nx, ny);
        let verdicts: Vec<bool> = (0..nx * ny).map(|k| k % nx < 4).collect();
        let same: Vec<bool> = sample.pixels.iter().map(|&k| verdicts[k]).collect();
        assert_eq!(
            Chaos::measure(&verdicts, &sample, &same, Precision::F64).share,
            0.0
        );
        // Flip the right half's nudged verdicts: half the pixels are chaotic, all on the right.
        let right: Vec<bool> = sample
            .pixels
            .iter()
            .map(|&k| verdicts[k] != (k % nx >= 4))
            .collect();
        let c = Chaos::measure(&verdicts, &sample, &right, Precision::F64);
        assert_eq!(c.share, 0.5);
        assert_eq!(c.local(nx, (1, 4), 1), Some(0.0));
        assert_eq!(c.local(nx, (6, 4), 1), Some(1.0));
        assert!(c.rounding_dominated());
    }
}
