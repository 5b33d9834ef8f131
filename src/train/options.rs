//! How a net is trained, beyond its initial weights: the lesson's trainer and every variant of it
//! that xorsweep can sweep.
//!
//! Two kinds of hyperparameter, because the lanes treat them differently:
//! - [`Options`] are categorical (hidden activation, output unit, loss, batch): they change the
//!   code of the epoch loop, so one vector of nets shares them and the lane trainer picks a
//!   specialised loop for each combination.
//! - [`Hyper`] are numeric (per-layer learning rates, momentum, weight decay, clipping): one value per lane,
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

/// THE TABLE: every hyperparameter of the trainer, declared once. Each numeric one is a row: its
/// field (= the TOML key and CSV column; the flag and map axis are the name with dashes), its
/// [`HyperParam`] variant, the flag's help, the lesson's value, the check every value passes
/// (with the words of its error), the word a label uses, how a map axis describes it, and
/// whether it is a learning rate. The categorical ones ([`Options`]) follow with how a label
/// writes them.
///
/// Everything else is derived from it: [`HyperParam`] and [`Hyper`] here; the flags and TOML
/// keys of sweep, map and bench (`crate::hyper::TrainerAxes`); the grid's settings; the CSV and
/// Parquet trainer columns (`crate::report::schema`, a macro because the csv crate cannot
/// flatten a struct); the JSON the report's page reads; the map's axes. A new hyperparameter is
/// a row here plus its arithmetic in [`super::reference`], [`super::batch`] and the page's
/// trainer (report.js), and the tests' list of trainers.
///
/// Columns: `numbers` were written by the first version with trainer options and sit in the
/// middle of every CSV row; `appended` came later and sit at the end (older files read them as
/// the lesson's value).
///
/// Called as `hyperparameters!(callback EXTRA)`: expands to `callback! { EXTRA numbers {…}
/// appended {…} choices {…} }`, one entry `/// doc  field Variant { … }` each.
macro_rules! hyperparameters {
    ($callback:ident $($extra:tt)*) => {
        $callback! {
            $($extra)*
            numbers {
                /// Learning rates of the hidden layer (w11 w12 b1 w21 w22 b2), with --lr-out
                /// instead of --lr: the grid is their product.
                lr_hidden LrHidden {
                    default: 2.0, ok: |x: f64| x > 0.0 && x.is_finite(),
                    must: "positive and finite", word: "lr_hidden",
                    axis: "learning rate of the hidden layer", rate: true,
                },
                /// Learning rates of the output unit (v1 v2 c), with --lr-hidden.
                lr_out LrOut {
                    default: 2.0, ok: |x: f64| x > 0.0 && x.is_finite(),
                    must: "positive and finite", word: "lr_out",
                    axis: "learning rate of the output unit", rate: true,
                },
                /// Momentum β in [0, 1): v ← β·v + g, p ← p − η·v [default: 0, plain gradient
                /// descent].
                momentum Momentum {
                    default: 0.0, ok: |x: f64| (0.0..1.0).contains(&x),
                    must: "in [0, 1) (0 is plain gradient descent)", word: "momentum",
                    axis: "momentum β", rate: false,
                },
                /// Weight decay λ ≥ 0: g ← g + λ·p on every step (coupled L2) [default: 0].
                weight_decay WeightDecay {
                    default: 0.0, ok: |x: f64| x >= 0.0 && x.is_finite(),
                    must: "0 or positive and finite", word: "decay",
                    axis: "weight decay λ", rate: false,
                },
            }
            appended {
                /// Gradient clipping by norm, c ≥ 0: g ← g·c/‖g‖ when ‖g‖ > c, over all nine
                /// parameters of each step, before weight decay [default: 0, no clipping].
                clip Clip {
                    default: 0.0, ok: |x: f64| x >= 0.0 && x.is_finite(),
                    must: "0 (no clipping) or positive and finite", word: "clip",
                    axis: "gradient norm clip c", rate: false,
                },
            }
            choices {
                /// Hidden activation(s): sigmoid, tanh, relu, identity [default: sigmoid].
                activation Activation { label: |v: Activation| v.to_string() },
                /// Output unit(s): sigmoid, linear [default: sigmoid].
                output OutputUnit { label: |v: OutputUnit| format!("{v} output") },
                /// Loss(es): mse, bce (bce needs the sigmoid output) [default: mse].
                loss Loss { label: |v: Loss| v.to_string() },
                /// Steps per epoch: full (one, mean gradient) or online (one per case: 00, 01,
                /// 10, 11) [default: full].
                batch Batch { label: |v: Batch| v.to_string() },
            }
        }
    };
}
pub(crate) use hyperparameters;

