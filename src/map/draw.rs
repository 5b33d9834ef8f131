//! The pictures of a trainability map: its colours and colour bars, drawn by the pixel-grid
//! charts of `report::charts::map` (map.png, map-raw.png and the contact sheet).
//!
//! Two words, used alike here, in map.html, the terminal and a sweep: a net is *trained* when
//! all four outputs are right after the last epoch, and *solved* at the first epoch all four are
//! right (a net can solve and lose it again). Default colouring: trained nets by the epoch they
//! first solved in viridis, the others by their final loss in OrRd; the two palettes share no
//! colour, so the boundary between them is the edge between blue-green-yellow and orange-red.
//! Diverged nets are black.

use plotters::style::{BLACK, RGBColor};
use serde::Serialize;

use super::compute::Pixel;
use super::spec::{AxisSpec, Measure};
use crate::format::tick as tick_label;
use crate::report::charts::Bar;
use crate::report::charts::axis::{Axis, Scale as AxisScale};
use crate::report::charts::colour;
use crate::report::charts::map::Inset;

/// Untrained final losses are shown on 0..0.5 (a net answering 0.5 everywhere has loss 0.25).
const LOSS_SPAN: f64 = 0.5;

fn two_colour(t: f64) -> RGBColor {
    if t < 0.5 {
        colour::LIGHT_GREY
    } else {
        colour::viridis(0.35)
    }
}

/// The colour bars of a measure, for a frame of `pixels` (a bar whose colours clamp says so at
/// its end: "≥ 0.5").
pub fn bars(measure: Option<Measure>, epochs: u32, pixels: &[Pixel]) -> Vec<Bar> {
    legend(measure, epochs, pixels)
        .scales
        .into_iter()
        .map(|s| s.bar)
        .collect()
}

/// Does any pixel that `show` picks lie below (`.0`) or above (`.1`) the span `lo..=hi` of `v`?
fn beyond(
    pixels: &[Pixel],
    show: impl Fn(&Pixel) -> bool,
    v: fn(&Pixel) -> f32,
    lo: f64,
    hi: f64,
) -> (bool, bool) {
    let values = || {
        pixels
            .iter()
            .filter(|p| !p.diverged && show(p))
            .map(|p| f64::from(v(p)))
    };
    (values().any(|x| x < lo), values().any(|x| x > hi))
}

/// A bar over `axis`, its end labels marked "≤"/"≥" where colours clamp.
fn bar(axis: &Axis, desc: &str, palette: fn(f64) -> RGBColor, clamped: (bool, bool)) -> Bar {
    let mut b = Bar::of(axis, desc, palette);
    let r = b.range.clone();
    for (at, sign, wanted) in [(r.start, "≤", clamped.0), (r.end, "≥", clamped.1)] {
        let end = b
            .ticks
            .iter_mut()
            .find(|t| (t.0 - at).abs() < 1e-9 * (r.end - r.start));
        if let (Some(t), true) = (end, wanted) {
            t.1 = format!("{sign}\u{a0}{}", t.1);
        }
    }
    b
}

/// The epoch bar: log(1 + epoch) from epoch 0 (labelled "0": the true start) to the last
/// epoch, ticked at 1, 10, 100, … and at the last epoch where that is well clear of them.
fn epoch_bar(epochs: u32, desc: &str) -> Bar {
    let axis = Axis::epochs(f64::from(epochs));
    let mut b = bar(&axis, desc, colour::viridis, (false, false));
    let end = b.range.end;
    let last = b.ticks.last().map_or(0.0, |t| t.0);
    if end - last > 0.08 * end {
        b.ticks.push((end, tick_label(f64::from(epochs))));
    }
    b
}

/// How map.html reads a pixel's outcome back from its colour in map.png.
#[derive(Serialize)]
pub struct Legend {
    /// Colours that each mean one outcome: (red, green, blue) and the outcome.
    pub classes: Vec<([u8; 3], String)>,
    /// The colour bars, each with its palette sampled.
    pub scales: Vec<Scale>,
}

