//! `xorsweep merge OUT SHARD_DIR...`: the shards of one sweep (same config hash, every index
//! once, intact chunks, checked before OUT is touched) streamed in run order into the files the
//! unsharded sweep writes, byte for byte.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{
    CONFIG_FILE, Finished, MANIFEST_FILE, Source, Written, chart_options, check_size, layout,
    manifest, new_sink, output_names, read_chunk, stream, with_hint, write_reports,
};
use crate::error::{Interrupted, UsageError};
use crate::escape::shown;
use crate::fsio;
use crate::outdir::{self, Mode, OutDir};
use crate::report::ChartOptions;
use crate::report::runs::csv::CsvRuns;
use crate::report::runs::parquet::RunsParquet;
use crate::report::runs::{RunsSink, Temp};
use crate::signals;
use crate::sweep::config::{RunsFormat, SweepConfig};
use crate::sweep::plan::Plan;
use crate::sweep::shard::Shard;

/// What a merge's write error keeps, and how to continue (merge has no --resume).
/// A merge's folder without manifest.json (written last) is an unfinished merge, which the
/// same command replaces without --force.
const MERGE_HINT: &str = "the shards are untouched: fix the problem and run the same merge again";

#[derive(serde::Deserialize)]
struct ShardManifest {
    shard: Option<Shard>,
}

fn read_shard(dir: &Path) -> Result<(SweepConfig, Shard), UsageError> {
    let shown = shown(dir);
    if !dir.exists() {
        return Err(UsageError::new(format!(
            "merge: {shown} does not exist (give the output folders of `sweep --shard K/N`, after OUT)"
        )));
    }
    if !dir.is_dir() {
        return Err(UsageError::new(format!(
            "merge: {shown} is not a folder (give the output folders of `sweep --shard K/N`, after OUT)"
        )));
    }
    let text = fsio::read_text(&dir.join(CONFIG_FILE), fsio::CONFIG_LIMIT).map_err(|e| {
        UsageError::new(if e.is_missing() {
            format!("merge: {shown} holds no {CONFIG_FILE}: not a xorsweep shard folder")
        } else {
            format!("merge: {e}")
        })
    })?;
    let config = SweepConfig::from_sweep_toml(&text, &format!("{shown}/{CONFIG_FILE}"))
        .map_err(|e| UsageError::new(format!("merge: {e}")))?;
    let text = fsio::read_text(&dir.join(MANIFEST_FILE), fsio::CONFIG_LIMIT).map_err(|e| {
        UsageError::new(if e.is_missing() {
            format!(
                "merge: {shown} is not a finished shard (no {MANIFEST_FILE}); finish that shard's sweep with its own command and --resume"
            )
        } else {
            format!("merge: {e}")
        })
    })?;
    let m: ShardManifest = serde_json::from_str(&text).map_err(|e| {
        UsageError::new(format!(
            "merge: {shown}/{MANIFEST_FILE} is not a shard's manifest ({e})"
        ))
    })?;
    let s = m
        .shard
        .ok_or_else(|| UsageError::new(format!("merge: {shown} is a whole sweep, not a shard")))?;
    Ok((config, s))
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
    // From here on SIGINT/SIGTERM/SIGHUP are noted, not fatal: the merge stops at the next
    // chunk, removes its lock, and the shards are untouched.
    let signal = signals::received();
    let (config, mut shards) = checked_shards(out, dirs)?;
    let hash = config.hash();
    shards.sort_by_key(|s| s.0.index);
    config.check()?;
    check_size(&config, None, 1)?;
    let plan = Plan::new(config);
    let charts = chart_options(&plan, chart_init)?;
    let mut sources = Vec::with_capacity(plan.chunks() as usize);
    for (shard, dir) in &shards {
        let (index, count) = (shard.index, shard.count);
        for k in shard.chunks(plan.chunks()) {
            if let Some(s) = signals::pending(&signal) {
                return Err(Interrupted {
                    signal: s,
                    message: format!(
                        "interrupted by {} while checking the shards: nothing was written. Merge again with the same command",
                        signals::name(s)
                    ),
                }
                .into());
            }
            let path = outdir::chunk_path(dir, k);
            // Checked before anything is written, so that a bad shard leaves OUT untouched.
            read_chunk(&plan, &hash, &path, k).map_err(|e| {
                UsageError::new(format!(
                    "merge: shard {index}/{count} in {}: {e}; rerun that shard's sweep command with --resume",
                    dir.display()
                ))
            })?;
            sources.push(Source::Disk(path));
        }
    }
    let mode = if force { Mode::Force } else { Mode::New };
    let names = output_names();
    let layout = outdir::Layout {
        finished_by: Some(MANIFEST_FILE),
        ..layout(&names, false)
    };
    let dir = OutDir::prepare(out, mode, "merge: OUT", &layout)?;
    if let Some(warning) = super::runs_csv_warning(&plan) {
        eprintln!("{warning}");
    }
    dir.write(CONFIG_FILE, plan.config.to_toml().as_bytes())
        .map_err(|e| with_hint(e, MERGE_HINT))?;
    if let Some(s) = signals::pending(&signal) {
        return Err(stopped(s, out));
    }
    let merged = Merged {
        plan: &plan,
        dir: &dir,
        sources: &sources,
        out,
        started,
        charts: &charts,
    };
    match plan.config.runs_format {
        RunsFormat::Csv => merged.write::<CsvRuns>(),
        RunsFormat::Parquet => merged.write::<RunsParquet<Temp>>(),
    }
}

