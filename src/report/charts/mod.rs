//! The charts of a sweep, as PNG bytes. Each is drawn from [`ChartData`] alone (the parsed CSV
//! files), so the sweep and `xorsweep plot` draw the same pixels from the same numbers. A chart
//! whose data the sweep does not have (no lesson run, no symmetric nets, …) is skipped with the
//! reason, which the HTML page states instead of showing it.
//!
//! Drawing is plotters on an in-memory RGB buffer, encoded to PNG by `image`; text uses DejaVu
//! Sans embedded in the binary, so nothing depends on the fonts of the machine.

pub mod axis;
mod baseline;
mod boundaries;
pub mod colour;
pub mod data;
mod epochs;
mod heatmap;
mod loss_by_lr;
mod symmetry;

use std::sync::Once;

use anyhow::Context;
use image::ImageEncoder;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;

use axis::Axis;
pub use data::ChartData;

/// The family name the embedded font is registered under.
const FONT: &str = "sans-serif";

/// The drawing area of a chart's bitmap.
type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
/// A chart with two [`Axis`] coordinates.
type Plot<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<axis::Coord, axis::Coord>>;

/// One drawn chart.
#[derive(Clone, Debug)]
pub struct Chart {
    pub file: &'static str,
    pub title: String,
    /// One sentence for the HTML page: what to look at.
    pub caption: String,
    pub png: Vec<u8>,
}

/// A chart, or why it was not drawn.
#[derive(Clone, Debug)]
pub enum Rendered {
    Chart(Chart),
    Skipped { file: &'static str, why: String },
}

/// The file names of every chart, in the order of the page.
pub const FILES: [&str; 6] = [
    baseline::FILE,
    loss_by_lr::FILE,
    heatmap::FILE,
    epochs::FILE,
    symmetry::FILE,
    boundaries::FILE,
];

/// Draw every chart (in parallel; the result is in [`FILES`] order and does not depend on it).
pub fn render(data: &ChartData) -> anyhow::Result<Vec<Rendered>> {
    register_fonts();
    let makers: [fn(&ChartData) -> anyhow::Result<Rendered>; 6] = [
        baseline::draw,
        loss_by_lr::draw,
        heatmap::draw,
        epochs::draw,
        symmetry::draw,
        boundaries::draw,
    ];
    makers.par_iter().map(|draw| draw(data)).collect()
}

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Italic, dejavu::sans::oblique()),
        ] {
            if plotters::style::register_font(FONT, style, bytes).is_err() {
                panic!("the embedded DejaVu Sans font does not load");
            }
        }
    });
}

/// Draw on a `w`×`h` white canvas and encode it as PNG.
fn png(w: u32, h: u32, draw: impl FnOnce(&Area) -> anyhow::Result<()>) -> anyhow::Result<Vec<u8>> {
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root)?;
        root.present().context("drawing a chart")?;
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&buf, w, h, image::ColorType::Rgb8)
        .context("encoding a chart as PNG")?;
    Ok(out)
}

fn text<'a>(size: u32) -> TextStyle<'a> {
    TextStyle::from((FONT, size).into_font()).color(&BLACK)
}

fn bold<'a>(size: u32) -> TextStyle<'a> {
    TextStyle::from((FONT, size, FontStyle::Bold).into_font()).color(&BLACK)
}

fn anchored(style: TextStyle, h: HPos, v: VPos) -> TextStyle {
    style.pos(Pos::new(h, v))
}

/// Text at an absolute pixel position (as [`ChartContext::backend_coord`] gives it), drawn on
/// `area` and so not clipped by a chart's plotting area.
fn text_at(area: &Area, (x, y): (i32, i32), s: &str, style: TextStyle) -> anyhow::Result<()> {
    let b = area.get_base_pixel();
    area.draw(&Text::new(s.to_string(), (x - b.0, y - b.1), style))?;
    Ok(())
}

/// Title and subtitle across the top; returns the area below them.
fn heading<'a>(area: &Area<'a>, title: &str, subtitle: &str) -> anyhow::Result<Area<'a>> {
    let (w, _) = area.dim_in_pixel();
    let cx = (w / 2) as i32;
    area.draw(&Text::new(
        title.to_string(),
        (cx, 14),
        anchored(bold(28), HPos::Center, VPos::Top),
    ))?;
    let mut used = 56;
    if !subtitle.is_empty() {
        area.draw(&Text::new(
            subtitle.to_string(),
            (cx, 54),
            anchored(text(18).color(&colour::GREY), HPos::Center, VPos::Top),
        ))?;
        used = 86;
    }
    Ok(area.split_vertically(used).1)
}

