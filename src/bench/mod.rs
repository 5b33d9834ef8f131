//! `xorsweep bench`: net-epochs per second of the scalar reference and the lane trainers, on 1
//! thread and on all threads, with median and spread over repeats. One net-epoch is one
//! full-batch gradient step of one 2-2-1 net over the four XOR cases. [`measure`] runs and times;
//! [`ratio`] holds the pure arithmetic of the comparisons; [`render`] prints; [`roofline`] sets a
//! single-thread rate against this core's issue limit (`--roofline`).

pub mod ratio;
pub mod render;
pub mod roofline;

use std::hint::black_box;
use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

pub use crate::cpu::thread_cpu_seconds;
use crate::train::{Hyper, Net, Options, Params, Precision, TrainSpec, batch, reference};

/// Which trainer a measurement is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impl {
    /// The scalar f64 reference, one net at a time.
    Scalar,
    /// The lane trainer (`wide` vectors), one net per lane.
    Simd,
}

impl Impl {
    pub fn name(self) -> &'static str {
        match self {
            Impl::Scalar => "scalar",
            Impl::Simd => "simd",
        }
    }
}

/// One measured configuration.
#[derive(Clone, Debug, Serialize)]
pub struct Measurement {
    /// The trainer's options that are not the lesson's (`tanh · momentum 0.9`), or `lesson`.
    pub trainer: String,
    #[serde(rename = "impl")]
    pub implementation: Impl,
    pub precision: Precision,
    pub lane_type: &'static str,
    pub threads: usize,
    pub nets: usize,
    pub epochs: u32,
    /// Net-epochs per second of each repeat, in the order measured.
    pub rates: Vec<f64>,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// Median absolute deviation of the rates.
    pub mad: f64,
    /// On 1 thread: net-epochs per CPU-second of the thread that trained, per repeat (time the
    /// core was lent to other processes left out; `--roofline` compares these to the probe's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cpu_rates: Vec<f64>,
    /// With `--roofline`, for the lane trainer on 1 thread: the share of this core's limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roofline: Option<roofline::Roofline>,
}

impl Measurement {
    /// Median, extremes and MAD of the rates.
    pub fn spread(&self) -> ratio::Spread {
        ratio::Spread {
            median: self.median,
            min: self.min,
            max: self.max,
            mad: self.mad,
        }
    }
}

/// Seeded random nets like the peer scripts' (uniform[−1, 1] weights, lr uniform in [0.5, 4]),
/// trained with `options`.
pub fn bench_nets(n: usize, options: Options) -> Vec<Net> {
    let mut rng = ChaCha8Rng::seed_from_u64(1234);
    (0..n)
        .map(|_| Net {
            init: Params(std::array::from_fn(|_| rng.random_range(-1.0..1.0))),
            hyper: Hyper::lr(rng.random_range(0.5..4.0)),
            options,
        })
        .collect()
}

/// [`bench_nets`] trained with `setting`'s options, momentum and weight decay (and its output
/// rate, if it has one; the hidden rate stays bench's own).
pub fn setting_nets(n: usize, setting: &crate::hyper::Setting) -> Vec<Net> {
    let mut nets = bench_nets(n, setting.options);
    for net in &mut nets {
        net.hyper = setting.hyper(net.hyper.lr_hidden);
    }
    nets
}

/// How a measurement names its trainer: its options that are not the lesson's, or `lesson`.
pub fn trainer_name(setting: &crate::hyper::Setting) -> String {
    let d = setting.describe();
    if d.is_empty() {
        "lesson".to_string()
    } else {
        d
    }
}

/// The work measured: `epochs` steps, loss recorded every 500 epochs like the peer scripts.
pub fn bench_spec(epochs: u32) -> TrainSpec {
    TrainSpec::new(epochs, (0..=epochs).step_by(500).collect(), None)
}

/// Nets per parallel task at most, as in a sweep's chunks.
const TASK_NETS: usize = 2048;

/// Train every net once with `implementation` on the current rayon pool.
pub fn train_all(
    implementation: Impl,
    precision: Precision,
    nets: &[Net],
    spec: &TrainSpec,
) -> usize {
    // At least 4 tasks per thread so that small benchmarks keep every thread busy to the end.
    let task = TASK_NETS
        .min(nets.len().div_ceil(4 * rayon::current_num_threads()))
        .max(16);
    nets.par_chunks(task)
        .map(|n| match implementation {
            // black_box: the results are not used, and the work must not be optimised away.
            Impl::Simd => black_box(batch::train(precision, n, spec)).len(),
            Impl::Scalar => n
                .iter()
                .map(|net| {
                    black_box(reference::train(net, spec));
                    1
                })
                .sum(),
        })
        .sum()
}

/// Time `repeats` runs of one configuration on a pool of `threads` threads; `trainer` names
/// the nets' trainer in the result.
pub fn measure(
    trainer: &str,
    implementation: Impl,
    precision: Precision,
    threads: usize,
    nets: &[Net],
    epochs: u32,
    repeats: usize,
) -> anyhow::Result<Measurement> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let spec = bench_spec(epochs);
    let work = nets.len() as f64 * f64::from(epochs);
    let mut cpu_rates = Vec::new();
    let rates: Vec<f64> = (0..repeats.max(1))
        .map(|_| {
            let t = Instant::now();
            // On 1 thread the closure and all its work run on the pool's one worker.
            let (trained, cpu) = pool.install(|| {
                let c0 = thread_cpu_seconds();
                let trained = train_all(implementation, precision, nets, &spec);
                (trained, c0.zip(thread_cpu_seconds()).map(|(a, b)| b - a))
            });
            assert_eq!(trained, nets.len(), "every net trained once");
            if let (1, Some(c)) = (threads, cpu) {
                cpu_rates.push(work / c);
            }
            work / t.elapsed().as_secs_f64()
        })
        .collect();
    let s = ratio::Spread::of(&rates);
    Ok(Measurement {
        trainer: trainer.to_string(),
        implementation,
        precision,
        lane_type: match implementation {
            Impl::Simd => batch::lane_name(precision),
            Impl::Scalar => "f64 (scalar)",
        },
        threads,
        nets: nets.len(),
        epochs,
        median: s.median,
        min: s.min,
        max: s.max,
        mad: s.mad,
        rates,
        cpu_rates,
        roofline: None,
    })
}
