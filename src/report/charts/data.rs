//! The charts' view of a sweep, parsed back from the bytes of summary.csv, curves.csv and
//! examples.csv. Charts and the HTML page read this and nothing else, so `xorsweep plot DIR`
//! redraws a sweep's charts byte for byte from its CSV files without retraining.
//!
//! The rows are [`crate::report::schema`]'s structs, the same the writers use; columns are found
//! by name, so added columns do not break old readers. Empty cells mean
//! "none" or "never"; `NaN`, `inf` and `-inf` are numbers (diverged nets) and are kept as such.
//! curves.csv's `net` rows (one individual net per cell) are not drawn and are skipped.

use std::collections::HashMap;

use anyhow::{Context, bail};

use crate::hyper::Setting;
use crate::report::schema::{
    CurveRow, ExampleRow, ROLE_FIRST, SummaryRow, TrainerColumns, read_csv,
};
use crate::train::N_PARAMS;

/// A group of cells that differ only in their learning rate: an initialisation scheme as the CSV
/// files name it (`init` plus its scale and ε, if any) trained with one [`Setting`] (the trainer's
/// options, momentum, weight decay, and the output layer's rate in a per-layer sweep).
#[derive(Clone, Debug, PartialEq)]
pub struct Scheme {
    pub init: String,
    pub scale: Option<f64>,
    pub eps: Option<f64>,
    pub setting: Setting,
}

impl Scheme {
    /// The scheme as `--init` spells it, e.g. `uniform:1` or `near-symmetric:1:1e-6`, followed
    /// by the trainer's parts that are not the lesson's (`uniform:1 · tanh · momentum 0.9`).
    pub fn label(&self) -> String {
        let mut s = self.init_label();
        let setting = self.setting.describe();
        if !setting.is_empty() {
            s.push_str(" · ");
            s.push_str(&setting);
        }
        s
    }

    /// The scheme for a chart's title: "uniform:1 init", or with the setting where the sweep
    /// varies the trainer ("uniform:1 init, the lesson's trainer", "uniform:1 init · tanh").
    pub fn title(&self, data: &ChartData) -> String {
        let setting = self.setting.describe();
        match (setting.is_empty(), data.settings_vary()) {
            (true, true) => format!("{} init, the lesson's trainer", self.init_label()),
            (true, false) => format!("{} init", self.init_label()),
            (false, _) => format!("{} init · {setting}", self.init_label()),
        }
    }

    /// The initialisation alone, as `--init` spells it.
    pub fn init_label(&self) -> String {
        let mut s = self.init.clone();
        if let Some(a) = self.scale {
            s.push_str(&format!(":{}", crate::format::exact(a)));
        }
        if let Some(e) = self.eps {
            s.push_str(&format!(":{}", crate::format::exponent(e)));
        }
        s
    }

    /// Whether `spec` (`init[:scale[:eps]]`, numbers compared by value, so `uniform:1.0` is
    /// `uniform:1`) names this scheme's initialisation (whatever its trainer setting).
    pub fn matches(&self, spec: &str) -> bool {
        let mut parts = spec.trim().split(':');
        let num = |p: Option<&str>| -> Result<Option<f64>, ()> {
            p.map(|t| t.trim().parse::<f64>().map_err(|_| ()))
                .transpose()
        };
        let init = parts.next().unwrap_or("").trim();
        let (Ok(scale), Ok(eps)) = (num(parts.next()), num(parts.next())) else {
            return false;
        };
        parts.next().is_none() && init == self.init && scale == self.scale && eps == self.eps
    }

    /// Every scheme but the lesson's fixed weights draws its nets at random.
    pub fn is_random(&self) -> bool {
        self.init != "lesson"
    }

    /// Independent random weights: neither clones nor near-clones.
    pub fn is_independent(&self) -> bool {
        self.is_random() && !self.init.contains("symmetric")
    }
}

/// One cell's curve from curves.csv (`kind = cell`): quartiles across its nets per logged epoch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CellCurve {
    pub epoch: Vec<f64>,
    pub loss: Vec<f64>,
    pub loss_q1: Vec<f64>,
    pub loss_q3: Vec<f64>,
    /// Median hidden gap: max |difference| between the two hidden units' weights.
    pub gap: Vec<f64>,
    /// Fraction of the cell's nets solved by this epoch.
    pub solved: Vec<f64>,
}

