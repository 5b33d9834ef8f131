//! Property tests of the little languages: arbitrary input never panics, valid specs round-trip,
//! range points are snapped short.

use proptest::prelude::*;
use xorsweep::hyper::{SNAP_TOLERANCE, TrainerAxes, Values, check_lr};
use xorsweep::sweep::config::{RunsCsv, RunsFormat, SweepConfig};
use xorsweep::sweep::shard::Shard;
use xorsweep::sweep::spec::InitSpec;
use xorsweep::train::Precision;

fn positive() -> impl Strategy<Value = f64> {
    prop_oneof![
        1e-300f64..1e100,
        1e-6f64..100.0,
        (1u32..1000).prop_map(f64::from)
    ]
}

fn values() -> impl Strategy<Value = Values> {
    prop_oneof![
        prop::collection::btree_set(1u32..100_000, 1..6)
            .prop_map(|s| Values::List(s.into_iter().map(|k| f64::from(k) / 64.0).collect())),
        (positive(), positive(), 2u32..500).prop_filter_map("start < end", |(a, b, points)| {
            (a < b).then_some(Values::Linear {
                start: a,
                end: b,
                points,
            })
        }),
        (positive(), positive(), 2u32..500).prop_filter_map("start < end", |(a, b, points)| {
            (a < b).then_some(Values::Geometric {
                start: a,
                end: b,
                points,
            })
        }),
    ]
}

fn init_spec() -> impl Strategy<Value = InitSpec> {
    prop_oneof![
        Just(InitSpec::Lesson),
        positive().prop_map(InitSpec::Uniform),
        positive().prop_map(InitSpec::Normal),
        positive().prop_map(InitSpec::Symmetric),
        (positive(), values()).prop_map(|(a, e)| InitSpec::NearSymmetric(a, e)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,40}") {
        let _ = Values::parse(&s);
        let _ = InitSpec::parse(&s);
        let _ = Shard::parse(&s);
        let _ = RunsCsv::parse(&s);
        let _ = SweepConfig::patch_from_toml(&s, "x.toml");
    }

    #[test]
    fn spec_shaped_strings_never_panic(a in "[-0-9.e]{0,8}", b in "[-0-9.e]{0,8}", n in "[-0-9]{0,4}", tail in "(|:log|:lin|:log:x)") {
        let range = format!("{a}..{b}:{n}{tail}");
        if let Ok(v) = Values::parse(&range) {
            let xs = v.values();
            prop_assert!(!xs.is_empty() && xs.windows(2).all(|w| w[0] <= w[1]));
        }
        let _ = InitSpec::parse(&format!("near-symmetric:{a}:{range}"));
        let _ = InitSpec::parse(&format!("uniform:{a}"));
    }

    #[test]
    fn values_round_trip(v in values()) {
        let text = v.to_string();
        let back = Values::parse(&text).unwrap();
        prop_assert_eq!(&back, &v, "{}", text);
        let xs = v.values();
        prop_assert_eq!(back.values(), xs.clone());
        if let Values::Linear { start, end, points } | Values::Geometric { start, end, points } = v {
            prop_assert_eq!(xs.len(), points as usize);
            prop_assert_eq!(xs[0], start);
            if points > 1 { prop_assert_eq!(*xs.last().unwrap(), end); }
        }
    }

    /// Every point between a range's ends is snapped: at most 13 significant digits (so it
    /// prints short) and within the stated tolerance of the point the arithmetic computed.
    #[test]
    fn range_points_are_short_and_within_the_snap_tolerance(v in values()) {
        let (start, end, points, log) = match v {
            Values::Linear { start, end, points } => (start, end, points, false),
            Values::Geometric { start, end, points } => (start, end, points, true),
            Values::List(_) => return Ok(()),
        };
        let xs = v.values();
        for (i, &x) in xs.iter().enumerate().skip(1).take(points as usize - 2) {
            let t = i as f64 / f64::from(points - 1);
            let exact = if log {
                (start.ln() + (end.ln() - start.ln()) * t).exp()
            } else {
                start + (end - start) * t
            };
            prop_assert!((x - exact).abs() <= SNAP_TOLERANCE * exact.abs(), "{} at {}: {} vs {}", v, i, x, exact);
            let shortest = format!("{x:e}");
            let digits = shortest.split('e').next().unwrap().chars().filter(char::is_ascii_digit).count();
            prop_assert!(digits <= 13, "{} at {}: {}", v, i, shortest);
        }
    }

    #[test]
    fn init_specs_round_trip(s in init_spec()) {
        let text = s.to_string();
        prop_assert_eq!(InitSpec::parse(&text).unwrap(), s, "{}", text);
    }

    #[test]
    fn configs_round_trip_through_toml(seeds in 1u32..10_000, seed in any::<u64>(), epochs in 1u32..100_000, f32p in any::<bool>(),
                                        lr in values(), inits in prop::collection::vec(init_spec(), 1..4), target in prop::option::of(positive())) {
        prop_assume!(lr.values().into_iter().all(|x| check_lr(x).is_ok()));
        let config = SweepConfig {
            trainer: TrainerAxes { lr: Some(lr), ..TrainerAxes::default() },
            init: inits,
            seeds, seed, epochs,
            precision: if f32p { Precision::F32 } else { Precision::F64 },
            target_loss: target,
            runs_csv: "sample:100".parse().unwrap(),
            runs_format: if f32p { RunsFormat::Parquet } else { RunsFormat::Csv },
            chunk_nets: 100,
        };
        let back = SweepConfig::default().apply(SweepConfig::patch_from_toml(&config.to_toml(), "x").unwrap());
        prop_assert_eq!(&back, &config);
        prop_assert_eq!(back.hash(), config.hash());
        // Each spec checked itself when parsed; the whole is checked once more, alike on both.
        prop_assert_eq!(config.check().is_ok(), back.check().is_ok());
    }

    #[test]
    fn shard_specs_round_trip(n in 1u64..1000, k in 0u64..1000) {
        let s = Shard::parse(&format!("{k}/{n}"));
        prop_assert_eq!(s.is_ok(), k < n);
    }
}
