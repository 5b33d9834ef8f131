//! The double-double lanes ([`Dd`]) against 256-bit arithmetic where f64 is not good enough.
//!
//! The oracle is astro-float: pure Rust (no GMP), correctly rounded exp, ln and tanh at any
//! precision. A scalar double-double (twofloat) was the other choice; its functions round at
//! the same 2⁻¹⁰⁶ as the lanes, so it could not tell the lanes' error from its own. At 256 bits
//! the oracle's error is 2¹⁵⁰ times below what is measured.
//!
//! Against the f64 reference where f64 is well conditioned, dd is stamped into the lane tests
//! beside the other types (vs_oracle, symmetry, per_layer, saturated). Here: (1) exp, tanh and ln
//! within stated dd-ulps (2⁻¹⁰⁶ relative) over the trainer's range; (2) whole training runs that
//! f64 gets measurably wrong, matched by the dd lanes to ~1e−25; (3) the map's dd nudge is one
//! dd-ulp of the axis value, carried into the lanes.

use crate::common::{lr_nets, random_nets};
use astro_float::{BigFloat, Consts, RoundingMode};
use wide::f64x8;
use xorsweep::train::dd::Dd;
use xorsweep::train::lane::Lane;
use xorsweep::train::{Net, Params, TrainSpec, batch, reference};

const P: usize = 256;
const RM: RoundingMode = RoundingMode::ToEven;

/// `x` exactly. Subnormals go through 2⁶⁰⁰: astro-float reads a subnormal f64 wrongly.
fn big(x: f64) -> BigFloat {
    if x != 0.0 && x.abs() < f64::MIN_POSITIVE {
        let up = BigFloat::from_f64(x * 2f64.powi(600), P);
        return up.mul(&BigFloat::from_f64(2f64.powi(-600), P), P, RM);
    }
    BigFloat::from_f64(x, P)
}

/// `x` to the nearest f64 (through its decimal digits: astro-float has no f64 conversion).
fn to_f64(x: &BigFloat) -> f64 {
    x.to_string().parse().unwrap()
}

/// |got − want|/|want| (|got − want| where want is 0).
fn rel_err(got: &BigFloat, want: &BigFloat) -> f64 {
    let d = got.sub(want, P, RM);
    let d = to_f64(&d).abs();
    let w = to_f64(want).abs();
    if w == 0.0 { d } else { d / w }
}

/// hi + lo exactly.
fn dd_big(hi: f64, lo: f64) -> BigFloat {
    big(hi).add(&big(lo), P, RM)
}

/// `f` in dd lanes on the values hi + lo, 8 at a time.
fn dd_of(xs: &[(f64, f64)], f: fn(Dd) -> Dd) -> Vec<(f64, f64)> {
    let mut all = Vec::with_capacity(xs.len());
    for chunk in xs.chunks(8) {
        let at = |k: usize, lo: bool| chunk.get(k).map_or(1.0, |x| if lo { x.1 } else { x.0 });
        let r = f(Dd {
            hi: f64x8::new(std::array::from_fn(|k| at(k, false))),
            lo: f64x8::new(std::array::from_fn(|k| at(k, true))),
        });
        let (hi, lo) = (r.hi.to_array(), r.lo.to_array());
        all.extend((0..chunk.len()).map(|k| (hi[k], lo[k])));
    }
    all
}

/// Values hi + lo with hi on `his` and lo a pseudo-random part of hi's last half ulp, so that
/// the low halves are exercised too.
fn with_lows(his: impl Iterator<Item = f64>) -> Vec<(f64, f64)> {
    his.enumerate()
        .map(|(i, h)| {
            let frac = ((i as f64 * 0.618_033_988_749_895).fract() - 0.5) * 0.999;
            let ulp = h.abs().next_up() - h.abs();
            (h, frac * ulp * (h.abs() >= f64::MIN_POSITIVE) as u8 as f64)
        })
        .collect()
}

/// The worst error of `f` over `xs` in dd-ulps (2⁻¹⁰⁶ relative) against `want` at 256 bits,
/// asserted ≤ `bound`.
fn worst_dd_ulps(
    name: &str,
    xs: &[(f64, f64)],
    f: fn(Dd) -> Dd,
    want: fn(&BigFloat, &mut Consts) -> BigFloat,
    bound: f64,
) -> f64 {
    let mut cc = Consts::new().unwrap();
    let mut worst: f64 = 0.0;
    for (&(h, l), (gh, gl)) in xs.iter().zip(dd_of(xs, f)) {
        let w = want(&dd_big(h, l), &mut cc);
        let u = rel_err(&dd_big(gh, gl), &w) * 2f64.powi(106);
        assert!(
            u <= bound,
            "{name}({h:e} + {l:e}) = {gh:e} + {gl:e}: {u} dd-ulps"
        );
        worst = worst.max(u);
    }
    worst
}

