//! From a configuration to the list of nets: cells (init × trainer setting × learning rate),
//! global run indices,
//! each net's initial weights, the epochs at which curves are logged, and the fixed-size chunks
//! the work is done and saved in.
//!
//! Determinism lives here: a net's initial weights are drawn from a ChaCha8 stream chosen by
//! (master seed, global run index) alone, so they do not depend on threads, lane width, chunk
//! order or shard.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::config::SweepConfig;
use super::spec::Init;
use super::streams::{self, STREAMS};
use crate::baseline::LESSON_LR;
use crate::format;
use crate::hyper::Setting;
use crate::train::{Hyper, Net, Params, TrainSpec};

/// One (init, trainer setting, learning rate) combination.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub index: usize,
    pub init: Init,
    /// Options, momentum, weight decay (and the output layer's rate in a per-layer sweep).
    pub setting: Setting,
    /// The learning rate of the cell's lr axis: both layers', or the hidden layer's in a
    /// per-layer sweep.
    pub lr: f64,
    pub first_run: u64,
    pub nets: u64,
}

impl Cell {
    /// A label a person reads in a spreadsheet or a legend: `uniform:1 @ lr 8.788`, with the
    /// trainer's non-default parts after it (`uniform:1 @ lr 8.788 · tanh · momentum 0.9`).
    pub fn label(&self) -> String {
        let setting = self.setting.describe();
        let lr = format::value(self.lr);
        match (setting.is_empty(), self.setting.lr_out().is_some()) {
            (true, _) => format!("{} @ lr {lr}", self.init),
            (false, false) => format!("{} @ lr {lr} · {setting}", self.init),
            (false, true) => format!("{} @ lr_hidden {lr} · {setting}", self.init),
        }
    }

    /// The trainer of the cell's nets.
    pub fn hyper(&self) -> Hyper {
        self.setting.hyper(self.lr)
    }
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub config: SweepConfig,
    pub cells: Vec<Cell>,
    pub total_runs: u64,
    pub train: TrainSpec,
    /// The ChaCha8 key of `config.seed` ([`seed_key`]), worked out once: a sweep draws every
    /// net's weights from it.
    key: SeedKey,
}

/// Epochs at which loss and hidden gap are recorded: 0, ~40 log-spaced, every 1/20th, and the end.
pub fn curve_epochs(epochs: u32) -> Vec<u32> {
    let mut v = vec![0, epochs];
    let n = 40;
    for i in 0..=n {
        v.push((f64::from(epochs).powf(f64::from(i) / f64::from(n))).round() as u32);
    }
    let step = (epochs / 20).max(1);
    v.extend((0..=epochs).step_by(step as usize));
    v.sort_unstable();
    v.dedup();
    v
}

/// The most cells one sweep may have: each is a row of summary.csv, ~60 rows of curves.csv and
/// ~30 KB of memory until the reports are written. `xorsweep map` is the tool for fine grids.
/// `pipeline` refuses larger grids; `compare` refuses a summary.csv with more rows.
pub const MAX_CELLS: u64 = 5000;

/// How big a configuration's grid is, counted from its specs without building it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridSize {
    pub cells: u64,
    pub nets: u64,
    /// The most nets in one cell.
    pub largest_cell: u64,
}

impl GridSize {
    pub fn of(config: &SweepConfig) -> GridSize {
        let lr_axis = config.trainer.lr_axis();
        let lrs = lr_axis.len() as u64;
        let settings = config.trainer.setting_count();
        // The pinned row is added in one-rate sweeps only (a per-layer grid has no "η = 2").
        let has_pinned = config.trainer.per_layer() || lr_axis.values_contain(LESSON_LR);
        let (mut cells, mut nets) = (0u64, 0u64);
        for spec in &config.init {
            let schemes = spec.count() as u64;
            let random = !matches!(spec, super::spec::InitSpec::Lesson);
            // The lesson's weights always get the pinned η = 2.0 row too.
            let rows = if random || has_pinned { lrs } else { lrs + 1 };
            let per_cell = if random { u64::from(config.seeds) } else { 1 };
            let cells_here = schemes.saturating_mul(settings).saturating_mul(rows);
            cells = cells.saturating_add(cells_here);
            nets = nets.saturating_add(cells_here.saturating_mul(per_cell));
        }
        let largest_cell = if config
            .init
            .iter()
            .any(|s| !matches!(s, super::spec::InitSpec::Lesson))
        {
            u64::from(config.seeds)
        } else {
            1
        };
        GridSize {
            cells,
            nets,
            largest_cell,
        }
    }
}