/// One colour bar as map.html reads it.
#[derive(Serialize)]
pub struct Scale {
    #[serde(skip)]
    pub bar: Bar,
    /// The palette at 256 evenly spaced fractions of the way up.
    pub palette: Vec<[u8; 3]>,
    /// The bar's coordinate at its ends and how a value maps to it: "linear", "log" (log10 x)
    /// or "epoch" (log10(1 + epoch)).
    pub lo: f64,
    pub hi: f64,
    pub scale: &'static str,
    /// Whether colours clamp at the bottom or top (values beyond show as the end colour).
    pub clamped: (bool, bool),
    /// The outcome, with `{v}` where the value read from the colour goes.
    pub text: String,
}

fn scale(axis: &Axis, b: Bar, clamped: (bool, bool), text: String) -> Scale {
    let r = axis.range();
    Scale {
        palette: (0..256)
            .map(|k| {
                let c = (b.palette)(f64::from(k) / 255.0);
                [c.0, c.1, c.2]
            })
            .collect(),
        lo: r.start,
        hi: r.end,
        scale: match axis.scale {
            AxisScale::Linear => "linear",
            AxisScale::Log => "log",
            AxisScale::Epoch => "epoch",
        },
        clamped,
        text,
        bar: b,
    }
}

fn rgb(c: RGBColor) -> [u8; 3] {
    [c.0, c.1, c.2]
}

/// The colour bars of a measure and what map.html needs to read colours back. The words:
/// *trained* = all four outputs right after the last epoch; *solved* (as in a sweep) = all four
/// right at some epoch, the solved epoch being the first.
pub fn legend(measure: Option<Measure>, epochs: u32, pixels: &[Pixel]) -> Legend {
    Legend {
        classes: classes(measure),
        scales: scales(measure, epochs, pixels),
    }
}

/// The colours that are a class, not a value: diverged, and the measure's own.
fn classes(measure: Option<Measure>) -> Vec<([u8; 3], String)> {
    let mut out = vec![(rgb(BLACK), "diverged (a loss not finite)".to_string())];
    match measure {
        Some(Measure::SolvedEpoch) => out.push((
            rgb(colour::LIGHT_GREY),
            "never solved (never all four right)".into(),
        )),
        Some(Measure::Trained) => {
            out.push((
                rgb(two_colour(0.0)),
                "not trained (an output wrong after the last epoch)".into(),
            ));
            out.push((
                rgb(two_colour(1.0)),
                "trained (all four right after the last epoch)".into(),
            ));
        }
        Some(Measure::Converged) => out.push((
            rgb(colour::or_rd(0.75)),
            "not converged (mean of loss / initial loss 1 or more)".into(),
        )),
        _ => {}
    }
    out
}

/// A measure's bar over `a`, its ends marked where colours clamp, and its readout `text`.
fn measured(
    a: &Axis,
    desc: &str,
    palette: fn(f64) -> RGBColor,
    clamped: (bool, bool),
    text: &str,
) -> Scale {
    scale(a, bar(a, desc, palette, clamped), clamped, text.into())
}

/// The colour bars of a measure.
fn scales(measure: Option<Measure>, epochs: u32, pixels: &[Pixel]) -> Vec<Scale> {
    let epoch = |desc: &str, text: &str| {
        let b = epoch_bar(epochs, desc);
        scale(
            &Axis::epochs(f64::from(epochs)),
            b,
            (false, false),
            text.into(),
        )
    };
    let none = (false, false);
    match measure {
        None => {
            let loss = Axis::linear(0.0, LOSS_SPAN, 5);
            let c = beyond(pixels, |p| !p.trained, |p| p.final_loss, 0.0, LOSS_SPAN);
            vec![
                epoch(
                    "trained: epoch first solved (log scale)",
                    "trained (all four right after the last epoch), first solved at epoch {v}",
                ),
                measured(
                    &loss,
                    "not trained: final loss",
                    colour::or_rd,
                    c,
                    "not trained, final loss {v}",
                ),
            ]
        }
        Some(Measure::FinalLoss) => {
            let a = Axis::log(1e-4, 1.0);
            let c = beyond(pixels, |_| true, |p| p.final_loss, 1e-4, 1.0);
            vec![measured(
                &a,
                "final loss",
                colour::viridis,
                c,
                "final loss {v}",
            )]
        }
        Some(Measure::MeanLoss) => {
            let a = Axis::linear(0.0, 1.0, 5);
            let c = beyond(pixels, |_| true, |p| p.mean_loss, 0.0, 1.0);
            let what = "mean of loss / initial loss";
            vec![measured(
                &a,
                what,
                colour::viridis,
                c,
                &format!("{what} {{v}}"),
            )]
        }
        Some(Measure::SolvedEpoch) => vec![epoch(
            "epoch first solved (log scale; grey: never)",
            "first solved at epoch {v}",
        )],
        Some(Measure::Trained) => {
            let a = Axis::categories(vec!["not trained".into(), "trained".into()]);
            let desc = "all four outputs right after the last epoch";
            vec![measured(&a, desc, two_colour, none, "")]
        }
        Some(Measure::Converged) => {
            let a = Axis::linear(0.0, 1.0, 5);
            vec![measured(
                &a,
                "converged: mean loss / initial loss (orange-red: not)",
                colour::viridis,
                none,
                "converged, mean of loss / initial loss {v}",
            )]
        }
    }
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
                Some(Measure::Trained) => two_colour(if p.trained { 1.0 } else { 0.0 }),
                Some(Measure::Converged) if p.converged => colour::viridis(f64::from(p.mean_loss)),
                Some(Measure::Converged) => colour::or_rd(0.75),
            }
        })
        .collect()
}

