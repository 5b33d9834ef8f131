//! The dry run's calibration: the sweep in miniature, timed. Its grid is the sweep's own (every
//! cell: each init, rate and trainer setting), with a few nets per cell instead of `--seeds`;
//! each trainer setting's nets are trained apart, on all the sweep's threads, through the code a
//! chunk is trained with ([`work::train_runs`], then the chunk file's bytes and the runs file's
//! rows), so that each setting gets its own cost: a tanh net costs 3–5× a sigmoid one (`bench`),
//! and a momentum net more than a plain one.
//!
//! Why a ladder of epochs: a net's cost is a fixed part (its weights, curves, sketches, rows) and
//! a part per epoch. Passes of 16, 64, 256, … epochs run until one keeps a thread busy about
//! half of [`PASS_SECONDS`] (or reaches the sweep's epochs); that sizes the top, a pass of about
//! [`PASS_SECONDS`]. Each of [`REPEATS`] repeats then times a pass of [`FIRST_EPOCHS`] (nearly
//! all fixed part) and the top: the two give both parts, so a sweep of many epochs is
//! extrapolated along a line, not by a proportion.
//!
//! Why CPU time: timed by the wall clock, a pass of 50 ms on a busy machine measures whichever
//! time slices it got (the estimates swung 0.4–2.9× of the real time at a load of 2–8 on 2
//! cores), and a pause of a few ms in the 1 ms pass of 16 epochs threw the line off by 10×. Each
//! piece is timed in its thread's CPU seconds instead: what the sweep costs on an idle machine.
//! How much longer the wall clock took (the slowdown) is kept apart, per repeat: the load of the
//! moment, which the estimate then applies, with its spread as the range.
//!
//! The reports are then drawn from the top pass's cells, by the code that draws the sweep's
//! ([`super::super::reports`]): their time is the estimate's fixed cost, and their file names
//! the dry run's list.

use std::ops::Range;
use std::time::Instant;

use rayon::prelude::*;

use crate::cpu::{process_cpu_seconds, thread_cpu_seconds};
use crate::hyper::Setting;
use crate::report::ChartOptions;
use crate::report::aggregate::Aggregator;
use crate::report::runs::RunsSink;
use crate::sweep::chunk::{self, ChunkData};
use crate::sweep::config::SweepConfig;
use crate::sweep::plan::Plan;
use crate::sweep::work;
use crate::train::batch;

/// About how long the top pass takes (all settings): three of them and the rungs below make
/// the calibration about 0.2 s.
const PASS_SECONDS: f64 = 0.05;
/// Passes at the top rung: their spread is the estimate's range.
pub(super) const REPEATS: usize = 3;
/// The first rung's epochs, each next ×4.
const FIRST_EPOCHS: u32 = 16;
/// Nets per thread and setting the miniature gets at least (a few lane vectors each).
const NETS_PER_THREAD: u64 = 64;
/// How many times the miniature's nets per cell the pass that finds a chunk's work per cell
/// has (at most the sweep's `--seeds`).
const CELL_SPREAD: u32 = 16;

/// What the calibration measured.
pub(super) struct Calibration {
    /// Per repeat, per setting: CPU seconds a thread spends on one net of that setting over the
    /// sweep's epochs, while every thread trains.
    pub per_net: Vec<Vec<f64>>,
    /// Per repeat: how much longer its top pass took than on an idle machine.
    pub slowdown: Vec<f64>,
    /// The setting (index into a row of `per_net`) of each cell.
    pub setting_of: Vec<usize>,
    /// The miniature's reports, for a sweep that writes them.
    pub drawn: Option<Drawn>,
    /// The miniature's epochs at the top rung, and its nets.
    pub epochs: u32,
    pub nets: u64,
    /// How long the calibration took, reports included.
    pub seconds: f64,
}

/// The miniature's reports, drawn as the sweep draws its own.
pub(super) struct Drawn {
    /// Seconds of folding the chunks into the aggregates (on the consumer's thread): the
    /// sweep's too, whose cells these are (a cell's histograms and quartiles cost far more than
    /// its nets' few numbers).
    pub aggregate_seconds: f64,
    /// Seconds drawing every report took (the miniature's cells are the sweep's), and the CPU
    /// seconds of all threads meanwhile (where the platform tells).
    pub seconds: f64,
    pub cpu: Option<f64>,
    /// The reports' file names, in the order they are written.
    pub files: Vec<&'static str>,
}

