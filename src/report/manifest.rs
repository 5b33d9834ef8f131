//! manifest.json: what was run, with what, where and how fast.

use serde::Serialize;

use crate::sweep::config::SweepConfig;
use crate::sweep::shard::Shard;

#[derive(Serialize)]
pub struct Manifest<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    /// When the reports were written, UTC, RFC 3339 to the second (report.html leaves the date
    /// out so that it stays byte-identical for the same command; this says when).
    pub created: String,
    pub config: &'a SweepConfig,
    pub config_hash: String,
    pub master_seed: u64,
    pub precision: &'static str,
    pub lane_type: &'static str,
    pub lane_width: usize,
    pub cpu_features_compiled: Vec<&'static str>,
    pub cpu_features_host: Vec<&'static str>,
    pub threads: usize,
    pub cells: usize,
    pub nets: u64,
    pub net_epochs: f64,
    pub chunks: u64,
    pub chunks_trained_now: u64,
    pub shard: Option<&'a Shard>,
    /// Largest relative error of the curve quartiles in curves.csv (they come from sketches).
    pub curve_quantile_relative_accuracy: f64,
    /// Which nets runs.csv holds: all, none, or sample:N (about N nets spread over the sweep).
    pub runs_csv: String,
    pub wall_seconds: f64,
    pub training_seconds: f64,
    pub net_epochs_per_second: f64,
}

impl Manifest<'_> {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a manifest always serialises");
        v.push(b'\n');
        v
    }
}
