//! What matters in a sweep over trainer options, and where it depends on the learning rate.
//!
//! Pooling a hyperparameter over the whole grid (W&B's "parameter importance") averages away
//! what a learning rate does to it: momentum 0.9 against plain steps pools to 58 % against 61 %
//! ("changes little") while it solves twice as often at lr 0.05 and almost never at lr 32. So per
//! hyperparameter, per value, this module measures
//! - its **best achievable share**: the most reliable configuration that has this value (every
//!   other hyperparameter and the learning rate chosen at their best), with its 95 % interval;
//!   the hyperparameters are ranked by how much that changes from value to value, with the
//!   95 % interval of the change (Newcombe's, between the two configurations);
//! - its **share at each learning rate**, pooled over the other hyperparameters (one line per
//!   value in what_matters.png);
//! - where it differs from the first value of the grid (the lesson's, where the grid has it),
//!   rate by rate: the rates where the two pooled 95 % intervals lie apart, above or below, and
//!   a sentence saying whether the effect holds at every rate, depends on the rate or reverses.
//!
//! The **grid average** (pooled over everything) is kept and labelled as such: it says how
//! well the average is measured, not how much the share varies between the cells pooled.

use serde::Serialize;

use super::charts::data::{Cell, ChartData};
use super::findings::verdict;
use super::newcombe::difference_95;
use super::overall::Configuration;
use super::stats::wilson_95;
use crate::format::{self, share, share_range, value as lr};
use crate::train::options::{ChoiceParam, HyperParam};

/// Nets counted, how many solved, and the share's 95 % Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Share {
    pub solved: u64,
    pub nets: u64,
    pub share: f64,
    pub ci95: (f64, f64),
}

impl Share {
    fn of(cells: &[&Cell]) -> Share {
        let solved = cells.iter().map(|c| c.solved).sum();
        let nets = cells.iter().map(|c| c.nets).sum();
        Share {
            solved,
            nets,
            share: solved as f64 / nets as f64,
            ci95: wilson_95(solved, nets),
        }
    }
}

/// One learning rate's share for one value, pooled over the other hyperparameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AtRate {
    pub lr: f64,
    #[serde(flatten)]
    pub share: Share,
}

/// One value of a hyperparameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Level {
    pub value: String,
    /// The most reliable configuration with this value: its best achievable share. None when
    /// none of its nets solved.
    pub best: Option<Configuration>,
    /// Per learning rate, pooled over the other hyperparameters.
    pub by_lr: Vec<AtRate>,
    /// Pooled over every other hyperparameter and every learning rate: an average over the
    /// grid, which hides where the value helps and where it hurts.
    pub grid_average: Share,
}

/// Where one value differs from the grid's first value, rate by rate (pooled 95 % intervals
/// apart).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contrast {
    pub value: String,
    pub against: String,
    /// Learning rates where `value` solves more often.
    pub higher_at: Vec<f64>,
    /// Learning rates where it solves less often.
    pub lower_at: Vec<f64>,
    /// Learning rates both values were trained at.
    pub compared_at: usize,
}

/// One hyperparameter that takes two or more values in the sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Matter {
    pub name: &'static str,
    pub levels: Vec<Level>,
    /// The highest best achievable share minus the lowest, with the 95 % interval of that
    /// difference; None when no value solved.
    pub best_change: Option<f64>,
    pub best_change_ci95: Option<(f64, f64)>,
    pub contrasts: Vec<Contrast>,
    /// The finding in words: the best achievable shares, then where the effect depends on the
    /// learning rate.
    pub sentence: String,
}

/// The hyperparameters a cell is described by beyond its learning rate, as (name, value as a
/// person reads it), in the grid's order.
fn factors(c: &Cell, per_layer: bool) -> Vec<(&'static str, String)> {
    let s = &c.scheme.setting;
    let mut v = vec![("init", c.scheme.init_label())];
    v.extend(
        ChoiceParam::ALL
            .iter()
            .map(|&p| (p.name(), s.options.name_of(p).to_string())),
    );
    let numbers = HyperParam::ALL.iter().filter(|p| !p.is_rate());
    v.extend(numbers.map(|&p| (p.name(), format::value(s.hyper.get(p)))));
    if per_layer {
        v.push(("lr_out", s.lr_out().map_or(String::new(), format::value)));
    }
    v
}

