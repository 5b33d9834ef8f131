//! Learning rates per layer (`lr_hidden` for w11 w12 b1 w21 w22 b2, `lr_out` for v1 v2 c), in
//! the scalar reference, the sweep's lane kernel and the trainability map's lane kernel.
//!
//! The map's kernel (a separate loop) must give the sweep kernel's final loss and verdicts bit
//! for bit in every lane type. With unequal rates the f64 lanes are held to the oracle with `common::oracle`'s tolerances, on the
//! nets whose oracle run is stable under its nudge (the test fails if fewer than two thirds
//! qualify).

use crate::common::oracle::{F64_LANES, assert_enough, assert_f64_match, close, stable};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use wide::{f32x8, f32x16, f64x4, f64x8};
use xorsweep::train::dd::Dd;
use xorsweep::train::lane::Lane;
use xorsweep::train::{Hyper, Net, Options, Params, Precision, TrainSpec, batch, reference};

fn net(init: Params, hyper: Hyper) -> Net {
    Net {
        init,
        hyper,
        options: Options::LESSON,
    }
}

fn nets_of(inits: &[Params], rates: &[Hyper]) -> Vec<Net> {
    inits.iter().zip(rates).map(|(p, r)| net(*p, *r)).collect()
}

/// Random nets with a random rate per layer, each log-uniform in [0.05, 40].
fn nets_with_rates(seed: u64, n: usize) -> Vec<(Params, Hyper)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    crate::common::random_nets(seed, n)
        .into_iter()
        .map(|(p, _)| {
            let mut lr = || rng.random_range(0.05f64.ln()..40f64.ln()).exp();
            (p, Hyper::rates(lr(), lr()))
        })
        .collect()
}

/// In lane type `V`: the map kernel (a separate loop) gives the sweep kernel's final loss and
/// verdicts bit for bit, saturated and non-finite nets included.
fn map_kernel_agrees_with_the_sweep_kernel<V: Lane>() {
    let nets = crate::common::random_nets(41, 3 * V::WIDTH + 5);
    let (mut inits, mut lrs): (Vec<Params>, Vec<f64>) = nets.into_iter().unzip();
    // Saturating rates, and non-finite weights: the kernels must agree on divergence too.
    lrs[1] = 1e300;
    lrs[V::WIDTH + 2] = f64::MAX;
    inits[2].0[4] = f64::NAN;
    inits[2 * V::WIDTH].0[7] = f64::INFINITY;
    let rates: Vec<Hyper> = lrs.iter().map(|&lr| Hyper::lr(lr)).collect();
    let spec = TrainSpec::new(600, vec![0, 1, 50, 600], None);
    let nets = nets_of(&inits, &rates);
    let single = batch::train_with::<V>(&nets, &spec);
    let map = batch::train_map_with::<V>(&nets, spec.epochs);
    assert!(
        map.iter().any(|m| m.diverged),
        "{}: no diverged net",
        V::NAME
    );
    for (i, (s, m)) in single.iter().zip(&map).enumerate() {
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
fn map_kernel_agrees_with_the_sweep_kernel_in_every_lane_type() {
    map_kernel_agrees_with_the_sweep_kernel::<f64x4>();
    map_kernel_agrees_with_the_sweep_kernel::<f64x8>();
    map_kernel_agrees_with_the_sweep_kernel::<f32x8>();
    map_kernel_agrees_with_the_sweep_kernel::<f32x16>();
    map_kernel_agrees_with_the_sweep_kernel::<Dd>();
}

/// One step with one layer's rate at zero moves only the other layer, exactly as a single-rate
/// step with that layer's rate would: the split is at the right parameters.
#[test]
fn each_rate_moves_only_its_layer() {
    let spec = TrainSpec::new(1, vec![], None);
    let (p, lr) = crate::common::random_nets(9, 1)[0];
    let (both, _) = reference::train(&net(p, Hyper::lr(lr)), &spec);
    let (hidden_only, _) = reference::train(&net(p, Hyper::rates(lr, 0.0)), &spec);
    let (out_only, _) = reference::train(&net(p, Hyper::rates(0.0, lr)), &spec);
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
    for precision in Precision::ALL {
        let rates = [Hyper::rates(lr, 0.0), Hyper::rates(0.0, lr)];
        let got = batch::train(precision, &nets_of(&[p, p], &rates), &spec);
        let start = Params(p.0.map(|x| x as f32 as f64));
        for k in 0..9 {
            let (h, o) = (got[0].0.params.0[k], got[1].0.params.0[k]);
            let want_fixed = if precision == Precision::F32 {
                start.0[k]
            } else {
                p.0[k]
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

#[test]
fn f64_lanes_with_per_layer_rates_match_the_oracle() {
    let nets = nets_with_rates(2026, 240);
    let spec = TrainSpec::new(800, vec![0, 10, 100, 800], None);
    let (inits, rates): (Vec<Params>, Vec<Hyper>) = nets.iter().copied().unzip();
    let lanes = batch::train(Precision::F64, &nets_of(&inits, &rates), &spec);
    let map = batch::train_map(Precision::F64, &nets_of(&inits, &rates), spec.epochs);
    let mut compared = 0;
    let mut unequal = 0;
    for (((p, r), got), m) in nets.iter().zip(&lanes).zip(&map) {
        let n = net(*p, *r);
        let want = reference::train(&n, &spec);
        if !stable(&n, &spec, &want.0) {
            continue;
        }
        compared += 1;
        unequal += usize::from((r.lr_hidden / r.lr_out).ln().abs() > 1.0);
        let ctx = format!("init {p} rates {r:?}");
        assert_f64_match(got, &want, &ctx);
        let want = want.0;
        let ctx = format!("{ctx}: map {m:?} reference {want:?}");
        assert!(
            close(m.final_loss, want.final_loss, F64_LANES),
            "map kernel: {ctx}"
        );
        assert_eq!(m.solved, want.correct == 4, "map kernel: {ctx}");
        assert_eq!(m.solved_epoch, want.solved_epoch, "map kernel: {ctx}");
    }
    assert_enough(compared, nets.len(), (2, 3), "per-layer rates");
    assert!(
        unequal * 2 >= compared,
        "most compared nets have rates e-fold apart"
    );
}
