//! The pipeline on top: plan → train chunks → aggregate → write, for `sweep` (fresh, `--resume`,
//! `--shard`), `merge` and `plot`. It is the only layer that knows both `sweep/` (planning,
//! training, the chunk format) and `report/` (aggregates, CSV, charts), and it writes every file
//! through [`OutDir`].
//!
//! Training threads only compute: each takes the next chunk, trains it, encodes it and formats
//! its runs.csv rows. One consumer (this thread) takes the chunks in run order, writes each chunk
//! file (fsyncs batched about once a second, then the folder), appends the rows to runs.csv and
//! folds the chunk into the per-cell aggregates. Chunks may finish out of order; workers never
//! run more than a small window ahead of the consumer, so memory stays bounded whatever the
//! number of nets.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::baseline::{LESSON_LR, baseline_curve};
use crate::error::{Interrupted, RuntimeError, UsageError};
use crate::outdir::{self, Mode, OutDir};
use crate::report::aggregate::{Aggregator, CellResult};
use crate::report::manifest::Manifest;
use crate::report::terminal::InitSummary;
use crate::report::{self, ChartOptions, schema};
use crate::sweep::chunk::{self, ChunkData, Expect};
use crate::sweep::config::{RunsCsv, SweepConfig};
use crate::sweep::plan::{GridSize, Plan};
use crate::sweep::shard::Shard;
use crate::sweep::spec::Init;
use crate::sweep::work;
use crate::train::batch;
use crate::{signals, sketch};

/// Files a sweep writes at the top of its folder besides the reports.
pub const CONFIG_FILE: &str = "sweep.toml";
pub const MANIFEST_FILE: &str = "manifest.json";
pub const RUNS_CSV: &str = "runs.csv";

/// Every file a sweep, merge or plot may write at the top of its folder: what `--force` deletes.
pub fn output_names() -> Vec<&'static str> {
    let mut v = vec![
        RUNS_CSV,
        report::SUMMARY_CSV,
        report::CURVES_CSV,
        report::EXAMPLES_CSV,
    ];
    v.extend(report::charts::FILES);
    v.extend([report::REPORT_HTML, CONFIG_FILE, MANIFEST_FILE]);
    v
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
fn chart_options(plan: &Plan, chart_init: Option<String>) -> Result<ChartOptions, UsageError> {
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
    /// What the sweep found, per init (empty for a shard, which writes no reports).
    pub summary: Vec<InitSummary>,
}

/// The longest sane single run, and a conservative per-thread speed for estimating it.
const TIME_BUDGET_SECONDS: f64 = 48.0 * 3600.0;
const ASSUMED_NET_EPOCHS_PER_THREAD: f64 = 15e6;
/// The most cells one sweep may have: each is a row of summary.csv, ~60 rows of curves.csv and
/// ~30 KB of memory until the reports are written. `xorsweep map` is the tool for fine grids.
pub const MAX_CELLS: u64 = 5000;
/// Memory for one cell's exact quartiles (final loss, hidden gap, solved epoch: 20 bytes a net).
const CELL_MEMORY_BYTES: u64 = 160 << 20;
const CELL_BYTES_PER_NET: u64 = 20;

/// Refuse grids that cannot finish sanely here, counted from the specs before anything is
/// built or allocated, and say what to change.
pub fn check_size(
    config: &SweepConfig,
    shard: Option<&Shard>,
    threads: usize,
) -> Result<GridSize, UsageError> {
    let size = GridSize::of(config);
    if size.cells > MAX_CELLS {
        return Err(UsageError::new(format!(
            "--lr × --init: {} cells, more than {MAX_CELLS} (each is a row of summary.csv and a band of curves.csv); use fewer learning rates or ε values, or `xorsweep map` for fine grids",
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
            "sweep too large for one run: {:.3e} nets × {} epochs would take about {:.0} hours on {threads} threads (limit {:.0} h); split it with --shard K/{shards} (see README: Sharding) or use fewer --seeds, learning rates or --epochs",
            size.nets as f64 * share,
            config.epochs,
            seconds / 3600.0,
            TIME_BUDGET_SECONDS / 3600.0
        )));
    }
    Ok(size)
}

/// Where the consumer gets chunk `k` from.
enum Source {
    /// Saved earlier (resume) or by a shard (merge): read and check it.
    Disk(PathBuf),
    /// Trained now by the workers.
    Train,
}

