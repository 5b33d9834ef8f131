//! loss_by_lr.png: how the learning rate shapes the loss curve of one random init scheme, as
//! small multiples: one panel per learning rate with its median net (line) and the middle half
//! of its nets (band), and the other rates' medians in grey behind for comparison. A wide band
//! means that some nets learn and others stay stuck; one panel each keeps the bands apart.

use plotters::prelude::*;

use super::axis::Axis;
use super::data::{Cell, ChartData, Group};
use super::{
    Area, Backend, ChartOptions, Heading, Hits, Layout, PAGE_WIDTH, Rendered, band, colour,
    curve_hits, finite_range, heading, line, pick_evenly, png, segments, svg,
};
use crate::baseline::LESSON_LR;
use crate::format;
use crate::report::findings::Verdict;

pub const FILE: &str = "loss_by_lr.png";

/// The most learning rates one chart of curves shows; more would be a tangle.
pub const MAX_CURVES: usize = 7;

/// The cells of the chart init drawn as curves, spread evenly over its learning rates (at most
/// [`MAX_CURVES`]), always with its best and its fastest tied-best rate and the lesson's rate
/// if it has them; or why there are none.
pub struct Chosen<'a> {
    pub group: Group<'a>,
    pub cells: Vec<&'a Cell>,
    pub verdict: Option<Verdict<'a>>,
}

impl Chosen<'_> {
    /// A few words for a panel title: "best", "fastest", both, or nothing.
    pub fn short_role(&self, c: &Cell) -> &'static str {
        let Some(v) = &self.verdict else { return "" };
        match (c.cell == v.best.cell, c.cell == v.fastest.cell) {
            (true, true) => ", best and fastest",
            (true, false) => ", best",
            (false, true) => ", fastest",
            (false, false) => "",
        }
    }

    /// "best", "fastest of the tied best", both, or nothing, for a cell's label.
    pub fn role(&self, c: &Cell) -> &'static str {
        let Some(v) = &self.verdict else { return "" };
        match (c.cell == v.best.cell, c.cell == v.fastest.cell) {
            (true, true) => " (best and fastest)",
            (true, false) => " (best share)",
            (false, true) => " (fastest of the tied best)",
            (false, false) => "",
        }
    }
}

pub fn chosen<'a>(data: &'a ChartData, opts: &ChartOptions) -> Result<Chosen<'a>, String> {
    let Some(group) = data.chart_group(opts.chart_init.as_deref())? else {
        return Err("the sweep has no random init scheme".into());
    };
    let with_curves: Vec<&Cell> = group
        .cells
        .iter()
        .copied()
        .filter(|c| !c.curve.epoch.is_empty())
        .collect();
    if with_curves.is_empty() {
        return Err(format!("{} has no curves", group.scheme.label()));
    }
    let verdict = group.verdict();
    let at = |cell: u64| with_curves.iter().position(|c| c.cell == cell);
    let mut must = Vec::new();
    if let Some(v) = &verdict {
        must.extend(at(v.best.cell));
        must.extend(at(v.fastest.cell));
    }
    must.extend(with_curves.iter().position(|c| c.lr == LESSON_LR));
    let cells = pick_evenly(with_curves.len(), MAX_CURVES, &must)
        .into_iter()
        .map(|i| with_curves[i])
        .collect();
    Ok(Chosen {
        group,
        cells,
        verdict,
    })
}

/// "7 of 16 learning rates shown" when some are left out.
pub fn shown_note(group: &Group, shown: usize) -> String {
    let all = group.cells.len();
    if shown < all {
        format!("; {shown} of {all} learning rates shown")
    } else {
        String::new()
    }
}

