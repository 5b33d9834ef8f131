//! The per-cell CSV exporters: summary.csv (one row per cell), curves.csv (loss and hidden gap at
//! logged epochs) and examples.csv (example nets of each cell). Each returns bytes; `report::render`
//! collects them and the pipeline decides where they go. runs.csv, one row per net, is streamed
//! by the pipeline through [`super::schema`].
//!
//! The rows are [`super::schema`]'s structs: numbers round-trip exactly, "never" and "not
//! applicable" are empty cells, booleans are 0/1 so a spreadsheet reads them as numbers.

use super::aggregate::{CellResult, Example};
use super::schema::{
    CurveRow, ExampleRow, ROLE_FIRST, ROLE_FIRST_FAILED, ROLE_FIRST_SOLVED, SummaryRow,
    TrainerColumns, write_csv,
};
use super::stats::{CellSummary, CurveBand};
use crate::sweep::plan::{Cell, Plan};
use crate::train::Outcome;

pub fn summary_csv(rows: &[CellSummary]) -> Vec<u8> {
    let finite = |x: f64| (!x.is_nan()).then_some(x);
    write_csv(rows.iter().map(|s| {
        let (hyper, options) = (s.cell.hyper(), s.cell.setting.options);
        SummaryRow {
            cell: s.cell.index as u64,
            init: s.cell.init.name().to_string(),
            scale: s.cell.init.scale(),
            eps: s.cell.init.eps(),
            lr: s.cell.lr,
            nets: s.nets,
            solved: s.solved,
            solved_fraction: s.solved_fraction(),
            solved_ci95_low: s.wilson.0,
            solved_ci95_high: s.wilson.1,
            solved_epoch_q1: finite(s.solved_epoch[0]),
            solved_epoch_median: finite(s.solved_epoch[1]),
            solved_epoch_q3: finite(s.solved_epoch[2]),
            final_loss_q1: Some(s.final_loss[0]),
            final_loss_median: Some(s.final_loss[1]),
            final_loss_q3: Some(s.final_loss[2]),
            final_loss_best: Some(s.best_final_loss),
            median_hidden_gap: Some(s.median_hidden_gap),
            diverged: s.diverged,
            label: s.cell.label(),
            target_reached: s.target.map(|t| t.0),
            target_reached_fraction: s.target.map(|t| t.0 as f64 / s.nets as f64),
            target_epoch_median: s.target.and_then(|t| finite(t.1)),
            final_mse_median: Some(s.final_mse_median),
            solved_epoch_median_ci95_low: s.solved_epoch_median_ci95.map(|c| c.0),
            solved_epoch_median_ci95_high: s.solved_epoch_median_ci95.map(|c| c.1),
            ..SummaryRow::trained_with(&TrainerColumns::of(&hyper, options))
        }
    }))
}

/// One curve to write: a cell's band, one net's curve, or the dense baseline.
pub enum CurveRows<'a> {
    Cell {
        summary: &'a CellSummary,
        band: &'a CurveBand,
    },
    Net {
        cell: &'a Cell,
        example: &'a Example,
    },
    /// The lesson's run at η = 2.0 from the reference trainer, every epoch.
    Baseline {
        epochs: &'a [u32],
        loss: &'a [f64],
        gap: &'a [f64],
    },
}

