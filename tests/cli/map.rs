//! `xorsweep map`: pixels against the scalar reference, every output file, reruns from map.toml,
//! the same bytes for any thread count, and every bad spec refused before anything is written.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::xorsweep;
use indicatif::ProgressBar;
use xorsweep::map::compute::{Base, compute};
use xorsweep::map::spec::{MapConfig, MapPatch, Measure, resolve};
use xorsweep::train::{Activation, Hyper, Net, Options, OutputUnit, Params, TrainSpec, reference};

/// The reference's measures of one pixel: (final loss, mean loss/loss₀, solved epoch, trained).
fn by_reference(p: Params, r: Hyper, epochs: u32) -> (f64, f64, Option<u32>, bool) {
    by_reference_with(p, r, Options::LESSON, epochs)
}

fn by_reference_with(
    p: Params,
    r: Hyper,
    options: Options,
    epochs: u32,
) -> (f64, f64, Option<u32>, bool) {
    let spec = TrainSpec::new(epochs, (0..=epochs).collect(), None);
    let net = Net {
        init: p,
        hyper: r,
        options,
    };
    let (o, curve) = reference::train(&net, &spec);
    let mean = curve.loss.iter().sum::<f64>() / f64::from(epochs + 1) / curve.loss[0];
    (o.final_loss, mean, o.solved_epoch, o.correct == 4)
}

fn close(a: f64, b: f64) -> bool {
    crate::common::oracle::close(a, b, crate::common::oracle::F64_LANES)
}

/// Every pixel of a small f64 map over the lesson's lr-hidden × lr-out plane, including its
/// chaotic band (lr-out 10–60), against the same net trained alone by the reference.
///
/// Chaotic pixels are told apart by the reference itself: a pixel is compared only if the
/// reference's outcome (trained, first solved epoch, final loss within 1e-9) is the same when
/// every initial weight is nudged by one ulp up, one ulp down, and by ±1e-13 relative (a few
/// hundred ulps: more than the lanes' exp, within 2 ulps of the standard library's, can build
/// up). Where a rounding-sized nudge changes the answer, rounding decides it, and no other
/// implementation can be held to the reference's bits. The test fails if under two thirds of the
/// pixels are compared or if no compared pixel is trained or none untrained.
#[test]
fn map_pixels_match_nets_trained_one_at_a_time_by_the_reference() {
    let epochs = 300;
    let spec = MapConfig {
        x: "lr-hidden:0.5..80:14:log".parse().unwrap(),
        y: "lr-out:0.5..60:12:log".parse().unwrap(),
        epochs,
        ..MapConfig::default()
    }
    .validate()
    .unwrap();
    let pixels = compute(&spec, &ProgressBar::hidden());
    let base = Base::new(&spec);
    let (mut compared, mut trained) = (0, 0);
    for (k, px) in pixels.iter().enumerate() {
        let (p, r) = base.pixel_net(&spec.x, &spec.y, k);
        let want = by_reference(p, r, epochs);
        let nudges: [fn(f64) -> f64; 4] = [
            f64::next_up,
            f64::next_down,
            |x| x * (1.0 + crate::common::oracle::NUDGE),
            |x| x * (1.0 - crate::common::oracle::NUDGE),
        ];
        let stable = nudges.iter().all(|nudge| {
            let o = by_reference(Params(p.0.map(nudge)), r, epochs);
            o.3 == want.3 && o.2 == want.2 && (o.0 - want.0).abs() <= 1e-9
        });
        if !stable {
            continue;
        }
        compared += 1;
        trained += usize::from(want.3);
        let ctx = format!("pixel {k}, rates {r:?}: map {px:?}, reference {want:?}");
        assert_eq!(px.trained, want.3, "{ctx}");
        let epoch = want.2.map_or(f32::NAN, |e| e as f32);
        assert!(
            px.solved_epoch == epoch || (px.solved_epoch.is_nan() && epoch.is_nan()),
            "{ctx}"
        );
        // The map stores f32: the f64 lanes' values rounded once.
        assert!(
            close(f64::from(px.final_loss), f64::from(want.0 as f32)),
            "{ctx}"
        );
        assert!(
            close(f64::from(px.mean_loss), f64::from(want.1 as f32)),
            "{ctx}"
        );
        assert!(!px.diverged, "{ctx}");
    }
    assert!(
        compared * 3 >= pixels.len() * 2,
        "only {compared} of {} pixels were well conditioned",
        pixels.len()
    );
    assert!(trained > 0 && trained < compared, "{trained} of {compared}");
}

