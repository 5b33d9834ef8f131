//! The page and what it reads at start: its HTML, style and script, compiled into the binary
//! (no file of the machine is ever served), the report's trainer (`report/trainer.js`, the
//! same file report.html embeds, so a net replays by the one browser copy of the trainer), and
//! `view.json`: the opened map's axes, trainer and the colour bars of every measure, their
//! palettes sampled from the project's one viridis and OrRd tables (`draw::legend`), so the page
//! colours tiles as map.png does without a colour map of its own. `view.json` also lists the
//! flags a page may choose (from `xorsweep map`'s clap definition, with the names it offers and
//! the map's current values), from which the page builds its form.

use serde::Serialize;

use super::choice::{self, Field, Map};
use crate::map::draw;
use crate::map::spec::{AxisSpec, MapConfig, Measure};
use crate::report::html::shell_word;

pub const HTML: &str = include_str!("serve.html");
pub const CSS: &str = include_str!("serve.css");
pub const SCRIPT: &str = include_str!("serve.js");
pub const POINTER: &str = include_str!("serve-pointer.js");
pub const FORM: &str = include_str!("serve-form.js");
pub const SCALE: &str = include_str!("serve-scale.js");
pub const NET: &str = include_str!("serve-net.js");
pub const TRAINER: &str = include_str!("../report/trainer.js");

/// One axis of the opened window.
#[derive(Serialize)]
struct Axis {
    name: String,
    desc: String,
    lo: f64,
    hi: f64,
    n: u32,
    log: bool,
}

impl Axis {
    fn of(a: &AxisSpec) -> Axis {
        Axis {
            name: a.kind.to_string(),
            desc: a.kind.description(),
            lo: a.lo,
            hi: a.hi,
            n: a.n,
            log: a.log,
        }
    }
}

/// One colour bar: its palette (256 samples), how a value maps onto it ("linear", "log": log10
/// x, "epoch": log10(1 + epoch), between `lo` and `hi`), its ticks and words.
#[derive(Serialize)]
struct Bar {
    palette: Vec<[u8; 3]>,
    lo: f64,
    hi: f64,
    scale: &'static str,
    ticks: Vec<(f64, String)>,
    desc: String,
    text: String,
}

/// How a measure colours: the colours that are classes (diverged, never solved, …) and bars.
#[derive(Serialize)]
struct Colouring {
    name: &'static str,
    classes: Vec<([u8; 3], String)>,
    bars: Vec<Bar>,
}

fn colouring(measure: Option<Measure>, epochs: u32) -> Colouring {
    let legend = draw::legend(measure, epochs, &[]);
    Colouring {
        name: measure.map_or("default", Measure::name),
        classes: legend.classes,
        bars: legend
            .scales
            .into_iter()
            .map(|s| Bar {
                palette: s.palette,
                lo: s.lo,
                hi: s.hi,
                scale: s.scale,
                ticks: s.bar.ticks,
                desc: s.bar.desc,
                text: s.text,
            })
            .collect(),
    }
}

/// What the page reads at start (`/view.json`).
#[derive(Serialize)]
struct View {
    x: Axis,
    y: Axis,
    epochs: u32,
    precision: &'static str,
    /// The base net and trainer, as a person reads them.
    trainer: String,
    /// The colouring map.png would use, then every other.
    colourings: Vec<Colouring>,
    /// `xorsweep map` flags that set everything but the axes.
    flags: String,
    tile: i64,
    coarse: i64,
    max_zoom: i64,
    beyond: i64,
    /// The flags a page may choose, each with this map's value (none: map's default).
    fields: Vec<FieldValue>,
    max_epochs: u32,
    /// Pixels a side of a view's chaos measure.
    chaos: u32,
}

#[derive(Serialize)]
struct FieldValue {
    #[serde(flatten)]
    field: Field,
    value: Option<String>,
}

/// Pixels a side of a tile's quick first pass.
const COARSE: i64 = 64;

