//! Nothing hangs, nothing aborts, nothing impossible is accepted, nothing is written before
//! everything is checked, and map, plot and merge stop cleanly on a signal (issue 18). Each case
//! is one found by a black-box run of bad inputs; none depends on the machine's speed: a run
//! that would hang is caught by a generous deadline inside the test, and a running command is
//! signalled only once it is frozen (SIGSTOP) in an observable state.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Std, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{send, signal_frozen};

const BIN: &str = env!("CARGO_BIN_EXE_xorsweep");

/// Run xorsweep with `args`; a run that has not ended after a minute is killed and fails the
/// test (the bug it guards against is a run that never ends).
fn run(args: &[&str]) -> Output {
    run_with(Std::new(BIN).args(args))
}

fn run_with(cmd: &mut Std) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after 60 s (hung); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().unwrap()
}

/// Expect exit code `code` and a one-line message holding every one of `needles`; returns it.
fn fails(out: &Output, code: i32, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Our own errors are one line; clap's parse errors of typed values (a map's --x) add a
    // usage hint below theirs, as in cli_errors.rs.
    if stderr.starts_with("Error:") {
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "not one line: {stderr}"
        );
    }
    let first = stderr.lines().next().unwrap_or_default();
    for n in needles {
        assert!(first.contains(n), "message '{first}' lacks '{n}'");
    }
    stderr
}

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path touches no memory of ours.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A small finished sweep in `out`: 2 cells of 8 nets, plus `extra` arguments.
fn sweep(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "sweep",
        "--quiet",
        "--lr",
        "1,2",
        "--init",
        "uniform:1",
        "--seeds",
        "8",
        "--epochs",
        "40",
        "--out",
        s(out),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn small_map(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "map",
        "--quiet",
        "--x",
        "lr-hidden:1..10:8",
        "--y",
        "lr-out:1..10:8",
        "--epochs",
        "50",
        "--out",
        s(out),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn fifos_are_refused_at_once_and_a_fifo_chunk_is_redone_on_resume() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("f.toml");
    mkfifo(&fifo);
    fails(
        &run(&["sweep", "--config", s(&fifo)]),
        2,
        &["f.toml", "FIFO"],
    );
    fails(&run(&["map", "--config", s(&fifo)]), 2, &["f.toml", "FIFO"]);
    let csv = d.path().join("fifo.csv");
    mkfifo(&csv);
    fails(&run(&["replay", s(&csv), "3"]), 2, &["fifo.csv", "FIFO"]);

    // plot with summary.csv a FIFO: refused, and the lock it took is gone.
    let out = d.path().join("s");
    sweep(&out, &["--keep-chunks", "--chunk-nets", "4"]);
    let before = std::fs::read(out.join("runs.csv")).unwrap();
    let summary = std::fs::read(out.join("summary.csv")).unwrap();
    mkfifo(&out.join("summary.csv"));
    fails(&run(&["plot", s(&out)]), 2, &["summary.csv", "FIFO"]);
    assert!(!out.join(".xorsweep.lock").exists());
    std::fs::remove_file(out.join("summary.csv")).unwrap();
    std::fs::write(out.join("summary.csv"), summary).unwrap();

    // A chunk that is a FIFO is redone on --resume like a damaged one, to the same bytes.
    mkfifo(&out.join("chunks/chunk-000001.bin"));
    let o = run(&[
        "sweep",
        "--quiet",
        "--lr",
        "1,2",
        "--init",
        "uniform:1",
        "--seeds",
        "8",
        "--epochs",
        "40",
        "--keep-chunks",
        "--chunk-nets",
        "4",
        "--out",
        s(&out),
        "--resume",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("chunks/chunk-000001.bin").is_file());
    assert_eq!(std::fs::read(out.join("runs.csv")).unwrap(), before);

    // merge with a shard's chunk, or its sweep.toml, a FIFO: refused before OUT is made.
    let shard = |k: &str| {
        let dir = d.path().join(format!("shard{k}"));
        sweep(&dir, &["--chunk-nets", "4", "--shard", &format!("{k}/2")]);
        dir
    };
    let (a, b) = (shard("0"), shard("1"));
    let merged = d.path().join("merged");
    mkfifo(&a.join("chunks/chunk-000000.bin"));
    fails(
        &run(&["merge", s(&merged), s(&a), s(&b)]),
        2,
        &["chunk-000000.bin", "FIFO"],
    );
    mkfifo(&b.join("sweep.toml"));
    fails(
        &run(&["merge", s(&merged), s(&b), s(&a)]),
        2,
        &["sweep.toml", "FIFO"],
    );
    assert!(!merged.exists());
}

/// Run with the address space limited to 1 GiB: a read of /dev/zero whole would abort.
fn limited(args: &[&str]) -> Output {
    let mut cmd = Std::new(BIN);
    cmd.args(args);
    // SAFETY: setrlimit is async-signal-safe and touches only the limit struct on our stack.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    run_with(&mut cmd)
}

#[test]
fn a_symlink_to_dev_zero_is_refused_under_a_small_address_limit() {
    let d = tempfile::tempdir().unwrap();
    let zero = d.path().join("z.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    fails(
        &limited(&["replay", s(&zero), "3"]),
        2,
        &["z.csv", "character device"],
    );
    fails(
        &limited(&["sweep", "--config", s(&zero)]),
        2,
        &["z.csv", "not a regular file"],
    );
    fails(
        &limited(&["map", "--config", s(&zero)]),
        2,
        &["z.csv", "not a regular file"],
    );
    let out = d.path().join("s");
    sweep(&out, &[]);
    std::fs::remove_file(out.join("curves.csv")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", out.join("curves.csv")).unwrap();
    fails(
        &limited(&["plot", s(&out)]),
        2,
        &["curves.csv", "not a regular file"],
    );
}

#[test]
fn a_hard_link_planted_as_the_lock_is_never_written_through() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    let victim = d.path().join("precious.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::fs::hard_link(&victim, out.join(".xorsweep.lock")).unwrap();
    fails(
        &run(&["plot", s(&out)]),
        2,
        &[".xorsweep.lock", "hard link"],
    );
    let o = run(&[
        "sweep",
        "--quiet",
        "--seeds",
        "2",
        "--epochs",
        "10",
        "--force",
        "--out",
        s(&out),
    ]);
    fails(&o, 2, &[".xorsweep.lock", "hard link"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(out.join("report.html").is_file() && out.join("summary.csv").is_file());
}

#[test]
fn force_checks_every_path_before_deleting_or_computing_anything() {
    let d = tempfile::tempdir().unwrap();
    let elsewhere = d.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("chunk-000000.bin"), "theirs").unwrap();

    let out = d.path().join("s");
    sweep(&out, &[]);
    let report = std::fs::read(out.join("report.html")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("chunks")).unwrap();
    let o = run(&[
        "sweep",
        "--quiet",
        "--seeds",
        "2",
        "--epochs",
        "10",
        "--force",
        "--out",
        s(&out),
    ]);
    fails(&o, 2, &["chunks", "not a real folder"]);
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), report);
    for name in ["runs.csv", "summary.csv", "sweep.toml", "manifest.json"] {
        assert!(out.join(name).is_file(), "{name} was deleted");
    }
    assert!(elsewhere.join("chunk-000000.bin").is_file());

    let map = d.path().join("m");
    assert!(small_map(&map, &[]).status.success());
    let png = std::fs::read(map.join("map.png")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, map.join("frames")).unwrap();
    fails(
        &small_map(&map, &["--force", "--zoom-sequence", "2"]),
        2,
        &["frames", "not a real folder"],
    );
    assert_eq!(std::fs::read(map.join("map.png")).unwrap(), png);
    for name in ["map.html", "map.toml", "manifest.json", "trained.npy"] {
        assert!(map.join(name).is_file(), "{name} was deleted");
    }
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);
}

#[test]
fn map_ranges_that_overflow_or_repeat_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("m");
    for (x, needle) in [
        ("w11:-1e308..1e308:4", "too wide"),
        ("scale:-1e308..1e308:4", "too wide"),
        ("lr-hidden:1..1.0000000000000004:16", "repeats"),
        ("lr-hidden:1..2:4294967296", "too large"),
    ] {
        fails(
            &run(&["map", "--x", x, "--out", s(&out)]),
            2,
            &["--x", needle],
        );
    }
    assert!(!out.exists());
}

