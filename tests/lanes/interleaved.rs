//! K independent vectors per batch ([`Multi`]) change only speed: every net's Outcome, Curve and
//! MapOutcome are bit for bit those of one vector at a time (K = 1): K = 3 (odd: no batch is a
//! whole multiple) in this build's vector types, and the lanes this build uses (whatever K it
//! picked: 2 on AVX-512) however the nets are cut into calls. Only these two K per type: each K
//! instantiates all 24 option loops of both kernels, and the build time of this file is CI's.
//! (f64x4 and f32x8 are held to the oracle in lanes/vs_oracle.rs; `Multi` is the same code over
//! any vector type.)
//!
//! The nets mix every trainer of `crate::common::trainers` in short runs (options change every three
//! nets: most batches are partial, padded) and long runs (several full batches and an odd tail),
//! with some rates scaled to diverge (×1e3) or to overflow into NaN (1e300).

use crate::common::{trainer_nets, trainers};
use xorsweep::train::lane::{F32Vector, F64Vector, Lane, Multi, Vector};
use xorsweep::train::{Curve, MapOutcome, Net, Outcome, TrainSpec, batch};

fn spec() -> TrainSpec {
    TrainSpec::new(240, vec![0, 7, 100, 240], Some(0.1))
}

/// Nets for lanes `width` wide: short runs, then each trainer's long run of 4·width + 7 + s nets
/// (s its index: the tails differ), every fifth at 1000× its rate, every seventh at 1e300.
fn nets(width: usize) -> Vec<Net> {
    let all = trainers();
    let mut nets: Vec<Net> = (0..2 * width + 5)
        .map(|i| trainer_nets(&all[(i / 3) % all.len()], i as u64, 1)[0])
        .collect();
    for (s, t) in all.iter().enumerate() {
        let mut run = trainer_nets(t, 100 + s as u64, 4 * width + 7 + s);
        for (j, net) in run.iter_mut().enumerate() {
            let h = &mut net.hyper;
            if j % 5 == 1 {
                (h.lr_hidden, h.lr_out) = (h.lr_hidden * 1e3, h.lr_out * 1e3);
            } else if j % 7 == 2 {
                (h.lr_hidden, h.lr_out) = (1e300, 1e300);
            }
        }
        nets.extend(run);
    }
    nets
}

/// Every number of an outcome, as bits (NaN payloads included).
fn outcome_bits(o: &Outcome) -> Vec<u64> {
    let mut b: Vec<u64> = o
        .params
        .0
        .iter()
        .chain(&o.outputs)
        .map(|x| x.to_bits())
        .collect();
    b.extend([o.final_loss, o.final_mse, o.hidden_gap].map(f64::to_bits));
    b.extend([o.solved_epoch, o.target_epoch].map(|e| e.map_or(u64::MAX, u64::from)));
    b.extend([u64::from(o.correct), u64::from(o.diverged)]);
    b
}

fn curve_bits(c: &Curve) -> Vec<u64> {
    c.loss.iter().chain(&c.gap).map(|x| x.to_bits()).collect()
}

fn map_bits(m: &MapOutcome) -> Vec<u64> {
    vec![
        m.final_loss.to_bits(),
        m.mean_loss_ratio.to_bits(),
        m.solved_epoch.map_or(u64::MAX, u64::from),
        u64::from(m.solved),
        u64::from(m.diverged),
    ]
}

type Trained = (Vec<(Outcome, Curve)>, Vec<MapOutcome>);

fn trained<L: Lane>(nets: &[Net], spec: &TrainSpec) -> Trained {
    (
        batch::train_with::<L>(nets, spec),
        batch::train_map_with::<L>(nets, spec.epochs),
    )
}

/// `got` equals `want` bit for bit, net by net.
fn assert_same(name: &str, got: &Trained, want: &Trained) {
    assert_eq!(got.0.len(), want.0.len(), "{name}");
    assert_eq!(got.1.len(), want.1.len(), "{name}");
    for (i, ((g, gc), (w, wc))) in got.0.iter().zip(&want.0).enumerate() {
        assert_eq!(
            outcome_bits(g),
            outcome_bits(w),
            "{name} net {i}: {g:?} vs {w:?}"
        );
        assert_eq!(curve_bits(gc), curve_bits(wc), "{name} net {i} curve");
    }
    for (i, (g, w)) in got.1.iter().zip(&want.1).enumerate() {
        assert_eq!(
            map_bits(g),
            map_bits(w),
            "{name} map net {i}: {g:?} vs {w:?}"
        );
    }
}

/// K = 3 against K = 1 in lanes of `V`; the nets include solved (over 1 in 20 in 240 epochs)
/// and diverged ones, whose loss is NaN (relu passes NaN on; bce's loss from the pre-activation
/// is finite for any finite weights).
fn k3_trains_like_k1<V: Vector>() {
    let (nets, spec) = (nets(V::WIDTH), spec());
    let one = trained::<V>(&nets, &spec);
    let outcomes = || one.0.iter().map(|(o, _)| o);
    let nan = outcomes().filter(|o| o.final_loss.is_nan()).count();
    let diverged = outcomes().filter(|o| o.diverged).count();
    let solved = outcomes().filter(|o| o.solved_epoch.is_some()).count();
    assert!(
        nan > 0 && diverged >= nan && solved * 20 > nets.len(),
        "{}: {nan} NaN, {diverged} diverged, {solved} solved of {}: the nets miss a case",
        V::NAME,
        nets.len()
    );
    assert_same(
        Multi::<V, 3>::NAME,
        &trained::<Multi<V, 3>>(&nets, &spec),
        &one,
    );
}

#[test]
fn three_vectors_train_like_one_in_f64() {
    k3_trains_like_k1::<F64Vector>();
}

#[test]
fn three_vectors_train_like_one_in_f32() {
    k3_trains_like_k1::<F32Vector>();
}

/// The build's lanes (K of its choice) against one vector at a time, whole and cut into calls at
/// odd places (as a sweep's chunks and threads cut them).
#[test]
fn the_builds_lanes_train_like_one_vector_however_cut() {
    use xorsweep::train::Precision;
    fn check<V: Vector>(precision: Precision) {
        let (nets, spec) = (nets(V::WIDTH), spec());
        let one = trained::<V>(&nets, &spec);
        let name = batch::lane_name(precision);
        let whole = (
            batch::train(precision, &nets, &spec),
            batch::train_map(precision, &nets, spec.epochs),
        );
        assert_same(name, &whole, &one);
        let mut cut: Trained = (Vec::new(), Vec::new());
        let mut at = 0usize;
        for len in [1, 13, 3 * V::WIDTH + 1, 50, usize::MAX]
            .into_iter()
            .cycle()
        {
            let piece = &nets[at..nets.len().min(at.saturating_add(len))];
            cut.0.extend(batch::train(precision, piece, &spec));
            cut.1
                .extend(batch::train_map(precision, piece, spec.epochs));
            at += piece.len();
            if at == nets.len() {
                break;
            }
        }
        assert_same(name, &cut, &one);
    }
    check::<F64Vector>(Precision::F64);
    check::<F32Vector>(Precision::F32);
}