/// The random-init cells, when the sweep varies a trainer option; else none (a sweep of the
/// lesson's trainer has nothing to rank but the init, which its own charts show).
fn option_cells(data: &ChartData) -> Vec<&Cell> {
    if !data.settings_vary() {
        return Vec::new();
    }
    data.cells
        .iter()
        .filter(|c| c.scheme.is_random() && c.nets > 0)
        .collect()
}

/// The hyperparameters that vary among an options sweep's random-init cells (beyond the
/// learning rate), in the grid's order: their names, their values in the order the grid has
/// them, and each cell with the index of its value of each.
pub struct Varying<'a> {
    pub names: Vec<&'static str>,
    pub values: Vec<Vec<String>>,
    pub cells: Vec<(&'a Cell, Vec<usize>)>,
}

/// The grid of an options sweep ([`Varying`]); empty for a sweep of the lesson's trainer.
pub fn varying(data: &ChartData) -> Varying<'_> {
    let cells = option_cells(data);
    let per_layer = cells.iter().any(|c| c.scheme.setting.lr_out().is_some());
    let keyed: Vec<Vec<(&'static str, String)>> =
        cells.iter().map(|&c| factors(c, per_layer)).collect();
    let n = keyed.first().map_or(0, Vec::len);
    let mut v = Varying {
        names: Vec::new(),
        values: Vec::new(),
        cells: cells.iter().map(|&c| (c, Vec::new())).collect(),
    };
    for i in 0..n {
        let mut values: Vec<String> = Vec::new();
        for f in &keyed {
            if !values.contains(&f[i].1) {
                values.push(f[i].1.clone());
            }
        }
        if values.len() < 2 {
            continue;
        }
        for (cell, f) in v.cells.iter_mut().zip(&keyed) {
            cell.1
                .push(values.iter().position(|x| *x == f[i].1).unwrap_or(0));
        }
        v.names.push(keyed[0][i].0);
        v.values.push(values);
    }
    v
}

/// Every hyperparameter with two or more values, ranked by how much the best achievable share
/// changes (most first). Empty for a sweep of the lesson's trainer.
pub fn what_matters(data: &ChartData) -> Vec<Matter> {
    let v = varying(data);
    let mut lrs: Vec<f64> = v.cells.iter().map(|(c, _)| c.lr).collect();
    lrs.sort_by(f64::total_cmp);
    lrs.dedup();
    let mut out: Vec<Matter> = (0..v.names.len())
        .map(|i| {
            let levels = (0..v.values[i].len())
                .map(|k| {
                    let with: Vec<&Cell> = v
                        .cells
                        .iter()
                        .filter(|(_, f)| f[i] == k)
                        .map(|(c, _)| *c)
                        .collect();
                    level(&v.values[i][k], &with, &lrs)
                })
                .collect();
            matter(v.names[i], levels)
        })
        .collect();
    out.sort_by(|a, b| {
        let change = |m: &Matter| m.best_change.unwrap_or(f64::NEG_INFINITY);
        change(b).total_cmp(&change(a))
    });
    out
}

/// One value: its best configuration, its pooled share at each rate and over the grid.
fn level(value: &str, with: &[&Cell], lrs: &[f64]) -> Level {
    let by_lr = lrs
        .iter()
        .filter_map(|&x| {
            let at: Vec<&Cell> = with.iter().copied().filter(|c| c.lr == x).collect();
            (!at.is_empty()).then(|| AtRate {
                lr: x,
                share: Share::of(&at),
            })
        })
        .collect();
    Level {
        value: value.to_string(),
        best: verdict(with).map(|v| Configuration::of(v.best)),
        by_lr,
        grid_average: Share::of(with),
    }
}

/// A hyperparameter's levels compared: the change of the best achievable share and the
/// rate-by-rate contrasts against the first value.
fn matter(name: &'static str, levels: Vec<Level>) -> Matter {
    let bests: Vec<&Configuration> = levels.iter().filter_map(|l| l.best.as_ref()).collect();
    let key = |c: &&Configuration| c.cell.solved_fraction;
    let hi = bests.iter().max_by(|a, b| key(a).total_cmp(&key(b)));
    let lo = bests.iter().min_by(|a, b| key(a).total_cmp(&key(b)));
    let change = hi
        .zip(lo)
        .and_then(|(h, l)| difference_95(l.cell.solved, l.cell.nets, h.cell.solved, h.cell.nets));
    let contrasts: Vec<Contrast> = levels[1..]
        .iter()
        .map(|l| contrast(l, &levels[0]))
        .collect();
    let mut m = Matter {
        name,
        best_change: change.map(|c| c.0),
        best_change_ci95: change.map(|c| c.1),
        contrasts,
        levels,
        sentence: String::new(),
    };
    m.sentence = sentence(&m);
    m
}

