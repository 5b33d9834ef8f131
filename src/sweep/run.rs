//! Running a sweep: prepare the output folder, train the missing chunks in parallel (each saved
//! as soon as it is complete), then turn the chunks into the reports. The same `finalize` serves
//! a fresh sweep, a resumed one and a merge of shards, which is why their outputs are identical.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::chunk::{self, NetRecord};
use super::config::SweepConfig;
use super::plan::Plan;
use super::shard::Shard;
use crate::error::{Interrupted, UsageError};
use crate::fsutil::{TMP_PREFIX, write_atomic};
use crate::report::{self, manifest::Manifest};
use crate::train::batch;

/// Files a sweep writes at the top of its folder (chunks/ aside).
pub const CONFIG_FILE: &str = "sweep.toml";
pub const MANIFEST_FILE: &str = "manifest.json";

/// How to run, as opposed to what to run (which is the [`SweepConfig`]).
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub out: PathBuf,
    pub force: bool,
    pub resume: bool,
    pub quiet: bool,
    pub threads: Option<usize>,
    pub shard: Option<Shard>,
    pub keep_chunks: bool,
    /// The command line that resumes this sweep, printed if it is interrupted.
    pub resume_command: String,
}

/// What a finished sweep reports back.
#[derive(Debug)]
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
}

/// Memory this machine may spend on one sweep's results, and the longest sane single run.
const MEMORY_BUDGET_BYTES: f64 = 12.0 * (1u64 << 30) as f64;
const TIME_BUDGET_SECONDS: f64 = 48.0 * 3600.0;
/// Conservative per-thread speed used for the time estimate.
const ASSUMED_NET_EPOCHS_PER_THREAD: f64 = 15e6;

/// Refuse grids that cannot finish sanely here, and say how to split them.
pub fn check_size(plan: &Plan, shard: Option<&Shard>, threads: usize) -> Result<(), UsageError> {
    let share = shard.map_or(1.0, |s| 1.0 / s.count as f64);
    let nets = plan.total_runs as f64 * share;
    let per_net = 8.0 * (32.0 + 2.0 * plan.train.log_epochs.len() as f64);
    let memory = nets * per_net;
    let seconds = plan.net_epochs() * share / (ASSUMED_NET_EPOCHS_PER_THREAD * threads as f64);
    let need = (memory / MEMORY_BUDGET_BYTES).max(seconds / TIME_BUDGET_SECONDS);
    if need > 1.0 {
        let shards = (need.ceil() as u64).max(2) * shard.map_or(1, |s| s.count);
        return Err(UsageError::new(format!(
            "sweep too large for one run: {:.3e} nets × {} epochs needs about {:.1} GiB of memory and {:.1} hours on {threads} threads \
             (limits {:.0} GiB, {:.0} h); split it with --shard K/{shards} (see README: Sharding) or use fewer --seeds, learning rates or --epochs",
            nets,
            plan.config.epochs,
            memory / (1u64 << 30) as f64,
            seconds / 3600.0,
            MEMORY_BUDGET_BYTES / (1u64 << 30) as f64,
            TIME_BUDGET_SECONDS / 3600.0
        )));
    }
    Ok(())
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

/// Get the output folder ready: refuse to clobber, check a resume is of the same sweep.
fn prepare_out(config: &SweepConfig, opts: &RunOptions) -> anyhow::Result<()> {
    let out = &opts.out;
    let shown = out.display();
    if out.exists() && !out.is_dir() {
        return Err(UsageError::new(format!("--out {shown}: exists and is not a folder")).into());
    }
    if out.exists() && !is_empty_dir(out) {
        if opts.resume {
            let recorded = fs::read_to_string(out.join(CONFIG_FILE)).map_err(|_| {
                UsageError::new(format!(
                    "--resume: {shown} holds no {CONFIG_FILE}: not a xorsweep output folder"
                ))
            })?;
            let recorded: SweepConfig = toml::from_str(&recorded).map_err(|_| {
                UsageError::new(format!(
                    "--resume: {shown}/{CONFIG_FILE} is not a valid sweep configuration"
                ))
            })?;
            if recorded.hash() != config.hash() {
                let differs = config_differences(&recorded, config);
                return Err(UsageError::new(format!(
                    "--resume: the sweep in {shown} was run with other arguments (differs in: {differs}); rerun the original command with --resume, or use another --out"
                ))
                .into());
            }
        } else if opts.force {
            remove_outputs(out)?;
        } else {
            return Err(UsageError::new(format!(
                "--out {shown}: folder exists and is not empty; add --force to overwrite it, --resume to finish an interrupted sweep, or choose another --out"
            ))
            .into());
        }
    }
    fs::create_dir_all(chunk::chunk_dir(out))
        .map_err(|e| UsageError::new(format!("--out {shown}: cannot create the folder: {e}")))?;
    write_atomic(&out.join(CONFIG_FILE), config.to_toml().as_bytes()).map_err(|e| {
        UsageError::new(format!(
            "--out {shown}: cannot write there: {}",
            e.root_cause()
        ))
    })?;
    Ok(())
}

/// Names of the config fields that differ.
fn config_differences(a: &SweepConfig, b: &SweepConfig) -> String {
    let (a, b) = (
        toml::Table::try_from(a).unwrap_or_default(),
        toml::Table::try_from(b).unwrap_or_default(),
    );
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let diff: Vec<&str> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| k.as_str())
        .collect();
    diff.join(", ")
}

