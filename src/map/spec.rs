//! What a trainability map is: two axes over hyperparameters (`--x`, `--y`), a base net, and
//! how to train and show it. Every piece parses from a string and prints back to one that parses
//! to the same thing, so `map.toml` records exactly the map that was drawn.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_with::{DeserializeFromStr, SerializeDisplay};

use crate::error::UsageError;
use crate::hints::Offer;
use crate::hyper::{TrainerAxes, Values};
use crate::sweep::spec::{INIT_SCHEMES, Init, InitSpec};
use crate::train::options::{ChoiceParam, HyperParam};
use crate::train::{Hyper, MAX_EPOCHS, Options, PARAM_NAMES, Precision};

/// The most frames of a zoom sequence (10× a frame reaches 10^15, past f64's resolution).
pub const MAX_FRAMES: u32 = 16;
/// The most pixels along one axis.
pub const MAX_N: u32 = 8192;
/// The most memory a map may plan for (its results, `.npy` files, images and CSV).
pub const MAX_MAP_BYTES: u64 = 2 << 30;
/// Bytes a pixel costs at most while a map is made: the pixel (16), the four `.npy` files (16),
/// the chart and bare image (6 in RGB, 6 more while encoding) and room for the PNG bytes.
pub const BYTES_PER_PIXEL: u64 = 48;
/// Extra bytes per pixel with `--csv`: one text row, at most 95 characters with every number
/// printed shortest (`1e300`, not 301 digits; see `output::csv`), in a buffer sized for it.
pub const CSV_BYTES_PER_PIXEL: u64 = 96;
/// Extra bytes per pixel for each frame of a zoom sequence after the first (its pixels and
/// colours are kept until the contact sheet is drawn).
pub const FRAME_BYTES_PER_PIXEL: u64 = 20;

/// What an axis varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisKind {
    /// The learning rate of both layers.
    Lr,
    /// A numeric hyperparameter of the trainer: a layer's learning rate, momentum, decay, …
    Hyper(HyperParam),
    /// The gap of a near-symmetric net: the base made symmetric (hidden unit 2 a copy of unit 1),
    /// then w21 w22 b2 v2 shifted by ε times a fixed seeded direction.
    Eps,
    /// A factor on all nine base weights.
    Scale,
    /// An offset added to one base weight (index in storage order).
    Weight(usize),
}

impl AxisKind {
    /// The order in which axes act on a net: scale, then ε, then offsets, then rates.
    pub fn order(self) -> u8 {
        match self {
            AxisKind::Scale => 0,
            AxisKind::Eps => 1,
            AxisKind::Weight(_) => 2,
            AxisKind::Lr => 3,
            AxisKind::Hyper(p) if p.is_rate() => 3,
            AxisKind::Hyper(_) => 4,
        }
    }

    pub fn is_rate(self) -> bool {
        self.order() == 3
    }

    /// How the axis is described on a chart.
    pub fn description(self) -> String {
        match self {
            AxisKind::Lr => "learning rate (both layers)".into(),
            AxisKind::Hyper(p) => p.axis_description().into(),
            AxisKind::Eps => "ε: distance from a symmetric net".into(),
            AxisKind::Scale => "scale of the initial weights".into(),
            AxisKind::Weight(k) => format!("offset added to initial {}", PARAM_NAMES[k]),
        }
    }

    /// Whether the axis sets hyperparameter `p` (`lr` sets both rates).
    pub fn sets(self, p: HyperParam) -> bool {
        match self {
            AxisKind::Lr => p.is_rate(),
            AxisKind::Hyper(q) => q == p,
            _ => false,
        }
    }

    /// What a value of the axis must be, if the trainer restricts it (a rate, momentum, …).
    fn check(self, x: f64) -> Result<(), String> {
        match self {
            AxisKind::Lr => crate::hyper::check_lr(x),
            AxisKind::Hyper(p) => p.check(x),
            _ => Ok(()),
        }
    }