/// One pass: per setting, CPU seconds per net; the chunks it trained (in run order); the CPU
/// time of its busiest thread per setting, added up (the wall time it would have taken on an
/// idle machine); how much longer its threads took than that (1 when nothing else runs).
struct Pass {
    per_net: Vec<f64>,
    data: Vec<ChunkData>,
    busiest: f64,
    slowdown: f64,
}

/// The cells of each setting, as an index per cell into the list of settings (in the order
/// they first appear).
fn settings_of(plan: &Plan) -> (Vec<Setting>, Vec<usize>) {
    let mut settings: Vec<Setting> = Vec::new();
    let mut of = Vec::with_capacity(plan.cells.len());
    for c in &plan.cells {
        let i = match settings.iter().rposition(|s| *s == c.setting) {
            Some(i) => i,
            None => {
                settings.push(c.setting);
                settings.len() - 1
            }
        };
        of.push(i);
    }
    (settings, of)
}

/// Nets per random cell in the miniature: enough that each setting gives every thread
/// [`NETS_PER_THREAD`] nets, at most the sweep's `--seeds`.
fn mini_seeds(plan: &Plan, setting_of: &[usize], settings: usize, threads: usize) -> u32 {
    let mut random = vec![0u64; settings];
    for (c, &s) in plan.cells.iter().zip(setting_of) {
        random[s] += u64::from(c.init.is_random());
    }
    let fewest = random.into_iter().filter(|&n| n > 0).min().unwrap_or(1);
    let seeds = (NETS_PER_THREAD * threads as u64).div_ceil(fewest);
    seeds.clamp(1, u64::from(plan.config.seeds.max(1))) as u32
}

/// The miniature at `epochs`: the sweep's cells with `seeds` nets per random cell.
fn miniature(plan: &Plan, seeds: u32, epochs: u32) -> Plan {
    Plan::new(SweepConfig {
        seeds,
        epochs,
        ..plan.config.clone()
    })
}

/// Nets of the miniature, as ranges of its runs: what one thread trains.
type Piece = Vec<Range<u64>>;

/// Each setting's nets in `mini`, cut into at most `threads` pieces of whole lane vectors.
fn pieces(mini: &Plan, setting_of: &[usize], settings: usize, threads: usize) -> Vec<Vec<Piece>> {
    let width = batch::lane_width(mini.config.precision) as u64;
    let mut runs: Vec<Piece> = vec![Vec::new(); settings];
    for (c, &s) in mini.cells.iter().zip(setting_of) {
        let r = c.first_run..c.first_run + c.nets;
        match runs[s].last_mut() {
            Some(last) if last.end == r.start => last.end = r.end,
            _ => runs[s].push(r),
        }
    }
    runs.into_iter()
        .map(|ranges| {
            let nets: u64 = ranges.iter().map(|r| r.end - r.start).sum();
            let piece = nets.div_ceil(threads as u64).div_ceil(width).max(1) * width;
            cut(&ranges, piece)
        })
        .collect()
}

