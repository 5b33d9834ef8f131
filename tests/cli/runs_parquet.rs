//! runs.parquet (`--runs-format parquet`): read back with the parquet crate, it holds the same
//! rows and values as runs.csv (numbers bit for bit, nulls where runs.csv is empty), in row
//! groups of a fixed size; and its bytes are the same for any thread count, chunk size, shard
//! split or resume. Also runs.csv's `solved` column and the spreadsheet warning.

use std::fs::File;
use std::path::Path;

use crate::common::{frozen_after_chunks, signal_frozen, xorsweep};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use xorsweep::report::runs::parquet::ROW_GROUP_ROWS;

/// A grid with every kind of cell: lesson (no scale or eps), uniform, symmetric (never solves),
/// near-symmetric (eps), and a target loss that some nets reach and some do not.
const GRID: &[&str] = &[
    "sweep",
    "--lr",
    "0.5,2,30",
    "--init",
    "lesson",
    "--init",
    "uniform:1",
    "--init",
    "uniform:8",
    "--init",
    "symmetric:1",
    "--init",
    "near-symmetric:1:1e-3,1e-1",
    "--seeds",
    "20",
    "--epochs",
    "1500",
    "--target-loss",
    "0.01",
    "--quiet",
];

fn sweep(out: &Path, args: &[&str], extra: &[&str]) {
    xorsweep()
        .args(args)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

/// The rows of a Parquet file: (column names, rows of fields), and its row groups' sizes.
fn read_parquet(path: &Path) -> (Vec<String>, Vec<Vec<Field>>, Vec<i64>) {
    let reader = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
    let meta = reader.metadata();
    let groups = meta.row_groups().iter().map(|g| g.num_rows()).collect();
    let names = meta
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| {
            r.unwrap()
                .get_column_iter()
                .map(|(_, f)| f.clone())
                .collect()
        })
        .collect();
    (names, rows, groups)
}

/// Whether a Parquet field holds what a runs.csv cell says, exactly.
fn same(field: &Field, cell: &str) -> bool {
    match field {
        Field::Null => cell.is_empty(),
        Field::Double(x) => cell
            .parse::<f64>()
            .is_ok_and(|c| c.to_bits() == x.to_bits() || (c.is_nan() && x.is_nan())),
        Field::ULong(x) => cell.parse() == Ok(*x),
        Field::UInt(x) => cell.parse() == Ok(*x),
        Field::UByte(x) => cell.parse() == Ok(*x),
        Field::Str(s) => s == cell,
        other => panic!("runs.parquet has an unexpected field type: {other:?}"),
    }
}

#[test]
fn parquet_holds_the_rows_and_values_of_runs_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (csv_out, pq_out) = (dir.path().join("csv"), dir.path().join("pq"));
    sweep(&csv_out, GRID, &[]);
    sweep(&pq_out, GRID, &["--runs-format", "parquet"]);
    assert!(!pq_out.join("runs.csv").exists() && !csv_out.join("runs.parquet").exists());
    for f in ["summary.csv", "curves.csv", "examples.csv"] {
        assert_eq!(
            std::fs::read(csv_out.join(f)).unwrap(),
            std::fs::read(pq_out.join(f)).unwrap(),
            "{f} does not depend on the runs format"
        );
    }
    let toml = std::fs::read_to_string(pq_out.join("sweep.toml")).unwrap();
    assert!(toml.contains("runs_format = \"parquet\""), "{toml}");
    assert!(
        !std::fs::read_to_string(csv_out.join("sweep.toml"))
            .unwrap()
            .contains("runs_format"),
        "a csv sweep's sweep.toml (and hash) is as before"
    );

    let mut r = csv::Reader::from_path(csv_out.join("runs.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let csv_rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let (names, rows, groups) = read_parquet(&pq_out.join("runs.parquet"));
    assert_eq!(names, header, "same columns, same order");
    assert_eq!(rows.len(), csv_rows.len());
    assert_eq!(rows.len(), 3 + 20 * 3 * 5, "every net of the grid");
    assert_eq!(groups, [rows.len() as i64]);

    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut seen_null = vec![false; header.len()];
    let mut seen_value = vec![false; header.len()];
    for (i, (p, c)) in rows.iter().zip(&csv_rows).enumerate() {
        for (k, (field, cell)) in p.iter().zip(c.iter()).enumerate() {
            assert!(
                same(field, cell),
                "row {i} column {}: parquet {field:?} vs csv '{cell}'",
                header[k]
            );
            seen_null[k] |= matches!(field, Field::Null);
            seen_value[k] |= !matches!(field, Field::Null);
        }
        // runs.csv's `solved` is 1 exactly when `solved_epoch` is set.
        let solved = &c[col("solved")];
        assert_eq!(solved == "1", !c[col("solved_epoch")].is_empty(), "row {i}");
        assert!(solved == "0" || solved == "1");
    }
    // The comparison is not vacuous: typed values and nulls were both compared where they occur.
    for name in ["scale", "eps", "solved_epoch", "target_epoch"] {
        assert!(seen_null[col(name)] && seen_value[col(name)], "{name}");
    }
    assert!(matches!(rows[0][col("run")], Field::ULong(0)));
    assert!(matches!(rows[0][col("lr")], Field::Double(_)));
    assert!(matches!(rows[0][col("epochs")], Field::UInt(1500)));
    assert!(matches!(rows[0][col("correct")], Field::UByte(_)));
    let solved: Vec<&str> = csv_rows.iter().map(|r| &r[col("solved")]).collect();
    assert!(solved.contains(&"0") && solved.contains(&"1"));
}

/// 4 × 16 500 = 66 000 nets: more than one row group.
const BIG: &[&str] = &[
    "sweep",
    "--lr",
    "0.5,1,2,4",
    "--init",
    "uniform:1",
    "--seeds",
    "16500",
    "--epochs",
    "40",
    "--quiet",
    "--runs-format",
    "parquet",
];

#[test]
fn parquet_bytes_do_not_depend_on_threads_chunks_or_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    sweep(&d("one"), BIG, &["--threads", "1"]);
    sweep(
        &d("three"),
        BIG,
        &["--threads", "3", "--chunk-nets", "1000"],
    );
    for k in 0..3 {
        sweep(
            &d(&format!("s{k}")),
            BIG,
            &["--shard", &format!("{k}/3"), "--chunk-nets", "1000"],
        );
    }
    xorsweep()
        .args(["merge"])
        .arg(d("merged"))
        .args([d("s0"), d("s1"), d("s2")])
        .assert()
        .success();
    let want = std::fs::read(d("one").join("runs.parquet")).unwrap();
    for other in ["three", "merged"] {
        assert!(
            std::fs::read(d(other).join("runs.parquet")).unwrap() == want,
            "{other}/runs.parquet differs"
        );
    }
    let (_, rows, groups) = read_parquet(&d("one").join("runs.parquet"));
    assert_eq!(rows.len(), 66_000);
    assert_eq!(
        groups,
        [ROW_GROUP_ROWS as i64, 66_000 - ROW_GROUP_ROWS as i64]
    );
    for (i, r) in rows.iter().enumerate() {
        assert!(matches!(r[0], Field::ULong(run) if run == i as u64));
    }
}

