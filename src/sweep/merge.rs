//! `xorsweep merge OUT SHARD_DIR...`: join the shards of one sweep into the outputs the
//! unsharded sweep would have written, byte for byte. Shards must come from the same
//! configuration (hash), cover every shard index exactly once and hold intact chunks.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::chunk::{self, NetRecord};
use super::config::SweepConfig;
use super::plan::Plan;
use super::run::{CONFIG_FILE, Finished, MANIFEST_FILE, RunOptions, finalize, load_chunk};
use crate::error::UsageError;

#[derive(serde::Deserialize)]
struct ShardManifest {
    shard: Option<ShardEntry>,
}

#[derive(serde::Deserialize)]
struct ShardEntry {
    index: u64,
    count: u64,
}

fn read_config(dir: &Path) -> Result<SweepConfig, UsageError> {
    let text = fs::read_to_string(dir.join(CONFIG_FILE)).map_err(|_| {
        UsageError::new(format!(
            "merge: {} holds no {CONFIG_FILE}: not a xorsweep shard folder",
            dir.display()
        ))
    })?;
    toml::from_str(&text).map_err(|_| {
        UsageError::new(format!(
            "merge: {}/{CONFIG_FILE} is not a valid sweep configuration",
            dir.display()
        ))
    })
}

fn read_shard(dir: &Path) -> Result<(u64, u64), UsageError> {
    let text = fs::read_to_string(dir.join(MANIFEST_FILE)).map_err(|_| {
        UsageError::new(format!(
            "merge: {} is not a finished shard (no {MANIFEST_FILE}); finish it with --resume",
            dir.display()
        ))
    })?;
    let m: ShardManifest = serde_json::from_str(&text).map_err(|_| {
        UsageError::new(format!(
            "merge: {}/{MANIFEST_FILE} is unreadable",
            dir.display()
        ))
    })?;
    let s = m.shard.ok_or_else(|| {
        UsageError::new(format!(
            "merge: {} is a whole sweep, not a shard",
            dir.display()
        ))
    })?;
    Ok((s.index, s.count))
}

/// Merge `dirs` into `opts.out`.
pub fn merge(dirs: &[PathBuf], opts: &RunOptions) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let first = dirs
        .first()
        .ok_or_else(|| UsageError::new("merge: no shard folders given"))?;
    let config = read_config(first)?;
    let hash = config.hash();
    let mut shards: Vec<(u64, u64, &PathBuf)> = Vec::new();
    for dir in dirs {
        if read_config(dir)?.hash() != hash {
            return Err(UsageError::new(format!(
                "merge: {} is a shard of another sweep than {} (configurations differ)",
                dir.display(),
                first.display()
            ))
            .into());
        }
        let (index, count) = read_shard(dir)?;
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

    let validated = config.validate()?;
    let plan = Plan::new(config, &validated);
    let mut records: Vec<NetRecord> = Vec::with_capacity(plan.total_runs as usize);
    for &(index, count, dir) in &shards {
        let shard = super::shard::Shard {
            index,
            count,
            source: String::new(),
        };
        for k in shard.chunks(plan.chunks()) {
            let recs = load_chunk(&plan, &hash, &chunk::chunk_dir(dir), k).map_err(|e| {
                UsageError::new(format!(
                    "merge: shard {index}/{count} in {}: {e}; rerun that shard with --resume",
                    dir.display()
                ))
            })?;
            records.extend(recs);
        }
    }

    let out = &opts.out;
    if out.exists()
        && fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
        && !opts.force
    {
        return Err(UsageError::new(format!(
            "merge: output folder {} exists and is not empty; add --force to overwrite it or choose another",
            out.display()
        ))
        .into());
    }
    fs::create_dir_all(out)
        .map_err(|e| UsageError::new(format!("merge: cannot create {}: {e}", out.display())))?;
    crate::fsutil::write_atomic(&out.join(CONFIG_FILE), plan.config.to_toml().as_bytes())?;
    let mut finished = Finished {
        out: out.clone(),
        nets: records.len() as u64,
        shard: None,
        chunks_trained: 0,
        training_seconds: 0.0,
        wall_seconds: 0.0,
        net_epochs_per_second: 0.0,
        already_complete: false,
    };
    let threads = rayon::current_num_threads();
    finalize(
        &plan,
        &records,
        validated.runs_csv,
        out,
        None,
        threads,
        &mut finished,
        started,
    )?;
    Ok(finished)
}
