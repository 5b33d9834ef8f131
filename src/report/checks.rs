//! What a summary.csv row must hold whatever sweep wrote it. The file may have been edited or
//! damaged since, and neither a report (`xorsweep plot`) nor a comparison (`xorsweep compare`)
//! may present impossible numbers — 99 solved of 20 nets, a NaN share, a learning rate of −1 —
//! as if a sweep had measured them. The checks live here, below both `pipeline` (plot adds the
//! checks against its sweep.toml's plan) and `compare` (which has no plan), so the two accept
//! the same rows. Each error names the column and what it should hold; the caller adds the
//! file and the line.

use crate::format::exact;
use crate::hyper::check_lr;
use crate::report::schema::SummaryRow;
use crate::sweep::plan::MAX_CELLS;
use crate::train::options::HyperParam;

/// A share (solved fraction, interval bound) is in [0, 1]; NaN is not.
pub fn fraction(column: &str, x: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err(format!(
            "column {column} holds {}, not a share in [0, 1]",
            exact(x)
        ))
    }
}

/// A loss or hidden gap: NaN stands for a diverged net; anything else is at least 0.
pub fn non_negative(column: &str, x: Option<f64>) -> Result<(), String> {
    match x {
        Some(v) if v < 0.0 || v == f64::NEG_INFINITY => Err(format!(
            "column {column} holds {}, which cannot be negative",
            exact(v)
        )),
        _ => Ok(()),
    }
}

/// An epoch (when present) is a finite number of at least 0; the plan may bound it further.
pub fn epoch(column: &str, x: Option<f64>) -> Result<(), String> {
    match x {
        Some(e) if !(e >= 0.0 && e.is_finite()) => Err(format!(
            "column {column} holds {}, not an epoch (0 or more)",
            exact(e)
        )),
        _ => Ok(()),
    }
}

/// The epoch columns of a summary row, for the checks that bound them.
pub fn epoch_columns(r: &SummaryRow) -> [(&'static str, Option<f64>); 6] {
    [
        ("solved_epoch_q1", r.solved_epoch_q1),
        ("solved_epoch_median", r.solved_epoch_median),
        ("solved_epoch_q3", r.solved_epoch_q3),
        ("target_epoch_median", r.target_epoch_median),
        (
            "solved_epoch_median_ci95_low",
            r.solved_epoch_median_ci95_low,
        ),
        (
            "solved_epoch_median_ci95_high",
            r.solved_epoch_median_ci95_high,
        ),
    ]
}

/// A summary.csv of `rows` cells: at least one, at most a sweep's [`MAX_CELLS`].
pub fn cell_count(rows: usize) -> Result<(), String> {
    if rows == 0 {
        Err("holds no cells (no rows below the header): not the summary of a finished sweep".into())
    } else if rows as u64 > MAX_CELLS {
        Err(format!(
            "holds {rows} cells, more than the {MAX_CELLS} a sweep can have"
        ))
    } else {
        Ok(())
    }
}

fn counts(r: &SummaryRow) -> Result<(), String> {
    if r.nets == 0 {
        return Err("column nets holds 0; every cell has at least one net".into());
    }
    for (column, count) in [("solved", Some(r.solved)), ("diverged", Some(r.diverged))]
        .into_iter()
        .chain([("target_reached", r.target_reached)])
    {
        if let Some(k) = count
            && k > r.nets
        {
            return Err(format!(
                "column {column} holds {k}, more than the cell's {} nets",
                r.nets
            ));
        }
    }
    Ok(())
}

fn shares(r: &SummaryRow) -> Result<(), String> {
    for (column, x) in [
        ("solved_fraction", Some(r.solved_fraction)),
        ("solved_ci95_low", Some(r.solved_ci95_low)),
        ("solved_ci95_high", Some(r.solved_ci95_high)),
        ("target_reached_fraction", r.target_reached_fraction),
    ] {
        if let Some(x) = x {
            fraction(column, x)?;
        }
    }
    let share = r.solved as f64 / r.nets.max(1) as f64;
    if (r.solved_fraction - share).abs() > 1e-12 {
        return Err(format!(
            "column solved_fraction holds {}, but {} solved of {} nets is {}",
            exact(r.solved_fraction),
            r.solved,
            r.nets,
            exact(share)
        ));
    }
    // The Wilson interval holds the share (up to rounding at 0 and 1).
    let slack = 1e-9;
    if !(r.solved_ci95_low <= r.solved_fraction + slack
        && r.solved_fraction <= r.solved_ci95_high + slack)
    {
        return Err(format!(
            "columns solved_ci95_low and solved_ci95_high ({}, {}) do not hold solved_fraction {}",
            exact(r.solved_ci95_low),
            exact(r.solved_ci95_high),
            exact(r.solved_fraction)
        ));
    }
    Ok(())
}

/// The trainer's columns: each within what its flag accepts (the table's check: rates positive
/// and finite, momentum in [0, 1), …) and `lr_hidden`, when the file has it, equal to `lr` (a
/// cell's `lr` is its hidden layer's rate; only `lr_out` differs, in a per-layer sweep).
fn trainer(r: &SummaryRow) -> Result<(), String> {
    check_lr(r.lr).map_err(|e| format!("column lr: {e}"))?;
    let t = r.trainer();
    for &p in HyperParam::ALL {
        if let Some(x) = t.get(p) {
            p.check(x)
                .map_err(|e| format!("column {}: {e}", p.name()))?;
        }
    }
    if let Some(h) = r.lr_hidden
        && h != r.lr
    {
        return Err(format!(
            "columns lr and lr_hidden disagree ({} and {}); a cell's lr is its hidden layer's rate",
            exact(r.lr),
            exact(h)
        ));
    }
    Ok(())
}

/// Every check of one summary.csv row that holds whatever sweep wrote it: counts within the
/// cell's nets (and at least one net), shares in [0, 1] and consistent with the counts, the
/// interval holding the share, epochs at least 0, losses and gaps not negative, and the trainer's
/// columns in range and consistent.
pub fn summary_row(r: &SummaryRow) -> Result<(), String> {
    counts(r)?;
    shares(r)?;
    for (column, x) in epoch_columns(r) {
        epoch(column, x)?;
    }
    if let (Some(lo), Some(hi)) = (
        r.solved_epoch_median_ci95_low,
        r.solved_epoch_median_ci95_high,
    ) && lo > hi
    {
        return Err(format!(
            "columns solved_epoch_median_ci95_low and solved_epoch_median_ci95_high ({}, {}) are not an interval",
            exact(lo),
            exact(hi)
        ));
    }
    for (column, x) in [
        ("final_loss_q1", r.final_loss_q1),
        ("final_loss_median", r.final_loss_median),
        ("final_loss_q3", r.final_loss_q3),
        ("final_loss_best", r.final_loss_best),
        ("median_hidden_gap", r.median_hidden_gap),
    ] {
        non_negative(column, x)?;
    }
    trainer(r)
}
