//! solved_by_lr.png: what the learning rate changes, per init scheme of independent random
//! weights (small multiples). Top: the share of nets that solve XOR with its 95 % Wilson
//! interval; bottom: how soon they do (median epoch of solving, bars from the first to the third
//! quartile). The shaded learning rates are the tied best (intervals overlapping the best
//! one's): over a wide range the share hardly moves while the speed changes by orders of
//! magnitude, which a single "best learning rate" would hide.

use plotters::prelude::*;

use super::axis::Axis;
use super::data::{Cell, ChartData, Group};
use super::{
    Area, Backend, Heading, Hits, PAGE_WIDTH, Plot, Rendered, colour, finite_range, heading,
    hit_at, line, png, svg,
};
use crate::format;
use crate::report::findings;

pub const FILE: &str = "solved_by_lr.png";

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let groups = data.independent_groups();
    if groups.is_empty() {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep has no uniform or normal init".into(),
        });
    }
    let all = || groups.iter().flat_map(|g| g.cells.iter().copied());
    let Some((lr_lo, lr_hi)) = finite_range(all().map(|c| c.lr), true) else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "no learning rate is a positive number".into(),
        });
    };
    let x = Axis::log(lr_lo / 1.4, lr_hi * 1.4);
    let epochs = finite_range(
        all().flat_map(|c| c.solved_epoch.into_iter().flatten()),
        true,
    )
    .unwrap_or((1.0, 1e4));
    let y_epoch = Axis::log(epochs.0 / 1.6, epochs.1 * 1.6);
    let n = groups.len();
    let cols = n.min(4);
    let rows = n.div_ceil(cols);
    let width = (420 * cols as u32 + 60).clamp(900, 1740);
    let height = 120 + 520 * rows as u32;
    let title = "What the learning rate changes: how many nets solve XOR, and how soon".to_string();
    let subtitle = "one panel per init of independent random weights; top: share solved with its 95% interval; bottom: median epoch of solving (bars: quartiles); shaded: the learning rates tied with the best (intervals overlap); ○ best share, ◆ fastest of the rates within 10% of it".to_string();
    let png = png(width, height, |root| {
        let area = heading(root, &title, &subtitle)?;
        let panels = area.split_evenly((rows, cols));
        for (g, p) in groups.iter().zip(&panels) {
            panel(p, g, &x, &y_epoch, &mut Hits::new())?;
        }
        Ok(())
    })?;
    let top = Heading::new(PAGE_WIDTH, &title, &subtitle).height;
    let svg = svg(top + 560 * n as u32, &title, |root, hits| {
        let area = heading(root, &title, &subtitle)?;
        for (g, p) in groups.iter().zip(&area.split_evenly((n, 1))) {
            panel(p, g, &x, &y_epoch, hits)?;
        }
        Ok(())
    })?;
    let mut caption = String::from(
        "Solved share (top, with 95% Wilson interval) and median epoch of solving (bottom, log scale) against the learning rate, one panel per init",
    );
    // The same sentence the terminal summary and report.html's overview say.
    let found: Vec<findings::Finding> = groups.iter().map(findings::finding).collect();
    match findings::widest_speed_spread(&found).and_then(findings::speed_spread) {
        Some(spread) => caption.push_str(&format!(". {spread}")),
        None => caption.push('.'),
    }
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
        svg,
    }))
}

/// One scheme: share solved above, median epoch below.
/// One init: the share solved over the learning rate (top) and how soon (bottom), the tied
/// best rates shaded in both.
fn panel<DB: Backend>(
    area: &Area<DB>,
    g: &Group,
    x: &Axis,
    y_epoch: &Axis,
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = area.split_vertically(h * 52 / 100);
    let verdict = g.verdict();
    let tied: Vec<&Cell> = verdict.as_ref().map_or(Vec::new(), |v| v.tied.clone());
    let span = (|| -> Option<(f64, f64)> {
        let a = x.to(tied.first()?.lr)?;
        let b = x.to(tied.last()?.lr)?;
        Some((a - 0.06, b + 0.06))
    })();
    let y = Axis::fraction();
    let caption = g.scheme.label();
    let mut chart = super::plot(&top, Some(&caption), x, &y, "learning rate", "solved")?;
    shade(&mut chart, span, &y)?;
    shares(&mut chart, g, x, hits)?;
    if let Some(v) = &verdict
        && let Some(px) = x.to(v.best.lr)
    {
        chart.draw_series([Circle::new(
            (px, v.best.solved_fraction),
            9,
            BLACK.stroke_width(2),
        )])?;
    }
    let mut chart = super::plot(
        &bottom,
        None,
        x,
        y_epoch,
        "learning rate (log scale)",
        "epoch solved",
    )?;
    shade(&mut chart, span, y_epoch)?;
    speeds(&mut chart, g, x, y_epoch, hits)?;
    if let Some(v) = &verdict
        && let (Some(px), Some(m)) = (
            x.to(v.fastest.lr),
            v.fastest.solved_epoch[1].and_then(|m| y_epoch.to(m)),
        )
    {
        diamond(&bottom, &chart, (px, m))?;
    }
    Ok(())
}

