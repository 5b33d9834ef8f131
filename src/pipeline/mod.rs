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
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::baseline::{LESSON_LR, baseline_curve};
use crate::error::{Interrupted, RuntimeError, UsageError};
use crate::escape::shown;
use crate::outdir::{self, Mode, OutDir};
use crate::report::aggregate::{Aggregator, CellResult};
use crate::report::findings::Finding;
use crate::report::manifest::{Manifest, RunInfo};
use crate::report::runs_parquet::{RunColumns, RunsParquet};
use crate::report::{self, ChartOptions, schema};
use crate::sweep::chunk::{self, ChunkData, Expect};
use crate::sweep::config::{RunsCsv, RunsFormat, SweepConfig};
use crate::sweep::plan::{GridSize, Plan};
use crate::sweep::shard::Shard;
use crate::sweep::spec::Init;
use crate::sweep::work;
use crate::{signals, sketch};

/// Files a sweep writes at the top of its folder besides the reports.
pub const CONFIG_FILE: &str = "sweep.toml";
pub const MANIFEST_FILE: &str = "manifest.json";
pub const RUNS_CSV: &str = "runs.csv";
pub const RUNS_PARQUET: &str = "runs.parquet";

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
    v.extend([report::REPORT_HTML, CONFIG_FILE, MANIFEST_FILE]);
    v
}

