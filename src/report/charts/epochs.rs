//! epochs_to_solve.png: when nets get all four XOR cases right, per learning rate, as the share
//! of nets solved by each epoch (the CDF of epochs-to-solve). The CDF is drawn as steps: between
//! two logged epochs the share is only known not to have fallen, so it is held level until the
//! next one. Each line has its own colour and its learning rate written at its end; the legend
//! states the share that never solved within the sweep's epochs, which a CDF alone only hints
//! at by where it stops.

use plotters::prelude::*;

use super::axis::Axis;
use super::data::ChartData;
use super::loss_by_lr::Chosen;
use super::loss_by_lr::{chosen, shown_note};
use super::{
    Area, Backend, ChartOptions, Heading, Hits, Layout, PAGE_WIDTH, Rendered, anchored,
    beyond_end_labels, beyond_room, colour, curve_hits, end_labels, fitting, heading, legend, line,
    png, segments, svg, text_at,
};
use crate::format;
use plotters::style::text_anchor::{HPos, VPos};

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
    let scheme = ch.group.scheme.title(data);
    let nets = cells[0].nets;
    let title = format!("When nets solve XOR, by learning rate ({scheme})");
    let subtitle = format!(
        "share of the {nets} nets per learning rate with all four cases right by each epoch; never = not within the {} epochs trained{}",
        format::epochs(max_epoch),
        shown_note(&ch.group, cells.len())
    );
    let png = png(1200, 800, |root| {
        let area = heading(root, &title, &subtitle)?;
        picture(&area, Layout::Png, &ch, &x, &mut Hits::new())
    })?;
    let top = Heading::new(PAGE_WIDTH, &title, &subtitle).height;
    let svg = svg(top + 340 + 22 * cells.len() as u32, &title, |root, hits| {
        let area = heading(root, &title, &subtitle)?;
        picture(&area, Layout::Page, &ch, &x, hits)
    })?;
    let caption = format!(
        "Cumulative share of the {scheme} nets that have solved XOR by each epoch, as steps between the logged epochs: the further left a curve rises, the sooner nets at that learning rate solve, and the legend gives the share that never solved within the epochs trained."
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
        svg,
    }))
}

/// One line per learning rate, labelled at its end (beyond the plot's edge on the PNG, inside
/// it on the narrow page); the legend (which says how many never solved) inside the plot on the
/// PNG, below it on the page.
fn picture<DB: Backend>(
    area: &Area<DB>,
    l: Layout,
    ch: &Chosen,
    x: &Axis,
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let y = Axis::fraction();
    let n = ch.cells.len() as u32;
    let names: Vec<String> = ch
        .cells
        .iter()
        .map(|c| format!("lr {}", format::value(c.lr)))
        .collect();
    let (plot_area, below) = match l {
        // The end labels beyond the plot's right edge, where they cover no line's end.
        Layout::Png => {
            let w = area.dim_in_pixel().0;
            (area.split_horizontally(w - beyond_room(&names)).0, None)
        }
        Layout::Page => {
            let (a, b) = area.split_vertically(area.dim_in_pixel().1 - 22 * n - 8);
            (a, Some(b))
        }
    };
    let mut chart = super::plot(
        &plot_area,
        None,
        x,
        &y,
        if l.narrow() {
            "epoch (log scale of 1 + epoch)"
        } else {
            "epoch (gradient steps, log scale of 1 + epoch)"
        },
        if l.narrow() {
            "nets solved by then"
        } else {
            "nets solved (cumulative share)"
        },
    )?;
    let mut ends = Vec::new();
    let mut labels = Vec::new();
    for ((c, col), name) in ch
        .cells
        .iter()
        .zip(colour::distinct(ch.cells.len()))
        .zip(names)
    {
        let label = format!(
            "{} {} — {} never{}",
            if l.narrow() { "lr" } else { "learning rate" },
            format::value(c.lr),
            format::share(1.0 - c.solved_fraction),
            ch.role(c)
        );
        let (sx, sy) = steps(&c.curve.epoch, &c.curve.solved);
        let segs = segments(&sx, &sy, x, &y);
        if let Some(&end) = segs.last().and_then(|s| s.last()) {
            ends.push((end, name, col));
        }
        let say = |i: usize| {
            format!(
                "learning rate {}, epoch {}: {} solved",
                format::value(c.lr),
                format::epochs(c.curve.epoch[i]),
                format::share(c.curve.solved[i])
            )
        };
        curve_hits(
            &chart,
            (&c.curve.epoch, &c.curve.solved),
            (x, &y),
            16,
            say,
            hits,
        );
        let in_legend = below.is_none().then_some(label.as_str());
        line(&mut chart, segs, col.stroke_width(3), in_legend)?;
        labels.push((label, col));
    }
    match &below {
        None => {
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            beyond_end_labels(area, &chart, &ends)
        }
        Some(b) => {
            legend_lines(b, &labels)?;
            end_labels(&plot_area, &chart, &ends)
        }
    }
}

/// A legend as lines of text under a plot, each with a swatch of its line's colour.
fn legend_lines<DB: Backend>(area: &Area<DB>, labels: &[(String, RGBColor)]) -> anyhow::Result<()> {
    let (x0, y0) = area.get_base_pixel();
    for (i, (s, col)) in labels.iter().enumerate() {
        let y = y0 + 8 + 22 * i as i32;
        area.draw(&Rectangle::new(
            [(12, 8 + 22 * i as i32 + 6), (32, 8 + 22 * i as i32 + 10)],
            col.filled(),
        ))?;
        let size = fitting(16, s, area.dim_in_pixel().0.saturating_sub(44), super::text);
        text_at(
            area,
            (x0 + 38, y),
            s,
            anchored(super::text(size), HPos::Left, VPos::Top),
        )?;
    }
    Ok(())
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
