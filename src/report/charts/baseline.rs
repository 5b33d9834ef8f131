//! baseline_loss.png: the lesson's own run, with the losses it prints every 500 epochs marked
//! and labelled, so a reader can hold the chart against the lesson's printout. When the sweep
//! trains longer than the lesson's 4000 epochs, a second panel shows the whole run.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::data::Baseline;
use super::{
    Area, Backend, ChartData, Heading, Hits, Layout, PAGE_WIDTH, Plot, Rendered, anchored, colour,
    curve_hits, finite_range, heading, is_narrow, line, png, segments, svg, text, text_at,
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

    let run = Run {
        b,
        y,
        lesson_end,
        last_epoch,
        checkpoints,
        solved,
    };
    let png = png(1200, 800, |root| {
        let area = heading(root, &title, &subtitle)?;
        run.picture(&area, Layout::Png, &mut Hits::new())
    })?;
    let top = Heading::new(PAGE_WIDTH, &title, &subtitle).height;
    let panels = if run.split() { 2 } else { 1 };
    let svg = svg(top + 330 * panels, &title, |root, hits| {
        let area = heading(root, &title, &subtitle)?;
        run.picture(&area, Layout::Page, hits)
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
        svg,
    }))
}

/// The lesson's run and what its chart marks.
struct Run<'a> {
    b: &'a Baseline,
    y: Axis,
    lesson_end: f64,
    last_epoch: f64,
    /// The epochs and losses the lesson prints.
    checkpoints: Vec<(f64, f64)>,
    solved: Option<u64>,
}

impl Run<'_> {
    /// Whether the run is long enough for a second panel with all of it.
    fn split(&self) -> bool {
        self.last_epoch > self.lesson_end * 1.25
    }

    /// The lesson's epochs, and the whole run beside them (below on the page).
    fn picture<DB: Backend>(
        &self,
        area: &Area<DB>,
        l: Layout,
        hits: &mut Hits,
    ) -> anyhow::Result<()> {
        let (w, h) = area.dim_in_pixel();
        let (left, right) = match (self.split(), l) {
            (false, _) => (area.clone(), None),
            (true, Layout::Png) => {
                let (a, b) = area.split_horizontally(w * 3 / 5);
                (a, Some(b))
            }
            (true, Layout::Page) => {
                let (a, b) = area.split_vertically(h / 2);
                (a, Some(b))
            }
        };
        let x_end = if right.is_some() {
            self.lesson_end
        } else {
            self.last_epoch
        };
        let caption = right
            .is_some()
            .then(|| format!("the lesson's {} epochs", format::epochs(self.lesson_end)));
        let x = Axis::linear(0.0, x_end.max(1.0), if l.narrow() { 4 } else { 8 });
        let y = &self.y;
        let mut chart = super::plot(&left, caption.as_deref(), &x, y, EPOCH, LOSS)?;
        draw_curve(&mut chart, &self.b.epoch, &self.b.loss, &x, y)?;
        point_hits(&chart, self.b, &x, y, hits);
        if let Some(s) = self.solved {
            mark_solved(&left, &mut chart, s as f64, &x, y)?;
        }
        for (e, l) in &self.checkpoints {
            let Some(p) = x.to(*e).zip(y.to(*l)) else {
                continue;
            };
            chart.draw_series([Circle::new(p, 6, colour::VERMILLION.filled())])?;
            label_point(&left, &chart, p, &format::decimal(*l, 3))?;
        }
        if let Some(right) = right {
            draw_whole_run(&right, self.b, y, self.lesson_end, self.last_epoch, hits)?;
        }
        Ok(())
    }
}

/// Readouts along the loss curve: about 40 points, evenly spread.
fn point_hits<DB: Backend>(chart: &Plot<DB>, b: &Baseline, x: &Axis, y: &Axis, hits: &mut Hits) {
    let say = |i: usize| {
        format!(
            "epoch {}: loss {}",
            format::epochs(b.epoch[i]),
            format::measured(b.loss[i])
        )
    };
    curve_hits(chart, (&b.epoch, &b.loss), (x, y), 40, say, hits);
}

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

fn draw_curve<DB: Backend>(
    chart: &mut Plot<DB>,
    e: &[f64],
    l: &[f64],
    x: &Axis,
    y: &Axis,
) -> anyhow::Result<()> {
    line(
        chart,
        segments(e, l, x, y),
        colour::BLUE.stroke_width(3),
        None,
    )
}

/// A dotted vertical line where the net first gets all four cases right.
fn mark_solved<DB: Backend>(
    area: &Area<DB>,
    chart: &mut Plot<DB>,
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
    // At the foot of the line; on the page's narrow plot, shorter and at its head, clear of
    // the curve's labels.
    let narrow = is_narrow(area);
    let (sx, sy) = chart.backend_coord(&(px, y0));
    let sy = if narrow {
        chart.backend_coord(&(px, y1)).1 + 30
    } else {
        sy
    };
    let note = if narrow {
        format!("solved from epoch {}", format::epochs(epoch))
    } else {
        format!(
            "solved: all 4 cases right from epoch {}",
            format::epochs(epoch)
        )
    };
    let style = text(16).color(&colour::GREY);
    let width = style.font.box_size(&note).map_or(300, |b| b.0 as i32);
    let cols = chart.plotting_area().get_pixel_range().0;
    // Right of the line where the note fits, else left of it, else from the plot's left edge.
    let (x, h) = if sx + 8 + width < cols.end {
        (sx + 8, HPos::Left)
    } else if sx - 8 - width > cols.start {
        (sx - 8, HPos::Right)
    } else {
        (cols.start + 4, HPos::Left)
    };
    text_at(area, (x, sy - 12), &note, anchored(style, h, VPos::Bottom))
}

/// A value label up and to the right of a point, or down and to the left where it would
/// overrun the plot's right edge.
fn label_point<DB: Backend>(
    area: &Area<DB>,
    chart: &Plot<DB>,
    p: (f64, f64),
    s: &str,
) -> anyhow::Result<()> {
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
fn draw_whole_run<DB: Backend>(
    area: &Area<DB>,
    b: &Baseline,
    y: &Axis,
    lesson_end: f64,
    last: f64,
    hits: &mut Hits,
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
    point_hits(&chart, b, &x, y, hits);
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
