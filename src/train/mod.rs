//! Training: the 2-2-1 XOR network and the ways we train many of them.
//!
//! Everything in here computes; nothing does I/O. [`reference`] is the scalar f64 oracle, a
//! line-by-line translation of the lesson. [`batch`] is the fast path: one network per SIMD lane,
//! written once over the small [`lane::Lane`] trait and instantiated for f64 and f32. Every fast
//! path is tested against the oracle.

pub mod batch;
pub mod count;
pub mod dd;
pub mod flush;
pub mod lane;
pub mod options;
pub(crate) mod pick;
pub mod reference;

pub use options::{Activation, Batch, Hyper, Loss, Net, Options, OutputUnit};

use std::fmt;

/// The lanes' arithmetic, versioned: bumped whenever a change of the kernel changes results in
/// their last bits (the reference's do not move). A sweep's chunks and manifest.json record it,
/// so that `--resume` and `merge` refuse to mix chunks two versions trained. 1: the Taylor exp
/// (to issue 27); 2: the table-driven exp of issue 28. Not bumped by issue 24's relu(NaN) = NaN
/// and bce from the pre-activation: they move no weight of any net, only the loss (and so the
/// target epoch) of bce nets and the loss of relu nets gone NaN; the default trainer's bits stay.
pub const KERNEL_VERSION: u32 = 2;

/// Number of parameters of a 2-2-1 network.
pub const N_PARAMS: usize = 9;

/// Parameter names in storage order: hidden unit 1, hidden unit 2, output unit.
pub const PARAM_NAMES: [&str; N_PARAMS] = ["w11", "w12", "b1", "w21", "w22", "b2", "v1", "v2", "c"];

/// The four XOR cases `(x1, x2, y)` in the lesson's order: 00, 01, 10, 11.
pub const XOR_CASES: [(f64, f64, f64); 4] = [
    (0.0, 0.0, 0.0),
    (0.0, 1.0, 1.0),
    (1.0, 0.0, 1.0),
    (1.0, 1.0, 0.0),
];

/// The nine numbers of one network: `w11 w12 b1 / w21 w22 b2 / v1 v2 c`.
///
/// `h1 = σ(w11·x1 + w12·x2 + b1)`, `h2 = σ(w21·x1 + w22·x2 + b2)`, `out = σ(v1·h1 + v2·h2 + c)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params(pub [f64; N_PARAMS]);

impl Params {
    /// The lesson's fixed starting weights.
    pub const LESSON: Params = Params([0.5, -0.4, 0.1, 0.9, 0.3, -0.2, 0.8, -0.6, 0.05]);

    /// max(|w11−w21|, |w12−w22|, |b1−b2|, |v1−v2|): how far apart the two hidden units are.
    /// Exactly 0.0 for a net whose hidden units are clones. NaN if any of those weights is NaN.
    pub fn hidden_gap(&self) -> f64 {
        let p = &self.0;
        let gaps = [
            (p[0] - p[3]).abs(),
            (p[1] - p[4]).abs(),
            (p[2] - p[5]).abs(),
            (p[6] - p[7]).abs(),
        ];
        gaps.iter().fold(0.0, |m: f64, &g| {
            if g.is_nan() || m.is_nan() {
                f64::NAN
            } else {
                m.max(g)
            }
        })
    }

    /// True when all nine numbers are finite.
    pub fn is_finite(&self) -> bool {
        self.0.iter().all(|p| p.is_finite())
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0;
        write!(
            f,
            "{} {} {} / {} {} {} / {} {} {}",
            p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
        )
    }
}

/// The low parts of a net's numbers when they are double-doubles hi + lo, hi the [`Net`]'s own:
/// how a map's one-dd-ulp nudge reaches the lanes ([`lane::Lane::load_dd`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetLo {
    pub init: Params,
    pub hyper: Hyper,
}

impl NetLo {
    /// Every low part 0: the net's numbers are its f64 ones.
    pub fn zero() -> NetLo {
        let mut hyper = Hyper::LESSON;
        for &p in options::HyperParam::ALL {
            hyper.set(p, 0.0);
        }
        NetLo {
            init: Params([0.0; N_PARAMS]),
            hyper,
        }
    }
}

/// Arithmetic a batch is trained in. The oracle is always f64.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    #[default]
    F64,
    F32,
    /// Double-double: hi + lo, about 106 bits ([`dd`]).
    Dd,
}