    /// Do two axes set the same thing (so that one would hide the other)?
    pub fn clashes(self, other: AxisKind) -> bool {
        use AxisKind::*;
        self == other || matches!((self, other), (Lr, Hyper(p)) | (Hyper(p), Lr) if p.is_rate())
    }
}

/// The axes with a name of their own (the others are the weights, [`PARAM_NAMES`]): `lr`, every
/// numeric hyperparameter, `eps` and `scale`.
pub fn named_axes() -> impl Iterator<Item = &'static str> {
    let hyper = HyperParam::ALL.iter().map(|p| p.axis_name());
    std::iter::once("lr").chain(hyper).chain(["eps", "scale"])
}

/// Every axis name: what completions offer and a misspelt axis is suggested from.
pub fn axis_names() -> impl Iterator<Item = &'static str> {
    named_axes().chain(PARAM_NAMES)
}

impl FromStr for AxisKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "lr" => AxisKind::Lr,
            "eps" => AxisKind::Eps,
            "scale" => AxisKind::Scale,
            _ => match HyperParam::ALL.iter().find(|p| p.axis_name() == s) {
                Some(&p) => AxisKind::Hyper(p),
                None => match PARAM_NAMES.iter().position(|n| *n == s) {
                    Some(k) => AxisKind::Weight(k),
                    None => {
                        return Err(format!(
                            "unknown axis '{}'{} (expected {} or a weight: {})",
                            crate::escape::escape(s),
                            crate::hints::suggestion(s, axis_names()),
                            named_axes().collect::<Vec<_>>().join(", "),
                            PARAM_NAMES.join(" ")
                        ));
                    }
                },
            },
        })
    }
}

impl fmt::Display for AxisKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AxisKind::Lr => "lr",
            AxisKind::Hyper(p) => p.axis_name(),
            AxisKind::Eps => "eps",
            AxisKind::Scale => "scale",
            AxisKind::Weight(k) => PARAM_NAMES[*k],
        })
    }
}

/// One axis of a map: `AXIS:LO..HI:N[:log]`. Pixel `i` sits at the centre of the `i`-th of `n`
/// equal steps from LO to HI (in log space on a log axis), so the picture spans exactly LO..HI.
#[derive(Clone, Copy, Debug, PartialEq, SerializeDisplay, DeserializeFromStr)]
pub struct AxisSpec {
    pub kind: AxisKind,
    pub lo: f64,
    pub hi: f64,
    pub n: u32,
    pub log: bool,
}

fn number(s: &str, what: &str) -> Result<f64, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{what} '{s}' is not a number"))?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("{what} '{s}' is not a finite number"))
    }
}

impl FromStr for AxisSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let form = "AXIS:LO..HI:N[:log]";
        let mut parts = s.trim().split(':');
        let kind: AxisKind = parts.next().unwrap_or_default().parse()?;
        let range = parts
            .next()
            .ok_or_else(|| format!("'{s}' has no range: expected {form}"))?;
        let (lo, hi) = range
            .split_once("..")
            .ok_or_else(|| format!("'{range}' is not a range LO..HI in '{s}'"))?;
        let (lo, hi) = (number(lo, "LO")?, number(hi, "HI")?);
        let n = parts
            .next()
            .ok_or_else(|| format!("'{s}' has no pixel count: expected {form}"))?;
        let n: u32 = match n.trim().parse::<u64>() {
            Ok(n) => u32::try_from(n)
                .map_err(|_| format!("pixel count {n} is too large: at most {MAX_N}"))?,
            Err(_) => return Err(format!("pixel count '{n}' is not a whole number")),
        };
        let log = match parts.next() {
            None => false,
            Some("log") => true,
            Some(o) => return Err(format!("unknown spacing '{o}' in '{s}' (only 'log')")),
        };
        if parts.next().is_some() {
            return Err(format!("'{s}' has too many ':' parts: expected {form}"));
        }
        AxisSpec {
            kind,
            lo,
            hi,
            n,
            log,
        }
        .checked()
    }
}

