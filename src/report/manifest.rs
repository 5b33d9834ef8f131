//! manifest.json: what was run, with what, where and how fast. [`RunInfo`] is what every
//! command's manifest says about the run itself (a sweep's and a map's alike).

use serde::Serialize;

use crate::sweep::config::SweepConfig;
use crate::sweep::shard::Shard;
use crate::train::{Precision, batch};

/// The tool, the arithmetic, the machine and the speed of a run.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub tool: &'static str,
    pub version: &'static str,
    /// The lanes' arithmetic ([`crate::train::KERNEL_VERSION`]): results of two versions differ
    /// in their last bits.
    pub kernel_version: u32,
    /// When the run's files were written, UTC, RFC 3339 to the second (report.html leaves the
    /// date out so that it stays byte-identical for the same command; this says when).
    pub created: String,
    pub precision: &'static str,
    pub lane_type: &'static str,
    pub lane_width: usize,
    pub cpu_features_compiled: Vec<&'static str>,
    pub cpu_features_host: Vec<&'static str>,
    pub threads: usize,
    pub net_epochs: f64,
    pub wall_seconds: f64,
    pub training_seconds: f64,
    pub net_epochs_per_second: f64,
}

impl RunInfo {
    /// The run info of `tool` training `net_epochs` in `precision` on `threads` threads.
    pub fn new(
        tool: &'static str,
        precision: Precision,
        threads: usize,
        net_epochs: f64,
        (wall_seconds, training_seconds): (f64, f64),
    ) -> RunInfo {
        RunInfo {
            tool,
            version: env!("CARGO_PKG_VERSION"),
            kernel_version: crate::train::KERNEL_VERSION,
            created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            precision: precision.name(),
            lane_type: batch::lane_name(precision),
            lane_width: batch::lane_width(precision),
            cpu_features_compiled: crate::cpu::compiled_features(),
            cpu_features_host: crate::cpu::host_features(),
            threads,
            net_epochs,
            wall_seconds,
            training_seconds,
            net_epochs_per_second: net_epochs / training_seconds,
        }
    }
}

#[derive(Serialize)]
pub struct Manifest<'a> {
    #[serde(flatten)]
    pub run: RunInfo,
    pub config: &'a SweepConfig,
    pub config_hash: String,
    pub master_seed: u64,
    pub cells: usize,
    pub nets: u64,
    pub chunks: u64,
    pub chunks_trained_now: u64,
    pub shard: Option<&'a Shard>,
    /// Largest relative error of the curve quartiles in curves.csv (they come from sketches).
    pub curve_quantile_relative_accuracy: f64,
    /// Which nets runs.csv holds: all, none, or sample:N (about N nets spread over the sweep).
    pub runs_csv: String,
}

impl Manifest<'_> {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a manifest always serialises");
        v.push(b'\n');
        v
    }
}
