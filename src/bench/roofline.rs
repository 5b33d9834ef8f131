//! `bench --roofline`: how close the lane kernel runs to the rate at which this core can issue
//! its vector operations.
//!
//! Three parts. [`probe`] measures, on the calling thread, how many multiply-adds, adds and
//! divisions per second this core completes on the build's lane type (and fma+add pairs, to
//! tell whether the two share execution ports). [`crate::train::count`] counts the kernel's
//! vector operations per epoch of one vector by running the kernel itself on counting lanes.
//! [`Roofline::new`] divides one by the other: the issue limit in net-epochs per second of one
//! core, and the kernel's measured single-thread rate as a share of it.
//!
//! ## The probe
//! Each loop updates [`CHAINS`] independent accumulators per iteration (x ← x·a + b, x ← x + b,
//! x ← a/x), enough to cover the latency of an FMA (4 cycles) on two ports, with `a`, `b`
//! hidden from the optimiser by `black_box` and distinct starting values so that no two chains
//! can be merged. On this build (`-C target-cpu=native`, Sapphire Rapids, `wide` f64x8/f32x16 on
//! AVX-512) `objdump -d` of the release binary shows each loop as the ten `vfmadd213pd`
//! (`…ps`) / `vaddpd` / `vdivpd` on `zmm` registers (five and five in the pair loop), with no
//! load or store, unrolled four times: forty of them per `add`/`jne`, nothing else. Each probe is calibrated to
//! about 40 ms and repeated five times; rates are medians with their median absolute deviation.
//! Probe and kernel are both timed in CPU seconds of their thread (`CLOCK_THREAD_CPUTIME_ID`),
//! so that time the core spent on other processes (this machine's two cores are shared) counts
//! in neither.
//!
//! ## The model
//! One vector-epoch needs `fma` multiply-class, `add` add-class (add, sub, min, max) and `div`
//! divisions, plus `other` compares, selects, logic and integer operations.
//! - Ports shared (Intel's AVX-512 cores: zmm FMA, add, logic and blend all issue on ports 0 and
//!   5): T = max(fma/R_fma + (add + other)/R_add, div/R_div).
//! - Ports apart (AMD Zen: two FMA pipes and two add pipes): T = max(fma/R_fma, add/R_add,
//!   (fma + add + other)/(R_fma + R_add), div/R_div): `other` (vector integer, logic, blends and
//!   the exp's table permute) can issue on any of the four pipes, so it fills the slack of the
//!   less busy side, and bounds the whole once there is no slack left. (Since the table-driven
//!   exp the f64 net-epoch is 22.1 fma, 13.25 add and 5.9 other: with R_fma = R_add the third
//!   term is 93 % of the first; other kernels or rates can tip it.)
//!
//! The divider is taken as its own unit in both (its issue uops on the shared ports are not
//! counted). The issue limit is lanes/T net-epochs per second. Which model applies is read off
//! the probe: fma+add pairs complete at 1/(1/R_fma + 1/R_add) per second if the ports are
//! shared and at min(R_fma, R_add) if apart; the nearer prediction (in ratio) names the model.
//! Both limits are reported. The limit ignores latency (the kernel's chains of exp, divide and
//! sigmoid), loads and stores, loop overhead and the logged epochs' loss: it is a ceiling, and
//! the share says how much of it the kernel reaches.

use std::hint::black_box;
use std::time::Instant;

use serde::Serialize;

use super::ratio::Spread;
use super::thread_cpu_seconds;
use crate::train::Precision;
use crate::train::batch::{self, WithLanes};
use crate::train::count::Ops;
use crate::train::lane::Lane;

/// Independent accumulator chains per probe loop.
pub const CHAINS: usize = 10;

/// Target time of one timed probe run.
const PROBE_SECONDS: f64 = 0.04;

/// Timed runs per probe.
pub const PROBE_REPEATS: usize = 5;

/// Distinct starting values, so that no two chains compute the same numbers.
fn starts<V: Lane>() -> [V; CHAINS] {
    std::array::from_fn(|i| V::splat(1.0 + i as f64 / 16.0))
}

#[inline(never)]
fn fma_loop<V: Lane>(n: u64, a: V, b: V) -> [V; CHAINS] {
    let mut acc = starts::<V>();
    for _ in 0..n {
        for x in &mut acc {
            *x = x.mul_add(a, b);
        }
    }
    acc
}

#[inline(never)]
fn add_loop<V: Lane>(n: u64, b: V) -> [V; CHAINS] {
    let mut acc = starts::<V>();
    for _ in 0..n {
        for x in &mut acc {
            *x = *x + b;
        }
    }
    acc
}

#[inline(never)]
fn div_loop<V: Lane>(n: u64, a: V) -> [V; CHAINS] {
    let mut acc = starts::<V>();
    for _ in 0..n {
        for x in &mut acc {
            *x = a / *x;
        }
    }
    acc
}

