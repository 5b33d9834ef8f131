//! The map a page chooses. A request that names any of `xorsweep map`'s flags (`x`, `y`,
//! `activation`, `momentum`, `epochs`, …, each as its long flag's name) is about the map those
//! flags make, exactly as `xorsweep map --FLAG=VALUE …` makes it: the values are parsed by the
//! same clap definition (`MapPatch`, its value parsers are the map command's) and resolved and
//! checked by the same `MapConfig::validate`, so there is no second parser of axes or trainers,
//! and a bad choice gets map's own reason (naming the flag) in a 400. A request that names none
//! is about the map the server opened.
//!
//! What a client may ask is bounded as the tiles' parameters are: the flags of files and zoom
//! sequences are not keys at all, and epochs are capped at [`MAX_EPOCHS`] (or the opened map's
//! own, if more), so that a tile costs at most a few seconds of the pool.

use clap::{Args, FromArgMatches};
use serde::Serialize;

use super::query::Query;
use crate::map::spec::{MapConfig, MapPatch, MapSpec};

/// `xorsweep map` flags a page cannot choose: those of files and zoom sequences (the command
/// line's `serve` refuses them too).
const NOT_CHOSEN: [&str; 3] = ["zoom-sequence", "zoom-factor", "csv"];

/// The most epochs a page may choose (more if the server's own map has more): a 256² tile
/// is then 1.3·10⁹ net-epochs, about 3 s on two cores.
pub const MAX_EPOCHS: u32 = 20_000;

/// A map: as map.toml records it, and checked.
#[derive(Clone, Debug)]
pub struct Map {
    pub config: MapConfig,
    pub spec: MapSpec,
}

fn command() -> clap::Command {
    MapPatch::augment_args(
        clap::Command::new("map")
            .no_binary_name(true)
            .disable_help_flag(true),
    )
}

/// A flag a page may set: its name (the query key), its help, and the names it offers (axes,
/// init schemes, activations, …; empty for numbers).
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    pub key: String,
    pub help: String,
    pub values: Vec<String>,
}

/// Every flag a page may set, in the map command's order.
pub fn fields() -> Vec<Field> {
    command()
        .get_arguments()
        .filter_map(|a| {
            let key = a.get_long()?;
            (!NOT_CHOSEN.contains(&key)).then(|| Field {
                key: key.to_string(),
                help: a.get_help().map(ToString::to_string).unwrap_or_default(),
                values: a
                    .get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_string())
                    .collect(),
            })
        })
        .collect()
}

/// The map `q` chooses (see the module's docs), or why not (one line).
pub fn chosen(q: &Query, keys: &[String], opened: &Map) -> Result<Map, String> {
    let mut args = Vec::new();
    for k in keys {
        if let Some(v) = q.text(k)? {
            args.push(format!("--{k}={v}"));
        }
    }
    if args.is_empty() {
        return Ok(opened.clone());
    }
    let matches = command().try_get_matches_from(&args).map_err(|e| {
        let text = e.to_string();
        let line = text.lines().next().unwrap_or_default();
        line.trim_start_matches("error: ").to_string()
    })?;
    let patch = MapPatch::from_arg_matches(&matches).map_err(|e| e.to_string())?;
    let config = MapConfig::default().apply(patch);
    let spec = config.validate().map_err(|e| e.0)?;
    let most = MAX_EPOCHS.max(opened.spec.epochs);
    if spec.epochs > most {
        return Err(format!(
            "--epochs: {} is more than a page may choose here ({most}); start the server with --epochs {} to explore longer runs",
            spec.epochs, spec.epochs
        ));
    }
    Ok(Map { config, spec })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened() -> Map {
        let config = MapConfig::default();
        let spec = config.validate().unwrap();
        Map { config, spec }
    }

    fn keys() -> Vec<String> {
        fields().into_iter().map(|f| f.key).collect()
    }

    fn choose(query: &str) -> Result<Map, String> {
        let keys = keys();
        let known: Vec<&str> = keys.iter().map(String::as_str).collect();
        chosen(&Query::parse(query, &known)?, &keys, &opened())
    }

    #[test]
    fn the_page_s_keys_are_map_s_flags_but_files_and_zoom_sequences() {
        let keys = keys();
        for k in [
            "x",
            "y",
            "init",
            "seed",
            "epochs",
            "precision",
            "activation",
            "lr",
        ] {
            assert!(keys.iter().any(|f| f == k), "{k} in {keys:?}");
        }
        for k in NOT_CHOSEN.iter().chain(&["help", "zoom"]) {
            assert!(!keys.iter().any(|f| f == k), "{k} in {keys:?}");
        }
        // Clear of the tiles' and nets' own parameters.
        for k in super::super::tile::TILE_KEYS
            .iter()
            .chain(&super::super::net::NET_KEYS)
        {
            assert!(!keys.iter().any(|f| f == k), "{k} is a tile's parameter");
        }
        let activation = fields()
            .into_iter()
            .find(|f| f.key == "activation")
            .unwrap();
        assert_eq!(activation.values, ["sigmoid", "tanh", "relu", "identity"]);
        let x = fields().into_iter().find(|f| f.key == "x").unwrap();
        assert!(x.values.iter().any(|v| v == "momentum") && x.values.iter().any(|v| v == "w11"));
    }

    #[test]
    fn a_choice_is_the_map_its_flags_make() {
        assert_eq!(choose("").unwrap().spec, opened().spec);
        let m = choose(
            "x=momentum%3A0..0.9%3A64&y=lr%3A0.1..100%3A64%3Alog&activation=tanh&epochs=300",
        )
        .unwrap();
        let want = crate::map::spec::resolve(
            None,
            MapPatch {
                x: Some("momentum:0..0.9:64".parse().unwrap()),
                y: Some("lr:0.1..100:64:log".parse().unwrap()),
                trainer: crate::hyper::TrainerAxes {
                    activation: Some("tanh".parse().unwrap()),
                    ..Default::default()
                },
                epochs: Some(300),
                ..MapPatch::default()
            },
            None,
        )
        .unwrap();
        assert_eq!((m.config, m.spec), want);
        // Values that start with '-' are values, not flags.
        assert_eq!(choose("x=w11%3A-3..3%3A8").unwrap().spec.x.lo, -3.0);
    }

    #[test]
    fn bad_choices_get_map_s_reason_naming_the_flag() {
        for (query, words) in [
            ("x=nope%3A0..1%3A8", "--x"),
            ("x=lr%3A0..1%3A8", "learning rates must be positive"),
            ("x=momentum%3A0..0.5%3A8&y=momentum%3A0..0.9%3A8", "--y"),
            ("momentum=0.5&x=momentum%3A0..0.5%3A8", "--momentum"),
            ("activation=sigmoid%2Ctanh", "--activation"),
            ("epochs=0", "--epochs"),
            ("epochs=20001", "more than a page may choose"),
            ("seed=--help", "--seed"),
            ("precision=f16", "--precision"),
        ] {
            let e = choose(query).unwrap_err();
            assert!(e.contains(words), "{query}: {e}");
            assert_eq!(e.lines().count(), 1, "{query}: {e}");
        }
        assert!(choose("epochs=20000").is_ok());
    }
}
