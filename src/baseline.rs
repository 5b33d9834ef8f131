//! The lesson's pinned run: weights 0.5 −0.4 0.1 / 0.9 0.3 −0.2 / 0.8 −0.6 0.05, η = 2.0,
//! epochs 0..=4000 (4001 steps), loss printed every 500 epochs, then the four cases.

use crate::train::{Curve, Hyper, Outcome, TrainSpec, XOR_CASES, reference};

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
    // The lesson's width (4) unless a run's epochs need more.
    let width = spec
        .log_epochs
        .last()
        .map_or(4, |e| e.to_string().len().max(4));
    for (epoch, loss) in spec.log_epochs.iter().zip(&curve.loss) {
        s.push_str(&format!("epoch {epoch:>width$}   loss {loss:.4}\n"));
    }
    s.push('\n');
    for (&(x1, x2, y), out) in XOR_CASES.iter().zip(outcome.outputs) {
        s.push_str(&format!("{x1} XOR {x2} -> {out:.3}   (target {y})\n"));
    }
    s
}

/// The lesson's run at η = 2.0 by the reference trainer over a sweep's epochs: logged epochs,
/// loss, hidden gap.
pub struct BaselineCurve {
    pub epochs: Vec<u32>,
    pub loss: Vec<f64>,
    pub gap: Vec<f64>,
}

/// The lesson's run at η = 2.0 by the reference trainer over a sweep's `epochs`: the baseline
/// curve of curves.csv and of the baseline chart. Logged at about 4000 evenly spaced epochs plus
/// the lesson's printed checkpoints (0, 500, …, 4000) and the last epoch.
pub fn baseline_curve(epochs: u32) -> BaselineCurve {
    let every = (epochs / 4000 + 1) as usize;
    let checkpoints = (0..LESSON_STEPS).step_by(LESSON_PRINT_EVERY as usize);
    let log: Vec<u32> = (0..=epochs)
        .step_by(every)
        .chain(checkpoints)
        .chain([epochs])
        .collect();
    let spec = TrainSpec::new(epochs, log, None);
    let (_, curve) = reference::train(&reference::lesson(Hyper::lr(LESSON_LR)), &spec);
    BaselineCurve {
        epochs: spec.log_epochs,
        loss: curve.loss,
        gap: curve.gap,
    }
}