/// Half the chains multiply-add, half add.
#[inline(never)]
fn mix_loop<V: Lane>(n: u64, a: V, b: V) -> [V; CHAINS] {
    let mut acc = starts::<V>();
    for _ in 0..n {
        for pair in acc.chunks_exact_mut(2) {
            pair[0] = pair[0].mul_add(a, b);
            pair[1] = pair[1] + b;
        }
    }
    acc
}

/// The probe loops.
#[derive(Clone, Copy)]
enum Loop {
    Fma,
    Add,
    Div,
    Mix,
}

/// CPU seconds of the calling thread (wall seconds where the platform has no thread clock) for
/// `n` iterations of `which`.
fn time_loop<V: Lane>(which: Loop, n: u64) -> f64 {
    // x·½ + ½ tends to 1; x + 1/1024 grows slowly; 1/x alternates: no overflow, no subnormal.
    let (a, b) = (black_box(V::splat(0.5)), black_box(V::splat(1.0 / 1024.0)));
    let one = black_box(V::splat(1.0));
    let (t, c0) = (Instant::now(), thread_cpu_seconds());
    match which {
        Loop::Fma => black_box(fma_loop(n, a, a)),
        Loop::Add => black_box(add_loop(n, b)),
        Loop::Div => black_box(div_loop(n, one)),
        Loop::Mix => black_box(mix_loop(n, a, b)),
    };
    match c0.zip(thread_cpu_seconds()) {
        Some((c0, c1)) => c1 - c0,
        None => t.elapsed().as_secs_f64(),
    }
}

/// Operations (or fma+add pairs) per second of `which`: iterations calibrated to about
/// [`PROBE_SECONDS`], then [`PROBE_REPEATS`] timed runs.
fn rate<V: Lane>(which: Loop) -> Spread {
    let per_iter = match which {
        Loop::Mix => CHAINS / 2,
        _ => CHAINS,
    } as f64;
    let mut n: u64 = 1 << 10;
    let mut secs = time_loop::<V>(which, n);
    while secs < PROBE_SECONDS / 4.0 && n < 1 << 40 {
        n *= 2;
        secs = time_loop::<V>(which, n);
    }
    let n = ((n as f64 * PROBE_SECONDS / secs.max(1e-9)) as u64).max(1);
    let rates: Vec<f64> = (0..PROBE_REPEATS)
        .map(|_| n as f64 * per_iter / time_loop::<V>(which, n))
        .collect();
    Spread::of(&rates)
}

/// One thread's rates of the build's lane type, in vector operations per second.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ProbeRates {
    /// `wide` type probed.
    pub lane_type: &'static str,
    pub fma: Spread,
    pub add: Spread,
    pub div: Spread,
    /// fma+add pairs per second, half the chains each.
    pub fma_add_pairs: Spread,
}

/// Measure this core's rates for the lanes `precision` trains in, on the calling thread.
pub fn probe(precision: Precision) -> ProbeRates {
    struct Probe;
    impl WithLanes for Probe {
        type Out = ProbeRates;
        fn run<V: Lane>(self) -> ProbeRates {
            ProbeRates {
                lane_type: V::NAME,
                fma: rate::<V>(Loop::Fma),
                add: rate::<V>(Loop::Add),
                div: rate::<V>(Loop::Div),
                fma_add_pairs: rate::<V>(Loop::Mix),
            }
        }
    }
    batch::with_lanes(precision, Probe)
}

/// Whether multiply-adds and adds compete for the same execution ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ports {
    Shared,
    Apart,
}

impl Ports {
    /// The model whose prediction of the fma+add pair rate is nearer (in ratio) to the probe's.
    pub fn judge(r: &ProbeRates) -> Ports {
        let (f, a) = (r.fma.median, r.add.median);
        let shared = 1.0 / (1.0 / f + 1.0 / a);
        let apart = f.min(a);
        let m = r.fma_add_pairs.median;
        if (m / shared).ln().abs() <= (m / apart).ln().abs() {
            Ports::Shared
        } else {
            Ports::Apart
        }
    }
}

/// The resource that bounds the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The shared FMA/add ports (everything but division).
    Ports,
    Fma,
    Add,
    Divider,
}

impl Bound {
    pub fn name(self) -> &'static str {
        match self {
            Bound::Ports => "FMA/add ports",
            Bound::Fma => "FMA units",
            Bound::Add => "add units",
            Bound::Divider => "divider",
        }
    }
}

/// An issue limit under one port model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Limit {
    /// Net-epochs per second of one core.
    pub net_epochs_per_second: f64,
    /// Its relative uncertainty, from the probe rates' spreads.
    pub relative_error: f64,
    pub bound: Bound,
}

