//! Training one chunk: every net of its run range in lanes, reduced at once to what the sweep
//! keeps — each net's outcome and, per cell, histograms of its curves — so that no per-net curve
//! outlives the chunk.

use super::chunk::{CellPart, ChunkData};
use super::plan::Plan;
use crate::sketch::Builder;
use crate::train::batch;

/// Train chunk `k` of `plan`. `sketch` is scratch space, reused between chunks.
pub fn train_chunk(plan: &Plan, k: u64, sketch: &mut Builder) -> ChunkData {
    let runs = plan.chunk_runs(k);
    let (inits, lrs): (Vec<_>, Vec<_>) = runs.clone().map(|r| plan.net(r)).unzip();
    let trained = batch::train(plan.config.precision, &inits, &lrs, &plan.train);
    let n_log = plan.train.log_epochs.len();

    let mut cells = Vec::with_capacity(plan.chunk_cells(k).len());
    let mut at = 0usize;
    while at < trained.len() {
        let (cell, replicate) = plan.locate(runs.start + at as u64);
        let end = ((cell.first_run + cell.nets - runs.start) as usize).min(trained.len());
        let mine = &trained[at..end];
        let mut histograms = |value: &dyn Fn(&crate::train::Curve, usize) -> f64| {
            (0..n_log)
                .map(|j| {
                    mine.iter()
                        .for_each(|(_, curve)| sketch.add(value(curve, j)));
                    sketch.take()
                })
                .collect::<Vec<_>>()
        };
        let loss = histograms(&|c, j| c.loss[j]);
        let gap = histograms(&|c, j| c.gap[j]);
        cells.push(CellPart {
            cell: cell.index,
            first_net: (replicate == 0).then(|| mine[0].1.clone()),
            loss,
            gap,
        });
        at = end;
    }
    ChunkData {
        runs,
        nets: trained.into_iter().map(|(outcome, _)| outcome).collect(),
        cells,
    }
}
