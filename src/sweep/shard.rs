//! Sharding on existing schedulers: shard K of N trains a contiguous block of the sweep's chunks,
//! with the same global run indices (hence the same initial weights) as the unsharded sweep.
//! The index comes from `--shard K/N` or, failing that, from the scheduler's environment:
//! Slurm job arrays, Kubernetes Indexed Jobs, AWS Batch array jobs.
//!
//! A shard's folder records which shard it holds (`shard.json`, written at its start), because
//! the environment does not always say: a Slurm array resubmitted in part (`sbatch --array=2`,
//! `--array=1,3`) describes the part, not the original array, so its `SLURM_ARRAY_TASK_COUNT`
//! and `_MIN` would make task 2 "shard 0 of 1" — the whole sweep. [`resolve`] checks what the
//! flags or the environment give against that record on `--resume`, takes the record where the
//! same Slurm task was resubmitted alone, and refuses a mismatch naming both.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (0-based), and where that came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
    pub source: String,
    /// The Slurm array task id it came from, if it came from one: a resubmitted task is known
    /// by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slurm_task_id: Option<u64>,
}

/// Why the environment gave no shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvError {
    pub message: String,
    /// Set when a Slurm array looks resubmitted in part: the task whose folder's record may
    /// say which shard it is.
    pub slurm_task_id: Option<u64>,
}

impl From<String> for EnvError {
    fn from(message: String) -> EnvError {
        EnvError {
            message,
            slurm_task_id: None,
        }
    }
}

impl From<&str> for EnvError {
    fn from(message: &str) -> EnvError {
        EnvError::from(message.to_string())
    }
}

/// What an output folder records of its shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Nothing: a new folder, or one started by an older xorsweep.
    Nothing,
    /// A finished whole (unsharded) sweep.
    Whole,
    Shard(Shard),
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "shard {}/{} (from {})",
            self.index, self.count, self.source
        )
    }
}

