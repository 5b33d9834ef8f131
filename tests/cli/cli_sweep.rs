//! The sweep from the command line, on tiny grids in temporary folders.

use std::collections::HashMap;
use std::path::Path;

use crate::common::xorsweep;
use xorsweep::baseline::{LESSON_LR, LESSON_STEPS, lesson_spec};
use xorsweep::train::{Params, reference};

const TINY: &[&str] = &[
    "sweep",
    "--lr",
    "0.5,2",
    "--init",
    "lesson",
    "--init",
    "uniform:1",
    "--init",
    "symmetric:1",
    "--init",
    "near-symmetric:1:1e-3,1e-1",
    "--seeds",
    "5",
    "--epochs",
    "4001",
    "--quiet",
];
/// lesson: 2 cells × 1 net; uniform and symmetric: 2 × 5; near-symmetric: 2 ε × 2 lr × 5.
const TINY_NETS: usize = 2 + 10 + 10 + 20;

fn run_sweep(out: &Path, extra: &[&str]) {
    xorsweep()
        .args(TINY)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

type Row = HashMap<String, String>;

fn read_csv(path: &Path) -> (Vec<String>, Vec<Row>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

const RUNS_COLUMNS: &str = "run,init,lr,epochs,seed,precision,w11_init,w12_init,b1_init,w21_init,w22_init,b2_init,v1_init,v2_init,c_init,\
w11,w12,b1,w21,w22,b2,v1,v2,c,final_loss,out_00,out_01,out_10,out_11,correct,solved_epoch,hidden_gap,diverged,solved";

#[test]
fn tiny_sweep_writes_typed_complete_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = xorsweep()
        .args(TINY)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains(&out.display().to_string()),
        "the folder is printed at the end: {stdout}"
    );
    for f in [
        "runs.csv",
        "summary.csv",
        "curves.csv",
        "examples.csv",
        "manifest.json",
        "sweep.toml",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(
        !out.join("chunks").exists(),
        "chunks are removed after a complete unsharded sweep"
    );

    let (header, rows) = read_csv(&out.join("runs.csv"));
    for col in RUNS_COLUMNS.split(',').chain(["scale", "eps"]) {
        assert!(
            header.iter().any(|h| h == col),
            "runs.csv lacks column {col}"
        );
    }
    assert_eq!(rows.len(), TINY_NETS);
    let numeric = RUNS_COLUMNS
        .split(',')
        .filter(|c| !["init", "precision", "solved_epoch"].contains(c));
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["run"], i.to_string());
        for col in numeric.clone() {
            assert!(
                row[col].parse::<f64>().is_ok(),
                "row {i} column {col} = '{}' is not a number",
                row[col]
            );
        }
        assert!(row["solved_epoch"].is_empty() || row["solved_epoch"].parse::<u32>().is_ok());
        assert!(
            ["lesson", "uniform", "symmetric", "near-symmetric"].contains(&row["init"].as_str())
        );
        assert_eq!(row["precision"], "f64");
        assert_eq!(row["epochs"], "4001");
        if row["init"] == "symmetric" {
            assert_eq!(row["hidden_gap"], "0.0", "symmetric row {i} drifted");
            assert!(row["correct"].parse::<u8>().unwrap() <= 3);
            assert!(row["final_loss"].parse::<f64>().unwrap() >= 1.0 / 6.0);
        }
        if row["init"] == "near-symmetric" {
            let eps: f64 = row["eps"].parse().unwrap();
            let gap0 = (0..4)
                .map(|k| {
                    let (a, b) = [("w11", "w21"), ("w12", "w22"), ("b1", "b2"), ("v1", "v2")][k];
                    (row[&format!("{a}_init")].parse::<f64>().unwrap()
                        - row[&format!("{b}_init")].parse::<f64>().unwrap())
                    .abs()
                })
                .fold(0.0, f64::max);
            assert!(
                gap0 > 0.0 && gap0 <= eps,
                "row {i}: initial gap {gap0} vs eps {eps}"
            );
        }
    }

    // The baseline row: lesson weights at η = 2.0 for the lesson's 4001 steps = the lesson's printout.
    let base: Vec<&Row> = rows
        .iter()
        .filter(|r| r["init"] == "lesson" && r["lr"] == "2.0")
        .collect();
    assert_eq!(base.len(), 1);
    let (want, _) = reference::train(
        &crate::common::lr_net(Params::LESSON, LESSON_LR),
        &lesson_spec(),
    );
    assert_eq!(LESSON_STEPS, 4001);
    for (k, col) in ["out_00", "out_01", "out_10", "out_11"].iter().enumerate() {
        let got: f64 = base[0][*col].parse().unwrap();
        assert_eq!(format!("{got:.3}"), format!("{:.3}", want.outputs[k]));
        assert!((got - want.outputs[k]).abs() < 1e-9);
    }
    assert_eq!(
        ["0.020", "0.977", "0.981", "0.018"]
            .map(String::from)
            .to_vec(),
        want.outputs.map(|o| format!("{o:.3}")).to_vec()
    );

    let (sheader, summary) = read_csv(&out.join("summary.csv"));
    for col in [
        "init",
        "lr",
        "nets",
        "solved_fraction",
        "solved_ci95_low",
        "solved_ci95_high",
        "solved_epoch_median",
        "final_loss_median",
        "diverged",
    ] {
        assert!(sheader.iter().any(|h| h == col), "summary.csv lacks {col}");
    }
    assert_eq!(summary.len(), 2 + 2 + 2 + 4);
    assert_eq!(
        summary
            .iter()
            .map(|r| r["nets"].parse::<usize>().unwrap())
            .sum::<usize>(),
        TINY_NETS
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["nets"], TINY_NETS);
    assert!(manifest["cpu_features_compiled"].is_array());
    assert!(manifest["net_epochs_per_second"].as_f64().unwrap() > 0.0);
}

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["runs.csv", "summary.csv", "curves.csv", "examples.csv"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect()
}

