//! baseline_loss.png: the lesson's own run, with the losses it prints every 500 epochs marked
//! and labelled, so a reader can hold the chart against the lesson's printout. When the sweep
//! trains longer than the lesson's 4000 epochs, a second panel shows the whole run.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::{
    Area, ChartData, Plot, Rendered, anchored, colour, finite_range, heading, line, png, segments,
    text, text_at,
};
use crate::baseline::{LESSON_PRINT_EVERY, LESSON_STEPS};
use crate::format;
use crate::train::Params;

pub const FILE: &str = "baseline_loss.png";
const EPOCH: &str = "epoch (gradient steps)";
const LOSS: &str = "MSE loss (log scale)";

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let Some(b) = &data.baseline else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep has no lesson init, so there is no lesson run to draw".into(),
        });
    };
    let Some((lo, hi)) = finite_range(b.loss.iter().copied(), true) else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the lesson run has no finite loss".into(),
        });
    };
    let last_epoch = b.epoch.last().copied().unwrap_or(0.0);
    let lesson_end = f64::from(LESSON_STEPS - 1);
    let checkpoints: Vec<(f64, f64)> = b
        .epoch
        .iter()
        .zip(&b.loss)
        .filter(|(e, _)| **e <= lesson_end && (**e as u32).is_multiple_of(LESSON_PRINT_EVERY))
        .map(|(e, l)| (*e, *l))
        .collect();
    let solved = data
        .example_near("lesson", b.lr)
        .filter(|e| e.lr == b.lr)
        .and_then(|e| e.solved_epoch);
    let y = Axis::log(lo * 0.6, hi * 1.8);
    let title = "The lesson's run: loss of the 2-2-1 net from the lesson's weights".to_string();
    let subtitle = format!(
        "weights {}, learning rate {}; ● the losses the lesson prints every {LESSON_PRINT_EVERY} epochs",
        lesson_weights(),
        format::value(b.lr)
    );

    let png = png(1200, 800, |root| {
        let area = heading(root, &title, &subtitle)?;
        let split = last_epoch > lesson_end * 1.25;
        let (left, right) = if split {
            let (l, r) = area.split_horizontally(720);
            (l, Some(r))
        } else {
            (area.clone(), None)
        };
        let x_end = if split { lesson_end } else { last_epoch };
        let caption = split.then(|| format!("the lesson's {} epochs", format::epochs(lesson_end)));
        let x = Axis::linear(0.0, x_end.max(1.0), 8);
        let mut chart = super::plot(&left, caption.as_deref(), &x, &y, EPOCH, LOSS)?;
        draw_curve(&mut chart, &b.epoch, &b.loss, &x, &y)?;
        if let Some(s) = solved {
            mark_solved(&left, &mut chart, s as f64, &x, &y)?;
        }
        for (e, l) in &checkpoints {
            let Some(p) = x.to(*e).zip(y.to(*l)) else {
                continue;
            };
            chart.draw_series([Circle::new(p, 6, colour::VERMILLION.filled())])?;
            label_point(&left, &chart, p, &format::decimal(*l, 3))?;
        }
        if let Some(right) = right {
            draw_whole_run(&right, b, &y, lesson_end, last_epoch)?;
        }
        Ok(())
    })?;
    let ends = |i: usize| {
        format!(
            "{} at epoch {}",
            format::decimal(b.loss[i], 3),
            format::epochs(b.epoch[i])
        )
    };
    let caption = format!(
        "The lesson's net trained by the reference trainer at learning rate {}: its loss goes from {} to {}; the dots are the values the lesson prints{}.",
        format::value(b.lr),
        ends(0),
        ends(b.loss.len() - 1),
        solved
            .map(|s| format!(", and all four cases are right from epoch {s}"))
            .unwrap_or_default()
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
    }))
}

