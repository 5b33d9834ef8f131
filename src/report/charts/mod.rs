//! The charts of a sweep, as PNG bytes. Each is drawn from [`ChartData`] alone (the parsed CSV
//! files), so the sweep and `xorsweep plot` draw the same pixels from the same numbers. A chart
//! whose data the sweep does not have (no lesson run, no symmetric nets, …) is skipped with the
//! reason, which the HTML page states instead of showing it.
//!
//! Each chart is drawn once, by one function generic over the plotters [`Backend`]: onto an
//! in-memory RGB buffer (the PNG file, encoded by `image`, text in DejaVu Sans embedded in the
//! binary, so nothing depends on the fonts of the machine) and onto an SVG string (the picture
//! report.html inlines), so the page and the files cannot disagree. The page's SVG is laid out
//! for a phone ([`Layout::Page`]: [`PAGE_WIDTH`] pixels, panels stacked) and shown at its own
//! size, so that no text is scaled below 11 px; the points a reader may ask about carry their
//! readout ([`Hit`]), which the page's script shows.

pub mod axis;
mod bar;
mod baseline;
mod boundaries;
mod canvas;
pub mod colour;
pub mod data;
pub mod effects;
mod epochs;
mod heatmap;
pub mod loss_by_lr;
pub mod map;
mod parallel;
mod solved_by_lr;
mod symmetry;
mod text;

use std::ops::Range;
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rayon::prelude::*;

use crate::report::matters::Matter;
use axis::Axis;
pub use bar::Bar;
use bar::{ACROSS_HEIGHT, bar_width, colour_bar, colour_bar_across};
use canvas::{Area, Hits, Plot, curve_hits, hit_at, is_narrow, png, svg};
pub use canvas::{Backend, Hit, Layout, PAGE_TEXT, PAGE_WIDTH};
pub use data::ChartData;
use text::{Heading, anchored, bold, fitting, heading, text, text_at, width};

/// The family name the embedded font is registered under.
const FONT: &str = "sans-serif";

/// One drawn chart.
#[derive(Clone, Debug)]
pub struct Chart {
    pub file: &'static str,
    pub title: String,
    /// One sentence for the HTML page: what to look at.
    pub caption: String,
    pub png: Vec<u8>,
    /// The page's picture: an `<svg>` element, its readouts on invisible marks (`data-say`).
    pub svg: String,
}

/// A chart, or why it was not drawn.
#[derive(Clone, Debug)]
pub enum Rendered {
    Chart(Chart),
    Skipped { file: &'static str, why: String },
}

/// Choices about what the charts show that the data does not settle.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartOptions {
    /// The init scheme (as `--init` spells it, e.g. `uniform:1`) whose learning curves
    /// loss_by_lr.png and epochs_to_solve.png draw; None: [`DEFAULT_CHART_INIT`] when the sweep
    /// has it, else the first scheme of independent random weights (uniform or normal), else
    /// the first random one.
    pub chart_init: Option<String>,
}

/// The line charts' init when `--chart-init` is not given and the sweep has it: nets that
/// learn at most rates, so the panels show learning (uniform:0.1's are flat lines).
pub const DEFAULT_CHART_INIT: &str = "uniform:1";

/// The file names of every chart, in the order of the page. what_matters.png and
/// parallel_coordinates.png are drawn only for a sweep that varies a trainer option (so a sweep
/// of the lesson's trainer looks as it always did).
pub const FILES: [&str; 9] = [
    baseline::FILE,
    solved_by_lr::FILE,
    effects::FILE,
    parallel::FILE,
    loss_by_lr::FILE,
    heatmap::FILE,
    epochs::FILE,
    symmetry::FILE,
    boundaries::FILE,
];

/// One chart to draw, with what it is drawn from.
type Maker<'a> = Box<dyn Fn() -> anyhow::Result<Rendered> + Send + Sync + 'a>;

