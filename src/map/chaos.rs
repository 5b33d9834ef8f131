//! How much of a map is rounding's doing: the chaotic share of a frame, and the same on its
//! boundary, where it matters.
//!
//! A pixel is chaotic when its verdict (trained, or converged with `--measure converged`) flips
//! when both of its axis values are replaced by the next number above them in the lanes'
//! precision (one ulp up on each axis at once). The **whole-frame share** is taken over every
//! pixel of a small map and over a regular sub-grid of at least [`MIN_SAMPLE`] pixels of a
//! large one (every `stride`-th pixel in both directions). It is lenient: most pixels of a frame
//! lie far from the boundary, where nothing flips.
//!
//! The **boundary chaos** ([`BoundaryChaos`]) looks only at boundary pixels (a 4-neighbour of
//! the other verdict), every one of them up to [`MAX_BOUNDARY`], under three nudges: one ulp up
//! on both axis values, one ulp up on all nine initial weights, and half a pixel up on both axes.
//! The half-pixel shift is the yardstick: it is how often the picture changes between a pixel and
//! the point halfway to its diagonal neighbour, the structure the frame resolves. Where the
//! dynamics decide the verdict, a one-ulp nudge flips next to nothing and the half-pixel shift
//! flips a good part of the boundary; where rounding decides it, each nudge draws the verdict
//! anew and flips as often as the shift does (a speckled frame: the three shares are equal). A
//! frame is **rounding-dominated** when the larger one-ulp share reaches [`ROUNDING_RATIO`] (one
//! half) of the half-pixel share: its box count is then not called a fractal dimension, and a
//! zoom sequence stops there unless a calm stretch of boundary is left to zoom into.
//! Selecting boundary pixels by their neighbours does not bias the comparison: all three nudged
//! verdicts are computed afresh, none was used to select.

use serde::Serialize;

use super::fractal::Sat;

use crate::train::Precision;

/// The fewest pixels a sampled chaotic share looks at.
pub const MIN_SAMPLE: usize = 4096;
/// A frame is rounding-dominated when a one-ulp nudge flips at least this share of what a
/// half-pixel shift flips on its boundary.
pub const ROUNDING_RATIO: f64 = 0.5;
/// A zoom target's neighbourhood counts as calm at or below this share of its boundary pixels
/// flipping under either one-ulp nudge.
pub const CALM: f64 = 0.05;
/// The most boundary pixels whose nudged verdicts are computed (every k-th beyond it).
pub const MAX_BOUNDARY: usize = 16384;

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
}

/// The whole-frame share's nudge in `precision`, in words.
pub fn nudge(precision: Precision) -> &'static str {
    match precision {
        Precision::F64 => "both axis values to the next f64 above (one ulp up each)",
        Precision::F32 => "both axis values to the next f32 above (one f32 ulp up each)",
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
        let flipped = (sample.pixels.iter().zip(nudged))
            .filter(|&(&k, &n)| verdicts[k] != n)
            .count();
        Chaos {
            share: flipped as f64 / nudged.len().max(1) as f64,
            sampled: nudged.len(),
            stride: sample.stride,
            nudge: nudge(precision),
        }
    }
}

/// The three nudges of the boundary chaos.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nudge {
    /// Both axis values one ulp up in the lanes' precision.
    Axes,
    /// All nine initial weights one ulp up in the lanes' precision.
    Weights,
    /// Both axis values half a pixel up: the point halfway to the diagonal neighbour.
    HalfPixel,
}

impl Nudge {
    pub const ALL: [Nudge; 3] = [Nudge::Axes, Nudge::Weights, Nudge::HalfPixel];

    pub fn describe(self) -> &'static str {
        match self {
            Nudge::Axes => "both axis values one ulp up",
            Nudge::Weights => "all nine initial weights one ulp up",
            Nudge::HalfPixel => "both axis values half a pixel up",
        }
    }
}

/// The boundary pixels of a frame (row-major, `nx` per row): those with a 4-neighbour of the
/// other verdict ([`super::fractal::pixel_boundary`]), in order.
pub fn boundary_pixels(verdicts: &[bool], nx: usize, ny: usize) -> Vec<usize> {
    let mask = super::fractal::pixel_boundary(verdicts, nx, ny);
    (0..mask.len()).filter(|&k| mask[k]).collect()
}

