//! The lane trainer: one 2-2-1 network per SIMD lane, written once over [`Lane`].
//!
//! All nine parameters of a batch live in vectors for the whole run; the XOR inputs are folded
//! in at compile time (x·0 + t = t, x·1 = x, bit-identical to the literal sums); the loss is
//! computed only at epochs the caller asked for (or every epoch when a target loss is tracked);
//! the "solved" verdict is a few compares per epoch and is skipped once every lane has solved.
//! Nothing in the epoch loop allocates or branches per lane. Arithmetic follows the reference's
//! order of operations, so the f64 lanes differ from the oracle only through `exp`.

use super::lane::{F32Lanes, F64Lanes, Lane};
use super::{
    Curve, Hyper, MapOutcome, Net, Options, Outcome, Params, Precision, TrainSpec, count_correct,
};

/// The state of a batch of `V::WIDTH` networks: w11 w12 b1 w21 w22 b2 v1 v2 c.
type State<V> = [V; 9];

/// Forward pass over the four cases: hidden activations (unit 1 and 2 for 00, 01, 10, 11) and
/// outputs. Inputs are folded: z(00) = b, z(01) = w2 + b, z(10) = w1 + b, z(11) = (w1 + w2) + b.
#[inline(always)]
fn forward<V: Lane>(p: &State<V>) -> ([V; 4], [V; 4], [V; 4]) {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c] = *p;
    let h1 = [
        b1.sigmoid(),
        (w12 + b1).sigmoid(),
        (w11 + b1).sigmoid(),
        ((w11 + w12) + b1).sigmoid(),
    ];
    let h2 = [
        b2.sigmoid(),
        (w22 + b2).sigmoid(),
        (w21 + b2).sigmoid(),
        ((w21 + w22) + b2).sigmoid(),
    ];
    let out = std::array::from_fn(|k| (v1 * h1[k] + v2 * h2[k] + c).sigmoid());
    (h1, h2, out)
}

/// Errors out − y for the four cases (y = 0, 1, 1, 0).
#[inline(always)]
fn errors<V: Lane>(out: &[V; 4]) -> [V; 4] {
    let one = V::splat(1.0);
    [out[0], out[1] - one, out[2] - one, out[3]]
}

/// Mean of the squared errors, summed in case order like the reference.
#[inline(always)]
fn mse<V: Lane>(err: &[V; 4]) -> V {
    (err[0] * err[0] + err[1] * err[1] + err[2] * err[2] + err[3] * err[3]) / V::splat(4.0)
}

/// Mask of lanes whose four outputs are all strictly on the right side of 0.5.
#[inline(always)]
fn all_correct<V: Lane>(out: &[V; 4]) -> V {
    let half = V::splat(0.5);
    out[0].lt(half) & out[1].gt(half) & out[2].gt(half) & out[3].lt(half)
}

/// max(|w11−w21|, |w12−w22|, |b1−b2|, |v1−v2|), NaN where any of them is NaN.
#[inline(always)]
fn hidden_gap<V: Lane>(p: &State<V>) -> V {
    let d = [
        (p[0] - p[3]).abs(),
        (p[1] - p[4]).abs(),
        (p[2] - p[5]).abs(),
        (p[6] - p[7]).abs(),
    ];
    let gap = d[0].max(d[1]).max(d[2].max(d[3]));
    let nan = (d[0] + d[1] + d[2] + d[3]).is_nan();
    V::select(nan, V::splat(f64::NAN), gap)
}

/// Step sizes η/2 of the two layers (see [`update`] for the halving).
#[derive(Clone, Copy)]
struct Steps<V> {
    hidden: V,
    out: V,
}

impl<V: Lane> Steps<V> {
    /// Halving is exact (barring underflow), per layer as for one shared rate.
    #[inline(always)]
    fn halved(hidden: V, out: V) -> Self {
        let half = V::splat(0.5);
        Steps {
            hidden: hidden * half,
            out: out * half,
        }
    }
}

