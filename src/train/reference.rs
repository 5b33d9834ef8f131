//! THE REFERENCE. A plain scalar f64 trainer, a line-by-line translation of the lesson:
//! full-batch gradient descent over the four XOR cases, loss = mean of (out−y)²,
//! δout = 2(out−y)·out(1−out), δh_i = δout·v_i·h_i(1−h_i), p ← p − η·(Σ grad)/4.
//!
//! Nothing here is clever on purpose: it is the code a learner puts next to the lesson, and the
//! oracle every fast path (SIMD lanes, f32, threads, shards) is tested against. Do not optimise it.

use super::{Curve, Outcome, Params, Rates, TrainSpec, XOR_CASES, count_correct, sigmoid};

/// One forward pass over the four cases: the outputs and the MSE loss.
pub fn forward(p: &Params) -> ([f64; 4], f64) {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c] = p.0;
    let mut outputs = [0.0; 4];
    let mut loss = 0.0;
    for (i, &(x1, x2, y)) in XOR_CASES.iter().enumerate() {
        let h1 = sigmoid(w11 * x1 + w12 * x2 + b1);
        let h2 = sigmoid(w21 * x1 + w22 * x2 + b2);
        let out = sigmoid(v1 * h1 + v2 * h2 + c);
        outputs[i] = out;
        loss += (out - y) * (out - y);
    }
    (outputs, loss / 4.0)
}

/// One epoch: forward, backward and update of one net. Returns the outputs and loss of the
/// weights *before* the update (what the lesson prints for that epoch).
pub fn step(p: &mut Params, lr: f64) -> ([f64; 4], f64) {
    step_rates(p, Rates::same(lr))
}

/// [`step`] with a learning rate per layer.
pub fn step_rates(p: &mut Params, rates: Rates) -> ([f64; 4], f64) {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c] = p.0;
    let mut grad = [0.0; 9];
    let mut outputs = [0.0; 4];
    let mut loss = 0.0;
    for (i, &(x1, x2, y)) in XOR_CASES.iter().enumerate() {
        // forward
        let h1 = sigmoid(w11 * x1 + w12 * x2 + b1);
        let h2 = sigmoid(w21 * x1 + w22 * x2 + b2);
        let out = sigmoid(v1 * h1 + v2 * h2 + c);
        outputs[i] = out;
        loss += (out - y) * (out - y);
        // backward
        let d_out = 2.0 * (out - y) * out * (1.0 - out);
        let d_h1 = d_out * v1 * h1 * (1.0 - h1);
        let d_h2 = d_out * v2 * h2 * (1.0 - h2);
        let g = [
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
        for (acc, gi) in grad.iter_mut().zip(g) {
            *acc += gi;
        }
    }
    // update: p ← p − η·(Σ grad)/4, η of the parameter's layer
    for (k, (param, g)) in p.0.iter_mut().zip(grad).enumerate() {
        *param -= rates.of_param(k) * g / 4.0;
    }
    (outputs, loss / 4.0)
}

/// Train one net for `spec.epochs` steps and record what the spec asks for.
pub fn train(init: Params, lr: f64, spec: &TrainSpec) -> (Outcome, Curve) {
    train_rates(init, Rates::same(lr), spec)
}

/// [`train`] with a learning rate per layer.
pub fn train_rates(init: Params, rates: Rates, spec: &TrainSpec) -> (Outcome, Curve) {
    let mut p = init;
    let mut curve = Curve::default();
    let mut log = spec.log_epochs.iter().peekable();
    let mut solved_epoch = None;
    let mut target_epoch = None;
    // Epoch e looks at the weights after e steps; epoch `epochs` is the final net (no step after).
    for epoch in 0..=spec.epochs {
        let gap = p.hidden_gap();
        let (outputs, loss) = if epoch < spec.epochs {
            step_rates(&mut p, rates)
        } else {
            forward(&p)
        };
        if solved_epoch.is_none() && count_correct(&outputs) == 4 {
            solved_epoch = Some(epoch);
        }
        if let Some(target) = spec.target_loss
            && target_epoch.is_none()
            && loss < target
        {
            target_epoch = Some(epoch);
        }
        if log.next_if_eq(&&epoch).is_some() {
            curve.loss.push(loss);
            curve.gap.push(gap);
        }
    }
    let (outputs, final_loss) = forward(&p);
    let outcome = Outcome {
        params: p,
        final_loss,
        outputs,
        correct: count_correct(&outputs),
        solved_epoch,
        target_epoch,
        hidden_gap: p.hidden_gap(),
        diverged: !(p.is_finite() && final_loss.is_finite()),
    };
    (outcome, curve)
}
