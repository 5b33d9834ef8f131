//! From a map spec to trained pixels: the base net, each pixel's net and rates, and training
//! in lanes across threads. A pixel's result depends only on its own net (lanes never mix), so
//! the map is the same bytes for any thread count or block size.

use indicatif::ProgressBar;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::chaos::Nudge;
use super::spec::{AxisKind, AxisSpec, MapSpec, Verdict};
use crate::sweep::plan::initial_params;
use crate::train::{Hyper, MapOutcome, Net, NetLo, Options, Params, Precision, batch};

/// Pixels trained per task: small enough for an even spread and a smooth progress bar, large
/// enough that a task's overhead is nothing next to its training.
pub const BLOCK: usize = 2048;

/// What a map keeps of one net (16 bytes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pixel {
    pub final_loss: f32,
    /// Mean of loss/loss₀ over epochs 0..=epochs.
    pub mean_loss: f32,
    /// First epoch with all four outputs correct; NaN if never.
    pub solved_epoch: f32,
    /// All four outputs correct at the end.
    pub trained: bool,
    /// The paper's criterion: every loss finite and the mean of loss/loss₀ below 1.
    pub converged: bool,
    pub diverged: bool,
}

impl Pixel {
    /// What a map keeps of a trained net.
    pub fn of(r: &MapOutcome) -> Pixel {
        Pixel {
            final_loss: r.final_loss as f32,
            mean_loss: r.mean_loss_ratio as f32,
            solved_epoch: r.solved_epoch.map_or(f32::NAN, |e| e as f32),
            trained: r.solved,
            converged: !r.diverged && r.mean_loss_ratio < 1.0,
            diverged: r.diverged,
        }
    }

    /// The pixel's verdict of the kind a map's boundary separates.
    pub fn verdict(&self, v: Verdict) -> bool {
        match v {
            Verdict::Trained => self.trained,
            Verdict::Converged => self.converged,
        }
    }
}

/// The nets a map starts from: the base draw, its symmetric version and the ε direction.
#[derive(Clone, Debug)]
pub struct Base {
    pub params: Params,
    /// Hidden unit 2 a copy of unit 1 (w21 w22 b2 v2 ← w11 w12 b1 v1).
    pub symmetric: Params,
    /// Direction of ε for w21 w22 b2 v2, each component U(−1, 1), from the seed.
    pub direction: [f64; 4],
    /// The trainer of every pixel before the axes act.
    pub hyper: Hyper,
    pub options: Options,
}

/// The parameters ε moves: w21 w22 b2 v2.
const EPS_PARAMS: [usize; 4] = [3, 4, 5, 7];

impl Base {
    pub fn new(spec: &MapSpec) -> Base {
        let params = initial_params(spec.init, spec.seed, 0);
        let mut symmetric = params;
        for (two, one) in EPS_PARAMS.into_iter().zip([0, 1, 2, 6]) {
            symmetric.0[two] = params.0[one];
        }
        // Stream 1: the base draw uses stream 0 (run 0 of the sweep's scheme).
        let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
        rng.set_stream(1);
        let direction = std::array::from_fn(|_| rng.random_range(-1.0..1.0));
        Base {
            params,
            symmetric,
            direction,
            hyper: spec.hyper,
            options: spec.options,
        }
    }

    /// The net and rates at axis values (x, y).
    pub fn net(&self, axes: [(AxisKind, f64); 2]) -> (Params, Hyper) {
        let (net, _) = self.net_dd(axes.map(|(kind, v)| (kind, v, 0.0)));
        net
    }

