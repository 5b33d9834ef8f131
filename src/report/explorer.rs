//! The explorer's data, embedded in report.html as JSON: every cell's curves, its example nets'
//! weights and trainer (which the page retrains, exactly as the reference trainer does), and
//! everything the page shows of them that does not change as a net trains, written here once:
//! the numbers as text (`crate::format`), the colours (`colour::viridis`, and its table for
//! the live decision boundary) and the axes' ranges and ticks (`charts::axis`). The page's
//! script draws the explorer's small panels from these; it draws none of the charts, which are
//! inline SVG from `charts`.

use serde::Serialize;

use super::charts::ChartOptions;
use super::charts::axis::{Axis, Scale};
use super::charts::colour;
use super::charts::data::{Cell, ChartData, Example};
use super::schema::{ROLE_FIRST, TrainerColumns};
use crate::format;
use crate::train::N_PARAMS;

/// A number for the embedded JSON: 4 significant digits (the panels cannot show more), None
/// for NaN and infinities (JSON has no such numbers).
fn j(x: f64) -> Option<f64> {
    x.is_finite()
        .then(|| format!("{x:.3e}").parse().unwrap_or(x))
}

/// "#rrggbb".
fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// An axis as the page's panels draw it: how values map (`lin`, `log`: log10, `epoch`:
/// log10(1 + epoch)), the range in those coordinates, and the ticks with their labels.
#[derive(Serialize)]
struct Frame {
    scale: &'static str,
    lo: f64,
    hi: f64,
    ticks: Vec<(f64, String)>,
    minor: Vec<f64>,
}

impl Frame {
    fn of(a: &Axis) -> Frame {
        Frame {
            scale: match a.scale {
                Scale::Linear => "lin",
                Scale::Log => "log",
                Scale::Epoch => "epoch",
            },
            lo: a.range().start,
            hi: a.range().end,
            ticks: a.ticks().to_vec(),
            minor: a.minor().to_vec(),
        }
    }
}

#[derive(Serialize)]
struct ExampleJson {
    run: u64,
    /// `first`, `first_solved` or `first_failed`.
    role: String,
    /// Final weights, as examples.csv has them (exact).
    p: Vec<Option<f64>>,
    /// Initial weights (exact), when examples.csv has them.
    p0: Option<[f64; N_PARAMS]>,
    /// How it was trained beyond the learning rate, named as examples.csv's columns (and so as
    /// sweep.toml's keys and the flags); absent numbers are the lesson's (`lr` for both layers).
    o: TrainerColumns,
    /// The trainer as a person reads it (`tanh · momentum 0.9`; empty for the lesson's), rates
    /// aside.
    d: String,
    /// Its learning rates as text, where they differ by layer (`2 hidden / 0.5 output`).
    rates: Option<String>,
    solved: Option<u64>,
}

impl ExampleJson {
    fn new(e: &Example) -> ExampleJson {
        let h = e.trainer.hyper(e.lr);
        ExampleJson {
            run: e.run,
            role: if e.role.is_empty() {
                ROLE_FIRST.to_string()
            } else {
                e.role.clone()
            },
            p: e.params
                .iter()
                .map(|x| x.is_finite().then_some(*x))
                .collect(),
            p0: e.init_params.filter(|p| p.iter().all(|x| x.is_finite())),
            o: e.trainer,
            d: e.trainer.setting(e.lr, false).describe(),
            rates: (h.lr_hidden != h.lr_out).then(|| {
                format!(
                    "{} hidden / {} output",
                    format::value(h.lr_hidden),
                    format::value(h.lr_out)
                )
            }),
            solved: e.solved_epoch,
        }
    }
}

#[derive(Serialize)]
struct CellJson {
    id: u64,
    init: String,
    lr: f64,
    /// The learning rate as text.
    lt: String,
    nets: u64,
    solved: u64,
    /// The grid square: its share as text, its colour and its text's colour, its tooltip.
    st: String,
    bg: String,
    fg: String,
    tip: String,
    /// The sentence over the explorer's panels.
    head: String,
    /// Index into the list of distinct epoch grids.
    ei: usize,
    /// The loss panels' y axis (the cell's curves and its example nets' final losses).
    lf: Frame,
    l: Vec<Option<f64>>,
    q1: Vec<Option<f64>>,
    q3: Vec<Option<f64>>,
    s: Vec<Option<f64>>,
    /// The cell's first net, then its first solving and first failing nets if others.
    ex: Vec<ExampleJson>,
}