/// One gradient step from a finished forward pass: p ← p − (η/4)·Σ grad, with the η of each
/// parameter's layer.
///
/// δout = 2(out−y)·out(1−out) is computed without its factor 2, which goes into the step size
/// instead: (η/4)·(2x) = (η/2)·x exactly, as scaling by 2 is exact (barring overflow), so every
/// product and sum below is the reference's, halved, bit for bit.
#[inline(always)]
fn update<V: Lane>(
    p: &mut State<V>,
    steps: Steps<V>,
    h1: &[V; 4],
    h2: &[V; 4],
    out: &[V; 4],
    err: &[V; 4],
) {
    let one = V::splat(1.0);
    let [_, _, _, _, _, _, v1, v2, _] = *p;
    let d_out: [V; 4] = std::array::from_fn(|k| err[k] * out[k] * (one - out[k]));
    let d_h1: [V; 4] = std::array::from_fn(|k| d_out[k] * v1 * h1[k] * (one - h1[k]));
    let d_h2: [V; 4] = std::array::from_fn(|k| d_out[k] * v2 * h2[k] * (one - h2[k]));
    let sum4 = |a: [V; 4]| a[0] + a[1] + a[2] + a[3];
    // x1 = 1 in cases 10 and 11, x2 = 1 in cases 01 and 11.
    let grad = [
        d_h1[2] + d_h1[3],
        d_h1[1] + d_h1[3],
        sum4(d_h1),
        d_h2[2] + d_h2[3],
        d_h2[1] + d_h2[3],
        sum4(d_h2),
        sum4(std::array::from_fn(|k| d_out[k] * h1[k])),
        sum4(std::array::from_fn(|k| d_out[k] * h2[k])),
        sum4(d_out),
    ];
    // Parameters 0..6 are the hidden layer's, 6..9 the output unit's (unrolled: no branch).
    for (k, (param, g)) in p.iter_mut().zip(grad).enumerate() {
        let step = if k < 6 { steps.hidden } else { steps.out };
        *param = *param - step * g;
    }
}

/// Per-lane results of [`run_lanes`], still in vectors.
struct LaneResult<V> {
    params: State<V>,
    out: [V; 4],
    loss: V,
    /// Epoch of the first all-correct forward pass, −1 if none.
    solved_at: V,
    /// Epoch of the first loss below the target, −1 if none (or not tracked).
    target_at: V,
}

/// Train one vector of networks. `loss_log` / `gap_log` receive one vector per logged epoch.
#[inline(always)]
fn run_lanes<V: Lane, const TRACK_TARGET: bool>(
    init: State<V>,
    steps: Steps<V>,
    spec: &TrainSpec,
    loss_log: &mut [V],
    gap_log: &mut [V],
) -> LaneResult<V> {
    let mut p = init;
    let never = V::splat(-1.0);
    let target = V::splat(spec.target_loss.unwrap_or(0.0));
    let (mut solved_at, mut solved) = (never, V::splat(0.0).gt(V::splat(1.0)));
    let (mut target_at, mut reached) = (never, solved);
    let mut all_solved = false;
    let mut log_iter = spec.log_epochs.iter().copied().enumerate().peekable();

    let mut epoch = 0u32;
    loop {
        let (h1, h2, out) = forward(&p);
        let err = errors(&out);
        let e = V::splat(f64::from(epoch));
        if !all_solved {
            let ok = all_correct(&out);
            solved_at = V::select(solved.and_not(ok), e, solved_at);
            solved = solved | ok;
            all_solved = solved.all();
        }
        if TRACK_TARGET {
            let below = mse(&err).lt(target);
            target_at = V::select(reached.and_not(below), e, target_at);
            reached = reached | below;
        }
        if let Some(&(slot, _)) = log_iter.peek().filter(|(_, at)| *at == epoch) {
            loss_log[slot] = mse(&err);
            gap_log[slot] = hidden_gap(&p);
            log_iter.next();
        }
        if epoch == spec.epochs {
            return LaneResult {
                params: p,
                loss: mse(&err),
                out,
                solved_at,
                target_at,
            };
        }
        update(&mut p, steps, &h1, &h2, &out, &err);
        epoch += 1;
    }
}

/// Per-lane results of [`run_map_lanes`], still in vectors.
struct MapLanes<V> {
    loss: V,
    /// Σ loss over epochs 0..=epochs.
    loss_sum: V,
    loss0: V,
    /// Epoch of the first all-correct forward pass, −1 if none.
    solved_at: V,
    /// 1 where all four final outputs are correct, else 0.
    solved_end: V,
    /// 1 where a final weight or the final loss is not finite, else 0.
    diverged: V,
}