/// `file` with `column` of data row `row` (0-based) set to `value`.
fn with_value(file: &str, row: usize, column: &str, value: &str) -> String {
    let mut lines: Vec<String> = file.lines().map(String::from).collect();
    let at = lines[0].split(',').position(|c| c == column).unwrap();
    let mut cells: Vec<&str> = lines[row + 1].split(',').collect();
    cells[at] = value;
    lines[row + 1] = cells.join(",");
    lines.join("\n") + "\n"
}

#[test]
fn plot_refuses_impossible_summary_and_curves_values() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    let report = std::fs::read(out.join("report.html")).unwrap();
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let curves = std::fs::read_to_string(out.join("curves.csv")).unwrap();
    let plot = |file: &str, text: &str, needles: &[&str]| {
        std::fs::write(out.join(file), text).unwrap();
        let mut all = vec![file];
        all.extend_from_slice(needles);
        fails(&run(&["plot", s(&out)]), 2, &all);
        assert_eq!(std::fs::read(out.join("report.html")).unwrap(), report);
    };
    for (column, value) in [
        ("lr", "NaN"),
        ("lr", "-1"),
        ("solved", "99"),
        ("solved_fraction", "inf"),
        ("nets", "18446744073709551615"),
        ("solved_ci95_high", "1.5"),
        ("final_loss_median", "-0.5"),
        ("solved_epoch_median", "1e9"),
    ] {
        plot(
            "summary.csv",
            &with_value(&summary, 1, column, value),
            &[column],
        );
    }
    let header = summary.lines().next().unwrap();
    plot("summary.csv", &format!("{header}\n"), &["0 cells", "2"]);
    let row0 = summary.lines().nth(1).unwrap();
    plot(
        "summary.csv",
        &format!("{header}\n{row0}\n{row0}\n"),
        &["cell 0", "second time"],
    );
    // 20 000 cells where sweep.toml describes 2.
    let one = format!("{header}\n{row0}\n");
    let mut many = format!("{header}\n");
    for k in 0..20_000 {
        let numbered = with_value(&one, 0, "cell", &k.to_string());
        many.push_str(numbered.lines().nth(1).unwrap());
        many.push('\n');
    }
    plot("summary.csv", &many, &["too large"]);
    std::fs::write(out.join("summary.csv"), &summary).unwrap();
    for (column, value) in [
        ("solved_fraction", "2"),
        ("loss_median", "-1"),
        ("kind", "bogus"),
    ] {
        let row = curves
            .lines()
            .skip(1)
            .position(|l| l.starts_with("cell,"))
            .unwrap();
        plot(
            "curves.csv",
            &with_value(&curves, row, column, value),
            &[column],
        );
    }
    std::fs::write(out.join("curves.csv"), &curves).unwrap();
    assert!(run(&["plot", s(&out)]).status.success());
}