/// Remove what a previous sweep wrote (and only that) before `--force` writes anew.
fn remove_outputs(out: &Path) -> anyhow::Result<()> {
    let chunks = chunk::chunk_dir(out);
    if chunks.exists() {
        fs::remove_dir_all(&chunks)
            .with_context(|| format!("cannot remove {}", chunks.display()))?;
    }
    for name in report::output_names()
        .iter()
        .chain(&[CONFIG_FILE, MANIFEST_FILE])
    {
        let p = out.join(name);
        if p.exists() {
            fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(())
}

/// Delete debris of interrupted writes.
fn remove_temp_files(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Read and check chunk `k` of `out`.
pub fn load_chunk(plan: &Plan, hash: &str, dir: &Path, k: u64) -> Result<Vec<NetRecord>, String> {
    let path = dir.join(format!("chunk-{k:06}.bin"));
    let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    chunk::decode(
        &bytes,
        hash,
        k,
        plan.chunk_runs(k),
        plan.train.log_epochs.len(),
    )
    .map_err(|e| format!("{}: {e}", path.display()))
}

/// Train chunk `k`: every net of its run range, in lanes.
pub fn train_chunk(plan: &Plan, k: u64) -> Vec<NetRecord> {
    let runs = plan.chunk_runs(k);
    let (inits, lrs): (Vec<_>, Vec<_>) = runs.clone().map(|r| plan.net(r)).unzip();
    let trained = batch::train(plan.config.precision, &inits, &lrs, &plan.train);
    runs.zip(trained)
        .map(|(run, (outcome, curve))| NetRecord {
            run,
            outcome,
            curve,
        })
        .collect()
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    let target = if quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let pb = ProgressBar::with_draw_target(Some(total), target);
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}%  ETA {eta}  {msg}",
        )
        .expect("valid template"),
    );
    pb
}

