//! `bench --roofline --json`: the roofline object is present where it belongs and its numbers
//! hang together. No speed is asserted: only that rates are positive and the share of the
//! issue limit is a share (a kernel cannot run much above the rate its operations can issue).

mod common;

use common::xorsweep;
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
        // Ports apart never give a lower ceiling than ports shared.
        assert!(
            roof["limit_apart"]["net_epochs_per_second"]
                .as_f64()
                .unwrap()
                >= roof["limit_shared"]["net_epochs_per_second"]
                    .as_f64()
                    .unwrap()
        );
        let share = roof["share"].as_f64().unwrap();
        assert!(share > 0.0 && share <= 1.5, "share {share}");
        assert!(roof["share_error"].as_f64().unwrap() >= 0.0);
        assert!(["shared", "apart"].contains(&roof["ports"].as_str().unwrap()));
        let limit =
            roof[format!("limit_{}", roof["ports"].as_str().unwrap())]["net_epochs_per_second"]
                .as_f64()
                .unwrap();
        let measured = roof["measured"].as_f64().unwrap();
        assert!((measured / limit / share - 1.0).abs() < 1e-12, "{roof}");
    }
    assert_eq!(seen, ["f64", "f32"]);
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
