//! What a sweep found, for the terminal (and as JSON with `--json`): per init, the learning rates
//! tied with the best one (the report's honest headline, [`Group::verdict`]), the solved share
//! with its 95 % interval, the fastest tied rate's median epochs to solve, and the diverged count.

use std::fmt::Write;

use serde::Serialize;

use super::charts::data::{ChartData, Group};
use crate::format::significant;

/// One init's line of the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InitSummary {
    /// The scheme as `--init` spells it.
    pub init: String,
    pub nets: u64,
    pub solved: u64,
    pub diverged: u64,
    /// The learning rate with the highest solved share, with that share and its 95 % interval.
    pub best_lr: Option<f64>,
    pub best_solved_fraction: Option<f64>,
    pub best_ci95: Option<(f64, f64)>,
    /// Every learning rate whose interval overlaps the best one's, ascending.
    pub tied_lrs: Vec<f64>,
    /// Lowest and highest solved share among them.
    pub tied_solved_range: Option<(f64, f64)>,
    /// The tied rate with the lowest median epochs to solve, and that median.
    pub fastest_lr: Option<f64>,
    pub fastest_median_solved_epoch: Option<f64>,
}

fn summarize_group(g: &Group) -> InitSummary {
    let sum = |f: &dyn Fn(&&super::charts::data::Cell) -> u64| g.cells.iter().map(f).sum();
    let v = g.verdict();
    InitSummary {
        init: g.scheme.label(),
        nets: sum(&|c| c.nets),
        solved: sum(&|c| c.solved),
        diverged: sum(&|c| c.diverged),
        best_lr: v.as_ref().map(|v| v.best.lr),
        best_solved_fraction: v.as_ref().map(|v| v.best.solved_fraction),
        best_ci95: v.as_ref().map(|v| v.best.solved_ci95),
        tied_lrs: v
            .as_ref()
            .map(|v| v.tied.iter().map(|c| c.lr).collect())
            .unwrap_or_default(),
        tied_solved_range: v.as_ref().map(|v| v.share_range()),
        fastest_lr: v.as_ref().map(|v| v.fastest.lr),
        fastest_median_solved_epoch: v.as_ref().and_then(|v| v.fastest.solved_epoch[1]),
    }
}

/// The summary of every init, in the sweep's order.
pub fn summarize(data: &ChartData) -> Vec<InitSummary> {
    data.groups().iter().map(summarize_group).collect()
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// The summary as a table a terminal shows in ~100 columns, one line per init.
pub fn render(rows: &[InitSummary]) -> String {
    let head = [
        "init",
        "solved",
        "tied-best learning rates",
        "solve there",
        "fastest of them (median epochs to solve)",
    ];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let solved = format!("{}/{}", r.solved, r.nets)
                + &if r.diverged > 0 {
                    format!(", {} diverged", r.diverged)
                } else {
                    String::new()
                };
            let (rates, share, fastest) = match (r.tied_solved_range, r.fastest_lr) {
                (Some((a, b)), Some(fast)) => {
                    let lrs = &r.tied_lrs;
                    let rates = if lrs.len() == 1 {
                        significant(lrs[0], 3)
                    } else {
                        format!(
                            "{}–{} ({} rates)",
                            significant(lrs[0], 3),
                            significant(lrs[lrs.len() - 1], 3),
                            lrs.len()
                        )
                    };
                    let share = if pct(a) == pct(b) {
                        pct(a)
                    } else {
                        format!("{}–{}", pct(a).trim_end_matches('%'), pct(b))
                    };
                    let fastest = match r.fastest_median_solved_epoch {
                        Some(m) => format!("{} ({m:.0})", significant(fast, 3)),
                        None => significant(fast, 3),
                    };
                    (rates, share, fastest)
                }
                _ => ("none solved XOR".to_string(), String::new(), String::new()),
            };
            [r.init.clone(), solved, rates, share, fastest]
        })
        .collect();
    let width: Vec<usize> = (0..5)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([head[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: &[String; 5]| {
        let mut l = String::from(" ");
        for (i, x) in c.iter().enumerate() {
            let pad = width[i] - x.chars().count();
            let _ = write!(l, " {x}{}", " ".repeat(pad));
            l.push(' ');
        }
        l.trim_end().to_string() + "\n"
    };
    let mut s = String::from(
        "what the sweep found (tied-best: the learning rates whose 95% interval of the solved share overlaps the best one's):\n",
    );
    s.push_str(&line(&head.map(String::from)));
    for c in &cells {
        s.push_str(&line(c));
    }
    s
}
