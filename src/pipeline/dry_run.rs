//! `xorsweep sweep --dry-run`: a sweep's size, time, footprint and files, without writing
//! anything. It makes the run's own checks first (the request, then the output folder, and a
//! `--resume`'s sweep.toml), so that it refuses what the run would refuse, with the same
//! message and exit code.

use std::time::Instant;

use super::{
    CELL_BYTES_PER_NET, CONFIG_FILE, MANIFEST_FILE, SHARD_FILE, SweepOptions, WINDOW_PER_THREAD,
    check_same_sweep, output_names, preflight, runs_csv_warning, runs_file,
};
use crate::error::RuntimeError;
use crate::outdir::{Mode, OutDir};
use crate::report::{self, schema};
use crate::sweep::chunk;
use crate::sweep::config::{RunsCsv, SweepConfig};
use crate::sweep::plan::Plan;
use crate::train::batch;

/// What `sweep --dry-run` reports: the sweep's size, an estimate of its time from a short
/// calibration run of the lanes, and its peak memory and disk. Nothing is written.
#[derive(Debug, serde::Serialize)]
pub struct DryRun {
    pub cells: u64,
    pub nets: u64,
    pub epochs: u32,
    /// Nets per cell of a random init (`--seeds`).
    pub seeds: u32,
    pub net_epochs: f64,
    pub threads: usize,
    /// Net-epochs per second of the calibration run (this machine, these threads).
    pub calibrated_net_epochs_per_second: f64,
    pub estimated_seconds: f64,
    pub peak_memory_bytes: u64,
    pub peak_disk_bytes: u64,
    /// The files the run would write in its folder, each with what it holds.
    pub files: Vec<String>,
    /// What the run would warn of (a runs.csv too long for a spreadsheet).
    pub warnings: Vec<String>,
    /// The widest a solved share's 95 % Wilson interval can be at this `--seeds` (a share of
    /// one half), as a half-width: how finely the sweep can tell shares apart. None when no
    /// init is random (the lesson's one net per rate).
    pub solved_share_ci95_half_width_worst: Option<f64>,
}

/// Half the width of the widest 95 % Wilson interval of a share of `n` nets (at a share of ½).
pub fn worst_share_half_width(n: u64) -> f64 {
    let (lo, hi) = crate::report::stats::wilson_95(n / 2, n);
    (hi - lo) / 2.0
}