/// The boundary pixels whose nudged verdicts are computed: all of them up to [`MAX_BOUNDARY`],
/// every k-th beyond (k = ⌈n / MAX_BOUNDARY⌉).
pub fn boundary_sample(boundary: &[usize]) -> Vec<usize> {
    let k = boundary.len().div_ceil(MAX_BOUNDARY).max(1);
    boundary.iter().step_by(k).copied().collect()
}

/// How often one nudge flips a verdict: the share with its 95 % Wilson interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flips {
    pub nudge: &'static str,
    pub flipped: u64,
    pub of: u64,
    pub share: f64,
    pub wilson: (f64, f64),
}

impl Flips {
    fn count(nudge: Nudge, flipped: &[bool]) -> Flips {
        let (k, n) = (
            flipped.iter().filter(|f| **f).count() as u64,
            flipped.len() as u64,
        );
        Flips {
            nudge: nudge.describe(),
            flipped: k,
            of: n,
            share: if n == 0 { 0.0 } else { k as f64 / n as f64 },
            wilson: crate::report::stats::wilson_95(k, n),
        }
    }

    /// "12.3 % (10.1–14.8 %)".
    pub fn text(&self) -> String {
        format!(
            "{} ({}–{}\u{a0}%)",
            crate::format::percent(self.share),
            crate::format::fixed(100.0 * self.wilson.0, 1),
            crate::format::fixed(100.0 * self.wilson.1, 1)
        )
    }
}

/// A frame's boundary chaos (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoundaryChaos {
    /// Boundary pixels in the frame.
    pub boundary_pixels: usize,
    /// Of them, those nudged.
    pub sampled: usize,
    pub axes: Flips,
    pub weights: Flips,
    pub half_pixel: Flips,
    /// The larger one-ulp share over the half-pixel share (0 when neither flips anything).
    pub rounding_ratio: f64,
    pub rounding_dominated: bool,
    /// Per sampled pixel: (index, flipped under either one-ulp nudge).
    #[serde(skip)]
    flips: Vec<(usize, bool)>,
}

impl BoundaryChaos {
    /// Compare the verdicts of the `sample`d boundary pixels (of `boundary_pixels` in all) with
    /// their verdicts under each nudge, in the order of [`Nudge::ALL`].
    pub fn measure(
        verdicts: &[bool],
        boundary_pixels: usize,
        sample: &[usize],
        nudged: [&[bool]; 3],
    ) -> BoundaryChaos {
        let flipped: Vec<Vec<bool>> = nudged
            .iter()
            .map(|n| {
                assert_eq!(n.len(), sample.len(), "one nudged verdict per sample");
                sample
                    .iter()
                    .zip(*n)
                    .map(|(&k, &v)| verdicts[k] != v)
                    .collect()
            })
            .collect();
        let [axes, weights, half_pixel] =
            std::array::from_fn(|m| Flips::count(Nudge::ALL[m], &flipped[m]));
        let ulp = axes.share.max(weights.share); // as [`Self::ulp`] picks
        let rounding_ratio = if ulp == 0.0 {
            0.0
        } else {
            ulp / half_pixel.share
        };
        BoundaryChaos {
            boundary_pixels,
            sampled: sample.len(),
            rounding_dominated: ulp > 0.0 && rounding_ratio >= ROUNDING_RATIO,
            flips: (0..sample.len())
                .map(|s| (sample[s], flipped[0][s] || flipped[1][s]))
                .collect(),
            axes,
            weights,
            half_pixel,
            rounding_ratio,
        }
    }

    /// The one-ulp nudge that flips more boundary pixels (the axes' on a tie).
    pub fn ulp(&self) -> &Flips {
        if self.axes.share >= self.weights.share {
            &self.axes
        } else {
            &self.weights
        }
    }