impl fmt::Display for AxisSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let log = if self.log { ":log" } else { "" };
        write!(
            f,
            "{}:{:?}..{:?}:{}{log}",
            self.kind, self.lo, self.hi, self.n
        )
    }
}

impl AxisSpec {
    /// The axis if it is a valid one, else what is wrong with it.
    pub fn checked(self) -> Result<AxisSpec, String> {
        if self.n == 0 {
            return Err("0 pixels: N must be at least 1".into());
        }
        if self.n > MAX_N {
            return Err(format!("{} pixels is more than {MAX_N}", self.n));
        }
        if !(self.lo.is_finite() && self.hi.is_finite()) {
            return Err("the range must be finite".into());
        }
        if self.lo >= self.hi {
            let what = if self.lo == self.hi {
                "empty"
            } else {
                "reversed"
            };
            return Err(format!(
                "{what} range {:?}..{:?}: LO must be below HI",
                self.lo, self.hi
            ));
        }
        if self.log && self.lo <= 0.0 {
            return Err(format!(
                "a log axis must start above 0, not at {:?}",
                self.lo
            ));
        }
        if self.kind.is_rate() && self.lo <= 0.0 {
            return Err(format!(
                "learning rates must be positive: the range starts at {:?}",
                self.lo
            ));
        }
        if !(self.hi - self.lo).is_finite() {
            return Err(format!(
                "the range {:?}..{:?} is too wide: HI − LO overflows a 64-bit float",
                self.lo, self.hi
            ));
        }
        if self.hi - self.lo == 0.0 || (self.log && self.hi.ln() - self.lo.ln() == 0.0) {
            return Err("the range is too narrow to tell pixels apart".into());
        }
        // As for a sweep's ranges: every pixel a value of its own, or the picture repeats; and
        // every pixel's value one its hyperparameter may take (pixels sit inside LO..HI).
        let mut prev = self.value(0);
        for i in 0..self.n {
            let v = self.value(i);
            self.kind.check(v).map_err(|e| {
                format!(
                    "pixel {i} of the range {:?}..{:?} is at {v:?}, and {e}",
                    self.lo, self.hi
                )
            })?;
            if i == 0 {
                continue;
            }
            if !(v > prev && v.is_finite()) {
                return Err(format!(
                    "the range {:?}..{:?} repeats the value {prev:?} at {} pixels (floating point cannot tell them apart): use fewer pixels or a wider range",
                    self.lo, self.hi, self.n
                ));
            }
            prev = v;
        }
        Ok(self)
    }

    /// Where pixel `i` sits along the axis, in [0, 1].
    pub fn fraction(&self, i: f64) -> f64 {
        (i + 0.5) / f64::from(self.n)
    }

    /// The value at fraction `t` of the axis (0 = LO, 1 = HI).
    pub fn at(&self, t: f64) -> f64 {
        if self.log {
            (self.lo.ln() + (self.hi.ln() - self.lo.ln()) * t).exp()
        } else {
            self.lo + (self.hi - self.lo) * t
        }
    }

    /// The value of pixel `i`.
    pub fn value(&self, i: u32) -> f64 {
        self.at(self.fraction(f64::from(i)))
    }

    /// The axis `factor` times narrower around `centre` (in log space on a log axis).
    pub fn zoomed(&self, centre: f64, factor: f64) -> Result<AxisSpec, String> {
        let (lo, hi) = if self.log {
            if centre <= 0.0 {
                return Err(format!("centre {centre:?} of a log axis must be above 0"));
            }
            let half = (self.hi.ln() - self.lo.ln()) / (2.0 * factor);
            ((centre.ln() - half).exp(), (centre.ln() + half).exp())
        } else {
            let half = (self.hi - self.lo) / (2.0 * factor);
            (centre - half, centre + half)
        };
        AxisSpec { lo, hi, ..*self }.checked()
    }
}