/// `ranges` (in order) dealt into pieces of `piece` nets, the last one shorter.
fn cut(ranges: &[Range<u64>], piece: u64) -> Vec<Piece> {
    let mut out: Vec<Piece> = vec![Vec::new()];
    let mut left = piece;
    for r in ranges {
        let mut at = r.start;
        while at < r.end {
            let end = (at + left).min(r.end);
            out.last_mut().expect("never empty").push(at..end);
            left -= end - at;
            at = end;
            if left == 0 {
                out.push(Vec::new());
                left = piece;
            }
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

fn nets(piece: &Piece) -> u64 {
    piece.iter().map(|r| r.end - r.start).sum()
}

/// Train every setting's pieces of `mini` in turn, each on all of `pool`'s threads, as the
/// workers train a chunk: trained, encoded as a chunk file, made into runs-file rows. Each
/// piece is timed in its thread's CPU seconds, which other processes holding the core do not
/// inflate.
fn pass<R: RunsSink>(mini: &Plan, pieces: &[Vec<Piece>], pool: &rayon::ThreadPool) -> Pass {
    let started = Instant::now();
    let mut per_net = Vec::with_capacity(pieces.len());
    let mut data = Vec::new();
    let (mut busiest, mut cpu_all, mut wall_all) = (0.0, 0.0, 0.0);
    for setting in pieces {
        let t = Instant::now();
        let trained: Vec<Trained> = pool.install(|| {
            setting
                .par_iter()
                .map_init(work::Scratch::default, |s, piece| {
                    train::<R>(mini, piece, s)
                })
                .collect()
        });
        let wall = t.elapsed().as_secs_f64();
        let (cost, most) = match trained.iter().map(|t| t.timed).collect::<Option<Vec<_>>>() {
            Some(timed) => {
                let cpu: f64 = timed.iter().map(|t| t.0).sum();
                cpu_all += cpu;
                wall_all += timed.iter().map(|t| t.1).sum::<f64>();
                let all: u64 = setting.iter().map(nets).sum();
                let most = timed.iter().map(|t| t.0).fold(0.0, f64::max);
                (cpu / all.max(1) as f64, most)
            }
            // Where the platform does not tell CPU time: the wall time, which the longest
            // piece sets.
            None => {
                let longest = setting.iter().map(nets).max().unwrap_or(1);
                (wall / longest as f64, wall)
            }
        };
        per_net.push(cost);
        busiest += most;
        data.extend(trained.into_iter().flat_map(|t| t.data));
    }
    data.sort_by_key(|d| d.runs.start);
    // Each thread's own wall time against its CPU time: the share of a core it got (not when
    // the last of them finished, which on a busy machine waits for the one paused longest).
    let slowdown = match cpu_all > 0.0 {
        true => wall_all / cpu_all,
        false => started.elapsed().as_secs_f64() / busiest.max(1e-9),
    };
    Pass {
        per_net,
        data,
        busiest,
        slowdown: slowdown.max(1.0),
    }
}

/// A piece trained: its chunks, and its thread's CPU and wall seconds (where the platform
/// tells CPU time).
struct Trained {
    data: Vec<ChunkData>,
    timed: Option<(f64, f64)>,
}

/// Train `piece` of `mini` as a worker trains a chunk: trained, encoded as a chunk file, made
/// into runs-file rows.
fn train<R: RunsSink>(mini: &Plan, piece: &Piece, scratch: &mut work::Scratch) -> Trained {
    let (t, c0) = (Instant::now(), thread_cpu_seconds());
    let mut data = Vec::with_capacity(piece.len());
    for runs in piece {
        let d = work::train_runs(mini, runs.clone(), scratch);
        let rows = R::rows(mini, mini.config.runs_csv, &d);
        std::hint::black_box((chunk::encode("", 0, &d), rows));
        data.push(d);
    }
    let cpu = c0.zip(thread_cpu_seconds()).map(|(a, b)| b - a);
    Trained {
        data,
        timed: cpu.map(|c| (c, t.elapsed().as_secs_f64())),
    }
}

/// Time the sweep `plan` in miniature on `threads` threads (see the module's doc); `R` is the
/// runs file it writes, `charts` what its charts show (None: it writes no reports, a shard).
pub(super) fn calibrate<R: RunsSink>(
    plan: &Plan,
    threads: usize,
    charts: Option<&ChartOptions>,
) -> anyhow::Result<Calibration> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| {
            crate::error::RuntimeError::new(format!("cannot start {threads} threads: {e}"))
        })?;
    let (settings, setting_of) = settings_of(plan);
    let seeds = mini_seeds(plan, &setting_of, settings.len(), threads);
    let mini = |epochs| miniature(plan, seeds, epochs);
    let pieces = pieces(&mini(1), &setting_of, settings.len(), threads);
    let epochs = top_epochs::<R>(plan.config.epochs, &mini, &pieces, &pool);
    let top = mini(epochs);
    let low = mini(FIRST_EPOCHS.min(epochs));
    let (mut per_net, slowdown, first) =
        repeats::<R>(plan.config.epochs, (&low, &top), &pieces, &pool);
    let cells = per_cell::<R>(plan, (&setting_of, settings.len()), seeds, threads, &pool);
    for costs in &mut per_net {
        for (c, k) in costs.iter_mut().zip(&cells) {
            *c = (*c - k).max(*c / 2.0);
        }
    }
    let drawn = match charts {
        Some(charts) => Some(draw(&top, &first.data, charts)?),
        None => None,
    };
    Ok(Calibration {
        per_net,
        slowdown,
        setting_of,
        drawn,
        epochs,
        nets: top.total_runs,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What the miniature's nets cost beyond the sweep's for the work a chunk does per cell (its
/// curves' histograms, its part of the chunk file), per setting: at `seeds` nets per cell each
/// net carries a `seeds`-th of its cell's work, in the sweep a `--seeds`-th. Found from the
/// cost per net of two passes of [`FIRST_EPOCHS`] epochs, at `seeds` and at [`CELL_SPREAD`]
/// times as many nets per cell (`a + k/s` per net at `s` nets a cell). Without it the default
/// sweep's estimate, whose miniature has one net per cell, came out 9 % long.
fn per_cell<R: RunsSink>(
    plan: &Plan,
    (setting_of, settings): (&[usize], usize),
    seeds: u32,
    threads: usize,
    pool: &rayon::ThreadPool,
) -> Vec<f64> {
    let most = plan.config.seeds.max(1);
    let more = seeds.saturating_mul(CELL_SPREAD).min(most);
    if more <= seeds {
        return vec![0.0; settings];
    }
    let epochs = FIRST_EPOCHS.min(plan.config.epochs.max(1));
    let cost = |s: u32| {
        let mini = miniature(plan, s, epochs);
        pass::<R>(&mini, &pieces(&mini, setting_of, settings, threads), pool).per_net
    };
    let (few, many) = (cost(seeds), cost(more));
    let seeds = [seeds, more, most].map(f64::from);
    few.iter()
        .zip(&many)
        .map(|(&u0, &u1)| excess((u0, u1), seeds))
        .collect()
}

/// Per net `u0` at `s0` nets a cell and `u1` at `s1`, a cost `a + k/s` per net: what a net at
/// `s0` carries of `k` beyond a net at `sweep`'s.
fn excess((u0, u1): (f64, f64), [s0, s1, sweep]: [f64; 3]) -> f64 {
    let k = ((u0 - u1) / (1.0 / s0 - 1.0 / s1)).max(0.0);
    k / s0 - k / sweep
}

/// The [`REPEATS`] repeats: each times a pass of `low` (unless it is the top) and one of `top`,
/// and gives each setting's CPU seconds per net at `epochs` and the top pass's slowdown.
/// Returns those and the first top pass.
#[allow(clippy::type_complexity)]
fn repeats<R: RunsSink>(
    epochs: u32,
    (low, top): (&Plan, &Plan),
    pieces: &[Vec<Piece>],
    pool: &rayon::ThreadPool,
) -> (Vec<Vec<f64>>, Vec<f64>, Pass) {
    let (e0, e1) = (low.config.epochs, top.config.epochs);
    let mut per_net = Vec::with_capacity(REPEATS);
    let mut slowdown = Vec::with_capacity(REPEATS);
    let mut first = None;
    for _ in 0..REPEATS {
        let below = (e0 < e1).then(|| (e0, pass::<R>(low, pieces, pool).per_net));
        let p = pass::<R>(top, pieces, pool);
        per_net.push(extrapolate(below.as_ref(), (e1, &p.per_net), epochs));
        slowdown.push(p.slowdown);
        first.get_or_insert(p);
    }
    (per_net, slowdown, first.expect("REPEATS > 0"))
}

/// The epochs of the miniature's top passes: its rungs of ×4 epochs from [`FIRST_EPOCHS`] run
/// until one keeps its busiest threads busy half of [`PASS_SECONDS`] in CPU time (they warm the
/// threads and caches up too); the top is then the epochs that take about [`PASS_SECONDS`] by
/// the last rung's speed (a rung's time per epoch includes its nets' fixed part, so the top
/// lands at or below it), at most the sweep's `most`.
fn top_epochs<R: RunsSink>(
    most: u32,
    mini: &dyn Fn(u32) -> Plan,
    pieces: &[Vec<Piece>],
    pool: &rayon::ThreadPool,
) -> u32 {
    let most = most.max(1);
    let mut epochs = FIRST_EPOCHS.min(most);
    loop {
        let busy = pass::<R>(&mini(epochs), pieces, pool).busiest;
        if epochs == most || busy >= PASS_SECONDS / 2.0 {
            let top = f64::from(epochs) * PASS_SECONDS / busy.max(1e-6);
            return top.clamp(f64::from(FIRST_EPOCHS.min(most)), f64::from(most)) as u32;
        }
        epochs = epochs.saturating_mul(4).min(most);
    }
}

/// The reports of the miniature `mini` from its chunks `data`, drawn by the sweep's code, timed.
fn draw(mini: &Plan, data: &[ChunkData], charts: &ChartOptions) -> anyhow::Result<Drawn> {
    let t = Instant::now();
    let mut aggregator = Aggregator::new(mini);
    for d in data {
        aggregator.add(d);
    }
    let cells = aggregator.finish();
    let aggregate_seconds = t.elapsed().as_secs_f64();
    let (t, c0) = (Instant::now(), process_cpu_seconds());
    let (files, _) = super::super::reports(mini, &cells, charts)?;
    Ok(Drawn {
        aggregate_seconds,
        seconds: t.elapsed().as_secs_f64(),
        cpu: c0.zip(process_cpu_seconds()).map(|(a, b)| b - a),
        files: files.iter().map(|(name, _)| *name).collect(),
    })
}

/// Each setting's seconds per net at `epochs`, along the line through a lower rung's costs and
/// the top's (a net's fixed part and its part per epoch); the top's own where there is no lower
/// rung, or `epochs` is the top's.
fn extrapolate(below: Option<&(u32, Vec<f64>)>, top: (u32, &[f64]), epochs: u32) -> Vec<f64> {
    let (e1, u1) = top;
    match below {
        Some((e0, u0)) if epochs > e1 => u0
            .iter()
            .zip(u1)
            .map(|(&a, &b)| {
                let per_epoch = ((b - a) / f64::from(e1 - e0)).max(0.0);
                b + per_epoch * f64::from(epochs - e1)
            })
            .collect(),
        _ => u1
            .iter()
            .map(|&b| b * f64::from(epochs.max(1)) / f64::from(e1.max(1)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces deal the ranges out in order, every net once, in whole `piece`s but the last.
    #[test]
    fn pieces_cover_each_net_once_in_whole_pieces() {
        let ranges = [0..5, 9..30, 40..41];
        let pieces = cut(&ranges, 8);
        let flat: Vec<u64> = pieces.iter().flatten().flat_map(|r| r.clone()).collect();
        let want: Vec<u64> = ranges.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(flat, want);
        let sizes: Vec<u64> = pieces.iter().map(nets).collect();
        assert_eq!(sizes, [8, 8, 8, 3]);
        assert_eq!(pieces[0], [0..5, 9..12]);
    }

    /// Each setting of an options grid gets its own pieces, about one per thread, of its own
    /// cells' nets only.
    #[test]
    fn each_setting_is_calibrated_apart() {
        let mut plan = crate::sweep::plan::mixed_plan(6, 60, 16);
        plan.config.trainer.momentum = Some("0,0.9".parse().unwrap());
        let plan = Plan::new(plan.config);
        let (settings, of) = settings_of(&plan);
        assert_eq!(settings.len(), 2);
        let seeds = mini_seeds(&plan, &of, 2, 2);
        // 6 random cells per setting, 64 nets per thread and setting: 22 a cell, more than its 6.
        assert_eq!(seeds, 6);
        let mini = miniature(&plan, seeds, 1);
        let p = pieces(&mini, &of, 2, 2);
        for (s, pieces) in p.iter().enumerate() {
            assert!(pieces.len() <= 2, "{pieces:?}");
            for run in pieces.iter().flatten().flat_map(|r| r.clone()) {
                assert_eq!(of[mini.locate(run).0.index], s);
            }
        }
        let all: u64 = p.iter().flatten().map(nets).sum();
        assert_eq!(all, mini.total_runs);
    }

    /// 1 s a net and 8 s a cell: 9 s a net at one net a cell, 1.5 s at 16; at 200 a net
    /// carries 0.04 s of its cell, 7.96 s less than at one.
    #[test]
    fn a_cells_work_is_told_from_its_nets() {
        let x = excess((9.0, 1.5), [1.0, 16.0, 200.0]);
        assert!((x - 7.96).abs() < 1e-12, "{x}");
        assert_eq!(
            excess((1.0, 1.2), [1.0, 16.0, 200.0]),
            0.0,
            "noise is no saving"
        );
    }

    /// Along the line through two rungs: 1 s fixed + 1 ms per epoch, known at 100 and 400.
    #[test]
    fn costs_extend_along_a_line() {
        let below = (100, vec![1.1, 2.0]);
        let top = [1.4, 2.0];
        let at = extrapolate(Some(&below), (400, &top), 1400);
        assert!((at[0] - 2.4).abs() < 1e-12 && at[1] == 2.0, "{at:?}");
        assert_eq!(extrapolate(Some(&below), (400, &top), 400), top);
        assert_eq!(extrapolate(None, (400, &top), 800), [2.8, 4.0]);
    }
}
