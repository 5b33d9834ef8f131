//! The arithmetic of benchmark comparisons, kept apart from measuring and printing.

/// Median, extremes and median absolute deviation of a set of rates.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub mad: f64,
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

impl Spread {
    pub fn of(xs: &[f64]) -> Spread {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        let m = median(&v);
        let mut dev: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
        dev.sort_by(f64::total_cmp);
        Spread {
            median: m,
            min: v.first().copied().unwrap_or(f64::NAN),
            max: v.last().copied().unwrap_or(f64::NAN),
            mad: median(&dev),
        }
    }
}

/// How many times faster `a` is than `b`, with an uncertainty from their spreads (relative
/// deviations added in quadrature): "6.80 ± 0.05".
pub fn speedup(a: &Spread, b: &Spread) -> (f64, f64) {
    let r = a.median / b.median;
    let rel = ((a.mad / a.median).powi(2) + (b.mad / b.median).powi(2)).sqrt();
    (r, r * rel)
}

/// Parallel efficiency of `threads` threads against one: speedup / threads.
pub fn scaling(many: &Spread, one: &Spread, threads: usize) -> f64 {
    many.median / one.median / threads as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_and_ratios() {
        let s = Spread::of(&[3.0, 1.0, 2.0, 10.0]);
        assert_eq!((s.median, s.min, s.max, s.mad), (2.5, 1.0, 10.0, 1.0));
        let a = Spread {
            median: 10.0,
            min: 9.0,
            max: 11.0,
            mad: 0.0,
        };
        let b = Spread {
            median: 2.0,
            min: 2.0,
            max: 2.0,
            mad: 0.0,
        };
        assert_eq!(speedup(&a, &b), (5.0, 0.0));
        assert_eq!(scaling(&a, &Spread { median: 5.0, ..b }, 2), 1.0);
        let (_, err) = speedup(&Spread { mad: 1.0, ..a }, &b);
        assert!((err - 0.5).abs() < 1e-12);
    }
}