pub fn curves_csv(plan: &Plan, curves: &[CurveRows]) -> Vec<u8> {
    let epochs = &plan.train.log_epochs;
    // A row's identity: kind, cell, run, epoch; its values are set by the kind below.
    let row = |kind: &str, cell: Option<&Cell>, run: Option<u64>, epoch: u32| CurveRow {
        kind: kind.to_string(),
        cell: cell.map(|c| c.index as u64),
        label: cell.map_or_else(
            || {
                format!(
                    "lesson @ lr {} (reference trainer)",
                    crate::baseline::LESSON_LR
                )
            },
            Cell::label,
        ),
        init: cell.map_or("lesson", |c| c.init.name()).to_string(),
        scale: cell.and_then(|c| c.init.scale()),
        eps: cell.and_then(|c| c.init.eps()),
        lr: cell.map_or(crate::baseline::LESSON_LR, |c| c.lr),
        run,
        epoch,
        loss_median: None,
        loss_q1: None,
        loss_q3: None,
        hidden_gap_median: None,
        hidden_gap_q1: None,
        hidden_gap_q3: None,
        solved_fraction: None,
        net_loss: None,
        net_hidden_gap: None,
    };
    let mut rows = Vec::new();
    for c in curves {
        match c {
            CurveRows::Cell { summary, band } => {
                for (j, &e) in epochs.iter().enumerate() {
                    let (l, g) = (band.loss[j], band.gap[j]);
                    rows.push(CurveRow {
                        loss_median: Some(l[1]),
                        loss_q1: Some(l[0]),
                        loss_q3: Some(l[2]),
                        hidden_gap_median: Some(g[1]),
                        hidden_gap_q1: Some(g[0]),
                        hidden_gap_q3: Some(g[2]),
                        solved_fraction: Some(band.solved[j]),
                        ..row("cell", Some(&summary.cell), None, e)
                    });
                }
            }
            CurveRows::Net { cell, example } => {
                for (j, &e) in epochs.iter().enumerate() {
                    rows.push(CurveRow {
                        net_loss: Some(example.curve.loss[j]),
                        net_hidden_gap: Some(example.curve.gap[j]),
                        ..row("net", Some(cell), Some(example.run), e)
                    });
                }
            }
            CurveRows::Baseline { epochs, loss, gap } => {
                for ((&e, &l), &g) in epochs.iter().zip(*loss).zip(*gap) {
                    rows.push(CurveRow {
                        net_loss: Some(l),
                        net_hidden_gap: Some(g),
                        ..row("baseline", None, None, e)
                    });
                }
            }
        }
    }
    write_csv(rows)
}

/// examples.csv: the first net of every cell (its replicate 0) with its initial and final
/// weights, so that charts such as the decision boundaries can be redrawn from the CSV files alone
/// and the report can retrain it; after it, the cell's first net that solved XOR and its first that
/// did not, when those are other nets (`role`).
pub fn examples_csv(plan: &Plan, cells: &[CellResult]) -> Vec<u8> {
    write_csv(cells.iter().flat_map(|c| {
        let cell = &c.summary.cell;
        let first = (ROLE_FIRST, c.example.run, &c.example.outcome);
        let others = [
            (ROLE_FIRST_SOLVED, c.first_solved.as_ref()),
            (ROLE_FIRST_FAILED, c.first_failed.as_ref()),
        ]
        .into_iter()
        .filter_map(|(role, n)| n.map(|(run, o)| (role, *run, o)));
        std::iter::once(first)
            .chain(others)
            .map(move |(role, run, o)| example_row(plan, cell, role, run, o))
    }))
}

fn example_row(plan: &Plan, cell: &Cell, role: &str, run: u64, o: &Outcome) -> ExampleRow {
    let p = o.params.0;
    let i = plan.initial_params(cell.init, run).0;
    let (hyper, options) = (cell.hyper(), cell.setting.options);
    ExampleRow {
        run,
        cell: cell.index as u64,
        init: cell.init.name().to_string(),
        scale: cell.init.scale(),
        eps: cell.init.eps(),
        lr: cell.lr,
        w11: p[0],
        w12: p[1],
        b1: p[2],
        w21: p[3],
        w22: p[4],
        b2: p[5],
        v1: p[6],
        v2: p[7],
        c: p[8],
        final_loss: o.final_loss,
        correct: o.correct,
        solved_epoch: o.solved_epoch.map(u64::from),
        diverged: u8::from(o.diverged),
        role: role.to_string(),
        w11_init: Some(i[0]),
        w12_init: Some(i[1]),
        b1_init: Some(i[2]),
        w21_init: Some(i[3]),
        w22_init: Some(i[4]),
        b2_init: Some(i[5]),
        v1_init: Some(i[6]),
        v2_init: Some(i[7]),
        c_init: Some(i[8]),
        ..ExampleRow::trained_with(&TrainerColumns::of(&hyper, options))
    }
}