fn grid(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
    (0..=n).map(move |i| lo + (hi - lo) * i as f64 / n as f64)
}

/// exp over [−670, 709] and densely near 0, tanh over ±20 (±1 beyond to 2⁻¹⁰⁷) and near 0, ln
/// from 1e−300 to 1e300 and near 1 (where bce's softplus takes it). Below e^−670 ≈ 2⁻⁹⁶⁷ the
/// low half of a double-double loses bits to the subnormal range, and at the clamp, e^−708 ≈
/// 2⁻¹⁰²¹, there are f64's 53 left: the lanes' exp there is as good as its representation.
#[test]
fn exp_tanh_and_ln_are_within_a_few_dd_ulps() {
    let exp_xs = with_lows(grid(-670.0, 709.0, 1379).chain(grid(-1.0, 1.0, 400)));
    let e = worst_dd_ulps("exp", &exp_xs, Dd::exp, |x, cc| x.exp(P, RM, cc), 4.0);
    let tanh_xs = with_lows(
        grid(-20.0, 20.0, 800)
            .chain((1..60).map(|k| 2f64.powi(-k)))
            .chain([1e-290, -1e-10, 0.3466, 0.3467]),
    );
    let t = worst_dd_ulps("tanh", &tanh_xs, Dd::tanh, |x, cc| x.tanh(P, RM, cc), 8.0);
    let ln_xs = with_lows(
        (-300..=300)
            .map(|k| 1.37 * 10f64.powi(k))
            .chain((1..60).map(|k| 1.0 + 2f64.powi(-k)))
            .chain((1..60).map(|k| 1.0 - 2f64.powi(-k)))
            .chain(grid(0.5, 2.0, 300)),
    );
    let l = worst_dd_ulps("ln", &ln_xs, Dd::ln, |x, cc| x.ln(P, RM, cc), 8.0);
    // Not vacuous: none of them is exact.
    assert!(e > 0.0 && t > 0.0 && l > 0.0, "{e} {t} {l}");
    eprintln!("worst dd-ulps: exp {e:.2}, tanh {t:.2}, ln {l:.2}");
}

/// The lesson's trainer (sigmoid hidden and output, mse, full batch, η for every weight) at
/// 256 bits: the weights after `epochs` steps.
fn lesson_at_256_bits(net: &Net, epochs: u32, cc: &mut Consts) -> [BigFloat; 9] {
    let one = big(1.0);
    let sigmoid =
        |z: &BigFloat, cc: &mut Consts| one.div(&one.add(&z.neg().exp(P, RM, cc), P, RM), P, RM);
    let mul = |a: &BigFloat, b: &BigFloat| a.mul(b, P, RM);
    let eta = big(net.hyper.lr_hidden).div(&big(2.0), P, RM); // η·2/4: mse's 2, the mean's 1/4
    let mut p: [BigFloat; 9] = net.init.0.map(big);
    for _ in 0..epochs {
        let mut g: [BigFloat; 9] = std::array::from_fn(|_| big(0.0));
        for (x1, x2, y) in xorsweep::train::XOR_CASES {
            let z = |w1: &BigFloat, w2: &BigFloat, b: &BigFloat| {
                mul(w1, &big(x1))
                    .add(&mul(w2, &big(x2)), P, RM)
                    .add(b, P, RM)
            };
            let h1 = sigmoid(&z(&p[0], &p[1], &p[2]), cc);
            let h2 = sigmoid(&z(&p[3], &p[4], &p[5]), cc);
            let zo = mul(&p[6], &h1)
                .add(&mul(&p[7], &h2), P, RM)
                .add(&p[8], P, RM);
            let out = sigmoid(&zo, cc);
            let d_out = mul(&mul(&out.sub(&big(y), P, RM), &out), &one.sub(&out, P, RM));
            let d1 = mul(&mul(&mul(&d_out, &p[6]), &h1), &one.sub(&h1, P, RM));
            let d2 = mul(&mul(&mul(&d_out, &p[7]), &h2), &one.sub(&h2, P, RM));
            let case = [
                mul(&d1, &big(x1)),
                mul(&d1, &big(x2)),
                d1.clone(),
                mul(&d2, &big(x1)),
                mul(&d2, &big(x2)),
                d2.clone(),
                mul(&d_out, &h1),
                mul(&d_out, &h2),
                d_out,
            ];
            for (acc, c) in g.iter_mut().zip(case) {
                *acc = acc.add(&c, P, RM);
            }
        }
        for (w, gk) in p.iter_mut().zip(&g) {
            *w = w.sub(&mul(&eta, gk), P, RM);
        }
    }
    p
}