/// All files of a folder, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

const SMALL: [&str; 10] = [
    "map",
    "--x",
    "lr-hidden:0.5..80:24:log",
    "--y",
    "lr-out:1..60:20:log",
    "--epochs",
    "200",
    "--zoom-sequence",
    "2",
    "--csv",
];

#[test]
fn outputs_are_complete_rerunnable_and_the_same_for_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    xorsweep()
        .args(SMALL)
        .args(["--threads", "1", "--out"])
        .arg(&a)
        .assert()
        .success();
    let first = files(&a);
    let names: Vec<&str> = first.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".xorsweep",
            "final_loss.npy",
            "frames/contact-sheet.png",
            "frames/frame-01.png",
            "frames/frame-02.png",
            "manifest.json",
            "map-raw.png",
            "map.csv",
            "map.html",
            "map.png",
            "map.toml",
            "mean_loss.npy",
            "solved_epoch.npy",
            "trained.npy",
        ]
    );
    // NPY v1.0, f32, shape (ny, nx), 4 bytes per pixel after a 64-byte-aligned header.
    let npy = &first["trained.npy"];
    let hlen = u16::from_le_bytes([npy[8], npy[9]]) as usize;
    let header = String::from_utf8_lossy(&npy[10..10 + hlen]);
    assert!(header.contains("'descr': '<f4'") && header.contains("'shape': (20, 24)"));
    assert_eq!(npy.len(), 10 + hlen + 4 * 24 * 20);
    let trained: Vec<f32> = npy[10 + hlen..]
        .chunks(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert!(trained.iter().all(|&t| t == 0.0 || t == 1.0));
    assert!(trained.contains(&0.0) && trained.contains(&1.0));
    // The CSV's row k is the array's element k (row 0 = the lowest y).
    let csv = String::from_utf8_lossy(&first["map.csv"]).to_string();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 24 * 20);
    for (row, t) in rows.iter().zip(&trained) {
        assert_eq!(
            row.split(',').nth(5).unwrap(),
            if *t == 1.0 { "1" } else { "0" }
        );
    }
    assert!(rows[0].starts_with(&format!(
        "{},",
        (0.5f64.ln() + (80f64.ln() - 0.5f64.ln()) / 48.0).exp()
    )));
    let html = String::from_utf8_lossy(&first["map.html"]).to_string();
    assert!(html.contains("data:image/png;base64,") && !html.contains("src=\"map.png\""));
    assert!(first["map.png"].starts_with(b"\x89PNG"));
    let manifest: serde_json::Value = serde_json::from_slice(&first["manifest.json"]).unwrap();
    assert_eq!(manifest["frames"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["frames"][1]["zoom"], 10.0);
    assert!(
        manifest["frames"][0]["dimension"]["value"]
            .as_f64()
            .is_some()
    );

    // Rerun from map.toml alone, on two threads: the same bytes but for the manifest's timings.
    xorsweep()
        .args(["map", "--threads", "2", "--config"])
        .arg(a.join("map.toml"))
        .arg("--out")
        .arg(&b)
        .assert()
        .success();
    let second = files(&b);
    assert_eq!(first.len(), second.len());
    for (name, bytes) in &first {
        if name != "manifest.json" {
            assert!(&second[name] == bytes, "{name} differs");
        }
    }
    // A full folder is refused without --force, and overwritten with it.
    let again = xorsweep()
        .args(SMALL)
        .arg("--out")
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    xorsweep()
        .args(SMALL)
        .args(["--quiet", "--force", "--out"])
        .arg(&a)
        .assert()
        .success();
}

#[test]
fn zoom_narrows_the_axes_around_the_centre() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("z");
    xorsweep()
        .args([
            "map",
            "--quiet",
            "--x",
            "lr-hidden:1..100:16:log",
            "--y",
            "w11:-2..2:16",
            "--epochs",
            "50",
            "--zoom",
            "10,0.5,100",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let toml = std::fs::read_to_string(out.join("map.toml")).unwrap();
    let config: MapConfig = toml::from_str(&toml).unwrap();
    let spec = config.validate().unwrap();
    assert!(((spec.x.lo * spec.x.hi).sqrt() - 10.0).abs() < 1e-12);
    assert!(((spec.x.hi / spec.x.lo).log10() - 0.02).abs() < 1e-12);
    assert!((spec.y.lo - (0.5 - 0.02)).abs() < 1e-12 && (spec.y.hi - (0.5 + 0.02)).abs() < 1e-12);
    // The zoom is recorded: map.toml, the manifest's frame, and a zoom of the zoomed map
    // (the command the page suggests) multiplies it.
    assert_eq!(config.zoom, 100.0);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["frames"][0]["zoom"], 100.0, "{manifest}");
    let deeper = d.path().join("z2");
    let run = xorsweep()
        .args(["map", "--config"])
        .arg(out.join("map.toml"))
        .args(["--zoom", "10,0.5,10", "--out"])
        .arg(&deeper)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text =
        String::from_utf8_lossy(&run.stdout).to_string() + &String::from_utf8_lossy(&run.stderr);
    assert!(text.contains("zoom 1000×"), "{text}");
    let toml = std::fs::read_to_string(deeper.join("map.toml")).unwrap();
    assert!(toml.contains("zoom = 1000.0"), "{toml}");
}

