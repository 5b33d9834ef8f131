//! The pipeline on top: plan → train chunks → aggregate → write, for `sweep` (fresh, `--resume`,
//! `--shard`), `merge` and `plot`. It is the only layer that knows both `sweep/` (planning,
//! training, the chunk format) and `report/` (aggregates, CSV, charts), and it writes every file
//! through [`OutDir`].
//!
//! [`stream`] trains (or reads) the chunks and pushes them, in run order, into a [`Sink`]: the
//! runs file the sweep's `--runs-format` picks (a [`RunsSink`], chosen once here, generic below)
//! and the per-cell aggregator.

use std::io::BufWriter;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::baseline::{LESSON_LR, baseline_curve};
use crate::error::{Interrupted, RuntimeError, UsageError};
use crate::outdir::{self, Mode, OutDir};
use crate::report::aggregate::{Aggregator, CellResult};
use crate::report::answers::Answers;
use crate::report::manifest::{Manifest, RunInfo};
use crate::report::runs::csv::CsvRuns;
use crate::report::runs::parquet::RunsParquet;
use crate::report::runs::{RunsSink, Temp};
use crate::report::{self, ChartOptions, schema};
use crate::sweep::chunk;
use crate::sweep::config::{RunsFormat, SweepConfig};
use crate::sweep::plan::{GridSize, Plan};
use crate::sweep::shard::{Recorded, Shard};
use crate::sweep::spec::Init;
use crate::train::options::{ChoiceParam, HyperParam};
use crate::{signals, sketch};

/// Files a sweep writes at the top of its folder besides the reports.
pub const CONFIG_FILE: &str = crate::sweep::config::SWEEP_TOML;
pub const MANIFEST_FILE: &str = "manifest.json";
/// A shard's record of which shard it is, written at its start (see [`crate::sweep::shard`]).
pub const SHARD_FILE: &str = "shard.json";
pub const RUNS_CSV: &str = CsvRuns::FILE;
pub const RUNS_PARQUET: &str = <RunsParquet<Temp> as RunsSink>::FILE;

/// The file the per-net rows go to.
pub fn runs_file(format: RunsFormat) -> &'static str {
    match format {
        RunsFormat::Csv => RUNS_CSV,
        RunsFormat::Parquet => RUNS_PARQUET,
    }
}

/// Every file a sweep, merge or plot may write at the top of its folder: what `--force` deletes.
pub fn output_names() -> Vec<&'static str> {
    let mut v = vec![
        RUNS_CSV,
        RUNS_PARQUET,
        report::SUMMARY_CSV,
        report::CURVES_CSV,
        report::EXAMPLES_CSV,
    ];
    v.extend(report::charts::FILES);
    v.extend([report::REPORT_HTML, CONFIG_FILE, MANIFEST_FILE, SHARD_FILE]);
    v
}