#[test]
fn replay_refuses_duplicate_runs_and_impossible_values_naming_the_column() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let csv = d.path().join("runs.csv");
    let replay = |text: &str, needles: &[&str]| {
        std::fs::write(&csv, text).unwrap();
        fails(&run(&["replay", s(&csv), "1"]), 2, needles)
    };
    let second = runs.lines().nth(2).unwrap();
    replay(&format!("{runs}{second}\n"), &["run 1", "twice"]);
    replay(&with_value(&runs, 1, "w11_init", "NaN"), &["w11_init"]);
    replay(&with_value(&runs, 1, "scale", "NaN"), &["scale"]);
    replay(
        &with_value(&runs, 1, "epochs", "4294967296"),
        &["column epochs"],
    );
    // A rate that disagrees with the rates replay trains with (issue 26): never "reproduced".
    let lr = with_value(&runs, 1, "lr", "1e308");
    let msg = replay(
        &lr,
        &[
            "run 1",
            "columns lr (1e308), lr_hidden",
            "lr_out",
            "disagree",
        ],
    );
    assert!(!msg.contains("reproduces"), "{msg}");
    let out_only = with_value(&runs, 1, "lr_hidden", "");
    replay(&out_only, &["run 1", "lr_hidden and lr_out", "empty"]);
    replay(
        &with_value(&runs, 1, "lr_out", "-3"),
        &["column lr_out", "-3"],
    );
    // The same file untouched replays fine.
    std::fs::write(&csv, &runs).unwrap();
    assert!(run(&["replay", s(&csv), "1"]).status.success());
    // A runs.parquet: what to use instead, not a CSV parse error.
    let pq = d.path().join("p");
    sweep(&pq, &["--runs-format", "parquet"]);
    let parquet = pq.join("runs.parquet");
    fails(
        &run(&["replay", s(&parquet), "3"]),
        2,
        &["runs.parquet", "Parquet file", "runs.csv", "--runs-format"],
    );
}

