//! `xorsweep replay RUNS_CSV RUN_ID`: retrain one recorded net from its initial weights and
//! hyperparameters with the same trainer the sweep used, print a lesson-style trace, and check
//! that it reproduces the recorded row exactly.

use std::collections::HashMap;
use std::path::Path;

use crate::baseline;
use crate::error::UsageError;
use crate::report::csv::num;
use crate::train::{PARAM_NAMES, Params, Precision, TrainSpec, batch};

/// A row of runs.csv, by column name.
struct Row(HashMap<String, String>);

impl Row {
    fn get(&self, col: &str) -> &str {
        self.0.get(col).map(String::as_str).unwrap_or_default()
    }
}

const REQUIRED: [&str; 6] = ["run", "init", "lr", "epochs", "precision", "final_loss"];

fn find_row(path: &Path, run: u64) -> Result<Row, UsageError> {
    let shown = path.display();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| UsageError::new(format!("replay: cannot read {shown}: {e}")))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| UsageError::new(format!("replay: {shown} is not a CSV file: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    let needed = REQUIRED
        .iter()
        .map(|s| s.to_string())
        .chain(PARAM_NAMES.iter().map(|p| format!("{p}_init")));
    if let Some(missing) = needed.clone().find(|c| !header.contains(c)) {
        return Err(UsageError::new(format!(
            "replay: {shown} is not a xorsweep runs.csv (no column '{missing}')"
        )));
    }
    let (mut rows, mut lo, mut hi) = (0u64, u64::MAX, 0u64);
    for rec in reader.records() {
        let rec =
            rec.map_err(|e| UsageError::new(format!("replay: {shown}: malformed row: {e}")))?;
        let row = Row(header
            .iter()
            .cloned()
            .zip(rec.iter().map(String::from))
            .collect());
        let r: u64 = row.get("run").parse().map_err(|_| {
            UsageError::new(format!(
                "replay: {shown}: bad run number '{}'",
                row.get("run")
            ))
        })?;
        if r == run {
            return Ok(row);
        }
        rows += 1;
        (lo, hi) = (lo.min(r), hi.max(r));
    }
    let holds = if rows == 0 {
        "no rows".to_string()
    } else {
        format!("{rows} rows, runs {lo} to {hi}")
    };
    Err(UsageError::new(format!(
        "replay: run {run} is not in {shown} ({holds})"
    )))
}

/// Replay run `run` of `path`; returns the text to print and whether it reproduced the row.
pub fn replay(path: &Path, run: u64, every: Option<u32>) -> Result<(String, bool), UsageError> {
    let row = find_row(path, run)?;
    let bad = |col: &str| {
        UsageError::new(format!(
            "replay: run {run}: column {col} holds '{}', not a valid value",
            row.get(col)
        ))
    };
    let number = |col: &str| -> Result<f64, UsageError> {
        row.get(col).parse::<f64>().map_err(|_| bad(col))
    };
    let init = Params(
        PARAM_NAMES
            .iter()
            .map(|p| number(&format!("{p}_init")))
            .collect::<Result<Vec<_>, _>>()?
            .try_into()
            .expect("nine"),
    );
    let lr = number("lr")?;
    crate::sweep::spec::check_lr(lr).map_err(|_| bad("lr"))?;
    if !["lesson", "uniform", "normal", "symmetric", "near-symmetric"].contains(&row.get("init")) {
        return Err(bad("init"));
    }
    let epochs: u32 = row
        .get("epochs")
        .parse()
        .ok()
        .filter(|&e| e > 0 && e <= crate::train::MAX_EPOCHS)
        .ok_or_else(|| bad("epochs"))?;
    let precision = match row.get("precision") {
        "f64" => Precision::F64,
        "f32" => Precision::F32,
        _ => return Err(bad("precision")),
    };
    if every == Some(0) {
        return Err(UsageError::new("replay: --every must be at least 1"));
    }
    let every = every.unwrap_or((epochs - 1) / 8).max(1);
    // Every N epochs, and always the last one before the end (the lesson's "epoch 4000").
    let mut log: Vec<u32> = (0..epochs).step_by(every as usize).collect();
    log.push(epochs - 1);
    let spec = TrainSpec::new(epochs, log, None);
    let (outcome, curve) = batch::train(precision, &[init], &[lr], &spec).remove(0);

    let mut text = format!(
        "run {run}: init {}{}, lr {}, seed {}, {epochs} steps, {precision} lanes\ninitial weights {init}\n\n",
        row.get("init"),
        [("scale", row.get("scale")), ("eps", row.get("eps"))]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!(" {k} {v}"))
            .collect::<String>(),
        row.get("lr"),
        row.get("seed"),
    );
    text.push_str(&baseline::render(&spec, &outcome, &curve));
    let solved = outcome
        .solved_epoch
        .map_or("never".into(), |e| format!("at epoch {e}"));
    text.push_str(&format!(
        "\nfinal weights {}\nfinal loss {}, {}/4 correct, solved {solved}, hidden gap {}{}\n",
        outcome.params,
        num(outcome.final_loss),
        outcome.correct,
        num(outcome.hidden_gap),
        if outcome.diverged { ", DIVERGED" } else { "" }
    ));

    // Compare with the recorded row: equal text means equal bits (numbers round-trip).
    let o = &outcome;
    let mut checks: Vec<(String, String)> = PARAM_NAMES
        .iter()
        .zip(o.params.0)
        .map(|(p, x)| (p.to_string(), num(x)))
        .collect();
    checks.extend(
        ["out_00", "out_01", "out_10", "out_11"]
            .iter()
            .zip(o.outputs)
            .map(|(c, x)| (c.to_string(), num(x))),
    );
    checks.push(("final_loss".into(), num(o.final_loss)));
    checks.push(("correct".into(), o.correct.to_string()));
    checks.push((
        "solved_epoch".into(),
        o.solved_epoch.map(|e| e.to_string()).unwrap_or_default(),
    ));
    checks.push(("hidden_gap".into(), num(o.hidden_gap)));
    checks.push(("diverged".into(), u8::from(o.diverged).to_string()));
    let differ: Vec<String> = checks
        .iter()
        .filter(|(col, got)| row.0.contains_key(col) && row.get(col) != got)
        .map(|(col, got)| format!("{col}: recorded {}, replayed {got}", row.get(col)))
        .collect();
    if differ.is_empty() {
        text.push_str("reproduces the recorded row exactly\n");
    } else {
        text.push_str(&format!(
            "DOES NOT reproduce the recorded row: {}\n",
            differ.join("; ")
        ));
    }
    Ok((text, differ.is_empty()))
}
