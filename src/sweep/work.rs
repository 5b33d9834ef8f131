//! Training one chunk: every net of its run range in lanes, reduced at once to what the sweep
//! keeps — each net's outcome and, per cell, histograms of its curves — so that no per-net curve
//! outlives the chunk.

use super::chunk::{CellPart, ChunkData};
use super::plan::Plan;
use crate::sketch::Builder;
use crate::train::Net;
use crate::train::batch::{self, Curves};

/// A worker's buffers, reused from chunk to chunk so that training a chunk allocates next to
/// nothing.
#[derive(Default)]
pub struct Scratch {
    sketch: Builder,
    nets: Vec<Net>,
    curves: Curves,
}

/// Train chunk `k` of `plan`.
pub fn train_chunk(plan: &Plan, k: u64, scratch: &mut Scratch) -> ChunkData {
    let runs = plan.chunk_runs(k);
    let Scratch {
        sketch,
        nets: to_train,
        curves,
    } = scratch;
    to_train.clear();
    to_train.extend(runs.clone().map(|r| plan.net(r)));
    let mut nets = Vec::new();
    batch::train_flat(
        plan.config.precision,
        to_train,
        &plan.train,
        &mut nets,
        curves,
    );
    let n_log = plan.train.log_epochs.len();

    let mut cells = Vec::with_capacity(plan.chunk_cells(k).len());
    let mut at = 0usize;
    while at < nets.len() {
        let (cell, replicate) = plan.locate(runs.start + at as u64);
        let end = ((cell.first_run + cell.nets - runs.start) as usize).min(nets.len());
        let (mut loss, mut gap) = (Vec::with_capacity(n_log), Vec::with_capacity(n_log));
        for j in 0..n_log {
            let (l, g) = curves.at(j);
            sketch.add_all(&l[at..end]);
            loss.push(sketch.take());
            sketch.add_all(&g[at..end]);
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