/// Run (or resume) a sweep into `opts.out`.
pub fn run(config: SweepConfig, opts: &RunOptions) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let validated = config.validate()?;
    let plan = Plan::new(config.canonical(&validated), &validated);
    let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
    check_size(&plan, opts.shard.as_ref(), threads)?;
    prepare_out(&plan.config, opts)?;
    let out = &opts.out;
    let chunk_dir = chunk::chunk_dir(out);
    remove_temp_files(out);
    remove_temp_files(&chunk_dir);
    let hash = plan.config.hash();
    let mine = opts
        .shard
        .as_ref()
        .map_or(0..plan.chunks(), |s| s.chunks(plan.chunks()));

    if opts.resume
        && out.join(MANIFEST_FILE).exists()
        && !chunk_dir
            .join(format!("chunk-{:06}.bin", mine.start))
            .exists()
    {
        // Finished before (its chunks already turned into reports): nothing to do, which is a
        // success for a scheduler that requeues with --resume. Drop the empty chunks/ just made.
        let _ = fs::remove_dir(&chunk_dir);
        return Ok(Finished {
            out: out.clone(),
            nets: 0,
            shard: opts.shard.clone(),
            chunks_trained: 0,
            training_seconds: 0.0,
            wall_seconds: started.elapsed().as_secs_f64(),
            net_epochs_per_second: 0.0,
            already_complete: true,
        });
    }
    let todo: Vec<u64> = mine
        .clone()
        .filter(|&k| !(opts.resume && load_chunk(&plan, &hash, &chunk_dir, k).is_ok()))
        .collect();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| UsageError::new(format!("--threads: cannot start {threads} threads: {e}")))?;
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        // Only the first sweep of a process installs the handler; later ones share the flag's effect.
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let epochs = u64::from(plan.config.epochs);
    let todo_nets: u64 = todo
        .iter()
        .map(|&k| plan.chunk_runs(k).end - plan.chunk_runs(k).start)
        .sum();
    let pb = progress_bar(todo_nets * epochs, opts.quiet);
    let train_start = Instant::now();
    let result: anyhow::Result<()> = pool.install(|| {
        todo.par_iter().try_for_each(|&k| {
            if interrupted.load(Ordering::SeqCst) {
                return Ok(());
            }
            let records = train_chunk(&plan, k);
            write_atomic(&chunk::chunk_path(out, k), &chunk::encode(&hash, k, &records))
                .context("saving a completed chunk (completed chunks are kept: fix the problem and rerun with --resume)")?;
            pb.inc(records.len() as u64 * epochs);
            let rate = pb.position() as f64 / train_start.elapsed().as_secs_f64().max(1e-9);
            pb.set_message(format!("{:.1} M net-epochs/s", rate / 1e6));
            Ok(())
        })
    });
    let training_seconds = train_start.elapsed().as_secs_f64();
    pb.finish_and_clear();
    result?;
    if interrupted.load(Ordering::SeqCst) {
        let done = mine
            .clone()
            .filter(|&k| load_chunk(&plan, &hash, &chunk_dir, k).is_ok())
            .count();
        return Err(Interrupted(format!(
            "interrupted: {done} of {} chunks are saved in {}. Resume with:\n  {}",
            mine.end - mine.start,
            out.display(),
            opts.resume_command
        ))
        .into());
    }

    let mut records =
        Vec::with_capacity((mine.end - mine.start) as usize * plan.chunk_nets() as usize);
    for k in mine.clone() {
        records.extend(
            load_chunk(&plan, &hash, &chunk_dir, k)
                .map_err(|e| anyhow::anyhow!("chunk {k} unreadable after training: {e}"))?,
        );
    }
    let trained_net_epochs = (todo_nets * epochs) as f64;
    let mut finished = Finished {
        out: out.clone(),
        nets: todo_nets,
        shard: opts.shard.clone(),
        chunks_trained: todo.len() as u64,
        training_seconds,
        wall_seconds: 0.0,
        net_epochs_per_second: trained_net_epochs / training_seconds.max(1e-9),
        already_complete: false,
    };
    finalize(
        &plan,
        &records,
        validated.runs_csv,
        out,
        opts.shard.as_ref(),
        threads,
        &mut finished,
        started,
    )?;
    if !(opts.keep_chunks || opts.shard.is_some()) {
        fs::remove_dir_all(&chunk_dir)
            .with_context(|| format!("cannot remove {}", chunk_dir.display()))?;
    }
    Ok(finished)
}

/// Write every report of `records` (all the sweep's nets, or one shard's) into `out`.
#[allow(clippy::too_many_arguments)]
pub fn finalize(
    plan: &Plan,
    records: &[NetRecord],
    runs_csv: super::config::RunsCsv,
    out: &Path,
    shard: Option<&Shard>,
    threads: usize,
    finished: &mut Finished,
    started: Instant,
) -> anyhow::Result<()> {
    // A shard's nets are part of cells that other shards finish: its reports would present
    // cut-off cells as results. It keeps its chunks and manifest; `merge` writes the reports.
    if shard.is_none() {
        for (name, bytes) in report::render(plan, records, runs_csv)? {
            write_atomic(&out.join(name), &bytes)?;
        }
    }
    finished.wall_seconds = started.elapsed().as_secs_f64();
    let manifest = Manifest {
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
        nets: records.len() as u64,
        net_epochs: records.len() as f64 * f64::from(plan.config.epochs),
        chunks: plan.chunks(),
        chunks_trained_now: finished.chunks_trained,
        shard,
        wall_seconds: finished.wall_seconds,
        training_seconds: finished.training_seconds,
        net_epochs_per_second: finished.net_epochs_per_second,
    };
    write_atomic(&out.join(MANIFEST_FILE), &manifest.to_json())
}
