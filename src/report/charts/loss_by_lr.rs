//! loss_by_lr.png: how the learning rate shapes the loss curve of one random init scheme. The
//! median net of each learning rate is a line; the band holds the middle half of the nets, so a
//! wide band means that some nets learn and others stay stuck.

use plotters::prelude::*;

use super::axis::{Axis, tick_label};
use super::data::{Cell, ChartData, Group};
use super::{Rendered, band, colour, finite_range, heading, legend, line, pick_evenly, png};
use crate::baseline::LESSON_LR;

pub const FILE: &str = "loss_by_lr.png";

/// The most learning rates one chart of curves shows; more would be a tangle.
pub const MAX_CURVES: usize = 7;

/// The cells of the main scheme drawn as curves (at most [`MAX_CURVES`], spread evenly, with
/// the lesson's learning rate among them if the scheme has it), or why there are none.
pub fn chosen(data: &ChartData) -> Result<(Group<'_>, Vec<&Cell>), String> {
    let Some(group) = data.main_group() else {
        return Err("the sweep has no random init scheme".into());
    };
    let with_curves: Vec<&Cell> = group
        .cells
        .iter()
        .copied()
        .filter(|c| !c.curve.epoch.is_empty())
        .collect();
    if with_curves.is_empty() {
        return Err(format!("{} has no curves", group.scheme.label()));
    }
    let must = with_curves.iter().position(|c| c.lr == LESSON_LR);
    let picked = pick_evenly(with_curves.len(), MAX_CURVES, must)
        .into_iter()
        .map(|i| with_curves[i])
        .collect();
    Ok((group, picked))
}

/// "7 of 16 learning rates shown" when some are left out.
pub fn shown_note(group: &Group, shown: usize) -> String {
    let all = group.cells.len();
    if shown < all {
        format!("; {shown} of {all} learning rates shown")
    } else {
        String::new()
    }
}

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let (group, cells) = match chosen(data) {
        Ok(x) => x,
        Err(why) => return Ok(Rendered::Skipped { file: FILE, why }),
    };
    let values = cells.iter().flat_map(|c| {
        c.curve
            .loss
            .iter()
            .chain(&c.curve.loss_q1)
            .chain(&c.curve.loss_q3)
            .copied()
    });
    let Some((lo, hi)) = finite_range(values, true) else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: format!("every loss of {} is NaN or infinite", group.scheme.label()),
        });
    };
    let max_epoch = cells
        .iter()
        .filter_map(|c| c.curve.epoch.last().copied())
        .fold(1.0, f64::max);
    let x = Axis::epochs(max_epoch);
    let y = Axis::log(lo * 0.7, hi * 1.5);
    let scheme = group.scheme.label();
    let nets = cells[0].nets;
    let title = format!("Loss over training by learning rate ({scheme} init)");
    let subtitle = format!(
        "{nets} nets per learning rate; line = median net, band = middle 50% of nets{}",
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
            "MSE loss (log scale)",
        )?;
        for (c, col) in cells.iter().zip(&colours) {
            let k = &c.curve;
            band(
                &mut chart,
                &k.epoch,
                &k.loss_q1,
                &k.loss_q3,
                (&x, &y),
                col.mix(0.14).filled(),
            )?;
        }
        for (c, col) in cells.iter().zip(&colours) {
            let k = &c.curve;
            let label = format!("lr {}", tick_label(c.lr));
            line(
                &mut chart,
                super::segments(&k.epoch, &k.loss, &x, &y),
                col.stroke_width(3),
                Some(&label),
            )?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)
    })?;
    let caption = format!(
        "Median loss (line) and interquartile range (band) of the {nets} {scheme} nets per learning rate: the epoch at which a curve leaves the plateau near 0.25 shows how fast that learning rate learns, and a band whose top stays high while its median falls shows a share of nets that stay stuck."
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
    }))
}