/// What colours map.png (all four measures are saved as `.npy` either way) and, for
/// `converged`, which verdict the boundary separates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, SerializeDisplay, DeserializeFromStr)]
pub enum Measure {
    FinalLoss,
    MeanLoss,
    SolvedEpoch,
    Trained,
    Converged,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::FinalLoss,
        Measure::MeanLoss,
        Measure::SolvedEpoch,
        Measure::Trained,
        Measure::Converged,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Measure::FinalLoss => "final-loss",
            Measure::MeanLoss => "mean-loss",
            Measure::SolvedEpoch => "solved-epoch",
            Measure::Trained => "trained",
            Measure::Converged => "converged",
        }
    }
}

impl FromStr for Measure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Measure::ALL
            .into_iter()
            .find(|m| m.name() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown measure '{}' (expected final-loss, mean-loss, solved-epoch, trained or converged)",
                    s.escape_default()
                )
            })
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which verdict a map's boundary separates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// All four outputs on the right side of 0.5 after the last epoch (ours).
    Trained,
    /// The paper's criterion: every loss finite and the mean of loss/loss₀ over epochs 0..=E
    /// below 1 (training converges rather than diverges).
    Converged,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Trained => "trained",
            Verdict::Converged => "converged",
        }
    }
}

/// `--zoom CX,CY,F`: zoom F-fold (F ≥ 1) around (CX, CY).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Zoom {
    pub cx: f64,
    pub cy: f64,
    pub factor: f64,
}

impl FromStr for Zoom {
    type Err = String;
    fn from_str(s: &str) -> Result<Zoom, String> {
        let parts: Vec<&str> = s.split(',').collect();
        let [cx, cy, f] = parts[..] else {
            return Err(format!("'{s}' is not CX,CY,F"));
        };
        let (cx, cy, factor) = (number(cx, "CX")?, number(cy, "CY")?, number(f, "F")?);
        if factor < 1.0 {
            return Err(format!("factor {factor} must be at least 1"));
        }
        Ok(Zoom { cx, cy, factor })
    }
}

/// A map as `map.toml` holds it: every field a parsed, checked type that prints back
/// canonically, so a zoomed map's axes are the config's axes and nothing is re-synced by hand.
///
/// Unknown keys are refused by [`MapConfig::patch_from_toml`] (serde's `deny_unknown_fields`
/// does not combine with the flattened trainer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapConfig {
    /// The trainer every pixel shares, one value of each hyperparameter (`lr`, or `lr_hidden`
    /// with `lr_out`): absent ones are the lesson's, and an axis overrides what it varies.
    #[serde(flatten)]
    pub trainer: TrainerAxes,
    /// Horizontal axis: `AXIS:LO..HI:N[:log]`.
    pub x: AxisSpec,
    /// Vertical axis: `AXIS:LO..HI:N[:log]`.
    pub y: AxisSpec,
    /// The base net every pixel starts from: lesson or a sweep init scheme (one ε).
    pub init: InitSpec,
    /// Seed of the base net's draw and of the ε direction.
    pub seed: u64,
    /// Gradient steps per net.
    pub epochs: u32,
    pub precision: Precision,
    /// Colouring of map.png; absent: trained pixels by first solved epoch, the rest by loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// Frames of a zoom sequence (0: none).
    #[serde(default)]
    pub zoom_sequence: u32,
    /// How much deeper each frame of a zoom sequence is.
    #[serde(default = "default_zoom_factor")]
    pub zoom_factor: f64,
    /// Also write map.csv.
    #[serde(default)]
    pub csv: bool,
    /// How many times deeper than the map it was zoomed from (1: not zoomed); frames, labels
    /// and manifest.json carry it on.
    #[serde(default = "unzoomed", skip_serializing_if = "is_unzoomed")]
    pub zoom: f64,
}

