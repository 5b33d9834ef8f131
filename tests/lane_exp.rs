//! Accuracy of the lanes' own `exp` and `sigmoid` against the standard library, lane by lane.

mod common;

use common::ulps;
use wide::{f32x8, f32x16, f64x4, f64x8};
use xorsweep::train::lane::Lane;

/// Check `V::exp` on `xs` within `max_ulps` of std's exp rounded to the lane precision.
fn check_exp<V: Lane>(xs: &[f64], max_ulps: u64, round: fn(f64) -> f64) {
    let w = V::WIDTH;
    let mut out = vec![0.0; w];
    for chunk in xs.chunks(w) {
        let mut input = chunk.to_vec();
        input.resize(w, 0.0);
        V::load(&input).exp().store(&mut out);
        for (x, got) in input.iter().zip(&out) {
            let want = round(round(*x).exp());
            let u = if V::PRECISION == xorsweep::train::Precision::F32 {
                let (a, b) = (*got as f32, want as f32);
                let key = |v: f32| {
                    let i = v.to_bits() as i32;
                    if i < 0 { i32::MIN - i } else { i }
                };
                key(a).abs_diff(key(b)) as u64
            } else {
                ulps(*got, want)
            };
            assert!(
                u <= max_ulps,
                "{}: exp({x}) = {got}, std says {want} ({u} ulp)",
                V::NAME
            );
        }
    }
}

fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..=n)
        .map(|i| lo + (hi - lo) * i as f64 / n as f64)
        .chain([0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5])
        .collect()
}

#[test]
fn f64_exp_within_2_ulp_over_its_range() {
    let xs = grid(-708.0, 709.0, 200_003);
    check_exp::<f64x4>(&xs, 2, |x| x);
    check_exp::<f64x8>(&xs, 2, |x| x);
    // The range a sigmoid of a trained net sees most: dense near 0.
    let near = grid(-40.0, 40.0, 100_001);
    check_exp::<f64x4>(&near, 2, |x| x);
}

#[test]
fn f32_exp_within_2_ulp_over_its_range() {
    let xs = grid(-87.0, 88.0, 200_003);
    let round = |x: f64| x as f32 as f64;
    check_exp::<f32x8>(&xs, 2, round);
    check_exp::<f32x16>(&xs, 2, round);
}

fn sigmoid_of<V: Lane>(zs: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; V::WIDTH];
    let mut all = vec![];
    for chunk in zs.chunks(V::WIDTH) {
        let mut input = chunk.to_vec();
        input.resize(V::WIDTH, 0.0);
        V::load(&input).sigmoid().store(&mut out);
        all.extend_from_slice(&out[..chunk.len()]);
    }
    all
}

#[test]
fn sigmoid_saturates_like_std_and_propagates_nan() {
    let zs = [
        -1e308,
        -1000.0,
        -745.0,
        -709.5,
        -100.0,
        -37.0,
        0.0,
        37.0,
        100.0,
        709.5,
        1000.0,
        1e308,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for (z, got) in zs.iter().zip(sigmoid_of::<f64x4>(&zs)) {
        let want = xorsweep::train::sigmoid(*z);
        assert!(
            (got - want).abs() <= 1.2e-307 || ulps(got, want) <= 2,
            "σ({z}) = {got}, std {want}"
        );
        assert!((0.0..=1.0).contains(&got));
    }
    for (z, got) in zs.iter().zip(sigmoid_of::<f32x8>(&zs)) {
        let want = xorsweep::train::sigmoid(*z) as f32 as f64;
        assert!(
            (got - want).abs() <= 1.2e-38 || (got - want).abs() <= 2.0 * f32::EPSILON as f64 * want,
            "f32 σ({z}) = {got}, std {want}"
        );
    }
    assert!(sigmoid_of::<f64x4>(&[f64::NAN])[0].is_nan());
    assert!(sigmoid_of::<f32x8>(&[f64::NAN])[0].is_nan());
}