/// What a sweep or merge writes in its folder; only a sweep resumes.
pub(super) fn layout<'a>(names: &'a [&'a str], resumable: bool) -> outdir::Layout<'a> {
    outdir::Layout {
        outputs: names,
        subfolders: &[],
        setup: &[CONFIG_FILE, SHARD_FILE],
        resumable,
        finished_by: None,
    }
}

/// The most rows a spreadsheet opens (Excel, LibreOffice Calc), the header row included.
pub const SPREADSHEET_ROWS: u64 = 1_048_576;

/// A warning when the sweep's runs.csv will hold more rows than a spreadsheet opens, saying
/// what to use instead; None for a runs.parquet, or a runs.csv that fits.
pub fn runs_csv_warning(plan: &Plan) -> Option<String> {
    let rows = schema::kept_rows(plan, plan.config.runs_csv);
    (plan.config.runs_format == RunsFormat::Csv && rows >= SPREADSHEET_ROWS).then(|| {
        format!(
            "warning: {RUNS_CSV} will have {rows} rows, more than a spreadsheet opens ({SPREADSHEET_ROWS} with the header); for a spreadsheet use --runs-csv sample:N (e.g. sample:100000), for pandas, polars or DuckDB --runs-format parquet"
        )
    })
}

/// How to run, as opposed to what to run (which is the [`SweepConfig`]).
#[derive(Clone, Debug)]
pub struct SweepOptions {
    pub out: PathBuf,
    pub mode: Mode,
    pub quiet: bool,
    pub threads: Option<usize>,
    pub shard: Option<Shard>,
    pub keep_chunks: bool,
    /// The command line that resumes this sweep, printed if it is interrupted.
    pub resume_command: String,
    /// `--chart-init`: the init the line charts show.
    pub chart_init: Option<String>,
}

/// Check a `--chart-init` against the sweep (before any work) and spell it canonically.
pub(super) fn chart_options(
    plan: &Plan,
    chart_init: Option<String>,
) -> Result<ChartOptions, UsageError> {
    let Some(text) = chart_init else {
        return Ok(ChartOptions::default());
    };
    let spec: crate::sweep::spec::InitSpec = text
        .parse()
        .map_err(|e| UsageError::new(format!("--chart-init: {e}")))?;
    let inits = spec.expand();
    let [init] = inits.as_slice() else {
        return Err(UsageError::new(format!(
            "--chart-init: '{text}' names {} schemes; name one (e.g. near-symmetric:1:1e-3)",
            inits.len()
        )));
    };
    if !plan.cells.iter().any(|c| c.init == *init) {
        let mut have: Vec<String> = plan.cells.iter().map(|c| c.init.to_string()).collect();
        have.dedup();
        return Err(UsageError::new(format!(
            "--chart-init: {init} is not in this sweep; pick one of: {}",
            have.join(", ")
        )));
    }
    Ok(ChartOptions {
        chart_init: Some(init.to_string()),
    })
}

/// What a finished sweep or merge reports back.
#[derive(Debug, serde::Serialize)]
pub struct Finished {
    pub out: PathBuf,
    /// Nets trained by this invocation (a resume trains only the missing chunks).
    pub nets: u64,
    /// The shard this run trained, if it was one (its folder then holds chunks, not reports).
    pub shard: Option<Shard>,
    pub chunks_trained: u64,
    pub training_seconds: f64,
    pub wall_seconds: f64,
    pub net_epochs_per_second: f64,
    /// A `--resume` that found the sweep already finished.
    pub already_complete: bool,
    /// What the sweep found (empty for a shard, which writes no reports): `summary` per init
    /// and trainer setting, the best configuration overall with its ties, what matters.
    #[serde(flatten)]
    pub answers: Answers,
}

/// The longest sane single run, and a conservative per-thread speed for estimating it.
const TIME_BUDGET_SECONDS: f64 = 48.0 * 3600.0;
const ASSUMED_NET_EPOCHS_PER_THREAD: f64 = 15e6;
/// The most cells one sweep may have (declared with the plan, where compare's checks see it too).
pub use crate::sweep::plan::MAX_CELLS;
/// Memory for one cell's exact quartiles (final loss, hidden gap, solved epoch: 20 bytes a net).
const CELL_MEMORY_BYTES: u64 = 160 << 20;
pub(super) const CELL_BYTES_PER_NET: u64 = 20;

/// The grid's axes of more than one value, as (flag, values): what makes a grid big, for the
/// message that refuses it. An axis left at its default says so (`--init 21 (default)`), so
/// the message never seems to name a flag that was not given. A config file's keys carry the
/// flags' names.
fn grid_axes(config: &SweepConfig) -> Vec<(String, String)> {
    let t = &config.trainer;
    let default = SweepConfig::default();
    let marked = |n: usize, is_default: bool| {
        if is_default {
            format!("{n} (default)")
        } else {
            n.to_string()
        }
    };
    let axis = t.lr_axis();
    let rate = match t.per_layer() {
        true => ("--lr-hidden".to_string(), axis.len().to_string()),
        false => (
            "--lr".to_string(),
            marked(axis.len(), axis == default.trainer.lr_axis()),
        ),
    };
    let inits: usize = config.init.iter().map(|s| s.count()).sum();
    let numbers = HyperParam::ALL
        .iter()
        .filter(|p| p.name() != "lr_hidden")
        .map(|&p| (p.flag(), t.values(p).map_or(1, |v| v.len())));
    let choices = ChoiceParam::ALL
        .iter()
        .map(|&c| (format!("--{}", c.name()), t.names(c).map_or(1, |v| v.len())));
    [
        (
            "--init".to_string(),
            marked(inits, config.init == default.init),
        ),
        rate,
    ]
    .into_iter()
    .chain(numbers.chain(choices).map(|(f, n)| (f, n.to_string())))
    .filter(|(_, n)| !matches!(n.as_str(), "0" | "1" | "1 (default)"))
    .collect()
}

/// Refuse grids that cannot finish sanely here, counted from the specs before anything is
/// built or allocated, and say what to change.
pub fn check_size(
    config: &SweepConfig,
    shard: Option<&Shard>,
    threads: usize,
) -> Result<GridSize, UsageError> {
    let size = GridSize::of(config);
    if size.cells > MAX_CELLS {
        let axes = grid_axes(config);
        let product = axes
            .iter()
            .map(|(flag, n)| format!("{flag} {n}"))
            .collect::<Vec<_>>()
            .join(" × ");
        let flags = axes
            .iter()
            .map(|a| a.0.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(UsageError::new(format!(
            "{product}: {} cells, more than {MAX_CELLS} (each is a row of summary.csv and a band of curves.csv); give fewer values to {flags}, or use `xorsweep map` for fine grids",
            size.cells
        )));
    }
    let max_seeds = CELL_MEMORY_BYTES / CELL_BYTES_PER_NET;
    if size.largest_cell > max_seeds {
        return Err(UsageError::new(format!(
            "--seeds: {} nets per cell is more than {max_seeds} (exact quartiles hold a cell's final losses in memory); use fewer --seeds or split the seeds over several --seed values",
            size.largest_cell
        )));
    }
    let share = shard.map_or(1.0, |s| 1.0 / s.count as f64);
    let seconds = size.nets as f64 * f64::from(config.epochs) * share
        / (ASSUMED_NET_EPOCHS_PER_THREAD * threads as f64);
    if seconds > TIME_BUDGET_SECONDS {
        let shards =
            ((seconds / TIME_BUDGET_SECONDS).ceil() as u64).max(2) * shard.map_or(1, |s| s.count);
        return Err(UsageError::new(format!(
            "sweep too large for one run: {:.3e} nets × {} epochs would take about {:.0} hours on {threads} threads (limit {:.0} h); split it with --shard K/{shards} (see docs/sweeps.md: Sharding) or use fewer --seeds, learning rates or --epochs",
            size.nets as f64 * share,
            config.epochs,
            seconds / 3600.0,
            TIME_BUDGET_SECONDS / 3600.0
        )));
    }
    Ok(size)
}

/// What writing the reports came to: done, or stopped by a signal with none of them kept.
pub(super) enum Written {
    Done(Box<Answers>),
    Stopped(i32),
}

/// Turn a finished stream into the reports: the runs file, then every per-cell file, all
/// through `dir`.
///
/// A signal in this last phase is honoured like one while chunks are trained: it is checked
/// before and after each file (the Parquet footer, the charts' rendering and each write are the
/// long steps), and the files this call wrote are removed again, so that an interrupted run
/// leaves no reports that look finished (the chunks stay: `--resume`, or the same merge, writes
/// them again). The manifest, written after this returns, is the run's end: a signal after it
/// finds the run complete.
fn write_reports<R: RunsSink>(
    plan: &Plan,
    dir: &OutDir,
    sink: Sink<R>,
    charts: &ChartOptions,
) -> anyhow::Result<Written> {
    let hint = sink.hint;
    let mut written: Vec<&'static str> = Vec::new();
    let result = write_reports_unhinted(plan, dir, sink, charts, &mut written);
    if matches!(result, Ok(Written::Stopped(_))) {
        dir.remove_files(&written).map_err(|e| with_hint(e, hint))?;
    }
    result.map_err(|e| with_hint(e, hint))
}

fn write_reports_unhinted<R: RunsSink>(
    plan: &Plan,
    dir: &OutDir,
    sink: Sink<R>,
    charts: &ChartOptions,
    written: &mut Vec<&'static str>,
) -> anyhow::Result<Written> {
    let flag = signals::received();
    let stopped = || signals::pending(&flag).map(Written::Stopped);
    if let Some(s) = stopped() {
        return Ok(s);
    }
    let name = R::FILE;
    let runs = sink.runs.finish()?;
    if let Some(s) = stopped() {
        return Ok(s);
    }
    runs.persist(dir.join(name))
        .map_err(|e| RuntimeError::new(format!("cannot write {name}: {}", e.error)))?;
    written.push(name);
    let cells: Vec<CellResult> = sink.aggregator.finish();
    let (files, summary) = reports(plan, &cells, charts)?;
    for (name, bytes) in files {
        if let Some(s) = stopped() {
            return Ok(s);
        }
        dir.write(name, &bytes)?;
        written.push(name);
    }
    Ok(stopped().unwrap_or(Written::Done(Box::new(summary))))
}

/// Every per-cell report of a sweep (the lesson's reference curve added where the sweep holds
/// its pinned row): what a sweep and a merge write after the runs file, and what `--dry-run`
/// renders from its calibration to list them.
pub(super) fn reports(
    plan: &Plan,
    cells: &[CellResult],
    charts: &ChartOptions,
) -> anyhow::Result<(report::Files, Answers)> {
    let has_baseline = plan
        .cells
        .iter()
        .any(|c| c.init == Init::Lesson && c.lr == LESSON_LR);
    let baseline = has_baseline.then(|| baseline_curve(plan.config.epochs));
    report::render(plan, cells, baseline.as_ref(), charts)
}

/// The sink of a sweep that writes reports: its runs file, started in a temporary file of
/// `dir`, and the aggregator.
fn new_sink<'a, R: RunsSink>(
    plan: &'a Plan,
    dir: &OutDir,
    hint: &'static str,
    chunks_deleted: bool,
) -> anyhow::Result<Sink<'a, R>> {
    let temp = dir
        .temp_file_in(dir.path())
        .map_err(|e| with_hint(e, hint))?;
    Ok(Sink {
        runs: R::create(BufWriter::with_capacity(1 << 20, temp)).map_err(|e| with_hint(e, hint))?,
        which: plan.config.runs_csv,
        aggregator: Aggregator::new(plan),
        hint,
        chunks_deleted,
    })
}

