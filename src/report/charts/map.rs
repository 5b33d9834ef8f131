//! The pictures of a trainability map: map.png (one pixel per net inside the usual chart frame,
//! with title, hyperparameter axes and colour bars), map-raw.png (the bare grid) and the contact
//! sheet of a zoom sequence. Colours come from one function, so all three agree.
//!
//! Default colouring: trained nets by their first solved epoch in viridis, untrained nets by
//! their final loss in OrRd; the two palettes share no colour, so the boundary between them is
//! the edge between blue-green-yellow and orange-red. Diverged nets are black.

use std::cell::Cell;

use image::ImageEncoder;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::{anchored, colour, heading, png, text, text_at};
use crate::map::compute::Pixel;
use crate::map::spec::{AxisSpec, Measure};

/// How the pixels are coloured, and the colour bars that say so.
struct Legend {
    bars: Vec<Bar>,
}

struct Bar {
    axis: Axis,
    desc: String,
    palette: fn(f64) -> RGBColor,
}

/// Untrained final losses are shown on 0..0.5 (a net answering 0.5 everywhere has loss 0.25).
const LOSS_SPAN: f64 = 0.5;

fn trained_colour(t: f64) -> RGBColor {
    if t < 0.5 {
        colour::LIGHT_GREY
    } else {
        colour::viridis(0.35)
    }
}

fn legend(measure: Option<Measure>, epochs: u32) -> Legend {
    let epoch_axis = Axis::epochs(f64::from(epochs));
    let bars = match measure {
        None => vec![
            Bar {
                axis: epoch_axis,
                desc: "trained: first solved epoch".into(),
                palette: colour::viridis,
            },
            Bar {
                axis: Axis::linear(0.0, LOSS_SPAN, 5),
                desc: "untrained: final loss".into(),
                palette: colour::or_rd,
            },
        ],
        Some(Measure::FinalLoss) => vec![Bar {
            axis: Axis::log(1e-4, 1.0),
            desc: "final loss (MSE)".into(),
            palette: colour::viridis,
        }],
        Some(Measure::MeanLoss) => vec![Bar {
            axis: Axis::linear(0.0, 1.0, 5),
            desc: "mean of loss / initial loss".into(),
            palette: colour::viridis,
        }],
        Some(Measure::SolvedEpoch) => vec![Bar {
            axis: epoch_axis,
            desc: "first solved epoch (grey: never)".into(),
            palette: colour::viridis,
        }],
        Some(Measure::Trained) => vec![Bar {
            axis: Axis::categories(vec!["untrained".into(), "trained".into()]),
            desc: "all four outputs right at the end".into(),
            palette: trained_colour,
        }],
    };
    Legend { bars }
}

/// The fraction of the way up `axis` of plot coordinate `t`.
fn along(axis: &Axis, t: Option<f64>) -> f64 {
    let r = axis.range();
    t.map_or(f64::NAN, |t| (t - r.start) / (r.end - r.start))
}

/// The colour of every pixel (row-major, row 0 = the lowest y).
pub fn colours(pixels: &[Pixel], measure: Option<Measure>, epochs: u32) -> Vec<RGBColor> {
    let epoch_axis = Axis::epochs(f64::from(epochs));
    let loss_axis = Axis::log(1e-4, 1.0);
    pixels
        .iter()
        .map(|p| {
            if p.diverged {
                return BLACK;
            }
            let epoch = || along(&epoch_axis, epoch_axis.to(f64::from(p.solved_epoch)));
            match measure {
                None if p.trained => colour::viridis(epoch()),
                None => colour::or_rd(f64::from(p.final_loss) / LOSS_SPAN),
                Some(Measure::FinalLoss) => {
                    let t = along(&loss_axis, loss_axis.to(f64::from(p.final_loss)));
                    colour::viridis(if t.is_nan() { 0.0 } else { t })
                }
                Some(Measure::MeanLoss) => colour::viridis(f64::from(p.mean_loss)),
                Some(Measure::SolvedEpoch) if p.solved_epoch.is_nan() => colour::LIGHT_GREY,
                Some(Measure::SolvedEpoch) => colour::viridis(epoch()),
                Some(Measure::Trained) => trained_colour(if p.trained { 1.0 } else { 0.0 }),
            }
        })
        .collect()
}

/// The bare grid as PNG: one pixel per net, the lowest y at the bottom.
pub fn raw_png(nx: usize, ny: usize, colours: &[RGBColor]) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(nx * ny * 3);
    for j in (0..ny).rev() {
        for c in &colours[j * nx..(j + 1) * nx] {
            buf.extend([c.0, c.1, c.2]);
        }
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out).write_image(
        &buf,
        nx as u32,
        ny as u32,
        image::ColorType::Rgb8,
    )?;
    Ok(out)
}

/// A map axis as a chart axis.
fn chart_axis(a: &AxisSpec) -> Axis {
    if a.log {
        Axis::log_zoomable(a.lo, a.hi)
    } else {
        Axis::linear(a.lo, a.hi, 8)
    }
}

/// Everything map.png shows.
pub struct MapChart<'a> {
    pub title: String,
    pub subtitle: String,
    pub x: &'a AxisSpec,
    pub y: &'a AxisSpec,
    pub colours: &'a [RGBColor],
    pub measure: Option<Measure>,
    pub epochs: u32,
}

