//! The answer across every configuration of a sweep (init × trainer setting × learning rate):
//! the most reliable configuration, every one tied with it and the fastest of those that solve
//! about as often, by the same rules as one init's verdict ([`super::findings`]) applied to all
//! the random-init cells at once. A tie across trainer settings (plain gradient descent at 8.8
//! against momentum 0.9 at 1.02) is found like a tie across learning rates; the headline never
//! names one winner where the sweep cannot tell several apart.

use serde::Serialize;

use super::charts::data::{Cell, ChartData};
use super::findings::{CellFinding, median, speed, verdict};
use crate::format::{share, share_range, value as lr};

/// One configuration of the sweep (an init, a trainer setting and a learning rate) as the
/// overall answer quotes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Configuration {
    /// The init as `--init` spells it.
    pub init: String,
    /// The trainer's parts that are not the lesson's ("tanh · momentum 0.9"; empty for the
    /// lesson's trainer).
    pub setting: String,
    #[serde(flatten)]
    pub cell: CellFinding,
}

impl Configuration {
    pub(super) fn of(c: &Cell) -> Configuration {
        Configuration {
            init: c.scheme.init_label(),
            setting: c.scheme.setting.describe(),
            cell: CellFinding::of(c),
        }
    }

    /// Init and setting as the summary names them: "uniform:1 · tanh".
    pub fn label(&self) -> String {
        if self.setting.is_empty() {
            self.init.clone()
        } else {
            format!("{} · {}", self.init, self.setting)
        }
    }

    /// "uniform:1 · momentum 0.9 at 1.02 (88%)".
    fn short(&self) -> String {
        format!(
            "{} at {} ({})",
            self.label(),
            lr(self.cell.lr),
            share(self.cell.solved_fraction)
        )
    }
}

/// The answer across every configuration of the sweep, by the rules of a scheme's verdict
/// (module docs) applied to all its random-init cells at once: a tie across trainer settings
/// or inits is found like a tie across learning rates. The lesson's single nets have no
/// interval and are left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overall {
    /// Configurations compared (random-init cells).
    pub configurations: usize,
    /// The highest solved share (the faster of equal shares).
    pub best_overall: Configuration,
    /// Every configuration whose 95 % interval overlaps the best's, most reliable first (the
    /// best among them).
    pub tied_overall: Vec<Configuration>,
    /// Of the configurations that solve about as often as the best, the lowest median epoch.
    pub fastest_overall: Configuration,
    /// Configurations tied on speed with the fastest (median intervals overlap), fastest first.
    pub fastest_tied_overall: Vec<Configuration>,
}

/// The best configuration overall, its ties and the fastest; None when no random-init net
/// solved.
pub fn overall(data: &ChartData) -> Option<Overall> {
    let cells: Vec<&Cell> = data
        .cells
        .iter()
        .filter(|c| c.scheme.is_random() && c.nets > 1)
        .collect();
    let v = verdict(&cells)?;
    let sorted = |mut cs: Vec<&Cell>, key: fn(&Cell) -> f64| {
        cs.sort_by(|a, b| key(a).total_cmp(&key(b)).then(a.cell.cmp(&b.cell)));
        cs.into_iter().map(Configuration::of).collect::<Vec<_>>()
    };
    Some(Overall {
        configurations: cells.len(),
        best_overall: Configuration::of(v.best),
        tied_overall: sorted(v.tied.clone(), |c| -c.solved_fraction),
        fastest_overall: Configuration::of(v.fastest),
        fastest_tied_overall: sorted(v.fastest_tied.clone(), median),
    })
}