#[test]
fn values_echoed_from_files_and_arguments_are_escaped() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let csv = d.path().join("runs.csv");
    std::fs::write(
        &csv,
        with_value(&runs, 1, "init", "\u{1b}]0;pwned\u{7}\u{1b}[2J"),
    )
    .unwrap();
    let o = run(&["replay", s(&csv), "1"]);
    let msg = fails(&o, 2, &["column init", "\\x1b]0;pwned\\x07\\x1b[2J"]);
    assert!(!msg.contains('\u{1b}') && !msg.contains('\u{7}'), "{msg:?}");
    let o = run(&["map", "--x", "\u{1b}[2J:1..2:4", "--out", s(&out)]);
    let msg = fails(&o, 2, &["--x", "\\x1b[2J"]);
    assert!(!msg.contains('\u{1b}'), "{msg:?}");
    let weird = d.path().join("a\u{1b}[2Jb");
    let o = run(&["plot", s(&weird)]);
    let msg = fails(&o, 2, &["a\\x1b[2Jb"]);
    assert!(!msg.contains('\u{1b}'), "{msg:?}");
}

/// Start xorsweep with `args` and freeze it (SIGSTOP) as soon as `lock` exists: the command
/// then holds its folder and has all its work still ahead of it.
fn frozen_when_locked(args: &[&str], lock: &Path) -> Child {
    let mut child = Std::new(BIN)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !lock.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            let err = child.wait_with_output().unwrap().stderr;
            panic!(
                "ended ({status}) before taking its lock: {}",
                String::from_utf8_lossy(&err)
            );
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no lock taken");
        std::thread::sleep(Duration::from_millis(1));
    }
    send(child.id(), libc::SIGSTOP);
    child
}

