//! The little languages of the command line: value lists and ranges (`--lr`, ε lists) and
//! initialisation schemes (`--init`). Every spec parses from a string and prints back to one
//! that parses to the same spec, so a config file records exactly what was asked for.

use std::fmt;
use std::str::FromStr;

use serde_with::{DeserializeFromStr, SerializeDisplay};

use crate::format::exact;
use crate::hyper::{Values, parse_number};

/// The largest init scale or ε accepted: far beyond any useful net, and small enough that
/// U(−A, A) has a finite width.
pub const MAX_SCALE: f64 = 1e100;

fn check_positive(what: &str) -> impl Fn(f64) -> Result<(), String> + '_ {
    move |x| {
        if !(x > 0.0 && x.is_finite()) {
            Err(format!("{what} {x} must be positive and finite"))
        } else if x > MAX_SCALE {
            Err(format!(
                "{what} {x} is above the largest accepted, {MAX_SCALE:e}"
            ))
        } else {
            Ok(())
        }
    }
}

/// An initialisation scheme as written on the command line (ε may be a list or range).
#[derive(Clone, Debug, PartialEq, SerializeDisplay, DeserializeFromStr)]
pub enum InitSpec {
    Lesson,
    Uniform(f64),
    Normal(f64),
    Symmetric(f64),
    NearSymmetric(f64, Values),
}

/// One concrete initialisation: what a cell of the sweep uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// The lesson's fixed weights.
    Lesson,
    /// All nine parameters independent U(−a, a).
    Uniform { a: f64 },
    /// All nine parameters independent N(0, σ²).
    Normal { sigma: f64 },
    /// w11 w12 b1 v1 ~ U(−a, a) copied to w21 w22 b2 v2; c ~ U(−a, a).
    Symmetric { a: f64 },
    /// A `Symmetric { a }` net with w21 w22 b2 v2 each shifted by U(−ε, ε).
    NearSymmetric { a: f64, eps: f64 },
}

impl Init {
    /// The scheme's name as the CSV's `init` column spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Init::Lesson => "lesson",
            Init::Uniform { .. } => "uniform",
            Init::Normal { .. } => "normal",
            Init::Symmetric { .. } => "symmetric",
            Init::NearSymmetric { .. } => "near-symmetric",
        }
    }
    /// The scale parameter (A or σ), if the scheme has one.
    pub fn scale(&self) -> Option<f64> {
        match *self {
            Init::Lesson => None,
            Init::Uniform { a } | Init::Symmetric { a } | Init::NearSymmetric { a, .. } => Some(a),
            Init::Normal { sigma } => Some(sigma),
        }
    }
    pub fn eps(&self) -> Option<f64> {
        match *self {
            Init::NearSymmetric { eps, .. } => Some(eps),
            _ => None,
        }
    }
    /// Random schemes get `seeds` nets per cell; the lesson's weights get one.
    pub fn is_random(&self) -> bool {
        !matches!(self, Init::Lesson)
    }
}

impl fmt::Display for Init {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Init::Lesson => f.write_str("lesson"),
            Init::Uniform { a } => write!(f, "uniform:{a}"),
            Init::Normal { sigma } => write!(f, "normal:{sigma}"),
            Init::Symmetric { a } => write!(f, "symmetric:{a}"),
            Init::NearSymmetric { a, eps } => write!(f, "near-symmetric:{a}:{eps:e}"),
        }
    }
}

/// The init schemes' names, as `--init` spells them (completions offer them; a misspelt one is
/// suggested from them).
pub const INIT_SCHEMES: [&str; 5] = ["lesson", "uniform", "normal", "symmetric", "near-symmetric"];

