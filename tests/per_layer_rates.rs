//! Learning rates per layer (`lr_hidden` for w11 w12 b1 w21 w22 b2, `lr_out` for v1 v2 c), in
//! the scalar reference, the sweep's lane kernel and the trainability map's lane kernel.
//!
//! With equal rates everything must be bit-identical to the single-rate trainers. With unequal
//! rates the f64 lanes are held to the oracle with the tolerances of `lanes_vs_oracle.rs`, on the
//! nets whose oracle run is well conditioned (its outcome survives a 1e-13 relative nudge of the
//! initial weights both ways; the test fails if fewer than two thirds qualify).

mod common;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use wide::{f32x8, f32x16, f64x4, f64x8};
use xorsweep::train::lane::Lane;
use xorsweep::train::{Outcome, Params, Precision, Rates, TrainSpec, batch, reference};

/// Random nets with a random rate per layer, each log-uniform in [0.05, 40].
fn nets_with_rates(seed: u64, n: usize) -> Vec<(Params, Rates)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    common::random_nets(seed, n)
        .into_iter()
        .map(|(p, _)| {
            let mut lr = || rng.random_range(0.05f64.ln()..40f64.ln()).exp();
            (
                p,
                Rates {
                    hidden: lr(),
                    out: lr(),
                },
            )
        })
        .collect()
}

fn bits(o: &Outcome) -> (Vec<u64>, u64, Vec<u64>, Option<u32>, u8) {
    (
        o.params.0.map(f64::to_bits).to_vec(),
        o.final_loss.to_bits(),
        o.outputs.map(f64::to_bits).to_vec(),
        o.solved_epoch,
        o.correct,
    )
}

/// In lane type `V`: per-layer rates with hidden = out give the single-rate trainer's bits, and
/// the map kernel (a separate loop) gives the sweep kernel's final loss and verdicts bit for bit.
fn equal_rates_are_bit_identical<V: Lane>() {
    let nets = common::random_nets(41, 3 * V::WIDTH + 5);
    let (mut inits, mut lrs): (Vec<Params>, Vec<f64>) = nets.into_iter().unzip();
    // Saturating rates, and non-finite weights: the kernels must agree on divergence too.
    lrs[1] = 1e300;
    lrs[V::WIDTH + 2] = f64::MAX;
    inits[2].0[4] = f64::NAN;
    inits[2 * V::WIDTH].0[7] = f64::INFINITY;
    let rates: Vec<Rates> = lrs.iter().map(|&lr| Rates::same(lr)).collect();
    let spec = TrainSpec::new(600, vec![0, 1, 50, 600], None);
    let single = batch::train_with::<V>(&inits, &lrs, &spec);
    let per_layer = batch::train_rates_with::<V>(&inits, &rates, &spec);
    let map = batch::train_map_with::<V>(&inits, &rates, spec.epochs);
    assert!(
        map.iter().any(|m| m.diverged),
        "{}: no diverged net",
        V::NAME
    );
    for (i, ((s, p), m)) in single.iter().zip(&per_layer).zip(&map).enumerate() {
        assert_eq!(bits(&s.0), bits(&p.0), "{} net {i}", V::NAME);
        let curve_bits = |c: &xorsweep::train::Curve| {
            let b = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            (b(&c.loss), b(&c.gap))
        };
        assert_eq!(
            curve_bits(&s.1),
            curve_bits(&p.1),
            "{} net {i}: curves",
            V::NAME
        );
        assert_eq!(
            m.final_loss.to_bits(),
            s.0.final_loss.to_bits(),
            "{} net {i}: map kernel's final loss",
            V::NAME
        );
        assert_eq!(m.solved_epoch, s.0.solved_epoch, "{} net {i}", V::NAME);
        assert_eq!(m.solved, s.0.correct == 4, "{} net {i}", V::NAME);
        assert_eq!(m.diverged, s.0.diverged, "{} net {i}", V::NAME);
    }
}

#[test]
fn equal_rates_match_the_single_rate_trainer_in_every_lane_type() {
    equal_rates_are_bit_identical::<f64x4>();
    equal_rates_are_bit_identical::<f64x8>();
    equal_rates_are_bit_identical::<f32x8>();
    equal_rates_are_bit_identical::<f32x16>();
}

#[test]
fn equal_rates_match_the_single_rate_reference() {
    let spec = TrainSpec::new(300, vec![0, 7, 300], None);
    for (p, lr) in common::random_nets(5, 40) {
        let (a, ac) = reference::train(p, lr, &spec);
        let (b, bc) = reference::train_rates(p, Rates::same(lr), &spec);
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(ac, bc);
    }
}

