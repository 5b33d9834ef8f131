//! symmetry_breaking.png: the lesson's "symmetry breaking" paragraph as evidence. (a) Two hidden
//! units that start identical get identical gradients and stay clones (their gap is exactly 0
//! for ever), while a gap of ε grows until the units do different jobs. (b) How the share of
//! nets that learn XOR, and how soon, depends on ε.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Axis, tick_label};
use super::data::{Cell, ChartData, closest};
use super::{
    Area, Rendered, anchored, colour, finite_range, heading, legend, line, percent, png, segments,
    text, text_at,
};
use crate::baseline::LESSON_LR;

pub const FILE: &str = "symmetry_breaking.png";

/// The cells drawn: exactly symmetric and nearly symmetric, at one learning rate.
struct Chosen<'a> {
    lr: f64,
    symmetric: Option<&'a Cell>,
    /// Sorted by ε.
    near: Vec<&'a Cell>,
}

fn choose(data: &ChartData) -> Option<Chosen<'_>> {
    let is_sym = |c: &&Cell| c.scheme.init == "symmetric";
    let is_near = |c: &&Cell| c.scheme.init == "near-symmetric";
    let both: Vec<&Cell> = data
        .cells
        .iter()
        .filter(|c| is_sym(c) || is_near(c))
        .collect();
    let lr = both[closest(both.iter().map(|c| c.lr), LESSON_LR)?].lr;
    let symmetric = both.iter().copied().find(|c| is_sym(c) && c.lr == lr);
    let mut near: Vec<&Cell> = both
        .iter()
        .copied()
        .filter(|c| is_near(c) && c.lr == lr)
        .collect();
    near.sort_by(|a, b| a.scheme.eps.unwrap_or(0.0).total_cmp(&b.scheme.eps.unwrap_or(0.0)));
    Some(Chosen {
        lr,
        symmetric,
        near,
    })
}

/// How a near-symmetric cell is named in a legend: by ε, with the scale if scales differ.
fn eps_label(c: &Cell, scales_differ: bool) -> String {
    let eps = c.scheme.eps.map_or("?".into(), tick_label);
    match (scales_differ, c.scheme.scale) {
        (true, Some(a)) => format!("ε = {eps} (A = {})", tick_label(a)),
        _ => format!("ε = {eps}"),
    }
}

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let Some(ch) = choose(data) else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep has no symmetric or near-symmetric init".into(),
        });
    };
    let title = "Symmetry breaking: clones never learn XOR, a tiny difference is enough".to_string();
    let subtitle = format!(
        "learning rate {}; hidden gap = max |difference| between the two hidden units' weights",
        tick_label(ch.lr)
    );
    let png = png(1500, 760, |root| {
        let area = heading(root, &title, &subtitle)?;
        let (left, right) = area.split_horizontally(760);
        gap_panel(&left, &ch)?;
        eps_panel(&right, &ch)
    })?;
    let mut caption = String::from("Left: the median hidden gap over training; ");
    if ch.symmetric.is_some() {
        caption.push_str("exactly symmetric nets keep a gap of 0 and never solve XOR, while ");
    }
    caption.push_str(
        "a gap of ε grows exponentially until the hidden units split. Right: the share of nearly symmetric nets that solve XOR, and the median epoch at which they do, against ε.",
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
    }))
}

