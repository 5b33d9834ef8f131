//! convergence_heatmap.png: the share of nets that learn XOR for every learning rate (columns)
//! and every scheme of independent random weights (rows: uniform and normal at each scale).
//! Clones and near-clones have their own chart, and the lesson's single net per cell is no
//! share, so both are left out here.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Axis, tick_label};
use super::data::{Cell, ChartData};
use super::{Rendered, anchored, colour, colour_bar, heading, percent, png, text, text_at};

pub const FILE: &str = "convergence_heatmap.png";

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let groups: Vec<_> = data
        .groups()
        .into_iter()
        .filter(|g| g.scheme.is_independent())
        .collect();
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
    let nets: Vec<u64> = groups.iter().flat_map(|g| g.cells.iter().map(|c| c.nets)).collect();
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
    let subtitle = format!(
        "{nets_text}{}; solved = all four outputs on the right side of 0.5",
        if epochs > 0.0 {
            format!(", {} epochs each", tick_label(epochs))
        } else {
            String::new()
        }
    );
    let x = Axis::categories(lrs.iter().map(|&l| tick_label(l)).collect());
    let y = Axis::categories(groups.iter().map(|g| g.scheme.label()).collect());
    let png = png(1200, 800, |root| {
        let area = heading(root, &title, &subtitle)?;
        let (w, _) = area.dim_in_pixel();
        let (main, bar) = area.split_horizontally(w - 150);
        let mut chart = super::plot(
            &main,
            None,
            &x,
            &y,
            "learning rate (log-spaced columns)",
            "init scheme (weights ~ U(−A, A) for uniform:A, N(0, σ²) for normal:σ)",
        )?;
        for (r, row) in grid.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (cx, cy) = (c as f64, r as f64);
                let rect = [(cx - 0.5, cy - 0.5), (cx + 0.5, cy + 0.5)];
                let fill = cell.map_or(colour::LIGHT_GREY, |k| {
                    colour::viridis(k.solved_fraction)
                });
                chart.draw_series([
                    Rectangle::new(rect, fill.filled()),
                    Rectangle::new(rect, WHITE.stroke_width(1)),
                ])?;
            }
        }
        // Cell values, sized to fit the cells and left out where they would not.
        let (x0, _) = chart.backend_coord(&(-0.5, 0.0));
        let (x1, _) = chart.backend_coord(&(0.5, 0.0));
        let size = ((x1 - x0) as f64 / 3.3).min(17.0) as u32;
        if size >= 9 {
            for (r, row) in grid.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let p = chart.backend_coord(&(c as f64, r as f64));
                    let (s, col) = match cell {
                        Some(k) => (
                            percent(k.solved_fraction),
                            colour::text_on(colour::viridis(k.solved_fraction)),
                        ),
                        None => ("–".to_string(), BLACK),
                    };
                    text_at(
                        &main,
                        p,
                        &s,
                        anchored(text(size).color(&col), HPos::Center, VPos::Center),
                    )?;
                }
            }
        }
        colour_bar(&bar, "nets solved")
    })?;
    let caption = "Share of nets that solved XOR in each (init, learning rate) cell: tiny initial weights need a large learning rate to escape the flat start, and large ones learn at moderate rates but stall or saturate at extreme rates.".to_string();
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title,
        caption,
        png,
    }))
}
