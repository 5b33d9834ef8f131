//! What a sweep is: the resolved configuration, read from defaults, an optional TOML file and
//! command-line flags (in that order of precedence), validated into parsed specs, and written
//! next to the results so the sweep can be rerun with `xorsweep sweep --config`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use serde_with::{DeserializeFromStr, SerializeDisplay};

use super::spec::{InitSpec, LrSpec};
use crate::error::UsageError;
use crate::train::{MAX_EPOCHS, Precision};

/// The default sweep: every learning rate from gentle to violent, random inits from tiny to
/// saturating, clones and nearly-clones, and the lesson's own weights.
pub const DEFAULT_LR: &str = "0.05..32:16:log";
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// Learning rates: a list `0.5,1,2`, a range `0.1..4:40` or `0.05..32:16:log`.
    pub lr: LrSpec,
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
    /// Nets per chunk: the unit of work saved at once (and redone after an interruption).
    #[serde(default = "default_chunk_nets")]
    pub chunk_nets: u32,
}

/// Nets per chunk by default: large enough that a chunk's per-cell sketches cost a few bytes per
/// net on disk and a chunk file is written about every 20–100 ms per thread, small enough that an
/// interruption loses well under a second of work.
pub const DEFAULT_CHUNK_NETS: u32 = 8192;

fn default_chunk_nets() -> u32 {
    DEFAULT_CHUNK_NETS
}

/// Optional overrides of a [`SweepConfig`] (a TOML file or the command line), already parsed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigPatch {
    pub lr: Option<LrSpec>,
    pub init: Option<Vec<InitSpec>>,
    pub seeds: Option<u32>,
    pub seed: Option<u64>,
    pub epochs: Option<u32>,
    pub precision: Option<Precision>,
    pub target_loss: Option<f64>,
    pub runs_csv: Option<RunsCsv>,
    pub chunk_nets: Option<u32>,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            lr: DEFAULT_LR
                .parse()
                .expect("the default learning rates parse"),
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
            chunk_nets: DEFAULT_CHUNK_NETS,
        }
    }
}

impl SweepConfig {
    pub fn apply(mut self, p: ConfigPatch) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = p.$f { self.$f = v; } )* };
        }
        take!(
            lr, init, seeds, seed, epochs, precision, runs_csv, chunk_nets
        );
        if p.target_loss.is_some() {
            self.target_loss = p.target_loss;
        }
        self
    }

    /// Parse a TOML config file's text (`path` names it in errors).
    pub fn patch_from_toml(text: &str, path: &str) -> Result<ConfigPatch, UsageError> {
        toml::from_str(text).map_err(|e| crate::error::toml_error("--config", path, text, &e))
    }

    /// Read a sweep.toml that xorsweep wrote (resume, merge, plot), checked like a config file.
    pub fn from_sweep_toml(text: &str, path: &str) -> Result<SweepConfig, String> {
        let config: SweepConfig = toml::from_str(text).map_err(|e| {
            crate::error::toml_error("", path, text, &e)
                .0
                .trim()
                .to_string()
        })?;
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
        let (a, b) = (
            toml::Table::try_from(self).unwrap_or_default(),
            toml::Table::try_from(other).unwrap_or_default(),
        );
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        let diff: Vec<&str> = keys
            .into_iter()
            .filter(|k| a.get(*k) != b.get(*k))
            .map(|k| k.as_str())
            .collect();
        diff.join(", ")
    }

    /// The checks that involve more than one spec's own syntax (each spec checked itself when it
    /// was parsed). Run once, on the resolved configuration.
    pub fn check(&self) -> Result<(), UsageError> {
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
