//! convergence_heatmap.png: the share of nets that learn XOR for every learning rate (columns)
//! and every scheme of independent random weights (rows: uniform and normal at each scale).
//! Clones and near-clones have their own chart, and the lesson's single net per cell is no
//! share, so both are left out here.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::data::{Cell, ChartData};
use super::{
    ACROSS_HEIGHT, Area, Backend, Bar, Heading, Hit, Hits, PAGE_WIDTH, Rendered, anchored, colour,
    colour_bar, colour_bar_across, heading, hit_at, pick_evenly, png, svg, text, text_at,
};
use crate::format;

pub const FILE: &str = "convergence_heatmap.png";

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let groups = data.independent_groups();
    if groups.is_empty() {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep has no uniform or normal init".into(),
        });
    }
    let mut lrs: Vec<f64> = groups
        .iter()
        .flat_map(|g| g.cells.iter().map(|c| c.lr))
        .collect();
    lrs.sort_by(f64::total_cmp);
    lrs.dedup();
    let grid: Vec<Vec<Option<&Cell>>> = groups
        .iter()
        .map(|g| {
            lrs.iter()
                .map(|lr| g.cells.iter().copied().find(|c| c.lr == *lr))
                .collect()
        })
        .collect();
    let nets: Vec<u64> = groups
        .iter()
        .flat_map(|g| g.cells.iter().map(|c| c.nets))
        .collect();
    let nets_text = match (nets.iter().min(), nets.iter().max()) {
        (Some(a), Some(b)) if a == b => format!("{a} nets per cell"),
        (Some(a), Some(b)) => format!("{a}–{b} nets per cell"),
        _ => String::new(),
    };
    let epochs = groups
        .iter()
        .flat_map(|g| g.cells.iter().filter_map(|c| c.curve.epoch.last().copied()))
        .fold(0.0, f64::max);
    let title = "Which nets learn XOR: share solved by learning rate and init".to_string();
    let mut kinds = Vec::new();
    if groups.iter().any(|g| g.scheme.init == "uniform") {
        kinds.push("uniform:A\u{a0}=\u{a0}weights\u{a0}~\u{a0}U(−A,\u{a0}A)");
    }
    if groups.iter().any(|g| g.scheme.init == "normal") {
        kinds.push("normal:σ\u{a0}=\u{a0}weights\u{a0}~\u{a0}N(0,\u{a0}σ²)");
    }
    let mut sub = vec![nets_text];
    if epochs > 0.0 {
        sub.push(format!("{} epochs each", format::epochs(epochs)));
    }
    sub.extend(kinds.iter().map(|k| k.to_string()));
    sub.push("solved = all four outputs on the right side of\u{a0}0.5".into());
    let subtitle = sub.join("; ");
    let heat = Heat {
        lrs: &lrs,
        grid: &grid,
        labels: groups.iter().map(|g| g.scheme.label()).collect(),
        rows: crate::report::answers::Shape::of(data).row_words(),
    };
    // Rows at most 90 pixels high, so that one scheme is not one huge bar.
    let height = (174 + 90 * groups.len() as u32).clamp(420, 800);
    let png = png(1200, height, |root| {
        let area = heading(root, &title, &subtitle)?;
        heat.picture(&area, &mut Hits::new())
    })?;
    let top = Heading::new(PAGE_WIDTH, &title, &subtitle).height;
    let svg = svg(top + heat.strips_height(), &title, |root, hits| {
        let area = heading(root, &title, &subtitle)?;
        heat.strips(&area, hits)
    })?;
    let mut caption = format!(
        "Share of nets that solved XOR in each cell ({} × learning rate)",
        heat.rows
    );
    let best = grid
        .iter()
        .flatten()
        .flatten()
        .max_by(|a, b| a.solved_fraction.total_cmp(&b.solved_fraction));
    if let Some(b) = best.filter(|b| b.solved_fraction > 0.0) {
        caption.push_str(&format!(
            "; the best is {} at learning rate {} ({} of {} nets)",
            b.scheme.label(),
            format::value(b.lr),
            b.solved,
            b.nets
        ));
    }
    caption.push_str(". Read a row to see the learning rates an init scale needs, a column to see which scales a learning rate suits.");
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
        svg,
    }))
}

/// The grid of shares: learning rates across, one row per init.
struct Heat<'a> {
    lrs: &'a [f64],
    grid: &'a [Vec<Option<&'a Cell>>],
    labels: Vec<String>,
    /// What a row is: an init, or an init with a trainer setting.
    rows: &'static str,
}

/// On the page: a row's height, the gap above it (its init's name), and the tick rows below.
const STRIP: i32 = 30;
const STRIP_LABEL: i32 = 22;
const STRIP_TICKS: u32 = 64;