/// Run `map` with `args`, expect exit code 2, a one-line message containing every `needles`,
/// and no output folder.
fn refuses(args: &[&str], needles: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = out.to_str().unwrap();
    let mut all = vec!["map", "--quiet", "--out", o];
    all.extend_from_slice(args);
    let res = xorsweep().args(&all).output().unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{args:?}: {stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    for n in needles {
        assert!(first.contains(n), "{args:?}: '{first}' lacks '{n}'");
    }
    // Our own errors are one line; clap's parse errors of typed values add a usage hint below.
    if first.starts_with("Error:") {
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
    assert!(!out.exists(), "{args:?}: nothing is written for bad input");
}

#[test]
fn bad_specs_name_the_flag_and_write_nothing() {
    let x = |s: &'static str| ["--x", s];
    refuses(&x("beta:0.1..1:8"), &["--x", "unknown axis 'beta'"]);
    refuses(&x("momentum:0.1..1.5:8"), &["--x", "momentum", "[0, 1)"]);
    refuses(
        &x("clip:-0.5..1:8"),
        &["--x", "clip", "0 (no clipping) or positive"],
    );
    refuses(
        &x("weight-decay:-1..1:8"),
        &["--x", "weight_decay", "pixel 0", "-0.875"],
    );
    refuses(&["--momentum", "0.1,0.5"], &["--momentum", "one value"]);
    refuses(&["--momentum", "1"], &["--momentum", "[0, 1)"]);
    refuses(&["--weight-decay", "-0.1"], &["--weight-decay"]);
    refuses(
        &["--activation", "sigmoid,tanh"],
        &["--activation", "one value"],
    );
    refuses(&["--batch", "full,online"], &["--batch", "one value"]);
    refuses(&["--activation", "softmax"], &["--activation", "softmax"]);
    refuses(
        &["--output", "linear", "--loss", "bce"],
        &["--loss", "sigmoid output"],
    );
    refuses(
        &["--x", "momentum:0..0.9:8", "--momentum", "0.5"],
        &["--momentum", "axis 'momentum'"],
    );
    refuses(
        &["--lr-hidden", "3", "--lr-out", "2"],
        &["--lr-hidden", "axis 'lr-hidden'"],
    );
    refuses(
        &["--x", "w11:-1..1:8", "--y", "w11:0..1:8"],
        &["--y", "w11"],
    );
    refuses(
        &["--x", "lr:0.1..1:8", "--y", "lr-out:0.1..1:8"],
        &["--y", "lr-out"],
    );
    refuses(&x("lr-hidden:0.1..10:0:log"), &["--x", "0 pixels"]);
    refuses(&x("lr-hidden:0.1..10:8193:log"), &["--x", "8193", "8192"]);
    refuses(&x("lr-hidden:10..1:8"), &["--x", "reversed"]);
    refuses(&x("w12:1..1:8"), &["--x", "empty"]);
    refuses(
        &x("lr:1..1.000000000000001:64"),
        &["--x", "repeats the value"],
    );
    refuses(&x("w12:0..1:8:log"), &["--x", "log axis", "above 0"]);
    refuses(&x("eps:-1..1:8:log"), &["--x", "above 0"]);
    refuses(&x("lr:0..10:8"), &["--x", "positive"]);
    refuses(&x("w11:nan..1:8"), &["--x", "not a finite number"]);
    refuses(&x("w11:0..inf:8"), &["--x", "not a finite number"]);
    refuses(&x("w11:0..1"), &["--x", "pixel count"]);
    refuses(&x("w11:0..1:8:cubic"), &["--x", "spacing"]);
    refuses(&["--y", "b1:0..1:eight"], &["--y", "whole number"]);
    refuses(
        &["--x", "lr-hidden:1..2:8192", "--y", "lr-out:1..2:8192"],
        &["--x/--y", "GB", "limit"],
    );
    refuses(
        &[
            "--x",
            "lr-hidden:1..2:4096",
            "--y",
            "lr-out:1..2:4096",
            "--zoom-sequence",
            "12",
        ],
        &["--x/--y", "12 frames", "limit"],
    );
    refuses(&["--zoom", "1,2"], &["--zoom", "CX,CY,F"]);
    refuses(&["--zoom", "1,1,0.5"], &["--zoom", "at least 1"]);
    refuses(&["--zoom", "-1,1,10"], &["--zoom", "above 0"]);
    refuses(
        &["--measure", "accuracy"],
        &["--measure", "unknown measure"],
    );
    refuses(
        &["--init", "gaussian:1"],
        &["--init", "unknown init scheme"],
    );
    refuses(
        &["--init", "near-symmetric:1:1e-3,1e-2"],
        &["--init", "single ε"],
    );
    refuses(&["--lr", "-2"], &["--lr", "positive"]);
    refuses(&["--epochs", "0"], &["--epochs"]);
    refuses(&["--zoom-factor", "1"], &["--zoom-factor"]);
    refuses(&["--zoom-sequence", "40"], &["--zoom-sequence"]);
    refuses(&["--threads", "0"], &["--threads"]);
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("map.toml");
    std::fs::write(&bad, "x = \"lr:1..2:4\"\ncolour = 3\n").unwrap();
    refuses(
        &["--config", bad.to_str().unwrap()],
        &["--config", "line 2"],
    );
    // A key that begins like a known one is still unknown, at its own line (the map's line finder
    // once took `epochs_x` for `epochs`); a bad value is reported at its key, in words.
    std::fs::write(&bad, "epochs = 5\n\nepochs_x = 3\n").unwrap();
    refuses(
        &["--config", bad.to_str().unwrap()],
        &["--config", "line 3, column 12", "unknown field 'epochs_x'"],
    );
    let lines = "seed = 1\n".repeat(0) + &"# comment\n".repeat(12) + "activation = \"softmax\"\n";
    std::fs::write(&bad, lines).unwrap();
    refuses(
        &["--config", bad.to_str().unwrap()],
        &["--config", "line 13", "activation", "sigmoid"],
    );
    refuses(
        &["--config", "/nonexistent/map.toml"],
        &["--config", "cannot read"],
    );
}

/// map.png holds map-raw.png pixel for pixel (one pixel per net once a map is 480 or more
/// pixels across), and an f32 map is the same bytes on one thread and on two.
#[test]
fn the_chart_holds_one_pixel_per_net_and_f32_is_deterministic_too() {
    let d = tempfile::tempdir().unwrap();
    let run = |threads: &str, out: &Path| {
        xorsweep()
            .args([
                "map",
                "--quiet",
                "--precision",
                "f32",
                "--x",
                "lr-hidden:0.3..300:480:log",
                "--y",
                "lr-out:0.3..300:490:log",
                "--epochs",
                "40",
                "--threads",
                threads,
                "--out",
            ])
            .arg(out)
            .assert()
            .success();
    };
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    run("1", &a);
    run("2", &b);
    let (fa, fb) = (files(&a), files(&b));
    for (name, bytes) in &fa {
        if name != "manifest.json" {
            assert!(
                &fb[name] == bytes,
                "f32: {name} differs between 1 and 2 threads"
            );
        }
    }
    let raw = image::load_from_memory(&fa["map-raw.png"])
        .unwrap()
        .to_rgb8();
    let chart = image::load_from_memory(&fa["map.png"]).unwrap().to_rgb8();
    assert_eq!(raw.dimensions(), (480, 490));
    let (w, h) = raw.dimensions();
    let matches_at = |x0: u32, y0: u32| {
        (0..h).all(|y| (0..w).all(|x| chart.get_pixel(x0 + x, y0 + y) == raw.get_pixel(x, y)))
    };
    let found = (0..=chart.height() - h)
        .flat_map(|y0| (0..=chart.width() - w).map(move |x0| (x0, y0)))
        .filter(|&(x0, y0)| chart.get_pixel(x0, y0) == raw.get_pixel(0, 0))
        .any(|(x0, y0)| matches_at(x0, y0));
    assert!(found, "map.png does not contain map-raw.png one to one");
}

/// A map with the paper's trainer (tanh hidden units, linear output) and momentum: every pixel
/// whose outcome a rounding-sized nudge of its initial weights does not change is the net the
/// reference trains alone with the same options, and "converged" is the paper's criterion.
#[test]
fn trainer_options_set_every_pixel_and_momentum_is_an_axis() {
    let epochs = 120;
    let patch = MapPatch {
        trainer: xorsweep::hyper::TrainerAxes {
            activation: Some("tanh".parse().unwrap()),
            output: Some("linear".parse().unwrap()),
            lr: Some("0.6".parse().unwrap()),
            ..Default::default()
        },
        x: Some("lr-hidden:0.01..30:9:log".parse().unwrap()),
        y: Some("momentum:0..0.9:7".parse().unwrap()),
        epochs: Some(epochs),
        measure: Some(Measure::Converged),
        ..MapPatch::default()
    };
    let (_, spec) = resolve(None, patch, None).unwrap();
    let pixels = compute(&spec, &ProgressBar::hidden());
    let base = Base::new(&spec);
    let options = Options {
        activation: Activation::Tanh,
        output: OutputUnit::Linear,
        ..Options::LESSON
    };
    let (mut compared, mut converged) = (0, 0);
    for (k, px) in pixels.iter().enumerate() {
        let (p, r) = base.pixel_net(&spec.x, &spec.y, k);
        assert_eq!(r.momentum, spec.y.value((k / 9) as u32));
        assert_eq!(r.lr_out, 0.6);
        let want = by_reference_with(p, r, options, epochs);
        let stable = [f64::next_up, f64::next_down].iter().all(|nudge| {
            let o = by_reference_with(Params(p.0.map(nudge)), r, options, epochs);
            o.3 == want.3 && (o.1 < 1.0) == (want.1 < 1.0)
        });
        if !stable {
            continue;
        }
        compared += 1;
        let ctx = format!("pixel {k}, {r:?}: map {px:?}, reference {want:?}");
        assert_eq!(px.trained, want.3, "{ctx}");
        assert_eq!(px.converged, want.1.is_finite() && want.1 < 1.0, "{ctx}");
        converged += usize::from(px.converged);
    }
    assert!(compared * 3 >= pixels.len() * 2, "{compared} compared");
    assert!(
        converged > 0 && converged < compared,
        "{converged} of {compared}"
    );
}

/// map.toml carries the trainer and the new axes, and reruns the same map.
#[test]
fn a_map_with_options_reruns_from_its_toml() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    xorsweep()
        .args([
            "map",
            "--quiet",
            "--activation",
            "tanh",
            "--output",
            "linear",
            "--momentum",
            "0.5",
            "--measure",
            "converged",
            "--x",
            "lr-hidden:0.05..5:12:log",
            "--y",
            "weight-decay:0..0.01:10",
            "--epochs",
            "60",
            "--out",
        ])
        .arg(&a)
        .assert()
        .success();
    let toml = std::fs::read_to_string(a.join("map.toml")).unwrap();
    for line in [
        "activation = \"tanh\"",
        "output = \"linear\"",
        "momentum = \"0.5\"",
        "measure = \"converged\"",
        "y = \"weight-decay:0.0..0.01:10\"",
    ] {
        assert!(toml.contains(line), "{line} not in\n{toml}");
    }
    xorsweep()
        .args(["map", "--quiet", "--config"])
        .arg(a.join("map.toml"))
        .arg("--out")
        .arg(&b)
        .assert()
        .success();
    let (fa, fb) = (files(&a), files(&b));
    for (name, bytes) in &fa {
        if name != "manifest.json" {
            assert!(&fb[name] == bytes, "{name} differs on the rerun");
        }
    }
}

/// The chaotic share of a frame: 0 on a smooth stretch of the lesson's plane, high deep in its
/// chaotic band, where the verdicts depend on rounding; stored in manifest.json per frame.
#[test]
fn chaotic_share_is_zero_on_a_smooth_plane_and_high_where_rounding_decides() {
    let d = tempfile::tempdir().unwrap();
    let share = |name: &str, args: &[&str]| -> (f64, bool) {
        let out = d.path().join(name);
        xorsweep()
            .args(["map", "--quiet", "--epochs", "1000"])
            .args(args)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let f = &m["frames"][0];
        assert_eq!(f["chaotic_share"]["sampled"], 48 * 48);
        (
            f["chaotic_share"]["share"].as_f64().unwrap(),
            f["rounding_dominated"].as_bool().unwrap(),
        )
    };
    let (smooth, dominated) = share(
        "smooth",
        &[
            "--x",
            "lr-hidden:0.5..50:48:log",
            "--y",
            "lr-out:0.5..5:48:log",
        ],
    );
    assert_eq!((smooth, dominated), (0.0, false));
    // 10⁴× into the lesson's chaotic band (lr-hidden ≈ 26, lr-out ≈ 54): about one pixel in
    // ten flips.
    let (chaotic, _) = share(
        "chaotic",
        &[
            "--x",
            "lr-hidden:0.1..1000:48:log",
            "--y",
            "lr-out:0.1..1000:48:log",
            "--zoom",
            "26,54,1e4",
        ],
    );
    assert!(chaotic > 0.05, "chaotic share {chaotic}");
}

/// The frame of a map made with `args` (1000 epochs, quiet) as manifest.json has it.
fn first_frame(dir: &Path, args: &[&str]) -> serde_json::Value {
    xorsweep()
        .args(["map", "--quiet", "--epochs", "1000"])
        .args(args)
        .arg("--out")
        .arg(dir)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m["frames"][0].clone()
}

/// The boundary chaos of three frames of the paper's condition (tanh hidden units, linear
/// output, converged or not), 48² pixels: a smooth stretch at 1× where one ulp flips next to
/// nothing of what half a pixel flips, and a speckled window 10¹⁰× deep where every nudge
/// flips as often as half a pixel: rounding-dominated, its box count not a dimension. In f32
/// the same window 10⁸× deep has neighbouring pixels that are the same f32: flagged.
#[test]
fn boundary_chaos_tells_structure_from_rounding_and_flags_collapsed_axes() {
    let d = tempfile::tempdir().unwrap();
    let paper = [
        "--activation",
        "tanh",
        "--output",
        "linear",
        "--measure",
        "converged",
    ];
    let frame = |name: &str, x: &str, y: &str, more: &[&str]| {
        let args: Vec<&str> = paper
            .iter()
            .copied()
            .chain(["--x", x, "--y", y])
            .chain(more.iter().copied())
            .collect();
        first_frame(&d.path().join(name), &args)
    };
    let calm = frame(
        "calm",
        "lr-hidden:0.01..100:48:log",
        "lr-out:0.03..3:48:log",
        &[],
    );
    let b = &calm["boundary_chaos"];
    assert!(b["sampled"].as_u64().unwrap() > 100, "{b}");
    let (ulp, half) = (
        b["axes"]["share"].as_f64().unwrap(),
        b["half_pixel"]["share"].as_f64().unwrap(),
    );
    assert!(ulp < 0.25 * half && half > 0.1, "{b}");
    assert_eq!(calm["rounding_dominated"], false);
    let deep = frame(
        "speckle",
        "lr-hidden:0.26386336541716404..0.26386336566019114:48:log",
        "lr-out:0.6791532915916016..0.6791532919043632:48:log",
        &[],
    );
    let b = &deep["boundary_chaos"];
    let ratio = b["rounding_ratio"].as_f64().unwrap();
    assert!(ratio > 0.7 && b["sampled"].as_u64().unwrap() > 100, "{b}");
    assert_eq!(deep["rounding_dominated"], true);
    assert!(
        deep["dimensions"]["value"].as_f64().is_some(),
        "the box count is kept"
    );
    let f32 = frame(
        "f32",
        "lr-hidden:0.26386334761542657..0.2638633719181401:48:log",
        "lr-out:0.679153275687672..0.6791533069638369:48:log",
        &["--precision", "f32"],
    );
    let collapse = f32["axis_collapse"].as_str().unwrap();
    assert!(
        collapse.contains("neighbouring x values are the same f32"),
        "{collapse}"
    );
    assert_eq!(f32["rounding_dominated"], true);
    // The terminal says so.
    let o = xorsweep()
        .args(["map", "--epochs", "300", "--precision", "f32"])
        .args(paper)
        .args([
            "--x",
            "lr-hidden:0.26386334761542657..0.2638633719181401:20:log",
        ])
        .args([
            "--y",
            "lr-out:0.679153275687672..0.6791533069638369:20:log",
            "--out",
        ])
        .arg(d.path().join("said"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("axes collapse ("), "{text}");
    assert!(!text.contains("boundary dimension"), "{text}");
}

/// A map small enough for a test: 16 × 12 nets, 120 epochs.
const TINY: [&str; 7] = [
    "map",
    "--x",
    "lr-hidden:0.5..80:16:log",
    "--y",
    "lr-out:1..60:12:log",
    "--epochs",
    "120",
];

/// Exit code and first line of stderr of `map` with `args` into `out`.
fn map_outcome(args: &[&str], out: &Path) -> (Option<i32>, String, String) {
    let o = xorsweep()
        .args(TINY)
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&o.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    (
        o.status.code(),
        first,
        String::from_utf8_lossy(&o.stdout).to_string(),
    )
}

#[test]
fn dry_run_writes_nothing_and_refuses_what_the_map_refuses() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let (code, _, text) = map_outcome(&["--dry-run", "--zoom-sequence", "3"], &out);
    assert_eq!(code, Some(0));
    for needle in [
        "dry run (nothing written)",
        "16×12 = 192 pixels × up to 3 frames",
        "net-epochs",
        "estimated time:",
        "map.html",
        "frames/contact-sheet.png",
        "manifest.json",
    ] {
        assert!(text.contains(needle), "'{needle}' missing from:\n{text}");
    }
    assert!(!out.exists(), "a dry run writes nothing");

    let (code, _, json) = map_outcome(&["--dry-run", "--json"], &out);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["pixels_per_frame"], 192);
    assert_eq!(v["frames"], 1);
    assert_eq!(v["epochs"], 120);
    // At most: every pixel, the nudged sample of the chaotic share (all pixels of a small map)
    // and every pixel on the boundary under each of the boundary chaos's three nudges.
    assert_eq!(v["nets"], 192 * 5);
    assert_eq!(v["net_epochs"].as_f64(), Some(960.0 * 120.0));
    assert!(v["estimated_seconds"].as_f64().unwrap() > 0.0);
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"map.html") && !files.contains(&"map.csv"),
        "{files:?}"
    );
    assert!(!out.exists());

    // A folder xorsweep did not make: the dry run refuses it as the map does, and neither
    // touches it.
    let foreign = d.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let real = map_outcome(&["--quiet"], &foreign);
    let dry = map_outcome(&["--dry-run"], &foreign);
    assert_eq!(real.0, Some(2), "{}", real.1);
    assert_eq!((dry.0, &dry.1), (real.0, &real.1));
    let left: Vec<_> = std::fs::read_dir(&foreign).unwrap().collect();
    assert_eq!(left.len(), 1);
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "mine"
    );

    // A bad spec: the same message and code with and without --dry-run.
    let real = map_outcome(&["--zoom-sequence", "99"], &out);
    let dry = map_outcome(&["--zoom-sequence", "99", "--dry-run"], &out);
    assert_eq!(real.0, Some(2));
    assert_eq!((dry.0, &dry.1), (real.0, &real.1));
    assert!(!out.exists());
}