/// A chunk the workers trained: its data, its file's bytes, its runs.csv rows.
struct Trained {
    k: u64,
    data: ChunkData,
    bytes: Vec<u8>,
    rows: Vec<u8>,
}

/// What the consumer does with each chunk besides saving it.
struct Sink<'a> {
    runs: BufWriter<tempfile::NamedTempFile>,
    which: RunsCsv,
    aggregator: Aggregator<'a>,
}

/// The outcome of streaming a sweep's chunks.
struct Streamed<'a> {
    sink: Option<Sink<'a>>,
    chunks_trained: u64,
    nets_trained: u64,
    training_seconds: f64,
    interrupted: Option<i32>,
}

fn read_chunk(plan: &Plan, hash: &str, path: &Path, k: u64) -> Result<ChunkData, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    chunk::decode(
        &bytes,
        &Expect {
            config_hash: hash,
            k,
            runs: plan.chunk_runs(k),
            cells: plan.chunk_cells(k),
            n_log: plan.train.log_epochs.len(),
        },
    )
    .map_err(|e| format!("{}: {e}", path.display()))
}

/// Chunks a worker may run ahead of the consumer, per thread.
const WINDOW_PER_THREAD: u64 = 2;
/// How often written chunk files are fsynced (batched, off the training threads).
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// Files written but not yet fsynced, and the folder to fsync after them.
struct Syncer {
    dir: PathBuf,
    files: Vec<File>,
    last: Instant,
}

impl Syncer {
    fn sync(&mut self) -> anyhow::Result<()> {
        for f in self.files.drain(..) {
            f.sync_all().map_err(|e| {
                RuntimeError::new(format!("cannot save chunks in {}: {e}", self.dir.display()))
            })?;
        }
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| {
                RuntimeError::new(format!("cannot save chunks in {}: {e}", self.dir.display()))
            })?;
        self.last = Instant::now();
        Ok(())
    }
}