#[test]
fn same_command_same_bytes_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    for precision in ["f64", "f32"] {
        let mut runs = vec![];
        for (i, threads) in ["1", "2", "3"].iter().enumerate() {
            let out = dir.path().join(format!("{precision}-{i}"));
            xorsweep()
                .env("RAYON_NUM_THREADS", threads)
                .args(TINY)
                .args(["--precision", precision, "--out"])
                .arg(&out)
                .assert()
                .success();
            runs.push(outputs(&out));
        }
        let out = dir.path().join(format!("{precision}-flag"));
        run_sweep(&out, &["--threads", "2", "--precision", precision]);
        runs.push(outputs(&out));
        for r in &runs[1..] {
            for ((name, a), (_, b)) in runs[0].iter().zip(r) {
                assert!(a == b, "{precision}: {name} differs between thread counts");
            }
        }
    }
}

#[test]
fn replay_reproduces_rows_exactly() {
    let dir = tempfile::tempdir().unwrap();
    for precision in ["f64", "f32"] {
        let out = dir.path().join(precision);
        run_sweep(&out, &["--precision", precision]);
        let csv = out.join("runs.csv");
        for run in ["0", "1", "7", "20", "41"] {
            let a = xorsweep()
                .arg("replay")
                .arg(&csv)
                .arg(run)
                .assert()
                .success();
            let text = String::from_utf8_lossy(&a.get_output().stdout).to_string();
            assert!(
                text.contains("reproduces the recorded row exactly"),
                "{precision} run {run}:\n{text}"
            );
            assert!(text.contains("epoch    0   loss"), "{text}");
        }
    }
    // The replay ends where curves.csv and the report end: at the last epoch, the trained net
    // (epochs count gradient steps, 0..=E).
    let (header, rows) = read_csv(&dir.path().join("f64/curves.csv"));
    let col = header.iter().position(|h| h == "epoch").unwrap();
    let last_epoch = rows
        .iter()
        .map(|r| r[&header[col]].parse::<u32>().unwrap())
        .max();
    let a = xorsweep()
        .arg("replay")
        .arg(dir.path().join("f64/runs.csv"))
        .arg("7")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    let replayed_last = text
        .lines()
        .filter_map(|l| l.strip_prefix("epoch "))
        .map(|l| l.split_whitespace().next().unwrap().parse::<u32>().unwrap())
        .max();
    assert_eq!(replayed_last, last_epoch, "{text}");
    assert_eq!(last_epoch, Some(4001));
    // The lesson row at η = 2 replays as the lesson's printout.
    let a = xorsweep()
        .arg("replay")
        .arg(dir.path().join("f64/runs.csv"))
        .arg("1")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        text.contains("epoch 4000   loss 0.0004") && text.contains("1 XOR 0 -> 0.981   (target 1)"),
        "{text}"
    );
}

