//! map.html: every frame of a map as a figure the browser lays out, so that it reads on a phone
//! as on a laptop. The grid is the frame's map-raw.png, scaled by the browser with square pixels
//! to the column's width; its axis ticks and colour bars are text the page sets (at least 12 px
//! at any width), from the same ticks, labels and palettes that map.png is drawn with. map.png
//! stays the picture for slides and papers: scaled to a phone's 380 px its 11 px labels would be
//! 4 px. Pointing at any frame reads a net's axis values and outcome; a click gives the command
//! that zooms there.

use askama::Template;
use serde::Serialize;

use super::draw::{self, Legend};
use super::spec::AxisSpec;
use crate::format;
use crate::report::charts::axis::Axis;

/// One axis as map.js reads it: the pixel values are computed there as [`AxisSpec::value`]
/// computes them.
#[derive(Serialize)]
pub struct PageAxis {
    name: String,
    lo: f64,
    hi: f64,
    n: u32,
    log: bool,
}

impl PageAxis {
    fn of(a: &AxisSpec) -> PageAxis {
        PageAxis {
            name: a.kind.to_string(),
            lo: a.lo,
            hi: a.hi,
            n: a.n,
            log: a.log,
        }
    }
}

/// A labelled tick `at` percent of the way along.
pub struct Tick {
    at: String,
    label: String,
}

/// Labelled ticks (in the coordinate of `r`, as an [`Axis`] or a colour bar has them) as
/// percentages of the way along `r`.
fn ticks(r: std::ops::Range<f64>, ticks: &[(f64, String)]) -> Vec<Tick> {
    ticks
        .iter()
        .map(|(t, label)| Tick {
            at: format::fixed(100.0 * (t - r.start) / (r.end - r.start), 2),
            label: label.clone(),
        })
        .collect()
}

fn axis_ticks(a: &AxisSpec) -> Vec<Tick> {
    let axis: Axis = draw::chart_axis(a);
    ticks(axis.range(), axis.ticks())
}

/// A colour bar as the page sets it: a CSS gradient of its palette and its ticks.
pub struct BarView {
    desc: String,
    gradient: String,
    ticks: Vec<Tick>,
}

/// A colour that stands for one outcome.
pub struct Swatch {
    css: String,
    text: String,
}