/// What a sweep or merge writes in its folder; only a sweep resumes.
pub(super) fn layout<'a>(names: &'a [&'a str], resumable: bool) -> outdir::Layout<'a> {
    outdir::Layout {
        outputs: names,
        subfolders: &[],
        setup: &[CONFIG_FILE],
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
    /// What the sweep found, per init (empty for a shard, which writes no reports).
    pub summary: Vec<Finding>,
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
fn grid_axes(config: &SweepConfig) -> Vec<(&'static str, String)> {
    let t = &config.trainer;
    let default = SweepConfig::default();
    let values = |v: &Option<crate::hyper::Values>| v.as_ref().map_or(1, |v| v.len());
    let marked = |n: usize, is_default: bool| {
        if is_default {
            format!("{n} (default)")
        } else {
            n.to_string()
        }
    };
    let (rate, rates) = if t.per_layer() {
        ("--lr-hidden", values(&t.lr_hidden).to_string())
    } else {
        let axis = t.lr_axis();
        (
            "--lr",
            marked(axis.len(), axis == default.trainer.lr_axis()),
        )
    };
    let inits: usize = config.init.iter().map(|s| s.count()).sum();
    let choices = |n: Option<usize>| n.unwrap_or(1);
    let more = [
        ("--lr-out", values(&t.lr_out)),
        ("--momentum", values(&t.momentum)),
        ("--weight-decay", values(&t.weight_decay)),
        (
            "--activation",
            choices(t.activation.as_ref().map(|c| c.0.len())),
        ),
        ("--output", choices(t.output.as_ref().map(|c| c.0.len()))),
        ("--loss", choices(t.loss.as_ref().map(|c| c.0.len()))),
        ("--batch", choices(t.batch.as_ref().map(|c| c.0.len()))),
    ];
    [
        ("--init", marked(inits, config.init == default.init)),
        (rate, rates),
    ]
    .into_iter()
    .chain(more.into_iter().map(|(f, n)| (f, n.to_string())))
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
        let flags = axes.iter().map(|a| a.0).collect::<Vec<_>>().join(", ");
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

/// Where the consumer gets chunk `k` from.
pub(super) enum Source {
    /// Saved earlier (resume) or by a shard (merge): read and check it.
    Disk(PathBuf),
    /// Trained now by the workers.
    Train,
}

/// A chunk the workers trained: its data, its file's bytes, its rows of runs.csv or
/// runs.parquet.
struct Trained {
    k: u64,
    data: ChunkData,
    bytes: Vec<u8>,
    rows: Option<Rows>,
}

/// One chunk's kept rows, made by the thread that trained it.
enum Rows {
    Csv(Vec<u8>),
    Parquet(RunColumns),
}

impl Rows {
    fn of_chunk(plan: &Plan, which: RunsCsv, data: &ChunkData) -> Rows {
        match plan.config.runs_format {
            RunsFormat::Csv => Rows::Csv(schema::runs_rows(plan, which, data)),
            RunsFormat::Parquet => Rows::Parquet(RunColumns::of_chunk(plan, which, data)),
        }
    }
}

type Temp = BufWriter<tempfile::NamedTempFile>;

/// The per-net rows' file while it is written: runs.csv or runs.parquet, under a temporary
/// name until the reports are written.
enum RunsWriter {
    Csv(Temp),
    Parquet(Box<RunsParquet<Temp>>),
}

impl RunsWriter {
    fn append(&mut self, rows: Rows) -> anyhow::Result<()> {
        match (self, rows) {
            (RunsWriter::Csv(w), Rows::Csv(rows)) => w
                .write_all(&rows)
                .map_err(|e| RuntimeError::new(format!("cannot write {RUNS_CSV}: {e}")).into()),
            (RunsWriter::Parquet(w), Rows::Parquet(rows)) => w.append(rows).map_err(|e| {
                RuntimeError::new(format!("cannot write {RUNS_PARQUET}: {}", parquet_why(&e)))
                    .into()
            }),
            _ => unreachable!("the rows are made in the sink's format"),
        }
    }

    /// The finished file, synced, with its final name.
    fn finish(self) -> anyhow::Result<(tempfile::NamedTempFile, &'static str)> {
        let (temp, name) = match self {
            RunsWriter::Csv(w) => (
                w.into_inner().map_err(|e| {
                    RuntimeError::new(format!("cannot write {RUNS_CSV}: {}", e.error()))
                })?,
                RUNS_CSV,
            ),
            RunsWriter::Parquet(w) => (
                w.finish()
                    .map_err(|e| {
                        RuntimeError::new(format!(
                            "cannot write {RUNS_PARQUET}: {}",
                            parquet_why(&e)
                        ))
                    })?
                    .into_inner()
                    .map_err(|e| {
                        RuntimeError::new(format!("cannot write {RUNS_PARQUET}: {}", e.error()))
                    })?,
                RUNS_PARQUET,
            ),
        };
        temp.as_file()
            .sync_all()
            .map_err(|e| RuntimeError::new(format!("cannot write {name}: {e}")))?;
        Ok((temp, name))
    }
}

/// A Parquet writer's error in the words of the other writers: the I/O error underneath (a full
/// disk: "No space left on device (os error 28)") rather than the library's "External: …", or
/// the library's own message without its variant's name.
fn parquet_why(e: &parquet::errors::ParquetError) -> String {
    use parquet::errors::ParquetError;
    match e {
        ParquetError::External(inner) => match inner.downcast_ref::<std::io::Error>() {
            Some(io) => io.to_string(),
            None => inner.to_string(),
        },
        ParquetError::General(m) => m.clone(),
        other => other.to_string(),
    }
}

/// What the consumer does with each chunk besides saving it.
pub(super) struct Sink<'a> {
    runs: RunsWriter,
    which: RunsCsv,
    aggregator: Aggregator<'a>,
    /// What a write error adds: what is kept and the command that continues.
    hint: &'static str,
}

/// What a sweep's write error keeps, and how to continue.
pub(super) const SWEEP_HINT: &str =
    "the completed chunks are kept: fix the problem and rerun with --resume";

/// A write error with `hint` added: what is kept and the command that continues. Other errors
/// (a usage error found on the way) are left as they are.
pub(super) fn with_hint(e: anyhow::Error, hint: &str) -> anyhow::Error {
    if e.is::<RuntimeError>() {
        RuntimeError::new(format!("{e:#}; {hint}")).into()
    } else {
        e
    }
}

/// The outcome of streaming a sweep's chunks.
pub(super) struct Streamed<'a> {
    pub(super) sink: Option<Sink<'a>>,
    chunks_trained: u64,
    nets_trained: u64,
    training_seconds: f64,
    interrupted: Option<i32>,
}

pub(super) fn read_chunk(
    plan: &Plan,
    hash: &str,
    path: &Path,
    k: u64,
) -> Result<ChunkData, String> {
    let expect = Expect {
        config_hash: hash,
        k,
        runs: plan.chunk_runs(k),
        cells: plan.chunk_cells(k),
        parts: plan.chunk_parts(k),
        n_log: plan.train.log_epochs.len(),
    };
    let bytes = crate::fsio::read(path, chunk::max_len(&expect)).map_err(|e| e.to_string())?;
    chunk::decode(&bytes, &expect).map_err(|e| format!("{}: {e}", shown(path)))
}

/// Chunks a worker may run ahead of the consumer, per thread.
pub(super) const WINDOW_PER_THREAD: u64 = 2;
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
                RuntimeError::new(format!(
                    "cannot save chunks in {}: {e}; {SWEEP_HINT}",
                    self.dir.display()
                ))
            })?;
        }
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| {
                RuntimeError::new(format!(
                    "cannot save chunks in {}: {e}; {SWEEP_HINT}",
                    self.dir.display()
                ))
            })?;
        self.last = Instant::now();
        Ok(())
    }
}

