use xorsweep::baseline::{LESSON_LR, lesson_spec, render};
use xorsweep::train::{Params, Precision, batch, reference};

const GOLDEN: &str = "\
epoch    0   loss 0.2518
epoch  500   loss 0.0888
epoch 1000   loss 0.0034
epoch 1500   loss 0.0015
epoch 2000   loss 0.0010
epoch 2500   loss 0.0007
epoch 3000   loss 0.0006
epoch 3500   loss 0.0005
epoch 4000   loss 0.0004

0 XOR 0 -> 0.020   (target 0)
0 XOR 1 -> 0.977   (target 1)
1 XOR 0 -> 0.981   (target 1)
1 XOR 1 -> 0.018   (target 0)
";

#[test]
fn reference_prints_the_lesson() {
    let spec = lesson_spec();
    let (o, c) = reference::train(Params::LESSON, LESSON_LR, &spec);
    assert_eq!(render(&spec, &o, &c), GOLDEN);
}

#[test]
fn lanes_print_the_lesson() {
    let spec = lesson_spec();
    for p in [Precision::F64, Precision::F32] {
        let r = batch::train(p, &[Params::LESSON], &[LESSON_LR], &spec);
        assert_eq!(render(&spec, &r[0].0, &r[0].1), GOLDEN, "{p}");
    }
}
