//! Sharding, merging and resuming give byte-identical outputs to one uninterrupted sweep.

use std::path::{Path, PathBuf};
use std::process::{Command as Std, Stdio};

use crate::common::{assert_same_outputs, frozen_after_chunks, signal_frozen, xorsweep};

/// 3 + 3×40×3 = 363 nets in chunks of 16: 23 chunks.
pub(super) const SMALL: &[&str] = &[
    "sweep",
    "--quiet",
    "--lr",
    "0.5,2,8",
    "--init",
    "lesson",
    "--init",
    "uniform:1",
    "--init",
    "symmetric:1",
    "--init",
    "near-symmetric:1:1e-3",
    "--seeds",
    "40",
    "--epochs",
    "300",
    "--chunk-nets",
    "16",
];

#[test]
fn merged_shards_equal_the_unsharded_sweep() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    xorsweep()
        .args(SMALL)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    for n in [1usize, 2, 3, 7] {
        let shards: Vec<PathBuf> = (0..n)
            .map(|k| d.path().join(format!("n{n}-shard{k}")))
            .collect();
        for (k, dir) in shards.iter().enumerate() {
            xorsweep()
                .args(SMALL)
                .args(["--shard", &format!("{k}/{n}"), "--out"])
                .arg(dir)
                .assert()
                .success();
            assert!(
                dir.join("chunks").is_dir(),
                "a shard keeps its chunks for the merge"
            );
        }
        // Any argument order: reversed, and rotated.
        let mut reversed = shards.clone();
        reversed.reverse();
        let mut rotated = shards.clone();
        rotated.rotate_left(n / 2);
        for (i, order) in [reversed, rotated].iter().enumerate() {
            let merged = d.path().join(format!("merged-{n}-{i}"));
            xorsweep()
                .arg("merge")
                .arg(&merged)
                .args(order)
                .assert()
                .success();
            assert_same_outputs(&whole, &merged);
        }
    }
}