/// `/view.json` of `map`.
pub fn view_json(map: &Map) -> String {
    let (config, spec) = (&map.config, &map.spec);
    let values = flag_values(config);
    let fields = choice::fields()
        .into_iter()
        .map(|field| FieldValue {
            value: values
                .iter()
                .find(|v| v.0 == field.key)
                .map(|v| v.1.clone()),
            field,
        })
        .collect();
    let mut colourings = vec![colouring(spec.measure, spec.epochs)];
    for m in std::iter::once(None).chain(Measure::ALL.map(Some)) {
        if m != spec.measure {
            colourings.push(colouring(m, spec.epochs));
        }
    }
    let setting = crate::hyper::Setting::of(&spec.hyper, spec.options, false).describe();
    let view = View {
        x: Axis::of(&spec.x),
        y: Axis::of(&spec.y),
        epochs: spec.epochs,
        precision: spec.precision.name(),
        trainer: [format!("base net {}", spec.init), setting]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        colourings,
        flags: map_flags(config),
        tile: super::tile::MAX_SIZE,
        coarse: COARSE,
        max_zoom: super::tile::MAX_ZOOM,
        beyond: super::tile::BEYOND,
        fields,
        max_epochs: choice::MAX_EPOCHS.max(spec.epochs),
        chaos: super::chaos::SIZE,
    };
    serde_json::to_string(&view).expect("the view always serialises")
}

/// The keys of map.toml that are not flags of a one-frame map, or that the page's command
/// sets itself.
const NOT_FLAGS: [&str; 6] = ["x", "y", "zoom", "zoom_sequence", "zoom_factor", "csv"];

/// `config` as `xorsweep map` flags and their values, the axes aside: every key of its
/// map.toml as its flag's name (`zoom_factor` is `zoom-factor`).
fn flag_values(config: &MapConfig) -> Vec<(String, String)> {
    let table: toml::Table = toml::from_str(&config.to_toml()).expect("map.toml parses");
    table
        .iter()
        .filter(|(k, _)| !NOT_FLAGS.contains(&k.as_str()))
        .map(|(k, v)| {
            let value = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            (k.replace('_', "-"), value)
        })
        .collect()
}

/// `config` as `xorsweep map` flags, the axes aside, so that `xorsweep map FLAGS --x … --y …`
/// trains the same pixels as the page's tiles.
pub fn map_flags(config: &MapConfig) -> String {
    let words: Vec<String> = flag_values(config)
        .into_iter()
        .map(|(k, v)| format!("--{k} {}", shell_word(&v)))
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_spell_the_trainer_and_the_view_lists_every_colouring() {
        let config = MapConfig {
            epochs: 300,
            ..MapConfig::default()
        };
        let flags = map_flags(&config);
        assert_eq!(
            flags,
            "--epochs 300 --init lesson --lr 2 --precision f64 --seed 2026"
        );
        let spec = config.validate().unwrap();
        let v: serde_json::Value = serde_json::from_str(&view_json(&Map { config, spec })).unwrap();
        assert_eq!(v["colourings"].as_array().unwrap().len(), 6);
        assert_eq!(v["colourings"][0]["name"], "default");
        let bar = &v["colourings"][0]["bars"][0];
        assert_eq!(bar["palette"].as_array().unwrap().len(), 256);
        assert_eq!(bar["palette"][0], serde_json::json!([68, 1, 84]));
        assert_eq!(v["x"]["name"], "lr-hidden");
        // The form's fields carry the map's values, as the flags spell them.
        let field = |k: &str| {
            let f = v["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["key"] == k);
            f.unwrap_or_else(|| panic!("no field {k}")).clone()
        };
        assert_eq!(field("epochs")["value"], "300");
        assert_eq!(field("lr")["value"], "2");
        assert!(field("momentum")["value"].is_null());
        assert_eq!(
            field("precision")["values"],
            serde_json::json!(["f64", "f32", "dd"])
        );
    }
}
