//! Sharding on existing schedulers: shard K of N trains a contiguous block of the sweep's chunks,
//! with the same global run indices (hence the same initial weights) as the unsharded sweep.
//! The index comes from `--shard K/N` or, failing that, from the scheduler's environment:
//! Slurm job arrays, Kubernetes Indexed Jobs, AWS Batch array jobs.

use std::ops::Range;

use serde::Serialize;

/// Shard `index` of `count` (0-based), and where that came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
    pub source: String,
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
    /// `--shard-count` flag, needed where the scheduler does not export the count.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        count: Option<u64>,
    ) -> Result<Option<Shard>, String> {
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
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let n = match (num("SLURM_ARRAY_TASK_COUNT")?, count) {
                (_, Some(n)) | (Some(n), None) => n,
                (None, None) => return Err("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: pass --shard-count".into()),
            };
            if id < min || (id - min) % step != 0 {
                return Err(format!(
                    "SLURM_ARRAY_TASK_ID={id} is not on the array's grid (min {min}, step {step})"
                ));
            }
            let source =
                format!("Slurm (SLURM_ARRAY_TASK_ID={id}, min {min}, step {step}, count {n})");
            return Shard::new((id - min) / step, n, source).map(Some);
        }
        for (name, scheduler) in [
            ("JOB_COMPLETION_INDEX", "Kubernetes Indexed Job"),
            ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch"),
        ] {
            if let Some(index) = num(name)? {
                let n = count.ok_or_else(|| format!("{name} is set ({scheduler}) but the shard count is not: pass --shard-count N"))?;
                return Shard::new(index, n, format!("{scheduler} ({name}={index}, count {n})"))
                    .map(Some);
            }
        }
        Ok(None)
    }

    /// The chunks this shard trains, out of `chunks`: contiguous, balanced, covering all.
    pub fn chunks(&self, chunks: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(chunks) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
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
}
