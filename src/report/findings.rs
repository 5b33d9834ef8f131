//! What a sweep found, decided and worded once: per init scheme, the learning rates tied with
//! the best one on solved share, the fastest of the rates that solve about as often, whether
//! reliability and speed pull apart, and the sentences that say so. The terminal summary
//! ([`super::terminal`]), report.html and the solved-by-learning-rate chart all read these
//! findings, so the three never disagree and a rule changes in one place.
//!
//! The rules, with their reasons:
//! - **Tied-best** (`tied_best_lrs`): the rate with the highest solved share, and every rate whose
//!   95 % Wilson interval overlaps its interval. No sweep of this size can rank those.
//! - **Fastest** (`fastest_lrs`): speed is the median epoch of solving among a cell's solved
//!   nets, with its distribution-free 95 % interval (order statistics, the binomial sign-test
//!   interval: [`super::stats::median_ci95`]). The candidates are the rates that *solve about as
//!   often as the best*: the tied-best, and any rate whose share's upper bound reaches
//!   [`NEAR_BEST`] of the best's lower bound. The fastest candidate is the one with the lowest
//!   median; `fastest_lrs` is every candidate whose median interval overlaps its ("tied on
//!   speed"). Candidates wider than the tied-best keep the speed claim from flipping with the
//!   seed count: a rate that solves 94 % against the best's 97 % is tied at 200 seeds and told
//!   apart at 400, and would otherwise drop out of the race it won. Where the fastest rate is not
//!   the most reliable one, the trade-off is stated with both numbers.
//! - **One net per rate** (the lesson's fixed weights): a single deterministic net has no
//!   sampling interval; such groups say so and compare exact epochs.
//! - **Fewer than 6 solved nets**: no 95 % interval for the median exists; the cell's speed is
//!   unknown, so it is tied on speed with any fastest rate.

use serde::Serialize;

use super::charts::data::{Cell, ChartData, Group};
use crate::format::{self, NONE, epochs, opt_epochs, share, share_range, value as lr};

/// A rate is a candidate for the speed claim when its solved share's upper 95 % bound reaches
/// this fraction of the best rate's lower bound: it may solve about as often as the best.
pub const NEAR_BEST: f64 = 0.9;

/// A scheme's verdict: its most reliable rate, the rates tied with it, and the fastest of the
/// rates that solve about as often (see the module docs).
#[derive(Debug)]
pub struct Verdict<'a> {
    /// The highest solved share (the faster of equal shares).
    pub best: &'a Cell,
    /// Rates whose share's interval overlaps the best one's, in learning-rate order.
    pub tied: Vec<&'a Cell>,
    /// The candidate with the lowest median epoch of solving.
    pub fastest: &'a Cell,
    /// Candidates whose median-epoch interval overlaps the fastest one's, in learning-rate order.
    pub fastest_tied: Vec<&'a Cell>,
}

/// Whether every cell of a group is a single net (the lesson's fixed weights).
fn one_net(cells: &[&Cell]) -> bool {
    !cells.is_empty() && cells.iter().all(|c| c.nets == 1)
}

/// The interval of a cell's median solved epoch used to compare speeds: exact for a single net,
/// unbounded when too few nets solved for a 95 % interval.
fn speed_interval(c: &Cell) -> (f64, f64) {
    match (c.nets, c.solved_epoch[1], c.solved_epoch_median_ci95) {
        (1, Some(m), _) => (m, m),
        (_, _, Some(ci)) => ci,
        _ => (0.0, f64::INFINITY),
    }
}

pub(super) fn median(c: &Cell) -> f64 {
    c.solved_epoch[1].unwrap_or(f64::INFINITY)
}

impl<'a> Group<'a> {
    /// The group's verdict; None when no net of the scheme solved XOR.
    pub fn verdict(&self) -> Option<Verdict<'a>> {
        verdict(&self.cells)
    }
}