/// One row of summary.csv, with its curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub cell: u64,
    pub scheme: Scheme,
    pub lr: f64,
    pub nets: u64,
    pub solved: u64,
    pub solved_fraction: f64,
    pub solved_ci95: (f64, f64),
    /// Quartiles of the epoch at which solved nets first got all four cases right.
    pub solved_epoch: [Option<f64>; 3],
    /// 95 % interval of the median solved epoch (order statistics); None below 6 solved nets.
    pub solved_epoch_median_ci95: Option<(f64, f64)>,
    pub final_loss: [f64; 3],
    pub final_loss_best: f64,
    pub median_hidden_gap: f64,
    pub diverged: u64,
    /// With `--target-loss`: nets whose loss went below it, and their median first such epoch.
    pub target: Option<(u64, Option<f64>)>,
    pub curve: CellCurve,
}

/// The lesson's run (curves.csv `kind = baseline`).
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    pub lr: f64,
    pub epoch: Vec<f64>,
    pub loss: Vec<f64>,
}

/// One row of examples.csv: a cell's first net with its final weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub run: u64,
    pub cell: u64,
    pub scheme: Scheme,
    pub lr: f64,
    /// w11 w12 b1 w21 w22 b2 v1 v2 c.
    pub params: [f64; N_PARAMS],
    pub final_loss: f64,
    pub correct: u8,
    pub solved_epoch: Option<u64>,
    pub diverged: bool,
    /// `first`, `first_solved` or `first_failed` ([`crate::report::schema::ExampleRow::role`]).
    pub role: String,
    /// The initial weights, when the file has them.
    pub init_params: Option<[f64; N_PARAMS]>,
    /// How it was trained beyond its learning rate (the lesson's trainer in files that predate
    /// these columns; per-layer rates absent there mean `lr` for both layers).
    pub trainer: TrainerColumns,
}

/// Cells of one scheme, in the order of summary.csv (ascending learning rate).
#[derive(Debug)]
pub struct Group<'a> {
    pub scheme: &'a Scheme,
    pub cells: Vec<&'a Cell>,
}

/// Everything the charts draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    pub cells: Vec<Cell>,
    pub baseline: Option<Baseline>,
    /// Each cell's first net.
    pub examples: Vec<Example>,
    /// Other nets of note: a cell's first that solved and first that failed.
    pub other_examples: Vec<Example>,
}

