//! decision_boundaries.png: what a trained net computes over the whole input square, not just
//! at the four XOR points. The lesson's net bends its 0.5 contour around the two "1" corners; a
//! net whose hidden units are clones has in effect one hidden unit, so its 0.5 contour is a
//! single straight line and can separate at most three of the four points.

use std::ops::Range;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::data::{ChartData, Example};
use super::{
    Area, Backend, Bar, Heading, Hits, Layout, PAGE_WIDTH, Plot, Rendered, anchored, colour,
    colour_bar, heading, hit_at, png, svg, text, text_at,
};
use crate::baseline::LESSON_LR;
use crate::format;
use crate::train::{XOR_CASES, sigmoid};

pub const FILE: &str = "decision_boundaries.png";

/// The input square drawn: [−0.5, 1.5]².
const LO: f64 = -0.5;
const HI: f64 = 1.5;
/// Grid cells per side of the heat map.
const GRID: usize = 200;

/// The net's output for input (x1, x2).
pub fn output(p: &[f64; 9], x1: f64, x2: f64) -> f64 {
    let [w11, w12, b1, w21, w22, b2, v1, v2, c] = *p;
    let h1 = sigmoid(w11 * x1 + w12 * x2 + b1);
    let h2 = sigmoid(w21 * x1 + w22 * x2 + b2);
    sigmoid(v1 * h1 + v2 * h2 + c)
}

/// Segments of the `level` contour of values on an n×n grid of nodes spanning [lo, hi]² (row
/// `j`, column `i` at index `j·n + i`, x along columns), by marching squares; saddles are
/// resolved by the value at the cell's centre. Cells with a NaN corner are skipped.
pub fn contour(values: &[f64], n: usize, lo: f64, hi: f64, level: f64) -> Vec<[(f64, f64); 2]> {
    let mut out = Vec::new();
    if n < 2 || values.len() < n * n {
        return out;
    }
    let step = (hi - lo) / (n - 1) as f64;
    let at = |i: usize, j: usize| values[j * n + i];
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            // Corners counter-clockwise from bottom left, with their positions.
            let v = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
            if v.iter().any(|x| x.is_nan()) {
                continue;
            }
            let (x0, y0) = (lo + i as f64 * step, lo + j as f64 * step);
            let pos = [
                (x0, y0),
                (x0 + step, y0),
                (x0 + step, y0 + step),
                (x0, y0 + step),
            ];
            let above = v.map(|x| x >= level);
            // Edge k joins corner k and corner k + 1.
            let cross = |k: usize| -> Option<(f64, f64)> {
                let (a, b) = (k, (k + 1) % 4);
                if above[a] == above[b] {
                    return None;
                }
                let t = (level - v[a]) / (v[b] - v[a]);
                Some((
                    pos[a].0 + t * (pos[b].0 - pos[a].0),
                    pos[a].1 + t * (pos[b].1 - pos[a].1),
                ))
            };
            let edges: Vec<(usize, (f64, f64))> =
                (0..4).filter_map(|k| cross(k).map(|p| (k, p))).collect();
            match edges.len() {
                2 => out.push([edges[0].1, edges[1].1]),
                4 => {
                    // A saddle: cut off the corners on the other side from the centre.
                    let centre = v.iter().sum::<f64>() / 4.0 >= level;
                    for k in (0..4).filter(|&k| above[k] != centre) {
                        // Corner k lies between edge k − 1 and edge k.
                        let (a, b) = ((k + 3) % 4, k);
                        if let (Some(p), Some(q)) = (cross(a), cross(b)) {
                            out.push([p, q]);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let lesson = data.example_near("lesson", LESSON_LR);
    let symmetric = data.example_near("symmetric", LESSON_LR);
    let panels: Vec<(&Example, String)> = lesson
        .map(|e| (e, "lesson's weights".to_string()))
        .into_iter()
        .chain(symmetric.map(|e| (e, format!("{} clones", e.scheme.label()))))
        .collect();
    if panels.is_empty() {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep has neither the lesson's init nor a symmetric init".into(),
        });
    }
    let title = "Decision boundaries: the trained nets' output over the input plane".to_string();
    let subtitle = "colour = network output; white line = output 0.5, the decision boundary; circles = the four XOR cases (filled black: target 0, white: target 1)".to_string();
    let width = 160 + 640 * panels.len() as u32;
    let png = png(width, 800, |root| {
        let area = heading(root, &title, &subtitle)?;
        let (w, _) = area.dim_in_pixel();
        let (panels_area, bar) = area.split_horizontally(w - 150);
        let areas = panels_area.split_evenly((1, panels.len()));
        let mut rows = 0..0;
        for ((e, what), a) in panels.iter().zip(&areas) {
            rows = panel(a, e, what, Layout::Png, &mut Hits::new())?;
        }
        let scale = Axis::linear(0.0, 1.0, 5);
        colour_bar(
            &bar,
            &Bar::of(&scale, "network output", colour::viridis),
            rows,
        )
    })?;
    let top = Heading::new(PAGE_WIDTH, &title, &subtitle).height;
    let svg = svg(top + 400 * panels.len() as u32, &title, |root, hits| {
        let area = heading(root, &title, &subtitle)?;
        let areas = area.split_evenly((panels.len(), 1));
        for ((e, what), a) in panels.iter().zip(&areas) {
            panel(a, e, what, Layout::Page, hits)?;
        }
        Ok(())
    })?;
    let mut caption = String::new();
    if let Some(e) = lesson {
        caption.push_str(&format!(
            "The lesson's net at learning rate {} (run {}) {}",
            format::value(e.lr),
            e.run,
            verdict(e)
        ));
    }
    if let Some(e) = symmetric {
        caption.push_str(if caption.is_empty() { "A" } else { ", while a" });
        caption.push_str(&format!(
            " {} net at learning rate {} (run {}) {}: with identical hidden units its boundary is one straight line, which cannot separate XOR",
            e.scheme.label(),
            format::value(e.lr),
            e.run,
            verdict(e)
        ));
    }
    caption.push('.');
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
        svg,
    }))
}