    /// The net and rates at axis values (x, y) that are double-doubles (kind, v, δ): v + δ. The
    /// f64 net of the v's (the same bits as [`Base::net`]'s), and the low parts its numbers get
    /// from the δ's: each number is affine in each axis value, so the δ's move it by its
    /// derivative times δ, carried beside it (δ·δ terms, below 2⁻²⁰⁰ relative, dropped).
    pub fn net_dd(&self, axes: [(AxisKind, f64, f64); 2]) -> ((Params, Hyper), NetLo) {
        let mut axes = axes;
        axes.sort_by_key(|(k, _, _)| k.order());
        let mut p = self.params;
        let mut rates = self.hyper;
        let mut lo = NetLo::zero();
        for (kind, v, dv) in axes {
            match kind {
                AxisKind::Scale => {
                    lo.init = Params(std::array::from_fn(|k| lo.init.0[k] * v + p.0[k] * dv));
                    p = Params(p.0.map(|w| w * v));
                }
                AxisKind::Eps => {
                    let mut s = p;
                    for (k, (two, one)) in EPS_PARAMS.into_iter().zip([0, 1, 2, 6]).enumerate() {
                        s.0[two] = p.0[one] + v * self.direction[k];
                        lo.init.0[two] = lo.init.0[one] + dv * self.direction[k];
                    }
                    p = s;
                }
                AxisKind::Weight(k) => {
                    p.0[k] += v;
                    lo.init.0[k] += dv;
                }
                AxisKind::Lr => {
                    (rates.lr_hidden, rates.lr_out) = (v, v);
                    (lo.hyper.lr_hidden, lo.hyper.lr_out) = (dv, dv);
                }
                AxisKind::Hyper(h) => {
                    rates.set(h, v);
                    lo.hyper.set(h, dv);
                }
            }
        }
        ((p, rates), lo)
    }

    /// The axis values of pixel `k` (row-major, row 0 = the lowest y).
    pub fn pixel_at(x: &AxisSpec, y: &AxisSpec, k: usize) -> [(AxisKind, f64); 2] {
        let nx = x.n as usize;
        let (i, j) = ((k % nx) as u32, (k / nx) as u32);
        [(x.kind, x.value(i)), (y.kind, y.value(j))]
    }

    /// The net and rates of pixel `k` (row-major, row 0 = the lowest y).
    pub fn pixel_net(&self, x: &AxisSpec, y: &AxisSpec, k: usize) -> (Params, Hyper) {
        self.net(Self::pixel_at(x, y, k))
    }
}