#[test]
fn an_interrupted_parquet_sweep_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = [
        "sweep",
        "--lr",
        "0.5,2",
        "--init",
        "uniform:1",
        "--seeds",
        "6000",
        "--epochs",
        "3000",
        "--chunk-nets",
        "500",
        "--threads",
        "1",
        "--quiet",
        "--runs-format",
        "parquet",
    ]
    .map(String::from)
    .to_vec();
    let whole = dir.path().join("whole");
    sweep(
        &whole,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    let cut = dir.path().join("cut");
    let mut run = args.clone();
    run.extend(["--out".into(), cut.display().to_string()]);
    let child = frozen_after_chunks(&run, &cut, 2);
    let (code, stderr) = signal_frozen(child, libc::SIGINT);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(!cut.join("runs.parquet").exists(), "no half-written file");
    run.push("--resume".into());
    xorsweep().args(&run).assert().success();
    assert!(
        std::fs::read(cut.join("runs.parquet")).unwrap()
            == std::fs::read(whole.join("runs.parquet")).unwrap(),
        "the resumed runs.parquet differs"
    );
}

#[test]
fn a_runs_csv_too_long_for_a_spreadsheet_is_warned_of() {
    use xorsweep::pipeline::{SPREADSHEET_ROWS, runs_csv_warning};
    use xorsweep::sweep::config::{RunsCsv, RunsFormat, SweepConfig};
    use xorsweep::sweep::plan::Plan;
    let config = |seeds: u32, runs_csv: RunsCsv, runs_format: RunsFormat| SweepConfig {
        trainer: xorsweep::hyper::TrainerAxes {
            lr: Some("1,2".parse().unwrap()),
            ..Default::default()
        },
        init: vec!["uniform:1".parse().unwrap()],
        seeds,
        runs_csv,
        runs_format,
        ..Default::default()
    };
    let fits = (SPREADSHEET_ROWS / 2 - 1) as u32;
    let over = (SPREADSHEET_ROWS / 2) as u32;
    let warn = |c| runs_csv_warning(&Plan::new(c));
    assert_eq!(warn(config(fits, RunsCsv::All, RunsFormat::Csv)), None);
    let w = warn(config(over, RunsCsv::All, RunsFormat::Csv)).expect("a warning");
    assert!(
        w.contains("1048576 rows")
            && w.contains("--runs-csv sample:N")
            && w.contains("--runs-format parquet"),
        "{w}"
    );
    assert_eq!(
        warn(config(over, RunsCsv::Sample(100_000), RunsFormat::Csv)),
        None
    );
    assert_eq!(warn(config(over, RunsCsv::All, RunsFormat::Parquet)), None);

    // The dry run says so too, and writes nothing.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = xorsweep()
        .args([
            "sweep",
            "--seeds",
            "5000",
            "--epochs",
            "10",
            "--dry-run",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("warning: runs.csv will have 1600017 rows"),
        "{text}"
    );
    assert!(!out.exists());
}
