//! THE REFERENCE. A plain scalar f64 trainer, a line-by-line translation of the lesson:
//! full-batch gradient descent over the four XOR cases, loss = mean of (out−y)²,
//! δout = 2(out−y)·out(1−out), δh_i = δout·v_i·h_i(1−h_i), p ← p − η·(Σ grad)/4.
//!
//! Each trainer option ([`Options`], [`Hyper`]) is one more line, next to the lesson's:
//! - hidden activation h = f(z): sigmoid (f′ = h(1−h)), tanh (1−h²), relu ([z > 0], 0 at z = 0;
//!   relu(NaN) = NaN, so that a net whose hidden weights went NaN stays NaN), identity (1);
//!   δh_i = δout·v_i·f′;
//! - output out = g(v1·h1 + v2·h2 + c): sigmoid (g′ = out(1−out)) or linear (g′ = 1);
//! - loss: mse, δout = 2(out−y)·g′; bce (sigmoid output only), −[y ln out + (1−y) ln(1−out)],
//!   δout = out − y; the loss written from the output's pre-activation z (out = σ(z)):
//!   −ln σ(z) = softplus(−z), −ln(1−σ(z)) = softplus(z), so that an output σ rounds to 0 or 1
//!   costs its true |z|, not ∞;
//! - batch: full, one step per epoch with (Σ grad)/4; online, four steps per epoch, one per case
//!   in the order 00, 01, 10, 11, each with that case's own gradient (not divided by 4);
//! - weight decay λ: g ← g + λ·p, added to each step's gradient;
//! - momentum β: v ← β·v + g (v = 0 at the start), p ← p − η·v, per step;
//! - η_hidden for w11 w12 b1 w21 w22 b2, η_out for v1 v2 c.
//!
//! With the defaults (the lesson) every line computes exactly what the lesson's code computes.
//! Nothing here is clever on purpose: it is the code a learner puts next to the lesson, and the
//! oracle every fast path (SIMD lanes, f32, threads, shards) is tested against. Do not optimise it.

use super::options::{Activation, Batch, Hyper, Loss, Net, Options, OutputUnit};
use super::{Curve, N_PARAMS, Outcome, Params, TrainSpec, XOR_CASES, count_correct, sigmoid};

/// The hidden activation h = f(z).
fn activate(activation: Activation, z: f64) -> f64 {
    match activation {
        Activation::Sigmoid => sigmoid(z),
        Activation::Tanh => z.tanh(),
        // Not z.max(0.0): f64::max takes 0 over NaN.
        Activation::Relu => {
            if z > 0.0 || z.is_nan() {
                z
            } else {
                0.0
            }
        }
        Activation::Identity => z,
    }
}

/// δh = δout·v·f′(z) of one hidden unit (h = f(z)), f′ written as the lesson writes σ′.
fn hidden_delta(activation: Activation, d_out: f64, v: f64, z: f64, h: f64) -> f64 {
    match activation {
        Activation::Sigmoid => d_out * v * h * (1.0 - h),
        Activation::Tanh => d_out * v * (1.0 - h * h),
        Activation::Relu => d_out * v * if z > 0.0 { 1.0 } else { 0.0 },
        Activation::Identity => d_out * v,
    }
}

/// The output out = g(z).
fn output(unit: OutputUnit, z: f64) -> f64 {
    match unit {
        OutputUnit::Sigmoid => sigmoid(z),
        OutputUnit::Linear => z,
    }
}

/// softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^(−|x|)): no overflow, no cancellation, for
/// every x; NaN gives NaN.
pub fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// The loss of one case whose output is `out` = g(`z`). For bce the term of the target's class:
/// y ln out + (1−y) ln(1−out) with y ∈ {0, 1} is ln out or ln(1−out), taken from z
/// (−ln σ(z) = softplus(−z), −ln(1−σ(z)) = softplus(z)): exact where σ(z) rounds to 0 or 1.
fn case_loss(loss: Loss, z: f64, out: f64, y: f64) -> f64 {
    match loss {
        Loss::Mse => (out - y) * (out - y),
        Loss::Bce => {
            if y == 1.0 {
                softplus(-z)
            } else {
                softplus(z)
            }
        }
    }
}