/// (a) median hidden gap over epochs.
fn gap_panel(area: &Area, ch: &Chosen) -> anyhow::Result<()> {
    let all: Vec<&Cell> = ch.symmetric.iter().copied().chain(ch.near.iter().copied()).collect();
    let max_epoch = all
        .iter()
        .filter_map(|c| c.curve.epoch.last().copied())
        .fold(1.0, f64::max);
    let x = Axis::linear(0.0, max_epoch, 5);
    let (lo, hi) = finite_range(ch.near.iter().flat_map(|c| c.curve.gap.iter().copied()), true)
        .unwrap_or((1e-12, 1.0));
    let y = Axis::log(lo / 8.0, hi * 3.0);
    let mut chart = super::plot(
        area,
        Some("(a) median hidden gap over training"),
        &x,
        &y,
        "epoch (gradient steps)",
        "hidden gap (log scale)",
    )?;
    let scales_differ = ch.near.windows(2).any(|w| w[0].scheme.scale != w[1].scheme.scale);
    let colours = colour::series(ch.near.len());
    for (c, col) in ch.near.iter().zip(&colours) {
        line(
            &mut chart,
            segments(&c.curve.epoch, &c.curve.gap, &x, &y),
            col.stroke_width(3),
            Some(&eps_label(c, scales_differ)),
        )?;
    }
    if let Some(s) = ch.symmetric {
        // A gap of exactly 0 has no place on a log axis: drawn along its floor instead.
        let (y0, y1) = (y.range().start, y.range().end);
        let floor = y0 + 0.015 * (y1 - y0);
        let style = BLACK.stroke_width(3);
        chart
            .draw_series([DashedPathElement::new(
                vec![(x.range().start, floor), (x.range().end, floor)],
                10,
                6,
                style,
            )])?
            .label(format!("ε = 0 ({}): exactly 0, drawn at the floor", s.scheme.label()))
            .legend(move |(px, py)| {
                DashedPathElement::new(vec![(px, py), (px + 24, py)], 8, 4, style)
            });
        if s.curve.gap.iter().any(|g| *g != 0.0) {
            let (sx, sy) = chart.backend_coord(&(x.range().start, floor));
            text_at(
                area,
                (sx + 8, sy - 8),
                "note: some symmetric nets' gap is not exactly 0",
                anchored(text(15).color(&colour::VERMILLION), HPos::Left, VPos::Bottom),
            )?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// (b) solved share and median epoch of solving against ε.
fn eps_panel(area: &Area, ch: &Chosen) -> anyhow::Result<()> {
    let eps: Vec<f64> = ch.near.iter().filter_map(|c| c.scheme.eps).collect();
    let (lo, hi) = finite_range(eps.iter().copied(), true).unwrap_or((1e-12, 0.1));
    let x = Axis::log(lo / 3.0, hi * 3.0);
    let y = Axis::fraction();
    let epochs_hi = ch
        .near
        .iter()
        .flat_map(|c| c.solved_epoch.iter().flatten().copied())
        .chain(ch.near.iter().filter_map(|c| c.curve.epoch.last().copied()))
        .fold(1.0, f64::max);
    let y2 = Axis::linear(0.0, epochs_hi * 1.05, 6);
    let mut chart = super::plot(
        area,
        Some("(b) nearly symmetric nets against ε"),
        &x,
        &y,
        "ε: initial difference between the hidden units (log scale)",
        "nets solved (share, 95% interval)",
    )?
    .set_secondary_coord(x.spec(), y2.spec());
    let y2f = |v: &f64| y2.label(*v);
    chart
        .configure_secondary_axes()
        .y_desc("median epoch of solving (quartile bars)")
        .y_label_formatter(&y2f)
        .label_style(text(16))
        .axis_desc_style(text(19))
        .draw()?;

    // Solved share with its Wilson interval (left axis).
    let solved: Vec<(f64, f64, f64, f64)> = ch
        .near
        .iter()
        .filter_map(|c| {
            let px = x.to(c.scheme.eps?)?;
            Some((px, c.solved_fraction, c.solved_ci95.0, c.solved_ci95.1))
        })
        .filter(|p| p.1.is_finite())
        .collect();
    let blue = colour::BLUE;
    for &(px, _, a, b) in &solved {
        if a.is_finite() && b.is_finite() {
            chart.draw_series([PathElement::new(vec![(px, a), (px, b)], blue.stroke_width(2))])?;
        }
    }
    chart.draw_series([PathElement::new(
        solved.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        blue.stroke_width(2),
    )])?;
    chart
        .draw_series(solved.iter().map(|p| Circle::new((p.0, p.1), 7, blue.filled())))?
        .label("nets solved (left axis)")
        .legend(move |(px, py)| Circle::new((px + 12, py), 7, blue.filled()));

    // Median epoch of solving with quartile bars (right axis), where any net solved.
    let orange = colour::VERMILLION;
    let when: Vec<(f64, [f64; 3])> = ch
        .near
        .iter()
        .filter_map(|c| {
            let [a, m, b] = c.solved_epoch;
            Some((x.to(c.scheme.eps?)?, [a?, m?, b?]))
        })
        .collect();
    for (px, [a, _, b]) in &when {
        chart.draw_secondary_series([PathElement::new(
            vec![(*px, *a), (*px, *b)],
            orange.stroke_width(2),
        )])?;
    }
    chart
        .draw_secondary_series(when.iter().map(|(px, q)| {
            TriangleMarker::new((*px, q[1]), 8, orange.filled())
        }))?
        .label("median epoch of solving (right axis)")
        .legend(move |(px, py)| TriangleMarker::new((px + 12, py), 8, orange.filled()));

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .margin(12)
        .legend_area_size(32)
        .label_font(text(16))
        .background_style(WHITE.mix(0.9))
        .border_style(colour::GREY)
        .draw()?;

    let mut notes = Vec::new();
    if ch.near.is_empty() {
        notes.push("no nearly symmetric nets in this sweep".to_string());
    }
    if let Some(s) = ch.symmetric {
        notes.push(format!(
            "ε = 0 ({}): {} of {} nets solved ({})",
            s.scheme.label(),
            s.solved,
            s.nets,
            percent(s.solved_fraction)
        ));
    }
    let (sx, sy) = chart.backend_coord(&(x.range().end, y.range().start));
    for (i, n) in notes.iter().rev().enumerate() {
        text_at(
            area,
            (sx - 12, sy - 14 - 24 * i as i32),
            n,
            anchored(text(16), HPos::Right, VPos::Bottom),
        )?;
    }
    Ok(())
}