/// Stream the chunks `mine` of `plan`, in order: those marked [`Source::Disk`] are read, the
/// others trained by `threads` workers. Trained chunks are saved in `dir`'s chunks folder; every
/// chunk goes into `sink` (runs.csv rows and aggregates) when there is one.
#[allow(clippy::too_many_arguments)]
fn stream<'a>(
    plan: &'a Plan,
    dir: &OutDir,
    sources: &[Source],
    mine: Range<u64>,
    threads: usize,
    mut sink: Option<Sink<'a>>,
    quiet: bool,
) -> anyhow::Result<Streamed<'a>> {
    let hash = plan.config.hash();
    let todo: Vec<u64> = mine
        .clone()
        .filter(|&k| matches!(sources[(k - mine.start) as usize], Source::Train))
        .collect();
    let epochs = u64::from(plan.config.epochs);
    let nets_of = |k: u64| plan.chunk_runs(k).end - plan.chunk_runs(k).start;
    let todo_nets: u64 = todo.iter().map(|&k| nets_of(k)).sum();
    let chunk_dir = if todo.is_empty() {
        None
    } else {
        Some(dir.chunk_dir()?)
    };
    let pb = crate::progress::bar(todo_nets * epochs, quiet);
    let signal = signals::received();
    let stop = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    // The next chunk the consumer needs; workers wait while they are a window ahead of it.
    let consumed = Mutex::new(mine.start);
    let advanced = Condvar::new();
    let window = WINDOW_PER_THREAD * threads as u64 + 1;
    let want_rows = sink
        .as_ref()
        .map(|s| s.which != RunsCsv::None)
        .unwrap_or(false);
    let which = sink.as_ref().map_or(RunsCsv::None, |s| s.which);
    let train_start = Instant::now();
    let (tx, rx) = mpsc::sync_channel::<Trained>(window as usize);

    let mut consumer = |rx: mpsc::Receiver<Trained>| -> anyhow::Result<Option<i32>> {
        let mut pending: BTreeMap<u64, Trained> = BTreeMap::new();
        let mut syncer = chunk_dir.clone().map(|d| Syncer {
            dir: d,
            files: Vec::new(),
            last: Instant::now(),
        });
        let save = |t: &Trained, syncer: &mut Option<Syncer>| -> anyhow::Result<()> {
            let s = syncer.as_mut().expect("a chunks folder when training");
            let path = dir.chunk_path(t.k);
            let mut tmp = dir.temp_file_in(&s.dir)?;
            tmp.write_all(&t.bytes).map_err(|e| {
                RuntimeError::new(format!(
                    "cannot save {} ({e}); the completed chunks are kept: fix the problem and rerun with --resume",
                    path.display()
                ))
            })?;
            let file = tmp.persist(&path).map_err(|e| {
                RuntimeError::new(format!(
                    "cannot save {} ({}); the completed chunks are kept: fix the problem and rerun with --resume",
                    path.display(),
                    e.error
                ))
            })?;
            s.files.push(file);
            if s.last.elapsed() >= SYNC_EVERY {
                s.sync()?;
            }
            Ok(())
        };
        let mut interrupted = None;
        for k in mine.clone() {
            let data = match &sources[(k - mine.start) as usize] {
                Source::Disk(path) => read_chunk(plan, &hash, path, k).map_err(|e| {
                    RuntimeError::new(format!("chunk {k} unreadable: {e}; rerun with --resume"))
                })?,
                Source::Train => {
                    let t = loop {
                        if let Some(t) = pending.remove(&k) {
                            break Some(t);
                        }
                        match rx.recv() {
                            Ok(t) => {
                                pending.insert(t.k, t);
                            }
                            Err(_) => break None,
                        }
                    };
                    let Some(t) = t else {
                        // The workers stopped before this chunk: a signal.
                        interrupted = signals::pending(&signal);
                        break;
                    };
                    save(&t, &mut syncer)?;
                    if let Some(s) = sink.as_mut() {
                        s.runs.write_all(&t.rows).map_err(|e| {
                            RuntimeError::new(format!("cannot write {RUNS_CSV}: {e}"))
                        })?;
                    }
                    t.data
                }
            };
            if let Some(s) = sink.as_mut() {
                if !matches!(sources[(k - mine.start) as usize], Source::Train)
                    && s.which != RunsCsv::None
                {
                    let rows = schema::runs_rows(plan, s.which, &data);
                    s.runs
                        .write_all(&rows)
                        .map_err(|e| RuntimeError::new(format!("cannot write {RUNS_CSV}: {e}")))?;
                }
                s.aggregator.add(&data);
            }
            *consumed.lock().expect("no panics while held") = k + 1;
            advanced.notify_all();
        }
        // Whatever the workers finished beyond an interruption is saved too.
        for t in pending.values() {
            save(t, &mut syncer)?;
        }
        if let Some(s) = syncer.as_mut() {
            s.sync()?;
        }
        Ok(interrupted)
    };

    let worker = |tx: mpsc::SyncSender<Trained>| {
        let mut scratch = work::Scratch::default();
        loop {
            if stop.load(Ordering::SeqCst) || signals::pending(&signal).is_some() {
                return;
            }
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(&k) = todo.get(i) else { return };
            {
                let mut c = consumed.lock().expect("no panics while held");
                while k >= *c + window && !stop.load(Ordering::SeqCst) {
                    c = advanced
                        .wait_timeout(c, Duration::from_millis(50))
                        .expect("no panics while held")
                        .0;
                }
            }
            let data = work::train_chunk(plan, k, &mut scratch);
            let bytes = chunk::encode(&hash, k, &data);
            let rows = if want_rows {
                schema::runs_rows(plan, which, &data)
            } else {
                Vec::new()
            };
            pb.inc(data.nets.len() as u64 * epochs);
            let rate = pb.position() as f64 / train_start.elapsed().as_secs_f64().max(1e-9);
            pb.set_message(format!("{:.1} M net-epochs/s", rate / 1e6));
            if tx
                .send(Trained {
                    k,
                    data,
                    bytes,
                    rows,
                })
                .is_err()
            {
                return;
            }
        }
    };

    let result = std::thread::scope(|s| {
        for _ in 0..threads.min(todo.len()) {
            let tx = tx.clone();
            s.spawn(|| worker(tx));
        }
        drop(tx);
        let r = consumer(rx);
        // On an error, stop the workers: they see `stop`, or a closed channel when they send.
        stop.store(true, Ordering::SeqCst);
        advanced.notify_all();
        r
    });
    let training_seconds = train_start.elapsed().as_secs_f64();
    pb.finish_and_clear();
    let interrupted = result?;
    let chunks_trained = todo
        .iter()
        .filter(|&&k| outdir::chunk_path(dir.path(), k).exists())
        .count() as u64;
    Ok(Streamed {
        sink,
        chunks_trained,
        nets_trained: if interrupted.is_some() { 0 } else { todo_nets },
        training_seconds,
        interrupted,
    })
}