/// Seconds per vector-epoch and relative error of a sum of ops/rate terms.
fn time_of(terms: &[(f64, &Spread)]) -> (f64, f64) {
    let t: f64 = terms.iter().map(|(ops, r)| ops / r.median).sum();
    let rel = terms
        .iter()
        .map(|(ops, r)| (ops / r.median / t * r.mad / r.median).powi(2))
        .sum::<f64>()
        .sqrt();
    (t, rel)
}

impl Limit {
    /// The limit for `ops` per vector of `lanes` nets at rates `r` under `ports`.
    pub fn of(ops: &Ops, lanes: usize, r: &ProbeRates, ports: Ports) -> Limit {
        let (fma, add, div, other) = (
            ops.fma as f64,
            ops.add as f64,
            ops.div as f64,
            ops.other() as f64,
        );
        let candidates = match ports {
            Ports::Shared => vec![
                (
                    Bound::Ports,
                    time_of(&[(fma, &r.fma), (add + other, &r.add)]),
                ),
                (Bound::Divider, time_of(&[(div, &r.div)])),
            ],
            Ports::Apart => {
                let pipes = Spread {
                    median: r.fma.median + r.add.median,
                    mad: r.fma.mad + r.add.mad,
                    min: r.fma.min + r.add.min,
                    max: r.fma.max + r.add.max,
                };
                // First: on a tie the later, single resource is named.
                vec![
                    (Bound::Ports, time_of(&[(fma + add + other, &pipes)])),
                    (Bound::Fma, time_of(&[(fma, &r.fma)])),
                    (Bound::Add, time_of(&[(add, &r.add)])),
                    (Bound::Divider, time_of(&[(div, &r.div)])),
                ]
            }
        };
        let (bound, (t, rel)) = candidates
            .into_iter()
            .max_by(|a, b| a.1.0.total_cmp(&b.1.0))
            .expect("at least one resource");
        Limit {
            net_epochs_per_second: lanes as f64 / t,
            relative_error: rel,
            bound,
        }
    }
}

/// The kernel's operations per net-epoch, by class.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PerNet {
    pub fma: f64,
    pub add: f64,
    pub div: f64,
    /// Compares, selects, logic, integer operations and all-lanes tests.
    pub other: f64,
}

/// One trainer's roofline: its operations, this core's rates and limits, and the share of the
/// limit its single-thread measurement reaches.
#[derive(Clone, Debug, Serialize)]
pub struct Roofline {
    /// Nets per vector.
    pub lanes: usize,
    pub ops_per_vector_epoch: Ops,
    pub ops_per_net_epoch: PerNet,
    pub rates: ProbeRates,
    /// The port model the probe points to; `share` is against its limit.
    pub ports: Ports,
    pub limit_shared: Limit,
    pub limit_apart: Limit,
    /// The kernel's single-thread net-epochs per CPU-second of its thread (per wall second
    /// where the platform has no thread clock): median and MAD of the bench repeats.
    pub measured: f64,
    pub measured_mad: f64,
    /// measured / the limit of `ports`, and its uncertainty (absolute).
    pub share: f64,
    pub share_error: f64,
    pub share_shared: f64,
    pub share_apart: f64,
}

impl Roofline {
    /// The roofline of a trainer whose vector-epoch costs `ops` on vectors of `lanes` nets,
    /// measured at `measured` net-epochs per second on one thread.
    pub fn new(ops: Ops, lanes: usize, rates: ProbeRates, measured: &Spread) -> Roofline {
        let ports = Ports::judge(&rates);
        let limit_shared = Limit::of(&ops, lanes, &rates, Ports::Shared);
        let limit_apart = Limit::of(&ops, lanes, &rates, Ports::Apart);
        let limit = match ports {
            Ports::Shared => limit_shared,
            Ports::Apart => limit_apart,
        };
        let share = measured.median / limit.net_epochs_per_second;
        let rel = (limit.relative_error.powi(2) + (measured.mad / measured.median).powi(2)).sqrt();
        let per = |x: u64| x as f64 / lanes as f64;
        Roofline {
            lanes,
            ops_per_vector_epoch: ops,
            ops_per_net_epoch: PerNet {
                fma: per(ops.fma),
                add: per(ops.add),
                div: per(ops.div),
                other: per(ops.other()),
            },
            rates,
            ports,
            limit_shared,
            limit_apart,
            measured: measured.median,
            measured_mad: measured.mad,
            share,
            share_error: share * rel,
            share_shared: measured.median / limit_shared.net_epochs_per_second,
            share_apart: measured.median / limit_apart.net_epochs_per_second,
        }
    }
}

