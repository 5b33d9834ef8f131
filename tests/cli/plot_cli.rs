//! The charts and report.html end to end: a tiny sweep writes all six PNGs and the page, and
//! `xorsweep plot` redraws them byte for byte from the CSV files alone.

use std::fs;
use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

const CHARTS: [&str; 7] = [
    "baseline_loss.png",
    "solved_by_lr.png",
    "loss_by_lr.png",
    "convergence_heatmap.png",
    "epochs_to_solve.png",
    "symmetry_breaking.png",
    "decision_boundaries.png",
];

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 10_000,
        "implausibly small PNG: {} bytes",
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn sweep(out: &Path, args: &[&str]) {
    cargo_bin_cmd!("xorsweep")
        .arg("sweep")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
}

/// Every chart is on the page as the SVG its drawing made for a phone: 380 pixels wide (shown
/// at that size), every text at 11 px or more (plotters writes size s as s / 1.24), and with
/// readouts on its marks.
fn page_charts_are_phone_sized(html: &str) {
    let svgs: Vec<&str> = html
        .split("<svg class=\"chart\"")
        .skip(1)
        .map(|s| &s[..s.find("</svg>").unwrap()])
        .collect();
    assert_eq!(svgs.len(), CHARTS.len());
    for svg in svgs {
        let name = &svg[..svg.find('>').unwrap()];
        assert!(svg.contains(" width=\"380\" "), "{name}");
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect();
        assert!(sizes.len() > 10, "{name}");
        let smallest = sizes.iter().copied().fold(f64::INFINITY, f64::min);
        assert!(smallest >= 11.0, "{name}: text at {smallest} px");
        assert!(
            svg.contains("<circle cx=") && svg.contains("data-say=\""),
            "{name}: no readouts"
        );
    }
}

#[test]
fn sweep_draws_every_chart_and_plot_redraws_them_identically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    sweep(
        &out,
        &[
            "--lr",
            "0.5,2,8",
            "--init",
            "lesson",
            "--init",
            "uniform:1",
            "--init",
            "symmetric:1",
            "--init",
            "near-symmetric:1:1e-3,1e-1",
            "--seeds",
            "8",
            "--epochs",
            "600",
        ],
    );
    let mut originals = Vec::new();
    for name in CHARTS.iter().chain(&["report.html"]) {
        let bytes = fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.ends_with(".png") {
            let (w, h) = png_size(&bytes);
            assert!(
                (600..=2000).contains(&w) && (400..=1200).contains(&h),
                "{name}: {w}×{h}"
            );
        }
        originals.push((name, bytes));
    }
    let html = String::from_utf8(originals[CHARTS.len()].1.clone()).unwrap();
    // Every chart is embedded in the page, byte for byte.
    for (name, bytes) in &originals[..CHARTS.len()] {
        use base64::Engine;
        let uri = base64::engine::general_purpose::STANDARD.encode(bytes);
        let at = html
            .find(&format!("data-file=\"{name}\""))
            .unwrap_or_else(|| panic!("{name} not on the page"));
        let img = html[..at]
            .rfind("<img src=\"data:image/png;base64,")
            .unwrap();
        assert!(
            html[img..at].contains(&uri),
            "{name} is not embedded as drawn"
        );
    }
    assert!(!html.contains("Not drawn"));
    page_charts_are_phone_sized(&html);

    for (name, _) in &originals {
        fs::remove_file(out.join(name)).unwrap();
    }
    // plot reads the files, not what the sweep held: each CSV is saved again as a spreadsheet
    // would (every field quoted, CRLF line ends), so the bytes plot reads are not the ones the
    // sweep wrote, and the charts must come out the same all the same.
    for file in ["summary.csv", "curves.csv", "examples.csv"] {
        let path = out.join(file);
        let before = fs::read(&path).unwrap();
        let mut r = csv::Reader::from_reader(&before[..]);
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(r.headers().unwrap()).unwrap();
        for record in r.records() {
            w.write_record(&record.unwrap()).unwrap();
        }
        let after = w.into_inner().unwrap();
        assert_ne!(after, before, "{file}");
        fs::write(&path, after).unwrap();
    }
    cargo_bin_cmd!("xorsweep")
        .arg("plot")
        .arg(&out)
        .assert()
        .success();
    for (name, bytes) in &originals {
        let again = fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(again == *bytes, "{name} differs when redrawn by plot");
    }
}

#[test]
fn charts_without_data_are_left_out_and_the_page_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    sweep(
        &out,
        &[
            "--lr",
            "1",
            "--init",
            "uniform:1",
            "--seeds",
            "4",
            "--epochs",
            "50",
        ],
    );
    for name in [
        "baseline_loss.png",
        "symmetry_breaking.png",
        "decision_boundaries.png",
    ] {
        assert!(!out.join(name).exists(), "{name} drawn without data");
    }
    for name in [
        "loss_by_lr.png",
        "convergence_heatmap.png",
        "epochs_to_solve.png",
    ] {
        png_size(&fs::read(out.join(name)).unwrap());
    }
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Not drawn for this sweep"));
    assert!(html.contains("<code>baseline_loss.png</code>: the sweep has no lesson init"));
}

#[test]
fn plot_of_a_folder_that_is_not_a_sweep_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for target in [dir.path().to_path_buf(), dir.path().join("missing")] {
        let out = cargo_bin_cmd!("xorsweep")
            .arg("plot")
            .arg(&target)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("not a xorsweep output folder") || err.contains("is not a folder"),
            "{err}"
        );
    }
    // Files that are there but are not what a sweep writes, in a folder marked as xorsweep's.
    fs::write(dir.path().join(".xorsweep"), "").unwrap();
    for f in ["sweep.toml", "summary.csv", "curves.csv", "examples.csv"] {
        fs::write(dir.path().join(f), "nonsense\n\"unclosed").unwrap();
    }
    let out = cargo_bin_cmd!("xorsweep")
        .arg("plot")
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("sweep.toml"), "{err}");
}
