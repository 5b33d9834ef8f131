//! what_matters.png: the plain main-effects view of a sweep over trainer options (the view
//! behind W&B's "parameter importance"). One panel per hyperparameter that takes more than one
//! value: the share of nets that solve XOR at each of its values, pooled over every other
//! hyperparameter of the grid, with its 95 % Wilson interval.
//!
//! Pooling counts solved nets and nets over all cells with that value. The interval is that of
//! the pooled counts: it says how well the pooled share is measured, not how much the share
//! varies between the cells pooled (a factor can matter a lot in some cells and not at all in
//! others; the report's table shows every cell). Drawn only when the sweep varies a trainer
//! option (activation, output, loss, batch, momentum, weight decay or per-layer rates): a sweep
//! of the lesson's trainer keeps the charts it always had.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::Axis;
use super::data::{Cell, ChartData};
use super::{
    Area, Backend, Heading, Hits, PAGE_WIDTH, Rendered, anchored, colour, heading, hit_at,
    pick_evenly, png, svg, text,
};
use crate::format;
use crate::report::stats::wilson_95;
use crate::train::options::{ChoiceParam, HyperParam};

pub const FILE: &str = "what_matters.png";

/// One value of one hyperparameter, pooled.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    pub value: String,
    pub solved: u64,
    pub nets: u64,
    pub ci: (f64, f64),
}

impl Level {
    pub fn share(&self) -> f64 {
        self.solved as f64 / self.nets as f64
    }
}

/// One hyperparameter with its pooled levels, in the order the grid has them.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    pub name: &'static str,
    pub levels: Vec<Level>,
}

impl Effect {
    /// Highest minus lowest pooled share: how much this hyperparameter moves the answer.
    pub fn spread(&self) -> f64 {
        let shares = self.levels.iter().map(Level::share);
        shares.clone().fold(f64::NEG_INFINITY, f64::max) - shares.fold(f64::INFINITY, f64::min)
    }

    /// Whether the best and worst levels' intervals do not overlap.
    pub fn clear(&self) -> bool {
        let by_share = |a: &&Level, b: &&Level| a.share().total_cmp(&b.share());
        let (Some(lo), Some(hi)) = (
            self.levels.iter().min_by(by_share),
            self.levels.iter().max_by(by_share),
        ) else {
            return false;
        };
        lo.ci.1 < hi.ci.0
    }
}

/// The hyperparameters a cell is described by, as (name, value as a person reads it).
fn factors(c: &Cell, per_layer: bool) -> Vec<(&'static str, String)> {
    let s = &c.scheme.setting;
    let mut v = vec![
        ("init", c.scheme.init_label()),
        (
            if per_layer { "lr_hidden" } else { "lr" },
            format::value(c.lr),
        ),
    ];
    v.extend(
        ChoiceParam::ALL
            .iter()
            .map(|&p| (p.name(), s.options.name_of(p).to_string())),
    );
    let numbers = HyperParam::ALL.iter().filter(|p| !p.is_rate());
    v.extend(numbers.map(|&p| (p.name(), format::value(s.hyper.get(p)))));
    if let Some(out) = s.lr_out() {
        v.push(("lr_out", format::value(out)));
    }
    v
}