impl ChartData {
    /// Parse the three CSV files a sweep writes (through [`crate::report::schema`]'s rows).
    pub fn from_csv(summary: &[u8], curves: &[u8], examples: &[u8]) -> anyhow::Result<ChartData> {
        let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
        let rows = read_csv::<SummaryRow>("summary.csv", summary)?;
        // A per-layer sweep (--lr-hidden × --lr-out) groups by the output layer's rate too.
        let per_layer = rows.iter().any(|r| r.trainer().per_layer(r.lr));
        let scheme = |init: &str, scale, eps, t: TrainerColumns, lr: f64| Scheme {
            init: init.to_string(),
            scale,
            eps,
            setting: t.setting(lr, per_layer),
        };
        let mut cells: Vec<Cell> = rows
            .into_iter()
            .map(|r| Cell {
                cell: r.cell,
                scheme: scheme(&r.init, r.scale, r.eps, r.trainer(), r.lr),
                lr: r.lr,
                nets: r.nets,
                solved: r.solved,
                solved_fraction: r.solved_fraction,
                solved_ci95: (r.solved_ci95_low, r.solved_ci95_high),
                solved_epoch: [r.solved_epoch_q1, r.solved_epoch_median, r.solved_epoch_q3],
                solved_epoch_median_ci95: r
                    .solved_epoch_median_ci95_low
                    .zip(r.solved_epoch_median_ci95_high),
                final_loss: [
                    nan(r.final_loss_q1),
                    nan(r.final_loss_median),
                    nan(r.final_loss_q3),
                ],
                final_loss_best: nan(r.final_loss_best),
                median_hidden_gap: nan(r.median_hidden_gap),
                diverged: r.diverged,
                target: r.target_reached.map(|k| (k, r.target_epoch_median)),
                curve: CellCurve::default(),
            })
            .collect();

        let index: HashMap<u64, usize> =
            cells.iter().enumerate().map(|(i, c)| (c.cell, i)).collect();
        let mut baseline: Option<Baseline> = None;
        for (line, r) in read_csv::<CurveRow>("curves.csv", curves)?
            .into_iter()
            .enumerate()
        {
            let line = line + 2;
            match r.kind.as_str() {
                "cell" => {
                    let id = r.cell.with_context(|| {
                        format!("curves.csv: line {line}: a cell row with no cell")
                    })?;
                    let Some(&i) = index.get(&id) else {
                        bail!("curves.csv: line {line}: cell {id} is not in summary.csv");
                    };
                    let c = &mut cells[i].curve;
                    c.epoch.push(f64::from(r.epoch));
                    c.loss.push(nan(r.loss_median));
                    c.loss_q1.push(nan(r.loss_q1));
                    c.loss_q3.push(nan(r.loss_q3));
                    c.gap.push(nan(r.hidden_gap_median));
                    c.solved.push(nan(r.solved_fraction));
                }
                "baseline" => {
                    let b = baseline.get_or_insert_with(|| Baseline {
                        lr: f64::NAN,
                        epoch: Vec::new(),
                        loss: Vec::new(),
                    });
                    b.lr = r.lr;
                    b.epoch.push(f64::from(r.epoch));
                    b.loss.push(nan(r.net_loss));
                }
                "net" => {}
                other => bail!("curves.csv: line {line}: unknown kind {other:?}"),
            }
        }

        let (ex, other_examples): (Vec<Example>, Vec<Example>) =
            read_csv::<ExampleRow>("examples.csv", examples)?
                .into_iter()
                .map(|r| Example {
                    init_params: r.initial_params().map(|p| p.0),
                    trainer: r.trainer(),
                    run: r.run,
                    cell: r.cell,
                    scheme: scheme(&r.init, r.scale, r.eps, r.trainer(), r.lr),
                    lr: r.lr,
                    params: r.params().0,
                    final_loss: r.final_loss,
                    correct: r.correct,
                    solved_epoch: r.solved_epoch,
                    diverged: r.diverged != 0,
                    role: r.role,
                })
                .partition(|e| e.role.is_empty() || e.role == ROLE_FIRST);
        Ok(ChartData {
            cells,
            baseline,
            examples: ex,
            other_examples,
        })
    }

    /// The groups of independent random weights (uniform, normal): what the heat map and the
    /// solved-by-learning-rate chart compare.
    /// Whether the sweep trains with more than one trainer setting.
    pub fn settings_vary(&self) -> bool {
        self.cells
            .windows(2)
            .any(|w| w[0].scheme.setting != w[1].scheme.setting)
    }

    pub fn independent_groups(&self) -> Vec<Group<'_>> {
        self.groups()
            .into_iter()
            .filter(|g| g.scheme.is_independent())
            .collect()
    }

    /// The cells grouped by scheme, in order of first appearance.
    pub fn groups(&self) -> Vec<Group<'_>> {
        let mut out: Vec<Group> = Vec::new();
        for c in &self.cells {
            match out.iter_mut().find(|g| *g.scheme == c.scheme) {
                Some(g) => g.cells.push(c),
                None => out.push(Group {
                    scheme: &c.scheme,
                    cells: vec![c],
                }),
            }
        }
        out
    }

    /// The scheme whose learning curves are drawn: the one `spec` names (as `--init` spells it,
    /// e.g. `uniform:1` or `uniform:1.0`), else the first scheme of independent random weights
    /// (uniform or normal), else the first random one. Err names `spec` and the schemes there
    /// are when the sweep has no scheme `spec`.
    pub fn chart_group(&self, spec: Option<&str>) -> Result<Option<Group<'_>>, String> {
        let groups = self.groups();
        let pick = match spec {
            Some(s) => {
                let Some(i) = groups.iter().position(|g| g.scheme.matches(s)) else {
                    let have: Vec<String> = groups.iter().map(|g| g.scheme.label()).collect();
                    return Err(format!(
                        "chart init {s:?} is not in this sweep; pick one of: {}",
                        have.join(", ")
                    ));
                };
                Some(i)
            }
            None => groups
                .iter()
                .position(|g| g.scheme.matches(super::DEFAULT_CHART_INIT))
                .or_else(|| groups.iter().position(|g| g.scheme.is_independent()))
                .or_else(|| groups.iter().position(|g| g.scheme.is_random())),
        };
        Ok(pick.and_then(|i| groups.into_iter().nth(i)))
    }

    /// The example net of the cell with this scheme's `init` closest to learning rate `lr`.
    pub fn example_near(&self, init: &str, lr: f64) -> Option<&Example> {
        let candidates: Vec<&Example> = self
            .examples
            .iter()
            .filter(|e| e.scheme.init == init)
            .collect();
        let i = closest(candidates.iter().map(|e| e.lr), lr)?;
        Some(candidates[i])
    }
}

