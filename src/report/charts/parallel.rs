//! parallel_coordinates.png: every cell of an options sweep at once, the view W&B and Optuna
//! users look for first. One vertical axis per hyperparameter that varies (in the grid's
//! order), then the learning rate (log scale), then the share solved; each cell is a line
//! through its values, coloured by its solved share (the heat map's viridis), the best drawn
//! last so that they stay on top. On the page, dragging along an axis keeps the cells whose
//! line passes through that stretch and filters the table of every cell to them: the script
//! reads where each line crosses each axis from the readout marks drawn here (`data-pc`), so it
//! draws nothing of the chart itself.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::data::{Cell, ChartData};
use super::{
    Area, Backend, Heading, Hit, Hits, PAGE_WIDTH, Rendered, anchored, colour, heading, png, svg,
    text, text_at,
};
use crate::format;
use crate::report::matters;

pub const FILE: &str = "parallel_coordinates.png";

/// One axis: its name and how a cell's value is placed on it (0 at the bottom, 1 at the top).
struct PcAxis {
    name: String,
    axis: Axis,
    /// Each cell's coordinate on `axis`.
    at: Vec<f64>,
}

impl PcAxis {
    fn fraction(&self, v: f64) -> f64 {
        let r = self.axis.range();
        ((v - r.start) / (r.end - r.start)).clamp(0.0, 1.0)
    }
}

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let v = matters::varying(data);
    let lrs = v.cells.iter().map(|(c, _)| c.lr);
    let (false, Some((lo, hi))) = (v.names.is_empty(), super::finite_range(lrs, true)) else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep varies no trainer option".into(),
        });
    };
    let mut axes: Vec<PcAxis> = v
        .names
        .iter()
        .zip(&v.values)
        .enumerate()
        .map(|(i, (name, values))| PcAxis {
            name: name.to_string(),
            axis: Axis::categories(values.clone()),
            at: v.cells.iter().map(|(_, k)| k[i] as f64).collect(),
        })
        .collect();
    let lr_axis = Axis::log(lo / 1.2, hi * 1.2);
    axes.push(PcAxis {
        name: "lr".into(),
        at: v
            .cells
            .iter()
            .map(|(c, _)| lr_axis.to(c.lr).unwrap_or(f64::NAN))
            .collect(),
        axis: lr_axis,
    });
    axes.push(PcAxis {
        name: "solved".into(),
        axis: Axis::fraction(),
        at: v.cells.iter().map(|(c, _)| c.solved_fraction).collect(),
    });
    let cells: Vec<&Cell> = v.cells.iter().map(|(c, _)| *c).collect();
    let title = "Every cell at once: its hyperparameters and its share solved";
    let subtitle = "one line per cell (init × trainer setting × learning rate) through its value on each axis, coloured by its share solved, the best on top";
    let png = png(1200, 720, |root| {
        let area = heading(root, title, subtitle)?;
        picture(&area, &axes, &cells, &mut Hits::new())
    })?;
    let top = Heading::new(PAGE_WIDTH, title, subtitle).height;
    let svg = svg(top + 440, title, |root, hits| {
        let area = heading(root, title, subtitle)?;
        picture(&area, &axes, &cells, hits)
    })?;
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title: title.into(),
        caption: format!(
            "Each of the {} cells as a line across its hyperparameters, its learning rate and its share solved (bright: often). Follow the bright lines back to see which combinations solve; on the page, drag along an axis to keep the cells that pass through that stretch, and the table of every cell below shows just those (drag again to change it, tap the axis to clear).",
            cells.len()
        ),
        png,
        svg,
    }))
}

