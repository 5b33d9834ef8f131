//! Bad input: a one-line message naming the flag and the problem, exit code 2, no panic,
//! nothing half-written.

use std::path::Path;

use crate::common::xorsweep;

/// Run `args`, expect exit code 2 and a single-line message containing every `needles`.
fn refuses(args: &[&str], needles: &[&str]) {
    let out = xorsweep().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} should exit 2; stderr: {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{args:?}: {stderr}"
    );
    let first = stderr.lines().next().unwrap_or_default();
    for n in needles {
        assert!(first.contains(n), "{args:?}: message '{first}' lacks '{n}'");
    }
    // Every error starts as clap's do; ours are one line, clap's add a usage hint below theirs.
    assert!(first.starts_with("error: "), "{args:?}: {first}");
    if !stderr.contains("For more information, try") {
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{args:?}: not one line: {stderr}"
        );
    }
}

fn sweep_in<'a>(dir: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "sweep", "--quiet", "--seeds", "2", "--epochs", "10", "--out", dir,
    ];
    v.extend_from_slice(extra);
    v
}

#[test]
fn bad_learning_rates() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = out.to_str().unwrap();
    refuses(&sweep_in(o, &["--lr", "-1"]), &["--lr", "positive"]);
    refuses(&sweep_in(o, &["--lr", "0"]), &["--lr", "positive"]);
    refuses(&sweep_in(o, &["--lr", "nan"]), &["--lr", "finite"]);
    refuses(&sweep_in(o, &["--lr", "inf"]), &["--lr", "finite"]);
    refuses(
        &sweep_in(o, &["--lr", "0.5,abc"]),
        &["--lr", "not a number"],
    );
    refuses(&sweep_in(o, &["--lr", "4..0.1:5"]), &["--lr", "reversed"]);
    refuses(&sweep_in(o, &["--lr", "1..1:3"]), &["--lr", "empty"]);
    refuses(&sweep_in(o, &["--lr", "0.1..4:0"]), &["--lr", "0 points"]);
    refuses(&sweep_in(o, &["--lr", "0..4:5:log"]), &["--lr", "above 0"]);
    refuses(&sweep_in(o, &["--lr", ""]), &["--lr", "empty"]);
    assert!(!out.exists(), "nothing is written for bad input");
}

#[test]
fn bad_inits_epochs_and_sizes() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = out.to_str().unwrap();
    refuses(
        &sweep_in(o, &["--init", "gaussian:1"]),
        &["--init", "unknown init scheme 'gaussian'"],
    );
    refuses(
        &sweep_in(o, &["--init", "uniform:-1"]),
        &["--init", "positive"],
    );
    refuses(
        &sweep_in(o, &["--init", "normal:0"]),
        &["--init", "positive"],
    );
    refuses(
        &sweep_in(o, &["--init", "near-symmetric:1:-1e-3"]),
        &["--init", "epsilon"],
    );
    refuses(
        &sweep_in(o, &["--init", "near-symmetric:1:1e-1..1e-12:12:log"]),
        &["--init", "reversed"],
    );
    refuses(
        &sweep_in(o, &["--init", "lesson:3"]),
        &["--init", "no parameters"],
    );
    refuses(
        &["sweep", "--epochs", "0", "--out", o],
        &["--epochs", "at least 1"],
    );
    refuses(&["sweep", "--epochs", "-3", "--out", o], &["--epochs"]);
    refuses(&["sweep", "--seeds", "0", "--out", o], &["--seeds"]);
    refuses(&["sweep", "--threads", "0", "--out", o], &["--threads"]);
    refuses(
        &["sweep", "--precision", "f16", "--out", o],
        &["--precision"],
    );
    refuses(
        &["sweep", "--runs-csv", "sample:0", "--out", o],
        &["--runs-csv"],
    );
    refuses(
        &["sweep", "--target-loss", "-1", "--out", o],
        &["--target-loss"],
    );
    refuses(
        &["sweep", "--seeds", "4000000000", "--out", o],
        &["--seeds", "per cell"],
    );
    refuses(
        &["sweep", "--lr", "0.01..10:100000:log", "--out", o],
        &["cells", "xorsweep map"],
    );
    // Counted from the specs: 10^10 cells are refused before a single one is built.
    refuses(
        &[
            "sweep",
            "--lr",
            "0.1..1:100000",
            "--init",
            "near-symmetric:1:1e-6..1e-1:100000",
            "--out",
            o,
        ],
        &["cells"],
    );
    refuses(
        &[
            "sweep", "--seeds", "100000", "--epochs", "1000000", "--out", o,
        ],
        &["too large", "--shard"],
    );
    refuses(
        &["sweep", "--chunk-nets", "300000000", "--out", o],
        &["--chunk-nets", "memory"],
    );
    refuses(
        &["sweep", "--shard", "3/3", "--out", o],
        &["--shard", "0-based"],
    );
    assert!(!out.exists());
}

