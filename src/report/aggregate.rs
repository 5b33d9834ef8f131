//! Streaming aggregation of a sweep, one chunk at a time in run order, into what the reports
//! show per cell. Memory is bounded by one cell, not by the sweep: a cell is a contiguous run
//! range, so chunks arrive cell by cell and each cell is summarised and dropped as it completes.
//!
//! Exact where it is cheap to be: solved counts, Wilson intervals, and the quartiles of final
//! loss, solved epoch and hidden gap (one f64/u32 per net of the current cell). The curve bands
//! come from the chunks' mergeable histograms ([`crate::sketch`]), whose merging is integer
//! addition, so the result is the same in any thread count, chunk size or shard split.

use super::stats::{
    CellSummary, CurveBand, median, median_ci95, quartiles, quartiles_of_sorted, sort_epochs,
    wilson_95,
};
use crate::sketch::{Dense, Histogram};
use crate::sweep::chunk::ChunkData;
use crate::sweep::plan::{Cell, Plan};
use crate::train::{Curve, Outcome};

/// Everything the reports need about one finished cell.
#[derive(Clone, Debug)]
pub struct CellResult {
    pub summary: CellSummary,
    pub band: CurveBand,
    /// The cell's first net (replicate 0): its run, outcome and exact curve.
    pub example: Example,
    /// The cell's first net that solved XOR and its first that did not, each when it is not the
    /// first net (the report's explorer steps to them and retrains them from their initial
    /// weights).
    pub first_solved: Option<(u64, Outcome)>,
    pub first_failed: Option<(u64, Outcome)>,
}

#[derive(Clone, Debug)]
pub struct Example {
    pub run: u64,
    pub outcome: Outcome,
    pub curve: Curve,
}

/// One cell being filled.
struct Filling {
    cell: Cell,
    final_loss: Vec<f64>,
    final_mse: Vec<f64>,
    solved_epoch: Vec<u32>,
    target_epoch: Vec<u32>,
    hidden_gap: Vec<f64>,
    diverged: u64,
    first: Option<Outcome>,
    first_curve: Option<Curve>,
    first_solved: Option<(u64, Outcome)>,
    first_failed: Option<(u64, Outcome)>,
    /// Per logged epoch, the chunks' histograms added up (counts over the range touched).
    loss: Vec<Dense>,
    gap: Vec<Dense>,
}

impl Filling {
    fn new(cell: &Cell, n_log: usize) -> Filling {
        // Sizes are checked against memory before a sweep starts (largest cell × 20 bytes).
        let n = cell.nets as usize;
        Filling {
            cell: cell.clone(),
            final_loss: Vec::with_capacity(n),
            final_mse: Vec::with_capacity(n),
            solved_epoch: Vec::new(),
            target_epoch: Vec::new(),
            hidden_gap: Vec::with_capacity(n),
            diverged: 0,
            first: None,
            first_curve: None,
            first_solved: None,
            first_failed: None,
            loss: vec![Dense::default(); n_log],
            gap: vec![Dense::default(); n_log],
        }
    }