/// Stream the chunks `mine` of `plan`, in order: those marked [`Source::Disk`] are read, the
/// others trained by `threads` workers. Trained chunks are saved in `dir`'s chunks folder; every
/// chunk goes into `sink` (runs.csv rows and aggregates) when there is one.
pub(super) fn stream<'a>(
    plan: &'a Plan,
    dir: &OutDir,
    sources: &[Source],
    mine: Range<u64>,
    threads: usize,
    mut sink: Option<Sink<'a>>,
    quiet: bool,
) -> anyhow::Result<Streamed<'a>> {
    // What a read or write error adds (a shard, with no sink, is a sweep).
    let hint = sink.as_ref().map_or(SWEEP_HINT, |s| s.hint);
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

    let mut consumer = |rx: mpsc::Receiver<Trained>| -> anyhow::Result<(Option<i32>, u64)> {
        let mut pending: BTreeMap<u64, Trained> = BTreeMap::new();
        let mut saved = 0u64;
        let mut died = false;
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
                Source::Disk(path) => {
                    // Reading saved chunks (a resume, a merge) stops for a signal too.
                    if let Some(s) = signals::pending(&signal) {
                        interrupted = Some(s);
                        break;
                    }
                    read_chunk(plan, &hash, path, k).map_err(|e| {
                        RuntimeError::new(format!("chunk {k} unreadable: {e}; {hint}"))
                    })?
                }
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
                        // The workers stopped before this chunk: a signal, or a worker died.
                        interrupted = signals::pending(&signal);
                        died = interrupted.is_none();
                        break;
                    };
                    save(&t, &mut syncer)?;
                    saved += 1;
                    if let (Some(s), Some(rows)) = (sink.as_mut(), t.rows) {
                        s.runs.append(rows).map_err(|e| with_hint(e, hint))?;
                    }
                    t.data
                }
            };
            if let Some(s) = sink.as_mut() {
                if !matches!(sources[(k - mine.start) as usize], Source::Train)
                    && s.which != RunsCsv::None
                {
                    s.runs
                        .append(Rows::of_chunk(plan, s.which, &data))
                        .map_err(|e| with_hint(e, hint))?;
                }
                s.aggregator.add(&data);
            }
            *consumed.lock().unwrap_or_else(|e| e.into_inner()) = k + 1;
            advanced.notify_all();
        }
        // Whatever the workers finished beyond an interruption is saved too.
        for t in pending.values() {
            save(t, &mut syncer)?;
            saved += 1;
        }
        if let Some(s) = syncer.as_mut() {
            s.sync()?;
        }
        if died {
            return Err(RuntimeError::new(
                "a training thread stopped unexpectedly; the completed chunks are kept: rerun with --resume",
            )
            .into());
        }
        Ok((interrupted, saved))
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
                let mut c = consumed.lock().unwrap_or_else(|e| e.into_inner());
                while k >= *c + window {
                    if stop.load(Ordering::SeqCst) || signals::pending(&signal).is_some() {
                        return;
                    }
                    c = advanced
                        .wait_timeout(c, Duration::from_millis(50))
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
            // A bug that panics here must stop the sweep, not leave the consumer waiting for
            // this chunk forever: the panic is caught, everyone stops, the consumer reports it.
            let trained = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let data = work::train_chunk(plan, k, &mut scratch);
                let bytes = chunk::encode(&hash, k, &data);
                let rows = want_rows.then(|| Rows::of_chunk(plan, which, &data));
                (data, bytes, rows)
            }));
            let Ok((data, bytes, rows)) = trained else {
                stop.store(true, Ordering::SeqCst);
                advanced.notify_all();
                return;
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
        // However the consumer ends (an error, even a panic), the workers stop: they see `stop`,
        // or a closed channel when they send.
        struct StopOnDrop<'a>(&'a AtomicBool, &'a Condvar);
        impl Drop for StopOnDrop<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
                self.1.notify_all();
            }
        }
        let _stop = StopOnDrop(&stop, &advanced);
        consumer(rx)
    });
    let training_seconds = train_start.elapsed().as_secs_f64();
    pb.finish_and_clear();
    let (interrupted, chunks_trained) = result?;
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
pub(super) fn write_reports(
    plan: &Plan,
    dir: &OutDir,
    sink: Sink,
    charts: &ChartOptions,
) -> anyhow::Result<Vec<Finding>> {
    let hint = sink.hint;
    write_reports_unhinted(plan, dir, sink, charts).map_err(|e| with_hint(e, hint))
}

