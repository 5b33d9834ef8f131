//! A man page per subcommand listing its options; completions that offer init schemes, axes
//! and value lists; one error style with "did you mean"; a dry run that refuses what the run
//! refuses and speaks in human units; and the line charts' default init.

use std::path::Path;

use crate::common::{run_ok, xorsweep};
use clap::CommandFactory;
use xorsweep::cli::{Cli, SUBCOMMANDS};

/// How clap_mangen writes a long option in roff: `\-\-runs\-format`.
fn roff_long(long: &str) -> String {
    format!("\\-\\-{}", long.replace('-', "\\-"))
}

#[test]
fn every_subcommand_has_a_man_page_listing_its_options() {
    let cmd = Cli::command();
    let names: Vec<&str> = cmd
        .get_subcommands()
        .map(|s| s.get_name())
        .filter(|n| *n != "help")
        .collect();
    assert_eq!(
        names, SUBCOMMANDS,
        "`man SUBCOMMAND` takes every subcommand"
    );
    let mut options = 0;
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        let out = xorsweep().args(["man", name]).output().unwrap();
        assert!(out.status.success(), "man {name}");
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(
            page.contains(&format!(".TH xorsweep-{name} 1")),
            "man {name}: {page}"
        );
        // Hidden flags (bench's --lr, which it refuses with a message) are in no help text.
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                assert!(page.contains(&roff_long(long)), "man {name} lacks --{long}");
                options += 1;
            }
        }
    }
    assert!(options > 50, "only {options} options checked");
    let sweep = xorsweep().args(["man", "sweep"]).output().unwrap();
    let page = String::from_utf8_lossy(&sweep.stdout);
    assert!(page.contains("parquet") && page.contains(&roff_long("dry-run")));

    let out = xorsweep().args(["man", "swep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sweep"));
}

#[test]
fn man_pages_show_values_in_the_synopsis_and_examples_line_for_line() {
    let page = xorsweep().args(["man", "sweep"]).output().unwrap().stdout;
    let page = String::from_utf8_lossy(&page);
    let synopsis = page.split(".SH SYNOPSIS\n").nth(1).unwrap();
    let synopsis = synopsis.lines().next().unwrap();
    for item in [
        "[\\-\\-lr <SPEC>]",
        "[\\-j|\\-\\-threads <N>]",
        "[\\-\\-init <SPEC>]...",
        "[\\-\\-dry\\-run]",
    ] {
        assert!(synopsis.contains(item), "{item} not in {synopsis}");
    }
    assert!(!page.contains(".SH EXTRA"), "{page}");
    // The examples in no-fill mode, a comment on its command's line.
    let examples = page.split(".SH EXAMPLES\n.nf\n").nth(1).unwrap();
    let examples = examples.split("\n.fi\n").next().unwrap();
    assert!(
        examples
            .lines()
            .next()
            .unwrap()
            .starts_with("xorsweep sweep ")
            && examples.contains("\\-\\-resume          # finish an interrupted sweep"),
        "{examples}"
    );
    assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    let compare = xorsweep().args(["man", "compare"]).output().unwrap().stdout;
    let compare = String::from_utf8_lossy(&compare);
    assert!(
        compare.contains("\\fBxorsweep compare\\fR <A> <B> [\\-\\-json] [\\-\\-csv <FILE>]"),
        "{compare}"
    );
}

#[test]
fn help_fits_80_columns() {
    let mut subs: Vec<&str> = SUBCOMMANDS.to_vec();
    subs.push("");
    for sub in subs {
        let out = xorsweep()
            .args([sub, "--help"].into_iter().filter(|a| !a.is_empty()))
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        assert!(out.status.success(), "{sub}");
        let help = String::from_utf8(out.stdout).unwrap();
        for line in help.lines() {
            assert!(line.chars().count() <= 80, "{sub}: {line:?}");
        }
        // Wrapped, not cut: a long help still holds every word.
        assert!(help.lines().count() > 5, "{sub}: {help}");
    }
}

