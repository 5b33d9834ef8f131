//! The lesson's weights placed at every kind of lane position reproduce the lesson's printout.

use crate::common::{lr_net, lr_nets};

use xorsweep::baseline::{LESSON_LR, lesson_spec, render};
use xorsweep::train::{Params, Precision, batch, reference};

#[test]
fn lesson_weights_in_any_lane_print_the_baseline() {
    let spec = lesson_spec();
    let (want_o, want_c) = reference::train(&lr_net(Params::LESSON, LESSON_LR), &spec);
    let want = render(&spec, &want_o, &want_c);
    for precision in [Precision::F64, Precision::F32] {
        let w = batch::lane_width(precision);
        let n = 2 * w + 3; // two full vectors and a padded tail of three
        let mut nets = crate::common::random_nets(99, n);
        let positions = [0, w / 2, w - 1, w, 2 * w, n - 1];
        for &i in &positions {
            nets[i] = (Params::LESSON, LESSON_LR);
        }
        let (inits, lrs): (Vec<Params>, Vec<f64>) = nets.into_iter().unzip();
        let got = batch::train(precision, &lr_nets(&inits, &lrs), &spec);
        for &i in &positions {
            assert_eq!(
                render(&spec, &got[i].0, &got[i].1),
                want,
                "{precision}, lane position {i} of {n}"
            );
        }
    }
}
