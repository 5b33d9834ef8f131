//! symmetry_breaking.png: the lesson's "symmetry breaking" paragraph as evidence, at the learning
//! rate closest to the lesson's. (a) Two hidden units that start identical get identical
//! gradients and stay clones (their gap is exactly 0 for ever), while a gap of ε can grow until
//! the units do different jobs. (b, c) How the share of nets that learn XOR, and how soon,
//! depends on ε.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::data::{Cell, ChartData, closest};
use super::{
    Area, Backend, Heading, Hits, PAGE_WIDTH, Rendered, anchored, colour, curve_hits, end_labels,
    finite_range, heading, hit_at, is_narrow, line, png, segments, start_labels, svg, text,
    text_at,
};
use crate::baseline::LESSON_LR;
use crate::format;

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
    near.sort_by(|a, b| {
        a.scheme
            .eps
            .unwrap_or(0.0)
            .total_cmp(&b.scheme.eps.unwrap_or(0.0))
    });
    Some(Chosen {
        lr,
        symmetric,
        near,
    })
}

/// How a near-symmetric cell's line is labelled: by ε, with the scale if scales differ.
fn eps_label(c: &Cell, scales_differ: bool) -> String {
    let eps = c.scheme.eps.map_or("?".into(), format::exponent);
    match (scales_differ, c.scheme.scale) {
        (true, Some(a)) => format!("ε = {eps} (A = {})", format::value(a)),
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
    let title = "Symmetry breaking: identical and nearly identical hidden units".to_string();
    let subtitle = format!(
        "learning rate {}; hidden gap = max |difference| between the two hidden units' weights",
        format::value(ch.lr)
    );
    let png = png(1500, 760, |root| {
        let area = heading(root, &title, &subtitle)?;
        let (left, right) = area.split_horizontally(760);
        let (top, bottom) = right.split_vertically(right.dim_in_pixel().1 * 11 / 20);
        let hits = &mut Hits::new();
        gap_panel(&left, &ch, hits)?;
        share_panel(&top, &ch, hits)?;
        epoch_panel(&bottom, &ch, hits)
    })?;
    let top = Heading::new(PAGE_WIDTH, &title, &subtitle).height;
    let svg = svg(top + 3 * 330, &title, |root, hits| {
        let area = heading(root, &title, &subtitle)?;
        let panels = area.split_evenly((3, 1));
        gap_panel(&panels[0], &ch, hits)?;
        share_panel(&panels[1], &ch, hits)?;
        epoch_panel(&panels[2], &ch, hits)
    })?;
    let mut caption = String::from("Left: the median hidden gap over training");
    if let Some(s) = ch.symmetric {
        let gap = if s.curve.gap.iter().all(|g| *g == 0.0) {
            "keep a gap of exactly 0"
        } else {
            "do not keep a gap of exactly 0 (see summary.csv)"
        };
        caption.push_str(&format!(
            "; exactly symmetric nets {gap} and {} of {} solve XOR",
            s.solved, s.nets
        ));
    }
    if ch.near.is_empty() {
        caption.push_str(". The sweep has no nearly symmetric nets");
    } else {
        caption.push_str(
            "; nearly symmetric nets start with a gap of about ε. Right: the share of nearly symmetric nets that solve XOR, and the epoch at which they do, against ε",
        );
    }
    if let (Some(a), Some(b)) = (ch.near.first(), ch.near.last())
        && ch.near.len() > 1
    {
        let at = |c: &Cell| {
            format!(
                "{} at ε = {}",
                format::share(c.solved_fraction),
                c.scheme.eps.map_or("?".into(), format::exponent)
            )
        };
        caption.push_str(&format!(" (from {} to {})", at(a), at(b)));
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

/// (a) median hidden gap over epochs.
fn gap_panel<DB: Backend>(area: &Area<DB>, ch: &Chosen, hits: &mut Hits) -> anyhow::Result<()> {
    let all: Vec<&Cell> = ch
        .symmetric
        .iter()
        .copied()
        .chain(ch.near.iter().copied())
        .collect();
    let max_epoch = all
        .iter()
        .filter_map(|c| c.curve.epoch.last().copied())
        .fold(1.0, f64::max);
    let x = Axis::epochs(max_epoch);
    let (lo, hi) = finite_range(
        ch.near.iter().flat_map(|c| c.curve.gap.iter().copied()),
        true,
    )
    .unwrap_or((1e-12, 1.0));
    let y = Axis::log(lo / 8.0, hi * 3.0);
    let mut chart = super::plot(
        area,
        Some("(a) median hidden gap over training"),
        &x,
        &y,
        "epoch (log scale of 1 + epoch)",
        "hidden gap (log scale)",
    )?;
    let scales_differ = ch
        .near
        .windows(2)
        .any(|w| w[0].scheme.scale != w[1].scheme.scale);
    let colours = colour::series(ch.near.len());
    // ε labels where the lines start, which is where they are apart and in ε's order (by the
    // end many have merged).
    let mut starts = Vec::new();
    for (c, col) in ch.near.iter().zip(&colours) {
        let segs = segments(&c.curve.epoch, &c.curve.gap, &x, &y);
        if let Some(&start) = segs.first().and_then(|s| s.first()) {
            starts.push((start, eps_label(c, scales_differ), *col));
        }
        line(&mut chart, segs, col.stroke_width(3), None)?;
        let say = |i: usize| {
            format!(
                "{}, epoch {}: median gap {}",
                eps_label(c, scales_differ),
                format::epochs(c.curve.epoch[i]),
                format::measured(c.curve.gap[i])
            )
        };
        curve_hits(
            &chart,
            (&c.curve.epoch, &c.curve.gap),
            (&x, &y),
            12,
            say,
            hits,
        );
    }
    start_labels(area, &chart, &starts)?;
    let mut labels = Vec::new();
    if let Some(s) = ch.symmetric {
        // A gap of exactly 0 has no place on a log axis: drawn along its floor instead.
        let (y0, y1) = (y.range().start, y.range().end);
        let floor = y0 + 0.015 * (y1 - y0);
        chart.draw_series([DashedPathElement::new(
            vec![(x.range().start, floor), (x.range().end, floor)],
            10,
            6,
            BLACK.stroke_width(3),
        )])?;
        let exact = s.curve.gap.iter().all(|g| *g == 0.0);
        let what = match (exact, is_narrow(area)) {
            (true, false) => "gap exactly 0 throughout, drawn at the floor",
            (false, false) => "gap not always 0 (see summary.csv), drawn at the floor",
            (true, true) => "gap exactly 0 (floor)",
            (false, true) => "gap not always 0 (floor)",
        };
        let who = if is_narrow(area) {
            String::new()
        } else {
            format!(" ({})", s.scheme.label())
        };
        labels.push(((x.range().end, floor), format!("ε = 0{who}: {what}"), BLACK));
    }
    end_labels(area, &chart, &labels)
}

/// The ε axis of (b) and (c).
fn eps_axis(ch: &Chosen) -> Axis {
    let eps = ch.near.iter().filter_map(|c| c.scheme.eps);
    let (lo, hi) = finite_range(eps, true).unwrap_or((1e-12, 0.1));
    Axis::log(lo / 3.0, hi * 3.0)
}

/// The ε axis's description: in full, or as short as a phone needs.
fn eps_desc<DB: Backend>(area: &Area<DB>) -> &'static str {
    if is_narrow(area) {
        "ε: initial difference (log scale)"
    } else {
        "ε: initial difference between the hidden units (log scale)"
    }
}

/// (b) the share of nearly symmetric nets that solve XOR, with its 95% Wilson interval.
fn share_panel<DB: Backend>(area: &Area<DB>, ch: &Chosen, hits: &mut Hits) -> anyhow::Result<()> {
    let x = eps_axis(ch);
    let y = Axis::fraction();
    let mut chart = super::plot(
        area,
        Some("(b) nets that solve XOR (95% interval)"),
        &x,
        &y,
        eps_desc(area),
        "nets solved",
    )?;
    let solved: Vec<(f64, &Cell)> = ch
        .near
        .iter()
        .filter_map(|c| Some((x.to(c.scheme.eps?)?, *c)))
        .filter(|p| p.1.solved_fraction.is_finite())
        .collect();
    let blue = colour::BLUE;
    chart.draw_series(
        solved
            .iter()
            .filter(|(_, c)| c.solved_ci95.0.is_finite() && c.solved_ci95.1.is_finite())
            .map(|(px, c)| {
                PathElement::new(
                    vec![(*px, c.solved_ci95.0), (*px, c.solved_ci95.1)],
                    blue.stroke_width(2),
                )
            }),
    )?;
    line(
        &mut chart,
        vec![
            solved
                .iter()
                .map(|(px, c)| (*px, c.solved_fraction))
                .collect(),
        ],
        blue.stroke_width(2),
        None,
    )?;
    chart.draw_series(
        solved
            .iter()
            .map(|(px, c)| Circle::new((*px, c.solved_fraction), 6, blue.filled())),
    )?;
    for (px, c) in &solved {
        let say = format!(
            "{}: {} solved ({} of {}), 95% interval {}",
            eps_label(c, false),
            format::share(c.solved_fraction),
            c.solved,
            c.nets,
            format::share_range(c.solved_ci95.0, c.solved_ci95.1)
        );
        hit_at(&chart, (*px, c.solved_fraction), say, hits);
    }
    let mut notes = Vec::new();
    if ch.near.is_empty() {
        notes.push("no nearly symmetric nets in this sweep".to_string());
    }
    if let Some(s) = ch.symmetric {
        let who = if is_narrow(area) {
            String::new()
        } else {
            format!(" ({})", s.scheme.label())
        };
        notes.push(format!(
            "ε = 0{who}: {} of {} nets solved ({})",
            s.solved,
            s.nets,
            format::share(s.solved_fraction)
        ));
    }
    let (cols, rows) = chart.plotting_area().get_pixel_range();
    for (i, n) in notes.iter().enumerate() {
        text_at(
            area,
            (cols.start + 12, rows.start + 10 + 22 * i as i32),
            n,
            anchored(text(16), HPos::Left, VPos::Top),
        )?;
    }
    Ok(())
}

/// (c) the median epoch of solving with quartile bars, where any net solved, and how many
/// nets each median is over (quartiles of 2 solved nets mean little).
fn epoch_panel<DB: Backend>(area: &Area<DB>, ch: &Chosen, hits: &mut Hits) -> anyhow::Result<()> {
    let x = eps_axis(ch);
    let when: Vec<(f64, [f64; 3], &Cell)> = ch
        .near
        .iter()
        .filter_map(|c| {
            let [a, m, b] = c.solved_epoch;
            Some((x.to(c.scheme.eps?)?, [a?, m?, b?], *c))
        })
        .collect();
    let range = finite_range(when.iter().flat_map(|w| w.1), true).unwrap_or((1.0, 1e4));
    let y = Axis::log(range.0 / 1.5, range.1 * 1.5);
    let mut chart = super::plot(
        area,
        Some(if is_narrow(area) {
            "(c) epoch solved: median, quartiles"
        } else {
            "(c) epoch at which they solve: median, quartiles, n solved"
        }),
        &x,
        &y,
        eps_desc(area),
        "epoch (log scale)",
    )?;
    let red = colour::VERMILLION;
    for (px, [a, _, b], _) in &when {
        if let (Some(a), Some(b)) = (y.to(*a), y.to(*b)) {
            chart.draw_series([PathElement::new(
                vec![(*px, a), (*px, b)],
                red.stroke_width(2),
            )])?;
        }
    }
    for (px, q, c) in &when {
        let Some(m) = y.to(q[1]) else { continue };
        chart.draw_series([TriangleMarker::new((*px, m), 7, red.filled())])?;
        let (sx, sy) = chart.backend_coord(&(*px, m));
        // Right of the triangle, or left of it at the plot's right edge.
        let right = chart.plotting_area().get_pixel_range().0.end;
        let (nx, side) = if sx + 40 < right {
            (sx + 9, HPos::Left)
        } else {
            (sx - 9, HPos::Right)
        };
        text_at(
            area,
            (nx, sy - 4),
            &format!("n={}", c.solved),
            anchored(text(14).color(&colour::GREY), side, VPos::Bottom),
        )?;
        let [a, m, b] = q.map(format::epochs);
        let say = format!(
            "{}: median epoch {m} (quartiles {a}–{b}) over {} solved nets",
            eps_label(c, false),
            c.solved
        );
        hit_at(&chart, (*px, y.to(q[1]).unwrap_or_default()), say, hits);
    }
    if when.is_empty() {
        let (cols, rows) = chart.plotting_area().get_pixel_range();
        text_at(
            area,
            ((cols.start + cols.end) / 2, (rows.start + rows.end) / 2),
            "no nearly symmetric net solved XOR",
            anchored(text(16), HPos::Center, VPos::Center),
        )?;
    }
    Ok(())
}
