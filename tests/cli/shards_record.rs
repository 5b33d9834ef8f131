//! A shard folder knows which shard it holds (shard.json): `--resume` refuses another shard or
//! none, a Slurm task resubmitted apart from its array finds its shard (or is refused with the
//! way to rerun one shard), the resume hint spells the shard out, merge names a count mismatch,
//! a finished shard's resume does nothing, and `--dry-run` counts a shard's own nets. The
//! scheduler's variables are set on each child process only.

use std::path::{Path, PathBuf};
use std::process::{Command as Std, Stdio};

use crate::common::{assert_same_outputs, frozen_command, run_ok, signal_frozen, xorsweep};

use super::shards_resume::SMALL;

/// Every variable a scheduler sets, removed so that only what a test sets is seen.
const SCHEDULER_VARS: &[&str] = &[
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "SLURM_ARRAY_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];

/// The environment of Slurm array task `id` of an array with `count` tasks from `min` to `max`.
fn slurm(id: u64, count: u64, min: u64, max: u64) -> Vec<(&'static str, String)> {
    vec![
        ("SLURM_ARRAY_TASK_ID", id.to_string()),
        ("SLURM_ARRAY_TASK_COUNT", count.to_string()),
        ("SLURM_ARRAY_TASK_MIN", min.to_string()),
        ("SLURM_ARRAY_TASK_MAX", max.to_string()),
        ("SLURM_ARRAY_TASK_STEP", "1".into()),
    ]
}

/// The small sweep into `out` with environment `env` (and nothing else of a scheduler's).
fn small(out: &Path, env: &[(&str, String)], extra: &[&str]) -> std::process::Output {
    let mut cmd = xorsweep();
    for v in SCHEDULER_VARS {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().cloned())
        .args(SMALL)
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(out: &std::process::Output, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    for n in needles {
        assert!(err.contains(n), "'{err}' lacks '{n}'");
    }
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn resume_refuses_another_shard_or_none_naming_both() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    ok(&small(&out, &slurm(2, 4, 0, 3), &[]));
    let rec = json(&out.join("shard.json"));
    assert_eq!(
        (rec["index"].as_u64(), rec["count"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(rec["slurm_task_id"], 2);
    assert!(
        rec["source"]
            .as_str()
            .unwrap()
            .contains("SLURM_ARRAY_TASK_ID=2")
    );
    // By flag, another shard: refused, naming both.
    refused(
        &small(&out, &[], &["--shard", "1/4", "--resume"]),
        &["shard 2/4", "shard 1/4", "--shard 2/4"],
    );
    // No shard at all (the hint run outside the array, before it said --shard): refused.
    refused(
        &small(&out, &[], &["--resume"]),
        &["shard 2/4", "no shard", "--shard 2/4"],
    );
    // The right one by flag resumes (and finds it complete).
    let said = ok(&small(&out, &[], &["--shard", "2/4", "--resume"]));
    assert!(said.contains("already complete"), "{said}");
    // A whole sweep's folder is not resumed as a shard.
    let whole = d.path().join("whole");
    ok(&small(&whole, &[], &[]));
    refused(
        &small(&whole, &[], &["--shard", "0/2", "--resume"]),
        &["whole sweep", "shard 0/2"],
    );
}

#[test]
fn a_slurm_task_resubmitted_alone_resumes_its_own_shard_or_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    ok(&small(&whole, &[], &[]));
    let dirs: Vec<PathBuf> = (0..4).map(|k| d.path().join(format!("{k}"))).collect();
    for (k, dir) in dirs.iter().enumerate() {
        ok(&small(dir, &slurm(k as u64, 4, 0, 3), &[]));
    }
    // Shard 2's chunks lost; `sbatch --array=2` reruns task 2 alone: COUNT=1, MIN=MAX=2.
    std::fs::remove_dir_all(dirs[2].join("chunks")).unwrap();
    std::fs::remove_file(dirs[2].join("manifest.json")).unwrap();
    let alone = slurm(2, 1, 2, 2);
    // Without --resume nothing says which shard it is: refused, saying how to rerun one.
    let fresh = d.path().join("fresh");
    refused(
        &small(&fresh, &alone, &[]),
        &[
            "SLURM_ARRAY_TASK_ID=2",
            "--shard-count",
            "--shard 2/N --resume",
        ],
    );
    assert!(!fresh.exists(), "nothing written while refusing");
    // With --resume its folder's record decides.
    let run = small(&dirs[2], &alone, &["--resume"]);
    let said = ok(&run);
    assert!(said.contains("shard 2/4"), "{said}");
    assert!(String::from_utf8_lossy(&run.stderr).contains("resubmitted"));
    // `--array=1,3`: task 3 sees COUNT=2 from 1 to 3 (a list with a gap): refused when new,
    // its own shard on --resume (here already complete).
    refused(
        &small(&fresh, &slurm(3, 2, 1, 3), &[]),
        &["SLURM_ARRAY_TASK_ID=3", "--shard-count"],
    );
    let said = ok(&small(&dirs[3], &slurm(3, 2, 1, 3), &["--resume"]));
    assert!(said.contains("already complete"), "{said}");
    // `--array=1-2` (a regular part: task 1 looks like shard 0/2): the record decides too.
    let said = ok(&small(&dirs[1], &slurm(1, 2, 1, 2), &["--resume"]));
    assert!(said.contains("shard 1/4"), "{said}");
    // With --shard-count the task id is the shard index, part of an array or not.
    let by_count = d.path().join("by-count");
    let said = ok(&small(&by_count, &alone, &["--shard-count", "4"]));
    assert!(said.contains("shard 2/4"), "{said}");
    let merged = d.path().join("merged");
    run_ok(xorsweep().arg("merge").arg(&merged).args(&dirs));
    assert_same_outputs(&whole, &merged);
}

#[test]
fn merge_names_shards_of_different_counts() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a");
    let b = d.path().join("b");
    ok(&small(&a, &[], &["--shard", "0/2"]));
    // Task 1 of an array 0-1 resubmitted as `--array=1` with an older script's --shard 0/1.
    ok(&small(&b, &[], &["--shard", "0/1"]));
    let out = xorsweep()
        .arg("merge")
        .arg(d.path().join("m"))
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let err = refused(
        &out,
        &["shard 0/2", "shard 0/1", "share one count", "--shard K/2"],
    );
    assert!(!err.contains("given twice"), "{err}");
}

#[test]
fn a_finished_shard_resumes_as_already_complete_and_keeps_its_manifest() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    ok(&small(&out, &[], &["--shard", "1/3"]));
    let manifest = std::fs::read(out.join("manifest.json")).unwrap();
    let run = small(&out, &[], &["--shard", "1/3", "--resume"]);
    let said = ok(&run);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("already complete"), "{said}");
    assert!(!said.contains("0 nets trained"), "{said}");
    assert!(!err.contains("note:"), "{err}");
    assert_eq!(
        std::fs::read(out.join("manifest.json")).unwrap(),
        manifest,
        "the manifest keeps the timing of the run that made it"
    );
    // JSON says so too.
    let run = small(&out, &[], &["--shard", "1/3", "--resume", "--json"]);
    let j: serde_json::Value = serde_json::from_str(&ok(&run)).unwrap();
    assert_eq!(j["already_complete"], true);
}

#[test]
fn dry_run_of_a_shard_counts_its_own_chunks() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("dry");
    let nets = |shard: &str| {
        // SMALL but for its --chunk-nets 16.
        let run = xorsweep()
            .args(&SMALL[..SMALL.len() - 2])
            .args([
                "--chunk-nets",
                "128",
                "--shard",
                shard,
                "--dry-run",
                "--json",
            ])
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let j: serde_json::Value = serde_json::from_str(&ok(&run)).unwrap();
        j["nets"].as_u64().unwrap()
    };
    // 363 nets in chunks of 128: 3 chunks (128, 128, 107) over 8 shards.
    let all: Vec<u64> = (0..8).map(|k| nets(&format!("{k}/8"))).collect();
    assert_eq!(all.iter().sum::<u64>(), 363, "{all:?}");
    assert_eq!(all.iter().filter(|&&n| n == 0).count(), 5, "{all:?}");
    assert!(all.iter().all(|&n| [0, 128, 107].contains(&n)), "{all:?}");
    assert!(!out.exists());
}