impl Plan {
    /// The grid of a configuration. Check its [`GridSize`] first: this builds every cell.
    pub fn new(config: SweepConfig) -> Plan {
        let lr_values = config.trainer.lr_axis().values();
        let settings = config.trainer.settings();
        let per_layer = config.trainer.per_layer();
        let mut cells = Vec::new();
        let mut next = 0u64;
        for spec in &config.init {
            for init in spec.expand() {
                let mut lrs = lr_values.clone();
                // The lesson's weights always include the pinned baseline row, at η = 2.0.
                if init == Init::Lesson && !per_layer && !lrs.contains(&LESSON_LR) {
                    let at = lrs.partition_point(|&x| x < LESSON_LR);
                    lrs.insert(at, LESSON_LR);
                }
                for &setting in &settings {
                    for &lr in &lrs {
                        let nets = if init.is_random() {
                            u64::from(config.seeds)
                        } else {
                            1
                        };
                        cells.push(Cell {
                            index: cells.len(),
                            init,
                            setting,
                            lr,
                            first_run: next,
                            nets,
                        });
                        next += nets;
                    }
                }
            }
        }
        let train = TrainSpec::new(
            config.epochs,
            curve_epochs(config.epochs),
            config.target_loss,
        );
        Plan {
            key: seed_key(config.seed),
            config,
            cells,
            total_runs: next,
            train,
        }
    }

    /// The cells that chunk `k` holds nets of, as a range of cell indices.
    pub fn chunk_cells(&self, k: u64) -> std::ops::Range<usize> {
        let runs = self.chunk_runs(k);
        if runs.is_empty() {
            return 0..0;
        }
        self.locate(runs.start).0.index..self.locate(runs.end - 1).0.index + 1
    }

    /// The cell a global run index belongs to, and the net's replicate index (seed) within it.
    pub fn locate(&self, run: u64) -> (&Cell, u64) {
        let i = self.cells.partition_point(|c| c.first_run + c.nets <= run);
        let cell = &self.cells[i];
        (cell, run - cell.first_run)
    }

    /// Per cell that chunk `k` holds nets of: how many, and whether the cell's first net.
    pub fn chunk_parts(&self, k: u64) -> Vec<(u64, bool)> {
        let runs = self.chunk_runs(k);
        self.chunk_cells(k)
            .map(|i| {
                let c = &self.cells[i];
                let (a, b) = (
                    c.first_run.max(runs.start),
                    (c.first_run + c.nets).min(runs.end),
                );
                (b - a, runs.contains(&c.first_run))
            })
            .collect()
    }

    /// Nets per chunk: the unit of parallel work, of saving, resuming and sharding.
    pub fn chunk_nets(&self) -> u64 {
        u64::from(self.config.chunk_nets)
    }

    pub fn chunks(&self) -> u64 {
        self.total_runs.div_ceil(self.chunk_nets())
    }

    /// Global run indices of chunk `k`.
    pub fn chunk_runs(&self, k: u64) -> std::ops::Range<u64> {
        let n = self.chunk_nets();
        k * n..((k + 1) * n).min(self.total_runs)
    }

    /// The initial weights of global run `run` under `init`: [`initial_params`] with the
    /// plan's key.
    pub fn initial_params(&self, init: Init, run: u64) -> Params {
        debug_assert!(self.key == seed_key(self.config.seed), "the seed changed");
        draw_params(init, &self.key, run)
    }