/// The roofline of a single-thread lane measurement of nets trained with `setting`, against
/// `rates` probed for its precision, both timed in CPU seconds of the thread that ran them. The operations are counted from the kernel now (see
/// [`crate::train::count`]).
pub fn of(m: &super::Measurement, setting: &crate::hyper::Setting, rates: ProbeRates) -> Roofline {
    let ops = crate::train::count::per_vector_epoch(m.precision, setting.options, setting.hyper);
    let measured = if m.cpu_rates.is_empty() {
        m.spread()
    } else {
        Spread::of(&m.cpu_rates)
    };
    Roofline::new(ops, batch::lane_width(m.precision), rates, &measured)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(x: f64) -> Spread {
        Spread {
            median: x,
            min: x,
            max: x,
            mad: 0.0,
        }
    }

    fn rates(pairs: f64) -> ProbeRates {
        ProbeRates {
            lane_type: "test",
            fma: exact(4.0),
            add: exact(4.0),
            div: exact(0.25),
            fma_add_pairs: exact(pairs),
        }
    }

    const OPS: Ops = Ops {
        fma: 8,
        add: 4,
        div: 1,
        compare: 1,
        select: 1,
        logic: 1,
        int: 1,
        test: 0,
    };

    #[test]
    fn ports_are_read_off_the_pair_rate() {
        // Shared predicts 2 pairs/s, apart 4.
        assert_eq!(Ports::judge(&rates(2.1)), Ports::Shared);
        assert_eq!(Ports::judge(&rates(3.9)), Ports::Apart);
    }

    #[test]
    fn limits_by_hand() {
        // Shared: (8 + 4 + 4)/4 = 4 s per vector against 1/0.5 = 2 s of divider: 4 s, 8 lanes.
        let half = ProbeRates {
            div: exact(0.5),
            ..rates(2.0)
        };
        let s = Limit::of(&OPS, 8, &half, Ports::Shared);
        assert_eq!((s.net_epochs_per_second, s.bound), (2.0, Bound::Ports));
        // Apart: max(8/4, 4/4, 1/0.25) = 4 s of divider.
        let a = Limit::of(&OPS, 8, &rates(4.0), Ports::Apart);
        assert_eq!((a.net_epochs_per_second, a.bound), (2.0, Bound::Divider));
        let fast_div = ProbeRates {
            div: exact(1.0),
            ..rates(4.0)
        };
        let a = Limit::of(&OPS, 8, &fast_div, Ports::Apart);
        assert_eq!((a.net_epochs_per_second, a.bound), (4.0, Bound::Fma));
        // Apart, `other` not free: max(8/4, 4/4, (8 + 4 + 12)/(4 + 4), 1/1) = 3 s on all pipes.
        let busy = Ops { int: 9, ..OPS };
        let a = Limit::of(&busy, 8, &fast_div, Ports::Apart);
        assert_eq!(
            (a.net_epochs_per_second, a.bound),
            (8.0 / 3.0, Bound::Ports)
        );
        let r = Roofline::new(OPS, 8, fast_div, &exact(3.0));
        assert_eq!(r.ports, Ports::Apart);
        assert_eq!((r.share, r.share_error), (0.75, 0.0));
        assert_eq!(r.share_shared, 1.5);
        assert_eq!(r.ops_per_net_epoch.other, 0.5);
    }

    #[test]
    fn errors_add_in_quadrature_by_weight() {
        let r = ProbeRates {
            fma: Spread {
                mad: 0.4,
                ..exact(4.0)
            },
            div: exact(1.0),
            ..rates(2.0)
        };
        // Shared: 2 s of fma (10 % error) + 2 s of add (exact): 5 % of the 4 s.
        let s = Limit::of(&OPS, 8, &r, Ports::Shared);
        assert!((s.relative_error - 0.05).abs() < 1e-12);
        let m = Spread {
            mad: 0.12,
            ..exact(1.0)
        };
        let roof = Roofline::new(OPS, 8, r, &m);
        // 1 / 2 net-epochs/s; relative errors 5 % and 12 %: 13 %.
        assert!((roof.share - 0.5).abs() < 1e-12);
        assert!((roof.share_error - 0.5 * 0.13).abs() < 1e-12);
    }

    /// The text fits 80 columns with the widest numbers it can meet.
    #[test]
    fn text_fits_80_columns() {
        let wide = Spread {
            median: 123.456e9,
            min: 0.0,
            max: 0.0,
            mad: 12.345e9,
        };
        let r = ProbeRates {
            lane_type: "f32x16",
            fma: wide,
            add: wide,
            div: wide,
            fma_add_pairs: wide,
        };
        let many = Ops {
            fma: 99999,
            add: 99999,
            div: 99999,
            ..OPS
        };
        let roof = Roofline::new(many, 16, r, &wide);
        let text = super::super::render::probe(&r) + &super::super::render::roofline(&roof);
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{line}");
        }
        assert!(text.contains("issue limit per core"), "{text}");
    }
}