#[test]
fn map_stops_on_sigint_and_its_folder_reruns_without_force() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("m");
    // 64 tasks of 2048 nets × 10 000 epochs on one thread: far from done when frozen.
    let child = frozen_when_locked(
        &[
            "map",
            "--quiet",
            "-j",
            "1",
            "--x",
            "lr-hidden:1..10:512",
            "--y",
            "lr-out:1..10:256",
            "--epochs",
            "10000",
            "--out",
            s(&out),
        ],
        &out.join(".xorsweep.lock"),
    );
    let (code, stderr) = signal_frozen(child, libc::SIGINT);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("SIGINT") && stderr.contains("same command"),
        "{stderr}"
    );
    assert!(!out.join(".xorsweep.lock").exists());
    assert!(!out.join("manifest.json").exists());
    // The folder is usable: a map runs there without --force.
    let o = small_map(&out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn an_unfinished_map_is_replaced_without_force() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("m");
    assert!(small_map(&out, &[]).status.success());
    // What a map that failed while writing leaves: some files, no manifest.json (the last).
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    std::fs::remove_file(out.join("map.html")).unwrap();
    let o = small_map(&out, &["--csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("manifest.json").is_file() && out.join("map.csv").is_file());
    // A finished one still needs --force.
    fails(&small_map(&out, &[]), 2, &["--force"]);
}

/// 5 inits × 100 learning rates = 500 cells of 2 nets: reports that take a while to draw.
const MANY_CELLS: &[&str] = &[
    "--lr",
    "0.05..50:100:log",
    "--init",
    "uniform:0.25",
    "--init",
    "uniform:0.5",
    "--init",
    "uniform:2",
    "--init",
    "uniform:4",
    "--seeds",
    "2",
];

#[test]
fn plot_stops_on_sigterm_leaving_the_report_as_it_was() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    // Many cells: the plot has hundreds of milliseconds of drawing ahead of it once locked.
    let mut args = vec!["sweep", "--quiet", "--epochs", "10", "--out", s(&out)];
    args.extend_from_slice(MANY_CELLS);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read(out.join("report.html")).unwrap();
    let child = frozen_when_locked(&["plot", s(&out)], &out.join(".xorsweep.lock"));
    let (code, stderr) = signal_frozen(child, libc::SIGTERM);
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("xorsweep plot"), "{stderr}");
    assert!(!out.join(".xorsweep.lock").exists());
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), report);
    assert!(run(&["plot", s(&out)]).status.success());
}

#[test]
fn merge_stops_on_sighup_and_the_same_merge_then_succeeds() {
    let d = tempfile::tempdir().unwrap();
    // 500 cells in 250 chunks, in two shards: once locked, the merge has every chunk to
    // stream and the reports of 500 cells to draw.
    let shard = |k: &str| -> PathBuf {
        let dir = d.path().join(format!("shard{k}"));
        let shard = format!("{k}/2");
        let mut args = vec!["sweep", "--quiet", "--epochs", "10", "--chunk-nets", "4"];
        args.extend_from_slice(MANY_CELLS);
        args.extend_from_slice(&["--shard", &shard, "--out", s(&dir)]);
        let o = run(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dir
    };
    let (a, b) = (shard("0"), shard("1"));
    let out = d.path().join("merged");
    let args = ["merge", s(&out), s(&a), s(&b)];
    let child = frozen_when_locked(&args, &out.join(".xorsweep.lock"));
    let (code, stderr) = signal_frozen(child, libc::SIGHUP);
    assert_eq!(code, Some(129), "{stderr}");
    assert!(
        stderr.contains("SIGHUP") && !stderr.contains("--resume"),
        "{stderr}"
    );
    assert!(!out.join(".xorsweep.lock").exists());
    assert!(!out.join("manifest.json").exists());
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Merging into that finished folder again never suggests --resume, which merge lacks.
    let msg = fails(&run(&args), 2, &["--force"]);
    assert!(!msg.contains("--resume"), "{msg}");
}

#[test]
fn config_file_values_are_reported_at_their_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("c.toml");
    std::fs::write(&f, "seeds = 3\nchunk_nets = 0\n").unwrap();
    fails(
        &run(&["sweep", "--dry-run", "--config", s(&f)]),
        2,
        &["c.toml, line 2, column 14", "chunk_nets"],
    );
    for (text, key, line) in [
        ("epochs = 0\n", "epochs", 1),
        ("x = \"bogus\"\n", "x", 1),
        ("lr = 2\nzoom_factor = nan\n", "zoom_factor", 2),
        ("init = \"near-symmetric:1:1e-3,1e-2\"\n", "init", 1),
        ("x = \"lr-hidden:1..2:8193\"\n", "x", 1),
    ] {
        std::fs::write(&f, text).unwrap();
        fails(
            &run(&["map", "--config", s(&f), "--out", s(&d.path().join("m"))]),
            2,
            &[&format!("c.toml, line {line}"), key],
        );
    }
    assert!(!d.path().join("m").exists());
}

