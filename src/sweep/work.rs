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
    let (nets, curves) = batch::train_flat(plan.config.precision, &inits, &lrs, &plan.train);
    let n_log = plan.train.log_epochs.len();

    let mut cells = Vec::with_capacity(plan.chunk_cells(k).len());
    let mut at = 0usize;
    while at < nets.len() {
        let (cell, replicate) = plan.locate(runs.start + at as u64);
        let end = ((cell.first_run + cell.nets - runs.start) as usize).min(nets.len());
        let (mut loss, mut gap) = (Vec::with_capacity(n_log), Vec::with_capacity(n_log));
        for j in 0..n_log {
            let (l, g) = curves.at(j);
            l[at..end].iter().for_each(|&x| sketch.add(x));
            loss.push(sketch.take());
            g[at..end].iter().for_each(|&x| sketch.add(x));
            gap.push(sketch.take());
        }
        cells.push(CellPart {
            cell: cell.index,
            first_net: (replicate == 0).then(|| curves.curve(at)),
            loss,
            gap,
        });
        at = end;
    }
    ChunkData { runs, nets, cells }
}
