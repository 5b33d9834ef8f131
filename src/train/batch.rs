//! The lane trainer: one 2-2-1 network per SIMD lane, written once over [`Lane`] and once over
//! the trainer's options.
//!
//! All nine parameters of a batch live in vectors for the whole run; the XOR inputs are folded
//! in at compile time (x·0 + t = t, x·1 = x, bit-identical to the literal sums); the loss is
//! computed only at epochs the caller asked for (or every epoch when a target loss is tracked);
//! the "solved" verdict is a few compares per epoch and is skipped once every lane has solved.
//! Nothing in the epoch loop allocates or branches per lane. Arithmetic follows the reference's
//! order of operations, so the f64 lanes differ from the oracle only through `exp`, `tanh` and
//! `ln` (a few ulp each, see [`super::lane`]).
//!
//! Options. The categorical options ([`Options`]) change the code of the loop, so nets are
//! trained in runs of equal options (one `Options` per vector) and each combination gets its own
//! loop, specialised at compile time through [`Kind`] (24 valid combinations). The numeric ones
//! ([`super::Hyper`]) are per lane. Momentum and weight decay need a velocity per weight and a few more
//! operations per step. A lane with β = λ = 0 is selected back to exactly the plain update, so
//! a net's result never depends on its neighbours, nor on which of the two loops ran it; the
//! lesson's options get a second loop without velocities (`STATEFUL = false`), taken by a vector
//! whose lanes all have β = λ = 0 (the default path, kept as fast as before). Other options have
//! only the stateful loop: one loop each keeps the build's code size (and compile time) at 25
//! loops per lane type rather than 48.
//!
//! The f32 lanes train with subnormal numbers flushed to zero ([`super::flush`]: saturated f32
//! sigmoids otherwise cost the kernel 2× through microcode assists).
//!
//! One precision dispatch: [`with_lanes`] picks the lane type of a precision for a
//! [`WithLanes`] visitor; every public entry point goes through it.

use super::dd::Dd;
use super::flush::FlushF32;
use super::lane::{F32Lanes, F64Lanes, Lane};
use super::options::{Activation, Batch, Loss, OutputUnit};
use super::{
    Curve, Hyper, MapOutcome, Net, NetLo, Options, Outcome, Params, Precision, TrainSpec,
    count_correct,
};

/// The categorical options of a loop, known at compile time.
pub trait Kind {
    const OPTIONS: Options;
    /// Whether [`Kind::OPTIONS`] is [`Options::LESSON`]: the only kind with a plain loop
    /// (`STATEFUL = false`). A constant, so that the other kinds' plain loops are never compiled.
    const LESSON: bool;
}

/// The [`Kind`] whose options are the `A`-th activation, `U`-th output unit, `L`-th loss and
/// `B`-th batch of their `ALL` lists.
pub struct KindOf<const A: usize, const U: usize, const L: usize, const B: usize>;

impl<const A: usize, const U: usize, const L: usize, const B: usize> Kind for KindOf<A, U, L, B> {
    const OPTIONS: Options = Options {
        activation: Activation::ALL[A],
        output: OutputUnit::ALL[U],
        loss: Loss::ALL[L],
        batch: Batch::ALL[B],
    };
    // Each ALL lists its default first, and the lesson's options are the defaults.
    const LESSON: bool = A == 0 && U == 0 && L == 0 && B == 0;
}

/// Code to run with the options of a [`Kind`].
pub trait WithKind {
    type Out;
    fn run<K: Kind>(self) -> Self::Out;
}

/// Run `w` with the loop specialised for `options`. Panics on options [`Options::check`] refuses
/// (bce with a linear output): callers check them where they are read.
pub fn with_kind<W: WithKind>(options: Options, w: W) -> W::Out {
    fn batch<W: WithKind, const A: usize, const U: usize, const L: usize>(
        o: Options,
        w: W,
    ) -> W::Out {
        match o.batch {
            Batch::Full => w.run::<KindOf<A, U, L, 0>>(),
            Batch::Online => w.run::<KindOf<A, U, L, 1>>(),
        }
    }
    fn output_loss<W: WithKind, const A: usize>(o: Options, w: W) -> W::Out {
        match (o.output, o.loss) {
            (OutputUnit::Sigmoid, Loss::Mse) => batch::<W, A, 0, 0>(o, w),
            (OutputUnit::Linear, Loss::Mse) => batch::<W, A, 1, 0>(o, w),
            (OutputUnit::Sigmoid, Loss::Bce) => batch::<W, A, 0, 1>(o, w),
            (OutputUnit::Linear, Loss::Bce) => panic!("{}", o.check().unwrap_err()),
        }
    }
    match options.activation {
        Activation::Sigmoid => output_loss::<W, 0>(options, w),
        Activation::Tanh => output_loss::<W, 1>(options, w),
        Activation::Relu => output_loss::<W, 2>(options, w),
        Activation::Identity => output_loss::<W, 3>(options, w),
    }
}

/// The state of a batch of `V::WIDTH` networks: w11 w12 b1 w21 w22 b2 v1 v2 c.
type State<V> = [V; 9];