/// A map axis as a chart axis.
pub fn chart_axis(a: &AxisSpec) -> Axis {
    if a.log {
        Axis::log_zoomable(a.lo, a.hi)
    } else {
        Axis::linear(a.lo, a.hi, 8)
    }
}

/// Where `inner` lies on `outer`, as a fraction (in log space on a log axis).
fn span(outer: &AxisSpec, inner: &AxisSpec) -> (f64, f64) {
    let f = |v: f64| {
        if outer.log {
            (v.ln() - outer.lo.ln()) / (outer.hi.ln() - outer.lo.ln())
        } else {
            (v - outer.lo) / (outer.hi - outer.lo)
        }
    };
    (f(inner.lo), f(inner.hi))
}

/// The rectangle a zoomed frame (axes `x`, `y`) covers on a frame with axes `outer`.
pub fn inset(outer: (&AxisSpec, &AxisSpec), x: &AxisSpec, y: &AxisSpec) -> Inset {
    let ((x0, x1), (y0, y1)) = (span(outer.0, x), span(outer.1, y));
    [x0, x1, y0, y1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(trained: bool, final_loss: f32) -> Pixel {
        Pixel {
            final_loss,
            mean_loss: 0.5,
            solved_epoch: if trained { 12.0 } else { f32::NAN },
            trained,
            converged: true,
            diverged: false,
        }
    }

    #[test]
    fn bars_say_where_colours_clamp_and_label_epochs_on_their_log_scale() {
        let labels = |b: &Bar| b.ticks.iter().map(|t| t.1.clone()).collect::<Vec<_>>();
        let within = [pixel(true, 0.01), pixel(false, 0.3)];
        let b = bars(None, 300, &within);
        assert_eq!(labels(&b[0]), ["0", "1", "10", "100", "300"]);
        assert_eq!(labels(&b[1]).last().unwrap(), "0.5");
        // A loss above 0.5 shows as 0.5's colour: the bar says "≥ 0.5".
        let beyond = [pixel(true, 0.01), pixel(false, 0.7)];
        assert_eq!(
            labels(&bars(None, 300, &beyond)[1]).last().unwrap(),
            "≥\u{a0}0.5"
        );
        // The last epoch is not labelled where a power of ten already sits at the top.
        assert_eq!(
            labels(&bars(None, 1000, &within)[0]),
            ["0", "1", "10", "100", "1000"]
        );
        // Trained nets' losses (below 0.5 or not) do not mark the untrained bar.
        let trained_high = [pixel(true, 0.7), pixel(false, 0.2)];
        assert_eq!(
            labels(&bars(None, 300, &trained_high)[1]).last().unwrap(),
            "0.5"
        );
    }

    #[test]
    fn a_zoomed_axis_is_the_middle_of_its_parent() {
        let a: AxisSpec = "lr:1..10000:64:log".parse().unwrap();
        let z = a.zoomed(100.0, 10.0).unwrap();
        let [x0, x1, ..] = inset((&a, &a), &z, &z);
        assert!(
            (x0 - 0.45).abs() < 1e-12 && (x1 - 0.55).abs() < 1e-12,
            "{x0} {x1}"
        );
    }
}