/// The lesson's weights as the lesson lists them: "0.5 −0.4 0.1 / 0.9 0.3 −0.2 / …".
fn lesson_weights() -> String {
    Params::LESSON
        .0
        .chunks(3)
        .map(|unit| {
            unit.iter()
                .map(|w| format::value(*w).replace('-', "−"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

fn draw_curve(chart: &mut Plot, e: &[f64], l: &[f64], x: &Axis, y: &Axis) -> anyhow::Result<()> {
    line(
        chart,
        segments(e, l, x, y),
        colour::BLUE.stroke_width(3),
        None,
    )
}

/// A dotted vertical line where the net first gets all four cases right.
fn mark_solved(
    area: &Area,
    chart: &mut Plot,
    epoch: f64,
    x: &Axis,
    y: &Axis,
) -> anyhow::Result<()> {
    let Some(px) = x.to(epoch).filter(|p| x.range().contains(p)) else {
        return Ok(());
    };
    let (y0, y1) = (y.range().start, y.range().end);
    chart.draw_series([DashedPathElement::new(
        vec![(px, y0), (px, y1)],
        6,
        5,
        colour::GREY.stroke_width(2),
    )])?;
    let (sx, sy) = chart.backend_coord(&(px, y0));
    let note = format!(
        "solved: all 4 cases right from epoch {}",
        format::epochs(epoch)
    );
    let style = text(16).color(&colour::GREY);
    let width = style.font.box_size(&note).map_or(300, |b| b.0 as i32);
    let right = chart.plotting_area().get_pixel_range().0.end;
    // Right of the line where the note fits, else left of it.
    let (x, h) = if sx + 8 + width < right {
        (sx + 8, HPos::Left)
    } else {
        (sx - 8, HPos::Right)
    };
    text_at(area, (x, sy - 12), &note, anchored(style, h, VPos::Bottom))
}

/// A value label up and to the right of a point, or down and to the left where it would
/// overrun the plot's right edge.
fn label_point(area: &Area, chart: &Plot, p: (f64, f64), s: &str) -> anyhow::Result<()> {
    let (px, py) = chart.backend_coord(&p);
    let right = chart.plotting_area().get_pixel_range().0.end;
    let style = text(16);
    let width = style.font.box_size(s).map_or(80, |b| b.0 as i32);
    if px + 8 + width < right {
        text_at(
            area,
            (px + 8, py - 8),
            s,
            anchored(style, HPos::Left, VPos::Bottom),
        )
    } else {
        text_at(
            area,
            (px - 8, py + 10),
            s,
            anchored(style, HPos::Right, VPos::Top),
        )
    }
}

/// The right panel: the whole run, with the lesson's window shaded.
fn draw_whole_run(
    area: &Area,
    b: &super::data::Baseline,
    y: &Axis,
    lesson_end: f64,
    last: f64,
) -> anyhow::Result<()> {
    let x = Axis::linear(0.0, last, 4);
    let caption = format!("the whole run, to epoch {}", format::epochs(last));
    let mut chart = super::plot(area, Some(&caption), &x, y, EPOCH, LOSS)?;
    let (y0, y1) = (y.range().start, y.range().end);
    chart.draw_series([Rectangle::new(
        [(0.0, y0), (lesson_end, y1)],
        colour::ORANGE.mix(0.15).filled(),
    )])?;
    draw_curve(&mut chart, &b.epoch, &b.loss, &x, y)?;
    if let (Some(&e), Some(&l)) = (b.epoch.last(), b.loss.last())
        && let Some(p) = x.to(e).zip(y.to(l))
    {
        chart.draw_series([Circle::new(p, 6, colour::BLUE.filled())])?;
        label_point(area, &chart, p, &format::decimal(l, 3))?;
    }
    let (sx, sy) = chart.backend_coord(&(lesson_end, y1));
    text_at(
        area,
        (sx + 8, sy + 10),
        "shaded: the lesson's epochs",
        anchored(text(15).color(&colour::GREY), HPos::Left, VPos::Top),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn lesson_weights_read_as_in_the_lesson() {
        assert_eq!(
            super::lesson_weights(),
            "0.5 −0.4 0.1 / 0.9 0.3 −0.2 / 0.8 −0.6 0.05"
        );
    }
}
