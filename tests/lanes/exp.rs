//! Accuracy of the lanes' own `exp` and `sigmoid` against the standard library, lane by lane.

use crate::common::ulps;
use wide::{f32x8, f32x16, f64x4, f64x8};
use xorsweep::train::count::{CountF32, CountF64};
use xorsweep::train::lane::{F32Lanes, F64Lanes, Lane};

/// Check `V::exp` on `xs` within `max_ulps` of std's exp of the lane-rounded input; the worst.
fn check_exp<V: Lane>(xs: &[f64], max_ulps: u64) -> u64 {
    let round = lane_round::<V>;
    let mut worst = 0;
    for (x, got) in xs.iter().zip(lanes_of::<V>(xs, V::exp)) {
        let want = round(round(*x).exp());
        let u = lane_ulps::<V>(got, want);
        assert!(
            u <= max_ulps,
            "{}: exp({x}) = {got}, std says {want} ({u} ulp)",
            V::NAME
        );
        worst = worst.max(u);
    }
    worst
}

/// `x` rounded to the lane precision of `V`.
fn lane_round<V: Lane>(x: f64) -> f64 {
    if V::PRECISION == xorsweep::train::Precision::F32 {
        x as f32 as f64
    } else {
        x
    }
}

fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..=n)
        .map(|i| lo + (hi - lo) * i as f64 / n as f64)
        .chain([0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5])
        .collect()
}

/// `V::exp` within 2 ulp over the whole range the trainer uses ([−708, 709], f32 [−87, 87]),
/// dense near 0 where a trained net's sigmoids are; the worst.
fn exp_over_its_range<V: Lane>() -> u64 {
    let (lo, hi) = if V::PRECISION == xorsweep::train::Precision::F32 {
        (-87.0, 87.0)
    } else {
        (-708.0, 709.0)
    };
    let worst = check_exp::<V>(&grid(lo, hi, 200_003), 2);
    let near = check_exp::<V>(&grid(-40.0, 40.0, 100_001), 2);
    // Every table entry and both ends of r's range: n = 16k + j around each j.
    let edges: Vec<f64> = (-320..=320)
        .flat_map(|n| {
            let x = f64::from(n) * std::f64::consts::LN_2 / 16.0;
            let h = std::f64::consts::LN_2 / 32.0;
            [x, x + h * 0.999_999, x - h * 0.999_999]
        })
        .collect();
    worst.max(near).max(check_exp::<V>(&edges, 2))
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
        // The f32 exp clamps at ±87: σ stays at or above 1/(1 + e^87) ≈ 1.64e−38.
        assert!(
            (got - want).abs() <= 1.7e-38 || (got - want).abs() <= 2.0 * f32::EPSILON as f64 * want,
            "f32 σ({z}) = {got}, std {want}"
        );
        // Never subnormal: flush-to-zero cannot turn an f32 sigmoid into 0 (bce's ln(0)).
        assert!(
            got >= f32::MIN_POSITIVE as f64,
            "f32 σ({z}) = {got} is subnormal"
        );
    }
    assert!(sigmoid_of::<f64x4>(&[f64::NAN])[0].is_nan());
    assert!(sigmoid_of::<f32x8>(&[f64::NAN])[0].is_nan());
}

/// Apply `f` to `xs` in lanes of `V`, one value per lane.
fn lanes_of<V: Lane>(xs: &[f64], f: fn(V) -> V) -> Vec<f64> {
    let mut out = vec![0.0; V::WIDTH];
    let mut all = vec![];
    for chunk in xs.chunks(V::WIDTH) {
        let mut input = chunk.to_vec();
        input.resize(V::WIDTH, 1.0);
        f(V::load(&input)).store(&mut out);
        all.extend_from_slice(&out[..chunk.len()]);
    }
    all
}

/// ulps between two values of the lane precision of `V`.
fn lane_ulps<V: Lane>(a: f64, b: f64) -> u64 {
    if V::PRECISION == xorsweep::train::Precision::F32 {
        let key = |v: f32| {
            let i = v.to_bits() as i32;
            if i < 0 { i32::MIN - i } else { i }
        };
        key(a as f32).abs_diff(key(b as f32)) as u64
    } else {
        ulps(a, b)
    }
}