#[test]
fn output_folder_problems() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let under_file = file.join("out");
    refuses(
        &sweep_in(under_file.to_str().unwrap(), &[]),
        &["--out", "cannot create"],
    );
    refuses(
        &sweep_in(file.to_str().unwrap(), &[]),
        &["--out", "not a folder"],
    );

    let out = d.path().join("done");
    xorsweep()
        .args(sweep_in(out.to_str().unwrap(), &[]))
        .assert()
        .success();
    let before = std::fs::read(out.join("runs.csv")).unwrap();
    refuses(
        &sweep_in(out.to_str().unwrap(), &[]),
        &["--out", "not empty", "--force"],
    );
    assert_eq!(
        std::fs::read(out.join("runs.csv")).unwrap(),
        before,
        "a refused run leaves the old results alone"
    );
    refuses(
        &sweep_in(out.to_str().unwrap(), &["--lr", "1,2", "--resume"]),
        &["--resume", "other arguments", "lr"],
    );
    // Resuming a finished sweep is a success with nothing to do (schedulers requeue with --resume).
    let again = xorsweep()
        .args(sweep_in(out.to_str().unwrap(), &["--resume"]))
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&again.get_output().stdout).contains("already complete"));
    assert_eq!(std::fs::read(out.join("runs.csv")).unwrap(), before);
    assert!(!out.join("chunks").exists());
    let stray = d.path().join("stray");
    std::fs::create_dir(&stray).unwrap();
    std::fs::write(stray.join("notes.txt"), "mine").unwrap();
    refuses(
        &sweep_in(stray.to_str().unwrap(), &["--resume"]),
        &["--resume", "not a xorsweep output folder"],
    );
}

#[test]
fn bad_config_files() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("sweep.toml");
    let out = d.path().join("o");
    let run = |text: &str, needles: &[&str]| {
        std::fs::write(&cfg, text).unwrap();
        refuses(
            &[
                "sweep",
                "--config",
                cfg.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            needles,
        );
    };
    run("seeds = 3\nlr = [0.5", &["--config", "sweep.toml, line 2"]);
    run("learning_rate = \"1\"", &["--config", "unknown field"]);
    run("seeds = \"many\"", &["--config", "line 1"]);
    run(
        "lr = \"-2\"",
        &["--config", "line 1", "learning rate", "positive"],
    );
    // A bad value is reported at its own key, in words (serde's untagged-enum and flattened-struct
    // messages said "line 1, column 1" whatever the line).
    run(
        "seeds = 3\nepochs = 10\nactivation = \"softmax\"\n",
        &[
            "sweep.toml, line 3, column 14",
            "activation",
            "sigmoid, tanh",
        ],
    );
    for bad in ["true", "{ a = 1 }"] {
        let text = format!("seeds = 3\n\nmomentum = {bad}\n");
        run(
            &text,
            &[
                "sweep.toml, line 3, column 12",
                "momentum",
                "a list of numbers",
            ],
        );
        let stderr = xorsweep()
            .args(["sweep", "--config", cfg.to_str().unwrap()])
            .args(["--out", out.to_str().unwrap()])
            .output()
            .unwrap()
            .stderr;
        let stderr = String::from_utf8_lossy(&stderr);
        assert!(
            !stderr.contains("untagged") && !stderr.contains("Raw"),
            "{stderr}"
        );
    }
    // A TOML list of numbers is a list of values.
    let ok = d.path().join("list.toml");
    std::fs::write(&ok, "momentum = [0, 0.9]\nseeds = 2\nepochs = 5\n").unwrap();
    // In the test's own folder: the default ./xorsweep-out may hold a user's earlier sweep (the
    // README runs one before the tests), which a dry run rightly refuses.
    let dry = xorsweep()
        .args(["sweep", "--dry-run", "--config", ok.to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    run(
        "seeds = 3\nlr = 1\nloss = \"bce\"\noutput = \"linear\"\n",
        &["line 3", "bce"],
    );
    refuses(
        &[
            "sweep",
            "--config",
            d.path().join("missing.toml").to_str().unwrap(),
        ],
        &["--config", "cannot read"],
    );
    assert!(!out.exists());
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[test]
fn bad_replays() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    xorsweep()
        .args(sweep_in(
            out.to_str().unwrap(),
            &["--init", "uniform:1", "--lr", "1"],
        ))
        .assert()
        .success();
    let csv = out.join("runs.csv");
    refuses(
        &["replay", csv.to_str().unwrap(), "99"],
        &["replay", "run 99 is not in", "runs 0 to 1"],
    );
    let other = d.path().join("other.csv");
    write(&other, "a,b\n1,2\n");
    refuses(
        &["replay", other.to_str().unwrap(), "0"],
        &["replay", "not a runs.csv of this xorsweep"],
    );
    refuses(
        &["replay", d.path().join("nope.csv").to_str().unwrap(), "0"],
        &["replay", "cannot read"],
    );
    refuses(&["replay", csv.to_str().unwrap(), "x"], &["RUN"]);
}

#[test]
fn limits_found_by_review() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = out.to_str().unwrap();
    refuses(
        &sweep_in(o, &["--init", "uniform:1e308"]),
        &["--init", "above the largest"],
    );
    refuses(
        &sweep_in(o, &["--init", "near-symmetric:1:1e308"]),
        &["--init", "epsilon"],
    );
    refuses(&sweep_in(o, &["--lr", "2,2,1"]), &["--lr", "appears twice"]);
    refuses(&sweep_in(o, &["--lr", "1..2:1"]), &["--lr", "at least 2"]);
    refuses(
        &sweep_in(o, &["--shard-count", "4"]),
        &["--shard-count", "no scheduler index"],
    );
    refuses(
        &sweep_in(o, &["--shard", "0/2", "--shard-count", "5"]),
        &["--shard-count", "--shard K/N"],
    );
    refuses(
        &sweep_in(o, &["--threads", "100000"]),
        &["--threads", "more than"],
    );
    assert!(!out.exists(), "nothing is written for bad input");
    refuses(
        &["bench", "--epochs", "4294967295"],
        &["--epochs", "more than"],
    );
    refuses(
        &["bench", "--nets", "99999999999999"],
        &["--nets", "memory"],
    );
    refuses(
        &["bench", "--impl", "scalar", "--precision", "f32"],
        &["--impl scalar", "f64 only"],
    );

    let ok = d.path().join("ok");
    xorsweep()
        .args(sweep_in(
            ok.to_str().unwrap(),
            &["--init", "uniform:1", "--lr", "1"],
        ))
        .assert()
        .success();
    let csv = ok.join("runs.csv");
    refuses(
        &["replay", csv.to_str().unwrap(), "0", "--every", "0"],
        &["--every"],
    );
    let text =
        std::fs::read_to_string(&csv)
            .unwrap()
            .replacen(",uniform,1.0,", ",uniform,-1.0,", 1);
    let edited = d.path().join("edited.csv");
    write(&edited, &text);
    refuses(
        &["replay", edited.to_str().unwrap(), "0"],
        &["replay", "column lr"],
    );
}

#[test]
fn a_shard_folder_holds_chunks_not_reports() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("shard");
    let a = xorsweep()
        .args(sweep_in(out.to_str().unwrap(), &["--shard", "1/2"]))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        stdout.contains("shard 1/2") && stdout.contains("xorsweep merge"),
        "{stdout}"
    );
    assert!(out.join("chunks").is_dir() && out.join("manifest.json").is_file());
    assert!(!out.join("runs.csv").exists() && !out.join("report.html").exists());
}

