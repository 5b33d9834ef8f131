//! The pictures of a trainability map: its colours and colour bars, drawn by the pixel-grid
//! charts of `report::charts::map` (map.png, map-raw.png and the contact sheet).
//!
//! Default colouring: trained nets by their first solved epoch in viridis, untrained nets by
//! their final loss in OrRd; the two palettes share no colour, so the boundary between them is
//! the edge between blue-green-yellow and orange-red. Diverged nets are black.

use plotters::style::{BLACK, RGBColor};

use super::compute::Pixel;
use super::spec::{AxisSpec, Measure};
use crate::report::charts::axis::Axis;
use crate::report::charts::colour;
use crate::report::charts::map::{Bar, Inset};

/// Untrained final losses are shown on 0..0.5 (a net answering 0.5 everywhere has loss 0.25).
const LOSS_SPAN: f64 = 0.5;

fn two_colour(t: f64) -> RGBColor {
    if t < 0.5 {
        colour::LIGHT_GREY
    } else {
        colour::viridis(0.35)
    }
}

/// The colour bars of a measure.
pub fn bars(measure: Option<Measure>, epochs: u32) -> Vec<Bar> {
    let epoch_axis = Axis::epochs(f64::from(epochs));
    match measure {
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
            desc: "final loss".into(),
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
            palette: two_colour,
        }],
        Some(Measure::Converged) => vec![Bar {
            axis: Axis::linear(0.0, 1.0, 5),
            desc: "converged: mean loss / initial loss (orange-red: diverges)".into(),
            palette: colour::viridis,
        }],
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
