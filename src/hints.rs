//! Helping a person type a value: what shell completions offer for a free-form spec (the
//! init schemes, the map's axes), and the "did you mean" of a misspelt name. Both draw on the
//! same lists of names that the parsers match, so a new scheme or axis is offered and suggested
//! without more code.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};

/// A value (`uniform:1`, `lr-out:0.1..1000:512:log`) whose completions offer the names it
/// starts with, parsed by `P` (by default taken as text, for the spec's own parser to check
/// later with a message naming the flag). Give the argument `hide_possible_values = true` so
/// that `--help` does not present the names as the only values.
#[derive(Clone, Debug)]
pub struct Offer<P = StringValueParser> {
    names: Vec<&'static str>,
    parser: P,
}

impl Offer {
    pub fn new(names: impl IntoIterator<Item = &'static str>) -> Offer {
        Offer::parsed(names, StringValueParser::new())
    }
}

impl<P> Offer<P> {
    /// Offer `names`, parse with `parser` (a clap value parser, or a `fn(&str) -> Result`).
    pub fn parsed(names: impl IntoIterator<Item = &'static str>, parser: P) -> Offer<P> {
        Offer {
            names: names.into_iter().collect(),
            parser,
        }
    }
}

impl<P: TypedValueParser> TypedValueParser for Offer<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<P::Value, clap::Error> {
        self.parser.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.names.iter().map(|&n| PossibleValue::new(n))))
    }
}

/// The name among `names` that `typed` most likely misspells (one or two letters wrong, left
/// out, added or swapped), if any.
pub fn did_you_mean<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.trim().to_lowercase();
    let allowed = if typed.chars().count() <= 3 { 1 } else { 2 };
    names
        .into_iter()
        .map(|n| (strsim::damerau_levenshtein(&typed, n), n))
        .filter(|&(d, _)| d <= allowed)
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

/// `; did you mean 'NAME'?` for a message, or nothing.
pub fn suggestion<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(typed, names)
        .map(|n| format!("; did you mean '{n}'?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_and_far_ones_not() {
        let schemes = ["lesson", "uniform", "normal", "symmetric", "near-symmetric"];
        assert_eq!(did_you_mean("unifrom", schemes), Some("uniform"));
        assert_eq!(did_you_mean("Uniform", schemes), Some("uniform"));
        assert_eq!(did_you_mean("normla", schemes), Some("normal"));
        assert_eq!(did_you_mean("symetric", schemes), Some("symmetric"));
        assert_eq!(
            did_you_mean("nearsymmetric", schemes),
            Some("near-symmetric")
        );
        assert_eq!(did_you_mean("gaussian", schemes), None);
        assert_eq!(did_you_mean("xyz", schemes), None);
        let axes = ["lr", "lr-hidden", "lr-out", "eps", "scale", "w11", "c"];
        assert_eq!(did_you_mean("lr-hiden", axes), Some("lr-hidden"));
        assert_eq!(did_you_mean("lr_out", axes), Some("lr-out"));
        assert_eq!(did_you_mean("epsilon", axes), None);
        assert_eq!(suggestion("scal", axes), "; did you mean 'scale'?");
        assert_eq!(suggestion("zzzzzz", axes), "");
    }
}
