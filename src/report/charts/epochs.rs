//! epochs_to_solve.png: when nets get all four XOR cases right, per learning rate, as the share
//! of nets solved by each epoch (the CDF of epochs-to-solve). The legend states the share that
//! never solved within the sweep's epochs, which a CDF alone only hints at by where it stops.

use plotters::prelude::*;

use super::axis::{Axis, tick_label};
use super::data::ChartData;
use super::loss_by_lr::{chosen, shown_note};
use super::{Rendered, colour, heading, legend, line, percent, png, segments};

pub const FILE: &str = "epochs_to_solve.png";

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let (group, cells) = match chosen(data) {
        Ok(x) => x,
        Err(why) => return Ok(Rendered::Skipped { file: FILE, why }),
    };
    let max_epoch = cells
        .iter()
        .filter_map(|c| c.curve.epoch.last().copied())
        .fold(1.0, f64::max);
    let x = Axis::epochs(max_epoch);
    let y = Axis::fraction();
    let scheme = group.scheme.label();
    let nets = cells[0].nets;
    let title = format!("When nets solve XOR, by learning rate ({scheme} init)");
    let subtitle = format!(
        "share of the {nets} nets per learning rate with all four cases right by each epoch; never = not within the {} epochs trained{}",
        tick_label(max_epoch),
        shown_note(&group, cells.len())
    );
    let colours = colour::series(cells.len());
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
        for (c, col) in cells.iter().zip(&colours) {
            let label = format!(
                "lr {} — {} never",
                tick_label(c.lr),
                percent(1.0 - c.solved_fraction)
            );
            line(
                &mut chart,
                segments(&c.curve.epoch, &c.curve.solved, &x, &y),
                col.stroke_width(3),
                Some(&label),
            )?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })?;
    let caption = format!(
        "Cumulative share of the {scheme} nets that have solved XOR by each epoch: the further left a curve rises, the sooner nets at that learning rate solve, and the legend gives the share that never solved within the epochs trained."
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
    }))
}
