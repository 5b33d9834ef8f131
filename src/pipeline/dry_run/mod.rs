//! `xorsweep sweep --dry-run`: a sweep's size, time, footprint and files, without writing
//! anything. The time is the sweep's own work timed in miniature on this machine
//! ([`calibrate`]) and dealt to its threads chunk by chunk ([`estimate`]); the files are those
//! the miniature's reports came to, drawn by the sweep's code, so the list cannot promise a
//! chart the sweep skips. It makes the run's own checks first (the request, then the output
//! folder, and a `--resume`'s sweep.toml), so that it refuses what the run would refuse, with
//! the same message and exit code.

mod calibrate;
mod estimate;

use super::{
    CELL_BYTES_PER_NET, CONFIG_FILE, MANIFEST_FILE, SHARD_FILE, SweepOptions, WINDOW_PER_THREAD,
    check_same_sweep, output_names, preflight, runs_csv_warning, runs_file,
};
use crate::outdir::{Mode, OutDir};
use crate::report::runs::Temp;
use crate::report::runs::csv::CsvRuns;
use crate::report::runs::parquet::RunsParquet;
use crate::report::{self, schema};
use crate::sweep::chunk;
use crate::sweep::config::{RunsCsv, RunsFormat, SweepConfig};
use crate::sweep::plan::{GridSize, Plan};
use calibrate::Calibration;

/// What `sweep --dry-run` reports: the sweep's size, an estimate of its time from a short
/// calibration (the sweep in miniature, see [`calibrate`]), its peak memory and disk, and the
/// files it writes. Nothing is written.
#[derive(Debug, serde::Serialize)]
pub struct DryRun {
    pub cells: u64,
    pub nets: u64,
    pub epochs: u32,
    /// Nets per cell of a random init (`--seeds`).
    pub seeds: u32,
    pub net_epochs: f64,
    pub threads: usize,
    /// The time and how sure it is (flattened: its fields are the dry run's in JSON).
    #[serde(flatten)]
    pub estimate: Estimate,
    pub peak_memory_bytes: u64,
    pub peak_disk_bytes: u64,
    /// The files the run would write in its folder, each with what it holds.
    pub files: Vec<String>,
    /// What the run would warn of (a runs.csv too long for a spreadsheet), and a busy machine's
    /// unsteady estimate.
    pub warnings: Vec<String>,
    /// The widest a solved share's 95 % Wilson interval can be at this `--seeds` (a share of
    /// one half), as a half-width: how finely the sweep can tell shares apart. None when no
    /// init is random (the lesson's one net per rate).
    pub solved_share_ci95_half_width_worst: Option<f64>,
}

/// How long the sweep should take, from its calibration, and how sure that is.
#[derive(Debug, serde::Serialize)]
pub struct Estimate {
    /// Net-epochs per second the estimate's training comes to on an idle machine (these
    /// threads, this grid's mix of trainer settings).
    pub calibrated_net_epochs_per_second: f64,
    /// The median of the calibration repeats' estimates, at the load of the moment: training,
    /// then the reports.
    pub estimated_seconds: f64,
    /// The lowest and highest of the repeats' estimates: how steady the machine was.
    pub estimated_seconds_range: [f64; 2],
    /// The same on an idle machine (the repeats' median; they time in CPU seconds).
    pub idle_seconds: f64,
    /// How much longer than on an idle machine the calibration took (the repeats' median; 1
    /// when nothing else runs).
    pub slowdown: f64,
    /// Of `idle_seconds`, what does not scale with the nets' epochs: drawing the reports and
    /// folding the nets into them.
    pub reports_seconds: f64,
    /// How long the calibration took, and what it trained: the sweep's cells with
    /// `calibration_nets` nets in all, `calibration_epochs` epochs each, `calibration_repeats`
    /// times.
    pub calibration_seconds: f64,
    pub calibration_nets: u64,
    pub calibration_epochs: u32,
    pub calibration_repeats: usize,
    /// The machine's 1-minute load average at the calibration (None where the system does not
    /// say), and its cores.
    pub load_average: Option<f64>,
    pub cores: usize,
}

