//! What a sweep is: the resolved configuration, read from defaults, an optional TOML file and
//! command-line flags (in that order of precedence), validated into parsed specs, and written
//! next to the results so the sweep can be rerun with `xorsweep sweep --config`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use serde_with::{DeserializeFromStr, SerializeDisplay};

use super::spec::{INIT_SCHEMES, InitSpec};
use crate::config_file;
use crate::error::UsageError;
use crate::hints::Offer;
use crate::hyper::TrainerAxes;
use crate::train::{MAX_EPOCHS, Precision};

/// The default sweep: every learning rate from gentle to violent (`hyper::DEFAULT_LR`), random
/// inits from tiny to saturating, clones and nearly-clones, and the lesson's own weights.
pub const DEFAULT_INITS: [&str; 10] = [
    "lesson",
    "uniform:0.1",
    "uniform:0.25",
    "uniform:0.5",
    "uniform:1",
    "uniform:2",
    "uniform:4",
    "uniform:8",
    "symmetric:1",
    "near-symmetric:1:1e-12,1e-11,1e-10,1e-9,1e-8,1e-7,1e-6,1e-5,1e-4,1e-3,1e-2,1e-1",
];
pub const DEFAULT_SEEDS: u32 = 200;
pub const DEFAULT_SEED: u64 = 2026;
/// Long enough for nearly-symmetric nets with ε down to 1e-12 to have a chance to split
/// (the lesson's own run is 4001 steps: epochs 0..=4000).
pub const DEFAULT_EPOCHS: u32 = 20_000;

/// A sweep's configuration as written in `sweep.toml` (all fields present once resolved). Every
/// spec is a parsed, checked type that prints back canonically, so `2` and `2.0` are one sweep
/// for resume and merge, and nothing downstream parses a string again.
///
/// Unknown keys are refused by [`config_file::parse`] (serde's `deny_unknown_fields` does not combine with
/// the flattened trainer axes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepConfig {
    /// The trainer's hyperparameters (learning rates, momentum, … ; see [`TrainerAxes`]), at the
    /// top level of the TOML file. Absent ones are the lesson's: a default sweep's sweep.toml
    /// names only `lr`.
    #[serde(flatten)]
    pub trainer: TrainerAxes,
    /// Initialisation schemes, see `xorsweep sweep --help`.
    pub init: Vec<InitSpec>,
    /// Nets per (init, lr) cell for random schemes.
    pub seeds: u32,
    /// Master seed: a net's initial weights depend only on (seed, run index).
    pub seed: u64,
    /// Gradient steps per net.
    pub epochs: u32,
    pub precision: Precision,
    /// If set, record the first epoch whose loss is below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_loss: Option<f64>,
    /// Which rows runs.csv gets: all, none or sample:N.
    pub runs_csv: RunsCsv,
    /// The file those rows go to: runs.csv, or runs.parquet. Left out of sweep.toml (and so of
    /// the config hash) when it is csv, so sweeps from before it existed keep their hash.
    #[serde(default, skip_serializing_if = "RunsFormat::is_csv")]
    pub runs_format: RunsFormat,
    /// Nets per chunk: the unit of work saved at once (and redone after an interruption).
    #[serde(default = "default_chunk_nets")]
    pub chunk_nets: u32,
}

/// The file a sweep's configuration is written to, in its output folder.
pub const SWEEP_TOML: &str = "sweep.toml";