/// Draw every chart (in parallel; the result is in [`FILES`] order and does not depend on it).
/// `matters` is the sweep's what-matters answer ([`crate::report::matters`], worked out once
/// by the caller): what_matters.png and parallel_coordinates.png are drawn where it has any.
/// Fails when `opts.chart_init` names a scheme the sweep does not have.
pub fn render(
    data: &ChartData,
    matters: &[Matter],
    opts: &ChartOptions,
) -> anyhow::Result<Vec<Rendered>> {
    anyhow::ensure!(
        fonts_registered(),
        "the embedded DejaVu Sans font does not load"
    );
    if let Err(why) = data.chart_group(opts.chart_init.as_deref()) {
        anyhow::bail!(why);
    }
    let mut makers: Vec<Maker> = vec![
        Box::new(|| baseline::draw(data)),
        Box::new(|| solved_by_lr::draw(data)),
        Box::new(|| loss_by_lr::draw(data, opts)),
        Box::new(|| heatmap::draw(data)),
        Box::new(|| epochs::draw(data, opts)),
        Box::new(|| symmetry::draw(data)),
        Box::new(|| boundaries::draw(data)),
    ];
    if !matters.is_empty() {
        makers.insert(2, Box::new(|| effects::draw(matters)));
        makers.insert(3, Box::new(|| parallel::draw(data)));
    }
    makers.par_iter().map(|draw| draw()).collect()
}

/// Register the embedded fonts with plotters, once per process; whether that worked.
fn fonts_registered() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
        ]
        .into_iter()
        .all(|(style, bytes)| plotters::style::register_font(FONT, style, bytes).is_ok())
    })
}

/// A chart with [`Axis`] coordinates and a drawn mesh: grid, ticks, labels. Its caption and
/// axis descriptions are shrunk (to [`PAGE_TEXT`] at least) where the area is too small for
/// them.
fn plot<'a, DB: Backend>(
    area: &'a Area<DB>,
    caption: Option<&str>,
    x: &Axis,
    y: &Axis,
    x_desc: &str,
    y_desc: &str,
) -> anyhow::Result<Plot<'a, DB>> {
    // Room for the widest tick label and the axis description.
    let widest = y
        .ticks()
        .iter()
        .map(|t| text(16).font.box_size(&t.1).map_or(60, |b| b.0))
        .max()
        .unwrap_or(0);
    let (w, h) = area.dim_in_pixel();
    // Only the x labels that fit side by side, 4 pixels of advance apart (about 6 between the
    // glyphs: a narrow panel's epoch axis would run "1000" into "10000"): the axis is the
    // area's width less the margins and the y labels, as the builder lays it out.
    let right = if is_narrow(area) {
        NARROW_RIGHT
    } else {
        WIDE_RIGHT
    };
    let y_labels = widest + 52;
    let room = f64::from(w.saturating_sub(MARGIN + right + y_labels));
    let x = &x.clone().fit(room, 4.0, |s| f64::from(width(&text(16), s)));
    let mut b = ChartBuilder::on(area);
    b.margin(MARGIN)
        .margin_right(right)
        .x_label_area_size(64)
        .y_label_area_size(y_labels);
    if let Some(c) = caption {
        b.caption(c, bold(fitting(20, c, w.saturating_sub(16), bold)));
    }
    // The axis descriptions as large as 19 but no wider than the plot (or taller).
    let desc = fitting(19, x_desc, w.saturating_sub(widest + 80), text).min(fitting(
        19,
        y_desc,
        h.saturating_sub(100),
        text,
    ));
    let mut chart = b.build_cartesian_2d(x.spec(), y.spec())?;
    let (xf, yf) = (|v: &f64| x.label(*v), |v: &f64| y.label(*v));
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .label_style(text(16))
        .axis_desc_style(text(desc))
        .bold_line_style(colour::LIGHT_GREY.stroke_width(1))
        .light_line_style(RGBColor(243, 243, 243).stroke_width(1))
        .axis_style(BLACK.stroke_width(1))
        .draw()?;
    Ok(chart)
}

/// The margin [`plot`] keeps round a chart, and on its right on a wide and on a narrow picture
/// (room for the last x label's second half).
const MARGIN: u32 = 12;
const WIDE_RIGHT: u32 = 36;
const NARROW_RIGHT: u32 = 16;

/// The absolute pixel rows of a chart's plotting area.
fn plot_rows<DB: Backend>(chart: &Plot<DB>) -> Range<i32> {
    chart.plotting_area().get_pixel_range().1
}