#[test]
fn replay_notices_a_row_that_does_not_reproduce() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_sweep(&out, &[]);
    let csv = out.join("runs.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Nudge run 3's recorded final loss by editing its text.
    let (header, rows) = read_csv(&csv);
    let col = header.iter().position(|h| h == "final_loss").unwrap();
    let mut cells: Vec<String> = lines[4].split(',').map(String::from).collect();
    cells[col] = format!("{}", rows[3]["final_loss"].parse::<f64>().unwrap() * 1.5);
    lines[4] = cells.join(",");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    xorsweep()
        .arg("replay")
        .arg(&csv)
        .arg("3")
        .assert()
        .failure()
        .stdout(predicates::str::contains("DOES NOT reproduce"));
}

#[test]
fn sampled_and_absent_runs_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    run_sweep(&out, &["--runs-csv", "sample:10"]);
    let (_, rows) = read_csv(&out.join("runs.csv"));
    assert!(
        rows.len() >= 10 && rows.len() < TINY_NETS,
        "{} rows",
        rows.len()
    );
    assert!(
        rows.iter()
            .any(|r| r["init"] == "lesson" && r["lr"] == "2.0"),
        "the baseline row is always kept"
    );
    let none = dir.path().join("n");
    run_sweep(&none, &["--runs-csv", "none"]);
    assert_eq!(read_csv(&none.join("runs.csv")).1.len(), 0);
    // summary does not depend on which rows runs.csv keeps
    assert_eq!(
        std::fs::read(out.join("summary.csv")).unwrap(),
        std::fs::read(none.join("summary.csv")).unwrap()
    );
}

#[test]
fn config_file_reruns_the_same_sweep_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    run_sweep(&a, &["--target-loss", "0.05"]);
    let b = dir.path().join("b");
    xorsweep()
        .args(["sweep", "--quiet", "--config"])
        .arg(a.join("sweep.toml"))
        .arg("--out")
        .arg(&b)
        .assert()
        .success();
    assert_eq!(outputs(&a), outputs(&b));
    let (header, _) = read_csv(&a.join("runs.csv"));
    assert!(header.contains(&"target_epoch".to_string()));
    let c = dir.path().join("c");
    xorsweep()
        .args(["sweep", "--quiet", "--seeds", "2", "--config"])
        .arg(a.join("sweep.toml"))
        .arg("--out")
        .arg(&c)
        .assert()
        .success();
    assert_eq!(read_csv(&c.join("runs.csv")).1.len(), 2 + 4 + 4 + 8);
}

#[test]
fn force_overwrites_and_an_empty_folder_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    run_sweep(dir.path(), &[]); // exists, empty
    run_sweep(dir.path(), &["--force", "--precision", "f32"]);
    let (_, rows) = read_csv(&dir.path().join("runs.csv"));
    assert!(rows.iter().all(|r| r["precision"] == "f32"));
}

#[test]
fn spelling_of_a_spec_does_not_change_the_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    xorsweep()
        .args([
            "sweep",
            "--quiet",
            "--lr",
            "0.5,2",
            "--init",
            "near-symmetric:1:1e-3,1e-2",
            "--seeds",
            "3",
            "--epochs",
            "50",
            "--out",
        ])
        .arg(&a)
        .assert()
        .success();
    xorsweep()
        .args([
            "sweep",
            "--quiet",
            "--lr",
            "0.50, 2.0",
            "--init",
            "near-symmetric:1.0:0.001, 0.01",
            "--seeds",
            "3",
            "--epochs",
            "50",
            "--out",
        ])
        .arg(&b)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(a.join("sweep.toml")).unwrap(),
        std::fs::read(b.join("sweep.toml")).unwrap()
    );
    assert_eq!(outputs(&a), outputs(&b));
}
