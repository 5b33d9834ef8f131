//! The dry run's calibration: the sweep in miniature, timed. Its grid is the sweep's own (every
//! cell: each init, rate and trainer setting), with a few nets per cell instead of `--seeds`;
//! each trainer setting's nets are trained apart, on all the sweep's threads, through the code a
//! chunk is trained with ([`work::train_runs`], then the chunk file's bytes and the runs file's
//! rows), so that each setting gets its own cost: a tanh net costs 3–4× a sigmoid one, and a
//! momentum net more than a plain one.
//!
//! Why a ladder of epochs: a net's cost is a fixed part (its weights, curves, sketches, rows) and
//! a part per epoch. Passes of 16, 64, 256, … epochs run until one takes about [`PASS_SECONDS`]
//! (or reaches the sweep's epochs); the top is then repeated [`REPEATS`] times, and the two top
//! rungs give both parts, so a sweep of many epochs is extrapolated along a line, not by a
//! proportion. The repeats' spread says how steady the machine was.
//!
//! The reports are then drawn from the top pass's cells, by the code that draws the sweep's
//! ([`super::super::reports`]): their time is the estimate's fixed cost, and their file names
//! the dry run's list.

use std::ops::Range;
use std::time::Instant;

use rayon::prelude::*;

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
const PASS_SECONDS: f64 = 0.06;
/// Passes at the top rung: their spread is the estimate's range.
pub(super) const REPEATS: usize = 3;
/// The first rung's epochs, each next ×4.
const FIRST_EPOCHS: u32 = 16;
/// Nets per thread and setting the miniature gets at least (a few lane vectors each).
const NETS_PER_THREAD: u64 = 64;

/// What the calibration measured.
pub(super) struct Calibration {
    /// Per repeat, per setting: seconds one thread spends on one net of that setting over the
    /// sweep's epochs, while every thread trains.
    pub per_net: Vec<Vec<f64>>,
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
    /// Seconds per net of folding the chunks into the aggregates (on the consumer's thread).
    pub aggregate_per_net: f64,
    /// Seconds drawing every report took (the miniature's cells are the sweep's).
    pub seconds: f64,
    /// The reports' file names, in the order they are written.
    pub files: Vec<&'static str>,
}

/// One pass: per setting, seconds per net of one thread; the chunks it trained (in run order);
/// its wall time.
struct Pass {
    per_net: Vec<f64>,
    data: Vec<ChunkData>,
    wall: f64,
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
/// workers train a chunk: trained, encoded as a chunk file, made into runs-file rows.
fn pass<R: RunsSink>(mini: &Plan, pieces: &[Vec<Piece>], pool: &rayon::ThreadPool) -> Pass {
    let started = Instant::now();
    let which = mini.config.runs_csv;
    let mut per_net = Vec::with_capacity(pieces.len());
    let mut data = Vec::new();
    for setting in pieces {
        let t = Instant::now();
        let trained: Vec<Vec<ChunkData>> = pool.install(|| {
            setting
                .par_iter()
                .map_init(work::Scratch::default, |scratch, piece| {
                    let mut out = Vec::with_capacity(piece.len());
                    for runs in piece {
                        let d = work::train_runs(mini, runs.clone(), scratch);
                        std::hint::black_box((chunk::encode("", 0, &d), R::rows(mini, which, &d)));
                        out.push(d);
                    }
                    out
                })
                .collect()
        });
        // The longest piece sets the wall time: seconds per net of one busy thread.
        let longest = setting.iter().map(nets).max().unwrap_or(1);
        per_net.push(t.elapsed().as_secs_f64() / longest as f64);
        data.extend(trained.into_iter().flatten());
    }
    data.sort_by_key(|d| d.runs.start);
    Pass {
        per_net,
        data,
        wall: started.elapsed().as_secs_f64(),
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
    let pieces = pieces(
        &miniature(plan, seeds, 1),
        &setting_of,
        settings.len(),
        threads,
    );
    let (below, top) = ladder::<R>(plan, seeds, &pieces, &pool);
    let epochs = top[0].0.config.epochs;
    let per_net = top
        .iter()
        .map(|(_, p)| extrapolate(below.as_ref(), (epochs, &p.per_net), plan.config.epochs))
        .collect();
    let (mini, first) = top.into_iter().next().expect("REPEATS > 0");
    let drawn = match charts {
        Some(charts) => Some(draw(&mini, &first.data, charts)?),
        None => None,
    };
    Ok(Calibration {
        per_net,
        setting_of,
        drawn,
        epochs,
        nets: mini.total_runs,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The reports of the miniature `mini` from its chunks `data`, drawn by the sweep's code, timed.
fn draw(mini: &Plan, data: &[ChunkData], charts: &ChartOptions) -> anyhow::Result<Drawn> {
    let t = Instant::now();
    let mut aggregator = Aggregator::new(mini);
    for d in data {
        aggregator.add(d);
    }
    let cells = aggregator.finish();
    let aggregate_per_net = t.elapsed().as_secs_f64() / mini.total_runs.max(1) as f64;
    let t = Instant::now();
    let (files, _) = super::super::reports(mini, &cells, charts)?;
    Ok(Drawn {
        aggregate_per_net,
        seconds: t.elapsed().as_secs_f64(),
        files: files.iter().map(|(name, _)| *name).collect(),
    })
}

/// The ladder's passes: its rungs of ×4 epochs until one takes a quarter of [`PASS_SECONDS`] (or
/// reaches the sweep's epochs), then [`REPEATS`] passes at the epochs that take about
/// [`PASS_SECONDS`]. Returns the highest rung below the top (its epochs and costs per net), if
/// any, and the top passes with their miniatures.
#[allow(clippy::type_complexity)]
fn ladder<R: RunsSink>(
    plan: &Plan,
    seeds: u32,
    pieces: &[Vec<Piece>],
    pool: &rayon::ThreadPool,
) -> (Option<(u32, Vec<f64>)>, Vec<(Plan, Pass)>) {
    let most = plan.config.epochs.max(1);
    let mut rungs: Vec<(u32, Pass)> = Vec::new();
    let mut epochs = FIRST_EPOCHS.min(most);
    loop {
        let p = pass::<R>(&miniature(plan, seeds, epochs), pieces, pool);
        let wall = p.wall;
        rungs.push((epochs, p));
        if epochs == most || wall >= PASS_SECONDS / 4.0 {
            break;
        }
        epochs = epochs.saturating_mul(4).min(most);
    }
    let (last, p) = rungs.last().expect("one rung at least");
    // A rung's time per epoch includes its nets' fixed part: the top lands at or below target.
    let top = (f64::from(*last) * PASS_SECONDS / p.wall.max(1e-6))
        .clamp(f64::from(*last), f64::from(most)) as u32;
    let below = rungs
        .iter()
        .rev()
        .find(|(e, _)| *e < top)
        .map(|(e, p)| (*e, p.per_net.clone()));
    let mut passes: Vec<(Plan, Pass)> = Vec::with_capacity(REPEATS);
    if top == *last {
        let (_, p) = rungs.pop().expect("the last rung");
        passes.push((miniature(plan, seeds, top), p));
    }
    while passes.len() < REPEATS {
        let mini = miniature(plan, seeds, top);
        let p = pass::<R>(&mini, pieces, pool);
        passes.push((mini, p));
    }
    (below, passes)
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