/// `l` against `reference` at every rate both have: above where `l`'s interval starts above the
/// reference's, below where it ends below.
fn contrast(l: &Level, reference: &Level) -> Contrast {
    let mut c = Contrast {
        value: l.value.clone(),
        against: reference.value.clone(),
        higher_at: Vec::new(),
        lower_at: Vec::new(),
        compared_at: 0,
    };
    for a in &l.by_lr {
        let Some(r) = reference.by_lr.iter().find(|r| r.lr == a.lr) else {
            continue;
        };
        c.compared_at += 1;
        if a.share.ci95.0 > r.share.ci95.1 {
            c.higher_at.push(a.lr);
        } else if a.share.ci95.1 < r.share.ci95.0 {
            c.lower_at.push(a.lr);
        }
    }
    c
}

/// Learning rates as a span: "lr 0.05", "lr 0.05–0.4309", or "lr 0.05–32 (5 rates)" when the
/// span has gaps.
fn span(lrs: &[f64], contiguous: bool) -> String {
    match (lrs.first(), lrs.last()) {
        (Some(a), Some(b)) if lrs.len() == 1 || a == b => format!("lr {}", lr(*a)),
        (Some(a), Some(b)) if contiguous => format!("lr {}–{}", lr(*a), lr(*b)),
        (Some(a), Some(b)) => format!("{} rates in lr {}–{}", lrs.len(), lr(*a), lr(*b)),
        _ => String::new(),
    }
}

/// Whether `some` are neighbours among the rates `l` was trained at.
fn contiguous(some: &[f64], l: &Level) -> bool {
    let pos: Vec<usize> = some
        .iter()
        .filter_map(|x| l.by_lr.iter().position(|a| a.lr == *x))
        .collect();
    pos.windows(2).all(|w| w[1] == w[0] + 1)
}

/// One contrast in words: "momentum 0.9 against 0: higher at lr 0.05–0.4309, lower at lr
/// 8.788–32: the effect reverses with the learning rate."
pub fn contrast_sentence(name: &str, c: &Contrast, l: &Level) -> String {
    let head = format!("{name} {} against {}", c.value, c.against);
    let (up, down) = (
        span(&c.higher_at, contiguous(&c.higher_at, l)),
        span(&c.lower_at, contiguous(&c.lower_at, l)),
    );
    let apart = c.higher_at.len() + c.lower_at.len();
    match (c.higher_at.is_empty(), c.lower_at.is_empty()) {
        (false, false) => format!(
            "{head}: solves more often at {up}, less often at {down}: the effect reverses with the learning rate."
        ),
        (true, true) => format!(
            "{head}: at no learning rate are the 95% intervals apart ({} compared).",
            c.compared_at
        ),
        _ if apart == c.compared_at => {
            let way = if c.lower_at.is_empty() {
                "more"
            } else {
                "less"
            };
            format!("{head}: solves {way} often at every learning rate.")
        }
        (false, true) => format!(
            "{head}: solves more often at {up}, no clear difference at the other {}: the effect depends on the learning rate.",
            c.compared_at - apart
        ),
        (true, false) => format!(
            "{head}: solves less often at {down}, no clear difference at the other {}: the effect depends on the learning rate.",
            c.compared_at - apart
        ),
    }
}

/// A hyperparameter's finding: each value's best achievable share, the change and whether its
/// interval excludes no change, then each contrast.
fn sentence(m: &Matter) -> String {
    let bests: Vec<String> = m
        .levels
        .iter()
        .map(|l| match &l.best {
            Some(b) => format!(
                "{}: {} at lr {}",
                l.value,
                share(b.cell.solved_fraction),
                lr(b.cell.lr)
            ),
            None => format!("{}: never", l.value),
        })
        .collect();
    let mut s = format!("{}, best achievable share — {}", m.name, bests.join("; "));
    if let (Some(d), Some((a, b))) = (m.best_change, m.best_change_ci95) {
        let noise = if a <= 0.0 {
            "within noise"
        } else {
            "a real difference"
        };
        s.push_str(&format!(
            " (change {} points, 95% interval {} to {}: {noise}).",
            format::points(d),
            format::points(a),
            format::points(b)
        ));
    } else {
        s.push('.');
    }
    for (c, l) in m.contrasts.iter().zip(&m.levels[1..]) {
        s.push(' ');
        s.push_str(&contrast_sentence(m.name, c, l));
    }
    s
}