    /// Run `run`: its initial weights and trainer, drawn by `rand_chacha` alone (what
    /// [`Plan::nets_into`], the sweep's path, is tested against).
    pub fn net(&self, run: u64) -> Net {
        let (cell, _) = self.locate(run);
        Net {
            init: self.initial_params(cell.init, run),
            hyper: cell.hyper(),
            options: cell.setting.options,
        }
    }

    /// [`Plan::net`] of every run of `runs`, appended to `nets`: their streams' first words
    /// computed [`STREAMS`] at a time ([`streams::first_words`]), the same weights bit for bit.
    pub fn nets_into(&self, runs: std::ops::Range<u64>, nets: &mut Vec<Net>) {
        let mut run = runs.start;
        while run < runs.end {
            let ids: [u64; STREAMS] = std::array::from_fn(|s| run.wrapping_add(s as u64));
            let words = streams::first_words(&self.key, &ids);
            for (s, &id) in ids.iter().enumerate().take((runs.end - run) as usize) {
                let (cell, _) = self.locate(id);
                let mut stream = streams::Stream::new(&words, s, &self.key, id);
                nets.push(Net {
                    init: draw_from(cell.init, &mut stream),
                    hyper: cell.hyper(),
                    options: cell.setting.options,
                });
            }
            run += STREAMS as u64;
        }
    }
}

/// The key of the ChaCha8 streams a master seed chooses.
type SeedKey = <ChaCha8Rng as SeedableRng>::Seed;

/// The key [`ChaCha8Rng::seed_from_u64`] expands a master seed into.
fn seed_key(master_seed: u64) -> SeedKey {
    ChaCha8Rng::seed_from_u64(master_seed).get_seed()
}

/// The initial weights of global run `run` under `init`, from (master seed, run) alone.
pub fn initial_params(init: Init, master_seed: u64, run: u64) -> Params {
    draw_params(init, &seed_key(master_seed), run)
}

/// [`initial_params`] from the master seed's key: stream `run` of it.
fn draw_params(init: Init, key: &SeedKey, run: u64) -> Params {
    draw_from(init, &mut streams::chacha(key, run))
}

/// The initial weights `init` draws from a net's stream (the same words, whether `rand_chacha`
/// or [`streams::Stream`] yields them).
fn draw_from(init: Init, rng: &mut impl Rng) -> Params {
    let mut uniform = |a: f64| rng.random_range(-a..a);
    match init {
        Init::Lesson => Params::LESSON,
        Init::Uniform { a } => Params(std::array::from_fn(|_| uniform(a))),
        Init::Normal { sigma } => {
            let normal = Normal::new(0.0, sigma).expect("sigma was validated positive");
            Params(std::array::from_fn(|_| normal.sample(rng)))
        }
        Init::Symmetric { a } => symmetric(&mut uniform, a),
        Init::NearSymmetric { a, eps } => {
            let mut p = symmetric(&mut uniform, a);
            for k in [3, 4, 5, 7] {
                p.0[k] += uniform(eps);
            }
            p
        }
    }
}

fn symmetric(uniform: &mut impl FnMut(f64) -> f64, a: f64) -> Params {
    let (w1, w2, b, v, c) = (uniform(a), uniform(a), uniform(a), uniform(a), uniform(a));
    Params([w1, w2, b, w1, w2, b, v, v, c])
}