/// Turn a finished stream into the reports: runs.csv, then every per-cell file, all through
/// `dir`.
fn write_reports(
    plan: &Plan,
    dir: &OutDir,
    sink: Sink,
    charts: &ChartOptions,
) -> anyhow::Result<Vec<InitSummary>> {
    let runs = sink
        .runs
        .into_inner()
        .map_err(|e| RuntimeError::new(format!("cannot write {RUNS_CSV}: {}", e.error())))?;
    runs.as_file()
        .sync_all()
        .map_err(|e| RuntimeError::new(format!("cannot write {RUNS_CSV}: {e}")))?;
    runs.persist(dir.join(RUNS_CSV))
        .map_err(|e| RuntimeError::new(format!("cannot write {RUNS_CSV}: {}", e.error)))?;
    let cells: Vec<CellResult> = sink.aggregator.finish();
    let has_baseline = plan
        .cells
        .iter()
        .any(|c| c.init == Init::Lesson && c.lr == LESSON_LR);
    let baseline = has_baseline.then(|| baseline_curve(plan.config.epochs));
    let (files, summary) = report::render(plan, &cells, baseline.as_ref(), charts)?;
    for (name, bytes) in files {
        dir.write(name, &bytes)?;
    }
    Ok(summary)
}

fn new_sink<'a>(plan: &'a Plan, dir: &OutDir) -> anyhow::Result<Sink<'a>> {
    let mut runs = BufWriter::with_capacity(1 << 20, dir.temp_file_in(dir.path())?);
    runs.write_all(&schema::runs_header())
        .map_err(|e| RuntimeError::new(format!("cannot write {RUNS_CSV}: {e}")))?;
    Ok(Sink {
        runs,
        which: plan.config.runs_csv,
        aggregator: Aggregator::new(plan),
    })
}

#[allow(clippy::too_many_arguments)]
fn manifest(
    plan: &Plan,
    dir: &OutDir,
    shard: Option<&Shard>,
    threads: usize,
    nets: u64,
    finished: &Finished,
) -> anyhow::Result<()> {
    let m = Manifest {
        tool: "xorsweep",
        version: env!("CARGO_PKG_VERSION"),
        config: &plan.config,
        config_hash: plan.config.hash(),
        master_seed: plan.config.seed,
        precision: plan.config.precision.name(),
        lane_type: batch::lane_name(plan.config.precision),
        lane_width: batch::lane_width(plan.config.precision),
        cpu_features_compiled: crate::cpu::compiled_features(),
        cpu_features_host: crate::cpu::host_features(),
        threads,
        cells: plan.cells.len(),
        nets,
        net_epochs: nets as f64 * f64::from(plan.config.epochs),
        chunks: plan.chunks(),
        chunks_trained_now: finished.chunks_trained,
        shard,
        curve_quantile_relative_accuracy: sketch::RELATIVE_ACCURACY,
        runs_csv: plan.config.runs_csv.to_string(),
        wall_seconds: finished.wall_seconds,
        training_seconds: finished.training_seconds,
        net_epochs_per_second: finished.net_epochs_per_second,
    };
    dir.write(MANIFEST_FILE, &m.to_json())
}