impl CellJson {
    fn new(c: &Cell, ei: usize, ex: Vec<&Example>) -> CellJson {
        let v = |xs: &[f64]| xs.iter().map(|x| j(*x)).collect::<Vec<_>>();
        let k = &c.curve;
        let losses = k.loss.iter().chain(&k.loss_q1).chain(&k.loss_q3).copied();
        let finals = ex.iter().map(|e| e.final_loss);
        let (lo, hi) =
            super::charts::finite_range(losses.chain(finals), true).unwrap_or((1e-3, 1.0));
        let bg = colour::viridis(c.solved_fraction);
        let lt = format::value(c.lr);
        let label = c.scheme.label();
        let median = c.solved_epoch[1]
            .map(|m| format!("; median epoch of solving {}", format::epochs(m)))
            .unwrap_or_default();
        CellJson {
            id: c.cell,
            head: format!(
                "{label} at learning rate {lt}: {} of {} nets solved XOR ({}, 95% interval {}–{}){median}.",
                c.solved,
                c.nets,
                format::share(c.solved_fraction),
                format::share(c.solved_ci95.0),
                format::share(c.solved_ci95.1),
            ),
            tip: format!(
                "{label} @ learning rate {lt}: {} of {} solved",
                c.solved, c.nets
            ),
            init: label,
            lr: c.lr,
            lt,
            nets: c.nets,
            solved: c.solved,
            st: format::share_short(c.solved_fraction),
            bg: hex(bg),
            fg: hex(colour::text_on(bg)),
            ei,
            lf: Frame::of(&Axis::log(lo * 0.7, hi * 1.5)),
            l: v(&k.loss),
            q1: v(&k.loss_q1),
            q3: v(&k.loss_q3),
            s: v(&k.solved),
            ex: ex.into_iter().map(ExampleJson::new).collect(),
        }
    }
}

#[derive(Serialize)]
struct ExplorerJson {
    /// The lesson's trainer but its rates: what the page's trainer takes where an example's
    /// columns are absent.
    lesson: TrainerColumns,
    epochs: Vec<Vec<f64>>,
    /// Each epoch grid's x axis.
    ef: Vec<Frame>,
    /// The share axis.
    sf: Frame,
    /// Viridis at 0, 1/255, …, 1, for the live decision boundary.
    vir: Vec<[u8; 3]>,
    inits: Vec<String>,
    lrs: Vec<f64>,
    /// The learning rates as text.
    lrs_text: Vec<String>,
    cells: Vec<CellJson>,
    initial: u64,
    /// Which rows runs.csv holds (`all`, `none`, `sample:N`), for the replay command.
    runs_csv: String,
    total_runs: u64,
}

/// The explorer's data: every cell with a curve, its numbers and its example nets' weights.
pub fn json(data: &ChartData, opts: &ChartOptions, sweep_toml: &str) -> Option<String> {
    let mut epochs: Vec<Vec<f64>> = Vec::new();
    let mut cells = Vec::new();
    for c in data.cells.iter().filter(|c| !c.curve.epoch.is_empty()) {
        let ei = match epochs.iter().position(|e| *e == c.curve.epoch) {
            Some(i) => i,
            None => {
                epochs.push(c.curve.epoch.clone());
                epochs.len() - 1
            }
        };
        let ex = data
            .examples
            .iter()
            .chain(&data.other_examples)
            .filter(|e| e.cell == c.cell)
            .collect();
        cells.push(CellJson::new(c, ei, ex));
    }
    let first = cells.first()?.id;
    let mut inits: Vec<String> = Vec::new();
    for c in &cells {
        if !inits.contains(&c.init) {
            inits.push(c.init.clone());
        }
    }
    let mut lrs: Vec<f64> = cells.iter().map(|c| c.lr).collect();
    lrs.sort_by(f64::total_cmp);
    lrs.dedup();
    // Start at the chart init's best cell, as the headline names it.
    let initial = data
        .chart_group(opts.chart_init.as_deref())
        .ok()
        .flatten()
        .and_then(|g| g.verdict().map(|v| v.best.cell))
        .filter(|id| cells.iter().any(|c| c.id == *id))
        .unwrap_or(first);
    let config = sweep_toml.parse::<toml::Table>().ok();
    let json = serde_json::to_string(&ExplorerJson {
        lesson: TrainerColumns::lesson(),
        ef: epochs
            .iter()
            .map(|e| Frame::of(&Axis::epochs(e.last().copied().unwrap_or(1.0))))
            .collect(),
        epochs,
        sf: Frame::of(&Axis::fraction()),
        vir: (0..=255)
            .map(|i| {
                let c = colour::viridis(f64::from(i) / 255.0);
                [c.0, c.1, c.2]
            })
            .collect(),
        inits,
        lrs_text: lrs.iter().map(|&l| format::value(l)).collect(),
        lrs,
        initial,
        runs_csv: config
            .as_ref()
            .and_then(|t| t.get("runs_csv")?.as_str().map(str::to_string))
            .unwrap_or_else(|| "all".into()),
        total_runs: data.cells.iter().map(|c| c.nets).sum(),
        cells,
    })
    .ok()?;
    // "<" only occurs inside JSON strings, where \u003c means the same; so no "</script>".
    Some(json.replace('<', "\\u003c"))
}