/// The drawable stretches of a series: runs of consecutive points that both axes can place
/// and that lie within the x axis (a NaN, an infinity, a non-positive value on a log axis or an
/// x beyond the axis breaks the line).
fn segments(xs: &[f64], ys: &[f64], x: &Axis, y: &Axis) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur = Vec::new();
    for (&a, &b) in xs.iter().zip(ys) {
        match (x.to_within(a), y.to(b)) {
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

/// Draw a series as lines (one per drawable stretch; `style` at least 2 pixels wide) with a
/// legend entry, if it has any.
fn line<DB: Backend>(
    chart: &mut Plot<DB>,
    pts: Vec<Vec<(f64, f64)>>,
    style: ShapeStyle,
    label: Option<&str>,
) -> anyhow::Result<()> {
    let area = chart.plotting_area().strip_coord_spec();
    let base = area.get_base_pixel();
    let has_any = !pts.is_empty();
    for seg in pts {
        let px: Vec<(i32, i32)> = seg
            .iter()
            .map(|p| {
                let (x, y) = chart.backend_coord(p);
                (x - base.0, y - base.1)
            })
            .collect();
        // Thousands of sub-pixel steps make a wide line ragged: keep one point per 2 pixels.
        let kept: Vec<(i32, i32)> = thin(&px, 2).into_iter().map(|k| px[k]).collect();
        if DB::VECTOR {
            area.draw(&PathElement::new(kept, style))?;
            continue;
        }
        let fill = style.color.filled();
        for quad in stroke_quads(&kept, f64::from(style.stroke_width)) {
            area.draw(&Polygon::new(quad.to_vec(), fill))?;
        }
    }
    if let (true, Some(l)) = (has_any, label) {
        chart
            .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())?
            .label(l)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], style.stroke_width(4))
            });
    }
    Ok(())
}

/// A wide polyline as one quadrilateral per segment, each extended a little past its ends so
/// that joints have no notches. (plotters' own wide paths truncate vertex coordinates, which
/// makes flat lines wobble by a pixel.) A lone point becomes a small square.
fn stroke_quads(px: &[(i32, i32)], width: f64) -> Vec<[(i32, i32); 4]> {
    let h = width / 2.0;
    let r = |x: f64| x.round() as i32;
    if let [p] = px {
        let (x, y) = (f64::from(p.0), f64::from(p.1));
        return vec![[
            (r(x - h), r(y - h)),
            (r(x + h), r(y - h)),
            (r(x + h), r(y + h)),
            (r(x - h), r(y + h)),
        ]];
    }
    px.windows(2)
        .filter(|w| w[0] != w[1])
        .map(|w| {
            let (x0, y0) = (f64::from(w[0].0), f64::from(w[0].1));
            let (x1, y1) = (f64::from(w[1].0), f64::from(w[1].1));
            let len = (x1 - x0).hypot(y1 - y0);
            let (tx, ty) = ((x1 - x0) / len, (y1 - y0) / len);
            let (nx, ny) = (-ty * h, tx * h);
            let (ex, ey) = (tx * h * 0.7, ty * h * 0.7);
            [
                (r(x0 - ex + nx), r(y0 - ey + ny)),
                (r(x1 + ex + nx), r(y1 + ey + ny)),
                (r(x1 + ex - nx), r(y1 + ey - ny)),
                (r(x0 - ex - nx), r(y0 - ey - ny)),
            ]
        })
        .collect()
}

