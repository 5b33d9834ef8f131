//! A mergeable quantile sketch for non-negative numbers: an exact integer histogram on a log grid.
//!
//! Why this and not DDSketch: the curves of a sweep put ~120 values per net into sketches (loss
//! and hidden gap at every logged epoch), so insertion must cost next to nothing beside a net's
//! training. A bucket here is read straight off the bits of an f64 — its exponent and the top
//! [`SUB_BITS`] bits of its mantissa — with no logarithm and no branch, and merging two histograms is integer
//! addition, so a sweep's curves are byte-identical in any order, thread count or shard split.
//!
//! **Accuracy.** A bucket spans [2^e·(1 + s/64), 2^e·(1 + (s+1)/64)) and reports its midpoint, so
//! a reported order statistic is within a relative [`RELATIVE_ACCURACY`] = 2⁻⁷ ≈ 0.78 % of the true
//! one for values in [2⁻⁹⁶, 2³²) ≈ [1.3e−29, 4.3e9]. Zero is exact. Values below that range are
//! reported as 2⁻⁹⁶ (they are numerically zero for a loss or a gap), values from 2³² up as 2³²,
//! +∞ as +∞, NaN as NaN (sorting above everything, like a diverged net). Quantiles interpolate
//! between order statistics like numpy's default, so they inherit the same relative bound.

/// Mantissa bits per bucket: 64 buckets per octave.
pub const SUB_BITS: u32 = 6;
/// The smallest and one past the largest binary exponent with buckets of their own.
pub const MIN_EXP: i32 = -96;
pub const MAX_EXP: i32 = 32;
/// Largest relative error of a reported order statistic inside the grid's range.
pub const RELATIVE_ACCURACY: f64 = 1.0 / (1u64 << (SUB_BITS + 1)) as f64;

const PER_OCTAVE: u32 = 1 << SUB_BITS;
const ZERO: u32 = 0;
const UNDER: u32 = 1;
const FIRST_GRID: u32 = 2;
const OVER: u32 = FIRST_GRID + (MAX_EXP - MIN_EXP) as u32 * PER_OCTAVE;
const INF: u32 = OVER + 1;
const NAN: u32 = INF + 1;
/// Number of buckets, special ones included.
pub const BUCKETS: u32 = NAN + 1;

/// The grid's first and one-past-last keys, a key being an f64's exponent field and top
/// [`SUB_BITS`] mantissa bits (`bits >> (52 − SUB_BITS)`), which increases with the value.
const LO_KEY: u64 = ((MIN_EXP + 1023) as u64) << SUB_BITS;
const HI_KEY: u64 = ((MAX_EXP + 1023) as u64) << SUB_BITS;
const INF_BITS: u64 = 0x7ff0_0000_0000_0000;

/// The bucket of `x` (negative values cannot occur for a loss or a gap; they count as NaN).
/// Computed from the bits alone, as a clamp and three selects with no branches, so that the
/// [`Builder`] computes a block of them in SIMD lanes: a sweep calls it ~100 times per net.
/// The key clamped to the grid's edges gives UNDER below it and OVER above (+∞ and NaN too,
/// whose exponent is all ones); then, as unsigned integers, every bit pattern above +∞ is a
/// NaN or negative, +∞ is itself, and ±0 is zero.
#[inline(always)]
pub fn bucket(x: f64) -> u32 {
    let bits = x.to_bits();
    let abs = bits & !(1u64 << 63);
    let key = (abs >> (52 - SUB_BITS)).clamp(LO_KEY - 1, HI_KEY);
    let b = key - (LO_KEY - 1) + u64::from(UNDER);
    let b = if bits > INF_BITS { u64::from(NAN) } else { b };
    let b = if bits == INF_BITS { u64::from(INF) } else { b };
    let b = if abs == 0 { u64::from(ZERO) } else { b };
    b as u32
}