/// 600 nets × 100 000 epochs on one thread, in chunks of 32: a few seconds, 19 chunks.
const SLOW: &[&str] = &[
    "sweep",
    "--quiet",
    "--lr",
    "1,4",
    "--init",
    "uniform:1",
    "--seeds",
    "300",
    "--epochs",
    "100000",
    "--chunk-nets",
    "32",
    "--threads",
    "1",
];

#[test]
fn the_resume_hint_of_a_scheduler_shard_names_the_shard() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    run_ok(xorsweep().args(SLOW).arg("--out").arg(&whole));
    let dirs: Vec<PathBuf> = (0..3).map(|k| d.path().join(format!("k{k}"))).collect();
    // Shard 1 of a Kubernetes Indexed Job (index from the environment, --shard-count 3),
    // stopped by SIGTERM once a chunk is saved.
    let mut cmd = Std::new(env!("CARGO_BIN_EXE_xorsweep"));
    for v in SCHEDULER_VARS {
        cmd.env_remove(v);
    }
    cmd.env("JOB_COMPLETION_INDEX", "1")
        .args(SLOW)
        .args(["--shard-count", "3", "--out"])
        .arg(&dirs[1]);
    let (code, stderr) = signal_frozen(frozen_command(cmd, &dirs[1], 1), libc::SIGTERM);
    assert_eq!(code, Some(128 + libc::SIGTERM), "{stderr}");
    let command = stderr
        .lines()
        .skip_while(|l| !l.contains("Resume with:"))
        .nth(1)
        .expect("a resume command line")
        .trim()
        .to_string();
    assert!(command.ends_with("--shard 1/3 --resume"), "{command}");
    assert!(!command.contains("--shard-count"), "{command}");
    // Run outside the job (no JOB_COMPLETION_INDEX), it finishes shard 1, not the whole sweep.
    let mut sh = Std::new("sh");
    for v in SCHEDULER_VARS {
        sh.env_remove(v);
    }
    let status = sh
        .args(["-c", &command])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command}");
    for k in [0, 2] {
        run_ok(
            xorsweep()
                .args(SLOW)
                .args(["--shard", &format!("{k}/3"), "--out"])
                .arg(&dirs[k]),
        );
    }
    let merged = d.path().join("merged");
    run_ok(xorsweep().arg("merge").arg(&merged).args(&dirs));
    assert_same_outputs(&whole, &merged);
}