/// A line of /proc/PID/status (`SigCgt`, `State`), or None once the process is gone.
fn proc_status(pid: u32, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().to_string())
}

/// Whether process `pid` has a handler for `signal` installed (its bit in SigCgt).
fn catches(pid: u32, signal: libc::c_int) -> bool {
    proc_status(pid, "SigCgt")
        .and_then(|mask| u64::from_str_radix(&mask, 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

#[test]
fn compare_stops_on_sigterm_with_128_plus_n() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    // 5000 valid cells (a sweep's most): the comparison has work ahead of it once its handler
    // is installed, which the test sees in /proc (SigCgt) before freezing it there.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let header = summary.lines().next().unwrap();
    let one = format!("{header}\n{}\n", summary.lines().nth(1).unwrap());
    let mut big = format!("{header}\n");
    for k in 0..5000 {
        let lr = (k + 1).to_string();
        let mut row = with_value(&one, 0, "lr", &lr);
        for column in ["lr_hidden", "lr_out", "cell"] {
            row = with_value(&row, 0, column, &lr);
        }
        big.push_str(row.lines().nth(1).unwrap());
        big.push('\n');
    }
    std::fs::write(out.join("summary.csv"), big).unwrap();
    let ok = run(&["compare", s(&out), s(&out)]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // A try whose process finished before it was frozen says nothing; another is started.
    for _ in 0..50 {
        let mut child = Std::new(BIN)
            .args(["compare", s(&out), s(&out)])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut ended = false;
        while !catches(pid, libc::SIGTERM) {
            if child.try_wait().unwrap().is_some() {
                ended = true;
                break;
            }
            std::hint::spin_loop();
        }
        if ended {
            continue;
        }
        // Not waited for yet: the pid is this child's even if it has just ended.
        send(pid, libc::SIGSTOP);
        // Stopped, or already ended (a zombie until waited for).
        let state = loop {
            match proc_status(pid, "State") {
                Some(s) if s.starts_with('T') || s.starts_with('Z') => break s,
                Some(_) => std::hint::spin_loop(),
                None => break "gone".into(),
            }
        };
        if !state.starts_with('T') {
            let _ = child.wait();
            continue;
        }
        let (code, stderr) = signal_frozen(child, libc::SIGTERM);
        if code == Some(0) {
            continue; // frozen after its last check, while printing: it had finished
        }
        assert_eq!(code, Some(143), "{stderr}");
        assert!(
            stderr.contains("compare") && stderr.contains("SIGTERM"),
            "{stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        return;
    }
    panic!("compare finished before it could be frozen in 50 tries");
}

/// Run with files limited to `bytes` bytes (RLIMIT_FSIZE) and SIGXFSZ ignored, so a write past
/// the limit fails with EFBIG as a write to a full disk fails with ENOSPC: a start or a write
/// that fails part way, on any machine, without filling a disk.
fn file_size_limited(args: &[&str], bytes: u64) -> Output {
    let mut cmd = Std::new(BIN);
    cmd.args(args);
    // SAFETY: signal and setrlimit are async-signal-safe and touch only our stack.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    run_with(&mut cmd)
}

#[test]
fn a_start_that_cannot_write_leaves_no_lock_and_the_rerun_works() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    let args = [
        "sweep",
        "--quiet",
        "--lr",
        "1,2",
        "--seeds",
        "4",
        "--epochs",
        "20",
        "--out",
        s(&out),
    ];
    // Not even the lock's pid fits.
    let o = file_size_limited(&args, 0);
    fails(&o, 1, &["cannot write there"]);
    assert!(!out.join(".xorsweep.lock").exists());
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join(".xorsweep.lock").exists());
}

/// The names of the entries of `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn man_dir_writes_all_pages_or_none() {
    let d = tempfile::tempdir().unwrap();
    let full = d.path().join("full");
    let o = run(&["man", "--dir", s(&full)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut sizes: Vec<u64> = listing(&full)
        .iter()
        .map(|n| std::fs::metadata(full.join(n)).unwrap().len())
        .collect();
    sizes.sort_unstable();
    assert!(sizes.len() > 3 && sizes[0] < sizes[sizes.len() - 1]);
    // Room for the smaller pages, not for the largest: the write fails part way.
    let limit = sizes[sizes.len() - 1] - 1;
    let fresh = d.path().join("fresh");
    let o = file_size_limited(&["man", "--dir", s(&fresh)], limit);
    fails(&o, 1, &["man --dir", "no page was written"]);
    assert!(!fresh.exists(), "{:?}", listing(&fresh));
    // In a folder that was there: nothing of it left behind, nothing else touched.
    let there = d.path().join("there");
    std::fs::create_dir(&there).unwrap();
    std::fs::write(there.join("notes.txt"), "mine").unwrap();
    let o = file_size_limited(&["man", "--dir", s(&there)], limit);
    fails(&o, 1, &["no page was written"]);
    assert_eq!(listing(&there), ["notes.txt"]);
    // A folder name with a terminal escape is echoed escaped.
    let evil = d.path().join("m\u{1b}]0;x\u{7}");
    let o = run(&["man", "--dir", s(&evil)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("m\\x1b]0;x\\x07"), "{stdout}");
    assert_eq!(listing(&evil), listing(&full));
}

#[test]
fn a_failed_merge_says_to_rerun_it_and_the_plain_rerun_works() {
    let d = tempfile::tempdir().unwrap();
    let shard = |k: &str| -> PathBuf {
        let dir = d.path().join(format!("shard{k}"));
        let shard = format!("{k}/2");
        let mut args = vec!["sweep", "--quiet", "--epochs", "10", "--chunk-nets", "4"];
        args.extend_from_slice(MANY_CELLS);
        args.extend_from_slice(&["--shard", &shard, "--out", s(&dir)]);
        let o = run(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dir
    };
    let (a, b) = (shard("0"), shard("1"));
    let out = d.path().join("merged");
    let args = ["merge", s(&out), s(&a), s(&b)];
    // The small files fit, the reports of 500 cells do not.
    let o = file_size_limited(&args, 64 << 10);
    let msg = fails(&o, 1, &["run the same merge again"]);
    assert!(!msg.contains("--force"), "{msg}");
    assert!(!out.join(".xorsweep.lock").exists());
    assert!(!out.join("manifest.json").exists());
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("manifest.json").is_file());
    // What a merge that failed writing its last file leaves (every report, no manifest.json,
    // written last) is replaced by the same command too, without --force.
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn a_parquet_write_error_is_said_in_xorsweeps_words() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    // Many nets in small chunks: runs.parquet outgrows the limit before any other file does.
    let args = [
        "sweep",
        "--quiet",
        "--lr",
        "1",
        "--seeds",
        "20000",
        "--epochs",
        "5",
        "--chunk-nets",
        "256",
        "--runs-format",
        "parquet",
        "--out",
        s(&out),
    ];
    let o = file_size_limited(&args, 256 << 10);
    let msg = fails(&o, 1, &["runs.parquet", "File too large", "--resume"]);
    assert!(!msg.contains("External"), "{msg}");
}