/// Shade between `lo` and `hi` (one polygon per stretch where both can be drawn, within the x
/// axis).
fn band<DB: Backend>(
    chart: &mut Plot<DB>,
    xs: &[f64],
    lo: &[f64],
    hi: &[f64],
    (x, y): (&Axis, &Axis),
    style: ShapeStyle,
) -> anyhow::Result<()> {
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    let mut runs = Vec::new();
    for ((&a, &l), &h) in xs.iter().zip(lo).zip(hi) {
        match (x.to_within(a), y.to(l), y.to(h)) {
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

/// At most `k` (≥ 2, and at least as many as `must`) of `n` indices spread evenly from first
/// to last, always including those in `must` (each replaces the nearest pick not itself a must).
fn pick_evenly(n: usize, k: usize, must: &[usize]) -> Vec<usize> {
    let k = k.max(2).max(must.len());
    if n <= k {
        return (0..n).collect();
    }
    let mut v: Vec<usize> = (0..k)
        .map(|i| ((i * (n - 1)) as f64 / (k - 1) as f64).round() as usize)
        .collect();
    for &m in must.iter().filter(|m| **m < n) {
        if v.contains(&m) {
            continue;
        }
        let near = (0..k)
            .filter(|&i| !must.contains(&v[i]))
            .min_by_key(|&i| v[i].abs_diff(m));
        if let Some(i) = near {
            v[i] = m;
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Where [`side_labels`] writes its labels: inside the plot at its left or right edge, or just
/// beyond its right edge, in room the chart left for them there.
#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
    Beyond,
}

/// Label lines at their right ends: each label right-aligned at the plot's right edge, just
/// above where its line ends (`at`: the line's last point), nudged apart so none overlap.
fn end_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    labels: &[((f64, f64), String, RGBColor)],
) -> anyhow::Result<()> {
    side_labels(area, chart, labels, Edge::End)
}

/// [`end_labels`] left-aligned just right of the plot, outside it: the labels cover none of
/// the lines' ends (the caller leaves [`beyond_room`] for them).
fn beyond_end_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    labels: &[((f64, f64), String, RGBColor)],
) -> anyhow::Result<()> {
    side_labels(area, chart, labels, Edge::Beyond)
}

/// The room [`beyond_end_labels`] needs right of a wide picture's plot, beyond the right
/// margin that [`plot`] keeps anyway.
fn beyond_room(labels: &[String]) -> u32 {
    let widest = labels
        .iter()
        .map(|s| width(&text(16), s))
        .max()
        .unwrap_or(0);
    (BEYOND_GAP as u32 + widest + 8).saturating_sub(WIDE_RIGHT)
}

/// Pixels between the plot's right edge and a label beyond it.
const BEYOND_GAP: i32 = 8;

/// Label lines at their left ends: each label left-aligned at the plot's left edge, just above
/// where its line starts (`at`: the line's first point), nudged apart so none overlap, so that
/// they stack in the order of the lines.
fn start_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    labels: &[((f64, f64), String, RGBColor)],
) -> anyhow::Result<()> {
    side_labels(area, chart, labels, Edge::Start)
}

fn side_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    labels: &[((f64, f64), String, RGBColor)],
    edge: Edge,
) -> anyhow::Result<()> {
    let (cols, rows) = chart.plotting_area().get_pixel_range();
    // Just above the line inside the plot; beyond it, level with the line's end.
    let lift = if matches!(edge, Edge::Beyond) { -6 } else { 4 };
    let wanted: Vec<i32> = labels
        .iter()
        .map(|(at, _, _)| chart.backend_coord(at).1 - lift)
        .collect();
    let placed = spread(&wanted, 19, rows.start + 18, rows.end - 2);
    let (x, side) = match edge {
        Edge::Start => (cols.start + 8, HPos::Left),
        Edge::End => (cols.end - 6, HPos::Right),
        Edge::Beyond => (cols.end + BEYOND_GAP, HPos::Left),
    };
    let base = area.get_base_pixel();
    for ((_, s, c), y) in labels.iter().zip(placed) {
        let c = colour::darker(*c);
        let style = anchored(text(16).color(&c), side, VPos::Bottom);
        // A light backing, so that a line passing under the label does not cut it.
        let (w, h) = style.font.box_size(s).unwrap_or((0, 16));
        let (w, h) = (w as i32, h as i32);
        let x0 = if matches!(side, HPos::Left) { x } else { x - w };
        area.draw(&Rectangle::new(
            [
                (x0 - 3 - base.0, y - h - 1 - base.1),
                (x0 + w + 3 - base.0, y + 2 - base.1),
            ],
            WHITE.mix(0.8).filled(),
        ))?;
        text_at(area, (x, y), s, style)?;
    }
    Ok(())
}

/// Positions as close to `want` as possible, at least `gap` apart and within [lo, hi] where
/// they fit (the result keeps the input's order).
fn spread(want: &[i32], gap: i32, lo: i32, hi: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..want.len()).collect();
    order.sort_by_key(|&i| want[i]);
    let mut y: Vec<i32> = order
        .iter()
        .map(|&i| want[i].clamp(lo, hi.max(lo)))
        .collect();
    for k in 1..y.len() {
        y[k] = y[k].max(y[k - 1] + gap);
    }
    // Pushed past the bottom: shift back up, as far as the top allows.
    if let Some(&last) = y.last()
        && last > hi
    {
        let n = y.len();
        y[n - 1] = hi;
        for k in (0..n - 1).rev() {
            y[k] = y[k].min(y[k + 1] - gap);
        }
    }
    let mut out = vec![0; want.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = y[k];
    }
    out
}