/// Width of one colour bar with its ticks and description.
const BAR_WIDTH: u32 = 150;

/// map.png. The canvas is sized so that the plotting area is exactly `k·nx` × `k·ny` pixels,
/// `k` the smallest whole factor that makes it at least 480 pixels across (1 for large maps).
pub fn chart_png(c: &MapChart) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(
        super::fonts_registered(),
        "the embedded DejaVu Sans font does not load"
    );
    let (nx, ny) = (c.x.n as usize, c.y.n as usize);
    let k = 480usize.div_ceil(nx.max(ny)).max(1) as u32;
    let want = (k * nx as u32, k * ny as u32);
    let legend = legend(c.measure, c.epochs);
    let bars_w = BAR_WIDTH * legend.bars.len() as u32;
    let (x, y) = (chart_axis(c.x), chart_axis(c.y));
    // Lay out once, then correct the canvas by what the plotting area came out as.
    let mut canvas = (want.0 + 200 + bars_w, want.1 + 260);
    let mut attempt = 0;
    loop {
        // The third attempt draws whatever size the layout gives (nearest pixel), so that an
        // extreme aspect ratio still gets a chart.
        let last = attempt == 2;
        let got = Cell::new((0u32, 0u32));
        let bytes = png(canvas.0, canvas.1, |root| {
            let area = heading(root, &c.title, &c.subtitle)?;
            let (w, _) = area.dim_in_pixel();
            let (main, bar_area) = area.split_horizontally(w.saturating_sub(bars_w));
            let chart = super::plot(
                &main,
                None,
                &x,
                &y,
                &c.x.kind.description(),
                &c.y.kind.description(),
            )?;
            let (cols, rows) = chart.plotting_area().get_pixel_range();
            let (pw, ph) = (
                (cols.end - cols.start) as u32,
                (rows.end - rows.start) as u32,
            );
            got.set((pw, ph));
            if (pw, ph) != want && !last {
                return Ok(());
            }
            let base = main.get_base_pixel();
            for py in 0..ph {
                let j = ny - 1 - (py as usize * ny / ph as usize).min(ny - 1);
                for px in 0..pw {
                    let i = (px as usize * nx / pw as usize).min(nx - 1);
                    let at = (
                        cols.start + px as i32 - base.0,
                        rows.start + py as i32 - base.1,
                    );
                    main.draw_pixel(at, &c.colours[j * nx + i])?;
                }
            }
            let n = legend.bars.len() as u32;
            let bar_rows = rows.clone();
            for (b, area) in legend
                .bars
                .iter()
                .zip(bar_area.split_evenly((1, n as usize)))
            {
                super::colour_bar_with(&area, &b.axis, &b.desc, bar_rows.clone(), &b.palette)?;
            }
            Ok(())
        })?;
        let (pw, ph) = got.get();
        if (pw, ph) == want || last {
            return Ok(bytes);
        }
        canvas = (
            (canvas.0 as i64 + want.0 as i64 - pw as i64).max(200) as u32,
            (canvas.1 as i64 + want.1 as i64 - ph as i64).max(200) as u32,
        );
        attempt += 1;
    }
}

/// One frame of a contact sheet.
pub struct Frame<'a> {
    pub nx: usize,
    pub ny: usize,
    pub colours: &'a [RGBColor],
    /// Two short lines under the frame.
    pub label: [String; 2],
}

/// The frames of a zoom sequence side by side (up to four a row), each scaled to 360 pixels.
pub fn contact_sheet(title: &str, subtitle: &str, frames: &[Frame]) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(
        super::fonts_registered(),
        "the embedded DejaVu Sans font does not load"
    );
    const SIDE: u32 = 360;
    const GAP: u32 = 24;
    let per_row = frames.len().clamp(1, 4) as u32;
    let rows = (frames.len() as u32).div_ceil(per_row).max(1);
    let w = (per_row * (SIDE + GAP) + GAP).max(900);
    let h = 130 + rows * (SIDE + 70);
    png(w, h, |root| {
        let area = heading(root, title, subtitle)?;
        let base = area.get_base_pixel();
        for (f, frame) in frames.iter().enumerate() {
            let (r, c) = (f as u32 / per_row, f as u32 % per_row);
            let (x0, y0) = ((GAP + c * (SIDE + GAP)) as i32, (r * (SIDE + 70)) as i32);
            for py in 0..SIDE {
                let j = frame.ny - 1 - (py as usize * frame.ny / SIDE as usize);
                for px in 0..SIDE {
                    let i = px as usize * frame.nx / SIDE as usize;
                    area.draw_pixel(
                        (x0 + px as i32, y0 + py as i32),
                        &frame.colours[j * frame.nx + i],
                    )?;
                }
            }
            area.draw(&Rectangle::new(
                [(x0 - 1, y0 - 1), (x0 + SIDE as i32, y0 + SIDE as i32)],
                colour::GREY.stroke_width(1),
            ))?;
            for (l, line) in frame.label.iter().enumerate() {
                text_at(
                    &area,
                    (
                        base.0 + x0 + SIDE as i32 / 2,
                        base.1 + y0 + SIDE as i32 + 8 + 22 * l as i32,
                    ),
                    line,
                    anchored(text(16), HPos::Center, VPos::Top),
                )?;
            }
        }
        Ok(())
    })
}
