//! Reports of a finished sweep: CSV files, charts and the HTML page, rendered from per-cell
//! aggregates ([`aggregate`]), never from chunk files. Exporters return bytes; [`render`] collects
//! them under their file names and the pipeline decides where they go.

pub mod aggregate;
pub mod answers;
pub mod charts;
pub mod checks;
pub mod csv;
mod explorer;
pub mod findings;
pub mod html;
pub mod manifest;
pub mod matters;
pub mod newcombe;
pub mod overall;
pub mod runs;
pub mod schema;
pub mod stats;
pub mod terminal;

use crate::baseline::BaselineCurve;
use crate::sweep::plan::Plan;
use aggregate::CellResult;
pub use charts::ChartOptions;
use csv::CurveRows;

pub const SUMMARY_CSV: &str = "summary.csv";
pub const CURVES_CSV: &str = "curves.csv";
pub const EXAMPLES_CSV: &str = "examples.csv";
pub const REPORT_HTML: &str = "report.html";

/// What the report file `name` of the sweep `plan` holds, in a few words (None for a chart: its
/// name says it); `sweep --dry-run` lists the files [`render`] draws with these.
pub fn describe(name: &str, plan: &Plan) -> Option<String> {
    let cells = plan.cells.len();
    // Cells of more than one net (a random init's, at --seeds 2 or more).
    let random = plan.cells.iter().filter(|c| c.nets > 1).count();
    let n_log = plan.train.log_epochs.len();
    match name {
        SUMMARY_CSV => Some(format!("{cells} rows, one per cell")),
        CURVES_CSV => Some(format!(
            "per cell its nets' quartiles and its first net at {n_log} epochs"
        )),
        // A cell's first net either solves or not: the other outcome's first net is the one
        // more row it may add.
        EXAMPLES_CSV => Some(format!(
            "{cells} to {} rows: each cell's first net, and its first net of the other outcome (solved or not) where it has one",
            cells + random
        )),
        REPORT_HTML => Some("the report: findings, charts, every cell; one file".to_string()),
        _ => None,
    }
}

/// Files to write: (name, bytes).
pub type Files = Vec<(&'static str, Vec<u8>)>;

/// The charts and the HTML page of a sweep, as [`render_visuals`] draws them.
pub struct Visuals {
    /// (file name, bytes) of each chart drawn, then report.html.
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// Charts not drawn for lack of data, and why (report.html says so too).
    pub skipped: Vec<(&'static str, String)>,
    /// What the sweep found, for the terminal and `--json`.
    pub answers: answers::Answers,
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
    let answers = answers::Answers::of(&data);
    let rendered = charts::render(&data, &answers.what_matters, opts)?;
    let page = html::page(&data, &answers, &rendered, sweep_toml, opts);
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for r in rendered {
        match r {
            charts::Rendered::Chart(c) => files.push((c.file, c.png)),
            charts::Rendered::Skipped { file, why } => skipped.push((file, why)),
        }
    }
    files.push((REPORT_HTML, page));
    Ok(Visuals {
        files,
        skipped,
        answers,
    })
}

/// Render every per-cell report file of a finished sweep: summary.csv, curves.csv,
/// examples.csv, the charts and report.html. `baseline` is the lesson's reference curve, given
/// when the sweep holds the lesson's pinned row.
pub fn render(
    plan: &Plan,
    cells: &[CellResult],
    baseline: Option<&BaselineCurve>,
    opts: &ChartOptions,
) -> anyhow::Result<(Files, answers::Answers)> {
    let mut curves: Vec<CurveRows> = Vec::new();
    for c in cells {
        curves.push(CurveRows::Cell {
            summary: &c.summary,
            band: &c.band,
        });
        // One individual net per cell: its first replicate.
        curves.push(CurveRows::Net {
            cell: &c.summary.cell,
            example: &c.example,
        });
    }
    // The lesson's run last: its rows leave the band columns empty, and readers that guess a
    // column's type from its first rows (polars reads 100) would take them for text.
    if let Some(b) = baseline {
        curves.push(CurveRows::Baseline {
            epochs: &b.epochs,
            loss: &b.loss,
            gap: &b.gap,
        });
    }
    let summaries: Vec<stats::CellSummary> = cells.iter().map(|c| c.summary.clone()).collect();
    let summary = csv::summary_csv(&summaries);
    let curves = csv::curves_csv(plan, &curves);
    let examples = csv::examples_csv(plan, cells);
    // Drawn from the CSV bytes, not from the aggregates, so that `xorsweep plot` can redraw them.
    let visuals = render_visuals(&summary, &curves, &examples, &plan.config.to_toml(), opts)?;
    let mut out = vec![
        (SUMMARY_CSV, summary),
        (CURVES_CSV, curves),
        (EXAMPLES_CSV, examples),
    ];
    out.extend(visuals.files);
    Ok((out, visuals.answers))
}