/// The verdict over any set of cells (one init's learning rates, or every configuration of the
/// sweep): the most reliable, the cells tied with it and the fastest of those that solve about
/// as often. None when no cell solved.
pub fn verdict<'a>(cells: &[&'a Cell]) -> Option<Verdict<'a>> {
    let solved: Vec<&'a Cell> = cells
        .iter()
        .copied()
        .filter(|c| c.solved > 0 && c.solved_fraction.is_finite())
        .collect();
    let best = solved.iter().copied().max_by(|a, b| {
        a.solved_fraction
            .total_cmp(&b.solved_fraction)
            .then(median(b).total_cmp(&median(a)))
    })?;
    let (lo, hi) = best.solved_ci95;
    let tied: Vec<&Cell> = solved
        .iter()
        .copied()
        .filter(|c| c.cell == best.cell || (c.solved_ci95.1 >= lo && c.solved_ci95.0 <= hi))
        .collect();
    let candidates: Vec<&Cell> = solved
        .iter()
        .copied()
        .filter(|c| tied.iter().any(|t| t.cell == c.cell) || c.solved_ci95.1 >= NEAR_BEST * lo)
        .filter(|c| c.solved_epoch[1].is_some())
        .collect();
    let fastest = candidates
        .iter()
        .copied()
        .min_by(|a, b| {
            median(a)
                .total_cmp(&median(b))
                .then(speed_interval(a).1.total_cmp(&speed_interval(b).1))
        })
        .unwrap_or(best);
    let (f_lo, f_hi) = speed_interval(fastest);
    let mut fastest_tied: Vec<&Cell> = candidates
        .iter()
        .copied()
        .filter(|c| {
            let (a, b) = speed_interval(c);
            c.cell == fastest.cell || (a <= f_hi && f_lo <= b)
        })
        .collect();
    if fastest_tied.is_empty() {
        fastest_tied.push(fastest);
    }
    Some(Verdict {
        best,
        tied,
        fastest,
        fastest_tied,
    })
}

impl Verdict<'_> {
    /// Lowest and highest solved share among the tied cells.
    pub fn share_range(&self) -> (f64, f64) {
        self.tied
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| {
                (a.min(c.solved_fraction), b.max(c.solved_fraction))
            })
    }

    /// Whether the most reliable rate is not among the fastest: reliability and speed differ.
    pub fn trade_off(&self) -> bool {
        self.fastest_tied.iter().all(|c| c.cell != self.best.cell)
    }
}

/// One cell as the findings quote it: its share and its speed, each with its interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellFinding {
    pub lr: f64,
    pub nets: u64,
    pub solved: u64,
    pub solved_fraction: f64,
    /// 95 % Wilson interval of the solved share; None for a single net.
    pub solved_ci95: Option<(f64, f64)>,
    pub median_solved_epoch: Option<f64>,
    /// Distribution-free 95 % interval of the median solved epoch (order statistics); None for
    /// a single net or fewer than 6 solved nets.
    pub median_solved_epoch_ci95: Option<(f64, f64)>,
}

impl CellFinding {
    pub(super) fn of(c: &Cell) -> CellFinding {
        CellFinding {
            lr: c.lr,
            nets: c.nets,
            solved: c.solved,
            solved_fraction: c.solved_fraction,
            solved_ci95: (c.nets > 1).then_some(c.solved_ci95),
            median_solved_epoch: c.solved_epoch[1],
            median_solved_epoch_ci95: if c.nets > 1 {
                c.solved_epoch_median_ci95
            } else {
                None
            },
        }
    }
}

/// What a sweep found about one init scheme (the terminal's row, `--json`'s object).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The scheme as `--init` spells it.
    pub init: String,
    /// The scheme's `init` alone (`near-symmetric`), to fold its variants together.
    #[serde(skip)]
    pub family: String,
    /// The scheme's ε, for near-symmetric inits.
    #[serde(skip)]
    pub eps: Option<f64>,
    pub nets: u64,
    pub solved: u64,
    pub diverged: u64,
    pub learning_rates: usize,
    /// Every cell is a single net (the lesson's fixed weights): no intervals.
    pub one_net_per_rate: bool,
    /// The most reliable rate.
    pub best: Option<CellFinding>,
    pub tied_best_lrs: Vec<f64>,
    /// Lowest and highest solved share among the tied-best rates.
    pub tied_solved_range: Option<(f64, f64)>,
    /// The tied-best rates' median epochs of solving.
    #[serde(skip)]
    pub tied_medians: Vec<f64>,
    /// The tied-best rates as a person reads them: "0.05–32 (all but 20.8)".
    pub tied_best_text: Option<String>,
    /// The fastest of the rates that solve about as often as the best.
    pub fastest: Option<CellFinding>,
    pub fastest_lrs: Vec<f64>,
    /// The most reliable rate is not among the fastest.
    pub trade_off: bool,
    /// Where they differ, the two sides in numbers: "8.79 solves 96.5% in 3746 epochs, 13.5
    /// solves 93.5% in 137".
    pub trade_off_text: Option<String>,
    /// The finding in a sentence or two.
    pub sentence: String,
    /// The lowest final loss of any of its nets (NaN when none is finite).
    #[serde(skip)]
    pub final_loss_best: f64,
}