/// The stderr of `args`, which must exit 2.
fn refused_with(args: &[&str]) -> String {
    let out = xorsweep().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

#[test]
fn size_errors_name_the_flags_that_make_the_grid_big() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = out.to_str().unwrap();
    let rates = "0.1..100:80:log";
    let per_layer = ["--lr-hidden", rates, "--lr-out", rates];
    let one_init = ["sweep", "--init", "uniform:1", "--out", o];
    let args: Vec<&str> = one_init.iter().chain(&per_layer).copied().collect();
    refuses(
        &args,
        &["--lr-hidden 80 × --lr-out 80: 6400 cells", "more than 5000"],
    );
    let err = refused_with(&args);
    assert!(
        !err.contains("--lr ") && !err.contains("--init") && !err.contains("ε"),
        "{err}"
    );
    let decay = [
        "--lr",
        "1",
        "--momentum",
        "0..0.9:100",
        "--weight-decay",
        "0..0.1:100",
    ];
    let args: Vec<&str> = one_init.iter().chain(&decay).copied().collect();
    refuses(
        &args,
        &[
            "--momentum 100 × --weight-decay 100: 10000 cells",
            "--momentum, --weight-decay",
        ],
    );
    let err = refused_with(&args);
    assert!(!err.contains("--lr") && !err.contains("--init"), "{err}");
    // Axes left at their defaults count too, and say so.
    let args: Vec<&str> = ["sweep", "--out", o]
        .iter()
        .chain(&per_layer)
        .copied()
        .collect();
    refuses(
        &args,
        &["--init ", " (default) × --lr-hidden 80 × --lr-out 80"],
    );
    refuses(
        &[
            "sweep",
            "--init",
            "near-symmetric:1:1e-6..1e-1:400",
            "--out",
            o,
        ],
        &["--init 400 × --lr 16 (default): 6400 cells"],
    );
    assert!(!out.exists());
}

#[test]
fn an_escape_in_a_value_is_echoed_escaped_not_stripped() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = out.to_str().unwrap();
    let err = refused_with(&["sweep", "--lr", "1\u{1b}]0;x\u{7}", "--out", o]);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("1\\x1b]0;x\\x07"), "{err}");
}