fn write_reports_unhinted(
    plan: &Plan,
    dir: &OutDir,
    sink: Sink,
    charts: &ChartOptions,
) -> anyhow::Result<Vec<Finding>> {
    let (runs, name) = sink.runs.finish()?;
    runs.persist(dir.join(name))
        .map_err(|e| RuntimeError::new(format!("cannot write {name}: {}", e.error)))?;
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

pub(super) fn new_sink<'a>(
    plan: &'a Plan,
    dir: &OutDir,
    hint: &'static str,
) -> anyhow::Result<Sink<'a>> {
    let temp = BufWriter::with_capacity(
        1 << 20,
        dir.temp_file_in(dir.path())
            .map_err(|e| with_hint(e, hint))?,
    );
    let runs = match plan.config.runs_format {
        RunsFormat::Csv => {
            let mut w = temp;
            w.write_all(&schema::runs_header())
                .map_err(|e| RuntimeError::new(format!("cannot write {RUNS_CSV}: {e}; {hint}")))?;
            RunsWriter::Csv(w)
        }
        RunsFormat::Parquet => {
            RunsWriter::Parquet(Box::new(RunsParquet::new(temp).map_err(|e| {
                RuntimeError::new(format!(
                    "cannot write {RUNS_PARQUET}: {}; {hint}",
                    parquet_why(&e)
                ))
            })?))
        }
    };
    Ok(Sink {
        runs,
        which: plan.config.runs_csv,
        aggregator: Aggregator::new(plan),
        hint,
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
    let hash = plan.config.hash();
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
    dir.write(CONFIG_FILE, plan.config.to_toml().as_bytes())
        .map_err(|e| with_hint(e, SWEEP_HINT))?;
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
        Some(new_sink(&plan, &dir, SWEEP_HINT)?)
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
        // Chunks checked intact before this run, and those it saved.
        let before = sources
            .iter()
            .filter(|s| matches!(s, Source::Disk(_)))
            .count() as u64;
        let saved = before + streamed.chunks_trained;
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
    manifest(&plan, &dir, opts.shard.as_ref(), threads, nets, &finished)
        .map_err(|e| with_hint(e, SWEEP_HINT))?;
    if !(opts.keep_chunks || opts.shard.is_some()) {
        dir.remove_chunks()?;
    }
    Ok(finished)
}

mod dry_run;
mod merge;
mod plot;
mod validate;

pub use dry_run::{DryRun, dry_run};
pub use merge::merge;
pub use plot::{Skipped, plot};

#[cfg(test)]
mod tests {
    use parquet::errors::ParquetError;

    #[test]
    fn parquet_errors_are_said_as_the_other_writers_say_them() {
        let io = || std::io::Error::from_raw_os_error(libc::ENOSPC);
        let full = ParquetError::External(Box::new(io()));
        // What the library would say, and what xorsweep says instead.
        assert!(full.to_string().starts_with("External"), "{full}");
        let why = super::parquet_why(&full);
        assert_eq!(why, io().to_string());
        assert!(!why.contains("External"), "{why}");
        assert_eq!(
            super::parquet_why(&ParquetError::General("bad".into())),
            "bad"
        );
    }
}
