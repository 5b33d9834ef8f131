//! Pure statistics of a finished sweep: quantiles, Wilson intervals for a solved share, the
//! distribution-free order-statistic interval for a median, and the per-cell summaries and curve
//! bands that [`super::aggregate`] fills. No I/O; the CSV, chart and HTML writers all read from
//! here.

use crate::sweep::plan::Cell;

/// The order statistics a linear-interpolation quantile `q` of `n` values reads: the one at
/// rank ⌊q·(n − 1)⌋, and the next one up when `q·(n − 1)` is not a whole number.
fn quantile_ranks(n: usize, q: f64) -> (usize, Option<usize>) {
    let pos = q * (n.max(1) - 1) as f64;
    let lo = pos.floor() as usize;
    (lo, (pos > pos.floor() && lo + 1 < n).then_some(lo + 1))
}

/// Linear-interpolation quantile `q` (numpy's default) of `n` values whose order statistic of
/// rank `r` (0-based) is `at(r)`; NaN for no data.
fn quantile_by_rank(n: usize, q: f64, at: impl Fn(usize) -> f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let (lo, hi) = quantile_ranks(n, q);
    let frac = q * (n - 1) as f64 - lo as f64;
    match hi {
        None => at(lo),
        Some(hi) => {
            let (a, b) = (at(lo), at(hi));
            // Equal neighbours (two infinities too: inf − inf would be NaN).
            if a == b { a } else { a + (b - a) * frac }
        }
    }
}

/// The sweep's order as an integer: every NaN sorts as the largest value, the others in
/// [`f64::total_cmp`]'s order (−0 before +0). Integers compare in one instruction where a
/// comparator on floats takes several: selecting on these keys takes half the time.
fn order_key(x: f64) -> u64 {
    const SIGN: u64 = 1 << 63;
    let bits = x.to_bits();
    if x.is_nan() {
        u64::MAX
    } else if bits & SIGN != 0 {
        !bits
    } else {
        bits | SIGN
    }
}

/// The value of an [`order_key`] (NaN for the NaN key).
fn key_value(key: u64) -> f64 {
    const SIGN: u64 = 1 << 63;
    if key == u64::MAX {
        f64::NAN
    } else if key & SIGN != 0 {
        f64::from_bits(key & !SIGN)
    } else {
        f64::from_bits(!key)
    }
}

/// Put the order statistics of `ranks` (ascending, distinct, offset by `first`) in place, as a
/// sort would, without sorting the rest: select the middle rank, then the ranks on each side
/// within their side. About 2n comparisons for the quartiles' six ranks, not n·log n.
fn select_ranks(keys: &mut [u64], first: usize, ranks: &[usize]) {
    if ranks.is_empty() {
        return;
    }
    let m = ranks.len() / 2;
    let (left, _, right) = keys.select_nth_unstable(ranks[m] - first);
    select_ranks(left, first, &ranks[..m]);
    select_ranks(right, ranks[m] + 1, &ranks[m + 1..]);
}

/// Quartiles (q1, median, q3). NaN sorts above +inf, so a cell that mostly diverged has a NaN
/// median.
pub fn quartiles(values: Vec<f64>) -> [f64; 3] {
    quantiles(values, [0.25, 0.5, 0.75])
}

/// The median, as [`quartiles`] has it.
pub fn median(values: Vec<f64>) -> f64 {
    quantiles(values, [0.5])[0]
}

/// Linear-interpolation quantiles of unsorted data, NaN where the upper of the two order
/// statistics read is NaN. The order statistics are found by selection; the values are those
/// of sorting.
fn quantiles<const K: usize>(values: Vec<f64>, qs: [f64; K]) -> [f64; K] {
    let n = values.len();
    let mut ranks: Vec<usize> = qs
        .iter()
        .flat_map(|&q| {
            let (lo, hi) = quantile_ranks(n, q);
            [Some(lo), hi]
        })
        .flatten()
        .filter(|&r| r < n)
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    // In place: a Vec<f64> mapped to a Vec<u64> keeps its allocation.
    let mut keys: Vec<u64> = values.into_iter().map(order_key).collect();
    select_ranks(&mut keys, 0, &ranks);
    qs.map(|q| {
        let (lo, hi) = quantile_ranks(n, q);
        if keys.get(hi.unwrap_or(lo)) == Some(&u64::MAX) {
            f64::NAN
        } else {
            quantile_by_rank(n, q, |r| key_value(keys[r]))
        }
    })
}