/// Run (or resume) a sweep.
pub fn sweep(config: SweepConfig, opts: &SweepOptions) -> anyhow::Result<Finished> {
    let started = Instant::now();
    config.check()?;
    let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
    check_size(&config, opts.shard.as_ref(), threads)?;
    let plan = Plan::new(config);
    let charts = chart_options(&plan, opts.chart_init.clone())?;
    let hash = plan.config.hash();
    let dir = OutDir::prepare(&opts.out, opts.mode, "--out", &output_names())?;
    let shown = opts.out.display();
    let resume = opts.mode == Mode::Resume;
    if resume && dir.has(CONFIG_FILE) {
        let text = fs::read_to_string(dir.join(CONFIG_FILE)).map_err(|e| {
            RuntimeError::new(format!("--resume: cannot read {shown}/{CONFIG_FILE}: {e}"))
        })?;
        let recorded = SweepConfig::from_sweep_toml(&text, &format!("{shown}/{CONFIG_FILE}"))
            .map_err(|e| UsageError::new(format!("--resume: {e}")))?;
        if recorded.hash() != hash {
            return Err(UsageError::new(format!(
                "--resume: the sweep in {shown} was run with other arguments (differs in: {}); rerun the original command with --resume, or use another --out",
                recorded.differences(&plan.config)
            ))
            .into());
        }
    }
    let mine = opts
        .shard
        .as_ref()
        .map_or(0..plan.chunks(), |s| s.chunks(plan.chunks()));
    if resume && dir.has(MANIFEST_FILE) && !outdir::has_chunk_files(dir.path()) {
        // Finished before (its chunks already turned into reports): nothing to do, which is a
        // success for a scheduler that requeues with --resume.
        return Ok(Finished {
            out: opts.out.clone(),
            nets: 0,
            shard: opts.shard.clone(),
            chunks_trained: 0,
            training_seconds: 0.0,
            wall_seconds: started.elapsed().as_secs_f64(),
            net_epochs_per_second: 0.0,
            already_complete: true,
            summary: Vec::new(),
        });
    }
    dir.write(CONFIG_FILE, plan.config.to_toml().as_bytes())?;
    let mut sources: Vec<Source> = Vec::with_capacity((mine.end - mine.start) as usize);
    for k in mine.clone() {
        let path = dir.chunk_path(k);
        let saved = resume && path.exists();
        if saved && chunk::older_format(&path) {
            return Err(UsageError::new(format!(
                "--resume: {} is a chunk of an older xorsweep, which this version does not read; rerun the sweep with --force instead",
                path.display()
            ))
            .into());
        }
        sources.push(if saved && read_chunk(&plan, &hash, &path, k).is_ok() {
            Source::Disk(path)
        } else {
            Source::Train
        });
    }
    // A shard's nets are parts of cells that other shards finish: it keeps its chunks and a
    // manifest, and `merge` writes the reports.
    let sink = if opts.shard.is_none() {
        Some(new_sink(&plan, &dir)?)
    } else {
        None
    };
    let streamed = stream(
        &plan,
        &dir,
        &sources,
        mine.clone(),
        threads,
        sink,
        opts.quiet,
    )?;
    if let Some(signal) = streamed.interrupted {
        let saved = mine.clone().filter(|&k| dir.chunk_path(k).exists()).count();
        return Err(Interrupted {
            signal,
            message: format!(
                "interrupted by {}: {saved} of {} chunks are saved in {}. Resume with:\n  {}",
                signals::name(signal),
                mine.end - mine.start,
                opts.out.display(),
                opts.resume_command
            ),
        }
        .into());
    }
    let summary = match streamed.sink {
        Some(sink) => write_reports(&plan, &dir, sink, &charts)?,
        None => Vec::new(),
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
        summary,
    };
    finished.wall_seconds = started.elapsed().as_secs_f64();
    manifest(&plan, &dir, opts.shard.as_ref(), threads, nets, &finished)?;
    if !(opts.keep_chunks || opts.shard.is_some()) {
        dir.remove_chunks()?;
    }
    Ok(finished)
}

#[derive(serde::Deserialize)]
struct ShardManifest {
    shard: Option<ShardEntry>,
}

#[derive(serde::Deserialize)]
struct ShardEntry {
    index: u64,
    count: u64,
}

fn read_shard(dir: &Path) -> Result<(SweepConfig, u64, u64), UsageError> {
    let shown = dir.display();
    if !dir.is_dir() {
        return Err(UsageError::new(format!(
            "merge: {shown} is not a folder (give the output folders of `sweep --shard K/N`)"
        )));
    }
    let text = fs::read_to_string(dir.join(CONFIG_FILE)).map_err(|_| {
        UsageError::new(format!(
            "merge: {shown} holds no {CONFIG_FILE}: not a xorsweep shard folder"
        ))
    })?;
    let config = SweepConfig::from_sweep_toml(&text, &format!("{shown}/{CONFIG_FILE}"))
        .map_err(|e| UsageError::new(format!("merge: {e}")))?;
    let text = fs::read_to_string(dir.join(MANIFEST_FILE)).map_err(|_| {
        UsageError::new(format!(
            "merge: {shown} is not a finished shard (no {MANIFEST_FILE}); finish it with --resume"
        ))
    })?;
    let m: ShardManifest = serde_json::from_str(&text)
        .map_err(|_| UsageError::new(format!("merge: {shown}/{MANIFEST_FILE} is unreadable")))?;
    let s = m
        .shard
        .ok_or_else(|| UsageError::new(format!("merge: {shown} is a whole sweep, not a shard")))?;
    Ok((config, s.index, s.count))
}