/// δout = ∂loss/∂z_out of one case.
fn output_delta(options: &Options, out: f64, y: f64) -> f64 {
    match (options.loss, options.output) {
        (Loss::Mse, OutputUnit::Sigmoid) => 2.0 * (out - y) * out * (1.0 - out),
        (Loss::Mse, OutputUnit::Linear) => 2.0 * (out - y),
        (Loss::Bce, _) => out - y,
    }
}

/// One case through the net: the output and the gradient of that case's loss.
fn case_gradient(p: &Params, options: &Options, (x1, x2, y): (f64, f64, f64)) -> (f64, [f64; 9]) {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c] = p.0;
    // forward
    let z1 = w11 * x1 + w12 * x2 + b1;
    let z2 = w21 * x1 + w22 * x2 + b2;
    let h1 = activate(options.activation, z1);
    let h2 = activate(options.activation, z2);
    let out = output(options.output, v1 * h1 + v2 * h2 + c);
    // backward
    let d_out = output_delta(options, out, y);
    let d_h1 = hidden_delta(options.activation, d_out, v1, z1, h1);
    let d_h2 = hidden_delta(options.activation, d_out, v2, z2, h2);
    let grad = [
        d_h1 * x1,
        d_h1 * x2,
        d_h1,
        d_h2 * x1,
        d_h2 * x2,
        d_h2,
        d_out * h1,
        d_out * h2,
        d_out,
    ];
    (out, grad)
}

/// What one forward pass over the four cases says of a net.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Forward {
    /// Outputs for 00, 01, 10, 11.
    pub outputs: [f64; 4],
    /// The trainer's own loss (mean over the cases).
    pub loss: f64,
    /// Mean squared error, whatever the loss (so that trainers with different losses compare).
    pub mse: f64,
}

/// One forward pass over the four cases.
pub fn forward(p: &Params, options: &Options) -> Forward {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c] = p.0;
    let mut outputs = [0.0; 4];
    let (mut loss, mut mse) = (0.0, 0.0);
    for (i, &(x1, x2, y)) in XOR_CASES.iter().enumerate() {
        let h1 = activate(options.activation, w11 * x1 + w12 * x2 + b1);
        let h2 = activate(options.activation, w21 * x1 + w22 * x2 + b2);
        let z = v1 * h1 + v2 * h2 + c;
        let out = output(options.output, z);
        outputs[i] = out;
        loss += case_loss(options.loss, z, out, y);
        mse += (out - y) * (out - y);
    }
    Forward {
        outputs,
        loss: loss / 4.0,
        mse: mse / 4.0,
    }
}

/// The trainer's memory between steps: the momentum velocity v (zero at the start).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Velocity(pub [f64; N_PARAMS]);

/// Gradient clipping by norm (c > 0): g·(c/‖g‖) when ‖g‖ > c, with ‖g‖² summed over the nine
/// parameters in storage order; c = 0 clips nothing. A NaN norm clips nothing (NaN > c is false).
fn clip(grad: [f64; N_PARAMS], c: f64) -> [f64; N_PARAMS] {
    if c == 0.0 {
        return grad;
    }
    let mut norm2 = grad[0] * grad[0];
    for g in &grad[1..] {
        norm2 += g * g;
    }
    let norm = norm2.sqrt();
    if norm > c {
        let scale = c / norm;
        grad.map(|g| g * scale)
    } else {
        grad
    }
}

/// One step with gradient `grad`: clipping, weight decay, momentum, then p ← p − η·v with the
/// η of each parameter's layer.
fn apply_step(p: &mut Params, v: &mut Velocity, hyper: &Hyper, grad: [f64; N_PARAMS]) {
    for (k, mut g) in clip(grad, hyper.clip).into_iter().enumerate() {
        // weight decay: g ← g + λ·p (λ = 0 adds nothing)
        if hyper.weight_decay != 0.0 {
            g += hyper.weight_decay * p.0[k];
        }
        // momentum: v ← β·v + g, the step is v (β = 0: the step is g itself)
        let step = if hyper.momentum != 0.0 {
            v.0[k] = hyper.momentum * v.0[k] + g;
            v.0[k]
        } else {
            g
        };
        p.0[k] -= hyper.lr_of_param(k) * step;
    }
}