fn default_zoom_factor() -> f64 {
    10.0
}

fn unzoomed() -> f64 {
    1.0
}

fn is_unzoomed(z: &f64) -> bool {
    *z == 1.0
}

pub const DEFAULT_X: &str = "lr-hidden:0.1..1000:512:log";
pub const DEFAULT_Y: &str = "lr-out:0.1..1000:512:log";

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            trainer: TrainerAxes {
                lr: Some(Values::List(vec![crate::baseline::LESSON_LR])),
                ..TrainerAxes::default()
            },
            x: DEFAULT_X.parse().expect("the default axes parse"),
            y: DEFAULT_Y.parse().expect("the default axes parse"),
            init: InitSpec::Lesson,
            seed: crate::sweep::config::DEFAULT_SEED,
            epochs: 1000,
            precision: Precision::F64,
            measure: None,
            zoom_sequence: 0,
            zoom_factor: default_zoom_factor(),
            csv: false,
            zoom: unzoomed(),
        }
    }
}

/// Fields a config file or the command line sets (absent: keep what is there): one struct is
/// both the flags of `xorsweep map` and the keys of map.toml (`--zoom-sequence` is
/// `zoom_sequence`).
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MapPatch {
    /// The trainer every pixel shares (one value each; --lr-hidden/--lr-out together, or --lr,
    /// set the rates no axis sets) [default: the lesson's, learning rate 2].
    #[command(flatten)]
    #[serde(flatten)]
    pub trainer: TrainerAxes,
    /// Horizontal axis AXIS:LO..HI:N or AXIS:LO..HI:N:log. AXIS: lr, a trainer hyperparameter
    /// (lr-hidden, lr-out, momentum, …: the numeric flags' names), eps, scale or a weight w11
    /// w12 b1 w21 w22 b2 v1 v2 c (an offset added to it); N up to 8192 [default:
    /// lr-hidden:0.1..1000:512:log].
    #[arg(
        long,
        value_name = "AXIS",
        allow_hyphen_values = true,
        value_parser = Offer::parsed(axis_names(), |s: &str| s.parse::<AxisSpec>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<AxisSpec>,
    /// Vertical axis, as --x [default: lr-out:0.1..1000:512:log].
    #[arg(
        long,
        value_name = "AXIS",
        allow_hyphen_values = true,
        value_parser = Offer::parsed(axis_names(), |s: &str| s.parse::<AxisSpec>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<AxisSpec>,
    /// The base net every pixel starts from: lesson, or one draw of uniform:A, normal:SIGMA,
    /// symmetric:A or near-symmetric:A:EPS [default: lesson].
    #[arg(
        long,
        value_name = "SPEC",
        allow_hyphen_values = true,
        value_parser = Offer::parsed(INIT_SCHEMES, |s: &str| s.parse::<InitSpec>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<InitSpec>,
    /// Seed of the base draw and of the ε direction [default: 2026].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Gradient steps per net [default: 1000].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<u32>,
    /// Arithmetic of the lanes: f64, f32 or dd (double-double, about 106 bits, for zooms past
    /// f64's rounding; its chaos nudge is one dd-ulp) [default: f64].
    #[arg(
        long,
        value_name = "P",
        value_parser = Offer::parsed(Precision::ALL.map(Precision::name), |s: &str| s.parse::<Precision>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    /// Colouring of map.png: final-loss, mean-loss, solved-epoch, trained or converged (the
    /// paper's criterion: every loss finite and mean loss/loss₀ below 1; the boundary is then
    /// between converging and diverging nets) [default: trained nets by first solved epoch, the
    /// others by final loss].
    #[arg(
        long,
        value_name = "MEASURE",
        value_parser = Offer::parsed(Measure::ALL.map(Measure::name), |s: &str| s.parse::<Measure>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// Render up to K frames into frames/, each --zoom-factor deeper around a calm, intricate
    /// stretch of boundary near the centre of the one before, plus a contact sheet; stops where
    /// rounding dominates and no calm stretch is left, or the axes collapse.
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom_sequence: Option<u32>,
    /// Depth of each frame of --zoom-sequence over the one before [default: 10].
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom_factor: Option<f64>,
    /// Also write map.csv (one row per pixel).
    #[arg(long, num_args = 0, default_missing_value = "true")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<bool>,
    /// How many times deeper this map is than the one it was zoomed from: a key of map.toml,
    /// not a flag (`--zoom CX,CY,F` multiplies it by F).
    #[arg(skip)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom: Option<f64>,
}

/// Every key a map's TOML file may hold, read off a patch with every field set (so the list is
/// the struct's own, declared nowhere else).
fn known_keys() -> Vec<String> {
    let full = MapPatch {
        trainer: TrainerAxes::full(),
        x: Some(MapConfig::default().x),
        y: Some(MapConfig::default().y),
        init: Some(InitSpec::Lesson),
        seed: Some(0),
        epochs: Some(1),
        precision: Some(Precision::F64),
        measure: Some(Measure::Trained),
        zoom_sequence: Some(1),
        zoom_factor: Some(10.0),
        csv: Some(true),
        zoom: Some(10.0),
    };
    toml::Table::try_from(&full)
        .expect("a MapPatch always serialises")
        .keys()
        .cloned()
        .collect()
}

impl MapConfig {
    pub fn apply(mut self, p: MapPatch) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = p.$f { self.$f = v; } )* };
        }
        self.trainer.apply(p.trainer);
        take!(
            x,
            y,
            init,
            seed,
            epochs,
            precision,
            zoom_sequence,
            zoom_factor,
            csv,
            zoom
        );
        if p.measure.is_some() {
            self.measure = p.measure;
        }
        self
    }

    /// A map.toml's (or any `--config` file's) keys as a patch; unknown keys and bad values are
    /// refused naming the file and line.
    pub fn patch_from_toml(text: &str, path: &str) -> Result<MapPatch, UsageError> {
        crate::config_file::parse(text, path, "--config", &known_keys())
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a MapConfig always serialises");
        format!("# xorsweep map; rerun with: xorsweep map --config map.toml\n{body}")
    }

    /// Check every field; errors name the flag.
    pub fn validate(&self) -> Result<MapSpec, UsageError> {
        fn flag(f: &'static str) -> impl Fn(String) -> UsageError {
            move |e| UsageError::new(format!("{f}: {e}"))
        }
        let (x, y) = (
            self.x.checked().map_err(flag("--x"))?,
            self.y.checked().map_err(flag("--y"))?,
        );
        if x.kind.clashes(y.kind) {
            return Err(UsageError::new(format!(
                "--y: axis '{}' sets what --x '{}' already sets; pick two different axes",
                y.kind, x.kind
            )));
        }
        let init = match self.init.expand()[..] {
            [one] => one,
            _ => {
                return Err(UsageError::new(
                    "--init: a map has one base net: give near-symmetric a single ε",
                ));
            }
        };
        let (hyper, options) = self.trainer_of_every_pixel([x.kind, y.kind])?;
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(UsageError::new(format!(
                "--epochs: must be between 1 and {MAX_EPOCHS}"
            )));
        }
        if self.zoom_sequence > MAX_FRAMES {
            return Err(UsageError::new(format!(
                "--zoom-sequence: at most {MAX_FRAMES} frames (a sequence stops anyway where f64 can no longer tell neighbouring pixels apart)"
            )));
        }
        if !(self.zoom_factor.is_finite() && self.zoom_factor > 1.0 && self.zoom_factor <= 1e6) {
            return Err(UsageError::new(format!(
                "--zoom-factor: {} must be above 1 and at most 1e6",
                self.zoom_factor
            )));
        }
        if !(self.zoom.is_finite() && self.zoom >= 1.0) {
            return Err(UsageError::new(format!(
                "zoom (map.toml): {} must be a number of at least 1 (how many times deeper than the map it was zoomed from)",
                self.zoom
            )));
        }
        let pixels = u64::from(x.n) * u64::from(y.n);
        let per = BYTES_PER_PIXEL
            + if self.csv { CSV_BYTES_PER_PIXEL } else { 0 }
            + u64::from(self.zoom_sequence.saturating_sub(1)) * FRAME_BYTES_PER_PIXEL;
        if pixels * per > MAX_MAP_BYTES {
            return Err(UsageError::new(format!(
                "--x/--y: a {}×{} map{} needs about {:.1} GB, more than the {} GB limit; use fewer pixels{}",
                x.n,
                y.n,
                if self.zoom_sequence > 1 {
                    format!(" of {} frames", self.zoom_sequence)
                } else {
                    String::new()
                },
                (pixels * per) as f64 / 1e9,
                MAX_MAP_BYTES >> 30,
                if self.csv { " or drop --csv" } else { "" }
            )));
        }
        Ok(MapSpec {
            x,
            y,
            init,
            seed: self.seed,
            hyper,
            options,
            epochs: self.epochs,
            precision: self.precision,
            measure: self.measure,
            zoom_sequence: self.zoom_sequence,
            zoom_factor: self.zoom_factor,
            csv: self.csv,
            zoom: self.zoom,
        })
    }

    /// The trainer of every pixel before the axes act: one value of each hyperparameter, none
    /// of them one an axis varies. Errors name the flag.
    fn trainer_of_every_pixel(&self, axes: [AxisKind; 2]) -> Result<(Hyper, Options), UsageError> {
        let t = &self.trainer;
        // An axis that varies one layer's rate completes the pair for the check: `--y lr-out`
        // with `--lr-hidden 1` is a map of the output rate at hidden rate 1.
        let mut paired = t.clone();
        let rates: Vec<HyperParam> = HyperParam::ALL
            .iter()
            .copied()
            .filter(|p| p.is_rate())
            .collect();
        for &p in &rates {
            let other_given = rates.iter().any(|&q| q != p && t.values(q).is_some());
            if axes.iter().any(|a| a.sets(p)) && t.values(p).is_none() && other_given {
                *paired.values_mut(p) = Some(Values::List(vec![1.0]));
            }
        }
        paired.check()?;
        let one = |flag: &str, v: Option<&Values>| -> Result<Option<f64>, UsageError> {
            match v.map(Values::values).as_deref() {
                None => Ok(None),
                Some([x]) => Ok(Some(*x)),
                Some(_) => Err(UsageError::new(format!(
                    "{flag}: a map takes one value (it sets every pixel); to vary it, make it an axis: --x {}:LO..HI:N",
                    flag.trim_start_matches('-')
                ))),
            }
        };
        let lr = one("--lr", t.lr.as_ref())?.unwrap_or(crate::baseline::LESSON_LR);
        let mut hyper = Hyper::lr(lr);
        for &p in HyperParam::ALL {
            let Some(x) = one(&p.flag(), t.values(p))? else {
                continue;
            };
            if let Some(axis) = axes.iter().find(|a| a.sets(p)) {
                let flag = p.flag();
                return Err(UsageError::new(format!(
                    "{flag}: the axis '{axis}' varies it; drop {flag} or pick another axis"
                )));
            }
            hyper.set(p, x);
        }
        if let Some(&c) = ChoiceParam::ALL
            .iter()
            .find(|&&c| t.names(c).is_some_and(|v| v.len() > 1))
        {
            return Err(UsageError::new(format!(
                "--{}: a map takes one value (it sets every pixel); make one map per value",
                c.name()
            )));
        }
        Ok((hyper, t.options()[0]))
    }
}