fn css([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

/// What a frame needs from its map: its axes, colours and where the next frame lies.
pub struct FrameIn<'a> {
    pub heading: String,
    pub x: &'a AxisSpec,
    pub y: &'a AxisSpec,
    /// map-raw.png of the frame.
    pub raw_png: &'a [u8],
    pub legend: Legend,
    /// The next frame's rectangle as fractions [x0, x1, y0, y1], y up.
    pub inset: Option<[f64; 4]>,
    /// The frame's zoom over that of the map's first frame (whose map.toml a click's command
    /// zooms from).
    pub depth: f64,
}

/// One frame as the template writes it.
pub struct FrameView {
    heading: String,
    src: String,
    nx: u32,
    ny: u32,
    x_name: String,
    y_name: String,
    x_ticks: Vec<Tick>,
    y_ticks: Vec<Tick>,
    /// CSS position of the next frame's rectangle.
    inset: Option<String>,
    bars: Vec<BarView>,
    swatches: Vec<Swatch>,
}

/// One frame as map.js reads it.
#[derive(Serialize)]
struct FrameData {
    x: PageAxis,
    y: PageAxis,
    legend: Legend,
    depth: f64,
}

fn view(f: &FrameIn) -> FrameView {
    let bar = |s: &draw::Scale| BarView {
        desc: s.bar.desc.clone(),
        gradient: (0..=16)
            .map(|k| format!("{} {}%", css(s.palette[(k * 255) / 16]), k * 100 / 16))
            .collect::<Vec<_>>()
            .join(", "),
        ticks: ticks(s.bar.range.clone(), &s.bar.ticks),
    };
    FrameView {
        heading: f.heading.clone(),
        src: super::output::data_uri(f.raw_png),
        nx: f.x.n,
        ny: f.y.n,
        x_name: f.x.kind.description(),
        y_name: f.y.kind.description(),
        x_ticks: axis_ticks(f.x),
        y_ticks: axis_ticks(f.y),
        inset: f.inset.map(|[x0, x1, y0, y1]| {
            let p = |v: f64| format::fixed(100.0 * v.clamp(0.0, 1.0), 2);
            format!(
                "left: {}%; width: {}%; bottom: {}%; height: {}%",
                p(x0),
                p(x1 - x0),
                p(y0),
                p(y1 - y0)
            )
        }),
        bars: f.legend.scales.iter().map(bar).collect(),
        swatches: f
            .legend
            .classes
            .iter()
            .map(|(c, text)| Swatch {
                css: css(*c),
                text: text.clone(),
            })
            .collect(),
    }
}

/// What map.js needs besides each frame: the zoom factor of the command a click prints, and
/// whether the map was a zoom sequence (whose map.toml would run one again).
#[derive(Serialize)]
struct Data {
    frames: Vec<FrameData>,
    zoom_factor: f64,
    sequence: bool,
}

/// One row of the page's table of frames.
pub struct FrameRow {
    pub name: String,
    pub zoom: f64,
    pub x: String,
    pub y: String,
    /// Share of pixels trained (or converged, as the map's boundary is).
    pub share: f64,
    pub chaotic: String,
    pub boundary_chaos: String,
    pub dimension: String,
}

/// A [`FrameRow`] as the page writes it.
struct RowText {
    name: String,
    zoom: String,
    x: String,
    y: String,
    share: String,
    chaotic: String,
    boundary_chaos: String,
    dimension: String,
}

/// The page's style and script (the readouts and the zoom commands).
const CSS: &str = include_str!("map.css");
const JS: &str = include_str!("map.js");

/// map.html's template (`templates/map.html`): every field is text to show (escaped by the
/// template) unless its name or doc says otherwise.
#[derive(Template)]
#[template(path = "map.html")]
struct MapPage<'a> {
    title: &'a str,
    verdict: &'a str,
    /// The lanes' arithmetic in words: "f64", "f32", "double-double (dd)".
    lanes: &'a str,
    /// map.css, inlined as it is.
    style: &'a str,
    frames: Vec<FrameView>,
    rows: Vec<RowText>,
    toml: &'a str,
    /// The script's data: JSON with "</" escaped (so inlined as it is).
    data: String,
    /// map.js, inlined as it is.
    script: &'a str,
}

/// The map as the page shows it: title, boundary verdict, frames, table rows, map.toml.
pub struct PageIn<'a> {
    pub title: &'a str,
    pub verdict: &'a str,
    pub lanes: &'a str,
    pub frames: Vec<FrameIn<'a>>,
    pub rows: &'a [FrameRow],
    pub toml: &'a str,
    pub zoom_factor: f64,
}

/// map.html: every frame (pointing at a net shows its axis values and outcome, a click the
/// command that zooms there), their boundary measures and map.toml, on one self-contained page
/// that fits a phone.
pub fn html(p: PageIn) -> anyhow::Result<Vec<u8>> {
    let views = p.frames.iter().map(view).collect();
    let sequence = p.frames.len() > 1;
    let data = Data {
        frames: p
            .frames
            .into_iter()
            .map(|f| FrameData {
                x: PageAxis::of(f.x),
                y: PageAxis::of(f.y),
                legend: f.legend,
                depth: f.depth,
            })
            .collect(),
        zoom_factor: p.zoom_factor,
        sequence,
    };
    let rows = p
        .rows
        .iter()
        .map(|r| RowText {
            name: r.name.clone(),
            zoom: format::tick(r.zoom),
            x: r.x.clone(),
            y: r.y.clone(),
            share: format!("{}%", format::fixed(100.0 * r.share, 1)),
            chaotic: r.chaotic.clone(),
            boundary_chaos: r.boundary_chaos.clone(),
            dimension: r.dimension.clone(),
        })
        .collect();
    Ok(MapPage {
        title: p.title,
        verdict: p.verdict,
        lanes: p.lanes,
        style: CSS,
        frames: views,
        rows,
        toml: p.toml,
        data: serde_json::to_string(&data)?.replace("</", "<\\/"),
        script: JS,
    }
    .render()?
    .into_bytes())
}
