//! The chunks of a sweep, in run order: trained by worker threads (or read back from disk for a
//! resume or a merge), saved as chunk files, and pushed into the [`Sink`]: the runs file's
//! [`RunsSink`] and the per-cell aggregator.
//!
//! Training threads only compute: each takes the next chunk, trains it, encodes it and makes its
//! rows of the runs file. One consumer (the calling thread) takes the chunks in run order, writes
//! each chunk file (fsyncs batched about once a second, then the folder), appends the rows and
//! folds the chunk into the aggregates. Chunks may finish out of order; workers never run more
//! than a small window ahead of the consumer, so memory stays bounded whatever the number of
//! nets.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::error::RuntimeError;
use crate::escape::shown;
use crate::outdir::OutDir;
use crate::report::aggregate::Aggregator;
use crate::report::runs::RunsSink;
use crate::signals;
use crate::sweep::chunk::{self, ChunkData, Expect};
use crate::sweep::config::RunsCsv;
use crate::sweep::plan::Plan;
use crate::sweep::work;

/// Where the consumer gets chunk `k` from.
pub(super) enum Source {
    /// Saved earlier (resume) or by a shard (merge): read and check it.
    Disk(PathBuf),
    /// Trained now by the workers.
    Train,
}

/// What the consumer does with each chunk besides saving it: the runs file `R` and the
/// aggregates of the reports.
pub(super) struct Sink<'a, R> {
    pub(super) runs: R,
    pub(super) which: RunsCsv,
    pub(super) aggregator: Aggregator<'a>,
    /// What a write error adds: what is kept and the command that continues.
    pub(super) hint: &'static str,
    /// The chunk files are deleted once the reports are written (a sweep without
    /// `--keep-chunks`): a stream that completes then leaves its last files to the page cache
    /// instead of fsyncing them just before they go (128 fsyncs, 50–60 ms of a 0.7 s sweep's
    /// wall time). Interrupted, it fsyncs them as always: they are what `--resume` reads.
    pub(super) chunks_deleted: bool,
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
pub(super) struct Streamed<'a, R> {
    pub(super) sink: Option<Sink<'a, R>>,
    pub(super) chunks_trained: u64,
    pub(super) nets_trained: u64,
    pub(super) training_seconds: f64,
    pub(super) interrupted: Option<i32>,
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

/// A chunk the workers trained: its data, its file's bytes, its rows of the runs file.
struct Trained<Rows> {
    k: u64,
    data: ChunkData,
    bytes: Vec<u8>,
    rows: Option<Rows>,
}

/// What the workers and the consumer share.
struct Shared<'p> {
    plan: &'p Plan,
    hash: String,
    /// The chunks to train, in order; `next` is the index of the next one to take.
    todo: Vec<u64>,
    next: AtomicUsize,
    /// The rows the sink keeps (none without a sink).
    which: RunsCsv,
    signal: std::sync::Arc<AtomicUsize>,
    stop: AtomicBool,
    /// The next chunk the consumer needs; workers wait while they are a window ahead of it.
    consumed: Mutex<u64>,
    advanced: Condvar,
    window: u64,
    pb: ProgressBar,
    started: Instant,
}

impl Shared<'_> {
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || signals::pending(&self.signal).is_some()
    }

    /// Wait until chunk `k` is within the window; false if the sweep stops meanwhile.
    fn wait_for_window(&self, k: u64) -> bool {
        let mut c = self.consumed.lock().unwrap_or_else(|e| e.into_inner());
        while k >= *c + self.window {
            if self.stopping() {
                return false;
            }
            c = self
                .advanced
                .wait_timeout(c, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    fn stop_all(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.advanced.notify_all();
    }
}

/// A training thread: takes the next chunk, trains it, sends it to the consumer.
fn worker<R: RunsSink>(s: &Shared, tx: mpsc::SyncSender<Trained<R::Rows>>) {
    let mut scratch = work::Scratch::default();
    let epochs = u64::from(s.plan.config.epochs);
    loop {
        if s.stopping() {
            return;
        }
        let i = s.next.fetch_add(1, Ordering::SeqCst);
        let Some(&k) = s.todo.get(i) else { return };
        if !s.wait_for_window(k) {
            return;
        }
        // A bug that panics here must stop the sweep, not leave the consumer waiting for this
        // chunk forever: the panic is caught, everyone stops, the consumer reports it.
        let trained = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let data = work::train_chunk(s.plan, k, &mut scratch);
            let bytes = chunk::encode(&s.hash, k, &data);
            let rows = (s.which != RunsCsv::None).then(|| R::rows(s.plan, s.which, &data));
            Trained {
                k,
                data,
                bytes,
                rows,
            }
        }));
        let Ok(trained) = trained else {
            s.stop_all();
            return;
        };
        s.pb.inc(trained.data.nets.len() as u64 * epochs);
        let rate = s.pb.position() as f64 / s.started.elapsed().as_secs_f64().max(1e-9);
        s.pb.set_message(format!("{:.1} M net-epochs/s", rate / 1e6));
        if tx.send(trained).is_err() {
            return;
        }
    }
}

