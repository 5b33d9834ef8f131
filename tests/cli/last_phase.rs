//! A signal in the last phase — after the chunks, while the runs file, the reports and the
//! manifest are written — is honoured (issue 26): exit 128 + N, no report left that looks
//! finished, the chunks kept, and the printed command (a resume, or the same merge) finishes
//! byte-identical to an uninterrupted run. The signal is sent once the runs file has appeared
//! (the first file of that phase) with the process frozen there: no fixed sleeps.

use std::path::{Path, PathBuf};
use std::process::{Child, Command as Std, Stdio};

use crate::common::{frozen_when, outputs, run_ok, signal_frozen, xorsweep};

/// Start `cmd`, wait until `file` exists, and freeze the process there (SIGSTOP).
fn frozen_when_written(cmd: Std, file: &Path, manifest: &Path) -> Child {
    let what = format!("{} appeared", file.display());
    frozen_when(cmd, || file.exists(), &what, manifest)
}

/// 4 inits × 400 rates = 1600 cells of 3 nets: the reports take a while to render and write.
const MANY_CELLS: &[&str] = &[
    "sweep",
    "--quiet",
    "--lr",
    "0.1..10:400:log",
    "--init",
    "lesson",
    "--init",
    "uniform:1",
    "--init",
    "symmetric:1",
    "--init",
    "uniform:3",
    "--seeds",
    "3",
    "--epochs",
    "60",
    "--chunk-nets",
    "512",
];

/// What an interrupted last phase may leave at the top of its folder: no report.
fn assert_no_reports(dir: &Path) {
    let names: Vec<String> = outputs(dir).into_iter().map(|f| f.0).collect();
    for n in &names {
        assert!(
            [".xorsweep", "sweep.toml"].contains(&n.as_str()),
            "{n} left in {}: {names:?}",
            dir.display()
        );
    }
    assert!(!dir.join("manifest.json").exists());
}

#[test]
fn a_signal_while_a_sweep_writes_its_reports_stops_it_and_resume_finishes() {
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    run_ok(xorsweep().args(MANY_CELLS).arg("--out").arg(&whole));
    let out = d.path().join("stopped");
    let mut cmd = Std::new(env!("CARGO_BIN_EXE_xorsweep"));
    cmd.args(MANY_CELLS).arg("--out").arg(&out);
    let child = frozen_when_written(cmd, &out.join("runs.csv"), &out.join("manifest.json"));
    let (code, stderr) = signal_frozen(child, libc::SIGTERM);
    assert_eq!(code, Some(128 + libc::SIGTERM), "{stderr}");
    assert!(
        stderr.contains("while the reports were written"),
        "{stderr}"
    );
    assert_no_reports(&out);
    assert!(crate::common::saved_chunks(&out) > 0, "the chunks are kept");
    let command = stderr
        .lines()
        .skip_while(|l| !l.contains("Resume with:"))
        .nth(1)
        .expect("a resume command")
        .trim()
        .to_string();
    let status = Std::new("sh")
        .args(["-c", &command])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command}");
    assert!(outputs(&whole) == outputs(&out), "resumed output differs");
}

#[test]
fn a_signal_while_a_merge_writes_stops_it_and_the_same_merge_finishes() {
    let d = tempfile::tempdir().unwrap();
    let parquet = ["--runs-format", "parquet"];
    let whole = d.path().join("whole");
    run_ok(
        xorsweep()
            .args(MANY_CELLS)
            .args(parquet)
            .arg("--out")
            .arg(&whole),
    );
    let shards: Vec<PathBuf> = (0..2).map(|k| d.path().join(format!("s{k}"))).collect();
    for (k, s) in shards.iter().enumerate() {
        run_ok(
            xorsweep()
                .args(MANY_CELLS)
                .args(parquet)
                .args(["--shard", &format!("{k}/2"), "--out"])
                .arg(s),
        );
    }
    let merged = d.path().join("merged");
    let mut cmd = Std::new(env!("CARGO_BIN_EXE_xorsweep"));
    cmd.arg("merge").arg(&merged).args(&shards);
    let child = frozen_when_written(
        cmd,
        &merged.join("runs.parquet"),
        &merged.join("manifest.json"),
    );
    let (code, stderr) = signal_frozen(child, libc::SIGINT);
    assert_eq!(code, Some(128 + libc::SIGINT), "{stderr}");
    assert!(stderr.contains("holds no merged results"), "{stderr}");
    assert_no_reports(&merged);
    // The same merge again, without --force.
    run_ok(xorsweep().arg("merge").arg(&merged).args(&shards));
    assert!(outputs(&whole) == outputs(&merged), "merged output differs");
}
