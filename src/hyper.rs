//! The trainer's hyperparameters as the axes of a grid. Each is declared once, in the table of
//! [`crate::train::options`] (name = flag = TOML key = CSV column, default, check, label); this
//! module derives from that table what the grid needs: [`TrainerAxes`] (the flags of sweep, map
//! and bench and the keys of their TOML files, by a macro over the table), the language a value
//! list is written in ([`Values`], [`Choices`]), the grid's settings (one cartesian product over
//! the table) and their labels ([`Setting::describe`]).
//!
//! Values go down from here once: a flag or TOML string is parsed into [`Values`] (numbers) or
//! [`Choices`] (names), checked, expanded into [`Setting`]s and learning rates, and handed to the
//! trainer as [`Hyper`] and [`Options`]; nothing downstream parses a string again.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};
use serde_with::{DeserializeFromStr, SerializeDisplay};

use crate::error::UsageError;
use crate::format::exact;
use crate::train::options::{ChoiceParam, HyperParam};
use crate::train::{Activation, Batch, Hyper, Loss, Options, OutputUnit};

/// A list of numbers: `0.5,1,2`, a linear range `0.1..4:40` or a geometric one `0.05..32:16:log`.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    List(Vec<f64>),
    Linear { start: f64, end: f64, points: u32 },
    Geometric { start: f64, end: f64, points: u32 },
}

/// The most points one range may expand to.
pub const MAX_POINTS: u32 = 100_000;

pub fn parse_number(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let x: f64 = t.parse().map_err(|_| format!("'{t}' is not a number"))?;
    let mantissa = t.split(['e', 'E']).next().unwrap_or_default();
    if x == 0.0 && mantissa.chars().any(|c| c.is_ascii_digit() && c != '0') {
        return Err(format!(
            "'{t}' is too small for a 64-bit float (it rounds to 0)"
        ));
    }
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("'{t}' is not a finite number"))
    }
}

/// How far (relative) [`snap`] may move a computed range point: far above the few ulps that
/// computing `start + (end − start)·t` or `exp(ln start + (ln end − ln start)·t)` can be off by,
/// far below any difference a learning rate, scale or ε can make in a sweep.
pub const SNAP_TOLERANCE: f64 = 1e-12;

/// `x` (a computed range point) as the shortest decimal within [`SNAP_TOLERANCE`] of it,
/// relative: the point the range means when the arithmetic lands a few ulps off it (4, not
/// 3.999999999999999; 0.7, not 0.7000000000000001). A decimal of 13 significant digits is
/// always that close, so a snapped point has at most 13; an exact round point stays itself.
pub fn snap(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    (1..=13)
        .filter_map(|digits| format!("{:.*e}", digits - 1, x).parse::<f64>().ok())
        .find(|y| (y - x).abs() <= SNAP_TOLERANCE * x.abs())
        .unwrap_or(x)
}

