//! The lesson's pinned run: weights 0.5 −0.4 0.1 / 0.9 0.3 −0.2 / 0.8 −0.6 0.05, η = 2.0,
//! epochs 0..=4000 (4001 steps), loss printed every 500 epochs, then the four cases.

use crate::train::{Curve, Outcome, TrainSpec, XOR_CASES};

pub const LESSON_LR: f64 = 2.0;
/// The lesson prints epochs 0..=4000: 4001 gradient steps, the last printed loss is epoch 4000.
pub const LESSON_STEPS: u32 = 4001;
pub const LESSON_PRINT_EVERY: u32 = 500;

/// The training spec of the lesson's run: log the loss every 500 epochs up to 4000.
pub fn lesson_spec() -> TrainSpec {
    TrainSpec::new(
        LESSON_STEPS,
        (0..LESSON_STEPS)
            .step_by(LESSON_PRINT_EVERY as usize)
            .collect(),
        None,
    )
}

/// The lesson's printout for a trained run: `spec.log_epochs` against `curve.loss`, a blank line,
/// then the four cases with their final outputs.
pub fn render(spec: &TrainSpec, outcome: &Outcome, curve: &Curve) -> String {
    let mut s = String::new();
    for (epoch, loss) in spec.log_epochs.iter().zip(&curve.loss) {
        s.push_str(&format!("epoch {epoch:>4}   loss {loss:.4}\n"));
    }
    s.push('\n');
    for (&(x1, x2, y), out) in XOR_CASES.iter().zip(outcome.outputs) {
        s.push_str(&format!("{x1} XOR {x2} -> {out:.3}   (target {y})\n"));
    }
    s
}
