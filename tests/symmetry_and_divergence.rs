//! Exactly symmetric nets stay clones and cannot learn XOR; huge learning rates are data.

mod common;

use common::{lr_net, lr_nets};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xorsweep::train::{Outcome, Params, Precision, TrainSpec, batch, reference};

fn symmetric_nets(n: usize) -> Vec<Params> {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    (0..n)
        .map(|i| {
            let a = [0.5, 1.0, 4.0][i % 3];
            let (w1, w2, b, v, c) = (
                rng.random_range(-a..a),
                rng.random_range(-a..a),
                rng.random_range(-a..a),
                rng.random_range(-a..a),
                rng.random_range(-a..a),
            );
            Params([w1, w2, b, w1, w2, b, v, v, c])
        })
        .collect()
}

fn check_symmetric(o: &Outcome, what: &str) {
    assert_eq!(
        o.hidden_gap.to_bits(),
        0.0f64.to_bits(),
        "{what}: clones drifted apart: {o:?}"
    );
    assert!(
        o.final_loss >= 1.0 / 6.0,
        "{what}: MSE {} below the 1/6 bound",
        o.final_loss
    );
    assert!(o.correct <= 3, "{what}: a symmetric net solved XOR: {o:?}");
    assert_eq!(o.solved_epoch, None);
}

#[test]
fn exactly_symmetric_nets_stay_clones_and_never_solve() {
    let nets = symmetric_nets(40);
    let spec = TrainSpec::new(5000, vec![0, 2500, 5000], None);
    for lr in [0.1, 2.0, 20.0] {
        let lrs = vec![lr; nets.len()];
        for (i, p) in nets.iter().enumerate() {
            let (o, c) = reference::train(&lr_net(*p, lr), &spec);
            check_symmetric(&o, &format!("oracle net {i} lr {lr}"));
            assert!(c.gap.iter().all(|g| *g == 0.0));
        }
        for precision in [Precision::F64, Precision::F32] {
            for (i, (o, c)) in batch::train(precision, &lr_nets(&nets, &lrs), &spec)
                .iter()
                .enumerate()
            {
                check_symmetric(o, &format!("{precision} lanes net {i} lr {lr}"));
                assert!(c.gap.iter().all(|g| *g == 0.0));
            }
        }
    }
}

#[test]
fn huge_learning_rate_is_diverged_or_stuck_never_silent_nan() {
    let nets: Vec<Params> = common::random_nets(3, 64)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let spec = TrainSpec::new(500, vec![0, 250, 500], None);
    for lr in [1e6, 1e12, f64::MAX] {
        let lrs = vec![lr; nets.len()];
        let mut results: Vec<Outcome> = nets
            .iter()
            .map(|p| reference::train(&lr_net(*p, lr), &spec).0)
            .collect();
        for precision in [Precision::F64, Precision::F32] {
            results.extend(
                batch::train(precision, &lr_nets(&nets, &lrs), &spec)
                    .into_iter()
                    .map(|r| r.0),
            );
        }
        for o in &results {
            let numbers = o
                .params
                .0
                .iter()
                .chain(&o.outputs)
                .chain([&o.final_loss, &o.hidden_gap]);
            let all_finite = numbers.clone().all(|x| x.is_finite());
            assert!(
                o.diverged || all_finite,
                "lr {lr}: non-finite numbers without the diverged flag: {o:?}"
            );
            assert!(o.diverged || o.correct <= 4);
            if !o.diverged {
                assert!(o.final_loss.is_finite());
            }
        }
    }
}