/// "solved XOR (4 of 4 right)" or "gets 3 of 4 right".
fn verdict(e: &Example) -> String {
    if e.diverged {
        "diverged".into()
    } else if e.correct == 4 {
        "solved XOR (all 4 cases right)".into()
    } else {
        format!("gets {} of 4 cases right", e.correct)
    }
}

/// Draw one net's panel; returns the absolute pixel rows of its plot.
fn panel<DB: Backend>(
    area: &Area<DB>,
    e: &Example,
    what: &str,
    l: Layout,
    hits: &mut Hits,
) -> anyhow::Result<Range<i32>> {
    let verdict = if e.diverged {
        "diverged".to_string()
    } else if e.correct == 4 {
        "solved XOR".to_string()
    } else {
        format!("{} of 4 cases right", e.correct)
    };
    let caption = match l {
        Layout::Png => format!("{what}, learning rate {}: {verdict}", format::value(e.lr)),
        Layout::Page => format!("{what}: {verdict}"),
    };
    let x = Axis::linear(LO, HI, 4);
    let y = Axis::linear(LO, HI, 4);
    let mut chart = super::plot(area, Some(&caption), &x, &y, "input x1", "input x2")?;
    if e.params.iter().all(|p| p.is_finite()) {
        heat(area, &chart, &e.params)?;
        boundary(area, &mut chart, &e.params)?;
        for i in 0..=8 {
            for j in 0..=8 {
                let (x1, x2) = (LO + 0.25 * f64::from(i), LO + 0.25 * f64::from(j));
                let say = format!(
                    "x₁ = {}, x₂ = {}: output {}",
                    format::value(x1),
                    format::value(x2),
                    format::significant(output(&e.params, x1, x2), 3)
                );
                hit_at(&chart, (x1, x2), say, hits);
            }
        }
    } else {
        let (cx, cy) = chart.backend_coord(&(0.5, 0.5));
        text_at(
            area,
            (cx, cy),
            "diverged: the weights are not finite",
            anchored(text(18), HPos::Center, VPos::Center),
        )?;
    }
    for &(x1, x2, target) in &XOR_CASES {
        case(area, &mut chart, &e.params, (x1, x2, target), l)?;
    }
    Ok(super::plot_rows(&chart))
}

/// The output over the plot, one colour per pixel (a bitmap: the PNG's pixels, an image in
/// the page's SVG).
fn heat<DB: Backend>(area: &Area<DB>, chart: &Plot<DB>, p: &[f64; 9]) -> anyhow::Result<()> {
    let (cols, rows) = chart.plotting_area().get_pixel_range();
    let (w, h) = (
        (cols.end - cols.start) as u32,
        (rows.end - rows.start) as u32,
    );
    let mut buf = Vec::with_capacity((w * h * 3) as usize);
    for j in 0..h {
        let x2 = HI - (HI - LO) * (f64::from(j) + 0.5) / f64::from(h);
        for i in 0..w {
            let x1 = LO + (HI - LO) * (f64::from(i) + 0.5) / f64::from(w);
            let c = colour::viridis(output(p, x1, x2));
            buf.extend([c.0, c.1, c.2]);
        }
    }
    let base = area.get_base_pixel();
    let at = (cols.start - base.0, rows.start - base.1);
    if let Some(image) = BitMapElement::with_owned_buffer(at, (w, h), buf) {
        area.draw(&image)?;
    }
    Ok(())
}

