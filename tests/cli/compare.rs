//! `xorsweep compare A B`: no difference between a folder and itself, a significant one between
//! 300 and 3000 epochs on the same grid (the configurations' difference said first, medians the
//! cap censors marked and not flagged), common cells of different grids, bad input refused.

use std::path::{Path, PathBuf};

use crate::common::{run_ok, xorsweep};

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

    assert_eq!(same["config_differences"], serde_json::json!([]));

    let diff = compare_json(&short, &long);
    assert_eq!(diff["identical"], false);
    // What differs between the configurations, first.
    assert_eq!(
        diff["config_differences"],
        serde_json::json!([{"key": "epochs", "a": "300", "b": "3000"}])
    );
    assert_eq!(
        (diff["epochs_a"].as_u64(), diff["epochs_b"].as_u64()),
        (Some(300), Some(3000))
    );
    // Medians an epoch cap censors: under half solved on a side, or the 300-epoch sweep the
    // faster one. Marked, never flagged; the others compared as usual.
    let mut censored = 0;
    for c in diff["cells"].as_array().unwrap() {
        let (a, b) = (&c["a"], &c["b"]);
        let (Some(ma), Some(mb)) = (
            a["median_solved_epoch"].as_f64(),
            b["median_solved_epoch"].as_f64(),
        ) else {
            assert_eq!(c["median_epoch_censored"], false, "{c}");
            continue;
        };
        let under_half =
            |s: &serde_json::Value| 2 * s["solved"].as_u64().unwrap() < s["nets"].as_u64().unwrap();
        let rule = under_half(a) || under_half(b) || ma < mb;
        assert_eq!(c["median_epoch_censored"], rule, "{c}");
        if rule {
            censored += 1;
            assert_eq!(c["median_epoch_significant"], false, "{c}");
        }
    }
    assert!(censored > 0, "{diff}");
    assert_eq!(diff["median_epoch_censored"], censored);
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
    assert!(
        text.starts_with("Configurations differ in epochs 300 in A, 3000 in B."),
        "{text}"
    );
    assert!(
        text.contains(" capped") && text.contains("censors the medians"),
        "{text}"
    );
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
        assert!(
            written
                .lines()
                .next()
                .unwrap()
                .ends_with(",median_epoch_censored"),
            "{written}"
        );
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

/// Columns of a row and the values they get.
type Edit<'a> = &'a [(&'a str, &'a str)];

/// `dir`'s summary.csv with the given columns of data line `line` (2 is the first row) set.
fn edit_summary(dir: &Path, line: usize, set: &[(&str, &str)]) {
    let path = dir.join("summary.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header = r.headers().unwrap().clone();
    let mut rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let row = &mut rows[line - 2];
    let mut fields: Vec<String> = row.iter().map(str::to_string).collect();
    for (column, value) in set {
        let i = header
            .iter()
            .position(|h| h == *column)
            .unwrap_or_else(|| panic!("no column {column}"));
        fields[i] = value.to_string();
    }
    *row = csv::StringRecord::from(fields);
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&header).unwrap();
    for row in &rows {
        w.write_record(row).unwrap();
    }
    w.flush().unwrap();
}

/// Copy the sweep folder `from` (its summary.csv is all compare reads) to `dir/name`.
fn copy_of(from: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::create_dir(&to).unwrap();
    std::fs::copy(from.join("summary.csv"), to.join("summary.csv")).unwrap();
    to
}

/// Run `compare a b` and expect exit 2 with one line of stderr holding every one of `needles`.
fn refused(a: &Path, b: &Path, needles: &[&str]) -> String {
    let run = xorsweep().arg("compare").args([a, b]).output().unwrap();
    let err = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(2), "{needles:?}: {err}");
    assert!(
        run.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in: {err}");
    }
    err
}