#[test]
fn scheduler_environment_picks_the_shard() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    xorsweep()
        .args(SMALL)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    // A Slurm array 1-5:2 (ids 1, 3, 5): three shards.
    let mut dirs = vec![];
    for id in [1, 3, 5] {
        let dir = d.path().join(format!("slurm{id}"));
        xorsweep()
            .envs([
                ("SLURM_ARRAY_TASK_ID", id.to_string()),
                ("SLURM_ARRAY_TASK_MIN", "1".into()),
                ("SLURM_ARRAY_TASK_STEP", "2".into()),
                ("SLURM_ARRAY_TASK_COUNT", "3".into()),
            ])
            .args(SMALL)
            .arg("--out")
            .arg(&dir)
            .assert()
            .success();
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert!(
            m["shard"]["source"].as_str().unwrap().starts_with("Slurm"),
            "{m}"
        );
        dirs.push(dir);
    }
    let merged = d.path().join("merged");
    xorsweep()
        .arg("merge")
        .arg(&merged)
        .args(&dirs)
        .assert()
        .success();
    assert_same_outputs(&whole, &merged);
    // Kubernetes Indexed Job: index from the environment, count by flag.
    let k8s = d.path().join("k8s");
    xorsweep()
        .env("JOB_COMPLETION_INDEX", "1")
        .args(SMALL)
        .args(["--shard-count", "2", "--out"])
        .arg(&k8s)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(k8s.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["shard"]["index"], 1);
    let out = xorsweep()
        .env("AWS_BATCH_JOB_ARRAY_INDEX", "0")
        .args(SMALL)
        .arg("--out")
        .arg(d.path().join("aws"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--shard-count"));
}

#[test]
fn merge_refuses_incomplete_mixed_or_damaged_shards() {
    let d = tempfile::tempdir().unwrap();
    let shard = |k: usize, n: usize, extra: &[&str]| {
        let dir = d.path().join(format!("s{k}of{n}{}", extra.join("")));
        xorsweep()
            .args(SMALL)
            .args(extra)
            .args(["--shard", &format!("{k}/{n}"), "--out"])
            .arg(&dir)
            .assert()
            .success();
        dir
    };
    let (a, b, c) = (shard(0, 3, &[]), shard(1, 3, &[]), shard(2, 3, &[]));
    let fails = |dirs: &[&PathBuf], needles: &[&str]| {
        let out = xorsweep()
            .arg("merge")
            .arg(d.path().join("m"))
            .args(dirs)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{err}");
        for n in needles {
            assert!(err.contains(n), "'{err}' lacks '{n}'");
        }
    };
    fails(&[&a, &c], &["missing shards 1/3"]);
    fails(&[&a, &b, &b, &c], &["given twice"]);
    let other = shard(1, 3, &["--seed", "9"]);
    fails(&[&a, &other, &c], &["another sweep"]);
    // A truncated chunk is found and named, never merged.
    let victim = std::fs::read_dir(b.join("chunks"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(&victim).unwrap();
    std::fs::write(&victim, &bytes[..bytes.len() / 2]).unwrap();
    fails(
        &[&a, &b, &c],
        &[
            "shard 1/3",
            "checksum",
            victim.file_name().unwrap().to_str().unwrap(),
        ],
    );
    std::fs::remove_file(b.join("manifest.json")).unwrap();
    fails(&[&a, &b, &c], &["not a finished shard"]);
    assert!(!d.path().join("m").join("runs.csv").exists());
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

fn chunk_files(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("chunks"))
        .map(|d| d.filter(|e| e.as_ref().unwrap().path().is_file()).count())
        .unwrap_or(0)
}

/// Start the slow sweep, signal it once `chunks` of its 19 chunks are saved (frozen there, so
/// the sweep is still running whatever the machine's speed), return its exit code and stderr.
fn interrupt(out: &Path, signal: libc::c_int, chunks: usize) -> (Option<i32>, String) {
    let mut args: Vec<String> = SLOW.iter().map(|s| s.to_string()).collect();
    args.push("--out".into());
    args.push(out.to_string_lossy().into_owned());
    signal_frozen(frozen_after_chunks(&args, out, chunks), signal)
}

#[test]
fn killed_sweeps_resume_to_identical_output() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    xorsweep()
        .args(SLOW)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    for (i, chunks) in [1usize, 6, 12].into_iter().enumerate() {
        let out = d.path().join(format!("killed{i}"));
        interrupt(&out, libc::SIGKILL, chunks);
        assert!(
            !out.join("manifest.json").exists() && !out.join("runs.csv").exists(),
            "no complete-looking output after a kill"
        );
        // Damage one saved chunk, as a crash mid-write on another file system might.
        if i == 1 {
            let victim = std::fs::read_dir(out.join("chunks"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|x| x == "bin"))
                .unwrap();
            let bytes = std::fs::read(&victim).unwrap();
            std::fs::write(&victim, &bytes[..bytes.len() - 3]).unwrap();
        }
        xorsweep()
            .args(SLOW)
            .arg("--out")
            .arg(&out)
            .arg("--resume")
            .assert()
            .success();
        assert_same_outputs(&whole, &out);
    }
}

#[test]
fn ctrl_c_saves_chunks_and_prints_the_resume_command() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    xorsweep()
        .args(SLOW)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    let out = d.path().join("interrupted");
    let (code, stderr) = interrupt(&out, libc::SIGINT, 1);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("chunks are saved in"), "{stderr}");
    let command = stderr
        .lines()
        .skip_while(|l| !l.contains("Resume with:"))
        .nth(1)
        .expect("a resume command line")
        .trim()
        .to_string();
    assert!(command.ends_with("--resume"), "{command}");
    let status = Std::new("sh")
        .args(["-c", &command])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command}");
    assert_same_outputs(&whole, &out);
}

#[test]
fn a_write_failure_mid_sweep_keeps_completed_chunks_and_resumes() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    xorsweep()
        .args(SLOW)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    let out = d.path().join("faulty");
    interrupt(&out, libc::SIGKILL, 1);
    assert!(out.join("sweep.toml").exists(), "the sweep started");
    // A directory where the last chunk must go: renaming the finished chunk onto it fails,
    // as a full or read-only disk would.
    let last = out.join("chunks").join("chunk-000018.bin");
    std::fs::create_dir_all(&last).unwrap();
    let failed = xorsweep()
        .args(SLOW)
        .arg("--out")
        .arg(&out)
        .arg("--resume")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{err}");
    assert!(
        err.contains("chunk-000018.bin") && err.contains("--resume"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.join("runs.csv").exists());
    let listing: Vec<_> = std::fs::read_dir(out.join("chunks"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        chunk_files(&out),
        18,
        "every completed chunk is kept: {listing:?}"
    );
    std::fs::remove_dir(&last).unwrap();
    xorsweep()
        .args(SLOW)
        .arg("--out")
        .arg(&out)
        .arg("--resume")
        .assert()
        .success();
    assert_same_outputs(&whole, &out);
}