/// The findings of every init scheme, in the sweep's order.
pub fn findings(data: &ChartData) -> Vec<Finding> {
    data.groups().iter().map(finding).collect()
}

/// The finding of one group.
pub fn finding(g: &Group) -> Finding {
    let sum = |f: &dyn Fn(&&Cell) -> u64| g.cells.iter().map(f).sum();
    let v = g.verdict();
    let lrs = |cells: &[&Cell]| cells.iter().map(|c| c.lr).collect::<Vec<_>>();
    let mut f = Finding {
        init: g.scheme.label(),
        family: g.scheme.init.clone(),
        eps: g.scheme.eps,
        nets: sum(&|c| c.nets),
        solved: sum(&|c| c.solved),
        diverged: sum(&|c| c.diverged),
        learning_rates: g.cells.len(),
        one_net_per_rate: one_net(&g.cells),
        best: v.as_ref().map(|v| CellFinding::of(v.best)),
        tied_best_lrs: v.as_ref().map(|v| lrs(&v.tied)).unwrap_or_default(),
        tied_solved_range: v.as_ref().map(Verdict::share_range),
        tied_medians: v
            .as_ref()
            .map(|v| v.tied.iter().filter_map(|c| c.solved_epoch[1]).collect())
            .unwrap_or_default(),
        tied_best_text: v.as_ref().map(|v| rates_text(g, &v.tied)),
        fastest: v.as_ref().map(|v| CellFinding::of(v.fastest)),
        fastest_lrs: v.as_ref().map(|v| lrs(&v.fastest_tied)).unwrap_or_default(),
        trade_off: v.as_ref().is_some_and(Verdict::trade_off),
        trade_off_text: None,
        sentence: String::new(),
        final_loss_best: g
            .cells
            .iter()
            .map(|c| c.final_loss_best)
            .filter(|x| !x.is_nan())
            .fold(f64::NAN, f64::min),
    };
    if let (true, Some(best), Some(fast)) = (f.trade_off, &f.best, &f.fastest) {
        f.trade_off_text = Some(format!(
            "{} solves {} in {} epochs, {} solves {} in {}",
            lr(best.lr),
            share(best.solved_fraction),
            opt_epochs(best.median_solved_epoch),
            lr(fast.lr),
            share(fast.solved_fraction),
            opt_epochs(fast.median_solved_epoch),
        ));
    }
    f.sentence = sentence(&f, g);
    f
}

/// A cell's speed: "80 epochs (95% interval 74–88)", "82 epochs (one net)", or with too few
/// solved nets "4611 epochs (too few solved for an interval)".
pub fn speed(c: &CellFinding) -> String {
    let Some(m) = c.median_solved_epoch else {
        return "never solved".into();
    };
    match (c.nets, c.median_solved_epoch_ci95) {
        (1, _) => format!("{} epochs (one net)", epochs(m)),
        (_, Some((a, b))) => format!(
            "{} epochs (95% interval {}–{})",
            epochs(m),
            epochs(a),
            epochs(b)
        ),
        _ => format!("{} epochs (under 6 solved: no interval)", epochs(m)),
    }
}