#[test]
fn impossible_summaries_are_refused_at_their_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let a = sweep(d.path(), "a", &["--lr", "1,4", "--epochs", "100"]);
    let cases: &[(Edit, &[&str])] = &[
        (&[("solved", "999")], &["column solved", "999", "200 nets"]),
        (&[("nets", "0")], &["column nets", "0"]),
        (
            &[("solved_fraction", "NaN")],
            &["column solved_fraction", "NaN"],
        ),
        (
            &[("solved", "0"), ("solved_fraction", "0.5")],
            &["column solved_fraction", "0 solved of 200"],
        ),
        (&[("lr", "NaN")], &["column lr", "NaN"]),
        (&[("lr", "-1"), ("lr_hidden", "-1")], &["column lr", "-1"]),
        (
            &[("solved_epoch_median", "-5")],
            &["column solved_epoch_median", "-5"],
        ),
        (&[("momentum", "7")], &["column momentum", "7"]),
        (&[("weight_decay", "-1")], &["column weight_decay"]),
        (&[("lr_out", "inf")], &["column lr_out"]),
        (
            &[
                ("solved", "0"),
                ("solved_fraction", "0"),
                ("solved_ci95_low", "0.9"),
            ],
            &["solved_ci95_low", "0.9"],
        ),
        (
            &[("lr", "0.5"), ("lr_hidden", "2")],
            &["columns lr and lr_hidden", "0.5", "2"],
        ),
    ];
    for (k, (set, needles)) in cases.iter().enumerate() {
        let b = copy_of(&a, d.path(), &format!("b{k}"));
        edit_summary(&b, 3, set);
        let mut want = vec!["summary.csv", "line 3"];
        want.extend_from_slice(needles);
        refused(&a, &b, &want);
        // The same file as A is refused the same way, naming A's side.
        refused(&b, &a, &want);
    }

    // Empty, header only, more cells than a sweep can have.
    let text = std::fs::read_to_string(a.join("summary.csv")).unwrap();
    let header = text.lines().next().unwrap();
    let row = text.lines().nth(1).unwrap();
    let many = format!("{header}\n{}", format!("{row}\n").repeat(20_000));
    for (name, content, needle) in [
        ("empty", String::new(), "no cells"),
        ("header", format!("{header}\n"), "no cells"),
        ("many", many, "20000 cells, more than the 5000"),
    ] {
        let b = d.path().join(name);
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("summary.csv"), content).unwrap();
        refused(&a, &b, &["summary.csv", needle]);
    }
}

#[test]
fn fifos_and_devices_are_refused_without_waiting() {
    let d = tempfile::tempdir().unwrap();
    let a = sweep(d.path(), "a", &["--lr", "1", "--epochs", "50"]);
    let fifo = d.path().join("fifo");
    std::fs::create_dir(&fifo).unwrap();
    let c = std::ffi::CString::new(fifo.join("summary.csv").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // No writer ever opens it: a blocking open would never return (the test would hang).
    refused(&a, &fifo, &["summary.csv", "FIFO"]);
    let zero = d.path().join("zero");
    std::fs::create_dir(&zero).unwrap();
    std::os::unix::fs::symlink("/dev/zero", zero.join("summary.csv")).unwrap();
    refused(&a, &zero, &["summary.csv", "character device"]);
}

#[test]
fn sweeps_with_no_cell_in_common_are_refused_saying_why() {
    let d = tempfile::tempdir().unwrap();
    let a = sweep(d.path(), "a", &["--lr", "1,2", "--epochs", "50"]);
    let b = sweep(d.path(), "b", &["--lr", "4,8", "--epochs", "60"]);
    let err = refused(
        &a,
        &b,
        &[
            "no cell in common",
            "lr is 1, 2 in A, 4, 8 in B",
            "sweep.toml differ in epochs 50 in A, 60 in B",
        ],
    );
    assert!(!err.contains("momentum"), "{err}");
}

#[test]
fn labels_and_folder_names_are_escaped_on_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    let a = sweep(d.path(), "a", &["--lr", "1,4", "--epochs", "100"]);
    let evil = "b\u{1b}]0;pwned\u{7}";
    let b = copy_of(&a, d.path(), evil);
    // A cell only B has: its label is listed as B's.
    edit_summary(
        &b,
        3,
        &[
            ("lr", "8"),
            ("lr_hidden", "8"),
            ("lr_out", "8"),
            ("label", "x\u{1b}[2J\u{7}"),
        ],
    );
    let run = run_ok(
        xorsweep()
            .arg("compare")
            .args([&a, &b])
            .env("COLUMNS", "200"),
    );
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("b\\x1b]0;pwned\\x07"), "{out}");
    assert!(out.contains("x\\x1b[2J\\x07"), "{out}");
    // JSON keeps the values as they are (escaped by JSON itself).
    let json = compare_json(&a, &b);
    assert!(json["b"].as_str().unwrap().ends_with(evil), "{json}");
    // B is a copy of a summary.csv alone: its configuration, and so its epoch cap, is unknown.
    assert!(
        json["config_differences"].is_null() && json["epochs_b"].is_null(),
        "{json}"
    );
    assert!(out.starts_with("Configurations: unknown"), "{out}");
    // An error echoing the folder escapes it too.
    std::fs::remove_file(b.join("summary.csv")).unwrap();
    let run = xorsweep().arg("compare").args([&a, &b]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(
        !run.stderr.contains(&0x1b),
        "{:?}",
        String::from_utf8_lossy(&run.stderr)
    );
}