/// Index of the value closest to `target` on a log scale (the first of equals); None if empty.
/// A uniform:1 cell for the tests of the answers: `solved` of `nets` with its Wilson interval,
/// trained with `setting`, its median epoch of solving (with a ±10 % interval) if any.
#[cfg(test)]
pub(crate) fn test_cell(
    id: u64,
    setting: Setting,
    lr: f64,
    (solved, nets): (u64, u64),
    median: Option<f64>,
) -> Cell {
    Cell {
        cell: id,
        scheme: Scheme {
            init: "uniform".into(),
            scale: Some(1.0),
            eps: None,
            setting,
        },
        lr,
        nets,
        solved,
        solved_fraction: solved as f64 / nets as f64,
        solved_ci95: crate::report::stats::wilson_95(solved, nets),
        solved_epoch: [None, median, None],
        solved_epoch_median_ci95: median.map(|m| (m * 0.9, m * 1.1)),
        final_loss: [0.0; 3],
        final_loss_best: 0.0,
        median_hidden_gap: 0.0,
        diverged: 0,
        target: None,
        curve: CellCurve::default(),
    }
}

pub fn closest(values: impl IntoIterator<Item = f64>, target: f64) -> Option<usize> {
    let d = |x: f64| (x.ln() - target.ln()).abs();
    values
        .into_iter()
        .enumerate()
        .filter(|(_, x)| *x > 0.0 && x.is_finite())
        .fold(None, |best: Option<(usize, f64)>, (i, x)| match best {
            Some((_, bd)) if bd <= d(x) => best,
            _ => Some((i, d(x))),
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = "\
cell,init,scale,eps,lr,nets,solved,solved_fraction,solved_ci95_low,solved_ci95_high,solved_epoch_q1,solved_epoch_median,solved_epoch_q3,final_loss_q1,final_loss_median,final_loss_q3,final_loss_best,median_hidden_gap,diverged
0,lesson,,,2,1,1,1,0.2,1,468,468,468,0.001,0.001,0.001,0.001,9.5,0
1,uniform,1,,0.5,4,3,0.75,0.3,0.95,100,120.5,140,0.01,0.02,0.2,0.005,3,0
2,uniform,1,,2,4,0,0,0,0.5,,,,NaN,NaN,inf,1e-3,NaN,3
3,near-symmetric,1,1e-6,2,4,1,0.25,0.05,0.7,900,900,900,0.1,0.2,0.25,0.05,1e-5,0
";
    const CURVES: &str = "\
kind,cell,init,scale,eps,lr,run,epoch,loss_median,loss_q1,loss_q3,hidden_gap_median,hidden_gap_q1,hidden_gap_q3,solved_fraction,net_loss,net_hidden_gap
baseline,,lesson,,,2,,0,,,,,,,,0.25,1.4
baseline,,lesson,,,2,,500,,,,,,,,0.09,2
cell,1,uniform,1,,0.5,,0,0.25,0.24,0.26,1,0.5,1.5,0,,
cell,1,uniform,1,,0.5,,10,0.2,0.1,0.25,2,1,3,0.5,,
net,1,uniform,1,,0.5,4,0,,,,,,,,0.25,1
cell,2,uniform,1,,2,,0,NaN,NaN,inf,NaN,NaN,NaN,0,,
";
    const EXAMPLES: &str = "\
run,cell,init,scale,eps,lr,w11,w12,b1,w21,w22,b2,v1,v2,c,final_loss,correct,solved_epoch,diverged
0,0,lesson,,,2,1,2,3,4,5,6,7,8,9,0.001,4,468,0
1,1,uniform,1,,0.5,1,1,1,1,1,1,1,1,NaN,NaN,2,,1
";

    fn data() -> ChartData {
        ChartData::from_csv(SUMMARY.as_bytes(), CURVES.as_bytes(), EXAMPLES.as_bytes()).unwrap()
    }

    #[test]
    fn parses_summary_rows() {
        let d = data();
        assert_eq!(d.cells.len(), 4);
        let c = &d.cells[1];
        assert_eq!(c.scheme.label(), "uniform:1");
        assert_eq!((c.lr, c.nets, c.solved), (0.5, 4, 3));
        assert_eq!(c.solved_epoch, [Some(100.0), Some(120.5), Some(140.0)]);
        let bad = &d.cells[2];
        assert_eq!(bad.solved_epoch, [None; 3]);
        assert!(bad.final_loss[0].is_nan() && bad.final_loss[2] == f64::INFINITY);
        assert_eq!(bad.diverged, 3);
        assert_eq!(d.cells[3].scheme.label(), "near-symmetric:1:1e-6");
        assert_eq!(d.cells[0].scheme.label(), "lesson");
    }

    #[test]
    fn parses_curves_and_skips_net_rows() {
        let d = data();
        let b = d.baseline.as_ref().unwrap();
        assert_eq!(
            (b.lr, b.epoch.clone(), b.loss.clone()),
            (2.0, vec![0.0, 500.0], vec![0.25, 0.09])
        );
        let c = &d.cells[1].curve;
        assert_eq!(c.epoch, [0.0, 10.0]);
        assert_eq!(c.loss_q1, [0.24, 0.1]);
        assert_eq!(c.gap, [1.0, 2.0]);
        assert_eq!(c.solved, [0.0, 0.5]);
        assert!(d.cells[2].curve.loss[0].is_nan());
        assert!(d.cells[0].curve.epoch.is_empty());
    }

    #[test]
    fn parses_examples() {
        let d = data();
        assert_eq!(
            d.examples[0].params,
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
        );
        assert_eq!(d.examples[0].solved_epoch, Some(468));
        let e = &d.examples[1];
        assert!(e.diverged && e.params[8].is_nan() && e.solved_epoch.is_none());
    }

    #[test]
    fn groups_and_choices() {
        let d = data();
        let g = d.groups();
        assert_eq!(g.len(), 3);
        assert_eq!(g[1].cells.len(), 2);
        assert_eq!(
            d.chart_group(None).unwrap().unwrap().scheme.label(),
            "uniform:1"
        );
        let near = d.chart_group(Some("near-symmetric:1.0:0.000001")).unwrap();
        assert_eq!(near.unwrap().scheme.label(), "near-symmetric:1:1e-6");
        let e = d.chart_group(Some("normal:1")).unwrap_err();
        assert!(
            e.contains("\"normal:1\"") && e.contains("uniform:1, near-symmetric"),
            "{e}"
        );
        assert!(d.chart_group(Some("uniform:x")).is_err());
        assert!(ChartData::default().chart_group(None).unwrap().is_none());
        assert_eq!(d.example_near("uniform", 3.0).unwrap().run, 1);
        assert!(d.example_near("symmetric", 2.0).is_none());
        assert_eq!(closest([0.5, 1.95, 2.1], 2.0), Some(1));
        assert_eq!(closest([1.0, 4.5], 2.0), Some(0));
        assert_eq!(closest([f64::NAN], 2.0), None);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let bad = SUMMARY.replace("2,uniform,1,,2,4", "2,uniform,1,,two,4");
        let e = ChartData::from_csv(bad.as_bytes(), CURVES.as_bytes(), EXAMPLES.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("summary.csv: line 4: column lr:"), "{e}");
        let e = ChartData::from_csv(b"cell\n1\n", b"", b"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column init"), "{e}");
        let orphan = "kind,cell,init,scale,eps,lr,epoch\ncell,9,uniform,1,,2,0\n";
        let e = ChartData::from_csv(SUMMARY.as_bytes(), orphan.as_bytes(), EXAMPLES.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("cell 9 is not in summary.csv"), "{e}");
    }
}