/// The 0.5 contour, white with a dark edge so it shows on every colour.
fn boundary<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Plot<DB>,
    p: &[f64; 9],
) -> anyhow::Result<()> {
    let n = GRID + 1;
    let step = (HI - LO) / GRID as f64;
    let values: Vec<f64> = (0..n * n)
        .map(|k| {
            let (i, j) = (k % n, k / n);
            output(p, LO + i as f64 * step, LO + j as f64 * step)
        })
        .collect();
    let segs = contour(&values, n, LO, HI, 0.5);
    for (w, c) in [(5, BLACK.mix(0.6)), (3, WHITE.to_rgba())] {
        chart.draw_series(
            segs.iter()
                .map(|s| PathElement::new(s.to_vec(), c.stroke_width(w))),
        )?;
    }
    if segs.is_empty() {
        let (cx, cy) = chart.backend_coord(&(0.5, HI));
        text_at(
            area,
            (cx, cy + 12),
            "the output never crosses 0.5 here",
            anchored(text(16).color(&WHITE), HPos::Center, VPos::Top),
        )?;
    }
    Ok(())
}

/// One XOR case: a circle (white: target 1) and its output beneath, on a light backing.
fn case<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Plot<DB>,
    p: &[f64; 9],
    (x1, x2, target): (f64, f64, f64),
    l: Layout,
) -> anyhow::Result<()> {
    let out = output(p, x1, x2);
    let (fill, edge) = if target > 0.5 {
        (WHITE, BLACK)
    } else {
        (BLACK, WHITE)
    };
    chart.draw_series([
        Circle::new((x1, x2), 11, fill.filled()),
        Circle::new((x1, x2), 11, edge.stroke_width(2)),
    ])?;
    let (px, py) = chart.backend_coord(&(x1, x2));
    let label = match l {
        Layout::Png => format!("target {}, out {}", target, format::significant(out, 2)),
        Layout::Page => format!("out {}", format::significant(out, 2)),
    };
    let style = anchored(text(15), HPos::Center, VPos::Top);
    let (tw, th) = style.font.box_size(&label).unwrap_or((120, 16));
    let (lx, ly) = (px, py + 18);
    let half = tw as i32 / 2 + 5;
    let base = area.get_base_pixel();
    area.draw(&Rectangle::new(
        [
            (lx - half - base.0, ly - 3 - base.1),
            (lx + half - base.0, ly + th as i32 + 5 - base.1),
        ],
        WHITE.mix(0.85).filled(),
    ))?;
    text_at(area, (lx, ly), &label, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_matches_the_reference_forward_pass() {
        let p = crate::train::Params::LESSON;
        let outs = crate::train::reference::forward(&p, &crate::train::Options::LESSON).outputs;
        for (&(x1, x2, _), o) in XOR_CASES.iter().zip(outs) {
            assert_eq!(output(&p.0, x1, x2), o);
        }
    }

    #[test]
    fn contour_of_a_plane_is_a_straight_line() {
        // f(x, y) = x on [0, 1]² with 3×3 nodes: the 0.25 contour is the line x = 0.25.
        let n = 3;
        let v: Vec<f64> = (0..n * n).map(|k| (k % n) as f64 * 0.5).collect();
        let segs = contour(&v, n, 0.0, 1.0, 0.25);
        assert_eq!(segs.len(), 2);
        for s in &segs {
            assert!(s.iter().all(|p| (p.0 - 0.25).abs() < 1e-12), "{s:?}");
        }
        // Nothing crosses a level outside the values; NaN cells are skipped.
        assert!(contour(&v, n, 0.0, 1.0, 5.0).is_empty());
        assert!(contour(&[f64::NAN; 9], 3, 0.0, 1.0, 0.5).is_empty());
        assert!(contour(&[], 0, 0.0, 1.0, 0.5).is_empty());
    }

    #[test]
    fn saddle_is_split_by_its_centre() {
        // Corners 1 0 / 0 1 (bottom-left and top-right high).
        let v = [1.0, 0.0, 0.0, 1.0];
        let high_centre = contour(&v, 2, 0.0, 1.0, 0.4);
        let low_centre = contour(&v, 2, 0.0, 1.0, 0.6);
        assert_eq!((high_centre.len(), low_centre.len()), (2, 2));
        // Centre 0.5 ≥ 0.4: the low corners (bottom-right, top-left) are cut off.
        assert!(
            high_centre
                .iter()
                .any(|s| s.contains(&(0.6, 0.0)) && s.contains(&(1.0, 0.4)))
        );
        // Centre 0.5 < 0.6: the high corners are cut off.
        assert!(
            low_centre
                .iter()
                .any(|s| s.contains(&(0.4, 0.0)) && s.contains(&(0.0, 0.4)))
        );
    }
}