impl InitSpec {
    pub fn parse(s: &str) -> Result<InitSpec, String> {
        let s = s.trim();
        let (name, args) = s.split_once(':').unwrap_or((s, ""));
        let scale = |what: &str, a: &str| -> Result<f64, String> {
            let x = parse_number(a).map_err(|e| format!("init '{s}': {what}: {e}"))?;
            check_positive(what)(x).map_err(|e| format!("init '{s}': {e}"))?;
            Ok(x)
        };
        let need_one = |form: &str| -> Result<(), String> {
            if args.is_empty() || args.contains(':') {
                Err(format!("init '{s}': expected {form}"))
            } else {
                Ok(())
            }
        };
        match name {
            "lesson" if args.is_empty() => Ok(InitSpec::Lesson),
            "lesson" => Err(format!("init '{s}': 'lesson' takes no parameters")),
            "uniform" => {
                need_one("uniform:A").and_then(|_| Ok(InitSpec::Uniform(scale("scale A", args)?)))
            }
            "normal" => {
                need_one("normal:SIGMA").and_then(|_| Ok(InitSpec::Normal(scale("sigma", args)?)))
            }
            "symmetric" => need_one("symmetric:A")
                .and_then(|_| Ok(InitSpec::Symmetric(scale("scale A", args)?))),
            "near-symmetric" => {
                let (a, eps) = args
                    .split_once(':')
                    .ok_or_else(|| format!("init '{s}': expected near-symmetric:A:EPS"))?;
                let eps = Values::parse_checked(eps, check_positive("epsilon"))
                    .map_err(|e| format!("init '{s}': {e}"))?;
                Ok(InitSpec::NearSymmetric(scale("scale A", a)?, eps))
            }
            _ => Err(format!(
                "unknown init scheme '{name}'{} (expected lesson, uniform:A, normal:SIGMA, symmetric:A or near-symmetric:A:EPS)",
                crate::hints::suggestion(name, INIT_SCHEMES)
            )),
        }
    }

    /// How many concrete schemes [`InitSpec::expand`] gives, without expanding.
    pub fn count(&self) -> usize {
        match self {
            InitSpec::NearSymmetric(_, eps) => eps.len(),
            _ => 1,
        }
    }

    /// The concrete schemes this spec stands for (one per ε for near-symmetric).
    pub fn expand(&self) -> Vec<Init> {
        match self {
            InitSpec::Lesson => vec![Init::Lesson],
            InitSpec::Uniform(a) => vec![Init::Uniform { a: *a }],
            InitSpec::Normal(sigma) => vec![Init::Normal { sigma: *sigma }],
            InitSpec::Symmetric(a) => vec![Init::Symmetric { a: *a }],
            InitSpec::NearSymmetric(a, eps) => eps
                .values()
                .into_iter()
                .map(|eps| Init::NearSymmetric { a: *a, eps })
                .collect(),
        }
    }
}

impl FromStr for InitSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        InitSpec::parse(s)
    }
}

impl fmt::Display for InitSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitSpec::Lesson => f.write_str("lesson"),
            InitSpec::Uniform(a) => write!(f, "uniform:{}", exact(*a)),
            InitSpec::Normal(s) => write!(f, "normal:{}", exact(*s)),
            InitSpec::Symmetric(a) => write!(f, "symmetric:{}", exact(*a)),
            InitSpec::NearSymmetric(a, eps) => write!(f, "near-symmetric:{}:{eps}", exact(*a)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_expand_as_written() {
        assert_eq!(
            Values::parse("0.5,1,2").unwrap().values(),
            vec![0.5, 1.0, 2.0]
        );
        assert_eq!(
            Values::parse("0..4:5").unwrap().values(),
            vec![0.0, 1.0, 2.0, 3.0, 4.0]
        );
        let g = Values::parse("0.05..32:16:log").unwrap().values();
        assert_eq!((g.len(), g[0], g[15]), (16, 0.05, 32.0));
        // Geometric up to the snap: each point within 1e-12 of its exact place.
        assert!((g[1] / g[0] - g[15] / g[14]).abs() < 1e-11);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        for (s, needle) in [
            ("4..0.1:5", "reversed"),
            ("1..1:3", "empty"),
            ("0.1..4:0", "0 points"),
            ("0..4:5:log", "above 0"),
            ("a,b", "not a number"),
            ("1..2", "point count"),
            ("", "empty"),
        ] {
            let e = Values::parse(s).unwrap_err();
            assert!(e.contains(needle), "{s}: {e}");
        }
        assert!(
            InitSpec::parse("uniform:-1")
                .unwrap_err()
                .contains("positive")
        );
        assert!(
            InitSpec::parse("gaussian:1")
                .unwrap_err()
                .contains("unknown init scheme")
        );
        assert!(
            InitSpec::parse("near-symmetric:1:-1e-3")
                .unwrap_err()
                .contains("epsilon")
        );
    }
}