/// Derives [`HyperParam`], [`Hyper`] and the per-choice helpers of [`Options`] from the table.
macro_rules! define_hyper {
    (
        numbers { $($(#[$doc:meta])* $f:ident $v:ident { $($info:tt)* },)* }
        appended { $($(#[$adoc:meta])* $af:ident $av:ident { $($ainfo:tt)* },)* }
        choices { $($(#[$cdoc:meta])* $c:ident $t:ident { label: $label:expr },)* }
    ) => {
        /// A numeric hyperparameter of the trainer: one value per net (per SIMD lane).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum HyperParam { $($v,)* $($av,)* }

        /// The numeric hyperparameters of one net's trainer (see [`hyperparameters!`] for what
        /// each means): one value per lane, loaded into vectors like the weights.
        #[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
        pub struct Hyper { $(pub $f: f64,)* $(pub $af: f64,)* }

        impl HyperParam {
            /// Every numeric hyperparameter, in the table's order.
            pub const ALL: &'static [HyperParam] = &[$(HyperParam::$v,)* $(HyperParam::$av,)*];

            /// The field: TOML key and CSV column (`weight_decay`).
            pub fn name(self) -> &'static str {
                match self { $(HyperParam::$v => stringify!($f),)* $(HyperParam::$av => stringify!($af),)* }
            }

            fn info(self) -> Info {
                match self {
                    $(HyperParam::$v => define_hyper!(@info $($info)*),)*
                    $(HyperParam::$av => define_hyper!(@info $($ainfo)*),)*
                }
            }
        }

        impl Hyper {
            /// The lesson's trainer: every value its default (learning rate 2).
            pub const LESSON: Hyper = Hyper {
                $($f: define_hyper!(@default $($info)*),)*
                $($af: define_hyper!(@default $($ainfo)*),)*
            };

            pub fn get(&self, p: HyperParam) -> f64 {
                match p { $(HyperParam::$v => self.$f,)* $(HyperParam::$av => self.$af,)* }
            }

            pub fn set(&mut self, p: HyperParam, x: f64) {
                match p { $(HyperParam::$v => self.$f = x,)* $(HyperParam::$av => self.$af = x,)* }
            }

            /// Whether a step needs more than p ← p − η·g: any value but a rate that is not the
            /// lesson's (momentum, decay, clipping). Written out field by field (the loaders ask
            /// it of every net, so it must cost a few compares, not a walk over the table).
            pub fn stateful(&self) -> bool {
                false
                    $(|| define_hyper!(@moves self.$f, $($info)*))*
                    $(|| define_hyper!(@moves self.$af, $($ainfo)*))*
            }
        }

        /// A categorical hyperparameter: one value per vector of nets ([`Options`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ChoiceParam { $($t,)* }

        impl ChoiceParam {
            pub const ALL: &'static [ChoiceParam] = &[$(ChoiceParam::$t,)*];

            /// The field: flag (with `--`), TOML key and CSV column.
            pub fn name(self) -> &'static str {
                match self { $(ChoiceParam::$t => stringify!($c),)* }
            }

            /// Every value's name, the lesson's first.
            pub fn names(self) -> Vec<&'static str> {
                match self { $(ChoiceParam::$t => $t::ALL.iter().map(|x| x.name()).collect(),)* }
            }
        }

        impl Options {
            /// The value of `c`, as its name.
            pub fn name_of(&self, c: ChoiceParam) -> &'static str {
                match c { $(ChoiceParam::$t => self.$c.name(),)* }
            }

            /// How a label writes `c`'s value (`linear output`).
            pub fn label_of(&self, c: ChoiceParam) -> String {
                match c { $(ChoiceParam::$t => ($label)(self.$c),)* }
            }
        }
    };
    (@info default: $d:expr, ok: $ok:expr, must: $must:literal, word: $word:literal,
        axis: $axis:literal, rate: $rate:literal,) => {
        Info { ok: $ok, must: $must, word: $word, axis: $axis, rate: $rate }
    };
    (@default default: $d:expr, $($rest:tt)*) => { $d };
    (@moves $x:expr, default: $d:expr, ok: $ok:expr, must: $must:literal, word: $word:literal,
        axis: $axis:literal, rate: $rate:literal,) => {
        (!$rate && $x != $d)
    };
}

/// A numeric hyperparameter's row of the table, past its name.
struct Info {
    ok: fn(f64) -> bool,
    must: &'static str,
    word: &'static str,
    axis: &'static str,
    rate: bool,
}

hyperparameters!(define_hyper);

impl HyperParam {
    /// How many there are.
    pub const COUNT: usize = HyperParam::ALL.len();

    /// The flag: `--weight-decay`.
    pub fn flag(self) -> String {
        format!("--{}", self.axis_name())
    }

    /// The name with dashes, as a map axis writes it: `weight-decay`.
    pub fn axis_name(self) -> &'static str {
        static NAMES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
            HyperParam::ALL
                .iter()
                .map(|p| p.name().replace('_', "-"))
                .collect()
        });
        &NAMES[self as usize]
    }

    /// The lesson's value.
    pub fn default(self) -> f64 {
        Hyper::LESSON.get(self)
    }

    /// Whether `x` is a value this hyperparameter may take; the error says what it must be.
    pub fn check(self, x: f64) -> Result<(), String> {
        let i = self.info();
        if (i.ok)(x) {
            Ok(())
        } else {
            Err(format!("{} {x} must be {}", self.name(), i.must))
        }
    }

    /// The word a label puts before the value: `momentum 0.9`, `decay 1e-4`.
    pub fn word(self) -> &'static str {
        self.info().word
    }

    /// How a chart's axis describes it: `weight decay λ`.
    pub fn axis_description(self) -> &'static str {
        self.info().axis
    }

    /// Whether it is a learning rate (a cell's rate axis sets it; a sweep's `--lr` sets both).
    pub fn is_rate(self) -> bool {
        self.info().rate
    }

    /// The hyperparameter named `name` (field or axis spelling: `weight_decay`, `weight-decay`).
    pub fn from_name(name: &str) -> Option<HyperParam> {
        HyperParam::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name || p.axis_name() == name)
    }
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
            ..Hyper::LESSON
        }
    }

    /// The learning rate of parameter `k` in storage order (0..6 hidden, 6..9 output).
    pub fn lr_of_param(&self, k: usize) -> f64 {
        if k < 6 { self.lr_hidden } else { self.lr_out }
    }

    /// Values no trainer accepts, named after the hyperparameter.
    pub fn check(&self) -> Result<(), String> {
        HyperParam::ALL
            .iter()
            .try_for_each(|&p| p.check(self.get(p)))
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
        let with = |p: HyperParam, x: f64| {
            let mut h = Hyper::lr(1.0);
            h.set(p, x);
            h.check()
        };
        let momentum = HyperParam::from_name("momentum").unwrap();
        assert!(with(momentum, 0.9).is_ok());
        assert!(with(momentum, 1.0).unwrap_err().contains("[0, 1)"));
        assert!(with(momentum, -0.1).is_err());
        let decay = HyperParam::from_name("weight-decay").unwrap();
        assert!(with(decay, 0.0).is_ok());
        assert!(with(decay, -1e-3).is_err());
        assert!(with(decay, f64::NAN).is_err());
        for &p in HyperParam::ALL {
            assert!(p.check(p.default()).is_ok(), "{p:?}");
            assert!(p.check(f64::INFINITY).is_err(), "{p:?}");
            assert_eq!(HyperParam::from_name(p.axis_name()), Some(p));
        }
        assert!(!Hyper::lr(0.5).stateful());
    }
}
