//! Training one chunk: every net of its run range in lanes, reduced at once to what the sweep
//! keeps — each net's outcome and, per cell, histograms of its curves — so that no per-net curve
//! outlives the chunk.
//!
//! Why blocks: a chunk's curves are 16 bytes per net and logged epoch (loss and hidden gap), 7 MB
//! for 8192 nets × 54 logged epochs, far more than a core's L2 cache, so the kernel's stores and
//! the sketch's reads of them went to memory: the kernel ran ~10 % slower in a sweep than in
//! `bench` and the sketch twice as long (1M-net × 500-epoch f32 sweep, perf, Sapphire Rapids).
//! Trained [`block_nets`] at a time, the curves stay in cache between the two, and the chunk's
//! histograms are the blocks' histograms added up (exact integer counts: the same bytes for any
//! block size). Blocks of 256 KiB, 512 KiB and 1 MiB of curves measured 3.34, 3.28 and 3.19 s of
//! CPU for that sweep (3 runs each): smaller blocks pay more per-block histogram work.

use std::ops::Range;

use super::chunk::{CellPart, ChunkData};
use super::plan::Plan;
use crate::sketch::{Builder, Dense};
use crate::train::Net;
use crate::train::batch::{self, Curves};

/// The curves of one block of nets fit in this many bytes (half a Sapphire Rapids core's L2
/// cache, all of a Zen 5 core's).
const BLOCK_CURVE_BYTES: usize = 1024 << 10;
/// Blocks are whole multiples of the widest lane batch, so that only a chunk's last block (or a
/// change of options) leaves a vector partly empty.
const BLOCK_QUANTUM: usize = 64;

/// Nets trained at a time when `n_log` epochs are logged: as many as keep their curves within
/// [`BLOCK_CURVE_BYTES`], a multiple of [`BLOCK_QUANTUM`], at least one quantum.
pub fn block_nets(n_log: usize) -> usize {
    let per_net = 2 * std::mem::size_of::<f64>() * n_log.max(1);
    (BLOCK_CURVE_BYTES / per_net / BLOCK_QUANTUM * BLOCK_QUANTUM).max(BLOCK_QUANTUM)
}

/// A worker's buffers, reused from chunk to chunk so that training a chunk allocates next to
/// nothing.
#[derive(Default)]
pub struct Scratch {
    sketch: Builder,
    /// The current cell's histograms of loss then hidden gap at each logged epoch, being filled.
    dense: Vec<Dense>,
    nets: Vec<Net>,
    curves: Curves,
}

/// Train chunk `k` of `plan`.
pub fn train_chunk(plan: &Plan, k: u64, scratch: &mut Scratch) -> ChunkData {
    train_runs(plan, plan.chunk_runs(k), scratch)
}

/// Train the nets `runs` of `plan` as a chunk of them is trained (`sweep --dry-run` calibrates
/// on pieces of a plan this way).
pub fn train_runs(plan: &Plan, runs: Range<u64>, scratch: &mut Scratch) -> ChunkData {
    train_in_blocks(plan, runs, scratch, block_nets(plan.train.log_epochs.len()))
}

/// [`train_runs`] with `block` nets trained at a time.
fn train_in_blocks(
    plan: &Plan,
    runs: Range<u64>,
    scratch: &mut Scratch,
    block: usize,
) -> ChunkData {
    assert!(block > 0, "blocks of at least one net");
    let Scratch {
        sketch,
        dense,
        nets: to_train,
        curves,
    } = scratch;
    let n_log = plan.train.log_epochs.len();
    dense.resize_with(2 * n_log, Dense::default);
    let mut nets = Vec::with_capacity((runs.end - runs.start) as usize);
    let mut cells: Vec<CellPart> = Vec::new();
    let mut start = runs.start;
    while start < runs.end {
        let end = (start + block as u64).min(runs.end);
        to_train.clear();
        plan.nets_into(start..end, to_train);
        // Trained straight into the chunk's outcomes: `block` nets appended.
        batch::train_flat(
            plan.config.precision,
            to_train,
            &plan.train,
            &mut nets,
            curves,
        );
        let trained = to_train.len();
        let mut at = 0usize;
        while at < trained {
            let (cell, replicate) = plan.locate(start + at as u64);
            let stop = ((cell.first_run + cell.nets - start) as usize).min(trained);
            if cells.last().is_none_or(|c| c.cell != cell.index) {
                if let Some(done) = cells.last_mut() {
                    settle(dense, done);
                }
                cells.push(CellPart {
                    cell: cell.index,
                    first_net: None,
                    loss: vec![Default::default(); n_log],
                    gap: vec![Default::default(); n_log],
                });
            }
            let part = cells.last_mut().expect("pushed above");
            if replicate == 0 {
                part.first_net = Some(curves.curve(at));
            }
            for j in 0..n_log {
                let (l, g) = curves.at(j);
                sketch.add_all(&l[at..stop]);
                sketch.take_dense(&mut dense[j]);
                sketch.add_all(&g[at..stop]);
                sketch.take_dense(&mut dense[n_log + j]);
            }
            at = stop;
        }
        start = end;
    }
    if let Some(last) = cells.last_mut() {
        settle(dense, last);
    }
    ChunkData { runs, nets, cells }
}

/// Turn the cell's histograms being filled into `part`'s (the dense ones are empty again).
fn settle(dense: &mut [Dense], part: &mut CellPart) {
    let histograms = part.loss.iter_mut().chain(&mut part.gap);
    for (d, h) in dense.iter_mut().zip(histograms) {
        d.take_into(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::chunk::encode;

    #[test]
    fn blocks_keep_curves_within_their_bytes_in_whole_quanta() {
        for n_log in [0, 1, 2, 54, 100, 4001, 100_000] {
            let b = block_nets(n_log);
            assert_eq!(b % BLOCK_QUANTUM, 0, "{n_log} logged epochs: {b} nets");
            assert!(b >= BLOCK_QUANTUM);
            assert!(
                b == BLOCK_QUANTUM || b * 16 * n_log.max(1) <= BLOCK_CURVE_BYTES,
                "{n_log} logged epochs: {b} nets overflow the block"
            );
        }
        assert_eq!(block_nets(54), 1152);
    }

    /// Blocks of any size, cut anywhere across cells and first nets, give the chunk the one-block
    /// run gives: the same outcomes, first curves and histograms.
    #[test]
    fn a_chunk_is_the_same_in_any_blocks() {
        // Cells of 6 and 1 nets (the lesson's), a diverging rate, chunks of 16 nets that split
        // cells and hold several first nets.
        let mut plan = crate::sweep::plan::mixed_plan(6, 60, 16);
        let mut scratch = Scratch::default();
        let mut firsts = 0;
        for precision in [crate::train::Precision::F64, crate::train::Precision::F32] {
            plan.config.precision = precision;
            for k in 0..plan.chunks() {
                let whole =
                    train_in_blocks(&plan, plan.chunk_runs(k), &mut scratch, usize::MAX / 2);
                firsts += whole.cells.iter().filter(|c| c.first_net.is_some()).count();
                for block in [1, 5, 16, 33] {
                    let blocks = train_in_blocks(&plan, plan.chunk_runs(k), &mut scratch, block);
                    // Compared as saved (bit patterns: a diverged net's NaN equals itself).
                    assert!(
                        encode("", k, &blocks) == encode("", k, &whole),
                        "{precision:?} chunk {k} in blocks of {block}"
                    );
                }
            }
        }
        assert!(firsts == 2 * 9 && plan.chunks() > 1, "{firsts} first nets");
    }
}
