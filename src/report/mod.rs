//! Reports of a finished sweep: CSV files, charts and the HTML page. Exporters return bytes;
//! [`render`] collects them under their file names and the sweep runner decides where they go.

pub mod csv;
pub mod manifest;
pub mod stats;

use crate::baseline::LESSON_LR;
use crate::sweep::chunk::NetRecord;
use crate::sweep::config::RunsCsv;
use crate::sweep::plan::Plan;
use crate::sweep::spec::Init;
use crate::train::{Params, TrainSpec, reference};
use csv::CurveRows;

pub const RUNS_CSV: &str = "runs.csv";
pub const SUMMARY_CSV: &str = "summary.csv";
pub const CURVES_CSV: &str = "curves.csv";
pub const EXAMPLES_CSV: &str = "examples.csv";

/// Every file name [`render`] may produce.
pub fn output_names() -> Vec<&'static str> {
    vec![RUNS_CSV, SUMMARY_CSV, CURVES_CSV, EXAMPLES_CSV]
}

/// The lesson's run at η = 2.0 by the reference trainer over the sweep's epochs: the baseline
/// curve of curves.csv and of the baseline chart. Logged at about 4000 evenly spaced epochs plus
/// the lesson's printed checkpoints (0, 500, …, 4000) and the last epoch.
pub fn baseline_curve(epochs: u32) -> (Vec<u32>, Vec<f64>, Vec<f64>) {
    let every = (epochs / 4000 + 1) as usize;
    let checkpoints =
        (0..crate::baseline::LESSON_STEPS).step_by(crate::baseline::LESSON_PRINT_EVERY as usize);
    let log: Vec<u32> = (0..=epochs)
        .step_by(every)
        .chain(checkpoints)
        .chain([epochs])
        .collect();
    let spec = TrainSpec::new(epochs, log, None);
    let (_, curve) = reference::train(Params::LESSON, LESSON_LR, &spec);
    (spec.log_epochs, curve.loss, curve.gap)
}

/// Render every report file for `records` (sorted by run).
pub fn render(
    plan: &Plan,
    records: &[NetRecord],
    runs_csv: RunsCsv,
) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let cells = stats::by_cell(plan, records);
    let summaries: Vec<stats::CellSummary> =
        cells.iter().map(|(c, r)| stats::summarize(c, r)).collect();
    let bands: Vec<stats::CurveBand> = cells
        .iter()
        .map(|(_, r)| stats::curve_band(r, &plan.train.log_epochs))
        .collect();

    let has_baseline = cells
        .iter()
        .any(|(c, _)| c.init == Init::Lesson && c.lr == LESSON_LR);
    let baseline = has_baseline.then(|| baseline_curve(plan.config.epochs));
    let mut curves: Vec<CurveRows> = Vec::new();
    if let Some((e, l, g)) = &baseline {
        curves.push(CurveRows::Baseline {
            epochs: e,
            loss: l,
            gap: g,
        });
    }
    for ((summary, band), (_, recs)) in summaries.iter().zip(&bands).zip(&cells) {
        curves.push(CurveRows::Cell { summary, band });
        // One individual net per cell: its first replicate.
        curves.push(CurveRows::Net { record: &recs[0] });
    }
    Ok(vec![
        (RUNS_CSV, csv::runs_csv(plan, records, runs_csv)),
        (SUMMARY_CSV, csv::summary_csv(&summaries)),
        (CURVES_CSV, csv::curves_csv(plan, &curves)),
        (EXAMPLES_CSV, csv::examples_csv(&cells)),
    ])
}