/// The value a bucket reports: the midpoint of its interval.
pub fn representative(b: u32) -> f64 {
    match b {
        ZERO => 0.0,
        UNDER => 2f64.powi(MIN_EXP),
        OVER => 2f64.powi(MAX_EXP),
        INF => f64::INFINITY,
        NAN => f64::NAN,
        _ => {
            let i = b - FIRST_GRID;
            let (e, s) = ((i / PER_OCTAVE) as i32 + MIN_EXP, i % PER_OCTAVE);
            2f64.powi(e) * (1.0 + (f64::from(s) + 0.5) / f64::from(PER_OCTAVE))
        }
    }
}

/// A histogram as its non-empty buckets, in increasing bucket order: `(bucket, count)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram(pub Vec<(u32, u32)>);

impl Histogram {
    pub fn total(&self) -> u64 {
        self.0.iter().map(|&(_, c)| u64::from(c)).sum()
    }

    /// Add `other` into `self` (bucket-wise integer addition).
    pub fn merge(&mut self, other: &Histogram) {
        if other.0.is_empty() {
            return;
        }
        if self.0.is_empty() {
            self.0.clone_from(&other.0);
            return;
        }
        let (a, b) = (std::mem::take(&mut self.0), &other.0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => {
                    out.push(a[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push((a[i].0, a[i].1 + b[j].1));
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        self.0 = out;
    }

    /// The reported value of the order statistic of rank `r` (0-based, NaN sorting last).
    fn at_rank(&self, r: u64) -> f64 {
        let mut seen = 0;
        for &(b, c) in &self.0 {
            seen += u64::from(c);
            if r < seen {
                return representative(b);
            }
        }
        f64::NAN
    }

    /// Quartiles (q1, median, q3) by numpy's linear interpolation between order statistics; NaN
    /// where the upper of the two order statistics is NaN (a cell that mostly diverged), and for
    /// an empty histogram. The same rule as [`crate::report::stats::quartiles`] on exact data.
    pub fn quartiles(&self) -> [f64; 3] {
        let n = self.total();
        [0.25, 0.5, 0.75].map(|q| {
            if n == 0 {
                return f64::NAN;
            }
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as u64;
            let frac = pos - pos.floor();
            let a = self.at_rank(lo);
            if frac == 0.0 {
                return a;
            }
            let b = self.at_rank(lo + 1);
            if b.is_nan() {
                f64::NAN
            } else if a == b {
                a
            } else {
                a + (b - a) * frac
            }
        })
    }
}

/// Builds histograms from values quickly and reuses its memory. Values go in blocks: first
/// every bucket of the block (SIMD lanes), then the counts. The counts are [`LANES`]
/// interleaved histograms (value `i` of a block counts in histogram `i mod LANES`), because a
/// cell's nets at one epoch often share a bucket (a plateau, the initial loss): one histogram
/// would make each increment wait for the previous one to the same counter, while here `LANES`
/// chains run side by side. A block whose values all share one bucket is counted at once. The
/// lowest and highest bucket touched are tracked, and only that range is read back, in order.
///
/// Buckets are held as `u16` and index a table of a power of two of rows, masked to it (a no-op
/// for a bucket, but one the compiler can see): no bounds check and no clamp, one count costing
/// a mask, a load, an add and a store.
pub struct Builder {
    /// Per bucket, its count in each of the [`LANES`] interleaved histograms.
    counts: Box<[[u32; LANES]; ROWS]>,
    lo: u32,
    hi: u32,
    block: Vec<u16>,
}

/// Rows of a [`Builder`]'s counts: the power of two at or above [`BUCKETS`] (256 KiB).
const ROWS: usize = (BUCKETS as usize).next_power_of_two();
const _: () = assert!(ROWS <= 1 << 16, "every bucket is a u16");

/// Interleaved histograms of a [`Builder`].
const LANES: usize = 4;
/// Values bucketed at once by a [`Builder`].
const BLOCK: usize = 256;

impl Default for Builder {
    fn default() -> Self {
        Builder {
            counts: vec![[0; LANES]; ROWS]
                .into_boxed_slice()
                .try_into()
                .expect("ROWS rows"),
            lo: u32::MAX,
            hi: 0,
            block: vec![0; BLOCK],
        }
    }
}

impl Builder {
    /// Add every value of `xs`.
    pub fn add_all(&mut self, xs: &[f64]) {
        let (mut lo, mut hi) = (self.lo, self.hi);
        let counts = &mut self.counts;
        let at = |b: u16| usize::from(b) & (ROWS - 1);
        for values in xs.chunks(BLOCK) {
            let block = &mut self.block[..values.len()];
            for (b, &x) in block.iter_mut().zip(values) {
                // Below BUCKETS, so exact in 16 bits.
                *b = bucket(x) as u16;
            }
            let (first, last) = block
                .iter()
                .fold((u16::MAX, 0), |(l, h), &b| (l.min(b), h.max(b)));
            (lo, hi) = (lo.min(u32::from(first)), hi.max(u32::from(last)));
            if first == last {
                counts[at(first)][0] += block.len() as u32;
                continue;
            }
            let mut quads = block.chunks_exact(LANES);
            for q in &mut quads {
                for (lane, &b) in q.iter().enumerate() {
                    counts[at(b)][lane] += 1;
                }
            }
            for &b in quads.remainder() {
                counts[at(b)][0] += 1;
            }
        }
        (self.lo, self.hi) = (lo, hi);
    }

    /// The histogram of everything added since the last take; the builder is empty again.
    pub fn take(&mut self) -> Histogram {
        let (mut dense, mut h) = (Dense::default(), Histogram::default());
        self.take_dense(&mut dense);
        dense.take_into(&mut h);
        h
    }

    /// Add everything added since the last take into `d`, bucket by bucket over the range
    /// touched (no search, no allocation once `d` covers it); the builder is empty again.
    pub fn take_dense(&mut self, d: &mut Dense) {
        if self.lo > self.hi {
            return;
        }
        let (lo, hi) = (self.lo as usize, self.hi as usize);
        d.cover(self.lo, self.hi);
        let at = (self.lo - d.lo) as usize;
        let range = &mut self.counts[lo..=hi];
        for (sum, lanes) in d.counts[at..].iter_mut().zip(range.iter()) {
            *sum += lanes.iter().sum::<u32>();
        }
        range.fill([0; LANES]);
        (self.lo, self.hi) = (u32::MAX, 0);
    }
}

/// One histogram being filled: a count per bucket over the range touched so far. What a
/// sweep's chunk adds each block's values of a cell into (~100 histograms per block): adding
/// in is a pass over the block's range, where merging into a [`Histogram`] would copy all its
/// buckets every time; it becomes one, by [`Dense::take_into`], when the cell's share of the
/// chunk is done. At most [`BUCKETS`] counts (33 KB).
#[derive(Clone, Debug, Default)]
pub struct Dense {
    lo: u32,
    counts: Vec<u32>,
}

impl Dense {
    /// Widen the range to hold buckets `lo..=hi`.
    fn cover(&mut self, lo: u32, hi: u32) {
        if self.counts.is_empty() {
            self.lo = lo;
        } else if lo < self.lo {
            let grow = (self.lo - lo) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.lo = lo;
        }
        let len = (hi - self.lo + 1) as usize;
        if self.counts.len() < len {
            self.counts.resize(len, 0);
        }
    }

    /// Add `h`'s counts (bucket-wise addition, as [`Histogram::merge`] into what `self` holds,
    /// without the merge's new vector per call).
    pub fn add(&mut self, h: &Histogram) {
        let (Some(&(lo, _)), Some(&(hi, _))) = (h.0.first(), h.0.last()) else {
            return;
        };
        self.cover(lo, hi);
        for &(b, c) in &h.0 {
            self.counts[(b - self.lo) as usize] += c;
        }
    }

    /// Add the counts into `h` (bucket-wise addition, as [`Histogram::merge`]) and empty
    /// `self`, keeping its memory.
    pub fn take_into(&mut self, h: &mut Histogram) {
        let lo = self.lo;
        let nonzero = self.counts.iter().enumerate().filter(|&(_, &c)| c > 0);
        let part = Histogram(nonzero.map(|(i, &c)| (lo + i as u32, c)).collect());
        h.merge(&part);
        self.counts.clear();
    }
}

/// The histogram of `values`.
pub fn histogram(values: impl IntoIterator<Item = f64>) -> Histogram {
    let mut b = Builder::default();
    b.add_all(&values.into_iter().collect::<Vec<_>>());
    b.take()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::stats::quartiles;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn within(sketch: f64, exact: f64) -> bool {
        if exact.is_nan() {
            return sketch.is_nan();
        }
        (sketch - exact).abs() <= RELATIVE_ACCURACY * exact.abs() * (1.0 + 1e-12)
    }

    #[test]
    fn every_value_lands_in_a_bucket_whose_midpoint_is_within_the_accuracy() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..100_000 {
            let x = 2f64.powf(rng.random_range(-95.9..31.9));
            let r = representative(bucket(x));
            assert!(within(r, x), "{x} -> {r}");
        }
        assert_eq!(representative(bucket(0.0)), 0.0);
        assert_eq!(representative(bucket(f64::INFINITY)), f64::INFINITY);
        assert!(representative(bucket(f64::NAN)).is_nan());
        // The grid's edges: the last grid bucket and the first past it.
        let below_over = f64::from_bits(2f64.powi(MAX_EXP).to_bits() - 1);
        assert!(bucket(below_over) < OVER && bucket(2f64.powi(MAX_EXP)) == OVER);
        assert_eq!(bucket(2f64.powi(MIN_EXP - 1)), UNDER);
        assert_eq!(bucket(f64::MIN_POSITIVE / 4.0), UNDER, "subnormal");
        assert_eq!(bucket(-0.0), ZERO);
        assert_eq!(bucket(-1.0), NAN);
        assert_eq!(bucket(f64::NEG_INFINITY), NAN);
        assert_eq!(bucket(f64::MAX), OVER);
        assert_eq!(bucket(2f64.powi(MIN_EXP)), FIRST_GRID);
    }

    /// The bucket by its definition, with branches: exponent and top mantissa bits on the grid,
    /// the special buckets outside it.
    fn bucket_by_definition(x: f64) -> u32 {
        if x == 0.0 {
            ZERO
        } else if x.is_nan() || x < 0.0 {
            NAN
        } else if x == f64::INFINITY {
            INF
        } else {
            let bits = x.to_bits();
            let e = ((bits >> 52) & 0x7ff) as i32 - 1023;
            let sub = ((bits >> (52 - SUB_BITS)) & u64::from(PER_OCTAVE - 1)) as u32;
            if e < MIN_EXP {
                UNDER
            } else if e >= MAX_EXP {
                OVER
            } else {
                FIRST_GRID + (e - MIN_EXP) as u32 * PER_OCTAVE + sub
            }
        }
    }

    #[test]
    fn branch_free_bucket_agrees_with_the_definition_on_any_bits() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let edges = [
            0.0,
            -0.0,
            -1.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 4.0,
            2f64.powi(MAX_EXP),
            2f64.powi(MIN_EXP),
            2f64.powi(MIN_EXP - 1),
            2f64.powi(MIN_EXP).next_down(),
            2f64.powi(MAX_EXP).next_down(),
            f64::from_bits(1),
        ];
        // Any bits mostly miss the grid (exponents −96..32 of −1022..1023): these hit it and
        // its edges, either sign.
        let near_grid = (0..1_000_000).map(|_| {
            let e = (rng.random::<u64>() % 140 + 1023 - 102) << 52;
            f64::from_bits(e | (rng.random::<u64>() >> 12) | (rng.random::<u64>() & (1 << 63)))
        });
        let near_grid: Vec<f64> = near_grid.collect();
        let random = (0..1_000_000).map(|_| f64::from_bits(rng.random::<u64>()));
        for x in edges.into_iter().chain(random).chain(near_grid) {
            assert_eq!(
                bucket(x),
                bucket_by_definition(x),
                "{x:e} ({:#x})",
                x.to_bits()
            );
        }
    }

    #[test]
    fn builder_counts_what_it_is_given() {
        // Blocks of one bucket, of many, a plateau with outliers, specials, a short tail, and
        // the builder reused after a take.
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut b = Builder::default();
        for n in [0, 1, 3, BLOCK - 1, BLOCK, BLOCK + 5, 10 * BLOCK + 77] {
            let values: Vec<f64> = (0..n)
                .map(|i| match (i / BLOCK) % 3 {
                    0 => 0.125,
                    1 if rng.random_range(0..4) == 0 => 0.125,
                    1 => 10f64.powf(rng.random_range(-40.0..12.0)),
                    _ => [0.0, f64::NAN, f64::INFINITY, 1e-300, 0.5][i % 5],
                })
                .collect();
            let mut want = std::collections::BTreeMap::new();
            for &x in &values {
                *want.entry(bucket_by_definition(x)).or_insert(0u32) += 1;
            }
            b.add_all(&values[..n / 2]);
            b.add_all(&values[n / 2..]);
            assert_eq!(b.take().0, want.into_iter().collect::<Vec<_>>(), "n {n}");
        }
        assert_eq!(b.take(), Histogram::default());
    }

    #[test]
    fn sketch_quartiles_agree_with_exact_ones_within_the_accuracy() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for trial in 0..300 {
            let n = 1 + trial % 97 + (trial / 97) * 1000;
            let values: Vec<f64> = (0..n)
                .map(|_| match rng.random_range(0..10) {
                    0 => 0.0,
                    1 if trial % 3 == 0 => f64::NAN,
                    _ => 10f64.powf(rng.random_range(-12.0..2.0)),
                })
                .collect();
            let exact = quartiles(values.clone());
            let sketch = histogram(values).quartiles();
            for (s, e) in sketch.iter().zip(exact) {
                assert!(within(*s, e), "n={n}: sketch {sketch:?} exact {exact:?}");
            }
        }
    }

    #[test]
    fn merging_is_addition_in_any_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let values: Vec<f64> = (0..5000).map(|_| rng.random_range(0.0..1.0)).collect();
        let whole = histogram(values.iter().copied());
        let parts: Vec<Histogram> = values.chunks(777).map(|c| histogram(c.to_vec())).collect();
        let mut forward = Histogram::default();
        parts.iter().for_each(|p| forward.merge(p));
        let mut backward = Histogram::default();
        parts.iter().rev().for_each(|p| backward.merge(p));
        assert_eq!(forward, whole);
        assert_eq!(backward, whole);
        assert_eq!(whole.total(), 5000);
    }