pub fn draw(data: &ChartData, opts: &ChartOptions) -> anyhow::Result<Rendered> {
    let ch = match chosen(data, opts) {
        Ok(x) => x,
        Err(why) => return Ok(Rendered::Skipped { file: FILE, why }),
    };
    let cells = &ch.cells;
    let values = cells.iter().flat_map(|c| {
        c.curve
            .loss
            .iter()
            .chain(&c.curve.loss_q1)
            .chain(&c.curve.loss_q3)
            .copied()
    });
    let Some((lo, hi)) = finite_range(values, true) else {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: format!(
                "every loss of {} is NaN or infinite",
                ch.group.scheme.label()
            ),
        });
    };
    let max_epoch = cells
        .iter()
        .filter_map(|c| c.curve.epoch.last().copied())
        .fold(1.0, f64::max);
    let x = Axis::epochs(max_epoch);
    let y = Axis::log(lo * 0.7, hi * 1.5);
    let scheme = ch.group.scheme.title(data);
    let nets = cells[0].nets;
    let title = format!("Loss over training, one panel per learning rate ({scheme})");
    let subtitle = format!(
        "learning rate = gradient-descent step size η; {nets} nets per learning rate; coloured line = median net, band = middle 50% of nets, grey = the other panels' medians; best = highest share solved, fastest = fastest of the rates tied with it{}",
        shown_note(&ch.group, cells.len())
    );
    let n = cells.len();
    let height = if n <= 3 { 620 } else { 960 };
    let png = png(1200, height, |root| {
        let area = heading(root, &title, &subtitle)?;
        picture(&area, Layout::Png, &ch, (&x, &y), &mut Hits::new())
    })?;
    let top = Heading::new(PAGE_WIDTH, &title, &subtitle).height;
    let svg = svg(top + 280 * n as u32, &title, |root, hits| {
        let area = heading(root, &title, &subtitle)?;
        picture(&area, Layout::Page, &ch, (&x, &y), hits)
    })?;
    let caption = format!(
        "Median loss (line) and interquartile range (band) of the {nets} {scheme} nets at each learning rate (the step size of gradient descent), one panel each: the epoch at which a curve leaves the plateau near 0.25 shows how fast that learning rate learns, and a band whose top stays high while its median falls shows a share of nets that stay stuck. Epochs are on a log scale of 1 + epoch, so the early steps are visible."
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
        svg,
    }))
}

/// One panel per learning rate: two rows on the PNG, one column on the page.
fn picture<DB: Backend>(
    area: &Area<DB>,
    l: Layout,
    ch: &Chosen,
    (x, y): (&Axis, &Axis),
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let n = ch.cells.len();
    let panels = match l {
        Layout::Png if n <= 3 => area.split_evenly((1, n)),
        Layout::Png => area.split_evenly((2, n.div_ceil(2))),
        Layout::Page => area.split_evenly((n, 1)),
    };
    let colours = colour::distinct(n);
    for ((c, col), p) in ch.cells.iter().zip(colours).zip(&panels) {
        panel(p, ch, c, col, (x, y), hits)?;
    }
    Ok(())
}

/// One learning rate's median and middle half, the others' medians in grey behind.
fn panel<DB: Backend>(
    area: &Area<DB>,
    ch: &Chosen,
    c: &Cell,
    col: RGBColor,
    (x, y): (&Axis, &Axis),
    hits: &mut Hits,
) -> anyhow::Result<()> {
    let caption = format!("learning rate {}{}", format::value(c.lr), ch.short_role(c));
    let mut chart = super::plot(area, Some(&caption), x, y, "epoch (log scale)", "MSE loss")?;
    for other in ch.cells.iter().filter(|o| o.cell != c.cell) {
        let k = &other.curve;
        line(
            &mut chart,
            segments(&k.epoch, &k.loss, x, y),
            colour::LIGHT_GREY.stroke_width(2),
            None,
        )?;
    }
    let k = &c.curve;
    band(
        &mut chart,
        &k.epoch,
        &k.loss_q1,
        &k.loss_q3,
        (x, y),
        col.mix(0.28).filled(),
    )?;
    line(
        &mut chart,
        segments(&k.epoch, &k.loss, x, y),
        col.stroke_width(3),
        None,
    )?;
    let say = |i: usize| {
        format!(
            "learning rate {}, epoch {}: median loss {}, middle half {}–{}",
            format::value(c.lr),
            format::epochs(k.epoch[i]),
            format::measured(k.loss[i]),
            format::measured(k.loss_q1[i]),
            format::measured(k.loss_q3[i])
        )
    };
    curve_hits(&chart, (&k.epoch, &k.loss), (x, y), 24, say, hits);
    Ok(())
}
