//! The difference of two proportions with its 95 % interval, by Newcombe's hybrid score method
//! (method 10 of R. G. Newcombe, "Interval estimation for the difference between independent
//! proportions: comparison of eleven methods", Statistics in Medicine 17, 873–890, 1998): each
//! share gets its Wilson score interval, and the two intervals' distances from their estimates
//! are combined in quadrature. Unlike the Wald interval it stays inside [−1, 1], behaves at 0 %
//! and 100 %, and covers close to 95 % even at the few dozen nets of a small cell. Pure maths.

use super::stats::wilson_95;

/// p₂ − p₁ for `k2` of `n2` against `k1` of `n1`, with its 95 % interval (Newcombe's hybrid
/// score interval). None when either count of trials is zero.
pub fn difference_95(k1: u64, n1: u64, k2: u64, n2: u64) -> Option<(f64, (f64, f64))> {
    if n1 == 0 || n2 == 0 || k1 > n1 || k2 > n2 {
        return None;
    }
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let (l1, u1) = wilson_95(k1, n1);
    let (l2, u2) = wilson_95(k2, n2);
    let d = p2 - p1;
    let lo = d - ((p2 - l2).powi(2) + (u1 - p1).powi(2)).sqrt();
    let hi = d + ((u2 - p2).powi(2) + (p1 - l1).powi(2)).sqrt();
    Some((d, (lo.max(-1.0), hi.min(1.0))))
}

/// How many of `tests` independent comparisons at the 5 % level would come out significant by
/// chance alone if nothing differed.
pub fn expected_by_chance(tests: usize) -> f64 {
    0.05 * tests as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcombe (1998), table II, method 10: the interval of p₁ − p₂ for k₁/n₁ and k₂/n₂.
    #[test]
    fn matches_newcombe_1998_worked_examples() {
        let cases: [(u64, u64, u64, u64, f64, f64); 8] = [
            (56, 70, 48, 80, 0.0524, 0.3339),
            (9, 10, 3, 10, 0.1705, 0.8090),
            (6, 7, 2, 7, 0.0582, 0.8062),
            (5, 56, 0, 29, -0.0381, 0.1926),
            (0, 10, 0, 20, -0.1611, 0.2775),
            (0, 10, 0, 10, -0.2775, 0.2775),
            (10, 10, 0, 20, 0.6791, 1.0000),
            (10, 10, 0, 10, 0.6075, 1.0000),
        ];
        for (k1, n1, k2, n2, lo, hi) in cases {
            // difference_95 gives the second share minus the first: p₁ − p₂ with (k₂, n₂) first.
            let (d, (l, u)) = difference_95(k2, n2, k1, n1).unwrap();
            let want_d = k1 as f64 / n1 as f64 - k2 as f64 / n2 as f64;
            assert!((d - want_d).abs() < 1e-12);
            // The paper rounds to 4 places and uses z = 1.96.
            assert!(
                (l - lo).abs() < 6e-4 && (u - hi).abs() < 6e-4,
                "{k1}/{n1} − {k2}/{n2}: ({l:.4}, {u:.4}) against ({lo}, {hi})"
            );
        }
    }

    #[test]
    fn identical_shares_have_an_interval_around_zero() {
        let (d, (l, u)) = difference_95(120, 200, 120, 200).unwrap();
        assert_eq!(d, 0.0);
        assert!(l < 0.0 && u > 0.0 && (l + u).abs() < 1e-12);
        assert!(difference_95(1, 0, 1, 2).is_none());
        assert_eq!(expected_by_chance(200), 10.0);
    }
}
