//! `xorsweep plot DIR`: the charts and report.html of a finished sweep redrawn from its CSV
//! files and sweep.toml.

use std::fs;
use std::path::Path;

use super::{CONFIG_FILE, chart_options, check_size};
use crate::error::UsageError;
use crate::outdir::OutDir;
use crate::report;
use crate::sweep::config::SweepConfig;
use crate::sweep::plan::Plan;

/// A chart not drawn, and why.
pub type Skipped = (&'static str, String);

/// `xorsweep plot DIR`: redraw a finished sweep's charts and report.html from the files in its
/// folder (summary.csv, curves.csv, examples.csv, sweep.toml) without retraining. The sweep
/// draws them from the same bytes by the same code, so the files come out identical.
pub fn plot(
    path: &Path,
    chart_init: Option<String>,
) -> anyhow::Result<(Vec<&'static str>, Vec<Skipped>)> {
    let dir = OutDir::open_existing(path, "plot")?;
    let shown = path.display();
    let read = |name: &str| {
        fs::read(dir.join(name)).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "not a finished sweep (a shard's folder has no reports: merge the shards first)"
                    .to_string()
            } else {
                e.to_string()
            };
            UsageError::new(format!("plot: {shown} holds no readable {name}: {why}"))
        })
    };
    let config = String::from_utf8(read(CONFIG_FILE)?)
        .map_err(|_| UsageError::new(format!("plot: {shown}/{CONFIG_FILE} is not text")))?;
    let config = SweepConfig::from_sweep_toml(&config, &format!("{shown}/{CONFIG_FILE}"))
        .map_err(|e| UsageError::new(format!("plot: {e}")))?;
    config.check()?;
    check_size(&config, None, 1)?;
    let charts = chart_options(&Plan::new(config.clone()), chart_init)?;
    let (summary, curves, examples) = (
        read(report::SUMMARY_CSV)?,
        read(report::CURVES_CSV)?,
        read(report::EXAMPLES_CSV)?,
    );
    let visuals = report::render_visuals(&summary, &curves, &examples, &config.to_toml(), &charts)
        .map_err(|e| UsageError::new(format!("plot: {shown}: {e:#}")))?;
    for (name, bytes) in &visuals.files {
        dir.write(name, bytes)?;
    }
    // A chart the data no longer supports must not outlive the page that leaves it out.
    let skipped: Vec<&str> = visuals.skipped.iter().map(|s| s.0).collect();
    dir.remove_files(&skipped)?;
    Ok((visuals.files.iter().map(|f| f.0).collect(), visuals.skipped))
}