pub(super) fn manifest(
    plan: &Plan,
    dir: &OutDir,
    shard: Option<&Shard>,
    threads: usize,
    nets: u64,
    finished: &Finished,
) -> anyhow::Result<()> {
    let mut run = RunInfo::new(
        "xorsweep",
        plan.config.precision,
        threads,
        nets as f64 * f64::from(plan.config.epochs),
        (finished.wall_seconds, finished.training_seconds),
    );
    // A resumed or merged sweep's speed is of the chunks trained now, not of every net.
    run.net_epochs_per_second = finished.net_epochs_per_second;
    let m = Manifest {
        run,
        config: &plan.config,
        config_hash: plan.config.hash(),
        master_seed: plan.config.seed,
        cells: plan.cells.len(),
        nets,
        chunks: plan.chunks(),
        chunks_trained_now: finished.chunks_trained,
        shard,
        curve_quantile_relative_accuracy: sketch::RELATIVE_ACCURACY,
        runs_csv: plan.config.runs_csv.to_string(),
    };
    dir.write(MANIFEST_FILE, &m.to_json())
}

/// The checks of a sweep's request made before any folder is touched, shared by the run and
/// `--dry-run` (which adds [`OutDir::check`]), so that both refuse alike.
pub(super) fn preflight(
    config: SweepConfig,
    opts: &SweepOptions,
    threads: usize,
) -> anyhow::Result<(Plan, ChartOptions, GridSize)> {
    config.check()?;
    let size = check_size(&config, opts.shard.as_ref(), threads)?;
    let plan = Plan::new(config);
    let charts = chart_options(&plan, opts.chart_init.clone())?;
    Ok((plan, charts, size))
}