/// The trainability map's variant of [`run_lanes`]: the same forward pass, verdict and update,
/// plus the loss of every epoch summed in the lanes; nothing logged, no hidden gap, no target.
#[inline(always)]
fn run_map_lanes<V: Lane>(init: State<V>, steps: Steps<V>, epochs: u32) -> MapLanes<V> {
    let mut p = init;
    let (zero, one) = (V::splat(0.0), V::splat(1.0));
    let mut solved_at = V::splat(-1.0);
    let mut solved = zero.gt(one);
    let mut all_solved = false;
    let mut loss_sum = zero;
    let mut loss0 = zero;
    let mut epoch = 0u32;
    loop {
        let (h1, h2, out) = forward(&p);
        let err = errors(&out);
        let loss = mse(&err);
        loss_sum = loss_sum + loss;
        if epoch == 0 {
            loss0 = loss;
        }
        if !all_solved {
            let ok = all_correct(&out);
            solved_at = V::select(solved.and_not(ok), V::splat(f64::from(epoch)), solved_at);
            solved = solved | ok;
            all_solved = solved.all();
        }
        if epoch == epochs {
            // 0·x is NaN exactly for ±∞ and NaN.
            let junk = p.iter().fold(zero * loss, |acc, &x| acc + zero * x);
            return MapLanes {
                loss,
                loss_sum,
                loss0,
                solved_at,
                solved_end: V::select(all_correct(&out), one, zero),
                diverged: V::select(junk.is_nan(), one, zero),
            };
        }
        update(&mut p, steps, &h1, &h2, &out, &err);
        epoch += 1;
    }
}

/// The widest vector supported: f32x16.
const MAX_WIDTH: usize = 16;

/// Load a batch of at most `V::WIDTH` networks and their rates into vectors. A partial batch is
/// padded with copies of its first network (whose results the caller discards).
fn load_batch<V: Lane>(
    inits: &[Params],
    rate: impl Fn(usize) -> Hyper,
    lane_buf: &mut [f64],
) -> (State<V>, Steps<V>) {
    let real = inits.len();
    let pad = |i: usize| if i < real { i } else { 0 };
    let init: State<V> = std::array::from_fn(|k| {
        lane_buf
            .iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = inits[pad(i)].0[k]);
        V::load(lane_buf)
    });
    let mut rate_vec = |f: &dyn Fn(Hyper) -> f64| {
        lane_buf
            .iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = f(rate(pad(i))));
        V::load(lane_buf)
    };
    let hidden = rate_vec(&|r| r.lr_hidden);
    let out = rate_vec(&|r| r.lr_out);
    (init, Steps::halved(hidden, out))
}

/// Loss and hidden gap of many nets at a spec's logged epochs, epoch-major (`loss[j·n + i]` is
/// net `i` at logged epoch `j`), so that a sweep can read one epoch across nets contiguously.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curves {
    pub nets: usize,
    pub loss: Vec<f64>,
    pub gap: Vec<f64>,
}

impl Curves {
    /// Net `i`'s values at logged epoch `j`.
    pub fn at(&self, j: usize) -> (&[f64], &[f64]) {
        let r = j * self.nets..(j + 1) * self.nets;
        (&self.loss[r.clone()], &self.gap[r])
    }

    /// Net `i`'s whole curve.
    pub fn curve(&self, i: usize) -> Curve {
        let n_log = self.loss.len() / self.nets.max(1);
        Curve {
            loss: (0..n_log).map(|j| self.loss[j * self.nets + i]).collect(),
            gap: (0..n_log).map(|j| self.gap[j * self.nets + i]).collect(),
        }
    }
}

