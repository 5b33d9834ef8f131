use crate::common::{lr_net, lr_nets};
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
    let (o, c) = reference::train(&lr_net(Params::LESSON, LESSON_LR), &spec);
    assert_eq!(render(&spec, &o, &c), GOLDEN);
}

#[test]
fn lanes_print_the_lesson() {
    let spec = lesson_spec();
    for p in [Precision::F64, Precision::F32] {
        let r = batch::train(p, &lr_nets(&[Params::LESSON], &[LESSON_LR]), &spec);
        assert_eq!(render(&spec, &r[0].0, &r[0].1), GOLDEN, "{p}");
    }
}

/// Final weights of the lesson's run as printed (in hex) by an independent implementation, the
/// numpy peer trainer `numpy_xor.py --verify` in the team's shared anchors (numpy 2.4, f64).
const NUMPY_PEER_FINAL: [&str; 9] = [
    "0x1.77d53edd8f81ep+2",
    "-0x1.7e0ab95c0e0e8p+2",
    "-0x1.99bcae4f8864bp+1",
    "0x1.7bceb465cef95p+2",
    "-0x1.6e4b9a8942bd4p+2",
    "0x1.6f60040aa95eap+1",
    "0x1.2a62eea04fe69p+3",
    "-0x1.205817f74dce8p+3",
    "0x1.10961b8510d0ap+2",
];

fn parse_hex_float(s: &str) -> f64 {
    let (sign, rest) = s.strip_prefix('-').map_or((1.0, s), |r| (-1.0, r));
    let (mantissa, exp) = rest.strip_prefix("0x1.").unwrap().split_once("p").unwrap();
    let frac =
        u64::from_str_radix(mantissa, 16).unwrap() as f64 / 2f64.powi(4 * mantissa.len() as i32);
    sign * (1.0 + frac) * 2f64.powi(exp.parse().unwrap())
}

#[test]
fn reference_matches_the_numpy_peer_bit_for_bit() {
    let (o, _) = reference::train(&lr_net(Params::LESSON, LESSON_LR), &lesson_spec());
    for (k, hex) in NUMPY_PEER_FINAL.iter().enumerate() {
        let want = parse_hex_float(hex);
        assert_eq!(
            o.params.0[k].to_bits(),
            want.to_bits(),
            "param {k}: {} vs numpy {want}",
            o.params.0[k]
        );
    }
    let lanes = batch::train(
        Precision::F64,
        &lr_nets(&[Params::LESSON], &[LESSON_LR]),
        &lesson_spec(),
    );
    for (k, hex) in NUMPY_PEER_FINAL.iter().enumerate() {
        assert!((lanes[0].0.params.0[k] - parse_hex_float(hex)).abs() < 1e-9);
    }
}