    fn finish(self, log_epochs: &[u32], tracks_target: bool) -> CellResult {
        let nets = self.final_loss.len() as u64;
        let solved = self.solved_epoch.len() as u64;
        let mut solved_sorted = self.solved_epoch;
        sort_epochs(&mut solved_sorted);
        let summary = CellSummary {
            cell: self.cell.clone(),
            nets,
            solved,
            wilson: wilson_95(solved, nets),
            solved_epoch: quartiles_of_sorted(&solved_sorted),
            solved_epoch_median_ci95: median_ci95(&solved_sorted),
            best_final_loss: self
                .final_loss
                .iter()
                .copied()
                .filter(|x| !x.is_nan())
                .fold(f64::INFINITY, f64::min),
            final_loss: quartiles(self.final_loss),
            final_mse_median: median(self.final_mse),
            diverged: self.diverged,
            median_hidden_gap: median(self.hidden_gap),
            target: tracks_target.then(|| {
                let reached = self.target_epoch.len() as u64;
                let epochs = self.target_epoch.iter().map(|&e| f64::from(e)).collect();
                (reached, median(epochs))
            }),
        };
        let n = nets.max(1) as f64;
        let band = CurveBand {
            loss: self.loss.into_iter().map(quartiles_of).collect(),
            gap: self.gap.into_iter().map(quartiles_of).collect(),
            solved: log_epochs
                .iter()
                .map(|&e| solved_sorted.partition_point(|&s| s <= e) as f64 / n)
                .collect(),
        };
        let example = Example {
            run: self.cell.first_run,
            outcome: self.first.expect("a finished cell has its first net"),
            curve: self
                .first_curve
                .expect("the chunk with a cell's first net carries its curve"),
        };
        // Only nets other than the first: the first is `example` already.
        let other = |n: Option<(u64, Outcome)>| n.filter(|(run, _)| *run != example.run);
        CellResult {
            summary,
            band,
            first_solved: other(self.first_solved),
            first_failed: other(self.first_failed),
            example,
        }
    }
}

/// The quartiles of a cell's added-up counts.
fn quartiles_of(mut counts: Dense) -> [f64; 3] {
    let mut h = Histogram::default();
    counts.take_into(&mut h);
    h.quartiles()
}

/// Folds chunks, in run order, into finished cells.
pub struct Aggregator<'a> {
    plan: &'a Plan,
    filling: Option<Filling>,
    done: Vec<CellResult>,
}

impl<'a> Aggregator<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        Aggregator {
            plan,
            filling: None,
            done: Vec::new(),
        }
    }

    /// Add the next chunk (chunks must come in run order, each exactly once).
    pub fn add(&mut self, chunk: &ChunkData) {
        let n_log = self.plan.train.log_epochs.len();
        let mut run = chunk.runs.start;
        let mut nets = chunk.nets.iter();
        for part in &chunk.cells {
            let cell = &self.plan.cells[part.cell];
            if self
                .filling
                .as_ref()
                .is_none_or(|f| f.cell.index != cell.index)
            {
                debug_assert!(self.filling.is_none(), "cells complete in order");
                self.filling = Some(Filling::new(cell, n_log));
            }
            let f = self.filling.as_mut().expect("set above");
            for (acc, h) in f.loss.iter_mut().zip(&part.loss) {
                acc.add(h);
            }
            for (acc, h) in f.gap.iter_mut().zip(&part.gap) {
                acc.add(h);
            }
            if let Some(curve) = &part.first_net {
                f.first_curve = Some(curve.clone());
            }
            let end = (cell.first_run + cell.nets).min(chunk.runs.end);
            for outcome in nets.by_ref().take((end - run) as usize) {
                f.final_loss.push(outcome.final_loss);
                f.final_mse.push(outcome.final_mse);
                f.hidden_gap.push(outcome.hidden_gap);
                if let Some(e) = outcome.solved_epoch {
                    f.solved_epoch.push(e);
                }
                if let Some(e) = outcome.target_epoch {
                    f.target_epoch.push(e);
                }
                f.diverged += u64::from(outcome.diverged);
                if run == cell.first_run {
                    f.first = Some(outcome.clone());
                }
                let slot = if outcome.solved_epoch.is_some() {
                    &mut f.first_solved
                } else {
                    &mut f.first_failed
                };
                if slot.is_none() {
                    *slot = Some((run, outcome.clone()));
                }
                run += 1;
            }
            if end == cell.first_run + cell.nets {
                let f = self.filling.take().expect("set above");
                self.done.push(f.finish(
                    &self.plan.train.log_epochs,
                    self.plan.train.target_loss.is_some(),
                ));
            }
        }
    }

    /// The finished cells, in cell order.
    pub fn finish(self) -> Vec<CellResult> {
        debug_assert!(self.filling.is_none(), "every cell's chunks were added");
        self.done
    }
}