/// The lane trainer's core: outcomes in net order and the curves epoch-major, with no allocation
/// per net.
fn train_lanes<V: Lane>(
    inits: &[Params],
    rate: impl Fn(usize) -> Hyper,
    spec: &TrainSpec,
    outcomes: &mut Vec<Outcome>,
    curves: &mut Curves,
) {
    let w = V::WIDTH;
    assert!(w <= MAX_WIDTH, "lane width {w} above {MAX_WIDTH}");
    let n = inits.len();
    let n_log = spec.log_epochs.len();
    outcomes.clear();
    outcomes.reserve(n);
    curves.nets = n;
    // Reused between calls: every slot is overwritten below, so only a growth is zeroed.
    curves.loss.resize(n_log * n, 0.0);
    curves.gap.resize(n_log * n, 0.0);
    let mut lane_buf = vec![0.0; w];
    let mut loss_log = vec![V::splat(0.0); n_log];
    let mut gap_log = vec![V::splat(0.0); n_log];

    for (b, chunk_inits) in inits.chunks(w).enumerate() {
        let real = chunk_inits.len();
        let (init, steps) = load_batch::<V>(chunk_inits, |i| rate(b * w + i), &mut lane_buf);

        let r = if spec.target_loss.is_some() {
            run_lanes::<V, true>(init, steps, spec, &mut loss_log, &mut gap_log)
        } else {
            run_lanes::<V, false>(init, steps, spec, &mut loss_log, &mut gap_log)
        };

        // Unpack on the stack: no allocation per vector but the results themselves.
        let unpack = |v: V| {
            let mut a = [0.0; MAX_WIDTH];
            v.store(&mut a[..w]);
            a
        };
        let params = r.params.map(unpack);
        let outs = r.out.map(unpack);
        let (loss, solved_at, target_at) =
            (unpack(r.loss), unpack(r.solved_at), unpack(r.target_at));
        let first = b * w;
        for (j, (l, g)) in loss_log.iter().zip(&gap_log).enumerate() {
            let at = j * n + first;
            if real == w {
                // Straight from the vector into place (no copy through the stack).
                l.store(&mut curves.loss[at..at + w]);
                g.store(&mut curves.gap[at..at + w]);
            } else {
                let (l, g) = (unpack(*l), unpack(*g));
                curves.loss[at..at + real].copy_from_slice(&l[..real]);
                curves.gap[at..at + real].copy_from_slice(&g[..real]);
            }
        }
        let epoch_of = |x: f64| (x >= 0.0).then_some(x as u32);
        for i in 0..real {
            let params = Params(std::array::from_fn(|k| params[k][i]));
            let outputs = std::array::from_fn(|k| outs[k][i]);
            let final_loss = loss[i];
            outcomes.push(Outcome {
                params,
                final_loss,
                final_mse: super::mse_of(&outputs),
                outputs,
                correct: count_correct(&outputs),
                solved_epoch: epoch_of(solved_at[i]),
                target_epoch: epoch_of(target_at[i]),
                hidden_gap: params.hidden_gap(),
                diverged: !(params.is_finite() && final_loss.is_finite()),
            });
        }
    }
}

/// The map's lane loop over `inits`, `rate(i)` giving net `i`'s rates.
fn map_lanes<V: Lane>(
    inits: &[Params],
    rate: impl Fn(usize) -> Hyper,
    epochs: u32,
) -> Vec<MapOutcome> {
    assert!(epochs <= super::MAX_EPOCHS, "epochs {epochs} too many");
    let w = V::WIDTH;
    assert!(w <= MAX_WIDTH, "lane width {w} above {MAX_WIDTH}");
    let mut lane_buf = vec![0.0; w];
    let mut results = Vec::with_capacity(inits.len());
    let unpack = |v: V| {
        let mut a = [0.0; MAX_WIDTH];
        v.store(&mut a[..w]);
        a
    };
    for (b, chunk_inits) in inits.chunks(w).enumerate() {
        let (init, steps) = load_batch::<V>(chunk_inits, |i| rate(b * w + i), &mut lane_buf);
        let r = run_map_lanes(init, steps, epochs);
        let [loss, sum, loss0, solved_at, solved, diverged] = [
            r.loss,
            r.loss_sum,
            r.loss0,
            r.solved_at,
            r.solved_end,
            r.diverged,
        ]
        .map(unpack);
        let count = f64::from(epochs) + 1.0;
        results.extend((0..chunk_inits.len()).map(|i| MapOutcome {
            final_loss: loss[i],
            mean_loss_ratio: sum[i] / count / loss0[i],
            solved_epoch: (solved_at[i] >= 0.0).then_some(solved_at[i] as u32),
            solved: solved[i] != 0.0,
            diverged: diverged[i] != 0.0,
        }));
    }
    results
}

/// Whether the lanes' epoch loop trains `net` (the lesson's trainer with any per-layer rates).
/// Other trainers are trained by the scalar reference until their lane loops exist.
fn in_lanes(net: &Net) -> bool {
    net.options == Options::LESSON && net.hyper.momentum == 0.0 && net.hyper.weight_decay == 0.0
}