#[test]
fn json_summary_terminal_line_and_the_page_s_hover_and_zoom_hooks() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    let (code, err, json) = map_outcome(&["--json"], &a);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["out"].as_str(), a.to_str());
    assert_eq!(v["html"].as_str(), a.join("map.html").to_str());
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(files.last(), Some(&"manifest.json"));
    for f in &files {
        assert!(a.join(f).is_file(), "{f} listed but not written");
    }
    let frame = &v["frames"][0];
    let share = frame["trained_fraction"].as_f64().unwrap();
    assert!(share > 0.0 && share < 1.0, "{share}");
    assert!(frame["chaotic_share"]["share"].as_f64().is_some());
    assert!(frame["dimension"].is_null() || frame["dimension"]["value"].as_f64().is_some());

    // Without --json the last line says where the page is.
    let (code, _, text) = map_outcome(&[], &b);
    assert_eq!(code, Some(0));
    let page = b.join("map.html");
    let last = text.lines().last().unwrap();
    assert!(
        last.contains(&format!("(open {})", page.display())),
        "{last}"
    );
    assert!(
        text.contains("trained (all four outputs right after the last epoch)"),
        "{text}"
    );

    // The page: a viewport for phones, the readout and zoom-command hooks, and each frame's
    // grid image, which is map-raw.png itself (one pixel per net, scaled by the browser).
    let html = std::fs::read_to_string(&page).unwrap();
    for hook in [
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "class=\"map-grid\"",
        "class=\"map-readout\"",
        "class=\"map-zoom-command\"",
        "addEventListener('mousemove'",
        "addEventListener('click'",
        "xorsweep map --config ",
    ] {
        assert!(html.contains(hook), "map.html lacks {hook}");
    }
    let data = html
        .split("id=\"map-data\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(data).unwrap();
    let frame = &data["frames"][0];
    assert_eq!(
        (frame["x"]["n"].as_u64(), frame["y"]["n"].as_u64()),
        (Some(16), Some(12))
    );
    let src = html
        .split("class=\"map-grid\" src=\"data:image/png;base64,")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    use base64::Engine;
    let embedded = base64::engine::general_purpose::STANDARD
        .decode(src)
        .unwrap();
    assert_eq!(embedded, std::fs::read(b.join("map-raw.png")).unwrap());
    let raw = image::open(b.join("map-raw.png")).unwrap().to_rgb8();
    // Every net's colour reads back: a class colour, or within reach of a bar's palette.
    let classes: Vec<[u8; 3]> = frame["legend"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::from_value(c[0].clone()).unwrap())
        .collect();
    let palettes: Vec<Vec<[u8; 3]>> = frame["legend"]["scales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| serde_json::from_value(s["palette"].clone()).unwrap())
        .collect();
    let mut on_bars = 0;
    for p in raw.pixels() {
        let c = p.0;
        if classes.contains(&c) {
            continue;
        }
        let near = palettes.iter().flatten().any(|q| {
            (0..3)
                .map(|k| (i32::from(q[k]) - i32::from(c[k])).abs())
                .sum::<i32>()
                <= 12
        });
        assert!(near, "colour {c:?} is on no bar");
        on_bars += 1;
    }
    assert!(on_bars > 0);
}

/// An axis that varies one layer's rate takes the other layer's rate alone: `--y lr-out` with
/// `--lr-hidden 1` (refused before as "needs --lr-out too"); giving the axis's own rate as well
/// is still refused, naming the axis.
#[test]
fn one_layer_s_rate_beside_an_axis_of_the_other() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("m");
    xorsweep()
        .args([
            "map",
            "--quiet",
            "--x",
            "w11:-1..1:4",
            "--y",
            "lr-out:0.1..10:4:log",
        ])
        .args(["--lr-hidden", "1", "--epochs", "10", "--out"])
        .arg(&out)
        .assert()
        .success();
    let toml = std::fs::read_to_string(out.join("map.toml")).unwrap();
    assert!(
        toml.contains("lr_hidden = \"1\"") || toml.contains("lr_hidden = 1"),
        "{toml}"
    );
    refuses(
        &[
            "--x",
            "w11:-1..1:4",
            "--y",
            "lr-out:0.1..10:4:log",
            "--lr-hidden",
            "1",
            "--lr-out",
            "1",
        ],
        &["--lr-out", "the axis"],
    );
}

