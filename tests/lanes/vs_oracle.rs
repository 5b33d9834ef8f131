//! Every lane implementation against the scalar reference (the oracle), net by net, with the
//! tolerances and chaos filter of `common::oracle` (f64: within F64_LANES on nets whose reference
//! run survives a ±1e-13 nudge; f32: the verdict, where it is well conditioned).

use crate::common::oracle::{assert_enough, assert_f64_match, stable, well_conditioned_f32};
use crate::common::{Trainer, lr_net, lr_nets, random_nets, trainer_nets, trainers};
use wide::{f32x8, f32x16, f64x4, f64x8};
use xorsweep::train::dd::Dd;
use xorsweep::train::lane::Lane;
use xorsweep::train::{Net, Outcome, Params, Precision, TrainSpec, batch, reference};

const EPOCHS: u32 = 1500;

fn spec() -> TrainSpec {
    TrainSpec::new(EPOCHS, vec![0, 10, 100, 1000, EPOCHS], None)
}

#[test]
fn f64_lanes_match_the_oracle() {
    let nets = random_nets(20261125, 400);
    let spec = spec();
    let (inits, lrs): (Vec<Params>, Vec<f64>) = nets.iter().copied().unzip();
    let lanes = batch::train(Precision::F64, &lr_nets(&inits, &lrs), &spec);
    assert_eq!(lanes.len(), nets.len());
    let mut compared = 0;
    for ((p, lr), got) in nets.iter().zip(&lanes) {
        let net = lr_net(*p, *lr);
        let want = reference::train(&net, &spec);
        if stable(&net, &spec, &want.0) {
            compared += 1;
            assert_f64_match(got, &want, &format!("init {p} lr {lr}"));
        }
    }
    assert_enough(compared, nets.len(), (2, 3), "f64 lanes");
}

#[test]
fn f32_lanes_agree_with_the_oracle_on_the_verdict() {
    let nets = random_nets(7, 300);
    let spec = spec();
    let (inits, lrs): (Vec<Params>, Vec<f64>) = nets.iter().copied().unzip();
    let lanes = batch::train(Precision::F32, &lr_nets(&inits, &lrs), &spec);
    let mut compared = 0;
    for ((p, lr), (got, _)) in nets.iter().zip(&lanes) {
        let net = lr_net(*p, *lr);
        let (want, _) = reference::train(&net, &spec);
        if well_conditioned_f32(&net, &spec, &want) {
            compared += 1;
            assert_eq!(
                got.correct, want.correct,
                "init {p} lr {lr}: f32 {got:?} oracle {want:?}"
            );
        }
    }
    assert_enough(compared, nets.len(), (2, 5), "f32 lanes");
}

