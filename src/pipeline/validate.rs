//! What `xorsweep plot` accepts of a folder's summary.csv and curves.csv before drawing from
//! them: the files may have been edited or damaged since the sweep wrote them, and a report must
//! never show impossible numbers (a NaN learning rate, 99 solved of 8 nets, a share of ∞) as if
//! a sweep had measured them. Every value drawn is checked against what the sweep in sweep.toml
//! can produce; the sizes the files may have are derived from the same plan.

use std::collections::HashSet;

use crate::report::checks::{self, fraction, non_negative};
use crate::report::schema::{CurveRow, SummaryRow, read_csv};
use crate::sweep::plan::{Plan, curve_epochs};

/// The longest a row of summary.csv or curves.csv can be: some 30 numbers of at most 24
/// characters, a label and an init spec.
const ROW_BYTES: u64 = 4096;

/// The most bytes summary.csv of `plan` can hold: a header and one row per cell.
pub fn summary_limit(plan: &Plan) -> u64 {
    (plan.cells.len() as u64 + 1) * ROW_BYTES
}

/// The most bytes curves.csv of `plan` can hold: a header, per cell a statistics row and a
/// net row per logged epoch, and the baseline's rows.
pub fn curves_limit(plan: &Plan) -> u64 {
    let logged = curve_epochs(plan.config.epochs).len() as u64;
    (1 + (2 * plan.cells.len() as u64 + 1) * logged) * ROW_BYTES
}

/// The most bytes examples.csv of `plan` can hold: a header and one row per cell.
pub fn examples_limit(plan: &Plan) -> u64 {
    summary_limit(plan)
}

/// An epoch of a run of `epochs` epochs (the shared checks have made it a number ≥ 0).
fn epoch(column: &str, x: Option<f64>, epochs: u32) -> Result<(), String> {
    match x {
        Some(e) if e > f64::from(epochs) => Err(format!(
            "column {column} holds {e}, not an epoch of a {epochs}-epoch run"
        )),
        _ => Ok(()),
    }
}

/// A row's values against the plan's cell; every check that needs no plan is
/// [`checks::summary_row`]'s, shared with `compare`.
fn summary_row(plan: &Plan, r: &SummaryRow) -> Result<(), String> {
    let cell = plan.cells.get(r.cell as usize).ok_or_else(|| {
        format!(
            "column cell holds {}, but sweep.toml's sweep has cells 0 to {}",
            r.cell,
            plan.cells.len().saturating_sub(1)
        )
    })?;
    if r.lr.to_bits() != cell.lr.to_bits() {
        return Err(format!(
            "column lr holds {}, but sweep.toml gives cell {} the learning rate {}",
            r.lr, r.cell, cell.lr
        ));
    }
    if r.nets != cell.nets {
        return Err(format!(
            "column nets holds {}, but sweep.toml gives cell {} {} nets",
            r.nets, r.cell, cell.nets
        ));
    }
    checks::summary_row(r)?;
    for (column, x) in checks::epoch_columns(r) {
        epoch(column, x, plan.config.epochs)?;
    }
    Ok(())
}

/// Check summary.csv against the sweep of `plan`: one row per cell, in order, each value one
/// the sweep can have written.
pub fn summary(plan: &Plan, bytes: &[u8]) -> anyhow::Result<()> {
    let rows = read_csv::<SummaryRow>("summary.csv", bytes)?;
    for (i, r) in rows.iter().enumerate() {
        let line = i + 2;
        if r.cell != i as u64 {
            let why = if rows[..i].iter().any(|o| o.cell == r.cell) {
                "a second time"
            } else {
                "out of order"
            };
            anyhow::bail!("summary.csv: line {line}: cell {} {why}", r.cell);
        }
        summary_row(plan, r).map_err(|e| anyhow::anyhow!("summary.csv: line {line}: {e}"))?;
    }
    if rows.len() != plan.cells.len() {
        anyhow::bail!(
            "summary.csv: {} cells, but sweep.toml describes {}",
            rows.len(),
            plan.cells.len()
        );
    }
    Ok(())
}

/// Check curves.csv against the sweep of `plan`: known kinds, known cells, epochs of the run,
/// shares in [0, 1], no negative loss or gap.
pub fn curves(plan: &Plan, bytes: &[u8]) -> anyhow::Result<()> {
    let rows = read_csv::<CurveRow>("curves.csv", bytes)?;
    let epochs = plan.config.epochs;
    let mut seen = HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        let line = i + 2;
        let mut check = || -> Result<(), String> {
            if !matches!(r.kind.as_str(), "cell" | "net" | "baseline") {
                return Err(format!(
                    "column kind holds '{}', not cell, net or baseline",
                    r.kind
                ));
            }
            if let Some(c) = r.cell
                && c as usize >= plan.cells.len()
            {
                return Err(format!(
                    "column cell holds {c}, but sweep.toml's sweep has {} cells",
                    plan.cells.len()
                ));
            }
            if r.kind == "cell" && !seen.insert((r.cell, r.epoch)) {
                return Err(format!(
                    "cell {:?} at epoch {} a second time",
                    r.cell, r.epoch
                ));
            }
            if !(r.lr > 0.0 && r.lr.is_finite()) {
                return Err(format!(
                    "column lr holds {}, not a positive learning rate",
                    r.lr
                ));
            }
            if r.epoch > epochs {
                return Err(format!(
                    "column epoch holds {}, past the sweep's {epochs} epochs",
                    r.epoch
                ));
            }
            if let Some(x) = r.solved_fraction {
                fraction("solved_fraction", x)?;
            }
            for (column, x) in [
                ("loss_median", r.loss_median),
                ("loss_q1", r.loss_q1),
                ("loss_q3", r.loss_q3),
                ("hidden_gap_median", r.hidden_gap_median),
                ("hidden_gap_q1", r.hidden_gap_q1),
                ("hidden_gap_q3", r.hidden_gap_q3),
                ("net_loss", r.net_loss),
                ("net_hidden_gap", r.net_hidden_gap),
            ] {
                non_negative(column, x)?;
            }
            Ok(())
        };
        check().map_err(|e| anyhow::anyhow!("curves.csv: line {line}: {e}"))?;
    }
    Ok(())
}
