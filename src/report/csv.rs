//! The per-cell CSV exporters: summary.csv (one row per cell), curves.csv (loss and hidden gap at
//! logged epochs) and examples.csv (one net per cell). Each returns bytes; `report::render`
//! collects them and the pipeline decides where they go. runs.csv, one row per net, is streamed
//! by the pipeline through [`super::schema`].
//!
//! Numbers are written so that they round-trip exactly (Rust's shortest representation, in
//! scientific notation outside 1e-4..1e15 so a spreadsheet never sees 300 zeros); "never" and
//! "not applicable" are empty cells; booleans are 0/1 so a spreadsheet reads them as numbers.

use super::aggregate::{CellResult, Example};
use super::stats::{CellSummary, CurveBand};
use crate::sweep::plan::{Cell, Plan};
use crate::train::PARAM_NAMES;

/// Shortest round-trip text of a number.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 || !x.is_finite() || (1e-4..1e15).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn opt_num(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

pub fn summary_csv(rows: &[CellSummary]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "cell",
        "init",
        "scale",
        "eps",
        "lr",
        "nets",
        "solved",
        "solved_fraction",
        "solved_ci95_low",
        "solved_ci95_high",
        "solved_epoch_q1",
        "solved_epoch_median",
        "solved_epoch_q3",
        "final_loss_q1",
        "final_loss_median",
        "final_loss_q3",
        "final_loss_best",
        "median_hidden_gap",
        "diverged",
        "label",
        "target_reached",
        "target_reached_fraction",
        "target_epoch_median",
    ])
    .expect("in memory");
    for s in rows {
        let nan_empty = |x: f64| if x.is_nan() { String::new() } else { num(x) };
        let mut row = vec![
            s.cell.index.to_string(),
            s.cell.init.name().to_string(),
            opt_num(s.cell.init.scale()),
            opt_num(s.cell.init.eps()),
            num(s.cell.lr),
            s.nets.to_string(),
            s.solved.to_string(),
            num(s.solved_fraction()),
            num(s.wilson.0),
            num(s.wilson.1),
        ];
        row.extend(s.solved_epoch.iter().map(|&x| nan_empty(x)));
        row.extend(s.final_loss.iter().map(|&x| num(x)));
        row.push(num(s.best_final_loss));
        row.push(num(s.median_hidden_gap));
        row.push(s.diverged.to_string());
        row.push(s.cell.label());
        match s.target {
            Some((reached, median)) => row.extend([
                reached.to_string(),
                num(reached as f64 / s.nets as f64),
                nan_empty(median),
            ]),
            None => row.extend([String::new(), String::new(), String::new()]),
        }
        w.write_record(&row).expect("in memory");
    }
    finish(w)
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
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "kind",
        "cell",
        "label",
        "init",
        "scale",
        "eps",
        "lr",
        "run",
        "epoch",
        "loss_median",
        "loss_q1",
        "loss_q3",
        "hidden_gap_median",
        "hidden_gap_q1",
        "hidden_gap_q3",
        "solved_fraction",
        "net_loss",
        "net_hidden_gap",
    ])
    .expect("in memory");
    let epochs = &plan.train.log_epochs;
    // kind, cell, label, init, scale, eps, lr, run, epoch, then the values of that kind: a cell's
    // statistics (kind=cell) and one net's values (kind=net, kind=baseline) never share a column.
    let mut row = |kind: &str,
                   cell: Option<&Cell>,
                   run: Option<u64>,
                   epoch: u32,
                   values: [Option<f64>; 9]| {
        let mut r = vec![kind.to_string()];
        match cell {
            Some(c) => r.extend([
                c.index.to_string(),
                c.label(),
                c.init.name().into(),
                opt_num(c.init.scale()),
                opt_num(c.init.eps()),
                num(c.lr),
            ]),
            None => r.extend([
                String::new(),
                "lesson @ lr 2 (reference trainer)".into(),
                "lesson".into(),
                String::new(),
                String::new(),
                num(crate::baseline::LESSON_LR),
            ]),
        }
        r.extend([opt(run), epoch.to_string()]);
        r.extend(values.map(opt_num));
        w.write_record(&r).expect("in memory");
    };
    for c in curves {
        match c {
            CurveRows::Cell { summary, band } => {
                for (j, &e) in epochs.iter().enumerate() {
                    let (l, g) = (band.loss[j], band.gap[j]);
                    row(
                        "cell",
                        Some(&summary.cell),
                        None,
                        e,
                        [
                            Some(l[1]),
                            Some(l[0]),
                            Some(l[2]),
                            Some(g[1]),
                            Some(g[0]),
                            Some(g[2]),
                            Some(band.solved[j]),
                            None,
                            None,
                        ],
                    );
                }
            }
            CurveRows::Net { cell, example } => {
                for (j, &e) in epochs.iter().enumerate() {
                    let (l, g) = (Some(example.curve.loss[j]), Some(example.curve.gap[j]));
                    row(
                        "net",
                        Some(cell),
                        Some(example.run),
                        e,
                        [None, None, None, None, None, None, None, l, g],
                    );
                }
            }
            CurveRows::Baseline { epochs, loss, gap } => {
                for ((&e, &l), &g) in epochs.iter().zip(*loss).zip(*gap) {
                    row(
                        "baseline",
                        None,
                        None,
                        e,
                        [None, None, None, None, None, None, None, Some(l), Some(g)],
                    );
                }
            }
        }
    }
    finish(w)
}

/// examples.csv: the first net of every cell (its replicate 0) with its final weights, so charts
/// such as the decision boundaries can be redrawn from the CSV files alone.
pub fn examples_csv(cells: &[CellResult]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["run", "cell", "init", "scale", "eps", "lr"]
        .map(String::from)
        .to_vec();
    header.extend(PARAM_NAMES.iter().map(|p| p.to_string()));
    header.extend(["final_loss", "correct", "solved_epoch", "diverged"].map(String::from));
    w.write_record(&header).expect("in memory");
    for c in cells {
        let (cell, r) = (&c.summary.cell, &c.example);
        let o = &r.outcome;
        let mut row = vec![
            r.run.to_string(),
            cell.index.to_string(),
            cell.init.name().to_string(),
            opt_num(cell.init.scale()),
            opt_num(cell.init.eps()),
            num(cell.lr),
        ];
        row.extend(o.params.0.iter().map(|&x| num(x)));
        row.extend([
            num(o.final_loss),
            o.correct.to_string(),
            opt(o.solved_epoch),
            u8::from(o.diverged).to_string(),
        ]);
        w.write_record(&row).expect("in memory");
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_round_trip() {
        for x in [
            0.0,
            1.0,
            0.1,
            1.0 / 3.0,
            1e-12,
            2.5e-300,
            123456789.123,
            1e20,
            -7.25e-5,
            f64::MIN_POSITIVE,
        ] {
            let s = num(x);
            assert_eq!(
                s.parse::<f64>().unwrap().to_bits(),
                x.to_bits(),
                "{x} -> {s}"
            );
            assert!(s.len() < 30, "{s}");
        }
    }
}
