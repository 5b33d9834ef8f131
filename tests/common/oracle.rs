//! The one comparison with the oracle that every fast path's test uses (llm.c's
//! `validate_result`, memchr's shared runner): tolerances stated once, the chaos filter stated
//! once.
//!
//! Tolerances. The f64 lanes run the reference's arithmetic in the reference's order; only `exp`
//! differs (≤ 2 ulp, see `lanes/exp.rs`). Where the dynamics are not chaotic these ulps stay
//! ulps: final loss, weights, outputs and logged curves within [`F64_LANES`] (1e-9 absolute or
//! 1e-7 relative, whichever is larger), and the same verdict (`correct`, `solved_epoch`,
//! `diverged`).
//!
//! Chaos is told apart by the reference itself, never by the code under test: a net is compared
//! only if its reference run, restarted from initial weights nudged by ±[`NUDGE`] relative (a few
//! hundred ulps, more than exp's error can build up), ends within [`NUDGED_REFERENCE`] and with
//! the same verdict ([`stable`]). Where a rounding-sized nudge changes the answer, rounding
//! decides it, and no other implementation can be held to the reference's bits. Every test
//! also requires a share of its nets to be compared ([`assert_enough`]): it cannot pass
//! vacuously.
//!
//! f32 lanes are held to the f64 reference on the verdict where it is well conditioned
//! ([`well_conditioned_f32`]).

use xorsweep::train::{Curve, Net, Outcome, Params, TrainSpec, reference};

/// How far two numbers may be apart: `abs`, or `rel` of the larger magnitude.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    pub abs: f64,
    pub rel: f64,
}

/// f64 lanes against the reference on a stable net.
pub const F64_LANES: Tolerance = Tolerance {
    abs: 1e-9,
    rel: 1e-7,
};

/// The reference against itself from a nudged start: what "the same answer" means for the
/// chaos filter.
pub const NUDGED_REFERENCE: Tolerance = Tolerance {
    abs: 1e-9,
    rel: 0.0,
};

/// The relative nudge of the initial weights, both ways, that tells a chaotic net apart.
pub const NUDGE: f64 = 1e-13;

/// `a` and `b` within `tol` (NaN equals NaN; equal infinities are equal).
pub fn close(a: f64, b: f64, tol: Tolerance) -> bool {
    (a - b).abs() <= tol.abs.max(tol.rel * a.abs().max(b.abs()))
        || (a.is_nan() && b.is_nan())
        || a == b
}

/// The same verdict: how many outputs are correct, when XOR was first solved, divergence.
pub fn same_verdict(a: &Outcome, b: &Outcome) -> bool {
    a.correct == b.correct && a.solved_epoch == b.solved_epoch && a.diverged == b.diverged
}

/// `net` with every initial weight scaled by 1 + `rel`.
pub fn nudged(net: &Net, rel: f64) -> Net {
    Net {
        init: Params(net.init.0.map(|x| x * (1.0 + rel))),
        ..*net
    }
}

/// Whether the reference's answer `want` for `net` survives ±[`NUDGE`] nudges of its start:
/// same verdict, final loss and weights within [`NUDGED_REFERENCE`].
pub fn stable(net: &Net, spec: &TrainSpec, want: &Outcome) -> bool {
    [NUDGE, -NUDGE].iter().all(|&rel| {
        let (o, _) = reference::train(&nudged(net, rel), spec);
        same_verdict(&o, want)
            && close(o.final_loss, want.final_loss, NUDGED_REFERENCE)
            && o.params
                .0
                .iter()
                .zip(want.params.0)
                .all(|(a, b)| close(*a, b, NUDGED_REFERENCE))
    })
}

/// Assert that an f64 fast path's run `got` is the reference's `want` within [`F64_LANES`]:
/// verdict, final loss, weights, outputs and every logged point of the curves. `ctx` names the
/// net in the failure message.
pub fn assert_f64_match(got: &(Outcome, Curve), want: &(Outcome, Curve), ctx: &str) {
    let ((g, gc), (w, wc)) = (got, want);
    let ctx = format!("{ctx}: got {g:?} reference {w:?}");
    assert!(same_verdict(g, w), "verdict differs: {ctx}");
    assert!(
        close(g.final_loss, w.final_loss, F64_LANES),
        "final loss: {ctx}"
    );
    for k in 0..9 {
        assert!(
            close(g.params.0[k], w.params.0[k], F64_LANES),
            "param {k}: {ctx}"
        );
    }
    for k in 0..4 {
        assert!(
            close(g.outputs[k], w.outputs[k], F64_LANES),
            "output {k}: {ctx}"
        );
    }
    assert_eq!(gc.loss.len(), wc.loss.len(), "logged epochs: {ctx}");
    for (a, b) in gc
        .loss
        .iter()
        .zip(&wc.loss)
        .chain(gc.gap.iter().zip(&wc.gap))
    {
        assert!(close(*a, *b, F64_LANES), "curve {a} vs {b}: {ctx}");
    }
}

/// `n` with its weights and numeric hyperparameters rounded to f32, as the f32 lanes load them.
pub fn in_f32(n: &Net) -> Net {
    let r = |x: f64| x as f32 as f64;
    let mut hyper = n.hyper;
    for &p in xorsweep::train::options::HyperParam::ALL {
        hyper.set(p, r(hyper.get(p)));
    }
    Net {
        init: Params(n.init.0.map(r)),
        hyper,
        options: n.options,
    }
}

/// Whether the reference's verdict `want` on `net` is one f32 lanes can be held to.
///
/// Outputs within 1e-3 of 0.5 (a dead relu net's σ(c → 0), a linear output creeping up to the
/// threshold) are decided by f32's rounding (6e-8 at 0.5 per step, grown over training). A net
/// that solved XOR and then lost it again sits on a ridge between verdicts for the rest of its
/// run. Rates above 10 are left to the f64 comparison: there f32 verdicts part from the
/// reference's on nets that ±1e-4 nudges do not move (seen with weight decay at 13.9). And the
/// reference must give the same verdict from the start the f32 lanes really have (weights and
/// rates rounded to f32) and under ±1e-4 and ±1e-5 relative nudges (larger than f32's
/// rounding, grown over training).
pub fn well_conditioned_f32(net: &Net, spec: &TrainSpec, want: &Outcome) -> bool {
    !want.diverged
        && net.hyper.lr_hidden.max(net.hyper.lr_out) <= 10.0
        && reference::train(&in_f32(net), spec).0.correct == want.correct
        && !(want.solved_epoch.is_some() && want.correct < 4)
        && want.outputs.iter().all(|o| (o - 0.5).abs() > 1e-3)
        && [1e-4, -1e-4, 1e-5, -1e-5]
            .iter()
            .all(|&rel| reference::train(&nudged(net, rel), spec).0.correct == want.correct)
}

/// Fail unless at least `num`/`den` of `total` nets were compared: a filter that excludes
/// everything must not pass.
pub fn assert_enough(compared: usize, total: usize, (num, den): (usize, usize), what: &str) {
    assert!(
        compared * den >= total * num,
        "{what}: only {compared} of {total} nets could be compared (at least {num}/{den} must be)"
    );
}