/// One step with one layer's rate at zero moves only the other layer, exactly as a single-rate
/// step with that layer's rate would: the split is at the right parameters.
#[test]
fn each_rate_moves_only_its_layer() {
    let spec = TrainSpec::new(1, vec![], None);
    let (p, lr) = common::random_nets(9, 1)[0];
    let (both, _) = reference::train(p, lr, &spec);
    let (hidden_only, _) = reference::train_rates(
        p,
        Rates {
            hidden: lr,
            out: 0.0,
        },
        &spec,
    );
    let (out_only, _) = reference::train_rates(
        p,
        Rates {
            hidden: 0.0,
            out: lr,
        },
        &spec,
    );
    for k in 0..9 {
        let (h, o) = (hidden_only.params.0[k], out_only.params.0[k]);
        if k < 6 {
            assert_eq!((h, o), (both.params.0[k], p.0[k]), "param {k}");
        } else {
            assert_eq!((h, o), (p.0[k], both.params.0[k]), "param {k}");
        }
        assert_ne!(both.params.0[k], p.0[k], "param {k} moved");
    }
    // The lanes split the same way (in f64 they differ from the reference only through exp).
    for precision in [Precision::F64, Precision::F32] {
        let rates = [
            Rates {
                hidden: lr,
                out: 0.0,
            },
            Rates {
                hidden: 0.0,
                out: lr,
            },
        ];
        let got = batch::train_rates(precision, &[p, p], &rates, &spec);
        let start = Params(p.0.map(|x| x as f32 as f64));
        for k in 0..9 {
            let (h, o) = (got[0].0.params.0[k], got[1].0.params.0[k]);
            let want_fixed = if precision == Precision::F64 {
                p.0[k]
            } else {
                start.0[k]
            };
            if k < 6 {
                assert_eq!(o, want_fixed, "{precision} param {k} with lr_hidden = 0");
                assert!((h - both.params.0[k]).abs() < 1e-5, "{precision} {k}");
            } else {
                assert_eq!(h, want_fixed, "{precision} param {k} with lr_out = 0");
                assert!((o - both.params.0[k]).abs() < 1e-5, "{precision} {k}");
            }
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9f64.max(1e-7 * a.abs().max(b.abs())) || a == b
}

#[test]
fn f64_lanes_with_per_layer_rates_match_the_oracle() {
    let nets = nets_with_rates(2026, 240);
    let spec = TrainSpec::new(800, vec![0, 10, 100, 800], None);
    let (inits, rates): (Vec<Params>, Vec<Rates>) = nets.iter().copied().unzip();
    let lanes = batch::train_rates(Precision::F64, &inits, &rates, &spec);
    let map = batch::train_map(Precision::F64, &inits, &rates, spec.epochs);
    let mut compared = 0;
    let mut unequal = 0;
    for (((p, r), (got, got_curve)), m) in nets.iter().zip(&lanes).zip(&map) {
        let (want, want_curve) = reference::train_rates(*p, *r, &spec);
        let stable = [1e-13, -1e-13].iter().all(|&rel| {
            let nudged = Params(p.0.map(|x| x * (1.0 + rel)));
            let (o, _) = reference::train_rates(nudged, *r, &spec);
            o.correct == want.correct
                && o.solved_epoch == want.solved_epoch
                && (o.final_loss - want.final_loss).abs() <= 1e-9
                && o.params
                    .0
                    .iter()
                    .zip(want.params.0)
                    .all(|(a, b)| (a - b).abs() <= 1e-9)
        });
        if !stable {
            continue;
        }
        compared += 1;
        unequal += usize::from((r.hidden / r.out).ln().abs() > 1.0);
        let ctx = format!("init {p} rates {r:?}: lanes {got:?} oracle {want:?}");
        assert_eq!(got.correct, want.correct, "{ctx}");
        assert_eq!(got.solved_epoch, want.solved_epoch, "{ctx}");
        assert!(close(got.final_loss, want.final_loss), "final loss: {ctx}");
        for k in 0..9 {
            assert!(close(got.params.0[k], want.params.0[k]), "param {k}: {ctx}");
        }
        for (a, b) in got_curve.loss.iter().zip(&want_curve.loss) {
            assert!(close(*a, *b), "loss curve {a} vs {b}: {ctx}");
        }
        assert!(close(m.final_loss, want.final_loss), "map kernel: {ctx}");
        assert_eq!(m.solved, want.correct == 4, "map kernel: {ctx}");
        assert_eq!(m.solved_epoch, want.solved_epoch, "map kernel: {ctx}");
    }
    assert!(
        compared * 3 >= nets.len() * 2,
        "only {compared} of {} nets were stable enough to compare",
        nets.len()
    );
    assert!(
        unequal * 2 >= compared,
        "most compared nets have rates e-fold apart"
    );
}