/// What the folder `out` records of its shard: its `shard.json`, or else a finished sweep's
/// manifest (a whole sweep's has no shard); nothing in a new folder or one of an older
/// xorsweep's, whose shard is then taken as given.
pub fn recorded_shard(out: &Path) -> anyhow::Result<Recorded> {
    #[derive(serde::Deserialize)]
    struct Finished {
        shard: Option<Shard>,
    }
    let read = |name: &str| -> anyhow::Result<Option<String>> {
        let path = out.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(None);
        }
        crate::fsio::read_text(&path, crate::fsio::CONFIG_LIMIT)
            .map(Some)
            .map_err(|e| RuntimeError::new(format!("--resume: {e}")).into())
    };
    let bad = |name: &str, e: serde_json::Error| {
        UsageError::new(format!(
            "--resume: {}/{name} is not xorsweep's ({e}); rerun with --force, or give another --out",
            crate::escape::shown(out)
        ))
    };
    if let Some(text) = read(SHARD_FILE)? {
        let s: Shard = serde_json::from_str(&text).map_err(|e| bad(SHARD_FILE, e))?;
        return Ok(Recorded::Shard(s));
    }
    if let Some(text) = read(MANIFEST_FILE)? {
        let m: Finished = serde_json::from_str(&text).map_err(|e| bad(MANIFEST_FILE, e))?;
        return Ok(m.shard.map_or(Recorded::Whole, Recorded::Shard));
    }
    Ok(Recorded::Nothing)
}