/// Size up a sweep without writing anything (see [`DryRun`]).
pub fn dry_run(config: SweepConfig, opts: &SweepOptions, threads: usize) -> anyhow::Result<DryRun> {
    let shard = opts.shard.as_ref();
    let (plan, _, size) = preflight(config, opts, threads)?;
    let names = output_names();
    OutDir::check(&opts.out, opts.mode, "--out", &super::layout(&names, true))?;
    if opts.mode == Mode::Resume {
        check_same_sweep(&plan, &opts.out)?;
    }
    // A shard's nets are those of its chunks (whole chunks: some shards may get none).
    let mine = shard.map_or(0..plan.chunks(), |s| s.chunks(plan.chunks()));
    let nets: u64 = mine
        .clone()
        .map(|k| plan.chunk_runs(k).end - plan.chunk_runs(k).start)
        .sum();
    // Calibrate on the sweep's own first nets: a few lane vectors per thread, a few hundred epochs.
    let sample = plan.total_runs.min(512 * threads as u64);
    let epochs = plan.config.epochs.min(400);
    let spec = crate::train::TrainSpec::new(epochs, plan.train.log_epochs.clone(), None);
    let nets_sample: Vec<_> = (0..sample).map(|r| plan.net(r)).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RuntimeError::new(format!("cannot start {threads} threads: {e}")))?;
    // Best of three short runs: a busy machine only ever slows a run down.
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        pool.install(|| {
            use rayon::prelude::*;
            nets_sample.par_chunks(64).for_each(|c| {
                std::hint::black_box(batch::train(plan.config.precision, c, &spec));
            });
        });
        best = best.min(t.elapsed().as_secs_f64());
    }
    let rate = sample as f64 * f64::from(epochs) / best.max(1e-9);
    let net_epochs = nets as f64 * f64::from(plan.config.epochs);
    let n_log = plan.train.log_epochs.len() as u64;
    let rows_kept = match plan.config.runs_csv {
        RunsCsv::All => nets,
        RunsCsv::None => 0,
        RunsCsv::Sample(n) => n.min(nets),
    };
    const ROW_BYTES: u64 = 650;
    let chunk_nets = u64::from(plan.config.chunk_nets).min(nets.max(1));
    let row_bytes = if plan.config.runs_csv == RunsCsv::All {
        ROW_BYTES
    } else {
        0
    };
    // A worker holds its chunk's curves while it builds the sketches; the queue and the
    // consumer's reorder buffer hold finished chunks (outcomes, encoded bytes, CSV rows).
    let in_workers =
        threads as u64 * chunk_nets * (16 * n_log + 2 * chunk::NET_BYTES as u64 + row_bytes);
    let queued = (2 * WINDOW_PER_THREAD * threads as u64 + 1)
        * chunk_nets
        * (2 * chunk::NET_BYTES as u64 + row_bytes);
    let peak_memory_bytes = (16 << 20)
        + in_workers
        + queued
        + size.largest_cell * CELL_BYTES_PER_NET
        + size.cells * 30_000;
    let peak_disk_bytes = nets * (chunk::NET_BYTES as u64 + 8)
        + size.cells * n_log * 16
        + rows_kept * ROW_BYTES
        + size.cells * 12_000
        + (2 << 20);
    let files = files(&plan, opts, mine.end - mine.start, size.cells, n_log);
    let warnings = if shard.is_none() {
        runs_csv_warning(&plan).into_iter().collect()
    } else {
        Vec::new()
    };
    Ok(DryRun {
        cells: size.cells,
        nets,
        epochs: plan.config.epochs,
        seeds: plan.config.seeds,
        net_epochs,
        threads,
        calibrated_net_epochs_per_second: rate,
        estimated_seconds: net_epochs / rate,
        peak_memory_bytes,
        peak_disk_bytes,
        files,
        warnings,
        solved_share_ci95_half_width_worst: plan
            .cells
            .iter()
            .any(|c| c.init.is_random())
            .then(|| worst_share_half_width(u64::from(plan.config.seeds))),
    })
}

/// The files the run would write, each with what it holds; a shard writes no reports and
/// keeps its `chunks` chunk files, and records its shard.
fn files(plan: &Plan, opts: &SweepOptions, chunks: u64, cells: u64, n_log: u64) -> Vec<String> {
    let shard = opts.shard.is_some();
    let mut files = Vec::new();
    if !shard {
        let rows = schema::kept_rows(plan, plan.config.runs_csv);
        files.push(format!(
            "{} ({rows} rows: --runs-csv {})",
            runs_file(plan.config.runs_format),
            plan.config.runs_csv
        ));
        files.push(format!(
            "{} ({cells} rows, one per cell)",
            report::SUMMARY_CSV
        ));
        files.push(format!(
            "{} (curves at {n_log} epochs per cell)",
            report::CURVES_CSV
        ));
        files.push(format!("{} (one net per cell)", report::EXAMPLES_CSV));
        files.extend(report::charts::FILES.iter().map(|f| f.to_string()));
        files.push(report::REPORT_HTML.to_string());
    }
    files.push(CONFIG_FILE.to_string());
    files.push(MANIFEST_FILE.to_string());
    if shard {
        files.push(format!("{SHARD_FILE} (which shard this is)"));
    }
    files.push(if shard || opts.keep_chunks {
        format!("chunks/ ({chunks} chunk files, kept)")
    } else {
        format!("chunks/ ({chunks} chunk files while it runs, removed at the end)")
    });
    files
}

#[cfg(test)]
mod tests {
    #[test]
    fn worst_half_width_matches_the_wilson_formula() {
        // n = 200, p = ½: z·√(¼/n + z²/4n²) / (1 + z²/n) = 0.06864 (to 5 places).
        let h = super::worst_share_half_width(200);
        assert!((h - 0.06864).abs() < 5e-6, "{h}");
        assert!(super::worst_share_half_width(800) < h / 1.9);
        assert!(super::worst_share_half_width(1) <= 0.5);
    }
}