/// `--precision dd` trains the map in double-double lanes: the manifest and map.toml say dd,
/// a rerun from map.toml gives the same bytes, and its verdicts are f64's but where rounding
/// decides them (at most 1 in 20 of this small map's pixels, whose boundary is smooth); an
/// unknown precision is refused in one line.
#[test]
fn a_double_double_map_agrees_with_f64_but_where_rounding_decides() {
    let d = tempfile::tempdir().unwrap();
    let (dd, again, f64) = (
        d.path().join("dd"),
        d.path().join("again"),
        d.path().join("f"),
    );
    for (args, out) in [
        (vec!["--quiet", "--csv", "--precision", "dd"], &dd),
        (vec!["--quiet", "--csv"], &f64),
    ] {
        let (code, err, _) = map_outcome(&args, out);
        assert_eq!(code, Some(0), "{err}");
    }
    let (fd, ff) = (files(&dd), files(&f64));
    let text = |f: &BTreeMap<String, Vec<u8>>, n: &str| String::from_utf8(f[n].clone()).unwrap();
    assert!(text(&fd, "map.toml").contains("precision = \"dd\""));
    assert!(text(&fd, "manifest.json").contains("\"dd×f64x8\""));
    let verdicts = |f: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        let csv = text(f, "map.csv");
        let rows = csv.lines().filter(|l| !l.starts_with('#')).skip(1);
        rows.map(|l| l.rsplit(',').nth(1).unwrap().to_string())
            .collect()
    };
    let (vd, vf) = (verdicts(&fd), verdicts(&ff));
    assert_eq!(vd.len(), 16 * 12);
    let differ = vd.iter().zip(&vf).filter(|(a, b)| a != b).count();
    assert!(
        differ * 20 <= vd.len(),
        "{differ} of {} verdicts differ",
        vd.len()
    );
    let config = dd.join("map.toml");
    let rerun = [
        "map",
        "--quiet",
        "--config",
        config.to_str().unwrap(),
        "--out",
    ];
    xorsweep().args(rerun).arg(&again).assert().success();
    assert_eq!(files(&again)["map.csv"], fd["map.csv"]);
    refuses(&["--precision", "f128"], &["--precision", "f64, f32 or dd"]);
}