/// What the consumer gets next: a chunk with the rows a worker made of it (none for a chunk read
/// from disk), or the end of the stream: a signal, or `None` when a worker died.
enum Next<Rows> {
    Chunk(ChunkData, Option<Rows>),
    Stopped(Option<i32>),
}

/// Files written but not yet fsynced, and the folder to fsync after them.
struct Syncer {
    dir: PathBuf,
    files: Vec<File>,
    last: Instant,
}

impl Syncer {
    fn sync(&mut self) -> anyhow::Result<()> {
        let failed = |e: std::io::Error| {
            RuntimeError::new(format!(
                "cannot save chunks in {}: {e}; {SWEEP_HINT}",
                self.dir.display()
            ))
        };
        for f in self.files.drain(..) {
            f.sync_all().map_err(failed)?;
        }
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(failed)?;
        self.last = Instant::now();
        Ok(())
    }
}

/// The calling thread's side: chunks in run order into the files and the sink.
struct Consumer<'a, 's, R: RunsSink> {
    shared: &'s Shared<'a>,
    dir: &'s OutDir,
    sources: &'s [Source],
    mine: Range<u64>,
    sink: Option<Sink<'a, R>>,
    /// What a read or write error adds.
    hint: &'static str,
    /// Chunks trained ahead of the one the consumer needs.
    pending: BTreeMap<u64, Trained<R::Rows>>,
    syncer: Option<Syncer>,
    saved: u64,
}

impl<R: RunsSink> Consumer<'_, '_, R> {
    /// Save a trained chunk's file (fsynced with the next batch).
    fn save(&mut self, t: &Trained<R::Rows>) -> anyhow::Result<()> {
        let s = self.syncer.as_mut().expect("a chunks folder when training");
        let path = self.dir.chunk_path(t.k);
        let failed = |e: &dyn std::fmt::Display| {
            RuntimeError::new(format!(
                "cannot save {} ({e}); {SWEEP_HINT}",
                path.display()
            ))
        };
        let mut tmp = self.dir.temp_file_in(&s.dir)?;
        tmp.write_all(&t.bytes).map_err(|e| failed(&e))?;
        let file = tmp.persist(&path).map_err(|e| failed(&e.error))?;
        s.files.push(file);
        if s.last.elapsed() >= SYNC_EVERY {
            s.sync()?;
        }
        self.saved += 1;
        Ok(())
    }

    /// Trained chunk `k`, once a worker sends it; `None` if the workers stopped before it.
    fn receive(
        &mut self,
        k: u64,
        rx: &mpsc::Receiver<Trained<R::Rows>>,
    ) -> Option<Trained<R::Rows>> {
        loop {
            if let Some(t) = self.pending.remove(&k) {
                return Some(t);
            }
            let t = rx.recv().ok()?;
            self.pending.insert(t.k, t);
        }
    }

    /// Chunk `k` (read, or trained and saved) with the rows a worker made of it, or why the
    /// stream stops there.
    fn chunk(
        &mut self,
        k: u64,
        rx: &mpsc::Receiver<Trained<R::Rows>>,
    ) -> anyhow::Result<Next<R::Rows>> {
        let signal = &self.shared.signal;
        match &self.sources[(k - self.mine.start) as usize] {
            Source::Disk(path) => {
                // Reading saved chunks (a resume, a merge) stops for a signal too.
                if let Some(s) = signals::pending(signal) {
                    return Ok(Next::Stopped(Some(s)));
                }
                let data =
                    read_chunk(self.shared.plan, &self.shared.hash, path, k).map_err(|e| {
                        RuntimeError::new(format!("chunk {k} unreadable: {e}; {}", self.hint))
                    })?;
                Ok(Next::Chunk(data, None))
            }
            Source::Train => match self.receive(k, rx) {
                Some(t) => {
                    self.save(&t)?;
                    Ok(Next::Chunk(t.data, t.rows))
                }
                None => Ok(Next::Stopped(signals::pending(signal))),
            },
        }
    }