/// What bash's completion of `words` (the last one being completed) offers, run in `dir`.
fn bash_completes(script: &Path, dir: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _xorsweep xorsweep '{}' '{}' 2>/dev/null; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2]
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &line])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn bash_completion_offers_values_never_file_names_for_choices() {
    let d = tempfile::tempdir().unwrap();
    let script = d.path().join("xorsweep.bash");
    let bash = xorsweep()
        .args(["completions", "bash"])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(&script, &bash).unwrap();
    // A file the completion must not offer where a value goes.
    std::fs::write(d.path().join("sigmoid-notes.txt"), "").unwrap();
    let activation = bash_completes(
        &script,
        d.path(),
        &["xorsweep", "sweep", "--activation", ""],
    );
    assert_eq!(activation, ["sigmoid", "tanh", "relu", "identity"]);
    let t = bash_completes(&script, d.path(), &["xorsweep", "map", "--activation", "t"]);
    assert_eq!(t, ["tanh"]);
    for (sub, flag, want) in [
        ("sweep", "--output", "linear"),
        ("sweep", "--loss", "bce"),
        ("bench", "--batch", "online"),
        ("sweep", "--precision", "f32"),
        ("map", "--measure", "converged"),
        ("sweep", "--runs-csv", "sample:"),
    ] {
        let offered = bash_completes(&script, d.path(), &["xorsweep", sub, flag, ""]);
        assert!(
            offered.iter().any(|o| o == want),
            "{sub} {flag}: {offered:?}"
        );
        assert!(
            !offered.iter().any(|o| o.contains("notes")),
            "{sub} {flag}: {offered:?}"
        );
    }
    // Numbers and specs: nothing offered, least of all the files here.
    let epochs = bash_completes(&script, d.path(), &["xorsweep", "sweep", "--epochs", "s"]);
    assert!(!epochs.iter().any(|o| o.contains("notes")), "{epochs:?}");
    // File names only where a file goes.
    let text = String::from_utf8(bash).unwrap();
    let mut flag = "";
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('-') && t.ends_with(')') {
            flag = t;
        }
        if t.contains("compgen -f") {
            assert!(
                ["--config)", "--csv)"].contains(&flag),
                "{flag} completes file names"
            );
        }
    }
}

#[test]
fn man_dir_writes_every_page_and_replaces_only_its_own() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("man1");
    for _ in 0..2 {
        // The second time it replaces its own pages.
        xorsweep()
            .args(["man", "--dir"])
            .arg(&dir)
            .assert()
            .success();
    }
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = SUBCOMMANDS
        .iter()
        .map(|s| format!("xorsweep-{s}.1"))
        .chain(["xorsweep.1".to_string()])
        .collect();
    want.sort();
    assert_eq!(files, want);
    let top = std::fs::read_to_string(dir.join("xorsweep.1")).unwrap();
    let printed = xorsweep().arg("man").output().unwrap().stdout;
    assert_eq!(top.as_bytes(), printed, "the file is the printed page");

    // Someone else's file of that name is never replaced, and nothing is written.
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("xorsweep-map.1"), "my own notes\n").unwrap();
    let out = xorsweep()
        .args(["man", "--dir"])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: man --dir") && err.contains("xorsweep-map.1"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_to_string(other.join("xorsweep-map.1")).unwrap(),
        "my own notes\n"
    );
}