/// max over the nine weights of |got − want|, relative to the largest |want|.
fn weights_err(got: &[BigFloat; 9], want: &[BigFloat; 9]) -> f64 {
    let scale = want.iter().map(|w| to_f64(w).abs()).fold(0.0, f64::max);
    got.iter()
        .zip(want)
        .map(|(g, w)| to_f64(&g.sub(w, P, RM)).abs() / scale)
        .fold(0.0, f64::max)
}

/// Lesson runs (300 epochs, random starts and rates) whose f64 reference ends more than 1e−13
/// (relative, worst weight) off the 256-bit run: there the dd lanes' weights (hi + rest, read
/// at full precision) are at least 2⁴⁰ times closer to it than f64's (measured: 2⁵¹–2⁵³), and
/// within 1e−24 where f64's error is below 1e−9. Rounding grows the same way in both: a run
/// f64 ends 1e−3 off, dd ends 1e−19 off; runs f64 gets wholly wrong (past 1e−2) are chaos, left
/// out.
#[test]
fn dd_lanes_track_256_bits_where_f64_does_not() {
    let epochs = 300;
    let (inits, lrs): (Vec<Params>, Vec<f64>) = random_nets(24, 48).into_iter().unzip();
    let nets = lr_nets(&inits, &lrs);
    let dd = batch::final_weights_with::<Dd>(&nets, None, epochs);
    let spec = TrainSpec::new(epochs, vec![], None);
    let mut cc = Consts::new().unwrap();
    let (mut compared, mut below, mut worst) = (0, 0, 0.0f64);
    for (net, got) in nets.iter().zip(&dd) {
        let truth = lesson_at_256_bits(net, epochs, &mut cc);
        let f64_run = reference::train(net, &spec).0.params.0.map(big);
        let f64_err = weights_err(&f64_run, &truth);
        let dd_err = weights_err(&got.map(|(h, r)| dd_big(h, r)), &truth);
        if f64_err > 1e-13 && f64_err < 1e-2 {
            compared += 1;
            if f64_err < 1e-9 {
                below += 1;
                worst = worst.max(dd_err);
            }
            assert!(
                (f64_err >= 1e-9 || dd_err < 1e-24) && dd_err < f64_err * 2f64.powi(-40),
                "init {} lr {}: dd {dd_err:e}, f64 {f64_err:e}",
                net.init,
                net.hyper.lr_hidden
            );
        }
    }
    assert!(
        compared >= 4 && below >= 2,
        "only {compared} runs where f64 is measurably off ({below} below 1e-9)"
    );
    eprintln!("{compared} runs compared; where f64 is off by < 1e-9, dd within {worst:e}");
}

/// `load_dd` carries a low part into the dd lanes (normalised: lo above half an ulp of hi, or
/// hi 0, moves into hi) and the f64 lanes keep hi, bit for bit: a map whose nudge is a dd-ulp
/// trains f64 maps exactly as before.
#[test]
fn load_dd_carries_the_low_part_and_f64_lanes_keep_hi() {
    let hi = [1.0, 0.0, -3.5, 2.0, 1e-300, 7.0, -0.25, 1e300];
    let lo = [1e-20, 1e-30, 3e-16, -1e-17, 0.0, 0.0, 1e-40, -1e283];
    let d = Dd::load_dd(&hi, &lo);
    for (k, (h, l)) in d.hi.to_array().into_iter().zip(d.lo.to_array()).enumerate() {
        assert_eq!(h, hi[k] + lo[k], "hi {k}");
        let exact = dd_big(h, l).sub(&dd_big(hi[k], lo[k]), P, RM).is_zero();
        assert!(exact, "hi + lo {k}");
    }
    let nets = lr_nets(&[Params::LESSON; 8], &[2.0; 8]);
    let mut lows = vec![xorsweep::train::NetLo::zero(); 8];
    for (i, l) in lows.iter_mut().enumerate() {
        l.init.0[i] = 1e-25;
        l.hyper.lr_hidden = 1e-24;
    }
    type F64 = xorsweep::train::lane::F64Lanes;
    let bits = |m: Vec<xorsweep::train::MapOutcome>| {
        m.iter()
            .map(|o| (o.final_loss.to_bits(), o.mean_loss_ratio.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        bits(batch::train_map_dd_with::<F64>(&nets, &lows, 200)),
        bits(batch::train_map_with::<F64>(&nets, 200))
    );
    // dd sees the low parts: the runs move, by about the nudge (1e−24 relative), far below
    // f64's rounding.
    let plain = batch::final_weights_with::<Dd>(&nets, None, 200);
    let nudged = batch::final_weights_with::<Dd>(&nets, Some(&lows), 200);
    for (i, (a, b)) in plain.iter().zip(&nudged).enumerate() {
        let err = weights_err(&b.map(|(h, r)| dd_big(h, r)), &a.map(|(h, r)| dd_big(h, r)));
        assert!(err > 1e-28 && err < 1e-20, "net {i}: moved {err:e}");
    }
}
