//! From the calibration's costs to the sweep's time: the sweep's own chunks dealt to its threads
//! as the workers take them (the next chunk to the first free thread), each chunk costing its
//! nets at their setting's cost, plus the reports. Chunks are modelled, not nets spread evenly,
//! because a sweep of few chunks leaves threads idle at its end (8 chunks on 16 threads use 8),
//! and because settings cluster: an options sweep's tanh nets fill its last chunks.

use crate::report::stats::median;
use std::ops::Range;

use super::calibrate::Calibration;
use crate::sweep::plan::Plan;

/// Seconds the sweep `plan` should take to train its chunks `mine` on `threads` threads when a
/// net of setting `s` costs a thread `per_net[s]` seconds (`setting_of` per cell).
pub(super) fn training_seconds(
    plan: &Plan,
    mine: Range<u64>,
    threads: usize,
    setting_of: &[usize],
    per_net: &[f64],
) -> f64 {
    let mut free = vec![0.0f64; threads.max(1)];
    for k in mine {
        let cost: f64 = plan
            .chunk_cells(k)
            .zip(plan.chunk_parts(k))
            .map(|(cell, (nets, _))| nets as f64 * per_net[setting_of[cell]])
            .sum();
        let first = free
            .iter_mut()
            .min_by(|a, b| a.total_cmp(b))
            .expect("one thread at least");
        *first += cost;
    }
    free.into_iter().fold(0.0, f64::max)
}

/// The sweep's time per repeat, on an idle machine and at the repeat's slowdown: training (see
/// [`training_seconds`]), then folding every net into the aggregates and drawing the reports
/// (measured once, on the wall clock: taken back to an idle machine by the median slowdown).
pub(super) struct Times {
    pub idle: Vec<f64>,
    pub loaded: Vec<f64>,
    /// Of each idle time, the reports' part.
    pub reports: f64,
    /// The median slowdown by other processes (the sweep's own threads beyond the cores left
    /// out).
    pub slowdown: f64,
}

pub(super) fn times(plan: &Plan, mine: Range<u64>, threads: usize, cal: &Calibration) -> Times {
    // More threads than cores share them even on an idle machine: that part of the slowdown is
    // the sweep's own, and its threads' speed on an idle machine.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let shared = (threads as f64 / cores as f64).max(1.0);
    let slowdown: Vec<f64> = cal.slowdown.iter().map(|s| (s / shared).max(1.0)).collect();
    let median_slowdown = median(slowdown.clone());
    // A pause in the one timing of the reports is capped by their CPU time: on an idle machine
    // they take no longer than all their work done on one core.
    let reports = cal.drawn.as_ref().map_or(0.0, |d| {
        let drawing = (d.seconds / median_slowdown).min(d.cpu.unwrap_or(f64::INFINITY));
        drawing + d.aggregate_seconds / median_slowdown
    });
    let idle: Vec<f64> = cal
        .per_net
        .iter()
        .map(|per_net| {
            let per_net: Vec<f64> = per_net.iter().map(|c| c * shared).collect();
            training_seconds(plan, mine.clone(), threads, &cal.setting_of, &per_net) + reports
        })
        .collect();
    let loaded = idle.iter().zip(&slowdown).map(|(t, s)| t * s).collect();
    Times {
        idle,
        loaded,
        reports,
        slowdown: median_slowdown,
    }
}

/// How busy the machine is: its 1-minute load average (Linux's /proc/loadavg; None elsewhere).
pub(super) fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 39 nets in 3 chunks of 13: one thread trains all, two threads take two chunks and one,
    /// more threads than chunks leave some idle; a costlier setting costs its nets more.
    #[test]
    fn chunks_go_to_the_first_free_thread() {
        let plan = crate::sweep::plan::mixed_plan(6, 60, 13);
        assert_eq!((plan.total_runs, plan.chunks()), (39, 3));
        let same = vec![0; plan.cells.len()];
        let time = |threads, of: &[usize], per_net: &[f64]| {
            training_seconds(&plan, 0..3, threads, of, per_net)
        };
        assert_eq!(time(1, &same, &[1.0]), 39.0);
        assert_eq!(time(2, &same, &[1.0]), 26.0);
        assert_eq!(time(8, &same, &[1.0]), 13.0);
        // The last two cells (runs 27..39, in the last chunk with run 26) at 3×: 1 + 36.
        let of: Vec<usize> = plan
            .cells
            .iter()
            .map(|c| usize::from(c.first_run >= 26))
            .collect();
        assert_eq!(time(8, &of, &[1.0, 3.0]), 37.0);
        assert_eq!(time(2, &of, &[1.0, 3.0]), 13.0 + 37.0);
        assert_eq!(time(1, &of, &[1.0, 3.0]), 63.0);
    }
}
