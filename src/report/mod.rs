//! Reports of a finished sweep: CSV files, charts and the HTML page. Exporters return bytes;
//! [`render`] collects them under their file names and the sweep runner decides where they go.

pub mod charts;
pub mod csv;
pub mod html;
pub mod manifest;
pub mod stats;

use crate::baseline::LESSON_LR;
use crate::sweep::chunk::NetRecord;
use crate::sweep::config::RunsCsv;
use crate::sweep::plan::Plan;
use crate::sweep::spec::Init;
use crate::train::{Params, TrainSpec, reference};
pub use charts::ChartOptions;
use csv::CurveRows;

pub const RUNS_CSV: &str = "runs.csv";
pub const SUMMARY_CSV: &str = "summary.csv";
pub const CURVES_CSV: &str = "curves.csv";
pub const EXAMPLES_CSV: &str = "examples.csv";
pub const REPORT_HTML: &str = "report.html";

/// Every file name [`render`] may produce.
pub fn output_names() -> Vec<&'static str> {
    let mut v = vec![RUNS_CSV, SUMMARY_CSV, CURVES_CSV, EXAMPLES_CSV];
    v.extend(charts::FILES);
    v.push(REPORT_HTML);
    v
}

/// The charts and the HTML page of a sweep, as [`render_visuals`] draws them.
pub struct Visuals {
    /// (file name, bytes) of each chart drawn, then report.html.
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// Charts not drawn for lack of data, and why (report.html says so too).
    pub skipped: Vec<(&'static str, String)>,
}

/// Draw the charts and the HTML page of a sweep from the bytes of its summary.csv, curves.csv
/// and examples.csv and the text of its sweep.toml: what [`render`] adds to the CSV files, and
/// what `xorsweep plot` redraws from the files alone. `opts` picks what the charts show; an
/// error names an `opts.chart_init` the sweep does not have.
pub fn render_visuals(
    summary: &[u8],
    curves: &[u8],
    examples: &[u8],
    sweep_toml: &str,
    opts: &ChartOptions,
) -> anyhow::Result<Visuals> {
    let data = charts::ChartData::from_csv(summary, curves, examples)?;
    let rendered = charts::render(&data, opts)?;
    let page = html::page(&data, &rendered, sweep_toml, opts);
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for r in rendered {
        match r {
            charts::Rendered::Chart(c) => files.push((c.file, c.png)),
            charts::Rendered::Skipped { file, why } => skipped.push((file, why)),
        }
    }
    files.push((REPORT_HTML, page));
    Ok(Visuals { files, skipped })
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
    let summary = csv::summary_csv(&summaries);
    let curves = csv::curves_csv(plan, &curves);
    let examples = csv::examples_csv(&cells);
    // Drawn from the CSV bytes, not from the records, so that `xorsweep plot` can redraw them.
    let visuals = render_visuals(
        &summary,
        &curves,
        &examples,
        &plan.config.to_toml(),
        &ChartOptions::default(),
    )?;
    let mut out = vec![
        (RUNS_CSV, csv::runs_csv(plan, records, runs_csv)),
        (SUMMARY_CSV, summary),
        (CURVES_CSV, curves),
        (EXAMPLES_CSV, examples),
    ];
    out.extend(visuals.files);
    Ok(out)
}