/// Train `n` nets, net `k` the one `net(base, k)` makes (with the low parts of its numbers
/// where they are double-doubles, see [`Base::net_dd`]: nonzero only in a dd nudge), on the
/// current rayon pool, ticking `progress` by nets and asking `stop` before each task of
/// [`BLOCK`] nets: `None` if it said stop (a signal), so that a map ends within one task per
/// thread.
fn train(
    spec: &MapSpec,
    n: usize,
    net: impl Fn(&Base, usize) -> ((Params, Hyper), NetLo) + Sync,
    progress: &ProgressBar,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Pixel>> {
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let base = Base::new(spec);
    let mut pixels = vec![
        Pixel {
            final_loss: 0.0,
            mean_loss: 0.0,
            solved_epoch: 0.0,
            trained: false,
            converged: false,
            diverged: false,
        };
        n
    ];
    pixels
        .par_chunks_mut(BLOCK)
        .enumerate()
        .for_each(|(b, out)| {
            if stopped.load(std::sync::atomic::Ordering::Relaxed) || stop() {
                stopped.store(true, std::sync::atomic::Ordering::Relaxed);
                return;
            }
            let first = b * BLOCK;
            let made: Vec<_> = (first..first + out.len()).map(|k| net(&base, k)).collect();
            for (px, r) in out.iter_mut().zip(train_block(spec, &base, &made)) {
                *px = Pixel::of(&r);
            }
            progress.inc(out.len() as u64);
        });
    (!stopped.into_inner()).then_some(pixels)
}

/// Train one block of nets, each with the low parts of its numbers: low parts only where a
/// number has one (a dd nudge), so that f64 and f32 maps, and dd frames, load exactly as they
/// always have.
fn train_block(spec: &MapSpec, base: &Base, made: &[((Params, Hyper), NetLo)]) -> Vec<MapOutcome> {
    let nets: Vec<Net> = made
        .iter()
        .map(|&((init, hyper), _)| Net {
            init,
            hyper,
            options: base.options,
        })
        .collect();
    if made.iter().any(|m| m.1 != NetLo::zero()) {
        let lows: Vec<NetLo> = made.iter().map(|m| m.1).collect();
        batch::train_map_dd(spec.precision, &nets, &lows, spec.epochs)
    } else {
        batch::train_map(spec.precision, &nets, spec.epochs)
    }
}

/// Train every pixel of `spec` on the current rayon pool, ticking `progress` by pixels.
pub fn compute(spec: &MapSpec, progress: &ProgressBar) -> Vec<Pixel> {
    compute_until(spec, progress, &|| false).expect("never stopped")
}

/// [`compute`], asking `stop` before each task of [`BLOCK`] pixels: `None` if it said stop.
pub fn compute_until(
    spec: &MapSpec,
    progress: &ProgressBar,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Pixel>> {
    train(
        spec,
        spec.pixels(),
        |base, k| base.net_dd(plain(Base::pixel_at(&spec.x, &spec.y, k))),
        progress,
        stop,
    )
}

/// The net of pixel `k` of `spec` (row-major, row 0 = the lowest y) and what it trains to:
/// that pixel of [`compute`], trained alone (lanes never mix, so it is the same bytes).
pub fn one_pixel(spec: &MapSpec, k: usize) -> (Net, Pixel) {
    let (init, hyper) = Base::new(spec).pixel_net(&spec.x, &spec.y, k);
    let net = Net {
        init,
        hyper,
        options: spec.options,
    };
    let r = batch::train_map(spec.precision, &[net], spec.epochs);
    (net, Pixel::of(&r[0]))
}

/// Axis values with no low parts.
fn plain(at: [(AxisKind, f64); 2]) -> [(AxisKind, f64, f64); 2] {
    at.map(|(kind, v)| (kind, v, 0.0))
}

/// One dd-ulp of `v`: ulp(v)·2⁻⁵³, 2⁵³ times smaller than an f64 ulp (a one-f64-ulp nudge
/// would be 2⁵³ dd roundings, not one).
pub fn dd_ulp(v: f64) -> f64 {
    (v.next_up() - v) * 2f64.powi(-53)
}

/// The one-ulp nudge of the chaos measures: both axis values of a pixel moved to the next
/// value above them in the map's precision: the next f64 or f32 (see [`ulp_up`]), or in
/// double-double v + δ with δ one [`dd_ulp`].
pub fn nudged(at: [(AxisKind, f64); 2], precision: Precision) -> [(AxisKind, f64, f64); 2] {
    at.map(|(kind, v)| match precision {
        Precision::Dd => (kind, v, dd_ulp(v)),
        Precision::F64 | Precision::F32 => (kind, ulp_up(v, precision), 0.0),
    })
}

/// `v` as the lanes of `precision` hold a number loaded from an f64 (rounded to the nearest
/// f32 in f32; dd lanes hold the f64 itself), as an f64.
pub fn lane_value(v: f64, precision: Precision) -> f64 {
    match precision {
        Precision::F64 | Precision::Dd => v,
        Precision::F32 => f64::from(v as f32),
    }
}

/// The next f64 above `v`, or in f32 the next f32 above `v` rounded to f32 (dd lanes are
/// nudged by a [`dd_ulp`] instead, see [`nudged`]).
pub fn ulp_up(v: f64, precision: Precision) -> f64 {
    match precision {
        Precision::F64 | Precision::Dd => v.next_up(),
        Precision::F32 => f64::from((v as f32).next_up()),
    }
}

/// The net and rates of pixel `k` of `spec` under a [`Nudge`], with the low parts a dd nudge
/// gives its numbers.
pub fn nudged_net(base: &Base, spec: &MapSpec, k: usize, nudge: Nudge) -> ((Params, Hyper), NetLo) {
    let (x, y) = (&spec.x, &spec.y);
    let at = Base::pixel_at(x, y, k);
    match nudge {
        Nudge::Axes => base.net_dd(nudged(at, spec.precision)),
        Nudge::Weights => {
            let ((p, h), mut lo) = base.net_dd(plain(at));
            match spec.precision {
                Precision::Dd => {
                    lo.init = Params(p.0.map(dd_ulp));
                    ((p, h), lo)
                }
                other => ((Params(p.0.map(|w| ulp_up(w, other))), h), lo),
            }
        }
        Nudge::HalfPixel => {
            let (i, j) = ((k % x.n as usize) as f64, (k / x.n as usize) as f64);
            base.net_dd(plain([
                (x.kind, x.at((i + 1.0) / f64::from(x.n))),
                (y.kind, y.at((j + 1.0) / f64::from(y.n))),
            ]))
        }
    }
}

/// Train the pixels `sample` of `spec` again, each under `nudge`; `None` if `stop` said stop.
pub fn compute_nudged(
    spec: &MapSpec,
    sample: &[usize],
    nudge: Nudge,
    progress: &ProgressBar,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Pixel>> {
    train(
        spec,
        sample.len(),
        |base, s| nudged_net(base, spec, sample[s], nudge),
        progress,
        stop,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::spec::MapConfig;

    #[test]
    fn axes_act_on_the_right_numbers() {
        let spec = MapConfig {
            x: "eps:1e-3..1e-1:4:log".parse().unwrap(),
            y: "scale:0.5..2:3".parse().unwrap(),
            init: "uniform:1".parse().unwrap(),
            ..MapConfig::default()
        }
        .validate()
        .unwrap();
        let base = Base::new(&spec);
        let (p, r) = base.net([(AxisKind::Eps, 0.0), (AxisKind::Scale, 2.0)]);
        assert_eq!(r, Hyper::lr(2.0));
        // ε = 0: an exact clone of the scaled base's unit 1.
        assert_eq!(p.hidden_gap(), 0.0);
        assert_eq!(p.0[0], 2.0 * base.params.0[0]);
        assert_eq!(p.0[8], 2.0 * base.params.0[8]);
        let (q, _) = base.net([(AxisKind::Scale, 2.0), (AxisKind::Eps, 0.01)]);
        assert!(
            (q.hidden_gap()
                - 0.01
                    * base
                        .direction
                        .map(f64::abs)
                        .iter()
                        .fold(0.0, |a: f64, b| a.max(*b)))
            .abs()
                < 1e-15
        );
        let (w, r) = base.net([
            (AxisKind::Weight(8), 0.5),
            (
                AxisKind::Hyper(crate::train::options::HyperParam::LrOut),
                7.0,
            ),
        ]);
        assert_eq!(w.0[8], base.params.0[8] + 0.5);
        assert_eq!(r, Hyper::rates(2.0, 7.0));
    }

    /// f64 and f32 nudge to the next f64; dd by one dd-ulp, ulp·2⁻⁵³, carried into the net as
    /// low parts (derivative × δ) beside the very net the f64 axis values give.
    #[test]
    fn a_dd_nudge_is_one_dd_ulp_carried_as_low_parts() {
        let spec = MapConfig {
            init: "uniform:1".parse().unwrap(),
            ..MapConfig::default()
        }
        .validate()
        .unwrap();
        let base = Base::new(&spec);
        let at = [(AxisKind::Scale, 1.5), (AxisKind::Lr, 3.0)];
        let [(_, s, ds), (_, l, dl)] = nudged(at, Precision::F64);
        assert_eq!(
            (s, ds, l, dl),
            (1.5f64.next_up(), 0.0, 3.0f64.next_up(), 0.0)
        );
        // f32 lanes are nudged by an f32 ulp: a one-f64-ulp nudge rounds away on loading.
        let [(_, s, ds), (_, l, dl)] = nudged(at, Precision::F32);
        let up = |v: f32| f64::from(v.next_up());
        assert_eq!((s, ds, l, dl), (up(1.5), 0.0, up(3.0), 0.0));
        let dd = nudged(at, Precision::Dd);
        assert_eq!([dd[0].1, dd[0].2], [1.5, dd_ulp(1.5)]);
        assert_eq!([dd[1].1, dd[1].2], [3.0, dd_ulp(3.0)]);
        let (net, lo) = base.net_dd(dd);
        assert_eq!(net, base.net(at));
        for k in 0..9 {
            assert_eq!(
                lo.init.0[k],
                base.params.0[k] * dd_ulp(1.5),
                "d(w·s)/ds = w"
            );
        }
        assert_eq!(
            (lo.hyper.lr_hidden, lo.hyper.lr_out),
            (dd_ulp(3.0), dd_ulp(3.0))
        );
        let eps = [
            (AxisKind::Eps, 0.01, 1e-30),
            (AxisKind::Weight(8), 0.5, 0.0),
        ];
        let (_, lo) = base.net_dd(eps);
        for (k, two) in EPS_PARAMS.into_iter().enumerate() {
            assert_eq!(
                lo.init.0[two],
                1e-30 * base.direction[k],
                "d(w + ε·d)/dε = d"
            );
        }
    }
}