/// Indices of the pixel points to keep so that consecutive kept points are at least `min`
/// pixels apart (by the larger of |dx| and |dy|); the first and last are always kept.
fn thin(px: &[(i32, i32)], min: i32) -> Vec<usize> {
    let mut keep: Vec<usize> = Vec::new();
    for (i, p) in px.iter().enumerate() {
        match keep.last() {
            Some(&k) if (px[k].0 - p.0).abs().max((px[k].1 - p.1).abs()) < min => {}
            _ => keep.push(i),
        }
    }
    if let (Some(&k), Some(last)) = (keep.last(), px.len().checked_sub(1))
        && k != last
    {
        keep.push(last);
    }
    keep
}

/// Draw the legend of `chart` at `pos`.
fn legend<'a, DB: Backend + 'a>(
    chart: &mut Plot<'a, DB>,
    pos: SeriesLabelPosition,
) -> anyhow::Result<()> {
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
pub(crate) fn finite_range(v: impl IntoIterator<Item = f64>, positive: bool) -> Option<(f64, f64)> {
    v.into_iter()
        .filter(|x| x.is_finite() && (!positive || *x > 0.0))
        .fold(None, |r, x| match r {
            None => Some((x, x)),
            Some((a, b)) => Some((a.min(x), b.max(x))),
        })
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
        // Beyond the x axis is left out.
        let short = Axis::linear(0.0, 1.0, 5);
        assert_eq!(
            segments(&xs, &ys, &short, &y),
            vec![vec![(0.0, -1.0), (1.0, -2.0)]]
        );
        assert!(segments(&[], &[], &x, &y).is_empty());
    }

    #[test]
    fn picks_spread_evenly_and_keep_the_one_asked_for() {
        assert_eq!(pick_evenly(3, 7, &[1]), [0, 1, 2]);
        assert_eq!(pick_evenly(16, 7, &[]), [0, 3, 5, 8, 10, 13, 15]);
        assert_eq!(pick_evenly(16, 7, &[9]), [0, 3, 5, 9, 10, 13, 15]);
        assert_eq!(pick_evenly(16, 7, &[15]), [0, 3, 5, 8, 10, 13, 15]);
        // Two musts next to each other both stay.
        assert_eq!(pick_evenly(16, 7, &[9, 8]), [0, 3, 5, 8, 9, 13, 15]);
        assert_eq!(pick_evenly(16, 7, &[11, 12]), [0, 3, 5, 8, 11, 12, 15]);
        assert_eq!(pick_evenly(0, 7, &[]), Vec::<usize>::new());
    }

    #[test]
    fn thinning_keeps_ends_and_spacing() {
        let px: Vec<(i32, i32)> = (0..10).map(|i| (i, 0)).collect();
        assert_eq!(thin(&px, 3), [0, 3, 6, 9]);
        assert_eq!(thin(&px[..8], 3), [0, 3, 6, 7]);
        assert_eq!(thin(&[(0, 0), (0, 5)], 3), [0, 1]);
        assert!(thin(&[], 3).is_empty());
        assert_eq!(thin(&[(1, 1)], 3), [0]);
    }

    #[test]
    fn wide_lines_are_quads_around_each_segment() {
        let q = stroke_quads(&[(0, 0), (10, 0)], 4.0);
        assert_eq!(q, vec![[(-1, 2), (11, 2), (11, -2), (-1, -2)]]);
        assert_eq!(
            stroke_quads(&[(5, 5)], 2.0),
            vec![[(4, 4), (6, 4), (6, 6), (4, 6)]]
        );
        assert!(stroke_quads(&[(1, 1), (1, 1)], 3.0).is_empty());
        assert!(stroke_quads(&[], 3.0).is_empty());
    }

    #[test]
    fn spread_keeps_labels_apart() {
        assert_eq!(spread(&[100, 50], 20, 0, 500), [100, 50]);
        assert_eq!(spread(&[100, 105, 110], 20, 0, 500), [100, 120, 140]);
        assert_eq!(spread(&[490, 495], 20, 0, 500), [480, 500]);
        assert_eq!(spread(&[-5], 20, 0, 500), [0]);
        assert!(spread(&[], 20, 0, 500).is_empty());
    }

    #[test]
    fn finite_ranges() {
        assert_eq!(
            finite_range([3.0, f64::NAN, -1.0, f64::INFINITY], false),
            Some((-1.0, 3.0))
        );
        assert_eq!(finite_range([0.0, -1.0, 2.0], true), Some((2.0, 2.0)));
        assert_eq!(finite_range([f64::NAN], false), None);
    }

    /// A sweep where everything went wrong: NaN and infinite losses, gaps and weights.
    fn broken() -> ChartData {
        use data::{Baseline, Cell, CellCurve, Example, Scheme};
        let scheme = |init: &str, eps: Option<f64>| Scheme {
            init: init.into(),
            scale: Some(1.0),
            eps,
            setting: crate::hyper::Setting::LESSON,
        };
        let curve = CellCurve {
            epoch: vec![0.0, 1.0, 10.0],
            loss: vec![f64::NAN, f64::INFINITY, 0.0],
            loss_q1: vec![f64::NAN; 3],
            loss_q3: vec![f64::INFINITY; 3],
            gap: vec![f64::NAN, 0.0, f64::NEG_INFINITY],
            solved: vec![f64::NAN, 0.0, 1.0],
        };
        let cell = |i: u64, s: Scheme| Cell {
            cell: i,
            scheme: s,
            lr: 2.0,
            nets: 3,
            solved: 0,
            solved_fraction: f64::NAN,
            solved_ci95: (f64::NAN, f64::NAN),
            solved_epoch: [None, Some(f64::NAN), None],
            solved_epoch_median_ci95: None,
            final_loss: [f64::NAN; 3],
            final_loss_best: f64::INFINITY,
            median_hidden_gap: f64::NAN,
            diverged: 3,
            target: None,
            curve: curve.clone(),
        };
        let example = |init: &str| Example {
            run: 0,
            cell: 0,
            scheme: scheme(init, None),
            lr: 2.0,
            params: [f64::NAN; 9],
            final_loss: f64::NAN,
            correct: 0,
            solved_epoch: None,
            diverged: true,
            role: String::new(),
            init_params: None,
            trainer: crate::report::schema::TrainerColumns::of(
                &crate::train::Hyper::lr(2.0),
                Default::default(),
            ),
        };
        ChartData {
            cells: vec![
                cell(0, scheme("uniform", None)),
                cell(1, scheme("symmetric", None)),
                cell(2, scheme("near-symmetric", Some(f64::NAN))),
                cell(3, scheme("near-symmetric", Some(1e-3))),
            ],
            baseline: Some(Baseline {
                lr: 2.0,
                epoch: vec![0.0, 500.0],
                loss: vec![f64::NAN, f64::INFINITY],
            }),
            examples: vec![example("lesson"), example("symmetric")],
            other_examples: Vec::new(),
        }
    }

    #[test]
    fn nan_and_infinity_never_panic() {
        let r = render(&broken(), &[], &ChartOptions::default()).unwrap();
        // No trainer option varies: every chart but what_matters.png and the parallel coordinates.
        assert_eq!(r.len(), FILES.len() - 2);
        // The lesson run had no finite loss: skipped, with the reason.
        assert!(matches!(&r[0], Rendered::Skipped { why, .. } if why.contains("no finite loss")));
        // The diverged nets' boundaries are still drawn, with a note instead of a heat map.
        assert!(matches!(&r[6], Rendered::Chart(c) if c.png.starts_with(b"\x89PNG")));
    }

    #[test]
    fn charts_of_no_data_are_skipped_not_panics() {
        let r = render(&ChartData::default(), &[], &ChartOptions::default()).unwrap();
        assert_eq!(r.len(), FILES.len() - 2);
        assert!(r.iter().all(|c| matches!(c, Rendered::Skipped { .. })));
        let unknown = ChartOptions {
            chart_init: Some("normal:2".into()),
        };
        let e = render(&broken(), &[], &unknown).unwrap_err().to_string();
        assert!(e.contains("\"normal:2\" is not in this sweep"), "{e}");
    }
}