/// A `--resume` must be of the sweep its folder holds: refuse one with other arguments, naming
/// the fields that differ.
pub(super) fn check_same_sweep(plan: &Plan, out: &Path) -> anyhow::Result<()> {
    let shown = out.display();
    let path = out.join(CONFIG_FILE);
    if !path.exists() {
        return Ok(());
    }
    let text = crate::fsio::read_text(&path, crate::fsio::CONFIG_LIMIT)
        .map_err(|e| RuntimeError::new(format!("--resume: {e}")))?;
    let recorded = SweepConfig::from_sweep_toml(&text, &format!("{shown}/{CONFIG_FILE}"))
        .map_err(|e| UsageError::new(format!("--resume: {e}")))?;
    if recorded.hash() != plan.config.hash() {
        return Err(UsageError::new(format!(
            "--resume: the sweep in {shown} was run with other arguments (differs in: {}); rerun the original command with --resume, or use another --out",
            recorded.differences(&plan.config)
        ))
        .into());
    }
    Ok(())
}

/// Run (or resume) a sweep.
pub fn sweep(config: SweepConfig, opts: &SweepOptions) -> anyhow::Result<Finished> {
    let started = Instant::now();
    // From here on SIGINT/SIGTERM/SIGHUP are noted, not fatal: a signal while the folder is
    // prepared or saved chunks are checked stops the sweep before it trains anything.
    signals::received();
    let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
    let (plan, charts, _) = preflight(config, opts, threads)?;
    let names = output_names();
    let dir = OutDir::prepare(&opts.out, opts.mode, "--out", &layout(&names, true))?;
    if opts.shard.is_none()
        && let Some(warning) = runs_csv_warning(&plan)
    {
        eprintln!("{warning}");
    }
    let resume = opts.mode == Mode::Resume;
    if resume {
        check_same_sweep(&plan, &opts.out)?;
    }
    let mine = opts
        .shard
        .as_ref()
        .map_or(0..plan.chunks(), |s| s.chunks(plan.chunks()));
    let finished_before = resume && dir.has(MANIFEST_FILE);
    if finished_before && !outdir::has_chunk_files(dir.path()) {
        // Finished before (its chunks already turned into reports): nothing to do, which is a
        // success for a scheduler that requeues with --resume.
        return Ok(already_complete(opts, started));
    }
    let sources = sources(&plan, &dir, mine.clone(), resume)?;
    if finished_before && sources.iter().all(|s| matches!(s, Source::Disk(_))) {
        // A finished shard (or --keep-chunks sweep) with every chunk intact: nothing is
        // trained or written, and its manifest keeps the timing of the run that made it.
        return Ok(already_complete(opts, started));
    }
    dir.write(CONFIG_FILE, plan.config.to_toml().as_bytes())
        .map_err(|e| with_hint(e, SWEEP_HINT))?;
    if let Some(shard) = &opts.shard
        && !dir.has(SHARD_FILE)
    {
        // Kept as first written: a resume from the printed command (--shard K/N) or a
        // resubmitted Slurm task is the same shard, and the Slurm task id stays on record.
        let json = serde_json::to_string_pretty(shard)? + "\n";
        dir.write(SHARD_FILE, json.as_bytes())
            .map_err(|e| with_hint(e, SWEEP_HINT))?;
    }
    let run = Run {
        plan: &plan,
        dir: &dir,
        sources: &sources,
        mine,
        threads,
        started,
        charts: &charts,
    };
    match plan.config.runs_format {
        RunsFormat::Csv => run.finish::<CsvRuns>(opts),
        RunsFormat::Parquet => run.finish::<RunsParquet<Temp>>(opts),
    }
}

/// What a `--resume` of a finished sweep or shard reports: nothing trained, nothing written.
fn already_complete(opts: &SweepOptions, started: Instant) -> Finished {
    Finished {
        out: opts.out.clone(),
        nets: 0,
        shard: opts.shard.clone(),
        chunks_trained: 0,
        training_seconds: 0.0,
        wall_seconds: started.elapsed().as_secs_f64(),
        net_epochs_per_second: 0.0,
        already_complete: true,
        answers: Answers::default(),
    }
}