#[test]
fn completions_offer_schemes_axes_and_value_lists() {
    let bash = xorsweep().args(["completions", "bash"]).output().unwrap();
    let bash = String::from_utf8_lossy(&bash.stdout);
    // sweep --init and --chart-init, map --init: the schemes; map --x/--y: the axes.
    let schemes = "compgen -W \"lesson uniform normal symmetric near-symmetric\"";
    assert!(bash.matches(schemes).count() >= 4, "{bash}");
    assert!(
        bash.matches("compgen -W \"lr lr-hidden lr-out momentum weight-decay clip eps scale w11 w12 b1 w21 w22 b2 v1 v2 c\"")
            .count()
            >= 2
    );
    assert!(bash.contains("compgen -W \"csv parquet\""));
    assert!(bash.contains("compgen -W \"all none sample:\""));
    assert!(
        bash.contains("--dir --help baseline sweep replay bench plot merge completions man map")
    );
    let zsh = xorsweep().args(["completions", "zsh"]).output().unwrap();
    let zsh = String::from_utf8_lossy(&zsh.stdout);
    assert!(zsh.contains("near-symmetric") && zsh.contains("lr-hidden"));

    // The offered names are hints, not limits, and --help does not present them as such.
    let help = xorsweep().args(["sweep", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(!help.contains("possible values: lesson"), "{help}");
}

/// Run `args`, expecting exit code 2 and a message `error: ...` whose first line contains
/// `needles`; one line only for errors found past clap (clap adds a hint below its own).
fn usage_error(args: &[&str], needles: &[&str]) {
    let out = xorsweep().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    if !err.contains("For more information, try") {
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
    let first = err.lines().next().unwrap_or_default();
    for n in needles {
        assert!(first.contains(n), "{args:?}: '{first}' lacks '{n}'");
    }
}

#[test]
fn one_error_style_and_did_you_mean() {
    let d = tempfile::tempdir().unwrap();
    let o = d.path().join("o");
    let o = o.to_str().unwrap();
    usage_error(
        &["sweep", "--init", "unifrom:1", "-o", o],
        &["--init", "did you mean 'uniform'?"],
    );
    usage_error(
        &["sweep", "--init", "near-symetric:1:1e-3", "-o", o],
        &["did you mean 'near-symmetric'?"],
    );
    usage_error(
        &["sweep", "--init", "gaussian:1", "-o", o],
        &["unknown init scheme 'gaussian' (expected"],
    );
    usage_error(
        &["map", "--x", "lr-hiden:1..10:8", "-o", o],
        &["--x", "did you mean 'lr-hidden'?"],
    );
    usage_error(
        &["map", "--y", "scal:1..10:8", "-o", o],
        &["--y", "did you mean 'scale'?"],
    );
    usage_error(
        &["sweep", "--runs-csv", "sometimes", "-o", o],
        &["--runs-csv"],
    );
    assert!(!Path::new(o).exists(), "nothing written");
    // clap's own errors share the prefix.
    let out = xorsweep()
        .args(["sweep", "--runs-format", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("parquet"),
        "{err}"
    );
}

const TINY: &[&str] = &[
    "sweep",
    "--lr",
    "1,4",
    "--init",
    "uniform:1",
    "--seeds",
    "8",
    "--epochs",
    "40",
    "--quiet",
];

/// (exit code, stderr) of `args` with `extra`.
fn status(args: &[&str], extra: &[&str], out: &Path) -> (Option<i32>, String) {
    let o = xorsweep()
        .args(args)
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn dry_run_refuses_what_the_run_refuses() {
    let d = tempfile::tempdir().unwrap();
    // An earlier run's results.
    let done = d.path().join("done");
    assert_eq!(status(TINY, &[], &done).0, Some(0));
    let run = status(TINY, &[], &done);
    let dry = status(TINY, &["--dry-run"], &done);
    assert_eq!(run.0, Some(2));
    assert_eq!(dry, run, "same exit code, same message");
    assert!(dry.1.contains("folder is not empty"), "{}", dry.1);

    // Someone else's folder.
    let theirs = d.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
    let run = status(TINY, &[], &theirs);
    assert_eq!(run.0, Some(2));
    assert_eq!(status(TINY, &["--dry-run"], &theirs), run);
    assert_eq!(status(TINY, &["--dry-run", "--force"], &theirs).0, Some(2));

    // A file where the folder goes.
    let file = d.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let run = status(TINY, &[], &file);
    assert_eq!(run.0, Some(2));
    assert_eq!(status(TINY, &["--dry-run"], &file), run);

    // A --resume with other arguments, and a --chart-init the sweep lacks.
    let other = ["--seed", "7"];
    let resume = status(&[TINY, &other[..]].concat(), &["--resume"], &done);
    assert_eq!(resume.0, Some(2));
    assert!(resume.1.contains("differs in: seed"), "{}", resume.1);
    assert_eq!(
        status(
            &[TINY, &other[..]].concat(),
            &["--resume", "--dry-run"],
            &done
        ),
        resume
    );
    let chart = status(TINY, &["--chart-init", "uniform:2", "--force"], &done);
    assert_eq!(chart.0, Some(2));
    assert_eq!(
        status(
            TINY,
            &["--chart-init", "uniform:2", "--force", "--dry-run"],
            &done
        ),
        chart
    );

    // What it accepts: --force on its own folder, --resume of the same sweep; nothing written.
    let before = std::fs::read(done.join("summary.csv")).unwrap();
    assert_eq!(status(TINY, &["--dry-run", "--force"], &done).0, Some(0));
    assert_eq!(status(TINY, &["--dry-run", "--resume"], &done).0, Some(0));
    assert_eq!(std::fs::read(done.join("summary.csv")).unwrap(), before);
}

#[test]
fn dry_run_speaks_human_units_and_lists_its_files() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = xorsweep()
        .args(TINY)
        .args(["--dry-run", "--runs-format", "parquet", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for line in text.lines().filter(|l| l.contains("peak")) {
        let (_, size) = line.split_once("about ").expect(line);
        let (number, unit) = size.split_once(' ').expect(line);
        assert!(["B", "KiB", "MiB", "GiB", "TiB"].contains(&unit), "{line}");
        let x: f64 = number.parse().expect(line);
        assert!(x < 1024.0, "{line}: not the largest unit");
        assert!(unit == "B" || number.contains('.'), "{line}");
    }
    for f in [
        "runs.parquet (16 rows",
        "summary.csv",
        "curves.csv",
        "examples.csv",
        "loss_by_lr.png",
        "report.html",
        "sweep.toml",
        "manifest.json",
        "chunks/",
    ] {
        assert!(text.contains(f), "{f} not listed: {text}");
    }
    assert!(!text.contains("runs.csv"), "{text}");
    assert!(!out.exists());
}

/// The files a dry run lists are those the run then writes, for a sweep like the default one (the
/// lesson's run and clones drawn, no trainer option varied: no what_matters.png) and for an
/// options sweep (what_matters.png; no lesson, clones or boundaries); and its estimate holds
/// together: a median within its repeats' range, the reports a part of it, a calibration of the
/// sweep's cells at no more than its epochs.
#[test]
fn dry_run_lists_the_files_the_sweep_writes() {
    let d = tempfile::tempdir().unwrap();
    let default_like: &[&str] = &[
        "--init",
        "lesson",
        "--init",
        "uniform:1",
        "--init",
        "symmetric:1",
        "--init",
        "near-symmetric:1:1e-3",
    ];
    let options: &[&str] = &[
        "--init",
        "uniform:1",
        "--activation",
        "sigmoid,tanh",
        "--momentum",
        "0,0.9",
        "--loss",
        "mse,bce",
    ];
    let common = [
        "sweep", "-q", "--lr", "1,4", "--seeds", "8", "--epochs", "40",
    ];
    let mut lists = Vec::new();
    for (i, grid) in [default_like, options].into_iter().enumerate() {
        let out = d.path().join(format!("o{i}"));
        let sweep = || {
            let mut c = xorsweep();
            c.args(common).args(grid).arg("-o").arg(&out);
            c
        };
        let dry = run_ok(sweep().args(["--dry-run", "--json"]));
        let j: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
        let mut listed: Vec<String> = j["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().split(" (").next().unwrap().to_string())
            .filter(|f| f != "chunks/")
            .collect();
        let (lo, hi) = (
            j["estimated_seconds_range"][0].as_f64().unwrap(),
            j["estimated_seconds_range"][1].as_f64().unwrap(),
        );
        let estimate = j["estimated_seconds"].as_f64().unwrap();
        assert!(0.0 < lo && lo <= estimate && estimate <= hi, "{j}");
        assert!(j["reports_seconds"].as_f64().unwrap() < estimate, "{j}");
        assert_eq!(j["calibration_repeats"], 3);
        assert!(j["calibration_nets"].as_u64().unwrap() >= j["cells"].as_u64().unwrap());
        assert!(j["calibration_epochs"].as_u64().unwrap() <= 40, "{j}");
        run_ok(&mut sweep());
        let mut written: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        listed.sort();
        written.sort();
        assert_eq!(listed, written, "{}", grid.join(" "));
        lists.push(listed);
    }
    let has = |i: usize, f: &str| lists[i].iter().any(|l| l == f);
    assert!(has(0, "baseline_loss.png") && has(0, "symmetry_breaking.png"));
    assert!(!has(0, "what_matters.png"), "{:?}", lists[0]);
    assert!(has(1, "what_matters.png"), "{:?}", lists[1]);
    for skipped in [
        "baseline_loss.png",
        "symmetry_breaking.png",
        "decision_boundaries.png",
    ] {
        assert!(!has(1, skipped), "{skipped}: {:?}", lists[1]);
    }
}

#[test]
fn line_charts_default_to_uniform_1_in_sweep_merge_and_plot() {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| d.path().join(n);
    let grid = [
        "sweep",
        "--lr",
        "1,4",
        "--init",
        "uniform:0.5",
        "--init",
        "uniform:1",
        "--seeds",
        "8",
        "--epochs",
        "300",
        "--chunk-nets",
        "8",
        "--quiet",
    ];
    let chart = |dir: &Path| std::fs::read(dir.join("loss_by_lr.png")).unwrap();
    assert_eq!(status(&grid, &[], &p("default")).0, Some(0));
    assert_eq!(
        status(&grid, &["--chart-init", "uniform:1"], &p("one")).0,
        Some(0)
    );
    assert_eq!(
        status(&grid, &["--chart-init", "uniform:0.5"], &p("half")).0,
        Some(0)
    );
    assert!(chart(&p("default")) == chart(&p("one")));
    assert!(
        chart(&p("default")) != chart(&p("half")),
        "the charts differ"
    );
    for k in 0..2 {
        let shard = format!("{k}/2");
        assert_eq!(
            status(&grid, &["--shard", &shard], &p(&format!("s{k}"))).0,
            Some(0)
        );
    }
    xorsweep()
        .arg("merge")
        .arg(p("merged"))
        .args([p("s0"), p("s1")])
        .assert()
        .success();
    assert!(chart(&p("merged")) == chart(&p("one")), "merge's default");
    xorsweep().arg("plot").arg(p("half")).assert().success();
    assert!(chart(&p("half")) == chart(&p("one")), "plot's default");
}
