//! epochs_to_solve.png: when nets get all four XOR cases right, per learning rate, as the share
//! of nets solved by each epoch (the CDF of epochs-to-solve). The CDF is drawn as steps: between
//! two logged epochs the share is only known not to have fallen, so it is held level until the
//! next one. Each line has its own colour and its learning rate written at its end; the legend
//! states the share that never solved within the sweep's epochs, which a CDF alone only hints
//! at by where it stops.

use plotters::prelude::*;

use super::axis::Axis;
use super::data::ChartData;
use super::loss_by_lr::{chosen, shown_note};
use super::{ChartOptions, Rendered, colour, end_labels, heading, legend, line, png, segments};
use crate::format;

pub const FILE: &str = "epochs_to_solve.png";

/// A curve sampled at `xs` as a step function: each value held until the next sample.
pub fn steps(xs: &[f64], ys: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut sx = Vec::with_capacity(2 * xs.len());
    let mut sy = Vec::with_capacity(2 * xs.len());
    for (i, (&x, &y)) in xs.iter().zip(ys).enumerate() {
        if i > 0 {
            sx.push(x);
            sy.push(ys[i - 1]);
        }
        sx.push(x);
        sy.push(y);
    }
    (sx, sy)
}

pub fn draw(data: &ChartData, opts: &ChartOptions) -> anyhow::Result<Rendered> {
    let ch = match chosen(data, opts) {
        Ok(x) => x,
        Err(why) => return Ok(Rendered::Skipped { file: FILE, why }),
    };
    let cells = &ch.cells;
    let max_epoch = cells
        .iter()
        .filter_map(|c| c.curve.epoch.last().copied())
        .fold(1.0, f64::max);
    let x = Axis::epochs(max_epoch);
    let y = Axis::fraction();
    let scheme = ch.group.scheme.label();
    let nets = cells[0].nets;
    let title = format!("When nets solve XOR, by learning rate ({scheme} init)");
    let subtitle = format!(
        "share of the {nets} nets per learning rate with all four cases right by each epoch; never = not within the {} epochs trained{}",
        format::epochs(max_epoch),
        shown_note(&ch.group, cells.len())
    );
    let colours = colour::distinct(cells.len());
    let png = png(1200, 800, |root| {
        let area = heading(root, &title, &subtitle)?;
        let mut chart = super::plot(
            &area,
            None,
            &x,
            &y,
            "epoch (gradient steps, log scale of 1 + epoch)",
            "nets solved (cumulative share)",
        )?;
        let mut ends = Vec::new();
        for (c, col) in cells.iter().zip(&colours) {
            let label = format!(
                "learning rate {} — {} never{}",
                format::value(c.lr),
                format::share(1.0 - c.solved_fraction),
                ch.role(c)
            );
            let (sx, sy) = steps(&c.curve.epoch, &c.curve.solved);
            let segs = segments(&sx, &sy, &x, &y);
            if let Some(&end) = segs.last().and_then(|s| s.last()) {
                ends.push((end, format!("lr {}", format::value(c.lr)), *col));
            }
            line(&mut chart, segs, col.stroke_width(3), Some(&label))?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        end_labels(&area, &chart, &ends)
    })?;
    let caption = format!(
        "Cumulative share of the {scheme} nets that have solved XOR by each epoch, as steps between the logged epochs: the further left a curve rises, the sooner nets at that learning rate solve, and the legend gives the share that never solved within the epochs trained."
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn steps_hold_each_value_until_the_next_sample() {
        let (x, y) = super::steps(&[0.0, 10.0, 20.0], &[0.0, 0.5, 1.0]);
        assert_eq!(x, [0.0, 10.0, 10.0, 20.0, 20.0]);
        assert_eq!(y, [0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(super::steps(&[], &[]), (vec![], vec![]));
    }
}