/// A small plan of every kind of cell a test of chunks wants: the lesson, a near-symmetric and a
/// random init, rates 0.5, 2 and 1e6 (diverging: NaN and inf outcomes), `seeds` nets per random
/// cell, `epochs` epochs, chunks of `chunk_nets` (split inside cells when it does not divide them).
#[cfg(test)]
pub fn mixed_plan(seeds: u32, epochs: u32, chunk_nets: u32) -> Plan {
    Plan::new(SweepConfig {
        trainer: crate::hyper::TrainerAxes {
            lr: Some("0.5,2,1e6".parse().unwrap()),
            ..Default::default()
        },
        init: ["lesson", "near-symmetric:1:1e-6", "normal:1"]
            .map(|s| s.parse().unwrap())
            .to_vec(),
        seeds,
        epochs,
        chunk_nets,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(seeds: u32) -> Plan {
        let config = SweepConfig {
            seeds,
            trainer: crate::hyper::TrainerAxes {
                lr: Some("0.5,1".parse().unwrap()),
                ..Default::default()
            },
            ..SweepConfig::default()
        };
        Plan::new(config)
    }

    #[test]
    fn cells_cover_every_run_once() {
        let p = plan(3);
        let mut expected = 0;
        for c in &p.cells {
            assert_eq!(c.first_run, expected);
            expected += c.nets;
            for s in 0..c.nets {
                assert_eq!(p.locate(c.first_run + s), (c, s));
            }
        }
        assert_eq!(expected, p.total_runs);
        // lesson gets its pinned η = 2.0 row added to the two grid rates
        assert_eq!(p.cells.iter().filter(|c| c.init == Init::Lesson).count(), 3);
        let size = GridSize::of(&p.config);
        assert_eq!(
            (size.cells, size.nets),
            (p.cells.len() as u64, p.total_runs)
        );
        for k in 0..p.chunks() {
            let cells = p.chunk_cells(k);
            let runs = p.chunk_runs(k);
            assert_eq!(p.cells[cells.start].index, p.locate(runs.start).0.index);
            assert_eq!(cells.end - 1, p.locate(runs.end - 1).0.index);
        }
    }

    #[test]
    fn initial_weights_depend_only_on_seed_and_run() {
        let a = initial_params(Init::Uniform { a: 1.0 }, 7, 12345);
        assert_eq!(a, initial_params(Init::Uniform { a: 1.0 }, 7, 12345));
        assert_ne!(a, initial_params(Init::Uniform { a: 1.0 }, 7, 12346));
        assert_ne!(a, initial_params(Init::Uniform { a: 1.0 }, 8, 12345));
        let s = initial_params(Init::Symmetric { a: 2.0 }, 1, 3);
        assert_eq!(s.hidden_gap(), 0.0);
        let n = initial_params(Init::NearSymmetric { a: 2.0, eps: 1e-6 }, 1, 3);
        assert!(n.hidden_gap() > 0.0 && n.hidden_gap() <= 1e-6);
    }

    #[test]
    fn labels_read_well() {
        let p = plan(1);
        assert_eq!(p.cells[0].label(), "lesson @ lr 0.5");
    }

    #[test]
    fn nets_drawn_streams_at_a_time_are_the_nets_drawn_one_at_a_time() {
        let plan = Plan::new(SweepConfig {
            trainer: crate::hyper::TrainerAxes {
                lr: Some("0.5,2".parse().unwrap()),
                ..Default::default()
            },
            init: [
                "lesson",
                "uniform:1",
                "symmetric:1",
                "near-symmetric:1:1e-3",
                "normal:0.5",
            ]
            .map(|s| s.parse().unwrap())
            .to_vec(),
            seeds: 37,
            ..Default::default()
        });
        let n = plan.total_runs;
        // Whole, and ranges that start and end off the streams' groups of STREAMS.
        for runs in [0..n, 3..20, 5..6, 74..74, n - 9..n] {
            let mut nets = Vec::new();
            plan.nets_into(runs.clone(), &mut nets);
            let one: Vec<Net> = runs.clone().map(|r| plan.net(r)).collect();
            assert_eq!(nets, one, "runs {runs:?}");
        }
    }

    #[test]
    fn curve_epochs_are_sorted_and_bounded() {
        for e in [1, 2, 10, 4001, 100_000] {
            let v = curve_epochs(e);
            assert!(v.windows(2).all(|w| w[0] < w[1]));
            assert_eq!((v[0], *v.last().unwrap()), (0, e));
        }
    }
}