/// The overall answer in two or three sentences: the most reliable configuration (and the
/// inits in `never`, which never solved), what ties with it, then the fastest.
pub fn overall_sentences(o: &Overall, schemes: usize, rows: &str, never: &[&str]) -> Vec<String> {
    let b = &o.best_overall;
    let ci = b.cell.solved_ci95.map_or(String::new(), |(a, z)| {
        format!(" (95% interval {})", share_range(a, z))
    });
    let never = if never.is_empty() {
        String::new()
    } else {
        format!("; {} never solved", never.join(", "))
    };
    let mut out = vec![format!(
        "The most reliable configuration: {} at learning rate {}, {} solved{ci}{never}.",
        b.label(),
        lr(b.cell.lr),
        share(b.cell.solved_fraction)
    )];
    out.extend(tie_sentence(o, schemes, rows));
    let f = &o.fastest_overall;
    if f.cell.lr != b.cell.lr || f.label() != b.label() {
        out.push(format!(
            "Fastest of the configurations that solve about as often: {} at learning rate {}, {} solved, median {}.",
            f.label(),
            lr(f.cell.lr),
            share(f.cell.solved_fraction),
            speed(&f.cell)
        ));
    }
    out
}

/// What ties with the most reliable configuration: how many, from how many of the `schemes`
/// rows (inits, trainer settings), and the best tied configuration of each other row. None
/// when nothing ties.
fn tie_sentence(o: &Overall, schemes: usize, rows: &str) -> Option<String> {
    let b = &o.best_overall;
    let others = o.tied_overall.len().checked_sub(1).filter(|&k| k > 0)?;
    let mut seen = vec![b.label()];
    let mut best_of_each = Vec::new();
    for c in &o.tied_overall {
        if !seen.contains(&c.label()) {
            seen.push(c.label());
            best_of_each.push(c.short());
        }
    }
    let mut s = format!(
        "Tied with it (95% intervals overlap): {others} more of {} configurations",
        o.configurations
    );
    if best_of_each.is_empty() {
        s.push_str(&format!(", all {}.", b.label()));
        return Some(s);
    }
    let shown = best_of_each.len().min(3);
    s.push_str(&format!(
        ", from {} of the {schemes} {rows}; the best of each of the others: {}",
        seen.len(),
        best_of_each[..shown].join(", ")
    ));
    if best_of_each.len() > shown {
        s.push_str(&format!(
            " and {} more (--json)",
            best_of_each.len() - shown
        ));
    }
    s.push('.');
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Setting;
    use crate::report::charts::data::test_cell;

    fn cell(id: u64, momentum: f64, lr: f64, solved: u64, median: f64) -> Cell {
        let mut setting = Setting::LESSON;
        setting.hyper.momentum = momentum;
        test_cell(id, setting, lr, (solved, 200), Some(median))
    }

    /// The case: plain steps at 8.8 (89 %) and momentum 0.9 at 1.02 (88 %) tie across
    /// settings; a setting far below is not tied; the fastest of those near the best wins speed.
    #[test]
    fn a_tie_across_settings_is_found_and_the_fastest_named() {
        let data = ChartData {
            cells: vec![
                cell(0, 0.0, 1.02, 150, 900.0),
                cell(1, 0.0, 8.788, 178, 107.0),
                cell(2, 0.9, 1.02, 176, 137.0),
                cell(3, 0.9, 8.788, 100, 20.0),
                cell(4, 0.9, 13.52, 170, 38.0),
            ],
            ..ChartData::default()
        };
        let o = overall(&data).unwrap();
        assert_eq!(o.configurations, 5);
        assert_eq!(
            (o.best_overall.setting.as_str(), o.best_overall.cell.lr),
            ("", 8.788)
        );
        let tied: Vec<(&str, f64)> = o
            .tied_overall
            .iter()
            .map(|c| (c.setting.as_str(), c.cell.lr))
            .collect();
        assert_eq!(
            tied,
            [("", 8.788), ("momentum 0.9", 1.02), ("momentum 0.9", 13.52)]
        );
        // 20 epochs at 50 % is not "about as often"; 38 at 85 % is.
        assert_eq!(o.fastest_overall.cell.lr, 13.52);
        let said = overall_sentences(&o, 2, "trainer settings", &[]).join(" ");
        assert!(said.contains("2 more of 5 configurations, from 2 of the 2 trainer settings; the best of each of the others: uniform:1 · momentum 0.9 at 1.02 (88%)"), "{said}");
        assert!(said.contains("Fastest of the configurations that solve about as often: uniform:1 · momentum 0.9 at learning rate 13.52"), "{said}");
    }
}