/// A sweep.toml value as a person reads it: text without its quotes, a list joined by ", ".
fn spelt(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(a) => a.iter().map(spelt).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Nets per chunk by default: large enough that a chunk's per-cell sketches cost a few bytes per
/// net on disk and a chunk file is written about every 20–100 ms per thread, small enough that an
/// interruption loses well under a second of work.
pub const DEFAULT_CHUNK_NETS: u32 = 8192;

fn default_chunk_nets() -> u32 {
    DEFAULT_CHUNK_NETS
}

/// Optional overrides of a [`SweepConfig`]: the command line's flags and a TOML file's keys are
/// this one struct (a flag `--chunk-nets` is the key `chunk_nets`), parsed into typed values.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigPatch {
    #[command(flatten)]
    #[serde(flatten)]
    pub trainer: TrainerAxes,
    /// Initialisation (repeatable): lesson, uniform:A, normal:SIGMA, symmetric:A,
    /// near-symmetric:A:EPS (EPS a list or range, e.g. 1e-12..0.1:12:log)
    /// [default: lesson, uniform at 7 scales, symmetric:1, near-symmetric:1 at ε = 1e-12…1e-1].
    #[arg(
        long,
        value_name = "SPEC",
        allow_hyphen_values = true,
        value_parser = Offer::parsed(INIT_SCHEMES, |s: &str| s.parse::<InitSpec>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<Vec<InitSpec>>,
    /// Nets per cell for random inits [default: 200].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds: Option<u32>,
    /// Master seed [default: 2026].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Gradient steps (epochs) per net [default: 20000; the lesson's run is 4001: epochs
    /// 0..=4000].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<u32>,
    /// Arithmetic of the lane trainer: f64, f32 or dd (double-double, about 106 bits)
    /// [default: f64].
    #[arg(
        long,
        value_name = "P",
        value_parser = Offer::parsed(Precision::ALL.map(Precision::name), |s: &str| s.parse::<Precision>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    /// Also record the first epoch whose loss is below X (column target_epoch).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_loss: Option<f64>,
    /// Rows of runs.csv: all, none or sample:N [default: all].
    #[arg(
        long,
        value_name = "WHICH",
        value_parser = Offer::parsed(RunsCsv::FORMS, |s: &str| s.parse::<RunsCsv>()),
        hide_possible_values = true
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_csv: Option<RunsCsv>,
    /// Where those rows go: csv (runs.csv) or parquet (runs.parquet: typed columns, zstd, for
    /// pandas, polars, DuckDB or Spark) [default: csv].
    #[arg(long, value_name = "FORMAT", value_parser = RunsFormat::parser())]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_format: Option<RunsFormat>,
    /// Nets per saved chunk (the work an interruption can lose) [default: 8192].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_nets: Option<u32>,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            trainer: TrainerAxes {
                lr: Some(
                    crate::hyper::DEFAULT_LR
                        .parse()
                        .expect("the default learning rates parse"),
                ),
                ..TrainerAxes::default()
            },
            init: DEFAULT_INITS
                .iter()
                .map(|s| s.parse().expect("the default inits parse"))
                .collect(),
            seeds: DEFAULT_SEEDS,
            seed: DEFAULT_SEED,
            epochs: DEFAULT_EPOCHS,
            precision: Precision::F64,
            target_loss: None,
            runs_csv: RunsCsv::All,
            runs_format: RunsFormat::Csv,
            chunk_nets: DEFAULT_CHUNK_NETS,
        }
    }
}

impl SweepConfig {
    pub fn apply(mut self, p: ConfigPatch) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = p.$f { self.$f = v; } )* };
        }
        self.trainer.apply(p.trainer);
        take!(
            init,
            seeds,
            seed,
            epochs,
            precision,
            runs_csv,
            runs_format,
            chunk_nets
        );
        if p.target_loss.is_some() {
            self.target_loss = p.target_loss;
        }
        self
    }

    /// Parse a TOML config file's text (`path` names it in errors).
    pub fn patch_from_toml(text: &str, path: &str) -> Result<ConfigPatch, UsageError> {
        let patch: ConfigPatch = config_file::parse(text, path, "--config", &known_keys())?;
        // The message starts with the flag (`--lr: …`): point it at the key in the file.
        patch
            .trainer
            .check()
            .map_err(|e| config_file::locate(e, text, path, |_| false))?;
        Ok(patch)
    }

    /// Read a sweep.toml that xorsweep wrote (resume, merge, plot), checked like a config file.
    pub fn from_sweep_toml(text: &str, path: &str) -> Result<SweepConfig, String> {
        let config: SweepConfig =
            config_file::parse(text, path, "", &known_keys()).map_err(|e| e.0)?;
        config.check().map_err(|e| format!("{path}: {e}"))?;
        Ok(config)
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a SweepConfig always serialises");
        format!(
            "# xorsweep sweep configuration; rerun with: xorsweep sweep --config sweep.toml\n{body}"
        )
    }

    /// SHA-256 of the canonical TOML: two sweeps with the same hash train the same nets and write
    /// the same files (used to check resume and merge).
    pub fn hash(&self) -> String {
        let digest = Sha256::digest(self.to_toml().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Names of the fields in which `self` and `other` differ.
    pub fn differences(&self, other: &SweepConfig) -> String {
        let diff: Vec<String> = self.differing(other).into_iter().map(|d| d.0).collect();
        diff.join(", ")
    }

    /// The fields in which `self` and `other` differ, in sweep.toml's spelling: (key, `self`'s
    /// value, `other`'s; None where a key is left out, i.e. its default), sorted by key.
    pub fn differing(&self, other: &SweepConfig) -> Vec<(String, Option<String>, Option<String>)> {
        let (a, b) = (
            toml::Table::try_from(self).unwrap_or_default(),
            toml::Table::try_from(other).unwrap_or_default(),
        );
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        let spell = |v: Option<&toml::Value>| v.map(spelt);
        keys.into_iter()
            .filter(|k| a.get(*k) != b.get(*k))
            .map(|k| (k.clone(), spell(a.get(k)), spell(b.get(k))))
            .collect()
    }

    /// The checks that involve more than one spec's own syntax (each spec checked itself when it
    /// was parsed). Run once, on the resolved configuration.
    pub fn check(&self) -> Result<(), UsageError> {
        self.trainer.check()?;
        if self.init.is_empty() {
            return Err(UsageError::new("--init: no initialisation scheme given"));
        }
        let mut seen: Vec<crate::sweep::spec::Init> = Vec::new();
        for spec in &self.init {
            // Small specs only: a huge ε range is checked for repeats by its own parser.
            if spec.count() > 1000 {
                continue;
            }
            for init in spec.expand() {
                if seen.contains(&init) {
                    return Err(UsageError::new(format!(
                        "--init: {init} is given twice (as in '{spec}'); each scheme once"
                    )));
                }
                seen.push(init);
            }
        }
        if self.seeds == 0 {
            return Err(UsageError::new("--seeds: must be at least 1"));
        }
        if self.epochs == 0 {
            return Err(UsageError::new(
                "--epochs: must be at least 1 (it is the number of gradient steps)",
            ));
        }
        if self.epochs > MAX_EPOCHS {
            return Err(UsageError::new(format!(
                "--epochs: {} is more than the supported {MAX_EPOCHS}",
                self.epochs
            )));
        }
        if let Some(t) = self.target_loss
            && !(t > 0.0 && t.is_finite())
        {
            return Err(UsageError::new(format!(
                "--target-loss: {t} must be positive and finite"
            )));
        }
        if self.chunk_nets == 0 {
            return Err(UsageError::new("--chunk-nets: must be at least 1"));
        }
        if self.chunk_nets > MAX_CHUNK_NETS {
            return Err(UsageError::new(format!(
                "--chunk-nets: {} is more than {MAX_CHUNK_NETS} (a chunk is held in memory while it is trained and saved; the default is {DEFAULT_CHUNK_NETS})",
                self.chunk_nets
            )));
        }
        Ok(())
    }
}

/// The most nets one chunk may hold: about 1.9 KB each in flight (curves, outcomes, CSV rows),
/// a few chunks per thread, within a few hundred MB.
pub const MAX_CHUNK_NETS: u32 = 65_536;

/// Which rows go into runs.csv.
#[derive(Clone, Copy, Debug, PartialEq, Eq, SerializeDisplay, DeserializeFromStr)]
pub enum RunsCsv {
    All,
    None,
    /// About this many rows, evenly spread over the run indices (the baseline row always).
    Sample(u64),
}

impl RunsCsv {
    /// How `--runs-csv` values start (what completions offer).
    pub const FORMS: [&str; 3] = ["all", "none", "sample:"];

    pub fn parse(s: &str) -> Result<RunsCsv, String> {
        match s.trim() {
            "all" => Ok(RunsCsv::All),
            "none" => Ok(RunsCsv::None),
            other => match other.strip_prefix("sample:").map(str::parse::<u64>) {
                Some(Ok(n)) if n > 0 => Ok(RunsCsv::Sample(n)),
                _ => Err(format!("'{other}' is not all, none or sample:N (N ≥ 1)")),
            },
        }
    }
}

impl std::str::FromStr for RunsCsv {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        RunsCsv::parse(s)
    }
}