/// Sort epochs: by counting where the largest is below a few times their number (a sweep's
/// solved epochs: up to `--epochs`, thousands of nets per cell), else by comparison.
pub fn sort_epochs(epochs: &mut [u32]) {
    let max = epochs.iter().copied().max().unwrap_or(0) as usize;
    if max >= 4 * epochs.len() {
        epochs.sort_unstable();
        return;
    }
    let mut counts = vec![0u32; max + 1];
    for &e in epochs.iter() {
        counts[e as usize] += 1;
    }
    let mut at = 0;
    for (e, &c) in counts.iter().enumerate() {
        epochs[at..at + c as usize].fill(e as u32);
        at += c as usize;
    }
}

/// Quartiles (q1, median, q3) of sorted epochs, as [`quartiles`] gives them.
pub fn quartiles_of_sorted(sorted: &[u32]) -> [f64; 3] {
    [0.25, 0.5, 0.75].map(|q| quantile_by_rank(sorted.len(), q, |r| f64::from(sorted[r])))
}

/// 95 % Wilson score interval for `k` successes in `n` trials.
pub fn wilson_95(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let z = 1.959_963_984_540_054;
    let (nf, p) = (n as f64, k as f64 / n as f64);
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt() / denom;
    // At 0 or n successes the bound is exactly 0 or 1; the formula leaves rounding dust there.
    let lo = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// The 1-based ranks (l, u) of the order statistics X(l) ≤ median ≤ X(u) that make a
/// distribution-free 95 % interval for the median of `n` independent draws of any continuous
/// distribution (the binomial, or sign-test, interval): with B ~ Binomial(n, ½), the coverage of
/// [X(l), X(n + 1 − l)] is 1 − 2·P(B ≤ l − 1), and l is the largest rank that keeps it at least
/// 95 %. None for n < 6, where even [min, max] covers the median less than 95 % of the time.
///
/// The binomial terms are summed in log space, up from 0, until the tail passes 2.5 %: O(n)
/// steps, no more than the sort that the aggregate already does per cell.
pub fn median_ci95_ranks(n: usize) -> Option<(usize, usize)> {
    let tail = 0.025;
    let nf = n as f64;
    let mut log_term = -nf * std::f64::consts::LN_2;
    let mut cdf = 0.0;
    for k in 0..=n {
        cdf += log_term.exp();
        if cdf > tail {
            // P(B ≤ k) passed 2.5 %: the largest admissible l − 1 is k − 1.
            return (k >= 1).then_some((k, n + 1 - k));
        }
        log_term += ((nf - k as f64) / (k as f64 + 1.0)).ln();
    }
    None
}

/// The coverage of the order-statistic interval [X(l), X(n + 1 − l)] for the median of `n`
/// draws: 1 − 2·P(B ≤ l − 1), B ~ Binomial(n, ½). For checking [`median_ci95_ranks`].
pub fn median_interval_coverage(n: usize, l: usize) -> f64 {
    let nf = n as f64;
    let mut log_term = -nf * std::f64::consts::LN_2;
    let mut cdf = 0.0;
    for k in 0..l {
        cdf += log_term.exp();
        log_term += ((nf - k as f64) / (k as f64 + 1.0)).ln();
    }
    1.0 - 2.0 * cdf
}

/// The distribution-free 95 % interval for the median of sorted data (see
/// [`median_ci95_ranks`]); None when there are fewer than 6 values.
pub fn median_ci95(sorted: &[u32]) -> Option<(f64, f64)> {
    let (l, u) = median_ci95_ranks(sorted.len())?;
    Some((f64::from(sorted[l - 1]), f64::from(sorted[u - 1])))
}

/// What summary.csv says about one cell.
#[derive(Clone, Debug)]
pub struct CellSummary {
    pub cell: Cell,
    pub nets: u64,
    pub solved: u64,
    pub wilson: (f64, f64),
    /// Quartiles of solved_epoch among solved nets (NaN if none solved).
    pub solved_epoch: [f64; 3],
    /// 95 % interval of the median solved epoch ([`median_ci95`]): None below 6 solved nets.
    pub solved_epoch_median_ci95: Option<(f64, f64)>,
    pub final_loss: [f64; 3],
    /// Median final MSE (the same as the final loss's for the lesson's loss).
    pub final_mse_median: f64,
    pub best_final_loss: f64,
    pub diverged: u64,
    pub median_hidden_gap: f64,
    /// With `--target-loss`: nets whose loss went below it, and their median first such epoch.
    pub target: Option<(u64, f64)>,
}

impl CellSummary {
    pub fn solved_fraction(&self) -> f64 {
        self.solved as f64 / self.nets as f64
    }
}

/// Per logged epoch, the quartiles of loss and of hidden gap across a cell's nets (from the
/// sketches: within [`crate::sketch::RELATIVE_ACCURACY`] of the exact quartiles).
#[derive(Clone, Debug)]
pub struct CurveBand {
    pub loss: Vec<[f64; 3]>,
    pub gap: Vec<[f64; 3]>,
    /// Fraction of the cell's nets solved by each logged epoch (the CDF of solved_epoch).
    pub solved: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_by_rank(4, 0.5, |r| v[r]), 2.5);
        assert_eq!(quantile_by_rank(4, 0.25, |r| v[r]), 1.75);
        assert_eq!(quartiles(vec![3.0, 1.0, 2.0]), [1.5, 2.0, 2.5]);
        assert!(quartiles(vec![]).iter().all(|x| x.is_nan()));
        // Three of four diverged: every quartile reaches into the NaNs.
        assert!(
            quartiles(vec![f64::NAN, 1.0, f64::NAN, f64::NAN])
                .iter()
                .all(|x| x.is_nan())
        );
        assert_eq!(quartiles(vec![f64::NAN, 1.0, 2.0, 3.0, 4.0])[1], 3.0);
        let inf = f64::INFINITY;
        assert_eq!(quartiles(vec![inf; 5]), [inf; 3]);
        assert_eq!(quartiles(vec![1.0, inf, inf, inf])[1], inf);
    }

    /// The sweep's order by its definition: every NaN sorts as the largest value (total_cmp alone
    /// would put negative NaNs first).
    fn nan_last(a: &f64, b: &f64) -> std::cmp::Ordering {
        a.is_nan().cmp(&b.is_nan()).then(a.total_cmp(b))
    }

    #[test]
    fn order_keys_sort_as_the_definition_and_give_the_values_back() {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            5e-324,
            -5e-324,
            1e308,
            -1e308,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::MIN_POSITIVE,
            0.25,
        ];
        v.sort_by(nan_last);
        for w in v.windows(2) {
            // Every NaN is one key: which NaN a quantile reads does not matter (it says NaN).
            let want = if w[0].is_nan() && w[1].is_nan() {
                std::cmp::Ordering::Equal
            } else {
                nan_last(&w[0], &w[1])
            };
            assert_eq!(order_key(w[0]).cmp(&order_key(w[1])), want, "{w:?}");
        }
        for x in v {
            let back = key_value(order_key(x));
            assert!(
                back.to_bits() == x.to_bits() || (x.is_nan() && back.is_nan()),
                "{x}"
            );
        }
    }

    #[test]
    fn quartiles_by_selection_are_those_of_sorting_bit_for_bit() {
        use rand::{RngExt, SeedableRng};
        let by_sorting = |mut v: Vec<f64>| -> [f64; 3] {
            v.sort_by(nan_last);
            [0.25, 0.5, 0.75].map(|q| {
                let upper = (q * (v.len().max(1) - 1) as f64).ceil() as usize;
                if v.get(upper).is_some_and(|x| x.is_nan()) {
                    f64::NAN
                } else {
                    quantile_by_rank(v.len(), q, |r| v[r])
                }
            })
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let pool = [
            0.0,
            -0.0,
            1.0,
            2.0,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
            1e-300,
            -1.0,
            f64::NEG_INFINITY,
        ];
        for trial in 0..2000 {
            let n = trial % 40 + (trial / 1000) * 5000;
            let v: Vec<f64> = (0..n)
                .map(|_| match rng.random_range(0..4) {
                    0 => pool[rng.random_range(0..pool.len())],
                    _ => rng.random_range(0.0..1.0),
                })
                .collect();
            let (got, want) = (quartiles(v.clone()), by_sorting(v.clone()));
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "n {n}");
            assert_eq!(median(v).to_bits(), want[1].to_bits(), "n {n}");
        }
    }

    #[test]
    fn epochs_sorted_by_counting_or_comparison_are_sorted_and_give_the_same_quartiles() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut counted = 0;
        for trial in 0..400 {
            let n = trial % 50 + (trial / 100) * 3000;
            let top = [1, 20, 500, 1 << 30][trial % 4];
            let v: Vec<u32> = (0..n).map(|_| rng.random_range(0..top)).collect();
            let mut got = v.clone();
            sort_epochs(&mut got);
            let mut want = v.clone();
            want.sort_unstable();
            assert_eq!(got, want, "n {n}, below {top}");
            counted += usize::from(n > 0 && (top as usize) < n);
            let as_f64 = v.iter().map(|&e| f64::from(e)).collect();
            let (a, b) = (quartiles_of_sorted(&got), quartiles(as_f64));
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits), "n {n}");
        }
        assert!(counted > 50, "{counted} trials sorted by counting");
    }

    #[test]
    fn wilson_interval_known_values() {
        // 8 of 10: (0.4902, 0.9433) to 4 places (standard tables).
        let (lo, hi) = wilson_95(8, 10);
        assert!(
            (lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(wilson_95(0, 5).0, 0.0);
        assert_eq!(wilson_95(0, 200).0, 0.0);
        assert_eq!(wilson_95(200, 200).1, 1.0);
        assert_eq!(wilson_95(5, 5).1, 1.0);
    }

    #[test]
    fn median_interval_ranks_match_published_tables() {
        // Conover, Practical Nonparametric Statistics, table A3 / the sign-test interval: the
        // smallest n with a 95 % interval is 6 ([min, max], coverage 1 − 2/64 = 96.9 %).
        assert_eq!(median_ci95_ranks(5), None);
        assert_eq!(median_ci95_ranks(0), None);
        assert_eq!(median_ci95_ranks(6), Some((1, 6)));
        assert_eq!(median_ci95_ranks(10), Some((2, 9)));
        assert_eq!(median_ci95_ranks(20), Some((6, 15)));
        assert_eq!(median_ci95_ranks(100), Some((40, 61)));
        assert!((median_interval_coverage(6, 1) - (1.0 - 2.0 / 64.0)).abs() < 1e-12);
        assert!((median_interval_coverage(10, 2) - (1.0 - 2.0 * 11.0 / 1024.0)).abs() < 1e-12);
        // Large n: l ≈ n/2 − 0.98·√n, and the chosen rank is the last that keeps 95 %.
        for n in [37, 200, 1001, 40_000, 1_000_000] {
            let (l, u) = median_ci95_ranks(n).unwrap();
            assert_eq!(u, n + 1 - l);
            assert!(median_interval_coverage(n, l) >= 0.95, "n {n}");
            assert!(median_interval_coverage(n, l + 1) < 0.95, "n {n}");
            let normal = n as f64 / 2.0 - 1.959964 * (n as f64).sqrt() / 2.0;
            assert!((l as f64 - normal).abs() < 2.0, "n {n}: l {l} vs {normal}");
        }
        let data: Vec<u32> = (1..=10).map(|x| x * 10).collect();
        assert_eq!(median_ci95(&data), Some((20.0, 90.0)));
        assert_eq!(median_ci95(&data[..5]), None);
    }
}