impl Values {
    pub fn parse(s: &str) -> Result<Values, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty value list".into());
        }
        let Some((start, rest)) = s.split_once("..") else {
            let list = s
                .split(',')
                .map(parse_number)
                .collect::<Result<Vec<_>, _>>()?;
            if let Some((_, dup)) = list
                .iter()
                .enumerate()
                .find(|(i, x)| list[..*i].contains(x))
            {
                return Err(format!("{dup} appears twice in '{s}'"));
            }
            return Ok(Values::List(list));
        };
        let mut parts = rest.split(':');
        let end = parts.next().unwrap_or_default();
        let points = parts
            .next()
            .ok_or_else(|| format!("range '{s}' needs a point count: START..END:POINTS[:log]"))?;
        let log = match parts.next() {
            None => false,
            Some("log") => true,
            Some(other) => {
                return Err(format!(
                    "range '{s}': unknown spacing '{other}' (only 'log')"
                ));
            }
        };
        if parts.next().is_some() {
            return Err(format!(
                "range '{s}' has too many ':' parts: START..END:POINTS[:log]"
            ));
        }
        let (start, end) = (parse_number(start)?, parse_number(end)?);
        let points: u32 = points
            .trim()
            .parse()
            .map_err(|_| format!("range '{s}': '{points}' is not a point count"))?;
        if points < 2 {
            return Err(format!(
                "range '{s}' has {points} points: a range needs at least 2 (one value is a list: START)"
            ));
        }
        if points > MAX_POINTS {
            return Err(format!(
                "range '{s}' has {points} points, more than {MAX_POINTS}"
            ));
        }
        if start >= end {
            let what = if start == end { "empty" } else { "reversed" };
            return Err(format!("{what} range '{s}': start must be below end"));
        }
        if log && start <= 0.0 {
            return Err(format!("geometric range '{s}' must start above 0"));
        }
        let v = if log {
            Values::Geometric { start, end, points }
        } else {
            Values::Linear { start, end, points }
        };
        let values = v.values();
        if let Some(w) = values.windows(2).find(|w| w[0] >= w[1]) {
            return Err(format!(
                "range '{s}' repeats the value {} at {points} points (floating point cannot tell them apart): use fewer points or a wider range",
                w[0]
            ));
        }
        Ok(v)
    }

    /// How many values the spec stands for, without expanding it.
    pub fn len(&self) -> usize {
        match self {
            Values::List(v) => v.len(),
            Values::Linear { points, .. } | Values::Geometric { points, .. } => *points as usize,
        }
    }

    /// Whether `x` is one of the values (ranges are not expanded unless `x` lies inside them).
    pub fn values_contain(&self, x: f64) -> bool {
        match self {
            Values::List(v) => v.contains(&x),
            Values::Linear { start, end, .. } | Values::Geometric { start, end, .. } => {
                (*start..=*end).contains(&x) && self.values().contains(&x)
            }
        }
    }

    /// Never true: every spec holds at least one value (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The numbers, in order. A range's ends are the typed numbers; the points between are
    /// [`snap`]ped, so `0.5..8:5:log` is 0.5, 1, 2, 4, 8 and not 3.999999999999999.
    pub fn values(&self) -> Vec<f64> {
        // Ranges have at least 2 points (checked by `parse`).
        let spaced = |start: f64, end: f64, n: u32, f: &dyn Fn(f64) -> f64| -> Vec<f64> {
            (0..n)
                .map(|i| match i {
                    0 => start,
                    i if i == n - 1 => end,
                    i => snap(f(f64::from(i) / f64::from(n - 1))),
                })
                .collect()
        };
        match *self {
            Values::List(ref v) => v.clone(),
            Values::Linear { start, end, points } => {
                spaced(start, end, points, &|t| start + (end - start) * t)
            }
            Values::Geometric { start, end, points } => spaced(start, end, points, &|t| {
                (start.ln() + (end.ln() - start.ln()) * t).exp()
            }),
        }
    }

    /// Parse and check every value with `ok` (which names what is wrong with a bad one).
    pub fn parse_checked(
        s: &str,
        ok: impl Fn(f64) -> Result<(), String>,
    ) -> Result<Values, String> {
        let v = Values::parse(s)?;
        v.values().into_iter().try_for_each(ok)?;
        Ok(v)
    }
}

impl fmt::Display for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Values::List(v) => {
                let parts: Vec<String> = v.iter().map(|&x| exact(x)).collect();
                f.write_str(&parts.join(","))
            }
            Values::Linear { start, end, points } => {
                write!(f, "{}..{}:{points}", exact(*start), exact(*end))
            }
            Values::Geometric { start, end, points } => {
                write!(f, "{}..{}:{points}:log", exact(*start), exact(*end))
            }
        }
    }
}

impl FromStr for Values {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Values::parse(s)
    }
}