/// Merge the shard folders `dirs` (any order) into `out`: the files the unsharded sweep writes,
/// byte for byte.
pub fn merge(
    out: &Path,
    dirs: &[PathBuf],
    force: bool,
    chart_init: Option<String>,
) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let first = dirs
        .first()
        .ok_or_else(|| UsageError::new("merge: no shard folders given"))?;
    let (config, _, _) = read_shard(first)?;
    let hash = config.hash();
    let mut shards: Vec<(u64, u64, &PathBuf)> = Vec::new();
    for dir in dirs {
        let (c, index, count) = read_shard(dir)?;
        if c.hash() != hash {
            return Err(UsageError::new(format!(
                "merge: {} is a shard of another sweep than {} (configurations differ in: {})",
                dir.display(),
                first.display(),
                c.differences(&config)
            ))
            .into());
        }
        if let Some(other) = shards.iter().find(|s| s.0 == index) {
            return Err(UsageError::new(format!(
                "merge: shard {index}/{count} given twice: {} and {}",
                other.2.display(),
                dir.display()
            ))
            .into());
        }
        if let Some(other) = shards.iter().find(|s| s.1 != count) {
            return Err(UsageError::new(format!(
                "merge: {} is shard {index} of {count}, but {} is one of {}",
                dir.display(),
                other.2.display(),
                other.1
            ))
            .into());
        }
        if let (Ok(a), Ok(b)) = (out.canonicalize(), dir.canonicalize())
            && a == b
        {
            return Err(UsageError::new(format!(
                "merge: OUT {} is one of the shard folders; write the merged sweep to a new folder",
                out.display()
            ))
            .into());
        }
        shards.push((index, count, dir));
    }
    let count = shards[0].1;
    let missing: Vec<String> = (0..count)
        .filter(|k| !shards.iter().any(|s| s.0 == *k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(UsageError::new(format!(
            "merge: missing shards {} (of {count})",
            missing.join(", ")
        ))
        .into());
    }
    shards.sort_by_key(|s| s.0);
    config.check()?;
    check_size(&config, None, 1)?;
    let plan = Plan::new(config);
    let charts = chart_options(&plan, chart_init)?;
    let mut sources = Vec::with_capacity(plan.chunks() as usize);
    for &(index, count, dir) in &shards {
        let shard = Shard {
            index,
            count,
            source: String::new(),
        };
        for k in shard.chunks(plan.chunks()) {
            let path = outdir::chunk_path(dir, k);
            // Checked before anything is written, so that a bad shard leaves OUT untouched.
            read_chunk(&plan, &hash, &path, k).map_err(|e| {
                UsageError::new(format!(
                    "merge: shard {index}/{count} in {}: {e}; rerun that shard with --resume",
                    dir.display()
                ))
            })?;
            sources.push(Source::Disk(path));
        }
    }
    let mode = if force { Mode::Force } else { Mode::New };
    let dir = OutDir::prepare(out, mode, "merge: OUT", &output_names())?;
    dir.write(CONFIG_FILE, plan.config.to_toml().as_bytes())?;
    let sink = new_sink(&plan, &dir)?;
    let threads = rayon::current_num_threads();
    let streamed = stream(
        &plan,
        &dir,
        &sources,
        0..plan.chunks(),
        threads,
        Some(sink),
        true,
    )?;
    let summary = write_reports(
        &plan,
        &dir,
        streamed.sink.expect("merge aggregates"),
        &charts,
    )?;
    let mut finished = Finished {
        out: out.to_path_buf(),
        nets: plan.total_runs,
        shard: None,
        chunks_trained: 0,
        training_seconds: 0.0,
        wall_seconds: 0.0,
        net_epochs_per_second: 0.0,
        already_complete: false,
        summary,
    };
    finished.wall_seconds = started.elapsed().as_secs_f64();
    manifest(&plan, &dir, None, threads, plan.total_runs, &finished)?;
    Ok(finished)
}