/// `V::tanh` within `max_ulps` of std's tanh of the lane-rounded input, over the whole line.
fn check_tanh<V: Lane>(max_ulps: u64) -> u64 {
    let round = lane_round::<V>;
    let mut xs = grid(-5.0, 5.0, 200_001);
    xs.extend(grid(-400.0, 400.0, 20_001));
    xs.extend(
        (-300..=0)
            .map(|k| 10f64.powi(k / 10))
            .flat_map(|x| [x, -x, round(x)]),
    );
    xs.extend([
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e300,
        -1e300,
        0.49999,
        0.5,
        0.50001,
    ]);
    let mut worst = 0;
    for (x, got) in xs.iter().zip(lanes_of::<V>(&xs, V::tanh)) {
        let want = round(round(*x).tanh());
        let u = lane_ulps::<V>(got, want);
        assert!(
            u <= max_ulps,
            "{}: tanh({x}) = {got}, std {want} ({u} ulp)",
            V::NAME
        );
        worst = worst.max(u);
    }
    assert!(lanes_of::<V>(&[f64::NAN], V::tanh)[0].is_nan());
    assert_eq!(
        lanes_of::<V>(&[-0.0], V::tanh)[0].to_bits(),
        (-0.0f64).to_bits()
    );
    worst
}

/// `V::ln` within `max_ulps` of std's ln of the lane-rounded input, positive range and subnormals.
fn check_ln<V: Lane>(max_ulps: u64) -> u64 {
    let f32_lanes = V::PRECISION == xorsweep::train::Precision::F32;
    let round = |x: f64| if f32_lanes { x as f32 as f64 } else { x };
    let (lo, hi) = if f32_lanes {
        (-149, 127)
    } else {
        (-1074, 1023)
    };
    let mut xs: Vec<f64> = (lo..=hi).map(|k| 2f64.powi(k)).collect();
    xs.extend(grid(1e-6, 4.0, 200_001).into_iter().filter(|x| *x > 0.0));
    xs.extend((lo / 2..hi / 2).map(|k| 2f64.powi(2 * k) * 1.37));
    xs.extend([
        1.0 - 1e-16,
        1.0 + 1e-15,
        std::f64::consts::FRAC_1_SQRT_2,
        std::f64::consts::SQRT_2,
    ]);
    let xs: Vec<f64> = xs.into_iter().map(round).filter(|x| *x > 0.0).collect();
    let mut worst = 0;
    for (x, got) in xs.iter().zip(lanes_of::<V>(&xs, V::ln)) {
        let want = round(x.ln());
        let u = lane_ulps::<V>(got, want);
        assert!(
            u <= max_ulps,
            "{}: ln({x:e}) = {got}, std {want} ({u} ulp)",
            V::NAME
        );
        worst = worst.max(u);
    }
    let special = lanes_of::<V>(&[0.0, -1.0, f64::INFINITY, f64::NAN], V::ln);
    assert_eq!(special[0], f64::NEG_INFINITY, "{}", V::NAME);
    assert!(special[1].is_nan() && special[3].is_nan(), "{}", V::NAME);
    assert_eq!(special[2], f64::INFINITY, "{}", V::NAME);
    worst
}

/// The same tests in every lane type: `wide`'s four vectors, K interleaved vectors, and the
/// counting lanes that `bench --roofline` runs the kernel on (they run the same `exp`).
macro_rules! every_lane {
    ($($name:ident: $v:ty),+) => {
        $(
            mod $name {
                use super::*;

                #[test]
                fn exp_within_2_ulp_over_its_range() {
                    let worst = exp_over_its_range::<$v>();
                    // The bound is not vacuous: the polynomial and the table are not exact.
                    assert!(worst > 0, "{worst}");
                }

                #[test]
                fn tanh_within_4_ulp_of_std_over_the_line() {
                    assert!(check_tanh::<$v>(4) > 0);
                }

                #[test]
                fn ln_within_2_ulp_of_std_subnormals_included() {
                    assert!(check_ln::<$v>(2) > 0);
                }
            }
        )+
    };
}

every_lane!(
    f64x4_: f64x4,
    f64x8_: f64x8,
    f32x8_: f32x8,
    f32x16_: f32x16,
    f64_lanes: F64Lanes,
    f32_lanes: F32Lanes,
    count_f64: CountF64,
    count_f32: CountF32
);
