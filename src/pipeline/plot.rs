//! `xorsweep plot DIR`: the charts and report.html of a finished sweep redrawn from its CSV
//! files and sweep.toml. The files are checked (regular, of a size the sweep can write, every
//! value one it can have measured) before anything is drawn; SIGINT, SIGTERM and SIGHUP stop
//! it between files, each of which is replaced whole, so the folder stays a usable report.

use std::path::Path;

use super::{CONFIG_FILE, chart_options, check_size, validate};
use crate::error::{Interrupted, UsageError};
use crate::escape::shown;
use crate::fsio;
use crate::outdir::OutDir;
use crate::report;
use crate::signals;
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
    let signal = signals::received();
    let dir = OutDir::open_existing(path, "plot")?;
    let shown = shown(path);
    let read = |name: &str, limit: u64| {
        fsio::read(&dir.join(name), limit).map_err(|e| {
            UsageError::new(if e.is_missing() {
                format!(
                    "plot: {shown} holds no {name}: not a finished sweep (a shard's folder has no reports: merge the shards first)"
                )
            } else {
                format!("plot: {e}")
            })
        })
    };
    let config = String::from_utf8(read(CONFIG_FILE, fsio::CONFIG_LIMIT)?)
        .map_err(|_| UsageError::new(format!("plot: {shown}/{CONFIG_FILE} is not text")))?;
    let config = SweepConfig::from_sweep_toml(&config, &format!("{shown}/{CONFIG_FILE}"))
        .map_err(|e| UsageError::new(format!("plot: {e}")))?;
    config.check()?;
    check_size(&config, None, 1)?;
    let plan = Plan::new(config);
    let charts = chart_options(&plan, chart_init)?;
    let summary = read(report::SUMMARY_CSV, validate::summary_limit(&plan))?;
    validate::summary(&plan, &summary)
        .map_err(|e| UsageError::new(format!("plot: {shown}/{e:#}")))?;
    let curves = read(report::CURVES_CSV, validate::curves_limit(&plan))?;
    validate::curves(&plan, &curves)
        .map_err(|e| UsageError::new(format!("plot: {shown}/{e:#}")))?;
    let examples = read(report::EXAMPLES_CSV, validate::examples_limit(&plan))?;
    let stopped = |written: usize| -> anyhow::Error {
        let s = signals::pending(&signal).unwrap_or(0);
        let state = if written == 0 {
            "nothing was rewritten".to_string()
        } else {
            format!("{written} files were redrawn, the others are as they were")
        };
        Interrupted {
            signal: s,
            message: format!(
                "interrupted by {}: {state} in {shown}. Redraw it all with:\n  xorsweep plot {shown}",
                signals::name(s)
            ),
        }
        .into()
    };
    if signals::pending(&signal).is_some() {
        return Err(stopped(0));
    }
    let visuals = report::render_visuals(
        &summary,
        &curves,
        &examples,
        &plan.config.to_toml(),
        &charts,
    )
    .map_err(|e| UsageError::new(format!("plot: {shown}: {e:#}")))?;
    for (k, (name, bytes)) in visuals.files.iter().enumerate() {
        if signals::pending(&signal).is_some() {
            return Err(stopped(k));
        }
        dir.write(name, bytes)?;
    }
    // A chart the data no longer supports must not outlive the page that leaves it out.
    let skipped: Vec<&str> = visuals.skipped.iter().map(|s| s.0).collect();
    dir.remove_files(&skipped)?;
    Ok((visuals.files.iter().map(|f| f.0).collect(), visuals.skipped))
}