/// The ranking in one line: "activation 16 points (9 to 23), loss 6 (0 to 12), …".
pub fn ranking(matters: &[Matter]) -> Option<String> {
    let parts: Vec<String> = matters
        .iter()
        .filter_map(|m| {
            let (d, (a, b)) = (m.best_change?, m.best_change_ci95?);
            Some(format!(
                "{} {} ({} to {})",
                m.name,
                format::points(d),
                format::points(a),
                format::points(b)
            ))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "What changes the best achievable share most (percentage points, 95% interval): {}.",
            parts.join(", ")
        )
    })
}

/// A level's grid average in words, labelled as what it is.
pub fn grid_average(l: &Level) -> String {
    format!(
        "{} averaged over the grid: {} ({})",
        l.value,
        share(l.grid_average.share),
        share_range(l.grid_average.ci95.0, l.grid_average.ci95.1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Setting;
    use crate::report::charts::data::test_cell;

    fn cell(id: u64, momentum: f64, lr: f64, solved: u64) -> Cell {
        let mut setting = Setting::LESSON;
        setting.hyper.momentum = momentum;
        test_cell(id, setting, lr, (solved, 200), Some(20.0))
    }

    /// Momentum that helps at small rates and kills large ones: pooled it "changes little",
    /// per rate it reverses, and the sentence says so.
    #[test]
    fn an_effect_that_reverses_with_the_rate_is_found_not_averaged_away() {
        let data = ChartData {
            cells: vec![
                cell(0, 0.0, 0.05, 80),
                cell(1, 0.0, 1.0, 150),
                cell(2, 0.0, 32.0, 134),
                cell(3, 0.9, 0.05, 160),
                cell(4, 0.9, 1.0, 152),
                cell(5, 0.9, 32.0, 2),
            ],
            ..ChartData::default()
        };
        let m = what_matters(&data);
        assert_eq!(m.len(), 1, "{m:?}");
        let mom = &m[0];
        assert_eq!(mom.name, "momentum");
        // Pooled: 364 of 600 against 314 of 600: a small difference on the grid average.
        assert_eq!(mom.levels[0].grid_average.solved, 364);
        assert_eq!(mom.levels[1].grid_average.solved, 314);
        let c = &mom.contrasts[0];
        assert_eq!(
            (c.higher_at.as_slice(), c.lower_at.as_slice()),
            (&[0.05][..], &[32.0][..])
        );
        assert_eq!(c.compared_at, 3);
        assert!(
            mom.sentence.contains("reverses with the learning rate"),
            "{}",
            mom.sentence
        );
        // Best achievable: 160/200 at 0.05 against 152/200 at 1: within noise.
        let best = |i: usize| mom.levels[i].best.as_ref().unwrap().cell.lr;
        assert_eq!((best(0), best(1)), (1.0, 0.05));
        let (a, b) = mom.best_change_ci95.unwrap();
        assert!(a < 0.0 && b > 0.0, "{a} {b}");
        assert!(mom.sentence.contains("within noise"), "{}", mom.sentence);
    }

    #[test]
    fn one_sided_and_absent_effects_are_worded_apart_and_the_lesson_trainer_has_none() {
        let data = ChartData {
            cells: vec![
                cell(0, 0.0, 0.05, 20),
                cell(1, 0.0, 1.0, 110),
                cell(2, 0.9, 0.05, 120),
                cell(3, 0.9, 1.0, 104),
            ],
            ..ChartData::default()
        };
        let m = what_matters(&data);
        assert!(
            m[0].sentence
                .contains("more often at lr 0.05, no clear difference at the other 1"),
            "{}",
            m[0].sentence
        );
        assert!(m[0].best_change_ci95.unwrap().0 < 0.0);
        let lesson = ChartData {
            cells: vec![cell(0, 0.0, 0.05, 20), cell(1, 0.0, 1.0, 100)],
            ..ChartData::default()
        };
        assert!(what_matters(&lesson).is_empty());
        let apart = Contrast {
            value: "0.9".into(),
            against: "0".into(),
            higher_at: vec![],
            lower_at: vec![],
            compared_at: 2,
        };
        assert!(
            contrast_sentence("momentum", &apart, &m[0].levels[1]).contains("at no learning rate")
        );
    }
}