/// The main effects of a sweep's random-init cells: every hyperparameter with two or more values.
/// Empty when no trainer option varies (a sweep of the lesson's trainer).
pub fn effects(data: &ChartData) -> Vec<Effect> {
    let cells: Vec<&Cell> = data
        .cells
        .iter()
        .filter(|c| c.scheme.is_random() && c.nets > 0)
        .collect();
    let varies = cells
        .windows(2)
        .any(|w| w[0].scheme.setting != w[1].scheme.setting);
    if !varies {
        return Vec::new();
    }
    let per_layer = cells.iter().any(|c| c.scheme.setting.lr_out().is_some());
    let mut out: Vec<Effect> = Vec::new();
    for c in &cells {
        for (name, value) in factors(c, per_layer) {
            let effect = match out.iter_mut().position(|e| e.name == name) {
                Some(i) => &mut out[i],
                None => {
                    out.push(Effect {
                        name,
                        levels: Vec::new(),
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            match effect.levels.iter_mut().find(|l| l.value == value) {
                Some(l) => {
                    l.solved += c.solved;
                    l.nets += c.nets;
                }
                None => effect.levels.push(Level {
                    value,
                    solved: c.solved,
                    nets: c.nets,
                    ci: (0.0, 0.0),
                }),
            }
        }
    }
    out.retain(|e| e.levels.len() > 1);
    for e in &mut out {
        for l in &mut e.levels {
            l.ci = wilson_95(l.solved, l.nets);
        }
    }
    out
}

pub fn draw(data: &ChartData) -> anyhow::Result<Rendered> {
    let effects = effects(data);
    if effects.is_empty() {
        return Ok(Rendered::Skipped {
            file: FILE,
            why: "the sweep varies no trainer option".into(),
        });
    }
    let n = effects.len();
    let cols = n.min(3);
    let rows = n.div_ceil(cols);
    let width = (460 * cols as u32 + 60).max(900);
    let height = 140 + 380 * rows as u32;
    let title =
        "What matters: the share of nets that solve XOR at each value of each hyperparameter";
    let subtitle = "random inits only; each point pools every cell with that value (averaged over all other hyperparameters, weighted by nets); bars: 95% Wilson interval of the pooled counts";
    let png = png(width, height, |root| {
        let area = heading(root, title, subtitle)?;
        let panels = area.split_evenly((rows, cols));
        for (e, p) in effects.iter().zip(&panels) {
            panel(p, e, &mut Hits::new())?;
        }
        Ok(())
    })?;
    let top = Heading::new(PAGE_WIDTH, title, subtitle).height;
    let svg = svg(top + 320 * n as u32, title, |root, hits| {
        let area = heading(root, title, subtitle)?;
        for (e, p) in effects.iter().zip(&area.split_evenly((n, 1))) {
            panel(p, e, hits)?;
        }
        Ok(())
    })?;
    let mut ranked: Vec<&Effect> = effects.iter().collect();
    ranked.sort_by(|a, b| b.spread().total_cmp(&a.spread()));
    let top = ranked[0];
    let best = top
        .levels
        .iter()
        .max_by(|a, b| a.share().total_cmp(&b.share()))
        .expect("two levels or more");
    let worst = top
        .levels
        .iter()
        .min_by(|a, b| a.share().total_cmp(&b.share()))
        .expect("two levels or more");
    let caption = format!(
        "Solved share at each value of each hyperparameter, pooled over the others. {} moves it most: {} at {} against {} at {}{}.",
        top.name,
        format::share(best.share()),
        best.value,
        format::share(worst.share()),
        worst.value,
        if top.clear() {
            " (the 95% intervals do not overlap)"
        } else {
            " (but the 95% intervals overlap: this sweep cannot tell them apart)"
        }
    );
    Ok(Rendered::Chart(super::Chart {
        file: FILE,
        title: title.into(),
        caption,
        png,
        svg,
    }))
}

/// One hyperparameter: each value's pooled share with its interval, its value's name below
/// (as many as fit, evenly spread) and its share above (where every one fits).
fn panel<DB: Backend>(area: &Area<DB>, e: &Effect, hits: &mut Hits) -> anyhow::Result<()> {
    let k = e.levels.len();
    let room = area.dim_in_pixel().0.saturating_sub(130);
    let widest = e
        .levels
        .iter()
        .map(|l| text(16).font.box_size(&l.value).map_or(40, |b| b.0))
        .max()
        .unwrap_or(40);
    let shown = pick_evenly(k, (room / (widest + 10)).max(2) as usize, &[]);
    // A label centred under its value, left out where it would stick out on the right.
    let cw = f64::from(room) / k.max(1) as f64;
    let fits = |i: usize, l: &Level| {
        let half = f64::from(text(16).font.box_size(&l.value).map_or(40, |b| b.0)) / 2.0;
        half <= (k - i) as f64 * cw - cw / 2.0 + 12.0
    };
    let x = Axis::categories(
        e.levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if shown.contains(&i) && fits(i, l) {
                    l.value.clone()
                } else {
                    String::new()
                }
            })
            .collect(),
    );
    let y = Axis::fraction();
    let mut chart = super::plot(area, Some(e.name), &x, &y, "", "solved")?;
    let values_fit = room / k.max(1) as u32 >= 44;
    for (i, l) in e.levels.iter().enumerate() {
        let x = i as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, l.ci.0), (x, l.ci.1)],
            colour::BLUE.stroke_width(3),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (x, l.share()),
            6,
            colour::BLUE.filled(),
        )))?;
        if values_fit {
            chart.draw_series(std::iter::once(Text::new(
                format::share_short(l.share()),
                (x, (l.ci.1 + 0.03).min(0.97)),
                anchored(text(14), HPos::Center, VPos::Bottom),
            )))?;
        }
        let say = format!(
            "{} {}: {} solved, 95% interval {}",
            e.name,
            l.value,
            format::share(l.share()),
            format::share_range(l.ci.0, l.ci.1)
        );
        hit_at(&chart, (x, l.share()), say, hits);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Setting;
    use crate::report::charts::data::{CellCurve, Scheme};
    use crate::train::Activation;

    fn cell(id: u64, activation: Activation, lr: f64, solved: u64) -> Cell {
        Cell {
            cell: id,
            scheme: Scheme {
                init: "uniform".into(),
                scale: Some(1.0),
                eps: None,
                setting: Setting {
                    options: crate::train::Options {
                        activation,
                        ..Default::default()
                    },
                    ..Setting::LESSON
                },
            },
            lr,
            nets: 100,
            solved,
            solved_fraction: solved as f64 / 100.0,
            solved_ci95: wilson_95(solved, 100),
            solved_epoch: [None; 3],
            solved_epoch_median_ci95: None,
            final_loss: [0.0; 3],
            final_loss_best: 0.0,
            median_hidden_gap: 0.0,
            diverged: 0,
            target: None,
            curve: CellCurve::default(),
        }
    }

    #[test]
    fn pools_each_value_over_the_others_and_skips_the_lesson_trainer() {
        let data = ChartData {
            cells: vec![
                cell(0, Activation::Sigmoid, 1.0, 10),
                cell(1, Activation::Sigmoid, 4.0, 30),
                cell(2, Activation::Tanh, 1.0, 90),
                cell(3, Activation::Tanh, 4.0, 70),
            ],
            ..ChartData::default()
        };
        let e = effects(&data);
        let names: Vec<&str> = e.iter().map(|e| e.name).collect();
        assert_eq!(names, ["lr", "activation"]);
        let act = &e[1];
        assert_eq!((act.levels[0].solved, act.levels[0].nets), (40, 200));
        assert_eq!((act.levels[1].solved, act.levels[1].nets), (160, 200));
        assert!((act.spread() - 0.6).abs() < 1e-12 && act.clear());
        // lr pools to 100/200 at both values: no effect, overlapping intervals.
        assert!(e[0].spread().abs() < 1e-12 && !e[0].clear());
        assert!(super::super::fonts_registered());
        assert!(matches!(draw(&data).unwrap(), Rendered::Chart(_)));
        let lesson_only = ChartData {
            cells: vec![
                cell(0, Activation::Sigmoid, 1.0, 10),
                cell(1, Activation::Sigmoid, 4.0, 30),
            ],
            ..ChartData::default()
        };
        assert!(effects(&lesson_only).is_empty());
    }
}
