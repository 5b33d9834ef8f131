//! What a chart is drawn on, and the two pictures of it: the PNG file's bitmap and the page's
//! SVG. Every chart's drawing is one function generic over [`Backend`], called once for each;
//! the page's picture is laid out for a phone ([`Layout::Page`], [`PAGE_WIDTH`] wide, text at
//! least [`PAGE_TEXT`]) and carries the readouts of its marks ([`Hit`]), which the page's
//! script shows and nothing else draws.

use std::fmt::Write as _;

use anyhow::Context;
use image::ImageEncoder;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{self, Axis};
use super::pick_evenly;

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
pub(super) type Area<DB> = DrawingArea<DB, Shift>;
/// A chart with two [`Axis`] coordinates.
pub(super) type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<axis::Coord, axis::Coord>>;

/// Which picture of a chart is drawn: the PNG file's, or the page's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Png,
    /// report.html's: [`PAGE_WIDTH`] wide, one panel per row, shown unscaled.
    Page,
}

impl Layout {
    /// Whether this is the page's narrow picture.
    pub(super) fn narrow(self) -> bool {
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
    /// More for the page's script, as attributes of the mark (name, value).
    pub attrs: Vec<(&'static str, String)>,
}

/// What a chart's drawing collects besides the picture: the page's readouts.
pub type Hits = Vec<Hit>;

/// Draw on a `w`×`h` white canvas and encode it as PNG.
pub(super) fn png(
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

/// Text made safe for the SVG's attribute values (the page inlines it as it is).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Draw the page's picture, [`PAGE_WIDTH`]×`h`, as an `<svg>` element: white behind, `title`
/// as its accessible name, and one invisible circle per [`Hit`] carrying its readout.
pub(super) fn svg(
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
        esc(title)
    );
    let mut out = out.replacen("<svg ", &open, 1);
    let end = out.rfind("</svg>").context("plotters wrote no </svg>")?;
    let mut marks = String::from("<g class=\"hits\" fill=\"none\">\n");
    for h in &hits {
        let more: String = h
            .attrs
            .iter()
            .map(|(k, v)| format!(" {k}=\"{}\"", esc(v)))
            .collect();
        let _ = writeln!(
            marks,
            "<circle cx=\"{}\" cy=\"{}\" r=\"9\" data-say=\"{}\"{more}/>",
            h.x,
            h.y,
            esc(&h.say)
        );
    }
    marks.push_str("</g>\n");
    out.insert_str(end, &marks);
    Ok(out)
}

/// Whether `area` is (part of) the page's narrow picture.
pub(super) fn is_narrow<DB: Backend>(area: &Area<DB>) -> bool {
    area.dim_in_pixel().0 <= PAGE_WIDTH
}

/// Readouts along a series: up to `n` of its drawable points (within the x axis), spread
/// evenly, each saying `say(i)` of its index `i`.
pub(super) fn curve_hits<DB: Backend>(
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
            attrs: Vec::new(),
        });
    }
}

/// A readout at the point `p` (plot coordinates) of `chart`.
pub(super) fn hit_at<DB: Backend>(chart: &Plot<DB>, p: (f64, f64), say: String, hits: &mut Hits) {
    let (x, y) = chart.backend_coord(&p);
    hits.push(Hit {
        x,
        y,
        say,
        attrs: Vec::new(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
    }
}
