//! How a net is trained, beyond its initial weights: the lesson's trainer and every variant of it
//! that xorsweep can sweep.
//!
//! Two kinds of hyperparameter, because the lanes treat them differently:
//! - [`Options`] are categorical (hidden activation, output unit, loss, batch): they change the
//!   code of the epoch loop, so one vector of nets shares them and the lane trainer picks a
//!   specialised loop for each combination.
//! - [`Hyper`] are numeric (per-layer learning rates, momentum, weight decay): one value per lane,
//!   loaded into vectors like the weights.
//!
//! The defaults are the lesson: sigmoid hidden units, a sigmoid output, mean squared error, one
//! full-batch step per epoch, no momentum, no weight decay. Names print and parse back (`tanh`,
//! `linear`, `bce`, `online`), so a value travels from a flag to a CSV cell and back unchanged.

use std::fmt;
use std::str::FromStr;

use serde_with::{DeserializeFromStr, SerializeDisplay};

/// Declares a categorical option: its variants with their names, `Display`, `FromStr` (the error
/// lists the names) and serde as those names. Each name is written once, here.
macro_rules! choice {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, SerializeDisplay, DeserializeFromStr)]
        pub enum $name {
            #[default]
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, the default first.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name() == t)
                    .ok_or_else(|| {
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.name()).collect();
                        format!("'{}' is not one of {}", t.escape_default(), names.join(", "))
                    })
            }
        }
    };
}

choice! {
    /// The hidden units' activation f, h = f(z), and its derivative as the backward pass uses it.
    Activation {
        /// σ(z) = 1/(1+e^−z); f′ = h(1−h). The lesson's.
        Sigmoid = "sigmoid",
        /// tanh z; f′ = 1−h².
        Tanh = "tanh",
        /// max(0, z); f′ = [z > 0] (0 at z = 0).
        Relu = "relu",
        /// z; f′ = 1 (the net is then linear and cannot learn XOR).
        Identity = "identity",
    }
}

choice! {
    /// The output unit: out = g(v1·h1 + v2·h2 + c).
    OutputUnit {
        /// g = σ, out in (0, 1). The lesson's.
        Sigmoid = "sigmoid",
        /// g = identity: out = v1·h1 + v2·h2 + c.
        Linear = "linear",
    }
}

choice! {
    /// The loss a net is trained on (and whose value `final_loss` reports).
    Loss {
        /// Mean over the four cases of (out−y)²; δout = 2(out−y)·g′. The lesson's.
        Mse = "mse",
        /// Binary cross-entropy, mean of −[y ln out + (1−y) ln(1−out)]; δout = out − y. Needs the
        /// sigmoid output.
        Bce = "bce",
    }
}

choice! {
    /// How the four cases make steps.
    Batch {
        /// One step per epoch with the mean gradient (Σ over the 4 cases)/4. The lesson's.
        Full = "full",
        /// Four steps per epoch, one per case in the order 00, 01, 10, 11, each with that case's
        /// own gradient (not divided by 4): the original backprop papers' per-pattern updates.
        Online = "online",
    }
}

/// The categorical options of a trainer: shared by every net of one SIMD vector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Options {
    pub activation: Activation,
    pub output: OutputUnit,
    pub loss: Loss,
    pub batch: Batch,
}

impl Options {
    /// The lesson's trainer.
    pub const LESSON: Options = Options {
        activation: Activation::Sigmoid,
        output: OutputUnit::Sigmoid,
        loss: Loss::Mse,
        batch: Batch::Full,
    };

    /// Combinations that do not define a trainer: cross-entropy needs outputs in (0, 1).
    pub fn check(&self) -> Result<(), String> {
        if self.loss == Loss::Bce && self.output != OutputUnit::Sigmoid {
            return Err(format!(
                "loss bce needs the sigmoid output (it takes ln out and ln(1−out)); with output {} use loss mse",
                self.output
            ));
        }
        Ok(())
    }
}

/// The numeric hyperparameters of one net's trainer: one value per lane.
///
/// - `lr_hidden` (η for w11 w12 b1 w21 w22 b2) and `lr_out` (η for v1 v2 c);
/// - `momentum` β in [0, 1): v ← β·v + g (v = 0 at the start), p ← p − η·v, per step;
///   β = 0 is plain gradient descent, p ← p − η·g;
/// - `weight_decay` λ ≥ 0: g ← g + λ·p added to each step's gradient (coupled L2); λ = 0 adds
///   nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    pub lr_hidden: f64,
    pub lr_out: f64,
    pub momentum: f64,
    pub weight_decay: f64,
}

impl Hyper {
    /// Plain gradient descent with one learning rate for both layers (the lesson: η = 2).
    pub const fn lr(lr: f64) -> Hyper {
        Hyper::rates(lr, lr)
    }

    /// Plain gradient descent with a learning rate per layer.
    pub const fn rates(lr_hidden: f64, lr_out: f64) -> Hyper {
        Hyper {
            lr_hidden,
            lr_out,
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }

    /// The learning rate of parameter `k` in storage order (0..6 hidden, 6..9 output).
    pub fn lr_of_param(&self, k: usize) -> f64 {
        if k < 6 { self.lr_hidden } else { self.lr_out }
    }

    /// Values no trainer accepts, named after the hyperparameter.
    pub fn check(&self) -> Result<(), String> {
        for (name, x) in [("lr_hidden", self.lr_hidden), ("lr_out", self.lr_out)] {
            if !(x > 0.0 && x.is_finite()) {
                return Err(format!("{name} {x} must be positive and finite"));
            }
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return Err(format!("momentum {} must be in [0, 1)", self.momentum));
        }
        if !(self.weight_decay >= 0.0 && self.weight_decay.is_finite()) {
            return Err(format!(
                "weight_decay {} must be 0 or positive and finite",
                self.weight_decay
            ));
        }
        Ok(())
    }
}

/// One net to train: where it starts and how it is trained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Net {
    pub init: super::Params,
    pub hyper: Hyper,
    pub options: Options,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_errors_list_the_choices() {
        for a in Activation::ALL {
            assert_eq!(a.to_string().parse::<Activation>(), Ok(*a));
        }
        for b in Batch::ALL {
            assert_eq!(b.to_string().parse::<Batch>(), Ok(*b));
        }
        let e = "softmax".parse::<Activation>().unwrap_err();
        assert!(e.contains("sigmoid, tanh, relu, identity"), "{e}");
        assert_eq!(Options::default(), Options::LESSON);
    }

    #[test]
    fn impossible_trainers_are_refused() {
        let bce_linear = Options {
            output: OutputUnit::Linear,
            loss: Loss::Bce,
            ..Options::LESSON
        };
        assert!(bce_linear.check().unwrap_err().contains("bce"));
        assert!(Options::LESSON.check().is_ok());
        let momentum = |m| Hyper {
            momentum: m,
            ..Hyper::lr(1.0)
        };
        assert!(momentum(0.9).check().is_ok());
        assert!(momentum(1.0).check().is_err());
        assert!(momentum(-0.1).check().is_err());
        let decay = |d| Hyper {
            weight_decay: d,
            ..Hyper::lr(1.0)
        };
        assert!(decay(0.0).check().is_ok());
        assert!(decay(-1e-3).check().is_err());
        assert!(decay(f64::NAN).check().is_err());
    }
}