impl Estimate {
    fn of(net_epochs: f64, cal: &Calibration, times: &estimate::Times) -> Estimate {
        let idle = crate::report::stats::median(times.idle.clone());
        let loaded = &times.loaded;
        Estimate {
            calibrated_net_epochs_per_second: net_epochs / (idle - times.reports).max(1e-9),
            estimated_seconds: crate::report::stats::median(loaded.to_vec()),
            estimated_seconds_range: [
                loaded.iter().copied().fold(f64::INFINITY, f64::min),
                loaded.iter().copied().fold(0.0, f64::max),
            ],
            idle_seconds: idle,
            slowdown: times.slowdown,
            reports_seconds: times.reports,
            calibration_seconds: cal.seconds,
            calibration_nets: cal.nets,
            calibration_epochs: cal.epochs,
            calibration_repeats: calibrate::REPEATS,
            load_average: estimate::load_average(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// Half the width of the widest 95 % Wilson interval of a share of `n` nets (at a share of ½).
pub fn worst_share_half_width(n: u64) -> f64 {
    let (lo, hi) = crate::report::stats::wilson_95(n / 2, n);
    (hi - lo) / 2.0
}

/// Size up a sweep without writing anything (see [`DryRun`]).
pub fn dry_run(config: SweepConfig, opts: &SweepOptions, threads: usize) -> anyhow::Result<DryRun> {
    let shard = opts.shard.as_ref();
    let (plan, charts, size) = preflight(config, opts, threads)?;
    let names = output_names();
    OutDir::check(&opts.out, opts.mode, "--out", &super::layout(&names, true))?;
    if opts.mode == Mode::Resume {
        check_same_sweep(&plan, &opts.out)?;
    }
    // A shard's nets are those of its chunks (whole chunks: some shards may get none); it
    // writes no reports.
    let mine = shard.map_or(0..plan.chunks(), |s| s.chunks(plan.chunks()));
    let nets: u64 = mine
        .clone()
        .map(|k| plan.chunk_runs(k).end - plan.chunk_runs(k).start)
        .sum();
    let charts = shard.is_none().then_some(&charts);
    let cal = match plan.config.runs_format {
        RunsFormat::Csv => calibrate::calibrate::<CsvRuns>(&plan, threads, charts)?,
        RunsFormat::Parquet => calibrate::calibrate::<RunsParquet<Temp>>(&plan, threads, charts)?,
    };
    let net_epochs = nets as f64 * f64::from(plan.config.epochs);
    let times = estimate::times(&plan, mine.clone(), threads, &cal);
    let estimate = Estimate::of(net_epochs, &cal, &times);
    let (peak_memory_bytes, peak_disk_bytes) = footprint(&plan, &size, nets, threads);
    let files = files(&plan, opts, mine.end - mine.start, &cal);
    let mut warnings: Vec<String> = match shard {
        None => runs_csv_warning(&plan).into_iter().collect(),
        Some(_) => Vec::new(),
    };
    warnings.extend(busy_warning(&estimate));
    Ok(DryRun {
        cells: size.cells,
        nets,
        epochs: plan.config.epochs,
        seeds: plan.config.seeds,
        net_epochs,
        threads,
        estimate,
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

/// The repeats' estimates may differ this much (as a share of their median), and the calibration
/// take this much longer than on an idle machine, before the dry run warns that the machine is
/// busy.
const STEADY_SPREAD: f64 = 0.25;
const STEADY_SLOWDOWN: f64 = 1.25;

/// A warning when the calibration ran slowed down (by more than [`STEADY_SLOWDOWN`]), its
/// repeats disagree (by more than [`STEADY_SPREAD`]), or other work keeps half the cores busy:
/// the estimate is of this moment's machine, and the idle machine's is given too.
fn busy_warning(e: &Estimate) -> Option<String> {
    let [lo, hi] = e.estimated_seconds_range;
    let spread = (hi - lo) / e.estimated_seconds.max(1e-9);
    let loaded = e
        .load_average
        .is_some_and(|l| l >= (e.cores as f64 / 2.0).max(1.0));
    (spread > STEADY_SPREAD || e.slowdown > STEADY_SLOWDOWN || loaded).then(|| {
        let load = e.load_average.map_or(String::new(), |l| {
            format!("load average {l:.1} on {} cores; ", e.cores)
        });
        let seconds = crate::format::seconds;
        format!(
            "warning: this machine is busy ({load}the calibration ran {:.1}× slower than on an idle machine, its repeats giving {}–{}): the estimate holds only while the load stays as it is; on an idle machine the sweep would take about {}",
            e.slowdown,
            seconds(lo),
            seconds(hi),
            seconds(e.idle_seconds)
        )
    })
}

/// Peak memory and disk of a run of `nets` nets of `plan` on `threads` threads.
fn footprint(plan: &Plan, size: &GridSize, nets: u64, threads: usize) -> (u64, u64) {
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
    let memory = (16 << 20)
        + in_workers
        + queued
        + size.largest_cell * CELL_BYTES_PER_NET
        + size.cells * 30_000;
    let disk = nets * (chunk::net_bytes(plan.config.precision) as u64 + 8)
        + size.cells * n_log * 16
        + rows_kept * ROW_BYTES
        + size.cells * 12_000
        + (2 << 20);
    (memory, disk)
}

/// The files the run would write, each with what it holds: the runs file, then the reports the
/// calibration drew by the sweep's own code (none for a shard), then the run's own files; a
/// shard keeps its `chunks` chunk files and records its shard.
fn files(plan: &Plan, opts: &SweepOptions, chunks: u64, cal: &Calibration) -> Vec<String> {
    let shard = opts.shard.is_some();
    let mut files = Vec::new();
    if let Some(drawn) = &cal.drawn {
        let rows = schema::kept_rows(plan, plan.config.runs_csv);
        files.push(format!(
            "{} ({rows} rows: --runs-csv {})",
            runs_file(plan.config.runs_format),
            plan.config.runs_csv
        ));
        files.extend(
            drawn
                .files
                .iter()
                .map(|&name| match report::describe(name, plan) {
                    Some(what) => format!("{name} ({what})"),
                    None => name.to_string(),
                }),
        );
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
    fn estimate(
        range: [f64; 2],
        slowdown: f64,
        load: Option<f64>,
        cores: usize,
    ) -> super::Estimate {
        super::Estimate {
            calibrated_net_epochs_per_second: 1e8,
            estimated_seconds: 10.0,
            estimated_seconds_range: range,
            idle_seconds: 10.0 / slowdown,
            slowdown,
            reports_seconds: 0.5,
            calibration_seconds: 0.2,
            calibration_nets: 400,
            calibration_epochs: 1000,
            calibration_repeats: 3,
            load_average: load,
            cores,
        }
    }

    /// Steady repeats at full speed on an idle machine: no warning; repeats far apart, a slow
    /// calibration or a load of half the cores or more: a warning that names them and the idle
    /// machine's time.
    #[test]
    fn a_busy_machine_is_warned_of() {
        use super::busy_warning;
        assert_eq!(
            busy_warning(&estimate([9.5, 11.0], 1.05, Some(0.3), 2)),
            None
        );
        assert_eq!(busy_warning(&estimate([9.5, 11.0], 1.05, None, 2)), None);
        let w = busy_warning(&estimate([6.0, 20.0], 1.05, Some(0.3), 2)).unwrap();
        assert!(
            w.contains("6.0 s–20.0 s") && w.contains("load average 0.3 on 2 cores"),
            "{w}"
        );
        let w = busy_warning(&estimate([9.5, 11.0], 2.5, Some(0.3), 2)).unwrap();
        assert!(
            w.contains("2.5× slower") && w.contains("about 4.0 s"),
            "{w}"
        );
        assert!(busy_warning(&estimate([9.5, 11.0], 1.05, Some(8.0), 16)).is_some());
        assert!(busy_warning(&estimate([9.5, 11.0], 1.05, Some(7.0), 16)).is_none());
    }

    #[test]
    fn worst_half_width_matches_the_wilson_formula() {
        // n = 200, p = ½: z·√(¼/n + z²/4n²) / (1 + z²/n) = 0.06864 (to 5 places).
        let h = super::worst_share_half_width(200);
        assert!((h - 0.06864).abs() < 5e-6, "{h}");
        assert!(super::worst_share_half_width(800) < h / 1.9);
        assert!(super::worst_share_half_width(1) <= 0.5);
    }
}