/// A shard and its folder.
type ShardDir<'a> = (Shard, &'a PathBuf);

/// The shards `dirs`, read and checked against each other before anything is written: one
/// sweep (config hash), one count, every index once, none of them `out`.
fn checked_shards<'a>(
    out: &Path,
    dirs: &'a [PathBuf],
) -> Result<(SweepConfig, Vec<ShardDir<'a>>), UsageError> {
    let first = dirs
        .first()
        .ok_or_else(|| UsageError::new("merge: no shard folders given"))?;
    let (config, _) = read_shard(first)?;
    let hash = config.hash();
    let mut shards: Vec<ShardDir> = Vec::new();
    for dir in dirs {
        let (c, shard) = read_shard(dir)?;
        if c.hash() != hash {
            return Err(UsageError::new(format!(
                "merge: {} is a shard of another sweep than {} (configurations differ in: {})",
                dir.display(),
                first.display(),
                c.differences(&config)
            )));
        }
        // Counts first: two shards "0/1" given twice are really a sweep split two ways.
        if let Some((other, at)) = shards.iter().find(|s| s.0.count != shard.count) {
            return Err(counts_differ(dir, &shard, at, other));
        }
        if let Some((_, at)) = shards.iter().find(|s| s.0.index == shard.index) {
            return Err(UsageError::new(format!(
                "merge: shard {}/{} given twice: {} and {}",
                shard.index,
                shard.count,
                at.display(),
                dir.display()
            )));
        }
        if let (Ok(a), Ok(b)) = (out.canonicalize(), dir.canonicalize())
            && a == b
        {
            return Err(UsageError::new(format!(
                "merge: OUT {} is one of the shard folders; write the merged sweep to a new folder",
                out.display()
            )));
        }
        shards.push((shard, dir));
    }
    let count = shards[0].0.count;
    let missing: Vec<String> = (0..count)
        .filter(|k| !shards.iter().any(|s| s.0.index == *k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(UsageError::new(format!(
            "merge: missing shards {} (of {count})",
            missing.join(", ")
        )));
    }
    Ok((config, shards))
}

/// Shards of different counts: name both with where their shard came from, and the likely cause
/// (a shard run alone: as the whole sweep, or as a resubmitted part of an array).
fn counts_differ(dir: &Path, shard: &Shard, at: &Path, other: &Shard) -> UsageError {
    let (few_dir, many) = if shard.count < other.count {
        (dir, other.count)
    } else {
        (at, shard.count)
    };
    UsageError::new(format!(
        "merge: {} holds {shard} but {} holds {other}: the shards of one sweep share one count; {} was likely run on its own (without --shard, or as a part of an array resubmitted with sbatch --array=K); redo it with its index K: xorsweep sweep ... --shard K/{many} --force --out {}",
        shown(dir),
        shown(at),
        shown(few_dir),
        shown(few_dir),
    ))
}

/// A merge interrupted by signal `s`: what is left, and what to run.
fn stopped(s: i32, out: &Path) -> anyhow::Error {
    Interrupted {
        signal: s,
        message: format!(
            "interrupted by {}: the shards are untouched and {} holds no merged results. Merge again with the same command",
            signals::name(s),
            shown(out)
        ),
    }
    .into()
}

/// A merge whose shards are checked and whose folder is ready.
struct Merged<'a> {
    plan: &'a Plan,
    dir: &'a OutDir,
    sources: &'a [Source],
    out: &'a Path,
    started: Instant,
    charts: &'a ChartOptions,
}

impl Merged<'_> {
    /// Stream every chunk into runs file `R` and the aggregates, then write the reports.
    fn write<R: RunsSink>(self) -> anyhow::Result<Finished> {
        let Merged {
            plan,
            dir,
            sources,
            out,
            started,
            charts,
        } = self;
        let sink = new_sink::<R>(plan, dir, MERGE_HINT, false)?;
        let threads = rayon::current_num_threads();
        let streamed = stream(
            plan,
            dir,
            sources,
            0..plan.chunks(),
            threads,
            Some(sink),
            true,
        )?;
        if let Some(s) = streamed.interrupted {
            return Err(stopped(s, out));
        }
        let sink = streamed.sink.expect("merge aggregates");
        let summary = match write_reports(plan, dir, sink, charts)? {
            Written::Done(summary) => *summary,
            Written::Stopped(s) => return Err(stopped(s, out)),
        };
        let mut finished = Finished {
            out: out.to_path_buf(),
            nets: plan.total_runs,
            shard: None,
            chunks_trained: 0,
            training_seconds: 0.0,
            wall_seconds: 0.0,
            net_epochs_per_second: 0.0,
            already_complete: false,
            answers: summary,
        };
        finished.wall_seconds = started.elapsed().as_secs_f64();
        manifest(plan, dir, None, threads, plan.total_runs, &finished)
            .map_err(|e| with_hint(e, MERGE_HINT))?;
        Ok(finished)
    }
}