impl Precision {
    /// Every precision, the default first.
    pub const ALL: [Precision; 3] = [Precision::F64, Precision::F32, Precision::Dd];

    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
            Precision::Dd => "dd",
        }
    }
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "f64" => Ok(Precision::F64),
            "f32" => Ok(Precision::F32),
            "dd" => Ok(Precision::Dd),
            other => Err(format!(
                "'{}' is not f64, f32 or dd",
                other.escape_default()
            )),
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to train and what to record. `epochs` is the number of gradient steps: the lesson's run,
/// epochs 0..=4000, is 4001 steps. Epoch `e` names the weights after `e` steps, so a run has
/// epochs `0..=epochs` and the last one is the final, trained net.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainSpec {
    pub epochs: u32,
    /// Epochs (each ≤ `epochs`, strictly increasing) at which loss and hidden gap are recorded.
    pub log_epochs: Vec<u32>,
    /// If set, also find the first epoch whose loss is below this value (costs a loss per epoch).
    pub target_loss: Option<f64>,
}

/// The largest number of steps we accept: epochs are counted exactly in f32 lanes up to 2^24.
pub const MAX_EPOCHS: u32 = 1 << 24;

impl TrainSpec {
    pub fn new(epochs: u32, mut log_epochs: Vec<u32>, target_loss: Option<f64>) -> Self {
        assert!(epochs <= MAX_EPOCHS, "epochs {epochs} exceeds {MAX_EPOCHS}");
        log_epochs.retain(|&e| e <= epochs);
        log_epochs.sort_unstable();
        log_epochs.dedup();
        TrainSpec {
            epochs,
            log_epochs,
            target_loss,
        }
    }
}

/// The result of training one network.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Weights after `epochs` steps.
    pub params: Params,
    /// The trainer's own loss (MSE or BCE, see [`Loss`]) of the final weights.
    pub final_loss: f64,
    /// Mean squared error of the final weights, whatever the loss: comparable across losses.
    pub final_mse: f64,
    /// Final outputs for 00, 01, 10, 11.
    pub outputs: [f64; 4],
    /// How many of the four outputs are strictly on the target's side of 0.5.
    pub correct: u8,
    /// First epoch (weights after that many steps) at which all four are correct.
    pub solved_epoch: Option<u32>,
    /// First epoch whose loss is below [`TrainSpec::target_loss`], if asked for and reached.
    pub target_epoch: Option<u32>,
    /// [`Params::hidden_gap`] of the final weights.
    pub hidden_gap: f64,
    /// Any non-finite final weight or loss.
    pub diverged: bool,
}

/// What a trainability map records of one network (see [`batch::train_map`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapOutcome {
    /// The trainer's own loss of the final weights.
    pub final_loss: f64,
    /// Mean over epochs 0..=epochs of loss/loss₀ (Sohl-Dickstein's convergence measure):
    /// small for nets that learn fast, near 1 for nets that never move, NaN if the loss did.
    pub mean_loss_ratio: f64,
    /// First epoch at which all four outputs are correct.
    pub solved_epoch: Option<u32>,
    /// All four final outputs correct: the map's "trained".
    pub solved: bool,
    /// Any non-finite final weight or loss.
    pub diverged: bool,
}

/// Loss and hidden gap at each of a spec's `log_epochs`, for one net.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    pub loss: Vec<f64>,
    pub gap: Vec<f64>,
}

/// Logistic sigmoid, as the lesson writes it.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Mean squared error of the four outputs, summed in case order (the reference's loss for the
/// lesson's trainer, bit for bit).
pub fn mse_of(outputs: &[f64; 4]) -> f64 {
    let mut sum = 0.0;
    for (&(_, _, y), &out) in XOR_CASES.iter().zip(outputs) {
        sum += (out - y) * (out - y);
    }
    sum / 4.0
}

/// How many of the outputs (00, 01, 10, 11) are strictly on the right side of 0.5.
/// An output of exactly 0.5, or NaN, counts as wrong.
pub fn count_correct(outputs: &[f64; 4]) -> u8 {
    XOR_CASES
        .iter()
        .zip(outputs)
        .filter(|&(&(_, _, y), &o)| if y > 0.5 { o > 0.5 } else { o < 0.5 })
        .count() as u8
}
