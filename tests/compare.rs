//! `xorsweep compare A B`: no difference between a folder and itself, a significant one between
//! 300 and 3000 epochs on the same grid, common cells of different grids, bad input refused.

mod common;

use std::path::{Path, PathBuf};

use common::{run_ok, xorsweep};

fn sweep(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    run_ok(
        xorsweep()
            .args(["sweep", "--init", "uniform:1", "--seeds", "200", "-q"])
            .args(["--runs-csv", "none"])
            .args(args)
            .arg("-o")
            .arg(&out),
    );
    out
}

fn compare_json(a: &Path, b: &Path) -> serde_json::Value {
    let run = run_ok(xorsweep().arg("compare").args([a, b]).arg("--json"));
    serde_json::from_slice(&run.stdout).unwrap()
}

#[test]
fn a_folder_against_itself_and_300_against_3000_epochs() {
    let d = tempfile::tempdir().unwrap();
    let short = sweep(d.path(), "short", &["--lr", "1,4,16", "--epochs", "300"]);
    let long = sweep(d.path(), "long", &["--lr", "1,4,16", "--epochs", "3000"]);

    let same = compare_json(&short, &short);
    assert_eq!(same["identical"], true);
    assert_eq!(same["shared"], 3);
    assert_eq!(same["share_significant"], 0);
    for c in same["cells"].as_array().unwrap() {
        assert_eq!(c["share_difference"], 0.0);
        let ci = c["share_difference_ci95"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() < 0.0 && ci[1].as_f64().unwrap() > 0.0);
    }
    let text = xorsweep()
        .args(["compare"])
        .args([&short, &short])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("No difference"), "{text}");

    let diff = compare_json(&short, &long);
    assert_eq!(diff["identical"], false);
    assert_eq!(diff["shared"], 3);
    assert!((diff["expected_by_chance"].as_f64().unwrap() - 0.15).abs() < 1e-12);
    let cells = diff["cells"].as_array().unwrap();
    let significant: Vec<&serde_json::Value> = cells
        .iter()
        .filter(|c| c["share_significant"] == true)
        .collect();
    assert!(!significant.is_empty(), "{diff}");
    for c in significant {
        // Ten times the epochs solves more nets, never fewer.
        let ci = c["share_difference_ci95"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() > 0.0, "{c}");
    }
    let run = xorsweep()
        .arg("compare")
        .args([&short, &long])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("would by chance alone"), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line:?}\n{text}");
    }

    // The CSV: one row per shared cell; never over an existing file.
    let csv = d.path().join("diff.csv");
    for (expect, rows) in [(0, 4), (2, 4)] {
        let run = xorsweep()
            .arg("compare")
            .args([&short, &long])
            .arg("--csv")
            .arg(&csv)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(expect),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let written = std::fs::read_to_string(&csv).unwrap();
        assert_eq!(written.lines().count(), rows, "{written}");
        assert!(written.starts_with("label,a_nets,a_solved,"), "{written}");
    }
}

#[test]
fn different_grids_compare_their_common_cells_and_bad_input_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let a = sweep(d.path(), "a", &["--lr", "1,4", "--epochs", "200"]);
    let b = sweep(d.path(), "b", &["--lr", "4,16", "--epochs", "200"]);
    let c = compare_json(&a, &b);
    assert_eq!(c["shared"], 1);
    assert_eq!(c["only_in_a"].as_array().unwrap().len(), 1);
    assert_eq!(c["only_in_b"].as_array().unwrap().len(), 1);
    assert_eq!(c["identical"], false);
    assert!(c["only_in_a"][0].as_str().unwrap().contains("lr 1"), "{c}");

    let missing = xorsweep()
        .arg("compare")
        .arg(&a)
        .arg(d.path().join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("nowhere") && err.contains("summary.csv"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let bad = d.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("summary.csv"), "cell,init\n0,uniform\n").unwrap();
    let run = xorsweep()
        .arg("compare")
        .arg(&a)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