/// The hidden activation h = f(z).
#[inline(always)]
fn activate<V: Lane, K: Kind>(z: V) -> V {
    let zero = V::splat(0.0);
    match K::OPTIONS.activation {
        Activation::Sigmoid => z.sigmoid(),
        Activation::Tanh => z.tanh(),
        // As the reference: z where z > 0 or NaN (a NaN net stays NaN), else +0.
        Activation::Relu => V::select(z.gt(zero) | z.is_nan(), z, zero),
        Activation::Identity => z,
    }
}

/// δh = (δout·v)·f′ of one hidden unit, `dv` = δout·v, as the reference writes it.
#[inline(always)]
fn hidden_delta<V: Lane, K: Kind>(dv: V, z: V, h: V) -> V {
    let one = V::splat(1.0);
    match K::OPTIONS.activation {
        Activation::Sigmoid => dv * h * (one - h),
        Activation::Tanh => dv * (one - h * h),
        Activation::Relu => dv * V::select(z.gt(V::splat(0.0)), one, V::splat(0.0)),
        Activation::Identity => dv,
    }
}

/// The output unit out = g(z).
#[inline(always)]
fn output<V: Lane, K: Kind>(z: V) -> V {
    match K::OPTIONS.output {
        OutputUnit::Sigmoid => z.sigmoid(),
        OutputUnit::Linear => z,
    }
}

/// δout of one case, up to the exact power-of-two factor [`step_factor`] puts back: mse drops its
/// 2 (δout = 2(out−y)·g′ → (out−y)·g′); bce is out − y itself.
#[inline(always)]
fn output_delta<V: Lane, K: Kind>(err: V, out: V) -> V {
    match (K::OPTIONS.loss, K::OPTIONS.output) {
        (Loss::Mse, OutputUnit::Sigmoid) => err * out * (V::splat(1.0) - out),
        _ => err,
    }
}

/// The exact factor between the gradient the loops compute and the reference's step gradient,
/// for the full batch: 2 for mse (see [`output_delta`]) times 1/4 for the mean, a power of two ≤
/// 1/2, so η·factor is exact and (η·factor)·g is the reference's η·(g·factor) bit for bit
/// (barring underflow). Online steps have no mean: their factor 2 (mse) is put back into the
/// gradient ([`doubled`]), not into η, so that no η up to f64::MAX overflows; the factor is 1.
const fn step_factor(o: Options) -> f64 {
    match (o.batch, o.loss) {
        (Batch::Full, Loss::Mse) => 0.5,
        (Batch::Full, Loss::Bce) => 0.25,
        (Batch::Online, _) => 1.0,
    }
}

/// Whether a step's gradient is doubled (g + g, exact) before use: online steps with mse.
const fn doubled(o: Options) -> bool {
    matches!((o.batch, o.loss), (Batch::Online, Loss::Mse))
}

/// z of one hidden unit (weights `w1`, `w2`, bias `b`) in case `c` (00, 01, 10, 11), the inputs
/// folded: b, w2 + b, w1 + b, (w1 + w2) + b.
#[inline(always)]
fn z_case<V: Lane>(w1: V, w2: V, b: V, c: usize) -> V {
    match c {
        0 => b,
        1 => w2 + b,
        2 => w1 + b,
        _ => (w1 + w2) + b,
    }
}

/// One forward pass over the four cases: pre-activations, activations and outputs (`zo` the
/// output unit's pre-activation, out = g(zo)).
struct Pass<V> {
    z1: [V; 4],
    z2: [V; 4],
    h1: [V; 4],
    h2: [V; 4],
    zo: [V; 4],
    out: [V; 4],
}

/// Forward pass of case `c`: (z1, z2, h1, h2, out).
#[inline(always)]
fn forward_case<V: Lane, K: Kind>(p: &State<V>, c: usize) -> (V, V, V, V, V) {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c0] = *p;
    let z1 = z_case(w11, w12, b1, c);
    let z2 = z_case(w21, w22, b2, c);
    let (h1, h2) = (activate::<V, K>(z1), activate::<V, K>(z2));
    (z1, z2, h1, h2, output::<V, K>(v1 * h1 + v2 * h2 + c0))
}

/// Forward pass over the four cases.
#[inline(always)]
fn forward<V: Lane, K: Kind>(p: &State<V>) -> Pass<V> {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c] = *p;
    let z1 = std::array::from_fn(|k| z_case(w11, w12, b1, k));
    let z2 = std::array::from_fn(|k| z_case(w21, w22, b2, k));
    let h1 = z1.map(activate::<V, K>);
    let h2 = z2.map(activate::<V, K>);
    let zo: [V; 4] = std::array::from_fn(|k| v1 * h1[k] + v2 * h2[k] + c);
    Pass {
        z1,
        z2,
        h1,
        h2,
        zo,
        out: zo.map(output::<V, K>),
    }
}

/// Errors out − y for the four cases (y = 0, 1, 1, 0).
#[inline(always)]
fn errors<V: Lane>(out: &[V; 4]) -> [V; 4] {
    let one = V::splat(1.0);
    [out[0], out[1] - one, out[2] - one, out[3]]
}

