//! Every test that runs the xorsweep binary or its library end to end (sweeps, maps, reports,
//! errors, signals, files), in one test crate: one link against the library and its
//! dependencies instead of one per file, and `common` compiled once.

#[path = "../common/mod.rs"]
mod common;

mod baseline_golden;
mod bench_roofline;
mod cli_conventions;
mod cli_errors;
mod cli_sweep;
mod compare;
mod findings;
mod last_phase;
mod lesson_in_every_lane;
mod man_completions_dry_run;
mod map;
mod map_browser;
mod outdir_safety;
mod parsers_prop;
mod plot_cli;
mod report_browser;
mod robustness;
mod runs_parquet;
mod serve;
mod serve_browser;
mod shards_record;
mod shards_resume;