impl Shard {
    fn new(index: u64, count: u64, source: impl Into<String>) -> Result<Shard, String> {
        if count == 0 {
            return Err("shard count must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is not below the shard count {count}: indices are 0-based, 0 to {}",
                count.saturating_sub(1)
            ));
        }
        Ok(Shard {
            index,
            count,
            source: source.into(),
            slurm_task_id: None,
        })
    }

    /// Parse `K/N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not K/N"))?;
        let k: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("'{s}': '{k}' is not a shard index (0-based: K is 0 to N-1)"))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("'{s}': '{n}' is not a shard count"))?;
        Shard::new(k, n, "--shard")
    }

    /// The shard a scheduler assigned through the environment, if any. `count` is the
    /// `--shard-count` flag, needed where the scheduler does not export the count. Under Slurm,
    /// `--shard-count N` makes the task id itself the shard index (an array numbered 0 to N-1),
    /// which stays right when a part of the array is resubmitted; without it the index is the
    /// task's place in the array, and an array that is visibly a part (a list with gaps, or one
    /// task whose id is not 0) is refused.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        count: Option<u64>,
    ) -> Result<Option<Shard>, EnvError> {
        let num = |name: &str| -> Result<Option<u64>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name}={v} is not a non-negative integer")),
            }
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            return slurm(id, &num, count).map(Some);
        }
        for (name, scheduler) in [
            ("JOB_COMPLETION_INDEX", "Kubernetes Indexed Job"),
            ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch"),
        ] {
            if let Some(index) = num(name)? {
                let n = count.ok_or_else(|| format!("{name} is set ({scheduler}) but the shard count is not: pass --shard-count N"))?;
                return Ok(Some(Shard::new(
                    index,
                    n,
                    format!("{scheduler} ({name}={index}, count {n})"),
                )?));
            }
        }
        Ok(None)
    }

    /// Whether this is the same shard as `other` (index and count; sources may differ).
    pub fn same(&self, other: &Shard) -> bool {
        (self.index, self.count) == (other.index, other.count)
    }

    /// The chunks this shard trains, out of `chunks`: contiguous, balanced, covering all.
    pub fn chunks(&self, chunks: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(chunks) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// The shard of Slurm array task `id`, from the array's variables (`num`) or `--shard-count`.
fn slurm(
    id: u64,
    num: &dyn Fn(&str) -> Result<Option<u64>, String>,
    count: Option<u64>,
) -> Result<Shard, EnvError> {
    if let Some(n) = count {
        if id >= n {
            return Err(format!(
                "SLURM_ARRAY_TASK_ID={id} is not below --shard-count {n}: with --shard-count the task id is the shard index, so number the array 0 to {} (--array=0-{})",
                n - 1,
                n - 1
            )
            .into());
        }
        let mut s = Shard::new(
            id,
            n,
            format!("Slurm (SLURM_ARRAY_TASK_ID={id}, --shard-count {n})"),
        )?;
        s.slurm_task_id = Some(id);
        return Ok(s);
    }
    let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
    let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
    let Some(n) = num("SLURM_ARRAY_TASK_COUNT")? else {
        return Err(
            "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: pass --shard-count"
                .into(),
        );
    };
    let max = num("SLURM_ARRAY_TASK_MAX")?;
    // A resubmitted part of an array describes the part: a list with gaps (1,3: count 2 from 1
    // to 3) or a single task other than 0 (--array=2: count 1) cannot say which shard it is.
    let gaps = max.is_some_and(|max| max >= min && (max - min) / step + 1 != n);
    if gaps || (n == 1 && id > 0) {
        let what = match max {
            Some(max) => format!("count {n}, min {min}, max {max}"),
            None => format!("count {n}, min {min}"),
        };
        return Err(EnvError {
            message: format!(
                "SLURM_ARRAY_TASK_ID={id}: this array ({what}) is not a whole numbering of the shards (was part of it resubmitted, as with sbatch --array={id}?), so the shard cannot be known from it; give the count with --shard-count N (the task id is then the shard index), or rerun one shard with --shard {id}/N --resume"
            ),
            slurm_task_id: Some(id),
        });
    }
    if id < min || !(id - min).is_multiple_of(step) {
        return Err(format!(
            "SLURM_ARRAY_TASK_ID={id} is not on the array's grid (min {min}, step {step})"
        )
        .into());
    }
    let source = format!("Slurm (SLURM_ARRAY_TASK_ID={id}, min {min}, step {step}, count {n})");
    let mut s = Shard::new((id - min) / step, n, source)?;
    s.slurm_task_id = Some(id);
    Ok(s)
}

/// The shard a run trains: what the flags or the environment give (`given`), checked on
/// `--resume` against what the folder `shown` records. A Slurm task resubmitted alone takes the
/// shard its folder records (returned with a note saying so); any other mismatch is refused,
/// naming both.
pub fn resolve(
    given: Result<Option<Shard>, EnvError>,
    recorded: &Recorded,
    resume: bool,
    shown: &str,
) -> Result<(Option<Shard>, Option<String>), String> {
    let (given, recorded) = match (given, recorded) {
        (Err(e), Recorded::Shard(r))
            if resume && e.slurm_task_id.is_some() && e.slurm_task_id == r.slurm_task_id =>
        {
            return Ok((Some(r.clone()), Some(resubmitted(r, shown))));
        }
        (Err(e), _) => return Err(e.message),
        (Ok(g), _) if !resume => return Ok((g, None)),
        (Ok(g), r) => (g, r),
    };
    match (given, recorded) {
        (g, Recorded::Nothing) | (g @ None, Recorded::Whole) => Ok((g, None)),
        (Some(g), Recorded::Whole) => Err(format!(
            "--resume: {shown} holds a whole sweep, not a shard, but this command gives {g}; resume it without --shard (and outside a job array), or give another --out"
        )),
        (None, Recorded::Shard(r)) => Err(format!(
            "--resume: {shown} holds {r}, but this command gives no shard and would train the whole sweep there; add --shard {}/{}",
            r.index, r.count
        )),
        (Some(g), Recorded::Shard(r)) if g.same(r) => Ok((Some(g), None)),
        (Some(g), Recorded::Shard(r))
            if g.slurm_task_id.is_some()
                && g.slurm_task_id == r.slurm_task_id
                && g.count < r.count =>
        {
            Ok((Some(r.clone()), Some(resubmitted(r, shown))))
        }
        (Some(g), Recorded::Shard(r)) => Err(format!(
            "--resume: {shown} holds {r}, not {g}; resume it with --shard {}/{}, or give another --out",
            r.index, r.count
        )),
    }
}

fn resubmitted(r: &Shard, shown: &str) -> String {
    format!(
        "note: Slurm task {} was resubmitted apart from its array; resuming {r}, as {shown} records",
        r.slurm_task_id.unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = vars
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        move |name| v.iter().find(|(k, _)| k == name).map(|(_, x)| x.clone())
    }

    #[test]
    fn shards_partition_the_chunks() {
        for n in 1..10 {
            for chunks in [0, 1, 5, 33] {
                let mut next = 0;
                for k in 0..n {
                    let r = Shard::parse(&format!("{k}/{n}")).unwrap().chunks(chunks);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, chunks);
            }
        }
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("x").is_err());
    }

    #[test]
    fn schedulers_environments() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        let s = Shard::from_env(slurm, None).unwrap().unwrap();
        assert_eq!((s.index, s.count), (3, 4));
        assert!(s.source.starts_with("Slurm"));
        let k8s = Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2")]), Some(5))
            .unwrap()
            .unwrap();
        assert_eq!((k8s.index, k8s.count), (2, 5));
        assert!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2")]), None)
                .unwrap_err()
                .message
                .contains("--shard-count")
        );
        let aws = Shard::from_env(env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0")]), Some(2))
            .unwrap()
            .unwrap();
        assert_eq!((aws.index, aws.count), (0, 2));
        assert_eq!(Shard::from_env(env(&[]), None).unwrap(), None);
        assert!(
            Shard::from_env(
                env(&[
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "3")
                ]),
                None
            )
            .is_err()
        );
    }

    #[test]
    fn resubmitted_parts_of_a_slurm_array() {
        let slurm = |id: &str, count: &str, min: &str, max: &str| {
            let v: Vec<(String, String)> = [
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_COUNT", count),
                ("SLURM_ARRAY_TASK_MIN", min),
                ("SLURM_ARRAY_TASK_MAX", max),
            ]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
            move |name: &str| v.iter().find(|(k, _)| k == name).map(|(_, x)| x.clone())
        };
        // --array=2 and --array=1,3: parts, refused with the way to rerun one shard.
        for e in [slurm("2", "1", "2", "2"), slurm("3", "2", "1", "3")] {
            let err = Shard::from_env(e, None).unwrap_err();
            assert!(err.message.contains("--shard-count"), "{}", err.message);
            assert!(err.slurm_task_id.is_some());
        }
        // A whole array 0-7 and one from 1 still work; --shard-count makes the id the index.
        let s = Shard::from_env(slurm("3", "8", "0", "7"), None)
            .unwrap()
            .unwrap();
        assert_eq!((s.index, s.count, s.slurm_task_id), (3, 8, Some(3)));
        let s = Shard::from_env(slurm("2", "1", "2", "2"), Some(8))
            .unwrap()
            .unwrap();
        assert_eq!((s.index, s.count), (2, 8));
        assert!(Shard::from_env(slurm("8", "1", "8", "8"), Some(8)).is_err());
    }

    #[test]
    fn resume_checks_the_recorded_shard() {
        let rec = |i, n, task| Shard {
            index: i,
            count: n,
            source: "Slurm".into(),
            slurm_task_id: task,
        };
        let recorded = Recorded::Shard(rec(2, 8, Some(2)));
        // The same shard, by flag: fine. Another, or none: refused, naming both.
        let flag = Shard::parse("2/8").unwrap();
        assert!(resolve(Ok(Some(flag)), &recorded, true, "d").is_ok());
        let err =
            resolve(Ok(Some(Shard::parse("0/1").unwrap())), &recorded, true, "d").unwrap_err();
        assert!(
            err.contains("shard 2/8") && err.contains("shard 0/1"),
            "{err}"
        );
        let err = resolve(Ok(None), &recorded, true, "d").unwrap_err();
        assert!(err.contains("--shard 2/8"), "{err}");
        // Slurm task 2 resubmitted alone: the record decides.
        let part = EnvError {
            message: "part".into(),
            slurm_task_id: Some(2),
        };
        let (s, note) = resolve(Err(part.clone()), &recorded, true, "d").unwrap();
        assert_eq!(s.unwrap().index, 2);
        assert!(note.is_some());
        assert!(resolve(Err(part.clone()), &Recorded::Nothing, true, "d").is_err());
        assert!(resolve(Err(part), &recorded, false, "d").is_err());
        // Task 2 of a regular part (--array=2-3: count 2, so shard 0/2): the record decides.
        let g = rec(0, 2, Some(2));
        assert_eq!(
            resolve(Ok(Some(g)), &recorded, true, "d")
                .unwrap()
                .0
                .unwrap()
                .index,
            2
        );
        // A whole sweep's folder is not resumed as a shard.
        assert!(resolve(Ok(Some(rec(0, 2, None))), &Recorded::Whole, true, "d").is_err());
        assert!(resolve(Ok(None), &Recorded::Whole, true, "d").is_ok());
    }
}