    /// The sampled boundary pixels whose verdict flipped under a one-ulp nudge, in order.
    pub fn flipped(&self) -> impl Iterator<Item = usize> + '_ {
        self.flips.iter().filter(|f| f.1).map(|f| f.0)
    }

    /// Summed-area tables of the sampled boundary pixels and of those that flipped under a
    /// one-ulp nudge, over a `nx` × `ny` frame: what [`Local::share`] reads.
    pub fn local(&self, nx: usize, ny: usize) -> Local {
        let (mut sampled, mut flipped) = (vec![0u32; nx * ny], vec![0u32; nx * ny]);
        for &(k, f) in &self.flips {
            sampled[k] = 1;
            flipped[k] = u32::from(f);
        }
        Local {
            sampled: Sat::of(&sampled, nx, ny),
            flipped: Sat::of(&flipped, nx, ny),
        }
    }

    /// "axes 1.2 % (…), weights 0.9 % (…), half a pixel 41.0 % (…) of 3120 boundary pixels".
    pub fn text(&self) -> String {
        let of = if self.sampled == self.boundary_pixels {
            format!("{} boundary pixels", self.sampled)
        } else {
            format!(
                "a sample of {} of {} boundary pixels",
                self.sampled, self.boundary_pixels
            )
        };
        format!(
            "flips: one ulp on the axes {}, on the weights {}, half a pixel {} ({of})",
            self.axes.text(),
            self.weights.text(),
            self.half_pixel.text()
        )
    }
}

/// The local boundary chaos of a frame (see [`BoundaryChaos::local`]).
pub struct Local {
    sampled: Sat,
    flipped: Sat,
}

impl Local {
    /// The share of sampled boundary pixels in [i0, i1) × [j0, j1) that flip under a one-ulp
    /// nudge; None if none is sampled there.
    pub fn share(&self, from: (usize, usize), to: (usize, usize)) -> Option<f64> {
        let n = self.sampled.window(from, to);
        (n > 0).then(|| f64::from(self.flipped.window(from, to)) / f64::from(n))
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
    }

    #[test]
    fn boundary_chaos_compares_one_ulp_with_half_a_pixel() {
        // Two columns of 4 pixels: left untrained, right trained; all 8 on the boundary.
        let (nx, ny) = (2, 4);
        let verdicts: Vec<bool> = (0..nx * ny).map(|k| k % nx == 1).collect();
        let on = boundary_pixels(&verdicts, nx, ny);
        assert_eq!(on, (0..8).collect::<Vec<_>>());
        let same: Vec<bool> = on.iter().map(|&k| verdicts[k]).collect();
        let flip = |n: usize| -> Vec<bool> { on.iter().map(|&k| verdicts[k] != (k < n)).collect() };
        // The dynamics decide: no ulp flips, half a pixel flips half.
        let calm = BoundaryChaos::measure(&verdicts, 8, &on, [&same, &same, &flip(4)]);
        assert_eq!((calm.axes.share, calm.half_pixel.share), (0.0, 0.5));
        assert!(!calm.rounding_dominated);
        assert_eq!(calm.local(nx, ny).share((0, 0), (2, 4)), Some(0.0));
        // Speckle: every nudge draws anew, the weights' ulp flips as often as half a pixel.
        let noisy = BoundaryChaos::measure(&verdicts, 8, &on, [&same, &flip(4), &flip(4)]);
        assert_eq!(noisy.rounding_ratio, 1.0);
        assert!(noisy.rounding_dominated);
        assert_eq!(noisy.flipped().collect::<Vec<_>>(), [0, 1, 2, 3]);
        let local = noisy.local(nx, ny);
        assert_eq!(local.share((0, 0), (2, 2)), Some(1.0));
        assert_eq!(local.share((0, 2), (2, 4)), Some(0.0));
        let (lo, hi) = noisy.weights.wilson;
        assert!(lo < 0.5 && hi > 0.5 && lo > 0.15 && hi < 0.85, "{lo} {hi}");
        // A sample of every k-th boundary pixel beyond the cap.
        let many: Vec<usize> = (0..MAX_BOUNDARY * 2).collect();
        assert_eq!(
            boundary_sample(&many),
            (0..MAX_BOUNDARY * 2).step_by(2).collect::<Vec<_>>()
        );
        assert_eq!(boundary_sample(&many[..MAX_BOUNDARY]).len(), MAX_BOUNDARY);
    }
}