/// Where each of chunks `mine` comes from: a saved chunk that is intact (on `--resume`), or
/// training.
fn sources(
    plan: &Plan,
    dir: &OutDir,
    mine: Range<u64>,
    resume: bool,
) -> anyhow::Result<Vec<Source>> {
    let hash = plan.config.hash();
    let mut sources: Vec<Source> = Vec::with_capacity((mine.end - mine.start) as usize);
    for k in mine {
        let path = dir.chunk_path(k);
        let saved = resume && path.exists();
        if let Some(why) = saved.then(|| chunk::foreign(&path)).flatten() {
            return Err(UsageError::new(format!(
                "--resume: {} is {why}; rerun the sweep with --force instead",
                path.display()
            ))
            .into());
        }
        sources.push(if saved && read_chunk(plan, &hash, &path, k).is_ok() {
            Source::Disk(path)
        } else {
            Source::Train
        });
    }
    Ok(sources)
}

/// A sweep stopped by `signal`, with `kept` saying how many chunks are saved (`: 3 of 8`), where,
/// and the command that resumes it.
fn stopped(signal: i32, kept: &str, opts: &SweepOptions) -> anyhow::Error {
    Interrupted {
        signal,
        message: format!(
            "interrupted by {}{kept} chunks are saved in {}. Resume with:\n  {}",
            signals::name(signal),
            opts.out.display(),
            opts.resume_command
        ),
    }
    .into()
}

/// A sweep whose folder is ready and whose chunks' sources are known.
struct Run<'a> {
    plan: &'a Plan,
    dir: &'a OutDir,
    sources: &'a [Source],
    mine: Range<u64>,
    threads: usize,
    started: Instant,
    charts: &'a ChartOptions,
}

impl Run<'_> {
    /// Train and stream the chunks, then write the reports into runs file `R` and the rest.
    fn finish<R: RunsSink>(self, opts: &SweepOptions) -> anyhow::Result<Finished> {
        let Run {
            plan,
            dir,
            sources,
            mine,
            threads,
            started,
            charts,
        } = self;
        // A shard's nets are parts of cells that other shards finish: it keeps its chunks and a
        // manifest, and `merge` writes the reports.
        let sink = match opts.shard {
            None => Some(new_sink::<R>(plan, dir, SWEEP_HINT, !opts.keep_chunks)?),
            Some(_) => None,
        };
        let streamed = stream(plan, dir, sources, mine.clone(), threads, sink, opts.quiet)?;
        if let Some(signal) = streamed.interrupted {
            // Chunks checked intact before this run, and those it saved.
            let before = sources
                .iter()
                .filter(|s| matches!(s, Source::Disk(_)))
                .count() as u64;
            let saved = before + streamed.chunks_trained;
            let kept = format!(": {saved} of {}", mine.end - mine.start);
            return Err(stopped(signal, &kept, opts));
        }
        let written = match streamed.sink {
            Some(sink) => write_reports(plan, dir, sink, charts)?,
            // A shard's last step is its manifest: a signal before it is honoured the same way.
            None => signals::pending(&signals::received())
                .map_or(Written::Done(Box::default()), Written::Stopped),
        };
        let summary = match written {
            Written::Done(summary) => *summary,
            Written::Stopped(signal) => {
                let what = match opts.shard {
                    Some(_) => "before its manifest was written",
                    None => "while the reports were written (none is kept)",
                };
                let kept = format!(" {what}: all {}", mine.end - mine.start);
                return Err(stopped(signal, &kept, opts));
            }
        };
        let nets: u64 = mine
            .clone()
            .map(|k| plan.chunk_runs(k).end - plan.chunk_runs(k).start)
            .sum();
        let mut finished = Finished {
            out: opts.out.clone(),
            nets: streamed.nets_trained,
            shard: opts.shard.clone(),
            chunks_trained: streamed.chunks_trained,
            training_seconds: streamed.training_seconds,
            wall_seconds: 0.0,
            net_epochs_per_second: streamed.nets_trained as f64 * f64::from(plan.config.epochs)
                / streamed.training_seconds.max(1e-9),
            already_complete: false,
            answers: summary,
        };
        finished.wall_seconds = started.elapsed().as_secs_f64();
        manifest(plan, dir, opts.shard.as_ref(), threads, nets, &finished)
            .map_err(|e| with_hint(e, SWEEP_HINT))?;
        if !(opts.keep_chunks || opts.shard.is_some()) {
            dir.remove_chunks()?;
        }
        Ok(finished)
    }
}

mod dry_run;
mod merge;
mod plot;
mod stream;
mod validate;

use stream::{SWEEP_HINT, Sink, Source, WINDOW_PER_THREAD, read_chunk, stream, with_hint};

pub use dry_run::{DryRun, dry_run};
pub use merge::merge;
pub use plot::{Skipped, plot};
