//! `bench --roofline --json`: the roofline object is present where it belongs and its numbers
//! hang together. No speed is asserted: only that rates are positive and the share of the
//! issue limit is a share (a kernel cannot run much above the rate its operations can issue).

use crate::common::xorsweep;
use serde_json::Value;

#[test]
fn roofline_json_is_sane() {
    let out = xorsweep()
        .args([
            "bench",
            "--impl",
            "simd",
            "--roofline",
            "--nets",
            "256",
            "--epochs",
            "50",
            "--repeats",
            "2",
            "-j",
            "2",
            "--json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut seen = Vec::new();
    for m in &lines {
        let roof = &m["roofline"];
        if m["threads"] != 1 {
            assert!(roof.is_null(), "a roofline only on 1 thread: {m}");
            continue;
        }
        seen.push(m["precision"].as_str().unwrap().to_string());
        let lanes = roof["lanes"].as_f64().unwrap();
        // One batch: K (1–4) vectors of 4, 8 or 16 lanes.
        assert!(
            (4.0..=64.0).contains(&lanes) && lanes % 4.0 == 0.0,
            "{roof}"
        );
        for rate in ["fma", "add", "div", "fma_add_pairs"] {
            assert!(
                roof["rates"][rate]["median"].as_f64().unwrap() > 0.0,
                "{rate}"
            );
        }
        let per_vector = &roof["ops_per_vector_epoch"];
        let fma = per_vector["fma"].as_f64().unwrap();
        assert!(
            fma > 100.0,
            "the lesson has a few hundred multiplies per vector: {fma}"
        );
        assert_eq!(
            roof["ops_per_net_epoch"]["fma"].as_f64().unwrap(),
            fma / lanes
        );
        for limit in ["limit_shared", "limit_apart"] {
            assert!(roof[limit]["net_epochs_per_second"].as_f64().unwrap() > 0.0);
        }
        let share = roof["share"].as_f64().unwrap();
        assert!(share > 0.0 && share <= 1.5, "share {share}");
        assert!(roof["share_error"].as_f64().unwrap() >= 0.0);
        assert!(["shared", "apart"].contains(&roof["ports"].as_str().unwrap()));
        // The lesson's count as src/train/count.rs tallies it by hand (f64; f32's polynomial
        // is shorter): the roofline reports the kernel's own count, not another trainer's.
        let want_fma = if m["precision"] == "f64" {
            177.0
        } else {
            141.0
        };
        assert_eq!(fma, want_fma, "{roof}");
        assert_eq!(per_vector["add"].as_f64().unwrap(), 106.0, "{roof}");
        assert_eq!(per_vector["div"].as_f64().unwrap(), 12.0, "{roof}");
    }
    assert_eq!(seen, ["f64", "f32"]);
}

/// The roofline counts the operations of the trainer it measures: momentum adds a select per
/// parameter and step, gradient clipping a square root and a division (on the divider) and a
/// select per parameter on top.
#[test]
fn the_roofline_follows_the_trainer() {
    let out = xorsweep()
        .args([
            "bench",
            "--impl",
            "simd",
            "--roofline",
            "--nets",
            "64",
            "--epochs",
            "20",
            "--repeats",
            "1",
            "-j",
            "1",
            "--json",
            "--precision",
            "f64",
            "--momentum",
            "0,0.9",
            "--clip",
            "0,0.5",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ops: Vec<(String, Value)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|m| {
            let name = m["trainer"].as_str().unwrap().to_string();
            (name, m["roofline"]["ops_per_vector_epoch"].clone())
        })
        .collect();
    let of = |name: &str, op: &str| {
        let (_, o) = ops.iter().find(|(n, _)| n == name).expect(name);
        o[op].as_u64().unwrap()
    };
    assert_eq!(ops.len(), 4, "{ops:?}");
    assert_eq!(of("momentum 0.9", "select"), of("lesson", "select") + 45);
    assert_eq!(of("momentum 0.9", "div"), of("lesson", "div"));
    assert_eq!(of("clip 0.5", "div"), of("lesson", "div") + 2);
    assert!(of("clip 0.5", "select") > of("momentum 0.9", "select"));
}

#[test]
fn roofline_needs_the_lane_trainer() {
    let out = xorsweep()
        .args(["bench", "--impl", "scalar", "--roofline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: --roofline:"), "{stderr}");
}
