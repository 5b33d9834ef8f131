//! The one colour bar: a vertical gradient beside a plot (a heat map, the decision boundaries,
//! a trainability map), with the ticks and description of an [`Axis`].

use std::ops::Range;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::canvas::{Area, Backend};
use super::colour;
use super::text::{anchored, text, text_at, width};

/// One colour bar: its ends and ticks (in one coordinate, as an [`Axis`] plots), what it shows
/// and its palette (of the fraction of the way up).
pub struct Bar {
    pub range: Range<f64>,
    /// Labelled ticks: (coordinate, label).
    pub ticks: Vec<(f64, String)>,
    /// Unlabelled ticks.
    pub minor: Vec<f64>,
    pub desc: String,
    pub palette: fn(f64) -> RGBColor,
}

impl Bar {
    /// A bar over `axis` (its range and ticks) coloured by `palette`.
    pub fn of(axis: &Axis, desc: &str, palette: fn(f64) -> RGBColor) -> Bar {
        Bar {
            range: axis.range(),
            ticks: axis.ticks().to_vec(),
            minor: axis.minor().to_vec(),
            desc: desc.into(),
            palette,
        }
    }
}

/// Width of the gradient of a colour bar.
const BAR_BODY: i32 = 26;
/// Length of a labelled tick mark, and the gap between it and its label.
const TICK: i32 = 6;
const TICK_GAP: i32 = 5;

/// A vertical colour bar in `area` (its slot beside the grid), level with the grid's absolute
/// pixel rows `rows`: the gradient, tick marks that stop short of their labels, and its title
/// turned on its side just right of its own labels.
pub(crate) fn colour_bar<DB: Backend>(
    area: &Area<DB>,
    bar: &Bar,
    rows: Range<i32>,
) -> anyhow::Result<()> {
    let base = area.get_base_pixel();
    let (x0, x1) = (base.0 + 10, base.0 + 10 + BAR_BODY);
    let (top, bottom) = (rows.start, rows.end - 1);
    let r = &bar.range;
    let y_of = |v: f64| {
        let f = ((v - r.start) / (r.end - r.start)).clamp(0.0, 1.0);
        bottom - (f * f64::from(bottom - top)).round() as i32
    };
    for y in top..=bottom {
        let f = f64::from(bottom - y) / f64::from((bottom - top).max(1));
        area.draw(&PathElement::new(
            vec![(x0 - base.0, y - base.1), (x1 - base.0, y - base.1)],
            (bar.palette)(f).stroke_width(1),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(x0 - base.0, top - base.1), (x1 - base.0, bottom - base.1)],
        colour::GREY.stroke_width(1),
    ))?;
    let tick = |y: i32, len: i32| {
        area.draw(&PathElement::new(
            vec![(x1 - base.0, y - base.1), (x1 + len - base.0, y - base.1)],
            BLACK.stroke_width(1),
        ))
    };
    for &m in &bar.minor {
        tick(y_of(m), TICK / 2)?;
    }
    let style = text(16);
    let label_x = x1 + TICK + TICK_GAP;
    for (v, label) in &bar.ticks {
        let y = y_of(*v);
        tick(y, TICK)?;
        text_at(
            area,
            (label_x, y),
            label,
            anchored(style.clone(), HPos::Left, VPos::Center),
        )?;
    }
    let desc = text(18);
    let height = desc.font.box_size("Ag").map_or(18, |b| b.1) as i32;
    text_at(
        area,
        (
            label_x + widest_label(bar) + 10 + height,
            (top + bottom) / 2,
        ),
        &bar.desc,
        anchored(
            desc.transform(FontTransform::Rotate90),
            HPos::Center,
            VPos::Top,
        ),
    )?;
    Ok(())
}

/// The width of a bar's widest tick label.
fn widest_label(bar: &Bar) -> i32 {
    let style = text(16);
    bar.ticks
        .iter()
        .map(|t| width(&style, &t.1) as i32)
        .max()
        .unwrap_or(0)
}

/// The width of a colour bar's slot: margin, gradient, ticks, labels, title and a gap after.
pub(crate) fn bar_width(bar: &Bar) -> u32 {
    let height = text(18).font.box_size("Ag").map_or(18, |b| b.1) as i32;
    (10 + BAR_BODY + TICK + TICK_GAP + widest_label(bar) + 10 + height + 30) as u32
}

/// Height of a colour bar laid across the page: its title, the gradient, ticks and labels.
pub(crate) const ACROSS_HEIGHT: i32 = 24 + BAR_BODY / 2 + TICK + TICK_GAP + 20;

/// A colour bar laid across a narrow page under its grid: its title above, the gradient from
/// absolute pixel column `cols.start` to `cols.end` at row `top`, ticks and labels below.
pub(crate) fn colour_bar_across<DB: Backend>(
    area: &Area<DB>,
    bar: &Bar,
    cols: Range<i32>,
    top: i32,
) -> anyhow::Result<()> {
    let base = area.get_base_pixel();
    let (left, right) = (cols.start, cols.end - 1);
    text_at(
        area,
        ((left + right) / 2, top),
        &bar.desc,
        anchored(text(16), HPos::Center, VPos::Top),
    )?;
    let (y0, y1) = (top + 24, top + 24 + BAR_BODY / 2);
    for x in left..=right {
        let f = f64::from(x - left) / f64::from((right - left).max(1));
        area.draw(&PathElement::new(
            vec![(x - base.0, y0 - base.1), (x - base.0, y1 - base.1)],
            (bar.palette)(f).stroke_width(1),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(left - base.0, y0 - base.1), (right - base.0, y1 - base.1)],
        colour::GREY.stroke_width(1),
    ))?;
    let r = &bar.range;
    let x_of = |v: f64| {
        let f = ((v - r.start) / (r.end - r.start)).clamp(0.0, 1.0);
        left + (f * f64::from(right - left)).round() as i32
    };
    let tick = |x: i32, len: i32| {
        area.draw(&PathElement::new(
            vec![(x - base.0, y1 - base.1), (x - base.0, y1 + len - base.1)],
            BLACK.stroke_width(1),
        ))
    };
    for &m in &bar.minor {
        tick(x_of(m), TICK / 2)?;
    }
    for (v, label) in &bar.ticks {
        let x = x_of(*v);
        tick(x, TICK)?;
        let h = if x - left < 20 {
            HPos::Left
        } else if right - x < 20 {
            HPos::Right
        } else {
            HPos::Center
        };
        text_at(
            area,
            (x, y1 + TICK + TICK_GAP),
            label,
            anchored(text(15), h, VPos::Top),
        )?;
    }
    Ok(())
}
