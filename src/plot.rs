//! `xorsweep plot DIR`: redraw a finished sweep's charts and report.html from the files in its
//! output folder (summary.csv, curves.csv, examples.csv, sweep.toml) without retraining. The
//! sweep draws them from the same bytes by the same code, so the files come out identical;
//! after editing a chart's code, this shows the change on an old sweep in a second.

use std::fs;
use std::path::Path;

use crate::error::UsageError;
use crate::fsutil::write_atomic;
use crate::report::{self, CURVES_CSV, EXAMPLES_CSV, SUMMARY_CSV};
use crate::sweep::run::CONFIG_FILE;

/// A chart not drawn, and why.
pub type Skipped = (&'static str, String);

/// Redraw into `dir`; returns the names of the files written (charts, then report.html) and the
/// charts not drawn for lack of data, with the reason.
pub fn plot(dir: &Path) -> anyhow::Result<(Vec<&'static str>, Vec<Skipped>)> {
    let shown = dir.display();
    if !dir.is_dir() {
        return Err(UsageError::new(format!("plot: {shown} is not a folder")).into());
    }
    let read = |name: &str| {
        fs::read(dir.join(name)).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "not a xorsweep output folder".to_string()
            } else {
                e.to_string()
            };
            UsageError::new(format!("plot: {shown} holds no readable {name}: {why}"))
        })
    };
    let config = read(CONFIG_FILE)?;
    let (summary, curves, examples) = (read(SUMMARY_CSV)?, read(CURVES_CSV)?, read(EXAMPLES_CSV)?);
    let config = String::from_utf8(config)
        .map_err(|_| UsageError::new(format!("plot: {shown}/{CONFIG_FILE} is not text")))?;
    let visuals = report::render_visuals(
        &summary,
        &curves,
        &examples,
        &config,
        &report::ChartOptions::default(),
    )
    .map_err(|e| UsageError::new(format!("plot: {shown}: {e:#}")))?;
    for (name, bytes) in &visuals.files {
        write_atomic(&dir.join(name), bytes)?;
    }
    // A chart the data no longer supports must not outlive the page that leaves it out.
    for (name, _) in &visuals.skipped {
        let p = dir.join(name);
        if p.exists() {
            fs::remove_file(&p)?;
        }
    }
    Ok((visuals.files.iter().map(|f| f.0).collect(), visuals.skipped))
}
