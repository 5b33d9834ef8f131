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
mod baseline;
mod boundaries;
pub mod colour;
pub mod data;
pub mod effects;
mod epochs;
mod heatmap;
pub mod loss_by_lr;
pub mod map;
mod solved_by_lr;
mod symmetry;

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

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

/// What a chart is drawn on: the PNG's bitmap or the page's SVG.
pub trait Backend: DrawingBackend<ErrorType = <Self as Backend>::Failure> {
    type Failure: std::error::Error + Send + Sync + 'static;
    /// Vectors (SVG): a wide line is one path, not pixel quads.
    const VECTOR: bool;
}

impl<'a> Backend for BitMapBackend<'a> {
    type Failure = <BitMapBackend<'a> as DrawingBackend>::ErrorType;
    const VECTOR: bool = false;
}

impl Backend for SVGBackend<'_> {
    type Failure = std::io::Error;
    const VECTOR: bool = true;
}

/// The drawing area of a chart.
type Area<DB> = DrawingArea<DB, Shift>;
/// A chart with two [`Axis`] coordinates.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<axis::Coord, axis::Coord>>;

/// Which picture of a chart is drawn: the PNG file's, or the page's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Png,
    /// report.html's: [`PAGE_WIDTH`] wide, one panel per row, shown unscaled.
    Page,
}

impl Layout {
    /// Whether this is the page's narrow picture.
    fn narrow(self) -> bool {
        self == Layout::Page
    }
}

/// The width of the page's charts: a 420-pixel phone screen less the page's margins, so they
/// are shown at their own size and their text (at least [`PAGE_TEXT`]) is never scaled down.
pub const PAGE_WIDTH: u32 = 380;

/// The smallest text size the page's charts use. plotters writes an SVG text of size s at
/// s / 1.24 pixels (the font's em, as the bitmap draws it), so 14 is 11.3 px.
pub const PAGE_TEXT: u32 = 14;

/// A point of the page's picture that answers the pointer: where it is (pixels of the
/// picture) and what it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub x: i32,
    pub y: i32,
    pub say: String,
}

/// What a chart's drawing collects besides the picture: the page's readouts.
pub type Hits = Vec<Hit>;

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

/// The file names of every chart, in the order of the page. what_matters.png is drawn only for a
/// sweep that varies a trainer option (so a sweep of the lesson's trainer looks as it always did).
pub const FILES: [&str; 8] = [
    baseline::FILE,
    solved_by_lr::FILE,
    effects::FILE,
    loss_by_lr::FILE,
    heatmap::FILE,
    epochs::FILE,
    symmetry::FILE,
    boundaries::FILE,
];

type Maker = fn(&ChartData, &ChartOptions) -> anyhow::Result<Rendered>;