/// A chart with [`Axis`] coordinates and a drawn mesh: grid, ticks, labels.
fn plot<'a, 'b>(
    area: &'a Area<'b>,
    caption: Option<&str>,
    x: &Axis,
    y: &Axis,
    x_desc: &str,
    y_desc: &str,
) -> anyhow::Result<Plot<'a, 'b>> {
    // Room for the widest tick label and the axis description.
    let widest = y
        .ticks()
        .iter()
        .map(|t| text(16).font.box_size(&t.1).map_or(60, |b| b.0))
        .max()
        .unwrap_or(0);
    let mut b = ChartBuilder::on(area);
    b.margin(12)
        .margin_right(36)
        .x_label_area_size(64)
        .y_label_area_size(widest + 52);
    if let Some(c) = caption {
        b.caption(c, bold(20));
    }
    let mut chart = b.build_cartesian_2d(x.spec(), y.spec())?;
    let (xf, yf) = (|v: &f64| x.label(*v), |v: &f64| y.label(*v));
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .label_style(text(16))
        .axis_desc_style(text(19))
        .bold_line_style(colour::LIGHT_GREY.stroke_width(1))
        .light_line_style(RGBColor(243, 243, 243).stroke_width(1))
        .axis_style(BLACK.stroke_width(1))
        .draw()?;
    Ok(chart)
}

/// A vertical colour bar for values 0..=1 coloured by viridis, labelled in percent.
fn colour_bar(area: &Area, desc: &str) -> anyhow::Result<()> {
    let y = Axis::fraction();
    let mut chart = ChartBuilder::on(area)
        .margin_top(12)
        .margin_bottom(76)
        .margin_right(8)
        .right_y_label_area_size(90)
        .build_cartesian_2d(0.0..1.0, y.range())?
        .set_secondary_coord(0.0..1.0, y.spec());
    let yf = |v: &f64| y.label(*v);
    chart
        .configure_secondary_axes()
        .y_desc(desc)
        .y_label_formatter(&yf)
        .label_style(text(16))
        .axis_desc_style(text(19))
        .draw()?;
    let n = 200;
    chart.draw_series((0..n).map(|i| {
        let (a, b) = (f64::from(i) / f64::from(n), f64::from(i + 1) / f64::from(n));
        Rectangle::new(
            [(0.0, a), (1.0, b)],
            colour::viridis((a + b) / 2.0).filled(),
        )
    }))?;
    chart.draw_series([Rectangle::new(
        [(0.0, 0.0), (1.0, 1.0)],
        colour::GREY.stroke_width(1),
    )])?;
    Ok(())
}

/// The drawable stretches of a series: runs of consecutive points that both axes can place
/// (a NaN, an infinity or a non-positive value on a log axis breaks the line).
fn segments(xs: &[f64], ys: &[f64], x: &Axis, y: &Axis) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur = Vec::new();
    for (&a, &b) in xs.iter().zip(ys) {
        match (x.to(a), y.to(b)) {
            (Some(p), Some(q)) => cur.push((p, q)),
            _ if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            _ => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Draw a series as lines (one per drawable stretch) with a legend entry, if it has any.
fn line<'a, 'b>(
    chart: &mut Plot<'a, 'b>,
    pts: Vec<Vec<(f64, f64)>>,
    style: ShapeStyle,
    label: Option<&str>,
) -> anyhow::Result<()> {
    for (i, seg) in pts.into_iter().enumerate() {
        let a = chart.draw_series(std::iter::once(PathElement::new(seg, style)))?;
        if let (0, Some(l)) = (i, label) {
            a.label(l).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], style.stroke_width(4))
            });
        }
    }
    Ok(())
}