/// Train `nets` with the lanes of `V`: outcomes in net order and the curves epoch-major, into
/// buffers the caller reuses (what a sweep's chunk needs: no allocation per net, none per chunk
/// once the buffers have grown). A last, partial vector is padded with copies of its first
/// network and the copies discarded.
pub fn train_flat_with<V: Lane>(
    nets: &[Net],
    spec: &TrainSpec,
    outcomes: &mut Vec<Outcome>,
    curves: &mut Curves,
) {
    if nets.iter().all(in_lanes) {
        let inits: Vec<Params> = nets.iter().map(|n| n.init).collect();
        return train_lanes::<V>(&inits, |i| nets[i].hyper, spec, outcomes, curves);
    }
    outcomes.clear();
    let n = nets.len();
    let n_log = spec.log_epochs.len();
    curves.nets = n;
    curves.loss.resize(n_log * n, 0.0);
    curves.gap.resize(n_log * n, 0.0);
    for (i, net) in nets.iter().enumerate() {
        let (o, c) = super::reference::train(net, spec);
        for j in 0..n_log {
            curves.loss[j * n + i] = c.loss[j];
            curves.gap[j * n + i] = c.gap[j];
        }
        outcomes.push(o);
    }
}

/// [`train_flat_with`] returning each net's outcome and curve.
pub fn train_with<V: Lane>(nets: &[Net], spec: &TrainSpec) -> Vec<(Outcome, Curve)> {
    let (mut outcomes, mut curves) = (Vec::new(), Curves::default());
    train_flat_with::<V>(nets, spec, &mut outcomes, &mut curves);
    outcomes
        .into_iter()
        .enumerate()
        .map(|(i, o)| (o, curves.curve(i)))
        .collect()
}

/// Train with the lanes this build uses for `precision` (see [`train_flat_with`]).
pub fn train_flat(
    precision: Precision,
    nets: &[Net],
    spec: &TrainSpec,
    outcomes: &mut Vec<Outcome>,
    curves: &mut Curves,
) {
    match precision {
        Precision::F64 => train_flat_with::<F64Lanes>(nets, spec, outcomes, curves),
        Precision::F32 => train_flat_with::<F32Lanes>(nets, spec, outcomes, curves),
    }
}

/// [`train_with`] with the lanes this build uses for `precision`.
pub fn train(precision: Precision, nets: &[Net], spec: &TrainSpec) -> Vec<(Outcome, Curve)> {
    match precision {
        Precision::F64 => train_with::<F64Lanes>(nets, spec),
        Precision::F32 => train_with::<F32Lanes>(nets, spec),
    }
}

/// Train nets for a trainability map: `epochs` steps each, recording only [`MapOutcome`]'s
/// measures (the loss is computed every epoch for the running mean).
pub fn train_map_with<V: Lane>(nets: &[Net], epochs: u32) -> Vec<MapOutcome> {
    if nets.iter().all(in_lanes) {
        let inits: Vec<Params> = nets.iter().map(|n| n.init).collect();
        return map_lanes::<V>(&inits, |i| nets[i].hyper, epochs);
    }
    let spec = TrainSpec::new(epochs, (0..=epochs).collect(), None);
    nets.iter()
        .map(|net| {
            let (o, c) = super::reference::train(net, &spec);
            let sum: f64 = c.loss.iter().sum();
            MapOutcome {
                final_loss: o.final_loss,
                mean_loss_ratio: sum / (f64::from(epochs) + 1.0) / c.loss[0],
                solved_epoch: o.solved_epoch,
                solved: o.correct == 4,
                diverged: o.diverged,
            }
        })
        .collect()
}

/// [`train_map_with`] with the lanes this build uses for `precision`.
pub fn train_map(precision: Precision, nets: &[Net], epochs: u32) -> Vec<MapOutcome> {
    match precision {
        Precision::F64 => train_map_with::<F64Lanes>(nets, epochs),
        Precision::F32 => train_map_with::<F32Lanes>(nets, epochs),
    }
}

/// Lane width this build uses for `precision`.
pub fn lane_width(precision: Precision) -> usize {
    match precision {
        Precision::F64 => F64Lanes::WIDTH,
        Precision::F32 => F32Lanes::WIDTH,
    }
}

/// `wide` type name this build uses for `precision`.
pub fn lane_name(precision: Precision) -> &'static str {
    match precision {
        Precision::F64 => F64Lanes::NAME,
        Precision::F32 => F32Lanes::NAME,
    }
}