/// Draw every chart (in parallel; the result is in [`FILES`] order and does not depend on it;
/// what_matters.png only where it applies).
/// Fails when `opts.chart_init` names a scheme the sweep does not have.
pub fn render(data: &ChartData, opts: &ChartOptions) -> anyhow::Result<Vec<Rendered>> {
    anyhow::ensure!(
        fonts_registered(),
        "the embedded DejaVu Sans font does not load"
    );
    if let Err(why) = data.chart_group(opts.chart_init.as_deref()) {
        anyhow::bail!(why);
    }
    let mut makers: Vec<Maker> = vec![
        |d, _| baseline::draw(d),
        |d, _| solved_by_lr::draw(d),
        loss_by_lr::draw,
        |d, _| heatmap::draw(d),
        epochs::draw,
        |d, _| symmetry::draw(d),
        |d, _| boundaries::draw(d),
    ];
    if !effects::effects(data).is_empty() {
        makers.insert(2, |d, _| effects::draw(d));
    }
    makers.par_iter().map(|draw| draw(data, opts)).collect()
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

/// Draw on a `w`×`h` white canvas and encode it as PNG.
fn png(
    w: u32,
    h: u32,
    draw: impl FnOnce(&Area<BitMapBackend>) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<u8>> {
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

/// Draw the page's picture, [`PAGE_WIDTH`]×`h`, as an `<svg>` element: white behind, `title`
/// as its accessible name, and one invisible circle per [`Hit`] carrying its readout.
fn svg(
    h: u32,
    title: &str,
    draw: impl FnOnce(&Area<SVGBackend>, &mut Hits) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let mut out = String::new();
    let mut hits = Hits::new();
    {
        let root = SVGBackend::with_string(&mut out, (PAGE_WIDTH, h)).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root, &mut hits)?;
        root.present().context("drawing a chart")?;
    }
    let open = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" ",
        crate::report::html::esc(title)
    );
    let mut out = out.replacen("<svg ", &open, 1);
    let end = out.rfind("</svg>").context("plotters wrote no </svg>")?;
    let mut marks = String::from("<g class=\"hits\" fill=\"none\">\n");
    for h in &hits {
        let _ = writeln!(
            marks,
            "<circle cx=\"{}\" cy=\"{}\" r=\"9\" data-say=\"{}\"/>",
            h.x,
            h.y,
            crate::report::html::esc(&h.say)
        );
    }
    marks.push_str("</g>\n");
    out.insert_str(end, &marks);
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
fn text_at<DB: Backend>(
    area: &Area<DB>,
    (x, y): (i32, i32),
    s: &str,
    style: TextStyle,
) -> anyhow::Result<()> {
    let b = area.get_base_pixel();
    area.draw(&Text::new(s.to_string(), (x - b.0, y - b.1), style))?;
    Ok(())
}

/// A chart's title and subtitle laid out for a picture `w` wide: the title shrunk (and on a
/// narrow picture wrapped), the subtitle wrapped, and the height they take.
struct Heading {
    size: u32,
    titles: Vec<String>,
    lines: Vec<String>,
    height: u32,
}

impl Heading {
    fn new(w: u32, title: &str, subtitle: &str) -> Heading {
        let room = w.saturating_sub(if w > PAGE_WIDTH { 48 } else { 16 });
        let width = |style: &TextStyle, s: &str| style.font.box_size(s).map_or(0, |b| b.0);
        let mut size = 28;
        while size > 16 && width(&bold(size), title) > room {
            size -= 2;
        }
        let titles = wrap(title, room, |s| width(&bold(size), s));
        let lines = wrap(subtitle, room, |s| width(&text(18), s));
        let below = (size + 6) * (titles.len().max(1) as u32 - 1);
        let height = match lines.len() {
            0 => 56 + below,
            n => below + 62 + 24 * n as u32,
        };
        Heading {
            size,
            titles,
            lines,
            height,
        }
    }
}

/// Title and subtitle across the top (see [`Heading`]); returns the area below them.
fn heading<DB: Backend>(area: &Area<DB>, title: &str, subtitle: &str) -> anyhow::Result<Area<DB>> {
    let (w, _) = area.dim_in_pixel();
    let cx = (w / 2) as i32;
    let h = Heading::new(w, title, subtitle);
    let step = h.size as i32 + 6;
    for (i, l) in h.titles.iter().enumerate() {
        area.draw(&Text::new(
            l.clone(),
            (cx, 14 + step * i as i32),
            anchored(bold(h.size), HPos::Center, VPos::Top),
        ))?;
    }
    let below = step * h.titles.len().saturating_sub(1) as i32;
    let sub = text(18).color(&colour::GREY);
    for (i, l) in h.lines.iter().enumerate() {
        area.draw(&Text::new(
            l.clone(),
            (cx, below + 54 + 24 * i as i32),
            anchored(sub.clone(), HPos::Center, VPos::Top),
        ))?;
    }
    Ok(area.split_vertically(h.height).1)
}

/// Words of `s` in as few lines no wider than `room` (by `width`) as greedy filling gives, but
/// of even lengths, so that no word is left alone on the last line.
fn wrap(s: &str, room: u32, width: impl Fn(&str) -> u32) -> Vec<String> {
    let lines = greedy_wrap(s, room, &width);
    let n = lines.len();
    if n < 2 {
        return lines;
    }
    // The narrowest room that still needs no more lines.
    let (mut lo, mut hi) = (1, room);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if greedy_wrap(s, mid, &width).len() <= n {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    greedy_wrap(s, hi, &width)
}

/// Words of `s` in lines no wider than `room` by `width`, each line as full as it can be (a
/// longer word gets a line of its own). Words are split at plain spaces only, so a no-break
/// space (U+00A0) keeps a phrase together.
fn greedy_wrap(s: &str, room: u32, width: &impl Fn(&str) -> u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        match lines.last_mut() {
            Some(l) if width(&format!("{l} {word}")) <= room => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Whether `area` is (part of) the page's narrow picture.
fn is_narrow<DB: Backend>(area: &Area<DB>) -> bool {
    area.dim_in_pixel().0 <= PAGE_WIDTH
}

/// The largest size from `size` down to [`PAGE_TEXT`] at which `s` in `style` fits `room`
/// pixels (the smallest if none does).
fn fitting(size: u32, s: &str, room: u32, style: fn(u32) -> TextStyle<'static>) -> u32 {
    (PAGE_TEXT..=size)
        .rev()
        .find(|&k| style(k).font.box_size(s).map_or(0, |b| b.0) <= room)
        .unwrap_or(PAGE_TEXT)
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
    let mut b = ChartBuilder::on(area);
    b.margin(12)
        .margin_right(if is_narrow(area) { 16 } else { 36 })
        .x_label_area_size(64)
        .y_label_area_size(widest + 52);
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
        .map(|t| style.font.box_size(&t.1).map_or(0, |b| b.0) as i32)
        .max()
        .unwrap_or(0)
}

/// The width of a colour bar's slot: margin, gradient, ticks, labels, title and a gap after.
pub(crate) fn bar_width(bar: &Bar) -> u32 {
    let height = text(18).font.box_size("Ag").map_or(18, |b| b.1) as i32;
    (10 + BAR_BODY + TICK + TICK_GAP + widest_label(bar) + 10 + height + 30) as u32
}

/// Readouts along a series: up to `n` of its drawable points (within the x axis), spread
/// evenly, each saying `say(i)` of its index `i`.
fn curve_hits<DB: Backend>(
    chart: &Plot<DB>,
    (xs, ys): (&[f64], &[f64]),
    (x, y): (&Axis, &Axis),
    n: usize,
    say: impl Fn(usize) -> String,
    hits: &mut Hits,
) {
    let inside: Vec<(usize, (f64, f64))> = (0..xs.len().min(ys.len()))
        .filter_map(|i| Some((i, (x.to_within(xs[i])?, y.to(ys[i])?))))
        .collect();
    for k in pick_evenly(inside.len(), n, &[]) {
        let (i, p) = inside[k];
        let (hx, hy) = chart.backend_coord(&p);
        hits.push(Hit {
            x: hx,
            y: hy,
            say: say(i),
        });
    }
}

/// A readout at the point `p` (plot coordinates) of `chart`.
fn hit_at<DB: Backend>(chart: &Plot<DB>, p: (f64, f64), say: String, hits: &mut Hits) {
    let (x, y) = chart.backend_coord(&p);
    hits.push(Hit { x, y, say });
}

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

/// Label lines at their right ends: each label right-aligned at the plot's right edge, just
/// above where its line ends (`at`: the line's last point), nudged apart so none overlap.
fn end_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    labels: &[((f64, f64), String, RGBColor)],
) -> anyhow::Result<()> {
    side_labels(area, chart, labels, HPos::Right)
}

/// Label lines at their left ends: each label left-aligned at the plot's left edge, just above
/// where its line starts (`at`: the line's first point), nudged apart so none overlap, so that
/// they stack in the order of the lines.
fn start_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    labels: &[((f64, f64), String, RGBColor)],
) -> anyhow::Result<()> {
    side_labels(area, chart, labels, HPos::Left)
}

fn side_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    labels: &[((f64, f64), String, RGBColor)],
    side: HPos,
) -> anyhow::Result<()> {
    let (cols, rows) = chart.plotting_area().get_pixel_range();
    let wanted: Vec<i32> = labels
        .iter()
        .map(|(at, _, _)| chart.backend_coord(at).1 - 4)
        .collect();
    let placed = spread(&wanted, 19, rows.start + 18, rows.end - 2);
    let x = if matches!(side, HPos::Left) {
        cols.start + 8
    } else {
        cols.end - 6
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
    fn wrapping_fills_lines() {
        let by_chars = |s: &str| s.chars().count() as u32;
        assert_eq!(wrap("aa bb cc dd", 5, by_chars), ["aa bb", "cc dd"]);
        assert_eq!(wrap("aa bb cc dd", 20, by_chars), ["aa bb cc dd"]);
        // Greedy would leave "dd" alone: balanced lines instead.
        assert_eq!(wrap("aa bb cc dd", 8, by_chars), ["aa bb", "cc dd"]);
        assert_eq!(wrap("aaaaaaa b", 5, by_chars), ["aaaaaaa", "b"]);
        assert!(wrap("  ", 5, by_chars).is_empty());
        assert_eq!(wrap("a\u{a0}b c", 3, by_chars), ["a\u{a0}b", "c"]);
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
        let r = render(&broken(), &ChartOptions::default()).unwrap();
        // No trainer option varies: every chart but what_matters.png.
        assert_eq!(r.len(), FILES.len() - 1);
        // The lesson run had no finite loss: skipped, with the reason.
        assert!(matches!(&r[0], Rendered::Skipped { why, .. } if why.contains("no finite loss")));
        // The diverged nets' boundaries are still drawn, with a note instead of a heat map.
        assert!(matches!(&r[6], Rendered::Chart(c) if c.png.starts_with(b"\x89PNG")));
    }

    #[test]
    fn charts_of_no_data_are_skipped_not_panics() {
        let r = render(&ChartData::default(), &ChartOptions::default()).unwrap();
        assert_eq!(r.len(), FILES.len() - 1);
        assert!(r.iter().all(|c| matches!(c, Rendered::Skipped { .. })));
        let unknown = ChartOptions {
            chart_init: Some("normal:2".into()),
        };
        let e = render(&broken(), &unknown).unwrap_err().to_string();
        assert!(e.contains("\"normal:2\" is not in this sweep"), "{e}");
    }
}