/// A chart not drawn, and why.
pub type Skipped = (&'static str, String);

/// `xorsweep plot DIR`: redraw a finished sweep's charts and report.html from the files in its
/// folder (summary.csv, curves.csv, examples.csv, sweep.toml) without retraining. The sweep
/// draws them from the same bytes by the same code, so the files come out identical.
pub fn plot(
    path: &Path,
    chart_init: Option<String>,
) -> anyhow::Result<(Vec<&'static str>, Vec<Skipped>)> {
    let dir = OutDir::open_existing(path, "plot")?;
    let shown = path.display();
    let read = |name: &str| {
        fs::read(dir.join(name)).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "not a finished sweep (a shard's folder has no reports: merge the shards first)"
                    .to_string()
            } else {
                e.to_string()
            };
            UsageError::new(format!("plot: {shown} holds no readable {name}: {why}"))
        })
    };
    let config = String::from_utf8(read(CONFIG_FILE)?)
        .map_err(|_| UsageError::new(format!("plot: {shown}/{CONFIG_FILE} is not text")))?;
    let config = SweepConfig::from_sweep_toml(&config, &format!("{shown}/{CONFIG_FILE}"))
        .map_err(|e| UsageError::new(format!("plot: {e}")))?;
    config.check()?;
    check_size(&config, None, 1)?;
    let charts = chart_options(&Plan::new(config.clone()), chart_init)?;
    let (summary, curves, examples) = (
        read(report::SUMMARY_CSV)?,
        read(report::CURVES_CSV)?,
        read(report::EXAMPLES_CSV)?,
    );
    let visuals = report::render_visuals(&summary, &curves, &examples, &config.to_toml(), &charts)
        .map_err(|e| UsageError::new(format!("plot: {shown}: {e:#}")))?;
    for (name, bytes) in &visuals.files {
        dir.write(name, bytes)?;
    }
    // A chart the data no longer supports must not outlive the page that leaves it out.
    let skipped: Vec<&str> = visuals.skipped.iter().map(|s| s.0).collect();
    dir.remove_files(&skipped)?;
    Ok((visuals.files.iter().map(|f| f.0).collect(), visuals.skipped))
}

/// What `sweep --dry-run` reports: the sweep's size, an estimate of its time from a short
/// calibration run of the lanes, and its peak memory and disk. Nothing is written.
#[derive(Debug, serde::Serialize)]
pub struct DryRun {
    pub cells: u64,
    pub nets: u64,
    pub epochs: u32,
    pub net_epochs: f64,
    pub threads: usize,
    /// Net-epochs per second of the calibration run (this machine, these threads).
    pub calibrated_net_epochs_per_second: f64,
    pub estimated_seconds: f64,
    pub peak_memory_bytes: u64,
    pub peak_disk_bytes: u64,
}

/// Size up a sweep without writing anything (see [`DryRun`]).
pub fn dry_run(
    config: SweepConfig,
    shard: Option<&Shard>,
    threads: usize,
) -> anyhow::Result<DryRun> {
    config.check()?;
    let size = check_size(&config, shard, threads)?;
    let plan = Plan::new(config);
    let share = shard.map_or(1.0, |s| 1.0 / s.count as f64);
    let nets = (plan.total_runs as f64 * share).ceil() as u64;
    // Calibrate on the sweep's own first nets: a few lane vectors per thread, a few hundred epochs.
    let sample = plan.total_runs.min(512 * threads as u64);
    let epochs = plan.config.epochs.min(400);
    let spec = crate::train::TrainSpec::new(epochs, plan.train.log_epochs.clone(), None);
    let nets_sample: Vec<_> = (0..sample).map(|r| plan.net(r)).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RuntimeError::new(format!("cannot start {threads} threads: {e}")))?;
    let t = Instant::now();
    pool.install(|| {
        use rayon::prelude::*;
        nets_sample.par_chunks(64).for_each(|c| {
            let (inits, lrs): (Vec<_>, Vec<_>) = c.iter().copied().unzip();
            std::hint::black_box(batch::train(plan.config.precision, &inits, &lrs, &spec));
        });
    });
    let rate = sample as f64 * f64::from(epochs) / t.elapsed().as_secs_f64().max(1e-9);
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
    Ok(DryRun {
        cells: size.cells,
        nets,
        epochs: plan.config.epochs,
        net_epochs,
        threads,
        calibrated_net_epochs_per_second: rate,
        estimated_seconds: net_epochs / rate,
        peak_memory_bytes,
        peak_disk_bytes,
    })
}
