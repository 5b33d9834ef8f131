//! Pixel-grid pictures: a chart with one pixel per grid cell inside the usual frame (title,
//! axes, colour bars), the bare grid, and a contact sheet of several grids side by side. The
//! caller (a trainability map) computes the colours, axes and colour bars; nothing here knows
//! what the cells are.

use std::cell::Cell;

use image::ImageEncoder;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::{
    Area, Backend, Bar, anchored, bar_width, colour, colour_bar, heading, png, text, text_at,
};

/// A rectangle inside a grid as fractions of its width and height: [x0, x1, y0, y1], y up.
pub type Inset = [f64; 4];

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

/// Everything a grid chart shows.
pub struct MapChart<'a> {
    pub title: String,
    pub subtitle: String,
    pub x: Axis,
    pub y: Axis,
    pub x_desc: String,
    pub y_desc: String,
    pub nx: usize,
    pub ny: usize,
    pub colours: &'a [RGBColor],
    pub bars: Vec<Bar>,
    /// A rectangle outlined on the grid (the next frame of a zoom sequence).
    pub inset: Option<Inset>,
}

/// The white rectangle of `inset` on a grid at (x0, y0) (top left), `w` × `h` pixels:
/// [left, top, right, bottom].
fn outline_rect((x0, y0): (i32, i32), (w, h): (u32, u32), inset: Inset) -> [i32; 4] {
    let [fx0, fx1, fy0, fy1] = inset;
    let px = |f: f64| x0 + (f.clamp(0.0, 1.0) * f64::from(w)).round() as i32;
    let py = |f: f64| y0 + ((1.0 - f.clamp(0.0, 1.0)) * f64::from(h)).round() as i32;
    [px(fx0), py(fy1), px(fx1), py(fy0)]
}

/// Outline `inset` of a grid drawn at (x0, y0) (top left), `w` × `h` pixels, in white over
/// black so that it shows on any colour.
fn outline<DB: Backend>(
    area: &Area<DB>,
    at: (i32, i32),
    size: (u32, u32),
    inset: Inset,
) -> anyhow::Result<()> {
    let [l, t, r, b] = outline_rect(at, size, inset);
    area.draw(&Rectangle::new(
        [(l - 1, t - 1), (r + 1, b + 1)],
        BLACK.stroke_width(1),
    ))?;
    area.draw(&Rectangle::new([(l, t), (r, b)], WHITE.stroke_width(1)))?;
    Ok(())
}

/// map.png. The canvas is sized so that the plotting area is exactly
/// `k·nx` × `k·ny` pixels, `k` the smallest whole factor that makes it at least 480 pixels
/// across (1 for large maps).
pub fn chart_png(c: &MapChart) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(
        super::fonts_registered(),
        "the embedded DejaVu Sans font does not load"
    );
    let (nx, ny) = (c.nx, c.ny);
    let k = 480usize.div_ceil(nx.max(ny)).max(1) as u32;
    let want = (k * nx as u32, k * ny as u32);
    let bars_w: u32 = c.bars.iter().map(bar_width).sum();
    let (x, y) = (&c.x, &c.y);
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
            let chart = super::plot(&main, None, x, y, &c.x_desc, &c.y_desc)?;
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
            if let Some(inset) = c.inset {
                let at = (cols.start - base.0, rows.start - base.1);
                outline(&main, at, (pw, ph), inset)?;
            }
            let mut rest = bar_area;
            for b in &c.bars {
                let (slot, after) = rest.split_horizontally(bar_width(b));
                colour_bar(&slot, b, rows.clone())?;
                rest = after;
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
    /// Short lines under the frame.
    pub label: Vec<String>,
    /// A rectangle outlined on the frame (the next frame of a zoom sequence).
    pub inset: Option<Inset>,
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
    // Wide enough for the title at the smallest size the heading shrinks it to.
    let title_w = super::width(&super::bold(16), title) + 60;
    let w = (per_row * (SIDE + GAP) + GAP).max(900).max(title_w);
    let lines = frames.iter().map(|f| f.label.len()).max().unwrap_or(0) as u32;
    let below = 16 + 22 * lines;
    let h = 130 + rows * (SIDE + below);
    png(w, h, |root| {
        let area = heading(root, title, subtitle)?;
        let base = area.get_base_pixel();
        for (f, frame) in frames.iter().enumerate() {
            let (r, c) = (f as u32 / per_row, f as u32 % per_row);
            let (x0, y0) = ((GAP + c * (SIDE + GAP)) as i32, (r * (SIDE + below)) as i32);
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
            if let Some(inset) = frame.inset {
                outline(&area, (x0, y0), (SIDE, SIDE), inset)?;
            }
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