    #[test]
    fn dense_takes_and_adds_are_merges() {
        // Parts that overlap, interleave, and miss each other's buckets; values spread over
        // many octaves, with zeros, NaN and ∞, so that every branch of the merge runs.
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let (mut b, mut dense) = (Builder::default(), Dense::default());
        let (mut by_take, mut by_merge) = (Histogram::default(), Histogram::default());
        // The same parts added as histograms (what the aggregator does with a chunk's).
        let (mut added, mut by_add) = (Dense::default(), Histogram::default());
        for part in 0..40 {
            let values: Vec<f64> = (0..rng.random_range(0..300))
                .map(|_| match rng.random_range(0..50) {
                    0 => 0.0,
                    1 => f64::NAN,
                    2 => f64::INFINITY,
                    _ => 10f64.powf(rng.random_range(-3.0..1.0) + f64::from(part % 7)),
                })
                .collect();
            // Every third part settles the dense counts (as a cell's end does), so that ranges
            // grow downwards and upwards into counts already there, and from empty.
            b.add_all(&values);
            b.take_dense(&mut dense);
            let part_histogram = histogram(values);
            added.add(&part_histogram);
            if part % 3 == 2 {
                dense.take_into(&mut by_take);
                assert!(dense.counts.is_empty());
                added.take_into(&mut by_add);
            }
            by_merge.merge(&part_histogram);
        }
        dense.take_into(&mut by_take);
        added.take_into(&mut by_add);
        assert_eq!(by_take, by_merge);
        assert_eq!(by_add, by_merge);
        assert!(by_take.0.len() > 1000, "{} buckets", by_take.0.len());
    }
}