/// The trainer's loss of a forward pass, summed in case order like the reference: mse, or bce
/// −[ln(1−out₀₀) + ln out₀₁ + ln out₁₀ + ln(1−out₁₁)]/4 from the output's pre-activations, as
/// the reference: −ln(1−σ(z)) = softplus(z), −ln σ(z) = softplus(−z) (every term > 0: no −0).
#[inline(always)]
fn loss<V: Lane, K: Kind>(f: &Pass<V>) -> V {
    match K::OPTIONS.loss {
        Loss::Mse => mse(&errors(&f.out)),
        Loss::Bce => {
            let (zero, zo) = (V::splat(0.0), &f.zo);
            let t = [
                zo[0].softplus(),
                (zero - zo[1]).softplus(),
                (zero - zo[2]).softplus(),
                zo[3].softplus(),
            ];
            (t[0] + t[1] + t[2] + t[3]) / V::splat(4.0)
        }
    }
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

/// The numeric hyperparameters of a vector of nets, per lane.
#[derive(Clone, Copy)]
struct Rates<V> {
    /// η·[`step_factor`] per layer: the plain update's step sizes.
    hidden_k: V,
    out_k: V,
    /// η per layer, β, λ, the clipping norm c and the factor, for the stateful step.
    hidden: V,
    out: V,
    momentum: V,
    decay: V,
    clip: V,
    factor: V,
    /// Lanes with β ≠ 0, with λ ≠ 0, with c ≠ 0, with none of them.
    moves: V,
    decays: V,
    clips: V,
    plain: V,
    /// Whether any lane clips (the norm is computed only then).
    any_clip: bool,
}

impl<V: Lane> Rates<V> {
    fn new(hidden: V, out: V, [momentum, decay, clip]: [V; 3], factor: f64) -> Self {
        let (zero, factor) = (V::splat(0.0), V::splat(factor));
        let moves = momentum.ne(zero);
        let decays = decay.ne(zero);
        let clips = clip.ne(zero);
        Rates {
            hidden_k: hidden * factor,
            out_k: out * factor,
            hidden,
            out,
            momentum,
            decay,
            clip,
            factor,
            moves,
            decays,
            clips,
            plain: (moves | decays | clips).and_not(zero.lt(V::splat(1.0))),
            any_clip: !clips.and_not(zero.lt(V::splat(1.0))).all(),
        }
    }
}

/// Gradient clipping by norm where c ≠ 0, as the reference: g·(c/‖g‖) where ‖g‖ > c, ‖g‖²
/// summed in storage order.
#[inline(always)]
fn clip<V: Lane>(g: [V; 9], r: &Rates<V>) -> [V; 9] {
    let mut norm2 = g[0] * g[0];
    for x in &g[1..] {
        norm2 = norm2 + *x * *x;
    }
    let norm = norm2.sqrt();
    let over = norm.gt(r.clip) & r.clips;
    let scale = r.clip / norm;
    g.map(|x| V::select(over, x * scale, x))
}

/// One step with gradient `grad` (as the loops compute it: the reference's step gradient divided
/// by [`step_factor`], and halved where [`doubled`]).
///
/// Plain (`STATEFUL = false`, or a lane with β = λ = c = 0): p ← p − (η·factor)·grad, the
/// lesson's update. Otherwise as the reference: g = grad·factor, clipped where c ≠ 0; g ← g + λ·p
/// where λ ≠ 0; v ← β·v + g and the step is v where β ≠ 0, else the step is g; p ← p − η·step.
#[inline(always)]
fn apply<V: Lane, K: Kind, const STATEFUL: bool>(
    p: &mut State<V>,
    vel: &mut State<V>,
    r: &Rates<V>,
    grad: [V; 9],
) {
    let raw = |g: V| if doubled(K::OPTIONS) { g + g } else { g };
    // Parameters 0..6 are the hidden layer's, 6..9 the output unit's (unrolled: no branch).
    if !STATEFUL {
        for (k, g) in grad.into_iter().enumerate() {
            let eta_k = if k < 6 { r.hidden_k } else { r.out_k };
            p[k] = p[k] - eta_k * raw(g);
        }
        return;
    }
    let g_raw = grad.map(raw);
    let g = g_raw.map(|g| g * r.factor);
    let g = if r.any_clip { clip(g, r) } else { g };
    for (k, (g_raw, g)) in g_raw.into_iter().zip(g).enumerate() {
        let (eta_k, eta) = if k < 6 {
            (r.hidden_k, r.hidden)
        } else {
            (r.out_k, r.out)
        };
        let g = V::select(r.decays, g + r.decay * p[k], g);
        vel[k] = V::select(r.moves, r.momentum * vel[k] + g, vel[k]);
        let step = V::select(r.moves, vel[k], g);
        p[k] = p[k] - V::select(r.plain, eta_k, eta) * V::select(r.plain, g_raw, step);
    }
}

/// The full batch's summed gradient (up to [`step_factor`]) from a forward pass.
#[inline(always)]
fn full_gradient<V: Lane, K: Kind>(p: &State<V>, f: &Pass<V>) -> [V; 9] {
    let [_, _, _, _, _, _, v1, v2, _] = *p;
    let err = errors(&f.out);
    let d_out: [V; 4] = std::array::from_fn(|k| output_delta::<V, K>(err[k], f.out[k]));
    let d_h1: [V; 4] =
        std::array::from_fn(|k| hidden_delta::<V, K>(d_out[k] * v1, f.z1[k], f.h1[k]));
    let d_h2: [V; 4] =
        std::array::from_fn(|k| hidden_delta::<V, K>(d_out[k] * v2, f.z2[k], f.h2[k]));
    let sum4 = |a: [V; 4]| a[0] + a[1] + a[2] + a[3];
    // x1 = 1 in cases 10 and 11, x2 = 1 in cases 01 and 11.
    [
        d_h1[2] + d_h1[3],
        d_h1[1] + d_h1[3],
        sum4(d_h1),
        d_h2[2] + d_h2[3],
        d_h2[1] + d_h2[3],
        sum4(d_h2),
        sum4(std::array::from_fn(|k| d_out[k] * f.h1[k])),
        sum4(std::array::from_fn(|k| d_out[k] * f.h2[k])),
        sum4(d_out),
    ]
}

/// Case `c`'s own gradient (up to [`step_factor`]) from its forward pass. An input of 0 gives
/// δ·0, as the reference's δ·x (NaN for a non-finite δ), an input of 1 gives δ.
#[inline(always)]
fn case_gradient<V: Lane, K: Kind>(
    p: &State<V>,
    c: usize,
    (z1, z2, h1, h2, out): (V, V, V, V, V),
) -> [V; 9] {
    let [_, _, _, _, _, _, v1, v2, _] = *p;
    let y = if c == 1 || c == 2 { 1.0 } else { 0.0 };
    let err = if y == 1.0 { out - V::splat(1.0) } else { out };
    let d_out = output_delta::<V, K>(err, out);
    let d_h1 = hidden_delta::<V, K>(d_out * v1, z1, h1);
    let d_h2 = hidden_delta::<V, K>(d_out * v2, z2, h2);
    let zero = V::splat(0.0);
    let times = |d: V, x_is_one: bool| if x_is_one { d } else { d * zero };
    let (x1, x2) = (c >= 2, c == 1 || c == 3);
    [
        times(d_h1, x1),
        times(d_h1, x2),
        d_h1,
        times(d_h2, x1),
        times(d_h2, x2),
        d_h2,
        d_out * h1,
        d_out * h2,
        d_out,
    ]
}

/// One epoch's steps from the weights `p` whose forward pass is `f`.
#[inline(always)]
fn epoch_steps<V: Lane, K: Kind, const STATEFUL: bool>(
    p: &mut State<V>,
    vel: &mut State<V>,
    r: &Rates<V>,
    f: &Pass<V>,
) {
    match K::OPTIONS.batch {
        Batch::Full => {
            let g = full_gradient::<V, K>(p, f);
            apply::<V, K, STATEFUL>(p, vel, r, g);
        }
        Batch::Online => {
            // Case 00 sees the epoch's starting weights: its forward pass is f's.
            let first = (f.z1[0], f.z2[0], f.h1[0], f.h2[0], f.out[0]);
            let g = case_gradient::<V, K>(p, 0, first);
            apply::<V, K, STATEFUL>(p, vel, r, g);
            for c in 1..4 {
                let pass = forward_case::<V, K>(p, c);
                let g = case_gradient::<V, K>(p, c, pass);
                apply::<V, K, STATEFUL>(p, vel, r, g);
            }
        }
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
/// Inlined into its one caller, [`TrainRun::run`] (a function of its own was slower:
/// docs/performance.md, "What was tried and dropped").
#[inline(always)]
fn run_lanes<V: Lane, K: Kind, const STATEFUL: bool>(
    init: State<V>,
    rates: Rates<V>,
    spec: &TrainSpec,
    loss_log: &mut [V],
    gap_log: &mut [V],
) -> LaneResult<V> {
    let mut p = init;
    let mut vel = [V::splat(0.0); 9];
    let never = V::splat(-1.0);
    let target = V::splat(spec.target_loss.unwrap_or(0.0));
    let (mut solved_at, mut solved) = (never, V::splat(0.0).gt(V::splat(1.0)));
    let (mut target_at, mut reached) = (never, solved);
    let mut all_solved = false;
    let mut log_iter = spec.log_epochs.iter().copied().enumerate().peekable();
    let track_target = spec.target_loss.is_some();

    let mut epoch = 0u32;
    loop {
        let f = forward::<V, K>(&p);
        let e = V::splat(f64::from(epoch));
        if !all_solved {
            let ok = all_correct(&f.out);
            solved_at = V::select(solved.and_not(ok), e, solved_at);
            solved = solved | ok;
            all_solved = solved.all();
        }
        if track_target {
            let below = loss::<V, K>(&f).lt(target);
            target_at = V::select(reached.and_not(below), e, target_at);
            reached = reached | below;
        }
        if let Some(&(slot, _)) = log_iter.peek().filter(|(_, at)| *at == epoch) {
            loss_log[slot] = loss::<V, K>(&f);
            gap_log[slot] = hidden_gap(&p);
            log_iter.next();
        }
        if epoch == spec.epochs {
            return LaneResult {
                params: p,
                loss: loss::<V, K>(&f),
                out: f.out,
                solved_at,
                target_at,
            };
        }
        epoch_steps::<V, K, STATEFUL>(&mut p, &mut vel, &rates, &f);
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

/// The trainability map's variant of [`run_lanes`]: the same forward pass, verdict and steps,
/// plus the loss of every epoch summed in the lanes; nothing logged, no hidden gap, no target.
#[inline(always)]
fn run_map_lanes<V: Lane, K: Kind, const STATEFUL: bool>(
    init: State<V>,
    rates: Rates<V>,
    epochs: u32,
) -> MapLanes<V> {
    let mut p = init;
    let mut vel = [V::splat(0.0); 9];
    let (zero, one) = (V::splat(0.0), V::splat(1.0));
    let mut solved_at = V::splat(-1.0);
    let mut solved = zero.gt(one);
    let mut all_solved = false;
    let mut loss_sum = zero;
    let mut loss0 = zero;
    let mut epoch = 0u32;
    loop {
        let f = forward::<V, K>(&p);
        let loss = loss::<V, K>(&f);
        loss_sum = loss_sum + loss;
        if epoch == 0 {
            loss0 = loss;
        }
        if !all_solved {
            let ok = all_correct(&f.out);
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
                solved_end: V::select(all_correct(&f.out), one, zero),
                diverged: V::select(junk.is_nan(), one, zero),
            };
        }
        epoch_steps::<V, K, STATEFUL>(&mut p, &mut vel, &rates, &f);
        epoch += 1;
    }
}

/// The widest batch supported: four f32x16 ([`super::lane::Multi`]).
const MAX_WIDTH: usize = 64;

/// Load a vector of at most `V::WIDTH` networks of one [`Kind`] into vectors, with the low
/// parts `lows` of their numbers if given ([`Lane::load_dd`]; `lane_buf` holds 2·`V::WIDTH`). A
/// partial vector is padded with copies of its first network (whose results the caller
/// discards). Also says whether any lane has momentum or weight decay.
fn load_batch<V: Lane, K: Kind>(
    nets: &[Net],
    lows: Option<&[NetLo]>,
    lane_buf: &mut [f64],
) -> (State<V>, Rates<V>, bool) {
    let real = nets.len();
    let at = |i: usize| if i < real { i } else { 0 };
    let (hi, lo) = lane_buf.split_at_mut(V::WIDTH);
    let mut lanes = |f: &dyn Fn(&Params, &Hyper) -> f64| {
        for (i, x) in hi.iter_mut().enumerate() {
            *x = f(&nets[at(i)].init, &nets[at(i)].hyper);
        }
        let Some(lows) = lows else {
            return V::load(hi);
        };
        for (i, x) in lo.iter_mut().enumerate() {
            *x = f(&lows[at(i)].init, &lows[at(i)].hyper);
        }
        V::load_dd(hi, lo)
    };
    let init: State<V> = std::array::from_fn(|k| lanes(&|p, _| p.0[k]));
    let rates = Rates::new(
        lanes(&|_, h| h.lr_hidden),
        lanes(&|_, h| h.lr_out),
        [
            lanes(&|_, h| h.momentum),
            lanes(&|_, h| h.weight_decay),
            lanes(&|_, h| h.clip),
        ],
        step_factor(K::OPTIONS),
    );
    let stateful = nets.iter().any(|n| n.hyper.stateful());
    (init, rates, stateful)
}

/// Unpack a vector into an array on the stack.
#[inline(always)]
fn unpack<V: Lane>(v: V) -> [f64; MAX_WIDTH] {
    let mut a = [0.0; MAX_WIDTH];
    v.store(&mut a[..V::WIDTH]);
    a
}

/// Contiguous runs of nets with equal options: (first index, nets).
fn runs(nets: &[Net]) -> impl Iterator<Item = (usize, &[Net])> {
    nets.chunk_by(|a, b| a.options == b.options)
        .scan(0, |first, run| {
            let at = *first;
            *first += run.len();
            Some((at, run))
        })
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

/// Trains one run of nets of one [`Kind`] (see [`train_flat_with`]): outcomes pushed in net
/// order, curves written at the run's place (`first`) in the epoch-major buffers, and, where
/// `weights` is given, each net's final weights at the lanes' full precision (see
/// [`final_weights_with`], which trains through here so that the epoch loop, inlined, is
/// compiled once per lane type and kind).
struct TrainRun<'a, V: Lane> {
    nets: &'a [Net],
    lows: Option<&'a [NetLo]>,
    first: usize,
    spec: &'a TrainSpec,
    outcomes: &'a mut Vec<Outcome>,
    curves: &'a mut Curves,
    loss_log: &'a mut [V],
    gap_log: &'a mut [V],
    lane_buf: &'a mut [f64],
    weights: Option<&'a mut Vec<[(f64, f64); 9]>>,
}

/// Appends the first `real` lanes' weights of `params` as (f64, rest) to `out`: the rest what
/// the f64 rounded away ([`Lane::store_rest`]).
fn push_weights<V: Lane>(params: &State<V>, real: usize, out: &mut Vec<[(f64, f64); 9]>) {
    let hi = params.map(unpack);
    let rest = params.map(|v| {
        let mut a = [0.0; MAX_WIDTH];
        v.store_rest(&mut a[..V::WIDTH]);
        a
    });
    out.extend((0..real).map(|i| std::array::from_fn(|k| (hi[k][i], rest[k][i]))));
}

impl<V: Lane> WithKind for TrainRun<'_, V> {
    type Out = ();
    fn run<K: Kind>(mut self) {
        let w = V::WIDTH;
        let n = self.curves.nets;
        for (b, chunk) in self.nets.chunks(w).enumerate() {
            let real = chunk.len();
            let lows = self.lows.map(|l| &l[b * w..b * w + real]);
            let (init, rates, stateful) = load_batch::<V, K>(chunk, lows, self.lane_buf);
            let (spec, ll, gl) = (self.spec, &mut *self.loss_log, &mut *self.gap_log);
            let r = if K::LESSON && !stateful {
                run_lanes::<V, K, false>(init, rates, spec, ll, gl)
            } else {
                run_lanes::<V, K, true>(init, rates, spec, ll, gl)
            };
            if let Some(out) = self.weights.as_deref_mut() {
                push_weights(&r.params, real, out);
            }
            // Unpack on the stack: no allocation per vector but the results themselves.
            let params = r.params.map(unpack);
            let outs = r.out.map(unpack);
            let (loss, solved_at, target_at) =
                (unpack(r.loss), unpack(r.solved_at), unpack(r.target_at));
            let first = self.first + b * w;
            for (j, (l, g)) in self.loss_log.iter().zip(self.gap_log.iter()).enumerate() {
                let at = j * n + first;
                if real == w {
                    // Straight from the vector into place (no copy through the stack).
                    l.store(&mut self.curves.loss[at..at + w]);
                    g.store(&mut self.curves.gap[at..at + w]);
                } else {
                    let (l, g) = (unpack(*l), unpack(*g));
                    self.curves.loss[at..at + real].copy_from_slice(&l[..real]);
                    self.curves.gap[at..at + real].copy_from_slice(&g[..real]);
                }
            }
            let epoch_of = |x: f64| (x >= 0.0).then_some(x as u32);
            for i in 0..real {
                let params = Params(std::array::from_fn(|k| params[k][i]));
                let outputs = std::array::from_fn(|k| outs[k][i]);
                let final_loss = loss[i];
                self.outcomes.push(Outcome {
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
}

/// Train `nets` with the lanes of `V`: outcomes appended to `outcomes` in net order and the
/// curves epoch-major (net `i` of this call at column `i`), into buffers the caller reuses (what
/// a sweep's chunk needs: no allocation per net, none per chunk once the buffers have grown, and
/// the outcomes written once, where the chunk keeps them). Nets are trained in runs of equal
/// options; a last, partial vector of a run is padded with copies of its first network and the
/// copies discarded.
pub fn train_flat_with<V: Lane>(
    nets: &[Net],
    spec: &TrainSpec,
    outcomes: &mut Vec<Outcome>,
    curves: &mut Curves,
) {
    let w = V::WIDTH;
    assert!(w <= MAX_WIDTH, "lane width {w} above {MAX_WIDTH}");
    let _flush = flush_if_f32::<V>();
    let n = nets.len();
    let n_log = spec.log_epochs.len();
    outcomes.reserve(n);
    curves.nets = n;
    // Reused between calls: every slot is overwritten below, so only a growth is zeroed.
    curves.loss.resize(n_log * n, 0.0);
    curves.gap.resize(n_log * n, 0.0);
    let mut lane_buf = vec![0.0; 2 * w];
    let mut loss_log = vec![V::splat(0.0); n_log];
    let mut gap_log = vec![V::splat(0.0); n_log];
    for (first, run) in runs(nets) {
        let train_run = TrainRun {
            nets: run,
            lows: None,
            first,
            spec,
            outcomes: &mut *outcomes,
            curves: &mut *curves,
            loss_log: &mut loss_log,
            gap_log: &mut gap_log,
            lane_buf: &mut lane_buf,
            weights: None,
        };
        with_kind(run[0].options, train_run);
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

/// Each net's weights after `epochs` steps to the full precision of `V`'s lanes: (f64, rest),
/// the rest what the f64 rounded away ([`Lane::store_rest`]: 0 but for double-double). What a
/// test of the double-double lanes against a high-precision oracle reads, and the frames of
/// `xorsweep serve`'s replay in a map's lanes (f32 flushes subnormals as a map's training does,
/// so the weights are the map kernel's). The nets share one trainer's options; `lows` as in
/// [`train_map_dd_with`].
pub fn final_weights_with<V: Lane>(
    nets: &[Net],
    lows: Option<&[NetLo]>,
    epochs: u32,
) -> Vec<[(f64, f64); 9]> {
    assert!(
        nets.windows(2).all(|w| w[0].options == w[1].options),
        "one trainer's nets"
    );
    let Some(first) = nets.first() else {
        return Vec::new();
    };
    let _flush = flush_if_f32::<V>();
    let spec = TrainSpec::new(epochs, vec![], None);
    let (mut outcomes, mut curves) = (Vec::with_capacity(nets.len()), Curves::default());
    let mut weights = Vec::with_capacity(nets.len());
    let train_run = TrainRun::<V> {
        nets,
        lows,
        first: 0,
        spec: &spec,
        outcomes: &mut outcomes,
        curves: &mut curves,
        loss_log: &mut [],
        gap_log: &mut [],
        lane_buf: &mut vec![0.0; 2 * V::WIDTH],
        weights: Some(&mut weights),
    };
    with_kind(first.options, train_run);
    weights
}

/// Trains one run of nets of one [`Kind`] for a map (with their low parts, if any), appending
/// to `results`.
struct MapRun<'a> {
    nets: &'a [Net],
    lows: Option<&'a [NetLo]>,
    epochs: u32,
    results: &'a mut Vec<MapOutcome>,
    lane_buf: &'a mut [f64],
}

/// [`MapRun`] in the lanes of `V`.
struct MapRunIn<'a, V>(MapRun<'a>, std::marker::PhantomData<V>);

impl<V: Lane> WithKind for MapRunIn<'_, V> {
    type Out = ();
    fn run<K: Kind>(self) {
        let MapRun {
            nets,
            lows,
            epochs,
            results,
            lane_buf,
        } = self.0;
        for (c, chunk) in nets.chunks(V::WIDTH).enumerate() {
            let at = c * V::WIDTH..c * V::WIDTH + chunk.len();
            let lows = lows.map(|l| &l[at]);
            let (init, rates, stateful) = load_batch::<V, K>(chunk, lows, lane_buf);
            let r = if K::LESSON && !stateful {
                run_map_lanes::<V, K, false>(init, rates, epochs)
            } else {
                run_map_lanes::<V, K, true>(init, rates, epochs)
            };
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
            results.extend((0..chunk.len()).map(|i| MapOutcome {
                final_loss: loss[i],
                mean_loss_ratio: sum[i] / count / loss0[i],
                solved_epoch: (solved_at[i] >= 0.0).then_some(solved_at[i] as u32),
                solved: solved[i] != 0.0,
                diverged: diverged[i] != 0.0,
            }));
        }
    }
}

/// Train nets for a trainability map: `epochs` steps each, recording only [`MapOutcome`]'s
/// measures (the loss is computed every epoch for the running mean).
pub fn train_map_with<V: Lane>(nets: &[Net], epochs: u32) -> Vec<MapOutcome> {
    map_with::<V>(nets, None, epochs)
}

/// [`train_map_with`], each net's numbers double-doubles: `nets[i]`'s plus `lows[i]`'s.
pub fn train_map_dd_with<V: Lane>(nets: &[Net], lows: &[NetLo], epochs: u32) -> Vec<MapOutcome> {
    assert_eq!(nets.len(), lows.len(), "one low part per net");
    map_with::<V>(nets, Some(lows), epochs)
}

/// [`train_map_with`] with the low parts `lows` if given.
fn map_with<V: Lane>(nets: &[Net], lows: Option<&[NetLo]>, epochs: u32) -> Vec<MapOutcome> {
    assert!(epochs <= super::MAX_EPOCHS, "epochs {epochs} too many");
    assert!(
        V::WIDTH <= MAX_WIDTH,
        "lane width {} above {MAX_WIDTH}",
        V::WIDTH
    );
    let _flush = flush_if_f32::<V>();
    let mut lane_buf = vec![0.0; 2 * V::WIDTH];
    let mut results = Vec::with_capacity(nets.len());
    for (first, run) in runs(nets) {
        let map_run = MapRun {
            nets: run,
            lows: lows.map(|l| &l[first..first + run.len()]),
            epochs,
            results: &mut results,
            lane_buf: &mut lane_buf,
        };
        with_kind(
            run[0].options,
            MapRunIn::<V>(map_run, std::marker::PhantomData),
        );
    }
    results
}

/// Subnormals flushed to zero while f32 lanes train ([`super::flush`]); nothing for f64.
pub(crate) fn flush_if_f32<V: Lane>() -> Option<FlushF32> {
    (V::PRECISION == Precision::F32).then(FlushF32::new)
}

/// Code to run with the lane type of a precision.
pub trait WithLanes {
    type Out;
    fn run<V: Lane>(self) -> Self::Out;
}

/// The one precision dispatch: run `w` with the lanes this build uses for `precision`
/// ([`F64Lanes`], [`F32Lanes`], [`Dd`]).
pub fn with_lanes<W: WithLanes>(precision: Precision, w: W) -> W::Out {
    match precision {
        Precision::F64 => w.run::<F64Lanes>(),
        Precision::F32 => w.run::<F32Lanes>(),
        Precision::Dd => w.run::<Dd>(),
    }
}

/// Train with the lanes this build uses for `precision` (see [`train_flat_with`]).
pub fn train_flat(
    precision: Precision,
    nets: &[Net],
    spec: &TrainSpec,
    outcomes: &mut Vec<Outcome>,
    curves: &mut Curves,
) {
    struct Flat<'a>(
        &'a [Net],
        &'a TrainSpec,
        &'a mut Vec<Outcome>,
        &'a mut Curves,
    );
    impl WithLanes for Flat<'_> {
        type Out = ();
        fn run<V: Lane>(self) {
            train_flat_with::<V>(self.0, self.1, self.2, self.3)
        }
    }
    with_lanes(precision, Flat(nets, spec, outcomes, curves))
}

/// [`train_with`] with the lanes this build uses for `precision`.
pub fn train(precision: Precision, nets: &[Net], spec: &TrainSpec) -> Vec<(Outcome, Curve)> {
    struct Each<'a>(&'a [Net], &'a TrainSpec);
    impl WithLanes for Each<'_> {
        type Out = Vec<(Outcome, Curve)>;
        fn run<V: Lane>(self) -> Self::Out {
            train_with::<V>(self.0, self.1)
        }
    }
    with_lanes(precision, Each(nets, spec))
}

/// [`final_weights_with`] with the lanes this build uses for `precision`.
pub fn final_weights(
    precision: Precision,
    nets: &[Net],
    lows: Option<&[NetLo]>,
    epochs: u32,
) -> Vec<[(f64, f64); 9]> {
    struct Weights<'a>(&'a [Net], Option<&'a [NetLo]>, u32);
    impl WithLanes for Weights<'_> {
        type Out = Vec<[(f64, f64); 9]>;
        fn run<V: Lane>(self) -> Self::Out {
            final_weights_with::<V>(self.0, self.1, self.2)
        }
    }
    with_lanes(precision, Weights(nets, lows, epochs))
}

/// [`train_map_with`] with the lanes this build uses for `precision`.
pub fn train_map(precision: Precision, nets: &[Net], epochs: u32) -> Vec<MapOutcome> {
    with_lanes(precision, Map(nets, None, epochs))
}

/// [`train_map_dd_with`] with the lanes this build uses for `precision` (lanes of f64 or less
/// keep the high parts: see [`Lane::load_dd`]).
pub fn train_map_dd(
    precision: Precision,
    nets: &[Net],
    lows: &[NetLo],
    epochs: u32,
) -> Vec<MapOutcome> {
    assert_eq!(nets.len(), lows.len(), "one low part per net");
    with_lanes(precision, Map(nets, Some(lows), epochs))
}

/// A map's nets, their low parts if any, and epochs.
struct Map<'a>(&'a [Net], Option<&'a [NetLo]>, u32);

impl WithLanes for Map<'_> {
    type Out = Vec<MapOutcome>;
    fn run<V: Lane>(self) -> Self::Out {
        map_with::<V>(self.0, self.1, self.2)
    }
}

/// Lane type of a precision: its width and `wide` name.
struct LaneType;

impl WithLanes for LaneType {
    type Out = (usize, &'static str);
    fn run<V: Lane>(self) -> Self::Out {
        (V::WIDTH, V::NAME)
    }
}

/// Lane width this build uses for `precision`.
pub fn lane_width(precision: Precision) -> usize {
    with_lanes(precision, LaneType).0
}

/// `wide` type name this build uses for `precision`.
pub fn lane_name(precision: Precision) -> &'static str {
    with_lanes(precision, LaneType).1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Kind::LESSON`] holds for exactly one kind, the one whose options are the lesson's: a
    /// wrong constant would send the lesson's nets through the stateful loop (the same bits,
    /// slower) or another trainer's through the plain one.
    #[test]
    fn only_the_lessons_kind_has_the_plain_loop() {
        struct IsLesson;
        impl WithKind for IsLesson {
            type Out = (bool, Options);
            fn run<K: Kind>(self) -> Self::Out {
                (K::LESSON, K::OPTIONS)
            }
        }
        let mut kinds = 0;
        for &activation in Activation::ALL {
            for &output in OutputUnit::ALL {
                for &loss in Loss::ALL {
                    for &batch in Batch::ALL {
                        let options = Options {
                            activation,
                            output,
                            loss,
                            batch,
                        };
                        if options.check().is_err() {
                            continue;
                        }
                        let (lesson, seen) = with_kind(options, IsLesson);
                        assert_eq!(seen, options, "with_kind ran another kind");
                        assert_eq!(lesson, options == Options::LESSON, "{options:?}");
                        kinds += 1;
                    }
                }
            }
        }
        assert_eq!(kinds, 24, "every kind checked");
    }
}
