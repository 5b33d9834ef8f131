//! Saturated outputs and NaN nets, in every lane type, against the reference.
//!
//! bce's loss is taken from the output's pre-activation z (softplus, see `Lane::softplus`): an
//! output whose σ(z) rounds to 0 or 1 costs its true |z|, not ∞ (the reference's old ln(1 − 1))
//! nor the 709 (f32: 87) that the lanes' clamped exp made of it. A relu net whose hidden weights
//! are NaN stays NaN: its loss is NaN, not a finite number from the output unit trained alone.

use wide::{f32x8, f32x16, f64x4, f64x8};
use xorsweep::train::dd::Dd;
use xorsweep::train::lane::{F32Lanes, F64Lanes, Lane};
use xorsweep::train::{
    Activation, Hyper, Loss, Net, Options, OutputUnit, Params, Precision, TrainSpec, batch,
    reference,
};

const RELU_BCE: Options = Options {
    activation: Activation::Relu,
    output: OutputUnit::Sigmoid,
    loss: Loss::Bce,
    ..Options::LESSON
};

/// A relu net whose output pre-activations are −s·Z, s·Z, s·Z, −s·Z for 00, 01, 10, 11:
/// h1 = relu(x1 + x2), h2 = relu(x1 + x2 − 1), z = 2Z·h1 − 4Z·h2 − Z. s = 1: every output right
/// and saturated (loss softplus(−Z) ≈ e^−Z); s = −1: every output wrong (loss softplus(Z) ≈ Z).
fn saturated(z: f64, s: f64) -> Net {
    let z = s * z;
    Net {
        init: Params([1.0, 1.0, 0.0, 1.0, 1.0, -1.0, 2.0 * z, -4.0 * z, -z]),
        hyper: Hyper::lr(0.1),
        options: RELU_BCE,
    }
}

/// The loss of each net of `zs` (both signs) at epoch 0 in lanes of `V`, from the sweep kernel
/// and the map kernel, against the reference: within `rel` relative, or `abs` absolute (exp's
/// clamp, see lane.rs: e^−Z is e^−708, f32 e^−87, beyond it); never flagged diverged.
fn bce_matches_the_reference_at<V: Lane>(zs: &[f64], rel: f64, abs: f64) -> usize {
    let nets: Vec<Net> = zs
        .iter()
        .flat_map(|&z| [saturated(z, 1.0), saturated(z, -1.0)])
        .collect();
    let spec = TrainSpec::new(0, vec![], None);
    let lanes = batch::train_with::<V>(&nets, &spec);
    let map = batch::train_map_with::<V>(&nets, 0);
    for (i, net) in nets.iter().enumerate() {
        let want = reference::train(net, &spec).0.final_loss;
        let c = net.init.0[8];
        for (kernel, got, diverged) in [
            ("sweep", lanes[i].0.final_loss, lanes[i].0.diverged),
            ("map", map[i].final_loss, map[i].diverged),
        ] {
            let ok = (got - want).abs() <= abs.max(rel * want.abs());
            assert!(
                ok,
                "{} {kernel} c = {c}: loss {got}, reference {want}",
                V::NAME
            );
            assert!(!diverged && got.is_finite(), "{} {kernel} c = {c}", V::NAME);
        }
        // Wrong saturated outputs cost |z| + e^−|z|: the loss is Z to within rounding.
        if c >= 30.0 {
            assert!((want / c - 1.0).abs() < 1e-6, "reference c = {c}: {want}");
        }
    }
    nets.len()
}

/// A relu net with w11 = NaN: h1 is NaN in cases 10 and 11, so the outputs, the loss and every
/// weight after a step are NaN, in the reference and in the lanes (both kernels).
fn nan_relu_net_reports_a_nan_loss<V: Lane>() {
    for loss in [Loss::Mse, Loss::Bce] {
        let mut init = Params::LESSON;
        init.0[0] = f64::NAN;
        let net = Net {
            init,
            hyper: Hyper::lr(0.5),
            options: Options { loss, ..RELU_BCE },
        };
        let spec = TrainSpec::new(20, vec![], None);
        let want = reference::train(&net, &spec).0;
        let got = &batch::train_with::<V>(&[net], &spec)[0].0;
        let map = &batch::train_map_with::<V>(&[net], 20)[0];
        for (who, l, d) in [
            ("reference", want.final_loss, want.diverged),
            ("lanes", got.final_loss, got.diverged),
            ("map", map.final_loss, map.diverged),
        ] {
            assert!(
                l.is_nan() && d,
                "{} {loss:?} {who}: loss {l}, diverged {d}",
                V::NAME
            );
        }
    }
}

macro_rules! every_lane {
    ($($name:ident: $v:ty),+) => {
        $(
            mod $name {
                use super::*;

                #[test]
                fn bce_of_saturated_outputs_matches_the_reference() {
                    // f64: e^−30 to e^−700 are normal; e^−800 and e^−1e4 are 0 in the reference.
                    // f32: e^−80 is normal; e^−90 is below f32's normal range.
                    let n = if <$v>::PRECISION != Precision::F32 {
                        bce_matches_the_reference_at::<$v>(
                            &[0.5, 30.0, 700.0, 800.0, 1e4], 1e-14, 1e-307)
                    } else {
                        bce_matches_the_reference_at::<$v>(
                            &[0.5, 30.0, 80.0, 90.0, 1e4], 1e-6, 1.7e-38)
                    };
                    assert_eq!(n, 10);
                }

                #[test]
                fn a_relu_net_with_nan_hidden_weights_reports_a_nan_loss() {
                    nan_relu_net_reports_a_nan_loss::<$v>();
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
    dd: Dd
);