/// The axes side by side, a line per cell, and the axes' names, alternately above and below on
/// a narrow page so that neighbours do not run into each other.
fn picture<DB: Backend>(
    area: &Area<DB>,
    axes: &[PcAxis],
    cells: &[&Cell],
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let (w, h) = area.dim_in_pixel();
    let base = area.get_base_pixel();
    // Room for the first axis's name centred on it and the last's, and for the solved
    // axis's labels left of it.
    let half = |a: Option<&PcAxis>| {
        a.and_then(|a| super::bold(16).font.box_size(&a.name).ok())
            .map_or(0, |b| b.0 as i32 / 2 + 6)
    };
    let (left, right) = (
        base.0 + half(axes.first()).max(30),
        base.0 + w as i32 - half(axes.last()).max(30),
    );
    let (top, bottom) = (base.1 + 48, base.1 + h as i32 - 48);
    let k = axes.len().max(2) as i32;
    let x_of = |i: usize| left + (right - left) * i as i32 / (k - 1);
    let y_of =
        |a: &PcAxis, v: f64| bottom - (a.fraction(v) * f64::from(bottom - top)).round() as i32;
    let rel = |(x, y): (i32, i32)| (x - base.0, y - base.1);
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by(|&a, &b| {
        cells[a]
            .solved_fraction
            .total_cmp(&cells[b].solved_fraction)
    });
    for &j in &order {
        let pts: Vec<(i32, i32)> = axes
            .iter()
            .enumerate()
            .filter(|(_, a)| a.at[j].is_finite())
            .map(|(i, a)| (x_of(i), y_of(a, a.at[j])))
            .collect();
        let c = colour::viridis(cells[j].solved_fraction.clamp(0.0, 1.0));
        area.draw(&PathElement::new(
            pts.iter().map(|&p| rel(p)).collect::<Vec<_>>(),
            c.mix(0.85).stroke_width(2),
        ))?;
        let end = *pts.last().unwrap_or(&(right, bottom));
        hits.push(Hit {
            x: end.0,
            y: end.1,
            say: say(cells[j]),
            attrs: vec![
                ("data-cell", cells[j].cell.to_string()),
                ("data-pc", ys(&pts)),
            ],
        });
    }
    let narrow = super::is_narrow(area);
    for (i, a) in axes.iter().enumerate() {
        axis(area, a, x_of(i), (top, bottom), i + 1 == axes.len())?;
        let up = !narrow || i % 2 == 0;
        let y = if up { top - 14 } else { bottom + 14 };
        let v = if up { VPos::Bottom } else { VPos::Top };
        text_at(
            area,
            (x_of(i), y),
            &a.name,
            anchored(super::bold(16), HPos::Center, v),
        )?;
        hits.push(Hit {
            x: x_of(i),
            y: (top + bottom) / 2,
            say: format!(
                "{}: drag along the axis to keep the cells that pass there",
                a.name
            ),
            attrs: vec![("data-axis", format!("{},{top},{bottom}", i))],
        });
    }
    Ok(())
}

/// An axis: its line and its ticks' labels beside it (left of the last axis, right of the
/// others), on a light backing so that the lines do not cut them.
fn axis<DB: Backend>(
    area: &Area<DB>,
    a: &PcAxis,
    x: i32,
    (top, bottom): (i32, i32),
    last: bool,
) -> anyhow::Result<()> {
    let base = area.get_base_pixel();
    area.draw(&PathElement::new(
        vec![(x - base.0, top - base.1), (x - base.0, bottom - base.1)],
        BLACK.stroke_width(1),
    ))?;
    let style = text(15);
    for (v, label) in a.axis.ticks() {
        let y = bottom - (a.fraction(*v) * f64::from(bottom - top)).round() as i32;
        let (tw, th) = style
            .font
            .box_size(label)
            .map_or((0, 15), |b| (b.0 as i32, b.1 as i32));
        let x0 = if last { x - 6 - tw } else { x + 6 };
        area.draw(&Rectangle::new(
            [
                (x0 - 2 - base.0, y - th / 2 - 1 - base.1),
                (x0 + tw + 2 - base.0, y + th / 2 + 1 - base.1),
            ],
            WHITE.mix(0.85).filled(),
        ))?;
        text_at(
            area,
            (x0, y),
            label,
            anchored(style.clone(), HPos::Left, VPos::Center),
        )?;
    }
    Ok(())
}

/// Where a line crosses each axis, the pixel rows joined by commas (the page's brushing).
fn ys(pts: &[(i32, i32)]) -> String {
    pts.iter()
        .map(|p| p.1.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// What pointing at a cell's line reads.
fn say(c: &Cell) -> String {
    format!(
        "{} at learning rate {}: {} solved ({} of {}), 95% interval {}",
        c.scheme.label(),
        format::value(c.lr),
        format::share(c.solved_fraction),
        c.solved,
        c.nets,
        format::share_range(c.solved_ci95.0, c.solved_ci95.1)
    )
}
