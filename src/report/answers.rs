//! A sweep's answers, worked out once from the charts' data and read by the terminal summary,
//! report.html and `--json` alike: per init and trainer setting ([`super::findings`]), across
//! every configuration ([`super::overall`]) and what matters ([`super::matters`]). The grid
//! is named by what it varies ("1 init × 8 trainer settings"), never as "init schemes" when
//! most of its rows are trainer settings.

use serde::Serialize;

use super::charts::data::ChartData;
use super::findings::{self, Finding};
use super::matters::{self, Matter};
use super::overall::{self, Overall};
use crate::format::share;

/// How many inits and trainer settings a sweep's grid crosses (beyond its learning rates).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Shape {
    pub inits: usize,
    pub settings: usize,
}

impl Shape {
    pub fn of(data: &ChartData) -> Shape {
        let mut inits: Vec<String> = Vec::new();
        let mut settings = Vec::new();
        for c in &data.cells {
            let init = c.scheme.init_label();
            if !inits.contains(&init) {
                inits.push(init);
            }
            if !settings.contains(&&c.scheme.setting) {
                settings.push(&c.scheme.setting);
            }
        }
        Shape {
            inits: inits.len(),
            settings: settings.len(),
        }
    }

    /// "5 inits", "1 init × 8 trainer settings".
    pub fn words(&self) -> String {
        let inits = plural(self.inits, "init");
        if self.settings > 1 {
            format!("{inits} × {}", plural(self.settings, "trainer setting"))
        } else {
            inits
        }
    }

    /// What the grid crosses with the learning rate: "init", "init × trainer setting".
    pub fn cell_words(&self) -> &'static str {
        if self.settings > 1 {
            "init × trainer setting × learning rate"
        } else {
            "init × learning rate"
        }
    }

    /// The per-scheme rows, counted: "inits", "trainer settings", "init · setting pairs".
    pub fn row_plural(&self) -> &'static str {
        match (self.inits > 1, self.settings > 1) {
            (true, true) => "init · setting pairs",
            (false, true) => "trainer settings",
            _ => "inits",
        }
    }

    /// One row of the per-scheme table: "init" or "init · trainer setting".
    pub fn row_words(&self) -> &'static str {
        if self.settings > 1 {
            "init · trainer setting"
        } else {
            "init"
        }
    }
}

/// "1 init", "8 trainer settings".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Everything a sweep found. `summary` keeps its place and shape in `--json`; the overall
/// answer's fields (`best_overall`, `tied_overall`, `fastest_overall`, …) sit beside it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Answers {
    /// Per init and trainer setting: its learning rates' verdict.
    pub summary: Vec<Finding>,
    #[serde(flatten)]
    pub overall: Option<Overall>,
    /// Each hyperparameter that varies, ranked (empty for a sweep of the lesson's trainer).
    pub what_matters: Vec<Matter>,
    #[serde(skip)]
    pub shape: Shape,
}

impl Answers {
    pub fn of(data: &ChartData) -> Answers {
        Answers {
            summary: findings::findings(data),
            overall: overall::overall(data),
            what_matters: matters::what_matters(data),
            shape: Shape::of(data),
        }
    }

    /// Two to five plain sentences of what the whole sweep found, for the top of the terminal
    /// summary and of report.html.
    pub fn overview(&self) -> Vec<String> {
        let f = &self.summary;
        let mut out = Vec::new();
        let nets: u64 = f.iter().map(|f| f.nets).sum();
        let solved: u64 = f.iter().map(|f| f.solved).sum();
        if nets == 0 {
            return out;
        }
        out.push(format!(
            "{solved} of {nets} nets ({}) solved XOR, across {}.",
            share(solved as f64 / nets as f64),
            self.shape.words()
        ));
        let random = f.iter().filter(|f| !f.one_net_per_rate).count();
        let never: Vec<&str> = f
            .iter()
            .filter(|f| f.solved == 0)
            .map(|f| f.init.as_str())
            .collect();
        match &self.overall {
            Some(o) => out.extend(overall::overall_sentences(
                o,
                random,
                self.shape.row_plural(),
                &never,
            )),
            None if !never.is_empty() => out.push(format!("Never solved: {}.", never.join(", "))),
            None => {}
        }
        out.extend(findings::widest_speed_spread(f).and_then(findings::speed_spread));
        out.extend(findings::symmetric_verdict(f).map(|(s, _)| s));
        out
    }

    /// What matters, for the terminal: the ranking, then every contrast whose 95 % intervals
    /// lie apart at some learning rate.
    pub fn matters_lines(&self) -> Vec<String> {
        let m = &self.what_matters;
        let mut out: Vec<String> = matters::ranking(m).into_iter().collect();
        for m in m {
            for (c, l) in m.contrasts.iter().zip(&m.levels[1..]) {
                if !(c.higher_at.is_empty() && c.lower_at.is_empty()) {
                    out.push(matters::contrast_sentence(m.name, c, l));
                }
            }
        }
        out
    }
}