/// The tied rates of a group as a person reads them: one rate; "0.118–13.5 (12 rates)" when
/// they are neighbours; "0.05–32 (all but 20.8)" when a few in the span are left out; else the
/// list of them.
pub fn rates_text(g: &Group, tied: &[&Cell]) -> String {
    let (Some(first), Some(last)) = (tied.first(), tied.last()) else {
        return "none".into();
    };
    if tied.len() == 1 {
        return lr(first.lr);
    }
    let span: Vec<&&Cell> = g
        .cells
        .iter()
        .filter(|c| c.lr >= first.lr && c.lr <= last.lr)
        .collect();
    let out: Vec<String> = span
        .iter()
        .filter(|c| tied.iter().all(|t| t.cell != c.cell))
        .map(|c| lr(c.lr))
        .collect();
    let range = format!("{}–{}", lr(first.lr), lr(last.lr));
    if out.is_empty() {
        format!("{range} ({} rates)", tied.len())
    } else if out.len() < tied.len() {
        format!("{range} (all but {})", out.join(", "))
    } else {
        tied.iter().map(|c| lr(c.lr)).collect::<Vec<_>>().join(", ")
    }
}

/// A list of learning rates: "8.79, 13.5 and 20.8".
fn rate_list(lrs: &[f64]) -> String {
    let words: Vec<String> = lrs.iter().map(|&x| lr(x)).collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => words.join(""),
    }
}

/// The finding in words (plain text: report.html escapes it).
fn sentence(f: &Finding, g: &Group) -> String {
    let (Some(best), Some(fast), Some(rates), Some((lo, hi))) =
        (&f.best, &f.fastest, &f.tied_best_text, f.tied_solved_range)
    else {
        return format!("{}: none of its {} nets solved XOR.", f.init, f.nets);
    };
    if f.one_net_per_rate {
        let failed: Vec<f64> = g
            .cells
            .iter()
            .filter(|c| c.solved == 0)
            .map(|c| c.lr)
            .collect();
        let at = match failed.len() {
            0 => "every rate".to_string(),
            k if k < f.learning_rates => {
                format!(
                    "{} of {} rates, all but {}",
                    f.learning_rates - k,
                    f.learning_rates,
                    rate_list(&failed)
                )
            }
            _ => "no rate".to_string(),
        };
        return format!(
            "{} (one net per rate, so no intervals): solved XOR at {at}; fastest at {}, epoch {}.",
            f.init,
            lr(fast.lr),
            opt_epochs(fast.median_solved_epoch)
        );
    }
    let tied = f.tied_best_lrs.len();
    let mut s = if tied == 1 {
        format!(
            "{}: learning rate {rates} solves most often, {} (95% interval {}).",
            f.init,
            share(best.solved_fraction),
            best.solved_ci95
                .map_or(NONE.into(), |(a, b)| share_range(a, b))
        )
    } else {
        format!(
            "{}: learning rates {rates} tie on solved share ({}).",
            f.init,
            share_range(lo, hi)
        )
    };
    let others: Vec<f64> = f
        .fastest_lrs
        .iter()
        .copied()
        .filter(|&x| x != fast.lr)
        .collect();
    s.push_str(&format!(
        " Fastest: {}, median {}",
        lr(fast.lr),
        speed(fast)
    ));
    if others.is_empty() {
        s.push('.');
    } else {
        s.push_str(&format!("; tied on speed with {}.", rate_list(&others)));
    }
    if let Some(t) = trade_off(f) {
        s.push(' ');
        s.push_str(&t);
    }
    s
}

/// Where the most reliable rate is not among the fastest, the two sides in a sentence:
/// "Reliability and speed differ: 8.788 solves 96.5% in 3746 epochs, 13.52 solves 93.5% in 137."
pub fn trade_off(f: &Finding) -> Option<String> {
    let t = f.trade_off_text.as_ref()?;
    Some(format!("Reliability and speed differ: {t}."))
}

/// The best MSE an exactly symmetric net can reach: it can fit at most three of the four cases.
pub const SYMMETRIC_BOUND: f64 = 1.0 / 6.0;

/// Where the learning rate mostly sets speed: of the schemes with several tied-best rates whose
/// median epochs to solve differ more than twofold, the one where they differ most (independent
/// random inits first: near-clones are slow for another reason).
pub fn widest_speed_spread(findings: &[Finding]) -> Option<&Finding> {
    findings
        .iter()
        .filter(|f| !f.one_net_per_rate && f.tied_best_lrs.len() > 1)
        .filter_map(|f| {
            let fast = f.fastest.as_ref()?.median_solved_epoch?;
            let slow = f.tied_medians.iter().copied().fold(fast, f64::max);
            Some((f, fast, slow))
        })
        .filter(|(_, fast, slow)| *slow > 2.0 * fast)
        .max_by(|a, b| {
            let independent = |f: &Finding| !f.family.contains("symmetric");
            independent(a.0)
                .cmp(&independent(b.0))
                .then((a.2 / a.1).total_cmp(&(b.2 / b.1)))
        })
        .map(|(f, _, _)| f)
}