#[test]
fn batches_of_any_size_train_each_net_once() {
    let spec = spec();
    for precision in [Precision::F64, Precision::F32] {
        let w = batch::lane_width(precision);
        for n in [1, w - 1, w, w + 1, 2 * w + 3] {
            let nets = random_nets(n as u64, n);
            let (inits, lrs): (Vec<Params>, Vec<f64>) = nets.iter().copied().unzip();
            let together = batch::train(precision, &lr_nets(&inits, &lrs), &spec);
            assert_eq!(together.len(), n, "{precision} batch of {n}");
            for (i, got) in together.iter().enumerate() {
                let alone =
                    &batch::train(precision, &lr_nets(&inits[i..=i], &lrs[i..=i]), &spec)[0];
                assert_eq!(
                    got.0.params.0.map(f64::to_bits),
                    alone.0.params.0.map(f64::to_bits),
                    "{precision} n={n} net {i}"
                );
                assert_eq!(got.0.solved_epoch, alone.0.solved_epoch);
                assert_eq!(
                    got.1.loss.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    alone.1.loss.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn target_loss_epoch_matches_the_oracle() {
    let spec = TrainSpec::new(3000, vec![], Some(0.01));
    let (want, _) = reference::train(&lr_net(Params::LESSON, 2.0), &spec);
    assert!(want.target_epoch.is_some());
    for precision in [Precision::F64, Precision::F32] {
        let got = &batch::train(precision, &lr_nets(&[Params::LESSON], &[2.0]), &spec)[0].0;
        let (g, w) = (
            got.target_epoch.unwrap() as i64,
            want.target_epoch.unwrap() as i64,
        );
        // f64: same epoch; f32: the loss crosses 0.01 slowly, a step either side is rounding.
        let slack = if precision == Precision::F64 { 0 } else { 1 };
        assert!((g - w).abs() <= slack, "{precision}: {g} vs oracle {w}");
    }
    let no_target = &batch::train(
        Precision::F64,
        &lr_nets(&[Params::LESSON], &[2.0]),
        &TrainSpec::new(3000, vec![], None),
    )[0]
    .0;
    assert_eq!(no_target.target_epoch, None);
}

/// The oracle's run of each net, and whether it is stable under ±1e-13 relative nudges (f64
/// criterion) and whether its verdict survives ±1e-5 (f32 criterion).
struct Oracle {
    runs: Vec<(Outcome, xorsweep::train::Curve)>,
    stable: Vec<bool>,
    well_conditioned: Vec<bool>,
}

fn oracle(nets: &[Net], spec: &TrainSpec) -> Oracle {
    let runs: Vec<_> = nets.iter().map(|n| reference::train(n, spec)).collect();
    let each = |f: fn(&Net, &TrainSpec, &Outcome) -> bool| {
        nets.iter()
            .zip(&runs)
            .map(|(n, (want, _))| f(n, spec, want))
            .collect()
    };
    Oracle {
        stable: each(stable),
        well_conditioned: each(well_conditioned_f32),
        runs,
    }
}

/// Lanes of `V` against the oracle for one trainer: f64 lanes within the tolerances on stable
/// nets, f32 lanes on the verdict of well-conditioned ones (verdict unchanged under ±1e-4 and
/// ±1e-5 relative nudges); at least two thirds (f64) or two fifths (f32) compared.
fn trainer_matches_the_oracle<V: Lane>(t: &Trainer, nets: &[Net], o: &Oracle, spec: &TrainSpec) {
    let lanes = batch::train_with::<V>(nets, spec);
    assert_eq!(lanes.len(), nets.len());
    // Double-double is held to the f64 reference like f64 lanes: where f64 is well conditioned
    // it is within rounding of the exact run, and dd within far less.
    let f64_lanes = V::PRECISION != Precision::F32;
    let mut compared = 0;
    let mut disagree: Vec<String> = Vec::new();
    for (i, (got, _)) in lanes.iter().enumerate() {
        let want = &o.runs[i].0;
        let ctx = format!(
            "{} {}: init {} {:?}",
            V::NAME,
            t.name,
            nets[i].init,
            nets[i].hyper
        );
        // dd is not held to f64's verdict where an output is within 1e-9 of 0.5 (a dead relu
        // net's σ(c → 0) creeps up to 0.5: f64 rounds it below, dd to 0.5 itself).
        let on_edge =
            V::PRECISION == Precision::Dd && want.outputs.iter().any(|o| (o - 0.5).abs() < 1e-9);
        if f64_lanes {
            if o.stable[i] && !on_edge {
                compared += 1;
                assert_f64_match(&lanes[i], &o.runs[i], &ctx);
            }
        } else if o.well_conditioned[i] {
            compared += 1;
            if got.correct != want.correct {
                disagree.push(format!("{ctx}: f32 {got:?} reference {want:?}"));
            }
        }
    }
    // f32: at most 1 in 40 well-conditioned verdicts may differ. Seen at 1–2 of ~60–100 per
    // trainer: nets the criteria above cannot catch, whose f32 trajectory parts from the
    // oracle's over 1500 epochs (a tolerance, stated, not a pass: more disagreement fails).
    assert!(
        disagree.len() * 40 <= compared.max(1),
        "{} {}: {} of {compared} f32 verdicts differ from the oracle's:\n{}",
        V::NAME,
        t.name,
        disagree.len(),
        disagree.join("\n")
    );
    // f64: two thirds; f32, whose criterion excludes more (nudges of 1e-4 and 1e-5 both ways, at
    // rates up to 10 only): two fifths.
    let share = if f64_lanes { (2, 3) } else { (2, 5) };
    assert_enough(
        compared,
        nets.len(),
        share,
        &format!("{} {}", V::NAME, t.name),
    );
}

fn every_trainer_matches_the_oracle_in<V: Lane>() {
    let spec = TrainSpec::new(600, vec![0, 10, 100, 600], None);
    for (s, t) in trainers().iter().enumerate() {
        let nets = trainer_nets(t, 1000 + s as u64, 120);
        let o = oracle(&nets, &spec);
        trainer_matches_the_oracle::<V>(t, &nets, &o, &spec);
    }
}

macro_rules! stamp {
    ($($name:ident: $v:ty),+) => {
        $(
            #[test]
            fn $name() {
                every_trainer_matches_the_oracle_in::<$v>();
            }
        )+
    };
}

stamp!(
    every_trainer_matches_the_oracle_in_f64x4: f64x4,
    every_trainer_matches_the_oracle_in_f64x8: f64x8,
    every_trainer_matches_the_oracle_in_f32x8: f32x8,
    every_trainer_matches_the_oracle_in_f32x16: f32x16,
    every_trainer_matches_the_oracle_in_dd: Dd
);

/// Nets of every trainer interleaved (options change every few nets; momentum and decay sit next
/// to plain lanes): each net's results are bit for bit those it gets trained alone, in every lane
/// type. Runs of equal options, padding and neighbours change nothing.
fn mixed_batches_train_each_net_as_alone<V: Lane>() {
    let spec = TrainSpec::new(300, vec![0, 7, 300], Some(0.1));
    let all = trainers();
    let nets: Vec<Net> = (0..5 * V::WIDTH + 3)
        .map(|i| trainer_nets(&all[(i / 3) % all.len()], i as u64, 1)[0])
        .collect();
    let together = batch::train_with::<V>(&nets, &spec);
    let map = batch::train_map_with::<V>(&nets, spec.epochs);
    for (i, net) in nets.iter().enumerate() {
        let (alone, curve) = &batch::train_with::<V>(std::slice::from_ref(net), &spec)[0];
        let (got, got_curve) = &together[i];
        let bits = |o: &Outcome| (o.params.0.map(f64::to_bits), o.final_loss.to_bits());
        assert_eq!(bits(got), bits(alone), "{} net {i}", V::NAME);
        assert_eq!(
            (got.solved_epoch, got.target_epoch),
            (alone.solved_epoch, alone.target_epoch)
        );
        let curve_bits = |c: &xorsweep::train::Curve| {
            c.loss
                .iter()
                .chain(&c.gap)
                .map(|x| x.to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            curve_bits(got_curve),
            curve_bits(curve),
            "{} net {i}",
            V::NAME
        );
        assert_eq!(
            map[i].final_loss.to_bits(),
            alone.final_loss.to_bits(),
            "map {i}"
        );
        assert_eq!(map[i].solved_epoch, alone.solved_epoch, "map {i}");
    }
}

#[test]
fn mixed_batches_train_each_net_as_alone_in_every_lane_type() {
    mixed_batches_train_each_net_as_alone::<f64x4>();
    mixed_batches_train_each_net_as_alone::<f64x8>();
    mixed_batches_train_each_net_as_alone::<f32x8>();
    mixed_batches_train_each_net_as_alone::<f32x16>();
    mixed_batches_train_each_net_as_alone::<Dd>();
}