    /// Every chunk in run order; the signal that stopped it, if one did.
    fn run(&mut self, rx: mpsc::Receiver<Trained<R::Rows>>) -> anyhow::Result<Option<i32>> {
        let mut stopped = None;
        for k in self.mine.clone() {
            let (data, rows) = match self.chunk(k, &rx)? {
                Next::Chunk(data, rows) => (data, rows),
                Next::Stopped(why) => {
                    stopped = Some(why);
                    break;
                }
            };
            if let Some(s) = self.sink.as_mut() {
                let rows = match rows {
                    Some(rows) => Some(rows),
                    // Read from disk: its rows are made here.
                    None if s.which != RunsCsv::None => {
                        Some(R::rows(self.shared.plan, s.which, &data))
                    }
                    None => None,
                };
                if let Some(rows) = rows {
                    s.runs.append(rows).map_err(|e| with_hint(e, self.hint))?;
                }
                s.aggregator.add(&data);
            }
            *self
                .shared
                .consumed
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = k + 1;
            self.shared.advanced.notify_all();
        }
        // Whatever the workers finished beyond an interruption is saved too.
        for t in std::mem::take(&mut self.pending).into_values() {
            self.save(&t)?;
        }
        let deleted_next =
            stopped.is_none() && self.sink.as_ref().is_some_and(|s| s.chunks_deleted);
        if let Some(s) = self.syncer.as_mut().filter(|_| !deleted_next) {
            s.sync()?;
        }
        match stopped {
            None => Ok(None),
            Some(Some(signal)) => Ok(Some(signal)),
            Some(None) => Err(RuntimeError::new(
                "a training thread stopped unexpectedly; the completed chunks are kept: rerun with --resume",
            )
            .into()),
        }
    }
}

/// Stream the chunks `mine` of `plan`, in order: those marked [`Source::Disk`] are read, the
/// others trained by `threads` workers. Trained chunks are saved in `dir`'s chunks folder; every
/// chunk goes into `sink` (the runs file's rows and the aggregates) when there is one.
pub(super) fn stream<'a, R: RunsSink>(
    plan: &'a Plan,
    dir: &OutDir,
    sources: &[Source],
    mine: Range<u64>,
    threads: usize,
    sink: Option<Sink<'a, R>>,
    quiet: bool,
) -> anyhow::Result<Streamed<'a, R>> {
    let todo: Vec<u64> = mine
        .clone()
        .filter(|&k| matches!(sources[(k - mine.start) as usize], Source::Train))
        .collect();
    let todo_nets: u64 = todo
        .iter()
        .map(|&k| plan.chunk_runs(k).end - plan.chunk_runs(k).start)
        .sum();
    let syncer = match todo.is_empty() {
        true => None,
        false => Some(Syncer {
            dir: dir.chunk_dir()?,
            files: Vec::new(),
            last: Instant::now(),
        }),
    };
    let window = WINDOW_PER_THREAD * threads as u64 + 1;
    let shared = Shared {
        plan,
        hash: plan.config.hash(),
        next: AtomicUsize::new(0),
        which: sink.as_ref().map_or(RunsCsv::None, |s| s.which),
        signal: signals::received(),
        stop: AtomicBool::new(false),
        consumed: Mutex::new(mine.start),
        advanced: Condvar::new(),
        window,
        pb: crate::progress::bar(todo_nets * u64::from(plan.config.epochs), quiet),
        started: Instant::now(),
        todo,
    };
    let mut consumer = Consumer {
        shared: &shared,
        dir,
        sources,
        mine,
        // A shard has no sink: its errors keep the sweep's hint.
        hint: sink.as_ref().map_or(SWEEP_HINT, |s| s.hint),
        sink,
        pending: BTreeMap::new(),
        syncer,
        saved: 0,
    };
    let (tx, rx) = mpsc::sync_channel::<Trained<R::Rows>>(window as usize);
    let result = std::thread::scope(|s| {
        for _ in 0..threads.min(shared.todo.len()) {
            let tx = tx.clone();
            s.spawn(|| worker::<R>(&shared, tx));
        }
        drop(tx);
        // However the consumer ends (an error, even a panic), the workers stop: they see `stop`,
        // or a closed channel when they send.
        struct StopOnDrop<'s, 'p>(&'s Shared<'p>);
        impl Drop for StopOnDrop<'_, '_> {
            fn drop(&mut self) {
                self.0.stop_all();
            }
        }
        let _stop = StopOnDrop(&shared);
        consumer.run(rx)
    });
    let training_seconds = shared.started.elapsed().as_secs_f64();
    shared.pb.finish_and_clear();
    let interrupted = result?;
    Ok(Streamed {
        sink: consumer.sink,
        chunks_trained: consumer.saved,
        nets_trained: if interrupted.is_some() { 0 } else { todo_nets },
        training_seconds,
        interrupted,
    })
}