/// A validated map.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    pub x: AxisSpec,
    pub y: AxisSpec,
    pub init: Init,
    pub seed: u64,
    /// Every pixel's trainer before the axes act.
    pub hyper: Hyper,
    pub options: Options,
    pub epochs: u32,
    pub precision: Precision,
    pub measure: Option<Measure>,
    pub zoom_sequence: u32,
    pub zoom_factor: f64,
    pub csv: bool,
    /// How many times deeper than the map it was zoomed from.
    pub zoom: f64,
}

impl MapSpec {
    /// The same map `factor` times deeper around (cx, cy).
    pub fn zoomed(&self, cx: f64, cy: f64, factor: f64) -> Result<MapSpec, String> {
        Ok(MapSpec {
            x: self.x.zoomed(cx, factor).map_err(|e| format!("x: {e}"))?,
            y: self.y.zoomed(cy, factor).map_err(|e| format!("y: {e}"))?,
            ..self.clone()
        })
    }

    pub fn pixels(&self) -> usize {
        self.x.n as usize * self.y.n as usize
    }

    /// The verdict whose boundary the map measures: converged with `--measure converged`,
    /// trained otherwise.
    pub fn verdict(&self) -> Verdict {
        if self.measure == Some(Measure::Converged) {
            Verdict::Converged
        } else {
            Verdict::Trained
        }
    }
}