impl std::fmt::Display for RunsCsv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunsCsv::All => f.write_str("all"),
            RunsCsv::None => f.write_str("none"),
            RunsCsv::Sample(n) => write!(f, "sample:{n}"),
        }
    }
}

/// Every key a sweep's TOML file may hold: the fields of [`SweepConfig`] and of the flattened
/// [`TrainerAxes`], read off a configuration with every field set (so the list is the structs'
/// own, declared nowhere else).
fn known_keys() -> Vec<String> {
    let mut full = SweepConfig {
        target_loss: Some(1.0),
        runs_format: RunsFormat::Parquet,
        ..SweepConfig::default()
    };
    full.trainer = TrainerAxes::full();
    toml::Table::try_from(&full)
        .expect("a SweepConfig always serialises")
        .keys()
        .cloned()
        .collect()
}

/// The format of the per-net rows: runs.csv (text, for spreadsheets) or runs.parquet (typed
/// columns, zstd, for pandas, polars, DuckDB and Spark).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, SerializeDisplay, DeserializeFromStr)]
pub enum RunsFormat {
    #[default]
    Csv,
    Parquet,
}

impl RunsFormat {
    /// The names `--runs-format` takes (and the completions offer).
    pub const NAMES: [&str; 2] = ["csv", "parquet"];

    /// `--runs-format`'s parser: the names (which completions offer) into the type.
    pub fn parser() -> impl clap::builder::TypedValueParser<Value = RunsFormat> {
        use clap::builder::TypedValueParser;
        clap::builder::PossibleValuesParser::new(Self::NAMES).try_map(|s| s.parse::<RunsFormat>())
    }

    pub fn is_csv(&self) -> bool {
        *self == RunsFormat::Csv
    }
}

impl std::str::FromStr for RunsFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "csv" => Ok(RunsFormat::Csv),
            "parquet" => Ok(RunsFormat::Parquet),
            other => Err(format!("'{other}' is not csv or parquet")),
        }
    }
}

impl std::fmt::Display for RunsFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RunsFormat::Csv => "csv",
            RunsFormat::Parquet => "parquet",
        })
    }
}