/// The tied best learning rates (`span`, plot coordinates) shaded over the height of `y`.
fn shade<DB: Backend>(
    chart: &mut Plot<DB>,
    span: Option<(f64, f64)>,
    y: &Axis,
) -> anyhow::Result<()> {
    if let Some((a, b)) = span {
        chart.draw_series([Rectangle::new(
            [(a, y.range().start), (b, y.range().end)],
            colour::ORANGE.mix(0.18).filled(),
        )])?;
    }
    Ok(())
}

/// Each learning rate's share solved, a dot on its 95% interval, joined by a line.
fn shares<DB: Backend>(
    chart: &mut Plot<DB>,
    g: &Group,
    x: &Axis,
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let blue = colour::BLUE;
    let pts: Vec<(f64, &Cell)> = g
        .cells
        .iter()
        .filter_map(|c| Some((x.to(c.lr)?, *c)))
        .filter(|(_, c)| c.solved_fraction.is_finite())
        .collect();
    chart.draw_series(
        pts.iter()
            .filter(|(_, c)| c.solved_ci95.0.is_finite() && c.solved_ci95.1.is_finite())
            .map(|(px, c)| {
                PathElement::new(
                    vec![(*px, c.solved_ci95.0), (*px, c.solved_ci95.1)],
                    blue.stroke_width(2),
                )
            }),
    )?;
    line(
        chart,
        vec![pts.iter().map(|(px, c)| (*px, c.solved_fraction)).collect()],
        blue.stroke_width(2),
        None,
    )?;
    chart.draw_series(
        pts.iter()
            .map(|(px, c)| Circle::new((*px, c.solved_fraction), 4, blue.filled())),
    )?;
    for (px, c) in &pts {
        let say = format!(
            "{} at learning rate {}: {} solved ({} of {}), 95% interval {}",
            g.scheme.label(),
            format::value(c.lr),
            format::share(c.solved_fraction),
            c.solved,
            c.nets,
            format::share_range(c.solved_ci95.0, c.solved_ci95.1)
        );
        hit_at(chart, (*px, c.solved_fraction), say, hits);
    }
    Ok(())
}

/// Each learning rate's median epoch of solving, a triangle on its quartiles, joined by a line.
fn speeds<DB: Backend>(
    chart: &mut Plot<DB>,
    g: &Group,
    x: &Axis,
    y_epoch: &Axis,
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let red = colour::VERMILLION;
    let when: Vec<(f64, [f64; 3], &Cell)> = g
        .cells
        .iter()
        .filter_map(|c| {
            let [a, m, b] = c.solved_epoch;
            Some((
                x.to(c.lr)?,
                [y_epoch.to(a?)?, y_epoch.to(m?)?, y_epoch.to(b?)?],
                *c,
            ))
        })
        .collect();
    chart.draw_series(when.iter().map(|(px, [a, _, b], _)| {
        PathElement::new(vec![(*px, *a), (*px, *b)], red.stroke_width(2))
    }))?;
    line(
        chart,
        vec![when.iter().map(|(px, q, _)| (*px, q[1])).collect()],
        red.stroke_width(2),
        None,
    )?;
    chart.draw_series(
        when.iter()
            .map(|(px, q, _)| TriangleMarker::new((*px, q[1]), 5, red.filled())),
    )?;
    for (px, q, c) in &when {
        let [a, m, b] = c.solved_epoch.map(format::opt_epochs);
        let say = format!(
            "{} at learning rate {}: median epoch of solving {m}, quartiles {a}–{b}",
            g.scheme.label(),
            format::value(c.lr),
        );
        hit_at(chart, (*px, q[1]), say, hits);
    }
    Ok(())
}

/// A diamond around the fastest near-best rate's median (`p`, plot coordinates).
fn diamond<DB: Backend>(area: &Area<DB>, chart: &Plot<DB>, p: (f64, f64)) -> anyhow::Result<()> {
    let d = chart.backend_coord(&p);
    let r = 10;
    let base = area.get_base_pixel();
    let (cx, cy) = (d.0 - base.0, d.1 - base.1);
    area.draw(&PathElement::new(
        vec![
            (cx, cy - r),
            (cx + r, cy),
            (cx, cy + r),
            (cx - r, cy),
            (cx, cy - r),
        ],
        BLACK.stroke_width(2),
    ))?;
    Ok(())
}