/// Resolve a map from defaults, an optional config file's patch, the flags' patch and an
/// optional zoom, in that order: the config (as map.toml will record it) and its spec.
pub fn resolve(
    file: Option<MapPatch>,
    flags: MapPatch,
    zoom: Option<Zoom>,
) -> Result<(MapConfig, MapSpec), UsageError> {
    let mut config = MapConfig::default();
    if let Some(p) = file {
        config = config.apply(p);
    }
    config = config.apply(flags);
    let mut spec = config.validate()?;
    if let Some(z) = zoom {
        spec = spec
            .zoomed(z.cx, z.cy, z.factor)
            .map_err(|e| UsageError::new(format!("--zoom: {e}")))?;
        config.x = spec.x;
        config.y = spec.y;
        config.zoom *= z.factor;
        spec.zoom = config.zoom;
    }
    Ok((config, spec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_print_back_to_themselves() {
        for s in [
            "lr-hidden:0.1..1000.0:1024:log",
            "w11:-3.0..3.0:7",
            "eps:1e-9..0.1:64:log",
            "c:-1.0..1.0:1",
        ] {
            let a: AxisSpec = s.parse().unwrap();
            assert_eq!(a.to_string().parse::<AxisSpec>().unwrap(), a);
        }
        let a: AxisSpec = "lr:1..100:2:log".parse().unwrap();
        assert!((a.value(0) - 10f64.powf(0.5)).abs() < 1e-12);
        assert!((a.value(1) - 10f64.powf(1.5)).abs() < 1e-12);
        let z = a.zoomed(10.0, 2.0).unwrap();
        assert!((z.lo - 10f64.powf(0.5)).abs() < 1e-12 && (z.hi - 10f64.powf(1.5)).abs() < 1e-12);
    }

    #[test]
    fn clashing_axes() {
        let (hidden, out) = (
            AxisKind::Hyper(HyperParam::LrHidden),
            AxisKind::Hyper(HyperParam::LrOut),
        );
        assert!(AxisKind::Lr.clashes(out));
        assert!(AxisKind::Weight(2).clashes(AxisKind::Weight(2)));
        assert!(!hidden.clashes(out));
        assert!(!AxisKind::Lr.clashes(AxisKind::Hyper(HyperParam::Momentum)));
        assert!(!AxisKind::Weight(0).clashes(AxisKind::Weight(1)));
    }

    #[test]
    fn default_config_round_trips_through_toml() {
        let c = MapConfig {
            measure: Some(Measure::Trained),
            ..MapConfig::default()
        };
        let back: MapConfig = toml::from_str(&c.to_toml()).unwrap();
        assert_eq!(back, c);
        assert!(c.validate().is_ok());
    }
}