/// One epoch of `net`'s trainer from weights `p`. Returns the forward pass of the weights *before*
/// the epoch's steps (what the lesson prints for that epoch).
pub fn epoch(p: &mut Params, v: &mut Velocity, hyper: &Hyper, options: &Options) -> Forward {
    let before = forward(p, options);
    match options.batch {
        Batch::Full => {
            let mut sum = [0.0; N_PARAMS];
            for &case in &XOR_CASES {
                let (_, g) = case_gradient(p, options, case);
                for (acc, gi) in sum.iter_mut().zip(g) {
                    *acc += gi;
                }
            }
            // the mean gradient (Σ grad)/4; η·((Σ grad)/4) = η·(Σ grad)/4 exactly (÷4 is exact)
            apply_step(p, v, hyper, sum.map(|s| s / 4.0));
        }
        Batch::Online => {
            for &case in &XOR_CASES {
                let (_, g) = case_gradient(p, options, case);
                apply_step(p, v, hyper, g);
            }
        }
    }
    before
}

/// Train one net for `spec.epochs` epochs and record what the spec asks for.
pub fn train(net: &Net, spec: &TrainSpec) -> (Outcome, Curve) {
    let (hyper, options) = (&net.hyper, &net.options);
    let mut p = net.init;
    let mut v = Velocity::default();
    let mut curve = Curve::default();
    let mut log = spec.log_epochs.iter().peekable();
    let mut solved_epoch = None;
    let mut target_epoch = None;
    // Epoch e looks at the weights after e epochs; epoch `epochs` is the final net (no step after).
    for e in 0..=spec.epochs {
        let gap = p.hidden_gap();
        let seen = if e < spec.epochs {
            epoch(&mut p, &mut v, hyper, options)
        } else {
            forward(&p, options)
        };
        if solved_epoch.is_none() && count_correct(&seen.outputs) == 4 {
            solved_epoch = Some(e);
        }
        if let Some(target) = spec.target_loss
            && target_epoch.is_none()
            && seen.loss < target
        {
            target_epoch = Some(e);
        }
        if log.next_if_eq(&&e).is_some() {
            curve.loss.push(seen.loss);
            curve.gap.push(gap);
        }
    }
    let last = forward(&p, options);
    let outcome = Outcome {
        params: p,
        final_loss: last.loss,
        final_mse: super::mse_of(&last.outputs),
        outputs: last.outputs,
        correct: count_correct(&last.outputs),
        solved_epoch,
        target_epoch,
        hidden_gap: p.hidden_gap(),
        diverged: !(p.is_finite() && last.loss.is_finite()),
    };
    (outcome, curve)
}

/// The lesson's net with `hyper` and the lesson's options.
pub fn lesson(hyper: Hyper) -> Net {
    Net {
        init: Params::LESSON,
        hyper,
        options: Options::LESSON,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_scales_a_long_gradient_to_c_and_leaves_a_short_one() {
        let mut g = [0.0; N_PARAMS];
        (g[0], g[8]) = (3.0, -4.0);
        let clipped = clip(g, 2.5);
        assert_eq!((clipped[0], clipped[8]), (1.5, -2.0));
        assert_eq!(clip(g, 5.0), g);
        assert_eq!(clip(g, 10.0), g);
        assert_eq!(clip(g, 0.0), g);
        let nan = clip([f64::NAN; N_PARAMS], 1.0);
        assert!(nan.iter().all(|x| x.is_nan()));
    }

    #[test]
    fn a_clipped_lesson_trains_differently_and_each_step_is_at_most_c() {
        let spec = TrainSpec::new(200, vec![], None);
        let plain = train(&lesson(Hyper::lr(2.0)), &spec).0;
        let clipped_hyper = Hyper {
            clip: 0.001,
            ..Hyper::lr(2.0)
        };
        let clipped = train(&lesson(clipped_hyper), &spec).0;
        assert_ne!(plain.params, clipped.params);
        // Every step moves the weights by at most η·c (no momentum, no decay).
        let (mut p, mut v) = (Params::LESSON, Velocity::default());
        for _ in 0..50 {
            let before = p;
            epoch(&mut p, &mut v, &clipped_hyper, &Options::LESSON);
            let moved: f64 = (0..N_PARAMS)
                .map(|k| (p.0[k] - before.0[k]).powi(2))
                .sum::<f64>()
                .sqrt();
            assert!(moved <= 2.0 * 0.001 * (1.0 + 1e-12), "{moved}");
            assert!(
                moved > 2.0 * 0.001 * 0.999,
                "the lesson's gradient is long: {moved}"
            );
        }
    }
}