impl Serialize for Values {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A TOML file may write one number bare (`momentum = 0.9`), a list of numbers (`[0, 0.9]`) or
/// any spec as a string (`"0..0.9:10"`).
impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Values;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number, a list of numbers or a range as text (0.9, [0, 0.9], \"0.1..4:40\")",
                )
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Values, E> {
                Values::parse(&exact(x)).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, x: i64) -> Result<Values, E> {
                self.visit_f64(x as f64)
            }
            fn visit_u64<E: serde::de::Error>(self, x: u64) -> Result<Values, E> {
                self.visit_f64(x as f64)
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Values, E> {
                Values::parse(s).map_err(E::custom)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Values, A::Error> {
                let mut parts = Vec::new();
                while let Some(x) = seq.next_element::<f64>()? {
                    parts.push(exact(x));
                }
                Values::parse(&parts.join(",")).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A comma-separated list of names of a categorical option (`sigmoid,tanh`), each once.
#[derive(Clone, Debug, PartialEq, Eq, SerializeDisplay, DeserializeFromStr)]
pub struct Choices<T>(pub Vec<T>);

impl<T: FromStr<Err = String> + PartialEq + fmt::Display> FromStr for Choices<T> {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut v: Vec<T> = Vec::new();
        for part in s.split(',') {
            let x: T = part.parse()?;
            if v.contains(&x) {
                return Err(format!("{x} appears twice in '{}'", s.escape_default()));
            }
            v.push(x);
        }
        Ok(Choices(v))
    }
}

impl<T: fmt::Display> fmt::Display for Choices<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|x| x.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

/// A learning rate must be a positive finite number.
pub fn check_lr(x: f64) -> Result<(), String> {
    if x > 0.0 && x.is_finite() {
        Ok(())
    } else {
        Err(format!("learning rate {x} must be positive and finite"))
    }
}

/// The default learning rates: from gentle to violent.
pub const DEFAULT_LR: &str = "0.05..32:16:log";

/// Declares [`TrainerAxes`] from the trainer's table ([`crate::train::options`]): one optional
/// field per hyperparameter, named as the table names it, plus `lr` (both layers' rates).
macro_rules! trainer_axes {
    (
        numbers { $($(#[$doc:meta])* $f:ident $v:ident { $($info:tt)* },)* }
        appended { $($(#[$adoc:meta])* $af:ident $av:ident { $($ainfo:tt)* },)* }
        choices { $($(#[$cdoc:meta])* $c:ident $t:ident { $($cinfo:tt)* },)* }
    ) => {
        /// The trainer's hyperparameters as the axes of a grid. Each is optional: absent means
        /// the lesson's value (and, for `lr`, the default rates). The same struct is the
        /// command-line flags of sweep, map and bench (`#[command(flatten)]`), the keys of their
        /// TOML files and of sweep.toml (`#[serde(flatten)]`); the CSV columns carry the same
        /// names.
        #[derive(clap::Args, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct TrainerAxes {
            /// Learning rates of both layers: a list 0.5,1,2, a range 0.1..4:40 or a geometric
            /// range 0.05..32:16:log [default: 0.05..32:16:log].
            #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub lr: Option<Values>,
            $(
                $(#[$doc])*
                #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $f: Option<Values>,
            )*
            $(
                $(#[$cdoc])*
                #[arg(
                    long,
                    value_name = "LIST",
                    value_parser = crate::hints::Offer::parsed(
                        $t::ALL.iter().map(|v| v.name()),
                        |s: &str| s.parse::<Choices<$t>>(),
                    ),
                    hide_possible_values = true
                )]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $c: Option<Choices<$t>>,
            )*
            $(
                $(#[$adoc])*
                #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $af: Option<Values>,
            )*
        }

        impl TrainerAxes {
            /// The values given for `p`, if any.
            pub fn values(&self, p: HyperParam) -> Option<&Values> {
                match p {
                    $(HyperParam::$v => self.$f.as_ref(),)*
                    $(HyperParam::$av => self.$af.as_ref(),)*
                }
            }

            /// Where the values for `p` are kept.
            pub fn values_mut(&mut self, p: HyperParam) -> &mut Option<Values> {
                match p {
                    $(HyperParam::$v => &mut self.$f,)*
                    $(HyperParam::$av => &mut self.$af,)*
                }
            }

            /// The names given for `c`, if any (each value's name).
            pub fn names(&self, c: ChoiceParam) -> Option<Vec<&'static str>> {
                match c {
                    $(ChoiceParam::$t => self.$c.as_ref().map(|v| v.0.iter().map(|x| x.name()).collect()),)*
                }
            }

            /// Every option setting the categorical axes make, in grid order (the first varies
            /// slowest).
            pub fn options(&self) -> Vec<Options> {
                let mut out = vec![Options::LESSON];
                $(
                    if let Some(Choices(values)) = &self.$c {
                        out = out
                            .iter()
                            .flat_map(|o| values.iter().map(move |&x| Options { $c: x, ..*o }))
                            .collect();
                    }
                )*
                out
            }

            /// How many option settings there are.
            fn options_count(&self) -> u64 {
                1 $(* self.$c.as_ref().map_or(1, |c| c.0.len() as u64))*
            }

            /// Take every hyperparameter `patch` sets. Rates replace rates: `--lr` over a
            /// file's `lr_hidden`/`lr_out` drops them, and the other way round.
            pub fn apply(&mut self, patch: TrainerAxes) {
                if patch.lr.is_some() {
                    self.lr_hidden = None;
                    self.lr_out = None;
                }
                if patch.lr_hidden.is_some() || patch.lr_out.is_some() {
                    self.lr = None;
                }
                if patch.lr.is_some() {
                    self.lr = patch.lr;
                }
                $( if patch.$f.is_some() { self.$f = patch.$f; } )*
                $( if patch.$af.is_some() { self.$af = patch.$af; } )*
                $( if patch.$c.is_some() { self.$c = patch.$c; } )*
            }

            /// Every field set (to one value): what reading a config file's known keys off a
            /// serialised struct needs.
            pub fn full() -> TrainerAxes {
                let one = || Some(Values::List(vec![1.0]));
                TrainerAxes {
                    lr: one(),
                    $($f: one(),)*
                    $($af: one(),)*
                    $($c: Some(Choices(vec![Default::default()])),)*
                }
            }
        }
    };
}

crate::train::options::hyperparameters!(trainer_axes);

/// Everything that sets a net's trainer except the learning rate of a cell's lr axis: the
/// categorical options and every numeric hyperparameter but the rates, which are 0 here where
/// the cell sets them: `lr_hidden` always, `lr_out` unless the layers have rates of their own
/// (a per-layer sweep, `--lr-hidden` × `--lr-out`). The cells of one setting differ only in
/// their (hidden) learning rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setting {
    pub options: Options,
    pub hyper: Hyper,
}

impl Setting {
    /// The lesson's trainer with one learning rate.
    pub const LESSON: Setting = Setting {
        options: Options::LESSON,
        hyper: Hyper::rates(0.0, 0.0),
    };

    /// The setting of a net trained with `hyper` and `options`; `per_layer`: its output rate
    /// is its own, not its cell's.
    pub fn of(hyper: &Hyper, options: Options, per_layer: bool) -> Setting {
        let lr_out = if per_layer { hyper.lr_out } else { 0.0 };
        Setting {
            options,
            hyper: Hyper {
                lr_hidden: 0.0,
                lr_out,
                ..*hyper
            },
        }
    }

    /// The output layer's own rate, in a per-layer sweep.
    pub fn lr_out(&self) -> Option<f64> {
        (self.hyper.lr_out > 0.0).then_some(self.hyper.lr_out)
    }

    /// The trainer of a cell of this setting at learning rate `lr` (the hidden layer's, and the
    /// output's too unless the setting has its own).
    pub fn hyper(&self, lr: f64) -> Hyper {
        Hyper {
            lr_hidden: lr,
            lr_out: self.lr_out().unwrap_or(lr),
            ..self.hyper
        }
    }

    /// The parts that are not the lesson's, as a person reads them: `tanh · momentum 0.9`
    /// (empty for the lesson's trainer). Numbers as [`crate::format::value`] spells them.
    pub fn describe(&self) -> String {
        let (o, d) = (&self.options, Options::LESSON);
        let choices = ChoiceParam::ALL
            .iter()
            .filter(|&&c| o.name_of(c) != d.name_of(c))
            .map(|&c| o.label_of(c));
        let numbers = setting_order()
            .into_iter()
            .filter(|&p| self.hyper.get(p) != Setting::LESSON.hyper.get(p))
            .map(|p| format!("{} {}", p.word(), crate::format::value(self.hyper.get(p))));
        choices.chain(numbers).collect::<Vec<_>>().join(" · ")
    }
}

/// The numeric hyperparameters of a setting in grid (and label) order: every one but the rates
/// in the table's order, then the output layer's own rate (in a per-layer sweep), varying
/// fastest.
fn setting_order() -> Vec<HyperParam> {
    let (rates, others): (Vec<HyperParam>, Vec<HyperParam>) =
        HyperParam::ALL.iter().partition(|p| p.is_rate());
    others
        .into_iter()
        .chain(rates.into_iter().filter(|&p| p.name() == "lr_out"))
        .collect()
}

impl TrainerAxes {
    /// The checks of one source (flags or a file): values in range, rates given one way, and no
    /// combination that is not a trainer. Errors name the flag.
    pub fn check(&self) -> Result<(), UsageError> {
        let named = |flag: String| move |e: String| UsageError::new(format!("{flag}: {e}"));
        if let Some(v) = &self.lr {
            v.values()
                .into_iter()
                .try_for_each(check_lr)
                .map_err(named("--lr".into()))?;
        }
        for &p in HyperParam::ALL {
            if let Some(v) = self.values(p) {
                v.values()
                    .into_iter()
                    .try_for_each(|x| p.check(x))
                    .map_err(named(p.flag()))?;
            }
        }
        if self.lr.is_some() && (self.lr_hidden.is_some() || self.lr_out.is_some()) {
            return Err(UsageError::new(
                "--lr-hidden/--lr-out: not with --lr (give both layers' rates, or one --lr for both)",
            ));
        }
        if self.lr_hidden.is_some() != self.lr_out.is_some() {
            let (given, missing) = if self.lr_hidden.is_some() {
                ("--lr-hidden", "--lr-out")
            } else {
                ("--lr-out", "--lr-hidden")
            };
            return Err(UsageError::new(format!(
                "{given}: needs {missing} too (the grid is their product; for one rate of both layers use --lr)"
            )));
        }
        if let Some(bad) = self.options().iter().find(|o| o.check().is_err()) {
            let e = bad.check().unwrap_err();
            return Err(UsageError::new(format!("--loss: {e}")));
        }
        Ok(())
    }

    /// Whether the layers have rates of their own (`--lr-hidden` × `--lr-out`).
    pub fn per_layer(&self) -> bool {
        self.lr_hidden.is_some()
    }

    /// The learning rates of a cell's lr axis: `--lr` (or its default), or `--lr-hidden`.
    pub fn lr_axis(&self) -> Values {
        match (&self.lr_hidden, &self.lr) {
            (Some(h), _) => h.clone(),
            (None, Some(lr)) => lr.clone(),
            (None, None) => DEFAULT_LR
                .parse()
                .expect("the default learning rates parse"),
        }
    }

    /// How many settings [`TrainerAxes::settings`] gives, without expanding the number ranges.
    pub fn setting_count(&self) -> u64 {
        setting_order()
            .into_iter()
            .map(|p| self.values(p).map_or(1, |v| v.len() as u64))
            .fold(self.options_count(), u64::saturating_mul)
    }

    /// Every setting of the grid, in a fixed order (the options, then the numbers; the last
    /// varies fastest). One setting, the lesson's, when no option is given.
    pub fn settings(&self) -> Vec<Setting> {
        let mut out: Vec<Setting> = self
            .options()
            .into_iter()
            .map(|options| Setting {
                options,
                ..Setting::LESSON
            })
            .collect();
        for p in setting_order() {
            if let Some(v) = self.values(p) {
                let values = v.values();
                out = out
                    .iter()
                    .flat_map(|s| {
                        values.iter().map(move |&x| {
                            let mut s = *s;
                            s.hyper.set(p, x);
                            s
                        })
                    })
                    .collect();
            }
        }
        out
    }
}

#[cfg(test)]
mod hyper_tests {
    use super::*;

    fn axes(args: &[&str]) -> Result<TrainerAxes, String> {
        use clap::{Args, FromArgMatches};
        let cmd = TrainerAxes::augment_args(clap::Command::new("t"));
        let m = cmd
            .try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        let t = TrainerAxes::from_arg_matches(&m).map_err(|e| e.to_string())?;
        t.check().map_err(|e| e.0)?;
        Ok(t)
    }

    #[test]
    fn range_points_are_snapped_to_their_round_decimal() {
        let v = |s: &str| Values::parse(s).unwrap().values();
        assert_eq!(v("0.5..8:5:log"), [0.5, 1.0, 2.0, 4.0, 8.0]);
        assert_eq!(v("0.1..10:3:log"), [0.1, 1.0, 10.0]);
        assert_eq!(v("1e-12..0.1:12:log")[3], 1e-9);
        assert_eq!(v("0..1:11")[7], 0.7);
        assert_eq!(v("0.1..4:40")[1], 0.2);
        // Not round: left within the tolerance of the geometric point, 13 digits at most.
        let g = v("0.05..32:16:log")[9];
        let exact = (0.05f64.ln() + (32f64.ln() - 0.05f64.ln()) * 0.6).exp();
        assert!((g - exact).abs() <= SNAP_TOLERANCE * exact && g != exact);
        assert_eq!(snap(3.999999999999999), 4.0);
        assert_eq!(snap(0.07692166378204152), 0.0769216637820);
        assert_eq!(
            Values::parse("0.5..8.0:5:log").unwrap().to_string(),
            "0.5..8:5:log"
        );
    }

    #[test]
    fn no_options_is_the_lesson_and_one_setting() {
        let t = axes(&[]).unwrap();
        assert_eq!(t.settings(), vec![Setting::LESSON]);
        assert_eq!(t.setting_count(), 1);
        assert_eq!(Setting::LESSON.describe(), "");
        assert_eq!(t.lr_axis().len(), 16);
    }

    #[test]
    fn the_grid_is_the_product_and_counts_without_expanding() {
        let t = axes(&[
            "--activation",
            "sigmoid,tanh",
            "--momentum",
            "0,0.5,0.9",
            "--batch",
            "full,online",
        ])
        .unwrap();
        let s = t.settings();
        assert_eq!(s.len(), 12);
        assert_eq!(t.setting_count(), 12);
        assert_eq!(s[0], Setting::LESSON);
        assert_eq!(s[1].hyper.momentum, 0.5);
        assert_eq!(s[11].describe(), "tanh · online · momentum 0.9");
        let per_layer = axes(&["--lr-hidden", "1,2", "--lr-out", "0.5..8:5:log"]).unwrap();
        assert_eq!(per_layer.setting_count(), 5);
        assert_eq!(per_layer.settings()[4].hyper(1.0).lr_out, 8.0);
        assert_eq!(per_layer.lr_axis().values(), vec![1.0, 2.0]);
    }

    #[test]
    fn bad_values_name_their_flag() {
        for (args, needle) in [
            (vec!["--momentum", "1"], "--momentum"),
            (vec!["--momentum", "-0.1"], "--momentum"),
            (vec!["--clip", "-1e-3"], "--clip"),
            (vec!["--activation", "softmax"], "--activation"),
            (vec!["--loss", "bce", "--output", "linear"], "--loss"),
            (
                vec!["--loss", "mse,bce", "--output", "sigmoid,linear"],
                "bce",
            ),
            (
                vec!["--lr", "1", "--lr-hidden", "1", "--lr-out", "1"],
                "not with --lr",
            ),
            (vec!["--lr-hidden", "1"], "needs --lr-out"),
            (vec!["--lr-out", "0"], "--lr-out"),
            (vec!["--batch", "full,full"], "twice"),
        ] {
            let e = axes(&args).unwrap_err();
            assert!(e.contains(needle), "{args:?}: {e}");
        }
    }

    #[test]
    fn a_file_may_write_numbers_bare_and_flags_replace_rates() {
        let t: TrainerAxes =
            toml::from_str("momentum = 0.9\nclip = \"0,1e-4\"\nlr_hidden = 1\nlr_out = 2").unwrap();
        assert_eq!(t.momentum.as_ref().unwrap().values(), vec![0.9]);
        assert_eq!(t.clip.as_ref().unwrap().values(), vec![0.0, 1e-4]);
        let mut file = t;
        file.apply(TrainerAxes {
            lr: Some("0.5".parse().unwrap()),
            ..TrainerAxes::default()
        });
        assert!(file.lr_hidden.is_none() && file.lr_out.is_none());
        assert!(file.check().is_ok());
    }
}