/// The learning rate's effect on speed within a tie on solved share, in a sentence: "For
/// uniform:1, learning rates 0.5–8 (5 rates) tie on solved share (68–88%), but their median
/// epoch of solving runs from 1592 to 117." None where the tie has one rate.
pub fn speed_spread(f: &Finding) -> Option<String> {
    let (Some(fast), Some(rates), Some((lo, hi))) =
        (&f.fastest, &f.tied_best_text, f.tied_solved_range)
    else {
        return None;
    };
    let fast = fast.median_solved_epoch?;
    let slow = f.tied_medians.iter().copied().fold(fast, f64::max);
    (f.tied_best_lrs.len() > 1).then(|| {
        format!(
            "For {}, learning rates {rates} tie on solved share ({}), but their median epoch of solving runs from {} to {}.",
            f.init,
            share_range(lo, hi),
            epochs(slow),
            epochs(fast)
        )
    })
}

/// What exactly symmetric nets did against the bound the symmetry argument sets, in a
/// sentence, and whether it contradicts the argument (a net below the bound). None when the
/// sweep has no exactly symmetric init.
pub fn symmetric_verdict(findings: &[Finding]) -> Option<(String, bool)> {
    let sym: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.family == "symmetric")
        .collect();
    if sym.is_empty() {
        return None;
    }
    let nets: u64 = sym.iter().map(|f| f.nets).sum();
    let solved: u64 = sym.iter().map(|f| f.solved).sum();
    let best = sym
        .iter()
        .map(|f| f.final_loss_best)
        .filter(|x| !x.is_nan())
        .fold(f64::INFINITY, f64::min);
    let below = best < SYMMETRIC_BOUND;
    let verdict = if below {
        "below the bound: this contradicts the symmetry argument"
    } else {
        "none got below the bound, as the symmetry argument says"
    };
    Some((
        format!(
            "Exactly symmetric nets (both hidden units identical): {solved} of {nets} solved XOR; best final loss {} against the bound 1/6 = {}: {verdict}.",
            format::significant(best, 6),
            format::significant(SYMMETRIC_BOUND, 6)
        ),
        below,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::data::{CellCurve, Scheme};

    fn row(
        cell: u64,
        lr: f64,
        nets: u64,
        solved: u64,
        ci: (f64, f64),
        median: Option<(f64, f64, f64)>,
    ) -> Cell {
        Cell {
            cell,
            scheme: Scheme {
                init: "uniform".into(),
                scale: Some(1.0),
                eps: None,
                setting: crate::hyper::Setting::LESSON,
            },
            lr,
            nets,
            solved,
            solved_fraction: solved as f64 / nets as f64,
            solved_ci95: ci,
            solved_epoch: [None, median.map(|m| m.0), None],
            solved_epoch_median_ci95: median.map(|m| (m.1, m.2)),
            final_loss: [0.1; 3],
            final_loss_best: 0.0,
            median_hidden_gap: 1.0,
            diverged: 0,
            target: None,
            curve: CellCurve::default(),
        }
    }

    fn group(cells: &[Cell]) -> Group<'_> {
        Group {
            scheme: &cells[0].scheme,
            cells: cells.iter().collect(),
        }
    }

    #[test]
    fn ties_overlapping_shares_and_speeds() {
        let cells = [
            row(
                0,
                0.1,
                100,
                10,
                (0.05, 0.17),
                Some((5000.0, 4000.0, 6000.0)),
            ),
            row(1, 0.5, 100, 80, (0.71, 0.87), Some((900.0, 800.0, 1000.0))),
            row(2, 2.0, 100, 84, (0.76, 0.90), Some((400.0, 350.0, 450.0))),
            row(3, 8.0, 100, 78, (0.69, 0.85), Some((100.0, 90.0, 130.0))),
            row(4, 16.0, 100, 77, (0.68, 0.84), Some((120.0, 110.0, 140.0))),
            row(5, 32.0, 100, 0, (0.0, 0.04), None),
        ];
        let g = group(&cells);
        let v = g.verdict().unwrap();
        assert_eq!(v.best.cell, 2);
        let ids = |cs: &[&Cell]| cs.iter().map(|c| c.cell).collect::<Vec<_>>();
        assert_eq!(ids(&v.tied), [1, 2, 3, 4]);
        assert_eq!(v.fastest.cell, 3);
        assert_eq!(ids(&v.fastest_tied), [3, 4]);
        assert!(v.trade_off());
        assert_eq!(v.share_range(), (0.77, 0.84));
        let f = finding(&g);
        assert_eq!(f.tied_best_text.as_deref(), Some("0.5–16 (4 rates)"));
        assert_eq!(f.fastest_lrs, [8.0, 16.0]);
        assert!(
            f.sentence.contains("tie on solved share (77–84%)")
                && f.sentence.contains(
                    "Fastest: 8, median 100 epochs (95% interval 90–130); tied on speed with 16."
                )
                && f.sentence.contains(
                    "Reliability and speed differ: 2 solves 84% in 400 epochs, 8 solves 78% in 100."
                ),
            "{}",
            f.sentence
        );
        let none = group(&cells[5..]);
        assert!(none.verdict().is_none());
        assert!(
            finding(&none)
                .sentence
                .contains("none of its 100 nets solved XOR")
        );
    }

    #[test]
    fn near_best_rates_race_for_speed_but_far_ones_do_not() {
        // 13.5 solves 89.75 % against the best's 97.75 %: told apart, but near enough to race;
        // 20.8 at 27.5 % is not.
        let cells = [
            row(
                0,
                5.71,
                400,
                365,
                (0.881, 0.936),
                Some((5428.0, 4966.0, 5968.0)),
            ),
            row(
                1,
                8.79,
                400,
                391,
                (0.958, 0.988),
                Some((3419.0, 3137.0, 3789.0)),
            ),
            row(
                2,
                13.5,
                400,
                359,
                (0.864, 0.924),
                Some((140.0, 138.0, 143.0)),
            ),
            row(3, 20.8, 400, 110, (0.234, 0.321), Some((30.0, 20.0, 40.0))),
        ];
        let g = group(&cells);
        let v = g.verdict().unwrap();
        assert_eq!(v.tied.len(), 1);
        assert_eq!(v.fastest.cell, 2);
        assert!(v.trade_off());
        let f = finding(&g);
        assert_eq!(f.tied_best_lrs, [8.79]);
        assert_eq!(f.fastest_lrs, [13.5]);
        assert!(
            f.sentence
                .contains("8.79 solves 97.8% in 3419 epochs, 13.5 solves 90% in 140"),
            "{}",
            f.sentence
        );
    }

    #[test]
    fn one_net_groups_and_holes_say_so() {
        let mut cells: Vec<Cell> = [
            (0.5, Some(900.0)),
            (2.0, Some(468.0)),
            (8.0, None),
            (16.0, Some(82.0)),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(lr, e))| {
            let solved = u64::from(e.is_some());
            let mut c = row(
                i as u64,
                lr,
                1,
                solved,
                if solved == 1 {
                    (0.21, 1.0)
                } else {
                    (0.0, 0.79)
                },
                None,
            );
            c.solved_epoch[1] = e;
            c
        })
        .collect();
        for c in &mut cells {
            c.scheme.init = "lesson".into();
            c.scheme.scale = None;
        }
        let g = group(&cells);
        let f = finding(&g);
        assert!(f.one_net_per_rate);
        assert_eq!(f.tied_best_text.as_deref(), Some("0.5–16 (all but 8)"));
        assert_eq!(f.fastest_lrs, [16.0]);
        assert_eq!(f.fastest.as_ref().unwrap().median_solved_epoch_ci95, None);
        assert_eq!(f.best.as_ref().unwrap().solved_ci95, None);
        assert_eq!(
            f.sentence,
            "lesson (one net per rate, so no intervals): solved XOR at 3 of 4 rates, all but 8; fastest at 16, epoch 82."
        );
    }
}