impl Heat<'_> {
    /// What pointing at a square reads.
    fn say(&self, r: usize, c: usize) -> String {
        match self.grid[r][c] {
            Some(k) => format!(
                "{} at learning rate {}: {} solved ({} of {})",
                self.labels[r],
                format::value(k.lr),
                format::share(k.solved_fraction),
                k.solved,
                k.nets
            ),
            None => format!(
                "{} at learning rate {}: not swept",
                self.labels[r],
                format::value(self.lrs[c])
            ),
        }
    }

    /// The PNG's: a heat map with every rate on the x axis and a colour bar beside it.
    fn picture<DB: Backend>(&self, area: &Area<DB>, hits: &mut Hits) -> anyhow::Result<()> {
        // Every learning rate labelled: in one row if the labels fit (about 56 pixels each in a
        // plot about 850 wide), else staggered over two rows, drawn below.
        let stagger = self.lrs.len() as f64 * 56.0 > 850.0;
        let x = Axis::categories(
            self.lrs
                .iter()
                .map(|&l| {
                    if stagger {
                        String::new()
                    } else {
                        format::value(l)
                    }
                })
                .collect(),
        );
        let y = Axis::categories(self.labels.clone());
        let (w, _) = area.dim_in_pixel();
        let (main, bar) = area.split_horizontally(w - 150);
        let mut chart = super::plot(
            &main,
            None,
            &x,
            &y,
            "learning rate (one column per rate swept)",
            self.rows,
        )?;
        for (r, row) in self.grid.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (cx, cy) = (c as f64, r as f64);
                let rect = [(cx - 0.5, cy - 0.5), (cx + 0.5, cy + 0.5)];
                chart.draw_series([
                    Rectangle::new(rect, fill(*cell).filled()),
                    Rectangle::new(rect, WHITE.stroke_width(1)),
                ])?;
                hit_at(&chart, (cx, cy), self.say(r, c), hits);
            }
        }
        // Cell values, sized to fit the cells and left out where they would not.
        let (x0, y0) = chart.backend_coord(&(-0.5, -0.5));
        let (x1, y1) = chart.backend_coord(&(0.5, 0.5));
        let size = ((x1 - x0) as f64 / 3.3)
            .min((y0 - y1) as f64 / 1.8)
            .min(17.0) as u32;
        if size >= 9 {
            for (r, row) in self.grid.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let p = chart.backend_coord(&(c as f64, r as f64));
                    value(&main, p, *cell, size)?;
                }
            }
        }
        if stagger {
            let bottom = super::plot_rows(&chart).end;
            for (c, &l) in self.lrs.iter().enumerate() {
                let (px, _) = chart.backend_coord(&(c as f64, 0.0));
                let y = bottom + 6 + 19 * (c % 2) as i32;
                text_at(
                    &main,
                    (px, y),
                    &format::value(l),
                    anchored(text(15), HPos::Center, VPos::Top),
                )?;
            }
        }
        let rows = super::plot_rows(&chart);
        let scale = Axis::fraction().clipped(0.0, 1.0);
        colour_bar(&bar, &Bar::of(&scale, "nets solved", colour::viridis), rows)
    }

    fn strips_height(&self) -> u32 {
        (STRIP + STRIP_LABEL) as u32 * self.grid.len() as u32
            + STRIP_TICKS
            + ACROSS_HEIGHT as u32
            + 16
    }

    /// The page's: one strip per init under its name, the rates' values below the last (as
    /// many as fit), each square's share written in it where it fits.
    fn strips<DB: Backend>(&self, area: &Area<DB>, hits: &mut Hits) -> anyhow::Result<()> {
        let (w, _) = area.dim_in_pixel();
        let (x0, y0) = area.get_base_pixel();
        let n = self.lrs.len().max(1) as i32;
        let left = 10;
        let cw = (w as i32 - 2 * left) / n;
        let size = if cw >= 34 { 15 } else { 0 };
        let mut y = y0;
        for (r, row) in self.grid.iter().enumerate() {
            text_at(
                area,
                (x0 + left, y + STRIP_LABEL - 4),
                &self.labels[r],
                anchored(text(16), HPos::Left, VPos::Bottom),
            )?;
            y += STRIP_LABEL;
            for (c, cell) in row.iter().enumerate() {
                let cx = x0 + left + cw * c as i32;
                let rect = [(cx - x0, y - y0), (cx + cw - 1 - x0, y + STRIP - 1 - y0)];
                area.draw(&Rectangle::new(rect, fill(*cell).filled()))?;
                let centre = (cx + cw / 2, y + STRIP / 2);
                if size > 0 {
                    value(area, centre, *cell, size)?;
                }
                hits.push(Hit {
                    x: centre.0,
                    y: centre.1,
                    say: self.say(r, c),
                    attrs: Vec::new(),
                });
            }
            y += STRIP;
        }
        let widest = self
            .lrs
            .iter()
            .map(|l| {
                text(15)
                    .font
                    .box_size(&format::value(*l))
                    .map_or(40, |b| b.0)
            })
            .max()
            .unwrap_or(40) as i32;
        let fit = (w as i32 - 2 * left) / (widest + 8);
        for c in pick_evenly(self.lrs.len(), fit.max(2) as usize, &[]) {
            let cx = x0 + left + cw * c as i32 + cw / 2;
            text_at(
                area,
                (cx, y + 6),
                &format::value(self.lrs[c]),
                anchored(text(15), HPos::Center, VPos::Top),
            )?;
        }
        text_at(
            area,
            (x0 + w as i32 / 2, y + 32),
            "learning rate",
            anchored(text(16), HPos::Center, VPos::Top),
        )?;
        let scale = Axis::fraction().clipped(0.0, 1.0);
        let bar = Bar::of(&scale, "nets solved", colour::viridis);
        let cols = (x0 + left + 20)..(x0 + w as i32 - left - 20);
        colour_bar_across(area, &bar, cols, y + STRIP_TICKS as i32)
    }
}

/// A square's colour: viridis of its share, grey where the rate was not swept.
fn fill(cell: Option<&Cell>) -> RGBColor {
    cell.map_or(colour::LIGHT_GREY, |k| colour::viridis(k.solved_fraction))
}

/// A square's share written at its centre `p` (absolute pixels), in black or white.
fn value<DB: Backend>(
    area: &Area<DB>,
    p: (i32, i32),
    cell: Option<&Cell>,
    size: u32,
) -> anyhow::Result<()> {
    let (s, col) = match cell {
        Some(k) => (
            format::share_short(k.solved_fraction),
            colour::text_on(colour::viridis(k.solved_fraction)),
        ),
        None => ("–".to_string(), BLACK),
    };
    text_at(
        area,
        p,
        &s,
        anchored(text(size).color(&col), HPos::Center, VPos::Center),
    )
}