/// Shade between `lo` and `hi` (one polygon per stretch where both can be drawn).
fn band<'a, 'b>(
    chart: &mut Plot<'a, 'b>,
    xs: &[f64],
    lo: &[f64],
    hi: &[f64],
    (x, y): (&Axis, &Axis),
    style: ShapeStyle,
) -> anyhow::Result<()> {
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    let mut runs = Vec::new();
    for ((&a, &l), &h) in xs.iter().zip(lo).zip(hi) {
        match (x.to(a), y.to(l), y.to(h)) {
            (Some(p), Some(ql), Some(qh)) => run.push((p, ql, qh)),
            _ if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            _ => {}
        }
    }
    runs.push(run);
    for r in runs.into_iter().filter(|r| r.len() > 1) {
        let outline: Vec<(f64, f64)> = r
            .iter()
            .map(|p| (p.0, p.2))
            .chain(r.iter().rev().map(|p| (p.0, p.1)))
            .collect();
        chart.draw_series([Polygon::new(outline, style)])?;
    }
    Ok(())
}

/// At most `k` (≥ 2) of `n` indices spread evenly from first to last, always including `must`.
fn pick_evenly(n: usize, k: usize, must: Option<usize>) -> Vec<usize> {
    let k = k.max(2);
    if n <= k {
        return (0..n).collect();
    }
    let mut v: Vec<usize> = (0..k)
        .map(|i| ((i * (n - 1)) as f64 / (k - 1) as f64).round() as usize)
        .collect();
    if let Some(m) = must.filter(|m| *m < n && !v.contains(m)) {
        let near = (0..k)
            .min_by_key(|&i| v[i].abs_diff(m))
            .unwrap_or(0);
        v[near] = m;
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Draw the legend of `chart` at `pos`.
fn legend<'a, 'b: 'a>(chart: &mut Plot<'a, 'b>, pos: SeriesLabelPosition) -> anyhow::Result<()> {
    chart
        .configure_series_labels()
        .position(pos)
        .margin(12)
        .legend_area_size(32)
        .label_font(text(16))
        .background_style(WHITE.mix(0.9))
        .border_style(colour::GREY)
        .draw()?;
    Ok(())
}

/// Finite values of `v`, and their range (None if there are none).
fn finite_range(v: impl IntoIterator<Item = f64>, positive: bool) -> Option<(f64, f64)> {
    v.into_iter()
        .filter(|x| x.is_finite() && (!positive || *x > 0.0))
        .fold(None, |r, x| match r {
            None => Some((x, x)),
            Some((a, b)) => Some((a.min(x), b.max(x))),
        })
}

/// A percentage for a legend or a cell: "12%", "0.5%", "100%".
fn percent(f: f64) -> String {
    if !f.is_finite() {
        return "–".into();
    }
    let p = 100.0 * f;
    if p > 0.0 && p < 1.0 {
        format!("{}%", axis::sig_label(p, 1))
    } else {
        format!("{p:.0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_break_at_undrawable_points() {
        let x = Axis::linear(0.0, 10.0, 5);
        let y = Axis::log(1e-3, 1.0);
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let ys = [0.1, 0.01, f64::NAN, 0.5, 0.0, f64::INFINITY, 0.2];
        let s = segments(&xs, &ys, &x, &y);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].len(), 2);
        assert_eq!(s[1], vec![(3.0, 0.5f64.log10())]);
        assert!(segments(&[], &[], &x, &y).is_empty());
    }

    #[test]
    fn picks_spread_evenly_and_keep_the_one_asked_for() {
        assert_eq!(pick_evenly(3, 7, Some(1)), [0, 1, 2]);
        assert_eq!(pick_evenly(16, 7, None), [0, 3, 5, 8, 10, 13, 15]);
        assert_eq!(pick_evenly(16, 7, Some(9)), [0, 3, 5, 9, 10, 13, 15]);
        assert_eq!(pick_evenly(16, 7, Some(15)), [0, 3, 5, 8, 10, 13, 15]);
        assert_eq!(pick_evenly(0, 7, None), Vec::<usize>::new());
    }

    #[test]
    fn ranges_and_percentages() {
        assert_eq!(
            finite_range([3.0, f64::NAN, -1.0, f64::INFINITY], false),
            Some((-1.0, 3.0))
        );
        assert_eq!(finite_range([0.0, -1.0, 2.0], true), Some((2.0, 2.0)));
        assert_eq!(finite_range([f64::NAN], false), None);
        assert_eq!(percent(0.12), "12%");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(f64::NAN), "–");
    }

    #[test]
    fn charts_of_no_data_are_skipped_not_panics() {
        let r = render(&ChartData::default()).unwrap();
        assert_eq!(r.len(), FILES.len());
        assert!(r.iter().all(|c| matches!(c, Rendered::Skipped { .. })));
    }
}
