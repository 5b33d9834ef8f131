//! What a sweep is: the resolved configuration, read from defaults, an optional TOML file and
//! command-line flags (in that order of precedence), validated into parsed specs, and written
//! next to the results so the sweep can be rerun with `xorsweep sweep --config`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::spec::{InitSpec, Values, check_lr};
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

/// A sweep's configuration as written in `sweep.toml` (all fields present once resolved).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// Learning rates: a list `0.5,1,2`, a range `0.1..4:40` or `0.05..32:16:log`.
    pub lr: String,
    /// Initialisation schemes, see `xorsweep sweep --help`.
    pub init: Vec<String>,
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
    pub runs_csv: String,
    /// Nets per chunk: the unit of work saved at once (and redone after an interruption).
    #[serde(default = "default_chunk_nets")]
    pub chunk_nets: u32,
}

pub const DEFAULT_CHUNK_NETS: u32 = 2048;

fn default_chunk_nets() -> u32 {
    DEFAULT_CHUNK_NETS
}

/// Optional overrides of a [`SweepConfig`] (a TOML file or the command line).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigPatch {
    pub lr: Option<String>,
    pub init: Option<Vec<String>>,
    pub seeds: Option<u32>,
    pub seed: Option<u64>,
    pub epochs: Option<u32>,
    pub precision: Option<Precision>,
    pub target_loss: Option<f64>,
    pub runs_csv: Option<String>,
    pub chunk_nets: Option<u32>,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            lr: DEFAULT_LR.into(),
            init: DEFAULT_INITS.iter().map(|s| s.to_string()).collect(),
            seeds: DEFAULT_SEEDS,
            seed: DEFAULT_SEED,
            epochs: DEFAULT_EPOCHS,
            precision: Precision::F64,
            target_loss: None,
            runs_csv: "all".into(),
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

    /// Parse a TOML config file's text.
    pub fn patch_from_toml(text: &str, path: &str) -> Result<ConfigPatch, UsageError> {
        toml::from_str(text).map_err(|e| {
            let msg = e.message().replace('\n', " ");
            let at = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
                    format!(" at line {line}, column {column}")
                })
                .unwrap_or_default();
            UsageError::new(format!("--config {path}: malformed TOML{at}: {msg}"))
        })
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

    /// The same configuration with its specs written one canonical way, so that `2` and `2.0`,
    /// or `1e-3, 1e-2` and `1e-3,1e-2`, give the same sweep.toml and config hash (and so resume
    /// and merge alike).
    pub fn canonical(mut self, v: &Validated) -> Self {
        self.lr = v.lr_spec.to_string();
        self.init = v.inits.iter().map(ToString::to_string).collect();
        self.runs_csv = match v.runs_csv {
            RunsCsv::All => "all".into(),
            RunsCsv::None => "none".into(),
            RunsCsv::Sample(n) => format!("sample:{n}"),
        };
        self
    }

    /// Check everything and parse the specs.
    pub fn validate(&self) -> Result<Validated, UsageError> {
        fn flag(name: &str) -> impl Fn(String) -> UsageError + '_ {
            move |e| UsageError::new(format!("--{name}: {e}"))
        }
        let lrs = Values::parse_checked(&self.lr, check_lr).map_err(flag("lr"))?;
        if self.init.is_empty() {
            return Err(UsageError::new("--init: no initialisation scheme given"));
        }
        let inits = self
            .init
            .iter()
            .map(|s| InitSpec::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(flag("init"))?;
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
        let runs_csv = RunsCsv::parse(&self.runs_csv).map_err(flag("runs-csv"))?;
        Ok(Validated {
            lrs: lrs.values(),
            lr_spec: lrs,
            inits,
            runs_csv,
        })
    }
}

/// Which rows go into runs.csv.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// The parsed, checked parts of a config.
#[derive(Clone, Debug)]
pub struct Validated {
    pub lrs: Vec<f64>,
    pub lr_spec: Values,
    pub inits: Vec<InitSpec>,
    pub runs_csv: RunsCsv,
}
